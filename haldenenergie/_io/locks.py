"""Output locks: ``.<name>.lock`` beside an output makes a second writer fail at once.

The lock file is created with ``O_CREAT | O_EXCL`` and holds the writer's pid, host and start time
(JSON). A lock whose pid is dead (on this host) is stale and taken over; one that cannot be read
counts as stale after :data:`STALE_BAD_LOCK_AGE_S`. Taking over a stale lock is not atomic: two
processes that find the same stale lock at the same instant may both take it (rare; the lock
guards against a second run started by hand, not against a scheduler storm).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as _dt
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError
from .failures import write_error

#: Age after which an unreadable (half-written) lock file counts as stale [s]. Assumption: a lock
#: file is written within milliseconds of its creation.
STALE_BAD_LOCK_AGE_S = 10.0
#: Locks this process holds: lock file -> "claim" (taken by a check) or "held" (in a write).
_HELD: dict[str, str] = {}


def lock_path(path: str | os.PathLike) -> Path:
    """The lock file of an output: ``.<name>.lock`` in the same folder."""
    p = Path(os.path.abspath(path))
    return p.with_name(f".{p.name}.lock")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_owner(lp: Path) -> dict | None:
    """The lock's record, or None if it is stale (dead pid on this host, or unreadable and old)."""
    try:
        rec = json.loads(lp.read_text(encoding="utf-8"))
        pid, host = int(rec["pid"]), str(rec.get("host", ""))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            if time.time() - lp.stat().st_mtime > STALE_BAD_LOCK_AGE_S:
                return None
        return {"pid": "?", "host": "", "started_utc": "?"}
    if host == socket.gethostname() and not _pid_alive(pid):
        return None
    return rec


def _take_lock(path: str | os.PathLike) -> str:
    lp = lock_path(path)
    rec = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
    for _ in range(3):
        try:
            fd = os.open(lp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            owner = _lock_owner(lp)
            if owner is None:  # stale: its writer is gone; take it over
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(lp)
                continue
            raise OutputError(
                f"{path}: another haldenenergie run (pid {owner.get('pid')}"
                f"{' on ' + owner['host'] if owner.get('host') != rec['host'] else ''}, since "
                f"{owner.get('started_utc')}) is writing it; wait or choose another --out "
                f"(remove {lp} if no such run exists)"
            ) from None
        except OSError as exc:
            raise write_error(path, exc) from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(rec, fh)
        return str(lp)
    raise OutputError(f"{path}: cannot take the lock {lp}; remove it if no haldenenergie run is on")


def _release(key: str) -> None:
    _HELD.pop(key, None)
    with contextlib.suppress(OSError):
        rec = json.loads(Path(key).read_text(encoding="utf-8"))
        if int(rec.get("pid", -1)) == os.getpid():
            os.unlink(key)


@atexit.register
def _release_all() -> None:
    for key in list(_HELD):
        _release(key)


def claim_output(path: str | os.PathLike) -> None:
    """Take the lock of ``path`` now and keep it until the next write of ``path`` ends.

    :func:`check_can_write` calls it, so that a second run to the same output fails at once, not
    after its computation; a claim not used by a write is released at process exit or by
    :func:`release_output`.
    """
    key = str(lock_path(path))
    if key not in _HELD:
        _HELD[key] = "claim"
        try:
            _take_lock(path)
        except BaseException:
            _HELD.pop(key, None)
            raise


def release_output(path: str | os.PathLike) -> None:
    """Release a lock this process holds on ``path`` (no-op if it holds none)."""
    key = str(lock_path(path))
    if key in _HELD:
        _release(key)


@contextlib.contextmanager
def output_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold the lock of ``path`` for the block (re-entrant; a claim is used and released).

    Raises
    ------
    OutputError : another live process holds the lock.
    """
    key = str(lock_path(path))
    state = _HELD.get(key)
    if state == "held":
        yield
        return
    if state is None:
        _take_lock(path)
    _HELD[key] = "held"
    try:
        yield
    finally:
        _release(key)
