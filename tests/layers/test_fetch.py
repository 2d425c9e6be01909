"""``layers fetch-osm`` against recorded Overpass responses (no sockets: ``http_post`` is faked).

The recorded answers in ``recorded/`` are hand-written from the OSM XML format as the Overpass API
prints it (see ``recorded/README.md``).
"""

from __future__ import annotations

import hashlib
import json
import math
import urllib.parse
from pathlib import Path

import pytest

from haldenenergie.layers import fetch as F
from haldenenergie.layers import fetch_http as H
from haldenenergie.layers.fetch_plan import (
    default_buffer_m,
    heap_box_m,
    overpass_query,
    plan_clusters,
)
from haldenenergie.registry import Heap

REC = Path(__file__).parent / "recorded"
NEAR = (REC / "cluster_near.osm").read_bytes()
FAR = (REC / "cluster_far.osm").read_bytes()
TIMEOUT_REMARK = (REC / "runtime_error_timeout.osm").read_bytes()
RATE_LIMITED = (REC / "too_many_requests.html").read_bytes()
#: 300 m in latitude [deg] (1 deg of latitude ~ 111.25 km at 51.5 deg N; WGS84 meridian arc).
DLAT_300M = 300.0 / 111_250.0


def ok(body: bytes) -> tuple[int, dict, bytes]:
    return (200, {"content-type": "application/osm3s+xml"}, body)


class FakeOverpass:
    """Stands in for :func:`fetch_http.http_post`: serves ``answers`` in order, records calls."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[dict] = []

    def __call__(self, url, data, headers, timeout_s):
        form = urllib.parse.parse_qs(data.decode("utf-8"))
        self.requests.append(
            {"url": url, "query": form["data"][0], "headers": headers, "timeout_s": timeout_s}
        )
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return H.HttpResponse(*answer)


@pytest.fixture
def overpass(monkeypatch):
    """``overpass(answers)`` installs a :class:`FakeOverpass`; its ``sleeps`` lists the waits."""

    def install(answers):
        fake = FakeOverpass(answers)
        fake.sleeps = []
        monkeypatch.setattr(H, "http_post", fake)
        monkeypatch.setattr(H, "sleep", fake.sleeps.append)
        return fake

    return install


@pytest.fixture
def heaps():
    """Two heaps 300 m apart (one cluster) and one ~20 km away (a second cluster)."""
    return [
        Heap(id="nord", name="Halde Nord", lat=51.5, lon=7.0, area_ha=10.0),
        Heap(id="sued", name="Halde Süd", lat=51.5 - DLAT_300M, lon=7.0, area_ha=10.0),
        Heap(id="fern", name="Halde Fern", lat=51.6, lon=7.2, area_ha=10.0),
        Heap(id="ohne", name="Halde ohne Lage"),
    ]


def fetch(heaps, out, **kw):
    kw.setdefault("buffer_m", 1000.0)
    kw.setdefault("pause_s", 2.0)
    return F.fetch_osm_layers(heaps, out, **kw)


# --- plan -----------------------------------------------------------------------------------------


def test_default_buffer_is_housing_distance_plus_margin():
    from haldenenergie.config import load_config

    # 600 m ([suitability] min_housing_distance_m, RVR 2022) + 400 m margin
    assert default_buffer_m(load_config(None)) == pytest.approx(1000.0)


def test_heaps_300_m_apart_are_one_cluster_far_heaps_two(heaps):
    clusters, skipped = plan_clusters(heaps, 1000.0)
    assert [c.heap_ids for c in clusters] == [("nord", "sued"), ("fern",)]
    assert [c.name for c in clusters] == ["cluster_01.osm", "cluster_02.osm"]
    assert skipped == ["ohne"]


def test_cluster_box_covers_each_heap_plus_buffer(heaps):
    import shapely

    from haldenenergie.geo import to_metric

    clusters, _ = plan_clusters(heaps, 1000.0)
    reach_m = math.sqrt(1e5 / math.pi) + 1000.0  # a 10 ha circle: radius 178.4 m
    for c in clusters:
        lon0, lat0, lon1, lat1 = c.bbox_wgs84
        box_m = to_metric(shapely.box(lon0, lat0, lon1, lat1).segmentize(0.001))
        for hid in c.heap_ids:
            heap = next(h for h in heaps if h.id == hid)
            point = to_metric(shapely.Point(heap.lon, heap.lat))
            assert box_m.contains(point.buffer(reach_m))
            assert heap_box_m(heap, 1000.0, 38.0) == pytest.approx(
                (point.x - reach_m, point.y - reach_m, point.x + reach_m, point.y + reach_m)
            )
    far = clusters[1]
    assert far.bounds_m[2] - far.bounds_m[0] == pytest.approx(2 * reach_m)


def test_footprint_box_and_default_area():
    import shapely

    from haldenenergie.geo import to_metric

    fp = shapely.box(7.0, 51.5, 7.01, 51.505)
    heap = Heap(id="fp", name="FP", lat=51.5025, lon=7.005, footprint=fp)
    x0, y0, x1, y1 = to_metric(fp.segmentize(0.0001)).bounds
    expect = (x0 - 600, y0 - 600, x1 + 600, y1 + 600)
    assert heap_box_m(heap, 600.0, 38.0) == pytest.approx(expect, abs=0.5)  # [m]
    unknown = Heap(id="u", name="U", lat=51.5, lon=7.0)  # no area: the 38 ha median
    bx = heap_box_m(unknown, 0.0, 38.0)
    assert bx[2] - bx[0] == pytest.approx(2 * math.sqrt(38e4 / math.pi))


def test_boxes_are_not_merged_beyond_the_side_limit():
    # 30 heaps in a row 1 km apart: merged in chunks of at most 6 km, not one huge box
    row = [Heap(id=f"h{i}", name=f"H{i}", lat=51.5, lon=7.0 + i * 0.0144) for i in range(30)]
    clusters, _ = plan_clusters(row, 1000.0)
    assert 1 < len(clusters) < 30
    for c in clusters:
        assert c.bounds_m[2] - c.bounds_m[0] <= 6000.0
    assert [h for c in clusters for h in c.heap_ids] == [h.id for h in row]


def test_query_of_each_cluster_is_the_schema_derived_one(heaps):
    """The tag filters are checked against the [osm] schema in test_fetch_query.py."""
    from haldenenergie.layers.fetch_query import osm_tag_filters

    clusters, _ = plan_clusters(heaps, 1000.0)
    q = overpass_query(clusters[0].bbox_wgs84, 180)
    assert q == overpass_query(clusters[0].bbox_wgs84, 180, osm_tag_filters())
    assert all(f"  nwr{f};\n" in q for f in osm_tag_filters())


# --- fetching -------------------------------------------------------------------------------------


def test_fetch_writes_folder_and_manifest(heaps, overpass, tmp_path):
    fake = overpass([ok(NEAR), ok(FAR)])
    out = tmp_path / "osm"
    res = fetch(heaps, out)
    assert [r.status for r in res.results] == ["fetched", "fetched"]
    assert res.skipped_heaps == ["ohne"]
    assert len(fake.requests) == 2
    assert fake.sleeps == [2.0]  # the pause between the two requests, none before the first
    req = fake.requests[0]
    assert req["url"] == F.DEFAULT_ENDPOINT
    assert req["headers"]["User-Agent"].startswith("haldenenergie/")
    assert req["timeout_s"] == pytest.approx(180 + H.CLIENT_GRACE_S)
    assert (out / "cluster_01.osm").read_bytes() == NEAR
    assert (out / "cluster_02.osm").read_bytes() == FAR
    man = json.loads((out / "layers.json").read_text(encoding="utf-8"))
    assert man["format"] == "haldenenergie-osm-layers/1"
    assert man["endpoint"] == F.DEFAULT_ENDPOINT
    assert man["failed"] == [] and man["skipped_heaps"] == ["ohne"]
    e1, e2 = man["files"]
    assert e1["file"] == "cluster_01.osm" and e1["heaps"] == ["nord", "sued"]
    assert e2["heaps"] == ["fern"]
    assert e1["sha256"] == hashlib.sha256(NEAR).hexdigest() and e1["bytes"] == len(NEAR)
    assert e1["query"] == req["query"]
    assert e1["osm_base"] == "2026-11-30T08:15:02Z"
    assert e1["elements"] == {"node": 29, "way": 7, "relation": 1}
    lon0, lat0, lon1, lat1 = e1["bbox_wgs84"]
    assert lon0 < 7.0 < lon1 and lat0 < 51.5 - DLAT_300M < 51.5 < lat1
    assert f"[bbox:{lat0:.6f},{lon0:.6f},{lat1:.6f},{lon1:.6f}]" in e1["query"]
    assert sorted(p.name for p in out.iterdir()) == [
        "cluster_01.osm",
        "cluster_02.osm",
        "layers.json",
    ]


def test_rerun_is_cached_and_force_fetches_again(heaps, overpass, tmp_path):
    out = tmp_path / "osm"
    overpass([ok(NEAR), ok(FAR)])
    fetch(heaps, out)
    fake = overpass([])
    res = fetch(heaps, out)
    assert [r.status for r in res.results] == ["cached", "cached"] and fake.requests == []
    fake = overpass([ok(NEAR), ok(FAR)])
    res = fetch(heaps, out, force=True)
    assert [r.status for r in res.results] == ["fetched", "fetched"] and len(fake.requests) == 2


def test_changed_query_or_file_is_fetched_again(heaps, overpass, tmp_path):
    out = tmp_path / "osm"
    overpass([ok(NEAR), ok(FAR)])
    fetch(heaps, out)
    (out / "cluster_02.osm").write_bytes(FAR.replace(b"Grubenlampe", b"Grubenlampx"))
    fake = overpass([ok(FAR)])
    res = fetch(heaps, out)
    assert [r.status for r in res.results] == ["cached", "fetched"]
    assert "51.5" in fake.requests[0]["query"] or "51.6" in fake.requests[0]["query"]
    fake = overpass([ok(NEAR), ok(FAR)])
    res = fetch(heaps, out, buffer_m=1500.0)  # other boxes: other queries
    assert [r.status for r in res.results] == ["fetched", "fetched"]


def test_429_is_retried_after_retry_after(heaps, overpass, tmp_path):
    fake = overpass([(429, {"retry-after": "7"}, RATE_LIMITED), ok(NEAR), ok(FAR)])
    res = fetch(heaps[:2], tmp_path / "osm", pause_s=0.0)
    assert [r.status for r in res.results] == ["fetched"]
    assert fake.sleeps == [7.0]
    assert res.results[0].entry["attempts"] == 2


def test_timeouts_back_off_and_fail_one_cluster_only(heaps, overpass, tmp_path):
    out = tmp_path / "osm"
    fake = overpass([TimeoutError("timed out")] * 3 + [ok(FAR)])
    res = fetch(heaps, out, retries=2, pause_s=0.0)
    assert [r.status for r in res.results] == ["failed", "fetched"]
    assert fake.sleeps == [10.0, 20.0]  # BACKOFF_BASE_S doubled
    assert "TimeoutError" in res.failures[0].error and "after 3 attempts" in res.failures[0].error
    assert not (out / "cluster_01.osm").exists()
    assert sorted(p.name for p in out.iterdir()) == ["cluster_02.osm", "layers.json"]
    man = json.loads((out / "layers.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in man["files"]] == ["cluster_02.osm"]
    (failed,) = man["failed"]
    assert failed["file"] == "cluster_01.osm" and failed["heaps"] == ["nord", "sued"]
    assert failed["kept_previous"] is False and "TimeoutError" in failed["error"]
    # the rerun fetches only the missing cluster
    fake = overpass([ok(NEAR)])
    res = fetch(heaps, out)
    assert [r.status for r in res.results] == ["fetched", "cached"] and len(fake.requests) == 1
    assert json.loads((out / "layers.json").read_text(encoding="utf-8"))["failed"] == []


def test_runtime_error_remark_is_a_failure_not_data(heaps, overpass, tmp_path):
    out = tmp_path / "osm"
    overpass([ok(TIMEOUT_REMARK), ok(TIMEOUT_REMARK), ok(FAR)])
    res = fetch(heaps, out, retries=1, pause_s=0.0)
    assert [r.status for r in res.results] == ["failed", "fetched"]
    assert "runtime error: Query timed out" in res.failures[0].error
    assert not (out / "cluster_01.osm").exists()


def test_failed_refetch_keeps_the_previous_file(heaps, overpass, tmp_path):
    out = tmp_path / "osm"
    overpass([ok(NEAR), ok(FAR)])
    fetch(heaps, out)
    overpass([(400, {}, b"<html><body>Error: line 1: parse error</body></html>"), ok(FAR)])
    res = fetch(heaps, out, force=True)
    assert [r.status for r in res.results] == ["failed", "fetched"]
    assert "HTTP 400" in res.failures[0].error and "after 1 attempt)" in res.failures[0].error
    man = json.loads((out / "layers.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in man["files"]] == ["cluster_01.osm", "cluster_02.osm"]
    assert man["failed"][0]["kept_previous"] is True
    assert (out / "cluster_01.osm").read_bytes() == NEAR


@pytest.mark.parametrize(
    ("status", "headers", "body", "expect"),
    [
        (200, {}, b"<html><body>Internal error</body></html>", "not OSM"),
        (200, {}, b"no xml at all", "not XML"),
        (429, {"retry-after": "9999"}, RATE_LIMITED, "rate_limited"),
    ],
)
def test_bad_answers_are_one_line_failures(overpass, status, headers, body, expect):
    overpass([(status, headers, body)] * 3)
    with pytest.raises(H.FetchError) as err:
        H.fetch_query(F.DEFAULT_ENDPOINT, "[out:xml];node(1);out;", timeout_s=10, retries=0)
    assert expect in str(err.value) and "\n" not in str(err.value)


def test_retry_after_http_date():
    import datetime as dt

    now = dt.datetime(2026, 12, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert H.retry_after_s("Tue, 01 Dec 2026 12:00:30 GMT", now) == pytest.approx(30.0)
    assert H.retry_after_s("12", now) == 12.0 and H.retry_after_s("soon", now) is None


def test_bad_out_dir_and_endpoint_are_refused(heaps, tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(H.FetchError, match="no layers.json"):
        fetch(heaps, tmp_path / "other")
    with pytest.raises(H.FetchError, match="not an http"):
        fetch(heaps, tmp_path / "x", endpoint="file:///etc/passwd")
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


# --- the recorded file is real OSM XML ------------------------------------------------------------


def test_gdal_osm_driver_reads_the_recorded_forest():
    """GDAL's OSM driver (via pyogrio) builds the forest way and the wood multipolygon."""
    pyogrio = pytest.importorskip("pyogrio")
    from pyproj import Geod

    df = pyogrio.read_dataframe(REC / "cluster_near.osm", layer="multipolygons")
    forest = df[df["landuse"] == "forest"]
    assert len(forest) == 1 and forest.iloc[0]["name"] == "Nordwald"
    # independent reference: the geodesic area of the lon/lat rectangle on the WGS84 ellipsoid
    geod = Geod(ellps="WGS84")
    ref, _ = geod.polygon_area_perimeter([7.002, 7.006, 7.006, 7.002], [51.501] * 2 + [51.503] * 2)
    assert geod.geometry_area_perimeter(forest.geometry.iloc[0])[0] == pytest.approx(abs(ref), 1e-6)
    wood = df[df["natural"] == "wood"].geometry.iloc[0]
    assert len(wood.geoms[0].interiors) == 1  # the relation's inner ring is a hole
    assert set(df["landuse"].dropna()) == {"forest", "residential", "meadow"}
    assert "house" in set(df["building"].dropna())


# --- the command ----------------------------------------------------------------------------------


def _registry(path: Path) -> Path:
    def point(hid, lon, lat):
        geom = None if lon is None else {"type": "Point", "coordinates": [lon, lat]}
        props = {"id": hid, "name": hid.title(), "area_ha": 10.0}
        return {"type": "Feature", "id": hid, "geometry": geom, "properties": props}

    features = [
        point("nord", 7.0, 51.5),
        point("sued", 7.0, round(51.5 - DLAT_300M, 6)),
        point("fern", 7.2, 51.6),
        point("ohne", None, None),
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_cli_fetch_osm_and_info(overpass, tmp_path, invoke):
    reg = _registry(tmp_path / "heaps.geojson")
    out = tmp_path / "osm"
    fake = overpass([ok(NEAR), ok(FAR)])
    r = invoke("layers", "fetch-osm", "--out", out, "--heaps", reg, "--pause", "0")
    assert r.exit_code == 0, r.output
    assert len(fake.requests) == 2 and fake.sleeps == []
    assert "cluster_01.osm: fetched, 2 heap(s) (nord, sued)" in r.stdout
    assert "1 heap(s) without a position skipped: ohne" in r.stderr
    r = invoke("layers", "fetch-osm", "--out", out, "--heaps", reg)
    assert r.exit_code == 0 and r.stdout.count(": cached,") == 2
    r = invoke("layers", "info", out)
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "cluster_02.osm: heaps fern" in lines[2] and "protected 1" in lines[2]
    assert "forest 2" in lines[1] and "residential 2" in lines[1]
    r = invoke("layers", "info", "--json", out / "layers.json")
    assert json.loads(r.stdout)["files"][0]["kinds"]["forest"] == 2
    r = invoke("layers", "info", out / "cluster_02.osm")
    assert r.exit_code == 0 and "osm schema" in r.stdout and "protected 1" in r.stdout


def test_cli_fetch_osm_asks_for_the_users_schema_extension(overpass, tmp_path, invoke):
    """[layers] schemas_path of --config reaches the query: the user's forest rule is fetched."""
    reg = _registry(tmp_path / "heaps.geojson")
    user = tmp_path / "schemas.toml"
    user.write_text("[osm]\nforest = [ { key = 'landcover', values = ['trees'] } ]\n")
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(f"[layers]\nschemas_path = '{user.as_posix()}'\n")
    fake = overpass([ok(NEAR), ok(FAR)])
    r = invoke("layers", "fetch-osm", "--out", tmp_path / "osm", "--heaps", reg, "--pause", "0",
               "--config", cfg)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert all('nwr["landcover"="trees"];' in q["query"] for q in fake.requests)
    # a user rule replaces the kind's shipped rules: natural=wood (forest) is no longer asked for
    assert all('nwr["natural"~"^(grassland|heath|scrub)$"];' in q["query"]
               for q in fake.requests)  # fmt: skip


def test_cli_failure_is_one_error_line_and_exit_1(overpass, tmp_path, invoke):
    reg = _registry(tmp_path / "heaps.geojson")
    overpass([ok(FAR), ok(TIMEOUT_REMARK)])
    r = invoke(
        "layers", "fetch-osm", "--out", tmp_path / "osm", "--heaps", reg, "--heap", "fern",
        "--heap", "nord", "--retries", "0", "--buffer-m", "800",
    )  # fmt: skip
    assert r.exit_code == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "cluster_02.osm (heaps nord)" in errors[0]
    assert "runtime error" in errors[0]


def test_fetched_folder_is_read_by_load_layers(heaps, overpass, tmp_path):
    """The contract with the reader: every kind from the folder, extent = the recorded box."""
    import shapely
    from pyproj import Geod

    from haldenenergie.geo import to_metric
    from haldenenergie.layers import LayersConfig, load_layers

    overpass([ok(NEAR), ok(FAR)])
    out = tmp_path / "osm"
    fetch(heaps, out)
    ls = load_layers(LayersConfig(), layers_dir=out)
    assert {"forest", "residential", "protected", "landmark", "open_land"} <= set(ls.kinds())
    nord = to_metric(shapely.Point(7.0, 51.5))
    assert ls.covers("forest", nord.buffer(1000.0))
    assert not ls.covers("forest", to_metric(shapely.Point(7.6, 51.5)))
    # forest = the landuse=forest way + the natural=wood relation minus its hole (geodesic)
    geod = Geod(ellps="WGS84")

    def rect(lon0, lat0, lon1, lat1):
        return abs(
            geod.polygon_area_perimeter([lon0, lon1, lon1, lon0], [lat0, lat0, lat1, lat1])[0]
        )

    ref_m2 = (
        rect(7.002, 51.501, 7.006, 51.503)
        + rect(6.995, 51.494, 6.998, 51.496)
        - rect(6.996, 51.4945, 6.997, 51.4955)
    )
    # EPSG:25832 areas at 7 deg E are ~0.03 % below the geodesic ones (UTM scale k ~ 0.99984)
    assert ls.geometry("forest", None).area == pytest.approx(ref_m2, rel=1e-3)
