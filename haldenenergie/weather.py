"""Stage module `weather` (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import param  # noqa: F401


@dataclass(frozen=True)
class WeatherConfig:
    """Parameters of the weather stage (fields declared with :func:`haldenenergie.config.param`)."""
