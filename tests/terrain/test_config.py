"""The [terrain] config section."""

from __future__ import annotations

import pytest

from haldenenergie.config import load_config
from haldenenergie.errors import ConfigError


def test_config_section(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[terrain]\nresolution_m = 5\nmin_patch_area_m2 = 2000\n")
    cfg = load_config(f).terrain
    assert cfg.resolution_m == 5.0 and cfg.min_patch_area_m2 == 2000.0
    f.write_text("[terrain]\nform_flank_slope_deg = { cone = [40, 30] }\n")
    with pytest.raises(ConfigError, match="form_flank_slope_deg"):
        load_config(f)
    f.write_text('[terrain]\ndefault_form = "pyramid"\n')
    with pytest.raises(ConfigError, match="default_form"):
        load_config(f)


def test_build_forms_are_the_registry_forms_without_unknown():
    """config.py spells the forms out (it must not import the registry); they stay in step."""
    from haldenenergie.registry import FORMS
    from haldenenergie.terrain.config import BUILD_FORMS

    assert FORMS[:-1] == BUILD_FORMS and FORMS[-1] == "unknown"


def test_config_section_imports_nothing_heavy():
    """haldenenergie.config can build [terrain] without loading the stage's heavy libraries."""
    import subprocess
    import sys

    code = (
        "import sys; import haldenenergie.terrain.config as c; c.TerrainConfig().check(); "
        "heavy = [m for m in ('numpy', 'scipy', 'pandas', 'rasterio', 'shapely', 'pyproj') "
        "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


def test_package_exports_load_lazily():
    import haldenenergie.terrain as terrain
    from haldenenergie.terrain.stage import heap_terrain

    assert terrain.heap_terrain is heap_terrain
    assert set(terrain.__all__) <= set(dir(terrain))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        terrain.nope  # noqa: B018
