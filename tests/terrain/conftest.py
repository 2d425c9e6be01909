"""Shared helpers of the terrain tests, as fixtures (test files cannot import each other)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from rasterio.transform import from_origin

#: Lower-left corner of NRW tile dgm1_32_372_5714_1_nw [m, EPSG:25832].
TILE_E, TILE_N = 372000.0, 5714000.0


@dataclass(frozen=True)
class StubHeap:
    """Stand-in with the attributes the terrain stage reads from haldenenergie.registry.Heap."""

    id: str
    lat: float | None = None
    lon: float | None = None
    footprint: object = None
    area_ha: float | None = None
    height_rel_m: float | None = None
    height_asl_m: float | None = None
    form: str = "unknown"


@pytest.fixture(scope="session")
def stub_heap():
    """The StubHeap class: ``stub_heap("id", lat, lon, area_ha=..., form=...)``."""
    return StubHeap


@pytest.fixture(scope="session")
def haniel():
    """Halde Haniel as the registry gives it (point, area, height, form)."""
    return StubHeap("haniel", 51.5504, 6.87577, area_ha=110.0, height_rel_m=159.0, form="cone")


@pytest.fixture(scope="session")
def to_utm():
    return Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)


@pytest.fixture(scope="session")
def to_wgs():
    return Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="session")
def registry(root_dir) -> Path:
    """The registry at the top of the checkout."""
    return root_dir / "heaps.geojson"


@pytest.fixture(scope="session")
def registry_heaps(registry):
    if not registry.exists():
        pytest.skip("heaps.geojson not yet present")
    from haldenenergie.registry import read_registry

    return read_registry(registry)


def plane(n, res, slope_deg, aspect_deg):
    """Plane falling with ``slope_deg`` towards ``aspect_deg`` (row 0 north)."""
    x = np.arange(n) * res
    y = -np.arange(n) * res
    X, Y = np.meshgrid(x, y)
    a = math.radians(aspect_deg)
    return -math.tan(math.radians(slope_deg)) * (X * math.sin(a) + Y * math.cos(a))


def cone(n, res, radius_m, slope_deg):
    """Cone of ``radius_m`` and ``slope_deg`` centred on an ``n x n`` grid: (z, distance r)."""
    c = (np.arange(n) - (n - 1) / 2) * res
    X, Y = np.meshgrid(c, -c)
    r = np.hypot(X, Y)
    H = radius_m * math.tan(math.radians(slope_deg))
    return np.clip(H - r * math.tan(math.radians(slope_deg)), 0, None), r


@pytest.fixture(scope="session")
def make_plane():
    return plane


@pytest.fixture(scope="session")
def make_cone():
    return cone


def synthetic_dem(res=2.0, n=500):
    """Table heap on a 2 m grid: plateau r < 120 m, flank of 22 deg down to r = 250 m, base 40 m.

    Returns (z, (cx, cy) centre [m, EPSG:25832], H relative height [m]); the grid's lower-left
    corner is (TILE_E, TILE_N).
    """
    c = (np.arange(n) + 0.5) * res
    X, Y = np.meshgrid(TILE_E + c, TILE_N + n * res - c)
    cx, cy = TILE_E + 500.0, TILE_N + 500.0
    r = np.hypot(X - cx, Y - cy)
    H = 130.0 * math.tan(math.radians(22.0))
    z = 40.0 + np.clip(np.minimum(H, (250.0 - r) * math.tan(math.radians(22.0))), 0, None)
    return z, (cx, cy), H


@pytest.fixture(scope="session")
def make_synthetic_dem():
    return synthetic_dem


def write_tif(path, z, crs="EPSG:25832", left=372000.0, top=5716000.0, res=10.0, nodata=-9999.0):
    """Write ``z`` as a float32 GeoTIFF (``crs=None``: without CRS); returns ``path``."""
    profile = {
        "driver": "GTiff",
        "width": z.shape[1],
        "height": z.shape[0],
        "count": 1,
        "dtype": "float32",
        "transform": from_origin(left, top, res, res),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z.astype("float32"), 1)
    return path


@pytest.fixture(scope="session")
def make_tif():
    return write_tif


@pytest.fixture()
def synthetic_tif(tmp_path, to_wgs):
    """The synthetic table heap of synthetic_dem as a GeoTIFF; returns (path, heap)."""
    z, (cx, cy), _ = synthetic_dem(2.0)
    tif = write_tif(tmp_path / "heap.tif", z, left=TILE_E, top=TILE_N + 1000.0, res=2.0)
    lon, lat = to_wgs.transform(cx + 30.0, cy - 20.0)
    return tif, StubHeap("synthetic", lat, lon)


@pytest.fixture()
def bad_dems(tmp_path, haniel, to_utm):
    """GeoTIFFs that miss Haniel, hold only nodata around it, or have no CRS."""
    x, y = to_utm.transform(haniel.lon, haniel.lat)
    z = np.full((200, 200), 50.0)
    return {
        "elsewhere": write_tif(tmp_path / "elsewhere.tif", z, left=300000.0, top=5600000.0),
        "nodata": write_tif(
            tmp_path / "nodata.tif", np.full((400, 400), -9999.0), left=x - 2000, top=y + 2000
        ),
        "nocrs": write_tif(tmp_path / "nocrs.tif", z, crs=None, left=x - 1000, top=y + 1000),
    }
