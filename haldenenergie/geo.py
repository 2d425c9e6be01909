"""Coordinates: the metric CRS of all terrain work and the one WGS84 <-> EPSG:25832 transformer.

All terrain and distance work happens in ETRS89 / UTM zone 32N (EPSG:25832), the CRS in which the
state of North Rhine-Westphalia publishes its official geodata (Geobasis NRW: DGM1, ATKIS
Basis-DLM, ALKIS; https://www.bezreg-koeln.nrw.de/geobasis-nrw). Registry points and GeoJSON
outputs are in WGS84 lon/lat (EPSG:4326, RFC 7946).

:func:`read_vector_layer` reads user polygon layers (reserved areas, residential areas ...) from
GeoJSON, GeoPackage or Shapefile into EPSG:25832 with one error style that names the file.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from .errors import HaldenError

#: Metric CRS of all terrain work: ETRS89 / UTM zone 32N, the CRS of NRW's official geodata.
METRIC_CRS = "EPSG:25832"
#: Geographic CRS of the registry and of GeoJSON (RFC 7946).
WGS84_CRS = "EPSG:4326"


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
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def is_wgs84_crs(crs: Any) -> bool:
    """Whether a GeoJSON (2008) ``crs`` member names WGS84 (EPSG:4326 or OGC CRS84)."""
    return re.search(r"4326|CRS84", json.dumps(crs, ensure_ascii=False)) is not None


# --------------------------------------------------------------------------------------------------
# Vector layers (reserved areas, residential areas, ...)
# --------------------------------------------------------------------------------------------------

#: Suffixes read through GDAL/OGR (geopandas with pyogrio); every other file is read as GeoJSON.
#: FlatGeobuf: https://flatgeobuf.org (GDAL driver "FlatGeobuf").
OGR_SUFFIXES: tuple[str, ...] = (".gpkg", ".shp", ".fgb")


def read_vector_layer(
    path: str | Path,
    what: str = "vector layer",
    *,
    error: type[Exception] = HaldenError,
    layer: str | None = None,
) -> list:
    """Geometries of a vector file, reprojected to EPSG:25832 [m], in file order.

    Parameters
    ----------
    path : str or Path
        A GeoJSON file (any suffix other than those below: a FeatureCollection, a Feature or a
        bare geometry, in WGS84 lon/lat as RFC 7946 requires, or in the CRS that a legacy
        GeoJSON-2008 ``crs`` member names, as QGIS writes it for e.g. EPSG:25832), or a
        GeoPackage (``.gpkg``), Shapefile (``.shp``, with its ``.prj``) or FlatGeobuf (``.fgb``)
        in any CRS pyproj knows.
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
    p = Path(path)

    def fail(msg: str):
        raise error(f"{path}: {what}: {msg}")  # the path as the user gave it

    if not p.exists():
        fail("file not found; check the path")
    if p.is_dir():
        fail("path is a folder; give a GeoJSON, GeoPackage or Shapefile")
    if p.suffix.lower() in OGR_SUFFIXES:
        return _read_ogr_layer(p, fail, layer)
    data = _load_json(p, str(path), what, error)
    if not isinstance(data, dict):
        fail("not a GeoJSON object; expected a FeatureCollection of Polygons in WGS84")
    crs = data.get("crs")
    if crs is not None and not is_wgs84_crs(crs):
        # GeoJSON 2008 with a named projected CRS: GDAL's GeoJSON driver reads the crs member.
        return _read_ogr_layer(p, fail, layer)
    return [to_metric(g) for g in _geojson_geometries(data, fail)]


def _geojson_geometries(data: dict, fail) -> list:
    """Valid, non-empty WGS84 geometries of parsed GeoJSON (checked as RFC 7946 requires)."""
    from shapely.geometry import shape

    geoms = []
    for i, f in enumerate(_geojson_features(data, fail)):
        if not isinstance(f, dict):
            fail(f"feature {i}: not a GeoJSON Feature object")
        g = f.get("geometry")
        if g is None:
            continue
        if not isinstance(g, dict):
            fail(f"feature {i}: geometry is not a GeoJSON geometry object")
        try:
            geom = shape(g)
        except Exception as exc:  # noqa: BLE001 - shapely raises many types for bad input
            fail(f"feature {i}: invalid geometry ({str(exc) or type(exc).__name__})")
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            fail(
                f"feature {i}: coordinates ({minx:g}, {miny:g}) are not lon/lat degrees "
                "(projected metres?); GeoJSON needs WGS84: reproject the file to EPSG:4326"
            )
        _check_valid(i, geom, fail)
        geoms.append(geom)
    return geoms


def _load_json(p: Path, label: str, what: str, error) -> Any:
    """Parsed JSON of a file (a UTF-8 BOM, as Windows editors write it, is tolerated)."""
    try:
        with open(p, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except UnicodeDecodeError as exc:
        raise error(
            f"{label}: {what}: not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "give a GeoJSON file"
        ) from None
    except (OSError, ValueError, RecursionError) as exc:
        raise error(
            f"{label}: cannot read {what} as GeoJSON ({str(exc) or type(exc).__name__})"
        ) from None


def _geojson_features(data: dict, fail) -> list:
    """The features of a FeatureCollection, a Feature, or a bare geometry as one feature."""
    if data.get("type") == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list):
            fail("'features' missing or not a list")
        return feats
    if data.get("type") == "Feature":
        return [data]
    return [{"type": "Feature", "geometry": data}]


def _check_valid(i: int, geom, fail) -> None:
    """Fail with GEOS's reason if feature ``i``'s geometry is invalid (e.g. self-intersecting)."""
    import shapely

    if not geom.is_valid:
        fail(
            f"feature {i}: invalid geometry ({shapely.is_valid_reason(geom)}); fix the "
            "outline, e.g. in QGIS: Vector > Geometry Tools > Fix Geometries"
        )


def _read_ogr_layer(p: Path, fail, layer: str | None) -> list:
    """Valid, non-empty geometries of a GeoPackage/Shapefile layer, reprojected to EPSG:25832."""
    import geopandas

    try:
        gdf = geopandas.read_file(p, layer=layer)
    except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL raise various types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        fail(f"cannot read as GeoPackage/Shapefile ({first})")
    if gdf.crs is None:
        fail(
            "layer has no CRS; define one (a Shapefile needs its .prj), e.g. "
            f"ogr2ogr -a_srs EPSG:25832 out{p.suffix} {p.name}"
        )
    try:
        metric = gdf.geometry.to_crs(METRIC_CRS)
    except Exception as exc:  # noqa: BLE001 - pyproj raises various types
        fail(f"cannot transform its CRS to {METRIC_CRS} ({str(exc).splitlines()[0][:160]})")
    geoms = []
    for i, geom in enumerate(metric):
        if geom is None or geom.is_empty:
            continue
        if not np.all(np.isfinite(geom.bounds)):
            fail(
                f"feature {i}: coordinates do not fit the layer's CRS "
                f"({gdf.crs.to_string()[:60]}; metres in a lon/lat file?) and cannot be "
                f"transformed to {METRIC_CRS}; check the CRS or reproject the file"
            )
        _check_valid(i, geom, fail)
        geoms.append(geom)
    return geoms
