"""Tests of haldenenergie.pv.model: the vectorised kernel's parts and the chunked run."""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.testing import assert_allclose

from haldenenergie.pv.config import PVConfig
from haldenenergie.pv.inputs import month_matrix, prepare
from haldenenergie.pv.model import (
    Geometry,
    iam_factor,
    kernel,
    run,
    shading_factors,
    transposed_irradiance,
)


def _geometry(n=3, rack=False, horizon=0.0):
    return Geometry(
        np.linspace(10, 30, n),
        np.full(n, 180.0),
        np.full(n, rack),
        np.zeros(n),
        np.full(n, 0.4),
        np.full((n, 36), horizon),
    )


def test_geometry_slices():
    g = _geometry(5)[1:3]
    assert_allclose(g.tilt, [15, 20]) and g.horizon.shape == (2, 36)


def test_no_horizon_no_racks_no_shading(short_weather):
    data, meta = short_weather
    _, sun_arrays, _, day = prepare(data, meta)
    beam, sky = shading_factors(_geometry(), sun_arrays, PVConfig(), (int(day.sum()), 3))
    assert (beam == 1).all() and (sky == 1).all()
    beam, sky = shading_factors(
        _geometry(rack=True, horizon=5.0), sun_arrays, PVConfig(), (int(day.sum()), 3)
    )
    assert (beam <= 1).all() and (beam >= 0).all() and (beam < 1).any() and (sky < 1).all()


def test_transposition_components_non_negative(short_weather):
    data, meta = short_weather
    wx, sun_arrays, _, _ = prepare(data, meta)
    for model in ("perez", "haydavies", "isotropic"):
        cfg = dataclasses.replace(PVConfig(), transposition_model=model)
        irr = transposed_irradiance(_geometry(), wx, sun_arrays, cfg)
        for k in ("beam", "iso", "circ", "hor", "ground"):
            assert irr[k].shape == irr["cos_aoi"].shape and np.all(irr[k] >= 0), (model, k)


def test_iam_factor():
    aoi = np.array([0.0, 45.0, 89.0])
    assert_allclose(iam_factor(aoi, dataclasses.replace(PVConfig(), iam_model="no_loss")), 1.0)
    f = iam_factor(aoi, PVConfig())
    assert_allclose(f[0], 1.0) and (np.diff(f) < 0).all()


def test_run_equals_one_kernel_call_whatever_the_chunks(short_weather):
    data, meta = short_weather
    geo = _geometry(5, rack=True, horizon=3.0)
    wx, sun_arrays, mid, day = prepare(data, meta)
    ref = kernel(geo, wx, sun_arrays, PVConfig(), month_matrix(mid, day), keep_series=True)
    res = run(geo, data, meta, dataclasses.replace(PVConfig(), chunk_surfaces=2), keep_series=True)
    for k in ("monthly", "poa", "poa_unshaded", "energy"):
        assert_allclose(res[k], ref[k], rtol=1e-12)
    assert (res["day"] == day).all()
    assert_allclose(ref["monthly"].sum(axis=0), ref["energy"].sum(axis=0), rtol=1e-12)
