"""Draft the annotation of a new article from its text.

:func:`analyse` finds the reference lists, the in-text citations and the cue sentences of an
article, and matches each reference to the existing bibliography (the same work gets the same
source id). :func:`draft_annotation` turns the analysis into an annotation in the project's own
format, marked ``draft: true``: it validates, is drawn and traced, but never counts toward a
verdict until a reviewer removes the mark. Every citation is ``fidelity: unverified`` and every
new work an unverified record local to the article.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import schema
from .citations import InText, find_citations, is_heading
from ..model.corpus import ANNOTATIONS_DIR, ARTICLES_DIR, Corpus, load_corpus
from .cues import (hedging, is_anecdote, is_claim_like, is_commercial, is_strongly_commercial,
                   is_testimonial)
from ..core.errors import InvalidInput, LbpgraphError, UsageError
from ..core.files import Unreadable, atomic_write_all, read_regular
from .references import Reference, ReferenceList, find_reference_lists
from ..core.text import ArticleText, Span
from ..model.yamlio import YamlProblem, dumps, loads

CUE_CATEGORIES = ("anecdote", "commercial", "vague-attribution", "unsupported", "hedged")


class IngestError(LbpgraphError):
    """An article could not be ingested (unreadable or empty)."""

    exit_code = 3


def read_article(path: Path, encoding: str | None = None) -> str:
    """The article's text: UTF-8 unless another encoding is declared; never empty."""
    data = path.read_bytes()
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


def slug(text: str) -> str:
    """A valid lbpgraph id from any text."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "article"


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, slug(a), slug(b)).ratio()


def _surname(author: str) -> str:
    m = re.match(r"[A-Za-z'’\-]+", author)
    return m.group(0) if m else author


def match_reference(ref: Reference, sources: dict[str, schema.Source]) -> str | None:
    """The bibliography id of the work ``ref`` describes: DOI, else first author and year (a typo
    in the surname is forgiven), title breaking ties."""
    if ref.doi:
        for s in sources.values():
            if s.doi and s.doi.lower() == ref.doi.lower():
                return s.id
    if not (ref.surname and ref.year):
        return None
    candidates = [s for s in sources.values() if s.year == ref.year and s.authors
                  and _similar(_surname(s.authors[0]), ref.surname) >= 0.8]
    if len(candidates) > 1 and ref.title:
        scored = sorted(((_similar(s.title or "", ref.title), s.id) for s in candidates), reverse=True)
        return scored[0][1] if scored[0][0] >= 0.5 else None
    return candidates[0].id if len(candidates) == 1 else None


def match_venue(name: str, sources: dict[str, schema.Source]) -> str | None:
    """The one bibliography source published in the journal ``name`` names, if exactly one."""
    wanted = slug(re.sub(r"^the\s+", "", name, flags=re.I))
    hits = [s.id for s in sources.values() if s.venue and wanted in slug(s.venue)]
    return hits[0] if len(hits) == 1 else None


@dataclass
class Analysis:
    """References, citations and cues of one article, with matches to the bibliography."""

    text: ArticleText
    lists: list[ReferenceList]
    citations: list[InText]
    matches: dict[str, str | None]  # reference key -> bibliography id
    venue_matches: dict[int, str | None]  # start of a named-venue citation -> bibliography id
    cues: dict[str, list[Span]] = field(default_factory=dict)

    @property
    def references(self) -> list[Reference]:
        return [e for lst in self.lists for e in lst.entries]

    def sentence(self, span: Span) -> str:
        return self.text.text[span.start:span.end]

    def to_json(self) -> dict[str, Any]:
        """{"references": [...], "citations": [...], "cues": {...}}, sentences as they stand."""
        return {
            "references": [{"key": r.key, "authors": list(r.authors), "year": r.year, "title": r.title,
                            "venue": r.venue, "volume": r.volume, "issue": r.issue, "pages": r.pages, "doi": r.doi,
                            "source": self.matches.get(r.key), "as_printed": r.text} for r in self.references],
            "citations": [{"marker": c.marker, "kind": c.kind, "sentence": self.sentence(c.sentence),
                           "keys": list(c.keys), "dangling": list(c.dangling),
                           "source": self.venue_matches.get(c.span.start)} for c in self.citations],
            "cues": {k: [self.sentence(s) for s in self.cues.get(k, [])] for k in CUE_CATEGORIES},
        }


def analyse(text: str, sources: dict[str, schema.Source] | None = None) -> Analysis:
    """Analyse an article's text against the bibliography ``sources``."""
    sources = sources or {}
    article = ArticleText(text)
    sentences = article.sentences()
    lists = find_reference_lists(text)
    excluded = [lst.span for lst in lists]
    references = [e for lst in lists for e in lst.entries]
    citations = find_citations(text, sentences, references, excluded)
    matches = {r.key: match_reference(r, sources) for r in references}
    venues = {c.span.start: match_venue(c.marker, sources) for c in citations if c.kind == "named-venue"}
    cues: dict[str, list[Span]] = {k: [] for k in CUE_CATEGORIES}
    cited = {c.sentence for c in citations}
    vague = {c.sentence for c in citations if c.kind in ("vague", "named-venue")}
    selling, testifying = _paragraph_context(text, sentences)
    for s in sentences:
        if any(s.overlaps(x) for x in excluded):
            continue
        words = text[s.start:s.end]
        claim_like = is_claim_like(words)
        anecdote = is_anecdote(words) or (s in testifying and claim_like)
        if anecdote:
            cues["anecdote"].append(s)
        if is_commercial(words) or (s in selling and (claim_like or anecdote)):
            cues["commercial"].append(s)
        if s in vague:
            cues["vague-attribution"].append(s)
        if claim_like and not is_heading(words):
            if hedging(words) == "hedged":
                cues["hedged"].append(s)
            if s not in cited and not anecdote:
                cues["unsupported"].append(s)
    return Analysis(article, lists, citations, matches, venues, cues)


def _paragraph_context(text: str, sentences: list[Span]) -> tuple[set[Span], set[Span]]:
    """Sentences in a paragraph (block of lines) that sells something, or that testifies."""
    selling: set[Span] = set()
    testifying: set[Span] = set()
    paragraphs = [Span(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text)]
    for p in paragraphs:
        inside = [s for s in sentences if p.start <= s.start < p.end]
        words = [text[s.start:s.end] for s in inside]
        if any(is_strongly_commercial(w) for w in words):
            selling.update(inside)
        if any(is_testimonial(w) for w in words):
            testifying.update(inside)
    return selling, testifying


# --- the draft ------------------------------------------------------------------------------

def _new_source(ref: Reference, taken: set[str]) -> schema.Source:
    base = slug(f"{ref.surname or 'work'}{ref.year or ''}").replace("-", "")
    source_id, n = base, 1
    while source_id in taken:
        n += 1
        source_id = f"{base}-{n}"
    taken.add(source_id)
    return schema.Source(id=source_id, kind="journal-article", authors=list(ref.authors), year=ref.year,
                         title=ref.title, venue=ref.venue, volume=ref.volume, issue=ref.issue, pages=ref.pages,
                         doi=ref.doi if ref.doi and schema.DOI_PATTERN.fullmatch(ref.doi) else None,
                         peer_reviewed="unknown", verification="unverified",
                         note="Parsed by lbpgraph ingest from the article's reference list; not yet checked.")


def draft_annotation(analysis: Analysis, article_id: str, text_file: str,
                     sources: dict[str, schema.Source]) -> dict[str, Any]:
    """The draft annotation (plain data in the annotation schema) of an analysed article."""
    text = analysis.text.text
    source_of, local = _sources_of(analysis, sources)
    claims, appearances, not_claims = _draft_sentences(analysis, article_id, source_of)
    cited_keys = {k for c in analysis.citations for k in c.keys}
    consulted = [{"source": source_of[r.key], **({"marker": str(r.number)} if r.number is not None else {}),
                  "as_printed": r.text} for r in analysis.references if r.key not in cited_keys]
    for lst in analysis.lists:
        not_claims.append({**_quote(analysis.text, lst.span), "reason": "reference-list"})
    first_line = next((s for s in analysis.text.sentences()), None)
    title = " ".join(text[first_line.start:first_line.end].split()) if first_line else "untitled"
    draft: dict[str, Any] = {
        "draft": True, "text": text_file, "title": title, "kind": "health-info",
        "speakers": [{"id": "author", "name": "the article's author", "role": "author"}],
        "claims": claims, "appearances": appearances}
    if consulted:
        draft["consulted"] = consulted
    if not_claims:
        draft["not_claims"] = not_claims
    if local:
        draft["sources"] = [s.model_dump(exclude_defaults=True) for s in local]
    draft["note"] = ("Draft written by lbpgraph ingest. Review every claim (statement, kind, interventions, "
                     "outcome), citation (fidelity, stance) and cue, then remove 'draft: true'.")
    return draft


def _sources_of(analysis: Analysis, sources: dict[str, schema.Source]) -> tuple[dict[str, str], list[schema.Source]]:
    """Reference key -> source id (the bibliography's, or a new record's), and the new records."""
    taken = set(sources)
    source_of: dict[str, str] = {}
    local: list[schema.Source] = []
    for ref in analysis.references:
        if analysis.matches.get(ref.key):
            source_of[ref.key] = analysis.matches[ref.key]  # type: ignore[assignment]
        else:
            new = _new_source(ref, taken)
            local.append(new)
            source_of[ref.key] = new.id
    return source_of, local


Records = list[dict[str, Any]]


def _draft_sentences(analysis: Analysis, article_id: str, source_of: dict[str, str]) -> tuple[Records, Records, Records]:
    """Claims, appearances and not-a-claim spans: a sentence that cites, tells an anecdote or
    sounds like a claim becomes a draft claim; titles, headings and advertising are not claims."""
    text = analysis.text.text
    by_sentence: dict[Span, list[InText]] = {}
    for c in analysis.citations:
        by_sentence.setdefault(c.sentence, []).append(c)
    anecdotes, commercial = set(analysis.cues["anecdote"]), set(analysis.cues["commercial"])
    excluded = [lst.span for lst in analysis.lists]
    claims: Records = []
    appearances: Records = []
    not_claims: Records = []
    first_line = next((s for s in analysis.text.sentences()), None)
    for s in analysis.text.sentences():
        words = text[s.start:s.end]
        quote = _quote(analysis.text, s)
        if any(s.overlaps(x) for x in excluded):
            continue
        if s == first_line or is_heading(words):
            not_claims.append({**quote, "reason": "title" if s == first_line else
                               ("question-heading" if words.rstrip().endswith("?") else "title")})
            continue
        cited = by_sentence.get(s, [])
        if not (cited or s in anecdotes or is_claim_like(words)):
            if s in commercial:
                not_claims.append({**quote, "reason": "advertising"})
            continue
        n = len(claims) + 1
        claims.append({"id": f"{article_id}-draft-{n}", "statement": " ".join(words.split()), "kind": "other"})
        citations, notes = _draft_citations(analysis, cited, source_of)
        appearance = {"id": f"s{n}", "claim": f"{article_id}-draft-{n}", **quote, "speaker": "author",
                      "hedging": hedging(words)}
        if s in anecdotes:
            appearance["appeal"] = ["anecdote"]
        if citations:
            appearance["citations"] = citations
        if notes:
            appearance["note"] = "; ".join(notes)
        appearances.append(appearance)
    return claims, appearances, not_claims


def _draft_citations(analysis: Analysis, cited: list[InText], source_of: dict[str, str]) -> tuple[Records, list[str]]:
    """The draft citations of one sentence, every one unverified, and notes on markers that
    point to no listed reference."""
    by_key = {r.key: r for r in analysis.references}
    citations: Records = []
    notes: list[str] = []
    for c in cited:
        if c.kind in ("numeric", "author-year", "narrative"):
            for key in c.keys:
                citations.append({"source": source_of[key], "mode": "in-text-marker", "marker": c.marker,
                                  "as_printed": by_key[key].text, "fidelity": "unverified"})
            if c.dangling:
                notes.append(f"{c.marker} points to no listed reference ({', '.join(c.dangling)})")
        elif c.kind == "named-venue":
            venue_source = analysis.venue_matches.get(c.span.start)
            citations.append({**({"source": venue_source, "confidence": "moderate"} if venue_source else {}),
                              "mode": "named-venue", "marker": c.marker, "fidelity": "unverified"})
        else:
            citations.append({"mode": "vague", "marker": c.marker, "fidelity": "unverified"})
    return citations, notes


def _quote(article: ArticleText, span: Span) -> dict[str, Any]:
    """``{"quote": ...}`` of the text at ``span``, with its ``occurrence`` when it is printed more
    than once (a repeated heading, a reference list printed twice)."""
    words = article.text[span.start:span.end]
    found = article.find(words)
    if len(found) < 2:
        return {"quote": words}
    return {"quote": words, "occurrence": next((i for i, f in enumerate(found, 1) if f.start == span.start), 1)}


def to_yaml(draft: dict[str, Any]) -> str:
    """The draft as YAML in the style of the curated annotations; it reads back unchanged (a
    title such as "1e3", "yes" or "null" stays a string)."""
    header = "# Draft annotation written by `lbpgraph ingest`: review it, then remove `draft: true`.\n"
    return header + dumps(draft)


@dataclass(frozen=True)
class Ingested:
    """What ingesting one file did."""

    article_id: str
    text_path: Path
    annotation_path: Path | None
    analysis: Analysis


def ingest_files(data_dir: Path, paths: Iterable[Path], article_id: str | None = None, out: Path | None = None,
                 encoding: str | None = None, force: bool = False, write_draft: bool = True) -> list[Ingested]:
    """Archive each text under ``data_dir/articles`` and write its draft annotation: all or nothing.

    A draft goes to ``data_dir/annotations/<id>.yaml`` (or ``out``, for one article). An existing
    draft, or a text only drafts use, is replaced only with ``force``; a reviewed annotation (no
    ``draft: true``) or its text never is (:class:`~lbpgraph.core.errors.UsageError`). Nothing is
    written unless the corpus with every new file passes the validation ``build --check`` runs
    (:class:`~lbpgraph.core.errors.InvalidInput`); then every file is written at once.
    """
    corpus = load_corpus(data_dir)
    sources = dict(corpus.sources)
    files: dict[str, bytes] = {}  # path relative to data_dir -> content, as the corpus will read it
    writes: dict[Path, bytes] = {}  # where each is written (a draft may go to ``out``)
    results = []
    for path in paths:
        aid = slug(article_id or path.stem)
        text = read_article(path, encoding)
        data = text.encode("utf-8")
        text_rel = f"{ARTICLES_DIR}/{aid}.txt"
        if text_rel in files:
            raise UsageError(f"{path}: another article given is also '{aid}'; ingest it on its own with --id")
        target = (out or data_dir / ANNOTATIONS_DIR / f"{aid}.yaml") if write_draft else None
        if target is not None:
            _check_draft(target, force)
        _check_text(data_dir / text_rel, data, corpus, force)
        analysis = analyse(text, sources)
        files[text_rel] = writes[data_dir / text_rel] = data
        if target is not None:
            draft = draft_annotation(analysis, aid, f"{aid}.txt", sources)
            sources.update((s["id"], schema.Source.model_validate(s)) for s in draft.get("sources", []))
            files[f"{ANNOTATIONS_DIR}/{aid}.yaml"] = writes[target] = to_yaml(draft).encode("utf-8")
        results.append(Ingested(aid, data_dir / text_rel, target, analysis))
    try:
        load_corpus(data_dir, files)
    except InvalidInput as exc:
        exc.hint = f"these are problems of what ingest would have written ({', '.join(files)})"
        raise
    atomic_write_all(writes)
    return results


def _check_text(archived: Path, data: bytes, corpus: Corpus, force: bool) -> None:
    """Refuse to replace an archived text, unless ``force`` is given and no reviewed annotation uses it."""
    if not os.path.lexists(archived):
        return
    try:
        if read_regular(archived) == data:
            return
    except Unreadable as exc:
        raise UsageError(f"{archived} {exc}; give another --id") from None
    if not force:
        raise UsageError(f"{archived} already holds a different text; give another --id "
                         "(or --force to replace a draft's text)")
    reviewed = sorted(a.annotation_file for a in corpus.articles.values()
                      if a.annotation.text == archived.name and not a.annotation.draft)
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
