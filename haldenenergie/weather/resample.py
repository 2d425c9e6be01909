"""Time grid of the canonical form: sub-hourly -> hourly means, typical years into one year."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WeatherError
from ._util import td_str
from .config import WeatherConfig
from .model import WeatherMeta

HOUR = pd.Timedelta(hours=1)


def to_hourly(
    df: pd.DataFrame, step: pd.Timedelta, meta: WeatherMeta, cfg: WeatherConfig, path: str | Path
) -> pd.DataFrame:
    """Hourly means (label = interval start) of sub-hourly data; hourly data must be on hh:00.

    Parameters
    ----------
    df : canonical columns on a UTC index of interval starts; step : its time step.
    meta : notes are added; cfg : ``min_samples_fraction_per_hour``; path : for messages.

    Returns
    -------
    DataFrame of hourly means; an hour with too few valid samples is NaN. ``wind_direction`` is
    averaged as a vector (mean of sin and cos).
    """
    if step >= HOUR:
        floor = df.index.floor("h")
        if (floor != df.index).any():
            raise WeatherError(
                f"{path}: hourly timestamps are not on the full hour (e.g. "
                f"{df.index[0]:%H:%M}); shift them to interval starts hh:00 "
                f"(--label) or resample"
            )
        return df
    n_per_h = int(HOUR / step)
    g = df.resample("1h", label="left", closed="left")
    counts = g.count()
    means = g.mean()
    need_n = max(1, int(np.ceil(cfg.min_samples_fraction_per_hour * n_per_h)))
    means = means.where(counts >= need_n)
    if "wind_direction" in df:
        rad = np.radians(df["wind_direction"])
        u = np.sin(rad).resample("1h").mean()
        v = np.cos(rad).resample("1h").mean()
        means["wind_direction"] = (np.degrees(np.arctan2(u, v)) % 360).where(
            counts["wind_direction"] >= need_n
        )
    meta.notes.append(
        f"resampled from {td_str(step)} to hourly means (interval start label; "
        f"an hour needs >= {need_n} of {n_per_h} samples)"
    )
    return means


def roll_into_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Move rows that fall outside ``year`` (UTC) by whole years into it; sort.

    Only rows that then continue the series without a hole are moved: the hour before 1 January
    (a TRY's first row, 00-01 MEZ) goes to the end of the year only if the series reaches
    31 December 22:00 UTC. A truncated typical year keeps its rows where they are and is then
    reported as short, not as having a gap of months.
    """
    y = df.index.year
    if (y == year).all():
        return df
    # leap-day safe: shift by the exact number of days of the year concerned
    start, end = (
        pd.Timestamp(f"{year}-01-01", tz="UTC"),
        pd.Timestamp(f"{year + 1}-01-01", tz="UTC"),
    )
    span = end - start
    inside = (df.index >= start) & (df.index < end)
    if not inside.any():
        return df
    first_in, last_in = df.index[inside].min(), df.index[inside].max()
    new = df.index.to_series()
    before, after = df.index < start, df.index >= end
    if before.any() and (df.index[before] + span).min() - last_in <= HOUR:
        new[before] += span
    if after.any() and first_in - (df.index[after] - span).max() <= HOUR:
        new[after] -= span
    return df.set_axis(pd.DatetimeIndex(new.to_numpy(), tz="UTC")).sort_index()


def to_full_grid(df: pd.DataFrame) -> pd.DataFrame:
    """Reindex to every hour from the first to the last row (missing hours become NaN rows)."""
    return df.reindex(pd.date_range(df.index[0], df.index[-1], freq="1h"))
