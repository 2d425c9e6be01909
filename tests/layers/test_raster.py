"""Raster schema detection: TCD vs WorldCover by name, values and CRS; one-line errors."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from haldenenergie.layers import LayerError, read_layer


def _tif(path, data, crs="EPSG:3035", count=1):
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        dtype=data.dtype,
        count=count,
        width=data.shape[1],
        height=data.shape[0],
        crs=crs,
        transform=from_origin(4_100_000, 3_100_000, 10, 10),
    ) as ds:
        for b in range(1, count + 1):
            ds.write(data, b)
    return path


def test_multiples_of_ten_decided_by_name_then_crs(tmp_path):
    data = np.full((30, 30), 20, dtype="uint8")
    data[:10, :10] = 60  # TCD 60 % or WorldCover bare / sparse vegetation
    tcd = read_layer("forest", _tif(tmp_path / "tcd_2018_tile.tif", data, crs="EPSG:4326"))
    assert tcd.schema == "tcd" and tcd.n_features == 900  # 20 % and 60 % are both >= 10 %
    anon_3035 = read_layer("forest", _tif(tmp_path / "a.tif", data))
    assert anon_3035.schema == "tcd"
    data[0, 0] = 10
    anon_4326 = _tif(tmp_path / "b.tif", data, crs="EPSG:4326")
    wc = read_layer("forest", anon_4326)
    assert wc.schema == "worldcover" and wc.n_features == 1


def test_raster_errors(tmp_path):
    f = np.full((5, 5), 0.5, dtype="float32")
    with pytest.raises(LayerError, match="1 band\\(s\\) of float32"):
        read_layer("forest", _tif(tmp_path / "f.tif", f))
    u = np.full((5, 5), 50, dtype="uint8")
    with pytest.raises(LayerError, match="3 band"):
        read_layer("forest", _tif(tmp_path / "rgb.tif", u, count=3))
    with pytest.raises(LayerError, match="raster has no CRS"):
        read_layer("forest", _tif(tmp_path / "nocrs.tif", u, crs=None))
    nd = np.full((5, 5), 255, dtype="uint8")
    with pytest.raises(LayerError, match="no valid cells"):
        read_layer("forest", _tif(tmp_path / "tcd_outside.tif", nd))
    low = np.full((5, 5), 3, dtype="uint8")
    with pytest.raises(LayerError, match="no forest cells in the tcd raster"):
        read_layer("forest", _tif(tmp_path / "tcd_low.tif", low))
