"""The run: registry → terrain → weather → PV → wind → suitability/ranking → result folder.

The composition layer: one function (:func:`run`) calls the stages in order and is what the CLI
calls. Computation (:func:`compute`) and writing (:func:`write_results`) are separate so that the
batch runner can reuse the terrain of many weather years and write each year's folder on its own.
:func:`~haldenenergie.rerank.rerank` (re-exported here) classifies and ranks the heaps of a
written folder again (``haldenenergie rank``).

The result folder (its files, the atomic write and reading it back) is the contract of
:mod:`haldenenergie.results`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import _io
from . import results as results_folder
from .assemble import (
    STATUS_NO_PV,
    _log_terrain_warnings,
    add_stage_columns,
    add_totals_and_status,
    fact_rows,
    monthly_table,
    run_warnings,
    surface_table,
)
from .config import Config, load_config
from .errors import HaldenError, RegistryError
from .results.manifest import build_manifest, config_inputs, input_records

log = logging.getLogger("haldenenergie.pipeline")


#: Columns of results.csv in this order: the block issue 4 asks for, then further detail.
RESULT_COLUMNS: list[str] = (
    """
heap_id name city owner terrain_source footprint_area_ha relative_height_m pv_usable_area_ha
pv_capacity_mwp pv_energy_mwh_per_a pv_specific_yield_kwh_per_kwp wind_turbines_new
wind_capacity_mw wind_energy_mwh_per_a wind_full_load_hours_h existing_wind_turbines
existing_wind_energy_mwh_per_a assumptions
"""
    + """
status lat lon membership area_ha height_rel_m form summit_elevation_m base_elevation_m
plateau_area_ha turbine_site_area_ha half_height_distance_m wind_turbine_type wind_hub_height_m
wind_capacity_factor wind_mean_speed_hub_m_s wind_notes total_energy_mwh_per_a
housing_distance_m housing_distance_source forest_area_ha open_area_ha protected_area_ha
turbine_site_area_gross_ha layers_used layers_not_assessed weather_partial
"""
).split()


@dataclass
class RunResult:
    """Everything a run computed, before (or after) it is written."""

    results: pd.DataFrame  # one row per heap (RESULT_COLUMNS + ranking columns)
    monthly: pd.DataFrame  # heap_id, month, pv/wind/total energy [MWh]
    surfaces: pd.DataFrame  # heap_id × surface class
    totals: pd.DataFrame  # per class and overall
    manifest: dict
    heaps: list = field(default_factory=list)
    #: How it was made beyond the manifest (:func:`rerank`: ``registry``, ``config_origin``).
    info: dict = field(default_factory=dict)
    #: heap id -> HeapTerrain of the run (its polygons go to results.gpkg); empty when re-ranked.
    terrains: dict = field(default_factory=dict)


def _select_heaps(heaps, heap_ids: Sequence[str], registry_path) -> list:
    if not heap_ids:
        return list(heaps)
    by_id = {h.id: h for h in heaps}
    unknown = [h for h in heap_ids if h not in by_id]
    if unknown:
        import difflib

        hints = {u: difflib.get_close_matches(u, by_id, n=1) for u in unknown}
        hint = "; ".join(
            f"'{u}'" + (f" (did you mean '{m[0]}'?)" if m else "") for u, m in hints.items()
        )
        raise RegistryError(
            f"{registry_path}: unknown heap id {hint}; list ids with 'haldenenergie heaps list'"
        )
    return [by_id[h] for h in dict.fromkeys(heap_ids)]


def load_heaps(registry_path, heap_ids: Sequence[str] = ()) -> list:
    """Read the registry and keep the selected heaps (all when ``heap_ids`` is empty)."""
    return load_heaps_with_warnings(registry_path, heap_ids)[0]


def load_heaps_with_warnings(registry_path, heap_ids: Sequence[str] = ()) -> tuple[list, list]:
    """(selected heaps, the registry's warnings as logged lines) — the warnings for a manifest.

    Raises
    ------
    RegistryError : as :func:`haldenenergie.registry.read_registry` (one line, first error).
    """
    from .registry import check_registry, read_registry

    heaps, problems = check_registry(registry_path)
    if any(p.severity == "error" for p in problems):
        read_registry(registry_path)  # raises the registry's one-line error
    warnings = [p.format(registry_path) for p in problems if p.severity == "warning"]
    for w in warnings:
        log.warning("%s", w)
    return _select_heaps(heaps, heap_ids, registry_path), warnings


def load_constraint_layers(config: Config) -> Any:
    """The constraint layers of a run: ``[layers]`` (with ``--layer`` and ``--layers`` applied).

    ``[suitability] residential_areas_path`` (``--residential``) is the residential layer where
    ``[layers] residential`` is empty. Returns a :class:`haldenenergie.layers.LayerSet` (empty,
    and falsy, when no layer is given).

    Raises
    ------
    LayerError : a layer file is missing, unreadable, has no CRS, matches no schema or holds no
        features of its kind (one line naming the file).
    """
    from .layers import load_layers

    extra: dict[str, list[str]] = {}
    residential = config.suitability.residential_areas_path
    if residential and not config.layers.residential:
        extra["residential"] = [residential]
    return load_layers(config.layers, extra)


def compute_terrain(heaps, config: Config, dem_paths: Sequence[Path] = (), layers=None) -> dict:
    """Terrain of every heap: DEM where one covers it, parametric otherwise (with a warning).

    ``layers`` (:func:`load_constraint_layers`; read from ``config`` when None) exclude forest,
    protected areas and landmarks from PV, replace footprints by heap outlines and give the
    distance from each turbine site to housing.
    """
    from . import terrain

    if layers is None:
        layers = load_constraint_layers(config)
    dem = terrain.open_dem(list(dem_paths), xyz_crs=config.terrain.xyz_crs) if dem_paths else None
    terrains = terrain.terrain_for_heaps(
        heaps,
        config.terrain,
        dem=dem,
        fallback=True,
        layers=layers or None,
        min_housing_distance_m=config.suitability.min_housing_distance_m,
        layers_cfg=config.layers,
    )
    _log_terrain_warnings(heaps, terrains)
    return terrains


def apply_mastr(heaps, mastr_path) -> tuple[list, list[str]]:
    """Heaps with their existing-turbine facts from a Marktstammdatenregister export.

    The units of the export (:func:`haldenenergie.wind.mastr.read_mastr`: the bulk
    ``EinheitenWind*.xml`` or the web CSV) are assigned to heaps by location
    (:func:`~haldenenergie.wind.mastr.existing_from_mastr`); a heap with units gets their type,
    rated power, hub height, rotor and commissioning year instead of the registry's (its
    reported yield is kept). Returns the heaps and one note per heap changed.
    """
    import dataclasses

    from .wind.mastr import existing_from_mastr, read_mastr

    facts = existing_from_mastr(list(heaps), read_mastr(mastr_path))
    notes = [f"heap {hid}: existing turbines from MaStR ({f.source})" for hid, f in facts.items()]
    out = [
        dataclasses.replace(h, existing_wind=facts[h.id].existing_wind) if h.id in facts else h
        for h in heaps
    ]
    log.warning(
        "%s: MaStR units found on %d of %d heaps (%s); their existing-turbine facts replace the "
        "registry's",
        mastr_path,
        len(facts),
        len(out),
        ", ".join(facts) or "none",
    )
    return out, notes


def check_station_distance(heaps, meta, config: Config) -> list[str]:
    """The weather stage's distance check of the station against every heap with coordinates.

    Warns beyond ``[weather] max_station_distance_warn_km``; raises
    :class:`~haldenenergie.errors.WeatherError` beyond ``max_station_distance_km`` unless
    ``allow_distant_weather`` (``--allow-distant-weather``). Returns the warnings [text].
    """
    from . import weather

    points = [(h.lon, h.lat) for h in heaps if h.lon is not None and h.lat is not None]
    w = config.weather
    found = weather.check_station_distance(
        meta,
        points,
        w.max_station_distance_warn_km,
        w.max_station_distance_km,
        w.allow_distant_weather,
    )
    return list(found or [])


def load_weather(
    weather_path: str | Path | None, config: Config, tz: str | None = None
) -> tuple[pd.DataFrame, Any]:
    """Read and validate the weather file (default: the embedded synthetic year).

    ``tz`` (``--tz``: ``UTC``, ``+01:00``, ``Europe/Berlin``) is the zone of naive time stamps,
    the reader option ``tz`` of :func:`haldenenergie.weather.read_weather`; None refuses them.
    Returns the canonical series and its :class:`~haldenenergie.weather.WeatherMeta`.
    """
    from . import weather

    path = Path(weather_path) if weather_path else weather.default_weather_path()
    return weather.read_weather(path, config=config.weather, **weather_options(tz))


def weather_options(tz: str | None = None) -> dict[str, str]:
    """The reader options given for a run: its manifest's ``weather_options`` (absent if none).

    So a rerun reads the weather file the same way; a batch makes them part of its resume key.
    """
    return {} if tz is None else {"tz": str(tz)}


def compute(
    heaps, terrains: dict, data: pd.DataFrame, meta, config: Config, keep_hourly: bool = False
) -> RunResult:
    """PV, wind and ranking for ``heaps`` with precomputed ``terrains`` and one weather series.

    Parameters
    ----------
    heaps : registry entries (:func:`load_heaps`).
    terrains : heap id -> terrain result (:func:`compute_terrain`).
    data, meta : weather series and its metadata (:func:`load_weather`).
    config : parameters in effect.
    keep_hourly : keep the wind stage's series per heap in ``info["wind_series"]``
        (:func:`haldenenergie.api.hourly.wind_series_during`); the results do not change.

    Returns
    -------
    RunResult with an empty manifest (the caller adds it).
    """
    from . import pv, suitability, wind
    from .api.hourly import wind_series_during
    from .wind.results import resource_record

    t0 = time.perf_counter()
    surf = surface_table(heaps, terrains)
    pv_res = pv.simulate_pv(surf, data, meta, config.pv)
    t1 = time.perf_counter()
    with wind_series_during(keep_hourly) as wind_series:
        wind_res = wind.simulate_wind(heaps, terrains, data, meta, config.wind)
    t2 = time.perf_counter()
    log.info("PV %.2f s, wind %.2f s for %d heaps", t1 - t0, t2 - t1, len(heaps))

    res = fact_rows(heaps, terrains)
    add_stage_columns(res, pv_res.per_heap, wind_res.per_heap)
    pv_computed = pv.irradiance_available(data, meta)
    add_totals_and_status(res, pv_computed, meta)
    res = res.reset_index(drop=True)

    monthly = monthly_table(
        pv_res.monthly,
        wind_res.monthly,
        [h.id for h in heaps],
        keep_nan=bool(getattr(meta, "partial", False)) or not pv_computed,
    )
    surfaces_out = pv_res.per_surface if getattr(pv_res, "per_surface", None) is not None else surf

    ranked, totals = suitability.rank_results(
        res, heaps, config.suitability, terrain=config.terrain
    )
    cols = [c for c in RESULT_COLUMNS if c in ranked.columns]
    ranked = ranked[cols + [c for c in ranked.columns if c not in cols]]
    return RunResult(
        results=ranked,
        monthly=monthly,
        surfaces=surfaces_out,
        totals=totals,
        manifest={},
        heaps=list(heaps),
        terrains=dict(terrains),
        info={
            "wind_calibration": getattr(wind_res, "calibration", None) or {},
            "wind_resource": resource_record(getattr(wind_res, "info", None) or {}, config.wind),
        }
        | ({"wind_series": wind_series} if keep_hourly else {}),
    )


def write_results(run: RunResult, out_dir, overwrite: bool = False) -> Path:
    """Write the result folder atomically (:func:`haldenenergie.results.write_run`)."""
    return results_folder.write_run(out_dir, run, overwrite=overwrite)


def check_config(config: Config) -> None:
    """Checks of a config that need stage data, made before any work starts.

    Loading a config reads no data files; whether ``[wind] turbine_type`` names a turbine in the
    library (windpowerlib's turbine table or a power-curve file) is checked here, so that a run or
    batch with an unknown turbine fails at once with a one-line error naming the config file.
    """
    from . import wind

    wind.check_config(config)


def _run_inputs(registry_path, weather_path, dem_paths, config: Config) -> list[Path]:
    """Every input path of a run: an output that is or holds one of them is refused."""
    paths = [p for p in (registry_path, weather_path) if isinstance(p, (str, Path))]
    paths += list(dem_paths)
    paths += [path for _, path in config_inputs(config)]
    return [Path(p) for p in paths if p]


def run(
    registry_path,
    weather_path=None,
    dem_paths: Sequence[Path] = (),
    config: Config | None = None,
    heap_ids: Sequence[str] = (),
    out_dir=None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
    tz: str | None = None,
    mastr: str | Path | None = None,
    *,
    keep_hourly: bool = False,
) -> RunResult:
    """Run every stage for all (or the selected) heaps; write ``out_dir`` if given.

    Parameters
    ----------
    registry_path : heap registry (GeoJSON), or the heaps themselves (``registry.Heap`` objects;
        the manifest then records no registry file).
    weather_path : weather file (or DWD CDC station folder/zip), or a ``(data, meta)`` pair of
        :func:`haldenenergie.weather.read_weather`; ``None`` uses the embedded synthetic year.
    dem_paths : DEM files/folders; empty uses parametric terrain for every heap.
    config : parameters in effect; ``None`` uses the defaults.
    heap_ids : restrict the run to these heaps.
    out_dir : result folder to write (refused if it exists unless ``overwrite``, and checked for
        write access, free space and a concurrent writer before any work).
    progress : optional callback receiving the name of each stage as it starts.
    tz : time zone of naive time stamps in the weather file (:func:`load_weather`); recorded in
        the manifest as ``weather_options``.
    mastr : Marktstammdatenregister export whose wind units fill the heaps' existing-turbine
        facts (:func:`apply_mastr`); recorded in the manifest's inputs.
    keep_hourly : keep the wind series of every heap (:func:`compute`).

    Returns
    -------
    RunResult : ``manifest["warnings"]`` lists every warning (also on stderr); ``info["context"]``
    the ``terrains``, ``data``, ``meta`` and ``config`` of the run (for results.gpkg, hourly).
    """
    config = config or load_config()
    check_config(config)
    from .weather.read import check_tz

    check_tz(tz)  # a typo in --tz fails before any work
    stages = (registry_path, weather_path, dem_paths, config, heap_ids, progress, tz, mastr)
    keep = {"keep_hourly": keep_hourly}
    if out_dir is None:
        return _run_stages(*stages, **keep)
    inputs = _run_inputs(registry_path, weather_path, dem_paths, config) + (
        [Path(mastr)] if mastr else []
    )
    _io.check_can_write(out_dir, overwrite, kind="dir", inputs=inputs)  # before the work
    try:
        result = _run_stages(*stages, **keep)
        (progress or (lambda s: None))("write")
        write_results(result, out_dir, overwrite=overwrite)
    finally:
        _io.release_output(out_dir)  # the claim taken by the check (no-op once written)
    return result


def _run_stages(
    registry_path,
    weather_path,
    dem_paths,
    config,
    heap_ids,
    progress,
    tz=None,
    mastr=None,
    keep_hourly=False,
) -> RunResult:
    """The stages of :func:`run` up to the manifest (nothing written)."""
    import datetime as _dt

    say = progress or (lambda s: None)
    t0 = time.perf_counter()
    started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    say("registry")
    from_file = isinstance(registry_path, (str, Path))
    heaps, registry_warnings = (
        load_heaps_with_warnings(registry_path, heap_ids)
        if from_file
        else (_select_heaps(registry_path, heap_ids, "heaps given"), [])
    )
    if mastr:
        heaps, notes = apply_mastr(heaps, mastr)
        registry_warnings = [*registry_warnings, *notes]
    say("weather")
    given = isinstance(weather_path, tuple)
    data, meta = weather_path if given else load_weather(weather_path, config, tz)
    distance_warnings = check_station_distance(heaps, meta, config)
    say("terrain")
    layers = load_constraint_layers(config)
    terrains = compute_terrain(heaps, config, dem_paths, layers=layers)
    say("pv+wind")
    result = compute(heaps, terrains, data, meta, config, keep_hourly=keep_hourly)
    result.info["context"] = dict(terrains=terrains, data=data, meta=meta, config=config)
    extra = {"started_utc": started, "elapsed_s": round(time.perf_counter() - t0, 3)}
    extra["warnings"] = run_warnings(heaps, terrains, meta, registry_warnings, distance_warnings)
    if weather_options(tz):
        extra["weather_options"] = weather_options(tz)
    extra["layers"] = layers.records() if layers else []
    extra["wind_calibration"] = result.info.get("wind_calibration", {})
    extra["wind_resource"] = result.info.get("wind_resource", {})
    result.manifest = build_manifest(
        "run",
        registry_path if from_file else None,
        meta,
        dem_paths,
        config,
        heap_ids,
        extra=extra if from_file else {**extra, "registry": "registry.Heap objects (no file)"},
        weather_sha256=getattr(meta, "sha256", None) or None,
        shared_inputs=None if from_file else _inputs_without_registry(dem_paths, config),
    )
    if mastr:
        result.manifest["inputs"].append(_io.file_record(Path(mastr).resolve(), "mastr"))
    return result


def _inputs_without_registry(dem_paths, config: Config) -> list[dict]:
    """The manifest's input records of a run on heap objects: DEM, layers, config (no registry)."""
    from .resources import default_registry_path

    return input_records(default_registry_path(), dem_paths, config)[1:]


# Re-ranking a written folder lives in :mod:`haldenenergie.rerank`; kept importable from here.
from .rerank import rerank, resolve_registry, resolve_suitability  # noqa: E402

__all__ = [
    "RESULT_COLUMNS",
    "STATUS_NO_PV",
    "HaldenError",
    "RunResult",
    "build_manifest",
    "apply_mastr",
    "check_station_distance",
    "compute",
    "compute_terrain",
    "input_records",
    "load_constraint_layers",
    "load_heaps",
    "load_heaps_with_warnings",
    "load_weather",
    "rerank",
    "resolve_registry",
    "resolve_suitability",
    "run",
    "run_warnings",
    "weather_options",
    "write_results",
]
