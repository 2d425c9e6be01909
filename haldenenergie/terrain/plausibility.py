"""Plausibility checks of a heap's DEM terrain: vertical units, nodata holes, flank slopes.

Well-formed but wrong elevation data give confident wrong numbers, so DEM mode checks:

- **vertical units**: the heights of the window against the Ruhr area's elevation range
  (``[terrain] dem_elevation_range_m``) and the DEM summit against the registry's
  ``height_asl_m`` / ``height_rel_m``; a ratio near 100 (centimetres) or 3.281 (feet) is an
  error (:class:`DemUnitsError`, never answered by a parametric fallback);
- **nodata holes** in or at the heap's footprint: holes up to ``nodata_fill_max_area_m2`` are
  filled by inverse-distance interpolation (GDAL FillNodata) with a warning, larger ones, or more
  than ``nodata_max_share`` of the footprint, refuse the DEM for that heap (TerrainError);
- **flank slopes** steeper than dumped spoil can stand (``max_flank_slope_deg``): a warning;
- **DEM vs registry**: relative height or footprint differing by more than
  ``fact_mismatch_factor`` (:func:`fact_mismatch_warnings`): a warning.

Warnings are returned as plain sentences for the heap's ``warnings``; the stage logs them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import ndimage

from ..errors import TerrainError
from .config import TerrainConfig
from .dem import DemFileError
from .limits import DEM_UNIT_SUSPECTS, RUHR_HIGHEST_GROUND_M

__all__ = [
    "DemUnitsError",
    "check_elevation_range",
    "check_vertical_units",
    "fact_mismatch_warnings",
    "fill_small_holes",
    "flank_slope_warnings",
    "hole_warnings",
    "peak_height",
]


class DemUnitsError(DemFileError):
    """DEM heights that are not metres (centimetres, feet) or carry an undeclared nodata value."""


def fact_mismatch_warnings(
    heap: Any, relative_height_m: float, footprint_area_ha: float, factor: float
) -> list[str]:
    """Warnings where DEM-derived figures differ from the registry's by more than ``factor``.

    Parameters
    ----------
    heap : Heap (uses ``height_rel_m`` [m] and ``area_ha`` [ha]; None = not compared).
    relative_height_m, footprint_area_ha : the DEM's figures [m], [ha].
    factor : ratio beyond which a warning is given (>= 1).

    Returns
    -------
    list of str : one plain sentence per mismatch (empty if none).
    """
    out = []
    for label, dem_value, fact, unit in (
        ("relative height", relative_height_m, getattr(heap, "height_rel_m", None), "m"),
        ("footprint", footprint_area_ha, getattr(heap, "area_ha", None), "ha"),
    ):
        if fact is None or not np.isfinite(dem_value) or fact <= 0 or dem_value <= 0:
            continue
        ratio = dem_value / fact
        if ratio < 1 / factor or ratio > factor:
            out.append(
                f"DEM {label} {dem_value:.0f} {unit} vs registry {fact:g} {unit}: check "
                f"the heap's coordinates, the DEM's coverage and resolution, or give a "
                f"footprint polygon"
            )
    return out


def _unit_suspect(ratio: float, tolerance: float) -> tuple[str, float, float] | None:
    """(unit name, expected ratio, scale to metres) if ``ratio`` is near a unit factor."""
    if not (np.isfinite(ratio) and ratio > 0):
        return None
    for name, factor, scale in DEM_UNIT_SUSPECTS:
        if factor / tolerance <= ratio <= factor * tolerance:
            return name, factor, scale
    return None


def _unit_fix(label: str, scale: float) -> str:
    """The fix for DEM heights in another unit: convert, or scale on reading."""
    return (
        f'convert the DEM to metres (e.g. gdal_calc.py -A {label} --calc="A*{scale:g}" '
        f"--outfile=metres.tif) or set [terrain] dem_vertical_scale = {scale:g}"
    )


def peak_height(z: np.ndarray, tr: Any, xy: tuple[float, float], radius_m: float, within) -> float:
    """Highest height [m] within ``radius_m`` of ``xy`` (or inside ``within``); NaN if none."""
    res = tr.a
    rr, cc = np.ogrid[0 : z.shape[0], 0 : z.shape[1]]
    r0, c0 = (tr.f - xy[1]) / res, (xy[0] - tr.c) / res
    near = np.hypot(rr - r0, cc - c0) * res <= max(radius_m, res)
    probe = within if within is not None and within.any() else near
    vals = z[probe & np.isfinite(z)]
    return float(vals.max()) if vals.size else float("nan")


def check_elevation_range(
    z: np.ndarray, heap: Any, cfg: TerrainConfig, label: str, peak_m: float
) -> None:
    """Raise :class:`DemUnitsError` if the window's heights leave the Ruhr's elevation range.

    Parameters
    ----------
    z : the heap's DEM window [m] (NaN = nodata).
    heap : Heap (``id``, ``height_asl_m`` [m a.s.l.] for the unit guess).
    cfg : TerrainConfig (``dem_elevation_range_m``, ``dem_unit_ratio_tolerance``).
    label : DEM file name(s) for the message.
    peak_m : highest height near the heap [m] (for the evidence).

    Notes
    -----
    The 0.5 % and 99.5 % quantiles of the window are compared, so single spikes do not count.
    The unit is guessed from the peak / registry ``height_asl_m`` ratio.
    """
    vals = z[np.isfinite(z)]
    if not vals.size:
        return
    low, high = cfg.dem_elevation_range_m
    q_lo, q_hi = (float(v) for v in np.percentile(vals, [0.5, 99.5]))
    if low <= q_lo and q_hi <= high:
        return
    evidence = f"reach {q_hi:,.0f} m" if q_hi > high else f"go down to {q_lo:,.0f} m"
    asl = getattr(heap, "height_asl_m", None)
    suspect, ratio_txt = None, ""
    if asl and q_hi > high:
        ratio = peak_m / asl
        suspect = _unit_suspect(ratio, cfg.dem_unit_ratio_tolerance)
        ratio_txt = (
            f", summit {peak_m:,.0f} m vs registry height_asl_m {asl:g} m (ratio {ratio:.3g})"
        )
    if suspect is not None:
        cause = f"heights look like {suspect[0]}; {_unit_fix(label, suspect[2])}"
    else:
        cause = (
            "a wrong vertical unit or an undeclared nodata value (e.g. -9999 without a nodata "
            "tag); convert the heights to metres ([terrain] dem_vertical_scale) or declare the "
            f"nodata value (gdal_edit.py -a_nodata -9999 {label})"
        )
    raise DemUnitsError(
        f"{label}: DEM heights around heap {heap.id} {evidence} a.s.l.{ratio_txt}, outside the "
        f"Ruhr area's {low:g} to {high:g} m ([terrain] dem_elevation_range_m; its highest "
        f"ground, the Wengeberg, is {RUHR_HIGHEST_GROUND_M:g} m): {cause}"
    )


def check_vertical_units(
    summit_m: float, relative_height_m: float, heap: Any, cfg: TerrainConfig, label: str
) -> None:
    """Raise :class:`DemUnitsError` if the DEM's heights are the registry's times 100 or 3.281.

    Parameters
    ----------
    summit_m, relative_height_m : the DEM's summit [m a.s.l.] and relative height [m].
    heap : Heap (``height_asl_m``, else ``height_rel_m``, is compared; neither: no check).
    cfg : TerrainConfig (``dem_unit_ratio_tolerance``).
    label : DEM file name(s) for the message.
    """
    asl = getattr(heap, "height_asl_m", None)
    rel = getattr(heap, "height_rel_m", None)
    if asl:
        what, dem_value, fact = "summit", summit_m, ("height_asl_m", asl)
    elif rel:
        what, dem_value, fact = "relative height", relative_height_m, ("height_rel_m", rel)
    else:
        return
    ratio = dem_value / fact[1]
    suspect = _unit_suspect(ratio, cfg.dem_unit_ratio_tolerance)
    if suspect is None:
        return
    name, factor, scale = suspect
    raise DemUnitsError(
        f"{label}: heap {heap.id}: DEM {what} {dem_value:,.0f} m vs registry {fact[0]} "
        f"{fact[1]:g} m, ratio {ratio:.3g} (about {factor:.4g}): heights look like {name}; "
        f"{_unit_fix(label, scale)} (if the DEM is in metres, the registry's {fact[0]} is "
        "wrong: correct it)"
    )


def fill_small_holes(
    z: np.ndarray, res_m: float, cfg: TerrainConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill enclosed nodata holes up to ``nodata_fill_max_area_m2`` by interpolation.

    Parameters
    ----------
    z : DEM window [m], NaN = nodata.
    res_m : cell size [m].
    cfg : TerrainConfig (``nodata_fill_max_area_m2``).

    Returns
    -------
    z : the window with small holes filled (the input itself if it has none).
    filled : bool array of the interpolated cells.
    big : bool array of enclosed holes too large to fill (still NaN).

    Notes
    -----
    A hole is a connected nodata region (8-neighbourhood) that does not touch the window's
    edge; nodata reaching the edge is the DEM's coverage ending, not a hole. Filling is GDAL's
    FillNodata (inverse distance weighting from the hole's rim, no smoothing).
    """
    nodata = ~np.isfinite(z)
    none = np.zeros(z.shape, dtype=bool)
    if not nodata.any():
        return z, none, none
    lab, n = ndimage.label(nodata, structure=np.ones((3, 3), dtype=bool))
    edge = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    sizes = ndimage.sum(nodata, lab, index=np.arange(n + 1)) * res_m * res_m
    interior = np.ones(n + 1, dtype=bool)
    interior[edge] = False
    interior[0] = False
    small_ids = interior & (sizes <= cfg.nodata_fill_max_area_m2)
    filled, big = small_ids[lab], (interior & ~small_ids)[lab]
    if not filled.any():
        return z, none, big
    from rasterio.fill import fillnodata

    reach = 2.0 * math.sqrt(cfg.nodata_fill_max_area_m2) / res_m + 2.0
    src = np.where(nodata, 0.0, z)
    interpolated = fillnodata(src, mask=(~nodata).astype("uint8"), max_search_distance=reach)
    out = z.copy()
    out[filled] = interpolated[filled]
    return out, filled, big


def hole_warnings(
    foot: np.ndarray,
    filled: np.ndarray,
    big: np.ndarray,
    res_m: float,
    cfg: TerrainConfig,
    heap_id: str,
    label: str,
) -> list[str]:
    """Warning about holes filled in a heap's footprint; TerrainError for too large ones.

    Parameters
    ----------
    foot : bool array, the heap's footprint (on the filled window).
    filled, big : from :func:`fill_small_holes`.
    res_m : cell size [m].
    cfg : TerrainConfig (``nodata_fill_max_area_m2``, ``nodata_max_share``).
    heap_id, label : heap id and DEM file name(s) for the messages.

    Returns
    -------
    list of str : one warning if holes in or at the footprint were filled, else empty.

    Raises
    ------
    TerrainError : an enclosed hole too large to fill touches the footprint, or the filled
        cells exceed ``nodata_max_share`` of it (a DEM fallback reason in multi-heap runs).
    """
    if not (filled.any() or big.any()):
        return []
    near = ndimage.binary_dilation(ndimage.binary_fill_holes(foot), iterations=2)
    cell_ha = res_m * res_m / 1e4
    fix = "fill the gap from other tiles or with gdal_fillnodata.py, or leave --dem out"
    if (big & near).any():
        lab, _ = ndimage.label(big, structure=np.ones((3, 3), dtype=bool))
        ids = np.unique(lab[big & near])
        area = max(float((lab == i).sum()) for i in ids) * cell_ha
        raise TerrainError(
            f"{label}: nodata hole of {area:.2f} ha in the footprint of heap {heap_id}, "
            f"too large to interpolate ([terrain] nodata_fill_max_area_m2 = "
            f"{cfg.nodata_fill_max_area_m2:g} m2); {fix}"
        )
    here = filled & near
    if not here.any():
        return []
    share = float(here.sum()) / max(float(foot.sum()), 1.0)
    area = float(here.sum()) * cell_ha
    if share > cfg.nodata_max_share:
        raise TerrainError(
            f"{label}: nodata holes cover {share:.1%} ({area:.2f} ha) of the footprint of heap "
            f"{heap_id}, more than [terrain] nodata_max_share = {cfg.nodata_max_share:g}; {fix}"
        )
    n = ndimage.label(here, structure=np.ones((3, 3), dtype=bool))[1]
    return [
        f"{n} nodata hole(s) of {area:.2f} ha in the DEM ({share:.1%} of the footprint) filled "
        "by inverse-distance interpolation (GDAL FillNodata); heights there are estimates"
    ]


def flank_slope_warnings(mean_flank_slope_deg: float, cfg: TerrainConfig) -> list[str]:
    """Warning if the mean flank slope [deg] exceeds ``max_flank_slope_deg`` (angle of repose).

    Parameters
    ----------
    mean_flank_slope_deg : the heap's mean flank slope [deg] (NaN: no flanks, no warning).
    cfg : TerrainConfig (``max_flank_slope_deg``).

    Returns
    -------
    list of str : one warning, or empty.
    """
    if not (np.isfinite(mean_flank_slope_deg) and mean_flank_slope_deg > cfg.max_flank_slope_deg):
        return []
    return [
        f"mean flank slope {mean_flank_slope_deg:.1f} deg is steeper than dumped spoil "
        f"stands ([terrain] max_flank_slope_deg = {cfg.max_flank_slope_deg:g}, angle of "
        "repose 34-40 deg): check the registry's area_ha and height_rel_m, the footprint "
        "polygon, or the DEM's vertical unit"
    ]
