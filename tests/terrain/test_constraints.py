"""Constraint layers in the terrain stage: forest, open land, protected areas, housing, outlines.

An analytic parametric heap near 51.45 N 7.0 E; the layers are a fake LayerSet (the contract's
methods over shapely polygons in EPSG:25832), so these tests do not depend on the layer readers.
Expected values come from the same analytic grid without layers (the usable cells of a quarter,
the turbine site's edge), not from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from affine import Affine
from numpy.testing import assert_allclose
from shapely.geometry import GeometryCollection, Point, box

from haldenenergie.terrain import (
    HEAP_COLUMNS,
    TerrainConfig,
    analyse_grid,
    heap_terrain,
    open_dem,
    parametric_facts,
    synthesize_heap,
    terrain_for_heaps,
)

LAT, LON = 51.45, 7.0


class FakeLayers:
    """The LayerSet protocol over shapely geometries: ``FakeLayers(forest=geom, ...)``.

    ``extents`` maps a kind to the area its layer describes (default: everything).
    """

    def __init__(self, extents=None, **kinds):
        self._g = kinds
        self._ext = extents or {}

    def kinds(self):
        return tuple(self._g)

    def has(self, kind):
        return kind in self._g

    def covers(self, kind, geom):
        ext = self._ext.get(kind)
        return kind in self._g and (ext is None or ext.contains(geom))

    def geometry(self, kind, bounds):
        if kind not in self._g:
            return None
        g = self._g[kind]
        return g if g.intersects(box(*bounds)) else GeometryCollection()

    def source(self, kind):
        return f"{kind}.gpkg (plain)" if kind in self._g else ""

    def records(self):
        return []

    def __bool__(self):
        return bool(self._g)


@pytest.fixture(scope="module")
def heap(stub_heap):
    return stub_heap("t", LAT, LON, area_ha=20.0, height_rel_m=30.0, form="table")


@pytest.fixture(scope="module")
def grid(heap, to_utm):
    """The heap's grid without layers: (cfg, out of analyse_grid, X, Y cell centres, (cx, cy))."""
    cfg = TerrainConfig()
    area, height, form, base, _ = parametric_facts(heap, cfg)
    syn = synthesize_heap(area, height, form, cfg)
    res, n = syn["res_m"], syn["z_rel"].shape[0]
    cx, cy = to_utm.transform(LON, LAT)
    tr = Affine(res, 0.0, cx - n * res / 2, 0.0, -res, cy + n * res / 2)
    out = analyse_grid(base + syn["z_rel"], res, syn["footprint"], base, cfg)
    cols, rows = np.meshgrid(np.arange(n), np.arange(n))
    X, Y = tr.c + (cols + 0.5) * res, tr.f - (rows + 0.5) * res
    return cfg, out, X, Y, (cx, cy), res


def _ne_box(cx, cy, size=5000.0):
    # 0.1 m below the centre lines so that the cells centred on them count as inside
    return box(cx - 0.1, cy - 0.1, cx + size, cy + size)


def test_no_layers_identical(heap, grid):
    plain = heap_terrain(heap)
    empty = heap_terrain(heap, layers=FakeLayers())
    a, b = pd.Series(plain.to_row()), pd.Series(empty.to_row())
    assert a.equals(b)
    assert math.isnan(plain.forest_area_ha) and plain.layers_used == ""
    assert plain.turbine_site_area_gross_ha == plain.turbine_site_area_ha
    assert_allclose(plain.pv_usable_area_ha, grid[1]["pv_usable_area_ha"], rtol=1e-12)
    assert plain.surfaces["forest_area_ha"].isna().all()
    assert set(HEAP_COLUMNS) >= {"forest_area_ha", "layers_not_assessed", "excluded_forest_ha"}


def test_forest_north_east_quarter_removes_its_usable_area(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    cell_ha = res * res / 1e4
    quarter = (X - cx >= -1e-6) & (Y - cy >= -1e-6)
    expected_removed = (out["usable"] & quarter).sum() * cell_ha
    assert expected_removed > 1.0  # the quarter holds usable area (plateau, E flank)
    t = heap_terrain(heap, layers=FakeLayers(forest=_ne_box(cx, cy)))
    removed = out["pv_usable_area_ha"] - t.pv_usable_area_ha
    assert_allclose(removed, expected_removed, rtol=0.02)
    foot_q = (out["class_map"] >= 0) & quarter
    assert_allclose(t.forest_area_ha, foot_q.sum() * cell_ha, rtol=1e-9)
    assert_allclose(t.forest_area_ha + t.open_area_ha, t.footprint_area_ha, rtol=1e-9)
    assert t.excluded["forest"] > 0 and t.layers_used == "forest"
    s = t.surfaces
    assert_allclose(s["forest_area_ha"] + s["open_area_ha"], s["area_ha"], rtol=1e-9)
    assert (s["usable_open_area_ha"] <= s["usable_area_ha"] + 1e-12).all()
    # turbines are not excluded by forest (they stand on small clearings)
    assert t.turbine_site_area_ha == pytest.approx(out["turbine_site_area_ha"], rel=1e-12)


def test_small_forest_patch_is_a_clearing(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    small = box(cx - 25.0, cy - 30.0, cx + 25.0, cy + 30.0)  # 0.30 ha < 0.5 ha on the plateau
    t = heap_terrain(heap, layers=FakeLayers(forest=small))
    assert t.pv_usable_area_ha == pytest.approx(out["pv_usable_area_ha"], rel=1e-12)
    assert t.forest_area_ha == pytest.approx(0.30, rel=0.05)
    assert t.excluded["forest"] == 0.0
    # usable but wooded: not "open" usable area
    assert t.surfaces["usable_open_area_ha"].sum() < t.pv_usable_area_ha


def test_open_land_over_forest_restores_it(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    q = _ne_box(cx, cy)
    t = heap_terrain(heap, layers=FakeLayers(forest=q, open_land=q))
    assert t.pv_usable_area_ha == pytest.approx(out["pv_usable_area_ha"], rel=1e-12)
    assert t.forest_area_ha == 0.0


def test_protected_excludes_pv_and_turbines(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    t = heap_terrain(heap, layers=FakeLayers(protected=box(cx - 500, cy - 500, cx + 500, cy + 500)))
    assert t.pv_usable_area_ha == 0.0 and t.turbine_site_area_ha == 0.0
    assert t.protected_area_ha == pytest.approx(t.footprint_area_ha, rel=1e-12)
    lm = heap_terrain(heap, layers=FakeLayers(landmark=Point(cx, cy)))
    disc_ha = math.pi * cfg.reserved_buffer_m**2 / 1e4  # default landmark buffer = reserved's
    assert out["pv_usable_area_ha"] - lm.pv_usable_area_ha == pytest.approx(disc_ha, rel=0.1)


def _east_edge(out, X):
    return X[out["turbine_site"]].max()


def test_housing_800_m_from_site_edge(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    edge = _east_edge(out, X)
    block = box(edge + 800.0, cy - 50.0, edge + 900.0, cy + 50.0)
    t = heap_terrain(heap, layers=FakeLayers(residential=block))
    assert_allclose(t.housing_distance_m, 800.0, rtol=0.01)
    assert t.housing_distance_source == "layer residential.gpkg (plain), from turbine site"
    assert out["turbine_site_area_ha"] > 0
    assert t.turbine_site_area_ha == pytest.approx(out["turbine_site_area_ha"], rel=1e-12)
    assert t.turbine_site_area_gross_ha == t.turbine_site_area_ha
    assert t.layers_used == "residential"
    assert len(_wind_positions(t)) >= 1  # the wind stage places turbines


def _wind_positions(terrain):
    from haldenenergie.wind.config import WindConfig
    from haldenenergie.wind.layout import new_turbine_layout

    pos, _ = new_turbine_layout(terrain, 150.0, WindConfig())
    return pos


def test_housing_500_m_small_plateau_no_position(stub_heap, to_utm):
    # a 4 ha table heap: its turbine site is a disc of ~0.8 ha (radius ~51 m)
    small = stub_heap("s", LAT, LON, area_ha=4.0, height_rel_m=25.0, form="table")
    cfg = TerrainConfig()
    cx, cy = to_utm.transform(LON, LAT)
    base = heap_terrain(small, cfg)
    assert base.turbine_site_area_ha > 0
    # site radius: the disc-opened site is a disc around the summit
    r_site = math.sqrt(base.turbine_site_area_ha * 1e4 / math.pi)
    block = box(cx + r_site + 500.0, cy - 50.0, cx + r_site + 600.0, cy + 50.0)
    t = heap_terrain(small, cfg, layers=FakeLayers(residential=block))
    assert_allclose(t.housing_distance_m, 500.0, rtol=0.02)
    assert t.turbine_site_area_ha == 0.0
    assert t.turbine_site_area_gross_ha == pytest.approx(base.turbine_site_area_ha, rel=1e-12)
    assert len(_wind_positions(base)) >= 1 and len(_wind_positions(t)) == 0


def test_housing_partly_within_minimum_removes_near_cells(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    edge = _east_edge(out, X)
    block = box(edge + 550.0, cy - 50.0, edge + 650.0, cy + 50.0)
    t = heap_terrain(heap, layers=FakeLayers(residential=block))
    assert_allclose(t.housing_distance_m, 550.0, rtol=0.01)
    assert 0 < t.turbine_site_area_ha < t.turbine_site_area_gross_ha


def test_none_within_search_radius(heap):
    from haldenenergie.terrain.constraints import HOUSING_SEARCH_RADIUS_M

    t = heap_terrain(heap, layers=FakeLayers(residential=box(0, 0, 10, 10)))
    assert t.housing_distance_m == HOUSING_SEARCH_RADIUS_M
    assert "none within 3000 m" in t.housing_distance_source


def test_layer_missing_the_heap_is_not_assessed(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    far = box(cx + 10000, cy, cx + 12000, cy + 2000)
    ext = {"forest": far, "residential": far}
    layers = FakeLayers(
        extents=ext, forest=far, residential=box(cx + 11000, cy, cx + 11100, cy + 100)
    )
    t = heap_terrain(heap, layers=layers)
    assert math.isnan(t.forest_area_ha) and math.isnan(t.open_area_ha)
    assert math.isnan(t.housing_distance_m) and t.housing_distance_source == ""
    assert t.layers_not_assessed == "forest;residential" and t.layers_used == ""
    assert any("forest not assessed" in w for w in t.warnings)
    assert math.isnan(t.to_row()["excluded_forest_ha"])
    assert t.pv_usable_area_ha == pytest.approx(out["pv_usable_area_ha"], rel=1e-12)
    # a near area still proves nearness (no pass)
    near = FakeLayers(
        extents={"residential": far}, residential=box(cx + 300, cy - 50, cx + 400, cy + 50)
    )
    t2 = heap_terrain(heap, layers=near)
    assert t2.housing_distance_m < 600.0 and "only nearness proven" in t2.housing_distance_source


def test_registry_distance_without_covering_layer(stub_heap, heap):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class WithDistance(type(heap)):
        housing_distance_m: float | None = None

    h = WithDistance(
        "r", LAT, LON, area_ha=20.0, height_rel_m=30.0, form="table", housing_distance_m=900.0
    )
    t = terrain_for_heaps([h])["r"]
    assert t.housing_distance_m == 900.0 and t.housing_distance_source == "registry"


def test_heap_outline_replaces_parametric_footprint(heap, grid):
    cfg, out, X, Y, (cx, cy), res = grid
    outline = box(cx - 300, cy - 150, cx + 300, cy + 150)  # 18 ha rectangle
    t = heap_terrain(heap, layers=FakeLayers(heap_outline=outline))
    assert_allclose(t.footprint_area_ha, 18.0, rtol=0.03)
    assert t.layers_used == "heap_outline"
    assert any(a.startswith("footprint=heap_outline polygon") for a in t.assumed)
    assert_allclose(t.relative_height_m, 30.0, rtol=1e-9)
    # an outline farther than the search distance is not taken
    off = heap_terrain(heap, layers=FakeLayers(heap_outline=box(cx + 400, cy, cx + 600, cy + 200)))
    assert off.footprint_area_ha == pytest.approx(out["footprint_area_ha"], rel=1e-12)


def test_dem_mode_forest_quarter(synthetic_tif, to_utm):
    tif, h = synthetic_tif
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    dem = open_dem(tif)
    base = heap_terrain(h, cfg, dem)
    # the synthetic DEM's heap centre (see conftest.synthetic_dem)
    cx, cy = 372000.0 + 500.0, 5714000.0 + 500.0
    t = heap_terrain(h, cfg, dem, layers=FakeLayers(forest=_ne_box(cx, cy)))
    # a quarter of the footprint (pi 250^2 / 4) is forest
    assert_allclose(t.forest_area_ha, base.footprint_area_ha / 4, rtol=0.03)
    assert t.terrain_source == base.terrain_source
    # the four quarters partition the heap: their removals add up to the usable area
    removed = 0.0
    for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
        x0, x1 = sorted((cx - 0.1 * sx, cx + 5000 * sx))
        y0, y1 = sorted((cy - 0.1 * sy, cy + 5000 * sy))
        q = box(x0, y0, x1, y1)
        tq = heap_terrain(h, cfg, dem, layers=FakeLayers(forest=q))
        removed += base.pv_usable_area_ha - tq.pv_usable_area_ha
    assert_allclose(removed, base.pv_usable_area_ha, rtol=0.02)


def test_heap_without_position_lists_layers_not_assessed(stub_heap):
    h = stub_heap("np", None, None, area_ha=20.0, height_rel_m=30.0, form="table")
    t = heap_terrain(h, layers=FakeLayers(forest=box(0, 0, 1, 1), residential=box(0, 0, 1, 1)))
    assert t.layers_not_assessed == "forest;residential" and t.layers_used == ""
    assert math.isnan(t.forest_area_ha) and math.isnan(t.housing_distance_m)
    assert any("constraint layers not applied" in w for w in t.warnings)
