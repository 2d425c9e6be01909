"""Geometry of registry features: checks of GeoJSON geometry objects and footprint areas.

Accepted are ``Point`` (summit or centre), ``Polygon`` and ``MultiPolygon`` (footprint) in WGS84
lon/lat (RFC 7946, section 3.1), or ``null`` where the position is not known.

shapely (and with it numpy) is imported only for polygons: a registry of points, as shipped,
is checked without it, so that ``haldenenergie heaps list`` starts quickly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ._json import is_number, short
from .model import MAX_AREA_HA, RUHR_BBOX

if TYPE_CHECKING:
    from shapely.geometry import MultiPolygon, Polygon

    Footprint = Polygon | MultiPolygon

__all__ = ["LonLatPoint", "check_geometry", "footprint_area_ha", "locate"]

#: ``add(property, message, severity="error")``: records one problem of the current feature.
AddProblem = Callable[..., None]

#: Nesting depth of the coordinate arrays per supported geometry type.
_DEPTH = {"Point": 0, "Polygon": 2, "MultiPolygon": 3}


@dataclass(frozen=True)
class LonLatPoint:
    """A checked GeoJSON ``Point`` (WGS84 lon/lat [deg]; z dropped), without shapely.

    Has the ``x``, ``y`` and ``geom_type`` of a shapely Point, which is all :func:`locate` uses.
    """

    x: float
    y: float
    geom_type: ClassVar[str] = "Point"


_COORDS_HINT = "a Point is [lon, lat], a Polygon [[[lon, lat], ...]] with closed rings"


def footprint_area_ha(geom: Polygon | MultiPolygon) -> float:
    """Area of a WGS84 lon/lat polygon, computed in ETRS89 / UTM 32N (EPSG:25832).

    Parameters
    ----------
    geom : shapely Polygon or MultiPolygon
        In WGS84 lon/lat [deg].

    Returns
    -------
    float
        Planimetric area [ha].

    Notes
    -----
    EPSG:25832 is the official metric CRS of NRW (ALKIS, DGM1); its scale error in the Ruhr area
    (~0.5 deg west of the 9 E central meridian) is below 0.1 % in area.
    """
    from ..geo import to_metric

    return float(to_metric(geom).area) / 1e4


def locate(geom: Any) -> tuple[float | None, float | None, Footprint | None, float | None]:
    """Point, 2-D footprint and footprint area of a checked geometry.

    Parameters
    ----------
    geom : LonLatPoint, shapely Point, Polygon, MultiPolygon or None
        As :func:`check_geometry` returns it (WGS84 lon/lat).

    Returns
    -------
    lon, lat : float or None
        The Point, or the footprint's centroid (its representative point if the centroid falls
        outside the polygon) [deg]; None if there is no geometry.
    footprint : shapely Polygon or MultiPolygon or None
        The polygon without z values.
    footprint_area_ha : float or None
        Area of the footprint [ha] (:func:`footprint_area_ha`).
    """
    kind = getattr(geom, "geom_type", None)
    if kind == "Point":
        return float(geom.x), float(geom.y), None, None
    if kind in ("Polygon", "MultiPolygon"):
        import shapely

        footprint = shapely.force_2d(geom)
        c = footprint.centroid
        if not footprint.contains(c):
            c = footprint.representative_point()
        return float(c.x), float(c.y), footprint, footprint_area_ha(footprint)
    return None, None, None, None


def check_geometry(g: Any, add: AddProblem):
    """Check a GeoJSON geometry object; record problems with ``add("geometry", message)``.

    Parameters
    ----------
    g : Any
        The parsed ``geometry`` member of a feature.
    add : callable
        ``add(property, message, severity="error")``.

    Returns
    -------
    LonLatPoint, shapely Polygon or MultiPolygon, or None
        The geometry (WGS84 lon/lat); None if it is null or has an error (recorded).
    """
    if g is None:
        return None
    gtype = _geometry_type(g, add)
    if gtype is None:
        return None
    coords = g.get("coordinates")
    positions = _positions(coords, _DEPTH[gtype])
    if positions is None:
        add("geometry", f"invalid {gtype} coordinates {short(coords)}; {_COORDS_HINT}")
        return None
    if not (_finite_positions(positions, add) and _inside_bbox(positions, add)):
        return None
    if gtype == "Point":
        return LonLatPoint(float(coords[0]), float(coords[1]))
    if not _closed_rings(coords, gtype, add):
        return None
    import shapely
    import shapely.errors
    from shapely.geometry import shape

    try:
        geom = shape(g)
    except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
        add("geometry", f"invalid {gtype}: {exc}; {_COORDS_HINT}")
        return None
    return geom if _plausible_polygon(geom, add) else None


def _geometry_type(g: Any, add: AddProblem) -> str | None:
    """The geometry's type if it is a supported one, else None (problem recorded)."""
    if not isinstance(g, dict) or not isinstance(g.get("type"), str):
        add(
            "geometry",
            f"not a GeoJSON geometry object: {short(g)}; write "
            '{"type": "Point", "coordinates": [lon, lat]} or null',
        )
        return None
    gtype = g["type"]
    if gtype not in _DEPTH:
        add(
            "geometry",
            f"unsupported geometry type {gtype!r}; use Point (summit/centre), "
            "Polygon or MultiPolygon (footprint), or null",
        )
        return None
    return gtype


def _positions(coords: Any, depth: int) -> list | None:
    """Flatten nested coordinate arrays of the given depth to positions; None if malformed."""
    if depth == 0:
        return [coords] if isinstance(coords, list) else None
    if not isinstance(coords, list) or not coords:
        return None
    out: list = []
    for c in coords:
        sub = _positions(c, depth - 1)
        if sub is None:
            return None
        out.extend(sub)
    return out


def _finite_positions(positions: list, add: AddProblem) -> bool:
    """Every position is ``[lon, lat]`` or ``[lon, lat, z]`` of finite numbers."""
    bad = [
        p
        for p in positions
        if not (2 <= len(p) <= 3 and all(is_number(c) and math.isfinite(c) for c in p))
    ]
    if bad:
        add(
            "geometry",
            f"invalid position {short(bad[0])}; each position is [lon, lat] with finite numbers",
        )
    return not bad


def _inside_bbox(positions: list, add: AddProblem) -> bool:
    """Every position lies in :data:`RUHR_BBOX`; else a problem with a hint at the likely slip."""
    lon_min, lat_min, lon_max, lat_max = RUHR_BBOX
    outside = [
        p for p in positions if not (lon_min <= p[0] <= lon_max and lat_min <= p[1] <= lat_max)
    ]
    if not outside:
        return True
    x, y = outside[0][0], outside[0][1]
    bbox = f"{lon_min}–{lon_max} E, {lat_min}–{lat_max} N (RVR area)"
    if abs(x) > 180 or abs(y) > 90:
        hint = (
            "these look like projected metres (EPSG:25832?); GeoJSON needs WGS84 "
            "lon/lat: reproject to EPSG:4326"
        )
    elif lon_min <= y <= lon_max and lat_min <= x <= lat_max:
        hint = "lon and lat look swapped: GeoJSON order is [lon, lat]"
    else:
        hint = "check the position; GeoJSON order is [lon, lat]"
    add("geometry", f"coordinates [{x}, {y}] outside the Ruhr bounding box {bbox}; {hint}")
    return False


def _closed_rings(coords: list, gtype: str, add: AddProblem) -> bool:
    """Every ring has >= 4 positions and ends where it starts (RFC 7946, section 3.1.6)."""
    polys = [coords] if gtype == "Polygon" else coords
    for ring in (ring for poly in polys for ring in poly):
        if len(ring) < 4 or list(ring[0][:2]) != list(ring[-1][:2]):
            add(
                "geometry",
                f"invalid polygon ring (starts {short(ring[:2])}): a ring "
                "needs >= 4 positions and must end where it starts (first = last)",
            )
            return False
    return True


def _plausible_polygon(geom: Polygon | MultiPolygon, add: AddProblem) -> bool:
    """The polygon is valid (no self-intersection) and not larger than :data:`MAX_AREA_HA`."""
    import shapely

    if not geom.is_valid:
        add(
            "geometry",
            f"invalid polygon: {shapely.is_valid_reason(geom)}; fix the outline "
            "(e.g. in QGIS: Vector > Geometry Tools > Check Validity, or shapely.make_valid)",
        )
        return False
    fp = footprint_area_ha(geom)
    if fp > MAX_AREA_HA:
        add(
            "geometry",
            f"footprint of {fp:.0f} ha is absurd (> {MAX_AREA_HA:g} ha); is this "
            "the heap's outline?",
        )
        return False
    return True
