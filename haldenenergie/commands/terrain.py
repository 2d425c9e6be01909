"""``haldenenergie terrain``: heap surfaces from a DEM or parametrically, one CSV row per heap."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import click

from .._text import first_and_more
from ._common import (
    config_option,
    dem_option,
    get_config,
    heap_option,
    layer_option,
    layers_dir_option,
    overwrite_option,
    registry_option,
    registry_path,
    show_progress,
)

log = logging.getLogger("haldenenergie.terrain")

#: Kinds of per-heap terrain warnings for the stderr summary: (kind, pattern in the text), in the
#: order listed; a warning matching none is counted as "other".
WARNING_KINDS = (
    ("DEM not used, parametric instead", re.compile(r"DEM not used")),
    ("DEM differs from the registry facts", re.compile(r"^DEM .* vs registry")),
    ("heap at the DEM's edge or a nodata gap", re.compile(r"DEM's edge or a nodata gap")),
    ("parametric flank slope outside the form's range", re.compile(r"flank slope .* outside")),
)
#: Heap ids named per kind in the summary before "and N more".
SUMMARY_MAX_IDS = 6
_HEAP_PREFIX = re.compile(r"^heap (\S+): (.*)$")


def heap_warning_summary(warnings: Iterable[tuple[str, str]]) -> list[str]:
    """One line per kind of per-heap warning: how many heaps, and which.

    Parameters
    ----------
    warnings : (heap id, warning text) pairs.

    Returns
    -------
    list of str, e.g. ``"DEM differs from the registry facts: 2 heaps (halde-19, mottbruch)"``;
    empty when there are no warnings.
    """
    kinds: dict[str, list[str]] = {}
    for heap_id, text in warnings:
        kind = next((k for k, pat in WARNING_KINDS if pat.search(text)), "other")
        ids = kinds.setdefault(kind, [])
        if heap_id not in ids:
            ids.append(heap_id)
    order = [k for k, _ in WARNING_KINDS if k in kinds] + (["other"] if "other" in kinds else [])
    out = []
    for kind in order:
        ids = kinds[kind]
        shown = first_and_more(ids, SUMMARY_MAX_IDS)
        out.append(f"{kind}: {len(ids)} heap{'s' * (len(ids) != 1)} ({shown})")
    return out


def manifest_heap_warnings(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(heap id, text) pairs of the ``"heap <id>: <text>"`` warnings of a run's manifest."""
    return [(m.group(1), m.group(2)) for t in texts if (m := _HEAP_PREFIX.match(str(t)))]


def log_heap_warnings(
    warnings: Iterable[tuple[str, str]],
    logger: logging.Logger,
    where: str = "the 'warnings' column",
) -> None:
    """Log :func:`heap_warning_summary` as warnings on stderr (one line per kind).

    Parameters
    ----------
    warnings : (heap id, warning text) pairs.
    logger : where to log.
    where : where each warning is written in full (named in every line).
    """
    for line in heap_warning_summary(warnings):
        logger.warning("heap warnings: %s; details with -v and in %s", line, where)


@click.command()
@registry_option
@dem_option
@heap_option
@config_option
@click.option(
    "--reserved",
    "reserved_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Landmarks/reserved areas (GeoJSON, GeoPackage, Shapefile or FlatGeobuf) excluded "
    "from PV and turbine sites (buffered by [terrain] reserved_buffer_m).",
)
@layer_option
@layers_dir_option
@click.option(
    "--resolution",
    "resolution_m",
    type=float,
    default=None,
    help="DEM grid cell size [m] (default [terrain] resolution_m = 10).",
)
@click.option(
    "--surfaces",
    is_flag=True,
    help="One row per heap and PV surface class instead of one row per heap.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail when the DEM cannot serve a heap, even in multi-heap runs "
    "(default: multi-heap runs fall back to parametric terrain with a warning).",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write CSV to this file (default: stdout).",
)
@overwrite_option
def terrain(
    registry,
    dem_paths,
    heap_ids,
    config_path,
    reserved_path,
    layers,
    layers_dir,
    resolution_m,
    surfaces,
    strict,
    out_path,
    overwrite,
):
    """Derive each heap's terrain: footprint, heights, plateau, PV surfaces, turbine sites.

    \b
    Without --dem the surface is synthesised from the registry facts (parametric; missing facts
    are assumed and listed in the 'assumed' column). With --dem (GeoTIFF in any CRS, VRT, NRW DGM1
    XYZ tile, or a folder of tiles) each heap is delineated in the DEM. A DEM that misses a heap
    (no coverage, only nodata, no heap near its point) is an error for a single heap; with
    several heaps that heap falls back to parametric terrain and the 'warnings' column says why.
    A DEM file without CRS (or with one that cannot be transformed), or one that serves none of
    the heaps, is always an error.

    \b
    Examples:
      haldenenergie terrain
      haldenenergie terrain --dem srtm_ruhr.tif --heap haniel
      haldenenergie terrain --dem dgm1_tiles/ --surfaces --out surfaces.csv
      haldenenergie terrain --layer forest=wald.gpkg --layer heap_outline=halden.shp
    """
    from .. import _io
    from ..pipeline import load_constraint_layers, load_heaps
    from ..terrain import open_dem, surfaces_table, terrain_for_heaps, terrain_table

    reg = registry_path(registry)
    if out_path is not None:  # before the work: existing output, write access, free space, lock
        inputs = [reg, *dem_paths, *([reserved_path] if reserved_path else [])]
        inputs += [Path(p) for p in (layers or {}).values()]
        inputs += [layers_dir] if layers_dir else []
        _io.check_can_write(out_path, overwrite, kind="file", inputs=inputs)
    full = get_config(config_path, layers=layers, layers_dir=layers_dir)
    cfg = _terrain_config(config_path, reserved_path, resolution_m)
    heaps = load_heaps(reg, heap_ids)
    kw = {}
    constraint_layers = load_constraint_layers(full)
    if constraint_layers:
        kw = {
            "layers": constraint_layers,
            "min_housing_distance_m": full.suitability.min_housing_distance_m,
            "layers_cfg": full.layers,
        }
    dem = open_dem(list(dem_paths), xyz_crs=cfg.xyz_crs) if dem_paths else None
    fallback = len(heaps) > 1 and not strict
    if show_progress():
        with click.progressbar(
            length=len(heaps), label="terrain", file=click.get_text_stream("stderr")
        ) as bar:
            terrains = terrain_for_heaps(
                heaps, cfg, dem=dem, fallback=fallback, progress=lambda: bar.update(1), **kw
            )
    else:
        terrains = terrain_for_heaps(heaps, cfg, dem=dem, fallback=fallback, **kw)
    for h in heaps:
        for w in terrains[h.id].warnings:
            log.info("heap %s: %s", h.id, w)
    log_heap_warnings(((h.id, w) for h in heaps for w in terrains[h.id].warnings), log)
    if surfaces:
        df = surfaces_table(terrains)
        df["horizon_deg"] = [" ".join(f"{v:.1f}" for v in h) for h in df["horizon_deg"]]
    else:
        df = terrain_table(terrains)
    _write_csv(df, out_path, overwrite)


def _terrain_config(config_path, reserved_path, resolution_m):
    """The [terrain] section in effect, with --reserved and --resolution applied."""
    cfg = get_config(config_path).terrain
    changes = {}
    if reserved_path is not None:
        changes["reserved_areas_path"] = str(reserved_path)
    if resolution_m is not None:
        if not 0.5 <= resolution_m <= 100:
            raise click.BadParameter("must be between 0.5 and 100 m", param_hint="--resolution")
        changes["resolution_m"] = float(resolution_m)
    return dataclasses.replace(cfg, **changes) if changes else cfg


def _write_csv(df, out_path, overwrite: bool) -> None:
    """Write the table as CSV to ``out_path`` (atomically), or to stdout if it is None."""
    from .. import _io

    buf = io.StringIO()
    df.to_csv(buf, index=False, float_format="%.6g", lineterminator="\n")
    if out_path is None:
        click.echo(buf.getvalue(), nl=False)
        return
    try:
        with _io.atomic_write(out_path, "w", overwrite=overwrite) as fh:
            fh.write(buf.getvalue())
    except OSError as exc:  # atomic_write converts these already; kept for any writer below it
        raise _io.write_error(out_path, exc) from None
    log.info("wrote %s (%d rows)", out_path, len(df))
