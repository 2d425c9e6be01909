"""The ``[suitability]`` configuration section: rules, score weights, stability, totals factors.

Imports nothing heavy (no pandas, no geopandas), so that :mod:`haldenenergie.config` can build the
section without importing the stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigError
from ..params import param
from .rules import DEFAULT_RULES, check_rules

if TYPE_CHECKING:
    import numpy as np

#: Score criteria in the order of the score parts (columns ``score_<name>``, weights
#: ``weight_<name>``).
CRITERIA: tuple[str, ...] = ("energy", "energy_density", "yield", "ownership", "constraints")

_GRHK = (
    "RVR, Gesamtregionales Haldenkonzept (GRHK) and heap energy analysis "
    "(Haldenenergieanalyse), 2022"
)


@dataclass(frozen=True)
class SuitabilityConfig:
    """Parameters of the suitability stage: class rules, score weights, stability, totals."""

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
        source="planning input: the distance comes from the registry or from a user-supplied "
        "residential layer (e.g. ALKIS/Basis-DLM residential land use of NRW, or OSM "
        "landuse=residential)",
        doc="Residential areas (Polygon/MultiPolygon): GeoJSON in WGS84 (RFC 7946), or a "
        "GeoPackage / Shapefile in any CRS; "
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
        source="assumption: wind counts as suitable only if at least one new turbine fits",
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
        source="assumption: rules for the constraints the registry records per heap (nature "
        "protection, landmarks, observatories, mining supervision, dumping, drinking water, "
        "burning heaps, species, leisure, access, existing turbines); each rule carries its "
        "rationale with its legal or published source (haldenenergie/data/rules.toml)",
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
        source="RVR heap energy analysis (Haldenenergieanalyse), 2022: wind needs 600 m to "
        "residential buildings, so a heap whose distance is unknown cannot be shown to pass; "
        "assumption: its wind energy stays out of the score",
        doc="Count the wind energy of heaps whose wind could not be assessed in the score.",
    )
    weight_perturbation: float = param(
        0.25,
        unit="-",
        min=0.0,
        max=0.9,
        source="assumption: each weight ±25 % (weights a committee sets are rarely surer than a "
        "quarter)",
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
        """Check rules, factor tables and weights; raise :class:`ConfigError` naming the key."""
        check_rules(self.rules, origin)
        self._check_factor_tables(origin)
        self._check_weights(origin)

    def _check_weights(self, origin: str) -> None:
        """Refuse all score weights 0: every heap would score 0 and the ranks would be arbitrary."""
        keys = [f"weight_{c}" for c in CRITERIA]
        if all(getattr(self, k) == 0 for k in keys):
            defaults = ", ".join(
                f"{k} = {SuitabilityConfig.__dataclass_fields__[k].default:g}" for k in keys
            )
            raise ConfigError(
                f"{origin}: [suitability] {', '.join(keys)} are all 0, so every heap would score "
                f"0 and the ranks would mean nothing; give at least one weight > 0 "
                f"(defaults: {defaults})"
            )

    def _check_factor_tables(self, origin: str) -> None:
        """Owner and access factor tables: every category present, each a number in [0, 1]."""
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
        import numpy as np

        return np.array([getattr(self, f"weight_{c}") for c in CRITERIA], dtype=float)
