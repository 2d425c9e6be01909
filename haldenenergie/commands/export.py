"""``haldenenergie export RESULTS_DIR``: committee CSV, XLSX workbook or GeoJSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._common import overwrite_option


@click.command()
@click.argument("results_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "geojson"]),
    default=None,
    help="Output format. Default: from the suffix of --out.",
)
@click.option(
    "--lang",
    type=click.Choice(["de", "en"]),
    default=None,
    help="Headers and labels: de (default; CSV with ';' and decimal comma) or en "
    "(',' and decimal point). GeoJSON keeps the column names.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Output file, or '-' for standard output (csv and geojson; needs --format; the CSV "
    "without BOM). XLSX is refused on standard output.",
)
@overwrite_option
def export(results_dir: Path, fmt: str | None, lang: str | None, out: Path, overwrite: bool):
    """Export a ranked results folder for committees (CSV, XLSX) or GIS (GeoJSON).

    \b
    csv      German Excel by double-click with --lang de: headers with units
             ("PV-Leistung [MWp]"), ';' separator, decimal comma, UTF-8 with BOM;
             --lang en: English headers, ',' and decimal point.
    xlsx     sheets ranking, details, totals, assumptions (every parameter with its
             source), manifest; frozen header, units, number formats.
    geojson  one feature per heap with all results as properties (WGS84, full
             precision: for GIS).
    Numbers as a committee reads them: energy in whole MWh/a, households to
    hundreds, years as plain integers, shares in %, scores to two decimals.

    \b
    Examples:
      haldenenergie export out/ --format csv --out out/ranking_de.csv
      haldenenergie export out/ --format xlsx --lang en --out out/haldenenergie.xlsx
      haldenenergie export out/ --format geojson --out out/heaps.geojson --overwrite
      haldenenergie export out/ --format csv --lang en --out - | head
    """
    from .. import export as ex

    if ex.is_stdout(out):
        ex.export_stream(results_dir, fmt, sys.stdout, lang=lang)
        return
    path = ex.export_results(results_dir, fmt, out, lang=lang, overwrite=overwrite)
    click.echo(f"wrote {path}")
