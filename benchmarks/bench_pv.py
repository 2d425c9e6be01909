"""Benchmark: vectorised PV (haldenenergie.pv.simulate_pv) vs one pvlib ModelChain per surface.

Run from the project root::

    python benchmarks/bench_pv.py [--weather FILE] [--naive-limit N] [--synthetic]

Reports, in one process:
  (a)  simulate_pv for all surfaces of all heaps with the default config (row shading and
       terrain horizon on) and with both off (a0, the like-for-like comparison);
  (b)  the naive way: one pvlib ModelChain per heap and surface (same Perez/IAM/Faiman/PVWatts
       DC, losses and inverter; ModelChain has no row shading or terrain horizon);
  the ratio (b)/(a) and the largest relative difference of specific yield (a0) vs (b), which
  must be <= 0.5 % (issue 4). Surfaces come from the registry's parametric terrain
  (heaps.geojson) or, with --synthetic or without a registry, 46 heaps x 15 synthetic surfaces.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as haldenenergie.cli; before numpy is imported

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED_TRY = ROOT / ".." / "shared" / "data" / "weather" / "TRY2015_essen_jahr.dat"


def synthetic_surfaces(n_heaps: int = 46, per_heap: int = 15, seed: int = 0) -> pd.DataFrame:
    """46 heaps x 15 surfaces: a plateau plus flanks of random slope, aspect and horizon."""
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(n_heaps):
        rows.append(
            {
                "heap_id": f"h{h:02d}",
                "surface_class": "plateau",
                "kind": "plateau",
                "surface_tilt_deg": 1.0,
                "surface_azimuth_deg": 180.0,
                "usable_area_ha": rng.uniform(2, 30),
                "horizon_deg": [0.0] * 36,
            }
        )
        for k in range(per_heap - 1):
            az = (45.0 * (k % 8)) % 360
            tilt = rng.uniform(5, 34)
            hz = np.clip(
                rng.normal(4, 3) + 8 * np.cos(np.radians(np.arange(0, 360, 10) - az + 180)), 0, None
            )
            rows.append(
                {
                    "heap_id": f"h{h:02d}",
                    "surface_class": f"flank_{k}",
                    "kind": "flank",
                    "surface_tilt_deg": tilt,
                    "surface_azimuth_deg": az,
                    "usable_area_ha": rng.uniform(0.5, 10),
                    "horizon_deg": list(hz),
                }
            )
    return pd.DataFrame(rows)


def registry_surfaces() -> pd.DataFrame | None:
    """Parametric terrain surfaces of every heap in heaps.geojson (None if unavailable)."""
    try:
        from haldenenergie.registry import read_registry
        from haldenenergie.terrain import surfaces_table, terrain_for_heaps

        return surfaces_table(terrain_for_heaps(read_registry(ROOT / "heaps.geojson")))
    except Exception as exc:  # noqa: BLE001 - benchmark only: fall back to synthetic surfaces
        print(f"registry terrain unavailable ({exc}); using synthetic surfaces", file=sys.stderr)
        return None


def _parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weather", default=str(SHARED_TRY))
    ap.add_argument(
        "--naive-limit",
        type=int,
        default=0,
        help="run the naive ModelChain path on the first N surfaces only "
        "(time extrapolated to all); 0 = all",
    )
    ap.add_argument("--synthetic", action="store_true")
    return ap.parse_args(argv)


def _timed(fn, *args):
    """(result, wall time [s]) of fn(*args)."""
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def _naive(pv, data, meta, cfg0, todo: pd.DataFrame) -> list[float]:
    """Specific yield [kWh kWp-1] of each surface of ``todo`` by one pvlib ModelChain each."""
    return [
        pv.modelchain_energy(
            data, meta, cfg0, surface_tilt=r.module_tilt_deg, surface_azimuth=r.module_azimuth_deg
        ).sum()
        for r in todo.itertuples()
    ]


def main(argv=None) -> int:
    args = _parse(argv)
    warnings.filterwarnings("ignore")  # pvlib/pandas deprecation chatter

    from haldenenergie import pv
    from haldenenergie.weather import read_weather

    data, meta = read_weather(args.weather)
    surf = None if args.synthetic else registry_surfaces()
    if surf is None:
        surf = synthetic_surfaces()
    n_heaps = surf["heap_id"].nunique()
    print(
        f"weather: {Path(args.weather).name}, {len(data)} steps; surfaces: {len(surf)} "
        f"of {n_heaps} heaps"
    )

    cfg = pv.PVConfig()
    cfg0 = dataclasses.replace(cfg, row_shading=False, terrain_horizon=False)
    pv.simulate_pv(surf.head(3), data, meta, cfg)  # warm-up (imports, caches)
    res, t_a = _timed(pv.simulate_pv, surf, data, meta, cfg)
    res0, t_a0 = _timed(pv.simulate_pv, surf, data, meta, cfg0)

    ps0 = res0.per_surface[res0.per_surface["layout"] != "none"]
    todo = ps0 if args.naive_limit <= 0 else ps0.head(args.naive_limit)
    naive, t_b = _timed(_naive, pv, data, meta, cfg0, todo)
    t_b *= len(ps0) / len(todo)
    rel = np.abs(todo["specific_yield_kwh_per_kwp"].to_numpy() / np.array(naive) - 1)

    print(
        f"(a)  vectorised, default (shading + horizon): {t_a:7.3f} s  "
        f"({res.per_heap['pv_energy_mwh_per_a'].sum() / 1000:.1f} GWh/a, "
        f"{res.per_heap['pv_capacity_mwp'].sum():.0f} MWp)"
    )
    print(f"(a0) vectorised, shading + horizon off:       {t_a0:7.3f} s")
    extra = "" if len(todo) == len(ps0) else f" (extrapolated from {len(todo)})"
    print(
        f"(b)  naive, one ModelChain per surface:       {t_b:7.3f} s for {len(ps0)} surfaces{extra}"
    )
    print(f"ratio (b)/(a) = {t_b / t_a:.1f}x, (b)/(a0) = {t_b / t_a0:.1f}x")
    print(
        f"max relative difference of specific yield (a0) vs (b): {rel.max() * 100:.2e} % "
        f"(limit 0.5 %)"
    )
    ok = rel.max() <= 0.005
    print("OK" if ok else "FAILED: results differ by more than 0.5 %")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
