"""Tests of haldenenergie.pv.config: the [pv] section, its checks, and that it stays light."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pvlib
import pytest
from numpy.testing import assert_allclose

from haldenenergie.config import build_section, describe, load_config
from haldenenergie.errors import ConfigError
from haldenenergie.pv.config import PEREZ_MODEL_SETS, SAPM_MOUNTS, PVConfig


def test_config_section_checked_and_documented():
    with pytest.raises(ConfigError, match="transposition_model.*perez"):
        build_section("pv", {"transposition_model": "klucher"}, "x.toml")
    with pytest.raises(ConfigError, match="outside the allowed range"):
        build_section("pv", {"plateau_gcr": 40}, "x.toml")
    with pytest.raises(ConfigError, match="flank_azimuth_min_deg"):
        build_section("pv", {"flank_azimuth_min_deg": 280.0}, "x.toml")
    cfg = load_config().pv
    assert isinstance(cfg, PVConfig)
    rows = [r for r in describe(load_config()) if r["section"] == "pv"]
    assert len(rows) > 30 and all(r["source"] for r in rows)
    assert_allclose(
        cfg.total_loss_fraction,
        pvlib.pvsystem.pvwatts_losses(
            soiling=2,
            shading=0,
            snow=0,
            mismatch=2,
            wiring=2,
            connections=0.5,
            lid=1.5,
            nameplate_rating=1,
            age=0,
            availability=3,
        )
        / 100,
    )


def test_no_source_cites_unpublished_notes():
    for f in dataclasses.fields(PVConfig):
        assert ".md" not in f.metadata["source"], f.name


def test_model_name_tables_match_pvlib():
    assert tuple(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]) == SAPM_MOUNTS
    for name in PEREZ_MODEL_SETS:  # every coefficient set is accepted by pvlib
        pvlib.irradiance.perez(20, 180, 100, 500, 1360, 40, 180, 1.3, model=name)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"flank_follow_min_tilt_deg": 40.0}, "flank_follow_min_tilt_deg"),
        ({"rack_gcr_min": 0.8}, "rack_gcr_min"),
        ({"plateau_gcr": 0.8}, "plateau_gcr"),
        ({"sapm_mount": "roof"}, "sapm_mount"),
        ({"perez_model_set": "mars"}, "perez_model_set"),
    ],
)
def test_cross_field_checks(changes, match):
    with pytest.raises(ConfigError, match=match):
        dataclasses.replace(PVConfig(), **changes).check("x.toml")


def test_derived_values():
    cfg = PVConfig()
    assert_allclose(cfg.module_area_m2, 1.722 * 1.134)
    assert_allclose(cfg.module_efficiency, 430.0 / (1.722 * 1.134 * 1000.0))
    assert_allclose(cfg.collector_width_m, 2 * 1.722)
    assert cfg.temperature_parameters() == {"u0": 25.0, "u1": 6.84}
    sapm = dataclasses.replace(cfg, temperature_model="sapm").temperature_parameters()
    assert sapm == pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][cfg.sapm_mount]


def test_config_module_and_section_import_no_pvlib():
    code = (
        "import sys\n"
        "from haldenenergie.config import load_config\n"
        "from haldenenergie.pv.config import PVConfig\n"
        "import haldenenergie.pv\n"
        "load_config()\n"
        "PVConfig().check()\n"
        "assert 'pvlib' not in sys.modules, 'pvlib imported'\n"
        "assert 'haldenenergie.pv.simulate' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
