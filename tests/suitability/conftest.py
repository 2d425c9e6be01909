"""Builders shared by the suitability tests, offered as fixtures.

``heap`` builds a registry :class:`~haldenenergie.registry.Heap`, ``row`` one results row,
``classify_one`` ranks one heap alone, ``random_case`` draws a random registry and results.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from haldenenergie import suitability as S
from haldenenergie.registry import ExistingWind, Heap


def make_heap(hid, existing_wind_count=0, **kw):
    """A registry heap with the attributes the rules use (open RVR heap, 1 km from housing)."""
    attrs = {
        "name": f"Halde {hid}",
        "owner": "RVR",
        "access": "open",
        "landmark": None,
        "nature_protection": None,
        "constraints": None,
        "housing_distance_m": 1000.0,
    }
    attrs.update(kw)
    return Heap(id=hid, existing_wind=ExistingWind(count=existing_wind_count), **attrs)


def make_row(
    hid,
    pv_area=10.0,
    pv_energy=9000.0,
    yield_=900.0,
    turbines=2,
    wind_energy=20000.0,
    flh=2400.0,
    footprint=40.0,
    **kw,
):
    """One results row (columns of results.csv)."""
    r = {
        "heap_id": hid,
        "name": f"Halde {hid}",
        "owner": "RVR",
        "status": "ok",
        "footprint_area_ha": footprint,
        "pv_usable_area_ha": pv_area,
        "pv_capacity_mwp": pv_area * 0.75,
        "pv_energy_mwh_per_a": pv_energy,
        "pv_specific_yield_kwh_per_kwp": yield_,
        "wind_turbines_new": turbines,
        "wind_capacity_mw": turbines * 4.2,
        "wind_energy_mwh_per_a": wind_energy,
        "wind_full_load_hours_h": flh,
        "existing_wind_turbines": 0,
        "existing_wind_energy_mwh_per_a": 0.0,
    }
    r.update(kw)
    return r


def make_random_case(rng, n):
    """n heaps with random energies, yields, owners, access, constraints and distances."""
    owners = ["RVR", "RAG (transfer to RVR by ~2035)", "not stated"]
    access = ["open", "closed", "unknown", None]
    landmarks = [None, None, "Tetraeder"]
    constraints = [None, None, "MTB trail", "Kreuzkröte ponds", "under Bergaufsicht"]
    rows, heaps = [], []
    for i in range(n):
        hid = f"h{i:02d}"
        turbines = int(rng.integers(0, 4))
        rows.append(
            make_row(
                hid,
                pv_area=float(rng.choice([0.0, rng.uniform(0.2, 80)])),
                pv_energy=float(rng.uniform(100, 80000)),
                yield_=float(rng.uniform(800, 1000)),
                turbines=turbines,
                wind_energy=float(turbines * rng.uniform(5000, 15000)),
                flh=float(rng.uniform(1800, 3500)),
                footprint=float(rng.choice([np.nan, rng.uniform(5, 170)])),
            )
        )
        heaps.append(
            make_heap(
                hid,
                owner=str(rng.choice(owners)),
                access=rng.choice(access),
                landmark=rng.choice(landmarks),
                constraints=rng.choice(constraints),
                housing_distance_m=rng.choice([None, 400.0, 800.0, 1500.0]),
            )
        )
    return pd.DataFrame(rows), heaps


def rank_one(r, h, cfg=None):
    """The ranked row of one heap ranked alone (``h`` None: not in the registry)."""
    ranked, _ = S.rank_results(
        pd.DataFrame([r]), [h] if h is not None else [], cfg or S.SuitabilityConfig()
    )
    return ranked.iloc[0]


@pytest.fixture
def heap():
    return make_heap


@pytest.fixture
def row():
    return make_row


@pytest.fixture
def random_case():
    return make_random_case


@pytest.fixture
def classify_one():
    return rank_one
