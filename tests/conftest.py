"""Shared fixtures: paths to the project and to the read-only ../shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def root_dir() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only ../shared folder; tests that need it skip where it is absent."""
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED


@pytest.fixture(scope="session")
def weather_dir(shared_dir) -> Path:
    return shared_dir / "data" / "weather"


@pytest.fixture(scope="session")
def dem_path(shared_dir) -> Path:
    return shared_dir / "data" / "dem" / "ruhr_west_srtm3_3as.tif"
