"""Fixtures of the weather tests: the default synthetic year, the TRY2015 Essen, canonical lines."""

from __future__ import annotations

import pytest

from haldenenergie.weather import default_weather_path, read_weather


@pytest.fixture(scope="session")
def default_year():
    """(data, meta) of the packaged synthetic default year."""
    return read_weather(default_weather_path())


@pytest.fixture(scope="session")
def try2015(weather_dir):
    """(data, meta) of the DWD TRY2015 Essen (mean year) from ../shared."""
    return read_weather(weather_dir / "TRY2015_essen_jahr.dat")


@pytest.fixture(scope="session")
def canon_lines():
    """(header lines incl. the column header, data lines) of the default year's canonical CSV."""
    text = default_weather_path().read_text(encoding="utf-8").splitlines()
    n_head = next(i for i, ln in enumerate(text) if ln.startswith("time_utc"))
    return text[: n_head + 1], text[n_head + 1 :]


@pytest.fixture(scope="session")
def try_data_start():
    """Index of the first data line of a TRY .dat file given as a list of lines."""

    def _start(lines: list[str]) -> int:
        return next(k for k, ln in enumerate(lines) if ln.startswith("***")) + 1

    return _start
