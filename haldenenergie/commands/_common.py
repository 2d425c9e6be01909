"""Options and helpers shared by several subcommands (one place, like rasterio's ``rio``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import load_config
from ..resources import default_registry_path

#: Default registry shipped with the package (a copy of the checkout's top-level heaps.geojson).
DEFAULT_REGISTRY = default_registry_path()

registry_option = click.option(
    "--heaps",
    "registry",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Heap registry (GeoJSON). Default: heaps.geojson of the project.",
)
config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML file overriding defaults (see 'haldenenergie config show').",
)
dem_option = click.option(
    "--dem",
    "dem_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="DEM: GeoTIFF, VRT, DGM1 XYZ tile or a folder of tiles; repeatable. "
    "Without it, terrain is parametric.",
)
heap_option = click.option(
    "--heap", "heap_ids", multiple=True, help="Only this heap id; repeatable. Default: all heaps."
)
residential_option = click.option(
    "--residential",
    "residential",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Residential areas (GeoJSON, GeoPackage, Shapefile or FlatGeobuf): the distance to "
    "housing for heaps whose registry entry has none (wind needs >= 600 m; unknown = not "
    "assessed).",
)
reserved_option = click.option(
    "--reserved",
    "reserved",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Reserved areas (GeoJSON, GeoPackage, Shapefile or FlatGeobuf: landmarks, forest to "
    "keep, leisure use) excluded from PV and turbine sites, buffered by [terrain] "
    "reserved_buffer_m.",
)
overwrite_option = click.option(
    "--overwrite",
    is_flag=True,
    help="Replace an existing output this tool wrote (a results folder with its manifest.json "
    "and nothing else, or a regular file); anything else is refused, never deleted.",
)
#: --allow-partial (run and batch): the weather stage's [weather] allow_partial from the CLI.
allow_partial_option = click.option(
    "--allow-partial",
    "allow_partial",
    is_flag=True,
    default=False,
    help="Accept weather shorter than a year (or with long gaps dropped): annual sums are scaled "
    "to 8760 h and flagged in weather_partial; same as [weather] allow_partial = true.",
)

#: --allow-distant-weather (run and batch): [weather] allow_distant_weather from the CLI.
allow_distant_option = click.option(
    "--allow-distant-weather",
    "allow_distant",
    is_flag=True,
    default=False,
    help="Accept a weather station farther from the heaps than [weather] "
    "max_station_distance_km (still warned about); same as [weather] allow_distant_weather = "
    "true.",
)

#: --tz (run and batch): the time zone of naive time stamps, the weather reader option ``tz``.
tz_option = click.option(
    "--tz",
    "tz",
    default=None,
    metavar="ZONE",
    help="Time zone of weather time stamps without UTC offset (e.g. a windpowerlib CSV "
    "written without one): UTC, a fixed offset (+01:00) or a zone name (Europe/Berlin). "
    "Never guessed: such a file is refused without it. Recorded in the manifest.",
)


def get_config(
    config_path,
    residential: Path | None = None,
    reserved: Path | None = None,
    allow_partial: bool = False,
    allow_distant: bool = False,
):
    """Defaults, then the TOML file, then command-line overrides.

    The overrides are --residential, --reserved, --allow-partial and --allow-distant-weather.
    """
    overrides = {}
    weather = {}
    if allow_partial:
        weather["allow_partial"] = True
    if allow_distant:
        weather["allow_distant_weather"] = True
    if weather:
        overrides["weather"] = weather
    if residential is not None:
        overrides["suitability"] = {"residential_areas_path": str(residential)}
    if reserved is not None:
        overrides["terrain"] = {"reserved_areas_path": str(reserved)}
    return load_config(config_path, overrides=overrides)


def registry_path(registry: Path | None) -> Path:
    return registry if registry is not None else DEFAULT_REGISTRY


def show_progress(ctx: click.Context | None = None) -> bool:
    """Progress bars only on a terminal and not with -q (quiet by default in pipes)."""
    ctx = ctx or click.get_current_context(silent=True)
    quiet = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("quiet"))
    return sys.stderr.isatty() and not quiet
