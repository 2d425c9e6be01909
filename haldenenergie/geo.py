"""Coordinates: the metric CRS of all terrain work and the one WGS84 <-> EPSG:25832 transformer.

All terrain and distance work happens in ETRS89 / UTM zone 32N (EPSG:25832), the CRS in which the
state of North Rhine-Westphalia publishes its official geodata (Geobasis NRW: DGM1, ATKIS
Basis-DLM, ALKIS; https://www.bezreg-koeln.nrw.de/geobasis-nrw). Registry points and GeoJSON
outputs are in WGS84 lon/lat (EPSG:4326, RFC 7946).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import numpy as np

#: Metric CRS of all terrain work: ETRS89 / UTM zone 32N, the CRS of NRW's official geodata.
METRIC_CRS = "EPSG:25832"
#: Geographic CRS of the registry and of GeoJSON (RFC 7946).
WGS84_CRS = "EPSG:4326"


@functools.lru_cache(maxsize=2)
def wgs84_transformer(inverse: bool = False):
    """Cached pyproj transformer WGS84 lon/lat -> EPSG:25832 (``inverse``: the other way)."""
    from pyproj import Transformer

    if inverse:
        return Transformer.from_crs(METRIC_CRS, WGS84_CRS, always_xy=True)
    return Transformer.from_crs(WGS84_CRS, METRIC_CRS, always_xy=True)


def to_metric(geom):
    """A shapely geometry in WGS84 lon/lat, reprojected to EPSG:25832 [m]."""
    import shapely

    tr = wgs84_transformer()
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def is_wgs84_crs(crs: Any) -> bool:
    """Whether a GeoJSON (2008) ``crs`` member names WGS84 (EPSG:4326 or OGC CRS84)."""
    return re.search(r"4326|CRS84", json.dumps(crs, ensure_ascii=False)) is not None
