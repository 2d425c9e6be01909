"""PV yield of heap surfaces with pvlib, vectorised across all surfaces of all heaps.

Pipeline (one call of :func:`simulate_pv`):

1. **Sun, once per weather series**: apparent solar position at the *middle* of each interval
   (``index + step/2``; the weather contract labels intervals by their start), at the weather
   location, with the series' pressure and air temperature for refraction; extraterrestrial DNI
   (Spencer) and relative airmass (Kasten & Young 1989) — the same inputs a pvlib ``ModelChain``
   uses.
2. **Layout per surface** (:func:`plan_layout`): plateau → fixed south racks at ``plateau_tilt_deg``
   and ground coverage ratio ``plateau_gcr``; flank → modules follow the slope (tilt = slope,
   azimuth = aspect) where the slope lies in ``[flank_follow_min_tilt_deg, flank_max_tilt_deg]``
   and the aspect in ``[flank_azimuth_min_deg, flank_azimuth_max_deg]`` (E..S..W); otherwise south
   racks whose row pitch is set so that the rows start shading each other at the *same* projected
   sun elevation as on the plateau (denser on south-facing ground, sparser on north-facing ground);
   ``"none"`` where this would need a horizontal GCR below ``rack_gcr_min`` or the slope is
   steeper than ``flank_max_tilt_deg``. Power density [MWp ha-1] = module efficiency x 1 kW m-2 x
   module area per horizontal (map) area x ``land_use_factor``.
3. **Irradiance, vectorised** on 2-D arrays (daytime steps x unique surface geometries, in chunks):
   pvlib Perez (or Hay-Davies / isotropic) transposition with components, ground reflection
   (``albedo``), terrain horizon (beam and circumsolar blocked when the sun is below the horizon
   at its azimuth; isotropic sky and horizon band scaled by the tilted plane's sky-view factor
   under the horizon profile, :func:`horizon_sky_view_factor`), row self-shading for racks (beam
   and circumsolar: :func:`pvlib.shading.shaded_fraction1d` with the cross-axis ground slope;
   sky diffuse: slope-aware 2-D view factor past the row in front, :func:`row_sky_view_factor`),
   incidence-angle modifier on the beam (pvlib ``iam``), cell temperature (pvlib ``faiman`` or
   ``sapm_cell``), PVWatts DC with ``gamma_pdc``, PVWatts itemised losses, PVWatts inverter with
   ``dc_ac_ratio`` and ``inverter_eta_nom``.
4. **Aggregation**: AC energy per kWp is scale-free, so energy = capacity x specific yield and
   scales linearly with usable area; monthly sums by a (month x time) matrix product.

Without shading and horizon, one surface reproduces a plain pvlib ``ModelChain`` (PVWatts DC/AC,
same Perez/IAM/temperature/losses) to < 0.1 % (tests/test_pv.py, :func:`modelchain_energy`).

References
----------
Dobos, A. P. (2014): PVWatts Version 5 Manual. NREL/TP-6A20-62641. doi:10.2172/1158421.
Perez, R. et al. (1990): Modeling daylight availability and irradiance components from direct
and global irradiance. Solar Energy 44(5), 271-289.
Faiman, D. (2008): Assessing the outdoor operating temperature of photovoltaic modules.
Progress in Photovoltaics 16(4), 307-315.
Anderson, K. S.; Jensen, A. R. (2024): Shaded fraction and backtracking in single-axis trackers
on rolling terrain. J. Renewable Sustainable Energy 16, 023504.
Marion, B. et al. (2017): A practical irradiance model for bifacial PV modules. IEEE PVSC 44.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pvlib

from . import sun
from .config import param
from .coverage import (  # noqa: F401  (re-exported for wind and tests)
    MIN_MONTH_COVERAGE,
    MONTH_HOURS,
    calendar_month_hours,
    partial_month_factors,
    year_factors,
)
from .errors import ConfigError, TerrainError, WeatherError

log = logging.getLogger("haldenenergie.pv")

#: Columns :func:`simulate_pv` needs in ``surfaces`` (terrain contract plus ``heap_id``).
REQUIRED_SURFACE_COLUMNS = (
    "heap_id",
    "surface_class",
    "kind",
    "surface_tilt_deg",
    "surface_azimuth_deg",
    "usable_area_ha",
)
#: Columns :func:`simulate_pv` needs in the weather DataFrame (weather contract).
REQUIRED_WEATHER_COLUMNS = ("ghi", "dhi", "dni", "temp_air", "wind_speed")
#: Layout names written to ``PVResult.per_surface['layout']``.
LAYOUTS = ("rack", "follow", "none")
#: Number of horizon values per surface (azimuth 0, 10, ..., 350 deg; terrain contract).
N_HORIZON = 36

_TRANSPOSITION = ("perez", "haydavies", "isotropic")
_IAM = ("physical", "ashrae", "martin_ruiz", "no_loss")
_TEMPERATURE = ("faiman", "sapm")
_SAPM_MOUNTS = tuple(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"])
_PEREZ_SETS = (
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
        "impractical; cone heaps 30-37 deg (DOMAIN.md)",
        doc="flanks steeper than this get no PV",
    )
    flank_azimuth_min_deg: float = param(
        90.0,
        unit="deg",
        min=0.0,
        max=360.0,
        source="issue 4 / RVR 2022: slope-following modules on E..S..W flanks only",
        doc="smallest aspect (clockwise from N) where modules follow the slope",
    )
    flank_azimuth_max_deg: float = param(
        270.0,
        unit="deg",
        min=0.0,
        max=360.0,
        source="issue 4 / RVR 2022: slope-following modules on E..S..W flanks only",
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
        choices=_TRANSPOSITION,
        source="Perez et al. 1990 via pvlib.irradiance.perez (DOMAIN.md, issue 4)",
        doc="sky diffuse transposition model",
    )
    perez_model_set: str = param(
        "allsitescomposite1990",
        choices=_PEREZ_SETS,
        source="pvlib default coefficient set (Perez et al. 1990)",
        doc="Perez coefficient set",
    )
    iam_model: str = param(
        "physical",
        choices=_IAM,
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
        source="issue 4: row self-shading on slopes; pvlib.shading.shaded_fraction1d "
        "(Anderson & Jensen 2024) + 2-D sky view factor (Marion et al. 2017)",
        doc="model row-to-row shading of racks (beam and sky diffuse)",
    )
    terrain_horizon: bool = param(
        True,
        source="issue 4: terrain horizon from HeapTerrain.surfaces.horizon_deg",
        doc="block beam below the terrain horizon and reduce sky diffuse by its sky-view factor",
    )
    # --- temperature --------------------------------------------------------------------------
    temperature_model: str = param(
        "faiman",
        choices=_TEMPERATURE,
        source="Faiman 2008 via pvlib.temperature.faiman (DOMAIN.md)",
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
        choices=_SAPM_MOUNTS,
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
        128,
        unit="-",
        min=1,
        max=100000,
        source="assumption: keeps each (time x surface) float array ~4 MB for a year",
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
        return dict(pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][self.sapm_mount])

    def check(self, origin: str = "config") -> None:
        """Cross-field and model-name checks; raise a one-line ConfigError."""
        for name, allowed in (
            ("transposition_model", _TRANSPOSITION),
            ("iam_model", _IAM),
            ("temperature_model", _TEMPERATURE),
            ("sapm_mount", _SAPM_MOUNTS),
            ("perez_model_set", _PEREZ_SETS),
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


@dataclass
class PVResult:
    """Result of :func:`simulate_pv`.

    Attributes
    ----------
    per_surface : DataFrame, one row per (heap_id, surface_class), sorted by both: kind, layout,
        surface_tilt_deg, surface_azimuth_deg, module_tilt_deg, module_azimuth_deg,
        cross_axis_slope_deg, gcr_horizontal [-] (module area per map area), pitch_m,
        density_mwp_per_ha, usable_area_ha, capacity_mwp, energy_mwh_per_a,
        specific_yield_kwh_per_kwp, poa_kwh_per_m2_per_a (plane-of-array irradiation after
        shading and horizon), shading_loss_fraction (POA irradiation lost to rows and horizon).
    per_heap : DataFrame indexed by heap_id: pv_usable_area_ha, pv_capacity_mwp,
        pv_energy_mwh_per_a, pv_specific_yield_kwh_per_kwp (NaN where capacity is 0),
        pv_scaled_to_year (bool).
    monthly : DataFrame indexed by heap_id, columns 1..12 [MWh] (mean calendar month).
    scaled_to_year : bool, True if partial weather was scaled up to a year.
    warnings : tuple of str.
    """

    per_surface: pd.DataFrame
    per_heap: pd.DataFrame
    monthly: pd.DataFrame
    scaled_to_year: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------------------------------
# Sun and weather
# ------------------------------------------------------------------------------------------
def _step(index: pd.DatetimeIndex) -> pd.Timedelta:
    if len(index) < 2:
        return pd.Timedelta(hours=1)
    return pd.Timedelta(int(np.median(np.diff(index.as_unit("ns").asi8))), unit="ns")


def check_weather(data: pd.DataFrame) -> None:
    """Raise WeatherError if ``data`` lacks required columns or has a naive/unsorted index."""
    if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.DatetimeIndex):
        raise WeatherError(
            "pv: weather data must be a DataFrame with a DatetimeIndex; "
            "read it with haldenenergie.weather.read_weather"
        )
    if data.index.tz is None:
        raise WeatherError(
            "pv: weather index is timezone-naive; localise it (UTC) in the "
            "weather reader, times are never guessed"
        )
    missing = [c for c in REQUIRED_WEATHER_COLUMNS if c not in data.columns]
    if missing:
        raise WeatherError(
            f"pv: weather data lacks column(s) {', '.join(missing)}; required are "
            f"{', '.join(REQUIRED_WEATHER_COLUMNS)}, found {', '.join(map(str, data.columns))}"
        )
    if not data.index.is_monotonic_increasing or data.index.has_duplicates:
        raise WeatherError("pv: weather index must be strictly increasing; sort and de-duplicate")
    if len(data) == 0:
        raise WeatherError("pv: weather data is empty")


def solar_geometry(
    data: pd.DataFrame, latitude: float, longitude: float, elevation_m: float = 0.0
) -> pd.DataFrame:
    """Sun position, extraterrestrial DNI and airmass at the middle of each interval.

    Parameters
    ----------
    data : DataFrame with a tz-aware DatetimeIndex labelling interval *starts* (weather contract);
        optional columns ``pressure`` [Pa] and ``temp_air`` [°C] are used for refraction.
    latitude, longitude : [deg] of the weather location.
    elevation_m : [m] above sea level.

    Returns
    -------
    DataFrame indexed like ``data`` with apparent_zenith, apparent_elevation, azimuth [deg],
    dni_extra [W m-2], airmass_relative [-] (NaN when the sun is down); attribute
    ``attrs['step_h']`` [h].
    """
    step = _step(data.index)
    sp = sun.solar_position(
        data.index,
        latitude,
        longitude,
        elevation_m,
        step=step,
        pressure_pa=data["pressure"] if "pressure" in data else None,
        temp_air_c=data["temp_air"] if "temp_air" in data else None,
    )
    out = pd.DataFrame(
        {
            "apparent_zenith": sp["apparent_zenith"].to_numpy(),
            "apparent_elevation": sp["apparent_elevation"].to_numpy(),
            "azimuth": sp["azimuth"].to_numpy(),
            "dni_extra": sun.extraterrestrial_dni(data.index, step).to_numpy(dtype=float),
            "airmass_relative": sun.relative_airmass(sp["apparent_zenith"].to_numpy()),
        },
        index=data.index,
    )
    out.attrs["step_h"] = step / pd.Timedelta(hours=1)
    return out


# ------------------------------------------------------------------------------------------
# Layout and geometry (pure, per surface)
# ------------------------------------------------------------------------------------------
def rack_gcr_on_slope(rack_tilt_deg, cross_axis_slope_deg, design_gcr: float):
    """Horizontal GCR of south racks on sloped ground keeping the flat design's shading limit.

    The flat layout (tilt beta, GCR g) starts to self-shade when the sun's elevation projected on
    the plane across the rows falls below psi, tan(psi) = sin(beta) / (1/g - cos(beta)). On ground
    sloping by delta (cross-axis slope, positive = falling towards the sun side, i.e. south-facing)
    the same limit needs the horizontal pitch p = L sin(beta + psi) cos(delta) / sin(psi + delta)
    (the shade-start condition of pvlib.shading.shaded_fraction1d, Anderson & Jensen 2024).

    Parameters
    ----------
    rack_tilt_deg : rack tilt [deg].
    cross_axis_slope_deg : ground slope across the rows [deg], positive = south-facing.
    design_gcr : GCR of the flat design [-].

    Returns
    -------
    gcr_horizontal : collector width / horizontal pitch [-]; <= 0 where no pitch achieves the
        limit (ground falls to the north more steeply than psi).
    """
    beta = np.radians(rack_tilt_deg)
    delta = np.radians(cross_axis_slope_deg)
    psi = np.arctan2(np.sin(beta), 1.0 / design_gcr - np.cos(beta))
    return np.sin(psi + delta) / (np.sin(beta + psi) * np.cos(delta))


def cross_axis_slope(slope_deg, aspect_deg):
    """Ground slope across east-west rows [deg], positive where the ground falls to the south.

    tan(delta) = tan(slope) cos(aspect - 180); equals ``pvlib.tracking.calc_cross_axis_tilt(
    aspect, slope, axis_azimuth=90, axis_tilt=0)`` (Anderson & Mikofski 2020), vectorised.
    """
    s, a = np.radians(np.asarray(slope_deg, float)), np.radians(np.asarray(aspect_deg, float))
    return np.degrees(np.arctan(np.tan(s) * np.cos(a - np.pi)))


def power_density_mwp_per_ha(gcr_horizontal, cfg: PVConfig):
    """Installed DC power per map area [MWp ha-1].

    density = module efficiency x 1 kW m-2 x (module area per map area) x land_use_factor
    x 10,000 m2 ha-1 / 1000 kW MW-1. For flat ground with the defaults (22.0 %, GCR 0.40,
    0.85) this is 0.749 MWp/ha, the NRW figure 0.75 MW/ha (NRW government 2022).
    """
    return cfg.module_efficiency * np.asarray(gcr_horizontal, float) * cfg.land_use_factor * 10.0


def plan_layout(surfaces: pd.DataFrame, cfg: PVConfig | None = None) -> pd.DataFrame:
    """Layout rule per surface: racks, slope-following modules or nothing.

    Parameters
    ----------
    surfaces : DataFrame with columns kind ("plateau"|"flank"), surface_tilt_deg,
        surface_azimuth_deg [deg] (terrain contract).
    cfg : PVConfig.

    Returns
    -------
    DataFrame (same index): layout, module_tilt_deg, module_azimuth_deg, cross_axis_slope_deg,
    gcr_horizontal [-] (module area per *map* area), pitch_m (rack row pitch, horizontal; NaN
    for follow), density_mwp_per_ha.

    Notes
    -----
    ``usable_area_ha`` is taken as map (planimetric) area, as a DEM cell count gives it: slope-
    following modules cover ``flank_gcr`` of the *inclined* area, i.e. ``flank_gcr / cos(slope)``
    of the map area. Racks are levelled along the row (axis horizontal, modules facing 180 deg);
    only the ground slope across the rows enters the row geometry.
    """
    cfg = cfg or PVConfig()
    kind = surfaces["kind"].astype(str).to_numpy()
    slope = surfaces["surface_tilt_deg"].to_numpy(float)
    aspect = np.mod(surfaces["surface_azimuth_deg"].to_numpy(float), 360.0)
    plateau = kind == "plateau"
    follow = (
        ~plateau
        & (slope >= cfg.flank_follow_min_tilt_deg)
        & (slope <= cfg.flank_max_tilt_deg)
        & (aspect >= cfg.flank_azimuth_min_deg)
        & (aspect <= cfg.flank_azimuth_max_deg)
    )
    too_steep = ~plateau & (slope > cfg.flank_max_tilt_deg)
    rack = ~follow & ~too_steep
    cross = np.where(plateau, 0.0, cross_axis_slope(slope, aspect))
    gcr_rack = rack_gcr_on_slope(cfg.plateau_tilt_deg, cross, cfg.plateau_gcr)
    gcr_rack = np.where(plateau, cfg.plateau_gcr, np.minimum(gcr_rack, cfg.rack_gcr_max))
    rack_none = rack & (gcr_rack < cfg.rack_gcr_min)
    rack = rack & ~rack_none
    layout = np.where(follow, "follow", np.where(rack, "rack", "none"))
    gcr_h = np.where(
        follow, cfg.flank_gcr / np.cos(np.radians(slope)), np.where(rack, gcr_rack, 0.0)
    )
    out = pd.DataFrame(
        {
            "layout": layout,
            "module_tilt_deg": np.where(follow, slope, cfg.plateau_tilt_deg),
            "module_azimuth_deg": np.where(follow, aspect, 180.0),
            "cross_axis_slope_deg": np.where(rack, cross, 0.0),
            "gcr_horizontal": gcr_h,
            "pitch_m": np.where(
                rack, cfg.collector_width_m / np.where(rack, gcr_rack, 1.0), np.nan
            ),
            "density_mwp_per_ha": power_density_mwp_per_ha(gcr_h, cfg),
        },
        index=surfaces.index,
    )
    return out


def horizon_sky_view_factor(surface_tilt, surface_azimuth, horizon_deg) -> np.ndarray:
    """Share of an inclined plane's isotropic sky diffuse left visible by a horizon profile.

    Integrates the cosine-weighted visible sky analytically in elevation and numerically in
    azimuth (1 deg): for azimuth phi the plane sees directions with elevation e above
    max(horizon(phi), 0, e0) where e0 is the plane's own edge; integrand
    (a cos e + b sin e) cos e with a = sin(tilt) cos(phi - azimuth), b = cos(tilt).
    The unobstructed integral is (1 + cos tilt) / 2.

    Parameters
    ----------
    surface_tilt, surface_azimuth : (S,) [deg].
    horizon_deg : (S, 36) horizon elevation [deg] at azimuth 0, 10, ..., 350 (linear
        interpolation between them, circular).

    Returns
    -------
    factor : (S,) in [0, 1]; 1 for a zero horizon.
    """
    tilt = np.radians(np.atleast_1d(np.asarray(surface_tilt, float)))[:, None]
    az = np.radians(np.atleast_1d(np.asarray(surface_azimuth, float)))[:, None]
    hz = np.radians(
        _interp_horizon(np.atleast_2d(np.asarray(horizon_deg, float)), np.arange(0.5, 360.0, 1.0))
    )  # (S, 360)
    phi = np.radians(np.arange(0.5, 360.0, 1.0))[None, :]
    a = np.sin(tilt) * np.cos(phi - az)
    b = np.cos(tilt) * np.ones_like(a)
    e0 = np.arctan2(-a, b)  # plane's own edge: integrand > 0 above it

    def g(e):
        return a * (e / 2 + np.sin(2 * e) / 4) + b * np.sin(e) ** 2 / 2

    top = g(np.pi / 2)
    free = (top - g(np.clip(e0, 0, np.pi / 2))).sum(axis=1)
    seen = (top - g(np.clip(np.maximum(hz, e0), 0, np.pi / 2))).sum(axis=1)
    return np.where(free > 0, seen / np.where(free > 0, free, 1), 0.0)


def row_sky_view_factor(
    rack_tilt_deg, cross_axis_slope_deg, gcr_horizontal, n_points: int = 40
) -> np.ndarray:
    """Share of a rack's isotropic sky diffuse not masked by the row in front, on sloped ground.

    2-D view factor (as in pvlib.bifacial.infinite_sheds, Marion et al. 2017): a point at slant
    position s on the module sees the sky above the masking elevation psi(s) of the front row's
    top edge: F(s) = (1 + cos(tilt + psi)) / 2, averaged over the slant height and divided by the
    unobstructed (1 + cos tilt) / 2. The front row stands lower by pitch x tan(delta) on ground
    sloping by delta towards the front (south). For delta = 0 this equals
    pvlib.bifacial.utils.vf_row_sky_2d_integ / ((1 + cos tilt) / 2).

    Parameters
    ----------
    rack_tilt_deg : (S,) [deg].
    cross_axis_slope_deg : (S,) [deg], positive = ground falls towards the front (south).
    gcr_horizontal : (S,) collector width / horizontal pitch [-].
    n_points : slant positions averaged (midpoint rule).

    Returns
    -------
    factor : (S,) in [0, 1].
    """
    beta = np.radians(np.atleast_1d(np.asarray(rack_tilt_deg, float)))[:, None]
    delta = np.radians(np.atleast_1d(np.asarray(cross_axis_slope_deg, float)))[:, None]
    pitch = 1.0 / np.atleast_1d(np.asarray(gcr_horizontal, float))[:, None]  # in collector widths
    s = (np.arange(n_points) + 0.5)[None, :] / n_points
    dx = pitch - np.cos(beta) + s * np.cos(beta)
    dz = -pitch * np.tan(delta) + (1 - s) * np.sin(beta)
    psi = np.clip(np.arctan2(dz, dx), 0.0, None)
    f = (1 + np.cos(np.minimum(beta + psi, np.pi))) / 2
    return f.mean(axis=1) / ((1 + np.cos(beta[:, 0])) / 2)


def _interp_horizon(horizon: np.ndarray, azimuth_deg: np.ndarray) -> np.ndarray:
    """Circular linear interpolation of (S, 36) horizon profiles at azimuths (...,) -> (S, ...)."""
    k = np.mod(np.asarray(azimuth_deg, float), 360.0) / 10.0
    k0 = np.floor(k).astype(int) % N_HORIZON
    w = k - np.floor(k)
    k1 = (k0 + 1) % N_HORIZON
    return horizon[:, k0] * (1 - w) + horizon[:, k1] * w


def _horizon_matrix(surfaces: pd.DataFrame) -> np.ndarray:
    n = len(surfaces)
    if "horizon_deg" not in surfaces.columns:
        return np.zeros((n, N_HORIZON))
    out = np.zeros((n, N_HORIZON))
    for i, (key, h) in enumerate(zip(surfaces["surface_class"], surfaces["horizon_deg"])):
        if h is None or (np.isscalar(h) and pd.isna(h)):
            continue
        arr = np.asarray(h, float).ravel()
        if arr.size != N_HORIZON or not np.all(np.isfinite(arr)):
            raise TerrainError(
                f"pv: surfaces row {i} ({key}): horizon_deg must hold "
                f"{N_HORIZON} finite values (azimuth 0..350 step 10), got "
                f"{arr.size}; fix the terrain stage output"
            )
        out[i] = arr
    return out


# ------------------------------------------------------------------------------------------
# Vectorised kernel
# ------------------------------------------------------------------------------------------
@dataclass
class _Geometry:
    """Per-surface inputs of the kernel, numpy arrays of length S."""

    tilt: np.ndarray
    azimuth: np.ndarray
    rack: np.ndarray  # bool: row shading applies
    cross_slope: np.ndarray  # [deg]
    gcr_h: np.ndarray  # collector width / horizontal pitch
    horizon: np.ndarray  # (S, 36)


def _kernel(
    geo: _Geometry,
    wx: dict,
    sun: dict,
    cfg: PVConfig,
    month_matrix: np.ndarray,
    keep_series: bool = False,
) -> dict:
    """AC energy per kWp of S surfaces on the daytime steps (2-D arrays T x S)."""
    tilt, az = geo.tilt[None, :], geo.azimuth[None, :]
    zen, azi = sun["zenith"][:, None], sun["azimuth"][:, None]
    dni, dhi, ghi = wx["dni"][:, None], wx["dhi"][:, None], wx["ghi"][:, None]
    step_h = sun["step_h"]

    cos_aoi = pvlib.irradiance.aoi_projection(tilt, az, zen, azi)
    beam = dni * np.maximum(cos_aoi, 0.0)
    if cfg.transposition_model == "perez":
        comp = pvlib.irradiance.perez(
            tilt,
            az,
            dhi,
            dni,
            sun["dni_extra"][:, None],
            zen,
            azi,
            sun["airmass"][:, None],
            model=cfg.perez_model_set,
            return_components=True,
        )
        iso, circ, hor = comp["poa_isotropic"], comp["poa_circumsolar"], comp["poa_horizon"]
    elif cfg.transposition_model == "haydavies":
        comp = pvlib.irradiance.haydavies(
            tilt, az, dhi, dni, sun["dni_extra"][:, None], zen, azi, return_components=True
        )
        iso, circ, hor = comp["poa_isotropic"], comp["poa_circumsolar"], 0.0
    else:
        iso, circ, hor = pvlib.irradiance.isotropic(tilt, dhi), 0.0, 0.0
    # Perez gives NaN where dhi = 0 (undefined sky clearness); no diffuse then.
    no_dhi = ~(wx["dhi"] > 0)[:, None]
    iso, circ, hor = (
        np.where(no_dhi, 0.0, x)
        if no_dhi.any()
        else np.broadcast_to(np.asarray(x, float), cos_aoi.shape)
        for x in (iso, circ, hor)
    )
    ground = pvlib.irradiance.get_ground_diffuse(tilt, ghi, albedo=cfg.albedo)
    ground = np.broadcast_to(np.asarray(ground, float), cos_aoi.shape)
    unshaded = beam + iso + circ + hor + ground

    # Beam-like components: terrain horizon and row shading.
    beam_factor = np.ones_like(cos_aoi)
    sky_factor = np.ones(len(geo.tilt))
    if cfg.terrain_horizon and np.any(geo.horizon != 0):
        hz = _interp_horizon(geo.horizon, sun["azimuth"]).T  # (T, S)
        beam_factor = beam_factor * (sun["elevation"][:, None] > hz)
        sky_factor = sky_factor * horizon_sky_view_factor(geo.tilt, geo.azimuth, geo.horizon)
    if cfg.row_shading and np.any(geo.rack):
        r = np.flatnonzero(geo.rack)
        width = cfg.collector_width_m
        fs = pvlib.shading.shaded_fraction1d(
            zen,
            azi,
            90.0,
            geo.tilt[None, r],
            collector_width=width,
            pitch=width / geo.gcr_h[None, r],
            cross_axis_slope=geo.cross_slope[None, r],
        )
        psz = pvlib.shading.projected_solar_zenith_angle(zen, azi, 0.0, 90.0)
        fs = np.where(psz > 0, fs, 0.0)  # sun behind the rows: no front-row shadow on the face
        beam_factor[:, r] *= 1.0 - fs
        sky_factor[r] *= row_sky_view_factor(geo.tilt[r], geo.cross_slope[r], geo.gcr_h[r])
    poa_direct = beam * beam_factor
    poa_sky = (iso + hor) * sky_factor[None, :] + circ * beam_factor
    poa_global = poa_direct + poa_sky + ground

    lit = poa_direct > 0  # IAM only where beam arrives (saves the trigonometry elsewhere)
    iam = np.zeros_like(cos_aoi)
    iam[lit] = _iam(np.degrees(np.arccos(cos_aoi[lit])), cfg)
    if cfg.diffuse_iam and cfg.iam_model != "no_loss":
        d = pvlib.iam.marion_diffuse(cfg.iam_model, geo.tilt)
        eff = poa_direct * iam + poa_sky * d["sky"][None, :] + ground * d["ground"][None, :]
    else:
        eff = poa_direct * iam + poa_sky + ground

    temp_air, wind = wx["temp_air"][:, None], wx["wind_speed"][:, None]
    tp = cfg.temperature_parameters()
    if cfg.temperature_model == "faiman":
        tcell = pvlib.temperature.faiman(poa_global, temp_air, wind, **tp)
    else:
        tcell = pvlib.temperature.sapm_cell(poa_global, temp_air, wind, **tp)
    pdc = pvlib.pvsystem.pvwatts_dc(eff, tcell, 1.0, cfg.gamma_pdc) * (1 - cfg.total_loss_fraction)
    pac = pvlib.inverter.pvwatts(
        pdc, 1.0 / cfg.dc_ac_ratio / cfg.inverter_eta_nom, eta_inv_nom=cfg.inverter_eta_nom
    )
    energy = pac * step_h  # kWh per kWp and step
    out = {
        "monthly": month_matrix @ energy,  # (12, S) kWh/kWp
        "poa": poa_global.sum(axis=0) * step_h / 1000.0,  # kWh m-2
        "poa_unshaded": unshaded.sum(axis=0) * step_h / 1000.0,
    }
    if keep_series:
        out["energy"] = energy
    return out


def _iam(aoi, cfg: PVConfig):
    if cfg.iam_model == "no_loss":
        return np.ones_like(aoi)
    fn = getattr(pvlib.iam, cfg.iam_model)
    return np.nan_to_num(fn(aoi), nan=0.0)


def _prepare(data: pd.DataFrame, meta) -> tuple[dict, dict, pd.Series, pd.Index]:
    """Sun once per series; daytime rows only; returns (weather arrays, sun arrays, month, mask)."""
    check_weather(data)
    try:
        lat, lon = float(meta.latitude), float(meta.longitude)
        elev = float(getattr(meta, "elevation_m", 0.0) or 0.0)
    except (AttributeError, TypeError, ValueError):
        raise WeatherError(
            "pv: weather meta must give latitude, longitude [deg] and elevation_m "
            "(WeatherMeta from read_weather)"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 360):
        raise WeatherError(f"pv: weather location lat={lat}, lon={lon} is out of range")
    sg = solar_geometry(data, lat, lon, elev)
    day = sg["apparent_zenith"].to_numpy() < 90.0
    cols = {c: data[c].to_numpy(float)[day] for c in REQUIRED_WEATHER_COLUMNS}
    for c in ("ghi", "dhi", "dni"):
        cols[c] = np.clip(np.nan_to_num(cols[c], nan=0.0), 0.0, None)
    for c in ("temp_air", "wind_speed"):
        bad = ~np.isfinite(cols[c])
        if bad.any():
            raise WeatherError(
                f"pv: weather column {c} has {bad.sum()} missing daytime values; "
                "fill gaps in the weather stage"
            )
    sun = {
        "zenith": sg["apparent_zenith"].to_numpy()[day],
        "elevation": sg["apparent_elevation"].to_numpy()[day],
        "azimuth": sg["azimuth"].to_numpy()[day],
        "dni_extra": sg["dni_extra"].to_numpy()[day],
        "airmass": sg["airmass_relative"].to_numpy()[day],
        "step_h": sg.attrs["step_h"],
        "day": day,
    }
    mid = data.index + _step(data.index) / 2
    return cols, sun, mid, day


def _month_matrix(mid: pd.DatetimeIndex, day: np.ndarray) -> np.ndarray:
    months = mid.month.to_numpy()[day]
    return (months[None, :] == np.arange(1, 13)[:, None]).astype(float)


def _run(geo: _Geometry, data, meta, cfg: PVConfig, keep_series=False) -> dict:
    wx, sun, mid, day = _prepare(data, meta)
    mm = _month_matrix(mid, day)
    S = len(geo.tilt)
    res = {"monthly": np.zeros((12, S)), "poa": np.zeros(S), "poa_unshaded": np.zeros(S)}
    if keep_series:
        res["energy"] = np.zeros((int(day.sum()), S))
    step = max(1, int(cfg.chunk_surfaces))
    for i0 in range(0, S, step):
        sl = slice(i0, min(S, i0 + step))
        sub = _Geometry(
            geo.tilt[sl],
            geo.azimuth[sl],
            geo.rack[sl],
            geo.cross_slope[sl],
            geo.gcr_h[sl],
            geo.horizon[sl],
        )
        out = _kernel(sub, wx, sun, cfg, mm, keep_series)
        res["monthly"][:, sl] = out["monthly"]
        res["poa"][sl] = out["poa"]
        res["poa_unshaded"][sl] = out["poa_unshaded"]
        if keep_series:
            res["energy"][:, sl] = out["energy"]
    res["day"] = day
    return res


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------
def _check_surfaces(surfaces: pd.DataFrame) -> None:
    if not isinstance(surfaces, pd.DataFrame):
        raise TerrainError("pv: surfaces must be a DataFrame (HeapTerrain.surfaces + heap_id)")
    missing = [c for c in REQUIRED_SURFACE_COLUMNS if c not in surfaces.columns]
    if missing:
        raise TerrainError(
            f"pv: surfaces lack column(s) {', '.join(missing)}; required are "
            f"{', '.join(REQUIRED_SURFACE_COLUMNS)} (add heap_id to each "
            "HeapTerrain.surfaces before concatenating)"
        )
    dup = surfaces.duplicated(["heap_id", "surface_class"])
    if dup.any():
        row = surfaces.loc[dup].iloc[0]
        raise TerrainError(
            f"pv: surfaces row ({row['heap_id']}, {row['surface_class']}) appears "
            "twice; surface_class must be unique per heap"
        )
    for c in ("surface_tilt_deg", "surface_azimuth_deg", "usable_area_ha"):
        v = pd.to_numeric(surfaces[c], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(v) | ((v < 0) if c != "surface_azimuth_deg" else False)
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            raise TerrainError(
                f"pv: surfaces row {i} ({surfaces['heap_id'].iloc[i]}, "
                f"{surfaces['surface_class'].iloc[i]}): {c} = "
                f"{surfaces[c].iloc[i]!r} must be a finite number >= 0"
            )
    bad_kind = ~surfaces["kind"].isin(["plateau", "flank"])
    if bad_kind.any():
        i = int(np.flatnonzero(bad_kind.to_numpy())[0])
        raise TerrainError(
            f"pv: surfaces row {i}: kind = {surfaces['kind'].iloc[i]!r}; use 'plateau' or 'flank'"
        )


PER_HEAP_COLUMNS = (
    "pv_usable_area_ha",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "pv_specific_yield_kwh_per_kwp",
    "pv_scaled_to_year",
)
#: Optional terrain columns copied into ``PVResult.per_surface`` when present.
PASSTHROUGH_COLUMNS = ("terrain_source", "tilt_band", "azimuth_sector", "area_ha")


def _empty_result() -> PVResult:
    per_heap = pd.DataFrame(columns=list(PER_HEAP_COLUMNS), dtype=float)
    per_heap.index.name = "heap_id"
    monthly = pd.DataFrame(columns=list(range(1, 13)), dtype=float)
    monthly.index.name = "heap_id"
    return PVResult(
        pd.DataFrame(
            columns=[
                "heap_id",
                "surface_class",
                "layout",
                "capacity_mwp",
                "energy_mwh_per_a",
                "specific_yield_kwh_per_kwp",
            ]
        ),
        per_heap,
        monthly,
    )


def _geometry(plan: pd.DataFrame, horizon: np.ndarray) -> _Geometry:
    return _Geometry(
        plan["module_tilt_deg"].to_numpy(float),
        plan["module_azimuth_deg"].to_numpy(float),
        (plan["layout"] == "rack").to_numpy(),
        plan["cross_axis_slope_deg"].to_numpy(float),
        np.where(plan["layout"] == "rack", plan["gcr_horizontal"], 1.0).astype(float),
        horizon,
    )


def irradiance_available(data: pd.DataFrame, meta) -> bool:
    """False for wind-only weather (``meta.irradiance_available`` False, or no GHI value at all)."""
    if not bool(getattr(meta, "irradiance_available", True)):
        return False
    return not (
        isinstance(data, pd.DataFrame)
        and "ghi" in data.columns
        and len(data)
        and data["ghi"].isna().all()
    )


NO_IRRADIANCE_NOTE = (
    "PV energy not computed: the weather file has no irradiance (wind only); "
    "capacity is from the layout alone"
)


def _capacity_only(surfaces: pd.DataFrame, cfg: PVConfig) -> PVResult:
    """Layout and capacity of every surface with energy NaN (weather without irradiance)."""
    surf = surfaces.copy()
    surf["heap_id"] = surf["heap_id"].astype(str)
    surf["surface_class"] = surf["surface_class"].astype(str)
    surf = surf.sort_values(["heap_id", "surface_class"], kind="stable").reset_index(drop=True)
    plan = plan_layout(surf, cfg)
    active = (plan["layout"] != "none").to_numpy()
    cap = surf["usable_area_ha"].to_numpy(float) * plan["density_mwp_per_ha"].to_numpy()
    passthrough = {c: surf[c] for c in PASSTHROUGH_COLUMNS if c in surf.columns}
    per_surface = pd.DataFrame(
        {
            "heap_id": surf["heap_id"],
            "surface_class": surf["surface_class"],
            "kind": surf["kind"],
            **passthrough,
            "surface_tilt_deg": surf["surface_tilt_deg"].astype(float),
            "surface_azimuth_deg": surf["surface_azimuth_deg"].astype(float),
            **{c: plan[c] for c in plan.columns},
            "usable_area_ha": surf["usable_area_ha"].astype(float),
            "capacity_mwp": cap,
            "energy_mwh_per_a": np.nan,
            "specific_yield_kwh_per_kwp": np.nan,
            "poa_kwh_per_m2_per_a": np.nan,
            "shading_loss_fraction": np.nan,
        }
    )
    g = per_surface.assign(usable=np.where(active, per_surface["usable_area_ha"], 0.0)).groupby(
        "heap_id", sort=True
    )
    per_heap = pd.DataFrame(
        {"pv_usable_area_ha": g["usable"].sum(), "pv_capacity_mwp": g["capacity_mwp"].sum()}
    )
    per_heap["pv_energy_mwh_per_a"] = np.nan
    per_heap["pv_specific_yield_kwh_per_kwp"] = np.nan
    per_heap["pv_scaled_to_year"] = False
    per_heap.index.name = "heap_id"
    monthly = pd.DataFrame(np.nan, index=per_heap.index, columns=list(range(1, 13)))
    return PVResult(per_surface, per_heap, monthly, False, (NO_IRRADIANCE_NOTE,))


def simulate_pv(
    surfaces: pd.DataFrame, data: pd.DataFrame, meta, cfg: PVConfig | None = None
) -> PVResult:
    """PV capacity and energy of every usable surface of every heap, vectorised.

    Parameters
    ----------
    surfaces : DataFrame, rows from many heaps: heap_id plus the HeapTerrain.surfaces columns
        (surface_class, kind, surface_tilt_deg [deg], surface_azimuth_deg [deg],
        usable_area_ha [ha] (map area), optional horizon_deg (36 values [deg])).
    data : weather DataFrame (read_weather): tz-aware index labelling interval starts, ghi, dhi,
        dni [W m-2], temp_air [°C], wind_speed [m s-1], optional pressure [Pa].
    meta : WeatherMeta (latitude, longitude, elevation_m, partial).
    cfg : PVConfig (defaults if None).

    Returns
    -------
    PVResult (per_surface, per_heap, monthly [MWh]); see :class:`PVResult`. For weather without
    irradiance (wind-only files, :func:`irradiance_available`) layout and capacity are given and
    every energy is NaN, with :data:`NO_IRRADIANCE_NOTE` in ``warnings``.

    Raises
    ------
    TerrainError : surfaces lack columns, have duplicates or invalid values.
    WeatherError : weather lacks columns, has a naive index, or meta lacks the location.

    Notes
    -----
    The solar position is computed once per weather series; irradiance, temperature and power are
    computed once per *unique* surface geometry (identical geometries of different heaps share
    one column) on (daytime steps x surfaces) arrays. Results do not depend on row order.
    """
    cfg = cfg or PVConfig()
    cfg.check("pv config")
    if isinstance(surfaces, pd.DataFrame) and len(surfaces) == 0:
        check_weather(data)
        return _empty_result()
    _check_surfaces(surfaces)
    if not irradiance_available(data, meta):
        return _capacity_only(surfaces, cfg)
    surf = surfaces.copy()
    surf["heap_id"] = surf["heap_id"].astype(str)
    surf["surface_class"] = surf["surface_class"].astype(str)
    surf = surf.sort_values(["heap_id", "surface_class"], kind="stable").reset_index(drop=True)
    plan = plan_layout(surf, cfg)
    horizon = _horizon_matrix(surf)

    # Unique geometries: identical rows share one simulated column.
    key = np.column_stack(
        [
            plan["module_tilt_deg"],
            plan["module_azimuth_deg"],
            (plan["layout"] == "rack").astype(float),
            plan["cross_axis_slope_deg"],
            np.where(plan["layout"] == "rack", plan["gcr_horizontal"], 1.0),
            horizon if cfg.terrain_horizon else np.zeros_like(horizon),
        ]
    )
    active = (plan["layout"] != "none").to_numpy()
    n = len(surf)
    monthly_spec = np.zeros((12, n))
    poa = np.full(n, np.nan)
    poa_un = np.full(n, np.nan)
    if active.any():
        uniq, inverse = np.unique(np.round(key[active], 9), axis=0, return_inverse=True)
        geo = _Geometry(
            uniq[:, 0], uniq[:, 1], uniq[:, 2] > 0.5, uniq[:, 3], uniq[:, 4], uniq[:, 5:]
        )
        res = _run(geo, data, meta, cfg)
        idx = np.flatnonzero(active)
        monthly_spec[:, idx] = res["monthly"][:, inverse.ravel()]
        poa[idx] = res["poa"][inverse.ravel()]
        poa_un[idx] = res["poa_unshaded"][inverse.ravel()]
    else:
        check_weather(data)
    step = _step(data.index)
    step_h = step / pd.Timedelta(hours=1)
    mid = data.index + step / 2
    annual_f, month_f, scaled = year_factors(mid, step_h, meta)
    warnings: list[str] = []
    if scaled:
        warnings.append(
            f"weather covers {len(data) * step_h:.0f} h only: annual PV energy "
            "scaled to 8760 h (seasonal bias possible); months less than half covered are NaN"
        )
    annual_spec = monthly_spec.sum(axis=0) * annual_f  # kWh/kWp per year
    monthly_spec = monthly_spec * month_f[:, None]

    cap = surf["usable_area_ha"].to_numpy(float) * plan["density_mwp_per_ha"].to_numpy()
    passthrough = {c: surf[c] for c in PASSTHROUGH_COLUMNS if c in surf.columns}
    per_surface = pd.DataFrame(
        {
            "heap_id": surf["heap_id"],
            "surface_class": surf["surface_class"],
            "kind": surf["kind"],
            **passthrough,
            "surface_tilt_deg": surf["surface_tilt_deg"].astype(float),
            "surface_azimuth_deg": surf["surface_azimuth_deg"].astype(float),
            **{c: plan[c] for c in plan.columns},
            "usable_area_ha": surf["usable_area_ha"].astype(float),
            "capacity_mwp": cap,
            "energy_mwh_per_a": cap * annual_spec,
            "specific_yield_kwh_per_kwp": np.where(active, annual_spec, np.nan),
            "poa_kwh_per_m2_per_a": poa * annual_f,
            "shading_loss_fraction": np.where(
                active, 1 - poa / np.where(active, poa_un, 1), np.nan
            ),
        }
    )
    monthly_mwh = pd.DataFrame((monthly_spec * cap[None, :]).T, columns=range(1, 13))
    monthly_mwh["heap_id"] = surf["heap_id"].to_numpy()
    monthly = monthly_mwh.groupby("heap_id", sort=True).sum(min_count=1)
    monthly.columns = list(range(1, 13))
    g = per_surface.assign(usable=np.where(active, per_surface["usable_area_ha"], 0.0)).groupby(
        "heap_id", sort=True
    )
    per_heap = pd.DataFrame(
        {
            "pv_usable_area_ha": g["usable"].sum(),
            "pv_capacity_mwp": g["capacity_mwp"].sum(),
            "pv_energy_mwh_per_a": g["energy_mwh_per_a"].sum(),
        }
    )
    per_heap["pv_specific_yield_kwh_per_kwp"] = per_heap["pv_energy_mwh_per_a"] / per_heap[
        "pv_capacity_mwp"
    ].where(per_heap["pv_capacity_mwp"] > 0)
    per_heap["pv_scaled_to_year"] = scaled
    per_heap.index.name = "heap_id"
    monthly.index.name = "heap_id"
    return PVResult(per_surface, per_heap, monthly, scaled, tuple(warnings))


def surface_energy(
    data: pd.DataFrame,
    meta,
    cfg: PVConfig | None = None,
    *,
    surface_tilt: float,
    surface_azimuth: float,
    kind: str = "flank",
    layout: str | None = None,
    horizon_deg=None,
) -> pd.Series:
    """AC energy per kWp of one surface for every weather step [kWh kWp-1].

    Parameters
    ----------
    data, meta : weather (as for :func:`simulate_pv`).
    cfg : PVConfig.
    surface_tilt, surface_azimuth : ground slope and aspect of the surface [deg].
    kind : "plateau" or "flank" (layout rules of :func:`plan_layout`).
    layout : None to apply the rules; "follow" forces modules in the ground plane (tilt =
        slope, azimuth = aspect, no row shading); "rack" forces south racks on that ground.
    horizon_deg : 36 horizon elevations [deg] at azimuth 0..350, or None (flat horizon).

    Returns
    -------
    Series indexed like ``data``: AC energy per kWp DC in each step [kWh kWp-1]; its sum over a
    full year is the specific yield [kWh kWp-1 a-1]. Zero while the sun is below the horizon.
    """
    cfg = cfg or PVConfig()
    cfg.check("pv config")
    row = pd.DataFrame(
        {
            "kind": [kind],
            "surface_tilt_deg": [float(surface_tilt)],
            "surface_azimuth_deg": [float(surface_azimuth)],
        }
    )
    plan = plan_layout(row, cfg)
    if layout == "follow":
        plan.loc[:, ["layout", "module_tilt_deg", "module_azimuth_deg", "cross_axis_slope_deg"]] = [
            "follow",
            float(surface_tilt),
            float(surface_azimuth) % 360,
            0.0,
        ]
    elif layout == "rack":
        cross = 0.0 if kind == "plateau" else float(cross_axis_slope(surface_tilt, surface_azimuth))
        gcr = rack_gcr_on_slope(cfg.plateau_tilt_deg, cross, cfg.plateau_gcr)
        plan.loc[
            :,
            [
                "layout",
                "module_tilt_deg",
                "module_azimuth_deg",
                "cross_axis_slope_deg",
                "gcr_horizontal",
            ],
        ] = [
            "rack",
            cfg.plateau_tilt_deg,
            180.0,
            cross,
            float(np.clip(gcr, 1e-3, cfg.rack_gcr_max)),
        ]
    elif layout is not None:
        raise ConfigError(
            f"pv: layout = {layout!r} is not allowed; choose None, 'follow' or 'rack'"
        )
    if plan["layout"].iloc[0] == "none":
        check_weather(data)
        return pd.Series(0.0, index=data.index, name="ac_energy_kwh_per_kwp")
    horizon = (
        np.zeros((1, N_HORIZON))
        if horizon_deg is None
        else _horizon_matrix(
            pd.DataFrame({"surface_class": ["surface"], "horizon_deg": [horizon_deg]})
        )
    )
    res = _run(_geometry(plan, horizon), data, meta, cfg, keep_series=True)
    out = np.zeros(len(data))
    out[res["day"]] = res["energy"][:, 0]
    return pd.Series(out, index=data.index, name="ac_energy_kwh_per_kwp")


def modelchain_energy(
    data: pd.DataFrame,
    meta,
    cfg: PVConfig | None = None,
    *,
    surface_tilt: float,
    surface_azimuth: float,
) -> pd.Series:
    """The same unshaded surface computed the plain way: one pvlib ``ModelChain``.

    Reference and benchmark path (tests/test_pv.py, benchmarks/bench_pv.py): PVWatts DC and AC,
    ``cfg``'s transposition, IAM, temperature model, albedo and PVWatts losses; no row shading,
    no terrain horizon. The weather index is shifted to the interval middle before the run, as
    the vectorised engine does for the sun position.

    Returns
    -------
    Series indexed like ``data``: AC energy per kWp in each step [kWh kWp-1].
    """
    cfg = cfg or PVConfig()
    check_weather(data)
    step = _step(data.index)
    weather = data.copy()
    weather.index = data.index + step / 2
    loc = pvlib.location.Location(
        meta.latitude,
        meta.longitude,
        tz="UTC",
        altitude=float(getattr(meta, "elevation_m", 0.0) or 0.0),
    )
    system = pvlib.pvsystem.PVSystem(
        surface_tilt=surface_tilt,
        surface_azimuth=surface_azimuth,
        albedo=cfg.albedo,
        module_parameters={"pdc0": 1.0, "gamma_pdc": cfg.gamma_pdc},
        inverter_parameters={
            "pdc0": 1.0 / cfg.dc_ac_ratio / cfg.inverter_eta_nom,
            "eta_inv_nom": cfg.inverter_eta_nom,
        },
        temperature_model_parameters=cfg.temperature_parameters(),
        losses_parameters=cfg.loss_parameters(),
    )
    mc = pvlib.modelchain.ModelChain(
        system,
        loc,
        dc_model="pvwatts",
        ac_model="pvwatts",
        aoi_model=cfg.iam_model,
        spectral_model="no_loss",
        temperature_model=cfg.temperature_model if cfg.temperature_model == "faiman" else "sapm",
        losses_model="pvwatts",
        transposition_model=cfg.transposition_model,
    )
    mc.run_model(weather)
    ac = np.nan_to_num(np.asarray(mc.results.ac, float), nan=0.0)
    return pd.Series(
        ac * step / pd.Timedelta(hours=1), index=data.index, name="ac_energy_kwh_per_kwp"
    )


__all__ = [
    "LAYOUTS",
    "PASSTHROUGH_COLUMNS",
    "PER_HEAP_COLUMNS",
    "REQUIRED_SURFACE_COLUMNS",
    "REQUIRED_WEATHER_COLUMNS",
    "PVConfig",
    "PVResult",
    "calendar_month_hours",
    "check_weather",
    "cross_axis_slope",
    "horizon_sky_view_factor",
    "irradiance_available",
    "modelchain_energy",
    "partial_month_factors",
    "plan_layout",
    "power_density_mwp_per_ha",
    "rack_gcr_on_slope",
    "row_sky_view_factor",
    "simulate_pv",
    "solar_geometry",
    "surface_energy",
]
