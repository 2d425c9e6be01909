"""Tests of the registry checker (haldenenergie.registry.validate) and ``heaps validate``.

Broken registries fail through the library and the CLI with the right message; warnings do not
fail (unless ``--strict``); footprint geometries are checked and turned into heaps.
"""

from __future__ import annotations

import json
import re

import pytest
from numpy.testing import assert_allclose
from shapely.geometry import Point

from haldenenergie.errors import RegistryError
from haldenenergie.registry import (
    check_registry,
    footprint_area_ha,
    heaps_to_geodataframe,
    read_registry,
    validate_registry,
)
from haldenenergie.registry.validate import RegistryChecker, check_file

# --------------------------------------------------------------------------------------------------
# Broken registries: each fails through the function and the CLI with the right message
# --------------------------------------------------------------------------------------------------


def _feature(**props):
    p = {
        "id": "test-heap",
        "name": "Halde Test",
        "city": "Herten",
        "owner": "RVR",
        "area_ha": 20,
        "height_asl_m": 100,
        "height_rel_m": 50,
        "form": "table",
        "existing_wind_count": 0,
        "access": "open",
        "sources": "hand-made test data",
    }
    p.update(props)
    p = {k: v for k, v in p.items() if v is not _DROP}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [7.0, 51.5]},
        "properties": p,
    }


_DROP = object()


def _fc(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _with_geometry(geometry, **props):
    f = _feature(**props)
    f["geometry"] = geometry
    return f


_BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[7.0, 51.5], [7.01, 51.51], [7.01, 51.5], [7.0, 51.51], [7.0, 51.5]]],
}

BROKEN = {
    "malformed-json": (
        '{"type": "FeatureCollection",\n "features": [\n {"type": "Feature" "x": 1}]}',
        r"JSON: malformed JSON at line 3, column 21: Expecting ',' delimiter",
    ),
    "nan-number": (
        _fc(_feature()).replace('"area_ha": 20', '"area_ha": NaN'),
        r"NaN is not a valid JSON number",
    ),
    "not-featurecollection": (
        json.dumps(_feature()),
        r"not a GeoJSON FeatureCollection \(got 'Feature'\); wrap",
    ),
    "no-features": (_fc(), r"features: no features"),
    "no-properties": (
        json.dumps(
            {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None}]}
        ),
        r"\(#0\): properties: feature without properties",
    ),
    "missing-id": (_fc(_feature(id=_DROP)), r"feature <no id> \(#0\): id: missing or empty"),
    "empty-id": (_fc(_feature(id="  ")), r"id: missing or empty"),
    "id-not-slug": (_fc(_feature(id="Halde Groß")), r"not an ASCII slug .*'halde-gross'"),
    "duplicate-id": (
        _fc(_feature(), _feature(name="Other")),
        r"feature test-heap \(#1\): id: duplicate id, already used by feature #0",
    ),
    "duplicate-key": (
        _fc(_feature()).replace('"area_ha": 20', '"area_ha": 20, "area_ha": 21'),
        r"area_ha: property given twice",
    ),
    "missing-name": (_fc(_feature(name=_DROP)), r"feature test-heap \(#0\): name: missing"),
    "empty-name": (_fc(_feature(name="")), r"name: missing or empty"),
    "outside-bbox": (
        _fc(_with_geometry({"type": "Point", "coordinates": [13.4, 52.5]})),
        r"geometry: coordinates \[13.4, 52.5\] outside the Ruhr bounding box",
    ),
    "swapped-lonlat": (
        _fc(_with_geometry({"type": "Point", "coordinates": [51.5, 7.0]})),
        r"outside the Ruhr bounding box .*lon and lat look swapped",
    ),
    "projected-metres": (
        _fc(_with_geometry({"type": "Point", "coordinates": [360000, 5712000]})),
        r"projected metres \(EPSG:25832\?\)",
    ),
    "unsupported-geometry": (
        _fc(_with_geometry({"type": "LineString", "coordinates": [[7.0, 51.5], [7.1, 51.5]]})),
        r"unsupported geometry type 'LineString'",
    ),
    "bad-point-coords": (
        _fc(_with_geometry({"type": "Point", "coordinates": [7.0]})),
        r"geometry: invalid position \[7.0\]",
    ),
    "string-coords": (
        _fc(_with_geometry({"type": "Point", "coordinates": "7.0, 51.5"})),
        r"geometry: invalid Point coordinates",
    ),
    "unclosed-ring": (
        _fc(
            _with_geometry(
                {
                    "type": "Polygon",
                    "coordinates": [[[7.0, 51.5], [7.01, 51.5], [7.01, 51.51], [7.0, 51.51]]],
                }
            )
        ),
        r"invalid polygon ring",
    ),
    "self-intersecting": (_fc(_with_geometry(_BOWTIE)), r"invalid polygon: Self-intersection"),
    "missing-geometry": (
        _fc({k: v for k, v in _feature().items() if k != "geometry"}),
        r"geometry: member missing",
    ),
    "negative-area": (_fc(_feature(area_ha=-5)), r"area_ha: -5 must be > 0 \[ha\]"),
    "absurd-area": (_fc(_feature(area_ha=170000)), r"area_ha: 170000 ha is absurd .*m²"),
    "zero-height-rel": (_fc(_feature(height_rel_m=0)), r"height_rel_m: 0 m is outside \(0, 200\]"),
    "absurd-height-rel": (
        _fc(_feature(height_rel_m=500, height_asl_m=None)),
        r"height_rel_m: 500 m is outside",
    ),
    "absurd-height-asl": (
        _fc(_feature(height_asl_m=600)),
        r"height_asl_m: 600 m is outside 0–300 m a.s.l.",
    ),
    "unknown-form": (
        _fc(_feature(form="pyramid")),
        r"form: unknown form 'pyramid'; allowed: cone, table, terraced, landscape",
    ),
    "unknown-access": (
        _fc(_feature(access="public")),
        r"access: unknown access 'public'; allowed: open, closed, unknown",
    ),
    "unknown-nature": (
        _fc(_feature(nature_protection="yes")),
        r"nature_protection: unknown value 'yes'; allowed: reserve, adjacent, planned",
    ),
    "non-numeric-area": (
        _fc(_feature(area_ha="12 ha")),
        r'area_ha: must be a number or null, got "12 ha"',
    ),
    "quoted-number": (_fc(_feature(height_rel_m="50")), r"height_rel_m: must be a number"),
    "bool-number": (_fc(_feature(area_ha=True)), r"area_ha: must be a number or null, got true"),
    "text-not-string": (_fc(_feature(city=42)), r"city: must be text or null, got 42"),
    "negative-wind-count": (
        _fc(_feature(existing_wind_count=-1)),
        r"existing_wind_count: -1 must be >= 0",
    ),
    "fractional-wind-count": (
        _fc(_feature(existing_wind_count=1.5, existing_wind_model="E-82")),
        r"existing_wind_count: must be a whole number, got 1.5",
    ),
    "rated-power-in-watts": (
        _fc(
            _feature(
                existing_wind_count=1, existing_wind_model="E-82", existing_wind_rated_kw=2300000
            )
        ),
        r"existing_wind_rated_kw: 2300000 is outside \(0, 20000\] kW",
    ),
    "hub-below-radius": (
        _fc(
            _feature(
                existing_wind_count=1,
                existing_wind_model="E-138",
                existing_wind_hub_height_m=60,
                existing_wind_rotor_diameter_m=138,
            )
        ),
        r"hub height 60 m is below the rotor radius 69 m",
    ),
    "negative-housing-distance": (
        _fc(_feature(housing_distance_m=-100)),
        r"housing_distance_m: -100 must be >= 0 \[m\]",
    ),
    "id-member-mismatch": (
        _fc({**_feature(), "id": "other"}),
        r"feature member \"id\" \('other'\) differs",
    ),
    "non-wgs84-crs": (
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                "features": [_feature()],
            }
        ),
        r"crs: coordinate reference system .* is not WGS84",
    ),
    "feature-not-feature": (_fc("hello"), r"\(#0\): type: not a GeoJSON Feature \(got 'string'\)"),
    "empty-file": ("", r"file: empty file; write a GeoJSON FeatureCollection"),
    "whitespace-only": ("  \n\n", r"file: empty file"),
    "json-null": ("null", r"type: not a GeoJSON FeatureCollection \(got 'null'\)"),
    "json-array": ("[]", r"type: not a GeoJSON FeatureCollection \(got 'array'\)"),
    "deeply-nested": ("[" * 100_000, r"JSON: nested too deeply to parse"),
}


@pytest.fixture(params=sorted(BROKEN), ids=sorted(BROKEN))
def broken(request, tmp_path):
    text, match = BROKEN[request.param]
    path = tmp_path / f"{request.param}.geojson"
    path.write_text(text, encoding="utf-8")
    return path, match


def test_broken_registry_fails_in_library(broken):
    path, match = broken
    problems = validate_registry(path)
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, [p.format(path) for p in problems]
    assert re.search(match, errors[0].format(path)), errors[0].format(path)
    with pytest.raises(RegistryError, match=match):
        read_registry(path)


def test_broken_registry_fails_in_cli(broken, invoke):
    path, match = broken
    res = invoke("heaps", "validate", str(path))
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    assert re.search(match, res.output), res.output
    assert f"{path}: 1 error" in res.output
    res = invoke("heaps", "list", "--heaps", str(path))
    assert res.exit_code == 1
    assert res.output.startswith("error: ") and len(res.output.strip().splitlines()) == 1
    assert re.search(match, res.output), res.output


def test_problems_are_all_collected(tmp_path, invoke):
    path = tmp_path / "many.geojson"
    path.write_text(
        _fc(_feature(area_ha=-1, form="x"), _feature(name=None), _feature(id="b", access="public")),
        encoding="utf-8",
    )
    problems = validate_registry(path)
    got = {(p.feature_id, p.index, p.property) for p in problems}
    assert got == {
        ("test-heap", 0, "area_ha"),
        ("test-heap", 0, "form"),
        ("test-heap", 1, "id"),
        ("test-heap", 1, "name"),
        ("b", 2, "access"),
    }
    with pytest.raises(
        RegistryError, match=r"\(and 4 more errors; run 'haldenenergie heaps validate"
    ):
        read_registry(path)
    res = invoke("heaps", "validate", str(path))
    assert res.exit_code == 1 and "5 errors, 0 warnings; invalid" in res.output
    # every problem printed as PATH: feature <id> (#index): <property>: <message>
    assert (
        len(
            [
                ln
                for ln in res.output.splitlines()
                if re.match(rf"{re.escape(str(path))}: feature \S+ \(#\d\): \w+: ", ln)
            ]
        )
        == 5
    )


def test_binary_file_and_directory(tmp_path, invoke):
    binary = tmp_path / "heaps.geojson"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    res = invoke("heaps", "validate", str(binary))
    assert res.exit_code == 1 and "file: not UTF-8 text" in res.output
    with pytest.raises(RegistryError, match=r"not UTF-8 text"):
        read_registry(binary)
    with pytest.raises(RegistryError, match=r"file: cannot read \(Is a directory\)"):
        read_registry(tmp_path)
    res = invoke("heaps", "validate", str(tmp_path))
    assert res.exit_code == 2 and "is a directory" in res.output  # click usage error


def test_bom_prefixed_registry_is_read(tmp_path):
    """RFC 8259 section 8.1: parsers may ignore a byte order mark; Windows editors write one."""
    path = tmp_path / "bom.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + _fc(_feature()).encode("utf-8"))
    assert validate_registry(path) == []
    (h,) = read_registry(path)
    assert h.id == "test-heap" and h.area_ha == 20


def test_missing_file(tmp_path, invoke):
    path = tmp_path / "nope.geojson"
    res = invoke("heaps", "validate", str(path))
    assert res.exit_code == 1 and "file: not found" in res.output
    with pytest.raises(RegistryError, match="not found"):
        read_registry(path)


# --------------------------------------------------------------------------------------------------
# Warnings do not fail (unless --strict)
# --------------------------------------------------------------------------------------------------

WARNINGS = {
    "wind-count-without-model": (
        _feature(existing_wind_count=2),
        "existing_wind_model",
        r"2 existing turbine\(s\) but no model",
    ),
    "large-area": (_feature(area_ha=400), "area_ha", r"larger than any known Ruhr heap"),
    "low-base": (_feature(height_asl_m=40, height_rel_m=35), "height_rel_m", r"base at 5 m a.s.l."),
    "typo-property": (_feature(area_hectares=5), "area_hectares", r"did you mean 'area_ha'"),
    "other-owner": (_feature(owner="City of Bochum"), "owner", r"unknown owner 'City of Bochum'"),
    "no-sources": (_feature(sources=None), "sources", r"no sources"),
}


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_warnings_do_not_fail(case, tmp_path, invoke):
    feat, prop, match = WARNINGS[case]
    path = tmp_path / "warn.geojson"
    path.write_text(_fc(feat), encoding="utf-8")
    (problem,) = validate_registry(path)
    assert problem.severity == "warning" and problem.property == prop
    assert re.search(match, problem.message)
    assert len(read_registry(path)) == 1
    res = invoke("heaps", "validate", str(path))
    assert res.exit_code == 0 and f"{path}: 1 heap, OK" in res.output
    assert re.search(rf"feature test-heap \(#0\): {prop}: warning: .*{match}", res.output)
    assert invoke("heaps", "validate", "--strict", str(path)).exit_code == 1


# --------------------------------------------------------------------------------------------------
# Footprints
# --------------------------------------------------------------------------------------------------


def test_polygon_footprint_accepted(tmp_path, square_wgs84):
    # Near Hoheward: E 372,000 m, N 5,714,000 m (EPSG:25832); 500 m x 500 m = 25 ha.
    ring = square_wgs84(372_000, 5_714_000, 500)
    path = tmp_path / "poly.geojson"
    path.write_text(
        _fc(_with_geometry({"type": "Polygon", "coordinates": [ring]}, area_ha=None)),
        encoding="utf-8",
    )
    assert validate_registry(path) == []
    (h,) = read_registry(path)
    # Tolerance 1e-6 relative: the same transformation inverted (pyproj round trip ~1e-9 m).
    assert_allclose(h.footprint_area_ha, 25.0, rtol=1e-6)
    assert h.area_ha == h.footprint_area_ha and h.area_source == "footprint"
    assert h.footprint.geom_type == "Polygon" and h.footprint.contains(Point(h.lon, h.lat))
    # the point is the centroid of a convex polygon
    assert_allclose([h.lon, h.lat], [h.footprint.centroid.x, h.footprint.centroid.y], atol=1e-12)
    gdf = heaps_to_geodataframe([h])
    assert gdf.crs.to_epsg() == 4326 and gdf.geometry.iloc[0].geom_type == "Polygon"
    assert_allclose(gdf.to_crs(25832).area.iloc[0] / 1e4, 25.0, rtol=1e-6)


def test_multipolygon_footprint_and_area_mismatch_warning(tmp_path, square_wgs84):
    a = square_wgs84(372_000, 5_714_000, 200)  # 4 ha
    b = square_wgs84(373_000, 5_714_000, 100)  # 1 ha
    geom = {"type": "MultiPolygon", "coordinates": [[a], [b]]}
    path = tmp_path / "multi.geojson"
    path.write_text(_fc(_with_geometry(geom, area_ha=20)), encoding="utf-8")
    (problem,) = validate_registry(path)
    assert problem.severity == "warning" and problem.property == "area_ha"
    assert "footprint polygon has 5.0 ha" in problem.message
    (h,) = read_registry(path)
    assert_allclose(footprint_area_ha(h.footprint), 5.0, rtol=1e-6)
    assert h.area_ha == 20 and h.area_source == "registry"
    assert h.footprint.contains(Point(h.lon, h.lat))


def test_concave_footprint_point_inside(tmp_path):
    # A U shape: its centroid lies in the notch, so the representative point is used.
    u = [
        [7.00, 51.50],
        [7.03, 51.50],
        [7.03, 51.52],
        [7.02, 51.52],
        [7.02, 51.505],
        [7.01, 51.505],
        [7.01, 51.52],
        [7.00, 51.52],
        [7.00, 51.50],
    ]
    path = tmp_path / "u.geojson"
    path.write_text(
        _fc(_with_geometry({"type": "Polygon", "coordinates": [u]}, area_ha=None)), encoding="utf-8"
    )
    (h,) = read_registry(path)
    assert h.footprint.contains(Point(h.lon, h.lat))


def test_null_geometry_and_null_form(tmp_path):
    path = tmp_path / "null.geojson"
    path.write_text(
        _fc(_with_geometry(None, form=None, existing_wind_count=None)), encoding="utf-8"
    )
    heaps, problems = check_registry(path)
    assert problems == []
    (h,) = heaps
    assert h.lat is None and h.lon is None and h.footprint is None
    assert h.form == "unknown" and h.existing_wind.count == 0


# --------------------------------------------------------------------------------------------------
# The checker object
# --------------------------------------------------------------------------------------------------


def test_check_file_collects_heaps_and_problems(tmp_path):
    path = tmp_path / "two.geojson"
    path.write_text(_fc(_feature(), _feature(id="b", area_ha=-1)), encoding="utf-8")
    checker = check_file(path)
    assert isinstance(checker, RegistryChecker) and checker.n_errors == 1
    assert [h.id for h in checker.heaps] == ["test-heap"]
    (problem,) = checker.problems
    assert (problem.feature_id, problem.index, problem.property) == ("b", 1, "area_ha")


def test_problems_of_one_feature_in_reporting_order(tmp_path):
    path = tmp_path / "order.geojson"
    feat = _with_geometry(
        {"type": "Point", "coordinates": [51.5, 7.0]},
        name="",
        form="pyramid",
        area_ha=-1,
        existing_wind_count=-1,
        sources=None,
    )
    path.write_text(_fc(feat), encoding="utf-8")
    props = [p.property for p in validate_registry(path)]
    assert props == ["name", "form", "area_ha", "existing_wind_count", "sources", "geometry"]
