"""A registry kept as GeoPackage or FlatGeobuf (any CRS) reads as the GeoJSON registry does."""

from __future__ import annotations

import pytest

from haldenenergie.errors import RegistryError
from haldenenergie.registry import read_registry, validate_registry
from haldenenergie.resources import default_registry_path


@pytest.mark.parametrize("suffix", [".gpkg", ".fgb"])
def test_gpkg_and_fgb_registry_equal_the_geojson(tmp_path, suffix):
    import geopandas

    ref = read_registry(default_registry_path())
    path = tmp_path / f"heaps{suffix}"
    # FlatGeobuf: no spatial index, which GDAL cannot build with the 13 heaps without position
    opts = {"SPATIAL_INDEX": "NO"} if suffix == ".fgb" else {}
    geopandas.read_file(default_registry_path()).to_crs("EPSG:25832").to_file(path, **opts)
    got = read_registry(path)
    assert [h.id for h in got] == [h.id for h in ref]
    for a, b in zip(got, ref, strict=True):
        assert a.area_ha == b.area_ha and a.height_rel_m == b.height_rel_m and a.form == b.form
        if b.lat is None:
            assert a.lat is None
        else:  # EPSG:25832 and back: well below a millimetre
            assert a.lat == pytest.approx(b.lat, abs=1e-8)
            assert a.lon == pytest.approx(b.lon, abs=1e-8)
    assert not [p for p in validate_registry(path) if p.severity == "error"]


def test_gpkg_registry_without_crs_is_one_line(tmp_path):
    import geopandas

    gdf = geopandas.read_file(default_registry_path()).set_crs(None, allow_override=True)
    path = tmp_path / "heaps.gpkg"
    with pytest.warns(UserWarning, match="crs"):  # pyogrio warns about writing a CRS-less file
        gdf.to_file(path)
    with pytest.raises(RegistryError, match=r"heaps\.gpkg.*no CRS") as exc:
        read_registry(path)
    assert "\n" not in str(exc.value)
