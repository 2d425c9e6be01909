"""The committee CSV: German Excel opens it by double-click (``de``), or English (``en``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import _io
from .tables import committee_table, defuse_frame


def csv_text(results: pd.DataFrame, lang: str = "de") -> str:
    """The committee CSV as text, without the BOM (see :func:`write_csv`; for standard output).

    Returns
    -------
    str with CRLF line ends: ``de`` with ``;`` and decimal comma, ``en`` with ``,`` and point.
    """
    table = defuse_frame(committee_table(results, lang))
    sep, dec = (";", ",") if lang == "de" else (",", ".")
    return table.to_csv(None, sep=sep, decimal=dec, index=False, lineterminator="\r\n")


def write_csv(
    results: pd.DataFrame,
    path: str | Path,
    lang: str = "de",
    overwrite: bool = False,
    inputs=(),
) -> Path:
    """Write the committee CSV; returns the path.

    ``de``: German headers with units (``PV-Leistung [MWp]``), ``;``, decimal comma, UTF-8 with BOM;
    ``en``: English headers, ``,``, decimal point, UTF-8 with BOM (harmless for English Excel, and
    it keeps umlauts in names readable). Lines end in CRLF. Text cells that begin with ``=``,
    ``+``, ``-``, ``@``, tab or CR get a leading single quote (:func:`.tables.defuse`). Refuses an
    existing file unless ``overwrite`` (and a file in ``inputs`` always); written atomically.
    """
    text = csv_text(results, lang)
    with _io.atomic_write(
        path, "w", overwrite=overwrite, encoding="utf-8-sig", newline="", inputs=inputs
    ) as fh:
        fh.write(text)
    return Path(path)
