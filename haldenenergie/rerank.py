"""Re-ranking a written result folder (``haldenenergie rank``): classify and rank its heaps again.

The registry and the ``[suitability]`` parameters come from the command line, else from what the
run recorded in its manifest, else the defaults. Re-exported by :mod:`haldenenergie.pipeline`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import results as results_folder
from .config import build_section, load_config
from .errors import ConfigError, RegistryError

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import RunResult

log = logging.getLogger("haldenenergie.pipeline")


def resolve_registry(given: Path | None, manifest: dict) -> Path:
    """Registry for a rerank: ``given``, else the one the run recorded, else the default.

    The recorded registry is used only if it still exists; the default is the packaged registry
    (:func:`haldenenergie.resources.default_registry_path`).

    Raises
    ------
    RegistryError : ``given`` (or, as the last resort, the default registry) does not exist.
    """
    from .resources import default_registry_path

    if given is not None:
        if not Path(given).exists():
            raise RegistryError(f"{given}: registry not found; check the path given to --heaps")
        return Path(given)
    recorded = results_folder.registry_from_manifest(manifest)
    if recorded is not None and recorded.exists():
        return recorded
    default = default_registry_path()
    if recorded is not None:
        log.warning(
            "registry %s recorded in manifest.json no longer exists; using %s", recorded, default
        )
    if not default.exists():
        raise RegistryError(
            f"{default}: default registry not found; pass --heaps PATH to the heap registry "
            "(GeoJSON)"
        )
    return default


def resolve_suitability(
    config_path: Path | None, manifest: dict, results_dir: Path
) -> tuple[Any, str]:
    """(SuitabilityConfig, origin) for a rerank.

    The ``[suitability]`` section of ``config_path``, else the run's values from its manifest,
    else the defaults; ``origin`` says which (a path or ``"defaults"``).
    """
    if config_path is not None:
        return load_config(config_path).suitability, str(config_path)
    values = results_folder.suitability_values_from_manifest(manifest)
    if values:
        origin = str(Path(results_dir) / results_folder.MANIFEST)
        try:
            return build_section("suitability", values, origin), origin
        except ConfigError as exc:
            log.warning("ignoring the run's [suitability] parameters (%s); using the defaults", exc)
    return load_config(None).suitability, "defaults"


def rerank(
    results_dir: str | Path,
    config_path: Path | None = None,
    registry: Path | None = None,
    residential: Path | None = None,
    write: bool = True,
) -> RunResult:
    """Classify and rank the heaps of a written result folder again (``haldenenergie rank``).

    Parameters
    ----------
    results_dir : folder written by :func:`run` (``results.csv``, ``manifest.json``).
    config_path : TOML whose ``[suitability]`` section is used; default: the run's recorded
        ``[suitability]`` values, else the defaults.
    registry : heap registry (GeoJSON); default: the one the manifest records, else the packaged
        one.
    residential : GeoJSON of residential areas (overrides ``residential_areas_path``).
    write : rewrite ``results.csv`` (rank columns replaced, row order kept), ``ranking.csv``,
        ``totals.csv`` and the manifest's ``ranking`` entry
        (:func:`haldenenergie.results.write_rank_outputs`).

    Returns
    -------
    RunResult : ``results`` in rank order, ``totals``, the folder's ``manifest`` (with the new
    ``ranking`` entry); ``monthly``/``surfaces`` empty (not re-read); ``info`` holds ``registry``
    [Path] and ``config_origin`` [text].
    """
    import dataclasses

    from . import suitability
    from .pipeline import RunResult, load_heaps

    d = results_folder.check_folder(results_dir)
    table = results_folder.read_results(d)
    manifest = results_folder.read_manifest(d)
    reg = resolve_registry(registry, manifest)
    cfg, origin = resolve_suitability(config_path, manifest, d)
    if residential is not None:
        cfg = dataclasses.replace(cfg, residential_areas_path=str(residential))
        origin += f" + --residential {residential}"
    heaps = load_heaps(reg)
    suitability.check_results(table, str(d / results_folder.RESULTS))
    ranked, totals = suitability.rank_results(table, heaps, cfg)
    manifest = dict(manifest, ranking=results_folder.ranking_manifest_entry(cfg, reg, origin))
    if write:
        results_folder.write_rank_outputs(
            d, table, ranked, totals, manifest_extra=manifest["ranking"]
        )
    return RunResult(
        results=ranked,
        monthly=pd.DataFrame(),
        surfaces=pd.DataFrame(),
        totals=totals,
        manifest=manifest,
        heaps=list(heaps),
        info={"registry": reg, "config_origin": origin},
    )
