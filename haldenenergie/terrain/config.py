"""Parameters of the terrain stage: :class:`TerrainConfig`, the ``[terrain]`` config section.

Every field is declared with :func:`haldenenergie.params.param` (unit, source, allowed range). This
module imports nothing heavy (no numpy, scipy, shapely, rasterio), so that
:mod:`haldenenergie.config` can build the section without importing the terrain stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ..params import param
from .limits import (
    DEM_ELEVATION_RANGE,
    DEM_UNIT_RATIO_TOLERANCE,
    DEM_VERTICAL_SCALE,
    MAX_FLANK_SLOPE,
    NODATA_FILL_MAX_AREA,
    NODATA_MAX_SHARE,
)

#: Forms the parametric model can build: the registry's forms (``haldenenergie.registry.FORMS``)
#: without "unknown", which is mapped to ``default_form``. Spelled out here (not imported from
#: ``haldenenergie.registry``) to keep this module light; a test keeps the two in step.
BUILD_FORMS: tuple[str, ...] = ("cone", "table", "terraced", "landscape", "elongated")

_FORM_SLOPE_SRC = (
    "assumption: terraced heaps roughly 1:2 to 1:3 (18-27 deg); cone heaps (Spitzkegelhalden) "
    "30-37 deg, near the angle of repose of the dumped rock; table/elongated as terraced; "
    "landscape structures (Landschaftsbauwerke), described in the RVR's heap descriptions as "
    "shaped with gentler, varied flanks -> 10-20 deg"
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
    """Parameters of the terrain stage (fields declared with :func:`haldenenergie.params.param`)."""

    # --- DEM mode ---------------------------------------------------------------------------
    resolution_m: float = param(
        10.0,
        unit="m",
        min=0.5,
        max=100.0,
        source="assumption: 10 m resolves flanks of 20-35 deg and berms of heaps of 5-170 ha with "
        "60-1,500 cells across, and keeps a 4 km window at 400 x 400 cells; NRW DGM1 (1 m) "
        "is averaged to it, SRTM-3 (3 arc-seconds, NASA/USGS) interpolated to it",
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
        "(the registry's point_kind); the summit is sought within this radius",
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
        "the delineated footprint (footprint = area standing above the surrounding base "
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
        "(Rodriguez et al. 2006, SRTM data validation, JPL D-31639), and on a smoothed "
        "SRTM-3 raster of the western Ruhr 3 m let Halde Haniel's footprint leak 300 ha into "
        "the land around it. NRW DGM1 (1 m, airborne laser scanning): height accuracy about "
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
        source="assumption: no Ruhr heap reaches further than ~1 km from its summit (the largest, "
        "Halde Hoheward, covers ~170 ha; RVR)",
        doc="Maximum distance from the summit of a heap cell (DEM mode).",
    )
    xyz_crs: str = param(
        "EPSG:25832",
        source="NRW DGM1 XYZ tiles are ETRS89 / UTM 32N (Geobasis NRW, DGM1 product description; "
        "https://www.bezreg-koeln.nrw.de/geobasis-nrw)",
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
        source="assumption: table heaps (Tafelberge) with a plateau and terraced flanks are the "
        "common post-1960s form of Ruhr heaps (RVR heap descriptions); used when the registry "
        "says 'unknown'",
        doc="Form assumed when the registry's form is unknown.",
    )
    default_area_ha: float = param(
        38.0,
        unit="ha",
        min=0.1,
        max=1000.0,
        source="median of the 37 area_ha values of the heap fact table behind the packaged "
        "registry (public sources: RVR, Wikipedia, halden.ruhr)",
        doc="Footprint area assumed when unknown.",
    )
    default_height_rel_m: float = param(
        48.5,
        unit="m",
        min=1.0,
        max=300.0,
        source="median of the 38 height_rel_m values of the heap fact table behind the packaged "
        "registry (public sources: RVR, Wikipedia, halden.ruhr)",
        doc="Relative height assumed when unknown.",
    )
    default_base_elevation_m: float = param(
        48.0,
        unit="m",
        min=-100.0,
        max=1000.0,
        source="median of height_asl_m - height_rel_m over the 33 heaps with both in the heap "
        "fact table behind the packaged registry (public sources: RVR, Wikipedia, halden.ruhr)",
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
        source="assumption: landscape structures (Landschaftsbauwerke) have several summits "
        "(RVR heap descriptions); 3",
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
        source="assumption: below ~1 deg the aspect of a DEM cell is dominated by elevation noise "
        "(Horn 1981 aspect is undefined on flat ground); flat cells get no aspect",
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
        "per cent per 10 deg of tilt (rule of thumb: 20-30 deg E/W flanks give 80-90 % of the "
        "optimum)",
        doc="Tilt band edges for flank classes (edges below plateau_max_slope_deg are ignored).",
    )
    max_mounting_slope_deg: float = param(
        35.0,
        unit="deg",
        min=5.0,
        max=60.0,
        source="assumption: rammed-pile ground-mount racks and their installation machines reach "
        "~35 deg at most; cone flanks near the angle of repose (30-37 deg, assumption) "
        "are thus partly excluded",
        doc="Cells steeper than this are excluded as too steep for mounting.",
    )
    north_sector_deg: list = param(  # noqa: RUF009 - param() copies list/dict defaults per instance
        [292.5, 67.5],
        unit="deg",
        min=0.0,
        max=360.0,
        source="RVR heap energy analysis (2022): north-facing slopes excluded; 'north' = aspect "
        "NW to NE (292.5-67.5 deg, the sectors NW, N, NE) (assumption)",
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
        source="RVR heap energy analysis (2022): contiguous PV area of at least 1,500 m2",
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
        "sources' own alternative values, kept in the fact table, differ by < 2x)",
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
        source="assumption: the rotor stands on the summit/plateau (hub height above the "
        "surroundings = hub height + relative height); top quarter of the heap",
        doc="Turbine sites lie above base + this share of the relative height.",
    )
    # --- plausibility (declared with their sources in terrain/limits.py) --------------------
    dem_elevation_range_m: list = DEM_ELEVATION_RANGE
    dem_vertical_scale: float = DEM_VERTICAL_SCALE
    dem_unit_ratio_tolerance: float = DEM_UNIT_RATIO_TOLERANCE
    nodata_fill_max_area_m2: float = NODATA_FILL_MAX_AREA
    nodata_max_share: float = NODATA_MAX_SHARE
    max_flank_slope_deg: float = MAX_FLANK_SLOPE

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
        lo_hi = self.dem_elevation_range_m
        if len(lo_hi) != 2 or lo_hi[0] >= lo_hi[1]:
            raise ConfigError(
                f"{origin}: [terrain] dem_elevation_range_m = {lo_hi!r} must be [low, high] "
                "with low < high [m a.s.l.]"
            )
        if len(self.base_ring_m) != 2 or self.base_ring_m[0] >= self.base_ring_m[1]:
            raise ConfigError(
                f"{origin}: [terrain] base_ring_m = {self.base_ring_m!r} must be "
                "[inner, outer] with inner < outer"
            )
