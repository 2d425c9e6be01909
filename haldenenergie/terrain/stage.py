"""The terrain stage: each heap's terrain from a DEM or parametrically, and its tables.

Two sources, one analysis:

- **DEM mode** (:func:`heap_terrain` with a :class:`~haldenenergie.terrain.dem.DemSource`): a
  window of a few km around the heap is resampled to ETRS89 / UTM 32N (EPSG:25832) at
  ``TerrainConfig.resolution_m``; the heap is delineated as the region connected to its summit
  that rises above the surrounding base level (:func:`~haldenenergie.terrain.delineate_heap`).
- **Parametric mode** (no DEM, or a DEM that misses the heap in a multi-heap run): the heap's
  surface is synthesised from its facts -- footprint area, relative height, form -- by
  :func:`~haldenenergie.terrain.synthesize_heap`; missing facts fall back to documented defaults
  and are listed in ``HeapTerrain.assumed``.

DEM windows are checked first (:mod:`~haldenenergie.terrain.plausibility`: vertical units,
nodata holes filled or refused); both grids then go through
:func:`~haldenenergie.terrain.analyse_grid`, and flank slopes steeper than dumped spoil stands
are a warning. All areas are planimetric (map) areas [ha]. Azimuths are degrees clockwise from
north (N=0, E=90).
"""

from __future__ import annotations

import collections
import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import ndimage

from .._text import first_and_more
from ..errors import TerrainError
from ..geo import wgs84_transformer
from .analysis import analyse_grid
from .columns import EXCLUSION_REASONS, HEAP_COLUMNS, SURFACE_COLUMNS
from .config import TerrainConfig
from .constraints import (
    LayerContext,
    grid_layers,
    heap_outline,
    layer_context,
    layer_fields,
    pv_kwargs,
)
from .dem import DemFileError, DemSource
from .parametric import parametric_facts, synthesize_heap, synthesize_on_outline
from .plausibility import (
    check_elevation_range,
    check_vertical_units,
    fact_mismatch_warnings,
    fill_small_holes,
    flank_slope_warnings,
    hole_warnings,
    peak_height,
)
from .reserved import rasterize, reserved_geometry
from .vectors import HeapVectors, heap_vectors
from .window import _delineate, _heap_xy, _min_rise, _read_heap_window

log = logging.getLogger("haldenenergie.terrain")


@dataclass
class HeapTerrain:
    """Terrain description of one heap (what PV, wind, report and export read).

    Attributes
    ----------
    heap_id : registry id.
    terrain_source : ``"parametric"`` or ``"dem:<file name(s)>"``.
    footprint_area_ha : planimetric area of the heap [ha].
    summit_elevation_m, base_elevation_m : [m a.s.l.].
    relative_height_m : summit minus base [m].
    plateau_area_ha : flat (< plateau_max_slope_deg) cells in the top part of the heap [ha].
    pv_usable_area_ha : area left for PV after all exclusions [ha]
        (= surfaces.usable_area_ha.sum()).
    turbine_site_area_ha : area where a level turbine_site_diameter_m disc fits [ha].
    half_height_distance_m : L of Taylor & Lee (1984), mean over 36 directions [m].
    plateau_max_inscribed_diameter_m : largest disc fitting into the plateau [m].
    mean_flank_slope_deg : mean slope of the flank cells [deg].
    summit_lat, summit_lon : WGS84 position of the summit [deg] (None if the heap has no position).
    resolution_m : cell size of the analysed grid [m].
    assumed : facts that were assumed, e.g. ``"height_rel_m=48.5 (default: median ...)"``.
    warnings : e.g. why DEM mode fell back to parametric.
    surfaces : one row per usable PV surface class (SURFACE_COLUMNS).
    excluded : area excluded by reason [ha] (EXCLUSION_REASONS; a layer reason is absent, i.e.
        NaN in the table, where its layer was not given or does not cover the heap).
    turbine_site_area_gross_ha : turbine site area before the housing distance [ha].
    forest_area_ha, open_area_ha : footprint in / outside forest (forest layer, open land
        removed) [ha]; NaN without a covering forest layer.
    protected_area_ha : footprint in protected areas [ha]; NaN without a covering layer.
    housing_distance_m : from the nearest turbine-site cell to housing (residential layer), else
        the registry's distance [m]; NaN unknown.
    housing_distance_source : "registry", "layer <file> (<schema>), from turbine site", ...;
        "" unknown.
    layers_used, layers_not_assessed : ";"-joined layer kinds that covered this heap / that were
        given but do not cover it.
    vectors : footprint, PV areas, excluded areas and turbine site as polygons in EPSG:25832
        (:class:`~.vectors.HeapVectors`); None for a heap without position.
    """

    heap_id: str
    terrain_source: str
    footprint_area_ha: float
    summit_elevation_m: float
    base_elevation_m: float
    relative_height_m: float
    plateau_area_ha: float
    pv_usable_area_ha: float
    turbine_site_area_ha: float
    half_height_distance_m: float
    plateau_max_inscribed_diameter_m: float = 0.0
    mean_flank_slope_deg: float = float("nan")
    summit_lat: float | None = None
    summit_lon: float | None = None
    resolution_m: float = float("nan")
    assumed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    surfaces: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(SURFACE_COLUMNS))
    )
    excluded: dict = field(default_factory=dict)
    turbine_site_area_gross_ha: float = float("nan")
    forest_area_ha: float = float("nan")
    open_area_ha: float = float("nan")
    protected_area_ha: float = float("nan")
    housing_distance_m: float = float("nan")
    housing_distance_source: str = ""
    layers_used: str = ""
    layers_not_assessed: str = ""
    vectors: HeapVectors | None = None

    def to_row(self) -> dict:
        """One flat row for CSV output (HEAP_COLUMNS)."""
        row = {
            k: getattr(self, k)
            for k in HEAP_COLUMNS
            if k not in ("assumed", "warnings") and not k.startswith("excluded_")
        }
        for reason in EXCLUSION_REASONS:
            row[f"excluded_{reason}_ha"] = self.excluded.get(reason, float("nan"))
        row["assumed"] = "; ".join(self.assumed)
        row["warnings"] = "; ".join(self.warnings)
        return {k: row[k] for k in HEAP_COLUMNS}


def _parametric(heap, cfg: TerrainConfig, reserved=None, warnings=(), ctx=None) -> HeapTerrain:
    """Parametric terrain of one heap (synthesised surface, reserved areas where it is placed)."""
    ctx = ctx or LayerContext()
    xy = _heap_xy(heap)
    outline, note = heap_outline(ctx, xy)
    area, height, form, base, assumed = parametric_facts(heap, cfg)
    if outline is not None:
        syn = synthesize_on_outline(outline, height, form, cfg)
        assumed = [a for a in assumed if not a.startswith("area_ha=")] + [note]
    else:
        syn = synthesize_heap(area, height, form, cfg)
    # The synthetic shape itself is an assumption even where every fact is known: list it.
    berms = f", {syn['n_berms']} berm(s)" if syn.get("n_berms") else ""
    shape = (
        f"shape={form}: plateau share {syn['plateau_share']:.2f}, flank slope "
        f"{syn['flank_slope_deg']:.1f} deg{berms} (parametric form parameters, [terrain])"
    )
    assumed = [*assumed, shape]
    z = base + syn["z_rel"]
    res = syn["res_m"]
    warns = list(warnings) + syn["warnings"]
    geom = reserved_geometry(cfg, reserved)
    res_mask = tr = None
    if xy is not None:
        from affine import Affine

        n = z.shape[0]
        tr = syn.get("transform") or Affine(
            res, 0.0, xy[0] - n * res / 2, 0.0, -res, xy[1] + n * res / 2
        )
        if geom is not None:
            res_mask = rasterize(geom, z.shape, tr)
    elif geom is not None:
        warns.append("reserved areas not applied: heap has no position")
    if xy is None and ctx.active:
        warns.append("constraint layers not applied: heap has no position")
    gl = grid_layers(ctx, syn["footprint"], tr, res)
    warns += gl.warnings
    out = analyse_grid(z, res, syn["footprint"], base, cfg, reserved=res_mask, **pv_kwargs(gl))
    extra = layer_fields(ctx, gl, out, tr, res, cfg, heap, note)
    if tr is not None:
        src = "heap_outline" if outline is not None else "parametric"
        extra["vectors"] = heap_vectors(out, tr, src, out["class_names"])
    for w in flank_slope_warnings(out["mean_flank_slope_deg"], cfg):
        log.warning("heap %s: parametric terrain: %s", heap.id, w)
        warns.append(w)
    lat, lon = getattr(heap, "lat", None), getattr(heap, "lon", None)
    if xy is None:
        lat = lon = None
    return _make(heap.id, "parametric", out, res, assumed, warns, lat, lon, extra)


#: Figures of :func:`analyse_grid` copied into :class:`HeapTerrain` as they are.
_FIGURES = (
    "footprint_area_ha",
    "summit_elevation_m",
    "base_elevation_m",
    "relative_height_m",
    "plateau_area_ha",
    "pv_usable_area_ha",
    "turbine_site_area_ha",
    "half_height_distance_m",
    "plateau_max_inscribed_diameter_m",
    "mean_flank_slope_deg",
)


def _make(heap_id, source, out, res, assumed, warnings, lat, lon, extra=None) -> HeapTerrain:
    """HeapTerrain from the result of :func:`analyse_grid` (``extra``: the layer fields)."""
    return HeapTerrain(
        heap_id=heap_id,
        terrain_source=source,
        **{k: out[k] for k in _FIGURES},
        summit_lat=lat,
        summit_lon=lon,
        resolution_m=float(res),
        assumed=tuple(assumed),
        warnings=tuple(warnings),
        surfaces=out["surfaces"],
        excluded=out["excluded"],
        **(extra or {}),
    )


def _from_dem(heap, cfg: TerrainConfig, dem: DemSource, reserved=None, ctx=None) -> HeapTerrain:
    """DEM terrain of one heap: read its window, check and fill it, delineate it, analyse it."""
    ctx = ctx or LayerContext()
    outline, note = heap_outline(ctx, _heap_xy(heap))
    xy, fp_m, z, tr, used = _read_heap_window(heap, cfg, dem, outline)
    label = "+".join(used) if used else dem.label
    rise, assumed = _min_rise(cfg, dem.native_resolution_m(used))
    cfg = dataclasses.replace(cfg, footprint_min_rise_m=rise)
    res = cfg.resolution_m
    within = rasterize(fp_m, z.shape, tr) if fp_m is not None else None
    if cfg.dem_vertical_scale != 1.0:
        z = z * cfg.dem_vertical_scale
    peak = peak_height(z, tr, xy, cfg.summit_search_radius_m, within)
    check_elevation_range(z, heap, cfg, label, peak)
    z, filled, big = fill_small_holes(z, res, cfg)
    foot, summit_rc, base = _delineate(heap, cfg, dem, z, tr, xy, within)
    warns = hole_warnings(foot, filled, big, res, cfg, heap.id, label)
    rim = ndimage.binary_dilation(foot, iterations=2) & ~foot
    if (~np.isfinite(z[rim])).any():
        warns.append(
            "heap touches the DEM's edge or a nodata gap; footprint and height may be cut short"
        )
    geom = reserved_geometry(cfg, reserved)
    res_mask = rasterize(geom, z.shape, tr) if geom is not None else None
    gl = grid_layers(ctx, foot & np.isfinite(z), tr, res)
    out = analyse_grid(
        z, res, foot, base, cfg, reserved=res_mask, summit_rc=summit_rc, **pv_kwargs(gl)
    )
    extra = layer_fields(ctx, gl, out, tr, res, cfg, heap, note)
    extra["vectors"] = heap_vectors(out, tr, "heap_outline" if note else "dem", out["class_names"])
    warns += gl.warnings
    check_vertical_units(out["summit_elevation_m"], out["relative_height_m"], heap, cfg, label)
    warns += fact_mismatch_warnings(
        heap, out["relative_height_m"], out["footprint_area_ha"], cfg.fact_mismatch_factor
    )
    warns += flank_slope_warnings(out["mean_flank_slope_deg"], cfg)
    for w in warns:
        log.warning("heap %s: %s: %s", heap.id, label, w)
    sr, sc = out["summit_rc"]
    sx, sy = tr.c + (sc + 0.5) * res, tr.f - (sr + 0.5) * res
    lon, lat = wgs84_transformer(inverse=True).transform(sx, sy)
    names = "+".join(used) if len(used) <= 3 else f"{used[0]}+{len(used) - 1} more"
    assumed = assumed + [note] if note else assumed
    return _make(heap.id, f"dem:{names}", out, res, assumed, warns, float(lat), float(lon), extra)


def heap_terrain(
    heap: Any,
    cfg: TerrainConfig | None = None,
    dem: DemSource | None = None,
    reserved: Any = None,
    *,
    layers: Any = None,
    min_housing_distance_m: float = 600.0,
    layers_cfg: Any = None,
) -> HeapTerrain:
    """Terrain of one heap: from ``dem`` if given, else parametric from the heap's facts.

    Parameters
    ----------
    heap : :class:`haldenenergie.registry.Heap` (uses id, lat, lon, footprint, area_ha,
        height_rel_m, height_asl_m, form).
    cfg : TerrainConfig (default: defaults).
    dem : DemSource from :func:`open_dem`, or None for parametric terrain.
    reserved : shapely geometry in EPSG:25832 of reserved areas (buffer applied); default: read
        from ``cfg.reserved_areas_path`` if set.
    layers : :class:`haldenenergie.layers.LayerSet` or None: constraint layers (forest,
        residential, protected, landmark, heap_outline, open_land; :mod:`.constraints`).
        None or an empty set: the terrain without layers.
    min_housing_distance_m : minimum distance of a turbine to housing [m] (600 m, RVR heap
        energy analysis 2022); turbine-site cells nearer to a residential layer are removed.
    layers_cfg : LayersConfig or None (``landmark_buffer_m`` [m], ``forest_clearing_max_ha``
        [ha]; defaults in :mod:`.constraints`).

    Raises
    ------
    TerrainError : the DEM does not cover the heap, holds only nodata there, has no CRS or one that
        cannot be transformed, has nodata holes in the heap's footprint too large to fill, or the
        heap has no position (DEM mode only); :class:`~.plausibility.DemUnitsError` for heights
        that are not metres (:mod:`~haldenenergie.terrain.plausibility`).
    """
    cfg = cfg or TerrainConfig()
    ctx = layer_context(layers, cfg, layers_cfg, min_housing_distance_m)
    if dem is None:
        return _parametric(heap, cfg, reserved, ctx=ctx)
    return _from_dem(heap, cfg, dem, reserved, ctx=ctx)


def terrain_for_heaps(
    heaps: Iterable[Any],
    cfg: TerrainConfig | None = None,
    dem: DemSource | None = None,
    fallback: bool = True,
    reserved: Any = None,
    progress: Callable[[], object] | None = None,
    *,
    layers: Any = None,
    min_housing_distance_m: float = 600.0,
    layers_cfg: Any = None,
) -> dict[str, HeapTerrain]:
    """Terrain of many heaps.

    Parameters
    ----------
    heaps : list of Heap
    cfg : TerrainConfig, optional
    dem : DemSource, optional
        None: parametric terrain for all heaps.
    fallback : bool
        True (multi-heap runs): a heap the DEM cannot serve (not covered, only nodata there, no
        heap found near its point, no position) gets parametric terrain and a warning saying
        why. False: the TerrainError is raised.
    reserved : shapely geometry in EPSG:25832, optional
        Reserved areas (default: from ``cfg.reserved_areas_path``).
    progress : callable, optional
        Called once per heap (e.g. a progress bar update).
    layers, min_housing_distance_m, layers_cfg
        Constraint layers and their thresholds, as for :func:`heap_terrain`.

    Returns
    -------
    dict
        ``{heap_id: HeapTerrain}`` in input order.

    Raises
    ------
    TerrainError
        Always (whatever ``fallback``) for a DEM file problem
        (:class:`~haldenenergie.terrain.DemFileError`: no CRS, a CRS that cannot be transformed,
        unreadable data), and when the DEM serves none of the heaps (the message names the
        file(s) and the most common reason).
    """
    cfg = cfg or TerrainConfig()
    geom = reserved_geometry(cfg, reserved)
    ctx = layer_context(layers, cfg, layers_cfg, min_housing_distance_m)
    out: dict[str, HeapTerrain] = {}
    fell_back: dict[str, str] = {}  # heap id -> short reason
    for heap in heaps:
        if dem is None:
            out[heap.id] = _parametric(heap, cfg, geom, ctx=ctx)
        else:
            out[heap.id] = _dem_or_fallback(heap, cfg, dem, geom, fallback, fell_back, ctx)
        if progress is not None:
            progress()
    if dem is not None and out and len(fell_back) == len(out):
        _raise_none_served(dem, fell_back)
    if fell_back:
        # With -v; at the default verbosity the command line's summary by kind of warning says it
        # ("DEM not used, parametric instead: N heaps"); each heap's reason is in its warnings.
        ids = list(fell_back)
        shown = first_and_more(ids, 8)
        log.info(
            "%d of %d heaps not served by the DEM, parametric terrain instead (%s); "
            "each heap's reason is in its 'warnings' column (and logged with -v)",
            len(ids),
            len(out),
            shown,
        )
    return out


def _dem_or_fallback(heap, cfg, dem, geom, fallback: bool, fell_back: dict, ctx) -> HeapTerrain:
    """DEM terrain of a heap; with ``fallback``, parametric terrain if the DEM cannot serve it.

    A fallback is recorded in ``fell_back`` (heap id -> short reason). A DEM file problem
    (:class:`DemFileError`) is never answered by a fallback: the file is broken for every heap.
    """
    try:
        return _from_dem(heap, cfg, dem, geom, ctx=ctx)
    except DemFileError:
        raise
    except TerrainError as exc:
        if not fallback:
            raise
        msg = f"DEM not used, parametric instead: {exc}"
        log.info("heap %s: %s", heap.id, msg)
        fell_back[heap.id] = _fallback_reason(str(exc))
        return _parametric(heap, cfg, geom, warnings=[msg], ctx=ctx)


def _raise_none_served(dem: DemSource, fell_back: dict) -> None:
    """Raise the TerrainError for a DEM that serves none of the heaps (most common reason)."""
    reasons = list(fell_back.values())
    ((reason, n),) = collections.Counter(reasons).most_common(1)
    first = list(fell_back)[reasons.index(reason)]
    total = len(fell_back)
    raise TerrainError(
        f"{dem.label}: DEM serves none of the {total} heap(s) (most common reason: {reason}, "
        f"{n} of {total}, e.g. heap {first}); check the DEM's "
        "CRS and coverage (the Ruhr heaps lie near 6.5-7.6 E, 51.4-51.7 N) or leave --dem out "
        "for parametric terrain"
    )


#: Short reasons for a DEM fallback, matched against the TerrainError message (first match wins).
_FALLBACK_REASONS = (
    ("does not cover", "the DEM does not cover the heap"),
    ("only nodata", "the DEM holds only nodata there"),
    ("no heap found", "no heap rises above the base level near the heap's point"),
    ("no coordinates", "the heap has no position"),
    ("cannot delineate", "the heap cannot be delineated"),
    ("nodata hole", "nodata holes in the heap's footprint too large to fill"),
)


def _fallback_reason(message: str) -> str:
    for key, reason in _FALLBACK_REASONS:
        if key in message:
            return reason
    return message.split(": ", 1)[-1][:80]


def terrain_table(terrains: Mapping[str, HeapTerrain] | Iterable[HeapTerrain]) -> pd.DataFrame:
    """One row per heap.

    Parameters
    ----------
    terrains : dict or list of HeapTerrain

    Returns
    -------
    DataFrame
        Columns :data:`HEAP_COLUMNS` (areas [ha], elevations and distances [m]).
    """
    items = terrains.values() if isinstance(terrains, dict) else terrains
    return pd.DataFrame([t.to_row() for t in items], columns=list(HEAP_COLUMNS))


def surfaces_table(terrains: Mapping[str, HeapTerrain] | Iterable[HeapTerrain]) -> pd.DataFrame:
    """One row per heap and PV surface class.

    Parameters
    ----------
    terrains : dict or list of HeapTerrain

    Returns
    -------
    DataFrame
        Columns ``heap_id``, ``terrain_source`` and :data:`SURFACE_COLUMNS`.
    """
    items = terrains.values() if isinstance(terrains, dict) else terrains
    frames = [
        t.surfaces.assign(heap_id=t.heap_id, terrain_source=t.terrain_source)
        for t in items
        if len(t.surfaces)
    ]
    cols = ["heap_id", "terrain_source", *SURFACE_COLUMNS]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]
