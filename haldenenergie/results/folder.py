"""Reading and writing a run folder: its files, :class:`RunFolder`, the atomic folder write."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _io
from ..errors import OutputError

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import RunResult

log = logging.getLogger("haldenenergie.results")

RESULTS = "results.csv"
RESULTS_GEOJSON = "results.geojson"
RESULTS_GPKG = "results.gpkg"
MONTHLY = "monthly.csv"
SURFACES = "surfaces.csv"
RANKING = "ranking.csv"
TOTALS = "totals.csv"
MANIFEST = "manifest.json"
#: Every file of a run folder, in the order :func:`write_run` writes them.
RUN_FILES: tuple[str, ...] = (
    RESULTS,
    RESULTS_GEOJSON,
    RESULTS_GPKG,
    MONTHLY,
    SURFACES,
    RANKING,
    TOTALS,
    MANIFEST,
)
#: The optional tables :func:`read_run` reads when present (attribute name, file name).
OPTIONAL_TABLES: tuple[tuple[str, str], ...] = (
    ("ranking", RANKING),
    ("totals", TOTALS),
    ("monthly", MONTHLY),
    ("surfaces", SURFACES),
)

#: Columns read back as whole numbers (nullable Int64) when every value is whole.
INT_COLUMNS: tuple[str, ...] = (
    "rank",
    "rank_best",
    "rank_worst",
    "wind_turbines_new",
    "existing_wind_turbines",
    "heaps",
    "household_consumption_year",
    "co2_factor_year",
)


@dataclass
class RunFolder:
    """A run folder read back by :func:`read_run`.

    Attributes
    ----------
    path : the folder.
    results : ``results.csv`` (always present).
    ranking, totals : ``ranking.csv`` / ``totals.csv``, None where absent (or unreadable when read
        with ``strict=False``).
    manifest : ``manifest.json``; ``{}`` where absent (see ``manifest_found``).
    monthly, surfaces : ``monthly.csv`` / ``surfaces.csv``, None where absent.
    manifest_found : whether ``manifest.json`` was present and readable.
    notes : one message per optional file that could not be read (``strict=False`` only).
    """

    path: Path
    results: pd.DataFrame
    ranking: pd.DataFrame | None
    totals: pd.DataFrame | None
    manifest: dict
    monthly: pd.DataFrame | None = None
    surfaces: pd.DataFrame | None = None
    manifest_found: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def ranked(self) -> bool:
        """Whether ``results.csv`` carries the ranking columns (``haldenenergie rank`` ran)."""
        return "class" in self.results.columns


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def _all_whole(v: pd.Series) -> bool:
    x = pd.to_numeric(v, errors="coerce").dropna().to_numpy(dtype=float)
    return bool(np.all(np.isfinite(x) & (np.mod(x, 1.0) == 0.0)))


def int_if_whole(v: pd.Series) -> pd.Series:
    """``v`` as nullable Int64 when all its values are whole numbers, else unchanged."""
    return pd.to_numeric(v, errors="coerce").round().astype("Int64") if _all_whole(v) else v


def _fix_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    for c in INT_COLUMNS:
        if c in df.columns:
            df[c] = int_if_whole(df[c])
    if "robust_top" in df.columns and df["robust_top"].dtype != bool:
        df["robust_top"] = df["robust_top"].astype(str).str.lower().isin(("true", "1", "yes"))
    return df


def read_table(path: str | Path, typed: bool = True) -> pd.DataFrame:
    """Read one CSV of a run folder.

    Parameters
    ----------
    path : the CSV file.
    typed : heap ids and group ids as text, whole-number columns (:data:`INT_COLUMNS`) as Int64 and
        ``robust_top`` as bool; ``False``: heap ids as text, everything else as pandas infers it.

    Raises
    ------
    OutputError : the file is missing or is not readable CSV.
    """
    p = Path(path)
    dtype = {"heap_id": str, "group": str} if typed else {"heap_id": str}
    try:
        df = pd.read_csv(p, dtype=dtype, keep_default_na=True)
    except FileNotFoundError:
        raise OutputError(
            f"{p}: not found in the results folder {p.parent}; "
            f"run 'haldenenergie run --out {p.parent}' first"
        ) from None
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise OutputError(
            f"{p}: cannot read as CSV ({' '.join(str(exc).split())}); rerun 'haldenenergie run'"
        ) from None
    return _fix_dtypes(df) if typed else df


def read_manifest(results_dir: str | Path) -> dict:
    """``manifest.json`` of a run folder, or ``{}`` if there is none.

    Raises
    ------
    OutputError : the file exists but is not valid JSON.
    """
    p = Path(results_dir) / MANIFEST
    if not p.exists():
        return {}
    try:
        # Tolerate the bare NaN/Infinity older versions wrote; they are read as null.
        data = json.loads(p.read_text(encoding="utf-8"), parse_constant=lambda _: None)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"{p}: not valid JSON ({exc}); rerun 'haldenenergie run'") from None
    return data if isinstance(data, dict) else {}


def _read_optional(path: Path, typed: bool, strict: bool, notes: list[str]) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return read_table(path, typed=typed)
    except OutputError as exc:
        if strict:
            raise
        log.warning("%s; its section is left out", exc)
        notes.append(str(exc))
        return None


def _read_manifest_lenient(d: Path, strict: bool, notes: list[str]) -> tuple[dict, bool]:
    if not (d / MANIFEST).is_file():
        return {}, False
    try:
        return read_manifest(d), True
    except OutputError as exc:
        if strict:
            raise
        log.warning("%s", exc)
        notes.append(str(exc))
        return {}, False


def check_folder(results_dir: str | Path) -> Path:
    """``results_dir`` as a Path; raises :class:`OutputError` if it is not a folder."""
    d = Path(results_dir)
    if not d.is_dir():
        raise OutputError(
            f"{d}: no such results folder; give the folder written by 'haldenenergie run --out'"
        )
    return d


def read_run(
    results_dir: str | Path,
    *,
    typed: bool = True,
    strict: bool = True,
    tables: tuple[str, ...] | None = None,
) -> RunFolder:
    """Read a run folder: ``results.csv`` (required), the optional tables and ``manifest.json``.

    Parameters
    ----------
    results_dir : folder written by ``haldenenergie run --out`` (or a batch's ``runs/<run>/``).
    typed : see :func:`read_table`.
    strict : an unreadable optional file raises (default); ``False``: it is logged, noted in
        :attr:`RunFolder.notes` and left out (None).
    tables : the optional tables to read (``"ranking"``, ``"totals"``, ``"monthly"``,
        ``"surfaces"``); default all. The others are None.

    Raises
    ------
    OutputError : the folder or ``results.csv`` is missing or unreadable (the message names the
        folder and the file).
    """
    d = check_folder(results_dir)
    notes: list[str] = []
    results = read_table(d / RESULTS, typed=typed)
    wanted = tables if tables is not None else tuple(a for a, _ in OPTIONAL_TABLES)
    got = {
        a: _read_optional(d / name, typed, strict, notes) if a in wanted else None
        for a, name in OPTIONAL_TABLES
    }
    manifest, found = _read_manifest_lenient(d, strict, notes)
    return RunFolder(
        d,
        results,
        got["ranking"],
        got["totals"],
        manifest,
        monthly=got["monthly"],
        surfaces=got["surfaces"],
        manifest_found=found,
        notes=notes,
    )


def read_results(results_dir: str | Path, typed: bool = True) -> pd.DataFrame:
    """Only ``results.csv`` of a run folder (see :func:`read_table`)."""
    return read_table(Path(results_dir) / RESULTS, typed=typed)


# --------------------------------------------------------------------------------------------------
# Writing: run folder, rank outputs
# --------------------------------------------------------------------------------------------------


#: ``name`` member of ``results.geojson``.
GEOJSON_NAME = "haldenenergie results"


def results_geojson(results: pd.DataFrame) -> dict:
    """FeatureCollection of the results (Point geometry where lat/lon are known, else null).

    Built by the one vector writer (:func:`.gis.geojson_text`): WGS84, full float precision.
    """
    from .gis import geojson_text, points_frame

    return json.loads(geojson_text(points_frame(results, "EPSG:4326"), GEOJSON_NAME))


def write_run(out_dir: str | Path, run: RunResult, overwrite: bool = False) -> Path:
    """Write a whole run folder atomically (temporary sibling folder renamed at the end).

    Parameters
    ----------
    out_dir : the folder to create.
    run : :class:`haldenenergie.pipeline.RunResult` with results, monthly, surfaces, totals and
        manifest (the manifest gets an ``outputs`` list of the files written), and ``terrains``
        (heap id -> HeapTerrain with ``vectors``) for the polygons of ``results.gpkg``.
    overwrite : replace an existing folder instead of refusing; only a folder this tool wrote is
        replaced (see :func:`haldenenergie._io.check_can_write`).

    Raises
    ------
    OutputError : ``out_dir`` exists and ``overwrite`` is False; it is not a folder of ours or
        holds other files or an input of the run (from the manifest's ``inputs``); another run
        is writing it; it cannot be written (disk full, read-only, permission).
    """
    from ..suitability import ranking_table, sort_by_rank
    from . import gis

    out_dir = Path(out_dir)
    inputs = [r.get("path") for r in run.manifest.get("inputs") or () if isinstance(r, dict)]
    with _io.atomic_dir(out_dir, overwrite=overwrite, inputs=inputs) as tmp:
        run.results.to_csv(tmp / RESULTS, index=False)
        gis.write_vector(
            tmp / RESULTS_GEOJSON,
            {"heaps": gis.points_frame(run.results, "EPSG:4326")},
            lock=False,
            name=GEOJSON_NAME,
        )
        gis.write_results_gpkg(tmp / RESULTS_GPKG, run, lock=False)
        run.monthly.to_csv(tmp / MONTHLY, index=False)
        run.surfaces.to_csv(tmp / SURFACES, index=False)
        ranking_table(sort_by_rank(run.results)).to_csv(tmp / RANKING, index=False)
        run.totals.to_csv(tmp / TOTALS, index=False)
        man = dict(run.manifest)
        man["outputs"] = sorted(p.name for p in tmp.iterdir()) + [MANIFEST]
        _io.write_json(tmp / MANIFEST, man)
    return out_dir


def merge_rank_columns(results_df: pd.DataFrame, ranked_df: pd.DataFrame) -> pd.DataFrame:
    """``results_df`` in its row order with the ranking columns of ``ranked_df`` (replaced)."""
    from ..suitability import RANK_COLUMNS

    replaced = (*RANK_COLUMNS, "housing_distance_m")
    base = results_df.drop(columns=[c for c in replaced if c in results_df.columns])
    add = ranked_df[["heap_id", *[c for c in replaced if c in ranked_df.columns]]]
    return (
        base.assign(_k=base["heap_id"].astype(str))
        .merge(
            add.assign(_k=add["heap_id"].astype(str)).drop(columns=["heap_id"]),
            on="_k",
            how="left",
            validate="one_to_one",
        )
        .drop(columns=["_k"])
    )


def write_rank_outputs(
    results_dir: str | Path,
    results_df: pd.DataFrame,
    ranked_df: pd.DataFrame,
    totals_df: pd.DataFrame,
    manifest_extra: dict | None = None,
) -> list[Path]:
    """Add the ranking columns to ``results.csv`` and write ``ranking.csv`` and ``totals.csv``.

    ``results.csv`` keeps its row order and columns (earlier ranking columns are replaced).
    All files are replaced atomically, under the folder's lock (a run writing the folder at the
    same time makes this fail at once). With ``manifest_extra``, ``manifest.json`` gets (or
    replaces) a ``"ranking"`` entry with it. Returns the paths written.
    """
    d = Path(results_dir)
    with _io.output_lock(d):
        return _write_rank_files(d, results_df, ranked_df, totals_df, manifest_extra)


def _write_rank_files(d, results_df, ranked_df, totals_df, manifest_extra) -> list[Path]:
    from ..suitability import ranking_table

    written = []
    for name, df in (
        (RESULTS, merge_rank_columns(results_df, ranked_df)),
        (RANKING, ranking_table(ranked_df)),
        (TOTALS, totals_df),
    ):
        p = d / name
        with _io.atomic_write(p, "w", overwrite=True) as fh:
            df.to_csv(fh, index=False, lineterminator="\n")
        written.append(p)
    if manifest_extra is not None:
        m = read_manifest(d)
        if not m:
            m = _io.manifest("rank", [], {}, extra=None)
        m["ranking"] = manifest_extra
        m["outputs"] = sorted({*(m.get("outputs") or ()), *(p.name for p in written), MANIFEST})
        _io.write_json(d / MANIFEST, m, overwrite=True)
        written.append(d / MANIFEST)
    return written


def register_derived(results_dir: str | Path, out: str | Path, command: str) -> bool:
    """Record ``out`` (an export or report written into the run folder) in its manifest.

    Only when ``out`` lies directly in ``results_dir`` and the folder carries this tool's
    manifest: the entry ``{"path", "command", "sha256", "created_utc"}`` in ``"derived"`` lets a
    later ``run --overwrite`` replace the folder with the file (while its SHA-256 is unchanged;
    a file edited since is the user's and makes ``--overwrite`` refuse). Best effort: if the
    manifest cannot be updated (locked, not writable) a warning is logged and False returned.
    Returns whether it was recorded.
    """
    d, out = Path(results_dir), Path(out)
    if Path(os.path.realpath(out)).parent != Path(os.path.realpath(d)):
        return False
    try:
        with _io.output_lock(d):
            man = read_manifest(d)
            if man.get("tool") != _io.TOOL or out.name in (MANIFEST, *RUN_FILES):
                return False
            man["derived"] = _derived_entries(man, out, command)
            _io.write_json(d / MANIFEST, man, overwrite=True)
    except OutputError as exc:
        log.warning("%s not recorded in %s (%s); 'run --overwrite' will refuse it", out, d, exc)
        return False
    return True


def _derived_entries(man: dict, out: Path, command: str) -> list[dict]:
    import datetime as _dt

    derived = [
        r for r in man.get("derived") or () if isinstance(r, dict) and r.get("path") != out.name
    ]
    derived.append(
        {
            "path": out.name,
            "command": command,
            "sha256": _io.sha256_file(out),
            "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }
    )
    return sorted(derived, key=lambda r: str(r.get("path")))


def batch_key(results_dir: str | Path) -> Any:
    """The ``batch_key`` a batch recorded in the folder's manifest (None if absent/unreadable)."""
    try:
        return read_manifest(results_dir).get("batch_key")
    except OutputError:
        return None
