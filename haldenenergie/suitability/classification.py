"""Suitability classes: per heap, is PV suitable, is wind suitable, or could it not be assessed.

The registry's constraints are matched against the rule table (:mod:`.rules`); every rule that
fires, and every test of area, turbines and distance to housing, is written to ``reasons``
(English) and ``reasons_de`` (German) as a plain sentence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .config import SuitabilityConfig
from .rules import evaluate_rules, rule_facts
from .values import fmt_num, is_blank, number

if TYPE_CHECKING:
    from ..registry import Heap

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

#: Private column of :func:`haldenenergie.suitability.rank_results`: "layer" where the distance to
#: housing came from the residential layer (for the source named in the reasons).
DISTANCE_SOURCE_COLUMN = "_housing_distance_source"
#: Results column written by the terrain stage (``HeapTerrain.housing_distance_source``): where a
#: residential layer covered the heap it starts with "layer" and the distance is measured from the
#: turbine site, whose cells nearer than the minimum were already removed.
TERRAIN_SOURCE_COLUMN = "housing_distance_source"
#: Source names (English, German) of a distance measured from the turbine site.
SITE_SOURCE = ("residential layer, from the turbine site", "Wohngebiets-Layer, ab Anlagenstandort")


def owner_group(owner: Any) -> str:
    """``"RVR"``, ``"RAG"`` or ``"other"`` from a free-text owner (``"RAG (transfer ...)"``)."""
    if is_blank(owner):
        return "other"
    text = str(owner).strip().upper()
    for key in ("RVR", "RAG"):
        if text.startswith(key):
            return key
    return "other"


def access_group(access: Any) -> str:
    """``"open"``, ``"closed"`` or ``"unknown"`` from the registry's access value."""
    if is_blank(access):
        return "unknown"
    a = str(access).strip().lower()
    return a if a in ("open", "closed") else "unknown"


@dataclass
class _Reasons:
    """The reasons of one heap, in English and German, in the order they are found."""

    en: list[str] = field(default_factory=list)
    de: list[str] = field(default_factory=list)

    def add(self, en: str, de: str) -> None:
        self.en.append(en)
        self.de.append(de)


# --------------------------------------------------------------------------------------------------
# PV
# --------------------------------------------------------------------------------------------------


def _pv_outcome(
    row: Mapping[str, Any],
    blocked: list[dict],
    cfg: SuitabilityConfig,
    status_txt: str,
    why: _Reasons,
) -> str:
    """PV outcome from the usable area [ha], the yield and the blocking rules; adds the reason."""
    area = number(row, "pv_usable_area_ha")
    pv_energy = number(row, "pv_energy_mwh_per_a")
    if math.isnan(area) or math.isnan(pv_energy):
        status = f" (status: {status_txt})" if status_txt else ""
        why.add(
            f"PV not assessed: no terrain or yield result{status}",
            f"PV nicht bewertet: kein Gelände- oder Ertragsergebnis{status}",
        )
        return NOT_ASSESSED
    if area <= 0:
        why.add(
            "PV: no usable area after exclusions (north flanks, too steep, patches "
            "< 1,500 m², reserved areas)",
            "PV: keine nutzbare Fläche nach Ausschlüssen (Nordhänge, zu steil, "
            "Teilflächen < 1.500 m², freizuhaltende Flächen)",
        )
        return UNSUITABLE
    if area < cfg.min_pv_usable_area_ha - 1e-9:
        why.add(
            f"PV: usable area {fmt_num(area, 2)} ha < minimum "
            f"{fmt_num(cfg.min_pv_usable_area_ha, 2)} ha",
            f"PV: nutzbare Fläche {fmt_num(area, 2, 'de')} ha < Minimum "
            f"{fmt_num(cfg.min_pv_usable_area_ha, 2, 'de')} ha",
        )
        return UNSUITABLE
    if blocked:
        why.add(
            "PV blocked by: " + ", ".join(r["label_en"] for r in blocked),
            "PV ausgeschlossen durch: " + ", ".join(r["label_de"] for r in blocked),
        )
        return UNSUITABLE
    why.add(
        f"PV suitable: {fmt_num(area, 1)} ha usable after exclusions, {fmt_num(pv_energy)} MWh/a",
        f"PV geeignet: {fmt_num(area, 1, 'de')} ha nutzbar nach Ausschlüssen, "
        f"{fmt_num(pv_energy, 0, 'de')} MWh/a",
    )
    return SUITABLE


# --------------------------------------------------------------------------------------------------
# Wind
# --------------------------------------------------------------------------------------------------


def housing_distance(
    row: Mapping[str, Any], facts: Mapping[str, Any] | None
) -> tuple[float | None, str, str]:
    """Distance to housing [m] the classification uses, and its source in English and German.

    A distance the terrain stage measured from the turbine site with a covering residential layer
    (``housing_distance_source`` starting with "layer", not "only nearness proven") comes first
    (source :data:`SITE_SOURCE`). Else the registry's value; else the results row's
    ``housing_distance_m`` (named as from the residential layer where :func:`rank_results` took it
    from there); None = unknown.
    """
    site = _site_distance(row)
    if site is not None:
        return site, *SITE_SOURCE
    dist = facts.get("housing_distance_m") if facts is not None else None
    if dist is not None:
        return dist, "registry", "Register"
    from_row = number(row, "housing_distance_m")
    if math.isnan(from_row):
        return None, "registry", "Register"
    if row.get(DISTANCE_SOURCE_COLUMN) == "layer":
        return from_row, "residential layer", "Wohngebiets-Layer"
    return from_row, "results.csv", "results.csv"


def _site_distance(row: Mapping[str, Any]) -> float | None:
    """The distance [m] measured from the turbine site by a covering layer, else None."""
    src = row.get(TERRAIN_SOURCE_COLUMN)
    if is_blank(src) or not str(src).startswith("layer") or "only nearness" in str(src):
        return None
    dist = number(row, "housing_distance_m")
    return None if math.isnan(dist) else dist


def _housing_removed_all(row: Mapping[str, Any], dist: float | None, src, thr: float) -> bool:
    """Whether the housing distance removed every turbine position (site measured by a layer).

    True when the site distance is below the minimum and the site shrank (or its gross area is
    unknown); the caller has already found that no new turbine fits.
    """
    if src[0] != SITE_SOURCE[0] or dist is None or dist >= thr:
        return False
    gross = number(row, "turbine_site_area_gross_ha")
    net = number(row, "turbine_site_area_ha")
    return math.isnan(gross) or math.isnan(net) or gross > net + 1e-9


def _wind_by_distance(
    n_new: float,
    w_energy: float,
    dist: float | None,
    src: tuple[str, str],
    cfg: SuitabilityConfig,
    why: _Reasons,
) -> str:
    """Wind outcome of a heap where turbines fit and no rule blocks wind: the 600 m test."""
    thr = cfg.min_housing_distance_m
    if dist is None:
        why.add(
            f"wind not assessed: distance to housing unknown ({int(n_new)} new turbine(s) "
            f"would fit); supply housing_distance_m in the registry or a residential layer "
            f"(--residential)",
            f"Wind nicht bewertet: Abstand zur Wohnbebauung unbekannt ({int(n_new)} neue "
            f"Anlage(n) fänden Platz); Abstand im Register (housing_distance_m) oder "
            f"per Wohngebiets-Layer (--residential) angeben",
        )
        return NOT_ASSESSED
    if dist < thr and src[0] == SITE_SOURCE[0]:
        why.add(
            f"wind suitable: {int(n_new)} turbine position(s) >= {fmt_num(thr)} m from housing; "
            f"site within {fmt_num(thr)} m removed (nearest housing {fmt_num(dist)} m from the "
            f"turbine site, {src[0]}), {fmt_num(w_energy)} MWh/a",
            f"Wind geeignet: {int(n_new)} Anlagenstandort(e) >= {fmt_num(thr, 0, 'de')} m von "
            f"der Wohnbebauung; Standortfläche innerhalb {fmt_num(thr, 0, 'de')} m entfernt "
            f"(nächste Wohnbebauung {fmt_num(dist, 0, 'de')} m vom Anlagenstandort, {src[1]}), "
            f"{fmt_num(w_energy, 0, 'de')} MWh/a",
        )
        return SUITABLE
    if dist < thr:
        why.add(
            f"wind: {fmt_num(dist)} m to housing < {fmt_num(thr)} m minimum ({src[0]})",
            f"Wind: {fmt_num(dist, 0, 'de')} m Abstand zur Wohnbebauung < "
            f"{fmt_num(thr, 0, 'de')} m Mindestabstand ({src[1]})",
        )
        return UNSUITABLE
    why.add(
        f"wind suitable: {int(n_new)} new turbine(s), {fmt_num(w_energy)} MWh/a; "
        f"{fmt_num(dist)} m to housing >= {fmt_num(thr)} m",
        f"Wind geeignet: {int(n_new)} neue Anlage(n), {fmt_num(w_energy, 0, 'de')} "
        f"MWh/a; {fmt_num(dist, 0, 'de')} m Abstand zur Wohnbebauung >= "
        f"{fmt_num(thr, 0, 'de')} m",
    )
    return SUITABLE


def _wind_outcome(
    row: Mapping[str, Any],
    blocked: list[dict],
    dist: float | None,
    src: tuple[str, str],
    cfg: SuitabilityConfig,
    status_txt: str,
    why: _Reasons,
) -> str:
    """Wind outcome from the new turbines, the blocking rules and the distance to housing."""
    n_new = number(row, "wind_turbines_new")
    if math.isnan(n_new):
        status = f" (status: {status_txt})" if status_txt else ""
        why.add(
            f"wind not assessed: no wind result{status}",
            f"Wind nicht bewertet: kein Windergebnis{status}",
        )
        return NOT_ASSESSED
    if n_new < cfg.min_new_turbines and _housing_removed_all(
        row, dist, src, cfg.min_housing_distance_m
    ):
        thr = cfg.min_housing_distance_m
        why.add(
            f"wind: no turbine position >= {fmt_num(thr)} m from housing (nearest housing "
            f"{fmt_num(dist)} m from the turbine site, {src[0]})",
            f"Wind: kein Anlagenstandort >= {fmt_num(thr, 0, 'de')} m von der Wohnbebauung "
            f"(nächste Wohnbebauung {fmt_num(dist, 0, 'de')} m vom Anlagenstandort, {src[1]})",
        )
        return UNSUITABLE
    if n_new < cfg.min_new_turbines:
        one = cfg.min_new_turbines == 1
        why.add(
            "wind: no new turbine fits"
            if one
            else f"wind: {int(n_new)} new turbine(s) fit, fewer than {cfg.min_new_turbines}",
            "Wind: keine neue Anlage findet Platz"
            if one
            else f"Wind: {int(n_new)} neue Anlage(n), weniger als {cfg.min_new_turbines}",
        )
        return UNSUITABLE
    if blocked:
        why.add(
            "wind blocked by: " + ", ".join(r["label_en"] for r in blocked),
            "Wind ausgeschlossen durch: " + ", ".join(r["label_de"] for r in blocked),
        )
        return UNSUITABLE
    w_energy = number(row, "wind_energy_mwh_per_a")
    return _wind_by_distance(n_new, w_energy, dist, src, cfg, why)


# --------------------------------------------------------------------------------------------------
# One heap
# --------------------------------------------------------------------------------------------------


def _rule_reasons(fired: list[dict], why: _Reasons) -> None:
    """One reason per fired rule, tagged ``[id: effects]``."""
    for r in fired:
        pts = fmt_num(r["penalty_points"])
        tag = {
            "block_pv": "blocks PV",
            "block_wind": "blocks wind",
            "penalise": f"{pts} penalty points",
            "note": "note",
        }
        tag_de = {
            "block_pv": "schließt PV aus",
            "block_wind": "schließt Wind aus",
            "penalise": f"{pts} Maluspunkte",
            "note": "Hinweis",
        }
        why.add(
            f"{r['text_en']} [{r['id']}: {', '.join(tag[e] for e in r['effects'])}]",
            f"{r['text_de']} [{r['id']}: {', '.join(tag_de[e] for e in r['effects'])}]",
        )


def class_of(pv: str, wind: str) -> str:
    """The class from the two per-use outcomes (see :data:`CLASSES`)."""
    if pv == SUITABLE and wind == SUITABLE:
        return "pv+wind"
    if pv == SUITABLE:
        return "pv"
    if wind == SUITABLE:
        return "wind"
    if NOT_ASSESSED in (pv, wind):
        return "not-assessed"
    return "unsuitable"


def classify_heap(
    row: Mapping[str, Any], facts: Mapping[str, Any] | None, cfg: SuitabilityConfig
) -> dict[str, Any]:
    """Class, per-use outcomes, reasons and penalty of one heap.

    Parameters
    ----------
    row : one results row (``pv_usable_area_ha`` [ha], ``pv_energy_mwh_per_a`` [MWh a-1],
        ``wind_turbines_new`` [-], ``status`` …).
    facts : the heap's registry facts (:func:`haldenenergie.suitability.rules.rule_facts`), or
        None if it is not in the registry.
    cfg : the suitability parameters.

    Returns
    -------
    dict with ``class``, ``pv_suitability``, ``wind_suitability``, ``housing_distance_m`` [m],
    ``penalty_points``, ``availability`` [-], ``rules_fired`` (ids, comma-separated),
    ``reasons`` and ``reasons_de`` (``"; "``-separated plain sentences).
    """
    why = _Reasons()
    status = row.get("status")
    status_txt = "" if is_blank(status) or str(status).strip().lower() == "ok" else str(status)
    if facts is None:
        why.add(
            "not in the heap registry: constraints, ownership and distance to housing unknown",
            "nicht im Haldenregister: Restriktionen, Eigentum und Abstand zur "
            "Wohnbebauung unbekannt",
        )
        fired: list[dict] = []
        owner, access = row.get("owner"), None
    else:
        # Rules may test results columns too (``results.<column>``, e.g. protected_area_ha).
        fired = evaluate_rules({**facts, "results": row}, cfg.rules)
        owner = facts.get("owner") if not is_blank(facts.get("owner")) else row.get("owner")
        access = facts.get("access")
    block_pv = [r for r in fired if "block_pv" in r["effects"]]
    block_wind = [r for r in fired if "block_wind" in r["effects"]]
    pv = _pv_outcome(row, block_pv, cfg, status_txt, why)
    dist, src_en, src_de = housing_distance(row, facts)
    wind = _wind_outcome(row, block_wind, dist, (src_en, src_de), cfg, status_txt, why)
    _rule_reasons(fired, why)
    availability = float(cfg.owner_factors[owner_group(owner)]) * float(
        cfg.access_factors[access_group(access)]
    )
    return {
        "class": class_of(pv, wind),
        "pv_suitability": pv,
        "wind_suitability": wind,
        "housing_distance_m": math.nan if dist is None else float(dist),
        "penalty_points": float(sum(r["penalty_points"] for r in fired)),
        "availability": availability,
        "rules_fired": ",".join(r["id"] for r in fired),
        "reasons": "; ".join(why.en),
        "reasons_de": "; ".join(why.de),
    }


# --------------------------------------------------------------------------------------------------
# All heaps
# --------------------------------------------------------------------------------------------------


def _wind_counted(results: pd.DataFrame, out: pd.DataFrame, cfg: SuitabilityConfig) -> pd.Series:
    """Heaps whose wind energy the score counts: suitable (optionally also not assessed)."""
    counted = out["wind_suitability"].eq(SUITABLE)
    if cfg.count_unassessed_wind_in_score:
        counted |= out["wind_suitability"].eq(NOT_ASSESSED) & pd.to_numeric(
            results["wind_turbines_new"], errors="coerce"
        ).fillna(0).ge(cfg.min_new_turbines)
    return counted


def classify(
    results: pd.DataFrame, heaps: Iterable[Heap] | None, cfg: SuitabilityConfig
) -> pd.DataFrame:
    """Classify every heap of ``results``; returns a frame indexed like ``results``.

    Parameters
    ----------
    results : one row per heap (results columns, see :func:`classify_heap`).
    heaps : the registry (:class:`haldenenergie.registry.Heap`); heaps of ``results`` missing here
        are classified without constraints.
    cfg : the suitability parameters.

    Returns
    -------
    DataFrame with the columns of :func:`classify_heap`, plus ``suitable_energy_mwh_per_a``
    [MWh a-1] (the energy of the suitable uses, which the score counts),
    ``energy_density_mwh_per_ha_a`` [MWh ha-1 a-1] (that energy per hectare of footprint) and the
    private ``_wind_counted`` (bool: wind energy counted in the score).
    """
    facts = {}
    for h in heaps or ():
        f = rule_facts(h)
        facts[f["id"]] = f
    rows = []
    for _, row in results.iterrows():
        r = row.to_dict()
        rows.append(classify_heap(r, facts.get(str(r["heap_id"])), cfg))
    out = pd.DataFrame(rows, index=results.index)
    pv_e = pd.to_numeric(results["pv_energy_mwh_per_a"], errors="coerce").fillna(0.0)
    w_e = pd.to_numeric(results["wind_energy_mwh_per_a"], errors="coerce").fillna(0.0)
    wind_counted = _wind_counted(results, out, cfg)
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
