"""Checks before and while writing an output: ownership, inputs, write access, free space.

``--overwrite`` replaces a folder only if this tool wrote it (its ``manifest.json`` says
``"tool": "haldenenergie"`` and every entry is listed in it as an output, as a derived file with
an unchanged SHA-256, or is a leftover of ours) and a single-file output only if it is a regular
file. Temporary leftovers of killed runs are recognised by their names ``.<name>.tmp-<pid>-*``
and ``.<name>.old-<pid>``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from .._text import first_and_more
from ..errors import OutputError
from .failures import write_error
from .hashing import sha256_file
from .locks import _lock_owner, _pid_alive, claim_output

#: The ``tool`` entry of every manifest; a folder carrying it may be replaced by ``--overwrite``.
TOOL = "haldenenergie"
#: File name of the manifest that marks a folder as written by this tool.
MANIFEST_NAME = "manifest.json"
#: Free space an output needs at least [bytes]. Assumption: measured on the shipped 46 heaps, a
#: run folder is about 0.5 MB, the HTML report 0.9 MB and the XLSX 0.08 MB; 16 MiB leaves a wide
#: margin for larger registries. Pass ``need_bytes`` to :func:`check_can_write` for more.
DEFAULT_NEED_BYTES = 16 * 1024 * 1024
#: Age after which a temporary leftover is removed even if its pid is alive [s]. Assumption: the
#: write phase of a run takes seconds; after 10 minutes the pid has most likely been reused.
STALE_TMP_AGE_S = 600.0
#: Names of our temporary entries: ``.<name>.tmp-<pid>-<8 random>[.suffix]`` (older versions:
#: no pid) and ``.<name>.old-<pid>``; the 8 random characters are those of :mod:`tempfile`.
_TMP_RE = re.compile(
    r"^\..+\.(?:tmp-(?:(?P<pid>\d+)-)?[a-z0-9_]{8}|old-(?P<old>\d+))(?:\.[A-Za-z0-9]+)?$"
)
_LEGACY_TMP_FILE_RE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(?:\.[A-Za-z0-9]+)?$")


def _is_our_stale_lock(entry: Path) -> bool:
    """A lock file of ours (its JSON record has pid, host and start time) whose pid is dead."""
    try:
        rec = json.loads(entry.read_text(encoding="utf-8"))
        ours = isinstance(rec, dict) and {"pid", "host", "started_utc"} <= set(rec)
    except (OSError, ValueError):
        return False
    return ours and _lock_owner(entry) is None


def _only_files(folder: Path) -> bool:
    return all(c.is_file() and not c.is_symlink() for c in folder.iterdir())


def _is_leftover(entry: Path) -> bool:
    """Whether ``entry`` is a temporary or lock file of this tool whose writer is gone.

    A temporary entry is stale when the pid in its name is dead, or it is older than
    :data:`STALE_TMP_AGE_S` (and not this process's); a folder only if it holds nothing but
    regular files. A foreign file that merely looks similar is never taken.
    """
    if entry.name.startswith(".") and entry.name.endswith(".lock"):
        return entry.is_file() and _is_our_stale_lock(entry)
    m = _TMP_RE.match(entry.name)
    if m is None and not _LEGACY_TMP_FILE_RE.match(entry.name):
        return False
    try:
        st = entry.lstat()
        if entry.is_symlink() or (entry.is_dir() and not _only_files(entry)):
            return False
    except OSError:
        return False
    pid = m and (m.group("pid") or m.group("old"))
    if pid and int(pid) != os.getpid() and not _pid_alive(int(pid)):
        return True
    return pid != str(os.getpid()) and time.time() - st.st_mtime > STALE_TMP_AGE_S


def _manifest_files(folder: Path) -> dict[str, str | None] | None:
    """Files our manifest in ``folder`` lists (name -> SHA-256 or None), or None if not ours."""
    try:
        man = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(man, dict) or man.get("tool") != TOOL:
        return None
    files: dict[str, str | None] = {MANIFEST_NAME: None}
    files.update({str(n): None for n in man.get("outputs") or () if isinstance(n, str)})
    for rec in man.get("derived") or ():
        if isinstance(rec, dict) and isinstance(rec.get("path"), str):
            files[rec["path"]] = rec.get("sha256")
    return files


def _foreign_entries(folder: Path) -> list[str]:
    """Entries of ``folder`` this tool did not write (all of them if it has no manifest of ours)."""
    ours = _manifest_files(folder)
    out = []
    for entry in sorted(folder.iterdir()):
        if _is_leftover(entry):
            continue
        known = ours is not None and entry.name in ours
        if not known or entry.is_symlink() or not entry.is_file():
            out.append(entry.name)
        elif ours[entry.name] and sha256_file(entry) != ours[entry.name]:
            out.append(f"{entry.name} (changed since it was written)")
    return out


def _check_replaceable(p: Path, kind: str) -> None:
    """Raise unless the existing ``p`` may be replaced (our folder, or a regular file)."""
    if kind == "file":
        if p.is_dir() or (p.exists() and not p.is_file()):
            what = "a folder" if p.is_dir() else "not a regular file"
            raise OutputError(
                f"{p}: is {what}; an output file replaces only a file; choose another --out"
            )
        return
    if p.is_symlink() or not p.is_dir():
        raise OutputError(f"{p}: is not a folder; choose another --out (it is left untouched)")
    if _manifest_files(p) is None:
        raise OutputError(
            f"{p}: is not a results folder written by haldenenergie (no manifest.json of ours); "
            "--overwrite replaces only such folders; choose another --out"
        )
    foreign = _foreign_entries(p)
    if foreign:
        shown = first_and_more(foreign, 3)
        raise OutputError(
            f"{p}: holds files haldenenergie did not write ({shown}); --overwrite would delete "
            "them; move them away or choose another --out"
        )


def _check_inputs(p: Path, inputs: Iterable) -> None:
    """Refuse an output that is, or (a folder) contains, one of the ``inputs``."""
    target = Path(os.path.realpath(p))
    for i in inputs or ():
        if i is None or str(i) in ("", "defaults"):
            continue
        q = Path(os.path.realpath(i))
        if q == target or target in q.parents:
            raise OutputError(
                f"{p}: holds the input {i} of this run; writing would replace it; "
                "choose another --out"
            )


def _existing_ancestor(p: Path) -> Path:
    a = Path(os.path.abspath(p)).parent
    while not a.exists() and a != a.parent:
        a = a.parent
    return a


def _probe(p: Path, need_bytes: int) -> None:
    """Write probe and free-space check in the folder that will receive ``p``."""
    anc = _existing_ancestor(p)
    if not anc.is_dir():
        raise OutputError(f"{p}: {anc} is a file, not a folder; choose another --out")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{p.name}.tmp-{os.getpid()}-", dir=anc)
        os.close(fd)
        os.unlink(probe)
        free = shutil.disk_usage(anc).free
    except OSError as exc:
        raise write_error(p, exc) from None
    if free < need_bytes:
        raise OutputError(
            f"{p}: cannot write (disk full: {free / 1e6:.1f} MB free in {anc}, about "
            f"{need_bytes / 1e6:.0f} MB needed); free space or choose another --out"
        )


def check_can_write(
    path: str | os.PathLike,
    overwrite: bool,
    *,
    kind: str = "auto",
    inputs: Iterable = (),
    need_bytes: int = DEFAULT_NEED_BYTES,
    claim: bool = True,
) -> Path:
    """Check before the heavy work that ``path`` may and can be written; return it as a Path.

    Parameters
    ----------
    path : the output file or folder.
    overwrite : replace an existing output (only one this tool may replace, see below).
    kind : ``"file"`` (only a regular file is replaced), ``"dir"`` (only a folder whose
        ``manifest.json`` is ours and which holds nothing else we did not write) or ``"auto"``
        (by what exists at ``path``).
    inputs : input paths of the run; an output that is or contains one is refused.
    need_bytes : free space required in the target folder [bytes].
    claim : take the output's lock now (:func:`claim_output`), so that a second writer fails at
        once; the lock is released when the write ends.

    Raises
    ------
    OutputError : the output exists (without ``overwrite``), may not be replaced, holds an input,
        is locked by another run, or its folder is not writable or lacks free space.
    """
    p = Path(path)
    if p.exists() or p.is_symlink():
        if not overwrite:
            raise OutputError(
                f"{p}: exists already; choose another path or pass --overwrite to replace it"
            )
        _check_replaceable(p, kind if kind != "auto" else ("dir" if p.is_dir() else "file"))
    _check_inputs(p, inputs)
    _probe(p, need_bytes)
    if claim and p.parent.is_dir():
        claim_output(p)
    return p


def clean_leftovers(folder: str | os.PathLike) -> list[Path]:
    """Remove the temporary leftovers of killed runs in ``folder``; return what was removed.

    Only entries named like ours (``.<name>.tmp-<pid>-*``, ``.<name>.old-<pid>``, stale
    ``.<name>.lock``) whose pid is dead or that are older than :data:`STALE_TMP_AGE_S`; a
    leftover folder only if it holds nothing but regular files. An ``.<name>.old-<pid>`` folder
    whose ``<name>`` no longer exists (killed between the two renames) is renamed back.
    """
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in Path(folder).iterdir():
            if not entry.name.startswith(".") or not _is_leftover(entry):
                continue
            with contextlib.suppress(OSError):
                m = _TMP_RE.match(entry.name)
                if entry.is_dir():
                    original = entry.with_name(entry.name[1:].rsplit(".old-", 1)[0])
                    if m and m.group("old") and not original.exists():
                        os.replace(entry, original)  # killed between the two renames
                        continue
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
    return removed


def prepare_target(p: Path, overwrite: bool, kind: str, inputs: Iterable) -> None:
    """Under the lock: re-check the target, create its folder, clean leftovers there."""
    if p.exists() or p.is_symlink():
        if not overwrite:
            raise OutputError(
                f"{p}: exists already; choose another path or pass --overwrite to replace it"
            )
        _check_replaceable(p, kind)
    _check_inputs(p, inputs)
    clean_leftovers(p.parent)
