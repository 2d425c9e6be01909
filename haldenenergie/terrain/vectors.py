"""Vector geometry of a heap's terrain: footprint, PV areas, excluded areas, turbine site.

The masks :func:`~haldenenergie.terrain.analyse_grid` derives on the analysis grid are turned
into polygons in ETRS89 / UTM 32N (EPSG:25832) with :func:`rasterio.features.shapes` on the
grid's affine transform: every cell becomes its square, so a polygon's area is exactly its cell
count x cell area and the PV polygons of a heap sum to ``pv_usable_area_ha``. Only the polygons
are kept (:class:`HeapVectors` on ``HeapTerrain.vectors``); the grids are dropped with the
analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .columns import EXCLUSION_REASONS

#: CRS of every geometry of :class:`HeapVectors`.
VECTOR_CRS = "EPSG:25832"


@dataclass(frozen=True)
class HeapVectors:
    """Polygons of one heap's terrain in EPSG:25832 [m] (shapely geometries).

    Attributes
    ----------
    footprint : the heap outline used (parametric, DEM-delineated or a heap_outline polygon).
    footprint_source : ``"parametric"``, ``"dem"`` or ``"heap_outline"``.
    pv_areas : ``((surface_class, geometry), ...)``: the usable PV cells of each surface class
        (tilt band x aspect sector), in the order of ``HeapTerrain.surfaces``.
    excluded : ``((reason, geometry), ...)``: the cells excluded from PV by each reason of
        :data:`~.columns.EXCLUSION_REASONS` (first reason that removed a cell), empty reasons left
        out.
    turbine_site : where a whole turbine foundation disc fits (after the housing distance), or
        None when there is no such area.
    """

    footprint: Any
    footprint_source: str
    pv_areas: tuple = ()
    excluded: tuple = ()
    turbine_site: Any = None


def polygonise(mask: np.ndarray, transform: Any) -> Any:
    """Polygon (or MultiPolygon) of the True cells of ``mask``; None if there are none.

    Parameters
    ----------
    mask : 2-D bool array on a north-up grid.
    transform : affine.Affine of the grid (EPSG:25832 [m]).

    Returns
    -------
    shapely geometry in the grid's CRS, or None.
    """
    return polygonise_labels(np.where(np.asarray(mask, dtype=bool), 0, -1), transform).get(0)


def polygonise_labels(labels: np.ndarray, transform: Any) -> dict[int, Any]:
    """One geometry per label of an integer grid (cells with label < 0 are left out).

    Parameters
    ----------
    labels : 2-D integer array (e.g. a class map).
    transform : affine.Affine of the grid.

    Returns
    -------
    dict label -> shapely (Multi)Polygon, the cells of that label merged.
    """
    import shapely
    from rasterio.features import shapes

    lab = np.asarray(labels).astype("int32")
    valid = lab >= 0
    if not valid.any():
        return {}
    # Flat coordinates with ring and polygon offsets (the GeoArrow layout), turned into shapely
    # polygons in one vectorised call: far faster than one Polygon(...) per region.
    coords: list = []
    ring_end, poly_end, values = [0], [0], []
    for geom, value in shapes(lab, mask=valid, connectivity=4, transform=transform):
        for ring in geom["coordinates"]:
            coords.extend(ring)
            ring_end.append(len(coords))
        poly_end.append(len(ring_end) - 1)
        values.append(int(value))
    polys = shapely.from_ragged_array(
        shapely.GeometryType.POLYGON,
        np.asarray(coords, dtype=float),
        (np.asarray(ring_end), np.asarray(poly_end)),
    )
    # The regions of one value are 4-connected components: disjoint, touching at most at
    # corners, so they form a valid MultiPolygon without a (costly) union.
    keys, inverse = np.unique(np.asarray(values), return_inverse=True)
    out = {}
    for i, k in enumerate(keys.tolist()):
        part = polys[inverse == i]
        out[k] = part[0] if len(part) == 1 else shapely.MultiPolygon(list(part))
    return out


def heap_vectors(
    out: Mapping[str, Any], transform: Any, footprint_source: str, class_names: Mapping[int, str]
) -> HeapVectors:
    """The :class:`HeapVectors` of one analysed heap grid.

    Parameters
    ----------
    out : result of :func:`~haldenenergie.terrain.analyse_grid` (``footprint``, ``class_map``,
        ``usable``, ``exclusion_map``, ``turbine_site`` bool/int arrays), the turbine site
        already reduced by the housing distance (:func:`~.constraints.site_housing`).
    transform : affine.Affine of the analysis grid (EPSG:25832).
    footprint_source : ``"parametric"``, ``"dem"`` or ``"heap_outline"``.
    class_names : class code -> ``surface_class`` of the usable classes (``out["class_names"]``).

    Returns
    -------
    HeapVectors
    """
    usable = np.asarray(out["usable"], dtype=bool)
    pv = polygonise_labels(np.where(usable, out["class_map"], -1), transform)
    pv_areas = tuple((class_names[k], g) for k, g in pv.items() if k in class_names)
    ex = polygonise_labels(out["exclusion_map"], transform)
    excluded = tuple((EXCLUSION_REASONS[k], g) for k, g in ex.items())
    site = out.get("turbine_site")
    return HeapVectors(
        footprint=polygonise(out["footprint"], transform),
        footprint_source=footprint_source,
        pv_areas=pv_areas,
        excluded=excluded,
        turbine_site=polygonise(site, transform) if site is not None else None,
    )
