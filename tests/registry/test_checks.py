"""Tests of the property checks (haldenenergie.registry.checks), one property family at a time."""

from __future__ import annotations

import math

import pytest

from haldenenergie.registry import checks
from haldenenergie.registry.checks import PROPERTY_CHECKS, finite_numbers, run_property_checks


def _run(check, **props):
    """Problems ``(property, severity, message)`` of one check on the given properties."""
    found = []

    def add(prop, message, severity="error"):
        found.append((prop, severity, message))

    check(props, finite_numbers(props), add)
    return found


def test_finite_numbers_keeps_only_finite_json_numbers():
    props = {
        "area_ha": 5,
        "height_rel_m": math.inf,
        "height_asl_m": "50",
        "housing_distance_m": True,
    }
    assert finite_numbers(props) == {"area_ha": 5}


def test_every_check_accepts_a_plain_heap():
    props = {"id": "a", "name": "A", "area_ha": 20, "height_asl_m": 100, "height_rel_m": 50}
    props["sources"] = "https://example.org"
    for check in PROPERTY_CHECKS:
        assert _run(check, **props) == [], check.__name__


@pytest.mark.parametrize(
    ("key", "value", "severity"),
    [
        ("form", "pyramid", "error"),
        ("access", "public", "error"),
        ("nature_protection", "yes", "error"),
        ("membership", "maybe", "warning"),
    ],
)
def test_vocabularies_table(key, value, severity):
    ((prop, sev, message),) = _run(checks.check_vocabularies, **{key: value})
    assert (prop, sev) == (key, severity) and repr(value) in message


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"area_ha": 0}, [("area_ha", "error")]),
        ({"area_ha": 1500}, [("area_ha", "error")]),
        ({"area_ha": 400}, [("area_ha", "warning")]),
        ({"height_rel_m": 250}, [("height_rel_m", "error")]),
        ({"height_asl_m": -1}, [("height_asl_m", "error")]),
        ({"height_asl_m": 30, "height_rel_m": 25}, [("height_rel_m", "warning")]),
        ({"housing_distance_m": 6000}, [("housing_distance_m", "warning")]),
        (
            {"existing_wind_count": 60, "existing_wind_model": "E-82"},
            [("existing_wind_count", "error")],
        ),
        (
            {"existing_wind_count": 1, "existing_wind_rated_kw": 0},
            [("existing_wind_rated_kw", "error")],
        ),
        (
            {"existing_wind_count": 0, "existing_wind_model": "E-82"},
            [("existing_wind_count", "warning")],
        ),
        (
            {"existing_wind_count": 1, "existing_wind_windpowerlib_type": "E 82"},
            [("existing_wind_windpowerlib_type", "error")],
        ),
    ],
)
def test_range_and_turbine_checks(props, expected):
    found = []
    run_property_checks(
        {"id": "a", "name": "A", "sources": "x", **props},
        lambda prop, message, severity="error": found.append((prop, severity)),
    )
    assert found == expected


def test_text_or_number_property():
    assert _run(checks.check_types, existing_wind_since=2016) == []
    assert _run(checks.check_types, existing_wind_since="2016 (alt. 2014)") == []
    ((prop, _, message),) = _run(checks.check_types, existing_wind_since=[2016])
    assert prop == "existing_wind_since" and "must be text, a year or null" in message
