"""Tests of haldenenergie.weather (readers, validation, adapter), weather_synth and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from haldenenergie.cli import main
from haldenenergie.config import load_config
from haldenenergie.errors import WeatherError
from haldenenergie.weather import (
    REQUIRED_COLUMNS,
    WeatherConfig,
    default_weather_path,
    dni_from_beam_horizontal,
    get_pvgis_tmy,
    read_weather,
    solar_position,
    to_windpowerlib,
    write_weather,
)
from haldenenergie.weather_synth import (
    DEFAULT_SEED,
    DEFAULT_YEAR,
    calibration_from_series,
    load_calibration,
    synthesize,
    synthesize_year,
)

SHARED_FILES = [
    "TRY2015_essen_jahr.dat",
    "TRY2015_essen_somm.dat",
    "TRY2015_essen_wint.dat",
    "TRY2045_essen_jahr.dat",
    "TRY2010_essen_wint.dat",
    "dwd_duesseldorf_2024_15min.csv",
    "windpowerlib_berlin_2010.csv",
]


def run_cli(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=True)


@pytest.fixture(scope="module")
def default_year():
    return read_weather(default_weather_path())


# ----------------------------------------------------------------------------------------------
# independent "direct" sums from each file's own columns (no project code)
# ----------------------------------------------------------------------------------------------
def _direct_annual_ghi(path: Path) -> float | None:
    text = path.read_bytes().decode("latin-1")
    if path.suffix == ".dat":
        rows = text.split("***", 1)[1].splitlines()[1:]
        arr = np.array([r.split() for r in rows if r.strip()], dtype=float)
        b_col, d_col = (12, 13) if "RW Rechtswert" in text else (13, 14)
        return float((arr[:, b_col] + arr[:, d_col]).sum() / 1000.0)
    if "duesseldorf" in path.name:
        df = pd.read_csv(path, skiprows=2)
        return float(df["global_irradiance"].sum() * 0.25 / 1000.0)
    return None


@pytest.mark.parametrize("name", SHARED_FILES)
def test_every_shared_file_reads_and_info_matches_direct_sum(weather_dir, name):
    path = weather_dir / name
    res = run_cli("weather", "info", path, "--json")
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)[0]
    direct = _direct_annual_ghi(path)
    if direct is None:  # windpowerlib file: wind only
        assert s["annual_ghi_kwh_m2"] is None
    else:
        # 0.5 % (issue 3 acceptance); the only differences are re-labelling, no values change
        assert_allclose(s["annual_ghi_kwh_m2"], direct, rtol=0.005)
    assert s["step"] == "1h"
    expected = {
        "TRY2015_essen_jahr.dat": ("2015-01-01T00:00:00+00:00", "2015-12-31T23:00:00+00:00", "1h"),
        "TRY2045_essen_jahr.dat": ("2045-01-01T00:00:00+00:00", "2045-12-31T23:00:00+00:00", "1h"),
        "TRY2010_essen_wint.dat": ("2010-01-01T00:00:00+00:00", "2010-12-31T23:00:00+00:00", "1h"),
        "dwd_duesseldorf_2024_15min.csv": (
            "2024-01-01T00:00:00+00:00",
            "2024-12-31T23:00:00+00:00",
            "15min",
        ),
        # +01:00 in the file: 2010-01-01 00:00+01:00 = 2009-12-31 23:00 UTC
        "windpowerlib_berlin_2010.csv": (
            "2009-12-31T23:00:00+00:00",
            "2010-12-31T22:00:00+00:00",
            "1h",
        ),
    }.get(name)
    if expected:
        assert (s["period_start_utc"], s["period_end_utc"], s["source_step"]) == expected
    assert s["n_hours"] in (8760, 8784)
    assert not s["partial"]


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


def test_try2015_time_convention(weather_dir):
    """HH = hour ending MEZ: the row MM=6 DD=21 HH=13 (12-13 MEZ) is the UTC interval 11:00-12:00."""
    path = weather_dir / "TRY2015_essen_jahr.dat"
    data, meta = read_weather(path)
    rows = path.read_text(encoding="latin-1").split("***", 1)[1].splitlines()[1:]
    arr = np.array([r.split() for r in rows if r.strip()], dtype=float)
    sel = arr[(arr[:, 2] == 6) & (arr[:, 3] == 21) & (arr[:, 4] == 13)][0]
    row = data.loc[pd.Timestamp("2015-06-21 11:00", tz="UTC")]
    assert_allclose(row["ghi"], sel[12] + sel[13])
    assert_allclose(row["pressure"], sel[6] * 100)
    # the first hour (00-01 MEZ on 1 January = 23-24 UTC on 31 December) is rolled to the year end
    first = arr[0]
    assert_allclose(data.iloc[-1]["temp_air"], first[5])
    assert_allclose(meta.latitude, 51.4562, atol=1e-3)
    assert_allclose(meta.longitude, 7.0568, atol=1e-3)


def test_try2015_clear_june_days_peak_at_solar_noon(weather_dir):
    data, meta = read_weather(weather_dir / "TRY2015_essen_jahr.dat")
    june = data[data.index.month == 6]
    daily = june["ghi"].groupby(june.index.day).sum()
    clear_days = daily.nlargest(8).index
    clear = june[june.index.day.isin(clear_days)]
    mean_by_hour = clear["ghi"].groupby(clear.index.hour).mean()
    peak_mid_h = mean_by_hour.idxmax() + 0.5  # label = interval start -> middle
    # solar noon at 7.06 E in June: 12 h - 7.06/15 h - equation of time (~0) = ~11.5 h UTC
    sp = solar_position(
        pd.date_range("2015-06-15", periods=24 * 60, freq="min", tz="UTC")
        - pd.Timedelta(minutes=30),
        meta.latitude,
        meta.longitude,
    )
    noon_h = sp["zenith"].idxmin().hour + sp["zenith"].idxmin().minute / 60 + 0.5
    assert abs(noon_h - 11.5) < 0.25
    assert abs(peak_mid_h - noon_h) <= 1.0


def test_dni_consistent_with_ghi_dhi(weather_dir):
    data, meta = read_weather(weather_dir / "TRY2015_essen_jahr.dat")
    sp = solar_position(data.index, meta.latitude, meta.longitude)
    ok = sp["zenith"] < 80
    closure = data["dhi"][ok] + data["dni"][ok] * np.cos(np.radians(sp["zenith"][ok]))
    # GHI = DHI + DNI cos Z wherever the low-sun guard and the cap are inactive (to 1e-6 W m-2)
    assert_allclose(closure, data["ghi"][ok], atol=1e-6)
    assert (data["dni"] >= 0).all() and (data["dni"] <= 1420).all()


def test_dni_guard_analytic():
    # Z = 60 deg: DNI = B / 0.5; Z = 89 deg: cos clipped at cos 87; below horizon: 0; cap at E0
    out = dni_from_beam_horizontal(
        [100.0, 10.0, 50.0, 1000.0], [60.0, 89.0, 91.0, 30.0], [1361.0, 1361.0, 1361.0, 1000.0]
    )
    assert_allclose(out, [200.0, 10.0 / np.cos(np.radians(87.0)), 0.0, 1000.0])


# ----------------------------------------------------------------------------------------------
# synthetic default year
# ----------------------------------------------------------------------------------------------
def test_default_year_matches_calibration(default_year):
    data, meta = default_year
    st = load_calibration()["statistics"]
    g = data.groupby(data.index.month)
    # tolerances from issue 3: monthly GHI, wind within 3 %, temperature within 0.3 K
    assert_allclose(g["ghi"].mean(), st["ghi_mean_w_m2"], rtol=0.03)
    assert_allclose(g["wind_speed"].mean(), st["wind_mean_m_s"], rtol=0.03)
    assert_allclose(g["temp_air"].mean(), st["temp_air_mean_c"], atol=0.3)
    assert_allclose(data["ghi"].sum() / 1000, st["annual_ghi_kwh_m2"], rtol=0.02)
    assert len(data) == 8760 and not meta.partial
    assert meta.latitude == 51.4562 and meta.wind_speed_height_m == 10
    # weather-like structure, not only means: DHI <= GHI, night is dark, wind varies hour to hour
    assert (data["dhi"] <= data["ghi"] + 1e-9).all()
    sp = solar_position(data.index, meta.latitude, meta.longitude)
    assert (data["ghi"][sp["zenith"] > 90] == 0).all()
    ws = data["wind_speed"]
    assert 0.6 < np.corrcoef(ws[:-1], ws[1:])[0, 1] < 0.99


def test_default_file_is_marked_synthetic():
    head = default_weather_path().read_text(encoding="utf-8")[:3000]
    assert "SYNTHETIC" in head and f"seed: {DEFAULT_SEED}" in head


def test_synthesize_is_deterministic_and_recreates_default(tmp_path):
    a = tmp_path / "a.csv"
    res = run_cli("weather", "synthesize", "--out", a)
    assert res.exit_code == 0, res.output
    assert a.read_bytes() == default_weather_path().read_bytes()
    b = synthesize(tmp_path / "b.csv", seed=7, year=DEFAULT_YEAR)
    assert b.read_bytes() != a.read_bytes()
    assert synthesize(tmp_path / "c.csv", seed=7).read_bytes() == b.read_bytes()
    res = run_cli("weather", "synthesize", "--out", a)  # exists, no --overwrite
    assert res.exit_code == 1 and "--overwrite" in res.output


def test_default_year_statistics_not_forced_by_construction(default_year, weather_dir):
    """The monthly means of GHI, temperature, wind and pressure are set exactly by the generator's
    last step (weather_synth, step 7), so the test above cannot fail on them alone. These
    statistics are NOT adjusted; they show the stochastic model itself reproduces the TRY.
    Tolerances are the measured deviations of seed 20150101 rounded up (so a broken model
    component fails, while the known biases stated in weather/README.md pass)."""
    data, meta = default_year
    st = load_calibration()["statistics"]
    got = calibration_from_series(data, meta)
    # daily clearness: monthly mean within 6 % (measured 5.5 %), day-to-day std within 25 %
    # (measured 17 %), lag-1 positive like the TRY (0.33; measured 0.20)
    assert_allclose(got["kt_daily_mean"], st["kt_daily_mean"], rtol=0.06)
    assert_allclose(got["kt_daily_std"], st["kt_daily_std"], rtol=0.25)
    assert 0.1 < got["kt_daily_lag1"] < 0.5
    # wind: Weibull shape within 16 % per month (measured 15 %), hour-to-hour persistence of the
    # normal scores within 0.05 (0.855 vs 0.869), diurnal factors within 0.2 (measured 0.16)
    assert_allclose(got["wind_weibull_k"], st["wind_weibull_k"], rtol=0.16)
    assert_allclose(got["wind_latent_lag1"], st["wind_latent_lag1"], atol=0.05)
    assert_allclose(got["wind_diurnal_factor"], st["wind_diurnal_factor"], atol=0.2)
    assert_allclose(got["wind_direction_sector_freq"], st["wind_direction_sector_freq"], atol=0.02)
    # temperature: diurnal profile within 0.5 K (measured 0.44 K: the hourly AR(1) residual,
    # sd 0.9-1.4 K, lag-1 0.86, averages out over a month's ~30 days only to ~0.4 K); the spread
    # of daily means (RMS over the months) within 15 % (measured 3.0 vs 2.9 K), persistence
    # within 0.1 (0.75 vs 0.68)
    assert_allclose(got["temp_diurnal_profile_c"], st["temp_diurnal_profile_c"], atol=0.5)
    rms = [np.sqrt(np.mean(np.square(x["temp_daily_std_c"]))) for x in (got, st)]
    assert_allclose(rms[0], rms[1], rtol=0.15)
    assert_allclose(got["temp_daily_lag1"], st["temp_daily_lag1"], atol=0.1)


# synthetic year vs the TRY2015 Essen itself, beyond the calibrated monthly means
@pytest.fixture(scope="module")
def try2015(weather_dir):
    return read_weather(weather_dir / "TRY2015_essen_jahr.dat")


def _daylight_kt(data, meta):
    """Hourly clearness index GHI / (E0 cos Z) of the hours with the sun above 5° [-]."""
    sp = solar_position(data.index, meta.latitude, meta.longitude, meta.elevation_m)
    cosz = np.cos(np.radians(sp["zenith"].to_numpy()))
    e0 = pvlib.irradiance.get_extra_radiation(data.index + pd.Timedelta(minutes=30)).to_numpy()
    day = sp["zenith"].to_numpy() < 85.0
    return pd.Series(data["ghi"].to_numpy()[day] / (e0[day] * cosz[day]), data.index[day])


def test_default_year_diffuse_fraction_and_dni_vs_try(default_year, try2015):
    """Issue-3 review: diffuse fraction within ±0.03 and annual DNI within ±5 % of the TRY's.
    Measured (seed 20150101): 0.561 vs 0.549, 881.7 vs 900.8 kWh m-2 (−2.1 %); v1 (TAG + Erbs)
    had 0.607 and 795 (−12 %). DNI both from the dni column (the readers derive it from
    B / cos Z with the same guard; checked here for the synthetic year too)."""
    data, meta = default_year
    tdata, _tmeta = try2015
    frac = data["dhi"].sum() / data["ghi"].sum()
    frac_try = tdata["dhi"].sum() / tdata["ghi"].sum()
    assert abs(frac - frac_try) <= 0.03
    assert_allclose(data["dni"].sum(), tdata["dni"].sum(), rtol=0.05)
    sp = solar_position(data.index, meta.latitude, meta.longitude, meta.elevation_m)
    dni_b = dni_from_beam_horizontal(
        data["ghi"] - data["dhi"],
        sp["zenith"],
        pvlib.irradiance.get_extra_radiation(data.index + pd.Timedelta(minutes=30)),
    )
    assert_allclose(dni_b.sum(), data["dni"].sum(), rtol=1e-3)


def test_dirint_reproduces_try_split(try2015):
    """Why DIRINT: on the TRY's own GHI it gives the TRY's diffuse fraction (0.5495 vs 0.5494)
    and DNI (900.1 vs 900.8 kWh m-2); Erbs gives 0.561 and 829 (−8 %)."""
    data, meta = try2015
    sp = solar_position(data.index, meta.latitude, meta.longitude, meta.elevation_m)
    dni = pvlib.irradiance.dirint(data["ghi"], sp["zenith"], data.index, pressure=data["pressure"])
    bhi = np.minimum(
        np.nan_to_num(dni.to_numpy()) * np.clip(np.cos(np.radians(sp["zenith"])), 0, None),
        data["ghi"],
    )
    assert abs(1 - bhi.sum() / data["ghi"].sum() - data["dhi"].sum() / data["ghi"].sum()) < 0.005
    erbs = pvlib.irradiance.erbs(data["ghi"], sp["zenith"], data.index)
    assert erbs["dhi"].sum() / data["ghi"].sum() > 0.555  # Erbs: more diffuse than the TRY


def test_default_year_kt_quantiles_vs_try(default_year, try2015):
    """Hourly clearness (sun above 5°): 10/50/90 % quantiles within ±0.05 of the TRY's, per
    month (measured max 0.037) and for the year (measured max 0.004). v1 was off by up to 0.10
    (summer 10 % quantile 0.21-0.24 vs 0.13: too few overcast hours)."""
    kt = _daylight_kt(*default_year)
    kt_try = _daylight_kt(*try2015)
    q = [0.1, 0.5, 0.9]
    assert_allclose(kt.quantile(q), kt_try.quantile(q), atol=0.05)
    assert_allclose(
        kt.groupby(kt.index.month).quantile(q).unstack(),
        kt_try.groupby(kt_try.index.month).quantile(q).unstack(),
        atol=0.05,
    )
    # bimodal like the TRY (0.1-wide bins: overcast peak at 0.1-0.2, dip at 0.5-0.6, clear
    # peak at 0.6-0.7; TRY 791 / 477 / 517 hours, synthetic 750 / 482 / 542)
    h = np.histogram(kt, bins=np.arange(0, 1.01, 0.1))[0]
    assert h[1] > h[5] < h[6] and kt.max() <= 0.9


def test_default_year_temperature_extremes(default_year, try2015):
    """Annual minimum and maximum within 3 K of the TRY's (−6.3 / 33.3 °C); measured −4.2 / 32.2
    (v1: −4.8 / 27.8). Clear days are hotter in summer and colder in winter, as in the TRY."""
    data, _meta = default_year
    tdata, _ = try2015
    assert abs(data["temp_air"].min() - tdata["temp_air"].min()) <= 3.0
    assert abs(data["temp_air"].max() - tdata["temp_air"].max()) <= 3.0
    day = data.index.normalize()
    st = load_calibration()["statistics"]
    assert st["temp_anom_kt_coef_c"][6] > 5 and st["temp_anom_kt_coef_c"][0] < 0
    kd = data["ghi"].groupby(day).sum()
    tmax = data["temp_air"].groupby(day).max()
    summer = kd.index.month.isin([6, 7, 8])
    assert np.corrcoef(kd[summer], tmax[summer])[0, 1] > 0.3


def test_synthesize_year_is_deterministic_and_fast():
    import time

    t0 = time.perf_counter()
    a, _ = synthesize_year(seed=11)
    elapsed = time.perf_counter() - t0
    b, _ = synthesize_year(seed=11)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    c, _ = synthesize_year(seed=12)
    assert not np.array_equal(a["ghi"].to_numpy(), c["ghi"].to_numpy())
    assert elapsed < 2.0  # issue: < 2 s to synthesise (measured ≈ 0.1 s warm)


def test_synthesize_leap_year_and_stats():
    data, _meta = synthesize_year(year=2024, seed=3)
    assert len(data) == 8784
    st = load_calibration()["statistics"]
    assert_allclose(data.groupby(data.index.month)["ghi"].mean(), st["ghi_mean_w_m2"], rtol=1e-6)


def test_calibration_file_matches_try(weather_dir):
    data, meta = read_weather(weather_dir / "TRY2015_essen_jahr.dat")
    st = calibration_from_series(data, meta)
    cal = load_calibration()
    assert "Deutscher Wetterdienst" in cal["source"]
    for key in (
        "ghi_mean_w_m2",
        "temp_air_mean_c",
        "wind_mean_m_s",
        "wind_weibull_k",
        "kt_daily_mean",
        "pressure_mean_pa",
        "kt_prime_quantiles",
        "kt_latent_daily_share",
        "kt_latent_hourly_root",
        "temp_anom_kt_coef_c",
        "temp_hourly_resid_std_c",
    ):
        assert_allclose(cal["statistics"][key], st[key], rtol=1e-4, err_msg=key)


# ----------------------------------------------------------------------------------------------
# convert round-trip, windpowerlib adapter
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["TRY2015_essen_jahr.dat", "windpowerlib_berlin_2010.csv"])
def test_convert_round_trip(weather_dir, tmp_path, name):
    src = weather_dir / name
    out = tmp_path / "x.csv"
    res = run_cli("weather", "convert", src, "--out", out)
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
    res = run_cli("weather", "convert", src, "--out", out)
    assert res.exit_code == 1 and "--overwrite" in res.output


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


def test_to_windpowerlib_from_canonical(default_year):
    data, meta = default_year
    wpl = to_windpowerlib(data, meta, roughness_length_m=0.3)
    assert_allclose(wpl[("temperature", 2.0)], data["temp_air"] + 273.15)
    assert 95000 < wpl[("pressure", 0.0)].mean() < 105000  # Pa, not hPa
    assert_allclose(wpl[("roughness_length", 0.0)], 0.3)
    assert ("roughness_length", 0.0) not in to_windpowerlib(data, meta).columns
    # windpowerlib accepts the frame: logarithmic profile from 10 m to 100 m
    from windpowerlib.wind_speed import logarithmic_profile

    v100 = logarithmic_profile(wpl[("wind_speed", 10.0)], 10.0, 100.0, 0.3)
    assert_allclose(v100 / wpl[("wind_speed", 10.0)], np.log(100 / 0.3) / np.log(10 / 0.3))


# ----------------------------------------------------------------------------------------------
# other formats from hand-made fixtures
# ----------------------------------------------------------------------------------------------
def _pvgis_tmy_json(data: pd.DataFrame) -> dict:
    """A PVGIS TMY JSON answer in PVGIS's documented structure (api v5.2, tool 'tmy')."""
    rows = [
        {
            "time(UTC)": t.strftime("%Y%m%d:%H%M"),
            "T2m": r.temp_air,
            "RH": 80.0,
            "G(h)": r.ghi,
            "Gb(n)": r.dni,
            "Gd(h)": r.dhi,
            "IR(h)": 300.0,
            "WS10m": r.wind_speed,
            "WD10m": r.wind_direction,
            "SP": r.pressure,
        }
        for t, r in zip(
            data.index.map(lambda t: t.replace(year=2007 + t.month % 5)), data.itertuples()
        )
    ]
    return {
        "inputs": {
            "location": {"latitude": 51.4562, "longitude": 7.0568, "elevation": 102.0},
            "meteo_data": {
                "radiation_db": "PVGIS-SARAH3",
                "meteo_db": "ERA5",
                "year_min": 2005,
                "year_max": 2023,
            },
        },
        "outputs": {
            "months_selected": [{"month": m, "year": 2007 + m % 5} for m in range(1, 13)],
            "tmy_hourly": rows,
        },
        "meta": {
            "inputs": {"location": {"description": "Selected location"}},
            "outputs": {"tmy_hourly": {"type": "time series"}},
        },
    }


@pytest.fixture(scope="module")
def pvgis_doc(default_year):
    return _pvgis_tmy_json(default_year[0].round(2))


def test_pvgis_tmy_json_reads(tmp_path, pvgis_doc, default_year):
    p = tmp_path / "tmy.json"
    p.write_text(json.dumps(pvgis_doc))
    data, meta = read_weather(p)
    assert meta.source_format == "pvgis_tmy" and meta.latitude == 51.4562
    assert_allclose(data["ghi"].sum(), default_year[0]["ghi"].round(2).sum(), rtol=1e-9)
    assert data.index[0] == pd.Timestamp("2015-01-01", tz="UTC") and len(data) == 8760


def test_get_pvgis_tmy_with_recorded_response(monkeypatch, pvgis_doc):
    import requests

    calls = {}

    class FakeResponse:
        ok = True
        content = json.dumps(pvgis_doc).encode()

        def json(self):
            return json.loads(self.content)

    def fake_get(url, params=None, timeout=None):
        calls.update(url=url, params=params, timeout=timeout)
        return FakeResponse()

    monkeypatch.setattr(requests, "get", fake_get)
    data, meta = get_pvgis_tmy(51.4562, 7.0568, timeout=12.5)
    assert calls["timeout"] == 12.5 and calls["url"].endswith("tmy")
    assert calls["params"]["lat"] == 51.4562
    assert meta.source_format == "pvgis_tmy" and len(data) == 8760

    def fail(*a, **k):
        raise requests.Timeout("read timed out")

    monkeypatch.setattr(requests, "get", fail)
    with pytest.raises(WeatherError, match="PVGIS TMY download .* failed .*Timeout"):
        get_pvgis_tmy(51.0, 7.0, timeout=1)


def test_epw_reads(tmp_path, default_year):
    d = default_year[0]
    local = d.copy()
    local.index = d.index + pd.Timedelta(hours=1)  # local standard time UTC+1
    header = [
        "LOCATION,Essen,NW,DEU,synthetic,104100,51.46,7.06,1.0,102.0",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,test",
        "COMMENTS 2,test",
        "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    lines = []
    for t, r in zip(local.index, d.itertuples()):
        hour_end = t.hour + 1  # EPW hour 1..24 ends the interval
        f = [
            t.year,
            t.month,
            t.day,
            hour_end,
            60,
            "?",
            round(r.temp_air, 2),
            5.0,
            80,
            r.pressure,
            0,
            0,
            300,
            round(r.ghi, 2),
            round(r.dni, 2),
            round(r.dhi, 2),
            0,
            0,
            0,
            0,
            round(r.wind_direction),
            round(r.wind_speed, 3),
            5,
            5,
            10,
            777,
            9,
            999999999,
            10,
            0.1,
            0,
            88,
            0.2,
            0,
            1,
        ]
        lines.append(",".join(map(str, f)))
    p = tmp_path / "x.epw"
    p.write_text("\n".join(header + lines) + "\n")
    data, meta = read_weather(p)
    assert meta.source_format == "epw"
    assert_allclose(data["ghi"].sum(), d["ghi"].round(2).sum(), rtol=1e-9)
    assert_allclose(data["temp_air"].to_numpy(), d["temp_air"].round(2).to_numpy(), atol=1e-9)


def _cdc_file(path, cols: dict, times, fmt="%Y%m%d%H"):
    df = pd.DataFrame(
        {"STATIONS_ID": 1078, "MESS_DATUM": times.strftime(fmt), "QN": 3, **cols, "eor": "eor"}
    )
    path.write_text(df.to_csv(sep=";", index=False).replace(";", ";  "))


def test_dwd_cdc_hourly_station_combined(tmp_path, default_year):
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
    (folder / "Metadaten_Geographie_01078.txt").write_text(
        "Stations_id;Stationshoehe;Geogr.Breite;Geogr.Laenge;von_datum;bis_datum;Stationsname\n"
        "1078;37;51.2960;6.7686;19690101;;Duesseldorf\n"
    )
    data, meta = read_weather(folder)
    assert meta.source_format == "dwd_cdc" and meta.latitude == 51.296 and "01078" in meta.station
    assert_allclose(data["ghi"].to_numpy(), d["ghi"].to_numpy(), atol=0.02)
    assert_allclose(data["pressure"].to_numpy(), d["pressure"].to_numpy(), atol=6)
    assert meta.n_gaps == 1 and meta.n_gaps_filled == 1
    assert any("interpolated" in w for w in meta.warnings)


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


def test_generic_csv_with_mapping_units_tz(tmp_path, default_year):
    d = default_year[0]
    local = d.index.tz_convert("Etc/GMT-1").tz_localize(None)  # naive MEZ (UTC+1)
    df = pd.DataFrame(
        {
            "Zeit": local.strftime("%Y-%m-%d %H:%M"),
            "G": d["ghi"].round(2),
            "T": (d["temp_air"] + 273.15).round(2),
            "V": (d["wind_speed"] * 3.6).round(3),
            "P": (d["pressure"] / 100).round(2),
        }
    )
    p = tmp_path / "gen.csv"
    df.to_csv(p, sep=";", index=False)
    args = [
        "weather",
        "info",
        p,
        "--map",
        "time=Zeit,ghi=G,temp_air=T,wind_speed=V,pressure=P",
        "--units",
        "temp_air=K,wind_speed=km/h,pressure=hPa",
        "--tz",
        "+01:00",
        "--lat",
        "51.4562",
        "--lon",
        "7.0568",
        "--json",
    ]
    res = run_cli(*args)
    assert res.exit_code == 0, res.output
    s = json.loads(res.stdout)[0]
    assert s["format"] == "generic" and s["period_start_utc"] == "2015-01-01T00:00:00+00:00"
    assert_allclose(s["mean_temp_air_c"], d["temp_air"].mean(), atol=0.01)
    assert_allclose(s["mean_wind_speed_m_s"], d["wind_speed"].mean(), atol=0.001)
    assert_allclose(s["annual_ghi_kwh_m2"], d["ghi"].sum() / 1000, rtol=1e-5)


def test_try2010_duplicated_first_hour_is_detected(weather_dir, tmp_path):
    lines = (weather_dir / "TRY2010_essen_wint.dat").read_text(encoding="utf-8").splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith("***")) + 1
    p = tmp_path / "TRY2010_dup.dat"
    p.write_text("\n".join(lines[: i + 1] + lines[i:]) + "\n", encoding="utf-8")
    data, meta = read_weather(p)
    assert len(data) == 8760
    assert any("duplicated first hour" in w and "TRY2010" in w for w in meta.warnings)


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


def test_partial_series_allowed(tmp_path, default_year):
    data0, meta0 = default_year
    p = tmp_path / "june.csv"
    write_weather(data0[data0.index.month == 6], meta0, p)
    _d, m = read_weather(p, allow_partial=True)
    assert m.partial
    assert_allclose(m.coverage_fraction, 720 / 8760, rtol=1e-5)
    res = run_cli("weather", "info", p, "--allow-partial")
    assert res.exit_code == 0 and "PARTIAL" in res.output


def test_weather_config_in_config_system():
    cfg = load_config()
    assert isinstance(cfg.weather, WeatherConfig)
    assert cfg.weather.max_interpolated_gap_h == 3
    import dataclasses

    for f in dataclasses.fields(WeatherConfig):
        assert f.metadata["source"], f.name


# ----------------------------------------------------------------------------------------------
# bad-input suite: each malformed file gives its specific one-line message and exit 1
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def canon_lines():
    text = default_weather_path().read_text(encoding="utf-8").splitlines()
    n_head = next(i for i, ln in enumerate(text) if ln.startswith("time_utc"))
    return text[: n_head + 1], text[n_head + 1 :]


def _edit(canon_lines, func):
    head, rows = canon_lines
    rows = list(rows)
    head = list(head)
    head, rows = func(head, rows)
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
    "kelvin": (lambda h, r: (h, _map_col(r, 4, lambda v: v + 273.15)), r"looks like Kelvin"),
    "hpa": (lambda h, r: (h, _map_col(r, 6, lambda v: v / 100)), r"pressure looks like hPa"),
    "wind_too_high": (lambda h, r: (h, _set(r, NOON, 5, 75)), r"wind_speed out of range"),
    "wind_negative": (lambda h, r: (h, _set(r, NOON, 5, -2)), r"wind_speed out of range"),
    "temp_range": (lambda h, r: (h, _set(r, NOON, 4, 85)), r"temp_air out of range"),
    "short_series": (lambda h, r: (h, r[:1000]), r"annual yields need a full year"),
    "daily_step": (lambda h, r: (h, r[::24]), r"coarser than hourly"),
    "bad_timestamp": (
        lambda h, r: (h, _set(r, 5, 0, "2015-13-45T00:00:00+00:00")),
        r"cannot parse timestamps",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_canonical_inputs(tmp_path, canon_lines, case):
    edit, pattern = BAD_CASES[case]
    p = tmp_path / f"{case}.csv"
    p.write_text(_edit(canon_lines, edit), encoding="utf-8")
    with pytest.raises(WeatherError, match=pattern) as ei:
        read_weather(p)
    msg = str(ei.value)
    assert "\n" not in msg and str(p) in msg
    res = run_cli("weather", "info", p)
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert re.search(pattern, res.output)


def _other_bad_files(tmp_path, weather_dir):
    try_lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    i = next(k for k, ln in enumerate(try_lines) if ln.startswith("***")) + 1
    bad_try = list(try_lines)
    bad_try[i + 50] = bad_try[i + 50].replace(" 0.0 ", " x.y ", 1)[:40] + " abc def"
    t10 = (weather_dir / "TRY2010_essen_wint.dat").read_text(encoding="utf-8").splitlines()
    j = next(k for k, ln in enumerate(t10) if ln.startswith("***")) + 1
    dup2010 = t10[: j + 1] + [t10[j].replace("-14.5", "-13.0")] + t10[j + 1 :]
    dus = (weather_dir / "dwd_duesseldorf_2024_15min.csv").read_text().splitlines()
    return {
        "unknown.txt": (
            "just some notes\nnot weather\n",
            r"unknown weather format; tried canonical",
        ),
        "empty.csv": ("", r"file is empty"),
        "bad_try.dat": ("\n".join(bad_try), r"(malformed data rows|non-numeric values|columns)"),
        "dup2010.dat": ("\n".join(dup2010), r"first hour appears twice .*TRY2010"),
        "dus_missing.csv": (
            "\n".join(dus[:2] + [dus[2].replace(",wind_speed", ",ws")] + dus[3:500]),
            r"missing required columns wind_speed",
        ),
    }


@pytest.mark.parametrize(
    "name", ["unknown.txt", "empty.csv", "bad_try.dat", "dup2010.dat", "dus_missing.csv"]
)
def test_bad_other_formats(tmp_path, weather_dir, name):
    text, pattern = _other_bad_files(tmp_path, weather_dir)[name]
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(WeatherError, match=pattern):
        read_weather(p)
    res = run_cli("weather", "info", p)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert re.search(pattern, res.output)


def test_bad_generic_inputs(tmp_path, default_year):
    d = default_year[0]
    p = tmp_path / "g.csv"
    pd.DataFrame(
        {
            "t": d.index.strftime("%Y-%m-%d %H:%M"),
            "g": d["ghi"],
            "T": d["temp_air"],
            "v": d["wind_speed"],
        }
    ).to_csv(p, index=False)
    base = ["weather", "info", p, "--map", "time=t,ghi=g,temp_air=T,wind_speed=v", "--tz", "UTC"]
    cases = [
        (base, r"needs the location"),
        (base + ["--lat", "51", "--lon", "7", "--units", "ghi=furlong"], r"unknown unit 'furlong'"),
        (
            base[:4] + ["time=t,ghi=G_missing", "--tz", "UTC"],
            r"--map names columns not in the file",
        ),
        (
            base + ["--lat", "51", "--lon", "7"],
            r"missing required column pressure and no elevation",
        ),
    ]
    for args, pattern in cases:
        res = run_cli(*args)
        assert res.exit_code == 1, (args, res.output)
        assert "Traceback" not in res.output and re.search(pattern, res.output), res.output
    # with elevation the pressure is derived (standard atmosphere) and the file reads
    res = run_cli(*base, "--lat", "51", "--lon", "7", "--elevation", "102")
    assert res.exit_code == 0, res.output


def test_bom_prefixed_files_read(tmp_path, weather_dir):
    """Windows editors and Excel ('CSV UTF-8') put a byte order mark first; it is ignored."""
    for src in (default_weather_path(), weather_dir / "dwd_duesseldorf_2024_15min.csv"):
        p = tmp_path / f"bom_{src.name}"
        p.write_bytes(b"\xef\xbb\xbf" + src.read_bytes())
        a, ma = read_weather(src)
        b, mb = read_weather(p)
        assert mb.source_format == ma.source_format
        pd.testing.assert_frame_equal(a, b)


def test_truncated_typical_year_is_short_not_gappy(tmp_path, weather_dir):
    """A TRY cut after 966 rows is reported as a short series (the first hour, 23-24 UTC of the
    previous day, is only rolled to the year's end when the series reaches it)."""
    lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    p = tmp_path / "TRY2015_cut.dat"
    p.write_text("\n".join(lines[:1000]) + "\n", encoding="latin-1")
    with pytest.raises(
        WeatherError,
        match=r"series covers 966 h .* from 2014-12-31 23:00 to "
        r"2015-02-10 04:00 UTC; annual yields need a full year",
    ):
        read_weather(p)
    d, m = read_weather(p, allow_partial=True)
    assert m.partial and len(d) == 966 and m.n_gaps == 0
    assert d.index[0] == pd.Timestamp("2014-12-31 23:00", tz="UTC")


@pytest.mark.parametrize(
    "kind, pattern",
    [
        ("binary", r"unknown weather format; tried canonical, try2015"),
        ("folder", r"a folder or zip without DWD CDC 'produkt_\*' files"),
        ("zip", r"a folder or zip without DWD CDC 'produkt_\*' files"),
        ("header_only", r"only 0 data row\(s\)"),
        ("json_other", r"unknown weather format"),
        ("missing", r"file not found"),
    ],
)
def test_more_unreadable_inputs(tmp_path, kind, pattern):
    import zipfile

    p = tmp_path / f"{kind}.dat"
    if kind == "binary":
        p.write_bytes(bytes(range(256)) * 20)
    elif kind == "folder":
        p.mkdir()
        (p / "notes.txt").write_text("x")
    elif kind == "zip":
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("readme.txt", "no products")
    elif kind == "header_only":
        text = default_weather_path().read_text(encoding="utf-8").splitlines()
        n = next(i for i, ln in enumerate(text) if ln.startswith("time_utc"))
        p.write_text("\n".join(text[: n + 1]) + "\n")
    elif kind == "json_other":
        p.write_text('{"outputs": {"something": []}}')
    with pytest.raises(WeatherError, match=pattern) as info:
        read_weather(p)
    assert "\n" not in str(info.value)
    res = run_cli("weather", "info", p)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert re.search(pattern, res.output) and res.output.startswith("error: ")


def test_ambiguous_local_time(tmp_path, default_year):
    d = default_year[0]
    # naive Europe/Berlin wall-clock times repeat 02:00 at the end of summer time (25 Oct 2015)
    local = d.index.tz_convert("Europe/Berlin").tz_localize(None)
    p = tmp_path / "berlin.csv"
    pd.DataFrame(
        {
            "time": local.strftime("%Y-%m-%d %H:%M"),
            "ghi": d["ghi"],
            "temp_air": d["temp_air"],
            "wind_speed": d["wind_speed"],
            "pressure": d["pressure"],
        }
    ).to_csv(p, index=False)
    res = run_cli(
        "weather",
        "info",
        p,
        "--format",
        "generic",
        "--tz",
        "Europe/Berlin",
        "--lat",
        "51.4",
        "--lon",
        "7",
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "ambiguous local timestamps" in res.output


def test_info_multi_file_reports_bad_and_shows_rest(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("nonsense\n")
    res = run_cli("weather", "info", bad, default_weather_path())
    assert res.exit_code == 1
    assert "unknown weather format" in res.output
    assert "annual GHI:" in res.output and "canonical" in res.output
    assert "Traceback" not in res.output


def test_unknown_format_option():
    res = run_cli("weather", "info", default_weather_path(), "--format", "nope")
    assert res.exit_code == 2  # click usage error lists the choices
