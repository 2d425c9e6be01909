"""MaStR reader: synthetic exports written from the format descriptions fill a heap's facts.

The XML follows the bulk export's schema ``EinheitenWind.xsd`` (root ``EinheitenWind``, one
``EinheitWind`` per unit, UTF-16 as downloaded); the CSV follows the web list's download
(``;``, decimal comma, ``dd.mm.yyyy``, German headers).
"""

from __future__ import annotations

import pytest

from haldenenergie.errors import RegistryError
from haldenenergie.registry import read_registry
from haldenenergie.resources import data_path
from haldenenergie.wind.mastr import existing_from_mastr, read_mastr

#: Halde Hoppenbruch (registry point) [deg]; two units ~70 m and ~110 m from it.
HOPPENBRUCH = (51.561659, 7.153974)

UNIT_XML = """  <EinheitWind>
    <EinheitMastrNummer>{id}</EinheitMastrNummer>
    <DatumLetzteAktualisierung>2024-03-01T10:00:00.0000000</DatumLetzteAktualisierung>
    <NetzbetreiberpruefungStatus>2955</NetzbetreiberpruefungStatus>
    <Land>84</Land>
    <Bundesland>1409</Bundesland>
    <Laengengrad>{lon}</Laengengrad>
    <Breitengrad>{lat}</Breitengrad>
    <Registrierungsdatum>2019-01-31</Registrierungsdatum>
    <Inbetriebnahmedatum>{date}</Inbetriebnahmedatum>
    <EinheitSystemstatus>472</EinheitSystemstatus>
    <EinheitBetriebsstatus>{status}</EinheitBetriebsstatus>
    <NameStromerzeugungseinheit>WEA {id}</NameStromerzeugungseinheit>
    <Weic_nv>0</Weic_nv>
    <Kraftwerksnummer_nv>0</Kraftwerksnummer_nv>
    <Energietraeger>2497</Energietraeger>
    <Bruttoleistung>3050</Bruttoleistung>
    <Nettonennleistung>3050</Nettonennleistung>
    <WindAnLandOderAufSee>888</WindAnLandOderAufSee>
    <Hersteller>{maker}</Hersteller>
    <Typenbezeichnung>E-101</Typenbezeichnung>
    <Nabenhoehe>99</Nabenhoehe>
    <Rotordurchmesser>101</Rotordurchmesser>
    <EegMaStRNummer>EEG9{id}</EegMaStRNummer>
  </EinheitWind>
"""

CSV_HEADER = (
    "MaStR-Nr. der Einheit;Anzeige-Name der Einheit;Betriebs-Status;Energieträger;"
    "Bruttoleistung der Einheit;Nettonennleistung der Einheit;Inbetriebnahmedatum der Einheit;"
    "Koordinate: Breitengrad (WGS84);Koordinate: Längengrad (WGS84);"
    "Hersteller der Windenergieanlage;Typenbezeichnung;Nabenhöhe der Windenergieanlage;"
    "Rotordurchmesser der Windenergieanlage"
)


def _xml(units) -> str:
    body = "".join(UNIT_XML.format(**u) for u in units)
    return f'<?xml version="1.0" encoding="UTF-16"?>\n<EinheitenWind>\n{body}</EinheitenWind>\n'


def _units():
    lat, lon = HOPPENBRUCH
    return [
        {"id": "SEE900000000001", "lat": lat + 0.0006, "lon": lon, "date": "2014-05-12",
         "status": 35, "maker": 1586},
        {"id": "SEE900000000002", "lat": lat, "lon": lon + 0.0016, "date": "2016-02-01",
         "status": 35, "maker": 1586},
        # finally shut down next to the heap: left out
        {"id": "SEE900000000003", "lat": lat - 0.0005, "lon": lon, "date": "2001-01-01",
         "status": 38, "maker": 1586},
        # Berlin: at no heap
        {"id": "SEE900000000004", "lat": 52.52, "lon": 13.40, "date": "2010-01-01",
         "status": 35, "maker": 1586},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def heaps():
    return read_registry(data_path("heaps.geojson"))


def _check_hoppenbruch(facts):
    assert set(facts) == {"hoppenbruch"}
    f = facts["hoppenbruch"]
    ew = f.existing_wind
    assert ew.count == 2 and ew.rated_kw == 3050 and ew.hub_height_m == 99
    assert ew.rotor_diameter_m == 101 and ew.since == "2014-2016"
    assert ew.windpowerlib_type == "E-101/3050" and "E-101" in ew.model
    assert ew.reported_mwh_per_a == 6700  # the registry's reported yield is kept
    assert f.mastr_ids == ("SEE900000000001", "SEE900000000002")
    assert 60 < f.distance_m < 130
    assert "MaStR" in f.source and "SEE900000000002" in f.source
    assert f.properties()["existing_wind_count"] == 2


def test_bulk_xml_utf16_fills_a_heaps_facts(tmp_path, heaps):
    p = tmp_path / "EinheitenWind_1.xml"
    p.write_text(_xml(_units()), encoding="utf-16")  # with BOM, as downloaded
    assert p.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    df = read_mastr(p)
    assert len(df) == 4 and df.attrs["source"] == "MaStR bulk XML EinheitenWind_1.xml"
    assert df.loc[0, "commissioning_date"] == "2014-05-12" and df.loc[0, "rated_kw"] == 3050
    _check_hoppenbruch(existing_from_mastr(heaps, df, 300.0))


def test_web_csv_fills_a_heaps_facts(tmp_path, heaps):
    lat, lon = HOPPENBRUCH
    rows = []
    for u in _units():
        d = u["date"].split("-")
        status = {35: "In Betrieb", 38: "Endgültig stillgelegt"}[u["status"]]
        rows.append(
            f"{u['id']};WEA {u['id']};{status};Wind;3050,000;3050,000;{d[2]}.{d[1]}.{d[0]};"
            f"{str(u['lat']).replace('.', ',')};{str(u['lon']).replace('.', ',')};"
            "ENERCON GmbH;E-101;99,00;101,00"
        )
    rows.append(
        f"SEE900000000009;PV;In Betrieb;Solare Strahlungsenergie;10;10;01.01.2020;{lat};{lon};;;;"
    )
    p = tmp_path / "Stromerzeuger.csv"
    p.write_text(CSV_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8-sig")
    df = read_mastr(p)
    assert len(df) == 4 and df.attrs["source"].startswith("MaStR web CSV")
    assert df.loc[1, "commissioning_date"] == "2016-02-01" and df.loc[1, "hub_height_m"] == 99
    facts = existing_from_mastr(heaps, df)
    _check_hoppenbruch(facts)
    assert facts["hoppenbruch"].existing_wind.model == "ENERCON GmbH E-101"


def test_bad_exports_are_one_line_errors(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"Koordinate: Breitengrad \(WGS84\)") as exc:
        read_mastr(p)
    assert "\n" not in str(exc.value) and str(p) in str(exc.value)
    q = tmp_path / "EinheitenWind_2.xml"
    q.write_text("<EinheitenWind><EinheitWind>", encoding="utf-16")
    with pytest.raises(RegistryError, match="not a readable MaStR EinheitenWind XML"):
        read_mastr(q)
    with pytest.raises(RegistryError, match="cannot read"):
        read_mastr(tmp_path / "missing.xml")


def test_units_inside_a_footprint_are_assigned(tmp_path, heaps):
    """A heap with a footprint: units inside it (radius 0) count, a unit 200 m outside does not."""
    from dataclasses import replace

    from shapely.geometry import box

    lat, lon = HOPPENBRUCH
    heap = replace(
        next(h for h in heaps if h.id == "hoppenbruch"),
        footprint=box(lon - 0.002, lat - 0.001, lon + 0.002, lat + 0.001),  # ~280 m x 220 m
    )
    units = _units()[:2] + [
        {"id": "SEE900000000005", "lat": lat + 0.0029, "lon": lon, "date": "2018-01-01",
         "status": 35, "maker": 1586},
    ]  # fmt: skip
    p = tmp_path / "EinheitenWind_1.xml"
    p.write_text(_xml(units), encoding="utf-16")
    facts = existing_from_mastr([heap], read_mastr(p), radius_m=0.0)
    assert facts["hoppenbruch"].mastr_ids == ("SEE900000000001", "SEE900000000002")
    facts = existing_from_mastr([heap], read_mastr(p), radius_m=250.0)
    assert facts["hoppenbruch"].existing_wind.count == 3
    assert facts["hoppenbruch"].existing_wind.since == "2014-2018"


@pytest.mark.slow
def test_run_mastr_fills_existing_turbines(tmp_path, cli):
    """``run --mastr``: the units near Hoppenbruch become its existing turbines; manifest input."""
    import json

    import pandas as pd

    p = tmp_path / "EinheitenWind_1.xml"
    p.write_text(_xml(_units()), encoding="utf-16")
    out = tmp_path / "run"
    cli("run", "--heap", "hoppenbruch", "--mastr", p, "--out", out)
    res = pd.read_csv(out / "results.csv").set_index("heap_id")
    assert res.loc["hoppenbruch", "existing_wind_turbines"] == 2
    man = json.loads((out / "manifest.json").read_text("utf-8"))
    rec = [i for i in man["inputs"] if i["role"] == "mastr"]
    assert len(rec) == 1 and len(rec[0]["sha256"]) == 64
    assert any("MaStR" in w for w in man["warnings"])
