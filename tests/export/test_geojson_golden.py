"""The one vector writer reproduces the recorded GeoJSON export from the recorded results.csv.

Independent of the PV/wind arithmetic: the golden ``results.csv`` goes in, the golden
``export.geojson`` (written by the earlier hand-written writer) must come out, property for
property and geometry for geometry.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haldenenergie import export as E

GOLDEN = Path(__file__).parents[1] / "golden"


@pytest.mark.parametrize("case", ["synth", "try2015"])
def test_writer_reproduces_golden_geojson(case, tmp_path):
    res = E.read_table(GOLDEN / case / "results.csv")
    old = json.loads((GOLDEN / case / "export.geojson").read_text(encoding="utf-8"))
    new = E.geojson_dict(res)
    assert [f["id"] for f in new["features"]] == [f["id"] for f in old["features"]]
    assert [f["geometry"] for f in new["features"]] == [f["geometry"] for f in old["features"]]
    assert [f["properties"] for f in new["features"]] == [f["properties"] for f in old["features"]]
    # the text is strict JSON (no NaN) and parses to the same dict
    text = E.geojson_text(res)
    assert "NaN" not in text and json.loads(text) == new
