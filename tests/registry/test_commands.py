"""Tests of ``haldenenergie heaps validate|list|show`` (haldenenergie.commands.heaps)."""

from __future__ import annotations

import csv
import io
import json
import re

from haldenenergie.registry import PROPERTY_ORDER
from haldenenergie.resources import default_registry_path

NUMERIC = (
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "existing_wind_count",
    "existing_wind_rated_kw",
    "existing_wind_hub_height_m",
    "existing_wind_rotor_diameter_m",
)


def test_cli_validate_default_registry(invoke):
    res = invoke("heaps", "validate")
    assert res.exit_code == 0
    # the CLI's default is the packaged copy of heaps.geojson (identical: tests/test_resources.py)
    assert res.output.strip() == f"{default_registry_path()}: 46 heaps, OK"


def test_cli_list_table(invoke):
    res = invoke("heaps", "list")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].split()[:3] == ["id", "name", "city"]
    assert len(lines) == 1 + 46 + 1 and lines[-1].startswith("46 heaps (13 without coordinates)")
    assert any(ln.startswith("haniel ") for ln in lines)


def test_cli_list_table_fits_100_columns(invoke):
    lines = invoke("heaps", "list").output.splitlines()
    assert max(len(ln) for ln in lines) <= 100
    assert lines[0].split() == ["id", "name", "city", "area_ha", "height_rel_m", "form"]
    assert lines[-1].endswith("--wide for owner, turbines, access")
    # ids are never cut; long names are, with an ellipsis
    ids = [ln.split()[0] for ln in lines[1:-1]]
    assert "elsa-braendstroem-strasse" in ids
    assert any("…" in ln for ln in lines)


def test_cli_list_wide_has_all_table_columns(invoke):
    res = invoke("heaps", "list", "--wide")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].split() == [
        "id",
        "name",
        "city",
        "owner",
        "area_ha",
        "height_rel_m",
        "height_asl_m",
        "form",
        "existing_wind",
        "access",
    ]
    assert len(lines) == 1 + 46 + 1 and lines[-1].startswith("46 heaps (13 without coordinates)")
    assert "Halde Beckstraße (Tetraeder-Halde)" in res.output  # not cut below 34 characters


def test_cli_list_csv_parses_back(fact_rows, invoke):
    res = invoke("heaps", "list", "--format", "csv")
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert [r["id"] for r in rows] == [r["id"] for r in fact_rows]
    for got, want in zip(rows, fact_rows, strict=True):
        for col in ("name", "city", "owner", "form", "sources", "lat", "lon"):
            assert got[col] == want[col] or float(got[col]) == float(want[col]), (want["id"], col)
        for col in NUMERIC:
            assert (got[col] == want[col] == "") or float(got[col]) == float(want[col])
    assert {"area_ha", "height_rel_m", "housing_distance_m", "footprint_area_ha"} <= set(rows[0])


def test_cli_list_json_parses_back(invoke):
    res = invoke("heaps", "list", "--format", "json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert len(data) == 46
    hoheward = next(d for d in data if d["id"] == "hoheward")
    assert hoheward["area_ha"] == 170 and hoheward["lat"] == 51.567 and hoheward["lon"] == 7.167
    assert hoheward["housing_distance_m"] is None


def test_cli_show(invoke):
    res = invoke("heaps", "show", "haniel")
    assert res.exit_code == 0
    assert re.search(r"^name\s+Halde Haniel$", res.output, re.MULTILINE)
    assert re.search(r"^height_rel_m\s+159$", res.output, re.MULTILINE)
    assert re.search(r"^housing_distance_m\s+\(unknown\)$", res.output, re.MULTILINE)
    for key in PROPERTY_ORDER:
        assert re.search(rf"^{key}\s", res.output, re.MULTILINE), key
    res = invoke("heaps", "show", "haniel", "--format", "json")
    assert json.loads(res.output)["height_asl_m"] == 184.9


def test_cli_show_unknown_id(invoke):
    res = invoke("heaps", "show", "hanel")
    assert res.exit_code == 1
    assert res.output.strip().splitlines() == [
        f"error: {default_registry_path()}: no heap with id 'hanel'; "
        "did you mean haniel, rheinelbe?"
    ]
    res = invoke("heaps", "show", "Lohberg")
    assert res.exit_code == 1 and "lohberg-nord, lohberg-nord-erweiterung" in res.output


def test_cli_show_with_other_registry(tmp_path, invoke):
    path = tmp_path / "one.geojson"
    feat = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [7.0, 51.5]},
        "properties": {"id": "test-heap", "name": "Halde Test", "sources": "hand-made test data"},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}), encoding="utf-8")
    res = invoke("heaps", "show", "test-heap", "--heaps", str(path))
    assert res.exit_code == 0 and "Halde Test" in res.output


def test_cli_show_marks_extra_properties(tmp_path, cli):
    path = tmp_path / "extra.geojson"
    feat = {
        "type": "Feature",
        "geometry": None,
        "properties": {"id": "x", "name": "X", "sources": "s", "operator": "Stadtwerke"},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}), encoding="utf-8")
    out = cli("heaps", "show", "x", "--heaps", path).output
    assert re.search(r"^operator\s+Stadtwerke  \(extra property\)$", out, re.MULTILINE)
    assert re.search(r"^lat\s+\(unknown\)$", out, re.MULTILINE)
