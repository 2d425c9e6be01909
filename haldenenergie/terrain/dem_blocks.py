"""Decimated, cached reading of fine metric grids (DGM1 1 m) onto the working grid.

A heap window at the working resolution (``[terrain] resolution_m``, default 10 m) is assembled
from *blocks* of :data:`BLOCK_CELLS` x :data:`BLOCK_CELLS` working cells on the global grid
whose lines lie at whole multiples of the resolution in EPSG:25832 (the grid every window of
:meth:`~haldenenergie.terrain.dem.DemSource.read_window` is snapped to). Each block is read once
per file with GDAL decimating while reading (``DatasetReader.read(out_shape=...,
resampling=Resampling.average)``, i.e. ``GDALRasterIO`` with ``GRIORA_Average``) and kept in a
bounded LRU, so neighbouring heaps whose windows overlap share the reads.

``average`` is the resampling that is right for elevations going to a coarser grid: every source
cell counts once (GDAL RasterIO / gdalwarp ``-r average`` docs: mean of all non-nodata
contributing pixels), the mean height of the cell is kept, and no aliasing occurs as with
``nearest``. Overviews are not used (the file is opened with GDAL's ``OVERVIEW_LEVEL=NONE``): GDAL
would read from the closest finer overview (GDALRasterBand::RasterIO docs), whose values depend
on how a third party built it (``gdaladdo`` defaults to ``nearest``, which aliases elevations)
and whose factor need not divide the working one (an 8x overview averaged to 10 m mixes partial
cells: -0.5 m on the summits of the benchmark's cones). Measured: an average-built overview
makes the read ~10x faster (:data:`USE_OVERVIEWS`).

The fast path applies only where it reproduces the warp of
:func:`~haldenenergie.terrain.dem._warp` (``Resampling.average`` over exactly aligned cells):
the file is in EPSG:25832, north-up without rotation, its cells are square, the working
resolution is an integer multiple k >= 2 of its cell size, and its bounds lie on the working
grid (DGM1 tiles: whole kilometres). A working cell is then the mean of its k x k source cells,
nodata cells left out, as the warp gives. Differences: the mean is summed by GDAL in the file's
data type (a Float32 file: rounding <= half a float32 ulp, 4e-6 m at 100 m a.s.l.; a Float64
file: ~1e-13 m). Other files (SRTM in degrees, other CRSs, non-integer ratios, unaligned bounds)
take the warp path unchanged. A parsed DGM1 XYZ tile (in memory, NaN = no point) on the grid is
averaged the same way with numpy in float64.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

#: Side of a cached block [working cells]. Assumption: 64 cells (640 m at 10 m) keep the
#: over-read of a 4 km window small ((401 + 64)^2 / 401^2 = 1.34x on average) with <= 49 GDAL
#: reads per window; a block of float64 is 32 KiB.
BLOCK_CELLS = 64
#: Blocks kept in the LRU. Assumption: 4096 x 32 KiB = 128 MiB covers the 2 km windows of ~80
#: isolated heaps at 10 m, more than the registry's 58 heaps in a run.
MAX_BLOCKS = 4096
#: Read from the file's overviews (faster, but exact only for overviews built with averaging at
#: factors dividing the working factor; see the module docstring). Assumption: off, so that the
#: result does not depend on how the overviews of a downloaded file were built.
USE_OVERVIEWS = False
#: Relative tolerance of "integer" ratios and "on the grid" bounds (float round-off of GDAL
#: geotransforms, e.g. 0.999999999 m cells). Assumption: 1e-6 of a cell.
_GRID_TOL = 1e-6


def _integer(v: float) -> int | None:
    """``round(v)`` if ``v`` is within :data:`_GRID_TOL` of an integer, else None."""
    r = round(v)
    return int(r) if abs(v - r) <= _GRID_TOL * max(1.0, abs(v)) else None


def decimation_factor(tr, crs, bounds, res_m: float) -> int | None:
    """Integer factor k by which a raster is decimated onto the working grid, or None.

    Parameters
    ----------
    tr : affine transform of the file.
    crs : its CRS (rasterio CRS).
    bounds : (left, bottom, right, top) of the file [m].
    res_m : working resolution [m].

    Returns
    -------
    int or None
        k >= 2 if the fast path applies (module docstring), else None.
    """
    try:
        if not hasattr(crs, "to_epsg"):  # a CRS string (XYZ tiles carry none of their own)
            from rasterio.crs import CRS

            crs = CRS.from_user_input(crs)
        epsg = crs.to_epsg()
    except Exception:  # noqa: BLE001 - rasterio raises CRSError for odd definitions
        epsg = None
    if epsg != 25832 or tr.b != 0 or tr.d != 0 or tr.e >= 0 or tr.a <= 0:
        return None
    if not math.isclose(tr.a, -tr.e, rel_tol=_GRID_TOL):
        return None
    k = _integer(res_m / tr.a)
    if k is None or k < 2 or bounds[2] - bounds[0] < res_m or bounds[3] - bounds[1] < res_m:
        return None
    if any(_integer(b / res_m) is None for b in bounds):
        return None
    return k


class BlockCache:
    """Decimated working-grid blocks of fine rasters, shared by all heap windows of a run."""

    def __init__(self, max_blocks: int = MAX_BLOCKS):
        self.max_blocks = max_blocks
        self._blocks: OrderedDict = OrderedDict()
        #: Blocks read from files so far (for benchmarks and tests).
        self.reads = 0

    def __len__(self) -> int:
        return len(self._blocks)

    def window(self, path, meta, k: int, dst_tr, n: int, array=None) -> np.ndarray:
        """The ``n x n`` working-grid window ``dst_tr`` from file ``path`` (NaN outside/nodata).

        Parameters
        ----------
        path : the raster file (the cache key).
        meta : ``(transform, nodata, bounds)`` of the file.
        k : decimation factor from :func:`decimation_factor`.
        dst_tr : affine transform of the window (lines on the working grid).
        n : window side [cells].
        array : the file's whole grid if it is in memory already (a parsed XYZ tile, NaN =
            no data); None: read from ``path`` with GDAL.

        Returns
        -------
        numpy.ndarray
            Elevations [m], float64, row 0 = north.
        """
        res = dst_tr.a
        r0, c0 = round(-dst_tr.f / res), round(dst_tr.c / res)  # global cell of the corner
        out = np.full((n, n), np.nan)
        needed = [
            (bi, bj)
            for bi in range(r0 // BLOCK_CELLS, (r0 + n - 1) // BLOCK_CELLS + 1)
            for bj in range(c0 // BLOCK_CELLS, (c0 + n - 1) // BLOCK_CELLS + 1)
        ]
        got = {}
        for b in needed:
            key = (path, res, b)
            if key in self._blocks:
                self._blocks.move_to_end(key)
                got[b] = self._blocks[key]
        missing = [b for b in needed if b not in got]
        if missing:
            got.update(self._read_blocks(path, meta, k, res, missing, array))
        for bi, bj in needed:
            block = got[(bi, bj)]
            if block is None:
                continue
            # Intersection of the block with the window, in global cells.
            gr0, gc0 = max(bi * BLOCK_CELLS, r0), max(bj * BLOCK_CELLS, c0)
            gr1 = min((bi + 1) * BLOCK_CELLS, r0 + n)
            gc1 = min((bj + 1) * BLOCK_CELLS, c0 + n)
            out[gr0 - r0 : gr1 - r0, gc0 - c0 : gc1 - c0] = block[
                gr0 - bi * BLOCK_CELLS : gr1 - bi * BLOCK_CELLS,
                gc0 - bj * BLOCK_CELLS : gc1 - bj * BLOCK_CELLS,
            ]
        return out

    def _read_blocks(self, path, meta, k: int, res: float, blocks, array=None) -> dict:
        """Read ``blocks`` of one file (one open), decimated by ``k`` with GDAL's average.

        Returns ``{(bi, bj): block or None (no data)}``; the blocks are also cached. An
        in-memory ``array`` is averaged with numpy instead (NaN left out).
        """
        import contextlib

        import rasterio
        from rasterio.windows import Window

        tr, nodata, bounds = meta
        # The file's extent in global working cells (rows grow southwards).
        fr0, fr1 = round(-bounds[3] / res), round(-bounds[1] / res)
        fc0, fc1 = round(bounds[0] / res), round(bounds[2] / res)
        new = {}
        opts = {} if USE_OVERVIEWS else {"OVERVIEW_LEVEL": "NONE"}
        with rasterio.open(path, **opts) if array is None else contextlib.nullcontext() as src:
            for bi, bj in blocks:
                block = np.full((BLOCK_CELLS, BLOCK_CELLS), np.nan)
                gr0, gr1 = max(bi * BLOCK_CELLS, fr0), min((bi + 1) * BLOCK_CELLS, fr1)
                gc0, gc1 = max(bj * BLOCK_CELLS, fc0), min((bj + 1) * BLOCK_CELLS, fc1)
                if gr1 > gr0 and gc1 > gc0:
                    win = Window((gc0 - fc0) * k, (gr0 - fr0) * k, (gc1 - gc0) * k, (gr1 - gr0) * k)
                    shape = (gr1 - gr0, gc1 - gc0)
                    if array is None:
                        z = _block_mean(src, win, shape, k, nodata)
                    else:
                        z = _nan_mean(array[win.toslices()], shape, k)
                    block[gr0 - bi * BLOCK_CELLS : gr1 - bi * BLOCK_CELLS,
                          gc0 - bj * BLOCK_CELLS : gc1 - bj * BLOCK_CELLS] = z  # fmt: skip
                    self.reads += 1
                new[(bi, bj)] = block if np.isfinite(block).any() else None
                self._blocks[(path, res, (bi, bj))] = new[(bi, bj)]
                while len(self._blocks) > self.max_blocks:
                    self._blocks.popitem(last=False)
        return new


def _block_mean(src, win, shape: tuple[int, int], k: int, nodata) -> np.ndarray:
    """Mean [m] of the k x k source cells of each working cell of ``win`` (NaN: no data).

    GDAL averages while reading and leaves out the band's nodata value (NaN included). A float
    band without a nodata value may still hold NaN, which GDAL's average would spread to the
    whole cell while the warp leaves it out (``src_nodata=NaN``); such a band is read at full
    resolution and averaged here with NaN left out, as the warp does.
    """
    from rasterio.enums import Resampling

    if nodata is None and np.dtype(src.dtypes[0]).kind == "f":
        return _nan_mean(src.read(1, window=win), shape, k)
    z = src.read(1, window=win, out_shape=shape, resampling=Resampling.average, out_dtype="float64")
    if nodata is not None and not math.isnan(nodata):
        z[z == nodata] = np.nan
    return z


def _nan_mean(a: np.ndarray, shape: tuple[int, int], k: int) -> np.ndarray:
    """Mean of each k x k block of ``a`` (``shape`` blocks) in float64, NaN left out."""
    a = np.asarray(a, dtype="float64").reshape(shape[0], k, shape[1], k)
    ok = np.isfinite(a)
    total = np.where(ok, a, 0.0).sum(axis=(1, 3))
    count = ok.sum(axis=(1, 3))
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)
