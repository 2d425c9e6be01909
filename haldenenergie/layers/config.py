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

    forest: str = param(
        "", source="input path: a constraint layer is the user's data (none shipped)", doc=_PATH_DOC
    )
    residential: str = param(
        "", source="input path: a constraint layer is the user's data (none shipped)", doc=_PATH_DOC
    )
    protected: str = param(
        "", source="input path: a constraint layer is the user's data (none shipped)", doc=_PATH_DOC
    )
    landmark: str = param(
        "", source="input path: a constraint layer is the user's data (none shipped)", doc=_PATH_DOC
    )
    heap_outline: str = param(
        "", source="input path: a constraint layer is the user's data (none shipped)", doc=_PATH_DOC
    )
    open_land: str = param(
        "", source="input path: a constraint layer is the user's data (none shipped)", doc=_PATH_DOC
    )
    dir: str = param(
        "",
        source="input path: the folder 'haldenenergie layers fetch-osm' writes",
        doc="folder written by 'layers fetch-osm' (its layers.json); '' = none (--layers DIR)",
    )
    schemas_path: str = param(
        "",
        source="input path: the schema mappings ship as data (data/layer_schemas.toml) that a user "
        "can extend",
        doc="TOML file whose schema tables extend or override the shipped layer_schemas.toml "
        "(a kind's rule list replaces the shipped one); '' = none",
    )
    tree_cover_threshold_pct: float = param(
        10.0,
        unit="%",
        min=0.0,
        max=100.0,
        source="FAO (2018/2020), Global Forest Resources Assessment 2020, Terms and Definitions "
        "(FRA 2020 Working Paper 188): forest = land > 0.5 ha with trees > 5 m and a canopy "
        "cover > 10 %; the Copernicus HRL Forest Type 2018 applies it as TCD >= 10 % with a "
        "0.5 ha minimum mapping unit",
        doc="Copernicus HRL Tree Cover Density [%] at or above which a raster cell is forest",
    )
    forest_clearing_max_ha: float = param(
        0.5,
        unit="ha",
        min=0.0,
        max=1000.0,
        source="RVR Haldenenergieanalyse 2022: 'keine großflächigen Rodungen' for PV; the size "
        "below which tree cover is no forest at all is FAO FRA 2020 Terms and Definitions "
        "(forest > 0.5 ha), so clearing less than that is not forest clearing",
        doc="a forest patch smaller than this [ha] is not excluded from PV area",
    )
    landmark_buffer_m: float = param(
        30.0,
        unit="m",
        min=0.0,
        max=2000.0,
        source="assumption: keep-clear distance around landmarks/art works (access, views), the "
        "same as [terrain] reserved_buffer_m",
        doc="keep-clear buffer [m] around landmark features (tourism, observatory, heritage)",
    )
