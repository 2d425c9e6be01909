"""HTML building blocks of the report: chart images, badges, tables, key/value lists."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import pandas as pd

from .charts import Chart, class_color
from .columns import column_label, fmt_value
from .fmt import esc, get, linkify
from .text import class_label, lbl, value_label


def static_text(name: str) -> str:
    """A file of ``haldenenergie/report/static/`` (the page's CSS and script) as text."""
    return (resources.files("haldenenergie.report") / "static" / name).read_text(encoding="utf-8")


def img(chart: Chart, id_: str, alt: str) -> str:
    """A chart as ``<img>`` with an SVG ``data:`` URI and its expected size (for the self-check)."""
    b64 = base64.b64encode(chart.svg).decode("ascii")
    return (
        f'<img class="chart" id="{id_}" src="data:image/svg+xml;base64,{b64}" '
        f'width="{chart.width_px}" height="{chart.height_px}" alt="{esc(alt)}" '
        f'data-expected-width="{chart.width_px}" data-expected-height="{chart.height_px}">'
    )


def na(lang: str, what: str = "") -> str:
    """A "not available" note, naming what is missing."""
    extra = f" ({esc(what)})" if what else ""
    return f'<p class="note">{esc(lbl("not_available", lang))}{extra}</p>'


def badge(cls: Any, lang: str) -> str:
    """A suitability class as a coloured badge (``–`` if missing)."""
    if cls is None or (isinstance(cls, float) and not math.isfinite(cls)):
        return "–"
    color = class_color(cls)
    fg = "#222" if str(cls) in ("pv", "not-assessed", "unsuitable") else "#fff"
    return (
        f'<span class="badge" style="background:{color};color:{fg}">'
        f"{esc(class_label(cls, lang))}</span>"
    )


def is_numeric_col(df: pd.DataFrame, c: str) -> bool:
    """Whether column ``c`` is shown right-aligned as a number (years are not)."""
    return c in df.columns and pd.api.types.is_numeric_dtype(df[c]) and not c.endswith("_year")


def _cell(df: pd.DataFrame, c: str, v: Any, lang: str) -> str:
    if is_numeric_col(df, c):
        return f'<td class="n">{esc(fmt_value(c, v, lang))}</td>'
    return f"<td>{linkify(fmt_value(c, v, lang))}</td>"


def table(
    df: pd.DataFrame,
    lang: str,
    cols: Sequence[str] | None = None,
    class_col: str | None = "class",
    overall: Sequence[str] = (),
) -> str:
    """A table of ``df`` with labelled headers and formatted numbers.

    Rows whose ``class_col`` is in ``overall`` are the bold total row; the class column shows
    badges.
    """
    cols = list(cols or df.columns)
    head = "".join(
        f'<th class="{"n" if is_numeric_col(df, c) else ""}">{esc(column_label(c, lang))}</th>'
        for c in cols
    )
    rows = []
    for _, r in df.iterrows():
        cells = []
        is_overall = class_col in df.columns and str(r[class_col]).strip() in overall
        for c in cols:
            if c == class_col and is_overall:
                cells.append(f"<td>{esc(lbl('overall', lang))}</td>")
            elif c == class_col:
                cells.append(f"<td>{badge(r[c], lang)}</td>")
            else:
                cells.append(_cell(df, c, r[c], lang))
        rows.append(('<tr class="overall">' if is_overall else "<tr>") + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def kv(rows: Sequence[tuple[str, str]]) -> str:
    """Two-column table; values are already HTML."""
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def row_kv(row: Mapping, keys: Sequence[str], lang: str) -> list[tuple[str, str]]:
    """Label/value rows of the given result columns; missing values are left out (compact)."""
    return [
        (column_label(k, lang), esc(fmt_value(k, value_label(k, get(row, k), lang), lang)))
        for k in keys
        if k in row.index and get(row, k) is not None and str(get(row, k)).strip() != ""
    ]


def small_heading(text: str) -> str:
    """A small bold caption above a chart or table."""
    return f"<div class='small'><strong>{esc(text)}</strong></div>"


def tight_list(items: Sequence[str]) -> str:
    """A compact bullet list of already escaped/linked items."""
    return "<ul class='tight small'>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"
