"""Weather series: readers for the formats planners have, strict validation, one canonical form.

Canonical form
--------------
Every reader returns ``(data, meta)``:

``data``
    :class:`pandas.DataFrame` on a timezone-aware **UTC** :class:`~pandas.DatetimeIndex` at **hourly**
    resolution. Each timestamp labels the **start** of its hour: the row ``2015-06-21 11:00+00:00``
    holds the mean over 11:00–12:00 UTC. Whoever needs the sun position for a row computes it for the
    **interval middle**, ``index + 30 min`` (:func:`solar_position`). Columns (pvlib names and units):

    ========================  =========  ==============================================================
    ``ghi``                   [W m-2]    global horizontal irradiance, hourly mean
    ``dhi``                   [W m-2]    diffuse horizontal irradiance, hourly mean
    ``dni``                   [W m-2]    direct normal irradiance, hourly mean (derived where needed)
    ``temp_air``              [°C]       air temperature at ``meta.temp_air_height_m`` (usually 2 m)
    ``wind_speed``            [m s-1]    wind speed at ``meta.wind_speed_height_m`` (usually 10 m)
    ``pressure``              [Pa]       air pressure at station level
    ``wind_direction``        [deg]      optional, clockwise from north, direction the wind comes from
    ``wind_speed_<h>m``       [m s-1]    optional extra heights, listed in ``meta.extra_wind_heights_m``
    ``temp_air_<h>m``         [°C]       optional extra heights, listed in ``meta.extra_temp_heights_m``
    ========================  =========  ==============================================================

``meta``
    :class:`WeatherMeta`: file, hash, format, location, period, heights, gaps, partial flag, warnings.

:func:`to_windpowerlib` is the ONE place that converts units for windpowerlib (K, Pa, MultiIndex
``(variable_name, height)`` columns).

Formats (auto-detected by content, see :data:`FORMATS`): the canonical CSV written by
:func:`write_weather`, DWD test reference years TRY2015/TRY2045 and TRY2010, DWD CDC station products
(hourly or 10-minute, several files of one station combined), the 15-minute DWD CSV layout of the
Düsseldorf example, windpowerlib's CSV, PVGIS TMY and hourly series (CSV/JSON), EPW and a generic CSV
with a column mapping.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._io import atomic_write, sha256_file
from .config import param
from .errors import WeatherError
from .resources import DEFAULT_WEATHER_NAME, default_weather_path  # noqa: F401  (re-exported)
from .sun import extraterrestrial_dni, solar_position  # noqa: F401  (re-exported)

log = logging.getLogger("haldenenergie.weather")

#: Canonical columns every series has after reading (``wind_direction`` optional).
REQUIRED_COLUMNS: tuple[str, ...] = ("ghi", "dhi", "dni", "temp_air", "wind_speed", "pressure")
IRRADIANCE_COLUMNS: tuple[str, ...] = ("ghi", "dhi", "dni")
OPTIONAL_COLUMNS: tuple[str, ...] = ("wind_direction",)

#: Units of the canonical columns (also the suffixes used in the canonical CSV header).
CANONICAL_UNITS: dict[str, str] = {
    "ghi": "W m-2",
    "dhi": "W m-2",
    "dni": "W m-2",
    "temp_air": "degC",
    "wind_speed": "m s-1",
    "pressure": "Pa",
    "wind_direction": "deg",
}

#: Time convention of the canonical form (written into every canonical CSV and printed by ``info``).
TIME_CONVENTION = "UTC, hourly, label = start of the interval; sun position at label + 30 min"

#: The Essen test reference year location (DWD TRY2015 grid cell RW 3802500 / HW 2745500 in
#: ETRS89 / LCC Europe, EPSG:3034; DWD/BBSR 2017, TRY2015 Essen header). Used by the synthetic year.
ESSEN_TRY_LOCATION = {
    "station": "Essen (DWD TRY2015 grid cell 3802500/2745500)",
    "latitude": 51.4562,
    "longitude": 7.0568,
    "elevation_m": 102.0,
}

#: Hours of a (non-leap) year: a series counts as annual if it covers them (see Notes of read_weather).
HOURS_PER_YEAR = 8760

CANONICAL_MAGIC = "# haldenenergie canonical weather"
_MAGIC_BODY = CANONICAL_MAGIC[2:]


DEFAULT_WEATHER = default_weather_path()


# ----------------------------------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WeatherConfig:
    """Parameters of the weather stage: validation thresholds and conversion choices."""

    max_interpolated_gap_h: int = param(
        3,
        unit="h",
        min=0,
        max=24,
        source="assumption: gaps of a few hours are bridged by linear interpolation in climate "
        "data practice (cf. EN ISO 15927-1, which interpolates short gaps in hourly data); "
        "longer gaps would invent weather, so they are an error",
        doc="Gaps (missing hours or missing values) up to this length are linearly interpolated "
        "with a warning; longer gaps are an error (or dropped with allow_partial).",
    )
    min_samples_fraction_per_hour: float = param(
        0.5,
        unit="-",
        min=0.01,
        max=1.0,
        source="assumption: an hourly mean from sub-hourly data needs at least half of its samples",
        doc="Sub-hourly data: an hour with fewer valid samples than this fraction counts as missing.",
    )
    allow_partial: bool = param(
        False,
        source="issue 3: a series shorter than a year is an error unless explicitly allowed",
        doc="Accept series shorter than a year (meta.partial=True; annual sums are scaled by "
        "meta.annual_factor and flagged).",
    )
    dhi_ghi_ratio_tolerance: float = param(
        1.10,
        unit="-",
        min=1.0,
        max=2.0,
        source="BSRN comparison test, diffuse ratio DHI/GHI < 1.05 (zenith < 75°) and < 1.10 "
        "(zenith 75–93°) for GHI > 50 W m-2: Long & Dutton (2002), BSRN Global Network "
        "recommended QC tests, V2.0; the looser bound is used for all zeniths",
        doc="Where GHI > 50 W m-2, DHI above this multiple of GHI is an error; DHI between GHI and "
        "the bound is clipped to GHI (counted in a warning).",
    )
    dhi_ghi_abs_tolerance_w_m2: float = param(
        10.0,
        unit="W m-2",
        min=0.0,
        max=100.0,
        source="assumption: absorbs rounding of integer W m-2 data where GHI <= 50 W m-2, where "
        "the BSRN ratio test does not apply (Long & Dutton 2002)",
        doc="Where GHI <= 50 W m-2, DHI may exceed GHI by this much before it is an error.",
    )
    ghi_max_factor: float = param(
        1.5,
        unit="-",
        min=1.0,
        max=3.0,
        source="BSRN physically possible limit GHI < 1.5 S0 cos(Z)^1.2 + 100 W m-2: Long & Dutton "
        "(2002), BSRN Global Network recommended QC tests, V2.0",
        doc="Factor a of the upper bound GHI <= a * E0 * cos(Z)^1.2 + b (sun position at the "
        "interval middle); exceeding it usually means a time-zone or label error.",
    )
    ghi_max_offset_w_m2: float = param(
        100.0,
        unit="W m-2",
        min=0.0,
        max=500.0,
        source="BSRN physically possible limit, offset b: Long & Dutton (2002)",
        doc="Offset b of the GHI upper bound.",
    )
    dni_max_zenith_deg: float = param(
        87.0,
        unit="deg",
        min=80.0,
        max=90.0,
        source="pvlib.irradiance.erbs default max_zenith=87 (low-sun guard for DNI = B / cos Z)",
        doc="When DNI is derived from beam-horizontal irradiance, cos(Z) is not taken below "
        "cos(this angle); DNI is 0 where the sun is below the horizon at the interval middle "
        "and is capped at the extraterrestrial DNI.",
    )
    temp_air_min_c: float = param(
        -60.0,
        unit="degC",
        min=-100.0,
        max=0.0,
        source="assumption: below the German record low of -45.9 degC (DWD, Funtensee 2001) with "
        "margin",
        doc="Air temperature below this is an error.",
    )
    temp_air_max_c: float = param(
        60.0,
        unit="degC",
        min=30.0,
        max=100.0,
        source="assumption: above the German record high of 41.2 degC (DWD, Tönisvorst/Duisburg "
        "2019) with margin",
        doc="Air temperature above this is an error (values near 273-310 are reported as Kelvin).",
    )
    pressure_min_pa: float = param(
        50000.0,
        unit="Pa",
        min=10000.0,
        max=90000.0,
        source="assumption: station pressure at about 5,500 m a.s.l. (ICAO standard atmosphere); "
        "no heap is that high",
        doc="Station pressure below this is an error (values of 300-1100 are reported as hPa).",
    )
    pressure_max_pa: float = param(
        110000.0,
        unit="Pa",
        min=100000.0,
        max=120000.0,
        source="assumption: above the world record sea-level pressure of 108,380 Pa (WMO archive)",
        doc="Station pressure above this is an error.",
    )
    wind_speed_max_m_s: float = param(
        60.0,
        unit="m s-1",
        min=20.0,
        max=120.0,
        source="issue 3 (wind speed < 0 or > 60 m/s is out of range); hourly mean 10 m speeds in "
        "Germany stay far below it",
        doc="Wind speed above this (or below 0) is an error.",
    )
    default_wind_speed_height_m: float = param(
        10.0,
        unit="m",
        min=1.0,
        max=300.0,
        source="WMO-No. 8 (CIMO Guide): standard anemometer height 10 m above ground; DWD stations",
        doc="Anemometer height assumed where a file does not state it (CDC, generic CSV).",
    )


# ----------------------------------------------------------------------------------------------
# Metadata
# ----------------------------------------------------------------------------------------------
@dataclass
class WeatherMeta:
    """What is known about a weather series besides its values.

    Attributes
    ----------
    path : str, the file (or folder of CDC files) read; ``"<synthetic>"`` or ``"<pvgis api>"``.
    sha256 : str, hash of the file bytes (of all files, combined, for several).
    source_format : str, a key of :data:`FORMATS`.
    station : str or None, station or location name.
    latitude, longitude : float [deg] WGS84; elevation_m : float or None [m a.s.l.].
    period_start, period_end : pandas.Timestamp, first and last interval start (UTC).
    step : str, step of the canonical series (``"1h"``); source_step : str, step in the file.
    wind_speed_height_m : float [m]; temp_air_height_m : float [m].
    roughness_length_m : float or None [m], where the file gives one (windpowerlib CSV).
    n_gaps_filled : int, values filled by interpolation (all columns).
    n_gaps : int, gaps (runs of missing hours/values) found; n_long_gaps_dropped : int.
    partial : bool, series shorter than a year (or with dropped long gaps).
    coverage_fraction : float, valid hours / hours of the year(s) covered (1.0 for a full year).
    annual_factor : float, multiply sums over the series by it to get values per year.
    n_hours : int, rows of the canonical series.
    irradiance_available : bool, False for wind-only files (windpowerlib CSV).
    extra_wind_heights_m, extra_temp_heights_m : tuple of float [m].
    time_convention : str; notes : list of str (how the file was interpreted);
    warnings : list of str (problems found and fixed; also logged).
    """

    path: str
    sha256: str
    source_format: str
    station: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    elevation_m: float | None = None
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    step: str = "1h"
    source_step: str = "1h"
    wind_speed_height_m: float = 10.0
    temp_air_height_m: float = 2.0
    roughness_length_m: float | None = None
    n_gaps_filled: int = 0
    n_gaps: int = 0
    n_long_gaps_dropped: int = 0
    partial: bool = False
    coverage_fraction: float = 1.0
    annual_factor: float = 1.0
    n_hours: int = 0
    irradiance_available: bool = True
    extra_wind_heights_m: tuple = ()
    extra_temp_heights_m: tuple = ()
    time_convention: str = TIME_CONVENTION
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (timestamps as ISO strings)."""
        d = asdict(self)
        for k in ("period_start", "period_end"):
            if d[k] is not None:
                d[k] = pd.Timestamp(d[k]).isoformat()
        return d


def _warn(meta_or_list, msg: str) -> None:
    lst = meta_or_list.warnings if isinstance(meta_or_list, WeatherMeta) else meta_or_list
    lst.append(msg)
    log.warning(msg)


# ----------------------------------------------------------------------------------------------
# Sun helpers (pure)
# ----------------------------------------------------------------------------------------------
def dni_from_beam_horizontal(bhi, zenith, dni_extra, max_zenith_deg: float = 87.0) -> np.ndarray:
    """DNI from beam irradiance on the horizontal, DNI = B / cos(Z), with a low-sun guard.

    Parameters
    ----------
    bhi : array [W m-2], beam (direct) irradiance on the horizontal plane, B = GHI - DHI.
    zenith : array [deg], true solar zenith at the interval middle.
    dni_extra : array [W m-2], extraterrestrial DNI (upper bound of DNI).
    max_zenith_deg : [deg], cos(Z) is not taken below cos(max_zenith_deg).

    Returns
    -------
    ndarray [W m-2]: 0 where Z >= 90° at the interval middle or B <= 0; otherwise
    ``B / max(cos Z, cos(max_zenith_deg))`` capped at ``dni_extra``.
    """
    b = np.asarray(bhi, dtype=float)
    z = np.asarray(zenith, dtype=float)
    cosz = np.cos(np.radians(z))
    dni = b / np.maximum(cosz, np.cos(np.radians(max_zenith_deg)))
    dni = np.where((z >= 90.0) | (b <= 0), 0.0, dni)
    dni = np.minimum(dni, np.asarray(dni_extra, dtype=float))
    return np.where(np.isnan(b), np.nan, dni)


# ----------------------------------------------------------------------------------------------
# Unit conversion into canonical units (readers only; windpowerlib's units: to_windpowerlib)
# ----------------------------------------------------------------------------------------------
#: unit name (lower case, spaces removed) -> (canonical quantity, function to canonical unit).
#: Irradiation per step is turned into a mean irradiance: J cm-2 * 1e4 / step [s].
_UNIT_FUNCS: dict[str, tuple[str, Any]] = {
    "w/m2": ("irradiance", lambda v, s: v),
    "wm-2": ("irradiance", lambda v, s: v),
    "w/m^2": ("irradiance", lambda v, s: v),
    "j/cm2": ("irradiance", lambda v, s: v * 1e4 / s),
    "jcm-2": ("irradiance", lambda v, s: v * 1e4 / s),
    "wh/m2": ("irradiance", lambda v, s: v * 3600.0 / s),
    "kwh/m2": ("irradiance", lambda v, s: v * 3.6e6 / s),
    "c": ("temperature", lambda v, s: v),
    "degc": ("temperature", lambda v, s: v),
    "°c": ("temperature", lambda v, s: v),
    "k": ("temperature", lambda v, s: v - 273.15),
    "f": ("temperature", lambda v, s: (v - 32.0) * 5.0 / 9.0),
    "pa": ("pressure", lambda v, s: v),
    "hpa": ("pressure", lambda v, s: v * 100.0),
    "mbar": ("pressure", lambda v, s: v * 100.0),
    "kpa": ("pressure", lambda v, s: v * 1000.0),
    "m/s": ("speed", lambda v, s: v),
    "ms-1": ("speed", lambda v, s: v),
    "km/h": ("speed", lambda v, s: v / 3.6),
    "kn": ("speed", lambda v, s: v * 0.514444),
    "deg": ("angle", lambda v, s: v),
    "°": ("angle", lambda v, s: v),
}
_QUANTITY_OF = {
    "ghi": "irradiance",
    "dhi": "irradiance",
    "dni": "irradiance",
    "bhi": "irradiance",
    "temp_air": "temperature",
    "pressure": "pressure",
    "wind_speed": "speed",
    "wind_direction": "angle",
}


def _convert_units(
    df: pd.DataFrame, units: dict[str, str], step_s: float, origin: str
) -> pd.DataFrame:
    for col, unit in units.items():
        base = re.sub(r"_\d+(\.\d+)?m$", "", col)
        key = unit.lower().replace(" ", "")
        if key in ("j/cm2/h", "j/cm2/10min", "j/cm2/min"):
            step = {"j/cm2/h": 3600.0, "j/cm2/10min": 600.0, "j/cm2/min": 60.0}[key]
            key, step_used = "j/cm2", step
        else:
            step_used = step_s
        if key not in _UNIT_FUNCS:
            raise WeatherError(
                f"{origin}: unknown unit '{unit}' for column '{col}'; use one of "
                f"{', '.join(sorted(set(_UNIT_FUNCS) | {'J/cm2/h', 'J/cm2/10min'}))}"
            )
        qty, func = _UNIT_FUNCS[key]
        if _QUANTITY_OF.get(base) != qty:
            raise WeatherError(
                f"{origin}: unit '{unit}' does not fit column '{col}' "
                f"(a {_QUANTITY_OF.get(base, 'unknown quantity')}); fix --units"
            )
        if col in df:
            df[col] = func(df[col].astype(float), step_used)
    return df


# ----------------------------------------------------------------------------------------------
# Raw reader results
# ----------------------------------------------------------------------------------------------
@dataclass
class _Raw:
    """What a format reader hands to the common pipeline (values already in canonical units)."""

    data: pd.DataFrame  # tz-aware UTC index = interval START, canonical column names
    source_format: str
    station: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    elevation_m: float | None = None
    wind_speed_height_m: float | None = None
    temp_air_height_m: float = 2.0
    roughness_length_m: float | None = None
    irradiance_available: bool = True
    typical_year: int | None = None  # roll a typical year into this calendar year (UTC)
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    row_numbers: np.ndarray | None = None  # file line numbers (1-based) of data rows, for messages


def _lines_str(rows, max_n: int = 3) -> str:
    rows = list(rows)
    s = ", ".join(str(r) for r in rows[:max_n])
    return s + (f" (+{len(rows) - max_n} more)" if len(rows) > max_n else "")


def _fnum(x) -> float:
    return float(str(x).replace(",", "."))


# ----------------------------------------------------------------------------------------------
# Format: canonical CSV
# ----------------------------------------------------------------------------------------------
_CANON_FILE_COLS = {
    "ghi": "ghi_w_m2",
    "dhi": "dhi_w_m2",
    "dni": "dni_w_m2",
    "temp_air": "temp_air_degc",
    "wind_speed": "wind_speed_m_s",
    "pressure": "pressure_pa",
    "wind_direction": "wind_direction_deg",
}
_CANON_FMT = {
    "ghi": "{:.2f}",
    "dhi": "{:.2f}",
    "dni": "{:.2f}",
    "temp_air": "{:.2f}",
    "wind_speed": "{:.3f}",
    "pressure": "{:.1f}",
    "wind_direction": "{:.1f}",
}


def _canon_file_col(col: str) -> str:
    if col in _CANON_FILE_COLS:
        return _CANON_FILE_COLS[col]
    if col.startswith("wind_speed_"):
        return f"{col}_m_s"
    if col.startswith("temp_air_"):
        return f"{col}_degc"
    return col


def _canon_from_file_col(name: str) -> str:
    inv = {v: k for k, v in _CANON_FILE_COLS.items()}
    if name in inv:
        return inv[name]
    m = re.fullmatch(r"(wind_speed_\d+(?:\.\d+)?m)_m_s|(temp_air_\d+(?:\.\d+)?m)_degc", name)
    if m:
        return m.group(1) or m.group(2)
    return name


def write_weather(
    data: pd.DataFrame,
    meta: WeatherMeta,
    path: str | Path,
    overwrite: bool = False,
    comments: tuple[str, ...] = (),
) -> Path:
    """Write a canonical series as the project's CSV format (round-trips through :func:`read_weather`).

    Layout: ``#``-comment header lines (magic line, ``key: value`` metadata, free comments), then a
    CSV table with a ``time_utc`` column (ISO 8601 with ``+00:00``, interval start) and one column
    per canonical variable, the unit as a suffix (``ghi_w_m2``, ``temp_air_degc``, ``pressure_pa``…).

    Parameters
    ----------
    data, meta : canonical series and its metadata.
    path : output file; refused if it exists unless ``overwrite``.
    comments : extra header lines (without ``#``), e.g. generator and seed.
    """
    path = Path(path)
    head = [
        f"{_MAGIC_BODY} v1",
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
    ]
    head += [c for c in comments]
    cols = [c for c in data.columns]
    lines = ["# " + h for h in head]
    table = pd.DataFrame(index=data.index)
    table["time_utc"] = data.index.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")
    for c in cols:
        fmt = _CANON_FMT.get(c) or ("{:.3f}" if c.startswith("wind_speed_") else "{:.2f}")
        decimals = int(fmt.split(".")[1].rstrip("f}"))
        vals = data[c].astype(float).round(decimals)
        table[_canon_file_col(c)] = vals.map(
            lambda v, f=fmt: "" if np.isnan(v) else f.format(v + 0.0)
        )
    with atomic_write(path, "w", overwrite=overwrite) as fh:
        fh.write("\n".join(lines) + "\n")
        table.to_csv(fh, index=False, lineterminator="\n")
    return path


def _fmt_opt(v) -> str:
    return "" if v is None else format(float(v), ".10g")


def _read_canonical(path: Path, text_head: str, opts: dict) -> _Raw:
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
    df = pd.read_csv(path, skiprows=n_comment, engine="c")
    if "time_utc" not in df.columns:
        raise WeatherError(
            f"{path}: canonical weather CSV has no 'time_utc' column after the "
            f"header (found {', '.join(df.columns[:8])}); re-create it with "
            f"'haldenenergie weather convert'"
        )
    idx = _parse_time_strict(df.pop("time_utc"), path, n_comment + 2, tz=opts.get("tz"))
    df.columns = [_canon_from_file_col(c) for c in df.columns]
    df.index = idx

    def num(k):
        v = meta.get(k, "")
        return float(v) if v not in ("", "None") else None

    return _Raw(
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


_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def _parse_time_strict(
    s: pd.Series, path, first_line: int, tz: str | None = None, fmt: str = "ISO8601"
) -> pd.DatetimeIndex:
    """Parse timestamps; refuse naive ones unless ``tz`` is given; refuse mixed/unparseable."""
    s = s.astype(str).str.strip()
    has_tz = s.str.contains(_TZ_SUFFIX)
    if not has_tz.all():
        if has_tz.any():
            bad = np.flatnonzero(~has_tz.to_numpy())
            raise WeatherError(
                f"{path}: timestamps mix values with and without UTC offset (lines "
                f"{_lines_str(bad + first_line)}); write every timestamp with its offset, e.g. "
                f"2015-01-01T00:00:00+00:00"
            )
        if tz is None:
            raise WeatherError(
                f"{path}: timestamps have no time zone (naive, e.g. '{s.iloc[0]}' on line "
                f"{first_line}); add the UTC offset (+00:00) or pass --tz (e.g. --tz UTC or --tz +01:00)"
            )
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(s, format=fmt))
        except (ValueError, TypeError) as exc:
            raise WeatherError(
                f"{path}: cannot parse timestamps ({_short(exc)}); use ISO 8601 "
                f"like 2015-01-01T00:00:00+00:00"
            ) from None
        return _localize(idx, tz, path, first_line)
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(s, format=fmt, utc=True))
    except (ValueError, TypeError) as exc:
        raise WeatherError(
            f"{path}: cannot parse timestamps ({_short(exc)}); use ISO 8601 like "
            f"2015-01-01T00:00:00+00:00"
        ) from None
    return idx


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160]


def _localize(idx: pd.DatetimeIndex, tz: str, path, first_line: int = 1) -> pd.DatetimeIndex:
    """Localize naive times to ``tz`` (zone name, 'UTC' or fixed offset '+01:00'), then to UTC."""
    m = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d\d)?", tz.strip())
    try:
        if m:
            sign = 1 if m.group(1) == "+" else -1
            off = sign * (int(m.group(2)) * 60 + int(m.group(3) or 0))
            return (idx - pd.Timedelta(minutes=off)).tz_localize("UTC")
        return idx.tz_localize(tz, ambiguous="raise", nonexistent="raise").tz_convert("UTC")
    except Exception as exc:  # noqa: BLE001 - pytz/zoneinfo/pandas raise several classes
        text = _short(exc)
        name = type(exc).__name__
        if "Ambiguous" in name or "ambiguous" in text.lower() or "repeated" in text.lower():
            raise WeatherError(
                f"{path}: ambiguous local timestamps at the change from summer to winter time in "
                f"zone {tz} ({text}); give times in UTC or with a fixed offset (--tz +01:00)"
            ) from None
        if "NonExistent" in name or "nonexistent" in text.lower():
            raise WeatherError(
                f"{path}: local timestamps that do not exist in zone {tz} (spring-forward hour: "
                f"{text}); give times in UTC or with a fixed offset (--tz +01:00)"
            ) from None
        raise WeatherError(
            f"{path}: unknown time zone '{tz}' ({text}); use UTC, a fixed offset like "
            f"+01:00 or a zone name like Europe/Berlin"
        ) from None


# ----------------------------------------------------------------------------------------------
# Format: DWD test reference years
# ----------------------------------------------------------------------------------------------
_TRY2015_COLS = [
    "RW",
    "HW",
    "MM",
    "DD",
    "HH",
    "t",
    "p",
    "WR",
    "WG",
    "N",
    "x",
    "RF",
    "B",
    "D",
    "A",
    "E",
    "IL",
]
_TRY2010_COLS = [
    "RG",
    "IS",
    "MM",
    "DD",
    "HH",
    "N",
    "WR",
    "WG",
    "t",
    "p",
    "x",
    "RF",
    "W",
    "B",
    "D",
    "IK",
    "A",
    "E",
    "IL",
]


def _try_data_start(path: Path) -> tuple[list[str], int]:
    enc = "utf-8"
    try:
        with open(path, encoding="utf-8") as fh:
            fh.read(8192)
    except UnicodeDecodeError:
        enc = "latin-1"  # DWD ships TRY2010 as Latin-1 or UTF-8 depending on the copy
    with open(path, encoding=enc, errors="replace") as fh:
        head = []
        for i, line in enumerate(fh):
            head.append(line.rstrip("\r\n"))
            if line.startswith("***"):
                return head, i + 1
            if i > 200:
                break
    raise WeatherError(
        f"{path}: DWD test reference year without the '***' line that starts the "
        f"data; check the file is a complete TRY .dat file"
    )


def _try_hour_ending_mez_to_utc_start(year: int, mm, dd, hh) -> pd.DatetimeIndex:
    """TRY stamps: HH 1..24 = hour ENDING in MEZ (UTC+1, no DST). Interval start in UTC =
    date + HH h - 1 h (start) - 1 h (MEZ -> UTC)."""
    base = pd.to_datetime(pd.DataFrame({"year": year, "month": mm, "day": dd}), errors="coerce")
    return pd.DatetimeIndex(base + pd.to_timedelta(np.asarray(hh) - 2, unit="h")).tz_localize("UTC")


def _check_try_values(path, df, first_line):
    bad = (
        (df["MM"] < 1)
        | (df["MM"] > 12)
        | (df["DD"] < 1)
        | (df["DD"] > 31)
        | (df["HH"] < 1)
        | (df["HH"] > 24)
    )
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy()) + first_line
        raise WeatherError(
            f"{path}: month/day/hour out of range on lines {_lines_str(rows)} "
            f"(HH must be 1..24, hour ending MEZ); fix those lines"
        )


def _read_try_table(path: Path, start: int, names: list[str]) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            path,
            skiprows=start,
            sep=r"\s+",
            header=None,
            engine="c",
            encoding="latin-1",
            on_bad_lines="error",
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise WeatherError(
            f"{path}: malformed data rows after '***' ({_short(exc)}); each row "
            f"needs {len(names)} numbers ({' '.join(names)})"
        ) from None
    if df.shape[1] != len(names):
        raise WeatherError(
            f"{path}: data rows have {df.shape[1]} columns, expected {len(names)} "
            f"({' '.join(names)}); check the TRY variant (--format try2015/try2010)"
        )
    df.columns = names
    nonnum = [c for c in names if not pd.api.types.is_numeric_dtype(df[c])]
    if nonnum:
        c = nonnum[0]
        bad = pd.to_numeric(df[c], errors="coerce").isna() & df[c].notna()
        rows = np.flatnonzero(bad.to_numpy()) + start + 1
        raise WeatherError(
            f"{path}: non-numeric values in column {c} on lines {_lines_str(rows)}; "
            f"fix or remove those lines"
        )
    return df


def _try_year_from_name(path: Path, header: list[str], default: int) -> int:
    m = re.search(r"TRY(20\d\d)", path.name, re.IGNORECASE)
    return int(m.group(1)) if m else default


def _read_try2015(path: Path, text_head: str, opts: dict) -> _Raw:
    head, start = _try_data_start(path)
    df = _read_try_table(path, start, _TRY2015_COLS)
    _check_try_values(path, df, start + 1)
    hdr = {}
    for line in head:
        if ":" in line and not line.startswith("Format"):
            k, v = line.split(":", 1)
            hdr[k.strip()] = v.strip()
    rw = hw = None
    try:
        rw = float(hdr.get("Rechtswert", "").split()[0])
        hw = float(hdr.get("Hochwert", "").split()[0])
    except (ValueError, IndexError):
        pass
    if rw is None:
        rw, hw = float(df["RW"].iloc[0]), float(df["HW"].iloc[0])
    lat, lon = _lcc_europe_to_wgs84(rw, hw)
    elev = None
    m = re.search(r"(-?\d+(?:\.\d+)?)", hdr.get("Hoehenlage", ""))
    if m:
        elev = float(m.group(1))
    kind = hdr.get("Art des TRY", "?")
    period = hdr.get("Bezugszeitraum", "?")
    year = int(opts.get("year") or _try_year_from_name(path, head, 2015))
    out = _try_to_canonical(path, df, year, start)
    raw = _Raw(
        data=out,
        source_format="try2015",
        station=f"DWD TRY grid cell {rw:.0f}/{hw:.0f} ({kind}, {period})",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        wind_speed_height_m=10.0,
        typical_year=year,
        row_numbers=np.arange(len(df)) + start + 1,
    )
    raw.notes += [
        "DWD TRY: HH = hour ending in MEZ (UTC+1, no DST); interval start UTC = HH - 2 h",
        (
            f"typical year labelled {year}; the first hour (00-01 MEZ = 23-24 UTC of the previous "
            f"day) is moved to the end of {year} so that the series is one calendar year in UTC"
        ),
        "GHI = B + D; DNI = B / cos(zenith at interval middle) with low-sun guard",
        "location from the header's Lambert coordinates (ETRS89 / LCC Europe, EPSG:3034)",
    ]
    return raw


def _lcc_europe_to_wgs84(rw: float, hw: float) -> tuple[float, float]:
    """DWD TRY2015 grid coordinates (ETRS89 / LCC Europe, EPSG:3034) -> (lat, lon) [deg]."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:3034", "EPSG:4326", always_xy=True).transform(rw, hw)
    return round(float(lat), 5), round(float(lon), 5)


def _try_to_canonical(path, df, year, start) -> pd.DataFrame:
    idx = _try_hour_ending_mez_to_utc_start(year, df["MM"], df["DD"], df["HH"])
    if idx.isna().any():
        rows = np.flatnonzero(idx.isna()) + start + 1
        raise WeatherError(
            f"{path}: impossible dates (e.g. 30 February) on lines {_lines_str(rows)}; "
            f"fix MM/DD there"
        )
    out = pd.DataFrame(
        {
            "bhi": df["B"].astype(float).to_numpy(),
            "dhi": df["D"].astype(float).to_numpy(),
            "temp_air": df["t"].astype(float).to_numpy(),
            "wind_speed": df["WG"].astype(float).to_numpy(),
            "pressure": df["p"].astype(float).to_numpy() * 100.0,  # hPa -> Pa
            "wind_direction": df["WR"].astype(float).to_numpy(),
        },
        index=idx,
    )
    out.loc[out["wind_direction"] > 360, "wind_direction"] = np.nan  # 999 = variable/no direction
    out["ghi"] = out["bhi"] + out["dhi"]
    return out


def _read_try2010(path: Path, text_head: str, opts: dict) -> _Raw:
    head, start = _try_data_start(path)
    df = _read_try_table(path, start, _TRY2010_COLS)
    _check_try_values(path, df, start + 1)
    warnings: list[str] = []
    # Known defect of TRY2010 copies in circulation: the first hour appears twice.
    key = df["MM"] * 10000 + df["DD"] * 100 + df["HH"]
    if len(df) > 1 and key.iloc[0] == key.iloc[1]:
        if df.iloc[0].equals(df.iloc[1]):
            df = df.iloc[1:].reset_index(drop=True)
            start += 1
            warnings.append(
                f"{path}: duplicated first hour (lines {start} and {start + 1}, a known defect of "
                f"TRY2010 copies in circulation); the duplicate was dropped"
            )
        else:
            raise WeatherError(
                f"{path}: the first hour appears twice with different values (lines {start + 1} and "
                f"{start + 2}; a known defect of TRY2010 copies in circulation); delete one of them"
            )
    lat = lon = elev = None
    station = None
    for line in head:
        m = re.search(r"(\d+)°\s*(\d+)'\s*N.*?(\d+)°\s*(\d+)'\s*[OE].*?(-?\d+)\s*Meter", line)
        if m:
            lat = int(m.group(1)) + int(m.group(2)) / 60
            lon = int(m.group(3)) + int(m.group(4)) / 60
            elev = float(m.group(5))
        m2 = re.match(r"Station:\s*(.+?)\s{2,}WMO-Nummer:\s*(\d+)", line)
        if m2:
            station = f"{m2.group(1)} (WMO {m2.group(2)})"
    if lat is None:
        lat, lon = opts.get("latitude"), opts.get("longitude")
        if lat is None or lon is None:
            raise WeatherError(
                f"{path}: TRY2010 header without a 'Lage:' line giving latitude/"
                f"longitude; pass --lat and --lon"
            )
    kind = next((ln.split(":", 1)[1].strip() for ln in head if ln.startswith("Art des TRY")), "?")
    year = int(opts.get("year") or _try_year_from_name(path, head, 2010))
    out = _try_to_canonical(path, df, year, start)
    raw = _Raw(
        data=out,
        source_format="try2010",
        station=f"{station or 'TRY2010'} ({kind})",
        latitude=round(lat, 5),
        longitude=round(lon, 5),
        elevation_m=elev,
        wind_speed_height_m=float(opts.get("wind_speed_height_m") or 10.0),
        typical_year=year,
        warnings=warnings,
        row_numbers=np.arange(len(df)) + start + 1,
    )
    raw.notes += [
        "DWD TRY2010: HH = hour ending in MEZ (UTC+1, no DST); interval start UTC = HH - 2 h",
        f"typical year labelled {year}; first hour moved to the end of the year (UTC)",
        "GHI = B + D; DNI = B / cos(zenith at interval middle) with low-sun guard",
        (
            "DWD notes that the Essen anemometer stands at about 15 m although the header says 10 m; "
            "pass wind_speed_height_m=15 to use that"
        ),
    ]
    return raw


# ----------------------------------------------------------------------------------------------
# Format: DWD 15-minute CSV (Düsseldorf example layout)
# ----------------------------------------------------------------------------------------------
_DWD15_COLS = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "temperature",
    "pressure",
    "wind_direction",
    "wind_speed",
    "diffuse_irradiance",
    "global_irradiance",
]


def _read_dwd15(path: Path, text_head: str, opts: dict) -> _Raw:
    lines = text_head.splitlines()
    try:
        name, lon, lat = [x.strip() for x in lines[1].split(",")[:3]]
        lon, lat = float(lon), float(lat)
    except (ValueError, IndexError):
        raise WeatherError(
            f"{path}: line 2 must give 'name,longitude,latitude' (e.g. "
            f"Duesseldorf,6.7686,51.296); fix the location line"
        ) from None
    df = pd.read_csv(path, skiprows=2, engine="c")
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in _DWD15_COLS if c not in df.columns]
    if missing:
        raise WeatherError(
            f"{path}: missing required columns {', '.join(missing)} (required: "
            f"{', '.join(_DWD15_COLS)}; found: {', '.join(df.columns)}); fix the "
            f"header on line 3"
        )
    for c in _DWD15_COLS:
        if not pd.api.types.is_numeric_dtype(df[c]):
            conv = pd.to_numeric(df[c], errors="coerce")
            rows = np.flatnonzero((conv.isna() & df[c].notna()).to_numpy()) + 4
            raise WeatherError(
                f"{path}: non-numeric values in column '{c}' on lines "
                f"{_lines_str(rows)}; fix or remove those lines"
            )
    t = pd.to_datetime(df[["year", "month", "day", "hour", "minute"]], errors="coerce")
    if t.isna().any():
        rows = np.flatnonzero(t.isna().to_numpy()) + 4
        raise WeatherError(
            f"{path}: impossible date/time on lines {_lines_str(rows)}; fix year, "
            f"month, day, hour, minute there"
        )
    idx = pd.DatetimeIndex(t)
    tz = opts.get("tz")
    idx = _localize(idx, tz, path) if tz else idx.tz_localize("UTC")
    out = pd.DataFrame(
        {
            "ghi": df["global_irradiance"].to_numpy(float),
            "dhi": df["diffuse_irradiance"].to_numpy(float),
            "temp_air": df["temperature"].to_numpy(float),
            "wind_speed": df["wind_speed"].to_numpy(float),
            "pressure": df["pressure"].to_numpy(float) * 100.0,  # hPa -> Pa
            "wind_direction": df["wind_direction"].to_numpy(float),
        },
        index=idx,
    )
    return _Raw(
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


# ----------------------------------------------------------------------------------------------
# Format: windpowerlib CSV
# ----------------------------------------------------------------------------------------------
def _read_windpowerlib(path: Path, text_head: str, opts: dict) -> _Raw:
    try:
        df = pd.read_csv(path, header=[0, 1], index_col=0, engine="c")
    except (ValueError, pd.errors.ParserError) as exc:
        raise WeatherError(
            f"{path}: not a valid windpowerlib CSV ({_short(exc)}); it needs two "
            f"header rows (variable_name, height)"
        ) from None
    idx = _parse_time_strict(pd.Series(df.index), path, 3, tz=opts.get("tz"))
    df.index = idx
    vars_ = df.columns.get_level_values(0)
    try:
        heights = [float(h) for h in df.columns.get_level_values(1)]
    except ValueError:
        raise WeatherError(
            f"{path}: the second header row must give heights in m (numbers); "
            f"found {list(df.columns.get_level_values(1))}"
        ) from None
    cols = list(zip(vars_, heights))
    need = {"wind_speed", "temperature", "pressure"}
    missing = need - set(vars_)
    if missing:
        raise WeatherError(
            f"{path}: missing required columns {', '.join(sorted(missing))} "
            f"(required: wind_speed, temperature, pressure; found: "
            f"{', '.join(sorted(set(vars_)))}); add them"
        )
    out = pd.DataFrame(index=idx)
    ws = sorted(h for v, h in cols if v == "wind_speed")
    ts = sorted(h for v, h in cols if v == "temperature")
    # main heights: wind closest to 10 m, temperature closest to 2 m
    wh = min(ws, key=lambda h: (abs(h - 10.0), h))
    th = min(ts, key=lambda h: (abs(h - 2.0), h))
    for (v, h), col in zip(cols, df.columns):
        s = pd.to_numeric(df[col], errors="coerce").to_numpy(float)
        if v == "wind_speed":
            out["wind_speed" if h == wh else f"wind_speed_{h:g}m"] = s
        elif v == "temperature":
            out["temp_air" if h == th else f"temp_air_{h:g}m"] = s - 273.15  # K -> degC
        elif v == "pressure":
            out["pressure"] = s
        elif v == "roughness_length":
            out["_z0"] = s
    z0 = None
    notes = [
        (
            "windpowerlib CSV: temperature K -> degC, pressure Pa; index converted to UTC; "
            "timestamps taken as interval starts"
        )
    ]
    warnings = []
    if "_z0" in out:
        z = out.pop("_z0")
        z0 = float(np.nanmedian(z))
        if np.nanmax(z) - np.nanmin(z) > 1e-9:
            warnings.append(
                f"{path}: roughness_length varies in time ({np.nanmin(z):g}-"
                f"{np.nanmax(z):g} m); its median {z0:g} m is used"
            )
    for c in IRRADIANCE_COLUMNS:
        out[c] = np.nan
    warnings.append(
        f"{path}: windpowerlib CSV has no irradiance; usable for wind only (ghi, dhi, "
        f"dni are empty)"
    )
    return _Raw(
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
        notes=notes,
        warnings=warnings,
        row_numbers=np.arange(len(out)) + 3,
    )


# ----------------------------------------------------------------------------------------------
# Format: PVGIS (TMY and hourly series; CSV and JSON) and EPW via pvlib.iotools
# ----------------------------------------------------------------------------------------------
def _pvgis_tmy_to_raw(data: pd.DataFrame, meta: dict, path, year: int) -> _Raw:
    inputs = meta.get("inputs", {})
    loc = inputs.get("location", inputs)
    lat, lon, elev = loc.get("latitude"), loc.get("longitude"), loc.get("elevation")
    need = ["ghi", "dni", "dhi", "temp_air", "wind_speed", "pressure"]
    missing = [c for c in need if c not in data]
    if missing:
        raise WeatherError(
            f"{path}: PVGIS TMY misses required columns {', '.join(missing)} "
            f"(required: G(h), Gb(n), Gd(h), T2m, WS10m, SP; found: "
            f"{', '.join(map(str, data.columns))}); download it again"
        )
    # months of a TMY come from different years: relabel all into one (typical) year
    ti = pd.DatetimeIndex(data.index)
    idx = pd.DatetimeIndex(
        pd.to_datetime(
            pd.DataFrame(
                {
                    "year": year,
                    "month": ti.month,
                    "day": ti.day,
                    "hour": ti.hour,
                    "minute": ti.minute,
                }
            ),
            errors="coerce",
        )
    ).tz_localize("UTC")
    if idx.isna().any():
        raise WeatherError(
            f"{path}: PVGIS TMY contains 29 February, which cannot be relabelled to "
            f"{year}; pass a leap year (year=...)"
        )
    out = pd.DataFrame(
        {c: pd.to_numeric(data[c], errors="coerce").to_numpy(float) for c in need}, index=idx
    )
    if "wind_direction" in data:
        out["wind_direction"] = pd.to_numeric(data["wind_direction"], errors="coerce").to_numpy(
            float
        )
    return _Raw(
        data=out,
        source_format="pvgis_tmy",
        station="PVGIS TMY",
        latitude=_f(lat),
        longitude=_f(lon),
        elevation_m=_f(elev),
        wind_speed_height_m=10.0,
        typical_year=year,
        notes=[
            (
                "PVGIS TMY: UTC hours taken as interval starts; months from different years "
                f"relabelled {year}; wind at 10 m, pressure SP [Pa]"
            )
        ],
        row_numbers=np.arange(len(out)) + 1,
    )


def _f(v):
    return None if v is None else float(v)


def _read_pvgis_tmy(path: Path, text_head: str, opts: dict) -> _Raw:
    from pvlib.iotools import read_pvgis_tmy

    fmt = "json" if text_head.lstrip().startswith("{") else "csv"
    try:
        data, meta = read_pvgis_tmy(str(path), pvgis_format=fmt, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed PVGIS TMY {fmt.upper()} ({type(exc).__name__}: "
            f"{_short(exc)}); download it again from PVGIS (tool TMY)"
        ) from None
    return _pvgis_tmy_to_raw(data, meta, path, int(opts.get("year") or 2015))


def _read_pvgis_hourly(path: Path, text_head: str, opts: dict) -> _Raw:
    from pvlib.iotools import read_pvgis_hourly

    fmt = "json" if text_head.lstrip().startswith("{") else "csv"
    try:
        data, meta = read_pvgis_hourly(str(path), pvgis_format=fmt, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed PVGIS hourly {fmt.upper()} ({type(exc).__name__}: "
            f"{_short(exc)}); download it again from PVGIS (tool hourly data)"
        ) from None
    inputs = meta.get("inputs", {})
    loc = inputs.get("location", {})
    slope = inputs.get("mounting_system", {}).get("fixed", {}).get("slope", {}).get("value", 0)
    if slope not in (0, 0.0, None):
        raise WeatherError(
            f"{path}: PVGIS hourly series is for a plane tilted {slope} deg; download "
            f"it for a horizontal plane (slope 0) with radiation components to get "
            f"GHI and DHI"
        )
    if {"poa_direct", "poa_sky_diffuse"} <= set(data.columns):
        bhi = data["poa_direct"].astype(float)
        dhi = data["poa_sky_diffuse"].astype(float) + data.get("poa_ground_diffuse", 0.0)
        out = pd.DataFrame({"bhi": bhi, "dhi": dhi, "ghi": bhi + dhi})
    elif "poa_global" in data.columns:
        out = pd.DataFrame({"ghi": data["poa_global"].astype(float)})
    else:
        raise WeatherError(
            f"{path}: PVGIS hourly series without irradiance columns (found "
            f"{', '.join(map(str, data.columns))}); download with radiation "
            f"components for a horizontal plane"
        )
    for c in ("temp_air", "wind_speed"):
        if c not in data:
            raise WeatherError(
                f"{path}: PVGIS hourly series misses {c} (T2m / WS10m); download it "
                f"with 'PV power / radiation + temperature + wind'"
            )
        out[c] = data[c].astype(float)
    # PVGIS hourly stamps are hh:10/hh:11 (instantaneous satellite time); floor to the hour.
    out.index = out.index.floor("h")
    return _Raw(
        data=out,
        source_format="pvgis_hourly",
        station="PVGIS hourly",
        latitude=_f(loc.get("latitude")),
        longitude=_f(loc.get("longitude")),
        elevation_m=_f(loc.get("elevation")),
        wind_speed_height_m=10.0,
        notes=[
            "PVGIS hourly: timestamps hh:MM UTC floored to hh:00 (interval start)",
            (
                "no pressure in PVGIS hourly data: derived from elevation "
                "(pvlib.atmosphere.alt2pres)"
            ),
        ],
        row_numbers=np.arange(len(out)) + 1,
    )


def _read_epw(path: Path, text_head: str, opts: dict) -> _Raw:
    from pvlib.iotools import read_epw

    try:
        data, meta = read_epw(str(path))
        years = data["year"].unique()
        typical = len(years) > 1 and not data.index.is_monotonic_increasing
        year = int(opts.get("year") or 2015)
        if typical:
            data, meta = read_epw(str(path), coerce_year=year)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed EPW file ({type(exc).__name__}: {_short(exc)}); "
            f"check the 8 header lines and 35 fields per data line"
        ) from None
    out = pd.DataFrame(
        {
            "ghi": data["ghi"],
            "dhi": data["dhi"],
            "dni": data["dni"],
            "temp_air": data["temp_air"],
            "wind_speed": data["wind_speed"],
            "pressure": data["atmospheric_pressure"],
            "wind_direction": data["wind_direction"],
        }
    ).astype(float)
    out.index = data.index.tz_convert("UTC")
    # EPW missing-value codes (EnergyPlus Auxiliary Programs, "Weather Converter"): 9999 irradiance,
    # 99.9 temperature, 999999 pressure, 999 wind speed/direction.
    for c, miss in (
        ("ghi", 9999),
        ("dhi", 9999),
        ("dni", 9999),
        ("temp_air", 99.9),
        ("pressure", 999999),
        ("wind_speed", 999),
        ("wind_direction", 999),
    ):
        out.loc[out[c] >= miss, c] = np.nan
    return _Raw(
        data=out,
        source_format="epw",
        station=f"{meta.get('city')} ({meta.get('WMO_code')})",
        latitude=_f(meta.get("latitude")),
        longitude=_f(meta.get("longitude")),
        elevation_m=_f(meta.get("altitude")),
        wind_speed_height_m=10.0,
        typical_year=year if typical else None,
        notes=["EPW: hour-ending local standard time -> interval start UTC (pvlib.read_epw)"]
        + ([f"typical year: mixed years relabelled {year}"] if typical else []),
        row_numbers=np.arange(len(out)) + 9,
    )


# ----------------------------------------------------------------------------------------------
# Format: DWD Climate Data Center station products
# ----------------------------------------------------------------------------------------------
#: CDC column -> (canonical, unit). Hourly: FF (F, D), TU (TT_TU), P0 (P0), ST (FG_LBERG, FD_LBERG
#: [J cm-2 per hour]); 10-minute: FF (FF_10, DD_10), TU (TT_10, PP_10), SOLAR (GS_10, DS_10
#: [J cm-2 per 10 min]). DWD CDC dataset descriptions (opendata.dwd.de/climate_environment/CDC/).
CDC_VARIABLE_MAP: dict[str, tuple[str, str]] = {
    "F": ("wind_speed", "m/s"),
    "FF": ("wind_speed", "m/s"),
    "FF_10": ("wind_speed", "m/s"),
    "D": ("wind_direction", "deg"),
    "DD": ("wind_direction", "deg"),
    "DD_10": ("wind_direction", "deg"),
    "TT_TU": ("temp_air", "C"),
    "TT_10": ("temp_air", "C"),
    "P0": ("pressure", "hPa"),
    "PP_10": ("pressure", "hPa"),
    "FG_LBERG": ("ghi", "J/cm2"),
    "FD_LBERG": ("dhi", "J/cm2"),
    "DS_LBERG": ("dhi", "J/cm2"),
    "GS_10": ("ghi", "J/cm2"),
    "DS_10": ("dhi", "J/cm2"),
}


def _cdc_members(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every produkt_* / Metadaten_Geographie* text in a file, folder or zip."""
    items: list[tuple[str, bytes]] = []

    def from_zip(zp: Path):
        with zipfile.ZipFile(zp) as z:
            for n in z.namelist():
                b = Path(n).name
                if b.startswith(("produkt_", "Metadaten_Geographie")):
                    items.append((b, z.read(n)))

    if path.is_dir():
        for p in sorted(path.iterdir()):
            if p.suffix.lower() == ".zip":
                from_zip(p)
            elif p.name.startswith("produkt_") or p.name.startswith("Metadaten_Geographie"):
                items.append((p.name, p.read_bytes()))
    elif zipfile.is_zipfile(path):
        from_zip(path)
    else:
        items.append((path.name, path.read_bytes()))
    return items


def _read_cdc(path: Path, text_head: str, opts: dict) -> _Raw:
    members = _cdc_members(path)
    products = [(n, b) for n, b in members if not n.startswith("Metadaten")]
    if not products:
        raise WeatherError(
            f"{path}: no DWD CDC 'produkt_*' files found; pass a produkt_*.txt, the "
            f"station's zip files or a folder holding them"
        )
    tz = opts.get("tz") or "UTC"
    series: dict[str, pd.Series] = {}
    stations = set()
    steps = set()
    notes = [
        (
            "DWD CDC: MESS_DATUM taken as UTC (DWD CDC hourly and 10-minute data since 2000); "
            "values refer to the interval ENDING at MESS_DATUM; -999 = missing"
        )
    ]
    warnings: list[str] = []
    for name, blob in products:
        try:
            df = pd.read_csv(
                io.BytesIO(blob),
                sep=";",
                engine="c",
                skipinitialspace=True,
                dtype={"MESS_DATUM": str},
                encoding="latin-1",
                na_values=["-999"],
            )
        except (ValueError, pd.errors.ParserError) as exc:
            raise WeatherError(
                f"{path}: {name}: not a ';'-separated DWD CDC product ({_short(exc)})"
            ) from None
        df.columns = [c.strip() for c in df.columns]
        if "MESS_DATUM" not in df or "STATIONS_ID" not in df:
            raise WeatherError(
                f"{path}: {name}: missing required columns STATIONS_ID, MESS_DATUM "
                f"(found {', '.join(df.columns)}); is it a CDC product file?"
            )
        stations.update(df["STATIONS_ID"].dropna().astype(int).unique().tolist())
        md = df["MESS_DATUM"].astype(str).str.strip()
        n = md.str.len().mode().iloc[0] if len(md) else 10
        if ":" in md.iloc[0]:
            t = pd.to_datetime(md, format="%Y%m%d%H:%M", errors="coerce")
        elif n == 12:
            t = pd.to_datetime(md, format="%Y%m%d%H%M", errors="coerce")
        else:
            t = pd.to_datetime(md, format="%Y%m%d%H", errors="coerce")
        if t.isna().any():
            rows = np.flatnonzero(t.isna().to_numpy()) + 2
            raise WeatherError(
                f"{path}: {name}: unreadable MESS_DATUM on lines {_lines_str(rows)}; "
                f"expected YYYYMMDDHH or YYYYMMDDHHMM"
            )
        end = _localize(pd.DatetimeIndex(t), tz, f"{path}: {name}")
        dt = pd.Series(end).diff().dropna()
        step = dt.mode().iloc[0] if len(dt) else pd.Timedelta(hours=1)
        steps.add(step)
        found = False
        for col in df.columns:
            if col not in CDC_VARIABLE_MAP:
                continue
            canon, unit = CDC_VARIABLE_MAP[col]
            v = pd.to_numeric(df[col], errors="coerce").astype(float)
            v[v <= -999] = np.nan
            if unit == "J/cm2":
                v = v * 1e4 / step.total_seconds()
            elif unit == "hPa":
                v = v * 100.0
            found = True
            if (
                canon in ("ghi", "dhi")
                and (end.minute != 0).any()
                and step == pd.Timedelta(hours=1)
            ):
                v = _regrid_energy(end, v.to_numpy(), step)
                warnings.append(
                    f"{path}: {name}: hourly solar sums are in true solar time (WOZ); "
                    f"re-gridded to UTC hours by overlap"
                )
                series[canon] = v
                continue
            s = pd.Series(v.to_numpy(), index=end - step)
            if canon in series:
                s = series[canon].combine_first(s)
            series[canon] = s
        if not found:
            raise WeatherError(
                f"{path}: {name}: no known variable column (known: "
                f"{', '.join(CDC_VARIABLE_MAP)}; found {', '.join(df.columns)})"
            )
    if len(stations) > 1:
        raise WeatherError(
            f"{path}: CDC files of several stations ({', '.join(map(str, sorted(stations)))}"
            f"); combine files of one station only"
        )
    data = pd.DataFrame(series)
    if data.index.has_duplicates:
        data = data.groupby(level=0).mean()
    data = data.sort_index()
    lat, lon, elev, sname = (
        opts.get("latitude"),
        opts.get("longitude"),
        opts.get("elevation_m"),
        None,
    )
    geo = [b for n, b in members if n.startswith("Metadaten_Geographie")]
    if geo and (lat is None or lon is None):
        g = pd.read_csv(io.BytesIO(geo[0]), sep=";", encoding="latin-1", skipinitialspace=True)
        g.columns = [c.strip() for c in g.columns]
        last = g.iloc[-1]
        lat, lon = float(last["Geogr.Breite"]), float(last["Geogr.Laenge"])
        elev = float(last["Stationshoehe"])
        sname = str(last.get("Stationsname", "")).strip()
    if lat is None or lon is None:
        raise WeatherError(
            f"{path}: station location unknown (no Metadaten_Geographie file); pass "
            f"--lat and --lon (and --elevation)"
        )
    sid = next(iter(stations)) if stations else "?"
    return _Raw(
        data=data,
        source_format="dwd_cdc",
        station=f"DWD {sname or 'station'} {sid:05d}" if isinstance(sid, int) else "DWD station",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        wind_speed_height_m=float(opts.get("wind_speed_height_m") or 10.0),
        notes=notes,
        warnings=warnings,
    )


def _regrid_energy(end: pd.DatetimeIndex, mean_w: np.ndarray, step: pd.Timedelta) -> pd.Series:
    """Re-grid interval means (intervals ending at ``end``) onto UTC hours by exact overlap.

    The cumulative energy at the interval ends is interpolated linearly (constant power within an
    interval) at the hour boundaries and differenced.
    """
    t_end = end.asi8 / 1e9
    w = np.nan_to_num(mean_w, nan=0.0)
    t0 = t_end[0] - step.total_seconds()
    cum = np.concatenate([[0.0], np.cumsum(w * step.total_seconds())])
    tt = np.concatenate([[t0], t_end])
    h0 = pd.Timestamp(t0, unit="s", tz="UTC").ceil("h")
    h1 = pd.Timestamp(t_end[-1], unit="s", tz="UTC").floor("h")
    hours = pd.date_range(h0, h1, freq="h")
    e = np.interp(hours.asi8 / 1e9, tt, cum)
    vals = np.diff(e) / 3600.0
    return pd.Series(vals, index=hours[:-1])


# ----------------------------------------------------------------------------------------------
# Format: generic CSV with a column mapping
# ----------------------------------------------------------------------------------------------
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


def _read_generic(path: Path, text_head: str, opts: dict) -> _Raw:
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
    tcol = mapping.pop("time", None) or opts.get("time_column")
    if tcol is None:
        cand = [
            c
            for c in df.columns
            if c.lower() in ("time", "timestamp", "datetime", "date", "time_utc", "mess_datum")
        ]
        tcol = cand[0] if cand else df.columns[0]
    if tcol not in df.columns:
        raise WeatherError(
            f"{path}: time column '{tcol}' not found (found: {', '.join(df.columns)});"
            f" pass --map time=<column>"
        )
    bad_map = {k: v for k, v in mapping.items() if v not in df.columns}
    if bad_map:
        raise WeatherError(
            f"{path}: --map names columns not in the file: "
            f"{', '.join(f'{k}={v}' for k, v in bad_map.items())} (found: "
            f"{', '.join(df.columns)}); fix --map"
        )
    unknown = [
        k
        for k in mapping
        if k not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ("bhi",)
        and not re.fullmatch(r"(wind_speed|temp_air)_\d+(\.\d+)?m", k)
    ]
    if unknown:
        raise WeatherError(
            f"{path}: --map targets {', '.join(unknown)} are not canonical names; use "
            f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS + ('bhi',))}"
        )
    fmt = opts.get("time_format") or "ISO8601"
    s = df[tcol]
    if pd.api.types.is_numeric_dtype(s) and fmt == "ISO8601":
        s = s.astype("Int64").astype(str)
        fmt = {10: "%Y%m%d%H", 12: "%Y%m%d%H%M"}.get(int(s.str.len().mode().iloc[0]), "ISO8601")
    idx = _parse_time_strict(s, path, 2, tz=opts.get("tz"), fmt=fmt)
    out = pd.DataFrame(index=idx)
    for canon, src in mapping.items():
        out[canon] = pd.to_numeric(df[src], errors="coerce").to_numpy(float)
        nonnum = out[canon].isna().to_numpy() & df[src].notna().to_numpy()
        if nonnum.any():
            raise WeatherError(
                f"{path}: non-numeric values in column '{src}' on lines "
                f"{_lines_str(np.flatnonzero(nonnum) + 2)}; fix them"
            )
    if not mapping:
        # identity mapping for columns already named canonically
        for c in df.columns:
            if c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
                out[c] = pd.to_numeric(df[c], errors="coerce").to_numpy(float)
    label = opts.get("label", "start")
    d = pd.Series(idx).diff().dropna()
    step = d.mode().iloc[0] if len(d) else pd.Timedelta(hours=1)
    out = _convert_units(out, units, step.total_seconds(), str(path))
    if label == "end":
        out.index = out.index - step
    elif label == "middle":
        out.index = out.index - step / 2
    elif label != "start":
        raise WeatherError(f"--label {label!r} is not allowed; choose start, middle or end")
    lat, lon = opts.get("latitude"), opts.get("longitude")
    if lat is None or lon is None:
        raise WeatherError(
            f"{path}: generic CSV needs the location for the sun position; pass --lat "
            f"and --lon (and --elevation)"
        )
    return _Raw(
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


# ----------------------------------------------------------------------------------------------
# Format registry and detection
# ----------------------------------------------------------------------------------------------
#: format name -> (reader, one-line description). ``--format`` accepts these names (and aliases).
FORMATS: dict[str, tuple[Any, str]] = {
    "canonical": (_read_canonical, "Haldenenergie canonical CSV (weather convert / synthesize)"),
    "try2015": (_read_try2015, "DWD test reference year TRY2015 / TRY2045 (.dat)"),
    "try2010": (_read_try2010, "DWD test reference year TRY2010 (.dat, older column order)"),
    "dwd_cdc": (
        _read_cdc,
        (
            "DWD CDC station products produkt_*_stunde_* / produkt_zehn_min_* "
            "(file, zip or folder of one station)"
        ),
    ),
    "dwd_15min": (
        _read_dwd15,
        "15-minute DWD CSV (location lines, then year,month,day,hour,minute)",
    ),
    "windpowerlib": (_read_windpowerlib, "windpowerlib CSV (header rows variable_name, height)"),
    "pvgis_tmy": (_read_pvgis_tmy, "PVGIS TMY (CSV or JSON)"),
    "pvgis_hourly": (_read_pvgis_hourly, "PVGIS hourly series (CSV or JSON, horizontal plane)"),
    "epw": (_read_epw, "EnergyPlus weather file (.epw)"),
    "generic": (
        _read_generic,
        (
            "any CSV with a column mapping (--map ghi=...,temp_air=... "
            "--units ... --tz ... --lat --lon)"
        ),
    ),
}
FORMAT_ALIASES = {
    "try2045": "try2015",
    "try": "try2015",
    "cdc": "dwd_cdc",
    "pvgis": "pvgis_tmy",
    "csv": "generic",
    "dwd15": "dwd_15min",
}


def detect_format(path: str | Path, text_head: str | None = None) -> str:
    """Detect the format of a weather file by its content (not its name).

    Parameters
    ----------
    path : str or Path
        File, or a folder/zip of DWD CDC products.
    text_head : str, optional
        The file's first bytes as text (read if None).

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    WeatherError
        Unknown format; the message lists the formats tried.
    """
    path = Path(path)
    if path.is_dir() or zipfile.is_zipfile(path):
        names = [n for n, _ in _cdc_members(path)]
        if any(n.startswith("produkt_") for n in names):
            return "dwd_cdc"
        raise WeatherError(
            f"{path}: a folder or zip without DWD CDC 'produkt_*' files; tried "
            f"format dwd_cdc; pass a weather file"
        )
    if text_head is None:
        text_head = _head(path)
    h = text_head.lstrip("\ufeff")
    first = h.splitlines()[0] if h.strip() else ""
    low = h.lower()
    if h.startswith(CANONICAL_MAGIC):
        return "canonical"
    if "Reihenfolge der Parameter" in h and "RW Rechtswert" in h:
        return "try2015"
    if "Reihenfolge der Parameter" in h and "TRY-Region" in h:
        return "try2010"
    if "STATIONS_ID;MESS_DATUM" in h.replace(" ", ""):
        return "dwd_cdc"
    if (
        first.startswith("variable_name,")
        and len(h.splitlines()) > 1
        and h.splitlines()[1].startswith("height,")
    ):
        return "windpowerlib"
    lines = h.splitlines()
    if (
        first.lower().startswith("location,longitude,latitude")
        and len(lines) > 2
        and lines[2].replace(" ", "").lower().startswith("year,month,day,hour,minute")
    ):
        return "dwd_15min"
    if h.lstrip().startswith("{"):
        keys = None if '"tmy_hourly"' in h else _json_keys(path)  # parse the file at most once
        if keys is None or "tmy_hourly" in keys:
            return "pvgis_tmy"
        if '"hourly"' in h or "hourly" in keys:
            return "pvgis_hourly"
    if first.startswith("Latitude (decimal degrees)"):
        return (
            "pvgis_tmy"
            if ("time(UTC)" in h or "Irradiance Time Offset" in h or "month,year" in low)
            else "pvgis_hourly"
        )
    if first.startswith("LOCATION,"):
        return "epw"
    raise WeatherError(
        f"{path}: unknown weather format; tried {', '.join(f for f in FORMATS if f != 'generic')} "
        f"(by content); pass --format, or --map ghi=...,temp_air=... for a generic CSV"
    )


def _json_keys(path: Path) -> set[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
        return set(d.get("outputs", {}).keys())
    except (OSError, ValueError, AttributeError):
        return set()


def _head(path: Path, n: int = 16384) -> str:
    """The first ``n`` bytes as text (UTF-8, else Latin-1), without a UTF-8 byte order mark."""
    with open(path, "rb") as fh:
        b = fh.read(n)
    if b.startswith(b"\xef\xbb\xbf"):  # BOM written by Windows editors / Excel "CSV UTF-8"
        b = b[3:]
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= n - 3:  # a multi-byte character cut at the end of the block
            return b[: exc.start].decode("utf-8")
        return b.decode("latin-1")


# ----------------------------------------------------------------------------------------------
# read_weather: reader + common pipeline (resample, validate, derive)
# ----------------------------------------------------------------------------------------------
def read_weather(
    path: str | Path,
    fmt: str | None = None,
    *,
    config: WeatherConfig | None = None,
    allow_partial: bool | None = None,
    **opts,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Read any supported weather file into the canonical hourly UTC form and validate it.

    Parameters
    ----------
    path : file (or, for DWD CDC, a zip or folder of one station's product files).
    fmt : format name (a key of :data:`FORMATS`, or alias ``try2045``, ``cdc``…); None = detect
        by content.
    config : :class:`WeatherConfig` with the validation thresholds (default: defaults).
    allow_partial : accept series shorter than a year (overrides ``config.allow_partial``).
    **opts : reader options: ``mapping`` / ``units`` (generic CSV, dict or ``"a=b,c=d"``),
        ``tz`` (zone or fixed offset for naive times), ``label`` (``start``/``middle``/``end``),
        ``time_column``, ``time_format``, ``latitude``, ``longitude``, ``elevation_m``,
        ``wind_speed_height_m``, ``year`` (label of a typical year), ``station``.

    Returns
    -------
    data : DataFrame, canonical columns (see module docstring), UTC index of interval starts.
    meta : WeatherMeta.

    Raises
    ------
    WeatherError : one line naming the file, the rows and the fix.

    Notes
    -----
    Pipeline: read → (sub-hourly: hourly means) → check timestamps (duplicates, order) → reindex to
    the full hourly grid → gaps (≤ ``max_interpolated_gap_h`` interpolated, longer: error) → range
    checks → derive DHI/DNI → year coverage. A typical year (TRY, PVGIS TMY) is relabelled into one
    calendar year in UTC (the hour that falls into the previous year is moved to its end).
    """
    cfg = config or WeatherConfig()
    if allow_partial is None:
        allow_partial = cfg.allow_partial
    path = Path(path)
    if not path.exists():
        raise WeatherError(f"{path}: file not found; check the path")
    if path.is_file() and path.stat().st_size == 0:
        raise WeatherError(f"{path}: file is empty; pass a weather file")
    text_head = "" if path.is_dir() else _head(path)
    if fmt is not None:
        name = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if name not in FORMATS:
            raise WeatherError(
                f"--format {fmt!r} is unknown; choose one of "
                f"{', '.join(list(FORMATS) + list(FORMAT_ALIASES))}"
            )
    elif opts.get("mapping"):
        name = "generic"
    else:
        name = detect_format(path, text_head)
    reader = FORMATS[name][0]
    try:
        raw = reader(path, text_head, dict(opts))
    except WeatherError:
        raise
    except (
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
    ) as exc:
        raise WeatherError(
            f"{path}: cannot read as format '{name}' ({type(exc).__name__}: "
            f"{_short(exc)}); check the file or pass the right --format"
        ) from None
    sha = _sha_of(path)
    meta = WeatherMeta(path=str(path), sha256=sha, source_format=raw.source_format)
    data = _finish(raw, meta, cfg, allow_partial, path)
    return data, meta


def _sha_of(path: Path) -> str:
    if path.is_dir():
        import hashlib

        h = hashlib.sha256()
        for p in sorted(path.iterdir()):
            if p.is_file():
                h.update(p.name.encode())
                h.update(sha256_file(p).encode())
        return h.hexdigest()
    return sha256_file(path)


def _finish(
    raw: _Raw, meta: WeatherMeta, cfg: WeatherConfig, allow_partial: bool, path
) -> pd.DataFrame:
    """Common pipeline for every reader: see read_weather Notes."""
    df = raw.data
    for w in raw.warnings:
        _warn(meta, w)
    meta.notes = list(raw.notes)
    meta.station, meta.latitude, meta.longitude = raw.station, raw.latitude, raw.longitude
    meta.elevation_m = raw.elevation_m
    meta.wind_speed_height_m = float(raw.wind_speed_height_m or cfg.default_wind_speed_height_m)
    meta.temp_air_height_m = float(raw.temp_air_height_m)
    meta.roughness_length_m = raw.roughness_length_m
    meta.irradiance_available = raw.irradiance_available
    if df.index.tz is None:
        raise WeatherError(f"{path}: naive timestamps; add the UTC offset or pass --tz")
    df.index = df.index.tz_convert("UTC")
    rows = raw.row_numbers if raw.row_numbers is not None else np.arange(len(df)) + 1

    # --- required columns
    need = ["temp_air", "wind_speed"]
    if raw.irradiance_available:
        need = ["ghi"] + need
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise WeatherError(
            f"{path}: missing required columns {', '.join(missing)} (required: ghi (or bhi+dhi), "
            f"temp_air, wind_speed, pressure (or elevation); found: "
            f"{', '.join(c for c in df.columns if not c.startswith('_')) or 'none'}); "
            f"add them or map them with --map"
        )
    if len(df) < 2:
        raise WeatherError(
            f"{path}: only {len(df)} data row(s); a weather series needs hourly values for a year"
        )
    if (meta.latitude is None or meta.longitude is None) and raw.irradiance_available:
        raise WeatherError(f"{path}: location unknown; pass --lat and --lon")
    # --- time stamps: duplicates, order
    idx = df.index
    dup = idx.duplicated(keep=False)
    if dup.any():
        r = rows[np.flatnonzero(dup)]
        raise WeatherError(
            f"{path}: duplicated timestamps ({int(idx.duplicated().sum())} repeated; first at "
            f"{idx[dup][0]:%Y-%m-%d %H:%M} UTC, lines {_lines_str(r, 4)}); remove the duplicates"
        )
    if not idx.is_monotonic_increasing:
        back = np.flatnonzero(np.diff(idx.asi8) < 0)
        raise WeatherError(
            f"{path}: timestamps not in increasing order (line {rows[back[0] + 1]} goes back from "
            f"{idx[back[0]]:%Y-%m-%d %H:%M} to {idx[back[0] + 1]:%Y-%m-%d %H:%M} UTC; "
            f"{len(back)} such place(s)); sort the rows by time"
        )
    step = pd.Series(idx).diff().dropna().mode().iloc[0]
    meta.source_step = _td_str(step)
    if step > pd.Timedelta(hours=1):
        raise WeatherError(
            f"{path}: time step {_td_str(step)} is coarser than hourly; hourly or "
            f"finer data are needed (daily/monthly values cannot give yields)"
        )
    if (pd.Timedelta(hours=1) % step) != pd.Timedelta(0):
        raise WeatherError(
            f"{path}: time step {_td_str(step)} does not divide an hour; resample "
            f"the data to 1, 5, 10, 15, 30 or 60 minutes"
        )
    # --- unit sanity before any averaging (Kelvin / hPa messages are clearer on raw values)
    _check_units(df, path, cfg)
    # --- sub-hourly -> hourly means (label = start)
    if step < pd.Timedelta(hours=1):
        n_per_h = int(pd.Timedelta(hours=1) / step)
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
        df = means
        meta.notes.append(
            f"resampled from {_td_str(step)} to hourly means (interval start label; "
            f"an hour needs >= {need_n} of {n_per_h} samples)"
        )
    else:
        floor = df.index.floor("h")
        if (floor != df.index).any():
            raise WeatherError(
                f"{path}: hourly timestamps are not on the full hour (e.g. "
                f"{df.index[0]:%H:%M}); shift them to interval starts hh:00 "
                f"(--label) or resample"
            )
    # --- typical year: relabel into one calendar year
    if raw.typical_year is not None:
        df = _roll_into_year(df, raw.typical_year)
    # --- reindex to the full hourly grid
    full = pd.date_range(df.index[0], df.index[-1], freq="1h")
    df = df.reindex(full)
    # --- pressure from elevation if absent
    if "pressure" not in df.columns or df["pressure"].isna().all():
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
    # --- gaps
    df = _fill_gaps(df, meta, cfg, path, allow_partial)
    # --- irradiance derivation and checks
    if raw.irradiance_available:
        df = _irradiance(df, meta, cfg, path)
    else:
        for c in IRRADIANCE_COLUMNS:
            df[c] = np.nan
    _check_ranges(df, meta, cfg, path)
    # --- order columns
    extra_w = sorted(
        [c for c in df.columns if re.fullmatch(r"wind_speed_\d+(\.\d+)?m", c)], key=_height_of
    )
    extra_t = sorted(
        [c for c in df.columns if re.fullmatch(r"temp_air_\d+(\.\d+)?m", c)], key=_height_of
    )
    cols = (
        list(REQUIRED_COLUMNS)
        + [c for c in OPTIONAL_COLUMNS if c in df.columns]
        + extra_w
        + extra_t
    )
    df = df[cols].astype(float)
    df.index.name = "time_utc"
    df.index.freq = None
    meta.extra_wind_heights_m = tuple(_height_of(c) for c in extra_w)
    meta.extra_temp_heights_m = tuple(_height_of(c) for c in extra_t)
    # --- coverage
    _coverage(df, meta, path, allow_partial)
    return df


def _height_of(col: str) -> float:
    return float(re.search(r"_(\d+(?:\.\d+)?)m$", col).group(1))


def _td_str(td: pd.Timedelta) -> str:
    mins = td.total_seconds() / 60
    if mins >= 60 and mins % 60 == 0:
        return f"{int(mins // 60)}h"
    if mins == int(mins):
        return f"{int(mins)}min"
    return f"{td.total_seconds():g}s"


def _roll_into_year(df: pd.DataFrame, year: int) -> pd.DataFrame:
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
    hour = pd.Timedelta(hours=1)
    new = df.index.to_series()
    before, after = df.index < start, df.index >= end
    if before.any() and (df.index[before] + span).min() - last_in <= hour:
        new[before] += span
    if after.any() and first_in - (df.index[after] - span).max() <= hour:
        new[after] -= span
    df = df.set_axis(pd.DatetimeIndex(new.to_numpy(), tz="UTC")).sort_index()
    return df


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of runs of True."""
    if not mask.any():
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), (ends - starts).tolist()))


def _fill_gaps(df, meta, cfg, path, allow_partial) -> pd.DataFrame:
    # Optional columns (wind_direction) do not make gaps: more than half empty -> dropped,
    # otherwise missing values are filled with the previous/next value (directions do not
    # interpolate linearly across north).
    for c in [c for c in OPTIONAL_COLUMNS if c in df.columns]:
        if df[c].isna().mean() > 0.5:
            _warn(meta, f"{path}: column {c} is more than half empty; dropped")
            df = df.drop(columns=c)
        elif df[c].isna().any():
            n = int(df[c].isna().sum())
            df[c] = df[c].ffill().bfill()
            meta.notes.append(f"{n} missing {c} values filled with the previous value")
    cols = [
        c
        for c in df.columns
        if c not in OPTIONAL_COLUMNS and (c not in IRRADIANCE_COLUMNS or meta.irradiance_available)
    ]
    miss_any = df[cols].isna().to_numpy()
    row_missing = miss_any.any(axis=1)
    runs = _runs(row_missing)
    meta.n_gaps = len(runs)
    long_runs = [(s, n) for s, n in runs if n > cfg.max_interpolated_gap_h]
    if long_runs and not allow_partial:
        s, n = max(long_runs, key=lambda r: r[1])
        t0 = df.index[s]
        raise WeatherError(
            f"{path}: {len(long_runs)} gap(s) longer than {cfg.max_interpolated_gap_h} h "
            f"(longest {n} h from {t0:%Y-%m-%d %H:%M} UTC); fill them from another source, raise "
            f"[weather] max_interpolated_gap_h, or pass --allow-partial to drop them"
        )
    n_filled = 0
    short = [(s, n) for s, n in runs if n <= cfg.max_interpolated_gap_h]
    if short:
        # interpolate each column only inside short gaps (limit per column run)
        before = df[cols].isna()
        interp = df[cols].interpolate(method="linear", limit_direction="both", limit_area=None)
        keep = np.zeros(len(df), dtype=bool)
        for s, n in short:
            keep[s : s + n] = True
        filled = df[cols].where(~(before.to_numpy() & keep[:, None]), interp)
        n_filled = int((before & filled.notna()).to_numpy().sum())
        df[cols] = filled
        first = df.index[short[0][0]]
        _warn(
            meta,
            f"{path}: {len(short)} short gap(s) up to {cfg.max_interpolated_gap_h} h "
            f"interpolated linearly ({n_filled} values; first at {first:%Y-%m-%d %H:%M} UTC)",
        )
    meta.n_gaps_filled = n_filled
    if long_runs:
        drop = np.zeros(len(df), dtype=bool)
        for s, n in long_runs:
            drop[s : s + n] = True
        meta.n_long_gaps_dropped = len(long_runs)
        _warn(
            meta,
            f"{path}: {len(long_runs)} long gap(s) ({int(drop.sum())} h) dropped "
            f"(--allow-partial); annual sums are scaled by the coverage",
        )
        df = df[~drop]
    return df


def _check_units(df, path, cfg) -> None:
    if "temp_air" in df and df["temp_air"].notna().any():
        med = float(np.nanmedian(df["temp_air"]))
        if 200.0 < med < 350.0:
            raise WeatherError(
                f"{path}: temp_air looks like Kelvin (median {med:.1f}); convert to degC or declare "
                f"the unit (--units temp_air=K)"
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


def _irradiance(df, meta, cfg, path) -> pd.DataFrame:
    sp = solar_position(df.index, meta.latitude, meta.longitude, meta.elevation_m)
    zen = sp["zenith"].to_numpy()
    e0 = extraterrestrial_dni(df.index).to_numpy()
    # negative irradiance: small negatives (night offsets of thermopiles) -> 0, others error
    for c in ("ghi", "dhi", "dni", "bhi"):
        if c in df:
            v = df[c].to_numpy(float)
            neg = v < -5.0
            if neg.any():
                raise WeatherError(
                    f"{path}: negative irradiance in {c} ({int(neg.sum())} hours, min {np.nanmin(v):.1f}"
                    f" W m-2, first at {df.index[np.flatnonzero(neg)[0]]:%Y-%m-%d %H:%M} UTC); "
                    f"check the column mapping and sign convention"
                )
            df[c] = np.where(v < 0, 0.0, v)
    ghi = df["ghi"].to_numpy(float)
    cosz = np.clip(np.cos(np.radians(zen)), 0.0, None)
    limit = cfg.ghi_max_factor * e0 * cosz**1.2 + cfg.ghi_max_offset_w_m2
    over = ghi > limit
    if over.any():
        i = np.flatnonzero(over)
        raise WeatherError(
            f"{path}: GHI above the physically possible limit (BSRN: {cfg.ghi_max_factor:g} E0 "
            f"cos(Z)^1.2 + {cfg.ghi_max_offset_w_m2:g} W m-2) in {len(i)} hours, first "
            f"{df.index[i[0]]:%Y-%m-%d %H:%M} UTC ({ghi[i[0]]:.0f} W m-2); the time zone or label "
            f"(interval start/end) is probably wrong: check --tz/--label, or irradiance is not in W m-2"
        )
    if "dhi" not in df:
        import pvlib

        erbs = pvlib.irradiance.erbs(
            df["ghi"], sp["zenith"], (df.index + pd.Timedelta(minutes=30)).day_of_year.to_numpy()
        )
        df["dhi"] = np.asarray(erbs["dhi"], float)
        meta.notes.append("DHI split from GHI with the Erbs model (pvlib.irradiance.erbs)")
    dhi = df["dhi"].to_numpy(float)
    hi = ghi > 50.0
    bound = np.where(hi, ghi * cfg.dhi_ghi_ratio_tolerance, ghi + cfg.dhi_ghi_abs_tolerance_w_m2)
    bad = dhi > bound + 1e-9
    if bad.any():
        i = np.flatnonzero(bad)
        raise WeatherError(
            f"{path}: DHI > GHI beyond tolerance in {len(i)} hours (first {df.index[i[0]]:%Y-%m-%d %H:%M} "
            f"UTC: DHI {dhi[i[0]]:.0f} > GHI {ghi[i[0]]:.0f} W m-2); columns swapped? check "
            f"the mapping of ghi/dhi"
        )
    clip = dhi > ghi
    if clip.any():
        df["dhi"] = np.minimum(dhi, ghi)
        _warn(
            meta,
            f"{path}: DHI slightly above GHI in {int(clip.sum())} hours (within tolerance); "
            f"clipped to GHI",
        )
    if "dni" not in df or df["dni"].isna().all():
        bhi = df["ghi"].to_numpy(float) - df["dhi"].to_numpy(float)
        df["dni"] = dni_from_beam_horizontal(bhi, zen, e0, cfg.dni_max_zenith_deg)
        meta.notes.append(
            f"DNI = (GHI - DHI) / cos(Z) at the interval middle; cos(Z) not below "
            f"cos({cfg.dni_max_zenith_deg:g} deg), 0 with the sun below the horizon, "
            f"capped at E0"
        )
    else:
        dni = df["dni"].to_numpy(float)
        if (dni > e0 + 1.0).any():
            i = np.flatnonzero(dni > e0 + 1.0)
            raise WeatherError(
                f"{path}: DNI above the extraterrestrial irradiance in {len(i)} hours "
                f"(first {df.index[i[0]]:%Y-%m-%d %H:%M} UTC); check the unit and "
                f"the column mapping"
            )
    if "bhi" in df:
        df = df.drop(columns="bhi")
    return df


def _check_ranges(df, meta, cfg, path) -> None:
    def first_bad(mask):
        i = np.flatnonzero(mask)
        return len(i), df.index[i[0]]

    t = df["temp_air"].to_numpy(float)
    bad = (t < cfg.temp_air_min_c) | (t > cfg.temp_air_max_c)
    if bad.any():
        n, t0 = first_bad(bad)
        raise WeatherError(
            f"{path}: temp_air out of range [{cfg.temp_air_min_c:g}, {cfg.temp_air_max_c:g}] degC in "
            f"{n} hours (first {t0:%Y-%m-%d %H:%M} UTC: {t[bad][0]:.1f}); check the unit "
            f"(--units temp_air=K/F) and the column mapping"
        )
    for c in [c for c in df.columns if c.startswith("wind_speed")]:
        w = df[c].to_numpy(float)
        bad = (w < 0) | (w > cfg.wind_speed_max_m_s)
        if bad.any():
            n, t0 = first_bad(bad)
            raise WeatherError(
                f"{path}: {c} out of range [0, {cfg.wind_speed_max_m_s:g}] m s-1 in {n} hours (first "
                f"{t0:%Y-%m-%d %H:%M} UTC: {w[bad][0]:.1f}); check the unit (--units "
                f"wind_speed=km/h) and missing-value codes"
            )
    p = df["pressure"].to_numpy(float)
    bad = (p < cfg.pressure_min_pa) | (p > cfg.pressure_max_pa)
    if bad.any():
        n, t0 = first_bad(bad)
        raise WeatherError(
            f"{path}: pressure out of range [{cfg.pressure_min_pa:g}, {cfg.pressure_max_pa:g}] Pa in "
            f"{n} hours (first {t0:%Y-%m-%d %H:%M} UTC: {p[bad][0]:.0f}); check the unit "
            f"(--units pressure=hPa)"
        )
    if "wind_direction" in df:
        d = df["wind_direction"].to_numpy(float)
        bad = (d < 0) | (d > 360)
        if bad.any():
            n, t0 = first_bad(bad)
            raise WeatherError(
                f"{path}: wind_direction outside 0-360 deg in {n} hours (first "
                f"{t0:%Y-%m-%d %H:%M} UTC); check missing-value codes"
            )


def _coverage(df, meta, path, allow_partial) -> None:
    n = len(df)
    meta.n_hours = n
    meta.period_start, meta.period_end = df.index[0], df.index[-1]
    span_h = int((df.index[-1] - df.index[0]) / pd.Timedelta(hours=1)) + 1
    one_year = (
        df.index[0].year == df.index[-1].year
        and df.index[0] == pd.Timestamp(f"{df.index[0].year}-01-01", tz="UTC")
        and span_h == (8784 if df.index[0].is_leap_year else 8760)
    )
    if one_year:
        hours_year = span_h
    else:
        hours_year = HOURS_PER_YEAR if span_h <= 8784 else 8766
    years = n / hours_year
    if span_h < HOURS_PER_YEAR or meta.n_long_gaps_dropped:
        meta.partial = True
        meta.coverage_fraction = round(min(1.0, n / HOURS_PER_YEAR), 6)
        if not allow_partial:
            raise WeatherError(
                f"{path}: series covers {n} h ({n / 24:.1f} days, {meta.coverage_fraction:.1%} of a "
                f"year) from {df.index[0]:%Y-%m-%d %H:%M} to {df.index[-1]:%Y-%m-%d %H:%M} UTC; "
                f"annual yields need a full year: use a longer series or pass --allow-partial "
                f"(results are then scaled and flagged)"
            )
        _warn(
            meta,
            f"{path}: partial series ({meta.coverage_fraction:.1%} of a year); annual sums "
            f"are scaled by {HOURS_PER_YEAR / n:.3f} and flagged",
        )
        meta.annual_factor = HOURS_PER_YEAR / n
    else:
        meta.coverage_fraction = round(min(1.0, n / span_h), 6)
        meta.annual_factor = 1.0 / years if not one_year else 1.0
        if years > 1.0001 and not one_year:
            meta.notes.append(
                f"series spans {years:.2f} years; annual sums are averaged per year "
                f"(meta.annual_factor={meta.annual_factor:.4f})"
            )


# ----------------------------------------------------------------------------------------------
# Downloader
# ----------------------------------------------------------------------------------------------
def get_pvgis_tmy(
    latitude: float,
    longitude: float,
    *,
    timeout: float = 30.0,
    year: int = 2015,
    usehorizon: bool = True,
    url: str | None = None,
    config: WeatherConfig | None = None,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Download a typical meteorological year from PVGIS (JRC) for a point and return it canonical.

    Parameters
    ----------
    latitude, longitude : [deg] WGS84 (e.g. a heap's summit).
    timeout : [s] network timeout of the request.
    year : label of the typical year in the returned index.
    usehorizon : let PVGIS account for its terrain horizon.
    url : API base URL (default pvlib's, ``https://re.jrc.ec.europa.eu/api/``).

    Returns
    -------
    (data, meta) in the canonical form; ``meta.path`` is ``"<pvgis api>"``.

    Raises
    ------
    WeatherError : network failure, timeout or an error answer from PVGIS (one line).
    """
    from pvlib.iotools import get_pvgis_tmy as _get

    kwargs = {
        "outputformat": "json",
        "usehorizon": usehorizon,
        "timeout": timeout,
        "map_variables": True,
        "coerce_year": None,
        "roll_utc_offset": None,
    }
    if url:
        kwargs["url"] = url
    try:
        data, meta_src = _get(latitude, longitude, **kwargs)
    except Exception as exc:  # noqa: BLE001 - requests.Timeout, ConnectionError, HTTPError, JSON
        raise WeatherError(
            f"PVGIS TMY download for {latitude:.4f}, {longitude:.4f} failed "
            f"({type(exc).__name__}: {_short(exc)}); check the network or retry "
            f"with a longer timeout, or download the TMY file by hand"
        ) from None
    raw = _pvgis_tmy_to_raw(data, meta_src, "<pvgis api>", year)
    if raw.latitude is None:
        raw.latitude, raw.longitude = float(latitude), float(longitude)
    raw.source_format = "pvgis_tmy"
    meta = WeatherMeta(path="<pvgis api>", sha256="", source_format="pvgis_tmy")
    out = _finish(
        raw, meta, config or WeatherConfig(), False, f"PVGIS TMY {latitude:.4f},{longitude:.4f}"
    )
    return out, meta


# ----------------------------------------------------------------------------------------------
# windpowerlib adapter: the ONE unit conversion to K / Pa
# ----------------------------------------------------------------------------------------------
def to_windpowerlib(
    data: pd.DataFrame, meta: WeatherMeta, roughness_length_m: float | None = None
) -> pd.DataFrame:
    """windpowerlib's weather frame from a canonical series.

    Parameters
    ----------
    data : canonical DataFrame (``wind_speed`` [m s-1], ``temp_air`` [°C], ``pressure`` [Pa],
        optional ``wind_speed_<h>m`` / ``temp_air_<h>m``).
    meta : its WeatherMeta (heights, roughness length).
    roughness_length_m : [m] used when the file gives none (``meta.roughness_length_m`` wins if set
        and this is None).

    Returns
    -------
    DataFrame with MultiIndex columns ``(variable_name, height)``: ``wind_speed`` [m s-1] at every
    height, ``temperature`` [K] at each temperature height, ``pressure`` [Pa] at 0 m and
    ``roughness_length`` [m] at 0 m (if known). Same index as ``data``.
    """
    cols: dict[tuple[str, float], pd.Series] = {}
    cols[("wind_speed", float(meta.wind_speed_height_m))] = data["wind_speed"].astype(float)
    for h in meta.extra_wind_heights_m:
        cols[("wind_speed", float(h))] = data[f"wind_speed_{h:g}m"].astype(float)
    cols[("temperature", float(meta.temp_air_height_m))] = data["temp_air"].astype(float) + 273.15
    for h in meta.extra_temp_heights_m:
        cols[("temperature", float(h))] = data[f"temp_air_{h:g}m"].astype(float) + 273.15
    cols[("pressure", 0.0)] = data["pressure"].astype(float)
    z0 = roughness_length_m if roughness_length_m is not None else meta.roughness_length_m
    if z0 is not None:
        cols[("roughness_length", 0.0)] = pd.Series(float(z0), index=data.index)
    out = pd.DataFrame(cols, index=data.index)
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["variable_name", "height"])
    return out


# ----------------------------------------------------------------------------------------------
# Summary (for `weather info` and the pipeline's manifest)
# ----------------------------------------------------------------------------------------------
def summarize(data: pd.DataFrame, meta: WeatherMeta) -> dict[str, Any]:
    """Key figures of a canonical series (``weather info``, run manifests).

    Parameters
    ----------
    data, meta : the canonical series and its WeatherMeta.

    Returns
    -------
    dict
        ``annual_ghi_kwh_m2`` [kWh m-2 a-1] (scaled by ``meta.annual_factor``; None without
        irradiance), ``mean_temp_air_c`` [degC], ``mean_wind_speed_m_s`` [m s-1] at
        ``wind_speed_height_m`` [m], period (UTC interval starts), step, gaps, hash, notes, warnings.
    """
    ghi = data["ghi"]
    annual = None
    if meta.irradiance_available and ghi.notna().any():
        annual = float(ghi.sum() / 1000.0 * meta.annual_factor)
    return {
        "path": meta.path,
        "format": meta.source_format,
        "station": meta.station,
        "latitude_deg": meta.latitude,
        "longitude_deg": meta.longitude,
        "elevation_m": meta.elevation_m,
        "period_start_utc": meta.period_start.isoformat()
        if meta.period_start is not None
        else None,
        "period_end_utc": meta.period_end.isoformat() if meta.period_end is not None else None,
        "step": meta.step,
        "source_step": meta.source_step,
        "n_hours": meta.n_hours,
        "annual_ghi_kwh_m2": annual,
        "mean_temp_air_c": float(data["temp_air"].mean()),
        "mean_wind_speed_m_s": float(data["wind_speed"].mean()),
        "wind_speed_height_m": meta.wind_speed_height_m,
        "extra_wind_heights_m": list(meta.extra_wind_heights_m),
        "roughness_length_m": meta.roughness_length_m,
        "n_gaps": meta.n_gaps,
        "n_gaps_filled": meta.n_gaps_filled,
        "n_long_gaps_dropped": meta.n_long_gaps_dropped,
        "partial": meta.partial,
        "coverage_fraction": meta.coverage_fraction,
        "annual_factor": meta.annual_factor,
        "sha256": meta.sha256,
        "time_convention": meta.time_convention,
        "notes": list(meta.notes),
        "warnings": list(meta.warnings),
    }
