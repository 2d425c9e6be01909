"""Tests of haldenenergie.suitability.values: blank tests and number formatting."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from haldenenergie.suitability.values import fmt_num, fmt_value, is_blank, number


def test_blank_values():
    for v in (None, math.nan, np.nan, "", "  ", pd.NA, pd.NaT):
        assert is_blank(v), repr(v)
    for v in (0, 0.0, "x", "reserve", [1, 2], {"a": 1}):
        assert not is_blank(v), repr(v)


def test_numbers_and_formatting():
    assert number({"a": "12.5"}, "a") == 12.5
    assert math.isnan(number({"a": "n/a"}, "a")) and math.isnan(number({}, "a"))
    assert fmt_num(12345.678, 1) == "12,345.7" and fmt_num(12345.678, 1, "de") == "12.345,7"
    assert fmt_value(3.0) == "3" and fmt_value(" Tetraeder ") == "Tetraeder"
    assert fmt_value("x" * 100) == "x" * 77 + "..."
