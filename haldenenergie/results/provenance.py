"""Where the figures of a run come from, in a few lines a committee member can read.

:func:`provenance` reads a run's ``manifest.json`` (as a dict) and its ``results.csv`` (as a
DataFrame) and returns a :class:`Provenance`: the weather (real station and period, or the
packaged synthetic reference year), how many heaps were modelled from a DEM and how many
parametrically, which constraint layers were used and which are missing, and how many heaps had
facts assumed (registry fields missing and replaced by defaults). :meth:`Provenance.lines` gives
the same as short German or English lines for the CLI summary, the report's first page and the
XLSX totals sheet.

Only the standard library is imported; ``results`` may be any pandas DataFrame (or None).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..suitability.basis import forest_considered, pv_basis_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The constraint-layer kinds a run may use, in the order they are listed. ``residential`` is the
#: ``--residential`` layer, ``reserved`` the ``--reserved`` layer; the others are the layer kinds
#: of the constraint-layer work (issue 11), "missing" until a run records them.
LAYER_KINDS = (
    "residential",
    "reserved",
    "forest",
    "protected",
    "landmark",
    "heap_outline",
    "open_land",
)

_LAYER_NAMES = {
    "residential": ("residential areas", "Wohnbebauung"),
    "reserved": ("reserved areas", "Sperrflächen"),
    "forest": ("forest", "Wald"),
    "protected": ("protected areas", "Schutzgebiete"),
    "landmark": ("landmarks", "Landmarken"),
    "heap_outline": ("heap outlines", "Haldenumrisse"),
    "open_land": ("open land", "Offenland"),
}
#: German layer names that take a plural verb ("Sperrflächen fehlen").
_DE_PLURAL = {"reserved", "protected", "landmark", "heap_outline"}
_DE_VERBS = {
    False: ("genutzt", "fehlt"),
    True: ("genutzt", "fehlen"),
}

#: Registry facts the parametric terrain replaces by a default when missing, with their names.
_FACT_NAMES = {
    "area_ha": ("area", "Fläche"),
    "height_rel_m": ("height", "Höhe"),
    "form": ("form", "Form"),
    "base_elevation_m": ("base elevation", "Fußhöhe"),
}

#: The packaged default weather: its station text starts with this (see
#: ``haldenenergie/data/ruhr_synthetic_typical_year.csv``).
SYNTHETIC_STATION_PREFIX = "Ruhr synthetic typical year"
_SYNTHETIC_FILE = "ruhr_synthetic_typical_year"
_CALIBRATED = re.compile(r"calibrated to (?:DWD\s+)?([^)]+)\)?", re.IGNORECASE)
_DEFAULT_ITEM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=.*\(default\b")


@dataclass(frozen=True)
class WeatherProvenance:
    """The weather a run used, as its manifest records it.

    Attributes
    ----------
    station : station or grid-cell text of the weather file ("" if not recorded).
    source_format : the reader's format name (``"try2015"``, ``"canonical"``, ...).
    data_source : publisher / data set text, or "".
    period : the period the series covers, e.g. ``"2015-01-01 – 2015-12-31"``, or "".
    source_period : what the period stands for (e.g. a TRY's base years), or "".
    file : the weather file's name, or "".
    synthetic : True for the packaged synthetic reference year (not for planning figures).
    calibrated_to : for a synthetic year, the data set it was calibrated to (e.g.
        ``"TRY2015 Essen"``), or "".
    """

    station: str = ""
    source_format: str = ""
    data_source: str = ""
    period: str = ""
    source_period: str = ""
    file: str = ""
    synthetic: bool = False
    calibrated_to: str = ""

    @property
    def recorded(self) -> bool:
        """True when the manifest recorded anything about the weather."""
        return bool(self.station or self.source_format or self.file or self.period)


@dataclass(frozen=True)
class Provenance:
    """The provenance of a run: weather, terrain sources, constraint layers, assumed facts.

    Attributes
    ----------
    weather : :class:`WeatherProvenance`.
    n_heaps : heaps in the results (0 if no results were given).
    n_dem : heaps whose terrain came from a DEM (``terrain_source`` ``"dem:..."``).
    n_parametric : heaps modelled parametrically from the registry facts.
    n_other_terrain : heaps with another or no recorded terrain source.
    layers_used : constraint-layer kinds (:data:`LAYER_KINDS` order, then others) the run used.
    layers_missing : kinds of :data:`LAYER_KINDS` the run did not use.
    layer_files : kind -> file name(s) of the layers used.
    layer_schemas : kind -> schema mapping name(s) of the layers used ("" if not recorded).
    n_forest : heaps whose results column ``layers_used`` names a ``forest`` layer (0 when the
        column is absent: no layers).
    n_assumed : heaps with at least one registry fact replaced by a default.
    assumed_heaps : their heap ids (results order).
    assumed_facts : fact name -> number of heaps for which it was assumed.
    n_without_coordinates : heaps without lat/lon (not placeable on a map).
    terrain_known : False when no results (or no ``terrain_source`` column) were given.
    """

    weather: WeatherProvenance
    n_heaps: int = 0
    n_dem: int = 0
    n_parametric: int = 0
    n_other_terrain: int = 0
    layers_used: tuple[str, ...] = ()
    layers_missing: tuple[str, ...] = LAYER_KINDS
    layer_files: Mapping[str, str] = field(default_factory=dict)
    layer_schemas: Mapping[str, str] = field(default_factory=dict)
    n_forest: int = 0
    n_assumed: int = 0
    assumed_heaps: tuple[str, ...] = ()
    assumed_facts: Mapping[str, int] = field(default_factory=dict)
    n_without_coordinates: int = 0
    terrain_known: bool = False

    def lines(self, lang: str = "en") -> list[str]:
        """The provenance as short lines: weather, terrain, layers, assumptions.

        Parameters
        ----------
        lang : ``"de"`` (German) or ``"en"`` (English; anything else than "de").

        Returns
        -------
        list of str, one line each for weather, terrain, layers and assumptions, then the PV
        basis (:func:`pv_basis_text`) when the PV figures are a technical upper bound.
        """
        de = lang == "de"
        lines = [
            _weather_line(self.weather, de),
            _terrain_line(self, de),
            _layers_line(self, de),
            _assumptions_line(self, de),
        ]
        basis = self.pv_basis_text(lang)
        if basis:
            lines.append("PV: " + basis)
        return lines

    def pv_basis_text(self, lang: str = "en") -> str:
        """The upper-bound label of the PV figures ("" when every heap had a forest layer).

        Parameters
        ----------
        lang : ``"de"`` or ``"en"``.

        Returns
        -------
        str, see :func:`pv_basis_text`.
        """
        return pv_basis_text(self.n_forest, self.n_heaps, lang)


def provenance(manifest: Mapping | None, results: pd.DataFrame | None = None) -> Provenance:
    """The :class:`Provenance` of a run from its manifest and results table.

    Parameters
    ----------
    manifest : the run's ``manifest.json`` as a dict (None or {} if not available).
    results : the run's ``results.csv`` as a DataFrame (columns ``terrain_source``,
        ``assumptions``, ``heap_id``, ``lat``, ``lon`` used where present), or None.

    Returns
    -------
    Provenance
    """
    m = manifest if isinstance(manifest, Mapping) else {}
    used, files, schemas = _layers(m)
    terrain = _terrain_counts(results)
    assumed, facts = _assumed(results)
    return Provenance(
        weather=_weather(m),
        n_heaps=0 if results is None else len(results),
        n_dem=terrain["dem"],
        n_parametric=terrain["parametric"],
        n_other_terrain=terrain["other"],
        layers_used=used,
        layers_missing=tuple(k for k in LAYER_KINDS if k not in used),
        layer_files=files,
        layer_schemas=schemas,
        n_forest=int(sum(forest_considered(results))),
        n_assumed=len(assumed),
        assumed_heaps=tuple(assumed),
        assumed_facts=facts,
        n_without_coordinates=_without_coordinates(results),
        terrain_known=results is not None and "terrain_source" in results.columns,
    )


# --- weather -------------------------------------------------------------------------------


def _text(v: object) -> str:
    return "" if v is None or (isinstance(v, float) and v != v) else " ".join(str(v).split())


def _weather(m: Mapping) -> WeatherProvenance:
    w = m.get("weather")
    w = w if isinstance(w, Mapping) else {}
    path = _text(w.get("path")) or _weather_input_path(m)
    file = path.replace("\\", "/").rsplit("/", 1)[-1]
    station = _text(w.get("station"))
    fmt = _text(w.get("source_format"))
    synthetic = (
        fmt.lower() == "synthetic"
        or station.lower().startswith(SYNTHETIC_STATION_PREFIX.lower())
        or _SYNTHETIC_FILE in file.lower()
    )
    calibrated = ""
    if synthetic:
        hit = _CALIBRATED.search(station)
        calibrated = hit.group(1).strip() if hit else ""
    start, end = _text(w.get("period_start"))[:10], _text(w.get("period_end"))[:10]
    period = f"{start} – {end}" if start and end and start != end else start or end
    return WeatherProvenance(
        station=station,
        source_format=fmt,
        data_source=_text(w.get("data_source")),
        period=period,
        source_period=_text(w.get("source_period")),
        file=file,
        synthetic=synthetic,
        calibrated_to=calibrated,
    )


def _weather_input_path(m: Mapping) -> str:
    for item in m.get("inputs") or []:
        if isinstance(item, Mapping) and item.get("role") == "weather":
            return _text(item.get("path"))
    return ""


#: Reader texts translated per language (DWD's German TRY names in English, English in German).
_WEATHER_PHRASES = {
    "de": (
        ("DWD TRY grid cell", "DWD-TRY-Rasterzelle"),
        ("DWD/BBSR test reference year", "DWD/BBSR-Testreferenzjahr"),
        ("DWD test reference year", "DWD-Testreferenzjahr"),
        ("test reference year", "Testreferenzjahr"),
        ("typical year", "typisches Jahr"),
        (") of ", ") "),
    ),
    "en": (
        ("mittleres Jahr", "mean year"),
        ("extremer Sommer", "extreme summer"),
        ("extremer Winter", "extreme winter"),
    ),
}


def _translate(text: str, de: bool) -> str:
    for old, new in _WEATHER_PHRASES["de" if de else "en"]:
        text = text.replace(old, new)
    return text


def _repeats_station(source_period: str, station: str) -> bool:
    """True when every bracketed part and year range of ``source_period`` is in ``station``."""
    bits = re.findall(r"\(([^)]*)\)", source_period) + re.findall(r"\d{4}-\d{4}", source_period)
    return bool(bits) and all(b in station for b in bits)


def _weather_line(w: WeatherProvenance, de: bool) -> str:
    head = "Wetter: " if de else "Weather: "
    if w.synthetic:
        cal = w.calibrated_to or "TRY2015 Essen"
        if de:
            return (
                f"{head}synthetisches Referenzjahr, kalibriert auf {cal} — nicht für Planungszahlen"
            )
        return f"{head}synthetic reference year, calibrated to {cal} — not for planning figures"
    if not w.recorded:
        return head + ("nicht aufgezeichnet" if de else "not recorded")
    parts = [w.station or w.file, w.data_source]
    if w.source_period and not _repeats_station(w.source_period, w.station):
        parts.append(w.source_period)
    elif not w.source_period and w.period:
        parts.append(("Zeitraum " if de else "period ") + w.period)
    if w.file and w.file != parts[0]:
        parts.append(("Datei " if de else "file ") + w.file)
    return head + _translate("; ".join(p for p in parts if p), de)


# --- terrain -------------------------------------------------------------------------------


def _terrain_counts(results: pd.DataFrame | None) -> Counter:
    counts: Counter = Counter(dem=0, parametric=0, other=0)
    if results is None or "terrain_source" not in results.columns:
        return counts
    for v in results["terrain_source"].tolist():
        s = _text(v).lower()
        if s.startswith("dem"):
            counts["dem"] += 1
        elif s.startswith("parametric"):
            counts["parametric"] += 1
        else:
            counts["other"] += 1
    return counts


def _heaps(n: int, de: bool) -> str:
    if de:
        return f"{n} Halde" if n == 1 else f"{n} Halden"
    return f"{n} heap" if n == 1 else f"{n} heaps"


def _terrain_line(p: Provenance, de: bool) -> str:
    head = "Gelände: " if de else "Terrain: "
    if not p.terrain_known:
        return head + ("Quelle nicht aufgezeichnet" if de else "source not recorded")
    if de:
        text = f"{_heaps(p.n_dem, de)} aus DGM, {p.n_parametric} parametrisch"
        if p.n_other_terrain:
            text += f", {p.n_other_terrain} ohne Angabe"
    else:
        text = f"{_heaps(p.n_dem, de)} from DEM, {p.n_parametric} parametric"
        if p.n_other_terrain:
            text += f", {p.n_other_terrain} not recorded"
    return head + text


# --- constraint layers ---------------------------------------------------------------------


def _layer_kind(name: str) -> str | None:
    """The layer kind a manifest role or parameter key names, or None."""
    key = name.lower().strip()
    for suffix in ("_path", "_paths", "_file", "_layer", "_areas", "_area", "s"):
        if key.endswith(suffix) and key[: -len(suffix)]:
            key = key[: -len(suffix)]
    for suffix in ("_areas", "_area", "_layer", "s"):
        if key.endswith(suffix) and key[: -len(suffix)] in LAYER_KINDS:
            key = key[: -len(suffix)]
    return key if key in LAYER_KINDS else None


def _layer_candidates(m: Mapping):
    """(name, path, schema) that may name a constraint layer: inputs, parameters, ``layers``.

    ``layers`` is a mapping kind -> path(s), or a list of records ``{"kind", "path", "schema",
    "sha256", "n_features"}`` (as the pipeline writes it).
    """
    for item in m.get("inputs") or []:
        if isinstance(item, Mapping):
            yield _text(item.get("role")), item.get("path"), _text(item.get("schema"))
    params = m.get("parameters")
    if isinstance(params, Mapping):
        for section in params.values():
            if isinstance(section, Mapping):
                yield from ((str(k), v, "") for k, v in section.items() if str(k).endswith("_path"))
    elif isinstance(params, list):
        for r in params:
            if isinstance(r, Mapping) and str(r.get("key", "")).endswith("_path"):
                yield str(r["key"]), r.get("value"), ""
    layers = m.get("layers")
    if isinstance(layers, Mapping):
        yield from ((str(k), v, "") for k, v in layers.items())
    elif isinstance(layers, list):
        for r in layers:
            if isinstance(r, Mapping):
                yield (
                    _text(r.get("kind") or r.get("role")),
                    r.get("path") or r.get("file"),
                    _text(r.get("schema")),
                )


def _add_unique(have: list[str], new) -> None:
    have.extend(n for n in new if n and n not in have)


def _layers(m: Mapping) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    files: dict[str, list[str]] = {}
    schemas: dict[str, list[str]] = {}
    for name, path, schema in _layer_candidates(m):
        kind = _layer_kind(name)
        paths = path if isinstance(path, (list, tuple)) else [path]
        names = [_text(p).replace("\\", "/").rsplit("/", 1)[-1] for p in paths if _text(p)]
        if kind is None or not names:
            continue
        _add_unique(files.setdefault(kind, []), names)
        _add_unique(schemas.setdefault(kind, []), [schema])
    used = tuple(k for k in LAYER_KINDS if k in files)
    return (
        used,
        {k: ", ".join(files[k]) for k in used},
        {k: ", ".join(schemas[k]) for k in used},
    )


def _layers_line(p: Provenance, de: bool) -> str:
    def verb(kind: str, which: int) -> str:
        if de:
            return _DE_VERBS[kind in _DE_PLURAL][which]
        return ("used", "missing")[which]

    def where(kind: str) -> str:
        schema = p.layer_schemas.get(kind, "")
        if schema:
            schema = ("; Schema " if de else "; schema ") + schema
        return f" ({p.layer_files.get(kind, '')}{schema})" if p.layer_files.get(kind) else ""

    i = 1 if de else 0
    used = [f"{_LAYER_NAMES[k][i]} {verb(k, 0)}{where(k)}" for k in p.layers_used]
    missing = [f"{_LAYER_NAMES[k][i]} {verb(k, 1)}" for k in p.layers_missing]
    return ("Ebenen: " if de else "Layers: ") + ", ".join(used + missing)


# --- assumed facts -------------------------------------------------------------------------


def _assumed(results: pd.DataFrame | None) -> tuple[list[str], dict[str, int]]:
    """Heap ids with registry facts replaced by defaults, and per fact how many heaps."""
    if results is None or "assumptions" not in results.columns:
        return [], {}
    ids = (
        results["heap_id"].tolist()
        if "heap_id" in results.columns
        else [str(i) for i in results.index]
    )
    heaps: list[str] = []
    facts: Counter = Counter()
    for heap_id, text in zip(ids, results["assumptions"].tolist(), strict=True):
        found = {
            hit.group(1)
            for item in _text(text).split(";")
            if (hit := _DEFAULT_ITEM.match(item)) is not None
        }
        if found:
            heaps.append(_text(heap_id))
            facts.update(found)
    order = [*(k for k in _FACT_NAMES if k in facts), *sorted(set(facts) - set(_FACT_NAMES))]
    return heaps, {k: facts[k] for k in order}


def _assumptions_line(p: Provenance, de: bool) -> str:
    head = "Annahmen: " if de else "Assumptions: "
    if p.n_heaps == 0:
        return head + ("nicht aufgezeichnet" if de else "not recorded")
    if de:
        text = f"Fakten von {_heaps(p.n_assumed, de)} angenommen"
    else:
        text = f"facts of {_heaps(p.n_assumed, de)} assumed"
    if p.assumed_facts:
        i = 1 if de else 0
        text += (
            " ("
            + ", ".join(f"{_FACT_NAMES.get(k, (k, k))[i]} {n}" for k, n in p.assumed_facts.items())
            + ")"
        )
    return head + text


def _without_coordinates(results: pd.DataFrame | None) -> int:
    if results is None or not {"lat", "lon"} <= set(results.columns):
        return 0
    return int((results["lat"].isna() | results["lon"].isna()).sum())
