"""The parameter declaration helper: every configurable default with its unit, source and range.

Stage configuration sections are frozen dataclasses whose fields are declared with :func:`param`.
The metadata it records is what ``haldenenergie config show``, the manifest and the report's
assumptions list print, and what :mod:`haldenenergie.config` checks a TOML override against.
This module imports nothing heavy, so that config sections can be built without pvlib or scipy.
"""

from __future__ import annotations

import copy
from dataclasses import field
from typing import Any


def param(
    default: Any,
    *,
    unit: str = "-",
    source: str,
    min: float | None = None,
    max: float | None = None,
    choices: tuple | None = None,
    doc: str = "",
) -> Any:
    """Declare a configuration field with its unit, source and allowed range.

    Parameters
    ----------
    default : the default value (lists and dicts are copied per instance).
    unit : unit of the value, e.g. ``"deg"``, ``"m"``, ``"MWp ha-1"``; ``"-"`` if dimensionless.
    source : where the default comes from, or ``"assumption: <why>"`` for a deliberate choice.
    min, max : inclusive bounds checked on load (numbers, or every number in a list).
    choices : allowed values (model names), checked on load.
    doc : one line saying what the parameter does.
    """
    meta = {"unit": unit, "source": source, "min": min, "max": max, "choices": choices, "doc": doc}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: copy.deepcopy(default), metadata=meta)
    return field(default=default, metadata=meta)
