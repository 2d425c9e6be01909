"""WeatherConfig: in the config system, every field with a source; importing it stays light."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from haldenenergie.config import load_config
from haldenenergie.weather import WeatherConfig


def test_weather_config_in_config_system():
    cfg = load_config()
    assert isinstance(cfg.weather, WeatherConfig)
    assert cfg.weather.max_interpolated_gap_h == 3
    for f in dataclasses.fields(WeatherConfig):
        assert f.metadata["source"], f.name


def test_config_module_imports_nothing_heavy():
    code = (
        "import sys; import haldenenergie.weather.config as c; c.WeatherConfig(); "
        "heavy = [m for m in ('pandas', 'numpy', 'pvlib', 'scipy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
