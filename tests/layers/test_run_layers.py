"""``run`` / ``terrain`` with constraint layers from the command line, end to end.

One analytic heap (a 40 ha table heap, 30 m high, at the synthetic square of ``conftest.py``) and
the synthetic layers written in their published formats: the same forest in OSM XML, a
Basis-DLM-style Shapefile and a CORINE GeoPackage must give the same ``forest_area_ha``; the
layers used are recorded in results.csv and the manifest; a heap the layer does not reach stays
"not assessed"; a ``layers fetch-osm`` folder of recorded Overpass answers feeds ``run --layers``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

RECORDED = Path(__file__).parent / "recorded"


def _registry(path: Path, lon: float, lat: float, extra: list | None = None) -> Path:
    feats = []
    for hid, (x, y) in [("square", (lon, lat)), *(extra or [])]:
        props = {
            "id": hid,
            "name": f"Halde {hid}",
            "city": "Essen",
            "owner": "RVR",
            "membership": "confirmed",
            "area_ha": 16.0,
            "height_rel_m": 30.0,
            "form": "table",
            "sources": "test",
        }
        geom = {"type": "Point", "coordinates": [x, y]}
        feats.append({"type": "Feature", "id": hid, "geometry": geom, "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


@pytest.fixture(scope="module")
def square_registry(tmp_path_factory, synth):
    from pyproj import Transformer

    # 2.2 m off the square's centre: the forest's edges through the centre must not run along
    # the cell centres of the analysis grid (built around the heap point), where a millimetre
    # decides a whole row of cells.
    lon, lat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(
        synth.CX + 2.2, synth.CY + 2.2
    )
    far = (lon + 0.3, lat)  # ~21 km east: outside every synthetic layer's extent
    return _registry(tmp_path_factory.mktemp("reg") / "heaps.geojson", lon, lat, [("far", far)])


def _terrain(cli, registry, tmp_path, *layer_args) -> pd.DataFrame:
    out = tmp_path / f"terrain{len(list(tmp_path.glob('terrain*.csv')))}.csv"
    cli("terrain", "--heaps", registry, *layer_args, "--out", out)
    return pd.read_csv(out).set_index("heap_id")


@pytest.mark.parametrize("fmt", ["osm_xml", "atkis_shp", "corine_gpkg"])
def test_same_forest_in_every_format_via_cli(cli, square_registry, layer_files, tmp_path, fmt):
    """Forest on the heap from OSM XML, ATKIS Shapefile and CORINE GeoPackage agrees (± 0.5 %)."""
    ref = _terrain(cli, square_registry, tmp_path, "--layer", f"forest={layer_files('osm_xml')}")
    got = _terrain(cli, square_registry, tmp_path, "--layer", f"forest={layer_files(fmt)}")
    a, b = got.loc["square", "forest_area_ha"], ref.loc["square", "forest_area_ha"]
    assert a > 0.5  # the forest quarter reaches onto the parametric footprint
    assert a == pytest.approx(b, rel=0.005)
    # The far heap is outside the layer's extent: not assessed (NaN), never 0.
    assert math.isnan(got.loc["far", "forest_area_ha"])


@pytest.mark.slow
def test_run_with_layers_records_them(cli, square_registry, layer_files, tmp_path):
    """run --layer: forest removes PV area; the layers are in results.csv and manifest.json."""
    base = tmp_path / "base"
    cli("run", "--heaps", square_registry, "--out", base)
    lay = tmp_path / "lay"
    osm = layer_files("osm_xml")
    cli(
        "run",
        "--heaps",
        square_registry,
        "--layer",
        f"forest={osm}",
        "--layer",
        f"residential={osm}",
        "--out",
        lay,
    )
    r0 = pd.read_csv(base / "results.csv").set_index("heap_id")
    r1 = pd.read_csv(lay / "results.csv").set_index("heap_id")
    assert r1.loc["square", "pv_usable_area_ha"] < r0.loc["square", "pv_usable_area_ha"]
    assert "forest" in r1.loc["square", "layers_used"]
    assert "residential" in r1.loc["square", "layers_used"]
    assert "forest" in str(r1.loc["far", "layers_not_assessed"])
    # The housing block of the synthetic area is ~800-1000 m east of the heap: a real distance.
    assert 500 < r1.loc["square", "housing_distance_m"] < 1200
    assert str(r1.loc["square", "housing_distance_source"]).startswith("layer")
    man = json.loads((lay / "manifest.json").read_text("utf-8"))
    kinds = {rec["kind"] for rec in man["layers"]}
    assert kinds == {"forest", "residential"}
    assert all(len(rec["sha256"]) == 64 for rec in man["layers"])
    roles = {i["role"] for i in man["inputs"]}
    assert {"forest_layer", "residential_layer"} <= roles


def test_bad_layer_is_one_line(invoke, square_registry, tmp_path):
    """A layer file without CRS or features: one line naming the file, exit 1, no output."""
    bad = tmp_path / "forest.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": []}', "utf-8")
    out = tmp_path / "out"
    r = invoke("run", "--heaps", square_registry, "--layer", f"forest={bad}", "--out", out)
    assert r.exit_code == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and "forest.geojson" in lines[0]
    assert "Traceback" not in r.output
    assert not out.exists()


def test_unknown_layer_kind_is_usage_error(invoke, square_registry, tmp_path):
    r = invoke("run", "--heaps", square_registry, "--layer", "wald=x.gpkg", "--out", tmp_path / "o")
    assert r.exit_code == 2
    assert "unknown layer kind 'wald'" in r.stderr


@pytest.mark.slow
def test_run_on_fetch_osm_folder(cli, monkeypatch, tmp_path):
    """fetch-osm against recorded Overpass answers writes a folder; run --layers reads it."""
    from haldenenergie.layers import fetch_http

    answers = [
        (RECORDED / "cluster_near.osm").read_bytes(),
        (RECORDED / "cluster_far.osm").read_bytes(),
    ]
    calls = []

    def fake_post(url, data, headers, timeout_s):
        calls.append(url)
        body = answers.pop(0)
        return fetch_http.HttpResponse(200, {"content-type": "application/osm3s+xml"}, body)

    monkeypatch.setattr(fetch_http, "http_post", fake_post)
    monkeypatch.setattr(fetch_http, "sleep", lambda s: None)
    # Two heaps 300 m apart (the near cluster's recorded data) and one ~20 km away (the far one).
    reg = _registry(
        tmp_path / "heaps.geojson",
        7.0,
        51.5,
        [("sued", (7.0, 51.5 - 300 / 111250)), ("fern", (7.2, 51.6))],
    )
    folder = tmp_path / "osm"
    cli("layers", "fetch-osm", "--heaps", reg, "--out", folder, "--buffer-m", "1000")
    assert len(calls) == 2
    assert (folder / "layers.json").is_file()
    out = tmp_path / "run"
    cli("run", "--heaps", reg, "--layers", folder, "--out", out)
    res = pd.read_csv(out / "results.csv").set_index("heap_id")
    assert "forest" in res.loc["square", "layers_used"]
    assert "residential" in res.loc["square", "layers_used"]
    man = json.loads((out / "manifest.json").read_text("utf-8"))
    assert {rec["kind"] for rec in man["layers"]} >= {"forest", "residential"}
    assert "layers_dir" in {i["role"] for i in man["inputs"]}
