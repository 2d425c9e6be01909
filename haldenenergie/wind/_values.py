"""Small value helpers shared by the wind modules."""

from __future__ import annotations

from typing import Any


def num(x: Any) -> float:
    """``float(x)``, or NaN where ``x`` is None or not a number."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")
