"""Fixtures of the wind tests: windpowerlib's example year, TRY2015 Essen, stand-ins and references.

Helpers are fixtures (test files cannot import each other under ``--import-mode=importlib``).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

# Switch off everything windpowerlib's plain ModelChain does not do.
PLAIN_SETTINGS = {
    "speedup": False,
    "wake_model": "none",
    "availability": 1.0,
    "electrical_loss": 0.0,
    "atlas_mean_wind_speed_m_s": 0.0,
}


@pytest.fixture(scope="session")
def plain() -> dict:
    """WindConfig keywords that switch off what a plain windpowerlib ModelChain does not do."""
    return dict(PLAIN_SETTINGS)


@pytest.fixture(scope="session")
def meta():
    """Factory of a ``weather.WeatherMeta`` stand-in: ``meta(partial=True, ...)``."""

    def _meta(**kw):
        base = {
            "wind_speed_height_m": 10.0,
            "roughness_length_m": None,
            "partial": False,
            "annual_factor": 1.0,
        }
        base.update(kw)
        return SimpleNamespace(**base)

    return _meta


@pytest.fixture(scope="session")
def modelchain_mwh():
    """Energy [MWh] of one turbine from a plain windpowerlib ModelChain (the reference)."""

    def _modelchain_mwh(frame, turbine_type, hub_height_m):
        from windpowerlib import ModelChain, WindTurbine

        mc = ModelChain(
            WindTurbine(turbine_type=turbine_type, hub_height=hub_height_m),
            density_correction=True,
        ).run_model(frame)
        return float(mc.power_output.sum()) / 1e6

    return _modelchain_mwh


@pytest.fixture(scope="session")
def berlin(shared_dir):
    """windpowerlib's example year in its own (variable_name, height) layout (10 m and 80 m)."""
    df = pd.read_csv(
        shared_dir / "data" / "weather" / "windpowerlib_berlin_2010.csv", header=[0, 1], index_col=0
    )
    df.index = pd.to_datetime(df.index, utc=True)
    df.columns = pd.MultiIndex.from_tuples(
        [(a, float(b)) for a, b in df.columns], names=["variable_name", "height"]
    )
    return df


@pytest.fixture(scope="session")
def essen(shared_dir):
    """TRY2015 Essen through the weather stage (canonical frame + meta)."""
    weather = pytest.importorskip("haldenenergie.weather")
    if not hasattr(weather, "read_weather"):
        pytest.skip("weather.read_weather not available yet")
    return weather.read_weather(shared_dir / "data" / "weather" / "TRY2015_essen_jahr.dat")


# --- stand-ins of registry heaps and terrains for the wind stage ---------------------------------
def _ew(count=0, model=None, wtype=None, hub=None):
    return SimpleNamespace(
        count=count,
        model=model,
        windpowerlib_type=wtype,
        rated_kw=None,
        hub_height_m=hub,
        rotor_diameter_m=None,
        since=None,
    )


def _heap(hid, H=50.0, ew=None):
    return SimpleNamespace(id=hid, height_rel_m=H, existing_wind=ew or _ew())


def _terrain(H=50.0, L=250.0, site_ha=5.0):
    return SimpleNamespace(
        relative_height_m=H,
        half_height_distance_m=L,
        turbine_site_area_ha=site_ha,
        plateau_area_ha=site_ha,
    )


def _heaps_terrains():
    """Nine heaps: six without turbines (one too small, one flat), g with the E-138 EP3 of
    Mottbruch, h with two E-101/3050, i with three turbines of no stated model; their terrains."""
    specs = [
        ("a", 80, 200, 5),
        ("b", 30, 150, 25),
        ("c", 120, 300, 60),
        ("d", 0, float("nan"), 1),
        ("e", 50, 250, 0.01),
        ("f", 60, 250, 40),
    ]
    heaps = [_heap(h, H) for h, H, _, _ in specs]
    heaps.append(_heap("g", 81, _ew(1, "Enercon E-138 EP3", None, 131)))
    heaps.append(_heap("h", 70, _ew(2, "Enercon E-101", "E-101/3050", 99)))
    heaps.append(_heap("i", 50, _ew(3, "not stated")))
    terr = {h: _terrain(H, L, s) for h, H, L, s in specs}
    terr.update(g=_terrain(81, 256, 2), h=_terrain(70, 200, 0), i=_terrain(50, 300, 30))
    return heaps, terr


@pytest.fixture
def standin():
    """Stand-ins of the wind stage's inputs: ``standin.ew(count, model, wtype, hub)``,
    ``standin.heap(id, H, ew)``, ``standin.terrain(H, L, site_ha)`` and
    ``standin.heaps_terrains()`` (fresh objects on every call: tests may change them)."""
    return SimpleNamespace(ew=_ew, heap=_heap, terrain=_terrain, heaps_terrains=_heaps_terrains)
