"""Checks of a feature's properties, one function per property family.

Each check has the signature ``check(props, num, add)``: ``props`` are the feature's
properties, ``num`` the finite numeric ones (by name), and ``add(property, message,
severity="error")`` records a problem. :data:`PROPERTY_CHECKS` lists them in the order their
problems are reported.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable
from typing import Any

from ._json import is_number
from .model import (
    ACCESS,
    FORMS,
    HEIGHT_ASL_RANGE_M,
    HIGH_REPORTED_CAPACITY_FACTOR,
    INTEGER_PROPERTIES,
    LARGE_AREA_HA,
    LARGE_HOUSING_DISTANCE_M,
    MAX_AREA_HA,
    MAX_EXISTING_WIND_COUNT,
    MAX_HEIGHT_REL_M,
    MAX_REPORTED_CAPACITY_FACTOR,
    MAX_TURBINE_HUB_HEIGHT_M,
    MAX_TURBINE_RATED_KW,
    MAX_TURBINE_ROTOR_DIAMETER_M,
    MEMBERSHIP,
    MIN_BASE_ELEVATION_M,
    NATURE_PROTECTION,
    NUMERIC_PROPERTIES,
    OWNER_NOT_STATED,
    OWNER_PREFIXES,
    PROPERTY_ORDER,
    TEXT_OR_NUMBER_PROPERTIES,
    TEXT_PROPERTIES,
)

__all__ = ["PROPERTY_CHECKS", "finite_numbers", "run_property_checks"]

AddProblem = Callable[..., None]
Check = Callable[[dict, dict, AddProblem], None]

#: Closed vocabularies: (property, allowed values, message template, severity). Unknown
#: ``membership`` is only a warning: the membership of a user's own heaps may be open.
VOCABULARIES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("form", FORMS, "unknown form {value!r}; allowed: {allowed} (or null)", "error"),
    ("access", ACCESS, "unknown access {value!r}; allowed: {allowed} (or null)", "error"),
    (
        "nature_protection",
        NATURE_PROTECTION,
        "unknown value {value!r}; allowed: {allowed} (or null if none is known)",
        "error",
    ),
    ("membership", MEMBERSHIP, "unknown value {value!r}; expected one of {allowed}", "warning"),
)

#: Upper limits of one turbine's data: (property, limit, unit text); the sources are at the limits.
TURBINE_LIMITS: tuple[tuple[str, float, str], ...] = (
    ("existing_wind_rated_kw", MAX_TURBINE_RATED_KW, "kW (is it in W?)"),
    ("existing_wind_hub_height_m", MAX_TURBINE_HUB_HEIGHT_M, "m"),
    ("existing_wind_rotor_diameter_m", MAX_TURBINE_ROTOR_DIAMETER_M, "m"),
)
#: Turbine details; any of them given means there are turbines.
TURBINE_DETAILS: tuple[str, ...] = (
    "existing_wind_model",
    "existing_wind_windpowerlib_type",
    "existing_wind_rated_kw",
    "existing_wind_hub_height_m",
    "existing_wind_rotor_diameter_m",
)
#: Details that identify the turbine (without any, the wind stage assumes a default turbine).
TURBINE_IDENTITY: tuple[str, ...] = TURBINE_DETAILS[:3]


def finite_numbers(props: dict) -> dict[str, float]:
    """The numeric properties that are finite JSON numbers, by name."""
    return {
        k: props[k]
        for k in NUMERIC_PROPERTIES + INTEGER_PROPERTIES
        if is_number(props.get(k)) and math.isfinite(props[k])
    }


def check_duplicate_keys(props: dict, num: dict, add: AddProblem) -> None:
    """A property given twice in one object (JSON keeps only the last value silently)."""
    for key in getattr(props, "duplicate_keys", ()):
        add(key, "property given twice (only the last value would count); keep one")


def check_name(props: dict, num: dict, add: AddProblem) -> None:
    """``name`` is required, non-empty text."""
    name = props.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        add("name", "missing or empty; give the heap's name as the sources state it")


def check_unknown_names(props: dict, num: dict, add: AddProblem) -> None:
    """Unknown property names close to a known one (a typo would silently drop a value)."""
    for key in props:
        if key not in PROPERTY_ORDER:
            close = difflib.get_close_matches(key, PROPERTY_ORDER, n=1, cutoff=0.7)
            if close:
                add(
                    key,
                    f"unknown property; did you mean {close[0]!r}? (it is ignored as is)",
                    "warning",
                )


def check_types(props: dict, num: dict, add: AddProblem) -> None:
    """Text properties are text, numbers JSON numbers (finite; whole where counted)."""
    for key in TEXT_PROPERTIES:
        v = props.get(key)
        if v is not None and not isinstance(v, str):
            add(key, f"must be text or null, got {v!r}; quote it")
    for key in NUMERIC_PROPERTIES + INTEGER_PROPERTIES:
        v = props.get(key)
        if v is None:
            continue
        if not is_number(v):
            add(
                key,
                f"must be a number or null, got {json.dumps(v, ensure_ascii=False)}; "
                "write a bare JSON number in the unit of the name (or null if unknown)",
            )
        elif not math.isfinite(v):
            add(key, f"{v} is not a finite number; write null if unknown")
        elif key in INTEGER_PROPERTIES and float(v) != int(v):
            add(key, f"must be a whole number, got {v}; write the number of turbines")
    for key in TEXT_OR_NUMBER_PROPERTIES:
        v = props.get(key)
        if v is not None and not (isinstance(v, str) or is_number(v)):
            add(key, f"must be text, a year or null, got {v!r}")


def check_vocabularies(props: dict, num: dict, add: AddProblem) -> None:
    """``form``, ``access``, ``nature_protection``, ``membership`` (:data:`VOCABULARIES`), owner."""
    for key, allowed, template, severity in VOCABULARIES:
        v = props.get(key)
        if isinstance(v, str) and v not in allowed:
            add(key, template.format(value=v, allowed=", ".join(allowed)), severity)
    owner = props.get("owner")
    if isinstance(owner, str) and not (
        owner.split(" ")[0] in OWNER_PREFIXES or owner == OWNER_NOT_STATED
    ):
        add(
            "owner",
            f"unknown owner {owner!r}; the heap concept covers owners "
            f'{" and ".join(OWNER_PREFIXES)} (qualify in brackets, e.g. "RVR (conflict: ...)") '
            f"or {OWNER_NOT_STATED!r}",
            "warning",
        )


def check_area(props: dict, num: dict, add: AddProblem) -> None:
    """``area_ha`` in (0, :data:`MAX_AREA_HA`]; above :data:`LARGE_AREA_HA` warns."""
    area = num.get("area_ha")
    if area is None:
        return
    if area <= 0:
        add("area_ha", f"{area} must be > 0 [ha]; write null if unknown")
    elif area > MAX_AREA_HA:
        add(
            "area_ha",
            f"{area} ha is absurd (> {MAX_AREA_HA:g} ha; the largest Ruhr heap, "
            "Hoheward, has ~170 ha); is it in m² (divide by 10,000) or km² (x 100)?",
        )
    elif area > LARGE_AREA_HA:
        add(
            "area_ha",
            f"{area} ha is larger than any known Ruhr heap (Hoheward ~170 ha); check the value",
            "warning",
        )


def check_heights(props: dict, num: dict, add: AddProblem) -> None:
    """``height_rel_m``, ``height_asl_m`` in range; base elevation not below the Ruhr's lowest."""
    rel = num.get("height_rel_m")
    rel_ok = rel is not None and 0 < rel <= MAX_HEIGHT_REL_M
    if rel is not None and not rel_ok:
        add(
            "height_rel_m",
            f"{rel} m is outside (0, {MAX_HEIGHT_REL_M:g}] m (the highest "
            "stated Ruhr heap, Haniel, rises 159 m); check the unit, or write null if unknown",
        )
    asl = num.get("height_asl_m")
    if asl is None:
        return
    lo, hi = HEIGHT_ASL_RANGE_M
    if not lo <= asl <= hi:
        add(
            "height_asl_m",
            f"{asl} m is outside {lo:g}–{hi:g} m a.s.l. (Ruhr heap summits are "
            "~50–200 m); check the unit, or write null if unknown",
        )
    elif rel_ok and asl - rel < MIN_BASE_ELEVATION_M:
        add(
            "height_rel_m",
            f"height_asl_m {asl} − height_rel_m {rel} puts the heap's base at "
            f"{asl - rel:g} m a.s.l., below the lowest Ruhr ground (~15–20 m); check both values",
            "warning",
        )


def check_housing_distance(props: dict, num: dict, add: AddProblem) -> None:
    """``housing_distance_m`` >= 0; beyond :data:`LARGE_HOUSING_DISTANCE_M` warns."""
    hd = num.get("housing_distance_m")
    if hd is None:
        return
    if hd < 0:
        add("housing_distance_m", f"{hd} must be >= 0 [m]; write null if unknown")
    elif hd > LARGE_HOUSING_DISTANCE_M:
        add(
            "housing_distance_m",
            f"{hd} m is far for the Ruhr area (> {LARGE_HOUSING_DISTANCE_M:g} m); is it in metres?",
            "warning",
        )


def check_turbine_numbers(props: dict, num: dict, add: AddProblem) -> None:
    """Turbine count, power, hub height and rotor diameter within limits; hub above the radius."""
    count = num.get("existing_wind_count")
    if count is not None and count < 0:
        add("existing_wind_count", f"{count} must be >= 0; write 0 if there are none")
    elif count is not None and count > MAX_EXISTING_WIND_COUNT:
        add(
            "existing_wind_count",
            f"{count} turbines on one heap is absurd (> {MAX_EXISTING_WIND_COUNT}); "
            "check the value",
        )
    for key, limit, what in TURBINE_LIMITS:
        v = num.get(key)
        if v is not None and not 0 < v <= limit:
            add(
                key,
                f"{v} is outside (0, {limit:g}] {what}; the largest turbines built stay within it",
            )
    hub = num.get("existing_wind_hub_height_m")
    rotor = num.get("existing_wind_rotor_diameter_m")
    if hub and rotor and 0 < hub < rotor / 2:
        add(
            "existing_wind_hub_height_m",
            f"hub height {hub} m is below the rotor radius "
            f"{rotor / 2:g} m (the blades would hit the ground); check both values",
        )


def check_turbine_details(props: dict, num: dict, add: AddProblem) -> None:
    """Count and details agree; ``existing_wind_windpowerlib_type`` looks like windpowerlib's."""
    count = num.get("existing_wind_count")
    if count is not None and count > 0 and all(props.get(k) is None for k in TURBINE_IDENTITY):
        # Warning, not error: the count alone is a fact; the wind stage falls back to a
        # documented default turbine and reports it as assumed.
        add(
            "existing_wind_model",
            f"{count} existing turbine(s) but no model, windpowerlib "
            "type or rated power; the wind stage will assume a default turbine",
            "warning",
        )
    if not count and any(props.get(k) is not None for k in TURBINE_DETAILS):
        add(
            "existing_wind_count",
            "turbine details are given but the count is 0 or null; write the number of turbines",
            "warning",
        )
    wtype = props.get("existing_wind_windpowerlib_type")
    if isinstance(wtype, str) and not re.fullmatch(r"\S+/\d+", wtype):
        add(
            "existing_wind_windpowerlib_type",
            f"{wtype!r} is not a windpowerlib turbine_type "
            "(form 'E-101/3050', see windpowerlib.get_turbine_types()); write null if none fits",
        )


def check_reported_yield(props: dict, num: dict, add: AddProblem) -> None:
    """A reported yield [MWh a-1] is positive, has a source and turbines; capacity factor <= 1."""
    key = "existing_wind_reported_mwh_per_a"
    e = num.get(key)
    if e is None:
        if props.get("existing_wind_reported_source"):
            add(key, "a source is given but no yield; write the yield in MWh per year", "warning")
        return
    if e <= 0:
        add(key, f"{e} must be > 0 [MWh a-1]; write null if no yield is reported")
        return
    if not props.get("existing_wind_reported_source"):
        add(
            "existing_wind_reported_source",
            "a reported yield needs its source; say where it comes from (URL)",
        )
    count, kw = num.get("existing_wind_count"), num.get("existing_wind_rated_kw")
    if not count:
        add(key, "a yield is reported but existing_wind_count is 0 or null; write the count")
    elif kw:
        cf = e / (count * kw * 8.76)  # MWh / (kW x 8760 h / 1000)
        if cf > MAX_REPORTED_CAPACITY_FACTOR:
            add(key, f"{e:g} MWh/a is a capacity factor of {cf:.2f} > 1; is it in kWh?")
        elif cf > HIGH_REPORTED_CAPACITY_FACTOR:
            add(
                key,
                f"{e:g} MWh/a is a capacity factor of {cf:.2f}, high for inland turbines "
                f"(> {HIGH_REPORTED_CAPACITY_FACTOR:g}); check value and turbine count",
                "warning",
            )


def check_sources(props: dict, num: dict, add: AddProblem) -> None:
    """Every heap says where its values come from (warning)."""
    if not props.get("sources"):
        add("sources", "no sources; say where the values come from (URLs)", "warning")


#: The property checks in reporting order.
PROPERTY_CHECKS: tuple[Check, ...] = (
    check_duplicate_keys,
    check_name,
    check_unknown_names,
    check_types,
    check_vocabularies,
    check_area,
    check_heights,
    check_housing_distance,
    check_turbine_numbers,
    check_turbine_details,
    check_reported_yield,
    check_sources,
)


def run_property_checks(props: dict, add: AddProblem) -> None:
    """Run every check of :data:`PROPERTY_CHECKS` on one feature's properties.

    Parameters
    ----------
    props : dict
        The feature's properties.
    add : callable
        ``add(property, message, severity="error")``.
    """
    num: dict[str, Any] = finite_numbers(props)
    for check in PROPERTY_CHECKS:
        check(props, num, add)
