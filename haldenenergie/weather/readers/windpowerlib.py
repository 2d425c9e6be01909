"""Format ``windpowerlib``: windpowerlib's weather CSV (two header rows: variable_name, height).

Temperature in K, pressure in Pa, wind speed in m s-1, optional roughness length [m]; several
heights per variable. No irradiance: such a file is usable for wind only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import parse_time_strict, short
from ..model import IRRADIANCE_COLUMNS, RawSeries
from ..units import to_canonical
from ._registry import Probe, register

#: windpowerlib variable -> (canonical column at the main height, unit in the file).
VARIABLE_MAP: dict[str, tuple[str, str]] = {
    "wind_speed": ("wind_speed", "m/s"),
    "temperature": ("temp_air", "K"),
    "pressure": ("pressure", "Pa"),
    "roughness_length": ("_z0", "m"),
}
REQUIRED_VARIABLES = {"wind_speed", "temperature", "pressure"}


def _detect(probe: Probe) -> bool:
    lines = probe.lines
    return (
        probe.first.startswith("variable_name,")
        and len(lines) > 1
        and lines[1].startswith("height,")
    )


def _read_table(path: Path, opts: dict) -> tuple[pd.DataFrame, list[tuple[str, float]]]:
    try:
        df = pd.read_csv(path, header=[0, 1], index_col=0, engine="c")
    except (ValueError, pd.errors.ParserError) as exc:
        raise WeatherError(
            f"{path}: not a valid windpowerlib CSV ({short(exc)}); it needs two "
            f"header rows (variable_name, height)"
        ) from None
    df.index = parse_time_strict(pd.Series(df.index), path, 3, tz=opts.get("tz"))
    vars_ = df.columns.get_level_values(0)
    try:
        heights = [float(h) for h in df.columns.get_level_values(1)]
    except ValueError:
        raise WeatherError(
            f"{path}: the second header row must give heights in m (numbers); "
            f"found {list(df.columns.get_level_values(1))}"
        ) from None
    missing = REQUIRED_VARIABLES - set(vars_)
    if missing:
        raise WeatherError(
            f"{path}: missing required columns {', '.join(sorted(missing))} "
            f"(required: wind_speed, temperature, pressure; found: "
            f"{', '.join(sorted(set(vars_)))}); add them"
        )
    return df, list(zip(vars_, heights, strict=True))


def _canonical_columns(df, cols) -> tuple[pd.DataFrame, float, float]:
    """Canonical frame; main heights: wind closest to 10 m, temperature closest to 2 m."""
    out = pd.DataFrame(index=df.index)
    wh = min((h for v, h in cols if v == "wind_speed"), key=lambda h: (abs(h - 10.0), h))
    th = min((h for v, h in cols if v == "temperature"), key=lambda h: (abs(h - 2.0), h))
    main = {"wind_speed": wh, "temperature": th}
    for (v, h), col in zip(cols, df.columns, strict=True):
        if v not in VARIABLE_MAP:
            continue
        canon, unit = VARIABLE_MAP[v]
        s = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
        s = s if unit == "m" else to_canonical(s, unit, 3600.0)
        out[canon if main.get(v, h) == h else f"{canon}_{h:g}m"] = s
    return out, wh, th


def _roughness(path, out: pd.DataFrame, warnings: list) -> float | None:
    if "_z0" not in out:
        return None
    z = out.pop("_z0")
    z0 = float(np.nanmedian(z))
    if np.nanmax(z) - np.nanmin(z) > 1e-9:
        warnings.append(
            f"{path}: roughness_length varies in time ({np.nanmin(z):g}-"
            f"{np.nanmax(z):g} m); its median {z0:g} m is used"
        )
    return z0


@register(
    "windpowerlib",
    "windpowerlib CSV (header rows variable_name, height)",
    detect=_detect,
)
def read_windpowerlib(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read windpowerlib's CSV; irradiance columns are empty (wind only)."""
    df, cols = _read_table(path, opts)
    out, wh, th = _canonical_columns(df, cols)
    warnings: list[str] = []
    z0 = _roughness(path, out, warnings)
    for c in IRRADIANCE_COLUMNS:
        out[c] = np.nan
    warnings.append(
        f"{path}: windpowerlib CSV has no irradiance; usable for wind only (ghi, dhi, "
        f"dni are empty)"
    )
    return RawSeries(
        data=out,
        source_format="windpowerlib",
        station=opts.get("station"),
        latitude=opts.get("latitude"),
        longitude=opts.get("longitude"),
        elevation_m=opts.get("elevation_m"),
        wind_speed_height_m=wh,
        temp_air_height_m=th,
        roughness_length_m=z0,
        irradiance_available=False,
        notes=[
            (
                "windpowerlib CSV: temperature K -> degC, pressure Pa; index converted to UTC; "
                "timestamps taken as interval starts"
            )
        ],
        warnings=warnings,
        row_numbers=np.arange(len(out)) + 3,
    )
