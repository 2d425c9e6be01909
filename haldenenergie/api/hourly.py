"""Hourly (per weather step) PV and wind series of one heap, for :meth:`Results.hourly`.

The stages keep only annual and monthly sums. The series of a heap are made here from the same
code paths, so that they add up to the heap's annual figures:

* **PV**: the layout plan of each surface (``surfaces`` of the run: layout, module tilt and
  azimuth, cross-axis slope, ground coverage ratio, capacity) goes through the PV kernel
  (:func:`haldenenergie.pv.model.run` with ``keep_series=True``) once more; energy per kWp and
  step times the capacity of each surface, summed over the heap's surfaces.
* **Wind**: :func:`wind_series_during` records, while :func:`haldenenergie.wind.simulate_wind`
  runs, the net power of each heap's new and existing turbines per step (after wakes,
  availability, electrical losses and any curtailment): the arrays the wind stage sums into
  ``wind_energy_mwh_per_a`` (:func:`haldenenergie.wind.results.heap_row`).

Energies per step are not scaled to a year: ``series.sum() * year_factor`` is the annual figure
(``year_factor`` in ``DataFrame.attrs``: 1 for one full year, 8760 h / hours for a partial series,
:func:`haldenenergie.coverage.year_factors`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

#: Columns of :meth:`Results.hourly` (power is the mean over the step, energy its integral).
HOURLY_COLUMNS = (
    "pv_power_kw",
    "pv_energy_kwh",
    "wind_power_kw",
    "wind_energy_kwh",
    "existing_wind_power_kw",
    "existing_wind_energy_kwh",
    "total_power_kw",
    "total_energy_kwh",
)

_LOCK = threading.Lock()


@contextmanager
def wind_series_during(active: bool = True) -> Iterator[dict[str, dict[str, np.ndarray]]]:
    """Record the wind stage's net power per heap while the block runs.

    Parameters
    ----------
    active : record (True) or do nothing (False: the dict stays empty).

    Yields
    ------
    dict : heap id -> ``{"new": (T,) [kW], "existing": (T,) [kW] or None, "steps": T}``,
        filled as :func:`haldenenergie.wind.simulate_wind` builds each heap's row.

    Notes
    -----
    The wind stage's :func:`~haldenenergie.wind.results.heap_row` is wrapped for the duration of
    the block (one block at a time, under a lock); the row it returns is unchanged.
    """
    store: dict[str, dict[str, Any]] = {}
    if not active:
        yield store
        return
    from ..wind import simulate as wind_simulate
    from ..wind.losses import split_losses

    original = wind_simulate.heap_row

    def recording(hid, heap, new, old, spec_new, cfg, tot, run):
        windows = run.get("curtailment")
        n_new = int(heap["n_new"])
        net = split_losses(new[0], new[1], spec_new.nominal_power_kw, cfg, windows).net
        e_new = net.sum(axis=1) if n_new else np.zeros(tot.steps)
        e_old = None
        if old is not None:
            rated = heap["spec_old"].nominal_power_kw
            e_old = split_losses(old[0], old[1], rated, cfg, windows).net.sum(axis=1)
        store[str(hid)] = {"new": e_new, "existing": e_old, "to_mwh": tot.to_mwh}
        return original(hid, heap, new, old, spec_new, cfg, tot, run)

    with _LOCK:
        wind_simulate.heap_row = recording
        try:
            yield store
        finally:
            wind_simulate.heap_row = original


def wind_series_of_run(heaps, terrains: dict, data: pd.DataFrame, meta, config) -> dict:
    """Run the wind stage again and return every heap's series (:func:`wind_series_during`)."""
    from ..wind import simulate_wind

    with wind_series_during(True) as store:
        simulate_wind(list(heaps), terrains, data, meta, config.wind)
    return store


def pv_energy_kwh(surfaces: pd.DataFrame, terrain, data: pd.DataFrame, meta, pv_cfg) -> np.ndarray:
    """AC energy of one heap's PV per weather step [kWh] (not scaled to a year).

    Parameters
    ----------
    surfaces : the heap's rows of the run's ``surfaces`` table (layout plan and ``capacity_mwp``).
    terrain : the heap's :class:`~haldenenergie.terrain.HeapTerrain` (its surfaces' horizon).
    data, meta : the run's weather.
    pv_cfg : the run's ``[pv]`` parameters.

    Returns
    -------
    numpy.ndarray (T,) [kWh per step]; zeros where the heap has no active surface.
    """
    from ..pv.layout import horizon_matrix
    from ..pv.model import geometry_from_plan, run

    out = np.zeros(len(data))
    if surfaces is None or not len(surfaces) or "layout" not in surfaces.columns:
        return out
    active = surfaces[surfaces["layout"] != "none"]
    if not len(active):
        return out
    horizon = np.zeros((len(active), 36))
    tsurf = getattr(terrain, "surfaces", None)
    if pv_cfg.terrain_horizon and tsurf is not None and "horizon_deg" in tsurf.columns:
        by_class = tsurf.set_index(tsurf["surface_class"].astype(str))["horizon_deg"]
        h = active[["surface_class"]].assign(
            horizon_deg=[by_class.get(str(c)) for c in active["surface_class"]]
        )
        horizon = horizon_matrix(h)
    res = run(geometry_from_plan(active, horizon), data, meta, pv_cfg, keep_series=True)
    kwp = active["capacity_mwp"].to_numpy(float) * 1e3
    out[res["day"]] = res["energy"] @ kwp
    return out


def year_factor(data: pd.DataFrame, meta) -> float:
    """Factor from a sum over the weather series to a year [-] (the stages' rule)."""
    from ..coverage import year_factors
    from ..pv.inputs import interval_step

    step = interval_step(data.index)
    annual, _, _ = year_factors(data.index + step / 2, step / pd.Timedelta(hours=1), meta)
    return float(annual)


def hourly_frame(pv_kwh: np.ndarray, wind: dict | None, data: pd.DataFrame, meta) -> pd.DataFrame:
    """The table of :meth:`Results.hourly` from one heap's PV energy and wind power per step.

    Parameters
    ----------
    pv_kwh : (T,) PV energy per step [kWh].
    wind : the heap's entry of :func:`wind_series_during` (None: no wind figures, zeros).
    data, meta : the run's weather (its UTC index labels interval starts).

    Returns
    -------
    DataFrame indexed by the interval start [UTC] with :data:`HOURLY_COLUMNS`; ``attrs`` hold
    ``step_h`` [h] and ``year_factor`` [-].
    """
    from ..pv.inputs import interval_step

    step_h = interval_step(data.index) / pd.Timedelta(hours=1)
    n = len(data)
    wind = wind or {}
    new_kw = np.asarray(wind.get("new") if wind.get("new") is not None else np.zeros(n), float)
    old = wind.get("existing")
    old_kw = np.asarray(old if old is not None else np.zeros(n), float)
    if len(new_kw) != n or len(old_kw) != n:
        from ..errors import OutputError

        raise OutputError(
            f"hourly: wind series of {len(new_kw)} steps for {n} weather steps; the wind stage "
            "changed its time base, report this as a bug"
        )
    idx = pd.DatetimeIndex(data.index).tz_convert("UTC")
    df = pd.DataFrame(
        {
            "pv_power_kw": pv_kwh / step_h,
            "pv_energy_kwh": pv_kwh,
            "wind_power_kw": new_kw,
            "wind_energy_kwh": new_kw * step_h,
            "existing_wind_power_kw": old_kw,
            "existing_wind_energy_kwh": old_kw * step_h,
        },
        index=idx,
    )
    df["total_power_kw"] = df["pv_power_kw"] + df["wind_power_kw"]
    df["total_energy_kwh"] = df["pv_energy_kwh"] + df["wind_energy_kwh"]
    df.index.name = "time_utc"
    df.attrs.update(step_h=float(step_h), year_factor=year_factor(data, meta))
    return df


__all__ = [
    "HOURLY_COLUMNS",
    "hourly_frame",
    "pv_energy_kwh",
    "wind_series_of_run",
    "wind_series_during",
    "year_factor",
]
