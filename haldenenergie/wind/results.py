"""Results of the wind stage: the per-heap table, monthly energies and run-level figures."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .config import WindConfig
from .losses import LossSplit, any_curtailment, split_losses
from .turbines import TurbineSpec

#: Columns of :attr:`WindResult.per_heap`: the wind columns of the run's result table, then
#: diagnostic extras (from ``wind_rotor_diameter_m`` on).
PER_HEAP_COLUMNS = (
    "wind_turbines_new",
    "wind_turbine_type",
    "wind_hub_height_m",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "wind_full_load_hours_h",
    "wind_capacity_factor",
    "wind_mean_speed_hub_m_s",
    "existing_wind_turbines",
    "existing_wind_energy_mwh_per_a",
    "wind_notes",
    # extras
    "wind_rotor_diameter_m",
    "wind_hub_height_above_surroundings_m",
    "wind_speedup_fraction",
    "wind_wake_loss_fraction",
    "wind_atlas_factor",
    "wind_atlas_m_s",
    "existing_wind_turbine_type",
    "existing_wind_capacity_mw",
    "existing_wind_full_load_hours_h",
    # energy chain of the new turbines (gross = energy + the losses), see wind.losses
    "wind_gross_energy_mwh_per_a",
    "wind_loss_availability_mwh_per_a",
    "wind_loss_electrical_mwh_per_a",
    "wind_loss_bat_mwh_per_a",
    "wind_loss_noise_mwh_per_a",
    "wind_loss_shadow_mwh_per_a",
)
#: Loss columns -> :class:`~haldenenergie.wind.losses.LossSplit` attribute.
LOSS_COLUMNS = {
    "wind_gross_energy_mwh_per_a": "gross",
    "wind_loss_availability_mwh_per_a": "availability",
    "wind_loss_electrical_mwh_per_a": "electrical",
    "wind_loss_bat_mwh_per_a": "bat",
    "wind_loss_noise_mwh_per_a": "noise",
    "wind_loss_shadow_mwh_per_a": "shadow",
}
MONTHS = list(range(1, 13))


@dataclass
class WindResult:
    """Result of :func:`haldenenergie.wind.simulate.simulate_wind`.

    Attributes
    ----------
    per_heap : DataFrame indexed by heap_id with :data:`PER_HEAP_COLUMNS`.
    monthly : DataFrame heap_id x month 1..12, net energy of the NEW turbines [MWh].
    monthly_existing : same for the existing turbines [MWh].
    info : run-level figures: atlas_factor, mean_wind_speed_ref_m_s (flat ground, at the atlas
        reference height, before scaling), roughness and notes.
    calibration : the hub-wind calibration against reported yields (set by the stage; empty
        when not computed).
    """

    per_heap: pd.DataFrame
    monthly: pd.DataFrame
    monthly_existing: pd.DataFrame
    info: dict
    calibration: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Totals:
    """How time-step powers become energies of a run.

    Attributes
    ----------
    to_mwh : factor from a power [kW] in one time step to energy [MWh].
    annual : factor from the sum over the series to a year [-].
    month : (12,) factors from month sums to full months [-] (NaN where not covered).
    onehot : (12, T) calendar month of each time step.
    hours : length of the series [h].
    steps : number of time steps T.
    """

    to_mwh: float
    annual: float
    month: np.ndarray
    onehot: np.ndarray
    hours: float
    steps: int

    def monthly(self, e_series: np.ndarray) -> np.ndarray:
        """Energy per calendar month (12,) [MWh] of a per-step series [MWh]."""
        return self.onehot @ e_series * self.month


def _new_figures(
    split: LossSplit,
    net: np.ndarray,
    pfree: np.ndarray,
    n: int,
    spec: TurbineSpec,
    cfg: WindConfig,
    tot: Totals,
) -> tuple[dict, np.ndarray]:
    """Per-heap figures of the new turbines and their energy per time step [MWh]."""
    cap_kw = n * spec.nominal_power_kw
    e_series = split.net.sum(axis=1) * tot.to_mwh if n else np.zeros(tot.steps)
    e_sum = float(e_series.sum())
    # wake loss: uncurtailed net against the free-stream power after the same losses
    e_uncurt = float(net.sum()) * tot.to_mwh if n else 0.0
    gross_free = float(pfree.sum()) * tot.to_mwh * cfg.availability * (1 - cfg.electrical_loss)
    wake_loss = (1 - e_uncurt / gross_free) if n > 1 and gross_free > 0 else 0.0
    e = e_sum * tot.annual
    figures = {
        "wind_turbines_new": int(n),
        "wind_turbine_type": spec.name,
        "wind_hub_height_m": spec.hub_height_m,
        "wind_capacity_mw": cap_kw / 1e3,
        "wind_energy_mwh_per_a": e,
        "wind_full_load_hours_h": e / (cap_kw / 1e3) if n else float("nan"),
        "wind_capacity_factor": e_sum / (cap_kw / 1e3 * tot.hours) if n else float("nan"),
        "wind_wake_loss_fraction": wake_loss,
    }
    for col, attr in LOSS_COLUMNS.items():
        figures[col] = float(getattr(split, attr).sum()) * tot.to_mwh * tot.annual if n else 0.0
    return figures, e_series


def _existing_figures(
    old_net: np.ndarray | None, n_exist: int, spec_old: TurbineSpec | None, tot: Totals
) -> tuple[dict, np.ndarray]:
    """Per-heap figures of the existing turbines and their energy per calendar month [MWh]."""
    if spec_old is not None:
        eo_series = old_net.sum(axis=1) * tot.to_mwh
        e_old = float(eo_series.sum()) * tot.annual
        cap_old = n_exist * spec_old.nominal_power_kw / 1e3
        monthly_old = tot.monthly(eo_series)
    else:
        e_old = 0.0 if n_exist == 0 else float("nan")
        cap_old = 0.0 if n_exist == 0 else float("nan")
        monthly_old = np.zeros(12) * tot.month  # NaN where a partial series has no data
    figures = {
        "existing_wind_turbines": int(n_exist),
        "existing_wind_energy_mwh_per_a": e_old,
        "existing_wind_turbine_type": spec_old.name if spec_old is not None else None,
        "existing_wind_capacity_mw": cap_old,
        "existing_wind_full_load_hours_h": (
            e_old / cap_old if spec_old is not None and cap_old else float("nan")
        ),
    }
    return figures, monthly_old


def heap_row(
    hid: str,
    heap: dict,
    new: tuple[np.ndarray, np.ndarray, np.ndarray],
    old: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    spec_new: TurbineSpec,
    cfg: WindConfig,
    tot: Totals,
    run: dict,
) -> tuple[dict, np.ndarray, np.ndarray]:
    """One heap's row of the per-heap table and its monthly energies.

    Parameters
    ----------
    hid : heap id.
    heap : the heap's set-up (n_new, n_exist, spec_old, z_prof [m], ds [-], notes).
    new, old : (net power [kW], free-stream hub speed [m s-1], power without wakes [kW]), each
        (T, turbines), of the new and the existing turbines (``old`` None without them).
    spec_new : the new turbine type.
    cfg : wind configuration.
    tot : how powers become energies.
    run : run-level figures: ``atlas`` (factor [-]), ``notes`` (list of str) and, optionally,
        ``curtailment`` (:class:`~haldenenergie.wind.losses.CurtailmentWindows` or None from
        :func:`~haldenenergie.wind.losses.windows_for_run`); without it no curtailment applies.

    Returns
    -------
    (dict, numpy.ndarray, numpy.ndarray) : the row (``heap_id`` and :data:`PER_HEAP_COLUMNS`),
        monthly energy (12,) of the new and of the existing turbines [MWh].
    """
    net, vfree, pfree = new
    windows = run.get("curtailment")
    split = split_losses(net, vfree, spec_new.nominal_power_kw, cfg, windows)
    fig_new, e_series = _new_figures(split, net, pfree, heap["n_new"], spec_new, cfg, tot)
    old_net = None
    if old is not None:
        rated_old = heap["spec_old"].nominal_power_kw
        old_net = split_losses(old[0], old[1], rated_old, cfg, windows).net
    fig_old, monthly_old = _existing_figures(old_net, heap["n_exist"], heap["spec_old"], tot)
    values = {
        **fig_new,
        **fig_old,
        "wind_mean_speed_hub_m_s": float(vfree[:, 0].mean()),
        "wind_notes": "; ".join(run["notes"] + _loss_notes(cfg, windows) + heap["notes"]),
        "wind_rotor_diameter_m": spec_new.rotor_diameter_m,
        "wind_hub_height_above_surroundings_m": heap["z_prof"],
        "wind_speedup_fraction": heap["ds"],
        "wind_atlas_factor": run["atlas"],
        "wind_atlas_m_s": float("nan"),  # set per heap by the stage where an atlas is used
    }
    row = {"heap_id": hid, **{c: values[c] for c in PER_HEAP_COLUMNS}}
    return row, tot.monthly(e_series), monthly_old


def _loss_notes(cfg: WindConfig, windows: Any) -> list[str]:
    """Notes on the curtailments (none when they are all off)."""
    if not any_curtailment(cfg):
        return []
    if windows is None:
        return ["curtailments configured but not applied (no curtailment windows in this run)"]
    on = [
        k
        for k, flag in (
            ("bat", cfg.bat_curtailment),
            ("noise", cfg.noise_curtailment),
            ("shadow", cfg.shadow_shutdown_hours_per_a > 0),
        )
        if flag
    ]
    return [f"curtailment applied: {', '.join(on)}", *windows.notes]


def _monthly_frame(monthly: dict[str, np.ndarray]) -> pd.DataFrame:
    """heap_id x month 1..12; NaN only where a partial series does not cover a month."""
    ids = list(monthly)
    df = pd.DataFrame(
        np.array([monthly[i] for i in ids]).reshape(-1, 12), index=ids, columns=MONTHS
    )
    df.index.name = "heap_id"
    return df


def build_result(
    rows: list[dict],
    monthly: dict[str, np.ndarray],
    monthly_old: dict[str, np.ndarray],
    info: dict[str, Any],
) -> WindResult:
    """Assemble the :class:`WindResult` from the heap rows and monthly energies.

    Parameters
    ----------
    rows : one row per heap (:func:`heap_row`).
    monthly, monthly_old : heap id -> (12,) monthly energy of new / existing turbines [MWh].
    info : run-level figures (:attr:`WindResult.info`).

    Returns
    -------
    WindResult
    """
    per_heap = pd.DataFrame(rows, columns=["heap_id", *PER_HEAP_COLUMNS]).set_index("heap_id")
    return WindResult(
        per_heap=per_heap,
        monthly=_monthly_frame(monthly),
        monthly_existing=_monthly_frame(monthly_old),
        info=info,
    )


def turbine_info(spec: TurbineSpec) -> dict[str, Any]:
    """A turbine's fields for :attr:`WindResult.info`, without its power curve."""
    return dataclasses.asdict(spec) | {"curve_wind_speed_m_s": None, "curve_power_kw": None}


def resource_record(info: dict, wind_cfg: Any) -> dict:
    """The run's wind resource for the manifest (``wind_resource``) from :attr:`WindResult.info`.

    The flat-ground mean of the series at the reference height before any atlas scaling [m s-1],
    and what shaped the profile, so that two weather files (an airport and an urban station) can
    be compared from their manifests.
    """
    if not info:
        return {}
    return {
        "flat_ground_mean_m_s": info.get("mean_wind_speed_ref_m_s"),
        "height_m": info.get("atlas_reference_height_m"),
        "roughness_source": info.get("roughness_source"),
        "regional_roughness_length_m": info.get("roughness_length_m"),
        "stability": getattr(wind_cfg, "stability", "none"),
        "atlas_source": info.get("atlas_source") or "",
        "atlas_factor": info.get("atlas_factor"),
    }
