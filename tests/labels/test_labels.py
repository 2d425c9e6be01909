"""The label table: every result column labelled in both languages; the lookup API."""

from __future__ import annotations

import pandas as pd

from haldenenergie import export as E
from haldenenergie import suitability as S


def test_every_result_column_has_a_label_in_both_languages():
    """A committee reads no raw column names: every column the pipeline, the wind stage and the
    ranking write has a German and an English header (with the unit where it has one)."""
    from haldenenergie.pipeline import RESULT_COLUMNS

    wind_extra = (
        "wind_rotor_diameter_m",
        "wind_hub_height_above_surroundings_m",
        "wind_speedup_fraction",
        "wind_wake_loss_fraction",
        "wind_atlas_factor",
        "existing_wind_turbine_type",
        "existing_wind_capacity_mw",
        "existing_wind_full_load_hours_h",
    )
    cols = [*RESULT_COLUMNS, *wind_extra, *S.RANK_COLUMNS]
    missing = [c for c in cols if c not in E.COLUMN_INFO]
    assert not missing, missing
    for c in cols:
        de, en = E.column_header(c, "de"), E.column_header(c, "en")
        assert c not in (de, en) and "_" not in de and "_" not in en, (c, de, en)
    assert E.column_header("summit_elevation_m", "de") == "Gipfelhöhe ü. NHN [m]"
    assert E.column_header("existing_wind_capacity_mw", "en") == "Existing wind capacity [MW]"
    df = E.committee_frame(pd.DataFrame({"heap_id": ["a"], "weather_partial": [False]}), "de")
    assert df["weather_partial"].tolist() == ["nein"]


def test_label_api_header_unit_decimals():
    from haldenenergie import labels

    assert labels.label("pv_capacity_mwp", "de") == "PV-Leistung [MWp]"
    assert labels.label("pv_capacity_mwp", "en") == "PV capacity [MWp]"
    assert labels.unit("pv_capacity_mwp") == "MWp" and labels.decimals("pv_capacity_mwp") == 2
    assert labels.name("pv_capacity_mwp", "de") == "PV-Leistung"
    # German unit words; columns without a unit have no brackets
    assert labels.label("score", "de") == "Punktzahl [Punkte]"
    assert labels.label("score", "en") == "Score [points]"
    assert labels.label("name", "de") == "Name" and labels.decimals("name") is None
    # unknown columns keep their name and take the unit from the suffix
    assert labels.label("foo_energy_mwh_per_a", "en") == "foo_energy_mwh_per_a [MWh/a]"
    assert labels.unit("foo") == "" and not labels.known("foo")


def test_value_labels_and_language_check():
    import pytest

    from haldenenergie import labels
    from haldenenergie.errors import OutputError

    assert labels.value_label("robust_top", True, "de") == "ja"
    assert labels.value_label("robust_top", False, "en") == "no"
    assert labels.value_label("pv_suitability", "not-assessed", "de") == "nicht bewertet"
    assert labels.value_label("pv_suitability", 3.0, "de") is None
    with pytest.raises(OutputError, match="not supported"):
        labels.label("pv_capacity_mwp", "fr")


def test_export_tables_come_from_the_label_table():
    from haldenenergie import labels

    assert set(E.COLUMN_INFO) == set(labels.table().columns)
    for c, (en, de, unit, dec) in E.COLUMN_INFO.items():
        assert (labels.name(c, "en"), labels.name(c, "de")) == (en, de)
        assert labels.unit(c) == unit and labels.decimals(c) == dec


def test_report_uses_the_same_labels_as_the_exports():
    """One table: every column the label table knows reads the same in the report (shares are
    shown in per cent there, so only their unit differs)."""
    from haldenenergie import labels
    from haldenenergie.report.columns import column_label

    cols = list(labels.table().columns)
    assert len(cols) > 50
    for lang in ("de", "en"):
        for col in cols:
            expected = (
                f"{labels.name(col, lang)} [%]"
                if col.endswith("_fraction")
                else labels.label(col, lang)
            )
            assert column_label(col, lang) == expected, col


def test_display_rules_committee_numbers():
    """Issue 14: years as plain integers, households to hundreds, shares in per cent, energy in
    whole MWh/a, scores to two decimals and their parts to one."""
    from haldenenergie import labels

    assert labels.excel_format("co2_factor_year") == "0"
    assert labels.excel_format("household_consumption_year") == "0"
    assert labels.display("households").step == 100
    assert labels.excel_format("wind_wake_loss_fraction") == "0.0%"
    assert labels.label("wind_wake_loss_fraction", "de") == "Nachlaufverluste [%]"
    assert labels.decimals("pv_energy_mwh_per_a") == 0 and labels.decimals("score") == 2
    assert labels.decimals("score_energy") == 1
    assert labels.excel_format("name") is None
    s = pd.Series([315534.2963, 29104.56], name="households")
    assert labels.display_series(s, "households").tolist() == [315500, 29100]
    assert str(labels.display_series(s, "households").dtype) == "Int64"
    y = labels.display_series(pd.Series([2024.0]), "co2_factor_year")
    assert y.tolist() == [2024] and str(y.dtype) == "Int64"
    f = labels.display_series(pd.Series([0.1234, None]), "wind_wake_loss_fraction")
    assert f.iloc[0] == 12.3 and pd.isna(f.iloc[1])
    e = labels.display_series(pd.Series([88783.825, 0.4]), "pv_energy_mwh_per_a")
    assert e.tolist() == [88784, 0]
    t = pd.Series(["a"], name="name")
    assert labels.display_series(t, "name") is t
