"""What a figure rests on: forest layer per heap (the PV basis) and registry facts assumed.

Two honesty checks of issue 11, shared by the ranking, the totals, the provenance lines, the CLI
summary, the exports and the report:

- **PV basis.** Without a forest layer the PV area is the whole footprint minus slopes and
  reserved areas: a technical upper bound, because most Ruhr heaps are reforested
  (:data:`PV_UPPER_BOUND`). The results column ``layers_used`` (terrain stage) names the
  constraint-layer kinds applied to each heap; absent means no layers.
- **Facts missing.** The parametric terrain replaces a missing registry area or height by the
  fact table's median and says so in the ``assumptions`` column (``area_ha=38 (default: ...``).
  Such heaps are ranked in a group of their own (:data:`FACT_COLUMNS`); a cone whose assumed area
  is far larger than a cone of its height can cover is flagged (:func:`cone_area_ha`).

Only the standard library is imported (the provenance module uses this without pandas).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Results column (terrain stage) naming the constraint-layer kinds applied to each heap.
LAYERS_USED_COLUMN = "layers_used"
_KIND_SPLIT = re.compile(r"[,;|+\s]+")

#: The PV upper-bound label (issue 11): English, German.
PV_UPPER_BOUND = (
    "technical upper bound, forest and land use not considered",
    "technische Obergrenze, Wald und Flächennutzung nicht berücksichtigt",
)

#: Registry facts whose default makes a heap "facts missing" (the ranking's second group).
FACT_COLUMNS: tuple[str, ...] = ("area_ha", "height_rel_m")
_FACT_ITEM = re.compile(
    r"^\s*(area_ha|height_rel_m)\s*=\s*([-+0-9.eE]+)\s*\(default:?\s*([^)]*)\)", re.IGNORECASE
)


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else " ".join(str(v).split())


def layer_kinds_of(value: object) -> frozenset[str]:
    """The layer kinds one ``layers_used`` cell names (``"forest,residential"``, ``"forest:osm"``).

    Parameters
    ----------
    value : the cell (text; None/NaN/"" = no layers).

    Returns
    -------
    frozenset of lower-case kinds (the part of each item before ``:`` or ``=``).
    """
    items = _KIND_SPLIT.split(_text(value).lower())
    return frozenset(k for k in (re.split("[:=]", i, maxsplit=1)[0].strip() for i in items) if k)


def forest_considered(results: pd.DataFrame | None) -> list[bool]:
    """Per heap, whether a forest layer was applied (results column ``layers_used``).

    Parameters
    ----------
    results : results or ranking table (None: no heaps).

    Returns
    -------
    list of bool, one per row; all False when the column is absent (no layers).
    """
    if results is None:
        return []
    if LAYERS_USED_COLUMN not in results.columns:
        return [False] * len(results)
    return ["forest" in layer_kinds_of(v) for v in results[LAYERS_USED_COLUMN].tolist()]


def pv_basis_text(n_forest: int, n_heaps: int, lang: str = "en") -> str:
    """The label of a PV figure by how many of its heaps had a forest layer.

    Parameters
    ----------
    n_forest : heaps of the figure with a forest layer [-].
    n_heaps : heaps of the figure [-].
    lang : ``"de"`` or ``"en"``.

    Returns
    -------
    str: "" when every heap had a forest layer (or there are no heaps); the upper-bound label
    when none had; else the label naming on how many heaps forest was considered.
    """
    de = lang == "de"
    if n_heaps <= 0 or n_forest >= n_heaps:
        return ""
    label = PV_UPPER_BOUND[1 if de else 0]
    if n_forest <= 0:
        return label
    rest = n_heaps - n_forest
    if de:
        return f"Waldebene nur auf {n_forest} von {n_heaps} Halden; PV der übrigen {rest}: {label}"
    return f"forest layer on {n_forest} of {n_heaps} heaps only; PV of the other {rest}: {label}"


def assumed_facts(assumptions: object, terrain_source: object = None) -> dict[str, tuple]:
    """The registry facts (:data:`FACT_COLUMNS`) the parametric terrain assumed for one heap.

    Parameters
    ----------
    assumptions : the heap's ``assumptions`` cell (``"; "``-separated items such as
        ``area_ha=38 (default: median area of the fact table)``).
    terrain_source : the heap's ``terrain_source``; a DEM-measured heap (``"dem..."``) has
        measured area and height, so nothing is missing.

    Returns
    -------
    dict fact -> (assumed value [ha or m], what the default is), in :data:`FACT_COLUMNS` order.
    """
    if _text(terrain_source).lower().startswith("dem"):
        return {}
    found = {}
    for item in _text(assumptions).split(";"):
        hit = _FACT_ITEM.match(item)
        if hit is not None:
            try:
                value = float(hit.group(2))
            except ValueError:
                value = math.nan
            found[hit.group(1).lower()] = (value, hit.group(3).strip())
    return {k: found[k] for k in FACT_COLUMNS if k in found}


def cone_area_ha(height_m: float, slope_deg: float, plateau_share: float = 0.0) -> float:
    """Footprint of a (truncated) cone of a height and flank slope [ha].

    A cone of height H with flank slope s has base radius R = H / tan(s) and area pi R^2; with a
    summit plateau that is the share p of the footprint, the flank spans R (1 - sqrt(p)), so
    R = H / (tan(s) (1 - sqrt(p))).

    Parameters
    ----------
    height_m : height above the surroundings [m].
    slope_deg : flank slope [deg], 0 < s < 90.
    plateau_share : plateau share of the footprint [-], 0 <= p < 1.

    Returns
    -------
    float, area [ha] (NaN for invalid input).
    """
    if not (height_m > 0 and 0 < slope_deg < 90 and 0 <= plateau_share < 1):
        return math.nan
    radius = height_m / (math.tan(math.radians(slope_deg)) * (1.0 - math.sqrt(plateau_share)))
    return math.pi * radius**2 / 10_000.0
