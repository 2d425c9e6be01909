"""``read_weather`` and ``detect_format``: any supported file -> validated canonical series."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pandas as pd

from .._io import sha256_file
from ..errors import WeatherError
from ._util import localize, short
from .config import WeatherConfig
from .filecheck import check_readable
from .model import WeatherMeta
from .readers import FORMAT_ALIASES, FORMATS, Probe
from .readers.station import apply_station_overrides
from .validate import finish

#: Exceptions of a reader on a malformed file that become a one-line WeatherError.
_READER_ERRORS = (
    UnicodeDecodeError,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
)


def detect_format(path: str | Path, text_head: str | None = None) -> str:
    """Detect the format of a weather file by its content (not its name).

    Parameters
    ----------
    path : str or Path
        File, or a folder/zip of DWD CDC products.
    text_head : str, optional
        The file's first bytes as text (read if None).

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    WeatherError
        Unknown format; the message lists the formats tried.
    """
    path = Path(path)
    if path.is_dir() or zipfile.is_zipfile(path):
        probe = Probe(path, "")
        for name, spec in FORMATS.items():
            if spec.containers and spec.detect(probe):
                return name
        tried = ", ".join(n for n, s in FORMATS.items() if s.containers)
        raise WeatherError(
            f"{path}: a folder or zip without DWD CDC 'produkt_*' files; tried "
            f"format {tried}; pass a weather file"
        )
    probe = Probe(path, read_head(path) if text_head is None else text_head)
    for name, spec in FORMATS.items():
        if spec.detect is not None and spec.detect(probe):
            return name
    raise WeatherError(
        f"{path}: unknown weather format; tried "
        f"{', '.join(n for n, s in FORMATS.items() if s.detect is not None)} "
        f"(by content); pass --format, or --map ghi=...,temp_air=... for a generic CSV"
    )


def read_head(path: Path, n: int = 16384) -> str:
    """The first ``n`` bytes as text (UTF-8, else Latin-1), without a UTF-8 byte order mark."""
    with open(path, "rb") as fh:
        b = fh.read(n)
    if b.startswith(b"\xef\xbb\xbf"):  # BOM written by Windows editors / Excel "CSV UTF-8"
        b = b[3:]
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= n - 3:  # a multi-byte character cut at the end of the block
            return b[: exc.start].decode("utf-8")
        return b.decode("latin-1")


def _format_name(fmt: str | None, path: Path, text_head: str, opts: dict) -> str:
    if fmt is not None:
        name = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if name not in FORMATS:
            raise WeatherError(
                f"--format {fmt!r} is unknown; choose one of "
                f"{', '.join(list(FORMATS) + list(FORMAT_ALIASES))}"
            )
        return name
    if opts.get("mapping"):
        return "generic"
    return detect_format(path, text_head)


def read_weather(
    path: str | Path,
    fmt: str | None = None,
    *,
    config: WeatherConfig | None = None,
    allow_partial: bool | None = None,
    **opts,
) -> tuple[pd.DataFrame, WeatherMeta]:
    """Read any supported weather file into the canonical hourly UTC form and validate it.

    Parameters
    ----------
    path : file (or, for DWD CDC, a zip or folder of one station's product files).
    fmt : format name (a key of :data:`FORMATS`, or alias ``try2045``, ``cdc``…); None = detect
        by content.
    config : :class:`WeatherConfig` with the validation thresholds (default: defaults).
    allow_partial : accept series shorter than a year (overrides ``config.allow_partial``).
    **opts : reader options: ``mapping`` / ``units`` (generic CSV, dict or ``"a=b,c=d"``),
        ``tz`` (zone or fixed offset for naive times), ``label`` (``start``/``middle``/``end``),
        ``time_column``, ``time_format``, ``latitude``, ``longitude``, ``elevation_m``,
        ``wind_speed_height_m``, ``year`` (label of a typical year), ``station``.

    Returns
    -------
    data : DataFrame, canonical columns (:mod:`haldenenergie.weather.model`), UTC index of
        interval starts.
    meta : WeatherMeta.

    Raises
    ------
    WeatherError : one line naming the file, the rows and the fix.

    Notes
    -----
    Pipeline: read → (sub-hourly: hourly means) → check timestamps (duplicates, order) → reindex to
    the full hourly grid → gaps (≤ ``max_interpolated_gap_h`` interpolated, longer: error) → range
    checks → derive DHI/DNI → year coverage. A typical year (TRY, PVGIS TMY) is relabelled into one
    calendar year in UTC (the hour that falls into the previous year is moved to its end).
    """
    cfg = config or WeatherConfig()
    if allow_partial is None:
        allow_partial = cfg.allow_partial
    path = Path(path)
    if not path.exists():
        raise WeatherError(f"{path}: file not found; check the path")
    check_readable(path, cfg.max_file_size_mb)
    if path.is_file() and path.stat().st_size == 0:
        raise WeatherError(f"{path}: file is empty; pass a weather file")
    check_tz(opts.get("tz"))
    text_head = "" if path.is_dir() else read_head(path)
    name = _format_name(fmt, path, text_head, opts)
    try:
        raw = FORMATS[name].reader(path, text_head, dict(opts))
    except WeatherError:
        raise
    except _READER_ERRORS as exc:
        raise WeatherError(
            f"{path}: cannot read as format '{name}' ({type(exc).__name__}: "
            f"{short(exc)}); check the file or pass the right --format"
        ) from None
    meta = WeatherMeta(path=str(path), sha256=_sha_of(path), source_format=raw.source_format)
    data = finish(raw, meta, cfg, allow_partial, path)
    apply_station_overrides(meta, cfg)  # [weather] anemometer_height_m, station_roughness_length_m
    return data, meta


def check_tz(tz: str | None) -> None:
    """Refuse an unknown time zone before any file is read (a typo in ``--tz`` fails at once).

    Parameters
    ----------
    tz : zone name (``Europe/Berlin``), ``UTC`` or a fixed offset (``+01:00``); None = none.

    Raises
    ------
    WeatherError : ``--tz: unknown time zone 'X' (...); use UTC, a fixed offset ...``.
    """
    if tz is not None:
        localize(pd.DatetimeIndex([]), str(tz), "--tz")


def _sha_of(path: Path) -> str:
    """SHA-256 of a file; of a folder: over the names and hashes of its files."""
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(path.iterdir()):
            if p.is_file():
                h.update(p.name.encode())
                h.update(sha256_file(p).encode())
        return h.hexdigest()
    return sha256_file(path)
