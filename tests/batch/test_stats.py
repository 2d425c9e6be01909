"""Issue 14: P90 needs enough comparable years; empirical P90 beside the normal one."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.batch import stats

#: Years of the P90 batch test: exactly the minimum for a P90 (stats.MIN_YEARS = 10, asserted in
#: test_below_the_minimum_p90_is_empty_with_the_reason), so the test also proves that the
#: minimum itself suffices; 20 years proved no more and took twice as long.
N_YEARS = stats.MIN_YEARS


def _folder(tmp_path, name, rows):
    d = tmp_path / name
    d.mkdir()
    cols = ["heap_id", "name", "city", "pv_energy_mwh_per_a", "wind_energy_mwh_per_a", "rank"]
    pd.DataFrame(rows, columns=cols).to_csv(d / "results.csv", index=False)
    return d


def test_below_the_minimum_p90_is_empty_with_the_reason(tmp_path):
    folders = [_folder(tmp_path, f"r{i}", [("x", "X", "A", 100 + i, 0, 1)]) for i in range(4)]
    s = stats.summarise(folders).iloc[0]
    assert stats.MIN_YEARS == 10
    assert np.isnan(s["total_energy_p90_mwh_per_a"])
    assert np.isnan(s["total_energy_p90_normal_mwh_per_a"])
    assert np.isnan(s["total_energy_p90_empirical_mwh_per_a"])
    assert (s["total_energy_min_mwh_per_a"], s["total_energy_max_mwh_per_a"]) == (100, 103)
    assert s["p90_method"] == "none" and "fewer than the 10" in s["p90_note"]


def test_empirical_and_normal_p90_and_the_method_used(tmp_path):
    vals = np.arange(100.0, 112.0)  # 12 years
    folders = [_folder(tmp_path, f"r{i}", [("x", "X", "A", v, 0, 1)]) for i, v in enumerate(vals)]
    s = stats.summarise(folders).iloc[0]
    assert s["p90_method"] == "normal"
    normal = np.median(vals) - stats.Z_P90 * vals.std(ddof=1)
    assert_allclose(s["total_energy_p90_normal_mwh_per_a"], normal)
    assert_allclose(s["total_energy_p90_empirical_mwh_per_a"], np.percentile(vals, 10))
    assert_allclose(s["total_energy_p90_mwh_per_a"], normal)
    e = stats.summarise(folders, p90_method="empirical").iloc[0]
    assert e["p90_method"] == "empirical"
    assert_allclose(e["total_energy_p90_mwh_per_a"], np.percentile(vals, 10))


@pytest.fixture(scope="module")
def small_registry(tmp_path_factory, root_dir):
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    keep = ("haniel", "kohlenhuck")
    gj["features"] = [f for f in gj["features"] if f["properties"]["id"] in keep]
    p = tmp_path_factory.mktemp("reg") / "small.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def synthetic_years(tmp_path_factory):
    """N_YEARS synthetic years, seeds 1000.., years 2001.. (as benchmarks/bench_batch.py)."""
    from haldenenergie.weather.synth import synthesize

    d = tmp_path_factory.mktemp("years")
    return [
        synthesize(d / f"synthetic_{2001 + i}_seed{1000 + i}.csv", seed=1000 + i, year=2001 + i)
        for i in range(N_YEARS)
    ]


@pytest.mark.slow
def test_min_years_comparable_years_give_an_empirical_p90_within_the_years(
    tmp_path, synthetic_years, small_registry, invoke
):
    out = tmp_path / "b"
    r = invoke("batch", *synthetic_years, "--heaps", small_registry, "--out", out, "-j", "1")
    assert r.exit_code == 0, r.output
    assert f"weather: synthetic year ×{N_YEARS}" in r.stdout
    s = pd.read_csv(out / "summary.csv")
    assert len(s) == 2 and (s["total_energy_n_runs"] == N_YEARS).all()
    assert (s["p90_method"] == "normal").all()
    runs = [pd.read_csv(f / "results.csv").set_index("heap_id") for f in (out / "runs").iterdir()]
    checked = 0  # P90s compared with the years' own 10th percentile
    for q, col in [("total", None), ("pv", "pv_energy_mwh_per_a"), ("suitable", None)]:
        if col is None:
            col = f"{q}_energy_mwh_per_a"
        years = pd.concat([f[col] for f in runs], axis=1)
        if q == "total":
            years = pd.concat(
                [f["pv_energy_mwh_per_a"] + f["wind_energy_mwh_per_a"].fillna(0) for f in runs],
                axis=1,
            )
        emp = s.set_index("heap_id")[f"{q}_energy_p90_empirical_mwh_per_a"]
        for hid, p90 in emp.items():
            y = years.loc[hid].dropna()
            if len(y) < stats.MIN_YEARS:
                assert np.isnan(p90)
                continue
            assert y.min() <= p90 <= y.max(), (q, hid, p90, y.min(), y.max())
            assert_allclose(p90, np.percentile(y, 10))
            checked += 1
    assert checked >= 4  # at least total and PV of both heaps have a P90 from N_YEARS years
    table = pd.read_csv(out / "weather.csv")
    assert (table["kind"] == "synthetic").all()
    assert list(table["year"]) == list(range(2001, 2001 + N_YEARS))
