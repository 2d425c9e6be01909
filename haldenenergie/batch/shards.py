"""Shards of a batch (``--shard i/N``, e.g. one SLURM array task each) and ``batch collect``.

Assignment: the batch lists its weather inputs as always (:func:`expand_weather_args`: the
arguments in the order given, each folder and glob sorted by name, duplicates removed); the k-th
input (0-based) belongs to shard ``k mod N + 1``. Every shard must be given the same weather
arguments (the shard manifest records a hash of the list, and ``collect`` refuses shards of
different lists). Round-robin over the sorted list keeps shards within one file of each other.

Layout: a shard writes its run folders into the batch's ``runs/`` (each written atomically under
its own lock, so shards never block each other) and its ``weather.csv``, ``failures.csv`` and
``manifest.json`` into ``shards/i-of-N/``, holding only that sub-folder's lock. A rerun of a shard
resumes like a batch. :func:`collect_batch` (``haldenenergie batch collect OUT``) holds the locks
of ``OUT`` and of every shard folder (so it refuses while a shard is running), checks that all N
shards finished with the same inputs, and writes ``summary.csv``,
``weather.csv``, ``failures.csv`` and ``manifest.json`` as one batch over all inputs would.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _io
from ..errors import HaldenError

if TYPE_CHECKING:
    from .run import BatchOutcome, SummaryOptions

#: Sub-folder of the batch folder that holds one folder per shard (``shards/i-of-N/``).
SHARDS_DIR = "shards"
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_FOLDER = re.compile(r"^(\d+)-of-(\d+)$")


def parse_shard(shard: tuple[int, int] | str | None) -> tuple[int, int] | None:
    """``"i/N"`` or ``(i, N)`` -> ``(i, N)`` with 1 <= i <= N; None stays None.

    Raises
    ------
    HaldenError : not of the form i/N, or i outside 1..N.
    """
    if shard is None:
        return None
    if isinstance(shard, str):
        m = _SPEC.match(shard)
        if not m:
            raise HaldenError(
                f"--shard {shard!r}: expected i/N (shard i of N, 1-based), e.g. --shard 1/4 or "
                "--shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT"
            )
        shard = (int(m[1]), int(m[2]))
    i, n = int(shard[0]), int(shard[1])
    if not 1 <= i <= n:
        raise HaldenError(f"--shard {i}/{n}: i must be between 1 and N={n} (1-based)")
    return i, n


def shard_indices(n_files: int, shard: tuple[int, int] | None) -> list[int]:
    """Indices of the inputs shard ``(i, N)`` computes: k with k mod N = i - 1 (all if None)."""
    if shard is None:
        return list(range(n_files))
    i, n = shard
    return list(range(i - 1, n_files, n))


def shard_dir(out_dir: str | Path, shard: tuple[int, int]) -> Path:
    """The folder of shard ``(i, N)``'s tables: ``OUT/shards/i-of-N``."""
    return Path(out_dir) / SHARDS_DIR / f"{shard[0]}-of-{shard[1]}"


def inputs_hash(files: Sequence[Path]) -> str:
    """SHA-256 of the list of weather inputs (absolute paths, in order)."""
    return _io.sha256_text("\n".join(str(Path(f).absolute()) for f in files))


def shard_record(files: Sequence[Path], share: Sequence[int], shard: tuple[int, int]) -> dict:
    """The ``shard`` entry of a shard's manifest (what ``collect`` needs to merge it)."""
    return {
        "index": shard[0],
        "count": shard[1],
        "n_inputs": len(files),
        "input_indices": list(share),
        "inputs_sha256": inputs_hash(files),
    }


def _read_shards(out_dir: Path) -> tuple[int, list[dict]]:
    """(N, the manifests of shards 1..N); HaldenError for none, mixed N or a missing shard."""
    root = out_dir / SHARDS_DIR
    found: dict[tuple[int, int], Path] = {}
    if root.is_dir():
        for d in root.iterdir():
            m = _FOLDER.match(d.name)
            if m and d.is_dir():
                found[(int(m[1]), int(m[2]))] = d
    counts = sorted({n for _, n in found})
    if not counts:
        raise HaldenError(
            f"{out_dir}: no shard folders ({SHARDS_DIR}/i-of-N/); run `haldenenergie batch ... "
            f"--out {out_dir} --shard i/N` for every shard first"
        )
    if len(counts) > 1:
        raise HaldenError(
            f"{out_dir / SHARDS_DIR}: shards of different counts N ({', '.join(map(str, counts))});"
            " remove the folders of the stale sharding"
        )
    n = counts[0]
    mans, missing = [], []
    for i in range(1, n + 1):
        p = found.get((i, n), root / f"{i}-of-{n}") / "manifest.json"
        try:
            mans.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            missing.append(f"{i}/{n}")
    if missing:
        raise HaldenError(
            f"{out_dir}: shard(s) {', '.join(missing)} not finished (no readable manifest.json in "
            f"{SHARDS_DIR}/i-of-N/); run them (again) with --shard i/N, then collect"
        )
    return n, mans


def _check_same(out_dir: Path, mans: list[dict]) -> None:
    """HaldenError if the shards were given other inputs or other parameters."""
    for key, what in (
        (("shard", "inputs_sha256"), "other weather inputs"),
        (("context_sha256",), "another registry, DEMs, layers or parameters"),
    ):
        vals = set()
        for m in mans:
            v = m
            for k in key:
                v = v.get(k) if isinstance(v, dict) else None
            vals.add(v)
        if len(vals) > 1:
            raise HaldenError(
                f"{out_dir}: the shards were run with {what}; rerun every shard with the same "
                "arguments (or remove the stale shard folders), then collect"
            )


def _outcomes(out_dir: Path, n: int, mans: list[dict]) -> list[BatchOutcome]:
    """The outcomes of all inputs, in input order, from the shard manifests."""
    from .kinds import folder_kind
    from .run import BatchOutcome

    total = int(mans[0]["shard"]["n_inputs"])
    merged: dict[int, BatchOutcome] = {}
    for m in mans:
        recs = [r for r in m["inputs"] if r.get("role") == "weather"]
        for k, r in zip(m["shard"]["input_indices"], recs, strict=True):
            # the folder under this OUT (the shards may have named OUT by another relative path)
            folder = out_dir / "runs" / Path(r["folder"]).name if r.get("folder") else None
            o = BatchOutcome(
                Path(r["path"]), r["outcome"], folder, r.get("reason", ""), r.get("seconds", 0.0)
            )
            o.sha256 = r.get("sha256", "")
            if o.status != "failed":
                if folder is None or not (folder / "results.csv").is_file():
                    raise HaldenError(
                        f"{folder}: run folder of {o.weather} (shard {m['shard']['index']}/{n}) "
                        "is missing; rerun that shard, then collect"
                    )
                o.kind = folder_kind(folder)
            merged[int(k)] = o
    if sorted(merged) != list(range(total)):
        raise HaldenError(f"{out_dir}: the shards do not cover all {total} inputs; rerun them")
    return [merged[k] for k in range(total)]


def collect_batch(
    out_dir: str | Path,
    options: SummaryOptions | None = None,
    on_done: Callable[[BatchOutcome], None] | None = None,
) -> list[BatchOutcome]:
    """Merge finished shards into the tables and manifest a single batch writes.

    Parameters
    ----------
    out_dir : the batch folder the shards wrote into (``--out`` of every shard).
    options : how the summary pools the runs (as for :func:`~haldenenergie.batch.run_batch`).
    on_done : called with each merged :class:`~haldenenergie.batch.BatchOutcome`.

    Returns
    -------
    One outcome per weather input of the batch, in input order.

    Raises
    ------
    HaldenError : no shards, a shard not finished, shards of different inputs or parameters, a
        run folder missing; :class:`~haldenenergie.batch.kinds.MixedWeatherError` as a batch.
    """
    from . import tables
    from .run import SummaryOptions

    out_dir = Path(out_dir)
    options = options or SummaryOptions()
    options.check()
    n, _ = _read_shards(out_dir)
    with contextlib.ExitStack() as locks:
        # a shard still (re)running holds its folder's lock: collecting now fails at once
        for i in range(1, n + 1):
            locks.enter_context(_io.output_lock(shard_dir(out_dir, (i, n))))
        locks.enter_context(_io.output_lock(out_dir))
        n, mans = _read_shards(out_dir)
        _check_same(out_dir, mans)
        ordered = _outcomes(out_dir, n, mans)
        for o in ordered if on_done else ():
            on_done(o)
        first = mans[0]
        keep = ("jobs", "config_sha256", "context_sha256", "weather_options")
        extra = {k: first[k] for k in keep if k in first}
        extra |= {"force": any(m.get("force") for m in mans), "shards": n}
        registry = next(r for r in first["inputs"] if r.get("role") == "registry")
        dems = [r for r in first["inputs"] if r.get("role") == "dem"]
        tables.write_side_tables(out_dir, ordered)
        try:
            extra["statistics"] = tables.write_summary(out_dir, ordered, options)
        except HaldenError as exc:
            extra["statistics"] = {"refused": str(exc)}
            raise
        finally:
            man = tables.batch_manifest(ordered, registry, dems, first["parameters"], extra)
            _io.write_json(out_dir / "manifest.json", man)
    return ordered
