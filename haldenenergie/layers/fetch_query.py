"""The tag filters of ``layers fetch-osm``'s Overpass query, derived from the ``[osm]`` schema.

:func:`osm_tag_filters` turns every rule of every kind of the ``[osm]`` table the reader applies
into Overpass QL filters that select at least what the rule matches; :func:`ere_superset`
translates a rule's Python regex into an Overpass (POSIX ERE) one. Used by
:func:`haldenenergie.layers.fetch_plan.overpass_query`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .config import KINDS
from .errors import LayerError

# --- tag filters: derived from the [osm] schema the reader applies --------------------------------
#
# The query asks for what the reader maps, and nothing is hand-kept here: every rule of every kind
# of the ``[osm]`` table of the loaded schemas (``haldenenergie/data/layer_schemas.toml``, extended
# by ``[layers] schemas_path``; :func:`haldenenergie.layers.schemas.load_schemas`) becomes Overpass
# QL tag filters that select AT LEAST the elements the rule matches (a superset); the reader
# applies the exact rule to the fetched file. Overpass QL tag filters (OSM wiki, "Overpass
# API/Overpass QL", sections "By tag (has-kv)" and "Escaping"): ``["k"]`` the key exists,
# ``["k"="v"]`` equal value, ``["k"~"re"]`` value matches a regular expression, ``["k"~"re",i]``
# case-insensitively; filters written one after the other (``[a][b]``) must all hold; a string
# escapes ``"`` and ``\`` with a backslash (so the regex ``\.`` is written ``"\\."``).

#: Characters with a meaning in a POSIX extended regular expression (POSIX.1-2017, XBD 9.4.3,
#: "ERE Special Characters"), escaped with a backslash in exact-value filters.
ERE_SPECIAL = frozenset(".[]()*+?{}|^$\\")

#: Python quantifier ``{m}``, ``{m,}``, ``{,n}``, ``{m,n}`` (Python docs, ``re``, "Regular
#: Expression Syntax").
_QUANTIFIER = re.compile(r"\{(\d*)(,(\d*))?\}")
#: Inline flags that may be dropped: ``i`` (the filter is case-insensitive anyway), ``a``, ``u``,
#: ``L`` (they change only ``\w \d \s \b``, translated to ``.`` or dropped), ``s`` (an ERE ``.``
#: matches a newline already). ``m`` and ``x`` change what the rest means: refused.
_DROPPABLE_FLAGS = frozenset("iauLs-")


def _ql_string(text: str) -> str:
    """``text`` as an Overpass QL double-quoted string (Overpass QL wiki, "Escaping")."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def ere_escape(value: str) -> str:
    """``value`` as a POSIX ERE that matches exactly these characters (specials backslashed)."""
    return "".join("\\" + c if c in ERE_SPECIAL else c for c in value)


def _value_text(v: Any) -> str:
    """A schema value as the reader compares it (its own conversion: 43002.0 -> '43002')."""
    from .schemas import _as_text

    return _as_text(v) or ""


def _bracket_end(p: str, i: int, where: str) -> int:
    """Index after the bracket expression ``[...]`` that starts at ``p[i]``."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1  # a leading ']' is a member (Python and POSIX alike)
    while j < len(p) and p[j] != "]":
        if p[j] == "\\" or p[j : j + 2] in ("[:", "[=", "[."):
            raise LayerError(
                f"{where}: pattern {p!r}: a backslash or '[:' inside [...] has no equivalent "
                "in an Overpass (POSIX ERE) regex; write the set without escapes, e.g. [0-9a-z]"
            )
        j += 1
    if j >= len(p):
        raise LayerError(f"{where}: pattern {p!r}: '[' without ']'; fix the pattern")
    return j + 1


def _group_end(p: str, i: int, where: str) -> int:
    """Index after the group whose '(' is at ``p[i]`` (escapes and [...] skipped)."""
    depth, j = 0, i
    while j < len(p):
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _bracket_end(p, j, where)
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        j += 1
        if depth == 0:
            return j
    raise LayerError(f"{where}: pattern {p!r}: '(' without ')'; fix the pattern")


def _escape_to_ere(p: str, i: int, where: str) -> tuple[str, int]:
    """The ERE (superset) of the escape whose backslash is ``p[i]``, and the index after it."""
    if i + 1 >= len(p):
        raise LayerError(f"{where}: pattern {p!r} ends with a backslash; fix the pattern")
    c = p[i + 1]
    if c in "bB":
        return "", i + 2  # word boundary: zero-width, dropping it widens the match
    if c in "AZ":
        return {"A": "^", "Z": "$"}[c], i + 2
    if c in "dDwWsS":
        # a one-character class: '.' (any character) is a superset of each
        return ".", i + 2
    if c in "nt":
        return {"n": "\n", "t": "\t"}[c], i + 2
    m = re.match(r"x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})", p[i + 1 :])
    if m:
        return ere_escape(chr(int(m.group(1) or m.group(2), 16))), i + 1 + m.end()
    if c.isalnum():
        raise LayerError(
            f"{where}: pattern {p!r}: escape '\\{c}' (a back-reference or class) has no "
            "equivalent in an Overpass (POSIX ERE) regex; rewrite the pattern without it"
        )
    return ("\\" + c if c in ERE_SPECIAL else c), i + 2


def _group_open_to_ere(p: str, i: int, where: str) -> tuple[str | None, int]:
    """The ERE of the group opening at ``p[i]`` (None: drop the group) and the index after it."""
    if not p.startswith("(?", i):
        return "(", i + 1
    rest = p[i + 2 :]
    if rest.startswith((":", ">")):  # non-capturing / atomic: a plain group
        return "(", i + 3
    if rest.startswith("P<"):
        close = p.find(">", i)
        return "(", close + 1
    if rest.startswith(("=", "!", "<=", "<!", "#")):
        return None, i  # lookaround or comment: zero-width, dropped
    m = re.match(r"([a-zA-Z-]*)([:)])", rest)
    if m and set(m.group(1)) <= _DROPPABLE_FLAGS:
        if m.group(2) == ")":
            return "", i + 2 + m.end()  # (?i) etc.: a global flag, no group
        return "(", i + 2 + m.end()
    raise LayerError(
        f"{where}: pattern {p!r}: group '{p[i : i + 5]}...' (back-reference, conditional or "
        "flag m/x) has no equivalent in an Overpass (POSIX ERE) regex; rewrite the pattern"
    )


def ere_superset(pattern: str, where: str = "pattern") -> str:
    r"""A POSIX ERE, for Overpass ``["k"~"...",i]``, matching at least what ``pattern`` matches.

    The reader searches ``pattern`` (Python ``re``, case-insensitively) in a tag value. Overpass
    QL regular expressions are POSIX extended regular expressions as Overpass implements them
    (OSM wiki, "Overpass API/Overpass QL", section "Value matches regular expression"; ``,i``
    for case-insensitive): no ``\b``, ``\d``, ``(?:``, lookarounds or lazy quantifiers. The
    translation keeps what both share (literals, ``.``, ``^``, ``$``, ``|``, groups, ``* + ?
    {m,n}``, ``[...]`` without escapes) and widens the rest so that it selects a SUPERSET:
    zero-width assertions (``\b``, ``\B``, lookarounds) are dropped, ``\d \w \s`` and their
    negations become ``.``, lazy/possessive quantifiers and atomic groups become plain ones,
    ``(?:...)``/``(?P<n>...)`` plain groups. The reader applies the exact pattern afterwards,
    e.g. ``halde\b`` is fetched as ``halde`` (also "Haldenstraße") and read as the word.

    Parameters
    ----------
    pattern : the schema's ``pattern`` (Python regular expression).
    where : the rule, for messages.

    Returns
    -------
    str : the ERE ('' = any value: the filter is then the key alone).

    Raises
    ------
    LayerError : a construct without a superset translation (back-references, conditionals,
        flags ``m``/``x``, escapes inside ``[...]``), naming the rule.
    """
    p, out, i = str(pattern), [], 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            piece, i = _escape_to_ere(p, i, where)
        elif c == "[":
            j = _bracket_end(p, i, where)
            piece, i = p[i:j], j
        elif c == "(":
            piece, i = _group_open_to_ere(p, i, where)
            if piece is None:  # dropped zero-width group
                i = _group_end(p, i, where)
                piece = ""
        elif c == "{":
            m = _QUANTIFIER.match(p, i)
            if m:
                lo, comma, hi = m.group(1) or "0", m.group(2), m.group(3) or ""
                piece, i = "{" + lo + ("," + hi if comma else "") + "}", m.end()
            else:
                piece, i = "\\{", i + 1  # Python: a '{' that is no quantifier is a literal
        else:
            piece, i = c, i + 1
        if piece in ("*", "+", "?") or piece.startswith("{") and piece != "\\{":
            if not out or out[-1] in ("", "(", "|"):
                raise LayerError(
                    f"{where}: pattern {p!r}: a quantifier follows an assertion or nothing "
                    "(no equivalent in an Overpass regex); rewrite the pattern"
                )
            if i < len(p) and p[i] in "?+":
                i += 1  # lazy '?' / possessive '+': the same values match
        out.append(piece)
    ere = "".join(out)
    try:  # the subset emitted is also Python syntax: a last check of the structure
        re.compile(ere)
    except re.error as exc:
        raise LayerError(
            f"{where}: pattern {p!r} gives the Overpass regex {ere!r}, which is malformed "
            f"({exc}); rewrite the pattern"
        ) from None
    return ere


def _rule_chains(rule: Mapping[str, Any], where: str) -> list[tuple[tuple, ...]]:
    """A rule as alternatives (OR) of filter chains (AND), each a tuple of atoms.

    Atoms: ``("has", k)``, ``("values", k, frozenset)``, ``("re", k, ere)``. A key list gives one
    alternative per key (the reader uses the first present one: each alternative is a superset of
    its share); ``all`` the product of its sub-rules' alternatives.
    """
    if "all" in rule:
        chains: list[tuple[tuple, ...]] = [()]
        for j, sub in enumerate(rule["all"]):
            subs = _rule_chains(sub, f"{where}.all[{j}]")
            chains = [c + s for c in chains for s in subs]
        return chains
    keys = rule["key"] if isinstance(rule["key"], list) else [rule["key"]]
    chains = []
    for key in (str(k) for k in keys):
        atoms: list[tuple] = []
        values = {_value_text(v) for v in rule.get("values", [])}
        if "values" in rule and "*" not in values:
            atoms.append(("values", key, frozenset(values)))
        if "pattern" in rule:
            ere = ere_superset(str(rule["pattern"]), where)
            if ere:
                atoms.append(("re", key, ere))
        # "*" (any value but empty and "no") and min/max (numbers; Overpass tag filters compare
        # text only) are asked for as the key alone: a superset, the reader keeps the rule's
        atoms = atoms or [("has", key)]
        chains.append(tuple(atoms))
    return chains


def _atom_ql(atom: tuple) -> str:
    if atom[0] == "has":
        return f"[{_ql_string(atom[1])}]"
    if atom[0] == "re":
        return f"[{_ql_string(atom[1])}~{_ql_string(atom[2])},i]"
    values = sorted(atom[2])
    if len(values) == 1:
        return f"[{_ql_string(atom[1])}={_ql_string(values[0])}]"
    alternatives = "|".join(ere_escape(v) for v in values)
    return f"[{_ql_string(atom[1])}~{_ql_string('^(' + alternatives + ')$')}]"


def osm_tag_filters(
    schemas: Mapping[str, Any] | None = None, origin: str | Path = ""
) -> tuple[str, ...]:
    """The Overpass QL tag filters of every rule of every kind of the ``[osm]`` schema.

    One filter chain per line of the query (``nwr<chain>;``). Rules on one key with exact values
    (``values``) are merged into one regex ``^(a|b)$`` (values sorted, ERE-escaped; one value:
    ``["k"="v"]``); a key asked for alone (``values = ["*"]``) takes the place of value filters
    on that key; a key list gives one filter per key; ``all`` gives one chain ``[a][b]``;
    ``pattern`` a case-insensitive regex, see :func:`ere_superset`. Exact values are matched as
    written, a deliberate departure from the superset rule: the reader also accepts a value with
    surrounding white space (it strips values), but such values are tagging errors (the JOSM
    validator's TagChecker warns "Property values start or end with white space") and asking for
    them would need a regex per value.

    Parameters
    ----------
    schemas : from :func:`haldenenergie.layers.schemas.load_schemas` (default: the shipped ones).
    origin : the schema file, for messages (default: the shipped ``layer_schemas.toml``).

    Raises
    ------
    LayerError : no ``[osm]`` rules, or a rule that cannot be asked for (see
        :func:`ere_superset`), naming file, kind and rule.
    """
    from .schemas import SCHEMAS_NAME, load_schemas

    if schemas is None:
        schemas = load_schemas("")
    origin = str(origin or SCHEMAS_NAME)
    table = schemas.get("osm")
    if not isinstance(table, Mapping) or not any(table.get(k) for k in KINDS):
        raise LayerError(
            f"{origin}: no [osm] table with rules of a kind ({', '.join(KINDS)}); "
            "'layers fetch-osm' asks for what that table maps: add it"
        )
    merged: dict[str, tuple[tuple, ...]] = {}  # first position of a key's value filter
    values_by_key: dict[str, set[str]] = {}
    has_keys: set[str] = set()
    for kind in KINDS:
        for i, rule in enumerate(table.get(kind, []) or []):
            for chain in _rule_chains(rule, f"{origin}: [osm] {kind} rule {i}"):
                if len(chain) == 1 and chain[0][0] in ("values", "has"):
                    key = chain[0][1]
                    if chain[0][0] == "has":
                        has_keys.add(key)
                    values_by_key.setdefault(key, set()).update(
                        chain[0][2] if chain[0][0] == "values" else ()
                    )
                    merged.setdefault(f"key:{key}", ())
                else:
                    merged.setdefault(f"chain:{chain!r}", chain)
    lines = []
    for name, chain in merged.items():
        if name.startswith("key:"):
            key = name[4:]
            atom = ("has", key) if key in has_keys else ("values", key, values_by_key[key])
            lines.append(_atom_ql(atom))
        else:
            lines.append("".join(_atom_ql(a) for a in chain))
    return tuple(lines)
