"""Reserved areas (landmarks, art works, reserves): excluded from PV and turbine sites.

The layer is read with :func:`haldenenergie.geo.read_vector_layer`, the geometries-only view of
the one vector reader :func:`haldenenergie.layers.vector.read_vector_table` (GeoJSON in WGS84, or
a GeoPackage/Shapefile/FlatGeobuf in any CRS), buffered by ``TerrainConfig.reserved_buffer_m``
and rasterised onto each heap's grid.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import TerrainError
from ..geo import read_vector_layer
from .config import TerrainConfig


@functools.lru_cache(maxsize=8)
def read_reserved_areas(path: str, buffer_m: float) -> Any:
    """Reserved areas buffered by ``buffer_m`` [m], merged into one geometry in EPSG:25832.

    Parameters
    ----------
    path : str
        GeoJSON file (WGS84 lon/lat): a FeatureCollection, a Feature or a bare geometry; or a
        GeoPackage (``.gpkg``) / Shapefile (``.shp``) / FlatGeobuf (``.fgb``) in any CRS.
        Polygons and MultiPolygons are areas; Points and Lines (e.g. a landmark's position)
        count through the buffer only.
    buffer_m : float
        Keep-clear distance around every geometry [m].

    Returns
    -------
    shapely geometry in EPSG:25832 [m].

    Raises
    ------
    TerrainError
        File missing/unreadable/not JSON, a non-WGS84 ``crs``, a feature that is not a GeoJSON
        object, an invalid geometry (malformed, self-intersecting, coordinates outside lon/lat
        range), or no geometry at all. One line naming the file and the feature.
    """
    import shapely
    import shapely.errors

    p = Path(path)
    if not p.exists():
        raise TerrainError(
            f"{path}: reserved-areas file not found; check "
            "[terrain] reserved_areas_path or --reserved"
        )
    if p.is_dir():
        raise TerrainError(f"{path}: reserved-areas path is a folder; give a GeoJSON file")
    geoms = read_vector_layer(path, "reserved areas", error=TerrainError)
    if not geoms:
        raise TerrainError(
            f"{path}: reserved areas: no geometries; expected GeoJSON Polygons (or Points of "
            "landmarks) in WGS84"
        )
    try:
        merged = shapely.union_all(geoms)
        return merged.buffer(buffer_m) if buffer_m > 0 else merged
    except shapely.errors.GEOSException as exc:
        raise TerrainError(
            f"{path}: reserved areas: geometries cannot be merged ({exc}); fix them, e.g. with "
            "QGIS 'Fix Geometries'"
        ) from None


def reserved_geometry(cfg: TerrainConfig, reserved: Any = None) -> Any:
    """The reserved areas in effect: ``reserved`` if given, else read from the config, else None.

    Parameters
    ----------
    cfg : TerrainConfig
        ``reserved_areas_path`` (empty = none) and ``reserved_buffer_m`` [m].
    reserved : shapely geometry in EPSG:25832, optional
        Already buffered reserved areas; returned as they are.

    Returns
    -------
    shapely geometry in EPSG:25832, or None.
    """
    if reserved is not None:
        return reserved
    if cfg.reserved_areas_path:
        return read_reserved_areas(cfg.reserved_areas_path, cfg.reserved_buffer_m)
    return None


def rasterize(geom: Any, shape: tuple[int, int], transform: Any) -> np.ndarray:
    """Cells of a grid whose centre lies inside ``geom`` (rasterio's ``geometry_mask``).

    Parameters
    ----------
    geom : shapely geometry in the grid's CRS, or None.
    shape : (rows, cols) of the grid.
    transform : affine.Affine of the grid.

    Returns
    -------
    2-D bool array, all False for None or an empty geometry.
    """
    from rasterio.features import geometry_mask

    if geom is None or geom.is_empty:
        return np.zeros(shape, dtype=bool)
    return geometry_mask([geom], out_shape=shape, transform=transform, invert=True)
