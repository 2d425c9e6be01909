"""Terrain stage: from elevation (a DEM, or a surface synthesised from the heap's facts) to the
surfaces where PV and wind turbines can go.

Two sources, one analysis:

- **DEM mode** (:func:`heap_terrain` with a :class:`~haldenenergie.dem.DemSource`): a window of
  a few km around the heap is resampled to ETRS89 / UTM 32N (EPSG:25832) at
  ``TerrainConfig.resolution_m``; the heap is delineated as the region connected to its summit that
  rises above the surrounding base level (see :func:`delineate_heap`).
- **Parametric mode** (no DEM, or a DEM that misses the heap in a multi-heap run): the heap's
  surface is synthesised from its facts -- footprint area, relative height, form -- by
  :func:`synthesize_heap`; missing facts fall back to documented defaults and are listed in
  ``HeapTerrain.assumed``.

Both grids then go through :func:`analyse_grid`: slope and aspect by Horn (1981), classes of
plateau / berm / flank (tilt band x aspect sector), exclusions (north-facing, too steep, reserved
areas, contiguous patches < 1,500 m^2), horizon profiles from the heap's own surface, the half-height
distance L (Taylor & Lee 1984) and the area able to host a turbine foundation.

All areas are planimetric (map) areas [ha]. Azimuths are degrees clockwise from north (N=0, E=90).

References
----------
Horn, B. K. P. (1981): Hill shading and the reflectance map. Proc. IEEE 69(1), 14-47.
Taylor, P. A., Lee, R. J. (1984): Simple guidelines for estimating wind speed variations due to
small-scale topographic features. Climatological Bulletin 18(2), 3-32.
RVR (2022): heap energy analysis (criteria: contiguous PV area >= 1,500 m^2, no north slopes),
as summarised in ../shared/docs/DOMAIN.md.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import logging
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import ndimage

from .config import param
from .dem import DemFileError, DemSource, open_dem, to_metric, wgs84_transformer
from .errors import ConfigError, TerrainError
from .heaps import FORMS, is_wgs84_crs

log = logging.getLogger("haldenenergie.terrain")

#: Aspect sectors of 45 deg centred on N, NE, ... (CONVENTIONS.md rule 2: clockwise from north).
SECTORS: tuple[str, ...] = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
#: Forms the parametric model can build ("unknown" is mapped by ``default_form``).
BUILD_FORMS: tuple[str, ...] = FORMS[:-1]
#: Reasons an area is excluded from PV, in the order they are applied.
EXCLUSION_REASONS: tuple[str, ...] = ("reserved", "too_steep", "north", "small_patch")
#: Columns of ``HeapTerrain.surfaces`` (CONTRACTS.md).
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
#: Number of horizon azimuths (0, 10, ..., 350 deg; CONTRACTS.md).
N_HORIZON = 36

_FORM_SLOPE_SRC = (
    "DOMAIN.md: terraced heaps roughly 1:2 to 1:3 (18-27 deg), cones 30-37 deg (near the angle of "
    "repose) (assumption); table/elongated as terraced; landscape structures 'gentler, varied "
    "flanks' -> 10-20 deg (assumption)"
)
_FORM_PLATEAU_SRC = (
    "assumption: share of the footprint that is summit plateau. Cones: a summit platform only "
    "(0-3 %); table heaps: large plateau (20-60 %); terraced: plateau plus berms (15-50 %); "
    "landscape structures: several summits, rolling top (10-40 %); elongated: ridge top (15-50 %). "
    "Lower end used when facts leave room, upper end caps it"
)


#: Automatic footprint_min_rise_m (see :func:`footprint_min_rise_auto`): fine DEMs (pixels up to
#: _RISE_FINE_RES_M) use _RISE_FINE_M, coarse ones (from _RISE_COARSE_RES_M) _RISE_COARSE_M.
_RISE_FINE_RES_M, _RISE_FINE_M = 5.0, 0.5
_RISE_COARSE_RES_M, _RISE_COARSE_M = 30.0, 6.0


@dataclass(frozen=True)
class TerrainConfig:
    """Parameters of the terrain stage (fields declared with :func:`haldenenergie.config.param`)."""

    # --- DEM mode ---------------------------------------------------------------------------
    resolution_m: float = param(
        10.0,
        unit="m",
        min=0.5,
        max=100.0,
        source="assumption: 10 m resolves flanks of 20-35 deg and berms of heaps of 5-170 ha with "
        "60-1,500 cells across, and keeps a 4 km window at 400 x 400 cells; NRW DGM1 (1 m) "
        "is averaged to it, the shared SRTM-3 raster (3 arc-seconds) interpolated to it",
        doc="Cell size of the EPSG:25832 grid a DEM is resampled to.",
    )
    window_half_size_m: float = param(
        2000.0,
        unit="m",
        min=200.0,
        max=10000.0,
        source="assumption: the largest heap (Hoheward, 170 ha) spans ~1.5 km; 2 km around the "
        "heap point leaves room for the base-level ring",
        doc="Half the side of the square DEM window read around each heap.",
    )
    summit_search_radius_m: float = param(
        300.0,
        unit="m",
        min=0.0,
        max=3000.0,
        source="assumption: registry points are article/guidebook points, not verified summits "
        "(FACTS.md point_kind); the summit is sought within this radius",
        doc="Radius around the heap point searched for the summit (DEM mode).",
    )
    base_search_radius_m: float = param(
        1500.0,
        unit="m",
        min=100.0,
        max=10000.0,
        source="assumption: a first base level is the base_percentile of the terrain within this "
        "distance of the summit, refined from a ring just outside the delineated heap",
        doc="Radius of the first base-level estimate around the summit (DEM mode).",
    )
    base_percentile: float = param(
        10.0,
        unit="%",
        min=0.0,
        max=50.0,
        source="assumption: a low percentile ignores the heap itself and neighbouring heaps",
        doc="Percentile of the terrain around the summit taken as first base level.",
    )
    base_ring_m: list = param(  # noqa: RUF009 - param() copies list/dict defaults per instance
        [50.0, 250.0],
        unit="m",
        min=0.0,
        max=5000.0,
        source="assumption: the base level is the median elevation of a ring 50-250 m outside "
        "the delineated footprint (DOMAIN.md: footprint = area above the surrounding base "
        "level, connected to the summit)",
        doc="Inner and outer distance of the base-level ring from the footprint edge.",
    )
    footprint_min_rise_m: float = param(
        0.0,
        unit="m",
        min=0.0,
        max=50.0,
        source="0 = auto, by the DEM's native pixel size (footprint_min_rise_auto): "
        f"{_RISE_FINE_M:g} m up to {_RISE_FINE_RES_M:g} m pixels, {_RISE_COARSE_M:g} m from "
        f"{_RISE_COARSE_RES_M:g} m, linear in between; i.e. the DEM's vertical error "
        "(90 % linear error), at least 0.5 m. SRTM: relative vertical error ~6 m "
        "(Rodriguez et al. 2006, SRTM data validation, JPL D-31639), and on the shared "
        "smoothed SRTM-3 raster 3 m let Halde Haniel's footprint leak 300 ha into the "
        "land around it. NRW DGM1 (1 m, airborne laser scanning): height accuracy about "
        "+-0.2 m (Geobasis NRW), so 0.5 m (2.5 x) is clearly above its noise; every metre "
        "of rise cuts rise/tan(slope) off the heap's toe (6 m: -19 % on a 28 ha cone of "
        "11 deg flanks, 0.5 m: -1.6 %)",
        doc="Minimum height above the base level for a cell to belong to the heap (0 = auto).",
    )
    descent_tolerance_m: float = param(
        0.3,
        unit="m",
        min=0.0,
        max=20.0,
        source="assumption: the heap is grown from the summit downhill; a cell may lie at most "
        "this much above its higher neighbour in the heap (stops at saddles towards "
        "neighbouring heaps, tolerates counter-sloped berms)",
        doc="Uphill step tolerated while growing the heap from its summit.",
    )
    max_heap_radius_m: float = param(
        1500.0,
        unit="m",
        min=50.0,
        max=10000.0,
        source="assumption: no Ruhr heap reaches further than ~1 km from its summit (largest "
        "170 ha, DOMAIN.md)",
        doc="Maximum distance from the summit of a heap cell (DEM mode).",
    )
    xyz_crs: str = param(
        "EPSG:25832",
        source="NRW DGM1 XYZ tiles are ETRS89 / UTM 32N (DOMAIN.md, PROVENANCE.md)",
        doc="CRS assumed for ASCII XYZ tiles (they carry none).",
    )
    # --- parametric mode -----------------------------------------------------------------------
    parametric_resolution_m: float = param(
        5.0,
        unit="m",
        min=0.5,
        max=50.0,
        source="assumption: 5 m cells give >= 45 cells across the smallest heaps (4 ha) and "
        "keep the largest below 100,000 cells",
        doc="Cell size of the synthesised parametric surface.",
    )
    parametric_max_cells: int = param(
        40_000,
        unit="cells",
        min=1000,
        max=10_000_000,
        source="assumption: speed (46 heaps in well under 2 s); the cell size grows if exceeded "
        "(Hoheward, 170 ha: 8 m cells, still > 150 cells across)",
        doc="Maximum number of cells of a synthesised grid.",
    )
    default_form: str = param(
        "terraced",
        choices=BUILD_FORMS,
        source="assumption: DOMAIN.md describes table heaps 'with a plateau and terraced flanks' "
        "as the common post-1960s form; used when the registry says 'unknown'",
        doc="Form assumed when the registry's form is unknown.",
    )
    default_area_ha: float = param(
        38.0,
        unit="ha",
        min=0.1,
        max=1000.0,
        source="median of the 37 area_ha values in ../shared/data/heaps/heap_facts.csv",
        doc="Footprint area assumed when unknown.",
    )
    default_height_rel_m: float = param(
        48.5,
        unit="m",
        min=1.0,
        max=300.0,
        source="median of the 38 height_rel_m values in ../shared/data/heaps/heap_facts.csv",
        doc="Relative height assumed when unknown.",
    )
    default_base_elevation_m: float = param(
        48.0,
        unit="m",
        min=-100.0,
        max=1000.0,
        source="median of height_asl_m - height_rel_m over the 33 heaps with both in "
        "../shared/data/heaps/heap_facts.csv",
        doc="Base elevation [m a.s.l.] assumed when height_asl_m is unknown.",
    )
    form_flank_slope_deg: dict = param(  # noqa: RUF009 - param() copies list/dict defaults per instance
        {
            "cone": [30.0, 37.0],
            "table": [18.0, 27.0],
            "terraced": [18.0, 27.0],
            "landscape": [10.0, 20.0],
            "elongated": [18.0, 27.0],
        },
        unit="deg",
        source=_FORM_SLOPE_SRC,
        doc="Flank slope range per form [low, high]; the middle is the target, facts may override.",
    )
    form_plateau_share: dict = param(  # noqa: RUF009 - param() copies list/dict defaults per instance
        {
            "cone": [0.0, 0.03],
            "table": [0.2, 0.6],
            "terraced": [0.15, 0.5],
            "landscape": [0.1, 0.4],
            "elongated": [0.15, 0.5],
        },
        unit="-",
        source=_FORM_PLATEAU_SRC,
        doc="Range of the plateau's share of the footprint area per form [min, max].",
    )
    berm_vertical_spacing_m: float = param(
        15.0,
        unit="m",
        min=2.0,
        max=100.0,
        source="assumption: terraced heaps carry a berm every 10-20 m of height (typical spoil "
        "heap design; e.g. the 'Tafelberg' heaps of the Ruhr); mid value",
        doc="Height between berms of a terraced heap.",
    )
    berm_width_m: float = param(
        10.0,
        unit="m",
        min=0.0,
        max=100.0,
        source="assumption: berms carry maintenance paths 5-15 m wide",
        doc="Width of a berm of a terraced heap (parametric).",
    )
    elongated_axis_ratio: float = param(
        3.0,
        unit="-",
        min=1.0,
        max=10.0,
        source="assumption: 'elongated' heaps of the fact table are ridges ~2-4 times as long "
        "as wide (no figure in the sources)",
        doc="Length/width ratio of an elongated heap.",
    )
    elongated_axis_azimuth_deg: float = param(
        0.0,
        unit="deg",
        min=0.0,
        max=180.0,
        source="assumption: orientation unknown; N-S long axis makes the long flanks face E/W, "
        "conservative for PV",
        doc="Azimuth of the long axis of an elongated heap (0 = N-S).",
    )
    landscape_summits: int = param(
        3,
        unit="-",
        min=1,
        max=8,
        source="DOMAIN.md: landscape structures have several summits; 3 (assumption)",
        doc="Number of summits of a parametric landscape structure.",
    )
    landscape_relief_share: float = param(
        0.25,
        unit="-",
        min=0.0,
        max=0.9,
        source="assumption: the saddles between the summits lie 25 % of the height below them",
        doc="Depth of the saddles between summits as share of the relative height.",
    )
    # --- classification ------------------------------------------------------------------------
    flat_slope_deg: float = param(
        1.0,
        unit="deg",
        min=0.0,
        max=5.0,
        source="DOMAIN.md / CONVENTIONS.md: flat cells (slope < ~1 deg) have no aspect",
        doc="Below this slope the aspect is undefined (NaN).",
    )
    plateau_max_slope_deg: float = param(
        5.0,
        unit="deg",
        min=0.5,
        max=15.0,
        source="assumption: up to ~5 deg fixed south-facing rows are laid out as on flat ground "
        "(common PV land-suitability screening threshold); steeper cells are flanks",
        doc="Cells flatter than this are plateau (top) or berm (lower flat cells).",
    )
    plateau_min_rel_height: float = param(
        0.75,
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: flat cells in the top quarter of the heap form the plateau; lower "
        "flat cells are berms or the foot apron",
        doc="Flat cells above base + this share of the relative height are plateau.",
    )
    tilt_bands_deg: list = param(  # noqa: RUF009 - param() copies list/dict defaults per instance
        [0.0, 5.0, 15.0, 25.0, 35.0],
        unit="deg",
        min=0.0,
        max=90.0,
        source="assumption: 10-deg bands above the plateau threshold; PV yield changes by a few "
        "per cent per 10 deg of tilt (DOMAIN.md: 20-30 deg E/W flanks 80-90 % of optimum)",
        doc="Tilt band edges for flank classes (edges below plateau_max_slope_deg are ignored).",
    )
    max_mounting_slope_deg: float = param(
        35.0,
        unit="deg",
        min=5.0,
        max=60.0,
        source="assumption: rammed-pile ground-mount racks and their installation machines reach "
        "~35 deg at most; cone flanks near the angle of repose (30-37 deg, DOMAIN.md) "
        "are thus partly excluded",
        doc="Cells steeper than this are excluded as too steep for mounting.",
    )
    north_sector_deg: list = param(  # noqa: RUF009 - param() copies list/dict defaults per instance
        [292.5, 67.5],
        unit="deg",
        min=0.0,
        max=360.0,
        source="RVR 2022 (DOMAIN.md): north-facing slopes excluded; 'north' = aspect NW to NE "
        "(292.5-67.5 deg, the sectors NW, N, NE) (assumption)",
        doc="Aspect sector [from, to] clockwise (wrapping through 0) counted as north-facing.",
    )
    north_min_slope_deg: float = param(
        5.0,
        unit="deg",
        min=0.0,
        max=90.0,
        source="assumption: below the plateau threshold (5 deg) orientation hardly matters",
        doc="North-facing cells at least this steep are excluded.",
    )
    min_patch_area_m2: float = param(
        1500.0,
        unit="m2",
        min=0.0,
        max=1e6,
        source="RVR 2022 heap energy analysis (DOMAIN.md): contiguous PV area of at least 1,500 m2",
        doc="Contiguous usable patches smaller than this are excluded.",
    )
    fact_mismatch_factor: float = param(
        2.0,
        unit="-",
        min=1.0,
        max=100.0,
        source="assumption: a DEM-derived relative height or footprint less than half or more "
        "than twice the registry's value points to a wrong registry point, a heap cut by "
        "the DEM's edge or a DEM too coarse for the heap, not to a real difference (the "
        "sources' own alternatives differ by < 2x, FACTS.md value_notes)",
        doc="Warn when DEM relative height or footprint differ from the registry by more than "
        "this factor.",
    )
    reserved_areas_path: str = param(
        "",
        source="user input: GeoJSON polygons (WGS84) of landmarks, art works, reserves; "
        "empty = none",
        doc="GeoJSON file of reserved areas excluded from PV and turbine sites.",
    )
    reserved_buffer_m: float = param(
        30.0,
        unit="m",
        min=0.0,
        max=2000.0,
        source="assumption: keep-clear distance around landmarks/art works (access, views)",
        doc="Buffer around reserved polygons.",
    )
    # --- horizon ---------------------------------------------------------------------------
    horizon_samples_per_class: int = param(
        16,
        unit="cells",
        min=1,
        max=10000,
        source="assumption: 16 cells spread over a class give its mean horizon within ~1 deg",
        doc="Cells sampled per surface class for the horizon profile.",
    )
    horizon_max_distance_m: float = param(
        1500.0,
        unit="m",
        min=10.0,
        max=20000.0,
        source="assumption: beyond 1.5 km a heap (<= 160 m high) subtends < 6 deg",
        doc="Farthest distance marched along a horizon ray.",
    )
    horizon_observer_height_m: float = param(
        1.0,
        unit="m",
        min=0.0,
        max=10.0,
        source="assumption: mid-height of a ground-mounted module table (0.5-2 m)",
        doc="Height of the horizon observer above the ground.",
    )
    # --- turbine sites ---------------------------------------------------------------------
    turbine_site_diameter_m: float = param(
        40.0,
        unit="m",
        min=5.0,
        max=300.0,
        source="assumption: foundation of a 3-5 MW turbine ~20-25 m across plus working space; "
        "a level 40 m disc (crane pad ~40 x 25 m)",
        doc="Diameter of the level disc a turbine foundation and crane pad need.",
    )
    turbine_site_max_slope_deg: float = param(
        10.0,
        unit="deg",
        min=0.0,
        max=45.0,
        source="assumption: up to ~10 deg a pad can be levelled by earthworks",
        doc="Steepest cell counted as turbine site.",
    )
    turbine_site_min_rel_height: float = param(
        0.75,
        unit="-",
        min=0.0,
        max=1.0,
        source="DOMAIN.md: the rotor stands on the summit/plateau; top quarter of the heap "
        "(assumption)",
        doc="Turbine sites lie above base + this share of the relative height.",
    )

    def check(self, origin: str = "config") -> None:
        """Cross-field checks; raise ConfigError naming the key."""
        for key in ("form_flank_slope_deg", "form_plateau_share"):
            d = getattr(self, key)
            hi = 89.0 if key == "form_flank_slope_deg" else 0.95
            for form in BUILD_FORMS:
                v = d.get(form)
                if (
                    not isinstance(v, (list, tuple))
                    or len(v) != 2
                    or not all(isinstance(x, (int, float)) for x in v)
                    or not 0 <= v[0] <= v[1] <= hi
                ):
                    raise ConfigError(
                        f"{origin}: [terrain] {key}.{form} = {v!r} must be [low, high] with "
                        f"0 <= low <= high <= {hi}"
                    )
        if len(self.base_ring_m) != 2 or self.base_ring_m[0] >= self.base_ring_m[1]:
            raise ConfigError(
                f"{origin}: [terrain] base_ring_m = {self.base_ring_m!r} must be "
                "[inner, outer] with inner < outer"
            )
        if len(self.north_sector_deg) != 2:
            raise ConfigError(f"{origin}: [terrain] north_sector_deg must be [from, to]")
        if sorted(self.tilt_bands_deg) != list(self.tilt_bands_deg):
            raise ConfigError(f"{origin}: [terrain] tilt_bands_deg must be increasing")


# ==================================================================================================
# Pure functions
# ==================================================================================================


def slope_aspect_horn(z, dx_m: float, dy_m: float | None = None, flat_slope_deg: float = 1.0):
    """Slope and aspect of a gridded surface by Horn's (1981) 3x3 method.

    Parameters
    ----------
    z : 2-D array of elevation [m]; row 0 is the northern edge, columns run west to east.
    dx_m, dy_m : cell size east-west and north-south [m] (``dy_m`` defaults to ``dx_m``).
    flat_slope_deg : below this slope [deg] the aspect is undefined (NaN).

    Returns
    -------
    slope_deg : slope [deg], NaN on the outer ring of cells and next to NaN elevations.
    aspect_deg : direction the slope faces (downhill), clockwise from north [deg] in [0, 360);
        NaN where the slope is below ``flat_slope_deg`` or undefined.

    Notes
    -----
    With the window ``a b c / d e f / g h i`` (a = north-west):
    dz/dx = ((c + 2f + i) - (a + 2d + g)) / (8 dx), dz/dy (north) = ((a + 2b + c) - (g + 2h + i)) / (8 dy),
    slope = atan(hypot(dz/dx, dz/dy)), aspect = atan2(-dz/dx, -dz/dy) (the downhill direction).

    Examples
    --------
    >>> x = np.arange(5) * 10.0
    >>> z = np.tile(-x * np.tan(np.radians(20)), (5, 1))   # falls to the east
    >>> s, a = slope_aspect_horn(z, 10.0)
    >>> round(float(s[2, 2]), 6), round(float(a[2, 2]), 6)
    (20.0, 90.0)
    """
    z = np.asarray(z, dtype="float64")
    dy_m = dx_m if dy_m is None else dy_m
    slope = np.full(z.shape, np.nan)
    aspect = np.full(z.shape, np.nan)
    if z.shape[0] < 3 or z.shape[1] < 3:
        return slope, aspect
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8.0 * dx_m)
    dzdy = ((a + 2 * b + c) - (g + 2 * h + i)) / (8.0 * dy_m)
    s = np.degrees(np.arctan(np.hypot(dzdx, dzdy)))
    asp = np.degrees(np.arctan2(-dzdx, -dzdy)) % 360.0
    asp = np.where(s < flat_slope_deg, np.nan, asp)
    slope[1:-1, 1:-1] = s
    aspect[1:-1, 1:-1] = asp
    return slope, aspect


def aspect_sector_index(aspect_deg):
    """Index of the 45-deg aspect sector an azimuth falls in.

    Parameters
    ----------
    aspect_deg : array-like
        Aspect [deg] clockwise from north; NaN = flat (no aspect).

    Returns
    -------
    ndarray of int
        0..7 for N, NE, E, SE, S, SW, W, NW (sectors centred on 0, 45, ... deg); -1 for NaN.
    """
    asp = np.asarray(aspect_deg, dtype="float64")
    idx = np.floor(((np.nan_to_num(asp) + 22.5) % 360.0) / 45.0).astype(np.int64)
    return np.where(np.isnan(asp), -1, idx)


def in_azimuth_sector(aspect_deg, start_deg: float, end_deg: float):
    """Whether azimuths lie in a clockwise sector.

    Parameters
    ----------
    aspect_deg : array-like
        Azimuth [deg] clockwise from north (any value; wrapped into [0, 360)). NaN gives False.
    start_deg, end_deg : float
        Sector from ``start_deg`` clockwise to ``end_deg`` [deg], both included; it wraps through
        north when ``start_deg > end_deg`` (e.g. 292.5 to 67.5).

    Returns
    -------
    ndarray of bool
    """
    asp = np.asarray(aspect_deg, dtype="float64")
    bad = (asp < 0) | (asp >= 360.0)  # NaN compares False; avoid % on NaN (slow)
    if bad.any():
        asp = asp.copy()
        asp[bad] = asp[bad] % 360.0
    start, end = start_deg % 360.0, end_deg % 360.0
    if start <= end:
        return (asp >= start) & (asp <= end)
    return (asp >= start) | (asp <= end)


def flank_band_edges(cfg: TerrainConfig) -> list[float]:
    """Edges of the flank tilt bands.

    Parameters
    ----------
    cfg : TerrainConfig
        Uses ``plateau_max_slope_deg``, ``tilt_bands_deg`` and ``max_mounting_slope_deg``.

    Returns
    -------
    list of float
        Band edges [deg]: the plateau threshold, the configured edges between it and the mounting
        limit, and the mounting limit.
    """
    thr, top = cfg.plateau_max_slope_deg, cfg.max_mounting_slope_deg
    edges = [thr] + [e for e in cfg.tilt_bands_deg if thr < e < top]
    edges.append(top)
    return edges


def remove_small_patches(mask, cell_area_m2: float, min_area_m2: float):
    """Drop 8-connected patches of ``mask`` smaller than ``min_area_m2``.

    Parameters
    ----------
    mask : 2-D bool array
        Candidate cells.
    cell_area_m2 : float
        Area of one cell [m2].
    min_area_m2 : float
        Smallest patch kept [m2]; 0 keeps everything.

    Returns
    -------
    kept : bool array, the patches of at least ``min_area_m2``.
    """
    mask = np.asarray(mask, dtype=bool)
    if min_area_m2 <= 0 or not mask.any():
        return mask.copy()
    labels, n = ndimage.label(mask, structure=np.ones((3, 3), dtype=bool))
    sizes = np.bincount(labels.ravel(), minlength=n + 1) * cell_area_m2
    keep = sizes >= min_area_m2
    keep[0] = False
    return keep[labels]


def _ray_steps(res_m: float, max_distance_m: float) -> np.ndarray:
    """Distances [m] along a ray: one cell apart near the start, +10 % per step further out."""
    d, out = res_m, []
    while d <= max_distance_m:
        out.append(d)
        d = max(d + res_m, d * 1.1)
    return np.asarray(out if out else [res_m])


def _round_half_away(x):
    """Round to the nearest integer, exact halves away from zero (x within 1e-9 of a half counts
    as a half, so float noise such as sin(30 deg) = 0.49999999999999994 does not decide)."""
    x = np.round(np.asarray(x, dtype="float64"), 9)
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)


@functools.lru_cache(maxsize=32)
def _ray_offsets(res_m: float, max_distance_m: float, n_azimuth: int):
    """Cell offsets sampled along the horizon rays, the same for every observer cell.

    The ray of azimuth ``a`` samples, at each distance ``d`` of :func:`_ray_steps`, the cell whose
    centre is nearest to the point ``d`` metres away (east = +col, north = -row); where the point
    lies half-way between two cells (e.g. azimuth 30 deg at one cell's distance) the cell farther
    from the observer is taken (:func:`_round_half_away`), which keeps the rays mirror-symmetric
    (a cone gives the same horizon to the east as to the west). Cells a ray hits twice (near the
    start, where steps are shorter than a cell diagonal) are kept once.

    Returns
    -------
    dr, dc : int64 arrays, row and column offsets, grouped by azimuth.
    inv_dist : float64 array, 1 / (true distance of the offset cell centre [m]).
    starts : int64 array (n_azimuth,), index of each azimuth's first offset.
    """
    az = np.radians(np.arange(n_azimuth) * 360.0 / n_azimuth)
    d = _ray_steps(res_m, max_distance_m)
    dc = _round_half_away(np.sin(az)[:, None] * d[None, :] / res_m)
    dr = _round_half_away(-np.cos(az)[:, None] * d[None, :] / res_m)
    # A ray moves outward monotonically, so a repeated cell repeats the previous step's cell.
    first = np.ones(dr.shape, dtype=bool)
    first[:, 1:] = (dr[:, 1:] != dr[:, :-1]) | (dc[:, 1:] != dc[:, :-1])
    keep = first & ((dr != 0) | (dc != 0))
    starts = np.concatenate([[0], np.cumsum(keep.sum(axis=1))[:-1]])
    dr_all, dc_all = dr[keep], dc[keep]  # row-major: grouped by azimuth
    inv_dist = 1.0 / (np.hypot(dr_all, dc_all) * res_m)
    starts = starts.astype(np.int64)
    for arr in (dr_all, dc_all, inv_dist, starts):
        arr.setflags(write=False)  # cached: shared by all callers
    return dr_all, dc_all, inv_dist, starts


#: Largest (observers x ray samples) block gathered at once by :func:`horizon_angles` (memory:
#: ~16 bytes per element, i.e. ~64 MB).
_HORIZON_BLOCK = 4_000_000


def horizon_angles(
    z,
    res_m: float,
    rows,
    cols,
    observer_height_m: float = 1.0,
    max_distance_m: float = 1500.0,
    n_azimuth: int = N_HORIZON,
):
    """Horizon elevation angle [deg] seen from each of some cells of a grid.

    Parameters
    ----------
    z : 2-D elevation [m] (row 0 north), NaN = unknown (ignored).
    res_m : cell size [m].
    rows, cols : int indices of the observer cells.
    observer_height_m : eye height above the ground [m].
    max_distance_m : farthest distance marched [m].
    n_azimuth : number of azimuths 0, 360/n, ... [deg clockwise from north].

    Returns
    -------
    ndarray (n_observers, n_azimuth) : horizon angle [deg], negative angles set to 0 (the sky
        down to the horizontal is open).

    Notes
    -----
    Rays are marched one cell apart near the observer and 10 % further per step beyond ten cells
    (:func:`_ray_steps`), sampling the nearest cell centre (:func:`_ray_offsets`, ties away from
    the observer) and using its true distance; the horizon is the largest elevation angle of the samples. All observers and
    azimuths are done in one vectorised gather: the grid is cut to the observers' bounding box
    plus the ray reach (padded with -inf where that leaves the grid; NaN likewise becomes -inf),
    so a sample is the flat index ``observer + offset``, and the maximum per azimuth is a
    ``np.maximum.reduceat`` over that azimuth's offsets.
    """
    z = np.asarray(z, dtype="float64")
    rows = np.asarray(rows, dtype=np.int64).ravel()
    cols = np.asarray(cols, dtype=np.int64).ravel()
    best = np.full((rows.size, n_azimuth), -np.inf)
    if rows.size == 0:
        return best
    dr, dc, inv_dist, starts = _ray_offsets(float(res_m), float(max_distance_m), int(n_azimuth))
    reach_r, reach_c = int(np.abs(dr).max()), int(np.abs(dc).max())
    r0, r1 = int(rows.min()) - reach_r, int(rows.max()) + reach_r + 1
    c0, c1 = int(cols.min()) - reach_c, int(cols.max()) + reach_c + 1
    ny, nx = z.shape
    box = np.full((r1 - r0, c1 - c0), -np.inf)
    sr0, sr1, sc0, sc1 = max(r0, 0), min(r1, ny), max(c0, 0), min(c1, nx)
    part = z[sr0:sr1, sc0:sc1]
    box[sr0 - r0 : sr1 - r0, sc0 - c0 : sc1 - c0] = np.where(np.isnan(part), -np.inf, part)
    flat = box.ravel()
    width = box.shape[1]
    offset = dr * width + dc
    obs = (rows - r0) * width + (cols - c0)
    z0 = z[rows, cols] + observer_height_m
    step = max(1, _HORIZON_BLOCK // offset.size)
    for i in range(0, rows.size, step):
        zz = flat[obs[i : i + step, None] + offset[None, :]]
        zz -= z0[i : i + step, None]
        zz *= inv_dist[None, :]
        best[i : i + step] = np.maximum.reduceat(zz, starts, axis=1)
    return np.degrees(np.arctan(np.clip(best, 0.0, None)))


def horizon_profile(
    z,
    res_m: float,
    rows,
    cols,
    observer_height_m: float = 1.0,
    max_distance_m: float = 1500.0,
    n_azimuth: int = N_HORIZON,
):
    """Mean horizon elevation angle [deg] seen from some cells of a grid, at ``n_azimuth`` azimuths.

    Parameters
    ----------
    z : 2-D elevation [m] (row 0 north), NaN = unknown (ignored).
    res_m : cell size [m].
    rows, cols : indices of the observer cells.
    observer_height_m : eye height above the ground [m].
    max_distance_m : farthest distance marched [m].
    n_azimuth : number of azimuths 0, 360/n, ... [deg clockwise from north].

    Returns
    -------
    ndarray (n_azimuth,) : horizon angle [deg] averaged over the observers, negative angles set to
        0 (the sky down to the horizontal is open). See :func:`horizon_angles`.
    """
    ang = horizon_angles(z, res_m, rows, cols, observer_height_m, max_distance_m, n_azimuth)
    return ang.mean(axis=0) if len(ang) else np.zeros(n_azimuth)


def half_height_distance(
    z, res_m: float, summit_rc, base_m: float, height_m: float, n_directions: int = 36
) -> float:
    """Mean horizontal distance [m] from the summit to where the elevation falls to base + H/2.

    This is L of Taylor & Lee (1984) for the fractional speed-up dS ~ B H / L. Rays are marched
    outward from ``summit_rc`` in ``n_directions`` directions in half-cell steps; the crossing is
    interpolated linearly. Directions that leave the grid or hit NaN before the crossing are
    ignored; NaN if no direction crosses.

    Parameters
    ----------
    z : 2-D array
        Elevation [m] (row 0 north), NaN = unknown.
    res_m : float
        Cell size [m].
    summit_rc : tuple of int
        (row, col) of the summit.
    base_m : float
        Base elevation [m a.s.l.].
    height_m : float
        Relative height H [m].
    n_directions : int
        Number of rays, evenly spaced from north clockwise.

    Returns
    -------
    float
        L [m], the mean over the rays that cross base + H/2.
    """
    z = np.asarray(z, dtype="float64")
    half = base_m + height_m / 2.0
    az = np.radians(np.arange(n_directions) * 360.0 / n_directions)
    dmax = math.hypot(*z.shape) * res_m
    d = np.arange(0.0, dmax, res_m / 2.0)
    r = summit_rc[0] - np.cos(az)[:, None] * d[None] / res_m
    c = summit_rc[1] + np.sin(az)[:, None] * d[None] / res_m
    ri, ci = np.rint(r).astype(np.int64), np.rint(c).astype(np.int64)
    inside = (ri >= 0) & (ri < z.shape[0]) & (ci >= 0) & (ci < z.shape[1])
    zz = np.where(inside, z[np.clip(ri, 0, z.shape[0] - 1), np.clip(ci, 0, z.shape[1] - 1)], np.nan)
    below = np.nan_to_num(zz, nan=np.inf) <= half
    out = []
    for k in range(n_directions):
        idx = np.flatnonzero(below[k])
        if idx.size == 0 or idx[0] == 0:
            continue
        j = idx[0]
        if np.isnan(zz[k, :j]).any():
            continue
        z1, z2 = zz[k, j - 1], zz[k, j]
        frac = (z1 - half) / (z1 - z2) if z1 != z2 else 0.0
        out.append(d[j - 1] + frac * (d[j] - d[j - 1]))
    return float(np.mean(out)) if out else float("nan")


def max_inscribed_diameter(mask, res_m: float) -> float:
    """Diameter of the largest disc that fits inside a mask (Euclidean distance transform).

    Parameters
    ----------
    mask : 2-D bool array
    res_m : float
        Cell size [m].

    Returns
    -------
    float
        Diameter [m] (to about one cell); 0 for an empty mask.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return 0.0
    edt = ndimage.distance_transform_edt(np.pad(mask[_bbox(mask)], 1))  # same result, less work
    return float(2.0 * edt.max() * res_m - res_m)


def _bbox(mask) -> tuple[slice, slice]:
    """Slices of the bounding box of the True cells of a non-empty 2-D mask."""
    rr = np.flatnonzero(mask.any(axis=1))
    cc = np.flatnonzero(mask.any(axis=0))
    return slice(rr[0], rr[-1] + 1), slice(cc[0], cc[-1] + 1)


def disc_opening(mask, res_m: float, diameter_m: float):
    """Cells of a mask covered by a disc that lies wholly inside the mask (morphological opening).

    Parameters
    ----------
    mask : 2-D bool array
    res_m : float
        Cell size [m].
    diameter_m : float
        Disc diameter [m].

    Returns
    -------
    2-D bool array
    """
    mask = np.asarray(mask, dtype=bool)
    out = np.zeros_like(mask)
    if not mask.any():
        return out
    rad = diameter_m / 2.0 / res_m
    n = math.ceil(rad)
    yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
    disc = (xx**2 + yy**2) <= rad**2
    # Only the mask's bounding box can change (padded by the disc radius, as outside the grid).
    box = _bbox(mask)
    padded = np.pad(mask[box], n + 1)
    opened = ndimage.binary_opening(padded, structure=disc)
    out[box] = opened[n + 1 : -(n + 1), n + 1 : -(n + 1)]
    return out


def _circular_mean_deg(a) -> float:
    a = np.radians(np.asarray(a, dtype="float64"))
    a = a[~np.isnan(a)]
    if a.size == 0:
        return float("nan")
    v = float(np.degrees(np.arctan2(np.sin(a).mean(), np.cos(a).mean())) % 360.0)
    return 0.0 if v > 360.0 - 1e-9 else v  # -1e-15 % 360 gives 360


def analyse_grid(
    z, res_m: float, footprint, base_m: float, cfg: TerrainConfig, reserved=None, summit_rc=None
) -> dict:
    """Classify a heap's surface and derive everything :class:`HeapTerrain` reports.

    Parameters
    ----------
    z : 2-D elevation [m a.s.l.] on a square metric grid (row 0 north), NaN = unknown. May extend
        beyond the heap (neighbours then shade in the horizon profiles).
    res_m : cell size [m].
    footprint : bool array, the heap's cells.
    base_m : base elevation [m a.s.l.].
    cfg : TerrainConfig.
    reserved : bool array of reserved cells (buffer already applied) or None.
    summit_rc : (row, col) of the summit; default: centre of the highest cells.

    Returns
    -------
    dict with keys footprint_area_ha, summit_elevation_m, base_elevation_m, relative_height_m,
    plateau_area_ha, pv_usable_area_ha, turbine_site_area_ha, half_height_distance_m,
    plateau_max_inscribed_diameter_m, mean_flank_slope_deg, summit_rc, surfaces (DataFrame),
    excluded (dict reason -> ha), class_map (int array: -1 none, 0 plateau, 1 berm, 2+ flanks),
    usable (bool array), slope_deg, aspect_deg.
    """
    z = np.asarray(z, dtype="float64")
    foot = np.asarray(footprint, dtype=bool) & np.isfinite(z)
    cell_ha = res_m * res_m / 1e4
    slope, aspect = slope_aspect_horn(z, res_m, res_m, cfg.flat_slope_deg)
    summit = float(np.nanmax(np.where(foot, z, np.nan))) if foot.any() else float("nan")
    height = summit - base_m
    if summit_rc is None:
        summit_rc = _summit_centre(z, foot, summit, height)
    valid = foot & np.isfinite(slope)
    flat = valid & (slope < cfg.plateau_max_slope_deg)
    upper = z >= base_m + cfg.plateau_min_rel_height * height
    plateau = flat & upper
    berm = flat & ~upper
    flank = valid & ~flat
    edges = flank_band_edges(cfg)
    band = np.clip(np.digitize(slope, edges) - 1, 0, len(edges) - 2)
    sector = aspect_sector_index(aspect)
    class_map = np.full(z.shape, -1, dtype=np.int64)
    class_map[plateau] = 0
    class_map[berm] = 1
    class_map[flank] = 2 + band[flank] * 8 + np.clip(sector[flank], 0, 7)

    res_mask = (
        (np.asarray(reserved, dtype=bool) & foot) if reserved is not None else np.zeros_like(foot)
    )
    too_steep = valid & ~res_mask & (slope > cfg.max_mounting_slope_deg)
    north = (
        valid
        & ~res_mask
        & ~too_steep
        & (slope >= cfg.north_min_slope_deg)
        & in_azimuth_sector(aspect, *cfg.north_sector_deg)
    )
    candidate = valid & ~res_mask & ~too_steep & ~north
    usable = remove_small_patches(candidate, res_m * res_m, cfg.min_patch_area_m2)
    small = candidate & ~usable
    excluded = {
        "reserved": res_mask.sum() * cell_ha,
        "too_steep": too_steep.sum() * cell_ha,
        "north": north.sum() * cell_ha,
        "small_patch": small.sum() * cell_ha,
    }

    # Surface classes with usable area. Cells are grouped by class with one stable sort (each
    # class's cells stay in raster order, as np.nonzero would give them).
    rows = []
    labels = np.where(usable, class_map, -1)
    counts = np.bincount(labels[labels >= 0].ravel(), minlength=2 + 8 * (len(edges) - 1))
    gross = np.bincount(class_map[class_map >= 0].ravel(), minlength=counts.size)
    cells = np.flatnonzero(labels >= 0)
    cells = cells[np.argsort(labels.ravel()[cells], kind="stable")]
    bounds = np.concatenate([[0], np.cumsum(counts)])
    classes = np.flatnonzero(counts)
    # Horizon observers: horizon_samples_per_class cells spread over each class (not the top
    # plateau, whose horizon is open by definition), all classes in one vectorised pass.
    n = cfg.horizon_samples_per_class
    picks = {}
    for k in classes:
        if k != 0:
            m = int(counts[k])
            picks[k] = bounds[k] + np.unique(np.linspace(0, m - 1, min(n, m)).round().astype(int))
    if picks:
        obs = cells[np.concatenate(list(picks.values()))]
        ang = horizon_angles(
            z,
            res_m,
            obs // z.shape[1],
            obs % z.shape[1],
            cfg.horizon_observer_height_m,
            cfg.horizon_max_distance_m,
        )
        split = np.cumsum([len(v) for v in picks.values()])[:-1]
        horizons = dict(zip(picks, np.split(ang, split), strict=True))
    slope_f, aspect_f = slope.ravel(), aspect.ravel()
    for k in classes:
        sel = cells[bounds[k] : bounds[k + 1]]
        if k <= 1:
            name = "plateau" if k == 0 else "berm"
            kind, tband, sec, azim = "plateau", f"0-{edges[0]:g}", "flat", 180.0
        else:
            b, s = divmod(k - 2, 8)
            tband = f"{edges[b]:g}-{edges[b + 1]:g}"
            sec, kind = SECTORS[s], "flank"
            name = f"flank_{sec}_{tband}"
            azim = _circular_mean_deg(aspect_f[sel])
        horizon = horizons[k].mean(axis=0) if k != 0 else np.zeros(N_HORIZON)
        rows.append(
            {
                "surface_class": name,
                "kind": kind,
                "tilt_band": tband,
                "azimuth_sector": sec,
                "surface_tilt_deg": float(np.mean(slope_f[sel])),
                "surface_azimuth_deg": azim,
                "area_ha": float(gross[k] * cell_ha),
                "usable_area_ha": float(counts[k] * cell_ha),
                "horizon_deg": [round(float(v), 2) for v in horizon],
            }
        )
    surfaces = pd.DataFrame(rows, columns=list(SURFACE_COLUMNS))

    # Turbine sites: level enough, high enough, not reserved, room for the foundation disc.
    site = (
        foot
        & np.isfinite(slope)
        & (slope <= cfg.turbine_site_max_slope_deg)
        & (z >= base_m + cfg.turbine_site_min_rel_height * height)
        & ~res_mask
    )
    site_area = disc_opening(site, res_m, cfg.turbine_site_diameter_m).sum() * cell_ha
    flank_slopes = slope[flank]
    return {
        "footprint_area_ha": float(foot.sum() * cell_ha),
        "summit_elevation_m": summit,
        "base_elevation_m": float(base_m),
        "relative_height_m": float(height),
        "plateau_area_ha": float(plateau.sum() * cell_ha),
        "pv_usable_area_ha": float(usable.sum() * cell_ha),
        "turbine_site_area_ha": float(site_area),
        "half_height_distance_m": half_height_distance(z, res_m, summit_rc, base_m, height),
        "plateau_max_inscribed_diameter_m": max_inscribed_diameter(plateau, res_m),
        "mean_flank_slope_deg": float(flank_slopes.mean()) if flank_slopes.size else float("nan"),
        "summit_rc": summit_rc,
        "surfaces": surfaces,
        "excluded": {k: float(v) for k, v in excluded.items()},
        "class_map": class_map,
        "usable": usable,
        "slope_deg": slope,
        "aspect_deg": aspect,
    }


def _summit_centre(z, foot, summit, height):
    """(row, col): centroid of the cells within 2 % of H (>= 0.5 m) of the summit if it lies among
    them (a plateau's centre), else the highest cell.

    The tolerance (2 % of H, at least 0.5 m) is an assumption: it gathers a plateau's cells
    (DGM1 noise and gentle plateau slopes stay within it) without reaching down the flanks."""
    tol = max(0.5, 0.02 * height) if np.isfinite(height) else 0.5
    top = foot & (z >= summit - tol)
    rr, cc = np.nonzero(top)
    if rr.size == 0:
        return (z.shape[0] // 2, z.shape[1] // 2)
    r0, c0 = round(rr.mean()), round(cc.mean())
    if top[r0, c0]:
        return (r0, c0)
    k = int(np.nanargmax(np.where(foot, z, -np.inf)))
    return divmod(k, z.shape[1])


# ==================================================================================================
# DEM mode: delineation
# ==================================================================================================


def footprint_min_rise_auto(native_res_m: float) -> float:
    """Automatic minimum rise above the base level [m] for a DEM of the given native pixel size.

    Parameters
    ----------
    native_res_m : float
        Native pixel size of the DEM [m] (before resampling; NaN = unknown, treated as coarse).

    Returns
    -------
    float
        ``_RISE_FINE_M`` (0.5 m) for pixels up to 5 m (NRW DGM1 and other laser-scan DEMs),
        ``_RISE_COARSE_M`` (6 m) from 30 m (SRTM, ~30-90 m), linear in the pixel size in between.

    Notes
    -----
    The threshold must exceed what the DEM shows as relief of the flat surroundings, or the
    footprint leaks into them; but every metre of it cuts the heap's toe short by
    ``rise / tan(toe slope)`` (6 m on an 11 deg cone of 28 ha: -19 % of the footprint). The rule
    takes the DEM's vertical error (90 % linear error) with a floor of 0.5 m: SRTM's relative
    error is ~6 m (Rodriguez et al. 2006), which on the shared smoothed SRTM-3 raster is also the
    lowest value that keeps Halde Haniel's footprint out of the surroundings; NRW DGM1's height
    error is ~0.2 m (Geobasis NRW), so 0.5 m is well above its noise. On a fine DEM, real
    micro-relief connected to the toe (road or rail embankments) is not noise: set
    ``footprint_min_rise_m`` higher or give a footprint polygon if a heap leaks into it.
    """
    if not np.isfinite(native_res_m) or native_res_m >= _RISE_COARSE_RES_M:
        return _RISE_COARSE_M
    if native_res_m <= _RISE_FINE_RES_M:
        return _RISE_FINE_M
    f = (native_res_m - _RISE_FINE_RES_M) / (_RISE_COARSE_RES_M - _RISE_FINE_RES_M)
    return _RISE_FINE_M + f * (_RISE_COARSE_M - _RISE_FINE_M)


def delineate_heap(z, res_m: float, seed_rc, cfg: TerrainConfig, within=None):
    """Find a heap in a DEM window: summit, base level and footprint.

    Parameters
    ----------
    z : 2-D elevation [m] (row 0 north), NaN = nodata.
    res_m : cell size [m].
    seed_rc : (row, col) of the heap's registry point.
    cfg : TerrainConfig (summit_search_radius_m, base_*, footprint_min_rise_m,
        descent_tolerance_m, max_heap_radius_m).
    within : optional bool mask (a registry footprint polygon): summit and footprint stay inside.

    Returns
    -------
    footprint : bool array; summit_rc : (row, col); base_m : float [m a.s.l.].

    Notes
    -----
    1. Summit = highest cell within ``summit_search_radius_m`` of the point (or inside ``within``).
    2. First base level = ``base_percentile`` of the terrain within ``base_search_radius_m``.
    3. The heap is grown from the summit over cells at least ``footprint_min_rise_m`` above the
       base (0 = auto: 6 m here; :func:`heap_terrain` sets it from the DEM's pixel size),
       moving downhill (a cell may be at most ``descent_tolerance_m`` above its highest
       neighbour already in the heap), within ``max_heap_radius_m``.
    4. The base level becomes the median of a ring ``base_ring_m`` outside the footprint; steps 3-4
       are repeated until the base changes by less than 0.5 m (at most 5 times).
    """
    z = np.asarray(z, dtype="float64")
    # 0 = auto; without the DEM's pixel size here, the coarse-DEM value (heap_terrain resolves it).
    rise = cfg.footprint_min_rise_m or _RISE_COARSE_M
    ny, nx = z.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    valid = np.isfinite(z)
    dist_seed = np.hypot(yy - seed_rc[0], xx - seed_rc[1]) * res_m
    search = valid & (dist_seed <= max(cfg.summit_search_radius_m, res_m))
    if within is not None:
        search = (valid & within) if (valid & within).any() else search
    if not search.any():
        raise ValueError("no valid DEM cell near the heap point")
    k = int(np.argmax(np.where(search, z, -np.inf)))
    summit_rc = divmod(k, nx)
    dist = np.hypot(yy - summit_rc[0], xx - summit_rc[1]) * res_m
    near = valid & (dist <= cfg.base_search_radius_m)
    base = float(np.percentile(z[near], cfg.base_percentile))
    allowed_geo = valid & (dist <= cfg.max_heap_radius_m)
    if within is not None:
        allowed_geo &= within
    foot = np.zeros_like(valid)
    for _ in range(5):
        foot = _grow_downhill(
            z, summit_rc, allowed_geo & (z >= base + rise), cfg.descent_tolerance_m
        )
        d_out = ndimage.distance_transform_edt(~foot) * res_m
        ring = valid & ~foot & (d_out > cfg.base_ring_m[0]) & (d_out <= cfg.base_ring_m[1])
        if not ring.any():
            break
        new_base = float(np.median(z[ring]))
        if abs(new_base - base) < 0.5:
            base = new_base
            break
        base = new_base
    foot = _grow_downhill(z, summit_rc, allowed_geo & (z >= base + rise), cfg.descent_tolerance_m)
    return foot, summit_rc, base


def _grow_downhill(z, seed_rc, allowed, tol_m: float):
    """Cells of ``allowed`` reachable from ``seed_rc`` without climbing more than ``tol_m`` per step."""
    region = np.zeros(z.shape, dtype=bool)
    if not allowed[seed_rc]:
        region[seed_rc] = True
        return region
    # Work in the bounding box of the allowed component that holds the seed (speed).
    lab, _ = ndimage.label(allowed, structure=np.ones((3, 3), dtype=bool))
    comp = lab == lab[seed_rc]
    rr, cc = np.nonzero(comp)
    r0, r1, c0, c1 = rr.min(), rr.max() + 1, cc.min(), cc.max() + 1
    zs, al = z[r0:r1, c0:c1], comp[r0:r1, c0:c1]
    reg = np.zeros_like(al)
    reg[seed_rc[0] - r0, seed_rc[1] - c0] = True
    zr = np.where(reg, zs, -np.inf)
    zs_f = np.where(al, zs, np.inf)
    while True:
        nb = ndimage.maximum_filter(zr, size=3, mode="constant", cval=-np.inf)
        new = al & ~reg & (zs_f <= nb + tol_m)
        if not new.any():
            break
        reg |= new
        zr[new] = zs[new]
    region[r0:r1, c0:c1] = reg
    return region


# ==================================================================================================
# Parametric mode: synthesis
# ==================================================================================================


def synthesize_heap(
    area_ha: float, height_m: float, form: str, cfg: TerrainConfig, res_m: float | None = None
) -> dict:
    """Synthesise a heap's surface from its facts on a metric grid.

    Parameters
    ----------
    area_ha : footprint area [ha].
    height_m : relative height [m].
    form : one of ``BUILD_FORMS`` (cone, table, terraced, landscape, elongated).
    cfg : TerrainConfig (form_* parameters, berm_*, elongated_*, landscape_*).
    res_m : cell size [m]; default ``cfg.parametric_resolution_m`` (coarsened to keep the grid
        below ``cfg.parametric_max_cells``).

    Returns
    -------
    dict: z_rel (2-D heights above base [m], row 0 north), res_m, footprint (bool), plateau_share,
    flank_slope_deg (derived), warnings (list of str).

    Notes
    -----
    Facts win over form parameters: the footprint (area) and height are honoured exactly; the form
    sets the plateau share and the target flank slope. The plateau radius is chosen so that the
    flank reaches the target slope (middle of ``form_flank_slope_deg``), clipped to the form's
    ``form_plateau_share`` range; the flank slope then follows from area and height. A warning says
    when it falls outside the form's slope range. Round forms use the equivalent radius
    R = sqrt(A / pi); elongated heaps an ellipse of ``elongated_axis_ratio`` whose short side has
    the target slope; terraced flanks consist of segments separated by ``berm_width_m`` wide berms
    every ``berm_vertical_spacing_m``; landscape structures get ``landscape_summits`` summits on a
    rolling top with saddles ``landscape_relief_share`` x H lower.
    """
    if form not in BUILD_FORMS:
        raise ConfigError(f"form {form!r} unknown; choose one of {', '.join(BUILD_FORMS)}")
    warnings: list[str] = []
    area_m2 = area_ha * 1e4
    R = math.sqrt(area_m2 / math.pi)
    H = float(height_m)
    s_lo, s_hi = cfg.form_flank_slope_deg[form]
    p_lo, p_hi = cfg.form_plateau_share[form]
    s_target = math.radians((s_lo + s_hi) / 2)
    q = cfg.elongated_axis_ratio if form == "elongated" else 1.0
    a_ax, b_ax = R * math.sqrt(q), R / math.sqrt(q)  # semi-axes: long, short
    n_berms = max(math.ceil(H / cfg.berm_vertical_spacing_m) - 1, 0) if form == "terraced" else 0
    berm_run = n_berms * cfg.berm_width_m
    # plateau (normalised radius rho_p) from the target slope on the short side
    rho_p = 1.0 - (H / math.tan(s_target) + berm_run) / b_ax
    rho_p = min(max(rho_p, math.sqrt(p_lo)), math.sqrt(p_hi))
    run = b_ax * (1.0 - rho_p) - berm_run
    if run <= 0.2 * b_ax * (1.0 - rho_p):  # berms would eat the flank: drop them
        n_berms, berm_run = 0, 0.0
        run = b_ax * (1.0 - rho_p)
    flank = math.degrees(math.atan(H / run))
    if not s_lo - 0.5 <= flank <= s_hi + 0.5:
        warnings.append(
            f"parametric flank slope {flank:.1f} deg is outside the {form} range {s_lo:g}-{s_hi:g} "
            f"deg for area {area_ha:g} ha and height {H:g} m (facts kept, slope follows)"
        )
    # Grid
    res = float(res_m if res_m is not None else cfg.parametric_resolution_m)
    half = a_ax * 1.08 + 3 * res
    n = math.ceil(2 * half / res) + 1
    if n * n > cfg.parametric_max_cells:
        res = 2 * half / (math.sqrt(cfg.parametric_max_cells) - 1)
        n = math.ceil(2 * half / res) + 1
    coords = (np.arange(n) - (n - 1) / 2.0) * res
    x = coords[None, :]
    y = -coords[:, None]  # row 0 = north
    th = math.radians(cfg.elongated_axis_azimuth_deg if form == "elongated" else 0.0)
    u = x * math.sin(th) + y * math.cos(th)  # along the long axis (azimuth th)
    v = x * math.cos(th) - y * math.sin(th)
    rho = np.hypot(u / a_ax, v / b_ax)
    # Radial profile (rho -> fraction of H), piecewise linear; berms as flat steps.
    if n_berms:
        seg = run / (n_berms + 1) / b_ax
        wb = cfg.berm_width_m / b_ax
        pts_r, pts_z = [0.0, rho_p], [1.0, 1.0]
        r_cur = rho_p
        for k in range(n_berms + 1):
            r_cur += seg
            pts_r.append(r_cur)
            pts_z.append(1.0 - (k + 1) / (n_berms + 1))
            if k < n_berms:
                r_cur += wb
                pts_r.append(r_cur)
                pts_z.append(pts_z[-1])
        pts_r[-1] = 1.0
    else:
        pts_r, pts_z = [0.0, rho_p, 1.0], [1.0, 1.0, 0.0]
    frac = np.interp(rho, pts_r, pts_z, right=0.0)
    if form == "landscape" and rho_p > 0:
        # Rolling top: summits on a circle at half the plateau radius; the plateau edge height
        # (and so the whole flank) follows the top surface radially.
        scale = np.minimum(1.0, rho_p / np.maximum(rho, 1e-9))
        uu, vv = u * scale, v * scale
        k = cfg.landscape_summits
        ang = 2 * np.pi * np.arange(k) / k
        rc = 0.5 * rho_p * R if k > 1 else 0.0
        sig = 0.35 * rho_p * R
        bump = np.zeros_like(uu)
        for a in ang:
            bump = np.maximum(
                bump,
                np.exp(-((uu - rc * np.sin(a)) ** 2 + (vv - rc * np.cos(a)) ** 2) / (2 * sig**2)),
            )
        top = 1.0 - cfg.landscape_relief_share * (1.0 - bump)
        frac = frac * top
    z_rel = H * frac
    return {
        "z_rel": z_rel,
        "res_m": res,
        "footprint": rho < 1.0,
        "plateau_share": rho_p**2,
        "flank_slope_deg": flank,
        "n_berms": n_berms,
        "warnings": warnings,
    }


# ==================================================================================================
# Heaps
# ==================================================================================================


@dataclass
class HeapTerrain:
    """Terrain description of one heap (CONTRACTS.md).

    Attributes
    ----------
    heap_id : registry id.
    terrain_source : ``"parametric"`` or ``"dem:<file name(s)>"``.
    footprint_area_ha : planimetric area of the heap [ha].
    summit_elevation_m, base_elevation_m : [m a.s.l.].
    relative_height_m : summit minus base [m].
    plateau_area_ha : flat (< plateau_max_slope_deg) cells in the top part of the heap [ha].
    pv_usable_area_ha : area left for PV after all exclusions [ha] (= surfaces.usable_area_ha.sum()).
    turbine_site_area_ha : area where a level turbine_site_diameter_m disc fits [ha].
    half_height_distance_m : L of Taylor & Lee (1984), mean over 36 directions [m].
    plateau_max_inscribed_diameter_m : largest disc fitting into the plateau [m].
    mean_flank_slope_deg : mean slope of the flank cells [deg].
    summit_lat, summit_lon : WGS84 position of the summit [deg] (None if the heap has no position).
    resolution_m : cell size of the analysed grid [m].
    assumed : facts that were assumed, e.g. ``"height_rel_m=48.5 (default: median ...)"``.
    warnings : e.g. why DEM mode fell back to parametric.
    surfaces : one row per usable PV surface class (SURFACE_COLUMNS).
    excluded : area excluded by reason [ha]: reserved, too_steep, north, small_patch.
    """

    heap_id: str
    terrain_source: str
    footprint_area_ha: float
    summit_elevation_m: float
    base_elevation_m: float
    relative_height_m: float
    plateau_area_ha: float
    pv_usable_area_ha: float
    turbine_site_area_ha: float
    half_height_distance_m: float
    plateau_max_inscribed_diameter_m: float = 0.0
    mean_flank_slope_deg: float = float("nan")
    summit_lat: float | None = None
    summit_lon: float | None = None
    resolution_m: float = float("nan")
    assumed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    surfaces: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(SURFACE_COLUMNS))
    )
    excluded: dict = field(default_factory=dict)

    def to_row(self) -> dict:
        """One flat row for CSV output (HEAP_COLUMNS)."""
        row = {
            k: getattr(self, k)
            for k in HEAP_COLUMNS
            if k not in ("assumed", "warnings") and not k.startswith("excluded_")
        }
        for reason in EXCLUSION_REASONS:
            row[f"excluded_{reason}_ha"] = self.excluded.get(reason, 0.0)
        row["assumed"] = "; ".join(self.assumed)
        row["warnings"] = "; ".join(self.warnings)
        return {k: row[k] for k in HEAP_COLUMNS}


@functools.lru_cache(maxsize=8)
def read_reserved_areas(path: str, buffer_m: float):
    """Reserved areas (GeoJSON, WGS84 lon/lat) buffered by ``buffer_m`` [m], in EPSG:25832.

    Parameters
    ----------
    path : GeoJSON file: a FeatureCollection, a Feature or a bare geometry. Polygons and
        MultiPolygons are areas; Points and Lines (e.g. a landmark's position) count through the
        buffer only.
    buffer_m : keep-clear distance around every geometry [m].

    Returns
    -------
    shapely geometry in EPSG:25832.

    Raises
    ------
    TerrainError : file missing/unreadable/not JSON, a non-WGS84 ``crs``, a feature that is not a
        GeoJSON object, an invalid geometry (malformed, self-intersecting, coordinates outside
        lon/lat range), or no geometry at all. One line naming the file and the feature.
    """
    import json

    import shapely
    import shapely.errors
    from shapely.geometry import shape

    def fail(msg):
        raise TerrainError(f"{path}: reserved areas: {msg}")

    try:
        with open(path, encoding="utf-8-sig") as fh:  # a BOM (Windows editors) is tolerated
            data = json.load(fh)
    except FileNotFoundError:
        raise TerrainError(
            f"{path}: reserved-areas file not found; check "
            "[terrain] reserved_areas_path or --reserved"
        ) from None
    except IsADirectoryError:
        raise TerrainError(
            f"{path}: reserved-areas path is a folder; give a GeoJSON file"
        ) from None
    except UnicodeDecodeError as exc:
        raise TerrainError(
            f"{path}: reserved areas: not UTF-8 text ({exc.reason} at byte "
            f"{exc.start}); give a GeoJSON file"
        ) from None
    except (OSError, ValueError, RecursionError) as exc:
        raise TerrainError(
            f"{path}: cannot read reserved areas as GeoJSON ({str(exc) or type(exc).__name__})"
        ) from None
    if not isinstance(data, dict):
        fail("not a GeoJSON object; expected a FeatureCollection of Polygons in WGS84")
    crs = data.get("crs")
    if crs is not None and not is_wgs84_crs(crs):
        fail(
            f"crs {json.dumps(crs)[:80]} is not WGS84; GeoJSON (RFC 7946) needs lon/lat in "
            "WGS84: reproject the file to EPSG:4326"
        )
    if data.get("type") == "FeatureCollection":
        feats = data.get("features")
        if not isinstance(feats, list):
            fail("'features' missing or not a list")
    elif data.get("type") == "Feature":
        feats = [data]
    else:
        feats = [{"type": "Feature", "geometry": data}]
    geoms = []
    for i, f in enumerate(feats):
        if not isinstance(f, dict):
            fail(f"feature {i}: not a GeoJSON Feature object")
        g = f.get("geometry")
        if g is None:
            continue
        if not isinstance(g, dict):
            fail(f"feature {i}: geometry is not a GeoJSON geometry object")
        try:
            geom = shape(g)
        except Exception as exc:  # noqa: BLE001 - shapely raises many types for bad input
            fail(f"feature {i}: invalid geometry ({str(exc) or type(exc).__name__})")
        if geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            fail(
                f"feature {i}: coordinates ({minx:g}, {miny:g}) are not lon/lat degrees "
                "(projected metres?); GeoJSON needs WGS84: reproject the file to EPSG:4326"
            )
        if not geom.is_valid:
            fail(
                f"feature {i}: invalid geometry ({shapely.is_valid_reason(geom)}); fix the "
                "outline, e.g. in QGIS: Vector > Geometry Tools > Fix Geometries"
            )
        geoms.append(geom)
    if not geoms:
        fail("no geometries; expected GeoJSON Polygons (or Points of landmarks) in WGS84")
    try:
        merged = shapely.union_all([to_metric(g) for g in geoms])
        return merged.buffer(buffer_m) if buffer_m > 0 else merged
    except shapely.errors.GEOSException as exc:
        fail(f"geometries cannot be merged ({exc}); fix them, e.g. with QGIS 'Fix Geometries'")


def _rasterize(geom, shape, transform):
    from rasterio.features import geometry_mask

    if geom is None or geom.is_empty:
        return np.zeros(shape, dtype=bool)
    return geometry_mask([geom], out_shape=shape, transform=transform, invert=True)


def _reserved_geom(cfg: TerrainConfig, reserved):
    if reserved is not None:
        return reserved
    if cfg.reserved_areas_path:
        return read_reserved_areas(cfg.reserved_areas_path, cfg.reserved_buffer_m)
    return None


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def parametric_facts(heap, cfg: TerrainConfig) -> tuple[float, float, str, float, list[str]]:
    """The facts the parametric model needs, with documented defaults for missing ones.

    Parameters
    ----------
    heap : Heap
        Uses ``area_ha``, ``height_rel_m``, ``height_asl_m`` and ``form``.
    cfg : TerrainConfig
        ``default_area_ha``, ``default_height_rel_m``, ``default_base_elevation_m``,
        ``default_form``.

    Returns
    -------
    area_ha : float [ha]
    height_rel_m : float [m]
    form : str, one of BUILD_FORMS
    base_elevation_m : float [m a.s.l.], ``height_asl_m - height_rel_m`` if known
    assumed : list of str, one ``"name=value (why)"`` entry per assumed fact
    """
    assumed = []
    area = getattr(heap, "area_ha", None)
    if area is None or not np.isfinite(area) or area <= 0:
        area = cfg.default_area_ha
        assumed.append(f"area_ha={_fmt(area)} (default: median area of the fact table)")
    height = getattr(heap, "height_rel_m", None)
    asl = getattr(heap, "height_asl_m", None)
    if height is None or not np.isfinite(height) or height <= 0:
        height = cfg.default_height_rel_m
        assumed.append(f"height_rel_m={_fmt(height)} (default: median height of the fact table)")
    form = getattr(heap, "form", None) or "unknown"
    if form not in BUILD_FORMS:
        assumed.append(f"form={cfg.default_form} (default for form '{form}')")
        form = cfg.default_form
    if asl is not None and np.isfinite(asl) and asl > height:
        base = float(asl) - float(height)
    else:
        base = cfg.default_base_elevation_m
        assumed.append(f"base_elevation_m={_fmt(base)} (default: median base of the fact table)")
    return float(area), float(height), form, base, assumed


def _heap_xy(heap):
    lat, lon = getattr(heap, "lat", None), getattr(heap, "lon", None)
    if lat is None or lon is None or not (np.isfinite(lat) and np.isfinite(lon)):
        return None
    return wgs84_transformer().transform(lon, lat)


def _parametric(heap, cfg: TerrainConfig, reserved=None, warnings=()) -> HeapTerrain:
    area, height, form, base, assumed = parametric_facts(heap, cfg)
    syn = synthesize_heap(area, height, form, cfg)
    # The synthetic shape itself is an assumption even where every fact is known: list it.
    berms = f", {syn['n_berms']} berm(s)" if syn.get("n_berms") else ""
    shape = (
        f"shape={form}: plateau share {syn['plateau_share']:.2f}, flank slope "
        f"{syn['flank_slope_deg']:.1f} deg{berms} (parametric form parameters, [terrain])"
    )
    assumed = [*assumed, shape]
    z = base + syn["z_rel"]
    res = syn["res_m"]
    warns = list(warnings) + syn["warnings"]
    xy = _heap_xy(heap)
    geom = _reserved_geom(cfg, reserved)
    res_mask = None
    if xy is not None:
        from affine import Affine

        n = z.shape[0]
        tr = Affine(res, 0.0, xy[0] - n * res / 2, 0.0, -res, xy[1] + n * res / 2)
        if geom is not None:
            res_mask = _rasterize(geom, z.shape, tr)
    elif geom is not None:
        warns.append("reserved areas not applied: heap has no position")
    out = analyse_grid(z, res, syn["footprint"], base, cfg, reserved=res_mask)
    lat, lon = getattr(heap, "lat", None), getattr(heap, "lon", None)
    return _make(
        heap.id,
        "parametric",
        out,
        res,
        assumed,
        warns,
        lat if xy is not None else None,
        lon if xy is not None else None,
    )


def _make(heap_id, source, out, res, assumed, warnings, lat, lon) -> HeapTerrain:
    keys = (
        "footprint_area_ha",
        "summit_elevation_m",
        "base_elevation_m",
        "relative_height_m",
        "plateau_area_ha",
        "pv_usable_area_ha",
        "turbine_site_area_ha",
        "half_height_distance_m",
        "plateau_max_inscribed_diameter_m",
        "mean_flank_slope_deg",
    )
    return HeapTerrain(
        heap_id=heap_id,
        terrain_source=source,
        **{k: out[k] for k in keys},
        summit_lat=lat,
        summit_lon=lon,
        resolution_m=float(res),
        assumed=tuple(assumed),
        warnings=tuple(warnings),
        surfaces=out["surfaces"],
        excluded=out["excluded"],
    )


def fact_mismatch_warnings(
    heap, relative_height_m: float, footprint_area_ha: float, factor: float
) -> list[str]:
    """Warnings where DEM-derived figures differ from the registry's by more than ``factor``.

    Parameters
    ----------
    heap : Heap (uses ``height_rel_m`` [m] and ``area_ha`` [ha]; None = not compared).
    relative_height_m, footprint_area_ha : the DEM's figures [m], [ha].
    factor : ratio beyond which a warning is given (>= 1).

    Returns
    -------
    list of str : one plain sentence per mismatch (empty if none).
    """
    out = []
    for label, dem_value, fact, unit in (
        ("relative height", relative_height_m, getattr(heap, "height_rel_m", None), "m"),
        ("footprint", footprint_area_ha, getattr(heap, "area_ha", None), "ha"),
    ):
        if fact is None or not np.isfinite(dem_value) or fact <= 0 or dem_value <= 0:
            continue
        ratio = dem_value / fact
        if ratio < 1 / factor or ratio > factor:
            out.append(
                f"DEM {label} {dem_value:.0f} {unit} vs registry {fact:g} {unit}: check "
                f"the heap's coordinates, the DEM's coverage and resolution, or give a "
                f"footprint polygon"
            )
    return out


def _from_dem(heap, cfg: TerrainConfig, dem: DemSource, reserved=None) -> HeapTerrain:
    footprint_geom = getattr(heap, "footprint", None)
    xy = _heap_xy(heap)
    if xy is None and footprint_geom is None:
        raise TerrainError(
            f"heap {heap.id}: no coordinates or footprint to locate it in DEM "
            f"{dem.label}; add a Point or Polygon geometry to the registry"
        )
    fp_m = None
    half = cfg.window_half_size_m
    if footprint_geom is not None:
        fp_m = to_metric(footprint_geom)
        if xy is None:
            c = fp_m.representative_point()
            xy = (c.x, c.y)
        minx, miny, maxx, maxy = fp_m.bounds
        half = max(
            half,
            max(abs(maxx - xy[0]), abs(minx - xy[0]), abs(maxy - xy[1]), abs(miny - xy[1])) + 500.0,
        )
    res = cfg.resolution_m
    z, tr, used = dem.read_window(xy, half, res, heap.id)
    native = dem.native_resolution_m(used)
    if cfg.footprint_min_rise_m > 0:
        rise = cfg.footprint_min_rise_m
        assumed = [f"footprint_min_rise_m={rise:g} (configured)"]
    else:
        rise = round(footprint_min_rise_auto(native), 2)
        assumed = [
            f"footprint_min_rise_m={rise:g} (auto for the DEM's native pixel size "
            + f"~{native:.3g} m)"
        ]
    cfg = dataclasses.replace(cfg, footprint_min_rise_m=rise)
    seed = (int((tr.f - xy[1]) // res), int((xy[0] - tr.c) // res))
    within = _rasterize(fp_m, z.shape, tr) if fp_m is not None else None
    rr, cc = np.ogrid[0 : z.shape[0], 0 : z.shape[1]]
    near = np.hypot(rr - seed[0], cc - seed[1]) * res <= max(cfg.summit_search_radius_m, res)
    probe = within if within is not None and within.any() else near
    if not np.isfinite(z[probe]).any():
        raise TerrainError(
            f"{dem.label}: DEM holds only nodata at heap {heap.id} ({getattr(heap, 'lat', None)}, "
            f"{getattr(heap, 'lon', None)}); use a DEM with data there or leave --dem out"
        )
    try:
        foot, summit_rc, base = delineate_heap(z, res, seed, cfg, within=within)
    except ValueError as exc:
        raise TerrainError(f"{dem.label}: cannot delineate heap {heap.id} ({exc})") from None
    warns = []
    if foot.sum() * res * res < cfg.min_patch_area_m2:
        raise TerrainError(
            f"{dem.label}: no heap found at heap {heap.id}: nothing rises "
            f"{cfg.footprint_min_rise_m:g} m above the base level within "
            f"{cfg.summit_search_radius_m:g} m of its point at {res:g} m resolution; check the "
            "heap's coordinates, give a footprint polygon, or use a finer DEM"
        )
    rim = ndimage.binary_dilation(foot, iterations=2) & ~foot
    if (~np.isfinite(z[rim])).any():
        warns.append(
            "heap touches the DEM's edge or a nodata gap; footprint and height may be cut short"
        )
    geom = _reserved_geom(cfg, reserved)
    res_mask = _rasterize(geom, z.shape, tr) if geom is not None else None
    out = analyse_grid(z, res, foot, base, cfg, reserved=res_mask, summit_rc=summit_rc)
    warns += fact_mismatch_warnings(
        heap, out["relative_height_m"], out["footprint_area_ha"], cfg.fact_mismatch_factor
    )
    sr, sc = out["summit_rc"]
    sx, sy = tr.c + (sc + 0.5) * res, tr.f - (sr + 0.5) * res
    lon, lat = wgs84_transformer(inverse=True).transform(sx, sy)
    names = "+".join(used) if len(used) <= 3 else f"{used[0]}+{len(used) - 1} more"
    return _make(heap.id, f"dem:{names}", out, res, assumed, warns, float(lat), float(lon))


def heap_terrain(
    heap, cfg: TerrainConfig | None = None, dem: DemSource | None = None, reserved=None
) -> HeapTerrain:
    """Terrain of one heap: from ``dem`` if given, else parametric from the heap's facts.

    Parameters
    ----------
    heap : :class:`haldenenergie.heaps.Heap` (uses id, lat, lon, footprint, area_ha, height_rel_m,
        height_asl_m, form).
    cfg : TerrainConfig (default: defaults).
    dem : DemSource from :func:`open_dem`, or None for parametric terrain.
    reserved : shapely geometry in EPSG:25832 of reserved areas (buffer applied); default: read
        from ``cfg.reserved_areas_path`` if set.

    Raises
    ------
    TerrainError : the DEM does not cover the heap, holds only nodata there, has no CRS or one that
        cannot be transformed, or the heap has no position (DEM mode only).
    """
    cfg = cfg or TerrainConfig()
    if dem is None:
        return _parametric(heap, cfg, reserved)
    return _from_dem(heap, cfg, dem, reserved)


def terrain_for_heaps(
    heaps,
    cfg: TerrainConfig | None = None,
    dem: DemSource | None = None,
    fallback: bool = True,
    reserved=None,
    progress=None,
) -> dict[str, HeapTerrain]:
    """Terrain of many heaps.

    Parameters
    ----------
    heaps : list of Heap
    cfg : TerrainConfig, optional
    dem : DemSource, optional
        None: parametric terrain for all heaps.
    fallback : bool
        True (multi-heap runs): a heap the DEM cannot serve (not covered, only nodata there, no
        heap found near its point, no position) gets parametric terrain and a warning saying
        why. False: the TerrainError is raised.
    reserved : shapely geometry in EPSG:25832, optional
        Reserved areas (default: from ``cfg.reserved_areas_path``).
    progress : callable, optional
        Called once per heap (e.g. a progress bar update).

    Returns
    -------
    dict
        ``{heap_id: HeapTerrain}`` in input order.

    Raises
    ------
    TerrainError
        Always (whatever ``fallback``) for a DEM file problem (:class:`~haldenenergie.dem.DemFileError`:
        no CRS, a CRS that cannot be transformed, unreadable data), and when the DEM serves none
        of the heaps (the message names the file(s) and the most common reason).
    """
    cfg = cfg or TerrainConfig()
    geom = _reserved_geom(cfg, reserved)
    out: dict[str, HeapTerrain] = {}
    fell_back: list[str] = []
    reasons: list[str] = []
    for heap in heaps:
        if dem is None:
            out[heap.id] = _parametric(heap, cfg, geom)
        else:
            try:
                out[heap.id] = _from_dem(heap, cfg, dem, geom)
            except DemFileError:
                raise  # the file is broken for every heap: never hidden by a fallback
            except TerrainError as exc:
                if not fallback:
                    raise
                msg = f"DEM not used, parametric instead: {exc}"
                log.info("heap %s: %s", heap.id, msg)
                fell_back.append(heap.id)
                reasons.append(_fallback_reason(str(exc)))
                out[heap.id] = _parametric(heap, cfg, geom, warnings=[msg])
        if progress is not None:
            progress()
    if dem is not None and out and len(fell_back) == len(out):
        ((reason, n),) = collections.Counter(reasons).most_common(1)
        raise TerrainError(
            f"{dem.label}: DEM serves none of the {len(out)} heap(s) (most common reason: {reason}, "
            f"{n} of {len(out)}, e.g. heap {fell_back[reasons.index(reason)]}); check the DEM's "
            "CRS and coverage (the Ruhr heaps lie near 6.5-7.6 E, 51.4-51.7 N) or leave --dem out "
            "for parametric terrain"
        )
    if fell_back:
        # One line at the default verbosity; each heap's reason is in its warnings and with -v.
        shown = ", ".join(fell_back[:8]) + (
            f" and {len(fell_back) - 8} more" if len(fell_back) > 8 else ""
        )
        log.warning(
            "%d of %d heaps not served by the DEM, parametric terrain instead (%s); "
            "each heap's reason is in its 'warnings' column (and logged with -v)",
            len(fell_back),
            len(out),
            shown,
        )
    return out


#: Short reasons for a DEM fallback, matched against the TerrainError message (first match wins).
_FALLBACK_REASONS = (
    ("does not cover", "the DEM does not cover the heap"),
    ("only nodata", "the DEM holds only nodata there"),
    ("no heap found", "no heap rises above the base level near the heap's point"),
    ("no coordinates", "the heap has no position"),
    ("cannot delineate", "the heap cannot be delineated"),
)


def _fallback_reason(message: str) -> str:
    for key, reason in _FALLBACK_REASONS:
        if key in message:
            return reason
    return message.split(": ", 1)[-1][:80]


def terrain_table(terrains) -> pd.DataFrame:
    """One row per heap.

    Parameters
    ----------
    terrains : dict or list of HeapTerrain

    Returns
    -------
    DataFrame
        Columns :data:`HEAP_COLUMNS` (areas [ha], elevations and distances [m]).
    """
    items = terrains.values() if isinstance(terrains, dict) else terrains
    return pd.DataFrame([t.to_row() for t in items], columns=list(HEAP_COLUMNS))


def surfaces_table(terrains) -> pd.DataFrame:
    """One row per heap and PV surface class.

    Parameters
    ----------
    terrains : dict or list of HeapTerrain

    Returns
    -------
    DataFrame
        Columns ``heap_id``, ``terrain_source`` and :data:`SURFACE_COLUMNS`.
    """
    items = terrains.values() if isinstance(terrains, dict) else terrains
    frames = [
        t.surfaces.assign(heap_id=t.heap_id, terrain_source=t.terrain_source)
        for t in items
        if len(t.surfaces)
    ]
    cols = ["heap_id", "terrain_source", *SURFACE_COLUMNS]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


__all__ = [
    "EXCLUSION_REASONS",
    "FORMS",
    "HEAP_COLUMNS",
    "SECTORS",
    "SURFACE_COLUMNS",
    "DemFileError",
    "DemSource",
    "HeapTerrain",
    "TerrainConfig",
    "analyse_grid",
    "aspect_sector_index",
    "delineate_heap",
    "disc_opening",
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
    "remove_small_patches",
    "slope_aspect_horn",
    "surfaces_table",
    "synthesize_heap",
    "terrain_for_heaps",
    "terrain_table",
]
