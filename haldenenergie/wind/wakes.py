"""Wakes between the turbines of one heap: a direction-aware Jensen / Katić top-hat model.

References
----------
Jensen, N. O. (1983): A note on wind generator interaction. Risø-M-2411.
Katić, I., Højstrup, J., Jensen, N. O. (1986): A simple model for cluster efficiency. EWEC 1986.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _overlap_fraction(r_lat: ArrayLike, wake_radius: ArrayLike, rotor_radius: float) -> np.ndarray:
    """Fraction of a rotor disc (radius r) in a wake disc (radius R >= r) at lateral offset d."""
    d = np.asarray(r_lat, float)
    R = np.asarray(wake_radius, float)
    r = float(rotor_radius)
    full = d <= R - r
    none = d >= R + r
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.maximum(d, 1e-9)
        a1 = np.clip((dd**2 + r**2 - R**2) / (2 * dd * r), -1, 1)
        a2 = np.clip((dd**2 + R**2 - r**2) / (2 * dd * R), -1, 1)
        k = np.clip((-dd + r + R) * (dd + r - R) * (dd - r + R) * (dd + r + R), 0, None)
        area = r**2 * np.arccos(a1) + R**2 * np.arccos(a2) - 0.5 * np.sqrt(k)
    frac = area / (np.pi * r**2)
    return np.where(full, 1.0, np.where(none, 0.0, np.clip(frac, 0.0, 1.0)))


def jensen_wake_factors(
    positions_m: ArrayLike,
    rotor_diameter_m: float,
    wind_direction_deg: ArrayLike,
    thrust_coef: ArrayLike,
    wake_decay_constant: float = 0.075,
) -> np.ndarray:
    """Wind speed factors (1 - deficit) of turbines in each other's wakes (Jensen / Katić).

    Top-hat Jensen (1983) deficit ``(1 - sqrt(1 - Ct)) * (r0 / (r0 + k x))**2`` weighted by the
    rotor's overlap with the wake disc, combined by the root sum of squares (Katić et al. 1986);
    Ct is evaluated at the free-stream speed (no cascading).

    Parameters
    ----------
    positions_m : (n, 2) tower positions, east and north [m].
    rotor_diameter_m : rotor diameter [m].
    wind_direction_deg : (T,) direction the wind comes from, clockwise from north [deg].
    thrust_coef : (T,) thrust coefficient [-].
    wake_decay_constant : Jensen's k [-].

    Returns
    -------
    numpy.ndarray : (T, n) factors in (0, 1].
    """
    geometry = jensen_wake_geometry(
        positions_m, rotor_diameter_m, wind_direction_deg, wake_decay_constant
    )
    return wake_factors_from_geometry(geometry, thrust_coef)


def jensen_wake_geometry(
    positions_m: ArrayLike,
    rotor_diameter_m: float,
    wind_direction_deg: ArrayLike,
    wake_decay_constant: float = 0.075,
) -> np.ndarray:
    """The part of the Katić-combined Jensen deficit that does not depend on the wind speed.

    The deficit of turbine j behind i is ``c(Ct) * G_ij`` with ``c = 1 - sqrt(1 - Ct)`` (one Ct
    per time step) and ``G_ij = (r0 / (r0 + k x))**2 * overlap``, so the root sum of squares is
    ``c * sqrt(sum_i G_ij**2)``: this function returns ``sqrt(sum_i G_ij**2)``, which depends
    only on the layout and the wind direction (computed once for all wind speeds).

    Parameters
    ----------
    positions_m, rotor_diameter_m, wind_direction_deg, wake_decay_constant : as for
        :func:`jensen_wake_factors`.

    Returns
    -------
    numpy.ndarray : (T, n) geometric deficit ``sqrt(sum_i G_ij**2)`` [-] (zeros for n < 2).
    """
    pos = np.asarray(positions_m, float).reshape(-1, 2)
    n = len(pos)
    th = np.deg2rad(np.asarray(wind_direction_deg, float))
    T = th.shape[0]
    if n < 2:
        return np.zeros((T, n))
    # flow (towards) unit vector for wind FROM theta: -(sin, cos)
    fx, fy = -np.sin(th)[:, None, None], -np.cos(th)[:, None, None]
    dx = pos[None, None, :, 0] - pos[None, :, None, 0]  # [., i(up), j(down)]
    dy = pos[None, None, :, 1] - pos[None, :, None, 1]
    x = dx * fx + dy * fy  # downstream distance of j behind i
    lat = np.abs(dx * fy - dy * fx)  # lateral offset
    r0 = rotor_diameter_m / 2.0
    k = wake_decay_constant
    xpos = np.where(x > 0, x, 0.0)
    frac = _overlap_fraction(lat, r0 + k * xpos, r0)
    g = np.where(x > 1e-6, (r0 / (r0 + k * xpos)) ** 2 * frac, 0.0)
    return np.sqrt((g**2).sum(axis=1))  # over upstream i


def wake_factors_from_geometry(geometry: np.ndarray, thrust_coef: ArrayLike) -> np.ndarray:
    """Wind speed factors (T, n) [-] from :func:`jensen_wake_geometry` and Ct (T,) [-].

    Ct is clipped to [0, 0.999] (the momentum-theory deficit ``1 - sqrt(1 - Ct)`` needs Ct < 1).
    """
    ct = np.clip(np.asarray(thrust_coef, float), 0.0, 0.999)
    c = np.reshape(1.0 - np.sqrt(1.0 - ct), (-1, 1))
    return np.clip(1.0 - c * geometry, 0.0, 1.0)
