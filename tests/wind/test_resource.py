"""The wind resource: roughness options, weather inputs and their errors."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from haldenenergie import wind
from haldenenergie.wind import WindConfig


def test_roughness_options_order(berlin, meta, plain):
    # Berlin's station z0 (0.15 m) is smoother than the regional 0.3 m: less shear up to the hub,
    # so 'weather' < 'blending' < 'config' for the same 10 m... here 80 m (closest) input.
    frame = berlin.drop(columns=[("wind_speed", 80.0)])
    e = {
        src: wind.turbine_energy(frame, meta(), WindConfig(roughness_source=src, **plain)).sum()
        for src in ("weather", "blending", "config")
    }
    assert e["weather"] < e["blending"] < e["config"]


def test_naive_index_rejected(berlin, meta):
    from haldenenergie.errors import WeatherError

    naive = berlin.copy()
    naive.index = naive.index.tz_localize(None)
    with pytest.raises(WeatherError, match="tz-aware"):
        wind.turbine_energy(naive, meta(), WindConfig())


def test_multi_height_input_via_weather_reader(standin, shared_dir, modelchain_mwh, plain):
    weather = pytest.importorskip("haldenenergie.weather")
    data, meta = weather.read_weather(
        shared_dir / "data" / "weather" / "windpowerlib_berlin_2010.csv"
    )
    assert 80.0 in [float(h) for h in meta.extra_wind_heights_m]
    cfg = WindConfig(roughness_source="weather", **plain)
    ours = wind.turbine_energy(data, meta, cfg).sum()
    frame = weather.to_windpowerlib(data, meta)
    assert_allclose(ours, modelchain_mwh(frame, cfg.turbine_type, cfg.hub_height_m), rtol=0.005)
    heaps, terr = standin.heaps_terrains()
    res = wind.simulate_wind(heaps, terr, data, meta, WindConfig())
    assert res.per_heap["wind_energy_mwh_per_a"].ge(0).all()


def test_blending_analytic_two_roughness_profile(berlin, meta):
    """Station z0 up to the blending height, regional above: u = u(10) ln(hb/z0s)/ln(10/z0s)
    x ln(z/z0r)/ln(hb/z0r) (Wieringa 1986)."""
    frame = berlin.drop(columns=[("wind_speed", 80.0), ("roughness_length", 0.0)])
    wx = wind.resource.wind_inputs(frame, meta())
    wx.roughness = np.full(len(wx.index), 0.03)
    cfg = WindConfig(roughness_source="blending", blending_height_m=130.0, roughness_length_m=0.3)
    v, note = wind.resource.profile_speed(wx, np.array([135.0]), cfg)
    factor = np.log(130 / 0.03) / np.log(10 / 0.03) * np.log(135 / 0.3) / np.log(130 / 0.3)
    assert_allclose(v[:, 0], wx.wind[10.0] * factor, rtol=1e-12)
    assert note == ""
    # without a station z0 (TRY grid cell) blending is the regional profile, silently
    wx.roughness = None
    v2, note2 = wind.resource.profile_speed(wx, np.array([135.0]), cfg)
    v3, _ = wind.resource.profile_speed(
        wx, np.array([135.0]), WindConfig(roughness_source="config")
    )
    assert_allclose(v2, v3, rtol=0) and note2 == ""
    assert WindConfig().roughness_source == "blending"
