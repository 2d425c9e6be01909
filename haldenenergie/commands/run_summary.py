"""The summary ``haldenenergie run`` prints: what was written, the key figures, their provenance."""

from __future__ import annotations

from pathlib import Path

import click

from ..suitability.basis import forest_considered, pv_basis_text


def _basis(text: object) -> str:
    """`` (label)`` after a PV figure, or "" (no label)."""
    text = "" if text is None or text != text else str(text).strip()
    return f" ({text})" if text else ""


def _facts_missing_part(t) -> str:
    """How much of the suitable total comes from heaps with facts missing ("" if none)."""
    if "facts_missing" not in t.index or not t.loc["facts_missing", "heaps"] > 0:
        return ""
    row = t.loc["facts_missing"]
    return (
        f"; of this, {row['energy_mwh_per_a'] / 1000:,.1f} GWh/a from {int(row['heaps'])} heaps "
        "with facts missing (area or height assumed)"
    )


def _echo_suitable(totals) -> None:
    """The suitable uses, as counted in the totals, the report's headline and the exports."""
    if totals is None or "group" not in getattr(totals, "columns", ()):
        return
    t = totals.set_index("group")
    if "total_suitable" not in t.index:
        return
    row = t.loc["total_suitable"]
    line = (
        f"suitable uses (counted in the totals): PV {row['pv_capacity_mwp']:,.1f} MWp, "
        f"{row['pv_energy_mwh_per_a'] / 1000:,.1f} GWh/a{_basis(row.get('pv_basis'))}; new wind "
        f"{row['wind_capacity_mw']:,.1f} MW, {row['wind_energy_mwh_per_a'] / 1000:,.1f} GWh/a"
    )
    line += _facts_missing_part(t)
    if "wind_not_assessed" in t.index and t.loc["wind_not_assessed", "heaps"] > 0:
        pending = t.loc["wind_not_assessed"]
        line += (
            f"; wind not assessed on {int(pending['heaps'])} heaps "
            f"({pending['wind_capacity_mw']:,.1f} MW: distance to housing unknown, pass "
            "--residential)"
        )
    click.echo(line)


def echo_provenance(manifest: dict, results) -> None:
    """Print where the figures come from: weather, terrain sources, layers, assumed facts."""
    from ..results import provenance

    for line in provenance(manifest, results).lines("en"):
        click.echo(line)


def echo_summary(res, out_dir: Path, totals=None) -> None:
    """Print what the run wrote and its key figures (capacities, energies, classes)."""
    n = len(res)
    pv = res["pv_energy_mwh_per_a"].sum(min_count=1)
    wind = res["wind_energy_mwh_per_a"].fillna(0).sum()
    pv_text = (
        "PV energy not computed (weather without irradiance)"
        if res["pv_energy_mwh_per_a"].isna().any()
        else f"{pv / 1000:,.1f} GWh/a"
    )
    from ..results import RUN_FILES

    click.echo(f"{n} heaps → {out_dir}/ ({', '.join(RUN_FILES)})")
    if res["weather_partial"].any():
        click.echo(
            "weather covers part of a year: annual energies are scaled up and flagged "
            "(weather_partial)"
        )
    forest = forest_considered(res)
    pv_text += _basis(pv_basis_text(sum(forest), len(forest), "en"))
    click.echo(
        f"PV potential {res['pv_capacity_mwp'].sum():,.1f} MWp, {pv_text}; "
        f"new wind {res['wind_capacity_mw'].fillna(0).sum():,.1f} MW, {wind / 1000:,.1f} GWh/a; "
        f"existing wind {res['existing_wind_energy_mwh_per_a'].fillna(0).sum() / 1000:,.1f} GWh/a"
        " (technical potential of all heaps, before constraints)"
    )
    _echo_suitable(totals)
    if "class" in res:
        counts = res["class"].value_counts().to_dict()
        click.echo("classes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
