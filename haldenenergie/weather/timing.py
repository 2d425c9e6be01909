"""Timing check of an irradiance series: is it where the sun says it should be.

A series whose time labels are off (a wrong time zone, hour-ending read as hour-starting, true
solar time read as clock time) still has the right annual GHI, but its hours are paired with the
wrong sun position, so that east- and west-facing surfaces swap yield. Two figures expose that:

* the **midday centroid**: the GHI-weighted mean time of the interval middles relative to that
  day's solar noon [min]. For a day that is symmetric about noon it is zero; the mean over a
  year of weather stays within a few minutes of zero, because clouds that favour one half of the
  day do not dominate a whole year. Hourly means placed at their interval middles give an
  unbiased centroid to first order (the sampling error cancels over a day whose GHI starts and
  ends at zero), so the figure is independent of where the hours fall relative to noon.
* the **best clear-sky shift**: the shift of the time labels [min] (in steps of 5 min) that makes
  GHI agree best (Pearson correlation over the daylight hours of clear days) with the pvlib
  Ineichen clear-sky GHI averaged over the same, shifted, intervals (Ineichen and Perez 2002,
  Solar Energy 73(3): 151-157; climatological Linke turbidity of Remund et al. 2003).

Sign convention: a positive shift means the values belong LATER than labelled (add the shift to
the labels); a series whose values belong later shows a negative centroid, about minus the shift.

All functions are pure: series in, numbers out. :func:`check_timing` combines them for the CLI
(``haldenenergie weather check-timing``).

References
----------
Ineichen, P. and Perez, R. (2002): A new airmass independent formulation for the Linke turbidity
coefficient. Solar Energy 73(3), 151-157 (pvlib ``clearsky.ineichen``, documented at
https://pvlib-python.readthedocs.io/en/latest/reference/generated/pvlib.clearsky.ineichen.html).
Remund, J., Wald, L., Lefevre, M., Ranchin, T. and Page, J. (2003): Worldwide Linke turbidity
information. ISES Solar World Congress, Goeteborg (pvlib ``clearsky.lookup_linke_turbidity``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..sun import extraterrestrial_dni, relative_airmass, solar_position

#: Shift steps tried by the clear-sky fit [min] (the resolution the issue asks for).
SHIFT_STEP_MIN = 5
#: Largest shift tried in either direction [min] (assumption: a whole-hour time-zone error plus a
#: half-hour label error, e.g. MESZ read as UTC with hour-ending labels, stays inside).
MAX_SHIFT_MIN = 120
#: Timing within this many minutes of the sun "looks right" [min] (assumption: a quarter of an
#: hourly step; a 30-min convention error, the smallest that hourly data can have, is outside).
TOLERANCE_MIN = 15.0
#: A day is clear when its GHI is at least this share of the clear-sky GHI [-] (assumption: the
#: annual clear-sky index of the DWD TRY Essen years is 0.64-0.68; 0.75 keeps the sunnier days).
CLEAR_DAY_RATIO = 0.75
#: Fewest clear days for a clear-day figure [d] (assumption); with fewer, all days are used.
MIN_CLEAR_DAYS = 5
#: Sub-step of the clear-sky integration [min]; equal to the shift step so that shifts are exact.
FINE_STEP_MIN = SHIFT_STEP_MIN


@dataclass(frozen=True)
class TimingReport:
    """Result of :func:`check_timing`.

    Attributes
    ----------
    centroid_min : GHI-weighted midday centroid relative to solar noon, all days [min].
    centroid_clear_min : the same over clear days [min]; None with fewer than MIN_CLEAR_DAYS.
    n_clear_days : number of clear days [d].
    best_shift_min : shift of the labels with the best clear-sky agreement [min].
    best_correlation : Pearson correlation at that shift [-].
    correlation_at_zero : Pearson correlation without a shift [-].
    looks_right : whether |best_shift_min| <= tolerance.
    verdict : one-line verdict.
    scores : correlation per tried shift [-], indexed by shift [min].
    """

    centroid_min: float
    centroid_clear_min: float | None
    n_clear_days: int
    best_shift_min: float
    best_correlation: float
    correlation_at_zero: float
    looks_right: bool
    verdict: str
    scores: pd.Series = field(repr=False)

    def to_dict(self) -> dict:
        """The figures (without ``scores``) as a JSON-able dict, minutes rounded to 0.1 min."""

        def r(v, nd=1):
            return None if v is None or not np.isfinite(v) else round(float(v), nd)

        return {
            "centroid_min": r(self.centroid_min),
            "centroid_clear_min": r(self.centroid_clear_min),
            "n_clear_days": self.n_clear_days,
            "best_shift_min": r(self.best_shift_min),
            "best_correlation": r(self.best_correlation, 4),
            "correlation_at_zero": r(self.correlation_at_zero, 4),
            "looks_right": self.looks_right,
            "verdict": self.verdict,
        }


def interval_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    """Most common step of ``index`` (1 h for fewer than two stamps).

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts.

    Returns
    -------
    Timedelta
        The step [time].
    """
    if len(index) < 2:
        return pd.Timedelta(hours=1)
    return pd.Timedelta(pd.Series(np.diff(index.to_numpy())).mode().iloc[0])


def minutes_from_solar_noon(
    index: pd.DatetimeIndex, latitude: float, longitude: float, step: pd.Timedelta | None = None
) -> np.ndarray:
    """Time of each interval middle minus that day's solar noon [min].

    Solar noon in UTC is ``12 h - longitude / 15 deg h-1 - equation of time`` (equation of time
    from the NREL SPA via :func:`haldenenergie.sun.solar_position`).

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts, tz-aware [UTC].
    latitude, longitude : float
        Location [deg].
    step : Timedelta, optional
        Interval length; default: the index's step.

    Returns
    -------
    ndarray
        Minutes between the interval middle and solar noon [min], in -720..720.
    """
    step = interval_step(index) if step is None else step
    sp = solar_position(index, latitude, longitude, step=step)
    mid = index.tz_convert("UTC") + step / 2
    minute_of_day = (mid.hour * 60 + mid.minute + mid.second / 60).to_numpy(float)
    noon = 720.0 - 4.0 * longitude - sp["equation_of_time"].to_numpy(float)
    return (minute_of_day - noon + 720.0) % 1440.0 - 720.0


def midday_centroid(ghi: np.ndarray, minutes: np.ndarray, mask: np.ndarray | None = None) -> float:
    """GHI-weighted mean of ``minutes`` [min]; NaN where there is no irradiance.

    Parameters
    ----------
    ghi : ndarray
        Global horizontal irradiance [W m-2].
    minutes : ndarray
        Interval middle minus solar noon [min] (:func:`minutes_from_solar_noon`).
    mask : ndarray of bool, optional
        Intervals to use (e.g. clear days); default all.

    Returns
    -------
    float
        The centroid [min].
    """
    g = np.nan_to_num(np.asarray(ghi, dtype=float), nan=0.0).clip(min=0.0)
    if mask is not None:
        g = np.where(mask, g, 0.0)
    total = g.sum()
    return float(np.sum(g * minutes) / total) if total > 0 else float("nan")


def clear_sky_fine(
    start: pd.Timestamp,
    n: int,
    latitude: float,
    longitude: float,
    elevation_m: float | None = None,
) -> np.ndarray:
    """Ineichen clear-sky GHI on ``n`` sub-intervals of FINE_STEP_MIN from ``start`` [W m-2].

    Each value is the clear-sky GHI at the middle of its sub-interval (pvlib
    ``clearsky.ineichen`` with the climatological Linke turbidity, Remund et al. 2003).

    Parameters
    ----------
    start : Timestamp
        Start of the first sub-interval, tz-aware [UTC].
    n : int
        Number of sub-intervals.
    latitude, longitude : float
        Location [deg].
    elevation_m : float, optional
        Height above sea level [m]; 0 if None.

    Returns
    -------
    ndarray
        Clear-sky GHI [W m-2], 0 at night.
    """
    import pvlib

    fine = pd.Timedelta(minutes=FINE_STEP_MIN)
    idx = pd.date_range(start, periods=n, freq=fine)
    sp = solar_position(idx, latitude, longitude, elevation_m, step=fine)
    app = sp["apparent_zenith"].to_numpy(float)
    altitude = float(elevation_m or 0.0)
    linke = pvlib.clearsky.lookup_linke_turbidity(idx + fine / 2, latitude, longitude)
    e0 = extraterrestrial_dni(idx, step=fine).to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        am_abs = relative_airmass(app) * pvlib.atmosphere.alt2pres(altitude) / 101325.0
        cs = pvlib.clearsky.ineichen(app, am_abs, linke.to_numpy(float), altitude, e0)
    return np.nan_to_num(np.asarray(cs["ghi"], dtype=float), nan=0.0)


def shifted_clear_sky(
    index: pd.DatetimeIndex,
    shifts_min: np.ndarray,
    latitude: float,
    longitude: float,
    elevation_m: float | None = None,
    step: pd.Timedelta | None = None,
) -> np.ndarray:
    """Clear-sky GHI averaged over each interval moved by each shift [W m-2].

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts, tz-aware [UTC].
    shifts_min : ndarray
        Shifts [min], multiples of FINE_STEP_MIN; positive = the interval moved later.
    latitude, longitude, elevation_m : float
        Location [deg], height [m].
    step : Timedelta, optional
        Interval length (a multiple of FINE_STEP_MIN); default: the index's step.

    Returns
    -------
    ndarray, shape (len(shifts_min), len(index))
        Mean clear-sky GHI over ``[t + s, t + s + step)`` [W m-2].
    """
    step = interval_step(index) if step is None else step
    fine = pd.Timedelta(minutes=FINE_STEP_MIN)
    per = max(1, int(step / fine))
    lead = int(np.max(np.abs(shifts_min)) // FINE_STEP_MIN) + 1
    start = index[0].tz_convert("UTC") - lead * fine
    pos = np.asarray((index.tz_convert("UTC") - start) // fine, dtype=np.int64)
    n = int(pos.max()) + per + lead + 1
    csum = np.concatenate(
        [[0.0], np.cumsum(clear_sky_fine(start, n, latitude, longitude, elevation_m))]
    )
    out = np.empty((len(shifts_min), len(index)))
    for k, s in enumerate(np.asarray(shifts_min)):
        j0 = pos + int(round(s / FINE_STEP_MIN))
        out[k] = (csum[j0 + per] - csum[j0]) / per
    return out


def clear_day_mask(
    index: pd.DatetimeIndex, ghi: np.ndarray, clear_ghi: np.ndarray, ratio: float = CLEAR_DAY_RATIO
) -> np.ndarray:
    """Intervals of days whose GHI is at least ``ratio`` of the clear-sky GHI.

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts [UTC].
    ghi, clear_ghi : ndarray
        Measured and clear-sky GHI [W m-2].
    ratio : float
        Daily clear-sky index threshold [-].

    Returns
    -------
    ndarray of bool
        True for every interval of a clear day.
    """
    day = index.tz_convert("UTC").normalize()
    g = pd.Series(np.nan_to_num(ghi, nan=0.0), index=day).groupby(level=0).transform("sum")
    c = pd.Series(clear_ghi, index=day).groupby(level=0).transform("sum")
    return ((c > 0) & (g >= ratio * c)).to_numpy()


def _correlations(ghi: np.ndarray, clear: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Pearson correlation of GHI with each row of ``clear`` over daylight intervals in mask."""
    g = np.nan_to_num(ghi, nan=0.0)
    use = mask & ((g > 0) | (clear.max(axis=0) > 0))
    gu = g[use] - g[use].mean()
    cu = clear[:, use] - clear[:, use].mean(axis=1, keepdims=True)
    denom = np.sqrt((gu**2).sum() * (cu**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (cu @ gu) / denom, np.nan)


def timing_verdict(shift_min: float, tolerance_min: float = TOLERANCE_MIN) -> str:
    """One-line verdict on a best clear-sky shift [min].

    Parameters
    ----------
    shift_min : float
        Best clear-sky shift of the labels [min] (positive: the values belong later).
    tolerance_min : float
        Largest shift that still looks right [min].

    Returns
    -------
    str
        ``"looks right"`` or ``"shifted by about X min: ..."``.
    """
    if not np.isfinite(shift_min):
        return "not checked: no irradiance in the series"
    if abs(shift_min) <= tolerance_min:
        return "looks right"
    where = "later" if shift_min > 0 else "earlier"
    return (
        f"shifted by about {shift_min:+.0f} min (the values belong {abs(shift_min):.0f} min "
        f"{where} than labelled): check the time convention/--tz/--label"
    )


def check_timing(
    data: pd.DataFrame,
    latitude: float,
    longitude: float,
    elevation_m: float | None = None,
    *,
    max_shift_min: float = MAX_SHIFT_MIN,
    tolerance_min: float = TOLERANCE_MIN,
) -> TimingReport:
    """Midday centroid and best clear-sky shift of a canonical series.

    Parameters
    ----------
    data : DataFrame
        Canonical weather with ``ghi`` [W m-2], indexed by interval starts [UTC].
    latitude, longitude : float
        Location [deg].
    elevation_m : float, optional
        Height above sea level [m].
    max_shift_min : float
        Largest shift tried either way [min].
    tolerance_min : float
        Largest best shift that looks right [min].

    Returns
    -------
    TimingReport
        The figures and the verdict.
    """
    index = data.index
    step = interval_step(index)
    ghi = np.nan_to_num(data["ghi"].to_numpy(float), nan=0.0)
    n_steps = int(max_shift_min // SHIFT_STEP_MIN)
    shifts = np.arange(-n_steps, n_steps + 1) * SHIFT_STEP_MIN
    clear = shifted_clear_sky(index, shifts, latitude, longitude, elevation_m, step)
    zero = int(np.flatnonzero(shifts == 0)[0])
    clear_days = clear_day_mask(index, ghi, clear[zero])
    n_clear = int(pd.Series(clear_days, index=index.normalize()).groupby(level=0).any().sum())
    enough = n_clear >= MIN_CLEAR_DAYS
    minutes = minutes_from_solar_noon(index, latitude, longitude, step)
    scores = _correlations(ghi, clear, clear_days if enough else np.ones(len(ghi), bool))
    best = int(np.nanargmax(scores)) if np.isfinite(scores).any() else zero
    best_shift = float(shifts[best]) if np.isfinite(scores).any() else float("nan")
    return TimingReport(
        centroid_min=midday_centroid(ghi, minutes),
        centroid_clear_min=midday_centroid(ghi, minutes, clear_days) if enough else None,
        n_clear_days=n_clear,
        best_shift_min=best_shift,
        best_correlation=float(scores[best]),
        correlation_at_zero=float(scores[zero]),
        looks_right=bool(np.isfinite(best_shift) and abs(best_shift) <= tolerance_min),
        verdict=timing_verdict(best_shift, tolerance_min),
        scores=pd.Series(scores, index=pd.Index(shifts, name="shift_min"), name="correlation"),
    )
