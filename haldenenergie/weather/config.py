"""Configuration section ``[weather]``: validation thresholds and conversion choices.

Imports nothing heavy, so that :mod:`haldenenergie.config` can build the section without pandas or
pvlib.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import param


@dataclass(frozen=True)
class WeatherConfig:
    """Parameters of the weather stage: validation thresholds and conversion choices."""

    max_interpolated_gap_h: int = param(
        3,
        unit="h",
        min=0,
        max=24,
        source="assumption: gaps of a few hours are bridged by linear interpolation in climate "
        "data practice (cf. EN ISO 15927-1, which interpolates short gaps in hourly data); "
        "longer gaps would invent weather, so they are an error",
        doc="Gaps (missing hours or missing values) up to this length are linearly interpolated "
        "with a warning; longer gaps are an error (or dropped with allow_partial).",
    )
    min_samples_fraction_per_hour: float = param(
        0.5,
        unit="-",
        min=0.01,
        max=1.0,
        source="assumption: an hourly mean from sub-hourly data needs at least half of its samples",
        doc="Sub-hourly data: an hour with fewer valid samples than this fraction counts as "
        "missing.",
    )
    allow_partial: bool = param(
        False,
        source="issue 3: a series shorter than a year is an error unless explicitly allowed",
        doc="Accept series shorter than a year (meta.partial=True; annual sums are scaled by "
        "meta.annual_factor and flagged).",
    )
    dhi_ghi_ratio_tolerance: float = param(
        1.10,
        unit="-",
        min=1.0,
        max=2.0,
        source="BSRN comparison test, diffuse ratio DHI/GHI < 1.05 (zenith < 75°) and < 1.10 "
        "(zenith 75–93°) for GHI > 50 W m-2: Long & Dutton (2002), BSRN Global Network "
        "recommended QC tests, V2.0; the looser bound is used for all zeniths",
        doc="Where GHI > 50 W m-2, DHI above this multiple of GHI is an error; DHI between GHI and "
        "the bound is clipped to GHI (counted in a warning).",
    )
    dhi_ghi_abs_tolerance_w_m2: float = param(
        10.0,
        unit="W m-2",
        min=0.0,
        max=100.0,
        source="assumption: absorbs rounding of integer W m-2 data where GHI <= 50 W m-2, where "
        "the BSRN ratio test does not apply (Long & Dutton 2002)",
        doc="Where GHI <= 50 W m-2, DHI may exceed GHI by this much before it is an error.",
    )
    ghi_max_factor: float = param(
        1.5,
        unit="-",
        min=1.0,
        max=3.0,
        source="BSRN physically possible limit GHI < 1.5 S0 cos(Z)^1.2 + 100 W m-2: Long & Dutton "
        "(2002), BSRN Global Network recommended QC tests, V2.0",
        doc="Factor a of the upper bound GHI <= a * E0 * cos(Z)^1.2 + b (sun position at the "
        "interval middle); exceeding it usually means a time-zone or label error.",
    )
    ghi_max_offset_w_m2: float = param(
        100.0,
        unit="W m-2",
        min=0.0,
        max=500.0,
        source="BSRN physically possible limit, offset b: Long & Dutton (2002)",
        doc="Offset b of the GHI upper bound.",
    )
    dni_max_zenith_deg: float = param(
        87.0,
        unit="deg",
        min=80.0,
        max=90.0,
        source="pvlib.irradiance.erbs default max_zenith=87 (low-sun guard for DNI = B / cos Z)",
        doc="When DNI is derived from beam-horizontal irradiance, cos(Z) is not taken below "
        "cos(this angle); DNI is 0 where the sun is below the horizon at the interval middle "
        "and is capped at the extraterrestrial DNI.",
    )
    temp_air_min_c: float = param(
        -60.0,
        unit="degC",
        min=-100.0,
        max=0.0,
        source="assumption: below the German record low of -45.9 degC (DWD, Funtensee 2001) with "
        "margin",
        doc="Air temperature below this is an error.",
    )
    temp_air_max_c: float = param(
        60.0,
        unit="degC",
        min=30.0,
        max=100.0,
        source="assumption: above the German record high of 41.2 degC (DWD, Tönisvorst/Duisburg "
        "2019) with margin",
        doc="Air temperature above this is an error (values near 273-310 are reported as Kelvin).",
    )
    pressure_min_pa: float = param(
        50000.0,
        unit="Pa",
        min=10000.0,
        max=90000.0,
        source="assumption: station pressure at about 5,500 m a.s.l. (ICAO standard atmosphere); "
        "no heap is that high",
        doc="Station pressure below this is an error (values of 300-1100 are reported as hPa).",
    )
    pressure_max_pa: float = param(
        110000.0,
        unit="Pa",
        min=100000.0,
        max=120000.0,
        source="assumption: above the world record sea-level pressure of 108,380 Pa (WMO archive)",
        doc="Station pressure above this is an error.",
    )
    wind_speed_max_m_s: float = param(
        60.0,
        unit="m s-1",
        min=20.0,
        max=120.0,
        source="issue 3 (wind speed < 0 or > 60 m/s is out of range); hourly mean 10 m speeds in "
        "Germany stay far below it",
        doc="Wind speed above this (or below 0) is an error.",
    )
    default_wind_speed_height_m: float = param(
        10.0,
        unit="m",
        min=1.0,
        max=300.0,
        source="WMO-No. 8 (CIMO Guide): standard anemometer height 10 m above ground; DWD stations",
        doc="Anemometer height assumed where a file does not state it (CDC, generic CSV).",
    )


__all__ = ["WeatherConfig"]
