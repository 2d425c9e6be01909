"""The page's CSS and self-check script are package files, inlined as they are."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources


def test_static_files_are_inlined(results_dir, render):
    static = resources.files("haldenenergie.report") / "static"
    css = (static / "report.css").read_text(encoding="utf-8")
    js = (static / "selfcheck.js").read_text(encoding="utf-8")
    assert "@media print" in css and "data-ready" in js
    text = render(results_dir)
    assert f"<style>{css}</style>" in text and f"<script>{js}</script>" in text


def test_library_does_not_import_the_cli(results_dir):
    code = (
        "import sys; from haldenenergie.report import load_report_data, render_report; "
        f"render_report(load_report_data({str(results_dir)!r}), describe_rows=[]); "
        "print(sorted(m for m in sys.modules if m.startswith('haldenenergie.c')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "haldenenergie.cli" not in out and "haldenenergie.commands" not in out, out


def test_no_citation_of_internal_documents(results_dir, render):
    for lang in ("de", "en"):
        text = render(results_dir, lang)
        for name in ("DOMAIN.md", "CONVENTIONS.md", "CONTRACTS.md", "ARCHITECTURE.md", "../shared"):
            assert name not in text, name
