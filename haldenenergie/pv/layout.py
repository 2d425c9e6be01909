"""Layout and view geometry of PV on heap surfaces: pure functions of slope, aspect and horizon.

* :func:`plan_layout` decides per surface between fixed south racks (plateau, and flanks outside
  the slope-following window), modules following the slope, or no PV, and gives the ground
  coverage and power density [MWp ha-1] of each.
* :func:`rack_gcr_on_slope` sets the row pitch of racks on sloped ground so that the rows start
  shading each other at the same projected sun elevation as the flat design (the shade-start
  condition of ``pvlib.shading.shaded_fraction1d``, Anderson & Jensen 2024).
* :func:`row_sky_view_factor` (2-D view factor past the row in front, Marion et al. 2017) and
  :func:`horizon_sky_view_factor` (sky left visible by a terrain horizon profile) scale the
  isotropic sky diffuse.

References
----------
Anderson, K. S.; Jensen, A. R. (2024): Shaded fraction and backtracking in single-axis trackers
on rolling terrain. J. Renewable Sustainable Energy 16, 023504.
Anderson, K. S.; Mikofski, M. A. (2020): Slope-aware backtracking for single-axis trackers.
NREL/TP-5K00-76626.
Marion, B. et al. (2017): A practical irradiance model for bifacial PV modules. IEEE PVSC 44.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..errors import TerrainError
from .config import PVConfig

#: Layout names written to ``PVResult.per_surface['layout']``.
LAYOUTS = ("rack", "follow", "none")
#: Number of horizon values per surface: azimuth 0, 10, ..., 350 deg, as the terrain stage
#: writes ``HeapTerrain.surfaces['horizon_deg']``.
N_HORIZON = 36


def rack_gcr_on_slope(
    rack_tilt_deg: ArrayLike, cross_axis_slope_deg: ArrayLike, design_gcr: float
) -> np.ndarray:
    """Horizontal GCR of south racks on sloped ground keeping the flat design's shading limit.

    The flat layout (tilt beta, GCR g) starts to self-shade when the sun's elevation projected on
    the plane across the rows falls below psi, tan(psi) = sin(beta) / (1/g - cos(beta)). On ground
    sloping by delta (cross-axis slope, positive = falling towards the sun side, i.e. south-facing)
    the same limit needs the horizontal pitch p = L sin(beta + psi) cos(delta) / sin(psi + delta)
    (the shade-start condition of pvlib.shading.shaded_fraction1d, Anderson & Jensen 2024).

    Parameters
    ----------
    rack_tilt_deg : rack tilt [deg].
    cross_axis_slope_deg : ground slope across the rows [deg], positive = south-facing.
    design_gcr : GCR of the flat design [-].

    Returns
    -------
    gcr_horizontal : collector width / horizontal pitch [-]; <= 0 where no pitch achieves the
        limit (ground falls to the north more steeply than psi).
    """
    beta = np.radians(rack_tilt_deg)
    delta = np.radians(cross_axis_slope_deg)
    psi = np.arctan2(np.sin(beta), 1.0 / design_gcr - np.cos(beta))
    return np.sin(psi + delta) / (np.sin(beta + psi) * np.cos(delta))


def cross_axis_slope(slope_deg: ArrayLike, aspect_deg: ArrayLike) -> np.ndarray:
    """Ground slope across east-west rows [deg], positive where the ground falls to the south.

    tan(delta) = tan(slope) cos(aspect - 180); equals ``pvlib.tracking.calc_cross_axis_tilt(
    aspect, slope, axis_azimuth=90, axis_tilt=0)`` (Anderson & Mikofski 2020), vectorised.

    Parameters
    ----------
    slope_deg : ground slope [deg].
    aspect_deg : direction the ground faces, clockwise from north [deg].

    Returns
    -------
    delta : cross-axis slope [deg].
    """
    s, a = np.radians(np.asarray(slope_deg, float)), np.radians(np.asarray(aspect_deg, float))
    return np.degrees(np.arctan(np.tan(s) * np.cos(a - np.pi)))


def power_density_mwp_per_ha(gcr_horizontal: ArrayLike, cfg: PVConfig) -> np.ndarray:
    """Installed DC power per map area [MWp ha-1].

    density = module efficiency x 1 kW m-2 x (module area per map area) x land_use_factor
    x 10,000 m2 ha-1 / 1000 kW MW-1. For flat ground with the defaults (22.0 %, GCR 0.40,
    0.85) this is 0.749 MWp/ha, the NRW figure 0.75 MW/ha (NRW government 2022).

    Parameters
    ----------
    gcr_horizontal : module area per map area [-].
    cfg : PVConfig (module efficiency, land_use_factor).

    Returns
    -------
    density : [MWp ha-1].
    """
    return cfg.module_efficiency * np.asarray(gcr_horizontal, float) * cfg.land_use_factor * 10.0


def _layout_masks(
    plateau: np.ndarray, slope: np.ndarray, aspect: np.ndarray, cfg: PVConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(follow, rack, cross-axis slope [deg], rack GCR [-]) of every surface."""
    follow = (
        ~plateau
        & (slope >= cfg.flank_follow_min_tilt_deg)
        & (slope <= cfg.flank_max_tilt_deg)
        & (aspect >= cfg.flank_azimuth_min_deg)
        & (aspect <= cfg.flank_azimuth_max_deg)
    )
    too_steep = ~plateau & (slope > cfg.flank_max_tilt_deg)
    rack = ~follow & ~too_steep
    cross = np.where(plateau, 0.0, cross_axis_slope(slope, aspect))
    gcr_rack = rack_gcr_on_slope(cfg.plateau_tilt_deg, cross, cfg.plateau_gcr)
    gcr_rack = np.where(plateau, cfg.plateau_gcr, np.minimum(gcr_rack, cfg.rack_gcr_max))
    rack_none = rack & (gcr_rack < cfg.rack_gcr_min)
    rack = rack & ~rack_none
    return follow, rack, cross, gcr_rack


def plan_layout(surfaces: pd.DataFrame, cfg: PVConfig | None = None) -> pd.DataFrame:
    """Layout rule per surface: racks, slope-following modules or nothing.

    Parameters
    ----------
    surfaces : DataFrame with columns kind ("plateau"|"flank"), surface_tilt_deg,
        surface_azimuth_deg [deg] (as in ``HeapTerrain.surfaces``).
    cfg : PVConfig.

    Returns
    -------
    DataFrame (same index): layout, module_tilt_deg, module_azimuth_deg, cross_axis_slope_deg,
    gcr_horizontal [-] (module area per *map* area), pitch_m (rack row pitch, horizontal; NaN
    for follow), density_mwp_per_ha.

    Notes
    -----
    ``usable_area_ha`` is taken as map (planimetric) area, as a DEM cell count gives it: slope-
    following modules cover ``flank_gcr`` of the *inclined* area, i.e. ``flank_gcr / cos(slope)``
    of the map area. Racks are levelled along the row (axis horizontal, modules facing 180 deg);
    only the ground slope across the rows enters the row geometry.
    """
    cfg = cfg or PVConfig()
    kind = surfaces["kind"].astype(str).to_numpy()
    slope = surfaces["surface_tilt_deg"].to_numpy(float)
    aspect = np.mod(surfaces["surface_azimuth_deg"].to_numpy(float), 360.0)
    plateau = kind == "plateau"
    follow, rack, cross, gcr_rack = _layout_masks(plateau, slope, aspect, cfg)
    layout = np.where(follow, "follow", np.where(rack, "rack", "none"))
    gcr_h = np.where(
        follow, cfg.flank_gcr / np.cos(np.radians(slope)), np.where(rack, gcr_rack, 0.0)
    )
    return pd.DataFrame(
        {
            "layout": layout,
            "module_tilt_deg": np.where(follow, slope, cfg.plateau_tilt_deg),
            "module_azimuth_deg": np.where(follow, aspect, 180.0),
            "cross_axis_slope_deg": np.where(rack, cross, 0.0),
            "gcr_horizontal": gcr_h,
            "pitch_m": np.where(
                rack, cfg.collector_width_m / np.where(rack, gcr_rack, 1.0), np.nan
            ),
            "density_mwp_per_ha": power_density_mwp_per_ha(gcr_h, cfg),
        },
        index=surfaces.index,
    )


def horizon_sky_view_factor(
    surface_tilt: ArrayLike, surface_azimuth: ArrayLike, horizon_deg: ArrayLike
) -> np.ndarray:
    """Share of an inclined plane's isotropic sky diffuse left visible by a horizon profile.

    Integrates the cosine-weighted visible sky analytically in elevation and numerically in
    azimuth (1 deg): for azimuth phi the plane sees directions with elevation e above
    max(horizon(phi), 0, e0) where e0 is the plane's own edge; integrand
    (a cos e + b sin e) cos e with a = sin(tilt) cos(phi - azimuth), b = cos(tilt).
    The unobstructed integral is (1 + cos tilt) / 2.

    Parameters
    ----------
    surface_tilt, surface_azimuth : (S,) [deg].
    horizon_deg : (S, 36) horizon elevation [deg] at azimuth 0, 10, ..., 350 (linear
        interpolation between them, circular).

    Returns
    -------
    factor : (S,) in [0, 1]; 1 for a zero horizon.
    """
    tilt = np.radians(np.atleast_1d(np.asarray(surface_tilt, float)))[:, None]
    az = np.radians(np.atleast_1d(np.asarray(surface_azimuth, float)))[:, None]
    hz = np.radians(
        interp_horizon(np.atleast_2d(np.asarray(horizon_deg, float)), np.arange(0.5, 360.0, 1.0))
    )  # (S, 360)
    phi = np.radians(np.arange(0.5, 360.0, 1.0))[None, :]
    a = np.sin(tilt) * np.cos(phi - az)
    b = np.cos(tilt) * np.ones_like(a)
    e0 = np.arctan2(-a, b)  # plane's own edge: integrand > 0 above it

    def g(e):
        return a * (e / 2 + np.sin(2 * e) / 4) + b * np.sin(e) ** 2 / 2

    top = g(np.pi / 2)
    free = (top - g(np.clip(e0, 0, np.pi / 2))).sum(axis=1)
    seen = (top - g(np.clip(np.maximum(hz, e0), 0, np.pi / 2))).sum(axis=1)
    return np.where(free > 0, seen / np.where(free > 0, free, 1), 0.0)


def row_sky_view_factor(
    rack_tilt_deg: ArrayLike,
    cross_axis_slope_deg: ArrayLike,
    gcr_horizontal: ArrayLike,
    n_points: int = 40,
) -> np.ndarray:
    """Share of a rack's isotropic sky diffuse not masked by the row in front, on sloped ground.

    2-D view factor (as in pvlib.bifacial.infinite_sheds, Marion et al. 2017): a point at slant
    position s on the module sees the sky above the masking elevation psi(s) of the front row's
    top edge: F(s) = (1 + cos(tilt + psi)) / 2, averaged over the slant height and divided by the
    unobstructed (1 + cos tilt) / 2. The front row stands lower by pitch x tan(delta) on ground
    sloping by delta towards the front (south). For delta = 0 this equals
    pvlib.bifacial.utils.vf_row_sky_2d_integ / ((1 + cos tilt) / 2).

    Parameters
    ----------
    rack_tilt_deg : (S,) [deg].
    cross_axis_slope_deg : (S,) [deg], positive = ground falls towards the front (south).
    gcr_horizontal : (S,) collector width / horizontal pitch [-].
    n_points : slant positions averaged (midpoint rule).

    Returns
    -------
    factor : (S,) in [0, 1].
    """
    beta = np.radians(np.atleast_1d(np.asarray(rack_tilt_deg, float)))[:, None]
    delta = np.radians(np.atleast_1d(np.asarray(cross_axis_slope_deg, float)))[:, None]
    pitch = 1.0 / np.atleast_1d(np.asarray(gcr_horizontal, float))[:, None]  # in collector widths
    s = (np.arange(n_points) + 0.5)[None, :] / n_points
    dx = pitch - np.cos(beta) + s * np.cos(beta)
    dz = -pitch * np.tan(delta) + (1 - s) * np.sin(beta)
    psi = np.clip(np.arctan2(dz, dx), 0.0, None)
    f = (1 + np.cos(np.minimum(beta + psi, np.pi))) / 2
    return f.mean(axis=1) / ((1 + np.cos(beta[:, 0])) / 2)


def interp_horizon(horizon: np.ndarray, azimuth_deg: ArrayLike) -> np.ndarray:
    """Circular linear interpolation of horizon profiles at given azimuths.

    Parameters
    ----------
    horizon : (S, 36) horizon elevation [deg] at azimuth 0, 10, ..., 350.
    azimuth_deg : (...,) azimuths [deg], any range (taken modulo 360).

    Returns
    -------
    elevation : (S, ...) horizon elevation [deg].
    """
    k = np.mod(np.asarray(azimuth_deg, float), 360.0) / 10.0
    k0 = np.floor(k).astype(int) % N_HORIZON
    w = k - np.floor(k)
    k1 = (k0 + 1) % N_HORIZON
    return horizon[:, k0] * (1 - w) + horizon[:, k1] * w


def horizon_matrix(surfaces: pd.DataFrame) -> np.ndarray:
    """(S, 36) horizon elevations [deg] from an optional ``horizon_deg`` column of surfaces.

    Rows without a horizon (column absent, None or NaN) get a flat horizon (zeros).

    Raises
    ------
    TerrainError : a row's horizon does not hold 36 finite values.
    """
    n = len(surfaces)
    if "horizon_deg" not in surfaces.columns:
        return np.zeros((n, N_HORIZON))
    out = np.zeros((n, N_HORIZON))
    pairs = zip(surfaces["surface_class"], surfaces["horizon_deg"], strict=True)
    for i, (key, h) in enumerate(pairs):
        if h is None or (np.isscalar(h) and pd.isna(h)):
            continue
        arr = np.asarray(h, float).ravel()
        if arr.size != N_HORIZON or not np.all(np.isfinite(arr)):
            raise TerrainError(
                f"pv: surfaces row {i} ({key}): horizon_deg must hold "
                f"{N_HORIZON} finite values (azimuth 0..350 step 10), got "
                f"{arr.size}; fix the terrain stage output"
            )
        out[i] = arr
    return out


__all__ = [
    "LAYOUTS",
    "N_HORIZON",
    "cross_axis_slope",
    "horizon_matrix",
    "horizon_sky_view_factor",
    "interp_horizon",
    "plan_layout",
    "power_density_mwp_per_ha",
    "rack_gcr_on_slope",
    "row_sky_view_factor",
]
