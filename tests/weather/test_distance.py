"""Distance of the weather station to the heaps (issue 13)."""

from __future__ import annotations

import json

import pytest

from haldenenergie.errors import WeatherError
from haldenenergie.weather import check_station_distance, great_circle_km
from haldenenergie.weather.model import WeatherMeta


@pytest.fixture(scope="module")
def heap_points(root_dir):
    reg = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    return [f["geometry"]["coordinates"] for f in reg["features"] if f.get("geometry")]


def _meta(lat, lon):
    return WeatherMeta(path="w.csv", sha256="", source_format="x", latitude=lat, longitude=lon)


def test_great_circle():
    # Essen - Berlin: about 455 km
    assert great_circle_km(7.0568, 51.4562, 13.405, 52.52) == pytest.approx(455, abs=15)


def test_essen_and_duesseldorf_pass(heap_points):
    for lat, lon in [(51.4562, 7.0568), (51.296, 6.7686), (51.4, 6.96667)]:
        m = _meta(lat, lon)
        assert check_station_distance(m, heap_points, 100, 250) == []
        assert m.warnings == []


def test_distant_station_refused(heap_points):
    with pytest.raises(WeatherError) as ei:
        check_station_distance(_meta(45.0, 8.0), heap_points, 100, 250)
    msg = str(ei.value)
    assert msg.startswith("w.csv: weather station at 45.000° N 8.000° E is ")
    assert "more than 250 km" in msg and "--allow-distant-weather" in msg


def test_distant_station_allowed_is_a_warning(heap_points):
    m = _meta(45.0, 8.0)
    found = check_station_distance(m, heap_points, 100, 250, allow_distant=True)
    assert len(found) == 1 and "more than 100 km" in found[0]
    assert m.warnings == found


def test_between_warn_and_max_is_a_warning(heap_points):
    m = _meta(50.5, 7.0)  # about 130 km south of the Ruhr
    found = check_station_distance(m, heap_points, 100, 250)
    assert found and "farthest heap" in found[0]


def test_unknown_positions_skip(heap_points):
    assert check_station_distance(_meta(None, None), heap_points, 100, 250) == []
    assert check_station_distance(_meta(45.0, 8.0), [None, (float("nan"), 1.0)], 100, 250) == []
