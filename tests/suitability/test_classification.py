"""Tests of haldenenergie.suitability.classification: classes, "not assessed", reasons.

Truths used: hand-made cases whose class follows from the rules (analytic).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from haldenenergie import suitability as S


def test_unknown_housing_distance_is_not_assessed_never_a_pass(heap, row, classify_one):
    # PV fine, wind would fit but distance unknown -> class pv, wind not assessed, said so.
    r = classify_one(row("a"), heap("a", housing_distance_m=None))
    assert r["class"] == "pv" and r["wind_suitability"] == "not-assessed"
    assert "wind not assessed: distance to housing unknown" in r["reasons"]
    assert "Abstand zur Wohnbebauung unbekannt" in r["reasons_de"]
    # Wind energy is not counted in the score of such a heap.
    assert r["suitable_energy_mwh_per_a"] == 9000.0
    # No PV, distance unknown -> nothing suitable and the answer hinges on missing data.
    r = classify_one(row("b", pv_area=0.0, pv_energy=0.0), heap("b", housing_distance_m=None))
    assert r["class"] == "not-assessed" and pd.isna(r["rank"])
    # No turbine fits: wind is unsuitable whatever the distance.
    r = classify_one(
        row("c", pv_area=0.0, pv_energy=0.0, turbines=0, wind_energy=0.0),
        heap("c", housing_distance_m=None),
    )
    assert r["class"] == "unsuitable" and r["wind_suitability"] == "unsuitable"


def test_housing_distance_threshold_and_sources(heap, row, classify_one):
    cfg = S.SuitabilityConfig()
    assert classify_one(row("a"), heap("a", housing_distance_m=600.0))["class"] == "pv+wind"
    r = classify_one(row("a"), heap("a", housing_distance_m=599.0))
    assert r["class"] == "pv" and "599 m to housing < 600 m" in r["reasons"]
    cfg700 = dataclasses.replace(cfg, min_housing_distance_m=700.0)
    assert classify_one(row("a"), heap("a", housing_distance_m=650.0), cfg700)["class"] == "pv"
    # Distance from the results (e.g. a residential layer) where the registry has none.
    r = classify_one(row("a", housing_distance_m=900.0), heap("a", housing_distance_m=None))
    assert r["class"] == "pv+wind" and r["housing_distance_m"] == 900.0
    # The registry value comes first.
    r = classify_one(row("a", housing_distance_m=900.0), heap("a", housing_distance_m=300.0))
    assert r["class"] == "pv" and r["housing_distance_m"] == 300.0


def test_missing_results_and_missing_registry_entry(heap, row, classify_one):
    r = classify_one(
        row(
            "a",
            pv_area=np.nan,
            pv_energy=np.nan,
            turbines=np.nan,
            wind_energy=np.nan,
            status="terrain failed: no DEM",
        ),
        heap("a"),
    )
    assert r["class"] == "not-assessed"
    assert "no terrain or yield result (status: terrain failed: no DEM)" in r["reasons"]
    r = classify_one(row("zz"), None)
    assert r["class"] == "pv" and r["wind_suitability"] == "not-assessed"
    assert "not in the heap registry" in r["reasons"]


def test_pv_area_rules(heap, row, classify_one):
    assert classify_one(row("a", pv_area=0.0), heap("a"))["pv_suitability"] == "unsuitable"
    assert classify_one(row("a", pv_area=0.15), heap("a"))["pv_suitability"] == "suitable"
    cfg = dataclasses.replace(S.SuitabilityConfig(), min_pv_usable_area_ha=1.0)
    r = classify_one(row("a", pv_area=0.5), heap("a"), cfg)
    assert r["pv_suitability"] == "unsuitable" and "< minimum 1.00 ha" in r["reasons"]
