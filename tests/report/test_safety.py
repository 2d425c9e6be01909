"""The report and issue 13: run warnings from the manifest are shown; the file is written safely."""

from __future__ import annotations

import json

from haldenenergie.report import write_report
from haldenenergie.results import manifest_warnings


def _add_warnings(results_dir):
    p = results_dir / "manifest.json"
    man = json.loads(p.read_text("utf-8"))
    man["weather"]["warnings"] = ["TRY.dat: station 420 km from the heaps <beyond 50 km>"]
    man["terrain"] = {"warnings": ["dem.tif: 3 nodata cells filled in haniel"]}
    man["registry"] = {"warnings": ["heaps.geojson: halde-9: flank 41° above 37° maximum"]}
    man["warnings"] = ["one for the whole run", "one for the whole run"]
    p.write_text(json.dumps(man), "utf-8")


def test_manifest_warnings_are_collected(results_dir):
    _add_warnings(results_dir)
    man = json.loads((results_dir / "manifest.json").read_text("utf-8"))
    got = manifest_warnings(man)
    assert got[0] == ("run", "one for the whole run") and len(got) == 4
    assert {s for s, _ in got} == {"run", "weather", "terrain", "registry"}
    assert manifest_warnings(None) == [] and manifest_warnings({"weather": {"warnings": []}}) == []


def test_report_shows_the_runs_warnings(results_dir, render):
    _add_warnings(results_dir)
    for lang, title in (("de", "Warnungen des Rechenlaufs"), ("en", "Warnings of the run")):
        html = render(results_dir, lang=lang)
        assert title in html and 'href="#run-warnings"' in html
        assert "[weather] TRY.dat: station 420 km from the heaps &lt;beyond 50 km&gt;" in html
        assert "[terrain] dem.tif: 3 nodata cells filled in haniel" in html
        assert "[registry] heaps.geojson: halde-9" in html
        assert html.count("one for the whole run") == 1


def test_report_without_warnings_has_no_warning_block(results_dir, render):
    assert 'id="run-warnings"' not in render(results_dir, lang="en")


def test_report_refuses_to_replace_a_folder(results_dir, tmp_path, invoke):
    target = tmp_path / "bericht.html"
    target.mkdir()
    (target / "keep.txt").write_text("mine", "utf-8")
    r = invoke("report", results_dir, "--out", target, "--overwrite")
    assert r.exit_code in (1, 2) and "Traceback" not in r.output
    assert (target / "keep.txt").read_text("utf-8") == "mine"


def test_report_refuses_to_replace_its_input(results_dir, invoke):
    before = (results_dir / "results.csv").read_bytes()
    r = invoke("report", results_dir, "--out", results_dir / "results.csv", "--overwrite")
    assert r.exit_code == 1 and "holds the input" in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert (results_dir / "results.csv").read_bytes() == before


def test_report_into_the_run_folder_is_recorded(results_dir, tmp_path):
    out = write_report(
        results_dir, results_dir / "bericht.html", registry=tmp_path / "heaps.geojson"
    )
    man = json.loads((results_dir / "manifest.json").read_text("utf-8"))
    assert [r["path"] for r in man["derived"]] == [out.name]
    assert man["derived"][0]["command"] == "report --lang de"


def test_report_to_an_unwritable_place_is_one_line(results_dir, invoke):
    r = invoke("report", results_dir, "--out", "/sys/bericht.html")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.strip().startswith("error: /sys/bericht.html: cannot write (")
