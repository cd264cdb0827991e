"""Find reference lists in an article's text and parse their entries.

A list starts at a heading line ("References", "Works consulted", "Bibliography", ...) and runs
while lines look like entries: numbered (``1.``, ``[1]``, ``(1)``, ``1)``) or author-year
(``Smith JA, ... (2010)``); a line that continues the previous entry is joined to it. Each
entry is parsed into authors, year, title, venue, volume, issue, pages and a DOI when printed.
Parsing is heuristic; the draft marks every new record unverified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.text import Span

_HEADING = re.compile(
    r"^\s*(references?|reference list|works consulted|works cited|bibliography|sources|literature cited|"
    r"citations|further reading|notes)\s*:?\s*$", re.I)
_NUMBER = re.compile(r"^\s*(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3})[.)])\s+")
_YEAR = r"(?:19|20)\d{2}"
_VANCOUVER_YEAR = re.compile(rf"\b({_YEAR})[a-z]?\s*;")
_PAREN_YEAR = re.compile(rf"\(({_YEAR})[a-z]?\)")
_ANY_YEAR = re.compile(rf"(?<![\d/.-])({_YEAR})[a-z]?(?![\d/-])")
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/[^\s,;]*[^\s,;.])", re.I)
_INITIALS_END = re.compile(r"(?:\b[A-Z]{1,3}|\bet al)\.(?=\s+[A-Z0-9\"'“])")
_AUTHOR_START = re.compile(r"^\s*[A-Z][A-Za-z'’\-]+,?\s+(?:[A-Z]{1,3}\b|[A-Z]\.)")
_VOLUME = re.compile(r"(?:;\s*|\b)(\d{1,4})\s*(?:\(([^)]{1,12})\))?\s*:\s*([A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)")
_VOLUME_ISSUE = re.compile(r"\b(\d{1,4})\s*\((\d{1,4})\)")


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list, as printed and as parsed."""

    key: str  # "1", "2", ... in list order
    number: int | None  # the number printed, if any
    text: str  # the entry as printed, lines joined
    span: Span  # where the entry stands in the text
    authors: tuple[str, ...] = ()
    year: int | None = None
    title: str | None = None
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None

    @property
    def surname(self) -> str | None:
        """The first author's surname ('Dufek' for 'Dufek JS')."""
        if not self.authors:
            return None
        m = re.match(r"[A-Za-z'’\-]+", self.authors[0])
        return m.group(0) if m else None


@dataclass(frozen=True)
class ReferenceList:
    heading: Span
    entries: tuple[Reference, ...] = field(default_factory=tuple)

    @property
    def span(self) -> Span:
        end = self.entries[-1].span.end if self.entries else self.heading.end
        return Span(self.heading.start, end)

    @property
    def numbered(self) -> bool:
        return any(e.number is not None for e in self.entries)


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append((offset, line.rstrip("\r\n")))
        offset += len(line)
    return out


def _looks_like_entry(line: str) -> bool:
    return bool(_NUMBER.match(line)) or bool(_AUTHOR_START.match(line) and _ANY_YEAR.search(line))


def find_reference_lists(text: str) -> list[ReferenceList]:
    """Every reference list in ``text``, with its parsed entries."""
    lines = _lines(text)
    lists = []
    i = 0
    while i < len(lines):
        offset, line = lines[i]
        if not _HEADING.match(line):
            i += 1
            continue
        heading = Span(offset + len(line) - len(line.lstrip()), offset + len(line.rstrip()))
        chunks: list[list[tuple[int, str]]] = []
        j = i + 1
        blank_run = 0
        while j < len(lines):
            o, ln = lines[j]
            if not ln.strip():
                blank_run += 1
                j += 1
                continue
            if _looks_like_entry(ln):
                chunks.append([(o, ln)])
            elif chunks and blank_run == 0 and not _HEADING.match(ln):
                chunks[-1].append((o, ln))  # an entry that runs onto the next line
            elif chunks and blank_run <= 1 and not _NUMBER.match(chunks[-1][0][1]) and _ANY_YEAR.search(ln):
                chunks[-1].append((o, ln))
            else:
                break
            blank_run = 0
            j += 1
        entries = tuple(_parse(str(n), chunk) for n, chunk in enumerate(chunks, start=1))
        if entries:
            lists.append(ReferenceList(heading, entries))
        i = j
    return lists


def _parse(key: str, chunk: list[tuple[int, str]]) -> Reference:
    first_offset, first_line = chunk[0]
    start = first_offset + len(first_line) - len(first_line.lstrip())
    end = chunk[-1][0] + len(chunk[-1][1].rstrip())
    raw = " ".join(" ".join(ln.split()) for _, ln in chunk)
    number_match = _NUMBER.match(raw)
    number = next((int(g) for g in number_match.groups() if g), None) if number_match else None
    body = raw[number_match.end():] if number_match else raw
    doi_match = _DOI.search(body)
    doi = doi_match.group(1) if doi_match else None
    scan = body[:doi_match.start()] if doi_match else body
    year_match = _PAREN_YEAR.search(scan) or _VANCOUVER_YEAR.search(scan)
    if year_match is None:
        years = list(_ANY_YEAR.finditer(scan))
        year_match = years[-1] if years else None
    year = int(year_match.group(1)) if year_match else None
    authors_text, rest = "", body
    if year_match is not None and isinstance(year_match.re, re.Pattern) and year_match.re is _PAREN_YEAR:
        authors_text, rest = body[:year_match.start()], body[year_match.end():]
    else:
        initials = _INITIALS_END.search(body)
        if initials is not None and initials.start() < 200:
            authors_text, rest = body[:initials.end() - 1], body[initials.end():]
    authors = tuple(a for a in (x.strip(" .,;") for x in re.split(r",|;|\band\b|&", authors_text))
                    if a and not re.fullmatch(r"et al\.?|et al", a, re.I) and re.search(r"[A-Za-z]", a))
    authors = tuple(re.sub(r"\s+et al\.?$", "", a) for a in authors)
    rest = rest.strip(" .")
    title, venue = None, None
    if rest:
        parts = re.split(r"(?<=[a-z0-9)?])\.\s+(?=[A-Z0-9])", rest, maxsplit=1)
        title = parts[0].strip(" .") or None
        if len(parts) > 1:
            venue_text = re.split(rf"\b{_YEAR}\b|\s\d+\s*\(|\s\(\d|;|\s\d+\s*:|,\s*\d|\s+https?://|\s+doi",
                                  parts[1])[0]
            venue = venue_text.strip(" .,") or None
    volume = issue = pages = None
    vol = _VOLUME.search(scan)
    if vol:
        volume, issue, pages = vol.group(1), vol.group(2), vol.group(3).replace(" ", "")
    else:
        vi = _VOLUME_ISSUE.search(scan[year_match.end():] if year_match else scan)
        if vi:
            volume, issue = vi.group(1), vi.group(2)
    return Reference(key=key, number=number, text=raw, span=Span(start, end), authors=authors, year=year,
                     title=title, venue=venue, volume=volume, issue=issue, pages=pages, doi=doi)
