"""Tests of reading the registry (haldenenergie.registry.read) and of the shipped registry.

The shipped ``heaps.geojson`` equals the fact table ``heap_facts.csv`` cell by cell, and
``tools/transcribe_heaps.py`` reproduces it byte for byte.
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from haldenenergie.errors import RegistryError
from haldenenergie.registry import (
    FORMS,
    PROPERTY_ORDER,
    RUHR_BBOX,
    Heap,
    find_heap,
    heap_record,
    heaps_to_geodataframe,
    read_registry,
    validate_registry,
)

NUMERIC = (
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "existing_wind_count",
    "existing_wind_rated_kw",
    "existing_wind_hub_height_m",
    "existing_wind_rotor_diameter_m",
)


def test_shipped_registry_validates_without_problems(registry_path):
    assert validate_registry(registry_path) == []
    heaps = read_registry(registry_path)
    assert len(heaps) == 46
    assert all(isinstance(h, Heap) and h.form in FORMS for h in heaps)


def test_shipped_registry_has_the_fact_table_ids_in_order(fact_rows, shipped):
    ids = [f["properties"]["id"] for f in shipped["features"]]
    assert ids == [r["id"] for r in fact_rows]
    assert len(set(ids)) == 46
    assert [f["id"] for f in shipped["features"]] == ids


def test_shipped_registry_values_equal_the_fact_table(fact_rows, shipped):
    """Every cell of the CSV, exactly: numbers as numbers (float(csv) == value), text verbatim,
    empty cells null; lat/lon as the Point's [lon, lat]."""
    for row, feat in zip(fact_rows, shipped["features"], strict=True):
        props = feat["properties"]
        assert list(props) == list(PROPERTY_ORDER)
        for col, cell in row.items():
            if col in ("lat", "lon"):
                continue
            v = props[col]
            if cell == "":
                assert v is None, (row["id"], col)
            elif col in NUMERIC:
                assert isinstance(v, (int, float)) and not isinstance(v, bool), (row["id"], col)
                assert v == float(cell), (row["id"], col, v, cell)
            else:
                assert v == cell, (row["id"], col)
        assert props["housing_distance_m"] is None
        if row["lat"] == "":
            assert row["lon"] == "" and feat["geometry"] is None
        else:
            assert feat["geometry"]["type"] == "Point"
            assert feat["geometry"]["coordinates"] == [float(row["lon"]), float(row["lat"])]


def test_shipped_registry_heaps_match_fact_table(fact_rows, registry_path):
    heaps = {h.id: h for h in read_registry(registry_path)}
    for row in fact_rows:
        h = heaps[row["id"]]
        assert h.name == row["name"]
        assert h.lat == (float(row["lat"]) if row["lat"] else None)
        assert h.lon == (float(row["lon"]) if row["lon"] else None)
        assert h.area_ha == (float(row["area_ha"]) if row["area_ha"] else None)
        assert h.height_rel_m == (float(row["height_rel_m"]) if row["height_rel_m"] else None)
        assert h.existing_wind.count == int(row["existing_wind_count"])
        assert h.existing_wind.hub_height_m == (
            float(row["existing_wind_hub_height_m"]) if row["existing_wind_hub_height_m"] else None
        )
        assert h.sources == row["sources"]
        assert h.footprint is None and h.housing_distance_m is None
    # 46 of the 58 heaps of the RVR heap concept are identified; 33 of them have coordinates
    assert sum(h.lat is not None for h in heaps.values()) == sum(bool(r["lat"]) for r in fact_rows)


def test_shipped_registry_header_states_coverage(shipped):
    assert shipped["type"] == "FeatureCollection"
    assert "12 of 58" in shipped["description"] and "heap_facts.csv" in shipped["description"]
    assert shipped["heaps_total"] == 58 and shipped["heaps_identified"] == 46


def test_transcription_tool_reproduces_the_registry(shared_dir, root_dir, registry_path):
    spec = importlib.util.spec_from_file_location(
        "transcribe_heaps", root_dir / "tools" / "transcribe_heaps.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = mod.dumps(mod.transcribe(shared_dir / "data" / "heaps" / "heap_facts.csv"))
    assert text == registry_path.read_text(encoding="utf-8")


def test_located_heaps_inside_bbox(registry_path):
    lon_min, lat_min, lon_max, lat_max = RUHR_BBOX
    for h in read_registry(registry_path):
        if h.lat is not None:
            assert lon_min <= h.lon <= lon_max and lat_min <= h.lat <= lat_max


def test_geodataframe_of_shipped_registry(registry_path):
    heaps = read_registry(registry_path)
    gdf = heaps_to_geodataframe(heaps)
    assert list(gdf["heap_id"]) == [h.id for h in heaps]
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.isna().sum() == sum(h.lat is None for h in heaps)
    assert "area_ha" in gdf.columns and "height_rel_m" in gdf.columns


def test_find_heap(registry_path):
    heaps = read_registry(registry_path)
    assert find_heap(heaps, "haniel").name == "Halde Haniel"
    with pytest.raises(RegistryError, match="no heap with id"):
        find_heap(heaps, "zzzz")
    with pytest.raises(
        RegistryError, match=r"x.geojson: no heap with id 'hanel'; did you mean haniel"
    ):
        find_heap(heaps, "hanel", "x.geojson")
    with pytest.raises(RegistryError, match="see 'haldenenergie heaps list' for the ids"):
        find_heap(heaps, "qqqqqqqq")


def test_heap_record_is_the_heaps_flat_record(registry_path):
    heaps = read_registry(registry_path)
    for h in heaps:
        assert heap_record(h) == h.to_record()
    rec = heap_record(next(h for h in heaps if h.id == "hoheward"))
    keys = list(rec)
    assert keys[: keys.index("point_kind")][-4:] == [
        "lat",
        "lon",
        "geometry_type",
        "footprint_area_ha",
    ]
    assert keys[keys.index("area_ha") + 1] == "area_source" and rec["area_source"] == "registry"
    assert rec["geometry_type"] == "Point" and rec["footprint_area_ha"] is None
    assert json.loads(json.dumps(rec)) == rec


def test_geodataframe_of_no_heaps():
    gdf = heaps_to_geodataframe([])
    assert len(gdf) == 0 and gdf.crs.to_epsg() == 4326


def test_read_registry_logs_warnings(tmp_path, caplog):
    feat = {
        "type": "Feature",
        "geometry": None,
        "properties": {"id": "a", "name": "A", "area_ha": 400, "sources": "x"},
    }
    path = tmp_path / "w.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}), encoding="utf-8")
    with caplog.at_level("WARNING", logger="haldenenergie.registry"):
        (h,) = read_registry(path)
    assert isinstance(h, Heap) and "larger than any known Ruhr heap" in caplog.text
