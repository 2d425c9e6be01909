"""The committee report: one self-contained HTML file with map, charts and one sheet per heap.

``write_report(results_dir, out)`` reads a results folder written by ``haldenenergie run``
(``results.csv`` and, where present, ``manifest.json``, ``monthly.csv``, ``surfaces.csv``,
``totals.csv`` and a batch ``summary.csv``) plus the heap registry, and writes one HTML file that

- needs nothing from outside: charts are matplotlib SVGs embedded as ``data:`` URIs, the small
  per-heap charts (orientation rose, monthly profile) are inline SVG written directly, the CSS
  is inline and uses the reader's system fonts; nothing is fetched (no scripts, fonts or tiles);
- prints to A4 (``@media print``; each heap sheet starts on a new page);
- reads in German (default) or English: every text comes from ``data/report_texts.toml``.

Missing optional inputs (monthly profile, surfaces, totals, batch summary, registry, manifest) make
their section say "not available"; a missing ``results.csv`` or results folder is a one-line
:class:`~haldenenergie.errors.OutputError`.

The page carries a tiny inline script (``static/selfcheck.js``) that records, once the page has
loaded, the size and "ink" (share of non-white pixels) of every chart image in ``data-``
attributes of ``<body>``, and any script error in ``data-errors`` of ``<html>``; the integration
test reads them from Chromium's dumped DOM. It loads nothing and changes nothing visible.

Modules: :mod:`.data` (reading and derived tables), :mod:`.charts` and :mod:`.map` (matplotlib),
:mod:`.svg` (inline per-heap charts), :mod:`.summary`, :mod:`.sections` and :mod:`.sheet` (the
sections), :mod:`.html` (the page), :mod:`.write` (the file), :mod:`.text`, :mod:`.columns` and
:mod:`.fmt` (texts, column labels, number formats), :mod:`.translate` (German renderings of the
run's English technical notes). The first page opens with a boxed provenance notice
(:func:`haldenenergie.results.provenance.provenance`): weather (the synthetic reference year
flagged as not for planning figures), terrain source per heap count, constraint layers used
(file, schema) and missing, assumed facts, and the PV upper bound when no forest layer was used.
Under the key figures, :mod:`.honest` adds the PV basis, the part of the total from heaps with
facts missing and the wind potential not assessed (also beside the new-wind figure); the ranking
shows the "facts missing" group after the known heaps; section 6 shows the wind calibration
(manifest ``wind_calibration``) or that the wind model is not calibrated.
"""

from __future__ import annotations

from .charts import Chart, energy_chart, monthly_chart, p50_p90_chart
from .columns import COLUMN_LABELS, column_label, fmt_value
from .data import (
    SECTOR_AZIMUTH_DEG,
    SECTORS,
    ReportData,
    city_base,
    load_report_data,
    monthly_totals,
    orientation_by_sector,
    parameter_rows,
    rank_order,
    read_registry_properties,
    total_energy,
)
from .fmt import fmt_number
from .html import render_report
from .map import map_chart, project_points
from .svg import monthly_heap_svg, rose_svg
from .text import CLASS_LABELS, LABELS, LANGS
from .write import write_report

__all__ = [
    "CLASS_LABELS",
    "COLUMN_LABELS",
    "LABELS",
    "LANGS",
    "SECTORS",
    "SECTOR_AZIMUTH_DEG",
    "Chart",
    "ReportData",
    "city_base",
    "column_label",
    "energy_chart",
    "fmt_number",
    "fmt_value",
    "load_report_data",
    "map_chart",
    "monthly_chart",
    "monthly_heap_svg",
    "monthly_totals",
    "orientation_by_sector",
    "p50_p90_chart",
    "parameter_rows",
    "project_points",
    "rank_order",
    "read_registry_properties",
    "render_report",
    "rose_svg",
    "total_energy",
    "write_report",
]
