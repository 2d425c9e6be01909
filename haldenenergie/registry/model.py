"""The heap record of the registry: :class:`Heap`, :class:`ExistingWind`, :class:`Problem`.

Also the registry's vocabularies, property lists and plausibility limits, each with its source.
The module itself imports no geometry or data-frame library (shapely only for type hints); the
package ``haldenenergie.registry`` loads shapely for its checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from shapely.geometry import MultiPolygon, Polygon

__all__ = [
    "ACCESS",
    "AREA_RATIO_WARNING",
    "FORMS",
    "HEIGHT_ASL_RANGE_M",
    "ID_PATTERN",
    "INTEGER_PROPERTIES",
    "LARGE_AREA_HA",
    "LARGE_HOUSING_DISTANCE_M",
    "MAX_AREA_HA",
    "HIGH_REPORTED_CAPACITY_FACTOR",
    "MAX_EXISTING_WIND_COUNT",
    "MAX_REPORTED_CAPACITY_FACTOR",
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
    "DERIVED_FIELDS",
    "ExistingWind",
    "Heap",
    "Problem",
    "Severity",
]

# --------------------------------------------------------------------------------------------------
# Vocabularies: the column definitions of the heap fact table the registry is transcribed from
# (compiled from public sources: Wikipedia, the Regionalverband Ruhr (RVR) and halden.ruhr).
# --------------------------------------------------------------------------------------------------

#: Heap forms: cone (Spitzkegelhalde), table (Tafelberg: plateau, terraced flanks), terraced
#: (berms), landscape (Landschaftsbauwerk: several summits, varied flanks), elongated, unknown.
FORMS: tuple[str, ...] = ("cone", "table", "terraced", "landscape", "elongated", "unknown")
#: Nature protection: a reserve (Naturschutzgebiet) on the heap, a reserve at its foot, or a
#: planned one; null = none known.
NATURE_PROTECTION: tuple[str, ...] = ("reserve", "adjacent", "planned")
#: Access: open (public) / closed (mining supervision, still dumped on, or fenced) / unknown.
ACCESS: tuple[str, ...] = ("open", "closed", "unknown")
#: Membership in the 58 heaps of the RVR's regional heap concept (Gesamtregionales Haldenkonzept):
#: confirmed / probable / inferred.
MEMBERSHIP: tuple[str, ...] = ("confirmed", "probable", "inferred")
#: Owners: the RVR heap concept covers the 46 heaps owned by the RVR and 12 RAG heaps passing to
#: the RVR. The fact table qualifies owners in brackets ("RVR (conflict: City of Waltrop)") and says
#: "not stated" where no source names one. Other owners are a warning, not an error: a user may add
#: heaps of other owners on purpose.
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
    "existing_wind_reported_mwh_per_a",
    "existing_wind_reported_source",
    "landmark",
    "nature_protection",
    "access",
    "constraints",
    "housing_distance_m",
    "value_notes",
    "sources",
    "location_hint",
)
#: The existing turbines' own facts (what a MaStR unit record describes; the reported yield and
#: its source are about the heap's operation and stay apart).
EXISTING_TURBINE_PROPERTIES: tuple[str, ...] = tuple(
    p for p in PROPERTY_ORDER if p.startswith("existing_wind_") and "_reported" not in p
)
#: Properties that must be JSON numbers (or null). Units are in the names.
NUMERIC_PROPERTIES: tuple[str, ...] = (
    "area_ha",
    "height_asl_m",
    "height_rel_m",
    "existing_wind_rated_kw",
    "existing_wind_hub_height_m",
    "existing_wind_rotor_diameter_m",
    "existing_wind_reported_mwh_per_a",
    "housing_distance_m",
)
#: Properties that must be whole JSON numbers (or null).
INTEGER_PROPERTIES: tuple[str, ...] = ("existing_wind_count",)
#: Properties that may be text or a number (a year such as 2016, or "2016 (alt. 2014)").
TEXT_OR_NUMBER_PROPERTIES: tuple[str, ...] = ("existing_wind_since",)
#: Required properties (non-empty text).
REQUIRED_PROPERTIES: tuple[str, ...] = ("id", "name")
#: Properties that must be text (or null): all the others.
TEXT_PROPERTIES: tuple[str, ...] = tuple(
    p
    for p in PROPERTY_ORDER
    if p not in NUMERIC_PROPERTIES + INTEGER_PROPERTIES + TEXT_OR_NUMBER_PROPERTIES
)
#: Fields of :meth:`Heap.to_record` that are derived, not registry properties.
DERIVED_FIELDS: tuple[str, ...] = (
    "lat",
    "lon",
    "geometry_type",
    "footprint_area_ha",
    "area_source",
)

#: Heap ids are ASCII slugs (the fact table's "stable identifier"); they appear in file names, CSV
#: rows and on the command line.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# --------------------------------------------------------------------------------------------------
# Plausibility limits (each with its rationale)
# --------------------------------------------------------------------------------------------------

#: Ruhr bounding box (lon_min, lat_min, lon_max, lat_max) [deg, WGS84]. The RVR's area (53
#: municipalities, about 4,440 km²; https://www.rvr.ruhr/daten-digitales/regionalstatistik/) spans
#: from Kreis Wesel in the west (Sonsbeck/Xanten, ~6.3 E) to Hamm in the east (~7.97 E) and from
#: Haltern am See in the north (~51.82 N) to Breckerfeld in the south (~51.22 N); rounded outwards
#: to 0.1 deg. The 33 located heaps of the fact table lie within 6.57–7.82 E, 51.45–51.71 N.
RUHR_BBOX: tuple[float, float, float, float] = (6.2, 51.2, 8.0, 51.9)
#: Absurd footprint [ha] (error). The largest heap in the fact table is Hoheward, 170 ha (RVR; ~177
#: ha by Wikipedia's per-municipality parts); no Ruhr heap comes near 1,000 ha, so a larger value is
#: a unit mistake (m² or km²).
MAX_AREA_HA = 1000.0
#: Suspiciously large footprint [ha] (warning): well above the largest known heap (Hoheward,
#: 170 ha).
LARGE_AREA_HA = 300.0
#: Largest plausible height above the surroundings [m] (error above). The highest stated value in
#: the fact table is Halde Haniel's 159 m (Wikipedia; other sources ~95–118 m).
MAX_HEIGHT_REL_M = 200.0
#: Plausible summit elevation [m a.s.l.]. The heaps stand on the Rhine/Emscher/Lippe lowlands
#: (ground ~20–150 m a.s.l.) and rise at most ~160 m; the highest summit in the fact table is
#: Halde Scholven, 201.8 m. Outside 0–300 m is a unit or sign mistake (feet, relative height).
HEIGHT_ASL_RANGE_M: tuple[float, float] = (0.0, 300.0)
#: Lowest plausible base elevation = height_asl_m − height_rel_m [m a.s.l.] (warning below). The
#: lowest ground of the Ruhr area is the Rhine valley near Wesel at ~15–20 m a.s.l.; the lowest base
#: implied by the fact table is Pattberg's 21 m.
MIN_BASE_ELEVATION_M = 10.0
#: Footprint polygon area vs. stated area_ha: a ratio beyond this is a warning (wrong polygon or
#: value).
AREA_RATIO_WARNING = 2.0
#: Turbine limits (errors above): the largest onshore turbines built have rotors of ~175 m and hubs
#: of ~180 m (Enercon E-175 EP5, Nordex N175/6.X); the largest turbine of any kind is ~15 MW
#: (Vestas V236-15.0 MW, offshore). Values beyond these limits are unit mistakes (W instead of kW).
MAX_TURBINE_RATED_KW = 20_000.0
MAX_TURBINE_HUB_HEIGHT_M = 250.0
MAX_TURBINE_ROTOR_DIAMETER_M = 250.0
#: Largest plausible number of turbines on/at one heap (error above); the fact table's maximum is 4.
MAX_EXISTING_WIND_COUNT = 50
#: Largest plausible capacity factor of a reported annual yield (error above): German onshore
#: turbines reach ~20-35 % (Fraunhofer IEE Windmonitor; BWE); 1.0 is physically impossible, so a
#: yield above count x rated power x 8760 h is a unit mistake (kWh for MWh).
MAX_REPORTED_CAPACITY_FACTOR = 1.0
#: Reported capacity factor above which a warning is given: the best inland sites stay below
#: ~45 % (assumption: well above the 20-35 % of German onshore fleets, Fraunhofer IEE Windmonitor).
HIGH_REPORTED_CAPACITY_FACTOR = 0.45
#: Largest plausible distance to housing [m] (warning above): no point of the densely settled Ruhr
#: area is more than a few km from houses.
LARGE_HOUSING_DISTANCE_M = 5000.0

Severity = Literal["error", "warning"]


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


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
        ``turbine_type`` in windpowerlib's library (e.g. ``"E-101/3050"``), where the model is
        there.
    rated_kw : float or None
        Rated power of one turbine [kW].
    hub_height_m : float or None
        Hub height [m] above the turbine's base.
    rotor_diameter_m : float or None
        Rotor diameter [m].
    since : str or None
        Year(s) of commissioning as stated.
    reported_mwh_per_a : float or None
        Reported annual yield of ALL the heap's existing turbines together [MWh a-1] (operator
        reports, press releases); the wind stage's calibration compares its model with it.
    reported_source : str or None
        Where ``reported_mwh_per_a`` comes from (URLs).
    """

    count: int = 0
    model: str | None = None
    windpowerlib_type: str | None = None
    rated_kw: float | None = None
    hub_height_m: float | None = None
    rotor_diameter_m: float | None = None
    since: str | None = None
    reported_mwh_per_a: float | None = None
    reported_source: str | None = None

    @classmethod
    def from_properties(cls, props: dict) -> ExistingWind:
        """The ``existing_wind_*`` properties of a validated feature as an :class:`ExistingWind`.

        Parameters
        ----------
        props : dict
            Feature properties (count [-], rated power [kW], hub height and rotor diameter [m]).

        Returns
        -------
        ExistingWind
        """
        since = props.get("existing_wind_since")
        count = props.get("existing_wind_count")
        return cls(
            count=int(count) if count is not None else 0,
            model=props.get("existing_wind_model"),
            windpowerlib_type=props.get("existing_wind_windpowerlib_type"),
            rated_kw=_float(props.get("existing_wind_rated_kw")),
            hub_height_m=_float(props.get("existing_wind_hub_height_m")),
            rotor_diameter_m=_float(props.get("existing_wind_rotor_diameter_m")),
            since=None if since is None else str(since),
            reported_mwh_per_a=_float(props.get("existing_wind_reported_mwh_per_a")),
            reported_source=props.get("existing_wind_reported_source"),
        )


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

    @classmethod
    def from_properties(
        cls,
        fid: str,
        props: dict,
        *,
        lon: float | None = None,
        lat: float | None = None,
        footprint: Polygon | MultiPolygon | None = None,
        footprint_area_ha: float | None = None,
    ) -> Heap:
        """A heap from the properties of a validated feature and its located geometry.

        Parameters
        ----------
        fid : str
            The heap id.
        props : dict
            Feature properties (units in the names).
        lon, lat : float or None
            Point of the heap [deg, WGS84].
        footprint : shapely Polygon or MultiPolygon or None
            Outline (2-D, WGS84 lon/lat).
        footprint_area_ha : float or None
            Area of ``footprint`` [ha]; used as ``area_ha`` where the property is null.

        Returns
        -------
        Heap
        """
        area = _float(props.get("area_ha"))
        area_source = "registry" if area is not None else None
        if area is None and footprint_area_ha is not None:
            area, area_source = footprint_area_ha, "footprint"
        return cls(
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
            existing_wind=ExistingWind.from_properties(props),
            landmark=props.get("landmark"),
            nature_protection=props.get("nature_protection"),
            access=props.get("access"),
            constraints=props.get("constraints"),
            housing_distance_m=_float(props.get("housing_distance_m")),
            sources=props.get("sources") or "",
            properties=dict(props),
            footprint_area_ha=footprint_area_ha,
            area_source=area_source,
        )

    @property
    def geometry_type(self) -> str | None:
        """``"Polygon"``/``"MultiPolygon"`` (footprint), ``"Point"`` or None (not located)."""
        if self.footprint is not None:
            return self.footprint.geom_type
        return "Point" if self.lat is not None else None

    def to_record(self) -> dict[str, Any]:
        """Flat dict of the heap (for ``heaps list/show`` and exports).

        Returns
        -------
        dict
            Every registry property in :data:`PROPERTY_ORDER`, with ``lat``, ``lon`` [deg, WGS84],
            ``geometry_type`` and ``footprint_area_ha`` [ha] before ``point_kind``, and
            ``area_source`` after ``area_ha`` (``area_ha`` as used, see :attr:`area_source`);
            extra raw properties of the feature follow at the end. None = unknown.
        """
        rec: dict[str, Any] = {}
        for key in PROPERTY_ORDER:
            if key == "point_kind":
                rec.update(
                    lat=self.lat,
                    lon=self.lon,
                    geometry_type=self.geometry_type,
                    footprint_area_ha=self.footprint_area_ha,
                )
            rec[key] = self.properties.get(key)
            if key == "area_ha":
                if self.area_source == "footprint":
                    rec["area_ha"] = self.area_ha
                rec["area_source"] = self.area_source
        rec["id"], rec["name"] = self.id, self.name
        for key, v in self.properties.items():
            rec.setdefault(key, v)
        return rec


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
