"""Formats ``pvgis_tmy`` / ``pvgis_hourly`` and the PVGIS TMY download ``get_pvgis_tmy``."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import detect_format, get_pvgis_tmy, read_weather


def _pvgis_tmy_json(data: pd.DataFrame) -> dict:
    """A PVGIS TMY JSON answer in PVGIS's documented structure (api v5.2, tool 'tmy')."""
    rows = [
        {
            "time(UTC)": t.strftime("%Y%m%d:%H%M"),
            "T2m": r.temp_air,
            "RH": 80.0,
            "G(h)": r.ghi,
            "Gb(n)": r.dni,
            "Gd(h)": r.dhi,
            "IR(h)": 300.0,
            "WS10m": r.wind_speed,
            "WD10m": r.wind_direction,
            "SP": r.pressure,
        }
        for t, r in zip(
            data.index.map(lambda t: t.replace(year=2007 + t.month % 5)),
            data.itertuples(),
            strict=True,
        )
    ]
    return {
        "inputs": {
            "location": {"latitude": 51.4562, "longitude": 7.0568, "elevation": 102.0},
            "meteo_data": {
                "radiation_db": "PVGIS-SARAH3",
                "meteo_db": "ERA5",
                "year_min": 2005,
                "year_max": 2023,
            },
        },
        "outputs": {
            "months_selected": [{"month": m, "year": 2007 + m % 5} for m in range(1, 13)],
            "tmy_hourly": rows,
        },
        "meta": {
            "inputs": {"location": {"description": "Selected location"}},
            "outputs": {"tmy_hourly": {"type": "time series"}},
        },
    }


@pytest.fixture(scope="module")
def pvgis_doc(default_year):
    return _pvgis_tmy_json(default_year[0].round(2))


def test_pvgis_tmy_json_reads(tmp_path, pvgis_doc, default_year):
    p = tmp_path / "tmy.json"
    p.write_text(json.dumps(pvgis_doc))
    assert detect_format(p) == "pvgis_tmy"
    data, meta = read_weather(p)
    assert meta.source_format == "pvgis_tmy" and meta.latitude == 51.4562
    assert_allclose(data["ghi"].sum(), default_year[0]["ghi"].round(2).sum(), rtol=1e-9)
    assert data.index[0] == pd.Timestamp("2015-01-01", tz="UTC") and len(data) == 8760


def test_pvgis_json_detection_by_keys(tmp_path):
    """The TMY/hourly decision looks at the JSON keys when the first bytes do not tell."""
    tmy = tmp_path / "tmy.json"
    tmy.write_text(json.dumps({"inputs": {"x": "y" * 20000}, "outputs": {"tmy_hourly": []}}))
    assert detect_format(tmy) == "pvgis_tmy"
    hourly = tmp_path / "hourly.json"
    hourly.write_text(json.dumps({"inputs": {"x": "y" * 20000}, "outputs": {"hourly": []}}))
    assert detect_format(hourly) == "pvgis_hourly"


def test_pvgis_csv_detection(tmp_path):
    tmy = tmp_path / "tmy.csv"
    tmy.write_text("Latitude (decimal degrees):\t51.456\nmonth,year\n1,2007\ntime(UTC),T2m\n")
    assert detect_format(tmy) == "pvgis_tmy"
    hourly = tmp_path / "hourly.csv"
    hourly.write_text("Latitude (decimal degrees):\t51.456\nSlope: 0 deg.\ntime,G(i)\n")
    assert detect_format(hourly) == "pvgis_hourly"


def test_malformed_pvgis_tmy(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text('{"outputs": {"tmy_hourly": [{"nonsense": 1}]}}')
    with pytest.raises(WeatherError, match="(malformed PVGIS TMY|PVGIS TMY misses)"):
        read_weather(p)


def test_get_pvgis_tmy_with_recorded_response(monkeypatch, pvgis_doc):
    import requests

    calls = {}

    class FakeResponse:
        ok = True
        content = json.dumps(pvgis_doc).encode()

        def json(self):
            return json.loads(self.content)

    def fake_get(url, params=None, timeout=None):
        calls.update(url=url, params=params, timeout=timeout)
        return FakeResponse()

    monkeypatch.setattr(requests, "get", fake_get)
    data, meta = get_pvgis_tmy(51.4562, 7.0568, timeout=12.5)
    assert calls["timeout"] == 12.5 and calls["url"].endswith("tmy")
    assert calls["params"]["lat"] == 51.4562
    assert meta.source_format == "pvgis_tmy" and len(data) == 8760

    def fail(*a, **k):
        raise requests.Timeout("read timed out")

    monkeypatch.setattr(requests, "get", fail)
    with pytest.raises(WeatherError, match="PVGIS TMY download .* failed .*Timeout"):
        get_pvgis_tmy(51.0, 7.0, timeout=1)


def test_pvgis_tmy_json_metadata(tmp_path, pvgis_doc):
    """Location, elevation, database and the years the typical year was chosen from."""
    from haldenenergie.weather.readers import FORMATS

    p = tmp_path / "tmy.json"
    p.write_text(json.dumps(pvgis_doc))
    raw = FORMATS["pvgis_tmy"].reader(p, p.read_text()[:4096], {})
    assert (raw.latitude, raw.longitude, raw.elevation_m) == (51.4562, 7.0568, 102.0)
    assert raw.data_source == "PVGIS-SARAH3 + ERA5"
    assert raw.source_period == "typical year of 2005-2023"


def _pvgis_tmy_csv(data: pd.DataFrame) -> str:
    """A PVGIS TMY CSV in the layout of pvlib-python's tests/data/tmy_45.000_8.000_2005_2023.csv.

    Header (latitude, longitude, elevation, irradiance time offset), the ``month,year`` table of
    the selected months, ``time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP``, 8760 rows
    and the footer of column descriptions; values from the synthetic year.
    """
    years = {m: 2006 + m for m in range(1, 13)}  # months from 2007-2018
    head = [
        "Latitude (decimal degrees): 51.456",
        "Longitude (decimal degrees): 7.057",
        "Elevation (m): 102.0",
        "Irradiance Time Offset (h): 0.1761",
        "month,year",
        *[f"{m},{y}" for m, y in years.items()],
        "time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP",
    ]
    rows = [
        f"{t.replace(year=years[t.month]):%Y%m%d:%H%M},{r.temp_air:.2f},80.0,{r.ghi:.2f},"
        f"{r.dni:.2f},{r.dhi:.2f},300.0,{r.wind_speed:.2f},{r.wind_direction:.1f},{r.pressure:.1f}"
        for t, r in zip(data.index, data.itertuples(), strict=True)
    ]
    foot = ["", "T2m: 2-m air temperature (degree Celsius)", "", "PVGIS (c) European Union"]
    return "\n".join(head + rows + foot) + "\n"


def test_pvgis_tmy_csv_reads_with_metadata(tmp_path, default_year):
    from haldenenergie.weather.readers import FORMATS

    d = default_year[0].iloc[:8760]
    p = tmp_path / "tmy_51.456_7.057_2005_2023.csv"
    p.write_text(_pvgis_tmy_csv(d))
    assert detect_format(p) == "pvgis_tmy"
    data, meta = read_weather(p)
    assert (meta.latitude, meta.longitude, meta.elevation_m) == (51.456, 7.057, 102.0)
    assert_allclose(data["ghi"].sum(), d["ghi"].round(2).sum(), rtol=1e-9)
    raw = FORMATS["pvgis_tmy"].reader(p, p.read_text()[:4096], {})
    assert raw.data_source == "PVGIS TMY"  # the TMY CSV names no database
    assert raw.source_period == "typical year of 2007-2018"


def test_get_pvgis_tmy_records_source(monkeypatch, pvgis_doc):
    import requests

    class FakeResponse:
        ok = True
        content = json.dumps(pvgis_doc).encode()

        def json(self):
            return json.loads(self.content)

    monkeypatch.setattr(requests, "get", lambda url, params=None, timeout=None: FakeResponse())
    _data, meta = get_pvgis_tmy(51.4562, 7.0568)
    assert meta.data_source == "PVGIS-SARAH3 + ERA5"
    assert meta.source_period == "typical year of 2005-2023"
    assert meta.to_dict()["data_source"] == "PVGIS-SARAH3 + ERA5"
