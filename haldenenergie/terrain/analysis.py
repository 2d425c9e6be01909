"""One analysis for every heap grid: surface classes, PV exclusions, horizons, turbine sites.

:func:`analyse_grid` takes an elevation grid (from a DEM window or synthesised), the heap's
footprint and its base level, and derives everything :class:`~haldenenergie.terrain.HeapTerrain`
reports: slope and aspect by Horn (1981); classes of plateau / berm / flank (tilt band x aspect
sector); exclusions (reserved; the constraint layers protected, landmark, forest; too steep,
north-facing, contiguous patches < ``min_patch_area_m2``, 1,500 m2 by default after the RVR heap
energy analysis, 2022); horizon profiles from the heap's own
surface; the half-height distance L (Taylor & Lee 1984) and the area able to host a turbine
foundation. All areas are planimetric (map) areas [ha].
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .columns import EXCLUSION_REASONS, SURFACE_COLUMNS
from .config import TerrainConfig
from .grid import (
    N_HORIZON,
    SECTORS,
    _circular_mean_deg,
    aspect_sector_index,
    disc_opening,
    flank_band_edges,
    half_height_distance,
    horizon_angles,
    in_azimuth_sector,
    max_inscribed_diameter,
    remove_small_patches,
    slope_aspect_horn,
)

#: Class codes of ``class_map``: -1 none, 0 plateau, 1 berm, 2 + 8 * band + sector for flanks.
_PLATEAU, _BERM, _FLANK0 = 0, 1, 2


def analyse_grid(
    z: ArrayLike,
    res_m: float,
    footprint: ArrayLike,
    base_m: float,
    cfg: TerrainConfig,
    reserved: ArrayLike | None = None,
    summit_rc: tuple[int, int] | None = None,
    layer_masks: Mapping[str, ArrayLike] | None = None,
    site_exclude: ArrayLike | None = None,
    forest: ArrayLike | None = None,
) -> dict:
    """Classify a heap's surface and derive everything :class:`HeapTerrain` reports.

    Parameters
    ----------
    z : 2-D elevation [m a.s.l.] on a square metric grid (row 0 north), NaN = unknown. May extend
        beyond the heap (neighbours then shade in the horizon profiles).
    res_m : cell size [m].
    footprint : bool array, the heap's cells.
    base_m : base elevation [m a.s.l.].
    cfg : TerrainConfig.
    reserved : bool array of reserved cells (buffer already applied) or None.
    summit_rc : (row, col) of the summit; default: centre of the highest cells.
    layer_masks : {reason: bool array} of constraint-layer exclusions, applied after
        ``reserved`` in the order given (:data:`~.columns.EXCLUSION_REASONS`: protected,
        landmark, forest); reasons not given are left out of ``excluded``.
    site_exclude : bool array of cells no turbine site may use (protected areas, landmark
        buffers), in addition to ``reserved``.
    forest : bool array of forest cells (after open land) for the surfaces' forest/open split;
        None = no forest layer (the split columns are NaN).

    Returns
    -------
    dict with keys footprint_area_ha, summit_elevation_m, base_elevation_m, relative_height_m,
    plateau_area_ha, pv_usable_area_ha, turbine_site_area_ha, half_height_distance_m,
    plateau_max_inscribed_diameter_m, mean_flank_slope_deg, summit_rc, surfaces (DataFrame),
    excluded (dict reason -> ha), class_map (int array: -1 none, 0 plateau, 1 berm, 2+ flanks),
    usable (bool array), slope_deg, aspect_deg, turbine_candidate and turbine_site (bool arrays:
    the cells fit for a foundation, and those where a whole foundation disc fits), footprint
    (bool array of the analysed cells), exclusion_map (int array: index into
    :data:`~.columns.EXCLUSION_REASONS` of the reason that removed a cell, -1 none) and
    class_names (class code -> surface_class of the rows of ``surfaces``).
    """
    z = np.asarray(z, dtype="float64")
    foot = np.asarray(footprint, dtype=bool) & np.isfinite(z)
    cell_ha = res_m * res_m / 1e4
    slope, aspect = slope_aspect_horn(z, res_m, res_m, cfg.flat_slope_deg)
    summit = float(np.nanmax(np.where(foot, z, np.nan))) if foot.any() else float("nan")
    height = summit - base_m
    if summit_rc is None:
        summit_rc = _summit_centre(z, foot, summit, height)
    valid = foot & np.isfinite(slope)
    class_map, edges = _classify(z, slope, aspect, valid, base_m, height, cfg)
    res_mask = (
        (np.asarray(reserved, dtype=bool) & foot) if reserved is not None else np.zeros_like(foot)
    )
    layers = {k: np.asarray(v, dtype=bool) & foot for k, v in (layer_masks or {}).items()}
    usable, excluded, exclusion_map = _exclusions(
        valid, slope, aspect, res_mask, res_m, cfg, layers
    )
    surfaces = _surfaces(z, res_m, class_map, usable, slope, aspect, edges, cfg)
    codes = np.flatnonzero(np.bincount(class_map[usable & (class_map >= 0)].ravel()))
    _forest_split(surfaces, class_map, usable, forest, res_m, edges)
    plateau = class_map == _PLATEAU
    no_site = res_mask if site_exclude is None else res_mask | np.asarray(site_exclude, bool)
    candidate, site = _turbine_site(z, res_m, foot, slope, no_site, base_m, height, cfg)
    site_area = site.sum() * cell_ha
    flank_slopes = slope[class_map >= _FLANK0]
    return {
        "footprint_area_ha": float(foot.sum() * cell_ha),
        "summit_elevation_m": summit,
        "base_elevation_m": float(base_m),
        "relative_height_m": float(height),
        "plateau_area_ha": float(plateau.sum() * cell_ha),
        "pv_usable_area_ha": float(usable.sum() * cell_ha),
        "turbine_site_area_ha": float(site_area),
        "half_height_distance_m": half_height_distance(z, res_m, summit_rc, base_m, height),
        "plateau_max_inscribed_diameter_m": max_inscribed_diameter(plateau, res_m),
        "mean_flank_slope_deg": float(flank_slopes.mean()) if flank_slopes.size else float("nan"),
        "summit_rc": summit_rc,
        "surfaces": surfaces,
        "excluded": {k: float(v) for k, v in excluded.items()},
        "class_map": class_map,
        "usable": usable,
        "slope_deg": slope,
        "aspect_deg": aspect,
        "turbine_candidate": candidate,
        "turbine_site": site,
        "footprint": foot,
        "exclusion_map": exclusion_map,
        "class_names": dict(zip(codes.tolist(), surfaces["surface_class"], strict=True)),
    }


def _classify(z, slope, aspect, valid, base_m, height, cfg: TerrainConfig):
    """Class of every cell: plateau, berm or flank (tilt band x aspect sector); and band edges.

    Flat cells (slope < ``plateau_max_slope_deg``) in the top part of the heap (above base +
    ``plateau_min_rel_height`` x H) are plateau, lower flat cells berms, the rest flanks.
    """
    flat = valid & (slope < cfg.plateau_max_slope_deg)
    upper = z >= base_m + cfg.plateau_min_rel_height * height
    flank = valid & ~flat
    edges = flank_band_edges(cfg)
    band = np.clip(np.digitize(slope, edges) - 1, 0, len(edges) - 2)
    sector = aspect_sector_index(aspect)
    class_map = np.full(z.shape, -1, dtype=np.int64)
    class_map[flat & upper] = _PLATEAU
    class_map[flat & ~upper] = _BERM
    class_map[flank] = _FLANK0 + band[flank] * 8 + np.clip(sector[flank], 0, 7)
    return class_map, edges


def _exclusions(valid, slope, aspect, res_mask, res_m: float, cfg: TerrainConfig, layers=None):
    """Cells usable for PV, the area excluded per reason [ha] and the reason of every cell.

    Order: reserved, the constraint layers of ``layers`` (protected, landmark, forest, in the
    order given), too steep, north-facing, small patches; each cell counts for the first reason
    that removes it. The map holds the index into :data:`EXCLUSION_REASONS` (-1: not excluded).
    """
    cell_ha = res_m * res_m / 1e4
    gone = res_mask.copy()
    layer_ha = {}
    emap = np.full(valid.shape, -1, dtype=np.int16)
    emap[res_mask] = EXCLUSION_REASONS.index("reserved")
    for reason, mask in (layers or {}).items():
        hit = valid & mask & ~gone
        layer_ha[reason] = hit.sum() * cell_ha
        emap[hit] = EXCLUSION_REASONS.index(reason)
        gone |= hit
    too_steep = valid & ~gone & (slope > cfg.max_mounting_slope_deg)
    north = (
        valid
        & ~gone
        & ~too_steep
        & (slope >= cfg.north_min_slope_deg)
        & in_azimuth_sector(aspect, *cfg.north_sector_deg)
    )
    candidate = valid & ~gone & ~too_steep & ~north
    usable = remove_small_patches(candidate, res_m * res_m, cfg.min_patch_area_m2)
    small = candidate & ~usable
    for reason, mask in (("too_steep", too_steep), ("north", north), ("small_patch", small)):
        emap[mask] = EXCLUSION_REASONS.index(reason)
    excluded = {
        "reserved": res_mask.sum() * cell_ha,
        **layer_ha,
        "too_steep": too_steep.sum() * cell_ha,
        "north": north.sum() * cell_ha,
        "small_patch": small.sum() * cell_ha,
    }
    return usable, excluded, emap


def _surfaces(z, res_m, class_map, usable, slope, aspect, edges, cfg: TerrainConfig):
    """One row per surface class with usable area (:data:`SURFACE_COLUMNS`).

    Cells are grouped by class with one stable sort (each class's cells stay in raster order, as
    ``np.nonzero`` would give them).
    """
    cell_ha = res_m * res_m / 1e4
    labels = np.where(usable, class_map, -1)
    counts = np.bincount(labels[labels >= 0].ravel(), minlength=2 + 8 * (len(edges) - 1))
    gross = np.bincount(class_map[class_map >= 0].ravel(), minlength=counts.size)
    cells = np.flatnonzero(labels >= 0)
    cells = cells[np.argsort(labels.ravel()[cells], kind="stable")]
    bounds = np.concatenate([[0], np.cumsum(counts)])
    classes = np.flatnonzero(counts)
    horizons = _class_horizons(z, res_m, cells, counts, bounds, classes, cfg)
    slope_f, aspect_f = slope.ravel(), aspect.ravel()
    rows = []
    for k in classes:
        sel = cells[bounds[k] : bounds[k + 1]]
        name, kind, tband, sec, azim = _class_label(k, edges, aspect_f[sel])
        horizon = horizons[k].mean(axis=0) if k != _PLATEAU else np.zeros(N_HORIZON)
        rows.append(
            {
                "surface_class": name,
                "kind": kind,
                "tilt_band": tband,
                "azimuth_sector": sec,
                "surface_tilt_deg": float(np.mean(slope_f[sel])),
                "surface_azimuth_deg": azim,
                "area_ha": float(gross[k] * cell_ha),
                "usable_area_ha": float(counts[k] * cell_ha),
                "horizon_deg": [round(float(v), 2) for v in horizon],
            }
        )
    return pd.DataFrame(rows, columns=list(SURFACE_COLUMNS))


def _class_horizons(z, res_m, cells, counts, bounds, classes, cfg: TerrainConfig) -> dict:
    """Horizon angles [deg] (observers x azimuths) per class, from cells spread over each class.

    ``horizon_samples_per_class`` cells are taken per class (not the top plateau, whose horizon
    is open by definition), all classes in one vectorised pass of :func:`horizon_angles`.
    """
    n = cfg.horizon_samples_per_class
    picks = {}
    for k in classes:
        if k != _PLATEAU:
            m = int(counts[k])
            picks[k] = bounds[k] + np.unique(np.linspace(0, m - 1, min(n, m)).round().astype(int))
    if not picks:
        return {}
    obs = cells[np.concatenate(list(picks.values()))]
    ang = horizon_angles(
        z,
        res_m,
        obs // z.shape[1],
        obs % z.shape[1],
        cfg.horizon_observer_height_m,
        cfg.horizon_max_distance_m,
    )
    split = np.cumsum([len(v) for v in picks.values()])[:-1]
    return dict(zip(picks, np.split(ang, split), strict=True))


def _class_label(k: int, edges, aspect_deg) -> tuple[str, str, str, str, float]:
    """(surface_class, kind, tilt_band, azimuth_sector, surface_azimuth_deg) of class ``k``.

    Plateau and berms are laid out facing south (180 deg); a flank class faces the circular mean
    aspect of its cells ``aspect_deg``.
    """
    if k <= _BERM:
        name = "plateau" if k == _PLATEAU else "berm"
        return name, "plateau", f"0-{edges[0]:g}", "flat", 180.0
    b, s = divmod(k - _FLANK0, 8)
    tband = f"{edges[b]:g}-{edges[b + 1]:g}"
    sec = SECTORS[s]
    return f"flank_{sec}_{tband}", "flank", tband, sec, _circular_mean_deg(aspect_deg)


def _turbine_site(z, res_m, foot, slope, res_mask, base_m, height, cfg: TerrainConfig):
    """Cells fit for a foundation, and cells where a level ``turbine_site_diameter_m`` disc fits.

    Cells are fit when level enough, high enough (top part of the heap) and not excluded
    (``res_mask``: reserved, protected, landmark buffer). Returns (candidate, site) bool arrays.
    """
    site = (
        foot
        & np.isfinite(slope)
        & (slope <= cfg.turbine_site_max_slope_deg)
        & (z >= base_m + cfg.turbine_site_min_rel_height * height)
        & ~res_mask
    )
    return site, disc_opening(site, res_m, cfg.turbine_site_diameter_m)


def site_opening(candidate, res_m: float, cfg: TerrainConfig):
    """Cells where a whole ``turbine_site_diameter_m`` disc fits into ``candidate`` (bool array)."""
    return disc_opening(candidate, res_m, cfg.turbine_site_diameter_m)


def _forest_split(surfaces, class_map, usable, forest, res_m: float, edges) -> None:
    """Add the forest/open split columns to ``surfaces`` (in place; NaN without a forest layer).

    ``usable_open_area_ha``: usable cells outside forest; ``forest_area_ha`` / ``open_area_ha``:
    the class's cells in / outside forest [ha].
    """
    cols = ("usable_open_area_ha", "forest_area_ha", "open_area_ha")
    if forest is None or surfaces.empty:
        for c in cols:
            surfaces[c] = np.nan
        return
    cell_ha = res_m * res_m / 1e4
    forest = np.asarray(forest, dtype=bool)
    n = 2 + 8 * (len(edges) - 1)
    valid = class_map >= 0

    def count(mask):
        return np.bincount(class_map[valid & mask].ravel(), minlength=n) * cell_ha

    per = {
        "usable_open_area_ha": count(usable & ~forest),
        "forest_area_ha": count(forest),
        "open_area_ha": count(~forest),
    }
    # the rows of _surfaces: classes with usable cells, in class-code order
    codes = np.flatnonzero(np.bincount(class_map[usable & valid].ravel(), minlength=n))
    for c in cols:
        surfaces[c] = [float(per[c][k]) for k in codes]


def _summit_centre(z, foot, summit, height):
    """(row, col) of the summit: a plateau's centre, else the highest cell.

    The centroid of the cells within 2 % of H (at least 0.5 m) of the summit is taken if it lies
    among them. The tolerance is an assumption: it gathers a plateau's cells (DGM1 noise and
    gentle plateau slopes stay within it) without reaching down the flanks.
    """
    tol = max(0.5, 0.02 * height) if np.isfinite(height) else 0.5
    top = foot & (z >= summit - tol)
    rr, cc = np.nonzero(top)
    if rr.size == 0:
        return (z.shape[0] // 2, z.shape[1] // 2)
    r0, c0 = round(rr.mean()), round(cc.mean())
    if top[r0, c0]:
        return (r0, c0)
    k = int(np.nanargmax(np.where(foot, z, -np.inf)))
    return divmod(k, z.shape[1])
