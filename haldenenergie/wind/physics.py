"""Physics of the wind stage: speed-up over the heap, air density, density-corrected power.

References
----------
Taylor, P. A. and Lee, R. J. (1984): Simple guidelines for estimating wind speed variations due to
small-scale topographic features. Climatological Bulletin 18(2), 3-32.
Svenningsen, L. (2010): Power curve air density correction and other power curve options in WindPRO.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .resource import WindInputs, closest_heights

#: Standard air density of power curves [kg m-3] (IEC 61400-12-1; windpowerlib's ``power_output``).
RHO_0_KG_M3 = 1.225


def hill_speedup(
    height_rel_m: ArrayLike,
    half_height_distance_m: ArrayLike,
    z_m: ArrayLike,
    *,
    b: float = 1.6,
    a: float = 4.0,
    max_speedup: float = 0.3,
) -> np.ndarray:
    """Fractional speed-up over a hill after Taylor & Lee (1984).

    ``dS = B * H / L * exp(-A * z / L)``, capped at ``max_speedup``; zero where H or L is unknown,
    negative or zero.

    Parameters
    ----------
    height_rel_m : hill height H [m].
    half_height_distance_m : horizontal distance L from the summit to where the elevation is
        H/2 [m].
    z_m : height above the local surface at the summit (the hub height) [m].
    b, a : Taylor & Lee coefficients (3-D hills: 1.6, 4; 2-D ridges: 2.0, 3).
    max_speedup : cap [-].

    Returns
    -------
    numpy.ndarray : dS [-] (broadcast of the inputs).
    """
    h = np.asarray(height_rel_m, dtype=float)
    L = np.asarray(half_height_distance_m, dtype=float)
    z = np.asarray(z_m, dtype=float)
    ok = np.isfinite(h) & np.isfinite(L) & (L > 0) & (h > 0)
    Ls = np.where(ok, L, 1.0)
    ds = np.where(ok, b * np.where(ok, h, 0.0) / Ls * np.exp(-a * z / Ls), 0.0)
    return np.clip(ds, 0.0, max_speedup)


def air_density(wx: WindInputs, z_m: np.ndarray) -> np.ndarray:
    """Air density at heights above the surroundings [kg m-3].

    windpowerlib's ``linear_gradient`` temperature model (-6.5 K km-1 from the closest measured
    height) and ``barometric`` density model (from the closest measured pressure).

    Parameters
    ----------
    wx : weather inputs.
    z_m : (M,) heights [m].

    Returns
    -------
    numpy.ndarray : density (T, M) [kg m-3].
    """
    from windpowerlib.density import barometric
    from windpowerlib.temperature import linear_gradient

    z = np.asarray(z_m, float)
    out = np.empty((len(wx.index), len(z)))
    th = closest_heights(wx.temperature.keys(), z)
    ph = closest_heights(wx.pressure.keys(), z)
    for j, zz in enumerate(z):
        t_hub = linear_gradient(wx.temperature[float(th[j])], float(th[j]), zz)
        out[:, j] = barometric(wx.pressure[float(ph[j])], float(ph[j]), zz, t_hub)
    return out


def power_curve_density_corrected(
    wind_speed: ArrayLike,
    density: ArrayLike | None,
    curve_wind_speed: ArrayLike,
    curve_power: ArrayLike,
) -> np.ndarray:
    """Power from a density-corrected power curve, vectorised over any array shape.

    Same model as ``windpowerlib.power_output.power_curve_density_correction`` (Svenningsen 2010):
    the curve's wind speeds are scaled by ``(1.225 / rho) ** p(v)`` with ``p = 1/3`` up to
    7.5 m s-1, ``2/3`` from 12.5 m s-1 and linear between; zero outside the curve (below cut-in,
    above cut-out). windpowerlib loops over time steps; this loops over the curve's segments.

    Parameters
    ----------
    wind_speed : wind speed at hub height [m s-1], any shape.
    density : air density at hub height [kg m-3], broadcastable to ``wind_speed``, or None for no
        correction.
    curve_wind_speed, curve_power : power curve at 1.225 kg m-3 (speeds increasing) [m s-1], [any].

    Returns
    -------
    numpy.ndarray : power, in the unit of ``curve_power``.
    """
    v = np.asarray(wind_speed, dtype=float)
    cw = np.asarray(curve_wind_speed, dtype=float)
    cp = np.asarray(curve_power, dtype=float)
    if density is None:
        return np.interp(v, cw, cp, left=0.0, right=0.0)
    # Interior nodes of runs of equal power change nothing (linear interpolation between equal
    # values): drop them to save passes.
    keep = np.ones(len(cp), bool)
    keep[1:-1] = ~((cp[1:-1] == cp[:-2]) & (cp[1:-1] == cp[2:]))
    cw, cp = cw[keep], cp[keep]
    ln_c = np.broadcast_to(np.log(RHO_0_KG_M3 / np.asarray(density, dtype=float)), v.shape)
    expo = np.interp(cw, [7.5, 12.5], [1 / 3, 2 / 3])
    cache: dict[float, np.ndarray] = {}

    def node(j: int) -> np.ndarray:
        e = float(expo[j])
        if e not in cache:
            cache[e] = np.exp(e * ln_c)
        return cw[j] * cache[e]

    out = np.zeros(v.shape)
    s0 = node(0)
    for j in range(len(cw) - 1):
        s1 = node(j + 1)
        inside = (v >= s0) & (v <= s1)
        if cp[j] == cp[j + 1]:
            out[inside] = cp[j]
        else:
            a, b, x = s0[inside], s1[inside], v[inside]
            out[inside] = cp[j] + (cp[j + 1] - cp[j]) * (x - a) / (b - a)
        s0 = s1
    return out


def thrust_coefficient(
    wind_speed: ArrayLike, rated_wind_speed_m_s: float, ct_below_rated: float = 0.8
) -> np.ndarray:
    """Thrust coefficient: constant below rated speed, ``Ct0 (v_r / v)**3`` above [-].

    Parameters
    ----------
    wind_speed : free-stream hub wind speed [m s-1].
    rated_wind_speed_m_s : rated wind speed [m s-1].
    ct_below_rated : Ct below rated speed [-].

    Returns
    -------
    numpy.ndarray : Ct [-], shape of ``wind_speed``.
    """
    v = np.asarray(wind_speed, dtype=float)
    with np.errstate(divide="ignore"):
        ratio = np.where(v > rated_wind_speed_m_s, rated_wind_speed_m_s / np.maximum(v, 1e-9), 1.0)
    return ct_below_rated * ratio**3
