"""analyse_grid: PV exclusions (north, too steep, small patches)."""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.testing import assert_allclose

from haldenenergie.terrain import (
    TerrainConfig,
    analyse_grid,
    remove_small_patches,
)


def _cone_terrain(make_cone, cfg, slope=25.0, R=200.0, res=2.0, reserved=None):
    z, r = make_cone(int(2 * R / res * 1.2) | 1, res, R, slope)
    return analyse_grid(z + 30.0, res, r < R, 30.0, cfg, reserved=reserved)


def test_north_flank_excluded(make_cone):
    cfg = TerrainConfig()
    out = _cone_terrain(make_cone, cfg)
    secs = set(out["surfaces"].azimuth_sector)
    assert not secs & {"N", "NE", "NW"}
    assert {"E", "SE", "S", "SW", "W"} <= secs
    flank_ha = out["footprint_area_ha"] - out["plateau_area_ha"]
    # 3 of 8 sectors (NW, N, NE) on a symmetric cone, +-3 % of the flank for rim/apex cells.
    assert_allclose(out["excluded"]["north"], 3 / 8 * flank_ha, rtol=0.03)
    off = _cone_terrain(make_cone, dataclasses.replace(cfg, north_min_slope_deg=90.0))
    assert off["excluded"]["north"] == 0
    assert off["pv_usable_area_ha"] > out["pv_usable_area_ha"]


def test_too_steep_excluded(make_cone):
    cfg = TerrainConfig(max_mounting_slope_deg=35.0)
    out = _cone_terrain(make_cone, cfg, slope=40.0)
    assert (out["surfaces"].kind == "flank").sum() == 0
    assert out["excluded"]["too_steep"] > 0.9 * out["footprint_area_ha"]
    ok = _cone_terrain(make_cone, TerrainConfig(max_mounting_slope_deg=45.0), slope=40.0)
    assert ok["excluded"]["too_steep"] == 0


def test_small_patch_excluded():
    res = 5.0
    z = np.zeros((40, 40))
    foot = np.zeros_like(z, dtype=bool)
    foot[5:11, 5:11] = True  # 30 x 30 m = 900 m2 < 1500 m2
    foot[20:30, 20:30] = True  # 50 x 50 m = 2500 m2
    out = analyse_grid(z, res, foot, -10.0, TerrainConfig())
    assert_allclose(out["excluded"]["small_patch"], 0.09)
    assert_allclose(out["pv_usable_area_ha"], 0.25)
    kept = remove_small_patches(foot, res * res, 1500.0)
    assert kept[25, 25] and not kept[7, 7]
