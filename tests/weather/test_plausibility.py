"""Plausibility of well-formed weather (issue 13): wrong units, swapped columns, frozen sensors.

Every bad file is made by transforming a good one (the DWD TRY2015 Essen or the packaged canonical
year); the clean shipped files must pass every rule without a warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from haldenenergie.errors import WeatherError
from haldenenergie.weather import default_weather_path, read_weather
from haldenenergie.weather.config import WeatherConfig
from haldenenergie.weather.plausibility_met import longest_constant_run

#: TRY2015 column index of: air temperature t, wind speed WG, beam B and diffuse D on the horizontal
T, WG, B, D = 5, 8, 12, 13

SHIPPED = [
    "TRY2010_essen_wint.dat",
    "TRY2015_essen_jahr.dat",
    "TRY2015_essen_somm.dat",
    "TRY2015_essen_wint.dat",
    "TRY2045_essen_jahr.dat",
    "dwd_duesseldorf_2024_15min.csv",
    "windpowerlib_berlin_2010.csv",
]


def _try_rewritten(src, dst, transform):
    """Copy a TRY2015 file to ``dst`` with ``transform(rows)`` applied to its data rows (floats)."""
    text = src.read_text(encoding="latin-1")
    head, body = text.split("***", 1)
    lines = body.splitlines()
    rows = np.array([ln.split() for ln in lines[1:] if ln.strip()], dtype=float)
    rows = transform(rows)
    out = [" ".join(f"{v:.6g}" for v in r) for r in rows]
    dst.write_text(head + "***" + lines[0] + "\n" + "\n".join(out) + "\n", encoding="latin-1")
    return dst


def _canon_rewritten(dst, canon_lines, transform):
    """The packaged canonical year with ``transform(df)`` applied to its columns."""
    import io

    import pandas as pd

    head, data = canon_lines
    df = pd.read_csv(io.StringIO("\n".join([head[-1], *data])))
    names = {c: c.split("_w_m2")[0] for c in df.columns if c.endswith("_w_m2")}
    df = transform(df.rename(columns=names)).rename(columns={v: k for k, v in names.items()})
    dst.write_text("\n".join(head[:-1]) + "\n" + df.to_csv(index=False), encoding="utf-8")
    return dst


def _plain_csv(dst, canon_lines, transform):
    """The canonical year as a plain CSV with canonical column names (for ``--format generic``)."""
    import io

    import pandas as pd

    head, data = canon_lines
    df = pd.read_csv(io.StringIO("\n".join([head[-1], *data])))
    df.columns = [c.split("_w_m2")[0].split("_deg")[0].split("_m_s")[0] for c in df.columns]
    df = df.rename(columns={"pressure_pa": "pressure"})
    dst.write_text(transform(df).to_csv(index=False), encoding="utf-8")
    return dst


@pytest.fixture
def try_file(weather_dir, tmp_path):
    """Factory: a transformed copy of TRY2015_essen_jahr.dat."""

    def make(transform, name="TRY_bad.dat"):
        return _try_rewritten(weather_dir / "TRY2015_essen_jahr.dat", tmp_path / name, transform)

    return make


def _scaled(cols, f):
    def t(r):
        r[:, cols] *= f
        return r

    return t


def _one_line_error(path, **kw) -> str:
    with pytest.raises(WeatherError) as ei:
        read_weather(path, **kw)
    msg = str(ei.value)
    assert "\n" not in msg and str(path) in msg
    return msg


# --- clean input: no false alarm ------------------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_pass_without_new_warnings(weather_dir, name):
    _, meta = read_weather(weather_dir / name)
    assert [w for w in meta.warnings if "no irradiance" not in w] == []


def test_synthetic_year_passes_without_warnings(default_year):
    assert default_year[1].warnings == []


def test_identity_transform_passes(try_file):
    _, meta = read_weather(try_file(lambda r: r))
    assert meta.warnings == []


# --- irradiance scale -----------------------------------------------------------------------------


def test_irradiance_in_kw_per_m2(try_file):
    msg = _one_line_error(try_file(_scaled([B, D], 1 / 1000)))
    assert "column ghi" in msg and "kWh/m²" in msg and "clear-sky" in msg
    assert "look like kW/m²" in msg and "--units ghi=kW/m2" in msg


def test_irradiance_divided_by_3_6(try_file):
    msg = _one_line_error(try_file(_scaled([B, D], 1 / 3.6)))
    assert "about 3.6 times too small" in msg and "ghi_clear_sky_ratio_min" in msg


def test_irradiance_j_per_cm2_per_hour_read_as_w(try_file):
    msg = _one_line_error(try_file(_scaled([B, D], 3600 / 10000)))
    assert "J/cm² read as W m-2" in msg and "--units ghi=J/cm2/h" in msg


def test_all_zero_irradiance_no_runtime_warning(try_file):
    path = try_file(_scaled([B, D], 0.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        msg = _one_line_error(path)
    assert "column ghi is 0 in all 8,760 hours" in msg and "dead pyranometer" in msg


def test_generic_units_kw_per_m2_restores_the_values(tmp_path, canon_lines):
    path = _plain_csv(
        tmp_path / "kw.csv",
        canon_lines,
        lambda df: df.assign(**{c: df[c] / 1000 for c in ("ghi", "dhi", "dni")}),
    )
    ref, _ = read_weather(default_weather_path())
    opts = {"latitude": 51.4562, "longitude": 7.0568, "elevation_m": 102.0, "tz": "UTC"}
    with pytest.raises(WeatherError, match="look like kW/m²"):
        read_weather(path, "generic", **opts)
    data, _ = read_weather(path, "generic", units="ghi=kW/m2,dhi=kW/m2,dni=kW/m2", **opts)
    np.testing.assert_allclose(data["ghi"].sum(), ref["ghi"].sum(), rtol=1e-6)


# --- diffuse share, swapped components, closure ---------------------------------------------------


def test_direct_and_diffuse_swapped(try_file):
    def swap(r):
        r[:, [B, D]] = r[:, [D, B]]
        return r

    msg = _one_line_error(try_file(swap))
    assert "column dhi" in msg and "overcast hours" in msg and "look swapped" in msg


def test_dni_that_is_ghi_minus_dhi(tmp_path, canon_lines):
    path = _canon_rewritten(
        tmp_path / "bhi_as_dni.csv", canon_lines, lambda df: df.assign(dni=df["ghi"] - df["dhi"])
    )
    msg = _one_line_error(path)
    assert "BSRN closure test" in msg and "map it as bhi" in msg


def test_dni_and_dhi_swapped_in_a_file_with_dni(tmp_path, canon_lines):
    path = _canon_rewritten(
        tmp_path / "swapped.csv",
        canon_lines,
        lambda df: df.assign(dni=df["dhi"], dhi=df["dni"].clip(upper=df["ghi"])),
    )
    msg = _one_line_error(path)
    assert "swap" in msg


def test_diffuse_share_equal_to_ghi(try_file):
    def all_diffuse(r):
        r[:, D] += r[:, B]
        r[:, B] = 0.0
        return r

    msg = _one_line_error(try_file(all_diffuse))
    assert "annual diffuse share DHI/GHI 1.00" in msg and "diffuse_share_min/_max" in msg


# --- wind -----------------------------------------------------------------------------------------


def test_wind_in_km_per_h(try_file):
    msg = _one_line_error(try_file(_scaled([WG], 3.6)))
    assert "column wind_speed (10 m)" in msg and "look like km/h" in msg
    assert "--units wind_speed=km/h" in msg


def test_wind_in_knots(try_file):
    msg = _one_line_error(try_file(_scaled([WG], 1.944)))
    assert "look like knots" in msg and "--units wind_speed=kn" in msg


def test_dead_anemometer(try_file):
    msg = _one_line_error(try_file(_scaled([WG], 0.0)))
    assert "dead anemometer" in msg


def test_windy_but_plausible_is_a_warning(try_file, caplog):
    # a mean above the bound with a normal 99th percentile: warned, not refused
    cfg = WeatherConfig(wind_mean_max_m_s=3.0)
    _, meta = read_weather(try_file(lambda r: r), config=cfg)
    assert any("unusually high" in w for w in meta.warnings)
    assert "unusually high" in caplog.text


def test_wind_bounds_overridable(try_file):
    cfg = WeatherConfig(wind_mean_max_m_s=20.0, wind_p99_max_m_s=60.0)
    read_weather(try_file(_scaled([WG], 3.6)), config=cfg)


# --- temperature ----------------------------------------------------------------------------------


def test_frozen_temperature_sensor(try_file):
    def frozen(r):
        r[:, T] = 11.3
        return r

    msg = _one_line_error(try_file(frozen))
    assert "column temp_air is constant for 8760 h" in msg and "frozen sensor" in msg


def test_temperature_frozen_for_two_days_is_a_warning(try_file):
    def frozen(r):
        r[2000:2030, T] = r[2000, T]
        return r

    _, meta = read_weather(try_file(frozen))
    assert any("temp_air is constant for 30 h" in w for w in meta.warnings)


def test_stuck_temperature_with_noise(try_file):
    rng = np.random.default_rng(1)

    def stuck(r):
        r[:, T] = np.round(10 + rng.normal(0, 0.3, len(r)), 1)
        return r

    msg = _one_line_error(try_file(stuck))
    assert "daily means vary by only" in msg


def test_longest_constant_run():
    assert longest_constant_run(np.array([1.0, 2, 2, 2, 3, 3])) == (1, 3)
    assert longest_constant_run(np.array([])) == (0, 0)


def test_cli_prints_one_line_and_exits_1(try_file, invoke):
    path = try_file(_scaled([B, D], 1 / 1000))
    r = invoke("weather", "info", str(path))
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"error: {path}: column ghi: annual GHI 1.0 kWh/m²"
    )
