"""The DEM window of a heap: locating it, reading it, the rise threshold, delineating it.

Helpers of :mod:`~haldenenergie.terrain.stage` (DEM mode).
"""

from __future__ import annotations

import numpy as np

from ..errors import TerrainError
from ..geo import to_metric, wgs84_transformer
from .config import TerrainConfig
from .delineate import delineate_heap, footprint_min_rise_auto
from .dem import DemSource


def _heap_xy(heap):
    """The heap's registry point in EPSG:25832 [m], or None without a position."""
    lat, lon = getattr(heap, "lat", None), getattr(heap, "lon", None)
    if lat is None or lon is None or not (np.isfinite(lat) and np.isfinite(lon)):
        return None
    return wgs84_transformer().transform(lon, lat)


def _read_heap_window(heap, cfg: TerrainConfig, dem: DemSource, footprint_m=None):
    """Locate the heap and read its DEM window: (xy, footprint in EPSG:25832, z, transform, used).

    The window is ``window_half_size_m`` around the registry point, widened to hold a registry
    footprint polygon plus 500 m; without a point, the polygon's representative point is used.
    """
    footprint_geom = getattr(heap, "footprint", None)
    xy = _heap_xy(heap)
    if xy is None and footprint_geom is None and footprint_m is None:
        raise TerrainError(
            f"heap {heap.id}: no coordinates or footprint to locate it in DEM "
            f"{dem.label}; add a Point or Polygon geometry to the registry"
        )
    fp_m = None
    half = cfg.window_half_size_m
    if footprint_geom is not None or footprint_m is not None:
        fp_m = footprint_m if footprint_m is not None else to_metric(footprint_geom)
        if xy is None:
            c = fp_m.representative_point()
            xy = (c.x, c.y)
        minx, miny, maxx, maxy = fp_m.bounds
        half = max(
            half,
            max(abs(maxx - xy[0]), abs(minx - xy[0]), abs(maxy - xy[1]), abs(miny - xy[1])) + 500.0,
        )
    z, tr, used = dem.read_window(xy, half, cfg.resolution_m, heap.id)
    return xy, fp_m, z, tr, used


def _min_rise(cfg: TerrainConfig, native_res_m: float) -> tuple[float, list[str]]:
    """footprint_min_rise_m in effect [m] (configured, or auto by the native pixel size).

    Returns the value and the ``assumed`` entry that records it.
    """
    if cfg.footprint_min_rise_m > 0:
        rise = cfg.footprint_min_rise_m
        return rise, [f"footprint_min_rise_m={rise:g} (configured)"]
    rise = round(footprint_min_rise_auto(native_res_m), 2)
    return rise, [
        f"footprint_min_rise_m={rise:g} (auto for the DEM's native pixel size "
        + f"~{native_res_m:.3g} m)"
    ]


def _delineate(heap, cfg: TerrainConfig, dem: DemSource, z, tr, xy, within):
    """Footprint, summit (row, col) and base [m a.s.l.] of the heap in its window.

    Raises TerrainError (a DEM fallback reason) when the DEM holds only nodata near the heap,
    the heap cannot be delineated, or nothing rises enough above the base level.
    """
    res = cfg.resolution_m
    seed = (int((tr.f - xy[1]) // res), int((xy[0] - tr.c) // res))
    rr, cc = np.ogrid[0 : z.shape[0], 0 : z.shape[1]]
    near = np.hypot(rr - seed[0], cc - seed[1]) * res <= max(cfg.summit_search_radius_m, res)
    probe = within if within is not None and within.any() else near
    if not np.isfinite(z[probe]).any():
        raise TerrainError(
            f"{dem.label}: DEM holds only nodata at heap {heap.id} ({getattr(heap, 'lat', None)}, "
            f"{getattr(heap, 'lon', None)}); use a DEM with data there or leave --dem out"
        )
    try:
        foot, summit_rc, base = delineate_heap(z, res, seed, cfg, within=within)
    except ValueError as exc:
        raise TerrainError(f"{dem.label}: cannot delineate heap {heap.id} ({exc})") from None
    if foot.sum() * res * res < cfg.min_patch_area_m2:
        raise TerrainError(
            f"{dem.label}: no heap found at heap {heap.id}: nothing rises "
            f"{cfg.footprint_min_rise_m:g} m above the base level within "
            f"{cfg.summit_search_radius_m:g} m of its point at {res:g} m resolution; check the "
            "heap's coordinates, give a footprint polygon, or use a finer DEM"
        )
    return foot, summit_rc, base
