"""Reserved areas: read (GeoJSON, GeoPackage, Shapefile), buffered, excluded."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import pytest
from numpy.testing import assert_allclose
from shapely.geometry import Point, Polygon

from haldenenergie.errors import TerrainError
from haldenenergie.terrain import (
    TerrainConfig,
    heap_terrain,
)


def test_reserved_polygon_excluded(stub_heap, to_utm):
    cfg = TerrainConfig(reserved_buffer_m=0.0)
    heap = stub_heap(
        "t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, height_asl_m=90.0, form="table"
    )
    free = heap_terrain(heap, cfg)
    x, y = to_utm.transform(heap.lon, heap.lat)
    blocked = Point(x, y).buffer(100.0)  # 3.14 ha around the centre of the plateau
    t = heap_terrain(heap, cfg, reserved=blocked)
    assert_allclose(t.excluded["reserved"], math.pi * 100**2 / 1e4, rtol=0.05)
    assert_allclose(free.pv_usable_area_ha - t.pv_usable_area_ha, t.excluded["reserved"], rtol=0.05)
    assert t.turbine_site_area_ha < free.turbine_site_area_ha


@pytest.mark.parametrize(
    "name, content, msg",
    [
        ("missing", None, "reserved-areas file not found"),
        ("empty", "", "cannot read reserved areas as GeoJSON"),
        ("null", "null", "reserved areas: not a GeoJSON object"),
        ("no-geometries", '{"type": "FeatureCollection", "features": []}', "no geometries"),
        (
            "feature-not-object",
            '{"type": "FeatureCollection", "features": [5]}',
            "feature 0: not a GeoJSON Feature object",
        ),
        (
            "bowtie",
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[7.15, 51.56], [7.16, 51.57], [7.16, 51.56], [7.15, 51.57], [7.15, 51.56]]
                    ],
                }
            ),
            r"feature 0: invalid geometry \(Self-intersection",
        ),
        (
            "short-ring",
            json.dumps({"type": "Polygon", "coordinates": [[[7.15, 51.56], [7.16, 51.57]]]}),
            "feature 0: invalid geometry",
        ),
        ("string-coords", '{"type": "Point", "coordinates": "abc"}', "feature 0: invalid geometry"),
        (
            "projected",
            json.dumps({"type": "Point", "coordinates": [372000, 5714000]}),
            "not lon/lat degrees",
        ),
        (
            "crs-unknown",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {},
                            "geometry": {"type": "Point", "coordinates": [372000, 5714000]},
                        }
                    ],
                }
            ),
            "do not fit the layer's CRS",
        ),
    ],
)
def test_bad_reserved_files(tmp_path, name, content, msg, stub_heap, registry, invoke):
    f = tmp_path / f"{name}.geojson"
    if content is not None:
        f.write_text(content)
    heap = stub_heap("t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, form="table")
    with pytest.raises(TerrainError, match=msg) as info:
        heap_terrain(heap, TerrainConfig(reserved_areas_path=str(f)))
    assert "\n" not in str(info.value) and str(info.value).startswith(str(f))
    if content is not None:
        r = invoke("terrain", "--heaps", str(registry), "--heap", "haniel", "--reserved", str(f))
        assert r.exit_code == 1 and re.search(msg, r.stderr), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_reserved_geojson_file_with_buffer(tmp_path, stub_heap, to_utm, to_wgs):
    heap = stub_heap(
        "t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, height_asl_m=90.0, form="table"
    )
    x, y = to_utm.transform(heap.lon, heap.lat)
    lon, lat = to_wgs.transform(x, y)
    f = tmp_path / "reserved.geojson"
    f.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Landmark"},
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    }
                ],
            }
        )
    )
    t = heap_terrain(heap, TerrainConfig(reserved_areas_path=str(f), reserved_buffer_m=50.0))
    assert_allclose(t.excluded["reserved"], math.pi * 50**2 / 1e4, rtol=0.08)


def _square(x, y, half):
    from shapely.geometry import box

    return box(x - half, y - half, x + half, y + half)


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
@pytest.mark.parametrize("crs", ["EPSG:25832", "EPSG:4326", "EPSG:3857"])
def test_vector_layer_in_any_crs_reads_as_epsg25832(tmp_path, suffix, crs):
    """GeoPackage and Shapefile layers in any CRS come back in EPSG:25832, in file order."""
    import geopandas

    from haldenenergie.geo import read_vector_layer

    squares = [_square(372500.0, 5714500.0, 50.0), _square(373500.0, 5714500.0, 20.0)]
    f = tmp_path / f"layer{suffix}"
    geopandas.GeoDataFrame({"name": ["a", "b"]}, geometry=squares, crs="EPSG:25832").to_crs(
        crs
    ).to_file(f)
    geoms = read_vector_layer(f, "test layer")
    assert len(geoms) == 2
    assert_allclose([g.area for g in geoms], [100.0**2, 40.0**2], rtol=1e-6)
    assert_allclose(geoms[1].centroid.x, 373500.0, atol=0.01)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_vector_layer_errors_name_the_file(tmp_path):
    import geopandas

    from haldenenergie.errors import HaldenError
    from haldenenergie.geo import read_vector_layer

    shp = tmp_path / "nocrs.shp"
    geopandas.GeoDataFrame(geometry=[_square(372500.0, 5714500.0, 50.0)]).to_file(shp)
    with pytest.raises(TerrainError, match=r"nocrs\.shp: reserved areas: layer has no CRS"):
        read_vector_layer(shp, "reserved areas", error=TerrainError)
    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a geopackage")
    with pytest.raises(HaldenError, match=r"bad\.gpkg: vector layer: cannot read as") as info:
        read_vector_layer(bad)
    assert "\n" not in str(info.value)
    with pytest.raises(HaldenError, match=r"missing\.geojson: residential: file not found"):
        read_vector_layer(tmp_path / "missing.geojson", "residential")
    bowtie = geopandas.GeoDataFrame(
        geometry=[
            _square(372500.0, 5714500.0, 5.0),
            Polygon([(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)]),
        ],
        crs="EPSG:25832",
    )
    bowtie.to_file(tmp_path / "bowtie.gpkg")
    with pytest.raises(HaldenError, match=r"feature 1: invalid geometry \(Self-intersection"):
        read_vector_layer(tmp_path / "bowtie.gpkg")


def test_reserved_areas_from_geopackage_equal_geojson(tmp_path, stub_heap, to_utm):
    """The same reserved polygon as GeoJSON (WGS84) and as GeoPackage (EPSG:25832)."""
    import geopandas

    heap = stub_heap(
        "t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, height_asl_m=90.0, form="table"
    )
    x, y = to_utm.transform(heap.lon, heap.lat)
    # Off the 5 m grid's cell centres, so that the WGS84 round trip of the GeoJSON (~1e-9 m)
    # cannot flip a row of cells whose centres lie exactly on an edge.
    layer = geopandas.GeoDataFrame(geometry=[_square(x + 1.7, y - 0.9, 61.3)], crs="EPSG:25832")
    layer.to_file(tmp_path / "reserved.gpkg")
    layer.to_crs("EPSG:4326").to_file(tmp_path / "reserved.geojson", driver="GeoJSON")
    cfg = TerrainConfig(reserved_buffer_m=10.0)
    a = heap_terrain(
        heap, dataclasses.replace(cfg, reserved_areas_path=str(tmp_path / "reserved.gpkg"))
    )
    b = heap_terrain(
        heap, dataclasses.replace(cfg, reserved_areas_path=str(tmp_path / "reserved.geojson"))
    )
    assert a.excluded["reserved"] > 1.5  # 143 m square with rounded corners: ~2.0 ha
    assert_allclose(a.excluded["reserved"], b.excluded["reserved"], rtol=1e-6)


def test_legacy_geojson_with_projected_crs_member_is_reprojected(tmp_path):
    """GeoJSON-2008 with ``crs`` EPSG:25832 (as QGIS exports it) reads in its CRS, not refused."""
    from haldenenergie.geo import read_vector_layer

    f = tmp_path / "epsg25832.geojson"
    ring = [[372000, 5714000], [372100, 5714000], [372100, 5714100], [372000, 5714100]]
    f.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]},
                    }
                ],
            }
        )
    )
    (geom,) = read_vector_layer(f, "reserved areas")
    # already in EPSG:25832: the square comes back unchanged (1 ha, same corner)
    assert_allclose(geom.area, 10_000.0, rtol=1e-9)
    assert_allclose(geom.bounds, (372000, 5714000, 372100, 5714100), atol=1e-6)
