"""Benchmark: the project's PV and wind stages against a minimal numpy kernel, in one process.

Run from the project root::

    python benchmarks/bench_kernel.py [--weather FILE] [--repeats 7]

BLAS threads are pinned to one before numpy is imported, as the CLI does. Inputs: the packaged
registry with its parametric terrain and the embedded synthetic weather year (or ``--weather``).

* **PV**: ``simulate_pv`` for all surfaces vs a minimal kernel on the same unique geometries x
  daytime hours: the sun (``pv.inputs.prepare``, the same NREL SPA call the stage makes), then
  whole-array numpy for the cosine of incidence, Perez, horizon and row shading (row shading
  through ``pvlib.shading.shaded_fraction1d``, per-surface view factors from ``pv.layout``),
  physical IAM, Faiman, PVWatts DC, losses and inverter, monthly sums.
* **Wind**: ``simulate_wind`` for all heaps vs a minimal kernel on the same turbine columns x
  hours: hub wind, density and wake factors through the project's per-column physics
  (``profile_speed``, ``air_density``, ``jensen_wake_factors``), then one whole-array
  density-corrected power-curve lookup (every speed against every density-scaled node), losses
  and the sum. A second wind kernel does the lookup with the stage's own ``searchsorted`` lookup
  (``physics.power_curve_lookup``, cheaper than the node comparison): the ratio against it is
  the stage's overhead beyond the arithmetic (calibration, losses split, tables).

Both kernels are checked first against the project's results (1e-12 relative). Then project and
kernel run interleaved ``--repeats`` times; printed: median and min-max of each and the ratio of
the medians (targets, issue 17: PV <= 1.5x, wind <= 1.5x).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as haldenenergie.cli; before numpy is imported

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def stats(times: list[float]) -> str:
    """'median [min-max] s' of a list of wall times [s]."""
    t = np.asarray(times)
    return f"{np.median(t):.3f} s [{t.min():.3f}-{t.max():.3f}]"


def load_inputs(weather_file: str | None):
    """(config, heaps, terrains, surfaces table, weather data, meta)."""
    from haldenenergie import registry, terrain
    from haldenenergie.config import load_config
    from haldenenergie.resources import default_registry_path

    cfg = load_config()
    data, meta = _read_weather(weather_file, cfg)
    heaps = registry.read_registry(default_registry_path())
    terrains = {h.id: terrain.heap_terrain(h, cfg.terrain) for h in heaps}
    surf = terrain.surfaces_table(terrains)
    return cfg, heaps, terrains, surf, data, meta


def _read_weather(weather_file, cfg):
    from haldenenergie import weather

    path = Path(weather_file) if weather_file else weather.default_weather_path()
    return weather.read_weather(path, config=cfg.weather)


# ----------------------------------------------------------------------------------------------
# PV
# ----------------------------------------------------------------------------------------------
def pv_geometries(surf, cfg):
    """The unique kernel geometries of the stage (as ``simulate_pv`` forms them)."""
    from haldenenergie.pv import simulate
    from haldenenergie.pv.layout import horizon_matrix, plan_layout
    from haldenenergie.pv.model import Geometry

    s = simulate._sorted_surfaces(surf)
    plan = plan_layout(s, cfg)
    active = (plan["layout"] != "none").to_numpy()
    rack = (plan["layout"] == "rack").to_numpy()
    key = np.column_stack(
        [
            plan["module_tilt_deg"],
            plan["module_azimuth_deg"],
            rack.astype(float),
            plan["cross_axis_slope_deg"],
            np.where(rack, plan["gcr_horizontal"], 1.0),
            horizon_matrix(s),
        ]
    )
    u = np.unique(np.round(key[active], 9), axis=0)
    return Geometry(u[:, 0], u[:, 1], u[:, 2] > 0.5, u[:, 3], u[:, 4], u[:, 5:])


def _perez(wx, sun, tilt, cos_aoi, model):
    """(T, S) Perez isotropic + horizon band and circumsolar sky diffuse [W m-2]."""
    from pvlib.irradiance import _get_perez_coefficients

    dhi, z = wx["dhi"], np.radians(sun["zenith"])
    with np.errstate(invalid="ignore", divide="ignore"):
        eps = ((dhi + wx["dni"]) / dhi + 1.041 * z**3) / (1 + 1.041 * z**3)
    ok = np.isfinite(eps)
    delta = dhi * sun["airmass"] / sun["dni_extra"]
    b = np.clip(
        np.digitize(np.where(ok, eps, 1), [0, 1.065, 1.23, 1.5, 1.95, 2.8, 4.5, 6.2]) - 1, 0, 7
    )
    f1c, f2c = _get_perez_coefficients(model)
    f1 = np.maximum(f1c[b, 0] + f1c[b, 1] * delta + f1c[b, 2] * z, 0)
    f2 = f2c[b, 0] + f2c[b, 1] * delta + f2c[b, 2] * z
    d = np.where(ok, dhi, 0.0)
    t = np.radians(tilt)
    iso = (d * 0.5 * (1 - f1))[:, None] * (1 + np.cos(t))
    circ = (d * f1 / np.maximum(np.cos(z), np.cos(np.radians(85))))[:, None] * np.maximum(
        cos_aoi, 0
    )
    hor = (d * f2)[:, None] * np.sin(t)
    dark = ~(iso + circ + hor > 0)
    return np.where(dark, 0, iso + hor), np.where(dark, 0, circ)


def _pv_shading(geo, sun, cfg):
    """(T, S) beam factor and (S,) sky factor: horizon and rows."""
    import pvlib

    from haldenenergie.pv.layout import horizon_sky_view_factor, row_sky_view_factor

    k = np.mod(sun["azimuth"], 360.0) / 10.0
    k0 = np.floor(k).astype(int) % 36
    w = k - np.floor(k)
    hz = geo.horizon[:, k0].T * (1 - w)[:, None] + geo.horizon[:, (k0 + 1) % 36].T * w[:, None]
    beam_f = (sun["elevation"][:, None] > hz).astype(float)
    sky_f = horizon_sky_view_factor(geo.tilt, geo.azimuth, geo.horizon)
    r = np.flatnonzero(geo.rack)
    zen, azi = sun["zenith"][:, None], sun["azimuth"][:, None]
    fs = pvlib.shading.shaded_fraction1d(
        zen,
        azi,
        90.0,
        geo.tilt[None, r],
        collector_width=cfg.collector_width_m,
        pitch=cfg.collector_width_m / geo.gcr_h[None, r],
        cross_axis_slope=geo.cross_slope[None, r],
    )
    psz = pvlib.shading.projected_solar_zenith_angle(zen, azi, 0.0, 90.0)
    beam_f[:, r] *= 1.0 - np.where(psz > 0, fs, 0.0)
    sky_f[r] *= row_sky_view_factor(geo.tilt[r], geo.cross_slope[r], geo.gcr_h[r])
    return beam_f, sky_f


def pv_minimal(geo, data, meta, cfg, block: int = 8) -> np.ndarray:
    """(12, S) monthly AC energy per kWp [kWh kWp-1] of the geometries, numpy on blocks.

    Blocks of ``block`` surfaces keep the (hours x surfaces) arrays in the CPU cache (a whole
    array of 389 geometries x 4,463 h is 14 MB and runs slower).
    """
    from haldenenergie.pv.inputs import month_matrix, prepare

    wx, sun, mid, day = prepare(data, meta)
    mm = month_matrix(mid, day)
    n = len(geo.tilt)
    out = np.empty((12, n))
    for i in range(0, n, block):
        sl = slice(i, min(n, i + block))
        out[:, sl] = mm @ _pv_block(geo[sl], wx, sun, cfg)
    return out


def _pv_block(geo, wx, sun, cfg) -> np.ndarray:
    """(T, S) AC energy per kWp and step [kWh kWp-1] of a block of geometries."""
    z, a = np.radians(sun["zenith"]), np.radians(sun["azimuth"])
    t, g = np.radians(geo.tilt), np.radians(geo.azimuth)
    s = np.column_stack([np.cos(z), np.sin(z) * np.cos(a), np.sin(z) * np.sin(a)])
    c = np.clip(s @ np.vstack([np.cos(t), np.sin(t) * np.cos(g), np.sin(t) * np.sin(g)]), -1, 1)
    sky, circ = _perez(wx, sun, geo.tilt, c, cfg.perez_model_set)
    beam_f, sky_f = _pv_shading(geo, sun, cfg)
    direct = wx["dni"][:, None] * np.maximum(c, 0) * beam_f
    diffuse = (
        sky * sky_f + circ * beam_f + wx["ghi"][:, None] * (cfg.albedo * (1 - np.cos(t)) * 0.5)
    )
    # physical IAM (De Soto 2006, pvlib defaults n 1.526, K 4 m-1, L 2 mm) from the cosine
    n, kl = 1.526, 4.0 * 0.002
    c1 = np.maximum(c, 0)
    c2 = np.sqrt(1 - (1 - c1**2) / n**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ts = 1 - ((c1 - n * c2) / (c1 + n * c2)) ** 2
        tp = 1 - ((c2 - n * c1) / (c2 + n * c1)) ** 2
        e = np.exp(-kl / c2)
    iam = (ts * e + tp * e) / 2 / ((1 - ((1 - n) / (1 + n)) ** 2) * np.exp(-kl))
    tp_ = cfg.temperature_parameters()
    poa = direct + diffuse
    tcell = wx["temp_air"][:, None] + poa / (tp_["u0"] + tp_["u1"] * wx["wind_speed"][:, None])
    pdc = (direct * iam + diffuse) * 0.001 * (1 + cfg.gamma_pdc * (tcell - 25.0))
    pdc = pdc * (1 - cfg.total_loss_fraction)
    eta_n = cfg.inverter_eta_nom
    pdc0 = 1.0 / cfg.dc_ac_ratio / eta_n
    zeta = pdc / pdc0
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = eta_n / 0.9637 * (-0.0162 * zeta - np.where(pdc != 0, 0.0059 / zeta, 0) + 0.9858)
    ac = np.maximum(0, np.minimum(eta_n * pdc0, eta * pdc))
    return ac * sun["step_h"]


# ----------------------------------------------------------------------------------------------
# wind
# ----------------------------------------------------------------------------------------------
def wind_columns(heaps, terrains, data, meta, wcfg):
    """Inputs of the minimal wind kernel: the stage's turbine columns and weather arrays."""
    from haldenenergie.wind import columns as wc
    from haldenenergie.wind import simulate as ws
    from haldenenergie.wind.atlas import atlas_factors
    from haldenenergie.wind.resource import wind_directions, wind_inputs
    from haldenenergie.wind.turbines import new_turbine

    wx = wind_inputs(data, meta)
    spec = new_turbine(wcfg)
    atlas, _, _ = atlas_factors(wx, wcfg, heaps)
    dirs, _ = wind_directions(wx)
    cols = wc.Columns(wcfg)
    for h in heaps:
        ws._add_heap(h, terrains.get(str(h.id)), wcfg, spec, cols)
    return wx, dirs, cols, atlas


def wind_minimal(wx, dirs, cols, atlas, wcfg, lookup: str = "nodes") -> dict:
    """Gross energy over the series [kWh] of each (heap, kind) column block, whole-array.

    ``lookup``: "nodes" compares every speed with every density-scaled node (T, M, n);
    "searchsorted" uses the stage's own curve lookup (``physics.power_curve_lookup``), so the
    ratio against it is the stage's overhead beyond the arithmetic.
    """
    from haldenenergie.wind.physics import (
        air_density,
        curve_nodes,
        power_curve_lookup,
        thrust_coefficient,
    )
    from haldenenergie.wind.resource import profile_speed
    from haldenenergie.wind.wakes import jensen_wake_factors

    out = {}
    for g in cols.groups.values():
        v, _ = profile_speed(wx, np.array(g.z_profile), wcfg)
        ds = np.array(g.speedup)
        if np.any(ds > 0):
            v = np.maximum(v, profile_speed(wx, np.array(g.z_local), wcfg)[0] * (1 + ds))
        v = v * np.array([atlas[h] for h in g.heap_of])
        for _hid, pos, sl in g.wake:
            if len(pos) > 1:
                ct = thrust_coefficient(
                    v[:, sl.start], g.spec.rated_wind_speed_m_s, wcfg.thrust_coefficient
                )
                v[:, sl] *= jensen_wake_factors(
                    pos, g.spec.rotor_diameter_m, dirs, ct, wcfg.wake_decay_constant
                )
        ln_c = np.log(1.225 / air_density(wx, np.array(g.z_density)))
        cw, cp = np.asarray(g.spec.curve_wind_speed_m_s), np.asarray(g.spec.curve_power_kw)
        if lookup == "searchsorted":
            p = power_curve_lookup(v, ln_c, curve_nodes(cw, cp))
        else:
            e = np.interp(cw, [7.5, 12.5], [1 / 3, 2 / 3])
            nodes = cw[None, None, :] * np.exp(e[None, None, :] * ln_c[:, :, None])  # (T, M, n)
            k = np.clip((nodes <= v[:, :, None]).sum(axis=2), 1, len(cw) - 1)
            a = np.take_along_axis(nodes, (k - 1)[:, :, None], 2)[:, :, 0]
            b = np.take_along_axis(nodes, k[:, :, None], 2)[:, :, 0]
            p = cp[k - 1] + (cp[k] - cp[k - 1]) * (v - a) / (b - a)
            p = np.where((v >= a) & (v <= b), p, 0.0)
        p = p * wcfg.availability * (1 - wcfg.electrical_loss)
        for (hid, kind), (gk, sl) in cols.where.items():
            if cols.groups[gk] is g:
                out[(hid, kind)] = float(p[:, sl].sum())
    return out


def wind_project_blocks(wx, dirs, cols, atlas, wcfg) -> dict:
    """The same figure from the stage's own column power (for the 1e-12 check)."""
    from haldenenergie.wind import columns as wc

    scale = {(h, k): atlas[h] for (h, k) in cols.where}
    power = wc.columns_power(cols, wx, wcfg, scale, dirs)
    return {key: float(p[0].sum()) for key, p in power.items()}


# ----------------------------------------------------------------------------------------------
def interleaved(fns: dict, repeats: int) -> dict:
    """Wall times [s] of each function, run in turn ``repeats`` times."""
    times = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return times


def _check(name: str, a: np.ndarray, b: np.ndarray) -> float:
    rel = float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300), initial=0.0))
    print(f"{name}: kernel vs project max relative difference {rel:.1e} (limit 1e-12)")
    return rel


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--weather", default=None, help="weather file (default: embedded synthetic year)"
    )
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)
    from haldenenergie.pv.model import run as pv_run
    from haldenenergie.pv.simulate import simulate_pv
    from haldenenergie.wind import simulate_wind

    cfg, heaps, terrains, surf, data, meta = load_inputs(args.weather)
    geo = pv_geometries(surf, cfg.pv)
    wx, dirs, cols, atlas = wind_columns(heaps, terrains, data, meta, cfg.wind)
    n_turb = sum(len(g.heap_of) for g in cols.groups.values())
    print(
        f"load {Path('/proc/loadavg').read_text().split()[:3]}, {os.cpu_count()} CPUs; BLAS "
        f"threads {os.environ['OPENBLAS_NUM_THREADS']}; weather {len(data)} steps"
    )
    print(f"PV: {len(geo.tilt)} geometries; wind: {n_turb} turbine columns of {len(heaps)} heaps")
    bad = _check(
        "PV monthly",
        pv_minimal(geo, data, meta, cfg.pv),
        pv_run(geo, data, meta, cfg.pv)["monthly"],
    )
    k, p = (
        wind_minimal(wx, dirs, cols, atlas, cfg.wind),
        wind_project_blocks(wx, dirs, cols, atlas, cfg.wind),
    )
    keys = sorted(p)
    bad = max(
        bad, _check("wind energy", np.array([k[x] for x in keys]), np.array([p[x] for x in keys]))
    )
    k2 = wind_minimal(wx, dirs, cols, atlas, cfg.wind, "searchsorted")
    bad = max(
        bad,
        _check("wind energy (searchsorted kernel)", np.array([k2[x] for x in keys]),
               np.array([p[x] for x in keys])),
    )  # fmt: skip
    fns = {
        "pv_stage": lambda: simulate_pv(surf, data, meta, cfg.pv),
        "pv_kernel": lambda: pv_minimal(geo, data, meta, cfg.pv),
        "wind_stage": lambda: simulate_wind(heaps, terrains, data, meta, cfg.wind),
        "wind_kernel": lambda: wind_minimal(wx, dirs, cols, atlas, cfg.wind),
        "wind_kernel_ss": lambda: wind_minimal(wx, dirs, cols, atlas, cfg.wind, "searchsorted"),
    }
    interleaved(fns, 1)  # warm-up
    t = interleaved(fns, args.repeats)
    for stage, kern in (("pv", "pv_kernel"), ("wind", "wind_kernel"), ("wind", "wind_kernel_ss")):
        ratio = np.median(t[f"{stage}_stage"]) / np.median(t[kern])
        label = " (stage's searchsorted lookup: overhead)" if kern.endswith("_ss") else ""
        print(
            f"{stage:4s} stage {stats(t[f'{stage}_stage'])}  kernel {stats(t[kern])}  "
            f"ratio {ratio:.2f}x (target <= 1.5x){label}"
        )
    print(f"load after {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0 if bad <= 1e-12 else 1


if __name__ == "__main__":
    sys.exit(main())
