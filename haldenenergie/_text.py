"""Small text helpers for one-line messages."""

from __future__ import annotations

from collections.abc import Iterable


def first_and_more(items: Iterable, max_n: int) -> str:
    """``"a, b, c and 4 more"``: the first ``max_n`` items of a list for a one-line message."""
    items = [str(i) for i in items]
    shown = ", ".join(items[:max_n])
    return shown + (f" and {len(items) - max_n} more" if len(items) > max_n else "")
