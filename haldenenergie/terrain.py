"""Stage module `terrain` (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import param  # noqa: F401


@dataclass(frozen=True)
class TerrainConfig:
    """Parameters of the terrain stage (fields declared with :func:`haldenenergie.config.param`)."""
