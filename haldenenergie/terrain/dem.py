"""Reading elevation models (DEM) for the terrain stage.

Accepted inputs (``open_dem``):

- GeoTIFF (or anything GDAL opens with a CRS: ``.tif``, ``.tiff``, ``.vrt``, ``.img`` ...), in
  any CRS pyproj can transform to ETRS89 / UTM 32N (SRTM rasters, for instance, come in EPSG:4326
  degrees);
- NRW DGM1 ASCII XYZ tiles as published (``x y z`` per line, cell centres, 1 m, EPSG:25832; file
  names like ``dgm1_32_372_5714_1_nw.xyz``; also ``.xyz.gz``/``.txt``);
- a folder holding any mix of the above (read lazily: a tile is only parsed when a heap window
  touches it; DGM1 tile bounds are taken from the file name where it follows the NRW pattern).

Every heap is read as a window (a square of a few km around the heap) resampled to EPSG:25832 at
the configured resolution: ``Resampling.average`` when the source is finer than the target (DGM1 1 m
→ 10 m) and ``Resampling.bilinear`` when it is coarser (SRTM 3″ ≈ 60 × 90 m → 10 m). XYZ tiles and
other rasters go through the same warp. A fine EPSG:25832 grid on the working grid (DGM1 GeoTIFF
tiles, their VRT, DGM1 XYZ tiles with cell-centre points) is instead averaged in blocks shared by
neighbouring heaps (:mod:`~haldenenergie.terrain.dem_blocks`; GDAL decimates rasters while
reading): the same averages without reading the window at full resolution, each region once.

Errors are :class:`~haldenenergie.errors.TerrainError` with one line naming the file and the heap.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import TerrainError
from ..geo import METRIC_CRS
from .dem_blocks import BlockCache, decimation_factor


class DemFileError(TerrainError):
    """A DEM file that cannot serve any heap.

    No CRS, a CRS that cannot be transformed to EPSG:25832, or unreadable/unprojectable data.
    Unlike a DEM that merely misses a heap (no coverage, only nodata there), this is never
    answered by a parametric fallback.
    """


#: Suffixes read as raster files by GDAL/rasterio.
RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".asc", ".bil", ".hgt")
#: Suffixes read as ASCII XYZ point tiles (NRW DGM1 "x y z" format).
XYZ_SUFFIXES = (".xyz", ".xyz.gz", ".txt", ".txt.gz")

#: NRW tile names: dgm1_32_<east km>_<north km>_<size km>_nw (Geobasis NRW open data naming).
_DGM1_NAME = re.compile(r"dgm1_32_(\d{3,4})_(\d{4})_(\d+)_", re.IGNORECASE)


def _is_xyz(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in XYZ_SUFFIXES)


def _is_raster(path: Path) -> bool:
    return path.suffix.lower() in RASTER_SUFFIXES


@dataclass
class _Entry:
    """One DEM file: raster (opened lazily) or XYZ tile (parsed lazily)."""

    path: Path
    kind: str  # "raster" | "xyz"
    xyz_crs: str = METRIC_CRS
    _cache: tuple | None = field(default=None, repr=False)

    def name_bounds(self):
        """Tile bounds in EPSG:25832 from an NRW file name, or None.

        Widened by 2 m: the points may be cell centres or corners.
        """
        m = _DGM1_NAME.search(self.path.name)
        if self.kind != "xyz" or not m:
            return None
        e, n, s = (int(g) * 1000 for g in m.groups())
        return (e - 2, n - 2, e + s + 2, n + s + 2)

    def load(self):
        """(array, transform, crs, nodata, bounds) of the whole file.

        Raster metadata is cached here (the pixels are read per window); XYZ grids are cached by
        :class:`DemSource` in a bounded LRU (a 1 km DGM1 tile is 8 MB).
        """
        if self.kind == "xyz":
            from .xyz import read_xyz  # here, not at the top: xyz.py imports DemFileError

            z, tr = read_xyz(self.path)
            h, w = z.shape
            bounds = (tr.c, tr.f + tr.e * h, tr.c + tr.a * w, tr.f)
            return (z, tr, self.xyz_crs, np.nan, bounds)
        if self._cache is None:
            self._cache = self._raster_meta()
        return self._cache

    def _raster_meta(self):
        import rasterio

        try:
            with rasterio.open(self.path) as src:
                return (None, src.transform, src.crs, src.nodata, tuple(src.bounds))
        except rasterio.errors.RasterioIOError as exc:
            raise DemFileError(f"{self.path}: cannot open as raster DEM ({exc})") from None


class DemSource:
    """A set of DEM files read together (later files fill gaps of earlier ones).

    Create with :func:`open_dem`. :meth:`read_window` returns a grid in EPSG:25832.
    """

    #: Parsed XYZ tiles kept in memory (LRU). Assumption: 64 tiles of 1 km DGM1 (8 MB each,
    #: ~0.5 GB) cover a 4 km heap window (<= 25 tiles) and its neighbour when heaps come in
    #: registry order; older tiles are parsed again if needed.
    XYZ_CACHE_TILES = 64

    def __init__(self, entries: list[_Entry], label: str):
        from collections import OrderedDict

        self.entries = entries
        self.label = label
        self._xyz_cache: OrderedDict = OrderedDict()
        #: Decimated blocks of fine metric rasters (read once for neighbouring heaps).
        self.blocks = BlockCache()
        #: Native pixel size [m] of each file read so far, by file name (see :func:`_approx_res_m`).
        self.native_res_m: dict[str, float] = {}

    def _load(self, e: _Entry):
        if e.kind != "xyz":
            return e.load()
        key = e.path
        if key in self._xyz_cache:
            self._xyz_cache.move_to_end(key)
            return self._xyz_cache[key]
        data = e.load()
        self._xyz_cache[key] = data
        while len(self._xyz_cache) > self.XYZ_CACHE_TILES:
            self._xyz_cache.popitem(last=False)
        return data

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"DemSource({self.label!r}, {len(self.entries)} file(s))"

    @property
    def paths(self) -> list[Path]:
        """The DEM files, in the order they are read."""
        return [e.path for e in self.entries]

    def native_resolution_m(self, names: Iterable[str]) -> float:
        """Coarsest native pixel size [m] among the named files; NaN if none has been read.

        ``names`` are file names as :meth:`read_window` returns them in ``used``.
        """
        vals = [self.native_res_m[n] for n in names if n in self.native_res_m]
        return max(vals) if vals else float("nan")

    def read_window(
        self, center_xy: tuple[float, float], half_size_m: float, resolution_m: float, heap_id: str
    ) -> tuple[np.ndarray, object, list[str]]:
        """Elevation [m] on a square EPSG:25832 grid centred on ``center_xy``.

        Parameters
        ----------
        center_xy : (easting, northing) [m] in EPSG:25832.
        half_size_m : half the side of the window [m].
        resolution_m : cell size of the output grid [m].
        heap_id : for error messages.

        Returns
        -------
        z : 2-D array [m], NaN where no DEM data; row 0 = north.
        transform : affine transform of ``z`` (EPSG:25832).
        used : names of the files that supplied data.

        Raises
        ------
        DemFileError : no CRS, CRS not transformable, data unreadable (a property of the file).
        TerrainError : no file covers the window, or only nodata there (a property of the heap).
        """
        from affine import Affine

        res = float(resolution_m)
        # Snap the window to multiples of the resolution (DGM1 tiles align with whole metres).
        x0 = math.floor((center_xy[0] - half_size_m) / res) * res
        y1 = math.ceil((center_xy[1] + half_size_m) / res) * res
        n = math.ceil(2 * half_size_m / res) + 1
        dst_tr = Affine(res, 0.0, x0, 0.0, -res, y1)
        win = (x0, y1 - n * res, x0 + n * res, y1)
        out = np.full((n, n), np.nan)
        used: list[str] = []
        touched = False
        for e in self.entries:
            part = self._entry_part(e, win, dst_tr, n, heap_id)
            if part is None:
                continue
            touched = True
            z, src_res_m = part
            if z is None:
                continue
            fill = np.isnan(out) & np.isfinite(z)
            if fill.any():
                out[fill] = z[fill]
                used.append(e.path.name)
                self.native_res_m[e.path.name] = src_res_m
        if not touched:
            raise TerrainError(
                f"{self.label}: DEM does not cover heap {heap_id} (window "
                f"{win[0]:.0f},{win[1]:.0f}-{win[2]:.0f},{win[3]:.0f} m EPSG:25832); add tiles "
                "that cover it or leave --dem out for parametric terrain"
            )
        if not np.isfinite(out).any():
            raise TerrainError(
                f"{self.label}: DEM holds only nodata around heap {heap_id}; use a DEM with data "
                "there or leave --dem out for parametric terrain"
            )
        return out, dst_tr, used

    def _entry_part(self, e: _Entry, win, dst_tr, n: int, heap_id: str):
        """One file's data on the window grid.

        Returns None if the file does not reach the window, ``(None, nan)`` if it reaches it but
        holds no pixels there, else ``(z, native pixel size [m])`` with z on the ``n x n`` grid.
        """
        nb = e.name_bounds()
        if nb is not None and not _overlap(nb, win):
            return None
        z, tr, crs, nodata, bounds = self._load(e)
        if crs is None:
            raise DemFileError(
                f"{e.path}: DEM has no CRS (needed for heap {heap_id}); assign one, e.g. "
                f"gdal_edit.py -a_srs EPSG:25832 {e.path.name}"
            )
        _check_transformable(crs, e.path, heap_id)
        src_win = _source_window(win, crs, e.path, heap_id)
        if not _overlap(bounds, src_win):
            return None
        k = decimation_factor(tr, crs, bounds, dst_tr.a)
        if k is not None:  # k x k cells averaged (by GDAL while reading); blocks are cached
            return self.blocks.window(e.path, (tr, nodata, bounds), k, dst_tr, n, z), tr.a
        if z is None:
            z, tr, nodata = self._read_raster_window(e, src_win)
            if z is None:
                return None, float("nan")
        src_res_m = _approx_res_m(tr, crs)
        src = np.asarray(z, dtype="float64")
        if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
            src = np.where(src == nodata, np.nan, src)
        part = _warp(src, tr, crs, src_res_m, dst_tr, n, e.path, heap_id)
        return part, src_res_m

    @staticmethod
    def _read_raster_window(e: _Entry, src_win):
        """Read the part of a raster file inside ``src_win`` (source CRS) with a 2-pixel margin."""
        import rasterio
        from rasterio.windows import Window, from_bounds

        try:
            with rasterio.open(e.path) as src:
                w = from_bounds(*src_win, transform=src.transform)
                col0 = max(math.floor(w.col_off) - 2, 0)
                row0 = max(math.floor(w.row_off) - 2, 0)
                col1 = min(math.ceil(w.col_off + w.width) + 2, src.width)
                row1 = min(math.ceil(w.row_off + w.height) + 2, src.height)
                if col1 <= col0 or row1 <= row0:
                    return None, None, None
                win = Window(col0, row0, col1 - col0, row1 - row0)
                z = src.read(1, window=win).astype("float64")
                return z, src.window_transform(win), src.nodata
        except rasterio.errors.RasterioIOError as exc:
            raise DemFileError(f"{e.path}: cannot read DEM ({exc})") from None


def _first_line(exc: BaseException, n: int = 160) -> str:
    """First line of an exception message, cut to ``n`` characters (PROJ errors embed PROJJSON)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= n else text[: n - 3] + "..."


def _source_window(win, crs, path: Path, heap_id: str):
    """The EPSG:25832 window ``win`` as bounds in the file's CRS (densified edges)."""
    import rasterio
    from rasterio.warp import transform_bounds

    try:
        with rasterio.Env():  # GDAL errors go to logging, not straight to stderr
            src_win = transform_bounds(METRIC_CRS, crs, *win, densify_pts=21)
        if not all(np.isfinite(src_win)):
            raise ValueError("non-finite bounds")
    except Exception as exc:  # noqa: BLE001 - pyproj/rasterio raise various types
        raise DemFileError(
            f"{path}: cannot transform its CRS ({_crs_label(crs)}) to {METRIC_CRS} "
            f"for heap {heap_id} ({_first_line(exc)}); reproject the DEM to "
            "EPSG:25832 first"
        ) from None
    return src_win


def _warp(src, tr, crs, src_res_m: float, dst_tr, n: int, path: Path, heap_id: str):
    """Resample ``src`` (NaN = nodata) onto the ``n x n`` EPSG:25832 grid ``dst_tr``.

    Averages when at least ~1.5 source cells fall into a target cell (DGM1 1 m -> 10 m: every
    point counts, no aliasing); bilinear otherwise (SRTM ~60 m -> 10 m). The 1.5 is an
    assumption: below it averaging covers too few cells to differ from bilinear.
    """
    import rasterio
    from rasterio.warp import Resampling, reproject

    resampling = Resampling.average if src_res_m < dst_tr.a / 1.5 else Resampling.bilinear
    part = np.full((n, n), np.nan)
    try:
        with rasterio.Env():
            reproject(
                src,
                part,
                src_transform=tr,
                src_crs=crs,
                dst_transform=dst_tr,
                dst_crs=METRIC_CRS,
                src_nodata=np.nan,
                dst_nodata=np.nan,
                resampling=resampling,
            )
    except (rasterio.errors.RasterioError, rasterio.errors.CRSError) as exc:
        raise DemFileError(
            f"{path}: cannot reproject to {METRIC_CRS} for heap "
            f"{heap_id} ({_first_line(exc)}); reproject the DEM "
            "first"
        ) from None
    return part


def _crs_label(crs) -> str:
    """Short name of a CRS for messages: 'EPSG:4326', else its name ('arbitrary')."""
    try:
        epsg = crs.to_epsg()
    except Exception:  # noqa: BLE001 - rasterio raises CRSError for odd definitions
        epsg = None
    if epsg:
        return f"EPSG:{epsg}"
    try:
        import pyproj

        return pyproj.CRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs).name
    except Exception:  # noqa: BLE001
        return _first_line(Exception(str(crs)), 60)


def _check_transformable(crs, path: Path, heap_id: str) -> None:
    """Raise a one-line TerrainError if pyproj finds no operation from EPSG:25832 to ``crs``.

    Checked with pyproj first because GDAL prints a multi-line PROJJSON dump on this failure.
    """
    problem = _transform_problem(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
    if problem is not None:
        raise DemFileError(
            f"{path}: cannot transform its CRS ({_crs_label(crs)}) to {METRIC_CRS} for heap "
            f"{heap_id} ({problem}); assign or reproject to a georeferenced CRS, e.g. "
            f"gdalwarp -t_srs EPSG:25832 {path.name} out.tif"
        )


@functools.lru_cache(maxsize=16)
def _transform_problem(crs) -> str | None:
    """Why no transformation from EPSG:25832 to ``crs`` (WKT or user input) exists, or None.

    Cached: it is asked for every file a heap window touches, and building a pyproj transformer
    per tile and heap is the slow part.
    """
    import pyproj

    try:
        target = pyproj.CRS.from_user_input(crs)
        pyproj.Transformer.from_crs(METRIC_CRS, target, always_xy=True)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError) as exc:
        return _first_line(exc)
    return None


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _approx_res_m(tr, crs) -> float:
    """Approximate pixel size [m] (geographic CRS: degrees × 111 km, smaller axis)."""
    rx, ry = abs(tr.a), abs(tr.e)
    try:
        geographic = bool(crs.is_geographic)
    except AttributeError:
        from rasterio.crs import CRS

        geographic = CRS.from_user_input(crs).is_geographic
    if geographic:
        return min(rx, ry) * 111_320.0 * 0.62  # cos(51.5 deg) for E-W; conservative
    return min(rx, ry)


def open_dem(paths: str | Path | Iterable[str | Path], xyz_crs: str = METRIC_CRS) -> DemSource:
    """Collect DEM files: GeoTIFF/VRT files, NRW DGM1 XYZ tiles, or folders of them.

    Parameters
    ----------
    paths : a path or a list of paths (files or folders).
    xyz_crs : CRS of ASCII XYZ tiles, which carry none (NRW DGM1: EPSG:25832).

    Returns
    -------
    DemSource : files are checked for existence and readability here, read per heap later.

    Raises
    ------
    TerrainError : a path does not exist, a folder holds no DEM files, a file type is unknown,
        or a raster cannot be opened.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    entries: list[_Entry] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise TerrainError(f"{p}: DEM path not found; check --dem")
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and (_is_raster(f) or _is_xyz(f)))
            if not files:
                raise TerrainError(
                    f"{p}: folder holds no DEM files (.tif, .vrt, .xyz); check --dem"
                )
        else:
            if not (_is_raster(p) or _is_xyz(p)):
                raise TerrainError(
                    f"{p}: unknown DEM file type '{p.suffix}'; use GeoTIFF (.tif), "
                    "VRT (.vrt) or DGM1 XYZ (.xyz)"
                )
            files = [p]
        for f in files:
            e = _Entry(f, "xyz" if _is_xyz(f) else "raster", xyz_crs)
            if e.kind == "raster":
                e.load()  # fail early on unreadable rasters (CRS is checked per heap)
            entries.append(e)
    if not entries:
        raise TerrainError("no DEM given; pass --dem PATH or leave it out for parametric terrain")
    label = (
        entries[0].path.name
        if len(entries) == 1
        else (f"{Path(paths[0]).name} ({len(entries)} files)")
    )
    return DemSource(entries, label)
