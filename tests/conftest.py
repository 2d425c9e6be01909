"""Shared fixtures: paths to the project and to the read-only ../shared data.

The suite runs in parallel (pytest-xdist, ``-n auto --dist loadfile`` in pyproject.toml): every
test writes only below ``tmp_path``/``tmp_path_factory``, and an expensive result that tests of
several files read is built once per session with :func:`build_once`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
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


def pytest_addoption(parser, pluginmanager):
    """Accept the ``-n``/``--dist`` of pyproject's ``addopts`` when pytest-xdist is off.

    ``python -m pytest -p no:xdist`` (or a pytest without the plugin) would otherwise stop at
    "unrecognized arguments: -n"; without xdist the options do nothing and the suite runs in
    one process, as with ``-n 0``.
    """
    if pluginmanager.has_plugin("xdist"):
        return
    group = parser.getgroup("xdist", "distributed testing (pytest-xdist not active: ignored)")
    # _addoption: pytest reserves lowercase short options for itself and its plugins; these
    # stand in for pytest-xdist's own -n (same name and destination, pytest-xdist 3.x).
    group._addoption("-n", "--numprocesses", dest="numprocesses", default=None)
    group.addoption("--dist", dest="dist", default="no")


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (POSIX ``flock``; released if the holder dies)."""
    import fcntl

    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _build_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """See :func:`build_once`."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None or os.name != "posix":
        folder = tmp_path_factory.mktemp(name)  # one process (or no flock): nothing to share
        build(folder)
        return folder
    # xdist's pattern for session data shared by the workers ("Making session-scoped fixtures
    # execute only once", pytest-xdist docs): the workers' base temp folders share one parent,
    # fresh for every pytest session.
    root = tmp_path_factory.getbasetemp().parent
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with _exclusive(root / f"shared-{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # left half-built by a failed build
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def build_once(tmp_path_factory):
    """``build_once(name, build) -> folder``: ``build(folder)`` once per test session.

    Under pytest-xdist the first worker that asks builds into a folder that all workers see
    (the others wait on a file lock, then reuse it); in a single process it is a plain
    ``tmp_path_factory.mktemp(name)``. ``build`` must write only into ``folder`` and put its
    results at fixed names in it, and tests must treat the folder as read-only (copy it to
    ``tmp_path`` to change it). ``name`` is unique per result.
    """

    def _once(name: str, build: Callable[[Path], None]) -> Path:
        return _build_once(tmp_path_factory, name, build)

    return _once


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


# DWD CDC station folder (pipeline and batch tests)
#: Geography file of DWD CDC station 1078 (Düsseldorf), as the DWD ships it.
CDC_GEO = (
    "Stations_id;Stationshoehe;Geogr.Breite;Geogr.Laenge;von_datum;bis_datum;Stationsname\n"
    "1078;37;51.2960;6.7686;19690101;;Duesseldorf\n"
)


def _cdc_product(path: Path, cols: dict, end, fmt: str = "%Y%m%d%H") -> None:
    df = pd.DataFrame(
        {"STATIONS_ID": 1078, "MESS_DATUM": end.strftime(fmt), "QN": 3, **cols, "eor": "eor"}
    )
    path.write_text(df.to_csv(sep=";", index=False).replace(";", ";  "), encoding="utf-8")


def write_cdc_station(folder: Path) -> Path:
    """A DWD CDC hourly station folder (wind, temperature, pressure, solar + geography) made from
    the synthetic year; MESS_DATUM labels the end of the hour, solar in J/cm² per hour."""
    from haldenenergie.weather import default_weather_path, read_weather

    d = read_weather(default_weather_path())[0].iloc[:8760]
    end = d.index + pd.Timedelta(hours=1)
    folder.mkdir(parents=True)
    tag = "stunde_20150101_20151231_01078"
    _cdc_product(
        folder / f"produkt_ff_{tag}.txt",
        {"F": d["wind_speed"].round(1).to_numpy(), "D": d["wind_direction"].round(0).to_numpy()},
        end,
    )
    _cdc_product(
        folder / f"produkt_tu_{tag}.txt", {"TT_TU": d["temp_air"].round(1).to_numpy()}, end
    )
    _cdc_product(
        folder / f"produkt_p0_{tag}.txt", {"P0": (d["pressure"] / 100).round(1).to_numpy()}, end
    )
    _cdc_product(
        folder / f"produkt_st_{tag}.txt",
        {
            "FG_LBERG": (d["ghi"] * 0.36).round(3).to_numpy(),
            "FD_LBERG": (d["dhi"] * 0.36).round(3).to_numpy(),
        },
        end,
        fmt="%Y%m%d%H:%M",
    )
    (folder / "Metadaten_Geographie_01078.txt").write_text(CDC_GEO, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def cdc_folder(tmp_path_factory) -> Path:
    """A DWD CDC station folder (several produkt_*.txt files of station 1078)."""
    return write_cdc_station(tmp_path_factory.mktemp("cdc") / "cdc-01078")


def assert_frames_close(
    new: pd.DataFrame, old: pd.DataFrame, what: str, rtol: float = 1e-9, added_ok: bool = False
) -> None:
    """Same columns in the same order, numbers to ``rtol`` relative (no absolute slack), text equal.

    ``added_ok``: ``new`` may have more columns (a new figure); every column of ``old`` must stay,
    in the same order (the golden run).
    """
    import numpy as np

    if added_ok:
        kept = [c for c in new.columns if c in set(old.columns)]
        assert kept == list(old.columns), f"{what}: recorded columns removed or reordered"
    else:
        assert list(new.columns) == list(old.columns), f"{what}: columns differ"
    assert len(new) == len(old), f"{what}: {len(new)} rows, expected {len(old)}"
    for col in old.columns:
        a, b = new[col], old[col]
        if pd.api.types.is_numeric_dtype(b) and pd.api.types.is_numeric_dtype(a):
            np.testing.assert_allclose(
                a.to_numpy(float),
                b.to_numpy(float),
                rtol=rtol,
                atol=0.0,
                equal_nan=True,
                err_msg=f"{what}: column {col}",
            )
        else:
            got = a.fillna("").astype(str).tolist()
            assert got == b.fillna("").astype(str).tolist(), f"{what}: column {col} differs"


@pytest.fixture(scope="session")
def frames_close():
    """:func:`assert_frames_close` (helpers reach tests as fixtures: importlib import mode)."""
    return assert_frames_close
