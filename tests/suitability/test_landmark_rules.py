"""Heritage and observatory heaps get the README's rule-table effect; layer figures in rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from haldenenergie import suitability as S
from haldenenergie.errors import ConfigError
from haldenenergie.suitability.rules import DEFAULT_RULES, check_rules, evaluate_rules


@pytest.fixture()
def ranked_registry(root_dir: Path, row) -> pd.DataFrame:
    """The packaged registry ranked on identical results rows (every heap PV + wind capable)."""
    from haldenenergie.registry import read_registry

    heaps = read_registry(root_dir / "haldenenergie" / "data" / "heaps.geojson")
    df = pd.DataFrame([row(h.id, existing_wind_turbines=h.existing_wind.count) for h in heaps])
    return S.rank_results(df, heaps)[0].set_index("heap_id")


def test_zollverein_world_heritage_blocks_wind_and_penalises(ranked_registry):
    """README rule table: world_heritage = block wind, 30 points (DSchG NRW setting)."""
    z = ranked_registry.loc["zollverein"]
    assert "world_heritage" in z["rules_fired"].split(",")
    assert z["wind_suitability"] == "unsuitable"
    assert z["penalty_points"] >= DEFAULT_RULES["world_heritage"]["penalty_points"] == 30
    assert "UNESCO World Heritage" in z["reasons"] and "[world_heritage:" in z["reasons"]
    assert "UNESCO-Welterbe" in z["reasons_de"] or "Welterbe" in z["reasons_de"]


def test_hoheward_observatory_blocks_wind_with_the_reason(ranked_registry):
    """README rule table: observatory = block wind (free skyline of the horizon observatory)."""
    h = ranked_registry.loc["hoheward"]
    assert "observatory" in h["rules_fired"].split(",")
    assert h["wind_suitability"] == "unsuitable" and h["pv_suitability"] == "suitable"
    assert "observatory on the heap: no wind turbines" in h["reasons"]
    assert "Observatorium auf der Halde" in h["reasons_de"]


def test_protected_area_layer_rule_reads_the_results_column():
    rule = {"protected_area_layer": DEFAULT_RULES["protected_area_layer"]}
    fired = evaluate_rules({"results": {"protected_area_ha": 2.5}}, rule)
    assert [f["id"] for f in fired] == ["protected_area_layer"]
    assert fired[0]["effects"] == ["penalise"] and fired[0]["penalty_points"] == 10.0
    assert fired[0]["text_en"].startswith("2.5 ha of the heap lie in a protected area")
    # 0 ha, unknown (NaN) or no results row: the rule does not fire
    for facts in ({"results": {"protected_area_ha": 0.0}}, {"results": {}}, {}):
        assert evaluate_rules(facts, rule) == []
    assert "BNatSchG" in DEFAULT_RULES["protected_area_layer"]["rationale"]


def test_results_fields_accepted_unknown_fields_refused():
    ok = {
        "x": {
            "fields": ["results.forest_area_ha"],
            "match": "greater",
            "threshold": 1,
            "effects": ["note"],
            "text_en": "t",
            "text_de": "t",
        }
    }
    check_rules(ok)
    bad = {"x": dict(ok["x"], fields=["forest_area_ha"])}
    with pytest.raises(ConfigError, match=r"results\.<column>"):
        check_rules(bad)
