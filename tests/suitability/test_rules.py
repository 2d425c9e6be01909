"""Tests of haldenenergie.suitability.rules: each default rule's effect, fact-table wording,
labels, the packaged rules.toml and the registry facts the rules see.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import suitability as S
from haldenenergie.errors import ConfigError

# Score parts are rounded to SCORE_DECIMALS; recomputing them independently agrees to half a unit
# of the last decimal (plus float noise).
PART_ATOL = 0.5 * 10**-S.SCORE_DECIMALS + 1e-9


def _trigger(rule):
    """Registry attributes that make ``rule`` (and, for the defaults, only it) fire."""
    field = "constraints" if "constraints" in rule["fields"] else rule["fields"][0]
    if rule["match"] == "nonempty":
        return {field: "Kunstwerk X"}
    if rule["match"] == "greater":
        return {"existing_wind_count": int(rule["threshold"]) + 2}
    return {
        field: f"... {rule['patterns'][0]} ..."
        if rule["match"] == "contains"
        else rule["patterns"][0]
    }


#: Default rules on registry facts (the others test a results column, ``results.<column>``).
REGISTRY_RULES = [
    rid
    for rid, rule in S.DEFAULT_RULES.items()
    if not any(f.startswith("results.") for f in rule["fields"])
]


@pytest.mark.parametrize("rid", REGISTRY_RULES)
def test_each_default_rule_has_its_documented_effect(rid, heap, row, classify_one):
    rule = S.DEFAULT_RULES[rid]
    base = classify_one(row("a"), heap("a"))
    assert base["class"] == "pv+wind" and base["rules_fired"] == "" and base["penalty_points"] == 0
    r = classify_one(row("a"), heap("a", **_trigger(rule)))
    assert r["rules_fired"] == rid
    effects = set(rule["effects"])
    assert r["pv_suitability"] == ("unsuitable" if "block_pv" in effects else "suitable")
    assert r["wind_suitability"] == ("unsuitable" if "block_wind" in effects else "suitable")
    expected_cls = {
        (False, False): "pv+wind",
        (True, False): "wind",
        (False, True): "pv",
        (True, True): "unsuitable",
    }[("block_pv" in effects, "block_wind" in effects)]
    assert r["class"] == expected_cls
    pts = rule["penalty_points"] if "penalise" in effects else 0.0
    assert r["penalty_points"] == pts
    # The reason is in both languages, tagged with the rule id.
    assert f"[{rid}:" in r["reasons"] and f"[{rid}:" in r["reasons_de"]
    assert rule["text_en"].split("{value}")[0][:20] in r["reasons"]
    assert rule["text_de"].split("{value}")[0][:20] in r["reasons_de"]
    # Penalties lower the constraint part by weight x points / cap; blocks and notes do not.
    if r["class"] in S.RANKED_CLASSES:
        cfg = S.SuitabilityConfig()
        assert_allclose(
            r["score_constraints"],
            -cfg.weight_constraints * pts / cfg.penalty_cap_points,
            atol=PART_ATOL,
        )


def test_rules_on_real_fact_table_wording(heap, row, classify_one):
    """Constraint texts worded as in the shipped registry fire the intended rules."""
    cases = {
        "hoheward": ({"landmark": "Horizontobservatorium, Sonnenuhr/Obelisk"}, "observatory"),
        "scholven": (
            {"constraints": "Gelsenwasser drinking-water reservoir inside"},
            "drinking_water",
        ),
        "haus-aden": (
            {"constraints": "Haus Aden I still being dumped (2022) and closed"},
            "still_dumped",
        ),
        "sundern": ({"constraints": "under Bergaufsicht, closed"}, "mining_supervision"),
        "zollverein": ({"landmark": "UNESCO World Heritage Zollverein"}, "world_heritage"),
        "moltke": (
            {"constraints": "smouldering heap (Warmstellen), fenced/closed"},
            "burning_heap",
        ),
    }
    for hid, (attrs, rid) in cases.items():
        r = classify_one(row(hid), heap(hid, **attrs))
        assert rid in r["rules_fired"].split(","), (hid, r["rules_fired"])
    # "dumped until end 2018" is history, not active dumping.
    r = classify_one(row("s"), heap("s", constraints="dumped until end 2018 (32 Mt)"))
    assert "still_dumped" not in r["rules_fired"]


def test_nature_reserve_blocks_both_and_landmark_value_is_named(heap, row, classify_one):
    r = classify_one(row("a"), heap("a", nature_protection="reserve"))
    assert r["class"] == "unsuitable" and np.isnan(r["score"]) and pd.isna(r["rank"])
    r = classify_one(row("b"), heap("b", landmark="Tetraeder"))
    assert "(Tetraeder)" in r["reasons"] and "(Tetraeder)" in r["reasons_de"]


def test_blocking_rules_are_named_in_plain_words_in_both_languages(heap, row, classify_one):
    r = classify_one(row("a"), heap("a", nature_protection="reserve"))
    assert "PV blocked by: nature reserve;" in r["reasons"]
    assert "wind blocked by: nature reserve;" in r["reasons"]
    assert "PV ausgeschlossen durch: Naturschutzgebiet;" in r["reasons_de"]
    assert "Wind ausgeschlossen durch: Naturschutzgebiet;" in r["reasons_de"]
    r = classify_one(row("a"), heap("a", landmark="Horizontobservatorium"))
    assert "Wind ausgeschlossen durch: Observatorium;" in r["reasons_de"]
    # Every default rule has both short labels; a user rule without labels falls back to its id.
    for rid, rule in S.DEFAULT_RULES.items():
        assert rule["label_en"].strip() and rule["label_de"].strip(), rid
    own = {
        "fence": {
            "fields": ["constraints"],
            "match": "contains",
            "patterns": ["fence"],
            "effects": ["block_pv"],
            "text_en": "fenced",
            "text_de": "eingezäunt",
        }
    }
    cfg = dataclasses.replace(S.SuitabilityConfig(), rules=own)
    r = classify_one(row("a"), heap("a", constraints="fence around it"), cfg)
    assert (
        "PV blocked by: fence;" in r["reasons"]
        and "ausgeschlossen durch: fence;" in r["reasons_de"]
    )
    with pytest.raises(ConfigError, match=r"rules.fence.label_de must be a non-empty text"):
        S.check_rules({"fence": {**own["fence"], "label_de": ""}})


# --------------------------------------------------------------------------------------------------
# The packaged rule table and the registry facts
# --------------------------------------------------------------------------------------------------


def test_packaged_rule_table_is_the_default_and_every_rule_states_why():
    from haldenenergie.resources import data_path
    from haldenenergie.suitability.rules import RULES_FILE

    assert data_path(RULES_FILE).is_file()
    rules = S.load_rules()
    assert rules == S.DEFAULT_RULES and list(rules) == list(S.DEFAULT_RULES)
    assert list(rules)[:2] == ["nature_reserve", "nature_planned"]  # file order is kept
    for rid, rule in rules.items():
        assert set(rule) <= set(S.RULE_KEYS), rid
        assert rule["rationale"].strip() and rule["label_en"].strip(), rid
        for text in (rule["rationale"], rule["text_en"], rule["text_de"]):
            assert "  " not in text and "\n" not in text, rid  # TOML line joins left no gaps
    assert rules["observatory"]["effects"] == ["block_wind"]
    assert rules["existing_wind"]["threshold"] == 0
    assert rules["nature_planned"]["penalty_points"] == 30


def test_a_malformed_rule_file_is_one_line_error(tmp_path):
    p = tmp_path / "rules.toml"
    p.write_text('[x]\nfields = ["landmark"]\nmatch = "nonempty"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules.x: missing key 'effects'") as exc:
        S.load_rules(p)
    assert str(p) in str(exc.value) and "\n" not in str(exc.value)
    p.write_text("[x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read the rule table"):
        S.load_rules(p)


def test_rule_facts_of_a_registry_heap(heap):
    h = heap(
        "a",
        existing_wind_count=3,
        housing_distance_m=750,
        landmark="Tetraeder",
        properties={"mast": "radio mast"},
    )
    facts = S.rule_facts(h)
    assert facts["id"] == "a" and facts["landmark"] == "Tetraeder"
    assert facts["existing_wind_turbines"] == 3
    assert facts["housing_distance_m"] == 750.0 and isinstance(facts["housing_distance_m"], float)
    assert facts["properties"] == {"mast": "radio mast"}
    assert set(S.RULE_FIELDS) <= set(facts)
    assert S.rule_facts(heap("b", housing_distance_m=None))["housing_distance_m"] is None
    rule = {
        "fields": ["properties.mast"],
        "match": "contains",
        "patterns": ["MAST"],
        "effects": ["note"],
        "text_en": "mast: {value}",
        "text_de": "Mast: {value}",
    }
    S.check_rules({"mast": rule})
    fired = S.evaluate_rules(facts, {"mast": rule})
    assert [f["id"] for f in fired] == ["mast"] and fired[0]["text_en"] == "mast: radio mast"
    assert fired[0]["label_de"] == "mast" and fired[0]["penalty_points"] == 0.0
    greater = {**rule, "fields": ["existing_wind_turbines"], "match": "greater", "threshold": 3}
    assert S.match_rule(greater, facts) is None
    assert S.match_rule({**greater, "threshold": 2.5}, facts) == "3"
