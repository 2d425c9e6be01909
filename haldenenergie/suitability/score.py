"""Score and rank: five normalised criteria times weights, ties, and rank stability.

The score is ``score = score_energy + score_energy_density + score_yield + score_ownership +
score_constraints`` (the parts are written next to the total); ties are broken by energy, then heap
id; the weights are perturbed (default ±25 %) to give each heap its best and worst rank.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .classification import RANKED_CLASSES, SUITABLE
from .config import CRITERIA, SuitabilityConfig

#: Score part columns, in :data:`CRITERIA` order.
SCORE_PARTS: tuple[str, ...] = tuple(f"score_{c}" for c in CRITERIA)
#: Decimals of score parts and score: parts are rounded first and the score is their sum, so the
#: figures a committee sees add up exactly.
SCORE_DECIMALS = 3


def _share_of_max(x: np.ndarray, ref: np.ndarray | None = None) -> np.ndarray:
    """Share of the maximum, x / max(x), with NaN -> 0 (ratio scale; the best heap scores 1).

    With ``ref`` (bool mask) the maximum is taken over those heaps only and shares are capped at
    1, so that heaps outside ``ref`` (facts missing) cannot move the scores of the others.
    """
    x = np.where(np.isfinite(x) & (x > 0), x, 0.0)
    base = x if ref is None or not np.any(ref) else x[np.asarray(ref, bool)]
    m = base.max() if base.size else 0.0
    return np.minimum(x / m, 1.0) if m > 0 else np.zeros_like(x)


def criteria_matrix(
    ranked: pd.DataFrame,
    cls: pd.DataFrame,
    cfg: SuitabilityConfig,
    ref: np.ndarray | None = None,
) -> np.ndarray:
    """Normalised criteria of the ranked heaps, shape (n, 5) in :data:`CRITERIA` order.

    energy, energy_density: share of the best ranked heap [0, 1]; yield: mean over the counted
    uses of PV specific yield and wind full-load hours, each as a share of the best heap with
    that use [0, 1]; ownership: availability factor [0, 1]; constraints: -min(penalty, cap) / cap
    [-1, 0]. ``ref`` (bool per row, optional): the heaps whose best values set the scale (the
    known heaps; shares of the others are capped at 1); None: all rows.
    """
    energy = _share_of_max(cls["suitable_energy_mwh_per_a"].to_numpy(float), ref)
    density = _share_of_max(cls["energy_density_mwh_per_ha_a"].to_numpy(float), ref)
    pv_on = cls["pv_suitability"].eq(SUITABLE).to_numpy()
    wind_on = cls["_wind_counted"].to_numpy(bool)

    def col(name):
        if name in ranked:
            return pd.to_numeric(ranked[name], errors="coerce").to_numpy(float)
        return np.full(len(ranked), np.nan)

    q_pv = _share_of_max(np.where(pv_on, col("pv_specific_yield_kwh_per_kwp"), 0.0), ref)
    q_wind = _share_of_max(np.where(wind_on, col("wind_full_load_hours_h"), 0.0), ref)
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


def _group_ranks(
    crit: np.ndarray, energy: np.ndarray, ids: list[str], cfg: SuitabilityConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Parts, score, rank and (best, worst) rank over the weight scenarios of one group."""
    parts, score = score_parts(crit, cfg.weights)
    rank = order_by_score(score, energy, ids)[0]
    _, scores_all = score_parts(crit, weight_scenarios(cfg))
    ranks_all = order_by_score(scores_all, energy, ids)
    return parts, score, rank, np.vstack([ranks_all.min(axis=0), ranks_all.max(axis=0)])


def score_and_rank(
    results: pd.DataFrame,
    cls: pd.DataFrame,
    cfg: SuitabilityConfig,
    known: np.ndarray | None = None,
) -> pd.DataFrame:
    """Score, parts, rank, best/worst rank and ``robust_top`` for the heaps with a suitable use.

    Heaps of class ``unsuitable`` or ``not-assessed`` get no score and no rank (NaN).
    ``known`` (bool per row, optional) splits the ranked heaps into two groups: the known heaps
    (True) are ranked 1..k, the heaps with facts missing (False) after them, k+1..n; each group
    has its own best/worst rank (within the group's numbers), the known heaps' best values set the
    score scale, and only known heaps can be ``robust_top``. None: one group (all known).
    Returns a frame indexed like ``results``.
    """
    out = pd.DataFrame(index=results.index)
    for c in ("score", *SCORE_PARTS, "rank", "rank_best", "rank_worst"):
        out[c] = np.nan
    out["robust_top"] = False
    mask = cls["class"].isin(RANKED_CLASSES).to_numpy()
    if not mask.any():
        return out
    known = np.ones(len(results), bool) if known is None else np.asarray(known, bool)
    sub, csub = results[mask], cls[mask]
    crit = criteria_matrix(sub, csub, cfg, ref=known[mask])
    energy = csub["suitable_energy_mwh_per_a"].to_numpy(float)
    ids = np.asarray(sub["heap_id"].astype(str).tolist(), dtype=object)
    offset = 0
    for group, is_known in ((known[mask], True), (~known[mask], False)):
        if not group.any():
            continue
        parts, score, rank, spread = _group_ranks(crit[group], energy[group], list(ids[group]), cfg)
        idx = sub.index[group]
        out.loc[idx, "score"] = score
        for k, name in enumerate(SCORE_PARTS):
            out.loc[idx, name] = parts[:, k]
        out.loc[idx, "rank"] = rank + offset
        out.loc[idx, "rank_best"] = spread[0] + offset
        out.loc[idx, "rank_worst"] = spread[1] + offset
        out.loc[idx, "robust_top"] = (spread[1] <= cfg.robust_top_n) & is_known
        offset += int(group.sum())
    return out
