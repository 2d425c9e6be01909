"""The sun: one solar-position routine for the whole package.

Weather series are labelled by interval *start* (UTC); the sun is evaluated at each interval's
*middle* (``index + step / 2``), the time that best represents an hourly (or 15-min) mean. The
weather readers (DNI from beam, plausibility limits), the synthetic year and the PV model all call
:func:`solar_position`, so that they agree to the bit.

References
----------
Reda, I. and Andreas, A. (2004): Solar position algorithm for solar radiation applications.
Solar Energy 76(5), 577-589 (NREL SPA; pvlib ``method="nrel_numpy"``).
Spencer, J. W. (1971): Fourier series representation of the position of the sun. Search 2(5), 172
(extraterrestrial irradiance, ``pvlib.irradiance.get_extra_radiation``).
Kasten, F. and Young, A. T. (1989): Revised optical air mass tables and approximation formula.
Applied Optics 28(22), 4735-4738 (relative air mass).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: pvlib's solar-position method: NREL SPA in numpy (Reda and Andreas 2004), pvlib's default.
METHOD = "nrel_numpy"


def interval_middles(index: pd.DatetimeIndex, step: pd.Timedelta | None = None) -> pd.DatetimeIndex:
    """Middle of each interval labelled by its start.

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts (tz-aware).
    step : Timedelta, optional
        Interval length; default one hour.

    Returns
    -------
    DatetimeIndex
        ``index + step / 2``.
    """
    step = pd.Timedelta(hours=1) if step is None else step
    return index + step / 2


def solar_position(
    index: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    elevation_m: float | None = None,
    *,
    step: pd.Timedelta | None = None,
    pressure_pa=None,
    temp_air_c=None,
) -> pd.DataFrame:
    """Sun position at the middle of each interval labelled by its start.

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts, tz-aware [UTC].
    latitude, longitude : float
        Location [deg].
    elevation_m : float, optional
        Height above sea level [m]; 0 if None.
    step : Timedelta, optional
        Interval length (default 1 h); the sun is evaluated at ``index + step / 2``.
    pressure_pa, temp_air_c : array-like, optional
        Air pressure [Pa] and temperature [degC] for the refraction correction of the apparent
        zenith (pvlib's defaults, 101325 Pa and 12 degC, when omitted). The true ``zenith`` does
        not depend on them.

    Returns
    -------
    DataFrame
        Indexed like ``index``, with pvlib's columns ``apparent_zenith``, ``zenith``,
        ``apparent_elevation``, ``elevation``, ``azimuth`` [deg] and ``equation_of_time`` [min].
    """
    import pvlib

    kwargs = {}
    if pressure_pa is not None:
        kwargs["pressure"] = np.asarray(pressure_pa, dtype=float)
    if temp_air_c is not None:
        kwargs["temperature"] = np.asarray(temp_air_c, dtype=float)
    sp = pvlib.solarposition.get_solarposition(
        interval_middles(index, step),
        latitude,
        longitude,
        altitude=elevation_m or 0.0,
        method=METHOD,
        **kwargs,
    )
    sp.index = index
    return sp


def extraterrestrial_dni(index: pd.DatetimeIndex, step: pd.Timedelta | None = None) -> pd.Series:
    """Extraterrestrial normal irradiance at the interval middles.

    Parameters
    ----------
    index : DatetimeIndex
        Interval starts (tz-aware).
    step : Timedelta, optional
        Interval length (default 1 h).

    Returns
    -------
    Series
        E0 [W m-2] (Spencer 1971, ``pvlib.irradiance.get_extra_radiation``), indexed like
        ``index``.
    """
    import pvlib

    return pvlib.irradiance.get_extra_radiation(interval_middles(index, step)).set_axis(index)


def relative_airmass(apparent_zenith_deg) -> np.ndarray:
    """Relative optical air mass (Kasten and Young 1989) [-], NaN when the sun is down.

    Parameters
    ----------
    apparent_zenith_deg : array-like
        Apparent (refracted) solar zenith [deg].

    Returns
    -------
    ndarray
        Relative air mass [-].
    """
    import pvlib

    return np.asarray(
        pvlib.atmosphere.get_relative_airmass(
            np.asarray(apparent_zenith_deg, dtype=float), model="kastenyoung1989"
        ),
        dtype=float,
    )
