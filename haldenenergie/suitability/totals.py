"""Totals: capacity, energy, households supplied and CO2 avoided per class and for all heaps.

Class rows and the total count only the suitable uses of each heap (a heap of class ``pv``
contributes its PV only); wind whose distance to housing is unknown, the technical potential
before constraints and the turbines already standing are reported in rows of their own.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from .basis import forest_considered, pv_basis_text
from .classification import CLASSES, NOT_ASSESSED, RANKED_CLASSES, SUITABLE
from .config import SuitabilityConfig

#: Rows of the totals table: group id -> (English label, German label).
TOTAL_GROUPS: dict[str, tuple[str, str]] = {
    "pv+wind": ("class PV + wind (suitable uses)", "Klasse PV + Wind (geeignete Nutzungen)"),
    "pv": ("class PV (PV only)", "Klasse PV (nur PV)"),
    "wind": ("class wind (wind only)", "Klasse Wind (nur Wind)"),
    "unsuitable": ("class unsuitable", "Klasse ungeeignet"),
    "not-assessed": ("class not assessed", "Klasse nicht bewertet"),
    "total_suitable": (
        "total new potential of suitable uses",
        "Summe neues Potenzial geeigneter Nutzungen",
    ),
    "facts_missing": (
        "of which from heaps with facts missing (area or height assumed; in the total above)",
        "davon aus Halden mit fehlenden Fakten (Fläche oder Höhe angenommen; in der Summe oben)",
    ),
    "wind_not_assessed": (
        "wind potential not assessed (distance to housing unknown; not in total)",
        "Windpotenzial nicht bewertet (Abstand zur Wohnbebauung unbekannt; nicht in Summe)",
    ),
    "technical": (
        "technical potential before constraints (all heaps, all uses)",
        "technisches Potenzial vor Restriktionen (alle Halden, alle Nutzungen)",
    ),
    "technical_facts_missing": (
        "of which from heaps with facts missing (area or height assumed; in the line above)",
        "davon aus Halden mit fehlenden Fakten (Fläche oder Höhe angenommen; in der Zeile oben)",
    ),
    "existing_wind": (
        "existing wind turbines (already built; not new potential)",
        "bestehende Windenergieanlagen (gebaut; kein neues Potenzial)",
    ),
}
#: Columns of the totals table (``totals.csv``), in this order.
TOTAL_COLUMNS: tuple[str, ...] = (
    "group",
    "group_en",
    "group_de",
    "heaps",
    "pv_capacity_mwp",
    "pv_energy_mwh_per_a",
    "wind_turbines",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "energy_mwh_per_a",
    "households",
    "co2_avoided_t_per_a",
    "household_consumption_kwh_per_a",
    "household_consumption_year",
    "co2_factor_g_per_kwh",
    "co2_factor_year",
    "pv_basis",
    "pv_basis_de",
)


def households_supplied(energy_mwh_per_a: npt.ArrayLike, cfg: SuitabilityConfig) -> np.ndarray:
    """Households whose yearly use the energy covers [-]: E [MWh a-1] x 1000 / use [kWh a-1]."""
    return np.asarray(energy_mwh_per_a, dtype=float) * 1000.0 / cfg.household_consumption_kwh_per_a


def co2_avoided_t_per_a(energy_mwh_per_a: npt.ArrayLike, cfg: SuitabilityConfig) -> np.ndarray:
    """CO2 avoided [t a-1]: E [MWh a-1] x 1000 [kWh/MWh] x factor [g kWh-1] / 1e6 [g/t]."""
    return np.asarray(energy_mwh_per_a, dtype=float) * cfg.co2_factor_g_per_kwh / 1000.0


def _numeric(ranked: pd.DataFrame, col: str) -> np.ndarray:
    """A column as floats with missing values 0 (zeros if the column is absent)."""
    if col in ranked:
        return pd.to_numeric(ranked[col], errors="coerce").fillna(0.0).to_numpy(float)
    return np.zeros(len(ranked))


class _Uses:
    """Per-heap capacity and energy of the new PV and wind uses (arrays over the heaps)."""

    def __init__(self, ranked: pd.DataFrame):
        self.pv_cap = _numeric(ranked, "pv_capacity_mwp")
        self.pv_e = _numeric(ranked, "pv_energy_mwh_per_a")
        self.w_n = _numeric(ranked, "wind_turbines_new")
        self.w_cap = _numeric(ranked, "wind_capacity_mw")
        self.w_e = _numeric(ranked, "wind_energy_mwh_per_a")

    def row(self, group: str, sel: np.ndarray, pv_sel: np.ndarray, wind_sel: np.ndarray) -> dict:
        """Sums over the heaps ``sel``, counting PV where ``pv_sel`` and wind where ``wind_sel``."""
        p, w = sel & pv_sel, sel & wind_sel
        pe, we = float(self.pv_e[p].sum()), float(self.w_e[w].sum())
        return {
            "group": group,
            "heaps": int(sel.sum()),
            "pv_capacity_mwp": float(self.pv_cap[p].sum()),
            "pv_energy_mwh_per_a": pe,
            "wind_turbines": float(self.w_n[w].sum()),
            "wind_capacity_mw": float(self.w_cap[w].sum()),
            "wind_energy_mwh_per_a": we,
            "energy_mwh_per_a": pe + we,
            "_pv_heaps": p,
        }


def _existing_row(ranked: pd.DataFrame) -> dict:
    """The turbines already standing (their capacity is NaN if the results do not give it)."""
    n_exist = _numeric(ranked, "existing_wind_turbines")
    e_exist = _numeric(ranked, "existing_wind_energy_mwh_per_a")
    cap_exist = (
        float(_numeric(ranked, "existing_wind_capacity_mw").sum())
        if "existing_wind_capacity_mw" in ranked
        else math.nan
    )
    return {
        "group": "existing_wind",
        "heaps": int((n_exist > 0).sum()),
        "pv_capacity_mwp": 0.0,
        "pv_energy_mwh_per_a": 0.0,
        "wind_turbines": float(n_exist.sum()),
        "wind_capacity_mw": cap_exist,
        "wind_energy_mwh_per_a": float(e_exist.sum()),
        "energy_mwh_per_a": float(e_exist.sum()),
        "_pv_heaps": np.zeros(len(ranked), bool),
    }


def _facts_missing(ranked: pd.DataFrame) -> np.ndarray:
    """Heaps whose area or height was assumed (ranking column ``facts_missing`` non-empty)."""
    if "facts_missing" not in ranked:
        return np.zeros(len(ranked), bool)
    return ranked["facts_missing"].fillna("").astype(str).str.strip().ne("").to_numpy()


def _pv_basis(rows: list[dict], forest: np.ndarray, lang: str) -> list[str | None]:
    """Per row, the PV upper-bound label for the heaps whose PV the row counts.

    None where there is no label (as a blank cell reads back from ``totals.csv``).
    """
    return [
        pv_basis_text(int((r["_pv_heaps"] & forest).sum()), int(r["_pv_heaps"].sum()), lang) or None
        for r in rows
    ]


def totals_table(ranked: pd.DataFrame, cfg: SuitabilityConfig) -> pd.DataFrame:
    """Totals per class, of all suitable uses, of pending wind, technical and existing turbines.

    Parameters
    ----------
    ranked : classified results (``class``, ``pv_suitability``, ``wind_suitability`` and the
        capacity [MWp, MW] and energy [MWh a-1] columns of the results; ``facts_missing`` and
        ``layers_used`` where present).
    cfg : the suitability parameters (household use [kWh a-1], CO2 factor [g kWh-1]).

    Returns
    -------
    DataFrame with :data:`TOTAL_COLUMNS`, one row per :data:`TOTAL_GROUPS` entry. Class rows and
    the total count only the suitable uses of each heap (a heap of class ``pv`` contributes its PV
    only); ``facts_missing`` and ``technical_facts_missing`` are the parts of the total and of the
    technical potential from heaps whose area or height was assumed. ``households`` and
    ``co2_avoided_t_per_a`` use the configured factors, which are repeated in every row with their
    year. ``pv_basis`` / ``pv_basis_de``: the PV upper-bound label of the row ("" when every heap
    whose PV it counts had a forest layer, or it counts no PV: None).
    """
    n = len(ranked)
    uses = _Uses(ranked)
    cls = ranked["class"].astype(str).to_numpy()
    pv_on = ranked["pv_suitability"].to_numpy() == SUITABLE
    wind_on = ranked["wind_suitability"].to_numpy() == SUITABLE
    missing = _facts_missing(ranked)
    rows = [uses.row(c, cls == c, pv_on, wind_on) for c in CLASSES]
    suitable = np.isin(cls, RANKED_CLASSES)
    rows.append(uses.row("total_suitable", suitable, pv_on, wind_on))
    rows.append(uses.row("facts_missing", suitable & missing, pv_on, wind_on))
    pending = (ranked["wind_suitability"].to_numpy() == NOT_ASSESSED) & (
        uses.w_n >= cfg.min_new_turbines
    )
    none, every = np.zeros(n, bool), np.ones(n, bool)
    rows.append(uses.row("wind_not_assessed", pending, none, pending))
    rows.append(uses.row("technical", every, every, every))
    rows.append(uses.row("technical_facts_missing", missing, every, every))
    rows.append(_existing_row(ranked))
    forest = np.asarray(forest_considered(ranked), bool)
    basis_en, basis_de = _pv_basis(rows, forest, "en"), _pv_basis(rows, forest, "de")
    df = pd.DataFrame(rows).drop(columns=["_pv_heaps"])
    df["group_en"] = df["group"].map(lambda g: TOTAL_GROUPS[g][0])
    df["group_de"] = df["group"].map(lambda g: TOTAL_GROUPS[g][1])
    df["households"] = households_supplied(df["energy_mwh_per_a"], cfg)
    df["co2_avoided_t_per_a"] = co2_avoided_t_per_a(df["energy_mwh_per_a"], cfg)
    df["household_consumption_kwh_per_a"] = cfg.household_consumption_kwh_per_a
    df["household_consumption_year"] = cfg.household_consumption_year
    df["co2_factor_g_per_kwh"] = cfg.co2_factor_g_per_kwh
    df["co2_factor_year"] = cfg.co2_factor_year
    df["pv_basis"] = basis_en
    df["pv_basis_de"] = basis_de
    return df[list(TOTAL_COLUMNS)]
