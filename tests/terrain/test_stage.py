"""The stage: real SRTM heaps, DEM fallback, fact-mismatch warnings."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import TerrainError
from haldenenergie.terrain import (
    DemFileError,
    TerrainConfig,
    open_dem,
    terrain_for_heaps,
)

TILE_E, TILE_N = 372000.0, 5714000.0  # lower-left corner of NRW tile dgm1_32_372_5714_1_nw


@pytest.fixture(scope="module")
def srtm_rows(dem_path, registry, invoke):
    """CLI run over the three heaps the SRTM test raster shows clearly; one heap row each."""
    import io

    import pandas as pd

    r = invoke(
        "terrain",
        "--heaps",
        str(registry),
        "--dem",
        str(dem_path),
        "--heap",
        "haniel",
        "--heap",
        "rheinpreussen",
        "--heap",
        "norddeutschland",
        "--strict",
    )
    assert r.exit_code == 0, r.output
    return pd.read_csv(io.StringIO(r.stdout)).set_index("heap_id")


def test_srtm_haniel(srtm_rows):
    h = srtm_rows.loc["haniel"]
    assert h.terrain_source == "dem:ruhr_west_srtm3_3as.tif"
    # Acceptance (issue 2): relative height 80-130 m, footprint 50-250 ha.
    assert 80 <= h.relative_height_m <= 130
    assert 50 <= h.footprint_area_ha <= 250
    # In the raster: summit ~156 m over ~45-60 m surroundings (base here from the ring, +-10 m).
    assert_allclose(h.summit_elevation_m, 156.0, atol=2.0)
    assert 55 <= h.base_elevation_m <= 75
    assert_allclose([h.summit_lat, h.summit_lon], [51.550, 6.876], atol=0.005)
    # SRTM-3 pixels (~58 m E-W here): the coarse-DEM rise of 6 m, recorded as assumed.
    assert h.assumed.startswith("footprint_min_rise_m=6 (auto for the DEM's native pixel size")


@pytest.mark.parametrize(
    "hid, summit, lat, lon",
    [
        ("rheinpreussen", 94.0, 51.478, 6.649),  # in the raster: ~95 m over ~25 m
        ("norddeutschland", 93.0, 51.470, 6.566),  # in the raster: ~93 m
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


def test_dem_fallback_for_heaps_it_misses(synthetic_tif, haniel):
    """A DEM serving some heaps: the others fall back to parametric with the reason."""
    tif, heap = synthetic_tif
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    out = terrain_for_heaps([heap, haniel], cfg, dem=open_dem(tif), fallback=True)
    assert out["synthetic"].terrain_source == "dem:heap.tif"
    t = out["haniel"]
    assert t.terrain_source == "parametric"
    assert any("DEM not used" in w and "does not cover heap haniel" in w for w in t.warnings)
    with pytest.raises(TerrainError, match="does not cover heap haniel"):
        terrain_for_heaps([heap, haniel], cfg, dem=open_dem(tif), fallback=False)


def test_dem_without_crs_is_always_an_error(tmp_path, synthetic_tif, haniel, make_tif):
    """A file without CRS in a folder with a good DEM stops the multi-heap run (it would be
    silently ignored otherwise)."""
    tif, heap = synthetic_tif
    folder = tmp_path / "tiles"
    folder.mkdir()
    tif.rename(folder / "a_heap.tif")
    make_tif(
        folder / "b_nocrs.tif", np.full((50, 50), 40.0), crs=None, left=TILE_E, top=TILE_N + 500.0
    )
    cfg = TerrainConfig(window_half_size_m=480.0, base_search_radius_m=450.0)
    with pytest.raises(DemFileError, match=r"b_nocrs\.tif: DEM has no CRS"):
        terrain_for_heaps([heap, haniel], cfg, dem=open_dem(folder), fallback=True)


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
