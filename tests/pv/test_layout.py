"""Tests of haldenenergie.pv.layout: analytic cases and independent pvlib references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import TerrainError
from haldenenergie.pv.config import PVConfig
from haldenenergie.pv.layout import (
    cross_axis_slope,
    horizon_matrix,
    horizon_sky_view_factor,
    interp_horizon,
    plan_layout,
    rack_gcr_on_slope,
    row_sky_view_factor,
)


def test_power_density_flat_ground_matches_nrw(make_surfaces):
    """Flat plateau density vs NRW's 0.75 MW/ha (NRW government 2022: 300 MW ≈ 400 ha).

    Tolerance ±15 %: the NRW figure is a rounded planning average over module generations
    (~19-23 % efficiency) and site shapes; ±15 % spans that efficiency range at fixed GCR.
    """
    cfg = PVConfig()
    plan = plan_layout(make_surfaces([("a", "plateau", "plateau", 0.5, 180, 1.0)]), cfg)
    density = plan["density_mwp_per_ha"].iloc[0]
    assert_allclose(density, 0.75, rtol=0.15)
    # and it is exactly efficiency x GCR x land use x 10
    assert_allclose(density, cfg.module_efficiency * cfg.plateau_gcr * cfg.land_use_factor * 10)


def test_layout_rules(make_surfaces):
    cfg = PVConfig()
    s = make_surfaces(
        [
            ("h", "plateau", "plateau", 2, 180, 1),
            ("h", "S25", "flank", 25, 180, 1),
            ("h", "E20", "flank", 20, 90, 1),
            ("h", "S5", "flank", 5, 180, 1),
            ("h", "N5", "flank", 5, 0, 1),
            ("h", "NE20", "flank", 20, 45, 1),
            ("h", "S40", "flank", 40, 180, 1),
        ]
    )
    plan = plan_layout(s, cfg).set_index(s["surface_class"])
    assert list(plan["layout"]) == ["rack", "follow", "follow", "rack", "rack", "none", "none"]
    assert_allclose(plan.loc["S25", ["module_tilt_deg", "module_azimuth_deg"]], [25, 180])
    assert_allclose(plan.loc["E20", "gcr_horizontal"], cfg.flank_gcr / np.cos(np.radians(20)))
    # racks: denser on south-facing ground, sparser on north-facing ground than on flat ground
    d = plan["density_mwp_per_ha"]
    assert d["N5"] < d["plateau"] < d["S5"]
    assert d["S25"] > d["plateau"]  # slope-parallel modules cast no row shade


def test_layout_pitch_only_for_racks(make_surfaces):
    cfg = PVConfig()
    s = make_surfaces([("h", "plateau", "plateau", 0, 180, 1), ("h", "S25", "flank", 25, 180, 1)])
    plan = plan_layout(s, cfg)
    assert_allclose(plan["pitch_m"].iloc[0], cfg.collector_width_m / cfg.plateau_gcr)
    assert np.isnan(plan["pitch_m"].iloc[1])


def test_cross_axis_slope_equals_pvlib():
    for aspect, slope in [(180, 10), (135, 20), (45, 15), (90, 30), (300, 5)]:
        assert_allclose(
            cross_axis_slope(slope, aspect),
            pvlib.tracking.calc_cross_axis_tilt(aspect, slope, 90, 0),
            atol=1e-9,
        )


@pytest.mark.parametrize("delta", [-6.0, 0.0, 8.0])
def test_rack_pitch_keeps_flat_shading_limit(delta):
    """On sloped ground the pitch makes shading start at the flat design's sun elevation."""
    beta, gcr = 20.0, 0.4
    psi = np.degrees(np.arctan2(np.sin(np.radians(beta)), 1 / gcr - np.cos(np.radians(beta))))
    g = rack_gcr_on_slope(beta, delta, gcr)
    if delta == 0:
        assert_allclose(g, gcr, rtol=1e-12)
    kw = {"collector_width": 1.0, "pitch": 1.0 / g, "cross_axis_slope": delta}
    above = pvlib.shading.shaded_fraction1d(90 - psi - 0.05, 180.0, 90.0, beta, **kw)
    below = pvlib.shading.shaded_fraction1d(90 - psi + 0.5, 180.0, 90.0, beta, **kw)
    assert above == 0.0 and below > 0.0


def test_row_sky_view_factor_flat_equals_pvlib_infinite_sheds():
    # delta = 0: same as pvlib.bifacial.utils.vf_row_sky_2d_integ (2-D view factors);
    # tolerance 1e-3 for the 40-point midpoint rule.
    from pvlib.bifacial.utils import vf_row_sky_2d_integ

    for beta, gcr in [(20, 0.4), (30, 0.5), (10, 0.7)]:
        ref = vf_row_sky_2d_integ(beta, gcr) / ((1 + np.cos(np.radians(beta))) / 2)
        assert_allclose(row_sky_view_factor(beta, 0.0, gcr)[0], ref, atol=1e-3)
    # horizontal modules see a horizon-like obstruction: Passias' formula, pvlib.shading
    f = row_sky_view_factor(1e-9, 0.0, 1.0)  # coplanar flat rows: nothing masked
    assert_allclose(f, 1.0)
    # ground falling towards the front lowers the front row: less masking
    assert row_sky_view_factor(20, 8, 0.4)[0] > row_sky_view_factor(20, 0, 0.4)[0]


def test_horizon_sky_view_factor_analytic():
    # No horizon: factor 1; horizontal plane under a uniform horizon h: cos²(h) (1e-4).
    assert_allclose(horizon_sky_view_factor([0, 30, 90], [180, 90, 270], np.zeros((3, 36))), 1)
    for h in (5.0, 15.0, 40.0):
        f = horizon_sky_view_factor(0.0, 180.0, np.full((1, 36), h))
        assert_allclose(f, np.cos(np.radians(h)) ** 2, atol=1e-4)
    # a horizon hidden behind the plane (north, below the plane's edge) costs nothing
    hz = np.zeros(36)
    hz[[33, 34, 35, 0, 1, 2, 3]] = 20.0
    assert_allclose(horizon_sky_view_factor(30.0, 180.0, hz[None, :]), 1.0, atol=1e-12)


def test_interp_horizon_is_circular_and_linear():
    hz = np.arange(36, dtype=float)[None, :]  # value k at azimuth 10 k
    assert_allclose(
        interp_horizon(hz, [0.0, 15.0, 350.0, 355.0, 360.0, -10.0]), [[0, 1.5, 35, 17.5, 0, 35]]
    )


def test_horizon_matrix_defaults_and_errors(make_surfaces):
    s = make_surfaces([("h", "a", "flank", 10, 180, 1, [3.0] * 36), ("h", "b", "flank", 10, 0, 1)])
    assert_allclose(horizon_matrix(s), np.vstack([np.full(36, 3.0), np.zeros(36)]))
    assert_allclose(horizon_matrix(s.drop(columns="horizon_deg")), np.zeros((2, 36)))
    assert_allclose(horizon_matrix(s.assign(horizon_deg=[None, np.nan])), np.zeros((2, 36)))
    with pytest.raises(TerrainError, match="36 finite values"):
        horizon_matrix(pd.DataFrame({"surface_class": ["x"], "horizon_deg": [[1.0] * 35]}))
