"""The committee workbook (openpyxl): ranking, details, totals, assumptions and manifest sheets.

The ranking and details sheets have a frozen header with units, number formats from the display
rules of the label table (:func:`haldenenergie.labels.excel_format`: years as ``0``, shares as
``0.0%``, decimals as ``#,##0.00``), column widths and a filter; totals carry the run's provenance
(weather, terrain sources, constraint layers, assumed facts:
:func:`haldenenergie.results.provenance.provenance`) and the factors with their sources and years;
assumptions list every parameter with unit and source.

Cells keep full precision (trimmed to :data:`SIGNIFICANT_DIGITS` so that float noise such as
``188.99999999999997`` reads ``189``); only a column's ``step`` (households to hundreds) is applied
to the cell, as no number format can round to hundreds. Every sheet prints A4 landscape, fitted
to the page width, with the header row repeated on every page (:func:`print_setup`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import _io, labels
from ..results import RunFolder
from ..results.provenance import provenance
from ..suitability import RANKING_COLUMNS, sort_by_rank
from .assumptions import ASSUMPTION_HEADERS, assumptions_table, factor_notes, manifest_table
from .tables import (
    check_lang,
    committee_frame,
    header_map,
    is_formula_like,
    plain,
    require_ranked,
    totals_view,
)

#: Headers of the manifest sheet per language.
MANIFEST_HEADERS: dict[str, dict[str, str]] = {
    "en": {"key": "Key", "value": "Value"},
    "de": {"key": "Schlüssel", "value": "Wert"},
}

#: Sheet names of the XLSX per language.
SHEETS: dict[str, dict[str, str]] = {
    "en": {
        "ranking": "Ranking",
        "details": "Details",
        "totals": "Totals",
        "assumptions": "Assumptions",
        "manifest": "Manifest",
    },
    "de": {
        "ranking": "Rangfolge",
        "details": "Details",
        "totals": "Summen",
        "assumptions": "Annahmen",
        "manifest": "Manifest",
    },
}


#: Significant digits kept in XLSX number cells: 13 keeps every value to 5e-13 relative (far
#: below any shown decimal) and drops the binary noise of sums (``188.99999999999997`` -> ``189``);
#: assumption: a double holds 15-17 significant digits, the last two or three are noise after
#: sums and products.
SIGNIFICANT_DIGITS = 13

#: Page margins of the printed sheets [inch] (left, right, top, bottom); assumption: narrow
#: margins as LibreOffice/Excel offer them, so that wide tables stay readable at fit-to-width.
PRINT_MARGINS_IN: tuple[float, float, float, float] = (0.4, 0.4, 0.5, 0.5)

#: Header texts longer than this [characters] wrap instead of widening their column (the header
#: row wraps); assumption: a two-word header with its unit, e.g. "PV-Leistung [MWp]".
HEADER_WRAP_CHARS = 20

#: Widest text column of the ranking and details sheets [characters]; longer text (the reasons)
#: wraps. Assumption: chosen so that the ranking sheet of the 46 RVR heaps prints on at most
#: three A4 landscape pages at fit-to-width.
TABLE_TEXT_WIDTH = 90
#: Widest column of short text (names, cities, owners) [characters]; longer text wraps.
SHORT_TEXT_WIDTH = 28
#: Columns of long text, up to :data:`TABLE_TEXT_WIDTH` wide; other text columns up to
#: :data:`SHORT_TEXT_WIDTH`.
LONG_TEXT_COLUMNS = ("reasons", "reasons_de", "rules_fired", "assumptions", "wind_notes")
#: Height of one line of text in a printed row [pt] (Calibri 11, the openpyxl default font).
LINE_HEIGHT_PT = 15.0
#: Characters of running text per unit of column width (the width unit is one digit "0";
#: letters of a proportional font are narrower on average; assumption, measured on LibreOffice).
TEXT_CHARS_PER_WIDTH = 1.15


def _trim(v: Any) -> Any:
    """A cell value: :func:`.tables.plain`, floats to :data:`SIGNIFICANT_DIGITS` digits."""
    v = plain(v)
    if isinstance(v, float) and v == v and v not in (float("inf"), float("-inf")):
        return float(f"{v:.{SIGNIFICANT_DIGITS}g}")
    return v


def _stepped(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the columns that have a display ``step`` rounded to it (households: 100)."""
    out = df
    for c in df.columns:
        step = labels.display(str(c)).step
        if step and pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]):
            out = out.copy() if out is df else out
            out[c] = labels.round_step(pd.to_numeric(df[c], errors="coerce"), step)
    return out


def print_setup(ws, title_rows: str | None = "1:1") -> None:
    """A4 landscape, fit to the page width (any number of pages high), header row repeated.

    Parameters
    ----------
    ws : an openpyxl worksheet.
    title_rows : rows repeated at the top of every printed page (``"1:1"``), or None.
    """
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    left, right, top, bottom = PRINT_MARGINS_IN
    ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom)
    if title_rows:
        ws.print_title_rows = title_rows


def _write_header(ws, cells: list[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(cells)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _shown_width(v: Any, dec: int | None) -> int:
    """Characters a cell value takes when shown with ``dec`` decimals (text: its length)."""
    if isinstance(v, float):
        return len(f"{v:,.{3 if dec is None else dec}f}")
    return len(str(v))


def _format_column(ws, j: int, s: pd.Series, header: str, max_width: int) -> None:
    """Number format (display rule of the label table) and width of the sheet's ``j``-th column.

    The width fits the values shown (headers wrap beyond :data:`HEADER_WRAP_CHARS`), at most
    ``max_width`` characters; longer text wraps inside the column, so that nothing spills over
    the printed page.
    """
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(j)
    col = str(s.name)
    fmt = labels.excel_format(col) if labels.known(col) else None
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if numeric and fmt is None:
        fmt = "General"
    dec = labels.display(col).decimals
    if not numeric and col not in LONG_TEXT_COLUMNS:
        max_width = min(max_width, SHORT_TEXT_WIDTH)
    width = min(len(str(header)), HEADER_WRAP_CHARS)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cell in ws[letter][1:]:
        if numeric and fmt and isinstance(cell.value, (int, float)):
            cell.number_format = fmt
        if cell.value is not None:
            shown = _shown_width(cell.value, dec)
            width = max(width, shown)
            if isinstance(cell.value, str) and shown > max_width - 2:
                cell.alignment = wrap
    ws.column_dimensions[letter].width = min(max(width + 2, 8), max_width)


def _fit_row_heights(ws) -> None:
    """Row heights for wrapped cells (LibreOffice does not recompute them when it opens a file)."""
    import math

    widths = {k: (d.width or 8) - 2 for k, d in ws.column_dimensions.items()}
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.alignment.wrap_text and isinstance(cell.value, str):
                per_line = max(widths.get(cell.column_letter, 8) * TEXT_CHARS_PER_WIDTH, 1)
                lines = max(lines, math.ceil(len(cell.value) / per_line))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT_PT


def _defuse_cells(ws) -> None:
    """Formula-like text (OWASP "CSV Injection") as plain text cells with Excel's quote prefix.

    openpyxl stores text beginning with ``=`` as a formula; such cells (and those beginning with
    ``+``, ``-``, ``@``, tab or CR) become text cells (``t="inlineStr"``) marked ``quotePrefix``,
    as if typed with a leading apostrophe: shown and read back unchanged, never evaluated.
    """
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def _write_sheet(
    ws,
    df: pd.DataFrame,
    lang: str,
    headers: dict[str, str] | None = None,
    freeze: str = "A2",
    autofilter: bool = False,
    max_width: int = 60,
) -> None:
    headers = headers or header_map(df.columns, lang)
    _write_header(ws, [headers[c] for c in df.columns])
    for rec in _stepped(df).itertuples(index=False, name=None):
        ws.append([_trim(v) for v in rec])
    _defuse_cells(ws)
    for j, c in enumerate(df.columns, start=1):
        _format_column(ws, j, df[c], headers[c], max_width)
    _fit_row_heights(ws)
    ws.freeze_panes = freeze
    if autofilter and ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    print_setup(ws)


def _write_totals(ws, folder: RunFolder, lang: str) -> None:
    from openpyxl.styles import Font

    if folder.totals is None:
        ws.append(["no totals.csv in the results folder; run 'haldenenergie rank' first"])
        print_setup(ws, title_rows=None)
        return
    _write_sheet(ws, totals_view(folder.totals, lang), lang, freeze="C2", max_width=70)
    ws.append([])
    for line in provenance(folder.manifest, folder.results).lines(lang):
        ws.append([line])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    for note in factor_notes(lang, folder.totals):
        ws.append([note])
        ws.cell(ws.max_row, 1).font = Font(italic=True)


def write_xlsx(
    folder: RunFolder, path: str | Path, lang: str = "de", overwrite: bool = False, inputs=()
) -> Path:
    """Write the workbook: ranking, details, totals, assumptions, manifest (see module doc).

    Parameters
    ----------
    folder : a ranked run folder (:func:`haldenenergie.results.read_run`).
    path : the ``.xlsx`` file; refused if it exists unless ``overwrite`` (and a file in
        ``inputs`` always); written atomically.
    lang : ``"de"`` or ``"en"`` (headers, sheet names, value labels).
    """
    from openpyxl import Workbook

    check_lang(lang)
    require_ranked(folder)
    names = SHEETS[lang]
    results = sort_by_rank(folder.results)
    wb = Workbook()
    ws = wb.active
    ws.title = names["ranking"]
    rank_cols = [c for c in RANKING_COLUMNS if c in results.columns]
    # Full precision in the cells; the number formats round what is shown.
    ranking = committee_frame(results, lang, columns=rank_cols, round_numbers=False)
    _write_sheet(ws, ranking, lang, freeze="D2", autofilter=True, max_width=TABLE_TEXT_WIDTH)
    details = committee_frame(results, lang, round_numbers=False)
    _write_sheet(
        wb.create_sheet(names["details"]),
        details,
        lang,
        freeze="D2",
        autofilter=True,
        max_width=TABLE_TEXT_WIDTH,
    )
    _write_totals(wb.create_sheet(names["totals"]), folder, lang)
    assum = assumptions_table(folder.manifest)
    ws_a = wb.create_sheet(names["assumptions"])
    _write_sheet(ws_a, assum, lang, headers=ASSUMPTION_HEADERS[lang], max_width=80)
    man = manifest_table(folder.manifest)
    ws_m = wb.create_sheet(names["manifest"])
    _write_sheet(ws_m, man, lang, headers=MANIFEST_HEADERS[lang], max_width=100)
    with _io.atomic_path(path, overwrite=overwrite, inputs=inputs) as tmp:
        wb.save(tmp)
    return Path(path)
