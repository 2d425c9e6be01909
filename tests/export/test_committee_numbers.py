"""Numbers as a committee reads them (issue 14): display rules, XLSX print setup, stdout export."""

from __future__ import annotations

import json
import shutil
import subprocess

import pandas as pd
import pytest

from haldenenergie import export as E
from haldenenergie import labels

#: The acceptance of issue 14: the ranking sheet prints on at most this many A4 pages.
MAX_RANKING_PAGES = 3


def _xlsx(ranked, tmp_path, invoke, lang="de"):
    import openpyxl

    out = tmp_path / f"c_{lang}.xlsx"
    r = invoke("export", ranked, "--format", "xlsx", "--lang", lang, "--out", out)
    assert r.exit_code == 0, r.output
    return out, openpyxl.load_workbook(out)


def _column(ws, header):
    head = [c.value for c in ws[1]]
    j = head.index(header) + 1
    return [ws.cell(i, j) for i in range(2, ws.max_row + 1) if ws.cell(i, j).value is not None]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_xlsx_totals_years_integers_households_hundreds(ranked, tmp_path, invoke, lang):
    _, wb = _xlsx(ranked, tmp_path, invoke, lang)
    ws = wb[E.SHEETS[lang]["totals"]]
    for col in ("household_consumption_year", "co2_factor_year"):
        cells = [c for c in _column(ws, E.column_header(col, lang)) if c.row <= 10]
        assert cells and all(type(c.value) is int and 1990 < c.value < 2100 for c in cells), col
        assert {c.number_format for c in cells} == {"0"}, col  # 2024, never "2.024"
    hh = [c for c in _column(ws, E.column_header("households", lang)) if c.row <= 10]
    assert hh and all(float(c.value) % 100 == 0 for c in hh)
    assert any(c.value > 0 for c in hh) and {c.number_format for c in hh} == {"#,##0"}
    # float noise trimmed: every number cell has at most 13 significant digits
    for row in ws.iter_rows(min_row=2, max_row=10):
        for c in row:
            if isinstance(c.value, float):
                assert float(f"{c.value:.13g}") == c.value, (c.coordinate, c.value)
    # the provenance lines of the run below the table (weather, terrain, layers, assumptions)
    text = [str(r[0].value) for r in ws.iter_rows() if r[0].value is not None]
    heads = (
        ("Wetter:", "Gelände:", "Ebenen:", "Annahmen:")
        if lang == "de"
        else (
            "Weather:",
            "Terrain:",
            "Layers:",
            "Assumptions:",
        )
    )
    for h in heads:
        assert any(t.startswith(h) for t in text), (h, text)
    if lang == "de":
        assert not any("to be checked" in t for t in text), text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_xlsx_print_setup_on_every_sheet(ranked, tmp_path, invoke, lang):
    _, wb = _xlsx(ranked, tmp_path, invoke, lang)
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ps.orientation == "landscape", ws.title
        assert str(ps.paperSize) == str(ws.PAPERSIZE_A4), ws.title
        assert int(ps.fitToWidth) == 1 and int(ps.fitToHeight) == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows in ("1:1", "$1:$1"), (ws.title, ws.print_title_rows)


def test_xlsx_number_formats_follow_the_display_rules(ranked, tmp_path, invoke):
    _, wb = _xlsx(ranked, tmp_path, invoke)
    ws = wb[E.SHEETS["de"]["ranking"]]
    for col, fmt in (
        ("score", "#,##0.00"),
        ("score_energy", "#,##0.0"),
        ("pv_energy_mwh_per_a", "#,##0"),
        ("rank", "#,##0"),
    ):
        cells = _column(ws, E.column_header(col, "de"))
        assert cells and {c.number_format for c in cells} == {fmt}, col
        assert labels.excel_format(col) == fmt


def test_csv_whole_numbers_are_integers(ranked, tmp_path, invoke):
    out = tmp_path / "c.csv"
    assert invoke("export", ranked, "--format", "csv", "--out", out).exit_code == 0
    back = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    for col in ("pv_specific_yield_kwh_per_kwp", "pv_energy_mwh_per_a", "rank"):
        vals = back[E.column_header(col, "de")].dropna().tolist()
        assert vals and all("," not in v for v in vals), (col, vals)  # "867", never "867,0"
    score = back[E.column_header("score", "de")].dropna().tolist()
    assert all(len(v.split(",")[-1]) <= 2 for v in score if "," in v), score


def test_export_to_stdout(ranked, tmp_path, invoke):
    for lang in ("de", "en"):
        f = tmp_path / f"f_{lang}.csv"
        assert (
            invoke("export", ranked, "--format", "csv", "--lang", lang, "--out", f).exit_code == 0
        )
        r = invoke("export", ranked, "--format", "csv", "--lang", lang, "--out", "-")
        assert r.exit_code == 0, r.output
        assert r.stdout_bytes == f.read_bytes().removeprefix(b"\xef\xbb\xbf")  # same, no BOM
        assert not (tmp_path / "-").exists() and not list(ranked.glob("-"))
    g = tmp_path / "f.geojson"
    assert invoke("export", ranked, "--format", "geojson", "--out", g).exit_code == 0
    r = invoke("export", ranked, "--format", "geojson", "--out", "-")
    assert r.exit_code == 0 and json.loads(r.stdout) == json.loads(g.read_text("utf-8"))
    r = invoke("export", ranked, "--format", "xlsx", "--out", "-")
    assert r.exit_code == 1 and "standard output" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1 and r.stdout == ""
    r = invoke("export", ranked, "--out", "-")
    assert r.exit_code == 1 and "pass --format" in r.output


def test_geojson_keeps_full_precision(ranked):
    res = E.read_table(ranked / "results.csv")
    data = E.geojson_dict(res)
    by_id = {f["id"]: f["properties"] for f in data["features"]}
    row = res.set_index("heap_id").loc["alpha"]
    assert by_id["alpha"]["pv_capacity_mwp"] == pytest.approx(row["pv_capacity_mwp"], rel=1e-15)
    assert by_id["alpha"]["score"] == pytest.approx(row["score"], rel=1e-15)


def _pdf_pages(pdf) -> int:
    exe = shutil.which("pdfinfo")
    if exe:
        out = subprocess.run([exe, str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(next(ln.split()[-1] for ln in out.splitlines() if ln.startswith("Pages:")))
    try:
        import pypdf
    except ImportError:
        pytest.skip("neither pdfinfo nor pypdf is installed")
    return len(pypdf.PdfReader(str(pdf)).pages)


@pytest.mark.slow
@pytest.mark.integration
def test_ranking_sheet_prints_on_at_most_three_pages(tmp_path, cli):
    """The full 46-heap run: LibreOffice prints the ranking sheet on at most 3 A4 pages."""
    import openpyxl

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    run = tmp_path / "run"
    cli("run", "--out", run)
    cli("export", run, "--format", "xlsx", "--out", tmp_path / "all.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "all.xlsx")
    assert wb.worksheets[0].max_row == 47  # 46 heaps and the header
    for name in wb.sheetnames[1:]:
        del wb[name]
    wb.save(tmp_path / "ranking.xlsx")
    profile = (tmp_path / "lo-profile").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
    try:
        p = subprocess.run(
            [*cmd, "--outdir", str(tmp_path), str(tmp_path / "ranking.xlsx")],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("LibreOffice did not finish in time")
    pdf = tmp_path / "ranking.pdf"
    assert pdf.exists(), p.stdout + p.stderr
    assert 1 <= _pdf_pages(pdf) <= MAX_RANKING_PAGES
