"""DEM mode: find a heap in a DEM window (summit, base level, footprint).

The footprint is the area standing above the surrounding base level and connected to the summit;
the relative height is summit minus base level. The minimum rise above the base that a cell needs
follows the DEM's vertical error (:func:`footprint_min_rise_auto`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage

from .config import (
    _RISE_COARSE_M,
    _RISE_COARSE_RES_M,
    _RISE_FINE_M,
    _RISE_FINE_RES_M,
    TerrainConfig,
)


def footprint_min_rise_auto(native_res_m: float) -> float:
    """Automatic minimum rise above the base level [m] for a DEM of the given native pixel size.

    Parameters
    ----------
    native_res_m : float
        Native pixel size of the DEM [m] (before resampling; NaN = unknown, treated as coarse).

    Returns
    -------
    float
        ``_RISE_FINE_M`` (0.5 m) for pixels up to 5 m (NRW DGM1 and other laser-scan DEMs),
        ``_RISE_COARSE_M`` (6 m) from 30 m (SRTM, ~30-90 m), linear in the pixel size in between.

    Notes
    -----
    The threshold must exceed what the DEM shows as relief of the flat surroundings, or the
    footprint leaks into them; but every metre of it cuts the heap's toe short by
    ``rise / tan(toe slope)`` (6 m on an 11 deg cone of 28 ha: -19 % of the footprint). The rule
    takes the DEM's vertical error (90 % linear error) with a floor of 0.5 m: SRTM's relative
    error is ~6 m (Rodriguez et al. 2006), which on a smoothed SRTM-3 raster of the western Ruhr
    is also the lowest value that keeps Halde Haniel's footprint out of the surroundings; NRW
    DGM1's height error is ~0.2 m (Geobasis NRW), so 0.5 m is well above its noise. On a fine
    DEM, real micro-relief connected to the toe (road or rail embankments) is not noise: set
    ``footprint_min_rise_m`` higher or give a footprint polygon if a heap leaks into it.
    """
    if not np.isfinite(native_res_m) or native_res_m >= _RISE_COARSE_RES_M:
        return _RISE_COARSE_M
    if native_res_m <= _RISE_FINE_RES_M:
        return _RISE_FINE_M
    f = (native_res_m - _RISE_FINE_RES_M) / (_RISE_COARSE_RES_M - _RISE_FINE_RES_M)
    return _RISE_FINE_M + f * (_RISE_COARSE_M - _RISE_FINE_M)


def delineate_heap(
    z: ArrayLike,
    res_m: float,
    seed_rc: tuple[int, int],
    cfg: TerrainConfig,
    within: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[int, int], float]:
    """Find a heap in a DEM window: summit, base level and footprint.

    Parameters
    ----------
    z : 2-D elevation [m] (row 0 north), NaN = nodata.
    res_m : cell size [m].
    seed_rc : (row, col) of the heap's registry point.
    cfg : TerrainConfig (summit_search_radius_m, base_*, footprint_min_rise_m,
        descent_tolerance_m, max_heap_radius_m).
    within : optional bool mask (a registry footprint polygon): summit and footprint stay inside.

    Returns
    -------
    footprint : bool array; summit_rc : (row, col); base_m : float [m a.s.l.].

    Notes
    -----
    1. Summit = highest cell within ``summit_search_radius_m`` of the point (or inside ``within``).
    2. First base level = ``base_percentile`` of the terrain within ``base_search_radius_m``.
    3. The heap is grown from the summit over cells at least ``footprint_min_rise_m`` above the
       base (0 = auto: 6 m here; :func:`heap_terrain` sets it from the DEM's pixel size),
       moving downhill (a cell may be at most ``descent_tolerance_m`` above its highest
       neighbour already in the heap), within ``max_heap_radius_m``.
    4. The base level becomes the median of a ring ``base_ring_m`` outside the footprint; steps 3-4
       are repeated until the base changes by less than 0.5 m (at most 5 times).
    """
    z = np.asarray(z, dtype="float64")
    # 0 = auto; without the DEM's pixel size here, the coarse-DEM value (heap_terrain resolves it).
    rise = cfg.footprint_min_rise_m or _RISE_COARSE_M
    ny, nx = z.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    valid = np.isfinite(z)
    dist_seed = np.hypot(yy - seed_rc[0], xx - seed_rc[1]) * res_m
    summit_rc = _find_summit(z, valid, dist_seed, res_m, cfg, within)
    dist = np.hypot(yy - summit_rc[0], xx - summit_rc[1]) * res_m
    near = valid & (dist <= cfg.base_search_radius_m)
    base = float(np.percentile(z[near], cfg.base_percentile))
    allowed_geo = valid & (dist <= cfg.max_heap_radius_m)
    if within is not None:
        allowed_geo &= within
    base = _settle_base(z, res_m, summit_rc, allowed_geo, base, rise, cfg)
    foot = _grow_downhill(z, summit_rc, allowed_geo & (z >= base + rise), cfg.descent_tolerance_m)
    return foot, summit_rc, base


def _find_summit(z, valid, dist_seed, res_m, cfg: TerrainConfig, within) -> tuple[int, int]:
    """(row, col) of the highest valid cell near the seed (``dist_seed`` [m]) or inside ``within``.

    Raises ``ValueError`` when no valid cell is there.
    """
    search = valid & (dist_seed <= max(cfg.summit_search_radius_m, res_m))
    if within is not None:
        search = (valid & within) if (valid & within).any() else search
    if not search.any():
        raise ValueError("no valid DEM cell near the heap point")
    k = int(np.argmax(np.where(search, z, -np.inf)))
    return divmod(k, z.shape[1])


def _settle_base(z, res_m, summit_rc, allowed_geo, base, rise, cfg: TerrainConfig) -> float:
    """Base level [m a.s.l.] refined from the ring ``base_ring_m`` outside the grown footprint.

    The heap is grown at the current base, the base becomes the median of the ring, and this is
    repeated until it changes by less than 0.5 m (at most 5 times).
    """
    valid = np.isfinite(z)
    for _ in range(5):
        foot = _grow_downhill(
            z, summit_rc, allowed_geo & (z >= base + rise), cfg.descent_tolerance_m
        )
        d_out = ndimage.distance_transform_edt(~foot) * res_m
        ring = valid & ~foot & (d_out > cfg.base_ring_m[0]) & (d_out <= cfg.base_ring_m[1])
        if not ring.any():
            break
        new_base = float(np.median(z[ring]))
        if abs(new_base - base) < 0.5:
            base = new_base
            break
        base = new_base
    return base


def _grow_downhill(z, seed_rc, allowed, tol_m: float):
    """Cells of ``allowed`` reachable from ``seed_rc``, climbing at most ``tol_m`` [m] per step."""
    region = np.zeros(z.shape, dtype=bool)
    if not allowed[seed_rc]:
        region[seed_rc] = True
        return region
    # Work in the bounding box of the allowed component that holds the seed (speed).
    lab, _ = ndimage.label(allowed, structure=np.ones((3, 3), dtype=bool))
    comp = lab == lab[seed_rc]
    rr, cc = np.nonzero(comp)
    r0, r1, c0, c1 = rr.min(), rr.max() + 1, cc.min(), cc.max() + 1
    zs, al = z[r0:r1, c0:c1], comp[r0:r1, c0:c1]
    reg = np.zeros_like(al)
    reg[seed_rc[0] - r0, seed_rc[1] - c0] = True
    zr = np.where(reg, zs, -np.inf)
    zs_f = np.where(al, zs, np.inf)
    while True:
        nb = ndimage.maximum_filter(zr, size=3, mode="constant", cval=-np.inf)
        new = al & ~reg & (zs_f <= nb + tol_m)
        if not new.any():
            break
        reg |= new
        zr[new] = zs[new]
    region[r0:r1, c0:c1] = reg
    return region
