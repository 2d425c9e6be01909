"""Siting: tower positions that fit on a heap's turbine site, and the assumed existing layout.

Towers stand on a lattice with ``spacing_along`` rotor diameters between rows along the main wind
direction (south-west in the Ruhr) and ``spacing_across`` within a row, fitted into an ellipse
(default) or rectangle of the terrain's turbine site area. Zero turbines when the site is smaller
than a foundation needs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._values import num
from .config import SITE_SHAPES, WindConfig


def _unit_vectors(azimuth_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """(along, across) unit vectors east/north for an azimuth clockwise from north [deg]."""
    a = math.radians(azimuth_deg)
    return np.array([math.sin(a), math.cos(a)]), np.array([math.cos(a), -math.sin(a)])


def _lattice(
    half_m: float, spacing_along_m: float, spacing_across_m: float, wind_deg: float, n_offsets: int
) -> tuple[np.ndarray, np.ndarray]:
    """East and north [m] of every lattice point (columns) for every trial offset (rows)."""
    ua, uc = _unit_vectors(wind_deg)
    ni = int(half_m // spacing_along_m) + 2
    nj = int(half_m // spacing_across_m) + 2
    ii, jj = np.meshgrid(np.arange(-ni, ni + 1), np.arange(-nj, nj + 1), indexing="ij")
    fa, fc = np.meshgrid(
        np.arange(n_offsets) / n_offsets, np.arange(n_offsets) / n_offsets, indexing="ij"
    )
    # (offsets, lattice points) along/across coordinates, then east/north
    pa = (ii.ravel()[None, :] + fa.ravel()[:, None]) * spacing_along_m
    pc = (jj.ravel()[None, :] + fc.ravel()[:, None]) * spacing_across_m
    return pa * ua[0] + pc * uc[0], pa * ua[1] + pc * uc[1]


def _inside_site(
    east: np.ndarray,
    north: np.ndarray,
    length_m: float,
    width_m: float,
    shape: str,
    site_orientation_deg: float,
) -> np.ndarray:
    """Mask of the points inside the site (boundary included)."""
    us, ut = _unit_vectors(site_orientation_deg)
    s = east * us[0] + north * us[1]
    t = east * ut[0] + north * ut[1]
    if shape == "ellipse":
        return (s / (length_m / 2)) ** 2 + (t / (width_m / 2)) ** 2 <= 1 + 1e-9
    eps = 1e-9 * max(length_m, width_m)
    return (np.abs(s) <= length_m / 2 + eps) & (np.abs(t) <= width_m / 2 + eps)


def _best_positions(east: np.ndarray, north: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Positions of the offset with the most towers inside, then the most central one."""
    cnt = inside.sum(axis=1)
    with np.errstate(invalid="ignore"):
        ce = np.where(cnt > 0, (east * inside).sum(axis=1) / np.maximum(cnt, 1), np.inf)
        cn = np.where(cnt > 0, (north * inside).sum(axis=1) / np.maximum(cnt, 1), np.inf)
    off = np.hypot(ce, cn)
    best = np.lexsort((np.round(off, 6), -cnt))[0]  # most towers, then most central
    if cnt[best] == 0:
        return np.zeros((0, 2))
    m = inside[best]
    return np.column_stack([east[best, m], north[best, m]])


def site_layout(
    length_m: float,
    width_m: float,
    spacing_along_m: float,
    spacing_across_m: float,
    *,
    shape: str = "ellipse",
    site_orientation_deg: float = 0.0,
    main_wind_direction_deg: float = 225.0,
    n_offsets: int = 16,
) -> np.ndarray:
    """Tower positions on a lattice (rows across the main wind direction) that fit in a site.

    The lattice has ``spacing_along_m`` between rows along the main wind direction and
    ``spacing_across_m`` within a row. Its offset is searched (``n_offsets`` per axis) for the most
    towers inside the site; among equal counts the offset closest to the centre wins. Towers on
    the boundary count as inside (rotors may overhang the site).

    Parameters
    ----------
    length_m, width_m : site extent along its long axis and across it [m] (ellipse axes or
        rectangle sides).
    spacing_along_m, spacing_across_m : spacing [m].
    shape : "ellipse" or "rectangle".
    site_orientation_deg : azimuth of the site's long axis, clockwise from north [deg].
    main_wind_direction_deg : direction the main wind comes from [deg].
    n_offsets : lattice offsets tried per axis.

    Returns
    -------
    numpy.ndarray : (n, 2) positions east, north relative to the site centre [m]; n may be 0.
    """
    if shape not in SITE_SHAPES:
        raise ValueError(f"shape {shape!r} not in {SITE_SHAPES}")
    if not (length_m > 0 and width_m > 0):
        return np.zeros((0, 2))
    # diameter of the site (largest distance inside it): below the smaller spacing one tower fits
    diam = max(length_m, width_m) if shape == "ellipse" else math.hypot(length_m, width_m)
    if diam < min(spacing_along_m, spacing_across_m):
        return np.zeros((1, 2))
    east, north = _lattice(
        0.5 * diam, spacing_along_m, spacing_across_m, main_wind_direction_deg, n_offsets
    )
    inside = _inside_site(east, north, length_m, width_m, shape, site_orientation_deg)
    return _best_positions(east, north, inside)


def site_dimensions(terrain: Any) -> tuple[float, float, float, float, str]:
    """Extent of a heap's turbine site.

    Parameters
    ----------
    terrain : HeapTerrain (turbine_site_area_ha, plateau_area_ha; optional plateau_length_m,
        plateau_width_m, plateau_orientation_deg).

    Returns
    -------
    (area [ha], length [m], width [m], orientation [deg], note) : without plateau length and
        width, a circle of the site area.
    """
    area = num(getattr(terrain, "turbine_site_area_ha", None))
    note = ""
    if not np.isfinite(area):
        area = num(getattr(terrain, "plateau_area_ha", None))
        note = "turbine site area unknown: plateau area used" if np.isfinite(area) else ""
    length = num(getattr(terrain, "plateau_length_m", None))
    width = num(getattr(terrain, "plateau_width_m", None))
    orient = num(getattr(terrain, "plateau_orientation_deg", None))
    if not (np.isfinite(length) and np.isfinite(width) and length > 0 and width > 0):
        d = math.sqrt(4 * max(area, 0.0) * 1e4 / math.pi) if np.isfinite(area) else 0.0
        length = width = d
        orient = 0.0
    return area, length, width, (orient if np.isfinite(orient) else 0.0), note


def new_turbine_layout(
    terrain: Any, rotor_diameter_m: float, cfg: WindConfig, existing_count: int = 0
) -> tuple[np.ndarray, list[str]]:
    """Positions of the new turbines on one heap and notes why there are few or none.

    Parameters
    ----------
    terrain : HeapTerrain (turbine_site_area_ha: where a level foundation disc fits; optional
        plateau_length_m, plateau_width_m, plateau_orientation_deg for an elongated site).
    rotor_diameter_m : rotor diameter of the new type [m].
    cfg : wind configuration.
    existing_count : existing turbines on the heap (subtracted if ``cfg.subtract_existing``).

    Returns
    -------
    (positions (n, 2) [m], notes)
    """
    area, length, width, orient, note = site_dimensions(terrain)
    notes = [note] if note else []
    if not np.isfinite(area) or area <= 0:
        return np.zeros((0, 2)), notes + ["no turbine site (plateau/summit) area: 0 new turbines"]
    if area < cfg.min_site_area_ha:
        return np.zeros((0, 2)), notes + [
            f"site {area:.2f} ha < {cfg.min_site_area_ha:g} ha needed for a foundation: "
            "0 new turbines"
        ]
    pos = site_layout(
        length,
        width,
        cfg.spacing_along_rotor_diameters * rotor_diameter_m,
        cfg.spacing_across_rotor_diameters * rotor_diameter_m,
        shape=cfg.site_shape,
        site_orientation_deg=orient,
        main_wind_direction_deg=cfg.main_wind_direction_deg,
    )
    if cfg.subtract_existing and existing_count > 0 and len(pos):
        keep = max(len(pos) - existing_count, 0)
        # keep the towers farthest apart from the centre-most (existing ones assumed central)
        order = np.argsort(-np.hypot(pos[:, 0], pos[:, 1]), kind="stable")
        pos = pos[np.sort(order[:keep])]
        notes.append(f"{existing_count} existing turbine(s) occupy the site: {keep} new")
    return pos, notes


def existing_layout(count: int, rotor_diameter_m: float, cfg: WindConfig) -> np.ndarray:
    """Assumed layout of existing turbines: one row across the main wind at the across spacing.

    Parameters
    ----------
    count : number of existing turbines.
    rotor_diameter_m : their rotor diameter [m].
    cfg : wind configuration (main_wind_direction_deg, spacing_across_rotor_diameters).

    Returns
    -------
    numpy.ndarray : (count, 2) positions east, north relative to the site centre [m].
    """
    _, uc = _unit_vectors(cfg.main_wind_direction_deg)
    s = cfg.spacing_across_rotor_diameters * rotor_diameter_m
    k = np.arange(count) - (count - 1) / 2
    return k[:, None] * s * uc[None, :]


#: Fields of :class:`WindConfig` the layout reads (:func:`layout_config`).
LAYOUT_FIELDS: tuple[str, ...] = (
    "main_wind_direction_deg",
    "spacing_along_rotor_diameters",
    "spacing_across_rotor_diameters",
    "site_shape",
    "min_site_area_ha",
    "subtract_existing",
)


def layout_config(values: Any = None) -> WindConfig:
    """A :class:`WindConfig` with the layout fields of ``values`` (e.g. a manifest's ``wind``).

    Parameters
    ----------
    values : mapping of ``[wind]`` parameters (only :data:`LAYOUT_FIELDS` are used) or None.

    Returns
    -------
    WindConfig : defaults for every other field.
    """
    import dataclasses

    vals = values if isinstance(values, dict) else {}
    return dataclasses.replace(WindConfig(), **{k: vals[k] for k in LAYOUT_FIELDS if k in vals})


def place_in_site(rel_xy: np.ndarray, site: Any, centre_xy: Any = None) -> np.ndarray:
    """World positions [m] of layout positions relative to a site, each inside the site polygon.

    The layout (:func:`site_layout`) fits towers into an ellipse of the site's area around its
    centre; the real site is the polygon where a foundation disc fits. Positions are put at the
    polygon's centroid (``centre_xy`` if given), in the layout's orientation (east/north axes of
    EPSG:25832). A position falling outside the polygon is moved to the nearest point of the
    polygon shrunk by 1 m (or of the polygon itself if nothing is left): the COUNT of towers is a
    result of the wind stage and is never changed; only where they are drawn.

    Parameters
    ----------
    rel_xy : (n, 2) east, north offsets from the site centre [m].
    site : shapely (Multi)Polygon in EPSG:25832, or None (positions at ``centre_xy``).
    centre_xy : (x, y) [m] of the centre; default the site's centroid.

    Returns
    -------
    numpy.ndarray : (n, 2) x, y in EPSG:25832 [m].
    """
    import shapely
    from shapely.ops import nearest_points

    rel = np.asarray(rel_xy, dtype=float).reshape(-1, 2)
    if centre_xy is None:
        c = site.centroid if site is not None and not site.is_empty else None
        centre_xy = (c.x, c.y) if c is not None else (0.0, 0.0)
    xy = rel + np.asarray(centre_xy, dtype=float)[None, :]
    if site is None or site.is_empty or not len(xy):
        return xy
    # assumption: 1 m keeps a drawn tower off the site's edge without leaving thin sites empty
    inner = site.buffer(-1.0)
    target = site if inner.is_empty else inner
    pts = shapely.points(xy)
    out = xy.copy()
    for i in np.flatnonzero(~shapely.covers(site, pts)):
        p = nearest_points(target, pts[i])[0]
        out[i] = (p.x, p.y)
    return out
