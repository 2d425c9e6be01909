"""Bounded reading: refuse a weather file that is not a file, too large, or binary, before loading.

A weather file is read whole by pandas; ``--weather /dev/zero`` or a large binary file would
otherwise fill the memory. :func:`check_readable` looks only at the file's type and size and at its
first :data:`HEAD_BYTES` bytes.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from ..errors import WeatherError

#: Bytes looked at before loading [B] (assumption: 64 KiB hold hundreds of lines of every supported
#: text format, whose longest lines are TRY/EPW header lines of a few hundred characters).
HEAD_BYTES = 65536
#: Longest first line allowed [B] (assumption: no supported text format has lines over 4 KiB;
#: JSON is exempt).
MAX_LINE_BYTES = 4096


def _refuse_head(path: Path, head: bytes) -> None:
    """NUL bytes or no line break in the first bytes: not a text weather file."""
    if b"\x00" in head:
        at = head.index(b"\x00")
        raise WeatherError(
            f"{path}: binary data (a NUL byte at offset {at:,}), not a text weather file; pass a "
            f"CSV, TRY .dat, EPW or JSON file (a DWD CDC product as .zip or folder)"
        )
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return  # JSON (PVGIS API answers) may be a single line
    first = head.find(b"\n")
    longest = first if first >= 0 else len(head)
    if longest > MAX_LINE_BYTES:
        raise WeatherError(
            f"{path}: no line break in the first {longest:,} bytes (lines of a weather file are "
            f"at most {MAX_LINE_BYTES:,} bytes); not a text weather file, check the path"
        )


def check_readable(path: str | Path, max_size_mb: float) -> None:
    """Refuse what must not be loaded: non-regular files, files over ``max_size_mb``, binary data.

    Parameters
    ----------
    path : the weather file (folders are passed through: DWD CDC products).
    max_size_mb : [MB] largest file size read (``[weather] max_file_size_mb``).

    Raises
    ------
    WeatherError : one line naming the file, the evidence and the fix.
    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise WeatherError(f"{path}: cannot read ({exc.strerror}); check the path") from None
    if stat.S_ISDIR(st.st_mode):
        return
    if not stat.S_ISREG(st.st_mode):
        raise WeatherError(
            f"{path}: not a regular file (a device, pipe or socket); pass a weather file"
        )
    size_mb = st.st_size / 1e6
    if size_mb > max_size_mb:
        raise WeatherError(
            f"{path}: file is {size_mb:,.0f} MB, more than the limit of {max_size_mb:g} MB; pass "
            f"a weather series of a few years, or raise [weather] max_file_size_mb"
        )
    if zipfile.is_zipfile(path):
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise WeatherError(f"{path}: cannot read ({exc.strerror}); check the permissions") from None
    _refuse_head(path, head)


__all__ = ["HEAD_BYTES", "MAX_LINE_BYTES", "check_readable"]
