"""Tests of the report map: projection (issue 7); labels, side list, colours and background
layers (issue 14)."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.report import load_report_data, rank_order
from haldenenergie.report.map import MapChart, classes_present, map_chart, project_points
from haldenenergie.report.map_layers import POLYGON_FACE, basemap_context, read_basemaps


def test_project_points_utm32():
    # On the zone's central meridian (9 deg E) easting is the false easting 500,000 m exactly;
    # 0.1 deg of latitude at 51.5 N is 11,131 m of meridian arc (WGS84: M'(phi) = a(1-e2) /
    # (1-e2 sin^2 phi)^1.5), scaled by k0 = 0.9996 on the central meridian.
    x, y = project_points([9.0, 9.0], [51.45, 51.55])
    assert_allclose(x, 500000.0, atol=1e-6)
    a, e2 = 6378137.0, 0.00669438
    phi = math.radians(51.5)
    m_per_rad = a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5
    assert_allclose(y[1] - y[0], 0.9996 * m_per_rad * math.radians(0.1), rtol=1e-5)
    # Essen lies west of the central meridian: easting below 500 km, northing ~5.7e6 m.
    xe, ye = project_points([7.0], [51.45])
    assert 340_000 < xe[0] < 370_000 and 5_690_000 < ye[0] < 5_720_000


# --------------------------------------------------------------------------------------------
# Issue 14: a map worth reading: label geometry, side list, class colours, background layers
# --------------------------------------------------------------------------------------------


def _overlaps(labels) -> list[tuple[str, str]]:
    return [
        (a.text, b.text)
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1
    ]


def _check_map(chart: MapChart, df: pd.DataFrame) -> None:
    """No two label boxes overlap, every heap is on the map or in the side list, and each class
    present has its own colour, found in the SVG."""
    assert isinstance(chart, MapChart)
    assert _overlaps(chart.labels) == []
    for b in chart.labels:
        assert 0 <= b.x0 < b.x1 <= 1 and 0 <= b.y0 < b.y1 <= 1, b
    ids = df["heap_id"].astype(str).tolist()
    assert sorted(chart.drawn + chart.listed) == sorted(ids)
    assert not set(chart.drawn) & set(chart.listed)
    no_xy = df["lat"].isna() | df["lon"].isna()
    assert sorted(chart.listed) == sorted(df.loc[no_xy, "heap_id"].astype(str))
    present = classes_present(df["class"])
    assert list(chart.class_colors) == present
    assert len(set(chart.class_colors.values())) == len(present)
    svg = chart.svg.decode("utf-8").lower()
    for c in chart.class_colors.values():
        assert f"fill: {c.lower()}" in svg, c
    # Every ranked heap on the map carries its rank number; each town is named once.
    ranked = set(df.loc[~no_xy & df["rank"].notna(), "heap_id"].astype(str))
    assert {b.heap_id for b in chart.labels if b.kind == "rank"} == ranked
    assert chart.unlabelled == []
    towns = [b.text for b in chart.labels if b.kind == "city"]
    assert len(towns) == len(set(towns))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_map_labels_do_not_overlap_and_no_heap_disappears(tmp_path, make_run, heaps, lang):
    run = make_run(tmp_path, n_heaps=len(heaps))
    df = rank_order(load_report_data(run).results)
    assert df["lat"].isna().sum() == 13  # as in the shipped registry
    chart = map_chart(df, lang)
    _check_map(chart, df)
    # The side list names every heap without coordinates (rank and name) in the SVG text.
    svg = chart.svg.decode("utf-8")
    for _, r in df[df["lat"].isna()].iterrows():
        assert f"{int(r['rank'])} {r['name'][:20]}" in svg
    # The same input gives the same bytes (deterministic placement).
    assert map_chart(df, lang).svg == chart.svg


def test_map_dense_cluster_without_overlaps(tmp_path, make_run, heaps):
    """30 heaps within 2 km of each other: labels move out with leader lines, never overlap."""
    run = make_run(tmp_path, n_heaps=len(heaps))
    df = rank_order(load_report_data(run).results)
    rng = np.random.default_rng(7)
    has = df["lat"].notna().to_numpy()
    df.loc[has, "lat"] = 51.53 + rng.uniform(0, 0.018, has.sum())
    df.loc[has, "lon"] = 7.0 + rng.uniform(0, 0.028, has.sum())
    chart = map_chart(df, "de")
    assert _overlaps(chart.labels) == []
    assert any(b.leader for b in chart.labels)
    assert sorted(chart.drawn + chart.listed) == sorted(df["heap_id"])


def test_map_sizes_suitable_energy_with_technical_lighter(tmp_path, make_run):
    """A heap classed unsuitable keeps its technical potential as a light disc behind a small
    solid one; the size legend is titled with the energy of suitable uses."""
    run = make_run(tmp_path, n_heaps=10)
    df = rank_order(load_report_data(run).results)
    svg = map_chart(df, "de").svg.decode("utf-8")
    assert "Ertrag geeigneter Nutzungen [MWh/a]" in svg
    assert "heller Kreis: technisches Potenzial" in svg
    assert "light disc: technical potential" in map_chart(df, "en").svg.decode("utf-8")


def test_map_all_heaps_without_coordinates_gives_none(tmp_path, make_run):
    run = make_run(tmp_path, n_heaps=5)
    df = rank_order(load_report_data(run).results)
    df["lat"] = np.nan
    assert map_chart(df, "de") is None


def _write_layers(tmp_path):
    """A municipal-boundary-like polygon (with a hole) and a river-like line, WGS84 GeoJSON."""
    poly = {
        "type": "Polygon",
        "coordinates": [
            [[6.9, 51.45], [7.2, 51.45], [7.2, 51.6], [6.9, 51.6], [6.9, 51.45]],
            [[7.0, 51.5], [7.05, 51.5], [7.05, 51.55], [7.0, 51.5]],
        ],
    }
    river = {"type": "LineString", "coordinates": [[6.6, 51.47], [7.0, 51.49], [7.6, 51.52]]}
    paths = []
    for name, g in (("gemeinden.geojson", poly), ("fluesse.geojson", river)):
        p = tmp_path / name
        p.write_text(
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [{"type": "Feature", "geometry": g, "properties": {}}],
                }
            ),
            encoding="utf-8",
        )
        paths.append(p)
    return paths


def test_map_basemap_layers_drawn_under_the_heaps(tmp_path, make_run, heaps):
    from haldenenergie.report.map_layers import LINE_COLOR

    run = make_run(tmp_path, n_heaps=len(heaps))
    df = rank_order(load_report_data(run).results)
    layers = read_basemaps(_write_layers(tmp_path))
    assert [len(lay.geoms) for lay in layers] == [1, 1]
    plain = map_chart(df, "de").svg.decode("utf-8").lower()
    assert POLYGON_FACE not in plain
    svg = map_chart(df, "de", basemaps=layers).svg.decode("utf-8").lower()
    assert f"fill: {POLYGON_FACE}" in svg and f"stroke: {LINE_COLOR}" in svg
    with basemap_context(layers):
        assert map_chart(df, "de").svg.decode("utf-8").lower() == svg
    _check_map(map_chart(df, "de", basemaps=layers), df)


def test_report_cli_basemap(tmp_path, make_run, invoke, cli):
    run = make_run(tmp_path, n_heaps=12)
    gem, riv = _write_layers(tmp_path)
    out = tmp_path / "report.html"
    cli("report", run, "--out", out, "--basemap", gem, "--basemap", riv)
    html = out.read_text(encoding="utf-8")
    uri = re.search(r'id="fig-map" src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert POLYGON_FACE in base64.b64decode(uri).decode("utf-8").lower()
    # A broken layer fails before any work, in one line naming the file.
    bad = tmp_path / "kaputt.geojson"
    bad.write_text("{not json", encoding="utf-8")
    r = invoke("report", run, "--out", tmp_path / "r2.html", "--basemap", bad)
    assert r.exit_code == 1
    assert "kaputt.geojson" in r.stderr and "basemap" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r2.html").exists()


@pytest.mark.slow
def test_default_run_map(default_run):
    """The shipped registry: 33 heaps on the map, 13 (rank 3 Lohberg Nord among them) listed."""
    df = rank_order(load_report_data(default_run).results)
    chart = map_chart(df, "de")
    _check_map(chart, df)
    assert len(chart.listed) == 13
    assert "lohberg-nord" in chart.listed


def test_map_basemap_outside_the_frame_warns(tmp_path, make_run, caplog):
    """A layer that lies elsewhere (here: Munich, or a file in a wrong CRS) draws nothing and
    says so, naming the file and the frame."""
    run = make_run(tmp_path, n_heaps=10)
    df = rank_order(load_report_data(run).results)
    p = tmp_path / "muenchen.geojson"
    p.write_text(
        json.dumps({"type": "LineString", "coordinates": [[11.5, 48.1], [11.6, 48.2]]}),
        encoding="utf-8",
    )
    with caplog.at_level("WARNING", logger="haldenenergie.report"):
        svg = map_chart(df, "de", basemaps=read_basemaps([p])).svg.decode("utf-8")
    assert "muenchen.geojson" in caplog.text and "within the map frame" in caplog.text
    assert svg == map_chart(df, "de", basemaps=[]).svg.decode("utf-8")
