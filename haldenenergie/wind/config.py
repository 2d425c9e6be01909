"""Parameters of the wind stage: one frozen dataclass, every default with unit, source and range.

This module imports nothing heavy (no windpowerlib, pandas or numpy), so that
:mod:`haldenenergie.config` can build and check the ``[wind]`` section without importing the
stage. Whether the named turbine types exist in windpowerlib's library (and a user power curve is
readable) is checked at the start of the wind stage by
:func:`haldenenergie.wind.turbines.check_config`, not when the section is built.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..params import param
from .loss_params import LossParams

#: Allowed wake model names (checked on config load).
WAKE_MODELS = ("jensen", "dena_mean", "none")
#: Allowed sources of the roughness length z0 of the wind profile.
ROUGHNESS_SOURCES = ("config", "weather", "blending")
#: Allowed references of the hub height (above the surroundings or the local ground).
HEIGHT_REFERENCES = ("surroundings", "local")
#: Allowed calibration methods (issue 12): none, or one hub-wind factor fitted to the reported
#: yields of the existing turbines in the registry.
CALIBRATION_METHODS = ("none", "existing-turbines")
#: Allowed stability corrections of the hub-wind pattern (:mod:`haldenenergie.wind.stability`;
#: kept here so that the config needs no numpy).
STABILITY_METHODS = ("none", "pasquill-turner")
#: Allowed shapes a turbine site is approximated by.
SITE_SHAPES = ("ellipse", "rectangle")


@dataclass(frozen=True)
class WindConfig(LossParams):
    """Parameters of the wind stage (each with unit, source and range; see ``config show``)."""

    turbine_type: str = param(
        "E-141/4200",
        source="windpowerlib 0.2.2 oedb library; Enercon E-141 EP4 (4.2 MW, 141 m rotor, "
        "~269 W m-2): a current low-wind inland class like the E-138 EP3 on Halde Mottbruch",
        doc="windpowerlib turbine type for NEW turbines (ignored when power_curve_csv is set)",
    )
    hub_height_m: float = param(
        135.0,
        unit="m",
        min=30.0,
        max=250.0,
        source="oedb hub heights of E-141/4200 (99/129/135/159 m); 135 m is also the reference "
        "height of the NRW wind atlas fields (LANUV)",
        doc="hub height of new turbines above the ground they stand on (the heap top)",
    )
    power_curve_csv: str = param(
        "",
        unit="path",
        source="user input; format as haldenenergie/data/power_curve_example.csv",
        doc="user power curve for new turbines (wind_speed_m_s, power_kw; '# source:' and "
        "'# rotor_diameter_m:' header lines required); empty = use turbine_type",
    )
    main_wind_direction_deg: float = param(
        225.0,
        unit="deg",
        min=0.0,
        max=360.0,
        source="DWD station wind roses (e.g. Essen-Bredeney): the prevailing wind in the Ruhr "
        "comes from the south-west",
        doc="direction the prevailing wind comes FROM (clockwise from north); orients the layout",
    )
    spacing_along_rotor_diameters: float = param(
        5.0,
        unit="D",
        min=2.0,
        max=15.0,
        source="assumption: common siting rule of 5-8 rotor diameters along the main wind "
        "direction; the lower end because heap sites are small",
        doc="turbine spacing along the main wind direction",
    )
    spacing_across_rotor_diameters: float = param(
        3.0,
        unit="D",
        min=1.5,
        max=10.0,
        source="assumption: common siting rule of 3-4 rotor diameters across the main wind "
        "direction",
        doc="turbine spacing across the main wind direction",
    )
    site_shape: str = param(
        "ellipse",
        choices=SITE_SHAPES,
        source="assumption: heap plateaus and summits are rounded; a circle of the site area "
        "unless the terrain gives plateau length/width",
        doc="shape the turbine site is approximated by",
    )
    min_site_area_ha: float = param(
        0.12,
        unit="ha",
        min=0.0,
        max=10.0,
        source="consistent with terrain.turbine_site_diameter_m = 40 m: a level 40 m disc "
        "(foundation ~25 m plus crane pad) covers pi*20^2 m2 = 0.126 ha",
        doc="smallest turbine site (plateau/summit) that can host one foundation",
    )
    subtract_existing: bool = param(
        True,
        source="assumption: existing turbines occupy the site; new potential is additional",
        doc="subtract the heap's existing turbines from the count of new ones",
    )
    roughness_length_m: float = param(
        0.3,
        unit="m",
        min=1e-4,
        max=3.0,
        source="Wieringa (1992), J. Wind Eng. Ind. Aerodyn. 41-44, 357-368: roughness classes "
        "0.25-0.5 m for mixed land use with scattered buildings and trees; assumption: 0.3 m "
        "for the Ruhr's suburban/mixed land use",
        doc="regional roughness length z0 for the logarithmic profile",
    )
    roughness_source: str = param(
        "blending",
        choices=ROUGHNESS_SOURCES,
        source="two-roughness profile (Wieringa 1986, Q. J. R. Meteorol. Soc. 112, 867-889): "
        "the station's own z0 (weather file or station table, e.g. airport 0.03 m) from the "
        "anemometer up to blending_height_m, the regional z0 above; series without a station z0 "
        "(DWD TRY grid cells, reanalysis: DWD/BBSR 2017 TRY handbook) use the regional z0 "
        "throughout",
        doc="z0 for the profile: 'config' (regional roughness_length_m for every series), "
        "'weather' (the station's own z0, else regional), 'blending' (station z0 up to "
        "blending_height_m, regional above)",
    )
    blending_height_m: float = param(
        130.0,
        unit="m",
        min=10.0,
        max=300.0,
        source="Elliott (1958), Trans. Amer. Geophys. Union 39(6), 1048-1054: internal boundary "
        "layer depth d = z0' (0.75 - 0.03 M) (x/z0')^0.8, M = ln(z0 upwind / z0 downwind), z0' "
        "the larger z0: regional 0.3 m upwind, airport 0.03 m, x ~1 km of open station terrain "
        "upwind of the anemometer gives d ~130 m (assumption: x); Wieringa (1986) gives "
        "blending heights of order 50-100 m for heterogeneous terrain",
        doc="height up to which the station's roughness shapes the profile "
        "(roughness_source='blending')",
    )
    stability: str = param(
        "none",
        choices=STABILITY_METHODS,
        source="'pasquill-turner': hourly Pasquill class (day: US EPA 2000, EPA-454/R-99-005, "
        "Table 6-7 SRDT from GHI and 10 m wind; night: Pasquill 1961 / Turner 1970, EPA AP-26, "
        "Table 1, from cloud cover and wind) and the power-law exponents of Irwin (1979) as in US "
        "EPA ISC3 (EPA-454/B-95-003b), rural below z0 0.5 m, urban above (assumption); the "
        "factor (z/z_a)^(p - p_D) is normalised so that the series mean at each height stays; "
        "'none': neutral profile (default, results unchanged)",
        doc="stability correction of the hourly hub-wind pattern (night maximum aloft); the "
        "mean wind stays with profile, atlas and calibration",
    )
    height_reference: str = param(
        "surroundings",
        choices=HEIGHT_REFERENCES,
        source="modelling choice: hub height above the surrounding terrain = hub height + "
        "relative height (the lifted profile; Taylor & Lee 1984 for the speed-up)",
        doc="'surroundings': hub wind = max(profile at hub + heap height, profile at hub height x "
        "(1 + dS)); 'local': profile at hub height x (1 + dS) (Taylor & Lee's own definition)",
    )
    speedup: bool = param(
        True,
        source="Taylor & Lee (1984), Climatological Bulletin 18(2)",
        doc="apply the hill speed-up dS = B*H/L*exp(-A*z/L)",
    )
    speedup_b: float = param(
        1.6,
        min=0.0,
        max=3.0,
        source="Taylor & Lee (1984): B = 1.6 for 3-D hills (2.0 for 2-D ridges)",
        doc="maximum fractional speed-up coefficient B",
    )
    speedup_a: float = param(
        4.0,
        min=0.5,
        max=10.0,
        source="Taylor & Lee (1984): A = 4 for 3-D hills (3 for 2-D ridges)",
        doc="decay coefficient A of the speed-up with height",
    )
    speedup_max: float = param(
        0.3,
        min=0.0,
        max=1.0,
        source="assumption: Taylor & Lee is valid for gentle slopes (H/L < ~0.5); spoil heaps are "
        "steeper, so the fractional speed-up is capped",
        doc="cap of the fractional speed-up dS",
    )
    atlas_mean_wind_speed_m_s: float = param(
        0.0,
        unit="m s-1",
        min=0.0,
        max=15.0,
        source="LANUV NRW wind atlas fields and the Global Wind Atlas (DTU): mostly 6.0-6.5 m s-1 "
        "at 135 m above ground in NRW; "
        "0 = off (default: the extrapolated TRY2015 Essen gives 5.7 m s-1 there, within "
        "10 % of the atlas band)",
        doc="scale the series so its mean at atlas_reference_height_m over flat ground equals this",
    )
    wind_atlas_path: str = param(
        "",
        unit="path",
        source="Global Wind Atlas 3 GeoTIFF as published (DTU/World Bank, "
        "https://globalwindatlas.info/download/gis-files; Davis et al. 2023, BAMS 104(8)), e.g. "
        "DEU_wind-speed_100m.tif, or any raster of long-term mean wind speed [m s-1]",
        doc="wind-atlas raster sampled (bilinear) at each heap: the series is scaled per heap so "
        "its flat-ground mean at the atlas height equals the atlas value; empty = off (then "
        "atlas_mean_wind_speed_m_s, if set, scales region-wide)",
    )
    calibration: str = param(
        "none",
        choices=CALIBRATION_METHODS,
        source="assumption: one hub-wind-speed factor solved (scipy brentq) so that the modelled "
        "yields of the registry's existing turbines sum to their reported yields (a ratio-method "
        "long-term correction of the wind speed scale)",
        doc="'existing-turbines': apply the fitted factor to the NEW turbines' hub wind; 'none': "
        "the fit is still computed and reported (WindResult.calibration), not applied",
    )
    calibration_fit_assumed: bool = param(
        False,
        source="assumption: a heap whose hub height or type is assumed would tune the region's "
        "wind to a guess, so by default it is only predicted, flagged; true fits it too, still "
        "flagged (e.g. after checking Kohlenhuck's type and hub height in the MaStR)",
        doc="include heaps whose turbine data are assumed (hub height, type) in the calibration "
        "fit; they stay flagged in the manifest and the report",
    )
    atlas_reference_height_m: float = param(
        135.0,
        unit="m",
        min=10.0,
        max=250.0,
        source="LANUV NRW wind atlas reference height",
        doc="height of the atlas mean wind speed (scalar atlas, and a raster whose file name does "
        "not state it as GWA's 'wind-speed_<H>m' does)",
    )
    density_correction: bool = param(
        True,
        source="windpowerlib power_curve_density_correction (Svenningsen 2010)",
        doc="correct the power curve for air density at hub height",
    )
    wake_model: str = param(
        "jensen",
        choices=WAKE_MODELS,
        source="Jensen (1983) Risø-M-2411 with Katić et al. (1986) sum of squares, direction-aware "
        "from the weather's wind_direction; 'dena_mean': windpowerlib/dena-Netzstudie II "
        "wind efficiency curve (for large farms)",
        doc="wake model between turbines of a heap",
    )
    wake_decay_constant: float = param(
        0.075,
        min=0.01,
        max=0.2,
        source="WAsP default onshore wake decay constant k = 0.075 (Barthelmie et al. 2006)",
        doc="Jensen wake expansion k",
    )
    thrust_coefficient: float = param(
        0.8,
        min=0.1,
        max=0.95,
        source="assumption: Ct ~0.75-0.8 below rated speed for modern pitch-regulated turbines "
        "(NREL 5-MW reference turbine, Jonkman et al. 2009); falls as (v_rated/v)^3 above",
        doc="thrust coefficient below rated wind speed for the Jensen model",
    )
    availability: float = param(
        0.97,
        min=0.5,
        max=1.0,
        source="assumption: technical availability of onshore turbines in Germany ~97-98 % "
        "(Fraunhofer IWES Windenergie Report Deutschland)",
        doc="time-based availability factor",
    )
    electrical_loss: float = param(
        0.02,
        min=0.0,
        max=0.2,
        source="assumption: internal cabling and transformer losses 1.5-3 % (typical yield "
        "assessment practice, FGW TR6)",
        doc="electrical losses to the grid connection",
    )
    existing_unknown_type: str = param(
        "E-82/2300",
        source="assumption: E-82 class (2-2.3 MW) was the most frequently installed type in "
        "Germany in the 2000s-2010s; '' = report existing turbines of unknown model as not "
        "assessed",
        doc="stand-in type for existing turbines whose model is not stated",
    )
    existing_unknown_hub_height_m: float = param(
        98.0,
        unit="m",
        min=30.0,
        max=250.0,
        source="oedb: standard E-82 towers 78-138 m",
        doc="stand-in hub height for existing turbines without a stated hub height",
    )
