"""The Overpass query of ``layers fetch-osm`` is derived from the ``[osm]`` schema the reader uses.

Invariants instead of literal expectations: for every rule of every kind of the schema, an element
carrying exactly that rule's tags is selected by the query (checked by a tiny evaluator of the
filter forms the query uses), and a folder fetched from a synthetic "world" through a fake
Overpass that applies the query holds every feature the reader finds in the whole world.

Overpass QL filter semantics evaluated here (OSM wiki, "Overpass API/Overpass QL", section "By tag
(has-kv)"): ``["k"]`` key present, ``["k"="v"]`` equal, ``["k"~"re"]`` the POSIX ERE ``re`` found
in the value (``,i``: case-insensitively), a chain ``[a][b]`` all of them. The EREs the query
emits use only literals, ``.``, ``^``, ``$``, ``|``, groups, ``* + ? {m,n}`` and ``[...]``
without escapes, for which Python's ``re.search`` finds a match exactly when a POSIX ERE search
does (leftmost-first vs leftmost-longest changes which match, not whether one exists).
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from haldenenergie.layers import LayerError, LayersConfig, read_fetch_folder, read_layer
from haldenenergie.layers import fetch as F
from haldenenergie.layers import fetch_http as H
from haldenenergie.layers.config import KINDS
from haldenenergie.layers.fetch_plan import overpass_query
from haldenenergie.layers.fetch_query import ere_superset, osm_tag_filters
from haldenenergie.layers.schemas import load_schemas
from haldenenergie.registry import Heap

# --- a tiny evaluator of the emitted Overpass QL filters ------------------------------------------

_QL_STR = r'"(?:[^"\\]|\\.)*"'
_FILTER = re.compile(rf"\[({_QL_STR})(?:(=|~)({_QL_STR})(,i)?)?\]")
_STATEMENT = re.compile(r"^\s*nwr((?:\[.*?\])+);\s*$", re.MULTILINE)


def ql_unquote(s: str) -> str:
    """An Overpass QL string literal's text (wiki "Overpass API/Overpass QL", Escaping)."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), s[1:-1])


def parse_chain(text: str) -> list[tuple]:
    atoms, pos = [], 0
    while pos < len(text):
        m = _FILTER.match(text, pos)
        assert m, f"filter form not understood at {text[pos:]!r}"
        key, op, value, icase = m.groups()
        atoms.append((ql_unquote(key), op, value and ql_unquote(value), bool(icase)))
        pos = m.end()
    return atoms


def query_chains(query: str) -> list[list[tuple]]:
    chains = [parse_chain(m) for m in _STATEMENT.findall(query)]
    assert chains, query
    return chains


def atom_selects(atom: tuple, tags: dict[str, str]) -> bool:
    key, op, value, icase = atom
    if key not in tags:
        return False
    if op is None:
        return True
    if op == "=":
        return tags[key] == value
    return re.search(value, tags[key], re.IGNORECASE if icase else 0) is not None


def selects(chains: list[list[tuple]], tags: dict[str, str]) -> bool:
    return any(all(atom_selects(a, tags) for a in chain) for chain in chains)


# --- an element per rule: exactly the rule's tags -------------------------------------------------

#: Names for ``pattern`` rules: the Ruhr heaps mapped only by name (RVR heap list) and streets
#: named after heaps. A pattern rule is exercised by every name it matches (there must be one).
SAMPLE_NAMES = (
    "Schurenbachhalde",
    "Halde Hoheward",
    "Haldenstraße",
    "Haldenweg",
    "Nordwald",
    "Halden: berge12",
)


def rule_examples(rule: dict) -> list[dict[str, str]]:
    """Tag sets that the rule matches, each carrying only the rule's own keys."""
    if "all" in rule:
        parts = [rule_examples(sub) for sub in rule["all"]]
        return [{k: v for d in combo for k, v in d.items()} for combo in itertools.product(*parts)]
    keys = rule["key"] if isinstance(rule["key"], list) else [rule["key"]]
    if "values" in rule:
        texts = ["yes" if v == "*" else str(v) for v in rule["values"]]
    elif "pattern" in rule:
        rx = re.compile(rule["pattern"], re.IGNORECASE)
        texts = [n for n in SAMPLE_NAMES if rx.search(n)]
        assert texts, f"add a name matching {rule['pattern']!r} to SAMPLE_NAMES"
    else:
        texts = [str(rule.get("min", rule.get("max")))]
    return [{k: t} for k in keys for t in texts]


def osm_examples(schemas) -> list[tuple[str, int, dict[str, str]]]:
    """(kind, rule index, tags) for every example of every rule of the [osm] schema."""
    return [
        (kind, i, tags)
        for kind in KINDS
        for i, rule in enumerate(schemas["osm"].get(kind, []))
        for tags in rule_examples(rule)
    ]


BOX = (7.1, 51.4, 7.2, 51.5)


def test_query_settings_and_recursion_for_complete_osm_xml():
    q = overpass_query(BOX, 180)
    assert q.startswith("[out:xml][timeout:180][bbox:51.400000,7.100000,51.500000,7.200000];")
    assert q.rstrip().endswith("(._;>;);\nout meta;")


def test_every_rule_of_the_shipped_osm_schema_is_asked_for():
    schemas = load_schemas("")
    chains = query_chains(overpass_query(BOX, 180))
    examples = osm_examples(schemas)
    assert {k for k, _, _ in examples} == set(KINDS)  # every kind has rules
    assert len(examples) >= 30  # one per value: guards against an empty schema walk
    for kind, i, tags in examples:
        assert selects(chains, tags), f"[osm] {kind} rule {i}: {tags} not asked for"


def test_the_four_tags_the_hand_kept_list_missed_are_asked_for():
    chains = query_chains(overpass_query(BOX, 180))
    for tags in (
        {"building": "annexe"},
        {"landuse": "farmland"},
        {"natural": "scrub"},
        {"name": "Schurenbachhalde"},
        {"name": "Halde Hoheward"},
        {"name": "HALDE HOHEWARD"},  # the reader is case-insensitive, so is the query
    ):
        assert selects(chains, tags), tags
    # superset: a street named after a heap is fetched; the reader then drops it (test below)
    assert selects(chains, {"name": "Haldenstraße", "highway": "residential"})
    # but the query is not "everything"
    for tags in ({"building": "yes"}, {"landuse": "industrial"}, {"highway": "residential"}):
        assert not selects(chains, tags), tags
    assert selects(chains, {"heritage": "no"})  # key present: asked (superset), read as none


USER_SCHEMA = r"""
[osm]
forest = [ { key = ["landcover", "natural"], values = ["trees", "wood"] } ]
residential = [
  { all = [ { key = "building", values = ["yes"] },
            { key = "building:use", values = ["residential"] } ] },
  { key = "building:levels", min = 1, max = 40 },
]
landmark = [ { key = "tourism", values = ["a.b", "say \"hi\"", "x|y"] } ]
heap_outline = [
  { key = "name", pattern = "^(?:Alte )?[A-Z][a-z]+halde\\b" },
  { key = "description", pattern = "\\bberg(?=e)e?\\d{2,}" },
]
open_land = [ { key = "landuse", values = ["*"] }, { key = "landuse", values = ["meadow"] } ]
"""


def test_every_rule_form_of_a_user_schema_is_asked_for(tmp_path):
    user = tmp_path / "schemas.toml"
    user.write_text(USER_SCHEMA, encoding="utf-8")
    schemas = load_schemas(user)
    filters = osm_tag_filters(schemas, user)
    chains = query_chains(overpass_query(BOX, 180, filters))
    for kind, i, tags in osm_examples(schemas):
        assert selects(chains, tags), f"[osm] {kind} rule {i}: {tags} not asked for"
    more = [
        {"landcover": "trees"},  # a key list: one filter per key
        {"natural": "wood"},
        {"building": "yes", "building:use": "residential"},  # all: one chain
        {"building:levels": "3"},  # min/max: the key (Overpass compares text only)
        {"tourism": 'say "hi"'},  # QL escaping of '"'
        {"tourism": "a.b"},
        {"name": "Alte Schurenbachhalde"},
        {"description": "Halden: berge12"},
        {"landuse": "anything"},  # values = ["*"] subsumes the meadow rule
    ]
    for tags in more:
        assert selects(chains, tags), tags
    for tags in (
        {"building": "yes"},  # all: both sub-rules needed
        {"building:use": "residential"},
        {"tourism": "axb"},  # '.' escaped: exact values only
        {"tourism": "x"},  # 'x|y' is one value, not an alternation
    ):
        assert not selects(chains, tags), tags
    assert '["building"="yes"]["building:use"="residential"]' in filters
    assert '["landuse"]' in filters and not any('landuse"~' in f for f in filters)


@pytest.mark.parametrize(
    ("pattern", "ere"),
    [
        (r"halde\b", "halde"),
        (r"\bHalde\b", "Halde"),
        (r"^(?:alte )?halde$", "^(alte )?halde$"),
        (r"(?i)halde", "halde"),
        (r"(?P<x>ab)+?c", "(ab)+c"),
        (r"berg(?=e)(?!x)(?<=g)(?<!y)x", "bergx"),
        (r"a\d{2,}b\s\w", "a.{2,}b.."),
        (r"a{,3}b{2}", "a{0,3}b{2}"),
        (r"a{x}", r"a\{x}"),
        (r"[a-z_]+\.osm\Z", r"[a-z_]+\.osm$"),
        (r"\x41\u00e4", "Aä"),
        (r"\b", ""),
    ],
)
def test_pattern_translation(pattern, ere):
    assert ere_superset(pattern) == ere


SUPERSET_CASES = [
    r"halde\b",
    r"^(?:Alte )?[A-Z][a-z]+halde\b",
    r"\bberg(?=e)e?\d{2,}",
    r"(?<!Straße )halde(?!n)",
    r"a+?b*+c",
    r"^\w+\s\d$",
]
SUPERSET_TEXTS = (
    *SAMPLE_NAMES,
    "Alte Schurenbachhalde",
    "Straße halde",
    "halden",
    "berge12",
    "berg12",
    "aabc",
    "abbbc",
    "x 1",
    "word 7",
    "ÄÖÜ 3",
    "",
)


@pytest.mark.parametrize("pattern", SUPERSET_CASES)
def test_translated_pattern_selects_a_superset(pattern):
    rx = re.compile(pattern, re.IGNORECASE)
    ere = re.compile(ere_superset(pattern), re.IGNORECASE)
    hits = [t for t in SUPERSET_TEXTS if rx.search(t)]
    assert hits, pattern  # the case exercises something
    for t in hits:
        assert ere.search(t), (pattern, t)


@pytest.mark.parametrize(
    ("pattern", "needle"),
    [
        (r"(a)\1", "escape '\\1'"),
        (r"(?m)^halde$", "flag m/x"),
        (r"(?x) halde", "flag m/x"),
        (r"[\d]halde", "inside [...]"),
        (r"(a)?(?(1)b|c)", "conditional"),
    ],
)
def test_untranslatable_patterns_are_refused_at_plan_time(tmp_path, monkeypatch, pattern, needle):
    user = tmp_path / "schemas.toml"
    user.write_text(f"[osm]\nheap_outline = [ {{ key = 'name', pattern = '{pattern}' }} ]\n")

    def no_network(*args, **kwargs):
        raise AssertionError("a request was sent")

    monkeypatch.setattr(H, "http_post", no_network)
    heap = Heap(id="h", name="H", lat=51.5, lon=7.0, area_ha=10.0)
    with pytest.raises(LayerError) as err:
        F.fetch_osm_layers([heap], tmp_path / "osm", buffer_m=100.0, schemas_path=user)
    msg = str(err.value)
    assert needle in msg and "\n" not in msg
    assert str(user) in msg and "[osm] heap_outline rule 0" in msg
    assert not (tmp_path / "osm").exists()


# --- a world, a fake Overpass that applies the query, and the reader ------------------------------

DISTRACTORS = (
    {"highway": "pedestrian", "area": "yes", "name": "Haldenstraße"},  # fetched, not a heap
    {"highway": "residential", "name": "Haldenweg"},
    {"building": "yes"},
    {"landuse": "industrial"},
    {"shop": "bakery", "name": "Bäckerei am Haldenweg"},
)
ORIGIN = (7.0, 51.5)
STEP_DEG = 0.001  # [deg] grid of the squares, ~70 m x 111 m at 51.5 deg N
SIDE_DEG = 0.0005  # [deg] side of each square


def _square(i: int) -> list[tuple[float, float]]:
    lon = ORIGIN[0] + (i % 8) * STEP_DEG
    lat = ORIGIN[1] + (i // 8) * STEP_DEG
    return [
        (lon, lat),
        (lon + SIDE_DEG, lat),
        (lon + SIDE_DEG, lat + SIDE_DEG),
        (lon, lat + SIDE_DEG),
    ]


def world_xml(tag_sets) -> bytes:
    """OSM XML (wiki "OSM XML"): each tag set a closed way (square) of 4 nodes, in id order."""
    nodes, ways = [], []
    for i, tags in enumerate(tag_sets):
        refs = []
        for j, (lon, lat) in enumerate(_square(i)):
            nid = 1000 + 4 * i + j
            refs.append(nid)
            nodes.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}" version="1"/>')
        nds = "".join(f'\n    <nd ref="{r}"/>' for r in [*refs, refs[0]])
        tag_xml = "".join(
            f'\n    <tag k="{k}" v="{v.replace(chr(34), "&quot;")}"/>' for k, v in tags.items()
        )
        ways.append(f'  <way id="{5000 + i}" version="1">{nds}{tag_xml}\n  </way>')
    body = "\n".join(nodes + ways)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<osm version="0.6" generator="Overpass API 0.7.62.1 084b4234">\n'
        '<meta osm_base="2026-12-01T00:00:00Z"/>\n' + body + "\n</osm>\n"
    ).encode()


class FilteringOverpass:
    """Stands in for ``http_post``: answers the query with the world's elements it selects, with
    the nodes of the selected ways (``(._;>;)``), as OSM XML."""

    def __init__(self, world: bytes):
        self.root = ET.fromstring(world)
        self.queries: list[str] = []

    def __call__(self, url, data, headers, timeout_s):
        query = urllib.parse.parse_qs(data.decode("utf-8"))["data"][0]
        self.queries.append(query)
        chains = query_chains(query)
        keep = set()
        for el in self.root:
            tags = {t.get("k"): t.get("v") for t in el.findall("tag")}
            if el.tag in ("node", "way") and tags and selects(chains, tags):
                keep.add((el.tag, el.get("id")))
                keep.update(("node", nd.get("ref")) for nd in el.findall("nd"))
        out = ET.Element("osm", self.root.attrib)
        for el in self.root:
            if el.tag == "meta" or (el.tag, el.get("id")) in keep:
                out.append(el)
        xml = ET.tostring(out, encoding="unicode")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode("utf-8")
        return H.HttpResponse(200, {"content-type": "application/osm3s+xml"}, body)


def _kind_features(layers) -> dict[str, set[tuple[float, float]]]:
    """kind -> the features' centroids [m], rounded to 0.1 m (the squares never touch)."""
    import shapely

    out: dict[str, set] = {}
    for ly in layers:
        geoms = shapely.get_parts(ly.geometry(None)).tolist()
        out.setdefault(ly.kind, set()).update(
            (round(g.centroid.x, 1), round(g.centroid.y, 1)) for g in geoms
        )
    return out


def _as_fetch_folder(folder: Path, osm: bytes, bbox) -> Path:
    folder.mkdir()
    (folder / "cluster_01.osm").write_bytes(osm)
    manifest = {"format": F.FORMAT, "files": [{"file": "cluster_01.osm", "bbox_wgs84": bbox}]}
    (folder / "layers.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_fetched_folder_holds_every_feature_the_reader_finds_in_the_world(monkeypatch, tmp_path):
    pytest.importorskip("pyogrio")
    examples = osm_examples(load_schemas(""))
    tag_sets = [tags for _, _, tags in examples] + list(DISTRACTORS)
    world = world_xml(tag_sets)
    fake = FilteringOverpass(world)
    monkeypatch.setattr(H, "http_post", fake)
    monkeypatch.setattr(H, "sleep", lambda s: None)
    heap = Heap(id="h", name="H", lat=ORIGIN[1] + 0.003, lon=ORIGIN[0] + 0.004, area_ha=10.0)
    res = F.fetch_osm_layers([heap], tmp_path / "osm", buffer_m=1000.0, pause_s=0.0)
    assert [r.status for r in res.results] == ["fetched"] and len(fake.queries) == 1
    bbox = res.results[0].cluster.bbox_wgs84
    fetched = _kind_features(read_fetch_folder(tmp_path / "osm"))
    whole = _kind_features(read_fetch_folder(_as_fetch_folder(tmp_path / "w", world, bbox)))
    assert fetched == whole  # nothing the reader uses is missing from the fetched file
    # and each rule's element is there as its kind (areas are squares: centroid = centre)
    from haldenenergie.geo import to_metric

    def centre(i):
        import shapely

        c = to_metric(shapely.Polygon(_square(i))).centroid
        return (round(c.x, 1), round(c.y, 1))

    for i, (kind, r, tags) in enumerate(examples):
        assert centre(i) in fetched[kind], f"[osm] {kind} rule {r}: {tags} not read as {kind}"
    # the fetched file holds the heap-named street (superset) ...
    fetched_xml = (tmp_path / "osm" / "cluster_01.osm").read_text(encoding="utf-8")
    assert "Haldenstraße" in fetched_xml and "industrial" not in fetched_xml
    # ... but it is no heap outline: only spoil_heap and the two heaps named "...halde"
    street = centre(len(examples))
    assert street not in fetched["heap_outline"]
    heap_names = [t for k, _, t in examples if k == "heap_outline"]
    assert heap_names == [
        {"man_made": "spoil_heap"},
        {"name": "Schurenbachhalde"},
        {"name": "Halde Hoheward"},
    ]
    assert len(fetched["heap_outline"]) == 3


def test_reader_keeps_the_exact_name_pattern(tmp_path):
    """An .osm file with heaps mapped by name and streets named after heaps (OSM XML format)."""
    pytest.importorskip("pyogrio")
    names = [
        {"name": "Schurenbachhalde"},
        {"name": "Halde Hoheward"},
        {"highway": "pedestrian", "area": "yes", "name": "Haldenstraße"},
        {"landuse": "grass", "name": "Haldenweg"},
    ]
    p = tmp_path / "names.osm"
    p.write_bytes(world_xml(names))
    heaps = read_layer("heap_outline", p, LayersConfig())
    assert heaps.n_features == 2
    open_land = read_layer("open_land", p, LayersConfig())
    assert open_land.n_features == 1  # "Haldenweg" is grass, but no heap
