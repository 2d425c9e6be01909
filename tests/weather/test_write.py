"""write_weather and ``weather convert``: the canonical CSV round-trips through the reader."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.weather import CANONICAL_MAGIC, read_weather, write_weather


@pytest.mark.parametrize("name", ["TRY2015_essen_jahr.dat", "windpowerlib_berlin_2010.csv"])
def test_convert_round_trip(weather_dir, tmp_path, invoke, name):
    src = weather_dir / name
    out = tmp_path / "x.csv"
    res = invoke("weather", "convert", src, "--out", out)
    assert res.exit_code == 0, res.output
    a, ma = read_weather(src)
    b, mb = read_weather(out)
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_index_equal(a.index, b.index)
    # file precision: 0.01 W m-2 / degC, 0.001 m/s, 0.1 Pa
    assert_allclose(b.to_numpy(), a.to_numpy(), atol=0.051, equal_nan=True)
    assert (
        mb.latitude,
        mb.wind_speed_height_m,
        mb.roughness_length_m,
        mb.extra_wind_heights_m,
    ) == (ma.latitude, ma.wind_speed_height_m, ma.roughness_length_m, ma.extra_wind_heights_m)
    res = invoke("weather", "convert", src, "--out", out)
    assert res.exit_code == 1 and "--overwrite" in res.output


def test_header_and_columns(default_year, tmp_path):
    data, meta = default_year
    p = write_weather(data.iloc[:3], meta, tmp_path / "x.csv", comments=("generator: test",))
    lines = p.read_text().splitlines()
    assert lines[0] == f"{CANONICAL_MAGIC} v1"
    assert "# generator: test" in lines
    header = next(ln for ln in lines if ln.startswith("time_utc"))
    assert header.split(",")[1:4] == ["ghi_w_m2", "dhi_w_m2", "dni_w_m2"]
    assert lines[-3].startswith("2015-01-01T00:00:00+00:00,")
    with pytest.raises(Exception, match="overwrite"):
        write_weather(data.iloc[:3], meta, p)
