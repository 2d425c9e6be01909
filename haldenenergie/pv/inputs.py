"""Weather input of the PV engine: checks, sun position once per series, daytime arrays.

The weather DataFrame comes from :func:`haldenenergie.weather.read_weather`: a tz-aware index
labelling interval *starts*, irradiance ghi, dhi, dni [W m-2], temp_air [°C], wind_speed [m s-1]
and optionally pressure [Pa]. The sun is evaluated once per series, at the *middle* of each
interval (``index + step / 2``), with :mod:`haldenenergie.sun` (NREL SPA, Reda & Andreas 2004;
extraterrestrial DNI after Spencer 1971; relative airmass after Kasten & Young 1989), the same
inputs a pvlib ``ModelChain`` uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import sun
from ..errors import WeatherError

#: Columns the PV engine needs in the weather DataFrame.
REQUIRED_WEATHER_COLUMNS = ("ghi", "dhi", "dni", "temp_air", "wind_speed")


def interval_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    """Median interval length of a series; one hour for fewer than two steps.

    Parameters
    ----------
    index : DatetimeIndex of interval starts.

    Returns
    -------
    step : Timedelta.
    """
    if len(index) < 2:
        return pd.Timedelta(hours=1)
    return pd.Timedelta(int(np.median(np.diff(index.as_unit("ns").asi8))), unit="ns")


def check_weather(data: pd.DataFrame) -> None:
    """Raise WeatherError if ``data`` lacks required columns or has a naive/unsorted index."""
    if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.DatetimeIndex):
        raise WeatherError(
            "pv: weather data must be a DataFrame with a DatetimeIndex; "
            "read it with haldenenergie.weather.read_weather"
        )
    if data.index.tz is None:
        raise WeatherError(
            "pv: weather index is timezone-naive; localise it (UTC) in the "
            "weather reader, times are never guessed"
        )
    missing = [c for c in REQUIRED_WEATHER_COLUMNS if c not in data.columns]
    if missing:
        raise WeatherError(
            f"pv: weather data lacks column(s) {', '.join(missing)}; required are "
            f"{', '.join(REQUIRED_WEATHER_COLUMNS)}, found {', '.join(map(str, data.columns))}"
        )
    if not data.index.is_monotonic_increasing or data.index.has_duplicates:
        raise WeatherError("pv: weather index must be strictly increasing; sort and de-duplicate")
    if len(data) == 0:
        raise WeatherError("pv: weather data is empty")


def solar_geometry(
    data: pd.DataFrame, latitude: float, longitude: float, elevation_m: float = 0.0
) -> pd.DataFrame:
    """Sun position, extraterrestrial DNI and airmass at the middle of each interval.

    Parameters
    ----------
    data : DataFrame with a tz-aware DatetimeIndex labelling interval *starts*; optional
        columns ``pressure`` [Pa] and ``temp_air`` [°C] are used for refraction.
    latitude, longitude : [deg] of the weather location.
    elevation_m : [m] above sea level.

    Returns
    -------
    DataFrame indexed like ``data`` with apparent_zenith, apparent_elevation, azimuth [deg],
    dni_extra [W m-2], airmass_relative [-] (NaN when the sun is down); attribute
    ``attrs['step_h']`` [h].
    """
    step = interval_step(data.index)
    sp = sun.solar_position(
        data.index,
        latitude,
        longitude,
        elevation_m,
        step=step,
        pressure_pa=data.get("pressure"),
        temp_air_c=data.get("temp_air"),
    )
    out = pd.DataFrame(
        {
            "apparent_zenith": sp["apparent_zenith"].to_numpy(),
            "apparent_elevation": sp["apparent_elevation"].to_numpy(),
            "azimuth": sp["azimuth"].to_numpy(),
            "dni_extra": sun.extraterrestrial_dni(data.index, step).to_numpy(dtype=float),
            "airmass_relative": sun.relative_airmass(sp["apparent_zenith"].to_numpy()),
        },
        index=data.index,
    )
    out.attrs["step_h"] = step / pd.Timedelta(hours=1)
    return out


def _location(meta) -> tuple[float, float, float]:
    """(latitude, longitude [deg], elevation [m]) of a WeatherMeta, checked."""
    try:
        lat, lon = float(meta.latitude), float(meta.longitude)
        elev = float(getattr(meta, "elevation_m", 0.0) or 0.0)
    except (AttributeError, TypeError, ValueError):
        raise WeatherError(
            "pv: weather meta must give latitude, longitude [deg] and elevation_m "
            "(WeatherMeta from read_weather)"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 360):
        raise WeatherError(f"pv: weather location lat={lat}, lon={lon} is out of range")
    return lat, lon, elev


def _daytime_weather(data: pd.DataFrame, day: np.ndarray) -> dict[str, np.ndarray]:
    """Weather columns on the daytime steps; missing irradiance is 0, missing temperature fails."""
    cols = {c: data[c].to_numpy(float)[day] for c in REQUIRED_WEATHER_COLUMNS}
    for c in ("ghi", "dhi", "dni"):
        cols[c] = np.clip(np.nan_to_num(cols[c], nan=0.0), 0.0, None)
    for c in ("temp_air", "wind_speed"):
        bad = ~np.isfinite(cols[c])
        if bad.any():
            raise WeatherError(
                f"pv: weather column {c} has {bad.sum()} missing daytime values; "
                "fill gaps in the weather stage"
            )
    return cols


def prepare(
    data: pd.DataFrame, meta
) -> tuple[dict[str, np.ndarray], dict, pd.DatetimeIndex, np.ndarray]:
    """Sun once per series and the daytime rows of the weather.

    Parameters
    ----------
    data : weather DataFrame (see the module docstring).
    meta : WeatherMeta (latitude, longitude [deg], elevation_m [m]).

    Returns
    -------
    weather : dict of (T,) daytime arrays ghi, dhi, dni [W m-2], temp_air [°C],
        wind_speed [m s-1].
    sun : dict of (T,) daytime arrays zenith, elevation, azimuth [deg], dni_extra [W m-2],
        airmass [-], plus step_h [h] and day (the (N,) daytime mask).
    mid : (N,) interval middles.
    day : (N,) bool, apparent zenith below 90 deg.

    Raises
    ------
    WeatherError : bad weather columns or index, missing daytime temperature or wind, or meta
        without a valid location.
    """
    check_weather(data)
    lat, lon, elev = _location(meta)
    sg = solar_geometry(data, lat, lon, elev)
    day = sg["apparent_zenith"].to_numpy() < 90.0
    cols = _daytime_weather(data, day)
    sun_arrays = {
        "zenith": sg["apparent_zenith"].to_numpy()[day],
        "elevation": sg["apparent_elevation"].to_numpy()[day],
        "azimuth": sg["azimuth"].to_numpy()[day],
        "dni_extra": sg["dni_extra"].to_numpy()[day],
        "airmass": sg["airmass_relative"].to_numpy()[day],
        "step_h": sg.attrs["step_h"],
        "day": day,
    }
    mid = data.index + interval_step(data.index) / 2
    return cols, sun_arrays, mid, day


def month_matrix(mid: pd.DatetimeIndex, day: np.ndarray) -> np.ndarray:
    """(12, T) indicator matrix: row m-1 is 1 on the daytime steps of calendar month m."""
    months = mid.month.to_numpy()[day]
    return (months[None, :] == np.arange(1, 13)[:, None]).astype(float)


__all__ = [
    "REQUIRED_WEATHER_COLUMNS",
    "check_weather",
    "interval_step",
    "month_matrix",
    "prepare",
    "solar_geometry",
]
