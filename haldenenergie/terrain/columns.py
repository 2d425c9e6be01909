"""Column names of the terrain stage's tables (the contract with PV, wind, report and export).

``SURFACE_COLUMNS``: one row per usable PV surface class of a heap (``HeapTerrain.surfaces``,
:func:`~haldenenergie.terrain.surfaces_table`). ``HEAP_COLUMNS``: one row per heap
(:func:`~haldenenergie.terrain.terrain_table`, the ``terrain`` CSV).
"""

from __future__ import annotations

#: Reasons an area is excluded from PV, in the order they are applied.
EXCLUSION_REASONS: tuple[str, ...] = ("reserved", "too_steep", "north", "small_patch")
#: Columns of ``HeapTerrain.surfaces``; ``horizon_deg`` is a list of N_HORIZON angles [deg].
SURFACE_COLUMNS: tuple[str, ...] = (
    "surface_class",
    "kind",
    "tilt_band",
    "azimuth_sector",
    "surface_tilt_deg",
    "surface_azimuth_deg",
    "area_ha",
    "usable_area_ha",
    "horizon_deg",
)
#: Columns of the per-heap table (:func:`terrain_table`).
HEAP_COLUMNS: tuple[str, ...] = (
    "heap_id",
    "terrain_source",
    "footprint_area_ha",
    "summit_elevation_m",
    "base_elevation_m",
    "relative_height_m",
    "plateau_area_ha",
    "pv_usable_area_ha",
    "half_height_distance_m",
    "turbine_site_area_ha",
    "plateau_max_inscribed_diameter_m",
    "mean_flank_slope_deg",
    "summit_lat",
    "summit_lon",
    "resolution_m",
    "excluded_reserved_ha",
    "excluded_too_steep_ha",
    "excluded_north_ha",
    "excluded_small_patch_ha",
    "assumed",
    "warnings",
)
