"""The weather inputs of a batch: files, folders and globs; DWD CDC station folders; hashes."""

from __future__ import annotations

import glob
import hashlib
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .. import _io
from ..errors import HaldenError

WEATHER_SUFFIXES = {".dat", ".csv", ".txt", ".epw", ".json"}
#: File-name prefix of a DWD CDC station product (``produkt_ff_stunde_..._01078.txt``).
CDC_PRODUCT_PREFIX = "produkt_"


def is_cdc_station_folder(path: Path) -> bool:
    """True if ``path`` is a folder of DWD CDC station products: one weather input, not many.

    A DWD CDC station's data come as ``produkt_*.txt`` files (one per variable) or as the zip
    files holding them (DWD CDC dataset descriptions, opendata.dwd.de/climate_environment/CDC/);
    the weather reader combines the products of such a folder into one series.
    """
    if not path.is_dir():
        return False
    for x in path.iterdir():
        if not x.is_file():
            continue
        if x.name.startswith(CDC_PRODUCT_PREFIX):
            return True
        if x.suffix.lower() == ".zip" and _zip_holds_cdc_products(x):
            return True
    return False


def _zip_holds_cdc_products(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any(Path(n).name.startswith(CDC_PRODUCT_PREFIX) for n in z.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _folder_inputs(p: Path) -> list[Path]:
    """The weather inputs of a folder: itself if a CDC station folder, else its weather files.

    In an ordinary folder, each subfolder that is a CDC station folder counts as one input.
    """
    if is_cdc_station_folder(p):
        return [p]
    return sorted(
        x
        for x in p.iterdir()
        if not x.name.startswith(".")
        and (
            (x.is_file() and x.suffix.lower() in WEATHER_SUFFIXES and x.name.lower() != "readme.md")
            or is_cdc_station_folder(x)
        )
    )


def expand_weather_args(args: Sequence[str | os.PathLike]) -> list[Path]:
    """Files, folders and globs → a sorted, de-duplicated list of weather inputs.

    A folder stands for its weather files, except a DWD CDC station folder
    (:func:`is_cdc_station_folder`), which is one input (so is a glob match that is one).
    """
    out: list[Path] = []
    for a in args:
        s = str(a)
        p = Path(s)
        if p.is_dir():
            out.extend(_folder_inputs(p))
        elif any(ch in s for ch in "*?["):
            matches = sorted(Path(m) for m in glob.glob(s))
            if not matches:
                raise HaldenError(f"{s}: the pattern matches no file; check the glob")
            out.extend(m for m in matches if m.is_file() or is_cdc_station_folder(m))
        elif p.is_file():
            out.append(p)
        else:
            raise HaldenError(f"{s}: weather file or folder not found; check the path")
    seen, uniq = set(), []
    for p in out:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            uniq.append(p)
    return uniq


def weather_sha256(path: Path) -> str:
    """SHA-256 of a weather input: of a file its bytes; of a folder its files' names and hashes.

    The same digest as the weather reader records in ``WeatherMeta.sha256``.
    """
    if not path.is_dir():
        return _io.sha256_file(path)
    h = hashlib.sha256()
    for p in sorted(path.iterdir()):
        if p.is_file():
            h.update(p.name.encode())
            h.update(_io.sha256_file(p).encode())
    return h.hexdigest()
