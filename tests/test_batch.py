"""Tests of ``haldenenergie batch`` (issue 6): summary statistics, fault tolerance, resumability."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from haldenenergie import batch as batchmod
from haldenenergie.cli import main

FILES = ["TRY2015_essen_jahr.dat", "TRY2015_essen_somm.dat", "TRY2015_essen_wint.dat",
         "dwd_duesseldorf_2024_15min.csv"]


@pytest.fixture(scope="module")
def four(weather_dir):
    return [weather_dir / f for f in FILES]


@pytest.fixture(scope="module")
def full_batch(tmp_path_factory, four):
    out = tmp_path_factory.mktemp("batch") / "b"
    r = CliRunner().invoke(main, ["batch", *map(str, four), "--out", str(out), "--jobs", "2"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def test_four_folders_and_summary_mean_equals_mean_of_runs(full_batch):
    runs = sorted((full_batch / "runs").iterdir())
    assert len(runs) == 4
    frames = [pd.read_csv(r / "results.csv").set_index("heap_id") for r in runs]
    summary = pd.read_csv(full_batch / "summary.csv").set_index("heap_id")
    for q, col in [("pv", "pv_energy_mwh_per_a"), ("wind", "wind_energy_mwh_per_a")]:
        mean = sum(f[col].fillna(0) for f in frames) / 4
        assert_allclose(summary[f"{q}_energy_mean_mwh_per_a"].reindex(mean.index), mean, rtol=1e-9)
        stacked = np.vstack([f[col].fillna(0).reindex(mean.index) for f in frames])
        assert_allclose(summary[f"{q}_energy_min_mwh_per_a"].reindex(mean.index), stacked.min(0))
        assert_allclose(summary[f"{q}_energy_p50_mwh_per_a"].reindex(mean.index), np.median(stacked, 0))
        sd = stacked.std(0, ddof=1)
        assert_allclose(summary[f"{q}_energy_p90_mwh_per_a"].reindex(mean.index),
                        np.median(stacked, 0) - 1.2816 * sd, rtol=1e-9, atol=1e-9)
    ranked = summary.dropna(subset=["rank_best"])  # heaps that are never ranked have no rank stats
    assert len(ranked) > 0
    assert (ranked["rank_best"] <= ranked["rank_mean"]).all()
    assert (ranked["rank_mean"] <= ranked["rank_worst"]).all()
    assert summary["share_top10"].between(0, 1).all()
    assert pd.read_csv(full_batch / "failures.csv").empty


def test_corrupted_file_is_reported_and_others_complete(tmp_path, four):
    bad = tmp_path / "broken_try.dat"
    text = four[0].read_text(encoding="latin-1").splitlines()
    bad.write_text("\n".join(text[: len(text) // 2]) + "\n", encoding="latin-1")  # half a year
    out = tmp_path / "b"
    r = CliRunner().invoke(main, ["batch", str(four[0]), str(bad), str(four[3]), "--out", str(out),
                                  "--jobs", "1"])
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "broken_try.dat" in r.output
    fails = pd.read_csv(out / "failures.csv")
    assert list(fails["weather_file"].map(lambda s: s.split("/")[-1])) == ["broken_try.dat"]
    assert len(list((out / "runs").iterdir())) == 2
    assert len(pd.read_csv(out / "summary.csv")) > 0


def test_killed_batch_resumes_and_gives_same_summary(tmp_path, four, full_batch, monkeypatch):
    out = tmp_path / "b"
    real = batchmod._one
    calls = []

    def dying(*args):
        calls.append(args[0])
        if len(calls) == 3:
            raise KeyboardInterrupt   # the user presses Ctrl-C during the third file
        return real(*args)

    monkeypatch.setattr(batchmod, "_one", dying)
    r = CliRunner().invoke(main, ["batch", *map(str, four), "--out", str(out), "--jobs", "1"])
    assert r.exit_code != 0
    assert len(list((out / "runs").iterdir())) == 2        # only complete folders survive
    monkeypatch.setattr(batchmod, "_one", real)
    seen = []
    monkeypatch.setattr(batchmod, "_one", lambda *a: (seen.append(a[0]), real(*a))[1])
    r = CliRunner().invoke(main, ["batch", *map(str, four), "--out", str(out), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert [p.name for p in seen] == FILES[2:]             # only the missing files were computed
    a = pd.read_csv(out / "summary.csv").set_index("heap_id").sort_index()
    b = pd.read_csv(full_batch / "summary.csv").set_index("heap_id").sort_index()
    num = a.select_dtypes("number").columns
    assert_allclose(a[num].to_numpy(float), b[num].to_numpy(float), rtol=1e-9, equal_nan=True)


def test_adding_a_file_computes_only_that_one(tmp_path, four, monkeypatch):
    out = tmp_path / "b"
    assert CliRunner().invoke(main, ["batch", str(four[0]), "--out", str(out), "-j", "1"]).exit_code == 0
    seen = []
    real = batchmod._one
    monkeypatch.setattr(batchmod, "_one", lambda *a: (seen.append(a[0].name), real(*a))[1])
    extra = tmp_path / "copy_of_wint.dat"
    shutil.copy(four[2], extra)
    r = CliRunner().invoke(main, ["batch", str(four[0]), str(extra), "--out", str(out), "-j", "1"])
    assert r.exit_code == 0, r.output
    assert seen == ["copy_of_wint.dat"]


def test_expand_weather_args_globs_and_folders(tmp_path):
    for n in ["a.dat", "b.csv", "README.md", ".hidden.csv"]:
        (tmp_path / n).write_text("x")
    got = batchmod.expand_weather_args([tmp_path, str(tmp_path / "*.dat")])
    assert [p.name for p in got] == ["a.dat", "b.csv"]
    with pytest.raises(batchmod.HaldenError, match="matches no file"):
        batchmod.expand_weather_args([str(tmp_path / "*.nothing")])
