"""Irradiance of the canonical form: plausibility limits and the derivation of DHI and DNI.

Limits: BSRN recommended QC tests (Long & Dutton 2002, BSRN Global Network recommended QC tests,
V2.0): GHI below ``a E0 cos(Z)^1.2 + b`` and DHI/GHI below the diffuse-ratio bound. Derivation:
GHI = B + D where a file gives the beam on the horizontal; DHI from GHI with the Erbs model where a
file gives GHI only; DNI = (GHI - DHI) / cos Z with a low-sun guard. The sun position is taken at
the interval middle (:mod:`haldenenergie.sun`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..errors import WeatherError
from ..sun import extraterrestrial_dni, solar_position
from .config import WeatherConfig
from .model import WeatherMeta, warn

#: Negative irradiance down to this [W m-2] is a night offset of thermopile pyranometers and set
#: to 0; below it is an error (assumption: offsets of a few W m-2, cf. BSRN QC, Long & Dutton 2002).
NIGHT_OFFSET_W_M2 = -5.0
#: GHI above which the BSRN diffuse-ratio test applies [W m-2] (Long & Dutton 2002).
DIFFUSE_RATIO_MIN_GHI_W_M2 = 50.0


def dni_from_beam_horizontal(
    bhi: ArrayLike, zenith: ArrayLike, dni_extra: ArrayLike, max_zenith_deg: float = 87.0
) -> np.ndarray:
    """DNI from beam irradiance on the horizontal, DNI = B / cos(Z), with a low-sun guard.

    Parameters
    ----------
    bhi : array [W m-2], beam (direct) irradiance on the horizontal plane, B = GHI - DHI.
    zenith : array [deg], true solar zenith at the interval middle.
    dni_extra : array [W m-2], extraterrestrial DNI (upper bound of DNI).
    max_zenith_deg : [deg], cos(Z) is not taken below cos(max_zenith_deg).

    Returns
    -------
    ndarray [W m-2]: 0 where Z >= 90° at the interval middle or B <= 0; otherwise
    ``B / max(cos Z, cos(max_zenith_deg))`` capped at ``dni_extra``.
    """
    b = np.asarray(bhi, dtype=float)
    z = np.asarray(zenith, dtype=float)
    cosz = np.cos(np.radians(z))
    dni = b / np.maximum(cosz, np.cos(np.radians(max_zenith_deg)))
    dni = np.where((z >= 90.0) | (b <= 0), 0.0, dni)
    dni = np.minimum(dni, np.asarray(dni_extra, dtype=float))
    return np.where(np.isnan(b), np.nan, dni)


def _clip_negative(df: pd.DataFrame, path) -> None:
    """Small negatives (night offsets) -> 0; larger ones are an error."""
    for c in ("ghi", "dhi", "dni", "bhi"):
        if c in df:
            v = df[c].to_numpy(float)
            neg = v < NIGHT_OFFSET_W_M2
            if neg.any():
                raise WeatherError(
                    f"{path}: negative irradiance in {c} ({int(neg.sum())} hours, min "
                    f"{np.nanmin(v):.1f} W m-2, first at "
                    f"{df.index[np.flatnonzero(neg)[0]]:%Y-%m-%d %H:%M} UTC); "
                    f"check the column mapping and sign convention"
                )
            df[c] = np.where(v < 0, 0.0, v)


def _check_ghi_limit(df: pd.DataFrame, zen, e0, cfg: WeatherConfig, path) -> None:
    ghi = df["ghi"].to_numpy(float)
    cosz = np.clip(np.cos(np.radians(zen)), 0.0, None)
    limit = cfg.ghi_max_factor * e0 * cosz**1.2 + cfg.ghi_max_offset_w_m2
    over = ghi > limit
    if over.any():
        i = np.flatnonzero(over)
        raise WeatherError(
            f"{path}: GHI above the physically possible limit (BSRN: {cfg.ghi_max_factor:g} E0 "
            f"cos(Z)^1.2 + {cfg.ghi_max_offset_w_m2:g} W m-2) in {len(i)} hours, first "
            f"{df.index[i[0]]:%Y-%m-%d %H:%M} UTC ({ghi[i[0]]:.0f} W m-2); the time zone or label "
            f"(interval start/end) is probably wrong: check --tz/--label, or irradiance is not "
            f"in W m-2"
        )


def _erbs_dhi(df: pd.DataFrame, zenith: pd.Series, meta: WeatherMeta) -> None:
    import pvlib

    doy = (df.index + pd.Timedelta(minutes=30)).day_of_year.to_numpy()
    erbs = pvlib.irradiance.erbs(df["ghi"], zenith, doy)
    df["dhi"] = np.asarray(erbs["dhi"], float)
    meta.notes.append("DHI split from GHI with the Erbs model (pvlib.irradiance.erbs)")


def _check_dhi(df: pd.DataFrame, meta: WeatherMeta, cfg: WeatherConfig, path) -> None:
    """DHI above GHI beyond the tolerance is an error; within it, DHI is clipped to GHI."""
    ghi = df["ghi"].to_numpy(float)
    dhi = df["dhi"].to_numpy(float)
    hi = ghi > DIFFUSE_RATIO_MIN_GHI_W_M2
    bound = np.where(hi, ghi * cfg.dhi_ghi_ratio_tolerance, ghi + cfg.dhi_ghi_abs_tolerance_w_m2)
    bad = dhi > bound + 1e-9
    if bad.any():
        i = np.flatnonzero(bad)
        raise WeatherError(
            f"{path}: DHI > GHI beyond tolerance in {len(i)} hours (first "
            f"{df.index[i[0]]:%Y-%m-%d %H:%M} UTC: DHI {dhi[i[0]]:.0f} > GHI {ghi[i[0]]:.0f} "
            f"W m-2); columns swapped? check the mapping of ghi/dhi"
        )
    clip = dhi > ghi
    if clip.any():
        df["dhi"] = np.minimum(dhi, ghi)
        warn(
            meta,
            f"{path}: DHI slightly above GHI in {int(clip.sum())} hours (within tolerance); "
            f"clipped to GHI",
        )


def _dni(df: pd.DataFrame, zen, e0, meta: WeatherMeta, cfg: WeatherConfig, path) -> None:
    """Derive DNI from GHI - DHI where the file has none; otherwise check it against E0."""
    if "dni" not in df or df["dni"].isna().all():
        bhi = df["ghi"].to_numpy(float) - df["dhi"].to_numpy(float)
        df["dni"] = dni_from_beam_horizontal(bhi, zen, e0, cfg.dni_max_zenith_deg)
        meta.notes.append(
            f"DNI = (GHI - DHI) / cos(Z) at the interval middle; cos(Z) not below "
            f"cos({cfg.dni_max_zenith_deg:g} deg), 0 with the sun below the horizon, "
            f"capped at E0"
        )
        return
    dni = df["dni"].to_numpy(float)
    if (dni > e0 + 1.0).any():
        i = np.flatnonzero(dni > e0 + 1.0)
        raise WeatherError(
            f"{path}: DNI above the extraterrestrial irradiance in {len(i)} hours "
            f"(first {df.index[i[0]]:%Y-%m-%d %H:%M} UTC); check the unit and "
            f"the column mapping"
        )


def derive_and_check(
    df: pd.DataFrame, meta: WeatherMeta, cfg: WeatherConfig, path: str | Path
) -> pd.DataFrame:
    """Check GHI, derive DHI (Erbs, if absent) and DNI, check DHI and DNI; drop ``bhi``.

    Parameters
    ----------
    df : hourly canonical frame with ``ghi`` [W m-2] (and optionally ``dhi``, ``dni``, ``bhi``).
    meta : location (latitude, longitude, elevation); notes and warnings are added.
    cfg : the thresholds; path : for messages.

    Returns
    -------
    The frame with ``ghi``, ``dhi``, ``dni`` [W m-2].
    """
    sp = solar_position(df.index, meta.latitude, meta.longitude, meta.elevation_m)
    zen = sp["zenith"].to_numpy()
    e0 = extraterrestrial_dni(df.index).to_numpy()
    _clip_negative(df, path)
    _check_ghi_limit(df, zen, e0, cfg, path)
    if "dhi" not in df:
        _erbs_dhi(df, sp["zenith"], meta)
    _check_dhi(df, meta, cfg, path)
    _dni(df, zen, e0, meta, cfg, path)
    if "bhi" in df:
        df = df.drop(columns="bhi")
    return df
