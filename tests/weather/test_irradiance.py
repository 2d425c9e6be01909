"""Irradiance: DNI from beam on the horizontal (low-sun guard), closure GHI = DHI + DNI cos Z."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from haldenenergie.weather import dni_from_beam_horizontal, solar_position


def test_dni_guard_analytic():
    # Z = 60 deg: DNI = B / 0.5; Z = 89 deg: cos clipped at cos 87; below horizon: 0; cap at E0
    out = dni_from_beam_horizontal(
        [100.0, 10.0, 50.0, 1000.0], [60.0, 89.0, 91.0, 30.0], [1361.0, 1361.0, 1361.0, 1000.0]
    )
    assert_allclose(out, [200.0, 10.0 / np.cos(np.radians(87.0)), 0.0, 1000.0])
    assert np.isnan(dni_from_beam_horizontal([np.nan], [30.0], [1361.0])[0])


def test_dni_consistent_with_ghi_dhi(try2015):
    data, meta = try2015
    sp = solar_position(data.index, meta.latitude, meta.longitude)
    ok = sp["zenith"] < 80
    closure = data["dhi"][ok] + data["dni"][ok] * np.cos(np.radians(sp["zenith"][ok]))
    # GHI = DHI + DNI cos Z wherever the low-sun guard and the cap are inactive (to 1e-6 W m-2)
    assert_allclose(closure, data["ghi"][ok], atol=1e-6)
    assert (data["dni"] >= 0).all() and (data["dni"] <= 1420).all()
