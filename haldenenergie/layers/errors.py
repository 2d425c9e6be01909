"""The error of the constraint-layer stage."""

from __future__ import annotations

from ..errors import HaldenError


class LayerError(HaldenError):
    """A constraint layer is missing, unreadable, has no CRS, fits no schema or has no features."""
