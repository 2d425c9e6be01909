"""Benchmark: time and peak memory of terrain, PV and wind for 1x, 4x, 16x (64x) the registry.

Run from the project root::

    python benchmarks/bench_scaling.py [--sizes 1,4,16] [--weather FILE]

Each size runs in its own subprocess (so peak memory is that size's alone, ``ru_maxrss``), with
BLAS threads pinned to one as the CLI does. The registry is repeated ``k`` times with DISTINCT
geometries: every copy's heaps get a new id, their position jittered by up to 0.01 deg and their
area and relative height scaled by a factor in [0.8, 1.2] (seeded), so the PV stage cannot share
columns between copies. Each stage runs once on two heaps before the timed run (imports and
first-call caches are not charged to the 1x size). Printed per size and stage: wall time, time
per heap, time relative to 1x divided by k (target, issue 17: 16x <= 17x the time of 1x for
every stage), and the peak resident memory of the process (target <= 1.5 GB at 64x). Terrain is
the parametric terrain (no DEM).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as haldenenergie.cli; before numpy is imported

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

STAGES = ("terrain", "pv", "wind")


def jittered_registry(k: int, seed: int = 17) -> list:
    """The packaged registry repeated ``k`` times with jittered, distinct heaps."""
    import numpy as np

    from haldenenergie import registry
    from haldenenergie.resources import default_registry_path

    base = registry.read_registry(default_registry_path())
    if k == 1:
        return base
    rng = np.random.default_rng(seed)
    out = []
    for c in range(k):
        for h in base:
            f = rng.uniform(0.8, 1.2, 2)
            changes = {"id": f"{h.id}-x{c}"}
            if h.lat is not None:
                changes |= {"lat": h.lat + rng.uniform(-0.01, 0.01)}
                changes |= {"lon": h.lon + rng.uniform(-0.01, 0.01)}
            if h.area_ha:
                changes["area_ha"] = h.area_ha * f[0]
            if h.height_rel_m:
                changes["height_rel_m"] = h.height_rel_m * f[1]
            out.append(dataclasses.replace(h, **changes))
    return out


def one_size(k: int, weather_file: str | None) -> dict:
    """Stage times [s] and peak memory [MB] for ``k`` x the registry (run in a subprocess)."""
    import logging
    import resource
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    from haldenenergie import terrain, weather
    from haldenenergie.config import load_config
    from haldenenergie.pv import simulate_pv
    from haldenenergie.wind import simulate_wind

    cfg = load_config()
    path = Path(weather_file) if weather_file else weather.default_weather_path()
    data, meta = weather.read_weather(path, config=cfg.weather)
    heaps = jittered_registry(k)
    # warm-up on two heaps, not timed: lazy imports (pvlib, windpowerlib, scipy) and first-call
    # caches would otherwise be charged to the 1x run alone and flatter the larger sizes
    few = heaps[:2]
    few_terrains = {h.id: terrain.heap_terrain(h, cfg.terrain) for h in few}
    simulate_pv(terrain.surfaces_table(few_terrains), data, meta, cfg.pv)
    simulate_wind(few, few_terrains, data, meta, cfg.wind)
    t = {}
    t0 = time.perf_counter()
    terrains = {h.id: terrain.heap_terrain(h, cfg.terrain) for h in heaps}
    t["terrain"] = time.perf_counter() - t0
    surf = terrain.surfaces_table(terrains)
    t0 = time.perf_counter()
    simulate_pv(surf, data, meta, cfg.pv)
    t["pv"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    simulate_wind(heaps, terrains, data, meta, cfg.wind)
    t["wind"] = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"k": k, "heaps": len(heaps), "times": t, "peak_mb": peak_mb}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,4,16", help="registry multiples, e.g. 1,4,16,64")
    ap.add_argument("--weather", default=None, help="weather file (default: embedded synthetic)")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(one_size(args.child, args.weather)))
        return 0
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load {load}, {os.cpu_count()} CPUs, BLAS threads {os.environ['OPENBLAS_NUM_THREADS']}")
    rows = []
    for k in (int(s) for s in args.sizes.split(",")):
        cmd = [sys.executable, __file__, "--child", str(k)]
        if args.weather:
            cmd += ["--weather", args.weather]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    base = rows[0]
    head = " ".join(f"{s + ' [s]':>12} {'ms/heap':>8} {'/k vs 1x':>9}" for s in STAGES)
    print(f"{'size':>5} {'heaps':>6} {head} {'peak MB':>8} {'MB/heap':>8}")
    for r in rows:
        rel = {s: r["times"][s] / base["times"][s] / (r["k"] / base["k"]) for s in STAGES}
        cells = " ".join(
            f"{r['times'][s]:12.3f} {r['times'][s] / r['heaps'] * 1e3:8.2f} {rel[s]:9.2f}"
            for s in STAGES
        )
        print(f"{r['k']:>4}x {r['heaps']:>6} {cells} "
              f"{r['peak_mb']:8.0f} {r['peak_mb'] / r['heaps']:8.2f}")  # fmt: skip
    print("target: '/k vs 1x' <= 17/16 = 1.06 at 16x for every stage; peak <= 1500 MB at 64x")
    print(f"load after {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
