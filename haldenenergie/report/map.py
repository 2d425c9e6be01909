"""The offline map of the heaps: a matplotlib SVG in ETRS89 / UTM 32N, no tiles loaded.

Left the map: points coloured by suitability class (solid disc: energy of the suitable uses, light
disc behind it: technical potential; area ∝ energy), numbered by rank with labels placed without
overlap (:mod:`.map_labels`), one label per town, optional background layers
(:mod:`.map_layers`), a 10 km grid, a scale bar and a north arrow. Right a column with the class
and size legends and the list of heaps without coordinates, so that no heap silently disappears.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .charts import Chart, class_color, figure, nice_length, save, with_style
from .data import city_base, num, suitable_uses, total_energy
from .fmt import fmt_number
from .map_labels import SEARCH_RADIUS_PX, LabelBox, LabelItem, marker_boxes, place_labels
from .map_layers import BasemapLayer, current_basemaps, draw_basemaps
from .text import CLASS_LABELS, class_label, lbl

log = logging.getLogger("haldenenergie.report")

#: Marker area [pt^2] of a heap: a floor so that small heaps stay visible, plus a share
#: proportional to its energy (the heap with the largest technical potential gets floor + span).
MARKER_MIN_PT2, MARKER_SPAN_PT2 = 14.0, 420.0
#: Share of white mixed into a class colour for the technical-potential disc (lighter tone).
TECHNICAL_TINT = 0.6
#: Figure width [in] (fits the report's page width), width of the legend column [in], outer
#: margin [in] and the map's height/width ratio limits (the Ruhr area is wide and low: the frame
#: is widened to at least this ratio, leaving room for labels, rather than a strip of a map).
FIG_W_IN, SIDE_W_IN, MARGIN_IN = 8.0, 2.3, 0.06
MIN_ASPECT, MAX_ASPECT = 0.5, 1.2
#: Padding around the outermost heaps [m], at least, or this share of the extent.
PAD_M, PAD_SHARE = 3000.0, 0.06
#: Font sizes [pt]: rank numbers, town names, side column.
RANK_PT, CITY_PT, SIDE_PT = 6.5, 7.0, 6.5
#: Longest entry of the list of heaps without coordinates [characters] (longer ones end in …).
SIDE_CHARS = 44
#: Label box: translucent white rather than a stroked halo, since path effects would turn the SVG
#: text into outlines (several times the file size).
_HALO = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.6}


#: Texts of the map that the report's text table does not hold yet: key -> (de, en).
def _t(key: str, lang: str) -> str:
    """A map text of ``data/report_texts.toml`` ([labels] ``map_<key>``) in ``lang``."""
    return lbl(f"map_{key}", lang)


@dataclass
class MapChart(Chart):
    """The map as SVG plus what it shows, so that a test can check the drawing.

    ``labels`` are the placed label boxes in figure coordinates (0..1, origin lower left),
    ``drawn`` the heap ids on the map, ``listed`` those in the side list (no coordinates),
    ``class_colors`` the colour of each class present, ``unlabelled`` heap ids on the map whose
    rank number found no free place.
    """

    labels: list[LabelBox] = field(default_factory=list)
    drawn: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    class_colors: dict[str, str] = field(default_factory=dict)
    unlabelled: list[str] = field(default_factory=list)


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
    """Map limits [m], map size [in] and figure height [in]."""

    x0: float
    x1: float
    y0: float
    y1: float
    map_w_in: float
    map_h_in: float
    h_in: float


def _side_height_in(n_classes: int, n_listed: int) -> float:
    """Height the legend column needs [in]: class legend, size legend, list of heaps."""
    line = SIDE_PT * 1.45 / 72
    classes = 0.28 + 0.165 * n_classes
    sizes = 0.95
    listed = (0.45 + line * n_listed) if n_listed else 0.0
    return classes + sizes + listed + 0.1


def _frame(x: np.ndarray, y: np.ndarray, side_h_in: float) -> _Frame:
    """Limits with 1 m east = 1 m north on paper, the map as tall as the legend column at least."""
    span_x, span_y = float(np.ptp(x)), float(np.ptp(y))
    pad = max(PAD_M, PAD_SHARE * max(span_x, span_y))
    span_x, span_y = max(span_x + 2 * pad, 10_000.0), max(span_y + 2 * pad, 10_000.0)
    map_w_in = FIG_W_IN - SIDE_W_IN - 3 * MARGIN_IN
    aspect = float(np.clip(span_y / span_x, MIN_ASPECT, MAX_ASPECT))
    map_h_in = max(map_w_in * aspect, side_h_in)
    m_per_in = max(span_x / map_w_in, span_y / map_h_in)
    cx, cy = (x.min() + x.max()) / 2, (y.min() + y.max()) / 2
    return _Frame(
        x0=cx - m_per_in * map_w_in / 2,
        x1=cx + m_per_in * map_w_in / 2,
        y0=cy - m_per_in * map_h_in / 2,
        y1=cy + m_per_in * map_h_in / 2,
        map_w_in=map_w_in,
        map_h_in=map_h_in,
        h_in=map_h_in + 2 * MARGIN_IN,
    )


def _axes(fig, f: _Frame):
    """Map axes (left) without ticks, a light frame and a light 10 km grid (UTM metres)."""
    ax = fig.add_axes(
        (MARGIN_IN / FIG_W_IN, MARGIN_IN / f.h_in, f.map_w_in / FIG_W_IN, f.map_h_in / f.h_in)
    )
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
        ax.axvline(gx, color="#e2e5e0", lw=0.5, zorder=1.8)
    for gy in np.arange(math.ceil(f.y0 / 1e4) * 1e4, f.y1, 1e4):
        ax.axhline(gy, color="#e2e5e0", lw=0.5, zorder=1.8)
    return ax


def _tint(color: str, share: float = TECHNICAL_TINT) -> tuple[float, float, float]:
    """``color`` mixed with ``share`` of white."""
    from matplotlib.colors import to_rgb

    return tuple(c + (1 - c) * share for c in to_rgb(color))


def _energies(sub: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Technical potential and energy of the suitable uses per heap [MWh a-1], ≥ 0."""
    tech = total_energy(sub).fillna(0).clip(lower=0).to_numpy()
    if not {"pv_energy_mwh_per_a", "wind_energy_mwh_per_a"} & set(sub.columns):
        return tech, tech
    pv_ok, wind_ok = suitable_uses(sub)
    pv = num(sub, "pv_energy_mwh_per_a").fillna(0).clip(lower=0).to_numpy()
    wind = num(sub, "wind_energy_mwh_per_a").fillna(0).clip(lower=0).to_numpy()
    return tech, np.minimum(pv * pv_ok + wind * wind_ok, tech)


def marker_area(energy: np.ndarray, emax: float) -> np.ndarray:
    """Marker area [pt^2] of an energy [MWh a-1], with ``emax`` the largest on the map."""
    return MARKER_MIN_PT2 + MARKER_SPAN_PT2 * np.asarray(energy, dtype=float) / emax


def _draw_heaps(ax, x, y, tech, suit, emax: float, classes: Sequence) -> np.ndarray:
    """Light discs (technical) under solid discs (suitable uses); big first, small on top.

    Returns the marker radii [px] (of the larger, technical disc).
    """
    colors = [class_color(c) for c in classes]
    order = np.argsort(-tech, kind="stable")
    s_tech, s_suit = marker_area(tech, emax), marker_area(suit, emax)
    for i in order:
        if s_tech[i] > s_suit[i] + 1e-9:
            ax.scatter(x[i], y[i], s=s_tech[i], color=_tint(colors[i]), lw=0.4, zorder=3)
            ax.scatter(
                x[i], y[i], s=s_tech[i], facecolors="none", edgecolors="#777777", lw=0.4, zorder=3
            )
        ax.scatter(
            x[i], y[i], s=s_suit[i], color=colors[i], edgecolors="#333333", lw=0.5, zorder=3.1
        )
    return np.sqrt(np.maximum(s_tech, s_suit)) / 2 * ax.figure.dpi / 72


def _label_items(sub: pd.DataFrame, x, y, radii_px) -> list[LabelItem]:
    """Rank numbers (rank 1 first), then one town name per town (above its heaps)."""
    items = []
    ranks = num(sub, "rank").to_numpy()
    ids = sub["heap_id"].astype(str).tolist()
    style = {"fontsize": RANK_PT, "color": "#222222", "zorder": 5, "bbox": _HALO}
    for i in np.argsort(np.where(np.isfinite(ranks), ranks, np.inf), kind="stable"):
        if math.isfinite(ranks[i]):
            items.append(
                LabelItem(
                    f"{int(ranks[i])}", "rank", x[i], y[i], radii_px[i], ids[i], int(i), style
                )
            )
    cities = [city_base(c) for c in (sub["city"] if "city" in sub.columns else [None] * len(sub))]
    towns: dict[str, list[int]] = {}
    for i, c in enumerate(cities):
        if c:
            towns.setdefault(c, []).append(i)
    cstyle = {
        "fontsize": CITY_PT,
        "style": "italic",
        "color": "#4a4a4a",
        "zorder": 4,
        "bbox": _HALO,
    }
    for c in sorted(towns):
        idx = towns[c]
        top = idx[int(np.argmax(y[idx]))]
        items.append(
            LabelItem(c, "city", float(np.mean(x[idx])), float(y[top]), 0.0, None, None, cstyle)
        )
    return items


def _draw_scale_and_north(ax, f: _Frame, lang: str) -> list:
    """Scale bar (lower left), north arrow (upper left) and the CRS name; returns the artists.

    In UTM 32N grid north differs from true north by < 1.5 deg in the Ruhr area (meridian
    convergence at 7 deg E), which is not visible at this scale.
    """
    length = nice_length((f.x1 - f.x0) * 0.2)
    sx, sy = f.x0 + 0.03 * (f.x1 - f.x0), f.y0 + 0.05 * (f.y1 - f.y0)
    arts = [
        *ax.plot(
            [sx, sx + length], [sy, sy], color="#222222", lw=2.2, solid_capstyle="butt", zorder=6
        ),
        *ax.plot(
            [sx, sx + length / 2], [sy, sy], color="white", lw=1.0, solid_capstyle="butt", zorder=7
        ),
        ax.text(
            sx + length / 2,
            sy + 0.015 * (f.y1 - f.y0),
            f"{fmt_number(length / 1000, 0, lang)} km",
            ha="center",
            va="bottom",
            fontsize=7.5,
            zorder=6,
        ),
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
        ),
        ax.text(
            0.995,
            0.005,
            "ETRS89 / UTM 32N",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6,
            color="#777777",
        ),
    ]
    return arts


def _legend_marker(**kw):
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="o", ls="", markeredgecolor="#333333", markeredgewidth=0.5, **kw)


def classes_present(classes: Sequence) -> list[str]:
    """Classes in ``classes``: known ones in their order, then others sorted."""
    have = {str(c) for c in classes if pd.notna(c)}
    return [c for c in CLASS_LABELS if c in have] + sorted(have - set(CLASS_LABELS))


def _stack_legend(side, y_top: float, **kw) -> float:
    """A legend at ``y_top`` (axes fraction) of the side column; returns the y below it."""
    leg = side.legend(
        loc="upper left",
        bbox_to_anchor=(0.0, y_top),
        frameon=False,
        borderaxespad=0.0,
        fontsize=7,
        title_fontsize=7.5,
        alignment="left",
        **kw,
    )
    side.add_artist(leg)
    ext = leg.get_window_extent(side.figure.canvas.get_renderer())
    return y_top - ext.height / side.get_window_extent().height - 0.03


def _side_column(fig, f: _Frame, classes, emax: float, listed: pd.DataFrame, lang: str) -> None:
    """Class legend, size legend and the heaps without coordinates, top to bottom."""
    x0 = (FIG_W_IN - SIDE_W_IN - MARGIN_IN) / FIG_W_IN
    side = fig.add_axes((x0, MARGIN_IN / f.h_in, SIDE_W_IN / FIG_W_IN, f.map_h_in / f.h_in))
    side.set_axis_off()
    handles = [
        _legend_marker(markersize=7, markerfacecolor=class_color(c), label=class_label(c, lang))
        for c in classes_present(classes)
    ]
    y = 1.0
    if handles:
        y = _stack_legend(side, y, handles=handles, title=lbl("class", lang))
    refs = sorted({nice_length(emax / 2), nice_length(emax / 10), nice_length(emax / 50)})
    sizes = [
        _legend_marker(
            color="#bbbbbb",
            markersize=math.sqrt(marker_area(r, emax)),
            label=fmt_number(r, 0, lang),
        )
        for r in refs
        if r > 0
    ]
    y = _stack_legend(
        side,
        y,
        handles=sizes,
        ncol=len(sizes),
        columnspacing=1.0,
        title=f"{lbl('rank_energy', lang)}\n{_t('technical_disc', lang)}",
    )
    if not listed.empty:
        _side_list(side, y, listed, lang)


def _side_list(side, y: float, listed: pd.DataFrame, lang: str) -> None:
    """The heaps without coordinates: class dot, rank and name (town), one per line."""
    h_in = side.get_window_extent().height / side.figure.dpi
    step = SIDE_PT * 1.45 / 72 / h_in
    side.text(
        0.0,
        y,
        f"{lbl('no_coords', lang)} ({len(listed)})\n{_t('listed_note', lang)}",
        fontsize=7.5,
        va="top",
        linespacing=1.3,
        transform=side.transAxes,
    )
    y -= step * 3.1
    ranks = num(listed, "rank")
    for k, (_, r) in enumerate(listed.iterrows()):
        rank = f"{int(ranks.iloc[k])} " if math.isfinite(ranks.iloc[k]) else ""
        town = city_base(r.get("city"))
        text = f"{rank}{r.get('name') or r['heap_id']}" + (f" ({town})" if town else "")
        if len(text) > SIDE_CHARS:
            text = text[: SIDE_CHARS - 1] + "…"
        side.scatter(
            [0.02],
            [y - step / 2],
            s=12,
            color=class_color(r.get("class")),
            edgecolors="#333333",
            lw=0.4,
            transform=side.transAxes,
            clip_on=False,
        )
        side.text(0.06, y, text, fontsize=SIDE_PT, va="top", transform=side.transAxes)
        y -= step


def _label_map(ax, sub: pd.DataFrame, x, y, radii, fixed: list) -> tuple[list, list]:
    """Place rank and town labels clear of the markers and of the ``fixed`` artists."""
    renderer = ax.figure.canvas.get_renderer()
    obstacles = np.vstack(
        [marker_boxes(ax, x, y, radii), *[a.get_window_extent(renderer).extents for a in fixed]]
    )
    labels, skipped = place_labels(ax, _label_items(sub, x, y, radii), obstacles)
    if skipped:
        log.warning(
            "map: no free place for the labels %s within %.0f px of their points; left out "
            "(the heaps are drawn; their ranks are in the ranking table)",
            ", ".join(it.text for it in skipped),
            SEARCH_RADIUS_PX,
        )
    return labels, skipped


@with_style
def map_chart(
    df: pd.DataFrame, lang: str, basemaps: Sequence[BasemapLayer] | None = None
) -> MapChart | None:
    """Map of the heaps, with the heaps without coordinates listed beside it.

    Parameters
    ----------
    df : pandas.DataFrame
        Results in rank order (``lat``/``lon`` [deg]).
    lang : str
        ``"de"`` or ``"en"``.
    basemaps : sequence of BasemapLayer, optional
        Background layers (:func:`~haldenenergie.report.map_layers.read_basemaps`); default:
        those of the enclosing :func:`~haldenenergie.report.map_layers.basemap_context`.

    Returns
    -------
    MapChart or None
        The SVG and its label geometry; None if no heap has coordinates.
    """
    lat, lon = num(df, "lat"), num(df, "lon")
    ok = (lat.notna() & lon.notna()).to_numpy()
    if not ok.any():
        return None
    sub, listed = df[ok].reset_index(drop=True), df[~ok].reset_index(drop=True)
    x, y = project_points(lon[ok].values, lat[ok].values)
    tech, suit = _energies(sub)
    emax = float(tech.max()) if tech.size and tech.max() > 0 else 1.0
    classes = list(sub["class"]) if "class" in sub.columns else [None] * len(sub)
    all_classes = list(df["class"]) if "class" in df.columns else classes
    f = _frame(x, y, _side_height_in(len(classes_present(all_classes)), len(listed)))
    fig = figure(FIG_W_IN, f.h_in)
    ax = _axes(fig, f)
    layers = current_basemaps() if basemaps is None else basemaps
    draw_basemaps(ax, layers, (f.x0, f.y0, f.x1, f.y1), (f.x1 - f.x0) / (f.map_w_in * 72))
    radii = _draw_heaps(ax, x, y, tech, suit, emax, classes)
    fixed = _draw_scale_and_north(ax, f, lang)
    _side_column(fig, f, all_classes, emax, listed, lang)
    labels, skipped = _label_map(ax, sub, x, y, radii, fixed)
    chart = save(fig)
    return MapChart(
        chart.svg,
        chart.width_px,
        chart.height_px,
        labels=labels,
        drawn=sub["heap_id"].astype(str).tolist(),
        listed=listed["heap_id"].astype(str).tolist(),
        class_colors={c: class_color(c) for c in classes_present(all_classes)},
        unlabelled=[it.heap_id for it in skipped if it.kind == "rank"],
    )
