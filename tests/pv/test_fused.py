"""Tests of haldenenergie.pv.fused against the pvlib functions they restate (1e-12)."""

from __future__ import annotations

import inspect

import numpy as np
import pvlib
import pytest
from numpy.testing import assert_allclose

from haldenenergie.pv import fused

RNG = np.random.default_rng(17)
T, S = 400, 7


def _sun():
    zen = RNG.uniform(0, 89.9, T)
    azi = RNG.uniform(0, 360, T)
    return zen, azi


def _planes():
    return RNG.uniform(0, 60, S), RNG.uniform(0, 360, S)


def test_cos_incidence_is_pvlib_aoi_projection():
    zen, azi = _sun()
    tilt, az = _planes()
    ours = fused.cos_incidence(fused.sun_vectors(zen, azi), fused.plane_normals(tilt, az))
    ref = pvlib.irradiance.aoi_projection(tilt[None, :], az[None, :], zen[:, None], azi[:, None])
    assert_allclose(ours, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("model", ["allsitescomposite1990", "sandiacomposite1988"])
def test_perez_components_are_pvlib_perez(model):
    zen, azi = _sun()
    tilt, az = _planes()
    dhi = RNG.uniform(0, 400, T)
    dhi[:20] = 0.0  # undefined sky clearness
    dni = RNG.uniform(0, 900, T)
    extra = RNG.uniform(1320, 1410, T)
    am = pvlib.atmosphere.get_relative_airmass(zen)
    cos_aoi = fused.cos_incidence(fused.sun_vectors(zen, azi), fused.plane_normals(tilt, az))
    iso, circ, hor = fused.perez_components(
        fused.perez_hourly(dhi, dni, extra, zen, am, model), cos_aoi, tilt
    )
    ref = pvlib.irradiance.perez(
        tilt[None, :], az[None, :], dhi[:, None], dni[:, None], extra[:, None],
        zen[:, None], azi[:, None], am[:, None], model=model, return_components=True,
    )  # fmt: skip
    for ours, key in ((iso, "poa_isotropic"), (circ, "poa_circumsolar"), (hor, "poa_horizon")):
        r = np.nan_to_num(ref[key], nan=0.0)  # pvlib: NaN where dhi = 0; the kernel: 0
        assert_allclose(ours, r, rtol=1e-12, atol=1e-10, err_msg=key)


def test_physical_iam_is_pvlib_physical():
    c = np.concatenate([RNG.uniform(-1, 1, 2000), [0.0, 1.0, -1.0, 1e-9]])
    ref = pvlib.iam.physical(np.degrees(np.arccos(c)))
    assert_allclose(fused.physical_iam(c), ref, rtol=1e-12, atol=1e-12)


def test_physical_iam_parameters_are_pvlib_defaults():
    p = inspect.signature(pvlib.iam.physical).parameters
    assert (p["n"].default, p["K"].default, p["L"].default) == (
        fused.PHYSICAL_IAM_N,
        fused.PHYSICAL_IAM_K_PER_M,
        fused.PHYSICAL_IAM_L_M,
    )
