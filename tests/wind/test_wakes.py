"""Wakes: the Jensen top-hat deficit in an analytic case."""

from __future__ import annotations

import math

import numpy as np
from numpy.testing import assert_allclose

from haldenenergie import wind


def test_jensen_single_wake_analytic():
    D, k, ct, x = 100.0, 0.075, 0.8, 500.0
    pos = np.array(
        [[0.0, 0.0], [-x * math.sin(math.radians(225)), -x * math.cos(math.radians(225))]]
    )
    # wind from 225 deg: turbine 1 lies x metres downstream (north-east) of turbine 0
    f = wind.jensen_wake_factors(pos, D, np.array([225.0, 315.0, 45.0]), np.full(3, ct), k)
    expected = 1 - (1 - math.sqrt(1 - ct)) * (50 / (50 + k * x)) ** 2
    assert_allclose(f[0], [1.0, expected], rtol=1e-12)  # aligned: full wake on the second
    assert_allclose(f[1], [1.0, 1.0])  # across the wind: no wake
    assert_allclose(f[2], [expected, 1.0], rtol=1e-12)  # reversed wind
