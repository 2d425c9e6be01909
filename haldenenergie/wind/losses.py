"""Losses of the wind stage: availability, electrical, and curtailment windows.

Order of the chain per time step and turbine (each loss taken from what is left before it)::

    gross (power curve after wakes)
      - bat shutdown   (bat months x night window x warm x free-stream hub wind below a threshold)
      - noise cap      (night hours: power above a fraction of rated is cut)
      - shadow flicker (shutdown hours a year, spread evenly over the sunny low-sun hours)
      = curtailed power
      - availability   (1 - availability) x curtailed
      - electrical     electrical_loss x availability x curtailed
      = net

so that ``gross = net + sum of the losses`` exactly. The windows are evaluated at the middle of
each time step (hourly steps: an edge is placed to within half an hour; assumption: the errors at
the two edges of a night average out over a year). Sunset and sunrise are where the sun's centre is
0.833 deg below the horizon (refraction 34' + semi-diameter 16', the convention of the NOAA solar
calculator and Meeus 1998, Astronomical Algorithms, ch. 15). The parameters and their sources are
in :mod:`haldenenergie.wind.loss_params`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigError

#: Sun elevation at sunset / sunrise [deg] (NOAA; Meeus 1998, ch. 15).
SUNSET_ELEVATION_DEG = -0.833
#: Direct normal irradiance from which a turbine casts a noticeable shadow [W m-2]
#: (LAI WEA-Schattenwurf-Hinweise 2002, after DIN 5034: 120 W m-2).
SHADOW_DNI_MIN_W_M2 = 120.0
#: Standard temperature lapse rate [K m-1] (ISO 2533 standard atmosphere; windpowerlib's
#: ``linear_gradient`` temperature model uses the same -6.5 K/km).
LAPSE_RATE_K_M = -0.0065
#: Names of the loss components, in the order they are taken.
CURTAILMENTS = ("bat", "noise", "shadow")


@dataclass(frozen=True)
class CurtailmentWindows:
    """Time-step windows of the curtailments of a run (all (T,) arrays on the weather's index).

    Attributes
    ----------
    bat : bool, bat month x night window x temperature above the threshold (the wind-speed
        condition is applied per turbine).
    noise : bool, noise-reduced hours.
    shadow : float in [0, 1], fraction of each step the turbines stand still for shadow flicker.
    notes : notes for the heaps' ``wind_notes``.
    """

    bat: np.ndarray
    noise: np.ndarray
    shadow: np.ndarray
    notes: tuple[str, ...] = field(default=())


@dataclass
class LossSplit:
    """Energy chain of a group of turbines, per time step, summed over the turbines [kW].

    Attributes
    ----------
    net : (T, n) net power per turbine after all losses [kW].
    gross, bat, noise, shadow, availability, electrical : (T,) gross power and the power lost to
        each loss [kW] (``gross = net.sum(1) + bat + noise + shadow + availability + electrical``).
    """

    net: np.ndarray
    gross: np.ndarray
    bat: np.ndarray
    noise: np.ndarray
    shadow: np.ndarray
    availability: np.ndarray
    electrical: np.ndarray


def any_curtailment(cfg: Any) -> bool:
    """True when a curtailment is switched on in the ``[wind]`` configuration."""
    return bool(cfg.bat_curtailment or cfg.noise_curtailment or cfg.shadow_shutdown_hours_per_a > 0)


def _local_hours(index: pd.DatetimeIndex, dt_h: float, tz: str) -> np.ndarray:
    """Local clock hour [h, 0..24) of the middle of each step."""
    try:
        mid = (index + pd.Timedelta(hours=dt_h / 2)).tz_convert(tz)
    except Exception:  # noqa: BLE001 - any bad zone name is the same user error
        raise ConfigError(
            f"[wind] curtailment_timezone: unknown time zone {tz!r}; use a zone name such as "
            "'Europe/Berlin' or 'UTC'"
        ) from None
    return (mid.hour + mid.minute / 60.0 + mid.second / 3600.0).to_numpy(dtype=float)


def in_hours(hours: np.ndarray, start_h: float, end_h: float) -> np.ndarray:
    """Whether clock hours lie in ``[start_h, end_h)``, wrapping past midnight when start > end.

    Parameters
    ----------
    hours : clock hours [h].
    start_h, end_h : window [h]; equal = empty window.

    Returns
    -------
    numpy.ndarray of bool
    """
    h = np.asarray(hours, dtype=float)
    if start_h <= end_h:
        return (h >= start_h) & (h < end_h)
    return (h >= start_h) | (h < end_h)


def _sun_below(index: pd.DatetimeIndex, dt_h: float, lat: float, lon: float, shift_h: float):
    """Whether the sun is below the sunset elevation at the step middles shifted by ``shift_h``."""
    from ..sun import solar_position

    shifted = index + pd.Timedelta(hours=shift_h)
    sp = solar_position(shifted, lat, lon, step=pd.Timedelta(hours=dt_h))
    return sp["elevation"].to_numpy(dtype=float) < SUNSET_ELEVATION_DEG


def night_window(
    index: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    *,
    dt_h: float = 1.0,
    after_sunset_h: float = 0.0,
    before_sunrise_h: float = 0.0,
) -> np.ndarray:
    """Steps between ``sunset + after_sunset_h`` and ``sunrise - before_sunrise_h``.

    A step middle t is in the window when the sun is down both at ``t - after_sunset_h`` and at
    ``t + before_sunrise_h`` (exact as long as the day is longer than the sum of the offsets).

    Parameters
    ----------
    index : step starts (tz-aware).
    latitude, longitude : location [deg].
    dt_h : step length [h].
    after_sunset_h, before_sunrise_h : offsets [h] (negative: before sunset / after sunrise).

    Returns
    -------
    numpy.ndarray of bool (T,)
    """
    down_a = _sun_below(index, dt_h, latitude, longitude, -after_sunset_h)
    if before_sunrise_h == -after_sunset_h:
        return down_a
    return down_a & _sun_below(index, dt_h, latitude, longitude, before_sunrise_h)


def _bat_window(index, dt_h, cfg, lat, lon, temperature_c) -> tuple[np.ndarray, list[str]]:
    """Bat window (T,) without the wind condition, and notes."""
    notes: list[str] = []
    months = np.isin(index.tz_convert(cfg.curtailment_timezone).month, list(cfg.bat_months))
    if len(cfg.bat_fixed_hours) == 2:
        start, end = (float(x) for x in cfg.bat_fixed_hours)
        night = in_hours(_local_hours(index, dt_h, cfg.curtailment_timezone), start, end)
    elif len(cfg.bat_fixed_hours):
        raise ConfigError(
            f"[wind] bat_fixed_hours: give [start, end] clock hours (got {cfg.bat_fixed_hours!r})"
            " or [] for the sunset/sunrise window"
        )
    else:
        night = night_window(
            index,
            lat,
            lon,
            dt_h=dt_h,
            after_sunset_h=cfg.bat_start_after_sunset_h,
            before_sunrise_h=cfg.bat_end_before_sunrise_h,
        )
    if temperature_c is None:
        warm = np.ones(len(index), bool)
        notes.append("bat shutdown: no temperature in the weather, temperature condition ignored")
    else:
        warm = np.asarray(temperature_c, dtype=float) > cfg.bat_temperature_above_c
    return months & night & warm, notes


def _shadow_window(index, dt_h, cfg, lat, lon, dni_w_m2, annual_factor):
    """Shadow shutdown fraction per step (T,) and notes."""
    from ..sun import solar_position

    notes: list[str] = []
    el = solar_position(index, lat, lon, step=pd.Timedelta(hours=dt_h))["elevation"].to_numpy()
    win = (el >= cfg.shadow_min_sun_elevation_deg) & (el <= cfg.shadow_max_sun_elevation_deg)
    if dni_w_m2 is not None:
        win &= np.nan_to_num(np.asarray(dni_w_m2, dtype=float)) >= SHADOW_DNI_MIN_W_M2
    hours_a = float(win.sum()) * dt_h * annual_factor
    want = float(cfg.shadow_shutdown_hours_per_a)
    if hours_a <= 0:
        notes.append("shadow shutdown: no sunny low-sun hours in the weather, not applied")
        return np.zeros(len(index)), notes
    frac = min(1.0, want / hours_a)
    if want > hours_a:
        notes.append(
            f"shadow shutdown {want:g} h/a exceeds the {hours_a:.0f} sunny low-sun h/a: capped"
        )
    return np.where(win, frac, 0.0), notes


def curtailment_windows(
    index: pd.DatetimeIndex,
    cfg: Any,
    latitude: float | None,
    longitude: float | None,
    *,
    dt_h: float = 1.0,
    temperature_c: np.ndarray | None = None,
    dni_w_m2: np.ndarray | None = None,
    annual_factor: float = 1.0,
) -> CurtailmentWindows:
    """The curtailment windows of a run.

    Parameters
    ----------
    index : step starts of the weather (tz-aware).
    cfg : ``[wind]`` configuration (:class:`~haldenenergie.wind.loss_params.LossParams` fields).
    latitude, longitude : location of the sun [deg] (the weather's); None: sun-based windows off.
    dt_h : step length [h].
    temperature_c : (T,) air temperature at hub height [degC], or None.
    dni_w_m2 : (T,) direct normal irradiance [W m-2], or None (then every low-sun hour counts).
    annual_factor : factor from sums over the series to a year [-].

    Returns
    -------
    CurtailmentWindows

    Raises
    ------
    ConfigError
        Unknown ``curtailment_timezone`` or malformed ``bat_fixed_hours``.
    """
    T = len(index)
    notes: list[str] = []
    bat = np.zeros(T, bool)
    noise = np.zeros(T, bool)
    shadow = np.zeros(T)
    sun_ok = latitude is not None and longitude is not None
    if cfg.noise_curtailment:
        hours = _local_hours(index, dt_h, cfg.curtailment_timezone)
        noise = in_hours(hours, cfg.noise_night_start_h, cfg.noise_night_end_h)
    if cfg.bat_curtailment and (sun_ok or len(cfg.bat_fixed_hours)):
        bat, n = _bat_window(index, dt_h, cfg, latitude, longitude, temperature_c)
        notes += n
    elif cfg.bat_curtailment:
        notes.append("bat shutdown: weather without location, not applied")
    if cfg.shadow_shutdown_hours_per_a > 0 and sun_ok:
        shadow, n = _shadow_window(index, dt_h, cfg, latitude, longitude, dni_w_m2, annual_factor)
        notes += n
    elif cfg.shadow_shutdown_hours_per_a > 0:
        notes.append("shadow shutdown: weather without location, not applied")
    return CurtailmentWindows(bat=bat, noise=noise, shadow=shadow, notes=tuple(notes))


def windows_for_run(wx: Any, data: pd.DataFrame, meta: Any, cfg: Any) -> CurtailmentWindows | None:
    """:func:`curtailment_windows` from the wind stage's inputs; None when nothing is switched on.

    Parameters
    ----------
    wx : ``resource.WindInputs`` (index, temperature by height [K], dt_h).
    data : the weather frame (a canonical frame's ``dni`` [W m-2] is used when present).
    meta : ``weather.WeatherMeta`` (latitude, longitude, annual_factor).
    cfg : ``[wind]`` configuration.

    Returns
    -------
    CurtailmentWindows or None
    """
    if not any_curtailment(cfg):
        return None
    temp = None
    if wx.temperature:
        h0 = min(wx.temperature)
        temp = wx.temperature[h0] - 273.15 + LAPSE_RATE_K_M * (cfg.hub_height_m - h0)
    dni = None
    if not isinstance(data.columns, pd.MultiIndex) and "dni" in data.columns:
        dni = data["dni"].to_numpy(dtype=float)
        dni = None if np.all(np.isnan(dni)) else dni  # wind-only weather: no sunshine test
    return curtailment_windows(
        wx.index,
        cfg,
        getattr(meta, "latitude", None),
        getattr(meta, "longitude", None),
        dt_h=wx.dt_h,
        temperature_c=temp,
        dni_w_m2=dni,
        annual_factor=float(getattr(meta, "annual_factor", 1.0) or 1.0),
    )


def split_losses(
    net: np.ndarray,
    v_free_m_s: np.ndarray,
    rated_kw: float,
    cfg: Any,
    windows: CurtailmentWindows | None,
) -> LossSplit:
    """Split a group's power into gross, the losses and the (curtailed) net power.

    Parameters
    ----------
    net : (T, n) power after availability and electrical losses, without curtailment [kW]
        (as the wind stage computes it).
    v_free_m_s : (T, n) free-stream hub wind speed [m s-1] (for the bat condition).
    rated_kw : rated power of one turbine [kW] (for the noise cap).
    cfg : ``[wind]`` configuration (availability, electrical_loss and the curtailments).
    windows : the run's windows, or None (no curtailment).

    Returns
    -------
    LossSplit
        Without curtailment ``net`` is returned unchanged (bit for bit).
    """
    net = np.asarray(net, dtype=float)
    a, el = float(cfg.availability), float(cfg.electrical_loss)
    p = net / (a * (1.0 - el))
    gross = p.sum(axis=1)
    lost = {k: np.zeros(net.shape[0]) for k in CURTAILMENTS}
    if windows is not None and net.shape[1]:
        if cfg.bat_curtailment:
            m = windows.bat[:, None] & (np.asarray(v_free_m_s) < cfg.bat_wind_speed_below_m_s)
            cut = np.where(m, p, 0.0)
            lost["bat"], p = cut.sum(axis=1), p - cut
        if cfg.noise_curtailment:
            cap = cfg.noise_max_power_fraction * float(rated_kw)
            cut = np.where(windows.noise[:, None], np.maximum(p - cap, 0.0), 0.0)
            lost["noise"], p = cut.sum(axis=1), p - cut
        if cfg.shadow_shutdown_hours_per_a > 0:
            cut = p * windows.shadow[:, None]
            lost["shadow"], p = cut.sum(axis=1), p - cut
    curtailed = any(np.any(v != 0) for v in lost.values())
    pc = p.sum(axis=1)
    return LossSplit(
        net=p * a * (1.0 - el) if curtailed else net,
        gross=gross,
        bat=lost["bat"],
        noise=lost["noise"],
        shadow=lost["shadow"],
        availability=pc * (1.0 - a),
        electrical=pc * a * el,
    )
