"""The calibration's energies: the existing turbines' yield as a function of the hub-wind factor.

:func:`calibration_fit` fits :mod:`haldenenergie.wind.calibration`'s factor on the heaps with
reported yields; :class:`ExistingEnergies` models each heap once and evaluates only what depends on
the factor (see its docstring), :func:`piecewise_yield` tabulates the yield of a heap without wakes,
which is exactly piecewise linear in the factor.
"""

from __future__ import annotations

import numpy as np

from ._values import num
from .calibration import (
    FACTOR_BOUNDS,
    LOO_EXACT_MAX,
    HeapEnergies,
    calibration_flags,
    fit_calibration,
)
from .columns import Columns, Group, hub_speed
from .config import WindConfig
from .layout import existing_layout
from .physics import (
    air_density,
    curve_nodes,
    density_log_ratio,
    node_speed_table,
    power_curve_lookup,
    thrust_coefficient,
)
from .resource import WindInputs
from .results import Totals
from .wakes import jensen_wake_geometry, wake_factors_from_geometry


def calibration_fit(
    heaps: list,
    setups: dict,
    wx: WindInputs,
    cfg: WindConfig,
    atlas: dict,
    dirs,
    tot: Totals,
    geometry: dict | None = None,
) -> dict:
    """The hub-wind calibration against reported yields (:mod:`.calibration`), always computed.

    ``geometry`` receives the wake geometries of the existing turbines it models, keyed
    (heap id, 'old'), for the run's own pass (:func:`waked_speed`).
    """
    reported, flags, cal = {}, {}, Columns(cfg)
    for h in heaps:
        hid, r = str(h.id), setups[str(h.id)]
        ew = getattr(h, "existing_wind", None)
        rep = getattr(ew, "reported_mwh_per_a", None)
        if rep is None or r["spec_old"] is None:
            continue
        reported[hid] = float(rep)
        flags[hid] = calibration_flags(ew, r["old_flag"], num(getattr(h, "height_rel_m", None)))
        pos = existing_layout(r["n_exist"], r["spec_old"].rotor_diameter_m, cfg)
        cal.add("old", hid, r["spec_old"], pos, r["H"], r["L"])
    # the table pays off when many heaps are fitted (leave-one-out on a grid of factors); for a
    # few heaps a handful of direct evaluations is cheaper than tabulating every hour's nodes
    energy = ExistingEnergies(
        cal, wx, cfg, atlas, dirs, tot, tabulate=len(reported) > LOO_EXACT_MAX
    )
    if geometry is not None:
        geometry.update(
            {(i, "old"): h["wake"] for i, h in energy.heaps.items() if h["wake"] is not None}
        )
    return fit_calibration(
        energy, reported, flags, cfg.calibration, include_assumed=cfg.calibration_fit_assumed
    )


class ExistingEnergies(HeapEnergies):
    """Net yield [MWh a-1] of a heap's existing turbines with the hub wind times a factor f.

    The same chain as :func:`group_power` (hub wind x atlas x f, Jensen / dena wakes with Ct at
    the free-stream speed, density-corrected curve, availability and electrical losses), with
    everything that does not depend on f computed once per heap: the free-stream hub wind before
    scaling (one column: every turbine of a heap has the same hub wind), ``ln(1.225 / rho)`` and
    the wake geometry (:func:`~haldenenergie.wind.wakes.jensen_wake_geometry`).

    Without wakes between its turbines a heap's yield is piecewise linear in f (each hour's power
    is linear in the wind speed between two density-scaled curve nodes, and the speed is f times
    a fixed speed): its breakpoints in the factor bounds are tabulated once
    (:func:`piecewise_yield`, when ``tabulate``: more heaps than the calibration's exact
    leave-one-out handles) and a trial factor costs one binary search. Heaps with wakes
    (Ct, and so the wake, depends on f) cost one Ct, one wake product and one curve lookup per
    trial factor (:meth:`direct`).
    """

    def __init__(
        self,
        cols: Columns,
        wx: WindInputs,
        cfg: WindConfig,
        atlas: dict,
        dirs,
        tot: Totals,
        tabulate: bool = True,
    ):
        self.cfg, self.atlas, self.tot = cfg, atlas, tot
        self.heaps: dict[str, dict] = {}
        for g in cols.groups.values():
            first = [sl.start for _hid, _pos, sl in g.wake]
            sub = Group(g.spec, z_profile=[g.z_profile[k] for k in first])
            sub.z_local = [g.z_local[k] for k in first]
            sub.speedup = [g.speedup[k] for k in first]
            v = hub_speed(sub, wx, cfg, np.ones(len(first)))
            ln_c = None
            if cfg.density_correction:
                ln_c = density_log_ratio(air_density(wx, np.array([g.z_density[k] for k in first])))
            nodes = curve_nodes(g.spec.curve_wind_speed_m_s, g.spec.curve_power_kw)
            for c, (hid, pos, _sl) in enumerate(g.wake):
                n = len(pos)
                wake = None
                if cfg.wake_model == "jensen" and n > 1:
                    wake = jensen_wake_geometry(
                        pos, g.spec.rotor_diameter_m, dirs, cfg.wake_decay_constant
                    )
                h = {
                    "v": v[:, c],
                    "ln_c": np.zeros(len(v)) if ln_c is None else ln_c[:, c],
                    "n": n,
                    "wake": wake,
                    "spec": g.spec,
                    "nodes": nodes,
                    "table": None,
                }
                if tabulate and (n == 1 or cfg.wake_model == "none"):
                    h["table"] = piecewise_yield(h["v"] * atlas[hid], h["ln_c"], nodes)
                self.heaps[hid] = h

    def _to_mwh_per_a(self, power_sum_kw: float, n: int) -> float:
        """Sum of one turbine's curve power over the series [kW] -> net yield of n [MWh a-1]."""
        cfg, tot = self.cfg, self.tot
        return (
            power_sum_kw
            * cfg.availability
            * (1.0 - cfg.electrical_loss)
            * n
            * tot.to_mwh
            * tot.annual
        )

    def __call__(self, f: float, ids: list[str]) -> dict:
        """{heap id: net yield of its existing turbines [MWh a-1]} at factor ``f`` for ``ids``."""
        out = {}
        for hid in ids:
            h = self.heaps[hid]
            tab = h["table"]
            lo, hi = FACTOR_BOUNDS
            if tab is not None and lo <= f <= hi:
                k = int(np.searchsorted(tab[0], f, side="right"))
                out[hid] = self._to_mwh_per_a(tab[1][k] + tab[2][k] * f, h["n"])
            else:
                out[hid] = self.direct(hid, f)
        return out

    def direct(self, hid: str, f: float) -> float:
        """Net yield [MWh a-1] of heap ``hid``'s existing turbines at factor ``f``, hour by hour."""
        cfg, h = self.cfg, self.heaps[hid]
        n, spec = h["n"], h["spec"]
        v = h["v"] * (self.atlas[hid] * f)  # as hub_speed's ``v * scale``
        if h["wake"] is not None:
            ct = thrust_coefficient(v, spec.rated_wind_speed_m_s, cfg.thrust_coefficient)
            veff = v[:, None] * wake_factors_from_geometry(h["wake"], ct)
        elif cfg.wake_model not in ("none", "jensen") and n > 1:
            from windpowerlib.wake_losses import reduce_wind_speed

            veff = reduce_wind_speed(
                np.repeat(v[:, None], n, axis=1), wind_efficiency_curve_name=cfg.wake_model
            )
        else:  # no wakes: the n turbines are identical; node speeds once per heap
            if h.get("speeds") is None:
                h["speeds"] = node_speed_table(h["ln_c"], h["nodes"])
            p = power_curve_lookup(v, h["ln_c"], h["nodes"], node_speeds=h["speeds"])
            return self._to_mwh_per_a(float(p.sum()), n)
        p = power_curve_lookup(veff, h["ln_c"][:, None], h["nodes"])
        return self._to_mwh_per_a(float(p.sum()), n // veff.shape[1])


def piecewise_yield(
    speed_m_s: np.ndarray, ln_c: np.ndarray, nodes: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``sum_t P_t(f * speed_t)`` over f in :data:`~.calibration.FACTOR_BOUNDS` as a table.

    Hour t's density-scaled curve has nodes ``a_tk = cw_k exp(p_k ln_c_t)`` (the nodes of
    :func:`~haldenenergie.wind.physics.power_curve_lookup`); with ``m`` nodes at or below the
    speed ``u = f speed_t`` the power is ``cp_(m-1) + s (u - a_t(m-1))`` (``s`` the segment's
    slope), i.e. ``alpha + beta f``, and zero below the first and beyond the last node. The
    segment changes at ``f = a_tk / speed_t``.

    Returns
    -------
    (breaks, A, B) : the factors where some hour changes segment (sorted, inside the bounds) and
        the coefficients of ``sum_t P_t = A[k] + B[k] f`` for ``breaks[k-1] <= f < breaks[k]``
        (``k = searchsorted(breaks, f, 'right')``) [kW].
    """
    lo, hi = FACTOR_BOUNDS
    cw, cp, expo = nodes
    n = len(cw)
    x = np.asarray(speed_m_s, float)
    lc = np.asarray(ln_c, float)
    # node speeds (T, n), as power_curve_lookup computes them; one exp per distinct exponent
    p_u, p_idx = np.unique(expo, return_inverse=True)
    a = np.exp(p_u[None, :] * lc[:, None])[:, p_idx] * cw[None, :]
    slope = (cp[1:] - cp[:-1])[None, :] / (a[:, 1:] - a[:, :-1])  # segments m-1 .. m
    # column m: power alpha + beta f with m nodes at or below the speed (0 below the first node
    # and beyond the last); meeting node k changes column k to k + 1
    alpha = np.zeros((len(x), n + 1))
    beta = np.zeros((len(x), n + 1))
    alpha[:, 1:n] = cp[None, :-1] - slope * a[:, :-1]
    beta[:, 1:n] = slope * x[:, None]
    d_alpha, d_beta = np.diff(alpha, axis=1), np.diff(beta, axis=1)  # (T, n)
    # factor at which hour t meets node k [-] (no wind: no node is ever met)
    f_node = np.divide(a, x[:, None], out=np.full(a.shape, np.inf), where=x[:, None] > 0)
    below = f_node <= lo  # the state at the lower bound: the changes of the nodes met below it
    inside = ~below & (f_node <= hi)
    a0, b0 = float(d_alpha[below].sum()), float(d_beta[below].sum())
    breaks = f_node[inside]
    order = np.argsort(breaks)
    A = np.concatenate([[a0], a0 + np.cumsum(d_alpha[inside][order])])
    B = np.concatenate([[b0], b0 + np.cumsum(d_beta[inside][order])])
    return breaks[order], A, B
