"""Batch reruns: the full pipeline once per weather file, terrain computed once and reused.

Layout of ``DIR``::

    DIR/runs/<weather-stem>-<key8>/   one result folder per weather file (the ``run`` layout)
    DIR/summary.csv                   per heap: mean, min, max, std, P50, P90 of PV, wind, total
                                      energy; rank statistics (mean, best, worst; share in top 10)
    DIR/failures.csv                  weather files that failed, with the reason
    DIR/manifest.json                 every input with its hash and outcome

Resumable: a run folder is keyed by the SHA-256 of the weather file and the hash of everything else
that determines it (registry, DEMs, parameters). A folder whose manifest carries the same key is
skipped unless ``force``; each folder is written atomically, so a batch killed midway leaves only
complete folders and a rerun computes only the missing ones.

Statistics per quantity use the runs that have a value (``<q>_energy_n_runs``; PV energy is
NaN for a wind-only weather file). Rank statistics: ``rank_mean``, ``rank_best``, ``rank_worst``
over the runs in which the heap is ranked (``n_ranked``; empty if never ranked, e.g. unsuitable
heaps); ``share_top10`` over all runs, a run in which the heap is unranked counting as not in the
top 10.

P50 and P90: P50 is the median over weather years; P90 (exceeded with 90 % probability) is
``P50 − 1.2816 σ`` — the normal-distribution quantile z₀.₉ = 1.2816 with σ the sample standard
deviation (ddof = 1) across years, the usual approach in energy-yield assessments (IEC 61400-15
practice for wind; the quantile is the standard normal Φ⁻¹(0.9)). With one file σ is undefined and
P90 is left empty.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import time
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import _io
from . import results as results_folder
from .config import Config
from .errors import HaldenError, OutputError

log = logging.getLogger("haldenenergie.batch")

#: z-score of the 90 % exceedance quantile of a normal distribution (Φ⁻¹(0.9) = 1.28155).
Z_P90 = 1.2816
#: Rank threshold for the "share of runs in the top 10" statistic (issue 6).
TOP_N = 10
WEATHER_SUFFIXES = {".dat", ".csv", ".txt", ".epw", ".json"}
#: File-name prefix of a DWD CDC station product (``produkt_ff_stunde_..._01078.txt``).
CDC_PRODUCT_PREFIX = "produkt_"


@dataclass
class BatchOutcome:
    """What happened to one weather file of a batch (``status``: done, skipped or failed)."""

    weather: Path
    status: str  # "done", "skipped", "failed"
    folder: Path | None
    reason: str = ""
    seconds: float = 0.0
    sha256: str = ""


def is_cdc_station_folder(path: Path) -> bool:
    """True if ``path`` is a folder of DWD CDC station products: one weather input, not many.

    A DWD CDC station's data come as ``produkt_*.txt`` files (one per variable) or as the zip
    files holding them (DWD CDC dataset descriptions, opendata.dwd.de/climate_environment/CDC/);
    the weather reader combines the products of such a folder into one series.
    """
    if not path.is_dir():
        return False
    for x in path.iterdir():
        if not x.is_file():
            continue
        if x.name.startswith(CDC_PRODUCT_PREFIX):
            return True
        if x.suffix.lower() == ".zip" and _zip_holds_cdc_products(x):
            return True
    return False


def _zip_holds_cdc_products(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any(Path(n).name.startswith(CDC_PRODUCT_PREFIX) for n in z.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _folder_inputs(p: Path) -> list[Path]:
    """The weather inputs of a folder: itself if a CDC station folder, else its weather files.

    In an ordinary folder, each subfolder that is a CDC station folder counts as one input.
    """
    if is_cdc_station_folder(p):
        return [p]
    return sorted(
        x
        for x in p.iterdir()
        if not x.name.startswith(".")
        and (
            (x.is_file() and x.suffix.lower() in WEATHER_SUFFIXES and x.name.lower() != "readme.md")
            or is_cdc_station_folder(x)
        )
    )


def expand_weather_args(args: Sequence[str | os.PathLike]) -> list[Path]:
    """Files, folders and globs → a sorted, de-duplicated list of weather inputs.

    A folder stands for its weather files, except a DWD CDC station folder
    (:func:`is_cdc_station_folder`), which is one input (so is a glob match that is one).
    """
    out: list[Path] = []
    for a in args:
        s = str(a)
        p = Path(s)
        if p.is_dir():
            out.extend(_folder_inputs(p))
        elif any(ch in s for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(s))
            if not matches:
                raise HaldenError(f"{s}: the pattern matches no file; check the glob")
            out.extend(m for m in matches if m.is_file() or is_cdc_station_folder(m))
        elif p.is_file():
            out.append(p)
        else:
            raise HaldenError(f"{s}: weather file or folder not found; check the path")
    seen, uniq = set(), []
    for p in out:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            uniq.append(p)
    return uniq


def weather_sha256(path: Path) -> str:
    """SHA-256 of a weather input: of a file its bytes; of a folder its files' names and hashes.

    The same digest as the weather reader records in ``WeatherMeta.sha256``.
    """
    if not path.is_dir():
        return _io.sha256_file(path)
    h = hashlib.sha256()
    for p in sorted(path.iterdir()):
        if p.is_file():
            h.update(p.name.encode())
            h.update(_io.sha256_file(p).encode())
    return h.hexdigest()


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
    from . import pipeline

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
        extra={"batch_key": key, "warnings": warnings, **_options_extra(tz)},
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


def summarise(folders: Sequence[Path]) -> pd.DataFrame:
    """Per-heap statistics across the results of several runs (one folder per weather file)."""
    frames = []
    for i, f in enumerate(folders):
        df = results_folder.read_results(f, typed=False)
        df["_run"] = i
        frames.append(df)
    if not frames:
        return pd.DataFrame()
    allr = pd.concat(frames, ignore_index=True)
    allr["wind_energy_mwh_per_a"] = allr["wind_energy_mwh_per_a"].fillna(0.0)
    allr["total_energy_mwh_per_a"] = allr["pv_energy_mwh_per_a"] + allr["wind_energy_mwh_per_a"]
    g = allr.groupby("heap_id", sort=True)
    out = g[["name", "city"]].first()
    out["n_runs"] = g["_run"].nunique()
    for q, col in [
        ("pv", "pv_energy_mwh_per_a"),
        ("wind", "wind_energy_mwh_per_a"),
        ("total", "total_energy_mwh_per_a"),
    ]:
        s = g[col]
        # runs with a value (PV is NaN for a wind-only weather file); statistics use these
        out[f"{q}_energy_n_runs"] = s.count()
        out[f"{q}_energy_mean_mwh_per_a"] = s.mean()
        out[f"{q}_energy_min_mwh_per_a"] = s.min()
        out[f"{q}_energy_max_mwh_per_a"] = s.max()
        out[f"{q}_energy_std_mwh_per_a"] = s.std(ddof=1)
        out[f"{q}_energy_p50_mwh_per_a"] = s.median()
        out[f"{q}_energy_p90_mwh_per_a"] = (
            out[f"{q}_energy_p50_mwh_per_a"] - Z_P90 * out[f"{q}_energy_std_mwh_per_a"]
        )
    if "rank" in allr:
        r = g["rank"]
        out["n_ranked"] = r.count()
        out["rank_mean"] = r.mean()
        out["rank_best"] = r.min()
        out["rank_worst"] = r.max()
        out[f"share_top{TOP_N}"] = g["rank"].apply(lambda s: float(np.mean(s <= TOP_N)))
    out = out.reset_index()
    if "rank_mean" in out:
        out = out.sort_values(["rank_mean", "heap_id"]).reset_index(drop=True)
    return out


def _options_extra(tz: str | None) -> dict:
    """``{"weather_options": {...}}`` for a manifest if reader options were given, else ``{}``."""
    from .pipeline import weather_options

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
    from .pv import simulate  # noqa: F401
    from .suitability import classification, score  # noqa: F401
    from .weather import read  # noqa: F401
    from .wind import simulate as _wind_simulate  # noqa: F401

    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as ex:
        futs = {ex.submit(_worker, a): t for t, a in zip(todo, args, strict=True)}
        for fut in as_completed(futs):
            i, f, folder, _, sha = futs[fut]
            status, val = fut.result()
            record(i, f, folder, sha, status, val)


def _write_tables(out_dir: Path, ordered: list[BatchOutcome]) -> None:
    """``summary.csv`` of the completed runs and ``failures.csv``, each written atomically."""
    ok_folders = [o.folder for o in ordered if o.status in ("done", "skipped")]
    summary = summarise(ok_folders)
    with _io.atomic_path(out_dir / "summary.csv") as tmp:
        summary.to_csv(tmp, index=False)
    failures = pd.DataFrame(
        [
            {"weather_file": str(o.weather), "sha256": o.sha256, "reason": o.reason}
            for o in ordered
            if o.status == "failed"
        ],
        columns=["weather_file", "sha256", "reason"],
    )
    with _io.atomic_path(out_dir / "failures.csv") as tmp:
        failures.to_csv(tmp, index=False)


def _batch_manifest(
    ordered: list[BatchOutcome],
    shared: list[dict],
    registry_path,
    dem_paths,
    config: Config,
    extra: dict,
) -> dict:
    """The batch folder's manifest: registry, every weather file with its outcome, the DEMs."""
    inputs = [{**shared[0], "path": str(Path(registry_path))}]
    inputs += [
        {
            "role": "weather",
            "path": str(o.weather),
            "sha256": o.sha256,
            "outcome": o.status,
            "folder": str(o.folder) if o.folder else None,
            "reason": o.reason,
            "seconds": round(o.seconds, 3),
        }
        for o in ordered
    ]
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
) -> list[BatchOutcome]:
    """Run the pipeline for every weather file; write run folders, summary, failures, manifest.

    Parameters
    ----------
    weather_args : weather files, folders and globs (:func:`expand_weather_args`); a DWD CDC
        station folder is one weather input.
    out_dir : the batch folder (see the module docstring for its layout).
    registry_path : heap registry (GeoJSON).
    dem_paths : DEM files/folders; empty uses parametric terrain.
    config : parameters in effect; ``None`` uses the defaults.
    jobs : parallel processes (default: the number of cores).
    force : recompute runs that are already done.
    on_done : called with each :class:`BatchOutcome` as it is known.
    tz : time zone of naive time stamps in the weather files (``UTC``, ``+01:00``,
        ``Europe/Berlin``); part of every run's key and recorded in the manifests.

    Returns
    -------
    One :class:`BatchOutcome` per weather file, in the order of the files. Raises nothing for a
    bad weather file (it is recorded as failed); raises :class:`HaldenError` for a bad registry,
    DEM or config, which would fail every run.
    """
    from . import pipeline
    from .config import load_config

    config = config or load_config()
    pipeline.check_config(config)
    from .weather.read import check_tz

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
        return _run_locked(
            files, out_dir, runs_dir, registry_path, dem_paths, config, jobs, force, on_done, tz
        )


def _run_locked(
    files, out_dir, runs_dir, registry_path, dem_paths, config, jobs, force, on_done, tz=None
):
    """The batch proper, while holding the lock of ``out_dir``."""
    from . import pipeline

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
    _write_tables(out_dir, ordered)
    extra = {"jobs": jobs, "force": force, "config_sha256": config_hash}
    extra["context_sha256"] = context_hash
    extra.update(_options_extra(tz))
    man = _batch_manifest(ordered, shared, registry_path, dem_paths, config, extra)
    _io.write_json(out_dir / "manifest.json", man)
    return ordered


def _check_inputs(weather_args: Sequence, out_dir: Path) -> list[Path]:
    """The weather inputs of a batch; HaldenError for none or an ``--out`` that is a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another --out")
    files = expand_weather_args(weather_args)
    if not files:
        raise HaldenError("no weather files given; pass files, folders or globs")
    return files
