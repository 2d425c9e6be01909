"""Stage module `wind` (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import param  # noqa: F401


@dataclass(frozen=True)
class WindConfig:
    """Parameters of the wind stage (fields declared with :func:`haldenenergie.config.param`)."""
