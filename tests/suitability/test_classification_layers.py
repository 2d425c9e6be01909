"""Wind classification with the housing distance measured from the turbine site (issue 11).

The terrain stage removes turbine-site cells nearer to housing than the minimum; the
classification then passes a heap whose remaining positions hold the distance, and fails one
whose every position was removed, naming housing as the reason. The registry path is unchanged.
"""

from __future__ import annotations

import math

from haldenenergie import suitability as S
from haldenenergie.suitability.classification import classify_heap
from haldenenergie.suitability.rules import rule_facts

LAYER_SRC = "layer residential.gpkg (atkis), from turbine site"


def _classify(row, heap):
    return classify_heap(row, rule_facts(heap), S.SuitabilityConfig())


def test_layer_distance_below_minimum_with_positions_left_passes(row, heap):
    r = row(
        "a",
        turbines=2,
        housing_distance_m=450.0,
        housing_distance_source=LAYER_SRC,
        turbine_site_area_gross_ha=3.0,
        turbine_site_area_ha=1.2,
    )
    out = _classify(r, heap("a", housing_distance_m=1000.0))  # the covering layer wins
    assert out["wind_suitability"] == S.classification.SUITABLE
    assert out["housing_distance_m"] == 450.0
    assert (
        "2 turbine position(s) >= 600 m from housing; site within 600 m removed" in (out["reasons"])
    )
    assert "Standortfläche innerhalb 600 m entfernt" in out["reasons_de"]


def test_no_position_left_because_of_housing_is_unsuitable(row, heap):
    r = row(
        "b",
        turbines=0,
        wind_energy=0.0,
        housing_distance_m=500.0,
        housing_distance_source=LAYER_SRC,
        turbine_site_area_gross_ha=0.8,
        turbine_site_area_ha=0.0,
    )
    out = _classify(r, heap("b", housing_distance_m=None))
    assert out["wind_suitability"] == S.classification.UNSUITABLE
    assert "no turbine position >= 600 m from housing" in out["reasons"]
    assert "kein Anlagenstandort >= 600 m" in out["reasons_de"]


def test_no_site_at_all_keeps_the_old_reason(row, heap):
    r = row(
        "c",
        turbines=0,
        wind_energy=0.0,
        housing_distance_m=500.0,
        housing_distance_source=LAYER_SRC,
        turbine_site_area_gross_ha=0.0,
        turbine_site_area_ha=0.0,
    )
    out = _classify(r, heap("c", housing_distance_m=None))
    assert out["wind_suitability"] == S.classification.UNSUITABLE
    assert "no new turbine fits" in out["reasons"]


def test_registry_path_unchanged(row, heap):
    r = row("d", turbines=2, housing_distance_m=450.0, housing_distance_source="registry")
    out = _classify(r, heap("d", housing_distance_m=450.0))
    assert out["wind_suitability"] == S.classification.UNSUITABLE
    assert "450 m to housing < 600 m minimum (registry)" in out["reasons"]


def test_nearness_only_layer_is_a_point_distance(row, heap):
    src = "layer residential.gpkg (atkis) (heap outside its extent: only nearness proven), from ..."
    r = row("e", turbines=2, housing_distance_m=300.0, housing_distance_source=src)
    out = _classify(r, heap("e", housing_distance_m=None))
    assert out["wind_suitability"] == S.classification.UNSUITABLE
    assert "300 m to housing < 600 m minimum" in out["reasons"]


def test_unknown_distance_not_assessed(row, heap):
    r = row("f", turbines=2, housing_distance_m=math.nan, housing_distance_source="")
    out = _classify(r, heap("f", housing_distance_m=None))
    assert out["wind_suitability"] == S.classification.NOT_ASSESSED
