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


def _per_segment_reference(v, rho, cw, cp):
    """The per-segment form of the density-corrected curve (the stage before issue 17)."""
    ln_c = np.log(1.225 / rho)
    expo = np.interp(cw, [7.5, 12.5], [1 / 3, 2 / 3])
    out = np.zeros(v.shape)
    s0 = cw[0] * np.exp(expo[0] * ln_c)
    for j in range(len(cw) - 1):
        s1 = cw[j + 1] * np.exp(expo[j + 1] * ln_c)
        inside = (v >= s0) & (v <= s1)
        if cp[j] == cp[j + 1]:
            out[inside] = cp[j]
        else:
            a, b, x = s0[inside], s1[inside], v[inside]
            out[inside] = cp[j] + (cp[j + 1] - cp[j]) * (x - a) / (b - a)
        s0 = s1
    return out


def test_searchsorted_lookup_is_bit_identical_to_the_per_segment_form():
    from haldenenergie.wind.physics import power_curve_density_corrected

    rng = np.random.default_rng(17)
    cw = np.array([0.0, 2.5, 3.0, 4.0, 5.0, 6.5, 7.5, 8.0, 9.0, 10.0, 11.0, 12.5, 13.0, 25.0])
    cp = np.array([0.0, 0.0, 20, 90, 250, 600, 900, 1100, 1500, 1900, 2200, 2500, 2500, 2500])
    v = rng.uniform(0, 30, (500, 6))
    rho = rng.uniform(1.05, 1.35, (500, 6))
    # speeds exactly on scaled nodes (closed segments: the later one wins) and at 0
    j = np.arange(100) % len(cw)
    expo = np.interp(cw[j], [7.5, 12.5], [1 / 3, 2 / 3])
    v[:100, 0] = cw[j] * np.exp(expo * np.log(1.225 / rho[:100, 0]))
    v[100:110, 1] = 0.0
    ours = power_curve_density_corrected(v, rho, cw, cp)
    assert np.array_equal(ours, _per_segment_reference(v, rho, cw, cp))
