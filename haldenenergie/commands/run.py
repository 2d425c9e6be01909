"""``haldenenergie run``: the whole job for all (or selected) heaps into one result folder."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click

from ._common import (
    allow_distant_option,
    allow_partial_option,
    config_option,
    dem_option,
    get_config,
    heap_option,
    overwrite_option,
    registry_option,
    registry_path,
    reserved_option,
    residential_option,
    show_progress,
    tz_option,
)
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
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Result folder to create (results.csv, results.geojson, monthly.csv, "
    "manifest.json, ranking.csv, totals.csv, surfaces.csv).",
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
    """
    from .. import pipeline

    cfg = get_config(config_path, residential, reserved, allow_partial, allow_distant)
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
    )
    log_heap_warnings(
        manifest_heap_warnings(result.manifest.get("warnings") or []),
        log,
        where="manifest.json 'warnings'",
    )
    _echo_summary(result.results, out_dir, result.totals)
    _echo_provenance(result.manifest, result.results)
    click.echo(f"done in {time.perf_counter() - t0:.1f} s")


def _echo_suitable(totals) -> None:
    """The suitable uses, as counted in the totals, the report's headline and the exports."""
    if totals is None or "group" not in getattr(totals, "columns", ()):
        return
    t = totals.set_index("group")
    if "total_suitable" not in t.index:
        return
    row = t.loc["total_suitable"]
    line = (
        f"suitable uses (counted in the totals): PV {row['pv_capacity_mwp']:,.1f} MWp, "
        f"{row['pv_energy_mwh_per_a'] / 1000:,.1f} GWh/a; new wind {row['wind_capacity_mw']:,.1f} "
        f"MW, {row['wind_energy_mwh_per_a'] / 1000:,.1f} GWh/a"
    )
    if "wind_not_assessed" in t.index and t.loc["wind_not_assessed", "heaps"] > 0:
        pending = t.loc["wind_not_assessed"]
        line += (
            f"; wind not assessed on {int(pending['heaps'])} heaps "
            f"({pending['wind_capacity_mw']:,.1f} MW: distance to housing unknown, pass "
            "--residential)"
        )
    click.echo(line)


def _echo_provenance(manifest: dict, results) -> None:
    """Print where the figures come from: weather, terrain sources, layers, assumed facts."""
    from ..results import provenance

    for line in provenance(manifest, results).lines("en"):
        click.echo(line)


def _echo_summary(res, out_dir: Path, totals=None) -> None:
    """Print what the run wrote and its key figures (capacities, energies, classes)."""
    n = len(res)
    pv = res["pv_energy_mwh_per_a"].sum(min_count=1)
    wind = res["wind_energy_mwh_per_a"].fillna(0).sum()
    pv_text = (
        "PV energy not computed (weather without irradiance)"
        if res["pv_energy_mwh_per_a"].isna().any()
        else f"{pv / 1000:,.1f} GWh/a"
    )
    click.echo(
        f"{n} heaps → {out_dir}/ (results.csv, results.geojson, monthly.csv, manifest.json, "
        f"ranking.csv, totals.csv, surfaces.csv)"
    )
    if res["weather_partial"].any():
        click.echo(
            "weather covers part of a year: annual energies are scaled up and flagged "
            "(weather_partial)"
        )
    click.echo(
        f"PV potential {res['pv_capacity_mwp'].sum():,.1f} MWp, {pv_text}; "
        f"new wind {res['wind_capacity_mw'].fillna(0).sum():,.1f} MW, {wind / 1000:,.1f} GWh/a; "
        f"existing wind {res['existing_wind_energy_mwh_per_a'].fillna(0).sum() / 1000:,.1f} GWh/a"
        " (technical potential of all heaps, before constraints)"
    )
    _echo_suitable(totals)
    if "class" in res:
        counts = res["class"].value_counts().to_dict()
        click.echo("classes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
