"""``haldenenergie rank RESULTS_DIR``: classify and rank the heaps of a results folder."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import config_option, registry_option, residential_option


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
    from .. import pipeline, suitability

    result = pipeline.rerank(results_dir, config_path, registry, residential)
    ranked = result.results
    counts = ranked["class"].value_counts()
    click.echo(
        f"{len(ranked)} heaps ranked → {results_dir}/ (results.csv, ranking.csv, "
        f"totals.csv); registry {result.info['registry']}; "
        f"parameters: {result.info['config_origin']}"
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
