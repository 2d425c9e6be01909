"""Power-coefficient check of power curves, packaged corrections and the library listing.

The power coefficient of a curve is ``Cp(v) = P / (0.5 rho A v^3)`` with the standard air density
``rho = 1.225 kg m-3`` of IEC 61400-12-1 (power curves are stated at it) and the swept area
``A = pi D^2 / 4``. No rotor can extract more than the Betz limit ``16/27 = 0.593`` of the wind's
power (Betz 1920, "Das Maximum der theoretisch möglichen Ausnützung des Windes durch
Windmotoren", Zeitschrift für das gesamte Turbinenwesen 26). A curve above it is wrong (often a
curve filed under the wrong rotor): user curves are refused, library curves replaced by the
corrected curve of ``data/turbine_corrections.csv`` (from the manufacturer's data sheet).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..resources import data_path

#: Standard air density of power curves [kg m-3] (IEC 61400-12-1, ISO 2533 sea level).
RHO_STD_KG_M3 = 1.225
#: Betz limit of the power coefficient [-] (Betz 1920): 16/27.
BETZ_LIMIT = 16.0 / 27.0
#: A curve whose maximum stays below this fraction of the rated power "does not reach rated"
#: [-] (assumption: data-sheet curves reach the rated power to within rounding, < 1 %).
RATED_REACHED_FRACTION = 0.99
#: Packaged corrected curves (with sources).
CORRECTIONS_FILE = "turbine_corrections.csv"


@dataclass(frozen=True)
class CurveCheck:
    """Result of :func:`check_curve`.

    Attributes
    ----------
    max_cp : maximum power coefficient [-].
    max_cp_wind_speed_m_s : wind speed of the maximum [m s-1].
    max_power_kw : maximum of the curve [kW].
    specific_power_w_m2 : rated power per swept area [W m-2].
    problems : short flags: ``"Cp>Betz"``, ``"rated not reached"``, ``"non-monotonic"``.
    """

    max_cp: float
    max_cp_wind_speed_m_s: float
    max_power_kw: float
    specific_power_w_m2: float
    problems: tuple[str, ...]

    @property
    def above_betz(self) -> bool:
        """True when the maximum power coefficient exceeds the Betz limit."""
        return self.max_cp > BETZ_LIMIT


def power_coefficient(
    wind_speed_m_s: np.ndarray, power_kw: np.ndarray, rotor_diameter_m: float
) -> np.ndarray:
    """Power coefficient ``Cp = P / (0.5 rho A v^3)`` of a power curve [-].

    Parameters
    ----------
    wind_speed_m_s : wind speeds [m s-1].
    power_kw : electrical power [kW] at the standard density 1.225 kg m-3.
    rotor_diameter_m : rotor diameter D [m]; A = pi D^2 / 4.

    Returns
    -------
    numpy.ndarray : Cp [-], 0 where v <= 0.
    """
    v = np.asarray(wind_speed_m_s, dtype=float)
    p_w = np.asarray(power_kw, dtype=float) * 1e3
    area = np.pi * float(rotor_diameter_m) ** 2 / 4.0
    wind_w = 0.5 * RHO_STD_KG_M3 * area * np.where(v > 0, v, 1.0) ** 3
    return np.where(v > 0, p_w / wind_w, 0.0)


def check_curve(
    wind_speed_m_s, power_kw, rotor_diameter_m: float, nominal_power_kw: float
) -> CurveCheck:
    """Power coefficient and plausibility of a power curve.

    Parameters
    ----------
    wind_speed_m_s, power_kw : the curve [m s-1], [kW].
    rotor_diameter_m : rotor diameter [m].
    nominal_power_kw : rated power [kW].

    Returns
    -------
    CurveCheck
    """
    v = np.asarray(wind_speed_m_s, dtype=float)
    p = np.asarray(power_kw, dtype=float)
    cp = power_coefficient(v, p, rotor_diameter_m)
    i = int(np.argmax(cp))
    problems = []
    if cp[i] > BETZ_LIMIT:
        problems.append("Cp>Betz")
    if p.max() < RATED_REACHED_FRACTION * nominal_power_kw:
        problems.append("rated not reached")
    i_rated = int(np.argmax(p >= RATED_REACHED_FRACTION * p.max()))
    if np.any(np.diff(p[: i_rated + 1]) < 0):
        problems.append("non-monotonic")
    area = np.pi * float(rotor_diameter_m) ** 2 / 4.0
    return CurveCheck(
        max_cp=float(cp[i]),
        max_cp_wind_speed_m_s=float(v[i]),
        max_power_kw=float(p.max()),
        specific_power_w_m2=float(nominal_power_kw) * 1e3 / area,
        problems=tuple(problems),
    )


@functools.lru_cache(maxsize=4)
def read_curve_table(file_name: str) -> pd.DataFrame:
    """A packaged table of power curves, one row per curve point (``data/<file_name>``)."""
    with data_path(file_name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype={"turbine_type": str, "source": str})


def read_corrections() -> pd.DataFrame:
    """The packaged corrected curves ``data/turbine_corrections.csv`` (one row per curve point)."""
    return read_curve_table(CORRECTIONS_FILE)


def packaged_curve(
    turbine_type: str, file_name: str = CORRECTIONS_FILE
) -> tuple[float, float, tuple, tuple, str] | None:
    """(rated [kW], rotor [m], speeds [m s-1], powers [kW], source) of a packaged curve, or None.

    Parameters
    ----------
    turbine_type : turbine type, e.g. ``"E-101/3050"``.
    file_name : the packaged table (columns turbine_type, nominal_power_kw, rotor_diameter_m,
        wind_speed_m_s, power_kw, source).
    """
    df = read_curve_table(file_name)
    rows = df[df["turbine_type"] == turbine_type].sort_values("wind_speed_m_s")
    if rows.empty:
        return None
    return (
        float(rows["nominal_power_kw"].iloc[0]),
        float(rows["rotor_diameter_m"].iloc[0]),
        tuple(rows["wind_speed_m_s"].astype(float)),
        tuple(rows["power_kw"].astype(float)),
        f"{rows['source'].iloc[0]} (data/{file_name})",
    )


def corrected_curve(turbine_type: str) -> tuple[float, float, tuple, tuple, str] | None:
    """(rated [kW], rotor [m], wind speeds [m s-1], powers [kW], source) of a correction, or None.

    Parameters
    ----------
    turbine_type : windpowerlib type, e.g. ``"E-101/3050"``.
    """
    return packaged_curve(turbine_type, CORRECTIONS_FILE)
