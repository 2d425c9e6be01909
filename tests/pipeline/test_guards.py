"""Issue 13 through ``haldenenergie run``: DWD CDC station folders, the station's distance to the
heaps, warnings on stderr and in ``manifest.json``, and clean failures (OSError, MemoryError, an
output that cannot be written) instead of tracebacks."""

from __future__ import annotations

import errno
import json

import pytest

from haldenenergie import pipeline
from haldenenergie.config import load_config
from haldenenergie.registry import read_registry
from haldenenergie.resources import default_registry_path
from haldenenergie.weather import check_station_distance, read_weather


def _one_line_error(r) -> str:
    """The single stderr line of a failed command (exit 1, no traceback)."""
    assert r.exit_code == 1, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.output
    return lines[0]


# ------------------------------------------------------------------------------------------------
# DWD CDC station folder (documented in the README)
# ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_run_reads_a_dwd_cdc_station_folder(cdc_folder, two_heaps, tmp_path, cli):
    out = tmp_path / "out"
    cli("run", "--weather", cdc_folder, "--heaps", two_heaps, "--out", out)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (rec,) = [i for i in man["inputs"] if i["role"] == "weather"]
    assert rec["format"] == "dwd_cdc" and rec["path"] == str(cdc_folder.resolve())
    assert rec["sha256"] == read_weather(cdc_folder)[1].sha256  # the folder's digest, not a crash
    assert man["weather"]["station"] is not None or man["weather"]["latitude"] == 51.296


def test_run_weather_folder_without_cdc_products_is_one_line(tmp_path, invoke):
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "readme.txt").write_text("no weather here\n")
    line = _one_line_error(invoke("run", "--weather", empty, "--out", tmp_path / "out"))
    assert str(empty) in line and "produkt_" in line and "pass a weather file" in line


# ------------------------------------------------------------------------------------------------
# Station distance: warn beyond 100 km, refuse beyond 250 km unless --allow-distant-weather
# ------------------------------------------------------------------------------------------------
def test_distant_station_is_refused_before_the_work(weather_at, tmp_path, invoke, monkeypatch):
    """A PVGIS-like year at 45° N 8° E (~700 km from the Ruhr): exit 1, one line naming the file,
    the distance and the fix; the terrain stage never starts."""
    far = weather_at(45.0, 8.0)
    monkeypatch.setattr(pipeline, "compute_terrain", lambda *a: pytest.fail("terrain ran"))
    line = _one_line_error(invoke("run", "--weather", far, "--out", tmp_path / "out"))
    assert str(far) in line and "km from the farthest heap" in line
    assert "--allow-distant-weather" in line and "allow_distant_weather = true" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_allow_distant_weather_turns_the_refusal_into_a_warning(
    weather_at, two_heaps, tmp_path, cli
):
    far = weather_at(45.0, 8.0)
    out = tmp_path / "out"
    r = cli("run", "--weather", far, "--heaps", two_heaps, "--allow-distant-weather", "--out", out)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (w,) = [w for w in man["warnings"] if "km from the farthest heap" in w]
    assert str(far) in w and w in r.stderr
    assert man["parameters"]["weather"]["allow_distant_weather"] is True


@pytest.mark.slow
def test_station_beyond_100_km_warns_on_stderr_and_in_the_manifest(
    weather_at, two_heaps, tmp_path, cli
):
    """~120 km north (52.6° N): exit 0; the distance warning, the terrain warnings of the heaps and
    the registry's warnings are on stderr and in manifest.json ``warnings``."""
    reg = json.loads(two_heaps.read_text(encoding="utf-8"))
    reg["features"][0]["properties"]["membership"] = "someone else"  # a registry warning
    reg_path = tmp_path / "reg.geojson"
    reg_path.write_text(json.dumps(reg), encoding="utf-8")
    moved = weather_at(52.6, 7.0)
    out = tmp_path / "out"
    r = cli("run", "--weather", moved, "--heaps", reg_path, "--out", out)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    warnings = man["warnings"]
    dist = [w for w in warnings if "km from the farthest heap" in w]
    assert len(dist) == 1 and "more than 100 km" in dist[0] and dist[0] in r.stderr
    assert dist[0] in man["weather"]["warnings"]
    reg_w = [w for w in warnings if "membership" in w]
    assert len(reg_w) == 1 and str(reg_path) in reg_w[0] and reg_w[0] in r.stderr
    terrain_w = [w for w in warnings if w.startswith("heap haniel: parametric flank slope")]
    assert len(terrain_w) == 1
    # one summary line per kind of warning, not a second count of the same heaps
    assert "heap warnings: parametric flank slope outside the form's range: 1 heap (haniel)" in (
        r.stderr
    )
    assert "heaps have warnings" not in r.stderr
    assert len(warnings) == len(set(warnings))  # each once


def test_shipped_weather_files_are_near_the_heaps(weather_dir):
    """No false alarm on the shipped inputs: every weather file with a location lies within the
    warning distance of every heap. Margins (farthest heap): the Essen TRYs and the synthetic year
    59 km, TRY2010 Essen 68 km, DWD Düsseldorf 15-min 86 km — all below 100 km; the windpowerlib
    Berlin file has no location and is not checked."""
    from haldenenergie.weather.distance import great_circle_km

    cfg = load_config().weather
    points = [(h.lon, h.lat) for h in read_registry(default_registry_path()) if h.lat is not None]
    files = sorted(p for p in weather_dir.iterdir() if p.suffix in (".dat", ".csv"))
    files.append(pipeline.load_weather(None, load_config())[1].path)
    for f in files:
        meta = read_weather(f)[1]
        assert (
            check_station_distance(
                meta, points, cfg.max_station_distance_warn_km, cfg.max_station_distance_km
            )
            == []
        ), f
        if meta.latitude is not None:
            far = max(great_circle_km(meta.longitude, meta.latitude, x, y) for x, y in points)
            assert far < 90.0, (f, far)


# ------------------------------------------------------------------------------------------------
# Clean failures: OSError and MemoryError escaping a command; an output that cannot be written
# ------------------------------------------------------------------------------------------------
def test_oserror_escaping_a_command_is_one_line(tmp_path, invoke, monkeypatch):
    target = tmp_path / "out" / "results.csv"

    def disk_full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(pipeline, "run", disk_full)
    line = _one_line_error(invoke("run", "--out", tmp_path / "out"))
    assert line == f"error: {target}: No space left on device"


def test_permission_error_on_rename_names_both_paths(tmp_path, invoke, monkeypatch):
    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", "/ro/.tmp", None, "/ro/out")

    monkeypatch.setattr(pipeline, "run", denied)
    assert _one_line_error(invoke("run", "--out", tmp_path / "o")) == (
        "error: /ro/.tmp -> /ro/out: Permission denied"
    )


def test_memory_error_is_one_line(tmp_path, invoke, monkeypatch):
    def huge(*a, **k):
        raise MemoryError

    monkeypatch.setattr(pipeline, "run", huge)
    line = _one_line_error(invoke("run", "--out", tmp_path / "out"))
    assert "out of memory" in line and "check the sizes" in line


def test_run_fails_before_the_work_when_the_output_cannot_be_written(tmp_path, invoke, monkeypatch):
    """``--out`` below a regular file: refused at once (the weather is never read)."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("a user's file\n")
    monkeypatch.setattr(pipeline, "load_weather", lambda *a: pytest.fail("weather was read"))
    line = _one_line_error(invoke("run", "--out", blocker / "out"))
    assert str(blocker) in line
    assert blocker.read_text() == "a user's file\n"


def _zero_weights(tmp_path):
    p = tmp_path / "zero.toml"
    crit = ("energy", "energy_density", "yield", "ownership", "constraints")
    p.write_text("[suitability]\n" + "".join(f"weight_{c} = 0\n" for c in crit), encoding="utf-8")
    return p


def test_all_zero_score_weights_refuse_the_run(tmp_path, invoke):
    p = _zero_weights(tmp_path)
    line = _one_line_error(invoke("run", "--config", p, "--out", tmp_path / "out"))
    assert str(p) in line and "weight_energy, weight_energy_density" in line
    assert "are all 0" in line and "give at least one weight > 0" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_all_zero_score_weights_refuse_the_rerank(tmp_path, two_heaps, cli, invoke):
    out = tmp_path / "out"
    cli("run", "--heaps", two_heaps, "--out", out)
    before = (out / "ranking.csv").read_bytes()
    p = _zero_weights(tmp_path)
    line = _one_line_error(invoke("rank", out, "--config", p))
    assert str(p) in line and "are all 0" in line
    assert (out / "ranking.csv").read_bytes() == before  # no ranks printed or written
