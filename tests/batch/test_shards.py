"""``batch --shard i/N`` and ``batch collect`` (issue 15): shards merge into one batch's tables."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from haldenenergie.batch import run as batchrun
from haldenenergie.batch import shards
from haldenenergie.errors import HaldenError


def test_parse_shard_and_round_robin_assignment():
    assert shards.parse_shard("2/5") == (2, 5)
    assert shards.parse_shard((1, 1)) == (1, 1)
    assert shards.parse_shard(None) is None
    for bad, msg in [("0/3", "between 1 and N"), ("4/3", "between 1 and N"), ("2-3", "i/N")]:
        with pytest.raises(HaldenError, match=msg):
            shards.parse_shard(bad)
    # 7 inputs in 3 shards: k mod 3 = i - 1; together each input exactly once
    got = [shards.shard_indices(7, (i, 3)) for i in (1, 2, 3)]
    assert got == [[0, 3, 6], [1, 4], [2, 5]]
    assert sorted(sum(got, [])) == list(range(7))
    assert shards.shard_indices(3, None) == [0, 1, 2]


def test_collect_refuses_without_all_shards(tmp_path, invoke):
    out = tmp_path / "b"
    r = invoke("batch", "collect", out)
    assert r.exit_code == 1 and "no shard folders" in r.stderr
    assert r.stderr.strip().count("\n") == 0
    (out / "shards" / "1-of-2").mkdir(parents=True)
    (out / "shards" / "1-of-2" / "manifest.json").write_text("{}", encoding="utf-8")
    (out / "shards" / "2-of-2").mkdir()  # started, not finished: no manifest yet
    r = invoke("batch", "collect", out)
    assert r.exit_code == 1 and "shard(s) 2/2 not finished" in r.stderr
    (out / "shards" / "1-of-3").mkdir()
    r = invoke("batch", "collect", out)
    assert r.exit_code == 1 and "different counts N (2, 3)" in r.stderr
    assert not (out / "summary.csv").exists()
    # a shard that is still running (its folder's lock held by a live process) blocks collect
    out = tmp_path / "c"
    (out / "shards" / "1-of-1").mkdir(parents=True)
    (out / "shards" / "1-of-1" / "manifest.json").write_text("{}", encoding="utf-8")
    lock = {"pid": os.getpid(), "host": socket.gethostname(), "started_utc": "now"}
    (out / "shards" / ".1-of-1.lock").write_text(json.dumps(lock), encoding="utf-8")
    r = invoke("batch", "collect", out)
    assert r.exit_code == 1 and "is writing it" in r.stderr
    assert not (out / "summary.csv").exists()


@pytest.mark.slow
def test_two_concurrent_shards_and_collect_give_the_batch(
    tmp_path, four_years, two_heaps, pool_batch, invoke, same_batch, weather_records
):
    """Shard 1/2 in another process (the CLI) while shard 2/2 runs here on a thread pool (any
    Executor), both into one folder; ``batch collect`` then writes the tables of one batch."""
    out = tmp_path / "b"
    args = [*map(str, four_years), "--heaps", str(two_heaps), "--out", str(out)]
    code = "from haldenenergie.cli import main; main()"
    other = subprocess.Popen(
        [sys.executable, "-c", code, "batch", *args, "--shard", "1/2", "-j", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with ThreadPoolExecutor(max_workers=1) as ex:
            mine = batchrun.run_batch(four_years, out, two_heaps, executor=ex, shard="2/2")
    finally:
        stdout, stderr = other.communicate(timeout=300)
    assert other.returncode == 0, stderr
    assert "shard 1/2: 2 weather files: 2 computed" in stdout
    assert "haldenenergie batch collect" in stdout
    assert [o.weather.name for o in mine] == [four_years[1].name, four_years[3].name]
    assert not (out / "summary.csv").exists()  # a shard writes no summary
    man = json.loads((out / "shards" / "2-of-2" / "manifest.json").read_text(encoding="utf-8"))
    assert man["shard"]["input_indices"] == [1, 3] and man["shard"]["count"] == 2
    r = invoke("batch", "collect", out)
    assert r.exit_code == 0, r.output
    assert "4 weather files: 4 computed, 0 already done, 0 failed" in r.stdout
    same_batch(pool_batch, out)
    assert weather_records(out) == weather_records(pool_batch)
    top = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ref = json.loads((pool_batch / "manifest.json").read_text(encoding="utf-8"))
    assert top["shards"] == 2 and top["n_done"] == 4
    assert top["statistics"] == ref["statistics"]
    assert top["context_sha256"] == ref["context_sha256"]
    assert top["parameters"] == ref["parameters"]
    # a shard rerun resumes (nothing computed); collect again gives the same summary
    again = batchrun.run_batch(four_years, out, two_heaps, jobs=1, shard=(1, 2))
    assert [o.status for o in again] == ["skipped", "skipped"]
    r = invoke("batch", "collect", out)
    assert r.exit_code == 0 and "2 computed, 2 already done" in r.stdout
    same_batch(pool_batch, out, same_outcomes=False)
