"""Vector constraint layers with their attributes, reprojected to EPSG:25832.

Formats: OpenStreetMap ``.osm`` XML and ``.osm.pbf`` through GDAL's OSM driver (layers
``multipolygons`` for areas and ``points`` for nodes such as landmarks or buildings mapped as
nodes; tags that GDAL's default ``osmconf.ini`` has no column for arrive in the hstore-like
``other_tags`` column, ``"heritage"=>"2","wikidata"=>"Q1"``, and are parsed), GeoJSON (RFC 7946:
WGS84 unless a GeoJSON-2008 ``crs`` member names another CRS; Overpass exports by overpass turbo /
osmtogeojson have the tags as flat properties with ``@id`` or nested in ``properties.tags``),
GeoPackage, Shapefile and FlatGeobuf in any CRS pyproj knows.

This is the one vector reader of the tool: :func:`read_vector_table` reads every vector input
(``--reserved``, ``--residential``, ``--basemap``, the constraint layers) with one error style,
``"<path>: <what>: <problem>; <fix>"`` in the caller's error class;
:func:`haldenenergie.geo.read_vector_layer` is its geometries-only view. Plain GeoJSON is parsed
and checked feature by feature as RFC 7946 requires (WGS84 lon/lat, valid geometry); everything
else goes through GDAL/OGR (geopandas with pyogrio).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..geo import METRIC_CRS, OGR_SUFFIXES, WGS84_CRS, is_wgs84_crs
from .errors import LayerError

#: Suffixes always parsed as GeoJSON (RFC 7946, section 12: ".geojson"; ".json" as often used).
GEOJSON_SUFFIXES: tuple[str, ...] = (".geojson", ".json")

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


def _failer(path: Any, what: str, error: type[Exception]):
    """``fail(msg)``: raise ``error("<path>: <what>: <msg>")`` (``what`` left out when empty)."""
    head = f"{path}: {what}: " if what else f"{path}: "

    def fail(msg: str):
        raise error(head + msg)

    def fail_plain(msg: str):  # "<path>: <msg>", for messages that name ``what`` themselves
        raise error(f"{path}: {msg}")

    fail.plain = fail_plain
    fail.what = what or "the layer"
    return fail


def read_vector_table(
    path: str | Path,
    what: str = "",
    *,
    error: type[Exception] = LayerError,
    layer: str | None = None,
    repair: bool = True,
) -> VectorTable:
    """Read a vector layer with its attributes, reprojected to EPSG:25832 [m].

    Parameters
    ----------
    path : str or Path
        ``.osm`` / ``.osm.pbf``; GeoJSON (RFC 7946 WGS84, or the CRS a GeoJSON-2008 ``crs``
        member names, as QGIS writes it); GeoPackage, Shapefile (with its ``.prj``) or FlatGeobuf
        in any CRS pyproj knows.
    what : str
        What the layer is, for messages (e.g. ``"reserved areas"``); empty: left out.
    error : exception class
        Raised for every problem (default :class:`~haldenenergie.layers.errors.LayerError`).
    layer : str, optional
        The layer of a multi-layer GeoPackage; default: all layers with geometry, joined.
    repair : bool
        Invalid geometries (self-intersections, as OSM and cadastre extracts hold) are repaired
        with GEOS ``make_valid``; False: an invalid geometry is an error naming the feature.

    Returns
    -------
    VectorTable
        Features without geometry or with empty geometry are left out. OSM tags (also those in
        ``other_tags`` and nested GeoJSON ``tags``) are columns; column names are lower case.

    Raises
    ------
    error
        One line naming the file: missing, a folder, unreadable, not UTF-8 or not valid
        GeoJSON, no CRS, CRS not transformable, GeoJSON coordinates that are not lon/lat, an
        invalid geometry (``repair=False``).
    """
    p = Path(path)
    fail = _failer(path, what, error)
    if not p.exists():
        fail("file not found; check the path")
    if p.is_dir():
        fail("path is a folder; give a file (a 'layers fetch-osm' folder: --layers)")
    if is_osm_path(p):
        return _read_osm(p, fail)
    if p.suffix.lower() in GEOJSON_SUFFIXES or (
        p.suffix.lower() not in OGR_SUFFIXES and _looks_like_json(p)
    ):
        data = _load_json(p, fail)
        if not isinstance(data, dict):
            fail("not a GeoJSON object; expected a FeatureCollection of Polygons in WGS84")
        crs = data.get("crs")
        if crs is None or is_wgs84_crs(crs):
            frame = _flatten_tags(_lower_columns(_geojson_frame(data, fail, repair)))
            return VectorTable(frame.to_crs(METRIC_CRS))
        # GeoJSON 2008 with a named projected CRS: GDAL's GeoJSON driver reads the crs member.
    names = [layer] if layer is not None else _spatial_layers(p, fail)
    frames = [
        _to_metric(_flatten_tags(_lower_columns(_read_ogr(p, fail, name))), p, fail, repair)
        for name in names
    ]
    if len(frames) == 1:
        return VectorTable(frames[0])
    import geopandas
    import pandas as pd

    joined = pd.concat(frames, ignore_index=True)
    return VectorTable(geopandas.GeoDataFrame(joined, geometry="geometry", crs=METRIC_CRS))


def _looks_like_json(p: Path) -> bool:
    """Whether a file's text starts with ``{`` (after a UTF-8 BOM and white space)."""
    try:
        with open(p, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return True  # the JSON reader reports the problem
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"")


def _load_json(p: Path, fail) -> Any:
    """Parsed JSON of a file (a UTF-8 BOM, as Windows editors write it, is tolerated)."""
    try:
        with open(p, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except UnicodeDecodeError as exc:
        fail(f"not UTF-8 text ({exc.reason} at byte {exc.start}); give a GeoJSON file")
    except (OSError, ValueError, RecursionError) as exc:
        fail.plain(f"cannot read {fail.what} as GeoJSON ({str(exc) or type(exc).__name__})")


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


def _geojson_frame(data: dict, fail, repair: bool) -> Any:
    """GeoDataFrame (WGS84) of the valid, non-empty features of parsed GeoJSON (RFC 7946)."""
    import geopandas
    import pandas as pd
    from shapely.geometry import shape

    geoms, props = [], []
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
                "(projected metres?) but GeoJSON without 'crs' is WGS84 (RFC 7946); reproject "
                "the file to EPSG:4326 or name its CRS"
            )
        geoms.append(_valid(i, geom, fail, repair))
        p = f.get("properties")
        props.append({str(k): _plain(v) for k, v in p.items()} if isinstance(p, dict) else {})
    table = pd.DataFrame.from_records(props) if props else pd.DataFrame(index=range(0))
    return geopandas.GeoDataFrame(table, geometry=geopandas.GeoSeries(geoms), crs=WGS84_CRS)


def _plain(v: Any) -> Any:
    """A GeoJSON property value for a column: nested objects as JSON text (tags stay dicts)."""
    return json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v


def _valid(i: int, geom, fail, repair: bool):
    """``geom``, repaired (``repair``) or refused with GEOS's reason if it is invalid."""
    import shapely

    if geom.is_valid:
        return geom
    if repair:
        return shapely.make_valid(geom)
    fail(
        f"feature {i}: invalid geometry ({shapely.is_valid_reason(geom)}); fix the "
        "outline, e.g. in QGIS: Vector > Geometry Tools > Fix Geometries"
    )


def _spatial_layers(p: Path, fail) -> list[str | None]:
    """The layers with geometry of a multi-layer GeoPackage, else ``[None]`` (the only layer).

    E.g. a Basis-DLM download holds one layer per object group (veg02_f, sie02_f, ...).
    """
    if p.suffix.lower() != ".gpkg":
        return [None]
    import pyogrio

    try:
        layers = pyogrio.list_layers(p)
    except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL raise various types
        fail(f"cannot read as a vector layer ({_first_line(exc)})")
    spatial = [str(name) for name, gtype in layers if gtype is not None]
    return spatial if len(spatial) > 1 else [None]


def _first_line(exc: Exception) -> str:
    """The first line of an exception's message (at most 160 characters)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]


def _read_ogr(p: Path, fail, layer: str | None) -> Any:
    """One layer of a file through GDAL/OGR (pyogrio)."""
    import geopandas

    try:
        return geopandas.read_file(p, layer=layer, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL raise various types
        fail(
            f"cannot read as a vector layer ({_first_line(exc)}); give an OSM (.osm/.osm.pbf), "
            "GeoJSON, GeoPackage, Shapefile or FlatGeobuf file"
        )


def _read_osm(p: Path, fail) -> VectorTable:
    import geopandas
    import pandas as pd

    frames = []
    for layer in OSM_LAYERS:
        gdf = _read_ogr(p, fail, layer)
        if layer == "lines":
            gdf = _closed_ways_as_areas(gdf)
        frames.append(_osm_tags_frame(gdf))
    crs = frames[0].crs or "EPSG:4326"  # the OSM driver always reports WGS84
    gdf = geopandas.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    bounds = _osm_xml_bounds(p) if p.name.lower().endswith(".osm") else None
    metric = _to_metric(gdf, p, fail, repair=True)
    return VectorTable(metric, osm_bounds_wgs84=bounds, is_osm_file=True)


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


def _to_metric(gdf, p: Path, fail, repair: bool = True) -> Any:
    """Drop empty geometries, check the CRS, reproject to EPSG:25832, repair or check validity."""
    import numpy as np

    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    if gdf.crs is None:
        fail(
            "layer has no CRS; define one (a Shapefile needs its .prj), e.g. "
            f"ogr2ogr -a_srs EPSG:25832 fixed{p.suffix} {p.name}"
        )
    if gdf.crs.is_geographic and len(gdf):
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            fail(
                f"coordinates ({minx:g}, {miny:g}) do not fit the layer's CRS "
                f"({gdf.crs.to_string()[:60]}): they are not lon/lat degrees (projected "
                "metres?); check the CRS or reproject the file to EPSG:4326"
            )
    try:
        metric = gdf.to_crs(METRIC_CRS)
    except Exception as exc:  # noqa: BLE001 - pyproj raises various types
        fail(f"cannot transform its CRS to {METRIC_CRS} ({_first_line(exc)})")
    if len(metric):
        b = metric.geometry.bounds.to_numpy()
        bad = np.flatnonzero(~np.isfinite(b).all(axis=1))
        if bad.size:
            fail(
                f"feature {bad[0]}: coordinates do not fit the layer's CRS "
                f"({gdf.crs.to_string()[:60]}; metres in a lon/lat file?) and cannot be "
                f"transformed to {METRIC_CRS}; check the CRS or reproject the file"
            )
    metric = metric.copy()
    if repair:
        metric["geometry"] = metric.geometry.make_valid()
    else:
        metric["geometry"] = [_valid(i, g, fail, False) for i, g in enumerate(metric.geometry)]
    return metric


def first_layer(p: Path) -> str | None:
    """Name of the first layer of a GeoPackage (None if it cannot be listed: the reader fails)."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(p)
    except Exception:  # noqa: BLE001 - the read that follows reports it in the caller's style
        return None
    return str(layers[0][0]) if len(layers) else None
