"""Column names of the terrain stage's tables (the contract with PV, wind, report and export).

``SURFACE_COLUMNS``: one row per usable PV surface class of a heap (``HeapTerrain.surfaces``,
:func:`~haldenenergie.terrain.surfaces_table`). ``HEAP_COLUMNS``: one row per heap
(:func:`~haldenenergie.terrain.terrain_table`, the ``terrain`` CSV).
"""

from __future__ import annotations

#: Reasons an area is excluded from PV, in the order they are applied.
#: The layer reasons (protected areas, landmark buffers, forest patches of at least
#: ``LayersConfig.forest_clearing_max_ha``) come after ``reserved``; see
#: :mod:`~haldenenergie.terrain.constraints`.
EXCLUSION_REASONS: tuple[str, ...] = (
    "reserved",
    "protected",
    "landmark",
    "forest",
    "too_steep",
    "north",
    "small_patch",
)
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
    # forest/open split (NaN without a covering forest layer) [ha]
    "usable_open_area_ha",
    "forest_area_ha",
    "open_area_ha",
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
    "turbine_site_area_gross_ha",
    "plateau_max_inscribed_diameter_m",
    "mean_flank_slope_deg",
    "summit_lat",
    "summit_lon",
    "resolution_m",
    "excluded_reserved_ha",
    "excluded_protected_ha",
    "excluded_landmark_ha",
    "excluded_forest_ha",
    "excluded_too_steep_ha",
    "excluded_north_ha",
    "excluded_small_patch_ha",
    "forest_area_ha",
    "open_area_ha",
    "protected_area_ha",
    "housing_distance_m",
    "housing_distance_source",
    "layers_used",
    "layers_not_assessed",
    "assumed",
    "warnings",
)
