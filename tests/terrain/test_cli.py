"""`haldenenergie terrain`: CSV output, options, one-line errors and exit codes."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from haldenenergie.terrain import (
    HEAP_COLUMNS,
)


def test_cli_resolution_option(dem_path, registry, invoke):
    import io

    import pandas as pd

    args = ["terrain", "--heaps", str(registry), "--dem", str(dem_path), "--heap", "haniel"]
    r20 = invoke(*args, "--resolution", "20")
    assert r20.exit_code == 0, r20.output
    row = pd.read_csv(io.StringIO(r20.stdout)).iloc[0]
    assert row.resolution_m == 20.0
    assert 80 <= row.relative_height_m <= 130 and 50 <= row.footprint_area_ha <= 250
    # Areas are whole 20 m cells (0.04 ha).
    assert_allclose(row.footprint_area_ha / 0.04, round(row.footprint_area_ha / 0.04), atol=1e-6)
    r = invoke(*args, "--resolution", "0.1")
    assert r.exit_code == 2 and "--resolution" in r.output


def test_cli_dem_serving_no_heap_exit_1(bad_dems, registry, invoke):
    r = invoke("terrain", "--heaps", str(registry), "--dem", str(bad_dems["elsewhere"]))
    assert r.exit_code == 1, r.output
    assert r.stderr.startswith("error: elsewhere.tif: DEM serves none of the ")
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize("kind", ["elsewhere", "nodata", "nocrs"])
def test_bad_dem_cli_exit_1(bad_dems, kind, registry, invoke):
    r = invoke(
        "terrain", "--heaps", str(registry), "--heap", "haniel", "--dem", str(bad_dems[kind])
    )
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ") and bad_dems[kind].name in r.stderr
    assert "haniel" in r.stderr and "Traceback" not in r.output + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_parametric_csv_and_out(tmp_path, registry_heaps, registry, invoke):
    import io

    import pandas as pd

    r = invoke("terrain", "--heaps", str(registry))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.stdout))
    assert len(df) == len(registry_heaps)
    assert list(df.columns) == list(HEAP_COLUMNS)
    out = tmp_path / "t.csv"
    args = [
        "terrain",
        "--heaps",
        str(registry),
        "--heap",
        "beckstrasse",
        "--surfaces",
        "--out",
        str(out),
    ]
    assert invoke(*args).exit_code == 0
    s = pd.read_csv(out)
    assert set(s.heap_id) == {"beckstrasse"} and "flank_S_15-25" in set(s.surface_class)
    assert all(len(h.split()) == 36 for h in s.horizon_deg)
    r = invoke(*args)  # exists: refused without --overwrite
    assert r.exit_code == 1 and "--overwrite" in r.stderr
    assert invoke(*args, "--overwrite").exit_code == 0
    r = invoke("terrain", "--heaps", str(registry), "--heap", "nope")
    assert r.exit_code == 1 and "nope" in r.stderr
