"""The embedded default weather: a seeded stochastic typical year for the Ruhr, calibrated to Essen.

The default year in ``<project root>/weather/`` is **synthetic**. It is made by the project's own
generator from monthly statistics that :func:`calibration_from_series` computed from the DWD test
reference year TRY2015 Essen (mean year, 1995–2012; "Quelle: Deutscher Wetterdienst") and that are
stored, with their source, in ``haldenenergie/data/weather_calibration_essen_try2015.json``. The TRY
file itself is not part of the project.

Model (one ``numpy.random.default_rng(seed)`` stream, so a seed gives the same file bit for bit
with the same numpy/scipy/pvlib versions; about 0.1 s per year):

1. **Latent clearness scores.** A Gaussian score per hour, ``z = a·z_day + sqrt(1 − a²)·y``:
   ``z_day`` a daily AR(1) factor, ``y`` a smooth hourly process (white noise filtered twice by
   AR(1) with root p). Per month, a² and p are solved by :func:`_fit_kt_latent` so that the
   hour-to-hour correlation (0.78–0.92) and the variance of the daily mean of the TRY's own
   normal scores are reproduced; the daily lag-1 of ``z_day`` likewise. This is the Gaussian,
   autoregressive core of the TAG model of Aguiar & Collares-Pereira (1992), "TAG: a
   time-dependent, autoregressive, Gaussian model for generating synthetic hourly radiation",
   Solar Energy 49(3), 167–174, with the daily level (their Markov-chain daily K_d of Aguiar,
   Collares-Pereira & Conde 1988, Solar Energy 40(3), 269–279) as a latent factor.
2. **Hourly clearness index by quantile mapping.** TAG's fixed mean curve and its assumed
   variance make k_t unimodal (bunched at 0.3–0.5, v1 of this generator). Instead the scores are
   mapped onto the month's *empirical* distribution of Perez's zenith-independent clearness
   index k_t' = k_t / (1.031 exp(−1.4 / (0.9 + 9.4/AM)) + 0.1) (Perez et al. 1992, the k_t'
   of DIRINT), stored in the calibration as 41 quantiles per month (TRY2015 Essen, sun above
   5°; bimodal: overcast k_t' ≈ 0.15, clear ≈ 0.75). Within a month the daylight hours take the
   quantiles by the rank of their score (the distribution is reproduced exactly, the persistence
   of the latent process is kept); k_t = k_t' × factor(air mass) restores the zenith
   dependence; k_t ≤ ``KT_HOURLY_MAX``.
3. **Diffuse split: DIRINT** (Perez, Ineichen, Maxwell, Seals & Zelenka 1992, "Dynamic
   global-to-direct irradiance conversion models", ASHRAE Trans. 98(1), 354–369) via
   ``pvlib.irradiance.dirint`` with its hour-to-hour stability index and the synthetic
   pressure; DHI = GHI − DNI cos Z, DNI re-derived with the readers' low-sun guard
   (:func:`haldenenergie.weather.dni_from_beam_horizontal`). Chosen because, applied to the
   TRY's own GHI, it reproduces the TRY's split: diffuse fraction 0.5495 vs 0.5494 and DNI
   900 vs 901 kWh m-2 (Erbs 0.561 / 829, Erbs–Driesse 0.561 / 829, Orgill–Hollands 0.560 /
   838, Boland 0.611 / 731, Louche 0.520 / 918, DISC 0.537 / 948; Engerer2 is not in
   pvlib 0.16). Erbs's −8 % DNI comes from too little beam at low sun.
4. **Temperature**: smooth seasonal curve through the monthly means + daily anomaly as ARX,
   ``A_d = ρ A_(d−1) + β_m (K_d − K̄_m) + σ_m ε`` (ρ, β_m, σ_m least squares on the TRY:
   clear days are warmer in summer, β ≈ +11 K per unit K_d, colder in winter, β ≈ −2…−4 K),
   rescaled for the removal of each month's mean (its expected variance share), interpolated
   between noons + the TRY's mean diurnal profile of each month scaled by
   ``1 + s_m (K_d − K̄_m)`` (clear days have a wider range) + an hourly AR(1) residual (monthly
   standard deviation and lag-1 of what these parts leave of the TRY).
5. **Wind speed**: monthly Weibull (shape k from the TRY, method of moments, Justus et al. 1978)
   via a Gaussian copula with an hourly AR(1) latent process (lag-1 correlation of the TRY's
   normal scores), times the TRY's diurnal profile of each month.
6. **Pressure**: monthly means + daily AR(1) anomaly; **wind direction**: the TRY's 12-sector
   frequencies through a persistent latent AR(1) process.
7. **Exact monthly means**: finally GHI, wind speed (scaled) and temperature, pressure (shifted) are
   adjusted so that each month's mean equals the calibration value exactly (GHI factors 0.95–1.07
   for the shipped seed; they are recorded in the file header).

Calibrated (``calibration_from_series``, all from TRY2015 Essen): monthly means of GHI,
temperature, wind, pressure; k_t' quantiles, latent a², p and daily lag-1; temperature ARX
(ρ, β_m, σ_m), diurnal profiles, clearness slope s_m, hourly residual; Weibull k, wind
diurnal factors and persistence, direction sectors. Not calibrated but checked against the TRY
(tests): diffuse fraction, annual DNI, daily clearness statistics, temperature extremes.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import WeatherError
from .weather import (
    ESSEN_TRY_LOCATION,
    WeatherMeta,
    default_weather_path,
    dni_from_beam_horizontal,
    extraterrestrial_dni,
    solar_position,
    write_weather,
)

#: Seed of the shipped default year (any integer reproduces its own year).
DEFAULT_SEED = 20150101
#: Calendar year label of the shipped default (non-leap, like the TRY).
DEFAULT_YEAR = 2015
CALIBRATION_FILE = "weather_calibration_essen_try2015.json"
GENERATOR_VERSION = "haldenenergie.weather_synth v2"

#: Cap of the hourly clearness index k_t (TRY2015 Essen: largest hourly k_t 0.85 with the sun
#: above 5°; the k_t' quantiles already end at the TRY's maxima, the cap guards the final scaling).
KT_HOURLY_MAX = 0.9
#: Hours with the sun higher than 5° (zenith < 85° at the interval middle) make up the k_t
#: distributions (assumption: below, k_t is dominated by horizon and cosine errors).
KT_STATS_MAX_ZENITH_DEG = 85.0
#: Probabilities at which the monthly k_t' quantile functions are stored (every 2.5 %).
KT_QUANTILE_PROBS = np.linspace(0.0, 1.0, 41)
WIND_DIRECTION_LATENT_LAG1 = 0.97  # assumption: hourly persistence of the latent direction process
WIND_SPEED_CAP_M_S = 30.0  # assumption: hourly mean 10 m speeds above this are implausible inland


# ----------------------------------------------------------------------------------------------
# Calibration statistics
# ----------------------------------------------------------------------------------------------
def _daily_kt(data: pd.DataFrame, g0) -> pd.DataFrame:
    """Daily clearness index from hourly GHI and G0h (``g0`` of :func:`_hourly_kt`) [W m-2]."""
    g0 = pd.Series(g0, index=data.index, name="g0")
    day = data.index.normalize()
    g = data["ghi"].groupby(day).sum()
    g0d = g0.groupby(day).sum()
    return pd.DataFrame({"kt": g / g0d, "ghi_wh": g, "g0_wh": g0d})


def _hourly_kt(index: pd.DatetimeIndex, ghi, lat: float, lon: float, elev: float | None):
    """Hourly clearness index k_t = GHI / G0h and Perez's zenith-independent k_t'.

    Returns
    -------
    dict of arrays: ``zenith`` [deg] at the interval middle, ``g0`` (extraterrestrial horizontal
    irradiance [W m-2]), ``e0`` (extraterrestrial normal [W m-2]), ``kt`` (0 where G0 = 0),
    ``ktp_factor`` (k_t / k_t', Perez et al. 1990/1992, as ``pvlib.irradiance``'s DIRINT uses it,
    with the Kasten & Young (1989) relative air mass; zenith capped at 89.5°), ``day`` (sun higher
    than 90° − ``KT_STATS_MAX_ZENITH_DEG``: the hours the distributions are taken over).
    """
    import pvlib

    sp = solar_position(index, lat, lon, elev)
    zen = sp["zenith"].to_numpy()
    e0 = extraterrestrial_dni(index).to_numpy()
    g0 = e0 * np.clip(np.cos(np.radians(zen)), 0.0, None)
    ghi = np.asarray(ghi, float)
    kt = np.where(g0 > 0, ghi / np.where(g0 > 0, g0, 1.0), 0.0)
    am = pvlib.atmosphere.get_relative_airmass(np.minimum(zen, 89.5), model="kastenyoung1989")
    fac = 1.031 * np.exp(-1.4 / (0.9 + 9.4 / am)) + 0.1  # Perez et al. (1992), eq. 1
    return {
        "zenith": zen,
        "g0": g0,
        "e0": e0,
        "kt": kt,
        "ktp_factor": fac,
        "day": zen < KT_STATS_MAX_ZENITH_DEG,
    }


def _normal_scores(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Normal scores Φ⁻¹(rank / (n + 1)) of ``x`` within each group (NaN where x is NaN)."""
    from scipy import stats

    z = np.full(len(x), np.nan)
    for g in np.unique(groups[~np.isnan(x)]):
        sel = (groups == g) & ~np.isnan(x)
        z[sel] = stats.norm.ppf(stats.rankdata(x[sel]) / (sel.sum() + 1.0))
    return z


def _smoothed_ar1_corr(p, lag):
    """Autocorrelation of the unit-variance AR(1)-filtered AR(1) process (double root p)."""
    return p**lag * (1.0 + lag * (1.0 - p * p) / (1.0 + p * p))


def _fit_kt_latent(z: np.ndarray, index: pd.DatetimeIndex) -> dict[str, list | float]:
    """Per month: share a² of a daily latent factor and root p of the hourly latent process.

    The generator's latent Gaussian score of an hour is ``a z_day + sqrt(1 − a²) y_hour`` with
    ``y`` a unit-variance AR(1) filtered twice with the same root ``p`` (a smooth process). a² and p
    are solved so that (i) the hour-to-hour correlation of the scores (both hours in daylight) and
    (ii) the variance of their daily mean (over the month's mean number of daylight hours) equal the
    sample's. ``z_day`` is AR(1); its lag-1 is the lag-1 covariance of the daily mean scores
    divided by the mean a².
    """
    from scipy import optimize

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
        dm = dmean[dmean.index.month == m].dropna()
        var_d = float(dm.var())
        nh = round(float(dcount[dcount.index.month == m].mean()))
        lags = np.abs(np.subtract.outer(np.arange(nh), np.arange(nh)))

        def a2_of(p, r1=r1):
            r = 2.0 * p / (1.0 + p * p)
            return (r1 - r) / (1.0 - r)

        def miss(p, lags=lags, var_d=var_d, a2_of=a2_of):
            a2 = a2_of(p)
            return a2 + (1.0 - a2) * float(_smoothed_ar1_corr(p, lags).mean()) - var_d

        p_max = optimize.brentq(lambda p, r1=r1: 2.0 * p / (1.0 + p * p) - r1, 0.0, 0.9999)
        if miss(0.0) * miss(p_max - 1e-9) < 0:
            p = optimize.brentq(miss, 0.0, p_max - 1e-9)
        else:  # no exact solution: no daily factor, p from the lag-1 alone
            p = p_max
        a2s.append(float(np.clip(a2_of(p), 0.0, 1.0)))
        ps.append(float(p))
    d = dmean.dropna()
    consecutive = (d.index[1:] - d.index[:-1]) == pd.Timedelta(days=1)
    cov = float(np.mean((d.to_numpy()[:-1] * d.to_numpy()[1:])[consecutive]))
    lag1 = float(np.clip(cov / np.mean(a2s), 0.0, 0.95))
    return {"a2": a2s, "p": ps, "daily_lag1": lag1}


def _fit_temp_arx(temp: pd.Series, kd: pd.Series, tmean_monthly) -> dict[str, Any]:
    """Daily temperature anomaly as ARX: A_d = ρ A_(d−1) + β_m (K_d − K̄_m) + σ_m ε_d.

    A_d is the daily mean temperature minus the smooth seasonal curve through the monthly means
    (:func:`_smooth_monthly`); K_d the daily clearness index, K̄_m its monthly mean. ρ is common,
    β_m [K per unit K_d] and the residual standard deviation σ_m [K] are per month (ordinary least
    squares over all days).
    """
    curve = pd.Series(_smooth_monthly(np.asarray(tmean_monthly, float), temp.index), temp.index)
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
    # hourly residual: what the generator's deterministic parts (seasonal curve, daily anomaly
    # interpolated between noons, scaled diurnal profile) leave; AR(1) with monthly std
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
    r_sd = [float(resid[hm == m].std()) for m in range(12)]
    r_lag1 = float(np.corrcoef(resid[:-1], resid[1:])[0, 1])
    return {
        "lag1": float(coef[0]),
        "beta": [float(b) for b in coef[1:]],
        "sd": sd,
        "range_slope": slope,
        "hourly_sd": r_sd,
        "hourly_lag1": r_lag1,
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
    from scipy import stats

    d = data
    month = d.index.month
    hour = d.index.hour
    hk = _hourly_kt(d.index, d["ghi"], meta.latitude, meta.longitude, meta.elevation_m)
    kt = _daily_kt(d, hk["g0"])
    kmon = kt.index.month
    day = d.index.normalize()
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
    # wind: diurnal factor by month/hour, Weibull k of de-diurnalised speeds, latent lag-1
    w = d["wind_speed"]
    wprof = w.groupby([month, hour]).mean().unstack()
    wprof = wprof.div(wprof.mean(axis=1), axis=0)
    fac = wprof.to_numpy()[month - 1, hour]
    wd = w / fac
    k = []
    for m in range(1, 13):
        x = wd[month == m]
        cv = x.std() / x.mean()
        k.append(float(cv**-1.086))  # Justus et al. (1978) method of moments
    ranks = wd.groupby(month).rank(method="average")
    n = wd.groupby(month).transform("count")
    z = stats.norm.ppf(ranks / (n + 1))
    wlag = float(np.corrcoef(z[:-1], z[1:])[0, 1])
    pday = d["pressure"].groupby(day).mean()
    pm = d["pressure"].groupby(month).mean()
    p_anom = pday - pm.reindex(pday.index.month).to_numpy()
    sect = ((d["wind_direction"].dropna() + 15.0) % 360 // 30).astype(int)
    freq = np.bincount(sect, minlength=12) / len(sect)

    # hourly clearness: zenith-independent k_t' quantiles per month, latent correlation structure
    ktp = np.where(hk["day"], hk["kt"] / hk["ktp_factor"], np.nan)
    ktp_q = [np.quantile(ktp[(month == m) & hk["day"]], KT_QUANTILE_PROBS) for m in range(1, 13)]
    latent = _fit_kt_latent(_normal_scores(ktp, month.to_numpy()), d.index)
    kt_day = pd.Series(np.where(hk["day"], hk["kt"], np.nan), d.index)
    kt_q = kt_day.groupby(month).quantile([0.1, 0.5, 0.9]).unstack()
    arx = _fit_temp_arx(d["temp_air"], kt["kt"], tm.to_numpy())
    dni_year = float(d["dni"].sum() / 1000.0) if "dni" in d else None
    dfrac = float(d["dhi"].sum() / d["ghi"].sum()) if "dhi" in d else None

    def lag1(s):
        s = np.asarray(s, float)
        return float(np.corrcoef(s[:-1], s[1:])[0, 1])

    def r(x, nd):
        return [round(float(v), nd) for v in x]

    return {
        "ghi_mean_w_m2": r(d["ghi"].groupby(month).mean(), 3),
        "kt_daily_mean": r(kt["kt"].groupby(kmon).mean(), 4),
        "kt_daily_std": r(kt["kt"].groupby(kmon).std(), 4),
        "kt_daily_lag1": round(lag1(kt["kt"] - kt["kt"].groupby(kmon).transform("mean")), 4),
        "temp_air_mean_c": r(tm, 3),
        "temp_daily_std_c": r(t_anom.groupby(t_anom.index.month).std(), 3),
        "temp_daily_lag1": round(lag1(t_anom), 4),
        "temp_range_kt_slope": round(slope, 3),
        "temp_diurnal_profile_c": [r(row, 3) for row in tprof.to_numpy()],
        "wind_mean_m_s": r(w.groupby(month).mean(), 4),
        "wind_weibull_k": r(k, 3),
        "wind_latent_lag1": round(wlag, 4),
        "wind_diurnal_factor": [r(row, 4) for row in wprof.to_numpy()],
        "pressure_mean_pa": r(pm, 1),
        "pressure_daily_std_pa": round(float(p_anom.std()), 1),
        "pressure_daily_lag1": round(lag1(p_anom), 4),
        "wind_direction_sector_freq": r(freq, 4),
        "kt_prime_probabilities": r(KT_QUANTILE_PROBS, 3),
        "kt_prime_quantiles": [r(q, 4) for q in ktp_q],
        "kt_latent_daily_share": r(latent["a2"], 4),
        "kt_latent_hourly_root": r(latent["p"], 4),
        "kt_latent_daily_lag1": round(latent["daily_lag1"], 4),
        "kt_hourly_q10_q50_q90": [r(row, 4) for row in kt_q.to_numpy()],
        "temp_anom_lag1": round(arx["lag1"], 4),
        "temp_anom_kt_coef_c": r(arx["beta"], 3),
        "temp_anom_resid_std_c": r(arx["sd"], 3),
        "temp_range_kt_slope_monthly": r(arx["range_slope"], 3),
        "temp_hourly_resid_std_c": r(arx["hourly_sd"], 3),
        "temp_hourly_resid_lag1": round(arx["hourly_lag1"], 4),
        "temp_air_min_c": round(float(d["temp_air"].min()), 2),
        "temp_air_max_c": round(float(d["temp_air"].max()), 2),
        "diffuse_fraction": None if dfrac is None else round(dfrac, 4),
        "annual_dni_kwh_m2": None if dni_year is None else round(dni_year, 2),
        "annual_ghi_kwh_m2": round(float(d["ghi"].sum() / 1000.0), 2),
        "annual_mean_temp_air_c": round(float(d["temp_air"].mean()), 3),
        "annual_mean_wind_speed_m_s": round(float(w.mean()), 4),
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
    from ._io import check_can_write, write_json
    from .weather import read_weather

    check_can_write(out, overwrite)
    data, meta = read_weather(source_path)
    doc = {
        "description": "Monthly statistics for the synthetic default weather year "
        "(haldenenergie.weather_synth). Derived statistics only; the source file is "
        "not part of the project.",
        "source": "Deutscher Wetterdienst (DWD) / BBSR: Testreferenzjahr TRY2015, mittleres Jahr, "
        "Essen (grid cell RW 3802500 / HW 2745500, 102 m), Bezugszeitraum 1995-2012; "
        "Quelle: Deutscher Wetterdienst",
        "source_file": Path(source_path).name,
        "source_sha256": meta.sha256,  # read_weather hashed the file already
        "computed_by": "haldenenergie weather calibrate (haldenenergie.weather_synth."
        "calibration_from_series) on the canonical UTC hourly series",
        "time_convention": meta.time_convention,
        "location": {
            "latitude_deg": meta.latitude,
            "longitude_deg": meta.longitude,
            "elevation_m": meta.elevation_m,
            "wind_speed_height_m": meta.wind_speed_height_m,
            "temp_air_height_m": meta.temp_air_height_m,
        },
        "units": {
            "ghi_mean_w_m2": "W m-2",
            "temp": "degC",
            "wind": "m s-1 at 10 m",
            "pressure": "Pa",
            "kt": "-",
            "profiles": "by UTC hour 0..23",
        },
        "methods": {
            "kt_prime_quantiles": "per month, quantiles at kt_prime_probabilities of Perez's "
            "zenith-independent clearness index k_t' (Perez et al. 1992) of the "
            "hours with the sun above 5 deg",
            "kt_latent_*": "share a2 of the daily factor and root p of the smooth hourly process of "
            "the normal scores of k_t', solved from their hour-to-hour correlation "
            "and daily-mean variance (weather_synth._fit_kt_latent)",
            "temp_anom_*": "daily anomaly ARX A_d = lag1 A_(d-1) + coef_m (K_d - mean K_m) + "
            "resid_std_m eps (least squares, weather_synth._fit_temp_arx)",
            "temp_hourly_resid_*": "hourly residual of the temperature model on the source, AR(1)",
            "diffuse_fraction, annual_dni_kwh_m2, temp_air_min_c, temp_air_max_c, "
            "kt_hourly_q10_q50_q90": "reference figures of the source (not used by the generator)",
        },
        "statistics": calibration_from_series(data, meta),
    }
    write_json(out, doc, overwrite=overwrite)
    return doc


def load_calibration() -> dict[str, Any]:
    """The packaged calibration document (``haldenenergie/data/weather_calibration_essen_try2015.json``)."""
    text = resources.files("haldenenergie").joinpath("data", CALIBRATION_FILE).read_text("utf-8")
    return json.loads(text)


# ----------------------------------------------------------------------------------------------
# Generator
# ----------------------------------------------------------------------------------------------
def _ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    """Stationary standard-normal AR(1) series of length n."""
    e = rng.standard_normal(n)
    out = np.empty(n)
    out[0] = e[0]
    s = np.sqrt(1.0 - rho * rho)
    for i in range(1, n):
        out[i] = rho * out[i - 1] + s * e[i]
    return out


def _smoothed_ar1(e: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Unit-variance smooth Gaussian process: white noise ``e`` filtered twice by AR(1) with root p.

    ``x_t = p x_(t−1) + sqrt(1 − p²) e_t``, ``y_t = p y_(t−1) + sqrt(1 − p²) x_t``, returned as
    ``y / sqrt((1 + p²) / (1 − p²))`` (the stationary standard deviation of y); ``p`` may vary in
    time (per hour). Autocorrelation: :func:`_smoothed_ar1_corr`.
    """
    n = len(e)
    s = np.sqrt(1.0 - p * p)
    x = np.empty(n)
    y = np.empty(n)
    x[0] = e[0]
    y[0] = e[0] * np.sqrt((1.0 + p[0] ** 2) / (1.0 - p[0] ** 2))
    for i in range(1, n):
        x[i] = p[i] * x[i - 1] + s[i] * e[i]
        y[i] = p[i] * y[i - 1] + s[i] * x[i]
    return y / np.sqrt((1.0 + p * p) / (1.0 - p * p))


def _smooth_monthly(target: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
    """Periodic piecewise-linear curve through mid-month nodes whose monthly means equal ``target``."""
    doy = (index.day_of_year - 1 + index.hour / 24.0 + 0.5 / 24).to_numpy()
    ndays = 366 if index[0].is_leap_year else 365
    starts = (
        pd.date_range(f"{index[0].year}-01-01", periods=12, freq="MS").day_of_year.to_numpy() - 1
    )
    lens = np.array(pd.date_range(f"{index[0].year}-01-01", periods=12, freq="MS").days_in_month)
    mid = starts + lens / 2.0
    month = index.month.to_numpy() - 1
    nodes = target.astype(float).copy()
    for _ in range(30):
        xp = np.concatenate([[mid[-1] - ndays], mid, [mid[0] + ndays]])
        fp = np.concatenate([[nodes[-1]], nodes, [nodes[0]]])
        curve = np.interp(doy, xp, fp)
        achieved = np.bincount(month, curve, 12) / np.bincount(month, minlength=12)
        nodes += target - achieved
    return curve


def synthesize_year(
    year: int = DEFAULT_YEAR, seed: int = DEFAULT_SEED, calibration: dict | None = None
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Generate the synthetic typical hourly year (canonical form) for the Essen TRY location.

    Parameters
    ----------
    year : calendar year of the UTC index (a leap year gives 8,784 hours).
    seed : seed of ``numpy.random.default_rng``.
    calibration : calibration document (default: :func:`load_calibration`).

    Returns
    -------
    (data, meta): canonical columns ``ghi, dhi, dni`` [W m-2], ``temp_air`` [°C], ``wind_speed``
    [m s-1] at 10 m, ``pressure`` [Pa], ``wind_direction`` [deg]; ``meta.source_format`` is
    ``"synthetic"`` and ``meta.notes`` records the exact-mean adjustments.
    """
    import pvlib

    cal = calibration or load_calibration()
    st = cal["statistics"]
    loc = ESSEN_TRY_LOCATION
    rng = np.random.default_rng(seed)
    idx = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:00", freq="h", tz="UTC")
    n = len(idx)
    month = idx.month.to_numpy() - 1
    hour = idx.hour.to_numpy()
    days = idx.normalize().unique()
    nd = len(days)
    dmonth = days.month.to_numpy() - 1
    dpos = np.repeat(np.arange(nd), 24)[:n]

    # -- 1 latent Gaussian scores: daily AR(1) factor + smooth hourly process
    from scipy import stats

    zd = _ar1(rng, nd, st["kt_latent_daily_lag1"])
    e = rng.standard_normal(n)
    a2 = np.array(st["kt_latent_daily_share"])[month]
    z = np.sqrt(a2) * zd[dpos] + np.sqrt(1.0 - a2) * _smoothed_ar1(
        e, np.array(st["kt_latent_hourly_root"])[month]
    )

    # -- 2 hourly clearness: quantile mapping onto the month's k_t' distribution, back to k_t
    hk = _hourly_kt(idx, np.zeros(n), loc["latitude"], loc["longitude"], loc["elevation_m"])
    zen, e0, g0 = hk["zenith"], hk["e0"], hk["g0"]
    # daylight hours take the month's empirical distribution exactly: their scores are replaced by
    # their ranks within the month (the order, i.e. the persistence, of the latent process is kept)
    u = stats.norm.cdf(z)
    for m in range(12):
        sel = (month == m) & hk["day"]
        u[sel] = stats.rankdata(z[sel]) / (sel.sum() + 1.0)
    probs = np.asarray(st["kt_prime_probabilities"], float)
    qtab = np.asarray(st["kt_prime_quantiles"], float)
    ktp = np.empty(n)
    for m in range(12):
        sel = month == m
        ktp[sel] = np.interp(u[sel], probs, qtab[m])
    kt = np.where(g0 > 0, np.minimum(ktp * hk["ktp_factor"], KT_HOURLY_MAX), 0.0)
    ghi = g0 * kt
    target_g = np.array(st["ghi_mean_w_m2"])
    gfac = np.ones(12)
    for _ in range(8):  # exact monthly means, respecting the k_t cap
        achieved = np.bincount(month, ghi, 12) / np.bincount(month, minlength=12)
        f = target_g / achieved
        gfac *= f
        ghi = np.minimum(ghi * f[month], g0 * KT_HOURLY_MAX)
    achieved = np.bincount(month, ghi, 12) / np.bincount(month, minlength=12)
    ghi = ghi * (target_g / achieved)[month]
    g0d = np.bincount(dpos, g0, nd)
    kd = np.bincount(dpos, ghi, nd) / np.maximum(g0d, 1e-9)  # daily clearness K_d

    # -- 4 temperature (step numbers as in the module docstring; the split, step 3, needs the
    # synthetic pressure and comes last): seasonal curve + ARX daily anomaly driven by K_d + scaled diurnal profile
    tmean = _smooth_monthly(np.array(st["temp_air_mean_c"]), idx)
    eps_t = rng.standard_normal(nd)
    dk = kd - (np.bincount(dmonth, kd, 12) / np.bincount(dmonth, minlength=12))[dmonth]
    beta = np.array(st["temp_anom_kt_coef_c"])[dmonth]
    sd_t = np.array(st["temp_anom_resid_std_c"])[dmonth]
    rho_t = float(st["temp_anom_lag1"])
    za = np.empty(nd)
    prev = 0.0
    for i in range(nd):
        prev = rho_t * prev + beta[i] * dk[i] + sd_t[i] * eps_t[i]
        za[i] = prev
    # removing each month's mean anomaly below takes away the share c = mean(ρ^|i−j|) over a
    # month's days of the AR variance (the TRY's anomalies have no monthly mean by construction):
    # restore the expected within-month variance
    lags = np.abs(np.subtract.outer(np.arange(30), np.arange(30)))
    za = za / np.sqrt(1.0 - float(np.mean(rho_t**lags)))
    noon_h = np.arange(nd) * 24 + 12.0
    anom = np.interp(np.arange(n), noon_h, za)
    anom -= _smooth_monthly(np.bincount(month, anom, 12) / np.bincount(month, minlength=12), idx)
    slope = np.array(st["temp_range_kt_slope_monthly"])[dmonth]
    scale = np.clip(1.0 + slope * dk, 0.2, 2.5)
    prof = np.array(st["temp_diurnal_profile_c"])[month, hour]
    temp = tmean + anom + prof * scale[dpos]  # + hourly AR(1) residual, drawn last (step 4b)

    # -- 5 wind speed
    zw = _ar1(rng, n, st["wind_latent_lag1"])
    uw = np.clip(stats.norm.cdf(zw), 1e-9, 1 - 1e-9)
    from math import gamma

    k = np.array(st["wind_weibull_k"])
    c = np.array(st["wind_mean_m_s"]) / np.array([gamma(1 + 1 / kk) for kk in k])
    ws = c[month] * (-np.log1p(-uw)) ** (1.0 / k[month])
    ws = ws * np.array(st["wind_diurnal_factor"])[month, hour]
    ws = np.minimum(ws, WIND_SPEED_CAP_M_S)
    wfac = np.array(st["wind_mean_m_s"]) / (
        np.bincount(month, ws, 12) / np.bincount(month, minlength=12)
    )
    ws = ws * wfac[month]

    # -- 6 pressure, wind direction
    zp = _ar1(rng, nd, st["pressure_daily_lag1"]) * st["pressure_daily_std_pa"]
    panom = np.interp(np.arange(n), noon_h, zp)
    panom -= _smooth_monthly(np.bincount(month, panom, 12) / np.bincount(month, minlength=12), idx)
    pres = np.array(st["pressure_mean_pa"])[month] + panom
    pshift = np.array(st["pressure_mean_pa"]) - np.bincount(month, pres, 12) / np.bincount(
        month, minlength=12
    )
    pres = pres + pshift[month]
    freq = np.array(st["wind_direction_sector_freq"], float)
    freq = freq / freq.sum()
    s0 = int(np.argmin(freq))  # start the CDF in the rarest sector so the wrap falls there
    order = (np.arange(12) + s0) % 12
    cdf = np.concatenate([[0.0], np.cumsum(freq[order])])
    ud = stats.norm.cdf(_ar1(rng, n, WIND_DIRECTION_LATENT_LAG1))
    pos = np.interp(ud, cdf, np.arange(13))  # fractional sector position
    sec = np.minimum(pos.astype(int), 11)
    wdir = ((order[sec] * 30.0 - 15.0) + (pos - sec) * 30.0) % 360.0

    # -- 4b temperature: hourly AR(1) residual (drawn after the other streams so that they do not
    # depend on it), then exact monthly means
    temp = (
        temp
        + _ar1(rng, n, st["temp_hourly_resid_lag1"])
        * np.array(st["temp_hourly_resid_std_c"])[month]
    )
    tshift = np.array(st["temp_air_mean_c"]) - np.bincount(month, temp, 12) / np.bincount(
        month, minlength=12
    )
    temp = temp + tshift[month]

    # -- 3 diffuse split: DIRINT (Perez et al. 1992) with its hour-to-hour stability index
    dni_dirint = pvlib.irradiance.dirint(
        pd.Series(ghi, idx),
        pd.Series(zen, idx),
        idx,
        pressure=pd.Series(pres, idx),
        use_delta_kt_prime=True,
    )
    bhi = np.minimum(
        np.nan_to_num(np.asarray(dni_dirint, float)) * np.clip(np.cos(np.radians(zen)), 0.0, None),
        ghi,
    )
    dhi = ghi - bhi
    dni = dni_from_beam_horizontal(bhi, zen, e0)

    data = pd.DataFrame(
        {
            "ghi": ghi,
            "dhi": dhi,
            "dni": dni,
            "temp_air": temp,
            "wind_speed": ws,
            "pressure": pres,
            "wind_direction": np.round(wdir, 0) % 360,
        },
        index=idx,
    )
    data.index.name = "time_utc"
    meta = WeatherMeta(
        path="<synthetic>",
        sha256="",
        source_format="synthetic",
        station="Ruhr synthetic typical year (calibrated to DWD TRY2015 Essen)",
        latitude=loc["latitude"],
        longitude=loc["longitude"],
        elevation_m=loc["elevation_m"],
        period_start=idx[0],
        period_end=idx[-1],
        wind_speed_height_m=10.0,
        temp_air_height_m=2.0,
        n_hours=n,
    )
    meta.notes = [
        f"generator {GENERATOR_VERSION}, seed {seed}, year {year}",
        "monthly GHI scaled by " + " ".join(f"{v:.3f}" for v in gfac),
        "monthly wind scaled by " + " ".join(f"{v:.3f}" for v in wfac),
        "monthly temperature shifted by " + " ".join(f"{v:+.2f}" for v in tshift),
    ]
    return data, meta


def synthesize(
    out: str | Path | None = None,
    *,
    seed: int = DEFAULT_SEED,
    year: int = DEFAULT_YEAR,
    overwrite: bool = False,
) -> Path:
    """Generate the synthetic year and write it as canonical CSV.

    Parameters
    ----------
    out : str or Path, optional
        Output file (default: the shipped ``weather/ruhr_synthetic_typical_year.csv``).
    seed : int
        Seed (>= 0) of the random stream.
    year : int
        Calendar year of the UTC index.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    WeatherError
        A negative or non-integer seed.
    """
    out = Path(out) if out is not None else default_weather_path()
    if not isinstance(seed, int) or seed < 0:
        raise WeatherError(f"--seed {seed!r} must be a non-negative integer")
    data, meta = synthesize_year(year=year, seed=seed)
    cal = load_calibration()
    comments = (
        (
            "SYNTHETIC weather: not measured. A typical hourly year for the Ruhr made by the "
            "project's stochastic generator; use real data for decisions (see weather/README.md)."
        ),
        (
            f"generator: {GENERATOR_VERSION} (latent daily+hourly Gaussian clearness mapped to the TRY's "
            f"monthly k_t' quantiles, DIRINT split, ARX temperature, Weibull+AR(1) wind); seed: {seed}; "
            f"year: {year}"
        ),
        f"calibration: haldenenergie/data/{CALIBRATION_FILE} (source: {cal['source']})",
        "re-create: haldenenergie weather synthesize --overwrite"
        + (
            ""
            if (seed == DEFAULT_SEED and year == DEFAULT_YEAR)
            else f" --seed {seed} --year {year}"
        ),
        *[f"note: {x}" for x in meta.notes],
    )
    return write_weather(data, meta, out, overwrite=overwrite, comments=comments)
