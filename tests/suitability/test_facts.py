"""Facts missing (area or height assumed), the implausible-cone flag, the PV basis label."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from haldenenergie import suitability as S
from haldenenergie.suitability.basis import (
    PV_UPPER_BOUND,
    assumed_facts,
    cone_area_ha,
    forest_considered,
    layer_kinds_of,
    pv_basis_text,
)
from haldenenergie.suitability.facts import ConeLimits, facts_missing_frame

AREA_DEFAULT = "area_ha=38 (default: median area of the fact table)"
HEIGHT_DEFAULT = "height_rel_m=48.5 (default: median height of the fact table)"
SHAPE = (
    "shape=cone: plateau share 0.03, flank slope 8.3 deg (parametric form parameters, [terrain])"
)


def test_cone_area_analytic():
    # 45 deg: radius = height; plateau share 1/4: the flank spans half the radius, so R = 2 H.
    assert cone_area_ha(42.0, 45.0) == pytest.approx(math.pi * 42.0**2 / 1e4, rel=1e-12)
    assert cone_area_ha(42.0, 45.0, 0.25) == pytest.approx(math.pi * 84.0**2 / 1e4, rel=1e-12)
    assert math.isnan(cone_area_ha(0.0, 30.0)) and math.isnan(cone_area_ha(10.0, 90.0))


def test_assumed_facts_parsed_and_dem_heaps_have_measured_facts():
    text = f"{AREA_DEFAULT}; form=terraced (default for form 'unknown'); {HEIGHT_DEFAULT}; {SHAPE}"
    got = assumed_facts(text, "parametric")
    assert got == {
        "area_ha": (38.0, "median area of the fact table"),
        "height_rel_m": (48.5, "median height of the fact table"),
    }
    # form and base elevation do not make a heap "facts missing"; a DEM measures area and height
    assert assumed_facts("form=terraced (default for form 'unknown')", "parametric") == {}
    assert assumed_facts(text, "dem:essen.tif") == {}
    assert assumed_facts(None) == {} and assumed_facts(float("nan")) == {}


def test_gotthelf_cone_flagged_implausible_with_the_slope_source():
    """Issue 11: Gotthelf, a 42 m cone, gets the 38 ha median, ~30x a cone's plausible area."""
    rows = pd.DataFrame(
        {
            "heap_id": ["gotthelf", "small-cone", "terraced", "dem-cone"],
            "form": ["cone", "cone", "terraced", "cone"],
            "height_rel_m": [42.0, 42.0, 42.0, 42.0],
            "terrain_source": ["parametric", "parametric", "parametric", "dem:x.tif"],
            "assumptions": [
                f"{AREA_DEFAULT}; {SHAPE}",
                "area_ha=2 (default: median area of the fact table)",
                AREA_DEFAULT,
                AREA_DEFAULT,
            ],
        }
    )
    f = facts_missing_frame(rows, ConeLimits((30.0, 37.0), 0.03)).set_index(rows["heap_id"])
    assert f["facts_missing"].tolist() == ["area_ha", "area_ha", "area_ha", ""]
    assert f["area_implausible"].tolist() == [True, False, False, False]
    why = f.loc["gotthelf", "reasons"]
    assert "implausible for its height" in why and "[terrain] form_flank_slope_deg" in why
    # pi (42 / tan 33.5 deg)^2 = 1.26 ha; 38 / 1.26 = 30
    typical = cone_area_ha(42.0, 33.5)
    assert typical == pytest.approx(1.265, abs=0.001)
    assert f"covers about {round(typical, 1)} ha" in why and "is 30x that" in why
    assert "unplausibel für die Höhe" in f.loc["gotthelf", "reasons_de"]
    assert "Median der Faktentabelle" in f.loc["gotthelf", "reasons_de"]


def test_layers_used_parsing_and_pv_basis_texts():
    assert layer_kinds_of("forest;residential") == {"forest", "residential"}
    assert layer_kinds_of("forest:osm, protected=atkis") == {"forest", "protected"}
    assert layer_kinds_of(None) == frozenset() and layer_kinds_of(float("nan")) == frozenset()
    df = pd.DataFrame({"layers_used": ["forest;residential", "", None, "protected"]})
    assert forest_considered(df) == [True, False, False, False]
    assert forest_considered(pd.DataFrame({"x": [1, 2]})) == [False, False]
    assert pv_basis_text(0, 5, "en") == PV_UPPER_BOUND[0]
    assert pv_basis_text(0, 5, "de") == PV_UPPER_BOUND[1]
    assert "forest and land use not considered" in PV_UPPER_BOUND[0]
    assert "Wald und Flächennutzung nicht berücksichtigt" in PV_UPPER_BOUND[1]
    assert pv_basis_text(5, 5) == "" and pv_basis_text(0, 0) == ""
    assert pv_basis_text(2, 5).startswith("forest layer on 2 of 5 heaps only; PV of the other 3")
    assert pv_basis_text(2, 5, "de").startswith("Waldebene nur auf 2 von 5 Halden")


def _case(heap, row, layers=None):
    """Four PV heaps; the one with the most energy ("big") had its area assumed."""
    ids = ["big", "k1", "k2", "k3"]
    energies = [90000.0, 30000.0, 20000.0, 10000.0]
    rows = [
        row(h, pv_energy=e, turbines=0, wind_energy=0.0, terrain_source="parametric")
        for h, e in zip(ids, energies, strict=True)
    ]
    rows[0]["assumptions"] = f"{AREA_DEFAULT}; {SHAPE}"
    df = pd.DataFrame(rows)
    if layers is not None:
        df["layers_used"] = layers
    return df, [heap(h) for h in ids]


def test_assumed_area_ranks_after_every_known_heap(heap, row):
    df, heaps = _case(heap, row)
    ranked, totals = S.rank_results(df, heaps)
    by = ranked.set_index("heap_id")
    assert by.loc["big", "score"] >= by.loc["k1", "score"]  # best score, yet ranked last
    assert by["rank"].tolist() == [1, 2, 3, 4] and ranked["heap_id"].iloc[-1] == "big"
    assert by.loc["big", "rank_group"] == "facts missing"
    assert (by.loc[["k1", "k2", "k3"], "rank_group"] == "known").all()
    assert by.loc["big", "facts_missing"] == "area_ha"
    assert by.loc["big", "rank_best"] == 4 and by.loc["big", "rank_worst"] == 4
    assert not by.loc["big", "robust_top"]
    assert "ranked in the group 'facts missing'" in by.loc["big", "reasons"]
    assert "Gruppe 'Fakten fehlen'" in by.loc["big", "reasons_de"]
    # no heap with an assumed area among the known heaps
    known_max = by.loc[by["rank_group"] == "known", "rank"].max()
    assert (by.loc[by["facts_missing"].str.contains("area_ha"), "rank"] > known_max).all()
    t = totals.set_index("group")
    assert t.loc["facts_missing", "heaps"] == 1
    assert t.loc["facts_missing", "pv_energy_mwh_per_a"] == pytest.approx(90000.0)
    assert t.loc["total_suitable", "pv_energy_mwh_per_a"] == pytest.approx(150000.0)
    assert t.loc["technical_facts_missing", "pv_energy_mwh_per_a"] == pytest.approx(90000.0)


def test_known_heaps_set_the_score_scale(heap, row):
    """A facts-missing heap with more energy than all known heaps does not move their scores."""
    df, heaps = _case(heap, row)
    with_big = S.rank_results(df, heaps)[0].set_index("heap_id")
    without = S.rank_results(df.iloc[1:], heaps[1:])[0].set_index("heap_id")
    for h in ("k1", "k2", "k3"):
        assert with_big.loc[h, "score"] == pytest.approx(without.loc[h, "score"], abs=1e-9)
    # the facts-missing heap's energy share is capped at the best known heap's (1)
    cfg = S.SuitabilityConfig()
    assert with_big.loc["big", "score_energy"] == pytest.approx(cfg.weights[0], abs=1e-3)


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        (None, PV_UPPER_BOUND[0]),
        (["forest"] * 4, None),
        (["forest;residential", "forest", "", "residential"], "forest layer on 2 of 4 heaps"),
    ],
)
def test_totals_label_pv_as_upper_bound_without_forest(heap, row, layers, expected):
    df, heaps = _case(heap, row, layers)
    t = S.rank_results(df, heaps)[1].set_index("group")
    for g in ("pv", "total_suitable", "technical"):
        got = t.loc[g, "pv_basis"]
        if expected is None:
            assert got is None or (isinstance(got, float) and np.isnan(got))
        else:
            assert expected in got
            assert "Wald und Flächennutzung nicht berücksichtigt" in t.loc[g, "pv_basis_de"]
    # rows without PV carry no label
    assert pd.isna(t.loc["existing_wind", "pv_basis"])
