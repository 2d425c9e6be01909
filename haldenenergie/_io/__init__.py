"""File helpers shared by every stage: safe atomic writes, output locks, hashes, manifests.

Nothing is ever half-written and nothing the tool did not write is ever deleted:

- files go to a temporary file in the same folder and are renamed into place (``os.replace`` is
  atomic on POSIX); whole result folders are built in a temporary sibling folder
  ``.<name>.tmp-<pid>-*`` and renamed at the end;
- ``--overwrite`` replaces a folder only if it is one this tool wrote (its ``manifest.json`` says
  ``"tool": "haldenenergie"`` and every entry is listed in it), and a single-file output only if
  it is a regular file; an input of the run inside the output is refused;
- a lock file ``.<name>.lock`` beside the output (created with ``O_CREAT | O_EXCL``, holding pid,
  host and time) makes a second writer fail at once; a lock whose pid is dead is taken over;
- every ``OSError`` on writing (disk full, read-only, permission, a file in the way) becomes a
  one-line :class:`~haldenenergie.errors.OutputError` naming the path;
- temporary leftovers of a killed run next to the output are removed by the next write into the
  same folder (only ours, only when their pid is dead or they are older than
  :data:`STALE_TMP_AGE_S`);
- JSON is strict (RFC 8259): non-finite floats are written as ``null``, never as bare ``NaN``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .failures import write_error
from .guard import (
    DEFAULT_NEED_BYTES,
    MANIFEST_NAME,
    STALE_TMP_AGE_S,
    TOOL,
    check_can_write,
    clean_leftovers,
    prepare_target,
)
from .hashing import sha256_file, sha256_text
from .locks import claim_output, lock_path, output_lock, release_output

#: Packages whose versions every manifest records (results depend on them).
MANIFEST_PACKAGES = (
    "haldenenergie",
    "pvlib",
    "windpowerlib",
    "pandas",
    "numpy",
    "scipy",
    "geopandas",
    "shapely",
    "pyproj",
    "rasterio",
    "click",
    "openpyxl",
    "matplotlib",
)


def _umask_mode(base: int = 0o666) -> int:
    """Permission bits a normally created file gets under the current umask (mkstemp uses 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


@contextlib.contextmanager
def atomic_path(
    path: str | os.PathLike, overwrite: bool = True, *, inputs: Iterable = (), lock: bool = True
) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for writers that want a file name (pandas, openpyxl).

    The temporary file keeps the target's suffix so that writers choosing a format by suffix work.
    Only a regular file is replaced; an ``OSError`` becomes a one-line :class:`OutputError`.
    """
    p = Path(path)
    tmp = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(p) if lock else contextlib.nullcontext():
            prepare_target(p, overwrite, "file", inputs)
            fd, tmp = tempfile.mkstemp(
                prefix=f".{p.name}.tmp-{os.getpid()}-", suffix=p.suffix, dir=p.parent
            )
            os.close(fd)
            os.chmod(tmp, _umask_mode())
            yield Path(tmp)
            os.replace(tmp, p)
            tmp = None
    except OSError as exc:
        raise write_error(p, exc) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, mode: str = "w", overwrite: bool = True, **open_kwargs
) -> Iterator:
    """Open a temporary file beside ``path``; rename it onto ``path`` only if the block succeeds.

    ``mode`` is ``"w"`` (text, UTF-8 unless ``encoding`` is given) or ``"wb"``; ``inputs`` and
    ``lock`` are passed to :func:`atomic_path`.
    """
    kw = {k: open_kwargs.pop(k) for k in ("inputs", "lock") if k in open_kwargs}
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")
        open_kwargs.setdefault("newline", "")
    with atomic_path(path, overwrite=overwrite, **kw) as tmp, open(tmp, mode, **open_kwargs) as fh:
        yield fh


def _commit_dir(tmp: Path, p: Path) -> None:
    if not p.exists():
        os.replace(tmp, p)
        return
    old = p.with_name(f".{p.name}.old-{os.getpid()}")
    os.replace(p, old)
    try:
        os.replace(tmp, p)
    except OSError:
        os.replace(old, p)  # put the previous results back
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_dir(
    path: str | os.PathLike, overwrite: bool = False, *, inputs: Iterable = ()
) -> Iterator[Path]:
    """Build a result folder in a temporary sibling; move it to ``path`` only on success.

    Holds the output's lock throughout. An existing ``path`` is replaced only with ``overwrite``
    and only if this tool wrote it (see :func:`check_can_write`); an interrupted run leaves
    ``path`` untouched (the temporary ``.<name>.tmp-<pid>-*`` folder is removed). An ``OSError``
    becomes a one-line :class:`OutputError`.
    """
    p = Path(path)
    tmp = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(p):
            prepare_target(p, overwrite, "dir", inputs)
            tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.tmp-{os.getpid()}-", dir=p.parent))
            os.chmod(tmp, _umask_mode(0o777))
            yield tmp
            prepare_target(p, overwrite, "dir", inputs)  # nobody may have put a file in meanwhile
            _commit_dir(tmp, p)
            tmp = None
    except OSError as exc:
        raise write_error(p, exc) from None
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# JSON, versions, manifests
# --------------------------------------------------------------------------------------------------


def strict_json(obj):
    """``obj`` with every non-finite float (NaN, ±Infinity, numpy too) replaced by None."""
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [strict_json(v) for v in obj]
    if getattr(getattr(obj, "dtype", None), "kind", None) in ("b", "i", "u", "f"):
        with contextlib.suppress(TypeError, ValueError, AttributeError):  # numpy number scalars
            obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def dumps_json(obj, **kwargs) -> str:
    """Strict JSON text of ``obj`` (:func:`strict_json`; ``allow_nan=False``)."""
    return json.dumps(strict_json(obj), allow_nan=False, default=_json_default, **kwargs)


def write_json(path: str | os.PathLike, obj, overwrite: bool = True, *, lock: bool = True) -> None:
    """Write ``obj`` as indented UTF-8 strict JSON (no bare NaN/Infinity), atomically."""
    text = dumps_json(obj, indent=2, ensure_ascii=False)
    with atomic_write(path, "w", overwrite=overwrite, lock=lock) as fh:
        fh.write(text + "\n")


def _json_default(o):
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):  # numpy scalars
        return strict_json(o.item())
    if isinstance(o, (set, frozenset, tuple)):
        return strict_json(list(o))
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages results depend on."""
    out = {"python": platform.python_version()}
    for name in MANIFEST_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def expand_files(paths) -> list[Path]:
    """The files named by ``paths``: a file as given, a folder as its files (recursive, sorted)."""
    out: list[Path] = []
    for p in paths or ():
        p = Path(p)
        out.extend(sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p])
    return out


def file_record(path: str | os.PathLike, role: str, sha256: str | None = None) -> dict:
    """Manifest entry for one input file: role, path, size and SHA-256.

    ``sha256`` is used when already known, so that a file is not hashed twice.
    """
    p = Path(path)
    return {
        "role": role,
        "path": str(p),
        "bytes": p.stat().st_size,
        "sha256": sha256 or sha256_file(p),
    }


def manifest(
    command: str,
    inputs: list[dict],
    parameters: dict,
    outputs: list[str] | None = None,
    extra: dict | None = None,
) -> dict:
    """The reproducibility record every run writes (inputs with hashes, parameters, versions)."""
    now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    out = {
        "tool": TOOL,
        "command": command,
        "argv": sys.argv,
        "created_utc": now,
        "versions": package_versions(),
        "platform": platform.platform(),
        "inputs": inputs,
        "parameters": parameters,
    }
    if outputs is not None:
        out["outputs"] = outputs
    if extra:
        out.update(extra)
    return out


__all__ = [
    "DEFAULT_NEED_BYTES",
    "MANIFEST_NAME",
    "MANIFEST_PACKAGES",
    "STALE_TMP_AGE_S",
    "TOOL",
    "atomic_dir",
    "atomic_path",
    "atomic_write",
    "check_can_write",
    "claim_output",
    "clean_leftovers",
    "dumps_json",
    "expand_files",
    "file_record",
    "lock_path",
    "manifest",
    "output_lock",
    "package_versions",
    "release_output",
    "sha256_file",
    "sha256_text",
    "strict_json",
    "write_error",
    "write_json",
]
