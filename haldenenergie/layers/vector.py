"""Vector constraint layers with their attributes, reprojected to EPSG:25832.

Formats: OpenStreetMap ``.osm`` XML and ``.osm.pbf`` through GDAL's OSM driver (layers
``multipolygons`` for areas and ``points`` for nodes such as landmarks or buildings mapped as
nodes; tags that GDAL's default ``osmconf.ini`` has no column for arrive in the hstore-like
``other_tags`` column, ``"heritage"=>"2","wikidata"=>"Q1"``, and are parsed), GeoJSON (RFC 7946:
WGS84 unless a GeoJSON-2008 ``crs`` member names another CRS; Overpass exports by overpass turbo /
osmtogeojson have the tags as flat properties with ``@id`` or nested in ``properties.tags``),
GeoPackage, Shapefile and FlatGeobuf in any CRS pyproj knows.

:func:`haldenenergie.geo.read_vector_layer` returns geometries only; :func:`read_vector_table`
is its attribute-keeping counterpart (the former could later delegate to it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..geo import METRIC_CRS
from .errors import LayerError

#: OSM layers of GDAL's OSM driver that are read: areas, ways, and nodes (buildings / landmarks as
#: nodes). GDAL's default osmconf.ini makes a closed way an area only for the keys in its
#: ``closed_ways_are_polygons`` list, which lacks ``man_made`` (spoil_heap, observatory) and
#: ``heritage``; such closed ways arrive in ``lines`` and are turned into polygons here (OSM wiki
#: "Area": a closed way with an area tag is an area).
OSM_LAYERS: tuple[str, ...] = ("multipolygons", "lines", "points")
#: GDAL OSM driver columns that are bookkeeping, not tags.
_OSM_META = ("osm_id", "osm_way_id", "other_tags")
#: One ``"key"=>"value"`` pair of GDAL's other_tags (hstore syntax, ``\\"`` escapes a quote).
_HSTORE_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
#: The ``<bounds>`` element of an OSM XML file (OSM XML format, wiki "OSM XML").
_OSM_BOUNDS = re.compile(rb"<bounds\s+([^>]*)/?>")
_XML_ATTR = re.compile(rb'(\w+)\s*=\s*["\']([^"\']*)["\']')


@dataclass(frozen=True)
class VectorTable:
    """A vector file read: a GeoDataFrame in EPSG:25832 with lower-case attribute columns."""

    frame: Any
    #: ``(minlon, minlat, maxlon, maxlat)`` of an OSM XML ``<bounds>`` element, or None.
    osm_bounds_wgs84: tuple[float, float, float, float] | None = None
    is_osm_file: bool = False


def is_osm_path(p: Path) -> bool:
    """Whether a path names an OSM XML or PBF file (``.osm``, ``.osm.pbf``, ``.pbf``)."""
    name = p.name.lower()
    return name.endswith((".osm", ".osm.pbf", ".pbf"))


def read_vector_table(path: str | Path) -> VectorTable:
    """Read a vector layer with its attributes, reprojected to EPSG:25832 [m].

    Parameters
    ----------
    path : str or Path
        ``.osm`` / ``.osm.pbf``, GeoJSON, GeoPackage, Shapefile or FlatGeobuf.

    Returns
    -------
    VectorTable
        Features without geometry or with empty geometry are left out. OSM tags (also those in
        ``other_tags`` and nested GeoJSON ``tags``) are columns.

    Raises
    ------
    LayerError
        One line naming the file: missing, a folder, unreadable, no CRS, CRS not transformable,
        GeoJSON coordinates that are not lon/lat.
    """
    p = Path(path)
    if not p.exists():
        raise LayerError(f"{path}: layer file not found; check the path")
    if p.is_dir():
        raise LayerError(
            f"{path}: is a folder; give a file (a 'layers fetch-osm' folder: --layers)"
        )
    if is_osm_path(p):
        return _read_osm(p, str(path))
    frames = [
        _to_metric(_flatten_tags(_lower_columns(_read_ogr(p, str(path), layer))), p, str(path))
        for layer in _spatial_layers(p, str(path))
    ]
    if len(frames) == 1:
        return VectorTable(frames[0])
    import geopandas
    import pandas as pd

    joined = pd.concat(frames, ignore_index=True)
    return VectorTable(geopandas.GeoDataFrame(joined, geometry="geometry", crs=METRIC_CRS))


def _spatial_layers(p: Path, label: str) -> list[str | None]:
    """The layers with geometry of a multi-layer GeoPackage, else ``[None]`` (the only layer).

    E.g. a Basis-DLM download holds one layer per object group (veg02_f, sie02_f, ...).
    """
    if p.suffix.lower() != ".gpkg":
        return [None]
    import pyogrio

    try:
        layers = pyogrio.list_layers(p)
    except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL raise various types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise LayerError(f"{label}: cannot read as a vector layer ({first})") from None
    spatial = [str(name) for name, gtype in layers if gtype is not None]
    return spatial if len(spatial) > 1 else [None]


def _read_ogr(p: Path, label: str, layer: str | None) -> Any:
    import geopandas

    try:
        gdf = geopandas.read_file(p, layer=layer, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL raise various types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise LayerError(
            f"{label}: cannot read as a vector layer ({first}); give an OSM (.osm/.osm.pbf), "
            "GeoJSON, GeoPackage or Shapefile file"
        ) from None
    return gdf


def _read_osm(p: Path, label: str) -> VectorTable:
    import geopandas
    import pandas as pd

    frames = []
    for layer in OSM_LAYERS:
        gdf = _read_ogr(p, label, layer)
        if layer == "lines":
            gdf = _closed_ways_as_areas(gdf)
        frames.append(_osm_tags_frame(gdf))
    crs = frames[0].crs or "EPSG:4326"  # the OSM driver always reports WGS84
    gdf = geopandas.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    bounds = _osm_xml_bounds(p) if p.name.lower().endswith(".osm") else None
    return VectorTable(_to_metric(gdf, p, label), osm_bounds_wgs84=bounds, is_osm_file=True)


def _osm_tags_frame(gdf) -> Any:
    """GDAL OSM layer -> one column per tag (the default columns plus parsed other_tags)."""
    import geopandas
    import pandas as pd

    records = []
    cols = [c for c in gdf.columns if c != "geometry"]
    for row in gdf[cols].itertuples(index=False, name=None):
        rec = {c: v for c, v in zip(cols, row, strict=True) if v is not None and c != "other_tags"}
        other = dict(zip(cols, row, strict=True)).get("other_tags")
        if other:
            rec.update(parse_other_tags(other))
        records.append(rec)
    table = pd.DataFrame.from_records(records, index=gdf.index) if records else pd.DataFrame()
    table.columns = [str(c).lower() for c in table.columns]
    return geopandas.GeoDataFrame(table, geometry=gdf.geometry.values, crs=gdf.crs)


def _closed_ways_as_areas(gdf) -> Any:
    """Closed LineStrings (first = last node, >= 4 nodes) of GDAL's ``lines`` layer as Polygons."""
    import shapely

    def area(g):
        if g is not None and g.geom_type == "LineString" and g.is_closed and len(g.coords) >= 4:
            return shapely.Polygon(g.coords)
        return g

    gdf = gdf.copy()
    gdf["geometry"] = [area(g) for g in gdf.geometry]
    return gdf


def parse_other_tags(text: str) -> dict[str, str]:
    """Tags of GDAL's OSM ``other_tags`` column: ``'"a"=>"1","b"=>"x"'`` -> ``{"a": "1", ...}``."""

    def unescape(s: str) -> str:
        return s.replace('\\"', '"').replace("\\\\", "\\")

    return {unescape(k): unescape(v) for k, v in _HSTORE_PAIR.findall(str(text))}


def _osm_xml_bounds(p: Path) -> tuple[float, float, float, float] | None:
    """``(minlon, minlat, maxlon, maxlat)`` of the ``<bounds>`` element in an OSM XML header."""
    with open(p, "rb") as fh:
        head = fh.read(65536)
    m = _OSM_BOUNDS.search(head)
    if not m:
        return None
    attrs = {k.decode(): v.decode() for k, v in _XML_ATTR.findall(m.group(1))}
    try:
        return (
            float(attrs["minlon"]),
            float(attrs["minlat"]),
            float(attrs["maxlon"]),
            float(attrs["maxlat"]),
        )
    except (KeyError, ValueError):
        return None


def _lower_columns(gdf) -> Any:
    gdf = gdf.rename(columns={c: str(c).lower() for c in gdf.columns if c != gdf.geometry.name})
    return gdf


def _flatten_tags(gdf) -> Any:
    """Overpass-turbo GeoJSON with nested ``properties.tags``: the tags become columns."""
    import pandas as pd

    if "tags" not in gdf.columns:
        return gdf
    rows = []
    for v in gdf["tags"].tolist():
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                v = None
        rows.append({str(k).lower(): t for k, t in v.items()} if isinstance(v, dict) else {})
    tags = pd.DataFrame.from_records(rows, index=gdf.index)
    keep = [c for c in tags.columns if c not in gdf.columns]
    out = gdf.drop(columns=["tags"])
    for c in keep:
        out[c] = tags[c]
    return out


def _to_metric(gdf, p: Path, label: str) -> Any:
    """Drop empty geometries, check the CRS and reproject to EPSG:25832."""
    import numpy as np

    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if gdf.crs is None:
        raise LayerError(
            f"{label}: layer has no CRS; define one (a Shapefile needs its .prj), e.g. "
            f"ogr2ogr -a_srs EPSG:25832 fixed{p.suffix} {p.name}"
        )
    if gdf.crs.is_geographic and len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise LayerError(
                f"{label}: coordinates ({minx:g}, {miny:g}) are not lon/lat degrees (projected "
                "metres?) but the file says WGS84 (GeoJSON without 'crs' is WGS84, RFC 7946); "
                "reproject the file to EPSG:4326 or name its CRS"
            )
    try:
        metric = gdf.to_crs(METRIC_CRS)
    except Exception as exc:  # noqa: BLE001 - pyproj raises various types
        raise LayerError(
            f"{label}: cannot transform its CRS to {METRIC_CRS} ({str(exc).splitlines()[0][:160]})"
        ) from None
    if len(metric) and not np.all(np.isfinite(metric.total_bounds)):
        raise LayerError(
            f"{label}: coordinates do not fit the layer's CRS ({gdf.crs.to_string()[:60]}) and "
            f"cannot be transformed to {METRIC_CRS}; check the CRS or reproject the file"
        )
    metric = metric.copy()
    metric["geometry"] = metric.geometry.make_valid()
    return metric
