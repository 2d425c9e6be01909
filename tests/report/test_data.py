"""Tests of the HTML report (issue 7): reading a results folder and the tables derived from it."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from haldenenergie.errors import OutputError
from haldenenergie.report.data import (
    city_base,
    load_report_data,
    monthly_totals,
    orientation_by_sector,
    parameter_rows,
)
from haldenenergie.report.html import render_report


def test_parameter_rows_merge(parameters, describe):
    rows = parameter_rows(parameters, describe)
    by = {(r["section"], r["key"]): r for r in rows}
    assert by[("pv", "plateau_tilt_deg")]["value"] == 20
    assert by[("pv", "plateau_tilt_deg")]["changed"] is True
    assert by[("pv", "power_density_mwp_per_ha")]["changed"] is False
    assert by[("wind", "hub_height_m")]["unit"] == "m"
    # Parameters of the run that the program no longer describes are still listed.
    assert by[("suitability", "weights")]["source"] == "–"
    assert len(rows) == sum(len(v) for v in parameters.values())
    # Without a manifest, the program's values are shown as they are.
    assert [r["value"] for r in parameter_rows({}, describe)] == [d["value"] for d in describe]


def test_required_inputs_missing_raise_one_line(tmp_path):
    with pytest.raises(OutputError, match="results folder not found") as exc:
        load_report_data(tmp_path / "nope")
    assert "\n" not in str(exc.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(OutputError, match="results.csv: not found"):
        load_report_data(tmp_path / "empty")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "results.csv").write_text("name,city\nA,B\n", encoding="utf-8")
    with pytest.raises(OutputError, match="heap_id"):
        load_report_data(tmp_path / "bad")


def test_batch_folder_summary_found_above_run_folder(tmp_path, make_run, describe, invoke):
    # `haldenenergie batch --out DIR` writes DIR/runs/<run>/ and DIR/summary.csv.
    batch = tmp_path / "batch"
    run = make_run(batch / "runs", n_heaps=6, summary=True)
    shutil.move(str(run / "summary.csv"), str(batch / "summary.csv"))
    data = load_report_data(run)
    assert data.summary_path == (batch / "summary.csv").resolve()
    assert 'id="fig-p50p90"' in render_report(data, describe_rows=describe)
    # Pointing at the batch folder itself names a run folder to use instead.
    with pytest.raises(OutputError, match=r"batch folder.*runs/run"):
        load_report_data(batch)
    # An explicit --summary wins; a missing one is a one-line error.
    r = invoke("report", run, "--out", tmp_path / "r.html", "--summary", tmp_path / "nope.csv")
    assert r.exit_code == 1 and "nope.csv" in r.output and "--summary" in r.output


def test_city_base():
    assert city_base("Gelsenkirchen-Buer") == "Gelsenkirchen"
    assert city_base("Herten / Recklinghausen") == "Herten"
    assert city_base("Castrop-Rauxel") == "Castrop-Rauxel"
    assert city_base("Oer-Erkenschwick / Marl") == "Oer-Erkenschwick"
    assert city_base("Mülheim an der Ruhr / Oberhausen (border)") == "Mülheim an der Ruhr"
    assert city_base(float("nan")) is None


def test_orientation_by_sector_sums(results_dir):
    surf = pd.read_csv(results_dir / "surfaces.csv")
    hid = surf["heap_id"].iloc[0]
    by = orientation_by_sector(surf, hid)
    s = surf[surf.heap_id == hid]
    assert_allclose(by["usable"].sum(), s["usable_area_ha"].sum(), rtol=1e-12)
    assert_allclose(by.at["flat", "usable"], s.loc[s.kind == "plateau", "usable_area_ha"].sum())
    assert by.at["N", "usable"] == 0 and by.at["N", "gross"] > 0


def test_monthly_totals_add_up(results_dir):
    mon = pd.read_csv(results_dir / "monthly.csv")
    res = pd.read_csv(results_dir / "results.csv")
    tot = monthly_totals(mon)
    assert list(tot.index) == list(range(1, 13))
    assert_allclose(tot["pv"].sum(), res["pv_energy_mwh_per_a"].sum(), rtol=1e-9)
    assert_allclose(tot["wind"].sum(), res["wind_energy_mwh_per_a"].sum(), rtol=1e-9)
