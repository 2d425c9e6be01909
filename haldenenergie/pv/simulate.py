"""PV capacity and energy of every usable surface of every heap: :func:`simulate_pv`.

One call lays out every surface (:func:`~haldenenergie.pv.layout.plan_layout`), runs the
vectorised kernel (:mod:`haldenenergie.pv.model`) once per *unique* surface geometry, and
aggregates: AC energy per kWp is scale-free, so energy = capacity x specific yield and scales
linearly with usable area; monthly sums come from a (month x time) matrix product. Partial
weather is scaled to a year with :func:`haldenenergie.coverage.year_factors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..coverage import year_factors
from ..errors import TerrainError
from .config import PVConfig
from .inputs import check_weather, interval_step
from .layout import horizon_matrix, plan_layout
from .model import Geometry, run

#: Columns :func:`simulate_pv` needs in ``surfaces``: ``HeapTerrain.surfaces`` plus ``heap_id``.
REQUIRED_SURFACE_COLUMNS = (
    "heap_id",
    "surface_class",
    "kind",
    "surface_tilt_deg",
    "surface_azimuth_deg",
    "usable_area_ha",
)
#: Columns of ``PVResult.per_heap``.
PER_HEAP_COLUMNS = (
    "pv_usable_area_ha",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "pv_specific_yield_kwh_per_kwp",
    "pv_scaled_to_year",
)
#: Optional terrain columns copied into ``PVResult.per_surface`` when present.
#: The forest/open split of a surface class (NaN where no forest layer covers the heap).
PASSTHROUGH_COLUMNS = (
    "terrain_source",
    "tilt_band",
    "azimuth_sector",
    "area_ha",
    "forest_area_ha",
    "open_area_ha",
    "usable_open_area_ha",
)
#: Warning of a run on weather without irradiance.
NO_IRRADIANCE_NOTE = (
    "PV energy not computed: the weather file has no irradiance (wind only); "
    "capacity is from the layout alone"
)


@dataclass
class PVResult:
    """Result of :func:`simulate_pv`.

    Attributes
    ----------
    per_surface : DataFrame, one row per (heap_id, surface_class), sorted by both: kind, layout,
        surface_tilt_deg, surface_azimuth_deg, module_tilt_deg, module_azimuth_deg,
        cross_axis_slope_deg, gcr_horizontal [-] (module area per map area), pitch_m,
        density_mwp_per_ha, usable_area_ha, capacity_mwp, energy_mwh_per_a,
        specific_yield_kwh_per_kwp, poa_kwh_per_m2_per_a (plane-of-array irradiation after
        shading and horizon), shading_loss_fraction (POA irradiation lost to rows and horizon).
    per_heap : DataFrame indexed by heap_id: pv_usable_area_ha, pv_capacity_mwp,
        pv_energy_mwh_per_a, pv_specific_yield_kwh_per_kwp (NaN where capacity is 0),
        pv_scaled_to_year (bool).
    monthly : DataFrame indexed by heap_id, columns 1..12 [MWh] (mean calendar month).
    scaled_to_year : bool, True if partial weather was scaled up to a year.
    warnings : tuple of str.
    """

    per_surface: pd.DataFrame
    per_heap: pd.DataFrame
    monthly: pd.DataFrame
    scaled_to_year: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)


def irradiance_available(data: pd.DataFrame, meta) -> bool:
    """False for wind-only weather (``meta.irradiance_available`` False, or no GHI value at all)."""
    if not bool(getattr(meta, "irradiance_available", True)):
        return False
    return not (
        isinstance(data, pd.DataFrame)
        and "ghi" in data.columns
        and len(data)
        and data["ghi"].isna().all()
    )


def check_surfaces(surfaces: pd.DataFrame) -> None:
    """Raise TerrainError unless ``surfaces`` is a valid surfaces table of many heaps.

    Required are :data:`REQUIRED_SURFACE_COLUMNS`, (heap_id, surface_class) unique, finite
    non-negative tilt and usable area, a finite azimuth and kind "plateau" or "flank".
    """
    if not isinstance(surfaces, pd.DataFrame):
        raise TerrainError("pv: surfaces must be a DataFrame (HeapTerrain.surfaces + heap_id)")
    missing = [c for c in REQUIRED_SURFACE_COLUMNS if c not in surfaces.columns]
    if missing:
        raise TerrainError(
            f"pv: surfaces lack column(s) {', '.join(missing)}; required are "
            f"{', '.join(REQUIRED_SURFACE_COLUMNS)} (add heap_id to each "
            "HeapTerrain.surfaces before concatenating)"
        )
    dup = surfaces.duplicated(["heap_id", "surface_class"])
    if dup.any():
        row = surfaces.loc[dup].iloc[0]
        raise TerrainError(
            f"pv: surfaces row ({row['heap_id']}, {row['surface_class']}) appears "
            "twice; surface_class must be unique per heap"
        )
    for c in ("surface_tilt_deg", "surface_azimuth_deg", "usable_area_ha"):
        v = pd.to_numeric(surfaces[c], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(v) | ((v < 0) if c != "surface_azimuth_deg" else False)
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise TerrainError(
                f"pv: surfaces row {i} ({surfaces['heap_id'].iloc[i]}, "
                f"{surfaces['surface_class'].iloc[i]}): {c} = "
                f"{surfaces[c].iloc[i]!r} must be a finite number >= 0"
            )
    bad_kind = ~surfaces["kind"].isin(["plateau", "flank"])
    if bad_kind.any():
        i = int(np.flatnonzero(bad_kind.to_numpy())[0])
        raise TerrainError(
            f"pv: surfaces row {i}: kind = {surfaces['kind'].iloc[i]!r}; use 'plateau' or 'flank'"
        )


# ------------------------------------------------------------------------------------------
# Result tables
# ------------------------------------------------------------------------------------------
def _empty_result() -> PVResult:
    per_heap = pd.DataFrame(columns=list(PER_HEAP_COLUMNS), dtype=float)
    per_heap.index.name = "heap_id"
    monthly = pd.DataFrame(columns=list(range(1, 13)), dtype=float)
    monthly.index.name = "heap_id"
    columns = [
        "heap_id",
        "surface_class",
        "layout",
        "capacity_mwp",
        "energy_mwh_per_a",
        "specific_yield_kwh_per_kwp",
    ]
    return PVResult(pd.DataFrame(columns=columns), per_heap, monthly)


def _sorted_surfaces(surfaces: pd.DataFrame) -> pd.DataFrame:
    """Copy with str heap_id and surface_class, sorted by both (results never depend on order)."""
    surf = surfaces.copy()
    surf["heap_id"] = surf["heap_id"].astype(str)
    surf["surface_class"] = surf["surface_class"].astype(str)
    return surf.sort_values(["heap_id", "surface_class"], kind="stable").reset_index(drop=True)


def _per_surface_table(
    surf: pd.DataFrame, plan: pd.DataFrame, cap: np.ndarray, energy: dict
) -> pd.DataFrame:
    """``PVResult.per_surface``: terrain columns, the layout plan, capacity and ``energy``."""
    passthrough = {c: surf[c] for c in PASSTHROUGH_COLUMNS if c in surf.columns}
    return pd.DataFrame(
        {
            "heap_id": surf["heap_id"],
            "surface_class": surf["surface_class"],
            "kind": surf["kind"],
            **passthrough,
            "surface_tilt_deg": surf["surface_tilt_deg"].astype(float),
            "surface_azimuth_deg": surf["surface_azimuth_deg"].astype(float),
            **{c: plan[c] for c in plan.columns},
            "usable_area_ha": surf["usable_area_ha"].astype(float),
            "capacity_mwp": cap,
            **energy,
        }
    )


def _per_heap_table(
    per_surface: pd.DataFrame, active: np.ndarray, scaled: bool, with_energy: bool
) -> pd.DataFrame:
    """``PVResult.per_heap``: sums over the active surfaces of each heap (energy NaN if not)."""
    g = per_surface.assign(usable=np.where(active, per_surface["usable_area_ha"], 0.0)).groupby(
        "heap_id", sort=True
    )
    per_heap = pd.DataFrame(
        {"pv_usable_area_ha": g["usable"].sum(), "pv_capacity_mwp": g["capacity_mwp"].sum()}
    )
    per_heap["pv_energy_mwh_per_a"] = g["energy_mwh_per_a"].sum() if with_energy else np.nan
    per_heap["pv_specific_yield_kwh_per_kwp"] = per_heap["pv_energy_mwh_per_a"] / per_heap[
        "pv_capacity_mwp"
    ].where(per_heap["pv_capacity_mwp"] > 0)
    per_heap["pv_scaled_to_year"] = scaled
    per_heap.index.name = "heap_id"
    return per_heap


def _monthly_table(monthly_spec: np.ndarray, cap: np.ndarray, heap_id: pd.Series) -> pd.DataFrame:
    """``PVResult.monthly`` [MWh]: (12, S) specific energy [kWh kWp-1] x capacity, per heap."""
    monthly_mwh = pd.DataFrame((monthly_spec * cap[None, :]).T, columns=range(1, 13))
    monthly_mwh["heap_id"] = heap_id.to_numpy()
    monthly = monthly_mwh.groupby("heap_id", sort=True).sum(min_count=1)
    monthly.columns = list(range(1, 13))
    monthly.index.name = "heap_id"
    return monthly


def _capacity(surf: pd.DataFrame, plan: pd.DataFrame) -> np.ndarray:
    """Installed DC power [MWp] = usable map area [ha] x power density [MWp ha-1]."""
    return surf["usable_area_ha"].to_numpy(float) * plan["density_mwp_per_ha"].to_numpy()


def _capacity_only(surfaces: pd.DataFrame, cfg: PVConfig) -> PVResult:
    """Layout and capacity of every surface with energy NaN (weather without irradiance)."""
    surf = _sorted_surfaces(surfaces)
    plan = plan_layout(surf, cfg)
    active = (plan["layout"] != "none").to_numpy()
    cap = _capacity(surf, plan)
    nan_cols = (
        "energy_mwh_per_a",
        "specific_yield_kwh_per_kwp",
        "poa_kwh_per_m2_per_a",
        "shading_loss_fraction",
    )
    per_surface = _per_surface_table(surf, plan, cap, dict.fromkeys(nan_cols, np.nan))
    per_heap = _per_heap_table(per_surface, active, False, with_energy=False)
    monthly = pd.DataFrame(np.nan, index=per_heap.index, columns=list(range(1, 13)))
    return PVResult(per_surface, per_heap, monthly, False, (NO_IRRADIANCE_NOTE,))


# ------------------------------------------------------------------------------------------
# Simulation
# ------------------------------------------------------------------------------------------
def _simulate_unique_geometries(
    plan: pd.DataFrame,
    horizon: np.ndarray,
    active: np.ndarray,
    data: pd.DataFrame,
    meta,
    cfg: PVConfig,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kernel once per unique geometry of the active surfaces; identical rows share a column.

    Returns
    -------
    monthly_spec : (12, S) energy per kWp in each calendar month of the series [kWh kWp-1]
        (0 for inactive surfaces).
    poa, poa_unshaded : (S,) plane-of-array irradiation of the series [kWh m-2] (NaN inactive).
    loss : (S,) share of poa_unshaded taken by rows and horizon [-] (NaN inactive; exactly 0
        where nothing is shaded).
    """
    key = np.column_stack(
        [
            plan["module_tilt_deg"],
            plan["module_azimuth_deg"],
            (plan["layout"] == "rack").astype(float),
            plan["cross_axis_slope_deg"],
            np.where(plan["layout"] == "rack", plan["gcr_horizontal"], 1.0),
            horizon if cfg.terrain_horizon else np.zeros_like(horizon),
        ]
    )
    n = len(plan)
    monthly_spec = np.zeros((12, n))
    poa = np.full(n, np.nan)
    loss = np.full(n, np.nan)
    if not active.any():
        check_weather(data)
        return monthly_spec, poa, loss
    uniq, inverse = np.unique(np.round(key[active], 9), axis=0, return_inverse=True)
    geo = Geometry(uniq[:, 0], uniq[:, 1], uniq[:, 2] > 0.5, uniq[:, 3], uniq[:, 4], uniq[:, 5:])
    res = run(geo, data, meta, cfg)
    idx = np.flatnonzero(active)
    inv = inverse.ravel()
    monthly_spec[:, idx] = res["monthly"][:, inv]
    poa[idx] = res["poa"][inv]
    un = res["poa_unshaded"][inv]
    loss[idx] = res["poa_shading_loss"][inv] / np.where(un > 0, un, 1.0)
    return monthly_spec, poa, loss


def _year_scaling(data: pd.DataFrame, meta) -> tuple[float, np.ndarray, bool, list[str]]:
    """(annual factor, (12,) month factors, scaled?, warnings) of the weather series."""
    step = interval_step(data.index)
    step_h = step / pd.Timedelta(hours=1)
    mid = data.index + step / 2
    annual_f, month_f, scaled = year_factors(mid, step_h, meta)
    warnings: list[str] = []
    if scaled:
        warnings.append(
            f"weather covers {len(data) * step_h:.0f} h only: annual PV energy "
            "scaled to 8760 h (seasonal bias possible); months less than half covered are NaN"
        )
    return annual_f, month_f, scaled, warnings


def simulate_pv(
    surfaces: pd.DataFrame, data: pd.DataFrame, meta, cfg: PVConfig | None = None
) -> PVResult:
    """PV capacity and energy of every usable surface of every heap, vectorised.

    Parameters
    ----------
    surfaces : DataFrame, rows from many heaps: heap_id plus the HeapTerrain.surfaces columns
        (surface_class, kind, surface_tilt_deg [deg], surface_azimuth_deg [deg],
        usable_area_ha [ha] (map area), optional horizon_deg (36 values [deg])).
    data : weather DataFrame (read_weather): tz-aware index labelling interval starts, ghi, dhi,
        dni [W m-2], temp_air [°C], wind_speed [m s-1], optional pressure [Pa].
    meta : WeatherMeta (latitude, longitude, elevation_m, partial).
    cfg : PVConfig (defaults if None).

    Returns
    -------
    PVResult (per_surface, per_heap, monthly [MWh]); see :class:`PVResult`. For weather without
    irradiance (wind-only files, :func:`irradiance_available`) layout and capacity are given and
    every energy is NaN, with :data:`NO_IRRADIANCE_NOTE` in ``warnings``.

    Raises
    ------
    TerrainError : surfaces lack columns, have duplicates or invalid values.
    WeatherError : weather lacks columns, has a naive index, or meta lacks the location.

    Notes
    -----
    The solar position is computed once per weather series; irradiance, temperature and power are
    computed once per *unique* surface geometry (identical geometries of different heaps share
    one column) on (daytime steps x surfaces) arrays. Results do not depend on row order.
    """
    cfg = cfg or PVConfig()
    cfg.check("pv config")
    if isinstance(surfaces, pd.DataFrame) and len(surfaces) == 0:
        check_weather(data)
        return _empty_result()
    check_surfaces(surfaces)
    if not irradiance_available(data, meta):
        return _capacity_only(surfaces, cfg)
    surf = _sorted_surfaces(surfaces)
    plan = plan_layout(surf, cfg)
    active = (plan["layout"] != "none").to_numpy()
    monthly_spec, poa, loss = _simulate_unique_geometries(
        plan, horizon_matrix(surf), active, data, meta, cfg
    )
    annual_f, month_f, scaled, warnings = _year_scaling(data, meta)
    annual_spec = monthly_spec.sum(axis=0) * annual_f  # kWh/kWp per year
    monthly_spec = monthly_spec * month_f[:, None]
    cap = _capacity(surf, plan)
    energy = {
        "energy_mwh_per_a": cap * annual_spec,
        "specific_yield_kwh_per_kwp": np.where(active, annual_spec, np.nan),
        "poa_kwh_per_m2_per_a": poa * annual_f,
        "shading_loss_fraction": np.where(active, loss, np.nan),
    }
    per_surface = _per_surface_table(surf, plan, cap, energy)
    per_heap = _per_heap_table(per_surface, active, scaled, with_energy=True)
    monthly = _monthly_table(monthly_spec, cap, surf["heap_id"])
    return PVResult(per_surface, per_heap, monthly, scaled, tuple(warnings))


__all__ = [
    "NO_IRRADIANCE_NOTE",
    "PASSTHROUGH_COLUMNS",
    "PER_HEAP_COLUMNS",
    "REQUIRED_SURFACE_COLUMNS",
    "PVResult",
    "check_surfaces",
    "irradiance_available",
    "simulate_pv",
]
