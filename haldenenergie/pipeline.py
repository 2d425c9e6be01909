"""The run: registry → terrain → weather → PV → wind → suitability/ranking → result folder.

Layer (c) of CONVENTIONS.md: one function composes the stages in order and is what the CLI calls.
Computation (:func:`compute`) and writing (:func:`write_results`) are separate so that the batch
runner can reuse the terrain of many weather years and write each year's folder on its own.

Result folder layout (all files written into a temporary folder that is renamed into place only when
everything succeeded, so an interrupted run never leaves half-written files):

``results.csv``      one row per heap (facts, terrain, PV, wind, class, score, rank)
``results.geojson``  the same as GeoJSON (Point geometry where the heap has coordinates)
``monthly.csv``      heap_id, month, pv_energy_mwh, wind_energy_mwh, total_energy_mwh
``surfaces.csv``     one row per heap and PV surface class (terrain + PV)
``ranking.csv``      the ranking with score parts and rank range
``totals.csv``       totals per class and overall (capacity, energy, households, CO2)
``manifest.json``    inputs with SHA-256, every parameter in effect, package versions, timestamps
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import _io
from .config import Config, load_config
from .errors import HaldenError, RegistryError

log = logging.getLogger("haldenenergie.pipeline")

#: ``status`` of every heap when the weather file has no irradiance (e.g. windpowerlib CSV).
STATUS_NO_PV = "wind only: weather has no irradiance, PV energy not computed"

#: Columns of results.csv in this order (issue 4 asks for at least the first block).
RESULT_COLUMNS = [
    "heap_id",
    "name",
    "city",
    "owner",
    "terrain_source",
    "footprint_area_ha",
    "relative_height_m",
    "pv_usable_area_ha",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "pv_specific_yield_kwh_per_kwp",
    "wind_turbines_new",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "wind_full_load_hours_h",
    "existing_wind_turbines",
    "existing_wind_energy_mwh_per_a",
    "assumptions",
    # further detail
    "status",
    "lat",
    "lon",
    "membership",
    "area_ha",
    "height_rel_m",
    "form",
    "summit_elevation_m",
    "base_elevation_m",
    "plateau_area_ha",
    "turbine_site_area_ha",
    "half_height_distance_m",
    "wind_turbine_type",
    "wind_hub_height_m",
    "wind_capacity_factor",
    "wind_mean_speed_hub_m_s",
    "wind_notes",
    "total_energy_mwh_per_a",
    "housing_distance_m",
    "weather_partial",
]


@dataclass
class RunResult:
    """Everything a run computed, before (or after) it is written."""

    results: pd.DataFrame  # one row per heap (RESULT_COLUMNS + ranking columns)
    monthly: pd.DataFrame  # heap_id, month, pv/wind/total energy [MWh]
    surfaces: pd.DataFrame  # heap_id × surface class
    totals: pd.DataFrame  # per class and overall
    manifest: dict
    heaps: list = field(default_factory=list)


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
    from .heaps import read_registry

    return _select_heaps(read_registry(registry_path), heap_ids, registry_path)


def compute_terrain(heaps, config: Config, dem_paths: Sequence[Path] = ()) -> dict:
    """Terrain of every heap: DEM where one covers it, parametric otherwise (with a warning)."""
    from . import terrain

    dem = terrain.open_dem(list(dem_paths), xyz_crs=config.terrain.xyz_crs) if dem_paths else None
    return terrain.terrain_for_heaps(heaps, config.terrain, dem=dem, fallback=True)


def load_weather(weather_path, config: Config):
    """Read and validate the weather file (default: the embedded synthetic year)."""
    from . import weather

    path = Path(weather_path) if weather_path else weather.default_weather_path()
    return weather.read_weather(path, config=config.weather)


def compute(heaps, terrains: dict, data: pd.DataFrame, meta, config: Config) -> RunResult:
    """PV, wind and ranking for ``heaps`` with precomputed ``terrains`` and one weather series."""
    from . import pv, suitability, wind

    t0 = time.perf_counter()
    surfaces = []
    for h in heaps:
        s = terrains[h.id].surfaces
        if s is not None and len(s):
            surfaces.append(s.assign(heap_id=h.id))
    surf = pd.concat(surfaces, ignore_index=True) if surfaces else pd.DataFrame(columns=["heap_id"])
    pv_res = pv.simulate_pv(surf, data, meta, config.pv)
    t1 = time.perf_counter()
    wind_res = wind.simulate_wind(heaps, terrains, data, meta, config.wind)
    t2 = time.perf_counter()
    log.info("PV %.2f s, wind %.2f s for %d heaps", t1 - t0, t2 - t1, len(heaps))

    rows = []
    for h in heaps:
        t = terrains[h.id]
        row = {
            "heap_id": h.id,
            "name": h.name,
            "city": h.city,
            "owner": h.owner,
            "membership": h.membership,
            "lat": h.lat,
            "lon": h.lon,
            "area_ha": h.area_ha,
            "height_rel_m": h.height_rel_m,
            "form": h.form,
            "housing_distance_m": h.housing_distance_m,
            "terrain_source": t.terrain_source,
            "footprint_area_ha": t.footprint_area_ha,
            "relative_height_m": t.relative_height_m,
            "summit_elevation_m": t.summit_elevation_m,
            "base_elevation_m": t.base_elevation_m,
            "plateau_area_ha": t.plateau_area_ha,
            "turbine_site_area_ha": t.turbine_site_area_ha,
            "half_height_distance_m": t.half_height_distance_m,
            "assumptions": "; ".join(list(t.assumed) + list(t.warnings)),
        }
        rows.append(row)
    res = pd.DataFrame(rows).set_index("heap_id", drop=False)
    pvh = pv_res.per_heap.reindex(res.index)
    for col in [
        "pv_usable_area_ha",
        "pv_capacity_mwp",
        "pv_energy_mwh_per_a",
        "pv_specific_yield_kwh_per_kwp",
    ]:
        res[col] = pvh.get(col, np.nan)
    # A heap without usable PV surfaces has zero PV (not unknown).
    for col in ["pv_usable_area_ha", "pv_capacity_mwp", "pv_energy_mwh_per_a"]:
        res[col] = res[col].fillna(0.0)
    wh = wind_res.per_heap.reindex(res.index)
    for col in wh.columns:
        res[col] = wh[col]
    pv_computed = pv.irradiance_available(data, meta)
    if pv_computed:
        res["total_energy_mwh_per_a"] = res["pv_energy_mwh_per_a"].fillna(0) + res[
            "wind_energy_mwh_per_a"
        ].fillna(0)
        res["status"] = "ok"
    else:
        # Wind-only weather: PV energy is unknown (NaN), not zero, where there is PV capacity;
        # the total is unknown there too (wind alone would understate it).
        unknown = res["pv_capacity_mwp"] > 0
        res.loc[unknown, "pv_energy_mwh_per_a"] = np.nan
        res["pv_specific_yield_kwh_per_kwp"] = np.nan
        res["total_energy_mwh_per_a"] = res["wind_energy_mwh_per_a"].fillna(0).where(~unknown)
        res["status"] = STATUS_NO_PV
        log.warning("%s: %s", getattr(meta, "path", "weather"), pv.NO_IRRADIANCE_NOTE)
    res["weather_partial"] = bool(getattr(meta, "partial", False))
    res = res.reset_index(drop=True)

    monthly = _monthly(
        pv_res.monthly,
        wind_res.monthly,
        [h.id for h in heaps],
        keep_nan=bool(getattr(meta, "partial", False)) or not pv_computed,
    )
    surfaces_out = pv_res.per_surface if getattr(pv_res, "per_surface", None) is not None else surf

    ranked, totals = suitability.rank_results(res, heaps, config.suitability)
    cols = [c for c in RESULT_COLUMNS if c in ranked.columns]
    ranked = ranked[cols + [c for c in ranked.columns if c not in cols]]
    return RunResult(
        results=ranked,
        monthly=monthly,
        surfaces=surfaces_out,
        totals=totals,
        manifest={},
        heaps=list(heaps),
    )


def _monthly(
    pv_monthly: pd.DataFrame, wind_monthly: pd.DataFrame, ids, keep_nan: bool = False
) -> pd.DataFrame:
    """Long table heap_id, month, pv/wind/total energy [MWh] from two heap × month tables.

    Heaps absent from a table (no PV surface, no turbine) get 0. With ``keep_nan`` the stages'
    NaN (a month a partial weather series does not cover; PV without irradiance) stay NaN: not
    known, so not presented as zero.
    """
    months = list(range(1, 13))
    pvm = pv_monthly.reindex(index=ids, columns=months)
    wim = wind_monthly.reindex(index=ids, columns=months)
    if keep_nan:
        absent_pv = ~pvm.index.isin(pv_monthly.index)
        absent_wind = ~wim.index.isin(wind_monthly.index)
        pvm.loc[absent_pv] = pvm.loc[absent_pv].fillna(0.0)
        wim.loc[absent_wind] = wim.loc[absent_wind].fillna(0.0)
    else:
        pvm, wim = pvm.fillna(0.0), wim.fillna(0.0)
    out = pd.DataFrame(
        {
            "heap_id": np.repeat(ids, 12),
            "month": np.tile(months, len(ids)),
            "pv_energy_mwh": pvm.to_numpy().ravel(),
            "wind_energy_mwh": wim.to_numpy().ravel(),
        }
    )
    out["total_energy_mwh"] = out["pv_energy_mwh"] + out["wind_energy_mwh"]
    return out


def input_records(registry_path, dem_paths, config: Config) -> list[dict]:
    """Manifest records (with SHA-256) of the inputs every run of a batch shares: registry, DEM
    files, the layers named in the config and the config file. Paths are absolute."""
    inputs = [_io.file_record(Path(registry_path).resolve(), "registry")]
    inputs.extend(
        _io.file_record(f, "dem")
        for f in _io.expand_files(Path(p).resolve() for p in dem_paths or ())
    )
    for role, path in (
        ("reserved_areas", config.terrain.reserved_areas_path),
        ("residential_areas", config.suitability.residential_areas_path),
    ):
        if path and Path(path).is_file():
            inputs.append(_io.file_record(Path(path).resolve(), role))
    if config.origin != "defaults" and Path(config.origin).is_file():
        inputs.append(_io.file_record(Path(config.origin).resolve(), "config"))
    return inputs


def build_manifest(
    command: str,
    registry_path,
    weather_meta,
    dem_paths,
    config: Config,
    heap_ids,
    extra: dict | None = None,
    *,
    shared_inputs: list[dict] | None = None,
    weather_sha256: str | None = None,
) -> dict:
    """Manifest: inputs with SHA-256, every parameter in effect, versions, timestamps.

    Input paths are recorded absolute (a manifest is read later, from elsewhere).
    ``shared_inputs`` (:func:`input_records`, computed once by a batch) and ``weather_sha256``
    save hashing the same files again for every run.
    """
    inputs = list(
        shared_inputs
        if shared_inputs is not None
        else input_records(registry_path, dem_paths, config)
    )
    wpath = getattr(weather_meta, "path", None)
    if wpath:
        rec = _io.file_record(Path(wpath).resolve(), "weather", weather_sha256)
        rec["format"] = getattr(weather_meta, "source_format", None)
        inputs.insert(1, rec)  # after the registry
    wm = {}
    if weather_meta is not None:
        for k, v in vars(weather_meta).items():
            if isinstance(v, (str, int, float, bool, type(None), list, tuple)) or hasattr(
                v, "isoformat"
            ):
                wm[k] = v
    return _io.manifest(
        command,
        inputs,
        config.to_dict(),
        extra={
            "heap_ids": list(heap_ids) if heap_ids else "all",
            "config_sha256": config.hash(),
            "weather": wm,
            **(extra or {}),
        },
    )


def results_geojson(results: pd.DataFrame) -> dict:
    """FeatureCollection of the results (Point geometry where lat/lon are known, else null)."""
    feats = []
    for rec in json.loads(results.to_json(orient="records", double_precision=10)):
        lat, lon = rec.get("lat"), rec.get("lon")
        geom = (
            {"type": "Point", "coordinates": [lon, lat]}
            if lat is not None and lon is not None
            else None
        )
        feats.append({"type": "Feature", "id": rec["heap_id"], "geometry": geom, "properties": rec})
    return {"type": "FeatureCollection", "name": "haldenenergie results", "features": feats}


def write_results(run: RunResult, out_dir, overwrite: bool = False) -> Path:
    """Write the result folder atomically (temporary sibling folder renamed at the end)."""
    out_dir = Path(out_dir)
    with _io.atomic_dir(out_dir, overwrite=overwrite) as tmp:
        run.results.to_csv(tmp / "results.csv", index=False)
        _io.write_json(tmp / "results.geojson", results_geojson(run.results))
        run.monthly.to_csv(tmp / "monthly.csv", index=False)
        run.surfaces.to_csv(tmp / "surfaces.csv", index=False)
        from .suitability import ranking_table, sort_by_rank

        ranking = ranking_table(sort_by_rank(run.results))
        ranking.to_csv(tmp / "ranking.csv", index=False)
        run.totals.to_csv(tmp / "totals.csv", index=False)
        man = dict(run.manifest)
        man["outputs"] = sorted(p.name for p in tmp.iterdir()) + ["manifest.json"]
        _io.write_json(tmp / "manifest.json", man)
    return out_dir


def run(
    registry_path,
    weather_path=None,
    dem_paths: Sequence[Path] = (),
    config: Config | None = None,
    heap_ids: Sequence[str] = (),
    out_dir=None,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Run every stage for all (or the selected) heaps; write ``out_dir`` if given.

    Parameters
    ----------
    registry_path : heap registry (GeoJSON).
    weather_path : weather file; ``None`` uses the embedded synthetic default year.
    dem_paths : DEM files/folders; empty uses parametric terrain for every heap.
    config : parameters in effect; ``None`` uses the defaults.
    heap_ids : restrict the run to these heaps.
    out_dir : result folder to write (refused if it exists unless ``overwrite``).
    progress : optional callback receiving the name of each stage as it starts.
    """
    import datetime as _dt

    config = config or load_config()
    if out_dir is not None:
        _io.check_can_write(out_dir, overwrite)  # fail before the work, not after it
    say = progress or (lambda s: None)
    t0 = time.perf_counter()
    started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    say("registry")
    heaps = load_heaps(registry_path, heap_ids)
    say("weather")
    data, meta = load_weather(weather_path, config)
    say("terrain")
    terrains = compute_terrain(heaps, config, dem_paths)
    say("pv+wind")
    result = compute(heaps, terrains, data, meta, config)
    result.manifest = build_manifest(
        "run",
        registry_path,
        meta,
        dem_paths,
        config,
        heap_ids,
        extra={"started_utc": started, "elapsed_s": round(time.perf_counter() - t0, 3)},
    )
    if out_dir is not None:
        say("write")
        write_results(result, out_dir, overwrite=overwrite)
    return result


__all__ = [
    "RESULT_COLUMNS",
    "HaldenError",
    "RunResult",
    "build_manifest",
    "compute",
    "compute_terrain",
    "input_records",
    "load_heaps",
    "load_weather",
    "run",
    "write_results",
]
