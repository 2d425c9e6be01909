"""Calibration of the hub wind against reported yields: analytic fits, flags, the real registry."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from haldenenergie.wind.calibration import calibration_flags, fit_calibration


def _cubic(coeffs):
    """Energy that grows with the cube of the wind factor (below rated power) [MWh a-1]."""
    return lambda f: {k: c * f**3 for k, c in coeffs.items()}


def test_factor_solves_sum_of_modelled_equals_sum_of_reported():
    energy = _cubic({"a": 100.0, "b": 200.0})
    out = fit_calibration(energy, {"a": 150.0, "b": 300.0}, {}, "existing-turbines")
    assert out["factor"] == pytest.approx(1.5 ** (1 / 3), rel=1e-6)
    assert out["applied"] and out["method"] == "existing-turbines"
    rows = {r["heap_id"]: r for r in out["rows"]}
    assert rows["a"]["ratio"] == pytest.approx(100 / 150)
    assert rows["a"]["ratio_calibrated"] == pytest.approx(1.0, rel=1e-5)
    # both heaps biased alike: leave-one-out predicts each exactly
    assert rows["b"]["loo_ratio"] == pytest.approx(1.0, rel=1e-5)
    assert out["loo_error_pct"] == pytest.approx(0.0, abs=1e-3)


def test_leave_one_out_error_of_unequal_biases():
    energy = _cubic({"a": 100.0, "b": 100.0})
    out = fit_calibration(energy, {"a": 125.0, "b": 80.0}, {}, "none")
    rows = {r["heap_id"]: r for r in out["rows"]}
    # fitted on b alone: f^3 = 0.8 -> a predicted 80 against 125; on a alone: b 125 against 80
    assert rows["a"]["loo_ratio"] == pytest.approx(0.8 / 1.25, rel=1e-5)
    assert rows["b"]["loo_ratio"] == pytest.approx(1.25 / 0.8, rel=1e-5)
    rms = math.sqrt(((0.64 - 1) ** 2 + (1.5625 - 1) ** 2) / 2) * 100
    assert out["loo_error_pct"] == pytest.approx(rms, rel=1e-4)
    assert not out["applied"] and "not applied" in out["note"]


def test_flagged_heaps_are_excluded_and_predicted():
    energy = _cubic({"a": 100.0, "b": 100.0, "c": 100.0})
    flags = {"c": ["hub assumed"], "b": ["type substitute"]}
    out = fit_calibration(energy, {"a": 200.0, "b": 200.0, "c": 50.0}, flags, "none")
    assert out["factor"] == pytest.approx(2 ** (1 / 3), rel=1e-6)  # c does not pull it down
    rows = {r["heap_id"]: r for r in out["rows"]}
    assert not rows["c"]["used_in_fit"] and rows["b"]["used_in_fit"]
    assert rows["c"]["loo_ratio"] == pytest.approx(4.0, rel=1e-5)  # out of sample
    assert "excluded" in out["note"] and "c" in out["note"]


def test_no_reported_yields_means_nothing_calibrated():
    out = fit_calibration(_cubic({}), {}, {}, "existing-turbines")
    assert out["factor"] == 1.0 and not out["applied"] and out["rows"] == []
    assert "nothing calibrated" in out["note"]


def test_no_root_in_bounds_is_reported_not_applied():
    out = fit_calibration(_cubic({"a": 1.0}), {"a": 1000.0}, {}, "existing-turbines")
    assert not out["applied"] and out["factor"] == 1.0 and "no factor" in out["note"]


def test_flags_from_registry_facts():
    ew = SimpleNamespace(hub_height_m=None)
    assert calibration_flags(ew, "existing 'x' modelled by substitute E-115/3000", 25.0) == [
        "hub assumed",
        "type substitute",
    ]
    ew = SimpleNamespace(hub_height_m=99.0)
    flag = "existing model 'y' not in windpowerlib: assumed E-82/2300 at 98 m hub height"
    assert calibration_flags(ew, flag, float("nan")) == ["type assumed", "height unknown"]
    assert calibration_flags(ew, "", 70.0) == []


@pytest.mark.slow
def test_registry_calibration_with_try2015(root_dir, weather_dir):
    from haldenenergie import weather
    from haldenenergie.registry import read_registry
    from haldenenergie.wind import WindConfig, simulate_wind

    heaps = read_registry(root_dir / "heaps.geojson")
    data, meta = weather.read_weather(weather_dir / "TRY2015_essen_jahr.dat")
    res = simulate_wind(heaps, {}, data, meta, WindConfig())
    cal = res.calibration
    rows = {r["heap_id"]: r for r in cal["rows"]}
    assert set(rows) == {"hoppenbruch", "mottbruch", "kohlenhuck"}
    assert rows["kohlenhuck"]["flags"][0] == "hub assumed" and not cal["applied"]
    assert 0.9 < cal["factor"] < 1.1 and math.isfinite(cal["loo_error_pct"])
    # the fitted heaps agree with their reported yields within 10 % after calibration
    for hid in ("hoppenbruch", "mottbruch"):
        assert abs(rows[hid]["ratio_calibrated"] - 1) < 0.10
    applied = simulate_wind(heaps, {}, data, meta, WindConfig(calibration="existing-turbines"))
    v0 = res.per_heap["wind_mean_speed_hub_m_s"]
    v1 = applied.per_heap["wind_mean_speed_hub_m_s"]
    assert (v1 / v0).to_numpy() == pytest.approx(cal["factor"], rel=1e-9)
    e0 = res.per_heap["existing_wind_energy_mwh_per_a"]
    e1 = applied.per_heap["existing_wind_energy_mwh_per_a"]
    assert e1.to_numpy() == pytest.approx(e0.to_numpy(), rel=1e-12)  # existing stay as modelled


def test_leave_one_out_of_many_heaps_on_the_grid_matches_the_exact_one(monkeypatch):
    """Above LOO_EXACT_MAX heaps the leave-one-out runs on tabulated energies (linear cost): it
    agrees with the exact root finds to 1e-3 on an analytic case E_i(f) = a_i f^3."""
    from haldenenergie.wind import calibration as C

    a = {f"h{i}": 1000.0 * (1 + i) for i in range(9)}
    reported = {h: v * (1.0 + 0.05 * ((k % 3) - 1)) for k, (h, v) in enumerate(a.items())}
    calls = []

    def energy(f):
        calls.append(f)
        return {h: v * f**3 for h, v in a.items()}

    grid = C.fit_calibration(energy, reported, {}, "none")
    n_grid_calls = len(set(calls))
    monkeypatch.setattr(C, "LOO_EXACT_MAX", 100)
    exact = C.fit_calibration(energy, reported, {}, "none")
    assert grid["factor"] == exact["factor"]  # the fit itself is always exact
    for rg, re_ in zip(grid["rows"], exact["rows"], strict=True):
        assert rg["loo_ratio"] == pytest.approx(re_["loo_ratio"], rel=1e-5)
    assert n_grid_calls < 50  # 25 grid points + one root find, not 9 root finds
