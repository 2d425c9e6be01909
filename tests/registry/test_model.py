"""Tests of the heap record (haldenenergie.registry.model): Heap, ExistingWind, Problem."""

from __future__ import annotations

import dataclasses

import pytest
from shapely.geometry import box

from haldenenergie.registry.model import (
    DERIVED_FIELDS,
    FORMS,
    ID_PATTERN,
    INTEGER_PROPERTIES,
    NUMERIC_PROPERTIES,
    PROPERTY_ORDER,
    TEXT_OR_NUMBER_PROPERTIES,
    TEXT_PROPERTIES,
    ExistingWind,
    Heap,
    Problem,
)

PROPS = {
    "id": "test-heap",
    "name": "Halde Test",
    "area_ha": 20,
    "height_asl_m": 100,
    "height_rel_m": 50,
    "form": None,
    "existing_wind_count": 2,
    "existing_wind_model": "Enercon E-101",
    "existing_wind_rated_kw": 3050,
    "existing_wind_since": 2016,
    "operator": "extra",
}


def test_property_families_partition_the_order():
    families = TEXT_PROPERTIES + NUMERIC_PROPERTIES + INTEGER_PROPERTIES + TEXT_OR_NUMBER_PROPERTIES
    assert sorted(families) == sorted(PROPERTY_ORDER)
    assert not set(DERIVED_FIELDS) & set(PROPERTY_ORDER)
    assert "unknown" in FORMS
    assert ID_PATTERN.match("lohberg-nord") and not ID_PATTERN.match("Lohberg--Nord")


def test_heap_from_properties_converts_units_and_defaults():
    h = Heap.from_properties("test-heap", PROPS, lon=7.0, lat=51.5)
    assert (h.lon, h.lat, h.area_ha, h.area_source) == (7.0, 51.5, 20.0, "registry")
    assert isinstance(h.height_rel_m, float) and h.form == "unknown" and h.sources == ""
    assert h.existing_wind == ExistingWind(
        count=2, model="Enercon E-101", rated_kw=3050.0, since="2016"
    )
    assert h.properties == PROPS and h.properties is not PROPS
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.area_ha = 1.0


def test_heap_area_from_footprint_when_property_is_null():
    fp = box(7.0, 51.5, 7.01, 51.51)
    h = Heap.from_properties(
        "a", {**PROPS, "area_ha": None}, lon=7.005, lat=51.505, footprint=fp, footprint_area_ha=7.7
    )
    assert (h.area_ha, h.area_source, h.geometry_type) == (7.7, "footprint", "Polygon")
    rec = h.to_record()
    assert rec["area_ha"] == 7.7 and rec["area_source"] == "footprint"


def test_to_record_order_and_extras():
    rec = Heap.from_properties("test-heap", PROPS).to_record()
    keys = list(rec)
    expected = list(PROPERTY_ORDER)
    expected[expected.index("point_kind") : expected.index("point_kind")] = [
        "lat",
        "lon",
        "geometry_type",
        "footprint_area_ha",
    ]
    expected.insert(expected.index("area_ha") + 1, "area_source")
    assert keys == [*expected, "operator"]
    assert rec["geometry_type"] is None and rec["lat"] is None and rec["operator"] == "extra"


def test_problem_format():
    assert Problem(None, "file", "not found").format("x.geojson") == "x.geojson: file: not found"
    p = Problem("a", "area_ha", "too big", "warning", 3)
    assert p.format("x.geojson") == "x.geojson: feature a (#3): area_ha: warning: too big"
    assert (
        Problem(None, "id", "missing", index=0).format("r")
        == "r: feature <no id> (#0): id: missing"
    )
