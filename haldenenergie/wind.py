"""Wind stage: turbines that fit on each heap and their annual energy, with windpowerlib.

The chain per heap (all heaps at once, vectorised over time x turbines):

1. **Siting** (:func:`site_layout`): tower positions on a lattice with ``spacing_along`` rotor
   diameters along the main wind direction (south-west in the Ruhr) and ``spacing_across`` across it,
   fitted into an ellipse (default) or rectangle of the terrain's turbine site area. Zero turbines
   when the site is smaller than a foundation needs.
2. **Hub wind**: from the measured wind speed (height closest to the hub, as windpowerlib's
   ``ModelChain`` does) up to the hub's height above the *surrounding* terrain (hub height + heap's
   relative height, the "lifted" profile) with windpowerlib's logarithmic profile. The hill
   speed-up after Taylor & Lee (1984) (:func:`hill_speedup`) is defined against the upstream
   profile at the same height above the *local* ground, ``u0(z) (1 + dS(z))``; lifted profile and
   speed-up are two estimates of the same hill effect, so the larger one is used, never their
   product (which would count the heap twice). With ``height_reference="local"`` only the
   Taylor & Lee estimate remains. Then optionally a scaling to a wind-atlas mean.
3. **Air density** at hub height with windpowerlib's ``linear_gradient`` temperature and
   ``barometric`` density models.
4. **Wakes**: a direction-aware Jensen (1983) / Katić et al. (1986) top-hat model between the
   turbines of one heap (:func:`jensen_wake_factors`), or windpowerlib's dena wind-efficiency curve.
5. **Power** from the turbine's power curve with windpowerlib's density correction
   (:func:`power_curve_density_corrected`, a vectorised equivalent of
   ``windpowerlib.power_output.power_curve_density_correction``, tested against it), times
   availability and electrical efficiency.

Existing turbines from the registry are modelled as built (type, hub height, count) and reported
apart; where their model is not in windpowerlib's library a stated substitute
(``data/turbine_substitutes.csv``) or the configured stand-in type is used and flagged.

The single-turbine path (:func:`turbine_energy`) is tested against a plain windpowerlib
``ModelChain`` (within 0.5 %).

References
----------
Taylor, P. A. and Lee, R. J. (1984): Simple guidelines for estimating wind speed variations due to
small-scale topographic features. Climatological Bulletin 18(2), 3-32.
Jensen, N. O. (1983): A note on wind generator interaction. Risø-M-2411.
Katić, I., Højstrup, J., Jensen, N. O. (1986): A simple model for cluster efficiency. EWEC 1986.
Svenningsen, L. (2010): Power curve air density correction and other power curve options in WindPRO.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import functools
import io
import logging
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .config import param
from .errors import TurbineError, WeatherError

log = logging.getLogger("haldenenergie.wind")

#: Standard air density of power curves [kg m-3] (IEC 61400-12-1; windpowerlib's ``power_output``).
RHO_0_KG_M3 = 1.225
#: Allowed model names (checked on config load).
WAKE_MODELS = ("jensen", "dena_mean", "none")
ROUGHNESS_SOURCES = ("config", "weather", "blending")
HEIGHT_REFERENCES = ("surroundings", "local")
SITE_SHAPES = ("ellipse", "rectangle")
#: Columns of :attr:`WindResult.per_heap` (CONTRACTS.md, plus diagnostic extras at the end).
PER_HEAP_COLUMNS = (
    "wind_turbines_new",
    "wind_turbine_type",
    "wind_hub_height_m",
    "wind_capacity_mw",
    "wind_energy_mwh_per_a",
    "wind_full_load_hours_h",
    "wind_capacity_factor",
    "wind_mean_speed_hub_m_s",
    "existing_wind_turbines",
    "existing_wind_energy_mwh_per_a",
    "wind_notes",
    # extras
    "wind_rotor_diameter_m",
    "wind_hub_height_above_surroundings_m",
    "wind_speedup_fraction",
    "wind_wake_loss_fraction",
    "wind_atlas_factor",
    "existing_wind_turbine_type",
    "existing_wind_capacity_mw",
    "existing_wind_full_load_hours_h",
)
LIST_TURBINES_HINT = (
    'list the types with: python -c "import windpowerlib; '
    'print(windpowerlib.data.get_turbine_types(print_out=False).to_string())"'
)


# --------------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WindConfig:
    """Parameters of the wind stage (each with unit, source and range; see ``config show``)."""

    turbine_type: str = param(
        "E-141/4200",
        source="windpowerlib 0.2.2 oedb library; Enercon E-141 EP4 (4.2 MW, 141 m rotor, "
        "~269 W m-2): a current low-wind inland class like the E-138 EP3 on Halde Mottbruch",
        doc="windpowerlib turbine type for NEW turbines (ignored when power_curve_csv is set)",
    )
    hub_height_m: float = param(
        135.0,
        unit="m",
        min=30.0,
        max=250.0,
        source="oedb hub heights of E-141/4200 (99/129/135/159 m); 135 m is also the reference "
        "height of the NRW wind atlas fields (LANUV)",
        doc="hub height of new turbines above the ground they stand on (the heap top)",
    )
    power_curve_csv: str = param(
        "",
        unit="path",
        source="user input; format as haldenenergie/data/power_curve_example.csv",
        doc="user power curve for new turbines (wind_speed_m_s, power_kw; '# source:' and "
        "'# rotor_diameter_m:' header lines required); empty = use turbine_type",
    )
    main_wind_direction_deg: float = param(
        225.0,
        unit="deg",
        min=0.0,
        max=360.0,
        source="DOMAIN.md: main wind direction south-west in the Ruhr (DWD wind roses, e.g. Essen)",
        doc="direction the prevailing wind comes FROM (clockwise from north); orients the layout",
    )
    spacing_along_rotor_diameters: float = param(
        5.0,
        unit="D",
        min=2.0,
        max=15.0,
        source="DOMAIN.md: 5-8 rotor diameters along the main wind direction (lower end: sites "
        "are small)",
        doc="turbine spacing along the main wind direction",
    )
    spacing_across_rotor_diameters: float = param(
        3.0,
        unit="D",
        min=1.5,
        max=10.0,
        source="DOMAIN.md: 3-4 rotor diameters across the main wind direction",
        doc="turbine spacing across the main wind direction",
    )
    site_shape: str = param(
        "ellipse",
        choices=SITE_SHAPES,
        source="assumption: heap plateaus and summits are rounded; a circle of the site area "
        "unless the terrain gives plateau length/width",
        doc="shape the turbine site is approximated by",
    )
    min_site_area_ha: float = param(
        0.12,
        unit="ha",
        min=0.0,
        max=10.0,
        source="consistent with terrain.turbine_site_diameter_m = 40 m: a level 40 m disc "
        "(foundation ~25 m plus crane pad) covers pi*20^2 m2 = 0.126 ha",
        doc="smallest turbine site (plateau/summit) that can host one foundation",
    )
    subtract_existing: bool = param(
        True,
        source="assumption: existing turbines occupy the site; new potential is additional",
        doc="subtract the heap's existing turbines from the count of new ones",
    )
    roughness_length_m: float = param(
        0.3,
        unit="m",
        min=1e-4,
        max=3.0,
        source="DOMAIN.md: 0.3-0.5 m suburban/mixed land use (Ruhr region); Wieringa (1992) "
        "roughness classes",
        doc="regional roughness length z0 for the logarithmic profile",
    )
    roughness_source: str = param(
        "config",
        choices=ROUGHNESS_SOURCES,
        source="assumption: DWD TRY winds are gridded to the local 1 km cell (urban/suburban in the "
        "Ruhr), so the regional z0 describes them; see readme_wind.md",
        doc="z0 for the profile: 'config' (regional roughness_length_m), 'weather' (the station's "
        "own z0 from the weather file, else regional), 'blending' (station z0 up to "
        "blending_height_m, regional above)",
    )
    blending_height_m: float = param(
        60.0,
        unit="m",
        min=10.0,
        max=200.0,
        source="Wieringa (1986), Q. J. R. Meteorol. Soc. 112: blending height of order 50-100 m "
        "over heterogeneous terrain",
        doc="blending height for roughness_source='blending'",
    )
    height_reference: str = param(
        "surroundings",
        choices=HEIGHT_REFERENCES,
        source="issue 4: hub height above the surrounding terrain = hub height + relative height",
        doc="'surroundings': hub wind = max(profile at hub + heap height, profile at hub height x "
        "(1 + dS)); 'local': profile at hub height x (1 + dS) (Taylor & Lee's own definition)",
    )
    speedup: bool = param(
        True,
        source="Taylor & Lee (1984), Climatological Bulletin 18(2)",
        doc="apply the hill speed-up dS = B*H/L*exp(-A*z/L)",
    )
    speedup_b: float = param(
        1.6,
        min=0.0,
        max=3.0,
        source="Taylor & Lee (1984): B = 1.6 for 3-D hills (2.0 for 2-D ridges)",
        doc="maximum fractional speed-up coefficient B",
    )
    speedup_a: float = param(
        4.0,
        min=0.5,
        max=10.0,
        source="Taylor & Lee (1984): A = 4 for 3-D hills (3 for 2-D ridges)",
        doc="decay coefficient A of the speed-up with height",
    )
    speedup_max: float = param(
        0.3,
        min=0.0,
        max=1.0,
        source="assumption: Taylor & Lee is valid for gentle slopes (H/L < ~0.5); spoil heaps are "
        "steeper, so the fractional speed-up is capped",
        doc="cap of the fractional speed-up dS",
    )
    atlas_mean_wind_speed_m_s: float = param(
        0.0,
        unit="m s-1",
        min=0.0,
        max=15.0,
        source="DOMAIN.md: NRW wind atlas (Global Wind Atlas / LANUV) 6.0-6.5 m s-1 at 135 m; "
        "0 = off (default: the extrapolated TRY2015 Essen gives 5.7 m s-1 there, within "
        "10 % of the atlas band)",
        doc="scale the series so its mean at atlas_reference_height_m over flat ground equals this",
    )
    atlas_reference_height_m: float = param(
        135.0,
        unit="m",
        min=10.0,
        max=250.0,
        source="LANUV NRW wind atlas reference height",
        doc="height of the atlas mean wind speed",
    )
    density_correction: bool = param(
        True,
        source="windpowerlib power_curve_density_correction (Svenningsen 2010)",
        doc="correct the power curve for air density at hub height",
    )
    wake_model: str = param(
        "jensen",
        choices=WAKE_MODELS,
        source="Jensen (1983) Risø-M-2411 with Katić et al. (1986) sum of squares, direction-aware "
        "from the weather's wind_direction; 'dena_mean': windpowerlib/dena-Netzstudie II "
        "wind efficiency curve (for large farms)",
        doc="wake model between turbines of a heap",
    )
    wake_decay_constant: float = param(
        0.075,
        min=0.01,
        max=0.2,
        source="WAsP default onshore wake decay constant k = 0.075 (Barthelmie et al. 2006)",
        doc="Jensen wake expansion k",
    )
    thrust_coefficient: float = param(
        0.8,
        min=0.1,
        max=0.95,
        source="assumption: Ct ~0.75-0.8 below rated speed for modern pitch-regulated turbines "
        "(NREL 5-MW reference turbine, Jonkman et al. 2009); falls as (v_rated/v)^3 above",
        doc="thrust coefficient below rated wind speed for the Jensen model",
    )
    availability: float = param(
        0.97,
        min=0.5,
        max=1.0,
        source="assumption: technical availability of onshore turbines in Germany ~97-98 % "
        "(Fraunhofer IWES Windenergie Report Deutschland)",
        doc="time-based availability factor",
    )
    electrical_loss: float = param(
        0.02,
        min=0.0,
        max=0.2,
        source="assumption: internal cabling and transformer losses 1.5-3 % (typical yield "
        "assessment practice, FGW TR6)",
        doc="electrical losses to the grid connection",
    )
    existing_unknown_type: str = param(
        "E-82/2300",
        source="assumption: E-82 class (2-2.3 MW) was the most frequently installed type in "
        "Germany in the 2000s-2010s; '' = report existing turbines of unknown model as not "
        "assessed",
        doc="stand-in type for existing turbines whose model is not stated",
    )
    existing_unknown_hub_height_m: float = param(
        98.0,
        unit="m",
        min=30.0,
        max=250.0,
        source="oedb: standard E-82 towers 78-138 m",
        doc="stand-in hub height for existing turbines without a stated hub height",
    )

    def check(self, origin: str = "config") -> None:
        """Cross-field checks: the turbine types exist, the user curve is readable."""
        if self.power_curve_csv:
            read_power_curve(self.power_curve_csv, self.hub_height_m)
        else:
            load_turbine(
                self.turbine_type, self.hub_height_m, origin=f"{origin}: [wind] turbine_type"
            )
        if self.existing_unknown_type:
            load_turbine(
                self.existing_unknown_type,
                self.existing_unknown_hub_height_m,
                origin=f"{origin}: [wind] existing_unknown_type",
            )


# --------------------------------------------------------------------------------------------------
# turbines
# --------------------------------------------------------------------------------------------------
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


@functools.lru_cache(maxsize=1)
def turbine_types() -> tuple[str, ...]:
    """windpowerlib (oedb) turbine types that have a power curve."""
    from windpowerlib import data

    t = data.get_turbine_types(print_out=False)
    return tuple(sorted(t.loc[t["has_power_curve"].astype(bool), "turbine_type"].astype(str)))


@functools.lru_cache(maxsize=64)
def _oedb_turbine(turbine_type: str) -> tuple[float, float, tuple, tuple]:
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

    Raises
    ------
    TurbineError
        Unknown type or type without a power curve; the message lists close matches.
    """
    types = turbine_types()
    if turbine_type not in types:
        close = difflib.get_close_matches(turbine_type, types, n=4, cutoff=0.4)
        hint = f"; close matches: {', '.join(close)}" if close else ""
        raise TurbineError(
            f"{origin}: unknown turbine type {turbine_type!r} (not in windpowerlib's library with a "
            f"power curve){hint}; {LIST_TURBINES_HINT}, or give a power_curve_csv"
        )
    p_kw, d_m, ws, pw = _oedb_turbine(turbine_type)
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
        source=f"windpowerlib oedb ({turbine_type})",
        flag=flag,
    )


def read_power_curve(path: str | Path, hub_height_m: float) -> TurbineSpec:
    """Read a user power curve CSV.

    The file has ``# key: value`` header lines (``source`` and ``rotor_diameter_m`` required;
    ``name`` and ``nominal_power_kw`` optional) and the columns ``wind_speed_m_s, power_kw``
    (an optional per-row ``source`` column is allowed). See ``haldenenergie/data/power_curve_example.csv``.

    Parameters
    ----------
    path : CSV file.
    hub_height_m : hub height [m].

    Raises
    ------
    TurbineError
        Unreadable file, missing header or column, non-increasing wind speeds, negative power.
    """
    p = Path(path)
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
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
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
    if d_m <= 0:
        raise TurbineError(f"{p}: rotor_diameter_m must be > 0 (metres)")
    p_nom = float(meta.get("nominal_power_kw") or pw_a.max())
    return TurbineSpec(
        name=meta.get("name", p.stem),
        nominal_power_kw=p_nom,
        rotor_diameter_m=d_m,
        hub_height_m=float(hub_height_m),
        curve_wind_speed_m_s=tuple(ws_a),
        curve_power_kw=tuple(pw_a),
        source=f"user curve {p.name}: {src}",
    )


def new_turbine(cfg: WindConfig) -> TurbineSpec:
    """The turbine type for new potential (user curve if given, else ``cfg.turbine_type``)."""
    if cfg.power_curve_csv:
        return read_power_curve(cfg.power_curve_csv, cfg.hub_height_m)
    return load_turbine(cfg.turbine_type, cfg.hub_height_m, origin="[wind] turbine_type")


@functools.lru_cache(maxsize=1)
def read_substitutes() -> pd.DataFrame:
    """The packaged substitutes table ``data/turbine_substitutes.csv`` (with sources)."""
    ref = resources.files("haldenenergie") / "data" / "turbine_substitutes.csv"
    with ref.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype={"match_regex": str, "substitute_type": str})


def existing_turbine(existing: Any, cfg: WindConfig) -> tuple[TurbineSpec | None, str]:
    """Turbine that models a heap's existing turbines as built.

    Order: the registry's windpowerlib type; a substitute from ``data/turbine_substitutes.csv``
    matched on the stated model; the configured stand-in ``existing_unknown_type``.

    Parameters
    ----------
    existing : ``heaps.ExistingWind`` (count, model, windpowerlib_type, rated_kw, hub_height_m, ...).
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
    hub = _num(getattr(existing, "hub_height_m", None))
    if wtype and wtype in turbine_types():
        h = hub if np.isfinite(hub) else cfg.existing_unknown_hub_height_m
        note = "" if np.isfinite(hub) else f"existing hub height assumed {h:g} m"
        return load_turbine(wtype, h), note
    for row in read_substitutes().itertuples(index=False):
        if model and re.search(str(row.match_regex), model, flags=re.IGNORECASE):
            h = hub if np.isfinite(hub) else float(row.hub_height_m)
            cap = _num(row.rated_kw_cap)
            flag = (
                f"existing '{model}' modelled by substitute {row.substitute_type}"
                + (f" capped at {cap:g} kW" if np.isfinite(cap) else "")
                + ("" if np.isfinite(hub) else f", hub {h:g} m assumed")
                + f" ({row.reason})"
            )
            spec = load_turbine(
                str(row.substitute_type),
                h,
                rated_kw_cap=cap if np.isfinite(cap) else None,
                flag=flag,
            )
            return spec, flag
    if cfg.existing_unknown_type:
        h = hub if np.isfinite(hub) else cfg.existing_unknown_hub_height_m
        flag = (
            f"existing model '{model or 'unknown'}' not in windpowerlib: assumed "
            f"{cfg.existing_unknown_type} at {h:g} m hub height"
        )
        return load_turbine(cfg.existing_unknown_type, h, flag=flag), flag
    return None, f"existing model '{model or 'unknown'}' not assessed (no windpowerlib type)"


# --------------------------------------------------------------------------------------------------
# pure physics functions
# --------------------------------------------------------------------------------------------------
def hill_speedup(
    height_rel_m,
    half_height_distance_m,
    z_m,
    *,
    b: float = 1.6,
    a: float = 4.0,
    max_speedup: float = 0.3,
):
    """Fractional speed-up over a hill after Taylor & Lee (1984).

    ``dS = B * H / L * exp(-A * z / L)``, capped at ``max_speedup``; zero where H or L is unknown,
    negative or zero.

    Parameters
    ----------
    height_rel_m : hill height H [m].
    half_height_distance_m : horizontal distance L from the summit to where the elevation is H/2 [m].
    z_m : height above the local surface at the summit (the hub height) [m].
    b, a : Taylor & Lee coefficients (3-D hills: 1.6, 4; 2-D ridges: 2.0, 3).
    max_speedup : cap [-].

    Returns
    -------
    numpy.ndarray : dS [-] (broadcast of the inputs).
    """
    h = np.asarray(height_rel_m, dtype=float)
    L = np.asarray(half_height_distance_m, dtype=float)
    z = np.asarray(z_m, dtype=float)
    ok = np.isfinite(h) & np.isfinite(L) & (L > 0) & (h > 0)
    Ls = np.where(ok, L, 1.0)
    ds = np.where(ok, b * np.where(ok, h, 0.0) / Ls * np.exp(-a * z / Ls), 0.0)
    return np.clip(ds, 0.0, max_speedup)


def power_curve_density_corrected(wind_speed, density, curve_wind_speed, curve_power):
    """Power from a density-corrected power curve, vectorised over any array shape.

    Same model as ``windpowerlib.power_output.power_curve_density_correction`` (Svenningsen 2010):
    the curve's wind speeds are scaled by ``(1.225 / rho) ** p(v)`` with ``p = 1/3`` up to
    7.5 m s-1, ``2/3`` from 12.5 m s-1 and linear between; zero outside the curve (below cut-in,
    above cut-out). windpowerlib loops over time steps; this loops over the curve's segments.

    Parameters
    ----------
    wind_speed : wind speed at hub height [m s-1], any shape.
    density : air density at hub height [kg m-3], broadcastable to ``wind_speed``, or None for no
        correction.
    curve_wind_speed, curve_power : power curve at 1.225 kg m-3 (speeds increasing) [m s-1], [any].

    Returns
    -------
    numpy.ndarray : power, in the unit of ``curve_power``.
    """
    v = np.asarray(wind_speed, dtype=float)
    cw = np.asarray(curve_wind_speed, dtype=float)
    cp = np.asarray(curve_power, dtype=float)
    if density is None:
        return np.interp(v, cw, cp, left=0.0, right=0.0)
    # Interior nodes of runs of equal power change nothing (linear interpolation between equal
    # values): drop them to save passes.
    keep = np.ones(len(cp), bool)
    keep[1:-1] = ~((cp[1:-1] == cp[:-2]) & (cp[1:-1] == cp[2:]))
    cw, cp = cw[keep], cp[keep]
    ln_c = np.broadcast_to(np.log(RHO_0_KG_M3 / np.asarray(density, dtype=float)), v.shape)
    expo = np.interp(cw, [7.5, 12.5], [1 / 3, 2 / 3])
    cache: dict[float, np.ndarray] = {}

    def node(j: int) -> np.ndarray:
        e = float(expo[j])
        if e not in cache:
            cache[e] = np.exp(e * ln_c)
        return cw[j] * cache[e]

    out = np.zeros(v.shape)
    s0 = node(0)
    for j in range(len(cw) - 1):
        s1 = node(j + 1)
        inside = (v >= s0) & (v <= s1)
        if cp[j] == cp[j + 1]:
            out[inside] = cp[j]
        else:
            a, b, x = s0[inside], s1[inside], v[inside]
            out[inside] = cp[j] + (cp[j + 1] - cp[j]) * (x - a) / (b - a)
        s0 = s1
    return out


def thrust_coefficient(wind_speed, rated_wind_speed_m_s: float, ct_below_rated: float = 0.8):
    """Thrust coefficient: constant below rated speed, ``Ct0 (v_r / v)**3`` above [-].

    Parameters
    ----------
    wind_speed : free-stream hub wind speed [m s-1].
    rated_wind_speed_m_s : rated wind speed [m s-1].
    ct_below_rated : Ct below rated speed [-].
    """
    v = np.asarray(wind_speed, dtype=float)
    with np.errstate(divide="ignore"):
        ratio = np.where(v > rated_wind_speed_m_s, rated_wind_speed_m_s / np.maximum(v, 1e-9), 1.0)
    return ct_below_rated * ratio**3


def _overlap_fraction(r_lat, wake_radius, rotor_radius):
    """Fraction of a rotor disc (radius r) inside a wake disc (radius R >= r) at lateral offset d."""
    d = np.asarray(r_lat, float)
    R = np.asarray(wake_radius, float)
    r = float(rotor_radius)
    full = d <= R - r
    none = d >= R + r
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.maximum(d, 1e-9)
        a1 = np.clip((dd**2 + r**2 - R**2) / (2 * dd * r), -1, 1)
        a2 = np.clip((dd**2 + R**2 - r**2) / (2 * dd * R), -1, 1)
        k = np.clip((-dd + r + R) * (dd + r - R) * (dd - r + R) * (dd + r + R), 0, None)
        area = r**2 * np.arccos(a1) + R**2 * np.arccos(a2) - 0.5 * np.sqrt(k)
    frac = area / (np.pi * r**2)
    return np.where(full, 1.0, np.where(none, 0.0, np.clip(frac, 0.0, 1.0)))


def jensen_wake_factors(
    positions_m,
    rotor_diameter_m: float,
    wind_direction_deg,
    thrust_coef,
    wake_decay_constant: float = 0.075,
):
    """Wind speed factors (1 - deficit) of turbines in each other's wakes (Jensen / Katić).

    Top-hat Jensen (1983) deficit ``(1 - sqrt(1 - Ct)) * (r0 / (r0 + k x))**2`` weighted by the
    rotor's overlap with the wake disc, combined by the root sum of squares (Katić et al. 1986);
    Ct is evaluated at the free-stream speed (no cascading).

    Parameters
    ----------
    positions_m : (n, 2) tower positions, east and north [m].
    rotor_diameter_m : rotor diameter [m].
    wind_direction_deg : (T,) direction the wind comes from, clockwise from north [deg].
    thrust_coef : (T,) thrust coefficient [-].
    wake_decay_constant : Jensen's k [-].

    Returns
    -------
    numpy.ndarray : (T, n) factors in (0, 1].
    """
    pos = np.asarray(positions_m, float).reshape(-1, 2)
    n = len(pos)
    th = np.deg2rad(np.asarray(wind_direction_deg, float))
    T = th.shape[0]
    if n < 2:
        return np.ones((T, n))
    # flow (towards) unit vector for wind FROM theta: -(sin, cos)
    fx, fy = -np.sin(th)[:, None, None], -np.cos(th)[:, None, None]
    dx = pos[None, None, :, 0] - pos[None, :, None, 0]  # [., i(up), j(down)]
    dy = pos[None, None, :, 1] - pos[None, :, None, 1]
    x = dx * fx + dy * fy  # downstream distance of j behind i
    lat = np.abs(dx * fy - dy * fx)  # lateral offset
    r0 = rotor_diameter_m / 2.0
    k = wake_decay_constant
    xpos = np.where(x > 0, x, 0.0)
    frac = _overlap_fraction(lat, r0 + k * xpos, r0)
    ct = np.clip(np.asarray(thrust_coef, float), 0.0, 0.999)[:, None, None]
    deficit = (1 - np.sqrt(1 - ct)) * (r0 / (r0 + k * xpos)) ** 2 * frac
    deficit = np.where(x > 1e-6, deficit, 0.0)
    total = np.sqrt((deficit**2).sum(axis=1))  # over upstream i
    return np.clip(1.0 - total, 0.0, 1.0)


def site_layout(
    length_m: float,
    width_m: float,
    spacing_along_m: float,
    spacing_across_m: float,
    *,
    shape: str = "ellipse",
    site_orientation_deg: float = 0.0,
    main_wind_direction_deg: float = 225.0,
    n_offsets: int = 16,
) -> np.ndarray:
    """Tower positions on a lattice (rows across the main wind direction) that fit in a site.

    The lattice has ``spacing_along_m`` between rows along the main wind direction and
    ``spacing_across_m`` within a row. Its offset is searched (``n_offsets`` per axis) for the most
    towers inside the site; among equal counts the offset closest to the centre wins. Towers on
    the boundary count as inside (rotors may overhang the site).

    Parameters
    ----------
    length_m, width_m : site extent along its long axis and across it [m] (ellipse axes or
        rectangle sides).
    spacing_along_m, spacing_across_m : spacing [m].
    shape : "ellipse" or "rectangle".
    site_orientation_deg : azimuth of the site's long axis, clockwise from north [deg].
    main_wind_direction_deg : direction the main wind comes from [deg].
    n_offsets : lattice offsets tried per axis.

    Returns
    -------
    numpy.ndarray : (n, 2) positions east, north relative to the site centre [m]; n may be 0.
    """
    if shape not in SITE_SHAPES:
        raise ValueError(f"shape {shape!r} not in {SITE_SHAPES}")
    if not (length_m > 0 and width_m > 0):
        return np.zeros((0, 2))
    phi = math.radians(main_wind_direction_deg)
    ua = np.array([math.sin(phi), math.cos(phi)])  # along the main wind
    uc = np.array([math.cos(phi), -math.sin(phi)])  # across
    psi = math.radians(site_orientation_deg)
    us = np.array([math.sin(psi), math.cos(psi)])  # site long axis
    ut = np.array([math.cos(psi), -math.sin(psi)])
    # diameter of the site (largest distance inside it): below the smaller spacing one tower fits
    diam = max(length_m, width_m) if shape == "ellipse" else math.hypot(length_m, width_m)
    if diam < min(spacing_along_m, spacing_across_m):
        return np.zeros((1, 2))
    half = 0.5 * diam
    ni = int(half // spacing_along_m) + 2
    nj = int(half // spacing_across_m) + 2
    ii, jj = np.meshgrid(np.arange(-ni, ni + 1), np.arange(-nj, nj + 1), indexing="ij")
    fa, fc = np.meshgrid(
        np.arange(n_offsets) / n_offsets, np.arange(n_offsets) / n_offsets, indexing="ij"
    )
    # (offsets, lattice points) along/across coordinates, then east/north and site coordinates
    pa = (ii.ravel()[None, :] + fa.ravel()[:, None]) * spacing_along_m
    pc = (jj.ravel()[None, :] + fc.ravel()[:, None]) * spacing_across_m
    east = pa * ua[0] + pc * uc[0]
    north = pa * ua[1] + pc * uc[1]
    s = east * us[0] + north * us[1]
    t = east * ut[0] + north * ut[1]
    if shape == "ellipse":
        inside = (s / (length_m / 2)) ** 2 + (t / (width_m / 2)) ** 2 <= 1 + 1e-9
    else:
        eps = 1e-9 * max(length_m, width_m)
        inside = (np.abs(s) <= length_m / 2 + eps) & (np.abs(t) <= width_m / 2 + eps)
    cnt = inside.sum(axis=1)
    with np.errstate(invalid="ignore"):
        ce = np.where(cnt > 0, (east * inside).sum(axis=1) / np.maximum(cnt, 1), np.inf)
        cn = np.where(cnt > 0, (north * inside).sum(axis=1) / np.maximum(cnt, 1), np.inf)
    off = np.hypot(ce, cn)
    best = np.lexsort((np.round(off, 6), -cnt))[0]  # most towers, then most central
    if cnt[best] == 0:
        return np.zeros((0, 2))
    m = inside[best]
    return np.column_stack([east[best, m], north[best, m]])


# --------------------------------------------------------------------------------------------------
# weather
# --------------------------------------------------------------------------------------------------
@dataclass
class _Wx:
    index: pd.DatetimeIndex
    wind: dict  # height [m] -> ndarray (T,)
    temperature: dict  # height -> K
    pressure: dict  # height -> Pa
    roughness: np.ndarray | None  # (T,) station z0 [m] or None
    direction: np.ndarray | None  # (T,) deg or None
    dt_h: float


def _wind_inputs(data: pd.DataFrame, meta: Any) -> _Wx:
    """Windpowerlib-layout inputs from the canonical frame (via ``weather.to_windpowerlib``) or
    from a frame that already has windpowerlib's (variable_name, height) columns."""
    if not isinstance(data.index, pd.DatetimeIndex) or data.index.tz is None:
        raise WeatherError(
            "weather data: the index must be a tz-aware DatetimeIndex (UTC); a naive "
            "time index is not guessed"
        )
    if isinstance(data.columns, pd.MultiIndex):
        wpl = data
    else:
        from . import weather

        wpl = weather.to_windpowerlib(data, meta)
    names = set(wpl.columns.get_level_values(0))
    need = {"wind_speed", "temperature", "pressure"}
    if not need <= names:
        raise WeatherError(
            f"weather data for wind: needs {', '.join(sorted(need))} (found "
            f"{', '.join(sorted(names))}); check the weather file's columns"
        )

    def by_height(var):
        sub = wpl[var]
        return {float(h): sub[h].to_numpy(dtype=float) for h in sub.columns}

    rough = None
    if "roughness_length" in names:
        rough = wpl["roughness_length"].iloc[:, 0].to_numpy(dtype=float)
    elif getattr(meta, "roughness_length_m", None):
        rough = np.full(len(wpl), float(meta.roughness_length_m))
    direction = None
    if not isinstance(data.columns, pd.MultiIndex) and "wind_direction" in data.columns:
        direction = data["wind_direction"].to_numpy(dtype=float)
    elif "wind_direction" in names:
        direction = wpl["wind_direction"].iloc[:, 0].to_numpy(dtype=float)
    idx = wpl.index
    # resolution-agnostic (pandas 3 indexes may be in s, ms, us or ns)
    dt_h = float(pd.Series(idx).diff().median() / pd.Timedelta(hours=1)) if len(idx) > 1 else 1.0
    wind = by_height("wind_speed")
    for h, v in wind.items():
        if np.isnan(v).any():
            raise WeatherError(
                f"weather data: wind_speed at {h:g} m has gaps; fill them in the "
                "weather stage first"
            )
    return _Wx(
        index=idx,
        wind=wind,
        temperature=by_height("temperature"),
        pressure=by_height("pressure"),
        roughness=rough,
        direction=direction,
        dt_h=dt_h,
    )


def _closest(heights, target):
    """For each target height the closest available height (windpowerlib's rule)."""
    hs = np.array(sorted(heights))
    t = np.atleast_1d(np.asarray(target, float))
    return hs[np.abs(hs[None, :] - t[:, None]).argmin(axis=1)]


def _profile(wx: _Wx, z_m: np.ndarray, cfg: WindConfig) -> tuple[np.ndarray, str]:
    """Wind speed (T, M) at heights z_m (M,) above flat surroundings with the log profile."""
    from windpowerlib.wind_speed import logarithmic_profile

    z = np.asarray(z_m, float)
    src_h = _closest(wx.wind.keys(), z)
    z0_reg = cfg.roughness_length_m
    note = ""
    station = wx.roughness
    if cfg.roughness_source in ("weather", "blending") and station is None:
        note = f"no station roughness in the weather data: regional z0 {z0_reg:g} m used"
    out = np.empty((len(wx.index), len(z)))
    for h in np.unique(src_h):
        cols = np.flatnonzero(src_h == h)
        v = wx.wind[float(h)][:, None]
        zc = z[cols][None, :]
        if np.any(np.isclose(zc, h)) and np.all(np.isclose(zc, h)):
            out[:, cols] = np.broadcast_to(v, (len(v), len(cols)))
            continue
        if cfg.roughness_source == "weather" and station is not None:
            out[:, cols] = logarithmic_profile(v, h, zc, station[:, None])
        elif (
            cfg.roughness_source == "blending" and station is not None and h < cfg.blending_height_m
        ):
            hb = cfg.blending_height_m
            vb = logarithmic_profile(v, h, hb, station[:, None])
            out[:, cols] = logarithmic_profile(vb, hb, zc, z0_reg)
        else:
            out[:, cols] = logarithmic_profile(v, h, zc, z0_reg)
    return out, note


def _density(wx: _Wx, z_m: np.ndarray) -> np.ndarray:
    """Air density (T, M) at heights z_m with windpowerlib's linear_gradient and barometric."""
    from windpowerlib.density import barometric
    from windpowerlib.temperature import linear_gradient

    z = np.asarray(z_m, float)
    out = np.empty((len(wx.index), len(z)))
    th = _closest(wx.temperature.keys(), z)
    ph = _closest(wx.pressure.keys(), z)
    for j, zz in enumerate(z):
        t_hub = linear_gradient(wx.temperature[float(th[j])], float(th[j]), zz)
        out[:, j] = barometric(wx.pressure[float(ph[j])], float(ph[j]), zz, t_hub)
    return out


def _directions(wx: _Wx) -> tuple[np.ndarray, str]:
    """Wind directions for the wake model; uniform rose where missing."""
    T = len(wx.index)
    uniform = (np.arange(T) * 10.0) % 360.0
    if wx.direction is None:
        return uniform, "no wind_direction in the weather: uniform wind rose assumed for wakes"
    d = np.asarray(wx.direction, float)
    bad = ~np.isfinite(d) | (d < 0) | (d > 360)
    note = f"{int(bad.sum())} h without wind direction: uniform rose for those" if bad.any() else ""
    return np.where(bad, uniform, d % 360.0), note


# --------------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------------
@dataclass
class WindResult:
    """Result of :func:`simulate_wind`.

    Attributes
    ----------
    per_heap : DataFrame indexed by heap_id with :data:`PER_HEAP_COLUMNS`.
    monthly : DataFrame heap_id x month 1..12, net energy of the NEW turbines [MWh].
    monthly_existing : same for the existing turbines [MWh].
    info : run-level figures: atlas_factor, mean_wind_speed_ref_m_s (flat ground, at the atlas
        reference height, before scaling), roughness and notes.
    """

    per_heap: pd.DataFrame
    monthly: pd.DataFrame
    monthly_existing: pd.DataFrame
    info: dict


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v


def _site_dims(terrain: Any) -> tuple[float, float, float, float, str]:
    """(area_ha, length_m, width_m, orientation_deg, note) of a heap's turbine site."""
    area = _num(getattr(terrain, "turbine_site_area_ha", None))
    note = ""
    if not np.isfinite(area):
        area = _num(getattr(terrain, "plateau_area_ha", None))
        note = "turbine site area unknown: plateau area used" if np.isfinite(area) else ""
    length = _num(getattr(terrain, "plateau_length_m", None))
    width = _num(getattr(terrain, "plateau_width_m", None))
    orient = _num(getattr(terrain, "plateau_orientation_deg", None))
    if not (np.isfinite(length) and np.isfinite(width) and length > 0 and width > 0):
        d = math.sqrt(4 * max(area, 0.0) * 1e4 / math.pi) if np.isfinite(area) else 0.0
        length = width = d
        orient = 0.0
    return area, length, width, (orient if np.isfinite(orient) else 0.0), note


def new_turbine_layout(
    terrain: Any, rotor_diameter_m: float, cfg: WindConfig, existing_count: int = 0
) -> tuple[np.ndarray, list[str]]:
    """Positions of the new turbines on one heap and notes why there are few or none.

    Parameters
    ----------
    terrain : HeapTerrain (turbine_site_area_ha: where a level foundation disc fits; optional
        plateau_length_m, plateau_width_m, plateau_orientation_deg for an elongated site).
    rotor_diameter_m : rotor diameter of the new type [m].
    cfg : wind configuration.
    existing_count : existing turbines on the heap (subtracted if ``cfg.subtract_existing``).

    Returns
    -------
    (positions (n, 2) [m], notes)
    """
    area, length, width, orient, note = _site_dims(terrain)
    notes = [note] if note else []
    if not np.isfinite(area) or area <= 0:
        return np.zeros((0, 2)), notes + ["no turbine site (plateau/summit) area: 0 new turbines"]
    if area < cfg.min_site_area_ha:
        return np.zeros((0, 2)), notes + [
            f"site {area:.2f} ha < {cfg.min_site_area_ha:g} ha needed for a foundation: 0 new turbines"
        ]
    pos = site_layout(
        length,
        width,
        cfg.spacing_along_rotor_diameters * rotor_diameter_m,
        cfg.spacing_across_rotor_diameters * rotor_diameter_m,
        shape=cfg.site_shape,
        site_orientation_deg=orient,
        main_wind_direction_deg=cfg.main_wind_direction_deg,
    )
    if cfg.subtract_existing and existing_count > 0 and len(pos):
        keep = max(len(pos) - existing_count, 0)
        # keep the towers farthest apart from the centre-most (existing ones assumed central)
        order = np.argsort(-np.hypot(pos[:, 0], pos[:, 1]), kind="stable")
        pos = pos[np.sort(order[:keep])]
        notes.append(f"{existing_count} existing turbine(s) occupy the site: {keep} new")
    return pos, notes


def _existing_layout(count: int, rotor_diameter_m: float, cfg: WindConfig) -> np.ndarray:
    """Assumed layout of existing turbines: one row across the main wind at the across spacing."""
    phi = math.radians(cfg.main_wind_direction_deg)
    uc = np.array([math.cos(phi), -math.sin(phi)])
    s = cfg.spacing_across_rotor_diameters * rotor_diameter_m
    k = np.arange(count) - (count - 1) / 2
    return k[:, None] * s * uc[None, :]


@dataclass
class _Group:
    """Turbines of one type: one column per turbine."""

    spec: TurbineSpec
    heap_of: list = field(default_factory=list)  # heap id per turbine column
    z_profile: list = field(default_factory=list)  # profile height [m] (hub + H or hub)
    z_local: list = field(default_factory=list)  # hub height above the local ground [m]
    z_density: list = field(default_factory=list)  # height for density [m]
    speedup: list = field(default_factory=list)  # dS per column
    wake: list = field(default_factory=list)  # (heap_id, positions, column slice)


def _group_power(
    g: _Group,
    wx: _Wx,
    cfg: WindConfig,
    atlas: float,
    dirs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Net power [kW] (T, M), free-stream hub speed (T, M), gross power without wakes (T, M)."""
    v, _ = _profile(wx, np.array(g.z_profile), cfg)
    ds = np.array(g.speedup)
    if np.any(ds > 0):
        # Taylor & Lee: upstream profile at the height above the LOCAL ground times (1 + dS).
        # With height_reference="surroundings" the lifted profile (hub + H) is the other estimate
        # of the same hill effect; the larger one is used, never their product (double count).
        v_tl, _ = _profile(wx, np.array(g.z_local), cfg)
        v = np.maximum(v, v_tl * (1.0 + ds)[None, :])
    v = v * atlas
    rho = _density(wx, np.array(g.z_density)) if cfg.density_correction else None
    cw, cp = g.spec.curve_wind_speed_m_s, g.spec.curve_power_kw
    veff = v
    wake_cols = [w for w in g.wake if len(w[1]) > 1] if cfg.wake_model != "none" else []
    if wake_cols:
        veff = v.copy()
        for _hid, pos, sl in wake_cols:
            if cfg.wake_model == "jensen":
                ct = thrust_coefficient(
                    v[:, sl.start], g.spec.rated_wind_speed_m_s, cfg.thrust_coefficient
                )
                f = jensen_wake_factors(
                    pos, g.spec.rotor_diameter_m, dirs, ct, cfg.wake_decay_constant
                )
                veff[:, sl] = v[:, sl] * f
            else:
                from windpowerlib.wake_losses import reduce_wind_speed

                veff[:, sl] = reduce_wind_speed(v[:, sl], wind_efficiency_curve_name=cfg.wake_model)
    p = power_curve_density_corrected(veff, rho, cw, cp)
    # power without wakes, only where wakes act (for the wake loss figure)
    p_free = p.copy()
    for _hid, _pos, sl in wake_cols:
        p_free[:, sl] = power_curve_density_corrected(
            v[:, sl], None if rho is None else rho[:, sl], cw, cp
        )
    net = p * cfg.availability * (1.0 - cfg.electrical_loss)
    return net, v, p_free


def _year_factors(wx: _Wx, meta: Any) -> tuple[float, np.ndarray]:
    """(annual, monthly (12,)) factors for per-year values: :func:`haldenenergie.coverage.year_factors`,
    the same rule as the PV stage, so PV and wind months line up."""
    from .coverage import year_factors

    annual, monthly, _ = year_factors(wx.index, wx.dt_h, meta)
    return annual, monthly


def _atlas_factor(wx: _Wx, cfg: WindConfig) -> tuple[float, float]:
    v_ref, _ = _profile(wx, np.array([cfg.atlas_reference_height_m]), cfg)
    mean_ref = float(np.mean(v_ref))
    if cfg.atlas_mean_wind_speed_m_s > 0 and mean_ref > 0:
        return cfg.atlas_mean_wind_speed_m_s / mean_ref, mean_ref
    return 1.0, mean_ref


def simulate_wind(
    heaps: list, terrains: dict, data: pd.DataFrame, meta: Any, cfg: WindConfig | None = None
) -> WindResult:
    """New and existing wind energy for every heap.

    Parameters
    ----------
    heaps : list of ``heaps.Heap`` (id, height_rel_m, existing_wind).
    terrains : dict heap_id -> ``terrain.HeapTerrain`` (relative_height_m, half_height_distance_m,
        turbine_site_area_ha, ...). Missing terrain: heap facts only, no new turbines.
    data : canonical weather frame (``weather.read_weather``) or a frame with windpowerlib's
        (variable_name, height) columns (K, Pa, m s-1).
    meta : ``weather.WeatherMeta`` (wind_speed_height_m, roughness_length_m, ...).
    cfg : wind configuration (defaults if None).

    Returns
    -------
    WindResult
        ``per_heap`` energies are per year [MWh a-1]: sums over the weather series times
        ``meta.annual_factor`` (1 for one full year, 1 / years for several, 8760 h / hours for a
        partial series, which is flagged in ``wind_notes``).

    Raises
    ------
    TurbineError, WeatherError
    """
    cfg = cfg or WindConfig()
    wx = _wind_inputs(data, meta)
    T = len(wx.index)
    spec_new = new_turbine(cfg)
    atlas, mean_ref = _atlas_factor(wx, cfg)
    dirs, dir_note = _directions(wx)
    _, rough_note = _profile(wx, np.array([cfg.hub_height_m]), cfg)
    if cfg.atlas_mean_wind_speed_m_s <= 0 and mean_ref < 5.5:
        log.warning(
            "mean wind speed %.2f m/s at %g m over flat ground is well below the NRW atlas "
            "band 6.0-6.5 m/s; consider [wind] atlas_mean_wind_speed_m_s",
            mean_ref,
            cfg.atlas_reference_height_m,
        )
    partial = bool(getattr(meta, "partial", False))
    common = [n for n in (dir_note, rough_note) if n]
    if atlas != 1.0:
        common.append(
            f"wind scaled x{atlas:.3f} to the atlas mean {cfg.atlas_mean_wind_speed_m_s:g} "
            f"m/s at {cfg.atlas_reference_height_m:g} m"
        )
    if partial:
        common.append(
            "weather covers part of a year: energies scaled to a year "
            f"x{_year_factors(wx, meta)[0]:.3f} (seasonal bias possible)"
        )

    groups: dict[str, _Group] = {}
    rows: dict[str, dict] = {}
    heap_cols: dict[tuple[str, str], tuple[str, slice]] = {}  # (heap, 'new'/'old') -> (group, cols)

    def add(kind: str, hid: str, spec: TurbineSpec, pos: np.ndarray, H: float, L: float):
        key = f"{spec.name}|{spec.hub_height_m:g}|{spec.source}"
        g = groups.setdefault(key, _Group(spec))
        n = len(pos)
        start = len(g.heap_of)
        hh = spec.hub_height_m
        Hc = H if np.isfinite(H) and H > 0 else 0.0
        z_prof = hh + Hc if cfg.height_reference == "surroundings" else hh
        ds = (
            float(
                hill_speedup(
                    Hc, L, hh, b=cfg.speedup_b, a=cfg.speedup_a, max_speedup=cfg.speedup_max
                )
            )
            if cfg.speedup
            else 0.0
        )
        g.heap_of += [hid] * n
        g.z_profile += [z_prof] * n
        g.z_local += [hh] * n
        g.z_density += [hh + Hc] * n
        g.speedup += [ds] * n
        sl = slice(start, start + n)
        g.wake.append((hid, pos, sl))
        heap_cols[(hid, kind)] = (key, sl)
        return ds, z_prof

    for h in heaps:
        hid = str(h.id)
        t = terrains.get(hid)
        notes: list[str] = []
        H = _num(getattr(t, "relative_height_m", None)) if t is not None else float("nan")
        if not np.isfinite(H):
            H = _num(getattr(h, "height_rel_m", None))
            if np.isfinite(H):
                notes.append("relative height from the registry")
        if not np.isfinite(H):
            notes.append("relative height unknown: hub height above surroundings = hub height")
        L = _num(getattr(t, "half_height_distance_m", None)) if t is not None else float("nan")
        if cfg.speedup and not (np.isfinite(L) and L > 0):
            notes.append("half-height distance L unknown: no hill speed-up")
        ew = getattr(h, "existing_wind", None)
        n_exist = int(getattr(ew, "count", 0) or 0) if ew is not None else 0
        if t is None:
            pos, lay_notes = np.zeros((0, 2)), ["no terrain: 0 new turbines"]
        else:
            pos, lay_notes = new_turbine_layout(t, spec_new.rotor_diameter_m, cfg, n_exist)
        notes += lay_notes
        # free-stream column even without turbines: reports the hub wind of every heap
        ds, z_prof = add("new", hid, spec_new, pos if len(pos) else np.zeros((1, 2)), H, L)
        spec_old, old_note = existing_turbine(ew, cfg) if n_exist else (None, "")
        if old_note:
            notes.append(old_note)
        if spec_old is not None:
            add(
                "old",
                hid,
                spec_old,
                _existing_layout(n_exist, spec_old.rotor_diameter_m, cfg),
                H,
                L,
            )
            if n_exist > 1 and cfg.wake_model == "jensen":
                notes.append("existing layout assumed: one row across the main wind")
        rows[hid] = {
            "n_new": len(pos),
            "H": H,
            "z_prof": z_prof,
            "ds": ds,
            "n_exist": n_exist,
            "spec_old": spec_old,
            "notes": notes,
        }

    results: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for key, g in groups.items():
        net, vfree, pfree = _group_power(g, wx, cfg, atlas, dirs)
        for (hid, kind), (gk, sl) in heap_cols.items():
            if gk == key:
                results[(hid, kind)] = (net[:, sl], vfree[:, sl], pfree[:, sl])

    to_mwh = wx.dt_h / 1e3
    annual_f, month_f = _year_factors(wx, meta)
    onehot = (wx.index.month.to_numpy()[None, :] == np.arange(1, 13)[:, None]).astype(float)
    hours = T * wx.dt_h
    out_rows, monthly, monthly_old = [], {}, {}
    for h in heaps:
        hid = str(h.id)
        r = rows[hid]
        net, vfree, pfree = results[(hid, "new")]
        n = r["n_new"]
        cap_kw = n * spec_new.nominal_power_kw
        e_series = net.sum(axis=1) * to_mwh if n else np.zeros(T)
        e_sum = float(e_series.sum())
        gross_free = float(pfree.sum()) * to_mwh * cfg.availability * (1 - cfg.electrical_loss)
        wake_loss = (1 - e_sum / gross_free) if n > 1 and gross_free > 0 else 0.0
        e = e_sum * annual_f
        flh = e / (cap_kw / 1e3) if n else float("nan")
        cf = e_sum / (cap_kw / 1e3 * hours) if n else float("nan")
        monthly[hid] = onehot @ e_series * month_f
        spec_old = r["spec_old"]
        if spec_old is not None:
            eo_series = results[(hid, "old")][0].sum(axis=1) * to_mwh
            e_old = float(eo_series.sum()) * annual_f
            cap_old = r["n_exist"] * spec_old.nominal_power_kw / 1e3
            monthly_old[hid] = onehot @ eo_series * month_f
        else:
            e_old = 0.0 if r["n_exist"] == 0 else float("nan")
            cap_old = 0.0 if r["n_exist"] == 0 else float("nan")
            monthly_old[hid] = np.zeros(12) * month_f  # NaN where a partial series has no data
        out_rows.append(
            {
                "heap_id": hid,
                "wind_turbines_new": int(n),
                "wind_turbine_type": spec_new.name,
                "wind_hub_height_m": spec_new.hub_height_m,
                "wind_capacity_mw": cap_kw / 1e3,
                "wind_energy_mwh_per_a": e,
                "wind_full_load_hours_h": flh,
                "wind_capacity_factor": cf,
                "wind_mean_speed_hub_m_s": float(vfree[:, 0].mean()),
                "existing_wind_turbines": int(r["n_exist"]),
                "existing_wind_energy_mwh_per_a": e_old,
                "wind_notes": "; ".join(common + r["notes"]),
                "wind_rotor_diameter_m": spec_new.rotor_diameter_m,
                "wind_hub_height_above_surroundings_m": r["z_prof"],
                "wind_speedup_fraction": r["ds"],
                "wind_wake_loss_fraction": wake_loss,
                "wind_atlas_factor": atlas,
                "existing_wind_turbine_type": spec_old.name if spec_old is not None else None,
                "existing_wind_capacity_mw": cap_old,
                "existing_wind_full_load_hours_h": (
                    e_old / cap_old if spec_old is not None and cap_old else float("nan")
                ),
            }
        )
    cols = list(PER_HEAP_COLUMNS)
    per_heap = pd.DataFrame(out_rows, columns=["heap_id"] + cols).set_index("heap_id")
    mcols = list(range(1, 13))
    ids = list(monthly)
    # NaN only where a partial series does not cover a month (not known, not zero)
    monthly_df = pd.DataFrame(
        np.array([monthly[i] for i in ids]).reshape(-1, 12), index=ids, columns=mcols
    )
    monthly_df.index.name = "heap_id"
    monthly_old_df = pd.DataFrame(
        np.array([monthly_old[i] for i in ids]).reshape(-1, 12), index=ids, columns=mcols
    )
    monthly_old_df.index.name = "heap_id"
    info = {
        "atlas_factor": atlas,
        "mean_wind_speed_ref_m_s": mean_ref,
        "atlas_reference_height_m": cfg.atlas_reference_height_m,
        "roughness_source": cfg.roughness_source,
        "roughness_length_m": cfg.roughness_length_m,
        "new_turbine": dataclasses.asdict(spec_new)
        | {"curve_wind_speed_m_s": None, "curve_power_kw": None},
        "notes": common,
    }
    return WindResult(
        per_heap=per_heap, monthly=monthly_df, monthly_existing=monthly_old_df, info=info
    )


def turbine_energy(
    data: pd.DataFrame,
    meta: Any,
    cfg: WindConfig | None = None,
    *,
    turbine: TurbineSpec | None = None,
    height_rel_m: float = 0.0,
    half_height_distance_m: float = float("nan"),
) -> pd.Series:
    """Hourly net energy of ONE turbine standing on a heap [MWh per time step].

    Same chain as :func:`simulate_wind` (profile, speed-up, atlas scaling, density, losses; no
    wakes). ``.sum()`` is the energy over the series.

    Parameters
    ----------
    data, meta : weather (as for :func:`simulate_wind`).
    cfg : wind configuration (defaults if None).
    turbine : turbine (default: ``new_turbine(cfg)``).
    height_rel_m : heap height above the surroundings H [m].
    half_height_distance_m : Taylor & Lee's L [m] (NaN: no speed-up).

    Returns
    -------
    pandas.Series named ``wind_energy_mwh`` on the weather's index.
    """
    cfg = cfg or WindConfig()
    wx = _wind_inputs(data, meta)
    spec = turbine or new_turbine(cfg)
    atlas, _ = _atlas_factor(wx, cfg)
    g = _Group(spec)
    hh = spec.hub_height_m
    H = max(float(height_rel_m), 0.0) if np.isfinite(height_rel_m) else 0.0
    g.heap_of, g.z_density = ["x"], [hh + H]
    g.z_profile = [hh + H if cfg.height_reference == "surroundings" else hh]
    g.z_local = [hh]
    g.speedup = [
        float(
            hill_speedup(
                H,
                half_height_distance_m,
                hh,
                b=cfg.speedup_b,
                a=cfg.speedup_a,
                max_speedup=cfg.speedup_max,
            )
        )
        if cfg.speedup
        else 0.0
    ]
    g.wake = [("x", np.zeros((1, 2)), slice(0, 1))]
    net, _, _ = _group_power(g, wx, cfg, atlas, np.zeros(len(wx.index)))
    return pd.Series(net[:, 0] * wx.dt_h / 1e3, index=wx.index, name="wind_energy_mwh")
