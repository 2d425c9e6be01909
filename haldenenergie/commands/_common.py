"""Options and helpers shared by several subcommands (one place, like rasterio's ``rio``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

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


def _parse_layers(ctx, param, values) -> dict[str, str]:
    """``--layer KIND=PATH`` values as {kind: path}; a bad kind, a missing file: usage error."""
    from ..layers.config import KINDS

    out: dict[str, str] = {}
    for value in values or ():
        kind, sep, path = str(value).partition("=")
        kind = kind.strip().replace("-", "_")
        if not sep or not path:
            raise click.BadParameter(
                f"{value!r}: write KIND=PATH, e.g. --layer forest=wald.gpkg", param_hint="--layer"
            )
        if kind not in KINDS:
            raise click.BadParameter(
                f"{value!r}: unknown layer kind '{kind}'; kinds are {', '.join(KINDS)}",
                param_hint="--layer",
            )
        if kind in out:
            raise click.BadParameter(
                f"{value!r}: a second {kind} layer; give one file per kind (merge files first, "
                "e.g. with ogr2ogr -append)",
                param_hint="--layer",
            )
        if not Path(path).exists():
            raise click.BadParameter(f"{value!r}: file {path} not found", param_hint="--layer")
        out[kind] = path
    return out


#: --layer KIND=PATH (run, terrain, batch): the [layers] KIND path from the command line.
layer_option = click.option(
    "--layer",
    "layers",
    multiple=True,
    metavar="KIND=PATH",
    callback=_parse_layers,
    help="Constraint layer of a kind (forest, residential, protected, landmark, heap_outline, "
    "open_land): OSM .osm/.osm.pbf/Overpass GeoJSON, ATKIS/ALKIS or CORINE Shapefile/"
    "GeoPackage, Copernicus TCD or ESA WorldCover GeoTIFF, or plain polygons; repeatable. Same "
    "as [layers] KIND = PATH.",
)
#: --layers DIR (run, terrain, batch): a folder written by 'haldenenergie layers fetch-osm'.
layers_dir_option = click.option(
    "--layers",
    "layers_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Folder written by 'haldenenergie layers fetch-osm' (OSM data around the heaps with its "
    "layers.json); every layer kind is read from it. Same as [layers] dir.",
)
#: --wind-atlas FILE (run, batch): [wind] wind_atlas_path from the command line.
wind_atlas_option = click.option(
    "--wind-atlas",
    "wind_atlas",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Long-term mean wind speed raster (Global Wind Atlas GeoTIFF as published, or any "
    "raster in m/s): the series is scaled per heap to match it. Same as [wind] wind_atlas_path.",
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


def config_of_command() -> Any:
    """:func:`get_config` with the overrides the current command was given (``run``, ``batch``).

    Reads the command's parsed options (``click.get_current_context().params``): --config,
    --residential, --reserved, --allow-partial, --allow-distant-weather, --layer, --layers and
    --wind-atlas; an option the command does not have counts as not given.
    """
    p = click.get_current_context().params
    return get_config(
        p.get("config_path"),
        p.get("residential"),
        p.get("reserved"),
        bool(p.get("allow_partial")),
        bool(p.get("allow_distant")),
        layers=p.get("layers"),
        layers_dir=p.get("layers_dir"),
        wind_atlas=p.get("wind_atlas"),
    )


def get_config(
    config_path,
    residential: Path | None = None,
    reserved: Path | None = None,
    allow_partial: bool = False,
    allow_distant: bool = False,
    *,
    layers: dict[str, str] | None = None,
    layers_dir: Path | None = None,
    wind_atlas: Path | None = None,
):
    """Defaults, then the TOML file, then command-line overrides.

    The overrides are --residential, --reserved, --allow-partial, --allow-distant-weather,
    --layer KIND=PATH, --layers DIR and --wind-atlas.
    """
    overrides: dict[str, dict] = {}
    lay = {k: str(v) for k, v in (layers or {}).items()}
    if layers_dir is not None:
        lay["dir"] = str(layers_dir)
    if lay:
        overrides["layers"] = lay
    if wind_atlas is not None:
        overrides["wind"] = {"wind_atlas_path": str(wind_atlas)}
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
