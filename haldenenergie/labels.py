"""Column labels of every export and of the report: one table, ``data/labels.toml``.

Each result column has an English and a German label, a unit and the decimals shown in exports:

>>> label("pv_capacity_mwp", "de")
'PV-Leistung [MWp]'
>>> label("pv_capacity_mwp", "en"), unit("pv_capacity_mwp"), decimals("pv_capacity_mwp")
('PV capacity [MWp]', 'MWp', 2)

A column that is not in the table keeps its name as label and gets the unit its name's suffix
states (``_mwh_per_a`` → ``MWh/a``), or none. How a committee reads a number is one rule per column
(:func:`display`): its decimals, ``percent`` (a fraction 0…1 shown in per cent, unit ``%``),
``year`` (a plain integer, no thousands separator: ``2024``, never ``2.024``) and ``step`` (rounded
to a multiple, e.g. households to hundreds); :func:`display_series` applies it for CSV,
:func:`excel_format` gives the XLSX number format. Value labels (:func:`value_label`) replace
codes such as ``suitable`` or booleans by words. The class names (``pv+wind``, ...) are the
suitability stage's (:data:`haldenenergie.suitability.CLASS_LABELS_DE`), not repeated here.
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
    """Labels of one column: English, German, unit, decimals shown (None: as is / text).

    ``percent``: the value is a fraction [0…1] shown in per cent (the unit is ``%``); ``year``: a
    calendar year shown as a plain integer; ``step``: shown rounded to a multiple of it [unit of
    the column] (e.g. 100 for households).
    """

    en: str
    de: str
    unit: str = ""
    decimals: int | None = None
    percent: bool = False
    year: bool = False
    step: float | None = None

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


@dataclass(frozen=True)
class Display:
    """How a committee reads the numbers of one column (see :func:`display`)."""

    decimals: int | None = None
    percent: bool = False
    year: bool = False
    step: float | None = None

    @property
    def integer(self) -> bool:
        """Whether the column is shown as whole numbers (years, counts, 0 decimals)."""
        return self.year or self.decimals == 0


def display(column: str) -> Display:
    """The display rule of ``column`` from the label table (unknown columns: shown as they are)."""
    info = table().columns.get(column)
    if info is None:
        return Display()
    return Display(info.decimals, info.percent, info.year, info.step)


def excel_format(column: str) -> str | None:
    """XLSX number format of ``column`` (None where the table gives none: text, unknown columns).

    ``"0"`` for years, ``"0.0%"`` for fractions in per cent, ``"#,##0.00"`` by decimals.
    """
    rule = display(column)
    if rule.year:
        return "0"
    if rule.decimals is None:
        return None
    frac = "." + "0" * rule.decimals if rule.decimals > 0 else ""
    return f"0{frac}%" if rule.percent else f"#,##0{frac}"


def round_step(values, step: float | None):
    """``values`` rounded to a multiple of ``step`` (None: unchanged); numpy arrays or floats."""
    import numpy as np

    if not step:
        return values
    return np.round(np.asarray(values, dtype=float) / step) * step


def display_series(s, column: str):
    """Column ``s`` as a committee reads it: in per cent, stepped, rounded; whole numbers as Int64.

    Round at output only: used by the committee CSV; result tables keep full precision.
    Non-numeric and boolean columns are returned unchanged.
    """
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s
    rule = display(column)
    if rule.decimals is None and not rule.year:
        return s
    v = pd.to_numeric(s, errors="coerce").astype(float)
    if rule.percent:
        v = v * 100.0
    v = pd.Series(round_step(v.to_numpy(), rule.step), index=s.index, name=s.name)
    v = v.round(0 if rule.year else rule.decimals)
    return v.astype("Int64") if rule.integer else v


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
    "Display",
    "LabelTable",
    "check_lang",
    "decimals",
    "display",
    "display_series",
    "excel_format",
    "known",
    "label",
    "name",
    "round_step",
    "table",
    "unit",
    "unit_text",
    "value_label",
    "value_labels",
]
