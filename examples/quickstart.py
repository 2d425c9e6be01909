"""Quickstart: the Python API of haldenenergie in three steps.

Run with ``python examples/quickstart.py``. It uses only packaged data (the registry of the Ruhr
area's heaps and the synthetic typical weather year), so it needs no downloads; a full run takes
a few seconds.

1. Run every stage with the defaults and show the top of the ranking.
2. Change one parameter (plateau module tilt 20° -> 30°) and compare PV capacity and yield.
3. The hourly PV and wind power of the best-ranked heap, and a run folder written and read back.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import haldenenergie as he


def main(out_dir: Path) -> None:
    """The three steps; ``out_dir`` receives the run folder of step 3."""
    # 1. the default run: packaged registry, synthetic typical year, parametric terrain
    r = he.run()
    print(r)
    print(r.ranking[["rank", "heap_id", "name", "class", "score"]].head().to_string(index=False))

    # 2. a parameter changed through a dict of overrides (same keys as the TOML config), here
    #    for the five best heaps: steeper plateau racks need wider rows (fewer MWp per hectare)
    #    but yield more per kWp
    top5 = tuple(r.ranking["heap_id"].head())
    for tilt in (20, 30):
        t = he.run(config={"pv": {"plateau_tilt_deg": tilt}}, heap_ids=top5).heaps
        mwp, mwh = t["pv_capacity_mwp"].sum(), t["pv_energy_mwh_per_a"].sum()
        print(
            f"plateau tilt {tilt} deg, top 5 heaps: {mwp:,.1f} MWp, {mwh:,.0f} MWh/a, "
            f"{mwh / mwp:,.0f} kWh/kWp"
        )

    # 3. hourly series of the best heap (UTC, power in kW) and a run folder written and read back
    best = str(r.ranking["heap_id"].iloc[0])
    h = r.hourly(best)
    print(
        f"{best}: peak PV {h['pv_power_kw'].max():,.0f} kW, "
        f"peak wind {h['wind_power_kw'].max():,.0f} kW, "
        f"PV {h['pv_energy_kwh'].sum() / 1e3:,.0f} MWh/a, "
        f"wind {h['wind_energy_kwh'].sum() / 1e3:,.0f} MWh/a"
    )
    folder = r.write(out_dir / "run")
    back = he.load_results(folder)
    print(f"written and read back: {folder.name}/ with {len(back.heaps)} heaps")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
