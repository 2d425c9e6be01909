"""Format ``dwd_15min``: the 15-minute DWD CSV layout (Düsseldorf example)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import WeatherError
from haldenenergie.weather import REQUIRED_COLUMNS, detect_format, read_weather


def test_detected_by_content(weather_dir):
    assert detect_format(weather_dir / "dwd_duesseldorf_2024_15min.csv") == "dwd_15min"


def test_duesseldorf_hourly_mean_of_quarter_hours(weather_dir):
    path = weather_dir / "dwd_duesseldorf_2024_15min.csv"
    data, meta = read_weather(path)
    raw = pd.read_csv(path, skiprows=2)
    # 2024-06-15 10:00-11:00 UTC = four rows with hour 10
    sel = raw[(raw.month == 6) & (raw.day == 15) & (raw.hour == 10)]
    t = pd.Timestamp("2024-06-15 10:00", tz="UTC")
    assert_allclose(data.loc[t, "ghi"], sel.global_irradiance.mean(), rtol=1e-12)
    assert_allclose(data.loc[t, "pressure"], sel.pressure.mean() * 100, rtol=1e-12)
    assert meta.source_format == "dwd_15min" and meta.source_step == "15min"
    assert str(data.index.tz) == "UTC"
    assert list(data.columns[:6]) == list(REQUIRED_COLUMNS)


def _set_field(line: str, i: int, value: str) -> str:
    f = line.split(",")
    f[i] = value
    return ",".join(f)


BAD_15MIN = {
    "missing_column": (
        lambda ls: ls[:2] + [ls[2].replace(",wind_speed", ",ws")] + ls[3:500],
        r"missing required columns wind_speed",
    ),
    "bad_location": (lambda ls: [ls[0], "Duesseldorf,x,y"] + ls[2:500], r"line 2 must give"),
    "non_numeric": (
        lambda ls: ls[:10] + [_set_field(ls[10], 5, "warm")] + ls[11:500],
        r"non-numeric values in column 'temperature' on lines 11",
    ),
    "impossible_date": (
        lambda ls: ls[:10] + [_set_field(ls[10], 2, "32")] + ls[11:500],
        r"impossible date/time on lines 11",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_15MIN))
def test_bad_15min_files(tmp_path, weather_dir, invoke, case):
    edit, pattern = BAD_15MIN[case]
    lines = (weather_dir / "dwd_duesseldorf_2024_15min.csv").read_text().splitlines()
    p = tmp_path / "dus.csv"
    p.write_text("\n".join(edit(lines)))
    with pytest.raises(WeatherError, match=pattern):
        read_weather(p, "dwd15")
    res = invoke("weather", "info", p)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert re.search(pattern, res.output)
