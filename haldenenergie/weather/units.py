"""Unit conversion INTO the canonical units, for the readers.

The one conversion OUT of them (windpowerlib's K and Pa) is
:func:`haldenenergie.weather.adapters.to_windpowerlib`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from numpy.typing import ArrayLike

from ..errors import WeatherError

#: unit name (lower case, spaces removed) -> (canonical quantity, function to canonical unit).
#: Irradiation per step is turned into a mean irradiance: J cm-2 * 1e4 / step [s].
UNIT_FUNCS: dict[str, tuple[str, Any]] = {
    "w/m2": ("irradiance", lambda v, s: v),
    "wm-2": ("irradiance", lambda v, s: v),
    "w/m^2": ("irradiance", lambda v, s: v),
    "j/cm2": ("irradiance", lambda v, s: v * 1e4 / s),
    "jcm-2": ("irradiance", lambda v, s: v * 1e4 / s),
    "wh/m2": ("irradiance", lambda v, s: v * 3600.0 / s),
    "kwh/m2": ("irradiance", lambda v, s: v * 3.6e6 / s),
    "kw/m2": ("irradiance", lambda v, s: v * 1000.0),
    "kwm-2": ("irradiance", lambda v, s: v * 1000.0),
    "kw/m^2": ("irradiance", lambda v, s: v * 1000.0),
    "c": ("temperature", lambda v, s: v),
    "degc": ("temperature", lambda v, s: v),
    "°c": ("temperature", lambda v, s: v),
    "k": ("temperature", lambda v, s: v - 273.15),
    "f": ("temperature", lambda v, s: (v - 32.0) * 5.0 / 9.0),
    "pa": ("pressure", lambda v, s: v),
    "hpa": ("pressure", lambda v, s: v * 100.0),
    "mbar": ("pressure", lambda v, s: v * 100.0),
    "kpa": ("pressure", lambda v, s: v * 1000.0),
    "m/s": ("speed", lambda v, s: v),
    "ms-1": ("speed", lambda v, s: v),
    "km/h": ("speed", lambda v, s: v / 3.6),
    "kn": ("speed", lambda v, s: v * 0.514444),
    "deg": ("angle", lambda v, s: v),
    "°": ("angle", lambda v, s: v),
}
#: Irradiation units with their own accumulation period [s].
_PER_PERIOD = {"j/cm2/h": 3600.0, "j/cm2/10min": 600.0, "j/cm2/min": 60.0}

QUANTITY_OF = {
    "ghi": "irradiance",
    "dhi": "irradiance",
    "dni": "irradiance",
    "bhi": "irradiance",
    "temp_air": "temperature",
    "pressure": "pressure",
    "wind_speed": "speed",
    "wind_direction": "angle",
}


def to_canonical(values: ArrayLike, unit: str, step_s: float) -> ArrayLike:
    """Values in ``unit`` converted to the canonical unit of their quantity.

    Parameters
    ----------
    values : array or Series of numbers.
    unit : a key of :data:`UNIT_FUNCS` (case and spaces ignored) or ``J/cm2/h`` etc.
    step_s : [s] accumulation period of irradiation units without their own (``J/cm2``).
    """
    key = unit.lower().replace(" ", "")
    if key in _PER_PERIOD:
        key, step_s = "j/cm2", _PER_PERIOD[key]
    return UNIT_FUNCS[key][1](values, step_s)


def convert_units(
    df: pd.DataFrame, units: dict[str, str], step_s: float, origin: str
) -> pd.DataFrame:
    """Convert the columns named in ``units`` (canonical name -> unit) in place; check fit.

    Raises
    ------
    WeatherError
        An unknown unit, or a unit of another quantity than the column's.
    """
    for col, unit in units.items():
        base = re.sub(r"_\d+(\.\d+)?m$", "", col)
        key = unit.lower().replace(" ", "")
        key = "j/cm2" if key in _PER_PERIOD else key
        if key not in UNIT_FUNCS:
            raise WeatherError(
                f"{origin}: unknown unit '{unit}' for column '{col}'; use one of "
                f"{', '.join(sorted(set(UNIT_FUNCS) | {'J/cm2/h', 'J/cm2/10min'}))}"
            )
        qty = UNIT_FUNCS[key][0]
        if QUANTITY_OF.get(base) != qty:
            raise WeatherError(
                f"{origin}: unit '{unit}' does not fit column '{col}' "
                f"(a {QUANTITY_OF.get(base, 'unknown quantity')}); fix --units"
            )
        if col in df:
            df[col] = to_canonical(df[col].astype(float), unit, step_s)
    return df
