"""Benchmark: start-up of the light commands (``config show``, ``heaps list``, ``--help``).

Run from the project root::

    python benchmarks/bench_startup.py [--runs 15]

For every command: the median wall time (and min-max) of ``--runs`` fresh processes running the
CLI entry point (``python -c "from haldenenergie.cli import main; main()" ARGS``, what the
``haldenenergie`` console script does), the same for the bare interpreter (``python -c pass``:
the floor no change in this project can go below), the number of modules in ``sys.modules``
after the command and the cumulative import time of its top-level imports from
``python -X importtime`` (a figure that depends less on the machine's load than wall time).
Target (issue 17): ``config show`` and ``heaps list`` <= 0.5 s wall on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS = (("config", "show"), ("heaps", "list"), ("--help",))
_ENTRY = "from haldenenergie.cli import main; main()"
_COUNT = (
    "import sys; from haldenenergie.cli import main\n"
    "try:\n    main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit: pass\n"
    "print('\\nMODULES', len(sys.modules))"
)


def wall_times(argv: list[str], runs: int) -> list[float]:
    """Wall times [s] of ``runs`` fresh processes ``argv`` (output discarded)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        out.append(time.perf_counter() - t0)
    return out


def module_count(args: tuple[str, ...]) -> int:
    """Modules in ``sys.modules`` after the command's work."""
    proc = subprocess.run(
        [sys.executable, "-c", _COUNT, *args], capture_output=True, text=True, check=False
    )
    return int(proc.stdout.strip().splitlines()[-1].split()[1])


def import_ms(args: tuple[str, ...]) -> float:
    """Sum of the cumulative import times of top-level imports [ms] (``-X importtime``)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _ENTRY, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    total = 0
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|", 2)
            if not name.startswith("  ") and cumulative.strip().isdigit():  # top level only
                total += int(cumulative)
    return total / 1000


def main() -> int:
    """Print the figures of every command and of the bare interpreter."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    base = wall_times([sys.executable, "-c", "pass"], args.runs)
    print(f"{'python -c pass':18s} median {statistics.median(base):.3f} s (floor)")
    for cmd in COMMANDS:
        t = wall_times([sys.executable, "-c", _ENTRY, *cmd], args.runs)
        print(
            f"{' '.join(cmd):18s} median {statistics.median(t):.3f} s "
            f"(min {min(t):.3f}, max {max(t):.3f}, {len(t)} runs), "
            f"{module_count(cmd)} modules, imports {import_ms(cmd):.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
