"""Adapters from the canonical form to other libraries' layouts.

:func:`to_windpowerlib` is the ONE place that converts units for windpowerlib (K, Pa, MultiIndex
``(variable_name, height)`` columns).
"""

from __future__ import annotations

import pandas as pd

from .model import WeatherMeta

#: [K] 0 degC (ITS-90 / SI definition of the Celsius scale).
ZERO_CELSIUS_K = 273.15


def to_windpowerlib(
    data: pd.DataFrame, meta: WeatherMeta, roughness_length_m: float | None = None
) -> pd.DataFrame:
    """Windpowerlib's weather frame from a canonical series.

    Parameters
    ----------
    data : canonical DataFrame (``wind_speed`` [m s-1], ``temp_air`` [°C], ``pressure`` [Pa],
        optional ``wind_speed_<h>m`` / ``temp_air_<h>m``).
    meta : its WeatherMeta (heights, roughness length).
    roughness_length_m : [m] used when the file gives none (``meta.roughness_length_m`` wins if set
        and this is None).

    Returns
    -------
    DataFrame with MultiIndex columns ``(variable_name, height)``: ``wind_speed`` [m s-1] at every
    height, ``temperature`` [K] at each temperature height, ``pressure`` [Pa] at 0 m and
    ``roughness_length`` [m] at 0 m (if known). Same index as ``data``.
    """
    cols: dict[tuple[str, float], pd.Series] = {}
    cols[("wind_speed", float(meta.wind_speed_height_m))] = data["wind_speed"].astype(float)
    for h in meta.extra_wind_heights_m:
        cols[("wind_speed", float(h))] = data[f"wind_speed_{h:g}m"].astype(float)
    cols[("temperature", float(meta.temp_air_height_m))] = (
        data["temp_air"].astype(float) + ZERO_CELSIUS_K
    )
    for h in meta.extra_temp_heights_m:
        cols[("temperature", float(h))] = data[f"temp_air_{h:g}m"].astype(float) + ZERO_CELSIUS_K
    cols[("pressure", 0.0)] = data["pressure"].astype(float)
    z0 = roughness_length_m if roughness_length_m is not None else meta.roughness_length_m
    if z0 is not None:
        cols[("roughness_length", 0.0)] = pd.Series(float(z0), index=data.index)
    out = pd.DataFrame(cols, index=data.index)
    out.columns = pd.MultiIndex.from_tuples(out.columns, names=["variable_name", "height"])
    return out
