"""Station metadata: anemometer height and station roughness (files, table, overrides)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from haldenenergie.weather import read_weather, summarize
from haldenenergie.weather.config import WeatherConfig
from haldenenergie.weather.readers.station import (
    apply_station_overrides,
    cdc_anemometer_height,
    station_kind,
    station_roughness,
)

# DWD CDC wind device description, header as DWD publishes it (Metadaten_Geraete_*, ';'-separated,
# latin-1): Stations_ID;Stationsname;Geo. Laenge [Grad];Geo. Breite [Grad];Stationshoehe [m];
# Geberhoehe ueber Grund [m];Von_Datum;Bis_Datum;Geraetetyp Name;Messverfahren;eor;
DEVICE = (
    "Stations_ID;Stationsname;Geo. Laenge [Grad];Geo. Breite [Grad];Stationshoehe [m];"
    "Geberhoehe ueber Grund [m];Von_Datum;Bis_Datum;Geraetetyp Name;Messverfahren;eor;\n"
    "1078;Düsseldorf;6.7686;51.296;37;12;19690101;20081231;Schalenanemometer;"
    "Windmessung, elektr.;eor;\n"
    "1078;Düsseldorf;6.7686;51.296;37;10;20090101;;Ultraschallanemometer;"
    "Windmessung, elektr.;eor;\n"
)
GEO = (
    "Stations_id;Stationshoehe;Geogr.Breite;Geogr.Laenge;von_datum;bis_datum;Stationsname\n"
    "1078;37;51.2960;6.7686;19690101;;Duesseldorf\n"
)


def test_cdc_device_file_gives_the_height_of_the_data_period():
    blob = DEVICE.encode("latin-1")
    assert cdc_anemometer_height(blob, "20051231")[0] == 12.0
    h, note = cdc_anemometer_height(blob, "20151231")
    assert h == 10.0 and "Geberhoehe" in note and "12" in note  # history listed
    assert cdc_anemometer_height(b"Stations_ID;eor;\n", None) is None


def _cdc_wind_folder(tmp_path, year, device: bool):
    """A CDC station folder in DWD's product layout (MESS_DATUM = end of the hour)."""
    d = year.iloc[:8760]
    idx = d.index + pd.Timedelta(hours=1)
    folder = tmp_path / "cdc"
    folder.mkdir()
    for name, (cols, fmt) in {
        "produkt_ff_stunde_20150101_20151231_01078.txt": (
            {"F": d["wind_speed"].round(1).to_numpy(), "D": 225},
            "%Y%m%d%H",
        ),
        "produkt_tu_stunde_20150101_20151231_01078.txt": (
            {"TT_TU": d["temp_air"].round(1).to_numpy(), "RF_TU": 80},
            "%Y%m%d%H",
        ),
        "produkt_p0_stunde_20150101_20151231_01078.txt": (
            {"P": 1013.0, "P0": (d["pressure"] / 100).round(1).to_numpy()},
            "%Y%m%d%H",
        ),
        "produkt_st_stunde_20150101_20151231_01078.txt": (
            {
                "FG_LBERG": (d["ghi"] * 0.36).round(3).to_numpy(),  # W m-2 -> J cm-2 per hour
                "FD_LBERG": (d["dhi"] * 0.36).round(3).to_numpy(),
            },
            "%Y%m%d%H:%M",
        ),
    }.items():
        df = pd.DataFrame({"STATIONS_ID": 1078, "MESS_DATUM": idx.strftime(fmt), "QN": 3, **cols})
        df["eor"] = "eor"
        (folder / name).write_text(df.to_csv(sep=";", index=False).replace(";", ";  "))
    (folder / "Metadaten_Geographie_01078.txt").write_text(GEO)
    if device:
        (folder / "Metadaten_Geraete_Windgeschwindigkeit_01078.txt").write_bytes(
            DEVICE.replace(";10;20090101", ";13;20090101").encode("latin-1")
        )
    return folder


@pytest.mark.parametrize(("device", "height"), [(True, 13.0), (False, 10.0)])
def test_cdc_reader_takes_the_anemometer_height(tmp_path, default_year, device, height):
    _, meta = read_weather(_cdc_wind_folder(tmp_path, default_year[0], device))
    assert meta.anemometer_height_m == height == meta.wind_speed_height_m
    # the station lies at Düsseldorf airport: open-terrain roughness from the table
    assert meta.roughness_length_m == 0.03
    z0, src = station_roughness(meta)
    assert z0 == 0.03 and "Wieringa" in src


def test_station_table_by_location_then_format():
    assert station_kind("dwd_15min", 51.2965, 6.77)["kind"] == "airport"
    assert station_kind("try2015", 51.4562, 7.0568)["roughness_length_m"] == ""
    assert station_kind("epw", 48.0, 11.0)["roughness_length_m"] == "0.03"
    assert station_kind("generic", 48.0, 11.0) is None


def test_overrides_replace_file_values():
    meta = SimpleNamespace(wind_speed_height_m=10.0, roughness_length_m=None, notes=[])
    cfg = WeatherConfig(anemometer_height_m=15.0, station_roughness_length_m=0.1)
    apply_station_overrides(meta, cfg)
    assert meta.wind_speed_height_m == 15.0 and meta.roughness_length_m == 0.1
    assert station_roughness(meta) == (0.1, "user; [weather] station_roughness_length_m")
    untouched = SimpleNamespace(wind_speed_height_m=10.0, roughness_length_m=None, notes=[])
    apply_station_overrides(untouched, WeatherConfig())
    assert untouched.wind_speed_height_m == 10.0 and untouched.roughness_length_m is None


def test_shared_files_carry_station_metadata(weather_dir):
    _, dus = read_weather(weather_dir / "dwd_duesseldorf_2024_15min.csv")
    assert dus.anemometer_height_m == 10.0 and dus.roughness_length_m == 0.03
    _, try15 = read_weather(weather_dir / "TRY2015_essen_jahr.dat")
    assert try15.anemometer_height_m == 10.0 and try15.roughness_length_m is None
    d10, try10 = read_weather(weather_dir / "TRY2010_essen_wint.dat")
    assert try10.anemometer_height_m == 15.0
    assert any("about 15 m" in n for n in try10.notes)
    s = summarize(d10, try10)
    assert s["anemometer_height_m"] == 15.0 and "15 m" in s["anemometer_height_source"]
    assert s["station_roughness_length_m"] is None and "regional" in s["station_roughness_source"]


@pytest.mark.slow
def test_airport_and_urban_files_agree_at_135m(weather_dir):
    """Acceptance: Düsseldorf airport 2024 and TRY2015 Essen within 5 % at 135 m (flat)."""
    from haldenenergie.wind import WindConfig
    from haldenenergie.wind.resource import profile_speed, wind_inputs

    means = {}
    for f in ("dwd_duesseldorf_2024_15min.csv", "TRY2015_essen_jahr.dat"):
        data, meta = read_weather(weather_dir / f)
        v, _ = profile_speed(wind_inputs(data, meta), np.array([135.0]), WindConfig())
        means[f] = float(v.mean())
    dus, ess = means.values()
    assert dus == pytest.approx(5.96, abs=0.02) and ess == pytest.approx(5.74, abs=0.02)
    assert abs(dus / ess - 1) < 0.05
    # with one urban z0 for both (the old default) the airport file was 25 % windier
    data, meta = read_weather(weather_dir / "dwd_duesseldorf_2024_15min.csv")
    v, _ = profile_speed(
        wind_inputs(data, meta), np.array([135.0]), WindConfig(roughness_source="config")
    )
    assert float(v.mean()) / ess - 1 > 0.2
