"""Stage module `suitability` (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import param  # noqa: F401


@dataclass(frozen=True)
class SuitabilityConfig:
    """Parameters of the suitability stage (fields declared with :func:`haldenenergie.config.param`)."""
