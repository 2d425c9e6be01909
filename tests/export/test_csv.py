"""Committee CSV: German and English files read back equal to the results."""

from __future__ import annotations

import pandas as pd
from numpy.testing import assert_allclose

from haldenenergie import export as E
from haldenenergie import suitability as S


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


def test_german_csv_reads_back_equal(ranked, tmp_path, invoke, inverse_headers):
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
    back = _unlabel(back.rename(columns=inverse_headers(res.columns, "de")), "de")
    assert "reasons" not in back.columns and "reasons_de" in back.columns
    assert set(back.columns) == set(res.columns) - {"reasons"}
    _compare(back, res, "de")
    # A decimal comma really is in the file (not just parsed by luck).
    assert ";87503" not in raw.decode("utf-8-sig") and "," in raw.decode("utf-8-sig").split("\n")[1]


def test_english_csv_reads_back_equal(ranked, tmp_path, invoke, inverse_headers):
    out = tmp_path / "ranking_en.csv"
    assert invoke("export", ranked, "--lang", "en", "--out", out).exit_code == 0  # from suffix
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert "PV capacity [MWp]" in back.columns and "Reasons" in back.columns
    res = E.read_table(ranked / "results.csv")
    back = _unlabel(back.rename(columns=inverse_headers(res.columns, "en")), "en")
    _compare(back, res, "en")
