"""Fused arithmetic of the PV kernel: what pvlib computes per (hour x surface), split by axis.

pvlib's functions take broadcast (hours x surfaces) inputs and so redo the per-hour part (Perez
sky clearness, brightness and coefficients) and the per-surface part (cosine and sine of the tilt)
on every element, and the project needed the cosine of incidence twice (beam and Perez) and the
angle of incidence once more for the IAM (an ``arccos`` followed by pvlib's ``cos``). Here:

* :func:`sun_vectors` x :func:`plane_normals` give the cosine of incidence of every hour and
  surface as ONE matrix product (``pvlib.irradiance.aoi_projection`` written as
  ``s . n`` with the sun unit vector s and the plane normal n);
* :func:`perez_hourly` evaluates the Perez et al. (1990) coefficients once per hour
  (``pvlib.irradiance.perez``'s own arithmetic and coefficient tables), :func:`perez_components`
  combines them with the per-surface terms;
* :func:`physical_iam` is ``pvlib.iam.physical`` (De Soto et al. 2006, no anti-reflective coating)
  evaluated from the cosine of incidence instead of the angle.

Each function is tested against the pvlib function it restates on random inputs to 1e-12
(``tests/pv/test_fused.py``).

References
----------
Perez, R. et al. (1990): Modeling daylight availability and irradiance components from direct
and global irradiance. Solar Energy 44(5), 271-289.
De Soto, W.; Klein, S. A.; Beckman, W. A. (2006): Improvement and validation of a model for
photovoltaic array performance. Solar Energy 80(1), 78-88.
"""

from __future__ import annotations

import numpy as np

#: Parameters of ``pvlib.iam.physical`` as the project uses it (pvlib's defaults, De Soto et al.
#: 2006): glass refractive index n [-], glazing extinction coefficient K [m-1], glazing
#: thickness L [m]. A test checks them against pvlib's signature.
PHYSICAL_IAM_N = 1.526
PHYSICAL_IAM_K_PER_M = 4.0
PHYSICAL_IAM_L_M = 0.002
#: Perez's zenith term kappa for the zenith in radians (Perez et al. 1990, table 1 note; pvlib).
PEREZ_KAPPA = 1.041
#: Sky clearness bin edges of the Perez model (Perez et al. 1990, table 1; pvlib).
PEREZ_EPS_EDGES = (0.0, 1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2)
#: Smallest cosine of the zenith in the circumsolar term: cos(85 deg) (Perez et al. 1990; pvlib).
PEREZ_MIN_COS_ZENITH = float(np.cos(np.radians(85.0)))


def sun_vectors(zenith_deg: np.ndarray, azimuth_deg: np.ndarray) -> np.ndarray:
    """(T, 3) sun unit vectors (up, north, east components) from zenith and azimuth [deg]."""
    z, a = np.radians(zenith_deg), np.radians(azimuth_deg)
    sz = np.sin(z)
    return np.column_stack([np.cos(z), sz * np.cos(a), sz * np.sin(a)])


def plane_normals(tilt_deg: np.ndarray, azimuth_deg: np.ndarray) -> np.ndarray:
    """(3, S) plane unit normals (up, north, east) from tilt and azimuth [deg]."""
    t, a = np.radians(tilt_deg), np.radians(azimuth_deg)
    st = np.sin(t)
    return np.vstack([np.cos(t), st * np.cos(a), st * np.sin(a)])


def cos_incidence(sun_vec: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """(T, S) cosine of the angle of incidence [-], clipped to [-1, 1] as pvlib does."""
    return np.clip(sun_vec @ normals, -1.0, 1.0)


def perez_hourly(
    dhi: np.ndarray,
    dni: np.ndarray,
    dni_extra: np.ndarray,
    zenith_deg: np.ndarray,
    airmass: np.ndarray,
    model: str = "allsitescomposite1990",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-hour factors of the Perez sky diffuse components [W m-2].

    Parameters
    ----------
    dhi, dni, dni_extra : (T,) diffuse horizontal, direct normal and extraterrestrial
        irradiance [W m-2].
    zenith_deg : (T,) apparent solar zenith [deg].
    airmass : (T,) relative airmass [-].
    model : Perez coefficient set (a name of ``pvlib.irradiance.perez``).

    Returns
    -------
    iso, circ, hor : (T,) with, for a plane of tilt b and cosine of incidence c,
        isotropic = iso (1 + cos b), circumsolar = circ max(c, 0), horizon band = hor sin b;
        all 0 where the sky clearness is undefined (dhi = 0) or the airmass is missing.
    """
    from pvlib.irradiance import _get_perez_coefficients

    z = np.radians(zenith_deg)
    delta = dhi * airmass / dni_extra
    with np.errstate(invalid="ignore", divide="ignore"):
        eps = (np.divide(dhi + dni, dhi) + PEREZ_KAPPA * z**3) / (1 + PEREZ_KAPPA * z**3)
    ok = np.isfinite(eps) & np.isfinite(airmass)
    ebin = np.clip(np.digitize(np.where(ok, eps, 1.0), PEREZ_EPS_EDGES) - 1, 0, 7)
    f1c, f2c = _get_perez_coefficients(model)
    f1 = np.maximum(f1c[ebin, 0] + f1c[ebin, 1] * delta + f1c[ebin, 2] * z, 0)
    f2 = f2c[ebin, 0] + f2c[ebin, 1] * delta + f2c[ebin, 2] * z
    b = np.maximum(np.cos(z), PEREZ_MIN_COS_ZENITH)
    d = np.where(ok, dhi, 0.0)
    with np.errstate(invalid="ignore"):
        return (
            np.where(ok, d * (0.5 * (1 - f1)), 0.0),
            np.where(ok, d * f1 / b, 0.0),
            np.where(ok, d * f2, 0.0),
        )


def perez_components(
    hourly: tuple[np.ndarray, np.ndarray, np.ndarray],
    cos_aoi: np.ndarray,
    tilt_deg: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T, S) isotropic, circumsolar and horizon-band sky diffuse on the planes [W m-2].

    ``hourly`` from :func:`perez_hourly`; as in pvlib every component is 0 where the sky diffuse
    sum is not positive.
    """
    h_iso, h_circ, h_hor = hourly
    t = np.radians(tilt_deg)
    iso = h_iso[:, None] * (1 + np.cos(t))[None, :]
    circ = h_circ[:, None] * np.maximum(cos_aoi, 0.0)
    hor = h_hor[:, None] * np.sin(t)[None, :]
    dark = ~(iso + circ + hor > 0)
    if dark.any():
        iso, circ, hor = (np.where(dark, 0.0, x) for x in (iso, circ, hor))
    return iso, circ, hor


def physical_iam(
    cos_aoi: np.ndarray,
    n: float = PHYSICAL_IAM_N,
    K: float = PHYSICAL_IAM_K_PER_M,  # noqa: N803 - the symbol of De Soto et al. and pvlib
    L: float = PHYSICAL_IAM_L_M,  # noqa: N803
) -> np.ndarray:
    """``pvlib.iam.physical`` (no AR coating) from the cosine of incidence [-].

    Parameters
    ----------
    cos_aoi : cosine of the angle of incidence [-], any shape (light from behind: IAM 0).
    n, K, L : refractive index [-], extinction coefficient [m-1], glazing thickness [m].

    Returns
    -------
    numpy.ndarray : incidence angle modifier [-], shape of ``cos_aoi``.
    """
    c1 = np.maximum(cos_aoi, 0.0)
    s2 = np.sqrt(1 - c1**2) / n  # Snell: sine of the refraction angle
    c2 = np.sqrt(1 - s2**2)
    nc1, nc2 = n * c1, n * c2
    with np.errstate(divide="ignore", invalid="ignore"):
        tau_s = 1 - ((c1 - nc2) / (c1 + nc2)) ** 2
        tau_p = 1 - ((c2 - nc1) / (c2 + nc1)) ** 2
        absorb = np.exp(-K * L / c2)
    tau_0 = (1 - ((1 - n) / (1 + n)) ** 2) * np.exp(-K * L)
    return (tau_s * absorb + tau_p * absorb) / 2 / tau_0


__all__ = [
    "PHYSICAL_IAM_K_PER_M",
    "PHYSICAL_IAM_L_M",
    "PHYSICAL_IAM_N",
    "cos_incidence",
    "perez_components",
    "perez_hourly",
    "physical_iam",
    "plane_normals",
    "sun_vectors",
]
