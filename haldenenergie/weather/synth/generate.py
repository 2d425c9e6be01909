"""The generator: :func:`synthesize_year` (a canonical hourly year) and :func:`synthesize` (CSV).

One ``numpy.random.default_rng(seed)`` stream; the streams are drawn in a fixed order (clearness,
temperature anomaly, wind speed, pressure, wind direction, hourly temperature residual), so a seed
gives the same year bit for bit with the same numpy/scipy/pvlib versions. Step numbers refer to
the model description in :mod:`haldenenergie.weather.synth`.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gamma
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import WeatherError
from ..irradiance import dni_from_beam_horizontal
from ..model import ESSEN_TRY_LOCATION, WeatherMeta
from ..write import write_weather
from .calibrate import CALIBRATION_FILE, load_calibration
from .processes import (
    KT_HOURLY_MAX,
    ar1,
    hourly_kt,
    month_mean,
    smooth_monthly,
    smoothed_ar1,
)

#: Seed of the shipped default year (any integer reproduces its own year).
DEFAULT_SEED = 20150101
#: Calendar year label of the shipped default (non-leap, like the TRY).
DEFAULT_YEAR = 2015
#: Generator label written into every synthetic file (kept as it was when the shipped default
#: year was made, so that re-creating it gives the same bytes).
GENERATOR_VERSION = "haldenenergie.weather_synth v2"
WIND_DIRECTION_LATENT_LAG1 = 0.97  # assumption: hourly persistence of the latent direction process
WIND_SPEED_CAP_M_S = 30.0  # assumption: hourly mean 10 m speeds above this are implausible inland


@dataclass
class _Calendar:
    """Hourly UTC index of the year and the month/day positions of every hour."""

    idx: pd.DatetimeIndex
    month: np.ndarray  # 0..11 per hour
    hour: np.ndarray
    dmonth: np.ndarray  # 0..11 per day
    dpos: np.ndarray  # day number of every hour
    noon_h: np.ndarray  # hour position of each day's noon

    @property
    def n(self) -> int:
        return len(self.idx)

    @property
    def nd(self) -> int:
        return len(self.dmonth)

    @classmethod
    def of_year(cls, year: int) -> _Calendar:
        idx = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:00", freq="h", tz="UTC")
        days = idx.normalize().unique()
        nd = len(days)
        return cls(
            idx=idx,
            month=idx.month.to_numpy() - 1,
            hour=idx.hour.to_numpy(),
            dmonth=days.month.to_numpy() - 1,
            dpos=np.repeat(np.arange(nd), 24)[: len(idx)],
            noon_h=np.arange(nd) * 24 + 12.0,
        )


def _latent_scores(rng, cal: _Calendar, st: dict) -> np.ndarray:
    """Step 1: latent Gaussian scores, daily AR(1) factor + smooth hourly process."""
    zd = ar1(rng, cal.nd, st["kt_latent_daily_lag1"])
    e = rng.standard_normal(cal.n)
    a2 = np.array(st["kt_latent_daily_share"])[cal.month]
    return np.sqrt(a2) * zd[cal.dpos] + np.sqrt(1.0 - a2) * smoothed_ar1(
        e, np.array(st["kt_latent_hourly_root"])[cal.month]
    )


def _ghi(z: np.ndarray, hk: dict, cal: _Calendar, st: dict) -> tuple[np.ndarray, np.ndarray]:
    """Step 2: hourly GHI [W m-2] by quantile mapping onto the month's k_t' distribution.

    Daylight hours take the month's empirical distribution exactly: their scores are replaced by
    their ranks within the month (the order, i.e. the persistence, of the latent process is kept).
    Then the monthly means are set exactly (step 7 for GHI), respecting the k_t cap. Returns the
    GHI and the monthly scale factors.
    """
    from scipy import stats

    month, g0 = cal.month, hk["g0"]
    u = stats.norm.cdf(z)
    for m in range(12):
        sel = (month == m) & hk["day"]
        u[sel] = stats.rankdata(z[sel]) / (sel.sum() + 1.0)
    probs = np.asarray(st["kt_prime_probabilities"], float)
    qtab = np.asarray(st["kt_prime_quantiles"], float)
    ktp = np.empty(cal.n)
    for m in range(12):
        sel = month == m
        ktp[sel] = np.interp(u[sel], probs, qtab[m])
    kt = np.where(g0 > 0, np.minimum(ktp * hk["ktp_factor"], KT_HOURLY_MAX), 0.0)
    ghi = g0 * kt
    target_g = np.array(st["ghi_mean_w_m2"])
    gfac = np.ones(12)
    for _ in range(8):  # exact monthly means, respecting the k_t cap
        f = target_g / month_mean(ghi, month)
        gfac *= f
        ghi = np.minimum(ghi * f[month], g0 * KT_HOURLY_MAX)
    ghi = ghi * (target_g / month_mean(ghi, month))[month]
    return ghi, gfac


def _temperature_base(rng, cal: _Calendar, st: dict, kd: np.ndarray) -> np.ndarray:
    """Step 4: seasonal curve + ARX daily anomaly driven by K_d + scaled diurnal profile [degC]."""
    idx, month, dmonth, nd = cal.idx, cal.month, cal.dmonth, cal.nd
    tmean = smooth_monthly(np.array(st["temp_air_mean_c"]), idx)
    eps_t = rng.standard_normal(nd)
    dk = kd - month_mean(kd, dmonth)[dmonth]
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
    anom = np.interp(np.arange(cal.n), cal.noon_h, za)
    anom -= smooth_monthly(month_mean(anom, month), idx)
    slope = np.array(st["temp_range_kt_slope_monthly"])[dmonth]
    scale = np.clip(1.0 + slope * dk, 0.2, 2.5)
    prof = np.array(st["temp_diurnal_profile_c"])[month, cal.hour]
    return tmean + anom + prof * scale[cal.dpos]


def _temperature_final(rng, cal: _Calendar, st: dict, temp: np.ndarray):
    """Step 4b: hourly AR(1) residual, then exact monthly means (step 7).

    The residual is drawn after the other streams so that they do not depend on it. Returns the
    temperature [degC] and the monthly shifts [K].
    """
    month = cal.month
    temp = (
        temp
        + ar1(rng, cal.n, st["temp_hourly_resid_lag1"])
        * np.array(st["temp_hourly_resid_std_c"])[month]
    )
    tshift = np.array(st["temp_air_mean_c"]) - month_mean(temp, month)
    return temp + tshift[month], tshift


def _wind_speed(rng, cal: _Calendar, st: dict) -> tuple[np.ndarray, np.ndarray]:
    """Step 5: wind speed [m s-1], monthly Weibull via a Gaussian copula with hourly AR(1).

    Times the diurnal factors, capped, then exact monthly means. Returns the speeds and the
    monthly scale factors.
    """
    from scipy import stats

    month = cal.month
    zw = ar1(rng, cal.n, st["wind_latent_lag1"])
    uw = np.clip(stats.norm.cdf(zw), 1e-9, 1 - 1e-9)
    k = np.array(st["wind_weibull_k"])
    c = np.array(st["wind_mean_m_s"]) / np.array([gamma(1 + 1 / kk) for kk in k])
    ws = c[month] * (-np.log1p(-uw)) ** (1.0 / k[month])
    ws = ws * np.array(st["wind_diurnal_factor"])[month, cal.hour]
    ws = np.minimum(ws, WIND_SPEED_CAP_M_S)
    wfac = np.array(st["wind_mean_m_s"]) / month_mean(ws, month)
    return ws * wfac[month], wfac


def _pressure(rng, cal: _Calendar, st: dict) -> np.ndarray:
    """Step 6: monthly means + daily AR(1) anomaly, exact monthly means [Pa]."""
    month = cal.month
    zp = ar1(rng, cal.nd, st["pressure_daily_lag1"]) * st["pressure_daily_std_pa"]
    panom = np.interp(np.arange(cal.n), cal.noon_h, zp)
    panom -= smooth_monthly(month_mean(panom, month), cal.idx)
    pres = np.array(st["pressure_mean_pa"])[month] + panom
    pshift = np.array(st["pressure_mean_pa"]) - month_mean(pres, month)
    return pres + pshift[month]


def _wind_direction(rng, cal: _Calendar, st: dict) -> np.ndarray:
    """Step 6: the 12-sector frequencies through a persistent latent AR(1) process [deg]."""
    from scipy import stats

    freq = np.array(st["wind_direction_sector_freq"], float)
    freq = freq / freq.sum()
    s0 = int(np.argmin(freq))  # start the CDF in the rarest sector so the wrap falls there
    order = (np.arange(12) + s0) % 12
    cdf = np.concatenate([[0.0], np.cumsum(freq[order])])
    ud = stats.norm.cdf(ar1(rng, cal.n, WIND_DIRECTION_LATENT_LAG1))
    pos = np.interp(ud, cdf, np.arange(13))  # fractional sector position
    sec = np.minimum(pos.astype(int), 11)
    return ((order[sec] * 30.0 - 15.0) + (pos - sec) * 30.0) % 360.0


def _dirint_split(ghi, hk: dict, pres, idx) -> tuple[np.ndarray, np.ndarray]:
    """Step 3: DHI and DNI [W m-2] by DIRINT (Perez et al. 1992) with its stability index."""
    import pvlib

    zen = hk["zenith"]
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
    return ghi - bhi, dni_from_beam_horizontal(bhi, zen, hk["e0"])


def _synthetic_meta(cal: _Calendar, seed: int, year: int, factors: dict) -> WeatherMeta:
    loc = ESSEN_TRY_LOCATION
    meta = WeatherMeta(
        path="<synthetic>",
        sha256="",
        source_format="synthetic",
        station="Ruhr synthetic typical year (calibrated to DWD TRY2015 Essen)",
        latitude=loc["latitude"],
        longitude=loc["longitude"],
        elevation_m=loc["elevation_m"],
        period_start=cal.idx[0],
        period_end=cal.idx[-1],
        wind_speed_height_m=10.0,
        temp_air_height_m=2.0,
        n_hours=cal.n,
    )
    meta.notes = [
        f"generator {GENERATOR_VERSION}, seed {seed}, year {year}",
        "monthly GHI scaled by " + " ".join(f"{v:.3f}" for v in factors["ghi"]),
        "monthly wind scaled by " + " ".join(f"{v:.3f}" for v in factors["wind"]),
        "monthly temperature shifted by " + " ".join(f"{v:+.2f}" for v in factors["temp"]),
    ]
    return meta


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
    st = (calibration or load_calibration())["statistics"]
    loc = ESSEN_TRY_LOCATION
    rng = np.random.default_rng(seed)
    cal = _Calendar.of_year(year)
    z = _latent_scores(rng, cal, st)
    hk = hourly_kt(cal.idx, np.zeros(cal.n), loc["latitude"], loc["longitude"], loc["elevation_m"])
    ghi, gfac = _ghi(z, hk, cal, st)
    kd = np.bincount(cal.dpos, ghi, cal.nd) / np.maximum(
        np.bincount(cal.dpos, hk["g0"], cal.nd), 1e-9
    )  # daily clearness K_d
    # the split (step 3) needs the synthetic pressure and comes last
    temp = _temperature_base(rng, cal, st, kd)
    ws, wfac = _wind_speed(rng, cal, st)
    pres = _pressure(rng, cal, st)
    wdir = _wind_direction(rng, cal, st)
    temp, tshift = _temperature_final(rng, cal, st, temp)
    dhi, dni = _dirint_split(ghi, hk, pres, cal.idx)
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
        index=cal.idx,
    )
    data.index.name = "time_utc"
    meta = _synthetic_meta(cal, seed, year, {"ghi": gfac, "wind": wfac, "temp": tshift})
    return data, meta


def _file_comments(seed: int, year: int, notes: list[str]) -> tuple[str, ...]:
    cal = load_calibration()
    recreate = (
        "" if (seed == DEFAULT_SEED and year == DEFAULT_YEAR) else f" --seed {seed} --year {year}"
    )
    return (
        (
            "SYNTHETIC weather: not measured. A typical hourly year for the Ruhr made by the "
            "project's stochastic generator; use real data for decisions (see weather/README.md)."
        ),
        (
            f"generator: {GENERATOR_VERSION} (latent daily+hourly Gaussian clearness mapped to the "
            f"TRY's monthly k_t' quantiles, DIRINT split, ARX temperature, Weibull+AR(1) wind); "
            f"seed: {seed}; year: {year}"
        ),
        f"calibration: haldenenergie/data/{CALIBRATION_FILE} (source: {cal['source']})",
        "re-create: haldenenergie weather synthesize --overwrite" + recreate,
        *[f"note: {x}" for x in notes],
    )


def synthesize(
    out: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    year: int = DEFAULT_YEAR,
    overwrite: bool = False,
) -> Path:
    """Generate the synthetic year and write it as canonical CSV.

    Parameters
    ----------
    out : str or Path
        Output file. (The shipped default year is ``weather/ruhr_synthetic_typical_year.csv`` of
        the checkout, with an identical copy in ``haldenenergie/data/``; the library never writes
        into the installed package on its own.)
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
        No output path, or a negative or non-integer seed.
    """
    if out is None:
        raise WeatherError("synthesize: no output file given; pass --out FILE.csv")
    if not isinstance(seed, int) or seed < 0:
        raise WeatherError(f"--seed {seed!r} must be a non-negative integer")
    data, meta = synthesize_year(year=year, seed=seed)
    comments = _file_comments(seed, year, meta.notes)
    return write_weather(data, meta, Path(out), overwrite=overwrite, comments=comments)
