"""Form checks: can a heap's area, height and footprint polygon stand as dumped spoil.

A heap of dumped spoil of footprint area A and relative height h has flanks at least as steep as
the cone on that footprint, ``atan(h / r)`` with the equivalent radius ``r = sqrt(A / pi)``: any
plateau, berm or elongation only steepens them. When that lower bound exceeds the angle of repose
of dumped spoil the facts are geometrically impossible (an error: typically ``area_ha`` off by
100, 1.7 instead of 170); when it is merely steep they are implausible (a warning). A footprint
polygon smaller than any heap is an error (a truncated or mis-scaled outline).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .model import Heap

__all__ = [
    "MIN_FOOTPRINT_AREA_HA",
    "SMALL_FOOTPRINT_AREA_HA",
    "STEEP_IMPLIED_FLANK_DEG",
    "MAX_IMPLIED_FLANK_DEG",
    "check_form",
    "implied_flank_slope_deg",
]

#: ``add(property, message, severity="error")``: records one problem of the current feature.
AddProblem = Callable[..., None]

#: Steepest mean flank [deg] dumped spoil can stand: its angle of repose, 34-40 deg for loosely
#: dumped coarse mine spoil (observations at Colorado coal mines, Colowyo Mine excess-spoil
#: investigation, Colorado DRMS permit C1981019; friction angles of shale and sandstone spoil
#: 34-45 deg, Canadian Pit Slope Manual, CANMET 1977). Facts implying a steeper cone are an error.
MAX_IMPLIED_FLANK_DEG = 40.0
#: Implied cone slope [deg] above which the facts are a warning. Assumption: the Ruhr's steepest
#: heaps, the old cone heaps (Spitzkegelhalden), have flanks of 30-37 deg; facts whose gentlest
#: reading already needs > 30 deg leave no room for the plateaus and berms of the other forms. In
#: the shipped registry the steepest implied cone is Halde Scholven's 19.3 deg (50 ha, 140 m).
STEEP_IMPLIED_FLANK_DEG = 30.0
#: Smallest footprint polygon [ha] (error below): 0.1 ha = 1,000 m², smaller than the 1,500 m²
#: contiguous PV area the RVR heap energy analysis (2022) requires, and far below the smallest heap
#: of the fact table (3.8 ha); such a polygon is a truncated or mis-scaled outline.
MIN_FOOTPRINT_AREA_HA = 0.1
#: Footprint polygon area [ha] below which a warning is given. Assumption: the smallest heap of the
#: fact table has 3.8 ha; below 1 ha a polygon is more likely a part of the heap (its plateau,
#: a landmark) than its whole outline.
SMALL_FOOTPRINT_AREA_HA = 1.0


def implied_flank_slope_deg(area_ha: float, height_m: float) -> float:
    """Mean flank slope [deg] of a cone of footprint ``area_ha`` [ha] and height ``height_m`` [m].

    The gentlest shape with that footprint and height: ``atan(h / sqrt(A / pi))``.

    Parameters
    ----------
    area_ha : footprint area [ha], > 0.
    height_m : relative height [m], > 0.

    Returns
    -------
    float : slope [deg] (90 for a vanishing footprint).
    """
    radius = math.sqrt(area_ha * 1e4 / math.pi)
    return 90.0 if radius <= 0 else math.degrees(math.atan(height_m / radius))


def check_form(heap: Heap, add: AddProblem) -> None:
    """Record problems of the heap's footprint polygon and of its area/height combination.

    Parameters
    ----------
    heap : Heap
        Uses ``footprint_area_ha`` (polygon), ``area_ha`` with ``area_source`` and
        ``height_rel_m``.
    add : callable
        ``add(property, message, severity="error")``.
    """
    fp = heap.footprint_area_ha
    if fp is not None and fp < MIN_FOOTPRINT_AREA_HA:
        add(
            "geometry",
            f"footprint polygon of {fp * 1e4:.3g} m² is smaller than any heap "
            f"(< {MIN_FOOTPRINT_AREA_HA:g} ha); is this the heap's outline (coordinates "
            "truncated or scaled)? Draw the outline, or give a Point",
        )
    elif fp is not None and fp < SMALL_FOOTPRINT_AREA_HA:
        add(
            "geometry",
            f"footprint polygon of {fp:.2f} ha is smaller than any known Ruhr heap "
            "(the smallest has 3.8 ha); check that it outlines the whole heap",
            "warning",
        )
    if not heap.height_rel_m or heap.height_rel_m <= 0:
        return
    if heap.area_source == "registry" and heap.area_ha and heap.area_ha > 0:
        _check_slope(heap.area_ha, heap.height_rel_m, "area_ha", f"area_ha {heap.area_ha:g}", add)
    if fp is not None and fp >= MIN_FOOTPRINT_AREA_HA:
        _check_slope(fp, heap.height_rel_m, "geometry", f"the footprint polygon's {fp:.3g}", add)


def _check_slope(area_ha: float, height_m: float, prop: str, what: str, add: AddProblem) -> None:
    """Error/warning if a cone of ``area_ha`` and ``height_m`` is steeper than dumped spoil."""
    slope = implied_flank_slope_deg(area_ha, height_m)
    radius = math.sqrt(area_ha * 1e4 / math.pi)
    evidence = (
        f"{what} ha and height_rel_m {height_m:g} m imply flanks of at least {slope:.1f} deg "
        f"(a cone of radius {radius:.0f} m)"
    )
    if slope > MAX_IMPLIED_FLANK_DEG:
        needed = math.pi * (height_m / math.tan(math.radians(MAX_IMPLIED_FLANK_DEG))) ** 2 / 1e4
        add(
            prop,
            f"{evidence}, steeper than dumped spoil can stand (angle of repose 34-40 deg): "
            f"impossible; at {height_m:g} m a heap covers at least {needed:.1f} ha. Is the "
            "area in the wrong unit (x 100?) or the height wrong?",
        )
    elif slope > STEEP_IMPLIED_FLANK_DEG:
        add(
            prop,
            f"{evidence}, steeper than the Ruhr's cone heaps (30-37 deg) leave room for; "
            "check area and height",
            "warning",
        )
