"""A catalogue of malformed and implausible inputs (issue 13): none may produce a traceback.

Every case goes through the CLI as a user would type it. A refused input must exit 1 with exactly
one line on stderr that starts with ``error:`` and names the file (or key) it is about; a softer
finding exits 0 with a ``WARNING`` line on stderr. The inputs are made by transforming the shipped
synthetic year, ``heaps.geojson`` and the shared DEM the way real mistakes happen (wrong units,
swapped columns, a dead sensor, a typo in a registry), so the clean files are the control.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from haldenenergie.resources import default_registry_path, default_weather_path

# --------------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------------


def _synthetic() -> tuple[list[str], pd.DataFrame]:
    lines = default_weather_path().read_text(encoding="utf-8").splitlines()
    header = [ln for ln in lines if ln.startswith("#")]
    body = "\n".join(ln for ln in lines if not ln.startswith("#"))
    return header, pd.read_csv(io.StringIO(body))


IRR = ["ghi_w_m2", "dhi_w_m2", "dni_w_m2"]


def _weather_case(name: str):  # noqa: C901
    """(header lines, table) of the synthetic year changed as ``name`` says.

    One flat table of cases reads better than a dispatch dict of twenty lambdas.
    """
    header, df = _synthetic()
    df = df.copy()
    if name == "kw_per_m2":
        df[IRR] = df[IRR] / 1000.0
    elif name == "j_cm2_as_w_m2":
        df[IRR] = df[IRR] / 3.6
    elif name == "dead_pyranometer":
        df[IRR] = 0.0
    elif name == "wind_kmh":
        df["wind_speed_m_s"] *= 3.6
    elif name == "wind_knots":
        df["wind_speed_m_s"] *= 1.943844
    elif name == "frozen_temperature":
        df["temp_air_degc"] = 11.3
    elif name == "dni_dhi_swapped":
        df[["dhi_w_m2", "dni_w_m2"]] = df[["dni_w_m2", "dhi_w_m2"]].to_numpy()
    elif name == "dni_is_ghi_minus_dhi":
        df["dni_w_m2"] = df["ghi_w_m2"] - df["dhi_w_m2"]
    elif name == "negative_ghi":
        df.loc[4000:4010, "ghi_w_m2"] = -50.0
    elif name == "kelvin":
        df["temp_air_degc"] += 273.15
    elif name == "hpa":
        df["pressure_pa"] /= 100.0
    elif name == "naive_times":
        df["time_utc"] = df["time_utc"].str.replace("+00:00", "", regex=False)
    elif name == "duplicate_time":
        df.loc[100, "time_utc"] = df.loc[99, "time_utc"]
    elif name == "unordered":
        df.loc[[100, 101], "time_utc"] = df.loc[[101, 100], "time_utc"].to_numpy()
    elif name == "long_gap":
        df = df.drop(index=range(1000, 1010))
    elif name == "half_year":
        df = df.iloc[: len(df) // 2]
    elif name == "text_in_numbers":
        df["ghi_w_m2"] = df["ghi_w_m2"].astype(object)
        df.loc[5000, "ghi_w_m2"] = "n/a?"
    elif name == "missing_code_9999":
        df.loc[2000:2005, "temp_air_degc"] = -9999.0
    elif name == "dhi_above_ghi":
        day = df["ghi_w_m2"] > 300
        df.loc[day, "dhi_w_m2"] = df.loc[day, "ghi_w_m2"] * 1.5
    elif name == "negative_wind":
        df.loc[300:320, "wind_speed_m_s"] = -4.0
    elif name == "distant_station":  # PVGIS TMY at 45 N 8 E: 700 km from the heaps
        header = [
            "# latitude_deg: 45.0"
            if h.startswith("# latitude_deg")
            else "# longitude_deg: 8.0"
            if h.startswith("# longitude_deg")
            else h
            for h in header
        ]
    else:  # pragma: no cover - a typo in the table below
        raise KeyError(name)
    return header, df


def _write_weather(path: Path, name: str) -> Path:
    header, df = _weather_case(name)
    path.write_text("\n".join(header) + "\n" + df.to_csv(index=False), encoding="utf-8")
    return path


WEATHER_CASES = [
    "kw_per_m2",
    "j_cm2_as_w_m2",
    "dead_pyranometer",
    "wind_kmh",
    "wind_knots",
    "frozen_temperature",
    "dni_dhi_swapped",
    "dni_is_ghi_minus_dhi",
    "negative_ghi",
    "kelvin",
    "hpa",
    "naive_times",
    "duplicate_time",
    "unordered",
    "long_gap",
    "half_year",
    "text_in_numbers",
    "missing_code_9999",
    "dhi_above_ghi",
    "negative_wind",
]


def _registry_case(name: str) -> str:
    d = json.loads(default_registry_path().read_text(encoding="utf-8"))
    feats = d["features"]
    hoheward = feats[0]["properties"]
    if name == "area_1_7_ha":
        hoheward["area_ha"] = 1.7
    elif name == "two_cm_footprint":
        x, y = feats[0]["geometry"]["coordinates"]
        e = 2e-7  # about 2 cm in degrees
        feats[0]["geometry"] = {
            "type": "Polygon",
            "coordinates": [[[x, y], [x + e, y], [x + e, y + e], [x, y + e], [x, y]]],
        }
    elif name == "negative_area":
        hoheward["area_ha"] = -3
    elif name == "duplicate_id":
        feats[1]["properties"]["id"] = feats[1]["id"] = "hoheward"
    elif name == "bad_slug":
        hoheward["id"] = feats[0]["id"] = "Halde Hoheward!"
    elif name == "outside_ruhr":
        feats[0]["geometry"]["coordinates"] = [13.4, 52.5]
    elif name == "unknown_form":
        hoheward["form"] = "pyramid"
    elif name == "height_5000":
        hoheward["height_rel_m"] = 5000
    elif name == "missing_name":
        hoheward["name"] = None
    elif name == "not_a_collection":
        return json.dumps({"type": "Feature", "properties": {}})
    elif name == "nan_literal":
        return json.dumps(d).replace('"area_ha": 170', '"area_ha": NaN', 1)
    elif name == "truncated":
        return json.dumps(d)[:5000]
    elif name == "deep_nesting":
        return '{"type": "FeatureCollection", "features": ' + "[" * 5000 + "]" * 5000 + "}"
    elif name == "empty":
        return ""
    else:  # pragma: no cover
        raise KeyError(name)
    return json.dumps(d)


REGISTRY_CASES = [
    "area_1_7_ha",
    "two_cm_footprint",
    "negative_area",
    "duplicate_id",
    "bad_slug",
    "outside_ruhr",
    "unknown_form",
    "height_5000",
    "missing_name",
    "not_a_collection",
    "nan_literal",
    "truncated",
    "deep_nesting",
    "empty",
]

CONFIG_CASES = {
    "nan_value": "[pv]\nplateau_tilt_deg = nan\n",
    "inf_value": "[pv]\nplateau_tilt_deg = inf\n",
    "mixed_list": '[terrain]\nbase_ring_m = [50, "a"]\n',
    "deep_array": "[pv]\nplateau_tilt_deg = " + "[" * 5000 + "]" * 5000 + "\n",
    "unknown_key": "[pv]\nplateau_tilt = 25\n",
    "unknown_section": "[photovoltaics]\nplateau_tilt_deg = 25\n",
    "wrong_type": '[pv]\nplateau_tilt_deg = "steep"\n',
    "out_of_range": "[wind]\nhub_height_m = 13500\n",
    "invalid_toml": "[pv\n",
    "top_level_key": "plateau_tilt_deg = 25\n",
    "all_weights_zero": (
        "[suitability]\nweight_energy = 0\nweight_energy_density = 0\nweight_yield_quality = 0\n"
        "weight_ownership = 0\nweight_constraints = 0\n"
    ),
    "unknown_turbine": '[wind]\nturbine_type = "E-999/1"\n',
    "percent_slope": "[pv]\nflank_max_tilt_deg = 70\n",
}


def _assert_one_line_error(res, name: str | None = None) -> str:
    out = res.output + (res.stderr or "")
    assert "Traceback" not in out, out
    assert res.exit_code == 1, f"exit {res.exit_code}: {out}"
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1, lines
    if name is not None:
        assert name in errors[0], errors[0]
    return errors[0]


# --------------------------------------------------------------------------------------------------
# Weather (read and validated by `weather info`, the same reader `run` uses)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", WEATHER_CASES)
def test_bad_weather_is_one_line_error(tmp_path, invoke, case):
    f = _write_weather(tmp_path / f"{case}.csv", case)
    _assert_one_line_error(invoke("weather", "info", f), f.name)


def test_the_clean_year_passes_every_weather_check(tmp_path, invoke):
    res = invoke("weather", "info", default_weather_path())
    assert res.exit_code == 0 and "Traceback" not in res.output
    assert "error" not in res.stderr.lower()


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00" * 4096, b"x" * 20000, b"time_utc,ghi\n", "ä;ö;ü\n".encode("latin-1")],
    ids=["empty", "binary", "no_line_breaks", "header_only", "not_utf8"],
)
def test_unreadable_weather_files(tmp_path, invoke, content):
    f = tmp_path / "w.csv"
    f.write_bytes(content)
    _assert_one_line_error(invoke("weather", "info", f), f.name)


def test_dev_zero_is_refused_at_once(invoke):
    _assert_one_line_error(invoke("weather", "info", "/dev/zero"), "/dev/zero")


def test_missing_weather_file(tmp_path, invoke):
    _assert_one_line_error(invoke("weather", "info", tmp_path / "nope.csv"), "nope.csv")


@pytest.mark.slow
def test_distant_station_needs_allow_distant_weather(tmp_path, invoke):
    f = _write_weather(tmp_path / "pvgis_45n_8e.csv", "distant_station")
    msg = _assert_one_line_error(
        invoke("run", "--weather", f, "--heap", "haniel", "--out", tmp_path / "o"), f.name
    )
    assert "--allow-distant-weather" in msg
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_wrong_units_refused_by_run_before_any_output(tmp_path, invoke):
    f = _write_weather(tmp_path / "kw.csv", "kw_per_m2")
    msg = _assert_one_line_error(
        invoke("run", "--weather", f, "--heap", "haniel", "--out", tmp_path / "o"), f.name
    )
    assert "kW/m²" in msg and "1000" in msg
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REGISTRY_CASES)
def test_bad_registry_is_refused(tmp_path, invoke, case):
    f = tmp_path / f"{case}.geojson"
    f.write_text(_registry_case(case), encoding="utf-8")
    res = invoke("heaps", "validate", f)
    assert res.exit_code == 1 and "Traceback" not in res.output + res.stderr
    assert f.name in res.output + res.stderr
    # the run refuses the same registry with one line
    _assert_one_line_error(invoke("terrain", "--heaps", f, "--heap", "haniel"), f.name)


# --------------------------------------------------------------------------------------------------
# Config
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_bad_config_is_one_line_error(tmp_path, invoke, case):
    f = tmp_path / f"{case}.toml"
    f.write_text(CONFIG_CASES[case], encoding="utf-8")
    _assert_one_line_error(invoke("config", "show", "--config", f), f.name)


def test_missing_config_file(tmp_path, invoke):
    _assert_one_line_error(invoke("config", "show", "--config", tmp_path / "no.toml"), "no.toml")


# --------------------------------------------------------------------------------------------------
# DEM
# --------------------------------------------------------------------------------------------------


def _scaled_dem(dem_path: Path, out: Path, factor: float) -> Path:
    import rasterio

    with rasterio.open(dem_path) as src:
        profile = src.profile
        z = src.read(1).astype("float32")
        nodata = src.nodata
    ok = z != nodata if nodata is not None else np.isfinite(z)
    z[ok] *= factor
    profile.update(dtype="float32")
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(z, 1)
    return out


@pytest.mark.parametrize(("unit", "factor"), [("cm", 100.0), ("feet", 3.28084)])
def test_dem_in_wrong_vertical_unit(tmp_path, invoke, dem_path, unit, factor):
    f = _scaled_dem(dem_path, tmp_path / f"dem_{unit}.tif", factor)
    msg = _assert_one_line_error(invoke("terrain", "--heap", "haniel", "--dem", f), f.name)
    assert unit in msg.lower() or "dem_vertical_scale" in msg


def test_dem_without_crs(tmp_path, invoke):
    import rasterio
    from rasterio.transform import from_origin

    f = tmp_path / "nocrs.tif"
    with rasterio.open(
        f,
        "w",
        driver="GTiff",
        width=4,
        height=4,
        count=1,
        dtype="float32",
        transform=from_origin(6.8, 51.6, 0.001, 0.001),
    ) as dst:
        dst.write(np.full((1, 4, 4), 50.0, dtype="float32"))
    _assert_one_line_error(invoke("terrain", "--heap", "haniel", "--dem", f), f.name)


@pytest.mark.parametrize("content", [b"", b"not a tiff at all"], ids=["empty", "garbage"])
def test_unreadable_dem(tmp_path, invoke, content):
    f = tmp_path / "dem.tif"
    f.write_bytes(content)
    _assert_one_line_error(invoke("terrain", "--heap", "haniel", "--dem", f), f.name)


def test_dem_that_misses_the_heap(tmp_path, invoke, dem_path):
    # the shared DEM covers the western Ruhr; Haus Aden (Bergkamen) lies far to the east
    _assert_one_line_error(invoke("terrain", "--heap", "haus-aden", "--dem", dem_path), "haus-aden")


# --------------------------------------------------------------------------------------------------
# Outputs and the command line
# --------------------------------------------------------------------------------------------------


def test_export_of_a_folder_that_is_no_results_folder(tmp_path, invoke):
    (tmp_path / "notes.txt").write_text("x")
    _assert_one_line_error(
        invoke("export", tmp_path, "--format", "csv", "--out", tmp_path / "x.csv"), str(tmp_path)
    )


def test_report_of_a_missing_folder(tmp_path, invoke):
    _assert_one_line_error(
        invoke("report", tmp_path / "nothing", "--out", tmp_path / "r.html"), "nothing"
    )


def test_overwrite_never_deletes_a_users_folder(tmp_path, invoke):
    out = tmp_path / "Antraege"
    out.mkdir()
    (out / "Antrag.docx").write_text("the user's document")
    _assert_one_line_error(invoke("run", "--heap", "haniel", "--out", out, "--overwrite"), out.name)
    assert (out / "Antrag.docx").read_text() == "the user's document"


def test_output_in_an_unwritable_place(invoke):
    _assert_one_line_error(invoke("run", "--heap", "haniel", "--out", "/proc/haldenenergie-out"))


def test_unknown_heap_id(invoke):
    _assert_one_line_error(invoke("terrain", "--heap", "hanil"), "hanil")


def test_batch_without_weather_files(tmp_path, invoke):
    _assert_one_line_error(invoke("batch", tmp_path / "none*.dat", "--out", tmp_path / "b"))


def test_the_catalogue_is_large_enough():
    """Issue 13 asks for at least 60 malformed inputs across registry, weather, DEM, config, CLI."""
    n = len(WEATHER_CASES) + 5 + 2 + len(REGISTRY_CASES) + len(CONFIG_CASES) + 1 + 2 + 1 + 2 + 1
    n += 6  # outputs and command line
    assert n >= 60, n
