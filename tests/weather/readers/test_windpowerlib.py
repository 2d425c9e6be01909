"""Format ``windpowerlib``: windpowerlib's CSV (two header rows), wind only."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import detect_format, read_weather, to_windpowerlib


def test_detected_and_read(weather_dir):
    path = weather_dir / "windpowerlib_berlin_2010.csv"
    assert detect_format(path) == "windpowerlib"
    data, meta = read_weather(path)
    assert meta.source_format == "windpowerlib" and not meta.irradiance_available
    assert data[["ghi", "dhi", "dni"]].isna().all().all()
    assert meta.extra_wind_heights_m == (80.0,) and meta.extra_temp_heights_m == (10.0,)
    assert meta.roughness_length_m == 0.15
    orig = pd.read_csv(path, header=[0, 1], index_col=0)
    assert_allclose(data["temp_air"].to_numpy(), orig[("temperature", "2")].to_numpy() - 273.15)
    assert any("no irradiance" in w for w in meta.warnings)


def test_to_windpowerlib_units_and_heights(weather_dir):
    path = weather_dir / "windpowerlib_berlin_2010.csv"
    data, meta = read_weather(path)
    wpl = to_windpowerlib(data, meta)
    assert set(wpl.columns) == {
        ("wind_speed", 10.0),
        ("wind_speed", 80.0),
        ("temperature", 2.0),
        ("temperature", 10.0),
        ("pressure", 0.0),
        ("roughness_length", 0.0),
    }
    assert wpl.columns.names == ["variable_name", "height"]
    orig = pd.read_csv(path, header=[0, 1], index_col=0)
    assert_allclose(
        wpl[("temperature", 2.0)].to_numpy(), orig[("temperature", "2")].to_numpy(), atol=1e-9
    )  # K back to K exactly
    assert_allclose(wpl[("pressure", 0.0)].to_numpy(), orig[("pressure", "0")].to_numpy())
    assert_allclose(wpl[("wind_speed", 80.0)].to_numpy(), orig[("wind_speed", "80")].to_numpy())
    assert_allclose(wpl[("roughness_length", 0.0)], 0.15)


@pytest.mark.parametrize(
    "edit, pattern",
    [
        (lambda ls: [ls[0].replace(",pressure", ",druck")] + ls[1:], r"missing required columns"),
        (lambda ls: [ls[0], ls[1].replace(",80", ",hoch")] + ls[2:], r"heights in m"),
    ],
)
def test_bad_windpowerlib_files(tmp_path, weather_dir, edit, pattern):
    lines = (weather_dir / "windpowerlib_berlin_2010.csv").read_text().splitlines()[:200]
    p = tmp_path / "wpl.csv"
    p.write_text("\n".join(edit(lines)) + "\n")
    with pytest.raises(WeatherError, match=pattern):
        read_weather(p, "windpowerlib", allow_partial=True)
