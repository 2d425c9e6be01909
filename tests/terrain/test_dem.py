"""Reading DEMs: GeoTIFF, VRT, DGM1 XYZ tiles, folders; one-line errors for bad files."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
import rasterio
from numpy.testing import assert_allclose
from rasterio.transform import from_origin

from haldenenergie.errors import TerrainError
from haldenenergie.terrain import (
    HEAP_COLUMNS,
    DemFileError,
    TerrainConfig,
    heap_terrain,
    open_dem,
    terrain_for_heaps,
)

TILE_E, TILE_N = 372000.0, 5714000.0  # lower-left corner of NRW tile dgm1_32_372_5714_1_nw


def test_xyz_and_geotiff_identical(tmp_path, stub_heap, to_wgs, make_synthetic_dem):
    res = 2.0
    z, (cx, cy), H = make_synthetic_dem(res)
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
    lon, lat = to_wgs.transform(cx + 30.0, cy - 20.0)
    heap = stub_heap("synthetic", lat, lon)
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
    assert pd.Series(d.to_row()).equals(pd.Series(ra))  # NaN (layers not given) == NaN
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


def test_tiles_as_folder_vrt_and_xyz_equal_one_geotiff(
    tmp_path, stub_heap, to_wgs, make_synthetic_dem
):
    """The synthetic heap cut into four 500 m tiles gives the same result as one GeoTIFF, whether
    the tiles come as a folder of GeoTIFFs, a VRT mosaic (hand-written GDAL XML) or a folder of
    DGM1 XYZ tiles with zone-prefixed eastings (32xxxxxx, as some survey offices write them)."""
    res = 2.0
    z, (cx, cy), _ = make_synthetic_dem(res)
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
    lon, lat = to_wgs.transform(cx + 30.0, cy - 20.0)
    heap = stub_heap("synthetic", lat, lon)
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
    from haldenenergie.terrain import DemSource

    for k in range(3):
        c = np.arange(3) + 0.5 + k * 10
        X, Y = np.meshgrid(TILE_E + c, TILE_N + c)
        np.savetxt(tmp_path / f"t{k}.xyz", np.column_stack([X.ravel(), Y.ravel(), X.ravel() * 0]))
    dem = open_dem(tmp_path)
    dem.XYZ_CACHE_TILES = 2
    z, _, used = dem.read_window((TILE_E + 15, TILE_N + 15), 30.0, 1.0, "t")
    assert sorted(used) == ["t0.xyz", "t1.xyz", "t2.xyz"] and np.nanmax(z) == 0.0
    assert len(dem._xyz_cache) == 2 and DemSource.XYZ_CACHE_TILES == 64


@pytest.mark.parametrize(
    "kind, pattern",
    [
        ("elsewhere", r"elsewhere\.tif: DEM does not cover heap haniel"),
        ("nodata", r"nodata\.tif: DEM holds only nodata around heap haniel"),
        ("nocrs", r"nocrs\.tif: DEM has no CRS \(needed for heap haniel\)"),
    ],
)
def test_bad_dem_errors(bad_dems, kind, pattern, stub_heap, haniel):
    dem = open_dem(bad_dems[kind])
    with pytest.raises(TerrainError, match=pattern) as info:
        heap_terrain(haniel, TerrainConfig(), dem)
    assert "\n" not in str(info.value)
    # A DEM that serves none of the heaps is an error in multi-heap runs too, not a silent
    # all-parametric run (the file-level 'no CRS' is raised as it is).
    other = stub_heap("north", 51.65, 6.9, area_ha=20.0, height_rel_m=30.0, form="table")
    with pytest.raises(TerrainError) as info:
        terrain_for_heaps([haniel, other], TerrainConfig(), dem=dem, fallback=True)
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


def test_untransformable_crs(tmp_path, capfd, registry, haniel, make_tif, invoke):
    wkt = 'LOCAL_CS["arbitrary local grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    f = make_tif(tmp_path / "local.tif", np.full((50, 50), 10.0), crs=wkt, left=0, top=500)
    with rasterio.open(f) as src:
        assert src.crs is not None  # a CRS is there, it just cannot be transformed
    with pytest.raises(
        TerrainError,
        match=r"local\.tif: cannot transform its CRS \(arbitrary "
        r"local grid\) to EPSG:25832 for heap haniel",
    ) as info:
        heap_terrain(haniel, TerrainConfig(), open_dem(f))
    assert "\n" not in str(info.value) and len(str(info.value)) < 400
    # GDAL/PROJ must not dump its multi-line PROJJSON on stderr either.
    captured = capfd.readouterr()
    assert "projjson" not in (captured.err + captured.out).lower()
    r = invoke("terrain", "--heaps", str(registry), "--heap", "haniel", "--dem", str(f))
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1


def test_unreadable_dem_files_one_line_errors(tmp_path, dem_path, registry, invoke):
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
        r = invoke("terrain", "--heaps", str(registry), "--heap", "haniel", "--dem", str(path))
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
def test_bad_xyz_tiles(tmp_path, content, msg, stub_heap, to_wgs):
    f = tmp_path / "dgm1_32_372_5714_1_nw.xyz"
    f.write_text(content)
    heap = stub_heap("t", *to_wgs.transform(372000.5, 5714000.5)[::-1])
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
