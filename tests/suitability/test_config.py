"""Tests of haldenenergie.suitability.config: defaults with sources, TOML overrides, errors."""

from __future__ import annotations

import dataclasses

import pytest

from haldenenergie import suitability as S
from haldenenergie.config import describe, load_config
from haldenenergie.errors import ConfigError


def test_defaults_load_and_every_parameter_has_a_source():
    cfg = load_config().suitability
    assert isinstance(cfg, S.SuitabilityConfig)
    assert cfg.min_housing_distance_m == 600.0
    cfg.check("defaults")
    rows = [r for r in describe(load_config()) if r["section"] == "suitability"]
    assert {r["key"] for r in rows} == {f.name for f in dataclasses.fields(S.SuitabilityConfig)}
    for r in rows:
        assert r["source"].strip(), r["key"]
    src = {r["key"]: r["source"] for r in rows}
    assert "2022" in src["min_housing_distance_m"] and "700 m" in src["min_housing_distance_m"]
    assert "BDEW" in src["household_consumption_kwh_per_a"]
    assert "Umweltbundesamt" in src["co2_factor_g_per_kwh"]
    for rid, rule in cfg.rules.items():
        assert rule["rationale"].strip() and rule["text_de"].strip(), rid


def test_toml_rule_table_and_weights_override(tmp_path, heap, row, classify_one):
    p = tmp_path / "c.toml"
    p.write_text(
        "[suitability]\nmin_housing_distance_m = 700\nweight_energy = 10\n"
        '[suitability.rules.mast]\nfields = ["constraints"]\nmatch = "contains"\n'
        'patterns = ["sendemast", "radio mast"]\neffects = ["block_wind", "penalise"]\n'
        'penalty_points = 15\ntext_en = "radio mast"\ntext_de = "Sendemast"\n',
        encoding="utf-8",
    )
    cfg = load_config(p).suitability
    assert cfg.min_housing_distance_m == 700.0 and set(cfg.rules) == {"mast"}
    r = classify_one(row("a"), heap("a", constraints="60 m radio mast; summit cross"), cfg)
    assert r["wind_suitability"] == "unsuitable" and r["rules_fired"] == "mast"
    assert r["penalty_points"] == 15.0 and r["class"] == "pv"


RULE_HEAD = '[suitability.rules.x]\ntext_en = "x"\ntext_de = "x"\n'


@pytest.mark.parametrize(
    "toml, match",
    [
        (
            RULE_HEAD + 'fields = ["nope"]\nmatch = "nonempty"\neffects = ["note"]\n',
            "unknown field 'nope'",
        ),
        (
            RULE_HEAD + 'fields = ["landmark"]\nmatch = "like"\neffects = ["note"]\n',
            "match = 'like'",
        ),
        (
            RULE_HEAD + 'fields = ["landmark"]\nmatch = "nonempty"\neffects = ["ban"]\n',
            "unknown ban",
        ),
        (
            RULE_HEAD + 'fields = ["landmark"]\nmatch = "nonempty"\neffects = ["penalise"]\n',
            "needs penalty_points",
        ),
        (
            RULE_HEAD + 'fields = ["landmark"]\nmatch = "contains"\neffects = ["note"]\n',
            "patterns must be",
        ),
        ("[suitability]\naccess_factors = { open = 1.0 }\n", "lacks unknown, closed"),
        ("[suitability]\nweight_energy = -1\n", "outside the allowed range"),
        ('[suitability]\nperturbation_mode = "random"\n', "not allowed"),
        (
            "[suitability]\nweight_energy = 0\nweight_energy_density = 0\nweight_yield = 0\n"
            "weight_ownership = 0\nweight_constraints = 0.0\n",
            r"weight_energy, weight_energy_density, weight_yield, weight_ownership, "
            r"weight_constraints are all 0.*give at least one weight > 0 \(defaults: "
            r"weight_energy = 40",
        ),
        ("[suitability]\nweight_yield = nan\n", "not a finite number"),
    ],
)
def test_bad_config_is_one_line_error(tmp_path, toml, match):
    p = tmp_path / "bad.toml"
    p.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=match) as exc:
        load_config(p)
    assert "\n" not in str(exc.value) and str(p) in str(exc.value)
