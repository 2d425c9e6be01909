"""Format ``dwd_cdc``: DWD CDC station products (hourly, 10-minute; folder, zip, single file)."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import CDC_VARIABLE_MAP, detect_format, read_weather
from haldenenergie.weather.readers.dwd_cdc import VARIABLE_MAP, regrid_energy

GEO = (
    "Stations_id;Stationshoehe;Geogr.Breite;Geogr.Laenge;von_datum;bis_datum;Stationsname\n"
    "1078;37;51.2960;6.7686;19690101;;Duesseldorf\n"
)


def _cdc_file(path, cols: dict, times, fmt="%Y%m%d%H", station=1078):
    df = pd.DataFrame(
        {"STATIONS_ID": station, "MESS_DATUM": times.strftime(fmt), "QN": 3, **cols, "eor": "eor"}
    )
    path.write_text(df.to_csv(sep=";", index=False).replace(";", ";  "))


@pytest.fixture
def hourly_folder(tmp_path, default_year):
    d = default_year[0].iloc[:8760]
    end = d.index + pd.Timedelta(hours=1)  # CDC: MESS_DATUM = end of the hour
    folder = tmp_path / "cdc"
    folder.mkdir()
    ws = d["wind_speed"].round(1).to_numpy().copy()
    ws[100] = -999  # one missing value: a short gap
    _cdc_file(
        folder / "produkt_ff_stunde_20150101_20151231_01078.txt",
        {"F": ws, "D": d["wind_direction"].round(0).to_numpy()},
        end,
    )
    _cdc_file(
        folder / "produkt_tu_stunde_20150101_20151231_01078.txt",
        {"TT_TU": d["temp_air"].round(1).to_numpy(), "RF_TU": 80},
        end,
    )
    _cdc_file(
        folder / "produkt_p0_stunde_20150101_20151231_01078.txt",
        {"P": 1013.0, "P0": (d["pressure"] / 100).round(1).to_numpy()},
        end,
    )
    jcm2 = (d["ghi"] * 3600 / 1e4).round(3)  # W m-2 -> J cm-2 per hour
    _cdc_file(
        folder / "produkt_st_stunde_20150101_20151231_01078.txt",
        {"FG_LBERG": jcm2.to_numpy(), "FD_LBERG": (d["dhi"] * 0.36).round(3).to_numpy()},
        end,
        fmt="%Y%m%d%H:%M",
    )
    (folder / "Metadaten_Geographie_01078.txt").write_text(GEO)
    return folder


def test_dwd_cdc_hourly_station_combined(hourly_folder, default_year):
    d = default_year[0].iloc[:8760]
    assert detect_format(hourly_folder) == "dwd_cdc"
    data, meta = read_weather(hourly_folder)
    assert meta.source_format == "dwd_cdc" and meta.latitude == 51.296 and "01078" in meta.station
    assert_allclose(data["ghi"].to_numpy(), d["ghi"].to_numpy(), atol=0.02)
    assert_allclose(data["pressure"].to_numpy(), d["pressure"].to_numpy(), atol=6)
    assert meta.n_gaps == 1 and meta.n_gaps_filled == 1
    assert any("interpolated" in w for w in meta.warnings)


def test_dwd_cdc_zip_reads_like_folder(hourly_folder, tmp_path):
    zp = tmp_path / "station.zip"
    with zipfile.ZipFile(zp, "w") as z:
        for p in sorted(hourly_folder.iterdir()):
            z.write(p, p.name)
    assert detect_format(zp) == "dwd_cdc"
    a, _ = read_weather(hourly_folder)
    b, mb = read_weather(zp)
    pd.testing.assert_frame_equal(a, b)
    assert mb.source_format == "dwd_cdc"


def test_dwd_cdc_single_product_detected(hourly_folder):
    assert detect_format(hourly_folder / "produkt_tu_stunde_20150101_20151231_01078.txt") == (
        "dwd_cdc"
    )


def test_dwd_cdc_ten_minute_solar(tmp_path, default_year):
    d = default_year[0]
    t10 = pd.date_range(d.index[0], periods=len(d) * 6, freq="10min", tz="UTC")
    ghi10 = np.repeat(d["ghi"].to_numpy(), 6)
    end = t10 + pd.Timedelta(minutes=10)
    folder = tmp_path / "cdc10"
    folder.mkdir()
    _cdc_file(
        folder / "produkt_zehn_min_sd_20150101_20151231_01078.txt",
        {
            "DS_10": (np.repeat(d["dhi"].to_numpy(), 6) * 0.06).round(4),
            "GS_10": (ghi10 * 600 / 1e4).round(4),
            "SD_10": 0,
            "LS_10": -999,
        },
        end,
        fmt="%Y%m%d%H%M",
    )
    _cdc_file(
        folder / "produkt_zehn_min_ff_20150101_20151231_01078.txt",
        {"FF_10": np.repeat(d["wind_speed"].to_numpy(), 6).round(1), "DD_10": 200},
        end,
        fmt="%Y%m%d%H%M",
    )
    _cdc_file(
        folder / "produkt_zehn_min_tu_20150101_20151231_01078.txt",
        {
            "PP_10": np.repeat(d["pressure"].to_numpy() / 100, 6).round(1),
            "TT_10": np.repeat(d["temp_air"].to_numpy(), 6).round(1),
        },
        end,
        fmt="%Y%m%d%H%M",
    )
    data, meta = read_weather(folder, latitude=51.296, longitude=6.7686)
    assert meta.source_step == "10min"
    assert_allclose(data["ghi"].to_numpy(), d["ghi"].to_numpy(), atol=0.01)


def test_dwd_cdc_errors(tmp_path, default_year):
    d = default_year[0].iloc[:48]
    end = d.index + pd.Timedelta(hours=1)
    two = tmp_path / "two"
    two.mkdir()
    _cdc_file(two / "produkt_tu_stunde_1.txt", {"TT_TU": d["temp_air"].round(1)}, end)
    _cdc_file(two / "produkt_ff_stunde_2.txt", {"F": d["wind_speed"].round(1)}, end, station=99)
    with pytest.raises(WeatherError, match="CDC files of several stations"):
        read_weather(two)
    noloc = tmp_path / "noloc"
    noloc.mkdir()
    _cdc_file(noloc / "produkt_tu_stunde_1.txt", {"TT_TU": d["temp_air"].round(1)}, end)
    with pytest.raises(WeatherError, match="station location unknown"):
        read_weather(noloc)
    unknown = tmp_path / "unknown"
    unknown.mkdir()
    _cdc_file(unknown / "produkt_xx_stunde_1.txt", {"XYZ": 1.0}, end)
    with pytest.raises(WeatherError, match="no known variable column"):
        read_weather(unknown)


def test_variable_map_units_are_known():
    assert CDC_VARIABLE_MAP is VARIABLE_MAP
    from haldenenergie.weather.units import QUANTITY_OF, UNIT_FUNCS

    for canon, unit in VARIABLE_MAP.values():
        assert UNIT_FUNCS[unit.lower()][0] == QUANTITY_OF[canon]


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_regrid_energy_conserves_energy(unit):
    """Constant 100 W m-2 in intervals ending at hh:30 -> 100 W m-2 in every full UTC hour; the
    time resolution of the index (pandas 3 parses to microseconds) does not matter."""
    end = pd.date_range("2015-06-01 01:30", periods=10, freq="h", tz="UTC").as_unit(unit)
    out = regrid_energy(end, np.full(10, 100.0), pd.Timedelta(hours=1))
    assert out.index[0] == pd.Timestamp("2015-06-01 01:00", tz="UTC") and len(out) == 9
    assert_allclose(out.to_numpy(), 100.0)
    w = np.arange(10.0)  # ramp: each UTC hour is the mean of two half intervals
    assert_allclose(regrid_energy(end, w, pd.Timedelta(hours=1)).to_numpy(), (w[:-1] + w[1:]) / 2)


def test_dwd_cdc_hourly_solar_in_true_solar_time(tmp_path, default_year):
    """CDC hourly solar sums are stamped in true solar time (e.g. hh:24): re-gridded by overlap."""
    d = default_year[0].iloc[:8760]
    end = d.index + pd.Timedelta(hours=1)
    folder = tmp_path / "woz"
    folder.mkdir()
    _cdc_file(folder / "produkt_tu_stunde_1.txt", {"TT_TU": d["temp_air"].round(1)}, end)
    _cdc_file(folder / "produkt_ff_stunde_1.txt", {"F": d["wind_speed"].round(1)}, end)
    _cdc_file(folder / "produkt_p0_stunde_1.txt", {"P0": (d["pressure"] / 100).round(1)}, end)
    jcm2 = (d["ghi"] * 0.36).round(3).to_numpy()
    _cdc_file(
        folder / "produkt_st_stunde_1.txt",
        {"FG_LBERG": jcm2, "FD_LBERG": (d["dhi"] * 0.36).round(3).to_numpy()},
        end + pd.Timedelta(minutes=24),
        fmt="%Y%m%d%H:%M",
    )
    (folder / "Metadaten_Geographie_01078.txt").write_text(GEO)
    data, meta = read_weather(folder, allow_partial=True)
    assert any("re-gridded to UTC hours" in w for w in meta.warnings)
    assert_allclose(data["ghi"].sum(), d["ghi"].sum(), rtol=0.01)


def test_dwd_cdc_metadata_folder_and_zip(hourly_folder, tmp_path):
    """Station location and elevation (Metadaten_Geographie), source and period, folder and zip."""
    from haldenenergie.weather.readers import FORMATS

    zp = tmp_path / "station.zip"
    with zipfile.ZipFile(zp, "w") as z:
        for p in sorted(hourly_folder.iterdir()):
            z.write(p, p.name)
    for src in (hourly_folder, zp):
        raw = FORMATS["dwd_cdc"].reader(src, "", {})
        assert (raw.latitude, raw.longitude, raw.elevation_m) == (51.296, 6.7686, 37.0)
        assert raw.station == "DWD Duesseldorf 01078"
        assert raw.data_source == "DWD CDC station 1078"
        assert raw.source_period == "2015-01-01 00:00 to 2015-12-31 23:00 UTC"
