"""Labels and number formats of result columns: the report's one column-label lookup.

A column's label and unit come from the package's one label table, :mod:`haldenenergie.labels`
(``data/labels.toml``, shared with the CSV, XLSX and GeoJSON exports). Shares (``*_fraction``)
keep that wording but are shown in per cent in the report, so their unit reads ``[%]``. Columns
only the report shows (totals such as ``n_heaps``) come from the ``[columns]`` table of
``haldenenergie/data/report_texts.toml``; any other column is labelled from its name, with the
unit read from the name's suffix (``[units]`` table: every quantity carries its unit as a suffix,
e.g. ``pv_energy_mwh_per_a``), which also sets the decimals shown.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import labels
from .fmt import fmt_number, isnum
from .text import LANGS, TEXTS, lbl

#: Labels of result columns (units in brackets): column -> (de, en).
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    k: (str(v[0]), str(v[1])) for k, v in TEXTS["columns"].items()
}
#: Unit suffixes of column names -> (unit shown, decimals); the first matching suffix wins.
UNIT_SUFFIXES: tuple[tuple[str, str, int], ...] = tuple(
    (str(s), str(u), int(d)) for s, u, d in TEXTS["units"]["suffixes"]
)
#: Columns shown as whole numbers with grouping.
_COUNT_COLUMNS = (
    "rank",
    "rank_best",
    "rank_worst",
    "n_heaps",
    "wind_turbines_new",
    "existing_wind_turbines",
    "households",
)


def unit_of(col: str) -> tuple[str, int] | None:
    """Unit shown and decimals of a column, from its name's suffix (None if it has none)."""
    for suffix, unit, dec in UNIT_SUFFIXES:
        if col.endswith(suffix):
            return unit, dec
    return None


def column_label(col: str, lang: str = "de") -> str:
    """Human label of a result column with its unit in brackets, e.g. ``PV-Leistung [MWp]``.

    Parameters
    ----------
    col : str
        Column name.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The label; ``<label> – Jahr``/``Quelle`` for ``<col>_year``/``<col>_source``, else the
        name in words with the unit of its suffix.
    """
    if labels.known(col):
        if col.endswith("_fraction"):  # shown in per cent by fmt_value
            return f"{labels.name(col, lang)} [%]"
        return labels.label(col, lang)
    if col in COLUMN_LABELS:
        return COLUMN_LABELS[col][LANGS.index(lang)]
    for suffix, key in (("_year", "year"), ("_source", "source")):
        if col.endswith(suffix) and len(col) > len(suffix):
            return f"{column_label(col[: -len(suffix)], lang)} – {lbl(key, lang)}"
    u = unit_of(col)
    stem = col
    if u:
        for suffix, _unit, _ in UNIT_SUFFIXES:
            if col.endswith(suffix):
                stem = col[: -len(suffix)]
                break
    text = stem.replace("_", " ").strip()
    text = text[:1].upper() + text[1:]
    if u and u[0]:
        text += f" [{u[0]}]"
    return text


def _fmt_by_name(col: str, value: Any, lang: str) -> str | None:
    """Formats that the column name decides (counts, factors, fractions, scores, coordinates)."""
    if col in _COUNT_COLUMNS or col.startswith("n_"):
        return fmt_number(value, 0, lang)
    if col.endswith("capacity_factor"):
        return fmt_number(value, 2, lang)
    if col.endswith("_fraction") and isnum(value):  # shown in percent; the label says [%]
        return fmt_number(100 * float(value), 1, lang)
    if col.startswith("score"):
        return fmt_number(value, 2, lang)
    if col in ("lat", "lon"):
        return fmt_number(value, 4, lang)
    return None


def fmt_value(col: str, value: Any, lang: str = "de") -> str:
    """Format one cell of column ``col`` with decimals chosen from its unit suffix.

    Parameters
    ----------
    col : str
        Column name (decides the decimals).
    value : Any
        The cell.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The formatted cell (``–`` for missing, texts as they are).
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, str):
        return value if value.strip() else "–"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isnum(value) and float(value) == 0:
        return "0"
    if col.endswith("_year") or col == "year":
        return str(int(value)) if isnum(value) else str(value)
    step = labels.display(col).step if labels.known(col) else None
    if step and isnum(value):  # e.g. households to hundreds: the label table's one rule
        value = float(labels.round_step(float(value), step))
    by_name = _fmt_by_name(col, value, lang)
    if by_name is not None:
        return by_name
    u = unit_of(col)
    if u:
        dec = u[1]
        if dec >= 1 and isnum(value) and abs(float(value)) < 1:
            dec = 2
        return fmt_number(value, dec, lang)
    if isnum(value):
        v = float(value)
        return fmt_number(v, 0 if v.is_integer() else 2, lang)
    return str(value)
