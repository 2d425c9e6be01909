"""Tests of haldenenergie.suitability: classes and reasons, constraint rules, score, rank, totals.

Truths used: hand-made cases whose class follows from the rules (analytic), the documented score
formula recomputed independently, and invariants (ranking independent of input order, monotone in
a heap's own energy, deterministic ties, parts add up to the score).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import suitability as S
from haldenenergie.config import describe, load_config
from haldenenergie.errors import ConfigError, OutputError

# Score parts are rounded to SCORE_DECIMALS; recomputing them independently agrees to half a unit
# of the last decimal (plus float noise).
PART_ATOL = 0.5 * 10**-S.SCORE_DECIMALS + 1e-9


# --------------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------------


def heap(hid, **kw):
    """A registry record (mapping with the Heap attributes the rules use)."""
    rec = {
        "id": hid,
        "name": f"Halde {hid}",
        "owner": "RVR",
        "access": "open",
        "landmark": None,
        "nature_protection": None,
        "constraints": None,
        "housing_distance_m": 1000.0,
        "existing_wind_count": 0,
    }
    rec.update(kw)
    return rec


def row(
    hid,
    pv_area=10.0,
    pv_energy=9000.0,
    yield_=900.0,
    turbines=2,
    wind_energy=20000.0,
    flh=2400.0,
    footprint=40.0,
    **kw,
):
    """One results row (columns of results.csv)."""
    r = {
        "heap_id": hid,
        "name": f"Halde {hid}",
        "owner": "RVR",
        "status": "ok",
        "footprint_area_ha": footprint,
        "pv_usable_area_ha": pv_area,
        "pv_capacity_mwp": pv_area * 0.75,
        "pv_energy_mwh_per_a": pv_energy,
        "pv_specific_yield_kwh_per_kwp": yield_,
        "wind_turbines_new": turbines,
        "wind_capacity_mw": turbines * 4.2,
        "wind_energy_mwh_per_a": wind_energy,
        "wind_full_load_hours_h": flh,
        "existing_wind_turbines": 0,
        "existing_wind_energy_mwh_per_a": 0.0,
    }
    r.update(kw)
    return r


def classify_one(r, h, cfg=None):
    ranked, _ = S.rank_results(
        pd.DataFrame([r]), [h] if h is not None else [], cfg or S.SuitabilityConfig()
    )
    return ranked.iloc[0]


def random_case(rng, n):
    """n heaps with random energies, yields, owners, access, constraints and distances."""
    owners = ["RVR", "RAG (transfer to RVR by ~2035)", "not stated"]
    access = ["open", "closed", "unknown", None]
    landmarks = [None, None, "Tetraeder"]
    constraints = [None, None, "MTB trail", "Kreuzkröte ponds", "under Bergaufsicht"]
    rows, heaps = [], []
    for i in range(n):
        hid = f"h{i:02d}"
        turbines = int(rng.integers(0, 4))
        rows.append(
            row(
                hid,
                pv_area=float(rng.choice([0.0, rng.uniform(0.2, 80)])),
                pv_energy=float(rng.uniform(100, 80000)),
                yield_=float(rng.uniform(800, 1000)),
                turbines=turbines,
                wind_energy=float(turbines * rng.uniform(5000, 15000)),
                flh=float(rng.uniform(1800, 3500)),
                footprint=float(rng.choice([np.nan, rng.uniform(5, 170)])),
            )
        )
        heaps.append(
            heap(
                hid,
                owner=str(rng.choice(owners)),
                access=rng.choice(access),
                landmark=rng.choice(landmarks),
                constraints=rng.choice(constraints),
                housing_distance_m=rng.choice([None, 400.0, 800.0, 1500.0]),
            )
        )
    return pd.DataFrame(rows), heaps


# --------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------


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


def test_toml_rule_table_and_weights_override(tmp_path):
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
    ],
)
def test_bad_config_is_one_line_error(tmp_path, toml, match):
    p = tmp_path / "bad.toml"
    p.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=match) as exc:
        load_config(p)
    assert "\n" not in str(exc.value) and str(p) in str(exc.value)


# --------------------------------------------------------------------------------------------------
# Each constraint rule's effect
# --------------------------------------------------------------------------------------------------


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


@pytest.mark.parametrize("rid", list(S.DEFAULT_RULES))
def test_each_default_rule_has_its_documented_effect(rid):
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


def test_rules_on_real_fact_table_wording():
    """Constraint texts as the fact table words them fire the intended rules."""
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


def test_nature_reserve_blocks_both_and_landmark_value_is_named():
    r = classify_one(row("a"), heap("a", nature_protection="reserve"))
    assert r["class"] == "unsuitable" and np.isnan(r["score"]) and pd.isna(r["rank"])
    r = classify_one(row("b"), heap("b", landmark="Tetraeder"))
    assert "(Tetraeder)" in r["reasons"] and "(Tetraeder)" in r["reasons_de"]


# --------------------------------------------------------------------------------------------------
# Classes and "not assessed"
# --------------------------------------------------------------------------------------------------


def test_unknown_housing_distance_is_not_assessed_never_a_pass():
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


def test_housing_distance_threshold_and_sources():
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


def test_missing_results_and_missing_registry_entry():
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


def test_pv_area_rules():
    assert classify_one(row("a", pv_area=0.0), heap("a"))["pv_suitability"] == "unsuitable"
    assert classify_one(row("a", pv_area=0.15), heap("a"))["pv_suitability"] == "suitable"
    cfg = dataclasses.replace(S.SuitabilityConfig(), min_pv_usable_area_ha=1.0)
    r = classify_one(row("a", pv_area=0.5), heap("a"), cfg)
    assert r["pv_suitability"] == "unsuitable" and "< minimum 1.00 ha" in r["reasons"]


def test_results_validation():
    df = pd.DataFrame([row("a"), row("a")])
    with pytest.raises(OutputError, match="heap_id 'a' appears more than once"):
        S.rank_results(df, [], None)
    with pytest.raises(OutputError, match="missing column.*wind_turbines_new"):
        S.rank_results(pd.DataFrame([row("a")]).drop(columns=["wind_turbines_new"]), [], None)


# --------------------------------------------------------------------------------------------------
# Score and rank
# --------------------------------------------------------------------------------------------------


def test_score_parts_add_up_and_follow_the_documented_formula():
    rng = np.random.default_rng(7)
    df, heaps = random_case(rng, 25)
    cfg = S.SuitabilityConfig()
    ranked, _ = S.rank_results(df, heaps, cfg)
    r = ranked[ranked["rank"].notna()].copy()
    assert len(r) > 5
    assert_allclose(r[list(S.SCORE_PARTS)].sum(axis=1), r["score"], atol=1e-9)
    # Independent recomputation of each part.
    e = r["suitable_energy_mwh_per_a"]
    assert_allclose(r["score_energy"], cfg.weight_energy * e / e.max(), atol=PART_ATOL)
    d = r["energy_density_mwh_per_ha_a"].fillna(0)
    assert_allclose(
        r["score_energy_density"], cfg.weight_energy_density * d / d.max(), atol=PART_ATOL
    )
    pv_on = r["pv_suitability"].eq("suitable")
    w_on = r["wind_suitability"].eq("suitable")
    qpv = np.where(pv_on, r["pv_specific_yield_kwh_per_kwp"], 0)
    qw = np.where(w_on, r["wind_full_load_hours_h"], 0)
    qpv, qw = qpv / qpv.max(), qw / max(qw.max(), 1e-300)
    y = (np.where(pv_on, qpv, 0) + np.where(w_on, qw, 0)) / (pv_on.astype(int) + w_on.astype(int))
    assert_allclose(r["score_yield"], cfg.weight_yield * y, atol=PART_ATOL)
    hmap = {h["id"]: h for h in heaps}
    avail = [
        cfg.owner_factors[S.owner_group(hmap[i]["owner"])]
        * cfg.access_factors[S.access_group(hmap[i]["access"])]
        for i in r["heap_id"]
    ]
    assert_allclose(r["score_ownership"], cfg.weight_ownership * np.array(avail), atol=PART_ATOL)
    assert_allclose(
        r["score_constraints"],
        -cfg.weight_constraints * np.minimum(r["penalty_points"], 100) / 100,
        atol=PART_ATOL,
    )
    # Ranks 1..n in score order.
    assert sorted(r["rank"]) == list(range(1, len(r) + 1))
    assert (np.diff(r.sort_values("rank")["score"].to_numpy()) <= 0).all()


def test_ownership_order_rvr_open_before_rag_before_closed():
    df = pd.DataFrame([row(h) for h in ("a", "b", "c")])
    heaps = [
        heap("a", owner="RVR", access="open"),
        heap("b", owner="RAG (transfer to RVR by ~2035)", access="open"),
        heap("c", owner="RVR", access="closed"),
    ]
    ranked, _ = S.rank_results(df, heaps, None)
    assert ranked["heap_id"].tolist() == ["a", "b", "c"]
    assert ranked["score_ownership"].is_monotonic_decreasing


def test_ties_are_broken_by_energy_then_heap_id():
    cfg = dataclasses.replace(S.SuitabilityConfig(), weight_energy=0.0, weight_energy_density=0.0)
    # Identical heaps: heap id decides, whatever the input order.
    df = pd.DataFrame([row(h) for h in ("zeta", "alpha", "mu")])
    heaps = [heap(h) for h in ("mu", "zeta", "alpha")]
    ranked, _ = S.rank_results(df, heaps, cfg)
    assert ranked["heap_id"].tolist() == ["alpha", "mu", "zeta"]
    assert ranked["score"].nunique() == 1 and ranked["rank"].tolist() == [1, 2, 3]
    # Equal scores, different energy: more energy first.
    df = pd.DataFrame([row("a", pv_energy=5000.0), row("b", pv_energy=8000.0)])
    ranked, _ = S.rank_results(df, [heap("a"), heap("b")], cfg)
    assert ranked["score"].nunique() == 1
    assert ranked["heap_id"].tolist() == ["b", "a"]
    # And again, every time (deterministic).
    again, _ = S.rank_results(df, [heap("b"), heap("a")], cfg)
    pd.testing.assert_frame_equal(ranked, again)


def test_ranking_is_independent_of_registry_and_results_order():
    rng = np.random.default_rng(11)
    for _ in range(10):
        df, heaps = random_case(rng, int(rng.integers(5, 20)))
        ref, ref_tot = S.rank_results(df, heaps, None)
        perm = rng.permutation(len(df))
        shuffled, tot = S.rank_results(
            df.iloc[perm], [heaps[i] for i in rng.permutation(len(heaps))], None
        )
        pd.testing.assert_frame_equal(ref, shuffled)
        pd.testing.assert_frame_equal(ref_tot, tot)


def test_raising_one_heaps_energy_never_lowers_its_rank():
    """Property-style loop over random cases (numpy RNG): own energy up -> own rank not worse."""
    rng = np.random.default_rng(2024)
    checked = 0
    for case in range(150):
        df, heaps = random_case(rng, int(rng.integers(3, 15)))
        cfg = (
            S.SuitabilityConfig()
            if case % 2
            else dataclasses.replace(
                S.SuitabilityConfig(),
                weight_energy=float(rng.uniform(0, 60)),
                weight_energy_density=float(rng.uniform(0, 40)),
            )
        )
        before, _ = S.rank_results(df, heaps, cfg)
        ranked_ids = before.loc[before["rank"].notna(), "heap_id"].tolist()
        if not ranked_ids:
            continue
        hid = ranked_ids[int(rng.integers(len(ranked_ids)))]
        factor = float(rng.choice([1.0001, 1.01, 1.3, 3.0, 50.0]))
        raised = df.copy()
        m = raised["heap_id"].eq(hid)
        for col in ("pv_energy_mwh_per_a", "wind_energy_mwh_per_a"):
            raised.loc[m, col] *= factor
        if case % 3 == 0:  # more energy from the same capacity: the yield rises too
            for col in ("pv_specific_yield_kwh_per_kwp", "wind_full_load_hours_h"):
                raised.loc[m, col] *= factor
        after, _ = S.rank_results(raised, heaps, cfg)
        r0 = int(before.set_index("heap_id").loc[hid, "rank"])
        r1 = int(after.set_index("heap_id").loc[hid, "rank"])
        assert r1 <= r0, (case, hid, factor, r0, r1)
        checked += 1
    assert checked > 100


def test_rank_stability_range_and_robust_top():
    rng = np.random.default_rng(5)
    df, heaps = random_case(rng, 30)
    cfg = S.SuitabilityConfig()
    ranked, _ = S.rank_results(df, heaps, cfg)
    r = ranked[ranked["rank"].notna()]
    assert (r["rank_best"] <= r["rank"]).all() and (r["rank"] <= r["rank_worst"]).all()
    assert (r["robust_top"] == (r["rank_worst"] <= cfg.robust_top_n)).all()
    assert not ranked.loc[ranked["rank"].isna(), "robust_top"].any()
    assert len(S.weight_scenarios(cfg)) == 3**5
    one = dataclasses.replace(cfg, perturbation_mode="one-at-a-time")
    w = S.weight_scenarios(one)
    assert len(w) == 11
    assert_allclose(
        np.sort(np.abs(w[1:] - cfg.weights).sum(axis=1)), np.sort(np.repeat(0.25 * cfg.weights, 2))
    )
    ranked1, _ = S.rank_results(df, heaps, one)
    # One-at-a-time is a subset of all combinations: its range lies inside.
    a = ranked.set_index("heap_id").loc[r["heap_id"]]
    b = ranked1.set_index("heap_id").loc[r["heap_id"]]
    assert (b["rank_best"] >= a["rank_best"]).all() and (b["rank_worst"] <= a["rank_worst"]).all()
    # No perturbation: best = worst = rank.
    none, _ = S.rank_results(df, heaps, dataclasses.replace(cfg, weight_perturbation=0.0))
    n = none[none["rank"].notna()]
    assert (n["rank_best"] == n["rank"]).all() and (n["rank_worst"] == n["rank"]).all()


def test_every_heap_once_and_sorted_output():
    rng = np.random.default_rng(3)
    df, heaps = random_case(rng, 20)
    ranked, _ = S.rank_results(df, heaps, None)
    assert sorted(ranked["heap_id"]) == sorted(df["heap_id"])
    assert ranked["class"].isin(S.CLASSES).all() and ranked["reasons"].str.len().gt(0).all()
    n_ranked = int(ranked["rank"].notna().sum())
    assert ranked["rank"].iloc[:n_ranked].tolist() == list(range(1, n_ranked + 1))
    assert ranked["rank"].iloc[n_ranked:].isna().all()
    assert ranked["class"].iloc[n_ranked:].isin(["unsuitable", "not-assessed"]).all()
    # Re-ranking ranked results gives the same.
    again, _ = S.rank_results(ranked, heaps, None)
    pd.testing.assert_frame_equal(ranked, again[ranked.columns])


# --------------------------------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------------------------------


def test_totals_per_class_households_co2_and_existing_apart():
    df = pd.DataFrame(
        [
            row("both", pv_energy=7000.0, wind_energy=21000.0),
            row("pvonly", pv_energy=3500.0, wind_energy=10000.0),  # distance unknown
            row(
                "windonly",
                pv_area=0.0,
                pv_energy=0.0,
                wind_energy=14000.0,
                existing_wind_turbines=2,
                existing_wind_energy_mwh_per_a=12000.0,
            ),
            row("reserve", pv_energy=1000.0, wind_energy=5000.0),
        ]
    )
    heaps = [
        heap("both"),
        heap("pvonly", housing_distance_m=None),
        heap("windonly"),
        heap("reserve", nature_protection="reserve"),
    ]
    cfg = S.SuitabilityConfig()
    ranked, tot = S.rank_results(df, heaps, cfg)
    assert dict(zip(ranked["heap_id"], ranked["class"], strict=True)) == {
        "both": "pv+wind",
        "pvonly": "pv",
        "windonly": "wind",
        "reserve": "unsuitable",
    }
    t = tot.set_index("group")
    assert list(tot.columns) == list(S.TOTAL_COLUMNS)
    assert t.loc["pv+wind", "energy_mwh_per_a"] == 28000.0
    assert t.loc["pv", "energy_mwh_per_a"] == 3500.0 and t.loc["pv", "wind_turbines"] == 0
    assert t.loc["wind", "energy_mwh_per_a"] == 14000.0
    assert t.loc["unsuitable", "energy_mwh_per_a"] == 0.0 and t.loc["unsuitable", "heaps"] == 1
    assert t.loc["total_suitable", "energy_mwh_per_a"] == 45500.0
    assert t.loc["total_suitable", "heaps"] == 3
    assert t.loc["wind_not_assessed", "wind_energy_mwh_per_a"] == 10000.0
    assert t.loc["technical", "energy_mwh_per_a"] == 7000 + 21000 + 3500 + 10000 + 14000 + 6000
    assert t.loc["existing_wind", "energy_mwh_per_a"] == 12000.0
    assert t.loc["existing_wind", "wind_turbines"] == 2 and t.loc["existing_wind", "heaps"] == 1
    # Households: E [MWh] x 1000 / 3,500 kWh; CO2: E [MWh] x 380 g/kWh / 1000 = t.
    assert_allclose(t["households"], t["energy_mwh_per_a"] * 1000 / 3500.0, rtol=1e-12)
    assert_allclose(t.loc["total_suitable", "households"], 13000.0, rtol=1e-12)
    assert_allclose(t.loc["total_suitable", "co2_avoided_t_per_a"], 45500 * 0.38, rtol=1e-12)
    assert (t["household_consumption_year"] == 2024).all() and (t["co2_factor_year"] == 2023).all()
    cfg2 = dataclasses.replace(
        cfg, co2_factor_g_per_kwh=500.0, household_consumption_kwh_per_a=2800.0
    )
    _, tot2 = S.rank_results(df, heaps, cfg2)
    t2 = tot2.set_index("group")
    assert_allclose(t2.loc["pv", "co2_avoided_t_per_a"], 3500 * 0.5)
    assert_allclose(t2.loc["pv", "households"], 1250.0)


# --------------------------------------------------------------------------------------------------
# The real registry (skips where it is absent)
# --------------------------------------------------------------------------------------------------


def test_real_registry_every_heap_once_with_class_and_reasons(root_dir: Path):
    reg = root_dir / "heaps.geojson"
    if not reg.exists():
        pytest.skip("heaps.geojson not present")
    from haldenenergie.heaps import read_registry

    heaps = read_registry(reg)
    df = pd.DataFrame([row(h.id, existing_wind_turbines=h.existing_wind.count) for h in heaps])
    ranked, tot = S.rank_results(df, heaps, load_config().suitability)
    assert sorted(ranked["heap_id"]) == sorted(h.id for h in heaps)
    assert ranked["heap_id"].is_unique
    assert ranked["class"].isin(S.CLASSES).all()
    assert ranked["reasons"].str.len().gt(0).all() and ranked["reasons_de"].str.len().gt(0).all()
    by = ranked.set_index("heap_id")
    for h in heaps:
        if h.nature_protection == "reserve":
            assert by.loc[h.id, "class"] == "unsuitable"
        if h.housing_distance_m is None:
            assert by.loc[h.id, "wind_suitability"] in ("not-assessed", "unsuitable")
    if "hoheward" in by.index:
        assert "observatory" in by.loc["hoheward", "rules_fired"]
        assert by.loc["hoheward", "wind_suitability"] == "unsuitable"
    assert tot.set_index("group").loc["existing_wind", "wind_turbines"] == sum(
        h.existing_wind.count for h in heaps
    )


# --------------------------------------------------------------------------------------------------
# Reasons in plain words; the residential layer
# --------------------------------------------------------------------------------------------------


def test_blocking_rules_are_named_in_plain_words_in_both_languages():
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


def test_residential_layer_distance_source_and_extent(tmp_path, caplog):
    """Distances from a layer (mapping heaps too), named as such in the reasons. Outside the
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
