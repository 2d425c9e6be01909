"""The shape of the code (issue 10): small modules, dependencies that point one way."""

from __future__ import annotations

import ast
from pathlib import Path

import haldenenergie

PACKAGE = Path(haldenenergie.__file__).parent
#: No module over this many lines (issue 10; a module that grows past it usually holds two jobs).
MAX_MODULE_LINES = 500


def _library_modules():
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(PACKAGE)
        if rel.parts[0] == "commands" or rel.name == "cli.py":
            continue
        yield p, rel


def test_no_module_over_500_lines():
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert len(sizes) > 50
    too_long = {k: v for k, v in sizes.items() if v > MAX_MODULE_LINES}
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


def test_library_never_imports_the_cli():
    """Only ``cli.py`` and ``commands/`` may import click or the command modules."""
    offenders = []
    for p, rel in _library_modules():
        tree = ast.parse(p.read_text(), str(p))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for n in names:
                parts = n.split(".")
                if "commands" in parts or parts[-1] == "cli" or parts[0] == "click":
                    offenders.append(f"{rel}:{node.lineno} imports {n}")
    assert not offenders, offenders


def test_one_solar_position_routine():
    """Only ``sun.py`` calls pvlib's solar-position code."""
    callers = [
        str(rel)
        for p, rel in _library_modules()
        if "get_solarposition" in p.read_text() and rel.name != "sun.py"
    ]
    assert callers == []
