"""Small value helpers of the suitability stage: blank tests, numbers and their formatting.

Light on purpose (no pandas import), so that the rule table and the config section can use them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any


def is_blank(v: Any) -> bool:
    """True for a missing value: None, NaN, an empty or blank text, or a pandas missing value.

    pandas is consulted only if it is already imported: without it, no pandas missing value
    (``pd.NA``, ``NaT``) can exist, so the answer is the same and the import is saved.
    """
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, str) and not v.strip():
        return True
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return False
    try:
        return bool(pandas.isna(v))
    except (TypeError, ValueError):
        return False


def number(row: Mapping[str, Any], key: str) -> float:
    """``row[key]`` as a float; NaN if it is missing, blank or not a number."""
    v = row.get(key)
    if is_blank(v):
        return math.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def fmt_value(v: Any) -> str:
    """A registry value as quoted in a reason (whole floats without decimals, <= 80 chars)."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s if len(s) <= 80 else s[:77] + "..."


def fmt_num(x: float, decimals: int = 0, lang: str = "en") -> str:
    """``x`` with thousands separators: ``1,234.5`` (en) or ``1.234,5`` (de)."""
    s = f"{x:,.{decimals}f}"
    if lang == "de":
        s = s.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
    return s
