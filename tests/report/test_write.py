"""Tests of the HTML report (issue 7): writing the file, and the 'haldenenergie report' command."""

from __future__ import annotations

import re
import time

import pandas as pd
import pytest

from haldenenergie.report import write_report
from haldenenergie.report.fmt import fmt_number


def test_cli_writes_and_refuses_to_overwrite(results_dir, tmp_path, invoke):
    out = tmp_path / "r.html"
    args = [
        "report",
        str(results_dir),
        "--out",
        str(out),
        "--heaps",
        str(tmp_path / "heaps.geojson"),
    ]
    r = invoke(*args)
    assert r.exit_code == 0, r.output
    first = out.read_bytes()
    r = invoke(*args, "--lang", "en")
    assert r.exit_code == 1
    assert "--overwrite" in r.output and "Traceback" not in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert out.read_bytes() == first
    r = invoke(*args, "--lang", "en", "--overwrite")
    assert r.exit_code == 0, r.output
    assert '<html lang="en">' in out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".r.html.*"))  # no temporary file left behind


def test_cli_missing_dir_is_one_line_error(tmp_path, invoke):
    r = invoke("report", tmp_path / "missing", "--out", tmp_path / "r.html")
    assert r.exit_code == 1
    assert r.output.startswith("error: ") and len(r.output.strip().splitlines()) == 1
    assert "Traceback" not in r.output and not (tmp_path / "r.html").exists()


def test_cli_usage_errors_exit_2(results_dir, tmp_path, invoke):
    r = invoke("report", results_dir, "--out", tmp_path / "r.html", "--lang", "fr")
    assert r.exit_code == 2


def test_performance_46_heaps(tmp_path, make_run, heaps):
    run = make_run(tmp_path, n_heaps=len(heaps))
    t0 = time.perf_counter()
    out = write_report(run, tmp_path / "report.html")
    dt = time.perf_counter() - t0
    text = out.read_text(encoding="utf-8")
    assert text.count('<article class="sheet"') == 46
    assert dt < 15.0, f"report took {dt:.1f} s (limit 15 s)"
    print(f"\nreport of 46 heaps: {dt:.2f} s, {len(text.encode()) / 1024:.0f} kB")


@pytest.mark.slow
def test_report_on_a_default_run_is_fast(default_run, tmp_path, invoke, external_refs):
    """Issue 7: 'haldenenergie report' on the results of a default run in under 15 s."""
    t0 = time.perf_counter()
    r = invoke("report", default_run, "--out", tmp_path / "r.html")
    dt = time.perf_counter() - t0
    assert r.exit_code == 0, r.output
    assert dt < 15.0, f"report took {dt:.1f} s (limit 15 s)"
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    res = pd.read_csv(default_run / "results.csv")
    assert text.count('<article class="sheet"') == len(res)
    assert external_refs(text) == []


@pytest.mark.slow
def test_ranking_table_counts_suitable_uses_and_factors_name_their_sources(default_run, tmp_path):
    """The ranking table shows the energy the score counts (suitable uses, as in the totals)
    and brackets the capacity of a use that is not suitable; the summary states each totals
    factor with its year and cited source (real totals.csv of 'haldenenergie rank')."""
    out = write_report(default_run, tmp_path / "r.html", lang="de")
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
        assert energy[1] == fmt_number(r["suitable_energy_mwh_per_a"], 0, "de"), r["heap_id"]
        if r["wind_suitability"] != "suitable" and r["wind_capacity_mw"] > 0:
            assert wind[0] == " off" and wind[1].startswith("(") and wind[1].endswith(")")
            checked += 1
        if r["pv_suitability"] == "suitable":
            assert pv[0] == "" and not pv[1].startswith("(")
    assert checked > 0
    summary = text.split('<section id="summary"')[1].split("</section>")[0]
    assert "Bezugsjahr 2024); Quelle: BDEW" in summary
    assert "Bezugsjahr 2023); Quelle: Umweltbundesamt" in summary
