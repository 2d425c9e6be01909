"""Column labels of every export and of the report: one table, ``data/labels.toml``.

Each result column has an English and a German label, a unit and the decimals shown in exports:

>>> label("pv_capacity_mwp", "de")
'PV-Leistung [MWp]'
>>> label("pv_capacity_mwp", "en"), unit("pv_capacity_mwp"), decimals("pv_capacity_mwp")
('PV capacity [MWp]', 'MWp', 2)

A column that is not in the table keeps its name as label and gets the unit its name's suffix
states (``_mwh_per_a`` → ``MWh/a``), or none. Value labels (:func:`value_label`) replace codes such
as ``suitable`` or booleans by words. The class names (``pv+wind``, ...) are the suitability
stage's (:data:`haldenenergie.suitability.CLASS_LABELS_DE`), not repeated here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import OutputError
from .resources import data_path

#: Languages of the labels.
LANGS: tuple[str, ...] = ("de", "en")
#: The label table shipped with the package.
LABELS_FILE = "labels.toml"


@dataclass(frozen=True)
class ColumnLabel:
    """Labels of one column: English, German, unit and decimals shown (None: as is / text)."""

    en: str
    de: str
    unit: str = ""
    decimals: int | None = None

    def text(self, lang: str) -> str:
        """The label in ``lang`` without the unit."""
        return self.de if lang == "de" else self.en


@dataclass(frozen=True)
class LabelTable:
    """The parsed ``labels.toml``."""

    columns: dict[str, ColumnLabel]
    suffix_units: tuple[tuple[str, str], ...]
    units_de: dict[str, str]
    values: dict[str, dict[str, dict[Any, str]]]


def _value_key(k: str) -> Any:
    return {"true": True, "false": False}.get(k, k)


@lru_cache(maxsize=1)
def table() -> LabelTable:
    """The label table (read once from ``haldenenergie/data/labels.toml``)."""
    with open(data_path(LABELS_FILE), "rb") as fh:
        raw = tomllib.load(fh)
    columns = {c: ColumnLabel(**v) for c, v in raw["columns"].items()}
    values = {
        lang: {col: {_value_key(k): v for k, v in m.items()} for col, m in cols.items()}
        for lang, cols in raw.get("values", {}).items()
    }
    return LabelTable(
        columns=columns,
        suffix_units=tuple((s, u) for s, u in raw["suffix_units"]),
        units_de=dict(raw.get("units_de", {})),
        values=values,
    )


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGS`, else :class:`OutputError`."""
    if lang not in LANGS:
        raise OutputError(f"language {lang!r} is not supported; choose one of {', '.join(LANGS)}")
    return lang


def known(column: str) -> bool:
    """Whether ``column`` is in the label table."""
    return column in table().columns


def name(column: str, lang: str = "de") -> str:
    """The label of ``column`` in ``lang`` without unit (the column name if it is not listed)."""
    check_lang(lang)
    info = table().columns.get(column)
    return info.text(lang) if info else column


def unit(column: str) -> str:
    """Unit of ``column`` [text]: from the table, else from its name's suffix, else ``""``."""
    t = table()
    if column in t.columns:
        return t.columns[column].unit
    for suffix, u in t.suffix_units:
        if column.endswith(suffix):
            return u
    return ""


def unit_text(column: str, lang: str = "de") -> str:
    """:func:`unit` as written in ``lang``: ``points`` → ``Punkte``, ``count`` → ``Anzahl`` (de).

    Returns the unit text, ``""`` for a column without a unit.
    """
    u = unit(column)
    return table().units_de.get(u, u) if check_lang(lang) == "de" else u


def label(column: str, lang: str = "de") -> str:
    """Header text with unit, e.g. ``"PV-Leistung [MWp]"`` (de) or ``"PV capacity [MWp]"`` (en)."""
    u = unit_text(column, lang)
    text = name(column, lang)
    return f"{text} [{u}]" if u else text


def decimals(column: str) -> int | None:
    """Decimals shown for ``column`` in exports; None where the value is shown as it is."""
    info = table().columns.get(column)
    return info.decimals if info else None


def value_labels(column: str, lang: str = "de") -> dict[Any, str]:
    """Words shown instead of the codes of ``column`` in ``lang`` (``{}`` if none)."""
    return dict(table().values.get(check_lang(lang), {}).get(column, {}))


def value_label(column: str, value: Any, lang: str = "de") -> str | None:
    """The word for ``value`` of ``column`` in ``lang``; None where there is none."""
    labels = value_labels(column, lang)
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return labels.get(bool(value))
    if isinstance(value, str):
        return labels.get(value)
    return None


__all__ = [
    "LANGS",
    "ColumnLabel",
    "LabelTable",
    "check_lang",
    "decimals",
    "known",
    "label",
    "name",
    "table",
    "unit",
    "unit_text",
    "value_label",
    "value_labels",
]
