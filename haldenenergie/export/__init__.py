"""Read a results folder and write what committees and GIS read: CSV, XLSX and GeoJSON.

- Committee CSV (``lang="de"``, the default): German headers with units (``PV-Leistung [MWp]``),
  ``;`` as separator, decimal comma, UTF-8 with BOM, so German Excel opens it by double-click;
  ``lang="en"``: English headers with units, ``,`` and decimal point (:mod:`.csv`).
- XLSX (openpyxl): ranking sheet (frozen header, units in headers, number formats, column widths,
  filter), per-heap details, totals (with the factors, their sources and years), assumptions (every
  parameter with unit and source) and the manifest (:mod:`.xlsx`).
- GeoJSON (RFC 7946, WGS84 lon/lat): one Point feature per heap at (lon, lat) with every result
  column as a property (language-independent column names, full precision: it is for GIS);
  heaps without coordinates get a ``null`` geometry (:mod:`.geojson`).
- Standard output (``out="-"``, :func:`export_stream`): the CSV (without BOM) or the GeoJSON as
  text; XLSX is refused (a binary workbook belongs in a file).

Numbers are shown as a committee reads them, one rule per column from the label table
(:func:`haldenenergie.labels.display`): energy in whole MWh/a, households to hundreds, years as
plain integers, shares in per cent, scores to two decimals; the CSV is rounded to it, the XLSX
keeps full precision and shows the rule as number format. ``results.csv`` is never rounded.

Headers, units and decimals come from the label table :mod:`haldenenergie.labels`; the committee
tables are built in :mod:`.tables`, the assumptions and manifest sheets in :mod:`.assumptions`.
Every writer refuses an existing file unless ``overwrite=True`` and writes atomically
(:func:`haldenenergie._io.atomic_path`). Text cells that begin with ``=``, ``+``, ``-``, ``@``,
tab or carriage return are neutralised in the committee CSV and XLSX (:func:`.tables.defuse`,
OWASP "CSV Injection"): in CSV with a leading single quote, in XLSX as text cells with Excel's
quote prefix; numbers stay numbers. Reading the folder (and :func:`write_rank_outputs`) is
:mod:`haldenenergie.results`; those names are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from .. import _io
from ..errors import OutputError
from ..results import (
    INT_COLUMNS,
    RUN_FILES,
    ranking_manifest_entry,
    read_manifest,
    read_run,
    read_table,
    register_derived,
    registry_from_manifest,
    suitability_values_from_manifest,
    write_rank_outputs,
)
from ..results import RunFolder as ResultsFolder
from ..suitability import SCORE_PARTS, TOTAL_COLUMNS
from .assumptions import (
    ASSUMPTION_HEADERS,
    assumptions_table,
    describe_rule,
    factor_notes,
    manifest_table,
)
from .csv import csv_text, write_csv
from .geojson import geojson_dict, geojson_text, write_geojson
from .tables import (
    COLUMN_INFO,
    COMMITTEE_ORDER,
    LANGS,
    SUFFIX_UNITS,
    UNITS_DE,
    VALUE_LABELS,
    check_lang,
    column_header,
    column_unit,
    committee_frame,
    committee_table,
    header_map,
    require_ranked,
    totals_view,
)
from .xlsx import MANIFEST_HEADERS, SHEETS, write_xlsx

FORMATS: tuple[str, ...] = ("csv", "xlsx", "geojson")
#: ``--out`` value that means standard output.
STDOUT = "-"
#: Formats that can be written to standard output (text).
STREAM_FORMATS: tuple[str, ...] = ("csv", "geojson")


def read_results_dir(results_dir: str | Path) -> ResultsFolder:
    """Read ``results.csv`` (required), ``ranking.csv``, ``totals.csv`` and ``manifest.json``."""
    return read_run(results_dir, tables=("ranking", "totals"))


def infer_format(out: str | Path) -> str:
    """Format from the output suffix (``.csv``, ``.xlsx``, ``.geojson``/``.json``)."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix == "json":
        suffix = "geojson"
    if suffix not in FORMATS:
        raise OutputError(
            f"{out}: cannot tell the format from the suffix; pass --format {'|'.join(FORMATS)}"
        )
    return suffix


def is_stdout(out: str | Path | None) -> bool:
    """Whether ``out`` names standard output (``"-"``)."""
    return out is not None and str(out) == STDOUT


def _check_format(fmt: str | None, out: str | Path) -> str:
    if fmt is None and is_stdout(out):
        raise OutputError(
            "--out -: standard output has no suffix to tell the format; "
            "pass --format csv or --format geojson"
        )
    fmt = fmt or infer_format(out)
    if fmt not in FORMATS:
        raise OutputError(f"--format {fmt!r} is not supported; choose one of {', '.join(FORMATS)}")
    return fmt


def export_stream(results_dir: str | Path, fmt: str | None, stream, lang: str | None = None) -> str:
    """Write the committee CSV or the GeoJSON of a ranked results folder to a text stream.

    Parameters
    ----------
    results_dir : folder with ``results.csv`` (ranked), ``totals.csv``, ``manifest.json``.
    fmt : ``"csv"`` or ``"geojson"`` (required: a stream has no suffix).
    stream : a text stream (e.g. standard output); the CSV is written without BOM, with CRLF
        line ends as in the file.
    lang : ``"de"`` (default) or ``"en"``; GeoJSON ignores it.

    Returns
    -------
    The format written.

    Raises
    ------
    OutputError : no or unknown format, ``xlsx`` (binary; refused), language, folder not ranked.
    """
    fmt = _check_format(fmt, STDOUT)
    if fmt not in STREAM_FORMATS:
        raise OutputError(
            f"--out -: {fmt} is a binary workbook and is not written to standard output; "
            f"pass --out FILE.{fmt} (or --format csv|geojson for standard output)"
        )
    lang = lang or "de"
    check_lang(lang)
    folder = read_results_dir(results_dir)
    require_ranked(folder)
    text = csv_text(folder.results, lang) if fmt == "csv" else geojson_text(folder.results)
    stream.write(text)
    stream.flush()
    return fmt


def export_results(
    results_dir: str | Path,
    fmt: str | None,
    out: str | Path,
    lang: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Export a ranked results folder as committee CSV, XLSX or GeoJSON.

    Parameters
    ----------
    results_dir : folder with ``results.csv`` (ranked), ``totals.csv``, ``manifest.json``.
    fmt : ``"csv"``, ``"xlsx"``, ``"geojson"`` or None (from the suffix of ``out``).
    out : output file; refused if it exists unless ``overwrite`` (and then only a regular file
        that is none of the folder's own files). Written into ``results_dir``, it is recorded
        in the folder's manifest (:func:`register_derived`).
    lang : ``"de"`` (default) or ``"en"``; GeoJSON ignores it (column names as properties).
    ``out="-"`` is refused here: standard output is :func:`export_stream`.

    Raises
    ------
    OutputError : unknown format/language, output exists, folder not ranked or unreadable,
        output locked by another run or not writable (one line with the path).
    """
    if is_stdout(out):
        raise OutputError("out='-' is standard output: use export_stream(results_dir, fmt, stream)")
    fmt = _check_format(fmt, out)
    lang = lang or "de"
    check_lang(lang)
    inputs = [Path(results_dir) / name for name in RUN_FILES]
    _io.check_can_write(out, overwrite, kind="file", inputs=inputs)
    folder = read_results_dir(results_dir)
    require_ranked(folder)
    if fmt == "csv":
        path = write_csv(folder.results, out, lang, overwrite, inputs=inputs)
    elif fmt == "xlsx":
        path = write_xlsx(folder, out, lang, overwrite, inputs=inputs)
    else:
        path = write_geojson(folder, out, overwrite, inputs=inputs)
    register_derived(results_dir, path, f"export --format {fmt}")
    return path


__all__ = [
    "ASSUMPTION_HEADERS",
    "COLUMN_INFO",
    "COMMITTEE_ORDER",
    "FORMATS",
    "STDOUT",
    "STREAM_FORMATS",
    "INT_COLUMNS",
    "LANGS",
    "MANIFEST_HEADERS",
    "SCORE_PARTS",
    "SHEETS",
    "SUFFIX_UNITS",
    "TOTAL_COLUMNS",
    "UNITS_DE",
    "VALUE_LABELS",
    "ResultsFolder",
    "assumptions_table",
    "column_header",
    "column_unit",
    "committee_frame",
    "committee_table",
    "csv_text",
    "describe_rule",
    "export_results",
    "export_stream",
    "factor_notes",
    "geojson_dict",
    "geojson_text",
    "header_map",
    "infer_format",
    "is_stdout",
    "manifest_table",
    "ranking_manifest_entry",
    "read_manifest",
    "read_results_dir",
    "read_table",
    "registry_from_manifest",
    "suitability_values_from_manifest",
    "totals_view",
    "write_csv",
    "write_geojson",
    "write_rank_outputs",
    "write_xlsx",
]
