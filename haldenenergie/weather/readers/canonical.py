"""Format ``canonical``: the project's own CSV (written by ``weather convert`` / ``synthesize``).

Layout: ``#``-comment header lines (magic line, ``key: value`` metadata, free comments), then a
CSV table with a ``time_utc`` column (ISO 8601 with offset, interval start) and one column per
canonical variable with the unit as a suffix (:data:`VARIABLE_MAP`).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import parse_time_strict
from ..model import CANONICAL_MAGIC, RawSeries
from ._registry import Probe, register

#: canonical column -> column name in the file (unit as suffix). Extra heights: ``<col>_m_s`` and
#: ``<col>_degc`` (:func:`file_column`).
VARIABLE_MAP: dict[str, str] = {
    "ghi": "ghi_w_m2",
    "dhi": "dhi_w_m2",
    "dni": "dni_w_m2",
    "temp_air": "temp_air_degc",
    "wind_speed": "wind_speed_m_s",
    "pressure": "pressure_pa",
    "wind_direction": "wind_direction_deg",
    "cloud_cover_okta": "cloud_cover_okta",
}
#: number format of each column in the file (0.01 W m-2 and degC, 0.001 m s-1, 0.1 Pa and deg,
#: 0.001 okta).
NUMBER_FORMATS: dict[str, str] = {
    "ghi": "{:.2f}",
    "dhi": "{:.2f}",
    "dni": "{:.2f}",
    "temp_air": "{:.2f}",
    "wind_speed": "{:.3f}",
    "pressure": "{:.1f}",
    "wind_direction": "{:.1f}",
    # 0.001 okta: hourly means of 10/15-min values are fractional; keeps a round trip exact
    # enough for the 3.5-okta night threshold (wind.stability)
    "cloud_cover_okta": "{:.3f}",
}


def file_column(col: str) -> str:
    """File column name of a canonical column."""
    if col in VARIABLE_MAP:
        return VARIABLE_MAP[col]
    if col.startswith("wind_speed_"):
        return f"{col}_m_s"
    if col.startswith("temp_air_"):
        return f"{col}_degc"
    return col


def canonical_column(name: str) -> str:
    """Canonical column name of a file column (inverse of :func:`file_column`)."""
    inv = {v: k for k, v in VARIABLE_MAP.items()}
    if name in inv:
        return inv[name]
    m = re.fullmatch(r"(wind_speed_\d+(?:\.\d+)?m)_m_s|(temp_air_\d+(?:\.\d+)?m)_degc", name)
    if m:
        return m.group(1) or m.group(2)
    return name


def _detect(probe: Probe) -> bool:
    return probe.text.startswith(CANONICAL_MAGIC)


def _header(text_head: str) -> tuple[dict[str, str], int]:
    """``key: value`` pairs of the comment header and the number of comment lines."""
    meta: dict[str, str] = {}
    n_comment = 0
    for line in text_head.splitlines():
        if not line.startswith("#"):
            break
        n_comment += 1
        body = line[1:].strip()
        if ":" in body:
            k, v = body.split(":", 1)
            meta[k.strip()] = v.strip()
    return meta, n_comment


@register(
    "canonical",
    "Haldenenergie canonical CSV (weather convert / synthesize)",
    detect=_detect,
)
def read_canonical(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read the canonical CSV (values and metadata as written by ``write_weather``)."""
    meta, n_comment = _header(text_head)
    df = pd.read_csv(path, skiprows=n_comment, engine="c")
    if "time_utc" not in df.columns:
        raise WeatherError(
            f"{path}: canonical weather CSV has no 'time_utc' column after the "
            f"header (found {', '.join(df.columns[:8])}); re-create it with "
            f"'haldenenergie weather convert'"
        )
    idx = parse_time_strict(df.pop("time_utc"), path, n_comment + 2, tz=opts.get("tz"))
    df.columns = [canonical_column(c) for c in df.columns]
    df.index = idx

    def num(k):
        v = meta.get(k, "")
        return float(v) if v not in ("", "None") else None

    return RawSeries(
        data=df,
        source_format="canonical",
        station=meta.get("station") or None,
        latitude=num("latitude_deg"),
        longitude=num("longitude_deg"),
        elevation_m=num("elevation_m"),
        wind_speed_height_m=num("wind_speed_height_m"),
        temp_air_height_m=num("temp_air_height_m") or 2.0,
        roughness_length_m=num("roughness_length_m"),
        irradiance_available=meta.get("irradiance_available", "true") != "false",
        row_numbers=np.arange(len(df)) + n_comment + 2,
        notes=[f"canonical CSV written from source format '{meta.get('source_format', '?')}'"],
    )
