"""``haldenenergie rank RESULTS_DIR``: classify and rank the heaps of a results folder."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import click

from ..config import build_section, load_config
from ..errors import ConfigError, OutputError, RegistryError
from ._common import DEFAULT_REGISTRY, config_option, registry_option, residential_option

log = logging.getLogger("haldenenergie.rank")


def resolve_registry(given: Path | None, manifest: dict) -> Path:
    """--heaps if given, else the registry the run recorded (if it still exists), else default."""
    from ..export import registry_from_manifest

    if given is not None:
        if not given.exists():
            raise RegistryError(f"{given}: registry not found; check the path given to --heaps")
        return given
    recorded = registry_from_manifest(manifest)
    if recorded is not None and recorded.exists():
        return recorded
    if recorded is not None:
        log.warning(
            "registry %s recorded in manifest.json no longer exists; using %s",
            recorded,
            DEFAULT_REGISTRY,
        )
    if not DEFAULT_REGISTRY.exists():
        raise RegistryError(
            f"{DEFAULT_REGISTRY}: default registry not found; pass --heaps "
            f"PATH to the heap registry (GeoJSON)"
        )
    return DEFAULT_REGISTRY


def resolve_config(config_path: Path | None, manifest: dict, results_dir: Path):
    """(SuitabilityConfig, origin): --config, else the run's [suitability] values, else defaults."""
    from ..export import suitability_values_from_manifest

    if config_path is not None:
        return load_config(config_path).suitability, str(config_path)
    values = suitability_values_from_manifest(manifest)
    if values:
        origin = str(results_dir / "manifest.json")
        try:
            return build_section("suitability", values, origin), origin
        except ConfigError as exc:
            log.warning("ignoring the run's [suitability] parameters (%s); using the defaults", exc)
    return load_config(None).suitability, "defaults"


@click.command()
@click.argument("results_dir", type=click.Path(file_okay=False, path_type=Path))
@config_option
@registry_option
@residential_option
def rank(
    results_dir: Path, config_path: Path | None, registry: Path | None, residential: Path | None
):
    """Classify (pv / wind / pv+wind / unsuitable / not-assessed) and rank the heaps of RESULTS_DIR.

    Adds class, reasons, reasons_de, score, score_* (the parts), rank, rank_best, rank_worst and
    robust_top to RESULTS_DIR/results.csv (rewritten atomically, row order kept) and writes
    ranking.csv and totals.csv there. The registry is --heaps, else the one recorded in
    manifest.json, else the project's heaps.geojson. Parameters: --config, else the run's
    [suitability] values from manifest.json, else the defaults ('haldenenergie config show').

    \b
    Examples:
      haldenenergie rank out/
      haldenenergie rank out/ --config committee.toml --heaps my_heaps.geojson
    """
    from .. import export, suitability
    from ..pipeline import load_heaps

    if not results_dir.is_dir():
        raise OutputError(
            f"{results_dir}: no such results folder; give the folder written by "
            f"'haldenenergie run --out'"
        )
    results = export.read_table(results_dir / "results.csv")
    manifest = export.read_manifest(results_dir)
    reg = resolve_registry(registry, manifest)
    cfg, origin = resolve_config(config_path, manifest, results_dir)
    if residential is not None:
        cfg = dataclasses.replace(cfg, residential_areas_path=str(residential))
        origin += f" + --residential {residential}"
    heaps = load_heaps(reg)
    suitability.check_results(results, str(results_dir / "results.csv"))
    ranked, totals = suitability.rank_results(results, heaps, cfg)
    export.write_rank_outputs(
        results_dir,
        results,
        ranked,
        totals,
        manifest_extra=export.ranking_manifest_entry(cfg, reg, origin),
    )
    counts = ranked["class"].value_counts()
    click.echo(
        f"{len(ranked)} heaps ranked → {results_dir}/ (results.csv, ranking.csv, "
        f"totals.csv); registry {reg}; parameters: {origin}"
    )
    click.echo("classes: " + ", ".join(f"{c} {int(counts.get(c, 0))}" for c in suitability.CLASSES))
    top = ranked[ranked["rank"].notna()].head(10)
    for d in top.to_dict("records"):
        robust = " robust" if d["robust_top"] else ""
        click.echo(
            f"{int(d['rank']):3d}. {d['heap_id']:<28} {d['class']:<8} score "
            f"{d['score']:7.2f}  rank {int(d['rank_best'])}-{int(d['rank_worst'])}"
            f"{robust}"
        )
