"""Haldenenergie: PV and wind potential of the Ruhr area's spoil heaps (Bergehalden).

Python API (:mod:`haldenenergie.api`; imported on first use, so ``import haldenenergie`` stays
light — no pandas, pvlib or windpowerlib until a function runs)::

    import haldenenergie as he
    r = he.run()                       # packaged registry and synthetic weather year
    r.ranking.head()                   # DataFrames: heaps, surfaces, monthly, ranking, totals
    r.hourly("haniel")                 # PV and wind power [kW] / energy [kWh] per step, UTC
    r.write("out/")                    # the run folder the CLI writes
    he.load_results("out/")            # ... read back
    data, meta = he.read_weather("TRY2015_essen_jahr.dat")
    he.run(weather=(data, meta), config={"pv": {"plateau_tilt_deg": 25}})
    he.batch(["y2015.dat", "y2045.dat"], "batch-out/")   # many weather years, resumable

``he.batch`` is at the same time the :mod:`haldenenergie.batch` package (``he.batch.run_batch``)
and the call :func:`haldenenergie.api.batch`.

Stages (one module each): ``registry`` (heaps), ``terrain`` (DEM or parametric surfaces),
``weather`` (readers, validation, synthetic default year), ``pv`` (pvlib), ``wind``
(windpowerlib), ``suitability`` (classes and ranking), ``export`` (CSV/XLSX/GeoJSON), ``report``
(HTML), ``pipeline`` (the run) and ``batch`` (many weather years). ``cli`` is the click
application.
"""

from __future__ import annotations

import importlib
import sys
import types
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("haldenenergie")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

#: The Python API: name -> module defining it (imported on first use).
_API = {
    "run": "haldenenergie.api",
    "load_results": "haldenenergie.api",
    "read_weather": "haldenenergie.api",
    "load_config": "haldenenergie.api",
    "Results": "haldenenergie.api",
}

__all__ = ["Results", "__version__", "batch", "load_config", "load_results", "read_weather", "run"]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _CallableBatchModule(types.ModuleType):
    """:mod:`haldenenergie.batch` that can be called: ``he.batch(weather, out_dir, **kw)``."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """:func:`haldenenergie.api.batch` (see there)."""
        from .api import batch as _batch

        return _batch(*args, **kwargs)


def _install_batch() -> None:
    """Import the (light, lazily filled) batch package and make it callable."""
    mod = importlib.import_module(f"{__name__}.batch")
    if not isinstance(mod, _CallableBatchModule):
        mod.__class__ = _CallableBatchModule
    sys.modules[__name__].batch = mod  # type: ignore[attr-defined]


_install_batch()
