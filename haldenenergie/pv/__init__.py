"""PV yield of heap surfaces with pvlib, vectorised across all surfaces of all heaps.

Pipeline (one call of :func:`simulate_pv`):

1. **Sun, once per weather series** (:mod:`.inputs`): apparent solar position at the *middle* of
   each interval (``index + step/2``; weather series label intervals by their start), at the
   weather location, with the series' pressure and air temperature for refraction;
   extraterrestrial DNI (Spencer 1971) and relative airmass (Kasten & Young 1989) — the same
   inputs a pvlib ``ModelChain`` uses.
2. **Layout per surface** (:mod:`.layout`, :func:`plan_layout`): plateau → fixed south racks at
   ``plateau_tilt_deg`` and ground coverage ratio ``plateau_gcr``; flank → modules follow the
   slope (tilt = slope, azimuth = aspect) where the slope lies in
   ``[flank_follow_min_tilt_deg, flank_max_tilt_deg]`` and the aspect in
   ``[flank_azimuth_min_deg, flank_azimuth_max_deg]`` (E..S..W); otherwise south racks whose row
   pitch is set so that the rows start shading each other at the *same* projected sun elevation
   as on the plateau (denser on south-facing ground, sparser on north-facing ground); ``"none"``
   where this would need a horizontal GCR below ``rack_gcr_min`` or the slope is steeper than
   ``flank_max_tilt_deg``. Power density [MWp ha-1] = module efficiency x 1 kW m-2 x module
   area per horizontal (map) area x ``land_use_factor``.
3. **Irradiance, vectorised** (:mod:`.model`) on 2-D arrays (daytime steps x unique surface
   geometries, in chunks): Perez (or Hay-Davies / isotropic) transposition, ground reflection,
   terrain horizon, row self-shading of racks, incidence-angle modifier, cell temperature
   (Faiman or SAPM), PVWatts DC, itemised losses and inverter.
4. **Aggregation** (:mod:`.simulate`): AC energy per kWp is scale-free, so energy = capacity x
   specific yield and scales linearly with usable area; monthly sums by a (month x time) matrix
   product.

Without shading and horizon, one surface reproduces a plain pvlib ``ModelChain`` (PVWatts DC/AC,
same Perez/IAM/temperature/losses) to < 0.1 % (:func:`modelchain_energy`, :mod:`.single`).

The names below are loaded on first use: ``import haldenenergie.pv`` (and the config section
:class:`PVConfig` in :mod:`.config`) does not import pvlib or pandas; ``simulate_pv`` and the
other engine names import :mod:`.simulate`, :mod:`.layout` … when first accessed.

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

import importlib
from typing import TYPE_CHECKING, Any

from .config import PVConfig

if TYPE_CHECKING:  # the lazily loaded names, for type checkers and linters
    from .inputs import REQUIRED_WEATHER_COLUMNS, check_weather, solar_geometry
    from .layout import (
        LAYOUTS,
        N_HORIZON,
        cross_axis_slope,
        horizon_sky_view_factor,
        plan_layout,
        power_density_mwp_per_ha,
        rack_gcr_on_slope,
        row_sky_view_factor,
    )
    from .simulate import (
        NO_IRRADIANCE_NOTE,
        PASSTHROUGH_COLUMNS,
        PER_HEAP_COLUMNS,
        REQUIRED_SURFACE_COLUMNS,
        PVResult,
        check_surfaces,
        irradiance_available,
        simulate_pv,
    )
    from .single import modelchain_energy, surface_energy

#: Lazily loaded public name -> submodule that defines it.
_LAZY: dict[str, str] = {
    "REQUIRED_WEATHER_COLUMNS": "inputs",
    "check_weather": "inputs",
    "solar_geometry": "inputs",
    "LAYOUTS": "layout",
    "N_HORIZON": "layout",
    "cross_axis_slope": "layout",
    "horizon_sky_view_factor": "layout",
    "plan_layout": "layout",
    "power_density_mwp_per_ha": "layout",
    "rack_gcr_on_slope": "layout",
    "row_sky_view_factor": "layout",
    "NO_IRRADIANCE_NOTE": "simulate",
    "PASSTHROUGH_COLUMNS": "simulate",
    "PER_HEAP_COLUMNS": "simulate",
    "REQUIRED_SURFACE_COLUMNS": "simulate",
    "PVResult": "simulate",
    "check_surfaces": "simulate",
    "irradiance_available": "simulate",
    "simulate_pv": "simulate",
    "modelchain_energy": "single",
    "surface_energy": "single",
}


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` on first access (PEP 562)."""
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "LAYOUTS",
    "NO_IRRADIANCE_NOTE",
    "N_HORIZON",
    "PASSTHROUGH_COLUMNS",
    "PER_HEAP_COLUMNS",
    "REQUIRED_SURFACE_COLUMNS",
    "REQUIRED_WEATHER_COLUMNS",
    "PVConfig",
    "PVResult",
    "check_surfaces",
    "check_weather",
    "cross_axis_slope",
    "horizon_sky_view_factor",
    "irradiance_available",
    "modelchain_energy",
    "plan_layout",
    "power_density_mwp_per_ha",
    "rack_gcr_on_slope",
    "row_sky_view_factor",
    "simulate_pv",
    "solar_geometry",
    "surface_energy",
]
