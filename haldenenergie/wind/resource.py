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

Stability. The profile itself is neutral, so the hub wind inherits the daytime maximum of the
10 m anemometer: TRY2015 Essen at 135 m: night (22-04 MEZ) / day (10-16 MEZ) mean = 0.75, the
same ratio as at 10 m, while measured winds over land above ~100 m peak at night (Cabauw mast:
Fajber et al. 2014, J. Climate 27, 4250-4262). ``[wind] stability = "pasquill-turner"``
reshapes the hourly pattern with Pasquill classes and a mean-preserving power-law factor
(:mod:`haldenenergie.wind.stability`), applied inside :func:`profile_speed`, so that new and
existing turbines, the calibration and the atlas scaling get the same wind; the series mean at
every height, and with it the atlas factor, is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
    ghi : (T,) global horizontal irradiance [W m-2], or None (stability classes only).
    cloud_okta : (T,) total cloud cover [okta], or None (stability classes only).
    location : (latitude [deg], longitude [deg], elevation [m]) of the series, or None.
    """

    index: pd.DatetimeIndex
    wind: dict
    temperature: dict
    pressure: dict
    roughness: np.ndarray | None
    direction: np.ndarray | None
    dt_h: float
    ghi: np.ndarray | None = None
    cloud_okta: np.ndarray | None = None
    location: tuple | None = None
    #: the hourly stability classes, computed once per series on first use (stability_classes)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)


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


def _canonical_column(data: pd.DataFrame, name: str) -> np.ndarray | None:
    """A column (T,) of the canonical frame as floats, or None (windpowerlib layout, missing)."""
    if isinstance(data.columns, pd.MultiIndex) or name not in data.columns:
        return None
    return data[name].to_numpy(dtype=float)


def _location(meta: Any) -> tuple | None:
    lat, lon = getattr(meta, "latitude", None), getattr(meta, "longitude", None)
    if lat is None or lon is None:
        return None
    return (float(lat), float(lon), getattr(meta, "elevation_m", None))


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
        ghi=_canonical_column(data, "ghi"),
        cloud_okta=_canonical_column(data, "cloud_cover_okta"),
        location=_location(meta),
    )


def stability_classes(wx: WindInputs):
    """The hourly Pasquill classes of the series (``stability.StabilityClasses``), computed once.

    The class uses the wind at the measured height closest to 10 m (the tables' height), GHI,
    cloud cover and the sun at the interval middle; the result is kept on ``wx``.
    """
    if "stability" not in wx._cache:
        from .stability import classify

        h10 = float(closest_heights(wx.wind.keys(), 10.0)[0])
        wx._cache["stability"] = classify(
            wx.index, wx.dt_h, wx.wind[h10], wx.ghi, wx.cloud_okta, wx.location
        )
    return wx._cache["stability"]


def _stability_corrected(
    wx: WindInputs, v: np.ndarray, z_m: np.ndarray, h_m: float, cfg: WindConfig
) -> np.ndarray:
    """``v`` (T, M) at heights ``z_m`` reached from ``h_m`` with the hourly stability factor."""
    from .stability import mean_preserving, profile_exponents, stability_factors

    exps, _ = profile_exponents(cfg.roughness_length_m)
    c = stability_factors(stability_classes(wx).classes, z_m, h_m, exps)
    out = v.copy()
    active = ~np.all(c == 1.0, axis=0)  # all-D hours or z = z_a: the neutral wind, bit for bit
    if active.any():
        out[:, active] = mean_preserving(v[:, active], c[:, active])
    return out


def stability_note(wx: WindInputs, cfg: WindConfig) -> str:
    """The run note of the stability option ('' for 'none')."""
    if getattr(cfg, "stability", "none") == "none":
        return ""
    from .stability import profile_exponents, summary_note

    _, which = profile_exponents(cfg.roughness_length_m)
    return summary_note(stability_classes(wx), which, cfg.roughness_length_m)


def larger_estimate(v_a: np.ndarray, v_b: np.ndarray, cfg: WindConfig) -> np.ndarray:
    """Per column the larger of two hub-wind estimates (T, M) [m s-1] (lifted profile / hill).

    Neutral profile: the hourly maximum, as before (the ratio of two log profiles does not change
    with time, so it is the same series every hour). With a stability correction the two heights
    get different hourly factors, and an hourly maximum would pick the night estimate of one and
    the day estimate of the other, raising the mean above both (up to +5 % at the heaps of
    TRY2015); the estimate with the larger series mean is taken instead, so that the mean stays
    that of the neutral choice.
    """
    if getattr(cfg, "stability", "none") == "none":
        return np.maximum(v_a, v_b)
    return np.where((v_b.mean(axis=0) > v_a.mean(axis=0))[None, :], v_b, v_a)


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
    cfg : wind configuration (roughness_source, roughness_length_m, blending_height_m,
        stability).

    Returns
    -------
    (numpy.ndarray, str) : wind speed (T, M) [m s-1] and a note ('' or why the regional z0 was
        used instead of the station's; with ``stability = "pasquill-turner"`` also the stability
        note: classes, night hours without cloud cover).

    Notes
    -----
    With ``stability = "pasquill-turner"`` the hourly wind at each height is multiplied by
    ``(z / z_a) ** (p_t - p_D)`` (z_a: the measured height the profile starts from) and
    renormalised to the neutral series mean at that height (:mod:`.stability`). The mean is kept
    on purpose: it belongs to the profile, the atlas and the calibration; dispersion-model
    exponents are no basis for the mean wind at hub height, only for its hourly pattern.
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
    stability = getattr(cfg, "stability", "none")
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
        if stability != "none":
            out[:, cols] = _stability_corrected(wx, out[:, cols], z[cols], float(h), cfg)
    if stability != "none":
        note = "; ".join(n for n in (note, stability_note(wx, cfg)) if n)
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
