"""Heaps whose area or height was assumed: the ranking's "facts missing" group and its reasons.

The parametric terrain fills a missing registry area or height with the fact table's median
(``assumptions`` column, :func:`haldenenergie.suitability.basis.assumed_facts`). Such a heap's PV
area and energy rest on a guess, so it is not ranked among the heaps with known facts: it goes to
the group :data:`FACTS_MISSING` after them (ranks continue after the last known heap; the column
``rank_group`` says which group). A cone whose assumed area is larger than a cone of its height
can cover (gentlest flank slope and largest summit plateau of the ``[terrain]`` form ranges) is
flagged as implausible: Gotthelf, a 42 m cone, gets the 38 ha median, ~30x the ~1.3 ha of a cone
with 30-37 deg flanks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .basis import assumed_facts, cone_area_ha
from .values import fmt_value

#: ``rank_group`` of ranked heaps: facts known / area or height assumed ("" for unranked heaps).
KNOWN, FACTS_MISSING = "known", "facts missing"
_FACT_WORDS = {"area_ha": ("area", "Fläche", "ha"), "height_rel_m": ("height", "Höhe", "m")}
#: German for the terrain stage's default texts (others: "Vorgabewert").
_DEFAULT_DE = {
    "median area of the fact table": "Median der Faktentabelle",
    "median height of the fact table": "Median der Faktentabelle",
}


@dataclass(frozen=True)
class ConeLimits:
    """Flank slope and plateau ranges of a cone heap, from ``[terrain]``.

    Attributes
    ----------
    slope_deg : (low, high) flank slope [deg] (``form_flank_slope_deg["cone"]``).
    plateau_share_max : largest summit-plateau share of the footprint [-]
        (``form_plateau_share["cone"][1]``).
    """

    slope_deg: tuple[float, float] = (30.0, 37.0)
    plateau_share_max: float = 0.03

    @classmethod
    def from_terrain(cls, terrain) -> ConeLimits:
        """The cone ranges of a ``TerrainConfig`` (None: its defaults)."""
        if terrain is None:
            from ..terrain.config import TerrainConfig

            terrain = TerrainConfig()
        lo, hi = terrain.form_flank_slope_deg["cone"]
        return cls((float(lo), float(hi)), float(terrain.form_plateau_share["cone"][1]))


def _de(v: float) -> str:
    """A number with a decimal comma (German texts)."""
    return fmt_value(v).replace(".", ",")


def _implausible(row: dict, area: float, lim: ConeLimits) -> tuple[str, str] | None:
    """Reason texts when an assumed area is too large for a cone of the heap's known height."""
    form = str(row.get("form") or "").strip().lower()
    height = pd.to_numeric(row.get("height_rel_m"), errors="coerce")
    if form != "cone" or not np.isfinite(height) or not np.isfinite(area):
        return None
    lo, hi = lim.slope_deg
    typical = cone_area_ha(float(height), (lo + hi) / 2)
    most = cone_area_ha(float(height), lo, lim.plateau_share_max)
    if not area > most:
        return None
    h, a, t, m = (fmt_value(v) for v in (float(height), area, round(typical, 1), round(most, 1)))
    ratio = fmt_value(round(area / typical))
    src = "[terrain] form_flank_slope_deg"
    return (
        f"area assumed, implausible for its height: a cone of {h} m with flanks of {lo:g}-{hi:g} "
        f"deg ({src}: near the angle of repose of dumped rock, assumption) covers about {t} ha "
        f"(at most {m} ha), the assumed {a} ha is {ratio}x that",
        f"Fläche angenommen, unplausibel für die Höhe: ein Kegel von {_de(height)} m mit Flanken "
        f"von {_de(lo)}-{_de(hi)} Grad ({src}: nahe dem Schüttwinkel des Bergematerials, "
        f"Annahme) bedeckt etwa {_de(round(typical, 1))} ha (höchstens {_de(round(most, 1))} ha), "
        f"die angenommenen {_de(area)} ha sind das {ratio}-Fache",
    )


def _row_facts(row: dict, lim: ConeLimits) -> tuple[str, bool, str, str]:
    """facts_missing text, implausible flag and the reasons (en, de) of one heap."""
    facts = assumed_facts(row.get("assumptions"), row.get("terrain_source"))
    if not facts:
        return "", False, "", ""
    en, de = [], []
    for k, (value, what) in facts.items():
        w_en, w_de, unit = _FACT_WORDS[k]
        en.append(f"{w_en} assumed ({fmt_value(value)} {unit}: {what})")
        what_de = _DEFAULT_DE.get(what.lower(), "Vorgabewert")
        de.append(f"{w_de} angenommen ({_de(value)} {unit}: {what_de})")
    text_en = "facts missing: " + ", ".join(en) + "; ranked in the group 'facts missing'"
    text_de = "Fakten fehlen: " + ", ".join(de) + "; eingeordnet in der Gruppe 'Fakten fehlen'"
    flag = _implausible(row, facts["area_ha"][0], lim) if "area_ha" in facts else None
    if flag is not None:
        text_en, text_de = f"{text_en}; {flag[0]}", f"{text_de}; {flag[1]}"
    return ", ".join(facts), flag is not None, text_en, text_de


def facts_missing_frame(results: pd.DataFrame, limits: ConeLimits | None = None) -> pd.DataFrame:
    """Per heap: which registry facts were assumed, whether the area is implausible, the reasons.

    Parameters
    ----------
    results : results table (``assumptions``, ``terrain_source``, ``form``, ``height_rel_m`` [m]
        used where present).
    limits : cone flank-slope and plateau ranges (default: ``[terrain]`` defaults).

    Returns
    -------
    DataFrame indexed like ``results``: ``facts_missing`` (assumed facts, comma-separated, "" if
    none), ``area_implausible`` (bool), ``reasons`` and ``reasons_de`` (texts to append, "").
    """
    lim = limits or ConeLimits.from_terrain(None)
    rows = [_row_facts(r, lim) for r in results.to_dict("records")]
    cols = ["facts_missing", "area_implausible", "reasons", "reasons_de"]
    out = pd.DataFrame(rows, columns=cols, index=results.index)
    out["area_implausible"] = out["area_implausible"].astype(bool)
    return out
