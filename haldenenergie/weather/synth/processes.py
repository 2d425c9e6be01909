"""Building blocks of the synthetic year and its calibration: clearness, AR(1) processes, curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ...sun import extraterrestrial_dni, solar_position

#: Cap of the hourly clearness index k_t (TRY2015 Essen: largest hourly k_t 0.85 with the sun
#: above 5°; the k_t' quantiles already end at the TRY's maxima, the cap guards the final scaling).
KT_HOURLY_MAX = 0.9
#: Hours with the sun higher than 5° (zenith < 85° at the interval middle) make up the k_t
#: distributions (assumption: below, k_t is dominated by horizon and cosine errors).
KT_STATS_MAX_ZENITH_DEG = 85.0


def month_mean(values: ArrayLike, month: np.ndarray) -> np.ndarray:
    """Mean of ``values`` per month (``month`` 0..11 per row) as a 12-element array."""
    return np.bincount(month, values, 12) / np.bincount(month, minlength=12)


def daily_kt(data: pd.DataFrame, g0: ArrayLike) -> pd.DataFrame:
    """Daily clearness index from hourly GHI and G0h (``g0`` of :func:`hourly_kt`) [W m-2]."""
    g0 = pd.Series(g0, index=data.index, name="g0")
    day = data.index.normalize()
    g = data["ghi"].groupby(day).sum()
    g0d = g0.groupby(day).sum()
    return pd.DataFrame({"kt": g / g0d, "ghi_wh": g, "g0_wh": g0d})


def hourly_kt(
    index: pd.DatetimeIndex, ghi: ArrayLike, lat: float, lon: float, elev: float | None
) -> dict:
    """Hourly clearness index k_t = GHI / G0h and Perez's zenith-independent k_t'.

    Returns
    -------
    dict of arrays: ``zenith`` [deg] at the interval middle, ``g0`` (extraterrestrial horizontal
    irradiance [W m-2]), ``e0`` (extraterrestrial normal [W m-2]), ``kt`` (0 where G0 = 0),
    ``ktp_factor`` (k_t / k_t', Perez et al. 1990/1992, as ``pvlib.irradiance``'s DIRINT uses it,
    with the Kasten & Young (1989) relative air mass; zenith capped at 89.5°), ``day`` (sun higher
    than 90° − ``KT_STATS_MAX_ZENITH_DEG``: the hours the distributions are taken over).
    """
    import pvlib

    sp = solar_position(index, lat, lon, elev)
    zen = sp["zenith"].to_numpy()
    e0 = extraterrestrial_dni(index).to_numpy()
    g0 = e0 * np.clip(np.cos(np.radians(zen)), 0.0, None)
    ghi = np.asarray(ghi, float)
    kt = np.where(g0 > 0, ghi / np.where(g0 > 0, g0, 1.0), 0.0)
    am = pvlib.atmosphere.get_relative_airmass(np.minimum(zen, 89.5), model="kastenyoung1989")
    fac = 1.031 * np.exp(-1.4 / (0.9 + 9.4 / am)) + 0.1  # Perez et al. (1992), eq. 1
    return {
        "zenith": zen,
        "g0": g0,
        "e0": e0,
        "kt": kt,
        "ktp_factor": fac,
        "day": zen < KT_STATS_MAX_ZENITH_DEG,
    }


def normal_scores(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Normal scores Φ⁻¹(rank / (n + 1)) of ``x`` within each group (NaN where x is NaN)."""
    from scipy import stats

    z = np.full(len(x), np.nan)
    for g in np.unique(groups[~np.isnan(x)]):
        sel = (groups == g) & ~np.isnan(x)
        z[sel] = stats.norm.ppf(stats.rankdata(x[sel]) / (sel.sum() + 1.0))
    return z


def smoothed_ar1_corr(p: float, lag: ArrayLike) -> np.ndarray:
    """Autocorrelation of the unit-variance AR(1)-filtered AR(1) process (double root p)."""
    return p**lag * (1.0 + lag * (1.0 - p * p) / (1.0 + p * p))


def ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    """Stationary standard-normal AR(1) series of length n."""
    e = rng.standard_normal(n)
    out = np.empty(n)
    out[0] = e[0]
    s = np.sqrt(1.0 - rho * rho)
    for i in range(1, n):
        out[i] = rho * out[i - 1] + s * e[i]
    return out


def smoothed_ar1(e: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Unit-variance smooth Gaussian process: white noise ``e`` filtered twice by AR(1) with root p.

    ``x_t = p x_(t−1) + sqrt(1 − p²) e_t``, ``y_t = p y_(t−1) + sqrt(1 − p²) x_t``, returned as
    ``y / sqrt((1 + p²) / (1 − p²))`` (the stationary standard deviation of y); ``p`` may vary in
    time (per hour). Autocorrelation: :func:`smoothed_ar1_corr`.
    """
    n = len(e)
    s = np.sqrt(1.0 - p * p)
    x = np.empty(n)
    y = np.empty(n)
    x[0] = e[0]
    y[0] = e[0] * np.sqrt((1.0 + p[0] ** 2) / (1.0 - p[0] ** 2))
    for i in range(1, n):
        x[i] = p[i] * x[i - 1] + s[i] * e[i]
        y[i] = p[i] * y[i - 1] + s[i] * x[i]
    return y / np.sqrt((1.0 + p * p) / (1.0 - p * p))


def smooth_monthly(target: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
    """Periodic piecewise-linear curve through mid-month nodes whose monthly means equal target."""
    doy = (index.day_of_year - 1 + index.hour / 24.0 + 0.5 / 24).to_numpy()
    ndays = 366 if index[0].is_leap_year else 365
    starts = (
        pd.date_range(f"{index[0].year}-01-01", periods=12, freq="MS").day_of_year.to_numpy() - 1
    )
    lens = np.array(pd.date_range(f"{index[0].year}-01-01", periods=12, freq="MS").days_in_month)
    mid = starts + lens / 2.0
    month = index.month.to_numpy() - 1
    nodes = target.astype(float).copy()
    for _ in range(30):
        xp = np.concatenate([[mid[-1] - ndays], mid, [mid[0] + ndays]])
        fp = np.concatenate([[nodes[-1]], nodes, [nodes[0]]])
        curve = np.interp(doy, xp, fp)
        achieved = np.bincount(month, curve, 12) / np.bincount(month, minlength=12)
        nodes += target - achieved
    return curve
