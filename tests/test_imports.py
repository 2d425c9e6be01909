"""Light commands stay light: no pvlib, scipy, matplotlib or windpowerlib after their work.

Each command runs in a fresh interpreter (a subprocess, so that nothing this test process has
imported counts) and reports ``sys.modules`` after the command has done its work; timing is not
tested (the machine is shared), ``benchmarks/bench_startup.py`` measures it.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Libraries only the PV, wind, terrain-analysis and report stages need.
HEAVY = ("pvlib", "scipy", "matplotlib", "windpowerlib")

#: Runs the CLI in-process with the given arguments and prints the heavy modules imported.
_PROBE = """
import json, sys
from haldenenergie.cli import main
try:
    main(sys.argv[1:], prog_name="haldenenergie", standalone_mode=False)
except SystemExit:
    pass
heavy = {heavy!r}
print("\\nIMPORTED " + json.dumps(sorted(m for m in heavy if m in sys.modules)))
print("MODULES " + str(len(sys.modules)))
"""


def _imported(*args: str) -> tuple[list[str], int]:
    """(heavy modules in ``sys.modules``, number of modules) after ``haldenenergie ARGS``."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = proc.stdout.splitlines()
    found = [ln for ln in lines if ln.startswith("IMPORTED ")]
    assert found, f"haldenenergie {' '.join(args)} failed: {proc.stderr[-2000:]}"
    count = next(int(ln.split()[1]) for ln in lines if ln.startswith("MODULES "))
    return json.loads(found[-1].split(" ", 1)[1]), count


@pytest.mark.parametrize(
    "args",
    [
        ("config", "show"),
        ("heaps", "list"),
        ("heaps", "validate"),
        ("--help",),
        ("layers", "--help"),
        ("export", "--help"),
        ("run", "--help"),
    ],
    ids=" ".join,
)
def test_light_commands_import_no_heavy_library(args):
    heavy, count = _imported(*args)
    assert heavy == [], f"haldenenergie {' '.join(args)} imported {heavy}"
    # Measured 190-240 modules (python -X importtime); numpy alone brings ~130 more.
    assert count < 300, count


def test_heaps_list_imports_no_numpy_for_a_point_registry(root_dir):
    """The shipped registry holds Points (and nulls): listing it needs neither shapely nor numpy."""
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from haldenenergie.cli import main\n"
            "try:\n    main(['heaps', 'list'], standalone_mode=False)\nexcept SystemExit: pass\n"
            "print('\\nHEAVY', [m for m in ('numpy', 'shapely', 'pandas') if m in sys.modules])",
        ],
        capture_output=True,
        text=True,
        cwd=root_dir,
        timeout=120,
        check=True,
    )
    assert proc.stdout.splitlines()[-1] == "HEAVY []"


def test_wind_turbines_needs_only_windpowerlib():
    """``wind turbines`` reads windpowerlib's turbine library, and nothing else heavy."""
    heavy, _ = _imported("wind", "turbines")
    assert heavy == ["windpowerlib"]


@pytest.mark.slow
def test_export_of_a_results_folder_imports_no_stage_library(tmp_path_factory, cli):
    out = tmp_path_factory.mktemp("imports") / "run"
    cli("-q", "run", "--out", out)
    for fmt in ("csv", "xlsx", "geojson"):
        target = out / f"export.{fmt}"
        heavy, _ = _imported("export", out, "--format", fmt, "--out", target)
        assert target.exists() and heavy == [], (fmt, heavy)
