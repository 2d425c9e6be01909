"""``haldenenergie batch``: rerun everything for many weather files; ``batch collect OUT``.

Spread, P50/P90 and rank stability across the weather years (:mod:`haldenenergie.batch`). The
runs go to the local process pool (``--jobs``), a Dask cluster (``--cluster``) or one shard of
many (``--shard i/N``, merged by ``haldenenergie batch collect OUT``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from ..batch.limits import MIN_YEARS, P90_METHODS
from ._common import (
    allow_distant_option,
    allow_partial_option,
    config_of_command,
    config_option,
    dem_option,
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


class _BatchCommand(click.Command):
    """``batch``; ``batch collect OUT ...`` is handed to :data:`collect` instead."""

    def make_context(self, info_name, args, parent=None, **extra):
        """Parse the arguments; a first argument ``collect`` selects ``batch collect``."""
        if args and args[0] == "collect":
            return collect.make_context(f"{info_name} collect", args[1:], parent=parent, **extra)
        return super().make_context(info_name, args, parent=parent, **extra)


def _summary_options(f):
    """--pool-anyway, --min-years and --p90-method (batch and batch collect)."""
    f = click.option(
        "--p90-method",
        type=click.Choice(P90_METHODS),
        default=P90_METHODS[0],
        show_default=True,
        help="P90 used: normal (P50 - 1.2816 sigma) or empirical (10th percentile of the years); "
        "both are in summary.csv.",
    )(f)
    f = click.option(
        "--min-years",
        type=click.IntRange(2, None),
        default=MIN_YEARS,
        show_default=True,
        help="Fewest comparable weather years for a P90; with fewer, P90 stays empty "
        "(min/max only).",
    )(f)
    return click.option(
        "--pool-anyway",
        is_flag=True,
        help="Pool weather files of different kinds (station years, TRY mean/extreme/projection, "
        "synthetic) into one P50/P90; by default the batch refuses. The summary says what was "
        "pooled.",
    )(f)


@click.command(cls=_BatchCommand)
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
    "--cluster",
    default=None,
    metavar="local|tcp://HOST:8786",
    help="Run on Dask instead of the local pool: 'local' starts a LocalCluster of --jobs "
    "workers; an address connects to a running scheduler. Needs "
    "pip install 'haldenenergie[cluster]' and every input on a path all workers read.",
)
@click.option(
    "--shard",
    default=None,
    metavar="I/N",
    help="Compute only shard I of N (inputs k with k mod N = I-1, in listed order) into "
    "OUT/runs/ and OUT/shards/I-of-N/; then `haldenenergie batch collect OUT`.",
)
@_summary_options
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
    cluster,
    shard,
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

    \b
    Beyond one machine (inputs on a path every worker reads):
      haldenenergie batch years/ --out batch/ --cluster local --jobs 2
      haldenenergie batch years/ --out batch/ --cluster tcp://HOST:8786
      haldenenergie batch years/ --out batch/ --shard 3/10   (one SLURM array task)
      haldenenergie batch collect batch/                     (after all shards)
    """
    from ..batch import SummaryOptions, expand_weather_args, parse_shard, run_batch, shard_indices
    from ..batch.cluster import cluster_executor

    cfg = config_of_command()
    shard = parse_shard(shard)
    n_files = len(shard_indices(len(expand_weather_args(weather)), shard))
    on_cluster = cluster_executor(cluster, jobs) if cluster else contextlib.nullcontext()
    with on_cluster as executor, _progress_bar(ctx, n_files) as bar:
        outcomes = run_batch(
            weather,
            out_dir,
            registry_path(registry),
            dem_paths,
            cfg,
            jobs=jobs,
            force=force,
            on_done=_reporter(bar),
            tz=tz,
            options=SummaryOptions(pool_anyway, min_years, p90_method),
            executor=executor,
            shard=shard,
        )
    if shard is not None:
        _echo_outcomes(outcomes, out_dir, shard)
        sys.exit(1 if any(o.status == "failed" for o in outcomes) else 0)
    _echo_outcomes(outcomes, out_dir)
    _echo_statistics(outcomes, min_years, p90_method)


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_summary_options
def collect(out_dir, pool_anyway, min_years, p90_method):
    """Merge the finished shards of OUT (--shard i/N) into one batch's tables.

    Writes OUT/summary.csv, weather.csv, failures.csv and manifest.json as one batch over all
    weather files would; refuses while a shard is missing or the shards had other inputs. The exit
    code is 1 if any weather file failed.

    \b
    Example:
      haldenenergie batch collect batch/
    """
    from ..batch import SummaryOptions, collect_batch

    outcomes = collect_batch(
        out_dir,
        SummaryOptions(pool_anyway, min_years, p90_method),
        on_done=_reporter(None),
    )
    _echo_outcomes(outcomes, out_dir)
    _echo_statistics(outcomes, min_years, p90_method)


def _reporter(bar):
    """The batch's ``on_done``: a failure on stderr (once), the progress bar moved on."""

    def on_done(o):
        if o.status == "failed":
            click.echo(("\n" if bar is not None else "") + f"failed: {o.reason}", err=True)
        if bar is not None:
            bar.label = f"{o.status}: {o.weather.name}"
            bar.update(1)

    return on_done


def _progress_bar(ctx, n_files: int):
    """A progress bar on a terminal; nothing (None) in a pipe or with -q."""
    import contextlib

    if not show_progress(ctx):
        return contextlib.nullcontext()
    return click.progressbar(
        length=n_files, label="weather files", file=sys.stderr, show_pos=True, show_eta=True
    )


def _echo_outcomes(outcomes, out_dir: Path, shard: tuple[int, int] | None = None) -> None:
    """Print the counts of computed, skipped and failed files (of a shard: where to collect)."""
    from ..batch.shards import shard_dir

    n_done = sum(o.status == "done" for o in outcomes)
    n_skip = sum(o.status == "skipped" for o in outcomes)
    n_fail = sum(o.status == "failed" for o in outcomes)
    where = f"{out_dir}/summary.csv" if shard is None else f"{shard_dir(out_dir, shard)}/"
    head = "" if shard is None else f"shard {shard[0]}/{shard[1]}: "
    click.echo(
        f"{head}{len(outcomes)} weather files: {n_done} computed, {n_skip} already done, "
        f"{n_fail} failed → {where}"
    )
    if n_fail:
        tables = out_dir if shard is None else shard_dir(out_dir, shard)
        click.echo(f"see {tables}/failures.csv", err=True)
    if shard is not None:
        click.echo(f"when all {shard[1]} shards are done: haldenenergie batch collect {out_dir}")


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
