"""Tests of ``haldenenergie rank`` and ``haldenenergie export`` (committee CSV, XLSX, GeoJSON).

Truth: the files read back (pandas for the CSV, openpyxl for the XLSX, json for the GeoJSON, and
LibreOffice where installed) equal the results folder they came from, to the decimals written.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from haldenenergie import _io
from haldenenergie import export as E
from haldenenergie import suitability as S
from haldenenergie.cli import main
from haldenenergie.config import load_config

# --------------------------------------------------------------------------------------------------
# A small results folder: 6 heaps, registry GeoJSON and manifest written in tmp_path
# --------------------------------------------------------------------------------------------------

HEAPS = [
    # id, name, owner, access, nature, landmark, constraints, housing m, existing, lat, lon
    ("alpha", "Halde Älpha", "RVR", "open", None, None, None, 900.0, 0, 51.55, 7.10),
    ("beta", "Halde Beta", "RVR", "open", None, "Tetraeder", "MTB trail", None, 0, 51.52, 6.96),
    (
        "gamma",
        "Halde Gamma",
        "RAG (transfer to RVR by ~2035)",
        "closed",
        None,
        None,
        "under Bergaufsicht, closed",
        750.0,
        2,
        51.60,
        7.05,
    ),
    ("delta", "Halde Delta", "RVR", "open", "reserve", None, None, 800.0, 0, 51.58, 7.20),
    ("epsilon", "Halde Epsilon", "RVR", "unknown", None, None, None, 450.0, 0, None, None),
    ("zeta", "Halde Zeta", "RVR", "open", None, None, None, None, 0, 51.50, 7.30),
]


def write_registry(path: Path) -> Path:
    feats = []
    for hid, name, owner, access, nat, lm, cons, dist, n_ex, lat, lon in HEAPS:
        props = {
            "id": hid,
            "name": name,
            "city": "Essen",
            "owner": owner,
            "membership": "confirmed",
            "area_ha": 40.0,
            "height_rel_m": 50.0,
            "form": "table",
            "existing_wind_count": n_ex,
            "existing_wind_model": "Enercon E-82" if n_ex else None,
            "landmark": lm,
            "nature_protection": nat,
            "access": access,
            "constraints": cons,
            "housing_distance_m": dist,
            "sources": "test",
        }
        geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
        feats.append({"type": "Feature", "id": hid, "geometry": geom, "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def results_frame() -> pd.DataFrame:
    rows = []
    for i, (hid, name, owner, *_rest) in enumerate(HEAPS):
        lat, lon = _rest[-2], _rest[-1]
        n_ex = _rest[-3]
        area = [30.123456, 12.5, 20.0, 15.0, 0.0, 8.25][i]
        turb = [2, 0, 1, 1, 3, 1][i]
        yld = [905.4321, 880.0, 910.0, 900.0, np.nan, 870.5][i]
        pv_e = area * 0.75 * (yld if not np.isnan(yld) else 0.0)
        w_e = turb * [9876.54321, 0, 8000.0, 7000.0, 9000.0, 8500.0][i]
        rows.append(
            {
                "heap_id": hid,
                "name": name,
                "city": "Essen",
                "owner": owner,
                "terrain_source": "parametric",
                "footprint_area_ha": 40.0 + i,
                "relative_height_m": 50.5,
                "pv_usable_area_ha": area,
                "pv_capacity_mwp": area * 0.75,
                "pv_energy_mwh_per_a": pv_e,
                "pv_specific_yield_kwh_per_kwp": yld,
                "wind_turbines_new": turb,
                "wind_capacity_mw": turb * 4.2,
                "wind_energy_mwh_per_a": w_e,
                "wind_full_load_hours_h": w_e / (turb * 4.2) if turb else np.nan,
                "existing_wind_turbines": n_ex,
                "existing_wind_energy_mwh_per_a": n_ex * 5500.0,
                "assumptions": "area_ha=40 (default; test)" if i == 2 else "",
                "status": "ok",
                "lat": lat,
                "lon": lon,
                "total_energy_mwh_per_a": pv_e + w_e,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def folder(tmp_path) -> Path:
    """An unranked results folder whose manifest records the registry."""
    reg = write_registry(tmp_path / "reg.geojson")
    d = tmp_path / "out"
    d.mkdir()
    results_frame().to_csv(d / "results.csv", index=False)
    man = _io.manifest("run", [_io.file_record(reg, "registry")], load_config().to_dict())
    _io.write_json(d / "manifest.json", man)
    return d


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def ranked(folder) -> Path:
    r = invoke("rank", folder)
    assert r.exit_code == 0, r.output
    return folder


def no_traceback(r):
    return "Traceback" not in r.output


# --------------------------------------------------------------------------------------------------
# rank
# --------------------------------------------------------------------------------------------------


def test_rank_adds_columns_and_writes_ranking_and_totals(folder):
    before = pd.read_csv(folder / "results.csv")
    r = invoke("rank", folder)
    assert r.exit_code == 0, r.output
    assert "6 heaps ranked" in r.output and "reg.geojson" in r.output
    after = E.read_table(folder / "results.csv")
    assert after["heap_id"].tolist() == before["heap_id"].tolist()  # row order kept
    for c in (
        "class",
        "reasons",
        "reasons_de",
        "score",
        *S.SCORE_PARTS,
        "rank",
        "rank_best",
        "rank_worst",
        "robust_top",
    ):
        assert c in after.columns, c
    for c in before.columns:  # original columns kept, values unchanged
        if c == "assumptions":
            continue
        pd.testing.assert_series_equal(
            after[c], before[c], check_dtype=False, check_names=False, rtol=1e-12
        )
    cls = dict(zip(after["heap_id"], after["class"], strict=True))
    assert cls == {
        "alpha": "pv+wind",
        "beta": "pv",
        "gamma": "pv+wind",
        "delta": "unsuitable",
        "epsilon": "unsuitable",
        "zeta": "pv",
    }
    ranking = E.read_table(folder / "ranking.csv")
    assert ranking["heap_id"].is_unique and len(ranking) == 6
    assert ranking["rank"].iloc[:4].tolist() == [1, 2, 3, 4]
    totals = E.read_table(folder / "totals.csv")
    assert list(totals.columns) == list(S.TOTAL_COLUMNS)
    man = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert man["ranking"]["parameters"]["min_housing_distance_m"] == 600.0
    assert man["ranking"]["inputs"][0]["role"] == "registry"
    assert man["command"] == "run"  # the run's own record is kept
    # Ranking again gives the same files (idempotent).
    first = (folder / "results.csv").read_bytes()
    assert invoke("rank", folder).exit_code == 0
    assert (folder / "results.csv").read_bytes() == first


def test_rank_with_config_and_explicit_registry(folder, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[suitability]\nmin_housing_distance_m = 1000\n", "utf-8")
    other = write_registry(tmp_path / "other.geojson")
    r = invoke("rank", folder, "--config", cfg, "--heaps", other)
    assert r.exit_code == 0, r.output
    assert "other.geojson" in r.output
    res = E.read_table(folder / "results.csv")
    assert res.set_index("heap_id").loc["alpha", "class"] == "pv"  # 900 m < 1000 m


@pytest.mark.parametrize(
    "case, message",
    [
        ("no_dir", "no such results folder"),
        ("no_results", "results.csv: not found"),
        ("missing_col", "missing column(s) wind_turbines_new"),
        ("bad_config", "unknown key 'wieght_energy'"),
        ("bad_registry", "registry not found"),
    ],
)
def test_rank_errors_are_one_line_exit_1(folder, tmp_path, case, message):
    args = ["rank", folder]
    if case == "no_dir":
        args = ["rank", tmp_path / "nope"]
    elif case == "no_results":
        (folder / "results.csv").unlink()
    elif case == "missing_col":
        results_frame().drop(columns=["wind_turbines_new"]).to_csv(
            folder / "results.csv", index=False
        )
    elif case == "bad_config":
        p = tmp_path / "bad.toml"
        p.write_text("[suitability]\nwieght_energy = 3\n", "utf-8")
        args += ["--config", p]
    elif case == "bad_registry":
        args += ["--heaps", tmp_path / "missing.geojson"]
    r = CliRunner().invoke(main, [str(a) for a in args])
    assert r.exit_code == 1, r.output
    assert message in r.output and "error:" in r.output and no_traceback(r)


# --------------------------------------------------------------------------------------------------
# Committee CSV
# --------------------------------------------------------------------------------------------------


def _inverse_headers(columns, lang):
    return {h: c for c, h in E.header_map(columns, lang).items()}


def _unlabel(df, lang):
    for col, labels in E.VALUE_LABELS[lang].items():
        if col in df:
            inv = {v: k for k, v in labels.items()}
            df[col] = df[col].map(lambda v, inv=inv: inv.get(v, v))
    return df


def _compare(back: pd.DataFrame, res: pd.DataFrame, lang: str):
    """Every column of ``back`` equals ``res`` (in rank order) to the decimals exported."""
    res = S.sort_by_rank(res)
    assert back["heap_id"].tolist() == res["heap_id"].tolist()
    for c in back.columns:
        a, b = back[c], res[c]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            dec = E.COLUMN_INFO.get(c, (None,) * 4)[3]
            atol = 0.5 * 10.0**-dec + 1e-9 if dec is not None else 1e-9
            assert_allclose(
                pd.to_numeric(a, errors="coerce").to_numpy(float),
                b.to_numpy(float),
                atol=atol,
                rtol=1e-12,
                equal_nan=True,
                err_msg=c,
            )
        elif pd.api.types.is_bool_dtype(b):
            assert a.astype(bool).tolist() == b.tolist(), c
        else:
            assert a.fillna("").astype(str).tolist() == b.fillna("").astype(str).tolist(), c


def test_german_csv_reads_back_equal(ranked, tmp_path):
    out = tmp_path / "ranking_de.csv"
    r = invoke("export", ranked, "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    back = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    assert "PV-Leistung [MWp]" in back.columns and "Wind-Ertrag [MWh/a]" in back.columns
    assert "Punktzahl [Punkte]" in back.columns and "Begründung" in back.columns
    assert "Halde Älpha" in back["Name"].tolist()
    assert set(back["Eignung"]) <= set(S.CLASS_LABELS_DE.values())
    res = E.read_table(ranked / "results.csv")
    back = _unlabel(back.rename(columns=_inverse_headers(res.columns, "de")), "de")
    assert "reasons" not in back.columns and "reasons_de" in back.columns
    assert set(back.columns) == set(res.columns) - {"reasons"}
    _compare(back, res, "de")
    # A decimal comma really is in the file (not just parsed by luck).
    assert ";87503" not in raw.decode("utf-8-sig") and "," in raw.decode("utf-8-sig").split("\n")[1]


def test_english_csv_reads_back_equal(ranked, tmp_path):
    out = tmp_path / "ranking_en.csv"
    assert invoke("export", ranked, "--lang", "en", "--out", out).exit_code == 0  # from suffix
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert "PV capacity [MWp]" in back.columns and "Reasons" in back.columns
    res = E.read_table(ranked / "results.csv")
    back = _unlabel(back.rename(columns=_inverse_headers(res.columns, "en")), "en")
    _compare(back, res, "en")


# --------------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------------


def _sheet_frame(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.parametrize("lang", ["de", "en"])
def test_xlsx_sheets_headers_units_numbers(ranked, tmp_path, lang):
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
    sheet = _sheet_frame(ws).rename(columns=_inverse_headers(res.columns, lang))
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


# --------------------------------------------------------------------------------------------------
# GeoJSON
# --------------------------------------------------------------------------------------------------


def test_geojson_all_results_as_properties(ranked, tmp_path):
    out = tmp_path / "heaps.geojson"
    assert invoke("export", ranked, "--format", "geojson", "--out", out).exit_code == 0
    data = json.loads(out.read_text("utf-8"))  # strict JSON: no NaN
    res = E.read_table(ranked / "results.csv")
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(res)
    by = {f["id"]: f for f in data["features"]}
    assert by["epsilon"]["geometry"] is None
    assert by["alpha"]["geometry"] == {"type": "Point", "coordinates": [7.10, 51.55]}
    assert set(by["alpha"]["properties"]) == set(res.columns)
    a = res.set_index("heap_id").loc["alpha"]
    assert by["alpha"]["properties"]["class"] == "pv+wind"
    assert_allclose(
        by["alpha"]["properties"]["pv_energy_mwh_per_a"], a["pv_energy_mwh_per_a"], rtol=1e-15
    )
    assert by["delta"]["properties"]["rank"] is None


# --------------------------------------------------------------------------------------------------
# Safety and errors
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_never_overwrites_without_flag(ranked, tmp_path, fmt):
    out = tmp_path / f"x.{fmt}"
    out.write_text("keep me", "utf-8")
    r = CliRunner().invoke(main, ["export", str(ranked), "--format", fmt, "--out", str(out)])
    assert r.exit_code == 1 and "exists already" in r.output and "--overwrite" in r.output
    assert out.read_text("utf-8") == "keep me" and no_traceback(r)
    r = invoke("export", ranked, "--format", fmt, "--out", out, "--overwrite")
    assert r.exit_code == 0 and out.read_bytes() != b"keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".x.")]  # no temp left


def test_export_errors(folder, tmp_path):
    r = CliRunner().invoke(
        main, ["export", str(folder), "--format", "csv", "--out", str(tmp_path / "a.csv")]
    )
    assert r.exit_code == 1 and "run 'haldenenergie rank" in r.output and no_traceback(r)
    assert not (tmp_path / "a.csv").exists()
    r = CliRunner().invoke(main, ["export", str(folder), "--out", str(tmp_path / "a.txt")])
    assert r.exit_code == 1 and "pass --format" in r.output and no_traceback(r)
    r = CliRunner().invoke(
        main, ["export", str(folder), "--format", "pdf", "--out", str(tmp_path / "a.pdf")]
    )
    assert r.exit_code == 2 and no_traceback(r)  # usage error
    r = CliRunner().invoke(
        main,
        ["export", str(tmp_path / "none"), "--format", "csv", "--out", str(tmp_path / "b.csv")],
    )
    assert r.exit_code == 1 and "no such results folder" in r.output and no_traceback(r)


def test_assumptions_without_manifest_use_defaults():
    t = E.assumptions_table({})
    assert {"pv", "wind", "suitability"} <= set(t["section"])
    assert t["source"].astype(str).str.len().gt(0).any()
    assert E.manifest_table({})["value"].iloc[0].startswith("no manifest")


# --------------------------------------------------------------------------------------------------
# LibreOffice (integration; skips where soffice is absent)
# --------------------------------------------------------------------------------------------------


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
def test_libreoffice_opens_both_and_numbers_survive(ranked, tmp_path):
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
    sheet = _sheet_frame(ws).rename(columns=_inverse_headers(res.columns, "de"))
    for c, dec in (
        ("pv_capacity_mwp", 2),
        ("pv_energy_mwh_per_a", 1),
        ("score", 3),
        ("wind_energy_mwh_per_a", 1),
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
    back = pd.read_csv(out).rename(columns=_inverse_headers(res.columns, "de"))
    for c in ("pv_capacity_mwp", "pv_energy_mwh_per_a", "score", *S.SCORE_PARTS):
        assert_allclose(
            back[c].to_numpy(float), res[c].to_numpy(float), rtol=1e-9, equal_nan=True, err_msg=c
        )
    assert back["heap_id"].tolist() == res["heap_id"].tolist()


def test_every_result_column_has_a_label_in_both_languages():
    """A committee reads no raw column names: every column the pipeline, the wind stage and the
    ranking write has a German and an English header (with the unit where it has one)."""
    from haldenenergie.pipeline import RESULT_COLUMNS

    wind_extra = (
        "wind_rotor_diameter_m",
        "wind_hub_height_above_surroundings_m",
        "wind_speedup_fraction",
        "wind_wake_loss_fraction",
        "wind_atlas_factor",
        "existing_wind_turbine_type",
        "existing_wind_capacity_mw",
        "existing_wind_full_load_hours_h",
    )
    cols = [*RESULT_COLUMNS, *wind_extra, *S.RANK_COLUMNS]
    missing = [c for c in cols if c not in E.COLUMN_INFO]
    assert not missing, missing
    for c in cols:
        de, en = E.column_header(c, "de"), E.column_header(c, "en")
        assert c not in (de, en) and "_" not in de and "_" not in en, (c, de, en)
    assert E.column_header("summit_elevation_m", "de") == "Gipfelhöhe ü. NHN [m]"
    assert E.column_header("existing_wind_capacity_mw", "en") == "Existing wind capacity [MW]"
    df = E.committee_frame(pd.DataFrame({"heap_id": ["a"], "weather_partial": [False]}), "de")
    assert df["weather_partial"].tolist() == ["nein"]
