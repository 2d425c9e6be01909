"""What the report shows, read from a results folder and derived from it.

:func:`load_report_data` reads the run folder (:func:`read_results_folder`, the one place that
reads it), a batch ``summary.csv`` where there is one, and the heap registry; the functions below
derive the tables the charts and sheets show (rank order, total energy, monthly totals, area per
compass sector, parameter rows).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import sha256_file
from ..errors import OutputError

log = logging.getLogger("haldenenergie.report")

#: Azimuth sectors of terrain surfaces (``azimuth_sector`` of surfaces.csv), clockwise from north.
SECTORS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
#: Centre azimuth of each sector [deg, clockwise from north].
SECTOR_AZIMUTH_DEG = {s: 45.0 * i for i, s in enumerate(SECTORS)}

#: Roles of manifest inputs (``inputs[].role`` of manifest.json, written by
#: ``haldenenergie.pipeline``) and the alternative names accepted for them.
_ROLES = {
    "registry": ("registry", "heaps"),
    "weather": ("weather",),
    "dem": ("dem", "terrain"),
    "config": ("config",),
}


@dataclass
class ReportData:
    """Everything the report shows, read from a results folder (optional parts may be None)."""

    results_dir: Path
    results: pd.DataFrame
    manifest: dict | None = None
    monthly: pd.DataFrame | None = None
    surfaces: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    summary_path: Path | None = None
    registry: dict[str, dict] | None = None
    registry_path: Path | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _tidy(df: pd.DataFrame | None) -> pd.DataFrame | None:
    """Column names and heap ids without surrounding blanks."""
    if df is None:
        return None
    df.columns = [str(c).strip() for c in df.columns]
    if "heap_id" in df.columns:
        df["heap_id"] = df["heap_id"].astype(str).str.strip()
    return df


def read_results_folder(results_dir: Path) -> ReportData:
    """Read a run folder: ``results.csv`` (required), the optional tables and ``manifest.json``.

    An unreadable optional file is logged, noted in :attr:`ReportData.notes` and left out; a
    missing ``manifest.json`` adds the note ``no_manifest``.

    Parameters
    ----------
    results_dir : Path
        Folder written by ``haldenenergie run --out``.

    Returns
    -------
    ReportData
        Results, manifest, monthly, surfaces and totals (no summary or registry yet).

    Raises
    ------
    OutputError
        ``results.csv`` is missing, unreadable, empty or has no ``heap_id`` column.
    """
    from ..results import read_run

    run = read_run(results_dir, typed=False, strict=False)
    results = _tidy(run.results)
    if "heap_id" not in results.columns:
        raise OutputError(
            f"{results_dir / 'results.csv'}: has no 'heap_id' column; rerun 'haldenenergie run'"
        )
    if results.empty:
        raise OutputError(f"{results_dir / 'results.csv'}: has no heaps; rerun 'haldenenergie run'")
    notes = list(run.notes)
    manifest = run.manifest if run.manifest_found else None
    if manifest is None:
        notes.append("no_manifest")
    return ReportData(
        results_dir=results_dir,
        results=results,
        manifest=manifest,
        monthly=_tidy(run.monthly),
        surfaces=_tidy(run.surfaces),
        totals=_tidy(run.totals),
        notes=notes,
    )


def _read_summary(path: Path, notes: list[str]) -> pd.DataFrame | None:
    """A batch ``summary.csv``; None (and a note) if it cannot be read."""
    from ..results import read_table

    try:
        return _tidy(read_table(path, typed=False))
    except OutputError as exc:
        log.warning("%s; its section is left out", exc)
        notes.append(str(exc))
        return None


def manifest_inputs(manifest: dict | None, role: str) -> list[dict]:
    """The manifest's input records of one role (tolerates a ``{name: record}`` mapping)."""
    if not manifest:
        return []
    inputs = manifest.get("inputs") or []
    if isinstance(inputs, Mapping):  # tolerate {name: record}
        inputs = [
            dict(v, name=k) if isinstance(v, Mapping) else {"path": v, "name": k}
            for k, v in inputs.items()
        ]
    roles = _ROLES.get(role, (role,))
    return [i for i in inputs if isinstance(i, Mapping) and i.get("role") in roles]


def _feature_properties(feat: Mapping) -> tuple[str | None, dict]:
    """Heap id and properties of one registry feature (``lat``/``lon`` from a Point geometry)."""
    props = dict(feat.get("properties") or {})
    hid = props.get("id", feat.get("id"))
    geom = feat.get("geometry") or {}
    if geom.get("type") == "Point" and props.get("lat") is None:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            props["lon"], props["lat"] = (float(v) for v in geom["coordinates"][:2])
    return (None if hid is None else str(hid)), props


def read_registry_properties(path: Path) -> dict[str, dict]:
    """Raw properties of every heap in a registry GeoJSON, by heap id (plus ``lat``/``lon``).

    The report shows facts as recorded; validating them is ``haldenenergie heaps validate``'s job,
    so this reader is lenient: features without an id are skipped.

    Parameters
    ----------
    path : Path
        The registry GeoJSON.

    Returns
    -------
    dict
        Heap id -> properties.

    Raises
    ------
    OutputError
        The file is not readable JSON.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"{path}: cannot read the heap registry ({exc}); check --heaps") from None
    out: dict[str, dict] = {}
    for feat in data.get("features", []) if isinstance(data, Mapping) else []:
        if not isinstance(feat, Mapping):
            continue
        hid, props = _feature_properties(feat)
        if hid is not None:
            out[hid] = props
    return out


def _resolve_registry(
    manifest: dict | None, registry: Path | None, results_dir: Path, notes: list
) -> tuple[dict | None, Path | None]:
    """Registry from --heaps, else the manifest's registry input, else the packaged default."""
    from ..resources import default_registry_path

    candidates: list[Path] = []
    recorded = manifest_inputs(manifest, "registry")
    recorded_sha = recorded[0].get("sha256") if recorded else None
    if registry is not None:
        candidates.append(Path(registry))
    else:
        for rec in recorded:
            p = Path(str(rec.get("path", "")))
            candidates += [p] if p.is_absolute() else [p, results_dir / p]
        candidates.append(default_registry_path())
    for p in candidates:
        if p.is_file():
            props = read_registry_properties(p)
            if recorded_sha and sha256_file(p) != recorded_sha:
                notes.append("registry_changed")
            return props, p
    if registry is not None:
        raise OutputError(f"{registry}: heap registry not found; check the path given to --heaps")
    notes.append("registry_missing")
    return None, None


def _find_summary(results_dir: Path, summary: Path | None) -> Path | None:
    """A batch summary.csv: given, else in the results folder or the batch folder above it.

    ``haldenenergie batch --out DIR`` writes ``DIR/runs/<run>/`` and ``DIR/summary.csv``, so a
    run folder's batch summary is two levels up; one level up is accepted too.
    """
    if summary is not None:
        if not Path(summary).is_file():
            raise OutputError(
                f"{summary}: batch summary not found; check the path given to --summary"
            )
        return Path(summary)
    d = results_dir.resolve()
    for p in (d / "summary.csv", d.parent / "summary.csv", d.parent.parent / "summary.csv"):
        if p.is_file():
            return p
    return None


def _check_folder(d: Path) -> None:
    """A one-line error for a missing folder or a batch folder given instead of a run folder."""
    if not d.is_dir():
        raise OutputError(
            f"{d}: results folder not found; run 'haldenenergie run --out {d}' first or check the "
            "path"
        )
    if not (d / "results.csv").is_file() and (d / "summary.csv").is_file():
        runs = sorted(p.parent for p in [*d.glob("*/results.csv"), *d.glob("runs/*/results.csv")])
        hint = f" (e.g. {runs[0]})" if runs else ""
        raise OutputError(
            f"{d}: is a batch folder without results.csv; pass one of its run folders{hint} — its "
            "P50/P90 chart then comes from this summary.csv"
        )


def load_report_data(
    results_dir: str | os.PathLike,
    registry: str | os.PathLike | None = None,
    summary: str | os.PathLike | None = None,
) -> ReportData:
    """Read a results folder (and the registry, and a batch summary if any) for the report.

    Parameters
    ----------
    results_dir : str or PathLike
        Folder written by ``haldenenergie run`` (needs ``results.csv``).
    registry : str or PathLike, optional
        Heap registry GeoJSON; default: the manifest's registry input, else the packaged
        ``heaps.geojson``; absent → facts "not available".
    summary : str or PathLike, optional
        Batch ``summary.csv``; default: ``results_dir/summary.csv`` or the parent folders'.

    Returns
    -------
    ReportData
        Everything the report shows.

    Raises
    ------
    OutputError
        The folder or ``results.csv`` is missing or unreadable, or has no ``heap_id`` column.
    """
    d = Path(results_dir)
    _check_folder(d)
    data = read_results_folder(d)
    sp = _find_summary(d, Path(summary) if summary is not None else None)
    if sp is not None:
        data.summary = _read_summary(sp, data.notes)
        data.summary_path = sp
    data.registry, data.registry_path = _resolve_registry(
        data.manifest, Path(registry) if registry is not None else None, d, data.notes
    )
    return data


# --------------------------------------------------------------------------------------------
# Derived tables
# --------------------------------------------------------------------------------------------


def num(df: pd.DataFrame, col: str) -> pd.Series:
    """Column ``col`` as floats (NaN where missing or not a number; all NaN if absent)."""
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype=float)
    return pd.to_numeric(df[col], errors="coerce").astype(float)


def total_energy(results: pd.DataFrame) -> pd.Series:
    """Total new energy per heap [MWh a-1]: ``total_energy_mwh_per_a`` or PV + new wind."""
    if "total_energy_mwh_per_a" in results.columns:
        tot = num(results, "total_energy_mwh_per_a")
        if tot.notna().any():
            return tot
    return num(results, "pv_energy_mwh_per_a").fillna(0) + num(
        results, "wind_energy_mwh_per_a"
    ).fillna(0)


def rank_order(results: pd.DataFrame) -> pd.DataFrame:
    """Results sorted by rank (missing last), then by total energy (descending), then heap id."""
    df = results.copy()
    df["_rank"] = num(df, "rank")
    df["_energy"] = total_energy(df)
    df = df.sort_values(
        ["_rank", "_energy", "heap_id"],
        ascending=[True, False, True],
        na_position="last",
        kind="mergesort",
    )
    return df.drop(columns=["_rank", "_energy"]).reset_index(drop=True)


def suitable_uses(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Whether PV and wind are suitable per heap (bool arrays).

    From ``pv_suitability``/``wind_suitability`` (``"suitable"``) where present, else from the
    class (``pv``, ``wind``, ``pv+wind``); all True when the results are not classified.
    """
    n = len(df)
    out = []
    for use in ("pv", "wind"):
        col = f"{use}_suitability"
        if col in df.columns:
            out.append(df[col].astype(str).str.strip().str.lower().eq("suitable").to_numpy())
        elif "class" in df.columns:
            out.append(np.array([use in str(c).split("+") for c in df["class"]], dtype=bool))
        else:
            out.append(np.ones(n, dtype=bool))
    return out[0], out[1]


def _parameter_row(sec: str, key: str, value: Any, describe: Mapping | None, **flags) -> dict:
    d = describe or {}
    return {
        "section": sec,
        "key": key,
        "value": value,
        "unit": d.get("unit", "-") if describe is not None else "–",
        "default": d.get("default"),
        "source": d.get("source", "") if describe is not None else "–",
        "doc": d.get("doc", ""),
        **flags,
    }


def parameter_rows(
    manifest_parameters: Mapping | None, describe_rows: Sequence[Mapping] | None
) -> list[dict]:
    """Merge the run's parameter values with the program's units and sources.

    Parameters
    ----------
    manifest_parameters : Mapping or None
        ``{section: {key: value}}`` from ``manifest.json`` (values of the run).
    describe_rows : sequence of Mapping or None
        Rows of :func:`haldenenergie.config.describe` (unit, default, source, doc).

    Returns
    -------
    list of dict
        One dict per parameter (section, key, value, unit, default, source, doc, changed,
        recorded), sections in the order of ``describe_rows`` then any others; parameters the
        manifest has but the program no longer describes keep unit/source "–".
    """
    params = {s: dict(v) for s, v in (manifest_parameters or {}).items() if isinstance(v, Mapping)}
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for r in describe_rows or []:
        sec, key = str(r.get("section")), str(r.get("key"))
        seen.add((sec, key))
        recorded = sec in params and key in params[sec]
        value = params[sec][key] if recorded else (r.get("value") if not params else None)
        flags = {
            "recorded": recorded or not params,
            "changed": recorded and value != r.get("default"),
        }
        rows.append(_parameter_row(sec, key, value, r, **flags))
    for sec, vals in params.items():
        for key, value in vals.items():
            if (sec, key) not in seen:
                rows.append(_parameter_row(sec, key, value, None, recorded=True, changed=False))
    return rows


def describe_rows() -> list[dict]:
    """Units and sources of every parameter; empty if the config cannot be loaded."""
    try:
        from ..config import describe, load_config

        return describe(load_config())
    except Exception as exc:  # noqa: BLE001 - a broken stage config must not stop the report
        log.warning("parameter descriptions not available (%s); units/sources left out", exc)
        return []


def city_base(city: Any) -> str | None:
    """The town of a registry city text: ``"Gelsenkirchen-Buer"`` → ``"Gelsenkirchen"``.

    Takes the part before ``/``, ``(`` or ``,``; drops a district after a hyphen except for towns
    whose name has one (Castrop-Rauxel, Oer-Erkenschwick, Kamp-Lintfort, Neukirchen-Vluyn).
    """
    if city is None or (isinstance(city, float) and not math.isfinite(city)):
        return None
    s = re.split(r"\s*[/(,]\s*", str(city).strip())[0].strip()
    if not s:
        return None
    hyphenated = ("Castrop-Rauxel", "Oer-Erkenschwick", "Kamp-Lintfort", "Neukirchen-Vluyn")
    for h in hyphenated:
        if s.startswith(h):
            return h
    return s.split("-")[0].strip() or None


def monthly_totals(monthly: pd.DataFrame | None) -> pd.DataFrame | None:
    """Sum of all heaps per month: index 1..12, columns pv, wind [MWh]; None if not readable."""
    if monthly is None or "month" not in monthly.columns:
        return None
    cols = {"pv": "pv_energy_mwh", "wind": "wind_energy_mwh"}
    if not any(c in monthly.columns for c in cols.values()):
        return None
    m = pd.to_numeric(monthly["month"], errors="coerce")
    out = pd.DataFrame(index=pd.RangeIndex(1, 13, name="month"))
    for k, c in cols.items():
        out[k] = num(monthly, c).groupby(m).sum().reindex(out.index).fillna(0.0)
    return out


def _sectors_of(s: pd.DataFrame) -> pd.Series | None:
    """Compass sector of each surface row (``flat`` for the plateau); None if not given."""
    if "azimuth_sector" in s.columns:
        sector = s["azimuth_sector"].astype(str).str.strip()
    elif "surface_azimuth_deg" in s.columns:
        az = num(s, "surface_azimuth_deg")
        sector = pd.Series(
            [SECTORS[int(((a + 22.5) % 360) // 45)] if math.isfinite(a) else "flat" for a in az],
            index=s.index,
        )
    else:
        return None
    if "kind" in s.columns:
        sector = sector.where(s["kind"].astype(str) != "plateau", "flat")
    return sector


def orientation_by_sector(surfaces: pd.DataFrame | None, heap_id: str) -> pd.DataFrame | None:
    """Gross and usable area per azimuth sector [ha] of one heap; index SECTORS + ``flat``."""
    if surfaces is None or "heap_id" not in surfaces.columns:
        return None
    s = surfaces[surfaces["heap_id"] == heap_id]
    if s.empty:
        return None
    sector = _sectors_of(s)
    if sector is None:
        return None
    gross = num(s, "area_ha")
    usable = num(s, "usable_area_ha")
    if usable.isna().all() and gross.isna().all():
        return None
    out = (
        pd.DataFrame(
            {"gross": gross.fillna(usable).fillna(0), "usable": usable.fillna(0), "sector": sector}
        )
        .groupby("sector")[["gross", "usable"]]
        .sum()
    )
    return out.reindex([*SECTORS, "flat"]).fillna(0.0)
