"""The GIS export: GeoJSON (RFC 7946, WGS84 lon/lat), one Point feature per heap.

The GeoJSON is for GIS, not for reading: its properties keep the full precision of
``results.csv`` and the language-independent column names; no display rule of the label table
(rounding, per cent, steps) is applied. Committees read the CSV, XLSX and the report.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from .. import _io
from ..results import RunFolder
from .tables import in_rank_order, plain, require_ranked


def geojson_dict(results: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection: Point (lon, lat) per heap, all columns as properties.

    Heaps without finite coordinates get a ``null`` geometry; property names are the column
    names (language-independent).
    """
    df = in_rank_order(results)
    feats = []
    for rec in df.to_dict("records"):
        props = {k: plain(v) for k, v in rec.items()}
        lat, lon = props.get("lat"), props.get("lon")
        geom = None
        if (
            isinstance(lat, (int, float))
            and isinstance(lon, (int, float))
            and math.isfinite(lat)
            and math.isfinite(lon)
        ):
            geom = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        feats.append(
            {
                "type": "Feature",
                "id": str(props.get("heap_id")),
                "geometry": geom,
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def geojson_text(results: pd.DataFrame) -> str:
    """The GeoJSON of :func:`geojson_dict` as strict JSON text (indent 1, final newline)."""
    data = _io.strict_json(geojson_dict(results))
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_geojson(folder: RunFolder, path: str | Path, overwrite: bool = False, inputs=()) -> Path:
    """Write the heaps with all results as GeoJSON (WGS84, RFC 7946; strict JSON).

    Refuses an existing file unless ``overwrite`` (and a file in ``inputs`` always).
    """
    require_ranked(folder)
    text = geojson_text(folder.results)
    with _io.atomic_write(path, "w", overwrite=overwrite, inputs=inputs) as fh:
        fh.write(text)
    return Path(path)
