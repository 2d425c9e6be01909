"""Reading the registry: :func:`read_registry`, :func:`check_registry`, :func:`validate_registry`.

Also finding a heap by id (:func:`find_heap`) and converting heaps to flat records
(:func:`heap_record`) and to a GeoDataFrame (:func:`heaps_to_geodataframe`).
"""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from typing import Any

from ..errors import RegistryError
from .model import Heap, Problem
from .validate import check_file

__all__ = [
    "check_registry",
    "find_heap",
    "heap_record",
    "heaps_to_geodataframe",
    "read_registry",
    "validate_registry",
]

log = logging.getLogger("haldenenergie.registry")


def check_registry(path: str | Path) -> tuple[list[Heap], list[Problem]]:
    """Validate and read in one pass, without raising.

    Parameters
    ----------
    path : str or Path
        GeoJSON registry file.

    Returns
    -------
    heaps : list of Heap
        The features without error-level problems (all heaps if the registry is valid).
    problems : list of Problem
        As :func:`validate_registry`.
    """
    checker = check_file(path)
    return checker.heaps, checker.problems


def validate_registry(path: str | Path) -> list[Problem]:
    """Check a registry file and return every problem found (empty list = valid, no warnings).

    Parameters
    ----------
    path : str or Path
        GeoJSON registry file.

    Returns
    -------
    list of Problem
        All problems in file order; ``severity == "error"`` ones make the registry invalid,
        warnings do not.

    Notes
    -----
    Checks: unreadable / non-UTF-8 file; malformed JSON (line and column); NaN/Infinity; not a
    FeatureCollection; non-WGS84 ``crs``; no features; entries that are not Features; features
    without properties; missing, empty, non-slug or duplicate ids; a feature ``id`` member differing
    from the property; properties given twice; missing name; text/number/whole-number types;
    unknown ``form``, ``access``, ``nature_protection`` (errors) and ``membership``, ``owner``
    (warnings); ``area_ha`` <= 0 or > :data:`MAX_AREA_HA` (> :data:`LARGE_AREA_HA` warns);
    ``height_rel_m`` outside (0, :data:`MAX_HEIGHT_REL_M`]; ``height_asl_m`` outside
    :data:`HEIGHT_ASL_RANGE_M`; a base elevation below :data:`MIN_BASE_ELEVATION_M` (warning);
    negative ``housing_distance_m``; negative/absurd turbine count, power, hub height, rotor
    diameter, hub below rotor radius; turbines counted without model (warning); unsupported geometry
    type, malformed positions, coordinates outside :data:`RUHR_BBOX` (with hints for swapped lon/lat
    and projected metres), unclosed or self-intersecting polygons; footprint vs area_ha mismatch
    (warning); near-miss property names (warning); a footprint polygon below
    :data:`MIN_FOOTPRINT_AREA_HA` (below :data:`SMALL_FOOTPRINT_AREA_HA` warns); area and height
    implying a cone steeper than :data:`MAX_IMPLIED_FLANK_DEG` (the angle of repose of dumped
    spoil; above :data:`STEEP_IMPLIED_FLANK_DEG` warns).
    """
    return check_file(path).problems


def read_registry(path: str | Path) -> list[Heap]:
    """Read a registry file into :class:`Heap` objects (in file order).

    Parameters
    ----------
    path : str or Path
        GeoJSON registry file.

    Returns
    -------
    list of Heap

    Raises
    ------
    RegistryError
        If the file has any error-level problem: one line naming the file, the first problem's
        feature and property and the fix, and how many more there are. Warnings are logged.
    """
    checker = check_file(path)
    errors = [p for p in checker.problems if p.severity == "error"]
    for p in checker.problems:
        if p.severity == "warning":
            log.warning(p.format(path))
    if errors:
        msg = errors[0].format(path)
        if len(errors) > 1:
            msg += (
                f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''}; "
                f"run 'haldenenergie heaps validate {path}' to list all)"
            )
        raise RegistryError(msg)
    log.info("%s: %d heaps read", path, len(checker.heaps))
    return checker.heaps


def heap_record(heap: Heap) -> dict[str, Any]:
    """Flat dict of a heap (for ``heaps list/show`` and exports): :meth:`Heap.to_record`.

    Parameters
    ----------
    heap : Heap

    Returns
    -------
    dict
        Every registry property in :data:`PROPERTY_ORDER`, with ``lat``, ``lon`` [deg, WGS84],
        ``geometry_type`` and ``footprint_area_ha`` [ha] before ``point_kind``, and
        ``area_source`` after ``area_ha`` (``area_ha`` as used, see :attr:`Heap.area_source`);
        extra raw properties of the feature follow at the end. None = unknown.
    """
    return heap.to_record()


def heaps_to_geodataframe(heaps: list[Heap]):
    """The heaps as a GeoDataFrame in WGS84 (EPSG:4326), one row per heap in input order.

    Parameters
    ----------
    heaps : list of Heap

    Returns
    -------
    geopandas.GeoDataFrame
        Columns: ``heap_id`` and the :func:`heap_record` fields (``id`` renamed ``heap_id``);
        geometry is the footprint where there is one, else the Point, else None.
    """
    import geopandas as gpd
    from shapely.geometry import Point

    records, geoms = [], []
    for h in heaps:
        rec = h.to_record()
        rec["heap_id"] = rec.pop("id")
        records.append(rec)
        if h.footprint is not None:
            geoms.append(h.footprint)
        else:
            geoms.append(Point(h.lon, h.lat) if h.lat is not None else None)
    cols = ["heap_id"] + [c for c in (records[0] if records else {}) if c != "heap_id"]
    return gpd.GeoDataFrame(records, columns=cols or None, geometry=geoms, crs="EPSG:4326")


def find_heap(heaps: list[Heap], heap_id: str, path: str | Path = "registry") -> Heap:
    """The heap with a given id.

    Parameters
    ----------
    heaps : list of Heap
    heap_id : str
    path : str or Path
        Registry file, for the message.

    Returns
    -------
    Heap

    Raises
    ------
    RegistryError
        One line naming the id and close matches (by substring and spelling).
    """
    for h in heaps:
        if h.id == heap_id:
            return h
    ids = [h.id for h in heaps]
    q = heap_id.strip().lower()
    close = [h.id for h in heaps if q and (q in h.id or q in h.name.lower())]
    close += [i for i in difflib.get_close_matches(q, ids, n=3, cutoff=0.5) if i not in close]
    hint = (
        f"did you mean {', '.join(close[:4])}?"
        if close
        else "see 'haldenenergie heaps list' for the ids"
    )
    raise RegistryError(f"{path}: no heap with id {heap_id!r}; {hint}")
