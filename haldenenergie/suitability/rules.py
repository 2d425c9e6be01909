"""The constraint rules: the default table, its validation, and matching a heap's registry facts.

A rule tests registry fields of a heap (``fields``) with one ``match`` kind and, when it fires,
has ``effects``: ``block_pv``, ``block_wind``, ``penalise`` (``penalty_points``) or ``note``. The
default table is data, ``haldenenergie/data/rules.toml``, each rule with its rationale and source.
Light on purpose (no pandas import): the config section reads the table and checks overrides.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..resources import data_path
from .values import fmt_value, is_blank

if TYPE_CHECKING:
    from ..registry import Heap

#: Registry fields a rule may test ("properties.<key>" tests a raw registry property,
#: "results.<column>" a column of the heap's results row, e.g. ``results.protected_area_ha``).
RULE_FIELDS: tuple[str, ...] = (
    "landmark",
    "nature_protection",
    "access",
    "constraints",
    "owner",
    "membership",
    "form",
    "name",
    "city",
    "existing_wind_turbines",
    "housing_distance_m",
)
RULE_MATCHES: tuple[str, ...] = ("nonempty", "equals", "contains", "greater")
RULE_EFFECTS: tuple[str, ...] = ("block_pv", "block_wind", "penalise", "note")
RULE_KEYS: tuple[str, ...] = (
    "fields",
    "match",
    "patterns",
    "threshold",
    "effects",
    "penalty_points",
    "text_en",
    "text_de",
    "rationale",
    "label_en",
    "label_de",
)
#: File name of the default rule table in ``haldenenergie/data/``.
RULES_FILE = "rules.toml"


def load_rules(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Read a rule table from TOML (default: the packaged ``rules.toml``) and check it.

    Parameters
    ----------
    path : TOML file whose top-level tables are the rules (id -> rule); None for the default.

    Returns
    -------
    dict of rule id -> rule, in file order.

    Raises
    ------
    ConfigError : the file is unreadable or a rule is malformed (see :func:`check_rules`).
    """
    p = Path(path) if path is not None else data_path(RULES_FILE)
    try:
        rules = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read the rule table ({exc})") from None
    check_rules(rules, str(p))
    return rules


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------


def _is_list(v: Any) -> bool:
    """A non-empty list (a text is not a list here)."""
    return not isinstance(v, str) and isinstance(v, Sequence) and bool(v)


def _is_number(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, (int, float))


def _check_keys(rule: Any, where: str) -> None:
    if not isinstance(rule, Mapping):
        raise ConfigError(f"{where} must be a table with keys {', '.join(RULE_KEYS)}")
    unknown = [k for k in rule if k not in RULE_KEYS]
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(RULE_KEYS)}"
        )
    for k in ("fields", "match", "effects", "text_en", "text_de"):
        if k not in rule:
            raise ConfigError(f"{where}: missing key '{k}'")


def _check_fields(rule: Mapping[str, Any], where: str) -> None:
    fields = rule["fields"]
    if not _is_list(fields):
        raise ConfigError(f'{where}.fields must be a non-empty list, e.g. ["constraints"]')
    for f in fields:
        prefixed = isinstance(f, str) and f.startswith(("properties.", "results."))
        if not (f in RULE_FIELDS or prefixed):
            raise ConfigError(
                f"{where}.fields: unknown field {f!r}; use one of "
                f"{', '.join(RULE_FIELDS)}, properties.<key> or results.<column>"
            )


def _check_match(rule: Mapping[str, Any], where: str) -> None:
    kind = rule["match"]
    if kind not in RULE_MATCHES:
        raise ConfigError(f"{where}.match = {kind!r}; choose one of {', '.join(RULE_MATCHES)}")
    if kind in ("equals", "contains") and not _is_list(rule.get("patterns")):
        raise ConfigError(
            f"{where}.patterns must be a non-empty list of strings for match = {kind}"
        )
    if kind == "greater" and not _is_number(rule.get("threshold")):
        raise ConfigError(f"{where}.threshold must be a number for match = greater")


def _check_effects(rule: Mapping[str, Any], where: str) -> None:
    effects = rule["effects"]
    if not _is_list(effects):
        raise ConfigError(f'{where}.effects must be a non-empty list, e.g. ["note"]')
    bad = [e for e in effects if e not in RULE_EFFECTS]
    if bad:
        raise ConfigError(
            f"{where}.effects: unknown {', '.join(map(str, bad))}; choose from "
            f"{', '.join(RULE_EFFECTS)}"
        )


def _check_points(rule: Mapping[str, Any], where: str) -> None:
    effects = rule["effects"]
    pts = rule.get("penalty_points", 0)
    if not _is_number(pts) or pts < 0:
        raise ConfigError(f"{where}.penalty_points = {pts!r} must be a number >= 0")
    if "penalise" in effects and pts <= 0:
        raise ConfigError(f"{where}: effect 'penalise' needs penalty_points > 0")


def _check_texts(rule: Mapping[str, Any], where: str) -> None:
    for k in ("text_en", "text_de", "label_en", "label_de"):
        if k in rule and (not isinstance(rule[k], str) or not rule[k].strip()):
            raise ConfigError(f"{where}.{k} must be a non-empty text")


def check_rules(rules: Mapping[str, Any], origin: str = "config") -> None:
    """Validate a rule table; raise a one-line :class:`ConfigError` naming the rule and the fix.

    The checks run in this order per rule: keys, fields, match (with patterns / threshold),
    effects, texts and labels, penalty points.
    """
    if not isinstance(rules, Mapping):
        raise ConfigError(f"{origin}: [suitability] rules must be a table of rule id -> rule")
    for rid, rule in rules.items():
        where = f"{origin}: [suitability] rules.{rid}"
        _check_keys(rule, where)
        _check_fields(rule, where)
        _check_match(rule, where)
        _check_effects(rule, where)
        _check_texts(rule, where)
        _check_points(rule, where)


#: Default constraint rules (``haldenenergie/data/rules.toml``): id -> match, effects, texts and
#: rationale. ``{value}`` in a text is the registry value that matched. Penalty points are out of
#: ``penalty_cap_points`` (100).
DEFAULT_RULES: dict[str, dict[str, Any]] = load_rules()


# --------------------------------------------------------------------------------------------------
# Registry facts and matching
# --------------------------------------------------------------------------------------------------


def rule_facts(heap: Heap) -> dict[str, Any]:
    """The registry facts the rules test, from one registry heap.

    Parameters
    ----------
    heap : :class:`haldenenergie.registry.Heap`

    Returns
    -------
    dict with the keys of :data:`RULE_FIELDS` plus ``id`` and ``properties`` (the raw registry
    properties); ``existing_wind_turbines`` [-] is ``heap.existing_wind.count`` (0 if unknown),
    ``housing_distance_m`` [m] is a float or None (unknown).
    """
    facts: dict[str, Any] = {"id": str(heap.id)}
    for f in RULE_FIELDS:
        facts[f] = getattr(heap, f, None)
    count = getattr(heap.existing_wind, "count", None)
    facts["existing_wind_turbines"] = 0 if is_blank(count) else int(count)
    hd = facts["housing_distance_m"]
    facts["housing_distance_m"] = None if is_blank(hd) else float(hd)
    props = heap.properties
    facts["properties"] = dict(props) if isinstance(props, Mapping) else {}
    return facts


def _field_value(facts: Mapping[str, Any], field: str) -> Any:
    """A rule field's value: registry fact, raw property, or results column (``results.<col>``).

    ``results.<col>`` reads ``facts["results"]`` (the heap's results row, where the caller adds
    it); without it the value is blank and the rule does not fire.
    """
    for prefix in ("properties.", "results."):
        if field.startswith(prefix):
            table = facts.get(prefix[:-1]) or {}
            return table.get(field.split(".", 1)[1]) if isinstance(table, Mapping) else None
    return facts.get(field)


def _greater(v: Any, threshold: Any) -> bool:
    try:
        return float(v) > float(threshold)
    except (TypeError, ValueError):
        return False


def _value_matches(kind: str, v: Any, rule: Mapping[str, Any], pats: list[str]) -> bool:
    """Whether one non-blank registry value satisfies the rule's match."""
    if kind == "nonempty":
        return True
    if kind == "greater":
        return _greater(v, rule["threshold"])
    text = str(v).strip().casefold()
    if kind == "equals":
        return text in pats
    return kind == "contains" and any(p in text for p in pats)


def match_rule(rule: Mapping[str, Any], facts: Mapping[str, Any]) -> str | None:
    """Return the matched registry value (as text) if ``rule`` fires for ``facts``, else None.

    ``facts`` is :func:`rule_facts` of a heap; the fields are tried in the rule's order and the
    first that matches is returned. ``equals`` and ``contains`` ignore case.
    """
    kind = rule["match"]
    pats = [str(p).casefold() for p in rule.get("patterns") or []]
    for field in rule["fields"]:
        v = _field_value(facts, field)
        if not is_blank(v) and _value_matches(kind, v, rule, pats):
            return fmt_value(v)
    return None


def evaluate_rules(
    facts: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """All rules that fire for one heap, in table order.

    Parameters
    ----------
    facts : :func:`rule_facts` of the heap.
    rules : the rule table (id -> rule).

    Returns
    -------
    list of dicts ``{id, label_en, label_de, effects, penalty_points, text_en, text_de}`` with
    ``{value}`` filled in; the labels default to the rule id; ``penalty_points`` [points] is 0
    unless the rule penalises.
    """
    fired = []
    for rid, rule in rules.items():
        value = match_rule(rule, facts)
        if value is None:
            continue
        effects = list(rule["effects"])
        pts = float(rule.get("penalty_points", 0) or 0) if "penalise" in effects else 0.0
        fired.append(
            {
                "id": rid,
                "label_en": str(rule.get("label_en") or rid),
                "label_de": str(rule.get("label_de") or rule.get("label_en") or rid),
                "effects": effects,
                "penalty_points": pts,
                "text_en": str(rule["text_en"]).replace("{value}", value),
                "text_de": str(rule["text_de"]).replace("{value}", value),
            }
        )
    return fired
