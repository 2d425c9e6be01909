"""Turbines: windpowerlib's library, user power curves, substitutes and the up-front check."""

from __future__ import annotations

from importlib import resources

import pytest
from numpy.testing import assert_allclose

from haldenenergie import wind
from haldenenergie.errors import HaldenError, TurbineError
from haldenenergie.wind import WindConfig


def test_unknown_turbine_type_is_one_line_turbine_error():
    with pytest.raises(
        TurbineError,
        match=r"unknown turbine type 'E-141/420'.*close matches: "
        r"E-141/4200.*get_turbine_types",
    ) as exc:
        wind.check_config(WindConfig(turbine_type="E-141/420"), "my.toml")
    assert "\n" not in str(exc.value) and "my.toml" in str(exc.value)
    from haldenenergie.config import load_config

    with pytest.raises(HaldenError, match="NoSuchTurbine"):
        wind.check_config(load_config(overrides={"wind": {"turbine_type": "NoSuchTurbine/1"}}))


def test_check_config_names_the_config_file_and_key(tmp_path):
    """Moved from the config tests: an unknown type in a TOML file is one line naming the file
    (the config's origin) and the key; the stand-in type for existing turbines is checked too."""
    from haldenenergie.config import load_config

    p = tmp_path / "bad.toml"
    p.write_text('[wind]\nturbine_type = "E-999/1"\n', encoding="utf-8")
    cfg = load_config(p)  # building the config reads no turbine library
    with pytest.raises(HaldenError) as exc:
        wind.check_config(cfg)
    msg = str(exc.value)
    assert "\n" not in msg and str(p) in msg
    assert f"{p}: [wind] turbine_type: unknown turbine type 'E-999/1'" in msg
    p.write_text('[wind]\nexisting_unknown_type = "E-82/230"\n', encoding="utf-8")
    with pytest.raises(TurbineError, match=r"\[wind\] existing_unknown_type: unknown turbine"):
        wind.check_config(load_config(p))
    wind.check_config(load_config())  # the defaults pass
    wind.check_config(WindConfig(existing_unknown_type=""))


def test_simulate_wind_checks_the_turbines_first(berlin, meta):
    """The stage refuses an unknown stand-in type at its start, even with no heap needing it."""
    with pytest.raises(TurbineError, match="existing_unknown_type"):
        wind.simulate_wind([], {}, berlin, meta(), WindConfig(existing_unknown_type="NoSuch/1"))


def test_user_power_curve(tmp_path, berlin, meta, plain, modelchain_mwh):
    example = resources.files("haldenenergie") / "data" / "power_curve_example.csv"
    cfg = WindConfig(power_curve_csv=str(example), roughness_source="weather", **plain)
    wind.check_config(cfg)
    spec = wind.new_turbine(cfg)
    assert spec.rotor_diameter_m == 116 and spec.nominal_power_kw == 3000
    ours = wind.turbine_energy(berlin, meta(), cfg).sum()
    assert_allclose(ours, modelchain_mwh(berlin, "E-115/3000", cfg.hub_height_m), rtol=1e-6)
    bad = tmp_path / "bad.csv"
    bad.write_text("# rotor_diameter_m: 100\nwind_speed_m_s,power_kw\n3,0\n4,100\n5,300\n")
    with pytest.raises(TurbineError, match="no source"):
        wind.read_power_curve(bad, 100)
    bad.write_text("# source: x\n# rotor_diameter_m: 100\nspeed,power\n3,0\n")
    with pytest.raises(TurbineError, match="wind_speed_m_s, power_kw"):
        wind.read_power_curve(bad, 100)
    bad.write_text("# source: x\n# rotor_diameter_m: 100\nwind_speed_m_s,power_kw\n3,0\n3,1\n5,2\n")
    with pytest.raises(TurbineError, match="increase"):
        wind.read_power_curve(bad, 100)


def test_power_curve_errors_for_bad_values(tmp_path):
    bad = tmp_path / "bad.csv"
    with pytest.raises(TurbineError, match="cannot read power curve"):
        wind.read_power_curve(bad, 100)
    with pytest.raises(TurbineError, match="cannot read power curve"):
        wind.check_config(WindConfig(power_curve_csv=str(bad)))
    bad.write_text("# source: x\nwind_speed_m_s,power_kw\n3,0\n4,1\n5,2\n")
    with pytest.raises(TurbineError, match="rotor_diameter_m: <metres>"):
        wind.read_power_curve(bad, 100)
    bad.write_text("# source: x\n# rotor_diameter_m: 0\nwind_speed_m_s,power_kw\n3,0\n4,1\n5,2\n")
    with pytest.raises(TurbineError, match="must be > 0"):
        wind.read_power_curve(bad, 100)
    bad.write_text("# source: x\n# rotor_diameter_m: 9\nwind_speed_m_s,power_kw\n3,0\n4,x\n5,2\n")
    with pytest.raises(TurbineError, match="data row 2: .* must be numbers"):
        wind.read_power_curve(bad, 100)
    bad.write_text("# source: x\n# rotor_diameter_m: 9\nwind_speed_m_s,power_kw\n3,0\n4,-1\n5,2\n")
    with pytest.raises(TurbineError, match="finite and >= 0"):
        wind.read_power_curve(bad, 100)


def test_substitutes_table_has_sources_and_known_types():
    subs = wind.read_substitutes()
    assert subs["source"].str.len().gt(0).all() and subs["reason"].str.len().gt(0).all()
    assert set(subs["substitute_type"]) <= set(wind.turbine_types())


def test_existing_turbine_order_of_choice():
    from types import SimpleNamespace

    cfg = WindConfig()

    def ew(model=None, wtype=None, hub=None, count=1):
        return SimpleNamespace(count=count, model=model, windpowerlib_type=wtype, hub_height_m=hub)

    assert wind.existing_turbine(ew(count=0), cfg) == (None, "")
    spec, note = wind.existing_turbine(ew("Enercon E-101", "E-101/3050"), cfg)
    assert spec.name == "E-101/3050" and note.startswith("existing hub height assumed 98 m; ")
    assert "E-101/3050: windpowerlib curve (max Cp 0.62 > Betz 0.593) replaced by ENERCON" in note
    assert spec.nominal_power_kw == 3050 and max(spec.curve_power_kw) == 3050
    # a model with a packaged data sheet is modelled as built (not a substitute, not flagged)
    spec, note = wind.existing_turbine(ew("Enercon E-138 EP3", hub=131), cfg)
    assert spec.name == "E-138 EP3/3500" and spec.nominal_power_kw == 3500
    assert spec.rotor_diameter_m == 138.6 and spec.hub_height_m == 131
    assert "data-sheet curve E-138 EP3/3500" in note and "substitute" not in note
    spec, note = wind.existing_turbine(ew("Enercon 3 MW"), cfg)
    assert spec.name == "E-115/3000" and "substitute" in note and "hub 135 m assumed" in note
    spec, note = wind.existing_turbine(ew("unknown maker"), cfg)
    assert spec.name == "E-82/2300" and "assumed E-82/2300 at 98 m" in note


# --------------------------------------------------------------------------------------------------
# power coefficient (issue 12, part 4)
# --------------------------------------------------------------------------------------------------
def test_power_coefficient_of_a_synthetic_curve_by_hand():
    """Cp = P / (0.5 rho A v^3): D = 100 m, v = 8 m/s, P = 1500 kW by hand:
    A = pi 100^2 / 4 = 7853.98 m2; 0.5 * 1.225 * 7853.98 * 512 = 2,463,008 W; Cp = 0.60901."""
    import numpy as np

    from haldenenergie.wind.curve_check import BETZ_LIMIT, check_curve, power_coefficient

    v = np.array([0.0, 4.0, 8.0, 12.0])
    p = np.array([0.0, 100.0, 1500.0, 3000.0])
    cp = power_coefficient(v, p, 100.0)
    wind_w = 0.5 * 1.225 * (np.pi * 100.0**2 / 4.0) * v[1:] ** 3
    assert_allclose(cp[1:], p[1:] * 1e3 / wind_w, rtol=1e-12)
    assert_allclose(cp[2], 1.5e6 / 2463008.6, rtol=1e-6) and cp[0] == 0.0
    chk = check_curve(v, p, 100.0, 3000.0)
    assert chk.max_cp_wind_speed_m_s == 8.0 and chk.above_betz and BETZ_LIMIT == 16 / 27
    assert chk.problems == ("Cp>Betz",)
    assert_allclose(chk.specific_power_w_m2, 3e6 / (np.pi * 2500), rtol=1e-12)
    chk = check_curve(v, [0, 100, 900, 2900], 100.0, 3000.0)
    assert chk.problems == ("rated not reached",)
    chk = check_curve([3, 5, 7, 9, 11], [10, 300, 200, 2000, 2000], 100.0, 2000.0)
    assert chk.problems == ("non-monotonic",)


def test_user_curve_above_betz_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "too_good.csv"
    # 1500 kW at 8 m/s on a 100 m rotor: Cp 0.609 > 16/27
    bad.write_text(
        "# source: invented\n# rotor_diameter_m: 100\nwind_speed_m_s,power_kw\n"
        "4,100\n8,1500\n12,3000\n",
        encoding="utf-8",
    )
    with pytest.raises(TurbineError) as exc:
        wind.read_power_curve(bad, 100)
    msg = str(exc.value)
    assert "\n" not in msg and str(bad) in msg
    assert "power coefficient 0.609 at 8 m/s exceeds the Betz limit 0.593" in msg
    assert "check rotor_diameter_m" in msg
    with pytest.raises(TurbineError, match="Betz"):
        wind.check_config(WindConfig(power_curve_csv=str(bad)))


def test_library_e101_is_replaced_by_the_data_sheet_curve(caplog):
    """windpowerlib's E-101/3050 curve is its E-115/3000 curve (max Cp 0.62 on a 101 m rotor);
    the packaged data-sheet curve (ENERCON product overview) has max Cp 0.478 and 3050 kW."""
    import numpy as np

    from haldenenergie.wind.curve_check import check_curve
    from haldenenergie.wind.turbines import _oedb_turbine, library_curve

    p_kw, d_m, ws, pw = _oedb_turbine("E-101/3050")
    assert_allclose(check_curve(ws, pw, d_m, p_kw).max_cp, 0.624, atol=5e-4)
    _, _, ws115, pw115 = _oedb_turbine("E-115/3000")  # the library's mix-up itself:
    assert np.max(np.abs(np.interp(ws115, ws, pw) - np.array(pw115))) <= 1.0  # same curve, kW
    library_curve.cache_clear()
    with caplog.at_level("WARNING", logger="haldenenergie.wind"):
        spec = wind.load_turbine("E-101/3050", 99)
    assert "replaced by ENERCON" in caplog.text
    assert "ENERCON Produkt 04/2017" in spec.source and spec.nominal_power_kw == 3050
    chk = check_curve(spec.curve_wind_speed_m_s, spec.curve_power_kw, 101, 3050)
    assert chk.problems == () and and_allclose(chk.max_cp, 0.478, atol=1e-3)
    # data sheet Cp column = P / (0.5 rho A v^3) of its own power column, within rounding
    from haldenenergie.wind.curve_check import power_coefficient, read_corrections

    rows = read_corrections()
    cp = power_coefficient(rows["wind_speed_m_s"], rows["power_kw"], 101.0)
    assert np.max(np.abs(cp - rows["power_coefficient"])) < 2e-3


def and_allclose(a, b, atol):
    """True when a and b agree within atol (for combined asserts)."""
    return abs(a - b) <= atol


def test_library_curve_above_betz_without_correction_is_refused():
    with pytest.raises(TurbineError) as exc:
        wind.load_turbine("V164/8000", 100)
    msg = str(exc.value)
    assert "\n" not in msg and "V164/8000" in msg and "Betz" in msg and "power_curve_csv" in msg


# --------------------------------------------------------------------------------------------------
# packaged data-sheet curves (issue 12, part 4): types windpowerlib lacks
# --------------------------------------------------------------------------------------------------
def test_datasheet_e138_ep3_joins_the_library_checked():
    """E-138 EP3/3500 from the ENERCON product page: values at the data-sheet nodes, Cp below Betz.

    By hand at 6 m/s: A = pi 138.6^2 / 4 = 15,087.5 m2; 0.5 * 1.225 * 15,087.5 * 216 = 1,996,077 W;
    Cp = 950 kW / 1,996 kW = 0.4759 (the data sheet's maximum).
    """
    import numpy as np

    from haldenenergie.wind.catalogue import catalogue_row
    from haldenenergie.wind.curve_check import BETZ_LIMIT
    from haldenenergie.wind.turbines import datasheet_types, load_turbine, turbine_types

    assert "E-138 EP3/3500" in datasheet_types() and "E-138 EP3/3500" in turbine_types()
    spec = load_turbine("E-138 EP3/3500", 131)
    v, p = np.array(spec.curve_wind_speed_m_s), np.array(spec.curve_power_kw)
    assert p[v == 8][0] == 2050 and p[v == 12][0] == 3480 and p.max() == 3500
    assert "enercon.de" in spec.source and "turbine_datasheets.csv" in spec.source
    row = catalogue_row("E-138 EP3/3500")
    assert abs(row["max_cp"] - 0.4759) < 5e-4 and row["max_cp_wind_speed_m_s"] == 6
    assert row["max_cp"] < BETZ_LIMIT and not row["flagged"] and not row["corrected"]
    assert abs(row["specific_power_w_m2"] - 3.5e6 / 15087.5) < 0.1
    assert "enercon.de" in row["source"]


def test_mastr_type_maps_to_the_datasheet_type():
    from haldenenergie.wind.mastr import match_windpowerlib_type as match

    assert match("E-138 EP3", 3500.0) == "E-138 EP3/3500"
    assert match("E-138 EP3 E2", 4200.0) is None
