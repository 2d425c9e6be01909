"""The optional canonical column ``cloud_cover_okta``: TRY (N), EPW (Total Sky Cover), canonical
CSV round trip, hourly means of sub-hourly values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from haldenenergie.weather import read_weather, write_weather
from haldenenergie.weather.config import WeatherConfig
from haldenenergie.weather.model import CANONICAL_UNITS, OPTIONAL_COLUMNS, WeatherMeta
from haldenenergie.weather.resample import to_hourly

#: The eight EPW header lines (EnergyPlus Auxiliary Programs, "Weather Converter": LOCATION ...
#: DATA PERIODS) of a synthetic Essen file, shared by the EPW tests.
EPW_HEADER = (Path(__file__).parent / "data" / "epw_header.txt").read_text().splitlines()


def test_column_is_optional_canonical():
    assert "cloud_cover_okta" in OPTIONAL_COLUMNS
    assert CANONICAL_UNITS["cloud_cover_okta"] == "okta"


def _try_rows(path, start):
    """The data rows of a TRY2015 file as a frame of the TRY2015 column names."""
    from haldenenergie.weather.readers.dwd_try import TRY2015_COLUMNS

    rows = [ln.split() for ln in path.read_text(encoding="latin-1").splitlines()[start:]]
    return pd.DataFrame([r for r in rows if r], columns=TRY2015_COLUMNS).astype(float)


def test_try2015_reads_n_as_okta(weather_dir, try_data_start):
    """N of each row on its UTC hour (HH hour ending MEZ: start UTC = HH - 2 h; the first row
    moved to the end of the year)."""
    p = weather_dir / "TRY2015_essen_jahr.dat"
    lines = p.read_text(encoding="latin-1").splitlines()
    raw = _try_rows(p, try_data_start(lines))
    data, meta = read_weather(p)
    n = raw["N"].to_numpy()
    assert n.max() <= 8  # this file has no code 9
    assert_array_equal(data["cloud_cover_okta"].to_numpy(), np.roll(n, -1))
    assert data.loc["2015-01-01 00:00", "cloud_cover_okta"].item() == 7.0  # 01.01. HH=2: N=7
    assert any("cloud_cover_okta" in x for x in meta.notes)


def test_try_code_9_is_read_as_overcast(tmp_path, weather_dir, try_data_start):
    """N = 9 (sky obscured, WMO-No. 306 code table 2700) becomes 8 okta."""
    p = weather_dir / "TRY2015_essen_jahr.dat"
    lines = p.read_text(encoding="latin-1").splitlines()
    k = try_data_start(lines) + 1  # the row of 2015-01-01 00:00 UTC
    f = lines[k].split()
    f[9] = "9"  # column N
    lines[k] = " ".join(f)
    q = tmp_path / "TRY2015_n9.dat"
    q.write_text("\n".join(lines) + "\n", encoding="latin-1")
    data, _ = read_weather(q)
    assert data.loc["2015-01-01 00:00", "cloud_cover_okta"].item() == 8.0


def test_try2010_reads_n(weather_dir):
    data, _ = read_weather(weather_dir / "TRY2010_essen_wint.dat")
    c = data["cloud_cover_okta"].to_numpy()
    assert np.isfinite(c).all() and c.min() >= 0 and c.max() <= 8


def _epw(tmp_path, default_year, tenths):
    d = default_year[0]
    local = d.index + pd.Timedelta(hours=1)
    out = []
    for t, r, s in zip(local, d.itertuples(), tenths, strict=True):
        f = [
            t.year, t.month, t.day, t.hour + 1, 60, "?", round(r.temp_air, 2), 5.0, 80,
            r.pressure, 0, 0, 300, round(r.ghi, 2), round(r.dni, 2), round(r.dhi, 2), 0, 0, 0, 0,
            round(r.wind_direction), round(r.wind_speed, 3), s, 5, 10, 777, 9, 999999999, 10,
            0.1, 0, 88, 0.2, 0, 1,
        ]  # fmt: skip
        out.append(",".join(map(str, f)))
    p = tmp_path / "sky.epw"
    p.write_text("\n".join(EPW_HEADER + out) + "\n")
    return p


def test_epw_total_sky_cover_tenths_to_okta(tmp_path, default_year):
    """okta = tenths x 0.8; 99 (missing) is a gap, filled with the previous value."""
    n = len(default_year[0])
    tenths = np.arange(n) % 11  # 0..10
    tenths[5] = 99
    data, meta = read_weather(_epw(tmp_path, default_year, tenths))
    expected = tenths * 0.8
    expected[5] = expected[4]
    assert_allclose(data["cloud_cover_okta"].to_numpy(), expected, rtol=0, atol=1e-12)
    assert any("Total Sky Cover" in x for x in meta.notes)


def test_canonical_round_trip(tmp_path, try2015):
    data, meta = try2015
    p = write_weather(data, meta, tmp_path / "c.csv")
    header = next(ln for ln in p.read_text().splitlines() if ln.startswith("time_utc"))
    assert "cloud_cover_okta" in header.split(",")
    back, _ = read_weather(p)
    assert_allclose(back["cloud_cover_okta"], data["cloud_cover_okta"], atol=5e-4)


def test_hourly_mean_of_15_min_cloud_cover():
    idx = pd.date_range("2024-01-01", periods=8, freq="15min", tz="UTC")
    df = pd.DataFrame({"wind_speed": 3.0, "cloud_cover_okta": [0, 2, 4, 6, 8, 8, 8, 7]}, index=idx)
    meta = WeatherMeta(path="<test>", sha256="", source_format="test")
    h = to_hourly(df.astype(float), pd.Timedelta("15min"), meta, WeatherConfig(), "<test>")
    assert_allclose(h["cloud_cover_okta"].to_numpy(), [3.0, 7.75], rtol=1e-15)


@pytest.mark.parametrize("name", ["windpowerlib_berlin_2010.csv", "dwd_duesseldorf_2024_15min.csv"])
def test_other_readers_have_no_cloud_column(weather_dir, name):
    data, _ = read_weather(weather_dir / name)
    assert "cloud_cover_okta" not in data.columns
