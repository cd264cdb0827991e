"""Draft the annotation of a new article from a text file or a saved web page.

:func:`read_input` reads plain text, or extracts the main text and metadata of a web page
(:mod:`lbpgraph.webpage`). :func:`analyse` finds the reference entries by their shape
(:mod:`lbpgraph.references`), the in-text citations (:mod:`lbpgraph.citations`), matches each
entry to the bibliography on evidence (:mod:`lbpgraph.matching`), marks cue sentences
(:mod:`lbpgraph.cues`) and decides, for every sentence, whether it is drafted as an appearance
(with a guessed kind and suggested existing claims, :mod:`lbpgraph.claimlinks`) or left for review.
Nothing is dropped: every sentence is one or the other.

:func:`draft_annotation` turns the analysis into an annotation marked ``draft: true`` whose
``review`` lists what is left (sentences, drafted claims with suggested links, citations with
the evidence of their match); validation refuses to un-draft it while anything is left.
:func:`ingest_files` writes texts, originals and drafts all at once, after validation, or
nothing; :func:`analyse_files` (``--format json``) writes nothing at all.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .citations import InText, find_citations, first_line_end, heading_line, is_heading
from .corpus import ANNOTATIONS_DIR, ARTICLES_DIR, Corpus, load_corpus
from .cues import (claim_kind, hedging, is_anecdote, is_claim_like, is_commercial, is_safety, is_strongly_commercial,
                   is_testimonial)
from .errors import InvalidInput, LbpgraphError, UsageError
from .files import Unreadable, read_regular
from .matching import Match, Matcher, author_candidates, venue_candidates
from .references import Reference, ReferenceList, find_reference_lists
from .text import ArticleText, Span, sentence_spans
from .yamlio import YamlProblem, dumps, loads

CUE_CATEGORIES = ("anecdote", "commercial", "vague-attribution", "unsupported", "hedged")
_BYLINE = re.compile(r"^(?:by\s|posted\s|published\b|updated\b|reviewed\s+by|medically\s+reviewed|written\s+by|"
                     r"last\s+(?:reviewed|updated)|next\s+review|reply\s+from|asked\s+by|answer\s+from|"
                     r"\d{1,2}\s+[A-Z][a-z]+\s+\d{4}$|[A-Z][a-z]+\s+\d{1,2},?\s+\d{4}$|\d{1,2}\s+[A-Z][a-z]{2,8}$)", re.I)
_NAVIGATION = re.compile(r"(?:\s[|›»·]\s.*){2,}|^(?:home|menu|skip to|log ?in|sign in|search|share|tweet|print)\b", re.I)
_DISCLAIMER = re.compile(r"\b(?:disclaimer|not (?:intended as |a substitute for )?medical advice|for (?:general )?"
                         r"information (?:purposes )?only|does not replace|not a diagnosis|all rights reserved|©)", re.I)
_COMMENT_FORM = re.compile(r"^(?:leave a (?:reply|comment)|\d+\s+(?:comments?|responses?|replies)\b|reply$|"
                           r"you are commenting|fill in your details|connecting to)", re.I)


class IngestError(LbpgraphError):
    """An article could not be ingested (unreadable, empty, or a page without text)."""

    exit_code = 3


# --- input ----------------------------------------------------------------------------------

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


def read_article(path: Path, encoding: str | None = None) -> str:
    """The article's text: UTF-8 unless another encoding is declared; never empty."""
    return _decode(path, _read(path), encoding)


def _read(path: Path) -> bytes:
    try:
        return read_regular(path)
    except Unreadable as exc:
        raise IngestError(f"{path} {exc}") from None


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 (byte {exc.start}); declare the encoding with --encoding, "
                          "for example --encoding cp1252") from None
    except LookupError:
        raise IngestError(f"unknown encoding {encoding!r}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise IngestError(f"{path}: the file is empty")
    return text


def read_input(path: Path, encoding: str | None = None, url: str | None = None) -> Input:
    """Plain text as it is; a web page (by its name or its first bytes) through the extractor."""
    from .webpage import extract, looks_like_html
    data = _read(path)
    if not looks_like_html(path.name, data):
        return Input(path, _decode(path, data, encoding))
    html: str | bytes = _decode(path, data, encoding) if encoding else data
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    page = extract(html, url)
    if not page.text.strip():
        raise IngestError(f"{path}: no article text found in the page")
    return Input(path, page.text, data, page.title, page.author, page.site, page.date, page.url)


def slug(text: str) -> str:
    """A valid lbpgraph id from any text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "article"


# --- analysis -------------------------------------------------------------------------------

class _Bibliography:
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
                             "kind": d.kind, "hedging": d.hedging,
                             "suggested": [{"claim": c, "score": s} for c, s in d.suggested]} for d in self.drafted],
            "unreviewed": [{"start": s.start, "end": s.end, "suggest": reason} for s, reason in self.left],
        }


def _match_json(m: Match) -> dict[str, Any]:
    return {"by": m.by, "score": m.score, "evidence": list(m.evidence), "conflicts": list(m.conflicts),
            "curator_added": m.curator_added, "candidates": [{"source": s, "score": sc} for s, sc in m.candidates],
            "summary": m.summary()}


def analyse(text: str, sources: dict[str, schema.Source] | None = None, claims: Any = None) -> Analysis:
    """Analyse an article's text against the bibliography ``sources`` and the existing ``claims``
    (a :class:`~lbpgraph.claimlinks.ClaimIndex`, for suggested links)."""
    sources = sources or {}
    sentences = sentence_spans(text)
    lists = find_reference_lists(text)
    excluded = [lst.span for lst in lists]
    references = [e for lst in lists for e in lst.entries]
    matcher = Matcher(sources)
    matches = {r.key: matcher.match(r) for r in references}
    known = [ReferenceList(lst.heading, tuple(_as_known(e, matches[e.key], sources) for e in lst.entries))
             for lst in lists]
    citations = find_citations(text, sentences, known, _Bibliography(sources))
    cues: dict[str, list[Span]] = {k: [] for k in CUE_CATEGORIES}
    by_sentence: dict[Span, list[InText]] = {}
    for c in citations:
        by_sentence.setdefault(c.sentence, []).append(c)
    selling, testifying = _paragraph_context(text, sentences)
    in_list = _Membership(excluded)
    drafted: list[Drafted] = []
    left: list[tuple[Span, str | None]] = [(lst.span, "reference-list") for lst in lists]
    first_line = first_line_end(text)
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
        if claim_like and not heading:
            if hedging(words) == "hedged":
                cues["hedged"].append(s)
            if not cited and not anecdote:
                cues["unsupported"].append(s)
        if reason is None and (cited or claim_like or safety or anecdote):
            suggested = claims.suggest(_statement(text, s, cited)) if claims is not None else []
            drafted.append(Drafted(s, claim_kind(words), hedging(words), suggested))
        else:
            left.append((s, reason or ("advertising" if commercial else None)))
    left.sort(key=lambda x: x[0].start)
    return Analysis(text, sentences, lists, citations, matches, cues, drafted, left)


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


def _statement(text: str, sentence: Span, cited: list[InText]) -> str:
    """The sentence in its own words with citation markers removed (a draft of the claim)."""
    cuts = sorted((c.span for c in cited if c.kind in ("numeric", "author-year")), key=lambda s: s.start)
    parts, at = [], sentence.start
    for cut in cuts:
        if cut.start >= at and cut.end <= sentence.end:
            parts.append(text[at:cut.start])
            at = cut.end
    parts.append(text[at:sentence.end])
    statement = " ".join("".join(parts).split())
    statement = re.sub(r"\s+([.,;:!?])", r"\1", statement).strip()
    return statement or " ".join(text[sentence.start:sentence.end].split())


# --- the draft ------------------------------------------------------------------------------

def _new_source(ref: Reference, taken: set[str]) -> schema.Source:
    base = slug(f"{ref.surname or 'work'}{ref.year or ''}").replace("-", "")
    source_id, n = base, 1
    while source_id in taken:
        n += 1
        source_id = f"{base}-{n}"
    taken.add(source_id)
    return schema.Source(
        id=source_id, kind="journal-article", authors=[a for a in ref.authors if a.strip()],
        year=ref.year if ref.year and 1500 <= ref.year <= 2100 else None, title=ref.title, venue=ref.venue,
        volume=ref.volume, issue=ref.issue, pages=ref.pages,
        doi=ref.doi if ref.doi and schema._DOI.fullmatch(ref.doi) else None,
        pmid=ref.pmid if ref.pmid and re.fullmatch(r"[1-9][0-9]{0,8}", ref.pmid) else None,
        pmcid=ref.pmcid, peer_reviewed="unknown", verification="unverified",
        note="Parsed by lbpgraph ingest from the article's reference list; not yet checked.")


def _occurrences(text: str, quotes: list[tuple[Span, str]]) -> dict[Span, int]:
    """For each quoted span, its occurrence (1-based) when its words are printed more than once."""
    found = ArticleText(text).find_all(q for _, q in quotes)
    out = {}
    for span, quote in quotes:
        spans = found.get(quote, [])
        if len(spans) > 1:
            out[span] = next((i for i, f in enumerate(spans, 1) if f.start == span.start), 1)
    return out


@dataclass(frozen=True)
class Meta:
    """What the caller and the page say about an article: where and when it was read, and by whom."""

    title: str | None = None
    author: str | None = None
    site: str | None = None
    date: str | None = None
    url: str | None = None
    accessed: str | None = None
    original: str | None = None  # file name of the page as saved, beside the text


def draft_annotation(analysis: Analysis, article_id: str, text_file: str, sources: dict[str, schema.Source],
                     meta: Meta | None = None) -> dict[str, Any]:
    """The draft annotation (plain data in the annotation schema) of an analysed article."""
    meta = meta or Meta()
    text = analysis.text
    taken = set(sources)
    source_of: dict[str, str] = {}
    local: list[schema.Source] = []
    for ref in analysis.references:
        matched = analysis.source_of(ref.key)
        if matched:
            source_of[ref.key] = matched
        else:
            new = _new_source(ref, taken)
            local.append(new)
            source_of[ref.key] = new.id
    by_key = {r.key: r for r in analysis.references}
    by_sentence: dict[Span, list[InText]] = {}
    for c in analysis.citations:
        by_sentence.setdefault(c.sentence, []).append(c)
    anecdotes = set(analysis.cues["anecdote"])
    quotes = [(d.span, text[d.span.start:d.span.end]) for d in analysis.drafted]
    occurrence = _occurrences(text, quotes)
    claims, appearances = [], []
    left_claims: list[dict[str, Any]] = []
    left_citations: list[dict[str, Any]] = []
    for n, d in enumerate(analysis.drafted, 1):
        s = d.span
        words = text[s.start:s.end]
        cited = by_sentence.get(s, [])
        claim_id = f"{article_id}-draft-{n}"
        claims.append({"id": claim_id, "statement": _statement(text, s, cited), "kind": d.kind})
        left_claims.append({"claim": claim_id, "kind": d.kind,
                            **({"suggested": [{"claim": c, "score": sc} for c, sc in d.suggested]}
                               if d.suggested else {})})
        citations, notes = _draft_citations(cited, source_of, by_key, analysis)
        appearance: dict[str, Any] = {"id": f"s{n}", "claim": claim_id, "quote": words}
        if s in occurrence:
            appearance["occurrence"] = occurrence[s]
        appearance.update({"speaker": "author", "hedging": d.hedging})
        if s in anecdotes:
            appearance["appeal"] = ["anecdote"]
        if citations:
            appearance["citations"] = [c for c, _ in citations]
            left_citations += [{"appearance": f"s{n}", **({"source": c["source"]} if c.get("source") else {}),
                                **({"marker": c["marker"]} if c.get("marker") else {}), "match": why}
                               for c, why in citations]
        if notes:
            appearance["note"] = "; ".join(notes)
        appearances.append(appearance)
    cited_keys = {k for c in analysis.citations for k in c.keys}
    consulted = [{"source": source_of[r.key], **({"marker": str(r.number)} if r.number is not None else {}),
                  "as_printed": r.text} for r in analysis.references if r.key not in cited_keys]
    left_citations += [{"source": source_of[r.key], **({"marker": str(r.number)} if r.number is not None else {}),
                        "match": _why(analysis, r.key)} for r in analysis.references if r.key not in cited_keys]
    left_sentences = [{"start": s.start, "end": s.end, "quote": text[s.start:s.end],
                       **({"suggest": reason} if reason else {})} for s, reason in analysis.left]
    first = next((s for s, reason in analysis.left if reason == "title"), None)
    title = meta.title or (" ".join(text[first.start:first.end].split()) if first else None) or "untitled"
    draft: dict[str, Any] = {"draft": True, "text": text_file}
    if meta.original:
        draft["original"] = meta.original
    draft.update({"title": title, "kind": _article_kind(analysis)})
    if meta.url:
        draft["url"] = meta.url
    if meta.accessed:
        draft["accessed"] = meta.accessed
    if meta.date and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", meta.date):
        draft["published"] = meta.date
    if meta.site:
        draft["publisher"] = meta.site
    draft["speakers"] = [{"id": "author", "name": meta.author or "the article's author", "role": "author"}]
    draft.update({"claims": claims, "appearances": appearances})
    if consulted:
        draft["consulted"] = consulted
    if local:
        draft["sources"] = [s.model_dump(exclude_defaults=True) for s in local]
    draft["review"] = {"sentences": left_sentences, "claims": left_claims, "citations": left_citations}
    draft["note"] = ("Draft written by lbpgraph ingest. `lbpgraph review ID` lists what is left: every sentence "
                     "not yet reviewed (make it an appearance or a not-a-claim), every drafted claim (statement, "
                     "kind, interventions, outcome; merge it into a suggested claim where it is one) and every "
                     "citation (which work, fidelity, stance). Remove each item from `review` once done, then "
                     "'draft: true'.")
    return draft


def _why(analysis: Analysis, key: str) -> str:
    m = analysis.matches.get(key)
    return m.summary() if m else "no bibliography work matches"


def _draft_citations(cited: list[InText], source_of: dict[str, str], by_key: dict[str, Reference],
                     analysis: Analysis) -> tuple[list[tuple[dict[str, Any], str]], list[str]]:
    """Citations of one appearance, each with the evidence for the work it names, and notes."""
    out: list[tuple[dict[str, Any], str]] = []
    notes: list[str] = []
    seen: set[tuple[str | None, str]] = set()

    def add(citation: dict[str, Any], why: str) -> None:
        key = (citation.get("source"), citation["mode"])
        if key not in seen:
            seen.add(key)
            out.append((citation, why))

    for c in cited:
        mode = {"named-venue": "named-venue", "vague": "vague"}.get(c.kind, "in-text-marker")
        for key in c.keys:
            add({"source": source_of[key], "mode": mode, "marker": c.marker, "as_printed": by_key[key].text,
                 "fidelity": "unverified"}, _why(analysis, key))
        if c.keys:
            if c.dangling:
                notes.append(f"{c.marker} points to no listed reference ({', '.join(c.dangling)})")
            continue
        if c.kind == "numeric":
            notes.append(f"{c.marker} points to no listed reference ({', '.join(c.dangling)})")
            continue
        if len(c.candidates) == 1:
            add({"source": c.candidates[0], "mode": "named-venue" if c.kind == "named-venue" else "vague",
                 "marker": c.marker, "fidelity": "unverified", "confidence": "moderate"},
                f"not in the article's list; the one bibliography work that fits: {c.candidates[0]}")
        else:
            add({"mode": "named-venue" if c.kind == "named-venue" else "vague", "marker": c.marker,
                 "fidelity": "unverified"},
                "names no identifiable work" + (f"; candidates: {', '.join(c.candidates)}" if c.candidates else ""))
    return out, notes


def _article_kind(analysis: Analysis) -> str:
    """A first guess at the article's kind (the reviewer checks it)."""
    text = analysis.text
    commercial = len(analysis.cues["commercial"])
    if len(re.findall(r"(?m)^\s*(?:Q:|Question:)", text)) >= 2:
        return "qa-page"
    if commercial >= 3:
        product = re.search(r"\b(?:add to cart|shipping|order|buy|product|device|trainer)\b", text, re.I)
        return "product-marketing" if product else "clinic-marketing"
    if len(analysis.cues["anecdote"]) >= 3:
        return "personal-blog"
    return "health-info"


def to_yaml(draft: dict[str, Any]) -> str:
    """The draft as YAML in the style of the curated annotations; it reads back unchanged (a
    title such as "1e3", "yes" or "null" stays a string)."""
    header = ("# Draft annotation written by `lbpgraph ingest`: `lbpgraph review ID` lists what is left to review;\n"
              "# remove `draft: true` once `review` is empty.\n")
    return header + dumps(draft)


# --- reading, analysing, writing -------------------------------------------------------------

@dataclass(frozen=True)
class Ingested:
    """What ingesting one file did (or, for ``--format json``, would do)."""

    article_id: str
    source: Input
    text_path: Path
    annotation_path: Path | None
    analysis: Analysis

    def to_json(self) -> dict[str, Any]:
        """The analysis, naming the file it came from and what the page said about itself."""
        meta = {k: v for k, v in (("title", self.source.title), ("author", self.source.author),
                                  ("site", self.source.site), ("date", self.source.date), ("url", self.source.url))
                if v}
        return {"file": str(self.source.path), "id": self.article_id,
                "format": "html" if self.source.original is not None else "text", "meta": meta,
                **self.analysis.to_json()}


def analyse_files(data_dir: Path, paths: Iterable[Path], encoding: str | None = None, url: str | None = None,
                  article_id: str | None = None) -> list[Ingested]:
    """Analyse each article against ``data_dir``'s bibliography and claims; write nothing."""
    from .claimlinks import ClaimIndex
    corpus = load_corpus(data_dir)
    index = ClaimIndex.from_corpus(corpus)
    out = []
    for path in paths:
        source = read_input(path, encoding, url)
        aid = slug(article_id or path.stem)
        out.append(Ingested(aid, source, data_dir / ARTICLES_DIR / f"{aid}.txt", None,
                            analyse(source.text, corpus.sources, index)))
    return out


def ingest_file(data_dir: Path, path: Path, article_id: str | None = None, out: Path | None = None,
                encoding: str | None = None, force: bool = False, url: str | None = None,
                accessed: str | None = None) -> Ingested:
    """Ingest one article; see :func:`ingest_files`."""
    [result] = ingest_files(data_dir, [path], article_id, out, encoding, force, url, accessed)
    return result


def ingest_files(data_dir: Path, paths: Iterable[Path], article_id: str | None = None, out: Path | None = None,
                 encoding: str | None = None, force: bool = False, url: str | None = None,
                 accessed: str | None = None) -> list[Ingested]:
    """Archive each article under ``data_dir/articles`` and write its draft annotation: all or nothing.

    A text is archived as ``<id>.txt``; a web page as the text extracted from it, with the page
    itself beside it as ``<id>.html`` (the draft's ``original``). A draft goes to
    ``data_dir/annotations/<id>.yaml`` (or ``out``, for one article). An existing draft, or a text
    only drafts use, is replaced only with ``force``; a reviewed annotation (no ``draft: true``) or
    its text never is (:class:`~lbpgraph.errors.UsageError`). Nothing is written unless the corpus
    with every new file passes the validation ``build --check`` runs
    (:class:`~lbpgraph.errors.InvalidInput`); then every file is written at once.
    """
    from .claimlinks import ClaimIndex
    from .project import atomic_write_all
    corpus = load_corpus(data_dir)
    sources = dict(corpus.sources)
    index = ClaimIndex.from_corpus(corpus)
    files: dict[str, bytes] = {}  # path relative to data_dir -> content, as the corpus will read it
    drafts: dict[str, dict[str, Any]] = {}  # the data each draft's YAML holds
    writes: dict[Path, bytes] = {}  # where each is written (a draft may go to ``out``)
    results = []
    for path in paths:
        aid = slug(article_id or path.stem)
        source = read_input(path, encoding, url)
        data = source.text.encode("utf-8")
        text_rel = f"{ARTICLES_DIR}/{aid}.txt"
        if text_rel in files:
            raise UsageError(f"{path}: another article given is also '{aid}'; ingest it on its own with --id")
        target = out or data_dir / ANNOTATIONS_DIR / f"{aid}.yaml"
        _check_draft(target, force)
        _check_text(data_dir / text_rel, data, corpus, force)
        original_rel = None
        if source.original is not None:
            original_rel = f"{ARTICLES_DIR}/{aid}.html"
            _check_text(data_dir / original_rel, source.original, corpus, force, original=True)
            files[original_rel] = writes[data_dir / original_rel] = source.original
        analysis = analyse(source.text, sources, index)
        files[text_rel] = writes[data_dir / text_rel] = data
        meta = Meta(source.title, source.author, source.site, source.date, url or source.url, accessed,
                    f"{aid}.html" if original_rel else None)
        draft = draft_annotation(analysis, aid, f"{aid}.txt", sources, meta)
        if draft.get("url") and not _valid_url(draft["url"]):
            del draft["url"]  # a page's own canonical address that the graph cannot hold is left out
        sources.update((s["id"], schema.Source.model_validate(s)) for s in draft.get("sources", []))
        files[f"{ANNOTATIONS_DIR}/{aid}.yaml"] = writes[target] = to_yaml(draft).encode("utf-8")
        drafts[f"{ANNOTATIONS_DIR}/{aid}.yaml"] = draft
        results.append(Ingested(aid, source, data_dir / text_rel, target, analysis))
    try:
        load_corpus(data_dir, files, drafts)
    except InvalidInput as exc:
        exc.hint = f"these are problems of what ingest would have written ({', '.join(files)})"
        raise
    atomic_write_all(writes)
    return results


def _valid_url(url: str) -> bool:
    """Whether ``url`` is an address the annotation schema (and so the graph) accepts."""
    from pydantic import TypeAdapter, ValidationError
    try:
        TypeAdapter(schema.Url).validate_python(url, strict=True)
    except ValidationError:
        return False
    return True


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be an article's address, or None when it can."""
    return None if _valid_url(url) else f"{url!r} is not an http(s) address the graph can hold"


def _check_text(archived: Path, data: bytes, corpus: Corpus, force: bool, original: bool = False) -> None:
    """Refuse to replace an archived text (or page), unless ``force`` is given and no reviewed
    annotation uses it."""
    if not os.path.lexists(archived):
        return
    try:
        if read_regular(archived) == data:
            return
    except Unreadable as exc:
        raise UsageError(f"{archived} {exc}; give another --id") from None
    if not force:
        raise UsageError(f"{archived} already holds a different {'page' if original else 'text'}; give another "
                         "--id (or --force to replace a draft's text)")
    reviewed = sorted(a.annotation_file for a in corpus.articles.values()
                      if archived.name in (a.annotation.text, a.annotation.original) and not a.annotation.draft)
    if reviewed:
        raise UsageError(f"{archived} is the text of the reviewed annotation {reviewed[0]}; ingest never "
                         "replaces it, even with --force: give another --id")


def _check_draft(target: Path, force: bool) -> None:
    """Refuse to replace an annotation, unless it is a draft and ``force`` is given."""
    if not os.path.lexists(target):
        return
    if not _is_draft(target):
        raise UsageError(f"{target} is a reviewed annotation (no 'draft: true'); ingest never replaces one, "
                         "even with --force: give another --id")
    if not force:
        raise UsageError(f"{target} exists (a draft); give another --id, or --force to replace the draft")


def _is_draft(path: Path) -> bool:
    """Whether ``path`` holds an annotation marked ``draft: true`` (what cannot be read is not)."""
    try:
        data = loads(read_regular(path).decode("utf-8")).data
    except (Unreadable, UnicodeDecodeError, YamlProblem):
        return False
    return isinstance(data, dict) and data.get("draft") is True


__all__ = ["Analysis", "IngestError", "Ingested", "Input", "Meta", "analyse", "analyse_files", "draft_annotation",
           "ingest_file", "ingest_files", "read_article", "read_input", "slug", "to_yaml"]
