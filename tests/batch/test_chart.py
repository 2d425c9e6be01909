"""Issue 14: the P50/P90 chart plots energy of suitable uses, technical energy lighter behind."""

from __future__ import annotations

import numpy as np
import pandas as pd

from haldenenergie.report import charts


def _summary(p90=True):
    d = {
        "heap_id": ["a", "b"],
        "total_energy_p50_mwh_per_a": [100.0, 80.0],
        "total_energy_p90_mwh_per_a": [90.0, 70.0] if p90 else [np.nan, np.nan],
        "suitable_energy_p50_mwh_per_a": [100.0, 20.0],
        "suitable_energy_p90_mwh_per_a": [90.0, 15.0] if p90 else [np.nan, np.nan],
        "suitable_energy_min_mwh_per_a": [85.0, 10.0],
        "suitable_energy_max_mwh_per_a": [105.0, 25.0],
    }
    return pd.DataFrame(d)


def _df():
    return pd.DataFrame({"heap_id": ["a", "b"], "name": ["A", "B"], "rank": [1, 2]})


def test_chart_shows_suitable_energy_and_technical_in_a_lighter_tone():
    svg = charts.p50_p90_chart(_df(), _summary(), "de").svg.decode()
    assert "Ertrag geeigneter Nutzungen" in svg and "Gesamtertrag" in svg
    for key in (("suitable", "p50"), ("total", "p50"), ("suitable", "p90")):
        assert charts._P_COLORS[key].lower() in svg.lower()
    en = charts.p50_p90_chart(_df(), _summary(), "en").svg.decode()
    assert "Energy of suitable uses [MWh/a]" in en


def test_empty_p90_is_not_drawn_but_p50_is():
    svg = charts.p50_p90_chart(_df(), _summary(p90=False), "en").svg.decode()
    assert "P50" in svg and "P90" not in svg


def test_old_summary_without_suitable_columns_shows_technical_only():
    s = _summary()[["heap_id", "total_energy_p50_mwh_per_a", "total_energy_p90_mwh_per_a"]]
    svg = charts.p50_p90_chart(_df(), s, "en").svg.decode()
    assert "Total energy" in svg and "suitable uses" not in svg
