"""Tests of the HTML report (issue 7): number formats."""

from __future__ import annotations

from haldenenergie.report.fmt import fmt_number


def test_fmt_number():
    assert fmt_number(1234567.891, 1, "de") == "1.234.567,9"
    assert fmt_number(1234567.891, 1, "en") == "1,234,567.9"
    assert fmt_number(-0.04, 1, "de") == "0,0"
    assert fmt_number(float("nan")) == "–" and fmt_number(None) == "–"


def test_households_are_shown_to_hundreds_as_in_the_exports():
    from haldenenergie.report.columns import fmt_value

    assert fmt_value("households", 315534.29, "de") == "315.500"
    assert fmt_value("households", 315534.29, "en") == "315,500"
