"""Tests of the haldenenergie.pv package interface: every exported name resolves lazily."""

from __future__ import annotations

import pytest

import haldenenergie.pv as pv


def test_every_exported_name_resolves():
    for name in pv.__all__:
        assert getattr(pv, name) is not None, name
    assert set(pv.__all__) <= set(dir(pv))


def test_names_come_from_their_submodules():
    from haldenenergie.pv import layout, simulate, single

    assert pv.simulate_pv is simulate.simulate_pv
    assert pv.plan_layout is layout.plan_layout
    assert pv.modelchain_energy is single.modelchain_energy


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        pv.no_such_name  # noqa: B018
