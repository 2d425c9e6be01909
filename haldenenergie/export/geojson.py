"""The GIS export: GeoJSON (RFC 7946, WGS84 lon/lat), one Point feature per heap.

The GeoJSON is for GIS, not for reading: its properties keep the full precision of
``results.csv`` and the language-independent column names; no display rule of the label table
(rounding, per cent, steps) is applied. Committees read the CSV, XLSX and the report. It is
written by the one vector writer of the tool (:func:`haldenenergie.results.gis.write_vector`),
as ``results.geojson`` and ``results.gpkg`` are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..geo import WGS84_CRS
from ..results import RunFolder
from ..results.gis import geojson_text as _geojson_text
from ..results.gis import points_frame, write_vector
from .tables import in_rank_order, require_ranked


def _points(results: pd.DataFrame):
    """The heaps in rank order as WGS84 points (id = heap_id; null geometry without lat/lon)."""
    return points_frame(in_rank_order(results).reset_index(drop=True), WGS84_CRS)


def geojson_dict(results: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection: Point (lon, lat) per heap, all columns as properties.

    Heaps without finite coordinates get a ``null`` geometry; property names are the column
    names (language-independent).
    """
    return json.loads(geojson_text(results))


def geojson_text(results: pd.DataFrame) -> str:
    """The GeoJSON of :func:`geojson_dict` as strict JSON text (indent 1, final newline)."""
    return _geojson_text(_points(results))


def write_geojson(folder: RunFolder, path: str | Path, overwrite: bool = False, inputs=()) -> Path:
    """Write the heaps with all results as GeoJSON (WGS84, RFC 7946; strict JSON).

    Refuses an existing file unless ``overwrite`` (and a file in ``inputs`` always).
    """
    require_ranked(folder)
    layers = {"heaps": _points(folder.results)}
    return write_vector(path, layers, overwrite=overwrite, inputs=inputs, driver="GeoJSON")
