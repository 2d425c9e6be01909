"""Fixtures of the registry tests: the shipped registry, the fact table, metric test squares."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def registry_path() -> Path:
    """The checkout's top-level heaps.geojson."""
    return ROOT / "heaps.geojson"


@pytest.fixture(scope="module")
def fact_rows(shared_dir):
    with open(shared_dir / "data" / "heaps" / "heap_facts.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def shipped(registry_path):
    return json.loads(registry_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def square_wgs84():
    """``square(cx_m, cy_m, side_m)``: a ring of known area built in EPSG:25832, in WGS84."""
    tr = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)

    def _square(cx_m, cy_m, side_m):
        sq = box(cx_m - side_m / 2, cy_m - side_m / 2, cx_m + side_m / 2, cy_m + side_m / 2)
        xs, ys = sq.exterior.coords.xy
        lon, lat = tr.transform(np.asarray(xs), np.asarray(ys))
        return [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]

    return _square
