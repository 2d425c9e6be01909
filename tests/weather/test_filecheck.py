"""Bounded reading (issue 13): devices, binary data, files without line breaks, oversized files."""

from __future__ import annotations

from pathlib import Path

import pytest

from haldenenergie.errors import WeatherError
from haldenenergie.weather import read_weather
from haldenenergie.weather.filecheck import check_readable


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_fails_fast(invoke):
    r = invoke("weather", "info", "/dev/zero")
    assert r.exit_code == 1
    assert r.stderr.strip() == (
        "error: /dev/zero: not a regular file (a device, pipe or socket); pass a weather file"
    )


def test_binary_file(tmp_path):
    p = tmp_path / "w.dat"
    p.write_bytes(b"time,ghi\n" + b"\x00\x01" * 1000)
    with pytest.raises(WeatherError, match=r"w\.dat: binary data \(a NUL byte at offset 9\)"):
        read_weather(p)


def test_no_line_breaks(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("1," * 40000)
    with pytest.raises(WeatherError, match="no line break in the first 65,536 bytes"):
        read_weather(p)


def test_file_over_the_size_limit(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text("time,ghi\n" + "2015-01-01T00:00Z,0\n" * 120000)  # 2.4 MB
    with pytest.raises(WeatherError, match=r"file is 2 MB, more than the limit of 1 MB"):
        check_readable(p, 1.0)


def test_clean_files_pass(weather_dir):
    for p in weather_dir.iterdir():
        check_readable(p, 200.0)


def test_json_on_one_line_passes(tmp_path):
    p = tmp_path / "pvgis.json"
    p.write_text('{"outputs": {' + '"x": 1, ' * 10000 + '"y": 2}}')
    check_readable(p, 200.0)
