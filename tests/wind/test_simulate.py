"""The wind stage's run: windpowerlib reference, analytic cases, invariants, options."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import wind
from haldenenergie.wind import WindConfig


def _const_weather(ws, height=135.0, temp_k=288.15, p_pa=101325.0):
    n = len(ws)
    idx = pd.date_range("2021-01-01", periods=n, freq="h", tz="UTC")
    cols = pd.MultiIndex.from_tuples(
        [("wind_speed", height), ("temperature", 2.0), ("pressure", 0.0)],
        names=["variable_name", "height"],
    )
    return pd.DataFrame(
        np.column_stack([np.asarray(ws, float), np.full(n, temp_k), np.full(n, p_pa)]),
        index=idx,
        columns=cols,
    )


@pytest.mark.parametrize("H", [0.0, 60.0])
def test_one_turbine_matches_windpowerlib_modelchain_multiheight(
    berlin, H, meta, modelchain_mwh, plain
):
    # Berlin file: 10 m and 80 m winds and the station's roughness length; the ModelChain uses the
    # height closest to the hub (80 m) and the frame's roughness, like roughness_source="weather".
    cfg = WindConfig(roughness_source="weather", **plain)
    ours = wind.turbine_energy(berlin, meta(), cfg, height_rel_m=H).sum()
    ref = modelchain_mwh(berlin, cfg.turbine_type, cfg.hub_height_m + H)
    assert ref > 1000
    assert_allclose(ours, ref, rtol=0.005)  # acceptance: within 0.5 % (it agrees to ~1e-12)


def test_one_turbine_matches_modelchain_on_try_essen(essen, modelchain_mwh, plain):
    from haldenenergie import weather

    data, meta = essen
    cfg = WindConfig(turbine_type="E-126/4200", **plain)  # regional z0 = 0.3 m
    ours = wind.turbine_energy(data, meta, cfg, height_rel_m=50.0).sum()
    frame = weather.to_windpowerlib(data, meta, roughness_length_m=cfg.roughness_length_m)
    ref = modelchain_mwh(frame, "E-126/4200", cfg.hub_height_m + 50.0)
    assert_allclose(ours, ref, rtol=0.005)


def test_no_power_below_cut_in_or_above_cut_out(meta, plain):
    cfg = WindConfig(**plain)
    spec = wind.new_turbine(cfg)
    cut_in = min(
        v for v, p in zip(spec.curve_wind_speed_m_s, spec.curve_power_kw, strict=True) if p > 0
    )
    ws = np.r_[np.full(24, 0.5 * cut_in), np.full(24, 32.0), np.full(24, 10.0)]
    e = wind.turbine_energy(_const_weather(ws), meta(), cfg).to_numpy()
    assert np.all(e[:48] == 0.0)  # below cut-in and above cut-out: exactly 0
    assert np.all(e[48:] > 0.0)
    assert np.all(e <= spec.nominal_power_kw / 1e3 + 1e-12)  # never above rated [MWh per hour]


def test_speedup_and_losses_enter_energy_as_stated(meta, plain):
    # Constant wind below rated: power ~ curve at (1+dS) v; availability and losses multiply.
    ws = np.full(24, 6.0)
    base = wind.turbine_energy(_const_weather(ws), meta(), WindConfig(**plain)).sum()
    lossy = wind.turbine_energy(
        _const_weather(ws),
        meta(),
        WindConfig(**{**plain, "availability": 0.97, "electrical_loss": 0.02}),
    ).sum()
    assert_allclose(lossy, base * 0.97 * 0.98, rtol=1e-12)
    cfg = WindConfig(**{**plain, "speedup": True, "height_reference": "local"})
    up = wind.turbine_energy(
        _const_weather(ws), meta(), cfg, height_rel_m=80.0, half_height_distance_m=200.0
    ).sum()
    ds = 1.6 * 80 / 200 * math.exp(-4 * 135 / 200)
    spec = wind.new_turbine(cfg)
    frame = _const_weather(ws)
    from windpowerlib.density import barometric

    rho = barometric(101325.0, 0.0, 135.0 + 80.0, 288.15 - 0.0065 * (135 + 80 - 2))
    p = wind.power_curve_density_corrected(
        6.0 * (1 + ds), rho, spec.curve_wind_speed_m_s, spec.curve_power_kw
    )
    assert_allclose(up, 24 * p / 1e3, rtol=1e-9)
    assert len(frame) == 24


def test_capacity_factor_bounds_and_monthly_sums(standin, berlin, meta):
    heaps, terr = standin.heaps_terrains()
    res = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig())
    ph = res.per_heap
    assert list(ph.columns[:11]) == list(wind.PER_HEAP_COLUMNS[:11])
    cf = ph["wind_capacity_factor"].dropna()
    assert len(cf) >= 4 and ((cf >= 0) & (cf <= 1)).all()
    assert (ph.loc["e", "wind_turbines_new"] == 0) and ph.loc["e", "wind_energy_mwh_per_a"] == 0
    assert_allclose(
        res.monthly.sum(axis=1).reindex(ph.index), ph["wind_energy_mwh_per_a"], rtol=1e-9
    )
    assert_allclose(
        res.monthly_existing.sum(axis=1).reindex(ph.index),
        ph["existing_wind_energy_mwh_per_a"],
        rtol=1e-9,
    )
    # full-load hours = energy / capacity; capacity = count x rated power
    n = ph["wind_turbines_new"]
    assert_allclose(ph.loc[n > 0, "wind_capacity_mw"], n[n > 0] * 4.2)
    assert_allclose(
        ph.loc[n > 0, "wind_full_load_hours_h"],
        ph.loc[n > 0, "wind_energy_mwh_per_a"] / ph.loc[n > 0, "wind_capacity_mw"],
    )
    # wakes only where there are several turbines, and small
    wl = ph["wind_wake_loss_fraction"]
    assert (wl[n <= 1] == 0).all() and wl.between(0, 0.25).all()


def test_existing_turbines_as_built_and_flagged(standin, berlin, meta):
    heaps, terr = standin.heaps_terrains()
    ph = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig()).per_heap
    assert ph.loc["g", "existing_wind_turbines"] == 1
    assert ph.loc["g", "existing_wind_turbine_type"] == "E-138 EP3/3500"  # packaged data sheet
    assert "data-sheet curve E-138 EP3/3500" in ph.loc["g", "wind_notes"]
    assert ph.loc["g", "wind_turbines_new"] == 0  # site taken by the existing one
    assert ph.loc["h", "existing_wind_turbine_type"] == "E-101/3050"
    assert_allclose(ph.loc["h", "existing_wind_capacity_mw"], 2 * 3.05)
    assert "assumed E-82/2300" in ph.loc["i", "wind_notes"]
    assert (ph.loc[["g", "h", "i"], "existing_wind_energy_mwh_per_a"] > 0).all()
    assert (ph.loc[["a", "b"], "existing_wind_energy_mwh_per_a"] == 0).all()
    # without a stand-in type, an unknown model is "not assessed" (NaN), not zero
    ph2 = wind.simulate_wind(
        heaps, terr, berlin, meta(), WindConfig(existing_unknown_type="")
    ).per_heap
    assert np.isnan(ph2.loc["i", "existing_wind_energy_mwh_per_a"])
    assert "not assessed" in ph2.loc["i", "wind_notes"]


def test_results_independent_of_heap_order(standin, berlin, meta):
    heaps, terr = standin.heaps_terrains()
    a = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig())
    shuffled = heaps[:]
    random.Random(5).shuffle(shuffled)
    b = wind.simulate_wind(shuffled, terr, berlin, meta(), WindConfig())
    pa, pb = a.per_heap.sort_index(), b.per_heap.sort_index()
    num = pa.select_dtypes("number").columns
    assert_allclose(pa[num].to_numpy(float), pb[num].to_numpy(float), rtol=1e-12, equal_nan=True)
    assert_allclose(
        a.monthly.sort_index().to_numpy(), b.monthly.sort_index().to_numpy(), rtol=1e-12
    )


def test_higher_hub_or_heap_never_lowers_energy(berlin, meta):
    m = meta()
    e_hub = [
        wind.turbine_energy(
            berlin, m, WindConfig(hub_height_m=h), height_rel_m=50.0, half_height_distance_m=250.0
        ).sum()
        for h in (80, 100, 135, 160, 200)
    ]
    assert np.all(np.diff(e_hub) >= 0), e_hub
    for ref in ("surroundings", "local"):
        cfg = WindConfig(height_reference=ref)
        e_h = [
            wind.turbine_energy(berlin, m, cfg, height_rel_m=H, half_height_distance_m=250.0).sum()
            for H in (0, 20, 50, 100, 160)
        ]
        assert np.all(np.diff(e_h) >= 0), (ref, e_h)


def test_atlas_scaling_hits_target_mean(standin, berlin, meta):
    cfg = WindConfig(
        atlas_mean_wind_speed_m_s=6.25,
        atlas_reference_height_m=135.0,
        hub_height_m=135.0,
        speedup=False,
    )
    res = wind.simulate_wind(
        [standin.heap("flat", 0.0)], {"flat": standin.terrain(0.0, np.nan, 5)}, berlin, meta(), cfg
    )
    ph = res.per_heap.loc["flat"]
    assert_allclose(ph["wind_mean_speed_hub_m_s"], 6.25, rtol=1e-9)
    assert_allclose(ph["wind_atlas_factor"], 6.25 / res.info["mean_wind_speed_ref_m_s"], rtol=1e-12)
    assert "atlas" in ph["wind_notes"]


def test_air_density_correction_direction_and_size(meta, plain):
    """Below rated speed power scales with density (Svenningsen: v x (rho/1.225)^(1/3) on the
    curve). Cold dense air (-10 °C, 1,030 hPa: 1.36 kg/m3) must give more energy than warm thin
    air (30 °C, 990 hPa: 1.13 kg/m3) at the same 7 m/s; switched off, both equal the plain curve."""
    spec = wind.new_turbine(WindConfig())
    ws = np.full(24, 7.0)
    cold = _const_weather(ws, temp_k=263.15, p_pa=103000.0)
    warm = _const_weather(ws, temp_k=303.15, p_pa=99000.0)
    on = WindConfig(**plain)
    off = WindConfig(**{**plain, "density_correction": False})
    e_cold, e_warm = (wind.turbine_energy(f, meta(), on).sum() for f in (cold, warm))
    assert e_cold > e_warm
    plain_curve = 24 * np.interp(7.0, spec.curve_wind_speed_m_s, spec.curve_power_kw) / 1e3
    for f in (cold, warm):
        assert_allclose(wind.turbine_energy(f, meta(), off).sum(), plain_curve, rtol=1e-12)
    # size: the energy ratio is close to the density ratio in the cubic part of the curve (±3 %)
    from windpowerlib.density import barometric
    from windpowerlib.temperature import linear_gradient

    def rho(f):
        t = linear_gradient(f[("temperature", 2.0)], 2.0, 135.0)
        return float(barometric(f[("pressure", 0.0)], 0.0, 135.0, t).iloc[0])

    assert_allclose(e_cold / e_warm, rho(cold) / rho(warm), rtol=0.03)


def test_partial_series_months_not_scaled_from_one_hour(standin, meta, plain):
    """A series from 31 Dec 23:00 UTC to 30 Jun (a MEZ half-year): annual x 8760/hours; Jan-May
    unscaled, June (719 of 720 h) x 720/719, the single December hour NOT scaled up to a month
    (NaN like Jul-Nov: unknown, not zero)."""
    idx = pd.date_range("2014-12-31 23:00", "2015-06-30 22:00", freq="h", tz="UTC")
    n = len(idx)
    cols = pd.MultiIndex.from_tuples(
        [("wind_speed", 135.0), ("temperature", 2.0), ("pressure", 0.0)],
        names=["variable_name", "height"],
    )
    frame = pd.DataFrame(
        np.column_stack([np.full(n, 8.0), np.full(n, 288.15), np.full(n, 101325.0)]),
        index=idx,
        columns=cols,
    )
    partial = meta(partial=True, annual_factor=8760 / n)
    heaps, terr = [standin.heap("a", 0.0)], {"a": standin.terrain(0.0, np.nan, 1.0)}
    res = wind.simulate_wind(heaps, terr, frame, partial, WindConfig(**plain))
    per_h = float(wind.turbine_energy(frame, meta(), WindConfig(**plain)).iloc[0])  # MWh/h
    m = res.monthly.loc["a"]
    assert_allclose(m.loc[1:5], per_h * np.array([744, 672, 744, 720, 744]), rtol=1e-12)
    assert_allclose(m.loc[6], per_h * 720, rtol=1e-12)
    assert m.loc[7:12].isna().all()
    assert_allclose(res.per_heap.loc["a", "wind_energy_mwh_per_a"], per_h * 8760, rtol=1e-12)
    assert "scaled to a year" in res.per_heap.loc["a", "wind_notes"]


def test_results_independent_of_the_column_blocks(standin, berlin, meta, monkeypatch):
    from haldenenergie.wind import simulate as ws

    heaps, terr = standin.heaps_terrains()
    a = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig())
    monkeypatch.setattr(ws, "CHUNK_COLUMNS", 1)  # one heap per block
    b = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig())
    num = a.per_heap.select_dtypes("number").columns
    assert list(a.per_heap.index) == list(b.per_heap.index)
    assert np.array_equal(
        a.per_heap[num].to_numpy(float), b.per_heap[num].to_numpy(float), equal_nan=True
    )
    assert np.array_equal(a.monthly.to_numpy(float), b.monthly.to_numpy(float), equal_nan=True)


def test_wake_geometry_shared_with_the_calibration_changes_nothing(
    standin, berlin, meta, monkeypatch
):
    """The existing turbines' wake geometry computed for the calibration is reused by the run's
    own pass: results equal bit for bit to a run that computes it again; the wake factors with Ct
    factored out of the Katić root sum of squares equal the pairwise Jensen sum to 1e-14."""
    from haldenenergie.wind import simulate as ws
    from haldenenergie.wind.wakes import _overlap_fraction

    heaps, terr = standin.heaps_terrains()
    for h in heaps:  # reported yields on the heaps with existing turbines (h: 2 with wakes)
        if h.existing_wind.count:
            h.existing_wind.reported_mwh_per_a = 5000.0 * h.existing_wind.count
    a = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig())
    calibration = ws.calibration_fit
    monkeypatch.setattr(ws, "calibration_fit", lambda *args: calibration(*args[:7]))
    b = wind.simulate_wind(heaps, terr, berlin, meta(), WindConfig())
    num = a.per_heap.select_dtypes("number").columns
    assert np.array_equal(
        a.per_heap[num].to_numpy(float), b.per_heap[num].to_numpy(float), equal_nan=True
    )
    assert a.calibration["factor"] == b.calibration["factor"]
    assert a.per_heap.loc["h", "existing_wind_energy_mwh_per_a"] > 0
    pos = np.array([[0.0, 0.0], [300.0, 300.0], [0.0, 500.0]])
    dirs = np.linspace(0.0, 359.0, 720)
    ct = np.linspace(0.1, 0.95, 720)
    r0, k = 50.5, 0.075
    ref = np.ones((len(dirs), 3))
    for t, (d, c) in enumerate(zip(np.radians(dirs), ct, strict=True)):
        flow = -np.array([np.sin(d), np.cos(d)])  # towards which the wind blows
        for j in range(3):
            sq = 0.0
            for i in range(3):
                rel = pos[j] - pos[i]
                x = float(rel @ flow)  # j downstream of i
                if x <= 1e-6:
                    continue
                lat = abs(rel[0] * flow[1] - rel[1] * flow[0])
                frac = float(_overlap_fraction(lat, r0 + k * x, r0))
                sq += ((1 - np.sqrt(1 - c)) * (r0 / (r0 + k * x)) ** 2 * frac) ** 2
            ref[t, j] = min(1.0, max(0.0, 1.0 - np.sqrt(sq)))
    ours = wind.jensen_wake_factors(pos, 2 * r0, dirs, ct, k)
    assert ref.min() < 0.9  # some turbine in a wake
    assert_allclose(ours, ref, rtol=1e-14, atol=1e-15)
