"""Stage module `pv` (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import param  # noqa: F401


@dataclass(frozen=True)
class PVConfig:
    """Parameters of the pv stage (fields declared with :func:`haldenenergie.config.param`)."""
