"""The results-folder contract: write a run folder atomically, read it back, one clear error."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from haldenenergie import results
from haldenenergie.errors import OutputError
from haldenenergie.pipeline import RunResult


def _run() -> RunResult:
    res = pd.DataFrame(
        {
            "heap_id": ["a", "b"],
            "name": ["A", "B"],
            "lat": [51.5, None],
            "lon": [7.0, None],
            "class": ["pv", "unsuitable"],
            "score": [1.0, None],
            "rank": [1.0, None],
            "rank_best": [1.0, None],
            "rank_worst": [1.0, None],
            "robust_top": [True, False],
            "pv_energy_mwh_per_a": [10.5, 0.0],
        }
    )
    monthly = pd.DataFrame({"heap_id": ["a"] * 12, "month": range(1, 13), "pv_energy_mwh": 1.0})
    totals = pd.DataFrame({"group": ["technical"], "heaps": [2]})
    return RunResult(
        results=res,
        monthly=monthly,
        surfaces=pd.DataFrame({"heap_id": ["a"], "kind": ["plateau"]}),
        totals=totals,
        manifest={"command": "run"},
    )


def test_write_run_writes_every_file_and_read_run_reads_them(tmp_path, monkeypatch):
    import haldenenergie.suitability as S

    monkeypatch.setattr(S, "ranking_table", lambda df: df[["heap_id", "rank"]])
    d = results.write_run(tmp_path / "out", _run())
    assert sorted(p.name for p in d.iterdir()) == sorted(results.RUN_FILES)
    man = json.loads((d / "manifest.json").read_text("utf-8"))
    assert man["outputs"] == sorted(set(results.RUN_FILES) - {"manifest.json"}) + ["manifest.json"]
    gj = json.loads((d / "results.geojson").read_text("utf-8"))
    assert gj["features"][0]["geometry"] == {"type": "Point", "coordinates": [7.0, 51.5]}
    assert gj["features"][1]["geometry"] is None
    run = results.read_run(d)
    assert run.ranked and run.manifest_found and run.notes == []
    assert run.results["rank"].dtype == "Int64" and run.results["robust_top"].dtype == bool
    assert run.results["heap_id"].tolist() == ["a", "b"]
    assert len(run.monthly) == 12 and run.totals["group"].tolist() == ["technical"]
    assert run.ranking is not None and run.surfaces is not None
    only = results.read_run(d, tables=("totals",))
    assert only.ranking is None and only.monthly is None and only.totals is not None
    raw = results.read_run(d, typed=False)
    assert raw.results["rank"].dtype == float
    with pytest.raises(OutputError, match="exists already"):
        results.write_run(d, _run())


def test_missing_folder_and_missing_results_name_folder_and_file(tmp_path):
    with pytest.raises(OutputError, match="no such results folder"):
        results.read_run(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(OutputError) as exc:
        results.read_run(tmp_path / "empty")
    msg = str(exc.value)
    assert "results.csv: not found" in msg and str(tmp_path / "empty") in msg


def test_unreadable_optional_file_strict_or_noted(tmp_path):
    d = tmp_path / "r"
    d.mkdir()
    pd.DataFrame({"heap_id": ["a"]}).to_csv(d / "results.csv", index=False)
    (d / "monthly.csv").write_bytes(b"\xff\xfe\x00bad")
    (d / "manifest.json").write_text("{not json", "utf-8")
    with pytest.raises(OutputError, match="monthly.csv"):
        results.read_run(d)
    run = results.read_run(d, strict=False)
    assert run.monthly is None and not run.manifest_found and run.manifest == {}
    assert len(run.notes) == 2


def test_write_rank_outputs_keeps_row_order_and_adds_manifest_entry(tmp_path, monkeypatch):
    import haldenenergie.suitability as S

    monkeypatch.setattr(S, "ranking_table", lambda df: df[["heap_id", "rank"]])
    d = tmp_path / "r"
    d.mkdir()
    base = pd.DataFrame({"heap_id": ["b", "a"], "x": [1, 2], "rank": [9, 9]})
    ranked = pd.DataFrame({"heap_id": ["a", "b"], "rank": [1, 2]})
    written = results.write_rank_outputs(d, base, ranked, pd.DataFrame({"g": [1]}), {"k": 1})
    assert [p.name for p in written] == [
        "results.csv",
        "ranking.csv",
        "totals.csv",
        "manifest.json",
    ]
    back = results.read_results(d)
    assert back["heap_id"].tolist() == ["b", "a"] and back["rank"].tolist() == [2, 1]
    assert results.read_manifest(d)["ranking"] == {"k": 1}


def test_what_the_manifest_records():
    man = {
        "inputs": [{"role": "registry", "path": "/x/heaps.geojson"}],
        "parameters": {"suitability": {"min_housing_distance_m": 700.0}},
    }
    assert str(results.registry_from_manifest(man)) == "/x/heaps.geojson"
    assert results.registry_from_manifest({}) is None
    assert results.suitability_values_from_manifest(man) == {"min_housing_distance_m": 700.0}
    assert results.suitability_values_from_manifest({}) is None


def test_manifest_warnings_list_a_repeated_text_once_under_its_stage():
    from haldenenergie.results import manifest_warnings

    man = {
        "warnings": ["TRY.dat: station 90 km away", "whole run note"],
        "weather": {"warnings": ["TRY.dat:  station 90 km away"]},
    }
    assert manifest_warnings(man) == [
        ("run", "whole run note"),
        ("weather", "TRY.dat: station 90 km away"),
    ]
