"""GeoJSON export: one feature per heap, every result as a property."""

from __future__ import annotations

import json

from numpy.testing import assert_allclose

from haldenenergie import export as E


def test_geojson_all_results_as_properties(ranked, tmp_path, invoke):
    out = tmp_path / "heaps.geojson"
    assert invoke("export", ranked, "--format", "geojson", "--out", out).exit_code == 0
    data = json.loads(out.read_text("utf-8"))  # strict JSON: no NaN
    res = E.read_table(ranked / "results.csv")
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(res)
    by = {f["id"]: f for f in data["features"]}
    assert by["epsilon"]["geometry"] is None
    assert by["alpha"]["geometry"] == {"type": "Point", "coordinates": [7.10, 51.55]}
    assert set(by["alpha"]["properties"]) == set(res.columns)
    a = res.set_index("heap_id").loc["alpha"]
    assert by["alpha"]["properties"]["class"] == "pv+wind"
    assert_allclose(
        by["alpha"]["properties"]["pv_energy_mwh_per_a"], a["pv_energy_mwh_per_a"], rtol=1e-15
    )
    assert by["delta"]["properties"]["rank"] is None
