"""Reported yields of existing turbines: registry facts and their checks."""

from __future__ import annotations

import csv

import pytest

from haldenenergie.registry import read_registry
from haldenenergie.registry.checks import check_reported_yield, finite_numbers


def _run(**props):
    found = []

    def add(prop, message, severity="error"):
        found.append((prop, severity, message))

    check_reported_yield(props, finite_numbers(props), add)
    return found


TURBINE = {"existing_wind_count": 1, "existing_wind_rated_kw": 3000}


def test_plausible_yield_with_source_passes():
    # 6,700 MWh/a of one 3,050 kW turbine: capacity factor 0.25 (Halde Hoppenbruch)
    assert (
        _run(
            existing_wind_count=1,
            existing_wind_rated_kw=3050,
            existing_wind_reported_mwh_per_a=6700,
            existing_wind_reported_source="https://example.org",
        )
        == []
    )


@pytest.mark.parametrize(
    ("props", "prop", "severity", "text"),
    [
        (
            {"existing_wind_reported_mwh_per_a": 6700e3},
            "existing_wind_reported_mwh_per_a",
            "error",
            "kWh",
        ),
        (
            {"existing_wind_reported_mwh_per_a": 13000},
            "existing_wind_reported_mwh_per_a",
            "warning",
            "high for inland",
        ),
        (
            {"existing_wind_reported_mwh_per_a": -1},
            "existing_wind_reported_mwh_per_a",
            "error",
            "> 0",
        ),
    ],
)
def test_implausible_yields(props, prop, severity, text):
    found = _run(**TURBINE, existing_wind_reported_source="x", **props)
    assert [(p, s) for p, s, _ in found] == [(prop, severity)] and text in found[0][2]


def test_yield_needs_source_and_turbines():
    found = _run(existing_wind_reported_mwh_per_a=5000)
    assert {p for p, _, _ in found} == {
        "existing_wind_reported_source",
        "existing_wind_reported_mwh_per_a",
    }
    assert _run(existing_wind_reported_source="x")[0][1] == "warning"


def test_shipped_registry_holds_the_reported_yields(root_dir, shared_dir):
    path = shared_dir / "data" / "heaps" / "existing_turbine_yields.csv"
    with open(path, encoding="utf-8") as fh:
        rows = {r["heap_id"]: r for r in csv.DictReader(fh)}
    heaps = {h.id: h for h in read_registry(root_dir / "heaps.geojson")}
    for hid, r in rows.items():
        ew = heaps[hid].existing_wind
        assert ew.reported_mwh_per_a == float(r["reported_energy_mwh_per_a"])
        assert r["sources"].split(";")[0] in ew.reported_source
    others = [h for h in heaps.values() if h.id not in rows]
    assert all(h.existing_wind.reported_mwh_per_a is None for h in others)
    rec = heaps["mottbruch"].to_record()
    assert rec["existing_wind_reported_mwh_per_a"] == 10000
