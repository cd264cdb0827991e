"""Archived article text: whitespace normalisation, quote location and sentence spans.

Quotes are compared with the archived text after collapsing every run of whitespace
(including no-break and other Unicode spaces) to one space; nothing else is normalised, so
curly quotes, dashes and spelling must match the article exactly. Offsets are always
character offsets into the original archived text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

_GAP = re.compile(r"\s{2,}|^\s|\s\Z")  # whitespace that normalising does not turn into one space at its offset
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
# (the punctuation comes first, so that the search skips to it instead of looking behind at every character)
_GLUED_END = re.compile(r"([.!?])(?<=[a-z]{2}[.!?])(\d{1,3}(?:[-\u2013,]\d{1,3})*)(\s+)(?=[A-Z\"\u201c])")
_PREFIX = 12  # characters of a quote that find_all indexes
_SCAN_FROM = 100  # quotes from which find_all scans the text once rather than searching for each


def normalise(text: str) -> str:
    """Collapse whitespace runs to one space and strip the ends (str.split's whitespace is the
    regular expressions' ``\\s``)."""
    return " ".join(text.split())


def normalise_with_map(text: str) -> tuple[str, array[int]]:
    """Normalised text and, for each of its characters, the offset in ``text``.

    A lone whitespace character between words becomes one space at its own offset, so the map
    only moves at longer runs and at the ends: it is built from those alone."""
    offsets: array[int] = array("q")
    pos = 0
    for run in _GAP.finditer(text):
        start, end = run.span()
        offsets.extend(range(pos, start))
        if start and end < len(text):  # one space between words, none at the ends
            offsets.append(start)
        pos = end
    offsets.extend(range(pos, len(text)))
    return normalise(text), offsets


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
        return [self._span(start, needle) for start in self._starts(needle)] if needle else []

    def find_all(self, quotes: Iterable[str]) -> dict[str, list[Span]]:
        """:meth:`find` for many quotes at once (keyed by the quote as given). From
        ``_SCAN_FROM`` quotes on, the long ones are found in one pass over the text: what a long
        article with thousands of quotes needs to stay linear."""
        needles: dict[str, list[str]] = {}
        for quote in quotes:
            needles.setdefault(normalise(quote), []).append(quote)
        needles.pop("", None)
        scan = len(needles) >= _SCAN_FROM
        found: dict[str, list[int]] = {}
        long: dict[str, list[str]] = {}
        for needle in needles:
            if scan and len(needle) >= _PREFIX:
                long.setdefault(needle[:_PREFIX], []).append(needle)
                found[needle] = []
            else:
                found[needle] = self._starts(needle)
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
            spans = [self._span(start, needle) for start in starts]
            for quote in needles[needle]:
                out[quote] = spans
        return out

    def _starts(self, needle: str) -> list[int]:
        """Where ``needle`` starts in the normalised text, every occurrence, in order."""
        starts = []
        start = self._normalised.find(needle)
        while start != -1:
            starts.append(start)
            start = self._normalised.find(needle, start + 1)
        return starts

    def _span(self, start: int, needle: str) -> Span:
        """The span of the original text that ``needle``, found at ``start`` in the normalised text, covers."""
        return Span(self._offsets[start], self._offsets[start + len(needle) - 1] + 1)

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
    starts: list[int] = []  # the annotated text as disjoint ranges, in order
    ends: list[int] = []
    for span in sorted((s for s in annotated if s.start < s.end), key=lambda s: s.start):
        if ends and span.start <= ends[-1]:
            ends[-1] = max(ends[-1], span.end)
        else:
            starts.append(span.start)
            ends.append(span.end)
    covered = 0
    for sentence in sentences:  # the first range that ends after the sentence starts is the one it may overlap
        i = bisect.bisect_right(ends, sentence.start)
        if sentence.start < sentence.end and i < len(ends) and starts[i] < sentence.end:
            covered += 1
    return covered
