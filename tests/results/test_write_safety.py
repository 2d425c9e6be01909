"""Writing a run folder safely (issue 13): ``run --out DIR --overwrite`` deletes only our files."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time

import pytest


def _strict(path):
    def refuse(c):
        raise ValueError(c)

    return json.loads(path.read_text("utf-8"), parse_constant=refuse)


def test_overwrite_never_deletes_the_users_files(tmp_path, weather_dir, invoke):
    d = tmp_path / "projekt"
    d.mkdir()
    weather = d / "TRY2015_essen_jahr.dat"
    shutil.copy(weather_dir / "TRY2015_essen_jahr.dat", weather)
    (d / "Antrag.docx").write_bytes(b"the user's document")
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    r = invoke("run", "--weather", weather, "--out", d, "--overwrite")
    assert r.exit_code == 1
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in r.output
    assert line.startswith(f"error: {d}: is not a results folder written by haldenenergie")
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


def test_second_run_to_the_same_out_fails_at_once(tmp_path, invoke):
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        out = tmp_path / "out"
        rec = {"pid": p.pid, "host": socket.gethostname(), "started_utc": "now"}
        (tmp_path / ".out.lock").write_text(json.dumps(rec), "utf-8")
        t0 = time.perf_counter()
        r = invoke("run", "--heap", "haniel", "--out", out)
        assert time.perf_counter() - t0 < 5.0
        assert r.exit_code == 1
        assert f"another haldenenergie run (pid {p.pid}" in r.stderr
        assert r.stderr.strip().count("\n") == 0
        assert not out.exists()
    finally:
        p.kill()
        p.wait()


def test_run_to_an_unwritable_place_is_one_line_before_the_work(invoke):
    t0 = time.perf_counter()
    r = invoke("run", "--out", "/sys/haldenenergie-out")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.strip().startswith("error: /sys/haldenenergie-out: cannot write (")
    assert time.perf_counter() - t0 < 5.0


@pytest.mark.slow
def test_rerun_replaces_our_folder_with_its_exports(tmp_path, cli, invoke):
    d = tmp_path / "out"
    cli("run", "--heap", "haniel", "--heap", "hoheward", "--out", d)
    cli("export", d, "--format", "csv", "--out", d / "ranking_de.csv")
    cli("export", d, "--format", "xlsx", "--out", d / "haldenenergie.xlsx")
    cli("report", d, "--out", d / "bericht.html")
    man = _strict(d / "manifest.json")
    assert man["tool"] == "haldenenergie"
    assert {r["path"] for r in man["derived"]} == {
        "ranking_de.csv",
        "haldenenergie.xlsx",
        "bericht.html",
    }
    cli("run", "--heap", "haniel", "--out", d, "--overwrite")
    man = _strict(d / "manifest.json")
    assert "derived" not in man and man["heap_ids"] == ["haniel"]
    assert not (d / "bericht.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, tmp or old left
    # a file of the user's in the folder stops the next --overwrite
    (d / "notes.txt").write_text("mine", "utf-8")
    r = invoke("run", "--heap", "haniel", "--out", d, "--overwrite")
    assert r.exit_code == 1 and "notes.txt" in r.stderr
    assert (d / "notes.txt").read_text("utf-8") == "mine"
