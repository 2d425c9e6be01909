"""The [wind] config section: sources, and that building it reads no turbine files."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from haldenenergie.wind import WindConfig


def test_config_fields_all_have_sources():
    for f in dataclasses.fields(WindConfig):
        assert f.metadata.get("source"), f.name


def test_config_source_texts_cite_no_internal_docs():
    for f in dataclasses.fields(WindConfig):
        src = f.metadata["source"]
        assert not any(d in src for d in ("DOMAIN.md", "CONVENTIONS.md", "CONTRACTS.md")), f.name


def test_building_the_section_imports_nothing_heavy_and_checks_no_turbine():
    """The section is built without windpowerlib, pandas or numpy; an unknown turbine type is
    refused by ``wind.check_config`` at the start of the stage, not when the config is built."""
    code = (
        "import sys\n"
        "from haldenenergie.wind.config import WindConfig\n"
        "cfg = WindConfig(turbine_type='E-999/1', existing_unknown_type='NoSuch/1')\n"
        "assert not hasattr(cfg, 'check')\n"
        "heavy = [m for m in ('windpowerlib', 'pandas', 'numpy', 'scipy', 'pvlib') "
        "if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
