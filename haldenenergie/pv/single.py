"""One surface, step by step: the vectorised engine's series, and a plain pvlib ModelChain.

:func:`surface_energy` runs the same kernel as :func:`~haldenenergie.pv.simulate.simulate_pv`
for one surface and returns its energy per weather step. :func:`modelchain_energy` computes the
same unshaded surface the plain way, with one pvlib ``ModelChain`` (PVWatts DC/AC, same Perez,
IAM, temperature model and losses); without shading and horizon both agree to < 0.1 %
(tests/pv/test_single.py), which is the reference check of the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
from numpy.typing import ArrayLike

from ..errors import ConfigError
from .config import PVConfig
from .inputs import check_weather, interval_step
from .layout import N_HORIZON, cross_axis_slope, horizon_matrix, plan_layout, rack_gcr_on_slope
from .model import geometry_from_plan, run

_SERIES_NAME = "ac_energy_kwh_per_kwp"


def _force_layout(
    plan: pd.DataFrame,
    layout: str | None,
    kind: str,
    surface_tilt: float,
    surface_azimuth: float,
    cfg: PVConfig,
) -> None:
    """Overwrite the one-row ``plan`` in place with a forced "follow" or "rack" layout."""
    if layout == "follow":
        plan.loc[:, ["layout", "module_tilt_deg", "module_azimuth_deg", "cross_axis_slope_deg"]] = [
            "follow",
            float(surface_tilt),
            float(surface_azimuth) % 360,
            0.0,
        ]
    elif layout == "rack":
        cross = 0.0 if kind == "plateau" else float(cross_axis_slope(surface_tilt, surface_azimuth))
        gcr = rack_gcr_on_slope(cfg.plateau_tilt_deg, cross, cfg.plateau_gcr)
        columns = [
            "layout",
            "module_tilt_deg",
            "module_azimuth_deg",
            "cross_axis_slope_deg",
            "gcr_horizontal",
        ]
        plan.loc[:, columns] = [
            "rack",
            cfg.plateau_tilt_deg,
            180.0,
            cross,
            float(np.clip(gcr, 1e-3, cfg.rack_gcr_max)),
        ]
    elif layout is not None:
        raise ConfigError(
            f"pv: layout = {layout!r} is not allowed; choose None, 'follow' or 'rack'"
        )


def surface_energy(
    data: pd.DataFrame,
    meta,
    cfg: PVConfig | None = None,
    *,
    surface_tilt: float,
    surface_azimuth: float,
    kind: str = "flank",
    layout: str | None = None,
    horizon_deg: ArrayLike | None = None,
) -> pd.Series:
    """AC energy per kWp of one surface for every weather step [kWh kWp-1].

    Parameters
    ----------
    data, meta : weather (as for :func:`~haldenenergie.pv.simulate.simulate_pv`).
    cfg : PVConfig.
    surface_tilt, surface_azimuth : ground slope and aspect of the surface [deg].
    kind : "plateau" or "flank" (layout rules of :func:`~haldenenergie.pv.layout.plan_layout`).
    layout : None to apply the rules; "follow" forces modules in the ground plane (tilt =
        slope, azimuth = aspect, no row shading); "rack" forces south racks on that ground.
    horizon_deg : 36 horizon elevations [deg] at azimuth 0..350, or None (flat horizon).

    Returns
    -------
    Series indexed like ``data``: AC energy per kWp DC in each step [kWh kWp-1]; its sum over a
    full year is the specific yield [kWh kWp-1 a-1]. Zero while the sun is below the horizon.

    Raises
    ------
    ConfigError : ``layout`` is not None, "follow" or "rack", or ``cfg`` is inconsistent.
    """
    cfg = cfg or PVConfig()
    cfg.check("pv config")
    row = pd.DataFrame(
        {
            "kind": [kind],
            "surface_tilt_deg": [float(surface_tilt)],
            "surface_azimuth_deg": [float(surface_azimuth)],
        }
    )
    plan = plan_layout(row, cfg)
    _force_layout(plan, layout, kind, surface_tilt, surface_azimuth, cfg)
    if plan["layout"].iloc[0] == "none":
        check_weather(data)
        return pd.Series(0.0, index=data.index, name=_SERIES_NAME)
    horizon = (
        np.zeros((1, N_HORIZON))
        if horizon_deg is None
        else horizon_matrix(
            pd.DataFrame({"surface_class": ["surface"], "horizon_deg": [horizon_deg]})
        )
    )
    res = run(geometry_from_plan(plan, horizon), data, meta, cfg, keep_series=True)
    out = np.zeros(len(data))
    out[res["day"]] = res["energy"][:, 0]
    return pd.Series(out, index=data.index, name=_SERIES_NAME)


def _modelchain(meta, cfg: PVConfig, surface_tilt: float, surface_azimuth: float):
    """Build the ModelChain of one 1 kWp surface: PVWatts DC/AC, ``cfg``'s models and losses."""
    loc = pvlib.location.Location(
        meta.latitude,
        meta.longitude,
        tz="UTC",
        altitude=float(getattr(meta, "elevation_m", 0.0) or 0.0),
    )
    system = pvlib.pvsystem.PVSystem(
        surface_tilt=surface_tilt,
        surface_azimuth=surface_azimuth,
        albedo=cfg.albedo,
        module_parameters={"pdc0": 1.0, "gamma_pdc": cfg.gamma_pdc},
        inverter_parameters={
            "pdc0": 1.0 / cfg.dc_ac_ratio / cfg.inverter_eta_nom,
            "eta_inv_nom": cfg.inverter_eta_nom,
        },
        temperature_model_parameters=cfg.temperature_parameters(),
        losses_parameters=cfg.loss_parameters(),
    )
    return pvlib.modelchain.ModelChain(
        system,
        loc,
        dc_model="pvwatts",
        ac_model="pvwatts",
        aoi_model=cfg.iam_model,
        spectral_model="no_loss",
        temperature_model=cfg.temperature_model if cfg.temperature_model == "faiman" else "sapm",
        losses_model="pvwatts",
        transposition_model=cfg.transposition_model,
    )


def modelchain_energy(
    data: pd.DataFrame,
    meta,
    cfg: PVConfig | None = None,
    *,
    surface_tilt: float,
    surface_azimuth: float,
) -> pd.Series:
    """The same unshaded surface computed the plain way: one pvlib ``ModelChain``.

    Reference and benchmark path (tests/pv/test_single.py, benchmarks/bench_pv.py): PVWatts DC
    and AC, ``cfg``'s transposition, IAM, temperature model, albedo and PVWatts losses; no row
    shading, no terrain horizon. The weather index is shifted to the interval middle before the
    run, as the vectorised engine does for the sun position.

    Parameters
    ----------
    data, meta : weather (as for :func:`~haldenenergie.pv.simulate.simulate_pv`).
    cfg : PVConfig.
    surface_tilt, surface_azimuth : module tilt and azimuth [deg].

    Returns
    -------
    Series indexed like ``data``: AC energy per kWp in each step [kWh kWp-1].
    """
    cfg = cfg or PVConfig()
    check_weather(data)
    step = interval_step(data.index)
    weather = data.copy()
    weather.index = data.index + step / 2
    mc = _modelchain(meta, cfg, surface_tilt, surface_azimuth)
    mc.run_model(weather)
    ac = np.nan_to_num(np.asarray(mc.results.ac, float), nan=0.0)
    return pd.Series(ac * step / pd.Timedelta(hours=1), index=data.index, name=_SERIES_NAME)


__all__ = ["modelchain_energy", "surface_energy"]
