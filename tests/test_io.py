"""Safe outputs (issue 13): overwrite only our own output, locks, clean OSErrors, strict JSON."""

from __future__ import annotations

import errno
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from haldenenergie import _io
from haldenenergie.errors import OutputError


def _strict_load(text: str):
    """``json.loads`` that refuses NaN/Infinity (a strict RFC 8259 parser)."""

    def refuse(c):
        raise ValueError(f"non-standard JSON constant {c}")

    return json.loads(text, parse_constant=refuse)


def _our_folder(d: Path, extra_outputs=()) -> Path:
    """A folder as ``run`` writes it: results.csv and our manifest listing it."""
    d.mkdir(parents=True)
    (d / "results.csv").write_text("heap_id\na\n", "utf-8")
    for name in extra_outputs:
        (d / name).write_text("x", "utf-8")
    man = _io.manifest("run", [], {}, outputs=["results.csv", *extra_outputs, "manifest.json"])
    _io.write_json(d / "manifest.json", man)
    return d


def _one_line(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.fixture
def dead_pid() -> int:
    """The pid of a process that has finished (not reused within a test)."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture
def live_pid():
    """The pid of another live process (a sleeping Python)."""
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield p.pid
    p.kill()
    p.wait()


# --------------------------------------------------------------------------------------------------
# --overwrite replaces only what we wrote
# --------------------------------------------------------------------------------------------------


def test_overwrite_refuses_folder_without_our_manifest(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    (d / "Antrag.docx").write_text("the user's document", "utf-8")
    (d / "TRY.dat").write_text("weather", "utf-8")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(d, overwrite=True)
    assert "is not a results folder written by haldenenergie" in _one_line(exc)
    with pytest.raises(OutputError), _io.atomic_dir(d, overwrite=True) as tmp:
        (tmp / "results.csv").write_text("new", "utf-8")
    assert sorted(p.name for p in d.iterdir()) == ["Antrag.docx", "TRY.dat"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_overwrite_refuses_our_folder_with_a_foreign_file(tmp_path):
    d = _our_folder(tmp_path / "out")
    (d / "Antrag.docx").write_text("the user's document", "utf-8")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(d, overwrite=True)
    msg = _one_line(exc)
    assert "holds files haldenenergie did not write (Antrag.docx)" in msg
    assert "--overwrite would delete them" in msg
    assert (d / "Antrag.docx").read_text("utf-8") == "the user's document"


def test_overwrite_replaces_our_own_folder(tmp_path):
    d = _our_folder(tmp_path / "out")
    with _io.atomic_dir(d, overwrite=True) as tmp:
        (tmp / "results.csv").write_text("new", "utf-8")
    assert (d / "results.csv").read_text("utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, tmp or old left


def test_overwrite_refuses_a_folder_holding_an_input(tmp_path):
    d = _our_folder(tmp_path / "out", extra_outputs=("TRY.dat",))
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(d, overwrite=True, inputs=[d / "TRY.dat"])
    assert f"holds the input {d / 'TRY.dat'} of this run" in _one_line(exc)
    with pytest.raises(OutputError), _io.atomic_dir(d, overwrite=True, inputs=[d / "TRY.dat"]):
        pass
    assert (d / "TRY.dat").exists()


def test_derived_file_is_ours_until_edited(tmp_path):
    from haldenenergie.results import register_derived

    d = _our_folder(tmp_path / "out")
    (d / "bericht.html").write_text("<html>report</html>", "utf-8")
    assert register_derived(d, d / "bericht.html", "report")
    _io.check_can_write(d, overwrite=True, claim=False)  # ours: may be replaced
    (d / "bericht.html").write_text("<html>edited by the user</html>", "utf-8")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(d, overwrite=True, claim=False)
    assert "bericht.html (changed since it was written)" in _one_line(exc)


def test_file_output_never_replaces_a_folder(tmp_path):
    d = _our_folder(tmp_path / "out")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(d, overwrite=True, kind="file")
    assert "is a folder; an output file replaces only a file" in _one_line(exc)
    with pytest.raises(OutputError), _io.atomic_write(d, overwrite=True) as fh:
        fh.write("x")
    assert (d / "results.csv").exists()


def test_file_output_refuses_a_special_file():
    with pytest.raises(OutputError) as exc:
        _io.check_can_write("/dev/null", overwrite=True, kind="file")
    assert "is not a regular file" in _one_line(exc)


def test_file_output_refuses_its_own_input(tmp_path):
    f = tmp_path / "results.csv"
    f.write_text("heap_id\n", "utf-8")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(f, overwrite=True, kind="file", inputs=[f])
    assert "holds the input" in _one_line(exc)
    assert f.read_text("utf-8") == "heap_id\n"


# --------------------------------------------------------------------------------------------------
# Locks
# --------------------------------------------------------------------------------------------------


def _write_lock(target: Path, pid: int, host: str | None = None) -> Path:
    import socket

    lp = _io.lock_path(target)
    rec = {"pid": pid, "host": host or socket.gethostname(), "started_utc": "2026-01-01T00:00"}
    lp.write_text(json.dumps(rec), "utf-8")
    return lp


def test_second_writer_fails_at_once(tmp_path, live_pid):
    out = tmp_path / "out"
    lp = _write_lock(out, live_pid)
    t0 = time.perf_counter()
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(out, overwrite=False)
    msg = _one_line(exc)
    assert time.perf_counter() - t0 < 1.0
    assert f"another haldenenergie run (pid {live_pid}" in msg
    assert "wait or choose another --out" in msg
    with pytest.raises(OutputError), _io.atomic_dir(out):
        pass
    assert lp.exists() and not out.exists()


def test_stale_lock_of_a_dead_pid_is_taken_over(tmp_path, dead_pid):
    out = tmp_path / "out"
    _write_lock(out, dead_pid)
    with _io.atomic_dir(out) as tmp:
        (tmp / "a.csv").write_text("x", "utf-8")
    assert (out / "a.csv").exists()
    assert not _io.lock_path(out).exists()


def test_claim_is_held_from_the_check_to_the_write(tmp_path):
    """``check_can_write`` takes the lock; the write uses it and releases it."""
    out = tmp_path / "out"
    _io.check_can_write(out, overwrite=False)
    lp = _io.lock_path(out)
    assert json.loads(lp.read_text("utf-8"))["pid"] == os.getpid()
    code = (
        "import sys; from haldenenergie import _io\n"
        "try:\n"
        f"    _io.check_can_write({str(out)!r}, overwrite=False)\n"
        "except Exception as e:\n"
        "    print(e); sys.exit(1)\n"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert other.returncode == 1
    assert f"another haldenenergie run (pid {os.getpid()}" in other.stdout
    with _io.atomic_dir(out) as tmp:
        (tmp / "a.csv").write_text("x", "utf-8")
    assert not lp.exists()


def test_lock_from_another_host_is_respected(tmp_path):
    out = tmp_path / "out"
    _write_lock(out, 1, host="elsewhere.example")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(out, overwrite=False)
    assert "on elsewhere.example" in _one_line(exc)


# --------------------------------------------------------------------------------------------------
# OSError on writing: one line with the path
# --------------------------------------------------------------------------------------------------


def test_read_only_folder_is_one_line_before_the_work(tmp_path, monkeypatch):
    import tempfile

    def erofs(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".probe"))

    monkeypatch.setattr(tempfile, "mkstemp", erofs)
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(tmp_path / "out", overwrite=False)
    msg = _one_line(exc)
    assert msg.startswith(f"{tmp_path / 'out'}: cannot write (read-only file system, EROFS")
    assert "choose another --out on a writable disk" in msg


def test_permission_denied_under_sys():
    """``/sys`` refuses new files even for root (EACCES or EPERM, by kernel)."""
    with pytest.raises(OutputError) as exc:
        _io.check_can_write("/sys/haldenenergie-out/results", overwrite=False)
    assert "/sys/haldenenergie-out/results: cannot write (" in _one_line(exc)


def test_disk_without_free_space_is_refused_before_the_work(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9, 0))
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(tmp_path / "out", overwrite=False)
    msg = _one_line(exc)
    assert "cannot write (disk full: 0.0 MB free in" in msg and "free space" in msg


def test_disk_full_while_writing_leaves_nothing(tmp_path, monkeypatch):
    real = os.replace

    def enospc(src, dst, *a, **k):
        if Path(dst).name == "ranking.csv":
            raise OSError(errno.ENOSPC, "No space left on device", str(src))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", enospc)
    with pytest.raises(OutputError) as exc, _io.atomic_write(tmp_path / "ranking.csv") as fh:
        fh.write("x")
    msg = _one_line(exc)
    assert msg.startswith(f"{tmp_path / 'ranking.csv'}: cannot write (disk full, ENOSPC")
    assert list(tmp_path.iterdir()) == []


def test_disk_full_in_a_folder_write_keeps_the_old_folder(tmp_path, monkeypatch):
    d = _our_folder(tmp_path / "out")

    def enospc(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError) as exc, _io.atomic_dir(d, overwrite=True) as tmp:
        (tmp / "results.csv").write_text("new", "utf-8")
        monkeypatch.setattr(Path, "write_text", enospc)
        (tmp / "monthly.csv").write_text("new", "utf-8")
    assert "cannot write (disk full, ENOSPC)" in _one_line(exc)
    monkeypatch.undo()
    assert (d / "results.csv").read_text("utf-8") == "heap_id\na\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_in_the_way_of_the_parent(tmp_path):
    (tmp_path / "blocker").write_text("x", "utf-8")
    with pytest.raises(OutputError) as exc:
        _io.check_can_write(tmp_path / "blocker" / "out", overwrite=False)
    assert "is a file, not a folder" in _one_line(exc)
    with pytest.raises(OutputError) as exc, _io.atomic_write(tmp_path / "blocker" / "f.csv") as fh:
        fh.write("x")
    assert "cannot write (a file is in the way" in _one_line(exc)


# --------------------------------------------------------------------------------------------------
# Leftovers of killed runs
# --------------------------------------------------------------------------------------------------


def test_leftovers_of_a_killed_run_are_removed_by_the_next_run(tmp_path, dead_pid, live_pid):
    dead = tmp_path / f".out.tmp-{dead_pid}-abc12345"
    dead.mkdir()
    (dead / "results.csv").write_text("half", "utf-8")
    old = tmp_path / ".other.tmp-12345-old_one1.csv"
    old.write_text("half", "utf-8")
    past = time.time() - 2 * _io.STALE_TMP_AGE_S
    os.utime(old, (past, past))
    busy = tmp_path / f".out.tmp-{live_pid}-busy1234"  # a live run's: kept
    busy.mkdir()
    nested = tmp_path / f".x.tmp-{dead_pid}-nest1234"  # holds a folder: not ours, kept
    (nested / "sub").mkdir(parents=True)
    user = tmp_path / ".config"  # not our name: kept
    user.mkdir()
    look_alikes = [tmp_path / ".notes.tmp-draft.txt", tmp_path / ".app.lock"]  # not ours: kept
    for f in look_alikes:
        f.write_text("the user's", "utf-8")
        os.utime(f, (past, past))
    with _io.atomic_dir(tmp_path / "out") as tmp:
        (tmp / "results.csv").write_text("x", "utf-8")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        ["out", busy.name, nested.name, ".config", *(f.name for f in look_alikes)]
    )


def test_interrupted_replacement_is_rolled_back(tmp_path, dead_pid):
    """Killed between the two renames: the previous folder is put back."""
    kept = tmp_path / f".out.old-{dead_pid}"
    kept.mkdir()
    (kept / "results.csv").write_text("previous", "utf-8")
    _io.clean_leftovers(tmp_path)
    assert (tmp_path / "out" / "results.csv").read_text("utf-8") == "previous"


# --------------------------------------------------------------------------------------------------
# Strict JSON
# --------------------------------------------------------------------------------------------------


def test_manifest_json_is_strict(tmp_path):
    obj = {
        "plateau_tilt_deg": float("nan"),
        "a": [float("inf"), -math.inf, 1.5],
        "np": np.float64("nan"),
        "np32": np.float32(2.5),
        "nested": {"x": (np.nan, "text")},
        "path": tmp_path,
    }
    _io.write_json(tmp_path / "manifest.json", obj)
    got = _strict_load((tmp_path / "manifest.json").read_text("utf-8"))
    assert got["plateau_tilt_deg"] is None and got["np"] is None
    assert got["a"] == [None, None, 1.5] and got["np32"] == 2.5
    assert got["nested"] == {"x": [None, "text"]} and got["path"] == str(tmp_path)


def test_old_manifest_with_bare_nan_is_still_read(tmp_path):
    from haldenenergie.results import read_manifest

    (tmp_path / "manifest.json").write_text('{"tool": "haldenenergie", "x": NaN}', "utf-8")
    assert read_manifest(tmp_path) == {"tool": "haldenenergie", "x": None}


def test_kill_9_in_the_write_phase_is_cleaned_up_by_the_next_run(tmp_path):
    code = (
        "import os, signal; from haldenenergie import _io\n"
        f"with _io.atomic_dir({str(tmp_path / 'out')!r}) as tmp:\n"
        "    (tmp / 'results.csv').write_text('half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    r = subprocess.run([sys.executable, "-c", code])
    assert r.returncode == -9
    left = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.startswith(".out.tmp-") for n in left) and ".out.lock" in left
    with _io.atomic_dir(tmp_path / "out") as tmp:  # the dead run's lock is taken over
        (tmp / "results.csv").write_text("x", "utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
