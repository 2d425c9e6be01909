"""Tests of the haldenenergie.suitability package: its re-exports and its light config import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from haldenenergie import suitability as S


def test_every_exported_name_resolves():
    for name in S.__all__:
        assert getattr(S, name) is not None, name
    assert set(S.__all__) <= set(dir(S))
    assert S.classify.__module__ == "haldenenergie.suitability.classification"
    with pytest.raises(AttributeError, match="heap_record"):
        S.heap_record  # noqa: B018  (renamed rule_facts)


def test_config_section_builds_without_pandas():
    code = (
        "import sys\n"
        "from haldenenergie.suitability.config import SuitabilityConfig\n"
        "cfg = SuitabilityConfig()\n"
        "cfg.check('defaults')\n"
        "heavy = [m for m in ('pandas', 'geopandas', 'shapely', 'scipy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert len(cfg.rules) == 15\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
