"""What ``layers fetch-osm`` asks for: a box per heap, clusters of nearby heaps, one Overpass query.

Boxes are built in ETRS89 / UTM 32N (EPSG:25832, :data:`haldenenergie.geo.METRIC_CRS`) and sent to
the Overpass API as WGS84 lon/lat boxes that contain them. Overpass QL syntax (settings
``[out:xml]``, ``[timeout:]``, ``[bbox:south,west,north,east]``, the ``nwr`` query, the recursion
``(._;>;)`` and ``out meta``): OpenStreetMap wiki, "Overpass API/Overpass QL",
https://wiki.openstreetmap.org/wiki/Overpass_API/Overpass_QL, and the Overpass API user's manual,
https://dev.overpass-api.de/overpass-doc/en/. The tag filters are derived from the ``[osm]``
schema the reader applies (:func:`osm_tag_filters`), so the query and the reader cannot drift.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import KINDS
from .errors import LayerError

#: Margin [m] added to the largest buffer of the config for the default box size. Assumption:
#: 100 m lift the 600 m rule (RVR heap energy analysis 2022) to the 700 m of the LANUV NRW wind
#: area analysis 2023, the documented alternative; 300 m cover the heap outline's uncertainty
#: where only a point is known: an ellipse of axis ratio 2 reaches 1.41x the radius of the circle
#: of the same area, i.e. ~300 m further for Halde Hoheward (170 ha, RVR).
BUFFER_MARGIN_M = 400.0

#: Boxes closer than this [m] are merged into one cluster (one request). Assumption: 250 m is
#: about one street block; merging boxes that almost touch saves a request for little extra area.
MERGE_GAP_M = 250.0

#: Largest side [m] of a merged cluster box. Assumption: a 6 km x 6 km box (36 km2) of the dense
#: Ruhr area, at an assumed order of 1,000 residential buildings per km2 in built-up districts,
#: gives a response of a few tens of MB, far within the Overpass defaults (512 MiB memory, 180 s;
#: Overpass QL wiki); without a limit the dense chain of Ruhr heaps would merge into one huge
#: request.
MAX_CLUSTER_SIDE_M = 6000.0

#: Digits of the WGS84 box [deg] (1e-6 deg ~ 0.1 m); the box is rounded outward.
BBOX_DIGITS = 6

# --- tag filters: derived from the [osm] schema the reader applies --------------------------------
#
# The query asks for what the reader maps, and nothing is hand-kept here: every rule of every kind
# of the ``[osm]`` table of the loaded schemas (``haldenenergie/data/layer_schemas.toml``, extended
# by ``[layers] schemas_path``; :func:`haldenenergie.layers.schemas.load_schemas`) becomes Overpass
# QL tag filters that select AT LEAST the elements the rule matches (a superset); the reader
# applies the exact rule to the fetched file. Overpass QL tag filters (OSM wiki, "Overpass
# API/Overpass QL", sections "By tag (has-kv)" and "Escaping"): ``["k"]`` the key exists,
# ``["k"="v"]`` equal value, ``["k"~"re"]`` value matches a regular expression, ``["k"~"re",i]``
# case-insensitively; filters written one after the other (``[a][b]``) must all hold; a string
# escapes ``"`` and ``\`` with a backslash (so the regex ``\.`` is written ``"\\."``).

#: Characters with a meaning in a POSIX extended regular expression (POSIX.1-2017, XBD 9.4.3,
#: "ERE Special Characters"), escaped with a backslash in exact-value filters.
ERE_SPECIAL = frozenset(".[]()*+?{}|^$\\")

#: Python quantifier ``{m}``, ``{m,}``, ``{,n}``, ``{m,n}`` (Python docs, ``re``, "Regular
#: Expression Syntax").
_QUANTIFIER = re.compile(r"\{(\d*)(,(\d*))?\}")
#: Inline flags that may be dropped: ``i`` (the filter is case-insensitive anyway), ``a``, ``u``,
#: ``L`` (they change only ``\w \d \s \b``, translated to ``.`` or dropped), ``s`` (an ERE ``.``
#: matches a newline already). ``m`` and ``x`` change what the rest means: refused.
_DROPPABLE_FLAGS = frozenset("iauLs-")


def _ql_string(text: str) -> str:
    """``text`` as an Overpass QL double-quoted string (Overpass QL wiki, "Escaping")."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def ere_escape(value: str) -> str:
    """``value`` as a POSIX ERE that matches exactly these characters (specials backslashed)."""
    return "".join("\\" + c if c in ERE_SPECIAL else c for c in value)


def _value_text(v: Any) -> str:
    """A schema value as the reader compares it (its own conversion: 43002.0 -> '43002')."""
    from .schemas import _as_text

    return _as_text(v) or ""


def _bracket_end(p: str, i: int, where: str) -> int:
    """Index after the bracket expression ``[...]`` that starts at ``p[i]``."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1  # a leading ']' is a member (Python and POSIX alike)
    while j < len(p) and p[j] != "]":
        if p[j] == "\\" or p[j : j + 2] in ("[:", "[=", "[."):
            raise LayerError(
                f"{where}: pattern {p!r}: a backslash or '[:' inside [...] has no equivalent "
                "in an Overpass (POSIX ERE) regex; write the set without escapes, e.g. [0-9a-z]"
            )
        j += 1
    if j >= len(p):
        raise LayerError(f"{where}: pattern {p!r}: '[' without ']'; fix the pattern")
    return j + 1


def _group_end(p: str, i: int, where: str) -> int:
    """Index after the group whose '(' is at ``p[i]`` (escapes and [...] skipped)."""
    depth, j = 0, i
    while j < len(p):
        c = p[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _bracket_end(p, j, where)
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        j += 1
        if depth == 0:
            return j
    raise LayerError(f"{where}: pattern {p!r}: '(' without ')'; fix the pattern")


def _escape_to_ere(p: str, i: int, where: str) -> tuple[str, int]:
    """The ERE (superset) of the escape whose backslash is ``p[i]``, and the index after it."""
    if i + 1 >= len(p):
        raise LayerError(f"{where}: pattern {p!r} ends with a backslash; fix the pattern")
    c = p[i + 1]
    if c in "bB":
        return "", i + 2  # word boundary: zero-width, dropping it widens the match
    if c in "AZ":
        return {"A": "^", "Z": "$"}[c], i + 2
    if c in "dDwWsS":
        # a one-character class: '.' (any character) is a superset of each
        return ".", i + 2
    if c in "nt":
        return {"n": "\n", "t": "\t"}[c], i + 2
    m = re.match(r"x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})", p[i + 1 :])
    if m:
        return ere_escape(chr(int(m.group(1) or m.group(2), 16))), i + 1 + m.end()
    if c.isalnum():
        raise LayerError(
            f"{where}: pattern {p!r}: escape '\\{c}' (a back-reference or class) has no "
            "equivalent in an Overpass (POSIX ERE) regex; rewrite the pattern without it"
        )
    return ("\\" + c if c in ERE_SPECIAL else c), i + 2


def _group_open_to_ere(p: str, i: int, where: str) -> tuple[str | None, int]:
    """The ERE of the group opening at ``p[i]`` (None: drop the group) and the index after it."""
    if not p.startswith("(?", i):
        return "(", i + 1
    rest = p[i + 2 :]
    if rest.startswith((":", ">")):  # non-capturing / atomic: a plain group
        return "(", i + 3
    if rest.startswith("P<"):
        close = p.find(">", i)
        return "(", close + 1
    if rest.startswith(("=", "!", "<=", "<!", "#")):
        return None, i  # lookaround or comment: zero-width, dropped
    m = re.match(r"([a-zA-Z-]*)([:)])", rest)
    if m and set(m.group(1)) <= _DROPPABLE_FLAGS:
        if m.group(2) == ")":
            return "", i + 2 + m.end()  # (?i) etc.: a global flag, no group
        return "(", i + 2 + m.end()
    raise LayerError(
        f"{where}: pattern {p!r}: group '{p[i : i + 5]}...' (back-reference, conditional or "
        "flag m/x) has no equivalent in an Overpass (POSIX ERE) regex; rewrite the pattern"
    )


def ere_superset(pattern: str, where: str = "pattern") -> str:
    r"""A POSIX ERE, for Overpass ``["k"~"...",i]``, matching at least what ``pattern`` matches.

    The reader searches ``pattern`` (Python ``re``, case-insensitively) in a tag value. Overpass
    QL regular expressions are POSIX extended regular expressions as Overpass implements them
    (OSM wiki, "Overpass API/Overpass QL", section "Value matches regular expression"; ``,i``
    for case-insensitive): no ``\b``, ``\d``, ``(?:``, lookarounds or lazy quantifiers. The
    translation keeps what both share (literals, ``.``, ``^``, ``$``, ``|``, groups, ``* + ?
    {m,n}``, ``[...]`` without escapes) and widens the rest so that it selects a SUPERSET:
    zero-width assertions (``\b``, ``\B``, lookarounds) are dropped, ``\d \w \s`` and their
    negations become ``.``, lazy/possessive quantifiers and atomic groups become plain ones,
    ``(?:...)``/``(?P<n>...)`` plain groups. The reader applies the exact pattern afterwards,
    e.g. ``halde\b`` is fetched as ``halde`` (also "Haldenstraße") and read as the word.

    Parameters
    ----------
    pattern : the schema's ``pattern`` (Python regular expression).
    where : the rule, for messages.

    Returns
    -------
    str : the ERE ('' = any value: the filter is then the key alone).

    Raises
    ------
    LayerError : a construct without a superset translation (back-references, conditionals,
        flags ``m``/``x``, escapes inside ``[...]``), naming the rule.
    """
    p, out, i = str(pattern), [], 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            piece, i = _escape_to_ere(p, i, where)
        elif c == "[":
            j = _bracket_end(p, i, where)
            piece, i = p[i:j], j
        elif c == "(":
            piece, i = _group_open_to_ere(p, i, where)
            if piece is None:  # dropped zero-width group
                i = _group_end(p, i, where)
                piece = ""
        elif c == "{":
            m = _QUANTIFIER.match(p, i)
            if m:
                lo, comma, hi = m.group(1) or "0", m.group(2), m.group(3) or ""
                piece, i = "{" + lo + ("," + hi if comma else "") + "}", m.end()
            else:
                piece, i = "\\{", i + 1  # Python: a '{' that is no quantifier is a literal
        else:
            piece, i = c, i + 1
        if piece in ("*", "+", "?") or piece.startswith("{") and piece != "\\{":
            if not out or out[-1] in ("", "(", "|"):
                raise LayerError(
                    f"{where}: pattern {p!r}: a quantifier follows an assertion or nothing "
                    "(no equivalent in an Overpass regex); rewrite the pattern"
                )
            if i < len(p) and p[i] in "?+":
                i += 1  # lazy '?' / possessive '+': the same values match
        out.append(piece)
    ere = "".join(out)
    try:  # the subset emitted is also Python syntax: a last check of the structure
        re.compile(ere)
    except re.error as exc:
        raise LayerError(
            f"{where}: pattern {p!r} gives the Overpass regex {ere!r}, which is malformed "
            f"({exc}); rewrite the pattern"
        ) from None
    return ere


def _rule_chains(rule: Mapping[str, Any], where: str) -> list[tuple[tuple, ...]]:
    """A rule as alternatives (OR) of filter chains (AND), each a tuple of atoms.

    Atoms: ``("has", k)``, ``("values", k, frozenset)``, ``("re", k, ere)``. A key list gives one
    alternative per key (the reader uses the first present one: each alternative is a superset of
    its share); ``all`` the product of its sub-rules' alternatives.
    """
    if "all" in rule:
        chains: list[tuple[tuple, ...]] = [()]
        for j, sub in enumerate(rule["all"]):
            subs = _rule_chains(sub, f"{where}.all[{j}]")
            chains = [c + s for c in chains for s in subs]
        return chains
    keys = rule["key"] if isinstance(rule["key"], list) else [rule["key"]]
    chains = []
    for key in (str(k) for k in keys):
        atoms: list[tuple] = []
        values = {_value_text(v) for v in rule.get("values", [])}
        if "values" in rule and "*" not in values:
            atoms.append(("values", key, frozenset(values)))
        if "pattern" in rule:
            ere = ere_superset(str(rule["pattern"]), where)
            if ere:
                atoms.append(("re", key, ere))
        # "*" (any value but empty and "no") and min/max (numbers; Overpass tag filters compare
        # text only) are asked for as the key alone: a superset, the reader keeps the rule's
        atoms = atoms or [("has", key)]
        chains.append(tuple(atoms))
    return chains


def _atom_ql(atom: tuple) -> str:
    if atom[0] == "has":
        return f"[{_ql_string(atom[1])}]"
    if atom[0] == "re":
        return f"[{_ql_string(atom[1])}~{_ql_string(atom[2])},i]"
    values = sorted(atom[2])
    if len(values) == 1:
        return f"[{_ql_string(atom[1])}={_ql_string(values[0])}]"
    alternatives = "|".join(ere_escape(v) for v in values)
    return f"[{_ql_string(atom[1])}~{_ql_string('^(' + alternatives + ')$')}]"


def osm_tag_filters(
    schemas: Mapping[str, Any] | None = None, origin: str | Path = ""
) -> tuple[str, ...]:
    """The Overpass QL tag filters of every rule of every kind of the ``[osm]`` schema.

    One filter chain per line of the query (``nwr<chain>;``). Rules on one key with exact values
    (``values``) are merged into one regex ``^(a|b)$`` (values sorted, ERE-escaped; one value:
    ``["k"="v"]``); a key asked for alone (``values = ["*"]``) takes the place of value filters
    on that key; a key list gives one filter per key; ``all`` gives one chain ``[a][b]``;
    ``pattern`` a case-insensitive regex, see :func:`ere_superset`. Exact values are matched as
    written, a deliberate departure from the superset rule: the reader also accepts a value with
    surrounding white space (it strips values), but such values are tagging errors (the JOSM
    validator's TagChecker warns "Property values start or end with white space") and asking for
    them would need a regex per value.

    Parameters
    ----------
    schemas : from :func:`haldenenergie.layers.schemas.load_schemas` (default: the shipped ones).
    origin : the schema file, for messages (default: the shipped ``layer_schemas.toml``).

    Raises
    ------
    LayerError : no ``[osm]`` rules, or a rule that cannot be asked for (see
        :func:`ere_superset`), naming file, kind and rule.
    """
    from .schemas import SCHEMAS_NAME, load_schemas

    if schemas is None:
        schemas = load_schemas("")
    origin = str(origin or SCHEMAS_NAME)
    table = schemas.get("osm")
    if not isinstance(table, Mapping) or not any(table.get(k) for k in KINDS):
        raise LayerError(
            f"{origin}: no [osm] table with rules of a kind ({', '.join(KINDS)}); "
            "'layers fetch-osm' asks for what that table maps: add it"
        )
    merged: dict[str, tuple[tuple, ...]] = {}  # first position of a key's value filter
    values_by_key: dict[str, set[str]] = {}
    has_keys: set[str] = set()
    for kind in KINDS:
        for i, rule in enumerate(table.get(kind, []) or []):
            for chain in _rule_chains(rule, f"{origin}: [osm] {kind} rule {i}"):
                if len(chain) == 1 and chain[0][0] in ("values", "has"):
                    key = chain[0][1]
                    if chain[0][0] == "has":
                        has_keys.add(key)
                    values_by_key.setdefault(key, set()).update(
                        chain[0][2] if chain[0][0] == "values" else ()
                    )
                    merged.setdefault(f"key:{key}", ())
                else:
                    merged.setdefault(f"chain:{chain!r}", chain)
    lines = []
    for name, chain in merged.items():
        if name.startswith("key:"):
            key = name[4:]
            atom = ("has", key) if key in has_keys else ("values", key, values_by_key[key])
            lines.append(_atom_ql(atom))
        else:
            lines.append("".join(_atom_ql(a) for a in chain))
    return tuple(lines)


@dataclass(frozen=True)
class Cluster:
    """Heaps fetched with one request.

    Attributes
    ----------
    name : file name of the cluster, ``cluster_NN.osm``.
    heap_ids : the heaps whose boxes the cluster box contains (registry order).
    bounds_m : (minx, miny, maxx, maxy) [m] in EPSG:25832.
    bbox_wgs84 : (minlon, minlat, maxlon, maxlat) [deg]; contains ``bounds_m``.
    """

    name: str
    heap_ids: tuple[str, ...]
    bounds_m: tuple[float, float, float, float]
    bbox_wgs84: tuple[float, float, float, float]


def default_buffer_m(config: Any) -> float:
    """Default box buffer [m]: the largest buffer of the config plus :data:`BUFFER_MARGIN_M`.

    The buffers are ``[suitability] min_housing_distance_m`` (600 m) and every ``*_buffer_m``
    field [m] of the ``[terrain]``, ``[suitability]`` and ``[layers]`` sections (e.g.
    ``[terrain] reserved_buffer_m``, 30 m); with the defaults the result is 1000 m.

    Parameters
    ----------
    config : haldenenergie.config.Config (its sections are frozen dataclasses).
    """
    from dataclasses import fields, is_dataclass

    values = [float(config.suitability.min_housing_distance_m)]
    for name in ("terrain", "suitability", "layers"):
        section = getattr(config, name, None)
        if section is None or not is_dataclass(section):
            continue
        for f in fields(section):
            value = getattr(section, f.name)
            if f.name.endswith("_buffer_m") and isinstance(value, (int, float)):
                values.append(float(value))
    return max(values) + BUFFER_MARGIN_M


def heap_box_m(
    heap: Any, buffer_m: float, default_area_ha: float
) -> tuple[float, float, float, float] | None:
    """The box [m] (EPSG:25832) that holds the heap and everything within ``buffer_m`` of it.

    The heap is its footprint, or, for a point, the circle of its area (``area_ha``, else
    ``default_area_ha``) around the point; the box is the heap's bounds widened by ``buffer_m``
    on every side (which contains the heap buffered by ``buffer_m``).

    Parameters
    ----------
    heap : haldenenergie.registry.Heap (``footprint``, ``lat``, ``lon``, ``area_ha``).
    buffer_m : [m] distance around the heap.
    default_area_ha : [ha] area of a point heap without ``area_ha`` (``[terrain]
        default_area_ha``, the median of the fact table).

    Returns
    -------
    (minx, miny, maxx, maxy) [m], or None if the heap has no position.
    """
    import shapely

    from ..geo import to_metric

    if heap.footprint is not None:
        x0, y0, x1, y1 = to_metric(heap.footprint).bounds
        return (x0 - buffer_m, y0 - buffer_m, x1 + buffer_m, y1 + buffer_m)
    if heap.lat is None or heap.lon is None:
        return None
    area = heap.area_ha if heap.area_ha and heap.area_ha > 0 else default_area_ha
    reach_m = math.sqrt(area * 1e4 / math.pi) + buffer_m
    p = to_metric(shapely.Point(heap.lon, heap.lat))
    return (p.x - reach_m, p.y - reach_m, p.x + reach_m, p.y + reach_m)


def _near(a: Sequence[float], b: Sequence[float], gap_m: float) -> bool:
    return not (
        a[2] + gap_m < b[0] or b[2] + gap_m < a[0] or a[3] + gap_m < b[1] or b[3] + gap_m < a[1]
    )


def _union(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def merge_boxes(
    boxes: Sequence[tuple[str, tuple[float, float, float, float]]],
    gap_m: float = MERGE_GAP_M,
    max_side_m: float = MAX_CLUSTER_SIDE_M,
) -> list[tuple[tuple[str, ...], tuple[float, float, float, float]]]:
    """Merge boxes that overlap or are closer than ``gap_m`` [m], up to ``max_side_m`` [m] a side.

    Parameters
    ----------
    boxes : (heap id, (minx, miny, maxx, maxy) [m]) in registry order.
    gap_m : [m] boxes at most this far apart are merged.
    max_side_m : [m] a merge that would make a side longer than this is not done (a single box
        larger than that stays one cluster).

    Returns
    -------
    list of (heap ids, merged box), ordered by the first heap of each cluster.
    """
    clusters = [((hid,), tuple(box)) for hid, box in boxes]
    merged = True
    while merged:
        merged = False
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                (ids_a, a), (ids_b, b) = clusters[i], clusters[j]
                u = _union(a, b)
                if _near(a, b, gap_m) and max(u[2] - u[0], u[3] - u[1]) <= max_side_m:
                    clusters[i] = (ids_a + ids_b, u)
                    del clusters[j]
                    merged = True
                    break
            if merged:
                break
    return clusters


def bbox_to_wgs84(bounds_m: Sequence[float]) -> tuple[float, float, float, float]:
    """A lon/lat box [deg] that contains the EPSG:25832 box ``bounds_m`` [m] (edges densified)."""
    from ..geo import wgs84_transformer

    minlon, minlat, maxlon, maxlat = wgs84_transformer(inverse=True).transform_bounds(
        *bounds_m, densify_pts=21
    )
    scale = 10**BBOX_DIGITS
    return (
        math.floor(minlon * scale) / scale,
        math.floor(minlat * scale) / scale,
        math.ceil(maxlon * scale) / scale,
        math.ceil(maxlat * scale) / scale,
    )


def plan_clusters(
    heaps: Iterable[Any],
    buffer_m: float,
    *,
    default_area_ha: float = 38.0,
    gap_m: float = MERGE_GAP_M,
    max_side_m: float = MAX_CLUSTER_SIDE_M,
) -> tuple[list[Cluster], list[str]]:
    """One box per heap (heap + ``buffer_m``), nearby boxes merged into clusters.

    Parameters
    ----------
    heaps : registry heaps (``haldenenergie.registry.Heap``).
    buffer_m : [m] distance around the heap (footprint or point circle) the box must cover.
    default_area_ha : [ha] area of a point heap without ``area_ha`` (default 38 ha, ``[terrain]
        default_area_ha``: the median of the fact table).
    gap_m, max_side_m : [m] see :func:`merge_boxes`.

    Returns
    -------
    (clusters named ``cluster_01.osm`` ..., ids of heaps without a position, which are skipped)
    """
    boxes, skipped = [], []
    for heap in heaps:
        box = heap_box_m(heap, buffer_m, default_area_ha)
        if box is None:
            skipped.append(heap.id)
            continue
        boxes.append((heap.id, tuple(float(v) for v in box)))
    merged = merge_boxes(boxes, gap_m, max_side_m)
    width = max(2, len(str(len(merged))))
    clusters = [
        Cluster(f"cluster_{i:0{width}d}.osm", ids, box, bbox_to_wgs84(box))
        for i, (ids, box) in enumerate(merged, start=1)
    ]
    return clusters, skipped


def overpass_query(
    bbox_wgs84: Sequence[float], timeout_s: int, filters: Sequence[str] | None = None
) -> str:
    """The Overpass QL query for every layer kind in a box, answered as complete OSM XML.

    ``(._;>;)`` adds the members of relations and the nodes of ways, so that GDAL's OSM driver
    can build every way and multipolygon; ``out meta`` prints everything sorted by type and id
    (nodes first), as OSM XML files are.

    Parameters
    ----------
    bbox_wgs84 : (minlon, minlat, maxlon, maxlat) [deg]; Overpass wants (south, west, north,
        east).
    timeout_s : [s] the server's run-time limit of the query (``[timeout:]``, Overpass default
        180 s).
    filters : tag filter chains, one ``nwr`` statement each (default: :func:`osm_tag_filters`
        of the shipped schemas).
    """
    if filters is None:
        filters = osm_tag_filters()
    minlon, minlat, maxlon, maxlat = bbox_wgs84
    box = f"{minlat:.{BBOX_DIGITS}f},{minlon:.{BBOX_DIGITS}f},{maxlat:.{BBOX_DIGITS}f},"
    box += f"{maxlon:.{BBOX_DIGITS}f}"
    body = "\n".join(f"  nwr{f};" for f in filters)
    return f"[out:xml][timeout:{int(timeout_s)}][bbox:{box}];\n(\n{body}\n);\n(._;>;);\nout meta;\n"
