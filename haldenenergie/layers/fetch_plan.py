"""What ``layers fetch-osm`` asks for: a box per heap, clusters of nearby heaps, one Overpass query.

Boxes are built in ETRS89 / UTM 32N (EPSG:25832, :data:`haldenenergie.geo.METRIC_CRS`) and sent to
the Overpass API as WGS84 lon/lat boxes that contain them. Overpass QL syntax (settings
``[out:xml]``, ``[timeout:]``, ``[bbox:south,west,north,east]``, the ``nwr`` query, the recursion
``(._;>;)`` and ``out meta``): OpenStreetMap wiki, "Overpass API/Overpass QL",
https://wiki.openstreetmap.org/wiki/Overpass_API/Overpass_QL, and the Overpass API user's manual,
https://dev.overpass-api.de/overpass-doc/en/. The tag filters are derived from the ``[osm]``
schema the reader applies (:func:`.fetch_query.osm_tag_filters`), so the query and the reader
cannot drift.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .fetch_query import osm_tag_filters

#: Margin [m] added to the largest buffer of the config for the default box size. Assumption:
#: 100 m lift the 600 m rule (RVR heap energy analysis 2022) to the 700 m of the LANUV NRW wind
#: area analysis 2023, the documented alternative; 300 m cover the heap outline's uncertainty
#: where only a point is known: an ellipse of axis ratio 2 reaches 1.41x the radius of the circle
#: of the same area, i.e. ~300 m further for Halde Hoheward (170 ha, RVR).
BUFFER_MARGIN_M = 400.0

#: Boxes closer than this [m] are merged into one cluster (one request). Assumption: 250 m is
#: about one street block; merging boxes that almost touch saves a request for little extra area.
MERGE_GAP_M = 250.0

#: Largest side [m] of a merged cluster box. Assumption: a 6 km x 6 km box (36 km2) of the dense
#: Ruhr area, at an assumed order of 1,000 residential buildings per km2 in built-up districts,
#: gives a response of a few tens of MB, far within the Overpass defaults (512 MiB memory, 180 s;
#: Overpass QL wiki); without a limit the dense chain of Ruhr heaps would merge into one huge
#: request.
MAX_CLUSTER_SIDE_M = 6000.0

#: Digits of the WGS84 box [deg] (1e-6 deg ~ 0.1 m); the box is rounded outward.
BBOX_DIGITS = 6


@dataclass(frozen=True)
class Cluster:
    """Heaps fetched with one request.

    Attributes
    ----------
    name : file name of the cluster, ``cluster_NN.osm``.
    heap_ids : the heaps whose boxes the cluster box contains (registry order).
    bounds_m : (minx, miny, maxx, maxy) [m] in EPSG:25832.
    bbox_wgs84 : (minlon, minlat, maxlon, maxlat) [deg]; contains ``bounds_m``.
    """

    name: str
    heap_ids: tuple[str, ...]
    bounds_m: tuple[float, float, float, float]
    bbox_wgs84: tuple[float, float, float, float]


def default_buffer_m(config: Any) -> float:
    """Default box buffer [m]: the largest buffer of the config plus :data:`BUFFER_MARGIN_M`.

    The buffers are ``[suitability] min_housing_distance_m`` (600 m) and every ``*_buffer_m``
    field [m] of the ``[terrain]``, ``[suitability]`` and ``[layers]`` sections (e.g.
    ``[terrain] reserved_buffer_m``, 30 m); with the defaults the result is 1000 m.

    Parameters
    ----------
    config : haldenenergie.config.Config (its sections are frozen dataclasses).
    """
    from dataclasses import fields, is_dataclass

    values = [float(config.suitability.min_housing_distance_m)]
    for name in ("terrain", "suitability", "layers"):
        section = getattr(config, name, None)
        if section is None or not is_dataclass(section):
            continue
        for f in fields(section):
            value = getattr(section, f.name)
            if f.name.endswith("_buffer_m") and isinstance(value, (int, float)):
                values.append(float(value))
    return max(values) + BUFFER_MARGIN_M


def heap_box_m(
    heap: Any, buffer_m: float, default_area_ha: float
) -> tuple[float, float, float, float] | None:
    """The box [m] (EPSG:25832) that holds the heap and everything within ``buffer_m`` of it.

    The heap is its footprint, or, for a point, the circle of its area (``area_ha``, else
    ``default_area_ha``) around the point; the box is the heap's bounds widened by ``buffer_m``
    on every side (which contains the heap buffered by ``buffer_m``).

    Parameters
    ----------
    heap : haldenenergie.registry.Heap (``footprint``, ``lat``, ``lon``, ``area_ha``).
    buffer_m : [m] distance around the heap.
    default_area_ha : [ha] area of a point heap without ``area_ha`` (``[terrain]
        default_area_ha``, the median of the fact table).

    Returns
    -------
    (minx, miny, maxx, maxy) [m], or None if the heap has no position.
    """
    import shapely

    from ..geo import to_metric

    if heap.footprint is not None:
        x0, y0, x1, y1 = to_metric(heap.footprint).bounds
        return (x0 - buffer_m, y0 - buffer_m, x1 + buffer_m, y1 + buffer_m)
    if heap.lat is None or heap.lon is None:
        return None
    area = heap.area_ha if heap.area_ha and heap.area_ha > 0 else default_area_ha
    reach_m = math.sqrt(area * 1e4 / math.pi) + buffer_m
    p = to_metric(shapely.Point(heap.lon, heap.lat))
    return (p.x - reach_m, p.y - reach_m, p.x + reach_m, p.y + reach_m)


def _near(a: Sequence[float], b: Sequence[float], gap_m: float) -> bool:
    return not (
        a[2] + gap_m < b[0] or b[2] + gap_m < a[0] or a[3] + gap_m < b[1] or b[3] + gap_m < a[1]
    )


def _union(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def merge_boxes(
    boxes: Sequence[tuple[str, tuple[float, float, float, float]]],
    gap_m: float = MERGE_GAP_M,
    max_side_m: float = MAX_CLUSTER_SIDE_M,
) -> list[tuple[tuple[str, ...], tuple[float, float, float, float]]]:
    """Merge boxes that overlap or are closer than ``gap_m`` [m], up to ``max_side_m`` [m] a side.

    Parameters
    ----------
    boxes : (heap id, (minx, miny, maxx, maxy) [m]) in registry order.
    gap_m : [m] boxes at most this far apart are merged.
    max_side_m : [m] a merge that would make a side longer than this is not done (a single box
        larger than that stays one cluster).

    Returns
    -------
    list of (heap ids, merged box), ordered by the first heap of each cluster.
    """
    clusters = [((hid,), tuple(box)) for hid, box in boxes]
    merged = True
    while merged:
        merged = False
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                (ids_a, a), (ids_b, b) = clusters[i], clusters[j]
                u = _union(a, b)
                if _near(a, b, gap_m) and max(u[2] - u[0], u[3] - u[1]) <= max_side_m:
                    clusters[i] = (ids_a + ids_b, u)
                    del clusters[j]
                    merged = True
                    break
            if merged:
                break
    return clusters


def bbox_to_wgs84(bounds_m: Sequence[float]) -> tuple[float, float, float, float]:
    """A lon/lat box [deg] that contains the EPSG:25832 box ``bounds_m`` [m] (edges densified)."""
    from ..geo import wgs84_transformer

    minlon, minlat, maxlon, maxlat = wgs84_transformer(inverse=True).transform_bounds(
        *bounds_m, densify_pts=21
    )
    scale = 10**BBOX_DIGITS
    return (
        math.floor(minlon * scale) / scale,
        math.floor(minlat * scale) / scale,
        math.ceil(maxlon * scale) / scale,
        math.ceil(maxlat * scale) / scale,
    )


def plan_clusters(
    heaps: Iterable[Any],
    buffer_m: float,
    *,
    default_area_ha: float = 38.0,
    gap_m: float = MERGE_GAP_M,
    max_side_m: float = MAX_CLUSTER_SIDE_M,
) -> tuple[list[Cluster], list[str]]:
    """One box per heap (heap + ``buffer_m``), nearby boxes merged into clusters.

    Parameters
    ----------
    heaps : registry heaps (``haldenenergie.registry.Heap``).
    buffer_m : [m] distance around the heap (footprint or point circle) the box must cover.
    default_area_ha : [ha] area of a point heap without ``area_ha`` (default 38 ha, ``[terrain]
        default_area_ha``: the median of the fact table).
    gap_m, max_side_m : [m] see :func:`merge_boxes`.

    Returns
    -------
    (clusters named ``cluster_01.osm`` ..., ids of heaps without a position, which are skipped)
    """
    boxes, skipped = [], []
    for heap in heaps:
        box = heap_box_m(heap, buffer_m, default_area_ha)
        if box is None:
            skipped.append(heap.id)
            continue
        boxes.append((heap.id, tuple(float(v) for v in box)))
    merged = merge_boxes(boxes, gap_m, max_side_m)
    width = max(2, len(str(len(merged))))
    clusters = [
        Cluster(f"cluster_{i:0{width}d}.osm", ids, box, bbox_to_wgs84(box))
        for i, (ids, box) in enumerate(merged, start=1)
    ]
    return clusters, skipped


def overpass_query(
    bbox_wgs84: Sequence[float], timeout_s: int, filters: Sequence[str] | None = None
) -> str:
    """The Overpass QL query for every layer kind in a box, answered as complete OSM XML.

    ``(._;>;)`` adds the members of relations and the nodes of ways, so that GDAL's OSM driver
    can build every way and multipolygon; ``out meta`` prints everything sorted by type and id
    (nodes first), as OSM XML files are.

    Parameters
    ----------
    bbox_wgs84 : (minlon, minlat, maxlon, maxlat) [deg]; Overpass wants (south, west, north,
        east).
    timeout_s : [s] the server's run-time limit of the query (``[timeout:]``, Overpass default
        180 s).
    filters : tag filter chains, one ``nwr`` statement each (default: :func:`osm_tag_filters`
        of the shipped schemas).
    """
    if filters is None:
        filters = osm_tag_filters()
    minlon, minlat, maxlon, maxlat = bbox_wgs84
    box = f"{minlat:.{BBOX_DIGITS}f},{minlon:.{BBOX_DIGITS}f},{maxlat:.{BBOX_DIGITS}f},"
    box += f"{maxlon:.{BBOX_DIGITS}f}"
    body = "\n".join(f"  nwr{f};" for f in filters)
    return f"[out:xml][timeout:{int(timeout_s)}][bbox:{box}];\n(\n{body}\n);\n(._;>;);\nout meta;\n"
