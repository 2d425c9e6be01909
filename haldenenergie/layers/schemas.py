"""Schema mappings of the constraint layers: which features of a published data set are of a kind.

The mappings ship as data (``haldenenergie/data/layer_schemas.toml``, each with its public source);
a user TOML file (``[layers] schemas_path``) extends or overrides them. This module reads and merges
them, detects the schema of a vector table and selects the features of a kind. It imports pandas
only inside the functions that need it.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..resources import data_path
from .config import KINDS
from .errors import LayerError

#: File name of the shipped schema mappings in ``haldenenergie/data/``.
SCHEMAS_NAME = "layer_schemas.toml"
#: Schema name of a vector file with none of the schema attributes: all features are the kind.
PLAIN = "plain"
#: Keys of a rule table.
RULE_KEYS = ("key", "values", "pattern", "min", "max", "all")


def load_schemas(user_path: str | Path = "") -> dict[str, Any]:
    """The schema mappings: the shipped TOML, extended / overridden by a user TOML file.

    Parameters
    ----------
    user_path : str or Path
        A TOML file in the layout of ``layer_schemas.toml`` (``''`` = none). A new schema table is
        added (tried before the shipped ones); a kind's rule list replaces the shipped list.

    Returns
    -------
    dict
        ``{"order": [vector schema names], name: table, ...}``.

    Raises
    ------
    LayerError
        The user file is missing, not TOML, or a rule is malformed.
    """
    return _load_schemas_cached(str(user_path or ""))


@functools.lru_cache(maxsize=8)
def _load_schemas_cached(user_path: str) -> dict[str, Any]:
    base = _read_toml(data_path(SCHEMAS_NAME), "shipped layer schemas")
    if not user_path:
        _check_schemas(base, str(data_path(SCHEMAS_NAME)))
        return base
    user = _read_toml(Path(user_path), "[layers] schemas_path")
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    order = list(base.get("order", []))
    for name, table in user.items():
        if name == "order":
            continue
        if not isinstance(table, dict):
            raise LayerError(
                f"{user_path}: '{name}' must be a table of a schema; see {SCHEMAS_NAME}"
            )
        if name not in merged:
            merged[name] = {}
            if table.get("kind") != "raster":
                order.insert(0, name)
        merged[name].update(table)
    merged["order"] = list(user.get("order", order))
    _check_schemas(merged, user_path)
    return merged


def _read_toml(p: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayerError(f"{p}: {what}: file not found; check the path") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LayerError(f"{p}: {what}: cannot read as TOML ({exc}); fix the file") from None


def _check_schemas(schemas: Mapping[str, Any], origin: str) -> None:
    """Raise LayerError for a rule that is not a table of the known keys."""
    for name in schemas.get("order", []):
        table = schemas.get(name)
        if not isinstance(table, dict) or not isinstance(table.get("detect"), list):
            raise LayerError(
                f"{origin}: schema '{name}' in 'order' needs a table with a 'detect' list"
            )
        for kind in KINDS:
            for i, rule in enumerate(table.get(kind, [])):
                _check_rule(rule, f"{origin}: [{name}] {kind} rule {i}")


def _check_rule(rule: Any, where: str) -> None:
    if not isinstance(rule, dict) or not rule:
        raise LayerError(
            f"{where}: must be a table like {{ key = 'landuse', values = ['forest'] }}"
        )
    unknown = set(rule) - set(RULE_KEYS)
    if unknown:
        raise LayerError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; use {', '.join(RULE_KEYS)}"
        )
    if "all" in rule:
        for j, sub in enumerate(rule["all"]):
            _check_rule(sub, f"{where}.all[{j}]")
    elif "key" not in rule:
        raise LayerError(f"{where}: needs 'key' (the attribute name) or 'all'")
    if "pattern" in rule:
        try:
            re.compile(str(rule["pattern"]))
        except re.error as exc:
            raise LayerError(f"{where}: pattern is not a regular expression ({exc})") from None


def vector_schemas(schemas: Mapping[str, Any]) -> list[str]:
    """Names of the vector schemas, in detection order."""
    return [n for n in schemas.get("order", []) if isinstance(schemas.get(n), dict)]


def detect_vector_schema(columns, schemas: Mapping[str, Any]) -> str:
    """The schema whose ``detect`` attributes a table has, or :data:`PLAIN` for none.

    Parameters
    ----------
    columns : iterable of str
        The table's attribute names, lower case.
    schemas : mapping
        From :func:`load_schemas`.
    """
    cols = set(columns)
    for name in vector_schemas(schemas):
        if cols & set(schemas[name].get("detect", [])):
            return name
    return PLAIN


def describe_rules(rules) -> str:
    """Short text of a kind's rules for messages, e.g. ``landuse=forest|natural=wood``."""
    parts = []
    for r in rules:
        if "all" in r:
            parts.append("&".join(describe_rules([s]) for s in r["all"]))
            continue
        key = r["key"][0] if isinstance(r["key"], list) else r["key"]
        if "values" in r:
            parts.append(f"{key}={','.join(map(str, r['values']))}")
        elif "pattern" in r:
            parts.append(f"{key}~/{r['pattern']}/i")
        else:
            parts.append(f"{key} in [{r.get('min', '')}, {r.get('max', '')}]")
    return "|".join(parts)


def select_kind(table, rules) -> Any:
    """Boolean mask: the rows of ``table`` (pandas DataFrame, lower-case columns) of a kind.

    A row is of the kind if any rule matches (see ``layer_schemas.toml`` for the rule keys).
    """
    import numpy as np
    import pandas as pd

    mask = np.zeros(len(table), dtype=bool)
    for rule in rules:
        mask |= _match(table, rule)
    return pd.Series(mask, index=table.index)


def _match(table, rule) -> Any:
    import numpy as np

    if "all" in rule:
        m = np.ones(len(table), dtype=bool)
        for sub in rule["all"]:
            m &= _match(table, sub)
        return m
    keys = rule["key"] if isinstance(rule["key"], list) else [rule["key"]]
    col = next((k for k in keys if k in table.columns), None)
    if col is None:
        return np.zeros(len(table), dtype=bool)
    text = [_as_text(v) for v in table[col].tolist()]
    m = np.array([t is not None for t in text], dtype=bool)
    if "values" in rule:
        m &= _match_values(text, rule["values"])
    if "pattern" in rule:
        rx = re.compile(str(rule["pattern"]), re.IGNORECASE)
        m &= np.array([t is not None and rx.search(t) is not None for t in text], dtype=bool)
    if "min" in rule or "max" in rule:
        lo, hi = float(rule.get("min", -math.inf)), float(rule.get("max", math.inf))
        m &= np.array([_in_range(t, lo, hi) for t in text], dtype=bool)
    return m


def _match_values(text: list, values: list) -> Any:
    import numpy as np

    accepted = {_as_text(v) for v in values}
    if "*" in accepted:
        return np.array([t not in (None, "no") for t in text], dtype=bool)
    return np.array([t in accepted for t in text], dtype=bool)


def _in_range(t: str | None, lo: float, hi: float) -> bool:
    try:
        return t is not None and lo <= float(t) <= hi
    except ValueError:
        return False


def _as_text(v: Any) -> str | None:
    """A cell as text: None if missing/empty; integral numbers without '.0' (43002.0 -> 43002)."""
    if v is None:
        return None
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if v.is_integer():
            return str(int(v))
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return str(v)
    s = str(v).strip()
    if s.endswith(".0") and s[:-2].lstrip("-").isdigit():
        s = s[:-2]
    return s or None
