"""Schema mappings: the shipped TOML, rule matching, OSM other_tags, user extensions."""

from __future__ import annotations

import pandas as pd
import pytest

from haldenenergie.layers import LayerError, LayersConfig, read_layer
from haldenenergie.layers.schemas import (
    PLAIN,
    describe_rules,
    detect_vector_schema,
    load_schemas,
    select_kind,
)
from haldenenergie.layers.vector import parse_other_tags


def test_parse_other_tags_hstore():
    text = '"heritage"=>"2","wikidata"=>"Q1","name:de"=>"Halde \\"Haniel\\"","note"=>"a=>b, c"'
    assert parse_other_tags(text) == {
        "heritage": "2",
        "wikidata": "Q1",
        "name:de": 'Halde "Haniel"',
        "note": "a=>b, c",
    }


def test_shipped_codes():
    """The AAA codes of AdV GeoInfoDok and the CORINE nomenclature, as shipped."""
    s = load_schemas()
    assert s["order"] == ["corine", "atkis", "osm"]
    assert s["atkis"]["forest"][0]["values"] == [43002, 43003]
    assert s["atkis"]["heap_outline"][0]["values"] == [41003]
    assert s["atkis"]["protected"][0]["values"] == [71006, 71007]
    assert s["corine"]["forest"][0]["values"] == [311, 312, 313]
    assert s["tcd"]["nodata"] == [254, 255]
    assert s["worldcover"]["forest"] == [10] and s["worldcover"]["residential"] == [50]


def test_detect_schema():
    s = load_schemas()
    assert detect_vector_schema(["code_18", "id"], s) == "corine"
    assert detect_vector_schema(["objart", "objart_txt"], s) == "atkis"
    assert detect_vector_schema(["@id", "landuse"], s) == "osm"
    assert detect_vector_schema(["name", "note"], s) == PLAIN


def test_rules_values_star_pattern_range_all():
    s = load_schemas()
    t = pd.DataFrame(
        {
            "heritage": [None, "2", "no", None, None],
            "name": [None, "Haldenstraße", "Schurenbachhalde", "Halde Hoheward", "Haldenweg"],
            "man_made": [None, None, None, None, "spoil_heap"],
        }
    )
    assert select_kind(t, s["osm"]["landmark"]).tolist() == [False, True, False, False, False]
    assert select_kind(t, s["osm"]["heap_outline"]).tolist() == [False, False, True, True, True]
    a = pd.DataFrame(
        {"objart": [31001.0, 31001, 31001, 41001, 43002], "gfk": [1010, 2000, None, None, None]}
    )
    assert select_kind(a, s["atkis"]["residential"]).tolist() == [True, False, False, True, False]
    assert select_kind(a, s["atkis"]["forest"]).tolist() == [False, False, False, False, True]
    assert describe_rules(s["osm"]["forest"]) == "landuse=forest|natural=wood"


def test_atkis_buildings_by_gebaeudefunktion(tmp_path, synth):
    """ALKIS AX_Gebaeude (31001): residential only with a Gebaeudefunktion 1000-1999."""
    import geopandas
    import shapely

    home = shapely.box(synth.CX, synth.CY, synth.CX + 10, synth.CY + 10)
    works = shapely.box(synth.CX + 50, synth.CY, synth.CX + 60, synth.CY + 10)
    p = tmp_path / "gebaeude.gpkg"
    geopandas.GeoDataFrame(
        {"objektart": [31001, 31001], "gebaeudefunktion": [1010, 2000]},
        geometry=[home, works],
        crs="EPSG:25832",
    ).to_file(p)
    layer = read_layer("residential", p)
    assert layer.schema == "atkis" and layer.n_features == 1
    assert layer.geometry().equals(home)


def test_user_schema_overrides_and_adds(tmp_path, layer_files, synth):
    """A user TOML replaces a kind's rules and adds a schema (tried before the shipped ones)."""
    user = tmp_path / "my_schemas.toml"
    user.write_text(
        """
[osm]
forest = [{ key = "landuse", values = ["meadow"] }]

[city]
detect = ["nutzung"]
forest = [{ key = "nutzung", values = ["Wald"] }]
""",
        encoding="utf-8",
    )
    cfg = LayersConfig(schemas_path=str(user))
    swapped = read_layer("forest", layer_files("overpass_flat"), cfg)
    assert swapped.geometry().intersection(synth.MEADOW).area == pytest.approx(
        synth.MEADOW.area, rel=0.005
    )
    import geopandas

    p = tmp_path / "city.gpkg"
    geopandas.GeoDataFrame(
        {"nutzung": ["Wald", "Acker"]}, geometry=[synth.FOREST, synth.MEADOW], crs="EPSG:25832"
    ).to_file(p)
    city = read_layer("forest", p, cfg)
    assert city.schema == "city"
    assert city.geometry().area == pytest.approx(synth.FOREST_AREA_M2, rel=1e-9)


def test_user_schema_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[osm]\nforest = [{ keys = "landuse" }]\n', encoding="utf-8")
    with pytest.raises(LayerError, match=r"\[osm\] forest rule 0: unknown key\(s\) keys"):
        load_schemas(bad)
    with pytest.raises(LayerError, match="file not found"):
        load_schemas(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[osm\n", encoding="utf-8")
    with pytest.raises(LayerError, match="cannot read as TOML"):
        load_schemas(broken)
