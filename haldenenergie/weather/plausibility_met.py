"""Plausibility of wind speed and air temperature: wrong units and frozen sensors.

Part of :mod:`haldenenergie.weather.plausibility` (thresholds in
:class:`~haldenenergie.weather.config.WeatherConfig`); these checks need no location, so they also
run for wind-only files.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WeatherError
from .config import WeatherConfig
from .model import WeatherMeta, warn

#: Reference height of the wind-speed bounds [m] (WMO-No. 8, CIMO Guide: standard anemometer
#: height 10 m).
WIND_REFERENCE_HEIGHT_M = 10.0
#: Power-law (Hellmann) exponent that scales the wind-speed bounds to the stated height [-]:
#: the upper end of the exponents of 0.1-0.25 over open to rough inland terrain (Manwell, McGowan
#: & Rogers, Wind Energy Explained, 2nd ed. 2009, sec. 2.3.3), so that the bound is generous.
WIND_BOUND_EXPONENT = 0.25
#: Series shorter than this are not tested for wind and temperature statistics [h]
#: (assumption: a month; a stormy week or a calm foggy spell is weather, not a unit error).
MIN_STAT_HOURS = 720
#: Fewest days for the day-to-day temperature variability test [d] (assumption: a month).
MIN_TEMP_DAYS = 30
#: (factor to m s-1, unit as written in --units, name) that give unmistakable wind signatures.
WIND_UNIT_GUESSES: tuple[tuple[float, str, str], ...] = (
    (3.6, "km/h", "km/h"),
    (1.0 / 0.514444, "kn", "knots"),
)
#: Typical annual mean wind speed at 10 m a unit guess should restore [m s-1] (3.2-4.1 in the DWD
#: TRY Essen and DWD Düsseldorf 2024; assumption: central value).
TYPICAL_WIND_MEAN_M_S = 3.5


def _wind_columns(df: pd.DataFrame, meta: WeatherMeta) -> list[tuple[str, float]]:
    """(column, height [m]) of every wind-speed column."""
    cols = [("wind_speed", float(meta.wind_speed_height_m))] if "wind_speed" in df else []
    for c in df.columns:
        m = re.fullmatch(r"wind_speed_(\d+(?:\.\d+)?)m", c)
        if m:
            cols.append((c, float(m.group(1))))
    return cols


def _wind_unit_hint(mean: float, scale: float) -> tuple[str, str]:
    """(what the values look like, the --units spelling) of the likeliest wrong unit."""
    target = TYPICAL_WIND_MEAN_M_S * scale
    f, unit, name = min(WIND_UNIT_GUESSES, key=lambda g: abs(np.log(mean / g[0] / target)))
    return f"values look like {name} (mean / {f:.3g} = {mean / f:.1f} m s-1)", unit


def check_wind(df: pd.DataFrame, meta: WeatherMeta, cfg: WeatherConfig, path: str | Path) -> None:
    """Annual mean and 99th percentile of each wind-speed column for its height.

    Both above their bounds (``wind_mean_max_m_s``, ``wind_p99_max_m_s`` at 10 m, scaled by
    ``(h / 10 m) ** 0.25``) is an error naming the likely unit (km/h, knots); one of them a
    warning; a mean below ``wind_mean_min_m_s`` an error (dead anemometer).
    """
    if len(df) < MIN_STAT_HOURS:
        return
    for col, h in _wind_columns(df, meta):
        w = df[col].to_numpy(float)
        mean, p99 = float(np.nanmean(w)), float(np.nanquantile(w, 0.99))
        scale = (max(h, 0.1) / WIND_REFERENCE_HEIGHT_M) ** WIND_BOUND_EXPONENT
        mean_max, p99_max = cfg.wind_mean_max_m_s * scale, cfg.wind_p99_max_m_s * scale
        evidence = f"column {col} ({h:g} m): mean {mean:.2f} m s-1, 99th percentile {p99:.1f} m s-1"
        if mean < cfg.wind_mean_min_m_s:
            raise WeatherError(
                f"{path}: {evidence}, below the minimum mean {cfg.wind_mean_min_m_s:g} m s-1 (a "
                f"dead anemometer or a wrong unit); check the column or set [weather] "
                f"wind_mean_min_m_s"
            )
        high_mean, high_p99 = mean > mean_max, p99 > p99_max
        bounds = f"plausible at {h:g} m: mean <= {mean_max:.1f}, 99th percentile <= {p99_max:.1f}"
        if high_mean and high_p99:
            look, unit = _wind_unit_hint(mean, scale)
            raise WeatherError(
                f"{path}: {evidence} ({bounds}); {look}; convert to m/s (a generic CSV can "
                f"declare --units {col}={unit}); a real site this windy: raise [weather] "
                f"wind_mean_max_m_s and wind_p99_max_m_s"
            )
        if high_mean or high_p99:
            warn(
                meta,
                f"{path}: {evidence} unusually high ({bounds}); check the unit (--units "
                f"{col}=km/h or kn) and the anemometer height",
            )


def longest_constant_run(values: np.ndarray) -> tuple[int, int]:
    """(start index, length) of the longest run of identical consecutive values (NaN breaks)."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return 0, 0
    same = np.concatenate([[False], v[1:] == v[:-1]])
    # run id increases wherever a value differs from its predecessor
    ids = np.cumsum(~same)
    lengths = np.bincount(ids)
    best = int(np.argmax(lengths))
    start = int(np.flatnonzero(ids == best)[0])
    return start, int(lengths[best])


def check_temperature(
    df: pd.DataFrame, meta: WeatherMeta, cfg: WeatherConfig, path: str | Path
) -> None:
    """A frozen air-temperature sensor: long constant runs, no day-to-day variability.

    A run of ``temp_frozen_warn_h`` identical hourly values is a warning, of
    ``temp_frozen_max_h`` an error; daily means with a standard deviation below
    ``temp_daily_std_min_k`` (30 days or more) an error.
    """
    if "temp_air" not in df or len(df) < 2:
        return
    t = df["temp_air"].to_numpy(float)
    start, n = longest_constant_run(t)
    where = f"{n} h from {df.index[start]:%Y-%m-%d %H:%M} UTC at {t[start]:.1f} degC"
    if n >= cfg.temp_frozen_max_h:
        raise WeatherError(
            f"{path}: column temp_air is constant for {where} (at most "
            f"{cfg.temp_frozen_max_h} h; a frozen sensor); replace the values from another "
            f"station or set [weather] temp_frozen_max_h"
        )
    if n >= cfg.temp_frozen_warn_h:
        warn(meta, f"{path}: column temp_air is constant for {where}; a frozen sensor?")
    daily = df["temp_air"].resample("D").mean().dropna()
    if len(daily) >= MIN_TEMP_DAYS and len(df) >= MIN_STAT_HOURS:
        std = float(daily.std())
        if std < cfg.temp_daily_std_min_k:
            raise WeatherError(
                f"{path}: column temp_air: daily means vary by only {std:.2f} K (standard "
                f"deviation over {len(daily)} days; minimum {cfg.temp_daily_std_min_k:g} K): a "
                f"stuck sensor; replace the values or set [weather] temp_daily_std_min_k"
            )


__all__ = ["check_temperature", "check_wind", "longest_constant_run"]
