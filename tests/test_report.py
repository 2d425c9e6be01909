"""Tests of the HTML report (issue 7): content, language, tolerance, CLI, and a real browser render."""

from __future__ import annotations

import html as htmlmod
import json
import math
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from numpy.testing import assert_allclose

from haldenenergie import report as rp
from haldenenergie.cli import main
from haldenenergie.errors import OutputError

# --------------------------------------------------------------------------------------------
# A realistic results folder, as `haldenenergie run` + `rank` (+ a batch summary) would write it
# --------------------------------------------------------------------------------------------

#: (id, name, city, lat, lon) of heaps of the RVR heap concept, from ../shared/data/heaps/
#: heap_facts.csv (public sources listed there); None = no coordinates known.
HEAPS = [
    ("hoheward", "Halde Hoheward", "Herten / Recklinghausen", 51.567, 7.167),
    ("hoppenbruch", "Halde Hoppenbruch", "Herten", 51.561659, 7.153974),
    ("beckstrasse", "Halde Beckstraße (Tetraeder-Halde)", "Bottrop-Batenbrock", 51.526944, 6.96),
    ("halde-19", "Halde 19", "Gladbeck-Brauck", 51.534444, 7.000278),
    ("gaertnerbecken", "Halde Gärtnerbecken", "Dinslaken-Hiesfeld", None, None),
    ("brassert", "Halde Brassert III (Lipper Höhe)", "Marl-Brassert", 51.680556, 7.068611),
    ("schwerin", "Halde Schwerin", "Castrop-Rauxel", 51.546056, 7.337444),
    ("grosses-holz", "Halde Großes Holz", "Bergkamen", 51.624722, 7.615556),
    ("kissinger-hoehe", "Kissinger Höhe", "Hamm", None, None),
    ("norddeutschland", "Halde Norddeutschland", "Neukirchen-Vluyn", 51.4693, 6.5664),
    ("rheinpreussen", "Halde Rheinpreußen", "Moers-Meerbeck", 51.478522, 6.650225),
    ("haniel", "Halde Haniel", "Bottrop / Oberhausen", 51.5504, 6.87577),
    ("halde-22", 'Halde 22 ("Kippe 22")', "Gladbeck-Brauck", 51.541111, 6.997778),
    ("brockenscheidt", "Halde Brockenscheidt", "Waltrop", 51.616667, 7.421417),
    ("solbadhalde", "Solbadhalde", "Mülheim an der Ruhr / Oberhausen (border)", 51.4511, 6.8349),
    ("gotthelf", "Halde Gotthelf", "Dortmund-Hombruch", 51.470667, 7.451),
    ("pattberg", "Halde Pattberg", "Moers-Repelen", 51.497861, 6.584889),
    (
        "schoettelheide",
        "Halde Schöttelheide (Haniel-Nord)",
        "Bottrop-Kirchhellen",
        51.560833,
        6.889167,
    ),
    ("schurenbach", "Schurenbachhalde", "Essen-Altenessen", 51.51148, 7.01667),
    ("rheinelbe", "Halde Rheinelbe", "Gelsenkirchen-Ückendorf", 51.488235, 7.108133),
    ("ewald-fortsetzung", "Halde Ewald Fortsetzung", "Oer-Erkenschwick", 51.646111, 7.262778),
    ("sachsen", "Halde Sachsen", "Hamm-Heessen", 51.705345, 7.816193),
    ("pluto-wilhelm", "Bergehalde Pluto-Wilhelm", "Herne-Wanne", 51.53335, 7.140967),
    ("rungenberg", "Halde Rungenberg", "Gelsenkirchen-Buer", 51.56225, 7.04125),
    ("scholver-feld", "Halde Scholver Feld", "Gelsenkirchen-Scholven", 51.618194, 7.022),
    ("mottbruch", "Mottbruchhalde", "Gladbeck-Brauck", 51.545556, 6.993333),
    ("graf-moltke-2", "Halde Graf Moltke 2", "Gladbeck-Brauck", 51.552806, 6.995972),
    ("lohberg-nord", "Halde Lohberg Nord", "Dinslaken", None, None),
    ("groppenbruch", "Halde Groppenbruch", "Dortmund-Mengede / Lünen", 51.587889, 7.411194),
    (
        "elsa-braendstroem-strasse",
        "Halde Elsa-Brändström-Straße",
        "Lünen-Brambauer / Dortmund",
        None,
        None,
    ),
    ("humbert", "Halde Humbert (Kissinger Höhe 2)", "Hamm", 51.657528, 7.756),
    ("scholven", "Halde Scholven (Oberscholven)", "Gelsenkirchen-Scholven", None, None),
    ("kohlenhuck", "Halde Kohlenhuck", "Moers", None, None),
    ("lohberg-nord-erweiterung", "Halde Lohberg Nord Erweiterung", "Hünxe", None, None),
    ("brinkfortsheide", "Halde Brinkfortsheide", "Marl", 51.671054, 7.141404),
    ("haus-aden", "Kanalband Haus Aden", "Bergkamen", None, None),
    ("sundern", "Halde Sundern (Sundernrücken)", "Hamm-Pelkum", 51.643869, 7.740916),
    ("radbod", "Halde Radbod (Ost)", "Hamm-Bockum-Hövel", 51.683139, 7.7535),
    ("graf-moltke-1", "Halde Graf Moltke 1", "Gladbeck-Brauck", 51.551111, 6.99),
    ("general-blumenthal-8", "Halde General Blumenthal 8", "Oer-Erkenschwick / Marl", None, None),
    ("wehofen-ost", "Halde Wehofen Ost", "Dinslaken / Duisburg-Walsum", None, None),
    ("rossenray", "Halde Rossenray", "Kamp-Lintfort", None, None),
    ("rheinbaben", "Halde Rheinbaben", "Gladbeck-Ellinghorst", None, None),
    ("eickwinkel", "Halde Eickwinkel", "Essen-Altenessen / Gelsenkirchen (border)", None, None),
    ("preussenhalde", "Preußenhalde", "Lünen-Horstmar", 51.596667, 7.538889),
    ("zollverein", "Halden Zollverein", "Essen-Stoppenberg / Katernberg", 51.489889, 7.047917),
]
CLASSES = ["pv+wind", "pv", "wind", "pv", "unsuitable", "pv+wind", "not-assessed", "pv"]
PARAMETERS = {
    "pv": {"power_density_mwp_per_ha": 0.75, "system_loss_fraction": 0.14, "plateau_tilt_deg": 20},
    "wind": {"turbine_type": "E-126/4200", "hub_height_m": 135, "roughness_length_m": 0.3},
    "suitability": {"housing_distance_min_m": 600, "weights": {"energy": 0.4, "owner": 0.2}},
}
DESCRIBE = [
    {
        "section": "pv",
        "key": "power_density_mwp_per_ha",
        "value": 0.75,
        "unit": "MWp ha-1",
        "default": 0.75,
        "source": "NRW state government (2022): 300 MW ≈ 400 ha",
        "doc": "density",
    },
    {
        "section": "pv",
        "key": "system_loss_fraction",
        "value": 0.14,
        "unit": "-",
        "default": 0.14,
        "source": "PVGIS default 14 % system loss",
        "doc": "",
    },
    {
        "section": "pv",
        "key": "plateau_tilt_deg",
        "value": 25,
        "unit": "deg",
        "default": 25,
        "source": "assumption: near-optimal tilt at 51.5 N",
        "doc": "",
    },
    {
        "section": "wind",
        "key": "turbine_type",
        "value": "E-126/4200",
        "unit": "-",
        "default": "E-126/4200",
        "source": "windpowerlib oedb turbine library",
        "doc": "",
    },
    {
        "section": "wind",
        "key": "hub_height_m",
        "value": 135,
        "unit": "m",
        "default": 135,
        "source": "LANUV wind atlas reference height 135 m",
        "doc": "",
    },
]


def make_results_dir(root: Path, n_heaps: int = 10, summary: bool = True, seed: int = 1) -> Path:
    """Write a registry and a results folder for the first ``n_heaps`` of HEAPS under ``root``.

    Returns the results folder (``root/run``). Values are plausible, not computed: PV at
    0.75 MWp/ha and ~950 kWh/kWp, wind turbines of 4.2 MW at ~2,000 full-load hours.
    """
    rng = np.random.default_rng(seed)
    heaps = HEAPS[:n_heaps]
    root.mkdir(parents=True, exist_ok=True)
    out = root / "run"
    out.mkdir()
    # Registry (GeoJSON) ----------------------------------------------------------------------
    feats = []
    for i, (hid, name, city, lat, lon) in enumerate(heaps):
        props = {
            "id": hid,
            "name": name,
            "city": city,
            "lat": lat,
            "lon": lon,
            "owner": "RVR" if i % 4 else "RAG (transfer to RVR by ~2035)",
            "membership": "confirmed",
            "area_ha": float(10 + 15 * (i % 7)),
            "height_asl_m": 80.0 + i,
            "height_rel_m": 30.0 + 5 * i,
            "form": ["table", "cone", "landscape", "terraced"][i % 4],
            "existing_wind_count": 1 if i % 5 == 1 else 0,
            "existing_wind_model": "Enercon E-101" if i % 5 == 1 else None,
            "existing_wind_hub_height_m": 99 if i % 5 == 1 else None,
            "existing_wind_since": "2016" if i % 5 == 1 else None,
            "landmark": "Tetraeder" if i % 3 == 0 else None,
            "nature_protection": "reserve" if i % 6 == 4 else None,
            "access": "closed" if i % 7 == 6 else "open",
            "constraints": "MTB trail; GRHK tourism focus" if i % 2 else None,
            "value_notes": "area_ha: 35.0 [Wikipedia list; alt 33]" if i % 3 == 1 else None,
            "sources": "https://de.wikipedia.org/wiki/Liste_von_Halden_im_Ruhrgebiet; "
            "http://www.halden.ruhr/tetraeder.html",
        }
        geom = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
        feats.append({"type": "Feature", "id": hid, "geometry": geom, "properties": props})
    registry = root / "heaps.geojson"
    registry.write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False),
        encoding="utf-8",
    )
    # results.csv ---------------------------------------------------------------------------------
    rows = []
    for i, (hid, name, city, lat, lon) in enumerate(heaps):
        cls = CLASSES[i % len(CLASSES)]
        usable = 0.0 if cls in ("wind", "unsuitable") else float(rng.uniform(3, 40))
        pv_mwp = 0.75 * usable
        yld = float(rng.uniform(880, 1010))
        n_wt = int(rng.integers(1, 4)) if cls in ("wind", "pv+wind") else 0
        flh = float(rng.uniform(1700, 2400))
        rows.append(
            {
                "heap_id": hid,
                "name": name,
                "city": city,
                "owner": "RVR",
                "lat": lat,
                "lon": lon,
                "terrain_source": "parametric" if i % 3 else "dem:ruhr_west_srtm3_3as.tif",
                "footprint_area_ha": 10 + 15 * (i % 7),
                "relative_height_m": 30 + 5 * i,
                "plateau_area_ha": 0.3 * usable,
                "pv_usable_area_ha": usable,
                "pv_capacity_mwp": pv_mwp,
                "pv_energy_mwh_per_a": pv_mwp * yld,
                "pv_specific_yield_kwh_per_kwp": yld if usable else None,
                "wind_turbines_new": n_wt,
                "wind_turbine_type": "E-126/4200" if n_wt else None,
                "wind_hub_height_m": 135 if n_wt else None,
                "wind_capacity_mw": 4.2 * n_wt,
                "wind_energy_mwh_per_a": 4.2 * n_wt * flh,
                "wind_full_load_hours_h": flh if n_wt else None,
                "wind_capacity_factor": flh / 8760 if n_wt else None,
                "existing_wind_turbines": 1 if i % 5 == 1 else 0,
                "existing_wind_energy_mwh_per_a": 5200.0 if i % 5 == 1 else 0.0,
                "total_energy_mwh_per_a": pv_mwp * yld + 4.2 * n_wt * flh,
                "assumptions": "area_ha=20 (default, registry empty); base level from DEM ring"
                if i % 2
                else "",
                "status": "ok"
                if i != 3
                else "terrain: DEM does not cover the heap; parametric used",
                "class": cls,
                "reasons": "PV area left after exclusions; housing distance unknown (not assessed)",
                "reasons_de": "PV-Fläche nach Ausschlüssen vorhanden; Abstand zur Wohnbebauung unbekannt",
                "score_energy": float(rng.uniform(0, 40)),
                "score_owner": float(rng.choice([0, 10, 20])),
                "score_penalty": -float(rng.choice([0, 5])),
            }
        )
    res = pd.DataFrame(rows)
    res["score"] = res["score_energy"] + res["score_owner"] + res["score_penalty"]
    order = res.sort_values(["score", "heap_id"], ascending=[False, True]).index
    res.loc[order, "rank"] = np.arange(1, len(res) + 1)
    res["rank_best"] = (res["rank"] - 1).clip(lower=1)
    res["rank_worst"] = (res["rank"] + 2).clip(upper=len(res))
    res.to_csv(out / "results.csv", index=False)
    # surfaces.csv ----------------------------------------------------------------------------
    srows = []
    for r in res.itertuples():
        if r.pv_usable_area_ha <= 0:
            continue
        srows.append(
            {
                "heap_id": r.heap_id,
                "surface_class": "plateau",
                "kind": "plateau",
                "tilt_band": "0-5",
                "azimuth_sector": "flat",
                "surface_tilt_deg": 2.0,
                "surface_azimuth_deg": 180.0,
                "area_ha": r.plateau_area_ha,
                "usable_area_ha": r.plateau_area_ha,
            }
        )
        flank = r.pv_usable_area_ha - r.plateau_area_ha
        for sec, share in (("SE", 0.2), ("S", 0.4), ("SW", 0.25), ("W", 0.15)):
            srows.append(
                {
                    "heap_id": r.heap_id,
                    "surface_class": f"flank_{sec}_15-25",
                    "kind": "flank",
                    "tilt_band": "15-25",
                    "azimuth_sector": sec,
                    "surface_tilt_deg": 21.0,
                    "surface_azimuth_deg": rp.SECTOR_AZIMUTH_DEG[sec],
                    "area_ha": flank * share * 1.3,
                    "usable_area_ha": flank * share,
                }
            )
        srows.append(
            {
                "heap_id": r.heap_id,
                "surface_class": "flank_N_15-25",
                "kind": "flank",
                "tilt_band": "15-25",
                "azimuth_sector": "N",
                "surface_tilt_deg": 22.0,
                "surface_azimuth_deg": 0.0,
                "area_ha": 0.4 * flank,
                "usable_area_ha": 0.0,
            }
        )
    surf = pd.DataFrame(srows)
    tot_pv = res.set_index("heap_id")["pv_capacity_mwp"]
    surf["capacity_mwp"] = 0.75 * surf["usable_area_ha"]
    yld = res.set_index("heap_id")["pv_specific_yield_kwh_per_kwp"]
    surf["energy_mwh_per_a"] = surf["capacity_mwp"] * surf["heap_id"].map(yld).fillna(0)
    assert_allclose(
        surf.groupby("heap_id")["capacity_mwp"].sum(), tot_pv[tot_pv > 0].sort_index(), rtol=1e-9
    )
    surf.to_csv(out / "surfaces.csv", index=False)
    # monthly.csv: PV peaks in summer, wind in winter; months sum to the annual values ---------
    mon = np.arange(1, 13)
    pv_shape = 1 + 0.8 * np.sin((mon - 3.5) / 12 * 2 * np.pi)
    wind_shape = 1 + 0.35 * np.cos((mon - 1) / 12 * 2 * np.pi)
    mrows = []
    for r in res.itertuples():
        for m, ps, ws in zip(mon, pv_shape / pv_shape.sum(), wind_shape / wind_shape.sum()):
            mrows.append(
                {
                    "heap_id": r.heap_id,
                    "month": int(m),
                    "pv_energy_mwh": r.pv_energy_mwh_per_a * ps,
                    "wind_energy_mwh": r.wind_energy_mwh_per_a * ws,
                }
            )
    pd.DataFrame(mrows).to_csv(out / "monthly.csv", index=False)
    # totals.csv: per class and overall, with households and CO2 factors and their years ------
    g = res.groupby("class")
    tot = pd.DataFrame(
        {
            "n_heaps": g.size(),
            "pv_capacity_mwp": g["pv_capacity_mwp"].sum(),
            "wind_capacity_mw": g["wind_capacity_mw"].sum(),
            "pv_energy_mwh_per_a": g["pv_energy_mwh_per_a"].sum(),
            "wind_energy_mwh_per_a": g["wind_energy_mwh_per_a"].sum(),
        }
    ).reset_index()
    allrow = tot.drop(columns="class").sum().to_dict()
    tot = pd.concat([tot, pd.DataFrame([{"class": "all", **allrow}])], ignore_index=True)
    tot["total_energy_mwh_per_a"] = tot["pv_energy_mwh_per_a"] + tot["wind_energy_mwh_per_a"]
    tot["households"] = (tot["total_energy_mwh_per_a"] * 1000 / 3500).round()
    tot["household_consumption_kwh_per_a"] = 3500
    tot["household_factor_year"] = 2023
    tot["household_factor_source"] = "BDEW (2023): 3,500 kWh per 3-person household"
    tot["co2_avoided_t_per_a"] = tot["total_energy_mwh_per_a"] * 0.380
    tot["co2_factor_g_per_kwh"] = 380
    tot["co2_factor_year"] = 2023
    tot["co2_factor_source"] = "UBA (2024): CO2 emission factor of the German power mix 2023"
    tot.to_csv(out / "totals.csv", index=False)
    # manifest.json ---------------------------------------------------------------------------
    manifest = {
        "tool": "haldenenergie",
        "command": "run",
        "created_utc": "2025-11-26T10:00:00+00:00",
        "versions": {
            "python": "3.11.2",
            "haldenenergie": "0.1.0",
            "pvlib": "0.13.1",
            "windpowerlib": "0.2.2",
        },
        "inputs": [
            {
                "role": "registry",
                "path": str(registry),
                "bytes": registry.stat().st_size,
                "sha256": rp.sha256_file(registry),
            },
            {
                "role": "weather",
                "path": "/data/weather/TRY2015_essen_jahr.dat",
                "bytes": 1,
                "sha256": "ab" * 32,
            },
            {
                "role": "dem",
                "path": "/data/dem/ruhr_west_srtm3_3as.tif",
                "bytes": 1,
                "sha256": "cd" * 32,
            },
        ],
        "parameters": PARAMETERS,
        "weather": {
            "station": "Essen (TRY2015 normal year)",
            "period_start": "2015-01-01",
            "period_end": "2015-12-31",
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    # Batch summary.csv ---------------------------------------------------------------------------
    if summary:
        te = res["total_energy_mwh_per_a"]
        sd = 0.06 * te
        pd.DataFrame(
            {
                "heap_id": res["heap_id"],
                "n_runs": 4,
                "total_energy_mean_mwh_per_a": te,
                "total_energy_min_mwh_per_a": te - 1.8 * sd,
                "total_energy_max_mwh_per_a": te + 1.6 * sd,
                "total_energy_std_mwh_per_a": sd,
                "total_energy_p50_mwh_per_a": te * 1.002,
                "total_energy_p90_mwh_per_a": te * (1 - 1.2816 * 0.06),
                "rank_mean": res["rank"],
                "rank_best": res["rank_best"],
                "rank_worst": res["rank_worst"],
            }
        ).to_csv(out / "summary.csv", index=False)
    return out


@pytest.fixture()
def results_dir(tmp_path) -> Path:
    return make_results_dir(tmp_path, n_heaps=10)


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764151200")  # 2025-11-26 10:00 UTC


def _render(results_dir: Path, lang: str = "de", **kw) -> str:
    data = rp.load_report_data(results_dir, **kw)
    return rp.render_report(data, lang=lang, describe_rows=DESCRIBE)


EXTERNAL = [
    r'src\s*=\s*["\']?\s*(https?:)?//',
    r'<link[^>]+href\s*=\s*["\']?\s*(https?:)?//',
    r"@import",
    r"url\(\s*['\"]?\s*(https?:)?//",
    r"<script[^>]+src\s*=",
]


def _external_refs(text: str) -> list[str]:
    return [p for p in EXTERNAL if re.search(p, text, flags=re.IGNORECASE)]


# --------------------------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------------------------


def test_report_has_sections_sheets_and_no_external_refs(results_dir, tmp_path):
    out = rp.write_report(
        results_dir, tmp_path / "report.html", registry=tmp_path / "heaps.geojson"
    )
    text = out.read_text(encoding="utf-8")
    for sec in ("summary", "map", "charts", "ranking", "sheets", "assumptions"):
        assert f'<section id="{sec}"' in text
    res = pd.read_csv(results_dir / "results.csv")
    for hid in res["heap_id"]:
        assert text.count(f'id="heap-{hid}"') == 1, hid
    assert text.count('<article class="sheet"') == len(res)
    for fig in ("fig-map", "fig-energy", "fig-monthly", "fig-p50p90"):
        assert f'id="{fig}"' in text
    assert _external_refs(text) == []
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


def test_ranking_table_in_rank_order_with_reasons_and_range(results_dir):
    text = _render(results_dir)
    res = pd.read_csv(results_dir / "results.csv").sort_values("rank")
    table = text.split('<section id="ranking"')[1].split("</section>")[0]
    positions = [table.index(f'href="#heap-{h}"') for h in res["heap_id"]]
    assert positions == sorted(positions)
    assert "PV-Fläche nach Ausschlüssen vorhanden" in table
    r1 = res.iloc[0]
    assert f"{int(r1.rank_best)}–{int(r1.rank_worst)}" in table


def test_assumptions_list_every_parameter_with_unit_and_source(results_dir):
    text = _render(results_dir, lang="en")
    sec = text.split('<section id="assumptions"')[1]
    for vals in PARAMETERS.values():
        for key in vals:
            assert f"<code>{key}</code>" in sec, key
    assert "NRW state government (2022)" in sec and "MWp ha-1" in sec
    # plateau_tilt_deg was 20 in the run against a default of 25: flagged as changed.
    row = sec.split("<code>plateau_tilt_deg</code>")[1].split("</tr>")[0]
    assert ">20<" in row.replace(" <span", "<span") and "changed" in row


def test_parameter_rows_merge():
    rows = rp.parameter_rows(PARAMETERS, DESCRIBE)
    by = {(r["section"], r["key"]): r for r in rows}
    assert by[("pv", "plateau_tilt_deg")]["value"] == 20
    assert by[("pv", "plateau_tilt_deg")]["changed"] is True
    assert by[("pv", "power_density_mwp_per_ha")]["changed"] is False
    assert by[("wind", "hub_height_m")]["unit"] == "m"
    # Parameters of the run that the program no longer describes are still listed.
    assert by[("suitability", "weights")]["source"] == "–"
    assert len(rows) == sum(len(v) for v in PARAMETERS.values())
    # Without a manifest, the program's values are shown as they are.
    assert [r["value"] for r in rp.parameter_rows({}, DESCRIBE)] == [d["value"] for d in DESCRIBE]


def test_languages(results_dir):
    de, en = _render(results_dir, "de"), _render(results_dir, "en")
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
    assert rp.fmt_number(e, 0, "de") in de and rp.fmt_number(e, 0, "en") in en
    with pytest.raises(OutputError, match="language"):
        rp.render_report(rp.load_report_data(results_dir), lang="fr", describe_rows=[])


def test_every_label_in_both_languages():
    for table in (rp.LABELS, rp.CLASS_LABELS, rp.COLUMN_LABELS):
        for key, pair in table.items():
            assert len(pair) == 2 and all(isinstance(s, str) and s for s in pair), key


def test_deterministic_output(results_dir):
    assert _render(results_dir) == _render(results_dir)


def test_tolerates_missing_optional_inputs(results_dir, tmp_path):
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
    text = _render(results_dir, registry=None)
    assert text.count("nicht verfügbar") >= 5
    assert "manifest.json fehlt" in text
    assert 'id="fig-energy"' in text  # still drawn from results.csv
    assert 'id="fig-map"' not in text and 'id="fig-p50p90"' not in text
    assert text.count('<article class="sheet"') == len(res)
    assert "totals.csv fehlt" in text


def test_required_inputs_missing_raise_one_line(tmp_path):
    with pytest.raises(OutputError, match="results folder not found") as exc:
        rp.load_report_data(tmp_path / "nope")
    assert "\n" not in str(exc.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(OutputError, match="results.csv: not found"):
        rp.load_report_data(tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "results.csv").write_text("name,city\nA,B\n", encoding="utf-8")
    with pytest.raises(OutputError, match="heap_id"):
        rp.load_report_data(tmp_path / "bad")


def test_batch_folder_summary_found_above_run_folder(tmp_path):
    # `haldenenergie batch --out DIR` writes DIR/runs/<run>/ and DIR/summary.csv.
    batch = tmp_path / "batch"
    run = make_results_dir(batch / "runs", n_heaps=6, summary=True)
    shutil.move(str(run / "summary.csv"), str(batch / "summary.csv"))
    data = rp.load_report_data(run)
    assert data.summary_path == (batch / "summary.csv").resolve()
    assert 'id="fig-p50p90"' in rp.render_report(data, describe_rows=DESCRIBE)
    # Pointing at the batch folder itself names a run folder to use instead.
    with pytest.raises(OutputError, match=r"batch folder.*runs/run"):
        rp.load_report_data(batch)
    # An explicit --summary wins; a missing one is a one-line error.
    r = CliRunner().invoke(
        main,
        [
            "report",
            str(run),
            "--out",
            str(tmp_path / "r.html"),
            "--summary",
            str(tmp_path / "nope.csv"),
        ],
    )
    assert r.exit_code == 1 and "nope.csv" in r.output and "--summary" in r.output


def test_changed_registry_is_flagged(results_dir, tmp_path):
    reg = tmp_path / "heaps.geojson"
    reg.write_text(
        reg.read_text(encoding="utf-8").replace("Tetraeder", "Tetraeder (neu)"), encoding="utf-8"
    )
    assert "Haldenverzeichnis seit dem Rechenlauf geändert" in _render(results_dir)


# --------------------------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------------------------


def test_fmt_number():
    assert rp.fmt_number(1234567.891, 1, "de") == "1.234.567,9"
    assert rp.fmt_number(1234567.891, 1, "en") == "1,234,567.9"
    assert rp.fmt_number(-0.04, 1, "de") == "0,0"
    assert rp.fmt_number(float("nan")) == "–" and rp.fmt_number(None) == "–"


def test_city_base():
    assert rp.city_base("Gelsenkirchen-Buer") == "Gelsenkirchen"
    assert rp.city_base("Herten / Recklinghausen") == "Herten"
    assert rp.city_base("Castrop-Rauxel") == "Castrop-Rauxel"
    assert rp.city_base("Oer-Erkenschwick / Marl") == "Oer-Erkenschwick"
    assert rp.city_base("Mülheim an der Ruhr / Oberhausen (border)") == "Mülheim an der Ruhr"
    assert rp.city_base(float("nan")) is None


def test_project_points_utm32():
    # On the zone's central meridian (9 deg E) easting is the false easting 500,000 m exactly;
    # 0.1 deg of latitude at 51.5 N is 11,131 m of meridian arc (WGS84: M'(phi) = a(1-e2) /
    # (1-e2 sin^2 phi)^1.5), scaled by k0 = 0.9996 on the central meridian.
    x, y = rp.project_points([9.0, 9.0], [51.45, 51.55])
    assert_allclose(x, 500000.0, atol=1e-6)
    a, e2 = 6378137.0, 0.00669438
    phi = math.radians(51.5)
    m_per_rad = a * (1 - e2) / (1 - e2 * math.sin(phi) ** 2) ** 1.5
    assert_allclose(y[1] - y[0], 0.9996 * m_per_rad * math.radians(0.1), rtol=1e-5)
    # Essen lies west of the central meridian: easting below 500 km, northing ~5.7e6 m.
    xe, ye = rp.project_points([7.0], [51.45])
    assert 340_000 < xe[0] < 370_000 and 5_690_000 < ye[0] < 5_720_000


def test_rose_is_area_true():
    by = pd.DataFrame({"gross": 0.0, "usable": 0.0}, index=[*rp.SECTORS, "flat"])
    by.loc["S", ["gross", "usable"]] = [4.0, 4.0]
    by.loc["E", ["gross", "usable"]] = [1.0, 1.0]
    svg = rp.rose_svg(by, "en", size=170)
    radii = [float(m) for m in re.findall(r"A([\d.]+),", svg)]
    assert max(radii) == pytest.approx(170 / 2 - 16, abs=0.05)
    # Four times the area → twice the radius (area of a sector ∝ r²).
    assert max(radii) / min(radii) == pytest.approx(2.0, rel=2e-3)


def test_orientation_by_sector_sums(results_dir):
    surf = pd.read_csv(results_dir / "surfaces.csv")
    hid = surf["heap_id"].iloc[0]
    by = rp.orientation_by_sector(surf, hid)
    s = surf[surf.heap_id == hid]
    assert_allclose(by["usable"].sum(), s["usable_area_ha"].sum(), rtol=1e-12)
    assert_allclose(by.at["flat", "usable"], s.loc[s.kind == "plateau", "usable_area_ha"].sum())
    assert by.at["N", "usable"] == 0 and by.at["N", "gross"] > 0


def test_monthly_totals_add_up(results_dir):
    mon = pd.read_csv(results_dir / "monthly.csv")
    res = pd.read_csv(results_dir / "results.csv")
    tot = rp.monthly_totals(mon)
    assert list(tot.index) == list(range(1, 13))
    assert_allclose(tot["pv"].sum(), res["pv_energy_mwh_per_a"].sum(), rtol=1e-9)
    assert_allclose(tot["wind"].sum(), res["wind_energy_mwh_per_a"].sum(), rtol=1e-9)


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def test_cli_writes_and_refuses_to_overwrite(results_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.html"
    args = [
        "report",
        str(results_dir),
        "--out",
        str(out),
        "--heaps",
        str(tmp_path / "heaps.geojson"),
    ]
    r = runner.invoke(main, args)
    assert r.exit_code == 0, r.output
    first = out.read_bytes()
    r = runner.invoke(main, [*args, "--lang", "en"])
    assert r.exit_code == 1
    assert "--overwrite" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert out.read_bytes() == first
    r = runner.invoke(main, [*args, "--lang", "en", "--overwrite"])
    assert r.exit_code == 0, r.output
    assert '<html lang="en">' in out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".r.html.*"))  # no temporary file left behind


def test_cli_missing_dir_is_one_line_error(tmp_path):
    r = CliRunner().invoke(
        main, ["report", str(tmp_path / "missing"), "--out", str(tmp_path / "r.html")]
    )
    assert r.exit_code == 1
    assert r.output.startswith("error: ") and len(r.output.strip().splitlines()) == 1
    assert "Traceback" not in r.output and not (tmp_path / "r.html").exists()


def test_cli_usage_errors_exit_2(results_dir, tmp_path):
    r = CliRunner().invoke(
        main, ["report", str(results_dir), "--out", str(tmp_path / "r.html"), "--lang", "fr"]
    )
    assert r.exit_code == 2


def test_performance_46_heaps(tmp_path):
    run = make_results_dir(tmp_path, n_heaps=len(HEAPS))
    t0 = time.perf_counter()
    out = rp.write_report(run, tmp_path / "report.html")
    dt = time.perf_counter() - t0
    text = out.read_text(encoding="utf-8")
    assert text.count('<article class="sheet"') == 46
    assert dt < 15.0, f"report took {dt:.1f} s (limit 15 s)"
    print(f"\nreport of 46 heaps: {dt:.2f} s, {len(text.encode()) / 1024:.0f} kB")


# --------------------------------------------------------------------------------------------
# Real browser: headless Chromium renders the file
# --------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(args: list[str], profile: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        # Anything that tried to reach the network would fail and log a console error.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.integration
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_renders_in_headless_chromium(tmp_path):
    from PIL import Image, ImageStat

    run = make_results_dir(tmp_path, n_heaps=len(HEAPS))
    report = rp.write_report(run, tmp_path / "report.html")
    url = report.resolve().as_uri()
    # 1. DOM after load: the page's self-check records every chart image's size and ink.
    p = _chromium(["--virtual-time-budget=10000", "--dump-dom", url], tmp_path / "profile1")
    assert p.returncode == 0, p.stderr[-2000:]
    dom = p.stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body and 'data-ready="1"' in body.group(1), "self-check did not run (script error?)"
    assert "data-errors" not in dom.split("<head>")[0], re.findall(r'data-errors="[^"]*"', dom)
    console = [ln for ln in p.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == [], console
    images = {
        i["id"]: i
        for i in json.loads(
            htmlmod.unescape(re.search(r'data-images="([^"]*)"', body.group(1)).group(1))
        )
    }
    expected = {
        m[0]: (int(m[1]), int(m[2]))
        for m in re.findall(
            r'<img class="chart" id="([^"]+)"[^>]*data-expected-width="(\d+)" '
            r'data-expected-height="(\d+)"',
            report.read_text(encoding="utf-8"),
        )
    }
    assert set(expected) == {"fig-map", "fig-energy", "fig-monthly", "fig-p50p90"}
    for id_, (w, h) in expected.items():
        im = images[id_]
        assert im["complete"], id_
        # matplotlib writes the SVG size in pt; browsers take 1 pt = 4/3 px.
        assert abs(im["w"] - w) <= 1 and abs(im["h"] - h) <= 1, (id_, im, w, h)
        assert im["ink"] > 0.01, f"{id_} looks blank: ink {im['ink']}"
    n_svgs = int(re.search(r'data-svgs="(\d+)"', body.group(1)).group(1))
    assert n_svgs >= 46  # roses and monthly mini charts
    # 2. Screenshot: a real, non-blank page of the requested size.
    shot = tmp_path / "report.png"
    p = _chromium(
        [f"--screenshot={shot}", "--window-size=1280,2000", "--virtual-time-budget=10000", url],
        tmp_path / "profile2",
    )
    assert p.returncode == 0 and shot.is_file(), p.stderr[-2000:]
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 2000)
    stat = ImageStat.Stat(img.convert("L"))
    assert stat.stddev[0] > 20, f"screenshot looks blank (stddev {stat.stddev[0]:.1f})"
    assert len(img.getcolors(maxcolors=1 << 20) or []) > 200  # text, charts, colours
    # The header band (accent colour) is at the top.
    assert img.getpixel((640, 20)) == (31, 78, 121)


PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> Path:
    """``haldenenergie run`` on the defaults (registry, synthetic weather year, parametric
    terrain): the real sheets, with their long source lists and many PV surfaces."""
    out = tmp_path_factory.mktemp("default") / "out"
    r = CliRunner().invoke(main, ["run", "--out", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def test_report_on_a_default_run_is_fast(default_run, tmp_path):
    """Issue 7: 'haldenenergie report' on the results of a default run in under 15 s."""
    t0 = time.perf_counter()
    r = CliRunner().invoke(
        main,
        ["report", str(default_run), "--out", str(tmp_path / "r.html")],
        catch_exceptions=False,
    )
    dt = time.perf_counter() - t0
    assert r.exit_code == 0, r.output
    assert dt < 15.0, f"report took {dt:.1f} s (limit 15 s)"
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    res = pd.read_csv(default_run / "results.csv")
    assert text.count('<article class="sheet"') == len(res)
    assert _external_refs(text) == []


@pytest.mark.integration
@pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None,
    reason="chromium or pdftotext (poppler-utils) is not installed",
)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_prints_on_a4_one_page_per_heap_sheet(default_run, tmp_path, lang):
    """Chromium's print to PDF of a default run's report: A4 pages, and every heap sheet on
    exactly one page. (Chromium shrinks the whole document when anything is wider than the
    page, which hid sheets of 1.3 pages until the ranking table was given a fixed layout.)"""
    run = default_run
    report = rp.write_report(run, tmp_path / "report.html", lang=lang)
    pdf = tmp_path / "report.pdf"
    p = _chromium(
        [
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=10000",
            report.resolve().as_uri(),
        ],
        tmp_path / "prof",
    )
    assert p.returncode == 0 and pdf.is_file(), p.stderr[-2000:]
    raw = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert boxes and all(
        abs(float(w) - 595) < 1.5 and abs(float(h) - 842) < 1.5 for w, h in boxes
    ), boxes[:3]  # A4 = 595 x 842 pt
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    pages = text.split("\f")
    res = pd.read_csv(run / "results.csv")
    n = len(res)
    heading = rp._lbl("sheets", lang)
    first = next(k for k, pg in enumerate(pages) if pg.strip().startswith(f"5 {heading}"))
    last = first + n - 1
    # Each page of the sheet range starts with its sheet's title ("<rank>. <name>", or the name
    # of an unranked heap) in rank order: no sheet runs over onto a second page.
    names = [str(x)[:25] for x in rp.rank_order(res)["name"]]
    for k, name in zip(range(first, last + 1), names, strict=True):
        head = [h.strip() for h in pages[k].strip().split("\n") if h.strip()][:2]
        assert any(re.sub(r"^\d+\. ", "", h).startswith(name) for h in head), (k, name, head)
    after = pages[last + 1].strip().split("\n")[0]
    assert after.startswith("6 "), after  # the assumptions section follows the last sheet


def test_ranking_table_counts_suitable_uses_and_factors_name_their_sources(default_run, tmp_path):
    """The ranking table shows the energy the score counts (suitable uses, as in the totals)
    and brackets the capacity of a use that is not suitable; the summary states each totals
    factor with its year and cited source (real totals.csv of 'haldenenergie rank')."""
    out = rp.write_report(default_run, tmp_path / "r.html", lang="de")
    text = out.read_text(encoding="utf-8")
    table = text.split('<section id="ranking"')[1].split("</section>")[0]
    res = pd.read_csv(default_run / "results.csv")
    rows = {m[0]: m[1] for m in re.findall(r'href="#heap-([^"]+)">.*?</a></td>(.*?)</tr>', table)}
    assert set(rows) == set(res["heap_id"])
    checked = 0
    for _, r in res.iterrows():
        cells = re.findall(r'<td class="n( off)?">([^<]*)</td>', rows[r["heap_id"]])
        # cells: score, range, PV, wind, energy
        pv, wind, energy = cells[2], cells[3], cells[4]
        assert energy[1] == rp.fmt_number(r["suitable_energy_mwh_per_a"], 0, "de"), r["heap_id"]
        if r["wind_suitability"] != "suitable" and r["wind_capacity_mw"] > 0:
            assert wind[0] == " off" and wind[1].startswith("(") and wind[1].endswith(")")
            checked += 1
        if r["pv_suitability"] == "suitable":
            assert pv[0] == "" and not pv[1].startswith("(")
    assert checked > 0
    summary = text.split('<section id="summary"')[1].split("</section>")[0]
    assert "Bezugsjahr 2024); Quelle: BDEW" in summary
    assert "Bezugsjahr 2023); Quelle: Umweltbundesamt" in summary
