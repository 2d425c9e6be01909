"""The wind resource: roughness options, weather inputs and their errors."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from haldenenergie import wind
from haldenenergie.wind import WindConfig


def _ew(count=0, model=None, wtype=None, hub=None):
    return SimpleNamespace(
        count=count,
        model=model,
        windpowerlib_type=wtype,
        rated_kw=None,
        hub_height_m=hub,
        rotor_diameter_m=None,
        since=None,
    )


def _heap(hid, H=50.0, ew=None):
    return SimpleNamespace(id=hid, height_rel_m=H, existing_wind=ew or _ew())


def _terrain(H=50.0, L=250.0, site_ha=5.0):
    return SimpleNamespace(
        relative_height_m=H,
        half_height_distance_m=L,
        turbine_site_area_ha=site_ha,
        plateau_area_ha=site_ha,
    )


def _heaps_terrains():
    specs = [
        ("a", 80, 200, 5),
        ("b", 30, 150, 25),
        ("c", 120, 300, 60),
        ("d", 0, np.nan, 1),
        ("e", 50, 250, 0.01),
        ("f", 60, 250, 40),
    ]
    heaps = [_heap(h, H) for h, H, _, _ in specs]
    heaps.append(_heap("g", 81, _ew(1, "Enercon E-138 EP3", None, 131)))
    heaps.append(_heap("h", 70, _ew(2, "Enercon E-101", "E-101/3050", 99)))
    heaps.append(_heap("i", 50, _ew(3, "not stated")))
    terr = {h: _terrain(H, L, s) for h, H, L, s in specs}
    terr.update(g=_terrain(81, 256, 2), h=_terrain(70, 200, 0), i=_terrain(50, 300, 30))
    return heaps, terr


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


def test_multi_height_input_via_weather_reader(shared_dir, modelchain_mwh, plain):
    weather = pytest.importorskip("haldenenergie.weather")
    data, meta = weather.read_weather(
        shared_dir / "data" / "weather" / "windpowerlib_berlin_2010.csv"
    )
    assert 80.0 in [float(h) for h in meta.extra_wind_heights_m]
    cfg = WindConfig(roughness_source="weather", **plain)
    ours = wind.turbine_energy(data, meta, cfg).sum()
    frame = weather.to_windpowerlib(data, meta)
    assert_allclose(ours, modelchain_mwh(frame, cfg.turbine_type, cfg.hub_height_m), rtol=0.005)
    heaps, terr = _heaps_terrains()
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
