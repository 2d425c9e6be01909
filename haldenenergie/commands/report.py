"""``haldenenergie report RESULTS_DIR --out FILE.html``: the committee report (one HTML file)."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import overwrite_option, registry_option


@click.command()
@click.argument("results_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write, e.g. out/report.html.",
)
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    default="de",
    show_default=True,
    help="Language of the report.",
)
@click.option(
    "--summary",
    "summary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Batch summary.csv for the P50/P90 chart. Default: RESULTS_DIR/summary.csv, "
    "or the batch folder's when RESULTS_DIR is a run folder DIR/runs/<run>/ of "
    "'haldenenergie batch --out DIR'.",
)
@click.option(
    "--basemap",
    "basemaps",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Background layer of the map (repeatable, drawn in the order given, under the heaps): "
    "a vector file such as municipal boundaries or rivers (GeoJSON in WGS84, GeoPackage, "
    "Shapefile or FlatGeobuf in any CRS). Drawn offline; nothing is fetched.",
)
@registry_option
@overwrite_option
def report(results_dir, out, lang, summary, basemaps, registry, overwrite):
    """Write a self-contained HTML report of a results folder.

    The report holds a summary, a map, charts, the ranking, one sheet per heap and every
    parameter with its source.

    \b
    The file opens offline in any browser (no scripts, fonts or tiles are loaded) and prints on
    A4, one page per heap sheet. Facts come from the registry recorded in the run's manifest
    (or --heaps, or the project's heaps.geojson).

    \b
    Example:
      haldenenergie report out/ --out out/report.html
      haldenenergie report out/ --out out/report_en.html --lang en
      haldenenergie report out/ --out out/report.html --basemap gemeinden.gpkg \\
          --basemap fluesse.geojson
    """
    import time

    from ..report import write_report
    from ..report.map_layers import basemap_context, read_basemaps

    t0 = time.perf_counter()
    layers = read_basemaps(basemaps)  # before the work: a broken layer fails at once
    with basemap_context(layers):
        write_report(
            results_dir, out, lang=lang, overwrite=overwrite, registry=registry, summary=summary
        )
    size_kb = Path(out).stat().st_size / 1024
    click.echo(f"report ({lang}) → {out} ({size_kb:,.0f} KB, {time.perf_counter() - t0:.1f} s)")
