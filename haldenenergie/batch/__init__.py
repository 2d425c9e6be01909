"""Batch reruns: the full pipeline once per weather file, terrain computed once and reused.

Layout of ``DIR``::

    DIR/runs/<weather-stem>-<key8>/   one result folder per weather file (the ``run`` layout)
    DIR/summary.csv                   per heap: mean, min, max, std, P50, P90 (normal and
                                      empirical) of PV, wind, total and suitable-use energy; rank
                                      statistics (mean, best, worst; share in top 10)
    DIR/weather.csv                   every weather file with its outcome and kind (station
                                      measurement and year, TRY mean / extreme summer / extreme
                                      winter / projection, typical year, synthetic)
    DIR/failures.csv                  weather files that failed, with the reason
    DIR/manifest.json                 every input with its hash, outcome and kind; the statistics
    DIR/shards/<i>-of-<N>/            with ``--shard i/N`` only: the shard's weather.csv,
                                      failures.csv and manifest.json (``batch collect`` merges
                                      them into the four files above)

Modules: :mod:`~haldenenergie.batch.inputs` (which files), :mod:`~haldenenergie.batch.run` (the
runs, resumable), :mod:`~haldenenergie.batch.kinds` (the kind of each weather file; different
kinds are not pooled into one P50/P90 unless ``pool_anyway``), :mod:`~haldenenergie.batch.stats`
(the per-heap statistics; P90 only from at least :data:`~haldenenergie.batch.limits.MIN_YEARS`
comparable years), :mod:`~haldenenergie.batch.limits` (the thresholds),
:mod:`~haldenenergie.batch.tables` (the tables and manifest), :mod:`~haldenenergie.batch.shards`
(``--shard i/N`` and ``batch collect``), :mod:`~haldenenergie.batch.cluster` (Dask executors,
``--cluster``; Dask is optional and imported only there).

The names below are imported on first use, so ``import haldenenergie.batch`` (and the CLI) stays
free of pandas until a batch runs.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> submodule that defines it.
_NAMES = {
    "CDC_PRODUCT_PREFIX": "inputs",
    "WEATHER_SUFFIXES": "inputs",
    "expand_weather_args": "inputs",
    "is_cdc_station_folder": "inputs",
    "weather_sha256": "inputs",
    "KIND_TEXT": "kinds",
    "MixedWeatherError": "kinds",
    "WeatherKind": "kinds",
    "check_pooling": "kinds",
    "classify": "kinds",
    "MIN_YEARS": "limits",
    "P90_METHODS": "limits",
    "TOP_N": "limits",
    "Z_P90": "limits",
    "BatchOutcome": "run",
    "SummaryOptions": "run",
    "WorkerContext": "run",
    "_context": "run",
    "run_batch": "run",
    "run_key": "run",
    "collect_batch": "shards",
    "parse_shard": "shards",
    "shard_indices": "shards",
    "cluster_executor": "cluster",
    "summarise": "stats",
}

__all__ = ["HaldenError", *sorted(n for n in _NAMES if not n.startswith("_"))]


def __getattr__(name: str) -> Any:
    if name == "HaldenError":
        from ..errors import HaldenError

        return HaldenError
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
