"""Constraint layers on a heap's grid: forest, protected areas, landmarks, housing, heap outlines.

The layers (a :class:`haldenenergie.layers.LayerSet`, geometry in EPSG:25832) are rasterised onto
each heap's analysis grid as the reserved areas are (a cell counts when its centre lies inside).

- **PV** exclusions, after ``reserved`` and before too_steep / north / small_patch: protected
  areas, landmark buffers (``LayersConfig.landmark_buffer_m``), forest. Forest cells stay usable
  where an ``open_land`` polygon covers them, and where they belong to a forest patch on the heap
  smaller than ``LayersConfig.forest_clearing_max_ha`` (0.5 ha): the RVR heap energy analysis
  (2022) rules out only "großflächige Rodungen" (large-scale clearing).
- **Turbine sites** exclude protected areas and landmark buffers, not forest: a turbine needs only
  a small clearing for its foundation and crane pad (assumption, after the RVR 2022 analysis, which
  placed turbines on wooded heaps).
- **Housing**: the distance is measured from every cell of the turbine site (where a foundation
  disc fits) to the nearest residential area or building; candidate cells nearer than
  ``min_housing_distance_m`` are removed before the foundation discs are fitted again, so the
  wind stage places turbines only where the distance holds.

A layer whose extent does not contain the heap's footprint leaves that constraint not assessed
(figures NaN, never 0; listed in ``layers_not_assessed``, with a warning).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy import ndimage

from ..layers.config import KINDS
from .config import TerrainConfig
from .reserved import rasterize

#: Distance [m] within which the nearest ``heap_outline`` polygon is taken for a heap whose
#: registry point lies in none. Assumption: registry points are summit/centre points given to a
#: few tens of metres; 150 m catches a point just outside a drawn outline without picking a
#: neighbouring heap (Ruhr heaps lie hundreds of metres apart or more).
OUTLINE_MAX_DISTANCE_M = 150.0
#: Search radius [m] around the turbine site for residential areas. Assumption: 5x the 600 m
#: rule of the RVR heap energy analysis (2022) and 4x the 700 m LANUV (2023) alternative; with
#: nothing within it the distance is recorded as this radius ("none within 3000 m").
HOUSING_SEARCH_RADIUS_M = 3000.0
#: Fallback of ``LayersConfig.forest_clearing_max_ha`` [ha] (for a config object without it):
#: forest patches on a heap smaller than this are no "large-scale clearing" (RVR heap energy
#: analysis 2022: "keine großflächigen Rodungen"); 0.5 ha is the minimum area of forest in
#: FAO, Global Forest Resources Assessment 2020, Terms and Definitions.
FOREST_CLEARING_MAX_HA = 0.5
#: PV exclusion reasons of the layers, in the order applied (after ``reserved``).
LAYER_REASONS: tuple[str, ...] = ("protected", "landmark", "forest")
#: Kinds whose coverage is checked against the heap's footprint (open_land only restores forest;
#: heap_outline is used where a polygon is found).
_ASSESSED_KINDS: tuple[str, ...] = ("forest", "protected", "landmark", "residential")


class LayerSetLike(Protocol):
    """The methods of :class:`haldenenergie.layers.LayerSet` this module uses."""

    def has(self, kind: str) -> bool: ...  # noqa: D102
    def covers(self, kind: str, geom: Any) -> bool: ...  # noqa: D102
    def geometry(self, kind: str, bounds: Any) -> Any: ...  # noqa: D102
    def source(self, kind: str) -> str: ...  # noqa: D102


@dataclass
class LayerContext:
    """What the terrain stage applies to every heap: the layers and their thresholds."""

    layers: Any = None
    min_housing_distance_m: float = 600.0
    landmark_buffer_m: float = 30.0
    forest_clearing_max_ha: float = FOREST_CLEARING_MAX_HA

    @property
    def active(self) -> bool:
        """Whether any layer is given."""
        return self.layers is not None and bool(self.layers)


def layer_context(
    layers: Any, cfg: TerrainConfig, layers_cfg: Any = None, min_housing_distance_m: float = 600.0
) -> LayerContext:
    """The :class:`LayerContext` of a run.

    Parameters
    ----------
    layers : LayerSet or None.
    cfg : TerrainConfig (``reserved_buffer_m`` [m] is the landmark buffer where ``layers_cfg``
        has none).
    layers_cfg : LayersConfig or None (``landmark_buffer_m`` [m], ``forest_clearing_max_ha``
        [ha]); None: the ``[layers]`` defaults.
    min_housing_distance_m : minimum distance of a turbine to housing [m] (600 m, RVR 2022).
    """
    if layers_cfg is None:
        from ..layers.config import LayersConfig

        layers_cfg = LayersConfig()
    return LayerContext(
        layers=layers,
        min_housing_distance_m=float(min_housing_distance_m),
        landmark_buffer_m=float(getattr(layers_cfg, "landmark_buffer_m", cfg.reserved_buffer_m)),
        forest_clearing_max_ha=float(
            getattr(layers_cfg, "forest_clearing_max_ha", FOREST_CLEARING_MAX_HA)
        ),
    )


@dataclass
class GridLayers:
    """The layers rasterised on one heap grid, and the per-heap figures and notes."""

    masks: dict = field(default_factory=dict)  # PV exclusion reason -> bool array
    site_exclude: Any = None
    forest: Any = None
    figures: dict = field(default_factory=dict)
    used: list = field(default_factory=list)
    not_assessed: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    residential_covered: bool = False


def _grid_bounds(shape, tr) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) [m] of a north-up grid."""
    return (tr.c, tr.f + tr.e * shape[0], tr.c + tr.a * shape[1], tr.f)


def _foot_box(foot, tr, res: float):
    """Bounding box (shapely) of the footprint cells [m], for the coverage test."""
    from shapely.geometry import box

    rr, cc = np.nonzero(foot)
    x0, x1 = tr.c + cc.min() * res, tr.c + (cc.max() + 1) * res
    y0, y1 = tr.f - (rr.max() + 1) * res, tr.f - rr.min() * res
    return box(x0, y0, x1, y1)


def grid_layers(ctx: LayerContext, foot: np.ndarray, tr: Any, res: float) -> GridLayers:
    """Rasterise the layers on a heap's grid.

    Parameters
    ----------
    ctx : the run's :class:`LayerContext`.
    foot : bool array of the heap's footprint cells (finite elevation).
    tr : affine transform of the grid (north-up, EPSG:25832); None for a heap without position
        (every kind given is then not assessed).
    res : cell size [m].

    Returns
    -------
    GridLayers : PV masks in :data:`LAYER_REASONS` order (assessed kinds only), turbine-site
        exclusions, the forest mask, ``forest_area_ha`` / ``open_area_ha`` /
        ``protected_area_ha`` [ha] (NaN where not assessed), kinds used / not assessed.
    """
    g = GridLayers(
        figures=dict.fromkeys(("forest_area_ha", "open_area_ha", "protected_area_ha"), math.nan)
    )
    L = ctx.layers
    if ctx.active and tr is None:  # a heap without position: no layer can be placed on it
        g.not_assessed = [k for k in KINDS if L.has(k)]
        return g
    if not ctx.active or not foot.any():
        return g
    shape, bounds = foot.shape, _grid_bounds(foot.shape, tr)
    heap_box = _foot_box(foot, tr, res)
    cell_ha = res * res / 1e4
    covered = {}
    for kind in _ASSESSED_KINDS:
        if L.has(kind):
            covered[kind] = bool(L.covers(kind, heap_box))
            (g.used if covered[kind] else g.not_assessed).append(kind)
    for kind in (k for k, ok in covered.items() if not ok):
        g.warnings.append(
            f"{kind} layer {L.source(kind)} does not cover the heap: {kind} not assessed"
        )
    g.residential_covered = covered.get("residential", False)
    site_ex = np.zeros(shape, dtype=bool)
    if covered.get("protected"):
        m = rasterize(L.geometry("protected", bounds), shape, tr)
        g.masks["protected"] = m
        g.figures["protected_area_ha"] = float((m & foot).sum() * cell_ha)
        site_ex |= m
    if covered.get("landmark"):
        m = _landmark_mask(L, bounds, ctx.landmark_buffer_m, shape, tr)
        g.masks["landmark"] = m
        site_ex |= m
    if covered.get("forest"):
        _forest(g, ctx, L, foot, bounds, tr, res)
    g.site_exclude = site_ex
    return g


def _landmark_mask(L, bounds, buffer_m: float, shape, tr) -> np.ndarray:
    """Cells within ``buffer_m`` [m] of a landmark (points, lines or areas)."""
    b = buffer_m
    geom = L.geometry("landmark", (bounds[0] - b, bounds[1] - b, bounds[2] + b, bounds[3] + b))
    if geom is None or geom.is_empty:
        return np.zeros(shape, dtype=bool)
    return rasterize(geom.buffer(b) if b > 0 else geom, shape, tr)


def _forest(g: GridLayers, ctx: LayerContext, L, foot, bounds, tr, res: float) -> None:
    """Forest mask (open land removed), its PV exclusion (large patches only) and areas."""
    cell_ha = res * res / 1e4
    forest = rasterize(L.geometry("forest", bounds), foot.shape, tr) & foot
    if L.has("open_land"):
        forest &= ~rasterize(L.geometry("open_land", bounds), foot.shape, tr)
    labels, n = ndimage.label(forest, structure=np.ones((3, 3), dtype=bool))
    sizes = np.bincount(labels.ravel(), minlength=n + 1) * cell_ha
    large = sizes >= ctx.forest_clearing_max_ha
    large[0] = False
    g.masks["forest"] = large[labels]
    g.forest = forest
    g.figures["forest_area_ha"] = float(forest.sum() * cell_ha)
    g.figures["open_area_ha"] = float((foot & ~forest).sum() * cell_ha)


def pv_kwargs(g: GridLayers) -> dict:
    """Keyword arguments of :func:`~haldenenergie.terrain.analyse_grid` from ``g``."""
    masks = {k: g.masks[k] for k in LAYER_REASONS if k in g.masks}
    return {"layer_masks": masks or None, "site_exclude": g.site_exclude, "forest": g.forest}


def _cell_distances(L, candidate: np.ndarray, tr: Any, res: float) -> np.ndarray:
    """Distance [m] from each candidate cell's centre to the nearest residential geometry.

    Cells outside ``candidate`` and all cells without residential geometry within
    :data:`HOUSING_SEARCH_RADIUS_M` of the candidate cells get ``inf``.
    """
    import shapely

    d = np.full(candidate.shape, np.inf)
    rr, cc = np.nonzero(candidate)
    x = tr.c + (cc + 0.5) * res
    y = tr.f - (rr + 0.5) * res
    r = HOUSING_SEARCH_RADIUS_M
    geom = L.geometry("residential", (x.min() - r, y.min() - r, x.max() + r, y.max() + r))
    if geom is None or geom.is_empty:
        return d
    d[rr, cc] = shapely.distance(shapely.points(x, y), geom)
    return d


def _registry_distance(heap: Any) -> float:
    """The registry's ``housing_distance_m`` [m] of a heap, NaN if unknown."""
    v = getattr(heap, "housing_distance_m", None)
    try:
        v = float(v)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) else math.nan


def site_housing(
    ctx: LayerContext, g: GridLayers, out: dict, tr: Any, res: float, cfg: TerrainConfig, heap: Any
) -> dict:
    """Distance to housing from the turbine site; too-near site cells removed (``out`` changed).

    Parameters
    ----------
    ctx, g : the run's layers and this grid's (:func:`grid_layers`).
    out : result of :func:`~haldenenergie.terrain.analyse_grid` (``turbine_candidate``,
        ``turbine_site``, ``turbine_site_area_ha`` [ha]); with a covering residential layer,
        ``turbine_site_area_ha`` becomes the area where a foundation disc fits entirely at
        ``>= min_housing_distance_m`` from housing (and ``turbine_site`` those cells).
    tr, res : grid transform and cell size [m].
    cfg : TerrainConfig (``turbine_site_diameter_m``).
    heap : the registry heap (``housing_distance_m`` [m], used without a covering layer).

    Returns
    -------
    dict : ``turbine_site_area_gross_ha`` [ha] (before the housing distance),
        ``housing_distance_m`` [m] (nearest site cell to housing; the search radius if none
        within it; NaN unknown), ``housing_distance_source`` ("registry", "layer <source>, from
        turbine site", ...; "" unknown).
    """
    from .analysis import site_opening

    gross = float(out["turbine_site_area_ha"])
    res_d = {
        "turbine_site_area_gross_ha": gross,
        "housing_distance_m": _registry_distance(heap),
        "housing_distance_source": "",
    }
    L, site, m = ctx.layers, out.get("turbine_site"), ctx.min_housing_distance_m
    if ctx.active and L.has("residential") and site is not None and site.any():
        cand = out["turbine_candidate"]
        dist = _cell_distances(L, cand, tr, res)
        d = float(dist[site].min())
        src = L.source("residential")
        if g.residential_covered:
            r = HOUSING_SEARCH_RADIUS_M
            if d > r:
                res_d["housing_distance_m"] = r
                res_d["housing_distance_source"] = (
                    f"layer {src}: none within {r:g} m of turbine site"
                )
            else:
                res_d["housing_distance_m"] = d
                res_d["housing_distance_source"] = f"layer {src}, from turbine site"
            if d < m:
                keep = site_opening(cand & (dist >= m), res, cfg)
                out["turbine_site_area_ha"] = float(keep.sum() * res * res / 1e4)
                out["turbine_site"] = keep
            return res_d
        if d < m:  # a layer around the heap's edge still proves that housing is near
            res_d["housing_distance_m"] = d
            res_d["housing_distance_source"] = (
                f"layer {src} (heap outside its extent: only nearness proven), from turbine site"
            )
            return res_d
    if math.isfinite(res_d["housing_distance_m"]):
        res_d["housing_distance_source"] = "registry"
    return res_d


def layer_fields(
    ctx: LayerContext,
    g: GridLayers,
    out: dict,
    tr: Any,
    res: float,
    cfg: TerrainConfig,
    heap: Any,
    outline_note: str = "",
) -> dict:
    """The layer fields of :class:`~haldenenergie.terrain.HeapTerrain` for one heap.

    Applies :func:`site_housing` (changes ``out``) and joins the kinds used / not assessed.
    """
    fields = dict(g.figures)
    if tr is None:
        fields.update(
            turbine_site_area_gross_ha=float(out["turbine_site_area_ha"]),
            housing_distance_m=_registry_distance(heap),
            housing_distance_source="registry" if math.isfinite(_registry_distance(heap)) else "",
        )
    else:
        fields.update(site_housing(ctx, g, out, tr, res, cfg, heap))
    used = list(g.used) + (["heap_outline"] if outline_note else [])
    fields["layers_used"] = ";".join(k for k in KINDS if k in used)
    fields["layers_not_assessed"] = ";".join(k for k in KINDS if k in g.not_assessed)
    return fields


def heap_outline(ctx: LayerContext, xy: tuple[float, float] | None) -> tuple[Any, str]:
    """The ``heap_outline`` polygon of a heap: the one containing its point, else the nearest.

    Parameters
    ----------
    ctx : the run's layers.
    xy : the heap's registry point in EPSG:25832 [m], or None.

    Returns
    -------
    (polygon in EPSG:25832 or None, note) : the nearest polygon is taken only within
        :data:`OUTLINE_MAX_DISTANCE_M`; the note says which (for ``assumed``).
    """
    import shapely
    from shapely.geometry import Point

    if not ctx.active or xy is None or not ctx.layers.has("heap_outline"):
        return None, ""
    d = OUTLINE_MAX_DISTANCE_M
    geom = ctx.layers.geometry("heap_outline", (xy[0] - d, xy[1] - d, xy[0] + d, xy[1] + d))
    if geom is None or geom.is_empty:
        return None, ""
    polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]
    if not polys:
        return None, ""
    pt = Point(xy)
    src = ctx.layers.source("heap_outline")
    inside = [p for p in polys if p.covers(pt)]
    if inside:
        best = max(inside, key=lambda p: p.area)
        return best, f"footprint=heap_outline polygon of {src} containing the registry point"
    best = min(polys, key=pt.distance)
    dist = pt.distance(best)
    if dist > d:
        return None, ""
    return best, (
        f"footprint=heap_outline polygon of {src} {dist:.0f} m from the registry point "
        f"(nearest within {d:g} m)"
    )
