"""JSON helpers of the registry checker: strict parsing and short value descriptions."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any


class JsonObject(dict):
    """A JSON object that remembers keys given twice (json keeps only the last silently)."""

    duplicate_keys: tuple[str, ...] = ()


def object_pairs(pairs: list[tuple[str, Any]]) -> JsonObject:
    """``object_pairs_hook`` for :func:`json.loads` that records duplicate keys."""
    obj = JsonObject(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        obj.duplicate_keys = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def reject_constant(name: str):
    """``parse_constant`` for :func:`json.loads`: NaN and Infinity are not JSON (RFC 8259)."""
    raise ValueError(f"{name} is not a valid JSON number")


def is_number(v: Any) -> bool:
    """True for a JSON number (int or float, not bool)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def json_type(v: Any) -> str:
    """The JSON name of a parsed value's type (``null``, ``array``, ``string``, ...)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return {list: "array", str: "string", dict: "object"}.get(type(v), type(v).__name__)


def short(v: Any, n: int = 60) -> str:
    """``v`` as JSON, cut to ``n`` characters."""
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[: n - 3] + "..."


def slugify(text: str) -> str:
    """An ASCII slug for ``text`` (German umlauts transliterated: ä -> ae, ß -> ss)."""
    t = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "heap"
