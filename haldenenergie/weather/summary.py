"""Key figures of a canonical series (``haldenenergie weather info``, run manifests)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .model import WeatherMeta
from .readers.station import station_roughness


def _height_source(meta: WeatherMeta) -> str:
    """Where the anemometer height comes from (the reader's or the override's note)."""
    note = next((n for n in meta.notes if n.startswith("anemometer")), "")
    return note or "reader default for the format (WMO-No. 8 standard height 10 m)"


def _iso(t: pd.Timestamp | None) -> str | None:
    return t.isoformat() if t is not None else None


def summarize(data: pd.DataFrame, meta: WeatherMeta) -> dict[str, Any]:
    """Key figures of a canonical series (``weather info``, run manifests).

    Parameters
    ----------
    data, meta : the canonical series and its WeatherMeta.

    Returns
    -------
    dict
        ``annual_ghi_kwh_m2`` [kWh m-2 a-1] (scaled by ``meta.annual_factor``; None without
        irradiance), ``mean_temp_air_c`` [degC], ``mean_wind_speed_m_s`` [m s-1] at
        ``wind_speed_height_m`` [m], period (UTC interval starts), step, gaps, hash, notes,
        warnings, ``cloud_cover_hours`` (hours with a total cloud cover ``cloud_cover_okta``; the
        wind stage's ``[wind] stability`` needs it for the night classes).
    """
    z0, z0_src = station_roughness(meta)
    ghi = data["ghi"]
    annual = None
    if meta.irradiance_available and ghi.notna().any():
        annual = float(ghi.sum() / 1000.0 * meta.annual_factor)
    return {
        "path": meta.path,
        "format": meta.source_format,
        "station": meta.station,
        "data_source": meta.data_source,
        "source_period": meta.source_period,
        "latitude_deg": meta.latitude,
        "longitude_deg": meta.longitude,
        "elevation_m": meta.elevation_m,
        "period_start_utc": _iso(meta.period_start),
        "period_end_utc": _iso(meta.period_end),
        "step": meta.step,
        "source_step": meta.source_step,
        "n_hours": meta.n_hours,
        "annual_ghi_kwh_m2": annual,
        "mean_temp_air_c": float(data["temp_air"].mean()),
        "mean_wind_speed_m_s": float(data["wind_speed"].mean()),
        "wind_speed_height_m": meta.wind_speed_height_m,
        "extra_wind_heights_m": list(meta.extra_wind_heights_m),
        "roughness_length_m": meta.roughness_length_m,
        "anemometer_height_m": meta.anemometer_height_m,
        "anemometer_height_source": _height_source(meta),
        "station_roughness_length_m": z0,
        "station_roughness_source": z0_src,
        "cloud_cover_hours": (
            int(data["cloud_cover_okta"].notna().sum()) if "cloud_cover_okta" in data else 0
        ),
        "n_gaps": meta.n_gaps,
        "n_gaps_filled": meta.n_gaps_filled,
        "n_long_gaps_dropped": meta.n_long_gaps_dropped,
        "partial": meta.partial,
        "coverage_fraction": meta.coverage_fraction,
        "annual_factor": meta.annual_factor,
        "sha256": meta.sha256,
        "time_convention": meta.time_convention,
        "notes": list(meta.notes),
        "warnings": list(meta.warnings),
    }
