"""Files without surprises: only regular files are read, and outputs are replaced atomically.

Reading: a folder, a dangling link, a FIFO or a device named like a data file is reported (a
FIFO is never opened: reading it would block). Writing: every output is written in full beside
its target and renamed over it, so readers see the old file or the new one, never half of
either; a build folder holds a lock while it is written. Light on imports: the fingerprint of
every command uses this module.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOCK_FILE = ".lock"  # see build_lock


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


def read_part(path: Path, part: tuple[int, int] | None = None) -> bytes:
    """The bytes of the file at ``path``, or those from ``part[0]`` up to ``part[1]``."""
    if part is None:
        return path.read_bytes()
    with open(path, "rb") as f:
        f.seek(part[0])
        return f.read(max(0, part[1] - part[0]))


def is_hidden(name: str) -> bool:
    """Hidden entries (``.git``, an editor's ``.#x.yaml`` lock link) are not data."""
    return name.startswith(".")


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    atomic_write_all({path: data})


def atomic_write_all(files: dict[Path, bytes]) -> None:
    """Write several files, each atomically, and none of them if any fails: every file is
    written in full beside its target (where a full disk or a refused folder shows) before
    the first is renamed into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((write_temp(path, data), path))
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _refused(path, exc) from None
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise


def _refused(path: Path, exc: OSError) -> Exception:
    """What to raise when the system refused to write ``path``: a full disk, or why not."""
    from .errors import CannotWrite, is_disk_full
    if is_disk_full(exc):
        return exc
    if isinstance(exc, (FileExistsError, NotADirectoryError)):  # a file where a folder should be
        return CannotWrite(path, "a file stands where its folder should be")
    return CannotWrite(path, exc.strerror or str(exc))


def write_temp(path: Path, data: bytes) -> Path:
    """``data`` on disk in a new temporary file beside ``path`` (named ``.NAME.*.tmp``), ready
    to be renamed over it; nothing is left behind if writing fails."""
    import tempfile
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _refused(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; outputs follow the umask
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            if exc.filename is None:
                exc.filename = str(path)  # a failed write names no file: name the one being written
            raise _refused(path, exc) from None
        raise
    return Path(tmp)


def umask() -> int:
    """This process's umask (read without changing it for good)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the build lock of ``folder`` (a build folder, or an ``oxigraph:DIR``): an exclusive
    ``flock`` on ``folder/.lock``. A second build waits until the first is done, saying so on
    stderr; the kernel releases the lock when its holder ends, however it ends."""
    import fcntl
    try:  # the first write a build makes: a folder it cannot make or write to stops it here
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / LOCK_FILE, "ab")  # noqa: SIM115 - held for the block below
    except OSError as exc:
        raise _refused(folder / LOCK_FILE, exc) from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"lbpgraph: waiting for another build of {folder} to finish", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def stamp(path: Path) -> list[int]:
    """Size and modification time of ``path``: what tells a file written by a build from another."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


class ChangeWatch:
    """Whether anything under some folders may have changed since the last time it was asked.

    On Linux, an inotify instance watches every folder under the roots (not hidden ones nor
    ``__pycache__``) for writes, renames, creations, deletions and changes of attributes; asking
    reads its pending events without waiting: microseconds, where a ``stat`` of every file takes
    milliseconds at a thousand files. It answers True whenever it cannot be sure: on the first
    question, on any event (and then watches the folders anew, new ones included), when its
    queue overflowed, when a root holds a symbolic link (a link's target can change unseen), or
    where inotify is not available (another platform, or no instance left): the caller then
    compares a ``stat`` of every file as before.
    """

    _EVENTS = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800  # modify, attrib, close-write,
    # moved from/to, create, delete, delete-self, move-self

    def __init__(self, roots: list[Path]) -> None:
        self.roots = roots
        self.fd: int | None = None
        self._libc: Any = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes
                import ctypes.util
                self._libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            except OSError:
                self._libc = None

    def changed(self) -> bool:
        """True unless the folders are watched and no event has arrived since the last question."""
        if self.fd is not None and not self._drain():
            return False
        self._watch()
        return True

    def _drain(self) -> bool:
        """Read every pending event; whether there was any."""
        assert self.fd is not None
        seen = False
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return seen
            except OSError:
                return True
            if not data:
                return seen
            seen = True

    def _watch(self) -> None:
        """Watch every folder anew; without a way to (a link under the roots, no inotify), stay unwatched."""
        self.close()
        if self._libc is None:
            return
        folders = [folder for root in self.roots for folder in _folders(root)]
        if any(folder is None for folder in folders):
            return
        fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            return
        for folder in folders:
            if self._libc.inotify_add_watch(fd, os.fsencode(folder), self._EVENTS) < 0:
                os.close(fd)
                return
        self.fd = fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:
        self.close()


def _folders(root: Path) -> Iterator[Path | None]:
    """Every folder under ``root`` (itself included) that a build reads, or None for a symbolic
    link (whose target no watch on its folder sees)."""
    if not root.is_dir():
        yield root.parent if root.parent.is_dir() else None  # the root may appear
        return
    yield root
    with os.scandir(root) as it:
        entries = list(it)
    for entry in entries:
        if is_hidden(entry.name) or entry.name == "__pycache__":
            continue
        if entry.is_symlink():
            yield None
        elif entry.is_dir():
            yield from _folders(Path(entry.path))
