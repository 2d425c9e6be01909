"""to_windpowerlib: the one unit conversion for windpowerlib (K, Pa, (variable, height))."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from haldenenergie.weather import to_windpowerlib


def test_to_windpowerlib_from_canonical(default_year):
    data, meta = default_year
    wpl = to_windpowerlib(data, meta, roughness_length_m=0.3)
    assert_allclose(wpl[("temperature", 2.0)], data["temp_air"] + 273.15)
    assert 95000 < wpl[("pressure", 0.0)].mean() < 105000  # Pa, not hPa
    assert_allclose(wpl[("roughness_length", 0.0)], 0.3)
    assert ("roughness_length", 0.0) not in to_windpowerlib(data, meta).columns
    # windpowerlib accepts the frame: logarithmic profile from 10 m to 100 m
    from windpowerlib.wind_speed import logarithmic_profile

    v100 = logarithmic_profile(wpl[("wind_speed", 10.0)], 10.0, 100.0, 0.3)
    assert_allclose(v100 / wpl[("wind_speed", 10.0)], np.log(100 / 0.3) / np.log(10 / 0.3))
