"""The canonical CSV writer (read back by :mod:`haldenenergie.weather.readers.canonical`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._io import atomic_write
from .model import CANONICAL_MAGIC, TIME_CONVENTION, WeatherMeta
from .readers.canonical import NUMBER_FORMATS, file_column


def _fmt_opt(v) -> str:
    return "" if v is None else format(float(v), ".10g")


def _header_lines(meta: WeatherMeta, comments: tuple[str, ...]) -> list[str]:
    head = [
        f"{CANONICAL_MAGIC[2:]} v1",
        f"time: {TIME_CONVENTION}",
        f"source_format: {meta.source_format}",
        f"station: {meta.station or ''}",
        f"latitude_deg: {_fmt_opt(meta.latitude)}",
        f"longitude_deg: {_fmt_opt(meta.longitude)}",
        f"elevation_m: {_fmt_opt(meta.elevation_m)}",
        f"wind_speed_height_m: {_fmt_opt(meta.wind_speed_height_m)}",
        f"temp_air_height_m: {_fmt_opt(meta.temp_air_height_m)}",
        f"roughness_length_m: {_fmt_opt(meta.roughness_length_m)}",
        f"irradiance_available: {str(meta.irradiance_available).lower()}",
        *comments,
    ]
    return ["# " + h for h in head]


def write_weather(
    data: pd.DataFrame,
    meta: WeatherMeta,
    path: str | Path,
    overwrite: bool = False,
    comments: tuple[str, ...] = (),
) -> Path:
    """Write a canonical series as the project's CSV format (round-trips through read_weather).

    Layout: ``#``-comment header lines (magic line, ``key: value`` metadata, free comments), then a
    CSV table with a ``time_utc`` column (ISO 8601 with ``+00:00``, interval start) and one column
    per canonical variable, the unit as a suffix (``ghi_w_m2``, ``temp_air_degc``,
    ``pressure_pa``…).

    Parameters
    ----------
    data, meta : canonical series and its metadata.
    path : output file; refused if it exists unless ``overwrite``.
    overwrite : replace an existing file.
    comments : extra header lines (without ``#``), e.g. generator and seed.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    table = pd.DataFrame(index=data.index)
    table["time_utc"] = data.index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")
    for c in data.columns:
        fmt = NUMBER_FORMATS.get(c) or ("{:.3f}" if c.startswith("wind_speed_") else "{:.2f}")
        decimals = int(fmt.split(".")[1].rstrip("f}"))
        vals = data[c].astype(float).round(decimals)
        table[file_column(c)] = vals.map(lambda v, f=fmt: "" if np.isnan(v) else f.format(v + 0.0))
    with atomic_write(path, "w", overwrite=overwrite) as fh:
        fh.write("\n".join(_header_lines(meta, tuple(comments))) + "\n")
        table.to_csv(fh, index=False, lineterminator="\n")
    return path
