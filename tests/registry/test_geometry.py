"""Tests of the geometry checks and footprint areas (haldenenergie.registry.geometry)."""

from __future__ import annotations

from numpy.testing import assert_allclose
from shapely.geometry import Point, Polygon

from haldenenergie.registry.geometry import check_geometry, footprint_area_ha, locate


def _check(g):
    found = []
    geom = check_geometry(g, lambda prop, message, severity="error": found.append((prop, message)))
    return geom, found


def test_footprint_area_of_a_metric_square(square_wgs84):
    # Near Hoheward: E 372,000 m, N 5,714,000 m (EPSG:25832); 300 m x 300 m = 9 ha.
    # Tolerance 1e-6 relative: the same transformation inverted (pyproj round trip ~1e-9 m).
    assert_allclose(
        footprint_area_ha(Polygon(square_wgs84(372_000, 5_714_000, 300))), 9.0, rtol=1e-6
    )


def test_locate_point_polygon_and_none(square_wgs84):
    assert locate(Point(7.0, 51.5)) == (7.0, 51.5, None, None)
    assert locate(None) == (None, None, None, None)
    ring3d = [[x, y, 50.0] for x, y in square_wgs84(372_000, 5_714_000, 100)]
    lon, lat, footprint, area = locate(Polygon(ring3d))
    assert not footprint.has_z and footprint.contains(Point(lon, lat))
    assert_allclose(area, 1.0, rtol=1e-6)


def test_check_geometry_accepts_null_and_point():
    assert _check(None) == (None, [])
    geom, found = _check({"type": "Point", "coordinates": [7.0, 51.5, 80]})
    assert found == [] and geom.geom_type == "Point"


def test_check_geometry_reports_one_problem_each():
    cases = {
        "not-object": ("Point", "not a GeoJSON geometry object"),
        "line": ({"type": "LineString", "coordinates": [[7, 51.5], [7.1, 51.5]]}, "unsupported"),
        "empty-polygon": ({"type": "Polygon", "coordinates": []}, "invalid Polygon coordinates"),
        "nan": ({"type": "Point", "coordinates": [7.0, float("nan")]}, "invalid position"),
        "far": ({"type": "Point", "coordinates": [13.4, 52.5]}, "outside the Ruhr bounding box"),
        "huge": (
            {
                "type": "Polygon",
                "coordinates": [[[6.3, 51.3], [7.9, 51.3], [7.9, 51.8], [6.3, 51.8], [6.3, 51.3]]],
            },
            "is absurd",
        ),
    }
    for name, (g, text) in cases.items():
        geom, found = _check(g)
        assert geom is None and len(found) == 1, name
        assert found[0][0] == "geometry" and text in found[0][1], (name, found)
