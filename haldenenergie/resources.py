"""Packaged reference data (``haldenenergie/data/``), found with :mod:`importlib.resources`.

The default registry ``heaps.geojson`` and the synthetic default weather year also stand at the top
of the checkout (the project's fixed layout); the package carries identical copies
(``tests/test_resources.py`` keeps them identical) so that a normal, non-editable install runs
``haldenenergie run --out out/`` from any folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: File name of the default registry (in ``haldenenergie/data/`` and at the checkout's top level).
DEFAULT_REGISTRY_NAME = "heaps.geojson"
#: File name of the synthetic default weather year (``haldenenergie/data/`` and ``weather/``).
DEFAULT_WEATHER_NAME = "ruhr_synthetic_typical_year.csv"


def data_path(name: str) -> Path:
    """Path of a packaged data file.

    Parameters
    ----------
    name : str
        File name relative to ``haldenenergie/data/``, e.g. ``"heaps.geojson"``.

    Returns
    -------
    Path
        A real file-system path (the package is installed unzipped by pip).
    """
    return Path(str(resources.files("haldenenergie") / "data" / name))


def default_registry_path() -> Path:
    """Path of the packaged default heap registry ``heaps.geojson``."""
    return data_path(DEFAULT_REGISTRY_NAME)


def default_weather_path() -> Path:
    """Path of the packaged synthetic default weather year."""
    return data_path(DEFAULT_WEATHER_NAME)
