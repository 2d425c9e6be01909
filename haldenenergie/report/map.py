"""The offline map of the heaps: a matplotlib SVG in ETRS89 / UTM 32N, no tiles loaded.

Points are coloured by suitability class with area proportional to annual energy, numbered by
rank, with one label per town, a 10 km grid, a scale bar, a north arrow and two legends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .charts import Chart, class_color, figure, nice_length, save, with_style
from .data import city_base, num, total_energy
from .fmt import fmt_number
from .text import CLASS_LABELS, class_label, lbl

#: Marker area [pt^2] of a heap: a floor so that small heaps stay visible, plus a share
#: proportional to its energy (the largest heap gets the floor + the span).
MARKER_MIN_PT2, MARKER_SPAN_PT2 = 18.0, 520.0
#: Label box: translucent white rather than a stroked halo, since path effects would turn the SVG
#: text into outlines (several times the file size).
_HALO = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.55}


def project_points(lon: Sequence[float], lat: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat [deg] → ETRS89 / UTM 32N easting/northing [m] (EPSG:25832, NRW's CRS).

    Parameters
    ----------
    lon, lat : sequence of float
        Longitudes and latitudes [deg].

    Returns
    -------
    tuple of numpy.ndarray
        Eastings and northings [m].
    """
    from ..geo import wgs84_transformer

    x, y = wgs84_transformer().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


@dataclass
class _Frame:
    """Map limits [m] and figure size [in]."""

    x0: float
    x1: float
    y0: float
    y1: float
    w_in: float
    h_in: float


def _frame(x: np.ndarray, y: np.ndarray) -> _Frame:
    """Limits with 1 m east = 1 m north on paper and a band at the bottom for the legends.

    The figure height follows the heaps' extent (the Ruhr area is wide and low); the padding [m]
    around the outermost heaps leaves room for labels (above points) and big markers.
    """
    x0, x1 = x.min() - 8000.0, x.max() + 6000.0
    y0, y1 = y.min() - 3000.0, y.max() + 6000.0
    span_x, span_y = max(x1 - x0, 10_000.0), max(y1 - y0, 10_000.0)
    w_in, legend_in = 8.0, 0.85
    ax_w_in = 0.98 * w_in
    data_h_in = float(np.clip(ax_w_in * span_y / span_x, 2.6, 6.5))
    h_in = (data_h_in + legend_in) / 0.98
    m_per_in = max(span_x / ax_w_in, span_y / data_h_in)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return _Frame(
        x0=cx - m_per_in * ax_w_in / 2,
        x1=cx + m_per_in * ax_w_in / 2,
        y0=cy - m_per_in * data_h_in / 2 - m_per_in * legend_in,
        y1=cy + m_per_in * data_h_in / 2,
        w_in=w_in,
        h_in=h_in,
    )


def _axes(fig, f: _Frame):
    """Map axes without ticks, a light frame and a light 10 km grid (UTM metres)."""
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98))
    ax.set_facecolor("#f7f8f6")
    ax.set_xlim(f.x0, f.x1)
    ax.set_ylim(f.y0, f.y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(True)
        s.set_color("#888888")
        s.set_linewidth(0.6)
    for gx in np.arange(math.ceil(f.x0 / 1e4) * 1e4, f.x1, 1e4):
        ax.axvline(gx, color="#e2e5e0", lw=0.5, zorder=0)
    for gy in np.arange(math.ceil(f.y0 / 1e4) * 1e4, f.y1, 1e4):
        ax.axhline(gy, color="#e2e5e0", lw=0.5, zorder=0)
    return ax


def _draw_heaps(ax, x, y, energy: np.ndarray, emax: float, classes: pd.Series) -> None:
    """The heap points: colour = class, area ∝ energy; big points first, small ones on top."""
    sizes = MARKER_MIN_PT2 + MARKER_SPAN_PT2 * energy / emax
    colors = [class_color(c) for c in classes]
    order = np.argsort(-energy, kind="stable")
    ax.scatter(
        x[order],
        y[order],
        s=sizes[order],
        c=[colors[i] for i in order],
        edgecolors="#333333",
        linewidths=0.5,
        alpha=0.9,
        zorder=3,
    )


def _draw_labels(ax, sub: pd.DataFrame, x, y) -> None:
    """Rank numbers beside the points; one city label per town, centred above its heaps."""
    ranks = num(sub, "rank")
    for i in range(len(sub)):
        r = ranks.iloc[i]
        if math.isfinite(r):
            ax.annotate(
                f"{int(r)}",
                (x[i], y[i]),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=6.5,
                color="#222222",
                zorder=5,
            )
    cities = [city_base(c) for c in (sub["city"] if "city" in sub.columns else [None] * len(sub))]
    placed: dict[str, list[int]] = {}
    for i, c in enumerate(cities):
        if c:
            placed.setdefault(c, []).append(i)
    for c in sorted(placed):
        idx = placed[c]
        ax.annotate(
            c,
            (float(np.mean(x[idx])), float(np.max(y[idx]))),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
            style="italic",
            color="#4a4a4a",
            zorder=4,
            bbox=_HALO,
        )


def _draw_scale_and_north(ax, f: _Frame, lang: str) -> None:
    """Scale bar (lower left), north arrow (upper right) and the CRS name.

    In UTM 32N grid north differs from true north by < 1.5 deg in the Ruhr area (meridian
    convergence at 7 deg E), which is not visible at this scale.
    """
    length = nice_length((f.x1 - f.x0) * 0.2)
    sx, sy = f.x0 + 0.03 * (f.x1 - f.x0), f.y0 + 0.05 * (f.y1 - f.y0)
    ax.plot([sx, sx + length], [sy, sy], color="#222222", lw=2.2, solid_capstyle="butt", zorder=6)
    ax.plot([sx, sx + length / 2], [sy, sy], color="white", lw=1.0, solid_capstyle="butt", zorder=7)
    ax.text(
        sx + length / 2,
        sy + 0.015 * (f.y1 - f.y0),
        f"{fmt_number(length / 1000, 0, lang)} km",
        ha="center",
        va="bottom",
        fontsize=7.5,
        zorder=6,
    )
    ax.annotate(
        "N",
        xy=(0.03, 0.965),
        xytext=(0.03, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.2},
    )
    ax.text(
        0.995,
        0.005,
        "ETRS89 / UTM 32N",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="#777777",
    )


def _legend_marker(**kw):
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="o", ls="", markeredgecolor="#333333", markeredgewidth=0.5, **kw)


def _class_legend(ax, classes: pd.Series, lang: str) -> None:
    """Legend of the classes present (known classes in their order, then others)."""
    present = [c for c in list(CLASS_LABELS) if c in set(map(str, classes))]
    present += sorted({str(c) for c in classes if str(c) not in CLASS_LABELS and pd.notna(c)})
    handles = [
        _legend_marker(markersize=7, markerfacecolor=class_color(c), label=class_label(c, lang))
        for c in present
    ]
    if handles:
        leg = ax.legend(
            handles=handles,
            title=lbl("class", lang),
            loc="lower right",
            bbox_to_anchor=(0.99, 0.01),
            ncol=min(len(handles), 3),
            frameon=True,
            framealpha=0.9,
            edgecolor="#cccccc",
            fontsize=7,
            title_fontsize=7.5,
        )
        ax.add_artist(leg)


def _size_legend(ax, emax: float, lang: str) -> None:
    """Legend of point sizes: three round energies between a fiftieth and half the largest."""
    refs = sorted({nice_length(emax / 2), nice_length(emax / 10), nice_length(emax / 50)})
    handles = [
        _legend_marker(
            color="#bbbbbb",
            markersize=math.sqrt(MARKER_MIN_PT2 + MARKER_SPAN_PT2 * r / emax),
            label=fmt_number(r, 0, lang),
        )
        for r in refs
        if r > 0
    ]
    if handles:
        ax.legend(
            handles=handles,
            title=f"{lbl('legend_size', lang)} [MWh/a]",
            loc="lower left",
            bbox_to_anchor=(0.27, 0.01),
            ncol=len(handles),
            frameon=True,
            framealpha=0.9,
            edgecolor="#cccccc",
            fontsize=7,
            title_fontsize=7.5,
            columnspacing=1.2,
        )


@with_style
def map_chart(df: pd.DataFrame, lang: str) -> Chart | None:
    """Map of the heaps with coordinates.

    Colour = class, area ∝ energy, rank numbers, city labels, scale bar and north arrow.

    Parameters
    ----------
    df : pandas.DataFrame
        Results in rank order (``lat``/``lon`` [deg]).
    lang : str
        ``"de"`` or ``"en"``.

    Returns
    -------
    Chart or None
        None if no heap has coordinates.
    """
    lat, lon = num(df, "lat"), num(df, "lon")
    ok = lat.notna() & lon.notna()
    if not ok.any():
        return None
    sub = df[ok.values].reset_index(drop=True)
    x, y = project_points(lon[ok].values, lat[ok].values)
    energy = total_energy(sub).fillna(0).clip(lower=0).values
    emax = float(energy.max()) if energy.size and energy.max() > 0 else 1.0
    f = _frame(x, y)
    fig = figure(f.w_in, f.h_in)
    ax = _axes(fig, f)
    classes = sub["class"] if "class" in sub.columns else pd.Series([None] * len(sub))
    _draw_heaps(ax, x, y, energy, emax, classes)
    _draw_labels(ax, sub, x, y)
    _draw_scale_and_north(ax, f, lang)
    _class_legend(ax, classes, lang)
    _size_legend(ax, emax, lang)
    return save(fig)
