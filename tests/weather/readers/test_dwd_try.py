"""Formats ``try2015`` / ``try2010``: DWD test reference years."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import detect_format, read_weather, solar_position


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("TRY2015_essen_jahr.dat", "try2015"),
        ("TRY2045_essen_jahr.dat", "try2015"),
        ("TRY2010_essen_wint.dat", "try2010"),
    ],
)
def test_detected_by_content(weather_dir, name, fmt):
    assert detect_format(weather_dir / name) == fmt


def test_try2015_time_convention(weather_dir):
    """HH = hour ending MEZ: the row MM=6 DD=21 HH=13 (12-13 MEZ) is UTC 11:00-12:00."""
    path = weather_dir / "TRY2015_essen_jahr.dat"
    data, meta = read_weather(path)
    rows = path.read_text(encoding="latin-1").split("***", 1)[1].splitlines()[1:]
    arr = np.array([r.split() for r in rows if r.strip()], dtype=float)
    sel = arr[(arr[:, 2] == 6) & (arr[:, 3] == 21) & (arr[:, 4] == 13)][0]
    row = data.loc[pd.Timestamp("2015-06-21 11:00", tz="UTC")]
    assert_allclose(row["ghi"], sel[12] + sel[13])
    assert_allclose(row["pressure"], sel[6] * 100)
    # the first hour (00-01 MEZ on 1 January = 23-24 UTC on 31 December) is rolled to the year end
    first = arr[0]
    assert_allclose(data.iloc[-1]["temp_air"], first[5])
    assert_allclose(meta.latitude, 51.4562, atol=1e-3)
    assert_allclose(meta.longitude, 7.0568, atol=1e-3)


def test_try2015_clear_june_days_peak_at_solar_noon(try2015):
    data, meta = try2015
    june = data[data.index.month == 6]
    daily = june["ghi"].groupby(june.index.day).sum()
    clear_days = daily.nlargest(8).index
    clear = june[june.index.day.isin(clear_days)]
    mean_by_hour = clear["ghi"].groupby(clear.index.hour).mean()
    peak_mid_h = mean_by_hour.idxmax() + 0.5  # label = interval start -> middle
    # solar noon at 7.06 E in June: 12 h - 7.06/15 h - equation of time (~0) = ~11.5 h UTC
    sp = solar_position(
        pd.date_range("2015-06-15", periods=24 * 60, freq="min", tz="UTC")
        - pd.Timedelta(minutes=30),
        meta.latitude,
        meta.longitude,
    )
    noon_h = sp["zenith"].idxmin().hour + sp["zenith"].idxmin().minute / 60 + 0.5
    assert abs(noon_h - 11.5) < 0.25
    assert abs(peak_mid_h - noon_h) <= 1.0


def test_year_option_relabels_typical_year(weather_dir):
    data, meta = read_weather(weather_dir / "TRY2015_essen_jahr.dat", "try", year=2017)
    assert data.index[0] == pd.Timestamp("2017-01-01", tz="UTC") and len(data) == 8760
    assert "labelled 2017" in " ".join(meta.notes)
    # a leap year lacks 29 February in the TRY: a day-long gap, reported as such
    with pytest.raises(WeatherError, match=r"longest 24 h from 2016-02-28 23:00 UTC"):
        read_weather(weather_dir / "TRY2015_essen_jahr.dat", "try2045", year=2016)


def test_try2010_duplicated_first_hour_is_detected(weather_dir, tmp_path, try_data_start):
    lines = (weather_dir / "TRY2010_essen_wint.dat").read_text(encoding="utf-8").splitlines()
    i = try_data_start(lines)
    p = tmp_path / "TRY2010_dup.dat"
    p.write_text("\n".join(lines[: i + 1] + lines[i:]) + "\n", encoding="utf-8")
    data, meta = read_weather(p)
    assert len(data) == 8760
    assert any("duplicated first hour" in w and "TRY2010" in w for w in meta.warnings)


def test_try2010_anemometer_height_option(weather_dir):
    _d, meta = read_weather(weather_dir / "TRY2010_essen_wint.dat", wind_speed_height_m=15)
    assert meta.wind_speed_height_m == 15.0


def test_truncated_typical_year_is_short_not_gappy(tmp_path, weather_dir):
    """A TRY cut after 966 rows is reported as a short series (the first hour, 23-24 UTC of the
    previous day, is only rolled to the year's end when the series reaches it)."""
    lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    p = tmp_path / "TRY2015_cut.dat"
    p.write_text("\n".join(lines[:1000]) + "\n", encoding="latin-1")
    with pytest.raises(
        WeatherError,
        match=r"series covers 966 h .* from 2014-12-31 23:00 to "
        r"2015-02-10 04:00 UTC; annual yields need a full year",
    ):
        read_weather(p)
    d, m = read_weather(p, allow_partial=True)
    assert m.partial and len(d) == 966 and m.n_gaps == 0
    assert d.index[0] == pd.Timestamp("2014-12-31 23:00", tz="UTC")


def _bad_files(weather_dir, try_data_start):
    try_lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    i = try_data_start(try_lines)
    bad_try = list(try_lines)
    bad_try[i + 50] = bad_try[i + 50].replace(" 0.0 ", " x.y ", 1)[:40] + " abc def"
    t10 = (weather_dir / "TRY2010_essen_wint.dat").read_text(encoding="utf-8").splitlines()
    j = try_data_start(t10)
    dup2010 = t10[: j + 1] + [t10[j].replace("-14.5", "-13.0")] + t10[j + 1 :]
    no_stars = [ln for ln in try_lines if not ln.startswith("***")]
    return {
        "bad_try.dat": ("\n".join(bad_try), r"(malformed data rows|non-numeric values|columns)"),
        "dup2010.dat": ("\n".join(dup2010), r"first hour appears twice .*TRY2010"),
        "TRY2015_nostars.dat": ("\n".join(no_stars), r"without the '\*\*\*' line"),
    }


@pytest.mark.parametrize("name", ["bad_try.dat", "dup2010.dat", "TRY2015_nostars.dat"])
def test_bad_try_files(tmp_path, weather_dir, try_data_start, invoke, name):
    text, pattern = _bad_files(weather_dir, try_data_start)[name]
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    fmt = "try2015" if "nostars" in name else None
    with pytest.raises(WeatherError, match=pattern):
        read_weather(p, fmt)
    res = invoke("weather", "info", p, *(["--format", fmt] if fmt else []))
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert re.search(pattern, res.output)


# --- issue 16: duplicated edge rows and the TRY2010 time convention --------------------------


def _try2010_lines(weather_dir, try_data_start):
    lines = (weather_dir / "TRY2010_essen_wint.dat").read_text(encoding="utf-8").splitlines()
    return lines, try_data_start(lines)


def test_try2010_year_end_row_in_front_reads_with_warning(weather_dir, tmp_path, try_data_start):
    """Layout of the TRY2010 copies redistributed with the building-simulation package pyCity
    (RWTH-EBC/pyCity, ``pycity/inputs/weather/TRY2010_05_Somm.dat``): the row ``12 31 24`` (the
    last hour of the year) is repeated before the first row ``1 1 1``."""
    lines, i = _try2010_lines(weather_dir, try_data_start)
    p = tmp_path / "TRY2010_05_Wint.dat"
    p.write_text("\n".join(lines[:i] + [lines[-1]] + lines[i:]) + "\n", encoding="utf-8")
    data, meta = read_weather(p)
    ref, _ = read_weather(weather_dir / "TRY2010_essen_wint.dat")
    assert len(data) == 8760
    pd.testing.assert_frame_equal(data, ref)
    w = [w for w in meta.warnings if "duplicated last hour of the year" in w]
    assert w and f"line {i + 1} was dropped" in w[0] and "TRY2010" in w[0]


def test_try2010_duplicated_last_hour_reads_with_warning(weather_dir, tmp_path, try_data_start):
    lines, _i = _try2010_lines(weather_dir, try_data_start)
    p = tmp_path / "TRY2010_dup_end.dat"
    p.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    data, meta = read_weather(p)
    assert len(data) == 8760
    assert any("duplicated last hour" in w and "dropped" in w for w in meta.warnings)


def test_try2010_differing_year_end_row_in_front_is_an_error(weather_dir, tmp_path, try_data_start):
    lines, i = _try2010_lines(weather_dir, try_data_start)
    p = tmp_path / "TRY2010_bad_front.dat"
    front = lines[-1].replace("-6.7", "-9.9")
    p.write_text("\n".join([*lines[:i], front, *lines[i:]]) + "\n", encoding="utf-8")
    with pytest.raises(WeatherError, match=r"last hour of the year.* appears twice .*TRY2010"):
        read_weather(p)


def test_try2010_irradiance_is_centred_on_the_stamp(weather_dir, try_data_start):
    """Row HH holds the irradiance of HH-0.5 h .. HH+0.5 h MEZ (see the reader's docstring): the
    canonical hour 11-12 UTC (12-13 MEZ) is half row HH=12 and half row HH=13; temperature keeps
    the hour-ending reading (row HH=13); the annual sum is unchanged."""
    lines, i = _try2010_lines(weather_dir, try_data_start)
    arr = np.array([r.split() for r in lines[i:] if r.strip()], dtype=float)
    mm, dd, hh, t, b, d = (arr[:, c] for c in (2, 3, 4, 8, 13, 14))
    data, meta = read_weather(weather_dir / "TRY2010_essen_wint.dat")
    row = data.loc[pd.Timestamp("2010-06-21 11:00", tz="UTC")]
    r12, r13 = (np.flatnonzero((mm == 6) & (dd == 21) & (hh == h))[0] for h in (12, 13))
    assert_allclose(row["ghi"], 0.5 * (b[r12] + d[r12] + b[r13] + d[r13]))
    assert_allclose(row["dhi"], 0.5 * (d[r12] + d[r13]))
    assert_allclose(row["temp_air"], t[r13])
    assert_allclose(data["ghi"].sum(), (b + d).sum())
    assert any("centred on HH MEZ" in n for n in meta.notes)


def test_try2015_time_convention_unchanged_by_try2010_rule(try2015, weather_dir, try_data_start):
    """TRY2015 irradiance stays hour ending: UTC 11-12 (12-13 MEZ) is the row HH=13 alone."""
    lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    arr = np.array([r.split() for r in lines[try_data_start(lines) :] if r.strip()], dtype=float)
    sel = arr[(arr[:, 2] == 6) & (arr[:, 3] == 21) & (arr[:, 4] == 13)][0]
    data, _meta = try2015
    assert_allclose(data.loc[pd.Timestamp("2015-06-21 11:00", tz="UTC"), "ghi"], sel[12] + sel[13])
