"""Tests of haldenenergie.suitability.ranking: the whole step, its checks and its output order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from haldenenergie import suitability as S
from haldenenergie.config import load_config
from haldenenergie.errors import OutputError


def test_results_validation(row):
    df = pd.DataFrame([row("a"), row("a")])
    with pytest.raises(OutputError, match="heap_id 'a' appears more than once"):
        S.rank_results(df, [], None)
    with pytest.raises(OutputError, match="missing column.*wind_turbines_new"):
        S.rank_results(pd.DataFrame([row("a")]).drop(columns=["wind_turbines_new"]), [], None)


def test_every_heap_once_and_sorted_output(random_case):
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


def test_real_registry_every_heap_once_with_class_and_reasons(root_dir: Path, row):
    reg = root_dir / "heaps.geojson"
    if not reg.exists():
        pytest.skip("heaps.geojson not present")
    from haldenenergie.registry import read_registry

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
