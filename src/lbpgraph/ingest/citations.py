"""In-text citations: markers in an article's body linked to its sentences and references.

Recognised: numeric markers "(1)", "[3]", "(2,3)", "(4-6)", also glued after punctuation or a
word ("pain.[2]", "walking(22)"); author-year "(Smith et al., 2010; Lee, 2018)"; narrative
"Krein and colleagues (2013) found"; a journal named without a paper ("according to the Journal
of Exercise Physiology"); and vague attributions ("studies show", "has been proven"). Look-alikes
are not citations: phone numbers "(877) 931-0414", vertebral levels "(L4-L5)", statistics
"(n = 31)" or "(p < 0.05)", years alone, and the numbers of a list of tips.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .references import Reference
from ..core.text import Span

_NUMERIC = re.compile(r"[\[(]\s*(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\s*[\])]")
_PHONE_AFTER = re.compile(r"^\s*\d{3}[\s.-]\d{4}")
_PHONE_BEFORE = re.compile(r"(?:call|tel|phone|fax|toll[- ]free)[^.]{0,20}$", re.I)
_AUTHOR_YEAR = re.compile(r"\(([^()]{2,200}?\b(?:19|20)\d{2}[a-z]?)\)")
_AUTHOR_YEAR_PART = re.compile(r"^\s*(?:see\s+|e\.g\.,?\s+)?([A-Z][A-Za-z'’\-]+)[^;]*?,?\s*((?:19|20)\d{2})[a-z]?\s*$")
_NARRATIVE = re.compile(r"\b([A-Z][A-Za-z'’\-]+)(?:\s+et al\.?|\s+and colleagues|\s+and co-?workers|"
                        r"\s+(?:and|&)\s+[A-Z][A-Za-z'’\-]+)?\s+\(((?:19|20)\d{2})[a-z]?\)")
_VENUE = re.compile(r"\b((?:the\s+)?(?:[A-Z][a-z]+\s+){0,3}Journal\s+of\s+(?:[A-Z][a-z]+|and|&|of|the)"
                    r"(?:\s+(?:[A-Z][a-z]+|and|&|of|the))*|The Lancet|BMJ|JAMA)")
_VAGUE = re.compile(
    r"\b(?:(?:some\s+|many\s+|recent\s+|several\s+)?(?:studies|research|researchers|scientists|experts|doctors|"
    r"authorities|evidence)\b[^.?!]{0,40}?\b(?:shows?|showed|shown|found|finds?|suggests?|says?|said|"
    r"recommends?|recogni[sz]e|proves?|proven)\b|has\s+(?:long\s+)?been\s+(?:shown|proven|demonstrated)|"
    r"is\s+said\s+to|well-studied|studies\s+show|"
    r"(?:supported|backed|proven|confirmed)\s+by\s+(?:over\s+|more\s+than\s+|many\s+|\d+\s+)*(?:\w+\s+){0,2}"
    r"(?:research|studies|science|trials)|based\s+on\s+(?:new\s+|recent\s+|the\s+latest\s+)?(?:\w+\s+){0,5}research)",
    re.I)
_NOT_CITATION_WORDS = {"Table", "Figure", "Fig", "Chapter", "Section", "Step", "Phase", "Level"}


@dataclass(frozen=True)
class InText:
    """One in-text citation: where it stands, what it points to, which sentence holds it."""

    marker: str
    span: Span
    kind: str  # numeric | author-year | narrative | named-venue | vague
    keys: tuple[str, ...]  # reference keys it resolves to
    dangling: tuple[str, ...]  # what it names that no listed reference matches
    sentence: Span


def is_heading(sentence: str) -> bool:
    """A title, a section heading or a question used as one."""
    words = sentence.split()
    if sentence.rstrip().endswith("?"):
        return True
    if sentence.rstrip()[-1:] in ".!:;\"”'’)" or len(words) > 16:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised >= max(2, len(words) // 2)


def _expand(numbers: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*,\s*", numbers):
        bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x]
        if len(bounds) == 2 and bounds[0] <= bounds[1] and bounds[1] - bounds[0] <= 50:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def _sentence_of(position: int, sentences: list[Span]) -> Span | None:
    for s in sentences:
        if s.start <= position < s.end:
            return s
    return None


class _Finder:
    """Citations found so far, and where they stand: a span is taken by the first that claims it."""

    def __init__(self, text: str, sentences: list[Span], references: list[Reference], excluded: list[Span]) -> None:
        self.text, self.sentences, self.excluded = text, sentences, excluded
        printed = [r.number for r in references if r.number is not None]
        if printed and len(set(printed)) == len(printed):
            self.by_number = {r.number: r.key for r in references if r.number is not None}
        else:  # unnumbered, or "1." printed before every entry: count in list order
            self.by_number = {int(r.key): r.key for r in references}
        self.by_author_year: dict[tuple[str, int], list[str]] = {}
        for r in references:
            if r.surname and r.year:
                self.by_author_year.setdefault((r.surname.lower(), r.year), []).append(r.key)
        self.found: list[InText] = []
        self.taken: list[Span] = []

    def place(self, m: re.Match[str]) -> tuple[Span, Span] | None:
        """The span of a match and its sentence, or None when it is outside any sentence or taken."""
        span = Span(m.start(), m.end())
        sentence = _sentence_of(m.start(), self.sentences)
        if sentence is None or any(span.overlaps(x) for x in self.excluded + self.taken):
            return None
        return span, sentence

    def add(self, marker: str, span: Span, kind: str, keys: tuple[str, ...], dangling: tuple[str, ...],
            sentence: Span) -> None:
        self.found.append(InText(marker, span, kind, keys, dangling, sentence))
        self.taken.append(span)

    def numeric(self) -> None:
        for m in _NUMERIC.finditer(self.text):
            placed = self.place(m)
            if placed is None:
                continue
            span, sentence = placed
            before = self.text[sentence.start:m.start()]
            if not before.strip() or re.fullmatch(r"\s*[-•*]?\s*", before):
                continue  # "(1) Walk daily": the number of a list item, not a citation
            if _PHONE_AFTER.match(self.text[m.end():]) or _PHONE_BEFORE.search(before):
                continue
            if before.rstrip().split(" ")[-1].rstrip(".") in _NOT_CITATION_WORDS:
                continue
            numbers = _expand(m.group(1))
            self.add(m.group(0), span, "numeric", tuple(self.by_number[n] for n in numbers if n in self.by_number),
                     tuple(str(n) for n in numbers if n not in self.by_number), sentence)

    def author_year(self) -> None:
        for m in _AUTHOR_YEAR.finditer(self.text):
            placed = self.place(m)
            if placed is None:
                continue
            keys: list[str] = []
            dangling: list[str] = []
            matched_any = False
            for part in m.group(1).split(";"):
                pm = _AUTHOR_YEAR_PART.match(part)
                if not pm or pm.group(1) in _NOT_CITATION_WORDS:
                    continue
                matched_any = True
                hits = self.by_author_year.get((pm.group(1).lower(), int(pm.group(2))), [])
                (keys.extend(hits) if hits else dangling.append(f"{pm.group(1)} {pm.group(2)}"))
            if matched_any:
                self.add(m.group(0), placed[0], "author-year", tuple(keys), tuple(dangling), placed[1])

    def narrative(self) -> None:
        for m in _NARRATIVE.finditer(self.text):
            placed = self.place(m)
            if placed is None or m.group(1) in _NOT_CITATION_WORDS:
                continue
            hits = tuple(self.by_author_year.get((m.group(1).lower(), int(m.group(2))), []))
            dangling = () if hits else (f"{m.group(1)} {m.group(2)}",)
            self.add(m.group(0), placed[0], "narrative", hits, dangling, placed[1])

    def unnamed(self, pattern: re.Pattern[str], kind: str) -> None:
        """A journal named without a paper, or a vague attribution: they name no reference."""
        for m in pattern.finditer(self.text):
            placed = self.place(m)
            if placed is None:
                continue
            span, sentence = placed
            if kind == "vague" and (any(c.sentence == sentence for c in self.found)
                                    or is_heading(self.text[sentence.start:sentence.end])):
                continue  # a sentence that cites a work, or a heading, is not a vague attribution
            self.add(m.group(0), span, kind, (), (), sentence)


def find_citations(text: str, sentences: list[Span], references: list[Reference],
                   excluded: list[Span]) -> list[InText]:
    """Every in-text citation in ``text`` outside the ``excluded`` spans (the reference lists)."""
    finder = _Finder(text, sentences, references, excluded)
    finder.numeric()
    finder.author_year()
    finder.narrative()
    finder.unnamed(_VENUE, "named-venue")
    finder.unnamed(_VAGUE, "vague")
    return sorted(finder.found, key=lambda c: c.span.start)
