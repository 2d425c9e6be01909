"""The ``manifest.json`` of a run folder: building it, and reading back what it records.

A manifest lists the inputs with SHA-256, every parameter in effect, package versions and
timestamps; ``haldenenergie rank`` adds a ``ranking`` entry.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _io
from ..layers.config import KINDS as LAYER_KINDS
from .folder import RANKING, RESULTS, TOTALS

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..suitability import SuitabilityConfig


def registry_from_manifest(manifest: dict) -> Path | None:
    """The registry file a run used, as recorded in its manifest (None if not recorded)."""
    for key in ("registry", "heaps"):
        v = manifest.get(key)
        if isinstance(v, str) and v:
            return Path(v)
        if isinstance(v, dict) and isinstance(v.get("path"), str):
            return Path(v["path"])
    for item in manifest.get("inputs") or []:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        role = str(item.get("role", "")).lower()
        if role in ("registry", "heaps", "heap_registry", "heap registry") or (
            "regist" in role or role.startswith("heap")
        ):
            return Path(item["path"])
    return None


def manifest_warnings(manifest: dict | None) -> list[tuple[str, str]]:
    """The warnings a run recorded in its manifest, as ``(stage, text)`` pairs in file order.

    From a top-level ``"warnings"`` list (stage ``"run"``) and from the ``"warnings"`` list of
    every top-level entry that is a mapping (``"weather"``, ``"terrain"``, ``"registry"``, ...).
    A text recorded twice (the run's list repeats the stages' warnings) is listed once, under
    its stage.
    """
    if not isinstance(manifest, dict):
        return []
    staged: list[tuple[str, str]] = []
    for key, value in manifest.items():
        if isinstance(value, dict):
            staged.extend((str(key), _norm(w)) for w in _as_list(value.get("warnings")))
    staged_texts = {t for _, t in staged}
    run = [("run", _norm(w)) for w in _as_list(manifest.get("warnings"))]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for stage, text in [r for r in run if r[1] not in staged_texts] + staged:
        if text and text not in seen:
            seen.add(text)
            out.append((stage, text))
    return out


def _norm(w: object) -> str:
    return " ".join(str(w).split())


def _as_list(v) -> list:
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v] if isinstance(v, str) else []


def section_values_from_manifest(manifest: dict, section: str) -> dict | None:
    """The parameters of one config section a run recorded (dict of key -> value), or None."""
    params = manifest.get("parameters")
    if isinstance(params, dict) and isinstance(params.get(section), dict):
        return dict(params[section])
    if isinstance(params, list):
        vals = {
            r["key"]: r["value"]
            for r in params
            if isinstance(r, dict) and r.get("section") == section and "key" in r
        }
        return vals or None
    return None


def suitability_values_from_manifest(manifest: dict) -> dict | None:
    """The ``[suitability]`` parameters a run recorded (dict of key -> value), or None."""
    return section_values_from_manifest(manifest, "suitability")


def ranking_manifest_entry(
    cfg: SuitabilityConfig, registry: Path | None, config_origin: str
) -> dict:
    """The ``"ranking"`` entry of the manifest: when, which registry, which parameters."""
    from ..suitability import config_parameters

    inputs = []
    if registry is not None and Path(registry).exists():
        inputs.append(_io.file_record(registry, "registry"))
    return {
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "config_origin": config_origin,
        "inputs": inputs,
        "parameters": config_parameters(cfg),
        "outputs": [RESULTS, RANKING, TOTALS],
    }


def config_inputs(config: Config) -> list[tuple[str, str]]:
    """(role, path) of every file or folder the parameters name (empty paths left out).

    The reserved and residential areas, each ``[layers]`` kind, the ``[layers] dir`` folder
    (role ``layers_dir``) and the config file itself. The one list of them: the manifest records
    their hashes (:func:`input_records`), and a run refuses an output that is one of them.
    """
    roles = [
        ("reserved_areas", config.terrain.reserved_areas_path),
        ("residential_areas", config.suitability.residential_areas_path),
    ]
    layers = getattr(config, "layers", None)
    if layers is not None:
        roles += [(f"{kind}_layer", getattr(layers, kind)) for kind in LAYER_KINDS]
        roles.append(("layers_dir", layers.dir))
    if config.origin != "defaults":
        roles.append(("config", config.origin))
    return [(role, str(path)) for role, path in roles if path]


def input_records(registry_path, dem_paths, config: Config) -> list[dict]:
    """Manifest records (with SHA-256) of the inputs every run of a batch shares.

    Registry, DEM files, the layers named in the config and the config file; paths are absolute.
    """
    inputs = [_io.file_record(Path(registry_path).resolve(), "registry")]
    inputs.extend(
        _io.file_record(f, "dem")
        for f in _io.expand_files(Path(p).resolve() for p in dem_paths or ())
    )
    for role, path in config_inputs(config):
        # a fetch-osm folder is recorded by its layers.json (which holds every file's hash)
        p = Path(path) / "layers.json" if role == "layers_dir" else Path(path)
        if p.is_file():
            inputs.append(_io.file_record(p.resolve(), role))
    return inputs


def build_manifest(
    command: str,
    registry_path,
    weather_meta,
    dem_paths,
    config: Config,
    heap_ids,
    extra: dict | None = None,
    *,
    shared_inputs: list[dict] | None = None,
    weather_sha256: str | None = None,
) -> dict:
    """Manifest: inputs with SHA-256, every parameter in effect, versions, timestamps.

    Input paths are recorded absolute (a manifest is read later, from elsewhere).
    ``shared_inputs`` (:func:`input_records`, computed once by a batch) and ``weather_sha256``
    save hashing the same files again for every run.
    """
    inputs = list(
        shared_inputs
        if shared_inputs is not None
        else input_records(registry_path, dem_paths, config)
    )
    wpath = getattr(weather_meta, "path", None)
    if wpath:
        rec = _io.file_record(Path(wpath).resolve(), "weather", weather_sha256)
        rec["format"] = getattr(weather_meta, "source_format", None)
        inputs.insert(1, rec)  # after the registry
    wm = {}
    if weather_meta is not None:
        for k, v in vars(weather_meta).items():
            if isinstance(v, (str, int, float, bool, type(None), list, tuple)) or hasattr(
                v, "isoformat"
            ):
                wm[k] = v
    return _io.manifest(
        command,
        inputs,
        config.to_dict(),
        extra={
            "heap_ids": list(heap_ids) if heap_ids else "all",
            "config_sha256": config.hash(),
            "weather": wm,
            **(extra or {}),
        },
    )
