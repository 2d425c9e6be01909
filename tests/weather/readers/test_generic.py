"""Format ``generic``: any CSV with a column mapping, units, time zone, label and location."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import parse_mapping, read_weather


def test_parse_mapping():
    assert parse_mapping("ghi=GS_10, temp_air=TT_10;time=t") == {
        "ghi": "GS_10",
        "temp_air": "TT_10",
        "time": "t",
    }
    assert parse_mapping(None) == {} and parse_mapping({"a": "b"}) == {"a": "b"}
    with pytest.raises(WeatherError, match="is not NAME=VALUE"):
        parse_mapping("ghi")


def test_generic_csv_with_mapping_units_tz(tmp_path, default_year, invoke):
    d = default_year[0]
    local = d.index.tz_convert("Etc/GMT-1").tz_localize(None)  # naive MEZ (UTC+1)
    df = pd.DataFrame(
        {
            "Zeit": local.strftime("%Y-%m-%d %H:%M"),
            "G": d["ghi"].round(2),
            "T": (d["temp_air"] + 273.15).round(2),
            "V": (d["wind_speed"] * 3.6).round(3),
            "P": (d["pressure"] / 100).round(2),
        }
    )
    p = tmp_path / "gen.csv"
    df.to_csv(p, sep=";", index=False)
    args = [
        "weather",
        "info",
        p,
        "--map",
        "time=Zeit,ghi=G,temp_air=T,wind_speed=V,pressure=P",
        "--units",
        "temp_air=K,wind_speed=km/h,pressure=hPa",
        "--tz",
        "+01:00",
        "--lat",
        "51.4562",
        "--lon",
        "7.0568",
        "--json",
    ]
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)[0]
    assert s["format"] == "generic" and s["period_start_utc"] == "2015-01-01T00:00:00+00:00"
    assert_allclose(s["mean_temp_air_c"], d["temp_air"].mean(), atol=0.01)
    assert_allclose(s["mean_wind_speed_m_s"], d["wind_speed"].mean(), atol=0.001)
    assert_allclose(s["annual_ghi_kwh_m2"], d["ghi"].sum() / 1000, rtol=1e-5)


def test_generic_sub_hourly_label_end(tmp_path, default_year):
    """15-minute values stamped at the interval END average to the same hourly values."""
    d = default_year[0]
    t15 = pd.date_range("2015-01-01 00:15", periods=len(d) * 4, freq="15min", tz="UTC")
    cols = ["ghi", "temp_air", "wind_speed", "pressure"]
    df = pd.DataFrame({c: np.repeat(d[c].to_numpy(), 4) for c in cols})
    df.insert(0, "time", t15.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    p = tmp_path / "g15.csv"
    df.to_csv(p, index=False)
    data, meta = read_weather(p, "generic", label="end", latitude=51.4562, longitude=7.0568)
    assert meta.source_step == "15min" and data.index[0] == pd.Timestamp("2015-01-01", tz="UTC")
    assert_allclose(data["temp_air"].to_numpy(), d["temp_air"].to_numpy(), atol=1e-9)
    assert any("DHI split from GHI with the Erbs model" in n for n in meta.notes)


def test_bad_generic_inputs(tmp_path, default_year, invoke):
    d = default_year[0]
    p = tmp_path / "g.csv"
    pd.DataFrame(
        {
            "t": d.index.strftime("%Y-%m-%d %H:%M"),
            "g": d["ghi"],
            "T": d["temp_air"],
            "v": d["wind_speed"],
        }
    ).to_csv(p, index=False)
    base = ["weather", "info", p, "--map", "time=t,ghi=g,temp_air=T,wind_speed=v", "--tz", "UTC"]
    cases = [
        (base, r"needs the location"),
        (base + ["--lat", "51", "--lon", "7", "--units", "ghi=furlong"], r"unknown unit 'furlong'"),
        (base + ["--lat", "51", "--lon", "7", "--units", "ghi=K"], r"unit 'K' does not fit"),
        (
            base[:4] + ["time=t,ghi=G_missing", "--tz", "UTC"],
            r"--map names columns not in the file",
        ),
        (base[:4] + ["time=t,sunshine=g", "--tz", "UTC"], r"are not canonical names"),
        (base[:4] + ["time=zeit,ghi=g", "--tz", "UTC"], r"time column 'zeit' not found"),
        (
            base + ["--lat", "51", "--lon", "7"],
            r"missing required column pressure and no elevation",
        ),
    ]
    for args, pattern in cases:
        res = invoke(*args)
        assert res.exit_code == 1, (args, res.output)
        assert "Traceback" not in res.output and re.search(pattern, res.output), res.output
    # with elevation the pressure is derived (standard atmosphere) and the file reads
    res = invoke(*base, "--lat", "51", "--lon", "7", "--elevation", "102")
    assert res.exit_code == 0, res.output


def test_ambiguous_local_time(tmp_path, default_year, invoke):
    d = default_year[0]
    # naive Europe/Berlin wall-clock times repeat 02:00 at the end of summer time (25 Oct 2015)
    local = d.index.tz_convert("Europe/Berlin").tz_localize(None)
    p = tmp_path / "berlin.csv"
    pd.DataFrame(
        {
            "time": local.strftime("%Y-%m-%d %H:%M"),
            "ghi": d["ghi"],
            "temp_air": d["temp_air"],
            "wind_speed": d["wind_speed"],
            "pressure": d["pressure"],
        }
    ).to_csv(p, index=False)
    res = invoke(
        "weather",
        "info",
        p,
        "--format",
        "generic",
        "--tz",
        "Europe/Berlin",
        "--lat",
        "51.4",
        "--lon",
        "7",
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "ambiguous local timestamps" in res.output


def test_unknown_time_zone(tmp_path, default_year):
    d = default_year[0].iloc[:48]
    p = tmp_path / "g.csv"
    pd.DataFrame({"time": d.index.strftime("%Y-%m-%d %H:%M"), "temp_air": d["temp_air"]}).to_csv(
        p, index=False
    )
    with pytest.raises(WeatherError, match="unknown time zone 'Mars/Olympus'"):
        read_weather(p, "generic", tz="Mars/Olympus", latitude=51, longitude=7)
