"""Long-term mean wind from a wind-atlas raster, sampled at each heap.

The raster is a Global Wind Atlas (GWA, DTU/World Bank) GeoTIFF as published, i.e. mean wind
speed [m s-1] at 10/50/100/150/200 m above ground on a 250 m grid in EPSG:4326, named like
``DEU_wind-speed_100m.tif`` (country files) or ``gwa3_250_wind-speed_100m.tif`` (global file)
(Davis et al. 2023, Bull. Amer. Meteor. Soc. 104(8), E1507-E1525; https://globalwindatlas.info/
download/gis-files), or any single-band raster of long-term mean wind speed [m s-1] in any CRS
that rasterio can read. The height is taken from the file name (``wind-speed_<H>m``) or from
``[wind] atlas_reference_height_m``.

The raster is sampled **bilinearly** at each heap's point (the four surrounding cell centres;
nearest cell where a neighbour is nodata or outside): a heap lies anywhere inside a 250 m cell, and
bilinear sampling avoids jumps between neighbouring heaps.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import WeatherError
from .config import WindConfig
from .resource import WindInputs, profile_speed

#: Mean wind speeds above this in an atlas [m s-1] mean a wrong unit (km/h) or a wrong layer: the
#: highest long-term means of the Global Wind Atlas at 100-200 m over land stay below ~15 m s-1
#: (Davis et al. 2023, Bull. Am. Meteorol. Soc. 104, E1507-E1525). A km/h file of a windy region
#: (6 m/s = 21.6 km/h) exceeds it.
MAX_ATLAS_WIND_M_S = 15.0
#: Plausible long-term mean at a heap [m s-1] (10-200 m above ground, inland Germany): the Global
#: Wind Atlas gives ~4-9 m/s at 100-150 m for inland Germany (coasts ~9-10 m/s), ~3 m/s at 10 m
#: in sheltered places; outside (2, 12) m/s the file is taken to hold another unit or layer (a
#: calm km/h file: 4 m/s = 14.4 km/h). Assumption: a wide band around the GWA values.
HEAP_ATLAS_BAND_M_S = (2.0, 12.0)
#: Height in a GWA file name: ``..._wind-speed_100m.tif`` (GWA download naming, see module doc).
_HEIGHT_IN_NAME = re.compile(r"wind[-_]speed[-_](\d+(?:\.\d+)?)\s*m", re.IGNORECASE)


@dataclass(frozen=True)
class AtlasSample:
    """Atlas values at the heaps.

    Attributes
    ----------
    path : the raster file.
    height_m : the atlas height above ground [m].
    height_source : 'file name' or 'config'.
    values_m_s : heap id -> long-term mean wind speed at ``height_m`` [m s-1].
    method : sampling method ('bilinear').
    """

    path: str
    height_m: float
    height_source: str
    values_m_s: dict
    method: str = "bilinear"


def atlas_height_m(path: str | Path, config_height_m: float) -> tuple[float, str]:
    """The atlas height [m]: from a GWA file name (``wind-speed_100m``), else the configured one.

    Parameters
    ----------
    path : raster file.
    config_height_m : ``[wind] atlas_reference_height_m`` [m].

    Returns
    -------
    (float, str) : height [m] and its source ('file name' or 'config').
    """
    m = _HEIGHT_IN_NAME.search(Path(path).name)
    if m:
        return float(m.group(1)), "file name"
    return float(config_height_m), "config"


def _bilinear(band: np.ndarray, valid: np.ndarray, row: float, col: float) -> float:
    """Bilinear value at fractional (row, col) of cell centres; nearest valid cell as fallback."""
    r0, c0 = math.floor(row), math.floor(col)
    fr, fc = row - r0, col - c0
    nr, nc = band.shape
    cells = [(r0, c0, (1 - fr) * (1 - fc)), (r0, c0 + 1, (1 - fr) * fc)]
    cells += [(r0 + 1, c0, fr * (1 - fc)), (r0 + 1, c0 + 1, fr * fc)]
    inside = [(r, c, w) for r, c, w in cells if 0 <= r < nr and 0 <= c < nc and valid[r, c]]
    if len(inside) == 4:
        return float(sum(w * band[r, c] for r, c, w in inside))
    near_r, near_c = round(row), round(col)
    if 0 <= near_r < nr and 0 <= near_c < nc and valid[near_r, near_c]:
        return float(band[near_r, near_c])
    if inside:
        r, c, _ = max(inside, key=lambda t: t[2])
        return float(band[r, c])
    return float("nan")


def _read_band(path: Path):
    """(band, valid mask, dataset transform, CRS) of the raster's first band."""
    import rasterio

    try:
        with rasterio.open(path) as ds:
            band = ds.read(1).astype(float)
            nodata = ds.nodata
            transform, crs = ds.transform, ds.crs
    except rasterio.errors.RasterioIOError as exc:
        raise WeatherError(
            f"{path}: wind atlas: not a readable raster ({exc}); give a GeoTIFF of mean wind "
            "speed in m/s ([wind] wind_atlas_path)"
        ) from None
    valid = np.isfinite(band)
    if nodata is not None and np.isfinite(nodata):
        valid &= band != nodata
    valid &= band >= 0  # GWA and most rasters mark nodata with negative fill values
    return band, valid, transform, crs


def sample_atlas(path: str | Path, points: dict, config_height_m: float = 135.0) -> AtlasSample:
    """Sample a wind-atlas raster at the heaps.

    Parameters
    ----------
    path : GeoTIFF (or any rasterio raster) of long-term mean wind speed [m s-1].
    points : heap id -> (lon, lat) [deg, WGS84]; heaps without a location are left out.
    config_height_m : atlas height [m] when the file name does not state it.

    Returns
    -------
    AtlasSample

    Raises
    ------
    WeatherError
        File unreadable, a heap outside the raster or on nodata, values > 15 m/s anywhere or outside
        2-12 m/s at a heap (km/h or another layer?).
    """
    from pyproj import Transformer

    p = Path(path)
    if not p.is_file():
        raise WeatherError(f"{p}: wind atlas not found; fix [wind] wind_atlas_path / --wind-atlas")
    band, valid, transform, crs = _read_band(p)
    height, hsrc = atlas_height_m(p, config_height_m)
    if valid.any() and float(np.nanmax(np.where(valid, band, np.nan))) > MAX_ATLAS_WIND_M_S:
        vmax = float(np.nanmax(np.where(valid, band, np.nan)))
        raise WeatherError(
            f"{p}: wind atlas: values up to {vmax:.1f} exceed {MAX_ATLAS_WIND_M_S:g} m/s; "
            "is it in km/h (divide by 3.6) or another layer (power density, W/m2)? "
            "Give mean wind speed in m/s"
        )
    epsg4326 = crs is None or crs.to_epsg() == 4326
    to_crs = None if epsg4326 else Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = ~transform
    out = {}
    for hid, (lon, lat) in points.items():
        x, y = (lon, lat) if to_crs is None else to_crs.transform(lon, lat)
        col, row = inv * (x, y)
        v = _bilinear(band, valid, row - 0.5, col - 0.5)  # cell centres at +0.5
        if not np.isfinite(v):
            raise WeatherError(
                f"{p}: wind atlas: heap {hid} at {lat:.4f} N {lon:.4f} E is outside the raster "
                "or on nodata; use an atlas that covers all heaps (e.g. the country file)"
            )
        lo, hi = HEAP_ATLAS_BAND_M_S
        if not lo <= v <= hi:
            raise WeatherError(
                f"{p}: wind atlas: {v:.2f} at heap {hid} is not a plausible long-term mean wind "
                f"speed in m/s ({lo:g}-{hi:g} m/s inland); is the raster in km/h (divide by 3.6) "
                "or another layer? Give mean wind speed in m/s"
            )
        out[hid] = v
    return AtlasSample(str(p), height, hsrc, out)


def _points(heaps: list) -> dict:
    """Heap id -> (lon, lat) [deg] of the located heaps."""
    return {
        str(h.id): (float(h.lon), float(h.lat))
        for h in heaps
        if getattr(h, "lon", None) is not None and getattr(h, "lat", None) is not None
    }


def atlas_factors(wx: WindInputs, cfg: WindConfig, heaps: list) -> tuple[dict, dict, dict]:
    """Per-heap scaling of the wind series to a wind atlas.

    With ``[wind] wind_atlas_path``: factor = atlas value at the heap / the series' flat-ground
    mean at the atlas height (the series' shape is kept). Else the scalar
    ``atlas_mean_wind_speed_m_s`` for all heaps (factor 1 when 0).

    Parameters
    ----------
    wx : weather inputs.
    cfg : wind configuration (wind_atlas_path, atlas_mean_wind_speed_m_s,
        atlas_reference_height_m, roughness).
    heaps : registry heaps (id, lon, lat).

    Returns
    -------
    (dict, dict, dict) : heap id -> factor [-]; heap id -> atlas wind [m s-1] (NaN without);
        run figures: mean_ref_m_s (flat-ground series mean at the atlas height, unscaled),
        height_m, source, method, note.
    """
    ids = [str(h.id) for h in heaps]
    if cfg.wind_atlas_path:
        sample = sample_atlas(cfg.wind_atlas_path, _points(heaps), cfg.atlas_reference_height_m)
        v_ref, _ = profile_speed(wx, np.array([sample.height_m]), cfg)
        mean_ref = float(np.mean(v_ref))
        vals = {i: sample.values_m_s.get(i, float("nan")) for i in ids}
        fac = {
            i: (v / mean_ref if np.isfinite(v) and mean_ref > 0 else 1.0) for i, v in vals.items()
        }
        missing = [i for i in ids if not np.isfinite(vals[i])]
        note = (
            f"wind scaled per heap to the atlas {Path(sample.path).name} at {sample.height_m:g} m "
            f"(height from the {sample.height_source}, {sample.method} sampling)"
            + (f"; not located, unscaled: {', '.join(missing)}" if missing else "")
        )
        run = {"mean_ref_m_s": mean_ref, "height_m": sample.height_m, "source": sample.path}
        return fac, vals, run | {"method": sample.method, "note": note}
    h = cfg.atlas_reference_height_m
    v_ref, _ = profile_speed(wx, np.array([h]), cfg)
    mean_ref = float(np.mean(v_ref))
    target = cfg.atlas_mean_wind_speed_m_s
    f = target / mean_ref if target > 0 and mean_ref > 0 else 1.0
    note = f"wind scaled x{f:.3f} to the atlas mean {target:g} m/s at {h:g} m" if f != 1.0 else ""
    vals = dict.fromkeys(ids, target if target > 0 else float("nan"))
    run = {"mean_ref_m_s": mean_ref, "height_m": h, "source": "config" if target > 0 else ""}
    return dict.fromkeys(ids, f), vals, run | {"method": "region-wide", "note": note}
