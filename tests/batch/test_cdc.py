"""``haldenenergie batch`` with DWD CDC station folders (issue 13): a station folder is ONE weather
input; a folder of ordinary weather files still expands to its files."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from haldenenergie import batch as batchmod
from haldenenergie.weather import read_weather


def _touch(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        (folder / n).write_text("x\n")
    return folder


def test_cdc_station_folder_is_one_input_ordinary_folder_expands(tmp_path):
    station = _touch(
        tmp_path / "station",
        "produkt_ff_stunde_1.txt",
        "produkt_tu_stunde_1.txt",
        "Metadaten_Geographie_01078.txt",
    )
    years = _touch(tmp_path / "years", "a.dat", "b.csv", "README.md")
    assert batchmod.expand_weather_args([station]) == [station]
    assert [p.name for p in batchmod.expand_weather_args([years])] == ["a.dat", "b.csv"]
    # a folder of years that also holds a station folder: the files plus that folder, once
    nested = _touch(years / "cdc-1078", "produkt_ff_stunde_1.txt")
    got = batchmod.expand_weather_args([years, nested])
    assert [p.name for p in got] == ["a.dat", "b.csv", "cdc-1078"]
    # a glob matching a station folder
    assert batchmod.expand_weather_args([str(tmp_path / "sta*")]) == [station]


def test_folder_of_station_zips_is_one_input(tmp_path):
    zips = tmp_path / "zips"
    zips.mkdir()
    for var in ("ff", "tu"):
        with zipfile.ZipFile(zips / f"stundenwerte_{var.upper()}_01078_akt.zip", "w") as z:
            z.writestr(f"produkt_{var}_stunde_1.txt", "x")
    (zips / "not-a-zip.zip").write_text("garbage")
    assert batchmod.is_cdc_station_folder(zips)
    assert batchmod.expand_weather_args([zips]) == [zips]
    assert not batchmod.is_cdc_station_folder(_touch(tmp_path / "plain", "a.dat"))


def test_weather_sha256_of_a_station_folder_is_the_readers(cdc_folder):
    assert batchmod.weather_sha256(cdc_folder) == read_weather(cdc_folder)[1].sha256


@pytest.mark.slow
def test_batch_runs_a_cdc_station_folder_as_one_weather_input(
    tmp_path, cdc_folder, weather_dir, root_dir, cli
):
    reg = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    reg["features"] = [f for f in reg["features"] if f["properties"]["id"] in ("haniel",)]
    reg_path = tmp_path / "one.geojson"
    reg_path.write_text(json.dumps(reg), encoding="utf-8")
    out = tmp_path / "b"
    try_file = weather_dir / "TRY2015_essen_jahr.dat"
    r = cli(
        "batch",
        cdc_folder,
        try_file,
        "--heaps",
        reg_path,
        "-j",
        "1",
        "--out",
        out,
        "--pool-anyway",  # a station year and a TRY mean year are different kinds (issue 14)
    )
    assert "2 weather files: 2 computed, 0 already done, 0 failed" in r.stdout
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert len(runs) == 2 and any(n.startswith("cdc-01078-") for n in runs)
    assert pd.read_csv(out / "failures.csv").empty
    (run,) = [p for p in (out / "runs").iterdir() if p.name.startswith("cdc-01078-")]
    man = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert "warnings" in man and isinstance(man["warnings"], list)
    # resumable: the folder's digest keys the run like a file's
    r = cli(
        "batch",
        cdc_folder,
        try_file,
        "--heaps",
        reg_path,
        "-j",
        "1",
        "--out",
        out,
        "--pool-anyway",  # a station year and a TRY mean year are different kinds (issue 14)
    )
    assert "0 computed, 2 already done" in r.stdout


@pytest.mark.slow
def test_batch_distant_station_fails_that_file_unless_allowed(tmp_path, root_dir, cli, invoke):
    from haldenenergie.weather import default_weather_path

    text = default_weather_path().read_text(encoding="utf-8")
    far = tmp_path / "far.csv"
    far.write_text(
        text.replace("# latitude_deg: 51.4562", "# latitude_deg: 45.0").replace(
            "# longitude_deg: 7.0568", "# longitude_deg: 8.0"
        ),
        encoding="utf-8",
    )
    reg = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    reg["features"] = [f for f in reg["features"] if f["properties"]["id"] == "haniel"]
    reg_path = tmp_path / "one.geojson"
    reg_path.write_text(json.dumps(reg), encoding="utf-8")
    base = ["batch", far, "--heaps", reg_path, "-j", "1"]
    r = invoke(*base, "--out", tmp_path / "a")
    assert r.exit_code == 1 and "--allow-distant-weather" in r.stderr
    reason = pd.read_csv(tmp_path / "a" / "failures.csv")["reason"].item()
    assert str(far) in reason and "km from the farthest heap" in reason and "\n" not in reason
    r = cli(*base, "--allow-distant-weather", "--out", tmp_path / "b")
    (run,) = (tmp_path / "b" / "runs").iterdir()
    man = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    assert any("km from the farthest heap" in w for w in man["warnings"])
