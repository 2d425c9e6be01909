"""Loss and curtailment parameters of the wind stage (fields of ``[wind]``).

Kept in their own frozen dataclass, which :class:`~haldenenergie.wind.config.WindConfig` inherits,
so that the loss model and its parameters live together. Imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LossParams:
    """Loss and curtailment parameters (fields are added by the loss model)."""
