"""Tests of ``haldenenergie batch`` (issue 6): summary statistics, fault tolerance, resumability."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import batch as batchmod
from haldenenergie.batch import run as batchrun

FILES = [
    "TRY2015_essen_jahr.dat",
    "TRY2015_essen_somm.dat",
    "TRY2015_essen_wint.dat",
    "dwd_duesseldorf_2024_15min.csv",
]


@pytest.fixture(scope="module")
def four(weather_dir):
    return [weather_dir / f for f in FILES]


@pytest.fixture(scope="module")
def small_registry(tmp_path_factory, root_dir):
    """The registry cut to two heaps: the batch mechanics and statistics hold for any registry,
    and a run of two heaps takes a fraction of the 46 heaps' time."""
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    gj["features"] = [
        f for f in gj["features"] if f["properties"]["id"] in ("haniel", "kohlenhuck")
    ]
    p = tmp_path_factory.mktemp("reg") / "small.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def full_batch(tmp_path_factory, four, small_registry, invoke):
    out = tmp_path_factory.mktemp("batch") / "b"
    # a mix of TRY mean/extreme years and a station year: pooled only on request (issue 14); the
    # P90 formula is checked over these 4 years, so the minimum is lowered to 4
    r = invoke(
        "batch",
        *map(str, four),
        "--heaps",
        str(small_registry),
        "--out",
        str(out),
        "--jobs",
        "2",
        "--pool-anyway",
        "--min-years",
        "4",
    )
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.slow
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
        assert_allclose(
            summary[f"{q}_energy_p50_mwh_per_a"].reindex(mean.index), np.median(stacked, 0)
        )
        sd = stacked.std(0, ddof=1)
        assert_allclose(
            summary[f"{q}_energy_p90_mwh_per_a"].reindex(mean.index),
            np.median(stacked, 0) - 1.2816 * sd,
            rtol=1e-9,
            atol=1e-9,
        )
    ranked = summary.dropna(subset=["rank_best"])  # heaps that are never ranked have no rank stats
    assert len(ranked) > 0
    assert (ranked["rank_best"] <= ranked["rank_mean"]).all()
    assert (ranked["rank_mean"] <= ranked["rank_worst"]).all()
    assert summary["share_top10"].between(0, 1).all()
    assert pd.read_csv(full_batch / "failures.csv").empty


@pytest.mark.slow
def test_corrupted_file_is_reported_and_others_complete(tmp_path, four, small_registry, invoke):
    bad = tmp_path / "broken_try.dat"
    text = four[0].read_text(encoding="latin-1").splitlines()
    bad.write_text("\n".join(text[: len(text) // 2]) + "\n", encoding="latin-1")  # half a year
    out = tmp_path / "b"
    r = invoke(
        "batch",
        str(four[0]),
        str(bad),
        str(four[3]),
        "--heaps",
        str(small_registry),
        "--out",
        str(out),
        "--jobs",
        "1",
        "--pool-anyway",
        catch_exceptions=True,
    )
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert "broken_try.dat" in r.output
    fails = pd.read_csv(out / "failures.csv")
    assert list(fails["weather_file"].map(lambda s: s.split("/")[-1])) == ["broken_try.dat"]
    assert len(list((out / "runs").iterdir())) == 2
    assert len(pd.read_csv(out / "summary.csv")) > 0


@pytest.mark.slow
def test_killed_batch_resumes_and_gives_same_summary(
    tmp_path, four, small_registry, full_batch, monkeypatch, invoke
):
    out = tmp_path / "b"
    real = batchrun._one
    calls = []

    def dying(*args):
        calls.append(args[0])
        if len(calls) == 3:
            raise KeyboardInterrupt  # the user presses Ctrl-C during the third file
        return real(*args)

    monkeypatch.setattr(batchrun, "_one", dying)
    pool = ["--heaps", str(small_registry), "--pool-anyway", "--min-years", "4"]
    r = invoke("batch", *four, "--out", out, "--jobs", "1", *pool, catch_exceptions=True)
    assert r.exit_code != 0
    assert len(list((out / "runs").iterdir())) == 2  # only complete folders survive
    monkeypatch.setattr(batchrun, "_one", real)
    seen = []
    monkeypatch.setattr(batchrun, "_one", lambda *a: (seen.append(a[0]), real(*a))[1])
    r = invoke("batch", *four, "--out", out, "--jobs", "1", *pool, catch_exceptions=True)
    assert r.exit_code == 0, r.output
    assert [p.name for p in seen] == FILES[2:]  # only the missing files were computed
    a = pd.read_csv(out / "summary.csv").set_index("heap_id").sort_index()
    b = pd.read_csv(full_batch / "summary.csv").set_index("heap_id").sort_index()
    num = a.select_dtypes("number").columns
    assert_allclose(a[num].to_numpy(float), b[num].to_numpy(float), rtol=1e-9, equal_nan=True)


@pytest.mark.slow
def test_adding_a_file_computes_only_that_one(tmp_path, four, small_registry, monkeypatch, invoke):
    out = tmp_path / "b"
    heaps = ["--heaps", str(small_registry)]
    r = invoke("batch", str(four[0]), *heaps, "--out", str(out), "-j", "1", catch_exceptions=True)
    assert r.exit_code == 0, r.output
    seen = []
    real = batchrun._one
    monkeypatch.setattr(batchrun, "_one", lambda *a: (seen.append(a[0].name), real(*a))[1])
    extra = tmp_path / "copy_of_wint.dat"
    shutil.copy(four[2], extra)
    r = invoke(
        "batch",
        four[0],
        extra,
        *heaps,
        "--out",
        out,
        "-j",
        "1",
        "--pool-anyway",
        catch_exceptions=True,
    )
    assert r.exit_code == 0, r.output
    assert seen == ["copy_of_wint.dat"]


def test_expand_weather_args_globs_and_folders(tmp_path):
    for n in ["a.dat", "b.csv", "README.md", ".hidden.csv"]:
        (tmp_path / n).write_text("x")
    got = batchmod.expand_weather_args([tmp_path, str(tmp_path / "*.dat")])
    assert [p.name for p in got] == ["a.dat", "b.csv"]
    with pytest.raises(batchmod.HaldenError, match="matches no file"):
        batchmod.expand_weather_args([str(tmp_path / "*.nothing")])


# ------------------------------------------------------------------------------------------------
# summary statistics on hand-made run folders (no pipeline: exact expected values)
# ------------------------------------------------------------------------------------------------
def _folder(tmp_path, name, rows):
    d = tmp_path / name
    d.mkdir()
    pd.DataFrame(
        rows,
        columns=["heap_id", "name", "city", "pv_energy_mwh_per_a", "wind_energy_mwh_per_a", "rank"],
    ).to_csv(d / "results.csv", index=False)
    return d


def test_p90_constant_is_the_normal_quantile():
    from scipy.stats import norm

    assert_allclose(batchmod.Z_P90, norm.ppf(0.9), atol=5e-5)


def test_summary_statistics_rank_stats_and_missing_values(tmp_path):
    """Heap x: PV 100/200/300/400, wind NaN (no turbine) -> 0; ranks 1, 12, unranked, 3.
    Heap y: never ranked. Heap z: PV unknown in the third run (wind-only weather)."""
    runs = [
        [("x", "X", "A", 100, None, 1), ("y", "Y", "B", 10, 5, None), ("z", "Z", "C", 50, 1, 2)],
        [("x", "X", "A", 200, None, 12), ("y", "Y", "B", 20, 5, None), ("z", "Z", "C", 70, 1, 3)],
        [
            ("x", "X", "A", 300, None, None),
            ("y", "Y", "B", 30, 5, None),
            ("z", "Z", "C", None, 1, 1),
        ],
        [("x", "X", "A", 400, None, 3), ("y", "Y", "B", 40, 5, None), ("z", "Z", "C", 90, 1, 2)],
    ]
    folders = [_folder(tmp_path, f"r{i}", r) for i, r in enumerate(runs)]
    s = batchmod.summarise(folders, min_years=4).set_index("heap_id")
    x = s.loc["x"]
    pv = np.array([100, 200, 300, 400.0])
    assert x["n_runs"] == 4 and x["pv_energy_n_runs"] == 4
    assert_allclose(
        [
            x["pv_energy_mean_mwh_per_a"],
            x["pv_energy_min_mwh_per_a"],
            x["pv_energy_max_mwh_per_a"],
            x["pv_energy_std_mwh_per_a"],
            x["pv_energy_p50_mwh_per_a"],
        ],
        [250, 100, 400, pv.std(ddof=1), 250],
        rtol=1e-12,
    )
    assert_allclose(x["pv_energy_p90_mwh_per_a"], 250 - 1.2816 * pv.std(ddof=1), rtol=1e-12)
    assert x["wind_energy_mean_mwh_per_a"] == 0 and x["total_energy_mean_mwh_per_a"] == 250
    # rank stats over the 3 runs where x is ranked; share_top10 over all 4 runs (unranked = not top)
    assert x["n_ranked"] == 3
    assert_allclose(
        [x["rank_mean"], x["rank_best"], x["rank_worst"], x["share_top10"]], [16 / 3, 1, 12, 0.5]
    )
    y = s.loc["y"]
    assert y["n_ranked"] == 0 and np.isnan(y["rank_mean"]) and y["share_top10"] == 0
    z = s.loc["z"]
    assert z["pv_energy_n_runs"] == 3 and z["total_energy_n_runs"] == 3
    assert_allclose(z["pv_energy_mean_mwh_per_a"], 70)  # over the 3 known values
    assert_allclose(z["total_energy_mean_mwh_per_a"], 71)
    assert_allclose(z["wind_energy_mean_mwh_per_a"], 1)
    # ranked heaps first, by mean rank
    assert list(s.index[:2]) == ["z", "x"]


# ------------------------------------------------------------------------------------------------
# CLI behaviour on a small registry (fast)
# ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_quiet_in_pipes_and_reserved_layer_content_keys_the_runs(
    tmp_path, four, small_registry, monkeypatch, invoke
):
    layer = tmp_path / "reserved.geojson"
    far = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[9.0, 52.0], [9.01, 52.0], [9.01, 52.01], [9.0, 52.0]]],
                },
            }
        ],
    }
    layer.write_text(json.dumps(far), encoding="utf-8")
    out = tmp_path / "b"
    args = [
        "batch",
        str(four[0]),
        "--heaps",
        str(small_registry),
        "--reserved",
        str(layer),
        "--out",
        str(out),
        "-j",
        "1",
    ]
    r = invoke(*args, catch_exceptions=True)
    assert r.exit_code == 0, r.output
    # not a terminal: only the one-line summary, no per-file progress lines (stderr holds only
    # the warnings about the inputs, issue 13: the heaps' terrain warnings)
    lines = r.stdout.strip().splitlines()
    assert lines[0] == f"1 weather files: 1 computed, 0 already done, 0 failed → {out}/summary.csv"
    # then only the statistics' own summary (weather kinds pooled, how P90 was made; issue 14)
    assert all(ln.startswith(("weather:", "P90")) for ln in lines[1:]), lines
    assert all(ln.startswith("WARNING: ") for ln in r.stderr.strip().splitlines()), r.stderr
    assert "1 already done" in invoke(*args, catch_exceptions=True).output
    # same path, new content: the run is recomputed (keyed by content, not by file name)
    far["features"][0]["geometry"]["coordinates"][0][1][0] = 9.02
    layer.write_text(json.dumps(far), encoding="utf-8")
    assert "1 computed" in invoke(*args, catch_exceptions=True).output


@pytest.mark.slow
def test_batch_allow_partial(tmp_path, four, small_registry, invoke):
    half = tmp_path / "half.dat"
    lines = four[0].read_text(encoding="latin-1").splitlines()
    start = next(i for i, s in enumerate(lines) if s.startswith("***")) + 1
    half.write_text("\n".join(lines[: start + 181 * 24]) + "\n", encoding="latin-1")
    base = ["batch", str(half), "--heaps", str(small_registry), "-j", "1"]
    r = invoke(*base, "--out", str(tmp_path / "a"), catch_exceptions=True)
    assert r.exit_code == 1 and "--allow-partial" in r.output
    r = invoke(*base, "--allow-partial", "--out", str(tmp_path / "b"), catch_exceptions=True)
    assert r.exit_code == 0, r.output
    (run,) = (tmp_path / "b" / "runs").iterdir()
    assert pd.read_csv(run / "results.csv")["weather_partial"].all()


# ------------------------------------------------------------------------------------------------
# --tz (issue 16): a windpowerlib CSV without UTC offset
# ------------------------------------------------------------------------------------------------
#: The header and first 48 rows of windpowerlib's example/weather.csv (github.com/wind-python/
#: windpowerlib) with the offset +01:00 removed; see the .md next to the file.
WPL_NO_TZ = (
    Path(__file__).parents[1] / "weather" / "readers" / "data" / "windpowerlib_example_no_tz.csv"
)


@pytest.mark.slow
def test_batch_tz_reads_naive_file_and_keys_the_runs(tmp_path, small_registry, invoke):
    out = tmp_path / "b"
    base = ["batch", str(WPL_NO_TZ), "--heaps", str(small_registry), "--allow-partial"]
    base += ["--out", str(out), "-j", "1"]
    r = invoke(*base, catch_exceptions=True)
    assert r.exit_code == 1 and "Traceback" not in r.output
    fails = pd.read_csv(out / "failures.csv")
    assert "--tz" in fails["reason"].iloc[0] and "no time zone" in fails["reason"].iloc[0]
    assert "--tz" in r.stderr
    r = invoke(*base, "--tz", "+01:00", catch_exceptions=True)
    assert r.exit_code == 0, r.output
    assert "1 computed" in r.output
    (run,) = (out / "runs").iterdir()
    man = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert man["weather_options"] == {"tz": "+01:00"}
    assert man["weather"]["period_start"].startswith("2009-12-31T23:00")
    top = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert top["weather_options"] == {"tz": "+01:00"}
    assert "1 already done" in invoke(*base, "--tz", "+01:00", catch_exceptions=True).output
    # another zone is another run (the resume key holds the tz), not a skipped one
    r = invoke(*base, "--tz", "UTC", catch_exceptions=True)
    assert r.exit_code == 0 and "1 computed" in r.output, r.output
    assert len(list((out / "runs").iterdir())) == 2


def test_tz_enters_the_context_hash_only_when_given(small_registry):
    from haldenenergie.config import load_config

    cfg = load_config()
    h0 = batchmod._context(small_registry, [], cfg)[2]
    assert batchmod._context(small_registry, [], cfg, None)[2] == h0  # batches before --tz resume
    h1 = batchmod._context(small_registry, [], cfg, "UTC")[2]
    h2 = batchmod._context(small_registry, [], cfg, "+01:00")[2]
    assert len({h0, h1, h2}) == 3


def test_batch_refuses_unknown_tz_before_work(tmp_path, small_registry, invoke):
    out = tmp_path / "b"
    r = invoke(
        "batch",
        str(WPL_NO_TZ),
        "--heaps",
        str(small_registry),
        "--tz",
        "Nowhere/X",
        "--out",
        str(out),
    )
    assert r.exit_code == 1 and not out.exists()
    assert "error: --tz: unknown time zone 'Nowhere/X'" in r.stderr
