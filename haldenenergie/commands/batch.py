"""``haldenenergie batch``: rerun everything for many weather files.

Spread, P50/P90 and rank stability across the weather years (:mod:`haldenenergie.batch`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..batch.limits import MIN_YEARS, P90_METHODS
from ._common import (
    allow_distant_option,
    allow_partial_option,
    config_option,
    dem_option,
    get_config,
    layer_option,
    layers_dir_option,
    registry_option,
    registry_path,
    reserved_option,
    residential_option,
    show_progress,
    tz_option,
    wind_atlas_option,
)


@click.command()
@click.argument("weather", nargs=-1, required=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Batch folder: runs/<file>-<key>/, summary.csv, failures.csv, manifest.json.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help=f"Parallel processes (default: number of cores, here {os.cpu_count()}).",
)
@click.option("--force", is_flag=True, help="Recompute runs that are already done.")
@click.option(
    "--pool-anyway",
    is_flag=True,
    help="Pool weather files of different kinds (station years, TRY mean/extreme/projection, "
    "synthetic) into one P50/P90; by default the batch refuses. The summary says what was pooled.",
)
@click.option(
    "--min-years",
    type=click.IntRange(2, None),
    default=MIN_YEARS,
    show_default=True,
    help="Fewest comparable weather years for a P90; with fewer, P90 stays empty (min/max only).",
)
@click.option(
    "--p90-method",
    type=click.Choice(P90_METHODS),
    default=P90_METHODS[0],
    show_default=True,
    help="P90 used: normal (P50 - 1.2816 sigma) or empirical (10th percentile of the years); "
    "both are in summary.csv.",
)
@config_option
@dem_option
@registry_option
@residential_option
@reserved_option
@layer_option
@layers_dir_option
@wind_atlas_option
@allow_partial_option
@allow_distant_option
@tz_option
@click.pass_context
def batch(
    ctx,
    weather,
    out_dir,
    jobs,
    force,
    pool_anyway,
    min_years,
    p90_method,
    config_path,
    dem_paths,
    registry,
    residential,
    reserved,
    layers,
    layers_dir,
    wind_atlas,
    allow_partial,
    allow_distant,
    tz,
):
    """Run the full pipeline once per weather file (files, folders or globs) and summarise.

    Terrain is computed once and reused. Runs already done with the same inputs (weather file hash
    and hash of registry, DEMs and parameters) are skipped unless --force, so an interrupted batch
    resumes where it stopped. A weather file that fails is listed in failures.csv and on stderr; the
    others complete; the exit code is 1 if any failed.

    \b
    Examples:
      haldenenergie batch 'TRY2015_essen_*.dat' --out batch/
      haldenenergie batch weather-years/ --out batch/ --jobs 2
      haldenenergie batch cdc-station-01078/ TRY2015_essen_jahr.dat --out batch/
      haldenenergie batch wpl-2010.csv wpl-2011.csv --tz +01:00 --out batch-wpl/

    A folder stands for its weather files, except a DWD CDC station folder (produkt_*.txt files
    or the station's zip files), which is one weather input.

    Each file's kind (station measurement and year, TRY mean year, extreme summer, extreme winter,
    projection, typical year, synthetic) is listed in weather.csv and the manifest. Different kinds
    are not pooled into one P50/P90 unless --pool-anyway (the runs are kept, so the rerun with it
    only summarises). P90 needs at least --min-years comparable years; summary.csv holds the normal
    and the empirical P90 and says in p90_method which one is used.
    """
    from ..batch import SummaryOptions, expand_weather_args, run_batch

    cfg = get_config(
        config_path,
        residential,
        reserved,
        allow_partial,
        allow_distant,
        layers=layers,
        layers_dir=layers_dir,
        wind_atlas=wind_atlas,
    )
    with _progress_bar(ctx, len(expand_weather_args(weather))) as bar:

        def on_done(o):
            if o.status == "failed":
                click.echo(("\n" if bar is not None else "") + f"failed: {o.reason}", err=True)
            if bar is not None:
                bar.label = f"{o.status}: {o.weather.name}"
                bar.update(1)

        outcomes = run_batch(
            weather,
            out_dir,
            registry_path(registry),
            dem_paths,
            cfg,
            jobs=jobs,
            force=force,
            on_done=on_done,
            tz=tz,
            options=SummaryOptions(pool_anyway, min_years, p90_method),
        )
    _echo_outcomes(outcomes, out_dir)
    _echo_statistics(outcomes, min_years, p90_method)


def _progress_bar(ctx, n_files: int):
    """A progress bar on a terminal; nothing (None) in a pipe or with -q."""
    import contextlib

    if not show_progress(ctx):
        return contextlib.nullcontext()
    return click.progressbar(
        length=n_files, label="weather files", file=sys.stderr, show_pos=True, show_eta=True
    )


def _echo_outcomes(outcomes, out_dir: Path) -> None:
    """Print the counts of computed, skipped and failed files; exit 1 if any failed."""
    n_done = sum(o.status == "done" for o in outcomes)
    n_skip = sum(o.status == "skipped" for o in outcomes)
    n_fail = sum(o.status == "failed" for o in outcomes)
    click.echo(
        f"{len(outcomes)} weather files: {n_done} computed, {n_skip} already done, "
        f"{n_fail} failed → {out_dir}/summary.csv"
    )
    if n_fail:
        click.echo(f"see {out_dir}/failures.csv", err=True)


def _echo_statistics(outcomes, min_years: int, p90_method: str) -> None:
    """Print what the P50/P90 pooled and how P90 was made; exit 1 if any file failed."""
    from ..batch.kinds import pooled_text

    kinds = [o.kind for o in outcomes if o.kind is not None]
    if kinds:
        pooled = len({k.pool_key for k in kinds}) > 1
        head = "pooled different kinds of weather" if pooled else "weather"
        click.echo(f"{head}: {pooled_text(kinds)}")
        n = len(kinds)
        if n < min_years:
            click.echo(
                f"P90 left empty: {n} weather years, fewer than the {min_years} a P90 needs "
                "(--min-years); min/max only"
            )
        else:
            click.echo(f"P90 from {n} weather years: {p90_method} (p90_method in summary.csv)")
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)
