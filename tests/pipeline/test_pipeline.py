"""End-to-end tests of ``haldenenergie run`` (issue 4): files written, invariants, bad input."""

from __future__ import annotations

import json
import random

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import pipeline
from haldenenergie.config import load_config

REQUIRED_COLUMNS = [
    "heap_id",
    "name",
    "city",
    "owner",
    "terrain_source",
    "footprint_area_ha",
    "relative_height_m",
    "pv_usable_area_ha",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "pv_specific_yield_kwh_per_kwp",
    "wind_turbines_new",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "wind_full_load_hours_h",
    "existing_wind_turbines",
    "existing_wind_energy_mwh_per_a",
    "assumptions",
]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory, root_dir, invoke):
    out = tmp_path_factory.mktemp("run") / "out"
    r = invoke("run", "--out", out)
    assert r.exit_code == 0, r.output
    return out, r


def registry_ids(root_dir):
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    return [f["properties"]["id"] for f in gj["features"]]


@pytest.mark.slow
def test_default_run_writes_all_files_for_every_heap(default_run, root_dir):
    out, r = default_run
    assert f"{len(registry_ids(root_dir))} heaps → {out}/" in r.output
    assert "PV potential" in r.output and "MWp" in r.output and "GWh/a" in r.output
    for name in [
        "results.csv",
        "results.geojson",
        "monthly.csv",
        "manifest.json",
        "ranking.csv",
        "totals.csv",
        "surfaces.csv",
        "results.gpkg",
    ]:
        assert (out / name).is_file(), name
    # The summary names every file the folder holds (it lists them from results.RUN_FILES).
    line = next(ln for ln in r.output.splitlines() if " heaps → " in ln)
    assert all(p.name in line for p in out.iterdir()), line
    res = pd.read_csv(out / "results.csv")
    assert list(res.columns[: len(REQUIRED_COLUMNS)]) == REQUIRED_COLUMNS
    ids = registry_ids(root_dir)
    assert sorted(res["heap_id"]) == sorted(ids)  # every heap exactly once
    assert res["heap_id"].is_unique
    assert res["class"].notna().all() and res["reasons"].notna().all()
    gj = json.loads((out / "results.geojson").read_text(encoding="utf-8"))
    assert len(gj["features"]) == len(ids)
    monthly = pd.read_csv(out / "monthly.csv")
    assert len(monthly) == 12 * len(ids)
    # monthly sums equal the annual figures (same numbers, two views) to rounding (1e-6 relative)
    m = monthly.groupby("heap_id")[["pv_energy_mwh", "wind_energy_mwh"]].sum()
    r2 = res.set_index("heap_id")
    assert_allclose(
        m["pv_energy_mwh"].reindex(r2.index), r2["pv_energy_mwh_per_a"], rtol=1e-6, atol=1e-6
    )
    assert_allclose(
        m["wind_energy_mwh"].reindex(r2.index),
        r2["wind_energy_mwh_per_a"].fillna(0),
        rtol=1e-6,
        atol=1e-6,
    )
    # leftover temporary folders would mean a non-atomic write
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_manifest_records_inputs_parameters_versions(default_run, root_dir):
    out, _ = default_run
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    roles = {i["role"] for i in man["inputs"]}
    assert {"registry", "weather"} <= roles
    for i in man["inputs"]:
        assert len(i["sha256"]) == 64
    assert set(man["parameters"]) == {"terrain", "weather", "pv", "wind", "suitability", "layers"}
    assert man["layers"] == []  # no constraint layer in the default run
    assert man["versions"]["pvlib"] and man["versions"]["windpowerlib"]
    assert man["config_sha256"] == load_config().hash()


@pytest.mark.slow
def test_physical_invariants_of_default_run(default_run):
    out, _ = default_run
    res = pd.read_csv(out / "results.csv")
    assert (res["pv_energy_mwh_per_a"] >= 0).all()
    cf = res["wind_capacity_factor"].dropna()
    assert ((cf >= 0) & (cf <= 1)).all()
    sy = res.loc[res["pv_capacity_mwp"] > 0, "pv_specific_yield_kwh_per_kwp"]
    # NRW ground-mounted PV: roughly 700–1,150 kWh/kWp·a across orientations (well-oriented
    # systems in NRW yield about 900–1,050, cf. PVGIS for Essen; heaps mix in E/W flanks, which
    # yield less).
    assert sy.between(600, 1200).all(), sy.describe()


@pytest.mark.slow
def test_results_do_not_depend_on_registry_order(tmp_path, root_dir):
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    ids = [f["properties"]["id"] for f in gj["features"]][:12]
    gj["features"] = [f for f in gj["features"] if f["properties"]["id"] in ids]
    a = tmp_path / "a.geojson"
    a.write_text(json.dumps(gj), encoding="utf-8")
    random.Random(7).shuffle(gj["features"])
    b = tmp_path / "b.geojson"
    b.write_text(json.dumps(gj), encoding="utf-8")
    ra = pipeline.run(a).results.set_index("heap_id").sort_index()
    rb = pipeline.run(b).results.set_index("heap_id").sort_index()
    num = ra.select_dtypes("number").columns
    assert_allclose(ra[num].to_numpy(float), rb[num].to_numpy(float), rtol=1e-12, equal_nan=True)
    assert (ra["class"] == rb["class"]).all()


@pytest.mark.slow
def test_existing_output_dir_refused_without_overwrite(default_run, invoke):
    out, _ = default_run
    r = invoke("run", "--out", str(out), catch_exceptions=True)
    assert r.exit_code == 1
    assert "exists already" in r.output and "--overwrite" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[pv]\nno_such_key = 1\n", "unknown key 'no_such_key' in \\[pv\\]"),
        ("[nosection]\nx = 1\n", "unknown section \\[nosection\\]"),
        ('[wind]\nturbine_type = "NoSuchTurbine/1"\n', "NoSuchTurbine"),
        ("[terrain]\nmin_patch_area_m2 = -5\n", "outside the allowed range"),
        ("[pv\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_error(tmp_path, toml, message, invoke):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml, encoding="utf-8")
    r = invoke(
        "run",
        "--config",
        str(cfg),
        "--heap",
        "haniel",
        "--out",
        str(tmp_path / "o"),
        catch_exceptions=True,
    )
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    import re

    err = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(err) == 1 and re.search(message, err[0]), r.output
    assert not (tmp_path / "o").exists()


def test_unknown_heap_id(tmp_path, invoke):
    r = invoke("run", "--heap", "hanile", "--out", str(tmp_path / "o"), catch_exceptions=True)
    assert r.exit_code == 1
    assert "unknown heap id 'hanile'" in r.output and "haniel" in r.output


@pytest.mark.slow
def test_interrupted_run_leaves_no_half_written_files(tmp_path, monkeypatch, invoke):
    out = tmp_path / "out"
    real = pipeline._io.write_json

    def boom(path, obj, overwrite=True):
        if str(path).endswith("manifest.json"):
            raise KeyboardInterrupt
        return real(path, obj, overwrite)

    monkeypatch.setattr(pipeline._io, "write_json", boom)
    r = invoke("run", "--heap", "haniel", "--out", str(out), catch_exceptions=True)
    assert r.exit_code != 0
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_heap_with_missing_facts_gets_a_row_that_says_why(tmp_path):
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": None,
                "properties": {
                    "id": "nofacts",
                    "name": "Halde ohne Daten",
                    "form": "unknown",
                    "sources": "test",
                },
            }
        ],
    }
    p = tmp_path / "h.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    res = pipeline.run(p).results
    assert len(res) == 1
    assert (
        "assum" in res.loc[0, "assumptions"].lower()
        or "default" in res.loc[0, "assumptions"].lower()
    )
    assert np.isfinite(res.loc[0, "pv_energy_mwh_per_a"])


def _square_east_of(lat, lon, gap_m, size_m=400.0):
    """A residential square whose west edge lies gap_m east of (lat, lon) (small-area metric)."""
    import math

    m_per_deg_lon = 111_320.0 * math.cos(math.radians(lat))
    x0, x1 = lon + gap_m / m_per_deg_lon, lon + (gap_m + size_m) / m_per_deg_lon
    dy = size_m / 2 / 111_320.0
    ring = [[x0, lat - dy], [x1, lat - dy], [x1, lat + dy], [x0, lat + dy], [x0, lat - dy]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }


@pytest.mark.slow
@pytest.mark.parametrize("gap_m, wind_ok", [(900.0, True), (300.0, False)])
def test_residential_layer_sets_housing_distance(tmp_path, root_dir, gap_m, wind_ok, invoke):
    """Distance to a residential polygon gap_m east of the heap point, measured from the turbine
    site (issue 11): the gap less the site's radius (a disc of the gross site area around the
    summit, which is the registry point in parametric terrain), within 1 % of the gap plus one
    6.6 m cell (the equirectangular construction of the square vs the UTM 32N measurement)."""
    from haldenenergie.registry import read_registry

    heap = next(h for h in read_registry(root_dir / "heaps.geojson") if h.id == "haniel")
    layer = tmp_path / "res.geojson"
    layer.write_text(json.dumps(_square_east_of(heap.lat, heap.lon, gap_m)), encoding="utf-8")
    out = tmp_path / "o"
    r = invoke("run", "--heap", "haniel", "--residential", str(layer), "--out", str(out))
    assert r.exit_code == 0, r.output
    res = pd.read_csv(out / "results.csv").iloc[0]
    import math

    site_radius_m = math.sqrt(res["turbine_site_area_gross_ha"] * 1e4 / math.pi)
    assert abs(res["housing_distance_m"] - (gap_m - site_radius_m)) <= 0.01 * gap_m + 6.6
    assert str(res["housing_distance_source"]).startswith("layer")
    # Site cells within 600 m are removed before siting: at 300 m no position remains.
    assert bool(res["wind_turbines_new"] >= 1) is wind_ok
    assert (res["wind_suitability"] == "suitable") is wind_ok
    assert ("wind" in res["class"]) is wind_ok


@pytest.mark.slow
def test_reserved_area_over_whole_heap_removes_pv_and_turbines(tmp_path, root_dir, invoke):
    """A reserved polygon covering the whole heap leaves no PV area and no turbine site; the
    file is recorded in the manifest with its hash."""
    from haldenenergie.registry import read_registry

    heap = next(h for h in read_registry(root_dir / "heaps.geojson") if h.id == "haniel")
    d = 0.02  # ~1.4 km × 2.2 km box, larger than any heap footprint
    ring = [
        [heap.lon - d, heap.lat - d],
        [heap.lon + d, heap.lat - d],
        [heap.lon + d, heap.lat + d],
        [heap.lon - d, heap.lat + d],
        [heap.lon - d, heap.lat - d],
    ]
    layer = tmp_path / "reserved.geojson"
    layer.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "o"
    r = invoke("run", "--heap", "haniel", "--reserved", str(layer), "--out", str(out))
    assert r.exit_code == 0, r.output
    res = pd.read_csv(out / "results.csv").iloc[0]
    assert res["pv_usable_area_ha"] == 0 and res["pv_energy_mwh_per_a"] == 0
    assert res["wind_turbines_new"] == 0
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [i["role"] for i in man["inputs"]].count("reserved_areas") == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--weather", "no_such_weather.dat"], "no_such_weather.dat: file not found"),
        (["--dem", "no_such_dem.tif"], "no_such_dem.tif: DEM path not found"),
        (["--heaps", "no_such_registry.geojson"], "no_such_registry.geojson: file: not found"),
        (["--heaps", "{bad_registry}"], "malformed JSON"),
        (["--weather", "{garbage}"], "unknown weather format"),
    ],
)
def test_missing_or_broken_inputs_are_one_line_errors(tmp_path, monkeypatch, args, message, invoke):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.geojson").write_text("{not json", encoding="utf-8")
    (tmp_path / "garbage.dat").write_text("nothing to see\n", encoding="utf-8")
    args = [a.format(bad_registry="bad.geojson", garbage="garbage.dat") for a in args]
    r = invoke("run", *args, "--heap", "haniel", "--out", "o", catch_exceptions=True)
    assert r.exit_code == 1, r.output
    err = [s for s in r.output.splitlines() if s.startswith("error:")]
    assert len(err) == 1 and message in err[0], r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "o").exists()
