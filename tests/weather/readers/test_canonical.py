"""Format ``canonical``: the project's CSV, its detection, BOM, round trip through the writer."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.weather import default_weather_path, detect_format, read_weather, write_weather
from haldenenergie.weather.readers.canonical import VARIABLE_MAP, canonical_column, file_column


def test_detected_by_magic_line():
    assert detect_format(default_weather_path()) == "canonical"


def test_column_names_round_trip():
    for col in [*VARIABLE_MAP, "wind_speed_80m", "temp_air_10m", "wind_speed_12.5m"]:
        assert canonical_column(file_column(col)) == col
    assert file_column("wind_speed_80m") == "wind_speed_80m_m_s"
    assert file_column("temp_air_10m") == "temp_air_10m_degc"


def test_metadata_read_back(default_year, tmp_path):
    data, meta = default_year
    p = tmp_path / "x.csv"
    write_weather(data, meta, p, comments=("hello",))
    d2, m2 = read_weather(p)
    assert (m2.latitude, m2.longitude, m2.elevation_m) == (meta.latitude, meta.longitude, 102.0)
    assert m2.source_format == "canonical" and m2.irradiance_available
    assert any("written from source format 'canonical'" in n for n in m2.notes)
    pd.testing.assert_index_equal(d2.index, data.index)
    assert_allclose(d2.to_numpy(), data.to_numpy(), atol=0.051)


def test_bom_prefixed_files_read(tmp_path, weather_dir):
    """Windows editors and Excel ('CSV UTF-8') put a byte order mark first; it is ignored."""
    for src in (default_weather_path(), weather_dir / "dwd_duesseldorf_2024_15min.csv"):
        p = tmp_path / f"bom_{src.name}"
        p.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
        a, ma = read_weather(src)
        b, mb = read_weather(p)
        assert mb.source_format == ma.source_format
        pd.testing.assert_frame_equal(a, b)


def test_no_time_column(tmp_path, canon_lines):
    head, rows = canon_lines
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(head[:-1] + [head[-1].replace("time_utc", "zeit")] + rows[:5]) + "\n")
    with pytest.raises(Exception, match="no 'time_utc' column"):
        read_weather(p)
