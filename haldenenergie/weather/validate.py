"""The common pipeline after every reader: timestamps, hourly grid, gaps, ranges, plausibility.

:func:`finish` turns a reader's :class:`~haldenenergie.weather.model.RawSeries` into the validated
canonical hourly series and fills the :class:`~haldenenergie.weather.model.WeatherMeta`. Every
problem is one :class:`~haldenenergie.errors.WeatherError` line naming the file, the rows or times
and the fix; problems that are repaired (short gaps, DHI slightly above GHI) are warnings. The
plausibility rules (units, frozen sensors) are in :mod:`haldenenergie.weather.plausibility`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WeatherError
from ._util import lines_str, td_str
from .config import WeatherConfig
from .irradiance import derive_and_check
from .model import (
    EXTRA_TEMP_PATTERN,
    EXTRA_WIND_PATTERN,
    HOURS_PER_YEAR,
    IRRADIANCE_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    RawSeries,
    WeatherMeta,
    warn,
)
from .plausibility import check_plausibility, given_columns
from .resample import HOUR, roll_into_year, to_full_grid, to_hourly


def finish(
    raw: RawSeries, meta: WeatherMeta, cfg: WeatherConfig, allow_partial: bool, path: str | Path
) -> pd.DataFrame:
    """Common pipeline for every reader (see the Notes of ``read_weather``).

    Parameters
    ----------
    raw : a reader's result; meta : filled in place; cfg : thresholds.
    allow_partial : accept a series shorter than a year (and drop long gaps).
    path : file (or a description such as ``"PVGIS TMY 51.5,7.0"``) for messages.

    Returns
    -------
    DataFrame, the canonical hourly series.
    """
    _take_raw_meta(raw, meta, cfg)
    df = raw.data
    if df.index.tz is None:
        raise WeatherError(f"{path}: naive timestamps; add the UTC offset or pass --tz")
    df.index = df.index.tz_convert("UTC")
    rows = raw.row_numbers if raw.row_numbers is not None else np.arange(len(df)) + 1
    check_required(df, meta, path)
    df = check_numeric(df, rows, path)
    check_timestamps(df.index, rows, path)
    step = _time_step(df.index, meta, path)
    # unit sanity before any averaging (Kelvin / hPa messages are clearer on raw values)
    check_units(df, path)
    df = to_hourly(df, step, meta, cfg, path)
    if raw.typical_year is not None:
        df = roll_into_year(df, raw.typical_year)
    df = to_full_grid(df)
    df = _pressure_from_elevation(df, meta, path)
    df = fill_gaps(df, meta, cfg, path, allow_partial)
    given = given_columns(df)
    if meta.irradiance_available:
        df = derive_and_check(df, meta, cfg, path)
    else:
        for c in IRRADIANCE_COLUMNS:
            df[c] = np.nan
    check_ranges(df, cfg, path)
    df = _order_columns(df, meta)
    coverage(df, meta, path, allow_partial)
    check_plausibility(df, meta, cfg, path, given)
    return df


def _take_raw_meta(raw: RawSeries, meta: WeatherMeta, cfg: WeatherConfig) -> None:
    for w in raw.warnings:
        warn(meta, w)
    meta.notes = list(raw.notes)
    meta.station, meta.latitude, meta.longitude = raw.station, raw.latitude, raw.longitude
    meta.elevation_m = raw.elevation_m
    meta.wind_speed_height_m = float(raw.wind_speed_height_m or cfg.default_wind_speed_height_m)
    meta.temp_air_height_m = float(raw.temp_air_height_m)
    meta.roughness_length_m = raw.roughness_length_m
    meta.irradiance_available = raw.irradiance_available
    meta.data_source, meta.source_period = raw.data_source, raw.source_period


def check_required(df: pd.DataFrame, meta: WeatherMeta, path: str | Path) -> None:
    """Required columns present, at least two rows, a location where irradiance is used."""
    need = ["temp_air", "wind_speed"]
    if meta.irradiance_available:
        need = ["ghi"] + need
    missing = [c for c in need if c not in df.columns]
    if missing:
        found = ", ".join(c for c in df.columns if not c.startswith("_")) or "none"
        raise WeatherError(
            f"{path}: missing required columns {', '.join(missing)} (required: ghi (or bhi+dhi), "
            f"temp_air, wind_speed, pressure (or elevation); found: {found}); "
            f"add them or map them with --map"
        )
    if len(df) < 2:
        raise WeatherError(
            f"{path}: only {len(df)} data row(s); a weather series needs hourly values for a year"
        )
    if (meta.latitude is None or meta.longitude is None) and meta.irradiance_available:
        raise WeatherError(f"{path}: location unknown; pass --lat and --lon")


def check_numeric(df: pd.DataFrame, rows: np.ndarray, path: str | Path) -> pd.DataFrame:
    """Every data column numeric; text in a number column is an error naming line and value.

    Readers leave empty cells as NaN (a gap, filled or reported later); a cell holding text
    (``n/a?``, a unit, a comma-decimal number in a point-decimal file) would otherwise reach the
    arithmetic as a string.
    """
    for c in [c for c in df.columns if not str(c).startswith("_")]:
        if pd.api.types.is_numeric_dtype(df[c]):
            continue
        num = pd.to_numeric(df[c], errors="coerce")
        text = df[c].notna() & num.isna() & (df[c].astype(str).str.strip() != "")
        if text.any():
            i = int(np.flatnonzero(text.to_numpy())[0])
            raise WeatherError(
                f"{path}: column {c}: {int(text.sum())} cell(s) are not numbers (first on line "
                f"{rows[i]}: {str(df[c].iloc[i])[:30]!r}); write numbers with a decimal point, "
                "leave missing values empty, or map the column with --map"
            )
        df[c] = num.astype(float)
    return df


def check_timestamps(idx: pd.DatetimeIndex, rows: np.ndarray, path: str | Path) -> None:
    """No duplicated timestamps; increasing order (``rows``: file line of each timestamp)."""
    dup = idx.duplicated(keep=False)
    if dup.any():
        r = rows[np.flatnonzero(dup)]
        raise WeatherError(
            f"{path}: duplicated timestamps ({int(idx.duplicated().sum())} repeated; first at "
            f"{idx[dup][0]:%Y-%m-%d %H:%M} UTC, lines {lines_str(r, 4)}); remove the duplicates"
        )
    if not idx.is_monotonic_increasing:
        back = np.flatnonzero(np.diff(idx.asi8) < 0)
        raise WeatherError(
            f"{path}: timestamps not in increasing order (line {rows[back[0] + 1]} goes back from "
            f"{idx[back[0]]:%Y-%m-%d %H:%M} to {idx[back[0] + 1]:%Y-%m-%d %H:%M} UTC; "
            f"{len(back)} such place(s)); sort the rows by time"
        )


def _time_step(idx: pd.DatetimeIndex, meta: WeatherMeta, path) -> pd.Timedelta:
    """The most frequent step; it must be hourly or finer and divide an hour."""
    step = pd.Series(idx).diff().dropna().mode().iloc[0]
    meta.source_step = td_str(step)
    if step > HOUR:
        raise WeatherError(
            f"{path}: time step {td_str(step)} is coarser than hourly; hourly or "
            f"finer data are needed (daily/monthly values cannot give yields)"
        )
    if (HOUR % step) != pd.Timedelta(0):
        raise WeatherError(
            f"{path}: time step {td_str(step)} does not divide an hour; resample "
            f"the data to 1, 5, 10, 15, 30 or 60 minutes"
        )
    return step


def check_units(df: pd.DataFrame, path: str | Path) -> None:
    """Refuse temperatures that look like Kelvin and pressures that look like hPa or kPa."""
    if "temp_air" in df and df["temp_air"].notna().any():
        med = float(np.nanmedian(df["temp_air"]))
        if 200.0 < med < 350.0:
            raise WeatherError(
                f"{path}: temp_air looks like Kelvin (median {med:.1f}); convert to degC or "
                f"declare the unit (--units temp_air=K)"
            )
    if "pressure" in df and df["pressure"].notna().any():
        med = float(np.nanmedian(df["pressure"]))
        if 300.0 <= med <= 1100.0:
            raise WeatherError(
                f"{path}: pressure looks like hPa (median {med:.1f}) where Pa is expected; "
                f"declare the unit (--units pressure=hPa) or multiply by 100"
            )
        if 30.0 <= med <= 110.0:
            raise WeatherError(
                f"{path}: pressure looks like kPa (median {med:.1f}) where Pa is expected; "
                f"declare the unit (--units pressure=kPa)"
            )


def _pressure_from_elevation(df: pd.DataFrame, meta: WeatherMeta, path) -> pd.DataFrame:
    """Station pressure of the standard atmosphere at the elevation where the file has none."""
    if "pressure" in df.columns and not df["pressure"].isna().all():
        return df
    if meta.elevation_m is None:
        raise WeatherError(
            f"{path}: missing required column pressure and no elevation to "
            f"derive it from; add pressure or pass --elevation"
        )
    import pvlib

    df["pressure"] = float(pvlib.atmosphere.alt2pres(meta.elevation_m))
    meta.notes.append(
        f"pressure derived from elevation {meta.elevation_m:g} m "
        f"(pvlib.atmosphere.alt2pres, standard atmosphere)"
    )
    return df


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of runs of True."""
    if not mask.any():
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), (ends - starts).tolist(), strict=True))


def _fill_optional(df: pd.DataFrame, meta: WeatherMeta, path) -> pd.DataFrame:
    """Optional columns (wind_direction) make no gaps: filled, or dropped if mostly empty.

    More than half empty -> dropped; otherwise filled with the previous/next value (directions do
    not interpolate linearly across north).
    """
    for c in [c for c in OPTIONAL_COLUMNS if c in df.columns]:
        if df[c].isna().mean() > 0.5:
            warn(meta, f"{path}: column {c} is more than half empty; dropped")
            df = df.drop(columns=c)
        elif df[c].isna().any():
            n = int(df[c].isna().sum())
            df[c] = df[c].ffill().bfill()
            meta.notes.append(f"{n} missing {c} values filled with the previous value")
    return df


def _interpolate_short(df, cols, short, meta, cfg, path) -> None:
    """Linear interpolation of each column, only inside the short gaps ``short``."""
    before = df[cols].isna()
    interp = df[cols].interpolate(method="linear", limit_direction="both", limit_area=None)
    keep = np.zeros(len(df), dtype=bool)
    for s, n in short:
        keep[s : s + n] = True
    filled = df[cols].where(~(before.to_numpy() & keep[:, None]), interp)
    meta.n_gaps_filled = int((before & filled.notna()).to_numpy().sum())
    df[cols] = filled
    first = df.index[short[0][0]]
    warn(
        meta,
        f"{path}: {len(short)} short gap(s) up to {cfg.max_interpolated_gap_h} h "
        f"interpolated linearly ({meta.n_gaps_filled} values; first at "
        f"{first:%Y-%m-%d %H:%M} UTC)",
    )


def _drop_long(df, long_runs, meta, path) -> pd.DataFrame:
    drop = np.zeros(len(df), dtype=bool)
    for s, n in long_runs:
        drop[s : s + n] = True
    meta.n_long_gaps_dropped = len(long_runs)
    warn(
        meta,
        f"{path}: {len(long_runs)} long gap(s) ({int(drop.sum())} h) dropped "
        f"(--allow-partial); annual sums are scaled by the coverage",
    )
    return df[~drop]


def fill_gaps(
    df: pd.DataFrame, meta: WeatherMeta, cfg: WeatherConfig, path: str | Path, allow_partial: bool
) -> pd.DataFrame:
    """Interpolate gaps up to ``max_interpolated_gap_h``; longer ones: error, or dropped.

    A gap is a run of hours in which any required column is missing. Sets ``meta.n_gaps``,
    ``n_gaps_filled`` and ``n_long_gaps_dropped``.
    """
    df = _fill_optional(df, meta, path)
    cols = [
        c
        for c in df.columns
        if c not in OPTIONAL_COLUMNS and (c not in IRRADIANCE_COLUMNS or meta.irradiance_available)
    ]
    gaps = runs(df[cols].isna().to_numpy().any(axis=1))
    meta.n_gaps = len(gaps)
    long_runs = [(s, n) for s, n in gaps if n > cfg.max_interpolated_gap_h]
    if long_runs and not allow_partial:
        s, n = max(long_runs, key=lambda r: r[1])
        raise WeatherError(
            f"{path}: {len(long_runs)} gap(s) longer than {cfg.max_interpolated_gap_h} h "
            f"(longest {n} h from {df.index[s]:%Y-%m-%d %H:%M} UTC); fill them from another "
            f"source, raise [weather] max_interpolated_gap_h, or pass --allow-partial to drop them"
        )
    meta.n_gaps_filled = 0
    short = [(s, n) for s, n in gaps if n <= cfg.max_interpolated_gap_h]
    if short:
        _interpolate_short(df, cols, short, meta, cfg, path)
    if long_runs:
        df = _drop_long(df, long_runs, meta, path)
    return df


def _range_error(df, mask, values, path, what: str, unit: str, hint: str, fmt: str = ".1f"):
    i = np.flatnonzero(mask)
    return WeatherError(
        f"{path}: {what} {unit} in {len(i)} hours (first {df.index[i[0]]:%Y-%m-%d %H:%M} UTC: "
        f"{values[mask][0]:{fmt}}); {hint}"
    )


def check_ranges(df: pd.DataFrame, cfg: WeatherConfig, path: str | Path) -> None:
    """Air temperature, wind speeds, pressure, cloud cover and wind direction in their ranges."""
    t = df["temp_air"].to_numpy(float)
    bad = (t < cfg.temp_air_min_c) | (t > cfg.temp_air_max_c)
    if bad.any():
        raise _range_error(
            df,
            bad,
            t,
            path,
            f"temp_air out of range [{cfg.temp_air_min_c:g}, {cfg.temp_air_max_c:g}]",
            "degC",
            "check the unit (--units temp_air=K/F) and the column mapping",
        )
    for c in [c for c in df.columns if c.startswith("wind_speed")]:
        w = df[c].to_numpy(float)
        bad = (w < 0) | (w > cfg.wind_speed_max_m_s)
        if bad.any():
            raise _range_error(
                df,
                bad,
                w,
                path,
                f"{c} out of range [0, {cfg.wind_speed_max_m_s:g}]",
                "m s-1",
                "check the unit (--units wind_speed=km/h) and missing-value codes",
            )
    p = df["pressure"].to_numpy(float)
    bad = (p < cfg.pressure_min_pa) | (p > cfg.pressure_max_pa)
    if bad.any():
        raise _range_error(
            df,
            bad,
            p,
            path,
            f"pressure out of range [{cfg.pressure_min_pa:g}, {cfg.pressure_max_pa:g}]",
            "Pa",
            "check the unit (--units pressure=hPa)",
            fmt=".0f",
        )
    if "cloud_cover_okta" in df:
        n = df["cloud_cover_okta"].to_numpy(float)
        bad = (n < 0) | (n > 8)  # okta: eighths of the sky (WMO No. 306, code table 2700)
        if bad.any():
            i = np.flatnonzero(bad)
            raise WeatherError(
                f"{path}: cloud_cover_okta outside 0-8 okta in {len(i)} hours (first "
                f"{df.index[i[0]]:%Y-%m-%d %H:%M} UTC, {n[i[0]]:g}); give the total cloud cover "
                "in eighths (a value in tenths or per cent must be converted; 9 = sky obscured)"
            )
    if "wind_direction" in df:
        d = df["wind_direction"].to_numpy(float)
        bad = (d < 0) | (d > 360)
        if bad.any():
            i = np.flatnonzero(bad)
            raise WeatherError(
                f"{path}: wind_direction outside 0-360 deg in {len(i)} hours (first "
                f"{df.index[i[0]]:%Y-%m-%d %H:%M} UTC); check missing-value codes"
            )


def height_of(col: str) -> float:
    """[m] the height in a column name such as ``wind_speed_80m``."""
    return float(re.search(r"_(\d+(?:\.\d+)?)m$", col).group(1))


def _order_columns(df: pd.DataFrame, meta: WeatherMeta) -> pd.DataFrame:
    """Canonical column order, float values; records the extra heights in ``meta``."""
    extra_w = sorted([c for c in df.columns if re.fullmatch(EXTRA_WIND_PATTERN, c)], key=height_of)
    extra_t = sorted([c for c in df.columns if re.fullmatch(EXTRA_TEMP_PATTERN, c)], key=height_of)
    cols = (
        list(REQUIRED_COLUMNS)
        + [c for c in OPTIONAL_COLUMNS if c in df.columns]
        + extra_w
        + extra_t
    )
    df = df[cols].astype(float)
    df.index.name = "time_utc"
    df.index.freq = None
    meta.extra_wind_heights_m = tuple(height_of(c) for c in extra_w)
    meta.extra_temp_heights_m = tuple(height_of(c) for c in extra_t)
    return df


def _is_one_calendar_year(idx: pd.DatetimeIndex, span_h: int) -> bool:
    return (
        idx[0].year == idx[-1].year
        and idx[0] == pd.Timestamp(f"{idx[0].year}-01-01", tz="UTC")
        and span_h == (8784 if idx[0].is_leap_year else 8760)
    )


def coverage(df: pd.DataFrame, meta: WeatherMeta, path: str | Path, allow_partial: bool) -> None:
    """Period, coverage fraction and annual factor of the series (set in ``meta``).

    A series shorter than a year is an error unless ``allow_partial`` (then sums are scaled by
    ``HOURS_PER_YEAR / n`` and flagged).
    """
    n = len(df)
    meta.n_hours = n
    meta.period_start, meta.period_end = df.index[0], df.index[-1]
    span_h = int((df.index[-1] - df.index[0]) / HOUR) + 1
    one_year = _is_one_calendar_year(df.index, span_h)
    if span_h < HOURS_PER_YEAR or meta.n_long_gaps_dropped:
        _partial(df, meta, path, allow_partial)
        return
    # hours of the years covered: the calendar year itself, else 8760 h or 8766 h (365.25 d)
    if one_year:
        hours_year = span_h
    elif span_h <= 8784:
        hours_year = HOURS_PER_YEAR
    else:
        hours_year = 8766
    years = n / hours_year
    meta.coverage_fraction = round(min(1.0, n / span_h), 6)
    meta.annual_factor = 1.0 / years if not one_year else 1.0
    if years > 1.0001 and not one_year:
        meta.notes.append(
            f"series spans {years:.2f} years; annual sums are averaged per year "
            f"(meta.annual_factor={meta.annual_factor:.4f})"
        )


def _partial(df: pd.DataFrame, meta: WeatherMeta, path, allow_partial: bool) -> None:
    n = len(df)
    meta.partial = True
    meta.coverage_fraction = round(min(1.0, n / HOURS_PER_YEAR), 6)
    if not allow_partial:
        raise WeatherError(
            f"{path}: series covers {n} h ({n / 24:.1f} days, {meta.coverage_fraction:.1%} of a "
            f"year) from {df.index[0]:%Y-%m-%d %H:%M} to {df.index[-1]:%Y-%m-%d %H:%M} UTC; "
            f"annual yields need a full year: use a longer series or pass --allow-partial "
            f"(results are then scaled and flagged)"
        )
    warn(
        meta,
        f"{path}: partial series ({meta.coverage_fraction:.1%} of a year); annual sums "
        f"are scaled by {HOURS_PER_YEAR / n:.3f} and flagged",
    )
    meta.annual_factor = HOURS_PER_YEAR / n
