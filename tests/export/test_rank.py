"""``haldenenergie rank``: ranking columns, ranking.csv, totals.csv and one-line errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from haldenenergie import export as E
from haldenenergie import suitability as S


def test_rank_adds_columns_and_writes_ranking_and_totals(folder, invoke):
    before = pd.read_csv(folder / "results.csv")
    r = invoke("rank", folder)
    assert r.exit_code == 0, r.output
    assert "6 heaps ranked" in r.output and "reg.geojson" in r.output
    after = E.read_table(folder / "results.csv")
    assert after["heap_id"].tolist() == before["heap_id"].tolist()  # row order kept
    for c in (
        "class",
        "reasons",
        "reasons_de",
        "score",
        *S.SCORE_PARTS,
        "rank",
        "rank_best",
        "rank_worst",
        "robust_top",
    ):
        assert c in after.columns, c
    for c in before.columns:  # original columns kept, values unchanged
        if c == "assumptions":
            continue
        pd.testing.assert_series_equal(
            after[c], before[c], check_dtype=False, check_names=False, rtol=1e-12
        )
    cls = dict(zip(after["heap_id"], after["class"], strict=True))
    assert cls == {
        "alpha": "pv+wind",
        "beta": "pv",
        "gamma": "pv+wind",
        "delta": "unsuitable",
        "epsilon": "unsuitable",
        "zeta": "pv",
    }
    ranking = E.read_table(folder / "ranking.csv")
    assert ranking["heap_id"].is_unique and len(ranking) == 6
    assert ranking["rank"].iloc[:4].tolist() == [1, 2, 3, 4]
    totals = E.read_table(folder / "totals.csv")
    assert list(totals.columns) == list(S.TOTAL_COLUMNS)
    man = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert man["ranking"]["parameters"]["min_housing_distance_m"] == 600.0
    assert man["ranking"]["inputs"][0]["role"] == "registry"
    assert man["command"] == "run"  # the run's own record is kept
    # Ranking again gives the same files (idempotent).
    first = (folder / "results.csv").read_bytes()
    assert invoke("rank", folder).exit_code == 0
    assert (folder / "results.csv").read_bytes() == first


def test_rank_with_config_and_explicit_registry(folder, tmp_path, invoke, write_registry):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[suitability]\nmin_housing_distance_m = 1000\n", "utf-8")
    other = write_registry(tmp_path / "other.geojson")
    r = invoke("rank", folder, "--config", cfg, "--heaps", other)
    assert r.exit_code == 0, r.output
    assert "other.geojson" in r.output
    res = E.read_table(folder / "results.csv")
    assert res.set_index("heap_id").loc["alpha", "class"] == "pv"  # 900 m < 1000 m


@pytest.mark.parametrize(
    "case, message",
    [
        ("no_dir", "no such results folder"),
        ("no_results", "results.csv: not found"),
        ("missing_col", "missing column(s) wind_turbines_new"),
        ("bad_config", "unknown key 'wieght_energy'"),
        ("bad_registry", "registry not found"),
    ],
)
def test_rank_errors_are_one_line_exit_1(folder, tmp_path, case, message, invoke, results_frame):
    args = ["rank", folder]
    if case == "no_dir":
        args = ["rank", tmp_path / "nope"]
    elif case == "no_results":
        (folder / "results.csv").unlink()
    elif case == "missing_col":
        results_frame().drop(columns=["wind_turbines_new"]).to_csv(
            folder / "results.csv", index=False
        )
    elif case == "bad_config":
        p = tmp_path / "bad.toml"
        p.write_text("[suitability]\nwieght_energy = 3\n", "utf-8")
        args += ["--config", p]
    elif case == "bad_registry":
        args += ["--heaps", tmp_path / "missing.geojson"]
    r = invoke(*args)
    assert r.exit_code == 1, r.output
    assert message in r.output and "error:" in r.output and no_traceback(r)


def no_traceback(r):
    return "Traceback" not in r.output


def test_rerank_library_call_equals_the_command(folder, tmp_path, cli):
    """``pipeline.rerank`` is what ``haldenenergie rank`` runs; ``write=False`` writes nothing."""
    from haldenenergie import pipeline

    before = (folder / "results.csv").read_bytes()
    res = pipeline.rerank(folder, write=False)
    assert (folder / "results.csv").read_bytes() == before and not (folder / "ranking.csv").exists()
    assert res.info["registry"].name == "reg.geojson" and res.info["config_origin"].endswith(
        "manifest.json"
    )
    assert "ranking" in res.manifest and len(res.results) == 6
    cli("rank", folder)
    after = E.read_table(folder / "results.csv").set_index("heap_id")
    lib = res.results.set_index("heap_id")
    assert (after.loc[lib.index, "class"] == lib["class"]).all()
    pd.testing.assert_frame_equal(
        E.read_table(folder / "totals.csv"), res.totals, check_dtype=False
    )


@pytest.mark.slow
def test_rerank_judges_assumed_areas_with_the_runs_terrain_parameters(tmp_path, cli):
    """`rank` without --config uses the run's recorded [terrain] cone limits, not the defaults.

    Gotthelf: cone of 42 m with an assumed 38 ha. With the default cone flanks (30-37 deg) a cone of
    42 m covers pi (42 / tan 30 deg)^2 = 1.7 ha, so 38 ha is implausible; with flanks from 1 deg it
    may cover pi (42 / tan 1 deg)^2 = 1,819 ha, so it is not.
    """
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        "[terrain]\nform_flank_slope_deg = { cone = [1.0, 37.0], table = [18.0, 27.0], "
        "terraced = [18.0, 27.0], landscape = [10.0, 20.0], elongated = [18.0, 27.0] }\n",
        "utf-8",
    )
    out = tmp_path / "out"
    cli("run", "--heap", "gotthelf", "--config", cfg, "--out", out)

    def implausible():
        r = pd.read_csv(out / "ranking.csv").set_index("heap_id")
        return bool(r.loc["gotthelf", "area_implausible"])

    assert implausible() is False
    cli("rank", out)
    assert implausible() is False  # the run's cone limits, as the run judged
    (tmp_path / "default.toml").write_text("", "utf-8")
    cli("rank", out, "--config", tmp_path / "default.toml")
    assert implausible() is True  # the defaults, when a config without [terrain] is given
