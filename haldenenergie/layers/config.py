"""The ``[layers]`` configuration section: constraint layers (forest, housing, ...) and their rules.

Imports nothing heavy, so that :mod:`haldenenergie.config` can build the section without
geopandas or rasterio.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import param

#: The constraint-layer kinds, in the order they are listed.
KINDS: tuple[str, ...] = (
    "forest",
    "residential",
    "protected",
    "landmark",
    "heap_outline",
    "open_land",
)

_PATH_DOC = (
    "File of this layer kind: OSM .osm/.osm.pbf/Overpass GeoJSON, ATKIS/ALKIS or CORINE "
    "Shapefile/GeoPackage, a Copernicus TCD or ESA WorldCover GeoTIFF, or plain polygons; "
    "'' = none (--layer KIND=PATH on the command line)"
)


@dataclass(frozen=True)
class LayersConfig:
    """Constraint layers and the thresholds that turn them into exclusions."""

    forest: str = param("", source="issue 11: constraint layers as inputs", doc=_PATH_DOC)
    residential: str = param("", source="issue 11: constraint layers as inputs", doc=_PATH_DOC)
    protected: str = param("", source="issue 11: constraint layers as inputs", doc=_PATH_DOC)
    landmark: str = param("", source="issue 11: constraint layers as inputs", doc=_PATH_DOC)
    heap_outline: str = param("", source="issue 11: constraint layers as inputs", doc=_PATH_DOC)
    open_land: str = param("", source="issue 11: constraint layers as inputs", doc=_PATH_DOC)
    dir: str = param(
        "",
        source="issue 11: 'haldenenergie layers fetch-osm' writes a folder of OSM files",
        doc="folder written by 'layers fetch-osm' (its layers.json); '' = none (--layers DIR)",
    )
