"""Read an article as a user has it: a text file, or a saved web page.

:func:`read_input` returns plain text as it is, and the main text and metadata of a web page
(recognised by its name or its first bytes) through :mod:`.webpage`, which alone loads
trafilatura, and only when a page is read. :func:`slug` makes an article id from a file name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import LbpgraphError
from ..core.files import Unreadable, read_regular
from .webpage import extract, looks_like_html


class IngestError(LbpgraphError):
    """An article could not be ingested (unreadable, empty, or a page without text)."""

    exit_code = 3


@dataclass(frozen=True)
class Input:
    """An article as given: its text, and for a web page the page as saved and its metadata."""

    path: Path
    text: str
    original: bytes | None = None  # the page the text was extracted from
    title: str | None = None
    author: str | None = None
    site: str | None = None
    date: str | None = None
    url: str | None = None
    links: tuple[tuple[int, int, str], ...] = ()  # a page's links to other sites: their words' offsets, target


def _read(path: Path) -> bytes:
    try:
        return read_regular(path)
    except Unreadable as exc:
        raise IngestError(f"{path} {exc}") from None


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# what no article text holds: C0 controls other than tab, line breaks and form feeds, and DEL
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        hint = "--encoding utf-16 (it starts with a UTF-16 byte-order mark)" if data.startswith(_UTF16_BOMS) \
            else "with --encoding, for example --encoding cp1252"
        raise IngestError(f"{path}: not UTF-8 (byte {exc.start}); declare the encoding {hint}") from None
    except LookupError:
        raise IngestError(f"{path}: unknown encoding {encoding!r} (--encoding)") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise IngestError(f"{path}: the file is empty")
    return _plain(path, text)


def _plain(path: Path, text: str) -> str:
    """``text``, unless it holds what no article does (a NUL, an escape): then the file is no text."""
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise IngestError(f"{path}:{line}: not a text file: control character U+{ord(control[0]):04X} "
                          f"at character {control.start()}")
    return text


def read_input(path: Path, encoding: str | None = None, url: str | None = None) -> Input:
    """Plain text as it is; a web page (by its name or its first bytes) through the extractor."""
    data = _read(path)
    if not looks_like_html(path.name, data):
        return Input(path, _decode(path, data, encoding))
    html: str | bytes = _decode(path, data, encoding) if encoding else data
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    page = extract(html, url)
    if not page.text.strip():
        raise IngestError(f"{path}: no article text found in the page")
    return Input(path, _plain(path, page.text), data, page.title, page.author, page.site, page.date, page.url,
                 page.links)


def slug(text: str) -> str:
    """A valid lbpgraph id from any text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "article"
