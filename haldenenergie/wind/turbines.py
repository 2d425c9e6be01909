"""Turbines of the wind stage: windpowerlib's library, packaged and user power curves, checks.

New turbines are a windpowerlib (oedb) type or a user power curve (``[wind] power_curve_csv``).
Every curve is checked on loading (:mod:`~haldenenergie.wind.curve_check`): a user curve whose power
coefficient exceeds the Betz limit is refused; a library curve with a packaged data-sheet correction
(``data/turbine_corrections.csv``, e.g. E-101/3050) is replaced by it with a warning and a note, and
a library curve above the Betz limit without one is refused. Types windpowerlib lacks join the
library from packaged data sheets (``data/turbine_datasheets.csv``, e.g. E-138 EP3/3500).
Existing turbines are matched to a curve in :mod:`~haldenenergie.wind.existing` (substitutes and
stand-ins, flagged). :func:`check_config` checks the names of a configuration
before the stage runs (the config section itself reads no turbine files).
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import TurbineError
from .config import WindConfig
from .curve_check import (
    BETZ_LIMIT,
    check_curve,
    corrected_curve,
    packaged_curve,
    read_curve_table,
)

log = logging.getLogger("haldenenergie.wind")

#: How to list windpowerlib's turbine types (appended to an unknown-type error).
LIST_TURBINES_HINT = (
    'list the types with: python -c "import windpowerlib; '
    'print(windpowerlib.data.get_turbine_types(print_out=False).to_string())"'
)
#: Packaged data-sheet power curves of types windpowerlib's library lacks (with sources).
DATASHEETS_FILE = "turbine_datasheets.csv"


@dataclass(frozen=True)
class TurbineSpec:
    """A turbine with its power curve.

    Attributes
    ----------
    name : windpowerlib type or the user curve's name.
    nominal_power_kw : rated power [kW].
    rotor_diameter_m : rotor diameter [m].
    hub_height_m : hub height above the ground it stands on [m].
    curve_wind_speed_m_s, curve_power_kw : power curve at standard density 1.225 kg m-3.
    source : where the curve comes from.
    flag : '' or why this curve stands in for another turbine (substitute, assumed).
    """

    name: str
    nominal_power_kw: float
    rotor_diameter_m: float
    hub_height_m: float
    curve_wind_speed_m_s: tuple = field(repr=False)
    curve_power_kw: tuple = field(repr=False)
    source: str = ""
    flag: str = ""

    @property
    def rated_wind_speed_m_s(self) -> float:
        """Lowest curve wind speed reaching 99 % of the curve's maximum [m s-1]."""
        p = np.asarray(self.curve_power_kw)
        return float(np.asarray(self.curve_wind_speed_m_s)[np.argmax(p >= 0.99 * p.max())])

    def windpowerlib_turbine(self):
        """A ``windpowerlib.WindTurbine`` with this curve (in W), e.g. for a ModelChain."""
        from windpowerlib import WindTurbine

        pc = pd.DataFrame(
            {
                "wind_speed": np.asarray(self.curve_wind_speed_m_s, float),
                "value": np.asarray(self.curve_power_kw, float) * 1e3,
            }
        )
        return WindTurbine(
            hub_height=self.hub_height_m,
            nominal_power=self.nominal_power_kw * 1e3,
            rotor_diameter=self.rotor_diameter_m,
            power_curve=pc,
        )


# --------------------------------------------------------------------------------------------------
# windpowerlib's library
# --------------------------------------------------------------------------------------------------
def read_datasheets() -> pd.DataFrame:
    """The packaged data-sheet curves ``data/turbine_datasheets.csv`` (one row per curve point)."""
    return read_curve_table(DATASHEETS_FILE)


def datasheet_types() -> tuple[str, ...]:
    """Types with a packaged data-sheet curve (``data/turbine_datasheets.csv``)."""
    return tuple(dict.fromkeys(read_datasheets()["turbine_type"]))


@functools.lru_cache(maxsize=1)
def turbine_types() -> tuple[str, ...]:
    """Types with a power curve: windpowerlib's (oedb) library and the packaged data sheets."""
    from windpowerlib import data

    t = data.get_turbine_types(print_out=False)
    wpl = t.loc[t["has_power_curve"].astype(bool), "turbine_type"].astype(str)
    return tuple(sorted(set(wpl) | set(datasheet_types())))


def _datasheet(turbine_type: str) -> tuple[float, float, tuple, tuple, str] | None:
    """(rated [kW], rotor [m], speeds, powers [kW], source) of a packaged data sheet, or None."""
    return packaged_curve(turbine_type, DATASHEETS_FILE)


@functools.lru_cache(maxsize=64)
def _oedb_turbine(turbine_type: str) -> tuple[float, float, tuple, tuple]:
    """(rated [kW], rotor [m], speeds, powers [kW]) of a library or packaged data-sheet type."""
    sheet = _datasheet(turbine_type)
    if sheet is not None:
        return sheet[:4]
    import warnings

    from windpowerlib import WindTurbine

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wt = WindTurbine(turbine_type=turbine_type, hub_height=100.0)
    pc = wt.power_curve
    return (
        float(wt.nominal_power) / 1e3,
        float(wt.rotor_diameter),
        tuple(pc["wind_speed"].astype(float)),
        tuple(pc["value"].astype(float) / 1e3),
    )


def library_source(turbine_type: str) -> str:
    """Where a library type's uncorrected curve comes from (oedb or a packaged data sheet)."""
    sheet = _datasheet(turbine_type)
    return sheet[4] if sheet is not None else f"windpowerlib oedb ({turbine_type})"


@functools.lru_cache(maxsize=64)
def library_curve(turbine_type: str) -> tuple[float, float, tuple, tuple, str, str]:
    """A library type's checked curve: (rated [kW], rotor [m], speeds, powers [kW], source, note).

    A type listed in ``data/turbine_corrections.csv`` gets the corrected data-sheet curve (with a
    warning, once per run, and a note); a library curve above the Betz limit without a
    correction is refused.

    Parameters
    ----------
    turbine_type : windpowerlib type (must be in :func:`turbine_types`).

    Raises
    ------
    TurbineError
        Library curve above the Betz limit and no packaged correction.
    """
    p_kw, d_m, ws, pw = _oedb_turbine(turbine_type)
    chk = check_curve(ws, pw, d_m, p_kw)
    corr = corrected_curve(turbine_type)
    if corr is not None:
        note = (
            f"{turbine_type}: windpowerlib curve (max Cp {chk.max_cp:.2f}"
            + (f" > Betz {BETZ_LIMIT:.3f}" if chk.above_betz else "")
            + f") replaced by {corr[4]}"
        )
        log.warning("%s", note)
        return (*corr[:4], corr[4], note)
    if chk.above_betz:
        raise TurbineError(
            f"windpowerlib type {turbine_type}: power curve reaches Cp {chk.max_cp:.3f} at "
            f"{chk.max_cp_wind_speed_m_s:g} m/s, above the Betz limit {BETZ_LIMIT:.3f}; no "
            "corrected curve is packaged: give the data sheet's curve as [wind] power_curve_csv "
            "or choose another type (haldenenergie wind turbines --check)"
        )
    return p_kw, d_m, ws, pw, library_source(turbine_type), ""


def _check_turbine_type(turbine_type: str, origin: str) -> None:
    """Raise the one-line TurbineError (with close matches) for a type not in the library."""
    types = turbine_types()
    if turbine_type in types:
        return
    close = difflib.get_close_matches(turbine_type, types, n=4, cutoff=0.4)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise TurbineError(
        f"{origin}: unknown turbine type {turbine_type!r} (not in windpowerlib's library with a "
        f"power curve){hint}; {LIST_TURBINES_HINT}, or give a power_curve_csv"
    )


def load_turbine(
    turbine_type: str,
    hub_height_m: float,
    *,
    origin: str = "turbine type",
    rated_kw_cap: float | None = None,
    flag: str = "",
) -> TurbineSpec:
    """Turbine from windpowerlib's oedb library.

    Parameters
    ----------
    turbine_type : windpowerlib type, e.g. ``"E-141/4200"``.
    hub_height_m : hub height [m].
    origin : where the name came from (used in the error message).
    rated_kw_cap : clip the power curve at this power [kW] (for substitutes), or None.
    flag : note to carry (substitute/assumed).

    Returns
    -------
    TurbineSpec

    Raises
    ------
    TurbineError
        Unknown type or type without a power curve; the message lists close matches.
    """
    _check_turbine_type(turbine_type, origin)
    p_kw, d_m, ws, pw, source, _ = library_curve(turbine_type)
    name = turbine_type
    if rated_kw_cap:
        pw = tuple(min(p, float(rated_kw_cap)) for p in pw)
        p_kw = min(p_kw, float(rated_kw_cap))
        name = f"{turbine_type} capped {rated_kw_cap:g} kW"
    return TurbineSpec(
        name=name,
        nominal_power_kw=p_kw,
        rotor_diameter_m=d_m,
        hub_height_m=float(hub_height_m),
        curve_wind_speed_m_s=ws,
        curve_power_kw=pw,
        source=source,
        flag=flag,
    )


# --------------------------------------------------------------------------------------------------
# user power curves
# --------------------------------------------------------------------------------------------------
def _split_curve_file(p: Path) -> tuple[dict[str, str], list[dict]]:
    """``# key: value`` header lines (keys lower-cased) and the CSV data rows of a curve file."""
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TurbineError(
            f"{p}: cannot read power curve ({exc}); check [wind] power_curve_csv"
        ) from None
    meta: dict[str, str] = {}
    body = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            m = re.match(r"\s*#\s*([A-Za-z_]+)\s*:\s*(.*)$", line)
            if m:
                meta[m.group(1).lower()] = m.group(2).strip()
        elif line.strip():
            body.append(line)
    return meta, list(csv.DictReader(io.StringIO("\n".join(body))))


def _curve_header(p: Path, meta: dict[str, str], rows: list[dict]) -> tuple[str, float]:
    """(source, rotor diameter [m]) of a curve file; checks the columns and the header lines."""
    cols = set(rows[0]) if rows else set()
    if not {"wind_speed_m_s", "power_kw"} <= cols:
        raise TurbineError(
            f"{p}: power curve needs the columns wind_speed_m_s, power_kw (found "
            f"{', '.join(sorted(cols)) or 'none'}); see data/power_curve_example.csv"
        )
    src = meta.get("source") or (rows[0].get("source") if "source" in cols else "")
    if not src:
        raise TurbineError(
            f"{p}: power curve has no source; add a line '# source: <data sheet or URL>'"
        )
    try:
        d_m = float(meta["rotor_diameter_m"])
    except (KeyError, ValueError):
        raise TurbineError(
            f"{p}: power curve needs a line '# rotor_diameter_m: <metres>'"
        ) from None
    if d_m <= 0:
        raise TurbineError(f"{p}: rotor_diameter_m must be > 0 (metres)")
    return src, d_m


def _curve_values(p: Path, rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Wind speeds [m s-1] and powers [kW] of the data rows, checked."""
    ws, pw = [], []
    for i, r in enumerate(rows, start=2):
        try:
            ws.append(float(r["wind_speed_m_s"]))
            pw.append(float(r["power_kw"]))
        except (TypeError, ValueError):
            raise TurbineError(
                f"{p}: data row {i - 1}: wind_speed_m_s and power_kw must be numbers "
                f"(got {r.get('wind_speed_m_s')!r}, {r.get('power_kw')!r})"
            ) from None
    ws_a, pw_a = np.array(ws), np.array(pw)
    if len(ws_a) < 3 or np.any(np.diff(ws_a) <= 0):
        raise TurbineError(
            f"{p}: wind_speed_m_s must increase strictly over at least 3 rows; sort "
            "the curve and remove duplicates"
        )
    if np.any(pw_a < 0) or not np.all(np.isfinite(pw_a)):
        raise TurbineError(f"{p}: power_kw must be finite and >= 0 (electrical output in kW)")
    return ws_a, pw_a


def read_power_curve(path: str | Path, hub_height_m: float) -> TurbineSpec:
    """Read a user power curve CSV.

    The file has ``# key: value`` header lines (``source`` and ``rotor_diameter_m`` required;
    ``name`` and ``nominal_power_kw`` optional) and the columns ``wind_speed_m_s, power_kw``
    (an optional per-row ``source`` column is allowed). See
    ``haldenenergie/data/power_curve_example.csv``.

    Parameters
    ----------
    path : CSV file.
    hub_height_m : hub height [m].

    Returns
    -------
    TurbineSpec

    Raises
    ------
    TurbineError
        Unreadable file, missing header or column, non-increasing wind speeds, negative power,
        power coefficient above the Betz limit.
    """
    p = Path(path)
    meta, rows = _split_curve_file(p)
    src, d_m = _curve_header(p, meta, rows)
    ws_a, pw_a = _curve_values(p, rows)
    p_nom = float(meta.get("nominal_power_kw") or pw_a.max())
    chk = check_curve(ws_a, pw_a, d_m, p_nom)
    if chk.above_betz:
        raise TurbineError(
            f"{p}: power coefficient {chk.max_cp:.3f} at {chk.max_cp_wind_speed_m_s:g} m/s "
            f"exceeds the Betz limit {BETZ_LIMIT:.3f} (Cp = P / (0.5 * 1.225 kg/m3 * A * v^3), "
            f"rotor {d_m:g} m); check rotor_diameter_m and that power_kw is in kW for this rotor"
        )
    return TurbineSpec(
        name=meta.get("name", p.stem),
        nominal_power_kw=p_nom,
        rotor_diameter_m=d_m,
        hub_height_m=float(hub_height_m),
        curve_wind_speed_m_s=tuple(ws_a),
        curve_power_kw=tuple(pw_a),
        source=f"user curve {p.name}: {src}",
    )


# --------------------------------------------------------------------------------------------------
# the turbines of a run
# --------------------------------------------------------------------------------------------------
def check_config(cfg: Any, origin: str | None = None) -> None:
    """Check the turbines a wind configuration names, before any work is done.

    The user power curve must be readable (or ``turbine_type`` be in windpowerlib's library), and
    the stand-in ``existing_unknown_type`` (if set) must be in the library. Building the
    ``[wind]`` config section does not do this (it reads no turbine files); the pipeline calls it
    up front, and :func:`haldenenergie.wind.simulate.simulate_wind` at its start.

    Parameters
    ----------
    cfg : :class:`WindConfig`, or a whole ``haldenenergie.config.Config`` (its ``wind`` section
        and its ``origin`` are used).
    origin : where the values came from, for the error message (e.g. the TOML file); default:
        ``cfg.origin`` of a whole Config, else ``"config"``.

    Raises
    ------
    TurbineError
        One line naming the origin, the key and the fix (close matches, how to list the types).
    """
    if not isinstance(cfg, WindConfig):
        origin = origin or str(getattr(cfg, "origin", "config"))
        cfg = cfg.wind
    origin = origin or "config"
    if cfg.power_curve_csv:
        read_power_curve(cfg.power_curve_csv, cfg.hub_height_m)
    else:
        _check_turbine_type(cfg.turbine_type, f"{origin}: [wind] turbine_type")
    if cfg.existing_unknown_type:
        _check_turbine_type(cfg.existing_unknown_type, f"{origin}: [wind] existing_unknown_type")


def new_turbine(cfg: WindConfig) -> TurbineSpec:
    """The turbine type for new potential (user curve if given, else ``cfg.turbine_type``)."""
    if cfg.power_curve_csv:
        return read_power_curve(cfg.power_curve_csv, cfg.hub_height_m)
    return load_turbine(cfg.turbine_type, cfg.hub_height_m, origin="[wind] turbine_type")
