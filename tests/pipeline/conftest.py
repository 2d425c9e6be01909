"""Fixtures of the pipeline tests: the synthetic year relabelled to another location, and a small
registry (the DWD CDC station folder fixture ``cdc_folder`` is in ``tests/conftest.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haldenenergie.weather import default_weather_path


@pytest.fixture(scope="session")
def weather_at(tmp_path_factory):
    """``weather_at(lat, lon)``: the synthetic year (canonical CSV) at another station location."""
    base = tmp_path_factory.mktemp("moved")

    def _at(lat: float, lon: float) -> Path:
        lines = default_weather_path().read_text(encoding="utf-8").splitlines(keepends=True)
        for i, ln in enumerate(lines):
            if ln.startswith("# latitude_deg:"):
                lines[i] = f"# latitude_deg: {lat}\n"
            elif ln.startswith("# longitude_deg:"):
                lines[i] = f"# longitude_deg: {lon}\n"
        p = base / f"year_{lat}_{lon}.csv"
        p.write_text("".join(lines), encoding="utf-8")
        return p

    return _at


@pytest.fixture(scope="session")
def two_heaps(tmp_path_factory, root_dir) -> Path:
    """A registry of two heaps (haniel, hoheward): fast end-to-end runs."""
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    gj["features"] = [f for f in gj["features"] if f["properties"]["id"] in ("haniel", "hoheward")]
    p = tmp_path_factory.mktemp("reg") / "two.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    return p
