"""``batch --cluster`` (issue 15): any Executor, Dask LocalCluster, same results as the pool."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from haldenenergie.batch import cluster as clustermod
from haldenenergie.batch import run as batchrun
from haldenenergie.errors import HaldenError


@pytest.fixture(scope="module")
def dask_installed():
    """Skip where the optional ``cluster`` extra (dask.distributed) is not installed."""
    pytest.importorskip("distributed")


def _corrupt(tmp_path, good):
    """Half of a synthetic year: the reader refuses it (incomplete year, no --allow-partial)."""
    bad = tmp_path / "broken_2099.csv"
    lines = good.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    return bad


@pytest.fixture(scope="module")
def scheduler(dask_installed):
    """A running Dask scheduler with 2 single-threaded worker processes: its tcp:// address."""
    import logging

    import distributed

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.slow
def test_cluster_local_gives_the_runs_and_summary_of_the_pool(
    tmp_path, four_years, two_heaps, pool_batch, invoke, dask_installed, same_batch
):
    out = tmp_path / "b"
    r = invoke(
        "batch", *four_years, "--heaps", two_heaps, "--out", out, "--cluster", "local", "-j", "2"
    )
    assert r.exit_code == 0, r.output
    assert "4 weather files: 4 computed, 0 already done, 0 failed" in r.stdout
    same_batch(pool_batch, out)


@pytest.mark.slow
def test_cluster_reports_a_corrupt_file_and_resumes(
    tmp_path,
    four_years,
    two_heaps,
    pool_batch,
    invoke,
    monkeypatch,
    scheduler,
    same_batch,
    weather_records,
):
    """On a running scheduler (``--cluster tcp://...``): one corrupt file fails, the rest
    completes; a rerun with all files (as after a kill) computes only the missing ones."""
    out = tmp_path / "b"
    bad = _corrupt(tmp_path, four_years[0])
    opts = ["--heaps", two_heaps, "--out", out, "--cluster", scheduler]
    r = invoke("batch", *four_years[:2], bad, *opts, catch_exceptions=True)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    assert "failed: " in r.stderr and "broken_2099.csv" in r.stderr
    fails = pd.read_csv(out / "failures.csv")
    assert [p.rsplit("/", 1)[-1] for p in fails["weather_file"]] == ["broken_2099.csv"]
    assert len(list((out / "runs").iterdir())) == 2
    assert "3 weather files: 2 computed, 0 already done, 1 failed" in r.stdout
    # the runs happen on the cluster's workers: a patched _one in this process sees nothing
    seen = []
    real = batchrun._one
    monkeypatch.setattr(batchrun, "_one", lambda *a: (seen.append(a[0]), real(*a))[1])
    r = invoke("batch", *four_years, *opts, catch_exceptions=True)
    assert r.exit_code == 0, r.output
    assert "4 weather files: 2 computed, 2 already done, 0 failed" in r.stdout
    assert seen == []
    same_batch(pool_batch, out, same_outcomes=False)
    a, b = weather_records(pool_batch), weather_records(out)
    assert [x["outcome"] for x in b] == ["skipped", "skipped", "done", "done"]
    for x in a + b:
        x.pop("outcome"), x.pop("reason")
    assert a == b


def test_missing_dask_is_one_line_with_the_install_hint(tmp_path, four_years, two_heaps, invoke):
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
        r = invoke(
            "batch",
            four_years[0],
            "--heaps",
            two_heaps,
            "--out",
            tmp_path / "b",
            "--cluster",
            "local",
        )
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert "pip install 'haldenenergie[cluster]'" in r.stderr
    assert not (tmp_path / "b").exists()


def test_bad_cluster_address_and_unreachable_scheduler(monkeypatch, dask_installed):
    bad = clustermod.cluster_executor("localhost:8786")
    with pytest.raises(HaldenError, match="expected 'local' or a scheduler address"), bad:
        pass
    monkeypatch.setattr(clustermod, "CONNECT_TIMEOUT_S", 1)
    gone = clustermod.cluster_executor("tcp://127.0.0.1:9")  # discard port: nobody listens
    with pytest.raises(HaldenError, match="cannot reach the Dask scheduler.*dask scheduler"), gone:
        pass


def test_worker_refuses_inputs_that_differ_from_the_hashed_ones(tmp_path, two_heaps):
    """A worker without the shared path (here: another registry under the same name) fails."""
    from haldenenergie.config import load_config

    cfg = load_config()
    shared, _, ctx_hash = batchrun._context(two_heaps, [], cfg)
    other = tmp_path / "two.geojson"
    other.write_text(two_heaps.read_text(encoding="utf-8").replace("haniel", "hanie1"), "utf-8")
    ctx = batchrun.WorkerContext(str(other), (), cfg, shared, ctx_hash)
    batchrun._STATE.clear()
    status, reason = batchrun._worker((tmp_path / "x.csv", tmp_path / "r", "k", "s", ctx))
    assert status == "failed"
    assert "differ from those the batch hashed" in reason and "shared path" in reason
    assert batchrun._STATE == {}
