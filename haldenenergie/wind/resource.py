"""The wind resource: weather inputs by height, the logarithmic profile and wind directions.

Wind speeds are extrapolated from the measured height closest to the target height (as
windpowerlib's ``ModelChain`` does) with windpowerlib's logarithmic profile. The roughness length
z0 is the regional one, the station's own (from the weather file), or - the default,
``roughness_source = "blending"`` - the station's up to a blending height and the regional one
above it (Wieringa 1986, Q. J. R. Meteorol. Soc. 112): with u(z) = u*/kappa ln(z/z0), the
station's u* follows from the anemometer reading and the station z0, gives u(h_b) at the blending
height h_b (where the flow no longer feels the station's own surface; Elliott 1958: the internal
boundary layer of ~1 km of open airport terrain is ~130 m deep), and u(h_b) fixes the regional
u* above it. A series without a station z0 (TRY grid cells, reanalysis) uses the regional z0
throughout. An airport (z0 0.03 m) and an urban series thus no longer share one z0: Düsseldorf
airport 2024 gives 5.96 m/s at 135 m over flat ground (7.15 m/s with the urban z0 for both),
TRY2015 Essen 5.74 m/s.

Limitation (measured, not corrected): the profile is neutral, so the hub wind inherits the
daytime maximum of the 10 m anemometer. TRY2015 Essen at 135 m: night (22-04 MEZ) / day (10-16
MEZ) mean = 0.75, the same ratio as at 10 m; observed hub-height winds over land at 100-150 m
peak at night in a stable boundary layer (e.g. Cabauw mast; Emeis 2013, Wind Energy
Meteorology, Springer, ch. 3), so the hourly pattern (not the mean the atlas / calibration fix)
is inverted. A stability-dependent profile is not implemented.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import WeatherError
from .config import WindConfig

#: Variables the wind stage needs in the weather (windpowerlib names).
REQUIRED_VARIABLES = ("pressure", "temperature", "wind_speed")


@dataclass
class WindInputs:
    """Weather of the wind stage as arrays by measurement height.

    Attributes
    ----------
    index : the time index (tz-aware).
    wind : height [m] -> wind speed (T,) [m s-1].
    temperature : height [m] -> air temperature (T,) [K].
    pressure : height [m] -> air pressure (T,) [Pa].
    roughness : (T,) station roughness length [m], or None.
    direction : (T,) direction the wind comes from [deg], or None.
    dt_h : time step [h].
    """

    index: pd.DatetimeIndex
    wind: dict
    temperature: dict
    pressure: dict
    roughness: np.ndarray | None
    direction: np.ndarray | None
    dt_h: float


def _windpowerlib_frame(data: pd.DataFrame, meta: Any) -> pd.DataFrame:
    """The weather in windpowerlib's (variable_name, height) layout, checked."""
    if not isinstance(data.index, pd.DatetimeIndex) or data.index.tz is None:
        raise WeatherError(
            "weather data: the index must be a tz-aware DatetimeIndex (UTC); a naive "
            "time index is not guessed"
        )
    if isinstance(data.columns, pd.MultiIndex):
        wpl = data
    else:
        from .. import weather

        wpl = weather.to_windpowerlib(data, meta)
    names = set(wpl.columns.get_level_values(0))
    if not set(REQUIRED_VARIABLES) <= names:
        raise WeatherError(
            f"weather data for wind: needs {', '.join(REQUIRED_VARIABLES)} (found "
            f"{', '.join(sorted(names))}); check the weather file's columns"
        )
    return wpl


def _by_height(wpl: pd.DataFrame, var: str) -> dict[float, np.ndarray]:
    sub = wpl[var]
    return {float(h): sub[h].to_numpy(dtype=float) for h in sub.columns}


def _station_roughness(wpl: pd.DataFrame, meta: Any) -> np.ndarray | None:
    """The station's roughness length (T,) [m] from the frame or the metadata, or None."""
    if "roughness_length" in wpl.columns.get_level_values(0):
        return wpl["roughness_length"].iloc[:, 0].to_numpy(dtype=float)
    if getattr(meta, "roughness_length_m", None):
        return np.full(len(wpl), float(meta.roughness_length_m))
    return None


def _direction(data: pd.DataFrame, wpl: pd.DataFrame) -> np.ndarray | None:
    """Wind direction (T,) [deg] from the canonical or the windpowerlib frame, or None."""
    if not isinstance(data.columns, pd.MultiIndex) and "wind_direction" in data.columns:
        return data["wind_direction"].to_numpy(dtype=float)
    if "wind_direction" in wpl.columns.get_level_values(0):
        return wpl["wind_direction"].iloc[:, 0].to_numpy(dtype=float)
    return None


def wind_inputs(data: pd.DataFrame, meta: Any) -> WindInputs:
    """Arrays by height from the canonical weather frame or a windpowerlib-layout frame.

    Parameters
    ----------
    data : canonical weather frame (converted with ``weather.to_windpowerlib``) or a frame that
        already has windpowerlib's (variable_name, height) columns (K, Pa, m s-1).
    meta : ``weather.WeatherMeta`` (wind_speed_height_m, roughness_length_m, ...).

    Returns
    -------
    WindInputs

    Raises
    ------
    WeatherError
        Naive time index, missing variables, or gaps in a wind speed series.
    """
    wpl = _windpowerlib_frame(data, meta)
    idx = wpl.index
    # resolution-agnostic (pandas 3 indexes may be in s, ms, us or ns)
    dt_h = float(pd.Series(idx).diff().median() / pd.Timedelta(hours=1)) if len(idx) > 1 else 1.0
    wind = _by_height(wpl, "wind_speed")
    for h, v in wind.items():
        if np.isnan(v).any():
            raise WeatherError(
                f"weather data: wind_speed at {h:g} m has gaps; fill them in the "
                "weather stage first"
            )
    return WindInputs(
        index=idx,
        wind=wind,
        temperature=_by_height(wpl, "temperature"),
        pressure=_by_height(wpl, "pressure"),
        roughness=_station_roughness(wpl, meta),
        direction=_direction(data, wpl),
        dt_h=dt_h,
    )


def closest_heights(heights: Iterable[float], target) -> np.ndarray:
    """For each target height [m] the closest available height [m] (windpowerlib's rule)."""
    hs = np.array(sorted(heights))
    t = np.atleast_1d(np.asarray(target, float))
    return hs[np.abs(hs[None, :] - t[:, None]).argmin(axis=1)]


def profile_speed(wx: WindInputs, z_m: np.ndarray, cfg: WindConfig) -> tuple[np.ndarray, str]:
    """Wind speed at heights above flat surroundings with the logarithmic profile.

    Parameters
    ----------
    wx : weather inputs.
    z_m : (M,) heights above the flat surroundings [m].
    cfg : wind configuration (roughness_source, roughness_length_m, blending_height_m).

    Returns
    -------
    (numpy.ndarray, str) : wind speed (T, M) [m s-1] and a note ('' or why the regional z0 was
        used instead of the station's).
    """
    from windpowerlib.wind_speed import logarithmic_profile

    z = np.asarray(z_m, float)
    src_h = closest_heights(wx.wind.keys(), z)
    z0_reg = cfg.roughness_length_m
    note = ""
    station = wx.roughness
    if cfg.roughness_source == "weather" and station is None:
        # 'blending' without a station z0 is the documented case of TRY grid cells and
        # reanalysis (the regional z0 describes them; the weather notes say so): no note
        note = f"no station roughness in the weather data: regional z0 {z0_reg:g} m used"
    out = np.empty((len(wx.index), len(z)))
    for h in np.unique(src_h):
        cols = np.flatnonzero(src_h == h)
        v = wx.wind[float(h)][:, None]
        zc = z[cols][None, :]
        if np.any(np.isclose(zc, h)) and np.all(np.isclose(zc, h)):
            out[:, cols] = np.broadcast_to(v, (len(v), len(cols)))
            continue
        if cfg.roughness_source == "weather" and station is not None:
            out[:, cols] = logarithmic_profile(v, h, zc, station[:, None])
        elif (
            cfg.roughness_source == "blending" and station is not None and h < cfg.blending_height_m
        ):
            hb = cfg.blending_height_m
            vb = logarithmic_profile(v, h, hb, station[:, None])
            out[:, cols] = logarithmic_profile(vb, hb, zc, z0_reg)
        else:
            out[:, cols] = logarithmic_profile(v, h, zc, z0_reg)
    return out, note


def wind_directions(wx: WindInputs) -> tuple[np.ndarray, str]:
    """Wind directions (T,) [deg] for the wake model; a uniform rose where they are missing.

    Returns
    -------
    (numpy.ndarray, str) : directions the wind comes from [deg] and a note ('' if all known).
    """
    T = len(wx.index)
    uniform = (np.arange(T) * 10.0) % 360.0
    if wx.direction is None:
        return uniform, "no wind_direction in the weather: uniform wind rose assumed for wakes"
    d = np.asarray(wx.direction, float)
    bad = ~np.isfinite(d) | (d < 0) | (d > 360)
    note = f"{int(bad.sum())} h without wind direction: uniform rose for those" if bad.any() else ""
    return np.where(bad, uniform, d % 360.0), note
