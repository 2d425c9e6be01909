"""Distance between the weather station and the heaps it is used for.

:func:`check_station_distance` is a pure check: the pipeline calls it with the heaps' WGS84
points. Thresholds: ``[weather] max_station_distance_warn_km``, ``max_station_distance_km`` and
``allow_distant_weather`` (``--allow-distant-weather``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..errors import WeatherError
from .model import WeatherMeta, warn

#: Mean Earth radius [km] (IUGG, Moritz 2000, Geodetic Reference System 1980: R1 = 6371.0088 km).
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance [km] between two WGS84 points given in [deg]."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _finite_points(points: Iterable) -> list[tuple[float, float]]:
    out = []
    for p in points:
        if p is None:
            continue
        lon, lat = float(p[0]), float(p[1])
        if math.isfinite(lon) and math.isfinite(lat):
            out.append((lon, lat))
    return out


def check_station_distance(
    meta: WeatherMeta,
    lonlat_points: Iterable,
    warn_km: float,
    max_km: float,
    allow_distant: bool = False,
) -> list[str]:
    """Check the weather station's distance to the heaps (the farthest heap counts).

    Parameters
    ----------
    meta : the weather metadata (``latitude``, ``longitude`` [deg] WGS84; ``path`` for messages).
    lonlat_points : iterable of (lon, lat) [deg] WGS84, one per heap; None or NaN are skipped.
    warn_km : [km] beyond this distance: a warning.
    max_km : [km] beyond this distance: an error, unless ``allow_distant`` (then a warning).
    allow_distant : accept a station beyond ``max_km`` (``--allow-distant-weather``).

    Returns
    -------
    list of str, the warnings; they are also appended to ``meta.warnings`` and logged (the
    caller must not add them again). Empty when the station or the heaps have no position.

    Raises
    ------
    WeatherError : the station is farther than ``max_km`` and ``allow_distant`` is False.
    """
    points = _finite_points(lonlat_points)
    if meta.latitude is None or meta.longitude is None or not points:
        return []
    d = [great_circle_km(meta.longitude, meta.latitude, lon, lat) for lon, lat in points]
    far, near = max(d), min(d)
    where = (
        f"{meta.path}: weather station at {meta.latitude:.3f}° N {meta.longitude:.3f}° E is "
        f"{far:,.0f} km from the farthest heap (nearest {near:,.0f} km)"
    )
    if far > max_km and not allow_distant:
        raise WeatherError(
            f"{where}, more than {max_km:g} km; use weather from nearer the heaps, or pass "
            f"--allow-distant-weather (or set [weather] allow_distant_weather = true)"
        )
    if far > warn_km:
        msg = f"{where}, more than {warn_km:g} km; its weather may not represent the heaps"
        warn(meta, msg)
        return [msg]
    return []


__all__ = ["EARTH_RADIUS_KM", "check_station_distance", "great_circle_km"]
