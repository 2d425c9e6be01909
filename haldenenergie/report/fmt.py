"""Formatting of numbers, times and text for the report's HTML (German and English)."""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def isnum(x: Any) -> bool:
    """Whether ``x`` is a finite number (not a bool)."""
    return (
        isinstance(x, (int, float, np.integer, np.floating))
        and not isinstance(x, bool)
        and math.isfinite(float(x))
    )


def is_float(s: str) -> bool:
    """Whether the text ``s`` reads as a float."""
    try:
        float(s)
        return True
    except ValueError:
        return False


def maybe_float(v: str) -> Any:
    """``v`` as float if it reads as one, else unchanged."""
    return float(v) if is_float(v) else v


def fmt_number(x: Any, decimals: int = 0, lang: str = "de") -> str:
    """Format a number with grouping for ``lang`` (de: ``1.234,5``; en: ``1,234.5``).

    Missing or non-finite values give ``–``; a text that is not a number is returned as it is.

    Parameters
    ----------
    x : Any
        The number (or a text holding one).
    decimals : int
        Decimal places.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> fmt_number(12345.678, 1, "de"), fmt_number(12345.678, 1, "en")
    ('12.345,7', '12,345.7')
    """
    if x is None or (isinstance(x, str) and not x.strip()):
        return "–"
    if isinstance(x, str):
        try:
            x = float(x)
        except ValueError:
            return x
    if not isnum(x):
        return "–"
    s = f"{float(x):,.{max(decimals, 0)}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]
    if lang == "de":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def esc(x: Any) -> str:
    """HTML-escape any value (``–`` for missing)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return html.escape(str(x), quote=True)


def slug(text: str) -> str:
    """``text`` reduced to characters safe in an HTML id (``x`` if nothing is left)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(text)).strip("-") or "x"


_URL_RE = re.compile(r"(https?://[^\s;,|()\"'<>]+)")


def linkify(text: str) -> str:
    """Escape ``text`` and make its http(s) URLs clickable (links are followed only on click)."""
    parts = _URL_RE.split(str(text))
    out = []
    for i, p in enumerate(parts):
        if i % 2:
            out.append(f'<a href="{esc(p)}" rel="noreferrer">{esc(p)}</a>')
        else:
            out.append(esc(p))
    return "".join(out)


def split_list(text: Any) -> list[str]:
    """Split a ``;`` or ``|`` separated text into its items (empty list for missing)."""
    if text is None or (isinstance(text, float) and not math.isfinite(text)):
        return []
    s = str(text).strip()
    if not s:
        return []
    sep = ";" if ";" in s else ("|" if "|" in s else None)
    items = [p.strip() for p in s.split(sep)] if sep else [s]
    return [p for p in items if p]


def get(row: Mapping | pd.Series | None, key: str) -> Any:
    """``row[key]``, or None where the key is missing or the value is NaN/NA."""
    if row is None:
        return None
    try:
        v = row[key]
    except (KeyError, IndexError):
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NA:
        return None
    return v


def fmt_time(iso: Any) -> str:
    """``2025-11-26T10:00:00+00:00`` → ``2025-11-26 10:00 UTC`` (unchanged if not ISO)."""
    try:
        t = _dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso) if iso else "–"
    if t.tzinfo is not None:
        t = t.astimezone(_dt.UTC)
        return t.strftime("%Y-%m-%d %H:%M UTC")
    return t.strftime("%Y-%m-%d %H:%M")


def report_time() -> str:
    """Report date: ``SOURCE_DATE_EPOCH`` if set (reproducible builds convention), else now.

    ``SOURCE_DATE_EPOCH`` is the Reproducible Builds project's variable
    (https://reproducible-builds.org/specs/source-date-epoch/), seconds since 1970 [s, UTC].
    """
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.strip().isdigit():
        t = _dt.datetime.fromtimestamp(int(sde), _dt.UTC)
    else:
        t = _dt.datetime.now(_dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M UTC")


def param_value(v: Any, lang: str) -> str:
    """A parameter value as text: numbers to four significant digits, lists and tables inline."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isnum(v):
        f = float(v)
        if f.is_integer():
            return fmt_number(f, 0, lang)
        # Four significant digits, trailing zeros dropped: 0.75 → "0,75", 0.0035 → "0,0035".
        dec = min(8, max(0, 3 - math.floor(math.log10(abs(f)))))
        text = f"{f:.{dec}f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang == "de" else text
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(param_value(x, lang) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{k}: {param_value(x, lang)}" for k, x in v.items()) + "}"
    return str(v)
