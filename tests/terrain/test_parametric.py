"""Parametric mode: synthesised heaps honour the registry's facts."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose

from haldenenergie.terrain import (
    SURFACE_COLUMNS,
    TerrainConfig,
    aspect_sector_index,
    heap_terrain,
    slope_aspect_horn,
    synthesize_heap,
    terrain_for_heaps,
    terrain_table,
)


def test_parametric_cone_matches_facts():
    cfg = TerrainConfig(form_plateau_share={**TerrainConfig().form_plateau_share, "cone": [0, 0]})
    syn = synthesize_heap(10.0, 60.0, "cone", cfg, res_m=2.0)
    R = math.sqrt(10e4 / math.pi)
    assert_allclose(syn["flank_slope_deg"], math.degrees(math.atan(60 / R)), atol=1e-9)
    assert_allclose(syn["footprint"].sum() * 4 / 1e4, 10.0, rtol=0.02)
    assert_allclose(syn["z_rel"].max(), 60.0, atol=1.0)
    s, a = slope_aspect_horn(syn["z_rel"], syn["res_m"])
    c = syn["z_rel"].shape[0] // 2
    yy, xx = np.mgrid[: s.shape[0], : s.shape[1]]
    r = np.hypot(yy - c, xx - c) * syn["res_m"]
    flank = (r > 10) & (r < R - 5)
    assert_allclose(np.mean(s[flank]), syn["flank_slope_deg"], atol=0.5)
    counts = np.bincount(aspect_sector_index(a[flank]), minlength=8)
    assert_allclose(counts / counts.mean(), 1.0, atol=0.02)


@pytest.mark.parametrize("form", ["cone", "table", "terraced", "landscape", "elongated"])
def test_parametric_forms_honour_area_and_height(form, stub_heap):
    cfg = TerrainConfig()
    t = heap_terrain(
        stub_heap("x", 51.5, 7.0, area_ha=40.0, height_rel_m=50.0, height_asl_m=100.0, form=form),
        cfg,
    )
    assert t.terrain_source == "parametric"
    assert_allclose(t.footprint_area_ha, 40.0, rtol=0.03)
    assert_allclose(t.relative_height_m, 50.0, atol=0.5)
    assert_allclose(t.base_elevation_m, 50.0)
    assert_allclose(t.surfaces.usable_area_ha.sum(), t.pv_usable_area_ha, rtol=1e-9)
    assert t.pv_usable_area_ha <= t.footprint_area_ha + 1e-9
    # All facts known: the only assumption listed is the synthetic shape of the form.
    assert len(t.assumed) == 1 and t.assumed[0].startswith(f"shape={form}: plateau share ")
    assert list(t.surfaces.columns) == list(SURFACE_COLUMNS)
    assert all(len(h) == 36 for h in t.surfaces.horizon_deg)
    if form in ("table", "terraced"):
        assert t.plateau_area_ha > 0.15 * 40 * 0.8
        assert t.turbine_site_area_ha > 0
    if form == "cone":
        assert t.plateau_area_ha < 0.05 * 40


def test_every_registry_heap_gets_parametric_row(registry_heaps):
    t0 = time.perf_counter()
    terrains = terrain_for_heaps(registry_heaps, TerrainConfig())
    elapsed = time.perf_counter() - t0
    assert elapsed < 5.0  # ~0.45 s on the development machine; generous for shared CI cores
    df = terrain_table(terrains)
    assert list(df.heap_id) == [h.id for h in registry_heaps]
    assert (df.terrain_source == "parametric").all()
    assert (df.footprint_area_ha > 0).all() and (df.relative_height_m > 0).all()
    assert (df.pv_usable_area_ha <= df.footprint_area_ha + 1e-9).all()
    assert df[["half_height_distance_m", "summit_elevation_m"]].notna().all().all()
    for h in registry_heaps:
        t = terrains[h.id]
        assert_allclose(t.surfaces.usable_area_ha.sum(), t.pv_usable_area_ha, atol=1e-9)
        # What was missing is listed as assumed, and nothing else.
        assert (h.area_ha is None) == any(a.startswith("area_ha=") for a in t.assumed), h.id
        assert (h.height_rel_m is None) == any(a.startswith("height_rel_m=") for a in t.assumed)
        assert (h.form == "unknown") == any(a.startswith("form=") for a in t.assumed)
        # ... and every parametric heap lists the shape it was given.
        assert sum(a.startswith("shape=") for a in t.assumed) == 1, h.id
        if h.area_ha is not None:
            assert_allclose(t.footprint_area_ha, h.area_ha, rtol=0.03)
        if h.height_rel_m is not None:
            assert_allclose(t.relative_height_m, h.height_rel_m, rtol=0.02)
