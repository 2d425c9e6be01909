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
