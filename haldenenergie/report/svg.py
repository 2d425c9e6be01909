"""Small per-heap charts written directly as inline SVG (fast): orientation rose, monthly bars."""

from __future__ import annotations

import math
from typing import NamedTuple

import pandas as pd

from .charts import PV_COLOR, WIND_COLOR, nice_length
from .data import SECTOR_AZIMUTH_DEG, SECTORS, num
from .fmt import esc, fmt_number
from .text import MONTHS, lbl, sector_name

#: Colour of the usable wedge per sector: warm for sunny (south) sectors, cool for north; a
#: visual cue, not a yield.
SECTOR_COLORS = {
    "S": "#d55e00",
    "SE": "#e69f00",
    "SW": "#e69f00",
    "E": "#f0c05a",
    "W": "#f0c05a",
    "NE": "#8fb8d6",
    "NW": "#8fb8d6",
    "N": "#56B4E9",
}


def _wedge_path(cx: float, cy: float, r: float, az_deg: float, half_width_deg: float = 22.5) -> str:
    """SVG path of a circular sector centred on azimuth ``az_deg`` (clockwise from north)."""
    if r <= 0:
        return ""
    a0, a1 = math.radians(az_deg - half_width_deg), math.radians(az_deg + half_width_deg)
    x0, y0 = cx + r * math.sin(a0), cy - r * math.cos(a0)
    x1, y1 = cx + r * math.sin(a1), cy - r * math.cos(a1)
    return f"M{cx:.1f},{cy:.1f}L{x0:.1f},{y0:.1f}A{r:.1f},{r:.1f} 0 0 1 {x1:.1f},{y1:.1f}Z"


def rose_svg(by_sector: pd.DataFrame, lang: str, size: int = 170) -> str:
    """Area-true orientation rose as inline SVG: wedge area ∝ area per sector [ha].

    Light wedges show the gross flank area, strong ones the usable area; the plateau (flat) is
    listed in the caption because it has no direction.

    Parameters
    ----------
    by_sector : pandas.DataFrame
        ``gross`` and ``usable`` area [ha] per sector (:func:`orientation_by_sector`).
    lang : str
        ``"de"`` or ``"en"``.
    size : int
        Width and height [px].

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    c = size / 2
    rmax = size / 2 - 16
    flanks = by_sector.loc[list(SECTORS)]
    vmax = float(max(flanks["gross"].max(), flanks["usable"].max(), 0))
    parts = [
        (
            f'<svg class="rose" xmlns="http://www.w3.org/2000/svg" width="{size}" '
            f'height="{size}" viewBox="0 0 {size} {size}" role="img" '
            f'aria-label="{esc(lbl("orientation", lang))}">'
        )
    ]
    for frac in (0.5, 1.0):
        parts.append(
            f'<circle cx="{c}" cy="{c}" r="{rmax * frac:.1f}" fill="none" '
            'stroke="#d0d0d0" stroke-width="0.7"/>'
        )
    for s in SECTORS if vmax > 0 else ():
        for key, color, op in (("gross", "#c9c9c9", 0.7), ("usable", SECTOR_COLORS[s], 0.95)):
            r = rmax * math.sqrt(float(flanks.at[s, key]) / vmax)  # area-true radius
            d = _wedge_path(c, c, r, SECTOR_AZIMUTH_DEG[s])
            if d:
                parts.append(
                    f'<path d="{d}" fill="{color}" fill-opacity="{op}" '
                    'stroke="#ffffff" stroke-width="0.6"/>'
                )
    for s, (dx, dy) in {"N": (0, -1), "E": (1, 0), "S": (0, 1), "W": (-1, 0)}.items():
        tx, ty = c + dx * (rmax + 9), c + dy * (rmax + 9) + 3.5
        parts.append(
            f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="10" '
            f'font-weight="bold" fill="#444">{sector_name(s, lang)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _by_month(m: pd.DataFrame, col: str) -> pd.Series:
    """Energy of column ``col`` per month 1..12 [MWh] (0 where missing, never negative)."""
    month = pd.to_numeric(m["month"], errors="coerce")
    return num(m, col).groupby(month).sum().reindex(range(1, 13)).fillna(0).clip(lower=0)


class _Plot(NamedTuple):
    """Plot area of the monthly mini chart [px].

    Left margin, top margin, plot height, bar pitch, and the whole chart's width and height.
    """

    left: int
    topm: int
    ph: int
    bw: float
    width: int
    height: int


def _grid_lines(top: float, p: _Plot, lang: str) -> list[str]:
    """Horizontal grid lines with their values, at a round step up to ``top``."""
    left, topm, ph, _, width, _ = p
    parts = []
    ticks = nice_length(top / 2)
    v = 0.0
    while v <= top * 1.0001:
        yv = topm + ph * (1 - v / top)
        parts.append(
            f'<line x1="{left}" x2="{width - 2}" y1="{yv:.1f}" y2="{yv:.1f}" '
            'stroke="#e3e3e3" stroke-width="0.7"/>'
        )
        parts.append(
            f'<text x="{left - 3}" y="{yv + 3:.1f}" text-anchor="end" font-size="8" '
            f'fill="#666">{fmt_number(v, 0, lang)}</text>'
        )
        v += ticks
    return parts


def _bars(pv: pd.Series, wd: pd.Series, top: float, p: _Plot, lang: str) -> list[str]:
    """Stacked PV (below) and wind (above) bars per month with the months' initials."""
    left, topm, ph, bw, _, height = p
    parts = []
    for i in range(12):
        x = left + i * bw + 1
        hp = ph * float(pv.iloc[i]) / top
        hw = ph * float(wd.iloc[i]) / top
        y_pv = topm + ph - hp
        parts.append(
            f'<rect x="{x:.1f}" y="{y_pv:.1f}" width="{bw - 2:.1f}" height="{hp:.1f}" '
            f'fill="{PV_COLOR}"/>'
        )
        if hw > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="{y_pv - hw:.1f}" width="{bw - 2:.1f}" '
                f'height="{hw:.1f}" fill="{WIND_COLOR}"/>'
            )
        parts.append(
            f'<text x="{x + (bw - 2) / 2:.1f}" y="{height - 4}" text-anchor="middle" '
            f'font-size="8" fill="#666">{MONTHS[lang][i][0]}</text>'
        )
    return parts


def monthly_heap_svg(
    monthly: pd.DataFrame | None, heap_id: str, lang: str, width: int = 250, height: int = 110
) -> str | None:
    """Small stacked monthly bars (PV, new wind) of one heap as inline SVG; None if no data.

    Parameters
    ----------
    monthly : pandas.DataFrame or None
        ``monthly.csv`` of the run (energy per heap and month [MWh]).
    heap_id : str
        The heap.
    lang : str
        ``"de"`` or ``"en"``.
    width, height : int
        Size [px].

    Returns
    -------
    str or None
        The ``<svg>`` element.
    """
    if monthly is None or "heap_id" not in monthly.columns or "month" not in monthly.columns:
        return None
    m = monthly[monthly["heap_id"] == heap_id]
    if m.empty:
        return None
    pv, wd = _by_month(m, "pv_energy_mwh"), _by_month(m, "wind_energy_mwh")
    top = float((pv + wd).max())
    if top <= 0:
        return None
    left, bottom, topm = 34, 16, 6
    ph = height - bottom - topm
    bw = (width - left - 4) / 12
    plot = _Plot(left, topm, ph, bw, width, height)
    parts = [
        (
            f'<svg class="monthly" xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{esc(lbl("monthly_heap", lang))}">'
        ),
        *_grid_lines(top, plot, lang),
    ]
    parts += _bars(pv, wd, top, plot, lang)
    parts.append("</svg>")
    return "".join(parts)
