"""Tests of haldenenergie.suitability.housing: distances from a residential layer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import suitability as S
from haldenenergie.errors import ConfigError


def _layer(tmp_path, lat, lon, gap_m, size_m=400.0, name="residential.geojson"):
    """GeoJSON with one residential square whose west edge is gap_m east of (lat, lon)."""
    import json
    import math

    m_per_deg_lon = 111_320.0 * math.cos(math.radians(lat))
    x0, x1 = lon + gap_m / m_per_deg_lon, lon + (gap_m + size_m) / m_per_deg_lon
    dy = size_m / 2 / 111_320.0
    ring = [[x0, lat - dy], [x1, lat - dy], [x1, lat + dy], [x0, lat + dy], [x0, lat - dy]]
    p = tmp_path / name
    p.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    return p


def test_residential_layer_distance_source_and_extent(tmp_path, caplog, heap, row):
    """Distances from a layer (registry Heap objects), named as such in the reasons. Outside the
    layer's extent a near area still counts (it proves housing is near), a far one does not (a
    partial layer is never a pass). The registry's distance comes first. Distances analytic
    within 1 % (equirectangular square vs UTM 32N)."""
    lat, lon = 51.55, 7.10
    near = _layer(tmp_path, lat, lon, gap_m=300.0)
    heaps = [
        heap("near", housing_distance_m=None, lat=lat, lon=lon),
        heap("far", housing_distance_m=None, lat=lat, lon=lon - 0.2),  # ~14 km west
        heap("reg", housing_distance_m=1500.0, lat=lat, lon=lon),
    ]
    rows = pd.DataFrame([row("near"), row("far"), row("reg")])
    cfg = dataclasses.replace(S.SuitabilityConfig(), residential_areas_path=str(near))
    with caplog.at_level("WARNING", logger="haldenenergie.suitability"):
        ranked, _ = S.rank_results(rows, heaps, cfg)
    r = ranked.set_index("heap_id")
    assert_allclose(r.loc["near", "housing_distance_m"], 300.0, rtol=0.01)
    assert r.loc["near", "wind_suitability"] == "unsuitable"
    assert "m to housing < 600 m minimum (residential layer)" in r.loc["near", "reasons"]
    assert "Mindestabstand (Wohngebiets-Layer)" in r.loc["near", "reasons_de"]
    assert r.loc["far", "wind_suitability"] == "not-assessed"
    assert pd.isna(r.loc["far", "housing_distance_m"])
    assert "outside the residential layer's extent" in caplog.text and ": far" in caplog.text
    assert r.loc["reg", "wind_suitability"] == "suitable"
    assert r.loc["reg", "housing_distance_m"] == 1500.0
    # A heap inside the extent (between two areas) gets its far distance: a pass.
    d = S.housing_distances_from_layer(
        [heap("mid", lat=lat, lon=lon + 0.05)],
        _layer(tmp_path, lat, lon, gap_m=-2000.0, size_m=10_000.0, name="big.geojson"),
    )
    assert d["mid"] == 0.0  # inside the big square
    # Direct call without the cut-off keeps every distance (~14 km for "far").
    d = S.housing_distances_from_layer(heaps, near, max_distance_outside_m=None)
    assert_allclose(d["far"], 0.2 * 111_320.0 * np.cos(np.radians(lat)) + 300.0, rtol=0.01)
    # Re-ranked without the layer, the distance kept in the results is named as from there.
    again, _ = S.rank_results(ranked, heaps, S.SuitabilityConfig())
    a = again.set_index("heap_id")
    assert "(results.csv)" in a.loc["near", "reasons"]
    assert a.loc["far", "wind_suitability"] == "not-assessed"


def test_residential_layer_errors_are_one_line_config_errors(tmp_path, heap):
    h = [heap("a", lat=51.55, lon=7.10)]
    with pytest.raises(ConfigError, match="residential areas file not found; check"):
        S.housing_distances_from_layer(h, tmp_path / "missing.geojson")
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read residential areas as GeoJSON"):
        S.housing_distances_from_layer(h, bad)
    pts = tmp_path / "points.geojson"
    pts.write_text('{"type": "Point", "coordinates": [7.1, 51.5]}', encoding="utf-8")
    with pytest.raises(ConfigError, match="no Polygon/MultiPolygon features") as exc:
        S.housing_distances_from_layer(h, pts)
    assert "\n" not in str(exc.value) and str(pts) in str(exc.value)


def test_residential_geopackage_in_metric_crs_gives_the_same_distance(tmp_path, heap):
    """A GeoPackage in EPSG:25832 of the same square gives the GeoJSON's distance (1 mm)."""
    import geopandas as gpd

    lat, lon = 51.55, 7.10
    src = _layer(tmp_path, lat, lon, gap_m=800.0)
    gpkg = tmp_path / "residential.gpkg"
    gpd.read_file(src).to_crs("EPSG:25832").to_file(gpkg)
    h = [heap("a", lat=lat, lon=lon)]
    d_json = S.housing_distances_from_layer(h, src)["a"]
    d_gpkg = S.housing_distances_from_layer(h, gpkg)["a"]
    assert_allclose(d_gpkg, d_json, atol=1e-3)
    assert_allclose(d_json, 800.0, rtol=0.01)
