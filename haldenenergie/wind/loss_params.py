"""Loss and curtailment parameters of the wind stage (fields of ``[wind]``).

Kept in their own frozen dataclass, which :class:`~haldenenergie.wind.config.WindConfig` inherits,
so that the loss model (:mod:`haldenenergie.wind.losses`) and its parameters live together.
``availability`` and ``electrical_loss`` are declared in ``WindConfig`` itself. Imports nothing
heavy.

Curtailments are conditions of a turbine's permit (Genehmigungsbescheid), so they are OFF by
default: no permit conditions are known for new turbines on the heaps, and the defaults then keep
the stage's results unchanged (availability x (1 - electrical loss) = 0.97 x 0.98, a combined
4.9 % loss). Switch them on for a planning case (e.g. the NRW bat-protection defaults below).

References
----------
MULNV and LANUV NRW (2017): Leitfaden "Umsetzung des Arten- und Habitatschutzes bei der Planung
und Genehmigung von Windenergieanlagen in Nordrhein-Westfalen", Fassung 10.11.2017, 1. Änderung
(bat shutdown: 1 April - 31 October, sunset to sunrise, air temperature > 10 degC and 10-min mean
wind speed at nacelle height < 6 m s-1).
LAI (2002): Hinweise zur Ermittlung und Beurteilung der optischen Immissionen von
Windenergieanlagen (WEA-Schattenwurf-Hinweise), Länderausschuss für Immissionsschutz, 13.03.2002
(30 h a-1 and 30 min per day astronomically possible shadow at a receptor; 8 h a-1 real shadow
where a shutdown module limits it; sun elevations below 3 deg not counted).
TA Lärm (1998): Technische Anleitung zum Schutz gegen Lärm, No. 6.4 (night 22:00-06:00).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import param


@dataclass(frozen=True)
class LossParams:
    """Loss and curtailment parameters (each with unit, source and range)."""

    noise_curtailment: bool = param(
        False,
        source="assumption: noise-reduced night operation is a permit condition (TA Lärm No. 6.4 "
        "night limits); unknown for the heaps, so off",
        doc="cap the power of every turbine in the night hours (noise-reduced mode)",
    )
    noise_night_start_h: float = param(
        22.0,
        unit="h",
        min=0.0,
        max=24.0,
        source="TA Lärm (1998) No. 6.4: night 22:00-06:00 local time",
        doc="start of the noise-reduced hours (local time, curtailment_timezone)",
    )
    noise_night_end_h: float = param(
        6.0,
        unit="h",
        min=0.0,
        max=24.0,
        source="TA Lärm (1998) No. 6.4: night 22:00-06:00 local time",
        doc="end of the noise-reduced hours (local time)",
    )
    noise_max_power_fraction: float = param(
        0.7,
        min=0.0,
        max=1.0,
        source="assumption: sound-optimised night modes of current turbines limit the output to "
        "roughly 60-80 % of rated power (manufacturers' operating-mode data sheets, e.g. "
        "Enercon 'Betriebsmodi'); site-specific, take it from the noise report",
        doc="power cap in the noise-reduced hours as a fraction of rated power",
    )
    bat_curtailment: bool = param(
        False,
        source="assumption: bat shutdown is a permit condition (NRW Leitfaden Arten- und "
        "Habitatschutz 2017, MULNV/LANUV); unknown for the heaps, so off. When on, the "
        "defaults are the NRW Leitfaden's pauschal shutdown",
        doc="shut turbines down in the bat windows (months, night, low wind, warm)",
    )
    bat_months: list = param(
        [4, 5, 6, 7, 8, 9, 10],
        unit="month",
        min=1,
        max=12,
        source="NRW Leitfaden Arten- und Habitatschutz (MULNV/LANUV 2017): 1 April - 31 October",
        doc="calendar months with bat shutdown",
    )
    bat_start_after_sunset_h: float = param(
        0.0,
        unit="h",
        min=-6.0,
        max=6.0,
        source="NRW Leitfaden (MULNV/LANUV 2017): from sunset (other states: 1 h before, e.g. "
        "Brandenburg)",
        doc="start of the nightly window relative to sunset (negative = before sunset)",
    )
    bat_end_before_sunrise_h: float = param(
        0.0,
        unit="h",
        min=-6.0,
        max=6.0,
        source="NRW Leitfaden (MULNV/LANUV 2017): until sunrise",
        doc="end of the nightly window relative to sunrise (negative = after sunrise)",
    )
    bat_fixed_hours: list = param(
        [],
        unit="h",
        min=0.0,
        max=24.0,
        source="assumption: some permits state clock hours instead of sunset/sunrise",
        doc="[start, end] local clock hours replacing the sunset/sunrise window; [] = use the sun",
    )
    bat_wind_speed_below_m_s: float = param(
        6.0,
        unit="m s-1",
        min=0.0,
        max=15.0,
        source="NRW Leitfaden (MULNV/LANUV 2017): 10-min mean wind speed at nacelle height < 6 m/s",
        doc="shutdown only below this free-stream hub wind speed",
    )
    bat_temperature_above_c: float = param(
        10.0,
        unit="degC",
        min=-20.0,
        max=30.0,
        source="NRW Leitfaden (MULNV/LANUV 2017): air temperature > 10 degC",
        doc="shutdown only above this air temperature (the weather's, at hub height by the "
        "standard lapse rate -6.5 K/km)",
    )
    shadow_shutdown_hours_per_a: float = param(
        0.0,
        unit="h a-1",
        min=0.0,
        max=500.0,
        source="LAI WEA-Schattenwurf-Hinweise (2002): shutdown modules keep real shadow at a "
        "receptor at <= 8 h a-1 (astronomical worst case <= 30 h a-1); the shutdown time depends "
        "on the receptors, unknown here, so 0",
        doc="shadow-flicker shutdown per turbine, spread over the sunny low-sun hours",
    )
    shadow_min_sun_elevation_deg: float = param(
        3.0,
        unit="deg",
        min=0.0,
        max=30.0,
        source="LAI WEA-Schattenwurf-Hinweise (2002): sun elevations below 3 deg are not counted",
        doc="lowest sun elevation of shadow-flicker hours",
    )
    shadow_max_sun_elevation_deg: float = param(
        30.0,
        unit="deg",
        min=3.0,
        max=90.0,
        source="assumption: shadow of a ~150-200 m tip reaches receptors beyond the 1-1.5 km "
        "setback only at low sun; above ~30 deg the shadow falls within ~350 m of the tower",
        doc="highest sun elevation of shadow-flicker hours",
    )
    curtailment_timezone: str = param(
        "Europe/Berlin",
        source="TA Lärm (1998) and permits state local legal time (CET/CEST in Germany)",
        doc="time zone of the clock hours of the curtailment windows",
    )
