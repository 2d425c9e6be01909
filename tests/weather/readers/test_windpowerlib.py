"""Format ``windpowerlib``: windpowerlib's CSV (two header rows), wind only.

Test files: windpowerlib's example ``example/weather.csv`` (github.com/wind-python/windpowerlib;
the shared ``windpowerlib_berlin_2010.csv`` is that file) and its first rows without the time-zone
offset (``data/windpowerlib_example_no_tz.csv``), plus layout variants built from them here.
"""

from __future__ import annotations

from pathlib import Path

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


# ------------------------------------------------------------------------------------------------
# windpowerlib layout without a time-zone offset (issue 16)
# ------------------------------------------------------------------------------------------------
#: The header and first 48 rows of windpowerlib's example/weather.csv
#: (github.com/wind-python/windpowerlib) with the offset +01:00 removed (see the .md next to it).
NAIVE = Path(__file__).parent / "data" / "windpowerlib_example_no_tz.csv"


def _lines() -> list[str]:
    return NAIVE.read_text(encoding="utf-8").splitlines()


def _write(tmp_path, lines, name="wpl.csv", **kw) -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding=kw.get("encoding", "utf-8"))
    return p


def test_naive_file_is_detected_by_layout_and_refused_without_tz():
    assert detect_format(NAIVE) == "windpowerlib"
    with pytest.raises(WeatherError, match=r"--tz") as exc:
        read_weather(NAIVE, allow_partial=True)
    msg = str(exc.value)
    assert "\n" not in msg and "no time zone" in msg and "line 3" in msg


@pytest.mark.parametrize(
    "tz, first_utc",
    [
        ("UTC", "2010-01-01 00:00"),
        ("+01:00", "2009-12-31 23:00"),
        ("Europe/Berlin", "2009-12-31 23:00"),
    ],
)
def test_naive_file_reads_with_tz(tz, first_utc):
    data, meta = read_weather(NAIVE, allow_partial=True, tz=tz)
    assert data.index[0] == pd.Timestamp(first_utc, tz="UTC") and len(data) == 48
    assert_allclose(data["temp_air"].iloc[0], 267.6 - 273.15)
    assert_allclose(data["pressure"].iloc[0], 98405.7)
    assert_allclose(data["wind_speed_80m"].iloc[1], 7.86199)
    assert meta.roughness_length_m == 0.15
    assert any(f"taken as {tz}" in n for n in meta.notes)


def test_tz_is_ignored_for_stamps_with_offset(weather_dir):
    """windpowerlib's own file carries +01:00: --tz changes nothing (the offset wins)."""
    path = weather_dir / "windpowerlib_berlin_2010.csv"
    a, _ = read_weather(path)
    b, meta = read_weather(path, tz="UTC")
    assert a.index.equals(b.index)
    assert not any("without UTC offset" in n for n in meta.notes)


@pytest.mark.parametrize(
    "variant",
    [
        # a three-row header: variable_name / unit / height (units windpowerlib's)
        lambda ls: [ls[0], "unit,Pa,K,m/s,m,K,m/s", *ls[1:]],
        # unit row after the height row
        lambda ls: [*ls[:2], "unit,Pa,K,m/s,m,K,m/s", *ls[2:]],
        # pandas' row of index names, written when the time index has a name
        lambda ls: [*ls[:2], "time,,,,,,", *ls[2:]],
        # every header cell quoted (csv.QUOTE_ALL)
        lambda ls: [",".join(f'"{c}"' for c in x.split(",")) for x in ls[:2]] + ls[2:],
    ],
    ids=["unit-row", "unit-after-height", "index-name-row", "quoted"],
)
def test_layout_variants_are_detected_and_read_alike(tmp_path, variant):
    ref, _ = read_weather(NAIVE, allow_partial=True, tz="UTC")
    p = _write(tmp_path, variant(_lines()))
    assert detect_format(p) == "windpowerlib"
    with pytest.raises(WeatherError, match=r"--tz"):
        read_weather(p, allow_partial=True)
    data, _ = read_weather(p, allow_partial=True, tz="UTC")
    pd.testing.assert_frame_equal(data, ref)


def test_bom_and_crlf(tmp_path):
    p = tmp_path / "wpl.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(_lines()).encode() + b"\r\n")
    assert detect_format(p) == "windpowerlib"
    data, _ = read_weather(p, allow_partial=True, tz="UTC")
    assert len(data) == 48


def test_unit_row_converts_units(tmp_path):
    ls = _lines()
    rows = [x.split(",") for x in ls[2:]]
    for r in rows:  # pressure in hPa, the 2 m temperature in degC
        r[1] = f"{float(r[1]) / 100:.4f}"
        r[2] = f"{float(r[2]) - 273.15:.4f}"
    p = _write(tmp_path, [ls[0], "unit,hPa,°C,m/s,m,K,m/s", ls[1], *map(",".join, rows)])
    data, _ = read_weather(p, allow_partial=True, tz="UTC")
    ref, _ = read_weather(NAIVE, allow_partial=True, tz="UTC")
    assert_allclose(data["pressure"], ref["pressure"], rtol=1e-6)
    assert_allclose(data["temp_air"], ref["temp_air"], atol=1e-3)


@pytest.mark.parametrize(
    "edit, pattern",
    [
        (lambda ls: [ls[0], "unit,Pa,m/s,m/s,m,K,m/s", *ls[1:]], r"column 3 \(temperature\).*"),
        (lambda ls: [ls[0], "height,0,2,10,0,10", *ls[2:]], r"names 6 columns.*height row has 5"),
    ],
)
def test_bad_header_rows(tmp_path, edit, pattern):
    p = _write(tmp_path, edit(_lines()))
    with pytest.raises(WeatherError, match=pattern):
        read_weather(p, allow_partial=True, tz="UTC")


def test_forced_format_on_another_layout(tmp_path):
    p = _write(tmp_path, ["time,wind_speed", "2010-01-01 00:00,3.0"])
    with pytest.raises(WeatherError, match=r"not a windpowerlib CSV.*variable_name"):
        read_weather(p, "windpowerlib", allow_partial=True, tz="UTC")


def test_weather_convert_needs_tz(tmp_path, invoke):
    """`weather convert` (its --tz exists): refused without it, reads and round-trips with it."""
    out = tmp_path / "c.csv"
    r = invoke("weather", "convert", NAIVE, "--out", out, "--allow-partial")
    assert r.exit_code == 1 and not out.exists()
    (line,) = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    assert "--tz" in line and "Traceback" not in r.output
    r = invoke("weather", "convert", NAIVE, "--out", out, "--allow-partial", "--tz", "+01:00")
    assert r.exit_code == 0, r.output
    data, meta = read_weather(out, allow_partial=True)
    assert meta.source_format == "canonical" and len(data) == 48
    assert data.index[0] == pd.Timestamp("2009-12-31 23:00", tz="UTC")


def test_unknown_tz_fails_before_reading(tmp_path):
    with pytest.raises(WeatherError, match=r"^--tz: unknown time zone 'Mars/Olympus'"):
        read_weather(NAIVE, allow_partial=True, tz="Mars/Olympus")
