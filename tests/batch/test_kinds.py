"""Issue 14: each weather file's kind; a batch refuses to pool different kinds by default."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from haldenenergie.batch import kinds

TRY = "DWD/BBSR test reference year TRY2015"


@pytest.mark.parametrize(
    "weather, kind, year",
    [
        (
            {
                "source_format": "try2015",
                "data_source": TRY,
                "source_period": "typical year (mittleres Jahr) of 1995-2012",
                "period_start": "2015-01-01T00:00:00+00:00",
            },
            "try_mean",
            2015,
        ),
        (
            {
                "source_format": "try2015",
                "data_source": TRY,
                "source_period": "typical year (extremer Sommer) of 1995-2012",
            },
            "try_extreme_summer",
            None,
        ),
        (
            {
                "source_format": "try2010",
                "data_source": "DWD test reference year TRY2010",
                "source_period": "typical year (extremer Winter)",
            },
            "try_extreme_winter",
            None,
        ),
        (
            {
                "source_format": "try2015",
                "data_source": "DWD/BBSR test reference year TRY2045",
                "source_period": "typical year (mittleres Jahr) of 2031-2060",
            },
            "try_projection",
            None,
        ),
        (
            {
                "source_format": "canonical",
                "station": "Ruhr synthetic typical year (calibrated to DWD TRY2015 Essen)",
                "period_start": "2003-01-01T00:00:00+00:00",
            },
            "synthetic",
            2003,
        ),
        (
            {
                "source_format": "dwd_15min",
                "station": "Duesseldorf",
                "period_start": "2024-01-01T00:00:00+00:00",
            },
            "station",
            2024,
        ),
        (
            {
                "source_format": "epw",
                "station": "Essen",
                "source_period": "typical year of 2005-2023",
            },
            "typical_year",
            None,
        ),
    ],
)
def test_classify_reads_the_weather_metadata(weather, kind, year):
    k = kinds.classify(weather)
    assert (k.kind, k.year) == (kind, year)


def test_station_years_of_one_station_pool_and_other_stations_do_not(tmp_path):
    a = [kinds.classify({"station": "Essen", "period_start": f"{y}-01-01"}) for y in (2020, 2021)]
    assert not kinds.check_pooling(a, ["a", "b"], tmp_path, pool_anyway=False)
    b = [*a, kinds.classify({"station": "Duesseldorf", "period_start": "2024-01-01"})]
    with pytest.raises(kinds.MixedWeatherError, match="Duesseldorf"):
        kinds.check_pooling(b, ["a", "b", "c"], tmp_path, pool_anyway=False)
    assert kinds.check_pooling(b, ["a", "b", "c"], tmp_path, pool_anyway=True)


@pytest.fixture(scope="module")
def small_registry(tmp_path_factory, root_dir):
    gj = json.loads((root_dir / "heaps.geojson").read_text(encoding="utf-8"))
    keep = ("haniel", "kohlenhuck")
    gj["features"] = [f for f in gj["features"] if f["properties"]["id"] in keep]
    p = tmp_path_factory.mktemp("reg") / "small.geojson"
    p.write_text(json.dumps(gj), encoding="utf-8")
    return p


@pytest.mark.slow
def test_mixed_mean_extreme_and_projection_years_are_not_pooled(
    tmp_path, weather_dir, small_registry, invoke
):
    files = [
        weather_dir / n
        for n in ("TRY2015_essen_jahr.dat", "TRY2015_essen_somm.dat", "TRY2045_essen_jahr.dat")
    ]
    out = tmp_path / "b"
    base = ["batch", *files, "--heaps", small_registry, "--out", out, "-j", "1"]
    r = invoke(*base, catch_exceptions=True)
    assert r.exit_code == 1 and "Traceback" not in r.output
    (line,) = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
    for text in ("TRY mean year", "TRY extreme summer", "TRY projection", "--pool-anyway"):
        assert text in line
    assert not (out / "summary.csv").exists()
    # the kinds are recorded, in weather.csv and the manifest, and the runs are kept
    table = pd.read_csv(out / "weather.csv")
    assert list(table["kind"]) == ["try_mean", "try_extreme_summer", "try_projection"]
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [i["kind"] for i in man["inputs"] if i["role"] == "weather"] == list(table["kind"])
    assert "refused" in man["statistics"]
    # --pool-anyway reuses the runs and says what was pooled; 3 years give no P90
    r = invoke(*base, "--pool-anyway", catch_exceptions=True)
    assert r.exit_code == 0, r.output
    assert "3 already done" in r.stdout
    assert "pooled different kinds of weather: TRY mean year ×1" in r.stdout
    assert "P90 left empty" in r.stdout
    s = pd.read_csv(out / "summary.csv")
    assert s["total_energy_p90_mwh_per_a"].isna().all()
    assert s["total_energy_min_mwh_per_a"].notna().all()
    assert (s["p90_method"] == "none").all()
    assert s["p90_note"].str.contains("pooled different kinds").all()
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["statistics"]["pooled_different_kinds"] is True
