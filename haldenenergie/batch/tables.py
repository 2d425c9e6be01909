"""The batch folder's tables and manifest: ``weather.csv``, ``failures.csv``, ``summary.csv``.

Written the same way by a whole batch (:func:`~haldenenergie.batch.run.run_batch`), by a shard
(its share, in its own sub-folder) and by ``batch collect``
(:func:`~haldenenergie.batch.shards.collect_batch`), so that the merged shards give the tables a
single batch writes.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import _io
from ..errors import HaldenError
from .kinds import KIND_TEXT, WeatherKind, check_pooling, pooled_text
from .limits import Z_P90
from .stats import summarise

if TYPE_CHECKING:
    from .run import BatchOutcome, SummaryOptions

log = logging.getLogger("haldenenergie.batch")

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


def weather_table(ordered: list[BatchOutcome]) -> pd.DataFrame:
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


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` atomically (no index column)."""
    with _io.atomic_path(path) as tmp:
        df.to_csv(tmp, index=False)


def write_side_tables(out_dir: Path, ordered: list[BatchOutcome]) -> None:
    """``failures.csv`` and ``weather.csv``, each written atomically."""
    failures = pd.DataFrame(
        [
            {"weather_file": str(o.weather), "sha256": o.sha256, "reason": o.reason}
            for o in ordered
            if o.status == "failed"
        ],
        columns=["weather_file", "sha256", "reason"],
    )
    write_csv(failures, out_dir / "failures.csv")
    write_csv(weather_table(ordered), out_dir / "weather.csv")


def write_summary(out_dir: Path, ordered: list[BatchOutcome], options: SummaryOptions) -> dict:
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
    write_csv(table, out_dir / "summary.csv")
    return {
        "weather_kinds": dict(Counter(k.group_text for k in kinds)),
        "pooled_different_kinds": pooled,
        "p90_method": options.p90_method,
        "p90_min_years": options.min_years,
        "p90_z": Z_P90,
        "warnings": warnings,
    }


def weather_record(o: BatchOutcome) -> dict:
    """The manifest record of one weather file of a batch (outcome, folder, kind)."""
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


def shared_records(shared: list[dict], registry_path, dem_paths) -> tuple[dict, list[dict]]:
    """(registry record, DEM records) of a batch manifest, from the batch's hashed inputs."""
    registry = {**shared[0], "path": str(Path(registry_path))}
    dem_sha = {r["path"]: r["sha256"] for r in shared if r["role"] == "dem"}
    dems = [
        _io.file_record(p, "dem", dem_sha.get(str(Path(p).resolve())))
        if Path(p).is_file()
        else {"role": "dem", "path": str(p)}
        for p in dem_paths
    ]
    return registry, dems


def batch_manifest(
    ordered: list[BatchOutcome],
    registry: dict,
    dems: list[dict],
    parameters: dict,
    extra: dict,
) -> dict:
    """The batch folder's manifest: registry, every weather file with outcome and kind, DEMs."""
    inputs = [registry, *(weather_record(o) for o in ordered), *dems]
    counts = {f"n_{s}": sum(o.status == s for o in ordered) for s in ("done", "skipped", "failed")}
    return _io.manifest("batch", inputs, parameters, extra={**extra, **counts})
