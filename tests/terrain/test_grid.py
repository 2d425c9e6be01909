"""Pure grid functions: Horn slope/aspect, sectors, horizon, half-height distance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from haldenenergie.terrain import (
    TerrainConfig,
    analyse_grid,
    aspect_sector_index,
    half_height_distance,
    horizon_angles,
    horizon_profile,
    open_dem,
    slope_aspect_horn,
)


@pytest.mark.parametrize("res", [1.0, 10.0])
def test_horn_tilted_plane(res, make_plane):
    z = make_plane(40, res, 20.0, 135.0)
    s, a = slope_aspect_horn(z, res, res)
    # A plane is reproduced exactly by Horn's stencil; tolerance is float round-off plus margin.
    assert_allclose(s[1:-1, 1:-1], 20.0, atol=0.1)
    assert_allclose(a[1:-1, 1:-1], 135.0, atol=0.5)
    assert np.isnan(s[0]).all() and np.isnan(a[:, -1]).all()  # border undefined


@pytest.mark.parametrize("aspect", [0.0, 90.0, 180.0, 270.0, 315.0])
def test_horn_aspect_convention(aspect, make_plane):
    """Aspect is the downhill direction, clockwise from north."""
    z = make_plane(7, 5.0, 10.0, aspect)
    _, a = slope_aspect_horn(z, 5.0)
    d = (a[3, 3] - aspect + 180) % 360 - 180
    assert abs(d) < 1e-6


def test_flat_cells_have_no_aspect(make_plane):
    z = make_plane(10, 10.0, 0.5, 200.0)
    s, a = slope_aspect_horn(z, 10.0, flat_slope_deg=1.0)
    assert_allclose(s[1:-1, 1:-1], 0.5, atol=1e-6)
    assert np.isnan(a).all()
    assert (aspect_sector_index(a) == -1).all()


def test_cone_equal_sectors_and_slope(make_cone):
    """A symmetric cone: equal area in every aspect sector (+-2 %), flank slope atan(H/R)
    +-0.5 deg."""
    res, R, slope = 2.0, 300.0, 30.0
    z, r = make_cone(361, res, R, slope)
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


def test_horizon_and_half_height_analytic(make_cone):
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
    z, _ = make_cone(201, 2.0, 150.0, 20.0)
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


def test_fast_horizon_matches_reference_on_cone(make_cone):
    """The vectorised horizon equals the plain ray-march (+-0.1 deg required; it is exact up to
    float round-off), also for observers whose rays leave the grid, and a cone's horizon is
    mirror-symmetric (E = W, N = S) and its flank sees the apex."""
    res = 5.0
    z, _ = make_cone(121, res, 250.0, 25.0)
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


def test_fast_horizon_matches_reference_on_haniel(dem_path, to_utm):
    """Real terrain (Halde Haniel in the SRTM raster, 10 m grid): fast = plain ray-march."""
    x, y = to_utm.transform(6.876, 51.5505)
    z, _, _ = open_dem(dem_path).read_window((x, y), 1500.0, 10.0, "haniel")
    rng = np.random.default_rng(7)
    c = z.shape[0] // 2
    rows, cols = rng.integers(c - 60, c + 60, 24), rng.integers(c - 60, c + 60, 24)
    fast = horizon_angles(z, 10.0, rows, cols)
    ref = _reference_horizon(z, 10.0, rows, cols)
    assert_allclose(fast, ref, atol=1e-9)
    assert fast.max() > 10.0  # the heap's flanks do shade its foot
