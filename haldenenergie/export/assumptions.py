"""The assumptions, manifest and factor texts of the exports (XLSX sheets, report notes)."""

from __future__ import annotations

import dataclasses
import logging
import math
from typing import Any

import pandas as pd

from ..errors import HaldenError
from ..suitability import SuitabilityConfig
from .tables import isna, plain

log = logging.getLogger("haldenenergie.export")

#: Columns of :func:`assumptions_table`.
ASSUMPTION_COLUMNS = ["section", "key", "value", "unit", "default", "source", "doc"]

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

#: The factors of the totals that :func:`factor_notes` states.
FACTOR_KEYS = (
    "household_consumption_kwh_per_a",
    "household_consumption_year",
    "co2_factor_g_per_kwh",
    "co2_factor_year",
)


def _described_parameters() -> list[dict]:
    """``config.describe`` of the defaults; the suitability section alone if a stage is broken."""
    from ..config import describe, load_config

    try:
        return describe(load_config())
    except (ImportError, AttributeError, TypeError, HaldenError) as exc:
        # a stage module not written yet (or broken) must not stop the export
        log.warning("cannot describe all config sections (%s); using the manifest only", exc)
        defaults = SuitabilityConfig()
        return [
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


def _row(section: str, key: str, value: Any, meta: dict) -> dict:
    m = meta.get((section, key), {})
    return {
        "section": section,
        "key": key,
        "value": value,
        "unit": m.get("unit", ""),
        "default": m.get("default"),
        "source": m.get("source", ""),
        "doc": m.get("doc", ""),
    }


def _parameter_rows(params: Any, described: list[dict], meta: dict) -> list[dict]:
    """Rows of the manifest's ``parameters`` (``describe`` rows or ``{section: {key: value}}``)."""
    if isinstance(params, list) and params and isinstance(params[0], dict):
        return [dict(r) for r in params if "section" in r and "key" in r]
    if not (isinstance(params, dict) and params):
        return [dict(r) for r in described]
    rows: list[dict] = []
    for sec, vals in params.items():
        if isinstance(vals, dict):
            rows.extend(_row(sec, k, v, meta) for k, v in vals.items())
        else:
            rows.append(_row("", sec, vals, {}))
    return rows


def assumptions_table(manifest: dict) -> pd.DataFrame:
    """Every parameter with value, unit, default, source and doc (section, key, ...).

    From the manifest's ``parameters`` (dict of sections or ``describe`` rows) with units and
    sources from the code's declarations; the ``ranking`` entry's parameters replace the
    ``suitability`` section. Without a manifest: :func:`haldenenergie.config.describe` of the
    defaults.
    """
    described = _described_parameters()
    meta = {(r["section"], r["key"]): r for r in described}
    rows = _parameter_rows(manifest.get("parameters"), described, meta)
    ranking = manifest.get("ranking")
    if isinstance(ranking, dict) and isinstance(ranking.get("parameters"), dict):
        rows = [r for r in rows if r.get("section") != "suitability"]
        rows.extend(_row("suitability", k, v, meta) for k, v in ranking["parameters"].items())
    rows = _expand_rules(rows)
    df = pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)
    for c in ("value", "default"):
        df[c] = df[c].map(plain).astype(object)
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


def _flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list) and obj and any(isinstance(x, (dict, list)) for x in obj):
        for i, v in enumerate(obj):
            out += _flatten(v, f"{prefix}[{i}]")
    else:
        out.append((prefix, plain(obj)))
    return out


def manifest_table(manifest: dict) -> pd.DataFrame:
    """The manifest flattened to (key, value) rows; parameters are left to the assumptions."""
    m = {k: v for k, v in manifest.items() if k != "parameters"}
    if isinstance(m.get("ranking"), dict):
        m["ranking"] = {k: v for k, v in m["ranking"].items() if k != "parameters"}
    rows = _flatten(m) or [("manifest", "no manifest.json in the results folder")]
    return pd.DataFrame(rows, columns=["key", "value"])


def _factor_values(totals: pd.DataFrame | None) -> dict[str, Any]:
    """The totals factors as used (first row of ``totals``), else the defaults."""
    cfg = SuitabilityConfig()
    vals = {k: getattr(cfg, k) for k in FACTOR_KEYS}
    if totals is not None and len(totals):
        for k in vals:
            if k in totals and not isna(totals[k].iloc[0]):
                vals[k] = totals[k].iloc[0]
    return vals


def _factor_sources(own_hh: bool, own_co: bool, lang: str) -> tuple[str, str]:
    """Source texts of the household and CO2 factors (set by configuration or the default's)."""
    meta = {f.name: f.metadata for f in dataclasses.fields(SuitabilityConfig)}
    if lang == "de":
        own, default = "per Konfiguration gesetzt; Standardquelle: ", "Quelle: "
    else:
        own, default = "set by configuration; default source: ", "source: "
    src_hh = (own if own_hh else default) + meta["household_consumption_kwh_per_a"]["source"]
    src_co = (own if own_co else default) + meta["co2_factor_g_per_kwh"]["source"]
    if lang == "de":  # the sources are recorded in English; the report's German renderings
        from ..report.translate import technical_text

        src_hh, src_co = technical_text(src_hh, "de"), technical_text(src_co, "de")
    return src_hh, src_co


def factor_notes(lang: str = "de", totals: pd.DataFrame | None = None) -> list[str]:
    """Sentences stating the totals factors with their source and year.

    The factor values and years come from ``totals`` (as used) when given, else the defaults.
    A value that differs from the default is said to be set by configuration.
    """
    cfg = SuitabilityConfig()
    vals = _factor_values(totals)
    hh, hy = float(vals["household_consumption_kwh_per_a"]), int(vals["household_consumption_year"])
    co, cy = float(vals["co2_factor_g_per_kwh"]), int(vals["co2_factor_year"])
    src_hh, src_co = _factor_sources(
        not math.isclose(hh, cfg.household_consumption_kwh_per_a),
        not math.isclose(co, cfg.co2_factor_g_per_kwh),
        lang,
    )
    if lang == "de":
        hh_text = f"{hh:,.0f}".replace(",", ".")
        return [
            f"Versorgte Haushalte = Ertrag / {hh_text} kWh/a je Haushalt (Bezugsjahr {hy}); "
            + src_hh,
            f"Vermiedenes CO2 = Ertrag x {co:.0f} g/kWh (Bezugsjahr {cy}); " + src_co,
            (
                "Klassenzeilen und Summe zählen nur die geeigneten Nutzungen; bestehende "
                "Windenergieanlagen sind gesondert ausgewiesen und nicht Teil des neuen "
                "Potenzials."
            ),
        ]
    return [
        f"Households supplied = energy / {hh:,.0f} kWh/a per household (year {hy}); " + src_hh,
        f"CO2 avoided = energy x {co:.0f} g/kWh (year {cy}); " + src_co,
        (
            "Class rows and the total count only the suitable uses; existing turbines are "
            "reported separately and are not part of the new potential."
        ),
    ]
