"""The stability option of the wind profile (issue 12): Pasquill classes and the hub-wind pattern.

References of the expected values: US EPA (2000) EPA-454/R-99-005 Table 6-7 (SRDT day table),
Pasquill (1961) / Turner (1970) Table 1 (night), Turner (1964) via EPA Table 6-4 (calm nights), and
the ISC3 power-law exponents (EPA-454/B-95-003b; Irwin 1979).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from haldenenergie.config import build_section
from haldenenergie.errors import ConfigError
from haldenenergie.weather.model import WeatherMeta
from haldenenergie.wind import WindConfig
from haldenenergie.wind import stability as st
from haldenenergie.wind.atlas import atlas_factors
from haldenenergie.wind.resource import (
    larger_estimate,
    profile_speed,
    stability_classes,
    wind_inputs,
)

PT = WindConfig(stability="pasquill-turner")
#: Profile heights of the mean tests [m]: anemometer, below and above the blending height, hub
#: heights of existing and new turbines, a lifted hub on a 100 m heap.
HEIGHTS_M = np.array([10.0, 50.0, 98.0, 130.0, 135.0, 200.0, 235.0])

#: EPA-454/R-99-005 Table 6-7 as printed: rows wind < 2, 2-3, 3-5, 5-6, >= 6 m/s; columns GHI
#: >= 925, 675-925, 175-675, < 175 W m-2.
EPA_SRDT_DAY = ["AABD", "ABCD", "BBCD", "CCDD", "CDDD"]
#: Night: (wind row) -> (>= 4/8 cloud, <= 3/8 cloud); the < 2 m/s row after Turner (1964).
TURNER_NIGHT = ["FF", "EF", "DE", "DD", "DD"]
#: A wind speed inside each row [m s-1] and the lower edge of each row.
ROW_WIND = [1.0, 2.5, 4.0, 5.5, 8.0]
ROW_EDGE = [0.0, 2.0, 3.0, 5.0, 6.0]
COL_GHI = [950.0, 800.0, 400.0, 100.0]
COL_EDGE = [925.0, 675.0, 175.0, 0.0]


def _cls(ghi, wind, cloud, elev):
    c, _ = st.pasquill_classes(
        None if ghi is None else np.atleast_1d(float(ghi)),
        np.atleast_1d(float(wind)),
        None if cloud is None else np.atleast_1d(float(cloud)),
        np.atleast_1d(float(elev)),
    )
    return st.CLASSES[int(c[0])]


# --------------------------------------------------------------------------------------------------
# the class tables
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("r", range(5))
@pytest.mark.parametrize("k", range(4))
def test_day_table_inside_and_on_the_edges(r, k):
    """Every cell of the SRDT day table, in the middle and on its lower wind / GHI edge."""
    assert _cls(COL_GHI[k], ROW_WIND[r], 0.0, 30.0) == EPA_SRDT_DAY[r][k]
    assert _cls(COL_EDGE[k], ROW_EDGE[r], 8.0, 30.0) == EPA_SRDT_DAY[r][k]


def test_day_table_just_below_the_edges():
    assert _cls(924.99, 1.0, 0, 30) == "A"  # 675-925 column at < 2 m/s is still A
    assert _cls(674.99, 1.99, 0, 30) == "B"
    assert _cls(174.99, 1.99, 0, 30) == "D"
    assert _cls(950.0, 2.99, 0, 30) == "A"
    assert _cls(950.0, 5.99, 0, 30) == "C"
    assert _cls(800.0, 5.99, 0, 30) == "C" and _cls(800.0, 6.0, 0, 30) == "D"


@pytest.mark.parametrize("r", range(5))
def test_night_table(r):
    """Cloudy (>= 4/8) and clear (<= 3/8) nights, each wind row; sun below the horizon."""
    assert _cls(0.0, ROW_WIND[r], 4.0, -10.0) == TURNER_NIGHT[r][0]
    assert _cls(0.0, ROW_WIND[r], 3.0, -10.0) == TURNER_NIGHT[r][1]
    assert _cls(0.0, ROW_EDGE[r], 7.0, -0.5) == TURNER_NIGHT[r][0]
    assert _cls(0.0, ROW_EDGE[r], 0.0, -0.5) == TURNER_NIGHT[r][1]


def test_night_overcast_unknown_and_threshold():
    assert _cls(0.0, 2.5, 8.0, -10) == "D"  # overcast: D (Turner 1970 Table 1 note)
    assert _cls(0.0, 2.5, np.nan, -10) == "D"  # unknown cloud cover: neutral
    assert _cls(0.0, 2.5, None, -10) == "D"  # no cloud column at all: neutral
    assert _cls(0.0, 2.5, 3.49, -10) == "F" and _cls(0.0, 2.5, 3.5, -10) == "E"
    assert _cls(0.0, 2.5, 7.99, -10) == "E"


def test_sun_elevation_decides_day_and_night():
    assert _cls(950.0, 2.5, 0.0, 0.01) == "A"  # day: the GHI table
    assert _cls(950.0, 2.5, 0.0, 0.0) == "F"  # on the horizon: night
    assert _cls(None, 2.5, 0.0, 30.0) == "D"  # no irradiance: days neutral


def test_exponents_and_urban_threshold():
    """ISC3 rural / urban exponents; urban from the regional z0 0.5 m (assumption)."""
    assert st.profile_exponents(0.3) == ((0.07, 0.07, 0.10, 0.15, 0.35, 0.55), "rural")
    assert st.profile_exponents(0.49)[1] == "rural"
    assert st.profile_exponents(0.5) == ((0.15, 0.15, 0.20, 0.25, 0.30, 0.30), "urban")


def test_factors_are_the_power_law_ratio():
    z = np.array([10.0, 135.0])
    c = st.stability_factors(np.array([st.A, st.D, st.F]), z, 10.0, st.EXPONENTS_RURAL)
    assert_allclose(c[:, 1], [13.5 ** (0.07 - 0.15), 1.0, 13.5 ** (0.55 - 0.15)], rtol=1e-15)
    assert_array_equal(c[:, 0], 1.0)


def test_option_is_checked_on_load():
    assert WindConfig().stability == "none"
    assert build_section("wind", {"stability": "pasquill-turner"}).stability == "pasquill-turner"
    with pytest.raises(ConfigError, match="stability"):
        build_section("wind", {"stability": "monin-obukhov"})


# --------------------------------------------------------------------------------------------------
# synthetic series
# --------------------------------------------------------------------------------------------------
def _series(wind_m_s, ghi_day, cloud_night, cloud_day=0.0):
    """A year at Essen with constant 10 m wind; GHI ``ghi_day`` while the sun is up, else 0."""
    from haldenenergie.sun import solar_position

    idx = pd.date_range("2015-01-01", periods=8760, freq="1h", tz="UTC")
    lat, lon, elev = 51.4562, 7.0568, 102.0
    up = solar_position(idx, lat, lon, elev)["elevation"].to_numpy() > 0
    data = pd.DataFrame(
        {
            "ghi": np.where(up, ghi_day, 0.0),
            "dhi": np.where(up, 100.0, 0.0),
            "dni": np.where(up, 500.0, 0.0),
            "temp_air": 10.0,
            "wind_speed": wind_m_s,
            "pressure": 100000.0,
            "cloud_cover_okta": np.where(up, cloud_day, cloud_night),
        },
        index=idx,
    )
    meta = WeatherMeta(
        path="<test>", sha256="", source_format="synthetic", latitude=lat, longitude=lon,
        elevation_m=elev,
    )  # fmt: skip
    return data, meta, up


def test_clear_nights_sunny_days_analytic_ratio():
    """2.5 m/s at 10 m, GHI 700 W/m2 by day (class B), clear nights (class F): after the
    normalisation night / day = (z / 10) ** (p_F - p_B) exactly, and the mean is unchanged."""
    data, meta, up = _series(2.5, 700.0, 0.0)
    wx = wind_inputs(data, meta)
    sc = stability_classes(wx)
    assert set(sc.classes[up]) == {st.B} and set(sc.classes[~up]) == {st.F}
    v0, _ = profile_speed(wx, HEIGHTS_M, WindConfig())
    v1, note = profile_speed(wx, HEIGHTS_M, PT)
    p = st.EXPONENTS_RURAL
    ratio = v1[~up].mean(axis=0) / v1[up].mean(axis=0)
    assert_allclose(ratio, (HEIGHTS_M / 10.0) ** (p[st.F] - p[st.B]), rtol=1e-12)
    assert_allclose(v1.mean(axis=0), v0.mean(axis=0), rtol=1e-12)
    n = (~up).mean()  # share of night hours; v'_night = v cF / (n cF + (1 - n) cB)
    cf, cb = ((HEIGHTS_M / 10.0) ** (p[k] - p[st.D]) for k in (st.F, st.B))
    assert_allclose(v1[~up][0], v0[0] * cf / (n * cf + (1 - n) * cb), rtol=1e-12)
    assert ratio[-1] > 1.0 and "0 of" in note


def test_all_neutral_hours_give_the_neutral_wind_bit_for_bit():
    """Overcast nights and GHI < 175 W/m2 days are all class D: c = 1, the wind is unchanged."""
    data, meta, _ = _series(4.0, 150.0, 8.0)
    wx = wind_inputs(data, meta)
    assert set(stability_classes(wx).classes) == {st.D}
    v0, note0 = profile_speed(wx, HEIGHTS_M, WindConfig())
    v1, _ = profile_speed(wx, HEIGHTS_M, PT)
    assert_array_equal(v1, v0)
    assert note0 == ""


def test_none_is_the_neutral_log_profile():
    """'none' (the default) is windpowerlib's log profile with the regional z0, as before."""
    from windpowerlib.wind_speed import logarithmic_profile

    data, meta, _ = _series(2.5, 700.0, 0.0)
    wx = wind_inputs(data, meta)
    v, note = profile_speed(wx, np.array([135.0]), WindConfig())
    ref = logarithmic_profile(data["wind_speed"].to_numpy()[:, None], 10.0, 135.0, 0.3)
    assert_array_equal(v, ref) and note == ""


def test_no_cloud_cover_makes_nights_neutral_and_says_so():
    data, meta, up = _series(2.5, 700.0, 0.0)
    wx = wind_inputs(data.drop(columns="cloud_cover_okta"), meta)
    sc = stability_classes(wx)
    assert set(sc.classes[~up]) == {st.D} and sc.n_night_no_cloud == int((~up).sum())
    _, note = profile_speed(wx, np.array([135.0]), PT)
    assert "no cloud cover in the weather: nights neutral" in note


def test_classes_are_computed_once_per_series(monkeypatch):
    data, meta, _ = _series(2.5, 700.0, 0.0)
    wx = wind_inputs(data, meta)
    calls = []
    real = st.classify
    monkeypatch.setattr(st, "classify", lambda *a, **k: calls.append(1) or real(*a, **k))
    for z in (98.0, 135.0, 235.0):
        profile_speed(wx, np.array([z]), PT)
    assert len(calls) == 1


def test_larger_estimate_keeps_the_mean_choice():
    """Hill and lifted-profile estimates: hourly max for 'none', larger series mean otherwise."""
    a = np.array([[1.0, 5.0], [3.0, 1.0]])
    b = np.array([[2.0, 2.0], [2.0, 2.0]])
    assert_array_equal(larger_estimate(a, b, WindConfig()), np.maximum(a, b))
    assert_array_equal(larger_estimate(a, b, PT), np.array([[1.0, 5.0], [3.0, 1.0]]))
    assert_array_equal(larger_estimate(a, 2 * b, PT), 2 * b)


# --------------------------------------------------------------------------------------------------
# TRY2015 Essen
# --------------------------------------------------------------------------------------------------
def _night_day(data, v):
    """Mean night (22-04 MEZ) / mean day (10-16 MEZ) of v (T, M) by MEZ hour of the interval."""
    h = (data.index + pd.Timedelta(hours=1)).hour.to_numpy()
    night, day = (h >= 22) | (h < 4), (h >= 10) & (h < 16)
    return v[night].mean(axis=0) / v[day].mean(axis=0)


def test_try2015_night_day_ratio_and_mean(essen):
    data, meta = essen
    wx = wind_inputs(data, meta)
    v0, _ = profile_speed(wx, HEIGHTS_M, WindConfig())
    v1, note = profile_speed(wx, HEIGHTS_M, PT)
    # neutral: the 10 m pattern at every height (measured 0.748)
    assert_allclose(_night_day(data, v0), 0.75, atol=0.02)
    r1 = _night_day(data, v1)
    assert r1[HEIGHTS_M == 135.0][0] > 1.0  # measured 1.19
    assert_allclose(r1[0], _night_day(data, v0)[0], rtol=1e-12)  # 10 m: the anemometer itself
    assert np.all(np.diff(r1) > 0)  # the night maximum grows with height
    assert_allclose(v1.mean(axis=0), v0.mean(axis=0), rtol=1e-12)
    assert "0 of 4357 night hours without cloud cover" in note


def test_try2015_class_frequencies(essen):
    """Frequencies as measured (A 0.3 %, B 4.5 %, C 14.9 %, D 55.8 %, E 10.2 %, F 14.4 %):
    an invariant check that the classes sum to one and that D dominates, within 1 %."""
    f = stability_classes(wind_inputs(*essen)).frequencies()
    assert_allclose(sum(f.values()), 1.0, rtol=1e-12)
    expected = {"A": 0.003, "B": 0.0445, "C": 0.1494, "D": 0.5579, "E": 0.1016, "F": 0.1436}
    for k, v in expected.items():
        assert_allclose(f[k], v, atol=0.01), k


def test_atlas_factor_unchanged_by_the_option(essen):
    """The atlas scales the long-term mean at its height, which the correction keeps."""
    wx = wind_inputs(*essen)
    _, _, r0 = atlas_factors(wx, WindConfig(atlas_mean_wind_speed_m_s=6.25), [])
    cfg = WindConfig(atlas_mean_wind_speed_m_s=6.25, stability="pasquill-turner")
    _, _, r1 = atlas_factors(wx, cfg, [])
    assert_allclose(r1["mean_ref_m_s"], r0["mean_ref_m_s"], rtol=1e-12)
