"""XLSX workbook: sheets, headers with units, number formats; LibreOffice round trip."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie import export as E
from haldenenergie import suitability as S
from haldenenergie.config import load_config


def _unlabel(df, lang):
    for col, labels in E.VALUE_LABELS[lang].items():
        if col in df:
            inv = {v: k for k, v in labels.items()}
            df[col] = df[col].map(lambda v, inv=inv: inv.get(v, v))
    return df


def _sheet_frame(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_xlsx_sheets_headers_units_numbers(ranked, tmp_path, lang, invoke, inverse_headers):
    import openpyxl

    out = tmp_path / f"h_{lang}.xlsx"
    r = invoke("export", ranked, "--format", "xlsx", "--lang", lang, "--out", out)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    names = E.SHEETS[lang]
    assert wb.sheetnames == [
        names[k] for k in ("ranking", "details", "totals", "assumptions", "manifest")
    ]
    res = S.sort_by_rank(E.read_table(ranked / "results.csv"))
    ws = wb[names["ranking"]]
    assert ws.freeze_panes == "D2"
    head = [c.value for c in ws[1]]
    cap = E.column_header("pv_capacity_mwp", lang)
    assert cap == ("PV-Leistung [MWp]" if lang == "de" else "PV capacity [MWp]")
    assert cap in head and E.column_header("score", lang) in head
    j = head.index(cap) + 1
    assert ws.cell(2, j).number_format == "#,##0.00"
    assert ws.column_dimensions[ws.cell(1, j).column_letter].width >= len(cap)
    sheet = _sheet_frame(ws).rename(columns=inverse_headers(res.columns, lang))
    sheet = _unlabel(sheet, lang)
    # Full precision in the cells (formats only round the display).
    for c in ("pv_capacity_mwp", "pv_energy_mwh_per_a", "score", *S.SCORE_PARTS):
        assert_allclose(
            pd.to_numeric(sheet[c]).to_numpy(float),
            res[c].to_numpy(float),
            rtol=1e-12,
            equal_nan=True,
            err_msg=c,
        )
    assert sheet["rank"].tolist()[:4] == [1, 2, 3, 4]
    details = _sheet_frame(wb[names["details"]])
    assert len(details) == len(res) and len(details.columns) >= len(res.columns) - 1
    # Totals: numbers, and the factors with source and year stated.
    tot = _sheet_frame(wb[names["totals"]])
    text = " ".join(str(v) for v in tot.iloc[:, 0].tolist())
    assert "BDEW" in text and "Umweltbundesamt" in text and "2023" in text
    totals = E.read_table(ranked / "totals.csv")
    e_head = E.column_header("energy_mwh_per_a", lang)
    e = pd.to_numeric(tot[e_head], errors="coerce").dropna().to_numpy(float)
    assert_allclose(e, totals["energy_mwh_per_a"].to_numpy(float), rtol=1e-12)
    # Assumptions: every parameter with its source.
    ass = _sheet_frame(wb[names["assumptions"]])
    key_col, src_col = E.ASSUMPTION_HEADERS[lang]["key"], E.ASSUMPTION_HEADERS[lang]["source"]
    row = ass[ass[key_col] == "min_housing_distance_m"]
    assert len(row) == 1 and "RVR" in row[src_col].iloc[0]
    keys = set(load_config().suitability.__dataclass_fields__) - {"rules"}
    keys |= {f"rules.{rid}" for rid in S.DEFAULT_RULES}  # one row per rule, rationale as source
    assert keys <= set(ass[key_col])
    rule = ass[ass[key_col] == "rules.nature_reserve"]
    assert "BNatSchG" in rule[src_col].iloc[0] and "block_pv" in str(rule.iloc[0, 2])
    man = _sheet_frame(wb[names["manifest"]])
    keys = man[E.MANIFEST_HEADERS[lang]["key"]].tolist()
    assert "inputs[0].sha256" in keys and "ranking.created_utc" in keys
    assert list(man.columns) == [E.MANIFEST_HEADERS[lang]["key"], E.MANIFEST_HEADERS[lang]["value"]]


def _soffice(tmp_path, *args, timeout=120):
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = (tmp_path / "lo-profile").as_uri()
    cmd = [exe, f"-env:UserInstallation={profile}", "--headless", *map(str, args)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("LibreOffice did not finish in time")
    return p


@pytest.mark.integration
def test_libreoffice_opens_both_and_numbers_survive(ranked, tmp_path, invoke, inverse_headers):
    import openpyxl

    csv_de = tmp_path / "committee.csv"
    xlsx = tmp_path / "committee.xlsx"
    assert invoke("export", ranked, "--format", "csv", "--out", csv_de).exit_code == 0
    assert invoke("export", ranked, "--format", "xlsx", "--out", xlsx).exit_code == 0
    lo = tmp_path / "lo"
    lo.mkdir()
    # German CSV as German Calc reads it: ';', '"', UTF-8, from line 1, locale de-DE (1031).
    p = _soffice(
        tmp_path, "--infilter=CSV:59,34,76,1,,1031", "--convert-to", "xlsx", "--outdir", lo, csv_de
    )
    assert (lo / "committee.xlsx").exists(), p.stdout + p.stderr
    res = S.sort_by_rank(E.read_table(ranked / "results.csv"))
    ws = openpyxl.load_workbook(lo / "committee.xlsx").active
    sheet = _sheet_frame(ws).rename(columns=inverse_headers(res.columns, "de"))
    # to the decimals the CSV shows (issue 14: whole MWh/a, scores to two decimals)
    for c, dec in (
        ("pv_capacity_mwp", E.COLUMN_INFO["pv_capacity_mwp"][3]),
        ("pv_energy_mwh_per_a", E.COLUMN_INFO["pv_energy_mwh_per_a"][3]),
        ("score", E.COLUMN_INFO["score"][3]),
        ("wind_energy_mwh_per_a", E.COLUMN_INFO["wind_energy_mwh_per_a"][3]),
    ):
        vals = sheet[c].tolist()
        assert all(isinstance(v, (int, float)) or v is None for v in vals), (c, vals)
        assert_allclose(
            np.array([np.nan if v is None else v for v in vals], float),
            res[c].to_numpy(float),
            atol=0.5 * 10.0**-dec + 1e-9,
            equal_nan=True,
        )
    # Our XLSX through Calc to an English CSV (first sheet = ranking; raw values, not as shown).
    p = _soffice(
        tmp_path,
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false",
        "--outdir",
        lo,
        xlsx,
    )
    out = lo / "committee.csv"
    assert out.exists(), p.stdout + p.stderr
    back = pd.read_csv(out).rename(columns=inverse_headers(res.columns, "de"))
    for c in ("pv_capacity_mwp", "pv_energy_mwh_per_a", "score", *S.SCORE_PARTS):
        assert_allclose(
            back[c].to_numpy(float), res[c].to_numpy(float), rtol=1e-9, equal_nan=True, err_msg=c
        )
    assert back["heap_id"].tolist() == res["heap_id"].tolist()
