"""Section 1 of the report: notes, key figures, totals by class with their factors, data used."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import labels
from ..results import manifest_warnings
from .charts import CLASS_COLORS, class_color
from .columns import column_label, fmt_value, unit_of
from .data import ReportData, manifest_inputs, num, total_energy
from .elements import is_numeric_col, kv, table
from .fmt import esc, fmt_number, fmt_time, get, is_float, isnum, linkify, maybe_float
from .honest import honesty_notes, layers_cell, wind_card_value
from .text import LABELS, LANGS, class_label, lbl, value_label
from .translate import technical_text

#: Values of the class column that mark an "all classes" row in totals.csv.
OVERALL_NAMES = {
    "all",
    "total",
    "overall",
    "sum",
    "gesamt",
    "summe",
    "alle",
    "insgesamt",
    "total_suitable",
}
#: Key figures taken from the overall totals row: label key, words its column name contains,
#: unit if the column has none, decimals.
_CARD_SPECS = (
    ("pv_capacity", ("pv", "capacity"), "MWp", 1),
    ("wind_capacity", ("wind", "capacity"), "MW", 1),
    ("total_energy", ("total", "energy"), "MWh/a", 0),
    ("households", ("household",), "", 0),
    ("co2", ("co2",), "t/a", 0),
)
#: Weather metadata of the manifest shown under "data used".
_WEATHER_KEYS = (
    "station",
    "data_source",
    "source_period",
    "source_format",
    "period_start",
    "period_end",
    "wind_speed_height_m",
    "coverage_fraction",
)


def class_col(totals: pd.DataFrame) -> str | None:
    """The group column of a totals table (``class`` or an alternative name)."""
    for c in ("class", "suitability_class", "klasse", "group"):
        if c in totals.columns:
            return c
    return None


def _split_totals(totals: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Move factors (and their years and sources) out of the totals table into a list.

    A column is a factor when it is the same in every row and either its name says so
    (``factor``, ``year``, ``source``, ``per_household``, ``consumption``) or there are at least
    three rows (sums of different classes are not all equal).
    """
    keep, notes = [], []
    cls = class_col(totals)
    for c in totals.columns:
        low = c.lower()
        vals = totals[c].dropna().astype(str).unique()
        named = any(w in low for w in ("factor", "year", "source", "per_household", "consumption"))
        if c != cls and len(vals) <= 1 and (named or len(totals) >= 3):
            if len(vals) == 1:
                notes.append((c, vals[0]))
            continue
        keep.append(c)
    return totals[keep], notes


def _group_cell(key: str, text: Any, overall: bool, lang: str) -> str:
    """First cell of a totals row: class with its colour swatch, "total", or the group text."""
    if key in CLASS_COLORS:
        return (
            f'<span class="swatch" style="background:{class_color(key)}"></span>'
            f"{esc(text or class_label(key, lang))}"
        )
    if overall and not text:
        return esc(lbl("overall", lang))
    return esc(text or key)


def _totals_html(totals: pd.DataFrame, lang: str) -> str:
    """Totals by class and group in the file's order; the overall row bold.

    ``totals`` is without its factor columns (:func:`_split_totals`). The group column (``class``
    or ``group``) is shown by its label in the report's language when the file has one
    (``group_de``/``group_en``), with the class colour as a swatch.
    """
    cls = class_col(totals)
    if cls is None:
        return table(totals, lang)
    text_cols = [
        c for c in totals.columns if c.startswith(f"{cls}_") and c.rsplit("_", 1)[-1] in LANGS
    ]
    label_col = f"{cls}_{lang}" if f"{cls}_{lang}" in totals.columns else None
    value_cols = [c for c in totals.columns if c != cls and c not in text_cols]
    head = f"<th>{esc(lbl('class', lang))}</th>" + "".join(
        f'<th class="{"n" if is_numeric_col(totals, c) else ""}">{esc(column_label(c, lang))}</th>'
        for c in value_cols
    )
    rows = []
    for _, r in totals.iterrows():
        key = str(r[cls]).strip()
        overall = key.lower() in OVERALL_NAMES
        first = _group_cell(key, get(r, label_col) if label_col else None, overall, lang)
        cells = "".join(
            f'<td class="n">{esc(fmt_value(c, get(r, c), lang))}</td>'
            if is_numeric_col(totals, c)
            else f"<td>{linkify(fmt_value(c, get(r, c), lang))}</td>"
            for c in value_cols
        )
        tr = '<tr class="overall">' if overall else "<tr>"
        rows.append(f"{tr}<td>{first}</td>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _overall_row(totals: pd.DataFrame | None) -> pd.Series | None:
    if totals is None or totals.empty:
        return None
    c = class_col(totals)
    if c is None:
        return totals.iloc[-1] if len(totals) == 1 else None
    m = totals[c].astype(str).str.strip().str.lower().isin(OVERALL_NAMES)
    return totals[m].iloc[0] if m.any() else None


def _pick(
    row: pd.Series,
    include: Sequence[str],
    exclude: Sequence[str] = ("factor", "year", "source", "per_household"),
) -> tuple[str, float] | None:
    """First numeric column whose name contains all of ``include`` and none of ``exclude``."""
    for c in row.index:
        low = c.lower()
        if all(w in low for w in include) and not any(w in low for w in exclude):
            v = get(row, c)
            if isnum(v) or (isinstance(v, str) and is_float(v)):
                return c, float(v)
    return None


def _total_energy_hit(overall: pd.Series) -> tuple[str, float] | None:
    """Total energy of the overall row: a total column, ``energy_mwh_per_a``, or PV + wind."""
    hit = _pick(overall, ("total", "energy"))
    if hit is None and isnum(get(overall, "energy_mwh_per_a")):
        hit = ("energy_mwh_per_a", float(get(overall, "energy_mwh_per_a")))
    if hit is None:
        pv, wd = _pick(overall, ("pv", "energy")), _pick(overall, ("wind", "energy"))
        if pv and wd:
            hit = ("", pv[1] + wd[1])
    return hit


def _cards_from_totals(overall: pd.Series, lang: str) -> list[tuple[str, str]]:
    """Key figures from the overall row of totals.csv (energies of 10 GWh/a and more in GWh/a)."""
    cards = []
    for key, inc, unit, dec in _CARD_SPECS:
        hit = _total_energy_hit(overall) if key == "total_energy" else _pick(overall, inc)
        if hit is None:
            continue
        u = unit_of(hit[0])[0] if hit[0] and unit_of(hit[0]) else unit
        value = hit[1]
        step = labels.display(hit[0]).step if hit[0] and labels.known(hit[0]) else None
        if step:  # households to hundreds, as in the exports (data/labels.toml)
            value = float(labels.round_step(value, step))
        if u == "MWh/a" and abs(value) >= 10_000:
            value, u, dec = value / 1000, "GWh/a", 1
        cards.append((lbl(key, lang), f"{fmt_number(value, dec, lang)} {u}".strip()))
    return cards


def _cards_from_results(df: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """Key figures as sums over results.csv (when there is no totals.csv)."""
    return [
        (lbl("pv_capacity", lang), f"{fmt_number(num(df, 'pv_capacity_mwp').sum(), 1, lang)} MWp"),
        (
            lbl("wind_capacity", lang),
            f"{fmt_number(num(df, 'wind_capacity_mw').sum(), 1, lang)} MW",
        ),
        (
            lbl("total_energy", lang),
            f"{fmt_number(total_energy(df).sum() / 1000, 1, lang)} GWh/a",
        ),
    ]


def _key_figures(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    """The cards of key figures, and what the overall row covers."""
    overall = _overall_row(data.totals)
    cards = [(lbl("n_heaps", lang), fmt_number(len(df), 0, lang))]
    cards += _cards_from_results(df, lang) if overall is None else _cards_from_totals(overall, lang)
    wind_key = lbl("wind_capacity", lang)
    cards = [(k, wind_card_value(data.totals, v, lang) if k == wind_key else v) for k, v in cards]
    out = (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
            for k, v in cards
        )
        + "</div>"
    )
    if overall is not None:
        cls = class_col(data.totals)
        what = get(overall, f"{cls}_{lang}") if cls else None
        if what:
            out += f'<p class="note">{esc(lbl("key_figures", lang))}: {esc(what)}</p>'
    return out + honesty_notes(data.totals, data.results, lang)


def _factors_html(totals: pd.DataFrame, factors: list[tuple[str, str]], lang: str) -> str:
    """The totals' factors: each with its year and cited source.

    The totals of ``haldenenergie rank`` get the same sentences as the exports; other totals
    list their constant columns.
    """
    from ..suitability import TOTAL_COLUMNS

    if set(TOTAL_COLUMNS) <= set(totals.columns):
        from ..export import factor_notes

        items = [f"<li>{linkify(technical_text(t, lang))}</li>" for t in factor_notes(lang, totals)]
    elif factors:
        items = [
            f"<li>{esc(column_label(c, lang))}: {linkify(fmt_value(c, maybe_float(v), lang))}</li>"
            for c, v in factors
        ]
    else:
        return ""
    return f"<h4>{esc(lbl('factors', lang))}</h4><ul class='tight small'>{''.join(items)}</ul>"


def _existing_wind_note(df: pd.DataFrame, lang: str) -> str:
    ex_n = num(df, "existing_wind_turbines").sum()
    if not ex_n > 0:
        return ""
    return (
        f'<p class="note">{esc(lbl("existing_wind", lang))}: {fmt_number(ex_n, 0, lang)}, '
        f"{fmt_number(num(df, 'existing_wind_energy_mwh_per_a').sum(), 0, lang)} MWh/a "
        f"({esc(lbl('existing_note', lang))}).</p>"
    )


def _fallback_totals(df: pd.DataFrame, lang: str) -> str:
    """Sums per class over results.csv (when there is no totals.csv)."""
    cols = ["pv_capacity_mwp", "wind_capacity_mw", "pv_energy_mwh_per_a", "wind_energy_mwh_per_a"]
    work = df.copy()
    work["total_energy_mwh_per_a"] = total_energy(df)
    work["class"] = work["class"] if "class" in work.columns else lbl("all_heaps", lang)
    work["class"] = work["class"].fillna("–")
    g = work.groupby("class", sort=False)
    t = pd.DataFrame({"n_heaps": g.size()})
    for c in [*cols, "total_energy_mwh_per_a"]:
        t[c] = (
            g[c].apply(lambda s: pd.to_numeric(s, errors="coerce").sum()) if c in work else np.nan
        )
    t = t.reset_index()
    return table(t, lang)


def _totals_block(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    """Totals by class with their factors and the existing turbines, or sums of results.csv."""
    out = [f"<h3>{esc(lbl('totals_by_class', lang))}</h3>"]
    if data.totals is not None and not data.totals.empty:
        # the PV basis labels are shown once, under the key figures (honesty_notes)
        shown = data.totals.drop(columns=["pv_basis", "pv_basis_de"], errors="ignore")
        totals, factors = _split_totals(shown)
        out.append(f'<div class="tablewrap">{_totals_html(totals, lang)}</div>')
        out.append(_factors_html(data.totals, factors, lang))
        out.append(_existing_wind_note(df, lang))
    else:
        out.append(f'<p class="note">{esc(lbl("totals_fallback", lang))}</p>')
        out.append(_fallback_totals(df, lang))
    return "".join(out)


def _files(m: Mapping, role: str) -> str:
    """The manifest's input files of one role with their short SHA-256."""
    recs = manifest_inputs(m, role)
    if not recs:
        return ""
    return "<br>".join(
        f"{esc(Path(str(r.get('path', '?'))).name)} "
        f"<span class='note'>SHA-256 {esc(str(r.get('sha256', '–'))[:12])}…</span>"
        for r in recs
    )


def _weather_cell(m: Mapping, lang: str) -> str:
    weather = _files(m, "weather") or esc(lbl("not_available", lang))
    wmeta = m.get("weather")
    if isinstance(wmeta, Mapping):
        bits = [
            f"{k}: {fmt_time(v) if k.startswith('period') else v}"
            for k, v in wmeta.items()
            if k in _WEATHER_KEYS and v not in (None, "")
        ]
        if bits:
            weather += f"<br><span class='note'>{esc('; '.join(map(str, bits)))}</span>"
    return weather


def _terrain_cell(m: Mapping, df: pd.DataFrame, lang: str) -> str:
    terrain = _files(m, "dem")
    if "terrain_source" in df.columns:
        counts = df["terrain_source"].fillna("–").astype(str).value_counts()
        summary = ", ".join(
            f"{value_label('terrain_source', k, lang)}: {v}" for k, v in counts.items()
        )
        terrain = (terrain + "<br>" if terrain else "") + esc(summary)
    return terrain or esc(lbl("not_available", lang))


def _input_rows(data: ReportData, df: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """Rows of weather, terrain, registry, configuration and batch inputs."""
    m = data.manifest or {}
    reg = _files(m, "registry")
    if data.registry_path is not None:
        reg = reg or esc(data.registry_path.name)
    cfg = _files(m, "config") or esc(lbl("defaults", lang))
    if m.get("config_sha256"):
        cfg += f" <span class='note'>SHA-256 {esc(str(m['config_sha256'])[:12])}…</span>"
    rows = [
        (lbl("weather", lang), _weather_cell(m, lang)),
        (lbl("terrain", lang), _terrain_cell(m, df, lang)),
        (lbl("constraint_layers", lang), layers_cell(m, data.results, lang)),
        (lbl("registry", lang), reg or esc(lbl("not_available", lang))),
        (lbl("config", lang), cfg),
    ]
    if data.summary_path is not None:
        n = num(data.summary, "n_runs").max() if data.summary is not None else float("nan")
        extra = f" ({fmt_number(n, 0, lang)} {lbl('n_runs', lang)})" if math.isfinite(n) else ""
        rows.append(("Batch", esc(data.summary_path.name + extra)))
    return rows


def _sources_table(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    """Inputs of the run with hashes, run date and software versions."""
    m = data.manifest or {}
    rows = _input_rows(data, df, lang)
    created = m.get("created_utc")
    rows.append(
        (lbl("run_date", lang), esc(fmt_time(created) if created else lbl("not_available", lang)))
    )
    versions = m.get("versions") if isinstance(m.get("versions"), Mapping) else {}
    if versions:
        main_v = versions.get("haldenenergie", "–")
        others = ", ".join(f"{k} {v}" for k, v in versions.items() if k != "haldenenergie")
        rows.append(
            (
                lbl("software", lang),
                f"haldenenergie {esc(main_v)}<br><span class='note'>{esc(others)}</span>",
            )
        )
    return kv(rows)


def summary_section(data: ReportData, df: pd.DataFrame, lang: str) -> str:
    """Section 1: notes on missing or changed inputs, key figures, totals, data used.

    Parameters
    ----------
    data : ReportData
        What the report shows.
    df : pandas.DataFrame
        The results in rank order.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The ``<section>`` element.
    """
    out = [f'<section id="summary"><h2>1 {esc(lbl("summary", lang))}</h2>']
    for n in data.notes:
        out.append(f'<div class="warn">{esc(lbl(n, lang) if n in LABELS else n)}</div>')
    if manifest_warnings(data.manifest):
        link = f'<a href="#run-warnings">{esc(lbl("run_warnings_summary", lang))}</a>'
        out.append(f'<div class="warn">{link}</div>')
    out.append(_key_figures(data, df, lang))
    out.append(_totals_block(data, df, lang))
    out.append(f"<h3>{esc(lbl('sources_used', lang))}</h3>")
    out.append(_sources_table(data, df, lang))
    out.append("</section>")
    return "".join(out)
