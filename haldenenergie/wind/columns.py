"""Turbine columns of a wind run, grouped by turbine type, and their power.

A run's turbines (new and existing, every heap) are columns of (time x turbine) arrays; columns of
one type share one power-curve pass. :class:`Columns` collects them, :func:`columns_power` gives
their power in blocks of heaps: hub wind (lifted profile or Taylor & Lee speed-up, see
:mod:`haldenenergie.wind.simulate`), air density, wakes and the density-corrected power curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .config import WindConfig
from .physics import (
    air_density,
    hill_speedup,
    power_curve_density_corrected,
    thrust_coefficient,
)
from .resource import WindInputs, larger_estimate, profile_speed
from .turbines import TurbineSpec
from .wakes import jensen_wake_geometry, wake_factors_from_geometry


# --------------------------------------------------------------------------------------------------
# turbine columns, grouped by type
# --------------------------------------------------------------------------------------------------
@dataclass
class Group:
    """Turbines of one type: one column per turbine."""

    spec: TurbineSpec
    heap_of: list = field(default_factory=list)  # heap id per turbine column
    z_profile: list = field(default_factory=list)  # profile height [m] (hub + H or hub)
    z_local: list = field(default_factory=list)  # hub height above the local ground [m]
    z_density: list = field(default_factory=list)  # height for density [m]
    speedup: list = field(default_factory=list)  # dS per column
    wake: list = field(default_factory=list)  # (heap_id, positions, column slice)
    kind: list = field(default_factory=list)  # 'new' / 'old' per turbine column


def speedup_of(cfg: WindConfig, height_rel_m: float, half_height_m: float, hub_m: float) -> float:
    """Taylor & Lee's dS [-] at hub height on a heap (0 when switched off)."""
    if not cfg.speedup:
        return 0.0
    return float(
        hill_speedup(
            height_rel_m,
            half_height_m,
            hub_m,
            b=cfg.speedup_b,
            a=cfg.speedup_a,
            max_speedup=cfg.speedup_max,
        )
    )


class Columns:
    """All turbine columns of a run, grouped by turbine type (one power-curve pass per group)."""

    def __init__(self, cfg: WindConfig):
        self.cfg = cfg
        self.groups: dict[str, Group] = {}
        self.calls: list[tuple] = []  # the add() arguments, to rebuild a subset of heaps
        # (heap, 'new'/'old') -> (group key, columns)
        self.where: dict[tuple[str, str], tuple[str, slice]] = {}

    def add(
        self, kind: str, hid: str, spec: TurbineSpec, pos: np.ndarray, H: float, L: float
    ) -> tuple[float, float]:
        """Add a heap's turbines of one type; return (dS [-], profile height [m])."""
        cfg = self.cfg
        self.calls.append((kind, hid, spec, pos, H, L))
        key = f"{spec.name}|{spec.hub_height_m:g}|{spec.source}"
        g = self.groups.setdefault(key, Group(spec))
        n = len(pos)
        start = len(g.heap_of)
        hh = spec.hub_height_m
        Hc = H if np.isfinite(H) and H > 0 else 0.0
        z_prof = hh + Hc if cfg.height_reference == "surroundings" else hh
        ds = speedup_of(cfg, Hc, L, hh)
        g.heap_of += [hid] * n
        g.kind += [kind] * n
        g.z_profile += [z_prof] * n
        g.z_local += [hh] * n
        g.z_density += [hh + Hc] * n
        g.speedup += [ds] * n
        sl = slice(start, start + n)
        g.wake.append((hid, pos, sl))
        self.where[(hid, kind)] = (key, sl)
        return ds, z_prof

    def chunks(self, max_columns: int) -> list[tuple[list[str], Columns]]:
        """The heaps in blocks of at most ``max_columns`` turbine columns (at least one heap).

        Returns
        -------
        list of (heap ids, the columns of those heaps alone).
        """
        out, cur, n = [], None, 0
        for call in self.calls:
            hid = call[1]
            if cur is None or (hid not in cur[0] and n + len(call[3]) > max_columns and n):
                cur, n = ([], Columns(self.cfg)), 0
                out.append(cur)
            if hid not in cur[0]:
                cur[0].append(hid)
            cur[1].add(*call)
            n += len(call[3])
        return out


# --------------------------------------------------------------------------------------------------
# power of a group
# --------------------------------------------------------------------------------------------------
def hub_speed(g: Group, wx: WindInputs, cfg: WindConfig, scale: np.ndarray) -> np.ndarray:
    """Free-stream hub wind (T, M) [m s-1]: lifted profile or Taylor & Lee, times ``scale`` (M,)."""
    v, _ = profile_speed(wx, np.array(g.z_profile), cfg)
    ds = np.array(g.speedup)
    if np.any(ds > 0):
        # Taylor & Lee: upstream profile at the height above the LOCAL ground times (1 + dS).
        # With height_reference="surroundings" the lifted profile (hub + H) is the other estimate
        # of the same hill effect; the larger one is used, never their product (double count);
        # with a stability correction the one with the larger mean (see larger_estimate).
        v_tl, _ = profile_speed(wx, np.array(g.z_local), cfg)
        v = larger_estimate(v, v_tl * (1.0 + ds)[None, :], cfg)
    return v * np.asarray(scale, float)[None, :]


def waked_speed(
    g: Group, v: np.ndarray, cfg: WindConfig, dirs: np.ndarray, geometry: dict | None = None
) -> tuple[np.ndarray, list]:
    """Hub wind inside the wakes (T, M) [m s-1] and the heaps' column blocks that have wakes.

    ``geometry`` : (heap id, kind) -> :func:`~haldenenergie.wind.wakes.jensen_wake_geometry` of
    that block where already computed (the calibration's existing turbines); filled as computed.
    """
    wake_cols = [w for w in g.wake if len(w[1]) > 1] if cfg.wake_model != "none" else []
    if not wake_cols:
        return v, wake_cols
    geometry = {} if geometry is None else geometry
    veff = v.copy()
    for hid, pos, sl in wake_cols:
        if cfg.wake_model == "jensen":
            ct = thrust_coefficient(
                v[:, sl.start], g.spec.rated_wind_speed_m_s, cfg.thrust_coefficient
            )
            key = (hid, g.kind[sl.start])
            if key not in geometry:
                geometry[key] = jensen_wake_geometry(
                    pos, g.spec.rotor_diameter_m, dirs, cfg.wake_decay_constant
                )
            veff[:, sl] = v[:, sl] * wake_factors_from_geometry(geometry.pop(key), ct)
        else:
            from windpowerlib.wake_losses import reduce_wind_speed

            veff[:, sl] = reduce_wind_speed(v[:, sl], wind_efficiency_curve_name=cfg.wake_model)
    return veff, wake_cols


def group_power(
    g: Group,
    wx: WindInputs,
    cfg: WindConfig,
    scale: np.ndarray,
    dirs: np.ndarray,
    geometry: dict | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net power [kW] (T, M), free-stream hub speed (T, M), gross power without wakes (T, M).

    ``scale`` (M,) multiplies the hub wind of each column (atlas and calibration factors) [-].
    ``geometry``: wake geometries already computed (:func:`waked_speed`).
    """
    v = hub_speed(g, wx, cfg, scale)
    rho = air_density(wx, np.array(g.z_density)) if cfg.density_correction else None
    cw, cp = g.spec.curve_wind_speed_m_s, g.spec.curve_power_kw
    veff, wake_cols = waked_speed(g, v, cfg, dirs, geometry)
    p = power_curve_density_corrected(veff, rho, cw, cp)
    # power without wakes, only where wakes act (for the wake loss figure): the turbines of one
    # heap share one free-stream wind and density, so one column is computed and repeated
    p_free = p.copy()
    for _hid, _pos, sl in wake_cols:
        one = slice(sl.start, sl.start + 1)
        p_free[:, sl] = power_curve_density_corrected(
            v[:, one], None if rho is None else rho[:, one], cw, cp
        )
    net = p * cfg.availability * (1.0 - cfg.electrical_loss)
    return net, v, p_free


def columns_power(
    cols: Columns,
    wx: WindInputs,
    cfg: WindConfig,
    scale: dict,
    dirs: np.ndarray,
    geometry: dict | None = None,
) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(net power, free-stream speed, power without wakes) per (heap, 'new'/'old').

    ``scale`` : (heap id, kind) -> hub-wind factor [-] (1 where missing); ``geometry``: wake
    geometries already computed (:func:`waked_speed`).
    """
    results = {}
    for key, g in cols.groups.items():
        sc = np.array([scale.get(hk, 1.0) for hk in zip(g.heap_of, g.kind, strict=True)])
        net, vfree, pfree = group_power(g, wx, cfg, sc, dirs, geometry)
        for (hid, kind), (gk, sl) in cols.where.items():
            if gk == key:
                results[(hid, kind)] = (net[:, sl], vfree[:, sl], pfree[:, sl])
    return results
