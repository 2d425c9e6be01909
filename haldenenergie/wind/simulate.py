"""The wind stage's run: turbines that fit on each heap and their annual energy.

The chain per heap (all heaps at once, vectorised over time x turbines):

1. **Siting** (:func:`haldenenergie.wind.layout.new_turbine_layout`).
2. **Hub wind**: from the measured wind speed (height closest to the hub, as windpowerlib's
   ``ModelChain`` does) up to the hub's height above the *surrounding* terrain (hub height + heap's
   relative height, the "lifted" profile) with windpowerlib's logarithmic profile. The hill
   speed-up after Taylor & Lee (1984) (:func:`haldenenergie.wind.physics.hill_speedup`) is defined
   against the upstream profile at the same height above the *local* ground, ``u0(z) (1 + dS(z))``;
   lifted profile and speed-up are two estimates of the same hill effect, so the larger one is
   used, never their product (which would count the heap twice). With
   ``height_reference="local"`` only the Taylor & Lee estimate remains. Then optionally a scaling
   to a wind-atlas mean.
3. **Air density** at hub height with windpowerlib's ``linear_gradient`` temperature and
   ``barometric`` density models.
4. **Wakes**: a direction-aware Jensen (1983) / Katić et al. (1986) top-hat model between the
   turbines of one heap, or windpowerlib's dena wind-efficiency curve.
5. **Power** from the turbine's power curve with windpowerlib's density correction (a vectorised
   equivalent of ``windpowerlib.power_output.power_curve_density_correction``, tested against
   it), times availability and electrical efficiency.

Existing turbines from the registry are modelled as built (type, hub height, count) and reported
apart. The single-turbine path (:func:`turbine_energy`) is tested against a plain windpowerlib
``ModelChain`` (within 0.5 %).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from ._values import num
from .atlas import atlas_factors
from .calibration_energy import calibration_fit
from .columns import Columns, columns_power, group_power
from .config import WindConfig
from .existing import existing_turbine
from .layout import existing_layout, new_turbine_layout
from .losses import windows_for_run
from .resource import (
    WindInputs,
    profile_speed,
    wind_directions,
    wind_inputs,
)
from .results import Totals, WindResult, build_result, heap_row, turbine_info
from .turbines import TurbineSpec, check_config, new_turbine

log = logging.getLogger("haldenenergie.wind")

#: Plausible long-term mean wind speed over flat ground at 135 m in the Ruhr [m s-1]; outside it
#: (and without an atlas) the run warns. Global Wind Atlas 3 (DTU; Davis et al. 2023, BAMS 104(8))
#: shows ~5.5-6.5 m s-1 at 100 m and ~6-7 m s-1 at 150 m over the Ruhr lowlands; the LANUV NRW
#: Energieatlas wind fields at 135 m are mostly 5.5-7.0 m s-1 away from the ridges (assumption:
#: band read from these published maps, not a statistic).
PLAUSIBLE_MEAN_WIND_M_S = (5.5, 7.0)
#: Height of the plausibility band [m] (the LANUV wind atlas's 135 m field).
PLAUSIBLE_HEIGHT_M = 135.0
#: Turbine columns per block of the power calculation (assumption: 64 columns x 8,760 h x 8 B
#: = 4.5 MB per (time x turbine) array; no effect on results, bounds the memory of large runs).
CHUNK_COLUMNS = 64


# --------------------------------------------------------------------------------------------------
# run-level figures
# --------------------------------------------------------------------------------------------------
def _year_factors(wx: WindInputs, meta: Any) -> tuple[float, np.ndarray]:
    """(annual, monthly (12,)) factors for per-year values.

    :func:`haldenenergie.coverage.year_factors`, the same rule as the PV stage, so PV and wind
    months line up.
    """
    from ..coverage import year_factors

    annual, monthly, _ = year_factors(wx.index, wx.dt_h, meta)
    return annual, monthly


def _plausibility_warning(wx: WindInputs, cfg: WindConfig, atlas_run: dict) -> None:
    """Warn when the flat-ground mean at 135 m leaves the regional band.

    The atlas stage has the same mean when its reference height is 135 m (``mean_ref_m_s``).
    """
    if atlas_run.get("height_m") == PLAUSIBLE_HEIGHT_M:
        mean = float(atlas_run["mean_ref_m_s"])
    else:
        v, _ = profile_speed(wx, np.array([PLAUSIBLE_HEIGHT_M]), cfg)
        mean = float(np.mean(v))
    lo, hi = PLAUSIBLE_MEAN_WIND_M_S
    if not lo <= mean <= hi:
        log.warning(
            "mean wind speed %.2f m/s at %g m over flat ground is outside the Ruhr atlas band "
            "%.1f-%.1f m/s (Global Wind Atlas / LANUV); consider [wind] wind_atlas_path, "
            'atlas_mean_wind_speed_m_s or calibration = "existing-turbines"',
            mean,
            PLAUSIBLE_HEIGHT_M,
            lo,
            hi,
        )


def _run_notes(
    wx: WindInputs, meta: Any, cfg: WindConfig, atlas_run: dict, dir_note: str
) -> list[str]:
    """Notes that hold for every heap of the run (and the plausibility warning)."""
    _, rough_note = profile_speed(wx, np.array([cfg.hub_height_m]), cfg)
    if not atlas_run["source"]:
        _plausibility_warning(wx, cfg, atlas_run)
    notes = [n for n in (dir_note, rough_note, atlas_run["note"]) if n]
    night = [k for k in ("bat", "noise") if getattr(cfg, f"{k}_curtailment", False)]
    if night and getattr(cfg, "stability", "none") == "none":
        # the night windows of these curtailments meet a hub wind that peaks by day (neutral
        # profile: the 10 m anemometer's daily cycle), so their losses are biased
        notes.append(
            f"{' and '.join(night)} curtailment on a neutral profile (hub wind peaks by day, as at "
            '10 m): set [wind] stability = "pasquill-turner" for the night maximum aloft'
        )
    if bool(getattr(meta, "partial", False)):
        notes.append(
            "weather covers part of a year: energies scaled to a year "
            f"x{_year_factors(wx, meta)[0]:.3f} (seasonal bias possible)"
        )
    return notes


def _totals(wx: WindInputs, meta: Any) -> Totals:
    annual_f, month_f = _year_factors(wx, meta)
    T = len(wx.index)
    return Totals(
        to_mwh=wx.dt_h / 1e3,
        annual=annual_f,
        month=month_f,
        onehot=(wx.index.month.to_numpy()[None, :] == np.arange(1, 13)[:, None]).astype(float),
        hours=T * wx.dt_h,
        steps=T,
    )


def _run_info(
    cfg: WindConfig, atlas: dict, atlas_run: dict, spec_new: TurbineSpec, notes: list[str]
) -> dict[str, Any]:
    """Run-level figures of :attr:`WindResult.info`."""
    facs = sorted(set(atlas.values())) or [1.0]
    return {
        "atlas_factor": facs[0] if len(facs) == 1 else float(np.mean(facs)),
        "mean_wind_speed_ref_m_s": atlas_run["mean_ref_m_s"],
        "atlas_reference_height_m": atlas_run["height_m"],
        "atlas_source": atlas_run["source"],
        "atlas_method": atlas_run["method"],
        "roughness_source": cfg.roughness_source,
        "roughness_length_m": cfg.roughness_length_m,
        "new_turbine": turbine_info(spec_new),
        "notes": notes,
    }


# --------------------------------------------------------------------------------------------------
# heaps
# --------------------------------------------------------------------------------------------------
def _heap_shape(h: Any, t: Any, cfg: WindConfig) -> tuple[float, float, list[str]]:
    """(relative height H [m], half-height distance L [m], notes) of a heap."""
    notes: list[str] = []
    H = num(getattr(t, "relative_height_m", None)) if t is not None else float("nan")
    if not np.isfinite(H):
        H = num(getattr(h, "height_rel_m", None))
        if np.isfinite(H):
            notes.append("relative height from the registry")
    if not np.isfinite(H):
        notes.append("relative height unknown: hub height above surroundings = hub height")
    L = num(getattr(t, "half_height_distance_m", None)) if t is not None else float("nan")
    if cfg.speedup and not (np.isfinite(L) and L > 0):
        notes.append("half-height distance L unknown: no hill speed-up")
    return H, L, notes


def _add_heap(h: Any, t: Any, cfg: WindConfig, spec_new: TurbineSpec, cols: Columns) -> dict:
    """Site a heap's new turbines, model its existing ones; return the heap's set-up."""
    hid = str(h.id)
    H, L, notes = _heap_shape(h, t, cfg)
    ew = getattr(h, "existing_wind", None)
    n_exist = int(getattr(ew, "count", 0) or 0) if ew is not None else 0
    if t is None:
        pos, lay_notes = np.zeros((0, 2)), ["no terrain: 0 new turbines"]
    else:
        pos, lay_notes = new_turbine_layout(t, spec_new.rotor_diameter_m, cfg, n_exist)
    notes += lay_notes
    # free-stream column even without turbines: reports the hub wind of every heap
    ds, z_prof = cols.add("new", hid, spec_new, pos if len(pos) else np.zeros((1, 2)), H, L)
    spec_old, old_note = existing_turbine(ew, cfg) if n_exist else (None, "")
    if old_note:
        notes.append(old_note)
    if spec_old is not None:
        positions = existing_layout(n_exist, spec_old.rotor_diameter_m, cfg)
        cols.add("old", hid, spec_old, positions, H, L)
        if n_exist > 1 and cfg.wake_model == "jensen":
            notes.append("existing layout assumed: one row across the main wind")
    return {
        "n_new": len(pos),
        "H": H,
        "z_prof": z_prof,
        "ds": ds,
        "n_exist": n_exist,
        "spec_old": spec_old,
        "L": L,
        "old_flag": old_note,
        "notes": notes,
    }


def simulate_wind(
    heaps: list, terrains: dict, data: pd.DataFrame, meta: Any, cfg: WindConfig | None = None
) -> WindResult:
    """New and existing wind energy for every heap.

    Parameters
    ----------
    heaps : list of ``registry.Heap`` (id, height_rel_m, existing_wind).
    terrains : dict heap_id -> ``terrain.HeapTerrain`` (relative_height_m, half_height_distance_m,
        turbine_site_area_ha, ...). Missing terrain: heap facts only, no new turbines.
    data : canonical weather frame (``weather.read_weather``) or a frame with windpowerlib's
        (variable_name, height) columns (K, Pa, m s-1).
    meta : ``weather.WeatherMeta`` (wind_speed_height_m, roughness_length_m, ...).
    cfg : wind configuration (defaults if None).

    Returns
    -------
    WindResult
        ``per_heap`` energies are per year [MWh a-1]: sums over the weather series times
        ``meta.annual_factor`` (1 for one full year, 1 / years for several, 8760 h / hours for a
        partial series, which is flagged in ``wind_notes``).

    Raises
    ------
    TurbineError, WeatherError
    """
    cfg = cfg or WindConfig()
    check_config(cfg)
    wx = wind_inputs(data, meta)
    spec_new = new_turbine(cfg)
    atlas, atlas_m_s, atlas_run = atlas_factors(wx, cfg, heaps)
    dirs, dir_note = wind_directions(wx)
    common = _run_notes(wx, meta, cfg, atlas_run, dir_note)

    cols = Columns(cfg)
    setups = {str(h.id): _add_heap(h, terrains.get(str(h.id)), cfg, spec_new, cols) for h in heaps}
    tot = _totals(wx, meta)
    geometry: dict = {}  # wake geometries of the existing turbines, shared with the calibration
    calib = calibration_fit(heaps, setups, wx, cfg, atlas, dirs, tot, geometry)
    f_new = calib["factor"] if calib["applied"] else 1.0
    scale = {(hid, "new"): atlas[hid] * f_new for hid in setups}
    scale |= {(hid, "old"): atlas[hid] for hid in setups}
    run = {"atlas": 1.0, "notes": common + ([calib["note"]] if calib["applied"] else [])}
    run["curtailment"] = windows_for_run(wx, data, meta, cfg)
    rows, monthly, monthly_old = {}, {}, {}
    # heaps in blocks of turbine columns: the (time x turbine) arrays of one block only are alive
    for hids, block in cols.chunks(CHUNK_COLUMNS):
        power = columns_power(block, wx, cfg, scale, dirs, geometry)
        for hid in hids:
            r = setups[hid]
            old = power[(hid, "old")] if r["spec_old"] is not None else None
            rows[hid], monthly[hid], monthly_old[hid] = heap_row(
                hid, r, power[(hid, "new")], old, spec_new, cfg, tot, run
            )
        del power
    order = [str(h.id) for h in heaps]
    rows = [rows[hid] for hid in order]
    monthly = {hid: monthly[hid] for hid in order}
    monthly_old = {hid: monthly_old[hid] for hid in order}
    res = build_result(
        rows, monthly, monthly_old, _run_info(cfg, atlas, atlas_run, spec_new, common)
    )
    res.per_heap["wind_atlas_factor"] = [atlas[i] for i in res.per_heap.index]
    res.per_heap["wind_atlas_m_s"] = [atlas_m_s[i] for i in res.per_heap.index]
    res.calibration = calib
    return res


def turbine_energy(
    data: pd.DataFrame,
    meta: Any,
    cfg: WindConfig | None = None,
    *,
    turbine: TurbineSpec | None = None,
    height_rel_m: float = 0.0,
    half_height_distance_m: float = float("nan"),
) -> pd.Series:
    """Hourly net energy of ONE turbine standing on a heap [MWh per time step].

    Same chain as :func:`simulate_wind` (profile, speed-up, atlas scaling, density, losses; no
    wakes). ``.sum()`` is the energy over the series.

    Parameters
    ----------
    data, meta : weather (as for :func:`simulate_wind`).
    cfg : wind configuration (defaults if None).
    turbine : turbine (default: ``new_turbine(cfg)``).
    height_rel_m : heap height above the surroundings H [m].
    half_height_distance_m : Taylor & Lee's L [m] (NaN: no speed-up).

    Returns
    -------
    pandas.Series named ``wind_energy_mwh`` on the weather's index.
    """
    cfg = cfg or WindConfig()
    wx = wind_inputs(data, meta)
    spec = turbine or new_turbine(cfg)
    _, _, atlas_run = atlas_factors(wx, replace(cfg, wind_atlas_path=""), [])
    t = cfg.atlas_mean_wind_speed_m_s
    atlas = t / atlas_run["mean_ref_m_s"] if t > 0 and atlas_run["mean_ref_m_s"] > 0 else 1.0
    cols = Columns(cfg)
    cols.add("new", "x", spec, np.zeros((1, 2)), float(height_rel_m), half_height_distance_m)
    (g,) = cols.groups.values()
    net, _, _ = group_power(g, wx, cfg, np.array([atlas]), np.zeros(len(wx.index)))
    return pd.Series(net[:, 0] * wx.dt_h / 1e3, index=wx.index, name="wind_energy_mwh")
