"""Tests of the command-line group (haldenenergie.cli) and of the run/terrain summaries."""

from __future__ import annotations

import pytest

from haldenenergie.cli import hoist_global_flags
from haldenenergie.commands.terrain import heap_warning_summary, manifest_heap_warnings


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "-q", "--out", "x"], ["-q", "run", "--out", "x"]),
        (["-v", "heaps", "list", "-vv"], ["-v", "-vv", "heaps", "list"]),
        (["export", "d", "--verbose", "--quiet"], ["--verbose", "--quiet", "export", "d"]),
        (["run", "--out", "x", "--", "-q"], ["run", "--out", "x", "--", "-q"]),
        (["--version"], ["--version"]),
        (["heaps", "-vq"], ["-vq", "heaps"]),
    ],
)
def test_hoist_global_flags(args, expected):
    assert hoist_global_flags(args) == expected


@pytest.mark.slow
def test_quiet_after_subcommand_same_as_before(invoke, tmp_path):
    before = invoke("-q", "run", "--heap", "haniel", "--heap", "schwerin", "--out", tmp_path / "a")
    after = invoke("run", "--heap", "haniel", "--heap", "schwerin", "--out", tmp_path / "b", "-q")
    assert before.exit_code == after.exit_code == 0
    assert before.stderr == after.stderr == ""  # schwerin's flank-slope warning is silenced
    assert _summary(before.stdout, tmp_path / "a") == _summary(after.stdout, tmp_path / "b")


def _summary(stdout: str, out_dir) -> list[str]:
    """The run summary without the timing line and with the output folder replaced."""
    return [ln.replace(str(out_dir), "OUT") for ln in stdout.splitlines()[:-1]]


def test_verbose_after_subcommand(invoke):
    res = invoke("heaps", "validate", "-v")
    assert res.exit_code == 0
    plain = invoke("heaps", "validate")
    assert res.stdout == plain.stdout


def test_unknown_flag_after_subcommand_is_still_an_error(invoke):
    res = invoke("heaps", "validate", "-x")
    assert res.exit_code == 2


@pytest.mark.slow
def test_run_summary_has_provenance_and_warning_summary(invoke, tmp_path):
    res = invoke("run", "--heap", "haniel", "--heap", "schwerin", "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    out = res.stdout.splitlines()
    classes = next(i for i, ln in enumerate(out) if ln.startswith("classes: "))
    assert out[classes + 1] == (
        "Weather: synthetic reference year, calibrated to TRY2015 Essen — not for planning figures"
    )
    assert out[classes + 2] == "Terrain: 0 heaps from DEM, 2 parametric"
    assert out[classes + 3].startswith("Layers: residential areas missing")
    assert out[classes + 4].startswith("Assumptions: facts of ")
    assert out[-1].startswith("done in ")
    assert (
        "heap warnings: parametric flank slope outside the form's range: "
        "2 heaps (haniel, schwerin); details with -v and in manifest.json 'warnings'"
    ) in res.stderr


def test_terrain_summarises_dem_mismatches_on_stderr(invoke, dem_path):
    res = invoke("terrain", "--dem", dem_path, "--heap", "halde-19", "--heap", "mottbruch")
    assert res.exit_code == 0, res.output
    assert "DEM differs from the registry facts: 2 heaps (halde-19, mottbruch)" in res.stderr
    assert res.stdout.startswith("heap_id,")  # the CSV alone on stdout
    quiet = invoke("terrain", "--dem", dem_path, "--heap", "halde-19", "--heap", "mottbruch", "-q")
    assert quiet.stderr == "" and quiet.stdout == res.stdout


def test_heap_warning_summary_kinds_and_cut():
    pairs = [(f"h{i}", "DEM not used, parametric instead: no cover") for i in range(8)]
    pairs += [
        ("a", "DEM relative height 14 m vs registry 35 m: check"),
        ("a", "DEM footprint 4 ha vs registry 10 ha"),
    ]
    pairs += [("b", "something else")]
    assert heap_warning_summary(pairs) == [
        "DEM not used, parametric instead: 8 heaps (h0, h1, h2, h3, h4, h5 and 2 more)",
        "DEM differs from the registry facts: 1 heap (a)",
        "other: 1 heap (b)",
    ]
    assert heap_warning_summary([]) == []


def test_manifest_heap_warnings():
    texts = ["heap haniel: DEM footprint 4 ha vs registry 10 ha", "weather: far away"]
    assert manifest_heap_warnings(texts) == [("haniel", "DEM footprint 4 ha vs registry 10 ha")]


def test_run_summary_separates_technical_and_suitable(tmp_path, cli):
    """The CLI prints the technical potential and, apart, the suitable uses that the totals,
    the report's headline and the exports count (issue 14: '0,0 MW' vs '210.0 MW')."""
    out = cli("run", "--heap", "haniel", "--heap", "hoheward", "--out", tmp_path / "o").stdout
    assert "(technical potential of all heaps, before constraints)" in out
    assert "suitable uses (counted in the totals): PV" in out
    assert "wind not assessed on" in out and "--residential" in out
