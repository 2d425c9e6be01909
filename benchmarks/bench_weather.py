"""Benchmark: read + validate the 35,136-row Düsseldorf 15-minute file (target: well under 1 s).

Plain script (not a test): ``python benchmarks/bench_weather.py [--runs N]``. Prints the median
wall time of ``read_weather`` (parse, checks, hourly resampling, sun position, DNI derivation,
range checks) over N runs after one warm-up run (imports of pvlib/pandas excluded).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # as haldenenergie.cli; before numpy is imported

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from haldenenergie.weather import read_weather  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = (
    ROOT / ".." / "shared" / "data" / "weather" / "dwd_duesseldorf_2024_15min.csv"
).resolve()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    args = ap.parse_args()
    read_weather(args.file)  # warm-up: imports, caches
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        data, meta = read_weather(args.file)
        times.append(time.perf_counter() - t0)
    print(
        f"read_weather({args.file.name}): {meta.source_step} -> hourly, {len(data)} hours; "
        f"median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs "
        f"(min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
