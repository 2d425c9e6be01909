"""The committee report: one self-contained HTML file with map, charts and one sheet per heap.

``write_report(results_dir, out)`` reads a results folder written by ``haldenenergie run``
(``results.csv`` and, where present, ``manifest.json``, ``monthly.csv``, ``surfaces.csv``,
``totals.csv`` and a batch ``summary.csv``) plus the heap registry, and writes one HTML file that

- needs nothing from outside: charts are matplotlib SVGs embedded as ``data:`` URIs, the small
  per-heap charts (orientation rose, monthly profile) are inline SVG written here directly, the CSS
  is inline and uses the reader's system fonts; nothing is fetched (no scripts, fonts or tiles);
- prints to A4 (``@media print``; each heap sheet starts on a new page);
- reads in German (default) or English: every label comes from :data:`LABELS`.

Missing optional inputs (monthly profile, surfaces, totals, batch summary, registry, manifest) make
their section say "not available"; a missing ``results.csv`` or results folder is a one-line
:class:`~haldenenergie.errors.OutputError`.

The page carries a tiny inline script that records, once the page has loaded, the size and "ink"
(share of non-white pixels) of every chart image in ``data-`` attributes of ``<body>``, and any
script error in ``data-errors`` of ``<html>``; the integration test reads them from Chromium's
dumped DOM. It loads nothing and changes nothing visible.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import json
import logging
import math
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._io import atomic_write, check_can_write, sha256_file
from .errors import OutputError
from .suitability import TOTAL_COLUMNS

log = logging.getLogger("haldenenergie.report")

LANGS = ("de", "en")

#: Files of a results folder: the first is required, the others are optional.
REQUIRED_FILES = ("results.csv",)
OPTIONAL_FILES = ("manifest.json", "monthly.csv", "surfaces.csv", "totals.csv", "summary.csv")

#: Class colours: Okabe & Ito (2008), "Color Universal Design", a palette that stays distinct for
#: colour-blind readers and in greyscale print. PV = orange, wind = blue, both = bluish green.
CLASS_COLORS: dict[str, str] = {
    "pv": "#E69F00",
    "wind": "#0072B2",
    "pv+wind": "#009E73",
    "unsuitable": "#999999",
    "not-assessed": "#CC79A7",
}
OTHER_CLASS_COLOR = "#56B4E9"
PV_COLOR = "#E69F00"
WIND_COLOR = "#0072B2"

#: Azimuth sectors of terrain surfaces (terrain.py contract), clockwise from north.
SECTORS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
SECTOR_AZIMUTH_DEG = {s: 45.0 * i for i, s in enumerate(SECTORS)}

#: Matplotlib SVG output: text stays text (small files; browsers fall back to sans-serif), and a
#: fixed hash salt plus no date make the same input give the same bytes.
_MPL_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "haldenenergie-report",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "legend.fontsize": 8,
    "legend.frameon": False,
}
#: CSS pixels per inch (CSS Values and Units Level 3: 1in = 96px); SVG sizes in pt become 4/3 px.
CSS_PX_PER_IN = 96

# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------

#: Every text of the report in German and English: key -> (de, en).
LABELS: dict[str, tuple[str, str]] = {
    "title": (
        "Energiepotenzial der Bergehalden im Ruhrgebiet",
        "Energy potential of the Ruhr area's spoil heaps",
    ),
    "subtitle": (
        "Photovoltaik und Windenergie – Bericht für den Ausschuss",
        "Photovoltaics and wind power – report for the committee",
    ),
    "toc": ("Inhalt", "Contents"),
    "summary": ("Zusammenfassung", "Summary"),
    "map": ("Karte der Halden", "Map of the heaps"),
    "charts": ("Diagramme", "Charts"),
    "ranking": ("Rangfolge", "Ranking"),
    "sheets": ("Haldenblätter", "Heap sheets"),
    "assumptions": ("Annahmen und Parameter", "Assumptions and parameters"),
    "not_available": ("nicht verfügbar", "not available"),
    "wind_notes_prefix": (
        "Technische Hinweise des Windmodells (englisch): ",
        "Notes of the wind model: ",
    ),
    "heaps": ("Halden", "Heaps"),
    "heap": ("Halde", "Heap"),
    "heaps_lc": ("Halden", "heaps"),
    "run_date": ("Rechenlauf vom", "Run of"),
    "report_date": ("Bericht erstellt", "Report generated"),
    "version": ("Version", "Version"),
    "results_folder": ("Ergebnisordner", "Results folder"),
    "key_figures": ("Kennzahlen", "Key figures"),
    "totals_by_class": ("Summen nach Eignungsklasse", "Totals by suitability class"),
    "totals_fallback": (
        (
            "totals.csv fehlt: Summen über alle Halden aus results.csv (vor Eignungsprüfung); "
            "Haushalte und CO2 nicht verfügbar"
        ),
        (
            "totals.csv missing: sums over all heaps from results.csv (before the suitability "
            "check); households and CO2 not available"
        ),
    ),
    "factors": ("Faktoren", "Factors"),
    "sources_used": ("Verwendete Daten", "Data used"),
    "weather": ("Wetterdaten", "Weather data"),
    "terrain": ("Gelände", "Terrain"),
    "registry": ("Haldenverzeichnis", "Heap registry"),
    "config": ("Konfiguration", "Configuration"),
    "defaults": ("Voreinstellungen", "defaults"),
    "software": ("Software", "Software"),
    "warnings": ("Hinweise", "Notes"),
    "n_heaps": ("Halden", "Heaps"),
    "pv_capacity": ("PV-Leistung", "PV capacity"),
    "wind_capacity": ("Windleistung (neu)", "Wind capacity (new)"),
    "energy": ("Energie", "Energy"),
    "total_energy": ("Energie gesamt", "Total energy"),
    "households": ("Haushalte", "Households"),
    "co2": ("CO2-Einsparung", "CO2 avoided"),
    "no_coords": ("Halden ohne Koordinaten", "Heaps without coordinates"),
    "none": ("keine", "none"),
    "map_caption": (
        (
            "Punkte nach Eignungsklasse gefärbt, Fläche proportional zur Jahresenergie; "
            "Zahlen = Rang. Projektion ETRS89 / UTM 32N (EPSG:25832)."
        ),
        (
            "Points coloured by suitability class, area proportional to annual energy; "
            "numbers = rank. Projection ETRS89 / UTM 32N (EPSG:25832)."
        ),
    ),
    "energy_per_heap": (
        "Jahresenergie je Halde (PV und neue Windenergieanlagen), in Rangfolge",
        "Annual energy per heap (PV and new wind turbines), in rank order",
    ),
    "energy_note": (
        (
            "Technisches Potenzial; schraffiert: Nutzung laut Eignungsprüfung nicht geeignet oder "
            "nicht bewertet (siehe Begründung)."
        ),
        (
            "Technical potential; hatched: use not suitable or not assessed by the suitability "
            "check (see reasons)."
        ),
    ),
    "monthly_profile": ("Monatliche Erzeugung aller Halden", "Monthly production of all heaps"),
    "p50_p90": (
        "P50/P90 der Jahresenergie über die Wetterjahre (Batch)",
        "P50/P90 of annual energy across weather years (batch)",
    ),
    "p50_p90_missing": (
        "keine Batch-Zusammenfassung (summary.csv) vorhanden",
        "no batch summary (summary.csv) present",
    ),
    "pv": ("PV", "PV"),
    "wind": ("Wind", "Wind"),
    "wind_new": ("Wind (neu)", "Wind (new)"),
    "rank": ("Rang", "Rank"),
    "rank_range": ("Rangspanne", "Rank range"),
    "name": ("Name", "Name"),
    "city": ("Stadt", "City"),
    "class": ("Klasse", "Class"),
    "score": ("Punkte", "Score"),
    "reasons": ("Begründung", "Reasons"),
    "facts": ("Steckbrief und Quellen", "Facts and sources"),
    "pv_results": ("Photovoltaik", "Photovoltaics"),
    "wind_results": ("Windenergie", "Wind power"),
    "constraints": ("Einschränkungen", "Constraints"),
    "orientation": ("Ausrichtung der nutzbaren Fläche", "Orientation of the usable area"),
    "rose_legend": (
        "Fläche je Himmelsrichtung (flächentreu); hell = brutto, kräftig = nutzbar",
        "Area per direction (area-true); light = gross, strong = usable",
    ),
    "plateau": ("Plateau", "Plateau"),
    "flat": ("eben", "flat"),
    "surfaces": ("Teilflächen", "Surfaces"),
    "surface": ("Teilfläche", "Surface"),
    "tilt": ("Neig. [°]", "Tilt [°]"),
    "azimuth": ("Azimut [°]", "Azim. [°]"),
    "monthly_heap": ("Monatsprofil [MWh]", "Monthly profile [MWh]"),
    "score_parts": ("Punkte nach Kriterium", "Score by criterion"),
    "assumed": ("Angenommene Werte", "Assumed values"),
    "sources": ("Quellen", "Sources"),
    "value_notes": ("Abweichende Angaben", "Conflicting values"),
    "section": ("Bereich", "Section"),
    "parameter": ("Parameter", "Parameter"),
    "value": ("Wert", "Value"),
    "unit": ("Einheit", "Unit"),
    "default": ("Voreinstellung", "Default"),
    "source": ("Quelle", "Source"),
    "changed": ("geändert", "changed"),
    "params_note": (
        (
            "Werte aus manifest.json des Rechenlaufs; Einheiten und Quellen aus der "
            "Parameterbeschreibung des Programms."
        ),
        (
            "Values from the run's manifest.json; units and sources from the program's "
            "parameter descriptions."
        ),
    ),
    "no_manifest": (
        "manifest.json fehlt: Datenquellen, Datum und Parameter nicht verfügbar",
        "manifest.json missing: data sources, date and parameters not available",
    ),
    "registry_missing": (
        "Haldenverzeichnis nicht gefunden: Steckbriefe nicht verfügbar",
        "heap registry not found: facts not available",
    ),
    "registry_changed": (
        "Haldenverzeichnis seit dem Rechenlauf geändert (SHA-256 weicht ab)",
        "heap registry changed since the run (SHA-256 differs)",
    ),
    "not_in_registry": ("nicht im Haldenverzeichnis", "not in the heap registry"),
    "status": ("Status", "Status"),
    "existing_wind": ("Bestehende Windenergieanlagen", "Existing wind turbines"),
    "existing_note": (
        "getrennt vom neuen Potenzial ausgewiesen",
        "reported apart from new potential",
    ),
    "coordinates": ("Koordinaten", "Coordinates"),
    "n_runs": ("Wetterjahre", "weather years"),
    "min_max": ("Min–Max", "min–max"),
    "legend_size": ("Jahresenergie", "Annual energy"),
    "all_heaps": ("alle Halden", "all heaps"),
    "print_hint": (
        "Druckt auf A4; jedes Haldenblatt beginnt auf einer neuen Seite.",
        "Prints on A4; each heap sheet starts on a new page.",
    ),
    "generated_by": ("Erstellt mit haldenenergie", "Made with haldenenergie"),
    "overall": ("gesamt", "total"),
    "no_surfaces": ("keine nutzbaren PV-Flächen", "no usable PV surfaces"),
    "robust_note": (
        (
            "robuster Spitzenkandidat: bleibt vorn, auch wenn die Gewichte der Bewertung variiert "
            "werden; Rangspanne = bester–schlechtester Rang unter diesen Variationen"
        ),
        (
            "robust top candidate: stays at the top when the score weights are varied; "
            "rank range = best–worst rank under those variations"
        ),
    ),
    "berm": ("Berme", "Berm"),
    "same": ("gleich", "same"),
    "see_below": ("siehe darunter", "see below"),
    "more_reasons": ("weitere im Haldenblatt", "more on the heap sheet"),
    "not_suitable": ("nicht geeignet/bewertet", "not suitable/assessed"),
    "monthly_note": (
        (
            "Technisches Potenzial aller Halden (PV und neue Windenergieanlagen, vor "
            "Eignungsprüfung)."
        ),
        (
            "Technical potential of all heaps (PV and new wind turbines, before the suitability "
            "check)."
        ),
    ),
    "p50_p90_note": (
        (
            "Technisches Potenzial je Halde (PV und neue Windenergieanlagen, vor Eignungsprüfung) "
            "über die Wetterjahre des Batch-Laufs; P90 = in 9 von 10 Jahren erreicht; Linie = "
            "Min–Max."
        ),
        (
            "Technical potential per heap (PV and new wind turbines, before the suitability check) "
            "across the batch run's weather years; P90 = reached in 9 of 10 years; line = "
            "min–max."
        ),
    ),
    "rank_pv": ("PV [MWp]", "PV [MWp]"),
    "rank_wind": ("Wind [MW]", "Wind [MW]"),
    "rank_energy": ("Ertrag geeigneter Nutzungen [MWh/a]", "Energy of suitable uses [MWh/a]"),
    "rank_note": (
        (
            "Werte in Klammern: Nutzung nicht geeignet oder nicht bewertet (technisches Potenzial, "
            "nicht im Ertrag und nicht in den Summen); Ertrag = was die Punktzahl zählt."
        ),
        (
            "Values in brackets: use not suitable or not assessed (technical potential, not in the "
            "energy and not in the totals); energy = what the score counts."
        ),
    ),
    "flank": ("Flanke", "Flank"),
    "year": ("Jahr", "year"),
}

#: Suitability classes (suitability.py contract) in the order they are listed.
CLASS_LABELS: dict[str, tuple[str, str]] = {
    "pv+wind": ("PV + Wind", "PV + wind"),
    "pv": ("PV", "PV"),
    "wind": ("Wind", "Wind"),
    "unsuitable": ("ungeeignet", "unsuitable"),
    "not-assessed": ("nicht bewertet", "not assessed"),
}

#: Labels of result columns (units in brackets).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "heap_id": ("Kennung", "Id"),
    "name": ("Name", "Name"),
    "city": ("Stadt", "City"),
    "owner": ("Eigentümer", "Owner"),
    "membership": ("Zugehörigkeit", "Membership"),
    "class": ("Klasse", "Class"),
    "n_heaps": ("Halden", "Heaps"),
    "terrain_source": ("Geländequelle", "Terrain source"),
    "footprint_area_ha": ("Grundfläche [ha]", "Footprint area [ha]"),
    "area_ha": ("Fläche [ha]", "Area [ha]"),
    "height_asl_m": ("Höhe ü. NHN [m]", "Height a.s.l. [m]"),
    "height_rel_m": ("Relative Höhe (Verzeichnis) [m]", "Relative height (registry) [m]"),
    "relative_height_m": ("Relative Höhe [m]", "Relative height [m]"),
    "plateau_area_ha": ("Plateaufläche [ha]", "Plateau area [ha]"),
    "pv_usable_area_ha": ("Nutzbare PV-Fläche [ha]", "Usable PV area [ha]"),
    "pv_capacity_mwp": ("PV-Leistung [MWp]", "PV capacity [MWp]"),
    "pv_energy_mwh_per_a": ("PV-Energie [MWh/a]", "PV energy [MWh/a]"),
    "pv_specific_yield_kwh_per_kwp": ("Spez. Ertrag [kWh/kWp·a]", "Specific yield [kWh/kWp·a]"),
    "wind_turbines_new": ("Neue Anlagen", "New turbines"),
    "wind_turbine_type": ("Anlagentyp", "Turbine type"),
    "wind_hub_height_m": ("Nabenhöhe [m]", "Hub height [m]"),
    "wind_capacity_mw": ("Windleistung [MW]", "Wind capacity [MW]"),
    "wind_energy_mwh_per_a": ("Windenergie [MWh/a]", "Wind energy [MWh/a]"),
    "wind_full_load_hours_h": ("Volllaststunden [h]", "Full-load hours [h]"),
    "wind_capacity_factor": ("Kapazitätsfaktor [-]", "Capacity factor [-]"),
    "wind_mean_speed_hub_m_s": ("Mittl. Wind in Nabenhöhe [m/s]", "Mean wind at hub [m/s]"),
    "wind_notes": ("Hinweise Wind", "Wind notes"),
    "existing_wind_turbines": ("Bestehende Anlagen", "Existing turbines"),
    "existing_wind_energy_mwh_per_a": ("Bestand Energie [MWh/a]", "Existing energy [MWh/a]"),
    "total_energy_mwh_per_a": ("Energie gesamt [MWh/a]", "Total energy [MWh/a]"),
    "capacity_mw": ("Leistung [MW]", "Capacity [MW]"),
    "households": ("Haushalte", "Households"),
    "co2_avoided_t_per_a": ("CO2-Einsparung [t/a]", "CO2 avoided [t/a]"),
    "score": ("Punkte", "Score"),
    "rank": ("Rang", "Rank"),
    "status": ("Status", "Status"),
    "form": ("Form", "Form"),
    "landmark": ("Landmarke / Kunst", "Landmark / art"),
    "nature_protection": ("Naturschutz", "Nature protection"),
    "access": ("Zugang", "Access"),
    "constraints": ("Einschränkungen", "Constraints"),
    "housing_distance_m": ("Abstand Wohnbebauung [m]", "Distance to housing [m]"),
    "lat": ("Breite [°]", "Latitude [°]"),
    "usable_area_ha": ("nutzbar [ha]", "usable [ha]"),
    "heaps": ("Halden", "Heaps"),
    "wind_turbines": ("Anlagen Wind", "Wind turbines"),
    "household_consumption_kwh_per_a": (
        "Verbrauch je Haushalt [kWh/a]",
        "Consumption per household [kWh/a]",
    ),
    "co2_factor_g_per_kwh": ("CO2-Faktor [g/kWh]", "CO2 factor [g/kWh]"),
    "household_consumption": ("Verbrauch je Haushalt", "Consumption per household"),
    "co2_factor": ("CO2-Faktor", "CO2 factor"),
    "household_factor": ("Haushaltsfaktor", "Household factor"),
    "summit_elevation_m": ("Gipfelhöhe [m ü. NHN]", "Summit elevation [m a.s.l.]"),
    "base_elevation_m": ("Fußhöhe [m ü. NHN]", "Base elevation [m a.s.l.]"),
    "half_height_distance_m": (
        "Abstand Gipfel–halbe Höhe [m]",
        "Summit to half-height distance [m]",
    ),
    "turbine_site_area_ha": ("Fläche für Windenergieanlagen [ha]", "Turbine site area [ha]"),
    "wind_rotor_diameter_m": ("Rotordurchmesser [m]", "Rotor diameter [m]"),
    "wind_hub_height_above_surroundings_m": (
        "Nabenhöhe über Umgebung [m]",
        "Hub height above surroundings [m]",
    ),
    "wind_speedup_fraction": ("Geschwindigkeitszunahme am Hügel [%]", "Hill speed-up [%]"),
    "wind_wake_loss_fraction": ("Nachlaufverluste [%]", "Wake losses [%]"),
    "wind_atlas_factor": ("Windatlas-Korrekturfaktor [-]", "Wind atlas factor [-]"),
    "existing_wind_turbine_type": ("Bestand Anlagentyp", "Existing turbine type"),
    "existing_wind_capacity_mw": ("Bestand Leistung [MW]", "Existing capacity [MW]"),
    "existing_wind_full_load_hours_h": (
        "Bestand Volllaststunden [h]",
        "Existing full-load hours [h]",
    ),
    "pv_suitability": ("Eignung PV", "PV suitability"),
    "wind_suitability": ("Eignung Wind", "Wind suitability"),
    "availability": ("Verfügbarkeit", "Availability"),
    "penalty_points": ("Abzugspunkte", "Penalty points"),
    "robust_top": ("Robuster Spitzenkandidat", "Robust top candidate"),
    "suitable_energy_mwh_per_a": (
        "Energie geeigneter Nutzungen [MWh/a]",
        "Energy of suitable uses [MWh/a]",
    ),
    "energy_density_mwh_per_ha_a": (
        "Energie je Hektar [MWh/ha·a]",
        "Energy per hectare [MWh/ha·a]",
    ),
    "capacity_mwp": ("Leistung [MWp]", "Capacity [MWp]"),
    "energy_mwh_per_a": ("Energie [MWh/a]", "Energy [MWh/a]"),
    "specific_yield_kwh_per_kwp": ("Spez. Ertrag [kWh/kWp·a]", "Specific yield [kWh/kWp·a]"),
    "lon": ("Länge [°]", "Longitude [°]"),
}

#: Unit suffixes of column names (CONVENTIONS.md rule 3) -> (unit shown, decimals).
_UNIT_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("_mwh_per_a", "MWh/a", 0),
    ("_kwh_per_kwp", "kWh/kWp·a", 0),
    ("_t_per_a", "t/a", 0),
    ("_g_per_kwh", "g/kWh", 0),
    ("_kwh_per_a", "kWh/a", 0),
    ("_mwh", "MWh", 0),
    ("_mwp", "MWp", 1),
    ("_mw", "MW", 1),
    ("_kw", "kW", 0),
    ("_ha", "ha", 1),
    ("_m_s", "m/s", 1),
    ("_deg", "°", 0),
    ("_km", "km", 1),
    ("_m", "m", 0),
    ("_h", "h", 0),
    ("_pct", "%", 1),
    ("_percent", "%", 1),
    ("_t", "t", 0),
    ("_fraction", "%", 1),
    ("_year", "", -1),
)

MONTHS = {
    "de": ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

#: Registry values shown in words (heaps.py contract: FORMS, access, nature_protection).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "form": {
        "cone": ("Spitzkegel", "cone"),
        "table": ("Tafelberg", "table"),
        "terraced": ("terrassiert", "terraced"),
        "landscape": ("Landschaftsbauwerk", "landscape structure"),
        "elongated": ("langgestreckt", "elongated"),
        "unknown": ("unbekannt", "unknown"),
    },
    "access": {
        "open": ("offen", "open"),
        "closed": ("gesperrt", "closed"),
        "unknown": ("unbekannt", "unknown"),
    },
    "nature_protection": {
        "reserve": ("Naturschutzgebiet auf der Halde", "nature reserve on the heap"),
        "adjacent": ("Naturschutzgebiet am Fuß", "nature reserve at its foot"),
        "planned": ("Schutzgebiet geplant", "reserve planned"),
    },
    "membership": {
        "confirmed": ("bestätigt", "confirmed"),
        "probable": ("wahrscheinlich", "probable"),
        "inferred": ("abgeleitet", "inferred"),
    },
    "pv_suitability": {
        "suitable": ("geeignet", "suitable"),
        "unsuitable": ("ungeeignet", "unsuitable"),
        "not-assessed": ("nicht bewertet", "not assessed"),
    },
    "wind_suitability": {
        "suitable": ("geeignet", "suitable"),
        "unsuitable": ("ungeeignet", "unsuitable"),
        "not-assessed": ("nicht bewertet", "not assessed"),
    },
}

#: Score parts (``score_<criterion>``, suitability.py) in words; others are shown by their name.
SCORE_LABELS: dict[str, tuple[str, str]] = {
    "energy": ("Energiepotenzial", "energy potential"),
    "energy_per_ha": ("Energie je Hektar", "energy per hectare"),
    "yield": ("Spez. Ertrag / Volllaststunden", "specific yield / full-load hours"),
    "specific_yield": ("Spez. Ertrag", "specific yield"),
    "full_load_hours": ("Volllaststunden", "full-load hours"),
    "owner": ("Eigentum und Verfügbarkeit", "ownership and availability"),
    "ownership": ("Eigentum und Verfügbarkeit", "ownership and availability"),
    "availability": ("Verfügbarkeit", "availability"),
    "penalty": ("Abzüge für Einschränkungen", "constraint penalties"),
    "energy_density": ("Energie je Hektar", "energy per hectare"),
    "constraints": ("Abzüge für Einschränkungen", "constraint penalties"),
}


def _value_label(key: str, value: Any, lang: str) -> Any:
    table = VALUE_LABELS.get(key, {})
    pair = table.get(str(value).strip().lower()) if isinstance(value, str) else None
    return pair[LANGS.index(lang)] if pair else value


#: Registry properties shown on a heap sheet, in order.
_FACT_KEYS = (
    "name",
    "city",
    "owner",
    "membership",
    "form",
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "housing_distance_m",
    "access",
)
#: Registry properties that constrain building, shown under "constraints".
_CONSTRAINT_KEYS = ("landmark", "nature_protection", "access", "constraints")
#: Values of the class column that mark an "all classes" row in totals.csv.
_OVERALL_NAMES = {
    "all",
    "total",
    "overall",
    "sum",
    "gesamt",
    "summe",
    "alle",
    "insgesamt",
    "total_suitable",
}


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise OutputError(
            f"report language {lang!r} is not available; use one of {', '.join(LANGS)}"
        )
    return lang


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def _isnum(x: Any) -> bool:
    return (
        isinstance(x, (int, float, np.integer, np.floating))
        and not isinstance(x, bool)
        and math.isfinite(float(x))
    )


def fmt_number(x: Any, decimals: int = 0, lang: str = "de") -> str:
    """Format a number with grouping for ``lang`` (de: ``1.234,5``; en: ``1,234.5``); ``–`` if missing.

    Examples
    --------
    >>> fmt_number(12345.678, 1, "de"), fmt_number(12345.678, 1, "en")
    ('12.345,7', '12,345.7')
    """
    if x is None or (isinstance(x, str) and not x.strip()):
        return "–"
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return x
    if not _isnum(x):
        return "–"
    s = f"{float(x):,.{max(decimals, 0)}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]
    if lang == "de":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def _unit_of(col: str) -> tuple[str, int] | None:
    for suffix, unit, dec in _UNIT_SUFFIXES:
        if col.endswith(suffix):
            return unit, dec
    return None


def column_label(col: str, lang: str = "de") -> str:
    """Human label of a result column with its unit in brackets, e.g. ``PV-Leistung [MWp]``."""
    if col in COLUMN_LABELS:
        return COLUMN_LABELS[col][LANGS.index(lang)]
    for suffix, key in (("_year", "year"), ("_source", "source")):
        if col.endswith(suffix) and len(col) > len(suffix):
            return f"{column_label(col[: -len(suffix)], lang)} – {_lbl(key, lang)}"
    u = _unit_of(col)
    stem = col
    if u:
        for suffix, unit, _ in _UNIT_SUFFIXES:
            if col.endswith(suffix):
                stem = col[: -len(suffix)]
                break
    text = stem.replace("_", " ").strip()
    text = text[:1].upper() + text[1:]
    if u and u[0]:
        text += f" [{u[0]}]"
    return text


def fmt_value(col: str, value: Any, lang: str = "de") -> str:
    """Format one cell of column ``col`` with decimals chosen from its unit suffix."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, str):
        return value if value.strip() else "–"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    u = _unit_of(col)
    if _isnum(value) and float(value) == 0:
        return "0"
    if col.endswith("_year") or col == "year":
        return str(int(value)) if _isnum(value) else str(value)
    if col in (
        "rank",
        "rank_best",
        "rank_worst",
        "n_heaps",
        "wind_turbines_new",
        "existing_wind_turbines",
        "households",
    ) or col.startswith("n_"):
        return fmt_number(value, 0, lang)
    if col.endswith("capacity_factor"):
        return fmt_number(value, 2, lang)
    if col.endswith("_fraction") and _isnum(value):  # shown in percent; the label says [%]
        return fmt_number(100 * float(value), 1, lang)
    if col.startswith("score"):
        return fmt_number(value, 2, lang)
    if col in ("lat", "lon"):
        return fmt_number(value, 4, lang)
    if u:
        dec = u[1]
        if dec >= 1 and _isnum(value) and abs(float(value)) < 1:
            dec = 2
        return fmt_number(value, dec, lang)
    if _isnum(value):
        v = float(value)
        return fmt_number(v, 0 if v.is_integer() else 2, lang)
    return str(value)


def _e(x: Any) -> str:
    """HTML-escape any value (``–`` for missing)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return html.escape(str(x), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-") or "x"


_URL_RE = re.compile(r"(https?://[^\s;,|()\"'<>]+)")


def _linkify(text: str) -> str:
    """Escape ``text`` and make its http(s) URLs clickable (links are followed only on click)."""
    parts = _URL_RE.split(str(text))
    out = []
    for i, p in enumerate(parts):
        if i % 2:
            out.append(f'<a href="{_e(p)}" rel="noreferrer">{_e(p)}</a>')
        else:
            out.append(_e(p))
    return "".join(out)


def _split_list(text: Any) -> list[str]:
    """Split a ``;`` or ``|`` separated text into its items (empty list for missing)."""
    if text is None or (isinstance(text, float) and not math.isfinite(text)):
        return []
    s = str(text).strip()
    if not s:
        return []
    sep = ";" if ";" in s else ("|" if "|" in s else None)
    items = [p.strip() for p in s.split(sep)] if sep else [s]
    return [p for p in items if p]


# --------------------------------------------------------------------------------------------
# Reading the results folder
# --------------------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything the report shows, read from a results folder (optional parts may be None)."""

    results_dir: Path
    results: pd.DataFrame
    manifest: dict | None = None
    monthly: pd.DataFrame | None = None
    surfaces: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    summary_path: Path | None = None
    registry: dict[str, dict] | None = None
    registry_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def _read_csv(path: Path, required: bool = False, notes: list | None = None) -> pd.DataFrame | None:
    if not path.is_file():
        if required:
            raise OutputError(
                f"{path}: not found; pass a results folder written by 'haldenenergie run --out DIR'"
            )
        return None
    try:
        df = pd.read_csv(path, dtype={"heap_id": str}, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        msg = f"{path}: cannot read as CSV ({str(exc).splitlines()[0] if str(exc) else exc!r})"
        if required:
            raise OutputError(msg + "; rerun 'haldenenergie run' to rewrite it") from None
        log.warning("%s; its section is left out", msg)
        if notes is not None:
            notes.append(msg)
        return None
    df.columns = [str(c).strip() for c in df.columns]
    if "heap_id" in df.columns:
        df["heap_id"] = df["heap_id"].astype(str).str.strip()
    return df


def _read_manifest(path: Path, notes: list) -> dict | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{path}: cannot read manifest ({exc})"
        log.warning(msg)
        notes.append(msg)
        return None
    return data if isinstance(data, dict) else None


#: Roles of manifest inputs (CONTRACTS.md) and the alternative names accepted for them.
_ROLES = {
    "registry": ("registry", "heaps"),
    "weather": ("weather",),
    "dem": ("dem", "terrain"),
    "config": ("config",),
}


def _manifest_inputs(manifest: dict | None, role: str) -> list[dict]:
    """The manifest's input records of one role (tolerates a ``{name: record}`` mapping)."""
    if not manifest:
        return []
    inputs = manifest.get("inputs") or []
    if isinstance(inputs, Mapping):  # tolerate {name: record}
        inputs = [
            dict(v, name=k) if isinstance(v, Mapping) else {"path": v, "name": k}
            for k, v in inputs.items()
        ]
    roles = _ROLES.get(role, (role,))
    return [i for i in inputs if isinstance(i, Mapping) and i.get("role") in roles]


def read_registry_properties(path: Path) -> dict[str, dict]:
    """Raw properties of every heap in a registry GeoJSON, by heap id (plus ``lat``/``lon``).

    The report shows facts as recorded; validating them is ``haldenenergie heaps validate``'s job,
    so this reader is lenient: features without an id are skipped.

    Raises
    ------
    OutputError
        The file is not readable JSON.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"{path}: cannot read the heap registry ({exc}); check --heaps") from None
    out: dict[str, dict] = {}
    for feat in data.get("features", []) if isinstance(data, Mapping) else []:
        if not isinstance(feat, Mapping):
            continue
        props = dict(feat.get("properties") or {})
        hid = props.get("id", feat.get("id"))
        if hid is None:
            continue
        geom = feat.get("geometry") or {}
        if geom.get("type") == "Point" and props.get("lat") is None:
            try:
                props["lon"], props["lat"] = (float(v) for v in geom["coordinates"][:2])
            except (KeyError, TypeError, ValueError):
                pass
        out[str(hid)] = props
    return out


def _resolve_registry(
    manifest: dict | None, registry: Path | None, results_dir: Path, notes: list
) -> tuple[dict | None, Path | None]:
    """Registry from --heaps, else the manifest's registry input, else the project default."""
    candidates: list[Path] = []
    recorded = _manifest_inputs(manifest, "registry")
    recorded_sha = recorded[0].get("sha256") if recorded else None
    if registry is not None:
        candidates.append(Path(registry))
    else:
        for rec in recorded:
            p = Path(str(rec.get("path", "")))
            candidates += [p] if p.is_absolute() else [p, results_dir / p]
        from .commands._common import DEFAULT_REGISTRY

        candidates.append(DEFAULT_REGISTRY)
    for p in candidates:
        if p.is_file():
            props = read_registry_properties(p)
            if recorded_sha and sha256_file(p) != recorded_sha:
                notes.append("registry_changed")
            return props, p
    if registry is not None:
        raise OutputError(f"{registry}: heap registry not found; check the path given to --heaps")
    notes.append("registry_missing")
    return None, None


def _find_summary(results_dir: Path, summary: Path | None) -> Path | None:
    """A batch summary.csv: given, else in the results folder or the batch folder above it.

    ``haldenenergie batch --out DIR`` writes ``DIR/runs/<run>/`` and ``DIR/summary.csv``, so a
    run folder's batch summary is two levels up; one level up is accepted too.
    """
    if summary is not None:
        if not Path(summary).is_file():
            raise OutputError(
                f"{summary}: batch summary not found; check the path given to --summary"
            )
        return Path(summary)
    d = results_dir.resolve()
    for p in (d / "summary.csv", d.parent / "summary.csv", d.parent.parent / "summary.csv"):
        if p.is_file():
            return p
    return None


def load_report_data(
    results_dir: str | os.PathLike,
    registry: str | os.PathLike | None = None,
    summary: str | os.PathLike | None = None,
) -> ReportData:
    """Read a results folder (and the registry, and a batch summary if any) for the report.

    Parameters
    ----------
    results_dir : folder written by ``haldenenergie run`` (needs ``results.csv``).
    registry : heap registry GeoJSON; default: the manifest's registry input, else the project's
        ``heaps.geojson``; absent → facts "not available".
    summary : batch ``summary.csv``; default: ``results_dir/summary.csv`` or the parent folder's.

    Raises
    ------
    OutputError
        The folder or ``results.csv`` is missing or unreadable, or has no ``heap_id`` column.
    """
    d = Path(results_dir)
    if not d.is_dir():
        raise OutputError(
            f"{d}: results folder not found; run 'haldenenergie run --out {d}' first or check the path"
        )
    if not (d / "results.csv").is_file() and (d / "summary.csv").is_file():
        runs = sorted(p.parent for p in [*d.glob("*/results.csv"), *d.glob("runs/*/results.csv")])
        hint = f" (e.g. {runs[0]})" if runs else ""
        raise OutputError(
            f"{d}: is a batch folder without results.csv; pass one of its run folders{hint} — its "
            "P50/P90 chart then comes from this summary.csv"
        )
    notes: list[str] = []
    results = _read_csv(d / REQUIRED_FILES[0], required=True)
    if "heap_id" not in results.columns:
        raise OutputError(
            f"{d / 'results.csv'}: has no 'heap_id' column; rerun 'haldenenergie run'"
        )
    if results.empty:
        raise OutputError(f"{d / 'results.csv'}: has no heaps; rerun 'haldenenergie run'")
    manifest = _read_manifest(d / "manifest.json", notes)
    if manifest is None:
        notes.append("no_manifest")
    data = ReportData(results_dir=d, results=results, manifest=manifest, notes=notes)
    data.monthly = _read_csv(d / "monthly.csv", notes=notes)
    data.surfaces = _read_csv(d / "surfaces.csv", notes=notes)
    data.totals = _read_csv(d / "totals.csv", notes=notes)
    sp = _find_summary(d, Path(summary) if summary is not None else None)
    if sp is not None:
        data.summary = _read_csv(sp, notes=notes)
        data.summary_path = sp
    data.registry, data.registry_path = _resolve_registry(
        manifest, Path(registry) if registry is not None else None, d, notes
    )
    return data


# --------------------------------------------------------------------------------------------
# Derived tables
# --------------------------------------------------------------------------------------------


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    return pd.to_numeric(df[col], errors="coerce").astype(float)


def rank_order(results: pd.DataFrame) -> pd.DataFrame:
    """Results sorted by rank (missing last), then by total energy (descending), then heap id."""
    df = results.copy()
    df["_rank"] = _num(df, "rank")
    df["_energy"] = total_energy(df)
    df = df.sort_values(
        ["_rank", "_energy", "heap_id"],
        ascending=[True, False, True],
        na_position="last",
        kind="mergesort",
    )
    return df.drop(columns=["_rank", "_energy"]).reset_index(drop=True)


def total_energy(results: pd.DataFrame) -> pd.Series:
    """Total new energy per heap [MWh a-1]: ``total_energy_mwh_per_a`` or PV + new wind."""
    if "total_energy_mwh_per_a" in results.columns:
        tot = _num(results, "total_energy_mwh_per_a")
        if tot.notna().any():
            return tot
    return _num(results, "pv_energy_mwh_per_a").fillna(0) + _num(
        results, "wind_energy_mwh_per_a"
    ).fillna(0)


def parameter_rows(
    manifest_parameters: Mapping | None, describe_rows: Sequence[Mapping] | None
) -> list[dict]:
    """Merge the run's parameter values with the program's units and sources.

    Parameters
    ----------
    manifest_parameters : ``{section: {key: value}}`` from ``manifest.json`` (values of the run).
    describe_rows : rows of :func:`haldenenergie.config.describe` (unit, default, source, doc).

    Returns
    -------
    One dict per parameter (section, key, value, unit, default, source, doc, changed, recorded),
    sections in the order of ``describe_rows`` then any others; parameters the manifest has but
    the program no longer describes keep unit/source "–".
    """
    params = {s: dict(v) for s, v in (manifest_parameters or {}).items() if isinstance(v, Mapping)}
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for r in describe_rows or []:
        sec, key = str(r.get("section")), str(r.get("key"))
        seen.add((sec, key))
        recorded = sec in params and key in params[sec]
        value = params[sec][key] if recorded else (r.get("value") if not params else None)
        rows.append(
            {
                "section": sec,
                "key": key,
                "value": value,
                "unit": r.get("unit", "-"),
                "default": r.get("default"),
                "source": r.get("source", ""),
                "doc": r.get("doc", ""),
                "recorded": recorded or not params,
                "changed": recorded and value != r.get("default"),
            }
        )
    for sec, vals in params.items():
        for key, value in vals.items():
            if (sec, key) not in seen:
                rows.append(
                    {
                        "section": sec,
                        "key": key,
                        "value": value,
                        "unit": "–",
                        "default": None,
                        "source": "–",
                        "doc": "",
                        "recorded": True,
                        "changed": False,
                    }
                )
    return rows


def _describe_rows() -> list[dict]:
    """Units and sources of every parameter; empty if the config cannot be loaded."""
    try:
        from .config import describe, load_config

        return describe(load_config())
    except Exception as exc:  # noqa: BLE001 - a broken stage config must not stop the report
        log.warning("parameter descriptions not available (%s); units/sources left out", exc)
        return []


def city_base(city: Any) -> str | None:
    """The town of a registry city text: ``"Gelsenkirchen-Buer"`` → ``"Gelsenkirchen"``.

    Takes the part before ``/``, ``(`` or ``,``; drops a district after a hyphen except for towns
    whose name has one (Castrop-Rauxel, Oer-Erkenschwick, Kamp-Lintfort, Neukirchen-Vluyn).
    """
    if city is None or (isinstance(city, float) and not math.isfinite(city)):
        return None
    s = re.split(r"\s*[/(,]\s*", str(city).strip())[0].strip()
    if not s:
        return None
    hyphenated = ("Castrop-Rauxel", "Oer-Erkenschwick", "Kamp-Lintfort", "Neukirchen-Vluyn")
    for h in hyphenated:
        if s.startswith(h):
            return h
    return s.split("-")[0].strip() or None


# --------------------------------------------------------------------------------------------
# Matplotlib charts (SVG data URIs)
# --------------------------------------------------------------------------------------------


@dataclass
class Chart:
    """An SVG chart: bytes and its size in CSS pixels."""

    svg: bytes
    width_px: int
    height_px: int


def _figure(w_in: float, h_in: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w_in, h_in))
    FigureCanvasAgg(fig)
    return fig


def _save(fig) -> Chart:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    w, h = fig.get_size_inches()
    return Chart(buf.getvalue(), round(w * CSS_PX_PER_IN), round(h * CSS_PX_PER_IN))


def _with_style(func):
    """Run a chart function inside the report's matplotlib style (rc settings are read both when
    artists are made and when the SVG is written); global rc settings stay untouched."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(_MPL_RC):
            return func(*args, **kwargs)

    return wrapper


def _thousands(lang: str):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: fmt_number(v, 0, lang))


def _class_color(c: Any) -> str:
    return CLASS_COLORS.get(str(c), OTHER_CLASS_COLOR)


def _class_label(c: Any, lang: str) -> str:
    if c is None or (isinstance(c, float) and not math.isfinite(c)):
        return "–"
    return CLASS_LABELS.get(str(c), (str(c), str(c)))[LANGS.index(lang)]


def _nice_length(x: float) -> float:
    """Largest 1-2-5 × 10^n not above ``x``."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * e <= x:
            return m * e
    return e


def project_points(lon: Sequence[float], lat: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat [deg] → ETRS89 / UTM 32N easting/northing [m] (EPSG:25832, NRW's CRS)."""
    from pyproj import Transformer

    tr = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    x, y = tr.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


@_with_style
def map_chart(df: pd.DataFrame, lang: str) -> Chart | None:
    """Map of the heaps with coordinates: colour = class, area ∝ energy, rank numbers, city labels,
    scale bar and north arrow. ``df`` in rank order; None if no heap has coordinates."""
    lat, lon = _num(df, "lat"), _num(df, "lon")
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return None
    sub = df[ok.values].reset_index(drop=True)
    x, y = project_points(lon[ok].values, lat[ok].values)
    energy = total_energy(sub).fillna(0).clip(lower=0).values
    emax = float(energy.max()) if energy.size and energy.max() > 0 else 1.0
    sizes = 18 + 520 * energy / emax  # marker area [pt^2] proportional to energy

    # Figure height follows the heaps' extent (the Ruhr area is wide and low), plus a band at the
    # bottom for the legends; limits are set so that 1 m east = 1 m north on paper.
    # Padding [m] around the outermost heaps: room for labels (above points) and big markers.
    x0, x1 = x.min() - 8000.0, x.max() + 6000.0
    y0, y1 = y.min() - 3000.0, y.max() + 6000.0
    span_x, span_y = max(x1 - x0, 10_000.0), max(y1 - y0, 10_000.0)
    w_in, legend_in = 8.0, 0.85
    ax_w_in = 0.98 * w_in
    data_h_in = float(np.clip(ax_w_in * span_y / span_x, 2.6, 6.5))
    h_in = (data_h_in + legend_in) / 0.98
    m_per_in = max(span_x / ax_w_in, span_y / data_h_in)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x0, x1 = cx - m_per_in * ax_w_in / 2, cx + m_per_in * ax_w_in / 2
    y1 = cy + m_per_in * data_h_in / 2
    y0 = cy - m_per_in * data_h_in / 2 - m_per_in * legend_in
    fig = _figure(w_in, h_in)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    ax.set_facecolor("#f7f8f6")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(True)
        s.set_color("#888888")
        s.set_linewidth(0.6)
    # Light 10 km grid for orientation (UTM metres).
    for gx in np.arange(math.ceil(x0 / 1e4) * 1e4, x1, 1e4):
        ax.axvline(gx, color="#e2e5e0", lw=0.5, zorder=0)
    for gy in np.arange(math.ceil(y0 / 1e4) * 1e4, y1, 1e4):
        ax.axhline(gy, color="#e2e5e0", lw=0.5, zorder=0)

    classes = sub["class"] if "class" in sub.columns else pd.Series([None] * len(sub))
    colors = [_class_color(c) for c in classes]
    order = np.argsort(-energy, kind="stable")  # big points first, small ones stay visible
    ax.scatter(
        x[order],
        y[order],
        s=sizes[order],
        c=[colors[i] for i in order],
        edgecolors="#333333",
        linewidths=0.5,
        alpha=0.9,
        zorder=3,
    )
    # Labels sit on a translucent white box rather than a stroked halo: path effects would turn
    # the SVG text into outlines (several times the file size).
    halo = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.55}
    ranks = _num(sub, "rank")
    for i in range(len(sub)):
        r = ranks.iloc[i]
        if math.isfinite(r):
            ax.annotate(
                f"{int(r)}",
                (x[i], y[i]),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=6.5,
                color="#222222",
                zorder=5,
            )
    # City labels: one per town, at the centre of its heaps, above them.
    cities = [city_base(c) for c in (sub["city"] if "city" in sub.columns else [None] * len(sub))]
    placed: dict[str, list[int]] = {}
    for i, c in enumerate(cities):
        if c:
            placed.setdefault(c, []).append(i)
    for c in sorted(placed):
        idx = placed[c]
        ax.annotate(
            c,
            (float(np.mean(x[idx])), float(np.max(y[idx]))),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
            style="italic",
            color="#4a4a4a",
            zorder=4,
            bbox=halo,
        )
    # Scale bar (lower left) and north arrow (upper right). In UTM 32N grid north differs from
    # true north by < 1.5 deg in the Ruhr area (meridian convergence at 7 deg E), not visible here.
    L = _nice_length((x1 - x0) * 0.2)
    sx, sy = x0 + 0.03 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([sx, sx + L], [sy, sy], color="#222222", lw=2.2, solid_capstyle="butt", zorder=6)
    ax.plot([sx, sx + L / 2], [sy, sy], color="white", lw=1.0, solid_capstyle="butt", zorder=7)
    ax.text(
        sx + L / 2,
        sy + 0.015 * (y1 - y0),
        f"{fmt_number(L / 1000, 0, lang)} km",
        ha="center",
        va="bottom",
        fontsize=7.5,
        zorder=6,
    )
    ax.annotate(
        "N",
        xy=(0.03, 0.965),
        xytext=(0.03, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.2},
    )
    ax.text(
        0.995,
        0.005,
        "ETRS89 / UTM 32N",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="#777777",
    )
    # Legends: classes present, and point sizes.
    from matplotlib.lines import Line2D

    present = [c for c in list(CLASS_LABELS) if c in set(map(str, classes))]
    present += sorted({str(c) for c in classes if str(c) not in CLASS_LABELS and pd.notna(c)})
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            markersize=7,
            markerfacecolor=_class_color(c),
            markeredgecolor="#333333",
            markeredgewidth=0.5,
            label=_class_label(c, lang),
        )
        for c in present
    ]
    if handles:
        leg1 = ax.legend(
            handles=handles,
            title=_lbl("class", lang),
            loc="lower right",
            bbox_to_anchor=(0.99, 0.01),
            ncol=min(len(handles), 3),
            frameon=True,
            framealpha=0.9,
            edgecolor="#cccccc",
            fontsize=7,
            title_fontsize=7.5,
        )
        ax.add_artist(leg1)
    refs = sorted({_nice_length(emax / 2), _nice_length(emax / 10), _nice_length(emax / 50)})
    size_handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            color="#bbbbbb",
            markeredgecolor="#333333",
            markeredgewidth=0.5,
            markersize=math.sqrt(18 + 520 * r / emax),
            label=fmt_number(r, 0, lang),
        )
        for r in refs
        if r > 0
    ]
    if size_handles:
        ax.legend(
            handles=size_handles,
            title=f"{_lbl('legend_size', lang)} [MWh/a]",
            loc="lower left",
            bbox_to_anchor=(0.27, 0.01),
            ncol=len(size_handles),
            frameon=True,
            framealpha=0.9,
            edgecolor="#cccccc",
            fontsize=7,
            title_fontsize=7.5,
            columnspacing=1.2,
        )
    return _save(fig)


def _short(name: Any, n: int = 34) -> str:
    s = str(name) if name is not None and not (isinstance(name, float) and math.isnan(name)) else ""
    return s if len(s) <= n else s[: n - 1] + "…"


def _heap_labels(df: pd.DataFrame) -> list[str]:
    ranks = _num(df, "rank")
    names = df["name"] if "name" in df.columns else df["heap_id"]
    out = []
    for r, n, hid in zip(ranks, names, df["heap_id"]):
        nm = _short(n if isinstance(n, str) and n.strip() else hid)
        out.append(f"{int(r)}. {nm}" if math.isfinite(r) else nm)
    return out


#: Room above a horizontal bar chart [in]: two legend rows, then the x tick labels and label.
_BARH_TOP_IN, _BARH_BOTTOM_IN, _BARH_ROW_IN = 0.95, 0.1, 0.19


def _barh_size(n: int) -> float:
    """Height [in] of a horizontal bar chart of ``n`` heaps."""
    return max(2.6, _BARH_TOP_IN + _BARH_BOTTOM_IN + _BARH_ROW_IN * n)


def _barh_axes(fig, h_in: float):
    """Axes for a horizontal bar chart: heap names left, legend then ticks and label on top."""
    return fig.add_axes(
        (0.34, _BARH_BOTTOM_IN / h_in, 0.63, 1 - (_BARH_TOP_IN + _BARH_BOTTOM_IN) / h_in)
    )


def suitable_uses(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Whether PV and wind are suitable per heap (bool arrays).

    From ``pv_suitability``/``wind_suitability`` (``"suitable"``) where present, else from the
    class (``pv``, ``wind``, ``pv+wind``); all True when the results are not classified.
    """
    n = len(df)
    out = []
    for use in ("pv", "wind"):
        col = f"{use}_suitability"
        if col in df.columns:
            out.append(df[col].astype(str).str.strip().str.lower().eq("suitable").to_numpy())
        elif "class" in df.columns:
            out.append(np.array([use in str(c).split("+") for c in df["class"]], dtype=bool))
        else:
            out.append(np.ones(n, dtype=bool))
    return out[0], out[1]


@_with_style
def energy_chart(df: pd.DataFrame, lang: str) -> Chart | None:
    """Horizontal stacked bars of PV and new wind energy per heap [MWh a-1], rank order top-down."""
    pv = _num(df, "pv_energy_mwh_per_a").fillna(0).clip(lower=0).values
    wind = _num(df, "wind_energy_mwh_per_a").fillna(0).clip(lower=0).values
    if not (np.isfinite(pv).any() or np.isfinite(wind).any()) or (pv.sum() + wind.sum()) <= 0:
        return None
    n = len(df)
    h_in = _barh_size(n)
    fig = _figure(7.6, h_in)
    ax = _barh_axes(fig, h_in)
    yy = np.arange(n)
    pv_ok, wind_ok = suitable_uses(df)
    light = {"pv": "#f6dca6", "wind_new": "#b3d1e6"}
    for vals, left, ok, color, key in (
        (pv, 0, pv_ok, PV_COLOR, "pv"),
        (wind, pv, wind_ok, WIND_COLOR, "wind_new"),
    ):
        ax.barh(
            yy,
            np.where(ok, vals, 0),
            left=left,
            color=color,
            height=0.72,
            label=_lbl(key, lang) if (ok & (vals > 0)).any() else "_nolegend_",
        )
        if (~ok & (vals > 0)).any():
            ax.barh(
                yy,
                np.where(ok, 0, vals),
                left=left,
                color=light[key],
                edgecolor=color,
                hatch="////",
                linewidth=0,
                height=0.72,
                label=f"{_lbl(key, lang)} – {_lbl('not_suitable', lang)}",
            )
    return _finish_heap_bars(fig, ax, _heap_labels(df), n, _lbl("energy", lang), lang)


def _finish_heap_bars(fig, ax, labels, n: int, xlabel: str, lang: str) -> Chart:
    """Common styling of the horizontal per-heap bar charts (heaps top to bottom in rank order,
    energy axis [MWh/a] on top, light grid, legend above); returns the saved chart."""
    ax.set_yticks(np.arange(n), labels, fontsize=7)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(_thousands(lang))
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(f"{xlabel} [MWh/a]")
    ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    ax.spines["bottom"].set_visible(False)
    ax.spines["top"].set_visible(True)
    handles, texts = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        texts,
        loc="upper left",
        bbox_to_anchor=(0.01, 1.0),
        ncol=2 if len(handles) > 2 else 3,
    )
    return _save(fig)


def monthly_totals(monthly: pd.DataFrame | None) -> pd.DataFrame | None:
    """Sum of all heaps per month: index 1..12, columns pv, wind [MWh]; None if not readable."""
    if monthly is None or "month" not in monthly.columns:
        return None
    cols = {"pv": "pv_energy_mwh", "wind": "wind_energy_mwh"}
    if not any(c in monthly.columns for c in cols.values()):
        return None
    m = pd.to_numeric(monthly["month"], errors="coerce")
    out = pd.DataFrame(index=pd.RangeIndex(1, 13, name="month"))
    for k, c in cols.items():
        out[k] = _num(monthly, c).groupby(m).sum().reindex(out.index).fillna(0.0)
    return out


@_with_style
def monthly_chart(monthly: pd.DataFrame | None, lang: str) -> Chart | None:
    """Stacked monthly bars of PV and new wind energy of all heaps [MWh]."""
    tot = monthly_totals(monthly)
    if tot is None or float(tot.to_numpy().sum()) <= 0:
        return None
    fig = _figure(7.6, 3.0)
    ax = fig.add_axes((0.13, 0.11, 0.85, 0.84))
    xx = np.arange(12)
    ax.bar(xx, tot["pv"], color=PV_COLOR, width=0.72, label=_lbl("pv", lang))
    ax.bar(
        xx,
        tot["wind"],
        bottom=tot["pv"],
        color=WIND_COLOR,
        width=0.72,
        label=_lbl("wind_new", lang),
    )
    ax.set_xticks(xx, MONTHS[lang])
    ax.yaxis.set_major_formatter(_thousands(lang))
    ax.set_ylabel(f"{_lbl('energy', lang)} [MWh]")
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", ncol=2)
    return _save(fig)


def _summary_cols(summary: pd.DataFrame) -> dict[str, str]:
    """Find the total-energy P50/P90 (and min/max) columns of a batch summary."""
    found: dict[str, str] = {}
    cols = list(summary.columns)
    for key in ("p50", "p90", "min", "max"):
        cand = [c for c in cols if re.search(rf"(^|_){key}(_|$)", c.lower())]
        tot = [c for c in cand if "total" in c.lower()]
        if tot:
            found[key] = tot[0]
        elif key in ("p50", "p90"):
            pv = [c for c in cand if "pv" in c.lower()]
            wd = [c for c in cand if "wind" in c.lower()]
            if pv and wd:
                found[key] = f"{pv[0]}+{wd[0]}"
    return found


def _summary_values(summary: pd.DataFrame, spec: str) -> pd.Series:
    parts = spec.split("+")
    out = _num(summary, parts[0])
    for p in parts[1:]:
        out = out + _num(summary, p)
    return out


@_with_style
def p50_p90_chart(df: pd.DataFrame, summary: pd.DataFrame | None, lang: str) -> Chart | None:
    """Grouped bars of P50 and P90 total energy per heap [MWh a-1] (rank order), min–max whiskers."""
    if summary is None or "heap_id" not in summary.columns:
        return None
    cols = _summary_cols(summary)
    if "p50" not in cols or "p90" not in cols:
        return None
    s = summary.drop_duplicates("heap_id").set_index("heap_id")
    order = [h for h in df["heap_id"] if h in s.index]
    order += sorted(h for h in s.index if h not in set(order))
    if not order:
        return None
    p50 = _summary_values(s, cols["p50"]).reindex(order).values
    p90 = _summary_values(s, cols["p90"]).reindex(order).values
    if not np.isfinite(p50).any():
        return None
    lab_df = df.set_index("heap_id").reindex(order).reset_index()
    n = len(order)
    h_in = _barh_size(n)
    fig = _figure(7.6, h_in)
    ax = _barh_axes(fig, h_in)
    yy = np.arange(n)
    ax.barh(yy - 0.19, p50, height=0.38, color="#3b6e8f", label="P50")
    ax.barh(yy + 0.19, p90, height=0.38, color="#9ecae1", label="P90")
    if "min" in cols and "max" in cols:
        lo = _summary_values(s, cols["min"]).reindex(order).values
        hi = _summary_values(s, cols["max"]).reindex(order).values
        ok = np.isfinite(lo) & np.isfinite(hi)
        ax.hlines(
            yy[ok] - 0.19, lo[ok], hi[ok], color="#222222", lw=0.8, label=_lbl("min_max", lang)
        )
    return _finish_heap_bars(fig, ax, _heap_labels(lab_df), n, _lbl("total_energy", lang), lang)


# --------------------------------------------------------------------------------------------
# Small inline SVGs (per heap; written directly, which is fast)
# --------------------------------------------------------------------------------------------


def _wedge_path(cx: float, cy: float, r: float, az_deg: float, half_width_deg: float = 22.5) -> str:
    """SVG path of a circular sector centred on azimuth ``az_deg`` (clockwise from north)."""
    if r <= 0:
        return ""
    a0, a1 = math.radians(az_deg - half_width_deg), math.radians(az_deg + half_width_deg)
    x0, y0 = cx + r * math.sin(a0), cy - r * math.cos(a0)
    x1, y1 = cx + r * math.sin(a1), cy - r * math.cos(a1)
    return f"M{cx:.1f},{cy:.1f}L{x0:.1f},{y0:.1f}A{r:.1f},{r:.1f} 0 0 1 {x1:.1f},{y1:.1f}Z"


def orientation_by_sector(surfaces: pd.DataFrame | None, heap_id: str) -> pd.DataFrame | None:
    """Gross and usable area per azimuth sector [ha] of one heap; index SECTORS + ``flat``."""
    if surfaces is None or "heap_id" not in surfaces.columns:
        return None
    s = surfaces[surfaces["heap_id"] == heap_id]
    if s.empty:
        return None
    if "azimuth_sector" in s.columns:
        sector = s["azimuth_sector"].astype(str).str.strip()
    elif "surface_azimuth_deg" in s.columns:
        az = _num(s, "surface_azimuth_deg")
        sector = pd.Series(
            [SECTORS[int(((a + 22.5) % 360) // 45)] if math.isfinite(a) else "flat" for a in az],
            index=s.index,
        )
    else:
        return None
    if "kind" in s.columns:
        sector = sector.where(s["kind"].astype(str) != "plateau", "flat")
    gross = _num(s, "area_ha")
    usable = _num(s, "usable_area_ha")
    if usable.isna().all() and gross.isna().all():
        return None
    out = (
        pd.DataFrame(
            {"gross": gross.fillna(usable).fillna(0), "usable": usable.fillna(0), "sector": sector}
        )
        .groupby("sector")[["gross", "usable"]]
        .sum()
    )
    return out.reindex([*SECTORS, "flat"]).fillna(0.0)


def rose_svg(by_sector: pd.DataFrame, lang: str, size: int = 170) -> str:
    """Area-true orientation rose as inline SVG: wedge area ∝ area per sector [ha].

    Light wedges show the gross flank area, strong ones the usable area; the plateau (flat) is
    listed in the caption because it has no direction.
    """
    c = size / 2
    rmax = size / 2 - 16
    flanks = by_sector.loc[list(SECTORS)]
    vmax = float(max(flanks["gross"].max(), flanks["usable"].max(), 0))
    parts = [
        (
            f'<svg class="rose" xmlns="http://www.w3.org/2000/svg" width="{size}" '
            f'height="{size}" viewBox="0 0 {size} {size}" role="img" '
            f'aria-label="{_e(_lbl("orientation", lang))}">'
        )
    ]
    for frac in (0.5, 1.0):
        parts.append(
            f'<circle cx="{c}" cy="{c}" r="{rmax * frac:.1f}" fill="none" '
            'stroke="#d0d0d0" stroke-width="0.7"/>'
        )
    for s in SECTORS:
        az = SECTOR_AZIMUTH_DEG[s]
        if vmax > 0:
            for key, color, op in (("gross", "#c9c9c9", 0.7), ("usable", _sector_color(s), 0.95)):
                r = rmax * math.sqrt(float(flanks.at[s, key]) / vmax)  # area-true radius
                d = _wedge_path(c, c, r, az)
                if d:
                    parts.append(
                        f'<path d="{d}" fill="{color}" fill-opacity="{op}" '
                        'stroke="#ffffff" stroke-width="0.6"/>'
                    )
    for s, (dx, dy) in {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}.items():
        tx, ty = c + dx * (rmax + 9), c + dy * (rmax + 9) + 3.5
        parts.append(
            f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="10" '
            f'font-weight="bold" fill="#444">{_sector_name(s, lang)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _sector_name(s: str, lang: str) -> str:
    """Compass sector in the report's language (German east is "O": SO, NO)."""
    return s.replace("E", "O") if lang == "de" else s


def _sector_color(s: str) -> str:
    # Warm for sunny (south) sectors, cool for north: a visual cue, not a yield.
    return {
        "S": "#d55e00",
        "SE": "#e69f00",
        "SW": "#e69f00",
        "E": "#f0c05a",
        "W": "#f0c05a",
        "NE": "#8fb8d6",
        "NW": "#8fb8d6",
        "N": "#56B4E9",
    }[s]


def monthly_heap_svg(
    monthly: pd.DataFrame | None, heap_id: str, lang: str, width: int = 250, height: int = 110
) -> str | None:
    """Small stacked monthly bars (PV, new wind) of one heap as inline SVG; None if no data."""
    if monthly is None or "heap_id" not in monthly.columns or "month" not in monthly.columns:
        return None
    m = monthly[monthly["heap_id"] == heap_id]
    if m.empty:
        return None
    month = pd.to_numeric(m["month"], errors="coerce")
    pv = _num(m, "pv_energy_mwh").groupby(month).sum().reindex(range(1, 13)).fillna(0).clip(lower=0)
    wd = (
        _num(m, "wind_energy_mwh")
        .groupby(month)
        .sum()
        .reindex(range(1, 13))
        .fillna(0)
        .clip(lower=0)
    )
    top = float((pv + wd).max())
    if top <= 0:
        return None
    left, bottom, topm = 34, 16, 6
    ph = height - bottom - topm
    bw = (width - left - 4) / 12
    ticks = _nice_length(top / 2)
    parts = [
        (
            f'<svg class="monthly" xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{_e(_lbl("monthly_heap", lang))}">'
        )
    ]
    v = 0.0
    while v <= top * 1.0001:
        yv = topm + ph * (1 - v / top)
        parts.append(
            f'<line x1="{left}" x2="{width - 2}" y1="{yv:.1f}" y2="{yv:.1f}" '
            'stroke="#e3e3e3" stroke-width="0.7"/>'
        )
        parts.append(
            f'<text x="{left - 3}" y="{yv + 3:.1f}" text-anchor="end" font-size="8" '
            f'fill="#666">{fmt_number(v, 0, lang)}</text>'
        )
        v += ticks
    for i in range(12):
        x = left + i * bw + 1
        hp = ph * float(pv.iloc[i]) / top
        hw = ph * float(wd.iloc[i]) / top
        y_pv = topm + ph - hp
        parts.append(
            f'<rect x="{x:.1f}" y="{y_pv:.1f}" width="{bw - 2:.1f}" height="{hp:.1f}" '
            f'fill="{PV_COLOR}"/>'
        )
        if hw > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="{y_pv - hw:.1f}" width="{bw - 2:.1f}" '
                f'height="{hw:.1f}" fill="{WIND_COLOR}"/>'
            )
        parts.append(
            f'<text x="{x + (bw - 2) / 2:.1f}" y="{height - 4}" text-anchor="middle" '
            f'font-size="8" fill="#666">{MONTHS[lang][i][0]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------


def _lbl(key: str, lang: str) -> str:
    return LABELS[key][LANGS.index(lang)]


CSS = """
:root{--ink:#1d2733;--muted:#5b6672;--line:#d9dee3;--accent:#1f4e79;--bg:#f5f7f9}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;font-family:"Segoe UI","Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",sans-serif;
 color:var(--ink);font-size:13px;line-height:1.45;background:#fff}
main{max-width:1100px;margin:0 auto;padding:0 28px 40px}
header.cover{background:var(--accent);color:#fff;padding:28px 28px 22px}
header.cover .inner{max-width:1100px;margin:0 auto;padding:0 28px}
header.cover h1{margin:0 0 4px;font-size:26px;font-weight:600}
header.cover p{margin:2px 0;opacity:.92}
h2{font-size:19px;color:var(--accent);border-bottom:2px solid var(--accent);padding-bottom:4px;
 margin:34px 0 12px}
h3{font-size:15px;margin:18px 0 8px}
h4{font-size:13px;margin:12px 0 6px;color:var(--accent)}
nav.toc ol{columns:2;margin:8px 0;padding-left:20px}
nav.toc a{color:var(--accent);text-decoration:none}
a{color:var(--accent)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0 16px}
.card{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:var(--bg)}
.card .v{font-size:19px;font-weight:600;white-space:nowrap}
.card .k{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:12px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
tr.overall td{font-weight:600;border-top:1.5px solid var(--ink);border-bottom:1.5px solid var(--ink)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;
 vertical-align:baseline;border:1px solid rgba(0,0,0,.25)}
.tablewrap{overflow-x:auto}
table.rank{font-size:11.5px;table-layout:fixed}
table.rank td{overflow-wrap:break-word}
table.rank td.reasons{font-size:11px}
table.rank td.off{color:var(--muted)}
table.rank th{overflow-wrap:normal;word-break:normal}
table.rank td.city{font-size:11.5px;color:var(--muted)}
table.surf{font-size:11px;margin-top:8px}
table.surf td,table.surf th{padding:2px 4px}
td.nw{white-space:nowrap}
table.ptable{table-layout:fixed}
table.ptable td{overflow-wrap:anywhere}
ul.params{font-size:11px;margin:2px 0;padding-left:18px}
ul.params li{margin-bottom:4px;break-inside:avoid}
tr.long>td{border-bottom:1px solid var(--line);padding-top:0}
tr.long>td>code{font-size:11px;word-break:break-word}

tr{break-inside:avoid}
table.kv th{width:42%;background:none;font-weight:normal;color:var(--muted)}
table.kv td{font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;color:#fff;font-size:11px;
 font-weight:600;white-space:nowrap}
.note{color:var(--muted);font-size:12px}
.warn{background:#fff6e0;border-left:4px solid #e69f00;padding:6px 10px;margin:8px 0;font-size:12px}
figure{margin:10px 0 18px}
figure img{max-width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:12px;margin-top:4px}
.mapwrap{display:flex;gap:18px;align-items:flex-start}
.mapwrap figure{flex:1 1 auto;margin-top:0}
.mapwrap aside{flex:0 0 210px;font-size:12px;border-left:3px solid var(--line);padding-left:10px}
.mapwrap aside ul{padding-left:16px;margin:4px 0}
article.sheet{border-top:3px solid var(--accent);margin-top:36px;padding-top:6px}
article.sheet h3{font-size:18px;margin:4px 0 2px}
.sheet .sub{color:var(--muted);margin-bottom:8px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:6px 22px}
.grid>div{min-width:0}
.rosebox{display:flex;gap:10px;align-items:center}
.rosebox table{width:auto;font-size:11px}
.small{font-size:11px}
ul.tight{margin:2px 0;padding-left:18px}
.sources{font-size:10.5px;color:var(--muted);word-break:break-word}
footer{color:var(--muted);font-size:11px;border-top:1px solid var(--line);margin-top:30px;padding-top:8px}
@page{size:A4;margin:14mm 12mm 14mm 12mm}
@media print{
 body{font-size:9px;line-height:1.25}
 th,td{padding:1px 4px}
 table{font-size:9px;margin:2px 0 5px}
 .tablewrap{overflow:visible}
 .tablewrap th{overflow-wrap:anywhere}
 table.kv th{width:48%}
 article.sheet .sub{margin-bottom:4px}
 table.rank,table.rank td.reasons,table.rank td.city,table.surf,.rosebox table,.small{font-size:8.5px}
 .tablewrap table.rank th{overflow-wrap:normal}
 table.rank .badge{font-size:8px;padding:0 5px}
 .note,.warn,figcaption{font-size:8.5px}
 h3,h4{break-after:avoid}
 h4{margin:6px 0 3px}
 article.sheet h3{font-size:15px}
 svg.rose{width:105px;height:105px}
 svg.monthly{width:200px;height:88px}
 .grid{gap:2px 16px}
 .sources{font-size:8px}
 ul.params{font-size:8px}
 main{max-width:none;padding:0}
 header.cover{padding:14px 0}
 header.cover .inner{padding:0}
 h2{break-after:avoid;margin-top:18px}
 section.major{break-before:page}
 article.sheet{break-before:page;border-top:none;margin-top:0;zoom:.84}
 section#sheets>article.sheet:first-of-type{break-before:auto}
 figure,table.kv,.rosebox,svg{break-inside:avoid}
 .mapwrap aside{flex-basis:160px}
 a{color:inherit;text-decoration:none}
 .card{padding:6px 8px}.card .v{font-size:16px}
}
"""

#: Page self-check (see module docstring): records script errors and, after load, each chart
#: image's natural size and ink share (drawn into a small canvas) in data attributes.
SELFCHECK_JS = """
(function(){
 var errs=[];
 window.addEventListener('error',function(e){
  var t=e.target&&e.target!==window?(e.target.tagName||'')+' '+(e.target.id||''):'';
  errs.push(String(e.message||('load error '+t)));
  document.documentElement.setAttribute('data-errors',errs.join(' | '));},true);
 window.addEventListener('load',function(){
  var out=[],imgs=document.querySelectorAll('img.chart');
  for(var i=0;i<imgs.length;i++){
   var im=imgs[i],r={id:im.id,complete:im.complete,w:im.naturalWidth,h:im.naturalHeight,ink:-1};
   try{var c=document.createElement('canvas');c.width=160;c.height=160;
    var g=c.getContext('2d');g.fillStyle='#fff';g.fillRect(0,0,160,160);g.drawImage(im,0,0,160,160);
    var d=g.getImageData(0,0,160,160).data,k=0;
    for(var j=0;j<d.length;j+=4){if(d[j]+d[j+1]+d[j+2]<720)k++;}
    r.ink=k/(160*160);}catch(x){r.ink=-1;}
   out.push(r);}
  document.body.setAttribute('data-images',JSON.stringify(out));
  document.body.setAttribute('data-svgs',String(document.querySelectorAll('svg').length));
  document.body.setAttribute('data-ready','1');});
})();
"""


def _img(chart: Chart, id_: str, alt: str) -> str:
    b64 = base64.b64encode(chart.svg).decode("ascii")
    return (
        f'<img class="chart" id="{id_}" src="data:image/svg+xml;base64,{b64}" '
        f'width="{chart.width_px}" height="{chart.height_px}" alt="{_e(alt)}" '
        f'data-expected-width="{chart.width_px}" data-expected-height="{chart.height_px}">'
    )


def _na(lang: str, what: str = "") -> str:
    extra = f" ({_e(what)})" if what else ""
    return f'<p class="note">{_e(_lbl("not_available", lang))}{extra}</p>'


def _badge(cls: Any, lang: str) -> str:
    if cls is None or (isinstance(cls, float) and not math.isfinite(cls)):
        return "–"
    color = _class_color(cls)
    fg = "#222" if str(cls) in ("pv", "not-assessed", "unsuitable") else "#fff"
    return (
        f'<span class="badge" style="background:{color};color:{fg}">'
        f"{_e(_class_label(cls, lang))}</span>"
    )


def _table(
    df: pd.DataFrame,
    lang: str,
    cols: Sequence[str] | None = None,
    class_col: str | None = "class",
    overall: Sequence[str] = (),
) -> str:
    """A table of ``df`` with labelled headers and formatted numbers; rows whose ``class_col``
    is in ``overall`` are the bold total row."""
    cols = list(cols or df.columns)
    head = "".join(
        f'<th class="{"n" if _is_numeric_col(df, c) else ""}">{_e(column_label(c, lang))}</th>'
        for c in cols
    )
    rows = []
    for _, r in df.iterrows():
        cells = []
        is_overall = class_col in df.columns and str(r[class_col]).strip() in overall
        for c in cols:
            v = r[c]
            if c == class_col and is_overall:
                cells.append(f"<td>{_e(_lbl('overall', lang))}</td>")
            elif c == class_col:
                cells.append(f"<td>{_badge(v, lang)}</td>")
            elif _is_numeric_col(df, c):
                cells.append(f'<td class="n">{_e(fmt_value(c, v, lang))}</td>')
            else:
                cells.append(f"<td>{_linkify(fmt_value(c, v, lang))}</td>")
        rows.append(('<tr class="overall">' if is_overall else "<tr>") + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _is_numeric_col(df: pd.DataFrame, c: str) -> bool:
    return c in df.columns and pd.api.types.is_numeric_dtype(df[c]) and not c.endswith("_year")


def _kv(rows: Sequence[tuple[str, str]]) -> str:
    """Two-column table; values are already HTML."""
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _get(row: Mapping | pd.Series | None, key: str) -> Any:
    if row is None:
        return None
    try:
        v = row[key]
    except (KeyError, IndexError):
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NA:
        return None
    return v


def _split_totals(totals: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Move factors (and their years and sources) out of the totals table into a list.

    A column is a factor when it is the same in every row and either its name says so
    (``factor``, ``year``, ``source``, ``per_household``, ``consumption``) or there are at least
    three rows (sums of different classes are not all equal).
    """
    keep, notes = [], []
    cls = _class_col(totals)
    for c in totals.columns:
        low = c.lower()
        vals = totals[c].dropna().astype(str).unique()
        named = any(w in low for w in ("factor", "year", "source", "per_household", "consumption"))
        if c != cls and len(vals) <= 1 and (named or len(totals) >= 3):
            if len(vals) == 1:
                notes.append((c, vals[0]))
            continue
        keep.append(c)
    return totals[keep], notes


def _totals_html(table: pd.DataFrame, lang: str) -> str:
    """Totals by class and group in the file's order; the overall row bold.

    ``table`` is the totals without their factor columns (:func:`_split_totals`). The group
    column (``class`` or ``group``) is shown by its label in the report's language when the file
    has one (``group_de``/``group_en``), with the class colour as a swatch.
    """
    cls = _class_col(table)
    if cls is None:
        return _table(table, lang)
    text_cols = [
        c for c in table.columns if c.startswith(f"{cls}_") and c.rsplit("_", 1)[-1] in LANGS
    ]
    label_col = f"{cls}_{lang}" if f"{cls}_{lang}" in table.columns else None
    value_cols = [c for c in table.columns if c != cls and c not in text_cols]
    head = f"<th>{_e(_lbl('class', lang))}</th>" + "".join(
        f'<th class="{"n" if _is_numeric_col(table, c) else ""}">{_e(column_label(c, lang))}</th>'
        for c in value_cols
    )
    rows = []
    for _, r in table.iterrows():
        key = str(r[cls]).strip()
        overall = key.lower() in _OVERALL_NAMES
        text = _get(r, label_col) if label_col else None
        if key in CLASS_COLORS:
            first = (
                f'<span class="swatch" style="background:{_class_color(key)}"></span>'
                f"{_e(text or _class_label(key, lang))}"
            )
        elif overall and not text:
            first = _e(_lbl("overall", lang))
        else:
            first = _e(text or key)
        cells = "".join(
            f'<td class="n">{_e(fmt_value(c, _get(r, c), lang))}</td>'
            if _is_numeric_col(table, c)
            else f"<td>{_linkify(fmt_value(c, _get(r, c), lang))}</td>"
            for c in value_cols
        )
        tr = '<tr class="overall">' if overall else "<tr>"
        rows.append(f"{tr}<td>{first}</td>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _class_col(totals: pd.DataFrame) -> str | None:
    for c in ("class", "suitability_class", "klasse", "group"):
        if c in totals.columns:
            return c
    return None


def _overall_row(totals: pd.DataFrame | None) -> pd.Series | None:
    if totals is None or totals.empty:
        return None
    c = _class_col(totals)
    if c is None:
        return totals.iloc[-1] if len(totals) == 1 else None
    m = totals[c].astype(str).str.strip().str.lower().isin(_OVERALL_NAMES)
    return totals[m].iloc[0] if m.any() else None


def _pick(
    row: pd.Series, include: Sequence[str], exclude=("factor", "year", "source", "per_household")
):
    """First numeric column whose name contains all of ``include`` and none of ``exclude``."""
    for c in row.index:
        low = c.lower()
        if all(w in low for w in include) and not any(w in low for w in exclude):
            v = _get(row, c)
            if _isnum(v) or (isinstance(v, str) and _is_float(v)):
                return c, float(v)
    return None


def _is_float(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _summary_section(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    out = [f'<section id="summary"><h2>1 {_e(_lbl("summary", lang))}</h2>']
    for n in data.notes:
        if n in LABELS:
            out.append(f'<div class="warn">{_e(_lbl(n, lang))}</div>')
        else:
            out.append(f'<div class="warn">{_e(n)}</div>')
    # Key figures: from the overall row of totals.csv, else sums of results.csv.
    overall = _overall_row(data.totals)
    cards: list[tuple[str, str]] = [(_lbl("n_heaps", lang), fmt_number(len(df), 0, lang))]
    if overall is not None:
        specs = [
            ("pv_capacity", ("pv", "capacity"), "MWp", 1),
            ("wind_capacity", ("wind", "capacity"), "MW", 1),
            ("total_energy", ("total", "energy"), "MWh/a", 0),
            ("households", ("household",), "", 0),
            ("co2", ("co2",), "t/a", 0),
        ]
        for key, inc, unit, dec in specs:
            hit = _pick(overall, inc)
            if key == "total_energy" and hit is None and _isnum(_get(overall, "energy_mwh_per_a")):
                hit = ("energy_mwh_per_a", float(_get(overall, "energy_mwh_per_a")))
            if key == "total_energy" and hit is None:
                pv, wd = _pick(overall, ("pv", "energy")), _pick(overall, ("wind", "energy"))
                if pv and wd:
                    hit = ("", pv[1] + wd[1])
            if hit is not None:
                u = _unit_of(hit[0])[0] if hit[0] and _unit_of(hit[0]) else unit
                value = hit[1]
                if u == "MWh/a" and abs(value) >= 10_000:
                    value, u, dec = value / 1000, "GWh/a", 1
                cards.append((_lbl(key, lang), f"{fmt_number(value, dec, lang)} {u}".strip()))
    else:
        cards += [
            (
                _lbl("pv_capacity", lang),
                f"{fmt_number(_num(df, 'pv_capacity_mwp').sum(), 1, lang)} MWp",
            ),
            (
                _lbl("wind_capacity", lang),
                f"{fmt_number(_num(df, 'wind_capacity_mw').sum(), 1, lang)} MW",
            ),
            (
                _lbl("total_energy", lang),
                f"{fmt_number(total_energy(df).sum() / 1000, 1, lang)} GWh/a",
            ),
        ]
    out.append(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{_e(v)}</div><div class="k">{_e(k)}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )
    if overall is not None:
        cls = _class_col(data.totals)
        what = _get(overall, f"{cls}_{lang}") if cls else None
        if what:
            out.append(f'<p class="note">{_e(_lbl("key_figures", lang))}: {_e(what)}</p>')
    # Totals by class.
    out.append(f"<h3>{_e(_lbl('totals_by_class', lang))}</h3>")
    if data.totals is not None and not data.totals.empty:
        table, factors = _split_totals(data.totals)
        out.append(f'<div class="tablewrap">{_totals_html(table, lang)}</div>')
        if set(TOTAL_COLUMNS) <= set(data.totals.columns):
            # The totals of 'haldenenergie rank': each factor with its year and cited source
            # (the same sentences as the exports).
            from .export import factor_notes

            out.append(f"<h4>{_e(_lbl('factors', lang))}</h4><ul class='tight small'>")
            out += [f"<li>{_linkify(t)}</li>" for t in factor_notes(lang, data.totals)]
            out.append("</ul>")
        elif factors:
            out.append(f"<h4>{_e(_lbl('factors', lang))}</h4><ul class='tight small'>")
            for c, v in factors:
                val = fmt_value(c, _maybe_float(v), lang)
                out.append(f"<li>{_e(column_label(c, lang))}: {_linkify(val)}</li>")
            out.append("</ul>")
        ex_n = _num(df, "existing_wind_turbines").sum()
        if ex_n > 0:
            out.append(
                f'<p class="note">{_e(_lbl("existing_wind", lang))}: {fmt_number(ex_n, 0, lang)}, '
                f"{fmt_number(_num(df, 'existing_wind_energy_mwh_per_a').sum(), 0, lang)} MWh/a "
                f"({_e(_lbl('existing_note', lang))}).</p>"
            )
    else:
        out.append(f'<p class="note">{_e(_lbl("totals_fallback", lang))}</p>')
        out.append(_fallback_totals(df, lang))
    # Data used.
    out.append(f"<h3>{_e(_lbl('sources_used', lang))}</h3>")
    out.append(_sources_table(data, df, lang))
    out.append("</section>")
    return "".join(out)


def _maybe_float(v: str) -> Any:
    return float(v) if _is_float(v) else v


def _fallback_totals(df: pd.DataFrame, lang: str) -> str:
    cols = ["pv_capacity_mwp", "wind_capacity_mw", "pv_energy_mwh_per_a", "wind_energy_mwh_per_a"]
    work = df.copy()
    work["total_energy_mwh_per_a"] = total_energy(df)
    work["class"] = work["class"] if "class" in work.columns else _lbl("all_heaps", lang)
    work["class"] = work["class"].fillna("–")
    g = work.groupby("class", sort=False)
    t = pd.DataFrame({"n_heaps": g.size()})
    for c in [*cols, "total_energy_mwh_per_a"]:
        t[c] = (
            g[c].apply(lambda s: pd.to_numeric(s, errors="coerce").sum()) if c in work else np.nan
        )
    t = t.reset_index()
    return _table(t, lang)


def _sources_table(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    m = data.manifest or {}
    rows: list[tuple[str, str]] = []

    def files(role: str) -> str:
        recs = _manifest_inputs(m, role)
        if not recs:
            return ""
        return "<br>".join(
            f"{_e(Path(str(r.get('path', '?'))).name)} "
            f"<span class='note'>SHA-256 {_e(str(r.get('sha256', '–'))[:12])}…</span>"
            for r in recs
        )

    weather = files("weather") or _e(_lbl("not_available", lang))
    wmeta = m.get("weather")
    if isinstance(wmeta, Mapping):
        bits = [
            f"{k}: {_fmt_time(v) if k.startswith('period') else v}"
            for k, v in wmeta.items()
            if k
            in (
                "station",
                "source_format",
                "period_start",
                "period_end",
                "wind_speed_height_m",
                "coverage_fraction",
            )
            and v not in (None, "")
        ]
        if bits:
            weather += f"<br><span class='note'>{_e('; '.join(map(str, bits)))}</span>"
    rows.append((_lbl("weather", lang), weather))
    terrain = files("dem")
    if "terrain_source" in df.columns:
        counts = df["terrain_source"].fillna("–").astype(str).value_counts()
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        terrain = (terrain + "<br>" if terrain else "") + _e(summary)
    rows.append((_lbl("terrain", lang), terrain or _e(_lbl("not_available", lang))))
    reg = files("registry")
    if data.registry_path is not None:
        reg = reg or _e(data.registry_path.name)
    rows.append((_lbl("registry", lang), reg or _e(_lbl("not_available", lang))))
    cfg = files("config") or _e(_lbl("defaults", lang))
    if m.get("config_sha256"):
        cfg += f" <span class='note'>SHA-256 {_e(str(m['config_sha256'])[:12])}…</span>"
    rows.append((_lbl("config", lang), cfg))
    if data.summary_path is not None:
        n = _num(data.summary, "n_runs").max() if data.summary is not None else float("nan")
        extra = f" ({fmt_number(n, 0, lang)} {_lbl('n_runs', lang)})" if math.isfinite(n) else ""
        rows.append(("Batch", _e(data.summary_path.name + extra)))
    rows.append(
        (
            _lbl("run_date", lang),
            _e(
                _fmt_time(m.get("created_utc"))
                if m.get("created_utc")
                else _lbl("not_available", lang)
            ),
        )
    )
    versions = m.get("versions") if isinstance(m.get("versions"), Mapping) else {}
    if versions:
        main_v = versions.get("haldenenergie", "–")
        others = ", ".join(f"{k} {v}" for k, v in versions.items() if k != "haldenenergie")
        rows.append(
            (
                _lbl("software", lang),
                f"haldenenergie {_e(main_v)}<br><span class='note'>{_e(others)}</span>",
            )
        )
    return _kv(rows)


def _map_section(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    out = [f'<section id="map" class="major"><h2>2 {_e(_lbl("map", lang))}</h2>']
    chart = map_chart(df, lang)
    lat, lon = _num(df, "lat"), _num(df, "lon")
    missing = df[~(lat.notna() & lon.notna()).values]
    aside = [f"<aside><strong>{_e(_lbl('no_coords', lang))}</strong>"]
    if missing.empty:
        aside.append(f"<p>{_e(_lbl('none', lang))}</p>")
    else:
        aside.append("<ul>")
        for _, r in missing.iterrows():
            aside.append(
                f'<li><a href="#heap-{_slug(r["heap_id"])}">'
                f"{_e(_get(r, 'name') or r['heap_id'])}</a> "
                f"<span class='note'>{_e(_get(r, 'city') or '')}</span></li>"
            )
        aside.append("</ul>")
    aside.append("</aside>")
    if chart is None:
        fig = f"<figure>{_na(lang)}</figure>"
    else:
        fig = (
            f"<figure>{_img(chart, 'fig-map', _lbl('map', lang))}"
            f"<figcaption>{_e(_lbl('map_caption', lang))}</figcaption></figure>"
        )
    out.append(f'<div class="mapwrap">{fig}{"".join(aside)}</div></section>')
    return "".join(out)


def _charts_section(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    out = [f'<section id="charts" class="major"><h2>3 {_e(_lbl("charts", lang))}</h2>']
    for key, id_, chart, missing in (
        ("energy_per_heap", "fig-energy", energy_chart(df, lang), ""),
        ("monthly_profile", "fig-monthly", monthly_chart(data.monthly, lang), "monthly.csv"),
        (
            "p50_p90",
            "fig-p50p90",
            p50_p90_chart(df, data.summary, lang),
            _lbl("p50_p90_missing", lang),
        ),
    ):
        out.append(f"<h3>{_e(_lbl(key, lang))}</h3>")
        if chart is None:
            out.append(_na(lang, missing))
        else:
            note_key = {
                "energy_per_heap": "energy_note",
                "monthly_profile": "monthly_note",
                "p50_p90": "p50_p90_note",
            }[key]
            note = f"<figcaption>{_e(_lbl(note_key, lang))}</figcaption>"
            out.append(f"<figure>{_img(chart, id_, _lbl(key, lang))}{note}</figure>")
    out.append("</section>")
    return "".join(out)


def _reasons(row: Mapping, lang: str) -> Any:
    if lang == "de" and _get(row, "reasons_de"):
        return _get(row, "reasons_de")
    return _get(row, "reasons") or _get(row, "reasons_de")


def _rank_range(row: Mapping, lang: str) -> str:
    b, w = _get(row, "rank_best"), _get(row, "rank_worst")
    if _isnum(b) and _isnum(w):
        return f"{int(b)}–{int(w)}"
    return "–"


#: Reasons shown per heap in the ranking table (the verdicts come first); all are on its sheet.
RANKING_REASONS = 2
#: Column widths of the ranking table [% of the page width] (fixed layout, so that screen and
#: A4 print share one layout and the reasons keep a third of the width): rank, name, city,
#: class, score, rank range, PV, wind, energy, reasons.
RANKING_COL_WIDTHS_PCT = (4, 14, 11, 8, 6, 7, 6, 6, 9, 29)


def _ranking_section(df: pd.DataFrame, lang: str) -> str:
    out = [f'<section id="ranking" class="major"><h2>4 {_e(_lbl("ranking", lang))}</h2>']
    head = [
        ("rank", "n"),
        ("name", ""),
        ("city", ""),
        ("class", ""),
        ("score", "n"),
        ("rank_range", "n"),
        ("rank_pv", "n"),
        ("rank_wind", "n"),
        ("rank_energy", "n"),
        ("reasons", ""),
    ]
    th = "".join(
        f'<th class="{c}">{_e(_lbl(k, lang) if k in LABELS else column_label(k, lang))}</th>'
        for k, c in head
    )
    # Energy of the suitable uses (what the score counts, as in the totals); without the
    # ranking columns, the technical potential.
    energy = (
        _num(df, "suitable_energy_mwh_per_a")
        if "suitable_energy_mwh_per_a" in df.columns
        else total_energy(df)
    )
    pv_ok, wind_ok = suitable_uses(df)

    def cap(col: str, ok: bool, r) -> str:
        v = _get(r, col)
        text = _e(fmt_value(col, v, lang))
        if ok or not _isnum(v) or float(v) == 0:
            return f'<td class="n">{text}</td>'
        return f'<td class="n off">({text})</td>'

    rows = []
    for i, r in df.iterrows():
        reasons = _split_list(_reasons(r, lang))
        shown = "; ".join(reasons[:RANKING_REASONS])
        more = len(reasons) - RANKING_REASONS
        if more > 0:
            shown += f" (+{more} {_lbl('more_reasons', lang)})"
        rows.append(
            "<tr>"
            f'<td class="n">{_e(fmt_value("rank", _get(r, "rank"), lang))}</td>'
            f'<td><a href="#heap-{_slug(r["heap_id"])}">{_e(_get(r, "name") or r["heap_id"])}</a></td>'
            f"<td class='city'>{_e(_get(r, 'city') or '–')}</td>"
            f"<td>{_badge(_get(r, 'class'), lang)}</td>"
            f'<td class="n">{_e(fmt_value("score", _get(r, "score"), lang))}</td>'
            f'<td class="n">{_e(_rank_range(r, lang))}'
            f"{' ★' if _yes_no(_get(r, 'robust_top'), 'en') == 'yes' else ''}</td>"
            f"{cap('pv_capacity_mwp', bool(pv_ok[i]), r)}"
            f"{cap('wind_capacity_mw', bool(wind_ok[i]), r)}"
            f'<td class="n">{_e(fmt_number(energy.iloc[i], 0, lang))}</td>'
            f"<td class='reasons'>{_e(shown) if reasons else '–'}</td>"
            "</tr>"
        )
    cols = "".join(f'<col style="width:{w}%">' for w in RANKING_COL_WIDTHS_PCT)
    out.append(
        f'<div class="tablewrap"><table class="rank"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    out.append(f'<p class="note">{_e(_lbl("rank_note", lang))}</p>')
    if "robust_top" in df.columns:
        out.append(f'<p class="note">★ {_e(_lbl("robust_note", lang))}</p>')
    out.append("</section>")
    return "".join(out)


def _surface_name(r: Mapping, lang: str) -> str:
    """``plateau`` → Plateau; a flank → ``Flanke S 15–25°`` (from kind, sector and tilt band)."""
    kind, sector, band = _get(r, "kind"), _get(r, "azimuth_sector"), _get(r, "tilt_band")
    name = str(_get(r, "surface_class") or "")
    if kind == "plateau":
        return _lbl(name, lang) if name in ("plateau", "berm") else (name or _lbl("plateau", lang))
    if kind == "flank" and sector:
        sec = _sector_name(str(sector), lang)
        band_txt = f" {str(band).replace('-', '–')}°" if band else ""
        return f"{_lbl('flank', lang)} {sec}{band_txt}"
    return str(_get(r, "surface_class") or "–")


def _surface_table(surfaces: pd.DataFrame | None, heap_id: str, lang: str) -> str:
    if surfaces is None or "heap_id" not in surfaces.columns:
        return ""
    s = surfaces[surfaces["heap_id"] == heap_id]
    if s.empty:
        return ""
    cols = [
        c
        for c in (
            "surface_class",
            "surface_tilt_deg",
            "surface_azimuth_deg",
            "usable_area_ha",
            "capacity_mwp",
            "energy_mwh_per_a",
        )
        if c in s.columns
    ]
    labels = {
        "surface_class": _lbl("surface", lang),
        "surface_tilt_deg": _lbl("tilt", lang),
        "surface_azimuth_deg": _lbl("azimuth", lang),
    }
    head = "".join(
        f'<th class="{"" if c == "surface_class" else "n"}">'
        f"{_e(labels.get(c) or column_label(c, lang))}</th>"
        for c in cols
    )
    body = []
    for _, r in s.iterrows():
        cells = "".join(
            f'<td class="nw">{_e(_surface_name(r, lang))}</td>'
            if c == "surface_class"
            else f'<td class="n">{_e(fmt_value(c, _get(r, c), lang))}</td>'
            for c in cols
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="surf"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _row_kv(row: Mapping, keys: Sequence[str], lang: str) -> list[tuple[str, str]]:
    """Label/value rows of the given result columns; missing values are left out (compact)."""
    return [
        (column_label(k, lang), _e(fmt_value(k, _get(row, k), lang)))
        for k in keys
        if k in row.index and _get(row, k) is not None and str(_get(row, k)).strip() != ""
    ]


def _existing_wind_text(props: Mapping, lang: str) -> str | None:
    ew = props.get("existing_wind")
    if isinstance(ew, Mapping):
        count, model = ew.get("count"), ew.get("model")
        hub, since = ew.get("hub_height_m"), ew.get("since")
    else:
        count, model = props.get("existing_wind_count"), props.get("existing_wind_model")
        hub, since = props.get("existing_wind_hub_height_m"), props.get("existing_wind_since")
    try:
        n = int(float(count)) if count not in (None, "") else 0
    except (TypeError, ValueError):
        n = 0
    if n <= 0:
        return None
    bits = [f"{n} × {model or '?'}"]
    if hub not in (None, ""):
        bits.append(f"{'Nabenhöhe' if lang == 'de' else 'hub'} {hub} m")
    if since not in (None, ""):
        bits.append(f"{'seit' if lang == 'de' else 'since'} {since}")
    return ", ".join(map(str, bits))


def _yes_no(v: Any, lang: str) -> str:
    truth = str(v).strip().lower() in ("true", "1", "1.0", "yes", "ja")
    return ("ja" if truth else "nein") if lang == "de" else ("yes" if truth else "no")


def _score_label(col: str, lang: str) -> str:
    crit = col[len("score_") :]
    pair = SCORE_LABELS.get(crit)
    return pair[LANGS.index(lang)] if pair else crit.replace("_", " ")


def _sheet(row: pd.Series, data: ReportData, lang: str) -> str:
    """One heap's sheet: facts and sources, terrain, PV, wind, reasons, constraints."""
    hid = str(row["heap_id"])
    props = (data.registry or {}).get(hid)
    name = _get(row, "name") or (props or {}).get("name") or hid
    rank = _get(row, "rank")
    head = f"{int(rank)}. " if _isnum(rank) else ""
    out = [
        f'<article class="sheet" id="heap-{_slug(hid)}" data-heap-id="{_e(hid)}">',
        f"<h3>{_e(head)}{_e(name)} {_badge(_get(row, 'class'), lang)}</h3>",
        (
            f'<div class="sub">{_e(_get(row, "city") or (props or {}).get("city") or "")} · '
            f"{_e(_lbl('heap', lang))} <code>{_e(hid)}</code> · {_e(_lbl('score', lang))} "
            f"{_e(fmt_value('score', _get(row, 'score'), lang))} · {_e(_lbl('rank_range', lang))} "
            f"{_e(_rank_range(row, lang))}</div>"
        ),
    ]
    status = _get(row, "status")
    if status and str(status).strip().lower() != "ok":
        out.append(f'<div class="warn">{_e(_lbl("status", lang))}: {_e(status)}</div>')
    out.append('<div class="grid">')
    # Facts (registry) ---------------------------------------------------------------
    out.append(f"<div><h4>{_e(_lbl('facts', lang))}</h4>")
    if props is None:
        out.append(
            _na(
                lang,
                _lbl("not_in_registry", lang)
                if data.registry is not None
                else _lbl("registry_missing", lang),
            )
        )
        facts = _row_kv(row, ("owner", "footprint_area_ha"), lang)
    else:
        facts = []
        for k in _FACT_KEYS:
            v = props.get(k)
            if v in (None, ""):
                continue
            if isinstance(v, str) and k.endswith(("_ha", "_m")):
                v = _maybe_float(v)
            facts.append((column_label(k, lang), _e(fmt_value(k, _value_label(k, v, lang), lang))))
    lat, lon = _get(row, "lat"), _get(row, "lon")
    if lat is None and props:
        lat, lon = props.get("lat"), props.get("lon")
    coords = (
        f"{fmt_number(lat, 4, lang)} N, {fmt_number(lon, 4, lang)} E"
        if _isnum(lat) and _isnum(lon)
        else _lbl("not_available", lang)
    )
    facts.append((_lbl("coordinates", lang), _e(coords)))
    ew = _existing_wind_text(props or {}, lang)
    if ew:
        facts.append((_lbl("existing_wind", lang), _e(ew)))
    out.append(_kv(facts))
    out.append("</div>")
    # Terrain ------------------------------------------------------------------------
    out.append(f"<div><h4>{_e(_lbl('terrain', lang))}</h4>")
    terr = _row_kv(
        row,
        (
            "terrain_source",
            "footprint_area_ha",
            "summit_elevation_m",
            "base_elevation_m",
            "relative_height_m",
            "half_height_distance_m",
            "plateau_area_ha",
            "pv_usable_area_ha",
            "turbine_site_area_ha",
        ),
        lang,
    )
    out.append(_kv(terr))
    by = orientation_by_sector(data.surfaces, hid)
    out.append(f"<div class='small'><strong>{_e(_lbl('orientation', lang))}</strong></div>")
    if by is not None and float(by.to_numpy().sum()) > 0:
        rows = "".join(
            f"<tr><td>{_e(_lbl('plateau', lang) if s == 'flat' else _sector_name(s, lang))}</td>"
            f'<td class="n">{_e(fmt_number(by.at[s, "usable"], 1, lang))}</td></tr>'
            for s in by.index
            if by.at[s, "gross"] > 0 or by.at[s, "usable"] > 0
        )
        out.append(
            f'<div class="rosebox">{rose_svg(by, lang)}'
            f'<table><thead><tr><th></th><th class="n">ha</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
            f'<div class="note small">{_e(_lbl("rose_legend", lang))}</div>'
        )
    elif data.surfaces is not None:
        out.append(f'<p class="note">{_e(_lbl("no_surfaces", lang))}</p>')
    else:
        out.append(_na(lang, "surfaces.csv"))
    out.append("</div>")
    # PV -----------------------------------------------------------------------------
    out.append(f"<div><h4>{_e(_lbl('pv_results', lang))}</h4>")
    out.append(
        _kv(
            _row_kv(
                row,
                (
                    "pv_usable_area_ha",
                    "pv_capacity_mwp",
                    "pv_energy_mwh_per_a",
                    "pv_specific_yield_kwh_per_kwp",
                ),
                lang,
            )
        )
    )
    out.append(_surface_table(data.surfaces, hid, lang))
    out.append("</div>")
    # Wind ---------------------------------------------------------------------------
    out.append(f"<div><h4>{_e(_lbl('wind_results', lang))}</h4>")
    out.append(
        _kv(
            _row_kv(
                row,
                (
                    "wind_turbines_new",
                    "wind_turbine_type",
                    "wind_hub_height_m",
                    "wind_hub_height_above_surroundings_m",
                    "wind_capacity_mw",
                    "wind_energy_mwh_per_a",
                    "wind_full_load_hours_h",
                    "wind_capacity_factor",
                    "wind_mean_speed_hub_m_s",
                    "wind_speedup_fraction",
                    "wind_wake_loss_fraction",
                    "existing_wind_turbines",
                    "existing_wind_turbine_type",
                    "existing_wind_capacity_mw",
                    "existing_wind_energy_mwh_per_a",
                ),
                lang,
            )
        )
    )
    if _get(row, "wind_notes"):
        out.append(
            f'<p class="note"><em>{_e(_lbl("wind_notes_prefix", lang))}</em>'
            f"{_e(_get(row, 'wind_notes'))}</p>"
        )
    mini = monthly_heap_svg(data.monthly, hid, lang)
    out.append(f"<div class='small'><strong>{_e(_lbl('monthly_heap', lang))}</strong></div>")
    out.append(mini if mini else _na(lang, "monthly.csv"))
    out.append("</div>")
    out.append("</div>")  # grid
    # Ranking parts, constraints, assumptions, sources ---------------------------------------
    out.append('<div class="grid">')
    out.append(f"<div><h4>{_e(_lbl('reasons', lang))}</h4>")
    reasons = _split_list(_reasons(row, lang))
    out.append(
        "<ul class='tight small'>" + "".join(f"<li>{_e(x)}</li>" for x in reasons) + "</ul>"
        if reasons
        else _na(lang)
    )
    suit = [
        (
            column_label(k, lang),
            _e(
                _yes_no(_get(row, k), lang)
                if k == "robust_top"
                else fmt_value(k, _value_label(k, _get(row, k), lang), lang)
            ),
        )
        for k in (
            "pv_suitability",
            "wind_suitability",
            "availability",
            "penalty_points",
            "robust_top",
        )
        if k in row.index and _get(row, k) is not None
    ]
    if suit:
        out.append(_kv(suit))
    parts = [c for c in row.index if c.startswith("score_")]
    if parts:
        out.append(f"<div class='small'><strong>{_e(_lbl('score_parts', lang))}</strong></div>")
        out.append(
            _kv(
                [(_score_label(c, lang), _e(fmt_value(c, _get(row, c), lang))) for c in parts]
                + [
                    (
                        _lbl("score", lang),
                        f"<strong>{_e(fmt_value('score', _get(row, 'score'), lang))}</strong>",
                    )
                ]
            )
        )
    out.append("</div>")
    out.append(f"<div><h4>{_e(_lbl('constraints', lang))}</h4>")
    cons = [
        (column_label(k, lang), _linkify(str(_value_label(k, props[k], lang))))
        for k in _CONSTRAINT_KEYS
        if props and props.get(k) not in (None, "")
    ]
    out.append(_kv(cons) if cons else _na(lang))
    assumed = _split_list(_get(row, "assumptions"))
    if assumed:
        out.append(
            f"<div class='small'><strong>{_e(_lbl('assumed', lang))}</strong></div>"
            "<ul class='tight small'>" + "".join(f"<li>{_e(a)}</li>" for a in assumed) + "</ul>"
        )
    out.append("</div></div>")
    if props:
        if props.get("value_notes"):
            out.append(
                f'<div class="sources"><strong>{_e(_lbl("value_notes", lang))}:</strong> '
                f"{_linkify(props['value_notes'])}</div>"
            )
        if props.get("sources"):
            out.append(
                f'<div class="sources"><strong>{_e(_lbl("sources", lang))}:</strong> '
                f"{_linkify(props['sources'])}</div>"
            )
    out.append("</article>")
    return "".join(out)


def _assumptions_section(
    data: ReportData, lang: str, describe_rows: Sequence[Mapping] | None
) -> str:
    out = [f'<section id="assumptions" class="major"><h2>6 {_e(_lbl("assumptions", lang))}</h2>']
    m = data.manifest
    if m is None:
        out.append(_na(lang, "manifest.json"))
        out.append("</section>")
        return "".join(out)
    rows = parameter_rows(
        m.get("parameters") if isinstance(m.get("parameters"), Mapping) else {}, describe_rows
    )
    if not rows:
        out.append(_na(lang))
        out.append("</section>")
        return "".join(out)
    out.append(f'<p class="note">{_e(_lbl("params_note", lang))}</p>')
    head = "".join(
        f"<th>{_e(_lbl(k, lang))}</th>" for k in ("parameter", "value", "unit", "default", "source")
    )
    section = None
    body = []
    for r in rows:
        if r["section"] != section:
            section = r["section"]
            body.append(f'<tr><th colspan="5">[{_e(section)}]</th></tr>')
        val = _param_value(r["value"], lang)
        changed = (
            f' <span class="badge" style="background:#d55e00">{_e(_lbl("changed", lang))}</span>'
            if r["changed"]
            else ""
        )
        doc = f'<div class="note">{_e(r["doc"])}</div>' if r.get("doc") else ""
        if not r["changed"] and r["recorded"] and r["default"] is not None:
            default = f'<span class="note">{_e(_lbl("same", lang))}</span>'
        else:
            default = _e(_param_value(r["default"], lang))
        table = _param_table(r["value"], lang)
        long = table is not None or len(val) > 90
        cell = f'<span class="note">{_e(_lbl("see_below", lang))}</span>' if long else _e(val)
        body.append(
            f"<tr><td><code>{_e(r['key'])}</code>{doc}</td><td>{cell}{changed}</td>"
            f"<td>{_e(r['unit'])}</td><td>{default}</td>"
            f"<td class='small'>{_linkify(r['source'])}</td></tr>"
        )
        if long:
            body.append(
                f'<tr class="long"><td colspan="5">'
                f"{table if table is not None else f'<code>{_e(val)}</code>'}</td></tr>"
            )
    cols = (
        '<colgroup><col style="width:24%"><col style="width:17%"><col style="width:8%">'
        '<col style="width:11%"><col style="width:40%"></colgroup>'
    )
    out.append(
        f'<table class="ptable">{cols}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    out.append("</section>")
    return "".join(out)


def _param_table(v: Any, lang: str) -> str | None:
    """A list of mapping-of-mappings parameters (e.g. the constraint rule table); else None.

    One entry per key: short fields on one line, long ones (texts, rationale) below; texts in both
    languages (``text_de``, ``text_en``) show only the report's language. A list, not a table,
    so that it wraps to any page width.
    """
    if not (isinstance(v, Mapping) and v and all(isinstance(x, Mapping) for x in v.values())):
        return None
    other = tuple(f"_{x}" for x in LANGS if x != lang)
    items = []
    for key, entry in v.items():
        short, long = [], []
        for k, x in entry.items():
            if str(k).endswith(other):
                continue
            text = _param_value(x, lang)
            if len(text) <= 40:
                short.append(f"{_e(str(k).replace('_', ' '))}: {_e(text)}")
            else:
                long.append(f'<div class="{"note" if k == "rationale" else ""}">{_e(text)}</div>')
        items.append(f"<li><code>{_e(key)}</code> — {' · '.join(short)}{''.join(long)}</li>")
    return f'<ul class="params">{"".join(items)}</ul>'


def _param_value(v: Any, lang: str) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "true" if v else "false"
    if _isnum(v):
        f = float(v)
        if f.is_integer():
            return fmt_number(f, 0, lang)
        # Four significant digits, trailing zeros dropped: 0.75 → "0,75", 0.0035 → "0,0035".
        dec = min(8, max(0, 3 - math.floor(math.log10(abs(f)))))
        text = f"{f:.{dec}f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang == "de" else text
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_param_value(x, lang) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {_param_value(x, lang)}" for k, x in v.items()) + "}"
    return str(v)


def _fmt_time(iso: Any) -> str:
    """``2025-11-26T10:00:00+00:00`` → ``2025-11-26 10:00 UTC`` (unchanged if not ISO)."""
    try:
        t = _dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso) if iso else "–"
    if t.tzinfo is not None:
        t = t.astimezone(_dt.UTC)
        return t.strftime("%Y-%m-%d %H:%M UTC")
    return t.strftime("%Y-%m-%d %H:%M")


def _report_time() -> str:
    """Report date: ``SOURCE_DATE_EPOCH`` if set (reproducible builds convention), else now [UTC]."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        t = _dt.datetime.fromtimestamp(int(sde), _dt.UTC)
    else:
        t = _dt.datetime.now(_dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def render_report(
    data: ReportData, lang: str = "de", describe_rows: Sequence[Mapping] | None = None
) -> str:
    """The report as one HTML string (self-contained; see module docstring).

    Parameters
    ----------
    data : what :func:`load_report_data` read.
    lang : ``"de"`` (default) or ``"en"``.
    describe_rows : parameter descriptions (unit, source); default: from the program's config.
    """
    _check_lang(lang)
    if describe_rows is None:
        describe_rows = _describe_rows()
    df = rank_order(data.results)
    m = data.manifest or {}
    version = (
        (m.get("versions") or {}).get("haldenenergie")
        if isinstance(m.get("versions"), Mapping)
        else None
    )
    from . import __version__

    toc = [
        ("summary", "1"),
        ("map", "2"),
        ("charts", "3"),
        ("ranking", "4"),
        ("sheets", "5"),
        ("assumptions", "6"),
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="haldenenergie {_e(__version__)}">',
        f"<title>{_e(_lbl('title', lang))}</title>",
        f"<style>{CSS}</style>",
        f"<script>{SELFCHECK_JS}</script>",
        "</head><body>",
        '<header class="cover"><div class="inner">',
        f"<h1>{_e(_lbl('title', lang))}</h1>",
        f"<p>{_e(_lbl('subtitle', lang))}</p>",
        (
            f"<p>{_e(_lbl('run_date', lang))} {_e(_fmt_time(m.get('created_utc')))} · haldenenergie "
            f"{_e(version or '–')} · {len(df)} {_e(_lbl('heaps_lc', lang))} · "
            f"{_e(_lbl('report_date', lang))} {_e(_report_time())}</p>"
        ),
        "</div></header><main>",
        f'<nav class="toc"><h2>{_e(_lbl("toc", lang))}</h2><ol>',
        *[f'<li><a href="#{k}">{_e(_lbl(k, lang))}</a></li>' for k, _ in toc],
        f'</ol><p class="note">{_e(_lbl("print_hint", lang))}</p></nav>',
        _summary_section(data, df, lang),
        _map_section(data, df, lang),
        _charts_section(data, df, lang),
        _ranking_section(df, lang),
        f'<section id="sheets" class="major"><h2>5 {_e(_lbl("sheets", lang))}</h2>',
        *[_sheet(r, data, lang) for _, r in df.iterrows()],
        "</section>",
        _assumptions_section(data, lang, describe_rows),
        (
            f"<footer>{_e(_lbl('generated_by', lang))} {_e(__version__)} · "
            f"{_e(_lbl('results_folder', lang))}: {_e(data.results_dir.name)}</footer>"
        ),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def write_report(
    results_dir: str | os.PathLike,
    out: str | os.PathLike,
    lang: str = "de",
    overwrite: bool = False,
    registry: str | os.PathLike | None = None,
    summary: str | os.PathLike | None = None,
) -> Path:
    """Read ``results_dir`` and write the HTML report to ``out`` atomically.

    Parameters
    ----------
    results_dir : results folder of ``haldenenergie run``.
    out : the HTML file to write.
    lang : ``"de"`` (default) or ``"en"``.
    overwrite : replace an existing ``out``; otherwise refuse with :class:`OutputError`.
    registry, summary : see :func:`load_report_data`.

    Returns
    -------
    The path written.

    Raises
    ------
    OutputError
        ``out`` exists without ``overwrite``; the results folder or ``results.csv`` is missing.
    """
    _check_lang(lang)
    out = check_can_write(out, overwrite)  # fail before the work, not after it
    t0 = time.perf_counter()
    data = load_report_data(results_dir, registry=registry, summary=summary)
    text = render_report(data, lang=lang)
    with atomic_write(out, "w", overwrite=overwrite) as fh:
        fh.write(text)
        # mkstemp creates 0600 files; a report is for sharing: rw-r--r-- like any saved file.
        os.chmod(fh.fileno(), 0o644)
    log.info(
        "wrote %s (%d kB, %d heaps) in %.1f s",
        out,
        len(text.encode()) // 1024,
        len(data.results),
        time.perf_counter() - t0,
    )
    return Path(out)
