"""Shared fixtures of the batch tests: four small synthetic years, a two-heap registry, and the
reference batch over them with the local process pool (``--jobs 2``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

#: Files of a run folder compared byte for byte between executors: every table a run writes.
#: (manifest.json holds timestamps and the command line; results.gpkg its own creation time.)
RUN_TABLES = (
    "results.csv",
    "results.geojson",
    "monthly.csv",
    "surfaces.csv",
    "ranking.csv",
    "totals.csv",
)
#: Tables of the batch folder compared byte for byte.
BATCH_TABLES = ("summary.csv", "weather.csv", "failures.csv")


#: The four synthetic years of :func:`four_years`: (file name, seed, year), as
#: benchmarks/bench_batch.py makes them.
FOUR_YEARS = [(f"synthetic_{2001 + i}_seed{1000 + i}.csv", 1000 + i, 2001 + i) for i in range(4)]


def _write_four_years(folder: Path) -> None:
    from haldenenergie.weather.synth import synthesize

    for name, seed, year in FOUR_YEARS:
        synthesize(folder / name, seed=seed, year=year)


@pytest.fixture(scope="session")
def four_years(build_once) -> list[Path]:
    """Four synthetic years (seeds 1000..1003, years 2001..2004, as benchmarks/bench_batch.py).

    Built once per session: all xdist workers read the same files, since the batch tables
    (``weather.csv``, the manifests) record the weather paths and the cluster and shard tests
    compare their batches with :func:`pool_batch`'s byte for byte.
    """
    d = build_once("four_years", _write_four_years)
    return [d / name for name, _, _ in FOUR_YEARS]


@pytest.fixture(scope="session")
def two_heaps(build_once, root_dir) -> Path:
    """The project registry cut to two heaps (haniel, kohlenhuck): fast runs."""

    def _write(folder: Path) -> None:
        gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
        gj["features"] = [
            f for f in gj["features"] if f["properties"]["id"] in ("haniel", "kohlenhuck")
        ]
        (folder / "two.geojson").write_text(json.dumps(gj), encoding="utf-8")

    return build_once("two_heaps", _write) / "two.geojson"


@pytest.fixture(scope="session")
def pool_batch(build_once, four_years, two_heaps, invoke) -> Path:
    """The reference: ``batch`` over the four years with the local process pool, ``--jobs 2``.

    Built once per session (test_cluster.py and test_shards.py may run on different xdist
    workers); read-only.
    """

    def _write(folder: Path) -> None:
        r = invoke("batch", *four_years, "--heaps", two_heaps, "--out", folder / "b", "--jobs", "2")
        assert r.exit_code == 0, r.output

    return build_once("pool_batch", _write) / "b"


def _assert_same_batch(a: Path, b: Path, same_outcomes: bool = True) -> None:
    """Same run folders (names and tables, byte for byte) and the same batch tables.

    Without ``same_outcomes``, ``weather.csv`` may differ in its ``outcome`` column (a resumed
    batch says "skipped" where the reference computed).
    """
    runs_a = sorted(p.name for p in (a / "runs").iterdir())
    assert runs_a == sorted(p.name for p in (b / "runs").iterdir())
    for name in runs_a:
        for t in RUN_TABLES:
            fa, fb = a / "runs" / name / t, b / "runs" / name / t
            assert fa.read_bytes() == fb.read_bytes(), f"{name}/{t} differs"
        ma = json.loads((a / "runs" / name / "manifest.json").read_text(encoding="utf-8"))
        mb = json.loads((b / "runs" / name / "manifest.json").read_text(encoding="utf-8"))
        for k in ("created_utc", "argv"):
            ma.pop(k), mb.pop(k)
        assert ma == mb, f"{name}/manifest.json differs beyond time stamp and command line"
    for t in BATCH_TABLES:
        ta, tb = (a / t).read_text(encoding="utf-8"), (b / t).read_text(encoding="utf-8")
        if t == "weather.csv" and not same_outcomes:
            pd.testing.assert_frame_equal(
                pd.read_csv(a / t).drop(columns="outcome"),
                pd.read_csv(b / t).drop(columns="outcome"),
            )
            continue
        assert ta == tb, t


def _weather_records(out: Path) -> list[dict]:
    """The weather records of a batch manifest, without the per-run seconds and folder prefix."""
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    recs = []
    for r in man["inputs"]:
        if r["role"] == "weather":
            r = dict(r, folder=Path(r["folder"]).name if r["folder"] else None)
            r.pop("seconds")
            recs.append(r)
    return recs


@pytest.fixture(scope="session")
def same_batch():
    """``same_batch(a, b)``: assert two batch folders hold the same runs and tables."""
    return _assert_same_batch


@pytest.fixture(scope="session")
def weather_records():
    """``weather_records(out)``: the weather records of a batch manifest (no seconds)."""
    return _weather_records
