"""Committee tables: rank order, labelled values, rounded numbers, headers with units.

Labels, units and decimals come from the one label table :mod:`haldenenergie.labels`
(``data/labels.toml``); the class names from :data:`haldenenergie.suitability.CLASS_LABELS_DE`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import labels
from ..errors import OutputError
from ..results import INT_COLUMNS, RunFolder, int_if_whole
from ..suitability import CLASS_LABELS_DE, RANKING_COLUMNS, sort_by_rank

LANGS: tuple[str, ...] = labels.LANGS

#: column -> (English label, German label, unit, decimals in exports; None = as is / text).
COLUMN_INFO: dict[str, tuple[str, str, str, int | None]] = {
    c: (i.en, i.de, i.unit, i.decimals) for c, i in labels.table().columns.items()
}
#: Unit by column-name suffix, for columns not in :data:`COLUMN_INFO` (longest suffix first).
SUFFIX_UNITS: tuple[tuple[str, str], ...] = labels.table().suffix_units
#: Unit words in German headers.
UNITS_DE: dict[str, str] = dict(labels.table().units_de)

#: Values shown in the committee files instead of the codes, per language and column.
VALUE_LABELS: dict[str, dict[str, dict[Any, str]]] = {
    "de": {"class": dict(CLASS_LABELS_DE), **labels.table().values.get("de", {})},
    "en": dict(labels.table().values.get("en", {})),
}

#: Leading columns of the committee tables (the rest follow in results order).
COMMITTEE_ORDER: tuple[str, ...] = tuple(
    c for c in RANKING_COLUMNS if c not in ("reasons", "reasons_de")
)


#: First characters that make a spreadsheet read a text cell as a formula: OWASP, "CSV Injection"
#: (https://owasp.org/www-community/attacks/CSV_Injection): ``=``, ``+``, ``-``, ``@``, tab, CR.
FORMULA_CHARS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(v: Any) -> bool:
    """Whether ``v`` is text a spreadsheet could run as a formula.

    Text that begins with one of :data:`FORMULA_CHARS` and is not a number written as text
    (``"-3.5"``, ``"-3,5"``); non-text values (numbers, None) never are.
    """
    if not isinstance(v, str) or not v.startswith(FORMULA_CHARS):
        return False
    try:
        return not math.isfinite(float(v.strip().replace(",", ".")))
    except ValueError:
        return True


def defuse(v: Any) -> Any:
    """``v`` with a leading single quote if it is formula-like text (OWASP); else unchanged."""
    return "'" + v if is_formula_like(v) else v


def defuse_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`defuse` applied to every text (object or string) column."""
    out = df.copy()
    for c in out.columns:
        s = out[c]
        text = pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)
        if text and any(is_formula_like(v) for v in s):  # clean columns stay as they are
            out[c] = pd.Series([defuse(v) for v in s], index=s.index, dtype=object)
    return out


def check_lang(lang: str) -> None:
    """Raise :class:`OutputError` for a language other than ``de`` and ``en``."""
    if lang not in LANGS:
        raise OutputError(f"--lang {lang!r} is not supported; choose one of {', '.join(LANGS)}")


def column_unit(col: str) -> str:
    """Unit of a result column: from :data:`COLUMN_INFO`, else from its name's suffix, else ''."""
    return labels.unit(col)


def column_header(col: str, lang: str = "de") -> str:
    """Header text with unit, e.g. ``"PV-Leistung [MWp]"`` (de) or ``"PV capacity [MWp]"`` (en).

    Columns not in :data:`COLUMN_INFO` keep their name (with the unit taken from the suffix).
    """
    check_lang(lang)
    return labels.label(col, lang)


def header_map(columns, lang: str = "de") -> dict[str, str]:
    """Column -> header for ``columns``; a header that would repeat gets ``(column)`` appended."""
    out = {c: column_header(c, lang) for c in columns}
    seen: dict[str, str] = {}
    for c, h in out.items():
        if h in seen:
            out[c] = f"{h} ({c})"
        seen[out[c]] = c
    return out


def require_ranked(folder: RunFolder) -> None:
    """Raise :class:`OutputError` unless ``results.csv`` of ``folder`` has the ranking columns."""
    if not folder.ranked:
        raise OutputError(
            f"{folder.path / 'results.csv'}: has no ranking columns (class, "
            f"score, rank); run 'haldenenergie rank {folder.path}' first"
        )


def in_rank_order(results: pd.DataFrame) -> pd.DataFrame:
    """:func:`sort_by_rank` for ranked results; unranked ones as they are (a copy)."""
    return sort_by_rank(results) if "rank" in results and "class" in results else results.copy()


def isna(v) -> bool:
    """``pd.isna`` for one value; False for containers."""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def plain(v: Any) -> Any:
    """A value for a cell/JSON: NaN/NA -> None, numpy -> python, containers -> JSON text."""
    if v is None:
        return None
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if isna(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, Path):
        return str(v)
    return v


def _label(value_labels: dict, v: Any) -> str | None:
    if isna(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return value_labels.get(bool(v))
    if isinstance(v, str):
        return value_labels.get(v)
    return None


def _column_order(df: pd.DataFrame, lang: str, columns) -> list[str]:
    """Committee order: :data:`COMMITTEE_ORDER`, the reasons of ``lang``, then the rest."""
    drop = "reasons" if lang == "de" else "reasons_de"
    cols = list(columns) if columns is not None else list(df.columns)
    cols = [c for c in cols if c != drop and c in df.columns]
    lead = [c for c in COMMITTEE_ORDER if c in cols]
    reason = "reasons_de" if lang == "de" else "reasons"
    tail = [c for c in cols if c not in lead and c != reason]
    return lead + ([reason] if reason in cols else []) + tail


def _committee_column(s: pd.Series, col: str, lang: str, round_numbers: bool) -> pd.Series:
    """One column as committees read it: whole numbers, rounded, codes replaced by words.

    ``round_numbers``: apply the column's display rule (:func:`haldenenergie.labels.display`:
    per cent, step, decimals, whole numbers as integers), as the CSV shows it; else full precision
    (the XLSX shows the rule as a number format).
    """
    if col in INT_COLUMNS:
        s = int_if_whole(s)
    elif round_numbers:
        s = labels.display_series(s, col)
    words = VALUE_LABELS[lang].get(col)
    if words:
        s = pd.Series(
            [lab if (lab := _label(words, v)) is not None else v for v in s],
            index=s.index,
            dtype=object,
        )
    return s


def committee_frame(
    results: pd.DataFrame, lang: str = "de", columns=None, round_numbers: bool = True
) -> pd.DataFrame:
    """:func:`committee_table` before the headers are renamed (column names kept)."""
    check_lang(lang)
    df = in_rank_order(results)
    df = df[_column_order(df, lang, columns)].copy()
    for c in df.columns:
        df[c] = _committee_column(df[c], c, lang, round_numbers)
    return df


def committee_table(results: pd.DataFrame, lang: str = "de", columns=None) -> pd.DataFrame:
    """The table as committees read it: rank order, labelled values, rounded, headers with units.

    Parameters
    ----------
    results : ranked results (``results.csv`` after ``rank``).
    lang : ``"de"`` or ``"en"``; ``de`` keeps ``reasons_de`` and drops ``reasons``, ``en`` the
        other way round.
    columns : the columns to keep (default: all; leading :data:`COMMITTEE_ORDER`).

    Returns
    -------
    DataFrame with headers from :func:`header_map`; numbers shown by the column's display rule
    (:func:`haldenenergie.labels.display_series`: decimals of :data:`COLUMN_INFO`, fractions in
    per cent, households to hundreds, whole numbers and years as integers; others as they are);
    codes replaced by :data:`VALUE_LABELS`.
    """
    df = committee_frame(results, lang, columns)
    return df.rename(columns=header_map(df.columns, lang))


def totals_view(totals: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Totals with the group label of ``lang`` (column ``group_label``) and no other label.

    The PV upper-bound label (``pv_basis`` English, ``pv_basis_de`` German) is kept in the
    language of ``lang`` as column ``pv_basis``, right after the group label.
    """
    check_lang(lang)
    df = totals.copy()
    label = "group_de" if lang == "de" else "group_en"
    if label in df:
        df.insert(1, "group_label", df[label])
    basis = "pv_basis_de" if lang == "de" else "pv_basis"
    if basis in df:
        text = df[basis].fillna("").astype(str)
        df = df.drop(columns=[c for c in ("pv_basis", "pv_basis_de") if c in df.columns])
        df.insert(2 if "group_label" in df else 1, "pv_basis", text)
    return df[[c for c in df.columns if c not in ("group_en", "group_de")]]
