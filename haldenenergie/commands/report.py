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
@registry_option
@overwrite_option
def report(results_dir, out, lang, summary, registry, overwrite):
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
    """
    import time

    from ..report import write_report

    t0 = time.perf_counter()
    write_report(
        results_dir, out, lang=lang, overwrite=overwrite, registry=registry, summary=summary
    )
    size_kb = Path(out).stat().st_size / 1024
    click.echo(f"report ({lang}) → {out} ({size_kb:,.0f} KB, {time.perf_counter() - t0:.1f} s)")
