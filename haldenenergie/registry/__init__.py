"""The heap registry: read, validate and convert ``heaps.geojson``.

The registry is a GeoJSON FeatureCollection (RFC 7946, WGS84 lon/lat) with one Feature per heap.
Geometry is a ``Point`` (summit or centre, as the source gives it), a ``Polygon``/``MultiPolygon``
footprint (e.g. from the RVR's own GIS), or ``null`` where the position is not known. Properties
carry their unit in their name (``area_ha``, ``height_rel_m``); unknown values are ``null``. The
shipped registry is transcribed from the heap fact table ``heap_facts.csv`` (public sources:
Wikipedia, RVR pages and press releases, halden.ruhr; every feature keeps its ``sources``) by
``tools/transcribe_heaps.py``.

:func:`validate_registry` collects every problem of a file (with feature id and property);
:func:`read_registry` returns :class:`Heap` objects or raises one :class:`RegistryError`.

Modules: :mod:`.model` (the heap record, vocabularies, limits), :mod:`.validate` (the checker),
:mod:`.checks` (property checks), :mod:`.geometry` (geometry checks, footprint area),
:mod:`.form` (area, height and footprint against the form of a dumped heap),
:mod:`.read` (reading, lookup, conversion).

Examples
--------
>>> from haldenenergie.registry import read_registry       # doctest: +SKIP
>>> heaps = read_registry("heaps.geojson")                  # doctest: +SKIP
>>> [h.id for h in heaps if h.form == "table"][:3]          # doctest: +SKIP
"""

from ..errors import RegistryError
from .form import (
    MAX_IMPLIED_FLANK_DEG,
    MIN_FOOTPRINT_AREA_HA,
    SMALL_FOOTPRINT_AREA_HA,
    STEEP_IMPLIED_FLANK_DEG,
    implied_flank_slope_deg,
)
from .geometry import footprint_area_ha
from .model import (
    ACCESS,
    AREA_RATIO_WARNING,
    DERIVED_FIELDS,
    FORMS,
    HEIGHT_ASL_RANGE_M,
    ID_PATTERN,
    INTEGER_PROPERTIES,
    LARGE_AREA_HA,
    LARGE_HOUSING_DISTANCE_M,
    MAX_AREA_HA,
    MAX_EXISTING_WIND_COUNT,
    MAX_HEIGHT_REL_M,
    MAX_TURBINE_HUB_HEIGHT_M,
    MAX_TURBINE_RATED_KW,
    MAX_TURBINE_ROTOR_DIAMETER_M,
    MEMBERSHIP,
    MIN_BASE_ELEVATION_M,
    NATURE_PROTECTION,
    NUMERIC_PROPERTIES,
    OWNER_NOT_STATED,
    OWNER_PREFIXES,
    PROPERTY_ORDER,
    REQUIRED_PROPERTIES,
    RUHR_BBOX,
    TEXT_OR_NUMBER_PROPERTIES,
    TEXT_PROPERTIES,
    ExistingWind,
    Heap,
    Problem,
    Severity,
)
from .read import (
    check_registry,
    find_heap,
    heap_record,
    heaps_to_geodataframe,
    read_registry,
    validate_registry,
)

__all__ = [
    "implied_flank_slope_deg",
    "STEEP_IMPLIED_FLANK_DEG",
    "SMALL_FOOTPRINT_AREA_HA",
    "MIN_FOOTPRINT_AREA_HA",
    "MAX_IMPLIED_FLANK_DEG",
    "ACCESS",
    "AREA_RATIO_WARNING",
    "DERIVED_FIELDS",
    "FORMS",
    "HEIGHT_ASL_RANGE_M",
    "ID_PATTERN",
    "INTEGER_PROPERTIES",
    "LARGE_AREA_HA",
    "LARGE_HOUSING_DISTANCE_M",
    "MAX_AREA_HA",
    "MAX_EXISTING_WIND_COUNT",
    "MAX_HEIGHT_REL_M",
    "MAX_TURBINE_HUB_HEIGHT_M",
    "MAX_TURBINE_RATED_KW",
    "MAX_TURBINE_ROTOR_DIAMETER_M",
    "MEMBERSHIP",
    "MIN_BASE_ELEVATION_M",
    "NATURE_PROTECTION",
    "NUMERIC_PROPERTIES",
    "OWNER_NOT_STATED",
    "OWNER_PREFIXES",
    "PROPERTY_ORDER",
    "REQUIRED_PROPERTIES",
    "RUHR_BBOX",
    "TEXT_OR_NUMBER_PROPERTIES",
    "TEXT_PROPERTIES",
    "ExistingWind",
    "Heap",
    "Problem",
    "RegistryError",
    "Severity",
    "check_registry",
    "find_heap",
    "footprint_area_ha",
    "heap_record",
    "heaps_to_geodataframe",
    "read_registry",
    "validate_registry",
]
