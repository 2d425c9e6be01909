"""Distance from each heap to the nearest residential area of a user-supplied GeoJSON layer.

Wind needs at least ``min_housing_distance_m`` (600 m, RVR heap energy analysis 2022) to
residential buildings. Where the registry has no distance, a layer of residential areas (e.g. the
ALKIS / ATKIS Basis-DLM residential land use of NRW, or OpenStreetMap ``landuse=residential``)
gives it. Distances are measured in ETRS89 / UTM zone 32N (EPSG:25832). The layer is read by
:func:`haldenenergie.geo.read_vector_layer` (GeoJSON in WGS84 as RFC 7946 requires, or a
GeoPackage / Shapefile in any CRS).

This is the point distance of the ``[suitability] residential_areas_path`` layer. With a
``residential`` constraint layer (issue 11) the terrain stage measures the distance from the
turbine site instead and removes site cells nearer than the minimum
(:func:`haldenenergie.terrain.constraints.site_housing`); its ``housing_distance_source``
("layer ...") makes the classification prefer that distance.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..geo import read_vector_layer, to_metric
from ..layers.model import EXTENT_MARGIN_M
from .values import is_blank

if TYPE_CHECKING:
    from ..registry import Heap

log = logging.getLogger("haldenenergie.suitability")

#: Margin [m] around a layer's bounding box within which it describes a heap's surroundings:
#: the one value of every constraint layer (:data:`haldenenergie.layers.model.EXTENT_MARGIN_M`).
LAYER_EXTENT_MARGIN_M = EXTENT_MARGIN_M


def read_residential_union(path: str | Path) -> Any:
    """The union of a layer's residential polygons, in EPSG:25832 (a shapely geometry).

    Parameters
    ----------
    path : a GeoJSON file in WGS84 lon/lat (RFC 7946), or a GeoPackage / Shapefile in any CRS
        (read by :func:`haldenenergie.geo.read_vector_layer`).

    Raises
    ------
    ConfigError : the file is missing, unreadable, or holds no polygons.
    """
    import shapely

    p = Path(path)
    if not p.is_file():
        raise ConfigError(
            f"{p}: residential areas file not found; check [suitability] "
            f"residential_areas_path or --residential"
        )
    geoms = read_vector_layer(p, "residential areas", error=ConfigError)
    polygons = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise ConfigError(
            f"{p}: no Polygon/MultiPolygon features; residential areas must be polygons"
        )
    return shapely.union_all(polygons)


def _heap_points(heaps: Iterable[Heap]) -> tuple[list[str], list[Any]]:
    """Ids and WGS84 points of the heaps with a position (footprint's representative point)."""
    from shapely.geometry import Point

    ids, pts = [], []
    for h in heaps:
        lat, lon = h.lat, h.lon
        if is_blank(lat) or is_blank(lon):
            lat = lon = None
        if h.footprint is not None:
            pts.append(h.footprint.representative_point())
        elif lat is not None and lon is not None:
            pts.append(Point(lon, lat))
        else:
            continue
        ids.append(str(h.id))
    return ids, pts


def housing_distances_from_layer(
    heaps: Iterable[Heap], path: str | Path, max_distance_outside_m: float | None = 0.0
) -> dict[str, float]:
    """Distance [m] from each heap's point to the nearest residential area of a GeoJSON layer.

    The point is the registry's summit/centre point (for a footprint polygon, its representative
    point): turbines stand on the summit or plateau, so this approximates the turbine-to-housing
    distance the 600 m rule is about (RVR 2022). Distances are measured in ETRS89 / UTM 32N
    (EPSG:25832). Heaps without coordinates get no distance (they stay "not assessed"), and so
    do heaps outside the layer's extent (bounding box of all its areas, widened by
    :data:`LAYER_EXTENT_MARGIN_M`) unless an area is closer than ``max_distance_outside_m`` [m]:
    a layer that does not reach a heap's surroundings cannot show that housing is far from it,
    but a near area does show that housing is near (pass the minimum distance; None keeps every
    distance).

    Parameters
    ----------
    heaps : the registry (:class:`haldenenergie.registry.Heap`).
    path : residential areas (Polygon/MultiPolygon): GeoJSON in WGS84, or GeoPackage /
        Shapefile in any CRS.
    max_distance_outside_m : distance [m] below which an area counts for a heap outside the
        layer's extent; None keeps every distance.

    Returns
    -------
    dict heap id -> distance [m]; heaps without a known distance are left out.

    Raises
    ------
    ConfigError : the file is missing, unreadable, or holds no polygons.
    """
    union = read_residential_union(path)
    ids, pts = _heap_points(heaps)
    out: dict[str, float] = {}
    if not pts:
        return out
    g = [to_metric(pt) for pt in pts]
    minx, miny, maxx, maxy = union.bounds
    mg = LAYER_EXTENT_MARGIN_M
    outside = []
    for i, pt in zip(ids, g, strict=True):
        d = float(pt.distance(union))
        inside = minx - mg <= pt.x <= maxx + mg and miny - mg <= pt.y <= maxy + mg
        if not inside and max_distance_outside_m is not None and d >= max_distance_outside_m:
            # A layer that does not reach around the heap cannot show that no housing is near
            # it: the distance stays unknown, never a pass. A near area still proves nearness.
            outside.append(i)
            continue
        out[i] = d
    if outside:
        log.warning(
            "%s: %d heap(s) lie outside the residential layer's extent and no area "
            "of it is near them; their distance to housing stays unknown (wind not "
            "assessed): %s",
            Path(path),
            len(outside),
            ", ".join(outside[:10]),
        )
    return out
