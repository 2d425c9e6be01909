"""The registry checker: every problem of a registry file, with feature id and property.

:class:`RegistryChecker` reads a file once, collects :class:`~.model.Problem` records (file,
collection, feature structure, id, the property checks of :mod:`.checks`, the geometry checks of
:mod:`.geometry` and the form checks of :mod:`.form`) and builds a :class:`~.model.Heap` for every
feature without errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ._json import json_type, object_pairs, reject_constant, slugify
from .checks import run_property_checks
from .form import check_form
from .geometry import check_geometry, locate
from .model import AREA_RATIO_WARNING, ID_PATTERN, Heap, Problem, Severity

__all__ = ["RegistryChecker", "check_file"]

#: Marks a file that could not be read or parsed (JSON ``null`` is a document, and a wrong one).
_UNREADABLE = object()

_COLLECTION = '{"type": "FeatureCollection", "features": [...]}'


#: Registry files read through GDAL (GeoPackage, Shapefile, FlatGeobuf); others are GeoJSON.
OGR_REGISTRY_SUFFIXES = (".gpkg", ".shp", ".fgb")


class RegistryChecker:
    """Collects problems of one registry file and builds Heaps for features without errors.

    Parameters
    ----------
    path : Path
        GeoJSON registry file.

    Attributes
    ----------
    problems : list of Problem
        In file order.
    heaps : list of Heap
        The features without error-level problems.
    """

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[Problem] = []
        self.heaps: list[Heap] = []
        self._first_index: dict[str, int] = {}

    def add(
        self,
        fid: str | None,
        prop: str | None,
        message: str,
        severity: Severity = "error",
        index: int | None = None,
    ) -> None:
        """Record one problem."""
        self.problems.append(Problem(fid, prop, message, severity, index))

    @property
    def n_errors(self) -> int:
        """Number of error-level problems so far."""
        return sum(p.severity == "error" for p in self.problems)

    # -- the file ------------------------------------------------------------------------------
    def run(self) -> None:
        """Check the file: document, collection, then every feature."""
        data = self._load()
        if data is _UNREADABLE:
            return
        features = self._collection(data)
        for i, feat in enumerate(features or ()):
            self._feature(i, feat)

    def _load(self):
        """The parsed JSON document, or :data:`_UNREADABLE` (problem recorded) if there is none.

        A leading UTF-8 byte order mark is skipped: RFC 8259 (section 8.1) forbids writing one but
        lets parsers ignore it, and Windows editors (Notepad, Excel exports) add it. A GeoPackage,
        Shapefile or FlatGeobuf registry (as a GIS user keeps it) is read with GDAL, reprojected
        to WGS84 and checked as the same GeoJSON (:meth:`_load_ogr`).
        """
        if self.path.suffix.lower() in OGR_REGISTRY_SUFFIXES:
            return self._load_ogr()
        text = self._read_text()
        if text is None:
            return _UNREADABLE
        if not text.strip():
            self.add(None, "file", f"empty file; write a GeoJSON FeatureCollection {_COLLECTION}")
            return _UNREADABLE
        try:
            return json.loads(text, object_pairs_hook=object_pairs, parse_constant=reject_constant)
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

    def _load_ogr(self):
        """A GeoPackage / Shapefile / FlatGeobuf registry as the parsed GeoJSON of its features."""
        if not self.path.is_file():
            self.add(
                None, "file", "not found; check the path (default: heaps.geojson of the project)"
            )
            return _UNREADABLE
        try:
            import geopandas

            gdf = geopandas.read_file(self.path)
        except Exception as exc:  # noqa: BLE001 - pyogrio/GDAL raise various types
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
            self.add(None, "file", f"cannot read as GeoPackage/Shapefile/FlatGeobuf ({first})")
            return _UNREADABLE
        if gdf.crs is None:
            self.add(None, "crs", "layer has no CRS; define one (a Shapefile needs its .prj)")
            return _UNREADABLE
        try:
            text = gdf.to_crs("EPSG:4326").to_json(drop_id=True, na="null")
        except Exception as exc:  # noqa: BLE001 - pyproj raises various types
            self.add(None, "crs", f"cannot transform to WGS84 ({str(exc).splitlines()[0][:120]})")
            return _UNREADABLE
        return json.loads(text, object_pairs_hook=object_pairs, parse_constant=reject_constant)

    def _read_text(self) -> str | None:
        """The file's text (UTF-8, BOM skipped); None if it cannot be read (problem recorded)."""
        try:
            return self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            self.add(
                None, "file", "not found; check the path (default: heaps.geojson of the project)"
            )
        except UnicodeDecodeError as exc:
            self.add(
                None,
                "file",
                f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as "
                "UTF-8 (RFC 7946 requires it)",
            )
        except OSError as exc:
            self.add(None, "file", f"cannot read ({exc.strerror}); check the path and permissions")
        return None

    def _collection(self, data: Any) -> list | None:
        """The ``features`` of a FeatureCollection (RFC 7946, section 3.3), or None (recorded)."""
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            got = data.get("type") if isinstance(data, dict) else json_type(data)
            hint = (
                'wrap the Feature in {"type": "FeatureCollection", "features": [...]}'
                if got == "Feature"
                else f"the file must be {_COLLECTION}"
            )
            self.add(None, "type", f"not a GeoJSON FeatureCollection (got {got!r}); {hint}")
            return None
        crs = data.get("crs")
        if crs is not None and not _is_wgs84_crs(crs):
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
            return None
        if not features:
            self.add(None, "features", "no features; add one Feature per heap")
            return None
        return features

    # -- one feature ---------------------------------------------------------------------------
    def _feature(self, i: int, feat: Any) -> None:
        """Check feature ``i``; append its Heap if it has no errors."""
        n_before = self.n_errors
        props = self._feature_properties(i, feat)
        if props is None:
            return
        fid = self._feature_id(i, props, feat.get("id"))

        def add(prop: str, message: str, severity: Severity = "error") -> None:
            self.add(fid, prop, message, severity, i)

        run_property_checks(props, add)
        if "geometry" not in feat:
            add(
                "geometry",
                'member missing (RFC 7946 requires it); write "geometry": null if the '
                "position is unknown",
            )
            geom = None
        else:
            geom = check_geometry(feat["geometry"], add)
        if self.n_errors == n_before and fid is not None:
            heap = _heap(fid, props, geom)
            _check_area_ratio(heap, add)
            check_form(heap, add)
            if self.n_errors == n_before:
                self.heaps.append(heap)

    def _feature_properties(self, i: int, feat: Any) -> dict | None:
        """The properties of a GeoJSON Feature, or None if it is none or has none (recorded)."""
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            got = feat.get("type") if isinstance(feat, dict) else json_type(feat)
            self.add(
                None,
                "type",
                f"not a GeoJSON Feature (got {got!r}); each entry of features "
                'must be {"type": "Feature", "geometry": ..., "properties": {...}}',
                index=i,
            )
            return None
        props = feat.get("properties")
        if not isinstance(props, dict):
            fid_member = feat.get("id")
            self.add(
                fid_member if isinstance(fid_member, str) else None,
                "properties",
                'feature without properties; add "properties": {"id": ..., "name": ..., ...}',
                index=i,
            )
            return None
        return props

    def _feature_id(self, i: int, props: dict, fid_member: Any) -> str | None:
        """The feature's id property if it is usable text (problems recorded), else None."""
        fid = props.get("id")
        if fid is None or (isinstance(fid, str) and not fid.strip()):
            self.add(
                None,
                "id",
                'missing or empty; give every heap a unique ASCII slug such as "halde-haniel"',
                index=i,
            )
            return None
        if not isinstance(fid, str):
            self.add(
                None, "id", f"must be text, got {fid!r}; write it as a quoted ASCII slug", index=i
            )
            return None
        if not ID_PATTERN.match(fid):
            self.add(
                fid,
                "id",
                f"{fid!r} is not an ASCII slug (lower-case letters, digits, single "
                f"hyphens); use e.g. {slugify(fid)!r}",
                index=i,
            )
        if fid in self._first_index:
            self.add(
                fid,
                "id",
                f"duplicate id, already used by feature #{self._first_index[fid]}; "
                "give each heap a unique id",
                index=i,
            )
        else:
            self._first_index[fid] = i
        if fid_member is not None and fid_member != fid:
            self.add(
                fid,
                "id",
                f'feature member "id" ({fid_member!r}) differs from property id '
                f"({fid!r}); make them equal or drop the feature member",
                index=i,
            )
        return fid


def _is_wgs84_crs(crs: Any) -> bool:
    """Whether a GeoJSON (2008) ``crs`` member names WGS84 (see ``geo.is_wgs84_crs``).

    Imported here: :mod:`haldenenergie.geo` imports numpy, and a registry without a ``crs``
    member (RFC 7946 has none) never needs it.
    """
    from ..geo import is_wgs84_crs

    return is_wgs84_crs(crs)


def _heap(fid: str, props: dict, geom: Any) -> Heap:
    """The Heap of a feature without errors."""
    lon, lat, footprint, fp_area = locate(geom)
    return Heap.from_properties(
        fid, props, lon=lon, lat=lat, footprint=footprint, footprint_area_ha=fp_area
    )


def _check_area_ratio(heap: Heap, add) -> None:
    """Stated ``area_ha`` within a factor :data:`AREA_RATIO_WARNING` of the footprint's area."""
    if heap.footprint_area_ha and heap.area_source == "registry" and heap.area_ha:
        ratio = heap.footprint_area_ha / heap.area_ha
        if not 1 / AREA_RATIO_WARNING <= ratio <= AREA_RATIO_WARNING:
            add(
                "area_ha",
                f"stated {heap.area_ha:g} ha but the footprint polygon has "
                f"{heap.footprint_area_ha:.1f} ha; check the value or the outline",
                "warning",
            )


def check_file(path: str | Path) -> RegistryChecker:
    """Run the checker on one file.

    Parameters
    ----------
    path : str or Path
        GeoJSON registry file.

    Returns
    -------
    RegistryChecker
        With ``problems`` and ``heaps`` filled in.
    """
    checker = RegistryChecker(Path(path))
    checker.run()
    return checker
