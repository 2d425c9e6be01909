"""File helpers shared by every stage: atomic writes, output directories, hashes, manifests.

Nothing is ever half-written: files go to a temporary file in the same folder and are renamed into
place (``os.replace`` is atomic on POSIX); whole result folders are built in a temporary sibling
folder and renamed at the end.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import OutputError

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


def sha256_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(text: str) -> str:
    """SHA-256 hex digest of a string (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _umask_mode(base: int = 0o666) -> int:
    """Permission bits a normally created file gets under the current umask (mkstemp uses 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return base & ~mask


def check_can_write(path: str | os.PathLike, overwrite: bool) -> Path:
    """Refuse an existing output path unless ``overwrite``; return it as a Path."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise OutputError(
            f"{p}: exists already; choose another path or pass --overwrite to replace it"
        )
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` for writers that want a file name (pandas, openpyxl).

    The temporary file keeps the target's suffix so that writers choosing a format by suffix work.
    """
    p = check_can_write(path, overwrite)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}.", suffix=f".tmp{p.suffix}", dir=p.parent)
    os.close(fd)
    os.chmod(tmp, _umask_mode())
    try:
        yield Path(tmp)
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, mode: str = "w", overwrite: bool = True, **open_kwargs
) -> Iterator:
    """Open a temporary file beside ``path``; rename it onto ``path`` only if the block succeeds.

    ``mode`` is ``"w"`` (text, UTF-8 unless ``encoding`` is given) or ``"wb"``.
    """
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")
        open_kwargs.setdefault("newline", "")
    with atomic_path(path, overwrite=overwrite) as tmp, open(tmp, mode, **open_kwargs) as fh:
        yield fh


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, overwrite: bool = False) -> Iterator[Path]:
    """Build a result folder in a temporary sibling; move it to ``path`` only on success.

    An interrupted run leaves ``path`` untouched (the temporary ``.<name>.tmp-*`` folder is
    removed).
    """
    p = check_can_write(path, overwrite)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.tmp-", dir=p.parent))
    os.chmod(tmp, _umask_mode(0o777))
    try:
        yield tmp
        if p.exists():
            old = p.with_name(f".{p.name}.old-{os.getpid()}")
            os.replace(p, old)
            os.replace(tmp, p)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, p)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_json(path: str | os.PathLike, obj, overwrite: bool = True) -> None:
    """Write ``obj`` as indented UTF-8 JSON, atomically."""
    with atomic_write(path, "w", overwrite=overwrite) as fh:
        json.dump(obj, fh, indent=2, ensure_ascii=False, default=_json_default)
        fh.write("\n")


def _json_default(o):
    if isinstance(o, Path):
        return str(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):  # numpy scalars
        return o.item()
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
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
        "tool": "haldenenergie",
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
