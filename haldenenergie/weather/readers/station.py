"""Station metadata for the wind profile: anemometer height and the station's roughness length.

The anemometer height is :attr:`WeatherMeta.wind_speed_height_m` (also readable as
``anemometer_height_m``); the station's roughness length is :attr:`WeatherMeta.roughness_length_m`
(None = the regional roughness of the wind stage describes the series). Readers fill them from the
file where the format states them (DWD CDC ``Metadaten_Geraete_Windgeschwindigkeit*``
"Geberhoehe ueber Grund [m]"; windpowerlib CSV roughness) and otherwise from the documented
table ``haldenenergie/data/weather_stations.csv`` (known stations by location, then defaults by
format). ``[weather] anemometer_height_m`` / ``station_roughness_length_m`` override both
(:func:`apply_station_overrides`).
"""

from __future__ import annotations

import csv
import io
import math
from functools import lru_cache
from typing import Any

from ...resources import data_path

#: The table of station kinds (see its header for the columns).
STATION_TABLE = "weather_stations.csv"
#: Prefix of the note that records the station roughness and its source in ``meta.notes``.
ROUGHNESS_NOTE = "station roughness"
#: DWD CDC device metadata of the wind sensor (file name prefix) and its height column.
CDC_WIND_DEVICE_PREFIX = "Metadaten_Geraete_Windgeschwindigkeit"
CDC_HEIGHT_COLUMN = "Geberhoehe ueber Grund [m]"


@lru_cache(maxsize=1)
def station_table() -> tuple[dict, ...]:
    """Rows of ``data/weather_stations.csv`` (comment lines skipped)."""
    text = data_path(STATION_TABLE).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    return tuple(csv.DictReader(lines))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance [km] (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def station_kind(source_format: str, lat: float | None, lon: float | None) -> dict | None:
    """The table row for a station: a known station near (lat, lon), else the format's default.

    Parameters
    ----------
    source_format : reader format name (``dwd_15min``, ``try2015``, ...).
    lat, lon : station location [deg, WGS84] or None.

    Returns
    -------
    dict or None : kind, roughness_length_m ('' = regional), source.
    """
    rows = station_table()
    if lat is not None and lon is not None:
        for r in rows:
            if r["match_latitude"] and _km(
                lat, lon, float(r["match_latitude"]), float(r["match_longitude"])
            ) <= float(r["match_radius_km"]):
                return r
    return next((r for r in rows if r["match_source_format"] == source_format), None)


def roughness_note(z0_m: float | None, kind: str, source: str) -> str:
    """The ``meta.notes`` line recording the station roughness [m] and its source."""
    value = "regional z0 of the wind stage" if z0_m is None else f"{z0_m:g} m"
    return f"{ROUGHNESS_NOTE}: {value} ({kind}; {source})"


def table_roughness(raw: Any) -> None:
    """Fill ``raw.roughness_length_m`` (if the file gave none) and its note from the table.

    Parameters
    ----------
    raw : ``RawSeries`` of a reader (source_format, latitude, longitude; changed in place).
    """
    if raw.roughness_length_m is not None:
        raw.notes.append(roughness_note(raw.roughness_length_m, "from the file", "weather file"))
        return
    row = station_kind(raw.source_format, raw.latitude, raw.longitude)
    if row is None:
        return
    z0 = float(row["roughness_length_m"]) if row["roughness_length_m"] else None
    raw.roughness_length_m = z0
    raw.notes.append(roughness_note(z0, row["kind"], row["source"]))


def station_roughness(meta: Any) -> tuple[float | None, str]:
    """The station roughness [m] (None = regional) and its source, as ``weather info`` shows it.

    Parameters
    ----------
    meta : ``WeatherMeta``.

    Returns
    -------
    (float or None, str)
    """
    note = next((n for n in meta.notes if n.startswith(ROUGHNESS_NOTE)), "")
    src = note.split("(", 1)[1].rstrip(")") if "(" in note else ""
    if meta.roughness_length_m is not None:
        return float(meta.roughness_length_m), src or "weather file"
    return None, src or "not stated: the regional z0 of the wind stage is used"


def cdc_anemometer_height(blob: bytes, period_end: str | None = None) -> tuple[float, str] | None:
    """Anemometer height [m] from a DWD CDC ``Metadaten_Geraete_Windgeschwindigkeit`` file.

    The file is ';'-separated, latin-1, with the columns ``Stations_ID;Stationsname;...;
    Geberhoehe ueber Grund [m];Von_Datum;Bis_Datum;...`` (DWD CDC station descriptions). The
    height of the period that contains ``period_end`` (YYYYMMDD), else of the latest period.

    Parameters
    ----------
    blob : file bytes.
    period_end : last date of the data (YYYYMMDD) or None.

    Returns
    -------
    (float, str) or None : height [m] and a note (lists changes of the height), None if absent.
    """
    text = blob.decode("latin-1")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    rows = [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in rows]
    rows = [r for r in rows if r.get(CDC_HEIGHT_COLUMN, "").replace(".", "", 1).isdigit()]
    if not rows:
        return None
    chosen = rows[-1]
    if period_end:
        for r in rows:
            if r.get("Von_Datum", "0") <= period_end <= r.get("Bis_Datum", "99999999"):
                chosen = r
    heights = sorted({float(r[CDC_HEIGHT_COLUMN]) for r in rows})
    h = float(chosen[CDC_HEIGHT_COLUMN])
    note = f"anemometer {h:g} m above ground (CDC {CDC_WIND_DEVICE_PREFIX}: {CDC_HEIGHT_COLUMN})"
    if len(heights) > 1:
        note += f"; the station's history has heights {', '.join(f'{x:g}' for x in heights)} m"
    return h, note


def apply_station_overrides(meta: Any, cfg: Any) -> None:
    """Apply ``[weather] anemometer_height_m`` / ``station_roughness_length_m`` (0 = from file).

    Parameters
    ----------
    meta : ``WeatherMeta`` (changed in place; a note records each override).
    cfg : ``WeatherConfig``.
    """
    h = float(getattr(cfg, "anemometer_height_m", 0.0) or 0.0)
    if h > 0 and h != meta.wind_speed_height_m:
        meta.notes.append(
            f"anemometer height {h:g} m from [weather] anemometer_height_m "
            f"(file/reader: {meta.wind_speed_height_m:g} m)"
        )
        meta.wind_speed_height_m = h
    z0 = float(getattr(cfg, "station_roughness_length_m", 0.0) or 0.0)
    if z0 > 0:
        meta.notes[:] = [n for n in meta.notes if not n.startswith(ROUGHNESS_NOTE)]
        meta.notes.append(roughness_note(z0, "user", "[weather] station_roughness_length_m"))
        meta.roughness_length_m = z0
