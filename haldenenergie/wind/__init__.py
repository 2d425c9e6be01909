"""Wind stage: turbines that fit on each heap and their annual energy, with windpowerlib.

Modules: :mod:`~haldenenergie.wind.config` (``WindConfig``; imports nothing heavy),
:mod:`~haldenenergie.wind.turbines` (windpowerlib's library, user power curves, substitutes for
existing turbines, :func:`check_config`), :mod:`~haldenenergie.wind.resource` (weather by height,
roughness, logarithmic profile), :mod:`~haldenenergie.wind.physics` (hill speed-up, air density,
density-corrected power curve), :mod:`~haldenenergie.wind.wakes` (Jensen / Katić),
:mod:`~haldenenergie.wind.layout` (siting), :mod:`~haldenenergie.wind.results` and
:mod:`~haldenenergie.wind.simulate` (:func:`simulate_wind`, :func:`turbine_energy`).

The names below are re-exported here. Only the light config names are imported eagerly; the others
load their module on first use, so that building the ``[wind]`` config section
(``haldenenergie.wind.config``) imports neither numpy, pandas nor windpowerlib.

References
----------
Taylor, P. A. and Lee, R. J. (1984): Simple guidelines for estimating wind speed variations due to
small-scale topographic features. Climatological Bulletin 18(2), 3-32.
Jensen, N. O. (1983): A note on wind generator interaction. Risø-M-2411.
Katić, I., Højstrup, J., Jensen, N. O. (1986): A simple model for cluster efficiency. EWEC 1986.
Svenningsen, L. (2010): Power curve air density correction and other power curve options in WindPRO.
"""

from __future__ import annotations

import importlib
from typing import Any

from .config import (
    CALIBRATION_METHODS,
    HEIGHT_REFERENCES,
    ROUGHNESS_SOURCES,
    SITE_SHAPES,
    WAKE_MODELS,
    WindConfig,
)

#: Re-exported name -> submodule that defines it (loaded on first access).
_LAZY = {
    "LIST_TURBINES_HINT": "turbines",
    "TurbineSpec": "turbines",
    "check_config": "turbines",
    "existing_turbine": "existing",
    "load_turbine": "turbines",
    "new_turbine": "turbines",
    "read_power_curve": "turbines",
    "read_substitutes": "existing",
    "turbine_types": "turbines",
    "RHO_0_KG_M3": "physics",
    "air_density": "physics",
    "hill_speedup": "physics",
    "power_curve_density_corrected": "physics",
    "thrust_coefficient": "physics",
    "jensen_wake_factors": "wakes",
    "new_turbine_layout": "layout",
    "site_layout": "layout",
    "PER_HEAP_COLUMNS": "results",
    "WindResult": "results",
    "AtlasSample": "atlas",
    "sample_atlas": "atlas",
    "fit_calibration": "calibration",
    "simulate_wind": "simulate",
    "turbine_energy": "simulate",
}

__all__ = [
    "CALIBRATION_METHODS",
    "HEIGHT_REFERENCES",
    "ROUGHNESS_SOURCES",
    "SITE_SHAPES",
    "WAKE_MODELS",
    "WindConfig",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
