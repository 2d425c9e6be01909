"""Tests of haldenenergie.suitability.totals: per-class totals, households, CO2, existing wind."""

from __future__ import annotations

import dataclasses

import pandas as pd
from numpy.testing import assert_allclose

from haldenenergie import suitability as S


def test_totals_per_class_households_co2_and_existing_apart(heap, row):
    df = pd.DataFrame(
        [
            row("both", pv_energy=7000.0, wind_energy=21000.0),
            row("pvonly", pv_energy=3500.0, wind_energy=10000.0),  # distance unknown
            row(
                "windonly",
                pv_area=0.0,
                pv_energy=0.0,
                wind_energy=14000.0,
                existing_wind_turbines=2,
                existing_wind_energy_mwh_per_a=12000.0,
            ),
            row("reserve", pv_energy=1000.0, wind_energy=5000.0),
        ]
    )
    heaps = [
        heap("both"),
        heap("pvonly", housing_distance_m=None),
        heap("windonly"),
        heap("reserve", nature_protection="reserve"),
    ]
    cfg = S.SuitabilityConfig()
    ranked, tot = S.rank_results(df, heaps, cfg)
    assert dict(zip(ranked["heap_id"], ranked["class"], strict=True)) == {
        "both": "pv+wind",
        "pvonly": "pv",
        "windonly": "wind",
        "reserve": "unsuitable",
    }
    t = tot.set_index("group")
    assert list(tot.columns) == list(S.TOTAL_COLUMNS)
    assert t.loc["pv+wind", "energy_mwh_per_a"] == 28000.0
    assert t.loc["pv", "energy_mwh_per_a"] == 3500.0 and t.loc["pv", "wind_turbines"] == 0
    assert t.loc["wind", "energy_mwh_per_a"] == 14000.0
    assert t.loc["unsuitable", "energy_mwh_per_a"] == 0.0 and t.loc["unsuitable", "heaps"] == 1
    assert t.loc["total_suitable", "energy_mwh_per_a"] == 45500.0
    assert t.loc["total_suitable", "heaps"] == 3
    assert t.loc["wind_not_assessed", "wind_energy_mwh_per_a"] == 10000.0
    assert t.loc["technical", "energy_mwh_per_a"] == 7000 + 21000 + 3500 + 10000 + 14000 + 6000
    assert t.loc["existing_wind", "energy_mwh_per_a"] == 12000.0
    assert t.loc["existing_wind", "wind_turbines"] == 2 and t.loc["existing_wind", "heaps"] == 1
    # Households: E [MWh] x 1000 / 3,500 kWh; CO2: E [MWh] x 380 g/kWh / 1000 = t.
    assert_allclose(t["households"], t["energy_mwh_per_a"] * 1000 / 3500.0, rtol=1e-12)
    assert_allclose(t.loc["total_suitable", "households"], 13000.0, rtol=1e-12)
    assert_allclose(t.loc["total_suitable", "co2_avoided_t_per_a"], 45500 * 0.38, rtol=1e-12)
    assert (t["household_consumption_year"] == 2024).all() and (t["co2_factor_year"] == 2023).all()
    cfg2 = dataclasses.replace(
        cfg, co2_factor_g_per_kwh=500.0, household_consumption_kwh_per_a=2800.0
    )
    _, tot2 = S.rank_results(df, heaps, cfg2)
    t2 = tot2.set_index("group")
    assert_allclose(t2.loc["pv", "co2_avoided_t_per_a"], 3500 * 0.5)
    assert_allclose(t2.loc["pv", "households"], 1250.0)
