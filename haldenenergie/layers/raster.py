"""Raster constraint layers (GeoTIFF, rasterio): Copernicus HRL Tree Cover Density, ESA WorldCover.

Only the window around the requested bounds is read; its cells are classified (TCD >= threshold
is forest; WorldCover classes per ``layer_schemas.toml``), polygonised with
:func:`rasterio.features.shapes` and reprojected to EPSG:25832; results are cached per
(file, kind, threshold, bounds). The schema is detected from tags / file name, data type and values.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..geo import METRIC_CRS
from .errors import LayerError

#: Suffixes read as rasters.
RASTER_SUFFIXES: tuple[str, ...] = (".tif", ".tiff", ".vrt")
#: Cells read at most to detect the schema, count features and find the valid-data window.
#: Assumption: 4 Mi cells (2048^2) read in well under a second and sample a 100 km TCD tile at
#: 50 m, fine enough to find forests of FAO size (0.5 ha) in most tiles.
SAMPLE_CELLS = 2048 * 2048


@dataclass(frozen=True)
class RasterInfo:
    """What :func:`inspect_raster` learnt about a GeoTIFF."""

    schema: str
    crs: str
    extent_native: tuple[float, float, float, float]  # valid-data window bounds in the raster CRS
    counts: Mapping[str, int]  # kind -> sampled cells of that kind


def is_raster_path(p: Path) -> bool:
    """Whether a path names a raster read by rasterio (GeoTIFF, VRT)."""
    return p.suffix.lower() in RASTER_SUFFIXES


def inspect_raster(
    path: str | Path, schemas: Mapping[str, Any], threshold_pct: float
) -> RasterInfo:
    """Detect the raster schema, its valid-data window and the cells per kind (sampled).

    Raises
    ------
    LayerError
        Unreadable, no CRS, not a single-band uint8 raster, or values that fit no raster schema.
    """
    import numpy as np
    import rasterio
    from rasterio.enums import Resampling

    label = str(path)
    try:
        ds = rasterio.open(path)
    except Exception as exc:  # noqa: BLE001 - rasterio raises various types
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise LayerError(f"{label}: cannot read as a GeoTIFF raster ({first})") from None
    with ds:
        if ds.crs is None:
            raise LayerError(
                f"{label}: raster has no CRS; assign the product's CRS, e.g. "
                f"gdal_edit.py -a_srs EPSG:3035 {Path(label).name}"
            )
        scale = max(1.0, (ds.width * ds.height / SAMPLE_CELLS) ** 0.5)
        shape = (max(1, int(ds.height / scale)), max(1, int(ds.width / scale)))
        data = ds.read(1, out_shape=shape, resampling=Resampling.nearest)
        hint = " ".join([Path(label).name, *map(str, ds.tags().values()), str(ds.descriptions)])
        schema = detect_raster_schema(label, ds.dtypes[0], ds.count, data, ds.crs, hint, schemas)
        valid = _valid_mask(data, schemas[schema])
        if not valid.any():
            raise LayerError(f"{label}: raster holds no valid cells ({schema}: all no data)")
        rows, cols = np.nonzero(valid.any(axis=1))[0], np.nonzero(valid.any(axis=0))[0]
        sx, sy = ds.width / shape[1], ds.height / shape[0]
        t = ds.transform
        x0, y0 = t * (cols[0] * sx, rows[0] * sy)
        x1, y1 = t * ((cols[-1] + 1) * sx, (rows[-1] + 1) * sy)
        extent = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        counts = {
            k: int(classify(data, schemas[schema], k, threshold_pct).sum())
            for k in raster_kinds(schemas[schema])
        }
        return RasterInfo(schema, ds.crs.to_string(), extent, counts)


def raster_kinds(table: Mapping[str, Any]) -> list[str]:
    """Kinds a raster schema maps (``forest = "threshold"`` or a list of classes)."""
    from .config import KINDS

    return [k for k in KINDS if k in table]


def detect_raster_schema(label, dtype, count, data, crs, hint, schemas) -> str:
    """``"tcd"`` or ``"worldcover"`` from name/tags, then from the values; LayerError if neither.

    A published TCD (uint8, 0-100 plus 254/255) and WorldCover (uint8 classes 10..100, 0 no
    data) overlap in values when a TCD holds only multiples of ten; then the name/tags or the CRS
    (TCD: EPSG:3035; WorldCover: EPSG:4326) decide.
    """
    import numpy as np

    if count != 1 or dtype != "uint8":
        raise LayerError(
            f"{label}: raster is {count} band(s) of {dtype}; a Copernicus TCD or ESA WorldCover "
            "GeoTIFF is one band of uint8 (give the product as published)"
        )
    values = set(np.unique(data).tolist())
    fits = {n: _fits(values, schemas[n]) for n in _raster_schema_names(schemas)}
    low = hint.lower()
    named = [n for n in fits if any(s in low for s in schemas[n].get("names", []))]
    candidates = [n for n in named if fits[n]] or [n for n in fits if fits[n]]
    if len(candidates) > 1:
        epsg = crs.to_epsg() if crs is not None else None
        by_crs = {3035: "tcd", 4326: "worldcover"}.get(epsg)
        candidates = [by_crs] if by_crs in candidates else candidates[:1]
    if not candidates:
        shown = ", ".join(map(str, sorted(values)[:12]))
        raise LayerError(
            f"{label}: raster values ({shown}{' ...' if len(values) > 12 else ''}) fit no raster "
            "schema (TCD: 0-100 %, 254, 255; WorldCover: classes 10-100, 0); give the product "
            "as published or a vector layer"
        )
    return candidates[0]


def _raster_schema_names(schemas) -> list[str]:
    return [n for n, t in schemas.items() if isinstance(t, dict) and t.get("kind") == "raster"]


def _fits(values: set, table: Mapping[str, Any]) -> bool:
    allowed = set(table.get("nodata", []))
    if "classes" in table:
        allowed |= set(table["classes"])
    else:
        allowed |= set(range(int(table["valid_min"]), int(table["valid_max"]) + 1))
    return values <= allowed


def _valid_mask(data, table: Mapping[str, Any]) -> Any:
    import numpy as np

    return ~np.isin(data, list(table.get("nodata", [])))


def classify(data, table: Mapping[str, Any], kind: str, threshold_pct: float) -> Any:
    """Boolean mask of the cells of a kind (TCD: valid and >= threshold; else class in list)."""
    import numpy as np

    rule = table.get(kind)
    if rule is None:
        return np.zeros(data.shape, dtype=bool)
    if rule == "threshold":
        return _valid_mask(data, table) & (data >= threshold_pct) & (data <= table["valid_max"])
    return np.isin(data, list(rule))


def raster_geometry(
    path: str, schema_table: Mapping[str, Any], kind: str, threshold_pct: float, bounds
) -> Any:
    """The cells of a kind within ``bounds`` (EPSG:25832; None = whole raster) as polygons."""
    key = (path, _freeze(schema_table), kind, float(threshold_pct), _round_bounds(bounds))
    return _raster_geometry_cached(*key)


def _freeze(table: Mapping[str, Any]) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(table.items()))


def _round_bounds(bounds) -> tuple | None:
    return None if bounds is None else tuple(round(float(b), 3) for b in bounds)


@functools.lru_cache(maxsize=256)
def _raster_geometry_cached(path, frozen, kind, threshold_pct, bounds) -> Any:
    import rasterio
    import shapely
    from rasterio.features import shapes
    from rasterio.windows import Window, from_bounds

    table = {k: (list(v) if isinstance(v, tuple) else v) for k, v in frozen}
    with rasterio.open(path) as ds:
        full = Window(0, 0, ds.width, ds.height)
        if bounds is None:
            win = full
        else:
            nb = _bounds_to_native(bounds, ds.crs)
            w = from_bounds(*nb, transform=ds.transform)
            c0, r0 = math.floor(w.col_off) - 1, math.floor(w.row_off) - 1
            c1 = math.ceil(w.col_off + w.width) + 1
            r1 = math.ceil(w.row_off + w.height) + 1
            win = Window(c0, r0, c1 - c0, r1 - r0)
            try:
                win = win.intersection(full)
            except Exception:  # noqa: BLE001 - rasterio.errors.WindowError: no overlap
                return shapely.GeometryCollection()
        data = ds.read(1, window=win)
        transform = ds.window_transform(win)
        crs = ds.crs
    mask = classify(data, table, kind, threshold_pct)
    if not mask.any():
        return shapely.GeometryCollection()
    polys = [
        shapely.geometry.shape(g)
        for g, _ in shapes(mask.astype("uint8"), mask=mask, transform=transform)
    ]
    return to_metric_from(shapely.union_all(polys), crs)


def _bounds_to_native(bounds, crs) -> tuple[float, float, float, float]:
    from rasterio.warp import transform_bounds

    return transform_bounds(METRIC_CRS, crs, *bounds, densify_pts=21)


def to_metric_from(geom, crs) -> Any:
    """A shapely geometry in ``crs`` reprojected to EPSG:25832 [m]."""
    import numpy as np
    import shapely
    from pyproj import CRS, Transformer

    src = CRS.from_user_input(crs)
    if src == CRS.from_user_input(METRIC_CRS):
        return geom
    tr = Transformer.from_crs(src, METRIC_CRS, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def extent_polygon(bounds, crs, densify_m: int = 50) -> Any:
    """A box in ``crs`` densified (``densify_m`` points per edge) and reprojected to EPSG:25832."""
    import shapely

    box = shapely.box(*bounds)
    edge = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / densify_m
    return to_metric_from(shapely.segmentize(box, edge) if edge > 0 else box, crs)
