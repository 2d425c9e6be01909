"""The embedded default weather: a seeded stochastic typical year for the Ruhr, calibrated to Essen.

The default year in ``<project root>/weather/`` (and its copy in ``haldenenergie/data/``) is
**synthetic**. It is made by the project's own generator from monthly statistics that
:func:`calibration_from_series` computed from the DWD test reference year TRY2015 Essen (mean
year, 1995–2012; "Quelle: Deutscher Wetterdienst") and that are stored, with their source, in
``haldenenergie/data/weather_calibration_essen_try2015.json``. The TRY file itself is not part of
the project.

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

from .calibrate import (
    CALIBRATION_FILE,
    KT_QUANTILE_PROBS,
    calibration_from_series,
    load_calibration,
    write_calibration,
)
from .generate import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    GENERATOR_VERSION,
    WIND_DIRECTION_LATENT_LAG1,
    WIND_SPEED_CAP_M_S,
    synthesize,
    synthesize_year,
)
from .processes import KT_HOURLY_MAX, KT_STATS_MAX_ZENITH_DEG

__all__ = [
    "CALIBRATION_FILE",
    "DEFAULT_SEED",
    "DEFAULT_YEAR",
    "GENERATOR_VERSION",
    "KT_HOURLY_MAX",
    "KT_QUANTILE_PROBS",
    "KT_STATS_MAX_ZENITH_DEG",
    "WIND_DIRECTION_LATENT_LAG1",
    "WIND_SPEED_CAP_M_S",
    "calibration_from_series",
    "load_calibration",
    "synthesize",
    "synthesize_year",
    "write_calibration",
]
