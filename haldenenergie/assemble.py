"""Assembling a run's tables from the stages' outputs: facts, terrain, PV, wind, monthly.

:func:`haldenenergie.pipeline.compute` calls these; they are pure table work (no stage runs here),
as are the run's warning list (:func:`run_warnings`) and the terrain stage's warning line.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._text import first_and_more

log = logging.getLogger("haldenenergie.pipeline")

#: ``status`` of every heap when the weather file has no irradiance (e.g. windpowerlib CSV).
STATUS_NO_PV = "wind only: weather has no irradiance, PV energy not computed"


def surface_table(heaps, terrains: dict) -> pd.DataFrame:
    """The PV surfaces of every heap in one table (column ``heap_id`` added)."""
    surfaces = []
    for h in heaps:
        s = terrains[h.id].surfaces
        if s is not None and len(s):
            surfaces.append(s.assign(heap_id=h.id))
    return pd.concat(surfaces, ignore_index=True) if surfaces else pd.DataFrame(columns=["heap_id"])


def fact_rows(heaps, terrains: dict) -> pd.DataFrame:
    """Registry facts and terrain of every heap, indexed by heap id (``heap_id`` kept)."""
    rows = []
    for h in heaps:
        t = terrains[h.id]
        rows.append(
            {
                "heap_id": h.id,
                "name": h.name,
                "city": h.city,
                "owner": h.owner,
                "membership": h.membership,
                "lat": h.lat,
                "lon": h.lon,
                "area_ha": h.area_ha,
                "height_rel_m": h.height_rel_m,
                "form": h.form,
                "housing_distance_m": h.housing_distance_m,
                "terrain_source": t.terrain_source,
                "footprint_area_ha": t.footprint_area_ha,
                "relative_height_m": t.relative_height_m,
                "summit_elevation_m": t.summit_elevation_m,
                "base_elevation_m": t.base_elevation_m,
                "plateau_area_ha": t.plateau_area_ha,
                "turbine_site_area_ha": t.turbine_site_area_ha,
                "half_height_distance_m": t.half_height_distance_m,
                "assumptions": "; ".join(list(t.assumed) + list(t.warnings)),
                **_layer_figures(h, t),
            }
        )
    return pd.DataFrame(rows).set_index("heap_id", drop=False)


#: Figures of the constraint layers on :class:`~haldenenergie.terrain.HeapTerrain` and their value
#: when a terrain result does not carry them: NaN = not assessed (never 0, never a pass).
_LAYER_FIGURES: dict[str, Any] = {
    "forest_area_ha": np.nan,
    "open_area_ha": np.nan,
    "protected_area_ha": np.nan,
    "turbine_site_area_gross_ha": np.nan,
    "housing_distance_source": "",
    "layers_used": "",
    "layers_not_assessed": "",
}


def _layer_figures(heap, t) -> dict:
    """The constraint-layer figures of one heap's terrain, and its distance to housing [m].

    The terrain stage's ``housing_distance_m`` (from a residential layer, measured from the
    turbine site, else the registry's) wins; without one, the registry's value stands.
    """
    out = {k: getattr(t, k, v) for k, v in _LAYER_FIGURES.items()}
    dist = getattr(t, "housing_distance_m", None)
    if dist is not None and np.isfinite(dist):
        out["housing_distance_m"] = float(dist)
    elif heap.housing_distance_m is not None and not out["housing_distance_source"]:
        out["housing_distance_source"] = "registry"
    return out


def add_stage_columns(res: pd.DataFrame, pv_per_heap: pd.DataFrame, wind_per_heap) -> None:
    """Add the PV and wind per-heap columns to ``res`` (in place; no PV surface = 0 PV)."""
    pvh = pv_per_heap.reindex(res.index)
    for col in [
        "pv_usable_area_ha",
        "pv_capacity_mwp",
        "pv_energy_mwh_per_a",
        "pv_specific_yield_kwh_per_kwp",
    ]:
        res[col] = pvh.get(col, np.nan)
    # A heap without usable PV surfaces has zero PV (not unknown).
    for col in ["pv_usable_area_ha", "pv_capacity_mwp", "pv_energy_mwh_per_a"]:
        res[col] = res[col].fillna(0.0)
    wh = wind_per_heap.reindex(res.index)
    for col in wh.columns:
        res[col] = wh[col]


def add_totals_and_status(res: pd.DataFrame, pv_computed: bool, meta) -> None:
    """Total energy [MWh/a], ``status`` and ``weather_partial`` (in place)."""
    if pv_computed:
        res["total_energy_mwh_per_a"] = res["pv_energy_mwh_per_a"].fillna(0) + res[
            "wind_energy_mwh_per_a"
        ].fillna(0)
        res["status"] = "ok"
    else:
        from .pv import NO_IRRADIANCE_NOTE

        # Wind-only weather: PV energy is unknown (NaN), not zero, where there is PV capacity;
        # the total is unknown there too (wind alone would understate it).
        unknown = res["pv_capacity_mwp"] > 0
        res.loc[unknown, "pv_energy_mwh_per_a"] = np.nan
        res["pv_specific_yield_kwh_per_kwp"] = np.nan
        res["total_energy_mwh_per_a"] = res["wind_energy_mwh_per_a"].fillna(0).where(~unknown)
        res["status"] = STATUS_NO_PV
        log.warning("%s: %s", getattr(meta, "path", "weather"), NO_IRRADIANCE_NOTE)
    res["weather_partial"] = bool(getattr(meta, "partial", False))


def monthly_table(
    pv_monthly: pd.DataFrame, wind_monthly: pd.DataFrame, ids, keep_nan: bool = False
) -> pd.DataFrame:
    """Long table heap_id, month, pv/wind/total energy [MWh] from two heap × month tables.

    Heaps absent from a table (no PV surface, no turbine) get 0. With ``keep_nan`` the stages'
    NaN (a month a partial weather series does not cover; PV without irradiance) stay NaN: not
    known, so not presented as zero.
    """
    months = list(range(1, 13))
    pvm = pv_monthly.reindex(index=ids, columns=months)
    wim = wind_monthly.reindex(index=ids, columns=months)
    if keep_nan:
        absent_pv = ~pvm.index.isin(pv_monthly.index)
        absent_wind = ~wim.index.isin(wind_monthly.index)
        pvm.loc[absent_pv] = pvm.loc[absent_pv].fillna(0.0)
        wim.loc[absent_wind] = wim.loc[absent_wind].fillna(0.0)
    else:
        pvm, wim = pvm.fillna(0.0), wim.fillna(0.0)
    out = pd.DataFrame(
        {
            "heap_id": np.repeat(ids, 12),
            "month": np.tile(months, len(ids)),
            "pv_energy_mwh": pvm.to_numpy().ravel(),
            "wind_energy_mwh": wim.to_numpy().ravel(),
        }
    )
    out["total_energy_mwh"] = out["pv_energy_mwh"] + out["wind_energy_mwh"]
    return out


def _log_terrain_warnings(heaps, terrains: dict) -> None:
    """Each heap's terrain warnings and a count, with -v (info).

    At the default verbosity the command line prints one line per KIND of warning instead
    (``commands.terrain.log_heap_warnings``): the two summaries said the same twice.
    """
    warned = [h.id for h in heaps if terrains[h.id].warnings]
    for h in heaps:
        for w in terrains[h.id].warnings:
            log.info("heap %s: %s", h.id, w)
    if warned:
        shown = first_and_more(warned, 8)
        log.info(
            "terrain: %d of %d heaps have warnings (%s); each is listed in manifest.json "
            "'warnings' and the 'assumptions' column of results.csv (and logged with -v)",
            len(warned),
            len(heaps),
            shown,
        )


def run_warnings(heaps, terrains: dict, meta, *more: Sequence[str]) -> list[str]:
    """Every warning of a run, once each, for the manifest's ``warnings`` list.

    Parameters
    ----------
    heaps, terrains : the run's heaps and their terrain (warnings prefixed ``heap <id>:``).
    meta : weather metadata (its ``warnings``).
    more : further lists (registry warnings, station distance) in the order given.
    """
    out = [str(w) for w in getattr(meta, "warnings", None) or []]
    for lst in more:
        out.extend(str(w) for w in lst)
    for h in heaps:
        out.extend(f"heap {h.id}: {w}" for w in terrains[h.id].warnings)
    return list(dict.fromkeys(out))
