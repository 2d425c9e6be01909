"""``haldenenergie export``: never overwrites, one-line errors; assumptions without manifest."""

from __future__ import annotations

import pytest

from haldenenergie import export as E


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_export_never_overwrites_without_flag(ranked, tmp_path, fmt, invoke):
    out = tmp_path / f"x.{fmt}"
    out.write_text("keep me", "utf-8")
    r = invoke("export", ranked, "--format", fmt, "--out", out)
    assert r.exit_code == 1 and "exists already" in r.output and "--overwrite" in r.output
    assert out.read_text("utf-8") == "keep me" and no_traceback(r)
    r = invoke("export", ranked, "--format", fmt, "--out", out, "--overwrite")
    assert r.exit_code == 0 and out.read_bytes() != b"keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".x.")]  # no temp left


def test_export_errors(folder, tmp_path, invoke):
    r = invoke("export", folder, "--format", "csv", "--out", tmp_path / "a.csv")
    assert r.exit_code == 1 and "run 'haldenenergie rank" in r.output and no_traceback(r)
    assert not (tmp_path / "a.csv").exists()
    r = invoke("export", folder, "--out", tmp_path / "a.txt")
    assert r.exit_code == 1 and "pass --format" in r.output and no_traceback(r)
    r = invoke("export", folder, "--format", "pdf", "--out", tmp_path / "a.pdf")
    assert r.exit_code == 2 and no_traceback(r)  # usage error
    r = invoke("export", tmp_path / "none", "--format", "csv", "--out", tmp_path / "b.csv")
    assert r.exit_code == 1 and "no such results folder" in r.output and no_traceback(r)


def test_assumptions_without_manifest_use_defaults():
    t = E.assumptions_table({})
    assert {"pv", "wind", "suitability"} <= set(t["section"])
    assert t["source"].astype(str).str.len().gt(0).any()
    assert E.manifest_table({})["value"].iloc[0].startswith("no manifest")


def no_traceback(r):
    return "Traceback" not in r.output
