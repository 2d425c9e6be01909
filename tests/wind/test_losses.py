"""Losses: analytic cases (constant power x known windows = known energy loss, 1e-9)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import ConfigError
from haldenenergie.wind import WindConfig
from haldenenergie.wind.losses import (
    CurtailmentWindows,
    curtailment_windows,
    in_hours,
    night_window,
    split_losses,
)

#: Essen (the TRY2015 reference site) [deg].
LAT, LON = 51.45, 7.01
YEAR = pd.date_range("2015-01-01", periods=8760, freq="h", tz="UTC")


def _chain_sum(s):
    return (
        s.net.sum()
        + s.bat.sum()
        + s.noise.sum()
        + s.shadow.sum()
        + s.availability.sum()
        + (s.electrical.sum())
    )


def test_in_hours_wraps_past_midnight():
    h = np.array([0.5, 5.5, 6.5, 21.5, 22.5, 23.5])
    assert in_hours(h, 22, 6).tolist() == [True, True, False, False, True, True]
    assert in_hours(h, 6, 22).tolist() == [False, False, True, True, False, False]
    assert not in_hours(h, 5, 5).any()


def test_split_without_curtailment_keeps_net_and_splits_4_9_percent():
    """Defaults: availability 0.97, electrical 0.02 -> 1 - 0.97 * 0.98 = 4.94 % of gross."""
    cfg = WindConfig()
    gross = np.full((100, 2), 1000.0)
    net = gross * 0.97 * 0.98
    s = split_losses(net, np.full((100, 2), 5.0), 3000.0, cfg, None)
    assert s.net is net  # bit for bit: the golden run does not move
    assert_allclose(s.gross.sum(), 2e5, rtol=1e-12)
    assert_allclose(s.availability.sum(), 2e5 * 0.03, rtol=1e-12)
    assert_allclose(s.electrical.sum(), 2e5 * 0.97 * 0.02, rtol=1e-12)
    assert_allclose(_chain_sum(s), s.gross.sum(), rtol=1e-12)
    assert s.bat.sum() == s.noise.sum() == s.shadow.sum() == 0


def test_split_with_known_windows():
    """2 turbines at a constant 1800 kW gross, T = 1000 steps:
    bat window 100 steps (wind below 6 m/s in 60 of them for turbine 0, all for turbine 1);
    noise window 50 other steps, cap 0.7 x 2000 kW = 1400 kW; shadow 25 % in 40 further steps."""
    cfg = WindConfig(bat_curtailment=True, noise_curtailment=True, shadow_shutdown_hours_per_a=1)
    T, P, a, el = 1000, 1800.0, cfg.availability, cfg.electrical_loss
    net = np.full((T, 2), P * a * (1 - el))
    v = np.full((T, 2), 8.0)
    v[:60, 0] = 4.0
    v[:100, 1] = 4.0
    bat = np.zeros(T, bool)
    bat[:100] = True
    noise = np.zeros(T, bool)
    noise[200:250] = True
    shadow = np.zeros(T)
    shadow[300:340] = 0.25
    w = CurtailmentWindows(bat=bat, noise=noise, shadow=shadow)
    s = split_losses(net, v, 2000.0, cfg, w)
    assert_allclose(s.bat.sum(), (60 + 100) * P, rtol=1e-9)
    assert_allclose(s.noise.sum(), 50 * 2 * (P - 1400.0), rtol=1e-9)
    assert_allclose(s.shadow.sum(), 40 * 2 * 0.25 * P, rtol=1e-9)
    curtailed = 2 * T * P - (160 * P + 100 * 400.0 + 20 * P)
    assert_allclose(s.net.sum(), curtailed * a * (1 - el), rtol=1e-9)
    assert_allclose(s.availability.sum(), curtailed * (1 - a), rtol=1e-9)
    assert_allclose(_chain_sum(s), 2 * T * P, rtol=1e-12)


def test_fixed_hour_windows_count_exactly():
    """UTC clock: bat 20-4 h in April-October = 214 nights x 8 h; noise 22-6 h = 365 x 8 h."""
    cfg = WindConfig(
        bat_curtailment=True,
        bat_fixed_hours=[20, 4],
        noise_curtailment=True,
        curtailment_timezone="UTC",
    )
    w = curtailment_windows(YEAR, cfg, LAT, LON, temperature_c=np.full(8760, 15.0))
    assert w.bat.sum() == 214 * 8 and w.noise.sum() == 365 * 8
    cold = curtailment_windows(YEAR, cfg, LAT, LON, temperature_c=np.full(8760, 9.0))
    assert cold.bat.sum() == 0  # T > 10 degC required
    # constant 1000 kW, wind always below 6 m/s: bat loss = 1712 h x 1000 kW
    cfg_bat = WindConfig(bat_curtailment=True, bat_fixed_hours=[20, 4], curtailment_timezone="UTC")
    s = split_losses(
        np.full((8760, 1), 1000.0 * 0.97 * 0.98), np.full((8760, 1), 3.0), 3000, cfg_bat, w
    )
    assert_allclose(s.bat.sum(), 1712 * 1000.0, rtol=1e-9)


def test_local_clock_follows_daylight_saving():
    cfg = WindConfig(noise_curtailment=True)  # Europe/Berlin
    w = curtailment_windows(YEAR, cfg, LAT, LON)
    # 22-6 local: 8 h per day; the spring-forward night has 7 h, the fall-back night 9 h
    assert w.noise.sum() == 365 * 8
    with pytest.raises(ConfigError, match="curtailment_timezone"):
        curtailment_windows(
            YEAR, WindConfig(noise_curtailment=True, curtailment_timezone="X/Y"), 0, 0
        )


def test_night_window_matches_spa_sunset_and_sunrise():
    """Independent reference: pvlib's SPA sunrise/sunset; a step is in the window when its
    middle lies between sunset + 0.5 h and the next sunrise - 0.5 h."""
    import pvlib

    idx = pd.date_range("2015-06-20", periods=72, freq="h", tz="UTC")
    days = pd.date_range("2015-06-19", periods=5, freq="D", tz="UTC")
    rs = pvlib.solarposition.sun_rise_set_transit_spa(days, LAT, LON)
    mid = idx + pd.Timedelta(minutes=30)
    ref = np.zeros(len(idx), bool)
    for k in range(len(days) - 1):
        start = rs["sunset"].iloc[k] + pd.Timedelta(hours=0.5)
        end = rs["sunrise"].iloc[k + 1] - pd.Timedelta(hours=0.5)
        ref |= (mid >= start) & (mid <= end)
    got = night_window(idx, LAT, LON, after_sunset_h=0.5, before_sunrise_h=0.5)
    assert got.tolist() == ref.tolist()
    assert 5 <= got[:24].sum() <= 7  # midsummer night at 51.5 N: ~7.4 h minus 1 h


def test_shadow_hours_spread_give_the_stated_hours():
    """Constant 2000 kW and 30 h/a of shadow shutdown: loss = 30 h x 2000 kW (1e-9)."""
    cfg = WindConfig(shadow_shutdown_hours_per_a=30.0)
    w = curtailment_windows(YEAR, cfg, LAT, LON)
    assert_allclose(w.shadow.sum(), 30.0, rtol=1e-9)
    s = split_losses(
        np.full((8760, 1), 2000.0 * 0.97 * 0.98), np.full((8760, 1), 9.0), 3000, cfg, w
    )
    assert_allclose(s.shadow.sum(), 30.0 * 2000.0, rtol=1e-9)
    # only in low sun (3-30 deg), never at night
    from haldenenergie.sun import solar_position

    el = solar_position(YEAR, LAT, LON)["elevation"].to_numpy()
    assert np.all((el[w.shadow > 0] >= 3.0) & (el[w.shadow > 0] <= 30.0))
