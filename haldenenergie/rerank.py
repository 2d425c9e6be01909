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


def resolve_section(
    section: str, config_path: Path | None, manifest: dict, results_dir: Path
) -> tuple[Any, str]:
    """(section config, origin) for a rerank: ``config_path``'s, else the run's, else defaults.

    The ``[section]`` of ``config_path``, else the values the run recorded in its manifest (so a
    rerank judges with the parameters the run was made with), else the defaults; ``origin`` says
    which (a path or ``"defaults"``).
    """
    if config_path is not None:
        return getattr(load_config(config_path), section), str(config_path)
    values = results_folder.section_values_from_manifest(manifest, section)
    if values:
        origin = str(Path(results_dir) / results_folder.MANIFEST)
        try:
            return build_section(section, values, origin), origin
        except ConfigError as exc:
            log.warning("ignoring the run's [%s] parameters (%s); using the defaults", section, exc)
    return getattr(load_config(None), section), "defaults"


def resolve_suitability(
    config_path: Path | None, manifest: dict, results_dir: Path
) -> tuple[Any, str]:
    """(SuitabilityConfig, origin) for a rerank (:func:`resolve_section` of ``[suitability]``)."""
    return resolve_section("suitability", config_path, manifest, results_dir)


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
    config_path : TOML whose ``[suitability]`` and ``[terrain]`` sections are used (the latter
        for the implausible-area check); default: the run's recorded values, else the defaults.
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
    # the cone limits that flag implausible assumed areas are [terrain] parameters of the run
    terrain, _ = resolve_section("terrain", config_path, manifest, d)
    if residential is not None:
        cfg = dataclasses.replace(cfg, residential_areas_path=str(residential))
        origin += f" + --residential {residential}"
    heaps = load_heaps(reg)
    suitability.check_results(table, str(d / results_folder.RESULTS))
    ranked, totals = suitability.rank_results(table, heaps, cfg, terrain=terrain)
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
