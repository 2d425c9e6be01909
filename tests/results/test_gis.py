"""GIS outputs: the one vector writer and results.gpkg (five layers, EPSG:25832)."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from haldenenergie.results import gis


def _frame():
    return gpd.GeoDataFrame(
        {"heap_id": ["a", "b"], "x_m": [59.900000000000006, np.nan], "n": [1, 2]},
        geometry=[shapely.Point(7.1, 51.5), None],
        crs="EPSG:4326",
    ).set_index(pd.Index(["a", "b"]))


def test_geojson_keeps_full_precision_and_is_strict(tmp_path):
    """GDAL would write 59.9; RFC 8259 JSON has no NaN: null instead."""
    p = gis.write_vector(tmp_path / "x.geojson", {"heaps": _frame()}, name="t")
    text = p.read_text("utf-8")
    assert "NaN" not in text
    data = json.loads(text)
    assert data["name"] == "t"
    a, b = data["features"]
    assert a["id"] == "a" and a["properties"]["x_m"] == 59.900000000000006
    assert a["geometry"] == {"type": "Point", "coordinates": [7.1, 51.5]}
    assert b["geometry"] is None and b["properties"]["x_m"] is None
    assert list(tmp_path.iterdir()) == [p]  # no temporary file left


def test_geopackage_layers_and_crs(tmp_path):
    f = _frame().to_crs("EPSG:25832")
    poly = gpd.GeoDataFrame({"k": [1]}, geometry=[shapely.box(0, 0, 10, 10)], crs="EPSG:25832")
    p = gis.write_vector(tmp_path / "x.gpkg", {"pts": f, "polys": poly})
    assert [n for n, _ in pyogrio.list_layers(p)] == ["pts", "polys"]
    back = gpd.read_file(p, layer="polys")
    assert back.crs.to_epsg() == 25832 and back.geometry.area.iloc[0] == pytest.approx(100.0)
    with pytest.raises(ValueError, match="unknown vector suffix"):
        gis.write_vector(tmp_path / "x.txt", {"pts": f})
    with pytest.raises(ValueError, match="one layer"):
        gis.write_vector(tmp_path / "x.fgb", {"a": f, "b": poly})


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    """A full run of the packaged registry and weather year, written as a run folder.

    The terrains (with their polygons) reach the writer through ``RunResult.info["context"]``.
    """
    from haldenenergie import pipeline
    from haldenenergie.resources import default_registry_path
    from haldenenergie.results import write_run

    r = pipeline.run(default_registry_path())
    out = tmp_path_factory.mktemp("gis") / "run"
    write_run(out, r)
    return out


@pytest.mark.slow
def test_results_gpkg_acceptance(run_folder):
    """Issue 15: five layers, EPSG:25832, PV polygons sum to pv_usable_area_ha (0.5 %), every
    turbine inside its heap's footprint, the turbine counts those of results.csv."""
    p = run_folder / "results.gpkg"
    assert [n for n, _ in pyogrio.list_layers(p)] == list(gis.GPKG_LAYERS)
    layers = {n: gpd.read_file(p, layer=n) for n in gis.GPKG_LAYERS}
    assert all(g.crs.to_epsg() == 25832 for g in layers.values())
    res = pd.read_csv(run_folder / "results.csv", dtype={"heap_id": str}).set_index("heap_id")
    assert list(layers["heaps"]["heap_id"]) == list(res.index)
    fp = layers["footprints"].set_index("heap_id")
    assert len(fp) > 20
    pv = layers["pv_areas"]
    got = pv.geometry.area.groupby(pv["heap_id"]).sum() / 1e4
    want = res.loc[fp.index, "pv_usable_area_ha"]
    np.testing.assert_allclose(got.reindex(fp.index).fillna(0.0), want, rtol=0.005)
    np.testing.assert_allclose(pv["usable_area_ha"], pv.geometry.area / 1e4, rtol=1e-9)
    ex = layers["excluded_areas"]
    assert set(ex["reason"]) <= {
        "reserved",
        "protected",
        "landmark",
        "forest",
        "too_steep",
        "north",
        "small_patch",
    }
    tu = layers["turbines"]
    assert all(fp.geometry[h].covers(pt) for h, pt in zip(tu["heap_id"], tu.geometry, strict=True))
    new = tu[tu["kind"] == "new"].groupby("heap_id").size()
    want_new = res.loc[fp.index, "wind_turbines_new"]
    assert new.reindex(fp.index).fillna(0).astype(int).tolist() == want_new.astype(int).tolist()
    one = tu[tu["kind"] == "new"].iloc[0]
    h = res.loc[one["heap_id"]]
    assert one["energy_mwh_per_a"] == pytest.approx(
        h["wind_energy_mwh_per_a"] / h["wind_turbines_new"], rel=1e-12
    )
    assert one["hub_height_m"] == h["wind_hub_height_m"]


@pytest.mark.slow
def test_manifest_lists_gpkg_and_geojson_points(run_folder):
    man = json.loads((run_folder / "manifest.json").read_text("utf-8"))
    assert "results.gpkg" in man["outputs"]
    data = json.loads((run_folder / "results.geojson").read_text("utf-8"))
    res = pd.read_csv(run_folder / "results.csv", dtype={"heap_id": str})
    assert [f["id"] for f in data["features"]] == list(res["heap_id"])
    pt = next(f for f in data["features"] if f["geometry"])
    row = res.set_index("heap_id").loc[pt["id"]]
    assert pt["geometry"]["coordinates"] == [row["lon"], row["lat"]]
    assert pt["properties"]["pv_energy_mwh_per_a"] == row["pv_energy_mwh_per_a"]
