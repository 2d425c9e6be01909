"""What the first page says about the basis of its figures (issue 11: honest without layers).

- :func:`pv_basis_of`: the PV upper-bound label ("forest and land use not considered") of the
  headline, from ``totals.csv`` (``pv_basis`` / ``pv_basis_de`` of the overall row) or, without
  it, from the results' ``layers_used``.
- :func:`honesty_notes`: the boxed notes under the key figures: the PV basis, the part of the
  total from heaps with facts missing, the wind potential not assessed.
- :func:`wind_card_value`: the new-wind key figure with the not-assessed potential beside it
  instead of a bare "0,0 MW".
- :func:`layers_cell`: the constraint layers used (file, schema) and missing, for "data used".
- :func:`calibration_block`: the wind model's calibration against operating turbines (manifest
  ``wind_calibration``), or the one line that it was not calibrated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..results.provenance import provenance
from ..suitability.basis import forest_considered, pv_basis_text
from .fmt import esc, fmt_number, get, isnum
from .text import lbl, yes_no


def _row(totals: pd.DataFrame | None, group: str) -> pd.Series | None:
    """The totals row of ``group`` (None without totals or the row)."""
    if totals is None or "group" not in totals.columns:
        return None
    hit = totals[totals["group"].astype(str) == group]
    return hit.iloc[0] if len(hit) else None


def pv_basis_of(totals: pd.DataFrame | None, results: pd.DataFrame | None, lang: str) -> str:
    """The PV upper-bound label of the headline ("" when forest was considered on every heap).

    Parameters
    ----------
    totals : ``totals.csv`` (its ``total_suitable`` row's ``pv_basis`` / ``pv_basis_de``), or None.
    results : the results (``layers_used`` per heap), used when the totals have no label column.
    lang : ``"de"`` or ``"en"``.

    Returns
    -------
    str
    """
    row = _row(totals, "total_suitable")
    col = "pv_basis_de" if lang == "de" else "pv_basis"
    if row is not None and col in row.index:
        v = get(row, col)
        return "" if v is None else str(v).strip()
    forest = forest_considered(results)
    return pv_basis_text(sum(forest), len(forest), lang)


def _energy(v: Any, lang: str) -> str:
    """An energy [MWh/a] as GWh/a from 10 GWh/a up, else MWh/a."""
    x = float(v) if isnum(v) else float("nan")
    if abs(x) >= 10_000:
        return f"{fmt_number(x / 1000, 1, lang)} GWh/a"
    return f"{fmt_number(x, 0, lang)} MWh/a"


def _facts_missing_note(totals: pd.DataFrame | None, lang: str) -> str:
    row = _row(totals, "facts_missing")
    if row is None or not (isnum(get(row, "heaps")) and float(row["heaps"]) > 0):
        return ""
    total = _row(totals, "total_suitable")
    share = ""
    if total is not None and isnum(get(total, "energy_mwh_per_a")) and total["energy_mwh_per_a"]:
        pct = 100.0 * float(row["energy_mwh_per_a"]) / float(total["energy_mwh_per_a"])
        share = f" ({fmt_number(pct, 0, lang)} %)"
    n = fmt_number(row["heaps"], 0, lang)
    return (
        f"{lbl('facts_missing_share', lang)}: {_energy(row['energy_mwh_per_a'], lang)}{share} "
        f"{lbl('on_heaps', lang)} {n} {lbl('heaps_lc_short', lang)}. "
        f"{lbl('facts_missing_group_note', lang)}"
    )


def _wind_pending(totals: pd.DataFrame | None) -> pd.Series | None:
    row = _row(totals, "wind_not_assessed")
    if row is None or not (isnum(get(row, "heaps")) and float(row["heaps"]) > 0):
        return None
    return row


def wind_card_value(totals: pd.DataFrame | None, value: str, lang: str) -> str:
    """The new-wind key figure, with the not-assessed capacity beside it when there is one.

    Parameters
    ----------
    totals : ``totals.csv`` or None.
    value : the figure as shown (e.g. ``"0,0 MW"``).
    lang : ``"de"`` or ``"en"``.

    Returns
    -------
    str, e.g. ``"0,0 MW (+189,0 MW nicht bewertet)"``.
    """
    row = _wind_pending(totals)
    if row is None:
        return value
    mw = fmt_number(row["wind_capacity_mw"], 1, lang)
    return f"{value} (+{mw} MW {lbl('wind_not_assessed_short', lang)})"


def _wind_note(totals: pd.DataFrame | None, lang: str) -> str:
    row = _wind_pending(totals)
    if row is None:
        return ""
    return (
        f"{lbl('wind_not_assessed_note', lang)}: {fmt_number(row['wind_capacity_mw'], 1, lang)} "
        f"MW, {_energy(row['wind_energy_mwh_per_a'], lang)} {lbl('on_heaps', lang)} "
        f"{fmt_number(row['heaps'], 0, lang)} {lbl('heaps_lc_short', lang)}."
    )


def honesty_notes(totals: pd.DataFrame | None, results: pd.DataFrame | None, lang: str) -> str:
    """The notes under the key figures: PV basis, facts-missing share, wind not assessed.

    Parameters
    ----------
    totals : ``totals.csv`` or None.
    results : the results (for the PV basis without totals).
    lang : ``"de"`` or ``"en"``.

    Returns
    -------
    str, a ``<div class="warn honest">`` with one paragraph per note, or "" if there is none.
    """
    items = []
    basis = pv_basis_of(totals, results, lang)
    if basis:
        items.append(
            f'<p class="pv-basis"><b>{esc(lbl("pv_basis", lang))}: {esc(basis)}</b>. '
            f"{esc(lbl('pv_upper_bound_why', lang))}</p>"
        )
    items += [
        f"<p>{esc(t)}</p>"
        for t in (_facts_missing_note(totals, lang), _wind_note(totals, lang))
        if t
    ]
    return f'<div class="warn honest">{"".join(items)}</div>' if items else ""


def layers_cell(manifest: Mapping | None, results: pd.DataFrame | None, lang: str) -> str:
    """The constraint layers used (file, schema) and missing, as HTML for "data used"."""
    line = provenance(manifest, results).lines(lang)[2]
    return esc(line.split(": ", 1)[1] if ": " in line else line)


#: Columns of the calibration table: key, decimals (None: text).
CALIBRATION_COLUMNS = (
    ("heap_id", None),
    ("reported_mwh_per_a", 0),
    ("modelled_mwh_per_a", 0),
    ("ratio", 2),
    ("ratio_calibrated", 2),
    ("loo_ratio", 2),
    ("used_in_fit", None),
    ("calibration_flags", None),
)


def _label_or(key: str, lang: str, fallback: str) -> str:
    """The report text ``key``, or ``fallback`` where there is none (e.g. a user's method)."""
    try:
        return lbl(key, lang)
    except KeyError:
        return fallback


def _calibration_cell(r: Mapping, key: str, decimals: int | None, lang: str) -> str:
    if key == "heap_id":
        return f"<td>{esc(r.get('heap_id'))}</td>"
    if key == "used_in_fit":
        used = r.get("used_in_fit")
        return f"<td>{esc('' if used is None else yes_no(bool(used), lang))}</td>"
    if key == "calibration_flags":
        flags = r.get("flags") or []
        return f"<td>{esc(', '.join(_label_or(f'flag_{f}', lang, str(f)) for f in flags))}</td>"
    return f'<td class="n">{esc(fmt_number(r.get(key), decimals, lang))}</td>'


def _calibration_rows(rows: Any, lang: str) -> str:
    if not isinstance(rows, list) or not rows:
        return ""
    cols = [(k, d) for k, d in CALIBRATION_COLUMNS if k == "heap_id" or any(
        isinstance(r, Mapping) and (k in r or (k == "calibration_flags" and "flags" in r))
        for r in rows
    )]  # fmt: skip
    head = "".join(f"<th>{esc('ID' if k == 'heap_id' else lbl(k, lang))}</th>" for k, _ in cols)
    body = [
        "<tr>" + "".join(_calibration_cell(r, k, d, lang) for k, d in cols) + "</tr>"
        for r in rows
        if isinstance(r, Mapping)
    ]
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _calibration_note(cal: Mapping, lang: str) -> str:
    """The fit in words, in the report's language (the manifest's ``note`` is English)."""
    rows = [r for r in cal.get("rows") or [] if isinstance(r, Mapping)]
    if not rows or not all("used_in_fit" in r for r in rows) or not isnum(cal.get("factor")):
        return str(cal.get("note") or "")
    used = [str(r.get("heap_id")) for r in rows if r.get("used_in_fit")]
    excluded = [str(r.get("heap_id")) for r in rows if not r.get("used_in_fit")]
    parts = [
        lbl("calibration_note_fit", lang).format(
            factor=fmt_number(cal.get("factor"), 3, lang), used=", ".join(used) or "–"
        )
    ]
    if excluded:
        parts.append(lbl("calibration_note_excluded", lang).format(excluded=", ".join(excluded)))
    key = "calibration_note_applied" if cal.get("applied") else "calibration_note_not_applied"
    parts.append(lbl(key, lang))
    return "; ".join(parts)


def calibration_block(manifest: Mapping | None, lang: str) -> str:
    """The wind calibration (manifest ``wind_calibration``) as a small table, or one line.

    Parameters
    ----------
    manifest : the run's manifest; ``wind_calibration`` = ``{"method", "applied", "factor",
        "rows": [{"heap_id", "reported_mwh_per_a", "modelled_mwh_per_a", "ratio"}],
        "loo_error_pct", "note"}``.
    lang : ``"de"`` or ``"en"``.

    Returns
    -------
    str, a heading with the method, factor and leave-one-out error and the fit table; or the
    line "wind model not calibrated against operating turbines".
    """
    cal = manifest.get("wind_calibration") if isinstance(manifest, Mapping) else None
    head = f'<h3 id="wind-calibration">{esc(lbl("wind_calibration", lang))}</h3>'
    if not isinstance(cal, Mapping) or not cal:
        return f'{head}<p class="note">{esc(lbl("wind_not_calibrated", lang))}</p>'
    applied = yes_no(bool(cal.get("applied")), lang)
    method = str(cal.get("method") or "–")
    bits = [
        f"{lbl('calibration_method', lang)}: "
        + _label_or(f"calibration_method_{method}", lang, method),
        f"{lbl('calibration_applied', lang)}: {applied}",
        f"{lbl('calibration_factor', lang)}: {fmt_number(cal.get('factor'), 3, lang)}",
        f"{lbl('calibration_loo', lang)}: {fmt_number(cal.get('loo_error_pct'), 1, lang)} %",
    ]
    text = _calibration_note(cal, lang)
    note = f"<p class='note'>{esc(text)}</p>" if text else ""
    return (
        f"{head}<p>{esc('; '.join(bits))}</p>"
        f'<div class="tablewrap">{_calibration_rows(cal.get("rows"), lang)}</div>{note}'
    )
