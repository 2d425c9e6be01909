"""``OSError`` on writing as one line: what went wrong, where, and what to do."""

from __future__ import annotations

import errno
import os

from ..errors import OutputError

_ERRNO_TEXT = {
    errno.ENOSPC: ("disk full", "free space on the disk or choose another --out"),
    errno.EDQUOT: ("disk quota exceeded", "free space or choose another --out"),
    errno.EROFS: ("read-only file system", "choose another --out on a writable disk"),
    errno.EACCES: ("permission denied", "check the folder's permissions or choose another --out"),
    errno.EPERM: ("not permitted", "check the folder's permissions or choose another --out"),
    errno.ENOTDIR: ("a file is in the way", "remove it or choose another --out"),
    errno.EEXIST: ("a file is in the way", "remove it or choose another --out"),
    errno.EISDIR: ("a folder is in the way", "remove it or choose another --out"),
}


def write_error(path: str | os.PathLike, exc: OSError) -> OutputError:
    """The one-line :class:`OutputError` for an ``OSError`` raised while writing ``path``."""
    reason, fix = _ERRNO_TEXT.get(exc.errno, (exc.strerror or str(exc), "choose another --out"))
    name = errno.errorcode.get(exc.errno, "")
    where = f" at {exc.filename}" if exc.filename and str(exc.filename) != str(path) else ""
    return OutputError(
        f"{path}: cannot write ({reason}{f', {name}' if name else ''}{where}); {fix}"
    )
