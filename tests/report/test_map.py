"""Tests of the HTML report (issue 7): the offline map: projection."""

from __future__ import annotations

import math

from numpy.testing import assert_allclose

from haldenenergie.report.map import project_points


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
