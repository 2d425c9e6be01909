"""The whole suitability step on a results table: classify, score, rank and total the heaps.

:func:`rank_results` is what ``haldenenergie rank`` and the pipeline call; :func:`ranking_table`
is the view written to ``ranking.csv``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import ConfigError, OutputError
from .classification import CLASSES, DISTANCE_SOURCE_COLUMN, classify
from .config import SuitabilityConfig
from .facts import FACTS_MISSING, KNOWN, ConeLimits, facts_missing_frame
from .housing import housing_distances_from_layer
from .score import SCORE_PARTS, score_and_rank
from .totals import totals_table

if TYPE_CHECKING:
    from ..registry import Heap

log = logging.getLogger("haldenenergie.suitability")

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
    "rank_group",
    "rank_best",
    "rank_worst",
    "robust_top",
    "facts_missing",
    "area_implausible",
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


def _warn_unresulted(heaps: list[Heap], base: pd.DataFrame) -> None:
    """Warn about registry heaps that have no results row (they are not ranked)."""
    missing = {str(h.id) for h in heaps} - set(base["heap_id"].astype(str))
    if heaps and missing:
        log.warning(
            "%d registry heap(s) have no results row and are not ranked: %s",
            len(missing),
            ", ".join(sorted(missing)[:10]),
        )


def _add_layer_distances(base: pd.DataFrame, heaps: list[Heap], scfg: SuitabilityConfig) -> None:
    """Fill ``housing_distance_m`` from the residential layer where the results have none.

    Marks those rows in the private column ``_housing_distance_source`` ("layer"), so that the
    reasons name the layer as the source. Changes ``base`` in place.
    """
    dist = housing_distances_from_layer(
        heaps, scfg.residential_areas_path, max_distance_outside_m=scfg.min_housing_distance_m
    )
    layer = base["heap_id"].astype(str).map(dist).astype(float)
    given = (
        pd.to_numeric(base["housing_distance_m"], errors="coerce")
        if "housing_distance_m" in base
        else pd.Series(np.nan, index=base.index)
    )
    base[DISTANCE_SOURCE_COLUMN] = np.where(given.isna() & layer.notna(), "layer", "")
    base["housing_distance_m"] = given.fillna(layer).astype(float)


def _terrain_of(cfg: Any, terrain: Any) -> Any:
    """The terrain config whose cone ranges test assumed areas (given, the Config's, or None)."""
    return terrain if terrain is not None else getattr(cfg, "terrain", None)


def _add_facts(cls: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Append the facts-missing reasons to the classification's and add the two columns."""
    cls = cls.copy()
    for col in ("reasons", "reasons_de"):
        extra = facts[col]
        has = extra.ne("")
        joined = cls[col].astype(str).where(cls[col].astype(str).eq(""), cls[col] + "; ")
        cls.loc[has, col] = joined[has] + extra[has]
    cls["facts_missing"] = facts["facts_missing"]
    cls["area_implausible"] = facts["area_implausible"]
    return cls


def rank_results(
    results_df: pd.DataFrame,
    heaps: Iterable[Heap] | None,
    cfg: Any = None,
    terrain: Any = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify, score, rank and total the heaps of a results table.

    Parameters
    ----------
    results_df : one row per heap (columns of the results folder's ``results.csv``; at least
        :data:`REQUIRED_COLUMNS`). Ranking columns already present are replaced; a
        ``housing_distance_m`` [m] column is used where the registry has no distance, and is
        replaced by the distance the classification used (registry first, else the results').
    heaps : the registry (:class:`haldenenergie.registry.Heap` objects). Heaps of the results
        missing here are classified without constraints and with unknown distance to housing
        (said in their reasons).
    cfg : :class:`SuitabilityConfig`, or a :class:`haldenenergie.config.Config` (its
        ``.suitability`` is used, and its ``.terrain`` as ``terrain``), or None for the defaults.
    terrain : ``TerrainConfig`` whose cone flank-slope and plateau ranges flag implausible assumed
        areas (default: the Config's, else the ``[terrain]`` defaults).

    Returns
    -------
    ranked_df : the results with :data:`RANK_COLUMNS` added, sorted by rank (ranked heaps first),
        then the unranked by class order and heap id; index reset. Heaps whose area or height
        was assumed (``facts_missing``) are ranked after the known heaps (``rank_group``
        "known" / "facts missing"; ranks continue: known 1..k, facts missing k+1..n).
    totals_df : :func:`haldenenergie.suitability.totals.totals_table`.

    Raises
    ------
    OutputError : required columns missing, duplicate or empty heap ids.
    """
    scfg = _as_suitability_config(cfg)
    check_results(results_df)
    base = results_df.drop(columns=[c for c in RANK_COLUMNS if c in results_df.columns])
    base = base.reset_index(drop=True)
    heaps = list(heaps or [])
    _warn_unresulted(heaps, base)
    if scfg.residential_areas_path:
        _add_layer_distances(base, heaps, scfg)
    cls = classify(base, heaps, scfg)
    base = base.drop(columns=[DISTANCE_SOURCE_COLUMN], errors="ignore")
    facts = facts_missing_frame(base, ConeLimits.from_terrain(_terrain_of(cfg, terrain)))
    cls = _add_facts(cls, facts)
    known = facts["facts_missing"].eq("").to_numpy()
    sc = score_and_rank(base, cls, scfg, known=known)
    ranked_mask = sc["rank"].notna()
    sc["rank_group"] = np.where(ranked_mask, np.where(known, KNOWN, FACTS_MISSING), "")
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
    "rank_group",
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
    "facts_missing",
    "area_implausible",
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
