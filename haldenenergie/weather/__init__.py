"""Weather series: readers for the formats planners have, strict validation, one canonical form.

Canonical form
--------------
Every reader returns ``(data, meta)``:

``data``
    :class:`pandas.DataFrame` on a timezone-aware **UTC** :class:`~pandas.DatetimeIndex` at
    **hourly** resolution. Each timestamp labels the **start** of its hour: the row
    ``2015-06-21 11:00+00:00`` holds the mean over 11:00–12:00 UTC. Whoever needs the sun position
    for a row computes it for the **interval middle**, ``index + 30 min`` (:func:`solar_position`).
    Columns (pvlib names and units):

    ========================  =========  ==========================================================
    ``ghi``                   [W m-2]    global horizontal irradiance, hourly mean
    ``dhi``                   [W m-2]    diffuse horizontal irradiance, hourly mean
    ``dni``                   [W m-2]    direct normal irradiance, hourly mean (derived if needed)
    ``temp_air``              [°C]       air temperature at ``meta.temp_air_height_m`` (usually 2 m)
    ``wind_speed``            [m s-1]    wind speed at ``meta.wind_speed_height_m`` (usually 10 m)
    ``pressure``              [Pa]       air pressure at station level
    ``wind_direction``        [deg]      optional, clockwise from north, where the wind comes from
    ``wind_speed_<h>m``       [m s-1]    optional extra heights, ``meta.extra_wind_heights_m``
    ``temp_air_<h>m``         [°C]       optional extra heights, ``meta.extra_temp_heights_m``
    ========================  =========  ==========================================================

``meta``
    :class:`WeatherMeta`: file, hash, format, location, period, heights, gaps, partial flag,
    warnings.

Layout (like pvlib's ``iotools``): :mod:`.model` (canonical columns, :class:`WeatherMeta`),
:mod:`.config` (:class:`WeatherConfig`), :mod:`.read` (:func:`read_weather`,
:func:`detect_format`), :mod:`.readers` (one module per format, registered in :data:`FORMATS`:
the canonical CSV, DWD test reference years TRY2015/TRY2045 and TRY2010, DWD CDC station products,
the 15-minute DWD CSV, windpowerlib's CSV, PVGIS TMY and hourly series, EPW and a generic CSV with
a column mapping), :mod:`.validate` (gaps, ranges, coverage), :mod:`.irradiance` (physical limits,
DHI/DNI derivation), :mod:`.plausibility` and :mod:`.plausibility_met` (wrong units, swapped
columns, frozen sensors), :mod:`.distance` (:func:`check_station_distance`), :mod:`.filecheck`
(bounded reading), :mod:`.adapters` (:func:`to_windpowerlib`, the ONE unit conversion for
windpowerlib), :mod:`.write` (:func:`write_weather`), :mod:`.fetch` (:func:`get_pvgis_tmy`) and
:mod:`.synth` (the synthetic default year).

The names below are imported lazily, so that ``haldenenergie.weather.config`` can be imported
without pandas or pvlib.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> submodule that defines it (relative to this package)
_EXPORTS: dict[str, str] = {
    # model
    "CANONICAL_MAGIC": ".model",
    "CANONICAL_UNITS": ".model",
    "ESSEN_TRY_LOCATION": ".model",
    "HOURS_PER_YEAR": ".model",
    "IRRADIANCE_COLUMNS": ".model",
    "OPTIONAL_COLUMNS": ".model",
    "REQUIRED_COLUMNS": ".model",
    "TIME_CONVENTION": ".model",
    "RawSeries": ".model",
    "WeatherMeta": ".model",
    # config
    "WeatherConfig": ".config",
    # read
    "detect_format": ".read",
    "read_weather": ".read",
    "FORMATS": ".readers",
    "FORMAT_ALIASES": ".readers",
    "CDC_VARIABLE_MAP": ".readers.dwd_cdc",
    "parse_mapping": ".readers.generic",
    # derive, adapt, write, fetch, summarise
    "dni_from_beam_horizontal": ".irradiance",
    "to_windpowerlib": ".adapters",
    "write_weather": ".write",
    "get_pvgis_tmy": ".fetch",
    "summarize": ".summary",
    # plausibility, station distance, bounded reading
    "check_plausibility": ".plausibility",
    "check_station_distance": ".distance",
    "great_circle_km": ".distance",
    "check_readable": ".filecheck",
    # shared owners, re-exported for the weather stage's users
    "solar_position": "haldenenergie.sun",
    "extraterrestrial_dni": "haldenenergie.sun",
    "DEFAULT_WEATHER_NAME": "haldenenergie.resources",
    "default_weather_path": "haldenenergie.resources",
}

__all__ = sorted([*_EXPORTS, "DEFAULT_WEATHER"])


def __getattr__(name: str) -> Any:
    if name == "DEFAULT_WEATHER":  # the packaged default year (a path, as before the package)
        from ..resources import default_weather_path

        return default_weather_path()
    if name in _EXPORTS:
        module = importlib.import_module(_EXPORTS[name], __name__)  # absolute names ignore it
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
