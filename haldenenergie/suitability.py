"""Suitability classes, a transparent ranking and totals for the heaps of a results folder.

Three steps, each a pure function on tables (no file access):

1. :func:`classify` — per heap, is PV suitable, is wind suitable, or could it not be assessed; the
   registry's constraints are matched against a configurable rule table
   (:data:`DEFAULT_RULES`) whose effects are ``block_pv``, ``block_wind``, ``penalise`` and ``note``.
   Every rule that fires is written to ``reasons`` (English) and ``reasons_de`` (German).
2. :func:`score_and_rank` — a score from five normalised criteria times weights; the parts are
   written next to the total (``score = score_energy + score_energy_density + score_yield +
   score_ownership + score_constraints``); ties are broken by energy, then heap id; the weights are
   perturbed (default ±25 %) to give each heap its best and worst rank.
3. :func:`totals_table` — capacity, energy, households supplied and CO2 avoided per class, for all
   suitable heaps, and for the turbines already standing (reported apart).

:func:`rank_results` runs the three steps; it is what ``haldenenergie rank`` and the pipeline call.

Classes
-------
``pv+wind``  both uses are suitable;
``pv``       PV is suitable, wind is not (or could not be assessed, said in the reasons);
``wind``     wind is suitable, PV is not (or could not be assessed);
``unsuitable``  both uses were assessed and neither is suitable;
``not-assessed``  neither use is suitable and at least one could not be assessed (missing terrain or
yield result, unknown distance to housing): the answer hinges on missing data, so the heap is
neither passed nor failed.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import param
from .errors import ConfigError, OutputError

log = logging.getLogger("haldenenergie.suitability")

#: The classes, in the order they are listed (totals, exports).
CLASSES: tuple[str, ...] = ("pv+wind", "pv", "wind", "unsuitable", "not-assessed")
#: Classes whose heaps are ranked (the others get no score and no rank).
RANKED_CLASSES: tuple[str, ...] = ("pv+wind", "pv", "wind")
#: Plain-word labels of the classes.
CLASS_LABELS_EN = {
    "pv+wind": "PV + wind",
    "pv": "PV",
    "wind": "wind",
    "unsuitable": "unsuitable",
    "not-assessed": "not assessed",
}
CLASS_LABELS_DE = {
    "pv+wind": "PV + Wind",
    "pv": "PV",
    "wind": "Wind",
    "unsuitable": "ungeeignet",
    "not-assessed": "nicht bewertet",
}

#: Per-use outcome values of ``pv_suitability`` / ``wind_suitability``.
SUITABLE, UNSUITABLE, NOT_ASSESSED = "suitable", "unsuitable", "not-assessed"

#: Score criteria in the order of the score parts (column ``score_<name>``, weight ``weight_<name>``).
CRITERIA: tuple[str, ...] = ("energy", "energy_density", "yield", "ownership", "constraints")
SCORE_PARTS: tuple[str, ...] = tuple(f"score_{c}" for c in CRITERIA)
#: Decimals of score parts and score: parts are rounded first and the score is their sum, so the
#: figures a committee sees add up exactly.
SCORE_DECIMALS = 3

#: Columns :func:`rank_results` adds to the results (dropped first when re-ranking).
RANK_COLUMNS: tuple[str, ...] = (
    "class",
    "pv_suitability",
    "wind_suitability",
    "suitable_energy_mwh_per_a",
    "energy_density_mwh_per_ha_a",
    "availability",
    "penalty_points",
    "rules_fired",
    "score",
    *SCORE_PARTS,
    "rank",
    "rank_best",
    "rank_worst",
    "robust_top",
    "reasons",
    "reasons_de",
)

#: Result columns classification needs (the others are optional).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "heap_id",
    "pv_usable_area_ha",
    "pv_energy_mwh_per_a",
    "wind_turbines_new",
    "wind_energy_mwh_per_a",
)

#: Registry fields a rule may test ("properties.<key>" tests a raw registry property).
RULE_FIELDS: tuple[str, ...] = (
    "landmark",
    "nature_protection",
    "access",
    "constraints",
    "owner",
    "membership",
    "form",
    "name",
    "city",
    "existing_wind_turbines",
    "housing_distance_m",
)
RULE_MATCHES: tuple[str, ...] = ("nonempty", "equals", "contains", "greater")
RULE_EFFECTS: tuple[str, ...] = ("block_pv", "block_wind", "penalise", "note")
RULE_KEYS: tuple[str, ...] = (
    "fields",
    "match",
    "patterns",
    "threshold",
    "effects",
    "penalty_points",
    "text_en",
    "text_de",
    "rationale",
    "label_en",
    "label_de",
)

_GRHK = (
    "RVR, Gesamtregionales Haldenkonzept (GRHK) and heap energy analysis "
    "(Haldenenergieanalyse), 2022"
)

#: Default constraint rules: id -> match, effect, texts and rationale. ``{value}`` in a text is the
#: registry value that matched. Penalty points are out of ``penalty_cap_points`` (100).
DEFAULT_RULES: dict[str, dict[str, Any]] = {
    "nature_reserve": {
        "fields": ["nature_protection"],
        "match": "equals",
        "patterns": ["reserve"],
        "effects": ["block_pv", "block_wind"],
        "penalty_points": 0,
        "label_en": "nature reserve",
        "label_de": "Naturschutzgebiet",
        "text_en": "nature reserve (Naturschutzgebiet) on the heap: no PV, no wind turbines",
        "text_de": "Naturschutzgebiet auf der Halde: keine PV, keine Windenergieanlagen",
        "rationale": "Building is prohibited in a nature reserve (§ 23(2) BNatSchG); NRW planning "
        "treats reserves as exclusion areas for wind (Windenergie-Erlass NRW 2018) and "
        "ground-mounted PV.",
    },
    "nature_planned": {
        "fields": ["nature_protection"],
        "match": "equals",
        "patterns": ["planned"],
        "effects": ["penalise"],
        "penalty_points": 30,
        "label_en": "planned nature reserve",
        "label_de": "geplantes Naturschutzgebiet",
        "text_en": "a nature reserve is planned on the heap: if designated, it blocks PV and wind",
        "text_de": "Naturschutzgebiet geplant: nach Ausweisung keine PV und keine Windenergie",
        "rationale": "A planned reserve is not yet binding but would become an exclusion area "
        "(as nature_reserve); assumption: a heavy penalty instead of a block.",
    },
    "nature_adjacent": {
        "fields": ["nature_protection"],
        "match": "equals",
        "patterns": ["adjacent"],
        "effects": ["penalise"],
        "penalty_points": 10,
        "label_en": "adjacent nature reserve",
        "label_de": "angrenzendes Naturschutzgebiet",
        "text_en": "nature reserve at the foot of the heap: species-protection survey and buffer "
        "needed (birds and bats for wind)",
        "text_de": "Naturschutzgebiet am Haldenfuß: artenschutzrechtliche Prüfung und Abstand nötig "
        "(Vögel und Fledermäuse bei Wind)",
        "rationale": "Adjacent reserves do not forbid building but trigger species-protection "
        "assessment (§ 44 BNatSchG) and may impose shut-down times; assumption: penalty.",
    },
    "observatory": {
        "fields": ["landmark", "constraints"],
        "match": "contains",
        "patterns": ["observator", "sternwarte"],
        "effects": ["block_wind"],
        "penalty_points": 0,
        "label_en": "observatory",
        "label_de": "Observatorium",
        "text_en": "observatory on the heap: no wind turbines (they would dominate its horizon)",
        "text_de": "Observatorium auf der Halde: keine Windenergieanlagen (sie würden "
        "seinen Horizont beherrschen)",
        "rationale": "A horizon observatory needs a free skyline; the RVR assembly (Ruhrparlament) "
        "decided against a wind turbine on Halde Hoheward (Ruhr Nachrichten report "
        "cited in the fact table; date to be checked).",
    },
    "world_heritage": {
        "fields": ["landmark", "constraints"],
        "match": "contains",
        "patterns": ["world heritage", "welterbe", "unesco"],
        "effects": ["block_wind", "penalise"],
        "penalty_points": 30,
        "label_en": "UNESCO World Heritage",
        "label_de": "UNESCO-Welterbe",
        "text_en": "UNESCO World Heritage setting: no wind turbines; PV only after a heritage "
        "impact assessment",
        "text_de": "UNESCO-Welterbe im Umfeld: keine Windenergieanlagen; PV nur nach "
        "Denkmalverträglichkeitsprüfung",
        "rationale": "Monuments and their setting are protected (Denkmalschutzgesetz NRW; "
        "UNESCO sites need an ICOMOS-style heritage impact assessment); tall turbines "
        "in the visual setting are regularly refused.",
    },
    "landmark": {
        "fields": ["landmark"],
        "match": "nonempty",
        "patterns": [],
        "effects": ["penalise"],
        "penalty_points": 20,
        "label_en": "landmark or art work",
        "label_de": "Landmarke oder Kunstwerk",
        "text_en": "landmark or art work on the heap ({value}): keep PV and turbines clear of it "
        "and its sight lines",
        "text_de": "Landmarke oder Kunstwerk auf der Halde ({value}): PV und Windenergieanlagen "
        "mit Abstand zu ihr und ihren Sichtachsen",
        "rationale": "Landmarks are the heaps' public face and tourism focus (" + _GRHK + "); "
        "they occupy summits and sight lines, so part of the area is lost and "
        "acceptance is harder. Soft: a penalty, not a block.",
    },
    "still_dumped": {
        "fields": ["constraints"],
        "match": "contains",
        "patterns": [
            "still being dumped",
            "still dumped",
            "still receiving",
            "dumping permit",
            "wird noch geschüttet",
            "in schüttung",
        ],
        "effects": ["block_pv", "penalise"],
        "penalty_points": 20,
        "label_en": "still being dumped on",
        "label_de": "noch in Schüttung",
        "text_en": "heap still being dumped on: its surface is not final, no PV yet",
        "text_de": "Halde wird noch geschüttet: Oberfläche nicht endgültig, noch keine PV",
        "rationale": "PV needs the final contour and a settled surface; turbines stand on existing "
        "dumping heaps (Lohberg-Nord-Erweiterung), so wind is penalised, not blocked.",
    },
    "mining_supervision": {
        "fields": ["constraints"],
        "match": "contains",
        "patterns": ["bergaufsicht", "mining supervision", "bergrecht"],
        "effects": ["penalise"],
        "penalty_points": 20,
        "label_en": "mining supervision",
        "label_de": "Bergaufsicht",
        "text_en": "under mining supervision (Bergaufsicht): building only with the mining "
        "authority's consent or after release",
        "text_de": "unter Bergaufsicht: Bau nur mit Zustimmung der Bergbehörde oder nach "
        "Entlassung aus der Bergaufsicht",
        "rationale": "Heaps under the Federal Mining Act (BBergG) need the mining authority "
        "(Bezirksregierung Arnsberg) to agree; timing depends on release.",
    },
    "drinking_water": {
        "fields": ["landmark", "constraints"],
        "match": "contains",
        "patterns": [
            "trinkwasser",
            "drinking water",
            "drinking-water",
            "wasserbehälter",
            "hochbehälter",
            "water reservoir",
        ],
        "effects": ["penalise"],
        "penalty_points": 20,
        "label_en": "drinking-water structure",
        "label_de": "Trinkwasseranlage",
        "text_en": "drinking-water structure on or in the heap: foundations and piles must keep "
        "clear; needs the water utility's consent",
        "text_de": "Trinkwasseranlage auf oder in der Halde: Fundamente und Rammpfähle mit "
        "Abstand; Zustimmung des Wasserversorgers nötig",
        "rationale": "Reservoirs and their protection zones restrict foundations; existing "
        "turbines on Halde Scholven show it is possible with care; penalty.",
    },
    "burning_heap": {
        "fields": ["constraints"],
        "match": "contains",
        "patterns": ["burning", "brennend", "warmstelle", "schwelbrand", "smoulder", "smolder"],
        "effects": ["penalise"],
        "penalty_points": 20,
        "label_en": "burning heap",
        "label_de": "brennende Halde",
        "text_en": "burning heap or hot spots (Warmstellen): geotechnical survey needed for "
        "foundations and cables",
        "text_de": "brennende Halde bzw. Warmstellen: Baugrundgutachten für Fundamente und Kabel "
        "nötig",
        "rationale": "Smouldering zones reach several hundred °C (reports on Halde Rheinelbe), "
        "which rules out cables and foundations there until remediated; penalty.",
    },
    "species_protection": {
        "fields": ["constraints"],
        "match": "contains",
        "patterns": [
            "kreuzkröte",
            "fledermaus",
            "bats",
            "heidelerche",
            "artenschutz",
            "species protection",
            "rare species",
            "birds",
        ],
        "effects": ["penalise"],
        "penalty_points": 10,
        "label_en": "protected species",
        "label_de": "geschützte Arten",
        "text_en": "protected species recorded: species-protection survey needed",
        "text_de": "geschützte Arten nachgewiesen: artenschutzrechtliche Prüfung nötig",
        "rationale": "Records of protected species (§ 44 BNatSchG) mean surveys, mitigation and "
        "possibly turbine shut-down times; penalty.",
    },
    "leisure": {
        "fields": ["constraints"],
        "match": "contains",
        "patterns": [
            "tourism",
            "mtb",
            "festival",
            "paragliding",
            "recreation",
            "freizeit",
            "trail",
            "iga 2027",
        ],
        "effects": ["penalise"],
        "penalty_points": 10,
        "label_en": "leisure use",
        "label_de": "Freizeitnutzung",
        "text_en": "used for leisure or tourism: PV and turbines must fit around paths and uses",
        "text_de": "Freizeit- oder Tourismusnutzung: PV und Windenergieanlagen müssen sich "
        "einfügen",
        "rationale": "Leisure use of RVR heaps is a GRHK aim (" + _GRHK + "); it takes area and "
        "raises acceptance questions; penalty.",
    },
    "closed_access": {
        "fields": ["access"],
        "match": "equals",
        "patterns": ["closed"],
        "effects": ["note"],
        "penalty_points": 0,
        "label_en": "closed access",
        "label_de": "nicht zugänglich",
        "text_en": "closed to the public now (mining supervision, dumping or fenced): available "
        "only later",
        "text_de": "derzeit nicht zugänglich (Bergaufsicht, Schüttung oder eingezäunt): erst "
        "später verfügbar",
        "rationale": "Availability is scored once, in score_ownership (access factor), so this "
        "rule only notes it.",
    },
    "existing_wind": {
        "fields": ["existing_wind_turbines"],
        "match": "greater",
        "threshold": 0,
        "effects": ["note"],
        "penalty_points": 0,
        "label_en": "existing wind turbines",
        "label_de": "bestehende Windenergieanlagen",
        "text_en": "{value} wind turbine(s) already stand on or at the heap: reported separately; "
        "new turbines must keep their spacing",
        "text_de": "{value} Windenergieanlage(n) stehen bereits auf oder an der Halde: gesondert "
        "ausgewiesen; neue Anlagen müssen Abstand halten",
        "rationale": "Existing turbines are not new potential (DOMAIN.md); the wind stage places "
        "new turbines around them.",
    },
}


@dataclass(frozen=True)
class SuitabilityConfig:
    """Parameters of the suitability stage: class rules, score weights, stability, totals factors."""

    min_housing_distance_m: float = param(
        600.0,
        unit="m",
        min=0.0,
        max=5000.0,
        source="RVR heap energy analysis (Haldenenergieanalyse), 2022: 600 m from residential "
        "buildings; note LANUV NRW wind area analysis (Flächenanalyse Windenergie), 2023, "
        "uses 700 m",
        doc="Wind is suitable only if the heap is at least this far from housing; unknown "
        "distance = wind not assessed.",
    )
    residential_areas_path: str = param(
        "",
        unit="-",
        source="issue #5: the distance comes from the registry or from a user-supplied "
        "residential layer (e.g. ALKIS/Basis-DLM residential land use of NRW, or OSM "
        "landuse=residential)",
        doc="GeoJSON of residential areas (Polygon/MultiPolygon, WGS84 or with a 'crs' member); "
        "where the registry has no housing_distance_m, the distance from the heap's point "
        "(summit/centre, where turbines stand) to the nearest area is used. A heap more "
        "than 2 km outside the layer's extent (bounding box) with no area within "
        "min_housing_distance_m keeps an unknown distance (the layer does not cover it). "
        "Empty = none.",
    )
    min_new_turbines: int = param(
        1,
        unit="-",
        min=1,
        max=100,
        source="issue #5: at least one new turbine must fit",
        doc="Wind needs at least this many new turbines on the heap.",
    )
    min_pv_usable_area_ha: float = param(
        0.15,
        unit="ha",
        min=0.0,
        max=1000.0,
        source="RVR heap energy analysis, 2022: contiguous PV areas of at least 1,500 m² "
        "(terrain drops smaller patches, so any remaining area passes)",
        doc="PV needs at least this usable area after exclusions (and more than zero).",
    )
    rules: dict = param(  # noqa: RUF009 (param returns a field with default_factory)
        DEFAULT_RULES,
        unit="-",
        source="assumption: rule table from DOMAIN.md constraints and heap fact table; each "
        "rule carries its rationale",
        doc="Constraint rules: id -> {fields, match (nonempty|equals|contains|greater), "
        "patterns, threshold, effects (block_pv|block_wind|penalise|note), penalty_points, "
        "text_en, text_de, rationale, optional label_en/label_de (short name in the "
        "reasons, default: the id)}. Giving this table replaces the whole default table.",
    )
    weight_energy: float = param(
        40.0,
        unit="points",
        min=0.0,
        max=1000.0,
        source="assumption: energy potential is the main aim of the heap energy concept",
        doc="Weight of energy potential [MWh/a] of the suitable uses, as a share of the best heap.",
    )
    weight_energy_density: float = param(
        20.0,
        unit="points",
        min=0.0,
        max=1000.0,
        source="assumption: favours heaps that use their area well (energy per footprint ha)",
        doc="Weight of energy per hectare of footprint [MWh/(ha a)], as a share of the best.",
    )
    weight_yield: float = param(
        15.0,
        unit="points",
        min=0.0,
        max=1000.0,
        source="assumption: resource quality (economics) beyond sheer size",
        doc="Weight of PV specific yield [kWh/kWp] and wind full-load hours [h], each as a share "
        "of the best heap, averaged over the suitable uses.",
    )
    weight_ownership: float = param(
        25.0,
        unit="points",
        min=0.0,
        max=1000.0,
        source="assumption: RVR-owned open heaps can be developed now; RAG heaps pass to the "
        "RVR by ~2027-2035 (" + _GRHK + ")",
        doc="Weight of availability = owner factor x access factor.",
    )
    weight_constraints: float = param(
        25.0,
        unit="points",
        min=0.0,
        max=1000.0,
        source="assumption: soft constraints lower the score; hard ones block a use",
        doc="Deduction at penalty_cap_points penalty points (linear, capped).",
    )
    penalty_cap_points: float = param(
        100.0,
        unit="points",
        min=1.0,
        max=10000.0,
        source="assumption: rule penalty points are out of 100",
        doc="Penalty points at which the constraint deduction reaches weight_constraints.",
    )
    owner_factors: dict = param(  # noqa: RUF009 (param returns a field with default_factory)
        {"RVR": 1.0, "RAG": 0.6, "other": 0.4},
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: RVR decides itself now; RAG heaps only after transfer to the RVR "
        "(~2027-2035, " + _GRHK + "); other/unknown owners lowest",
        doc="Availability factor by owner (owner text starting with RVR / RAG, else other).",
    )
    access_factors: dict = param(  # noqa: RUF009 (param returns a field with default_factory)
        {"open": 1.0, "unknown": 0.7, "closed": 0.4},
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: closed heaps (mining supervision, dumping, fenced) are available "
        "only later",
        doc="Availability factor by registry access (open / unknown / closed).",
    )
    count_unassessed_wind_in_score: bool = param(
        False,
        unit="-",
        source="DOMAIN.md: unknown distance to housing is never a pass",
        doc="Count the wind energy of heaps whose wind could not be assessed in the score.",
    )
    weight_perturbation: float = param(
        0.25,
        unit="-",
        min=0.0,
        max=0.9,
        source="issue #5: each weight ±25 %",
        doc="Relative change of each weight for the rank-stability check.",
    )
    perturbation_mode: str = param(
        "all-combinations",
        unit="-",
        choices=("all-combinations", "one-at-a-time"),
        source="assumption: all 3^5 = 243 combinations of (-p, 0, +p) are cheap and cover "
        "one-at-a-time",
        doc="Perturb all weights jointly (every combination) or one weight at a time.",
    )
    robust_top_n: int = param(
        10,
        unit="-",
        min=1,
        max=1000,
        source="assumption: a committee short list of 10",
        doc="A heap is a robust top candidate if its worst rank is at most this.",
    )
    household_consumption_kwh_per_a: float = param(
        3500.0,
        unit="kWh a-1",
        min=100.0,
        max=100000.0,
        source="BDEW Strompreisanalyse (2024): reference 3-person household, 3,500 kWh/a "
        "(to be checked; Destatis/UBA average per household is lower, ~3,000 kWh/a, "
        "which gives more households)",
        doc="Electricity use per household for 'households supplied'.",
    )
    household_consumption_year: int = param(
        2024,
        unit="a",
        min=1990,
        max=2100,
        source="year of the household figure's source",
        doc="Year of household_consumption_kwh_per_a (stated in the exports).",
    )
    co2_factor_g_per_kwh: float = param(
        380.0,
        unit="g kWh-1",
        min=0.0,
        max=2000.0,
        source="Umweltbundesamt (UBA), 'Entwicklung der spezifischen Treibhausgas-Emissionen des "
        "deutschen Strommix in den Jahren 1990-2023' (Climate Change series, 2024): CO2 "
        "emission factor of the German electricity mix 2023 ~380 g/kWh (estimate; to be "
        "checked). UBA's avoided-emission factors for PV/wind (Emissionsbilanz "
        "erneuerbarer Energietraeger) are higher (~600-700 g CO2-eq/kWh): this default "
        "is conservative",
        doc="CO2 avoided per kWh generated, for 'CO2 avoided'.",
    )
    co2_factor_year: int = param(
        2023,
        unit="a",
        min=1990,
        max=2100,
        source="reference year of co2_factor_g_per_kwh",
        doc="Year of co2_factor_g_per_kwh (stated in the exports).",
    )

    def check(self, origin: str = "config") -> None:
        """Check the rule table and factor tables; raise :class:`ConfigError` naming the key."""
        check_rules(self.rules, origin)
        for name, needed in (
            ("owner_factors", ("RVR", "RAG", "other")),
            ("access_factors", ("open", "unknown", "closed")),
        ):
            table = getattr(self, name)
            missing = [k for k in needed if k not in table]
            if missing:
                raise ConfigError(
                    f"{origin}: [suitability] {name} lacks {', '.join(missing)}; give all of "
                    f"{', '.join(needed)}"
                )
            for k, v in table.items():
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                    raise ConfigError(
                        f"{origin}: [suitability] {name}.{k} = {v!r} must be a number in [0, 1]"
                    )

    @property
    def weights(self) -> np.ndarray:
        """Weights in :data:`CRITERIA` order [points]."""
        return np.array([getattr(self, f"weight_{c}") for c in CRITERIA], dtype=float)


def check_rules(rules: Mapping[str, Any], origin: str = "config") -> None:
    """Validate a rule table; raise a one-line :class:`ConfigError` naming the rule and the fix."""
    if not isinstance(rules, Mapping):
        raise ConfigError(f"{origin}: [suitability] rules must be a table of rule id -> rule")
    for rid, rule in rules.items():
        where = f"{origin}: [suitability] rules.{rid}"
        if not isinstance(rule, Mapping):
            raise ConfigError(f"{where} must be a table with keys {', '.join(RULE_KEYS)}")
        unknown = [k for k in rule if k not in RULE_KEYS]
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(RULE_KEYS)}"
            )
        for k in ("fields", "match", "effects", "text_en", "text_de"):
            if k not in rule:
                raise ConfigError(f"{where}: missing key '{k}'")
        fields = rule["fields"]
        if isinstance(fields, str) or not isinstance(fields, Sequence) or not fields:
            raise ConfigError(f'{where}.fields must be a non-empty list, e.g. ["constraints"]')
        for f in fields:
            if not (f in RULE_FIELDS or (isinstance(f, str) and f.startswith("properties."))):
                raise ConfigError(
                    f"{where}.fields: unknown field {f!r}; use one of "
                    f"{', '.join(RULE_FIELDS)} or properties.<key>"
                )
        if rule["match"] not in RULE_MATCHES:
            raise ConfigError(
                f"{where}.match = {rule['match']!r}; choose one of {', '.join(RULE_MATCHES)}"
            )
        if rule["match"] in ("equals", "contains"):
            pats = rule.get("patterns")
            if isinstance(pats, str) or not isinstance(pats, Sequence) or not pats:
                raise ConfigError(
                    f"{where}.patterns must be a non-empty list of strings for "
                    f"match = {rule['match']}"
                )
        if rule["match"] == "greater":
            t = rule.get("threshold")
            if isinstance(t, bool) or not isinstance(t, (int, float)):
                raise ConfigError(f"{where}.threshold must be a number for match = greater")
        effects = rule["effects"]
        if isinstance(effects, str) or not isinstance(effects, Sequence) or not effects:
            raise ConfigError(f'{where}.effects must be a non-empty list, e.g. ["note"]')
        bad = [e for e in effects if e not in RULE_EFFECTS]
        if bad:
            raise ConfigError(
                f"{where}.effects: unknown {', '.join(map(str, bad))}; choose from "
                f"{', '.join(RULE_EFFECTS)}"
            )
        for k in ("text_en", "text_de", "label_en", "label_de"):
            if k in rule and (not isinstance(rule[k], str) or not rule[k].strip()):
                raise ConfigError(f"{where}.{k} must be a non-empty text")
        pts = rule.get("penalty_points", 0)
        if isinstance(pts, bool) or not isinstance(pts, (int, float)) or pts < 0:
            raise ConfigError(f"{where}.penalty_points = {pts!r} must be a number >= 0")
        if "penalise" in effects and pts <= 0:
            raise ConfigError(f"{where}: effect 'penalise' needs penalty_points > 0")


# --------------------------------------------------------------------------------------------------
# Registry records and rule matching
# --------------------------------------------------------------------------------------------------


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str) and not v.strip():
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def heap_record(heap: Any) -> dict[str, Any]:
    """The registry facts the rules use, from a :class:`haldenenergie.heaps.Heap` or a mapping.

    Returns a dict with the keys of :data:`RULE_FIELDS` plus ``id`` and ``properties``;
    ``existing_wind_turbines`` comes from ``heap.existing_wind.count`` (or a mapping's
    ``existing_wind_turbines`` / ``existing_wind_count``).
    """
    if isinstance(heap, Mapping):
        get = heap.get
    else:

        def get(key, default=None):
            return getattr(heap, key, default)

    rec: dict[str, Any] = {"id": str(get("id") if get("id") is not None else get("heap_id"))}
    for f in RULE_FIELDS:
        rec[f] = get(f)
    ew = get("existing_wind")
    count = (
        getattr(ew, "count", None)
        if ew is not None and not isinstance(ew, Mapping)
        else (ew.get("count") if isinstance(ew, Mapping) else None)
    )
    if count is None:
        count = rec.get("existing_wind_turbines")
        if _blank(count):
            count = get("existing_wind_count")
    rec["existing_wind_turbines"] = 0 if _blank(count) else int(count)
    hd = rec.get("housing_distance_m")
    rec["housing_distance_m"] = None if _blank(hd) else float(hd)
    props = get("properties") or {}
    rec["properties"] = dict(props) if isinstance(props, Mapping) else {}
    return rec


def _field_value(rec: Mapping[str, Any], field: str) -> Any:
    if field.startswith("properties."):
        return rec.get("properties", {}).get(field.split(".", 1)[1])
    return rec.get(field)


def _fmt_value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s if len(s) <= 80 else s[:77] + "..."


def match_rule(rule: Mapping[str, Any], rec: Mapping[str, Any]) -> str | None:
    """Return the matched registry value (as text) if ``rule`` fires for ``rec``, else None."""
    kind = rule["match"]
    pats = [str(p).casefold() for p in rule.get("patterns") or []]
    for field in rule["fields"]:
        v = _field_value(rec, field)
        if _blank(v):
            continue
        if kind == "nonempty":
            return _fmt_value(v)
        if kind == "greater":
            try:
                if float(v) > float(rule["threshold"]):
                    return _fmt_value(v)
            except (TypeError, ValueError):
                continue
            continue
        text = str(v).strip().casefold()
        if kind == "equals" and text in pats:
            return _fmt_value(v)
        if kind == "contains" and any(p in text for p in pats):
            return _fmt_value(v)
    return None


def evaluate_rules(rec: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """All rules that fire for one heap, in table order.

    Returns a list of dicts ``{id, label_en, label_de, effects, penalty_points, text_en,
    text_de}`` with ``{value}`` filled in; the labels default to the rule id.
    """
    fired = []
    for rid, rule in rules.items():
        value = match_rule(rule, rec)
        if value is None:
            continue
        effects = list(rule["effects"])
        pts = float(rule.get("penalty_points", 0) or 0) if "penalise" in effects else 0.0
        fired.append(
            {
                "id": rid,
                "label_en": str(rule.get("label_en") or rid),
                "label_de": str(rule.get("label_de") or rule.get("label_en") or rid),
                "effects": effects,
                "penalty_points": pts,
                "text_en": str(rule["text_en"]).replace("{value}", value),
                "text_de": str(rule["text_de"]).replace("{value}", value),
            }
        )
    return fired


# --------------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------------


def _num(row: Mapping[str, Any], key: str) -> float:
    v = row.get(key)
    if _blank(v):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _fmt_num(x: float, decimals: int = 0, lang: str = "en") -> str:
    s = f"{x:,.{decimals}f}"
    if lang == "de":
        s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return s


def owner_group(owner: Any) -> str:
    """``"RVR"``, ``"RAG"`` or ``"other"`` from a free-text owner (``"RAG (transfer ...)"``)."""
    if _blank(owner):
        return "other"
    text = str(owner).strip().upper()
    for key in ("RVR", "RAG"):
        if text.startswith(key):
            return key
    return "other"


def access_group(access: Any) -> str:
    """``"open"``, ``"closed"`` or ``"unknown"`` from the registry's access value."""
    if _blank(access):
        return "unknown"
    a = str(access).strip().lower()
    return a if a in ("open", "closed") else "unknown"


#: Private column of :func:`rank_results`: "layer" where the distance to housing came from the
#: residential layer (for the source named in the reasons).
_DIST_SRC = "_housing_distance_source"


def classify_heap(
    row: Mapping[str, Any], rec: Mapping[str, Any] | None, cfg: SuitabilityConfig
) -> dict[str, Any]:
    """Class, per-use outcomes, reasons and penalty of one heap.

    Parameters
    ----------
    row : one results row (``pv_usable_area_ha`` [ha], ``pv_energy_mwh_per_a`` [MWh a-1],
        ``wind_turbines_new`` [-], ``status`` …).
    rec : the heap's registry record (:func:`heap_record`), or None if it is not in the registry.
    cfg : the suitability parameters.

    Returns
    -------
    dict with ``class``, ``pv_suitability``, ``wind_suitability``, ``housing_distance_m`` [m],
    ``penalty_points``, ``availability`` [-], ``rules_fired`` (ids, comma-separated),
    ``reasons`` and ``reasons_de`` (``"; "``-separated plain sentences).
    """
    en: list[str] = []
    de: list[str] = []
    status = row.get("status")
    status_txt = "" if _blank(status) or str(status).strip().lower() == "ok" else str(status)

    if rec is None:
        en.append(
            "not in the heap registry: constraints, ownership and distance to housing unknown"
        )
        de.append(
            "nicht im Haldenregister: Restriktionen, Eigentum und Abstand zur "
            "Wohnbebauung unbekannt"
        )
        fired: list[dict] = []
        owner = row.get("owner")
        access = None
    else:
        fired = evaluate_rules(rec, cfg.rules)
        owner = rec.get("owner") if not _blank(rec.get("owner")) else row.get("owner")
        access = rec.get("access")
    block_pv = [r for r in fired if "block_pv" in r["effects"]]
    block_wind = [r for r in fired if "block_wind" in r["effects"]]

    # --- PV ---
    area = _num(row, "pv_usable_area_ha")
    pv_energy = _num(row, "pv_energy_mwh_per_a")
    if math.isnan(area) or math.isnan(pv_energy):
        pv = NOT_ASSESSED
        why = f" (status: {status_txt})" if status_txt else ""
        en.append(f"PV not assessed: no terrain or yield result{why}")
        de.append(f"PV nicht bewertet: kein Gelände- oder Ertragsergebnis{why}")
    elif area <= 0 or area < cfg.min_pv_usable_area_ha - 1e-9:
        pv = UNSUITABLE
        if area <= 0:
            en.append(
                "PV: no usable area after exclusions (north flanks, too steep, patches "
                "< 1,500 m², reserved areas)"
            )
            de.append(
                "PV: keine nutzbare Fläche nach Ausschlüssen (Nordhänge, zu steil, "
                "Teilflächen < 1.500 m², freizuhaltende Flächen)"
            )
        else:
            en.append(
                f"PV: usable area {_fmt_num(area, 2)} ha < minimum "
                f"{_fmt_num(cfg.min_pv_usable_area_ha, 2)} ha"
            )
            de.append(
                f"PV: nutzbare Fläche {_fmt_num(area, 2, 'de')} ha < Minimum "
                f"{_fmt_num(cfg.min_pv_usable_area_ha, 2, 'de')} ha"
            )
    elif block_pv:
        pv = UNSUITABLE
        en.append("PV blocked by: " + ", ".join(r["label_en"] for r in block_pv))
        de.append("PV ausgeschlossen durch: " + ", ".join(r["label_de"] for r in block_pv))
    else:
        pv = SUITABLE
        en.append(
            f"PV suitable: {_fmt_num(area, 1)} ha usable after exclusions, "
            f"{_fmt_num(pv_energy)} MWh/a"
        )
        de.append(
            f"PV geeignet: {_fmt_num(area, 1, 'de')} ha nutzbar nach Ausschlüssen, "
            f"{_fmt_num(pv_energy, 0, 'de')} MWh/a"
        )

    # --- wind ---
    n_new = _num(row, "wind_turbines_new")
    w_energy = _num(row, "wind_energy_mwh_per_a")
    dist = rec.get("housing_distance_m") if rec is not None else None
    dist_src_en, dist_src_de = "registry", "Register"
    if dist is None and not math.isnan(_num(row, "housing_distance_m")):
        dist = _num(row, "housing_distance_m")
        if row.get(_DIST_SRC) == "layer":
            dist_src_en, dist_src_de = "residential layer", "Wohngebiets-Layer"
        else:
            dist_src_en, dist_src_de = "results.csv", "results.csv"
    thr = cfg.min_housing_distance_m
    if math.isnan(n_new):
        wind = NOT_ASSESSED
        why = f" (status: {status_txt})" if status_txt else ""
        en.append(f"wind not assessed: no wind result{why}")
        de.append(f"Wind nicht bewertet: kein Windergebnis{why}")
    elif n_new < cfg.min_new_turbines:
        wind = UNSUITABLE
        en.append(
            "wind: no new turbine fits"
            if cfg.min_new_turbines == 1
            else f"wind: {int(n_new)} new turbine(s) fit, fewer than {cfg.min_new_turbines}"
        )
        de.append(
            "Wind: keine neue Anlage findet Platz"
            if cfg.min_new_turbines == 1
            else f"Wind: {int(n_new)} neue Anlage(n), weniger als {cfg.min_new_turbines}"
        )
    elif block_wind:
        wind = UNSUITABLE
        en.append("wind blocked by: " + ", ".join(r["label_en"] for r in block_wind))
        de.append("Wind ausgeschlossen durch: " + ", ".join(r["label_de"] for r in block_wind))
    elif dist is None:
        wind = NOT_ASSESSED
        en.append(
            f"wind not assessed: distance to housing unknown ({int(n_new)} new turbine(s) "
            f"would fit); supply housing_distance_m in the registry or a residential layer "
            f"(--residential)"
        )
        de.append(
            f"Wind nicht bewertet: Abstand zur Wohnbebauung unbekannt ({int(n_new)} neue "
            f"Anlage(n) fänden Platz); Abstand im Register (housing_distance_m) oder "
            f"per Wohngebiets-Layer (--residential) angeben"
        )
    elif dist < thr:
        wind = UNSUITABLE
        en.append(
            f"wind: {_fmt_num(dist)} m to housing < {_fmt_num(thr)} m minimum ({dist_src_en})"
        )
        de.append(
            f"Wind: {_fmt_num(dist, 0, 'de')} m Abstand zur Wohnbebauung < "
            f"{_fmt_num(thr, 0, 'de')} m Mindestabstand ({dist_src_de})"
        )
    else:
        wind = SUITABLE
        en.append(
            f"wind suitable: {int(n_new)} new turbine(s), {_fmt_num(w_energy)} MWh/a; "
            f"{_fmt_num(dist)} m to housing >= {_fmt_num(thr)} m"
        )
        de.append(
            f"Wind geeignet: {int(n_new)} neue Anlage(n), {_fmt_num(w_energy, 0, 'de')} "
            f"MWh/a; {_fmt_num(dist, 0, 'de')} m Abstand zur Wohnbebauung >= "
            f"{_fmt_num(thr, 0, 'de')} m"
        )

    for r in fired:
        tag = {
            "block_pv": "blocks PV",
            "block_wind": "blocks wind",
            "penalise": f"{_fmt_num(r['penalty_points'])} penalty points",
            "note": "note",
        }
        tag_de = {
            "block_pv": "schließt PV aus",
            "block_wind": "schließt Wind aus",
            "penalise": f"{_fmt_num(r['penalty_points'])} Maluspunkte",
            "note": "Hinweis",
        }
        en.append(f"{r['text_en']} [{r['id']}: {', '.join(tag[e] for e in r['effects'])}]")
        de.append(f"{r['text_de']} [{r['id']}: {', '.join(tag_de[e] for e in r['effects'])}]")

    if pv == SUITABLE and wind == SUITABLE:
        cls = "pv+wind"
    elif pv == SUITABLE:
        cls = "pv"
    elif wind == SUITABLE:
        cls = "wind"
    elif NOT_ASSESSED in (pv, wind):
        cls = "not-assessed"
    else:
        cls = "unsuitable"

    og, ag = owner_group(owner), access_group(access)
    availability = float(cfg.owner_factors[og]) * float(cfg.access_factors[ag])
    return {
        "class": cls,
        "pv_suitability": pv,
        "wind_suitability": wind,
        "housing_distance_m": math.nan if dist is None else float(dist),
        "penalty_points": float(sum(r["penalty_points"] for r in fired)),
        "availability": availability,
        "rules_fired": ",".join(r["id"] for r in fired),
        "reasons": "; ".join(en),
        "reasons_de": "; ".join(de),
    }


def classify(
    results: pd.DataFrame, heaps: Iterable[Any] | None, cfg: SuitabilityConfig
) -> pd.DataFrame:
    """Classify every heap of ``results``; returns a frame indexed like ``results``.

    Columns: see :func:`classify_heap`, plus ``suitable_energy_mwh_per_a`` [MWh a-1] (the energy
    of the suitable uses, which the score counts) and ``energy_density_mwh_per_ha_a``
    [MWh ha-1 a-1] (that energy per hectare of footprint).
    """
    records = {}
    for h in heaps or ():
        rec = heap_record(h)
        records[rec["id"]] = rec
    rows = []
    for _, row in results.iterrows():
        r = row.to_dict()
        rows.append(classify_heap(r, records.get(str(r["heap_id"])), cfg))
    out = pd.DataFrame(rows, index=results.index)
    pv_e = pd.to_numeric(results["pv_energy_mwh_per_a"], errors="coerce").fillna(0.0)
    w_e = pd.to_numeric(results["wind_energy_mwh_per_a"], errors="coerce").fillna(0.0)
    wind_counted = out["wind_suitability"].eq(SUITABLE)
    if cfg.count_unassessed_wind_in_score:
        wind_counted |= out["wind_suitability"].eq(NOT_ASSESSED) & pd.to_numeric(
            results["wind_turbines_new"], errors="coerce"
        ).fillna(0).ge(cfg.min_new_turbines)
    energy = pv_e.where(out["pv_suitability"].eq(SUITABLE), 0.0) + w_e.where(wind_counted, 0.0)
    out["suitable_energy_mwh_per_a"] = energy.astype(float)
    out["_wind_counted"] = wind_counted
    if "footprint_area_ha" in results:
        area = pd.to_numeric(results["footprint_area_ha"], errors="coerce")
        dens = energy / area.where(area > 0)
    else:
        dens = pd.Series(np.nan, index=results.index)
    out["energy_density_mwh_per_ha_a"] = dens.astype(float)
    unknown = out["class"].isin(RANKED_CLASSES) & dens.isna()
    if unknown.any():
        out.loc[unknown, "reasons"] = out.loc[unknown, "reasons"] + (
            "; energy per hectare scored as 0: footprint area unknown"
        )
        out.loc[unknown, "reasons_de"] = out.loc[unknown, "reasons_de"] + (
            "; Energie je Hektar mit 0 bewertet: Haldenfläche unbekannt"
        )
    return out


# --------------------------------------------------------------------------------------------------
# Score and rank
# --------------------------------------------------------------------------------------------------


def _share_of_max(x: np.ndarray) -> np.ndarray:
    """x / max(x) with NaN -> 0 (a ratio scale anchored at zero; the best heap scores 1)."""
    x = np.where(np.isfinite(x) & (x > 0), x, 0.0)
    m = x.max() if x.size else 0.0
    return x / m if m > 0 else np.zeros_like(x)


def criteria_matrix(ranked: pd.DataFrame, cls: pd.DataFrame, cfg: SuitabilityConfig) -> np.ndarray:
    """Normalised criteria of the ranked heaps, shape (n, 5) in :data:`CRITERIA` order.

    energy, energy_density: share of the best ranked heap [0, 1]; yield: mean over the counted
    uses of PV specific yield and wind full-load hours, each as a share of the best heap with that
    use [0, 1]; ownership: availability factor [0, 1]; constraints: -min(penalty, cap) / cap [-1, 0].
    """
    energy = _share_of_max(cls["suitable_energy_mwh_per_a"].to_numpy(float))
    density = _share_of_max(cls["energy_density_mwh_per_ha_a"].to_numpy(float))
    pv_on = cls["pv_suitability"].eq(SUITABLE).to_numpy()
    wind_on = cls["_wind_counted"].to_numpy(bool)

    def col(name):
        if name in ranked:
            return pd.to_numeric(ranked[name], errors="coerce").to_numpy(float)
        return np.full(len(ranked), np.nan)

    q_pv = _share_of_max(np.where(pv_on, col("pv_specific_yield_kwh_per_kwp"), 0.0))
    q_wind = _share_of_max(np.where(wind_on, col("wind_full_load_hours_h"), 0.0))
    n_uses = pv_on.astype(int) + wind_on.astype(int)
    yield_ = np.where(
        n_uses > 0,
        (np.where(pv_on, q_pv, 0.0) + np.where(wind_on, q_wind, 0.0)) / np.maximum(n_uses, 1),
        0.0,
    )
    own = cls["availability"].to_numpy(float)
    pen = (
        -np.minimum(cls["penalty_points"].to_numpy(float), cfg.penalty_cap_points)
        / cfg.penalty_cap_points
    )
    return np.column_stack([energy, density, yield_, own, pen])


def score_parts(criteria: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score parts and scores for one or many weight vectors.

    Parameters
    ----------
    criteria : (n, k) normalised criteria.
    weights : (k,) or (m, k) weights [points].

    Returns
    -------
    parts : (n, k) or (m, n, k), each rounded to :data:`SCORE_DECIMALS`.
    score : (n,) or (m, n), the rounded sum of the parts (so the parts add up to it).
    """
    w = np.asarray(weights, dtype=float)
    parts = np.round(criteria[None, :, :] * np.atleast_2d(w)[:, None, :], SCORE_DECIMALS) + 0.0
    score = np.round(parts.sum(axis=-1), SCORE_DECIMALS) + 0.0
    if w.ndim == 1:
        return parts[0], score[0]
    return parts, score


def order_by_score(score: np.ndarray, energy: np.ndarray, ids: Sequence[str]) -> np.ndarray:
    """Ranks 1..n: score descending, then energy descending, then heap id ascending.

    ``score`` may be (n,) or (m, n) (one ranking per row). Deterministic and independent of the
    input order (the id is the final key and ids are unique).
    """
    score = np.atleast_2d(score)
    id_key = np.argsort(np.argsort(np.asarray(ids, dtype=object), kind="stable"), kind="stable")
    ranks = np.empty(score.shape, dtype=int)
    for i, s in enumerate(score):
        order = np.lexsort((id_key, -np.asarray(energy, float), -s))
        ranks[i, order] = np.arange(1, len(s) + 1)
    return ranks


def weight_scenarios(cfg: SuitabilityConfig) -> np.ndarray:
    """Weight vectors for the stability check, (m, 5); row 0 is the unperturbed weights."""
    w = cfg.weights
    p = cfg.weight_perturbation
    rows = [w]
    if p > 0:
        if cfg.perturbation_mode == "one-at-a-time":
            for k in range(len(w)):
                for sign in (-1.0, 1.0):
                    f = np.ones_like(w)
                    f[k] = 1.0 + sign * p
                    rows.append(w * f)
        else:
            for combo in itertools.product((1.0 - p, 1.0, 1.0 + p), repeat=len(w)):
                f = np.array(combo)
                if not np.all(f == 1.0):
                    rows.append(w * f)
    return np.array(rows)


def score_and_rank(
    results: pd.DataFrame, cls: pd.DataFrame, cfg: SuitabilityConfig
) -> pd.DataFrame:
    """Score, parts, rank, best/worst rank and ``robust_top`` for the heaps with a suitable use.

    Heaps of class ``unsuitable`` or ``not-assessed`` get no score and no rank (NaN).
    Returns a frame indexed like ``results``.
    """
    out = pd.DataFrame(index=results.index)
    for c in ("score", *SCORE_PARTS, "rank", "rank_best", "rank_worst"):
        out[c] = np.nan
    out["robust_top"] = False
    mask = cls["class"].isin(RANKED_CLASSES).to_numpy()
    if not mask.any():
        return out
    sub, csub = results[mask], cls[mask]
    crit = criteria_matrix(sub, csub, cfg)
    parts, score = score_parts(crit, cfg.weights)
    energy = csub["suitable_energy_mwh_per_a"].to_numpy(float)
    ids = sub["heap_id"].astype(str).tolist()
    rank = order_by_score(score, energy, ids)[0]
    _, scores_all = score_parts(crit, weight_scenarios(cfg))
    ranks_all = order_by_score(scores_all, energy, ids)
    idx = sub.index
    out.loc[idx, "score"] = score
    for k, name in enumerate(SCORE_PARTS):
        out.loc[idx, name] = parts[:, k]
    out.loc[idx, "rank"] = rank
    out.loc[idx, "rank_best"] = ranks_all.min(axis=0)
    out.loc[idx, "rank_worst"] = ranks_all.max(axis=0)
    out.loc[idx, "robust_top"] = ranks_all.max(axis=0) <= cfg.robust_top_n
    return out


# --------------------------------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------------------------------

#: Rows of the totals table: group id -> (English label, German label).
TOTAL_GROUPS: dict[str, tuple[str, str]] = {
    "pv+wind": ("class PV + wind (suitable uses)", "Klasse PV + Wind (geeignete Nutzungen)"),
    "pv": ("class PV (PV only)", "Klasse PV (nur PV)"),
    "wind": ("class wind (wind only)", "Klasse Wind (nur Wind)"),
    "unsuitable": ("class unsuitable", "Klasse ungeeignet"),
    "not-assessed": ("class not assessed", "Klasse nicht bewertet"),
    "total_suitable": (
        "total new potential of suitable uses",
        "Summe neues Potenzial geeigneter Nutzungen",
    ),
    "wind_not_assessed": (
        "wind potential not assessed (distance to housing unknown; not in total)",
        "Windpotenzial nicht bewertet (Abstand zur Wohnbebauung unbekannt; nicht in Summe)",
    ),
    "technical": (
        "technical potential before constraints (all heaps, all uses)",
        "technisches Potenzial vor Restriktionen (alle Halden, alle Nutzungen)",
    ),
    "existing_wind": (
        "existing wind turbines (already built; not new potential)",
        "bestehende Windenergieanlagen (gebaut; kein neues Potenzial)",
    ),
}
TOTAL_COLUMNS: tuple[str, ...] = (
    "group",
    "group_en",
    "group_de",
    "heaps",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "wind_turbines",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "energy_mwh_per_a",
    "households",
    "co2_avoided_t_per_a",
    "household_consumption_kwh_per_a",
    "household_consumption_year",
    "co2_factor_g_per_kwh",
    "co2_factor_year",
)


def households_supplied(energy_mwh_per_a, cfg: SuitabilityConfig):
    """Households whose yearly use the energy covers [-]: E [MWh a-1] x 1000 / use [kWh a-1]."""
    return np.asarray(energy_mwh_per_a, dtype=float) * 1000.0 / cfg.household_consumption_kwh_per_a


def co2_avoided_t_per_a(energy_mwh_per_a, cfg: SuitabilityConfig):
    """CO2 avoided [t a-1]: E [MWh a-1] x 1000 [kWh/MWh] x factor [g kWh-1] / 1e6 [g/t]."""
    return np.asarray(energy_mwh_per_a, dtype=float) * cfg.co2_factor_g_per_kwh / 1000.0


def totals_table(ranked: pd.DataFrame, cfg: SuitabilityConfig) -> pd.DataFrame:
    """Totals per class, of all suitable uses, of pending wind, technical and existing turbines.

    Class rows and the total count only the suitable uses of each heap (a heap of class ``pv``
    contributes its PV only). ``households`` and ``co2_avoided_t_per_a`` use the configured
    factors, which are repeated in every row with their year.
    """
    n = len(ranked)

    def num(col):
        if col in ranked:
            return pd.to_numeric(ranked[col], errors="coerce").fillna(0.0).to_numpy(float)
        return np.zeros(n)

    cls = ranked["class"].astype(str).to_numpy()
    pv_on = ranked["pv_suitability"].to_numpy() == SUITABLE
    wind_on = ranked["wind_suitability"].to_numpy() == SUITABLE
    pv_cap, pv_e = num("pv_capacity_mwp"), num("pv_energy_mwh_per_a")
    w_n, w_cap, w_e = (
        num("wind_turbines_new"),
        num("wind_capacity_mw"),
        num("wind_energy_mwh_per_a"),
    )

    def row(group, sel, pv_sel, wind_sel):
        p, w = sel & pv_sel, sel & wind_sel
        pe, we = float(pv_e[p].sum()), float(w_e[w].sum())
        return {
            "group": group,
            "heaps": int(sel.sum()),
            "pv_capacity_mwp": float(pv_cap[p].sum()),
            "pv_energy_mwh_per_a": pe,
            "wind_turbines": float(w_n[w].sum()),
            "wind_capacity_mw": float(w_cap[w].sum()),
            "wind_energy_mwh_per_a": we,
            "energy_mwh_per_a": pe + we,
        }

    rows = [row(c, cls == c, pv_on, wind_on) for c in CLASSES]
    rows.append(row("total_suitable", np.isin(cls, RANKED_CLASSES), pv_on, wind_on))
    pending = (ranked["wind_suitability"].to_numpy() == NOT_ASSESSED) & (
        w_n >= cfg.min_new_turbines
    )
    none, every = np.zeros(n, bool), np.ones(n, bool)
    rows.append(row("wind_not_assessed", pending, none, pending))
    rows.append(row("technical", every, every, every))
    n_exist = num("existing_wind_turbines")
    e_exist = num("existing_wind_energy_mwh_per_a")
    cap_exist = (
        float(num("existing_wind_capacity_mw").sum())
        if "existing_wind_capacity_mw" in ranked
        else math.nan
    )
    rows.append(
        {
            "group": "existing_wind",
            "heaps": int((n_exist > 0).sum()),
            "pv_capacity_mwp": 0.0,
            "pv_energy_mwh_per_a": 0.0,
            "wind_turbines": float(n_exist.sum()),
            "wind_capacity_mw": cap_exist,
            "wind_energy_mwh_per_a": float(e_exist.sum()),
            "energy_mwh_per_a": float(e_exist.sum()),
        }
    )
    df = pd.DataFrame(rows)
    df["group_en"] = df["group"].map(lambda g: TOTAL_GROUPS[g][0])
    df["group_de"] = df["group"].map(lambda g: TOTAL_GROUPS[g][1])
    df["households"] = households_supplied(df["energy_mwh_per_a"], cfg)
    df["co2_avoided_t_per_a"] = co2_avoided_t_per_a(df["energy_mwh_per_a"], cfg)
    df["household_consumption_kwh_per_a"] = cfg.household_consumption_kwh_per_a
    df["household_consumption_year"] = cfg.household_consumption_year
    df["co2_factor_g_per_kwh"] = cfg.co2_factor_g_per_kwh
    df["co2_factor_year"] = cfg.co2_factor_year
    return df[list(TOTAL_COLUMNS)]


# --------------------------------------------------------------------------------------------------
# The whole step
# --------------------------------------------------------------------------------------------------


def _as_suitability_config(cfg: Any) -> SuitabilityConfig:
    if cfg is None:
        return SuitabilityConfig()
    if isinstance(cfg, SuitabilityConfig):
        return cfg
    sub = getattr(cfg, "suitability", None)
    if isinstance(sub, SuitabilityConfig):
        return sub
    raise ConfigError(
        f"rank_results: cfg must be a SuitabilityConfig or a Config, got {type(cfg).__name__}"
    )


def check_results(results: pd.DataFrame, origin: str = "results") -> None:
    """Refuse results without the required columns or with duplicate / empty heap ids."""
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise OutputError(
            f"{origin}: missing column(s) {', '.join(missing)}; required are "
            f"{', '.join(REQUIRED_COLUMNS)} (rerun 'haldenenergie run')"
        )
    ids = results["heap_id"]
    blank = ids.isna() | ids.astype(str).str.strip().eq("")
    if blank.any():
        raise OutputError(
            f"{origin}: row {int(np.flatnonzero(blank.to_numpy())[0]) + 1} has no "
            f"heap_id; every row needs one"
        )
    dup = ids.astype(str)[ids.astype(str).duplicated()]
    if len(dup):
        raise OutputError(
            f"{origin}: heap_id {dup.iloc[0]!r} appears more than once; keep one row per heap"
        )


#: Margin [m] around a residential layer's bounding box within which the layer is taken to
#: describe a heap's surroundings. Assumption: 2 km is over three times the 600 m rule (RVR 2022)
#: and ~1.5 km beyond the turbine distances that matter; a heap farther outside than that (e.g.
#: a layer of one city and a heap in the next) is not covered by the layer.
LAYER_EXTENT_MARGIN_M = 2000.0


def housing_distances_from_layer(
    heaps: Iterable[Any], path: str | Path, max_distance_outside_m: float | None = 0.0
) -> dict[str, float]:
    """Distance [m] from each heap's point to the nearest residential area of a GeoJSON layer.

    The point is the registry's summit/centre point (for a footprint polygon, its representative
    point): turbines stand on the summit or plateau, so this approximates the turbine-to-housing
    distance the 600 m rule is about (RVR 2022). Distances are measured in ETRS89 / UTM 32N
    (EPSG:25832). Heaps without coordinates get no distance (they stay "not assessed"), and so
    do heaps outside the layer's extent (bounding box of all its areas, widened by
    :data:`LAYER_EXTENT_MARGIN_M`) unless an area is closer than ``max_distance_outside_m`` [m]:
    a layer that does not reach a heap's surroundings cannot show that housing is far from it,
    but a near area does show that housing is near (pass the minimum distance; None keeps every
    distance).

    Raises
    ------
    ConfigError : the file is missing, unreadable, or holds no polygons.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    p = Path(path)
    if not p.is_file():
        raise ConfigError(
            f"{p}: residential areas file not found; check [suitability] "
            f"residential_areas_path or --residential"
        )
    try:
        layer = gpd.read_file(p)
    except Exception as exc:  # noqa: BLE001 — any reader failure is a bad input file
        raise ConfigError(
            f"{p}: cannot read residential areas as GeoJSON ({exc}); "
            f"give a FeatureCollection of polygons"
        ) from None
    layer = layer[layer.geometry.notna()]
    layer = layer[layer.geom_type.isin(["Polygon", "MultiPolygon"])]
    if layer.empty:
        raise ConfigError(
            f"{p}: no Polygon/MultiPolygon features; residential areas must be polygons"
        )
    if layer.crs is None:
        layer = layer.set_crs("EPSG:4326")
    union = layer.to_crs("EPSG:25832").geometry.union_all()
    out: dict[str, float] = {}
    pts, ids = [], []
    for h in heaps:
        if isinstance(h, Mapping):  # a mapping with the Heap attributes (as rank_results takes)
            rec_id, fp, lat, lon = h.get("id"), h.get("footprint"), h.get("lat"), h.get("lon")
        else:
            rec_id, fp = getattr(h, "id", None), getattr(h, "footprint", None)
            lat, lon = getattr(h, "lat", None), getattr(h, "lon", None)
        if _blank(lat) or _blank(lon):
            lat = lon = None
        if fp is not None:
            pts.append(fp.representative_point())
        elif lat is not None and lon is not None:
            pts.append(Point(lon, lat))
        else:
            continue
        ids.append(str(rec_id))
    if pts:
        g = gpd.GeoSeries(pts, crs="EPSG:4326").to_crs("EPSG:25832")
        minx, miny, maxx, maxy = union.bounds
        mg = LAYER_EXTENT_MARGIN_M
        outside = []
        for i, pt in zip(ids, g):
            d = float(pt.distance(union))
            inside = minx - mg <= pt.x <= maxx + mg and miny - mg <= pt.y <= maxy + mg
            if not inside and max_distance_outside_m is not None and d >= max_distance_outside_m:
                # A layer that does not reach around the heap cannot show that no housing is
                # near it: unknown, never a pass (DOMAIN.md). A near area still proves nearness.
                outside.append(i)
                continue
            out[i] = d
        if outside:
            log.warning(
                "%s: %d heap(s) lie outside the residential layer's extent and no area "
                "of it is near them; their distance to housing stays unknown (wind not "
                "assessed): %s",
                p,
                len(outside),
                ", ".join(outside[:10]),
            )
    return out


def rank_results(
    results_df: pd.DataFrame, heaps: Iterable[Any] | None, cfg: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify, score, rank and total the heaps of a results table.

    Parameters
    ----------
    results_df : one row per heap (columns of the results folder's ``results.csv``; at least
        :data:`REQUIRED_COLUMNS`). Ranking columns already present are replaced; a
        ``housing_distance_m`` column is used where the registry has no distance, and is replaced
        by the distance the classification used (registry first, else the results' value).
    heaps : the registry (:class:`haldenenergie.heaps.Heap` objects or mappings with the same
        keys). Heaps of the results missing here are classified without constraints and with
        unknown distance to housing (said in their reasons).
    cfg : :class:`SuitabilityConfig`, or a :class:`haldenenergie.config.Config` (its
        ``.suitability`` is used), or None for the defaults.

    Returns
    -------
    ranked_df : the results with :data:`RANK_COLUMNS` added, sorted by rank (ranked heaps first),
        then the unranked by class order and heap id; index reset.
    totals_df : :func:`totals_table`.

    Raises
    ------
    OutputError : required columns missing, duplicate or empty heap ids.
    """
    scfg = _as_suitability_config(cfg)
    check_results(results_df)
    base = results_df.drop(columns=[c for c in RANK_COLUMNS if c in results_df.columns])
    base = base.reset_index(drop=True)
    heaps = list(heaps or [])
    reg_ids = {heap_record(h)["id"] for h in heaps}
    res_ids = set(base["heap_id"].astype(str))
    if heaps and reg_ids - res_ids:
        log.warning(
            "%d registry heap(s) have no results row and are not ranked: %s",
            len(reg_ids - res_ids),
            ", ".join(sorted(reg_ids - res_ids)[:10]),
        )
    if scfg.residential_areas_path:
        dist = housing_distances_from_layer(
            heaps, scfg.residential_areas_path, max_distance_outside_m=scfg.min_housing_distance_m
        )
        layer = base["heap_id"].astype(str).map(dist).astype(float)
        given = (
            pd.to_numeric(base["housing_distance_m"], errors="coerce")
            if "housing_distance_m" in base
            else pd.Series(np.nan, index=base.index)
        )
        base[_DIST_SRC] = np.where(given.isna() & layer.notna(), "layer", "")
        base["housing_distance_m"] = given.fillna(layer).astype(float)
    cls = classify(base, heaps, scfg)
    base = base.drop(columns=[_DIST_SRC], errors="ignore")
    sc = score_and_rank(base, cls, scfg)
    # housing_distance_m: the value the classification used (registry first, else the results').
    base = base.drop(columns=[c for c in ("housing_distance_m",) if c in base.columns])
    ranked = pd.concat([base, cls.drop(columns=["_wind_counted"]), sc], axis=1)
    ranked = sort_by_rank(ranked)
    for c in ("rank", "rank_best", "rank_worst"):
        ranked[c] = ranked[c].astype("Int64")
    ranked["robust_top"] = ranked["robust_top"].astype(bool)
    totals = totals_table(ranked, scfg)
    return ranked, totals


def sort_by_rank(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in rank order; unranked heaps after, by class order and heap id; index reset."""
    rank = pd.to_numeric(df["rank"], errors="coerce").astype(float).fillna(np.inf)
    class_order = df["class"].map({c: i for i, c in enumerate(CLASSES)}).fillna(len(CLASSES))
    tmp = df.assign(
        _r=rank.to_numpy(), _c=class_order.to_numpy(), _id=df["heap_id"].astype(str).to_numpy()
    )
    return (
        tmp.sort_values(["_r", "_c", "_id"], kind="stable")
        .drop(columns=["_r", "_c", "_id"])
        .reset_index(drop=True)
    )


#: Columns of ``ranking.csv`` (those present), in this order.
RANKING_COLUMNS: tuple[str, ...] = (
    "rank",
    "heap_id",
    "name",
    "city",
    "owner",
    "class",
    "score",
    *SCORE_PARTS,
    "rank_best",
    "rank_worst",
    "robust_top",
    "suitable_energy_mwh_per_a",
    "energy_density_mwh_per_ha_a",
    "pv_suitability",
    "pv_usable_area_ha",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "pv_specific_yield_kwh_per_kwp",
    "wind_suitability",
    "wind_turbines_new",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "wind_full_load_hours_h",
    "housing_distance_m",
    "existing_wind_turbines",
    "existing_wind_energy_mwh_per_a",
    "availability",
    "penalty_points",
    "rules_fired",
    "reasons",
    "reasons_de",
)


def ranking_table(ranked_df: pd.DataFrame) -> pd.DataFrame:
    """The ranking view (``ranking.csv``): :data:`RANKING_COLUMNS` that exist, in rank order."""
    return ranked_df[[c for c in RANKING_COLUMNS if c in ranked_df.columns]].copy()


def config_parameters(cfg: SuitabilityConfig) -> dict[str, Any]:
    """The parameters as a plain dict (for manifests)."""
    return dataclasses.asdict(cfg)
