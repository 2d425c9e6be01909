"""One module per weather format, each registering its reader and detector in :data:`FORMATS`.

A reader is ``reader(path, text_head, opts) -> RawSeries`` (values in canonical units, UTC index
of interval starts); the common pipeline (:func:`haldenenergie.weather.validate.finish`) does the
rest. To add a format: write ``readers/<format>.py`` with a ``VARIABLE_MAP``, a detector and a
reader decorated with :func:`register`, import it below, name it in :data:`DETECTION_ORDER`, and
add ``tests/weather/readers/test_<format>.py``.
"""

from __future__ import annotations

from . import (  # noqa: F401  (importing a module registers its formats)
    canonical,
    dwd_15min,
    dwd_cdc,
    dwd_try,
    epw,
    generic,
    pvgis,
    windpowerlib,
)
from ._registry import FORMAT_ALIASES, FORMATS, Probe, ReaderSpec, register

#: Order in which formats are tried by content (also the order of the ``--format`` choices and
#: of the "tried ..." list in the unknown-format message). Formats not named here come last.
DETECTION_ORDER: tuple[str, ...] = (
    "canonical",
    "try2015",
    "try2010",
    "dwd_cdc",
    "dwd_15min",
    "windpowerlib",
    "pvgis_tmy",
    "pvgis_hourly",
    "epw",
    "generic",
)


def _apply_order() -> None:
    names = [n for n in DETECTION_ORDER if n in FORMATS] + [
        n for n in FORMATS if n not in DETECTION_ORDER
    ]
    specs = {n: FORMATS[n] for n in names}
    FORMATS.clear()
    FORMATS.update(specs)
    aliases = {a: n for n in names for a in specs[n].aliases}
    FORMAT_ALIASES.clear()
    FORMAT_ALIASES.update(aliases)


_apply_order()

__all__ = ["DETECTION_ORDER", "FORMATS", "FORMAT_ALIASES", "Probe", "ReaderSpec", "register"]
