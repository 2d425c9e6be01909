"""Suitability classes, a transparent ranking and totals for the heaps of a results folder.

Three steps, each a pure function on tables (no file access):

1. :func:`classify` (:mod:`.classification`) — per heap, is PV suitable, is wind suitable, or
   could it not be assessed; the registry's constraints are matched against a configurable rule
   table (:data:`DEFAULT_RULES`, :mod:`.rules`, read from ``haldenenergie/data/rules.toml``) whose
   effects are ``block_pv``, ``block_wind``, ``penalise`` and ``note``. Every rule that fires is
   written to ``reasons`` (English) and ``reasons_de`` (German).
2. :func:`score_and_rank` (:mod:`.score`) — a score from five normalised criteria times weights;
   the parts are written next to the total (``score = score_energy + score_energy_density +
   score_yield + score_ownership + score_constraints``); ties are broken by energy, then heap id;
   the weights are perturbed (default ±25 %) to give each heap its best and worst rank.
3. :func:`totals_table` (:mod:`.totals`) — capacity, energy, households supplied and CO2 avoided
   per class, for all suitable heaps, and for the turbines already standing (reported apart).

Honest without layers (:mod:`.basis`, :mod:`.facts`): heaps whose area or height the parametric
terrain assumed are ranked in a group "facts missing" after the known heaps (``rank_group``; ranks
continue), a cone whose assumed area is implausible for its height is flagged
(``area_implausible``), the totals state the part from those heaps (rows ``facts_missing``,
``technical_facts_missing``) and label PV as the technical upper bound where no forest layer was
used (``pv_basis``, ``pv_basis_de``).

:func:`rank_results` (:mod:`.ranking`) runs the three steps; it is what ``haldenenergie rank``
and the pipeline call. The parameters are :class:`SuitabilityConfig` (:mod:`.config`, which
imports nothing heavy); distances to housing may come from a residential layer (:mod:`.housing`).

Classes
-------
``pv+wind``  both uses are suitable;
``pv``       PV is suitable, wind is not (or could not be assessed, said in the reasons);
``wind``     wind is suitable, PV is not (or could not be assessed);
``unsuitable``  both uses were assessed and neither is suitable;
``not-assessed``  neither use is suitable and at least one could not be assessed (missing terrain or
yield result, unknown distance to housing): the answer hinges on missing data, so the heap is
neither passed nor failed.

The names below are imported from their submodule on first use (PEP 562), so that importing
``haldenenergie.suitability.config`` (as :mod:`haldenenergie.config` does) does not import pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> submodule that defines it.
_EXPORTS: dict[str, str] = {
    # classification
    "CLASSES": "classification",
    "RANKED_CLASSES": "classification",
    "CLASS_LABELS_EN": "classification",
    "CLASS_LABELS_DE": "classification",
    "SUITABLE": "classification",
    "UNSUITABLE": "classification",
    "NOT_ASSESSED": "classification",
    "owner_group": "classification",
    "access_group": "classification",
    "housing_distance": "classification",
    "class_of": "classification",
    "classify_heap": "classification",
    "classify": "classification",
    # config
    "CRITERIA": "config",
    "SuitabilityConfig": "config",
    # rules
    "RULE_FIELDS": "rules",
    "RULE_MATCHES": "rules",
    "RULE_EFFECTS": "rules",
    "RULE_KEYS": "rules",
    "DEFAULT_RULES": "rules",
    "load_rules": "rules",
    "check_rules": "rules",
    "rule_facts": "rules",
    "match_rule": "rules",
    "evaluate_rules": "rules",
    # score
    "SCORE_PARTS": "score",
    "SCORE_DECIMALS": "score",
    "criteria_matrix": "score",
    "score_parts": "score",
    "order_by_score": "score",
    "weight_scenarios": "score",
    "score_and_rank": "score",
    # totals
    "TOTAL_GROUPS": "totals",
    "TOTAL_COLUMNS": "totals",
    "households_supplied": "totals",
    "co2_avoided_t_per_a": "totals",
    "totals_table": "totals",
    # basis (PV upper bound, facts assumed)
    "PV_UPPER_BOUND": "basis",
    "FACT_COLUMNS": "basis",
    "layer_kinds_of": "basis",
    "forest_considered": "basis",
    "pv_basis_text": "basis",
    "assumed_facts": "basis",
    "cone_area_ha": "basis",
    # facts missing (ranking groups)
    "KNOWN": "facts",
    "FACTS_MISSING": "facts",
    "ConeLimits": "facts",
    "facts_missing_frame": "facts",
    # housing
    "LAYER_EXTENT_MARGIN_M": "housing",
    "read_residential_union": "housing",
    "housing_distances_from_layer": "housing",
    # ranking
    "RANK_COLUMNS": "ranking",
    "REQUIRED_COLUMNS": "ranking",
    "RANKING_COLUMNS": "ranking",
    "check_results": "ranking",
    "rank_results": "ranking",
    "sort_by_rank": "ranking",
    "ranking_table": "ranking",
    "config_parameters": "ranking",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first use and keep it here."""
    sub = _EXPORTS.get(name)
    if sub is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{sub}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
