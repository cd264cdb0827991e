"""What an article holds, and the fate of every sentence: the analysis a draft is written from.

:func:`analyse` finds the reference entries by their shape (:mod:`.references`), the in-text
citations (:mod:`.citations`), matches each entry to the bibliography on evidence
(:mod:`.matching`), marks cue sentences (:mod:`.cues`) and decides, for every sentence, whether it
is drafted as an appearance (with a guessed kind and the existing claims it may make,
:mod:`.claimlinks`) or left for review with the reason it is probably not a claim. Nothing is
dropped: every sentence is one or the other. Linear in the length of the text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.text import Span, sentence_spans
from ..model import schema
from .citations import Candidates, InText, find_citations, first_line_end, heading_line, is_heading
from .claimlinks import ClaimIndex
from .cues import (claim_kind, hedging, is_anecdote, is_claim_like, is_commercial, is_safety, is_strongly_commercial,
                   is_testimonial)
from .matching import Match, Matcher, author_candidates, venue_candidates
from .references import Reference, ReferenceList, find_reference_lists, linked_entries, titled_entries
from .speakers import AUTHOR, Speaker, Speakers

CUE_CATEGORIES = ("anecdote", "commercial", "vague-attribution", "unsupported", "hedged")
_BYLINE = re.compile(r"^(?:by\s|posted\s|published\b|updated\b|reviewed\s+by|medically\s+reviewed|written\s+by|"
                     r"last\s+(?:reviewed|updated)|next\s+review|reply\s+from|asked\s+by|answer\s+from|"
                     r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4}$|[A-Z][a-z]+\s+\d{1,2},?\s+\d{4}$|\d{1,2}\s+[A-Z][a-z]{2,8}$)", re.I)
_NAVIGATION = re.compile(r"(?:\s[|›»·]\s.*){2,}|^(?:home|menu|skip to|log ?in|sign in|search|share|tweet|print)\b", re.I)
_DISCLAIMER = re.compile(r"\b(?:disclaimer|not (?:intended as |a substitute for )?medical advice|for (?:general )?"
                         r"information (?:purposes )?only|does not replace|not a diagnosis|all rights reserved|©)", re.I)
_COMMENT_FORM = re.compile(r"^(?:leave a (?:reply|comment)|\d+\s+(?:comments?|responses?|replies)\b|reply$|"
                           r"you are commenting|fill in your details|connecting to)", re.I)


class _Bibliography(Candidates):
    """Candidates for attributions the article's own list cannot resolve (each asked once)."""

    def __init__(self, sources: dict[str, schema.Source]) -> None:
        self.sources = sources
        self._cache: dict[tuple[Any, ...], list[str]] = {}

    def by_author(self, names: list[str], year: int | None) -> list[str]:
        key = ("author", tuple(names), year)
        if key not in self._cache:
            self._cache[key] = author_candidates(names, year, self.sources)
        return self._cache[key]

    def by_venue(self, venue: str, year: int | None) -> list[str]:
        key = ("venue", venue, year)
        if key not in self._cache:
            self._cache[key] = venue_candidates(venue, year, self.sources)
        return self._cache[key]


@dataclass
class Drafted:
    """A sentence drafted as an appearance of a new claim."""

    span: Span
    kind: str
    hedging: str
    suggested: list[tuple[str, float]] = field(default_factory=list)
    speaker: Speaker = AUTHOR


@dataclass
class Analysis:
    """References, citations, cues and the fate of every sentence of one article."""

    text: str
    sentences: list[Span]
    lists: list[ReferenceList]
    citations: list[InText]
    matches: dict[str, Match]  # reference key -> the evidence for its bibliography work
    cues: dict[str, list[Span]]
    drafted: list[Drafted]
    left: list[tuple[Span, str | None]]  # not yet reviewed: sentence (or block) and a suggested reason

    @property
    def references(self) -> list[Reference]:
        return [e for lst in self.lists for e in lst.entries]

    def sentence(self, span: Span) -> str:
        return self.text[span.start:span.end]

    def source_of(self, key: str) -> str | None:
        m = self.matches.get(key)
        return m.source if m else None

    def to_json(self) -> dict[str, Any]:
        """{"references", "citations", "cues"} as they stand in the text, plus what ingest drafted
        ("appearances") and left for review ("unreviewed"), with offsets into the text."""
        by_key = {r.key: r for r in self.references}
        return {
            "references": [{
                "key": r.key, "number": r.number, "authors": list(r.authors), "year": r.year, "title": r.title,
                "venue": r.venue, "volume": r.volume, "issue": r.issue, "pages": r.pages, "doi": r.doi,
                "pmid": r.pmid, "pmcid": r.pmcid, "url": r.url, "source": self.source_of(r.key),
                "match": _match_json(self.matches[r.key]), "as_printed": r.text, "start": r.span.start,
                "end": r.span.end} for r in self.references],
            "citations": [{
                "marker": c.marker, "kind": c.kind, "sentence": self.sentence(c.sentence), "keys": list(c.keys),
                "cites": [{"key": k, "author": by_key[k].surname, "year": by_key[k].year,
                           "source": self.source_of(k)} for k in c.keys],
                "dangling": list(c.dangling),
                "source": self.source_of(c.keys[0]) if len(c.keys) == 1 else
                (c.candidates[0] if len(c.candidates) == 1 else None),
                "candidates": list(c.candidates), "start": c.span.start, "end": c.span.end,
                "sentence_start": c.sentence.start, "sentence_end": c.sentence.end} for c in self.citations],
            "cues": {k: [self.sentence(s) for s in self.cues.get(k, [])] for k in CUE_CATEGORIES},
            "appearances": [{"start": d.span.start, "end": d.span.end, "sentence": self.sentence(d.span),
                             "kind": d.kind, "hedging": d.hedging, "speaker": {"role": d.speaker.role, "name": d.speaker.name},
                             "suggested": [{"claim": c, "score": s} for c, s in d.suggested]} for d in self.drafted],
            "unreviewed": [{"start": s.start, "end": s.end, "suggest": reason} for s, reason in self.left],
        }


def _match_json(m: Match) -> dict[str, Any]:
    return {"by": m.by, "score": m.score, "evidence": list(m.evidence), "conflicts": list(m.conflicts),
            "curator_added": m.curator_added, "candidates": [{"source": s, "score": sc} for s, sc in m.candidates],
            "summary": m.summary()}


def analyse(text: str, sources: dict[str, schema.Source] | None = None, claims: ClaimIndex | None = None,
            links: Iterable[tuple[int, int, str]] = ()) -> Analysis:
    """Analyse an article's text against the bibliography ``sources`` and the existing ``claims``
    (for suggested links); ``links`` are a web page's hyperlinks (the offsets of their words, their
    targets), each a citation of the work it points to."""
    sources = sources or {}
    sentences = sentence_spans(text)
    links = list(links)
    lists = _works(text, links)
    excluded = [lst.span for lst in lists if not lst.inline]
    matcher = Matcher(sources)
    matches = {r.key: matcher.match(r) for lst in lists for r in lst.entries}
    known = [dataclasses.replace(lst, entries=tuple(_as_known(e, matches[e.key], sources) for e in lst.entries))
             for lst in lists]
    citations = find_citations(text, sentences, known, _Bibliography(sources), links)
    cues: dict[str, list[Span]] = {k: [] for k in CUE_CATEGORIES}
    by_sentence: dict[Span, list[InText]] = {}
    for c in citations:
        by_sentence.setdefault(c.sentence, []).append(c)
    selling, testifying = _paragraph_context(text, sentences)
    in_list = _Membership(excluded)
    drafted: list[Drafted] = []
    left: list[tuple[Span, str | None]] = [(lst.span, "reference-list") for lst in lists if not lst.inline]
    first_line = first_line_end(text)
    speakers = Speakers(text)
    for s in sentences:
        if in_list.holds(s):
            continue
        words = text[s.start:s.end]
        title = s.start < first_line
        cited = by_sentence.get(s, [])
        claim_like = is_claim_like(words)
        safety = is_safety(words)
        heading = title or is_heading(words) or heading_line(text, s)
        anecdote = not heading and (is_anecdote(words) or (s in testifying and claim_like))
        if anecdote:
            cues["anecdote"].append(s)
        reason = _not_a_claim(words, title, heading)
        furniture = reason in ("title", "question-heading", "navigation", "byline")
        commercial = (is_commercial(words) and not furniture) or is_strongly_commercial(words) or (
            s in selling and (claim_like or anecdote))
        if commercial:
            cues["commercial"].append(s)
        if not heading and any(c.kind == "vague" or (c.kind in ("named-venue", "narrative", "author-year")
                                                     and not c.keys) for c in cited):
            cues["vague-attribution"].append(s)
        hedge = hedging(words) if claim_like or reason is None else "certain"
        if claim_like and not heading:
            if hedge == "hedged":
                cues["hedged"].append(s)
            if not cited and not anecdote:
                cues["unsupported"].append(s)
        if reason is None and (cited or claim_like or safety or anecdote):
            suggested = claims.suggest(statement(text, s, cited)) if claims is not None else []
            drafted.append(Drafted(s, claim_kind(words, safety), hedge, suggested, speakers.at(s.start)))
        else:
            left.append((s, reason or ("advertising" if commercial else None)))
    left.sort(key=lambda x: x[0].start)
    return Analysis(text, sentences, known, citations, matches, cues, drafted, left)


def _works(text: str, links: list[tuple[int, int, str]]) -> list[ReferenceList]:
    """Every work the text names: its reference lists, then what it links to or names by title
    outside them (one-entry lists)."""
    lists = find_reference_lists(text)
    lists += linked_entries(text, lists, links)
    return lists + titled_entries(text, lists)


def _as_known(ref: Reference, m: Match, sources: dict[str, schema.Source]) -> Reference:
    """An entry with what its bibliography work adds where the print says nothing (an entry that is
    only a DOI or PubMed address has no authors, year or journal to resolve a citation by)."""
    record = sources.get(m.source) if m.source else None
    if record is None or (ref.authors and ref.year and ref.venue):
        return ref
    return dataclasses.replace(ref, authors=ref.authors or tuple(record.authors), year=ref.year or record.year,
                               venue=ref.venue or record.venue, title=ref.title or record.title)


class _Membership:
    """Whether a sentence lies in one of a few spans (the reference lists)."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]

    def holds(self, span: Span) -> bool:
        i = bisect.bisect_right(self.starts, span.start) - 1
        return any(0 <= k < len(self.spans) and self.spans[k].overlaps(span) for k in (i, i + 1))


def _not_a_claim(words: str, first: bool, heading: bool) -> str | None:
    """Why a sentence is evidently not a claim (title, byline, menu, ...), or None."""
    stripped = words.strip()
    if first:
        return "title"
    if _COMMENT_FORM.match(stripped):
        return "comment-form"
    if _BYLINE.match(stripped):
        return "byline"
    if _NAVIGATION.search(stripped) and len(stripped) < 200:
        return "navigation"
    if _DISCLAIMER.search(stripped):
        return "disclaimer"
    if heading:
        return "question-heading" if stripped.endswith("?") else "title"
    return None


def _paragraph_context(text: str, sentences: list[Span]) -> tuple[set[Span], set[Span]]:
    """Sentences in a paragraph (block of lines) that sells something, or that testifies."""
    selling: set[Span] = set()
    testifying: set[Span] = set()
    i = 0
    for p in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        inside = []
        while i < len(sentences) and sentences[i].start < p.end():
            if sentences[i].start >= p.start():
                inside.append(sentences[i])
            i += 1
        words = [text[s.start:s.end] for s in inside]
        if any(is_strongly_commercial(w) for w in words):
            selling.update(inside)
        if any(is_testimonial(w) for w in words):
            testifying.update(inside)
    return selling, testifying


def statement(text: str, sentence: Span, cited: list[InText]) -> str:
    """The sentence in its own words with citation markers removed (a draft of the claim)."""
    cuts = sorted((_with_brackets(text, c.span) for c in cited if c.kind in ("numeric", "author-year")
                   or (c.kind == "link" and c.marker.startswith("http"))), key=lambda s: s.start)
    parts, at = [], sentence.start
    for cut in cuts:
        if cut.start >= at and cut.end <= sentence.end:
            parts.append(text[at:cut.start])
            at = cut.end
    parts.append(text[at:sentence.end])
    statement = " ".join("".join(parts).split())
    statement = re.sub(r"\s+([.,;:!?])", r"\1", statement).strip()
    return statement or " ".join(text[sentence.start:sentence.end].split())


def _with_brackets(text: str, span: Span) -> Span:
    """A link's address with the brackets and the space it was written in: " (https://...)"."""
    if text[span.start - 1:span.start] != "(" or text[span.end:span.end + 1] != ")":
        return span
    return Span(span.start - 1 - (text[span.start - 2:span.start - 1] == " "), span.end + 1)
