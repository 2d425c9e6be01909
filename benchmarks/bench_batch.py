"""Benchmark: ``haldenenergie batch`` over many weather years, --jobs 1 vs 2 (issue 6).

Run from the project root::

    python benchmarks/bench_batch.py [--files 20] [--sizes 5,20] [--jobs 1,2] [--keep]
                                     [--heaps FILE] [--workdir DIR]

1. Generates ``--files`` synthetic weather years with the project's own generator
   (``haldenenergie.weather.synth.synthesize``; seed 1000+i, calendar years 2001, 2002, …, so leap
   years are included) into a temporary folder.
2. For each size in ``--sizes`` (default 5 and ``--files``) and each ``--jobs`` value runs
   ``haldenenergie batch FILES --out FRESH_DIR --jobs J`` as a subprocess (fresh output folder, so
   nothing is skipped) and reports wall time, speed-up against --jobs 1, time per file, and memory:

   * ``maxrss``  — peak RSS of the largest single process (``/usr/bin/time -v``, i.e. the
     getrusage ``ru_maxrss`` of the children; with no GNU time: RUSAGE_CHILDREN, which is also a
     maximum over all children, not a sum);
   * ``tree``    — peak of the summed memory of the whole process tree (main + workers), sampled
     from /proc every 50 ms as PSS (``/proc/PID/smaps_rollup``; shared copy-on-write pages of
     forked workers counted once), RSS where PSS is unreadable;
   * ``main`` / ``worker`` — peak RSS (VmHWM from /proc/PID/status) of the main process and the
     largest worker.

   Memory "stays flat" when these do not grow from 5 to 20 files.
3. Checks each batch computed every file (manifest n_done) and wrote summary.csv.

Targets (issue 6): 20 files under 60 s with --jobs 2 on the 2-core machine; near-linear speed-up.
Before the batches a pure-Python CPU burner is run twice serially and in 2 processes at once: the
ratio is the speed-up the (shared) machine can give at that moment — the ceiling for the batch.
``--env KEY=VALUE`` (repeatable) adds environment variables to the batch subprocesses, e.g. to try
``OPENBLAS_NUM_THREADS=1`` or glibc malloc tuning. ``--keep`` keeps the generated weather and the
batch folders (their path is printed).

Dask overhead (issue 15)::

    python benchmarks/bench_batch.py --dask [--files 8] [--jobs 2] [--repeats 3]

runs the same files with the same ``--jobs`` alternately on the local process pool and with
``--cluster local`` (a ``dask.distributed.LocalCluster`` of ``--jobs`` single-threaded workers),
``--repeats`` times each, BLAS/OpenMP threads pinned to 1 in both (``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``; the CLI itself sets ``OPENBLAS_NUM_THREADS=1``), and
prints the medians, the overhead of the Dask path (median wall difference, whole command: cluster
start and stop, worker imports, terrain once per worker) and the median time of one file inside
its worker on either path.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 60.0  # issue 6: 20 files under 60 s with 2 jobs
GNU_TIME = Path("/usr/bin/time")


# ------------------------------------------------------------------------------------------------
# /proc sampling of a process tree
# ------------------------------------------------------------------------------------------------
def _ppid_map() -> dict[int, int]:
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                s = fh.read()
        except OSError:
            continue
        # field 4 after the ")" that closes the command name
        rest = s[s.rfind(b")") + 2 :].split()
        out[int(d)] = int(rest[1])
    return out


def _status_kb(pid: int, keys=("VmRSS", "VmHWM")) -> dict[str, int]:
    res = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                k = line.split(":", 1)[0]
                if k in keys:
                    res[k] = int(line.split()[1])
    except OSError:
        pass
    return res


def _pss_kb(pid: int) -> int | None:
    """Proportional set size [kB] (shared pages split between the sharers), None if unreadable."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class TreeSampler(threading.Thread):
    """Poll /proc every ``interval`` s: peak summed PSS (else RSS) of the tree, VmHWM per process.

    Forked workers share copy-on-write pages with the main process, so a plain sum of RSS counts
    those pages twice; PSS splits each shared page between its sharers and sums correctly.
    """

    def __init__(self, root_pid: int, interval: float = 0.05, skip: set[int] | None = None):
        super().__init__(daemon=True)
        self.root, self.interval, self.skip = root_pid, interval, skip or set()
        self.stop = threading.Event()
        self.peak_tree_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.parent: dict[int, int] = {}
        self.comm: dict[int, str] = {}

    def run(self):
        while not self.stop.is_set():
            pp = _ppid_map()
            tree, todo = set(), [self.root]
            while todo:
                p = todo.pop()
                tree.add(p)
                todo.extend(c for c, par in pp.items() if par == p and c not in tree)
            total = 0
            for p in tree:
                st = _status_kb(p)
                if p in self.skip or not st:
                    continue
                pss = _pss_kb(p)
                total += pss if pss is not None else st.get("VmRSS", 0)
                self.hwm_kb[p] = max(self.hwm_kb.get(p, 0), st.get("VmHWM", 0))
                self.parent.setdefault(p, pp.get(p, 0))
                if p not in self.comm:
                    try:
                        self.comm[p] = Path(f"/proc/{p}/comm").read_text().strip()
                    except OSError:
                        self.comm[p] = "?"
            self.peak_tree_kb = max(self.peak_tree_kb, total)
            self.stop.wait(self.interval)


# ------------------------------------------------------------------------------------------------
def _burn(n: int = 10_000_000) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i
    return time.perf_counter() - t


def machine_ceiling() -> tuple[float, float, float]:
    """Attainable 2-process speed-up right now: a pure-Python CPU burner (no memory traffic, no
    I/O) run twice serially vs in 2 processes at once. Returns (serial s, parallel s, ratio).

    On a dedicated 2-core machine the ratio is ~2; on a shared/oversubscribed VM it shows how much
    of the second core is really available, i.e. the ceiling for the batch speed-up.
    """
    import multiprocessing as mp

    t = time.perf_counter()
    _burn()
    _burn()
    serial = time.perf_counter() - t
    with mp.get_context("fork").Pool(2) as pool:
        t = time.perf_counter()
        pool.map(_burn, [10_000_000, 10_000_000])
        par = time.perf_counter() - t
    return serial, par, serial / par


def _cpu_ticks() -> list[int]:
    with open("/proc/stat") as fh:
        return [int(x) for x in fh.readline().split()[1:9]]


def cpu_usage(t0: list[int], t1: list[int]) -> tuple[float, float]:
    """(busy cores, steal cores) averaged between two /proc/stat samples (whole machine)."""
    d = [b - a for a, b in zip(t0, t1, strict=True)]
    total = sum(d) or 1
    busy = d[0] + d[1] + d[2] + d[5] + d[6]  # user nice system irq softirq
    n = os.cpu_count() or 1
    return busy / total * n, d[7] / total * n


def make_weather(folder: Path, n: int) -> list[Path]:
    from haldenenergie.weather.synth import synthesize

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        out = folder / f"synthetic_{2001 + i}_seed{1000 + i}.csv"
        files.append(synthesize(out, seed=1000 + i, year=2001 + i, overwrite=True))
    return files


def run_batch(
    files: list[Path],
    out: Path,
    jobs: int,
    heaps: str | None,
    env: dict | None = None,
    extra: list[str] | None = None,
) -> dict:
    """One ``haldenenergie batch`` subprocess; wall time and memory figures."""
    exe = shutil.which("haldenenergie")
    cmd = [exe] if exe else [sys.executable, "-m", "haldenenergie.cli"]
    cmd += ["batch", *map(str, files), "--out", str(out), "--jobs", str(jobs), *(extra or [])]
    if heaps:
        cmd += ["--heaps", heaps]
    gnu = GNU_TIME.exists()
    full = ([str(GNU_TIME), "-v"] + cmd) if gnu else cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ticks0 = _cpu_ticks()
    t = time.perf_counter()
    proc = subprocess.Popen(
        full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    sampler = TreeSampler(proc.pid, skip={proc.pid} if gnu else set())
    sampler.start()
    _stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    busy, steal = cpu_usage(ticks0, _cpu_ticks())
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(
            f"batch failed (exit {proc.returncode}): {' '.join(cmd)}\n{stderr[-2000:]}"
        )
    return _batch_figures(files, out, jobs, cmd, stderr, gnu, before, proc.pid, sampler) | {
        "wall_s": wall,
        "busy_cores": busy,
        "steal_cores": steal,
    }


def _batch_figures(files, out, jobs, cmd, stderr, gnu, before, pid, sampler) -> dict:
    """Memory figures and the manifest check of one finished batch subprocess."""
    maxrss_kb = None
    if gnu:
        for line in stderr.splitlines():
            if "Maximum resident set size" in line:
                maxrss_kb = int(line.rsplit(":", 1)[1])
    if maxrss_kb is None:  # ru_maxrss of RUSAGE_CHILDREN: max over all children so far [kB]
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        maxrss_kb = after if after > before else None
    # main process = the child of GNU time (or the Popen itself); workers = its children
    main_pid = next((p for p, par in sampler.parent.items() if par == pid), pid) if gnu else pid
    # workers: forked children with the main process's name (not e.g. a short-lived `uname`)
    workers = [
        p
        for p, par in sampler.parent.items()
        if par == main_pid and sampler.comm.get(p) == sampler.comm.get(main_pid)
    ]
    man = json.loads((out / "manifest.json").read_text())
    secs = [r["seconds"] for r in man["inputs"] if r.get("role") == "weather"]
    if man.get("n_done") != len(files) or not (out / "summary.csv").is_file():
        raise SystemExit(f"batch did not compute every file: {man.get('n_done')} of {len(files)}")
    return {
        "files": len(files),
        "jobs": jobs,
        "per_file_s": sum(secs) / len(secs),
        "maxrss_mb": maxrss_kb / 1024 if maxrss_kb else float("nan"),
        "tree_mb": sampler.peak_tree_kb / 1024,
        "main_mb": sampler.hwm_kb.get(main_pid, 0) / 1024,
        "worker_mb": max((sampler.hwm_kb.get(p, 0) for p in workers), default=0) / 1024,
        "n_workers": len(workers),
        "cmd": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd[:2]))
        + f" <{len(files)} files> --out DIR --jobs {jobs}",
    }


def _parse(argv) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20, help="weather years to generate")
    ap.add_argument("--sizes", default=None, help="comma list of batch sizes (default 5,FILES)")
    ap.add_argument("--jobs", default="1,2", help="comma list of --jobs values")
    ap.add_argument("--heaps", default=None, help="registry (default: the project's)")
    ap.add_argument(
        "--workdir", default=None, help="folder for weather and outputs (default: temp)"
    )
    ap.add_argument("--keep", action="store_true", help="keep generated weather and batch folders")
    ap.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the batch subprocesses (repeatable), e.g. "
        "OPENBLAS_NUM_THREADS=1",
    )
    ap.add_argument(
        "--dask",
        action="store_true",
        help="compare the local pool with --cluster local (same files and --jobs; issue 15)",
    )
    ap.add_argument("--repeats", type=int, default=3, help="repeats of each path with --dask")
    ap.add_argument(
        "--no-ceiling",
        action="store_true",
        help="skip the pure-Python 2-process calibration of the machine",
    )
    return ap.parse_args(argv)


def _run_all(files, sizes, jobs_list, work: Path, args, env) -> list[dict]:
    """Every (size, jobs) batch in a fresh folder, after 1 s of background-load sampling."""
    rows = []
    for n in sizes:
        for j in jobs_list:
            out = work / f"batch_{n}files_jobs{j}"
            if out.exists():
                shutil.rmtree(out)
            load = Path("/proc/loadavg").read_text().split()[0]
            c0 = _cpu_ticks()
            time.sleep(1.0)  # background load of other users just before the command
            bg = cpu_usage(c0, _cpu_ticks())[0]
            r = run_batch(files[:n], out, j, args.heaps, env)
            r["load1"] = load
            r["bg_cores"] = bg
            rows.append(r)
            print(
                f"  {n:>3} files, --jobs {j}: {r['wall_s']:6.1f} s "
                f"(tree peak {r['tree_mb']:.0f} MB)",
                flush=True,
            )
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
    return rows


def _print_table(rows: list[dict]) -> None:
    base = {r["files"]: r["wall_s"] for r in rows if r["jobs"] == 1}
    print(
        f"\n{'files':>5} {'jobs':>4} {'wall s':>7} {'s/file':>7} {'speed-up':>8} "
        f"{'eff.':>5} {'file s':>6} {'bg':>5} {'busy':>5} {'maxrss MB':>9} {'tree MB':>8} "
        f"{'main MB':>8} {'worker MB':>9} {'load1':>6}"
    )
    for r in rows:
        sp = base.get(r["files"], float("nan")) / r["wall_s"]
        eff = sp / r["jobs"]
        print(
            f"{r['files']:>5} {r['jobs']:>4} {r['wall_s']:>7.1f} "
            f"{r['wall_s'] / r['files']:>7.2f} {sp:>7.2f}x {eff:>5.0%} "
            f"{r['per_file_s']:>6.2f} {r['bg_cores']:>5.2f} {r['busy_cores']:>5.2f} "
            f"{r['maxrss_mb']:>9.0f} {r['tree_mb']:>8.0f} {r['main_mb']:>8.0f} "
            f"{r['worker_mb'] if r['n_workers'] else float('nan'):>9.0f} {r['load1']:>6}"
        )
    print(
        "\nwall = whole command incl. interpreter start, registry, terrain (once), summary; "
        "s/file = wall / files;\nfile s = mean time of one weather file inside its worker "
        "(batch manifest: read, PV, wind, ranking, write);\nbg = busy cores of the machine "
        "in the 1 s before the command (other users);\nbusy = mean busy cores of the whole "
        "machine during the command (/proc/stat; includes other users);\nmaxrss = largest "
        "single process (GNU time); tree = peak "
        "summed PSS of main + workers (/proc, 50 ms);\nworker = largest worker's VmHWM "
        "(NaN with --jobs 1: everything runs in the main process)."
    )


def _print_targets(rows: list[dict], sizes: list[int], jobs_list: list[int], ceiling) -> None:
    n_max = max(sizes)
    two = [r for r in rows if r["files"] == n_max and r["jobs"] == 2]
    if two and n_max >= 20:
        ok = two[0]["wall_s"] < TARGET_S
        print(
            f"target: {n_max} files with --jobs 2 under {TARGET_S:.0f} s: "
            f"{'MET' if ok else 'MISSED'} ({two[0]['wall_s']:.1f} s)"
        )
    by = {(r["files"], r["jobs"]): r for r in rows}
    for j in jobs_list:
        if (min(sizes), j) in by and (n_max, j) in by and min(sizes) != n_max:
            a, b = by[(min(sizes), j)], by[(n_max, j)]
            print(
                f"memory --jobs {j}: tree peak {a['tree_mb']:.0f} MB ({min(sizes)} files) -> "
                f"{b['tree_mb']:.0f} MB ({n_max} files), "
                f"{(b['tree_mb'] / a['tree_mb'] - 1) * 100:+.0f} %"
            )
    if ceiling is not None:
        print(f"machine ceiling (pure-Python, 2 processes) at start: {ceiling:.2f}x")
    print("commands: " + "; ".join(sorted({r["cmd"] for r in rows})))


#: BLAS/OpenMP thread pinning of the --dask comparison (both paths): one thread per process.
PINNED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def compare_dask(files: list[Path], jobs: int, work: Path, args, env: dict) -> dict:
    """Pool vs ``--cluster local``, alternating, ``args.repeats`` times each: medians [s]."""
    import statistics

    env = {**PINNED, **env}
    walls: dict[str, list[float]] = {"pool": [], "dask": []}
    per_file: dict[str, list[float]] = {"pool": [], "dask": []}
    for rep in range(args.repeats):
        for path, extra in (("pool", []), ("dask", ["--cluster", "local"])):
            out = work / f"cmp_{path}_{rep}"
            shutil.rmtree(out, ignore_errors=True)
            r = run_batch(files, out, jobs, args.heaps, env, extra)
            walls[path].append(r["wall_s"])
            per_file[path].append(r["per_file_s"])
            print(f"  {path:<4} repeat {rep + 1}: {r['wall_s']:6.1f} s", flush=True)
            shutil.rmtree(out, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in walls.items()}
    med_file = {k: statistics.median(v) for k, v in per_file.items()}
    print(
        f"\n{len(files)} files, --jobs {jobs}, {args.repeats} repeats, "
        f"{' '.join(f'{k}={v}' for k, v in env.items())}\n"
        f"median wall: pool {med['pool']:.1f} s, --cluster local {med['dask']:.1f} s -> Dask "
        f"overhead {med['dask'] - med['pool']:+.1f} s ({med['dask'] / med['pool']:.2f}x), "
        f"{(med['dask'] - med['pool']) / len(files):+.2f} s per file\n"
        f"median time of one file in its worker: pool {med_file['pool']:.2f} s, "
        f"dask {med_file['dask']:.2f} s\n"
        f"all walls: pool {[round(x, 1) for x in walls['pool']]}, "
        f"dask {[round(x, 1) for x in walls['dask']]}"
    )
    return {"median_wall_s": med, "median_file_s": med_file, "walls_s": walls}


def main(argv=None) -> int:
    args = _parse(argv)
    env = dict(e.split("=", 1) for e in args.env)
    sizes = sorted(
        {
            min(int(s), args.files)
            for s in (args.sizes.split(",") if args.sizes else ["5", str(args.files)])
        }
    )
    jobs_list = [int(j) for j in args.jobs.split(",")]

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench_batch_"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"load average: {Path('/proc/loadavg').read_text().split()[:3]}  cores: {os.cpu_count()}  "
        f"memory: {'GNU time -v' if GNU_TIME.exists() else 'RUSAGE_CHILDREN'} + /proc sampling"
    )
    if env:
        print("extra environment: " + " ".join(f"{k}={v}" for k, v in env.items()))
    ceiling = None
    if not args.no_ceiling:
        ser, par, ceiling = machine_ceiling()
        print(
            f"machine ceiling: pure-Python burner 2x serial {ser:.2f} s, 2 processes "
            f"{par:.2f} s -> attainable 2-process speed-up {ceiling:.2f}x"
        )
    try:
        t = time.perf_counter()
        files = make_weather(work / "weather", args.files)
        print(
            f"generated {len(files)} weather years in {time.perf_counter() - t:.1f} s "
            f"({work / 'weather'})"
        )
        if args.dask:
            compare_dask(files, jobs_list[-1], work, args, env)
            return 0
        rows = _run_all(files, sizes, jobs_list, work, args, env)
        _print_table(rows)
        _print_targets(rows, sizes, jobs_list, ceiling)
    finally:
        if args.keep:
            print(f"kept: {work}")
        elif not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
