"""Packaged defaults: the package carries the top-level registry and weather year."""

from __future__ import annotations

from haldenenergie import resources


def test_packaged_registry_identical_to_top_level(root_dir):
    packaged = resources.default_registry_path()
    assert packaged.parent.name == "data" and packaged.parent.parent.name == "haldenenergie"
    assert packaged.read_bytes() == (root_dir / "heaps.geojson").read_bytes(), (
        "haldenenergie/data/heaps.geojson differs from heaps.geojson: copy the top-level file"
    )


def test_packaged_weather_identical_to_top_level(root_dir):
    packaged = resources.default_weather_path()
    top = root_dir / "weather" / resources.DEFAULT_WEATHER_NAME
    assert packaged.read_bytes() == top.read_bytes(), (
        f"haldenenergie/data/{resources.DEFAULT_WEATHER_NAME} differs from weather/: copy it"
    )
