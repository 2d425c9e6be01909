"""Matplotlib charts of the report, as SVG: energy per heap, monthly profile, P50/P90.

Each chart function returns a :class:`Chart` (SVG bytes and size) or None where its data is
missing. Matplotlib is imported only when a chart is drawn.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import labels
from .data import monthly_totals, num, suitable_uses
from .fmt import fmt_number
from .text import MONTHS, lbl

#: Class colours: Okabe & Ito (2008), "Color Universal Design", a palette that stays distinct for
#: colour-blind readers and in greyscale print. PV = orange, wind = blue, both = bluish green.
CLASS_COLORS: dict[str, str] = {
    "pv": "#E69F00",
    "wind": "#0072B2",
    "pv+wind": "#009E73",
    "unsuitable": "#999999",
    "not-assessed": "#CC79A7",
}
OTHER_CLASS_COLOR = "#56B4E9"
PV_COLOR = "#E69F00"
WIND_COLOR = "#0072B2"

#: Matplotlib SVG output: text stays text (small files; browsers fall back to sans-serif), and a
#: fixed hash salt plus no date make the same input give the same bytes.
MPL_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "haldenenergie-report",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "legend.fontsize": 8,
    "legend.frameon": False,
}
#: CSS pixels per inch (CSS Values and Units Level 3: 1in = 96px); SVG sizes in pt become 4/3 px.
CSS_PX_PER_IN = 96
#: Room above a horizontal bar chart [in]: two legend rows, then the x tick labels and label.
_BARH_TOP_IN, _BARH_BOTTOM_IN, _BARH_ROW_IN = 0.95, 0.1, 0.19


@dataclass
class Chart:
    """An SVG chart: bytes and its size in CSS pixels."""

    svg: bytes
    width_px: int
    height_px: int


def figure(w_in: float, h_in: float):
    """A matplotlib figure of ``w_in`` × ``h_in`` [in] with its own Agg canvas (no pyplot)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w_in, h_in))
    FigureCanvasAgg(fig)
    return fig


def save(fig) -> Chart:
    """The figure as SVG (no date, so the bytes are reproducible)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    w, h = fig.get_size_inches()
    return Chart(buf.getvalue(), round(w * CSS_PX_PER_IN), round(h * CSS_PX_PER_IN))


def with_style(func):
    """Run a chart function inside the report's matplotlib style.

    The rc settings are read both when artists are made and when the SVG is written; global rc
    settings stay untouched.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(MPL_RC):
            return func(*args, **kwargs)

    return wrapper


def thousands(lang: str):
    """Tick formatter: whole numbers with the language's thousands separator."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: fmt_number(v, 0, lang))


def class_color(c: Any) -> str:
    """Colour of a suitability class."""
    return CLASS_COLORS.get(str(c), OTHER_CLASS_COLOR)


def nice_length(x: float) -> float:
    """Largest 1-2-5 × 10^n not above ``x``."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * e <= x:
            return m * e
    return e


def _short(name: Any, n: int = 34) -> str:
    s = str(name) if name is not None and not (isinstance(name, float) and math.isnan(name)) else ""
    return s if len(s) <= n else s[: n - 1] + "…"


def _heap_labels(df: pd.DataFrame) -> list[str]:
    ranks = num(df, "rank")
    names = df["name"] if "name" in df.columns else df["heap_id"]
    out = []
    for r, n, hid in zip(ranks, names, df["heap_id"], strict=True):
        nm = _short(n if isinstance(n, str) and n.strip() else hid)
        out.append(f"{int(r)}. {nm}" if math.isfinite(r) else nm)
    return out


def _barh_size(n: int) -> float:
    """Height [in] of a horizontal bar chart of ``n`` heaps."""
    return max(2.6, _BARH_TOP_IN + _BARH_BOTTOM_IN + _BARH_ROW_IN * n)


def _barh_axes(fig, h_in: float):
    """Axes for a horizontal bar chart: heap names left, legend then ticks and label on top."""
    return fig.add_axes(
        (0.34, _BARH_BOTTOM_IN / h_in, 0.63, 1 - (_BARH_TOP_IN + _BARH_BOTTOM_IN) / h_in)
    )


@with_style
def energy_chart(df: pd.DataFrame, lang: str) -> Chart | None:
    """Horizontal stacked bars of PV and new wind energy per heap [MWh a-1], rank order top-down.

    Parameters
    ----------
    df : pandas.DataFrame
        Results in rank order.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    Chart or None
        None if no heap has energy.
    """
    pv = num(df, "pv_energy_mwh_per_a").fillna(0).clip(lower=0).values
    wind = num(df, "wind_energy_mwh_per_a").fillna(0).clip(lower=0).values
    if not (np.isfinite(pv).any() or np.isfinite(wind).any()) or (pv.sum() + wind.sum()) <= 0:
        return None
    n = len(df)
    h_in = _barh_size(n)
    fig = figure(7.6, h_in)
    ax = _barh_axes(fig, h_in)
    yy = np.arange(n)
    pv_ok, wind_ok = suitable_uses(df)
    light = {"pv": "#f6dca6", "wind_new": "#b3d1e6"}
    for vals, left, ok, color, key in (
        (pv, 0, pv_ok, PV_COLOR, "pv"),
        (wind, pv, wind_ok, WIND_COLOR, "wind_new"),
    ):
        ax.barh(
            yy,
            np.where(ok, vals, 0),
            left=left,
            color=color,
            height=0.72,
            label=lbl(key, lang) if (ok & (vals > 0)).any() else "_nolegend_",
        )
        if (~ok & (vals > 0)).any():
            ax.barh(
                yy,
                np.where(ok, 0, vals),
                left=left,
                color=light[key],
                edgecolor=color,
                hatch="////",
                linewidth=0,
                height=0.72,
                label=f"{lbl(key, lang)} – {lbl('not_suitable', lang)}",
            )
    return _finish_heap_bars(fig, ax, _heap_labels(df), n, lbl("energy", lang), lang)


def _finish_heap_bars(fig, ax, labels, n: int, xlabel: str, lang: str) -> Chart:
    """Common styling of the horizontal per-heap bar charts; returns the saved chart.

    Heaps top to bottom in rank order, energy axis [MWh/a] on top, light grid, legend above.
    """
    ax.set_yticks(np.arange(n), labels, fontsize=7)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.set_major_formatter(thousands(lang))
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(f"{xlabel} [MWh/a]")
    ax.grid(axis="x", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    ax.spines["bottom"].set_visible(False)
    ax.spines["top"].set_visible(True)
    handles, texts = ax.get_legend_handles_labels()
    fig.legend(
        handles,
        texts,
        loc="upper left",
        bbox_to_anchor=(0.01, 1.0),
        ncol=2 if len(handles) > 2 else 3,
    )
    return save(fig)


@with_style
def monthly_chart(monthly: pd.DataFrame | None, lang: str) -> Chart | None:
    """Stacked monthly bars of PV and new wind energy of all heaps [MWh].

    Parameters
    ----------
    monthly : pandas.DataFrame or None
        ``monthly.csv`` of the run.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    Chart or None
        None without monthly energy.
    """
    tot = monthly_totals(monthly)
    if tot is None or float(tot.to_numpy().sum()) <= 0:
        return None
    fig = figure(7.6, 3.0)
    ax = fig.add_axes((0.13, 0.11, 0.85, 0.84))
    xx = np.arange(12)
    ax.bar(xx, tot["pv"], color=PV_COLOR, width=0.72, label=lbl("pv", lang))
    ax.bar(
        xx,
        tot["wind"],
        bottom=tot["pv"],
        color=WIND_COLOR,
        width=0.72,
        label=lbl("wind_new", lang),
    )
    ax.set_xticks(xx, MONTHS[lang])
    ax.yaxis.set_major_formatter(thousands(lang))
    ax.set_ylabel(f"{lbl('energy', lang)} [MWh]")
    ax.grid(axis="y", color="#e5e5e5", lw=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="upper left", ncol=2)
    return save(fig)


#: Quantities of a batch summary for the P50/P90 chart, first choice first: the energy of
#: suitable uses (what the ranking counts), then the technical energy (PV + new wind, before the
#: suitability check), drawn in a lighter tone behind it.
_SUITABLE, _TECHNICAL = "suitable", "total"
#: Bar colours of the P50/P90 chart: suitable P50 / P90 dark and medium blue; technical P50 / P90
#: the same hues lighter (ColorBrewer "Blues", Brewer & Harrower, colorbrewer2.org).
_P_COLORS = {
    (_SUITABLE, "p50"): "#08519c",
    (_SUITABLE, "p90"): "#4292c6",
    (_TECHNICAL, "p50"): "#c6dbef",
    (_TECHNICAL, "p90"): "#deebf7",
}


def _summary_cols(summary: pd.DataFrame, quantity: str = _TECHNICAL) -> dict[str, str]:
    """The P50/P90/min/max columns of one quantity (``suitable`` or ``total``) of a summary.

    For ``total`` without its own columns, PV + wind (``"<pv col>+<wind col>"``).
    """
    found: dict[str, str] = {}
    cols = set(summary.columns)
    for key in ("p50", "p90", "min", "max"):
        col = f"{quantity}_energy_{key}_mwh_per_a"
        pv, wd = f"pv_energy_{key}_mwh_per_a", f"wind_energy_{key}_mwh_per_a"
        if col in cols:
            found[key] = col
        elif quantity == _TECHNICAL and key in ("p50", "p90") and {pv, wd} <= cols:
            found[key] = f"{pv}+{wd}"
    return found


def _summary_values(summary: pd.DataFrame, spec: str) -> pd.Series:
    parts = spec.split("+")
    out = num(summary, parts[0])
    for p in parts[1:]:
        out = out + num(summary, p)
    return out


def _p_bars(ax, s: pd.DataFrame, order: list, quantity: str, lang: str) -> bool:
    """P50 and P90 bars of one quantity; False if it has no P50 values."""
    cols = _summary_cols(s, quantity)
    if "p50" not in cols:
        return False
    name = labels.name(f"{quantity}_energy_mwh_per_a", lang)
    yy = np.arange(len(order))
    drawn = False
    for key, dy in (("p50", -0.19), ("p90", 0.19)):
        if key not in cols:
            continue
        vals = _summary_values(s, cols[key]).reindex(order).to_numpy(float)
        if not np.isfinite(vals).any():
            continue
        drawn = True
        color = _P_COLORS[(quantity, key)]
        ax.barh(yy + dy, vals, height=0.38, color=color, label=f"{key.upper()} – {name}")
    return drawn


def _min_max(ax, s: pd.DataFrame, order: list, quantity: str, lang: str) -> None:
    cols = _summary_cols(s, quantity)
    if "min" not in cols or "max" not in cols:
        return
    lo = _summary_values(s, cols["min"]).reindex(order).to_numpy(float)
    hi = _summary_values(s, cols["max"]).reindex(order).to_numpy(float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    yy = np.arange(len(order))
    ax.hlines(yy[ok] - 0.19, lo[ok], hi[ok], color="#222222", lw=0.8, label=lbl("min_max", lang))


@with_style
def p50_p90_chart(df: pd.DataFrame, summary: pd.DataFrame | None, lang: str) -> Chart | None:
    """Bars of P50 and P90 energy of suitable uses per heap [MWh a-1] (rank order), min–max.

    The technical energy (PV and new wind before the suitability check) is drawn behind in a
    lighter tone, so the part a use is not suitable for shows as the light remainder. A summary
    without suitable-use columns (older batches) shows the technical energy only. A P90 left
    empty by the batch (too few comparable years) is not drawn.

    Parameters
    ----------
    df : pandas.DataFrame
        Results in rank order.
    summary : pandas.DataFrame or None
        Batch ``summary.csv``.
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    Chart or None
        None without a summary that has P50 columns.
    """
    if summary is None or "heap_id" not in summary.columns:
        return None
    s = summary.drop_duplicates("heap_id").set_index("heap_id")
    order = [h for h in df["heap_id"] if h in s.index]
    order += sorted(h for h in s.index if h not in set(order))
    if not order or "p50" not in _summary_cols(s) | _summary_cols(s, _SUITABLE):
        return None
    lab_df = df.set_index("heap_id").reindex(order).reset_index()
    n = len(order)
    h_in = _barh_size(n)
    fig = figure(7.6, h_in)
    ax = _barh_axes(fig, h_in)
    technical = _p_bars(ax, s, order, _TECHNICAL, lang)
    suitable = _p_bars(ax, s, order, _SUITABLE, lang)
    if not (technical or suitable):
        return None
    _min_max(ax, s, order, _SUITABLE if suitable else _TECHNICAL, lang)
    xlabel = labels.name(f"{_SUITABLE if suitable else _TECHNICAL}_energy_mwh_per_a", lang)
    return _finish_heap_bars(fig, ax, _heap_labels(lab_df), n, xlabel, lang)
