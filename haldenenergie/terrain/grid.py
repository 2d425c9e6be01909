"""Pure array functions on a square metric elevation grid (row 0 north, columns west to east).

Slope and aspect by Horn (1981), aspect sectors, small-patch removal, horizon angles, the
half-height distance L of Taylor & Lee (1984), inscribed discs and disc openings. Nothing here
knows about heaps, DEM files or configuration beyond :class:`TerrainConfig`'s tilt bands.
Azimuths are degrees clockwise from north (N = 0, E = 90), the convention of Horn (1981) and of
solar azimuths in pvlib.

References
----------
Horn, B. K. P. (1981): Hill shading and the reflectance map. Proc. IEEE 69(1), 14-47.
Taylor, P. A., Lee, R. J. (1984): Simple guidelines for estimating wind speed variations due to
small-scale topographic features. Climatological Bulletin 18(2), 3-32.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage

from .config import TerrainConfig

#: Aspect sectors of 45 deg centred on N, NE, ... (azimuths clockwise from north).
SECTORS: tuple[str, ...] = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
#: Number of horizon azimuths: 0, 10, ..., 350 deg (the ``horizon_deg`` lists of the surfaces
#: table have this many entries).
N_HORIZON = 36


def slope_aspect_horn(
    z: ArrayLike, dx_m: float, dy_m: float | None = None, flat_slope_deg: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Slope and aspect of a gridded surface by Horn's (1981) 3x3 method.

    Parameters
    ----------
    z : 2-D array of elevation [m]; row 0 is the northern edge, columns run west to east.
    dx_m, dy_m : cell size east-west and north-south [m] (``dy_m`` defaults to ``dx_m``).
    flat_slope_deg : below this slope [deg] the aspect is undefined (NaN).

    Returns
    -------
    slope_deg : slope [deg], NaN on the outer ring of cells and next to NaN elevations.
    aspect_deg : direction the slope faces (downhill), clockwise from north [deg] in [0, 360);
        NaN where the slope is below ``flat_slope_deg`` or undefined.

    Notes
    -----
    With the window ``a b c / d e f / g h i`` (a = north-west):
    dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 dx),
    dz/dy (north) = ((a + 2b + c) - (g + 2h + i)) / (8 dy),
    slope = atan(hypot(dz/dx, dz/dy)), aspect = atan2(-dz/dx, -dz/dy) (the downhill direction).

    Examples
    --------
    >>> x = np.arange(5) * 10.0
    >>> z = np.tile(-x * np.tan(np.radians(20)), (5, 1))   # falls to the east
    >>> s, a = slope_aspect_horn(z, 10.0)
    >>> round(float(s[2, 2]), 6), round(float(a[2, 2]), 6)
    (20.0, 90.0)
    """
    z = np.asarray(z, dtype="float64")
    dy_m = dx_m if dy_m is None else dy_m
    slope = np.full(z.shape, np.nan)
    aspect = np.full(z.shape, np.nan)
    if z.shape[0] < 3 or z.shape[1] < 3:
        return slope, aspect
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8.0 * dx_m)
    dzdy = ((a + 2 * b + c) - (g + 2 * h + i)) / (8.0 * dy_m)
    s = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    asp = np.degrees(np.arctan2(-dzdx, -dzdy)) % 360.0
    asp = np.where(s < flat_slope_deg, np.nan, asp)
    slope[1:-1, 1:-1] = s
    aspect[1:-1, 1:-1] = asp
    return slope, aspect


def aspect_sector_index(aspect_deg: ArrayLike) -> np.ndarray:
    """Index of the 45-deg aspect sector an azimuth falls in.

    Parameters
    ----------
    aspect_deg : array-like
        Aspect [deg] clockwise from north; NaN = flat (no aspect).

    Returns
    -------
    ndarray of int
        0..7 for N, NE, E, SE, S, SW, W, NW (sectors centred on 0, 45, ... deg); -1 for NaN.
    """
    asp = np.asarray(aspect_deg, dtype="float64")
    idx = np.floor(((np.nan_to_num(asp) + 22.5) % 360.0) / 45.0).astype(np.int64)
    return np.where(np.isnan(asp), -1, idx)


def in_azimuth_sector(aspect_deg: ArrayLike, start_deg: float, end_deg: float) -> np.ndarray:
    """Whether azimuths lie in a clockwise sector.

    Parameters
    ----------
    aspect_deg : array-like
        Azimuth [deg] clockwise from north (any value; wrapped into [0, 360)). NaN gives False.
    start_deg, end_deg : float
        Sector from ``start_deg`` clockwise to ``end_deg`` [deg], both included; it wraps through
        north when ``start_deg > end_deg`` (e.g. 292.5 to 67.5).

    Returns
    -------
    ndarray of bool
    """
    asp = np.asarray(aspect_deg, dtype="float64")
    bad = (asp < 0) | (asp >= 360.0)  # NaN compares False; avoid % on NaN (slow)
    if bad.any():
        asp = asp.copy()
        asp[bad] = asp[bad] % 360.0
    start, end = start_deg % 360.0, end_deg % 360.0
    if start <= end:
        return (asp >= start) & (asp <= end)
    return (asp >= start) | (asp <= end)


def flank_band_edges(cfg: TerrainConfig) -> list[float]:
    """Edges of the flank tilt bands.

    Parameters
    ----------
    cfg : TerrainConfig
        Uses ``plateau_max_slope_deg``, ``tilt_bands_deg`` and ``max_mounting_slope_deg``.

    Returns
    -------
    list of float
        Band edges [deg]: the plateau threshold, the configured edges between it and the mounting
        limit, and the mounting limit.
    """
    thr, top = cfg.plateau_max_slope_deg, cfg.max_mounting_slope_deg
    edges = [thr] + [e for e in cfg.tilt_bands_deg if thr < e < top]
    edges.append(top)
    return edges


def remove_small_patches(mask: ArrayLike, cell_area_m2: float, min_area_m2: float) -> np.ndarray:
    """Drop 8-connected patches of ``mask`` smaller than ``min_area_m2``.

    Parameters
    ----------
    mask : 2-D bool array
        Candidate cells.
    cell_area_m2 : float
        Area of one cell [m2].
    min_area_m2 : float
        Smallest patch kept [m2]; 0 keeps everything.

    Returns
    -------
    kept : bool array, the patches of at least ``min_area_m2``.
    """
    mask = np.asarray(mask, dtype=bool)
    if min_area_m2 <= 0 or not mask.any():
        return mask.copy()
    labels, n = ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))
    sizes = np.bincount(labels.ravel(), minlength=n + 1) * cell_area_m2
    keep = sizes >= min_area_m2
    keep[0] = False
    return keep[labels]


def _ray_steps(res_m: float, max_distance_m: float) -> np.ndarray:
    """Distances [m] along a ray: one cell apart near the start, +10 % per step further out."""
    d, out = res_m, []
    while d <= max_distance_m:
        out.append(d)
        d = max(d + res_m, d * 1.1)
    return np.asarray(out if out else [res_m])


def _round_half_away(x):
    """Round to the nearest integer, exact halves away from zero.

    ``x`` within 1e-9 of a half counts as a half, so float noise such as
    sin(30 deg) = 0.49999999999999994 does not decide.
    """
    x = np.round(np.asarray(x, dtype="float64"), 9)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)


@functools.lru_cache(maxsize=32)
def _ray_offsets(res_m: float, max_distance_m: float, n_azimuth: int):
    """Cell offsets sampled along the horizon rays, the same for every observer cell.

    The ray of azimuth ``a`` samples, at each distance ``d`` of :func:`_ray_steps`, the cell whose
    centre is nearest to the point ``d`` metres away (east = +col, north = -row); where the point
    lies half-way between two cells (e.g. azimuth 30 deg at one cell's distance) the cell farther
    from the observer is taken (:func:`_round_half_away`), which keeps the rays mirror-symmetric
    (a cone gives the same horizon to the east as to the west). Cells a ray hits twice (near the
    start, where steps are shorter than a cell diagonal) are kept once.

    Returns
    -------
    dr, dc : int64 arrays, row and column offsets, grouped by azimuth.
    inv_dist : float64 array, 1 / (true distance of the offset cell centre [m]).
    starts : int64 array (n_azimuth,), index of each azimuth's first offset.
    """
    az = np.radians(np.arange(n_azimuth) * 360.0 / n_azimuth)
    d = _ray_steps(res_m, max_distance_m)
    dc = _round_half_away(np.sin(az)[:, None] * d[None, :] / res_m)
    dr = _round_half_away(-np.cos(az)[:, None] * d[None, :] / res_m)
    # A ray moves outward monotonically, so a repeated cell repeats the previous step's cell.
    first = np.ones(dr.shape, dtype=bool)
    first[:, 1:] = (dr[:, 1:] != dr[:, :-1]) | (dc[:, 1:] != dc[:, :-1])
    keep = first & ((dr != 0) | (dc != 0))
    starts = np.concatenate([[0], np.cumsum(keep.sum(axis=1))[:-1]])
    dr_all, dc_all = dr[keep], dc[keep]  # row-major: grouped by azimuth
    inv_dist = 1.0 / (np.hypot(dr_all, dc_all) * res_m)
    starts = starts.astype(np.int64)
    for arr in (dr_all, dc_all, inv_dist, starts):
        arr.setflags(write=False)  # cached: shared by all callers
    return dr_all, dc_all, inv_dist, starts


#: Largest (observers x ray samples) block gathered at once by :func:`horizon_angles` (memory:
#: ~16 bytes per element, i.e. ~64 MB).
_HORIZON_BLOCK = 4_000_000


def horizon_angles(
    z: ArrayLike,
    res_m: float,
    rows: ArrayLike,
    cols: ArrayLike,
    observer_height_m: float = 1.0,
    max_distance_m: float = 1500.0,
    n_azimuth: int = N_HORIZON,
) -> np.ndarray:
    """Horizon elevation angle [deg] seen from each of some cells of a grid.

    Parameters
    ----------
    z : 2-D elevation [m] (row 0 north), NaN = unknown (ignored).
    res_m : cell size [m].
    rows, cols : int indices of the observer cells.
    observer_height_m : eye height above the ground [m].
    max_distance_m : farthest distance marched [m].
    n_azimuth : number of azimuths 0, 360/n, ... [deg clockwise from north].

    Returns
    -------
    ndarray (n_observers, n_azimuth) : horizon angle [deg], negative angles set to 0 (the sky
        down to the horizontal is open).

    Notes
    -----
    Rays are marched one cell apart near the observer and 10 % further per step beyond ten cells
    (:func:`_ray_steps`), sampling the nearest cell centre (:func:`_ray_offsets`, ties away from
    the observer) and using its true distance; the horizon is the largest elevation angle of the
    samples. All observers and azimuths are done in one vectorised gather: the grid is cut to the
    observers' bounding box plus the ray reach (padded with -inf where that leaves the grid; NaN
    likewise becomes -inf), so a sample is the flat index ``observer + offset``, and the maximum
    per azimuth is a ``np.maximum.reduceat`` over that azimuth's offsets.
    """
    z = np.asarray(z, dtype="float64")
    rows = np.asarray(rows, dtype=np.int64).ravel()
    cols = np.asarray(cols, dtype=np.int64).ravel()
    best = np.full((rows.size, n_azimuth), -np.inf)
    if rows.size == 0:
        return best
    dr, dc, inv_dist, starts = _ray_offsets(float(res_m), float(max_distance_m), int(n_azimuth))
    reach_r, reach_c = int(np.abs(dr).max()), int(np.abs(dc).max())
    r0, r1 = int(rows.min()) - reach_r, int(rows.max()) + reach_r + 1
    c0, c1 = int(cols.min()) - reach_c, int(cols.max()) + reach_c + 1
    ny, nx = z.shape
    box = np.full((r1 - r0, c1 - c0), -np.inf)
    sr0, sr1, sc0, sc1 = max(r0, 0), min(r1, ny), max(c0, 0), min(c1, nx)
    part = z[sr0:sr1, sc0:sc1]
    box[sr0 - r0 : sr1 - r0, sc0 - c0 : sc1 - c0] = np.where(np.isnan(part), -np.inf, part)
    flat = box.ravel()
    width = box.shape[1]
    offset = dr * width + dc
    obs = (rows - r0) * width + (cols - c0)
    z0 = z[rows, cols] + observer_height_m
    step = max(1, _HORIZON_BLOCK // offset.size)
    for i in range(0, rows.size, step):
        zz = flat[obs[i : i + step, None] + offset[None, :]]
        zz -= z0[i : i + step, None]
        zz *= inv_dist[None, :]
        best[i : i + step] = np.maximum.reduceat(zz, starts, axis=1)
    return np.degrees(np.arctan(np.clip(best, 0.0, None)))


def horizon_profile(
    z: ArrayLike,
    res_m: float,
    rows: ArrayLike,
    cols: ArrayLike,
    observer_height_m: float = 1.0,
    max_distance_m: float = 1500.0,
    n_azimuth: int = N_HORIZON,
) -> np.ndarray:
    """Mean horizon elevation angle [deg] seen from some cells of a grid, at ``n_azimuth`` azimuths.

    Parameters
    ----------
    z : 2-D elevation [m] (row 0 north), NaN = unknown (ignored).
    res_m : cell size [m].
    rows, cols : indices of the observer cells.
    observer_height_m : eye height above the ground [m].
    max_distance_m : farthest distance marched [m].
    n_azimuth : number of azimuths 0, 360/n, ... [deg clockwise from north].

    Returns
    -------
    ndarray (n_azimuth,) : horizon angle [deg] averaged over the observers, negative angles set to
        0 (the sky down to the horizontal is open). See :func:`horizon_angles`.
    """
    ang = horizon_angles(z, res_m, rows, cols, observer_height_m, max_distance_m, n_azimuth)
    return ang.mean(axis=0) if len(ang) else np.zeros(n_azimuth)


def half_height_distance(
    z: ArrayLike,
    res_m: float,
    summit_rc: tuple[int, int],
    base_m: float,
    height_m: float,
    n_directions: int = 36,
) -> float:
    """Mean horizontal distance [m] from the summit to where the elevation falls to base + H/2.

    This is L of Taylor & Lee (1984) for the fractional speed-up dS ~ B H / L. Rays are marched
    outward from ``summit_rc`` in ``n_directions`` directions in half-cell steps; the crossing is
    interpolated linearly. Directions that leave the grid or hit NaN before the crossing are
    ignored; NaN if no direction crosses.

    Parameters
    ----------
    z : 2-D array
        Elevation [m] (row 0 north), NaN = unknown.
    res_m : float
        Cell size [m].
    summit_rc : tuple of int
        (row, col) of the summit.
    base_m : float
        Base elevation [m a.s.l.].
    height_m : float
        Relative height H [m].
    n_directions : int
        Number of rays, evenly spaced from north clockwise.

    Returns
    -------
    float
        L [m], the mean over the rays that cross base + H/2.
    """
    z = np.asarray(z, dtype="float64")
    half = base_m + height_m / 2.0
    az = np.radians(np.arange(n_directions) * 360.0 / n_directions)
    dmax = math.hypot(*z.shape) * res_m
    d = np.arange(0.0, dmax, res_m / 2.0)
    r = summit_rc[0] - np.cos(az)[:, None] * d[None] / res_m
    c = summit_rc[1] + np.sin(az)[:, None] * d[None] / res_m
    ri, ci = np.rint(r).astype(np.int64), np.rint(c).astype(np.int64)
    inside = (ri >= 0) & (ri < z.shape[0]) & (ci >= 0) & (ci < z.shape[1])
    zz = np.where(inside, z[np.clip(ri, 0, z.shape[0] - 1), np.clip(ci, 0, z.shape[1] - 1)], np.nan)
    below = np.nan_to_num(zz, nan=np.inf) <= half
    out = []
    for k in range(n_directions):
        idx = np.flatnonzero(below[k])
        if idx.size == 0 or idx[0] == 0:
            continue
        j = idx[0]
        if np.isnan(zz[k, :j]).any():
            continue
        z1, z2 = zz[k, j - 1], zz[k, j]
        frac = (z1 - half) / (z1 - z2) if z1 != z2 else 0.0
        out.append(d[j - 1] + frac * (d[j] - d[j - 1]))
    return float(np.mean(out)) if out else float("nan")


def max_inscribed_diameter(mask: ArrayLike, res_m: float) -> float:
    """Diameter of the largest disc that fits inside a mask (Euclidean distance transform).

    Parameters
    ----------
    mask : 2-D bool array
    res_m : float
        Cell size [m].

    Returns
    -------
    float
        Diameter [m] (to about one cell); 0 for an empty mask.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return 0.0
    edt = ndimage.distance_transform_edt(np.pad(mask[_bbox(mask)], 1))  # same result, less work
    return float(2.0 * edt.max() * res_m - res_m)


def _bbox(mask) -> tuple[slice, slice]:
    """Slices of the bounding box of the True cells of a non-empty 2-D mask."""
    rr = np.flatnonzero(mask.any(axis=1))
    cc = np.flatnonzero(mask.any(axis=0))
    return slice(rr[0], rr[-1] + 1), slice(cc[0], cc[-1] + 1)


def disc_opening(mask: ArrayLike, res_m: float, diameter_m: float) -> np.ndarray:
    """Cells of a mask covered by a disc that lies wholly inside the mask (morphological opening).

    Parameters
    ----------
    mask : 2-D bool array
    res_m : float
        Cell size [m].
    diameter_m : float
        Disc diameter [m].

    Returns
    -------
    2-D bool array
    """
    mask = np.asarray(mask, dtype=bool)
    out = np.zeros_like(mask)
    if not mask.any():
        return out
    rad = diameter_m / 2.0 / res_m
    n = math.ceil(rad)
    yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
    disc = (xx**2 + yy**2) <= rad**2
    # Only the mask's bounding box can change (padded by the disc radius, as outside the grid).
    box = _bbox(mask)
    padded = np.pad(mask[box], n + 1)
    opened = ndimage.binary_opening(padded, structure=disc)
    out[box] = opened[n + 1 : -(n + 1), n + 1 : -(n + 1)]
    return out


def _circular_mean_deg(a) -> float:
    a = np.radians(np.asarray(a, dtype="float64"))
    a = a[~np.isnan(a)]
    if a.size == 0:
        return float("nan")
    v = float(np.degrees(np.arctan2(np.sin(a).mean(), np.cos(a).mean())) % 360.0)
    return 0.0 if v > 360.0 - 1e-9 else v  # -1e-15 % 360 gives 360
