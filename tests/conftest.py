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


@pytest.fixture(autouse=True)
def _reset_package_logger():
    """CLI tests call ``cli.setup_logging``, which gives the package logger its own stderr handler
    and stops propagation; restore the library default after each test so that ``caplog`` (which
    listens on the root logger) sees records in later tests regardless of test order."""
    import logging

    yield
    lg = logging.getLogger("haldenenergie")
    lg.handlers[:] = []
    lg.propagate = True
    lg.setLevel(logging.NOTSET)


@pytest.fixture(scope="session")
def invoke():
    """Call the ``haldenenergie`` CLI in-process: ``invoke("run", "--out", d)`` -> click Result.

    The one shared ``CliRunner`` of the suite; stdout and stderr are kept apart
    (``result.stdout``, ``result.stderr``). Arguments are converted with ``str``.
    """
    from click.testing import CliRunner

    from haldenenergie.cli import main

    runner = CliRunner()

    def _invoke(*args, input=None, env=None, catch_exceptions=False):
        return runner.invoke(
            main, [str(a) for a in args], input=input, env=env, catch_exceptions=catch_exceptions
        )

    return _invoke


@pytest.fixture(scope="session")
def cli(invoke):
    """Like :func:`invoke`, but the command must succeed (exit 0); returns the click Result."""

    def _cli(*args, **kwargs):
        result = invoke(*args, **kwargs)
        assert result.exit_code == 0, (
            f"haldenenergie {' '.join(map(str, args))} exited {result.exit_code}: {result.output}"
        )
        return result

    return _cli
