"""Format ``epw``: EnergyPlus weather files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import detect_format, read_weather

#: The eight EPW header lines (EnergyPlus Auxiliary Programs, "Weather Converter": LOCATION ...
#: DATA PERIODS) of a synthetic Essen file, shared by the EPW tests.
HEADER = (Path(__file__).parent / "data" / "epw_header.txt").read_text().splitlines()


def _epw_line(t, r) -> str:
    hour_end = t.hour + 1  # EPW hour 1..24 ends the interval
    f = [
        t.year, t.month, t.day, hour_end, 60, "?", round(r.temp_air, 2), 5.0, 80, r.pressure,
        0, 0, 300, round(r.ghi, 2), round(r.dni, 2), round(r.dhi, 2), 0, 0, 0, 0,
        round(r.wind_direction), round(r.wind_speed, 3), 5, 5, 10, 777, 9, 999999999, 10, 0.1,
        0, 88, 0.2, 0, 1,
    ]  # fmt: skip
    return ",".join(map(str, f))


@pytest.fixture(scope="module")
def epw_file(tmp_path_factory, default_year):
    d = default_year[0]
    local = d.copy()
    local.index = d.index + pd.Timedelta(hours=1)  # local standard time UTC+1
    lines = [_epw_line(t, r) for t, r in zip(local.index, d.itertuples(), strict=True)]
    p = tmp_path_factory.mktemp("epw") / "x.epw"
    p.write_text("\n".join(HEADER + lines) + "\n")
    return p


def test_epw_reads(epw_file, default_year):
    d = default_year[0]
    assert detect_format(epw_file) == "epw"
    data, meta = read_weather(epw_file)
    assert meta.source_format == "epw"
    assert_allclose(data["ghi"].sum(), d["ghi"].round(2).sum(), rtol=1e-9)
    assert_allclose(data["temp_air"].to_numpy(), d["temp_air"].round(2).to_numpy(), atol=1e-9)


def test_epw_missing_codes_become_gaps(tmp_path, epw_file):
    lines = epw_file.read_text().splitlines()
    f = lines[8 + 100].split(",")
    f[6] = "99.9"  # missing temperature
    lines[8 + 100] = ",".join(f)
    p = tmp_path / "gap.epw"
    p.write_text("\n".join(lines) + "\n")
    _data, meta = read_weather(p)
    assert meta.n_gaps == 1 and meta.n_gaps_filled == 1


def test_malformed_epw(tmp_path):
    p = tmp_path / "bad.epw"
    p.write_text("\n".join(HEADER) + "\n1,2,3\n")
    with pytest.raises(WeatherError, match="malformed EPW file"):
        read_weather(p)


def test_epw_metadata(epw_file):
    """LOCATION line: city, country, data source field, latitude, longitude, elevation."""
    from haldenenergie.weather.readers import FORMATS

    raw = FORMATS["epw"].reader(epw_file, epw_file.read_text()[:4096], {})
    assert (raw.latitude, raw.longitude, raw.elevation_m) == (51.46, 7.06, 102.0)
    assert raw.station == "Essen (104100)"
    assert raw.data_source == "EPW Essen DEU (synthetic)"
    assert raw.source_period == "2015-01-01 00:00 to 2015-12-31 23:00 UTC"


def test_epw_typical_year_metadata(tmp_path, epw_file):
    """A typical year (months from different years, as PVGIS's EPW download) names those years."""
    from haldenenergie.weather.readers import FORMATS

    lines = epw_file.read_text().splitlines()
    body = []
    for line in lines[8:]:
        f = line.split(",")
        f[0] = str(2005 + int(f[1]))  # month m taken from year 2005 + m (2006-2017)
        body.append(",".join(f))
    p = tmp_path / "tmy.epw"
    p.write_text("\n".join(lines[:8] + body) + "\n")
    raw = FORMATS["epw"].reader(p, p.read_text()[:4096], {})
    assert raw.typical_year == 2015
    assert raw.source_period == "typical year of 2006-2017"
