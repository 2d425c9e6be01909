"""Synthetic constraint layers in each published format around one analytic square heap.

The heap is a 400 m x 400 m square in EPSG:25832 centred at 51.45 N, 7.0 E (Essen); the forest is
exactly its north-east quarter (200 m x 200 m = 4.0 ha); a residential block lies 800 m east of the
heap's east edge. Every file is written as its format specifies:
OSM XML by hand from the OSM XML format (wiki "OSM XML": <osm>, <bounds>, <node>, <way> with <nd>,
<relation> with <member>, <tag k v>); OSM PBF with pyosmium's writer; Overpass GeoJSON as overpass
turbo / osmtogeojson export it (RFC 7946); the Shapefile, GeoPackage and GeoTIFFs with GDAL
(pyogrio / rasterio) in the products' published layouts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer

LAT0, LON0 = 51.45, 7.0
HALF_M = 200.0
FOREST_AREA_M2 = 200.0 * 200.0

_TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
_UTM_TO = {
    crs: Transformer.from_crs("EPSG:25832", crs, always_xy=True)
    for crs in ("EPSG:4326", "EPSG:3035")
}
CX, CY = _TO_UTM.transform(LON0, LAT0)
HEAP = shapely.box(CX - HALF_M, CY - HALF_M, CX + HALF_M, CY + HALF_M)
FOREST = shapely.box(CX, CY, CX + HALF_M, CY + HALF_M)
#: A residential block 800 m east of the heap's east edge (100 m x 100 m).
HOUSING = shapely.box(CX + HALF_M + 800, CY - 50, CX + HALF_M + 900, CY + 50)
#: The south-west quarter: open land (meadow / grassland).
MEADOW = shapely.box(CX - HALF_M, CY - HALF_M, CX, CY)


def to_crs(geom, crs: str):
    """A geometry in EPSG:25832, densified to 5 m and transformed to ``crs``."""
    tr = _UTM_TO[crs]
    g = shapely.segmentize(geom, 5.0)
    return shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def lonlat_ring(geom) -> list[tuple[float, float]]:
    """Exterior ring of a polygon in EPSG:25832 as (lon, lat) tuples, closed."""
    return list(to_crs(geom, "EPSG:4326").exterior.coords)


# --------------------------------------------------------------------------------------------------
# OSM XML
# --------------------------------------------------------------------------------------------------


class _OsmBuilder:
    """Collects OSM nodes / ways / relations and writes them as OSM XML 0.6."""

    def __init__(self) -> None:
        self.nodes: list[tuple[int, float, float, dict]] = []
        self.ways: list[tuple[int, list[int], dict]] = []
        self.relations: list[tuple[int, list[tuple[str, int, str]], dict]] = []
        self._next = 1

    def _id(self) -> int:
        self._next += 1
        return self._next

    def node(self, lon: float, lat: float, tags: dict | None = None) -> int:
        nid = self._id()
        self.nodes.append((nid, lon, lat, tags or {}))
        return nid

    def area_way(self, geom, tags: dict | None) -> int:
        ring = lonlat_ring(geom)[:-1]
        ids = [self.node(lon, lat) for lon, lat in ring]
        wid = self._id()
        self.ways.append((wid, [*ids, ids[0]], tags or {}))
        return wid

    def multipolygon(self, geom, tags: dict) -> int:
        wid = self.area_way(geom, None)
        rid = self._id()
        self.relations.append((rid, [("way", wid, "outer")], {"type": "multipolygon", **tags}))
        return rid

    def xml(self, bounds=None) -> str:
        def tag_lines(tags, ind="  "):
            return "".join(f'{ind}<tag k="{k}" v="{v}"/>\n' for k, v in tags.items())

        out = ['<?xml version="1.0" encoding="UTF-8"?>\n', '<osm version="0.6" generator="test">\n']
        if bounds:
            minlon, minlat, maxlon, maxlat = bounds
            out.append(
                f' <bounds minlat="{minlat:.7f}" minlon="{minlon:.7f}" '
                f'maxlat="{maxlat:.7f}" maxlon="{maxlon:.7f}"/>\n'
            )
        for nid, lon, lat, tags in self.nodes:
            head = f' <node id="{nid}" version="1" lat="{lat:.9f}" lon="{lon:.9f}"'
            out.append(f"{head}>\n{tag_lines(tags)} </node>\n" if tags else f"{head}/>\n")
        for wid, refs, tags in self.ways:
            nds = "".join(f'  <nd ref="{r}"/>\n' for r in refs)
            out.append(f' <way id="{wid}" version="1">\n{nds}{tag_lines(tags)} </way>\n')
        for rid, members, tags in self.relations:
            mem = "".join(
                f'  <member type="{t}" ref="{r}" role="{role}"/>\n' for t, r, role in members
            )
            out.append(f' <relation id="{rid}" version="1">\n{mem}{tag_lines(tags)} </relation>\n')
        out.append("</osm>\n")
        return "".join(out)


def osm_content() -> _OsmBuilder:
    """The synthetic area in OSM: forest way, meadow way, protected relation, house + landmark."""
    b = _OsmBuilder()
    b.area_way(FOREST, {"landuse": "forest", "leaf_type": "broadleaved"})
    b.area_way(MEADOW, {"landuse": "meadow"})
    b.area_way(HOUSING, {"landuse": "residential"})
    b.multipolygon(HEAP.buffer(-150), {"boundary": "protected_area", "protect_class": "4"})
    lon, lat = _UTM_TO["EPSG:4326"].transform(CX - 100, CY + 100)
    b.node(lon, lat, {"tourism": "viewpoint", "heritage": "2", "wikidata": "Q1"})
    lon, lat = _UTM_TO["EPSG:4326"].transform(CX + HALF_M + 850, CY + 80)
    b.node(lon, lat, {"building": "house"})
    return b


def osm_bounds(margin_m: float = 1500.0) -> tuple[float, float, float, float]:
    ring = lonlat_ring(HEAP.buffer(margin_m, join_style="mitre"))
    lons, lats = zip(*ring, strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def write_osm_xml(path: Path, bounds=True) -> Path:
    path.write_text(osm_content().xml(osm_bounds() if bounds else None), encoding="utf-8")
    return path


def write_osm_pbf(path: Path) -> Path:
    osmium = pytest.importorskip("osmium")
    b = osm_content()
    with osmium.SimpleWriter(str(path)) as w:
        for nid, lon, lat, tags in b.nodes:
            w.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), tags=tags, version=1))
        for wid, refs, tags in b.ways:
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        for rid, members, tags in b.relations:
            mem = [(t[0], r, role) for t, r, role in members]
            w.add_relation(osmium.osm.mutable.Relation(id=rid, members=mem, tags=tags, version=1))
    return path


# --------------------------------------------------------------------------------------------------
# Overpass GeoJSON, Shapefile, GeoPackage
# --------------------------------------------------------------------------------------------------


def _gj_polygon(geom) -> dict:
    return {"type": "Polygon", "coordinates": [[list(c) for c in lonlat_ring(geom)]]}


def write_overpass_geojson(path: Path, nested: bool = False) -> Path:
    """overpass turbo export: flat tags with "@id" (osmtogeojson >= 3), or nested .tags."""
    items = [("way/10", FOREST, {"landuse": "forest"}), ("way/11", MEADOW, {"landuse": "meadow"})]
    feats = []
    for oid, geom, tags in items:
        if nested:
            kind, num = oid.split("/")
            props = {"type": kind, "id": int(num), "tags": tags, "relations": [], "meta": {}}
        else:
            props = {"@id": oid, **tags}
        feats.append(
            {"type": "Feature", "id": oid, "properties": props, "geometry": _gj_polygon(geom)}
        )
    data = {
        "type": "FeatureCollection",
        "generator": "overpass-turbo",
        "copyright": "The data included in this document is from www.openstreetmap.org.",
        "features": feats,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_atkis_shapefile(path: Path, prj: bool = True) -> Path:
    """Basis-DLM 'Ebenen' style Shapefile in EPSG:25832: OBJART / OBJART_TXT per AAA code."""
    import geopandas

    rows = [
        (43002, "AX_Wald", FOREST),
        (43001, "AX_Landwirtschaft", MEADOW),
        (41001, "AX_Wohnbauflaeche", HOUSING),
        (41003, "AX_Halde", HEAP),
    ]
    gdf = geopandas.GeoDataFrame(
        {
            "OBJART": [r[0] for r in rows],
            "OBJART_TXT": [r[1] for r in rows],
            "OBJID": [f"DENW{i:012d}" for i in range(len(rows))],
        },
        geometry=[r[2] for r in rows],
        crs="EPSG:25832" if prj else None,
    )
    gdf.to_file(path, driver="ESRI Shapefile", engine="pyogrio")
    return path


def write_corine_gpkg(path: Path) -> Path:
    """CLC2018 GeoPackage layout: layer U2018_CLC2018_V2020_20u1, Code_18 as text, EPSG:3035."""
    import geopandas

    rows = [("311", FOREST), ("231", MEADOW), ("112", HOUSING)]
    gdf = geopandas.GeoDataFrame(
        {
            "Code_18": [r[0] for r in rows],
            "Remark": [None] * len(rows),
            "Area_Ha": [r[1].area / 1e4 for r in rows],
            "ID": [f"EU_{i}" for i in range(len(rows))],
        },
        geometry=[to_crs(r[1], "EPSG:3035") for r in rows],
        crs="EPSG:3035",
    )
    gdf.to_file(path, driver="GPKG", layer="U2018_CLC2018_V2020_20u1", engine="pyogrio")
    return path


# --------------------------------------------------------------------------------------------------
# GeoTIFFs
# --------------------------------------------------------------------------------------------------


def _write_tif(path: Path, crs: str, res: float, fill: int, shapes_values, margin_m: float) -> Path:
    import rasterio
    from rasterio.features import rasterize
    from rasterio.transform import from_origin

    area = to_crs(HEAP.buffer(margin_m, join_style="mitre"), crs)
    minx, miny, maxx, maxy = area.bounds
    width, height = int(np.ceil((maxx - minx) / res)), int(np.ceil((maxy - miny) / res))
    transform = from_origin(minx, maxy, res, res)
    data = rasterize(
        [(to_crs(g, crs), v) for g, v in shapes_values],
        out_shape=(height, width),
        transform=transform,
        fill=fill,
        dtype="uint8",
    )
    profile = {
        "driver": "GTiff",
        "dtype": "uint8",
        "count": 1,
        "width": width,
        "height": height,
        "crs": crs,
        "transform": transform,
        "compress": "lzw",
    }
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data, 1)
    return path


def write_tcd_tif(path: Path) -> Path:
    """HRL TCD: uint8 %, EPSG:3035; forest 80 %, else 5 %; 254 (unclassifiable) in a strip south
    of the heap; 255 (outside area) beyond 350 m of the heap."""
    outside = HEAP.buffer(2000, join_style="mitre").difference(HEAP.buffer(350, join_style="mitre"))
    strip = shapely.box(CX - 100, CY - HALF_M - 60, CX + 100, CY - HALF_M - 20)
    return _write_tif(
        path, "EPSG:3035", 1.0, 5, [(outside, 255), (strip, 254), (FOREST, 80)], margin_m=600
    )


def write_worldcover_tif(path: Path) -> Path:
    """ESA WorldCover: uint8 classes, EPSG:4326; 10 tree cover, 30 grassland, 50 built-up, 0 no
    data beyond 1 km of the heap."""
    outside = HEAP.buffer(3000, join_style="mitre").difference(
        HEAP.buffer(1000, join_style="mitre")
    )
    return _write_tif(
        path, "EPSG:4326", 1e-5, 30, [(outside, 0), (FOREST, 10), (HOUSING, 50)], margin_m=1200
    )


WRITERS = {
    "osm_xml": ("area.osm", write_osm_xml),
    "osm_pbf": ("area.osm.pbf", write_osm_pbf),
    "overpass_flat": ("overpass.geojson", write_overpass_geojson),
    "overpass_nested": ("overpass_nested.geojson", lambda p: write_overpass_geojson(p, True)),
    "atkis_shp": ("basis_dlm_veg.shp", write_atkis_shapefile),
    "corine_gpkg": ("clc2018.gpkg", write_corine_gpkg),
    "tcd_tif": ("TCD_2018_010m_E41N31_03035_v020.tif", write_tcd_tif),
    "worldcover_tif": ("ESA_WorldCover_10m_2021_v200_N51E006_Map.tif", write_worldcover_tif),
}


@pytest.fixture(scope="session")
def layer_files(tmp_path_factory):
    """Lazily written synthetic files: ``layer_files("tcd_tif")`` -> Path."""
    root = tmp_path_factory.mktemp("layers")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            fname, writer = WRITERS[name]
            made[name] = writer(root / fname)
        return made[name]

    return get


@pytest.fixture(scope="session")
def synth():
    """The analytic geometry and the writers (test files cannot import conftest)."""
    import types

    names = [
        "CX",
        "CY",
        "HALF_M",
        "HEAP",
        "FOREST",
        "FOREST_AREA_M2",
        "HOUSING",
        "MEADOW",
        "osm_bounds",
        "write_atkis_shapefile",
        "write_osm_xml",
        "write_overpass_geojson",
    ]
    return types.SimpleNamespace(**{n: globals()[n] for n in names}, OsmBuilder=_OsmBuilder)
