"""Coordinates: the metric CRS of all terrain work and the one WGS84 <-> EPSG:25832 transformer.

All terrain and distance work happens in ETRS89 / UTM zone 32N (EPSG:25832), the CRS in which the
state of North Rhine-Westphalia publishes its official geodata (Geobasis NRW: DGM1, ATKIS
Basis-DLM, ALKIS; https://www.bezreg-koeln.nrw.de/geobasis-nrw). Registry points and GeoJSON
outputs are in WGS84 lon/lat (EPSG:4326, RFC 7946).

:func:`read_vector_layer` reads user polygon layers (reserved areas, residential areas ...) from
GeoJSON, GeoPackage, Shapefile or FlatGeobuf into EPSG:25832 with one error style that names the
file; it is the geometries-only view of :func:`haldenenergie.layers.vector.read_vector_table`.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from .errors import HaldenError

#: Metric CRS of all terrain work: ETRS89 / UTM zone 32N, the CRS of NRW's official geodata.
METRIC_CRS = "EPSG:25832"
#: Geographic CRS of the registry and of GeoJSON (RFC 7946).
WGS84_CRS = "EPSG:4326"
#: Suffixes always read through GDAL/OGR (geopandas with pyogrio); GeoJSON (any other suffix whose
#: text starts with ``{``) is parsed by :mod:`haldenenergie.layers.vector` itself.
#: FlatGeobuf: https://flatgeobuf.org (GDAL driver "FlatGeobuf").
OGR_SUFFIXES: tuple[str, ...] = (".gpkg", ".shp", ".fgb")


@functools.lru_cache(maxsize=2)
def wgs84_transformer(inverse: bool = False) -> Any:
    """Cached pyproj transformer WGS84 lon/lat -> EPSG:25832 (``inverse``: the other way)."""
    from pyproj import Transformer

    if inverse:
        return Transformer.from_crs(METRIC_CRS, WGS84_CRS, always_xy=True)
    return Transformer.from_crs(WGS84_CRS, METRIC_CRS, always_xy=True)


def to_metric(geom: Any) -> Any:
    """A shapely geometry in WGS84 lon/lat, reprojected to EPSG:25832 [m]."""
    import shapely

    tr = wgs84_transformer()
    import numpy as np  # here, not at module level: importers of geo stay light (CLI start-up)

    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def is_wgs84_crs(crs: Any) -> bool:
    """Whether a GeoJSON (2008) ``crs`` member names WGS84 (EPSG:4326 or OGC CRS84)."""
    return re.search(r"4326|CRS84", json.dumps(crs, ensure_ascii=False)) is not None


# --------------------------------------------------------------------------------------------------
# Vector layers (reserved areas, residential areas, ...): the one reader is layers.vector
# --------------------------------------------------------------------------------------------------


def read_vector_layer(
    path: str | Path,
    what: str = "vector layer",
    *,
    error: type[Exception] = HaldenError,
    layer: str | None = None,
) -> list:
    """Geometries of a vector file, reprojected to EPSG:25832 [m], in file order.

    The geometries-only view of the one vector reader,
    :func:`haldenenergie.layers.vector.read_vector_table` (with ``repair=False``: an invalid
    geometry is an error, not silently repaired).

    Parameters
    ----------
    path : str or Path
        A GeoJSON file (a FeatureCollection, a Feature or a bare geometry, in WGS84 lon/lat as
        RFC 7946 requires, or in the CRS that a legacy GeoJSON-2008 ``crs`` member names, as
        QGIS writes it for e.g. EPSG:25832), or a GeoPackage (``.gpkg``), Shapefile (``.shp``,
        with its ``.prj``) or FlatGeobuf (``.fgb``) in any CRS pyproj knows.
    what : str
        What the layer is, for messages, e.g. ``"reserved areas"``.
    error : exception class
        Raised for every problem (e.g. :class:`~haldenenergie.errors.TerrainError`); default
        :class:`~haldenenergie.errors.HaldenError`.
    layer : str, optional
        Layer of a multi-layer GeoPackage (default: the first).

    Returns
    -------
    list of shapely geometries
        In EPSG:25832 [m]; features without geometry and empty geometries are left out (the
        list may be empty: the caller decides whether that is an error).

    Raises
    ------
    error
        One line ``"<path>: <what>: <problem>; <fix>"``: the file is missing, unreadable, not
        UTF-8 or not valid JSON/GeoJSON, has a CRS that cannot be transformed, no CRS
        (GeoPackage/Shapefile), or a feature ``i`` holds an invalid geometry (malformed,
        self-intersecting, GeoJSON coordinates outside the lon/lat range).
    """
    from .layers.vector import first_layer, read_vector_table

    p = Path(path)
    if layer is None and p.suffix.lower() == ".gpkg" and p.is_file():
        layer = first_layer(p)
    table = read_vector_table(path, what, error=error, layer=layer, repair=False)
    return list(table.frame.geometry)
