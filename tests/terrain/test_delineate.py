"""DEM mode: delineation of a heap (footprint, summit, base level)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import rasterio
from numpy.testing import assert_allclose
from rasterio.transform import from_origin
from shapely.geometry import Point

from haldenenergie.errors import TerrainError
from haldenenergie.terrain import (
    TerrainConfig,
    footprint_min_rise_auto,
    heap_terrain,
    open_dem,
)

TILE_E, TILE_N = 372000.0, 5714000.0  # lower-left corner of NRW tile dgm1_32_372_5714_1_nw


def test_footprint_min_rise_auto_rule():
    assert footprint_min_rise_auto(1.0) == 0.5 and footprint_min_rise_auto(5.0) == 0.5
    assert footprint_min_rise_auto(30.0) == 6.0 and footprint_min_rise_auto(90.0) == 6.0
    assert_allclose(footprint_min_rise_auto(17.5), 3.25)  # linear in between
    assert footprint_min_rise_auto(float("nan")) == 6.0  # unknown: the conservative value


@pytest.mark.parametrize("src_res", [1.0, 2.0])
@pytest.mark.parametrize("res", [10.0, 2.0])
def test_fine_dem_cone_gives_true_footprint(tmp_path, src_res, res, stub_heap, to_wgs):
    """An analytic cone (R = 300 m, H = 60 m, 11.3 deg flanks: 28.27 ha) on a 1-2 m DEM gets its
    footprint within +-3 % with the automatic rise (0.5 m); the 6 m that coarse SRTM needs would
    cut it to ~22.9 ha (-19 %: the toe lies 6 / tan(11.3 deg) = 30 m further out)."""
    n = int(1000.0 / src_res)
    c = (np.arange(n) + 0.5) * src_res
    X, Y = np.meshgrid(TILE_E + c, TILE_N + 1000.0 - c)
    r = np.hypot(X - TILE_E - 500.0, Y - TILE_N - 500.0)
    z = 40.0 + np.clip(60.0 * (1 - r / 300.0), 0, None)
    tif = tmp_path / "cone.tif"
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=n,
        height=n,
        count=1,
        dtype="float32",
        crs="EPSG:25832",
        transform=from_origin(TILE_E, TILE_N + 1000.0, src_res, src_res),
    ) as dst:
        dst.write(z.astype("float32"), 1)
    lon, lat = to_wgs.transform(TILE_E + 500.0, TILE_N + 500.0)
    heap = stub_heap("cone", lat, lon)
    cfg = TerrainConfig(resolution_m=res, window_half_size_m=480.0, base_search_radius_m=450.0)
    dem = open_dem(tif)
    t = heap_terrain(heap, cfg, dem)
    true_ha = math.pi * 300.0**2 / 1e4
    assert_allclose(t.footprint_area_ha, true_ha, rtol=0.03)
    auto = f"footprint_min_rise_m=0.5 (auto for the DEM's native pixel size ~{src_res:g} m)"
    assert t.assumed == (auto,)
    coarse = heap_terrain(heap, dataclasses.replace(cfg, footprint_min_rise_m=6.0), dem)
    assert_allclose(coarse.footprint_area_ha, true_ha * (1 - 6.0 / 60.0) ** 2, rtol=0.03)
    assert coarse.assumed == ("footprint_min_rise_m=6 (configured)",)


def test_footprint_polygon_limits_dem_delineation(dem_path, stub_heap, to_utm, to_wgs):
    """A registry footprint polygon bounds the heap (here a 300 m circle around Haniel's summit)."""
    x, y = to_utm.transform(6.876, 51.5505)
    ring = Point(x, y).buffer(300.0)
    lon, lat = to_wgs.transform(*np.asarray(ring.exterior.coords).T)
    from shapely.geometry import Polygon

    heap = stub_heap("haniel-core", footprint=Polygon(zip(lon, lat, strict=True)))
    t = heap_terrain(heap, TerrainConfig(), open_dem(dem_path))
    assert t.footprint_area_ha <= math.pi * 300**2 / 1e4 * 1.03
    assert_allclose(t.summit_elevation_m, 156.0, atol=2.0)


def test_heap_without_position_in_dem_mode(dem_path, stub_heap):
    with pytest.raises(TerrainError, match="heap nowhere: no coordinates"):
        heap_terrain(stub_heap("nowhere", area_ha=10.0), TerrainConfig(), open_dem(dem_path))
