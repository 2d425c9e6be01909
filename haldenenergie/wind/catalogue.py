"""The turbine catalogue: windpowerlib's library with power-coefficient checks and corrections.

:func:`catalogue_rows` gives one row per type (rated power, rotor, specific power, max Cp and
where, problems, correction, source) for ``haldenenergie wind turbines``; :func:`used_types` lists
the types a configuration and a registry use (new turbines, the stand-in, the registry's types and
the substitutes matched on the registry's models).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .curve_check import check_curve, corrected_curve
from .existing import stated_model_type
from .turbines import _oedb_turbine, library_source, turbine_types

#: Columns of :func:`catalogue_rows` (units in the names).
CATALOGUE_COLUMNS = (
    "turbine_type",
    "rated_power_kw",
    "rotor_diameter_m",
    "specific_power_w_m2",
    "max_cp",
    "max_cp_wind_speed_m_s",
    "used",
    "problems",
    "library_max_cp",
    "library_max_cp_wind_speed_m_s",
    "corrected",
    "flagged",
    "source",
)


def catalogue_row(turbine_type: str, used: bool = False) -> dict[str, Any]:
    """One catalogue row of a library type (the corrected curve where one is packaged).

    Parameters
    ----------
    turbine_type : windpowerlib type.
    used : whether the configuration or registry uses it.

    Returns
    -------
    dict with :data:`CATALOGUE_COLUMNS`; ``problems`` are the library curve's, ``flagged`` is
    True when the curve in use (corrected or library) still has a problem.
    """
    p_kw, d_m, ws, pw = _oedb_turbine(turbine_type)
    raw = check_curve(ws, pw, d_m, p_kw)
    corr = corrected_curve(turbine_type)
    if corr is not None:
        p_kw, d_m, ws, pw, source = corr
        chk = check_curve(ws, pw, d_m, p_kw)
    else:
        chk, source = raw, library_source(turbine_type)
    return {
        "turbine_type": turbine_type,
        "rated_power_kw": p_kw,
        "rotor_diameter_m": d_m,
        "specific_power_w_m2": chk.specific_power_w_m2,
        "max_cp": chk.max_cp,
        "max_cp_wind_speed_m_s": chk.max_cp_wind_speed_m_s,
        "used": used,
        "problems": ", ".join(raw.problems),
        "library_max_cp": raw.max_cp,
        "library_max_cp_wind_speed_m_s": raw.max_cp_wind_speed_m_s,
        "corrected": corr is not None,
        "flagged": bool(chk.problems),
        "source": source,
    }


def used_types(cfg: Any, heaps: list | None = None) -> list[str]:
    """Library types a ``[wind]`` configuration and a registry use, in a stable order.

    Parameters
    ----------
    cfg : :class:`~haldenenergie.wind.config.WindConfig`.
    heaps : ``registry.Heap`` objects (their ``existing_wind``), or None.

    Returns
    -------
    list of str
    """
    known = set(turbine_types())
    out = []
    if not cfg.power_curve_csv:
        out.append(cfg.turbine_type)
    if cfg.existing_unknown_type:
        out.append(cfg.existing_unknown_type)
    for h in heaps or []:
        ew = getattr(h, "existing_wind", None)
        if ew is None or not ew.count:
            continue
        if ew.windpowerlib_type in known:
            out.append(ew.windpowerlib_type)
        elif stated := stated_model_type(ew.model or ""):
            out.append(stated)
    return list(dict.fromkeys(t for t in out if t in known))


def catalogue_rows(types: list[str] | None = None, used: list[str] = ()) -> list[dict]:
    """Catalogue rows of ``types`` (default: the whole library with power curves).

    Parameters
    ----------
    types : windpowerlib types, or None for :func:`~haldenenergie.wind.turbines.turbine_types`.
    used : the types in use (marked ``used``).

    Returns
    -------
    list of dict (:func:`catalogue_row`)
    """
    used_set = set(used)
    names = list(types) if types is not None else list(turbine_types())
    return [catalogue_row(t, t in used_set) for t in names]


def format_number(v: Any, decimals: int) -> str:
    """A number for the table ('' for None/NaN)."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    return f"{v:.{decimals}f}"
