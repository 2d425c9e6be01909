"""The heap registry: read, validate and convert ``heaps.geojson``.

The registry is a GeoJSON FeatureCollection (RFC 7946, WGS84 lon/lat) with one Feature per heap.
Geometry is a ``Point`` (summit or centre, as the source gives it), a ``Polygon``/``MultiPolygon``
footprint (e.g. from the RVR's own GIS), or ``null`` where the position is not known. Properties carry
their unit in their name (``area_ha``, ``height_rel_m``); unknown values are ``null``. The shipped
registry is transcribed from ``../shared/data/heaps/heap_facts.csv`` by ``tools/transcribe_heaps.py``.

:func:`validate_registry` collects every problem of a file (with feature id and property);
:func:`read_registry` returns :class:`Heap` objects or raises one :class:`RegistryError`.

Examples
--------
>>> from haldenenergie.heaps import read_registry           # doctest: +SKIP
>>> heaps = read_registry("heaps.geojson")                  # doctest: +SKIP
>>> [h.id for h in heaps if h.form == "table"][:3]          # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import json
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import shapely
import shapely.errors
from shapely.geometry import MultiPolygon, Point, Polygon, shape

from .errors import RegistryError
from .geo import is_wgs84_crs, to_metric  # noqa: F401  (is_wgs84_crs re-exported)

log = logging.getLogger("haldenenergie.heaps")

# --------------------------------------------------------------------------------------------------
# Vocabularies (from ../shared/data/heaps/FACTS.md, the fact table's column definitions)
# --------------------------------------------------------------------------------------------------

#: Heap forms. Source: FACTS.md (`form`): cone, table (plateau), terraced (berms), landscape
#: (Landschaftsbauwerk: several summits, varied flanks), elongated, unknown.
FORMS: tuple[str, ...] = ("cone", "table", "terraced", "landscape", "elongated", "unknown")
#: Source: FACTS.md (`nature_protection`): reserve on the heap, reserve at its foot, planned; null = none known.
NATURE_PROTECTION: tuple[str, ...] = ("reserve", "adjacent", "planned")
#: Source: FACTS.md (`access`): public / mining supervision, still dumped on or fenced / unknown.
ACCESS: tuple[str, ...] = ("open", "closed", "unknown")
#: Source: FACTS.md (`membership`): member of the RVR's 58 heaps confirmed / probable / inferred.
MEMBERSHIP: tuple[str, ...] = ("confirmed", "probable", "inferred")
#: Owners: the RVR heap concept covers heaps owned by the RVR and RAG heaps passing to the RVR
#: (FACTS.md). The fact table qualifies owners in brackets ("RVR (conflict: City of Waltrop)") and
#: says "not stated" where no source names one. Other owners are a warning, not an error: a user may
#: add heaps of other owners on purpose.
OWNER_PREFIXES: tuple[str, ...] = ("RVR", "RAG")
OWNER_NOT_STATED = "not stated"

# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

#: Property order of the registry (= fact table columns without lat/lon, plus housing_distance_m).
PROPERTY_ORDER: tuple[str, ...] = (
    "id",
    "name",
    "city",
    "owner",
    "membership",
    "point_kind",
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "form",
    "form_description",
    "existing_wind_count",
    "existing_wind_model",
    "existing_wind_windpowerlib_type",
    "existing_wind_rated_kw",
    "existing_wind_hub_height_m",
    "existing_wind_rotor_diameter_m",
    "existing_wind_since",
    "landmark",
    "nature_protection",
    "access",
    "constraints",
    "housing_distance_m",
    "value_notes",
    "sources",
    "location_hint",
)
#: Properties that must be JSON numbers (or null). Units are in the names.
NUMERIC_PROPERTIES: tuple[str, ...] = (
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "existing_wind_rated_kw",
    "existing_wind_hub_height_m",
    "existing_wind_rotor_diameter_m",
    "housing_distance_m",
)
#: Properties that must be whole JSON numbers (or null).
INTEGER_PROPERTIES: tuple[str, ...] = ("existing_wind_count",)
#: Properties that may be text or a number (a year such as 2016, or "2016 (alt. 2014)").
TEXT_OR_NUMBER_PROPERTIES: tuple[str, ...] = ("existing_wind_since",)
#: Required properties (non-empty text).
REQUIRED_PROPERTIES: tuple[str, ...] = ("id", "name")
TEXT_PROPERTIES: tuple[str, ...] = tuple(
    p
    for p in PROPERTY_ORDER
    if p not in NUMERIC_PROPERTIES + INTEGER_PROPERTIES + TEXT_OR_NUMBER_PROPERTIES
)

#: Heap ids are ASCII slugs (FACTS.md: "stable identifier (ASCII slug)"); they appear in file names,
#: CSV rows and on the command line.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# --------------------------------------------------------------------------------------------------
# Plausibility limits (each with its rationale)
# --------------------------------------------------------------------------------------------------

#: Ruhr bounding box (lon_min, lat_min, lon_max, lat_max) [deg, WGS84]. The RVR's area (53
#: municipalities, about 4,440 km²; https://www.rvr.ruhr/daten-digitales/regionalstatistik/) spans
#: from Kreis Wesel in the west (Sonsbeck/Xanten, ~6.3 E) to Hamm in the east (~7.97 E) and from
#: Haltern am See in the north (~51.82 N) to Breckerfeld in the south (~51.22 N); rounded outwards to
#: 0.1 deg. The 33 located heaps of the fact table lie within 6.57–7.82 E, 51.45–51.71 N.
RUHR_BBOX: tuple[float, float, float, float] = (6.2, 51.2, 8.0, 51.9)
#: Absurd footprint [ha] (error). The largest heap in the fact table is Hoheward, 170 ha (RVR; ~177
#: ha by Wikipedia's per-municipality parts); no Ruhr heap comes near 1,000 ha, so a larger value is
#: a unit mistake (m² or km²).
MAX_AREA_HA = 1000.0
#: Suspiciously large footprint [ha] (warning): well above the largest known heap (Hoheward, 170 ha).
LARGE_AREA_HA = 300.0
#: Largest plausible height above the surroundings [m] (error above). The highest stated value in the
#: fact table is Halde Haniel's 159 m (Wikipedia; other sources ~95–118 m).
MAX_HEIGHT_REL_M = 200.0
#: Plausible summit elevation [m a.s.l.]. The heaps stand on the Rhine/Emscher/Lippe lowlands
#: (ground ~20–150 m a.s.l.) and rise at most ~160 m; the highest summit in the fact table is
#: Halde Scholven, 201.8 m. Outside 0–300 m is a unit or sign mistake (feet, relative height).
HEIGHT_ASL_RANGE_M: tuple[float, float] = (0.0, 300.0)
#: Lowest plausible base elevation = height_asl_m − height_rel_m [m a.s.l.] (warning below). The
#: lowest ground of the Ruhr area is the Rhine valley near Wesel at ~15–20 m a.s.l.; the lowest base
#: implied by the fact table is Pattberg's 21 m.
MIN_BASE_ELEVATION_M = 10.0
#: Footprint polygon area vs. stated area_ha: a ratio beyond this is a warning (wrong polygon or value).
AREA_RATIO_WARNING = 2.0
#: Turbine limits (errors above): the largest onshore turbines built have rotors of ~175 m and hubs
#: of ~180 m (Enercon E-175 EP5, Nordex N175/6.X); the largest turbine of any kind is ~15 MW
#: (Vestas V236-15.0 MW, offshore). Values beyond these limits are unit mistakes (W instead of kW).
MAX_TURBINE_RATED_KW = 20_000.0
MAX_TURBINE_HUB_HEIGHT_M = 250.0
MAX_TURBINE_ROTOR_DIAMETER_M = 250.0
#: Largest plausible number of turbines on/at one heap (error above); the fact table's maximum is 4.
MAX_EXISTING_WIND_COUNT = 50
#: Largest plausible distance to housing [m] (warning above): no point of the densely settled Ruhr
#: area is more than a few km from houses.
LARGE_HOUSING_DISTANCE_M = 5000.0

Severity = Literal["error", "warning"]


# --------------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExistingWind:
    """Wind turbines standing on or at a heap.

    Attributes
    ----------
    count : int
        Number of turbines (0 if none known).
    model : str or None
        Model as the sources state it.
    windpowerlib_type : str or None
        ``turbine_type`` in windpowerlib's library (e.g. ``"E-101/3050"``), where the model is there.
    rated_kw : float or None
        Rated power of one turbine [kW].
    hub_height_m : float or None
        Hub height [m] above the turbine's base.
    rotor_diameter_m : float or None
        Rotor diameter [m].
    since : str or None
        Year(s) of commissioning as stated.
    """

    count: int = 0
    model: str | None = None
    windpowerlib_type: str | None = None
    rated_kw: float | None = None
    hub_height_m: float | None = None
    rotor_diameter_m: float | None = None
    since: str | None = None


@dataclass(frozen=True)
class Heap:
    """One heap of the registry. Unknown values are ``None``.

    Attributes
    ----------
    id, name : str
        Stable ASCII slug and name as the sources give it.
    city, owner, membership : str or None
        As in the fact table (owner e.g. ``"RVR"``, ``"RAG (transfer to RVR by ~2035)"``).
    lat, lon : float or None
        WGS84 point [deg]: the Point geometry, or for a footprint its centroid (its representative
        point if the centroid falls outside the polygon).
    footprint : shapely Polygon or MultiPolygon or None
        Heap outline in WGS84 lon/lat, from Polygon/MultiPolygon geometry.
    area_ha : float or None
        Footprint area [ha]: the ``area_ha`` property, or, if that is null, the footprint polygon's
        area (then ``area_source == "footprint"``).
    height_asl_m : float or None
        Summit elevation [m above sea level].
    height_rel_m : float or None
        Height above the surroundings [m].
    form : str
        One of :data:`FORMS` (``"unknown"`` if null).
    existing_wind : ExistingWind
        Turbines on/at the heap (count 0 if none).
    landmark, constraints : str or None
        Landmarks/art works; other constraints for PV and wind.
    nature_protection : str or None
        ``"reserve"``, ``"adjacent"``, ``"planned"`` or None (none known).
    access : str or None
        ``"open"``, ``"closed"``, ``"unknown"`` or None.
    housing_distance_m : float or None
        Distance to the nearest residential building [m]; None = unknown.
    sources : str
        URLs per value (verbatim); ``""`` if the feature has none.
    properties : dict
        All raw properties of the feature (for export).
    footprint_area_ha : float or None
        Area of the footprint polygon [ha], computed in ETRS89 / UTM 32N (EPSG:25832).
    area_source : str or None
        ``"registry"`` (area_ha property), ``"footprint"`` (polygon area) or None.
    """

    id: str
    name: str
    city: str | None = None
    owner: str | None = None
    membership: str | None = None
    lat: float | None = None
    lon: float | None = None
    footprint: Polygon | MultiPolygon | None = field(default=None, compare=False)
    area_ha: float | None = None
    height_asl_m: float | None = None
    height_rel_m: float | None = None
    form: str = "unknown"
    existing_wind: ExistingWind = field(default_factory=ExistingWind)
    landmark: str | None = None
    nature_protection: str | None = None
    access: str | None = None
    constraints: str | None = None
    housing_distance_m: float | None = None
    sources: str = ""
    properties: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    footprint_area_ha: float | None = None
    area_source: str | None = None


@dataclass(frozen=True)
class Problem:
    """One problem found in a registry file.

    Attributes
    ----------
    feature_id : str or None
        The feature's ``id`` property (None if missing or for file-level problems).
    property : str or None
        The property (or ``"geometry"``, ``"JSON"``, ``"features"``, ...) at fault.
    message : str
        What is wrong and how to fix it (one line).
    severity : {"error", "warning"}
        Only errors make a registry invalid; warnings are printed and logged.
    index : int or None
        0-based position of the feature in the ``features`` array (None for file-level problems).
    """

    feature_id: str | None
    property: str | None
    message: str
    severity: Severity = "error"
    index: int | None = None

    def format(self, path: str | Path) -> str:
        """``PATH: feature <id> (#<index>): <property>: [warning: ]<message>``."""
        where = f"{path}: "
        if self.index is not None:
            where += f"feature {self.feature_id or '<no id>'} (#{self.index}): "
        if self.property:
            where += f"{self.property}: "
        return where + ("warning: " if self.severity == "warning" else "") + self.message


# --------------------------------------------------------------------------------------------------
# Reading and validation
# --------------------------------------------------------------------------------------------------


class _Obj(dict):
    """A JSON object that remembers keys given twice (json keeps only the last silently)."""

    duplicate_keys: tuple[str, ...] = ()


def _object_pairs(pairs):
    obj = _Obj(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        obj.duplicate_keys = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return obj


def _reject_constant(name):
    raise ValueError(f"{name} is not a valid JSON number")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def footprint_area_ha(geom: Polygon | MultiPolygon) -> float:
    """Area of a WGS84 lon/lat polygon, computed in ETRS89 / UTM 32N (EPSG:25832).

    Parameters
    ----------
    geom : shapely Polygon or MultiPolygon
        In WGS84 lon/lat [deg].

    Returns
    -------
    float
        Planimetric area [ha].

    Notes
    -----
    EPSG:25832 is the official metric CRS of NRW (ALKIS, DGM1); its scale error in the Ruhr area
    (~0.5 deg west of the 9 E central meridian) is below 0.1 % in area.
    """
    return float(to_metric(geom).area) / 1e4


#: Marks a file that could not be read or parsed (JSON ``null`` is a document, and a wrong one).
_UNREADABLE = object()


class _Checker:
    """Collects problems of one registry file and builds Heaps for features without errors."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.heaps: list[Heap] = []

    # -- helpers -------------------------------------------------------------------------------
    def add(self, fid, prop, message, severity: Severity = "error", index=None):
        self.problems.append(Problem(fid, prop, message, severity, index))

    def run(self) -> None:
        data = self._load()
        if data is _UNREADABLE:
            return
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            got = data.get("type") if isinstance(data, dict) else _json_type(data)
            hint = (
                'wrap the Feature in {"type": "FeatureCollection", "features": [...]}'
                if got == "Feature"
                else 'the file must be {"type": "FeatureCollection", "features": [...]}'
            )
            self.add(None, "type", f"not a GeoJSON FeatureCollection (got {got!r}); {hint}")
            return
        crs = data.get("crs")
        if crs is not None and not is_wgs84_crs(crs):
            name = json.dumps(crs, ensure_ascii=False)
            self.add(
                None,
                "crs",
                f"coordinate reference system {name} is not WGS84; GeoJSON "
                "(RFC 7946) requires lon/lat in WGS84: reproject the file to EPSG:4326",
            )
        features = data.get("features")
        if not isinstance(features, list):
            self.add(
                None,
                "features",
                'missing or not a list; add "features": [ ... ] with one Feature per heap',
            )
            return
        if not features:
            self.add(None, "features", "no features; add one Feature per heap")
            return
        first_index: dict[str, int] = {}
        for i, feat in enumerate(features):
            self._feature(i, feat, first_index)

    def _load(self):
        """The parsed JSON document, or :data:`_UNREADABLE` (problem recorded) if there is none.

        A leading UTF-8 byte order mark is skipped: RFC 8259 (section 8.1) forbids writing one but
        lets parsers ignore it, and Windows editors (Notepad, Excel exports) add it.
        """
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.add(
                None, "file", "not found; check the path (default: heaps.geojson of the project)"
            )
            return _UNREADABLE
        except UnicodeDecodeError as exc:
            self.add(
                None,
                "file",
                f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as "
                "UTF-8 (RFC 7946 requires it)",
            )
            return _UNREADABLE
        except OSError as exc:
            self.add(None, "file", f"cannot read ({exc.strerror}); check the path and permissions")
            return _UNREADABLE
        if not text.strip():
            self.add(
                None,
                "file",
                "empty file; write a GeoJSON FeatureCollection "
                '{"type": "FeatureCollection", "features": [...]}',
            )
            return _UNREADABLE
        try:
            return json.loads(
                text, object_pairs_hook=_object_pairs, parse_constant=_reject_constant
            )
        except json.JSONDecodeError as exc:
            self.add(
                None,
                "JSON",
                f"malformed JSON at line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}; fix the syntax there (a missing comma, quote or bracket?)",
            )
        except ValueError as exc:  # NaN / Infinity
            self.add(None, "JSON", f"{exc}; write null for an unknown value")
        except RecursionError:
            self.add(None, "JSON", "nested too deeply to parse; is this a GeoJSON registry?")
        return _UNREADABLE

    # -- one feature ---------------------------------------------------------------------------
    def _feature(self, i: int, feat: Any, first_index: dict[str, int]) -> None:
        n_before = sum(p.severity == "error" for p in self.problems)
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            got = feat.get("type") if isinstance(feat, dict) else _json_type(feat)
            self.add(
                None,
                "type",
                f"not a GeoJSON Feature (got {got!r}); each entry of features "
                'must be {"type": "Feature", "geometry": ..., "properties": {...}}',
                index=i,
            )
            return
        props = feat.get("properties")
        fid_member = feat.get("id")
        if not isinstance(props, dict):
            fid = fid_member if isinstance(fid_member, str) else None
            self.add(
                fid,
                "properties",
                'feature without properties; add "properties": {"id": ..., "name": ..., ...}',
                index=i,
            )
            return

        # id
        fid = props.get("id")
        if fid is None or (isinstance(fid, str) and not fid.strip()):
            self.add(
                None,
                "id",
                'missing or empty; give every heap a unique ASCII slug such as "halde-haniel"',
                index=i,
            )
            fid = None
        elif not isinstance(fid, str):
            self.add(
                None, "id", f"must be text, got {fid!r}; write it as a quoted ASCII slug", index=i
            )
            fid = None
        elif not ID_PATTERN.match(fid):
            self.add(
                fid,
                "id",
                f"{fid!r} is not an ASCII slug (lower-case letters, digits, single "
                f"hyphens); use e.g. {_slugify(fid)!r}",
                index=i,
            )
        if fid is not None:
            if fid in first_index:
                self.add(
                    fid,
                    "id",
                    f"duplicate id, already used by feature #{first_index[fid]}; "
                    "give each heap a unique id",
                    index=i,
                )
            else:
                first_index[fid] = i
        if fid_member is not None and fid is not None and fid_member != fid:
            self.add(
                fid,
                "id",
                f'feature member "id" ({fid_member!r}) differs from property id '
                f"({fid!r}); make them equal or drop the feature member",
                index=i,
            )

        def add(prop, message, severity: Severity = "error"):
            self.add(fid, prop, message, severity, i)

        for key in getattr(props, "duplicate_keys", ()):
            add(key, "property given twice (only the last value would count); keep one")

        # name
        name = props.get("name")
        if name is None or (isinstance(name, str) and not name.strip()):
            add("name", "missing or empty; give the heap's name as the sources state it")

        # unknown property names that look like a known one (typos would silently drop a value)
        for key in props:
            if key not in PROPERTY_ORDER:
                close = difflib.get_close_matches(key, PROPERTY_ORDER, n=1, cutoff=0.7)
                if close:
                    add(
                        key,
                        f"unknown property; did you mean {close[0]!r}? (it is ignored as is)",
                        "warning",
                    )

        # types
        for key in TEXT_PROPERTIES:
            v = props.get(key)
            if v is not None and not isinstance(v, str):
                add(key, f"must be text or null, got {v!r}; quote it")
        for key in NUMERIC_PROPERTIES + INTEGER_PROPERTIES:
            v = props.get(key)
            if v is None:
                continue
            if not _is_number(v):
                add(
                    key,
                    f"must be a number or null, got {json.dumps(v, ensure_ascii=False)}; "
                    "write a bare JSON number in the unit of the name (or null if unknown)",
                )
            elif not math.isfinite(v):
                add(key, f"{v} is not a finite number; write null if unknown")
            elif key in INTEGER_PROPERTIES and float(v) != int(v):
                add(key, f"must be a whole number, got {v}; write the number of turbines")
        for key in TEXT_OR_NUMBER_PROPERTIES:
            v = props.get(key)
            if v is not None and not (isinstance(v, str) or _is_number(v)):
                add(key, f"must be text, a year or null, got {v!r}")

        num = {
            k: props.get(k)
            for k in NUMERIC_PROPERTIES + INTEGER_PROPERTIES
            if _is_number(props.get(k)) and math.isfinite(props.get(k))
        }

        # vocabularies
        form = props.get("form")
        if isinstance(form, str) and form not in FORMS:
            add("form", f"unknown form {form!r}; allowed: {', '.join(FORMS)} (or null)")
        access = props.get("access")
        if isinstance(access, str) and access not in ACCESS:
            add("access", f"unknown access {access!r}; allowed: {', '.join(ACCESS)} (or null)")
        nat = props.get("nature_protection")
        if isinstance(nat, str) and nat not in NATURE_PROTECTION:
            add(
                "nature_protection",
                f"unknown value {nat!r}; allowed: "
                f"{', '.join(NATURE_PROTECTION)} (or null if none is known)",
            )
        mem = props.get("membership")
        if isinstance(mem, str) and mem not in MEMBERSHIP:
            add(
                "membership",
                f"unknown value {mem!r}; expected one of {', '.join(MEMBERSHIP)}",
                "warning",
            )
        owner = props.get("owner")
        if isinstance(owner, str) and not (
            owner.split(" ")[0] in OWNER_PREFIXES or owner == OWNER_NOT_STATED
        ):
            add(
                "owner",
                f"unknown owner {owner!r}; the heap concept covers owners "
                f'{" and ".join(OWNER_PREFIXES)} (qualify in brackets, e.g. "RVR (conflict: ...)") '
                f"or {OWNER_NOT_STATED!r}",
                "warning",
            )

        # ranges
        area = num.get("area_ha")
        if area is not None:
            if area <= 0:
                add("area_ha", f"{area} must be > 0 [ha]; write null if unknown")
            elif area > MAX_AREA_HA:
                add(
                    "area_ha",
                    f"{area} ha is absurd (> {MAX_AREA_HA:g} ha; the largest Ruhr heap, "
                    "Hoheward, has ~170 ha); is it in m² (divide by 10,000) or km² (x 100)?",
                )
            elif area > LARGE_AREA_HA:
                add(
                    "area_ha",
                    f"{area} ha is larger than any known Ruhr heap (Hoheward ~170 ha); "
                    "check the value",
                    "warning",
                )
        rel = num.get("height_rel_m")
        if rel is not None and not 0 < rel <= MAX_HEIGHT_REL_M:
            add(
                "height_rel_m",
                f"{rel} m is outside (0, {MAX_HEIGHT_REL_M:g}] m (the highest "
                "stated Ruhr heap, Haniel, rises 159 m); check the unit, or write null if unknown",
            )
        asl = num.get("height_asl_m")
        lo, hi = HEIGHT_ASL_RANGE_M
        if asl is not None and not lo <= asl <= hi:
            add(
                "height_asl_m",
                f"{asl} m is outside {lo:g}–{hi:g} m a.s.l. (Ruhr heap summits are "
                "~50–200 m); check the unit, or write null if unknown",
            )
        elif (
            asl is not None
            and rel is not None
            and 0 < rel <= MAX_HEIGHT_REL_M
            and asl - rel < MIN_BASE_ELEVATION_M
        ):
            add(
                "height_rel_m",
                f"height_asl_m {asl} − height_rel_m {rel} puts the heap's base at "
                f"{asl - rel:g} m a.s.l., below the lowest Ruhr ground (~15–20 m); check both values",
                "warning",
            )
        hd = num.get("housing_distance_m")
        if hd is not None:
            if hd < 0:
                add("housing_distance_m", f"{hd} must be >= 0 [m]; write null if unknown")
            elif hd > LARGE_HOUSING_DISTANCE_M:
                add(
                    "housing_distance_m",
                    f"{hd} m is far for the Ruhr area (> "
                    f"{LARGE_HOUSING_DISTANCE_M:g} m); is it in metres?",
                    "warning",
                )

        # existing wind
        count = num.get("existing_wind_count")
        if count is not None:
            if count < 0:
                add("existing_wind_count", f"{count} must be >= 0; write 0 if there are none")
            elif count > MAX_EXISTING_WIND_COUNT:
                add(
                    "existing_wind_count",
                    f"{count} turbines on one heap is absurd (> "
                    f"{MAX_EXISTING_WIND_COUNT}); check the value",
                )
        for key, limit, what in (
            ("existing_wind_rated_kw", MAX_TURBINE_RATED_KW, "kW (is it in W?)"),
            ("existing_wind_hub_height_m", MAX_TURBINE_HUB_HEIGHT_M, "m"),
            ("existing_wind_rotor_diameter_m", MAX_TURBINE_ROTOR_DIAMETER_M, "m"),
        ):
            v = num.get(key)
            if v is not None and not 0 < v <= limit:
                add(
                    key,
                    f"{v} is outside (0, {limit:g}] {what}; the largest turbines built stay "
                    "within it",
                )
        hub, rotor = (
            num.get("existing_wind_hub_height_m"),
            num.get("existing_wind_rotor_diameter_m"),
        )
        if hub and rotor and 0 < hub < rotor / 2:
            add(
                "existing_wind_hub_height_m",
                f"hub height {hub} m is below the rotor radius "
                f"{rotor / 2:g} m (the blades would hit the ground); check both values",
            )
        wind_keys = (
            "existing_wind_model",
            "existing_wind_windpowerlib_type",
            "existing_wind_rated_kw",
            "existing_wind_hub_height_m",
            "existing_wind_rotor_diameter_m",
        )
        has_details = any(props.get(k) is not None for k in wind_keys)
        if (
            count is not None
            and count > 0
            and all(
                props.get(k) is None
                for k in (
                    "existing_wind_model",
                    "existing_wind_windpowerlib_type",
                    "existing_wind_rated_kw",
                )
            )
        ):
            # Warning, not error: the count alone is a fact; the wind module falls back to a
            # documented default turbine and reports it as assumed.
            add(
                "existing_wind_model",
                f"{count} existing turbine(s) but no model, windpowerlib "
                "type or rated power; the wind stage will assume a default turbine",
                "warning",
            )
        if (count is None or count == 0) and has_details:
            add(
                "existing_wind_count",
                "turbine details are given but the count is 0 or null; "
                "write the number of turbines",
                "warning",
            )
        wtype = props.get("existing_wind_windpowerlib_type")
        if isinstance(wtype, str) and not re.fullmatch(r"\S+/\d+", wtype):
            add(
                "existing_wind_windpowerlib_type",
                f"{wtype!r} is not a windpowerlib turbine_type "
                "(form 'E-101/3050', see windpowerlib.get_turbine_types()); write null if none fits",
            )

        if not props.get("sources"):
            add("sources", "no sources; say where the values come from (URLs)", "warning")

        # geometry
        if "geometry" not in feat:
            add(
                "geometry",
                'member missing (RFC 7946 requires it); write "geometry": null if the '
                "position is unknown",
            )
            geom = None
        else:
            geom = self._geometry(feat["geometry"], add)

        n_errors = sum(p.severity == "error" for p in self.problems)
        if n_errors == n_before and fid is not None:
            heap = _make_heap(fid, props, geom)
            self.heaps.append(heap)
            if heap.footprint_area_ha and heap.area_source == "registry" and heap.area_ha:
                ratio = heap.footprint_area_ha / heap.area_ha
                if not 1 / AREA_RATIO_WARNING <= ratio <= AREA_RATIO_WARNING:
                    add(
                        "area_ha",
                        f"stated {heap.area_ha:g} ha but the footprint polygon has "
                        f"{heap.footprint_area_ha:.1f} ha; check the value or the outline",
                        "warning",
                    )

    def _geometry(self, g: Any, add):
        """Check a geometry; return a shapely geometry (None if null or invalid)."""
        if g is None:
            return None
        if not isinstance(g, dict) or not isinstance(g.get("type"), str):
            add(
                "geometry",
                f"not a GeoJSON geometry object: {_short(g)}; write "
                '{"type": "Point", "coordinates": [lon, lat]} or null',
            )
            return None
        gtype = g["type"]
        if gtype not in ("Point", "Polygon", "MultiPolygon"):
            add(
                "geometry",
                f"unsupported geometry type {gtype!r}; use Point (summit/centre), "
                "Polygon or MultiPolygon (footprint), or null",
            )
            return None
        coords = g.get("coordinates")
        depth = {"Point": 0, "Polygon": 2, "MultiPolygon": 3}[gtype]
        positions = _positions(coords, depth)
        if positions is None:
            add(
                "geometry",
                f"invalid {gtype} coordinates {_short(coords)}; a Point is [lon, lat], "
                "a Polygon [[[lon, lat], ...]] with closed rings",
            )
            return None
        bad = [
            p
            for p in positions
            if not (2 <= len(p) <= 3 and all(_is_number(c) and math.isfinite(c) for c in p))
        ]
        if bad:
            add(
                "geometry",
                f"invalid position {_short(bad[0])}; each position is [lon, lat] with "
                "finite numbers",
            )
            return None
        lon_min, lat_min, lon_max, lat_max = RUHR_BBOX
        outside = [
            p for p in positions if not (lon_min <= p[0] <= lon_max and lat_min <= p[1] <= lat_max)
        ]
        if outside:
            x, y = outside[0][0], outside[0][1]
            bbox = f"{lon_min}–{lon_max} E, {lat_min}–{lat_max} N (RVR area)"
            if abs(x) > 180 or abs(y) > 90:
                hint = (
                    "these look like projected metres (EPSG:25832?); GeoJSON needs WGS84 "
                    "lon/lat: reproject to EPSG:4326"
                )
            elif lon_min <= y <= lon_max and lat_min <= x <= lat_max:
                hint = "lon and lat look swapped: GeoJSON order is [lon, lat]"
            else:
                hint = "check the position; GeoJSON order is [lon, lat]"
            add("geometry", f"coordinates [{x}, {y}] outside the Ruhr bounding box {bbox}; {hint}")
            return None
        if gtype != "Point":
            for ring in _rings(coords, gtype):
                if len(ring) < 4 or list(ring[0][:2]) != list(ring[-1][:2]):
                    add(
                        "geometry",
                        f"invalid polygon ring (starts {_short(ring[:2])}): a ring "
                        "needs >= 4 positions and must end where it starts (first = last)",
                    )
                    return None
        try:
            geom = shape(g)
        except (ValueError, TypeError, shapely.errors.GEOSException) as exc:
            add(
                "geometry",
                f"invalid {gtype}: {exc}; a Point is [lon, lat], a Polygon "
                "[[[lon, lat], ...]] with closed rings",
            )
            return None
        if gtype == "Point":
            return geom
        if not geom.is_valid:
            add(
                "geometry",
                f"invalid polygon: {shapely.is_valid_reason(geom)}; fix the outline "
                "(e.g. in QGIS: Vector > Geometry Tools > Check Validity, or shapely.make_valid)",
            )
            return None
        fp = footprint_area_ha(geom)
        if fp > MAX_AREA_HA:
            add(
                "geometry",
                f"footprint of {fp:.0f} ha is absurd (> {MAX_AREA_HA:g} ha); is this "
                "the heap's outline?",
            )
            return None
        return geom


def _positions(coords: Any, depth: int) -> list | None:
    """Flatten nested coordinate arrays of the given depth to positions; None if malformed."""
    if depth == 0:
        return [coords] if isinstance(coords, list) else None
    if not isinstance(coords, list) or not coords:
        return None
    out: list = []
    for c in coords:
        sub = _positions(c, depth - 1)
        if sub is None:
            return None
        out.extend(sub)
    return out


def _rings(coords, gtype):
    polys = [coords] if gtype == "Polygon" else coords
    return [ring for poly in polys for ring in poly]


def _json_type(v: Any) -> str:
    """The JSON name of a parsed value's type (``null``, ``array``, ``string``, ...)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    return {list: "array", str: "string", dict: "object"}.get(type(v), type(v).__name__)


def _short(v: Any, n: int = 60) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[: n - 3] + "..."


def _slugify(text: str) -> str:
    import unicodedata

    t = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "heap"


def _float(v) -> float | None:
    return None if v is None else float(v)


def _make_heap(fid: str, props: dict, geom) -> Heap:
    lat = lon = None
    footprint = None
    fp_area = None
    if isinstance(geom, Point):
        lon, lat = float(geom.x), float(geom.y)
    elif isinstance(geom, (Polygon, MultiPolygon)):
        footprint = shapely.force_2d(geom)
        c = footprint.centroid
        if not footprint.contains(c):
            c = footprint.representative_point()
        lon, lat = float(c.x), float(c.y)
        fp_area = footprint_area_ha(footprint)
    area = _float(props.get("area_ha"))
    area_source = "registry" if area is not None else None
    if area is None and fp_area is not None:
        area, area_source = fp_area, "footprint"
    since = props.get("existing_wind_since")
    count = props.get("existing_wind_count")
    wind = ExistingWind(
        count=int(count) if count is not None else 0,
        model=props.get("existing_wind_model"),
        windpowerlib_type=props.get("existing_wind_windpowerlib_type"),
        rated_kw=_float(props.get("existing_wind_rated_kw")),
        hub_height_m=_float(props.get("existing_wind_hub_height_m")),
        rotor_diameter_m=_float(props.get("existing_wind_rotor_diameter_m")),
        since=None if since is None else str(since),
    )
    return Heap(
        id=fid,
        name=props["name"],
        city=props.get("city"),
        owner=props.get("owner"),
        membership=props.get("membership"),
        lat=lat,
        lon=lon,
        footprint=footprint,
        area_ha=area,
        height_asl_m=_float(props.get("height_asl_m")),
        height_rel_m=_float(props.get("height_rel_m")),
        form=props.get("form") or "unknown",
        existing_wind=wind,
        landmark=props.get("landmark"),
        nature_protection=props.get("nature_protection"),
        access=props.get("access"),
        constraints=props.get("constraints"),
        housing_distance_m=_float(props.get("housing_distance_m")),
        sources=props.get("sources") or "",
        properties=dict(props),
        footprint_area_ha=fp_area,
        area_source=area_source,
    )


def _check(path) -> _Checker:
    checker = _Checker(Path(path))
    checker.run()
    return checker


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
    checker = _check(path)
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
    (warning); near-miss property names (warning).
    """
    return _check(path).problems


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
    checker = _check(path)
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


def heap_record(heap: Heap) -> dict:
    """Flat dict of a heap (for ``heaps list/show`` and exports).

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
    geometry_type = (
        heap.footprint.geom_type
        if heap.footprint is not None
        else "Point"
        if heap.lat is not None
        else None
    )
    rec: dict[str, Any] = {}
    for key in PROPERTY_ORDER:
        if key == "point_kind":
            rec.update(
                lat=heap.lat,
                lon=heap.lon,
                geometry_type=geometry_type,
                footprint_area_ha=heap.footprint_area_ha,
            )
        rec[key] = heap.properties.get(key)
        if key == "area_ha" and heap.area_source == "footprint":
            rec["area_ha"] = heap.area_ha
        if key == "area_ha":
            rec["area_source"] = heap.area_source
    rec["id"], rec["name"] = heap.id, heap.name
    for key, v in heap.properties.items():
        rec.setdefault(key, v)
    return rec


def heaps_to_geodataframe(heaps: list[Heap]):
    """The heaps as a GeoDataFrame in WGS84 (EPSG:4326), one row per heap in input order.

    Parameters
    ----------
    heaps : list of Heap

    Notes
    -----
    Columns: ``heap_id`` and the :func:`heap_record` fields (``id`` renamed ``heap_id``);
    geometry is the footprint where there is one, else the Point, else None.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    import geopandas as gpd

    records, geoms = [], []
    for h in heaps:
        rec = heap_record(h)
        rec["heap_id"] = rec.pop("id")
        records.append(rec)
        geoms.append(
            h.footprint
            if h.footprint is not None
            else Point(h.lon, h.lat)
            if h.lat is not None
            else None
        )
    cols = ["heap_id"] + [c for c in (records[0] if records else {}) if c != "heap_id"]
    gdf = gpd.GeoDataFrame(records, columns=cols or None, geometry=geoms, crs="EPSG:4326")
    return gdf


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
