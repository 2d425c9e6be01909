"""Plausibility of well-formed weather: values in the wrong unit or a failed sensor.

Run by :func:`haldenenergie.weather.validate.finish` on the canonical hourly series, after the
range checks. Each rule has its threshold in :class:`~haldenenergie.weather.config.WeatherConfig`
(with its source) and can be overridden in ``[weather]``:

* irradiance scale: the GHI summed over the series against the pvlib Ineichen clear-sky GHI for the
  file's location (climatological Linke turbidity, Remund et al. 2003), ``ghi_clear_sky_ratio_min``
  / ``_max``; all-zero GHI (a dead pyranometer) is an error;
* the annual diffuse share DHI/GHI (``diffuse_share_min`` / ``_max``) and, where the file gives
  DHI, the diffuse fraction of overcast hours (``overcast_diffuse_fraction_min``, Erbs et al. 1982):
  direct and diffuse swapped;
* closure GHI = DHI + DNI cos(Z) where the file gives all three (``closure_max_fail_fraction``,
  BSRN test of Long & Dutton 2002): a ``dni`` that is really GHI - DHI, or DNI and DHI swapped;
* wind speed: annual mean and 99th percentile for the stated height (``wind_mean_max_m_s``,
  ``wind_p99_max_m_s``, ``wind_mean_min_m_s``): km/h and knots;
* air temperature: a frozen sensor (``temp_frozen_warn_h``, ``temp_frozen_max_h``,
  ``temp_daily_std_min_k``).

The wind and temperature checks (see :mod:`.plausibility_met`) also run for wind-only files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import WeatherError
from ..sun import extraterrestrial_dni, relative_airmass, solar_position
from .config import WeatherConfig
from .model import WeatherMeta
from .plausibility_met import check_temperature, check_wind

#: Typical annual clear-sky index [-] that a unit guess should restore (0.64-0.68 in the DWD
#: TRY2010/2015/2045 Essen and DWD Düsseldorf 2024; assumption: central value of the band).
TYPICAL_CLEAR_SKY_INDEX = 0.65
#: Clearness index kt = GHI / (E0 cos Z) below which an hour is overcast [-]: Erbs, Klein & Duffie
#: (1982), Solar Energy 28(4): 293-302, diffuse fraction >= 0.97 for kt < 0.25.
OVERCAST_KT = 0.25
#: Solar zenith limit of the diffuse-fraction test [deg] (sun above 15 deg; BSRN tests use 75 deg,
#: Long & Dutton 2002).
OVERCAST_MAX_ZENITH_DEG = 75.0
#: Fewest hours a statistical irradiance test needs [h] (assumption: two days of daylight).
MIN_TEST_HOURS = 24
#: GHI above which the BSRN comparison tests apply [W m-2] (Long & Dutton 2002).
TEST_MIN_GHI_W_M2 = 50.0
#: BSRN closure tolerance: |GHI / (DHI + DNI cos Z) - 1| <= 8 % for Z < 75 deg and 15 % for
#: 75-93 deg (Long & Dutton 2002, BSRN Global Network recommended QC tests, V2.0).
CLOSURE_TOLERANCE = ((75.0, 0.08), (93.0, 0.15))

#: (factor that restores W m-2, what the values look like, fix) for GHI that is too small.
IRRADIANCE_SCALE_GUESSES: tuple[tuple[float, str, str], ...] = (
    (
        1000.0,
        "kW/m²",
        "multiply the irradiance by 1000 (a generic CSV can declare --units ghi=kW/m2)",
    ),
    (
        10000.0 / 3600.0,
        "irradiation per hour in J/cm² read as W m-2",
        "multiply by 2.778 (a generic CSV can declare --units ghi=J/cm2/h)",
    ),
    (
        3.6,
        "irradiation per hour converted between kJ/m² and Wh/m² the wrong way",
        "multiply by 3.6 (a generic CSV can declare --units ghi=J/cm2/h or ghi=Wh/m2)",
    ),
    (
        4.0,
        "Wh/m² per 15 minutes read as W m-2",
        "multiply by 4 (a generic CSV can declare --units ghi=Wh/m2)",
    ),
    (
        6.0,
        "Wh/m² per 10 minutes read as W m-2",
        "multiply by 6 (a generic CSV can declare --units ghi=Wh/m2)",
    ),
)


@dataclass(frozen=True)
class GivenColumns:
    """Which irradiance components the file itself gave (not derived by the pipeline)."""

    dhi: bool
    dni: bool


@dataclass(frozen=True)
class _Sun:
    zenith: np.ndarray  # [deg] true zenith at the interval middle
    cosz: np.ndarray  # [-] cos(zenith), not below 0
    e0: np.ndarray  # [W m-2] extraterrestrial DNI
    clear_ghi: np.ndarray  # [W m-2] Ineichen clear-sky GHI


def given_columns(df: pd.DataFrame) -> GivenColumns:
    """Irradiance components present in a reader's (hourly) frame before any derivation."""

    def has(c: str) -> bool:
        return c in df.columns and bool(df[c].notna().any())

    return GivenColumns(dhi=has("dhi"), dni=has("dni"))


def check_plausibility(
    df: pd.DataFrame,
    meta: WeatherMeta,
    cfg: WeatherConfig,
    path: str | Path,
    given: GivenColumns,
) -> None:
    """Run every plausibility rule on the canonical hourly series.

    Parameters
    ----------
    df : canonical hourly frame (``ghi``, ``dhi``, ``dni`` [W m-2], ``temp_air`` [degC],
        ``wind_speed`` [m s-1] ...).
    meta : location and heights; warnings are appended (and logged).
    cfg : the thresholds; path : file, for messages.
    given : the irradiance components the file gave (closure and overcast tests need them).

    Raises
    ------
    WeatherError : one line naming the file, the column, the evidence and the fix.
    """
    if meta.irradiance_available and len(df):
        sun = _sun(df, meta)
        check_irradiance_scale(df, meta, cfg, path, sun)
        check_diffuse(df, cfg, path, sun, given)
        if given.dhi and given.dni:
            check_closure(df, cfg, path, sun)
    check_wind(df, meta, cfg, path)
    check_temperature(df, meta, cfg, path)


def _sun(df: pd.DataFrame, meta: WeatherMeta) -> _Sun:
    """Sun position, E0 and the Ineichen clear-sky GHI at the interval middles."""
    import pvlib

    sp = solar_position(df.index, meta.latitude, meta.longitude, meta.elevation_m)
    zen = sp["zenith"].to_numpy(float)
    e0 = extraterrestrial_dni(df.index).to_numpy(float)
    app = sp["apparent_zenith"].to_numpy(float)
    altitude = float(meta.elevation_m or 0.0)
    middles = df.index + pd.Timedelta(minutes=30)
    linke = pvlib.clearsky.lookup_linke_turbidity(middles, meta.latitude, meta.longitude)
    with np.errstate(invalid="ignore", divide="ignore"):
        am_abs = relative_airmass(app) * pvlib.atmosphere.alt2pres(altitude) / 101325.0
        cs = pvlib.clearsky.ineichen(app, am_abs, linke.to_numpy(float), altitude, e0)
    clear = np.nan_to_num(np.asarray(cs["ghi"], dtype=float), nan=0.0)
    cosz = np.clip(np.cos(np.radians(zen)), 0.0, None)
    return _Sun(zenith=zen, cosz=cosz, e0=e0, clear_ghi=clear)


def _scale_hint(ratio: float, lo: float, hi: float) -> str:
    """What too-small GHI values look like, and the fix (the guess restoring a typical ratio)."""
    fits = [g for g in IRRADIANCE_SCALE_GUESSES if lo <= ratio * g[0] <= hi]
    if not fits:
        return "values are far too small for W m-2; check the unit and the column mapping"
    f, what, fix = min(fits, key=lambda g: abs(np.log(ratio * g[0] / TYPICAL_CLEAR_SKY_INDEX)))
    return f"values look like {what} (about {f:.4g} times too small); {fix}"


def check_irradiance_scale(
    df: pd.DataFrame, meta: WeatherMeta, cfg: WeatherConfig, path: str | Path, sun: _Sun
) -> None:
    """GHI not all zero; GHI summed over the series within a band of the clear-sky GHI.

    The band is ``[ghi_clear_sky_ratio_min, ghi_clear_sky_ratio_max]`` times the clear-sky sum
    over the same hours (the lower bound halved for a series shorter than a year, whose months may
    be the darkest).
    """
    ghi = df["ghi"].to_numpy(float)
    if not np.nanmax(ghi, initial=0.0) > 0.0:
        raise WeatherError(
            f"{path}: column ghi is 0 in all {len(ghi):,} hours (a dead pyranometer, an empty "
            f"column or a wrong mapping); check the file or use another weather source"
        )
    clear = float(sun.clear_ghi.sum())
    if np.count_nonzero(sun.clear_ghi > TEST_MIN_GHI_W_M2) < MIN_TEST_HOURS or clear <= 0:
        return
    total = float(np.nansum(ghi))
    ratio = total / clear
    lo = cfg.ghi_clear_sky_ratio_min * (0.5 if len(ghi) < 0.9 * 8760 else 1.0)
    hi = cfg.ghi_clear_sky_ratio_max
    if lo <= ratio <= hi:
        return
    f = meta.annual_factor if not meta.partial else 8760.0 / len(ghi)
    what = "annual GHI" if not meta.partial else "GHI (scaled to a year)"
    hint = (
        _scale_hint(ratio, lo, hi)
        if ratio < lo
        else "values look too large for W m-2 (irradiation per step or W/m² x 1000?); check "
        "the unit and the column mapping"
    )
    raise WeatherError(
        f"{path}: column ghi: {what} {total * f / 1000:,.1f} kWh/m² is {ratio:.1%} of the "
        f"clear-sky GHI {clear * f / 1000:,.0f} kWh/m² at {meta.latitude:.2f}° N "
        f"{meta.longitude:.2f}° E (Ineichen; plausible {lo:.0%}-{hi:.0%}); {hint}; or set "
        f"[weather] ghi_clear_sky_ratio_min/_max"
    )


def check_diffuse(
    df: pd.DataFrame, cfg: WeatherConfig, path: str | Path, sun: _Sun, given: GivenColumns
) -> None:
    """Annual DHI/GHI within its band; overcast hours mostly diffuse (where DHI was given)."""
    ghi = df["ghi"].to_numpy(float)
    dhi = df["dhi"].to_numpy(float)
    share = float(np.nansum(dhi) / np.nansum(ghi))
    if not cfg.diffuse_share_min <= share <= cfg.diffuse_share_max:
        raise WeatherError(
            f"{path}: column dhi: annual diffuse share DHI/GHI {share:.2f} is outside "
            f"{cfg.diffuse_share_min:g}-{cfg.diffuse_share_max:g}; check the mapping of "
            f"dhi/dni/bhi (or set [weather] diffuse_share_min/_max)"
        )
    if not given.dhi:
        return
    day = (sun.zenith < OVERCAST_MAX_ZENITH_DEG) & (ghi > TEST_MIN_GHI_W_M2)
    kt = np.divide(ghi, sun.e0 * sun.cosz, out=np.ones_like(ghi), where=day)
    overcast = day & (kt < OVERCAST_KT)
    if np.count_nonzero(overcast) < MIN_TEST_HOURS:
        return
    kd = float(np.median(dhi[overcast] / ghi[overcast]))
    if kd < cfg.overcast_diffuse_fraction_min:
        raise WeatherError(
            f"{path}: column dhi: median diffuse fraction DHI/GHI {kd:.2f} in "
            f"{np.count_nonzero(overcast):,} overcast hours (kt < {OVERCAST_KT:g}), where it is "
            f"0.97 or more (Erbs et al. 1982; minimum {cfg.overcast_diffuse_fraction_min:g}); "
            f"direct and diffuse look swapped: swap the columns in the file or in --map"
        )


def _closure_fail_share(
    ghi: np.ndarray, dhi: np.ndarray, dni: np.ndarray, sun: _Sun, tested: np.ndarray
) -> float:
    """Share of the ``tested`` hours failing the BSRN closure test for (dhi, dni)."""
    pred = dhi + dni * sun.cosz
    tol = np.where(sun.zenith < CLOSURE_TOLERANCE[0][0], CLOSURE_TOLERANCE[0][1], 0.0)
    tol = np.where(
        (sun.zenith >= CLOSURE_TOLERANCE[0][0]) & (sun.zenith < CLOSURE_TOLERANCE[1][0]),
        CLOSURE_TOLERANCE[1][1],
        tol,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        bad = np.abs(ghi / pred - 1.0) > tol
    return float(np.count_nonzero(bad & tested) / np.count_nonzero(tested))


def check_closure(df: pd.DataFrame, cfg: WeatherConfig, path: str | Path, sun: _Sun) -> None:
    """GHI = DHI + DNI cos(Z) in most hours where the file gives all three components."""
    ghi, dhi, dni = (df[c].to_numpy(float) for c in ("ghi", "dhi", "dni"))
    tested = (ghi > TEST_MIN_GHI_W_M2) & (sun.zenith < CLOSURE_TOLERANCE[1][0])
    n = int(np.count_nonzero(tested))
    if n < MIN_TEST_HOURS:
        return
    share = _closure_fail_share(ghi, dhi, dni, sun, tested)
    if share <= cfg.closure_max_fail_fraction:
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        bhi_like = dni / np.where(sun.cosz > 0.05, sun.cosz, np.nan)  # dni read as GHI - DHI
    if _closure_fail_share(ghi, dhi, bhi_like, sun, tested) <= cfg.closure_max_fail_fraction:
        hint = "the dni column looks like GHI - DHI (beam on the horizontal): map it as bhi"
    elif _closure_fail_share(ghi, dni, dhi, sun, tested) <= cfg.closure_max_fail_fraction:
        hint = "dni and dhi look swapped: swap the columns in the file or in --map"
    else:
        hint = "check the mapping and units of ghi, dhi and dni"
    raise WeatherError(
        f"{path}: columns ghi/dhi/dni: GHI differs from DHI + DNI cos(Z) by more than 8 % "
        f"(15 % at low sun) in {share:.0%} of {n:,} daylight hours (BSRN closure test; at most "
        f"{cfg.closure_max_fail_fraction:.0%}); {hint}"
    )


__all__ = [
    "GivenColumns",
    "check_closure",
    "check_diffuse",
    "check_irradiance_scale",
    "check_plausibility",
    "given_columns",
]
