"""Format ``pvgis_hourly``: the PVGIS 'Hourly data' CSV and JSON as the web tool and API give them.

Layouts: pvlib-python's test data ``tests/data/pvgis_hourly_Timeseries_45.000_8.000_SA_30deg_0deg_
2016_2016.csv`` (the web tool's CSV: header with latitude, longitude, elevation, radiation database,
slope and azimuth; ``time,Gb(i),Gd(i),Gr(i),H_sun,T2m,WS10m,Int``; stamps hh:10 UTC; a footer of
column descriptions) and ``pvlib/data/pvgis_hourly_Timeseries_45.000_8.000_CM_10kWp_CIS_5_2a_2013_
2014.json`` (the API's JSON: ``inputs.location``, ``inputs.meteo_data``, ``inputs.mounting_system``,
``outputs.hourly``); the JRC PVGIS tool page "Hourly radiation" describes the same columns.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import detect_format, read_weather
from haldenenergie.weather.distance import check_station_distance
from haldenenergie.weather.readers import FORMATS
from haldenenergie.weather.readers.pvgis import Plane, hourly_plane

#: pvlib-python tests/data/pvgis_hourly_Timeseries_45.000_8.000_SA_30deg_0deg_2016_2016.csv,
#: verbatim: the web tool's download for a plane of slope 30° (plane-of-array components).
PVLIB_POA_CSV = """\
Latitude (decimal degrees):\t45.000
Longitude (decimal degrees):\t8.000
Elevation (m):\t250
Radiation database:\tPVGIS-SARAH


Slope: 30 deg. 
Azimuth: 0 deg. 
time,Gb(i),Gd(i),Gr(i),H_sun,T2m,WS10m,Int
20160101:0010,0.0,0.0,0.0,0.0,3.44,1.43,0.0
20160101:0110,0.0,0.0,0.0,0.0,2.94,1.47,0.0
20160101:0210,0.0,0.0,0.0,0.0,2.43,1.51,0.0
20160101:0310,0.0,0.0,0.0,0.0,1.93,1.54,0.0
20160101:0410,0.0,0.0,0.0,0.0,2.03,1.62,0.0
20160101:0510,0.0,0.0,0.0,0.0,2.14,1.69,0.0
20160101:0610,0.0,0.0,0.0,0.0,2.25,1.77,0.0
20160101:0710,0.0,0.0,0.0,0.0,3.06,1.49,0.0
20160101:0810,26.71,8.28,0.21,8.06,3.87,1.22,1.0
20160101:0910,14.69,5.76,0.16,14.8,4.67,0.95,1.0
20160101:1010,2.19,0.94,0.03,19.54,5.73,0.77,1.0
20160101:1110,2.11,0.94,0.03,21.82,6.79,0.58,1.0
20160101:1210,4.25,1.88,0.05,21.41,7.84,0.4,1.0
20160101:1310,0.0,0.0,0.0,0.0,7.43,0.72,0.0

Gb(i): Beam (direct) irradiance on the inclined plane (plane of the array) (W/m2)
Gd(i): Diffuse irradiance on the inclined plane (plane of the array) (W/m2)
Gr(i): Reflected irradiance on the inclined plane (plane of the array) (W/m2)
H_sun: Sun height (degree)
T2m: 2-m air temperature (degree Celsius)
WS10m: 10-m total wind speed (m/s)
Int: 1 means solar radiation values are reconstructed



PVGIS (c) European Union, 2001-2021"""  # noqa: W291 - the file's own trailing blanks

#: The same layout for Essen at slope 0 (horizontal): the header of the pvlib file with the
#: location, database and slope changed; rows are added from the synthetic year.
_HEADER_0 = (
    "Latitude (decimal degrees):\t51.456\n"
    "Longitude (decimal degrees):\t7.057\n"
    "Elevation (m):\t102\n"
    "Radiation database:\tPVGIS-SARAH3\n"
    "\n\n"
    "Slope: 0 deg. \n"
    "Azimuth: 0 deg. \n"
    "time,Gb(i),Gd(i),Gr(i),H_sun,T2m,WS10m,Int\n"
)
_FOOTER = PVLIB_POA_CSV[PVLIB_POA_CSV.index("\n\nGb(i): Beam") :]
_DAYS = slice("2015-06-01", "2015-06-07")


def _rows(d: pd.DataFrame) -> list[str]:
    """Data lines (stamps hh:10 UTC like PVGIS): beam on the horizontal, diffuse, 0 reflected."""
    return [
        f"{t + pd.Timedelta(minutes=10):%Y%m%d:%H%M},{max(r.ghi - r.dhi, 0.0):.2f},{r.dhi:.2f},"
        f"0.0,0.0,{r.temp_air:.2f},{r.wind_speed:.2f},0.0"
        for t, r in zip(d.index, d.itertuples(), strict=True)
    ]


@pytest.fixture
def horizontal_csv(tmp_path, default_year):
    d = default_year[0].loc[_DAYS]
    p = tmp_path / "Timeseries_51.456_7.057_SA3_0deg_0deg_2015_2015.csv"
    p.write_text(_HEADER_0 + "\n".join(_rows(d)) + _FOOTER + "\n")
    return p


@pytest.fixture
def poa_csv(tmp_path):
    p = tmp_path / "Timeseries_45.000_8.000_SA_30deg_0deg_2016_2016.csv"
    p.write_text(PVLIB_POA_CSV + "\n")
    return p


def test_hourly_csv_horizontal_reads_with_its_location(horizontal_csv, default_year):
    d = default_year[0].loc[_DAYS]
    assert detect_format(horizontal_csv) == "pvgis_hourly"
    data, meta = read_weather(horizontal_csv, allow_partial=True)
    assert (meta.latitude, meta.longitude, meta.elevation_m) == (51.456, 7.057, 102.0)
    assert data.index[0] == pd.Timestamp("2015-06-01 00:00", tz="UTC") and len(data) == 7 * 24
    assert_allclose(data["ghi"].to_numpy(), d["ghi"].to_numpy(), atol=0.01)
    assert_allclose(data["dhi"].to_numpy(), d["dhi"].to_numpy(), atol=0.01)
    assert any("Gb(i) = beam on the horizontal" in n for n in meta.notes)


def test_hourly_csv_location_used_by_the_distance_check(horizontal_csv):
    _data, meta = read_weather(horizontal_csv, allow_partial=True)
    essen_heap = [(7.0, 51.5)]
    assert check_station_distance(meta, essen_heap, warn_km=100.0, max_km=250.0) == []
    berlin = [(13.4, 52.5)]  # about 450 km away
    with pytest.raises(WeatherError, match=r"51\.456° N 7\.057° E is 4\d\d km"):
        check_station_distance(meta, berlin, warn_km=100.0, max_km=250.0)


def test_hourly_csv_metadata(horizontal_csv):
    raw = FORMATS["pvgis_hourly"].reader(horizontal_csv, horizontal_csv.read_text()[:4096], {})
    assert (raw.latitude, raw.longitude, raw.elevation_m) == (51.456, 7.057, 102.0)
    assert raw.data_source == "PVGIS-SARAH3"
    assert raw.source_period == "2015-06-01 00:10 to 2015-06-07 23:10 UTC"


def test_hourly_csv_plane_of_array_refused(poa_csv):
    """pvlib's example download (slope 30°) is refused, naming the plane and the way out."""
    assert detect_format(poa_csv) == "pvgis_hourly"
    with pytest.raises(WeatherError) as exc:
        read_weather(poa_csv, allow_partial=True)
    msg = str(exc.value)
    assert "\n" not in msg and str(poa_csv) in msg
    assert "plane-of-array irradiance (Gb(i), Gd(i), Gr(i))" in msg
    assert "slope 30° and azimuth 0°" in msg
    assert "slope 0°" in msg and "seriescalc?lat=45.000&lon=8.000&angle=0" in msg


def test_hourly_csv_plane_of_array_refused_by_the_cli(invoke, poa_csv):
    r = invoke("weather", "info", poa_csv, "--allow-partial")
    assert r.exit_code == 1
    assert "error:" in r.stderr and "slope 30°" in r.stderr and "Traceback" not in r.output


def test_hourly_csv_without_slope_line_refused(tmp_path):
    """POA columns whose plane the header does not state are not guessed to be horizontal."""
    p = tmp_path / "noslope.csv"
    p.write_text(PVLIB_POA_CSV.replace("Slope: 30 deg. \nAzimuth: 0 deg. \n", ""))
    with pytest.raises(WeatherError, match="a plane the file does not state"):
        read_weather(p, allow_partial=True)


@pytest.mark.parametrize(
    ("inputs", "plane"),
    [
        ({"Slope": "30 deg.", "Azimuth": "0 deg."}, Plane("fixed", 30.0, 0.0)),
        ({"Slope": "35 deg. (optimum)", "Azimuth": "-90 deg."}, Plane("fixed", 35.0, -90.0)),
        ({"mounting_system": {"fixed": {"slope": {"value": 0}}}}, Plane("fixed", 0.0, None)),
        (
            {"mounting_system": {"two_axis": {"slope": {"value": "-"}}}},
            Plane("two_axis", None, None),
        ),
        ({}, Plane(None, None, None)),
    ],
)
def test_hourly_plane(inputs, plane):
    assert hourly_plane(inputs) == plane


def _hourly_json(d: pd.DataFrame, mounting: dict) -> dict:
    """The API's JSON (structure of pvlib's pvgis_hourly_Timeseries_…_2013_2014.json)."""
    rows = [
        {
            "time": f"{t + pd.Timedelta(minutes=10):%Y%m%d:%H%M}",
            "Gb(i)": round(max(r.ghi - r.dhi, 0.0), 2),
            "Gd(i)": round(r.dhi, 2),
            "Gr(i)": 0.0,
            "H_sun": 0.0,
            "T2m": round(r.temp_air, 2),
            "WS10m": round(r.wind_speed, 2),
            "Int": 0.0,
        }
        for t, r in zip(d.index, d.itertuples(), strict=True)
    ]
    return {
        "inputs": {
            "location": {"latitude": 51.456, "longitude": 7.057, "elevation": 102.0},
            "meteo_data": {
                "radiation_db": "PVGIS-SARAH3",
                "meteo_db": "ERA5",
                "year_min": 2015,
                "year_max": 2015,
                "use_horizon": True,
            },
            "mounting_system": mounting,
        },
        "outputs": {"hourly": rows},
        "meta": {
            "inputs": {"location": {"description": "Selected location"}},
            "outputs": {"hourly": {"type": "time series", "timestamp": "hourly averages"}},
        },
    }


def test_hourly_json_horizontal_reads(tmp_path, default_year):
    d = default_year[0].loc[_DAYS]
    fixed0 = {"fixed": {"slope": {"value": 0, "optimal": False}, "azimuth": {"value": 0}}}
    p = tmp_path / "hourly.json"
    p.write_text(json.dumps(_hourly_json(d, fixed0)))
    data, meta = read_weather(p, allow_partial=True)
    assert meta.source_format == "pvgis_hourly" and meta.latitude == 51.456
    assert_allclose(data["ghi"].to_numpy(), d["ghi"].to_numpy(), atol=0.01)
    raw = FORMATS["pvgis_hourly"].reader(p, p.read_text()[:4096], {})
    assert raw.data_source == "PVGIS-SARAH3 + ERA5"
    assert raw.source_period.startswith("2015-06-01 00:10 to ")


@pytest.mark.parametrize(
    ("mounting", "says"),
    [
        (
            {"fixed": {"slope": {"value": 30}, "azimuth": {"value": -90}}},
            "slope 30° and azimuth -90°",
        ),
        ({"two_axis": {"slope": {"value": "-"}, "azimuth": {"value": "-"}}}, "two-axis tracking"),
    ],
)
def test_hourly_json_plane_of_array_refused(tmp_path, default_year, mounting, says):
    p = tmp_path / "poa.json"
    p.write_text(json.dumps(_hourly_json(default_year[0].loc[_DAYS], mounting)))
    with pytest.raises(WeatherError, match=f"plane-of-array irradiance .*{says}.*slope 0°"):
        read_weather(p, allow_partial=True)


@pytest.mark.slow
def test_run_reads_the_location_from_the_pvgis_header(cli, horizontal_csv, tmp_path):
    """``run`` needs no --lat/--lon for a PVGIS download: the header holds the location."""
    out = tmp_path / "out"
    cli("run", "--weather", horizontal_csv, "--allow-partial", "--heap", "haniel", "--out", out)
    weather = json.loads((out / "manifest.json").read_text())["weather"]
    assert (weather["latitude"], weather["longitude"]) == (51.456, 7.057)
