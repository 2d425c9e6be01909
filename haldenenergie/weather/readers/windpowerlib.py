"""Format ``windpowerlib``: windpowerlib's weather CSV (header rows variable_name, height).

The layout is that of windpowerlib's example ``example/weather.csv`` (github.com/wind-python/
windpowerlib), read there by ``example/modelchain_example.py`` with
``pd.read_csv(file, index_col=0, header=[0, 1])``::

    variable_name,pressure,temperature,wind_speed,roughness_length,temperature,wind_speed
    height,0,2,10,0,10,80
    2010-01-01 00:00:00+01:00,98405.7,267.6,5.32697,0.15,267.57,7.80697

i.e. the two column levels of windpowerlib's weather DataFrame (variable name, height [m]) as
pandas writes them, then one row per time stamp. Temperature in K, pressure in Pa, wind speed in
m s-1, roughness length in m; several heights per variable. Accepted variants of the same layout
(detected by the header rows, never by the time stamps): an extra header row ``unit`` naming each
column's unit (``K``/``°C``, ``Pa``/``hPa``, ``m/s``/``km/h``, ``m``), before or after the height
row, and the row of index names pandas writes after the column levels when the time index has a
name (``time,,,``). Naive time stamps (no UTC offset) are refused unless the reader option ``tz``
(``--tz``) says which zone they are in; they are never guessed. No irradiance: such a file is
usable for wind only.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import _TZ_SUFFIX, parse_time_strict, short
from ..model import IRRADIANCE_COLUMNS, RawSeries
from ..units import UNIT_FUNCS, to_canonical
from ._registry import Probe, register

#: windpowerlib variable -> (canonical column at the main height, unit in windpowerlib's files).
#: Units: windpowerlib's ``example/modelchain_example.py``, ``get_weather_data`` (wind speed in
#: m/s, temperature in K, roughness length in m, pressure in Pa).
VARIABLE_MAP: dict[str, tuple[str, str]] = {
    "wind_speed": ("wind_speed", "m/s"),
    "temperature": ("temp_air", "K"),
    "pressure": ("pressure", "Pa"),
    "roughness_length": ("_z0", "m"),
}
REQUIRED_VARIABLES = {"wind_speed", "temperature", "pressure"}
#: Quantity of each windpowerlib variable (a unit in a ``unit`` row must be one of it).
QUANTITY = {
    "wind_speed": "speed",
    "temperature": "temperature",
    "pressure": "pressure",
    "roughness_length": "length",
}
#: First cell of the header rows: pandas writes the names of the column levels there;
#: windpowerlib names them ``variable_name`` and ``height``.
ROW_VARIABLE, ROW_HEIGHT, ROW_UNIT = "variable_name", "height", "unit"
#: Header rows looked at: variable_name, unit, height and pandas' index-name row.
MAX_HEADER_ROWS = 4


class Header(NamedTuple):
    """The header rows of a windpowerlib CSV (cells after the first, one per data column)."""

    variables: list[str]
    heights: list[str]
    units: list[str] | None
    height_line: int  # line number of the height row (1-based)
    n_rows: int  # header lines before the first data row


def _cells(line: str) -> list[str]:
    """The cells of one CSV line (quotes removed, blanks stripped)."""
    row = next(csv.reader([line]), [])
    return [c.strip() for c in row] or [""]


def _is_index_name_row(cells: list[str]) -> bool:
    """Whether ``cells`` is the row of index names pandas writes (``time,,,``).

    That row holds a label, then only empty cells.
    """
    first = cells[0]
    return bool(first) and not first[0].isdigit() and not any(cells[1:])


def parse_header(lines: list[str]) -> Header | None:
    """The windpowerlib header of a file's first lines, or None if it has none.

    Parameters
    ----------
    lines : the first lines of the file (text, without a byte order mark).

    Returns
    -------
    Header or None : None unless the first row starts with ``variable_name`` and a ``height`` row
        follows (an optional ``unit`` row may come before or after it).
    """
    rows = [_cells(x) for x in lines[:MAX_HEADER_ROWS]]
    if len(rows) < 2 or rows[0][0].lower() != ROW_VARIABLE:
        return None
    found: dict[str, tuple[list[str], int]] = {}
    i = 1
    while i < len(rows) and rows[i][0].lower() in (ROW_HEIGHT, ROW_UNIT):
        found.setdefault(rows[i][0].lower(), (rows[i][1:], i + 1))
        i += 1
    if ROW_HEIGHT not in found:
        return None
    if i < len(rows) and _is_index_name_row(rows[i]):
        i += 1
    heights, height_line = found[ROW_HEIGHT]
    units = found[ROW_UNIT][0] if ROW_UNIT in found else None
    return Header(rows[0][1:], heights, units, height_line, i)


def _detect(probe: Probe) -> bool:
    return parse_header(probe.lines) is not None


def _heights(path, header: Header) -> list[float]:
    try:
        return [float(h) for h in header.heights]
    except ValueError:
        raise WeatherError(
            f"{path}: the height row (line {header.height_line}) must give heights in m "
            f"(numbers); found {header.heights}; write one number per column, as in "
            f"windpowerlib's example weather.csv"
        ) from None


def _check_columns(path, header: Header, n_data_cols: int) -> None:
    n = len(header.variables)
    lengths = {"height": len(header.heights)}
    if header.units is not None:
        lengths["unit"] = len(header.units)
    for name, k in {"data": n_data_cols, **lengths}.items():
        if k != n:
            raise WeatherError(
                f"{path}: the variable_name row names {n} columns but the {name} row has {k}; "
                f"give every column a variable name, a height and a value"
            )
    missing = REQUIRED_VARIABLES - set(header.variables)
    if missing:
        raise WeatherError(
            f"{path}: missing required columns {', '.join(sorted(missing))} "
            f"(required: wind_speed, temperature, pressure; found: "
            f"{', '.join(sorted(set(header.variables)))}); add them"
        )


def _read_table(path: Path, text_head: str, opts: dict) -> tuple[pd.DataFrame, Header, bool]:
    """The data rows with a UTC index, the file's header and whether its time stamps were naive."""
    header = parse_header(text_head.lstrip("\ufeff").splitlines())
    if header is None:
        raise WeatherError(
            f"{path}: not a windpowerlib CSV: its first row must start with 'variable_name' and "
            f"a 'height' row must follow (windpowerlib's example weather.csv); check --format"
        )
    try:
        df = pd.read_csv(path, header=None, skiprows=header.n_rows, index_col=0, engine="c")
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise WeatherError(
            f"{path}: not a valid windpowerlib CSV ({short(exc)}); it needs the header rows "
            f"variable_name and height, then one row per time stamp"
        ) from None
    _check_columns(path, header, df.shape[1])
    stamps = pd.Series(df.index).astype(str).str.strip()
    naive = not stamps.str.contains(_TZ_SUFFIX).any()
    df.index = parse_time_strict(stamps, path, header.n_rows + 1, tz=opts.get("tz"))
    return df, header, naive


def _unit(path, var: str, header: Header, j: int) -> str:
    """The unit of data column ``j`` (the ``unit`` row's, else windpowerlib's)."""
    default = VARIABLE_MAP[var][1]
    if header.units is None or not header.units[j]:
        return default
    unit = header.units[j]
    if QUANTITY[var] == "length":
        ok = unit.lower() == "m"
    else:
        spec = UNIT_FUNCS.get(unit.lower().replace(" ", ""))
        ok = spec is not None and spec[0] == QUANTITY[var]
    if not ok:
        raise WeatherError(
            f"{path}: unit row, column {j + 2} ({var}): unit '{unit}' is not a unit of "
            f"{QUANTITY[var]}; use {default} (windpowerlib's unit) or another unit of "
            f"{QUANTITY[var]}"
        )
    return unit


def _canonical_columns(path, df, header: Header) -> tuple[pd.DataFrame, float, float]:
    """Canonical frame; main heights: wind closest to 10 m, temperature closest to 2 m."""
    cols = list(zip(header.variables, _heights(path, header), strict=True))
    out = pd.DataFrame(index=df.index)
    wh = min((h for v, h in cols if v == "wind_speed"), key=lambda h: (abs(h - 10.0), h))
    th = min((h for v, h in cols if v == "temperature"), key=lambda h: (abs(h - 2.0), h))
    main = {"wind_speed": wh, "temperature": th}
    for j, (v, h) in enumerate(cols):
        if v not in VARIABLE_MAP:
            continue
        unit = _unit(path, v, header, j)
        s = pd.to_numeric(df.iloc[:, j], errors="coerce").to_numpy(float)
        s = s if QUANTITY[v] == "length" else to_canonical(s, unit, 3600.0)
        out[VARIABLE_MAP[v][0] if main.get(v, h) == h else f"{VARIABLE_MAP[v][0]}_{h:g}m"] = s
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


def _note(header: Header, naive_tz: str | None) -> str:
    """How the file was read (units, time zone) for ``WeatherMeta.notes``."""
    units = "units of the unit row" if header.units else "temperature K -> degC, pressure Pa"
    zone = "index converted to UTC"
    if naive_tz:
        zone = f"time stamps without UTC offset taken as {naive_tz} (reader option tz), then UTC"
    return f"windpowerlib CSV: {units}; {zone}; timestamps taken as interval starts"


@register(
    "windpowerlib",
    "windpowerlib CSV (header rows variable_name, height)",
    detect=_detect,
)
def read_windpowerlib(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read windpowerlib's CSV; irradiance columns are empty (wind only)."""
    df, header, naive = _read_table(path, text_head, opts)
    out, wh, th = _canonical_columns(path, df, header)
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
        notes=[_note(header, opts.get("tz") if naive else None)],
        warnings=warnings,
        row_numbers=np.arange(len(out)) + header.n_rows + 1,
    )
