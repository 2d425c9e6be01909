"""The batch proper: plan, run every weather file (in parallel), write tables and manifest.

Resumable: a run folder is keyed by the SHA-256 of the weather file and the hash of everything else
that determines it (registry, DEMs, parameters). A folder whose manifest carries the same key is
skipped unless ``force``; each folder is written atomically, so a batch killed midway leaves only
complete folders and a rerun computes only the missing ones. The statistics options
(:class:`SummaryOptions`) act on the summary only, so changing them reuses every run.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import _io
from .. import results as results_folder
from ..config import Config
from ..errors import HaldenError, OutputError
from .inputs import expand_weather_args, weather_sha256
from .kinds import KIND_TEXT, WeatherKind, check_pooling, folder_kind, pooled_text
from .limits import MIN_YEARS, P90_METHODS, Z_P90
from .stats import summarise

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
) -> tuple[str, float]:
    """Worker: read one weather file, compute, write its folder. Returns (status, seconds).

    ``shared_inputs`` and ``weather_sha256`` are the hashes the batch already computed;
    ``registry_warnings`` go into the run's manifest with the weather's and terrain's warnings;
    ``tz`` is the zone of naive time stamps (reader option, recorded as ``weather_options``).
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
    results_folder.write_run(folder, result, overwrite=True)
    return "done", time.perf_counter() - t0


def _worker(args):
    weather_path = args[0]
    try:
        return _one(*args)
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


def _plan(files: list[Path], runs_dir: Path, context_hash: str, force: bool):
    """(outcomes of the files already done, todo list of (index, file, folder, key, sha256))."""
    done: dict[int, BatchOutcome] = {}
    todo = []
    for i, f in enumerate(files):
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


def _execute(todo: list, args: list, jobs: int, record: Callable) -> None:
    """Run the workers (in-process for one job or one file, else a process pool)."""
    if jobs == 1 or len(todo) <= 1:
        for (i, f, folder, _, sha), a in zip(todo, args, strict=True):
            status, val = _worker(a)
            record(i, f, folder, sha, status, val)
        return
    # Import the stage modules before the workers start: with the fork start method (Linux)
    # they inherit them instead of each paying ~1 s of imports (benchmarks/bench_batch.py).
    from ..pv import simulate  # noqa: F401
    from ..suitability import classification, score  # noqa: F401
    from ..weather import read  # noqa: F401
    from ..wind import simulate as _wind_simulate  # noqa: F401

    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as ex:
        futs = {ex.submit(_worker, a): t for t, a in zip(todo, args, strict=True)}
        for fut in as_completed(futs):
            i, f, folder, _, sha = futs[fut]
            status, val = fut.result()
            record(i, f, folder, sha, status, val)


def _weather_table(ordered: list[BatchOutcome]) -> pd.DataFrame:
    """``weather.csv``: every weather file with its outcome and kind (empty kind if it failed)."""
    rows = []
    for o in ordered:
        k = o.kind
        rows.append(
            {
                "weather_file": str(o.weather),
                "outcome": o.status,
                "kind": k.kind if k else "",
                "kind_text": k.text if k else "",
                "year": k.year if k and k.year else pd.NA,
                "station": k.station if k else "",
                "data_source": k.data_source if k else "",
                "source_period": k.source_period if k else "",
                "sha256": o.sha256,
            }
        )
    return pd.DataFrame(rows, columns=list(WEATHER_COLUMNS))


#: Columns of ``weather.csv``.
WEATHER_COLUMNS = (
    "weather_file",
    "outcome",
    "kind",
    "kind_text",
    "year",
    "station",
    "data_source",
    "source_period",
    "sha256",
)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    with _io.atomic_path(path) as tmp:
        df.to_csv(tmp, index=False)


def _write_side_tables(out_dir: Path, ordered: list[BatchOutcome]) -> None:
    """``failures.csv`` and ``weather.csv``, each written atomically."""
    failures = pd.DataFrame(
        [
            {"weather_file": str(o.weather), "sha256": o.sha256, "reason": o.reason}
            for o in ordered
            if o.status == "failed"
        ],
        columns=["weather_file", "sha256", "reason"],
    )
    _write_csv(failures, out_dir / "failures.csv")
    _write_csv(_weather_table(ordered), out_dir / "weather.csv")


def _summary(out_dir: Path, ordered: list[BatchOutcome], options: SummaryOptions) -> dict:
    """Check the pooling, write ``summary.csv``; the manifest's ``statistics`` entry.

    Raises :class:`~haldenenergie.batch.kinds.MixedWeatherError` (after removing a stale
    ``summary.csv``) for different kinds of weather without ``pool_anyway``.
    """
    ok = [o for o in ordered if o.status in ("done", "skipped")]
    kinds = [o.kind or WeatherKind("unknown") for o in ok]
    try:
        pooled = check_pooling(kinds, [o.weather.name for o in ok], out_dir, options.pool_anyway)
    except HaldenError:
        (out_dir / "summary.csv").unlink(missing_ok=True)
        raise
    described = pooled_text(kinds)
    warnings = []
    if pooled:
        warnings.append(
            f"{out_dir}: pooled different kinds of weather into one P50/P90: {described}"
        )
        log.warning("%s", warnings[-1])
    table = summarise(
        [o.folder for o in ok],
        min_years=options.min_years,
        p90_method=options.p90_method,
        weather_kinds=described,
        pooled=described if pooled else "",
    )
    _write_csv(table, out_dir / "summary.csv")
    return {
        "weather_kinds": dict(Counter(k.group_text for k in kinds)),
        "pooled_different_kinds": pooled,
        "p90_method": options.p90_method,
        "p90_min_years": options.min_years,
        "p90_z": Z_P90,
        "warnings": warnings,
    }


def _weather_record(o: BatchOutcome) -> dict:
    rec = {
        "role": "weather",
        "path": str(o.weather),
        "sha256": o.sha256,
        "outcome": o.status,
        "folder": str(o.folder) if o.folder else None,
        "reason": o.reason,
        "seconds": round(o.seconds, 3),
    }
    if o.kind is not None:
        rec |= {
            "kind": o.kind.kind,
            "kind_text": KIND_TEXT.get(o.kind.kind, o.kind.kind),
            "year": o.kind.year,
            "station": o.kind.station,
            "source_period": o.kind.source_period,
        }
    return rec


def _batch_manifest(
    ordered: list[BatchOutcome],
    shared: list[dict],
    registry_path,
    dem_paths,
    config: Config,
    extra: dict,
) -> dict:
    """The batch folder's manifest: registry, every weather file with outcome and kind, DEMs."""
    inputs = [{**shared[0], "path": str(Path(registry_path))}]
    inputs += [_weather_record(o) for o in ordered]
    dem_sha = {r["path"]: r["sha256"] for r in shared if r["role"] == "dem"}
    for p in dem_paths:
        inputs.append(
            _io.file_record(p, "dem", dem_sha.get(str(Path(p).resolve())))
            if Path(p).is_file()
            else {"role": "dem", "path": str(p)}
        )
    counts = {f"n_{s}": sum(o.status == s for o in ordered) for s in ("done", "skipped", "failed")}
    return _io.manifest("batch", inputs, config.to_dict(), extra={**extra, **counts})


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
    jobs : parallel processes (default: the number of cores).
    force : recompute runs that are already done.
    on_done : called with each :class:`BatchOutcome` as it is known.
    tz : time zone of naive time stamps in the weather files (``UTC``, ``+01:00``,
        ``Europe/Berlin``); part of every run's key and recorded in the manifests.
    options : how the summary pools the runs (:class:`SummaryOptions`; default: refuse to pool
        different kinds, P90 from :data:`~haldenenergie.batch.stats.MIN_YEARS` years, normal).

    Returns
    -------
    One :class:`BatchOutcome` per weather file, in the order of the files. Raises nothing for a
    bad weather file (it is recorded as failed); raises :class:`HaldenError` for a bad registry,
    DEM or config, which would fail every run, and
    :class:`~haldenenergie.batch.kinds.MixedWeatherError` when the completed runs are of
    different kinds of weather and ``options.pool_anyway`` is not set (the run folders, tables
    other than ``summary.csv`` and the manifest are written first).
    """
    from .. import pipeline
    from ..config import load_config
    from ..weather.read import check_tz

    options = options or SummaryOptions()
    options.check()
    config = config or load_config()
    pipeline.check_config(config)
    check_tz(tz)  # a typo in --tz fails before any work
    out_dir = Path(out_dir)
    files = _check_inputs(weather_args, out_dir)
    jobs = max(1, jobs or os.cpu_count() or 1)
    runs_dir = out_dir / "runs"
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)  # an unwritable --out fails before the work
    except OSError as exc:
        raise _io.write_error(out_dir, exc) from None
    with _io.output_lock(out_dir):  # a second batch into the same folder fails at once
        ordered, extra, man_args = _run_locked(
            files, out_dir, runs_dir, registry_path, dem_paths, config, jobs, force, on_done, tz
        )
        _write_side_tables(out_dir, ordered)
        try:
            extra["statistics"] = _summary(out_dir, ordered, options)
        except HaldenError as exc:
            extra["statistics"] = {"refused": str(exc)}
            raise
        finally:
            _io.write_json(out_dir / "manifest.json", _batch_manifest(ordered, *man_args, extra))
    return ordered


def _run_locked(
    files, out_dir, runs_dir, registry_path, dem_paths, config, jobs, force, on_done, tz=None
):
    """The runs proper, while holding the lock of ``out_dir``.

    Returns the outcomes (with the kind of each completed run's weather), the manifest's extra
    entries and the other arguments of :func:`_batch_manifest`.
    """
    from .. import pipeline

    heaps, registry_warnings = pipeline.load_heaps_with_warnings(registry_path)
    terrains = pipeline.compute_terrain(heaps, config, dem_paths)  # once, reused by every run
    shared, config_hash, context_hash = _context(registry_path, dem_paths, config, tz)
    outcomes, todo = _plan(files, runs_dir, context_hash, force)
    if on_done:
        for i in sorted(outcomes):
            on_done(outcomes[i])
    common = (heaps, terrains, config, registry_path, list(dem_paths), shared)
    args = [
        (f, folder, key, *common, sha, registry_warnings, tz) for (_, f, folder, key, sha) in todo
    ]
    _execute(todo, args, jobs, _recorder(outcomes, on_done))
    ordered = [outcomes[i] for i in range(len(files))]
    for o in ordered:
        if o.status in ("done", "skipped"):
            o.kind = folder_kind(o.folder)
    extra = {"jobs": jobs, "force": force, "config_sha256": config_hash}
    extra["context_sha256"] = context_hash
    extra.update(_options_extra(tz))
    return ordered, extra, (shared, registry_path, dem_paths, config)


def _check_inputs(weather_args: Sequence, out_dir: Path) -> list[Path]:
    """The weather inputs of a batch; HaldenError for none or an ``--out`` that is a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another --out")
    files = expand_weather_args(weather_args)
    if not files:
        raise HaldenError("no weather files given; pass files, folders or globs")
    return files
