"""Reading constraint layers: one file, or the config + options + a fetch-osm folder.

:func:`read_layer` reads one file; :func:`load_layers` everything a run was given.

Coverage (issue 11: "a layer that does not cover a heap leaves that heap's constraint not
assessed, never a pass"): an OSM XML file with a ``<bounds>`` element describes that box; a file
of a ``layers fetch-osm`` folder the ``bbox_wgs84`` its ``layers.json`` records; a raster its
valid-data window; any other vector file the bounding box of ALL its features (not only those of
the kind) widened by :data:`~haldenenergie.layers.model.EXTENT_MARGIN_M`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._io.hashing import sha256_file
from .config import KINDS, LayersConfig
from .errors import LayerError
from .model import EXTENT_MARGIN_M, Layer, LayerSet, VectorSource
from .schemas import PLAIN, describe_rules, detect_vector_schema, load_schemas, select_kind

#: ``format`` of a fetch-osm folder's ``layers.json`` (written by ``layers fetch-osm``).
FETCH_FORMAT = "haldenenergie-osm-layers/1"
#: File name of the fetch-osm manifest.
FETCH_MANIFEST = "layers.json"


def read_layer(kind: str, path: str | Path, config: LayersConfig | None = None) -> Layer:
    """Read one file as one constraint-layer kind (schema detected).

    Parameters
    ----------
    kind : str
        One of :data:`~haldenenergie.layers.config.KINDS`.
    path : str or Path
        OSM ``.osm`` / ``.osm.pbf``, Overpass GeoJSON, ATKIS/ALKIS or CORINE Shapefile /
        GeoPackage, a Copernicus TCD or ESA WorldCover GeoTIFF, or plain polygons.
    config : LayersConfig, optional
        For ``schemas_path`` and ``tree_cover_threshold_pct`` (default: the defaults).

    Returns
    -------
    Layer

    Raises
    ------
    LayerError
        Unknown kind; missing/unreadable file; no CRS; a schema with no mapping for the kind;
        no features of the kind; raster values that fit no schema.
    """
    from .raster import is_raster_path

    cfg = config or LayersConfig()
    _check_kind(kind, str(path))
    schemas = load_schemas(cfg.schemas_path)
    p = Path(path)
    if is_raster_path(p) and p.exists():
        return _read_raster_layer(kind, p, str(path), schemas, cfg)
    from .vector import read_vector_table

    table = read_vector_table(p)
    layer = _vector_layer(kind, str(path), table, schemas, sha256_file(p))
    if layer.n_features == 0:
        what = (
            f"({layer.schema} schema: {describe_rules(schemas[layer.schema][kind])})"
            if layer.schema != PLAIN
            else "(no geometries)"
        )
        raise LayerError(
            f"{path}: no {kind} features {what}; check the file and the kind "
            f"(--layer {kind}=PATH) or extend the mapping with [layers] schemas_path"
        )
    return layer


def _check_kind(kind: str, where: str) -> None:
    if kind not in KINDS:
        raise LayerError(f"{where}: unknown layer kind '{kind}'; use one of {', '.join(KINDS)}")


def _vector_layer(
    kind: str, label: str, table, schemas, sha: str, *, extent=None, schema: str | None = None
) -> Layer:
    """A Layer of a read vector table (``extent``: given, or by the coverage rules)."""
    gdf = table.frame
    cols = [c for c in gdf.columns if c != "geometry"]
    name = schema or ("osm" if table.is_osm_file else detect_vector_schema(cols, schemas))
    if name == PLAIN:
        sel = gdf
    else:
        rules = schemas[name].get(kind)
        if not rules:
            mapped = [k for k in KINDS if schemas[name].get(k)]
            raise LayerError(
                f"{label}: the {name} schema has no mapping for {kind} (it maps "
                f"{', '.join(mapped)}); give another layer for {kind} or add rules with "
                "[layers] schemas_path"
            )
        sel = gdf[select_kind(gdf, rules).to_numpy()]
    if extent is None:
        extent = _default_extent(table)
    geoms = [g for g in sel.geometry.tolist() if g is not None and not g.is_empty]
    if kind in ("forest", "protected", "heap_outline", "open_land"):
        # area kinds: areas only (a natural=wood node has no extent to exclude)
        geoms = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    return Layer(kind, label, name, len(geoms), sha, extent, VectorSource(geoms))


def _default_extent(table) -> Any:
    """OSM XML ``<bounds>`` box, else the bbox of all features + :data:`EXTENT_MARGIN_M`."""
    import shapely

    from ..geo import to_metric

    if table.osm_bounds_wgs84 is not None:
        return to_metric(shapely.segmentize(shapely.box(*table.osm_bounds_wgs84), 1e-3))
    gdf = table.frame
    if len(gdf) == 0:
        return shapely.Polygon()
    return shapely.box(*gdf.total_bounds).buffer(EXTENT_MARGIN_M, join_style="mitre")


def _read_raster_layer(kind: str, p: Path, label: str, schemas, cfg: LayersConfig) -> Layer:
    from functools import partial

    from .raster import extent_polygon, inspect_raster, raster_geometry

    info = inspect_raster(p, schemas, cfg.tree_cover_threshold_pct)
    table = schemas[info.schema]
    if kind not in info.counts:
        mapped = ", ".join(info.counts)
        raise LayerError(
            f"{label}: the {info.schema} raster schema has no mapping for {kind} (it maps "
            f"{mapped}); give another layer for {kind}"
        )
    if info.counts[kind] == 0:
        raise LayerError(
            f"{label}: no {kind} cells in the {info.schema} raster (threshold "
            f"{cfg.tree_cover_threshold_pct:g} % for TCD); check the file and the kind"
        )
    source = partial(raster_geometry, str(p), table, kind, cfg.tree_cover_threshold_pct)
    extent = extent_polygon(info.extent_native, info.crs)
    return Layer(kind, label, info.schema, info.counts[kind], sha256_file(p), extent, source)


def load_layers(
    config: LayersConfig,
    extra: Mapping[str, Sequence[str | Path]] = (),
    layers_dir: str | Path | None = None,
) -> LayerSet:
    """All constraint layers of a run.

    Parameters
    ----------
    config : LayersConfig
        Its kind paths (``''`` = none) and ``dir``.
    extra : mapping kind -> list of paths
        From ``--layer KIND=PATH`` (repeatable); read after the config paths.
    layers_dir : str or Path, optional
        A ``layers fetch-osm`` folder (default: ``config.dir``; ``''``/None = none): every kind
        of every file in its ``layers.json`` is read through the ``osm`` schema.

    Returns
    -------
    LayerSet
        Empty if no layer was given.
    """
    layers: list[Layer] = []
    for kind in KINDS:
        path = getattr(config, kind)
        if path:
            layers.append(read_layer(kind, path, config))
    for kind, paths in dict(extra or {}).items():
        _check_kind(kind, f"--layer {kind}=...")
        for path in [paths] if isinstance(paths, (str, Path)) else paths:
            layers.append(read_layer(kind, path, config))
    folder = layers_dir if layers_dir not in (None, "") else config.dir
    if folder:
        layers.extend(read_fetch_folder(folder, config))
    return LayerSet(layers)


def read_fetch_folder(folder: str | Path, config: LayersConfig | None = None) -> list[Layer]:
    """Every kind of every file of a ``layers fetch-osm`` folder, extent = the recorded bbox.

    A file without features of a kind still gives a Layer of that kind (``n_features`` 0): it
    says that there are none within its box, which is an assessment, not a gap.

    Raises
    ------
    LayerError
        No ``layers.json``, a different ``format``, a listed file missing or unreadable.
    """
    cfg = config or LayersConfig()
    d = Path(folder)
    manifest = _read_fetch_manifest(d)
    schemas = load_schemas(cfg.schemas_path)
    import shapely

    from ..geo import to_metric
    from .vector import read_vector_table

    layers = []
    for i, entry in enumerate(manifest["files"]):
        where = f"{d / FETCH_MANIFEST}: files[{i}]"
        try:
            p = d / str(entry["file"])
            bbox = [float(v) for v in entry["bbox_wgs84"]]
            extent = to_metric(shapely.segmentize(shapely.box(*bbox), 1e-3))
        except (KeyError, TypeError, ValueError):
            raise LayerError(f"{where}: needs 'file' and 'bbox_wgs84' [4 numbers]") from None
        if not p.is_file():
            raise LayerError(f"{where}: {p} not found; rerun 'haldenenergie layers fetch-osm'")
        table = read_vector_table(p)
        sha = str(entry.get("sha256") or sha256_file(p))
        for kind in KINDS:
            if schemas["osm"].get(kind):
                layers.append(
                    _vector_layer(kind, str(p), table, schemas, sha, extent=extent, schema="osm")
                )
    return layers


def _read_fetch_manifest(d: Path) -> dict:
    m = d / FETCH_MANIFEST
    if not d.is_dir():
        raise LayerError(f"{d}: layers folder not found; run 'haldenenergie layers fetch-osm'")
    try:
        data = json.loads(m.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayerError(
            f"{d}: no {FETCH_MANIFEST}; not a 'layers fetch-osm' folder (rerun fetch-osm)"
        ) from None
    except (OSError, ValueError) as exc:
        raise LayerError(f"{m}: cannot read as JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FETCH_FORMAT:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise LayerError(f"{m}: format is {got!r}, expected {FETCH_FORMAT!r}")
    if not isinstance(data.get("files"), list):
        raise LayerError(f"{m}: 'files' missing or not a list")
    return data
