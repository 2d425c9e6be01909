"""Wind-atlas rasters: GWA naming, bilinear sampling, per-heap scaling, bad rasters."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from haldenenergie.config import load_config
from haldenenergie.errors import WeatherError
from haldenenergie.wind import WindConfig, simulate_wind
from haldenenergie.wind.atlas import atlas_height_m, sample_atlas

rasterio = pytest.importorskip("rasterio")
from rasterio.transform import from_origin  # noqa: E402

# A Global Wind Atlas country GeoTIFF is float32, EPSG:4326, 0.0025 deg (~250 m) cells
# (globalwindatlas.info GIS files); the test rasters follow that layout (written with rasterio).
CELL_DEG = 0.0025
WEST, NORTH = 6.5, 51.8  # covers the Ruhr heaps


def _write(path, band, nodata=None, crs="EPSG:4326"):
    band = np.asarray(band, dtype="float32")
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=band.shape[0],
        width=band.shape[1],
        count=1,
        dtype="float32",
        crs=crs,
        transform=from_origin(WEST, NORTH, CELL_DEG, CELL_DEG),
        nodata=nodata,
    ) as ds:
        ds.write(band, 1)
    return path


def _heap(hid, lon, lat, H=None):
    ew = SimpleNamespace(count=0, reported_mwh_per_a=None)
    return SimpleNamespace(id=hid, lon=lon, lat=lat, height_rel_m=H, existing_wind=ew)


def _weather(seed=1, n=24 * 60):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2021-01-01", periods=n, freq="h", tz="UTC")
    ws = rng.weibull(2.0, n) * 4.0
    cols = pd.MultiIndex.from_tuples(
        [("wind_speed", 10.0), ("temperature", 2.0), ("pressure", 0.0)],
        names=["variable_name", "height"],
    )
    data = np.column_stack([ws, np.full(n, 283.15), np.full(n, 101325.0)])
    meta = SimpleNamespace(
        wind_speed_height_m=10.0, roughness_length_m=None, partial=False, annual_factor=1.0
    )
    return pd.DataFrame(data, index=idx, columns=cols), meta


def test_height_from_gwa_file_name_else_config(tmp_path):
    assert atlas_height_m("DEU_wind-speed_100m.tif", 135.0) == (100.0, "file name")
    assert atlas_height_m("gwa3_250_wind-speed_150m.tif", 135.0) == (150.0, "file name")
    assert atlas_height_m("nrw_mean_wind.tif", 135.0) == (135.0, "config")


def test_bilinear_sampling_of_a_linear_field_is_exact(tmp_path):
    rows, cols = 200, 400
    lon_c = WEST + (np.arange(cols) + 0.5) * CELL_DEG
    band = np.tile(5.0 + 2.0 * (lon_c - WEST), (rows, 1))  # 5 m/s + 2 m/s per deg east
    p = _write(tmp_path / "lin_wind-speed_100m.tif", band)
    lon = 7.00123
    s = sample_atlas(p, {"a": (lon, 51.5)})
    assert s.height_m == 100.0 and s.method == "bilinear"
    assert s.values_m_s["a"] == pytest.approx(5.0 + 2.0 * (lon - WEST), abs=1e-4)


def test_synthetic_atlas_sets_flat_ground_hub_mean(tmp_path):
    """Acceptance: an atlas of 6.25 m/s at 135 m gives a flat-ground hub mean of 6.25 +- 0.05."""
    p = _write(tmp_path / "atlas.tif", np.full((200, 400), 6.25))
    data, meta = _weather()
    heaps = [_heap("a", 7.0, 51.5), _heap("b", 7.3, 51.6)]
    cfg = WindConfig(wind_atlas_path=str(p), atlas_reference_height_m=135.0, hub_height_m=135.0)
    res = simulate_wind(heaps, {}, data, meta, cfg)
    hub = res.per_heap["wind_mean_speed_hub_m_s"]
    assert hub.to_numpy() == pytest.approx([6.25, 6.25], abs=0.05)
    assert res.per_heap["wind_atlas_m_s"].to_numpy() == pytest.approx([6.25, 6.25], abs=1e-6)
    uncal = simulate_wind(heaps, {}, data, meta, WindConfig(hub_height_m=135.0))
    factor = 6.25 / uncal.per_heap["wind_mean_speed_hub_m_s"].iloc[0]
    assert res.per_heap["wind_atlas_factor"].to_numpy() == pytest.approx([factor] * 2, rel=1e-9)


def test_atlas_differs_per_heap_and_keeps_the_series_shape(tmp_path):
    band = np.full((200, 400), 6.0)
    band[:, 200:] = 7.0  # east of 7.0 E
    p = _write(tmp_path / "DEU_wind-speed_150m.tif", band)
    data, meta = _weather()
    heaps = [_heap("w", 6.8, 51.5), _heap("e", 7.4, 51.5)]
    res = simulate_wind(heaps, {}, data, meta, WindConfig(wind_atlas_path=str(p)))
    f = res.per_heap["wind_atlas_factor"]
    assert f["e"] / f["w"] == pytest.approx(7.0 / 6.0, rel=1e-9)
    assert res.info["atlas_reference_height_m"] == 150.0


@pytest.mark.parametrize(
    ("band", "where", "match"),
    [
        (np.full((200, 400), 22.5 * 3.6), (7.0, 51.5), "km/h"),
        (np.full((200, 400), -9999.0), (7.0, 51.5), "outside the raster or on nodata"),
        (np.full((200, 400), 6.0), (9.0, 51.5), "outside the raster"),
    ],
)
def test_bad_atlas_is_one_line_error(tmp_path, band, where, match):
    p = _write(tmp_path / "bad.tif", band, nodata=-9999.0)
    with pytest.raises(WeatherError, match=match) as exc:
        sample_atlas(p, {"a": where})
    assert "\n" not in str(exc.value)


def test_not_a_raster_is_one_line_error(tmp_path):
    p = tmp_path / "atlas.tif"
    p.write_text("not a tiff")
    with pytest.raises(WeatherError, match="not a readable raster"):
        sample_atlas(p, {"a": (7.0, 51.5)})


def test_config_toml_sets_atlas_and_calibration(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text(
        '[wind]\nwind_atlas_path = "DEU_wind-speed_100m.tif"\ncalibration = "existing-turbines"\n',
        encoding="utf-8",
    )
    cfg = load_config(toml)
    assert cfg.wind.wind_atlas_path == "DEU_wind-speed_100m.tif"
    assert cfg.wind.calibration == "existing-turbines"


@pytest.mark.slow
def test_run_with_atlas_from_config_toml(tmp_path, cli):
    import json

    p = _write(tmp_path / "DEU_wind-speed_100m.tif", np.full((200, 400), 6.25))
    toml = tmp_path / "c.toml"
    toml.write_text(f'[wind]\nwind_atlas_path = "{p.as_posix()}"\n', encoding="utf-8")
    out = tmp_path / "out"
    cli("run", "--config", str(toml), "--heap", "hoppenbruch", "--out", str(out))
    res = pd.read_csv(out / "results.csv").set_index("heap_id")
    assert res.loc["hoppenbruch", "wind_atlas_m_s"] == pytest.approx(6.25, abs=1e-6)
    assert res.loc["hoppenbruch", "wind_atlas_factor"] > 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "DEU_wind-speed_100m.tif" in json.dumps(manifest)


def test_plausibility_band_warns_without_atlas(tmp_path, caplog):
    data, meta = _weather()
    weak = data.copy()
    weak[("wind_speed", 10.0)] *= 0.5  # ~3 m/s at 135 m
    heaps = [_heap("a", 7.0, 51.5)]
    with caplog.at_level("WARNING", logger="haldenenergie.wind"):
        simulate_wind(heaps, {}, weak, meta, WindConfig())
    assert "outside the Ruhr atlas band 5.5-7.0 m/s" in caplog.text
    caplog.clear()
    p = _write(tmp_path / "atlas.tif", np.full((200, 400), 6.25))
    with caplog.at_level("WARNING", logger="haldenenergie.wind"):
        simulate_wind(heaps, {}, weak, meta, WindConfig(wind_atlas_path=str(p)))
    assert "atlas band" not in caplog.text


@pytest.mark.slow
def test_cli_wind_atlas_scales_each_heap(tmp_path, cli, invoke):
    """``run --wind-atlas``: every heap gets the atlas value and a factor; a bad one is one line."""
    import pandas as pd

    band = np.full((200, 600), 6.25, dtype="float32")  # 6.5-8.0 E, 51.3-51.8 N
    p = _write(tmp_path / "atlas.tif", band)
    out = tmp_path / "run"
    cli("run", "--heap", "haniel", "--heap", "hoppenbruch", "--wind-atlas", p, "--out", out)
    res = pd.read_csv(out / "results.csv").set_index("heap_id")
    assert res["wind_atlas_m_s"].tolist() == pytest.approx([6.25, 6.25])
    # TRY-calibrated synthetic year: 5.7 m/s at 135 m over flat ground -> factor ~1.09
    assert ((res["wind_atlas_factor"] > 1.0) & (res["wind_atlas_factor"] < 1.2)).all()
    bad = _write(tmp_path / "kmh.tif", band * 3.6)  # km/h, not m/s
    r = invoke("run", "--heap", "haniel", "--wind-atlas", bad, "--out", tmp_path / "bad")
    assert r.exit_code == 1 and "kmh.tif" in r.stderr and "Traceback" not in r.output
