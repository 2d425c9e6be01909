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
    above cut-out). windpowerlib loops over time steps; this locates each speed's curve segment
    with ``np.searchsorted``: cost linear in the array size, independent of the curve's length.

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
    if density is None:
        cw = np.asarray(curve_wind_speed, dtype=float)
        return np.interp(v, cw, np.asarray(curve_power, dtype=float), left=0.0, right=0.0)
    return power_curve_lookup(
        v, density_log_ratio(density), curve_nodes(curve_wind_speed, curve_power)
    )


def curve_nodes(
    curve_wind_speed: ArrayLike, curve_power: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nodes of a power curve for :func:`power_curve_lookup`, once per curve.

    Interior nodes of runs of equal power change nothing (linear interpolation between equal
    values) and are dropped to save passes.

    Parameters
    ----------
    curve_wind_speed, curve_power : power curve at 1.225 kg m-3 (speeds increasing) [m s-1], [any].

    Returns
    -------
    (cw, cp, expo) : node speeds [m s-1], node powers and the density-correction exponent of each
        node [-] (Svenningsen 2010: 1/3 up to 7.5 m s-1, 2/3 from 12.5 m s-1, linear between).
    """
    cw = np.asarray(curve_wind_speed, dtype=float)
    cp = np.asarray(curve_power, dtype=float)
    keep = np.ones(len(cp), bool)
    keep[1:-1] = ~((cp[1:-1] == cp[:-2]) & (cp[1:-1] == cp[2:]))
    cw, cp = cw[keep], cp[keep]
    return cw, cp, np.interp(cw, [7.5, 12.5], [1 / 3, 2 / 3])


def density_log_ratio(density: ArrayLike) -> np.ndarray:
    """``ln(1.225 / rho)`` [-] of air densities [kg m-3], the argument of the curve scaling."""
    return np.log(RHO_0_KG_M3 / np.asarray(density, dtype=float))


def power_curve_lookup(
    wind_speed: ArrayLike,
    ln_c: ArrayLike,
    nodes: tuple[np.ndarray, np.ndarray, np.ndarray],
    node_speeds: np.ndarray | None = None,
) -> np.ndarray:
    """Power from the density-corrected curve with precomputed inputs (any array shape).

    The same arithmetic as :func:`power_curve_density_corrected` (bit for bit), for callers that
    evaluate one density field at many wind speeds (the calibration's trial factors).

    Parameters
    ----------
    wind_speed : wind speed at hub height [m s-1].
    ln_c : :func:`density_log_ratio` of the air density, broadcastable to ``wind_speed``.
    nodes : :func:`curve_nodes` of the power curve.
    node_speeds : optional (T, n) :func:`node_speed_table` of ``ln_c`` (T,) for a 1-D
        ``wind_speed`` (T,): evaluating many speeds at one density field then costs no ``exp``
        per call (same values, bit for bit).

    Returns
    -------
    numpy.ndarray : power, in the unit of the curve's power, shape of ``wind_speed``.
    """
    v = np.asarray(wind_speed, dtype=float)
    cw, cp, expo = nodes
    return _corrected_lookup(v, np.broadcast_to(ln_c, v.shape), cw, cp, expo, node_speeds)


def node_speed_table(ln_c: ArrayLike, nodes: tuple[np.ndarray, np.ndarray, np.ndarray]):
    """(T, n) density-scaled speed of every curve node at every step [m s-1] (``ln_c`` (T,))."""
    cw, _, expo = nodes
    return cw[None, :] * np.exp(expo[None, :] * np.asarray(ln_c, dtype=float)[:, None])


def _node_speed(cw: np.ndarray, expo: np.ndarray, k: np.ndarray, ln_c: np.ndarray) -> np.ndarray:
    """Density-scaled speed of curve node ``k`` (elementwise) [m s-1]."""
    return cw[k] * np.exp(expo[k] * ln_c)


def _corrected_lookup(v, ln_c, cw, cp, expo, table=None) -> np.ndarray:
    """Linear interpolation on the density-scaled curve, located by ``np.searchsorted``.

    The node speeds ``cw_j (1.225 / rho) ** p_j`` increase with j. Inside one exponent regime
    (p = 1/3 below 7.5 m s-1, 2/3 above 12.5 m s-1) ``v (rho / 1.225) ** p`` is the wind speed on
    the unscaled curve, so one ``searchsorted`` with the regime of ``v`` finds the segment; a
    fix-up with the exact node speeds moves the few elements near a regime edge by one node. The
    node speeds and the interpolation are the same arithmetic as the per-segment form (node
    speed ``cw_j exp(p_j ln(1.225 / rho))``), so results are bit-identical to it.
    """
    shape = np.shape(v)
    n = len(cw)
    v = np.ascontiguousarray(v, dtype=float).ravel()
    lc = np.ascontiguousarray(ln_c, dtype=float).ravel()
    if table is None:

        def node(kk, i=slice(None)):
            return _node_speed(cw, expo, kk, lc[i])
    else:
        rows = np.arange(len(v))

        def node(kk, i=slice(None)):
            return table[rows[i], kk]

    p_v = np.interp(v, [7.5, 12.5], [1 / 3, 2 / 3])
    k = np.searchsorted(cw, v * np.exp(-p_v * lc), side="right")  # nodes at or below v
    np.clip(k, 1, n - 1, out=k)  # segment k-1 .. k
    a = node(k - 1)
    b = node(k)
    for _ in range(n):  # fix-up near regime edges: move to the segment holding v
        move = ((a > v) & (k > 1)) | ((b < v) & (k < n - 1))
        if not move.any():
            break
        i = np.flatnonzero(move)
        k[i] += np.where(a[i] > v[i], -1, 1)
        a[i] = node(k[i] - 1, i)
        b[i] = node(k[i], i)
    # the later segment wins where v is on a node (as in the per-segment form)
    on_next = (b == v) & (k < n - 1)
    if on_next.any():
        i = np.flatnonzero(on_next)
        k[i] += 1
        a[i], b[i] = b[i], node(k[i], i)
    p0, p1 = cp[k - 1], cp[k]
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.where(p0 == p1, p0, p0 + (p1 - p0) * (v - a) / (b - a))
    return np.where((v >= a) & (v <= b), val, 0.0).reshape(shape)


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
