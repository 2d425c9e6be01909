"""Calibration of the hub-height wind against the reported yields of the existing heap turbines.

ONE factor ``f`` multiplies the modelled hub-height wind speed (after profile, speed-up and atlas
scaling). Physical meaning: the weather series' long-term level at hub height is the least
certain link of the chain (a 10 m urban anemometer extrapolated over ~125 m, one year instead of
the long-term climate); a multiplicative factor on the wind speed changes the scale of the wind
speed distribution (Weibull A) and keeps its shape and the hourly pattern, the same adjustment a
long-term correction (measure-correlate-predict with a ratio method) applies. ``f`` is the root
of

    sum_i E_i(f) = sum_i R_i

over the heaps used in the fit (``E_i`` modelled net yield of heap i's existing turbines with the
hub wind times ``f``, ``R_i`` its reported yield [MWh a-1]), found with
``scipy.optimize.brentq`` in [0.5, 2.0] (assumption: a larger correction than x2 means a wrong
input, not a bias to calibrate away).

Heaps whose modelled turbines rest on assumptions are flagged: ``hub assumed`` (no hub height in
the registry), ``type assumed`` (the stand-in type for an unknown model), ``height unknown`` (no
relative heap height) are EXCLUDED from the fit and only predicted with it (unless
``[wind] calibration_fit_assumed``: then fitted too, still flagged); ``type substitute``
(a stated model modelled by a documented substitute curve) stays in the fit, flagged.

The leave-one-out check refits without each fitted heap and predicts it: ``loo_ratio``; excluded
heaps are predicted by the full fit, which does not contain them, so their ``ratio_calibrated`` is
already out of sample. ``loo_error_pct`` is the root mean square of ``loo_ratio - 1`` [%] over
the fitted heaps (NaN with fewer than two).
"""

from __future__ import annotations

import math
from collections.abc import Callable

#: Search interval of the factor [-] (assumption, see the module docstring).
FACTOR_BOUNDS = (0.5, 2.0)
#: Up to this many fitted heaps the leave-one-out factors are solved exactly (one root find per
#: heap, each over all the others: cost ~ n^2). Above it they are solved on per-heap energies
#: tabulated at :data:`LOO_GRID_POINTS` factors (cost ~ n; interpolated linearly in log E over
#: log f, where a power curve below rated power, E ~ f^3, is a straight line: ~1e-5 relative):
#: the leave-one-out error is a diagnostic, the fitted factor itself is always solved exactly.
#: Assumption: 6 keeps registries of a few operating turbines
#: (the Ruhr's: 2-3) exact.
LOO_EXACT_MAX = 6
#: Factors at which per-heap energies are tabulated for the leave-one-out of many heaps.
LOO_GRID_POINTS = 25
#: Flags that exclude a heap from the fit (its model rests on assumed turbine data).
EXCLUDING_FLAGS = ("hub assumed", "type assumed", "height unknown")

EnergyFn = Callable[..., dict]


class HeapEnergies:
    """Base of energy functions that model only the heaps asked for (the stage's fast path).

    ``energy(f, ids)`` returns ``{heap id: MWh a-1}`` for the heaps ``ids`` only. The fit asks for
    the fitted heaps while it searches, for one heap per leave-one-out prediction and for the
    excluded heaps at f = 1 and at the fitted factor only, so each heap is modelled at the factors
    it is needed at, not at every factor of the run. A plain ``f -> dict`` function (all heaps at
    once) is accepted as well.
    """

    def __call__(self, f: float, ids: list[str]) -> dict:  # pragma: no cover - interface
        """{heap id: modelled net yield [MWh a-1]} of the heaps ``ids`` at hub-wind factor f."""
        raise NotImplementedError


def calibration_flags(existing: object, spec_flag: str, height_rel_m: float) -> list[str]:
    """Flags of a heap's existing-turbine model for the fit.

    Parameters
    ----------
    existing : ``registry.ExistingWind`` (windpowerlib_type, hub_height_m, model).
    spec_flag : the note of :func:`haldenenergie.wind.existing.existing_turbine` (mentions
        'substitute' for a substitute curve, 'not in windpowerlib: assumed' for the stand-in).
    height_rel_m : relative height of the heap [m] (NaN = unknown).

    Returns
    -------
    list of str : subset of 'hub assumed', 'type assumed', 'type substitute', 'height unknown'.
    """
    flags = []
    if getattr(existing, "hub_height_m", None) is None:
        flags.append("hub assumed")
    if "substitute" in spec_flag:
        flags.append("type substitute")
    elif "not in windpowerlib: assumed" in spec_flag:
        flags.append("type assumed")
    if not (isinstance(height_rel_m, float | int) and math.isfinite(height_rel_m)):
        flags.append("height unknown")
    return flags


def _solve(energy: EnergyFn, ids: list[str], reported: dict) -> float:
    """Factor f with sum of modelled = sum of reported over ``ids`` (NaN if no root in bounds)."""
    from scipy.optimize import brentq

    target = sum(reported[i] for i in ids)

    def g(f: float) -> float:
        e = energy(f, ids)
        return sum(e[i] for i in ids) - target

    lo, hi = FACTOR_BOUNDS
    g_lo, g_hi = g(lo), g(hi)
    if not (g_lo <= 0 <= g_hi):
        return float("nan")
    return float(brentq(g, lo, hi, xtol=1e-6))


def _cached(energy: EnergyFn) -> Callable[[float, list[str]], dict]:
    """``(f, ids) -> {id: energy}`` with each (factor, heap) modelled once.

    Factors are rounded to 1e-9 before the call (as the root finds' trial factors repeat).
    """
    per_heap = isinstance(energy, HeapEnergies)
    cache: dict[float, dict] = {}

    def fn(f: float, ids: list[str]) -> dict:
        key = round(float(f), 9)
        have = cache.setdefault(key, {})
        missing = [i for i in ids if i not in have]
        if missing:
            have.update(energy(key, missing) if per_heap else energy(key))
        return {i: have[i] for i in ids}

    return fn


def _empty(method: str, note: str) -> dict:
    return {
        "method": method,
        "applied": False,
        "factor": 1.0,
        "rows": [],
        "loo_error_pct": float("nan"),
        "note": note,
    }


def fit_calibration(
    energy: EnergyFn,
    reported: dict,
    flags: dict,
    method: str = "none",
    *,
    include_assumed: bool = False,
) -> dict:
    """Fit the hub-wind factor to reported yields and report the fit.

    Parameters
    ----------
    energy : f [-] -> {heap id: modelled net yield of its existing turbines [MWh a-1]} with the
        hub wind multiplied by f; or a :class:`HeapEnergies` (f, ids) -> the same for ``ids``.
    reported : heap id -> reported yield [MWh a-1] (heaps with existing turbines modelled).
    flags : heap id -> list of flags (:func:`calibration_flags`).
    method : ``[wind] calibration`` ('none' or 'existing-turbines').
    include_assumed : ``[wind] calibration_fit_assumed``: fit the heaps with excluding flags too
        (they stay flagged).

    Returns
    -------
    dict : ``method``, ``applied`` (bool: the factor is applied to the NEW turbines), ``factor``
        [-], ``rows`` (heap_id, reported_mwh_per_a, modelled_mwh_per_a (uncalibrated), ratio,
        ratio_calibrated, loo_ratio, flags, used_in_fit), ``loo_error_pct`` [%], ``note``.
    """
    if not reported:
        return _empty(
            method, "no reported yields of existing turbines in the registry: nothing calibrated"
        )
    energy = _cached(energy)
    ids = sorted(reported)
    assumed = [i for i in ids if set(flags.get(i, [])) & set(EXCLUDING_FLAGS)]
    used = ids if include_assumed else [i for i in ids if i not in assumed]
    note = (
        f"assumed turbine data fitted on request ([wind] calibration_fit_assumed), flagged: "
        f"{', '.join(assumed)}; "
        if include_assumed and assumed
        else ""
    )
    if not used:
        used = ids
        note = "every heap with a reported yield has assumed turbine data: all used, flagged; "
    factor = _solve(energy, used, reported)
    if not math.isfinite(factor):
        out = _empty(method, note + f"no factor in {FACTOR_BOUNDS} matches the reported yields")
        out["rows"] = _rows(energy, ids, used, reported, flags, 1.0, {})
        return out
    loo = _leave_one_out(energy, used, reported)
    rows = _rows(energy, ids, used, reported, flags, factor, loo)
    errs = [(loo[i] - 1.0) ** 2 for i in used if i in loo and math.isfinite(loo[i])]
    loo_err = 100.0 * math.sqrt(sum(errs) / len(errs)) if len(errs) > 1 else float("nan")
    excluded = [i for i in ids if i not in used]
    note += (
        f"hub wind x{factor:.3f} fitted on {', '.join(used)}"
        + (f"; excluded (assumed data, predicted only): {', '.join(excluded)}" if excluded else "")
        + ("; applied to the new turbines" if method == "existing-turbines" else "; not applied")
    )
    return {
        "method": method,
        "applied": method == "existing-turbines",
        "factor": factor,
        "rows": rows,
        "loo_error_pct": loo_err,
        "note": note,
    }


def _leave_one_out(energy: EnergyFn, used: list[str], reported: dict) -> dict:
    """Heap id -> modelled/reported of each heap with the factor fitted on the others."""
    loo: dict[str, float] = {}
    if len(used) < 2:
        return loo
    if len(used) <= LOO_EXACT_MAX:
        for i in used:
            f_i = _solve(energy, [j for j in used if j != i], reported)
            loo[i] = energy(f_i, [i])[i] / reported[i] if math.isfinite(f_i) else float("nan")
        return loo
    import numpy as np

    grid = np.geomspace(*FACTOR_BOUNDS, LOO_GRID_POINTS)
    table = np.array([[energy(float(f), used)[i] for i in used] for f in grid])  # (factors, heaps)
    rep = np.array([reported[i] for i in used])
    total, rep_total = table.sum(axis=1), rep.sum()
    log_f = np.log(grid)
    for k, i in enumerate(used):
        others = total - table[:, k]  # increasing in f (more wind, more energy)
        target = rep_total - rep[k]
        if not (others[0] <= target <= others[-1] and others[0] > 0 and table[0, k] > 0):
            loo[i] = float("nan")
            continue
        f_i = float(np.exp(np.interp(np.log(target), np.log(others), log_f)))
        e_i = float(np.exp(np.interp(np.log(f_i), log_f, np.log(table[:, k]))))
        loo[i] = e_i / rep[k]
    return loo


def _rows(
    energy: EnergyFn,
    ids: list[str],
    used: list[str],
    reported: dict,
    flags: dict,
    factor: float,
    loo: dict,
) -> list[dict]:
    """One row per heap with a reported yield."""
    e1, ef = energy(1.0, ids), energy(factor, ids)
    rows = []
    for i in ids:
        r = reported[i]
        rows.append(
            {
                "heap_id": i,
                "reported_mwh_per_a": r,
                "modelled_mwh_per_a": e1[i],
                "ratio": e1[i] / r,
                "ratio_calibrated": ef[i] / r,
                "loo_ratio": loo.get(i, ef[i] / r if i not in used else float("nan")),
                "flags": list(flags.get(i, [])),
                "used_in_fit": i in used,
            }
        )
    return rows
