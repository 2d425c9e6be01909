"""Calibration of the synthetic year: monthly statistics of a canonical hourly year (the TRY).

:func:`calibration_from_series` computes them, :func:`write_calibration` stores them as JSON with
their source, :func:`load_calibration` reads the packaged document
(``haldenenergie/data/weather_calibration_essen_try2015.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ...resources import data_path
from ..model import WeatherMeta
from .processes import (
    daily_kt,
    hourly_kt,
    normal_scores,
    smooth_monthly,
    smoothed_ar1_corr,
)

CALIBRATION_FILE = "weather_calibration_essen_try2015.json"
#: Probabilities at which the monthly k_t' quantile functions are stored (every 2.5 %).
KT_QUANTILE_PROBS = np.linspace(0.0, 1.0, 41)


def _solve_latent_month(r1: float, var_d: float, nh: int) -> tuple[float, float]:
    """(a², p) of one month from the lag-1 correlation ``r1`` and the daily-mean variance."""
    from scipy import optimize

    lags = np.abs(np.subtract.outer(np.arange(nh), np.arange(nh)))

    def a2_of(p):
        r = 2.0 * p / (1.0 + p * p)
        return (r1 - r) / (1.0 - r)

    def miss(p):
        a2 = a2_of(p)
        return a2 + (1.0 - a2) * float(smoothed_ar1_corr(p, lags).mean()) - var_d

    p_max = optimize.brentq(lambda p: 2.0 * p / (1.0 + p * p) - r1, 0.0, 0.9999)
    p = p_max  # no exact solution: no daily factor, p from the lag-1 alone
    if miss(0.0) * miss(p_max - 1e-9) < 0:
        p = optimize.brentq(miss, 0.0, p_max - 1e-9)
    return float(np.clip(a2_of(p), 0.0, 1.0)), float(p)


def fit_kt_latent(z: np.ndarray, index: pd.DatetimeIndex) -> dict[str, list | float]:
    """Per month: share a² of a daily latent factor and root p of the hourly latent process.

    The generator's latent Gaussian score of an hour is ``a z_day + sqrt(1 − a²) y_hour`` with
    ``y`` a unit-variance AR(1) filtered twice with the same root ``p`` (a smooth process). a² and p
    are solved so that (i) the hour-to-hour correlation of the scores (both hours in daylight) and
    (ii) the variance of their daily mean (over the month's mean number of daylight hours) equal the
    sample's. ``z_day`` is AR(1); its lag-1 is the lag-1 covariance of the daily mean scores
    divided by the mean a².
    """
    month = index.month.to_numpy()
    day = index.normalize()
    ser = pd.Series(z, index)
    dmean = ser.groupby(day).mean()
    dcount = ser.groupby(day).count()
    ok = ~np.isnan(z[:-1]) & ~np.isnan(z[1:])
    a2s, ps = [], []
    for m in range(1, 13):
        sel = ok & (month[:-1] == m)
        r1 = float(np.corrcoef(z[:-1][sel], z[1:][sel])[0, 1])
        var_d = float(dmean[dmean.index.month == m].dropna().var())
        nh = round(float(dcount[dcount.index.month == m].mean()))
        a2, p = _solve_latent_month(r1, var_d, nh)
        a2s.append(a2)
        ps.append(p)
    d = dmean.dropna()
    consecutive = (d.index[1:] - d.index[:-1]) == pd.Timedelta(days=1)
    cov = float(np.mean((d.to_numpy()[:-1] * d.to_numpy()[1:])[consecutive]))
    lag1 = float(np.clip(cov / np.mean(a2s), 0.0, 0.95))
    return {"a2": a2s, "p": ps, "daily_lag1": lag1}


def _hourly_temp_residual(temp, curve, a, dm, dk, slope) -> dict[str, Any]:
    """What the generator's deterministic temperature parts leave: AR(1) with monthly std.

    The parts are the seasonal curve, the daily anomaly interpolated between noons and the
    diurnal profile scaled by the day's clearness.
    """
    day = temp.index.normalize()
    hm = temp.index.month.to_numpy() - 1
    n = len(temp)
    dpos = np.repeat(np.arange(len(a)), 24)[:n]
    anom = np.interp(np.arange(n), np.arange(len(a)) * 24 + 12.0, a.to_numpy())
    tday = temp.groupby(day).mean()
    prof = (temp - tday.reindex(day).to_numpy()).groupby([hm, temp.index.hour]).mean().unstack()
    scale = np.clip(1.0 + np.asarray(slope)[dm] * dk, 0.2, 2.5)
    resid = (
        temp.to_numpy()
        - curve.to_numpy()
        - anom
        - prof.to_numpy()[hm, temp.index.hour] * scale[dpos]
    )
    return {
        "hourly_sd": [float(resid[hm == m].std()) for m in range(12)],
        "hourly_lag1": float(np.corrcoef(resid[:-1], resid[1:])[0, 1]),
    }


def fit_temp_arx(temp: pd.Series, kd: pd.Series, tmean_monthly: ArrayLike) -> dict[str, Any]:
    """Daily temperature anomaly as ARX: A_d = ρ A_(d−1) + β_m (K_d − K̄_m) + σ_m ε_d.

    A_d is the daily mean temperature minus the smooth seasonal curve through the monthly means
    (:func:`~haldenenergie.weather.synth.processes.smooth_monthly`); K_d the daily clearness index,
    K̄_m its monthly mean. ρ is common, β_m [K per unit K_d] and the residual standard deviation
    σ_m [K] are per month (ordinary least squares over all days). Also: the slope s_m of the
    diurnal range against K_d and the hourly residual (:func:`_hourly_temp_residual`).
    """
    curve = pd.Series(smooth_monthly(np.asarray(tmean_monthly, float), temp.index), temp.index)
    day = temp.index.normalize()
    a = (temp - curve).groupby(day).mean()
    kd = kd.reindex(a.index)
    dm = a.index.month.to_numpy() - 1
    dk = (kd - kd.groupby(dm).transform("mean")).to_numpy()
    y = a.to_numpy()[1:]
    x = np.column_stack(
        [a.to_numpy()[:-1]] + [np.where(dm[1:] == m, dk[1:], 0.0) for m in range(12)]
    )
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    res = y - x @ coef
    sd = [float(res[dm[1:] == m].std(ddof=13 / 12)) for m in range(12)]
    # diurnal amplitude vs clearness, per month: range_d / mean range_m = 1 + s_m (K_d − K̄_m)
    trange = temp.groupby(day).max() - temp.groupby(day).min()
    rr = (trange / trange.groupby(dm).transform("mean")).to_numpy() - 1.0
    slope = [float(np.polyfit(dk[dm == m], rr[dm == m], 1)[0]) for m in range(12)]
    return {
        "lag1": float(coef[0]),
        "beta": [float(b) for b in coef[1:]],
        "sd": sd,
        "range_slope": slope,
        **_hourly_temp_residual(temp, curve, a, dm, dk, slope),
    }


def _lag1(s) -> float:
    s = np.asarray(s, float)
    return float(np.corrcoef(s[:-1], s[1:])[0, 1])


def _r(x, nd: int) -> list[float]:
    return [round(float(v), nd) for v in x]


def _temperature_stats(d: pd.DataFrame, kt: pd.DataFrame) -> dict[str, Any]:
    """Monthly means, daily anomalies, diurnal profile and range-vs-clearness slope."""
    month, hour, day = d.index.month, d.index.hour, d.index.normalize()
    kmon = kt.index.month
    tday = d["temp_air"].groupby(day).mean()
    trange = d["temp_air"].groupby(day).max() - d["temp_air"].groupby(day).min()
    tm = d["temp_air"].groupby(month).mean()
    t_anom = tday - tm.reindex(tday.index.month).to_numpy()
    # diurnal temperature profile: mean of (T - daily mean) by month and UTC hour
    tdev = d["temp_air"] - tday.reindex(day).to_numpy()
    tprof = tdev.groupby([month, hour]).mean().unstack()
    # range vs clearness: range_d / mean range_m = 1 + b (K_d - K_m)
    rr = trange / trange.groupby(trange.index.month).transform("mean")
    dk = kt["kt"] - kt["kt"].groupby(kmon).transform("mean")
    slope = float(np.polyfit(dk.to_numpy(), rr.to_numpy() - 1.0, 1)[0])
    return {
        "temp_air_mean_c": _r(tm, 3),
        "temp_daily_std_c": _r(t_anom.groupby(t_anom.index.month).std(), 3),
        "temp_daily_lag1": round(_lag1(t_anom), 4),
        "temp_range_kt_slope": round(slope, 3),
        "temp_diurnal_profile_c": [_r(row, 3) for row in tprof.to_numpy()],
        "_tm": tm,
    }


def _wind_stats(d: pd.DataFrame) -> dict[str, Any]:
    """Diurnal factor by month/hour, Weibull k of de-diurnalised speeds, latent lag-1."""
    from scipy import stats

    month, hour = d.index.month, d.index.hour
    w = d["wind_speed"]
    wprof = w.groupby([month, hour]).mean().unstack()
    wprof = wprof.div(wprof.mean(axis=1), axis=0)
    wd = w / wprof.to_numpy()[month - 1, hour]
    k = []
    for m in range(1, 13):
        x = wd[month == m]
        cv = x.std() / x.mean()
        k.append(float(cv**-1.086))  # Justus et al. (1978) method of moments
    ranks = wd.groupby(month).rank(method="average")
    n = wd.groupby(month).transform("count")
    z = stats.norm.ppf(ranks / (n + 1))
    return {
        "wind_mean_m_s": _r(w.groupby(month).mean(), 4),
        "wind_weibull_k": _r(k, 3),
        "wind_latent_lag1": round(float(np.corrcoef(z[:-1], z[1:])[0, 1]), 4),
        "wind_diurnal_factor": [_r(row, 4) for row in wprof.to_numpy()],
    }


def _pressure_direction_stats(d: pd.DataFrame) -> dict[str, Any]:
    month, day = d.index.month, d.index.normalize()
    pday = d["pressure"].groupby(day).mean()
    pm = d["pressure"].groupby(month).mean()
    p_anom = pday - pm.reindex(pday.index.month).to_numpy()
    sect = ((d["wind_direction"].dropna() + 15.0) % 360 // 30).astype(int)
    freq = np.bincount(sect, minlength=12) / len(sect)
    return {
        "pressure_mean_pa": _r(pm, 1),
        "pressure_daily_std_pa": round(float(p_anom.std()), 1),
        "pressure_daily_lag1": round(_lag1(p_anom), 4),
        "wind_direction_sector_freq": _r(freq, 4),
    }


def _clearness_stats(d: pd.DataFrame, hk: dict) -> dict[str, Any]:
    """Hourly clearness: zenith-independent k_t' quantiles per month, latent correlation."""
    month = d.index.month
    ktp = np.where(hk["day"], hk["kt"] / hk["ktp_factor"], np.nan)
    ktp_q = [np.quantile(ktp[(month == m) & hk["day"]], KT_QUANTILE_PROBS) for m in range(1, 13)]
    latent = fit_kt_latent(normal_scores(ktp, month.to_numpy()), d.index)
    kt_day = pd.Series(np.where(hk["day"], hk["kt"], np.nan), d.index)
    kt_q = kt_day.groupby(month).quantile([0.1, 0.5, 0.9]).unstack()
    return {
        "kt_prime_probabilities": _r(KT_QUANTILE_PROBS, 3),
        "kt_prime_quantiles": [_r(q, 4) for q in ktp_q],
        "kt_latent_daily_share": _r(latent["a2"], 4),
        "kt_latent_hourly_root": _r(latent["p"], 4),
        "kt_latent_daily_lag1": round(latent["daily_lag1"], 4),
        "kt_hourly_q10_q50_q90": [_r(row, 4) for row in kt_q.to_numpy()],
    }


def _temp_model_stats(d: pd.DataFrame, kt: pd.DataFrame, tm: pd.Series) -> dict[str, Any]:
    arx = fit_temp_arx(d["temp_air"], kt["kt"], tm.to_numpy())
    return {
        "temp_anom_lag1": round(arx["lag1"], 4),
        "temp_anom_kt_coef_c": _r(arx["beta"], 3),
        "temp_anom_resid_std_c": _r(arx["sd"], 3),
        "temp_range_kt_slope_monthly": _r(arx["range_slope"], 3),
        "temp_hourly_resid_std_c": _r(arx["hourly_sd"], 3),
        "temp_hourly_resid_lag1": round(arx["hourly_lag1"], 4),
    }


def _reference_figures(d: pd.DataFrame) -> dict[str, Any]:
    """Figures of the source the generator does not use (checked against in the tests)."""
    dni_year = float(d["dni"].sum() / 1000.0) if "dni" in d else None
    dfrac = float(d["dhi"].sum() / d["ghi"].sum()) if "dhi" in d else None
    return {
        "temp_air_min_c": round(float(d["temp_air"].min()), 2),
        "temp_air_max_c": round(float(d["temp_air"].max()), 2),
        "diffuse_fraction": None if dfrac is None else round(dfrac, 4),
        "annual_dni_kwh_m2": None if dni_year is None else round(dni_year, 2),
        "annual_ghi_kwh_m2": round(float(d["ghi"].sum() / 1000.0), 2),
        "annual_mean_temp_air_c": round(float(d["temp_air"].mean()), 3),
        "annual_mean_wind_speed_m_s": round(float(d["wind_speed"].mean()), 4),
    }


def calibration_from_series(data: pd.DataFrame, meta: WeatherMeta) -> dict[str, Any]:
    """Monthly statistics of a canonical hourly year for the generator.

    Parameters
    ----------
    data : DataFrame
        Canonical hourly year (UTC interval starts) with ghi, temp_air, wind_speed, pressure,
        wind_direction.
    meta : WeatherMeta
        Location for the sun position.

    Returns
    -------
    dict with 12-element lists (``ghi_mean_w_m2``, ``kt_daily_mean``, ``kt_daily_std``,
    ``temp_air_mean_c``, ``temp_daily_std_c``, ``temp_diurnal_profile_c`` (12 × 24, by UTC hour),
    ``wind_mean_m_s``, ``wind_weibull_k``, ``wind_diurnal_factor`` (12 × 24), ``pressure_mean_pa``)
    and scalars (``kt_daily_lag1``, ``temp_daily_lag1``, ``temp_range_kt_slope``,
    ``wind_latent_lag1``, ``pressure_daily_std_pa``, ``pressure_daily_lag1``,
    ``wind_direction_sector_freq`` (12 sectors of 30° centred on 0, 30, …), ``annual_ghi_kwh_m2``).
    """
    d = data
    hk = hourly_kt(d.index, d["ghi"], meta.latitude, meta.longitude, meta.elevation_m)
    kt = daily_kt(d, hk["g0"])
    kmon = kt.index.month
    temp = _temperature_stats(d, kt)
    tm = temp.pop("_tm")
    return {
        "ghi_mean_w_m2": _r(d["ghi"].groupby(d.index.month).mean(), 3),
        "kt_daily_mean": _r(kt["kt"].groupby(kmon).mean(), 4),
        "kt_daily_std": _r(kt["kt"].groupby(kmon).std(), 4),
        "kt_daily_lag1": round(_lag1(kt["kt"] - kt["kt"].groupby(kmon).transform("mean")), 4),
        **temp,
        **_wind_stats(d),
        **_pressure_direction_stats(d),
        **_clearness_stats(d, hk),
        **_temp_model_stats(d, kt, tm),
        **_reference_figures(d),
    }


#: Texts of the calibration document besides the statistics.
_DOC_SOURCE = (
    "Deutscher Wetterdienst (DWD) / BBSR: Testreferenzjahr TRY2015, mittleres Jahr, "
    "Essen (grid cell RW 3802500 / HW 2745500, 102 m), Bezugszeitraum 1995-2012; "
    "Quelle: Deutscher Wetterdienst"
)
_DOC_UNITS = {
    "ghi_mean_w_m2": "W m-2",
    "temp": "degC",
    "wind": "m s-1 at 10 m",
    "pressure": "Pa",
    "kt": "-",
    "profiles": "by UTC hour 0..23",
}
_DOC_METHODS = {
    "kt_prime_quantiles": "per month, quantiles at kt_prime_probabilities of Perez's "
    "zenith-independent clearness index k_t' (Perez et al. 1992) of the "
    "hours with the sun above 5 deg",
    "kt_latent_*": "share a2 of the daily factor and root p of the smooth hourly process of "
    "the normal scores of k_t', solved from their hour-to-hour correlation "
    "and daily-mean variance (weather.synth.calibrate.fit_kt_latent)",
    "temp_anom_*": "daily anomaly ARX A_d = lag1 A_(d-1) + coef_m (K_d - mean K_m) + "
    "resid_std_m eps (least squares, weather.synth.calibrate.fit_temp_arx)",
    "temp_hourly_resid_*": "hourly residual of the temperature model on the source, AR(1)",
    "diffuse_fraction, annual_dni_kwh_m2, temp_air_min_c, temp_air_max_c, "
    "kt_hourly_q10_q50_q90": "reference figures of the source (not used by the generator)",
}


def write_calibration(source_path: str | Path, out: str | Path, overwrite: bool = False) -> dict:
    """Compute the calibration statistics from a weather file and write them as JSON with source.

    Parameters
    ----------
    source_path : str or Path
        A full-year weather file in any supported format.
    out : str or Path
        JSON file to write.
    overwrite : bool
        Replace an existing ``out``.

    Returns
    -------
    dict
        The document written.
    """
    from ..._io import check_can_write, write_json
    from ..read import read_weather

    check_can_write(out, overwrite)
    data, meta = read_weather(source_path)
    doc = {
        "description": "Monthly statistics for the synthetic default weather year "
        "(haldenenergie.weather.synth). Derived statistics only; the source file is "
        "not part of the project.",
        "source": _DOC_SOURCE,
        "source_file": Path(source_path).name,
        "source_sha256": meta.sha256,  # read_weather hashed the file already
        "computed_by": "haldenenergie weather calibrate (haldenenergie.weather.synth."
        "calibration_from_series) on the canonical UTC hourly series",
        "time_convention": meta.time_convention,
        "location": {
            "latitude_deg": meta.latitude,
            "longitude_deg": meta.longitude,
            "elevation_m": meta.elevation_m,
            "wind_speed_height_m": meta.wind_speed_height_m,
            "temp_air_height_m": meta.temp_air_height_m,
        },
        "units": dict(_DOC_UNITS),
        "methods": dict(_DOC_METHODS),
        "statistics": calibration_from_series(data, meta),
    }
    write_json(out, doc, overwrite=overwrite)
    return doc


def load_calibration() -> dict[str, Any]:
    """The packaged calibration document (``haldenenergie/data/`` + :data:`CALIBRATION_FILE`)."""
    return json.loads(data_path(CALIBRATION_FILE).read_text("utf-8"))
