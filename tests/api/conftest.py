"""Fixtures of the Python API tests: one default run shared by the module, small registries."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

#: Heaps of the small runs: a plateau heap with new turbines (hoheward), a cone (haniel) and the
#: heap with an existing turbine (hoppenbruch).
SMALL = ("haniel", "hoheward", "hoppenbruch")


@pytest.fixture(scope="session")
def default_run():
    """``haldenenergie.run()`` with every default (computed once for the session)."""
    import haldenenergie as he

    return he.run()


@pytest.fixture(scope="session")
def small_registry(tmp_path_factory, root_dir) -> Path:
    """The registry with only :data:`SMALL`'s heaps (GeoJSON)."""
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    gj["features"] = [f for f in gj["features"] if f["properties"]["id"] in SMALL]
    p = tmp_path_factory.mktemp("reg") / "small.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    return p


@pytest.fixture(scope="session")
def half_year(tmp_path_factory, weather_dir) -> Path:
    """TRY2015 Essen cut after 30 June (Jan-Jun, 4344 h): a partial series."""
    lines = (weather_dir / "TRY2015_essen_jahr.dat").read_text(encoding="latin-1").splitlines()
    start = next(i for i, s in enumerate(lines) if s.startswith("***")) + 1
    p = tmp_path_factory.mktemp("half") / "half_try.dat"
    p.write_text("\n".join(lines[: start + 181 * 24]) + "\n", encoding="latin-1")
    return p


def via_csv(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` written and read as the run folder's CSV is (text columns as pandas reads them)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    buf.seek(0)
    return pd.read_csv(buf)


@pytest.fixture(scope="session")
def csv_roundtrip():
    """:func:`via_csv`."""
    return via_csv
