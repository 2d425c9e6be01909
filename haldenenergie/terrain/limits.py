"""Plausibility limits of the terrain stage: the ``[terrain]`` parameters of the DEM checks.

Declared here with :func:`haldenenergie.params.param` and used as field defaults of
:class:`~haldenenergie.terrain.config.TerrainConfig` (so that they appear in ``config show``, the
manifest and the report like every other parameter). Like ``config``, this module imports
nothing heavy. The checks themselves are in :mod:`haldenenergie.terrain.plausibility`.
"""

from __future__ import annotations

from ..params import param

#: Highest ground of the Ruhr area [m a.s.l.]: the Wengeberg in Breckerfeld (Ennepe-Ruhr-Kreis, a
#: member of the Regionalverband Ruhr), 442 m above NHN (dpa, 2019: "Die höchste Erhebung des
#: Ruhrgebiets ... der Wengeberg in Breckerfeld mit 442 Metern"); the highest heap summit is Halde
#: Oberscholven, ~202 m.
RUHR_HIGHEST_GROUND_M = 442.0

#: Vertical units a DEM is mistaken in most often: (name, ratio of a height in that unit to the
#: same height in metres, scale that converts back to metres). NRW DGM1 and SRTM give metres;
#: US-style rasters give feet (1 ft = 0.3048 m exactly, international foot 1959); integer
#: rasters often store centimetres.
DEM_UNIT_SUSPECTS: tuple[tuple[str, float, float], ...] = (
    ("centimetres", 100.0, 0.01),
    ("feet", 1 / 0.3048, 0.3048),
)

DEM_ELEVATION_RANGE = param(
    [-20.0, 500.0],
    unit="m",
    min=-500.0,
    max=10000.0,
    source="the Ruhr area's ground lies between ~15 m a.s.l. (Rhine valley near Wesel) and "
    "442 m (Wengeberg, Breckerfeld: the highest point of the RVR area; dpa 2019); rounded "
    "outwards by ~35-60 m for DEM noise (SRTM's absolute vertical error ~6-9 m, Rodriguez "
    "et al. 2006) and heap summits (<= ~202 m, Halde Oberscholven)",
    doc="Elevations a DEM window may hold [low, high] [m a.s.l.]; outside: wrong vertical "
    "unit or undeclared nodata (error).",
)
DEM_VERTICAL_SCALE = param(
    1.0,
    unit="-",
    min=1e-6,
    max=1e6,
    source="NRW DGM1 and SRTM give metres (scale 1); 0.01 converts centimetres, 0.3048 feet "
    "(international foot, 1959)",
    doc="Factor applied to every DEM height to get metres.",
)
DEM_UNIT_RATIO_TOLERANCE = param(
    1.3,
    unit="-",
    min=1.01,
    max=3.0,
    source="assumption: the DEM summit divided by the registry's height_asl_m (or the relative "
    "heights') is a unit mistake when it lies within a factor 1.3 of 100 (cm) or 3.281 "
    "(feet); on the shared SRTM-3 raster of the western Ruhr the summit ratios of all heaps "
    "it serves are 0.44-0.98 (smoothed summits, one misplaced point), far from 2.5",
    doc="Tolerance (factor) around 100 and 3.281 of the DEM/registry height ratio that is "
    "called a unit mistake.",
)
NODATA_FILL_MAX_AREA = param(
    5000.0,
    unit="m2",
    min=0.0,
    max=1e6,
    source="assumption: a nodata hole up to 0.5 ha (~70 m across, 7 cells of 10 m) is bridged "
    "by inverse-distance interpolation from its rim (GDAL FillNodata) with errors of a few "
    "metres at its centre; a larger one may hide a summit, a berm or a flank break",
    doc="Largest single nodata hole in or at a heap's footprint that is filled by "
    "interpolation; a larger one refuses the DEM for that heap.",
)
NODATA_MAX_SHARE = param(
    0.2,
    unit="-",
    min=0.0,
    max=1.0,
    source="assumption: interpolated cells may make up at most a fifth of a heap's footprint; "
    "each hole is at most nodata_fill_max_area_m2 and so surrounded by measured heights. A "
    "10 m XYZ grid missing 10 % of its points at random leaves ~11 % of the cells of a "
    "synthetic 19 ha heap empty; filled, its PV area is within 0.1 % of the complete grid's "
    "(unfilled: -65 %)",
    doc="Largest share of a heap's footprint filled by interpolation; more refuses the DEM "
    "for that heap.",
)
MAX_FLANK_SLOPE = param(
    40.0,
    unit="deg",
    min=10.0,
    max=90.0,
    source="angle of repose of loosely dumped coarse mine spoil 34-40 deg (observed at "
    "Colorado coal mines, Colowyo Mine excess-spoil investigation, Colorado DRMS permit "
    "C1981019; the Canadian Pit Slope Manual, CANMET 1977, gives friction angles of shale "
    "and sandstone spoil of 34-45 deg): a heap's mean flank cannot stand steeper",
    doc="Mean flank slope above which a heap's terrain is flagged as implausible (warning).",
)
