"""Configuration: every default in one place per stage, with its unit and source; TOML overrides.

Each stage module defines a frozen dataclass of its parameters (``TerrainConfig`` in
``haldenenergie.terrain``, ``PVConfig`` in ``haldenenergie.pv`` …). Fields are declared with
:func:`param`, which records the unit, the source (paper, standard, data sheet or agency; or
"assumption: <rationale>") and the allowed range. A TOML file overrides any of them::

    [pv]
    plateau_tilt_deg = 25

    [wind]
    turbine_type = "E-126/4200"

Unknown sections or keys, values of the wrong type, numbers that are not finite (``nan``,
``inf``), lists whose items are not of the default's kind (``[1, "a"]``), values nested deeper than
:data:`MAX_NESTING_DEPTH` and values out of range are refused with a one-line
:class:`~haldenenergie.errors.ConfigError` that names the file, the key and the fix.
``haldenenergie config show`` prints every parameter in effect with its source.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._io import sha256_text
from .errors import ConfigError
from .params import param  # noqa: F401  (stage modules used to import it from here)

if TYPE_CHECKING:  # the section classes, imported only for type checkers (they stay light)
    from .layers.config import LayersConfig
    from .pv.config import PVConfig
    from .suitability.config import SuitabilityConfig
    from .terrain.config import TerrainConfig
    from .weather.config import WeatherConfig
    from .wind.config import WindConfig

#: Config sections and the dataclass that holds each one ("module:Class").
SECTIONS: dict[str, str] = {
    "terrain": "haldenenergie.terrain.config:TerrainConfig",
    "weather": "haldenenergie.weather.config:WeatherConfig",
    "pv": "haldenenergie.pv.config:PVConfig",
    "wind": "haldenenergie.wind.config:WindConfig",
    "suitability": "haldenenergie.suitability.config:SuitabilityConfig",
    "layers": "haldenenergie.layers.config:LayersConfig",
}


#: Deepest nesting of lists and tables allowed inside one parameter value. The deepest default is
#: ``[suitability] rules`` (table of rules → rule table → list of fields: 3 levels); assumption: 8
#: levels leave room for any real table while keeping every later step (checks, JSON, hashing)
#: far from Python's recursion limit (a 5,000-deep TOML array would otherwise crash it).
MAX_NESTING_DEPTH = 8


def _section_class(name: str):
    mod, cls = SECTIONS[name].split(":")
    return getattr(importlib.import_module(mod), cls)


def _coerce_number(
    key: str, name: str, default: int | float, value: object, unit: str, origin: str
) -> int | float:
    """A number of the default's kind (int or float), or ConfigError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(
            f"{origin}: {key} = {value!r} must be a number in [{unit}]; write e.g. "
            f"{name} = {default!r}"
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(
            f"{origin}: {key} = {value!r} is not a finite number; write a number in [{unit}], "
            f"e.g. {name} = {default!r}"
        )
    if isinstance(default, float):
        return float(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ConfigError(f"{origin}: {key} = {value!r} must be a whole number")
        return int(value)
    return value


def _item_kind(x: object) -> str:
    """Kind of a list item: ``number``, ``bool``, ``string``, ``list``, ``table`` or ``other``."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, float)):
        return "number"
    if isinstance(x, str):
        return "string"
    if isinstance(x, (list, tuple)):
        return "list"
    return "table" if isinstance(x, Mapping) else "other"


def _check_list_items(
    key: str, default: list | tuple, value: list | tuple, unit: str, origin: str
) -> None:
    """Every item of a list value must be of the kind of the default's items (numbers: finite)."""
    kinds = {_item_kind(x) for x in default} or {"number", "bool", "string"}
    for i, x in enumerate(value):
        kind = _item_kind(x)
        if kind not in kinds:
            want = " or ".join(sorted(kinds))
            raise ConfigError(
                f"{origin}: {key}[{i}] = {x!r} is a {kind}, but the list holds {want}s "
                f"[{unit}]; write e.g. {key.split('] ')[-1]} = {list(default)!r}"
            )
        if kind == "number" and not math.isfinite(x):
            raise ConfigError(
                f"{origin}: {key}[{i}] = {x!r} is not a finite number; write a number in [{unit}]"
            )


def _check_nested(key: str, value: object, origin: str) -> None:
    """Refuse values nested deeper than :data:`MAX_NESTING_DEPTH` and non-finite numbers in them.

    Iterative (an explicit stack), so that a pathological value cannot exhaust the recursion limit.
    """
    stack: list[tuple[object, str, int]] = [(value, key, 0)]
    while stack:
        v, where, depth = stack.pop()
        if isinstance(v, float) and not math.isfinite(v):
            raise ConfigError(
                f"{origin}: {where} = {v!r} is not a finite number; write a finite number"
            )
        if isinstance(v, (Mapping, list, tuple)):
            if depth >= MAX_NESTING_DEPTH:
                raise ConfigError(
                    f"{origin}: {key} is nested more than {MAX_NESTING_DEPTH} levels deep; "
                    "write a flat list or table as in 'haldenenergie config show --format toml'"
                )
            items = v.items() if isinstance(v, Mapping) else enumerate(v)
            stack.extend((x, f"{where}[{k!r}]", depth + 1) for k, x in items)


def _coerce(key: str, f: dataclasses.Field, default: object, value: object, origin: str) -> object:
    """Coerce ``value`` to the type of the field's default (bool before int: bool is an int)."""
    unit = f.metadata.get("unit", "-")
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{origin}: {key} = {value!r} must be true or false")
        return value
    if isinstance(default, (int, float)):
        return _coerce_number(key, f.name, default, value, unit, origin)
    if isinstance(default, str) and not isinstance(value, str):
        raise ConfigError(f"{origin}: {key} = {value!r} must be a string")
    if isinstance(default, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{origin}: {key} = {value!r} must be a list")
        _check_list_items(key, default, value, unit, origin)
        return type(default)(value)
    if isinstance(default, dict):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{origin}: {key} must be a table")
        return dict(value)
    return value


def _check_range(key: str, meta: Mapping[str, object], value: object, origin: str) -> None:
    """Raise ConfigError when ``value`` (or a number in a list) is not allowed or out of range."""
    unit = meta.get("unit", "-")
    choices = meta.get("choices")
    if choices and value not in choices:
        raise ConfigError(
            f"{origin}: {key} = {value!r} is not allowed; "
            f"choose one of {', '.join(map(str, choices))}"
        )
    lo, hi = meta.get("min"), meta.get("max")
    numbers = value if isinstance(value, (list, tuple)) else [value]
    for v in numbers:
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            continue
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            rng = f"[{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}]"
            raise ConfigError(
                f"{origin}: {key} = {v!r} is outside the allowed range {rng} {unit}; "
                f"check the unit (expected {unit})"
            )


def _check_value(section: str, f: dataclasses.Field, value: object, origin: str) -> object:
    """Coerce and check one value against its field; raise ConfigError naming origin and key."""
    key = f"[{section}] {f.name}"
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    value = _coerce(key, f, default, value, origin)
    _check_nested(key, value, origin)
    _check_range(key, f.metadata, value, origin)
    return value


def build_section(
    name: str, values: Mapping[str, Any] | None = None, origin: str = "config"
) -> Any:
    """Instantiate section ``name`` with ``values`` overriding its defaults (checked)."""
    if name not in SECTIONS:
        hint = difflib.get_close_matches(name, SECTIONS, n=1)
        raise ConfigError(
            f"{origin}: unknown section [{name}]"
            + (f"; did you mean [{hint[0]}]?" if hint else "")
            + f" Sections are: {', '.join(SECTIONS)}"
        )
    cls = _section_class(name)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in (values or {}).items():
        if key not in fields:
            hint = difflib.get_close_matches(key, fields, n=1)
            raise ConfigError(
                f"{origin}: unknown key '{key}' in [{name}]"
                + (f"; did you mean '{hint[0]}'?" if hint else "")
                + " See 'haldenenergie config show' for all keys"
            )
        kwargs[key] = _check_value(name, fields[key], value, origin)
    obj = cls(**kwargs)
    check = getattr(obj, "check", None)  # optional cross-field checks of a section
    if callable(check):
        check(origin)
    return obj


@dataclass(frozen=True)
class Config:
    """All parameters in effect: one frozen dataclass per section, plus where they came from."""

    terrain: TerrainConfig
    weather: WeatherConfig
    pv: PVConfig
    wind: WindConfig
    suitability: SuitabilityConfig
    layers: LayersConfig
    origin: str = "defaults"

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Plain nested dict of every parameter in effect (for manifests and hashing)."""
        return {name: dataclasses.asdict(getattr(self, name)) for name in SECTIONS}

    def hash(self) -> str:
        """SHA-256 of the parameters in effect (canonical JSON); keys resumable batch runs."""
        return sha256_text(json.dumps(self.to_dict(), sort_keys=True, default=str))

    def replace(self, section: str, **changes) -> Config:
        """A copy with some parameters of one section changed (checked like a TOML override)."""
        values = {**dataclasses.asdict(getattr(self, section)), **changes}
        return dataclasses.replace(self, **{section: build_section(section, values, "override")})


def _parse_toml(p: Path, text: str) -> dict[str, dict]:
    """Parse a config file's text: a table of sections, or ConfigError naming the file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc}); fix the syntax at that line") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise ConfigError(
            f"{p}: not valid TOML (values nested too deeply for the parser); parameters nest at "
            f"most {MAX_NESTING_DEPTH} levels: write a flat list or table"
        ) from None
    for key, value in data.items():
        if not isinstance(value, dict):
            raise ConfigError(
                f"{p}: top-level key '{key}' must sit in a section such as [pv] or [wind]"
            )
    return data


def load_config(
    path: str | Path | None = None, overrides: Mapping[str, Mapping] | None = None
) -> Config:
    """Load the defaults, then a TOML file's values, then ``overrides`` ({section: {key: v}})."""
    data: dict[str, dict] = {}
    origin = "defaults"
    if path is not None:
        p = Path(path)
        origin = str(p)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                f"{p}: config file not found; check the path given to --config"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: cannot read config file ({exc})") from None
        data = _parse_toml(p, text)
    for sec, vals in (overrides or {}).items():
        data.setdefault(sec, {}).update(vals)
    for sec in data:
        if sec not in SECTIONS:
            build_section(sec, None, origin)  # raises the unknown-section error
    sections = {name: build_section(name, data.get(name), origin) for name in SECTIONS}
    return Config(**sections, origin=origin)


def describe(config: Config) -> list[dict[str, Any]]:
    """One row per parameter: section, key, value, unit, default, source, doc."""
    rows = []
    for name in SECTIONS:
        obj = getattr(config, name)
        for f in dataclasses.fields(obj):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            rows.append(
                {
                    "section": name,
                    "key": f.name,
                    "value": getattr(obj, f.name),
                    "unit": f.metadata.get("unit", "-"),
                    "default": default,
                    "source": f.metadata.get("source", ""),
                    "doc": f.metadata.get("doc", ""),
                }
            )
    return rows
