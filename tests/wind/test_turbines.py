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
    assert spec.name == "E-101/3050" and note == "existing hub height assumed 98 m"
    spec, note = wind.existing_turbine(ew("Enercon E-138 EP3", hub=131), cfg)
    assert spec.name == "E-141/4200 capped 3500 kW" and spec.nominal_power_kw == 3500
    assert max(spec.curve_power_kw) == 3500 and "substitute" in note and spec.flag == note
    spec, note = wind.existing_turbine(ew("unknown maker"), cfg)
    assert spec.name == "E-82/2300" and "assumed E-82/2300 at 98 m" in note
