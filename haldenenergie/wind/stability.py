"""Hourly Pasquill stability classes and a mean-preserving stability correction of the hub wind.

The wind profile of :mod:`haldenenergie.wind.resource` is neutral, so the hub wind inherits the
daytime maximum of a 10 m anemometer. Over land, the mean wind at 100-200 m peaks at night
instead: in a stable night the surface layer decouples from the flow above (Cabauw 213 m mast,
11 years: the strongest mean wind below a few tens of metres occurs at midday, above that at night,
most of all in spring and summer; Fajber, Monahan and Merryfield 2014, J. Climate 27(11),
4250-4262, Fig. 1). ``[wind] stability = "pasquill-turner"`` reshapes the hourly pattern of the
hub wind accordingly:

1. Each hour gets a Pasquill class A-F (:func:`pasquill_classes`). Day (sun above the horizon at the
   interval middle): the solar radiation / delta-T (SRDT) day table from GHI and the ~10 m wind
   (US EPA 2000, Meteorological Monitoring Guidance for Regulatory Modeling Applications,
   EPA-454/R-99-005, section 6.4.2, Table 6-7; Bowen, Dewart and Chen 1983). Night: Pasquill's
   night columns from the total cloud cover (<= 3/8 vs >= 4/8 okta) and the wind (Pasquill 1961,
   Meteorol. Mag. 90, 33-49; Turner 1970, Workbook of Atmospheric Dispersion Estimates, EPA
   AP-26, Table 1). Nights without cloud cover in the weather are class D.
2. Each class has a power-law exponent p of the wind profile (Irwin 1979, Atmos. Environ. 13,
   191-194, as tabulated for US EPA ISC3: User's Guide vol. II, EPA-454/B-95-003b), rural or
   urban by the regional roughness length (:func:`profile_exponents`).
3. At a profile height z reached from the anemometer height z_a, the hour's factor is the ratio of
   its class profile to the neutral one, ``c_t = (z / z_a) ** (p_t - p_D)``, and the corrected wind
   ``v'_t = v_t c_t mean(v) / mean(v c)`` (:func:`stability_factors`).

The normalisation is a deliberate choice: the series mean at every height stays that of the
neutral profile, of the wind atlas and of the calibration against operating turbines.
Dispersion-model exponents were fitted for plume transport near the ground, not for the long-term
mean wind at hub height, so they shape the hourly pattern only. Energies still change, because the
power curve is not linear in the wind and bat / noise curtailments act in the night hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import STABILITY_METHODS  # noqa: F401  (the option values of [wind] stability)

#: Pasquill classes, index 0-5 in the arrays of this module.
CLASSES = "ABCDEF"
A, B, C, D, E, F = range(6)

#: Upper edges of the wind-speed rows of the day and night tables [m s-1] at ~10 m: < 2, 2-3,
#: 3-5, 5-6, >= 6 (EPA-454/R-99-005 Table 6-7; Turner 1970 Table 1). A speed on an edge belongs
#: to the row above it (2.0 m/s is in "2-3").
WIND_EDGES_M_S = (2.0, 3.0, 5.0, 6.0)
#: Lower edges of the solar-radiation columns of the SRDT day table [W m-2]: >= 925, 675-925,
#: 175-675, < 175 (EPA-454/R-99-005 Table 6-7).
GHI_EDGES_W_M2 = (925.0, 675.0, 175.0)
#: SRDT day table (EPA-454/R-99-005 Table 6-7, as in webMET's edition of the guidance): rows wind
#: < 2, 2-3, 3-5, 5-6, >= 6 m/s; columns GHI >= 925, 675-925, 175-675, < 175 W m-2.
SRDT_DAY = np.array(
    [
        [A, A, B, D],
        [A, B, C, D],
        [B, B, C, D],
        [C, C, D, D],
        [C, D, D, D],
    ]
)
#: Night table, rows as SRDT_DAY; columns "thinly overcast or >= 4/8 low cloud" and "<= 3/8
#: cloud" (Pasquill 1961; Turner 1970 Table 1; the same in ESS AirWare's manual of the Pasquill
#: scheme). Pasquill leaves the < 2 m/s night row blank; it is F in both columns after Turner's
#: (1964, J. Appl. Meteorol. 3, 83-91) net-radiation-index key, EPA-454/R-99-005 Table 6-4: wind
#: 0-1.8 m/s gives class 6 (F) at index -1 (cloudy night) and 7 (G) at index -2 (clear night),
#: and "categories 6 and 7 (F and G) are combined and considered category 6".
NIGHT = np.array(
    [
        [F, F],
        [E, F],
        [D, E],
        [D, D],
        [D, D],
    ]
)
#: Night cloud cover [okta] from which a night counts as cloudy: ">= 4/8" against "<= 3/8"
#: (Turner 1970 Table 1); fractional hourly means (resampled 10-min data) split at 3.5.
CLOUDY_NIGHT_OKTA = 3.5
#: Overcast [okta]: "the neutral class, D, should be assumed for overcast conditions during day or
#: night" (Turner 1970, Table 1 note; Turner 1964 / EPA Table 6-6 rule 1 gives net radiation
#: index 0, class D, for 10/10 cover with a low ceiling; the ceiling is not in the weather, so
#: every overcast night counts: assumption). The SRDT day table needs no such rule (overcast days
#: have GHI < 175 W m-2 or near it).
OVERCAST_OKTA = 8.0
#: Power-law exponents p of the wind profile by class A-F (Irwin 1979; US EPA ISC3 User's Guide
#: vol. II, EPA-454/B-95-003b, the rural and urban sets; the same values in GasDispersion.jl,
#: ``equation_sets/isc3.jl``).
EXPONENTS_RURAL = (0.07, 0.07, 0.10, 0.15, 0.35, 0.55)
EXPONENTS_URBAN = (0.15, 0.15, 0.20, 0.25, 0.30, 0.30)
#: Regional roughness length from which the urban exponents are used [m]. Assumption: the lower
#: edge of the Davenport class "very rough" (z0 0.5 m: suburbs, large obstacle groups; Davenport
#: classification as revised by Wieringa, WMO-No. 8 CIMO Guide, Annex 5.B); ISC3 itself decides
#: rural/urban by land use (Auer 1978), which the wind stage does not have.
URBAN_ROUGHNESS_M = 0.5
#: Sun elevation at the interval middle above which an hour is "day" [deg]: the sun above the
#: horizon (geometric elevation, no refraction), the day/night split of Turner's scheme (day:
#: insolation classes, night: cloud cover; Turner 1970 Table 1). Hours just after sunrise / before
#: sunset have GHI < 175 W m-2 and are class D by the SRDT table, so the edge matters little.
DAY_SUN_ELEVATION_DEG = 0.0


@dataclass(frozen=True)
class StabilityClasses:
    """Hourly Pasquill classes of one weather series.

    Attributes
    ----------
    classes : (T,) int, 0-5 for A-F.
    night : (T,) bool, sun below the horizon at the interval middle.
    n_night_no_cloud : int, night hours without a cloud cover value (class D).
    notes : tuple of str, what was assumed (no cloud cover, no irradiance, no location).
    """

    classes: np.ndarray
    night: np.ndarray
    n_night_no_cloud: int
    notes: tuple = ()

    def frequencies(self) -> dict[str, float]:
        """Share of the hours in each class A-F [-]."""
        n = max(len(self.classes), 1)
        return {k: float(np.sum(self.classes == i)) / n for i, k in enumerate(CLASSES)}


def _wind_row(wind_m_s: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(WIND_EDGES_M_S), wind_m_s, side="right")


def _ghi_column(ghi_w_m2: np.ndarray) -> np.ndarray:
    g = np.asarray(ghi_w_m2, float)
    col = np.full(g.shape, 3)
    for k, edge in reversed(list(enumerate(GHI_EDGES_W_M2))):
        col = np.where(g >= edge, k, col)
    return col


def pasquill_classes(
    ghi_w_m2: np.ndarray | None,
    wind_10m_m_s: np.ndarray,
    cloud_okta: np.ndarray | None,
    sun_elevation_deg: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Pasquill class per hour from GHI, ~10 m wind, total cloud cover and sun elevation.

    Parameters
    ----------
    ghi_w_m2 : (T,) global horizontal irradiance [W m-2], or None (days are then class D).
    wind_10m_m_s : (T,) wind speed at or near 10 m [m s-1].
    cloud_okta : (T,) total cloud cover [okta, 0-8] or None; NaN = unknown (that night is D).
    sun_elevation_deg : (T,) sun elevation at the interval middle [deg].

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) : classes (T,) int 0-5 (A-F) and the night mask (T,) bool.
    """
    u = np.asarray(wind_10m_m_s, float)
    row = _wind_row(u)
    night = np.asarray(sun_elevation_deg, float) <= DAY_SUN_ELEVATION_DEG
    if ghi_w_m2 is None:
        day_cls = np.full(u.shape, D)
    else:
        g = np.asarray(ghi_w_m2, float)
        day_cls = np.where(np.isfinite(g), SRDT_DAY[row, _ghi_column(np.nan_to_num(g))], D)
    if cloud_okta is None:
        night_cls = np.full(u.shape, D)
    else:
        n = np.asarray(cloud_okta, float)
        known = np.isfinite(n)
        col = np.where(np.nan_to_num(n) >= CLOUDY_NIGHT_OKTA, 0, 1)
        night_cls = np.where(known & (np.nan_to_num(n) < OVERCAST_OKTA), NIGHT[row, col], D)
    return np.where(night, night_cls, day_cls).astype(int), night


def classify(
    index: pd.DatetimeIndex,
    dt_h: float,
    wind_10m_m_s: np.ndarray,
    ghi_w_m2: np.ndarray | None,
    cloud_okta: np.ndarray | None,
    location: tuple | None,
) -> StabilityClasses:
    """Pasquill classes of a weather series (sun from :func:`haldenenergie.sun.solar_position`).

    Parameters
    ----------
    index : interval starts (tz-aware).
    dt_h : time step [h]; the sun is evaluated at the interval middle.
    wind_10m_m_s : (T,) wind at the measured height closest to 10 m [m s-1].
    ghi_w_m2 : (T,) GHI [W m-2] or None (no irradiance in the weather).
    cloud_okta : (T,) total cloud cover [okta] or None (no cloud cover in the weather).
    location : (latitude, longitude, elevation_m) [deg, deg, m] or None.

    Returns
    -------
    StabilityClasses
    """
    T = len(index)
    if location is None or location[0] is None or location[1] is None:
        note = "stability: no location in the weather metadata: all hours neutral (D)"
        return StabilityClasses(np.full(T, D), np.zeros(T, bool), 0, (note,))
    from ..sun import solar_position

    lat, lon, elev = location
    sun = solar_position(index, float(lat), float(lon), elev, step=pd.Timedelta(hours=dt_h))
    ghi = None
    if ghi_w_m2 is not None and np.isfinite(np.asarray(ghi_w_m2, float)).any():
        ghi = ghi_w_m2
    classes, night = pasquill_classes(ghi, wind_10m_m_s, cloud_okta, sun["elevation"].to_numpy())
    notes = []
    if ghi is None:
        notes.append("no irradiance in the weather: days neutral (D)")
    if cloud_okta is None:
        n_missing = int(night.sum())
        notes.append("no cloud cover in the weather: nights neutral")
    else:
        n_missing = int((night & ~np.isfinite(np.asarray(cloud_okta, float))).sum())
    return StabilityClasses(classes, night, n_missing, tuple(notes))


def profile_exponents(roughness_length_m: float) -> tuple[tuple[float, ...], str]:
    """Power-law exponents by class A-F and which set: 'urban' from z0 >= 0.5 m, else 'rural'."""
    if roughness_length_m >= URBAN_ROUGHNESS_M:
        return EXPONENTS_URBAN, "urban"
    return EXPONENTS_RURAL, "rural"


def stability_factors(
    classes: np.ndarray, z_m: np.ndarray, z_a_m: float, exponents: tuple[float, ...]
) -> np.ndarray:
    """Unnormalised hourly factors ``(z / z_a) ** (p_t - p_D)`` (T, M) [-].

    Parameters
    ----------
    classes : (T,) int 0-5.
    z_m : (M,) profile heights [m]; z_a_m : the height the profile starts from [m].
    exponents : p for A-F.
    """
    p = np.asarray(exponents, float)
    dp = p[np.asarray(classes, int)] - p[D]
    ratio = np.asarray(z_m, float)[None, :] / float(z_a_m)
    return ratio ** dp[:, None]


def mean_preserving(v: np.ndarray, c: np.ndarray) -> np.ndarray:
    """``v c mean(v) / mean(v c)`` per column: the hourly pattern of ``v c``, the mean of ``v``."""
    vc = v * c
    den = vc.mean(axis=0)
    scale = np.divide(v.mean(axis=0), den, out=np.ones_like(den), where=den > 0)
    return vc * scale[None, :]


def summary_note(sc: StabilityClasses, exponent_set: str, z0_m: float) -> str:
    """The run note: option, exponent set, class frequencies, night hours without cloud cover."""
    freq = " ".join(f"{k} {v:.1%}" for k, v in sc.frequencies().items())
    n_night = int(sc.night.sum())
    parts = [
        f"stability pasquill-turner: hub-wind pattern by Pasquill class ({freq}; {exponent_set} "
        f"exponents, z0 {z0_m:g} m), series mean kept at every height",
        f"{sc.n_night_no_cloud} of {n_night} night hours without cloud cover (neutral)",
        *sc.notes,
    ]
    return "; ".join(parts)
