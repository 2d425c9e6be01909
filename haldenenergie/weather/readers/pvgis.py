"""Formats ``pvgis_tmy`` and ``pvgis_hourly``: PVGIS (European Commission JRC) CSV and JSON files.

Read with :mod:`pvlib.iotools` (``map_variables=True``, so the columns already have pvlib's names).
PVGIS times are UTC. A TMY's months come from different years and are relabelled into one typical
year; hourly series are stamped at hh:10/hh:11 (satellite time) and floored to the hour.

Layouts (JRC, PVGIS user manual and tool pages "Hourly radiation" and "Typical Meteorological
Year", joint-research-centre.ec.europa.eu/photovoltaic-geographical-information-system-pvgis):
the hourly CSV header holds latitude, longitude, elevation, the radiation database and the slope
and azimuth of the plane; its irradiance is always on that plane (``G(i)``, or ``Gb(i)``,
``Gd(i)``, ``Gr(i)`` with radiation components), so only slope 0 gives horizontal irradiance.
The JSON answer states the same under ``inputs.location``, ``inputs.meteo_data`` and
``inputs.mounting_system``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import opt_float, short
from ..model import RawSeries, period_text, typical_year_text
from ._registry import Probe, register

#: PVGIS TMY column (pvlib name) -> canonical column; PVGIS names G(h), Gb(n), Gd(h), T2m, WS10m,
#: SP [W m-2, degC, m s-1 at 10 m, Pa].
VARIABLE_MAP: dict[str, str] = {
    "ghi": "ghi",
    "dni": "dni",
    "dhi": "dhi",
    "temp_air": "temp_air",
    "wind_speed": "wind_speed",
    "pressure": "pressure",
}
_TMY_CSV_MARKERS = ("time(UTC)", "Irradiance Time Offset")


def _is_json(probe: Probe) -> bool:
    return probe.text.lstrip().startswith("{")


def _detect_tmy(probe: Probe) -> bool:
    if _is_json(probe):
        return '"tmy_hourly"' in probe.text or "tmy_hourly" in probe.json_keys
    if probe.first.startswith("Latitude (decimal degrees)"):
        h = probe.text
        return any(m in h for m in _TMY_CSV_MARKERS) or "month,year" in h.lower()
    return False


def _detect_hourly(probe: Probe) -> bool:
    if _is_json(probe):
        return '"hourly"' in probe.text or "hourly" in probe.json_keys
    return probe.first.startswith("Latitude (decimal degrees)") and not _detect_tmy(probe)


def _typical_year_index(data: pd.DataFrame, path, year: int) -> pd.DatetimeIndex:
    """The TMY's index relabelled into ``year`` (its months come from different years)."""
    ti = pd.DatetimeIndex(data.index)
    parts = {"year": year, "month": ti.month, "day": ti.day, "hour": ti.hour, "minute": ti.minute}
    idx = pd.DatetimeIndex(pd.to_datetime(pd.DataFrame(parts), errors="coerce")).tz_localize("UTC")
    if idx.isna().any():
        raise WeatherError(
            f"{path}: PVGIS TMY contains 29 February, which cannot be relabelled to "
            f"{year}; pass a leap year (year=...)"
        )
    return idx


def pvgis_data_source(inputs: dict, default: str) -> str:
    """``"PVGIS-SARAH3 + ERA5"``: the radiation (and meteo) database named in PVGIS ``inputs``.

    Parameters
    ----------
    inputs : pvlib's ``meta["inputs"]`` (JSON: ``meteo_data.radiation_db``/``meteo_db``; hourly
        CSV: ``radiation_database``; the TMY CSV names none).
    default : returned when the file names no database.
    """
    meteo = inputs.get("meteo_data", {})
    rad = meteo.get("radiation_db") or inputs.get("radiation_database")
    met = meteo.get("meteo_db")
    if not rad:
        return default
    return f"{rad} + {met}" if met else str(rad)


def _tmy_period(meta: dict, index: pd.DatetimeIndex) -> str | None:
    """``"typical year of 2005-2023"``: JSON year_min/year_max, else the selected months' years."""
    meteo = meta.get("inputs", {}).get("meteo_data", {})
    if meteo.get("year_min") is not None and meteo.get("year_max") is not None:
        return typical_year_text([meteo["year_min"], meteo["year_max"]])
    months = meta.get("months_selected") or []
    years = [m.get("year") for m in months if isinstance(m, dict)] or list(index.year)
    return typical_year_text(years)


def tmy_to_raw(data: pd.DataFrame, meta: dict, path: str | Path, year: int) -> RawSeries:
    """A PVGIS TMY as pvlib returns it (file or API) -> RawSeries labelled ``year``.

    Parameters
    ----------
    data, meta : pvlib's ``read_pvgis_tmy`` / ``get_pvgis_tmy`` result (``map_variables=True``).
    path : file or ``"<pvgis api>"``, for messages.
    year : calendar year of the typical year.
    """
    inputs = meta.get("inputs", {})
    loc = inputs.get("location", inputs)
    missing = [c for c in VARIABLE_MAP if c not in data]
    if missing:
        raise WeatherError(
            f"{path}: PVGIS TMY misses required columns {', '.join(missing)} "
            f"(required: G(h), Gb(n), Gd(h), T2m, WS10m, SP; found: "
            f"{', '.join(map(str, data.columns))}); download it again"
        )
    idx = _typical_year_index(data, path, year)
    out = pd.DataFrame(
        {
            canon: pd.to_numeric(data[c], errors="coerce").to_numpy(float)
            for c, canon in VARIABLE_MAP.items()
        },
        index=idx,
    )
    if "wind_direction" in data:
        wd = pd.to_numeric(data["wind_direction"], errors="coerce")
        out["wind_direction"] = wd.to_numpy(float)
    return RawSeries(
        data=out,
        source_format="pvgis_tmy",
        station="PVGIS TMY",
        latitude=opt_float(loc.get("latitude")),
        longitude=opt_float(loc.get("longitude")),
        elevation_m=opt_float(loc.get("elevation")),
        data_source=pvgis_data_source(inputs, "PVGIS TMY"),
        source_period=_tmy_period(meta, pd.DatetimeIndex(data.index)),
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


@register("pvgis_tmy", "PVGIS TMY (CSV or JSON)", detect=_detect_tmy, aliases=("pvgis",))
def read_pvgis_tmy(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read a PVGIS TMY file (CSV or JSON); ``year`` option labels the typical year."""
    from pvlib.iotools import read_pvgis_tmy as _read

    fmt = "json" if text_head.lstrip().startswith("{") else "csv"
    try:
        data, meta = _read(str(path), pvgis_format=fmt, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed PVGIS TMY {fmt.upper()} ({type(exc).__name__}: "
            f"{short(exc)}); download it again from PVGIS (tool TMY)"
        ) from None
    return tmy_to_raw(data, meta, path, int(opts.get("year") or 2015))


#: PVGIS hourly irradiance on the plane of the array (pvlib names of ``G(i)``, ``Gb(i)``,
#: ``Gd(i)``, ``Gr(i)``); horizontal only when the plane is fixed at slope 0.
POA_COLUMNS: tuple[str, ...] = ("poa_global", "poa_direct", "poa_sky_diffuse", "poa_ground_diffuse")
_PVGIS_NAMES = {"poa_global": "G(i)", "poa_direct": "Gb(i)", "poa_sky_diffuse": "Gd(i)"}
_PVGIS_NAMES["poa_ground_diffuse"] = "Gr(i)"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class Plane(NamedTuple):
    """The plane a PVGIS hourly series refers to: mounting, slope and azimuth [deg] (None: unknown).

    PVGIS azimuth: 0 = south, 90 = west, -90 = east (JRC PVGIS user manual).
    """

    mounting: str | None
    slope: float | None
    azimuth: float | None


def _number(v) -> float | None:
    """``30`` from ``30``, ``"30 deg."`` or ``"35 deg. (optimum)"``; None from ``"-"``/None."""
    if isinstance(v, int | float):
        return float(v)
    m = _NUMBER.search(str(v)) if v is not None else None
    return float(m.group()) if m else None


def hourly_plane(inputs: dict) -> Plane:
    """The plane of a PVGIS hourly file from pvlib's ``meta["inputs"]``.

    Parameters
    ----------
    inputs : JSON: ``mounting_system`` = ``{"fixed": {"slope": {"value": 30}, ...}}`` (or
        ``two_axis``, ``vertical_axis``, ``inclined_axis``); CSV: the header lines
        ``Slope: 30 deg.`` and ``Azimuth: 0 deg.`` (keys ``Slope``, ``Azimuth``).
    """
    ms = inputs.get("mounting_system")
    if isinstance(ms, dict) and ms:
        mounting = next(iter(ms))
        spec = ms[mounting] if isinstance(ms[mounting], dict) else {}
        slope = _number((spec.get("slope") or {}).get("value"))
        azimuth = _number((spec.get("azimuth") or {}).get("value"))
        return Plane(mounting, slope, azimuth)
    keys = {str(k).strip().lower(): v for k, v in inputs.items()}
    if "slope" in keys:
        return Plane("fixed", _number(keys["slope"]), _number(keys.get("azimuth")))
    return Plane(None, None, None)


def _plane_text(plane: Plane) -> str:
    if plane.mounting is None:
        return "a plane the file does not state (no 'Slope:' header line or mounting_system)"
    if plane.mounting != "fixed":
        return f"a {plane.mounting.replace('_', '-')} tracking plane"
    az = "unknown" if plane.azimuth is None else f"{plane.azimuth:g}°"
    slope = "unknown" if plane.slope is None else f"{plane.slope:g}°"
    return f"a fixed plane of slope {slope} and azimuth {az} (PVGIS: 0 = south, -90 = east)"


def check_horizontal(path, data: pd.DataFrame, plane: Plane, lat, lon) -> None:
    """Refuse plane-of-array irradiance unless the plane is fixed and horizontal (slope 0).

    Parameters
    ----------
    path : file, for the message; data : pvlib's columns; plane : :func:`hourly_plane`.
    lat, lon : [deg] the file's location, for the download hint.

    Raises
    ------
    WeatherError : POA columns for a tilted, tracking or unstated plane (one line: the plane
        found and how to download horizontal data).
    """
    poa = [c for c in POA_COLUMNS if c in data.columns]
    if "ghi" in data.columns or not poa:
        return
    if plane.mounting == "fixed" and plane.slope == 0:
        return
    where = f"lat={lat:.3f}&lon={lon:.3f}&" if lat is not None and lon is not None else ""
    raise WeatherError(
        f"{path}: PVGIS hourly series holds plane-of-array irradiance "
        f"({', '.join(_PVGIS_NAMES[c] for c in poa)}) for {_plane_text(plane)}, not horizontal "
        f"irradiance, and is not converted back; download horizontal data: PVGIS tool 'Hourly "
        f"data', mounting 'fixed', slope 0°, 'Radiation components' ticked, or the API "
        f"seriescalc?{where}angle=0&aspect=0&components=1"
    )


def _hourly_irradiance(path, data: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Horizontal irradiance columns and a note saying which PVGIS columns were used."""
    if "ghi" in data.columns:
        cols = [c for c in ("ghi", "dhi", "dni") if c in data.columns]
        return data[cols].astype(float), "G(h), Gb(n), Gd(h) (horizontal) as given"
    if {"poa_direct", "poa_sky_diffuse"} <= set(data.columns):
        bhi = data["poa_direct"].astype(float)
        dhi = data["poa_sky_diffuse"].astype(float) + data.get("poa_ground_diffuse", 0.0)
        out = pd.DataFrame({"bhi": bhi, "dhi": dhi, "ghi": bhi + dhi})
        return out, "slope 0: Gb(i) = beam on the horizontal, Gd(i) + Gr(i) = DHI, GHI = sum"
    if "poa_global" in data.columns:
        out = pd.DataFrame({"ghi": data["poa_global"].astype(float)})
        return out, "slope 0: G(i) = GHI (no components; DHI and DNI are derived)"
    raise WeatherError(
        f"{path}: PVGIS hourly series without irradiance columns (found "
        f"{', '.join(map(str, data.columns))}); download it with 'Radiation components' for a "
        f"horizontal plane (slope 0)"
    )


def _hourly_location(inputs: dict, opts: dict) -> tuple[float | None, float | None, float | None]:
    """(lat, lon, elevation) from the file; ``--lat``/``--lon``/``--elevation`` where it has none.

    JSON files state them under ``inputs.location``; pvlib puts the CSV header's
    ``Latitude (decimal degrees)``, ``Longitude …`` and ``Elevation (m)`` directly in ``inputs``.
    """
    loc = inputs.get("location", inputs)

    def pick(key: str, opt: str) -> float | None:
        v = loc.get(key)
        return opt_float(v if v is not None else opts.get(opt))

    return (
        pick("latitude", "latitude"),
        pick("longitude", "longitude"),
        pick("elevation", "elevation_m"),
    )


def _read_hourly_file(path: Path, text_head: str) -> tuple[pd.DataFrame, dict]:
    from pvlib.iotools import read_pvgis_hourly as _read

    fmt = "json" if text_head.lstrip().startswith("{") else "csv"
    try:
        return _read(str(path), pvgis_format=fmt, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed PVGIS hourly {fmt.upper()} ({type(exc).__name__}: "
            f"{short(exc)}); download it again from PVGIS (tool 'Hourly data')"
        ) from None


@register(
    "pvgis_hourly",
    "PVGIS hourly series (CSV or JSON, horizontal plane)",
    detect=_detect_hourly,
)
def read_pvgis_hourly(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read a PVGIS hourly series for a horizontal plane; pressure comes from the elevation."""
    data, meta = _read_hourly_file(path, text_head)
    inputs = meta.get("inputs", {})
    lat, lon, elev = _hourly_location(inputs, opts)
    check_horizontal(path, data, hourly_plane(inputs), lat, lon)
    out, how = _hourly_irradiance(path, data)
    for c in ("temp_air", "wind_speed"):
        if c not in data:
            raise WeatherError(
                f"{path}: PVGIS hourly series misses {c} (T2m / WS10m); download it "
                f"with 'PV power / radiation + temperature + wind'"
            )
        out[c] = data[c].astype(float)
    period = period_text(pd.DatetimeIndex(out.index))
    # PVGIS hourly stamps are hh:10/hh:11 (instantaneous satellite time); floor to the hour.
    out.index = out.index.floor("h")
    return RawSeries(
        data=out,
        source_format="pvgis_hourly",
        station="PVGIS hourly",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        data_source=pvgis_data_source(inputs, "PVGIS hourly"),
        source_period=period,
        wind_speed_height_m=10.0,
        notes=[
            "PVGIS hourly: timestamps hh:MM UTC floored to hh:00 (interval start)",
            f"PVGIS hourly irradiance: {how}",
            (
                "no pressure in PVGIS hourly data: derived from elevation "
                "(pvlib.atmosphere.alt2pres)"
            ),
        ],
        row_numbers=np.arange(len(out)) + 1,
    )
