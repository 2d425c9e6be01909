"""Existing turbines of the registry: which curve models them as built.

Order (:func:`existing_turbine`): the registry's windpowerlib type; a packaged data-sheet curve
(``data/turbine_datasheets.csv``) matched on the stated model; a stated substitute
(``data/turbine_substitutes.csv``, with reasons and sources); the configured stand-in type. Every
substitute and stand-in is flagged in the note the wind stage carries into ``wind_notes`` and the
calibration's flags.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np
import pandas as pd

from ..resources import data_path
from ._values import num
from .config import WindConfig
from .turbines import TurbineSpec, library_curve, load_turbine, read_datasheets, turbine_types

#: Packaged table of substitute types for existing turbines (with reasons and sources).
SUBSTITUTES_FILE = "turbine_substitutes.csv"


@functools.lru_cache(maxsize=1)
def read_substitutes() -> pd.DataFrame:
    """The packaged substitutes table ``data/turbine_substitutes.csv`` (with sources; read once)."""
    with data_path(SUBSTITUTES_FILE).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype={"match_regex": str, "substitute_type": str})


@functools.lru_cache(maxsize=1)
def _substitute_rows() -> tuple:
    """The rows of :func:`read_substitutes` (named tuples), built once."""
    return tuple(read_substitutes().itertuples(index=False))


def _substitute(model: str, hub: float, row: Any) -> tuple[TurbineSpec, str]:
    """The substitute ``row`` (of :func:`read_substitutes`) for the stated model, with its flag."""
    h = hub if np.isfinite(hub) else float(row.hub_height_m)
    cap = num(row.rated_kw_cap)
    flag = (
        f"existing '{model}' modelled by substitute {row.substitute_type}"
        + (f" capped at {cap:g} kW" if np.isfinite(cap) else "")
        + ("" if np.isfinite(hub) else f", hub {h:g} m assumed")
        + f" ({row.reason})"
    )
    if str(row.substitute_type) in turbine_types():
        corr_note = library_curve(str(row.substitute_type))[5]
        flag += f"; {corr_note}" if corr_note else ""
    spec = load_turbine(
        str(row.substitute_type),
        h,
        rated_kw_cap=cap if np.isfinite(cap) else None,
        flag=flag,
    )
    return spec, flag


def _datasheet(model: str, hub: float, cfg: WindConfig, wtype: str) -> tuple[TurbineSpec, str]:
    """The packaged data-sheet type ``wtype`` for the stated model, with its note."""
    h = hub if np.isfinite(hub) else cfg.existing_unknown_hub_height_m
    note = f"existing '{model}' modelled with the data-sheet curve {wtype}"
    note += "" if np.isfinite(hub) else f", hub {h:g} m assumed"
    return load_turbine(wtype, h), note


@functools.lru_cache(maxsize=1)
def _datasheet_patterns() -> tuple[tuple[str, str], ...]:
    """(model regex, type) of every packaged data sheet, in file order."""
    sheets = read_datasheets().drop_duplicates("turbine_type")
    return tuple((str(r.model_regex), str(r.turbine_type)) for r in sheets.itertuples(index=False))


def _model_match(model: str) -> tuple[str, str, Any] | None:
    """How a stated model is matched: (kind, library type, substitutes row or None), or None.

    The first data sheet whose ``model_regex`` matches (kind "datasheet"), else the first
    substitute whose ``match_regex`` does (kind "substitute"); None if neither or no model.
    """
    if not model:
        return None
    for regex, wtype in _datasheet_patterns():
        if re.search(regex, model, flags=re.IGNORECASE):
            return "datasheet", wtype, None
    for row in _substitute_rows():
        if re.search(str(row.match_regex), model, flags=re.IGNORECASE):
            return "substitute", str(row.substitute_type), row
    return None


def stated_model_type(model: str) -> str | None:
    """The library type a stated model is modelled with (:func:`existing_turbine`'s order)."""
    match = _model_match(model)
    return match[1] if match else None


def existing_turbine(existing: Any, cfg: WindConfig) -> tuple[TurbineSpec | None, str]:
    """Turbine that models a heap's existing turbines as built.

    Order: the registry's windpowerlib type; a packaged data-sheet curve
    (``data/turbine_datasheets.csv``) matched on the stated model; a substitute from
    ``data/turbine_substitutes.csv`` matched on the stated model; the configured stand-in
    ``existing_unknown_type``.

    Parameters
    ----------
    existing : ``registry.ExistingWind`` (count, model, windpowerlib_type, rated_kw, hub_height_m,
        ...).
    cfg : wind configuration.

    Returns
    -------
    (TurbineSpec or None, note) : None when the heap has none or they cannot be assessed.
    """
    count = int(getattr(existing, "count", 0) or 0)
    if count <= 0:
        return None, ""
    model = getattr(existing, "model", None) or ""
    wtype = getattr(existing, "windpowerlib_type", None) or ""
    hub = num(getattr(existing, "hub_height_m", None))
    if wtype and wtype in turbine_types():
        h = hub if np.isfinite(hub) else cfg.existing_unknown_hub_height_m
        notes = [] if np.isfinite(hub) else [f"existing hub height assumed {h:g} m"]
        spec = load_turbine(wtype, h)
        notes += [library_curve(wtype)[5]] if library_curve(wtype)[5] else []
        return spec, "; ".join(notes)
    match = _model_match(model)
    if match is not None:
        kind, stated, row = match
        if kind == "datasheet":
            return _datasheet(model, hub, cfg, stated)
        return _substitute(model, hub, row)
    if cfg.existing_unknown_type:
        h = hub if np.isfinite(hub) else cfg.existing_unknown_hub_height_m
        flag = (
            f"existing model '{model or 'unknown'}' not in windpowerlib: assumed "
            f"{cfg.existing_unknown_type} at {h:g} m hub height"
        )
        return load_turbine(cfg.existing_unknown_type, h, flag=flag), flag
    return None, f"existing model '{model or 'unknown'}' not assessed (no windpowerlib type)"
