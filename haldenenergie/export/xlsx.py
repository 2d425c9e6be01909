"""The committee workbook (openpyxl): ranking, details, totals, assumptions and manifest sheets.

The ranking and details sheets have a frozen header with units, number formats with the decimals
of the label table, column widths and a filter; totals carry the factors with their sources and
years; assumptions list every parameter with unit and source.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import _io, labels
from ..results import RunFolder
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


def _number_format(dec: int | None) -> str | None:
    if dec is None:
        return None
    return "#,##0" if dec == 0 else "#,##0." + "0" * dec


def _write_header(ws, cells: list[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(cells)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _format_column(ws, j: int, s: pd.Series, header: str, max_width: int) -> None:
    """Number format (decimals of the label table) and width of the sheet's ``j``-th column."""
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(j)
    fmt = _number_format(labels.decimals(str(s.name))) if labels.known(str(s.name)) else None
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if numeric and fmt is None:
        fmt = "General"
    width = len(str(header))
    for cell in ws[letter][1:]:
        if numeric and fmt and isinstance(cell.value, (int, float)):
            cell.number_format = fmt
        if cell.value is not None:
            width = max(
                width,
                len(f"{cell.value:,.3f}" if isinstance(cell.value, float) else str(cell.value)),
            )
    ws.column_dimensions[letter].width = min(max(width + 2, 8), max_width)


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
    for rec in df.itertuples(index=False, name=None):
        ws.append([plain(v) for v in rec])
    _defuse_cells(ws)
    for j, c in enumerate(df.columns, start=1):
        _format_column(ws, j, df[c], headers[c], max_width)
    ws.freeze_panes = freeze
    if autofilter and ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _write_totals(ws, folder: RunFolder, lang: str) -> None:
    from openpyxl.styles import Font

    if folder.totals is None:
        ws.append(["no totals.csv in the results folder; run 'haldenenergie rank' first"])
        return
    _write_sheet(ws, totals_view(folder.totals, lang), lang, freeze="C2", max_width=70)
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
    _write_sheet(ws, ranking, lang, freeze="D2", autofilter=True)
    details = committee_frame(results, lang, round_numbers=False)
    _write_sheet(wb.create_sheet(names["details"]), details, lang, freeze="D2", autofilter=True)
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
