"""Background layers of the map that the user supplies (``haldenenergie report --basemap FILE``).

Any vector file :func:`haldenenergie.geo.read_vector_layer` reads (GeoJSON, GeoPackage,
Shapefile, FlatGeobuf; e.g. municipal boundaries or rivers) is drawn offline under the heaps:
polygons as light areas with a grey outline, lines in a water blue, points as small grey dots.
Geometries are clipped to the map frame and simplified to a fraction of a printed point, so a
detailed boundary file does not bloat the report.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError

log = logging.getLogger("haldenenergie.report")

#: Styles of the background layers: municipal areas light with a grey outline, lines (rivers,
#: canals) in a muted water blue, points grey. Assumption: muted tones so that the class colours
#: of the heaps stay the strongest colours of the map.
POLYGON_FACE, POLYGON_EDGE, POLYGON_LW = "#eef0eb", "#a3a8a0", 0.5
LINE_COLOR, LINE_LW = "#8fb3d1", 0.7
POINT_COLOR, POINT_SIZE_PT2 = "#9a9a9a", 3.0
#: Simplification tolerance [fraction of the map scale's metres per printed point]: below what
#: a reader can see (assumption: half a point, ~0.18 mm on paper).
SIMPLIFY_PT = 0.5


@dataclass(frozen=True)
class BasemapLayer:
    """A background layer: its file and its geometries in EPSG:25832 [m]."""

    path: Path
    geoms: tuple


_CURRENT: contextvars.ContextVar[tuple[BasemapLayer, ...]] = contextvars.ContextVar(
    "haldenenergie_basemaps", default=()
)


def read_basemaps(paths: Sequence[str | os.PathLike]) -> tuple[BasemapLayer, ...]:
    """Read background layers for the map.

    Parameters
    ----------
    paths : sequence of str or PathLike
        Vector files in any CRS pyproj knows (GeoJSON in WGS84 lon/lat [deg]).

    Returns
    -------
    tuple of BasemapLayer
        In the order given; a file without geometries is kept (drawn as nothing) with a warning.

    Raises
    ------
    OutputError
        A file is missing, unreadable or holds an invalid geometry (one line naming the file,
        the feature and the fix).
    """
    from ..geo import read_vector_layer

    layers = []
    for p in paths:
        geoms = read_vector_layer(p, "basemap layer (--basemap)", error=OutputError)
        if not geoms:
            log.warning(
                "%s: basemap layer (--basemap): no geometries; nothing drawn from it — "
                "check the file's layer or drop the option",
                p,
            )
        layers.append(BasemapLayer(Path(p), tuple(geoms)))
    return tuple(layers)


@contextlib.contextmanager
def basemap_context(layers: Sequence[BasemapLayer]) -> Iterator[None]:
    """Within the block, maps drawn without explicit ``basemaps`` use ``layers``."""
    token = _CURRENT.set(tuple(layers))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_basemaps() -> tuple[BasemapLayer, ...]:
    """The layers of the innermost :func:`basemap_context` (empty outside one)."""
    return _CURRENT.get()


def _parts(geom) -> Iterator:
    """Single-part geometries of a (multi-part or collection) geometry."""
    if hasattr(geom, "geoms"):
        for g in geom.geoms:
            yield from _parts(g)
    elif not geom.is_empty:
        yield geom


def _polygon_path(poly):
    """A matplotlib Path of a polygon with its holes (even-odd filled)."""
    import numpy as np
    from matplotlib.path import Path as MplPath

    verts, codes = [], []
    for ring in (poly.exterior, *poly.interiors):
        xy = np.asarray(ring.coords)[:, :2]
        if len(xy) < 3:
            continue
        verts.append(xy)
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
    return MplPath(np.concatenate(verts), codes) if verts else None


def _split(layer: BasemapLayer, bounds, tol: float) -> tuple[list, list, list]:
    """Polygon paths, line vertex lists and points of ``layer``, clipped and simplified."""
    from shapely import clip_by_rect
    from shapely.geometry.polygon import orient

    polys, lines, pts = [], [], []
    for g in layer.geoms:
        for part in _parts(clip_by_rect(g, *bounds).simplify(tol, preserve_topology=True)):
            kind = part.geom_type
            if kind == "Polygon":
                # Exterior counter-clockwise, holes clockwise: matplotlib's non-zero fill then
                # leaves the holes empty.
                path = _polygon_path(orient(part, 1.0))
                if path is not None:
                    polys.append(path)
            elif kind in ("LineString", "LinearRing"):
                lines.append([c[:2] for c in part.coords])
            elif kind == "Point":
                pts.append((part.x, part.y))
    return polys, lines, pts


def draw_basemaps(ax, layers: Sequence[BasemapLayer], bounds, m_per_pt: float) -> int:
    """Draw ``layers`` on ``ax`` under the heaps, clipped to ``bounds``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes (EPSG:25832 [m]).
    layers : sequence of BasemapLayer
        What to draw, bottom layer first.
    bounds : tuple of float
        x0, y0, x1, y1 of the map frame [m].
    m_per_pt : float
        Map scale [m per printed point], for the simplification tolerance.

    Returns
    -------
    int
        Number of single-part geometries drawn (a layer with none inside the frame is warned
        about: usually a wrong CRS).
    """
    from matplotlib.collections import LineCollection, PathCollection

    n = 0
    for layer in layers:
        polys, lines, pts = _split(layer, bounds, SIMPLIFY_PT * m_per_pt)
        if polys:
            ax.add_collection(
                PathCollection(
                    polys, facecolor=POLYGON_FACE, edgecolor=POLYGON_EDGE, lw=POLYGON_LW, zorder=1
                )
            )
        if lines:
            ax.add_collection(LineCollection(lines, colors=LINE_COLOR, lw=LINE_LW, zorder=1.5))
        if pts:
            ax.scatter(*zip(*pts, strict=True), s=POINT_SIZE_PT2, c=POINT_COLOR, lw=0, zorder=1.5)
        drawn = len(polys) + len(lines) + len(pts)
        if layer.geoms and not drawn:
            x0, y0, x1, y1 = bounds
            log.warning(
                "%s: basemap layer (--basemap): none of its %d geometries lies within the map "
                "frame (x %.0f–%.0f m, y %.0f–%.0f m, EPSG:25832); check the file's CRS",
                *(layer.path, len(layer.geoms), x0, x1, y0, y1),
            )
        n += drawn
    return n
