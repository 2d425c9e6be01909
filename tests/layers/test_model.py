"""Layer and LayerSet: kinds, coverage, union over layers, manifest records."""

from __future__ import annotations

import pytest
import shapely

from haldenenergie.layers import KINDS, Layer, LayerSet
from haldenenergie.layers.model import VectorSource


def _layer(kind, geoms, extent, path="a.gpkg", schema="plain"):
    return Layer(kind, path, schema, len(geoms), "0" * 64, extent, VectorSource(geoms))


def test_layerset_api():
    big = shapely.box(0, 0, 1000, 1000)
    a = _layer("residential", [shapely.box(0, 0, 10, 10)], big, "houses.gpkg", "atkis")
    b = _layer("forest", [shapely.box(100, 100, 200, 200)], big, "wald.shp", "atkis")
    c = _layer(
        "forest", [shapely.box(150, 100, 300, 200), shapely.Point(500, 500)], big, "x.osm", "osm"
    )
    ls = LayerSet([a, b, c])
    assert ls and len(ls) == 3 and not LayerSet()
    assert ls.kinds() == ("forest", "residential")
    assert set(ls.kinds()) <= set(KINDS)
    assert ls.has("forest") and not ls.has("protected")
    assert ls.source("forest") == "wald.shp (atkis); x.osm (osm)"
    assert ls.source("protected") == ""
    assert ls.records()[0] == {
        "kind": "residential",
        "path": "houses.gpkg",
        "schema": "atkis",
        "sha256": "0" * 64,
        "n_features": 1,
    }
    g = ls.geometry("forest", (0, 0, 1000, 1000))
    parts = shapely.get_parts(g)
    assert sum(p.area for p in parts) == pytest.approx(200 * 100)  # union: overlap counted once
    assert any(p.geom_type == "Point" for p in parts)
    assert ls.geometry("forest", (0, 0, 50, 50)).is_empty
    assert ls.geometry("protected", (0, 0, 1, 1)) is None
    assert ls.covers("forest", shapely.box(10, 10, 990, 990))
    assert not ls.covers("forest", shapely.box(10, 10, 1010, 990))


def test_geometry_whole_features_not_clipped():
    wood = shapely.box(0, 0, 100, 100)
    la = _layer("forest", [wood], shapely.box(-1e4, -1e4, 1e4, 1e4))
    assert la.geometry((90, 90, 95, 95)).equals(wood)
    assert la.geometry().equals(wood)
