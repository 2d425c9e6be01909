"""Timing check (:mod:`haldenenergie.weather.timing`) and ``haldenenergie weather check-timing``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.weather import read_weather
from haldenenergie.weather.timing import (
    TOLERANCE_MIN,
    check_timing,
    interval_step,
    midday_centroid,
    minutes_from_solar_noon,
    shifted_clear_sky,
    timing_verdict,
)

LAT, LON, ELEV = 51.4562, 7.0568, 102.0


def _synthetic(shift_min: int, days: int = 60, seed: int = 1) -> pd.DataFrame:
    """Clear-sky GHI whose values belong ``shift_min`` later than labelled, times day clouds."""
    idx = pd.date_range("2015-04-01", periods=24 * days, freq="h", tz="UTC")
    cs = shifted_clear_sky(idx, np.array([shift_min]), LAT, LON, ELEV)[0]
    rng = np.random.default_rng(seed)
    daily = np.repeat(rng.uniform(0.5, 1.0, days), 24)
    return pd.DataFrame({"ghi": cs * daily}, index=idx)


@pytest.mark.parametrize("shift", [-60, -30, -15, 0, 20, 30, 60])
def test_best_shift_and_centroid_recover_a_known_shift(shift):
    rep = check_timing(_synthetic(shift), LAT, LON, ELEV)
    assert rep.best_shift_min == shift
    # hourly means placed at interval middles: the centroid is about minus the shift
    assert_allclose(rep.centroid_min, -shift, atol=3.0)
    assert rep.centroid_clear_min is not None
    assert rep.looks_right == (abs(shift) <= TOLERANCE_MIN)
    assert rep.scores.idxmax() == shift and set(np.diff(rep.scores.index)) == {5}


def test_no_clear_days_falls_back_to_all_days():
    df = _synthetic(30) * 0.3  # every day well below CLEAR_DAY_RATIO
    rep = check_timing(df, LAT, LON, ELEV)
    assert rep.n_clear_days == 0 and rep.centroid_clear_min is None
    assert rep.best_shift_min == 30


def test_verdicts():
    assert timing_verdict(0.0) == "looks right"
    assert timing_verdict(15.0) == "looks right"
    v = timing_verdict(30.0)
    assert v.startswith("shifted by about +30 min") and "--tz/--label" in v and "later" in v
    assert "earlier" in timing_verdict(-60.0)
    assert timing_verdict(float("nan")).startswith("not checked")


def test_centroid_of_a_symmetric_day_is_zero():
    minutes = np.arange(-330, 331, 60, dtype=float)
    ghi = np.cos(np.radians(minutes / 4.0)) * 800
    assert_allclose(midday_centroid(ghi, minutes), 0.0, atol=1e-9)
    assert np.isnan(midday_centroid(np.zeros(3), np.zeros(3)))


def test_minutes_from_solar_noon_near_zero_at_noon():
    # interval 11:00-12:00 UTC on 21 June: middle 11:30; noon at 7.06 E is ~11:33 UTC
    idx = pd.DatetimeIndex([pd.Timestamp("2015-06-21 11:00", tz="UTC")])
    assert abs(minutes_from_solar_noon(idx, LAT, LON)[0]) < 6.0


def test_interval_step_of_microsecond_index():
    idx = pd.date_range("2015-01-01", periods=5, freq="h", tz="UTC").as_unit("us")
    assert interval_step(idx) == pd.Timedelta(hours=1)
    assert interval_step(idx[:1]) == pd.Timedelta(hours=1)


def test_try2010_read_hour_ending_would_be_30_min_early(weather_dir, monkeypatch):
    """The evidence for the TRY2010 convention: read as hour ending (the header's MEZ, no centring),
    the values belong 30 min later; read as the reader does now, the timing looks right."""
    import haldenenergie.weather.readers.dwd_try as dwd_try

    data, meta = read_weather(weather_dir / "TRY2010_essen_wint.dat")
    now = check_timing(data, meta.latitude, meta.longitude, meta.elevation_m)
    assert now.looks_right and abs(now.best_shift_min) <= 5 and abs(now.centroid_min) < 5
    monkeypatch.setattr(dwd_try, "_centre_on_stamp", lambda out: out)
    data, meta = read_weather(weather_dir / "TRY2010_essen_wint.dat")
    old = check_timing(data, meta.latitude, meta.longitude, meta.elevation_m)
    assert old.best_shift_min == 30 and -35 < old.centroid_min < -25 and not old.looks_right


def test_cli_prints_centroids_for_shipped_files(weather_dir, cli):
    names = ["TRY2015_essen_jahr.dat", "TRY2010_essen_wint.dat", "dwd_duesseldorf_2024_15min.csv"]
    res = cli("weather", "check-timing", *(weather_dir / n for n in names))
    assert res.stdout.count("midday centroid:") == 3
    assert res.stdout.count("verdict:           looks right") == 3
    res = cli("weather", "check-timing", "--json", weather_dir / "windpowerlib_berlin_2010.csv")
    assert json.loads(res.stdout)[0]["verdict"].startswith("not checked")


def test_cli_flags_a_file_shifted_by_30_min(weather_dir, tmp_path, invoke):
    """The DWD Düsseldorf 15-min file with its values moved two rows (30 min) later than their
    time stamps: the check sees the shift (-5 min on the file as published, -35 min here)."""
    lines = (weather_dir / "dwd_duesseldorf_2024_15min.csv").read_text().splitlines()
    head, rows = lines[:3], [r.split(",") for r in lines[3:]]
    vals = [r[5:] for r in rows[-2:] + rows[:-2]]
    body = [",".join(r[:5] + v) for r, v in zip(rows, vals, strict=True)]
    p = tmp_path / "duesseldorf_late.csv"
    p.write_text("\n".join(head + body) + "\n")
    res = invoke("weather", "check-timing", "--json", p)
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)[0]
    assert -40 <= d["best_shift_min"] <= -30 and not d["looks_right"]
    assert d["centroid_min"] > 30 and "shifted by about -" in d["verdict"]
    assert invoke("weather", "check-timing", tmp_path / "missing.dat").exit_code == 1
