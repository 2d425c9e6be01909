"""Haldenenergie: PV and wind potential of the Ruhr area's spoil heaps (Bergehalden).

Stages (one module each): ``heaps`` (registry), ``terrain`` (DEM or parametric surfaces),
``weather`` (readers, validation, synthetic default year), ``pv`` (pvlib), ``wind`` (windpowerlib),
``suitability`` (classes and ranking), ``export`` (CSV/XLSX/GeoJSON), ``report`` (HTML),
``pipeline`` (the run) and ``batch`` (many weather years). ``cli`` is the click application.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("haldenenergie")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
