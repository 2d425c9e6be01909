"""Read a results folder and write what committees and GIS read: CSV, XLSX and GeoJSON.

- Committee CSV (``lang="de"``, the default): German headers with units (``PV-Leistung [MWp]``),
  ``;`` as separator, decimal comma, UTF-8 with BOM, so German Excel opens it by double-click;
  ``lang="en"``: English headers with units, ``,`` and decimal point.
- XLSX (openpyxl): ranking sheet (frozen header, units in headers, number formats, column widths,
  filter), per-heap details, totals (with the factors, their sources and years), assumptions (every
  parameter with unit and source) and the manifest.
- GeoJSON (RFC 7946, WGS84 lon/lat): one Point feature per heap at (lon, lat) with every result
  column as a property (language-independent column names); heaps without coordinates get a
  ``null`` geometry.

Every writer refuses an existing file unless ``overwrite=True`` and writes atomically
(:func:`haldenenergie._io.atomic_path`). Also here: :func:`write_rank_outputs`, which adds the
ranking columns to ``results.csv`` and writes ``ranking.csv`` and ``totals.csv``.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _io
from .errors import HaldenError, OutputError
from .suitability import (
    CLASS_LABELS_DE,
    RANK_COLUMNS,
    RANKING_COLUMNS,
    SCORE_PARTS,
    TOTAL_COLUMNS,
    SuitabilityConfig,
    config_parameters,
    ranking_table,
    sort_by_rank,
)

log = logging.getLogger("haldenenergie.export")

FORMATS: tuple[str, ...] = ("csv", "xlsx", "geojson")
LANGS: tuple[str, ...] = ("de", "en")

#: column -> (English label, German label, unit, decimals in exports; None = as is / text).
COLUMN_INFO: dict[str, tuple[str, str, str, int | None]] = {
    "rank": ("Rank", "Rang", "", 0),
    "heap_id": ("Heap ID", "Halden-ID", "", None),
    "name": ("Name", "Name", "", None),
    "city": ("City", "Stadt", "", None),
    "owner": ("Owner", "Eigentümer", "", None),
    "class": ("Class", "Eignung", "", None),
    "score": ("Score", "Punktzahl", "points", 3),
    "score_energy": ("Score: energy", "Punkte Energie", "points", 3),
    "score_energy_density": ("Score: energy per ha", "Punkte Energie je ha", "points", 3),
    "score_yield": ("Score: yield", "Punkte Ertragsqualität", "points", 3),
    "score_ownership": (
        "Score: ownership/availability",
        "Punkte Eigentum/Verfügbarkeit",
        "points",
        3,
    ),
    "score_constraints": ("Score: constraints", "Punkte Restriktionen", "points", 3),
    "rank_best": ("Best rank (weights ±)", "Bester Rang (Gewichte ±)", "", 0),
    "rank_worst": ("Worst rank (weights ±)", "Schlechtester Rang (Gewichte ±)", "", 0),
    "robust_top": ("Robust top candidate", "Robuster Spitzenkandidat", "", None),
    "suitable_energy_mwh_per_a": (
        "Energy of suitable uses",
        "Ertrag geeigneter Nutzungen",
        "MWh/a",
        1,
    ),
    "energy_density_mwh_per_ha_a": (
        "Energy per footprint ha",
        "Ertrag je ha Haldenfläche",
        "MWh/(ha·a)",
        1,
    ),
    "pv_suitability": ("PV suitability", "PV-Eignung", "", None),
    "wind_suitability": ("Wind suitability", "Wind-Eignung", "", None),
    "housing_distance_m": ("Distance to housing", "Abstand Wohnbebauung", "m", 0),
    "availability": ("Availability factor", "Verfügbarkeitsfaktor", "-", 3),
    "penalty_points": ("Penalty points", "Maluspunkte", "points", 1),
    "rules_fired": ("Rules fired", "Ausgelöste Regeln", "", None),
    "reasons": ("Reasons", "Begründung (englisch)", "", None),
    "reasons_de": ("Reasons (German)", "Begründung", "", None),
    "terrain_source": ("Terrain source", "Geländequelle", "", None),
    "footprint_area_ha": ("Footprint area", "Haldenfläche", "ha", 2),
    "relative_height_m": ("Relative height", "Relative Höhe", "m", 1),
    "plateau_area_ha": ("Plateau area", "Plateaufläche", "ha", 2),
    "pv_usable_area_ha": ("PV usable area", "PV-nutzbare Fläche", "ha", 2),
    "pv_capacity_mwp": ("PV capacity", "PV-Leistung", "MWp", 2),
    "pv_energy_mwh_per_a": ("PV energy", "PV-Ertrag", "MWh/a", 1),
    "pv_specific_yield_kwh_per_kwp": ("PV specific yield", "PV spezifischer Ertrag", "kWh/kWp", 0),
    "wind_turbines_new": ("New wind turbines", "Neue Windenergieanlagen", "count", 0),
    "wind_turbine_type": ("Wind turbine type", "Anlagentyp Wind", "", None),
    "wind_hub_height_m": ("Hub height", "Nabenhöhe", "m", 0),
    "wind_capacity_mw": ("Wind capacity", "Wind-Leistung", "MW", 2),
    "wind_energy_mwh_per_a": ("Wind energy", "Wind-Ertrag", "MWh/a", 1),
    "wind_full_load_hours_h": ("Wind full-load hours", "Wind-Volllaststunden", "h/a", 0),
    "wind_capacity_factor": ("Wind capacity factor", "Wind-Kapazitätsfaktor", "-", 3),
    "wind_mean_speed_hub_m_s": (
        "Mean wind speed at hub",
        "Mittlere Windgeschwindigkeit Nabe",
        "m/s",
        2,
    ),
    "existing_wind_turbines": (
        "Existing wind turbines",
        "Bestehende Windenergieanlagen",
        "count",
        0,
    ),
    "existing_wind_energy_mwh_per_a": (
        "Existing wind energy",
        "Ertrag bestehender Anlagen",
        "MWh/a",
        1,
    ),
    "total_energy_mwh_per_a": (
        "Total energy (new, before suitability check)",
        "Gesamtertrag (neu, vor Eignungsprüfung)",
        "MWh/a",
        1,
    ),
    "membership": ("Membership (RVR heap concept)", "Zugehörigkeit (Haldenkonzept)", "", None),
    "area_ha": ("Area (registry)", "Fläche (Register)", "ha", 1),
    "height_asl_m": ("Height a.s.l. (registry)", "Höhe ü. NHN (Register)", "m", 0),
    "height_rel_m": ("Relative height (registry)", "Relative Höhe (Register)", "m", 0),
    "form": ("Form", "Form", "", None),
    "summit_elevation_m": ("Summit elevation a.s.l.", "Gipfelhöhe ü. NHN", "m", 0),
    "base_elevation_m": ("Base elevation a.s.l.", "Fußhöhe ü. NHN", "m", 0),
    "turbine_site_area_ha": ("Area for wind turbines", "Fläche für Windenergieanlagen", "ha", 2),
    "half_height_distance_m": (
        "Summit to half-height distance",
        "Abstand Gipfel–halbe Höhe",
        "m",
        0,
    ),
    "wind_notes": ("Wind notes", "Hinweise Wind", "", None),
    "weather_partial": ("Weather data incomplete", "Wetterdaten unvollständig", "", None),
    "wind_rotor_diameter_m": ("Rotor diameter", "Rotordurchmesser", "m", 0),
    "wind_hub_height_above_surroundings_m": (
        "Hub height above surroundings",
        "Nabenhöhe über Umgebung",
        "m",
        0,
    ),
    "wind_speedup_fraction": ("Hill speed-up", "Geschwindigkeitszunahme am Hügel", "-", 3),
    "wind_wake_loss_fraction": ("Wake losses", "Nachlaufverluste", "-", 3),
    "wind_atlas_factor": ("Wind atlas scaling factor", "Skalierungsfaktor Windatlas", "-", 3),
    "existing_wind_turbine_type": ("Existing turbine type", "Anlagentyp Bestand", "", None),
    "existing_wind_capacity_mw": (
        "Existing wind capacity",
        "Leistung bestehender Anlagen",
        "MW",
        2,
    ),
    "existing_wind_full_load_hours_h": (
        "Existing wind full-load hours",
        "Volllaststunden bestehender Anlagen",
        "h/a",
        0,
    ),
    "assumptions": ("Assumptions", "Annahmen", "", None),
    "status": ("Status", "Status", "", None),
    "lat": ("Latitude", "Breite", "° WGS84", 6),
    "lon": ("Longitude", "Länge", "° WGS84", 6),
    # totals
    "group": ("Group ID", "Gruppen-ID", "", None),
    "group_label": ("Group", "Gruppe", "", None),
    "heaps": ("Heaps", "Halden", "count", 0),
    "wind_turbines": ("Wind turbines", "Windenergieanlagen", "count", 0),
    "energy_mwh_per_a": ("Energy", "Ertrag", "MWh/a", 1),
    "households": ("Households supplied", "Versorgte Haushalte", "count", 0),
    "co2_avoided_t_per_a": ("CO2 avoided", "Vermiedenes CO2", "t/a", 0),
    "household_consumption_kwh_per_a": (
        "Household consumption",
        "Verbrauch je Haushalt",
        "kWh/a",
        0,
    ),
    "household_consumption_year": ("Year of household figure", "Bezugsjahr Haushaltswert", "", 0),
    "co2_factor_g_per_kwh": ("CO2 factor", "CO2-Faktor", "g/kWh", 0),
    "co2_factor_year": ("Year of CO2 factor", "Bezugsjahr CO2-Faktor", "", 0),
}

#: Unit by column-name suffix, for columns not in :data:`COLUMN_INFO` (longest suffix first).
SUFFIX_UNITS: tuple[tuple[str, str], ...] = (
    ("_mwh_per_ha_a", "MWh/(ha·a)"),
    ("_kwh_per_kwp", "kWh/kWp"),
    ("_mwh_per_a", "MWh/a"),
    ("_kwh_per_a", "kWh/a"),
    ("_g_per_kwh", "g/kWh"),
    ("_t_per_a", "t/a"),
    ("_m_s", "m/s"),
    ("_mwh", "MWh"),
    ("_mwp", "MWp"),
    ("_mw", "MW"),
    ("_kw", "kW"),
    ("_ha", "ha"),
    ("_deg", "°"),
    ("_pct", "%"),
    ("_m", "m"),
    ("_h", "h"),
)

#: Columns written as whole numbers (nullable).
INT_COLUMNS: tuple[str, ...] = (
    "rank",
    "rank_best",
    "rank_worst",
    "wind_turbines_new",
    "existing_wind_turbines",
    "heaps",
    "household_consumption_year",
    "co2_factor_year",
)

#: Values shown in the committee files instead of the codes, per language and column.
VALUE_LABELS: dict[str, dict[str, dict[Any, str]]] = {
    "de": {
        "class": dict(CLASS_LABELS_DE),
        "pv_suitability": {
            "suitable": "geeignet",
            "unsuitable": "ungeeignet",
            "not-assessed": "nicht bewertet",
        },
        "wind_suitability": {
            "suitable": "geeignet",
            "unsuitable": "ungeeignet",
            "not-assessed": "nicht bewertet",
        },
        "robust_top": {True: "ja", False: "nein"},
        "weather_partial": {True: "ja", False: "nein"},
    },
    "en": {"robust_top": {True: "yes", False: "no"}, "weather_partial": {True: "yes", False: "no"}},
}

#: Headers of the manifest sheet per language.
MANIFEST_HEADERS: dict[str, dict[str, str]] = {
    "en": {"key": "Key", "value": "Value"},
    "de": {"key": "Schlüssel", "value": "Wert"},
}

#: Sheet names of the XLSX per language.
SHEETS: dict[str, dict[str, str]] = {
    "en": {
        "ranking": "Ranking",
        "details": "Details",
        "totals": "Totals",
        "assumptions": "Assumptions",
        "manifest": "Manifest",
    },
    "de": {
        "ranking": "Rangfolge",
        "details": "Details",
        "totals": "Summen",
        "assumptions": "Annahmen",
        "manifest": "Manifest",
    },
}

#: Leading columns of the committee tables (the rest follow in results order).
COMMITTEE_ORDER: tuple[str, ...] = tuple(
    c for c in RANKING_COLUMNS if c not in ("reasons", "reasons_de")
)


# --------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------


def column_unit(col: str) -> str:
    """Unit of a result column: from :data:`COLUMN_INFO`, else from its name's suffix, else ''."""
    if col in COLUMN_INFO:
        return COLUMN_INFO[col][2]
    for suffix, unit in SUFFIX_UNITS:
        if col.endswith(suffix):
            return unit
    return ""


#: Unit words in German headers.
UNITS_DE: dict[str, str] = {"points": "Punkte", "count": "Anzahl"}


def column_header(col: str, lang: str = "de") -> str:
    """Header text with unit, e.g. ``"PV-Leistung [MWp]"`` (de) or ``"PV capacity [MWp]"`` (en).

    Columns not in :data:`COLUMN_INFO` keep their name (with the unit taken from the suffix).
    """
    _check_lang(lang)
    info = COLUMN_INFO.get(col)
    label = (info[0] if lang == "en" else info[1]) if info else col
    unit = column_unit(col)
    if lang == "de":
        unit = UNITS_DE.get(unit, unit)
    return f"{label} [{unit}]" if unit else label


def header_map(columns, lang: str = "de") -> dict[str, str]:
    """column -> header for ``columns``; raises OutputError if two headers would collide."""
    out = {c: column_header(c, lang) for c in columns}
    seen: dict[str, str] = {}
    for c, h in out.items():
        if h in seen:
            out[c] = f"{h} ({c})"
        seen[out[c]] = c
    return out


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise OutputError(f"--lang {lang!r} is not supported; choose one of {', '.join(LANGS)}")


def _decimals(col: str) -> int | None:
    return COLUMN_INFO[col][3] if col in COLUMN_INFO else None


# --------------------------------------------------------------------------------------------------
# Reading a results folder
# --------------------------------------------------------------------------------------------------


@dataclass
class ResultsFolder:
    """A results folder read back: tables (``ranking``/``totals`` None if absent) and manifest."""

    path: Path
    results: pd.DataFrame
    ranking: pd.DataFrame | None
    totals: pd.DataFrame | None
    manifest: dict

    @property
    def ranked(self) -> bool:
        return "class" in self.results.columns


def _all_whole(v: pd.Series) -> bool:
    x = pd.to_numeric(v, errors="coerce").dropna().to_numpy(dtype=float)
    return bool(np.all(np.isfinite(x) & (np.mod(x, 1.0) == 0.0)))


def _int_if_whole(v: pd.Series) -> pd.Series:
    """``v`` as nullable Int64 when all its values are whole numbers, else unchanged."""
    return pd.to_numeric(v, errors="coerce").round().astype("Int64") if _all_whole(v) else v


def _fix_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    for c in INT_COLUMNS:
        if c in df.columns:
            df[c] = _int_if_whole(df[c])
    if "robust_top" in df.columns and df["robust_top"].dtype != bool:
        df["robust_top"] = df["robust_top"].astype(str).str.lower().isin(("true", "1", "yes"))
    return df


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV of a results folder (heap ids as text; whole-number columns as Int64)."""
    p = Path(path)
    try:
        df = pd.read_csv(p, dtype={"heap_id": str, "group": str}, keep_default_na=True)
    except FileNotFoundError:
        raise OutputError(
            f"{p}: not found; run 'haldenenergie run --out {p.parent}' first"
        ) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise OutputError(
            f"{p}: cannot read as CSV ({' '.join(str(exc).split())}); rerun 'haldenenergie run'"
        ) from None
    return _fix_dtypes(df)


def read_manifest(results_dir: str | Path) -> dict:
    """``manifest.json`` of a results folder, or ``{}`` if there is none."""
    p = Path(results_dir) / "manifest.json"
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"{p}: not valid JSON ({exc}); rerun 'haldenenergie run'") from None
    return data if isinstance(data, dict) else {}


def read_results_dir(results_dir: str | Path) -> ResultsFolder:
    """Read ``results.csv`` (required), ``ranking.csv``, ``totals.csv`` and ``manifest.json``."""
    d = Path(results_dir)
    if not d.is_dir():
        raise OutputError(
            f"{d}: no such results folder; give the folder written by 'haldenenergie run --out'"
        )
    results = read_table(d / "results.csv")
    ranking = read_table(d / "ranking.csv") if (d / "ranking.csv").exists() else None
    totals = read_table(d / "totals.csv") if (d / "totals.csv").exists() else None
    return ResultsFolder(d, results, ranking, totals, read_manifest(d))


def registry_from_manifest(manifest: dict) -> Path | None:
    """The registry file a run used, as recorded in its manifest (None if not recorded)."""
    for key in ("registry", "heaps"):
        v = manifest.get(key)
        if isinstance(v, str) and v:
            return Path(v)
        if isinstance(v, dict) and isinstance(v.get("path"), str):
            return Path(v["path"])
    for item in manifest.get("inputs") or []:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        role = str(item.get("role", "")).lower()
        if role in ("registry", "heaps", "heap_registry", "heap registry") or (
            "regist" in role or role.startswith("heap")
        ):
            return Path(item["path"])
    return None


def suitability_values_from_manifest(manifest: dict) -> dict | None:
    """The ``[suitability]`` parameters a run recorded (dict of key -> value), or None."""
    params = manifest.get("parameters")
    if isinstance(params, dict) and isinstance(params.get("suitability"), dict):
        return dict(params["suitability"])
    if isinstance(params, list):
        vals = {
            r["key"]: r["value"]
            for r in params
            if isinstance(r, dict) and r.get("section") == "suitability" and "key" in r
        }
        return vals or None
    return None


# --------------------------------------------------------------------------------------------------
# Writing the rank outputs into the results folder
# --------------------------------------------------------------------------------------------------


def write_rank_outputs(
    results_dir: str | Path,
    results_df: pd.DataFrame,
    ranked_df: pd.DataFrame,
    totals_df: pd.DataFrame,
    manifest_extra: dict | None = None,
) -> list[Path]:
    """Add the ranking columns to ``results.csv`` and write ``ranking.csv`` and ``totals.csv``.

    ``results.csv`` keeps its row order and columns (earlier ranking columns are replaced).
    All files are replaced atomically. With ``manifest_extra``, ``manifest.json`` gets (or
    replaces) a ``"ranking"`` entry with it. Returns the paths written.
    """
    d = Path(results_dir)
    replaced = (*RANK_COLUMNS, "housing_distance_m")
    base = results_df.drop(columns=[c for c in replaced if c in results_df.columns])
    add = ranked_df[["heap_id", *[c for c in replaced if c in ranked_df.columns]]]
    merged = (
        base.assign(_k=base["heap_id"].astype(str))
        .merge(
            add.assign(_k=add["heap_id"].astype(str)).drop(columns=["heap_id"]),
            on="_k",
            how="left",
            validate="one_to_one",
        )
        .drop(columns=["_k"])
    )
    written = []
    for name, df in (
        ("results.csv", merged),
        ("ranking.csv", ranking_table(ranked_df)),
        ("totals.csv", totals_df),
    ):
        p = d / name
        with _io.atomic_write(p, "w", overwrite=True) as fh:
            df.to_csv(fh, index=False, lineterminator="\n")
        written.append(p)
    if manifest_extra is not None:
        m = read_manifest(d)
        if not m:
            m = _io.manifest("rank", [], {}, extra=None)
        m["ranking"] = manifest_extra
        _io.write_json(d / "manifest.json", m, overwrite=True)
        written.append(d / "manifest.json")
    return written


def ranking_manifest_entry(
    cfg: SuitabilityConfig, registry: Path | None, config_origin: str
) -> dict:
    """The ``"ranking"`` entry of the manifest: when, which registry, which parameters."""
    inputs = []
    if registry is not None and Path(registry).exists():
        inputs.append(_io.file_record(registry, "registry"))
    return {
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "config_origin": config_origin,
        "inputs": inputs,
        "parameters": config_parameters(cfg),
        "outputs": ["results.csv", "ranking.csv", "totals.csv"],
    }


# --------------------------------------------------------------------------------------------------
# Committee tables
# --------------------------------------------------------------------------------------------------


def _require_ranked(folder: ResultsFolder) -> None:
    if not folder.ranked:
        raise OutputError(
            f"{folder.path / 'results.csv'}: has no ranking columns (class, "
            f"score, rank); run 'haldenenergie rank {folder.path}' first"
        )


def _in_rank_order(results: pd.DataFrame) -> pd.DataFrame:
    """:func:`sort_by_rank` for ranked results; unranked ones as they are (a copy)."""
    return sort_by_rank(results) if "rank" in results and "class" in results else results.copy()


def committee_frame(
    results: pd.DataFrame, lang: str = "de", columns=None, round_numbers: bool = True
) -> pd.DataFrame:
    """:func:`committee_table` before the headers are renamed (column names kept)."""
    _check_lang(lang)
    df = _in_rank_order(results)
    drop = "reasons" if lang == "de" else "reasons_de"
    cols = list(columns) if columns is not None else list(df.columns)
    cols = [c for c in cols if c != drop and c in df.columns]
    lead = [c for c in COMMITTEE_ORDER if c in cols]
    reason = "reasons_de" if lang == "de" else "reasons"
    tail = [c for c in cols if c not in lead and c != reason]
    order = lead + ([reason] if reason in cols else []) + tail
    df = df[order].copy()
    for c in df.columns:
        dec = _decimals(c)
        if c in INT_COLUMNS:
            df[c] = _int_if_whole(df[c])
        elif (
            round_numbers
            and dec is not None
            and pd.api.types.is_numeric_dtype(df[c])
            and not pd.api.types.is_bool_dtype(df[c])
        ):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float).round(dec)
        labels = VALUE_LABELS[lang].get(c)
        if labels:
            df[c] = pd.Series(
                [lab if (lab := _label(labels, v)) is not None else v for v in df[c]],
                index=df.index,
                dtype=object,
            )
    return df


def _label(labels: dict, v: Any) -> str | None:
    if _isna(v):
        return None
    if isinstance(v, (bool, np.bool_)):
        return labels.get(bool(v))
    if isinstance(v, str):
        return labels.get(v)
    return None


def committee_table(results: pd.DataFrame, lang: str = "de", columns=None) -> pd.DataFrame:
    """The table as committees read it: rank order, labelled values, rounded, headers with units.

    Parameters
    ----------
    results : ranked results (``results.csv`` after ``rank``).
    lang : ``"de"`` or ``"en"``; ``de`` keeps ``reasons_de`` and drops ``reasons``, ``en`` the
        other way round.
    columns : the columns to keep (default: all; leading :data:`COMMITTEE_ORDER`).

    Returns
    -------
    DataFrame with headers from :func:`header_map`; numbers rounded to the decimals of
    :data:`COLUMN_INFO` (others as they are); codes replaced by :data:`VALUE_LABELS`.
    """
    df = committee_frame(results, lang, columns)
    return df.rename(columns=header_map(df.columns, lang))


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def write_csv(
    results: pd.DataFrame, path: str | Path, lang: str = "de", overwrite: bool = False
) -> Path:
    """Write the committee CSV (see module docstring); returns the path.

    ``de``: ``;``, decimal comma, UTF-8 with BOM; ``en``: ``,``, decimal point, UTF-8 with BOM
    (harmless for English Excel, and it keeps umlauts in names readable).
    """
    table = committee_table(results, lang)
    sep, dec = (";", ",") if lang == "de" else (",", ".")
    with _io.atomic_write(path, "w", overwrite=overwrite, encoding="utf-8-sig") as fh:
        table.to_csv(fh, sep=sep, decimal=dec, index=False, lineterminator="\r\n")
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Assumptions and manifest tables
# --------------------------------------------------------------------------------------------------


def _plain(v: Any) -> Any:
    """A value for a cell/JSON: NaN/NA -> None, numpy -> python, containers -> JSON text."""
    if v is None:
        return None
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=str)
    if _isna(v):
        return None
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, Path):
        return str(v)
    return v


def assumptions_table(manifest: dict) -> pd.DataFrame:
    """Every parameter with value, unit, default, source and doc (section, key, ...).

    From the manifest's ``parameters`` (dict of sections or ``describe`` rows) with units and
    sources from the code's declarations; the ``ranking`` entry's parameters replace the
    ``suitability`` section. Without a manifest: :func:`haldenenergie.config.describe` of the
    defaults.
    """
    from .config import describe, load_config

    try:
        described = describe(load_config())
    except (ImportError, AttributeError, TypeError, HaldenError) as exc:
        # a stage module not written yet (or broken) must not stop the export
        log.warning("cannot describe all config sections (%s); using the manifest only", exc)
        defaults = SuitabilityConfig()
        described = [
            {
                "section": "suitability",
                "key": f.name,
                "value": getattr(defaults, f.name),
                "unit": f.metadata.get("unit", "-"),
                "default": getattr(defaults, f.name),
                "source": f.metadata.get("source", ""),
                "doc": f.metadata.get("doc", ""),
            }
            for f in dataclasses.fields(SuitabilityConfig)
        ]
    meta = {(r["section"], r["key"]): r for r in described}
    rows: list[dict] = []
    params = manifest.get("parameters")
    if isinstance(params, list) and params and isinstance(params[0], dict):
        rows = [dict(r) for r in params if "section" in r and "key" in r]
    elif isinstance(params, dict) and params:
        for sec, vals in params.items():
            if isinstance(vals, dict):
                for k, v in vals.items():
                    m = meta.get((sec, k), {})
                    rows.append(
                        {
                            "section": sec,
                            "key": k,
                            "value": v,
                            "unit": m.get("unit", ""),
                            "default": m.get("default"),
                            "source": m.get("source", ""),
                            "doc": m.get("doc", ""),
                        }
                    )
            else:
                rows.append(
                    {
                        "section": "",
                        "key": sec,
                        "value": vals,
                        "unit": "",
                        "default": None,
                        "source": "",
                        "doc": "",
                    }
                )
    else:
        rows = [dict(r) for r in described]
    ranking = manifest.get("ranking")
    if isinstance(ranking, dict) and isinstance(ranking.get("parameters"), dict):
        rows = [r for r in rows if r.get("section") != "suitability"]
        for k, v in ranking["parameters"].items():
            m = meta.get(("suitability", k), {})
            rows.append(
                {
                    "section": "suitability",
                    "key": k,
                    "value": v,
                    "unit": m.get("unit", ""),
                    "default": m.get("default"),
                    "source": m.get("source", ""),
                    "doc": m.get("doc", ""),
                }
            )
    rows = _expand_rules(rows)
    df = pd.DataFrame(rows, columns=["section", "key", "value", "unit", "default", "source", "doc"])
    for c in ("value", "default"):
        df[c] = df[c].map(_plain).astype(object)
    return df


def describe_rule(rule: dict) -> str:
    """One line: what a constraint rule matches and what it does."""
    fields = ", ".join(rule.get("fields") or [])
    m = rule.get("match")
    if m == "nonempty":
        what = f"{fields} not empty"
    elif m == "greater":
        what = f"{fields} > {rule.get('threshold')}"
    else:
        pats = " | ".join(map(str, rule.get("patterns") or []))
        what = f"{fields} {'contains' if m == 'contains' else '='} {pats}"
    eff = ", ".join(rule.get("effects") or [])
    pts = rule.get("penalty_points", 0) or 0
    return f"{what} -> {eff}" + (f" ({pts:g} penalty points)" if "penalise" in eff else "")


def _expand_rules(rows: list[dict]) -> list[dict]:
    """Replace the ``[suitability] rules`` row by one row per rule (value, rationale, text)."""
    out = []
    for r in rows:
        rules = r.get("value")
        if (
            r.get("section") == "suitability"
            and r.get("key") == "rules"
            and isinstance(rules, dict)
        ):
            for rid, rule in rules.items():
                if not isinstance(rule, dict):
                    continue
                out.append(
                    {
                        "section": "suitability",
                        "key": f"rules.{rid}",
                        "value": describe_rule(rule),
                        "unit": "-",
                        "default": None,
                        "source": rule.get("rationale", ""),
                        "doc": rule.get("text_en", ""),
                    }
                )
        else:
            out.append(r)
    return out


ASSUMPTION_HEADERS = {
    "en": {
        "section": "Section",
        "key": "Parameter",
        "value": "Value",
        "unit": "Unit",
        "default": "Default",
        "source": "Source",
        "doc": "Meaning",
    },
    "de": {
        "section": "Bereich",
        "key": "Parameter",
        "value": "Wert",
        "unit": "Einheit",
        "default": "Standardwert",
        "source": "Quelle",
        "doc": "Bedeutung",
    },
}


def _flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list) and obj and any(isinstance(x, (dict, list)) for x in obj):
        for i, v in enumerate(obj):
            out += _flatten(v, f"{prefix}[{i}]")
    else:
        out.append((prefix, _plain(obj)))
    return out


def manifest_table(manifest: dict) -> pd.DataFrame:
    """The manifest flattened to (key, value) rows; parameters are left to the assumptions."""
    m = {k: v for k, v in manifest.items() if k != "parameters"}
    if isinstance(m.get("ranking"), dict):
        m["ranking"] = {k: v for k, v in m["ranking"].items() if k != "parameters"}
    rows = _flatten(m) or [("manifest", "no manifest.json in the results folder")]
    return pd.DataFrame(rows, columns=["key", "value"])


def factor_notes(lang: str = "de", totals: pd.DataFrame | None = None) -> list[str]:
    """Sentences stating the totals factors with their source and year.

    The factor values and years come from ``totals`` (as used) when given, else the defaults.
    A value that differs from the default is said to be set by configuration.
    """
    cfg = SuitabilityConfig()
    meta = {f.name: f.metadata for f in dataclasses.fields(SuitabilityConfig)}
    vals = {
        k: getattr(cfg, k)
        for k in (
            "household_consumption_kwh_per_a",
            "household_consumption_year",
            "co2_factor_g_per_kwh",
            "co2_factor_year",
        )
    }
    if totals is not None and len(totals):
        for k in vals:
            if k in totals and not _isna(totals[k].iloc[0]):
                vals[k] = totals[k].iloc[0]
    hh, hy = float(vals["household_consumption_kwh_per_a"]), int(vals["household_consumption_year"])
    co, cy = float(vals["co2_factor_g_per_kwh"]), int(vals["co2_factor_year"])
    own_hh = not math.isclose(hh, cfg.household_consumption_kwh_per_a)
    own_co = not math.isclose(co, cfg.co2_factor_g_per_kwh)
    if lang == "de":
        src_hh = ("per Konfiguration gesetzt; Standardquelle: " if own_hh else "Quelle: ") + meta[
            "household_consumption_kwh_per_a"
        ]["source"]
        src_co = ("per Konfiguration gesetzt; Standardquelle: " if own_co else "Quelle: ") + meta[
            "co2_factor_g_per_kwh"
        ]["source"]
        return [
            f"Versorgte Haushalte = Ertrag / {hh:,.0f} kWh/a je Haushalt (Bezugsjahr {hy}); ".replace(
                ",", "."
            )
            + src_hh,
            f"Vermiedenes CO2 = Ertrag x {co:.0f} g/kWh (Bezugsjahr {cy}); " + src_co,
            (
                "Klassenzeilen und Summe zählen nur die geeigneten Nutzungen; bestehende "
                "Windenergieanlagen sind gesondert ausgewiesen und nicht Teil des neuen "
                "Potenzials."
            ),
        ]
    src_hh = ("set by configuration; default source: " if own_hh else "source: ") + meta[
        "household_consumption_kwh_per_a"
    ]["source"]
    src_co = ("set by configuration; default source: " if own_co else "source: ") + meta[
        "co2_factor_g_per_kwh"
    ]["source"]
    return [
        f"Households supplied = energy / {hh:,.0f} kWh/a per household (year {hy}); " + src_hh,
        f"CO2 avoided = energy x {co:.0f} g/kWh (year {cy}); " + src_co,
        (
            "Class rows and the total count only the suitable uses; existing turbines are "
            "reported separately and are not part of the new potential."
        ),
    ]


def totals_view(totals: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """Totals with the group label of ``lang`` (column ``group_label``) and no other label."""
    _check_lang(lang)
    df = totals.copy()
    label = "group_de" if lang == "de" else "group_en"
    if label in df:
        df.insert(1, "group_label", df[label])
    return df[[c for c in df.columns if c not in ("group_en", "group_de")]]


# --------------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------------


def _number_format(dec: int | None) -> str | None:
    if dec is None:
        return None
    return "#,##0" if dec == 0 else "#,##0." + "0" * dec


def _write_sheet(
    ws,
    df: pd.DataFrame,
    lang: str,
    headers: dict[str, str] | None = None,
    freeze: str = "A2",
    autofilter: bool = False,
    max_width: int = 60,
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = headers or header_map(df.columns, lang)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append([headers[c] for c in df.columns])
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for rec in df.itertuples(index=False, name=None):
        ws.append([_plain(v) for v in rec])
    for j, c in enumerate(df.columns, start=1):
        letter = get_column_letter(j)
        fmt = _number_format(_decimals(c)) if c in COLUMN_INFO else None
        numeric = pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        if numeric and fmt is None:
            fmt = "General"
        width = len(str(headers[c]))
        for cell in ws[letter][1:]:
            if numeric and fmt and isinstance(cell.value, (int, float)):
                cell.number_format = fmt
            if cell.value is not None:
                width = max(
                    width,
                    len(f"{cell.value:,.3f}" if isinstance(cell.value, float) else str(cell.value)),
                )
        ws.column_dimensions[letter].width = min(max(width + 2, 8), max_width)
    ws.freeze_panes = freeze
    if autofilter and ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def write_xlsx(
    folder: ResultsFolder, path: str | Path, lang: str = "de", overwrite: bool = False
) -> Path:
    """Write the workbook: ranking, details, totals, assumptions, manifest (see module doc)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _check_lang(lang)
    _require_ranked(folder)
    names = SHEETS[lang]
    results = sort_by_rank(folder.results)
    wb = Workbook()
    ws = wb.active
    ws.title = names["ranking"]
    rank_cols = [c for c in RANKING_COLUMNS if c in results.columns]
    # Full precision in the cells; the number formats round what is shown.
    ranking = committee_frame(results, lang, columns=rank_cols, round_numbers=False)
    _write_sheet(ws, ranking, lang, freeze="D2", autofilter=True)
    details = committee_frame(results, lang, round_numbers=False)
    _write_sheet(wb.create_sheet(names["details"]), details, lang, freeze="D2", autofilter=True)
    ws_t = wb.create_sheet(names["totals"])
    if folder.totals is not None:
        _write_sheet(ws_t, totals_view(folder.totals, lang), lang, freeze="C2", max_width=70)
        ws_t.append([])
        for note in factor_notes(lang, folder.totals):
            ws_t.append([note])
            ws_t.cell(ws_t.max_row, 1).font = Font(italic=True)
    else:
        ws_t.append(["no totals.csv in the results folder; run 'haldenenergie rank' first"])
    assum = assumptions_table(folder.manifest)
    _write_sheet(
        wb.create_sheet(names["assumptions"]),
        assum,
        lang,
        headers=ASSUMPTION_HEADERS[lang],
        max_width=80,
    )
    man = manifest_table(folder.manifest)
    _write_sheet(
        wb.create_sheet(names["manifest"]), man, lang, headers=MANIFEST_HEADERS[lang], max_width=100
    )
    with _io.atomic_path(path, overwrite=overwrite) as tmp:
        wb.save(tmp)
    return Path(path)


# --------------------------------------------------------------------------------------------------
# GeoJSON
# --------------------------------------------------------------------------------------------------


def geojson_dict(results: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection: Point (lon, lat) per heap, all columns as properties."""
    df = _in_rank_order(results)
    feats = []
    for rec in df.to_dict("records"):
        props = {k: _plain(v) for k, v in rec.items()}
        lat, lon = props.get("lat"), props.get("lon")
        geom = None
        if (
            isinstance(lat, (int, float))
            and isinstance(lon, (int, float))
            and math.isfinite(lat)
            and math.isfinite(lon)
        ):
            geom = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        feats.append(
            {
                "type": "Feature",
                "id": str(props.get("heap_id")),
                "geometry": geom,
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": feats}


def write_geojson(folder: ResultsFolder, path: str | Path, overwrite: bool = False) -> Path:
    """Write the heaps with all results as GeoJSON (WGS84, RFC 7946)."""
    _require_ranked(folder)
    data = geojson_dict(folder.results)
    with _io.atomic_write(path, "w", overwrite=overwrite) as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, allow_nan=False)
        fh.write("\n")
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def infer_format(out: str | Path) -> str:
    """Format from the output suffix (``.csv``, ``.xlsx``, ``.geojson``/``.json``)."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix == "json":
        suffix = "geojson"
    if suffix not in FORMATS:
        raise OutputError(
            f"{out}: cannot tell the format from the suffix; pass --format {'|'.join(FORMATS)}"
        )
    return suffix


def export_results(
    results_dir: str | Path,
    fmt: str | None,
    out: str | Path,
    lang: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Export a ranked results folder as committee CSV, XLSX or GeoJSON.

    Parameters
    ----------
    results_dir : folder with ``results.csv`` (ranked), ``totals.csv``, ``manifest.json``.
    fmt : ``"csv"``, ``"xlsx"``, ``"geojson"`` or None (from the suffix of ``out``).
    out : output file; refused if it exists unless ``overwrite``.
    lang : ``"de"`` (default) or ``"en"``; GeoJSON ignores it (column names as properties).

    Raises
    ------
    OutputError : unknown format/language, output exists, folder not ranked or unreadable.
    """
    fmt = fmt or infer_format(out)
    if fmt not in FORMATS:
        raise OutputError(f"--format {fmt!r} is not supported; choose one of {', '.join(FORMATS)}")
    lang = lang or "de"
    _check_lang(lang)
    _io.check_can_write(out, overwrite)
    folder = read_results_dir(results_dir)
    _require_ranked(folder)
    if fmt == "csv":
        return write_csv(folder.results, out, lang, overwrite)
    if fmt == "xlsx":
        return write_xlsx(folder, out, lang, overwrite)
    return write_geojson(folder, out, overwrite)


__all__ = [
    "ASSUMPTION_HEADERS",
    "COLUMN_INFO",
    "FORMATS",
    "INT_COLUMNS",
    "LANGS",
    "MANIFEST_HEADERS",
    "SCORE_PARTS",
    "SHEETS",
    "TOTAL_COLUMNS",
    "VALUE_LABELS",
    "ResultsFolder",
    "assumptions_table",
    "column_header",
    "column_unit",
    "committee_frame",
    "committee_table",
    "export_results",
    "factor_notes",
    "geojson_dict",
    "header_map",
    "infer_format",
    "manifest_table",
    "ranking_manifest_entry",
    "read_manifest",
    "read_results_dir",
    "read_table",
    "registry_from_manifest",
    "suitability_values_from_manifest",
    "totals_view",
    "write_csv",
    "write_geojson",
    "write_rank_outputs",
    "write_xlsx",
]
