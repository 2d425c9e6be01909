"""Parametric mode: a heap's surface synthesised from its facts (area, relative height, form).

Used without a DEM, or for a heap a DEM cannot serve in a multi-heap run. Facts win over form
parameters: footprint area and height are honoured exactly; the form sets the plateau share and
the target flank slope (``TerrainConfig.form_*``). Missing facts fall back to the medians of the
heap fact table and are listed as assumed (:func:`parametric_facts`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConfigError
from .config import BUILD_FORMS, TerrainConfig


def synthesize_heap(
    area_ha: float, height_m: float, form: str, cfg: TerrainConfig, res_m: float | None = None
) -> dict:
    """Synthesise a heap's surface from its facts on a metric grid.

    Parameters
    ----------
    area_ha : footprint area [ha].
    height_m : relative height [m].
    form : one of ``BUILD_FORMS`` (cone, table, terraced, landscape, elongated).
    cfg : TerrainConfig (form_* parameters, berm_*, elongated_*, landscape_*).
    res_m : cell size [m]; default ``cfg.parametric_resolution_m`` (coarsened to keep the grid
        below ``cfg.parametric_max_cells``).

    Returns
    -------
    dict: z_rel (2-D heights above base [m], row 0 north), res_m, footprint (bool), plateau_share,
    flank_slope_deg (derived), n_berms, warnings (list of str).

    Notes
    -----
    Facts win over form parameters: the footprint (area) and height are honoured exactly; the form
    sets the plateau share and the target flank slope. The plateau radius is chosen so that the
    flank reaches the target slope (middle of ``form_flank_slope_deg``), clipped to the form's
    ``form_plateau_share`` range; the flank slope then follows from area and height. A warning says
    when it falls outside the form's slope range. Round forms use the equivalent radius
    R = sqrt(A / pi); elongated heaps an ellipse of ``elongated_axis_ratio`` whose short side has
    the target slope; terraced flanks consist of segments separated by ``berm_width_m`` wide berms
    every ``berm_vertical_spacing_m``; landscape structures get ``landscape_summits`` summits on a
    rolling top with saddles ``landscape_relief_share`` x H lower.
    """
    if form not in BUILD_FORMS:
        raise ConfigError(f"form {form!r} unknown; choose one of {', '.join(BUILD_FORMS)}")
    shape = _plan_shape(area_ha, height_m, form, cfg)
    res, n = _grid_size(shape.a_ax, res_m, cfg)
    coords = (np.arange(n) - (n - 1) / 2.0) * res
    x = coords[None, :]
    y = -coords[:, None]  # row 0 = north
    th = math.radians(cfg.elongated_axis_azimuth_deg if form == "elongated" else 0.0)
    u = x * math.sin(th) + y * math.cos(th)  # along the long axis (azimuth th)
    v = x * math.cos(th) - y * math.sin(th)
    rho = np.hypot(u / shape.a_ax, v / shape.b_ax)
    pts_r, pts_z = _radial_profile(shape, cfg.berm_width_m)
    frac = np.interp(rho, pts_r, pts_z, right=0.0)
    if form == "landscape" and shape.rho_p > 0:
        frac = frac * _rolling_top(u, v, rho, shape, cfg)
    return {
        "z_rel": shape.height_m * frac,
        "res_m": res,
        "footprint": rho < 1.0,
        "plateau_share": shape.rho_p**2,
        "flank_slope_deg": shape.flank_deg,
        "n_berms": shape.n_berms,
        "warnings": shape.warnings,
    }


@dataclass
class _Shape:
    """Plan of a parametric heap: axes and radii [m], plateau and berms, derived flank slope."""

    radius_m: float  # equivalent radius R = sqrt(A / pi)
    height_m: float
    a_ax: float  # semi-axis along the long axis [m]
    b_ax: float  # short semi-axis [m]
    rho_p: float  # plateau radius, normalised (0..1)
    run: float  # horizontal run of the sloped flank segments on the short side [m]
    n_berms: int
    flank_deg: float
    warnings: list[str]


def _plan_shape(area_ha: float, height_m: float, form: str, cfg: TerrainConfig) -> _Shape:
    """Plateau radius, berms and flank slope honouring area and height exactly.

    The plateau (normalised radius ``rho_p``) is chosen so that the short side's flank reaches the
    target slope, clipped to the form's plateau share range; berms that would eat the flank are
    dropped; a warning says when the resulting flank slope leaves the form's range.
    """
    warnings: list[str] = []
    R = math.sqrt(area_ha * 1e4 / math.pi)
    H = float(height_m)
    s_lo, s_hi = cfg.form_flank_slope_deg[form]
    p_lo, p_hi = cfg.form_plateau_share[form]
    s_target = math.radians((s_lo + s_hi) / 2)
    q = cfg.elongated_axis_ratio if form == "elongated" else 1.0
    a_ax, b_ax = R * math.sqrt(q), R / math.sqrt(q)  # semi-axes: long, short
    n_berms = max(math.ceil(H / cfg.berm_vertical_spacing_m) - 1, 0) if form == "terraced" else 0
    berm_run = n_berms * cfg.berm_width_m
    rho_p = 1.0 - (H / math.tan(s_target) + berm_run) / b_ax
    rho_p = min(max(rho_p, math.sqrt(p_lo)), math.sqrt(p_hi))
    run = b_ax * (1.0 - rho_p) - berm_run
    if run <= 0.2 * b_ax * (1.0 - rho_p):  # berms would eat the flank: drop them
        n_berms = 0
        run = b_ax * (1.0 - rho_p)
    flank = math.degrees(math.atan(H / run))
    if not s_lo - 0.5 <= flank <= s_hi + 0.5:
        warnings.append(
            f"parametric flank slope {flank:.1f} deg is outside the {form} range {s_lo:g}-{s_hi:g} "
            f"deg for area {area_ha:g} ha and height {H:g} m (facts kept, slope follows)"
        )
    return _Shape(R, H, a_ax, b_ax, rho_p, run, n_berms, flank, warnings)


def _grid_size(a_ax: float, res_m: float | None, cfg: TerrainConfig) -> tuple[float, int]:
    """Cell size [m] and cells per side of a square grid holding the heap plus a margin.

    The cell size grows when the grid would exceed ``parametric_max_cells``.
    """
    res = float(res_m if res_m is not None else cfg.parametric_resolution_m)
    half = a_ax * 1.08 + 3 * res
    n = math.ceil(2 * half / res) + 1
    if n * n > cfg.parametric_max_cells:
        res = 2 * half / (math.sqrt(cfg.parametric_max_cells) - 1)
        n = math.ceil(2 * half / res) + 1
    return res, n


def _radial_profile(shape: _Shape, berm_width_m: float) -> tuple[list[float], list[float]]:
    """Piecewise-linear profile: normalised radius -> fraction of H; berms as flat steps."""
    rho_p, n_berms = shape.rho_p, shape.n_berms
    if not n_berms:
        return [0.0, rho_p, 1.0], [1.0, 1.0, 0.0]
    seg = shape.run / (n_berms + 1) / shape.b_ax
    wb = berm_width_m / shape.b_ax
    pts_r, pts_z = [0.0, rho_p], [1.0, 1.0]
    r_cur = rho_p
    for k in range(n_berms + 1):
        r_cur += seg
        pts_r.append(r_cur)
        pts_z.append(1.0 - (k + 1) / (n_berms + 1))
        if k < n_berms:
            r_cur += wb
            pts_r.append(r_cur)
            pts_z.append(pts_z[-1])
    pts_r[-1] = 1.0
    return pts_r, pts_z


def _rolling_top(u, v, rho, shape: _Shape, cfg: TerrainConfig):
    """Height factor (<= 1) of a landscape structure's rolling top with several summits.

    Summits sit on a circle at half the plateau radius; the plateau edge height (and so the whole
    flank) follows the top surface radially; saddles lie ``landscape_relief_share`` x H lower.
    """
    rho_p, R = shape.rho_p, shape.radius_m
    scale = np.minimum(1.0, rho_p / np.maximum(rho, 1e-9))
    uu, vv = u * scale, v * scale
    k = cfg.landscape_summits
    ang = 2 * np.pi * np.arange(k) / k
    rc = 0.5 * rho_p * R if k > 1 else 0.0
    sig = 0.35 * rho_p * R
    bump = np.zeros_like(uu)
    for a in ang:
        bump = np.maximum(
            bump,
            np.exp(-((uu - rc * np.sin(a)) ** 2 + (vv - rc * np.cos(a)) ** 2) / (2 * sig**2)),
        )
    return 1.0 - cfg.landscape_relief_share * (1.0 - bump)


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def parametric_facts(heap: Any, cfg: TerrainConfig) -> tuple[float, float, str, float, list[str]]:
    """Return the facts the parametric model needs, with documented defaults for missing ones.

    Parameters
    ----------
    heap : Heap
        Uses ``area_ha``, ``height_rel_m``, ``height_asl_m`` and ``form``.
    cfg : TerrainConfig
        ``default_area_ha``, ``default_height_rel_m``, ``default_base_elevation_m``,
        ``default_form``.

    Returns
    -------
    area_ha : float [ha]
    height_rel_m : float [m]
    form : str, one of BUILD_FORMS
    base_elevation_m : float [m a.s.l.], ``height_asl_m - height_rel_m`` if known
    assumed : list of str, one ``"name=value (why)"`` entry per assumed fact
    """
    assumed = []
    area = getattr(heap, "area_ha", None)
    if area is None or not np.isfinite(area) or area <= 0:
        area = cfg.default_area_ha
        assumed.append(f"area_ha={_fmt(area)} (default: median area of the fact table)")
    height = getattr(heap, "height_rel_m", None)
    asl = getattr(heap, "height_asl_m", None)
    if height is None or not np.isfinite(height) or height <= 0:
        height = cfg.default_height_rel_m
        assumed.append(f"height_rel_m={_fmt(height)} (default: median height of the fact table)")
    form = getattr(heap, "form", None) or "unknown"
    if form not in BUILD_FORMS:
        assumed.append(f"form={cfg.default_form} (default for form '{form}')")
        form = cfg.default_form
    if asl is not None and np.isfinite(asl) and asl > height:
        base = float(asl) - float(height)
    else:
        base = cfg.default_base_elevation_m
        assumed.append(f"base_elevation_m={_fmt(base)} (default: median base of the fact table)")
    return float(area), float(height), form, base, assumed


def synthesize_on_outline(outline_m: Any, height_m: float, form: str, cfg: TerrainConfig) -> dict:
    """Synthesise a heap's surface inside a drawn outline (a ``heap_outline`` layer polygon).

    Parameters
    ----------
    outline_m : shapely Polygon in EPSG:25832 [m].
    height_m : relative height [m].
    form : one of ``BUILD_FORMS``.
    cfg : TerrainConfig.

    Returns
    -------
    dict as :func:`synthesize_heap`, plus ``transform`` (affine.Affine of the grid, north-up).

    Notes
    -----
    The outline is rasterised at ``parametric_resolution_m`` (coarsened below
    ``parametric_max_cells``); the form's radial profile (plateau, flank, berms) is laid over the
    distance d to the outline's edge, normalised by the largest d (the inscribed radius b):
    rho = 1 - d / b, so a circular outline gives :func:`synthesize_heap`'s cone or table. The
    landscape form's rolling top is not modelled on outlines (assumption: a plateau).
    """
    from affine import Affine
    from scipy import ndimage

    from .reserved import rasterize

    if form not in BUILD_FORMS:
        raise ConfigError(f"form {form!r} unknown; choose one of {', '.join(BUILD_FORMS)}")
    minx, miny, maxx, maxy = outline_m.bounds
    half = max(maxx - minx, maxy - miny) / 2
    res, n = _grid_size(half / 1.08, None, cfg)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    tr = Affine(res, 0.0, cx - n * res / 2, 0.0, -res, cy + n * res / 2)
    foot = rasterize(outline_m, (n, n), tr)
    d = ndimage.distance_transform_edt(foot) * res - res / 2
    b = float(d.max()) if foot.any() else 0.0
    shape = _plan_shape(max(math.pi * b * b / 1e4, 1e-6), height_m, _round_form(form), cfg)
    pts_r, pts_z = _radial_profile(shape, cfg.berm_width_m)
    rho = np.where(foot, 1.0 - d / max(b, 1e-9), 1.0)
    frac = np.interp(rho, pts_r, pts_z, right=0.0)
    return {
        "z_rel": shape.height_m * np.where(foot, frac, 0.0),
        "res_m": res,
        "footprint": foot,
        "plateau_share": shape.rho_p**2,
        "flank_slope_deg": shape.flank_deg,
        "n_berms": shape.n_berms,
        "warnings": shape.warnings,
        "transform": tr,
    }


def _round_form(form: str) -> str:
    """The form whose round profile is laid over an outline (elongated: its outline is drawn)."""
    return "table" if form in ("elongated", "landscape") else form
