"""How much of a year a weather series covers: the one rule that turns sums into per-year values.

PV and wind both sum energy over the hours of a series and report it per year and per calendar
month. A full year (8,760 or 8,784 h) counts once; several years are averaged; a partial series
(``--allow-partial``) is scaled to a year and flagged, and only months with at least half their
hours are reported. This module is the only owner of that rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Mean length of each calendar month [h] (February 28.25 days: leap years included).
MONTH_HOURS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 24.0
#: A partial series' month is reported (scaled to its full length) only if at least this share
#: of its hours is present; months covered less are NaN. Assumption: scaling a few hours or days
#: up to a month (e.g. the one December hour before 1 January 00:00 UTC of a MEZ file) would
#: report noise as a monthly energy; half a month keeps the seasonal signal.
MIN_MONTH_COVERAGE = 0.5


def partial_month_factors(present_hours, month_hours=MONTH_HOURS) -> np.ndarray:
    """Factors scaling a partial series' month sums to full months [-], NaN where not covered.

    Parameters
    ----------
    present_hours : (12,) hours of data in each calendar month [h].
    month_hours : (12,) length of each month in the calendar the data come from [h]
        (:func:`calendar_month_hours`; default: mean month lengths).

    Returns
    -------
    (12,) month_hours / present where present >= MIN_MONTH_COVERAGE x month_hours, else NaN.
    A fully covered month gets exactly 1.
    """
    present = np.asarray(present_hours, float)
    full = np.asarray(month_hours, float)
    ok = present >= MIN_MONTH_COVERAGE * full
    return np.where(ok, full / np.where(ok, present, 1.0), np.nan)


def calendar_month_hours(times: pd.DatetimeIndex) -> np.ndarray:
    """Length [h] of each calendar month 1..12 in the years ``times`` cover.

    The mean over those years, e.g. 672 h for February 2015 and 696 h for February 2024;
    :data:`MONTH_HOURS` for months not in ``times``.
    """
    out = MONTH_HOURS.copy()
    if len(times) == 0:
        return out
    ym = pd.DataFrame({"y": times.year, "m": times.month}).drop_duplicates()
    days = pd.to_datetime({"year": ym["y"], "month": ym["m"], "day": 1}).dt.days_in_month
    mean_days = days.groupby(ym["m"].to_numpy()).mean()
    out[mean_days.index.to_numpy() - 1] = mean_days.to_numpy() * 24.0
    return out


def year_factors(times: pd.DatetimeIndex, step_h: float, meta) -> tuple[float, np.ndarray, bool]:
    """Factors turning sums over a weather series into per-year values; shared by PV and wind.

    Parameters
    ----------
    times : the time stamps the sums are grouped by month on (interval starts or middles).
    step_h : time step [h].
    meta : WeatherMeta (uses ``partial`` and ``annual_factor`` when given).

    Returns
    -------
    annual : factor for annual sums: ``meta.annual_factor`` (1 for one full year, 8760 h / hours
        for a partial series, 1 / years for several); without it 8760 h / hours (partial),
        1 (up to 8,784 h) or 8,766 h / hours.
    monthly : (12,) factors. Partial series: months covered at least :data:`MIN_MONTH_COVERAGE`
        are scaled to their calendar length, others are NaN (one hour must not become a month),
        so months then do NOT add up to the annual figure. Otherwise 1 / the number of years each
        month occurs in, counted from its hours (a year starting 31 Dec 23:00 UTC still has one
        December, although it touches two calendar years).
    partial : whether the series is partial (results scaled and flagged).
    """
    hours = len(times) * step_h
    partial = bool(getattr(meta, "partial", False))
    factor = getattr(meta, "annual_factor", None)
    annual = (
        float(factor)
        if factor is not None and np.isfinite(factor) and factor > 0
        else (8760.0 / hours if partial else (1.0 if hours <= 8784 else 8766.0 / hours))
    )
    present = np.bincount(np.asarray(times.month), minlength=13)[1:] * step_h
    if partial:
        return annual, partial_month_factors(present, calendar_month_hours(times)), True
    return annual, 1.0 / np.maximum(1.0, np.round(present / MONTH_HOURS)), False
