"""``haldenenergie layers``: fetch OpenStreetMap constraint layers and inspect layer files.

A thin click layer over :mod:`haldenenergie.layers.fetch` (and the layer readers of
:mod:`haldenenergie.layers`). Library errors are one-line ``HaldenError``s.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import config_option, get_config, heap_option, registry_option, registry_path


@click.group()
def layers():
    """Fetch and inspect constraint layers (forest, housing, protected areas ...).

    \b
    Examples:
      haldenenergie layers fetch-osm --out osm_layers            # all heaps, default buffer
      haldenenergie layers fetch-osm --out osm_layers --heap hoheward --buffer-m 1500
      haldenenergie run --layers osm_layers --out results
    """


def _echo_result(res) -> None:
    c = res.cluster
    heaps = ", ".join(c.heap_ids)
    if res.status == "failed":
        click.echo(f"error: {c.name} (heaps {heaps}): {res.error}", err=True)
        return
    e = res.entry
    counts = e.get("elements") or {}
    n = ", ".join(f"{counts.get(k, 0)} {k}s" for k in ("node", "way", "relation"))
    size_kb = e.get("bytes", 0) / 1024
    click.echo(
        f"{c.name}: {res.status}, {len(c.heap_ids)} heap(s) ({heaps}), {size_kb:.0f} kB, {n}"
    )


@layers.command("fetch-osm")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for cluster_NN.osm and layers.json (created; a rerun reuses its files).",
)
@registry_option
@heap_option
@click.option(
    "--buffer-m",
    "buffer_m",
    type=click.FloatRange(min=0.0, max=20000.0),
    default=None,
    help="Distance [m] around each heap the data must cover. Default: the largest buffer of "
    "the config ([suitability] min_housing_distance_m, 600 m) plus 400 m = 1000 m.",
)
@click.option(
    "--endpoint",
    default=None,
    help="Overpass interpreter URL. Default: https://overpass-api.de/api/interpreter.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.IntRange(min=1, max=3600),
    default=None,
    help="Server-side query limit [s] ([timeout:] of the query; the client waits 60 s more). "
    "Default: 180 s, the Overpass default.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=20),
    default=None,
    help="Retries per cluster after a time-out, HTTP 429/5xx or network error (default 3).",
)
@click.option(
    "--pause",
    "pause_s",
    type=click.FloatRange(min=0.0, max=600.0),
    default=None,
    help="Pause [s] between two requests (default 2 s).",
)
@click.option("--force", is_flag=True, help="Fetch every cluster again, even if cached.")
@config_option
@click.pass_context
def fetch_osm(ctx, out_dir, registry, heap_ids, buffer_m, endpoint, timeout_s, retries, pause_s,
              force, config_path):  # fmt: skip
    """Download OpenStreetMap data around the registry heaps from the Overpass API.

    One request per cluster of nearby heaps (box = heap + buffer), sent one after the other with
    a pause, retried after time-outs and HTTP 429 (honouring Retry-After). Writes
    OUT/cluster_NN.osm (OSM XML: forest, residential areas and buildings, protected areas,
    landmarks, spoil heaps, open land) and OUT/layers.json (query, date, box, heaps, SHA-256 per
    file), atomically. A rerun skips clusters already fetched with the same query (unless
    --force). A failed cluster is one 'error:' line on stderr and in layers.json ("failed"); the
    others are kept; the exit code is then 1. Heaps without a position are skipped.
    Data (c) OpenStreetMap contributors, ODbL 1.0.
    """
    from ..layers import fetch as f
    from ..layers.fetch_plan import default_buffer_m
    from ..pipeline import load_heaps

    cfg = get_config(config_path)
    heaps = load_heaps(registry_path(registry), heap_ids)
    result = f.fetch_osm_layers(
        heaps,
        out_dir,
        buffer_m=default_buffer_m(cfg) if buffer_m is None else buffer_m,
        endpoint=endpoint or f.DEFAULT_ENDPOINT,
        timeout_s=f.DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s,
        retries=f.DEFAULT_RETRIES if retries is None else retries,
        pause_s=f.DEFAULT_PAUSE_S if pause_s is None else pause_s,
        force=force,
        schemas_path=cfg.layers.schemas_path,
        default_area_ha=cfg.terrain.default_area_ha,
        progress=_echo_result,
        log=lambda line: click.echo(f"note: {line}", err=True),
    )
    if result.skipped_heaps:
        click.echo(
            f"note: {len(result.skipped_heaps)} heap(s) without a position skipped: "
            f"{', '.join(result.skipped_heaps)}",
            err=True,
        )
    n_fail = len(result.failures)
    n_ok = len(result.results) - n_fail
    click.echo(f"{result.manifest_path}: {n_ok} cluster file(s), {n_fail} failed")
    if n_fail:
        ctx.exit(1)


@layers.command("info")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info(path, as_json):
    """Which layer kinds a fetch-osm folder or a layer file holds, with feature counts.

    PATH is a 'layers fetch-osm' folder (or its layers.json: files, boxes, heaps, failures and
    the kinds of each file) or one layer file (OSM, ATKIS/ALKIS, CORINE, TCD/WorldCover, plain
    polygons: each kind its schema maps).
    """
    from ..layers.fetch import MANIFEST_FILE, read_manifest

    if path.is_dir() or path.name == MANIFEST_FILE:
        folder = path if path.is_dir() else path.parent
        data = read_manifest(folder)
        if data is None:
            raise click.UsageError(f"{folder}: no {MANIFEST_FILE}; not a 'layers fetch-osm' folder")
        _folder_info(folder, data, as_json)
    else:
        _file_info(path, as_json)


def _kind_counts(layers) -> dict[str, int]:
    """{kind: features} of the layers with at least one feature, in KINDS order."""
    return {ly.kind: ly.n_features for ly in layers if ly.n_features > 0}


def _folder_info(folder: Path, data: dict, as_json: bool) -> None:
    from ..layers import read_fetch_folder

    by_file: dict[str, list] = {}
    for ly in read_fetch_folder(folder):
        by_file.setdefault(Path(ly.path).name, []).append(ly)
    for e in data.get("files", []):
        e["kinds"] = _kind_counts(by_file.get(e["file"], []))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{folder}: {data.get('endpoint')}, created {data.get('created_utc')}")
    for e in data.get("files", []):
        box = ", ".join(f"{v:.4f}" for v in e.get("bbox_wgs84", []))
        kinds = ", ".join(f"{k} {n}" for k, n in e["kinds"].items()) or "no features"
        click.echo(
            f"  {e['file']}: heaps {', '.join(e.get('heaps', []))}; box [{box}]; "
            f"{e.get('bytes', 0)} bytes; OSM data of {e.get('osm_base') or '?'}; {kinds}"
        )
    for e in data.get("failed", []):
        click.echo(f"  {e['file']}: FAILED ({e.get('error')})")


def _file_info(path: Path, as_json: bool) -> None:
    from ..layers import KINDS, LayerError, read_layer

    found, schema = {}, ""
    for kind in KINDS:
        try:
            ly = read_layer(kind, path)
        except LayerError as exc:
            if kind == KINDS[-1] and not found:
                raise LayerError(f"{path}: holds no layer kind ({exc})") from None
            continue
        found[kind], schema = ly.n_features, ly.schema
    if as_json:
        click.echo(json.dumps({"path": str(path), "schema": schema, "kinds": found}, indent=2))
        return
    kinds = ", ".join(f"{k} {n}" for k, n in found.items())
    click.echo(f"{path}: {schema} schema; {kinds}")
