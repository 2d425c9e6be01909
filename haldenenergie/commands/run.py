"""``haldenenergie run``: the whole job for all (or selected) heaps into one result folder."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from ._common import (
    allow_distant_option,
    allow_partial_option,
    config_of_command,
    config_option,
    dem_option,
    heap_option,
    layer_option,
    layers_dir_option,
    overwrite_option,
    registry_option,
    registry_path,
    reserved_option,
    residential_option,
    show_progress,
    tz_option,
    wind_atlas_option,
)
from .run_summary import echo_provenance, echo_summary
from .terrain import log_heap_warnings, manifest_heap_warnings

log = logging.getLogger("haldenenergie.run")


@click.command()
@click.option(
    "--weather",
    "weather_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Weather file (DWD TRY, DWD CDC, 15-min CSV, windpowerlib CSV, "
    "PVGIS, EPW, canonical CSV), or a DWD CDC station folder or zip (its produkt_*.txt files "
    "combined). Default: the synthetic typical year in weather/.",
)
@dem_option
@config_option
@heap_option
@registry_option
@residential_option
@reserved_option
@layer_option
@layers_dir_option
@wind_atlas_option
@click.option(
    "--mastr",
    "mastr",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Marktstammdatenregister export of wind units (bulk EinheitenWind*.xml or the web "
    "CSV): fills each heap's existing turbines (type, power, hub, rotor, year) by location.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Result folder to create (results.csv, results.geojson, results.gpkg, monthly.csv, "
    "surfaces.csv, ranking.csv, totals.csv, manifest.json).",
)
@allow_partial_option
@allow_distant_option
@tz_option
@overwrite_option
@click.pass_context
def run(
    ctx,
    weather_path,
    dem_paths,
    config_path,
    heap_ids,
    registry,
    residential,
    reserved,
    layers,
    layers_dir,
    wind_atlas,
    mastr,
    allow_partial,
    allow_distant,
    tz,
    out_dir,
    overwrite,
):
    """Run terrain → weather → PV → wind → classification and ranking, and write the results.

    \b
    Examples:
      haldenenergie run --out out/
      haldenenergie run --weather TRY2015_essen_jahr.dat --out out-try/
      haldenenergie run --dem ruhr_west_srtm3_3as.tif --heap haniel --out out-dem/
      haldenenergie run --config my.toml --out out/ --overwrite
      haldenenergie run --weather half-year.csv --allow-partial --out out-part/
      haldenenergie run --weather cdc-station-01078/ --out out-cdc/
      haldenenergie run --weather windpowerlib-naive.csv --tz UTC --out out-wpl/
      haldenenergie run --layer forest=wald.gpkg --layer residential=wohnen.shp --out out-lay/
      haldenenergie run --layers osm-layers/ --out out-osm/
    """
    from .. import pipeline

    cfg = config_of_command()
    progress = show_progress(ctx)
    t0 = time.perf_counter()

    def stage(name):
        if progress:
            click.echo(f"[{time.perf_counter() - t0:5.1f} s] {name} …", err=True)
        log.info("stage: %s", name)

    result = pipeline.run(
        registry_path(registry),
        weather_path,
        dem_paths,
        cfg,
        heap_ids,
        out_dir=out_dir,
        overwrite=overwrite,
        progress=stage,
        tz=tz,
        mastr=mastr,
    )
    log_heap_warnings(
        manifest_heap_warnings(result.manifest.get("warnings") or []),
        log,
        where="manifest.json 'warnings'",
    )
    echo_summary(result.results, out_dir, result.totals)
    echo_provenance(result.manifest, result.results)
    click.echo(f"done in {time.perf_counter() - t0:.1f} s")
