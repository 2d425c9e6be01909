"""Benchmark of the wind stage: vectorised ``simulate_wind`` vs one windpowerlib ModelChain per
turbine.

Run from the project root: ``python benchmarks/bench_wind.py [WEATHER_FILE]``. Uses the packaged
registry (``heaps.geojson``) with the parametric terrain and TRY2015 Essen by default. Both paths
run with speed-up, wakes and losses off so the energies must agree (±0.5 %); prints times and the
ratio.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as haldenenergie.cli; before numpy is imported

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(weather_file: str | None = None) -> None:
    from windpowerlib import ModelChain, WindTurbine

    from haldenenergie import registry, terrain, weather, wind
    from haldenenergie.config import load_config
    from haldenenergie.resources import default_registry_path

    cfg = load_config()
    path = weather_file or ROOT / ".." / "shared" / "data" / "weather" / "TRY2015_essen_jahr.dat"
    data, meta = weather.read_weather(path)
    hs = registry.read_registry(default_registry_path())
    terrains = {h.id: terrain.heap_terrain(h, cfg.terrain) for h in hs}
    plain = cfg.wind.__class__(
        speedup=False, wake_model="none", availability=1.0, electrical_loss=0.0
    )

    t0 = time.perf_counter()
    res = wind.simulate_wind(hs, terrains, data, meta, cfg.wind)
    t_default = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = wind.simulate_wind(hs, terrains, data, meta, plain).per_heap
    t_fast = time.perf_counter() - t0

    frame = weather.to_windpowerlib(data, meta, roughness_length_m=plain.roughness_length_m)
    t0 = time.perf_counter()
    naive = {}
    for h in hs:
        n = int(fast.loc[h.id, "wind_turbines_new"])
        H = max(float(terrains[h.id].relative_height_m or 0.0), 0.0)
        e = 0.0
        for _ in range(n):  # one ModelChain per turbine, as a naive user would
            wt = WindTurbine(turbine_type=plain.turbine_type, hub_height=plain.hub_height_m + H)
            mc = ModelChain(wt, density_correction=True).run_model(frame)
            e += float(mc.power_output.sum()) / 1e6
        naive[h.id] = e
    t_naive = time.perf_counter() - t0
    dev = max(abs(fast.loc[k, "wind_energy_mwh_per_a"] - v) / v for k, v in naive.items() if v > 0)
    n_turb = int(fast["wind_turbines_new"].sum())
    print(f"heaps {len(hs)}, new turbines {n_turb}, weather {Path(path).name}")
    print(
        f"simulate_wind default config : {t_default:6.2f} s "
        f"(total new {res.per_heap['wind_energy_mwh_per_a'].sum() / 1e3:.1f} GWh/a)"
    )
    print(f"simulate_wind plain          : {t_fast:6.2f} s")
    print(f"naive ModelChain per turbine : {t_naive:6.2f} s  (ratio {t_naive / t_fast:.1f}x)")
    print(f"max relative deviation       : {dev:.2e}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
