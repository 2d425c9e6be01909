"""``layers fetch-osm``: OpenStreetMap data around the registry heaps into a cached folder.

One Overpass API request per cluster of nearby heaps (:mod:`.fetch_plan`), sent one after the
other with a pause, retried politely (:mod:`.fetch_http`). The folder holds ``cluster_NN.osm``
(Overpass OSM XML, complete with the nodes of every way, readable by GDAL's OSM driver) and
``layers.json``::

    {"format": "haldenenergie-osm-layers/1", "created_utc": ..., "endpoint": ...,
     "buffer_m": ..., "files": [{"file", "bbox_wgs84", "heaps", "query", "sha256", "bytes",
     "fetched_utc", "osm_base", "elements"}], "failed": [{"file", "bbox_wgs84", "heaps",
     "query", "error", "failed_utc", "kept_previous"}], "skipped_heaps": [...]}

Every file is written atomically (:mod:`haldenenergie._io`), the manifest after every cluster,
so an interrupted or failed run never leaves a half-written file or a manifest entry without its
file. A rerun keeps (does not fetch again) every cluster whose file exists with the same query and
SHA-256, unless ``force``. Data: (c) OpenStreetMap contributors, ODbL 1.0
(https://www.openstreetmap.org/copyright).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _io
from . import fetch_http
from .fetch_http import FetchError, check_endpoint, fetch_query
from .fetch_plan import Cluster, overpass_query, plan_clusters
from .fetch_query import osm_tag_filters
from .load import FETCH_FORMAT, FETCH_MANIFEST

#: Name of the folder's manifest and the value of its ``format`` key: the reader's
#: (:mod:`haldenenergie.layers.load`), the contract between this writer and the reader.
MANIFEST_FILE = FETCH_MANIFEST
FORMAT = FETCH_FORMAT
#: The public Overpass instance run by FOSSGIS (https://wiki.openstreetmap.org/wiki/Overpass_API).
DEFAULT_ENDPOINT = "https://overpass-api.de/api/interpreter"
#: Server-side query limit [s]: the Overpass default ``[timeout:180]`` (Overpass QL wiki).
DEFAULT_TIMEOUT_S = 180
#: Retries after a failed attempt. Assumption: 3 retries with 10/20/40 s back-off ride out a busy
#: minute of the public instance without hammering it.
DEFAULT_RETRIES = 3
#: Pause between two requests [s]. Assumption: requests are sequential anyway; 2 s keep the
#: 10-20 requests of all Ruhr clusters far below the ~10,000 a day the Overpass manual allows.
DEFAULT_PAUSE_S = 2.0


@dataclass(frozen=True)
class ClusterResult:
    """What happened to one cluster: ``status`` is ``"fetched"``, ``"cached"`` or ``"failed"``."""

    cluster: Cluster
    status: str
    entry: dict | None = None
    error: str = ""


@dataclass
class FetchResult:
    """The outcome of :func:`fetch_osm_layers`."""

    out_dir: Path
    manifest_path: Path
    results: list[ClusterResult] = field(default_factory=list)
    skipped_heaps: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[ClusterResult]:
        """The clusters that failed (their error in ``error``)."""
        return [r for r in self.results if r.status == "failed"]


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def read_manifest(out_dir: str | Path) -> dict | None:
    """The ``layers.json`` of a fetch-osm folder, or None if the folder has none.

    Raises
    ------
    FetchError : the file is not JSON or not of :data:`FORMAT`.
    """
    p = Path(out_dir) / MANIFEST_FILE
    if not p.is_file():
        return None
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(
            f"{p}: unreadable ({type(exc).__name__}: {exc}); remove it or choose another --out"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FetchError(
            f"{p}: not a 'layers fetch-osm' manifest (format is not {FORMAT!r}); "
            f"choose another --out"
        )
    return data


def _check_out_dir(out_dir: Path) -> dict | None:
    """The previous manifest; refuse a file or a foreign non-empty folder as ``out_dir``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise FetchError(f"{out_dir}: exists and is not a folder; choose a folder for --out")
    old = read_manifest(out_dir)
    if old is None and out_dir.is_dir():
        foreign = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith("."))
        if foreign:
            raise FetchError(
                f"{out_dir}: folder holds {', '.join(foreign[:3])}"
                f"{' ...' if len(foreign) > 3 else ''} but no {MANIFEST_FILE}; choose an empty "
                f"or new folder for --out"
            )
    return old


def _valid_old_entries(old: dict | None, out_dir: Path) -> dict[str, dict]:
    """Previous entries whose file is still there with the recorded SHA-256, by file name."""
    out: dict[str, dict] = {}
    for entry in (old or {}).get("files", []):
        name = entry.get("file") if isinstance(entry, dict) else None
        if not name or Path(name).name != name:
            continue
        p = out_dir / name
        if p.is_file() and _io.sha256_file(p) == entry.get("sha256"):
            out[name] = entry
    return out


def _fetch_cluster(
    cluster: Cluster, query: str, out_dir: Path, endpoint: str, timeout_s: int, retries: int, log
) -> dict:
    """Fetch one cluster into its file (atomically) and return its manifest entry."""
    body, info = fetch_query(endpoint, query, timeout_s=timeout_s, retries=retries, log=log)
    with _io.atomic_write(out_dir / cluster.name, "wb") as fh:
        fh.write(body)
    return {
        "file": cluster.name,
        "bbox_wgs84": list(cluster.bbox_wgs84),
        "heaps": list(cluster.heap_ids),
        "query": query,
        "sha256": _io.sha256_file(out_dir / cluster.name),
        "bytes": len(body),
        "fetched_utc": _now(),
        "osm_base": info["osm_base"],
        "generator": info["generator"],
        "elements": info["elements"],
        "attempts": info["attempts"],
    }


def _failure_entry(cluster: Cluster, query: str, error: str, kept: bool) -> dict:
    return {
        "file": cluster.name,
        "bbox_wgs84": list(cluster.bbox_wgs84),
        "heaps": list(cluster.heap_ids),
        "query": query,
        "error": error,
        "failed_utc": _now(),
        "kept_previous": kept,
    }


def _write_manifest(out_dir: Path, header: dict, files: list, failed: list) -> Path:
    p = out_dir / MANIFEST_FILE
    _io.write_json(p, {**header, "created_utc": _now(), "files": files, "failed": failed})
    return p


def _remove_stale(out_dir: Path, old_valid: dict[str, dict], kept: Iterable[str]) -> None:
    """Remove cluster files this tool wrote before (hash as recorded) that the new plan drops."""
    keep = set(kept)
    for name in old_valid:
        if name not in keep:
            (out_dir / name).unlink(missing_ok=True)


def fetch_osm_layers(
    heaps: Sequence[Any],
    out_dir: str | Path,
    *,
    buffer_m: float,
    endpoint: str = DEFAULT_ENDPOINT,
    timeout_s: int = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    pause_s: float = DEFAULT_PAUSE_S,
    force: bool = False,
    default_area_ha: float = 38.0,
    schemas_path: str | Path = "",
    progress: Callable[[ClusterResult], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> FetchResult:
    """Download the OSM constraint layers around ``heaps`` into ``out_dir`` (cached, atomic).

    Parameters
    ----------
    heaps : registry heaps (``haldenenergie.registry.Heap``); heaps without a position are
        skipped (listed in ``skipped_heaps``).
    out_dir : the folder (created; an existing one must be empty or a fetch-osm folder).
    buffer_m : [m] distance around each heap the data must cover
        (:func:`.fetch_plan.default_buffer_m`: 1000 m with the default config).
    endpoint : Overpass interpreter URL.
    timeout_s : [s] server-side query limit (``[timeout:]``).
    retries : further attempts per cluster after a failed one.
    pause_s : [s] pause between two requests.
    force : fetch every cluster again, even if its file is cached.
    default_area_ha : [ha] area of a point heap without ``area_ha`` (for its box).
    schemas_path : ``[layers] schemas_path`` (``''`` = none): the user schema file whose ``[osm]``
        rules extend / replace the shipped ones. The query asks for every tag those rules map
        (:func:`.fetch_query.osm_tag_filters`), the rules the reader applies to the folder.
    progress : called with each :class:`ClusterResult` as it is done.
    log : called with a line per retried attempt.

    Returns
    -------
    FetchResult; failed clusters are in ``failures`` (and in the manifest's ``failed``), the
    other clusters are written.

    Raises
    ------
    FetchError : bad endpoint or ``out_dir``, or no heap has a position.
    LayerError : the schema file is unreadable or an ``[osm]`` rule cannot be asked for (before
        any request).
    """
    from .schemas import load_schemas

    check_endpoint(endpoint)
    filters = osm_tag_filters(load_schemas(schemas_path), schemas_path)
    out = Path(out_dir)
    clusters, skipped = plan_clusters(heaps, buffer_m, default_area_ha=default_area_ha)
    if not clusters:
        raise FetchError(
            "no selected heap has a position (Point or footprint) in the registry; nothing to "
            "fetch; check --heap or the registry geometry"
        )
    old = _check_out_dir(out)
    out.mkdir(parents=True, exist_ok=True)
    result = FetchResult(out, out / MANIFEST_FILE, skipped_heaps=list(skipped))
    header = {"format": FORMAT, "tool": _io.TOOL, "endpoint": endpoint, "buffer_m": buffer_m}
    header["skipped_heaps"] = list(skipped)
    with _io.output_lock(out):
        old_valid = _valid_old_entries(old, out)
        files, failed, requested = [], [], False
        for i, cluster in enumerate(clusters):
            query = overpass_query(cluster.bbox_wgs84, timeout_s, filters)
            prev = old_valid.get(cluster.name)
            if prev is not None and prev.get("query") != query:
                prev = None
            if prev is not None and not force:
                res = ClusterResult(cluster, "cached", {**prev, "heaps": list(cluster.heap_ids)})
            else:
                if requested and pause_s > 0:
                    fetch_http.sleep(pause_s)
                requested = True
                res = _run_one(cluster, query, out, endpoint, timeout_s, retries, log, prev)
            if res.entry is not None:
                files.append(res.entry)
            if res.status == "failed":
                failed.append(_failure_entry(cluster, query, res.error, prev is not None))
            pending = [e for c in clusters[i + 1 :] if (e := old_valid.get(c.name))]
            _write_manifest(out, header, files + pending, failed)
            result.results.append(res)
            if progress is not None:
                progress(res)
        _remove_stale(out, old_valid, [e["file"] for e in files])
    return result


def _run_one(cluster, query, out, endpoint, timeout_s, retries, log, prev) -> ClusterResult:
    """Fetch one cluster; a failure keeps the previous file of the same query (``prev``)."""
    try:
        entry = _fetch_cluster(cluster, query, out, endpoint, timeout_s, retries, log)
    except FetchError as exc:
        return ClusterResult(cluster, "failed", prev, str(exc))
    return ClusterResult(cluster, "fetched", entry)
