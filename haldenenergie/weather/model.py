"""The canonical weather form: column names, units, time convention, metadata.

Every reader returns ``(data, meta)``: ``data`` is a :class:`pandas.DataFrame` on a timezone-aware
**UTC** :class:`~pandas.DatetimeIndex` at **hourly** resolution whose timestamps label the
**start** of their hour, with the columns of :data:`CANONICAL_UNITS` (pvlib names); ``meta`` is a
:class:`WeatherMeta`. A format reader hands a :class:`RawSeries` (values already in canonical units,
not yet on the hourly grid) to :func:`haldenenergie.weather.validate.finish`.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger("haldenenergie.weather")

#: Canonical columns every series has after reading (``wind_direction`` and ``cloud_cover_okta``
#: optional).
REQUIRED_COLUMNS: tuple[str, ...] = ("ghi", "dhi", "dni", "temp_air", "wind_speed", "pressure")
IRRADIANCE_COLUMNS: tuple[str, ...] = ("ghi", "dhi", "dni")
#: Optional columns: kept where a reader has them, filled with the previous value where short
#: gaps occur, dropped when more than half empty (validate._fill_optional). ``cloud_cover_okta``
#: is the total cloud cover in eighths of the sky (okta, 0-8; WMO-No. 306 code table 2700, where
#: 9 = sky obscured is read as 8 by the readers), used by the wind stage's stability classes.
OPTIONAL_COLUMNS: tuple[str, ...] = ("wind_direction", "cloud_cover_okta")

#: Units of the canonical columns (also the suffixes used in the canonical CSV header).
CANONICAL_UNITS: dict[str, str] = {
    "ghi": "W m-2",
    "dhi": "W m-2",
    "dni": "W m-2",
    "temp_air": "degC",
    "wind_speed": "m s-1",
    "pressure": "Pa",
    "wind_direction": "deg",
    "cloud_cover_okta": "okta",
}

#: Extra heights: ``wind_speed_<h>m`` [m s-1] and ``temp_air_<h>m`` [degC].
EXTRA_WIND_PATTERN = r"wind_speed_\d+(\.\d+)?m"
EXTRA_TEMP_PATTERN = r"temp_air_\d+(\.\d+)?m"

#: Time convention of the canonical form (written into every canonical CSV and printed by ``info``).
TIME_CONVENTION = "UTC, hourly, label = start of the interval; sun position at label + 30 min"

#: The Essen test reference year location (DWD TRY2015 grid cell RW 3802500 / HW 2745500 in
#: ETRS89 / LCC Europe, EPSG:3034; DWD/BBSR 2017, TRY2015 Essen header). Used by the synthetic year.
ESSEN_TRY_LOCATION = {
    "station": "Essen (DWD TRY2015 grid cell 3802500/2745500)",
    "latitude": 51.4562,
    "longitude": 7.0568,
    "elevation_m": 102.0,
}

#: Hours of a (non-leap) year: a series counts as annual if it covers them (see read_weather).
HOURS_PER_YEAR = 8760

#: First line of the project's canonical CSV (see :func:`haldenenergie.weather.write_weather`).
CANONICAL_MAGIC = "# haldenenergie canonical weather"


@dataclass
class WeatherMeta:
    """What is known about a weather series besides its values.

    Attributes
    ----------
    path : str, the file (or folder of CDC files) read; ``"<synthetic>"`` or ``"<pvgis api>"``.
    sha256 : str, hash of the file bytes (of all files, combined, for several).
    source_format : str, a key of :data:`haldenenergie.weather.FORMATS`.
    station : str or None, station or location name.
    latitude, longitude : float [deg] WGS84 of the station or grid cell; elevation_m : float or
        None [m a.s.l.].
    data_source : str or None, who produced the values, e.g. ``"PVGIS-SARAH3 + ERA5"``,
        ``"EPW Essen (TMY3 source)"``, ``"DWD CDC station 1078"``.
    source_period : str or None, the period the file's values come from, as the file states it:
        first and last timestamp (``"2016-01-01 00:10 to 2016-12-31 23:10 UTC"``) or, for a
        typical year, ``"typical year of 2005-2023"`` (``period_start``/``period_end`` are those
        of the canonical series, a typical year relabelled into one calendar year).
    period_start, period_end : pandas.Timestamp, first and last interval start (UTC).
    step : str, step of the canonical series (``"1h"``); source_step : str, step in the file.
    wind_speed_height_m : float [m]; temp_air_height_m : float [m].
    roughness_length_m : float or None [m], roughness length of the station's surroundings: from
        the file (windpowerlib CSV) or the station table (airport 0.03 m); None = the regional z0
        of the wind stage describes the series (TRY grid cells, reanalysis). Its source is the
        ``station roughness: ...`` line of ``notes``.
    n_gaps_filled : int, values filled by interpolation (all columns).
    n_gaps : int, gaps (runs of missing hours/values) found; n_long_gaps_dropped : int.
    partial : bool, series shorter than a year (or with dropped long gaps).
    coverage_fraction : float, valid hours / hours of the year(s) covered (1.0 for a full year).
    annual_factor : float, multiply sums over the series by it to get values per year.
    n_hours : int, rows of the canonical series.
    irradiance_available : bool, False for wind-only files (windpowerlib CSV).
    extra_wind_heights_m, extra_temp_heights_m : tuple of float [m].
    time_convention : str; notes : list of str (how the file was interpreted);
    warnings : list of str (problems found and fixed; also logged).
    """

    path: str
    sha256: str
    source_format: str
    station: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    elevation_m: float | None = None
    data_source: str | None = None
    source_period: str | None = None
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    step: str = "1h"
    source_step: str = "1h"
    wind_speed_height_m: float = 10.0
    temp_air_height_m: float = 2.0
    roughness_length_m: float | None = None
    n_gaps_filled: int = 0
    n_gaps: int = 0
    n_long_gaps_dropped: int = 0
    partial: bool = False
    coverage_fraction: float = 1.0
    annual_factor: float = 1.0
    n_hours: int = 0
    irradiance_available: bool = True
    extra_wind_heights_m: tuple = ()
    extra_temp_heights_m: tuple = ()
    time_convention: str = TIME_CONVENTION
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def anemometer_height_m(self) -> float:
        """Height the wind was measured at [m] (the same as ``wind_speed_height_m``)."""
        return self.wind_speed_height_m

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (timestamps as ISO strings)."""
        d = asdict(self)
        for k in ("period_start", "period_end"):
            if d[k] is not None:
                d[k] = pd.Timestamp(d[k]).isoformat()
        return d


@dataclass
class RawSeries:
    """What a format reader hands to the common pipeline (values already in canonical units).

    Attributes
    ----------
    data : DataFrame on a tz-aware UTC index of interval STARTS, canonical column names (``bhi``
        [W m-2], beam on the horizontal, is allowed in place of ``dni``; not yet hourly).
    source_format : str, the format's registry name.
    station, latitude, longitude, elevation_m : location as in :class:`WeatherMeta`.
    data_source, source_period : str or None, as in :class:`WeatherMeta`.
    wind_speed_height_m : float or None [m], None = ``WeatherConfig.default_wind_speed_height_m``.
    temp_air_height_m : float [m]; roughness_length_m : float or None [m].
    irradiance_available : bool, False for wind-only files.
    typical_year : int or None, roll a typical year into this calendar year (UTC).
    notes, warnings : list of str, carried into the metadata.
    row_numbers : ndarray or None, file line numbers (1-based) of the data rows, for messages.
    """

    data: pd.DataFrame
    source_format: str
    station: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    elevation_m: float | None = None
    data_source: str | None = None
    source_period: str | None = None
    wind_speed_height_m: float | None = None
    temp_air_height_m: float = 2.0
    roughness_length_m: float | None = None
    irradiance_available: bool = True
    typical_year: int | None = None
    notes: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    row_numbers: np.ndarray | None = None


def take_source_meta(raw: RawSeries, meta: WeatherMeta) -> None:
    """Copy the reader's data source and source period into ``meta`` (where the reader has them).

    Parameters
    ----------
    raw : a reader's result; meta : the metadata to fill (in place).
    """
    if raw.data_source is not None:
        meta.data_source = raw.data_source
    if raw.source_period is not None:
        meta.source_period = raw.source_period


def period_text(index: pd.DatetimeIndex) -> str | None:
    """First and last timestamp of a file's own index, ``"2016-01-01 00:10 to … UTC"``.

    Parameters
    ----------
    index : the timestamps as read (tz-aware; converted to UTC for the text).

    Returns
    -------
    str, or None for an empty index.
    """
    if len(index) == 0:
        return None
    idx = pd.DatetimeIndex(index)
    if idx.tz is not None:
        idx = idx.tz_convert("UTC")
    return f"{idx.min():%Y-%m-%d %H:%M} to {idx.max():%Y-%m-%d %H:%M} UTC"


def typical_year_text(years) -> str | None:
    """``"typical year of 2005-2023"`` from the years its months come from (None if unknown).

    Parameters
    ----------
    years : iterable of int, the source years (e.g. PVGIS ``months_selected``, EPW ``year``).
    """
    ys = sorted({int(y) for y in years if y is not None and not pd.isna(y)})
    if not ys:
        return None
    return f"typical year of {ys[0]}-{ys[-1]}" if len(ys) > 1 else f"typical year of {ys[0]}"


def warn(meta_or_list: WeatherMeta | list, msg: str) -> None:
    """Record a warning in ``meta.warnings`` (or a list) and log it."""
    lst = meta_or_list.warnings if isinstance(meta_or_list, WeatherMeta) else meta_or_list
    lst.append(msg)
    log.warning(msg)


__all__ = [
    "CANONICAL_MAGIC",
    "CANONICAL_UNITS",
    "ESSEN_TRY_LOCATION",
    "EXTRA_TEMP_PATTERN",
    "EXTRA_WIND_PATTERN",
    "HOURS_PER_YEAR",
    "IRRADIANCE_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "TIME_CONVENTION",
    "RawSeries",
    "WeatherMeta",
    "period_text",
    "take_source_meta",
    "typical_year_text",
    "warn",
]
