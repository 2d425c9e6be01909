"""The batch proper: plan, run every weather file (in parallel), write tables and manifest.

Resumable: a run folder is keyed by the SHA-256 of the weather file and the hash of everything else
that determines it (registry, DEMs, parameters). A folder whose manifest carries the same key is
skipped unless ``force``; each folder is written atomically, so a batch killed midway leaves only
complete folders and a rerun computes only the missing ones. The statistics options
(:class:`SummaryOptions`) act on the summary only, so changing them reuses every run.

Execution: the runs go to any :class:`concurrent.futures.Executor` (``executor``; e.g. a Dask
``Client.get_executor()``, :mod:`haldenenergie.batch.cluster`), by default a local process pool
of ``jobs`` processes (one job: in this process). Every executor gets the same tasks: paths, keys
and the config (:class:`WorkerContext`), never weather data or terrain. A worker reads the
registry, DEMs and layers from the same (shared) paths, checks that they hash as the batch hashed
them, and computes the terrain once per worker process (:func:`_shared_state`; the local pool's
forked workers inherit it from the batch process). Sharding (``shard``) is in
:mod:`haldenenergie.batch.shards`.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .. import _io
from .. import results as results_folder
from ..config import Config
from ..errors import HaldenError, OutputError
from . import shards, tables
from .inputs import expand_weather_args, weather_sha256
from .kinds import WeatherKind, folder_kind
from .limits import MIN_YEARS, P90_METHODS

log = logging.getLogger("haldenenergie.batch")


@dataclass
class BatchOutcome:
    """What happened to one weather file of a batch (``status``: done, skipped or failed).

    ``kind`` is the kind of its weather (:class:`~haldenenergie.batch.kinds.WeatherKind`), known
    for the runs that completed.
    """

    weather: Path
    status: str  # "done", "skipped", "failed"
    folder: Path | None
    reason: str = ""
    seconds: float = 0.0
    sha256: str = ""
    kind: WeatherKind | None = None


@dataclass(frozen=True)
class SummaryOptions:
    """How ``summary.csv`` pools the runs (none of it enters the run keys).

    Attributes
    ----------
    pool_anyway : pool weather files of different kinds into one P50/P90 (``--pool-anyway``).
    min_years : fewest comparable years for a P90 (``--min-years``;
        :data:`haldenenergie.batch.stats.MIN_YEARS`).
    p90_method : ``"normal"`` or ``"empirical"`` (``--p90-method``).
    """

    pool_anyway: bool = False
    min_years: int = MIN_YEARS
    p90_method: str = P90_METHODS[0]

    def check(self) -> None:
        """HaldenError for a minimum below 2 years or an unknown method."""
        if self.min_years < 2:
            raise HaldenError(
                f"--min-years {self.min_years}: a standard deviation needs at least 2 years; "
                f"pass 2 or more (default {MIN_YEARS})"
            )
        if self.p90_method not in P90_METHODS:
            raise HaldenError(
                f"--p90-method {self.p90_method!r}: unknown; use one of {', '.join(P90_METHODS)}"
            )


def run_key(weather_sha: str, context_hash: str) -> str:
    """Key of one run folder: SHA-256 of the weather file's hash and the context hash."""
    return _io.sha256_text(weather_sha + ":" + context_hash)


def _folder_name(path: Path, key: str) -> str:
    return f"{path.stem}-{key[:8]}"


def _is_done(folder: Path, key: str) -> bool:
    return results_folder.batch_key(folder) == key


def _one(
    weather_path: Path,
    folder: Path,
    key: str,
    heaps,
    terrains,
    config: Config,
    registry_path,
    dem_paths,
    shared_inputs: list[dict] | None = None,
    weather_sha256: str | None = None,
    registry_warnings: Sequence[str] = (),
    tz: str | None = None,
    argv: Sequence[str] | None = None,
) -> tuple[str, float]:
    """Worker: read one weather file, compute, write its folder. Returns (status, seconds).

    ``shared_inputs`` and ``weather_sha256`` are the hashes the batch already computed;
    ``registry_warnings`` go into the run's manifest with the weather's and terrain's warnings;
    ``tz`` is the zone of naive time stamps (reader option, recorded as ``weather_options``);
    ``argv`` the batch's command line, recorded instead of the worker process's own.
    """
    from .. import pipeline

    t0 = time.perf_counter()
    data, meta = pipeline.load_weather(weather_path, config, tz)
    distance_warnings = pipeline.check_station_distance(heaps, meta, config)
    result = pipeline.compute(heaps, terrains, data, meta, config)
    warnings = pipeline.run_warnings(heaps, terrains, meta, registry_warnings, distance_warnings)
    result.manifest = pipeline.build_manifest(
        "batch",
        registry_path,
        meta,
        dem_paths,
        config,
        (),
        extra={
            "batch_key": key,
            "warnings": warnings,
            **_options_extra(tz),
            "wind_calibration": result.info.get("wind_calibration", {}),
        },
        shared_inputs=shared_inputs,
        weather_sha256=weather_sha256,
    )
    if argv is not None:
        result.manifest["argv"] = list(argv)
    results_folder.write_run(folder, result, overwrite=True)
    return "done", time.perf_counter() - t0


@dataclass(frozen=True)
class WorkerContext:
    """What every run of a batch shares, sent to the workers with each task (paths, no data).

    Attributes
    ----------
    registry_path : heap registry (absolute path, read by the worker).
    dem_paths : DEM files/folders (absolute paths).
    config : parameters in effect.
    shared_inputs : the manifest records (with SHA-256) of registry, DEMs, layers, config file.
    context_hash : hash of all of them (:func:`_context`); a worker that reads different files
        refuses to run.
    tz : reader option for naive time stamps.
    argv : the batch's command line (recorded in every run's manifest, whichever process runs it).
    """

    registry_path: str
    dem_paths: tuple[str, ...]
    config: Config
    shared_inputs: list
    context_hash: str
    tz: str | None = None
    argv: tuple[str, ...] = ()


#: The heaps, registry warnings and terrain of the batch context this process computed last
#: (key "key": the context hash, "value": the tuple); one entry, so a long-lived process keeps one.
_STATE: dict = {}


def _shared_state(ctx: WorkerContext) -> tuple:
    """(heaps, registry warnings, terrains) of the batch: computed once per worker process.

    Raises HaldenError if the files under the context's paths do not hash as the batch hashed
    them (a worker on a host without the shared path, or an input edited during the batch).
    """
    from .. import pipeline

    if _STATE.get("key") != ctx.context_hash:
        _STATE.clear()
        here = _context(ctx.registry_path, ctx.dem_paths, ctx.config, ctx.tz)[2]
        if here != ctx.context_hash:
            raise HaldenError(
                f"{ctx.registry_path}: registry, DEMs or layers read on worker host "
                f"{socket.gethostname()} differ from those the batch hashed; workers must read "
                "the same files from a shared path (and nobody may edit them during the batch)"
            )
        lg = logging.getLogger("haldenenergie")
        level = lg.level
        lg.setLevel(logging.ERROR)  # the batch process has logged these warnings
        try:
            heaps, warnings = pipeline.load_heaps_with_warnings(ctx.registry_path)
            terrains = pipeline.compute_terrain(heaps, ctx.config, list(ctx.dem_paths))
        finally:
            lg.setLevel(level)
        _STATE.update(key=ctx.context_hash, value=(heaps, warnings, terrains))
    return _STATE["value"]


def _worker(task: tuple) -> tuple[str, float | str]:
    """One task ``(weather path, folder, key, weather sha256, WorkerContext)`` -> (status, value).

    The value is the seconds of a run that completed or the one-line reason of one that failed;
    no exception escapes (one bad file must not stop the batch).
    """
    weather_path, folder, key, sha, ctx = task
    try:
        heaps, registry_warnings, terrains = _shared_state(ctx)
        return _one(
            weather_path,
            folder,
            key,
            heaps,
            terrains,
            ctx.config,
            ctx.registry_path,
            list(ctx.dem_paths),
            ctx.shared_inputs,
            sha,
            registry_warnings,
            ctx.tz,
            ctx.argv,
        )
    except HaldenError as exc:
        return "failed", str(exc)
    except Exception as exc:  # noqa: BLE001 — one bad file must not stop the batch
        return "failed", f"{weather_path}: unexpected {type(exc).__name__}: {exc}"


def _options_extra(tz: str | None) -> dict:
    """``{"weather_options": {...}}`` for a manifest if reader options were given, else ``{}``."""
    from ..pipeline import weather_options

    return {"weather_options": weather_options(tz)} if weather_options(tz) else {}


def _context(
    registry_path, dem_paths, config: Config, tz: str | None = None
) -> tuple[list[dict], str, str]:
    """(shared input records, config hash, context hash) of a batch.

    Registry, DEM files and config layers are hashed once, for the run keys and every run's
    manifest. Layers named in the config enter by content, not just by path (an edited layer
    recomputes). A reader option ``tz`` enters too (the same file read in another zone is another
    run); without it the hash is the one of batches made before ``--tz`` existed, so they resume.
    """
    shared = results_folder.input_records(registry_path, dem_paths, config)
    config_hash = config.hash()
    ctx_parts = [shared[0]["sha256"], config_hash] + [
        r["sha256"] for r in shared[1:] if r["role"] != "config"
    ]
    if tz is not None:
        ctx_parts.append(f"tz={tz}")
    return shared, config_hash, _io.sha256_text("|".join(ctx_parts))


def _plan(files: list[Path], share: Sequence[int], runs_dir: Path, context_hash: str, force: bool):
    """(outcomes of the files already done, todo list of (index, file, folder, key, sha256)).

    Only the files at the indices ``share`` (all of them, or a shard's share) are looked at.
    """
    done: dict[int, BatchOutcome] = {}
    todo = []
    for i in share:
        f = files[i]
        sha = weather_sha256(f)
        key = run_key(sha, context_hash)
        folder = runs_dir / _folder_name(f, key)
        if not force and _is_done(folder, key):
            done[i] = BatchOutcome(f, "skipped", folder, "already done (same inputs)", 0.0, sha)
        else:
            todo.append((i, f, folder, key, sha))
    return done, todo


def _recorder(outcomes: dict[int, BatchOutcome], on_done: Callable | None) -> Callable:
    """The callback :func:`_execute` gives each worker's (status, value): records the outcome."""

    def record(i, f, folder, sha, status, val):
        if status == "done":
            o = BatchOutcome(f, "done", folder, "", val, sha)
        else:
            o = BatchOutcome(f, "failed", None, val, 0.0, sha)
            if on_done is None:  # with a callback the caller reports it (the CLI prints it once)
                log.error("%s", val)
        outcomes[i] = o
        if on_done:
            on_done(o)

    return record


def _execute(
    todo: list, tasks: list, jobs: int, record: Callable, executor: Executor | None = None
) -> None:
    """Run the tasks: on ``executor``; else in-process for one job or one file, else a pool."""
    if executor is not None:
        _drain(executor, todo, tasks, record)
        return
    if jobs == 1 or len(todo) <= 1:
        for (i, f, folder, _, sha), task in zip(todo, tasks, strict=True):
            status, val = _worker(task)
            record(i, f, folder, sha, status, val)
        return
    # Import the stage modules before the workers start: with the fork start method (Linux)
    # they inherit them (and _STATE) instead of each paying ~1 s of imports
    # (benchmarks/bench_batch.py).
    from ..pv import simulate  # noqa: F401
    from ..suitability import classification, score  # noqa: F401
    from ..weather import read  # noqa: F401
    from ..wind import simulate as _wind_simulate  # noqa: F401

    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as ex:
        _drain(ex, todo, tasks, record)


def _drain(executor: Executor, todo: list, tasks: list, record: Callable) -> None:
    """Submit every task, record each result as it comes; a lost worker fails its files only.

    On an interrupt the tasks not yet started are cancelled (an executor given by the caller is
    not shut down: it is the caller's).
    """
    futs = {executor.submit(_worker, task): t for t, task in zip(todo, tasks, strict=True)}
    try:
        for fut in as_completed(futs):
            i, f, folder, _, sha = futs[fut]
            try:
                status, val = fut.result()
            except Exception as exc:  # noqa: BLE001 — a dead worker, not a bad file
                status, val = "failed", f"{f}: worker lost ({type(exc).__name__}: {exc}); rerun"
            record(i, f, folder, sha, status, val)
    finally:
        for fut in futs:
            fut.cancel()


def run_batch(
    weather_args: Sequence,
    out_dir,
    registry_path,
    dem_paths: Sequence[Path] = (),
    config: Config | None = None,
    jobs: int | None = None,
    force: bool = False,
    on_done: Callable[[BatchOutcome], None] | None = None,
    tz: str | None = None,
    options: SummaryOptions | None = None,
    executor: Executor | None = None,
    shard: tuple[int, int] | str | None = None,
) -> list[BatchOutcome]:
    """Run the pipeline for every weather file; write run folders, tables and manifest.

    Parameters
    ----------
    weather_args : weather files, folders and globs (:func:`expand_weather_args`); a DWD CDC
        station folder is one weather input.
    out_dir : the batch folder (see :mod:`haldenenergie.batch` for its layout).
    registry_path : heap registry (GeoJSON).
    dem_paths : DEM files/folders; empty uses parametric terrain.
    config : parameters in effect; ``None`` uses the defaults.
    jobs : parallel processes of the local pool (default: the number of cores); with
        ``executor`` only recorded in the manifest.
    force : recompute runs that are already done.
    on_done : called with each :class:`BatchOutcome` as it is known.
    tz : time zone of naive time stamps in the weather files (``UTC``, ``+01:00``,
        ``Europe/Berlin``); part of every run's key and recorded in the manifests.
    options : how the summary pools the runs (:class:`SummaryOptions`; default: refuse to pool
        different kinds, P90 from :data:`~haldenenergie.batch.stats.MIN_YEARS` years, normal).
    executor : any :class:`concurrent.futures.Executor` to run on (a Dask
        ``Client.get_executor()``, a thread or process pool); not shut down here. Its workers
        must read the weather files, registry, DEMs and layers under the same absolute paths.
    shard : ``(i, N)`` or ``"i/N"``: compute only shard i of N
        (:func:`~haldenenergie.batch.shards.shard_indices`) into ``out_dir/runs/`` and write the
        shard's tables to ``out_dir/shards/i-of-N/``; no ``summary.csv`` (``batch collect``
        merges the shards, :func:`~haldenenergie.batch.shards.collect_batch`).

    Returns
    -------
    One :class:`BatchOutcome` per weather file (of the shard), in the order of the files.
    Raises nothing for a bad weather file (it is recorded as failed); raises
    :class:`HaldenError` for a bad registry, DEM, config or shard, which would fail every run,
    and :class:`~haldenenergie.batch.kinds.MixedWeatherError` when the completed runs are of
    different kinds of weather and ``options.pool_anyway`` is not set (the run folders, tables
    other than ``summary.csv`` and the manifest are written first).
    """
    from .. import pipeline
    from ..config import load_config
    from ..weather.read import check_tz

    options = options or SummaryOptions()
    options.check()
    shard = shards.parse_shard(shard)
    config = config or load_config()
    pipeline.check_config(config)
    check_tz(tz)  # a typo in --tz fails before any work
    out_dir = Path(out_dir)
    files = _check_inputs(weather_args, out_dir)
    share = shards.shard_indices(len(files), shard)
    jobs = max(1, jobs or os.cpu_count() or 1)
    runs_dir = out_dir / "runs"
    tables_dir = out_dir if shard is None else shards.shard_dir(out_dir, shard)
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)  # an unwritable --out fails before the work
        tables_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _io.write_error(out_dir, exc) from None
    run = (registry_path, dem_paths, config, jobs, force, on_done, tz, executor)
    with _io.output_lock(tables_dir):  # a second batch (shard) into the same folder fails at once
        ordered, extra, man_args = _run_locked(files, share, runs_dir, *run)
        if shard is not None:
            extra["shard"] = shards.shard_record(files, share, shard)
        _write_tables(out_dir, tables_dir, ordered, extra, man_args, None if shard else options)
    return ordered


def _write_tables(out_dir, tables_dir, ordered, extra, man_args, options) -> None:
    """Write the tables, ``summary.csv`` unless ``options`` is None (a shard), the manifest."""
    tables.write_side_tables(tables_dir, ordered)
    try:
        if options is not None:
            extra["statistics"] = tables.write_summary(out_dir, ordered, options)
    except HaldenError as exc:
        extra["statistics"] = {"refused": str(exc)}
        raise
    finally:
        man = tables.batch_manifest(ordered, *man_args, extra)
        _io.write_json(tables_dir / "manifest.json", man)


def _run_locked(
    files, share, runs_dir, registry_path, dem_paths, config, jobs, force, on_done, tz, executor
):
    """The runs proper, while holding the lock of the batch (or shard) folder.

    Returns the outcomes of the files at ``share`` (with the kind of each completed run's
    weather), the manifest's extra entries and the other arguments of
    :func:`~haldenenergie.batch.tables.batch_manifest`.
    """
    from .. import pipeline

    heaps, registry_warnings = pipeline.load_heaps_with_warnings(registry_path)
    terrains = pipeline.compute_terrain(heaps, config, dem_paths)  # bad DEM: fails before runs
    shared, config_hash, context_hash = _context(registry_path, dem_paths, config, tz)
    _STATE.clear()
    _STATE.update(key=context_hash, value=(heaps, registry_warnings, terrains))
    outcomes, todo = _plan(files, share, runs_dir, context_hash, force)
    if on_done:
        for i in sorted(outcomes):
            on_done(outcomes[i])
    ctx = WorkerContext(
        str(Path(registry_path).absolute()),
        tuple(str(Path(p).absolute()) for p in dem_paths),
        config,
        shared,
        context_hash,
        tz,
        tuple(sys.argv),
    )
    tasks = [(f.absolute(), folder.absolute(), key, sha, ctx) for (_, f, folder, key, sha) in todo]
    _execute(todo, tasks, jobs, _recorder(outcomes, on_done), executor)
    ordered = [outcomes[i] for i in share]
    for o in ordered:
        if o.status in ("done", "skipped"):
            o.kind = folder_kind(o.folder)
    extra = {"jobs": jobs, "force": force, "config_sha256": config_hash}
    extra["context_sha256"] = context_hash
    extra.update(_options_extra(tz))
    registry, dems = tables.shared_records(shared, registry_path, dem_paths)
    return ordered, extra, (registry, dems, config.to_dict())


def _check_inputs(weather_args: Sequence, out_dir: Path) -> list[Path]:
    """The weather inputs of a batch; HaldenError for none or an ``--out`` that is a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another --out")
    files = expand_weather_args(weather_args)
    if not files:
        raise HaldenError("no weather files given; pass files, folders or globs")
    return files
