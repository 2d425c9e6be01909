"""A normal (non-editable) install runs the quick start from an empty folder outside the checkout.

Issue 10's acceptance: a wheel built from the checkout, installed into a fresh venv, runs
``haldenenergie run --out out/`` from an empty folder and writes the same results as the editable
install. The venv sees the already installed dependencies (``--system-site-packages``) so that the
test needs no network; the wheel itself is installed with ``--no-deps`` from the local file.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GOLDEN = Path(__file__).parent / "golden" / "synth"
#: Top-level entries of a checkout that are not sources: VCS, build and tool outputs, run folders.
NOT_SOURCES = {".git", "build", "dist", ".venv", ".pytest_cache", ".ruff_cache", ".benchmarks"}


def _copy_checkout(root: Path, dest: Path) -> Path:
    """The checkout without its build outputs, caches and run folders (see ``.gitignore``)."""

    def ignore(folder, names):
        top = Path(folder) == root
        return [
            n
            for n in names
            if n == "__pycache__"
            or (top and (n in NOT_SOURCES or n.endswith(".egg-info") or n.startswith("out")))
        ]

    shutil.copytree(root, dest, ignore=ignore)
    return dest


def _see_running_site_packages(env_dir: Path) -> None:
    """Make the venv at ``env_dir`` import the dependencies of the running interpreter."""
    purelib = Path(sysconfig.get_path("purelib", vars={"base": env_dir, "platbase": env_dir}))
    paths = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (purelib / "_running_site_packages.pth").write_text("\n".join(paths) + "\n", "utf-8")


def _run(cmd, cwd, timeout=600):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{res.stdout}\n{res.stderr}"
    return res


@pytest.mark.slow
def test_wheel_install_runs_quick_start_outside_checkout(tmp_path, root_dir):
    src = _copy_checkout(root_dir, tmp_path / "src")
    dist = tmp_path / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(src),
        ],
        cwd=tmp_path,
    )
    wheels = list(dist.glob("haldenenergie-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    _see_running_site_packages(env_dir)
    py = env_dir / "bin" / "python"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheels[0]),
        ],
        cwd=tmp_path,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    # The package imported in the venv is the wheel's copy, not the checkout's editable install.
    where = _run([str(py), "-c", "import haldenenergie; print(haldenenergie.__file__)"], cwd=empty)
    assert str(env_dir) in where.stdout, where.stdout
    _run([str(env_dir / "bin" / "haldenenergie"), "-q", "run", "--out", "out/"], cwd=empty)
    for table in ("results", "surfaces", "monthly", "ranking", "totals"):
        new = pd.read_csv(empty / "out" / f"{table}.csv")
        old = pd.read_csv(GOLDEN / f"{table}.csv")
        assert list(new.columns) == list(old.columns)
        num = old.select_dtypes("number").columns
        np.testing.assert_allclose(
            new[num].to_numpy(float),
            old[num].to_numpy(float),
            rtol=1e-9,
            equal_nan=True,
            err_msg=f"{table}.csv from the wheel install differs from the golden run",
        )
