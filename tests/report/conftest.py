"""Shared fixtures of the report tests: a realistic results folder, as ``haldenenergie run`` +
``rank`` (+ a batch summary) would write it, and a real default run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie._io import sha256_file
from haldenenergie.report import load_report_data, render_report
from haldenenergie.report.data import SECTOR_AZIMUTH_DEG

#: (id, name, city, lat, lon) of heaps of the RVR heap concept (Regionalverband Ruhr,
#: "Haldenkonzept"), positions from the Wikipedia list of spoil heaps in the Ruhr area
#: (https://de.wikipedia.org/wiki/Liste_von_Halden_im_Ruhrgebiet); None = no coordinates known.
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
                "reasons_de": (
                    "PV-Fläche nach Ausschlüssen vorhanden; Abstand zur Wohnbebauung unbekannt"
                ),
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
                    "surface_azimuth_deg": SECTOR_AZIMUTH_DEG[sec],
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
        for m, ps, ws in zip(
            mon, pv_shape / pv_shape.sum(), wind_shape / wind_shape.sum(), strict=True
        ):
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
                "sha256": sha256_file(registry),
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


@pytest.fixture(scope="session")
def heaps() -> list[tuple]:
    """(id, name, city, lat, lon) of the 46 heaps of :data:`HEAPS`."""
    return HEAPS


@pytest.fixture(scope="session")
def parameters() -> dict:
    """The parameters recorded in the manifest of :func:`make_results_dir`."""
    return PARAMETERS


@pytest.fixture(scope="session")
def describe() -> list[dict]:
    """Parameter descriptions (unit, default, source) as :func:`haldenenergie.config.describe`."""
    return DESCRIBE


@pytest.fixture(scope="session")
def make_run():
    """:func:`make_results_dir`: ``make_run(root, n_heaps=10, summary=True, seed=1)``."""
    return make_results_dir


@pytest.fixture()
def results_dir(tmp_path) -> Path:
    return make_results_dir(tmp_path, n_heaps=10)


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764151200")  # 2025-11-26 10:00 UTC


@pytest.fixture(scope="session")
def render():
    """``render(results_dir, lang="de", **load_kw)``: the report as HTML text (fixed describe)."""

    def _render(results_dir: Path, lang: str = "de", **kw) -> str:
        data = load_report_data(results_dir, **kw)
        return render_report(data, lang=lang, describe_rows=DESCRIBE)

    return _render


EXTERNAL = [
    r'src\s*=\s*["\']?\s*(https?:)?//',
    r'<link[^>]+href\s*=\s*["\']?\s*(https?:)?//',
    r"@import",
    r"url\(\s*['\"]?\s*(https?:)?//",
    r"<script[^>]+src\s*=",
]


@pytest.fixture(scope="session")
def external_refs():
    """``external_refs(text)``: the patterns of external references found in an HTML text."""
    import re

    def _external_refs(text: str) -> list[str]:
        return [p for p in EXTERNAL if re.search(p, text, flags=re.IGNORECASE)]

    return _external_refs


@pytest.fixture(scope="session")
def default_run(build_once, cli) -> Path:
    """``haldenenergie run`` on the defaults (registry, synthetic weather year, parametric
    terrain): the real sheets, with their long source lists and many PV surfaces.

    Built once per session for every xdist worker; read-only (copy it to change it). The run's
    standard output is kept beside the folder, in ``stdout.txt`` (:func:`default_run_stdout`).
    """

    def _write(folder: Path) -> None:
        r = cli("run", "--out", folder / "out")
        (folder / "stdout.txt").write_text(r.stdout, encoding="utf-8")

    return build_once("report_default_run", _write) / "out"


@pytest.fixture(scope="session")
def default_run_stdout(default_run) -> str:
    """The standard output of :func:`default_run`'s ``haldenenergie run``."""
    return (default_run.parent / "stdout.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def chromium():
    """``chromium(args, profile, timeout=60)``: run headless Chromium offline, return the process.

    The one set of flags of the browser tests: no network (any host resolves to nothing, so a
    page that tried to load anything would log an error), no first-run or background activity.
    """
    import shutil
    import subprocess

    exe = shutil.which("chromium") or shutil.which("chromium-browser")

    def _run(args, profile, timeout: float = 60):
        cmd = [
            exe,
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
            "--host-resolver-rules=MAP * ~NOTFOUND",
            *map(str, args),
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)

    return _run
