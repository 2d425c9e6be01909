"""Format ``dwd_15min``: the 15-minute DWD CSV layout of the Düsseldorf example.

Line 1 ``location,longitude,latitude``, line 2 the values (``Duesseldorf,6.7686,51.296``), line 3
the header ``year,month,day,hour,minute,...``; times in UTC labelling the interval start; pressure
in hPa. Resampled to hourly means by the common pipeline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import lines_str, localize
from ..model import RawSeries
from ..units import to_canonical
from ._registry import Probe, register

#: file column -> (canonical column, unit in the file).
VARIABLE_MAP: dict[str, tuple[str, str]] = {
    "global_irradiance": ("ghi", "W/m2"),
    "diffuse_irradiance": ("dhi", "W/m2"),
    "temperature": ("temp_air", "C"),
    "wind_speed": ("wind_speed", "m/s"),
    "pressure": ("pressure", "hPa"),
    "wind_direction": ("wind_direction", "deg"),
}
TIME_COLUMNS = ["year", "month", "day", "hour", "minute"]
#: Columns the file must have.
REQUIRED_FILE_COLUMNS = TIME_COLUMNS + [
    "temperature",
    "pressure",
    "wind_direction",
    "wind_speed",
    "diffuse_irradiance",
    "global_irradiance",
]


def _detect(probe: Probe) -> bool:
    lines = probe.lines
    return (
        probe.first.lower().startswith("location,longitude,latitude")
        and len(lines) > 2
        and lines[2].replace(" ", "").lower().startswith("year,month,day,hour,minute")
    )


def _location(path, text_head: str) -> tuple[str, float, float]:
    lines = text_head.splitlines()
    try:
        name, lon, lat = [x.strip() for x in lines[1].split(",")[:3]]
        return name, float(lon), float(lat)
    except (ValueError, IndexError):
        raise WeatherError(
            f"{path}: line 2 must give 'name,longitude,latitude' (e.g. "
            f"Duesseldorf,6.7686,51.296); fix the location line"
        ) from None


def _check_columns(path, df: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_FILE_COLUMNS if c not in df.columns]
    if missing:
        raise WeatherError(
            f"{path}: missing required columns {', '.join(missing)} (required: "
            f"{', '.join(REQUIRED_FILE_COLUMNS)}; found: {', '.join(df.columns)}); fix the "
            f"header on line 3"
        )
    for c in REQUIRED_FILE_COLUMNS:
        if not pd.api.types.is_numeric_dtype(df[c]):
            conv = pd.to_numeric(df[c], errors="coerce")
            rows = np.flatnonzero((conv.isna() & df[c].notna()).to_numpy()) + 4
            raise WeatherError(
                f"{path}: non-numeric values in column '{c}' on lines "
                f"{lines_str(rows)}; fix or remove those lines"
            )


@register(
    "dwd_15min",
    "15-minute DWD CSV (location lines, then year,month,day,hour,minute)",
    detect=_detect,
    aliases=("dwd15",),
)
def read_dwd15(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read the 15-minute DWD CSV (UTC, or ``tz`` for naive local times)."""
    name, lon, lat = _location(path, text_head)
    df = pd.read_csv(path, skiprows=2, engine="c")
    df.columns = [c.strip() for c in df.columns]
    _check_columns(path, df)
    t = pd.to_datetime(df[TIME_COLUMNS], errors="coerce")
    if t.isna().any():
        rows = np.flatnonzero(t.isna().to_numpy()) + 4
        raise WeatherError(
            f"{path}: impossible date/time on lines {lines_str(rows)}; fix year, "
            f"month, day, hour, minute there"
        )
    idx = pd.DatetimeIndex(t)
    tz = opts.get("tz")
    idx = localize(idx, tz, path) if tz else idx.tz_localize("UTC")
    out = pd.DataFrame(
        {
            canon: to_canonical(df[col].to_numpy(float), unit, 900.0)
            for col, (canon, unit) in VARIABLE_MAP.items()
        },
        index=idx,
    )
    return RawSeries(
        data=out,
        source_format="dwd_15min",
        station=name,
        latitude=lat,
        longitude=lon,
        elevation_m=opts.get("elevation_m"),
        wind_speed_height_m=10.0,
        row_numbers=np.arange(len(df)) + 4,
        notes=[
            (
                "DWD 15-min CSV: UTC, label = start of interval; pressure hPa -> Pa; "
                "resampled to hourly means; DNI derived from GHI - DHI"
            )
        ],
    )
