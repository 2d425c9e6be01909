"""The common pipeline: timestamps, gaps, unit sanity, ranges, plausibility, coverage."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.config import load_config
from haldenenergie.errors import WeatherError
from haldenenergie.weather import read_weather, write_weather
from haldenenergie.weather.validate import runs


def _edit(canon_lines, func):
    head, rows = canon_lines
    head, rows = func(list(head), list(rows))
    return "\n".join(head + rows) + "\n"


def _set(rows, i, col, value):
    f = rows[i].split(",")
    f[col] = str(value)
    rows[i] = ",".join(f)
    return rows


def _map_col(rows, col, fn):
    out = []
    for r in rows:
        f = r.split(",")
        f[col] = f"{fn(float(f[col])):.2f}"
        out.append(",".join(f))
    return out


NOON = 3984 + 11  # 2015-06-16 11:00 UTC (row 3984 = 16 June 00:00)
MIDNIGHT = 3984 + 23  # 2015-06-16 23:00 UTC

BAD_CASES = {
    "missing_column": (
        lambda h, r: (
            h[:-1] + [h[-1].replace(",temp_air_degc", "")],
            [",".join(x.split(",")[:4] + x.split(",")[5:]) for x in r],
        ),
        r"missing required columns temp_air \(required: .*found: ",
    ),
    "naive_timestamps": (
        lambda h, r: (h, [x.replace("+00:00", "") for x in r]),
        r"timestamps have no time zone",
    ),
    "mixed_offsets": (
        lambda h, r: (h, [r[0].replace("+00:00", "")] + r[1:]),
        r"mix values with and without UTC offset",
    ),
    "duplicated": (lambda h, r: (h, r[:10] + [r[9]] + r[10:]), r"duplicated timestamps"),
    "non_monotonic": (
        lambda h, r: (h, r[:10] + [r[11], r[10]] + r[12:]),
        r"not in increasing order",
    ),
    "long_gap": (lambda h, r: (h, r[:100] + r[130:]), r"gap\(s\) longer than 3 h"),
    "negative_ghi": (lambda h, r: (h, _set(r, NOON, 1, -80)), r"negative irradiance in ghi"),
    "dhi_above_ghi": (lambda h, r: (h, _set(r, NOON, 2, 2000)), r"DHI > GHI beyond tolerance"),
    "ghi_at_night": (
        lambda h, r: (h, _set(r, MIDNIGHT, 1, 800)),
        r"GHI above the physically possible limit",
    ),
    "dni_above_e0": (
        lambda h, r: (h, _set(r, NOON, 3, 2000)),
        r"DNI above the extraterrestrial irradiance",
    ),
    "kelvin": (lambda h, r: (h, _map_col(r, 4, lambda v: v + 273.15)), r"looks like Kelvin"),
    "hpa": (lambda h, r: (h, _map_col(r, 6, lambda v: v / 100)), r"pressure looks like hPa"),
    "kpa": (lambda h, r: (h, _map_col(r, 6, lambda v: v / 1000)), r"pressure looks like kPa"),
    "pressure_range": (lambda h, r: (h, _set(r, NOON, 6, 20000)), r"pressure out of range"),
    "wind_too_high": (lambda h, r: (h, _set(r, NOON, 5, 75)), r"wind_speed out of range"),
    "wind_negative": (lambda h, r: (h, _set(r, NOON, 5, -2)), r"wind_speed out of range"),
    "direction_range": (lambda h, r: (h, _set(r, NOON, 7, 400)), r"wind_direction outside"),
    "temp_range": (lambda h, r: (h, _set(r, NOON, 4, 85)), r"temp_air out of range"),
    "short_series": (lambda h, r: (h, r[:1000]), r"annual yields need a full year"),
    "daily_step": (lambda h, r: (h, r[::24]), r"coarser than hourly"),
    "bad_timestamp": (
        lambda h, r: (h, _set(r, 5, 0, "2015-13-45T00:00:00+00:00")),
        r"cannot parse timestamps",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_canonical_inputs(tmp_path, canon_lines, invoke, case):
    edit, pattern = BAD_CASES[case]
    p = tmp_path / f"{case}.csv"
    p.write_text(_edit(canon_lines, edit), encoding="utf-8")
    with pytest.raises(WeatherError, match=pattern) as ei:
        read_weather(p)
    msg = str(ei.value)
    assert "\n" not in msg and str(p) in msg
    res = invoke("weather", "info", p)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert re.search(pattern, res.output)


def test_not_on_the_full_hour(tmp_path, default_year):
    data0, meta0 = default_year
    shifted = data0.copy()
    shifted.index = shifted.index + pd.Timedelta(minutes=30)
    p = tmp_path / "half.csv"
    write_weather(shifted, meta0, p)
    with pytest.raises(WeatherError, match="not on the full hour"):
        read_weather(p)


def test_step_must_divide_an_hour(tmp_path, default_year):
    data0, meta0 = default_year
    d = data0.iloc[:200].copy()
    d.index = pd.date_range("2015-01-01", periods=200, freq="25min", tz="UTC")
    p = tmp_path / "25min.csv"
    write_weather(d, meta0, p)
    with pytest.raises(WeatherError, match="does not divide an hour"):
        read_weather(p, allow_partial=True)


def test_short_gap_interpolated_with_warning_and_config(tmp_path, default_year):
    data0, meta0 = default_year
    gap3 = data0.drop(data0.index[5000:5003])
    p = tmp_path / "gap3.csv"
    write_weather(gap3, meta0, p)
    data, meta = read_weather(p)
    # 3 hours x 6 columns (wind_direction is optional and filled with the previous value)
    assert meta.n_gaps == 1 and meta.n_gaps_filled == 3 * 6 and len(data) == 8760
    assert_allclose(
        data["temp_air"].iloc[5001],
        np.interp(5001, [4999, 5003], data0["temp_air"].iloc[[4999, 5003]]),
    )
    gap10 = data0.drop(data0.index[5000:5010])
    p10 = tmp_path / "gap10.csv"
    write_weather(gap10, meta0, p10)
    with pytest.raises(WeatherError, match=r"gap\(s\) longer than 3 h \(longest 10 h"):
        read_weather(p10)
    cfg = load_config(overrides={"weather": {"max_interpolated_gap_h": 12}}).weather
    assert read_weather(p10, config=cfg)[1].n_gaps_filled == 60
    # allow_partial drops the long gap and flags the series
    d, m = read_weather(p10, allow_partial=True)
    assert m.partial and len(d) == 8750 and m.n_long_gaps_dropped == 1
    assert_allclose(m.coverage_fraction, 8750 / 8760, rtol=1e-5)
    assert_allclose(m.annual_factor, 8760 / 8750)


def test_optional_direction_mostly_empty_is_dropped(tmp_path, default_year):
    data0, meta0 = default_year
    d = data0.copy()
    d.loc[d.index[:5000], "wind_direction"] = np.nan
    p = tmp_path / "nodir.csv"
    write_weather(d, meta0, p)
    data, meta = read_weather(p)
    assert "wind_direction" not in data.columns
    assert any("more than half empty; dropped" in w for w in meta.warnings)


def test_partial_series_allowed(tmp_path, default_year, invoke):
    data0, meta0 = default_year
    p = tmp_path / "june.csv"
    write_weather(data0[data0.index.month == 6], meta0, p)
    _d, m = read_weather(p, allow_partial=True)
    assert m.partial
    assert_allclose(m.coverage_fraction, 720 / 8760, rtol=1e-5)
    res = invoke("weather", "info", p, "--allow-partial")
    assert res.exit_code == 0 and "PARTIAL" in res.output


def test_several_years_are_averaged(tmp_path, default_year):
    data0, meta0 = default_year
    two = pd.concat([data0, data0.set_axis(data0.index + pd.Timedelta(days=365))])
    p = tmp_path / "two.csv"
    write_weather(two, meta0, p)
    _d, m = read_weather(p)
    assert not m.partial and m.n_hours == 2 * 8760
    assert_allclose(m.annual_factor, 8766 / (2 * 8760))
    assert any("annual sums are averaged per year" in n for n in m.notes)


def test_runs():
    assert runs(np.array([False, True, True, False, True])) == [(1, 2), (4, 1)]
    assert runs(np.zeros(3, bool)) == []


def test_cloud_cover_in_tenths_is_refused_in_one_line(tmp_path, default_year, invoke):
    """Okta are eighths (WMO code table 2700); 10 is a value in tenths (EPW) or a typo."""
    data0, meta0 = default_year
    d = data0.copy()
    d["cloud_cover_okta"] = 4.0
    d.iloc[100, d.columns.get_loc("cloud_cover_okta")] = 10.0
    p = tmp_path / "tenths.csv"
    write_weather(d, meta0, p)
    with pytest.raises(WeatherError, match=r"cloud_cover_okta outside 0-8 okta in 1 hours") as ei:
        read_weather(p)
    assert "\n" not in str(ei.value) and str(p) in str(ei.value)
    ok = tmp_path / "okta.csv"
    d.iloc[100, d.columns.get_loc("cloud_cover_okta")] = 8.0
    write_weather(d, meta0, ok)
    data, _ = read_weather(ok)
    assert data["cloud_cover_okta"].between(0, 8).all()
    r = invoke("weather", "info", ok)
    assert r.exit_code == 0 and f"cloud cover:   {len(data)} of {len(data)} h (okta)" in r.output
