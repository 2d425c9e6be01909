"""Assembling the report page: head with the inline CSS and self-check script, then six sections.

The CSS (``static/report.css``) and the self-check script (``static/selfcheck.js``) are package
files, inlined into the page so that it needs nothing from outside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..results.provenance import provenance
from .data import ReportData, rank_order
from .data import describe_rows as program_describe_rows
from .elements import static_text
from .fmt import esc, fmt_time, report_time
from .sections import assumptions_section, charts_section, map_section, ranking_section
from .sheet import sheet
from .summary import summary_section
from .text import check_lang, lbl

#: Sections of the page in order (ids; the table of contents numbers them 1..6).
TOC = ("summary", "map", "charts", "ranking", "sheets", "assumptions")


def _head(lang: str) -> list[str]:
    from .. import __version__

    return [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="haldenenergie {esc(__version__)}">',
        f"<title>{esc(lbl('title', lang))}</title>",
        f"<style>{static_text('report.css')}</style>",
        f"<script>{static_text('selfcheck.js')}</script>",
        "</head><body>",
    ]


def _cover(data: ReportData, n_heaps: int, lang: str) -> list[str]:
    """The header band: title, subtitle, run date, version, number of heaps, report date."""
    m = data.manifest or {}
    versions = m.get("versions")
    version = (versions or {}).get("haldenenergie") if isinstance(versions, Mapping) else None
    return [
        '<header class="cover"><div class="inner">',
        f"<h1>{esc(lbl('title', lang))}</h1>",
        f"<p>{esc(lbl('subtitle', lang))}</p>",
        (
            f"<p>{esc(lbl('run_date', lang))} {esc(fmt_time(m.get('created_utc')))} · "
            f"haldenenergie {esc(version or '–')} · {n_heaps} {esc(lbl('heaps_lc', lang))} · "
            f"{esc(lbl('report_date', lang))} {esc(report_time())}</p>"
        ),
        "</div></header><main>",
    ]


def provenance_box(data: ReportData, lang: str) -> str:
    """The boxed notice at the top of the first page: where the figures come from.

    Parameters
    ----------
    data : ReportData
        What the report shows (its manifest and results).
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The ``<aside>``: one line each for the weather (the synthetic reference year flagged as
        not for planning figures), the terrain source per heap count, the constraint layers used
        and missing, and the heaps whose facts were assumed
        (:func:`haldenenergie.results.provenance.provenance`).
    """
    prov = provenance(data.manifest, data.results)
    items = []
    for i, line in enumerate(prov.lines(lang)):
        cls = ' class="synthetic"' if i == 0 and prov.weather.synthetic else ""
        cls = ' class="upper-bound"' if i == 4 else cls
        items.append(f"<li{cls}>{esc(line)}</li>")
    synthetic = " synthetic" if prov.weather.synthetic else ""
    return (
        f'<aside class="provenance{synthetic}" id="provenance">'
        f"<h2>{esc(lbl('provenance', lang))}</h2><ul>{''.join(items)}</ul></aside>"
    )


def _toc(lang: str) -> list[str]:
    return [
        f'<nav class="toc"><h2>{esc(lbl("toc", lang))}</h2><ol>',
        *[f'<li><a href="#{k}">{esc(lbl(k, lang))}</a></li>' for k in TOC],
        f'</ol><p class="note">{esc(lbl("print_hint", lang))}</p></nav>',
    ]


def render_report(
    data: ReportData, lang: str = "de", describe_rows: Sequence[Mapping] | None = None
) -> str:
    """The report as one self-contained HTML string.

    Charts are SVG ``data:`` URIs or inline SVG, the CSS is inline and uses the reader's system
    fonts; nothing is fetched. The page prints on A4, each heap sheet on a new page.

    Parameters
    ----------
    data : ReportData
        What :func:`~haldenenergie.report.data.load_report_data` read.
    lang : str
        ``"de"`` (default) or ``"en"``.
    describe_rows : sequence of Mapping, optional
        Parameter descriptions (unit, source); default: from the program's config.

    Returns
    -------
    str
        The page.

    Raises
    ------
    OutputError
        ``lang`` is not available.
    """
    from .. import __version__

    check_lang(lang)
    if describe_rows is None:
        describe_rows = program_describe_rows()
    df = rank_order(data.results)
    parts = [
        *_head(lang),
        *_cover(data, len(df), lang),
        provenance_box(data, lang),
        *_toc(lang),
        summary_section(data, df, lang),
        map_section(data, df, lang),
        charts_section(data, df, lang),
        ranking_section(df, lang),
        f'<section id="sheets" class="major"><h2>5 {esc(lbl("sheets", lang))}</h2>',
        *[sheet(r, data, lang) for _, r in df.iterrows()],
        "</section>",
        assumptions_section(data, lang, describe_rows),
        (
            f"<footer>{esc(lbl('generated_by', lang))} {esc(__version__)} · "
            f"{esc(lbl('results_folder', lang))}: {esc(data.results_dir.name)}</footer>"
        ),
        "</main></body></html>",
    ]
    return "\n".join(parts)
