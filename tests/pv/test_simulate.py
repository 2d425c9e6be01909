"""Tests of haldenenergie.pv.simulate: invariants, aggregation and errors of simulate_pv."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.coverage import calendar_month_hours, partial_month_factors
from haldenenergie.errors import TerrainError, WeatherError
from haldenenergie.pv.config import PVConfig
from haldenenergie.pv.simulate import (
    NO_IRRADIANCE_NOTE,
    PER_HEAP_COLUMNS,
    irradiance_available,
    simulate_pv,
)
from haldenenergie.pv.single import surface_energy


def test_simulate_pv_matches_surface_energy(essen, synth, make_surfaces):
    """The vectorised multi-surface path equals the single-surface path (1e-9 relative)."""
    data, meta = essen
    res = simulate_pv(make_surfaces(synth), data, meta)
    for r in synth:
        row = res.per_surface.query("heap_id == @r[0] and surface_class == @r[1]").iloc[0]
        if row["layout"] == "none":
            continue
        h = r[6] if len(r) > 6 else None
        single = surface_energy(
            data, meta, surface_tilt=r[3], surface_azimuth=r[4], kind=r[2], horizon_deg=h
        ).sum()
        assert_allclose(row["specific_yield_kwh_per_kwp"], single, rtol=1e-9)


def test_energy_scales_linearly_with_area(short_weather, synth, make_surfaces):
    data, meta = short_weather
    s = make_surfaces(synth)
    r1 = simulate_pv(s, data, meta)
    r2 = simulate_pv(s.assign(usable_area_ha=s["usable_area_ha"] * 2.5), data, meta)
    assert_allclose(
        r2.per_heap["pv_energy_mwh_per_a"], 2.5 * r1.per_heap["pv_energy_mwh_per_a"], rtol=1e-12
    )
    assert_allclose(
        r2.per_heap["pv_capacity_mwp"], 2.5 * r1.per_heap["pv_capacity_mwp"], rtol=1e-12
    )
    assert_allclose(
        r2.per_heap["pv_specific_yield_kwh_per_kwp"],
        r1.per_heap["pv_specific_yield_kwh_per_kwp"],
        rtol=1e-12,
    )


def test_results_independent_of_surface_order(short_weather, synth, make_surfaces):
    data, meta = short_weather
    s = make_surfaces(synth)
    r1 = simulate_pv(s, data, meta)
    r2 = simulate_pv(s.sample(frac=1.0, random_state=3), data, meta)
    pd.testing.assert_frame_equal(r1.per_heap, r2.per_heap)
    pd.testing.assert_frame_equal(r1.per_surface, r2.per_surface)
    pd.testing.assert_frame_equal(r1.monthly, r2.monthly)
    # and of the chunk size (vectorisation block)
    r3 = simulate_pv(s, data, meta, dataclasses.replace(PVConfig(), chunk_surfaces=2))
    assert_allclose(r3.per_heap.iloc[:, :4], r1.per_heap.iloc[:, :4], rtol=1e-12)


def test_aggregation_consistency(essen, synth, make_surfaces):
    data, meta = essen
    r = simulate_pv(make_surfaces(synth), data, meta)
    ps, ph = r.per_surface, r.per_heap
    assert list(ph.index) == ["a", "b"]
    assert list(ph.columns) == list(PER_HEAP_COLUMNS)
    assert_allclose(ph["pv_energy_mwh_per_a"], ps.groupby("heap_id")["energy_mwh_per_a"].sum())
    assert_allclose(r.monthly.sum(axis=1), ph["pv_energy_mwh_per_a"], rtol=1e-9)
    assert_allclose(
        ph["pv_specific_yield_kwh_per_kwp"], ph["pv_energy_mwh_per_a"] / ph["pv_capacity_mwp"]
    )
    # 'none' surfaces count neither area nor capacity
    none = ps["layout"] == "none"
    assert none.sum() == 1 and (ps.loc[none, "capacity_mwp"] == 0).all()
    assert ps.loc[none, "surface_class"].iloc[0] == "flank_N_5-15"  # racks need GCR < 0.2
    assert_allclose(ph.loc["a", "pv_usable_area_ha"], 10 + 4 + 3 + 2)
    assert_allclose(ph.loc["b", "pv_usable_area_ha"], 5 + 6 + 1.5)
    assert (ps["energy_mwh_per_a"] >= 0).all()
    assert (
        (ps.loc[~none, "shading_loss_fraction"] >= 0)
        & (ps.loc[~none, "shading_loss_fraction"] < 0.3)
    ).all()
    # south flank beats north-facing ground, racks or not
    sy = ps.set_index(["heap_id", "surface_class"])["specific_yield_kwh_per_kwp"]
    assert sy[("b", "flank_S_5-15")] > sy[("a", "flank_NE_5-15")]


def test_partial_weather_is_scaled_and_flagged(essen, synth, make_surfaces):
    data, meta = essen
    half = data.loc[data.index.month <= 6]
    hmeta = dataclasses.replace(
        meta, partial=True, annual_factor=8760 / len(half), coverage_fraction=len(half) / 8760
    )
    r = simulate_pv(make_surfaces(synth[:2]), half, hmeta)
    assert r.scaled_to_year and r.per_heap["pv_scaled_to_year"].all() and r.warnings
    assert r.monthly.loc["a", 7:12].isna().all()  # not covered: unknown, not zero
    full = simulate_pv(make_surfaces(synth[:2]), data, meta)
    # fully covered months are not rescaled: Jan-Jun equal the full year's (same data, 1e-9)
    assert_allclose(r.monthly.loc["a", 1:6], full.monthly.loc["a", 1:6], rtol=1e-9)
    # annual = sum over the series x 8760 h / hours present (the weather stage's annual_factor)
    assert_allclose(
        r.per_heap.loc["a", "pv_energy_mwh_per_a"],
        full.monthly.loc["a", 1:6].sum() * 8760 / len(half),
        rtol=1e-9,
    )


def test_partial_month_factors_analytic():
    # The coverage rule simulate_pv uses (haldenenergie.coverage):
    # February 2015 has 672 h, February 2024 696 h; a month under half covered is NaN
    idx = pd.date_range("2015-01-01", "2015-12-31 23:00", freq="h", tz="UTC")
    assert_allclose(calendar_month_hours(idx)[[0, 1, 5]], [744, 672, 720])
    leap = pd.date_range("2024-02-01", periods=24, freq="h", tz="UTC")
    assert calendar_month_hours(leap)[1] == 696
    present = np.array([744, 672, 372, 359, 1, 0, 744, 744, 720, 744, 720, 744], float)
    f = partial_month_factors(present, calendar_month_hours(idx))
    assert_allclose(f[[0, 1, 2]], [1.0, 1.0, 2.0])  # March half covered: x2
    assert np.isnan(f[[3, 4, 5]]).all()  # 359 of 720 h, one hour, nothing: not scaled up


def test_weather_without_irradiance_gives_capacity_but_no_energy(
    short_weather, synth, make_surfaces
):
    data, meta = short_weather
    wind_only = data.assign(ghi=np.nan, dhi=np.nan, dni=np.nan)
    r = simulate_pv(make_surfaces(synth), wind_only, SimpleNamespace(irradiance_available=False))
    ref = simulate_pv(make_surfaces(synth), data, meta)
    assert_allclose(r.per_heap["pv_capacity_mwp"], ref.per_heap["pv_capacity_mwp"], rtol=1e-12)
    assert_allclose(r.per_heap["pv_usable_area_ha"], ref.per_heap["pv_usable_area_ha"])
    assert r.per_heap["pv_energy_mwh_per_a"].isna().all()
    assert r.monthly.isna().all().all() and r.per_surface["energy_mwh_per_a"].isna().all()
    assert r.warnings == (NO_IRRADIANCE_NOTE,)
    assert list(r.per_surface.columns) == list(ref.per_surface.columns)
    assert list(r.per_heap.columns) == list(PER_HEAP_COLUMNS)
    assert not irradiance_available(wind_only, meta)  # all-NaN GHI detected without meta
    assert irradiance_available(data, meta)


def test_empty_surfaces_give_empty_result(short_weather):
    data, meta = short_weather
    r = simulate_pv(pd.DataFrame(columns=["heap_id"]), data, meta)
    assert r.per_heap.empty and r.monthly.empty
    assert list(r.per_heap.columns) == list(PER_HEAP_COLUMNS)


def test_only_unusable_surfaces_give_zero_energy(short_weather, make_surfaces):
    data, meta = short_weather
    r = simulate_pv(make_surfaces([("x", "S40", "flank", 40.0, 180.0, 2.0)]), data, meta)
    assert r.per_surface["layout"].tolist() == ["none"]
    assert r.per_heap.loc["x", "pv_capacity_mwp"] == 0.0
    assert r.per_heap.loc["x", "pv_energy_mwh_per_a"] == 0.0
    assert np.isnan(r.per_heap.loc["x", "pv_specific_yield_kwh_per_kwp"])


def test_bad_inputs_raise_one_line_errors(short_weather, synth, make_surfaces):
    data, meta = short_weather
    s = make_surfaces(synth[:2])
    with pytest.raises(TerrainError, match="usable_area_ha"):
        simulate_pv(s.drop(columns="usable_area_ha"), data, meta)
    with pytest.raises(TerrainError, match="twice"):
        simulate_pv(pd.concat([s, s]), data, meta)
    with pytest.raises(TerrainError, match="horizon_deg"):
        simulate_pv(s.assign(horizon_deg=[[1.0] * 5] * 2), data, meta)
    with pytest.raises(TerrainError, match="surface_tilt_deg"):
        simulate_pv(s.assign(surface_tilt_deg=[1.0, -3.0]), data, meta)
    with pytest.raises(TerrainError, match="kind"):
        simulate_pv(s.assign(kind=["plateau", "cliff"]), data, meta)
    with pytest.raises(WeatherError, match="naive"):
        simulate_pv(s, data.tz_localize(None), meta)
    with pytest.raises(WeatherError, match="dni"):
        simulate_pv(s, data.drop(columns="dni"), meta)
    with pytest.raises(WeatherError, match="latitude"):
        simulate_pv(s, data, SimpleNamespace())
