"""Section 5 of the report: one sheet per heap (facts, terrain, PV, wind, reasons, constraints)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .columns import column_label, fmt_value
from .data import ReportData, orientation_by_sector
from .elements import badge, kv, na, row_kv, small_heading, tight_list
from .fmt import esc, fmt_number, get, isnum, linkify, maybe_float, slug, split_list
from .sections import rank_range, reasons_of
from .svg import monthly_heap_svg, rose_svg
from .text import lbl, score_label, sector_name, value_label, yes_no
from .translate import technical_text

#: Registry properties shown on a heap sheet, in order.
FACT_KEYS = (
    "name",
    "city",
    "owner",
    "membership",
    "form",
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "housing_distance_m",
    "access",
)
#: Registry properties that constrain building, shown under "constraints".
CONSTRAINT_KEYS = ("landmark", "nature_protection", "access", "constraints")
#: Result columns of the terrain, PV and wind blocks of a sheet, in order.
TERRAIN_KEYS = (
    "terrain_source",
    "footprint_area_ha",
    "summit_elevation_m",
    "base_elevation_m",
    "relative_height_m",
    "half_height_distance_m",
    "plateau_area_ha",
    "pv_usable_area_ha",
    "turbine_site_area_ha",
)
PV_KEYS = (
    "pv_usable_area_ha",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "pv_specific_yield_kwh_per_kwp",
)
WIND_KEYS = (
    "wind_turbines_new",
    "wind_turbine_type",
    "wind_hub_height_m",
    "wind_hub_height_above_surroundings_m",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "wind_full_load_hours_h",
    "wind_capacity_factor",
    "wind_mean_speed_hub_m_s",
    "wind_speedup_fraction",
    "wind_wake_loss_fraction",
    "existing_wind_turbines",
    "existing_wind_turbine_type",
    "existing_wind_capacity_mw",
    "existing_wind_energy_mwh_per_a",
)
#: Suitability verdicts shown under the reasons.
SUITABILITY_KEYS = (
    "pv_suitability",
    "wind_suitability",
    "availability",
    "penalty_points",
    "robust_top",
)
#: PV surface columns of the surfaces table of a sheet.
SURFACE_COLUMNS = (
    "surface_class",
    "surface_tilt_deg",
    "surface_azimuth_deg",
    "usable_area_ha",
    "capacity_mwp",
    "energy_mwh_per_a",
)


def _surface_name(r: Mapping, lang: str) -> str:
    """``plateau`` → Plateau; a flank → ``Flanke S 15–25°`` (from kind, sector and tilt band)."""
    kind, sector, band = get(r, "kind"), get(r, "azimuth_sector"), get(r, "tilt_band")
    name = str(get(r, "surface_class") or "")
    if kind == "plateau":
        return lbl(name, lang) if name in ("plateau", "berm") else (name or lbl("plateau", lang))
    if kind == "flank" and sector:
        sec = sector_name(str(sector), lang)
        band_txt = f" {str(band).replace('-', '–')}°" if band else ""
        return f"{lbl('flank', lang)} {sec}{band_txt}"
    return str(get(r, "surface_class") or "–")


def _surface_table(surfaces: pd.DataFrame | None, heap_id: str, lang: str) -> str:
    """The heap's PV surfaces: tilt, azimuth, usable area, capacity, energy."""
    if surfaces is None or "heap_id" not in surfaces.columns:
        return ""
    s = surfaces[surfaces["heap_id"] == heap_id]
    if s.empty:
        return ""
    cols = [c for c in SURFACE_COLUMNS if c in s.columns]
    labels = {
        "surface_class": lbl("surface", lang),
        "surface_tilt_deg": lbl("tilt", lang),
        "surface_azimuth_deg": lbl("azimuth", lang),
    }
    head = "".join(
        f'<th class="{"" if c == "surface_class" else "n"}">'
        f"{esc(labels.get(c) or column_label(c, lang))}</th>"
        for c in cols
    )
    body = []
    for _, r in s.iterrows():
        cells = "".join(
            f'<td class="nw">{esc(_surface_name(r, lang))}</td>'
            if c == "surface_class"
            else f'<td class="n">{esc(fmt_value(c, get(r, c), lang))}</td>'
            for c in cols
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="surf"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _existing_wind_text(props: Mapping, lang: str) -> str | None:
    """Existing turbines of the registry, e.g. ``1 × Enercon E-101, Nabenhöhe 99 m, seit 2016``."""
    ew = props.get("existing_wind")
    if isinstance(ew, Mapping):
        count, model = ew.get("count"), ew.get("model")
        hub, since = ew.get("hub_height_m"), ew.get("since")
    else:
        count, model = props.get("existing_wind_count"), props.get("existing_wind_model")
        hub, since = props.get("existing_wind_hub_height_m"), props.get("existing_wind_since")
    try:
        n = int(float(count)) if count not in (None, "") else 0
    except (TypeError, ValueError):
        n = 0
    if n <= 0:
        return None
    bits = [f"{n} × {technical_text(model, lang) or '?'}"]
    if hub not in (None, ""):
        bits.append(f"{'Nabenhöhe' if lang == 'de' else 'hub'} {hub} m")
    if since not in (None, ""):
        bits.append(f"{'seit' if lang == 'de' else 'since'} {since}")
    return ", ".join(map(str, bits))


def _city(row: pd.Series, props: Mapping | None, lang: str) -> str:
    """The heap's city (registry remarks such as "(border)" in the report's language)."""
    return technical_text(get(row, "city") or (props or {}).get("city") or "", lang)


def _head(row: pd.Series, props: Mapping | None, hid: str, lang: str) -> list[str]:
    """Title (rank, name, class), the line below it, and a status warning."""
    name = get(row, "name") or (props or {}).get("name") or hid
    rank = get(row, "rank")
    head = f"{int(rank)}. " if isnum(rank) else ""
    out = [
        f'<article class="sheet" id="heap-{slug(hid)}" data-heap-id="{esc(hid)}">',
        f"<h3>{esc(head)}{esc(name)} {badge(get(row, 'class'), lang)}</h3>",
        (
            f'<div class="sub">{esc(_city(row, props, lang))} · '
            f"{esc(lbl('heap', lang))} <code>{esc(hid)}</code> · {esc(lbl('score', lang))} "
            f"{esc(fmt_value('score', get(row, 'score'), lang))} · {esc(lbl('rank_range', lang))} "
            f"{esc(rank_range(row, lang))}</div>"
        ),
    ]
    status = get(row, "status")
    if status and str(status).strip().lower() != "ok":
        out.append(f'<div class="warn">{esc(lbl("status", lang))}: {esc(status)}</div>')
    return out


def _facts(row: pd.Series, props: Mapping | None, data: ReportData, lang: str) -> str:
    """Registry facts (or what results.csv knows), coordinates and existing turbines."""
    out = [f"<div><h4>{esc(lbl('facts', lang))}</h4>"]
    if props is None:
        why = "not_in_registry" if data.registry is not None else "registry_missing"
        out.append(na(lang, lbl(why, lang)))
        facts = row_kv(row, ("owner", "footprint_area_ha"), lang)
    else:
        facts = []
        for k in FACT_KEYS:
            v = props.get(k)
            if v in (None, ""):
                continue
            if isinstance(v, str) and k.endswith(("_ha", "_m")):
                v = maybe_float(v)
            v = technical_text(value_label(k, v, lang), lang)
            facts.append((column_label(k, lang), esc(fmt_value(k, v, lang))))
    lat, lon = get(row, "lat"), get(row, "lon")
    if lat is None and props:
        lat, lon = props.get("lat"), props.get("lon")
    coords = (
        f"{fmt_number(lat, 4, lang)} N, {fmt_number(lon, 4, lang)} E"
        if isnum(lat) and isnum(lon)
        else lbl("not_available", lang)
    )
    facts.append((lbl("coordinates", lang), esc(coords)))
    ew = _existing_wind_text(props or {}, lang)
    if ew:
        facts.append((lbl("existing_wind", lang), esc(ew)))
    out.append(kv(facts))
    out.append("</div>")
    return "".join(out)


def _orientation(data: ReportData, hid: str, lang: str) -> str:
    """Orientation rose and usable area per direction [ha] (or why there is none)."""
    by = orientation_by_sector(data.surfaces, hid)
    if by is not None and float(by.to_numpy().sum()) > 0:
        rows = "".join(
            f"<tr><td>{esc(lbl('plateau', lang) if s == 'flat' else sector_name(s, lang))}</td>"
            f'<td class="n">{esc(fmt_number(by.at[s, "usable"], 1, lang))}</td></tr>'
            for s in by.index
            if by.at[s, "gross"] > 0 or by.at[s, "usable"] > 0
        )
        return (
            f'<div class="rosebox">{rose_svg(by, lang)}'
            f'<table><thead><tr><th></th><th class="n">ha</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
            f'<div class="note small">{esc(lbl("rose_legend", lang))}</div>'
        )
    if data.surfaces is not None:
        return f'<p class="note">{esc(lbl("no_surfaces", lang))}</p>'
    return na(lang, "surfaces.csv")


def _terrain(row: pd.Series, data: ReportData, hid: str, lang: str) -> str:
    return (
        f"<div><h4>{esc(lbl('terrain', lang))}</h4>"
        + kv(row_kv(row, TERRAIN_KEYS, lang))
        + small_heading(lbl("orientation", lang))
        + _orientation(data, hid, lang)
        + "</div>"
    )


def _pv(row: pd.Series, data: ReportData, hid: str, lang: str) -> str:
    return (
        f"<div><h4>{esc(lbl('pv_results', lang))}</h4>"
        + kv(row_kv(row, PV_KEYS, lang))
        + _surface_table(data.surfaces, hid, lang)
        + "</div>"
    )


def _wind(row: pd.Series, data: ReportData, hid: str, lang: str) -> str:
    out = [f"<div><h4>{esc(lbl('wind_results', lang))}</h4>", kv(row_kv(row, WIND_KEYS, lang))]
    if get(row, "wind_notes"):
        out.append(
            f'<p class="note"><em>{esc(lbl("wind_notes_prefix", lang))}</em>'
            f"{esc(technical_text(get(row, 'wind_notes'), lang))}</p>"
        )
    mini = monthly_heap_svg(data.monthly, hid, lang)
    out.append(small_heading(lbl("monthly_heap", lang)))
    out.append(mini if mini else na(lang, "monthly.csv"))
    out.append("</div>")
    return "".join(out)


def _suitability_value(row: pd.Series, k: str, lang: str) -> str:
    v = get(row, k)
    return esc(
        yes_no(v, lang) if k == "robust_top" else fmt_value(k, value_label(k, v, lang), lang)
    )


def _reasons(row: pd.Series, lang: str) -> str:
    """Reasons of the class, suitability verdicts and the score by criterion."""
    out = [f"<div><h4>{esc(lbl('reasons', lang))}</h4>"]
    reasons = split_list(reasons_of(row, lang))
    out.append(tight_list([esc(x) for x in reasons]) if reasons else na(lang))
    suit = [
        (column_label(k, lang), _suitability_value(row, k, lang))
        for k in SUITABILITY_KEYS
        if k in row.index and get(row, k) is not None
    ]
    if suit:
        out.append(kv(suit))
    parts = [c for c in row.index if c.startswith("score_")]
    if parts:
        total = f"<strong>{esc(fmt_value('score', get(row, 'score'), lang))}</strong>"
        out.append(small_heading(lbl("score_parts", lang)))
        out.append(
            kv(
                [(score_label(c, lang), esc(fmt_value(c, get(row, c), lang))) for c in parts]
                + [(lbl("score", lang), total)]
            )
        )
    out.append("</div>")
    return "".join(out)


def _registry_text(v: Any, lang: str) -> str:
    """A registry remark as HTML (links clickable); marked English where it was not translated.

    The registry's remarks, conflicting values and sources are research notes recorded in
    English; the German report shows them as recorded, with ``lang="en"`` on the element.
    """
    text = str(technical_text(v, lang))
    if lang == "en" or text != str(v) or not any(c.isalpha() for c in text):
        return linkify(text)
    return f'<span lang="en">{linkify(text)}</span>'


def _constraints(row: pd.Series, props: Mapping | None, lang: str) -> str:
    """Registry constraints and the values assumed for this heap."""
    out = [f"<div><h4>{esc(lbl('constraints', lang))}</h4>"]
    cons = [
        (column_label(k, lang), _registry_text(value_label(k, props[k], lang), lang))
        for k in CONSTRAINT_KEYS
        if props and props.get(k) not in (None, "")
    ]
    out.append(kv(cons) if cons else na(lang))
    if cons and lang != "en":
        out.append(f'<p class="note">{esc(lbl("registry_en_note", lang))}</p>')
    assumed = split_list(get(row, "assumptions"))
    if assumed:
        out.append(
            small_heading(lbl("assumed", lang))
            + tight_list([esc(technical_text(a, lang)) for a in assumed])
        )
    out.append("</div>")
    return "".join(out)


def _sources(props: Mapping | None, lang: str) -> str:
    """Conflicting values and sources of the registry entry (links clickable)."""
    out = []
    for key, label in (("value_notes", "value_notes"), ("sources", "sources")):
        if props and props.get(key):
            out.append(
                f'<div class="sources"><strong>{esc(lbl(label, lang))}:</strong> '
                f"{_registry_text(props[key], lang)}</div>"
            )
    return "".join(out)


def sheet(row: pd.Series, data: ReportData, lang: str) -> str:
    """One heap's sheet: facts and sources, terrain, PV, wind, reasons, constraints.

    Parameters
    ----------
    row : pandas.Series
        The heap's row of results.csv.
    data : ReportData
        What the report shows (registry, surfaces, monthly).
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    str
        The ``<article>`` element.
    """
    hid = str(row["heap_id"])
    props: Any = (data.registry or {}).get(hid)
    out = _head(row, props, hid, lang)
    out.append('<div class="grid">')
    out.append(_facts(row, props, data, lang))
    out.append(_terrain(row, data, hid, lang))
    out.append(_pv(row, data, hid, lang))
    out.append(_wind(row, data, hid, lang))
    out.append("</div>")  # grid
    out.append('<div class="grid">')
    out.append(_reasons(row, lang))
    out.append(_constraints(row, props, lang))
    out.append("</div>")
    out.append(_sources(props, lang))
    out.append("</article>")
    return "".join(out)
