"""The results-folder contract: the only code that writes and reads a run folder.

A run folder (``haldenenergie run --out DIR``, and each ``DIR/runs/<run>/`` of a batch) holds:

``results.csv``      one row per heap (facts, terrain, PV, wind, class, score, rank)
``results.geojson``  the same as GeoJSON (Point geometry where the heap has coordinates)
``results.gpkg``     GeoPackage (EPSG:25832): heaps, footprints, pv_areas, excluded_areas,
                     turbines (:mod:`.gis`, the one vector writer)
``monthly.csv``      heap_id, month, pv_energy_mwh, wind_energy_mwh, total_energy_mwh
``surfaces.csv``     one row per heap and PV surface class (terrain + PV)
``ranking.csv``      the ranking with score parts and rank range
``totals.csv``       totals per class and overall (capacity, energy, households, CO2)
``manifest.json``    inputs with SHA-256, every parameter in effect, package versions, timestamps

:func:`write_run` builds the whole folder in a temporary sibling folder that is renamed into place
only when everything succeeded, so an interrupted run never leaves half-written files.
:func:`write_rank_outputs` (``haldenenergie rank``) replaces ``results.csv``, ``ranking.csv``,
``totals.csv`` and ``manifest.json`` file by file, each atomically. :func:`read_run` reads a folder
back into a :class:`RunFolder`. :func:`register_derived` records an export or report written
into the folder in its manifest (``"derived"``), so that ``run --overwrite`` may replace it.

Submodules: :mod:`.folder` (the files, reading, writing), :mod:`.gis` (vector outputs) and
:mod:`.manifest` (building the manifest and reading back what it records). They import only pandas
and numpy at import time (geopandas/pyogrio where a vector file is written); the ranking helpers
of :mod:`haldenenergie.suitability` are imported where a ranking table is written.
"""

from __future__ import annotations

from .folder import (
    INT_COLUMNS,
    MANIFEST,
    MONTHLY,
    RANKING,
    RESULTS,
    RESULTS_GEOJSON,
    RESULTS_GPKG,
    RUN_FILES,
    SURFACES,
    TOTALS,
    RunFolder,
    batch_key,
    check_folder,
    int_if_whole,
    merge_rank_columns,
    read_manifest,
    read_results,
    read_run,
    read_table,
    register_derived,
    results_geojson,
    write_rank_outputs,
    write_run,
)
from .manifest import (
    build_manifest,
    input_records,
    manifest_warnings,
    ranking_manifest_entry,
    registry_from_manifest,
    section_values_from_manifest,
    suitability_values_from_manifest,
)
from .provenance import Provenance, WeatherProvenance, provenance

__all__ = [
    "INT_COLUMNS",
    "MANIFEST",
    "MONTHLY",
    "RANKING",
    "RESULTS",
    "RESULTS_GEOJSON",
    "RESULTS_GPKG",
    "RUN_FILES",
    "SURFACES",
    "TOTALS",
    "Provenance",
    "RunFolder",
    "WeatherProvenance",
    "batch_key",
    "build_manifest",
    "check_folder",
    "input_records",
    "int_if_whole",
    "manifest_warnings",
    "merge_rank_columns",
    "provenance",
    "ranking_manifest_entry",
    "read_manifest",
    "read_results",
    "read_run",
    "read_table",
    "register_derived",
    "registry_from_manifest",
    "results_geojson",
    "section_values_from_manifest",
    "suitability_values_from_manifest",
    "write_rank_outputs",
    "write_run",
]
