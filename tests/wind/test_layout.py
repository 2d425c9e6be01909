"""Siting: lattice counts on rectangles, rotation, small sites and site areas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from haldenenergie import wind
from haldenenergie.wind import WindConfig


@pytest.mark.parametrize(
    "length, width, expected",
    [
        (1000.0, 600.0, 9),  # (1000/500 + 1) rows x (600/300 + 1) per row
        (900.0, 250.0, 2),  # 2 rows x 1
        (400.0, 250.0, 1),
        (1500.0, 900.0, 16),
    ],
)
def test_siting_counts_on_rectangles(length, width, expected):
    # long side along the main wind direction (225 deg); 5 D = 500 m, 3 D = 300 m with D = 100 m
    pos = wind.site_layout(
        length,
        width,
        500.0,
        300.0,
        shape="rectangle",
        site_orientation_deg=225.0,
        main_wind_direction_deg=225.0,
    )
    assert len(pos) == expected
    # spacing respected: along the wind >= 500 m or across >= 300 m between every pair
    phi = math.radians(225.0)
    ua, uc = np.array([math.sin(phi), math.cos(phi)]), np.array([math.cos(phi), -math.sin(phi)])
    for i in range(len(pos)):
        for j in range(i + 1, len(pos)):
            d = pos[j] - pos[i]
            assert abs(d @ ua) >= 500 - 1e-6 or abs(d @ uc) >= 300 - 1e-6


def test_siting_rotation_and_small_sites(standin):
    a = wind.site_layout(
        1000.0,
        600.0,
        500.0,
        300.0,
        shape="rectangle",
        site_orientation_deg=0.0,
        main_wind_direction_deg=0.0,
    )
    b = wind.site_layout(
        1000.0,
        600.0,
        500.0,
        300.0,
        shape="rectangle",
        site_orientation_deg=90.0,
        main_wind_direction_deg=90.0,
    )
    assert len(a) == len(b) == 9
    # site across the wind: rows of 4 (1000/300 + 1), 2 rows (600/500 + 1)
    c = wind.site_layout(
        1000.0,
        600.0,
        500.0,
        300.0,
        shape="rectangle",
        site_orientation_deg=135.0,
        main_wind_direction_deg=225.0,
    )
    assert len(c) == 8
    assert len(wind.site_layout(200.0, 200.0, 500.0, 300.0)) == 1  # small summit: one turbine
    cfg = WindConfig()
    pos, notes = wind.new_turbine_layout(standin.terrain(site_ha=0.05), 141.0, cfg)
    assert len(pos) == 0 and "foundation" in notes[0]
    pos, notes = wind.new_turbine_layout(standin.terrain(site_ha=0.0), 141.0, cfg)
    assert len(pos) == 0
    counts = [
        len(wind.new_turbine_layout(standin.terrain(site_ha=a), 141.0, cfg)[0])
        for a in (0.5, 5, 20, 60, 150)
    ]
    assert counts == sorted(counts) and counts[0] == 1 and 1 <= counts[-1] <= 8


def test_place_in_site_centre_and_moved_inside():
    """Positions go to the site's centroid; one outside an L-shaped site is moved into it."""
    import shapely

    from haldenenergie.wind.layout import place_in_site

    sq = shapely.box(1000.0, 2000.0, 1400.0, 2400.0)  # centroid (1200, 2200)
    xy = place_in_site(np.array([[0.0, 0.0], [100.0, -50.0]]), sq)
    np.testing.assert_allclose(xy, [[1200.0, 2200.0], [1300.0, 2150.0]])
    ell = shapely.union_all([shapely.box(0, 0, 400, 100), shapely.box(0, 0, 100, 400)])
    rel = np.array([[150.0, 150.0], [-200.0, -200.0]])  # both off the L (centroid ~ (117, 117))
    out = place_in_site(rel, ell)
    assert len(out) == 2  # the count never changes
    assert all(ell.covers(shapely.Point(p)) for p in out)
    # moved to the nearest point of the site shrunk by 1 m
    inner = ell.buffer(-1.0)
    for p, r in zip(out, rel + np.array([ell.centroid.x, ell.centroid.y]), strict=True):
        assert inner.exterior.distance(shapely.Point(p)) < 1e-6
        assert shapely.Point(p).distance(shapely.Point(r)) == pytest.approx(
            inner.distance(shapely.Point(r)), abs=1e-6
        )
    # a given centre (existing turbines at the registry point), no site: as they are
    np.testing.assert_allclose(place_in_site(rel, None, (5.0, 6.0)), rel + [5.0, 6.0])


def test_layout_config_from_manifest_values():
    from haldenenergie.wind.layout import layout_config

    cfg = layout_config({"spacing_along_rotor_diameters": 7.0, "turbine_type": "ignored"})
    assert cfg.spacing_along_rotor_diameters == 7.0
    assert cfg.site_shape == WindConfig().site_shape
    assert layout_config(None) == WindConfig()
