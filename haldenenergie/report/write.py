"""Writing the report file: read the results folder, render, write atomically."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from .._io import atomic_write, check_can_write
from ..results import RUN_FILES, register_derived
from .data import load_report_data
from .html import render_report
from .text import check_lang

log = logging.getLogger("haldenenergie.report")


def write_report(
    results_dir: str | os.PathLike,
    out: str | os.PathLike,
    lang: str = "de",
    overwrite: bool = False,
    registry: str | os.PathLike | None = None,
    summary: str | os.PathLike | None = None,
) -> Path:
    """Read ``results_dir`` and write the HTML report to ``out`` atomically.

    Parameters
    ----------
    results_dir : str or PathLike
        Results folder of ``haldenenergie run``.
    out : str or PathLike
        The HTML file to write.
    lang : str
        ``"de"`` (default) or ``"en"``.
    overwrite : bool
        Replace an existing ``out``; otherwise refuse with :class:`OutputError`.
    registry, summary : str or PathLike, optional
        See :func:`~haldenenergie.report.data.load_report_data`.

    Returns
    -------
    Path
        The path written (recorded in the folder's manifest when it lies in ``results_dir``, so
        that ``run --overwrite`` may replace the folder with it).

    Raises
    ------
    OutputError
        ``out`` exists without ``overwrite`` (or is a folder, or one of the report's inputs);
        another run is writing it; it cannot be written (one line with the path); the results
        folder or ``results.csv`` is missing.
    """
    check_lang(lang)
    inputs = [Path(results_dir) / f for f in RUN_FILES] + [registry, summary]
    # Fail before the work, not after it: existing output, locked, not writable, disk full.
    out = check_can_write(out, overwrite, kind="file", inputs=inputs)
    t0 = time.perf_counter()
    data = load_report_data(results_dir, registry=registry, summary=summary)
    text = render_report(data, lang=lang)
    inputs += [data.registry_path, data.summary_path]
    with atomic_write(out, "w", overwrite=overwrite, inputs=inputs) as fh:
        fh.write(text)
        # mkstemp creates 0600 files; a report is for sharing: rw-r--r-- like any saved file.
        os.chmod(fh.fileno(), 0o644)
    register_derived(results_dir, out, f"report --lang {lang}")
    log.info(
        "wrote %s (%d kB, %d heaps) in %.1f s",
        out,
        len(text.encode()) // 1024,
        len(data.results),
        time.perf_counter() - t0,
    )
    return Path(out)
