"""Formats ``pvgis_tmy`` and ``pvgis_hourly``: PVGIS (European Commission JRC) CSV and JSON files.

Read with :mod:`pvlib.iotools` (``map_variables=True``, so the columns already have pvlib's names).
PVGIS times are UTC. A TMY's months come from different years and are relabelled into one typical
year; hourly series are stamped at hh:10/hh:11 (satellite time) and floored to the hour.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from .._util import opt_float, short
from ..model import RawSeries
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


def _hourly_irradiance(path, data: pd.DataFrame) -> pd.DataFrame:
    """GHI (and DHI, beam) from PVGIS's plane-of-array components on the horizontal."""
    if {"poa_direct", "poa_sky_diffuse"} <= set(data.columns):
        bhi = data["poa_direct"].astype(float)
        dhi = data["poa_sky_diffuse"].astype(float) + data.get("poa_ground_diffuse", 0.0)
        return pd.DataFrame({"bhi": bhi, "dhi": dhi, "ghi": bhi + dhi})
    if "poa_global" in data.columns:
        return pd.DataFrame({"ghi": data["poa_global"].astype(float)})
    raise WeatherError(
        f"{path}: PVGIS hourly series without irradiance columns (found "
        f"{', '.join(map(str, data.columns))}); download with radiation "
        f"components for a horizontal plane"
    )


def _check_horizontal(path, inputs: dict) -> None:
    slope = inputs.get("mounting_system", {}).get("fixed", {}).get("slope", {}).get("value", 0)
    if slope not in (0, 0.0, None):
        raise WeatherError(
            f"{path}: PVGIS hourly series is for a plane tilted {slope} deg; download "
            f"it for a horizontal plane (slope 0) with radiation components to get "
            f"GHI and DHI"
        )


@register(
    "pvgis_hourly",
    "PVGIS hourly series (CSV or JSON, horizontal plane)",
    detect=_detect_hourly,
)
def read_pvgis_hourly(path: Path, text_head: str, opts: dict) -> RawSeries:
    """Read a PVGIS hourly series for a horizontal plane; pressure comes from the elevation."""
    from pvlib.iotools import read_pvgis_hourly as _read

    fmt = "json" if text_head.lstrip().startswith("{") else "csv"
    try:
        data, meta = _read(str(path), pvgis_format=fmt, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - pvlib raises many classes on malformed files
        raise WeatherError(
            f"{path}: malformed PVGIS hourly {fmt.upper()} ({type(exc).__name__}: "
            f"{short(exc)}); download it again from PVGIS (tool hourly data)"
        ) from None
    inputs = meta.get("inputs", {})
    loc = inputs.get("location", {})
    _check_horizontal(path, inputs)
    out = _hourly_irradiance(path, data)
    for c in ("temp_air", "wind_speed"):
        if c not in data:
            raise WeatherError(
                f"{path}: PVGIS hourly series misses {c} (T2m / WS10m); download it "
                f"with 'PV power / radiation + temperature + wind'"
            )
        out[c] = data[c].astype(float)
    # PVGIS hourly stamps are hh:10/hh:11 (instantaneous satellite time); floor to the hour.
    out.index = out.index.floor("h")
    return RawSeries(
        data=out,
        source_format="pvgis_hourly",
        station="PVGIS hourly",
        latitude=opt_float(loc.get("latitude")),
        longitude=opt_float(loc.get("longitude")),
        elevation_m=opt_float(loc.get("elevation")),
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
