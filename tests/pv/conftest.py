"""Fixtures of the PV tests: weather (TRY2015 Essen, two synthetic clear-sky weeks) and surfaces."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

#: Eight surfaces of two heaps: (heap_id, surface_class, kind, tilt, azimuth, usable_area_ha
#: [, horizon]); flank_N_5-15 needs a rack GCR below rack_gcr_min and gets layout "none".
SYNTH = [
    ("a", "plateau", "plateau", 1.0, 180.0, 10.0),
    ("a", "flank_S_15-25", "flank", 20.0, 180.0, 4.0, [0] * 18 + [8.0] * 18),
    ("a", "flank_E_15-25", "flank", 20.0, 90.0, 3.0, [12.0] * 36),
    ("a", "flank_NE_5-15", "flank", 8.0, 45.0, 2.0),
    ("b", "plateau", "plateau", 2.0, 180.0, 5.0),
    ("b", "flank_S_5-15", "flank", 6.0, 180.0, 6.0),
    ("b", "flank_W_25-35", "flank", 30.0, 270.0, 1.5, np.linspace(0, 20, 36)),
    ("b", "flank_N_5-15", "flank", 9.0, 0.0, 2.5),
]


def _surfaces(rows):
    """Surfaces table from (heap_id, surface_class, kind, tilt, azimuth, usable_ha[, horizon])."""
    out = []
    for r in rows:
        h = r[6] if len(r) > 6 else [0.0] * 36
        out.append(
            {
                "heap_id": r[0],
                "surface_class": r[1],
                "kind": r[2],
                "tilt_band": "-",
                "azimuth_sector": "-",
                "surface_tilt_deg": r[3],
                "surface_azimuth_deg": r[4],
                "area_ha": r[5],
                "usable_area_ha": r[5],
                "horizon_deg": list(h),
            }
        )
    return pd.DataFrame(out)


@pytest.fixture(scope="session")
def synth():
    """The rows of :data:`SYNTH` (a fresh list per test session)."""
    return list(SYNTH)


@pytest.fixture(scope="session")
def make_surfaces():
    """``make_surfaces(rows)`` -> surfaces DataFrame (rows as in :data:`SYNTH`)."""
    return _surfaces


@pytest.fixture(scope="session")
def essen(weather_dir):
    """DWD TRY2015 Essen mean year through the project's weather reader."""
    from haldenenergie.weather import read_weather

    return read_weather(weather_dir / "TRY2015_essen_jahr.dat")


@pytest.fixture(scope="session")
def short_weather():
    """Two clear-sky weeks (June and December) at Essen, hourly, interval-start labels."""
    import pvlib

    lat, lon, alt = 51.456, 7.057, 102.0
    loc = pvlib.location.Location(lat, lon, "UTC", alt)
    idx = pd.date_range("2015-06-15", periods=24 * 7, freq="h", tz="UTC").append(
        pd.date_range("2015-12-10", periods=24 * 7, freq="h", tz="UTC")
    )
    cs = loc.get_clearsky(idx + pd.Timedelta(minutes=30), model="ineichen")
    rng = np.random.default_rng(1)
    cloud = np.clip(rng.normal(0.75, 0.2, len(idx)), 0.1, 1.0)  # crude cloud attenuation
    data = pd.DataFrame(
        {
            "ghi": cs["ghi"].to_numpy() * cloud,
            "dni": cs["dni"].to_numpy() * cloud**2,
            "temp_air": np.where(idx.month == 6, 20.0, 3.0),
            "wind_speed": 3.0,
            "pressure": 100_000.0,
        },
        index=idx,
    )
    cz = np.cos(np.radians(loc.get_solarposition(idx + pd.Timedelta(minutes=30))["zenith"]))
    data["dhi"] = np.clip(data["ghi"] - data["dni"] * np.clip(cz.to_numpy(), 0, None), 0, None)
    meta = SimpleNamespace(latitude=lat, longitude=lon, elevation_m=alt, partial=False)
    return data, meta
