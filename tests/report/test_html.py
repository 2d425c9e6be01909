"""Tests of the HTML report (issue 7): content of the page.

Sections, sheets, ranking, parameters, languages, tolerance of missing inputs.
"""

from __future__ import annotations

import pandas as pd
import pytest

from haldenenergie.errors import OutputError
from haldenenergie.report import load_report_data, render_report, write_report
from haldenenergie.report.fmt import fmt_number


def test_report_has_sections_sheets_and_no_external_refs(results_dir, tmp_path, external_refs):
    out = write_report(results_dir, tmp_path / "report.html", registry=tmp_path / "heaps.geojson")
    text = out.read_text(encoding="utf-8")
    for sec in ("summary", "map", "charts", "ranking", "sheets", "assumptions"):
        assert f'<section id="{sec}"' in text
    res = pd.read_csv(results_dir / "results.csv")
    for hid in res["heap_id"]:
        assert text.count(f'id="heap-{hid}"') == 1, hid
    assert text.count('<article class="sheet"') == len(res)
    for fig in ("fig-map", "fig-energy", "fig-monthly", "fig-p50p90"):
        assert f'id="{fig}"' in text
    assert external_refs(text) == []
    # Heaps without coordinates are listed beside the map; the rest are on it.
    aside = text.split("<aside>")[1].split("</aside>")[0]
    assert "Halde Gärtnerbecken" in aside and "Kissinger Höhe" in aside
    assert "Halde Hoheward" not in aside
    # Orientation roses for heaps with PV surfaces; monthly mini charts for heaps with energy.
    n_pv = int((res["pv_usable_area_ha"] > 0).sum())
    assert text.count('<svg class="rose"') == n_pv
    assert text.count('<svg class="monthly"') == int((res["total_energy_mwh_per_a"] > 0).sum())
    # Totals: factors with their years and sources stated once; existing turbines apart.
    assert "BDEW (2023)" in text and "UBA (2024)" in text and "2023" in text
    assert "Bestehende Windenergieanlagen" in text
    # Sources used: weather and DEM files, run date and version from the manifest.
    assert "TRY2015_essen_jahr.dat" in text and "ruhr_west_srtm3_3as.tif" in text
    assert "2025-11-26 10:00 UTC" in text and "haldenenergie 0.1.0" in text
    # Registry facts and sources with clickable (not loaded) links.
    assert 'href="https://de.wikipedia.org/wiki/Liste_von_Halden_im_Ruhrgebiet"' in text
    # Size stays reasonable.
    assert len(text.encode()) < 1_500_000


def test_ranking_table_in_rank_order_with_reasons_and_range(results_dir, render):
    text = render(results_dir)
    res = pd.read_csv(results_dir / "results.csv").sort_values("rank")
    table = text.split('<section id="ranking"')[1].split("</section>")[0]
    positions = [table.index(f'href="#heap-{h}"') for h in res["heap_id"]]
    assert positions == sorted(positions)
    assert "PV-Fläche nach Ausschlüssen vorhanden" in table
    r1 = res.iloc[0]
    assert f"{int(r1.rank_best)}–{int(r1.rank_worst)}" in table


def test_assumptions_list_every_parameter_with_unit_and_source(results_dir, render, parameters):
    text = render(results_dir, lang="en")
    sec = text.split('<section id="assumptions"')[1]
    for vals in parameters.values():
        for key in vals:
            assert f"<code>{key}</code>" in sec, key
    assert "NRW state government (2022)" in sec and "MWp ha-1" in sec
    # plateau_tilt_deg was 20 in the run against a default of 25: flagged as changed.
    row = sec.split("<code>plateau_tilt_deg</code>")[1].split("</tr>")[0]
    assert ">20<" in row.replace(" <span", "<span") and "changed" in row


def test_languages(results_dir, render):
    de, en = render(results_dir, "de"), render(results_dir, "en")
    assert '<html lang="de">' in de and '<html lang="en">' in en
    for label_de, label_en in (
        ("Zusammenfassung", "Summary"),
        ("Rangfolge", "Ranking"),
        ("Haldenblätter", "Heap sheets"),
        ("nicht bewertet", "not assessed"),
        ("ungeeignet", "unsuitable"),
        ("Steckbrief und Quellen", "Facts and sources"),
    ):
        assert label_de in de and label_de not in en, label_de
        assert label_en in en, label_en
    assert "PV-Fläche nach Ausschlüssen" in de
    assert "PV area left after exclusions" in en and "PV-Fläche nach Ausschlüssen" not in en
    # Number formats: German grouping with '.', English with ','.
    tot = pd.read_csv(results_dir / "totals.csv")
    e = float(tot.loc[tot["class"] == "all", "total_energy_mwh_per_a"].iloc[0])
    assert fmt_number(e, 0, "de") in de and fmt_number(e, 0, "en") in en
    with pytest.raises(OutputError, match="language"):
        render_report(load_report_data(results_dir), lang="fr", describe_rows=[])


def test_deterministic_output(results_dir, render):
    assert render(results_dir) == render(results_dir)


def test_tolerates_missing_optional_inputs(results_dir, tmp_path, render):
    for name in ("monthly.csv", "surfaces.csv", "totals.csv", "summary.csv", "manifest.json"):
        (results_dir / name).unlink()
    res = pd.read_csv(results_dir / "results.csv")
    res.drop(
        columns=[
            "lat",
            "lon",
            "rank",
            "rank_best",
            "rank_worst",
            "class",
            "reasons",
            "reasons_de",
            "score",
        ]
    ).to_csv(results_dir / "results.csv", index=False)
    (tmp_path / "heaps.geojson").unlink()
    text = render(results_dir, registry=None)
    assert text.count("nicht verfügbar") >= 5
    assert "manifest.json fehlt" in text
    assert 'id="fig-energy"' in text  # still drawn from results.csv
    assert 'id="fig-map"' not in text and 'id="fig-p50p90"' not in text
    assert text.count('<article class="sheet"') == len(res)
    assert "totals.csv fehlt" in text


def test_changed_registry_is_flagged(results_dir, tmp_path, render):
    reg = tmp_path / "heaps.geojson"
    reg.write_text(
        reg.read_text(encoding="utf-8").replace("Tetraeder", "Tetraeder (neu)"), encoding="utf-8"
    )
    assert "Haldenverzeichnis seit dem Rechenlauf geändert" in render(results_dir)
