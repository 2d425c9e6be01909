"""Fixtures of the export tests: a small results folder (6 heaps) with registry and manifest."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from haldenenergie import _io
from haldenenergie.config import load_config

HEAPS = [
    # id, name, owner, access, nature, landmark, constraints, housing m, existing, lat, lon
    ("alpha", "Halde Älpha", "RVR", "open", None, None, None, 900.0, 0, 51.55, 7.10),
    ("beta", "Halde Beta", "RVR", "open", None, "Tetraeder", "MTB trail", None, 0, 51.52, 6.96),
    (
        "gamma",
        "Halde Gamma",
        "RAG (transfer to RVR by ~2035)",
        "closed",
        None,
        None,
        "under Bergaufsicht, closed",
        750.0,
        2,
        51.60,
        7.05,
    ),
    ("delta", "Halde Delta", "RVR", "open", "reserve", None, None, 800.0, 0, 51.58, 7.20),
    ("epsilon", "Halde Epsilon", "RVR", "unknown", None, None, None, 450.0, 0, None, None),
    ("zeta", "Halde Zeta", "RVR", "open", None, None, None, None, 0, 51.50, 7.30),
]


def _write_registry(path: Path) -> Path:
    feats = []
    for hid, name, owner, access, nat, lm, cons, dist, n_ex, lat, lon in HEAPS:
        props = {
            "id": hid,
            "name": name,
            "city": "Essen",
            "owner": owner,
            "membership": "confirmed",
            "area_ha": 40.0,
            "height_rel_m": 50.0,
            "form": "table",
            "existing_wind_count": n_ex,
            "existing_wind_model": "Enercon E-82" if n_ex else None,
            "landmark": lm,
            "nature_protection": nat,
            "access": access,
            "constraints": cons,
            "housing_distance_m": dist,
            "sources": "test",
        }
        geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
        feats.append({"type": "Feature", "id": hid, "geometry": geom, "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    return path


def _results_frame() -> pd.DataFrame:
    rows = []
    for i, (hid, name, owner, *_rest) in enumerate(HEAPS):
        lat, lon = _rest[-2], _rest[-1]
        n_ex = _rest[-3]
        area = [30.123456, 12.5, 20.0, 15.0, 0.0, 8.25][i]
        turb = [2, 0, 1, 1, 3, 1][i]
        yld = [905.4321, 880.0, 910.0, 900.0, np.nan, 870.5][i]
        pv_e = area * 0.75 * (yld if not np.isnan(yld) else 0.0)
        w_e = turb * [9876.54321, 0, 8000.0, 7000.0, 9000.0, 8500.0][i]
        rows.append(
            {
                "heap_id": hid,
                "name": name,
                "city": "Essen",
                "owner": owner,
                "terrain_source": "parametric",
                "footprint_area_ha": 40.0 + i,
                "relative_height_m": 50.5,
                "pv_usable_area_ha": area,
                "pv_capacity_mwp": area * 0.75,
                "pv_energy_mwh_per_a": pv_e,
                "pv_specific_yield_kwh_per_kwp": yld,
                "wind_turbines_new": turb,
                "wind_capacity_mw": turb * 4.2,
                "wind_energy_mwh_per_a": w_e,
                "wind_full_load_hours_h": w_e / (turb * 4.2) if turb else np.nan,
                "existing_wind_turbines": n_ex,
                "existing_wind_energy_mwh_per_a": n_ex * 5500.0,
                "assumptions": "area_ha=40 (default; test)" if i == 2 else "",
                "status": "ok",
                "lat": lat,
                "lon": lon,
                "total_energy_mwh_per_a": pv_e + w_e,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def write_registry():
    """``write_registry(path)`` writes the 6-heap registry GeoJSON and returns the path."""
    return _write_registry


@pytest.fixture
def results_frame():
    """``results_frame()`` -> the unranked results of the 6 heaps."""
    return _results_frame


@pytest.fixture
def folder(tmp_path) -> Path:
    """An unranked results folder whose manifest records the registry."""
    reg = _write_registry(tmp_path / "reg.geojson")
    d = tmp_path / "out"
    d.mkdir()
    _results_frame().to_csv(d / "results.csv", index=False)
    man = _io.manifest("run", [_io.file_record(reg, "registry")], load_config().to_dict())
    _io.write_json(d / "manifest.json", man)
    return d


@pytest.fixture
def ranked(folder, cli) -> Path:
    """:func:`folder` after ``haldenenergie rank``."""
    cli("rank", folder)
    return folder


@pytest.fixture
def inverse_headers():
    """``inverse_headers(columns, lang)`` -> {header: column} of the committee files."""
    from haldenenergie import export as E

    return lambda columns, lang: {h: c for c, h in E.header_map(columns, lang).items()}
