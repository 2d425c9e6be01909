"""read_layer / load_layers on synthetic files in every published format (see conftest.py)."""

from __future__ import annotations

import json

import pytest
import shapely

from haldenenergie.layers import (
    EXTENT_MARGIN_M,
    FETCH_FORMAT,
    LayerError,
    LayersConfig,
    LayerSet,
    load_layers,
    read_layer,
)

FORMATS = [
    ("osm_xml", "osm"),
    ("osm_pbf", "osm"),
    ("overpass_flat", "osm"),
    ("overpass_nested", "osm"),
    ("atkis_shp", "atkis"),
    ("corine_gpkg", "corine"),
    ("tcd_tif", "tcd"),
    ("worldcover_tif", "worldcover"),
]


@pytest.mark.parametrize(("name", "schema"), FORMATS)
def test_same_forest_area_in_every_format(layer_files, name, schema, synth):
    """The north-east quarter (4.0 ha) is the forest in every format, within 0.5 %."""
    layer = read_layer("forest", layer_files(name))
    assert layer.schema == schema
    assert layer.n_features >= 1
    forest = layer.geometry(synth.HEAP.bounds)
    assert forest.area == pytest.approx(synth.FOREST_AREA_M2, rel=0.005)
    # the same place, not only the same size
    assert forest.intersection(synth.FOREST).area == pytest.approx(synth.FOREST_AREA_M2, rel=0.005)
    assert layer.extent.covers(synth.HEAP)


@pytest.mark.parametrize(
    ("name", "kind", "geom"),
    [
        ("osm_xml", "open_land", "MEADOW"),
        ("atkis_shp", "open_land", "MEADOW"),
        ("corine_gpkg", "open_land", "MEADOW"),
        ("atkis_shp", "residential", "HOUSING"),
        ("corine_gpkg", "residential", "HOUSING"),
        ("worldcover_tif", "residential", "HOUSING"),
        ("atkis_shp", "heap_outline", "HEAP"),
    ],
)
def test_other_kinds_area(layer_files, name, kind, geom, synth):
    geom = getattr(synth, geom)
    layer = read_layer(kind, layer_files(name))
    got = layer.geometry(geom.buffer(10).bounds)
    assert got.intersection(geom).area == pytest.approx(geom.area, rel=0.005)


def test_osm_points_and_relations(layer_files, synth):
    """Landmarks come from nodes (heritage in other_tags), protected areas from a relation."""
    p = layer_files("osm_xml")
    landmark = read_layer("landmark", p).geometry()
    assert landmark.geom_type == "Point"
    assert landmark.distance(shapely.Point(synth.CX - 100, synth.CY + 100)) < 0.01
    protected = read_layer("protected", p).geometry()
    assert protected.area == pytest.approx(100.0 * 100.0, rel=0.005)
    residential = read_layer("residential", p).geometry()  # landuse area + a house node
    kinds = sorted(g.geom_type for g in shapely.get_parts(residential))
    assert kinds == ["Point", "Polygon"]


def test_coverage_osm_bounds(layer_files, synth):
    """OSM XML with <bounds>: exactly that box (1.5 km around the heap), no margin."""
    layer = read_layer("forest", layer_files("osm_xml"))
    assert layer.extent.covers(synth.HEAP.buffer(1400))
    assert not layer.extent.covers(synth.HEAP.buffer(1600))
    minlon, minlat, maxlon, maxlat = synth.osm_bounds()
    assert minlon < 7.0 < maxlon and minlat < 51.45 < maxlat
    assert layer.extent.covers(synth.HEAP.buffer(1499, join_style="mitre"))
    assert layer.extent.area < ((synth.HALF_M + 1500) * 2) ** 2 * 1.1


def test_coverage_vector_bbox_of_all_features_plus_margin(layer_files, synth):
    """A Shapefile: bbox of ALL features (heap .. housing) widened by 2 km."""
    layer = read_layer("forest", layer_files("atkis_shp"))
    all_box = shapely.box(*synth.HEAP.union(synth.HOUSING).bounds)
    assert layer.extent.covers(all_box.buffer(EXTENT_MARGIN_M - 1, join_style="mitre"))
    assert not layer.extent.covers(
        shapely.Point(synth.CX, synth.CY + synth.HALF_M + EXTENT_MARGIN_M + 10)
    )
    layers = LayerSet([layer])
    assert layers.covers("forest", synth.HEAP)
    assert not layers.covers("forest", synth.HEAP.buffer(3000))
    assert not layers.covers("residential", synth.HEAP)


def test_coverage_raster_valid_window(layer_files, synth):
    """TCD: 255 (outside area) beyond 350 m is not covered; WorldCover: 0 beyond 1 km."""
    tcd = read_layer("forest", layer_files("tcd_tif"))
    assert tcd.extent.covers(synth.HEAP.buffer(340))
    assert not tcd.extent.covers(synth.HEAP.buffer(400))
    wc = read_layer("forest", layer_files("worldcover_tif"))
    assert wc.extent.covers(synth.HEAP.buffer(990))
    assert not wc.extent.covers(synth.HEAP.buffer(1100))


def test_raster_window_is_cached(layer_files, synth):
    layer = read_layer("forest", layer_files("tcd_tif"))
    assert layer.geometry(synth.HEAP.bounds) is layer.geometry(synth.HEAP.bounds)
    far = layer.geometry((synth.CX + 50_000, synth.CY, synth.CX + 50_100, synth.CY + 100))
    assert far.is_empty


def _fetch_folder(tmp_path, layer_files, synth, fmt=FETCH_FORMAT):
    src = layer_files("osm_xml")
    d = tmp_path / "osm_layers"
    d.mkdir()
    (d / "cluster_01.osm").write_bytes(src.read_bytes())
    bbox = synth.osm_bounds(margin_m=1000.0)
    manifest = {
        "format": fmt,
        "created_utc": "2026-12-01T00:00:00+00:00",
        "endpoint": "https://overpass-api.de/api/interpreter",
        "files": [
            {
                "file": "cluster_01.osm",
                "bbox_wgs84": list(bbox),
                "heaps": ["test"],
                "query": "[out:xml];",
                "sha256": "ab" * 32,
                "bytes": 1,
            }
        ],
    }
    (d / "layers.json").write_text(json.dumps(manifest), encoding="utf-8")
    return d


def test_fetch_folder_every_kind_with_recorded_bbox(tmp_path, layer_files, synth):
    d = _fetch_folder(tmp_path, layer_files, synth)
    layers = load_layers(LayersConfig(), layers_dir=d)
    assert layers.kinds() == (
        "forest",
        "residential",
        "protected",
        "landmark",
        "heap_outline",
        "open_land",
    )
    # heap_outline: the file has none, but the folder says so for its box: n_features 0
    assert [la.n_features for la in layers.of("heap_outline")] == [0]
    assert layers.covers("forest", synth.HEAP.buffer(900))
    assert not layers.covers("forest", synth.HEAP.buffer(1100))  # the recorded bbox, not <bounds>
    assert layers.geometry("forest", synth.HEAP.bounds).area == pytest.approx(
        synth.FOREST_AREA_M2, rel=0.005
    )
    assert layers.records()[0]["sha256"] == "ab" * 32
    assert layers.source("forest") == "cluster_01.osm (osm)"


def test_load_layers_config_extra_and_dir(tmp_path, layer_files, synth):
    cfg = LayersConfig(
        forest=str(layer_files("atkis_shp")), dir=str(_fetch_folder(tmp_path, layer_files, synth))
    )
    layers = load_layers(cfg, extra={"forest": [layer_files("tcd_tif")]})
    assert [la.schema for la in layers.of("forest")] == ["atkis", "tcd", "osm"]
    assert layers.geometry("forest", synth.HEAP.bounds).area == pytest.approx(
        synth.FOREST_AREA_M2, rel=0.005
    )
    assert not load_layers(LayersConfig())
    assert load_layers(LayersConfig()).geometry("forest", synth.HEAP.bounds) is None


def test_tree_cover_threshold(layer_files, synth):
    """Non-forest cells hold 5 %: a 5 % threshold makes the whole valid area forest."""
    layer = read_layer("forest", layer_files("tcd_tif"), LayersConfig(tree_cover_threshold_pct=5))
    assert layer.geometry(synth.HEAP.bounds).area > 4 * synth.FOREST_AREA_M2


# --------------------------------------------------------------------------------------------------
# One-line errors
# --------------------------------------------------------------------------------------------------


def _one_line(exc) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_error_missing_crs(tmp_path, synth):
    p = synth.write_atkis_shapefile(tmp_path / "no_prj.shp", prj=False)
    assert not p.with_suffix(".prj").exists()
    with pytest.raises(LayerError, match="has no CRS") as exc:
        read_layer("forest", p)
    assert "no_prj.shp" in _one_line(exc)


def test_error_no_features_of_kind(layer_files):
    with pytest.raises(LayerError, match=r"no heap_outline features \(osm schema") as exc:
        read_layer("heap_outline", layer_files("osm_xml"))
    assert "man_made=spoil_heap" in _one_line(exc)


def test_error_schema_without_mapping(layer_files):
    with pytest.raises(LayerError, match="corine schema has no mapping for protected") as exc:
        read_layer("protected", layer_files("corine_gpkg"))
    _one_line(exc)
    with pytest.raises(LayerError, match="tcd raster schema has no mapping for residential"):
        read_layer("residential", layer_files("tcd_tif"))


def test_error_unreadable_and_missing(tmp_path):
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"\x00not a geopackage\xff" * 10)
    with pytest.raises(LayerError, match="broken.gpkg: cannot read as a vector layer") as exc:
        read_layer("forest", bad)
    _one_line(exc)
    with pytest.raises(LayerError, match="not found"):
        read_layer("forest", tmp_path / "nothing.geojson")
    tif = tmp_path / "broken.tif"
    tif.write_bytes(b"II*\x00garbage")
    with pytest.raises(LayerError, match="cannot read as a GeoTIFF raster"):
        read_layer("forest", tif)


def test_error_raster_values_fit_no_schema(tmp_path, synth):
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    p = tmp_path / "classes.tif"
    data = np.full((20, 20), 200, dtype="uint8")
    with rasterio.open(
        p,
        "w",
        driver="GTiff",
        dtype="uint8",
        count=1,
        width=20,
        height=20,
        crs="EPSG:25832",
        transform=from_origin(synth.CX, synth.CY, 10, 10),
    ) as ds:
        ds.write(data, 1)
    with pytest.raises(LayerError, match=r"raster values \(200\) fit no raster schema") as exc:
        read_layer("forest", p)
    _one_line(exc)


def test_error_geojson_in_metres_without_crs(tmp_path, synth):
    p = tmp_path / "metres.geojson"
    ring = [list(c) for c in synth.FOREST.exterior.coords]
    p.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    with pytest.raises(LayerError, match="not lon/lat degrees"):
        read_layer("forest", p)


def test_plain_layer_and_empty_plain(tmp_path, synth):
    import geopandas

    p = tmp_path / "plain.gpkg"
    geopandas.GeoDataFrame({"note": ["x"]}, geometry=[synth.FOREST], crs="EPSG:25832").to_file(p)
    layer = read_layer("forest", p)
    assert layer.schema == "plain" and layer.n_features == 1
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(LayerError, match=r"no forest features \(no geometries\)"):
        read_layer("forest", empty)


def test_error_unknown_kind_and_bad_folder(tmp_path, layer_files, synth):
    with pytest.raises(LayerError, match="unknown layer kind 'woods'"):
        load_layers(LayersConfig(), extra={"woods": [layer_files("osm_xml")]})
    with pytest.raises(LayerError, match="no layers.json"):
        load_layers(LayersConfig(), layers_dir=tmp_path)
    d = _fetch_folder(tmp_path, layer_files, synth, fmt="other/2")
    with pytest.raises(LayerError, match="expected 'haldenenergie-osm-layers/1'"):
        load_layers(LayersConfig(dir=str(d)))


def test_osm_closed_ways_without_area_key_become_areas(tmp_path, synth):
    """man_made=spoil_heap and a name-only 'Halde' way are closed ways GDAL puts in 'lines'."""
    b = synth.OsmBuilder()
    b.area_way(synth.HEAP, {"man_made": "spoil_heap"})
    b.area_way(synth.HEAP.buffer(1000), {"name": "Halde Nord"})
    b.area_way(synth.FOREST, {"natural": "wood"})
    p = tmp_path / "heaps.osm"
    p.write_text(b.xml(), encoding="utf-8")
    layer = read_layer("heap_outline", p)
    assert layer.n_features == 2
    parts = shapely.get_parts(layer.geometry(synth.HEAP.bounds))
    assert layer.geometry(synth.HEAP.bounds).area == pytest.approx(
        synth.HEAP.buffer(1000).area, rel=0.005
    )
    assert all(g.geom_type == "Polygon" for g in parts)
    # no <bounds>: the bbox of all features + 2 km
    assert layer.extent.covers(synth.HEAP.buffer(2900, join_style="mitre"))


def test_multi_layer_geopackage_and_geojson_2008_crs(tmp_path, synth):
    """All spatial layers of a GeoPackage are read (CRSs may differ); a QGIS-style GeoJSON with a
    'crs' member naming EPSG:25832 is read in that CRS."""
    import geopandas

    p = tmp_path / "basis_dlm.gpkg"
    geopandas.GeoDataFrame({"objart": [43002]}, geometry=[synth.FOREST], crs="EPSG:25832").to_file(
        p, layer="veg02_f"
    )
    geopandas.GeoDataFrame({"objart": [41001]}, geometry=[synth.HOUSING], crs="EPSG:25832").to_crs(
        "EPSG:3035"
    ).to_file(p, layer="sie02_f")
    assert read_layer("forest", p).geometry().area == pytest.approx(synth.FOREST_AREA_M2)
    res = read_layer("residential", p).geometry()
    assert res.area == pytest.approx(synth.HOUSING.area, rel=1e-6)
    gj = tmp_path / "qgis.geojson"
    ring = [list(c) for c in synth.FOREST.exterior.coords]
    gj.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "wood"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        )
    )
    layer = read_layer("forest", gj)
    assert layer.schema == "plain"
    assert layer.geometry().area == pytest.approx(synth.FOREST_AREA_M2, rel=1e-9)
