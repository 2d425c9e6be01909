"""Tests of haldenenergie.pv.inputs: weather checks, interval step, sun and daytime arrays."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import sun
from haldenenergie.errors import WeatherError
from haldenenergie.pv.inputs import (
    check_weather,
    interval_step,
    month_matrix,
    prepare,
    solar_geometry,
)


def test_interval_step():
    idx = pd.date_range("2020-01-01", periods=5, freq="15min", tz="UTC")
    assert interval_step(idx) == pd.Timedelta(minutes=15)
    assert interval_step(idx[:1]) == pd.Timedelta(hours=1)


def test_check_weather_errors(short_weather):
    data, _ = short_weather
    check_weather(data)
    with pytest.raises(WeatherError, match="DatetimeIndex"):
        check_weather(data.reset_index(drop=True))
    with pytest.raises(WeatherError, match="naive"):
        check_weather(data.tz_localize(None))
    with pytest.raises(WeatherError, match="wind_speed"):
        check_weather(data.drop(columns="wind_speed"))
    with pytest.raises(WeatherError, match="increasing"):
        check_weather(data.iloc[::-1])
    with pytest.raises(WeatherError, match="empty"):
        check_weather(data.iloc[:0])


def test_solar_geometry_is_the_shared_sun_at_interval_middles(short_weather):
    data, meta = short_weather
    sg = solar_geometry(data, meta.latitude, meta.longitude, meta.elevation_m)
    ref = sun.solar_position(
        data.index,
        meta.latitude,
        meta.longitude,
        meta.elevation_m,
        step=pd.Timedelta(hours=1),
        pressure_pa=data["pressure"],
        temp_air_c=data["temp_air"],
    )
    assert_allclose(sg["apparent_zenith"], ref["apparent_zenith"], rtol=0, atol=0)
    assert sg.attrs["step_h"] == 1.0


def test_prepare_daytime_arrays_and_month_matrix(short_weather):
    data, meta = short_weather
    wx, sun_arrays, mid, day = prepare(data, meta)
    assert day.sum() == len(wx["ghi"]) == len(sun_arrays["zenith"])
    assert (sun_arrays["zenith"] < 90).all()
    mm = month_matrix(mid, day)
    assert mm.shape == (12, day.sum())
    assert_allclose(mm.sum(axis=0), 1.0)  # each step in exactly one month
    assert mm[[5, 11]].sum() == day.sum()  # June and December only


def test_prepare_errors(short_weather):
    data, meta = short_weather
    with pytest.raises(WeatherError, match="latitude"):
        prepare(data, SimpleNamespace())
    with pytest.raises(WeatherError, match="out of range"):
        prepare(data, SimpleNamespace(latitude=95.0, longitude=7.0, elevation_m=0.0))
    gap = data.copy()
    gap.loc[gap.index[12], "wind_speed"] = np.nan  # noon: a daytime gap
    with pytest.raises(WeatherError, match="wind_speed"):
        prepare(gap, meta)
    # missing irradiance counts as zero
    wx, *_ = prepare(data.assign(dni=np.nan), meta)
    assert (wx["dni"] == 0).all()
