"""Parameters of the PV stage (``[pv]`` config section): module, layouts, models, system, losses.

This module imports nothing heavy (no pvlib, no pandas), so that :mod:`haldenenergie.config` can
build and check the section without importing the PV engine; the two methods that need pvlib
tables import it when called.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ..params import param

#: Sky diffuse transposition models (pvlib.irradiance).
TRANSPOSITION_MODELS = ("perez", "haydavies", "isotropic")
#: Incidence angle modifiers (pvlib.iam function names, or "no_loss").
IAM_MODELS = ("physical", "ashrae", "martin_ruiz", "no_loss")
#: Cell temperature models (pvlib.temperature.faiman, pvlib.temperature.sapm_cell).
TEMPERATURE_MODELS = ("faiman", "sapm")
#: Keys of ``pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]`` (King et al. 2004), in
#: pvlib's order; written out so that this module need not import pvlib (a test compares them).
SAPM_MOUNTS = (
    "open_rack_glass_glass",
    "close_mount_glass_glass",
    "open_rack_glass_polymer",
    "insulated_back_glass_polymer",
)
#: Coefficient sets of ``pvlib.irradiance.perez`` (Perez et al. 1990).
PEREZ_MODEL_SETS = (
    "allsitescomposite1990",
    "allsitescomposite1988",
    "sandiacomposite1988",
    "usacomposite1988",
    "france1988",
    "phoenix1988",
    "elmonte1988",
    "osage1988",
    "albuquerque1988",
    "capecanaveral1988",
    "albany1988",
)
_DOBOS = "Dobos 2014, PVWatts v5 manual, NREL/TP-6A20-62641, default loss table"


@dataclass(frozen=True)
class PVConfig:
    """Parameters of the PV stage: module, layouts, irradiance models, system and losses.

    Every field carries its unit, source and range (``haldenenergie config show``).
    """

    # --- module -----------------------------------------------------------------------------
    module_power_w: float = param(
        430.0,
        unit="W",
        min=100,
        max=1000,
        source="generic mono c-Si half-cell module (108 cells, 1722 x 1134 mm), 2023-2024 data "
        "sheets of tier-1 makers list 420-440 Wp at STC",
        doc="STC rating of one module",
    )
    module_length_m: float = param(
        1.722,
        unit="m",
        min=0.5,
        max=3.0,
        source="same data sheets (long side)",
        doc="module length (long side, mounted portrait: up the rack)",
    )
    module_width_m: float = param(
        1.134,
        unit="m",
        min=0.5,
        max=2.0,
        source="same data sheets (short side)",
        doc="module width (short side)",
    )
    gamma_pdc: float = param(
        -0.0035,
        unit="K-1",
        min=-0.01,
        max=0.0,
        source="Dobos 2014 (NREL/TP-6A20-62641) Table 2, 'premium' module -0.35 %/K; "
        "mono-PERC data sheets -0.34..-0.36 %/K",
        doc="temperature coefficient of DC power",
    )
    rack_modules_portrait: int = param(
        2,
        unit="-",
        min=1,
        max=6,
        source="assumption: common 2-in-portrait fixed tables of German ground-mounted plants",
        doc="modules stacked up one rack table (sets the collector width; pitch in metres)",
    )
    # --- layouts ----------------------------------------------------------------------------
    plateau_tilt_deg: float = param(
        20.0,
        unit="deg",
        min=0.0,
        max=45.0,
        source="assumption: 15-25 deg is usual for German ground-mounted fixed racks, a trade-off "
        "between yield per kWp and row spacing (optimum for yield alone is ~35 deg)",
        doc="rack tilt on the plateau and wherever racks are used",
    )
    plateau_gcr: float = param(
        0.40,
        unit="-",
        min=0.1,
        max=0.9,
        source="assumption: GCR 0.35-0.45 typical for fixed south racks at 50-52 N; gives "
        "~0.75 MWp/ha with land_use_factor, matching NRW government 2022 (300 MW ~ 400 ha)",
        doc="ground coverage ratio (collector width / row pitch) of plateau racks",
    )
    land_use_factor: float = param(
        0.85,
        unit="-",
        min=0.3,
        max=1.0,
        source="assumption: 10-20 % of a fenced PV site goes to access tracks, fence setback and "
        "stations (cf. Ong et al. 2013, NREL/TP-6A20-56290, total vs direct land use)",
        doc="share of usable area covered by module rows",
    )
    flank_gcr: float = param(
        0.50,
        unit="-",
        min=0.1,
        max=0.95,
        source="assumption: slope-parallel tables leave about as much free slope as they cover, "
        "for maintenance paths, mowing and run-off/erosion control on spoil heaps",
        doc="module area / inclined slope area where modules follow the slope",
    )
    flank_follow_min_tilt_deg: float = param(
        10.0,
        unit="deg",
        min=0.0,
        max=45.0,
        source="assumption: below ~10 deg modules soil faster and tilted racks yield more",
        doc="flanks flatter than this get racks instead of slope-parallel modules",
    )
    flank_max_tilt_deg: float = param(
        35.0,
        unit="deg",
        min=5.0,
        max=60.0,
        source="assumption: pile ramming and mowing on slopes steeper than ~1:1.4 (35 deg) is "
        "impractical; flanks of cone heaps lie near the spoil's angle of repose, ~30-37 deg",
        doc="flanks steeper than this get no PV",
    )
    flank_azimuth_min_deg: float = param(
        90.0,
        unit="deg",
        min=0.0,
        max=360.0,
        source="RVR 2022 (heap energy analysis): slope-following modules on E..S..W flanks only",
        doc="smallest aspect (clockwise from N) where modules follow the slope",
    )
    flank_azimuth_max_deg: float = param(
        270.0,
        unit="deg",
        min=0.0,
        max=360.0,
        source="RVR 2022 (heap energy analysis): slope-following modules on E..S..W flanks only",
        doc="largest aspect where modules follow the slope",
    )
    rack_gcr_min: float = param(
        0.20,
        unit="-",
        min=0.0,
        max=1.0,
        source="assumption: below GCR 0.2 (~0.37 MWp/ha) racks on north-facing ground are "
        "not worth building",
        doc="racks needing a sparser horizontal GCR than this get layout 'none'",
    )
    rack_gcr_max: float = param(
        0.70,
        unit="-",
        min=0.1,
        max=1.0,
        source="assumption: rows need a gap for access even on south-facing ground",
        doc="upper cap of the horizontal GCR of racks on south-facing ground",
    )
    # --- irradiance ---------------------------------------------------------------------------
    albedo: float = param(
        0.20,
        unit="-",
        min=0.0,
        max=1.0,
        source="pvlib.albedo.SURFACE_ALBEDOS['grass'] = 0.20 (heaps are grassed/wooded)",
        doc="ground reflectance",
    )
    transposition_model: str = param(
        "perez",
        choices=TRANSPOSITION_MODELS,
        source="Perez et al. 1990 via pvlib.irradiance.perez (issue 4)",
        doc="sky diffuse transposition model",
    )
    perez_model_set: str = param(
        "allsitescomposite1990",
        choices=PEREZ_MODEL_SETS,
        source="pvlib default coefficient set (Perez et al. 1990)",
        doc="Perez coefficient set",
    )
    iam_model: str = param(
        "physical",
        choices=IAM_MODELS,
        source="pvlib.iam.physical (De Soto 2006; n=1.526, K=4 m-1, L=2 mm: AR-free glass)",
        doc="incidence angle modifier applied to the beam",
    )
    diffuse_iam: bool = param(
        False,
        source="PVWatts v5 (Dobos 2014) and pvlib ModelChain apply the IAM to the beam "
        "only; true adds pvlib.iam.marion_diffuse factors to sky/ground diffuse",
        doc="also apply the IAM (Marion integration) to diffuse irradiance",
    )
    row_shading: bool = param(
        True,
        source="row self-shading on slopes: pvlib.shading.shaded_fraction1d "
        "(Anderson & Jensen 2024) + 2-D sky view factor (Marion et al. 2017)",
        doc="model row-to-row shading of racks (beam and sky diffuse)",
    )
    terrain_horizon: bool = param(
        True,
        source="modelling choice: the terrain horizon of each surface "
        "(HeapTerrain.surfaces.horizon_deg, from the DEM or the parametric heap)",
        doc="block beam below the terrain horizon and reduce sky diffuse by its sky-view factor",
    )
    # --- temperature --------------------------------------------------------------------------
    temperature_model: str = param(
        "faiman",
        choices=TEMPERATURE_MODELS,
        source="Faiman 2008 via pvlib.temperature.faiman",
        doc="cell temperature model",
    )
    faiman_u0: float = param(
        25.0,
        unit="W m-2 K-1",
        min=5.0,
        max=60.0,
        source="pvlib.temperature.faiman default u0 (Faiman 2008, free-standing c-Si)",
        doc="Faiman constant heat loss factor",
    )
    faiman_u1: float = param(
        6.84,
        unit="W m-3 s K-1",
        min=0.0,
        max=20.0,
        source="pvlib.temperature.faiman default u1 (Faiman 2008, free-standing c-Si)",
        doc="Faiman wind heat loss factor (applied to the 10 m wind of the weather file)",
    )
    sapm_mount: str = param(
        "open_rack_glass_polymer",
        choices=SAPM_MOUNTS,
        source="pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS['sapm'] (King et al. 2004)",
        doc="SAPM cell temperature parameter set (if temperature_model = 'sapm')",
    )
    # --- system -------------------------------------------------------------------------------
    dc_ac_ratio: float = param(
        1.2,
        unit="-",
        min=0.5,
        max=2.0,
        source="PVWatts default DC-to-AC size ratio 1.2 (NREL PVWatts Calculator)",
        doc="array STC power / inverter AC rating",
    )
    inverter_eta_nom: float = param(
        0.96,
        unit="-",
        min=0.8,
        max=1.0,
        source="Dobos 2014, PVWatts v5 nominal inverter efficiency 96 %",
        doc="nominal inverter efficiency (pvlib.inverter.pvwatts)",
    )
    loss_soiling_pct: float = param(
        2.0,
        unit="%",
        min=0,
        max=100,
        source=_DOBOS + " (Global Solar Atlas uses 3.5 %)",
        doc="soiling loss",
    )
    loss_shading_pct: float = param(
        0.0,
        unit="%",
        min=0,
        max=100,
        source="0: row and terrain shading are modelled explicitly (PVWatts default 3 % replaced)",
        doc="extra lump-sum shading loss",
    )
    loss_snow_pct: float = param(0.0, unit="%", min=0, max=100, source=_DOBOS, doc="snow loss")
    loss_mismatch_pct: float = param(
        2.0, unit="%", min=0, max=100, source=_DOBOS, doc="module mismatch loss"
    )
    loss_wiring_pct: float = param(
        2.0, unit="%", min=0, max=100, source=_DOBOS, doc="DC wiring loss"
    )
    loss_connections_pct: float = param(
        0.5, unit="%", min=0, max=100, source=_DOBOS, doc="connector loss"
    )
    loss_lid_pct: float = param(
        1.5, unit="%", min=0, max=100, source=_DOBOS, doc="light-induced degradation"
    )
    loss_nameplate_pct: float = param(
        1.0, unit="%", min=0, max=100, source=_DOBOS, doc="nameplate rating tolerance"
    )
    loss_age_pct: float = param(
        0.0, unit="%", min=0, max=100, source=_DOBOS + " (first year)", doc="ageing loss"
    )
    loss_availability_pct: float = param(
        3.0, unit="%", min=0, max=100, source=_DOBOS, doc="downtime loss"
    )
    chunk_surfaces: int = param(
        8,
        unit="-",
        min=1,
        max=100000,
        source="assumption: a (4,500 daytime h x 8 surfaces) float block is ~0.3 MB and stays in "
        "the CPU cache; issue 17 measured 128 -> 8: -29 % PV CPU, -53 MB peak, same results",
        doc="surfaces per vectorised block (memory/speed trade-off, no effect on results)",
    )

    # --- derived ------------------------------------------------------------------------------
    @property
    def module_area_m2(self) -> float:
        """Module area [m2]."""
        return self.module_length_m * self.module_width_m

    @property
    def module_efficiency(self) -> float:
        """STC module efficiency [-] = power / (area x 1000 W m-2)."""
        return self.module_power_w / (self.module_area_m2 * 1000.0)

    @property
    def collector_width_m(self) -> float:
        """Slant height of one rack table [m]."""
        return self.rack_modules_portrait * self.module_length_m

    @property
    def total_loss_fraction(self) -> float:
        """Combined PVWatts system loss [-] (pvlib.pvsystem.pvwatts_losses, multiplicative)."""
        import pvlib

        return float(pvlib.pvsystem.pvwatts_losses(**self.loss_parameters())) / 100.0

    def loss_parameters(self) -> dict[str, float]:
        """The itemised losses as keyword arguments of ``pvlib.pvsystem.pvwatts_losses`` [%]."""
        return {
            "soiling": self.loss_soiling_pct,
            "shading": self.loss_shading_pct,
            "snow": self.loss_snow_pct,
            "mismatch": self.loss_mismatch_pct,
            "wiring": self.loss_wiring_pct,
            "connections": self.loss_connections_pct,
            "lid": self.loss_lid_pct,
            "nameplate_rating": self.loss_nameplate_pct,
            "age": self.loss_age_pct,
            "availability": self.loss_availability_pct,
        }

    def temperature_parameters(self) -> dict[str, float]:
        """Parameters of the chosen cell temperature model (pvlib names)."""
        if self.temperature_model == "faiman":
            return {"u0": self.faiman_u0, "u1": self.faiman_u1}
        import pvlib

        return dict(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][self.sapm_mount])

    def check(self, origin: str = "config") -> None:
        """Cross-field and model-name checks; raise a one-line ConfigError."""
        for name, allowed in (
            ("transposition_model", TRANSPOSITION_MODELS),
            ("iam_model", IAM_MODELS),
            ("temperature_model", TEMPERATURE_MODELS),
            ("sapm_mount", SAPM_MOUNTS),
            ("perez_model_set", PEREZ_MODEL_SETS),
        ):
            value = getattr(self, name)
            if value not in allowed:
                raise ConfigError(
                    f"{origin}: [pv] {name} = {value!r} is not allowed; choose one "
                    f"of {', '.join(allowed)}"
                )
        if self.flank_azimuth_min_deg >= self.flank_azimuth_max_deg:
            raise ConfigError(
                f"{origin}: [pv] flank_azimuth_min_deg must be smaller than "
                "flank_azimuth_max_deg (e.g. 90 and 270 for E..S..W)"
            )
        if self.flank_follow_min_tilt_deg >= self.flank_max_tilt_deg:
            raise ConfigError(
                f"{origin}: [pv] flank_follow_min_tilt_deg must be smaller than flank_max_tilt_deg"
            )
        if not self.rack_gcr_min < self.rack_gcr_max:
            raise ConfigError(f"{origin}: [pv] rack_gcr_min must be smaller than rack_gcr_max")
        if not self.rack_gcr_min <= self.plateau_gcr <= self.rack_gcr_max:
            raise ConfigError(
                f"{origin}: [pv] plateau_gcr = {self.plateau_gcr} must lie in "
                f"[rack_gcr_min, rack_gcr_max] = [{self.rack_gcr_min}, "
                f"{self.rack_gcr_max}]"
            )


__all__ = [
    "IAM_MODELS",
    "PEREZ_MODEL_SETS",
    "SAPM_MOUNTS",
    "TEMPERATURE_MODELS",
    "TRANSPOSITION_MODELS",
    "PVConfig",
]
