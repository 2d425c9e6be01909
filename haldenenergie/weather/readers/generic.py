"""Format ``generic``: any CSV with a column mapping (``--map``), units, time zone and label.

Never detected by content: chosen with ``--format generic`` or by giving a mapping. Without a
mapping, columns already named canonically are taken as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import lines_str, mode_step, parse_time_strict
from ..model import (
    EXTRA_TEMP_PATTERN,
    EXTRA_WIND_PATTERN,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    RawSeries,
)
from ..units import convert_units
from ._registry import register

#: canonical names a mapping may target (plus ``wind_speed_<h>m`` / ``temp_air_<h>m``).
MAPPABLE_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ("bhi",)
#: column names taken as the time column when the mapping does not name one (case-insensitive).
TIME_COLUMN_NAMES = ("time", "timestamp", "datetime", "date", "time_utc", "mess_datum")


def parse_mapping(text: str | dict | None, what: str = "--map") -> dict[str, str]:
    """Parse a ``NAME=VALUE`` list such as ``"ghi=GS_10,temp_air=TT_10"``.

    Parameters
    ----------
    text : str, dict or None
        Comma- or semicolon-separated pairs; a dict is returned as a copy; None gives {}.
    what : str
        Option name for the error message.

    Returns
    -------
    dict
        Canonical name -> source column (or unit).

    Raises
    ------
    WeatherError
        A part without ``=``.
    """
    if text is None:
        return {}
    if isinstance(text, dict):
        return dict(text)
    out = {}
    for part in [p for p in re.split(r"[,;]", text) if p.strip()]:
        if "=" not in part:
            raise WeatherError(
                f"{what}: '{part}' is not NAME=VALUE; write e.g. {what} ghi=GS_10,temp_air=TT_10"
            )
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _time_column(path, df: pd.DataFrame, mapping: dict, opts: dict) -> str:
    tcol = mapping.pop("time", None) or opts.get("time_column")
    if tcol is None:
        cand = [c for c in df.columns if c.lower() in TIME_COLUMN_NAMES]
        tcol = cand[0] if cand else df.columns[0]
    if tcol not in df.columns:
        raise WeatherError(
            f"{path}: time column '{tcol}' not found (found: {', '.join(df.columns)});"
            f" pass --map time=<column>"
        )
    return tcol


def _check_mapping(path, df: pd.DataFrame, mapping: dict) -> None:
    bad_map = {k: v for k, v in mapping.items() if v not in df.columns}
    if bad_map:
        raise WeatherError(
            f"{path}: --map names columns not in the file: "
            f"{', '.join(f'{k}={v}' for k, v in bad_map.items())} (found: "
            f"{', '.join(df.columns)}); fix --map"
        )
    extra = f"{EXTRA_WIND_PATTERN}|{EXTRA_TEMP_PATTERN}"
    unknown = [k for k in mapping if k not in MAPPABLE_COLUMNS and not re.fullmatch(extra, k)]
    if unknown:
        raise WeatherError(
            f"{path}: --map targets {', '.join(unknown)} are not canonical names; use "
            f"{', '.join(MAPPABLE_COLUMNS)}"
        )


def _parse_index(path, s: pd.Series, opts: dict) -> pd.DatetimeIndex:
    """Timestamps; numeric ones as YYYYMMDDHH or YYYYMMDDHHMM (DWD style)."""
    fmt = opts.get("time_format") or "ISO8601"
    if pd.api.types.is_numeric_dtype(s) and fmt == "ISO8601":
        s = s.astype("Int64").astype(str)
        fmt = {10: "%Y%m%d%H", 12: "%Y%m%d%H%M"}.get(int(s.str.len().mode().iloc[0]), "ISO8601")
    return parse_time_strict(s, path, 2, tz=opts.get("tz"), fmt=fmt)


def _mapped_values(path, df: pd.DataFrame, mapping: dict, idx) -> pd.DataFrame:
    out = pd.DataFrame(index=idx)
    for canon, src in mapping.items():
        out[canon] = pd.to_numeric(df[src], errors="coerce").to_numpy(float)
        nonnum = out[canon].isna().to_numpy() & df[src].notna().to_numpy()
        if nonnum.any():
            raise WeatherError(
                f"{path}: non-numeric values in column '{src}' on lines "
                f"{lines_str(np.flatnonzero(nonnum) + 2)}; fix them"
            )
    if not mapping:
        # identity mapping for columns already named canonically
        for c in df.columns:
            if c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
                out[c] = pd.to_numeric(df[c], errors="coerce").to_numpy(float)
    return out


def _relabel(out: pd.DataFrame, label: str, step: pd.Timedelta) -> pd.DataFrame:
    """Shift timestamps that label the interval end or middle to the interval start."""
    if label == "end":
        out.index = out.index - step
    elif label == "middle":
        out.index = out.index - step / 2
    elif label != "start":
        raise WeatherError(f"--label {label!r} is not allowed; choose start, middle or end")
    return out


@register(
    "generic",
    ("any CSV with a column mapping (--map ghi=...,temp_air=... --units ... --tz ... --lat --lon)"),
    aliases=("csv",),
)
def read_generic(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read a CSV with ``mapping``, ``units``, ``tz``, ``label``, ``latitude``/``longitude``."""
    mapping = parse_mapping(opts.get("mapping"))
    units = parse_mapping(opts.get("units"), "--units")
    first = text_head.splitlines()[0] if text_head else ""
    sep = max([",", ";", "\t"], key=first.count)
    df = pd.read_csv(
        path,
        sep=sep,
        engine="c",
        skipinitialspace=True,
        comment=None,
        na_values=["-999", "NA", "NaN", ""],
    )
    df.columns = [str(c).strip() for c in df.columns]
    tcol = _time_column(path, df, mapping, opts)
    _check_mapping(path, df, mapping)
    idx = _parse_index(path, df[tcol], opts)
    out = _mapped_values(path, df, mapping, idx)
    label = opts.get("label", "start")
    step = mode_step(idx)
    out = convert_units(out, units, step.total_seconds(), str(path))
    out = _relabel(out, label, step)
    lat, lon = opts.get("latitude"), opts.get("longitude")
    if lat is None or lon is None:
        raise WeatherError(
            f"{path}: generic CSV needs the location for the sun position; pass --lat "
            f"and --lon (and --elevation)"
        )
    return RawSeries(
        data=out,
        source_format="generic",
        station=opts.get("station"),
        latitude=float(lat),
        longitude=float(lon),
        elevation_m=opts.get("elevation_m"),
        wind_speed_height_m=opts.get("wind_speed_height_m"),
        notes=[
            (
                f"generic CSV: mapping {mapping or 'identity'}, units {units or 'canonical'}, "
                f"label = interval {label}"
            )
        ],
        row_numbers=np.arange(len(out)) + 2,
    )
