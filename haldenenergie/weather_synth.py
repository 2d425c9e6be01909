"""The embedded default weather: a seeded stochastic typical year for the Ruhr, calibrated to Essen.

The default year in ``<project root>/weather/`` is **synthetic**. It is made by the project's own
generator from monthly statistics that :func:`calibration_from_series` computed from the DWD test
reference year TRY2015 Essen (mean year, 1995–2012; "Quelle: Deutscher Wetterdienst") and that are
stored, with their source, in ``haldenenergie/data/weather_calibration_essen_try2015.json``. The TRY
file itself is not part of the project.

Model (all steps vectorised, one ``numpy.random.default_rng(seed)`` stream, so a seed gives the same
file bit for bit with the same numpy/scipy/pvlib versions):

1. **Daily clearness index** K_d: a first-order autoregressive Gaussian sequence (lag-1 correlation
   from the TRY) mapped day by day onto a Beta distribution with the month's mean and standard deviation
   of K_d — a continuous counterpart of the Markov transition matrices of Aguiar, Collares-Pereira &
   Conde (1988), "Simple procedure for generating sequences of daily radiation values using a library
   of Markov transition matrices", Solar Energy 40(3), 269–279.
2. **Hourly clearness index** k_t: the TAG model of Aguiar & Collares-Pereira (1992), "TAG: a
   time-dependent, autoregressive, Gaussian model for generating synthetic hourly radiation", Solar
   Energy 49(3), 167–174: mean k_tm = λ + ε exp(−κ / sin α) with λ, ε, κ functions of K_d and an AR(1)
   residual with φ1 = 0.38 + 0.06 cos(7.4 K_d − 2.5); the residual standard deviation 0.5 K_d (1 − K_d)
   is an assumption. Each day is rescaled to its K_d; k_t ≤ 0.82 (assumption: hourly clearness
   rarely exceeds 0.8 in Central Europe).
3. **Diffuse split**: Erbs, Klein & Duffie (1982) via ``pvlib.irradiance.erbs``; DNI = (GHI − DHI)
   / cos Z with the same low-sun guard as the readers.
4. **Temperature**: smooth seasonal curve through the monthly means + daily AR(1) anomaly (monthly
   standard deviation, lag-1 from the TRY; interpolated between noons) + the TRY's mean diurnal profile
   of each month, scaled with the day's clearness (slope from the TRY).
5. **Wind speed**: monthly Weibull (shape k from the TRY, method of moments, Justus et al. 1978) via a
   Gaussian copula with an hourly AR(1) latent process (lag-1 correlation of the TRY's normal scores),
   times the TRY's diurnal profile of each month.
6. **Pressure**: monthly means + daily AR(1) anomaly; **wind direction**: the TRY's 12-sector
   frequencies through a persistent latent AR(1) process.
7. **Exact monthly means**: finally GHI, wind speed (scaled) and temperature, pressure (shifted) are
   adjusted so that each month's mean equals the calibration value exactly (factors and shifts are
   small; they are recorded in the file header).
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
GENERATOR_VERSION = "haldenenergie.weather_synth v1"

KT_HOURLY_MAX = 0.82      # assumption, see module docstring
KT_DAILY_RANGE = (0.03, 0.78)   # assumption: bounds of daily clearness in the TRY (0.04-0.74)
WIND_DIRECTION_LATENT_LAG1 = 0.97   # assumption: hourly persistence of the latent direction process
WIND_SPEED_CAP_M_S = 30.0  # assumption: hourly mean 10 m speeds above this are implausible inland


# ----------------------------------------------------------------------------------------------
# Calibration statistics
# ----------------------------------------------------------------------------------------------
def _daily_kt(data: pd.DataFrame, lat: float, lon: float, elev: float | None) -> pd.DataFrame:
    sp = solar_position(data.index, lat, lon, elev)
    e0 = extraterrestrial_dni(data.index)
    g0 = (e0 * np.clip(np.cos(np.radians(sp["zenith"])), 0, None)).rename("g0")
    day = data.index.normalize()
    g = data["ghi"].groupby(day).sum()
    g0d = g0.groupby(day).sum()
    return pd.DataFrame({"kt": g / g0d, "ghi_wh": g, "g0_wh": g0d})


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
    kt = _daily_kt(d, meta.latitude, meta.longitude, meta.elevation_m)
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
        k.append(float(cv ** -1.086))   # Justus et al. (1978) method of moments
    ranks = wd.groupby(month).rank(method="average")
    n = wd.groupby(month).transform("count")
    z = stats.norm.ppf(ranks / (n + 1))
    wlag = float(np.corrcoef(z[:-1], z[1:])[0, 1])
    pday = d["pressure"].groupby(day).mean()
    pm = d["pressure"].groupby(month).mean()
    p_anom = pday - pm.reindex(pday.index.month).to_numpy()
    sect = ((d["wind_direction"].dropna() + 15.0) % 360 // 30).astype(int)
    freq = np.bincount(sect, minlength=12) / len(sect)

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
    from ._io import check_can_write, sha256_file, write_json
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
        "source_sha256": sha256_file(source_path),
        "computed_by": "haldenenergie weather calibrate (haldenenergie.weather_synth."
                       "calibration_from_series) on the canonical UTC hourly series",
        "time_convention": meta.time_convention,
        "location": {"latitude_deg": meta.latitude, "longitude_deg": meta.longitude,
                     "elevation_m": meta.elevation_m, "wind_speed_height_m": meta.wind_speed_height_m,
                     "temp_air_height_m": meta.temp_air_height_m},
        "units": {"ghi_mean_w_m2": "W m-2", "temp": "degC", "wind": "m s-1 at 10 m",
                  "pressure": "Pa", "kt": "-", "profiles": "by UTC hour 0..23"},
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


def _beta_ppf(u, mean, sd):
    from scipy import stats

    var = np.minimum(sd ** 2, mean * (1 - mean) * 0.95)
    nu = mean * (1 - mean) / var - 1.0
    return stats.beta.ppf(u, mean * nu, (1 - mean) * nu)


def _smooth_monthly(target: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
    """Periodic piecewise-linear curve through mid-month nodes whose monthly means equal ``target``."""
    doy = (index.day_of_year - 1 + index.hour / 24.0 + 0.5 / 24).to_numpy()
    ndays = 366 if index[0].is_leap_year else 365
    starts = pd.date_range(f"{index[0].year}-01-01", periods=12, freq="MS").day_of_year.to_numpy() - 1
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


def synthesize_year(year: int = DEFAULT_YEAR, seed: int = DEFAULT_SEED,
                    calibration: dict | None = None) -> tuple[pd.DataFrame, WeatherMeta]:
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

    # -- 1 daily clearness
    zd = _ar1(rng, nd, st["kt_daily_lag1"])
    from scipy import stats

    u = stats.norm.cdf(zd)
    kd = _beta_ppf(u, np.array(st["kt_daily_mean"])[dmonth], np.array(st["kt_daily_std"])[dmonth])
    kd = np.clip(kd, *KT_DAILY_RANGE)

    # -- 2 hourly clearness (TAG)
    sp = solar_position(idx, loc["latitude"], loc["longitude"], loc["elevation_m"])
    zen = sp["zenith"].to_numpy()
    cosz = np.clip(np.cos(np.radians(zen)), 0.0, None)
    e0 = extraterrestrial_dni(idx).to_numpy()
    g0 = e0 * cosz
    # condition the daily sequence on the monthly targets: the month's ratio sum(GHI)/sum(G0)
    # must equal the calibration's, so the final exact-mean scaling stays close to 1
    g0d = np.bincount(dpos, g0, nd)
    target_ratio = (np.array(st["ghi_mean_w_m2"]) * np.bincount(month, minlength=12)
                    / np.bincount(month, g0, 12))
    for _ in range(5):
        got = np.bincount(dmonth, kd * g0d, 12) / np.bincount(dmonth, g0d, 12)
        kd = np.clip(kd * (target_ratio / got)[dmonth], *KT_DAILY_RANGE)
    K = kd[dpos]
    sin_a = np.maximum(cosz, 1e-3)
    lam = -0.19 + 1.12 * K + 0.24 * np.exp(-8.0 * K)
    eps = 0.32 - 1.6 * (K - 0.5) ** 2
    kap = 0.19 + 2.27 * K ** 2 - 2.51 * K ** 3
    ktm = lam + eps * np.exp(-kap / sin_a)
    phi = 0.38 + 0.06 * np.cos(7.4 * K - 2.5)
    sig = 0.5 * K * (1.0 - K)
    e = rng.standard_normal(n)
    y = np.empty(n)
    y[0] = 0.0
    for i in range(1, n):
        y[i] = phi[i] * y[i - 1] + np.sqrt(1 - phi[i] ** 2) * sig[i] * e[i]
    kt = np.clip(ktm + y, 0.0, KT_HOURLY_MAX)
    kt = np.where(g0 > 0, kt, 0.0)
    for _ in range(6):   # rescale each day to its K_d (clipping makes it iterative)
        gsum = np.bincount(dpos, g0 * kt, nd)
        g0sum = np.bincount(dpos, g0, nd)
        f = np.where(gsum > 0, kd * g0sum / np.maximum(gsum, 1e-9), 1.0)
        kt = np.clip(kt * f[dpos], 0.0, KT_HOURLY_MAX)
    ghi = g0 * kt
    target_g = np.array(st["ghi_mean_w_m2"])
    gfac = np.ones(12)
    for _ in range(8):   # exact monthly means, respecting the k_t cap
        achieved = np.bincount(month, ghi, 12) / np.bincount(month, minlength=12)
        f = target_g / achieved
        gfac *= f
        ghi = np.minimum(ghi * f[month], g0 * 0.9)   # k_t stays <= 0.9 after scaling
    achieved = np.bincount(month, ghi, 12) / np.bincount(month, minlength=12)
    ghi = ghi * (target_g / achieved)[month]

    # -- 3 diffuse split
    erbs = pvlib.irradiance.erbs(pd.Series(ghi, idx), pd.Series(zen, idx),
                                 (idx + pd.Timedelta(minutes=30)).day_of_year.to_numpy())
    dhi = np.minimum(np.asarray(erbs["dhi"], float), ghi)
    dni = dni_from_beam_horizontal(ghi - dhi, zen, e0)

    # -- 4 temperature
    tmean = _smooth_monthly(np.array(st["temp_air_mean_c"]), idx)
    za = _ar1(rng, nd, st["temp_daily_lag1"]) * np.array(st["temp_daily_std_c"])[dmonth]
    noon_h = np.arange(nd) * 24 + 12.0
    anom = np.interp(np.arange(n), noon_h, za)
    anom -= _smooth_monthly(np.bincount(month, anom, 12) / np.bincount(month, minlength=12), idx)
    kmean = np.array(st["kt_daily_mean"])[dmonth]
    scale = np.clip(1.0 + st["temp_range_kt_slope"] * (kd - kmean), 0.2, 2.5)
    prof = np.array(st["temp_diurnal_profile_c"])[month, hour]
    temp = tmean + anom + prof * scale[dpos]
    tshift = np.array(st["temp_air_mean_c"]) - np.bincount(month, temp, 12) / np.bincount(month, minlength=12)
    temp = temp + tshift[month]

    # -- 5 wind speed
    zw = _ar1(rng, n, st["wind_latent_lag1"])
    uw = np.clip(stats.norm.cdf(zw), 1e-9, 1 - 1e-9)
    from math import gamma

    k = np.array(st["wind_weibull_k"])
    c = np.array(st["wind_mean_m_s"]) / np.array([gamma(1 + 1 / kk) for kk in k])
    ws = c[month] * (-np.log1p(-uw)) ** (1.0 / k[month])
    ws = ws * np.array(st["wind_diurnal_factor"])[month, hour]
    ws = np.minimum(ws, WIND_SPEED_CAP_M_S)
    wfac = np.array(st["wind_mean_m_s"]) / (np.bincount(month, ws, 12) / np.bincount(month, minlength=12))
    ws = ws * wfac[month]

    # -- 6 pressure, wind direction
    zp = _ar1(rng, nd, st["pressure_daily_lag1"]) * st["pressure_daily_std_pa"]
    panom = np.interp(np.arange(n), noon_h, zp)
    panom -= _smooth_monthly(np.bincount(month, panom, 12) / np.bincount(month, minlength=12), idx)
    pres = np.array(st["pressure_mean_pa"])[month] + panom
    pshift = np.array(st["pressure_mean_pa"]) - np.bincount(month, pres, 12) / np.bincount(month, minlength=12)
    pres = pres + pshift[month]
    freq = np.array(st["wind_direction_sector_freq"], float)
    freq = freq / freq.sum()
    s0 = int(np.argmin(freq))   # start the CDF in the rarest sector so the wrap falls there
    order = (np.arange(12) + s0) % 12
    cdf = np.concatenate([[0.0], np.cumsum(freq[order])])
    ud = stats.norm.cdf(_ar1(rng, n, WIND_DIRECTION_LATENT_LAG1))
    pos = np.interp(ud, cdf, np.arange(13))          # fractional sector position
    sec = np.minimum(pos.astype(int), 11)
    wdir = ((order[sec] * 30.0 - 15.0) + (pos - sec) * 30.0) % 360.0

    data = pd.DataFrame({"ghi": ghi, "dhi": dhi, "dni": dni, "temp_air": temp, "wind_speed": ws,
                         "pressure": pres, "wind_direction": np.round(wdir, 0) % 360}, index=idx)
    data.index.name = "time_utc"
    meta = WeatherMeta(
        path="<synthetic>", sha256="", source_format="synthetic",
        station="Ruhr synthetic typical year (calibrated to DWD TRY2015 Essen)",
        latitude=loc["latitude"], longitude=loc["longitude"], elevation_m=loc["elevation_m"],
        period_start=idx[0], period_end=idx[-1], wind_speed_height_m=10.0, temp_air_height_m=2.0,
        n_hours=n)
    meta.notes = [
        f"generator {GENERATOR_VERSION}, seed {seed}, year {year}",
        "monthly GHI scaled by " + " ".join(f"{v:.3f}" for v in gfac),
        "monthly wind scaled by " + " ".join(f"{v:.3f}" for v in wfac),
        "monthly temperature shifted by " + " ".join(f"{v:+.2f}" for v in tshift),
    ]
    return data, meta


def synthesize(out: str | Path | None = None, *, seed: int = DEFAULT_SEED, year: int = DEFAULT_YEAR,
               overwrite: bool = False) -> Path:
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
        ("SYNTHETIC weather: not measured. A typical hourly year for the Ruhr made by the "
        "project's stochastic generator; use real data for decisions (see weather/README.md)."),
        (f"generator: {GENERATOR_VERSION} (Aguiar/Collares-Pereira daily+hourly clearness, Erbs "
        f"split, AR(1) temperature, Weibull+AR(1) wind); seed: {seed}; year: {year}"),
        f"calibration: haldenenergie/data/{CALIBRATION_FILE} (source: {cal['source']})",
        "re-create: haldenenergie weather synthesize --overwrite" + (
            "" if (seed == DEFAULT_SEED and year == DEFAULT_YEAR) else f" --seed {seed} --year {year}"),
        *[f"note: {x}" for x in meta.notes],
    )
    return write_weather(data, meta, out, overwrite=overwrite, comments=comments)
