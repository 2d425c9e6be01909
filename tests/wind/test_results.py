"""Per-heap wind columns: the energy chain gross = energy + losses, curtailment via the run."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from haldenenergie import wind
from haldenenergie.wind import WindConfig
from haldenenergie.wind.losses import CurtailmentWindows
from haldenenergie.wind.results import LOSS_COLUMNS, PER_HEAP_COLUMNS, Totals, heap_row

T = 240  # ten days, hourly


def _totals() -> Totals:
    idx = pd.date_range("2015-04-01", periods=T, freq="h", tz="UTC")
    onehot = (idx.month.to_numpy()[None, :] == np.arange(1, 13)[:, None]).astype(float)
    return Totals(
        to_mwh=1e-3, annual=1.0, month=np.ones(12), onehot=onehot, hours=float(T), steps=T
    )


def _row(cfg, run, p_gross=2000.0, n=2):
    spec = wind.load_turbine("E-141/4200", 135)
    eta = cfg.availability * (1 - cfg.electrical_loss)
    net = np.full((T, n), p_gross * eta)
    v = np.full((T, n), 5.0)
    heap = {"n_new": n, "n_exist": 0, "spec_old": None, "z_prof": 135.0, "ds": 0.0, "notes": []}
    return heap_row("h", heap, (net, v, net / eta), None, spec, cfg, _totals(), run)


def test_loss_columns_add_up_without_curtailment():
    cfg = WindConfig()
    row, monthly, _ = _row(cfg, {"atlas": 1.0, "notes": []})
    assert list(row)[1:] == list(PER_HEAP_COLUMNS)
    gross = 2 * T * 2000.0 / 1e3  # MWh over the series (annual factor 1)
    assert_allclose(row["wind_gross_energy_mwh_per_a"], gross, rtol=1e-12)
    assert_allclose(row["wind_energy_mwh_per_a"], gross * 0.97 * 0.98, rtol=1e-12)
    assert_allclose(row["wind_loss_availability_mwh_per_a"], gross * 0.03, rtol=1e-12)
    assert_allclose(row["wind_loss_electrical_mwh_per_a"], gross * 0.97 * 0.02, rtol=1e-12)
    for c in ("bat", "noise", "shadow"):
        assert row[f"wind_loss_{c}_mwh_per_a"] == 0.0
    losses = sum(row[c] for c in LOSS_COLUMNS if c != "wind_gross_energy_mwh_per_a")
    assert_allclose(row["wind_energy_mwh_per_a"] + losses, gross, rtol=1e-12)
    assert "curtailment" not in row["wind_notes"]


def test_bat_curtailment_through_the_run_context():
    """Bat window of 48 steps with the wind below 6 m/s: 48 h x 2 x 2000 kW = 192 MWh lost."""
    cfg = WindConfig(bat_curtailment=True)
    bat = np.zeros(T, bool)
    bat[:48] = True
    w = CurtailmentWindows(bat=bat, noise=np.zeros(T, bool), shadow=np.zeros(T))
    row, monthly, _ = _row(cfg, {"atlas": 1.0, "notes": [], "curtailment": w})
    assert_allclose(row["wind_loss_bat_mwh_per_a"], 192.0, rtol=1e-9)
    gross = 2 * T * 2.0
    assert_allclose(row["wind_energy_mwh_per_a"], (gross - 192.0) * 0.97 * 0.98, rtol=1e-9)
    assert_allclose(monthly.sum(), row["wind_energy_mwh_per_a"], rtol=1e-9)
    assert abs(row["wind_wake_loss_fraction"]) < 1e-12  # curtailment is not a wake loss
    assert "curtailment applied: bat" in row["wind_notes"]
    # configured but the stage did not pass windows: said, not silently ignored
    row, _, _ = _row(cfg, {"atlas": 1.0, "notes": []})
    assert "curtailments configured but not applied" in row["wind_notes"]
