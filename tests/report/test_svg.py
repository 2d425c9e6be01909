"""Tests of the HTML report (issue 7): inline per-heap SVG charts."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from haldenenergie.report.data import SECTORS
from haldenenergie.report.svg import rose_svg


def test_rose_is_area_true():
    by = pd.DataFrame({"gross": 0.0, "usable": 0.0}, index=[*SECTORS, "flat"])
    by.loc["S", ["gross", "usable"]] = [4.0, 4.0]
    by.loc["E", ["gross", "usable"]] = [1.0, 1.0]
    svg = rose_svg(by, "en", size=170)
    radii = [float(m) for m in re.findall(r"A([\d.]+),", svg)]
    assert max(radii) == pytest.approx(170 / 2 - 16, abs=0.05)
    # Four times the area → twice the radius (area of a sector ∝ r²).
    assert max(radii) / min(radii) == pytest.approx(2.0, rel=2e-3)
