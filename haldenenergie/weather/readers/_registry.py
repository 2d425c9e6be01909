"""The registry of weather formats: each reader module registers its reader and detector here."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from ..model import RawSeries


class Probe:
    """What detectors look at: the path and the first bytes of a file as text (read once)."""

    def __init__(self, path: Path, text_head: str):
        self.path = path
        self.is_container = path.is_dir() or zipfile.is_zipfile(path)
        self.text = "" if self.is_container else text_head.lstrip("\ufeff")
        self.lines = self.text.splitlines()
        self.first = self.lines[0] if self.text.strip() else ""

    @cached_property
    def json_keys(self) -> set[str]:
        """Keys of ``outputs`` of a JSON file (parsed at most once; empty if not JSON)."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                d = json.load(fh)
            return set(d.get("outputs", {}).keys())
        except (OSError, ValueError, AttributeError):
            return set()


Reader = Callable[[Path, str, dict], RawSeries]


class ReaderSpec(NamedTuple):
    """A registered format: ``FORMATS[name][0]`` is the reader, ``[1]`` its description."""

    reader: Reader
    description: str
    detect: Callable[[Probe], bool] | None
    aliases: tuple[str, ...]
    containers: bool


#: format name -> ReaderSpec, in registration (= detection) order.
FORMATS: dict[str, ReaderSpec] = {}
#: alias -> format name (``--format`` accepts both).
FORMAT_ALIASES: dict[str, str] = {}


def _with_station_roughness(reader: Reader) -> Reader:
    """The reader, then the station roughness from the file or the station table (see station)."""
    from .station import table_roughness

    def read(path: Path, text_head: str, opts: dict) -> RawSeries:
        raw = reader(path, text_head, opts)
        table_roughness(raw)
        return raw

    read.__doc__, read.__name__ = reader.__doc__, getattr(reader, "__name__", "reader")
    return read


def register(
    name: str,
    description: str,
    detect: Callable[[Probe], bool] | None = None,
    aliases: tuple[str, ...] = (),
    containers: bool = False,
) -> Callable[[Reader], Reader]:
    """Decorator: register a reader ``(path, text_head, opts) -> RawSeries`` as format ``name``.

    Parameters
    ----------
    name : format name for ``--format`` and ``meta.source_format``.
    description : one line for the CLI help.
    detect : ``Probe -> bool``; None = never detected (only chosen by ``--format``/``--map``).
    aliases : other names ``--format`` accepts.
    containers : the detector also handles folders and zip files.
    """

    def deco(reader: Reader) -> Reader:
        FORMATS[name] = ReaderSpec(
            _with_station_roughness(reader), description, detect, tuple(aliases), containers
        )
        for a in aliases:
            FORMAT_ALIASES[a] = name
        return reader

    return deco
