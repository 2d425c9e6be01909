"""Terrain stage: from elevation (a DEM, or a synthesised surface) to PV and turbine surfaces.

The elevation comes from a DEM or is synthesised from the heap's facts; one analysis then yields
the surfaces where PV and wind turbines can go.

Modules
-------
config
    :class:`TerrainConfig`, the ``[terrain]`` section (imports nothing heavy).
dem, xyz
    Opening DEMs (GeoTIFF/VRT in any CRS, NRW DGM1 XYZ tiles, folders of tiles) and reading a
    heap's window resampled to EPSG:25832.
grid
    Pure array functions: slope/aspect (Horn 1981), sectors, patches, horizon, half-height
    distance (Taylor & Lee 1984), discs.
analysis
    :func:`analyse_grid`: classes, exclusions, surfaces table, turbine sites of one grid.
delineate
    DEM mode: summit, base level and footprint of a heap in a DEM window.
parametric
    Parametric mode: a heap's surface synthesised from area, height and form.
reserved
    Reserved areas (landmarks, art works, reserves) read, buffered and rasterised.
constraints
    Constraint layers (forest, open land, protected, landmark, residential, heap outlines) on
    each heap's grid: PV exclusions, housing distance from the turbine site, outlines.
window
    DEM mode: locating and reading a heap's window, delineating it.
limits, plausibility
    Plausibility limits (``[terrain]`` parameters) and checks of DEM terrain: vertical units,
    nodata holes, flank slopes, DEM vs registry.
stage
    :func:`heap_terrain`, :func:`terrain_for_heaps`, :class:`HeapTerrain` and the tables.

Only :mod:`~haldenenergie.terrain.config` and the column names are imported with the package;
every other name below is imported from its module on first use (PEP 562), so that
``haldenenergie.config`` can build the ``[terrain]`` section without loading numpy, scipy,
pandas or rasterio.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .columns import EXCLUSION_REASONS, HEAP_COLUMNS, SURFACE_COLUMNS
from .config import BUILD_FORMS, TerrainConfig

if TYPE_CHECKING:  # the lazily imported names, for type checkers and IDEs
    from ..registry import FORMS
    from .analysis import analyse_grid
    from .delineate import delineate_heap, footprint_min_rise_auto
    from .dem import DemFileError, DemSource, open_dem
    from .grid import (
        N_HORIZON,
        SECTORS,
        aspect_sector_index,
        disc_opening,
        flank_band_edges,
        half_height_distance,
        horizon_angles,
        horizon_profile,
        in_azimuth_sector,
        max_inscribed_diameter,
        remove_small_patches,
        slope_aspect_horn,
    )
    from .parametric import parametric_facts, synthesize_heap, synthesize_on_outline
    from .plausibility import DemUnitsError, fact_mismatch_warnings
    from .reserved import read_reserved_areas
    from .stage import (
        HeapTerrain,
        heap_terrain,
        surfaces_table,
        terrain_for_heaps,
        terrain_table,
    )
    from .xyz import read_xyz

#: Lazily imported names and the module (relative to this package) that defines each.
_LAZY: dict[str, str] = {
    "FORMS": "..registry",
    "analyse_grid": ".analysis",
    "delineate_heap": ".delineate",
    "footprint_min_rise_auto": ".delineate",
    "DemFileError": ".dem",
    "DemSource": ".dem",
    "open_dem": ".dem",
    "N_HORIZON": ".grid",
    "SECTORS": ".grid",
    "aspect_sector_index": ".grid",
    "disc_opening": ".grid",
    "flank_band_edges": ".grid",
    "half_height_distance": ".grid",
    "horizon_angles": ".grid",
    "horizon_profile": ".grid",
    "in_azimuth_sector": ".grid",
    "max_inscribed_diameter": ".grid",
    "remove_small_patches": ".grid",
    "slope_aspect_horn": ".grid",
    "parametric_facts": ".parametric",
    "synthesize_heap": ".parametric",
    "synthesize_on_outline": ".parametric",
    "read_reserved_areas": ".reserved",
    "HeapTerrain": ".stage",
    "fact_mismatch_warnings": ".plausibility",
    "DemUnitsError": ".plausibility",
    "heap_terrain": ".stage",
    "surfaces_table": ".stage",
    "terrain_for_heaps": ".stage",
    "terrain_table": ".stage",
    "read_xyz": ".xyz",
}


def __getattr__(name: str) -> Any:
    """Import a lazily exported name from its module on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups bypass __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BUILD_FORMS",
    "EXCLUSION_REASONS",
    "FORMS",
    "HEAP_COLUMNS",
    "N_HORIZON",
    "SECTORS",
    "SURFACE_COLUMNS",
    "DemFileError",
    "DemSource",
    "DemUnitsError",
    "HeapTerrain",
    "TerrainConfig",
    "analyse_grid",
    "aspect_sector_index",
    "delineate_heap",
    "disc_opening",
    "fact_mismatch_warnings",
    "flank_band_edges",
    "footprint_min_rise_auto",
    "half_height_distance",
    "heap_terrain",
    "horizon_angles",
    "horizon_profile",
    "in_azimuth_sector",
    "max_inscribed_diameter",
    "open_dem",
    "parametric_facts",
    "read_reserved_areas",
    "read_xyz",
    "remove_small_patches",
    "slope_aspect_horn",
    "surfaces_table",
    "synthesize_heap",
    "synthesize_on_outline",
    "terrain_for_heaps",
    "terrain_table",
]
