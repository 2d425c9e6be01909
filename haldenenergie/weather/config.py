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
        source="assumption: annual sums of a part of a year are scaled and biased by season, so a"
        " series shorter than a year is an error unless explicitly allowed",
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
        source="assumption: wind speed < 0 or > 60 m/s is out of range; hourly mean 10 m speeds in "
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

    anemometer_height_m: float = param(
        0.0,
        unit="m",
        min=0.0,
        max=300.0,
        source="user input (station documentation, e.g. DWD CDC Metadaten_Geraete_"
        "Windgeschwindigkeit 'Geberhoehe ueber Grund')",
        doc="height the wind was measured at; overrides the file/reader (0 = from the file)",
    )
    station_roughness_length_m: float = param(
        0.0,
        unit="m",
        min=0.0,
        max=3.0,
        source="user input; Wieringa (1992), J. Wind Eng. Ind. Aerodyn. 41-44: 0.03 m open "
        "(airports), 0.25-0.5 m mixed/suburban, 1-2 m city centres",
        doc="roughness length of the station's surroundings; overrides the file/station table "
        "(0 = from file/table)",
    )

    max_file_size_mb: float = param(
        200.0,
        unit="MB",
        min=1.0,
        max=100000.0,
        source="assumption: 20 years of 10-minute DWD CDC station data are about 80 MB; reading "
        "a CSV takes about ten times its size in memory, so larger files are refused before "
        "loading",
        doc="A weather file larger than this is refused before it is read (raise it for very "
        "long series).",
    )
    ghi_clear_sky_ratio_min: float = param(
        0.35,
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: the annual clear-sky index (GHI / Ineichen clear-sky GHI with the "
        "climatological Linke turbidity of Remund et al. 2003) is about 0.5 on the cloudiest "
        "European coasts and 0.65 in the Ruhr (DWD TRY2015 Essen); 0.35 leaves margin while "
        "irradiation per hour read as W m-2 (0.18-0.25) and kW m-2 (below 0.001) fall below it",
        doc="Annual GHI below this fraction of the clear-sky GHI at the file's location is an "
        "error (halved for series shorter than a year); names the likely unit mistake.",
    )
    ghi_clear_sky_ratio_max: float = param(
        1.0,
        unit="-",
        min=0.5,
        max=3.0,
        source="assumption: averaged over a year, clouds cannot add irradiance; the Ineichen "
        "clear-sky model (Ineichen & Perez 2002) is the upper envelope of the annual GHI",
        doc="Annual GHI above this multiple of the clear-sky GHI is an error.",
    )
    diffuse_share_min: float = param(
        0.15,
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: annual DHI/GHI is about 0.3 in deserts and 0.5-0.7 in north-west "
        "Europe (0.53-0.70 in the DWD TRY2010/2015/2045 for Essen); the band leaves margin",
        doc="Annual DHI/GHI below this is an error (a DHI column holding something else).",
    )
    diffuse_share_max: float = param(
        0.85,
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: see diffuse_share_min; DHI equal to GHI in every hour (no direct "
        "irradiance at all) gives 1.0",
        doc="Annual DHI/GHI above this is an error.",
    )
    overcast_diffuse_fraction_min: float = param(
        0.5,
        unit="-",
        min=0.0,
        max=1.0,
        source="Erbs, Klein & Duffie (1982), Solar Energy 28(4): 293-302: under overcast skies "
        "(clearness index kt < 0.25) the diffuse fraction is 0.97 or more; direct and diffuse "
        "swapped give about 0",
        doc="The median DHI/GHI of the overcast hours (kt < 0.25, sun above 15 deg) below this "
        "is an error: direct and diffuse are swapped.",
    )
    closure_max_fail_fraction: float = param(
        0.2,
        unit="-",
        min=0.0,
        max=1.0,
        source="BSRN closure test GHI = DHI + DNI cos(Z) within 8 % (Z < 75 deg) or 15 % "
        "(75-93 deg) where GHI > 50 W m-2: Long & Dutton (2002), BSRN Global Network recommended "
        "QC tests, V2.0; the share of failing hours allowed is an assumption",
        doc="Where a file gives GHI, DHI and DNI, more than this share of the tested hours "
        "failing the closure test is an error (DNI that is really GHI - DHI, columns swapped).",
    )
    wind_mean_max_m_s: float = param(
        5.5,
        unit="m s-1",
        min=1.0,
        max=30.0,
        source="assumption: annual mean 10 m wind speeds of DWD stations in North "
        "Rhine-Westphalia are 2-5 m s-1 (3.2-4.1 in the TRY Essen and DWD Düsseldorf 2024); km/h "
        "(x3.6) and knots (x1.94) give 6.2 or more",
        doc="Annual mean wind speed at 10 m above this (scaled to the stated height with the "
        "power law, exponent 0.25) together with wind_p99_max_m_s is an error; one alone a "
        "warning.",
    )
    wind_p99_max_m_s: float = param(
        13.0,
        unit="m s-1",
        min=5.0,
        max=80.0,
        source="assumption: the 99th percentile of hourly 10 m wind speeds is 7-11 m s-1 in the "
        "TRY Essen and DWD Düsseldorf 2024; knots give 14 or more",
        doc="99th percentile of the hourly wind speed at 10 m (scaled like wind_mean_max_m_s).",
    )
    wind_mean_min_m_s: float = param(
        0.5,
        unit="m s-1",
        min=0.0,
        max=5.0,
        source="assumption: even sheltered 10 m stations average more than 1 m s-1; a lower "
        "mean is a dead anemometer or a wrong unit",
        doc="Annual mean wind speed below this (at the stated height) is an error.",
    )
    temp_frozen_warn_h: int = param(
        24,
        unit="h",
        min=2,
        max=8784,
        source="WMO-No. 8 (CIMO Guide), AWS quality control: air temperature must vary by at "
        "least 0.1 K within an hour (persistence test); hourly means repeat for at most 7 h in "
        "the TRY Essen, so 24 h is an assumption with margin",
        doc="Air temperature unchanged for this many consecutive hours is a warning (frozen "
        "sensor).",
    )
    temp_frozen_max_h: int = param(
        72,
        unit="h",
        min=2,
        max=8784,
        source="assumption: a temperature unchanged for three days is a failed sensor, not "
        "weather (see temp_frozen_warn_h)",
        doc="Air temperature unchanged for this many consecutive hours is an error.",
    )
    temp_daily_std_min_k: float = param(
        0.5,
        unit="K",
        min=0.0,
        max=5.0,
        source="assumption: daily mean temperatures in Germany vary by about 6 K (standard "
        "deviation) over a year; below 0.5 K over 30 days or more the sensor is stuck",
        doc="Standard deviation of the daily mean temperature below this (series of 30 days or "
        "more) is an error.",
    )
    max_station_distance_warn_km: float = param(
        100.0,
        unit="km",
        min=0.0,
        max=20000.0,
        source="assumption: the DWD test reference years of 2011 divided Germany into 15 "
        "climate regions with one representative station each (DWD/BBSR 2011), i.e. a station "
        "stands for roughly 100 km around it; beyond some 25 km a station's hourly irradiance "
        "is already a worse estimate than satellite data (Perez, Seals & Zelenka 1997, Solar "
        "Energy 60(2): 89-96)",
        doc="A weather station farther than this from a heap is a warning.",
    )
    max_station_distance_km: float = param(
        250.0,
        unit="km",
        min=0.0,
        max=20000.0,
        source="assumption: 2.5 times max_station_distance_warn_km; beyond it the station is "
        "in another climate region",
        doc="A weather station farther than this from a heap is an error unless "
        "allow_distant_weather (--allow-distant-weather).",
    )
    allow_distant_weather: bool = param(
        False,
        source="assumption: a station that far from the heaps does not describe their weather; "
        "refused unless explicitly allowed",
        doc="Accept a weather station farther than max_station_distance_km from the heaps "
        "(then only a warning).",
    )


__all__ = ["WeatherConfig"]
