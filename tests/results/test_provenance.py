"""Tests of :mod:`haldenenergie.results.provenance` (where a run's figures come from)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from haldenenergie.results import Provenance, provenance, read_manifest, read_results
from haldenenergie.results.provenance import LAYER_KINDS

SYNTH_STATION = "Ruhr synthetic typical year (calibrated to DWD TRY2015 Essen)"
#: Words that must not appear in the German lines, and the other way round.
ENGLISH = ("synthetic", "heaps", "parametric", "missing", "assumed", "Weather", "Terrain", "used")
GERMAN = ("synthetisch", "Halden", "parametrisch", "fehlt", "angenommen", "Wetter", "Gelände")


def _synth_manifest(**extra) -> dict:
    return {
        "inputs": [{"role": "registry", "path": "/x/heaps.geojson"}],
        "weather": {
            "path": "/x/haldenenergie/data/ruhr_synthetic_typical_year.csv",
            "source_format": "canonical",
            "station": SYNTH_STATION,
            "period_start": "2015-01-01T00:00:00+00:00",
            "period_end": "2015-12-31T23:00:00+00:00",
        },
        "parameters": {
            "terrain": {"reserved_areas_path": ""},
            "suitability": {"residential_areas_path": ""},
        },
        **extra,
    }


def _results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "heap_id": ["a", "b", "c", "d", "e"],
            "terrain_source": ["dem:x.tif", "dem:x.tif", "parametric", "parametric", "parametric"],
            "assumptions": [
                "",
                None,
                "area_ha=38 (default: median area of the fact table); shape=cone: ...",
                "form=terraced (default for form 'unknown'); height_rel_m=48.5 (default: median)",
                "shape=table: plateau share 0.42 (parametric form parameters, [terrain])",
            ],
            "lat": [51.5, 51.5, None, 51.4, 51.4],
            "lon": [7.0, 7.0, None, 7.1, 7.1],
        }
    )


def _no_fragments(lines: list[str], fragments) -> None:
    text = " ".join(lines)
    assert not [f for f in fragments if f in text], text


def test_synthetic_weather_lines_in_both_languages():
    p = provenance(_synth_manifest(), _results())
    assert isinstance(p, Provenance)
    assert p.weather.synthetic and p.weather.calibrated_to == "TRY2015 Essen"
    de, en = p.lines("de"), p.lines("en")
    assert de[0] == (
        "Wetter: synthetisches Referenzjahr, kalibriert auf TRY2015 Essen — "
        "nicht für Planungszahlen"
    )
    assert en[0] == (
        "Weather: synthetic reference year, calibrated to TRY2015 Essen — not for planning figures"
    )
    assert de[1] == "Gelände: 2 Halden aus DGM, 3 parametrisch"
    assert en[1] == "Terrain: 2 heaps from DEM, 3 parametric"
    assert de[2].startswith("Ebenen: Wohnbebauung fehlt, Sperrflächen fehlen, Wald fehlt")
    assert en[2].startswith("Layers: residential areas missing, reserved areas missing, forest")
    assert de[3] == "Annahmen: Fakten von 2 Halden angenommen (Fläche 1, Höhe 1, Form 1)"
    assert en[3] == "Assumptions: facts of 2 heaps assumed (area 1, height 1, form 1)"
    _no_fragments(de, ENGLISH)
    _no_fragments(en, GERMAN)


def test_counts_and_fields():
    p = provenance(_synth_manifest(), _results())
    assert (p.n_heaps, p.n_dem, p.n_parametric, p.n_other_terrain) == (5, 2, 3, 0)
    assert p.assumed_heaps == ("c", "d") and p.n_assumed == 2
    assert dict(p.assumed_facts) == {"area_ha": 1, "height_rel_m": 1, "form": 1}
    assert p.n_without_coordinates == 1
    assert p.layers_used == () and p.layers_missing == LAYER_KINDS
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.n_heaps = 3


@pytest.mark.parametrize(
    "weather",
    [
        {"source_format": "synthetic"},
        {"station": "Ruhr synthetic typical year"},
        {"path": "/elsewhere/ruhr_synthetic_typical_year.csv", "source_format": "canonical"},
    ],
)
def test_synthetic_recognised_by_format_station_or_file(weather):
    p = provenance({"weather": weather}, None)
    assert p.weather.synthetic
    assert "synthetisches Referenzjahr" in p.lines("de")[0]


def test_layers_used_from_inputs_parameters_and_layers_entry():
    m = _synth_manifest(layers={"forest": "/data/wald.gpkg", "open_land": ["/d/offen.geojson"]})
    m["inputs"].append({"role": "residential_areas", "path": "/data/wohnen.geojson"})
    m["parameters"]["terrain"]["reserved_areas_path"] = "/data/reserved.geojson"
    p = provenance(m, _results())
    assert p.layers_used == ("residential", "reserved", "forest", "open_land")
    assert p.layers_missing == ("protected", "landmark", "heap_outline")
    assert p.layer_files["residential"] == "wohnen.geojson"
    de = p.lines("de")[2]
    assert de.startswith(
        "Ebenen: Wohnbebauung genutzt (wohnen.geojson), Sperrflächen genutzt (reserved.geojson), "
        "Wald genutzt (wald.gpkg)"
    )
    assert de.endswith("Schutzgebiete fehlen, Landmarken fehlen, Haldenumrisse fehlen")
    assert "residential areas used" in p.lines("en")[2]


def test_real_station_weather_line():
    m = {
        "weather": {
            "path": "/w/dwd_duesseldorf_2024_15min.csv",
            "source_format": "dwd_15min",
            "station": "Duesseldorf",
            "period_start": "2024-01-01T00:00:00+00:00",
            "period_end": "2024-12-31T23:45:00+00:00",
        }
    }
    p = provenance(m, None)
    assert not p.weather.synthetic
    assert p.lines("en")[0] == (
        "Weather: Duesseldorf; period 2024-01-01 – 2024-12-31; file dwd_duesseldorf_2024_15min.csv"
    )
    assert p.lines("de")[0] == (
        "Wetter: Duesseldorf; Zeitraum 2024-01-01 – 2024-12-31; "
        "Datei dwd_duesseldorf_2024_15min.csv"
    )


def test_nothing_recorded():
    p = provenance(None, None)
    assert p.lines("en") == [
        "Weather: not recorded",
        "Terrain: source not recorded",
        "Layers: "
        + ", ".join(
            f"{n} missing"
            for n in (
                "residential areas",
                "reserved areas",
                "forest",
                "protected areas",
                "landmarks",
                "heap outlines",
                "open land",
            )
        ),
        "Assumptions: not recorded",
    ]
    assert provenance({}, None).lines("de")[0] == "Wetter: nicht aufgezeichnet"


def test_singular_heap():
    res = _results().iloc[[0, 2]]
    p = provenance(_synth_manifest(), res)
    assert p.lines("de")[1] == "Gelände: 1 Halde aus DGM, 1 parametrisch"
    assert p.lines("en")[3] == "Assumptions: facts of 1 heap assumed (area 1)"


@pytest.fixture(scope="module")
def default_run(tmp_path_factory, cli):
    """A default run folder (packaged synthetic year, all heaps)."""
    out = tmp_path_factory.mktemp("prov") / "synth"
    cli("-q", "run", "--out", out)
    return out


@pytest.mark.slow
def test_default_run_folder(default_run):
    p = provenance(read_manifest(default_run), read_results(default_run))
    assert p.weather.synthetic
    assert p.n_heaps == 46 and p.n_parametric == 46 and p.n_dem == 0
    assert p.n_without_coordinates == 13
    assert 0 < p.n_assumed < 46
    de = p.lines("de")
    assert de[0].startswith("Wetter: synthetisches Referenzjahr, kalibriert auf TRY2015 Essen")
    assert de[1] == "Gelände: 0 Halden aus DGM, 46 parametrisch"
    assert de[3].startswith(f"Annahmen: Fakten von {p.n_assumed} Halden angenommen")
    _no_fragments(de, ENGLISH)
    _no_fragments(p.lines("en"), GERMAN)


@pytest.mark.slow
def test_try2015_run(cli, weather_dir, tmp_path):
    out = tmp_path / "try"
    res = cli(
        "run",
        "--weather",
        weather_dir / "TRY2015_essen_jahr.dat",
        "--heap",
        "haniel",
        "--heap",
        "lohberg-nord",
        "--out",
        out,
    )
    p = provenance(read_manifest(out), read_results(out))
    assert not p.weather.synthetic
    assert p.weather.source_format == "try2015"
    en, de = p.lines("en"), p.lines("de")
    assert en[0] == (
        "Weather: DWD TRY grid cell 3802500/2745500 (mean year, 1995-2012); "
        "DWD/BBSR test reference year TRY2015; file TRY2015_essen_jahr.dat"
    )
    assert de[0] == (
        "Wetter: DWD-TRY-Rasterzelle 3802500/2745500 (mittleres Jahr, 1995-2012); "
        "DWD/BBSR-Testreferenzjahr TRY2015; Datei TRY2015_essen_jahr.dat"
    )
    assert en[1] == "Terrain: 0 heaps from DEM, 2 parametric"
    # the CLI summary ends with the same lines (English), before the timing
    assert res.stdout.splitlines()[-1 - len(en) : -1] == en
    assert en[-1] == "PV: technical upper bound, forest and land use not considered"


def test_layers_list_form_with_schema_and_forest_per_heap():
    """The pipeline's ``manifest["layers"]`` records; ``layers_used`` per heap gives the basis."""
    m = _synth_manifest(
        layers=[
            {
                "kind": "forest",
                "path": "/d/wald.shp",
                "schema": "atkis",
                "sha256": "ab",
                "n_features": 4,
            },
            {"kind": "residential", "path": "/d/osm.pbf", "schema": "osm", "sha256": "cd"},
        ]
    )
    res = _results().assign(layers_used=["forest;residential", "forest", "", None, "residential"])
    p = provenance(m, res)
    assert p.layers_used == ("residential", "forest")
    assert p.layer_schemas == {"residential": "osm", "forest": "atkis"}
    assert p.n_forest == 2
    en, de = p.lines("en"), p.lines("de")
    assert "forest used (wald.shp; schema atkis)" in en[2]
    assert "Wald genutzt (wald.shp; Schema atkis)" in de[2]
    assert en[-1] == (
        "PV: forest layer on 2 of 5 heaps only; PV of the other 3: technical upper bound, "
        "forest and land use not considered"
    )
    assert de[-1].startswith("PV: Waldebene nur auf 2 von 5 Halden")
    every = provenance(m, res.assign(layers_used="forest"))
    assert every.pv_basis_text("en") == "" and len(every.lines("en")) == 4
