"""The vectorised PV kernel: irradiance, shading, IAM, cell temperature and AC power.

All quantities are 2-D arrays (daytime steps T x surfaces S), processed in blocks of
``PVConfig.chunk_surfaces`` surfaces:

1. Transposition (:func:`transposed_irradiance`): pvlib Perez (Perez et al. 1990), Hay-Davies or
   isotropic sky diffuse with components, beam from the angle of incidence, ground reflection
   with ``albedo``.
2. Shading (:func:`shading_factors`): terrain horizon (beam and circumsolar blocked while the sun
   is below the horizon at its azimuth; isotropic sky and horizon band scaled by the plane's
   sky-view factor under the horizon profile) and row self-shading of racks (beam and
   circumsolar: ``pvlib.shading.shaded_fraction1d`` with the cross-axis ground slope, Anderson &
   Jensen 2024; sky diffuse: 2-D view factor past the row in front, Marion et al. 2017).
3. Incidence angle modifier on the beam (pvlib ``iam``; optionally Marion's diffuse IAM).
4. Cell temperature (pvlib ``faiman``, Faiman 2008, or ``sapm_cell``, King et al. 2004), PVWatts
   DC with ``gamma_pdc``, PVWatts itemised losses, PVWatts inverter with ``dc_ac_ratio`` and
   ``inverter_eta_nom`` (Dobos 2014).

References
----------
Dobos, A. P. (2014): PVWatts Version 5 Manual. NREL/TP-6A20-62641. doi:10.2172/1158421.
Perez, R. et al. (1990): Modeling daylight availability and irradiance components from direct
and global irradiance. Solar Energy 44(5), 271-289.
Faiman, D. (2008): Assessing the outdoor operating temperature of photovoltaic modules.
Progress in Photovoltaics 16(4), 307-315.
King, D. L.; Boyson, W. E.; Kratochvil, J. A. (2004): Photovoltaic Array Performance Model.
SAND2004-3535, Sandia National Laboratories.
Anderson, K. S.; Jensen, A. R. (2024): Shaded fraction and backtracking in single-axis trackers
on rolling terrain. J. Renewable Sustainable Energy 16, 023504.
Marion, B. et al. (2017): A practical irradiance model for bifacial PV modules. IEEE PVSC 44.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from .config import PVConfig
from .fused import (
    cos_incidence,
    perez_components,
    perez_hourly,
    physical_iam,
    plane_normals,
    sun_vectors,
)
from .inputs import month_matrix, prepare
from .layout import horizon_sky_view_factor, interp_horizon, row_sky_view_factor


@dataclass
class Geometry:
    """Per-surface inputs of the kernel, numpy arrays of length S."""

    tilt: np.ndarray  # module tilt [deg]
    azimuth: np.ndarray  # module azimuth, clockwise from north [deg]
    rack: np.ndarray  # bool: row shading applies
    cross_slope: np.ndarray  # ground slope across the rows [deg]
    gcr_h: np.ndarray  # collector width / horizontal pitch [-]
    horizon: np.ndarray  # (S, 36) horizon elevation [deg]

    def __getitem__(self, sl: slice) -> Geometry:
        """The surfaces ``sl`` (a block of the vectorised run)."""
        return Geometry(
            self.tilt[sl],
            self.azimuth[sl],
            self.rack[sl],
            self.cross_slope[sl],
            self.gcr_h[sl],
            self.horizon[sl],
        )


def geometry_from_plan(plan: pd.DataFrame, horizon: np.ndarray) -> Geometry:
    """Kernel geometry of the rows of a :func:`~haldenenergie.pv.layout.plan_layout` table."""
    return Geometry(
        plan["module_tilt_deg"].to_numpy(float),
        plan["module_azimuth_deg"].to_numpy(float),
        (plan["layout"] == "rack").to_numpy(),
        plan["cross_axis_slope_deg"].to_numpy(float),
        np.where(plan["layout"] == "rack", plan["gcr_horizontal"], 1.0).astype(float),
        horizon,
    )


def hourly_terms(wx: dict, sun: dict, cfg: PVConfig) -> dict:
    """What the kernel needs per daytime step only, computed once per run.

    Returns
    -------
    dict: sun_vec (T, 3) sun unit vectors [-] (:func:`~haldenenergie.pv.fused.sun_vectors`) and,
    for the Perez transposition, perez (three (T,) arrays of
    :func:`~haldenenergie.pv.fused.perez_hourly`) [W m-2].
    """
    out = {"sun_vec": sun_vectors(sun["zenith"], sun["azimuth"])}
    if cfg.transposition_model == "perez":
        out["perez"] = perez_hourly(
            wx["dhi"],
            wx["dni"],
            sun["dni_extra"],
            sun["zenith"],
            sun["airmass"],
            cfg.perez_model_set,
        )
    return out


def _sky_diffuse(geo: Geometry, cos_aoi, wx: dict, sun: dict, cfg: PVConfig, hourly) -> tuple:
    """(isotropic, circumsolar, horizon band) sky diffuse on the plane [W m-2]."""
    if cfg.transposition_model == "perez":
        return perez_components(hourly["perez"], cos_aoi, geo.tilt)
    tilt, az = geo.tilt[None, :], geo.azimuth[None, :]
    zen, azi = sun["zenith"][:, None], sun["azimuth"][:, None]
    dni, dhi = wx["dni"][:, None], wx["dhi"][:, None]
    if cfg.transposition_model == "haydavies":
        comp = pvlib.irradiance.haydavies(
            tilt, az, dhi, dni, sun["dni_extra"][:, None], zen, azi, return_components=True
        )
        return comp["poa_isotropic"], comp["poa_circumsolar"], 0.0
    return pvlib.irradiance.isotropic(tilt, dhi), 0.0, 0.0


def transposed_irradiance(
    geo: Geometry, wx: dict, sun: dict, cfg: PVConfig, hourly: dict | None = None
) -> dict:
    """Unshaded plane-of-array components of S surfaces on T daytime steps.

    Parameters
    ----------
    geo : Geometry of S surfaces.
    wx, sun : daytime weather and sun arrays of :func:`haldenenergie.pv.inputs.prepare`.
    cfg : PVConfig (transposition_model, perez_model_set, albedo).
    hourly : :func:`hourly_terms` of ``wx`` and ``sun`` (computed if None).

    Returns
    -------
    dict of (T, S) arrays: cos_aoi [-] (one matrix product, used for beam, Perez and IAM),
    beam, iso, circ, hor (sky diffuse: isotropic, circumsolar, horizon band), ground [W m-2].
    """
    hourly = hourly if hourly is not None else hourly_terms(wx, sun, cfg)
    cos_aoi = cos_incidence(hourly["sun_vec"], plane_normals(geo.tilt, geo.azimuth))
    beam = wx["dni"][:, None] * np.maximum(cos_aoi, 0.0)
    iso, circ, hor = _sky_diffuse(geo, cos_aoi, wx, sun, cfg, hourly)
    # Perez gives NaN where dhi = 0 (undefined sky clearness); no diffuse then.
    no_dhi = ~(wx["dhi"] > 0)[:, None]
    iso, circ, hor = (
        np.where(no_dhi, 0.0, x)
        if no_dhi.any() and cfg.transposition_model != "perez"
        else np.broadcast_to(np.asarray(x, float), cos_aoi.shape)
        for x in (iso, circ, hor)
    )
    ground = pvlib.irradiance.get_ground_diffuse(geo.tilt, 1.0, albedo=cfg.albedo)
    ground = wx["ghi"][:, None] * np.asarray(ground, float)[None, :]
    return {
        "cos_aoi": cos_aoi,
        "beam": beam,
        "iso": iso,
        "circ": circ,
        "hor": hor,
        "ground": ground,
    }


def _row_shaded_fraction(geo: Geometry, r: np.ndarray, sun: dict, cfg: PVConfig) -> np.ndarray:
    """(T, R) shaded fraction of the rack surfaces ``r`` by the row in front [-]."""
    zen, azi = sun["zenith"][:, None], sun["azimuth"][:, None]
    width = cfg.collector_width_m
    fs = pvlib.shading.shaded_fraction1d(
        zen,
        azi,
        90.0,
        geo.tilt[None, r],
        collector_width=width,
        pitch=width / geo.gcr_h[None, r],
        cross_axis_slope=geo.cross_slope[None, r],
    )
    psz = pvlib.shading.projected_solar_zenith_angle(zen, azi, 0.0, 90.0)
    return np.where(psz > 0, fs, 0.0)  # sun behind the rows: no front-row shadow on the face


def shading_factors(
    geo: Geometry, sun: dict, cfg: PVConfig, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Share of beam-like and of isotropic sky irradiance that reaches the modules.

    Parameters
    ----------
    geo : Geometry of S surfaces.
    sun : daytime sun arrays of :func:`haldenenergie.pv.inputs.prepare`.
    cfg : PVConfig (terrain_horizon, row_shading, collector width).
    shape : (T, S).

    Returns
    -------
    beam_factor : (T, S) [-], applied to beam and circumsolar diffuse.
    sky_factor : (S,) [-], applied to isotropic sky and horizon band.
    """
    beam_factor = np.ones(shape)
    sky_factor = np.ones(len(geo.tilt))
    if cfg.terrain_horizon and np.any(geo.horizon != 0):
        hz = interp_horizon(geo.horizon, sun["azimuth"]).T  # (T, S)
        beam_factor = beam_factor * (sun["elevation"][:, None] > hz)
        sky_factor = sky_factor * horizon_sky_view_factor(geo.tilt, geo.azimuth, geo.horizon)
    if cfg.row_shading and np.any(geo.rack):
        r = np.flatnonzero(geo.rack)
        beam_factor[:, r] *= 1.0 - _row_shaded_fraction(geo, r, sun, cfg)
        sky_factor[r] *= row_sky_view_factor(geo.tilt[r], geo.cross_slope[r], geo.gcr_h[r])
    return beam_factor, sky_factor


def iam_factor(aoi: np.ndarray, cfg: PVConfig) -> np.ndarray:
    """Incidence angle modifier of ``cfg.iam_model`` at angles of incidence ``aoi`` [deg]."""
    if cfg.iam_model == "no_loss":
        return np.ones_like(aoi)
    fn = getattr(pvlib.iam, cfg.iam_model)
    return np.nan_to_num(fn(aoi), nan=0.0)


def iam_from_cos(cos_aoi: np.ndarray, cfg: PVConfig) -> np.ndarray:
    """Incidence angle modifier of ``cfg.iam_model`` from the cosine of incidence [-].

    ``physical`` (the default) is evaluated from the cosine itself
    (:func:`~haldenenergie.pv.fused.physical_iam`); the other models through
    :func:`iam_factor` at the angle.
    """
    if cfg.iam_model == "physical":
        return physical_iam(cos_aoi)
    return iam_factor(np.degrees(np.arccos(cos_aoi)), cfg)


def _effective_irradiance(
    poa_direct: np.ndarray,
    poa_sky: np.ndarray,
    ground: np.ndarray,
    cos_aoi: np.ndarray,
    tilt: np.ndarray,
    cfg: PVConfig,
) -> np.ndarray:
    """Irradiance the cells convert [W m-2]: IAM on the beam (and on diffuse if configured)."""
    if cfg.iam_model == "no_loss":
        return poa_direct + poa_sky + ground
    direct = poa_direct * iam_from_cos(cos_aoi, cfg)
    if cfg.diffuse_iam:
        d = pvlib.iam.marion_diffuse(cfg.iam_model, tilt)
        return direct + poa_sky * d["sky"][None, :] + ground * d["ground"][None, :]
    return direct + poa_sky + ground


def ac_power(effective: np.ndarray, poa_global: np.ndarray, wx: dict, cfg: PVConfig) -> np.ndarray:
    """AC power per kW DC [kW kWp-1] from effective and global plane-of-array irradiance [W m-2].

    Cell temperature (Faiman or SAPM, from ``poa_global``, air temperature and wind), PVWatts DC
    with ``gamma_pdc``, PVWatts losses, PVWatts inverter (AC rating 1 / dc_ac_ratio).
    """
    temp_air, wind = wx["temp_air"][:, None], wx["wind_speed"][:, None]
    tp = cfg.temperature_parameters()
    if cfg.temperature_model == "faiman":
        tcell = pvlib.temperature.faiman(poa_global, temp_air, wind, **tp)
    else:
        tcell = pvlib.temperature.sapm_cell(poa_global, temp_air, wind, **tp)
    pdc = pvlib.pvsystem.pvwatts_dc(effective, tcell, 1.0, cfg.gamma_pdc) * (
        1 - cfg.total_loss_fraction
    )
    return pvlib.inverter.pvwatts(
        pdc, 1.0 / cfg.dc_ac_ratio / cfg.inverter_eta_nom, eta_inv_nom=cfg.inverter_eta_nom
    )


def kernel(
    geo: Geometry,
    wx: dict,
    sun: dict,
    cfg: PVConfig,
    months: np.ndarray,
    keep_series: bool = False,
    hourly: dict | None = None,
) -> dict:
    """AC energy per kWp of S surfaces on the daytime steps (2-D arrays T x S).

    Parameters
    ----------
    geo : Geometry of S surfaces.
    wx, sun : daytime weather and sun arrays of :func:`haldenenergie.pv.inputs.prepare`.
    cfg : PVConfig.
    months : (12, T) month indicator matrix (:func:`haldenenergie.pv.inputs.month_matrix`).
    keep_series : also return the (T, S) energy per step.
    hourly : :func:`hourly_terms` of ``wx`` and ``sun`` (computed if None; :func:`run` computes
        it once for all blocks).

    Returns
    -------
    dict: monthly (12, S) [kWh kWp-1], poa (S,) plane-of-array irradiation after shading and
    horizon [kWh m-2], poa_unshaded (S,) [kWh m-2], poa_shading_loss (S,) the part of
    poa_unshaded taken by rows and horizon [kWh m-2], and with ``keep_series`` energy (T, S)
    [kWh kWp-1 per step].
    """
    step_h = sun["step_h"]
    irr = transposed_irradiance(geo, wx, sun, cfg, hourly)
    beam, iso, circ, hor, ground = (irr[k] for k in ("beam", "iso", "circ", "hor", "ground"))
    beam_factor, sky_factor = shading_factors(geo, sun, cfg, irr["cos_aoi"].shape)
    iso_hor = iso + hor
    poa_direct = beam * beam_factor
    poa_sky = iso_hor * sky_factor[None, :] + circ * beam_factor
    poa_global = poa_direct + poa_sky + ground
    eff = _effective_irradiance(poa_direct, poa_sky, ground, irr["cos_aoi"], geo.tilt, cfg)
    energy = ac_power(eff, poa_global, wx, cfg) * step_h  # kWh per kWp and step
    to_kwh = step_h / 1000.0
    unshaded = sum(x.sum(axis=0) for x in (beam, iso, circ, hor, ground))
    # irradiation the rows and the horizon take away: exactly 0 where nothing is shaded
    lost = ((beam + circ) * (1.0 - beam_factor)).sum(axis=0) + iso_hor.sum(axis=0) * (
        1.0 - sky_factor
    )
    out = {
        "monthly": months @ energy,  # (12, S) kWh/kWp
        "poa": poa_global.sum(axis=0) * to_kwh,  # kWh m-2
        "poa_unshaded": unshaded * to_kwh,
        "poa_shading_loss": lost * to_kwh,
    }
    if keep_series:
        out["energy"] = energy
    return out


def run(geo: Geometry, data: pd.DataFrame, meta, cfg: PVConfig, keep_series: bool = False) -> dict:
    """The kernel over all surfaces of ``geo`` in blocks of ``cfg.chunk_surfaces``.

    Parameters
    ----------
    geo : Geometry of S surfaces.
    data, meta : weather DataFrame and WeatherMeta (:func:`haldenenergie.pv.inputs.prepare`).
    cfg : PVConfig.
    keep_series : also return the (T, S) daytime energy per step.

    Returns
    -------
    dict as :func:`kernel` for all S surfaces, plus day (the (N,) daytime mask of ``data``).
    """
    wx, sun, mid, day = prepare(data, meta)
    mm = month_matrix(mid, day)
    n = len(geo.tilt)
    keys = ("poa", "poa_unshaded", "poa_shading_loss")
    res = {"monthly": np.zeros((12, n)), **{k: np.zeros(n) for k in keys}}
    if keep_series:
        res["energy"] = np.zeros((int(day.sum()), n))
    hourly = hourly_terms(wx, sun, cfg)
    step = max(1, int(cfg.chunk_surfaces))
    for i0 in range(0, n, step):
        sl = slice(i0, min(n, i0 + step))
        out = kernel(geo[sl], wx, sun, cfg, mm, keep_series, hourly)
        res["monthly"][:, sl] = out["monthly"]
        for k in keys:
            res[k][sl] = out[k]
        if keep_series:
            res["energy"][:, sl] = out["energy"]
    res["day"] = day
    return res


__all__ = [
    "Geometry",
    "ac_power",
    "geometry_from_plan",
    "hourly_terms",
    "iam_factor",
    "iam_from_cos",
    "kernel",
    "run",
    "shading_factors",
    "transposed_irradiance",
]
