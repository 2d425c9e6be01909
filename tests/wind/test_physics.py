"""Physics: Taylor & Lee speed-up, density-corrected power curve (against windpowerlib)."""

from __future__ import annotations

import math

import numpy as np
from numpy.testing import assert_allclose

from haldenenergie import wind


def test_vectorised_density_correction_equals_windpowerlib():
    from windpowerlib.power_output import power_curve_density_correction

    spec = wind.load_turbine("E-141/4200", 135.0)
    rng = np.random.default_rng(3)
    v = rng.uniform(0, 30, 5000)
    rho = rng.uniform(1.05, 1.35, 5000)
    ref = power_curve_density_correction(
        v, np.array(spec.curve_wind_speed_m_s), np.array(spec.curve_power_kw), rho
    )
    ours = wind.power_curve_density_corrected(
        v, rho, spec.curve_wind_speed_m_s, spec.curve_power_kw
    )
    assert_allclose(ours, ref, rtol=1e-10, atol=1e-9)  # same model, different loop: round-off only
    # 2-D input (time x turbines) gives the same values column by column
    ours2 = wind.power_curve_density_corrected(
        v.reshape(-1, 2), rho.reshape(-1, 2), spec.curve_wind_speed_m_s, spec.curve_power_kw
    )
    assert_allclose(ours2.ravel(), ref, rtol=1e-10, atol=1e-9)


def test_hill_speedup_is_taylor_and_lee():
    H, L, z = 80.0, 200.0, 135.0
    assert_allclose(wind.hill_speedup(H, L, z), 1.6 * H / L * math.exp(-4 * z / L), rtol=1e-12)
    assert_allclose(wind.hill_speedup(H, L, 0.0, max_speedup=1.0), 1.6 * H / L, rtol=1e-12)
    assert_allclose(wind.hill_speedup(H, L, 0.0, max_speedup=0.3), 0.3)  # capped
    assert_allclose(
        wind.hill_speedup(H, L, z, b=2.0, a=3.0), 2.0 * H / L * math.exp(-3 * z / L), rtol=1e-12
    )  # 2-D ridge
    assert_allclose(wind.hill_speedup([H, np.nan, H], [np.nan, L, 0.0], z), 0.0)  # unknown -> 0
