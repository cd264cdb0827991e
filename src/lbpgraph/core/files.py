"""Read a file under ``data/`` without surprises: only a regular file is ever opened.

A folder, a dangling link, a FIFO or a device named like a data file is reported (a FIFO is
never opened: reading it would block). Light on imports: the fingerprint of every command uses it.
"""

from __future__ import annotations

import stat
from pathlib import Path


class Unreadable(Exception):
    """A path that is not a readable regular file; the message says why ("is a folder, ...")."""


def read_regular(path: Path) -> bytes:
    """The bytes of the regular file at ``path`` (links followed), or :class:`Unreadable`."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise Unreadable("is a link to a missing file" if path.is_symlink() else "not found") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise Unreadable(f"is not readable ({getattr(exc, 'strerror', None) or exc})") from None
    if stat.S_ISDIR(mode):
        raise Unreadable("is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise Unreadable("is not a regular file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"is not readable ({exc.strerror})") from None


def is_hidden(name: str) -> bool:
    """Hidden entries (``.git``, an editor's ``.#x.yaml`` lock link) are not data."""
    return name.startswith(".")
