"""Terrain vectors: the analysis masks as polygons in EPSG:25832 (footprint, PV, exclusions)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from affine import Affine
from numpy.testing import assert_allclose

from haldenenergie.terrain import heap_terrain, terrain_for_heaps
from haldenenergie.terrain.columns import EXCLUSION_REASONS
from haldenenergie.terrain.vectors import polygonise, polygonise_labels


def test_polygonise_is_exact_cells():
    """A 3 x 4 block of 10 m cells: one 30 m x 40 m rectangle at the transform's position."""
    m = np.zeros((10, 10), dtype=bool)
    m[2:5, 3:7] = True
    tr = Affine(10.0, 0.0, 370000.0, 0.0, -10.0, 5710000.0)
    g = polygonise(m, tr)
    assert g.area == pytest.approx(1200.0, rel=1e-12)
    assert g.bounds == pytest.approx((370030.0, 5709950.0, 370070.0, 5709980.0))
    assert polygonise(np.zeros((3, 3), bool), tr) is None


def test_polygonise_labels_groups_disjoint_parts():
    lab = -np.ones((6, 6), dtype=int)
    lab[0, 0] = 2
    lab[5, 5] = 2
    lab[2:4, 2:4] = 7
    out = polygonise_labels(lab, Affine(2.0, 0, 0, 0, -2.0, 12.0))
    assert sorted(out) == [2, 7]
    assert out[2].geom_type == "MultiPolygon" and out[2].area == pytest.approx(8.0)
    assert out[7].area == pytest.approx(16.0)


def test_registry_heaps_vectors_match_figures(registry_heaps):
    """Every positioned heap: polygon areas equal the table's figures (cells are exact)."""
    terrains = terrain_for_heaps(registry_heaps)
    n = 0
    for t in terrains.values():
        v = t.vectors
        if t.summit_lat is None:
            assert v is None
            continue
        n += 1
        assert_allclose(v.footprint.area / 1e4, t.footprint_area_ha, rtol=1e-9)
        assert_allclose(sum(g.area for _, g in v.pv_areas) / 1e4, t.pv_usable_area_ha, rtol=1e-9)
        assert [c for c, _ in v.pv_areas] == list(t.surfaces["surface_class"])
        for cls, g in v.pv_areas:
            row = t.surfaces.set_index("surface_class").loc[cls]
            assert_allclose(g.area / 1e4, row["usable_area_ha"], rtol=1e-9)
        for reason, g in v.excluded:
            assert reason in EXCLUSION_REASONS
            assert_allclose(g.area / 1e4, t.excluded[reason], rtol=1e-9)
        site = 0.0 if v.turbine_site is None else v.turbine_site.area / 1e4
        assert_allclose(site, t.turbine_site_area_ha, rtol=1e-9, atol=1e-12)
        assert v.footprint.buffer(1e-6).covers(v.turbine_site or v.footprint.centroid)
    assert n > 20


def test_reserved_geopackage_gives_reserved_polygon(tmp_path, haniel, to_utm):
    """A GeoPackage (written by pyogrio, not by us) as reserved areas: its area is excluded."""
    import geopandas as gpd
    import shapely

    from haldenenergie.terrain import read_reserved_areas

    x, y = to_utm.transform(haniel.lon, haniel.lat)
    sq = shapely.box(x - 100, y - 100, x + 100, y + 100)
    p = tmp_path / "reserved.gpkg"
    gpd.GeoDataFrame({"name": ["Totem"]}, geometry=[sq], crs="EPSG:25832").to_file(p)
    t = heap_terrain(haniel, reserved=read_reserved_areas(str(p), 0.0))
    reasons = dict(t.vectors.excluded)
    assert "reserved" in reasons
    # the 200 m x 200 m square at 1 cell resolution: its area within a cell row either side
    res = t.resolution_m
    assert abs(reasons["reserved"].area - 4e4) <= 4 * 200 * res
    assert reasons["reserved"].intersection(sq).area / reasons["reserved"].area > 0.99
    assert math.isclose(reasons["reserved"].area / 1e4, t.excluded["reserved"], rel_tol=1e-9)


def test_flatgeobuf_forest_layer(tmp_path, invoke):
    """A FlatGeobuf (written by pyogrio) as ``--layer forest=``: forest assessed on the heap."""
    import io

    import geopandas as gpd
    import pandas as pd

    from haldenenergie.pipeline import load_heaps
    from haldenenergie.resources import default_registry_path

    heap = next(h for h in load_heaps(default_registry_path()) if h.id == "haniel")
    # a 0.04 deg x 0.024 deg box (about 2.8 km x 2.7 km) around the heap: all of it forest
    sq = shapely.box(heap.lon - 0.02, heap.lat - 0.012, heap.lon + 0.02, heap.lat + 0.012)
    p = tmp_path / "wald.fgb"
    gpd.GeoDataFrame({"name": ["Wald"]}, geometry=[sq], crs="EPSG:4326").to_file(
        p, driver="FlatGeobuf"
    )
    r = invoke("terrain", "--heap", "haniel", "--layer", f"forest={p}")
    assert r.exit_code == 0, r.stderr
    row = pd.read_csv(io.StringIO(r.stdout)).iloc[0]
    assert "forest" in row["layers_used"]
    # the whole footprint lies in the forest polygon
    assert row["forest_area_ha"] == pytest.approx(row["footprint_area_ha"], rel=1e-3)  # CSV digits
    assert row["excluded_forest_ha"] > 0
