"""Tests of the terrain stage (haldenenergie.terrain, haldenenergie.dem, `haldenenergie terrain`).

Kinds of truth: analytic surfaces (tilted plane, cone), the same surface in two file formats,
invariants (areas add up, exclusions never add area), and the real SRTM-derived raster with the
figures the sources give for Halde Haniel, Rheinpreussen and Norddeutschland.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from numpy.testing import assert_allclose
from pyproj import Transformer
from rasterio.transform import from_origin
from shapely.geometry import Point

from haldenenergie.cli import main
from haldenenergie.config import load_config
from haldenenergie.dem import DemFileError
from haldenenergie.errors import ConfigError, TerrainError
from haldenenergie.terrain import (
    HEAP_COLUMNS,
    SURFACE_COLUMNS,
    TerrainConfig,
    analyse_grid,
    aspect_sector_index,
    footprint_min_rise_auto,
    half_height_distance,
    heap_terrain,
    horizon_angles,
    horizon_profile,
    open_dem,
    remove_small_patches,
    slope_aspect_horn,
    synthesize_heap,
    terrain_for_heaps,
    terrain_table,
)

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "heaps.geojson"
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
TO_WGS = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class StubHeap:
    """Stand-in with the attributes the terrain stage reads from haldenenergie.heaps.Heap."""

    id: str
    lat: float | None = None
    lon: float | None = None
    footprint: object = None
    area_ha: float | None = None
    height_rel_m: float | None = None
    height_asl_m: float | None = None
    form: str = "unknown"


def plane(n, res, slope_deg, aspect_deg):
    """Plane falling with ``slope_deg`` towards ``aspect_deg`` (row 0 north)."""
    x = np.arange(n) * res
    y = -np.arange(n) * res
    X, Y = np.meshgrid(x, y)
    a = math.radians(aspect_deg)
    return -math.tan(math.radians(slope_deg)) * (X * math.sin(a) + Y * math.cos(a))


def cone(n, res, radius_m, slope_deg):
    c = (np.arange(n) - (n - 1) / 2) * res
    X, Y = np.meshgrid(c, -c)
    r = np.hypot(X, Y)
    H = radius_m * math.tan(math.radians(slope_deg))
    return np.clip(H - r * math.tan(math.radians(slope_deg)), 0, None), r


# --------------------------------------------------------------------------------------------------
# Analytic surfaces
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("res", [1.0, 10.0])
def test_horn_tilted_plane(res):
    z = plane(40, res, 20.0, 135.0)
    s, a = slope_aspect_horn(z, res, res)
    # A plane is reproduced exactly by Horn's stencil; tolerance is float round-off plus margin.
    assert_allclose(s[1:-1, 1:-1], 20.0, atol=0.1)
    assert_allclose(a[1:-1, 1:-1], 135.0, atol=0.5)
    assert np.isnan(s[0]).all() and np.isnan(a[:, -1]).all()  # border undefined


@pytest.mark.parametrize("aspect", [0.0, 90.0, 180.0, 270.0, 315.0])
def test_horn_aspect_convention(aspect):
    """Aspect is the downhill direction, clockwise from north."""
    z = plane(7, 5.0, 10.0, aspect)
    _, a = slope_aspect_horn(z, 5.0)
    d = (a[3, 3] - aspect + 180) % 360 - 180
    assert abs(d) < 1e-6


def test_flat_cells_have_no_aspect():
    z = plane(10, 10.0, 0.5, 200.0)
    s, a = slope_aspect_horn(z, 10.0, flat_slope_deg=1.0)
    assert_allclose(s[1:-1, 1:-1], 0.5, atol=1e-6)
    assert np.isnan(a).all()
    assert (aspect_sector_index(a) == -1).all()


def test_cone_equal_sectors_and_slope():
    """A symmetric cone: equal area in every aspect sector (+-2 %), flank slope atan(H/R) +-0.5 deg."""
    res, R, slope = 2.0, 300.0, 30.0
    z, r = cone(361, res, R, slope)
    s, a = slope_aspect_horn(z, res)
    flank = (r > 3 * res) & (r < R - 2 * res)  # apex and rim cells see the kink
    counts = np.bincount(aspect_sector_index(a[flank]), minlength=8)
    assert_allclose(counts / counts.mean(), 1.0, atol=0.02)
    assert_allclose(np.mean(s[flank]), slope, atol=0.5)
    # The same through the full classification (north exclusion off, mounting limit above 30 deg).
    cfg = TerrainConfig(
        north_sector_deg=[0.0, 0.0],
        north_min_slope_deg=90.0,
        max_mounting_slope_deg=40.0,
        tilt_bands_deg=[0.0, 5.0, 40.0],
    )
    out = analyse_grid(z + 50.0, res, r < R, 50.0, cfg)
    fl = out["surfaces"][out["surfaces"].kind == "flank"]
    assert len(fl) == 8
    assert_allclose(fl.area_ha / fl.area_ha.mean(), 1.0, atol=0.02)
    assert_allclose(fl.surface_tilt_deg, slope, atol=0.5)
    assert_allclose(fl.surface_azimuth_deg.to_numpy(), np.arange(8) * 45.0, atol=1.0)
    assert_allclose(out["relative_height_m"], R * math.tan(math.radians(slope)), atol=1.0)
    # Half-height distance of a cone is R/2.
    assert_allclose(out["half_height_distance_m"], R / 2, atol=res)


def test_parametric_cone_matches_facts():
    cfg = TerrainConfig(form_plateau_share={**TerrainConfig().form_plateau_share, "cone": [0, 0]})
    syn = synthesize_heap(10.0, 60.0, "cone", cfg, res_m=2.0)
    R = math.sqrt(10e4 / math.pi)
    assert_allclose(syn["flank_slope_deg"], math.degrees(math.atan(60 / R)), atol=1e-9)
    assert_allclose(syn["footprint"].sum() * 4 / 1e4, 10.0, rtol=0.02)
    assert_allclose(syn["z_rel"].max(), 60.0, atol=1.0)
    s, a = slope_aspect_horn(syn["z_rel"], syn["res_m"])
    c = syn["z_rel"].shape[0] // 2
    yy, xx = np.mgrid[: s.shape[0], : s.shape[1]]
    r = np.hypot(yy - c, xx - c) * syn["res_m"]
    flank = (r > 10) & (r < R - 5)
    assert_allclose(np.mean(s[flank]), syn["flank_slope_deg"], atol=0.5)
    counts = np.bincount(aspect_sector_index(a[flank]), minlength=8)
    assert_allclose(counts / counts.mean(), 1.0, atol=0.02)


@pytest.mark.parametrize("form", ["cone", "table", "terraced", "landscape", "elongated"])
def test_parametric_forms_honour_area_and_height(form):
    cfg = TerrainConfig()
    t = heap_terrain(
        StubHeap("x", 51.5, 7.0, area_ha=40.0, height_rel_m=50.0, height_asl_m=100.0, form=form),
        cfg,
    )
    assert t.terrain_source == "parametric"
    assert_allclose(t.footprint_area_ha, 40.0, rtol=0.03)
    assert_allclose(t.relative_height_m, 50.0, atol=0.5)
    assert_allclose(t.base_elevation_m, 50.0)
    assert_allclose(t.surfaces.usable_area_ha.sum(), t.pv_usable_area_ha, rtol=1e-9)
    assert t.pv_usable_area_ha <= t.footprint_area_ha + 1e-9
    # All facts known: the only assumption listed is the synthetic shape of the form.
    assert len(t.assumed) == 1 and t.assumed[0].startswith(f"shape={form}: plateau share ")
    assert list(t.surfaces.columns) == list(SURFACE_COLUMNS)
    assert all(len(h) == 36 for h in t.surfaces.horizon_deg)
    if form in ("table", "terraced"):
        assert t.plateau_area_ha > 0.15 * 40 * 0.8
        assert t.turbine_site_area_ha > 0
    if form == "cone":
        assert t.plateau_area_ha < 0.05 * 40


def test_horizon_and_half_height_analytic():
    # Observer at the foot of a 30-deg wall to the north sees 30 deg... minus its eye height.
    res = 1.0
    z = np.zeros((201, 201))
    rows = np.arange(201)[:, None] * np.ones((1, 201))
    z = np.clip((100 - rows) * math.tan(math.radians(30)), 0, None)  # rises northward above row 100
    hz = horizon_profile(
        z, res, np.array([100]), np.array([100]), observer_height_m=0.0, max_distance_m=90
    )
    assert_allclose(hz[0], 30.0, atol=0.01)  # north: the slope itself
    assert_allclose(hz[18], 0.0)  # south: open
    # Half-height distance of the cone of test above.
    z, _ = cone(201, 2.0, 150.0, 20.0)
    H = 150 * math.tan(math.radians(20))
    assert_allclose(half_height_distance(z, 2.0, (100, 100), 0.0, H), 75.0, atol=1.0)


def _reference_horizon(z, res, rows, cols, h=1.0, max_distance_m=1500.0, n_az=36):
    """Plain ray-march, one observer, azimuth and step at a time: at each distance of the ray
    (one cell apart up to 10 cells, then +10 % per step) take the cell nearest to the exact point
    (half-way cases: the cell farther from the observer), tangent = rise / true distance of that
    cell; horizon = atan of the largest tangent, negative angles 0. Independent of the offset
    tables, padding and reduceat of the fast version."""

    def nearest(x):
        x = round(x, 9)
        return int(math.copysign(math.floor(abs(x) + 0.5), x))

    steps, d = [], res
    while d <= max_distance_m:
        steps.append(d)
        d = max(d + res, d * 1.1)
    out = np.zeros((len(rows), n_az))
    for i, (r, c) in enumerate(zip(rows, cols, strict=True)):
        z0 = z[r, c] + h
        for k in range(n_az):
            a = math.radians(k * 360.0 / n_az)
            best = 0.0
            for d in steps:
                dr, dc = nearest(-math.cos(a) * d / res), nearest(math.sin(a) * d / res)
                rr, cc = r + dr, c + dc
                if (
                    (dr or dc)
                    and 0 <= rr < z.shape[0]
                    and 0 <= cc < z.shape[1]
                    and np.isfinite(z[rr, cc])
                ):
                    best = max(best, (z[rr, cc] - z0) / (math.hypot(dr, dc) * res))
            out[i, k] = math.degrees(math.atan(best))
    return out


def test_fast_horizon_matches_reference_on_cone():
    """The vectorised horizon equals the plain ray-march (+-0.1 deg required; it is exact up to
    float round-off), also for observers whose rays leave the grid, and a cone's horizon is
    mirror-symmetric (E = W, N = S) and its flank sees the apex."""
    res = 5.0
    z, _ = cone(121, res, 250.0, 25.0)
    z[:3, :] = np.nan  # a nodata strip is ignored
    rng = np.random.default_rng(3)
    rows = np.concatenate([rng.integers(4, 117, 25), [60, 60, 5, 115]])
    cols = np.concatenate([rng.integers(1, 120, 25), [90, 30, 60, 118]])
    fast = horizon_angles(z, res, rows, cols, 1.0, 600.0)
    ref = _reference_horizon(z, res, rows, cols, 1.0, 600.0)
    assert_allclose(fast, ref, atol=1e-9)
    assert_allclose(horizon_profile(z, res, rows, cols, 1.0, 600.0), ref.mean(axis=0), atol=1e-9)
    # Mirror symmetry: observer east of the apex looking west = observer west looking east.
    east, west = fast[-4], fast[-3]
    assert_allclose(east[27], west[9], atol=1e-9)  # 270 vs 90 deg
    assert_allclose(east[np.arange(36)], west[(36 - np.arange(36)) % 36], atol=1e-9)
    # The observer at (60, 90) on the E flank (150 m from the apex) sees the apex to the west.
    H = 250.0 * math.tan(math.radians(25.0))
    apex = math.degrees(math.atan((H - z[60, 90] - 1.0) / 150.0))
    assert_allclose(east[27], apex, atol=0.5)


def test_fast_horizon_matches_reference_on_haniel(dem_path):
    """Real terrain (Halde Haniel in the SRTM raster, 10 m grid): fast = plain ray-march."""
    x, y = TO_UTM.transform(6.876, 51.5505)
    z, _, _ = open_dem(dem_path).read_window((x, y), 1500.0, 10.0, "haniel")
    rng = np.random.default_rng(7)
    c = z.shape[0] // 2
    rows, cols = rng.integers(c - 60, c + 60, 24), rng.integers(c - 60, c + 60, 24)
    fast = horizon_angles(z, 10.0, rows, cols)
    ref = _reference_horizon(z, 10.0, rows, cols)
    assert_allclose(fast, ref, atol=1e-9)
    assert fast.max() > 10.0  # the heap's flanks do shade its foot


# --------------------------------------------------------------------------------------------------
# Exclusions
# --------------------------------------------------------------------------------------------------


def _cone_terrain(cfg, slope=25.0, R=200.0, res=2.0, reserved=None):
    z, r = cone(int(2 * R / res * 1.2) | 1, res, R, slope)
    return analyse_grid(z + 30.0, res, r < R, 30.0, cfg, reserved=reserved)


def test_north_flank_excluded():
    cfg = TerrainConfig()
    out = _cone_terrain(cfg)
    secs = set(out["surfaces"].azimuth_sector)
    assert not secs & {"N", "NE", "NW"}
    assert {"E", "SE", "S", "SW", "W"} <= secs
    flank_ha = out["footprint_area_ha"] - out["plateau_area_ha"]
    # 3 of 8 sectors (NW, N, NE) on a symmetric cone, +-3 % of the flank for rim/apex cells.
    assert_allclose(out["excluded"]["north"], 3 / 8 * flank_ha, rtol=0.03)
    off = _cone_terrain(dataclasses.replace(cfg, north_min_slope_deg=90.0))
    assert off["excluded"]["north"] == 0
    assert off["pv_usable_area_ha"] > out["pv_usable_area_ha"]


def test_too_steep_excluded():
    cfg = TerrainConfig(max_mounting_slope_deg=35.0)
    out = _cone_terrain(cfg, slope=40.0)
    assert (out["surfaces"].kind == "flank").sum() == 0
    assert out["excluded"]["too_steep"] > 0.9 * out["footprint_area_ha"]
    ok = _cone_terrain(TerrainConfig(max_mounting_slope_deg=45.0), slope=40.0)
    assert ok["excluded"]["too_steep"] == 0


def test_small_patch_excluded():
    res = 5.0
    z = np.zeros((40, 40))
    foot = np.zeros_like(z, dtype=bool)
    foot[5:11, 5:11] = True  # 30 x 30 m = 900 m2 < 1500 m2
    foot[20:30, 20:30] = True  # 50 x 50 m = 2500 m2
    out = analyse_grid(z, res, foot, -10.0, TerrainConfig())
    assert_allclose(out["excluded"]["small_patch"], 0.09)
    assert_allclose(out["pv_usable_area_ha"], 0.25)
    kept = remove_small_patches(foot, res * res, 1500.0)
    assert kept[25, 25] and not kept[7, 7]


def test_reserved_polygon_excluded():
    cfg = TerrainConfig(reserved_buffer_m=0.0)
    heap = StubHeap(
        "t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, height_asl_m=90.0, form="table"
    )
    free = heap_terrain(heap, cfg)
    x, y = TO_UTM.transform(heap.lon, heap.lat)
    blocked = Point(x, y).buffer(100.0)  # 3.14 ha around the centre of the plateau
    t = heap_terrain(heap, cfg, reserved=blocked)
    assert_allclose(t.excluded["reserved"], math.pi * 100**2 / 1e4, rtol=0.05)
    assert_allclose(free.pv_usable_area_ha - t.pv_usable_area_ha, t.excluded["reserved"], rtol=0.05)
    assert t.turbine_site_area_ha < free.turbine_site_area_ha


@pytest.mark.parametrize(
    "name, content, msg",
    [
        ("missing", None, "reserved-areas file not found"),
        ("empty", "", "cannot read reserved areas as GeoJSON"),
        ("null", "null", "reserved areas: not a GeoJSON object"),
        ("no-geometries", '{"type": "FeatureCollection", "features": []}', "no geometries"),
        (
            "feature-not-object",
            '{"type": "FeatureCollection", "features": [5]}',
            "feature 0: not a GeoJSON Feature object",
        ),
        (
            "bowtie",
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [[7.15, 51.56], [7.16, 51.57], [7.16, 51.56], [7.15, 51.57], [7.15, 51.56]]
                    ],
                }
            ),
            r"feature 0: invalid geometry \(Self-intersection",
        ),
        (
            "short-ring",
            json.dumps({"type": "Polygon", "coordinates": [[[7.15, 51.56], [7.16, 51.57]]]}),
            "feature 0: invalid geometry",
        ),
        ("string-coords", '{"type": "Point", "coordinates": "abc"}', "feature 0: invalid geometry"),
        (
            "projected",
            json.dumps({"type": "Point", "coordinates": [372000, 5714000]}),
            "not lon/lat degrees",
        ),
        (
            "crs-25832",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
                    "features": [],
                }
            ),
            "is not WGS84",
        ),
    ],
)
def test_bad_reserved_files(tmp_path, name, content, msg):
    f = tmp_path / f"{name}.geojson"
    if content is not None:
        f.write_text(content)
    heap = StubHeap("t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, form="table")
    with pytest.raises(TerrainError, match=msg) as info:
        heap_terrain(heap, TerrainConfig(reserved_areas_path=str(f)))
    assert "\n" not in str(info.value) and str(info.value).startswith(str(f))
    if content is not None:
        r = CliRunner().invoke(
            main, ["terrain", "--heaps", str(REGISTRY), "--heap", "haniel", "--reserved", str(f)]
        )
        assert r.exit_code == 1 and re.search(msg, r.stderr), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_reserved_geojson_file_with_buffer(tmp_path):
    heap = StubHeap(
        "t", 51.55, 6.88, area_ha=30.0, height_rel_m=40.0, height_asl_m=90.0, form="table"
    )
    x, y = TO_UTM.transform(heap.lon, heap.lat)
    lon, lat = TO_WGS.transform(x, y)
    f = tmp_path / "reserved.geojson"
    f.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Landmark"},
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    }
                ],
            }
        )
    )
    t = heap_terrain(heap, TerrainConfig(reserved_areas_path=str(f), reserved_buffer_m=50.0))
    assert_allclose(t.excluded["reserved"], math.pi * 50**2 / 1e4, rtol=0.08)


# --------------------------------------------------------------------------------------------------
# DEM mode: synthetic heap as XYZ tile and GeoTIFF
# --------------------------------------------------------------------------------------------------

TILE_E, TILE_N = 372000.0, 5714000.0  # lower-left corner of NRW tile dgm1_32_372_5714_1_nw


def _synthetic_dem(res=2.0, n=500):
    """Table heap on a 2 m grid: plateau r < 120 m, flank of 22 deg down to r = 250 m, base 40 m."""
    c = (np.arange(n) + 0.5) * res
    X, Y = np.meshgrid(TILE_E + c, TILE_N + n * res - c)
    cx, cy = TILE_E + 500.0, TILE_N + 500.0
    r = np.hypot(X - cx, Y - cy)
    H = 130.0 * math.tan(math.radians(22.0))
    z = 40.0 + np.clip(np.minimum(H, (250.0 - r) * math.tan(math.radians(22.0))), 0, None)
    return z, (cx, cy), H


def test_xyz_and_geotiff_identical(tmp_path):
    res = 2.0
    z, (cx, cy), H = _synthetic_dem(res)
    z = np.round(z, 3)  # DGM1 XYZ carries mm/cm; the GeoTIFF holds the same values (float64)
    n = z.shape[0]
    tif = tmp_path / "heap.tif"
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=n,
        height=n,
        count=1,
        dtype="float64",
        crs="EPSG:25832",
        transform=from_origin(TILE_E, TILE_N + n * res, res, res),
        nodata=-9999.0,
    ) as dst:
        dst.write(z, 1)
    xyz = tmp_path / "dgm1_32_372_5714_1_nw.xyz"
    c = (np.arange(n) + 0.5) * res
    X, Y = np.meshgrid(TILE_E + c, TILE_N + n * res - c)
    pts = np.column_stack([X.ravel(), Y.ravel(), z.ravel()])
    pts = pts[np.random.default_rng(1).permutation(len(pts))]  # any line order is accepted
    np.savetxt(xyz, pts, fmt="%.2f %.2f %.3f")
    lon, lat = TO_WGS.transform(cx + 30.0, cy - 20.0)
    heap = StubHeap("synthetic", lat, lon)
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    a = heap_terrain(heap, cfg, open_dem(tif))
    b = heap_terrain(heap, cfg, open_dem(xyz))
    d = heap_terrain(heap, cfg, open_dem(tmp_path / "heap.tif"))
    assert a.terrain_source == "dem:heap.tif"
    assert b.terrain_source == "dem:dgm1_32_372_5714_1_nw.xyz"
    ra, rb = a.to_row(), b.to_row()
    for k in HEAP_COLUMNS:
        if isinstance(ra[k], float):
            assert_allclose(ra[k], rb[k], rtol=1e-9, atol=1e-9, err_msg=k)
    assert_allclose(a.surfaces.usable_area_ha, b.surfaces.usable_area_ha, rtol=1e-9)
    assert d.to_row() == ra
    # A folder of tiles (both files; the first fills the window, the second only gaps).
    e = heap_terrain(heap, cfg, open_dem(tmp_path))
    assert_allclose(e.footprint_area_ha, a.footprint_area_ha, rtol=1e-9)
    assert_allclose(e.pv_usable_area_ha, a.pv_usable_area_ha, rtol=1e-9)
    # And the analytic heap is recovered: height, footprint (pi 250^2), plateau (pi 120^2 - rim).
    assert_allclose(a.relative_height_m, H, atol=0.5)
    assert_allclose(a.base_elevation_m, 40.0, atol=0.1)
    # The footprint starts footprint_min_rise_m above the base (auto for a 2 m DEM: 0.5 m):
    # r < 250 - 0.5/tan(22 deg).
    assert a.assumed == ("footprint_min_rise_m=0.5 (auto for the DEM's native pixel size ~2 m)",)
    r_foot = 250.0 - 0.5 / math.tan(math.radians(22.0))
    assert_allclose(a.footprint_area_ha, math.pi * r_foot**2 / 1e4, rtol=0.03)
    # Plateau r < 120 m; Horn's 3x3 stencil sees the plateau edge one 10 m cell early.
    assert math.pi * 110.0**2 / 1e4 <= a.plateau_area_ha <= math.pi * 120.0**2 / 1e4
    assert_allclose(a.mean_flank_slope_deg, 22.0, atol=1.5)
    assert a.turbine_site_area_ha > 3.0


def test_footprint_min_rise_auto_rule():
    assert footprint_min_rise_auto(1.0) == 0.5 and footprint_min_rise_auto(5.0) == 0.5
    assert footprint_min_rise_auto(30.0) == 6.0 and footprint_min_rise_auto(90.0) == 6.0
    assert_allclose(footprint_min_rise_auto(17.5), 3.25)  # linear in between
    assert footprint_min_rise_auto(float("nan")) == 6.0  # unknown: the conservative value


@pytest.mark.parametrize("src_res", [1.0, 2.0])
@pytest.mark.parametrize("res", [10.0, 2.0])
def test_fine_dem_cone_gives_true_footprint(tmp_path, src_res, res):
    """An analytic cone (R = 300 m, H = 60 m, 11.3 deg flanks: 28.27 ha) on a 1-2 m DEM gets its
    footprint within +-3 % with the automatic rise (0.5 m); the 6 m that coarse SRTM needs would
    cut it to ~22.9 ha (-19 %: the toe lies 6 / tan(11.3 deg) = 30 m further out)."""
    n = int(1000.0 / src_res)
    c = (np.arange(n) + 0.5) * src_res
    X, Y = np.meshgrid(TILE_E + c, TILE_N + 1000.0 - c)
    r = np.hypot(X - TILE_E - 500.0, Y - TILE_N - 500.0)
    z = 40.0 + np.clip(60.0 * (1 - r / 300.0), 0, None)
    tif = tmp_path / "cone.tif"
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=n,
        height=n,
        count=1,
        dtype="float32",
        crs="EPSG:25832",
        transform=from_origin(TILE_E, TILE_N + 1000.0, src_res, src_res),
    ) as dst:
        dst.write(z.astype("float32"), 1)
    lon, lat = TO_WGS.transform(TILE_E + 500.0, TILE_N + 500.0)
    heap = StubHeap("cone", lat, lon)
    cfg = TerrainConfig(resolution_m=res, window_half_size_m=480.0, base_search_radius_m=450.0)
    dem = open_dem(tif)
    t = heap_terrain(heap, cfg, dem)
    true_ha = math.pi * 300.0**2 / 1e4
    assert_allclose(t.footprint_area_ha, true_ha, rtol=0.03)
    auto = f"footprint_min_rise_m=0.5 (auto for the DEM's native pixel size ~{src_res:g} m)"
    assert t.assumed == (auto,)
    coarse = heap_terrain(heap, dataclasses.replace(cfg, footprint_min_rise_m=6.0), dem)
    assert_allclose(coarse.footprint_area_ha, true_ha * (1 - 6.0 / 60.0) ** 2, rtol=0.03)
    assert coarse.assumed == ("footprint_min_rise_m=6 (configured)",)


def test_tiles_as_folder_vrt_and_xyz_equal_one_geotiff(tmp_path):
    """The synthetic heap cut into four 500 m tiles gives the same result as one GeoTIFF, whether
    the tiles come as a folder of GeoTIFFs, a VRT mosaic (hand-written GDAL XML) or a folder of
    DGM1 XYZ tiles with zone-prefixed eastings (32xxxxxx, as some survey offices write them)."""
    res = 2.0
    z, (cx, cy), _ = _synthetic_dem(res)
    z = np.round(z, 3)
    n = z.shape[0]
    whole = tmp_path / "whole.tif"
    with rasterio.open(
        whole,
        "w",
        driver="GTiff",
        width=n,
        height=n,
        count=1,
        dtype="float64",
        crs="EPSG:25832",
        transform=from_origin(TILE_E, TILE_N + n * res, res, res),
    ) as dst:
        dst.write(z, 1)
    (tmp_path / "tif").mkdir()
    (tmp_path / "xyz").mkdir()
    h = n // 2
    sources = []
    for i in range(2):
        for j in range(2):
            part = z[i * h : (i + 1) * h, j * h : (j + 1) * h]
            left, top = TILE_E + j * h * res, TILE_N + n * res - i * h * res
            name = f"tile_{i}{j}"
            with rasterio.open(
                tmp_path / "tif" / f"{name}.tif",
                "w",
                driver="GTiff",
                width=h,
                height=h,
                count=1,
                dtype="float64",
                crs="EPSG:25832",
                transform=from_origin(left, top, res, res),
            ) as dst:
                dst.write(part, 1)
            sources.append(
                f'<ComplexSource><SourceFilename relativeToVRT="1">tif/{name}.tif</SourceFilename>'
                f'<SourceBand>1</SourceBand><SrcRect xOff="0" yOff="0" xSize="{h}" ySize="{h}"/>'
                f'<DstRect xOff="{j * h}" yOff="{i * h}" xSize="{h}" ySize="{h}"/></ComplexSource>'
            )
            c = (np.arange(h) + 0.5) * res
            X, Y = np.meshgrid(left + c, top - c)
            np.savetxt(
                tmp_path / "xyz" / f"{name}.xyz",
                np.column_stack([X.ravel() + 32_000_000, Y.ravel(), part.ravel()]),
                fmt="%.2f %.2f %.3f",
            )
    wkt = rasterio.crs.CRS.from_epsg(25832).to_wkt().replace('"', "&quot;")
    (tmp_path / "mosaic.vrt").write_text(
        f'<VRTDataset rasterXSize="{n}" rasterYSize="{n}"><SRS>{wkt}</SRS>'
        f"<GeoTransform>{TILE_E}, {res}, 0, {TILE_N + n * res}, 0, {-res}</GeoTransform>"
        f'<VRTRasterBand dataType="Float64" band="1">{"".join(sources)}</VRTRasterBand>'
        "</VRTDataset>"
    )
    lon, lat = TO_WGS.transform(cx + 30.0, cy - 20.0)
    heap = StubHeap("synthetic", lat, lon)
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    ref = heap_terrain(heap, cfg, open_dem(whole)).to_row()
    for dem in (tmp_path / "tif", tmp_path / "mosaic.vrt", tmp_path / "xyz"):
        t = heap_terrain(heap, cfg, open_dem(dem))
        row = t.to_row()
        assert t.terrain_source.startswith("dem:tile_00") or t.terrain_source == "dem:mosaic.vrt"
        for k in HEAP_COLUMNS:
            if isinstance(ref[k], float) and k not in ("summit_lat", "summit_lon"):
                # Float64 tiles: the same values through the same warp; 1e-9 for float round-off.
                assert_allclose(row[k], ref[k], rtol=1e-9, atol=1e-9, err_msg=f"{dem.name} {k}")
        assert_allclose(
            [row["summit_lat"], row["summit_lon"]],
            [ref["summit_lat"], ref["summit_lon"]],
            atol=1e-9,
        )
    assert_allclose(ref["relative_height_m"], 130.0 * math.tan(math.radians(22.0)), atol=0.5)


def test_xyz_tile_cache_is_bounded(tmp_path):
    """Parsed XYZ tiles are kept in a bounded LRU, not for the whole run (DGM1: 8 MB a tile)."""
    from haldenenergie.dem import DemSource

    for k in range(3):
        c = np.arange(3) + 0.5 + k * 10
        X, Y = np.meshgrid(TILE_E + c, TILE_N + c)
        np.savetxt(tmp_path / f"t{k}.xyz", np.column_stack([X.ravel(), Y.ravel(), X.ravel() * 0]))
    dem = open_dem(tmp_path)
    dem.XYZ_CACHE_TILES = 2
    z, _, used = dem.read_window((TILE_E + 15, TILE_N + 15), 30.0, 1.0, "t")
    assert sorted(used) == ["t0.xyz", "t1.xyz", "t2.xyz"] and np.nanmax(z) == 0.0
    assert len(dem._xyz_cache) == 2 and DemSource.XYZ_CACHE_TILES == 64


def test_cli_resolution_option(dem_path):
    import io

    import pandas as pd

    args = ["terrain", "--heaps", str(REGISTRY), "--dem", str(dem_path), "--heap", "haniel"]
    r20 = CliRunner().invoke(main, [*args, "--resolution", "20"])
    assert r20.exit_code == 0, r20.output
    row = pd.read_csv(io.StringIO(r20.stdout)).iloc[0]
    assert row.resolution_m == 20.0
    assert 80 <= row.relative_height_m <= 130 and 50 <= row.footprint_area_ha <= 250
    # Areas are whole 20 m cells (0.04 ha).
    assert_allclose(row.footprint_area_ha / 0.04, round(row.footprint_area_ha / 0.04), atol=1e-6)
    r = CliRunner().invoke(main, [*args, "--resolution", "0.1"])
    assert r.exit_code == 2 and "--resolution" in r.output


# --------------------------------------------------------------------------------------------------
# Real data: the shared SRTM-derived raster (EPSG:4326)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def srtm_rows(dem_path):
    """CLI run over the three heaps of PROVENANCE.md; one heap row each."""
    import io

    import pandas as pd

    r = CliRunner().invoke(
        main,
        [
            "terrain",
            "--heaps",
            str(REGISTRY),
            "--dem",
            str(dem_path),
            "--heap",
            "haniel",
            "--heap",
            "rheinpreussen",
            "--heap",
            "norddeutschland",
            "--strict",
        ],
    )
    assert r.exit_code == 0, r.output
    return pd.read_csv(io.StringIO(r.stdout)).set_index("heap_id")


def test_srtm_haniel(srtm_rows):
    h = srtm_rows.loc["haniel"]
    assert h.terrain_source == "dem:ruhr_west_srtm3_3as.tif"
    # Acceptance (issue 2): relative height 80-130 m, footprint 50-250 ha.
    assert 80 <= h.relative_height_m <= 130
    assert 50 <= h.footprint_area_ha <= 250
    # PROVENANCE.md: summit ~156 m over ~45-60 m surroundings (base here from the ring, +-10 m).
    assert_allclose(h.summit_elevation_m, 156.0, atol=2.0)
    assert 55 <= h.base_elevation_m <= 75
    assert_allclose([h.summit_lat, h.summit_lon], [51.550, 6.876], atol=0.005)
    # SRTM-3 pixels (~58 m E-W here): the coarse-DEM rise of 6 m, recorded as assumed.
    assert h.assumed.startswith("footprint_min_rise_m=6 (auto for the DEM's native pixel size")


@pytest.mark.parametrize(
    "hid, summit, lat, lon",
    [
        ("rheinpreussen", 94.0, 51.478, 6.649),  # PROVENANCE.md: ~95 m over ~25 m
        ("norddeutschland", 93.0, 51.470, 6.566),  # PROVENANCE.md: ~93 m
    ],
)
def test_srtm_rheinpreussen_norddeutschland(srtm_rows, hid, summit, lat, lon):
    h = srtm_rows.loc[hid]
    assert h.terrain_source.startswith("dem:")
    assert_allclose(h.summit_elevation_m, summit, atol=2.0)
    assert_allclose(h.base_elevation_m, 28.0, atol=5.0)
    assert 55 <= h.relative_height_m <= 80  # registry: 74 m; the smoothed raster flattens it
    assert 30 <= h.footprint_area_ha <= 150  # registry: 52 / 81 ha
    assert_allclose([h.summit_lat, h.summit_lon], [lat, lon], atol=0.005)
    assert 0 < h.pv_usable_area_ha < h.footprint_area_ha


# --------------------------------------------------------------------------------------------------
# Bad DEMs
# --------------------------------------------------------------------------------------------------


def _write_tif(path, z, crs="EPSG:25832", left=372000.0, top=5716000.0, res=10.0, nodata=-9999.0):
    profile = {
        "driver": "GTiff",
        "width": z.shape[1],
        "height": z.shape[0],
        "count": 1,
        "dtype": "float32",
        "transform": from_origin(left, top, res, res),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z.astype("float32"), 1)
    return path


HANIEL = StubHeap("haniel", 51.5504, 6.87577, area_ha=110.0, height_rel_m=159.0, form="cone")


@pytest.fixture()
def bad_dems(tmp_path):
    x, y = TO_UTM.transform(HANIEL.lon, HANIEL.lat)
    z = np.full((200, 200), 50.0)
    return {
        "elsewhere": _write_tif(tmp_path / "elsewhere.tif", z, left=300000.0, top=5600000.0),
        "nodata": _write_tif(
            tmp_path / "nodata.tif", np.full((400, 400), -9999.0), left=x - 2000, top=y + 2000
        ),
        "nocrs": _write_tif(tmp_path / "nocrs.tif", z, crs=None, left=x - 1000, top=y + 1000),
    }


@pytest.mark.parametrize(
    "kind, pattern",
    [
        ("elsewhere", r"elsewhere\.tif: DEM does not cover heap haniel"),
        ("nodata", r"nodata\.tif: DEM holds only nodata around heap haniel"),
        ("nocrs", r"nocrs\.tif: DEM has no CRS \(needed for heap haniel\)"),
    ],
)
def test_bad_dem_errors(bad_dems, kind, pattern):
    dem = open_dem(bad_dems[kind])
    with pytest.raises(TerrainError, match=pattern) as info:
        heap_terrain(HANIEL, TerrainConfig(), dem)
    assert "\n" not in str(info.value)
    # A DEM that serves none of the heaps is an error in multi-heap runs too, not a silent
    # all-parametric run (the file-level 'no CRS' is raised as it is).
    other = StubHeap("north", 51.65, 6.9, area_ha=20.0, height_rel_m=30.0, form="table")
    with pytest.raises(TerrainError) as info:
        terrain_for_heaps([HANIEL, other], TerrainConfig(), dem=dem, fallback=True)
    msg = str(info.value)
    assert "\n" not in msg and bad_dems[kind].name in msg.split(": ")[0]
    if kind == "nocrs":
        assert isinstance(info.value, DemFileError) and "has no CRS" in msg
    else:
        reason = "does not cover the heap" if kind == "elsewhere" else "only nodata"
        assert re.search(
            r"DEM serves none of the 2 heap\(s\) \(most common reason: [^)]*" + reason, msg
        ), msg
        assert "check the DEM's CRS and coverage" in msg and "leave --dem out" in msg


@pytest.fixture()
def synthetic_tif(tmp_path):
    """The synthetic table heap of _synthetic_dem as a GeoTIFF; returns (path, heap)."""
    z, (cx, cy), _ = _synthetic_dem(2.0)
    tif = _write_tif(tmp_path / "heap.tif", z, left=TILE_E, top=TILE_N + 1000.0, res=2.0)
    lon, lat = TO_WGS.transform(cx + 30.0, cy - 20.0)
    return tif, StubHeap("synthetic", lat, lon)


def test_dem_fallback_for_heaps_it_misses(synthetic_tif):
    """A DEM serving some heaps: the others fall back to parametric with the reason."""
    tif, heap = synthetic_tif
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    out = terrain_for_heaps([heap, HANIEL], cfg, dem=open_dem(tif), fallback=True)
    assert out["synthetic"].terrain_source == "dem:heap.tif"
    t = out["haniel"]
    assert t.terrain_source == "parametric"
    assert any("DEM not used" in w and "does not cover heap haniel" in w for w in t.warnings)
    with pytest.raises(TerrainError, match="does not cover heap haniel"):
        terrain_for_heaps([heap, HANIEL], cfg, dem=open_dem(tif), fallback=False)


def test_dem_without_crs_is_always_an_error(tmp_path, synthetic_tif):
    """A file without CRS in a folder with a good DEM stops the multi-heap run (it would be
    silently ignored otherwise)."""
    tif, heap = synthetic_tif
    folder = tmp_path / "tiles"
    folder.mkdir()
    tif.rename(folder / "a_heap.tif")
    _write_tif(
        folder / "b_nocrs.tif", np.full((50, 50), 40.0), crs=None, left=TILE_E, top=TILE_N + 500.0
    )
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    with pytest.raises(DemFileError, match=r"b_nocrs\.tif: DEM has no CRS"):
        terrain_for_heaps([heap, HANIEL], cfg, dem=open_dem(folder), fallback=True)


def test_cli_dem_serving_no_heap_exit_1(bad_dems):
    r = CliRunner().invoke(
        main, ["terrain", "--heaps", str(REGISTRY), "--dem", str(bad_dems["elsewhere"])]
    )
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith("error: elsewhere.tif: DEM serves none of the ")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize("kind", ["elsewhere", "nodata", "nocrs"])
def test_bad_dem_cli_exit_1(bad_dems, kind):
    r = CliRunner().invoke(
        main,
        ["terrain", "--heaps", str(REGISTRY), "--heap", "haniel", "--dem", str(bad_dems[kind])],
    )
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ") and bad_dems[kind].name in r.stderr
    assert "haniel" in r.stderr and "Traceback" not in r.output + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_untransformable_crs(tmp_path, capfd):
    wkt = 'LOCAL_CS["arbitrary local grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    f = _write_tif(tmp_path / "local.tif", np.full((50, 50), 10.0), crs=wkt, left=0, top=500)
    with rasterio.open(f) as src:
        assert src.crs is not None  # a CRS is there, it just cannot be transformed
    with pytest.raises(
        TerrainError,
        match=r"local\.tif: cannot transform its CRS \(arbitrary "
        r"local grid\) to EPSG:25832 for heap haniel",
    ) as info:
        heap_terrain(HANIEL, TerrainConfig(), open_dem(f))
    assert "\n" not in str(info.value) and len(str(info.value)) < 400
    # GDAL/PROJ must not dump its multi-line PROJJSON on stderr either.
    captured = capfd.readouterr()
    assert "projjson" not in (captured.err + captured.out).lower()
    r = CliRunner().invoke(
        main, ["terrain", "--heaps", str(REGISTRY), "--heap", "haniel", "--dem", str(f)]
    )
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1


def test_unreadable_dem_files_one_line_errors(tmp_path, dem_path):
    corrupt = tmp_path / "corrupt.tif"
    corrupt.write_bytes(dem_path.read_bytes()[:5000])  # truncated GeoTIFF
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    text = tmp_path / "notes.tif"
    text.write_text("not a raster\n")
    (tmp_path / "nothing").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text("no DEM here")
    cases = {
        corrupt: "cannot open as raster DEM",
        empty: "cannot open as raster DEM",
        text: "cannot open as raster DEM",
        tmp_path / "nothing": "folder holds no DEM files",
        tmp_path / "docs": "folder holds no DEM files",
        tmp_path / "missing.tif": "DEM path not found",
    }
    for path, msg in cases.items():
        with pytest.raises(TerrainError, match=msg):
            open_dem(path)
        r = CliRunner().invoke(
            main, ["terrain", "--heaps", str(REGISTRY), "--heap", "haniel", "--dem", str(path)]
        )
        assert r.exit_code == 1, (path, r.output)
        assert r.stderr.startswith(f"error: {path}") and msg in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "content, msg",
    [
        ("", "fewer than 4 points"),
        ("x y z\n1 2 3\n", "cannot read as XYZ tile"),
        ("372000.5;5714000.5;40\n", "cannot read as XYZ tile"),
        (
            (
                "372000.5 5714000.5 40\n372003.7 5714000.5 40\n372000.5 5714001.5 40\n"
                "372001.5 5714003.5 40\n372001.5 5714001.5 40\n"
            ),
            "not on a regular grid",
        ),
        (
            (
                "372000.5 5714000.5 40\n372001.5 5714000.5 40\n372000.5 5714001.5 40\n"
                "472001.5 5814001.5 40\n"
            ),
            "split the file into tiles",
        ),
    ],
)
def test_bad_xyz_tiles(tmp_path, content, msg):
    f = tmp_path / "dgm1_32_372_5714_1_nw.xyz"
    f.write_text(content)
    heap = StubHeap("t", *TO_WGS.transform(372000.5, 5714000.5)[::-1])
    with pytest.raises(TerrainError, match=msg) as info:
        heap_terrain(heap, TerrainConfig(), open_dem(f))
    assert str(info.value).startswith(str(f)) and "\n" not in str(info.value)


def test_missing_dem_path_and_unknown_type(tmp_path):
    with pytest.raises(TerrainError, match="DEM path not found"):
        open_dem(tmp_path / "nope.tif")
    (tmp_path / "x.csv").write_text("1,2,3\n")
    with pytest.raises(TerrainError, match="unknown DEM file type"):
        open_dem(tmp_path / "x.csv")
    with pytest.raises(TerrainError, match="folder holds no DEM files"):
        open_dem(tmp_path / "empty") if (tmp_path / "empty").mkdir() is None else None


def test_footprint_polygon_limits_dem_delineation(dem_path):
    """A registry footprint polygon bounds the heap (here a 300 m circle around Haniel's summit)."""
    x, y = TO_UTM.transform(6.876, 51.5505)
    ring = Point(x, y).buffer(300.0)
    lon, lat = TO_WGS.transform(*np.asarray(ring.exterior.coords).T)
    from shapely.geometry import Polygon

    heap = StubHeap("haniel-core", footprint=Polygon(zip(lon, lat, strict=True)))
    t = heap_terrain(heap, TerrainConfig(), open_dem(dem_path))
    assert t.footprint_area_ha <= math.pi * 300**2 / 1e4 * 1.03
    assert_allclose(t.summit_elevation_m, 156.0, atol=2.0)


def test_heap_without_position_in_dem_mode(dem_path):
    with pytest.raises(TerrainError, match="heap nowhere: no coordinates"):
        heap_terrain(StubHeap("nowhere", area_ha=10.0), TerrainConfig(), open_dem(dem_path))


# --------------------------------------------------------------------------------------------------
# Registry, CLI, config
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry_heaps():
    if not REGISTRY.exists():
        pytest.skip("heaps.geojson not yet present")
    from haldenenergie.heaps import read_registry

    return read_registry(REGISTRY)


def test_every_registry_heap_gets_parametric_row(registry_heaps):
    t0 = time.perf_counter()
    terrains = terrain_for_heaps(registry_heaps, TerrainConfig())
    elapsed = time.perf_counter() - t0
    assert elapsed < 5.0  # ~0.45 s on the development machine; generous for shared CI cores
    df = terrain_table(terrains)
    assert list(df.heap_id) == [h.id for h in registry_heaps]
    assert (df.terrain_source == "parametric").all()
    assert (df.footprint_area_ha > 0).all() and (df.relative_height_m > 0).all()
    assert (df.pv_usable_area_ha <= df.footprint_area_ha + 1e-9).all()
    assert df[["half_height_distance_m", "summit_elevation_m"]].notna().all().all()
    for h in registry_heaps:
        t = terrains[h.id]
        assert_allclose(t.surfaces.usable_area_ha.sum(), t.pv_usable_area_ha, atol=1e-9)
        # What was missing is listed as assumed, and nothing else.
        assert (h.area_ha is None) == any(a.startswith("area_ha=") for a in t.assumed), h.id
        assert (h.height_rel_m is None) == any(a.startswith("height_rel_m=") for a in t.assumed)
        assert (h.form == "unknown") == any(a.startswith("form=") for a in t.assumed)
        # ... and every parametric heap lists the shape it was given.
        assert sum(a.startswith("shape=") for a in t.assumed) == 1, h.id
        if h.area_ha is not None:
            assert_allclose(t.footprint_area_ha, h.area_ha, rtol=0.03)
        if h.height_rel_m is not None:
            assert_allclose(t.relative_height_m, h.height_rel_m, rtol=0.02)


def test_cli_parametric_csv_and_out(tmp_path, registry_heaps):
    import io

    import pandas as pd

    r = CliRunner().invoke(main, ["terrain", "--heaps", str(REGISTRY)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.stdout))
    assert len(df) == len(registry_heaps)
    assert list(df.columns) == list(HEAP_COLUMNS)
    out = tmp_path / "t.csv"
    args = [
        "terrain",
        "--heaps",
        str(REGISTRY),
        "--heap",
        "beckstrasse",
        "--surfaces",
        "--out",
        str(out),
    ]
    assert CliRunner().invoke(main, args).exit_code == 0
    s = pd.read_csv(out)
    assert set(s.heap_id) == {"beckstrasse"} and "flank_S_15-25" in set(s.surface_class)
    assert all(len(h.split()) == 36 for h in s.horizon_deg)
    r = CliRunner().invoke(main, args)  # exists: refused without --overwrite
    assert r.exit_code == 1 and "--overwrite" in r.stderr
    assert CliRunner().invoke(main, [*args, "--overwrite"]).exit_code == 0
    r = CliRunner().invoke(main, ["terrain", "--heaps", str(REGISTRY), "--heap", "nope"])
    assert r.exit_code == 1 and "nope" in r.stderr


def test_config_section(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[terrain]\nresolution_m = 5\nmin_patch_area_m2 = 2000\n")
    cfg = load_config(f).terrain
    assert cfg.resolution_m == 5.0 and cfg.min_patch_area_m2 == 2000.0
    f.write_text("[terrain]\nform_flank_slope_deg = { cone = [40, 30] }\n")
    with pytest.raises(ConfigError, match="form_flank_slope_deg"):
        load_config(f)
    f.write_text('[terrain]\ndefault_form = "pyramid"\n')
    with pytest.raises(ConfigError, match="default_form"):
        load_config(f)


def test_fact_mismatch_warnings_flag_dem_figures_far_from_the_registry():
    """DEM figures beyond a factor of 2 from the registry's are flagged; within it, and where the
    registry has no value, nothing is said (analytic thresholds at exactly 1/2 and 2)."""
    from types import SimpleNamespace

    from haldenenergie.terrain import fact_mismatch_warnings

    h = SimpleNamespace(height_rel_m=80.0, area_ha=60.0)
    assert fact_mismatch_warnings(h, 80.0, 60.0, 2.0) == []
    assert fact_mismatch_warnings(h, 40.0, 120.0, 2.0) == []  # exactly at the factor
    w = fact_mismatch_warnings(h, 16.0, 14.0, 2.0)  # Mottbruch-like
    assert len(w) == 2
    assert w[0].startswith("DEM relative height 16 m vs registry 80 m")
    assert w[1].startswith("DEM footprint 14 ha vs registry 60 ha")
    assert len(fact_mismatch_warnings(h, 170.0, 60.0, 2.0)) == 1  # too high is flagged too
    assert fact_mismatch_warnings(SimpleNamespace(height_rel_m=None, area_ha=None), 16, 14, 2) == []
