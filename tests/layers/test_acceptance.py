"""Issue 11 acceptance with layers in their published formats around an analytic heap.

Analytic table heaps (parametric terrain) at the synthetic square of ``conftest.py`` (Essen):

- forest exactly on the north-east quarter, read from OSM XML, OSM PBF, a Basis-DLM-style
  Shapefile, a CORINE GeoPackage and a Copernicus TCD GeoTIFF: the usable PV area it removes is
  that quarter's usable area (± 2 %), which is the area left when the other three quarters are
  forest instead (plain polygon GeoJSON); and the forest on the footprint is a quarter of it;
- a residential block 800 m from the turbine site's edge (OSM XML and ATKIS Shapefile): housing
  distance 800 m ± 1 % and turbines remain; at 500 m no position is left (the site is smaller
  than 2 × 100 m, so every cell lies within 600 m).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import shapely

from haldenenergie.layers import load_layers
from haldenenergie.layers.config import LayersConfig
from haldenenergie.registry import Heap
from haldenenergie.terrain import heap_terrain

FORMATS = ["osm_xml", "osm_pbf", "atkis_shp", "corine_gpkg", "tcd_tif"]


def _heap(synth, area_ha: float) -> Heap:
    from pyproj import Transformer

    # 2.2 m off the square's centre, so that the forest's edges through the centre do not run
    # along the cell centres of the analysis grid (built around the heap point).
    lon, lat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(
        synth.CX + 2.2, synth.CY + 2.2
    )
    return Heap(id="sq", name="Halde sq", lat=lat, lon=lon, area_ha=area_ha, height_rel_m=30.0,
                form="table")  # fmt: skip


def heap_xy(heap) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True).transform(
        heap.lon, heap.lat
    )


def forest_case_forest(layer_files):
    """The forest quarter as written to the files (the OSM XML's geometry, EPSG:25832)."""
    from haldenenergie.layers import read_layer

    return read_layer("forest", layer_files("osm_xml")).geometry()


def _terrain(heap, **layer_paths):
    layers = load_layers(LayersConfig(), {k: [str(v)] for k, v in layer_paths.items()})
    return heap_terrain(
        heap, layers=layers, min_housing_distance_m=600.0, layers_cfg=LayersConfig()
    )


def _plain_geojson(path: Path, geom_25832) -> Path:
    """A plain polygon GeoJSON (RFC 7946, WGS84) of a geometry given in EPSG:25832."""
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    g = shapely.transform(shapely.segmentize(geom_25832, 5.0), lambda xy: __import__("numpy")
                          .column_stack(tr.transform(xy[:, 0], xy[:, 1])))  # fmt: skip
    feat = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(g)}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}), "utf-8")
    return path


@pytest.fixture(scope="module")
def forest_case(synth, tmp_path_factory):
    heap = _heap(synth, 10.0)  # footprint radius 178 m < 200 m: its NE quarter lies in FOREST
    none = heap_terrain(heap)
    rest = shapely.box(synth.CX - 2000, synth.CY - 2000, synth.CX + 2000, synth.CY + 2000)
    others = _plain_geojson(tmp_path_factory.mktemp("f3") / "f3.geojson",
                            rest.difference(synth.FOREST))  # fmt: skip
    three = _terrain(heap, forest=others)
    return heap, none, three


@pytest.mark.parametrize("fmt", FORMATS)
def test_forest_quarter_removes_that_quarters_pv_area(forest_case, layer_files, fmt):
    heap, none, three = forest_case
    quarter = _terrain(heap, forest=layer_files(fmt))
    removed = none.pv_usable_area_ha - quarter.pv_usable_area_ha
    ne_usable = three.pv_usable_area_ha  # all but the NE quarter is forest: what is left is NE
    assert ne_usable > 0.5
    assert removed == pytest.approx(ne_usable, rel=0.02)
    # The forest on the footprint: the (round) footprint around the heap point, 2.2 m NE of the
    # square's centre, intersected with the forest quarter (analytic, shapely).
    r = math.sqrt(none.footprint_area_ha * 1e4 / math.pi)
    disc = shapely.Point(heap_xy(heap)).buffer(r, quad_segs=256)
    expected_ha = disc.intersection(forest_case_forest(layer_files)).area / 1e4
    assert quarter.forest_area_ha == pytest.approx(expected_ha, rel=0.02)
    assert quarter.excluded["forest"] > 0
    assert "forest" in quarter.layers_used


def _housing_files(synth, tmp: Path, x0: float) -> dict[str, Path]:
    """A 100 m x 100 m residential block whose west edge is at x0 (EPSG:25832) in two formats."""
    import geopandas

    block = shapely.box(x0, synth.CY - 50, x0 + 100, synth.CY + 50)
    b = synth.OsmBuilder()
    b.area_way(block, {"landuse": "residential"})
    # the <bounds> box reaches 3 km around the heap (the layer covers it)
    around = shapely.box(synth.CX - 3000, synth.CY - 3000, synth.CX + 3000, synth.CY + 3000)
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    lon0, lat0 = tr.transform(around.bounds[0], around.bounds[1])
    lon1, lat1 = tr.transform(around.bounds[2], around.bounds[3])
    osm = tmp / "housing.osm"
    osm.write_text(b.xml((lon0, lat0, lon1, lat1)), encoding="utf-8")
    shp = tmp / "sie02_f.shp"
    geopandas.GeoDataFrame({"OBJART": [41001]}, geometry=[block], crs="EPSG:25832").to_file(shp)
    return {"osm": osm, "atkis": shp}


@pytest.mark.parametrize("gap_m, wind_left", [(800.0, True), (500.0, False)])
def test_housing_distance_from_turbine_site(synth, tmp_path, gap_m, wind_left):
    heap = _heap(synth, 4.0)
    none = heap_terrain(heap)
    r_site = math.sqrt(none.turbine_site_area_ha * 1e4 / math.pi)  # the table's round plateau
    assert 0 < r_site < 100  # every site cell within 2 r_site < 200 m of the nearest
    x0 = synth.CX + 2.2 + r_site + gap_m
    for fmt, path in _housing_files(synth, tmp_path, x0).items():
        t = _terrain(heap, residential=path)
        assert t.housing_distance_m == pytest.approx(gap_m, rel=0.01), fmt
        assert t.housing_distance_source.startswith("layer"), fmt
        assert (t.turbine_site_area_ha > 0) is wind_left, fmt
        if wind_left:
            assert t.turbine_site_area_ha == pytest.approx(none.turbine_site_area_ha)
