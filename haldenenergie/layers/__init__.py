"""Constraint layers: forest, housing, protected areas, landmarks, heap outlines, open land.

Read as published (OpenStreetMap, NRW ATKIS Basis-DLM / ALKIS, CORINE Land Cover, Copernicus
HRL Tree Cover Density, ESA WorldCover, plain polygons) with schema mappings shipped as data
(``haldenenergie/data/layer_schemas.toml``); all geometry in EPSG:25832. Importing this package
imports nothing heavy: geopandas, rasterio and shapely are imported when a layer is read.
"""

from .config import KINDS, LayersConfig
from .errors import LayerError
from .load import FETCH_FORMAT, FETCH_MANIFEST, load_layers, read_fetch_folder, read_layer
from .model import EXTENT_MARGIN_M, Layer, LayerSet

__all__ = [
    "EXTENT_MARGIN_M",
    "FETCH_FORMAT",
    "FETCH_MANIFEST",
    "KINDS",
    "Layer",
    "LayerError",
    "LayerSet",
    "LayersConfig",
    "load_layers",
    "read_fetch_folder",
    "read_layer",
]
