"""The draft annotation of an analysed article, and what is left to review in it.

:func:`draft_annotation` turns an :class:`~.analyse.Analysis` into an annotation in the project's
own format, marked ``draft: true``: it validates, is drawn and traced, but never counts toward a
verdict. Every drafted sentence is an appearance of a new claim (its statement the sentence with
the markers removed, its kind a guess); every citation is ``fidelity: unverified``; every work
the bibliography does not hold is an unverified record local to the article. ``review`` lists
what is left: every sentence not drafted, every drafted claim with the existing claims it may
be, every citation with the evidence for the work it names. :func:`to_yaml` writes it with the
one YAML writer, :func:`lbpgraph.model.yamlio.dumps`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core.text import ArticleText, Span
from ..model import schema
from ..model.yamlio import dumps
from .analyse import Analysis, statement
from .citations import InText, cited_keys
from .matching import CURATOR_ADDED
from .reading import slug
from .references import Reference
from .speakers import Byline, Speaker, byline, without_title

Records = list[dict[str, Any]]
NOTE = ("Draft written by lbpgraph ingest. `lbpgraph review ID` lists what is left: every sentence not yet reviewed "
        "(make it an appearance or a not-a-claim), every drafted claim (statement, kind, interventions, outcome; "
        "merge it into a suggested claim where it is one) and every citation (which work, fidelity, stance). "
        "Remove each item from `review` once done, then 'draft: true'.")


def draft_annotation(analysis: Analysis, article_id: str, text_file: str, sources: dict[str, schema.Source],
                     meta: Meta | None = None) -> dict[str, Any]:
    """The draft annotation (plain data in the annotation schema) of an analysed article."""
    meta = meta or Meta()
    text = analysis.text
    source_of, local = _sources_of(analysis, sources)
    claims, appearances, left_claims, left_citations = _draft_appearances(analysis, article_id, source_of)
    cited = cited_keys(analysis.citations)
    consulted = [{"source": source_of[r.key], **({"marker": str(r.number)} if r.number is not None else {}),
                  "as_printed": r.text} for r in analysis.references if r.key not in cited]
    left_citations += [{"source": source_of[r.key], **({"marker": str(r.number)} if r.number is not None else {}),
                        "match": _why(analysis, r.key)} for r in analysis.references if r.key not in cited]
    left_citations = [_flag_curator_added(c, sources) for c in left_citations]
    left_sentences = [{"start": s.start, "end": s.end, "quote": text[s.start:s.end],
                       **({"suggest": reason} if reason else {})} for s, reason in analysis.left]
    printed = byline(text)  # what a plain text's byline says, where the page's data says nothing
    draft = _about(analysis, text_file, meta, printed)
    name = meta.author or printed.name
    author = {"name": name} if name else {"name": "the article's author", "anonymous": True}
    if not meta.author and printed.name and printed.credentials:
        author["credentials"] = printed.credentials
    draft["speakers"] = [{"id": "author", **author, "role": "author"}, *_others(analysis)]  # the unnamed stay unnamed
    draft.update({"claims": claims, "appearances": appearances})
    if consulted:
        draft["consulted"] = consulted
    if local:
        draft["sources"] = [s.model_dump(exclude_defaults=True) for s in local]
    draft["review"] = {"sentences": left_sentences, "claims": left_claims, "citations": left_citations}
    draft["note"] = NOTE
    return draft


def _sources_of(analysis: Analysis, sources: dict[str, schema.Source]) -> tuple[dict[str, str], list[schema.Source]]:
    """Entry key -> source id (the bibliography's work, or a new record's), and the new records."""
    ids = _FreshIds(sources)
    source_of: dict[str, str] = {}
    local: list[schema.Source] = []
    for ref in analysis.references:
        matched = analysis.source_of(ref.key)
        if matched:
            source_of[ref.key] = matched
        else:
            new = _new_source(ref, ids)
            local.append(new)
            source_of[ref.key] = new.id
    return source_of, local


def _about(analysis: Analysis, text_file: str, meta: Meta, printed: Byline) -> dict[str, Any]:
    """The draft's first keys: its text and page, title, kind, and where and when it was read."""
    text = analysis.text
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
    date = meta.date or printed.date
    if date and re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        draft["published"] = date
    if meta.site:
        draft["publisher"] = meta.site
    return draft


def speaker_id(speaker: Speaker) -> str:
    """The draft's id of a speaker: ``author``; ``commenter`` for an unnamed reader, else the
    reader's name as an id (``commenter-linda-m``); a quoted person's name without their title
    (``helen-marsh``)."""
    if speaker.role == "author":
        return "author"
    if speaker.role == "commenter":
        return f"commenter-{slug(speaker.name)}" if speaker.name else "commenter"
    quoted = slug(without_title(speaker.name or "quoted"))
    return f"quoted-{quoted}" if quoted == "author" or quoted.startswith("commenter") else quoted


def _others(analysis: Analysis) -> list[dict[str, Any]]:
    """The readers and the quoted people who speak in drafted sentences, in the order they first do."""
    others: dict[str, dict[str, Any]] = {}
    for d in analysis.drafted:
        if d.speaker.role != "author" and (sid := speaker_id(d.speaker)) not in others:
            named = {"name": d.speaker.name} if d.speaker.name else \
                {"name": "a reader commenting under the article", "anonymous": True}
            others[sid] = {"id": sid, **named, "role": d.speaker.role}
    return list(others.values())


def _draft_appearances(analysis: Analysis, article_id: str,
                       source_of: dict[str, str]) -> tuple[Records, Records, Records, Records]:
    """Claims and appearances of the drafted sentences, and the claims and citations left to review."""
    text = analysis.text
    by_key = {r.key: r for r in analysis.references}
    by_sentence: dict[Span, list[InText]] = {}
    for c in analysis.citations:
        by_sentence.setdefault(c.sentence, []).append(c)
    anecdotes = set(analysis.cues["anecdote"])
    occurrence = _occurrences(text, [(d.span, text[d.span.start:d.span.end]) for d in analysis.drafted])
    claims: Records = []
    appearances: Records = []
    left_claims: Records = []
    left_citations: Records = []
    for n, d in enumerate(analysis.drafted, 1):
        s = d.span
        cited = by_sentence.get(s, [])
        claim_id = f"{article_id}-draft-{n}"
        claims.append({"id": claim_id, "statement": statement(text, s, cited), "kind": d.kind})
        left_claims.append({"claim": claim_id, "kind": d.kind,
                            **({"suggested": [{"claim": c, "score": sc} for c, sc in d.suggested]}
                               if d.suggested else {})})
        citations, notes = _draft_citations(cited, source_of, by_key, analysis)
        appearance: dict[str, Any] = {"id": f"s{n}", "claim": claim_id, "quote": text[s.start:s.end]}
        if s in occurrence:
            appearance["occurrence"] = occurrence[s]
        appearance.update({"speaker": speaker_id(d.speaker), "hedging": d.hedging})
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
    return claims, appearances, left_claims, left_citations


def _flag_curator_added(citation: dict[str, Any], sources: dict[str, schema.Source]) -> dict[str, Any]:
    """A citation left for review that names curator-added evidence says so, however it was found
    (a vague attribution's one candidate too): such a match is never silent."""
    record = sources.get(citation.get("source") or "")
    if record is None or not record.curator_added or CURATOR_ADDED in citation["match"]:
        return citation
    return {**citation, "match": citation["match"] + CURATOR_ADDED}


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


class _FreshIds:
    """Ids no source has: ``base``, else ``base-2``, ``base-3``, ...; each base goes on from the last
    it gave (what was taken stays taken), so that thousands of entries naming no author take linear time."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken: set[str] = set(taken)
        self.last: dict[str, int] = {}

    def fresh(self, base: str) -> str:
        n = self.last.get(base, 1)
        found = base if n == 1 else f"{base}-{n}"
        while found in self.taken:
            n += 1
            found = f"{base}-{n}"
        self.last[base] = n
        self.taken.add(found)
        return found


def _new_source(ref: Reference, ids: _FreshIds) -> schema.Source:
    source_id = ids.fresh(slug(f"{ref.surname or 'work'}{ref.year or ''}").replace("-", ""))
    return schema.Source(
        id=source_id, kind="journal-article", authors=[a for a in ref.authors if a.strip()],
        year=ref.year if ref.year and 1500 <= ref.year <= 2100 else None, title=ref.title, venue=ref.venue,
        volume=ref.volume, issue=ref.issue, pages=ref.pages,
        doi=ref.doi if ref.doi and schema.DOI_PATTERN.fullmatch(ref.doi) else None,
        pmid=ref.pmid if ref.pmid and re.fullmatch(r"[1-9][0-9]{0,8}", ref.pmid) else None,
        pmcid=ref.pmcid, peer_reviewed="unknown", verification="unverified",
        note=f"Parsed by lbpgraph ingest from {_where(ref)}; not yet checked.")


def _where(ref: Reference) -> str:
    """Where an entry came from: the article's reference list, or a link (whose address the record
    keeps, having no field for it)."""
    if ref.url and not ref.authors and not ref.title:
        return f"a link in the article to {ref.url}"
    return "the article's reference list"


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
