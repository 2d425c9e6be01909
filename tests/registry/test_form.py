"""Form checks of the registry (issue 13): area, height and footprint polygon of a dumped heap.

A 1.7 ha heap 111 m high, or a 2 cm footprint polygon, is refused by ``heaps validate`` (exit 1)
and by :func:`read_registry` (so ``run`` refuses it); steep-but-possible facts are warnings.
"""

from __future__ import annotations

import copy
import json
import math

import pytest

from haldenenergie.errors import RegistryError
from haldenenergie.registry import (
    MAX_IMPLIED_FLANK_DEG,
    STEEP_IMPLIED_FLANK_DEG,
    check_registry,
    implied_flank_slope_deg,
    read_registry,
)


def _edited(shipped, tmp_path, heap_id, props=None, geometry=None):
    """A copy of the shipped registry with one feature edited; returns its path."""
    data = copy.deepcopy(shipped)
    (feat,) = [f for f in data["features"] if f["properties"]["id"] == heap_id]
    feat["properties"].update(props or {})
    if geometry is not None:
        feat["geometry"] = geometry
    path = tmp_path / "edited.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _square(lon, lat, side_deg):
    ring = [
        [lon, lat],
        [lon + side_deg, lat],
        [lon + side_deg, lat + side_deg],
        [lon, lat + side_deg],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def test_implied_flank_slope():
    # A cone of 1.7 ha (radius 73.6 m) and 111 m: atan(111 / 73.6)
    assert implied_flank_slope_deg(1.7, 111.0) == pytest.approx(56.47, abs=0.01)
    r = math.sqrt(170e4 / math.pi)
    assert implied_flank_slope_deg(170.0, 111.0) == pytest.approx(math.degrees(math.atan(111 / r)))


def test_area_off_by_100_is_an_error(shipped, tmp_path, invoke):
    path = _edited(shipped, tmp_path, "hoheward", {"area_ha": 1.7})
    r = invoke("heaps", "validate", path)
    assert r.exit_code == 1
    (line,) = [x for x in r.stdout.splitlines() if "hoheward" in x]
    assert line.startswith(f"{path}: feature hoheward (#0): area_ha: area_ha 1.7 ha and ")
    assert "height_rel_m 111 m imply flanks of at least 56.5 deg" in line
    assert "impossible" in line and "at least 5.5 ha" in line and "x 100" in line
    heaps, problems = check_registry(path)
    assert "hoheward" not in {h.id for h in heaps}
    with pytest.raises(RegistryError, match="hoheward.*56.5 deg"):
        read_registry(path)  # what ``run`` and ``terrain`` call: they refuse it


def test_two_centimetre_polygon_is_an_error(shipped, tmp_path, invoke):
    lon, lat = 6.87577, 51.5504
    path = _edited(shipped, tmp_path, "haniel", geometry=_square(lon, lat, 2e-7))
    r = invoke("heaps", "validate", path)
    assert r.exit_code == 1
    (line,) = [x for x in r.stdout.splitlines() if "haniel" in x and "geometry" in x]
    assert "geometry: footprint polygon of 0.000" in line
    assert "smaller than any heap (< 0.1 ha)" in line and "outline" in line
    r = invoke("terrain", "--heaps", path, "--heap", "haniel")
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines()[-1].startswith("error: ") and "0.1 ha" in r.stderr


def test_polygon_too_small_for_the_height_is_an_error(shipped, tmp_path):
    # ~0.5 ha outline (55 x 89 m) for Haniel's 159 m: flanks of > 75 deg
    path = _edited(
        shipped, tmp_path, "haniel", {"area_ha": None}, _square(6.87577, 51.5504, 0.0008)
    )
    _, problems = check_registry(path)
    (p,) = [p for p in problems if p.feature_id == "haniel" and p.severity == "error"]
    assert p.property == "geometry" and "the footprint polygon's" in p.message
    assert "impossible" in p.message


def test_steep_but_possible_is_a_warning(shipped, tmp_path, invoke):
    # 10 ha and 60 m: a cone of radius 178 m has 18.6 deg; 3 ha and 60 m: 31.5 deg
    path = _edited(shipped, tmp_path, "halde-19", {"area_ha": 3.0, "height_rel_m": 60.0})
    r = invoke("heaps", "validate", path)
    assert r.exit_code == 0, r.output
    (line,) = [x for x in r.stdout.splitlines() if "halde-19" in x and "flanks" in x]
    assert "area_ha: warning: area_ha 3 ha and height_rel_m 60 m imply flanks of at least" in line
    assert invoke("heaps", "validate", "--strict", path).exit_code == 1


def test_small_polygon_is_a_warning(shipped, tmp_path):
    # ~0.5 ha outline without a height: no slope check, only the size warning
    path = _edited(
        shipped,
        tmp_path,
        "halde-19",
        {"area_ha": None, "height_rel_m": None},
        _square(6.9, 51.5, 0.001),
    )
    heaps, problems = check_registry(path)
    assert "halde-19" in {h.id for h in heaps}
    (p,) = [p for p in problems if p.feature_id == "halde-19"]
    assert p.severity == "warning" and "smaller than any known Ruhr heap" in p.message


def test_shipped_registry_margins(registry_path):
    heaps, problems = check_registry(registry_path)
    assert not [p for p in problems if "flanks" in p.message or "smaller than" in p.message]
    slopes = [
        implied_flank_slope_deg(h.area_ha, h.height_rel_m)
        for h in heaps
        if h.area_ha and h.height_rel_m
    ]
    # Steepest implied cone: Halde Scholven, 19.3 deg (50 ha, 140 m); warning 30, error 40.
    assert max(slopes) == pytest.approx(19.34, abs=0.01)
    assert max(slopes) < STEEP_IMPLIED_FLANK_DEG < MAX_IMPLIED_FLANK_DEG
