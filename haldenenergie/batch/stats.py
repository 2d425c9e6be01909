"""Per-heap statistics of a batch across weather years: spread, P50, P90, rank stability.

Statistics per quantity (PV, new wind, total = PV + wind, and energy of suitable uses where the
runs have it) use the runs that have a value (``<q>_energy_n_runs``; PV energy is NaN for a
wind-only weather file). Rank statistics: ``rank_mean``, ``rank_best``, ``rank_worst`` over the
runs in which the heap is ranked (``n_ranked``; empty if never ranked, e.g. unsuitable heaps);
``share_top10`` over all runs, a run in which the heap is unranked counting as not in the top 10.

P50 is the median over the weather years. P90 (exceeded with 90 % probability) comes in two forms:

* normal approximation ``<q>_energy_p90_normal_mwh_per_a`` = P50 − z₀.₉ σ, z₀.₉ = Φ⁻¹(0.9) =
  1.2816 and σ the sample standard deviation (ddof = 1) across years — the usual approach in
  energy-yield assessments (e.g. Dobos, Gilman & Kasberg 2012, "P50/P90 analysis for solar
  energy systems using the System Advisor Model", NREL/CP-6A20-54488);
* empirical ``<q>_energy_p90_empirical_mwh_per_a``: the 10th percentile of the years (linear
  interpolation between order statistics, Hyndman & Fan 1996 definition 7, numpy's default).

``<q>_energy_p90_mwh_per_a`` is the one used (``p90_method``: ``normal`` or ``empirical``). All
three stay empty, with ``p90_method`` ``none`` and the reason in ``p90_note``, when fewer than
``min_years`` (:data:`MIN_YEARS`) comparable years have a value: then only min and max are
reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import results as results_folder
from .limits import MIN_YEARS, P90_METHODS, TOP_N, Z_P90

QUANTITIES = (
    ("pv", "pv_energy_mwh_per_a"),
    ("wind", "wind_energy_mwh_per_a"),
    ("total", "total_energy_mwh_per_a"),
    ("suitable", "suitable_energy_mwh_per_a"),
)


def _read_all(folders: Sequence[Path]) -> pd.DataFrame | None:
    frames = []
    for i, f in enumerate(folders):
        df = results_folder.read_results(f, typed=False)
        df["_run"] = i
        frames.append(df)
    if not frames:
        return None
    allr = pd.concat(frames, ignore_index=True)
    allr["wind_energy_mwh_per_a"] = allr["wind_energy_mwh_per_a"].fillna(0.0)
    allr["total_energy_mwh_per_a"] = allr["pv_energy_mwh_per_a"] + allr["wind_energy_mwh_per_a"]
    return allr


def _quantity_stats(out: pd.DataFrame, s, q: str, min_years: int, method: str) -> None:
    """Columns ``<q>_energy_*`` of one quantity (``s``: its values grouped by heap)."""
    n = s.count()
    out[f"{q}_energy_n_runs"] = n
    out[f"{q}_energy_mean_mwh_per_a"] = s.mean()
    out[f"{q}_energy_min_mwh_per_a"] = s.min()
    out[f"{q}_energy_max_mwh_per_a"] = s.max()
    out[f"{q}_energy_std_mwh_per_a"] = s.std(ddof=1)
    out[f"{q}_energy_p50_mwh_per_a"] = p50 = s.median()
    enough = n >= max(min_years, 2)
    normal = (p50 - Z_P90 * out[f"{q}_energy_std_mwh_per_a"]).where(enough)
    empirical = s.quantile(0.1).where(enough)
    out[f"{q}_energy_p90_normal_mwh_per_a"] = normal
    out[f"{q}_energy_p90_empirical_mwh_per_a"] = empirical
    out[f"{q}_energy_p90_mwh_per_a"] = empirical if method == "empirical" else normal


def _p90_columns(out: pd.DataFrame, min_years: int, method: str, pooled: str) -> None:
    """``p90_method`` and ``p90_note`` per heap (judged on the total energy's years)."""
    n = out["total_energy_n_runs"]
    enough = n >= max(min_years, 2)
    out["p90_method"] = np.where(enough, method, "none")
    short = n.map(
        lambda k: (
            f"{k} comparable weather years, fewer than the {min_years} a P90 from "
            "interannual variability needs (--min-years); min/max only"
        )
    )
    used = (
        "P90 = P50 − 1.2816 σ (normal approximation)"
        if method == "normal"
        else "P90 = 10th percentile of the years (empirical)"
    )
    note = pd.Series(np.where(enough, used, short), index=out.index)
    out["p90_note"] = note + (f"; pooled different kinds: {pooled}" if pooled else "")


def _rank_stats(out: pd.DataFrame, g) -> None:
    r = g["rank"]
    out["n_ranked"] = r.count()
    out["rank_mean"] = r.mean()
    out["rank_best"] = r.min()
    out["rank_worst"] = r.max()
    out[f"share_top{TOP_N}"] = r.apply(lambda s: float(np.mean(s <= TOP_N)))


def summarise(
    folders: Sequence[Path],
    min_years: int = MIN_YEARS,
    p90_method: str = P90_METHODS[0],
    weather_kinds: str = "",
    pooled: str = "",
) -> pd.DataFrame:
    """Per-heap statistics across the results of several runs (one folder per weather file).

    Parameters
    ----------
    folders : run folders (one per weather file).
    min_years : fewest runs with a value for a P90 (:data:`MIN_YEARS`); below, P90 is empty.
    p90_method : ``"normal"`` or ``"empirical"``: which P90 fills ``<q>_energy_p90_mwh_per_a``.
    weather_kinds : the kinds of weather summarised, in words (column ``weather_kinds``).
    pooled : if different kinds were pooled (``--pool-anyway``), what was pooled, in words.

    Returns
    -------
    pandas.DataFrame
        One row per heap (see the module docstring); energies [MWh a-1]; ranked heaps first by
        mean rank.
    """
    if p90_method not in P90_METHODS:
        raise ValueError(f"p90_method {p90_method!r}: expected one of {P90_METHODS}")
    allr = _read_all(folders)
    if allr is None:
        return pd.DataFrame()
    g = allr.groupby("heap_id", sort=True)
    out = g[["name", "city"]].first()
    out["n_runs"] = g["_run"].nunique()
    for q, col in QUANTITIES:
        if col in allr:
            _quantity_stats(out, g[col], q, min_years, p90_method)
    _p90_columns(out, min_years, p90_method, pooled)
    out["weather_kinds"] = weather_kinds
    if "rank" in allr:
        _rank_stats(out, g)
    out = out.reset_index()
    if "rank_mean" in out:
        out = out.sort_values(["rank_mean", "heap_id"]).reset_index(drop=True)
    return out
