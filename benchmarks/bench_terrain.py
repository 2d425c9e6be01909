"""Benchmark: the terrain stage on a synthetic 25 M-cell 1 m DEM (DGM1 scale) with 6 heaps.

Run from the project root::

    python benchmarks/bench_terrain.py [--runs 5] [--dir DIR] [--overviews]

The DEM is 5000 x 5000 cells of 1 m in EPSG:25832 (lower-left corner E 370,000 m, N 5,710,000 m,
like NRW DGM1 tiles aligned to whole kilometres), Float32, tiled 256 x 256 and Deflate-compressed
(assumption: the layout of a cloud-optimised GeoTIFF; Geobasis NRW publishes DGM1 as 1 km GeoTIFF
tiles with 1 m cells in EPSG:25832). It is written once with rasterio in strips (so writing needs
little memory) into ``--dir`` (default: a folder under the system temp dir) and reused. On a 40 m
base it carries six analytic heaps: three cones (22-26 deg flanks) and three table heaps (a flat
plateau with 18-24 deg flanks), 1.6 km apart, so that the default 2 km windows of neighbours
overlap. ``--overviews`` also builds internal overviews (2, 4, 8; ``gdaladdo -r average``).

Each run is a fresh subprocess that times ``terrain_for_heaps`` for the 6 heaps with the default
:class:`~haldenenergie.terrain.TerrainConfig` (10 m working resolution, 2 km half window) after
the imports, and reports its peak resident memory (``ru_maxrss``, imports included). Printed:
median and spread (min-max) of the terrain time, peak RSS, and the recovered heights against the
analytic ones. Targets (issue 17): terrain <= 2 s and <= 500 MB for the 6 heaps.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the CLI does (haldenenergie/cli.py)

import numpy as np

#: Raster size [cells] and cell size [m]: 25 M cells of 1 m.
N_CELLS, RES_M = 5000, 1.0
#: Lower-left corner [m, EPSG:25832] (whole kilometres, like the NRW tile grid).
LEFT_M, BOTTOM_M = 370_000.0, 5_710_000.0
#: Base level [m a.s.l.] (assumption: typical of the Emscher/Lippe lowland).
BASE_M = 40.0
#: (name, centre column, centre row, foot radius [m], flank slope [deg], plateau radius [m]).
HEAPS = (
    ("cone_a", 900, 900, 330.0, 24.0, 0.0),
    ("table_b", 2500, 900, 420.0, 20.0, 180.0),
    ("cone_c", 4100, 900, 300.0, 26.0, 0.0),
    ("table_d", 900, 4100, 450.0, 18.0, 220.0),
    ("cone_e", 2500, 4100, 350.0, 22.0, 0.0),
    ("table_f", 4100, 4100, 400.0, 24.0, 150.0),
)


def heap_height_m(foot_r: float, slope_deg: float, plateau_r: float) -> float:
    """Analytic relative height [m] of a cone/table heap: (foot - plateau radius) * tan(slope)."""
    return (foot_r - plateau_r) * math.tan(math.radians(slope_deg))


def write_dem(path: Path, overviews: bool) -> None:
    """Write the synthetic DEM (strips of 250 rows; Float32, 256 x 256 tiles, Deflate)."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    profile = dict(
        driver="GTiff",
        width=N_CELLS,
        height=N_CELLS,
        count=1,
        dtype="float32",
        crs="EPSG:25832",
        transform=from_origin(LEFT_M, BOTTOM_M + N_CELLS * RES_M, RES_M, RES_M),
        nodata=-9999.0,
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="deflate",
        predictor=3,
    )
    cols = (np.arange(N_CELLS) + 0.5) * RES_M
    tmp = path.with_suffix(".part.tif")
    with rasterio.open(tmp, "w", **profile) as dst:
        for r0 in range(0, N_CELLS, 250):
            rows = (np.arange(r0, r0 + 250) + 0.5) * RES_M
            z = np.full((250, N_CELLS), BASE_M)
            for _, c, r, foot_r, slope, plat_r in HEAPS:
                d = np.hypot(cols[None, :] - (c + 0.5), rows[:, None] - (r + 0.5))
                rise = (foot_r - np.maximum(d, plat_r)) * math.tan(math.radians(slope))
                z = np.maximum(z, BASE_M + np.clip(rise, 0.0, None))
            dst.write(np.round(z, 2).astype("float32"), 1, window=Window(0, r0, N_CELLS, 250))
        if overviews:
            from rasterio.enums import Resampling

            dst.build_overviews([2, 4, 8], Resampling.average)
    tmp.replace(path)


def heaps_wgs84():
    """The 6 heaps as registry-like records (id, lat, lon, form) at their analytic summits."""
    from pyproj import Transformer

    to_wgs = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    out = []
    for name, c, r, foot_r, slope, plat_r in HEAPS:
        x = LEFT_M + (c + 0.5) * RES_M
        y = BOTTOM_M + N_CELLS * RES_M - (r + 0.5) * RES_M
        lon, lat = to_wgs.transform(x, y)
        out.append(
            {
                "id": name,
                "lat": lat,
                "lon": lon,
                "form": "table" if plat_r > 0 else "cone",
                "height_m": heap_height_m(foot_r, slope, plat_r),
            }
        )
    return out


#: Registry facts the terrain stage reads, unknown here (the DEM alone decides).
_NO_FACTS = {"footprint": None, "area_ha": None, "height_rel_m": None, "height_asl_m": None}


def run_once(dem: Path) -> dict:
    """One timed terrain run in this process (called in a fresh subprocess)."""
    import resource
    from types import SimpleNamespace

    from haldenenergie.terrain import TerrainConfig, open_dem, terrain_for_heaps

    heaps = [
        SimpleNamespace(id=h["id"], lat=h["lat"], lon=h["lon"], form=h["form"], **_NO_FACTS)
        for h in heaps_wgs84()
    ]
    cfg = TerrainConfig()
    t0 = time.perf_counter()
    source = open_dem(dem)
    res = terrain_for_heaps(heaps, cfg, source, fallback=False)
    dt = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    heights = {k: float(v.relative_height_m) for k, v in res.items()}
    return {"terrain_s": dt, "peak_rss_mb": rss_mb, "heights_m": heights}


def report(runs: list[dict]) -> None:
    """Print median and spread of the terrain time, peak RSS and the recovered heights."""
    times = [r["terrain_s"] for r in runs]
    rss = [r["peak_rss_mb"] for r in runs]
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average: {' '.join(load)}")
    print(
        f"terrain, 6 heaps, {N_CELLS}x{N_CELLS} 1 m DEM -> 10 m: median "
        f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
        f"{len(times)} runs); target <= 2 s"
    )
    print(
        f"peak RSS per run (imports included): median {statistics.median(rss):.0f} MB "
        f"(max {max(rss):.0f} MB); target <= 500 MB"
    )
    worst = 0.0
    for h in heaps_wgs84():
        got = runs[-1]["heights_m"][h["id"]]
        worst = max(worst, abs(got - h["height_m"]))
        print(f"  {h['id']:8s} relative height {got:7.2f} m (analytic {h['height_m']:7.2f} m)")
    print(f"largest height deviation from the analytic heaps: {worst:.2f} m")


def main() -> int:
    """Write the DEM if needed, time ``--runs`` fresh-process terrain runs, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "halden_bench")
    ap.add_argument("--overviews", action="store_true")
    ap.add_argument("--run-once", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run_once:
        print(json.dumps(run_once(args.run_once)))
        return 0
    args.dir.mkdir(parents=True, exist_ok=True)
    dem = args.dir / f"synthetic_dgm1_5000{'_ovr' if args.overviews else ''}.tif"
    if not dem.exists():
        t0 = time.perf_counter()
        write_dem(dem, args.overviews)
        size_mb = dem.stat().st_size / 1e6
        print(f"wrote {dem} ({size_mb:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--run-once", str(dem)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    report(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
