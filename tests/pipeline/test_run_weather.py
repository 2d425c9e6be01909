"""``haldenenergie run`` with the weather files a new user passes: DWD TRY 2015, wind-only CSV,
part of a year."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import pipeline
from haldenenergie.config import load_config


# ------------------------------------------------------------------------------------------------
# Weather files as a new user passes them (shared data)
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def try2015_run(tmp_path_factory, weather_dir, invoke):
    out = tmp_path_factory.mktemp("try") / "out"
    r = invoke("run", "--weather", weather_dir / "TRY2015_essen_jahr.dat", "--out", out)
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.slow
def test_try2015_run_is_physically_plausible(try2015_run):
    """DWD TRY2015 Essen, all heaps: figures a PV/wind assessor would accept for the Ruhr.

    PV: specific yield per heap 820-960 kWh/kWp·a (well-oriented systems in NRW: 900-1,050, cf.
    PVGIS for Essen; heaps mix 20-deg racks with E/W flanks, which yield ~83 % of south). Plateau
    racks (flat ground) have NRW's 0.75 MW/ha (±2 %: 0.749 with the default module and GCR). Wind: a
    modern low-wind turbine at ~135 m hub + heap height in the Ruhr has 2,000-3,000 full-load
    hours and 5.5-7 m/s mean hub wind (atlas band 6.0-6.5 m/s at 135 m); existing older turbines
    1,500-3,200 h.
    """
    res = pd.read_csv(try2015_run / "results.csv")
    assert (res["status"] == "ok").all() and not res["weather_partial"].any()
    sy = res.loc[res["pv_capacity_mwp"] > 0, "pv_specific_yield_kwh_per_kwp"]
    assert sy.between(820, 960).all(), sy.describe()
    total_sy = res["pv_energy_mwh_per_a"].sum() / res["pv_capacity_mwp"].sum()
    assert 860 <= total_sy <= 930, total_sy
    surf = pd.read_csv(try2015_run / "surfaces.csv")
    plateau = surf[(surf["kind"] == "plateau") & (surf["layout"] == "rack")]
    assert_allclose(plateau["density_mwp_per_ha"], 0.75, rtol=0.02)
    # south flank out-yields north-facing ground on every heap that has both
    s = surf.set_index(["heap_id", "surface_class"])["specific_yield_kwh_per_kwp"]
    for (hid, cls), v in s.items():
        if cls.startswith("flank_S_") and (hid, cls.replace("_S_", "_N_")) in s.index:
            assert v > s[(hid, cls.replace("_S_", "_N_"))]
    new = res[res["wind_turbines_new"] > 0]
    assert len(new) >= 30
    assert new["wind_full_load_hours_h"].between(2000, 3000).all(), new["wind_full_load_hours_h"]
    assert new["wind_capacity_factor"].between(0.2, 0.35).all()
    assert res["wind_mean_speed_hub_m_s"].between(5.5, 7.0).all()
    # higher heaps stand in faster wind (relative height enters hub height above surroundings)
    rho = res[["relative_height_m", "wind_mean_speed_hub_m_s"]].corr(method="spearman").iloc[0, 1]
    assert rho > 0.9
    old = res[res["existing_wind_turbines"] > 0]
    assert len(old) >= 5
    flh_old = old["existing_wind_energy_mwh_per_a"] / old["existing_wind_capacity_mw"]
    assert flh_old.between(1500, 3200).all(), flh_old
    # totals: energies add up
    assert_allclose(
        res["total_energy_mwh_per_a"],
        res["pv_energy_mwh_per_a"] + res["wind_energy_mwh_per_a"].fillna(0),
    )


@pytest.mark.slow
def test_manifest_paths_hashes_parameters_timestamps(try2015_run, weather_dir, root_dir):
    import hashlib

    man = json.loads((try2015_run / "manifest.json").read_text(encoding="utf-8"))
    by_role = {i["role"]: i for i in man["inputs"]}
    w = by_role["weather"]
    assert w["path"] == str((weather_dir / "TRY2015_essen_jahr.dat").resolve())
    assert w["sha256"] == hashlib.sha256(Path(w["path"]).read_bytes()).hexdigest()
    from haldenenergie.resources import default_registry_path

    assert by_role["registry"]["path"] == str(default_registry_path().resolve())
    for i in man["inputs"]:
        assert Path(i["path"]).is_absolute()
    # every parameter in effect, exactly as config.to_dict() (JSON round trip)
    assert man["parameters"] == json.loads(json.dumps(load_config().to_dict(), default=str))
    assert man["started_utc"] <= man["created_utc"] and man["elapsed_s"] > 0
    assert man["weather"]["source_format"] == "try2015" and man["weather"]["partial"] is False
    assert set(man["outputs"]) == {
        "results.csv",
        "results.geojson",
        "results.gpkg",
        "monthly.csv",
        "surfaces.csv",
        "ranking.csv",
        "totals.csv",
        "manifest.json",
    }


@pytest.mark.slow
def test_results_geojson_is_valid_and_matches_csv(try2015_run):
    def no_nan(token):
        raise AssertionError(f"invalid JSON token {token} in results.geojson")

    gj = json.loads(
        (try2015_run / "results.geojson").read_text(encoding="utf-8"), parse_constant=no_nan
    )
    res = pd.read_csv(try2015_run / "results.csv").set_index("heap_id")
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == len(res)
    for f in gj["features"]:
        assert f["type"] == "Feature" and f["id"] == f["properties"]["heap_id"]
        row = res.loc[f["id"]]
        if f["geometry"] is not None:
            lon, lat = f["geometry"]["coordinates"]
            assert f["geometry"]["type"] == "Point"
            assert 6.4 < lon < 7.9 and 51.3 < lat < 51.8  # the Ruhr area, lon first
            assert_allclose([lon, lat], [row["lon"], row["lat"]])
        assert_allclose(f["properties"]["pv_energy_mwh_per_a"], row["pv_energy_mwh_per_a"])


@pytest.mark.slow
def test_wind_only_weather_gives_wind_and_marks_pv_not_computed(tmp_path, weather_dir, invoke):
    """windpowerlib's Berlin file has no irradiance: wind results, PV energy NaN (not 0)."""
    out = tmp_path / "o"
    r = invoke(
        "run",
        "--weather",
        str(weather_dir / "windpowerlib_berlin_2010.csv"),
        "--heap",
        "haniel",
        "--heap",
        "kohlenhuck",
        "--out",
        str(out),
        catch_exceptions=True,
    )
    assert r.exit_code == 0, r.output
    assert "PV energy not computed" in r.output and "Traceback" not in r.output
    res = pd.read_csv(out / "results.csv").set_index("heap_id")
    assert (res["status"] == pipeline.STATUS_NO_PV).all()
    assert (res["pv_capacity_mwp"] > 10).all()  # layout known
    assert res["pv_energy_mwh_per_a"].isna().all()  # energy not known
    assert res["pv_specific_yield_kwh_per_kwp"].isna().all()
    assert res["total_energy_mwh_per_a"].isna().all()
    assert res.loc["haniel", "wind_energy_mwh_per_a"] > 5000  # one 4.2 MW turbine
    assert res.loc["kohlenhuck", "existing_wind_energy_mwh_per_a"] > 10000
    monthly = pd.read_csv(out / "monthly.csv")
    assert monthly["pv_energy_mwh"].isna().all()
    assert_allclose(
        monthly.groupby("heap_id")["wind_energy_mwh"].sum().loc["haniel"],
        res.loc["haniel", "wind_energy_mwh_per_a"],
        rtol=1e-9,
    )
    surf = pd.read_csv(out / "surfaces.csv")
    assert surf["energy_mwh_per_a"].isna().all() and (surf["capacity_mwp"] >= 0).all()


@pytest.fixture(scope="module")
def half_year(tmp_path_factory, weather_dir):
    """TRY2015 Essen cut after 30 June (Jan-Jun, 4344 h): a partial series."""
    lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    start = next(i for i, s in enumerate(lines) if s.startswith("***")) + 1
    p = tmp_path_factory.mktemp("half") / "half_try.dat"
    p.write_text("\n".join(lines[: start + 181 * 24]) + "\n", encoding="latin-1")
    return p


def test_partial_weather_is_refused_without_flag(tmp_path, half_year, invoke):
    r = invoke(
        "run",
        "--weather",
        str(half_year),
        "--heap",
        "haniel",
        "--out",
        str(tmp_path / "o"),
        catch_exceptions=True,
    )
    assert r.exit_code == 1
    err = [s for s in r.output.splitlines() if s.startswith("error:")]
    assert len(err) == 1 and "--allow-partial" in err[0], r.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["flag", "config"])
def test_partial_weather_scaled_flagged_and_months_exact(
    tmp_path, half_year, try2015_run, how, invoke
):
    """Jan-Jun of TRY2015: annual = sum x 8760/4344, flagged; Jan-May equal the full year's
    months (same data, fully covered: 1e-9), June within 1/720 (the series starts 31 Dec 23:00
    UTC, so June lacks its last hour and is scaled by 720/719), Jul-Dec NaN (unknown, not zero;
    the single December hour is not scaled up to a month). Haniel has one new turbine, so the
    dropped wind direction (wakes) does not matter."""
    out = tmp_path / "o"
    args = ["run", "--weather", str(half_year), "--heap", "haniel", "--out", str(out)]
    if how == "flag":
        args.append("--allow-partial")
    else:
        cfg = tmp_path / "p.toml"
        cfg.write_text("[weather]\nallow_partial = true\n", encoding="utf-8")
        args += ["--config", str(cfg)]
    r = invoke(*args, catch_exceptions=True)
    assert r.exit_code == 0, r.output
    assert "part of a year" in r.output
    res = pd.read_csv(out / "results.csv").iloc[0]
    assert bool(res["weather_partial"]) is True
    assert "scaled to a year x2.017" in res["wind_notes"]
    m = pd.read_csv(out / "monthly.csv").set_index("month")
    full = pd.read_csv(try2015_run / "monthly.csv").query("heap_id == 'haniel'").set_index("month")
    for col in ("pv_energy_mwh", "wind_energy_mwh"):
        assert_allclose(m.loc[1:5, col], full.loc[1:5, col], rtol=1e-9)
        assert_allclose(m.loc[6, col], full.loc[6, col], rtol=1.5 / 720)
        assert m.loc[7:12, col].isna().all()
    # annual: Jan-Jun sums (unscaled months) x 8760 h / 4344 h; 0.2 % for June's missing hour
    assert_allclose(
        res["pv_energy_mwh_per_a"], full.loc[1:6, "pv_energy_mwh"].sum() * 8760 / 4344, rtol=2e-3
    )
    assert_allclose(
        res["wind_energy_mwh_per_a"],
        full.loc[1:6, "wind_energy_mwh"].sum() * 8760 / 4344,
        rtol=2e-3,
    )


# ------------------------------------------------------------------------------------------------
# --tz: a windpowerlib CSV without UTC offset (issue 16)
# ------------------------------------------------------------------------------------------------
#: The header and first 48 rows of windpowerlib's example/weather.csv (github.com/wind-python/
#: windpowerlib) with the offset +01:00 removed; see the .md next to the file.
WPL_NO_TZ = (
    Path(__file__).parents[1] / "weather" / "readers" / "data" / "windpowerlib_example_no_tz.csv"
)


@pytest.mark.slow
def test_run_reads_naive_windpowerlib_csv_only_with_tz(tmp_path, two_heaps, invoke):
    base = ["run", "--weather", WPL_NO_TZ, "--heaps", two_heaps, "--allow-partial"]
    r = invoke(*base, "--out", tmp_path / "a", catch_exceptions=True)
    assert r.exit_code == 1 and "Traceback" not in r.output
    (line,) = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    assert "no time zone" in line and "--tz" in line
    assert not (tmp_path / "a").exists()
    out = tmp_path / "b"
    r = invoke(*base, "--tz", "+01:00", "--out", out, catch_exceptions=True)
    assert r.exit_code == 0, r.output
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["weather_options"] == {"tz": "+01:00"}
    assert man["weather"]["source_format"] == "windpowerlib"
    assert man["weather"]["period_start"].startswith("2009-12-31T23:00")
    assert any("taken as +01:00" in n for n in man["weather"]["notes"])
    res = pd.read_csv(out / "results.csv")
    assert res["weather_partial"].all() and res["pv_energy_mwh_per_a"].isna().all()


@pytest.mark.slow
def test_run_without_tz_records_no_weather_options(tmp_path, two_heaps):
    """Clean inputs: no ``weather_options`` key, the manifest stays as before issue 16."""
    result = pipeline.run(two_heaps)
    assert "weather_options" not in result.manifest
    assert pipeline.weather_options(None) == {}
    assert pipeline.weather_options("UTC") == {"tz": "UTC"}


def test_run_refuses_unknown_tz_before_work(tmp_path, two_heaps, invoke):
    out = tmp_path / "o"
    r = invoke("run", "--heaps", two_heaps, "--tz", "Mars/Olympus", "--out", out)
    assert r.exit_code == 1 and not out.exists()
    assert "error: --tz: unknown time zone 'Mars/Olympus'" in r.stderr
