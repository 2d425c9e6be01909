"""Sections 2, 3, 4 and 6 of the report: map, charts, ranking table, assumptions and parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..results import manifest_warnings
from .charts import energy_chart, monthly_chart, p50_p90_chart
from .columns import column_label, fmt_value
from .data import ReportData, num, parameter_rows, suitable_uses, total_energy
from .elements import badge, img, na
from .fmt import esc, fmt_number, get, isnum, linkify, param_value, slug, split_list
from .honest import calibration_block
from .map import map_chart
from .text import LABELS, LANGS, lbl, param_doc, value_label, yes_no
from .translate import technical_text

#: Reasons shown per heap in the ranking table (the verdicts come first); all are on its sheet.
RANKING_REASONS = 2
#: Column widths of the ranking table [% of the page width] (fixed layout, so that screen and
#: A4 print share one layout and the reasons keep a third of the width): rank, name, city,
#: class, score, rank range, PV, wind, energy, reasons.
RANKING_COL_WIDTHS_PCT = (4, 14, 11, 8, 6, 7, 6, 6, 9, 29)
#: Header of the ranking table: label key (or column) and cell class.
_RANKING_HEAD = (
    ("rank", "n"),
    ("name", ""),
    ("city", ""),
    ("class", ""),
    ("score", "n"),
    ("rank_range", "n"),
    ("rank_pv", "n"),
    ("rank_wind", "n"),
    ("rank_energy", "n"),
    ("reasons", ""),
)
#: The charts of section 3: label key, image id, caption key.
_CHARTS = (
    ("energy_per_heap", "fig-energy", "energy_note"),
    ("monthly_profile", "fig-monthly", "monthly_note"),
    ("p50_p90", "fig-p50p90", "p50_p90_note"),
)


def reasons_of(row: Mapping, lang: str) -> Any:
    """The heap's reasons in ``lang`` (German ``reasons_de`` where there is one)."""
    if lang == "de" and get(row, "reasons_de"):
        return get(row, "reasons_de")
    return get(row, "reasons") or get(row, "reasons_de")


def rank_range(row: Mapping, lang: str) -> str:
    """Best–worst rank of the heap under varied weights, e.g. ``2–5`` (``–`` if unknown)."""
    b, w = get(row, "rank_best"), get(row, "rank_worst")
    if isnum(b) and isnum(w):
        return f"{int(b)}–{int(w)}"
    return "–"


def map_section(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    """Section 2: the map (full width), then the heaps without coordinates as links to their sheets.

    The map itself also lists them (as an image); the list below makes them clickable.
    """
    out = [f'<section id="map" class="major"><h2>2 {esc(lbl("map", lang))}</h2>']
    chart = map_chart(df, lang)
    lat, lon = num(df, "lat"), num(df, "lon")
    missing = df[~(lat.notna() & lon.notna()).values]
    aside = [f"<aside><strong>{esc(lbl('no_coords', lang))}</strong>"]
    if missing.empty:
        aside.append(f"<p>{esc(lbl('none', lang))}</p>")
    else:
        aside.append("<ul>")
        for _, r in missing.iterrows():
            aside.append(
                f'<li><a href="#heap-{slug(r["heap_id"])}">'
                f"{esc(get(r, 'name') or r['heap_id'])}</a> "
                f"<span class='note'>{esc(technical_text(get(r, 'city') or '', lang))}</span></li>"
            )
        aside.append("</ul>")
    aside.append("</aside>")
    if chart is None:
        fig = f"<figure>{na(lang)}</figure>"
    else:
        fig = (
            f"<figure>{img(chart, 'fig-map', lbl('map', lang))}"
            f"<figcaption>{esc(lbl('map_caption', lang))}</figcaption></figure>"
        )
    out.append(f'<div class="mapwrap">{fig}{"".join(aside)}</div></section>')
    return "".join(out)


def charts_section(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    """Section 3: energy per heap, monthly profile, P50/P90 across weather years."""
    out = [f'<section id="charts" class="major"><h2>3 {esc(lbl("charts", lang))}</h2>']
    drawn = {
        "energy_per_heap": (energy_chart(df, lang), ""),
        "monthly_profile": (monthly_chart(data.monthly, lang), "monthly.csv"),
        "p50_p90": (p50_p90_chart(df, data.summary, lang), lbl("p50_p90_missing", lang)),
    }
    for key, id_, note_key in _CHARTS:
        chart, missing = drawn[key]
        out.append(f"<h3>{esc(lbl(key, lang))}</h3>")
        if chart is None:
            out.append(na(lang, missing))
        else:
            note = f"<figcaption>{esc(lbl(note_key, lang))}</figcaption>"
            out.append(f"<figure>{img(chart, id_, lbl(key, lang))}{note}</figure>")
    out.append("</section>")
    return "".join(out)


def _capacity_cell(col: str, ok: bool, r: pd.Series, lang: str) -> str:
    """A capacity; in brackets (greyed) where the use is not suitable."""
    v = get(r, col)
    text = esc(fmt_value(col, v, lang))
    if ok or not isnum(v) or float(v) == 0:
        return f'<td class="n">{text}</td>'
    return f'<td class="n off">({text})</td>'


def _ranking_row(r: pd.Series, energy: float, pv_ok: bool, wind_ok: bool, lang: str) -> str:
    reasons = split_list(reasons_of(r, lang))
    shown = "; ".join(reasons[:RANKING_REASONS])
    more = len(reasons) - RANKING_REASONS
    if more > 0:
        shown += f" (+{more} {lbl('more_reasons', lang)})"
    star = " ★" if yes_no(get(r, "robust_top"), "en") == "yes" else ""
    name = esc(get(r, "name") or r["heap_id"])
    return (
        "<tr>"
        f'<td class="n">{esc(fmt_value("rank", get(r, "rank"), lang))}</td>'
        f'<td><a href="#heap-{slug(r["heap_id"])}">{name}</a></td>'
        f"<td class='city'>{esc(technical_text(get(r, 'city') or '–', lang))}</td>"
        f"<td>{badge(get(r, 'class'), lang)}</td>"
        f'<td class="n">{esc(fmt_value("score", get(r, "score"), lang))}</td>'
        f'<td class="n">{esc(rank_range(r, lang))}{star}</td>'
        f"{_capacity_cell('pv_capacity_mwp', pv_ok, r, lang)}"
        f"{_capacity_cell('wind_capacity_mw', wind_ok, r, lang)}"
        f'<td class="n">{esc(fmt_number(energy, 0, lang))}</td>'
        f"<td class='reasons'>{esc(shown) if reasons else '–'}</td>"
        "</tr>"
    )


def _group_row(df: pd.DataFrame, i: int, lang: str) -> str:
    """A heading row where a ranking group starts ("" elsewhere or with one group only).

    Known heaps are ranked 1..k, heaps with facts missing (area or height assumed) after them,
    k+1..n (``rank_group``, :mod:`haldenenergie.suitability.facts`).
    """
    if "rank_group" not in df.columns:
        return ""
    groups = df["rank_group"].fillna("").astype(str)
    if not groups.eq("facts missing").any():
        return ""
    g = groups.iloc[i]
    if g == "" or (i > 0 and groups.iloc[i - 1] == g):
        return ""
    if g == "facts missing":
        text = lbl("group_facts_missing", lang)
    else:
        text = lbl("group_known", lang).replace("{n}", str(int(groups.eq(g).sum())))
    return f'<tr class="rank-group"><td colspan="{len(_RANKING_HEAD)}">{esc(text)}</td></tr>'


def ranking_section(df: pd.DataFrame, lang: str) -> str:
    """Section 4: the ranking table (rank order) with notes on brackets and robust candidates."""
    out = [f'<section id="ranking" class="major"><h2>4 {esc(lbl("ranking", lang))}</h2>']
    th = "".join(
        f'<th class="{c}">{esc(lbl(k, lang) if k in LABELS else column_label(k, lang))}</th>'
        for k, c in _RANKING_HEAD
    )
    # Energy of the suitable uses (what the score counts, as in the totals); without the
    # ranking columns, the technical potential.
    energy = (
        num(df, "suitable_energy_mwh_per_a")
        if "suitable_energy_mwh_per_a" in df.columns
        else total_energy(df)
    )
    pv_ok, wind_ok = suitable_uses(df)
    rows = [
        _group_row(df, i, lang)
        + _ranking_row(r, energy.iloc[i], bool(pv_ok[i]), bool(wind_ok[i]), lang)
        for i, r in df.iterrows()
    ]
    cols = "".join(f'<col style="width:{w}%">' for w in RANKING_COL_WIDTHS_PCT)
    out.append(
        f'<div class="tablewrap"><table class="rank"><colgroup>{cols}</colgroup>'
        f"<thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    out.append(f'<p class="note">{esc(lbl("rank_note", lang))}</p>')
    if "robust_top" in df.columns:
        out.append(f'<p class="note">★ {esc(lbl("robust_note", lang))}</p>')
    out.append("</section>")
    return "".join(out)


def _param_table(v: Any, lang: str) -> str | None:
    """A list of mapping-of-mappings parameters (e.g. the constraint rule table); else None.

    One entry per key: short fields on one line, long ones (texts, rationale) below; texts in both
    languages (``text_de``, ``text_en``) show only the report's language. A list, not a table,
    so that it wraps to any page width.
    """
    if not (isinstance(v, Mapping) and v and all(isinstance(x, Mapping) for x in v.values())):
        return None
    other = tuple(f"_{x}" for x in LANGS if x != lang)
    items = []
    for key, entry in v.items():
        short, long = [], []
        for k, x in entry.items():
            if str(k).endswith(other):
                continue
            text = param_value(x, lang)
            if len(text) <= 40:
                short.append(f"{esc(str(k).replace('_', ' '))}: {esc(text)}")
            else:
                cls = "note" if k == "rationale" else ""
                en = ' lang="en"' if lang != "en" and not str(k).endswith(f"_{lang}") else ""
                long.append(f'<div class="{cls}"{en}>{esc(text)}</div>')
        items.append(f"<li><code>{esc(key)}</code> — {' · '.join(short)}{''.join(long)}</li>")
    return f'<ul class="params">{"".join(items)}</ul>'


def _param_rows_html(r: dict, lang: str) -> list[str]:
    """The table row(s) of one parameter: a long value or rule table gets its own row below."""
    val = param_value(r["value"], lang)
    changed = (
        f' <span class="badge" style="background:#d55e00">{esc(lbl("changed", lang))}</span>'
        if r["changed"]
        else ""
    )
    # The program records parameter descriptions and sources in English: marked as such.
    en = ' lang="en"' if lang != "en" else ""
    doc_text = param_doc(r, lang)
    en_doc = en if doc_text == r.get("doc") else ""
    doc = f'<div class="note"{en_doc}>{esc(doc_text)}</div>' if doc_text else ""
    src = technical_text(r["source"], lang)
    en_src = en if src == r["source"] else ""
    if not r["changed"] and r["recorded"] and r["default"] is not None:
        default = f'<span class="note">{esc(lbl("same", lang))}</span>'
    else:
        default = esc(param_value(r["default"], lang))
    tbl = _param_table(r["value"], lang)
    long = tbl is not None or len(val) > 90
    cell = f'<span class="note">{esc(lbl("see_below", lang))}</span>' if long else esc(val)
    out = [
        f"<tr><td><code>{esc(r['key'])}</code>{doc}</td><td>{cell}{changed}</td>"
        f"<td>{esc(r['unit'])}</td><td>{default}</td>"
        f"<td class='small'{en_src}>{linkify(src)}</td></tr>"
    ]
    if long:
        out.append(
            f'<tr class="long"><td colspan="5">'
            f"{tbl if tbl is not None else f'<code>{esc(val)}</code>'}</td></tr>"
        )
    return out


def run_warnings_block(manifest: Mapping | None, lang: str) -> str:
    """The warnings the run recorded in its manifest (weather, terrain, registry), or ``""``.

    Parameters
    ----------
    manifest : Mapping or None
        The run's ``manifest.json``.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        A heading, a note and one list item per warning (stage in brackets); empty if none.
    """
    items = manifest_warnings(dict(manifest) if manifest is not None else None)
    if not items:
        return ""
    lis = "".join(
        f"<li>[{esc(stage)}] {esc(technical_text(text, lang))}</li>" for stage, text in items
    )
    return (
        f'<h3 id="run-warnings">{esc(lbl("run_warnings", lang))}</h3>'
        f'<div class="warn"><p>{esc(lbl("run_warnings_note", lang))}</p><ul>{lis}</ul></div>'
    )


def assumptions_section(
    data: ReportData, lang: str, describe_rows: Sequence[Mapping] | None
) -> str:
    """Section 6: warnings of the run, every parameter with value, unit, default and source.

    Parameters
    ----------
    data : ReportData
        What the report shows (parameters from its manifest).
    lang : str
        ``"de"`` or ``"en"``.
    describe_rows : sequence of Mapping or None
        Units, defaults and sources of the program's parameters.

    Returns
    -------
    str
        The ``<section>`` element.
    """
    out = [f'<section id="assumptions" class="major"><h2>6 {esc(lbl("assumptions", lang))}</h2>']
    m = data.manifest
    out.append(run_warnings_block(m, lang))
    out.append(calibration_block(m, lang))
    params = m.get("parameters") if m is not None else None
    rows = parameter_rows(params if isinstance(params, Mapping) else {}, describe_rows)
    if m is None or not rows:
        out.append(na(lang, "manifest.json" if m is None else ""))
        out.append("</section>")
        return "".join(out)
    out.append(
        f'<p class="note">{esc(lbl("params_note", lang))} {esc(lbl("params_lang_note", lang))}</p>'
    )
    head = "".join(
        f"<th>{esc(lbl(k, lang))}</th>" for k in ("parameter", "value", "unit", "default", "source")
    )
    section = None
    body = []
    for r in rows:
        if r["section"] != section:
            section = r["section"]
            name = value_label("section", section, lang)
            name = f"{name} [{section}]" if name != section else f"[{section}]"
            body.append(f'<tr><th colspan="5">{esc(name)}</th></tr>')
        body += _param_rows_html(r, lang)
    cols = (
        '<colgroup><col style="width:24%"><col style="width:17%"><col style="width:8%">'
        '<col style="width:11%"><col style="width:40%"></colgroup>'
    )
    out.append(
        f'<table class="ptable">{cols}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    out.append("</section>")
    return "".join(out)
