"""Report section 6: the wind calibration table in the report's language (issue 12, part 1)."""

from __future__ import annotations

import html
import re

from haldenenergie.report.honest import calibration_block

CAL = {
    "method": "none",
    "applied": False,
    "factor": 1.0288,
    "rows": [
        {
            "heap_id": "hoppenbruch",
            "reported_mwh_per_a": 6700.0,
            "modelled_mwh_per_a": 6055.0,
            "ratio": 0.904,
            "ratio_calibrated": 0.966,
            "loo_ratio": 0.938,
            "flags": [],
            "used_in_fit": True,
        },
        {
            "heap_id": "kohlenhuck",
            "reported_mwh_per_a": 32000.0,
            "modelled_mwh_per_a": 27010.0,
            "ratio": 0.844,
            "ratio_calibrated": 0.897,
            "loo_ratio": 0.897,
            "flags": ["hub assumed", "type substitute"],
            "used_in_fit": False,
        },
    ],
    "loo_error_pct": 5.74,
    "note": "hub wind x1.029 fitted on hoppenbruch; excluded (assumed data, predicted only): "
    "kohlenhuck; not applied",
}


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def test_german_table_has_calibrated_and_leave_one_out_ratios_and_flags():
    t = _text(calibration_block({"wind_calibration": CAL}, "de"))
    assert "Verfahren: keines (nur berichtet); angewendet: nein; Faktor: 1,029" in t
    assert "kalibriert" in t and "ohne diese Halde angepasst" in t and "in der Anpassung" in t
    assert "hoppenbruch 6.700 6.055 0,90 0,97 0,94 ja" in t
    assert "kohlenhuck 32.000 27.010 0,84 0,90 0,90 nein Nabenhöhe angenommen, Ersatzkennlinie" in t
    # the note is German, built from the rows, not the manifest's English note
    assert "Windgeschwindigkeit in Nabenhöhe × 1,029, angepasst an hoppenbruch" in t
    assert "ausgeschlossen (Anlagendaten angenommen, nur vorhergesagt): kohlenhuck" in t
    assert "fitted on" not in t and "not applied" not in t


def test_english_table_and_applied_note():
    cal = dict(CAL, method="existing-turbines", applied=True)
    t = _text(calibration_block({"wind_calibration": cal}, "en"))
    assert "Method: existing turbines (applied to new turbines); applied: yes" in t
    assert (
        "kohlenhuck 32,000 27,010 0.84 0.90 0.90 no hub height assumed, substitute power curve" in t
    )
    assert t.rstrip().endswith("applied to the new turbines")


def test_rows_without_fit_details_keep_the_manifest_note():
    """An older manifest (rows without used_in_fit) shows its own note and the columns it has."""
    rows = [{"heap_id": "x", "reported_mwh_per_a": 1.0, "modelled_mwh_per_a": 2.0, "ratio": 2.0}]
    cal = {"method": "ratio of sums", "applied": False, "factor": 0.5, "rows": rows,
           "loo_error_pct": float("nan"), "note": "old note"}  # fmt: skip
    t = _text(calibration_block({"wind_calibration": cal}, "de"))
    assert "old note" in t and "ratio of sums" in t and "kalibriert" not in t
