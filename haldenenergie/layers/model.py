"""The constraint layers as read: :class:`Layer` (one file, one kind) and :class:`LayerSet`.

All geometry is shapely 2 in EPSG:25832 (:data:`haldenenergie.geo.METRIC_CRS`). Coverage: a layer
describes only its :attr:`Layer.extent`; a heap outside it is "not assessed" for that kind, never
a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import KINDS

#: Margin [m] around the bounding box of all features of a vector file (without an explicit
#: extent) within which the file is taken to describe the surroundings. Same value and reasoning
#: as :data:`haldenenergie.suitability.housing.LAYER_EXTENT_MARGIN_M`. Assumption: 2 km is over
#: three times the 600 m housing rule (RVR 2022) and beyond the turbine distances that matter.
EXTENT_MARGIN_M = 2000.0


class VectorSource:
    """The features of one kind of a vector file, with a spatial index for bounds queries."""

    def __init__(self, geoms) -> None:
        import numpy as np
        import shapely

        self._geoms = np.asarray(list(geoms), dtype=object)
        self._tree = shapely.STRtree(self._geoms) if len(self._geoms) else None

    def __call__(self, bounds) -> Any:
        """Union of the features that intersect ``bounds`` (whole features, not clipped)."""
        import shapely

        if self._tree is None:
            return shapely.GeometryCollection()
        if bounds is None:
            hits = self._geoms
        else:
            idx = self._tree.query(shapely.box(*bounds), predicate="intersects")
            hits = self._geoms[idx]
        if len(hits) == 0:
            return shapely.GeometryCollection()
        return _union_keep_types(list(hits))


def _union_keep_types(geoms: list) -> Any:
    """Union of areas; points and lines are kept as they are (in a GeometryCollection)."""
    import shapely

    areas = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    others = [g for g in geoms if g.geom_type not in ("Polygon", "MultiPolygon")]
    parts = []
    for g in others:
        parts.extend(shapely.get_parts(g).tolist())
    if areas:
        union = shapely.union_all(areas)
        if not parts:
            return union
        parts = [*shapely.get_parts(union).tolist(), *parts]
    return shapely.GeometryCollection(parts) if len(parts) != 1 else parts[0]


@dataclass(frozen=True)
class Layer:
    """One file read as one constraint-layer kind.

    Attributes
    ----------
    kind : one of :data:`~haldenenergie.layers.config.KINDS`.
    path : the file as given.
    schema : ``osm``, ``atkis``, ``corine``, ``tcd``, ``worldcover``, ``plain`` (or a user schema).
    n_features : features of this kind (rasters: sampled cells of this kind).
    sha256 : hash of the file.
    extent : shapely Polygon in EPSG:25832, the area this layer describes.
    """

    kind: str
    path: str
    schema: str
    n_features: int
    sha256: str
    extent: Any
    _source: Callable[[Any], Any] = field(repr=False, compare=False, default=None)

    def geometry(self, bounds: tuple[float, float, float, float] | None = None) -> Any:
        """Union of this kind's features that intersect ``bounds`` [m, EPSG:25832].

        Parameters
        ----------
        bounds : (minx, miny, maxx, maxy) in EPSG:25832 [m], or None for all features.

        Returns
        -------
        shapely geometry
            Whole features (not clipped to ``bounds``; rasters: the cells of the window read);
            points and lines as they are; an empty GeometryCollection if none.
        """
        import shapely

        if self._source is None:
            return shapely.GeometryCollection()
        return self._source(bounds)

    def record(self) -> dict:
        """The manifest.json record of the layer: kind, path, schema, sha256, n_features."""
        return {
            "kind": self.kind,
            "path": self.path,
            "schema": self.schema,
            "sha256": self.sha256,
            "n_features": int(self.n_features),
        }


class LayerSet:
    """The constraint layers of a run, by kind.

    Parameters
    ----------
    layers : iterable of Layer
        In the order they were given; several layers of one kind are combined (union).
    """

    def __init__(self, layers=()) -> None:
        self._layers: list[Layer] = list(layers)

    @property
    def layers(self) -> tuple[Layer, ...]:
        """All layers, in the order given."""
        return tuple(self._layers)

    def of(self, kind: str) -> list[Layer]:
        """The layers of one kind."""
        return [la for la in self._layers if la.kind == kind]

    def kinds(self) -> tuple[str, ...]:
        """Kinds with at least one layer, in :data:`KINDS` order."""
        return tuple(k for k in KINDS if self.of(k))

    def has(self, kind: str) -> bool:
        """Whether at least one layer of ``kind`` was given."""
        return bool(self.of(kind))

    def covers(self, kind: str, geom) -> bool:
        """True if the extent of at least one layer of ``kind`` contains ``geom`` entirely.

        Parameters
        ----------
        kind : a layer kind.
        geom : shapely geometry in EPSG:25832 [m] (e.g. a heap footprint plus its buffer).
        """
        return any(la.extent.covers(geom) for la in self.of(kind))

    def geometry(self, kind: str, bounds) -> Any | None:
        """Union over the kind's layers of their features within ``bounds``; None if no layer."""
        layers = self.of(kind)
        if not layers:
            return None
        geoms = [la.geometry(bounds) for la in layers]
        geoms = [g for g in geoms if not g.is_empty]
        if not geoms:
            import shapely

            return shapely.GeometryCollection()
        return geoms[0] if len(geoms) == 1 else _union_keep_types(_flatten(geoms))

    def source(self, kind: str) -> str:
        """The files of a kind with their schemas, e.g. ``"forest.gpkg (atkis)"``; '' if none."""
        return "; ".join(f"{Path(la.path).name} ({la.schema})" for la in self.of(kind))

    def records(self) -> list[dict]:
        """One dict per layer for manifest.json ``"layers"``."""
        return [la.record() for la in self._layers]

    def __bool__(self) -> bool:
        return bool(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __repr__(self) -> str:
        return f"LayerSet({', '.join(f'{la.kind}={la.path}' for la in self._layers)})"


def _flatten(geoms: list) -> list:
    import shapely

    out = []
    for g in geoms:
        if g.geom_type == "GeometryCollection":
            out.extend(shapely.get_parts(g).tolist())
        else:
            out.append(g)
    return out
