"""Tests of haldenenergie.pv.single: reference consistency with pvlib's ModelChain, TRY2015 Essen
acceptance figures and invariants of the single-surface series.

Tolerances are stated next to each assertion. The acceptance ranges are those of issue 4.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import ConfigError
from haldenenergie.pv.config import PVConfig
from haldenenergie.pv.inputs import solar_geometry
from haldenenergie.pv.single import modelchain_energy, surface_energy

NO_SHADE = {"row_shading": False, "terrain_horizon": False}


# ---------------------------------------------------------------------------------------
# Reference consistency: one surface vs a plain pvlib ModelChain
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("tilt, azimuth", [(32.5, 180.0), (20.0, 90.0), (20.0, 0.0)])
def test_single_surface_matches_pvlib_modelchain(essen, tilt, azimuth):
    data, meta = essen
    cfg = dataclasses.replace(PVConfig(), **NO_SHADE)
    mine = surface_energy(
        data, meta, cfg, surface_tilt=tilt, surface_azimuth=azimuth, layout="follow"
    )
    ref = modelchain_energy(data, meta, cfg, surface_tilt=tilt, surface_azimuth=azimuth)
    # Acceptance: annual energy within 0.5 %; in fact both run the same pvlib functions.
    assert_allclose(mine.sum(), ref.sum(), rtol=0.005)
    # Hour by hour too (1e-6 kWh/kWp: floating-point noise only).
    assert_allclose(mine.to_numpy(), ref.to_numpy(), atol=1e-6)


def test_other_model_choices_match_modelchain(essen):
    data, meta = essen
    cfg = dataclasses.replace(
        PVConfig(),
        transposition_model="haydavies",
        iam_model="ashrae",
        temperature_model="sapm",
        dc_ac_ratio=1.4,
        **NO_SHADE,
    )
    mine = surface_energy(
        data, meta, cfg, surface_tilt=25, surface_azimuth=200, layout="follow"
    ).sum()
    ref = modelchain_energy(data, meta, cfg, surface_tilt=25, surface_azimuth=200).sum()
    assert_allclose(mine, ref, rtol=0.005)


# ---------------------------------------------------------------------------------------
# Acceptance with DWD TRY2015 Essen
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def essen_yields(essen):
    data, meta = essen

    def y(tilt, az):
        return surface_energy(
            data, meta, surface_tilt=tilt, surface_azimuth=az, layout="follow"
        ).sum()

    return {
        "S30": y(30, 180),
        "S32.5": y(32.5, 180),
        "S35": y(35, 180),
        "E20": y(20, 90),
        "W20": y(20, 270),
        "N20": y(20, 0),
    }


def test_south_30_35_specific_yield_in_nrw_range(essen_yields):
    # Issue 4 acceptance: well-oriented systems in NRW yield about 900-1,050 kWh/kWp·a.
    for key in ("S30", "S32.5", "S35"):
        assert 900.0 <= essen_yields[key] <= 1050.0, (key, essen_yields[key])


def test_east_west_and_north_ratios(essen_yields):
    # Issue 4 acceptance: east/west flanks of 20-30 deg give roughly 80-90 % of the optimum.
    ref = essen_yields["S32.5"]
    for key in ("E20", "W20"):
        assert 0.78 <= essen_yields[key] / ref <= 0.92, (key, essen_yields[key] / ref)
    assert essen_yields["N20"] / ref < 0.75
    assert essen_yields["S32.5"] > essen_yields["N20"]  # south flank out-yields north flank


def test_no_pv_at_night(essen):
    data, meta = essen
    e = surface_energy(
        data, meta, surface_tilt=30, surface_azimuth=180, kind="plateau", layout="rack"
    )
    sg = solar_geometry(data, meta.latitude, meta.longitude, meta.elevation_m)
    night = sg["apparent_elevation"].to_numpy() <= 0
    assert night.sum() > 4000
    assert np.all(e.to_numpy()[night] == 0.0)  # exactly zero with the sun down
    assert np.all(e.to_numpy() >= 0.0)
    assert e.to_numpy()[~night].max() <= 1.0 / 1.2 + 1e-12  # never above the AC rating per kWp


# ---------------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------------
def test_horizon_reduces_yield_monotonically(essen):
    data, meta = essen
    ys = [
        surface_energy(data, meta, surface_tilt=25, surface_azimuth=160, horizon_deg=[h] * 36).sum()
        for h in (0, 3, 6, 10, 15, 25)
    ]
    assert all(b < a for a, b in itertools.pairwise(ys)), ys
    # a horizon hidden behind the plane changes nothing (1e-9 relative)
    hz = np.zeros(36)
    hz[[33, 34, 35, 0, 1, 2, 3]] = 20.0
    hidden = surface_energy(data, meta, surface_tilt=30, surface_azimuth=180, horizon_deg=hz).sum()
    free = surface_energy(data, meta, surface_tilt=30, surface_azimuth=180).sum()
    assert_allclose(hidden, free, rtol=1e-9)


def test_row_shading_costs_energy(short_weather):
    data, meta = short_weather
    kw = {"surface_tilt": 0.0, "surface_azimuth": 180.0, "kind": "plateau", "layout": "rack"}
    on = surface_energy(data, meta, **kw).sum()
    off = surface_energy(data, meta, dataclasses.replace(PVConfig(), row_shading=False), **kw)
    assert 0.0 < 1 - on / off.sum() < 0.10


def test_diffuse_iam_option_lowers_yield(short_weather):
    data, meta = short_weather
    base = surface_energy(data, meta, surface_tilt=30, surface_azimuth=180).sum()
    dif = surface_energy(
        data,
        meta,
        dataclasses.replace(PVConfig(), diffuse_iam=True),
        surface_tilt=30,
        surface_azimuth=180,
    ).sum()
    assert 0.0 < 1 - dif / base < 0.05


def test_layout_none_gives_zero_series(short_weather):
    data, meta = short_weather
    e = surface_energy(data, meta, surface_tilt=40, surface_azimuth=180)  # too steep for PV
    assert (e == 0.0).all() and e.index.equals(data.index)


def test_unknown_layout_is_refused(short_weather):
    data, meta = short_weather
    with pytest.raises(ConfigError, match="layout"):
        surface_energy(data, meta, surface_tilt=1, surface_azimuth=1, layout="tracker")
