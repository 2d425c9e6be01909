"""Tests of the configuration machinery (haldenenergie.config) and ``haldenenergie config show``.

Round trip: the TOML that ``config show --format toml`` prints loads back through ``--config`` to
exactly the same parameters (equal dicts and equal hash), for the defaults and for overrides of
every section. Errors: unknown section/key, wrong type, out-of-range values are one-line
ConfigErrors that name the file and the key.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib

import pytest

from haldenenergie.config import SECTIONS, build_section, describe, load_config
from haldenenergie.errors import ConfigError, HaldenError
from haldenenergie.pipeline import check_config

#: One override per section (each a value different from its default).
OVERRIDES = """\
[terrain]
resolution_m = 20.0

[weather]
allow_partial = true

[pv]
plateau_tilt_deg = 25.0
loss_soiling_pct = 3.5

[wind]
turbine_type = "E-126/4200"
wake_model = "none"

[suitability]
owner_factors = { RVR = 1.0, RAG = 0.5, other = 0.4 }
"""


@pytest.fixture
def show(cli):
    """``haldenenergie config show ARGS`` through the shared CLI fixture; returns its output."""
    return lambda *args: cli("config", "show", *args).output


# ------------------------------------------------------------------------------------------------
# config show: three formats
# ------------------------------------------------------------------------------------------------
def test_show_toml_round_trips_defaults(tmp_path, show):
    text = show("--format", "toml")
    data = tomllib.loads(text)  # valid TOML
    assert set(data) == set(SECTIONS)
    p = tmp_path / "defaults.toml"
    p.write_text(text, encoding="utf-8")
    back, ref = load_config(p), load_config()
    assert back.to_dict() == ref.to_dict()
    assert back.hash() == ref.hash()
    # and printing it again gives the same text (a fixed point)
    assert show("--config", p, "--format", "toml") == text


def test_show_toml_round_trips_overrides_of_every_section(tmp_path, show):
    ov = tmp_path / "ov.toml"
    ov.write_text(OVERRIDES, encoding="utf-8")
    cfg = load_config(ov)
    assert cfg.terrain.resolution_m == 20.0 and cfg.weather.allow_partial is True
    assert cfg.pv.plateau_tilt_deg == 25.0 and cfg.wind.turbine_type == "E-126/4200"
    assert cfg.suitability.owner_factors["RAG"] == 0.5
    assert cfg.hash() != load_config().hash()
    p = tmp_path / "printed.toml"
    p.write_text(show("--config", ov, "--format", "toml"), encoding="utf-8")
    back = load_config(p)
    assert back.to_dict() == cfg.to_dict() and back.hash() == cfg.hash()


def test_show_json_lists_every_parameter_with_unit_and_source(show):
    rows = json.loads(show("--format", "json"))
    cfg = load_config()
    n_fields = sum(len(dataclasses.fields(getattr(cfg, s))) for s in SECTIONS)
    assert len(rows) == n_fields and n_fields > 100
    for r in rows:
        assert set(r) == {"section", "key", "value", "unit", "default", "source", "doc"}
        assert r["source"].strip(), f"[{r['section']}] {r['key']} has no source"
        assert r["value"] == json.loads(json.dumps(r["default"], default=str))


def test_show_table_marks_overridden_values(tmp_path, show):
    ov = tmp_path / "ov.toml"
    ov.write_text(OVERRIDES, encoding="utf-8")
    out = show("--config", ov)
    assert f"from {ov}" in out
    assert "[pv] plateau_tilt_deg = 25.0 [deg]  (default 20.0)" in out
    assert "[wind] turbine_type = 'E-126/4200' [-]  (default 'E-141/4200')" in out
    assert re.search(r"\[pv\] albedo = 0\.2 \[-\]\n", out)  # unchanged: no "(default" mark
    assert out.count("    source: ") == len(describe(load_config()))


def test_every_default_cites_a_source_and_numbers_have_units_or_ranges():
    for r in describe(load_config()):
        assert len(r["source"]) >= 10, (r["section"], r["key"], r["source"])
        # quantities with a physical unit carry it in the key name or the declared unit
        if isinstance(r["value"], float) and r["unit"] not in ("-", ""):
            assert r["unit"], (r["section"], r["key"])


# ------------------------------------------------------------------------------------------------
# load_config / build_section errors
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "toml, pattern",
    [
        (
            "[pv]\nplateau_tilt = 20\n",
            r"unknown key 'plateau_tilt' in \[pv\]; did you mean 'plateau_tilt_deg'",
        ),
        ("[pvv]\nx = 1\n", r"unknown section \[pvv\]; did you mean \[pv\]"),
        ("plateau_tilt_deg = 20\n", r"top-level key 'plateau_tilt_deg' must sit in a section"),
        ('[pv]\nplateau_tilt_deg = "20 deg"\n', r"must be a number in \[deg\]"),
        ("[pv]\nplateau_tilt_deg = 200\n", r"outside the allowed range \[0.0, 45.0\] deg"),
        ("[pv]\nrow_shading = 1\n", r"must be true or false"),
        ("[pv]\nrack_modules_portrait = 2.5\n", r"must be a whole number"),
        ('[pv]\ntransposition_model = "klucher"\n', r"not allowed; choose one of perez, haydavies"),
        ("[pv]\nflank_azimuth_min_deg = 270\nflank_azimuth_max_deg = 90\n", r"must be smaller"),
        ('[wind]\nturbine_type = "E-999/1"\n', r"unknown turbine type 'E-999/1'"),
        ("[wind]\nhub_height_m = 13500\n", r"outside the allowed range \[30.0, 250.0\] m"),
        ("[terrain]\nbase_ring_m = 50\n", r"must be a list"),
        ("[pv\n", r"not valid TOML"),
    ],
)
def test_bad_config_values_raise_one_line_errors(tmp_path, toml, pattern):
    p = tmp_path / "bad.toml"
    p.write_text(toml, encoding="utf-8")
    with pytest.raises(HaldenError) as exc:  # ConfigError (TurbineError for the turbine type)
        # turbine names are checked against the turbine library before a run, not on load
        check_config(load_config(p))
    msg = str(exc.value)
    assert "\n" not in msg and str(p) in msg
    assert re.search(pattern, msg), msg


def test_missing_config_file_through_cli(tmp_path, invoke):
    r = invoke("config", "show", "--config", tmp_path / "no.toml")
    assert r.exit_code == 1
    assert (
        r.output.strip() == f"error: {tmp_path / 'no.toml'}: config file not found; check the "
        "path given to --config"
    )


def test_overrides_and_replace_are_checked_like_toml():
    cfg = load_config(overrides={"pv": {"albedo": 0.3}})
    assert cfg.pv.albedo == 0.3 and cfg.origin == "defaults"
    assert cfg.replace("wind", hub_height_m=160).wind.hub_height_m == 160.0
    with pytest.raises(ConfigError, match=r"\[wind\] hub_height_m = 5.0 is outside"):
        cfg.replace("wind", hub_height_m=5.0)
    with pytest.raises(ConfigError, match="unknown key 'nope'"):
        build_section("pv", {"nope": 1})
    # int given for a float field is stored as float (hash stable across 25 vs 25.0)
    a = load_config(overrides={"pv": {"plateau_tilt_deg": 25}})
    b = load_config(overrides={"pv": {"plateau_tilt_deg": 25.0}})
    assert isinstance(a.pv.plateau_tilt_deg, float) and a.hash() == b.hash()


def test_loading_config_imports_no_stage_engine():
    """Config sections are built from light modules: no numpy, pandas, pvlib, scipy, windpowerlib,
    rasterio or geopandas is imported, and no turbine file is read (issue 10)."""
    import subprocess
    import sys

    heavy = [
        "numpy",
        "pandas",
        "pvlib",
        "scipy",
        "windpowerlib",
        "matplotlib",
        "rasterio",
        "geopandas",
        "shapely",
        "pyproj",
    ]
    code = (
        "import sys, builtins\n"
        "opened = []\n"
        "_open = builtins.open\n"
        "def spy(f, *a, **k):\n"
        "    opened.append(str(f)); return _open(f, *a, **k)\n"
        "builtins.open = spy\n"
        "from haldenenergie.config import describe, load_config\n"
        "describe(load_config())\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))\n"
        "print([f for f in opened if f.endswith('.csv')])\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules, csv_files = res.stdout.strip().splitlines()
    assert modules == "[]", f"loading the config imported {modules}"
    assert csv_files == "[]", f"loading the config read {csv_files}"


# ------------------------------------------------------------------------------------------------
# issue 13: non-finite numbers, mixed-type lists, deep nesting — one line through the CLI
# ------------------------------------------------------------------------------------------------
_DEEP = "[terrain]\nbase_ring_m = " + "[" * 5000 + "]" * 5000 + "\n"
_DEEP_TABLE = "[suitability]\nrules = " + "{ a = " * 30 + "1" + " }" * 30 + "\n"


@pytest.mark.parametrize(
    "toml, pattern, fix",
    [
        (
            "[pv]\nplateau_tilt_deg = nan\n",
            r"\[pv\] plateau_tilt_deg = nan is not a finite",
            "e.g.",
        ),
        ("[pv]\nplateau_tilt_deg = inf\n", r"plateau_tilt_deg = inf is not a finite", "e.g."),
        ("[wind]\nhub_height_m = -inf\n", r"hub_height_m = -inf is not a finite", "e.g."),
        ("[terrain]\nresolution_m = nan\n", r"resolution_m = nan is not a finite", "e.g."),
        ("[terrain]\ntilt_bands_deg = [0, nan]\n", r"tilt_bands_deg\[1\] = nan", "write a number"),
        (
            "[suitability]\nowner_factors = { RVR = nan, RAG = 0.6, other = 0.4 }\n",
            r"owner_factors\['RVR'\] = nan is not a finite",
            "write a finite",
        ),
        (
            '[terrain]\ntilt_bands_deg = [1, "a"]\n',
            r"tilt_bands_deg\[1\] = 'a' is a string, but the list holds numbers",
            "write e.g. tilt_bands_deg = [0.0, 5.0",
        ),
        (
            "[terrain]\nbase_ring_m = [[50], 250]\n",
            r"base_ring_m\[0\] = \[50\] is a list, but the list holds numbers",
            "write e.g.",
        ),
        ("[terrain]\nnorth_sector_deg = [true, 67.5]\n", r"is a bool, but the list", "write e.g."),
        (_DEEP, r"not valid TOML \(values nested too deeply", "write a flat list or table"),
        (_DEEP_TABLE, r"\[suitability\] rules is nested more than 8 levels", "write a flat"),
    ],
    ids=[
        "nan",
        "inf",
        "-inf",
        "nan-int-range",
        "nan-in-list",
        "nan-in-table",
        "mixed-list",
        "nested-list",
        "bool-in-list",
        "5000-deep-array",
        "30-deep-table",
    ],
)
def test_non_finite_mixed_and_deep_values_are_one_line_errors(tmp_path, invoke, toml, pattern, fix):
    """Through the CLI: exit 1, one line naming the file and the key, and the fix; ``run`` fails at
    once (before any stage: the output folder is not created)."""
    p = tmp_path / "bad.toml"
    p.write_text(toml, encoding="utf-8")
    for args in (("config", "show"), ("run", "--out", tmp_path / "out")):
        r = invoke(*args, "--config", p)
        assert r.exit_code == 1, r.output
        line = r.stderr.strip()
        assert "\n" not in line and line.startswith(f"error: {p}: "), r.stderr
        assert re.search(pattern, line) and fix in line, line
    assert not (tmp_path / "out").exists()


def test_finite_numbers_and_lists_of_numbers_still_load(tmp_path):
    p = tmp_path / "ok.toml"
    p.write_text("[terrain]\ntilt_bands_deg = [0, 5, 15.5, 25, 35]\n[pv]\nplateau_tilt_deg = 1e1\n")
    cfg = load_config(p)
    assert cfg.terrain.tilt_bands_deg == [0, 5, 15.5, 25, 35] and cfg.pv.plateau_tilt_deg == 10.0


def test_manifest_parameters_are_strict_json_for_every_default():
    """Every parameter in effect is finite, so the manifest's parameters need no NaN."""
    json.loads(json.dumps(load_config().to_dict(), allow_nan=False))
