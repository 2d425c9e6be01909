"""Tests of the HTML report (issue 7): number formats."""

from __future__ import annotations

from haldenenergie.report.fmt import fmt_number


def test_fmt_number():
    assert fmt_number(1234567.891, 1, "de") == "1.234.567,9"
    assert fmt_number(1234567.891, 1, "en") == "1,234,567.9"
    assert fmt_number(-0.04, 1, "de") == "0,0"
    assert fmt_number(float("nan")) == "–" and fmt_number(None) == "–"
