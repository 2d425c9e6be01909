"""GIS outputs: the one vector writer, and the layers of ``results.gpkg``.

:func:`write_vector` writes every vector output of the tool -- ``results.gpkg`` and
``results.geojson`` of a run folder and ``haldenenergie export --format geojson`` -- atomically
(:func:`haldenenergie._io.atomic_path`). GeoPackage (OGC 12-128r18, https://www.geopackage.org)
and FlatGeobuf (https://flatgeobuf.org) go through pyogrio (GDAL); GeoJSON (RFC 7946, WGS84
lon/lat) is written by geopandas' own serialiser, because GDAL's GeoJSON driver shortens doubles
(e.g. 59.900000000000006 becomes 59.9), while the GeoJSON promises the full precision of
``results.csv``.

``results.gpkg`` (EPSG:25832, ETRS89 / UTM 32N) holds the layers :data:`GPKG_LAYERS`:

``heaps``           points (registry position), every column of ``results.csv``
``footprints``      the heap outline used (parametric, DEM-delineated or a heap_outline polygon)
``pv_areas``        usable PV polygons per surface class (tilt band x aspect sector), with area,
                    capacity and energy
``excluded_areas``  areas excluded from PV, with the reason (north, too_steep, small_patch,
                    forest, reserved, protected, landmark)
``turbines``        new (candidate) and existing turbine points: type, hub height, energy per
                    turbine, housing distance
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _io
from ..geo import METRIC_CRS, WGS84_CRS

RESULTS_GPKG = "results.gpkg"
#: Layers of ``results.gpkg``, in the order written.
GPKG_LAYERS: tuple[str, ...] = ("heaps", "footprints", "pv_areas", "excluded_areas", "turbines")
#: OGR driver by suffix for :func:`write_vector`.
DRIVERS: dict[str, str] = {
    ".gpkg": "GPKG",
    ".fgb": "FlatGeobuf",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
}
#: Columns of the surfaces table copied onto the ``pv_areas`` polygons (renamed).
_SURFACE_COPY = {
    "kind": "kind",
    "tilt_band": "tilt_band",
    "azimuth_sector": "azimuth_sector",
    "surface_tilt_deg": "surface_tilt_deg",
    "surface_azimuth_deg": "surface_azimuth_deg",
    "capacity_mwp": "pv_capacity_mwp",
    "energy_mwh_per_a": "pv_energy_mwh_per_a",
    "specific_yield_kwh_per_kwp": "pv_specific_yield_kwh_per_kwp",
}


# --------------------------------------------------------------------------------------------------
# The writer
# --------------------------------------------------------------------------------------------------


def geojson_text(gdf: Any, name: str | None = None) -> str:
    """RFC 7946 GeoJSON text of a GeoDataFrame (reprojected to WGS84; strict JSON).

    Parameters
    ----------
    gdf : GeoDataFrame; its index becomes the features' ``id``.
    name : optional ``name`` member of the FeatureCollection.

    Returns
    -------
    str : indent 1, NaN/NA as ``null``, final newline; floats with full (round-trip) precision.
    """
    g = gdf.to_crs(WGS84_CRS) if gdf.crs is not None else gdf
    data = json.loads(g.to_json(na="null", drop_id=False, ensure_ascii=False))
    out = {"type": "FeatureCollection", **({"name": name} if name else {})}
    out["features"] = data["features"]
    for f in out["features"]:  # RFC 7946: id, type, geometry, properties (any order is valid)
        f.pop("bbox", None)
    text = json.dumps(_io.strict_json(out), ensure_ascii=False, indent=1, allow_nan=False)
    return text + "\n"


def write_vector(
    path: str | Path,
    layers: Mapping[str, Any],
    *,
    overwrite: bool = True,
    inputs: Any = (),
    lock: bool = True,
    name: str | None = None,
    driver: str | None = None,
) -> Path:
    """Write vector layers to one file, atomically (the one writer of every vector output).

    Parameters
    ----------
    path : ``.gpkg`` (any number of layers), ``.fgb``, ``.geojson`` / ``.json`` (one layer).
    layers : layer name -> GeoDataFrame (with a CRS).
    overwrite, inputs, lock : as for :func:`haldenenergie._io.atomic_path`.
    name : FeatureCollection ``name`` of a GeoJSON file.
    driver : ``"GPKG"``, ``"FlatGeobuf"`` or ``"GeoJSON"``; default from the suffix.

    Returns
    -------
    Path : ``path``.

    Raises
    ------
    OutputError : the file cannot be written (or may not be replaced).
    ValueError : an unknown suffix, or several layers for a single-layer format.
    """
    p = Path(path)
    driver = driver or DRIVERS.get(p.suffix.lower())
    if driver not in DRIVERS.values():
        raise ValueError(f"{p}: unknown vector suffix; use one of {sorted(DRIVERS)}")
    if driver != "GPKG" and len(layers) != 1:
        raise ValueError(f"{p}: {driver} holds one layer, got {len(layers)}")
    with _io.atomic_path(p, overwrite=overwrite, inputs=inputs, lock=lock) as tmp:
        if driver == "GeoJSON":
            tmp.write_text(geojson_text(next(iter(layers.values())), name), encoding="utf-8")
        else:
            import pyogrio

            tmp.unlink()  # GDAL creates the file itself
            for i, (layer, gdf) in enumerate(layers.items()):
                pyogrio.write_dataframe(
                    _ogr_ready(gdf), tmp, layer=layer, driver=driver, append=i > 0
                )
    return p


def _ogr_ready(gdf: Any) -> Any:
    """Columns GDAL can store: containers as JSON text, mixed object columns as text."""
    from ..export.tables import plain

    g = gdf.reset_index(drop=True)
    for c in g.columns:
        if c == g.geometry.name or g[c].dtype != object:
            continue
        vals = [plain(v) for v in g[c]]
        if not all(v is None or isinstance(v, str) for v in vals):
            vals = [None if v is None else str(v) for v in vals]
        g[c] = pd.Series(vals, dtype=object)
    return g


# --------------------------------------------------------------------------------------------------
# The layers
# --------------------------------------------------------------------------------------------------


def points_frame(results: pd.DataFrame, crs: str = METRIC_CRS) -> Any:
    """The result rows as a GeoDataFrame of points (lon/lat columns; None where unknown).

    Parameters
    ----------
    results : table with ``heap_id``, ``lat``, ``lon`` [deg WGS84].
    crs : CRS of the frame returned (default EPSG:25832).

    Returns
    -------
    GeoDataFrame indexed by ``heap_id`` (as text), all columns kept.
    """
    import geopandas
    import shapely

    lat = pd.to_numeric(results.get("lat"), errors="coerce").to_numpy(float)
    lon = pd.to_numeric(results.get("lon"), errors="coerce").to_numpy(float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    geom = [shapely.Point(x, y) if k else None for x, y, k in zip(lon, lat, ok, strict=True)]
    idx = pd.Index(results["heap_id"].astype(str).to_numpy(), name=None)
    gdf = geopandas.GeoDataFrame(
        results.set_axis(idx),
        geometry=geopandas.GeoSeries(geom, index=idx, crs=WGS84_CRS),
    )
    return gdf.to_crs(crs) if crs != WGS84_CRS else gdf


def _frame(rows: list[dict], geoms: list, columns: list[str]) -> Any:
    import geopandas

    df = pd.DataFrame(rows, columns=columns)
    return geopandas.GeoDataFrame(df, geometry=geopandas.GeoSeries(geoms, crs=METRIC_CRS))


def polygon_layers(terrains: Mapping[str, Any], surfaces: pd.DataFrame | None) -> dict:
    """The ``footprints``, ``pv_areas`` and ``excluded_areas`` layers (EPSG:25832).

    Parameters
    ----------
    terrains : heap id -> HeapTerrain (``vectors``: :class:`~haldenenergie.terrain.vectors.
        HeapVectors`; heaps without are left out).
    surfaces : the run's surfaces table (PV capacity and energy per class), or None.

    Returns
    -------
    dict layer name -> GeoDataFrame; areas [ha] are the polygons' planimetric areas.
    """
    fp, fpg, pv, pvg, ex, exg = [], [], [], [], [], []
    for hid, t in terrains.items():
        v = getattr(t, "vectors", None)
        if v is None or v.footprint is None:
            continue
        fp.append(
            {
                "heap_id": str(hid),
                "terrain_source": t.terrain_source,
                "footprint_source": v.footprint_source,
                "footprint_area_ha": v.footprint.area / 1e4,
            }
        )
        fpg.append(v.footprint)
        for cls, g in v.pv_areas:
            pv.append({"heap_id": str(hid), "surface_class": cls, "usable_area_ha": g.area / 1e4})
            pvg.append(g)
        for reason, g in v.excluded:
            ex.append({"heap_id": str(hid), "reason": reason, "area_ha": g.area / 1e4})
            exg.append(g)
    pv_cols = ["heap_id", "surface_class", "usable_area_ha"]
    pv_layer = _frame(pv, pvg, pv_cols)
    if surfaces is not None and len(surfaces) and len(pv_layer):
        have = [c for c in _SURFACE_COPY if c in surfaces.columns]
        extra = surfaces[["heap_id", "surface_class", *have]].rename(columns=_SURFACE_COPY)
        extra = extra.assign(heap_id=extra["heap_id"].astype(str))
        pv_layer = pv_layer.merge(extra, on=["heap_id", "surface_class"], how="left")
    return {
        "footprints": _frame(
            fp, fpg, ["heap_id", "terrain_source", "footprint_source", "footprint_area_ha"]
        ),
        "pv_areas": pv_layer,
        "excluded_areas": _frame(ex, exg, ["heap_id", "reason", "area_ha"]),
    }


#: Columns of the ``turbines`` layer.
TURBINE_COLUMNS = [
    "heap_id",
    "kind",
    "turbine_type",
    "hub_height_m",
    "rotor_diameter_m",
    "energy_mwh_per_a",
    "housing_distance_m",
]


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def turbine_layer(results: pd.DataFrame, terrains: Mapping[str, Any], wind: Any = None) -> Any:
    """Points of the new (candidate) and existing turbines in EPSG:25832.

    New turbines: the wind stage's layout (:func:`~haldenenergie.wind.layout.new_turbine_layout`
    with the run's ``[wind]`` layout parameters ``wind``) placed at the turbine site's centroid
    and moved into the site polygon where the layout's ellipse overhangs it
    (:func:`~haldenenergie.wind.layout.place_in_site`); their number is ``wind_turbines_new``.
    Existing turbines: one row across the main wind around the registry point
    (:func:`~haldenenergie.wind.layout.existing_layout`, spaced by the new type's rotor diameter
    -- assumption: the registry gives no positions), moved into the footprint. Energy per
    turbine = the heap's energy / count; the housing distance is the heap's (from the turbine
    site). Heaps without terrain geometry (no position) have no points.
    """
    from ..wind.layout import layout_config

    cfg = layout_config(wind)
    rows, geoms = [], []
    for rec in results.to_dict("records"):
        t = terrains.get(str(rec["heap_id"]))
        v = getattr(t, "vectors", None)
        if v is None or v.footprint is None:
            continue
        for row, (x, y) in _heap_turbines(rec, t, v, cfg):
            rows.append(row)
            geoms.append(_point(x, y))
    return _frame(rows, geoms, TURBINE_COLUMNS)


def _heap_turbines(rec: dict, t: Any, v: Any, cfg: Any) -> list:
    """[(row, (x, y)), ...] of one heap's new and existing turbines (see :func:`turbine_layer`)."""
    from ..geo import wgs84_transformer
    from ..wind.layout import existing_layout, new_turbine_layout, place_in_site

    n, n_old = _count(rec.get("wind_turbines_new")), _count(rec.get("existing_wind_turbines"))
    rotor = _num(rec.get("wind_rotor_diameter_m"))
    base = {
        "heap_id": str(rec["heap_id"]),
        "housing_distance_m": _num(rec.get("housing_distance_m")),
    }
    out = []
    if n > 0:
        rel = new_turbine_layout(t, rotor, cfg, n_old)[0] if np.isfinite(rotor) else []
        rel = _exactly(np.asarray(rel, dtype=float).reshape(-1, 2), n)
        xy = place_in_site(rel, v.turbine_site if v.turbine_site is not None else v.footprint)
        row = base | {
            "kind": "new",
            "turbine_type": rec.get("wind_turbine_type"),
            "hub_height_m": _num(rec.get("wind_hub_height_m")),
            "rotor_diameter_m": rotor,
            "energy_mwh_per_a": _num(rec.get("wind_energy_mwh_per_a")) / n,
        }
        out += [(dict(row), p) for p in xy]
    if n_old > 0:
        lat, lon = _num(rec.get("lat")), _num(rec.get("lon"))
        c = wgs84_transformer().transform(lon, lat) if np.isfinite(lat + lon) else None
        spacing = rotor if np.isfinite(rotor) else 0.0
        xy = place_in_site(existing_layout(n_old, spacing, cfg), v.footprint, c)
        row = base | {
            "kind": "existing",
            "turbine_type": rec.get("existing_wind_turbine_type"),
            "hub_height_m": float("nan"),
            "rotor_diameter_m": float("nan"),
            "energy_mwh_per_a": _num(rec.get("existing_wind_energy_mwh_per_a")) / n_old,
        }
        out += [(dict(row), p) for p in xy]
    return out


def _count(v: Any) -> int:
    x = _num(v)
    return int(x) if np.isfinite(x) and x > 0 else 0


def _exactly(rel: np.ndarray, n: int) -> np.ndarray:
    """``n`` positions: the first ``n`` of ``rel``, or ``rel`` padded with the site centre."""
    if len(rel) >= n:
        return rel[:n]
    return np.vstack([rel, np.zeros((n - len(rel), 2))])


def _point(x: float, y: float) -> Any:
    import shapely

    return shapely.Point(float(x), float(y))


def run_layers(
    results: pd.DataFrame,
    terrains: Mapping[str, Any] | None,
    surfaces: pd.DataFrame | None = None,
    wind: Any = None,
) -> dict:
    """Every layer of ``results.gpkg`` (:data:`GPKG_LAYERS`, EPSG:25832).

    Parameters
    ----------
    results : the run's results table.
    terrains : heap id -> HeapTerrain (with ``vectors``); None or empty: the polygon and turbine
        layers are empty.
    surfaces : the run's surfaces table (PV energy per class), optional.
    wind : the run's ``[wind]`` parameters (layout spacing, direction), optional.

    Returns
    -------
    dict layer name -> GeoDataFrame.
    """
    terrains = terrains or {}
    out = {"heaps": points_frame(results)}
    out.update(polygon_layers(terrains, surfaces))
    out["turbines"] = turbine_layer(results, terrains, wind)
    return {k: out[k] for k in GPKG_LAYERS}


def write_results_gpkg(path: str | Path, run: Any, *, lock: bool = True) -> Path:
    """Write ``results.gpkg`` of a run (a :class:`~haldenenergie.pipeline.RunResult`).

    ``run.terrains`` (heap id -> HeapTerrain), else ``run.info["context"]["terrains"]``,
    provides the polygons; without either only the ``heaps`` points are filled.
    """
    params = (run.manifest or {}).get("parameters")
    wind = params.get("wind") if isinstance(params, dict) else None
    terrains = getattr(run, "terrains", None)
    if not terrains:
        context = (getattr(run, "info", None) or {}).get("context") or {}
        terrains = context.get("terrains") if isinstance(context, dict) else None
    layers = run_layers(run.results, terrains, run.surfaces, wind)
    return write_vector(path, layers, lock=lock)
