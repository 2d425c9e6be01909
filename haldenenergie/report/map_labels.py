"""Label placement of the map: deterministic, greedy, without overlaps, with leader lines.

Each label (in priority order: rank 1 first, town names last) tries positions on rings of
growing radius around its anchor, in a fixed order of directions, and takes the first position
whose box (in display pixels) stays inside the map and overlaps neither an earlier label nor an
obstacle (the heap markers, the scale bar, the north arrow). A label that had to move away from
its point gets a thin leader line. This is the classic point-feature label placement by
candidate positions (Imhof 1975, "Positioning names on maps", The American Cartographer 2(2));
no random numbers, so the same input gives the same map.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Gap between a marker's edge and its label [px at the figure's dpi].
LABEL_GAP_PX = 1.5
#: Extra margin kept free around every label box [px]: the browser draws the SVG text in its
#: own sans-serif font, a little wider or narrower than matplotlib measured.
LABEL_MARGIN_PX = 1.5
#: Radii of the candidate rings beyond the first: step [px] and count (up to ~130 px away).
RING_STEP_PX, N_RINGS = 6.0, 22
#: How far a label may move from its marker's edge [px].
SEARCH_RADIUS_PX = RING_STEP_PX * N_RINGS
#: A label further than this from its marker's edge [px] gets a leader line.
LEADER_MIN_PX = 5.0
#: Directions tried on each ring [deg, counter-clockwise from east]: upper right first (the
#: cartographic preference for point labels), then right, above, upper left, left, ...
_DIRECTIONS_DEG = (45, 0, 90, 135, 180, 315, 270, 225, 22.5, 67.5, 112.5, 157.5, 202.5, 337.5)


@dataclass(frozen=True)
class LabelBox:
    """A placed label: its text and box in figure coordinates (0..1, origin lower left)."""

    text: str
    kind: str
    heap_id: str | None
    x0: float
    y0: float
    x1: float
    y1: float
    leader: bool = False

    def overlaps(self, other: LabelBox) -> bool:
        """Whether the two boxes share any area (touching edges do not count)."""
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


@dataclass
class LabelItem:
    """A label to place: text, anchor [data units], radius of its marker [px], text style."""

    text: str
    kind: str
    x: float
    y: float
    radius_px: float = 0.0
    heap_id: str | None = None
    #: Row of the label's own marker in the obstacles (ignored for this label), if any.
    marker_index: int | None = None
    style: dict[str, Any] = field(default_factory=dict)


def _free(box: np.ndarray, taken: np.ndarray, limits: tuple, own: int | None = None) -> bool:
    """Whether ``box`` (x0, y0, x1, y1 [px]) lies inside ``limits`` and clear of ``taken``.

    Row ``own`` of ``taken`` (the label's own marker) is ignored.
    """
    lx0, ly0, lx1, ly1 = limits
    if box[0] < lx0 or box[1] < ly0 or box[2] > lx1 or box[3] > ly1:
        return False
    if taken.size == 0:
        return True
    hit = (
        (box[0] < taken[:, 2])
        & (taken[:, 0] < box[2])
        & (box[1] < taken[:, 3])
        & (taken[:, 1] < box[3])
    )
    if own is not None:
        hit[own] = False
    return not bool(hit.any())


def _box_at(cx: float, cy: float, w: float, h: float, ang: float, dist: float) -> np.ndarray:
    """Box of size w × h [px] beside (cx, cy): its nearest side ``dist`` away in direction ang."""
    ux, uy = math.cos(math.radians(ang)), math.sin(math.radians(ang))
    # Distance from the box centre to its edge along the direction (so the gap is uniform).
    reach = min(
        (w / 2) / abs(ux) if abs(ux) > 1e-9 else math.inf,
        (h / 2) / abs(uy) if abs(uy) > 1e-9 else math.inf,
    )
    bx, by = cx + ux * (dist + reach), cy + uy * (dist + reach)
    return np.array([bx - w / 2, by - h / 2, bx + w / 2, by + h / 2])


def _candidates(cx, cy, w, h, r0):
    """Candidate boxes in order of preference: ring by ring, direction by direction."""
    for ring in range(N_RINGS + 1):
        dist = r0 + ring * RING_STEP_PX
        for ang in _DIRECTIONS_DEG:
            yield dist - r0, _box_at(cx, cy, w, h, ang, dist)


def place_labels(
    ax, items: Sequence[LabelItem], obstacles_px: np.ndarray, limits_px=None
) -> tuple[list[LabelBox], list[LabelItem]]:
    """Place ``items`` on ``ax`` in their order, without overlaps.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The map axes (data coordinates [m]).
    items : sequence of LabelItem
        The labels in priority order.
    obstacles_px : numpy.ndarray
        Boxes (n × 4: x0, y0, x1, y1 [px]) that no label may cover.
    limits_px : tuple of float, optional
        Area labels must stay in [px]; default: the axes' box.

    Returns
    -------
    tuple
        The placed labels (:class:`LabelBox`, figure coordinates) and the items that found no
        free place within the search radius (not drawn).
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    if limits_px is None:
        limits_px = tuple(ax.get_window_extent(renderer).extents)
    taken = np.asarray(obstacles_px, dtype=float).reshape(-1, 4)
    to_fig = fig.transFigure.inverted()
    placed: list[LabelBox] = []
    skipped: list[LabelItem] = []
    for it in items:
        txt = ax.text(0, 0, it.text, ha="center", va="center", **it.style)
        ext = txt.get_window_extent(renderer)
        w, h = ext.width + 2 * LABEL_MARGIN_PX, ext.height + 2 * LABEL_MARGIN_PX
        cx, cy = ax.transData.transform((it.x, it.y))
        r0 = it.radius_px + LABEL_GAP_PX
        found = next(
            (
                (away, box)
                for away, box in _candidates(cx, cy, w, h, r0)
                if _free(box, taken, limits_px, it.marker_index)
            ),
            None,
        )
        if found is None:
            txt.remove()
            skipped.append(it)
            continue
        away, box = found
        mx, my = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        txt.set_position(ax.transData.inverted().transform((mx, my)))
        leader = away > LEADER_MIN_PX
        if leader:
            _leader(ax, cx, cy, it.radius_px, box)
        taken = np.vstack([taken, box])
        (fx0, fy0), (fx1, fy1) = to_fig.transform([(box[0], box[1]), (box[2], box[3])])
        placed.append(LabelBox(it.text, it.kind, it.heap_id, fx0, fy0, fx1, fy1, leader))
    return placed, skipped


def _leader(ax, cx: float, cy: float, r: float, box: np.ndarray) -> None:
    """A thin line from the marker's edge to the nearest point of the label box [px]."""
    nx, ny = float(np.clip(cx, box[0], box[2])), float(np.clip(cy, box[1], box[3]))
    d = math.hypot(nx - cx, ny - cy)
    if d <= r:
        return
    sx, sy = cx + (nx - cx) * r / d, cy + (ny - cy) * r / d
    inv = ax.transData.inverted()
    (x0, y0), (x1, y1) = inv.transform([(sx, sy), (nx, ny)])
    ax.plot([x0, x1], [y0, y1], color="#555555", lw=0.4, zorder=4, solid_capstyle="butt")


def marker_boxes(ax, x: np.ndarray, y: np.ndarray, radius_px: np.ndarray) -> np.ndarray:
    """Bounding boxes (n × 4 [px]) of circular markers of ``radius_px`` at data points."""
    pts = ax.transData.transform(np.column_stack([x, y]))
    r = np.asarray(radius_px, dtype=float)
    return np.column_stack([pts[:, 0] - r, pts[:, 1] - r, pts[:, 0] + r, pts[:, 1] + r])
