"""Decimated, cached reading of fine metric rasters (haldenenergie.terrain.dem_blocks)."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from numpy.testing import assert_allclose
from rasterio.crs import CRS
from rasterio.transform import from_origin

from haldenenergie.terrain import open_dem
from haldenenergie.terrain.dem_blocks import BLOCK_CELLS, decimation_factor

#: Lower-left corner of the test raster [m, EPSG:25832] (on the 10 m grid, like DGM1 tiles).
LEFT, BOTTOM = 372_000.0, 5_714_000.0


def _write(path, z, res, dtype="float64", nodata=None, left=LEFT, crs="EPSG:25832"):
    n_rows, n_cols = z.shape
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=n_cols,
        height=n_rows,
        count=1,
        dtype=dtype,
        crs=crs,
        transform=from_origin(left, BOTTOM + n_rows * res, res, res),
        nodata=nodata,
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="deflate",
    ) as dst:
        dst.write(z.astype(dtype), 1)
    return path


def _surface(n, seed=0):
    """Rough terrain [m]: a 40 m base, a 30 m bump and noise (so block means are not trivial)."""
    rng = np.random.default_rng(seed)
    r = np.hypot(*np.mgrid[0:n, 0:n] - n / 2)
    return 40.0 + 30.0 * np.exp(-((r / (n / 5)) ** 2)) + rng.normal(0, 0.5, (n, n))


def _block_means(z, k):
    """Independent reference: mean of each k x k block, NaN left out (NaN if all NaN)."""
    n0, n1 = z.shape[0] // k, z.shape[1] // k
    a = z[: n0 * k, : n1 * k].reshape(n0, k, n1, k)
    ok = np.isfinite(a)
    count = ok.sum(axis=(1, 3))
    return np.where(count > 0, np.where(ok, a, 0).sum(axis=(1, 3)) / np.maximum(count, 1), np.nan)


@pytest.mark.parametrize("nodata", [-9999.0, float("nan"), None])
def test_window_is_the_mean_of_the_source_cells(tmp_path, nodata):
    """A 2 m raster read at 10 m: every working cell is the mean of its 5 x 5 source cells with
    nodata left out, NaN where the window leaves the file (the warp gives the same)."""
    res, n = 2.0, 600  # 1.2 km of 2 m cells
    z = _surface(n)
    z[100:107, 200:203] = np.nan  # part of some working cells
    z[300:320, 300:320] = np.nan  # whole working cells
    src = np.where(np.isnan(z), nodata, z) if nodata is not None else z
    tif = _write(tmp_path / "dem.tif", src, res, nodata=nodata)
    dem = open_dem(tif)
    # Centre 300 m inside the west edge: the window (half 500 m) reaches 200 m beyond it.
    cx, cy = LEFT + 300.0, BOTTOM + 600.0
    out, tr, used = dem.read_window((cx, cy), 500.0, 10.0, "t")
    assert used == ["dem.tif"] and dem.blocks.reads > 0
    assert tr.c == LEFT - 200.0 and tr.a == 10.0
    ref = _block_means(z, 5)  # 120 x 120 working cells of the file
    r0 = round((BOTTOM + n * res - tr.f) / 10.0)  # the file's working row of window row 0
    assert r0 == 10 and out.shape == (101, 101)  # the window lies inside the file north-south
    got = out[:, 20:]  # columns 20.. lie in the file
    assert_allclose(got, ref[r0 : r0 + 101, :81], rtol=1e-12, atol=1e-9)
    assert np.isnan(out[:, :20]).all()  # west of the file
    # The same window through the warp (the path of every other file) agrees inside the file;
    # GDAL's average warp also fills the one working column west of the file (from its edge
    # cells), which the block read leaves NaN.
    warped = _warp_reference(z, res, tr, out.shape[0])
    assert_allclose(out[:, 20:], warped[:, 20:], rtol=1e-12, atol=1e-9)
    assert np.isnan(warped[:, :19]).all() and np.isfinite(warped[:, 19]).all()


def _warp_reference(z, res, dst_tr, n):
    from rasterio.warp import Resampling, reproject

    part = np.full((n, n), np.nan)
    reproject(
        z,
        part,
        src_transform=from_origin(LEFT, BOTTOM + z.shape[0] * res, res, res),
        src_crs="EPSG:25832",
        dst_transform=dst_tr,
        dst_crs="EPSG:25832",
        src_nodata=np.nan,
        dst_nodata=np.nan,
        resampling=Resampling.average,
    )
    return part


def test_float32_dgm1_rounding_and_neighbours_read_once(tmp_path):
    """A Float32 1 m raster: GDAL sums in float32 (<= 1e-5 m off the float64 mean at ~70 m);
    a second heap whose window lies inside the first one's blocks reads nothing more."""
    z = np.round(_surface(1000, seed=3), 2)
    tif = _write(tmp_path / "dgm1.tif", z, 1.0, dtype="float32", nodata=-9999.0)
    dem = open_dem(tif)
    a, tr, _ = dem.read_window((LEFT + 500.0, BOTTOM + 500.0), 400.0, 10.0, "a")
    ref = _block_means(z.astype("float32").astype("float64"), 10)
    r0, c0 = round((BOTTOM + 1000.0 - tr.f) / 10.0), round((tr.c - LEFT) / 10.0)
    assert_allclose(a, ref[r0 : r0 + a.shape[0], c0 : c0 + a.shape[1]], rtol=0, atol=1e-5)
    reads, cached = dem.blocks.reads, len(dem.blocks)
    b, _, _ = dem.read_window((LEFT + 520.0, BOTTOM + 480.0), 300.0, 10.0, "b")
    assert dem.blocks.reads == reads and len(dem.blocks) == cached
    assert np.isfinite(b).all()


def test_block_cache_is_bounded(tmp_path):
    z = _surface(800)
    dem = open_dem(_write(tmp_path / "dem.tif", z, 1.0, nodata=-9999.0))
    dem.blocks.max_blocks = 3
    out, _, _ = dem.read_window((LEFT + 400.0, BOTTOM + 400.0), 390.0, 10.0, "t")
    assert len(dem.blocks) == 3 and np.isfinite(out).all()  # the window is still complete
    assert BLOCK_CELLS * 10.0 < 790.0  # the window needed more than 3 blocks


def test_files_the_fast_path_does_not_take():
    tr = from_origin(LEFT, BOTTOM + 1000.0, 1.0, 1.0)
    utm, wgs = CRS.from_epsg(25832), CRS.from_epsg(4326)
    bounds = (LEFT, BOTTOM, LEFT + 1000.0, BOTTOM + 1000.0)
    assert decimation_factor(tr, utm, bounds, 10.0) == 10
    assert decimation_factor(tr, utm, bounds, 1.0) is None  # not coarser: warp
    assert decimation_factor(tr, utm, bounds, 2.5) is None  # non-integer ratio
    assert decimation_factor(tr, wgs, bounds, 10.0) is None  # other CRS (SRTM in degrees)
    shifted = (LEFT + 0.5, BOTTOM, LEFT + 1000.5, BOTTOM + 1000.0)
    assert decimation_factor(tr, utm, shifted, 10.0) is None  # bounds off the 10 m grid
    rect = from_origin(LEFT, BOTTOM + 1000.0, 1.0, 2.0)
    assert decimation_factor(rect, utm, bounds, 10.0) is None  # cells not square


def test_xyz_tile_is_averaged_in_blocks_like_the_geotiff(tmp_path):
    """A DGM1 XYZ tile (cell-centre points, as Geobasis NRW publishes them) and the same values as
    a Float64 GeoTIFF give the same 10 m window, both from the block cache."""
    res, n = 2.0, 500
    z = np.round(_surface(n, seed=5), 3)
    c = (np.arange(n) + 0.5) * res
    x, y = np.meshgrid(LEFT + c, BOTTOM + n * res - c)
    xyz = tmp_path / "dgm1_32_372_5714_1_nw.xyz"
    np.savetxt(xyz, np.column_stack([x.ravel(), y.ravel(), z.ravel()]), fmt="%.2f %.2f %.3f")
    tif = _write(tmp_path / "same.tif", z, res, nodata=-9999.0)
    a_dem, b_dem = open_dem(xyz), open_dem(tif)
    a, tr_a, _ = a_dem.read_window((LEFT + 480.0, BOTTOM + 520.0), 300.0, 10.0, "x")
    b, tr_b, _ = b_dem.read_window((LEFT + 480.0, BOTTOM + 520.0), 300.0, 10.0, "x")
    assert tr_a == tr_b and a_dem.blocks.reads > 0 and b_dem.blocks.reads > 0
    assert_allclose(a, b, rtol=1e-12, atol=1e-9)
    r0 = round((BOTTOM + n * res - tr_a.f) / 10.0)
    c0 = round((tr_a.c - LEFT) / 10.0)
    ref = _block_means(z, 5)[r0 : r0 + a.shape[0], c0 : c0 + a.shape[1]]
    assert_allclose(a, ref, rtol=1e-12, atol=1e-9)


def test_overviews_of_the_file_are_not_used(tmp_path):
    """Overviews built with nearest (gdaladdo's default) would alias: the window is the same as
    from the file without them."""
    from rasterio.enums import Resampling

    z = _surface(640, seed=7)
    plain = _write(tmp_path / "plain.tif", z, 1.0, nodata=-9999.0)
    with_ovr = _write(tmp_path / "ovr.tif", z, 1.0, nodata=-9999.0)
    with rasterio.open(with_ovr, "r+") as dst:
        dst.build_overviews([2, 4, 8], Resampling.nearest)
    with rasterio.open(with_ovr) as src:
        assert src.overviews(1) == [2, 4, 8]
    centre = (LEFT + 320.0, BOTTOM + 320.0)
    a, _, _ = open_dem(plain).read_window(centre, 300.0, 10.0, "t")
    b, _, _ = open_dem(with_ovr).read_window(centre, 300.0, 10.0, "t")
    assert np.array_equal(a, b, equal_nan=True)
