"""Archived article text: whitespace normalisation, quote location and sentence spans.

Quotes are compared with the archived text after collapsing every run of whitespace
(including no-break and other Unicode spaces) to one space; nothing else is normalised, so
curly quotes, dashes and spelling must match the article exactly. Offsets are always
character offsets into the original archived text.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
_CONTEXT = 32  # characters of prefix and suffix kept in a TextQuoteSelector

# Tokens after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "st", "vs", "etc", "al", "e.g", "i.e", "fig", "no", "vol", "jr",
    "sr", "prof", "inc", "ltd", "d.c", "ph.d", "approx", "ca", "cf", "pp", "p",
})
# sentence end: punctuation, closing quotes or brackets, glued markers ("[4]", "[2][3]", "^1,2", "\u00b9"), a space
_BOUNDARY = re.compile(r"([.!?\u2026]+)([\"'\u201d\u2019)\]]*(?:\[\d{1,3}(?:\s*[-\u2013,]\s*\d{1,3})*\]"
                       r"|\^\d{1,3}(?:[-\u2013,]\d{1,3})*|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+(?:,[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+)*)*)"
                       r"(\s+)(?=\S)")
# a sentence end followed by a footnote number flattened to plain digits ("back pain.1,2 Walking")
_GLUED_END = re.compile(r"(?<=[a-z]{2})([.!?])(\d{1,3}(?:[-\u2013,]\d{1,3})*)(\s+)(?=[A-Z\"\u201c])")
_PREFIX = 12  # characters of a quote that find_all indexes


def normalise(text: str) -> str:
    """Collapse whitespace runs to one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def normalise_with_map(text: str) -> tuple[str, array[int]]:
    """Normalised text and, for each of its characters, the offset in ``text``."""
    out: list[str] = []
    offsets: array[int] = array("q")
    pos = 0
    for run in _SPACE.finditer(text):
        start, end = run.span()
        if start > pos:
            out.append(text[pos:start])
            offsets.extend(range(pos, start))
        if offsets and end < len(text):  # one space between words, none at the ends
            out.append(" ")
            offsets.append(start)
        pos = end
    out.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(out), offsets


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of the archived text."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return max(self.start, other.start) < min(self.end, other.end)


class ArticleText:
    """The archived text of one article with helpers to locate quotes and sentences."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._normalised, self._offsets = normalise_with_map(text)

    def find(self, quote: str) -> list[Span]:
        """Every occurrence of ``quote`` (whitespace-insensitive), in text order."""
        needle = normalise(quote)
        if not needle:
            return []
        spans = []
        start = self._normalised.find(needle)
        while start != -1:
            last = start + len(needle) - 1
            spans.append(Span(self._offsets[start], self._offsets[last] + 1))
            start = self._normalised.find(needle, start + 1)
        return spans

    def find_all(self, quotes: Iterable[str]) -> dict[str, list[Span]]:
        """:meth:`find` for many quotes at once, in one pass over the text (keyed by the quote as
        given): what a long article with thousands of quotes needs to stay linear."""
        needles: dict[str, list[str]] = {}
        for quote in quotes:
            needles.setdefault(normalise(quote), []).append(quote)
        needles.pop("", None)
        found: dict[str, list[int]] = {n: [] for n in needles}
        long: dict[str, list[str]] = {}
        for needle in needles:
            if len(needle) >= _PREFIX:
                long.setdefault(needle[:_PREFIX], []).append(needle)
            else:
                start = self._normalised.find(needle)
                while start != -1:
                    found[needle].append(start)
                    start = self._normalised.find(needle, start + 1)
        text = self._normalised
        if long:
            for i in range(len(text) - _PREFIX + 1):
                bucket = long.get(text[i:i + _PREFIX])
                if bucket is not None:
                    for needle in bucket:
                        if text.startswith(needle, i):
                            found[needle].append(i)
        out: dict[str, list[Span]] = {}
        for needle, starts in found.items():
            spans = [Span(self._offsets[a], self._offsets[a + len(needle) - 1] + 1) for a in starts]
            for quote in needles[needle]:
                out[quote] = spans
        return out

    def context(self, span: Span) -> tuple[str, str]:
        """Prefix and suffix of a span for a W3C TextQuoteSelector."""
        return (self.text[max(0, span.start - _CONTEXT):span.start],
                self.text[span.end:span.end + _CONTEXT])

    def sentences(self) -> list[Span]:
        """Sentence spans: each non-empty line, split at sentence-ending punctuation."""
        return sentence_spans(self.text)


def sentence_spans(text: str) -> list[Span]:
    """Sentence spans of ``text``: each non-empty line, split at sentence-ending punctuation."""
    spans: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        spans.extend(_split_line(line, offset))
        offset += len(line)
    return spans


def _split_line(line: str, offset: int) -> list[Span]:
    cuts = [0]
    ends = sorted([*_BOUNDARY.finditer(line), *_GLUED_END.finditer(line)], key=lambda m: m.start())
    for m in ends:
        head = line[:m.start(1)]
        if head.strip().isdigit():
            continue  # a list marker such as "1." belongs to what follows
        before = head.rsplit(None, 1)
        token = before[-1].lower().lstrip("([\"'") if before else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        cuts.append(m.start(3))
    cuts = sorted(set(cuts))
    cuts.append(len(line))
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        piece = line[a:b]
        stripped = piece.strip()
        if not any(unicodedata.category(c)[0] in "LN" for c in stripped):
            continue  # punctuation or emoji only
        lead = len(piece) - len(piece.lstrip())
        spans.append(Span(offset + a + lead, offset + a + lead + len(stripped)))
    return spans


def coverage(sentences: list[Span], annotated: list[Span]) -> int:
    """Number of sentences that overlap at least one annotated span."""
    return sum(1 for sentence in sentences if any(sentence.overlaps(s) for s in annotated))
