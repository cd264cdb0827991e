"""Load ``data/`` into a validated :class:`Corpus`, or report every problem in it.

Two independent passes, so one mistake never hides another:

1. each file is parsed (line-aware YAML) and checked against its schema model;
2. the corpus checks (references, duplicate ids, quotes against the archived texts) run on
   the raw parsed data, using every id that is present even in a record that failed step 1.

Each problem is an :class:`~lbpgraph.core.errors.Issue` naming file, line and record. Only when
there is none is the :class:`Corpus` assembled from the validated models.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core import vocab
from . import schema
from ..core.errors import InvalidInput, Issue
from ..core.files import Unreadable, is_hidden, read_regular
from ..core.runtime import gc_paused
from ..core.text import ArticleText, Span, normalise
from .yamlio import Document, YamlProblem, loads

ARTICLES_DIR = "articles"
ANNOTATIONS_DIR = "annotations"

# Section name in a file -> the word used for a record of it in messages.
_RECORD_WORDS = {
    "claims": "claim", "appearances": "appearance", "speakers": "speaker", "sources": "source",
    "cites": "citation", "citations": "citation", "not_claims": "not-a-claim",
    "consulted": "consulted", "commercial_interest": "offer", "assessments": "assessment",
    "contraindications": "contraindication", **{k: k.rstrip("s") for k in schema.CONCEPT_KINDS},
}


@dataclass
class Article:
    """One article: its annotation, archived text and located spans."""

    id: str
    annotation: schema.ArticleFile
    text: ArticleText
    text_file: str  # relative to the data folder
    annotation_file: str
    sha256: str
    size: int
    appearance_spans: dict[str, Span] = field(default_factory=dict)
    not_claim_spans: list[Span] = field(default_factory=list)


@dataclass
class Corpus:
    """Everything under ``data/``, validated and cross-referenced."""

    root: Path
    articles: dict[str, Article]
    claims: dict[str, schema.Claim]
    claim_files: dict[str, str]  # claim id -> file that defines it
    sources: dict[str, schema.Source]
    concepts: dict[str, dict[str, schema.Concept]]  # kind -> id -> concept
    assessments: list[schema.Assessment]
    shared_files: list[str]


def file_record(file: str) -> str:
    """Record name used for problems that belong to a whole file."""
    stem = Path(file).stem
    return f"article {stem}" if file.startswith(ANNOTATIONS_DIR + "/") else stem


def _record_name(data: Any, path: tuple[Any, ...]) -> str | None:
    """'appearance discs citation #1': the records enclosing ``path``, innermost id first."""
    name = None
    node, section = data, None
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            section, node = step, node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            if not isinstance(node, dict):
                break
            word = _RECORD_WORDS.get(str(section), str(section))
            if isinstance(node.get("id"), str):
                name = f"{word} {node['id']}"
            else:
                name = f"{name} {word} #{step + 1}" if name else f"{word} #{step + 1}"
        else:
            break
    return name


class _Checker:
    """Collects issues; knows each file's raw data and line map."""

    def __init__(self, root: Path, overlay: Mapping[str, bytes], parsed: Mapping[str, Any] | None = None) -> None:
        self.root = root
        self.overlay = overlay  # relative path -> content read instead of the file
        self.parsed = parsed or {}  # relative path -> the data its overlay content holds, already parsed
        self.issues: list[Issue] = []
        self.docs: dict[str, Document] = {}
        self.models: dict[str, BaseModel] = {}

    def add(self, file: str, path: tuple[Any, ...], message: str) -> None:
        doc = self.docs.get(file)
        line = doc.line(path) if doc else 1
        record = _record_name(doc.data if doc else None, path) or file_record(file)
        self.issues.append(Issue(file, line, record, message))

    def add_file(self, file: str, message: str, line: int = 1) -> None:
        self.issues.append(Issue(file, line, file_record(file), message))

    def exists(self, rel: str) -> bool:
        """Whether anything (even a dangling link) is at ``rel``."""
        return rel in self.overlay or os.path.lexists(self.root / rel)

    def read(self, rel: str) -> bytes:
        """The bytes of ``rel``: the overlay's, else the regular file's (see :func:`read_regular`)."""
        found = self.overlay.get(rel)
        return found if found is not None else read_regular(self.root / rel)

    # --- pass 1: YAML and schema ---------------------------------------------------------

    def parse(self, rel: str, model: type[BaseModel]) -> None:
        if rel in self.parsed:
            self._validate(rel, Document(self.parsed[rel]), model)
            return
        try:
            data = self.read(rel)
            raw = data.decode("utf-8")
        except Unreadable as exc:
            self.add_file(rel, f"{rel} {exc}")
            return
        except UnicodeDecodeError as exc:
            self.add_file(rel, f"not UTF-8 text ({exc.reason} at byte {exc.start})", data.count(b"\n", 0, exc.start) + 1)
            return
        try:
            doc = loads(raw)
        except YamlProblem as exc:
            self.add_file(rel, str(exc), exc.line)
            return
        self._validate(rel, doc, model)

    def _validate(self, rel: str, doc: Document, model: type[BaseModel]) -> None:
        doc.data = {} if doc.data is None else doc.data
        self.docs[rel] = doc
        if not isinstance(doc.data, dict):
            self.add(rel, (), "the file must hold a mapping of keys")
            doc.data = {}
            return
        try:
            self.models[rel] = model.model_validate(doc.data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                loc, kind = tuple(err["loc"]), err["type"]
                if kind == "extra_forbidden":
                    self.add(rel, loc, f"unknown key '{loc[-1]}'")
                elif kind == "missing":
                    self.add(rel, loc[:-1], f"missing field '{loc[-1]}'")
                else:
                    where = ".".join(str(p) for p in loc if isinstance(p, str))
                    self.add(rel, loc, f"{where}: {err['msg']}" if where else err["msg"])

    # --- raw access ----------------------------------------------------------------------

    def records(self, file: str, *path: Any) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
        """(path, record) for every mapping in the list at ``path`` of ``file``."""
        node: Any = self.docs[file].data if file in self.docs else None
        for step in path:
            if isinstance(node, dict) and isinstance(step, str):
                node = node.get(step)
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
            else:
                node = None
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, dict):
                    yield (*path, i), item


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def _texts(record: dict[str, Any], key: str) -> Iterator[tuple[int, str]]:
    values = record.get(key)
    if isinstance(values, list):
        for i, value in enumerate(values):
            if isinstance(value, str):
                yield i, value


@dataclass
class _Ids:
    """Every id present in the raw data, so a record with a schema error causes no cascade."""

    concepts: dict[str, dict[str, tuple[str, tuple[Any, ...]]]] = field(default_factory=dict)
    sources: dict[str, tuple[str, tuple[Any, ...]]] = field(default_factory=dict)
    claims: dict[str, tuple[str, tuple[Any, ...]]] = field(default_factory=dict)
    curator_added: set[str] = field(default_factory=set)  # sources marked curator_added: true

    def concept_kind(self, concept_id: str) -> str | None:
        return next((k for k, ids in self.concepts.items() if concept_id in ids), None)


def _register(c: _Checker, seen: dict[str, tuple[str, tuple[Any, ...]]], file: str, path: tuple[Any, ...],
              rec: dict[str, Any], word: str, where: bool = False) -> str | None:
    """Record ``rec``'s id in ``seen``, reporting it if it is already there."""
    rid = _text(rec, "id")
    if rid is None:
        return None
    if rid in seen:
        first, first_path = seen[rid]
        doc = c.docs.get(first)
        at = f"{first}:{doc.line((*first_path, 'id'))}" if doc and first_path else first
        also = f" (also defined in {at})" if where else ""
        c.add(file, (*path, "id"), f"duplicate {word} id '{rid}'{also}")
    else:
        seen[rid] = (file, path)
    return rid


@gc_paused()  # reading makes a large tree of lasting objects that holds no cycle
def load_corpus(root: Path | str, overlay: Mapping[str, bytes] | None = None,
                parsed: Mapping[str, Any] | None = None) -> Corpus:
    """Read and validate ``root`` (a data folder); raise :class:`InvalidInput` on any problem.

    ``overlay`` maps paths relative to ``root`` (``annotations/x.yaml``, ``articles/x.txt``) to
    contents read instead of the files there, if any: so ingest validates what it would write
    before writing it. ``parsed`` gives, for an overlay's YAML file, the data it holds (what
    :func:`~lbpgraph.model.yamlio.dumps` wrote it from), so that a long draft is not parsed again."""
    root = Path(root)
    if not root.is_dir():
        raise InvalidInput([Issue("", 1, "data", f"data folder {root} not found")])
    c = _Checker(root, overlay or {}, parsed)
    shared_files = []
    for name, model in schema.SHARED_FILES.items():
        if c.exists(name):
            c.parse(name, model)
            shared_files.append(name)
        elif name in ("bibliography.yaml", "concepts.yaml"):
            c.add_file(name, "required file is missing")
    for extra in sorted(p.name for p in root.glob("*.yaml") if not is_hidden(p.name)):
        if extra not in schema.SHARED_FILES:
            c.add_file(extra, f"unknown file; expected {', '.join(schema.SHARED_FILES)}")
    article_files: dict[str, str] = {}
    names = {p.name for p in (root / ANNOTATIONS_DIR).glob("*.yaml")}
    names.update(Path(rel).name for rel in c.overlay if Path(rel).parent.as_posix() == ANNOTATIONS_DIR)
    for name in sorted(n for n in names if n.endswith(".yaml") and not is_hidden(n)):
        rel, stem = f"{ANNOTATIONS_DIR}/{name}", name.removesuffix(".yaml")
        if not vocab.ID_PATTERN.fullmatch(stem):
            c.add_file(rel, "bad article id in file name (lower-case letters, digits, '-' or '_')")
            continue
        c.parse(rel, schema.ArticleFile)
        article_files[stem] = rel
    if not article_files:
        c.add_file(ANNOTATIONS_DIR, "no article annotations found")

    ids = _collect_ids(c, article_files)
    _check_concepts(c, ids)
    _check_claims(c, ids, ["claims.yaml", *article_files.values()])
    _check_sources(c, ids, ["bibliography.yaml", *article_files.values()])
    located = {aid: _check_article(c, ids, aid, rel) for aid, rel in article_files.items()}
    _check_assessments(c, ids)
    if c.issues:
        raise InvalidInput(sorted(set(c.issues)), str(root))
    return _assemble(c, root, shared_files, article_files, located)


def _collect_ids(c: _Checker, article_files: dict[str, str]) -> _Ids:
    ids = _Ids()
    every_concept: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for kind in schema.CONCEPT_KINDS:
        ids.concepts[kind] = {}
        for path, rec in c.records("concepts.yaml", kind):
            known = len(every_concept)
            cid = _register(c, every_concept, "concepts.yaml", path, rec, "concept")
            if cid is not None and len(every_concept) > known:
                ids.concepts[kind][cid] = every_concept[cid]
    _register_files(c, ids, ["bibliography.yaml", *article_files.values()], ["claims.yaml", *article_files.values()])
    return ids


def _register_files(c: _Checker, ids: _Ids, source_files: list[str], claim_files: list[str]) -> None:
    """Register the sources and claims the files define (a duplicate is reported)."""
    for file in source_files:
        for path, rec in c.records(file, "sources"):
            sid = _register(c, ids.sources, file, path, rec, "source", where=True)
            if sid is not None and rec.get("curator_added") is True:
                ids.curator_added.add(sid)
    for file in claim_files:
        for path, rec in c.records(file, "claims"):
            _register(c, ids.claims, file, path, rec, "claim", where=True)


def _ref(c: _Checker, ids: _Ids, file: str, path: tuple[Any, ...], value: str | None, kind: str) -> None:
    """Report a reference to a concept of ``kind`` that does not exist."""
    if value is None or value in ids.concepts.get(kind, {}):
        return
    other = ids.concept_kind(value)
    hint = f" (it is one of the {other})" if other else ""
    c.add(file, path, f"unknown {kind.rstrip('s')} '{value}'{hint}")


def _check_concepts(c: _Checker, ids: _Ids) -> None:
    for kind in schema.CONCEPT_KINDS:
        broader: dict[str, list[str]] = {}
        for path, rec in c.records("concepts.yaml", kind):
            for j, b in _texts(rec, "broader"):
                _ref(c, ids, "concepts.yaml", (*path, "broader", j), b, kind)
            for key in ("acts_on", "affects"):
                for j, s in _texts(rec, key):
                    _ref(c, ids, "concepts.yaml", (*path, key, j), s, "structures")
            if _text(rec, "id"):
                broader[rec["id"]] = [b for _, b in _texts(rec, "broader")]
        for path, rec in c.records("concepts.yaml", kind):
            cid = _text(rec, "id")
            if cid and _reaches(broader, cid, cid):
                c.add("concepts.yaml", (*path, "broader"), f"'{cid}' is broader than itself (cycle)")
    _check_labels(c)


def _check_labels(c: _Checker) -> None:
    """An other name (alt or hidden label) names one concept only: "back walking" (the massage)
    can never be a synonym of backward walking."""
    def folded(label: str) -> str:
        return " ".join(label.casefold().split())
    names: dict[str, set[str]] = {}  # a preferred or alternative label, folded -> the concepts it names
    records = [(path, rec) for kind in schema.CONCEPT_KINDS for path, rec in c.records("concepts.yaml", kind)]
    for _, rec in records:
        for label in [_text(rec, "label") or "", *(x for _, x in _texts(rec, "alt_labels"))]:
            names.setdefault(folded(label), set()).add(_text(rec, "id") or "")
    for path, rec in records:
        for key in ("alt_labels", "hidden_labels"):
            for j, label in _texts(rec, key):
                others = sorted(names.get(folded(label), set()) - {_text(rec, "id")})
                if others:
                    c.add("concepts.yaml", (*path, key, j), f"'{label}' also names concept '{others[0]}'")


def _reaches(graph: dict[str, list[str]], start: str, target: str) -> bool:
    stack, seen = list(graph.get(start, [])), set()
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, []))
    return False


def _check_claims(c: _Checker, ids: _Ids, files: list[str]) -> None:
    for file in files:
        for path, rec in c.records(file, "claims"):
            for j, x in _texts(rec, "interventions"):
                _ref(c, ids, file, (*path, "interventions", j), x, "interventions")
            _ref(c, ids, file, (*path, "outcome"), _text(rec, "outcome"), "outcomes")
            _ref(c, ids, file, (*path, "population"), _text(rec, "population"), "populations")
            for j, x in _texts(rec, "mechanisms"):
                _ref(c, ids, file, (*path, "mechanisms", j), x, "mechanisms")
            for j, x in _texts(rec, "conditions"):
                _ref(c, ids, file, (*path, "conditions", j), x, "conditions")
            for cpath, ci in c.records(file, *path, "contraindications"):
                _ref(c, ids, file, (*cpath, "intervention"), _text(ci, "intervention"), "interventions")
                _ref(c, ids, file, (*cpath, "condition"), _text(ci, "condition"), "conditions")


def _check_sources(c: _Checker, ids: _Ids, files: list[str]) -> None:
    for file, path, rec in ((f, p, r) for f in files for p, r in c.records(f, "sources")):
        _ref(c, ids, file, (*path, "population"), _text(rec, "population"), "populations")
        for j, x in _texts(rec, "interventions"):
            _ref(c, ids, file, (*path, "interventions", j), x, "interventions")
        for j, x in _texts(rec, "outcomes"):
            _ref(c, ids, file, (*path, "outcomes", j), x, "outcomes")
        if rec.get("kind") == "unidentified" and (rec.get("title") or rec.get("peer_reviewed") != "unknown"):
            c.add(file, (*path, "kind"), "an unidentified source has no title and peer_reviewed: unknown")
        for cpath, cite in c.records(file, *path, "cites"):
            target = _text(cite, "source")
            if target is not None and target not in ids.sources:
                c.add(file, (*cpath, "source"), f"cites unknown source '{target}'")
            elif target is not None and target == rec.get("id"):
                c.add(file, (*cpath, "source"), "a source cannot cite itself")
            for k, claim_id in _texts(cite, "claims"):
                if claim_id not in ids.claims:
                    c.add(file, (*cpath, "claims", k), f"unknown claim '{claim_id}'")


def _check_article(c: _Checker, ids: _Ids, article_id: str, rel: str) -> tuple[ArticleText, bytes, dict[str, Span], list[Span]] | None:
    doc = c.docs.get(rel)
    data = doc.data if doc else {}
    text_name = _text(data, "text")
    text = raw = None
    if text_name is not None:
        if "/" in text_name or "\\" in text_name or text_name.startswith("."):
            c.add(rel, ("text",), f"text must be a file name in {ARTICLES_DIR}/, not a path")
        elif any(ch < " " or ch == "\x7f" for ch in text_name):
            c.add(rel, ("text",), "text must be a file name without control characters (NUL, newline, ...)")
        else:
            try:
                raw = c.read(f"{ARTICLES_DIR}/{text_name}")
                text = ArticleText(raw.decode("utf-8"))
            except Unreadable as exc:
                c.add(rel, ("text",), f"archived text {ARTICLES_DIR}/{text_name} {exc}")
            except UnicodeDecodeError as exc:
                c.add(rel, ("text",), f"{ARTICLES_DIR}/{text_name} is not UTF-8 ({exc.reason} at byte {exc.start})")
    text_file = f"{ARTICLES_DIR}/{text_name}"

    speakers: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for path, sp in c.records(rel, "speakers"):
        _register(c, speakers, rel, path, sp, "speaker")
    offers: dict[str, tuple[str, tuple[Any, ...]]] = {}
    offer_records = list(c.records(rel, "commercial_interest"))
    for path, _ in c.records(rel, "speakers"):
        offer_records += list(c.records(rel, *path, "commercial_interest"))
    for path, offer in offer_records:
        _register(c, offers, rel, path, offer, "offer")
        for j, x in _texts(offer, "interventions"):
            _ref(c, ids, rel, (*path, "interventions", j), x, "interventions")

    spans: dict[str, Span] = {}
    appearances: dict[str, tuple[str, tuple[Any, ...]]] = {}
    quotes = [q for part in ("appearances", "not_claims") for _, r in c.records(rel, part) if (q := _text(r, "quote"))]
    found = text.find_all(quotes) if text is not None else {}  # one pass over the text for every quote
    for path, app in c.records(rel, "appearances"):
        aid = _register(c, appearances, rel, path, app, "appearance")
        claim = _text(app, "claim")
        if claim is not None and claim not in ids.claims:
            c.add(rel, (*path, "claim"), f"unknown claim '{claim}'")
        speaker = _text(app, "speaker")
        if speaker is not None and speaker not in speakers:
            c.add(rel, (*path, "speaker"), f"unknown speaker '{speaker}'")
        span = _locate(c, rel, path, text, text_file, app, found)
        if span is not None and aid is not None:
            spans[aid] = span
        for cpath, cite in c.records(rel, *path, "citations"):
            _check_citation(c, ids, rel, cpath, cite, draft=data.get("draft") is True)
    not_claims = [_locate(c, rel, path, text, text_file, nc, found) for path, nc in c.records(rel, "not_claims")]
    for path, consulted in c.records(rel, "consulted"):
        source = _text(consulted, "source")
        if source is not None and source not in ids.sources:
            c.add(rel, (*path, "source"), f"unknown source '{source}'")
    _check_original(c, rel, data)
    _check_review(c, ids, article_id, rel, data, text, appearances)
    if text is None or raw is None:
        return None
    return text, raw, spans, [s for s in not_claims if s is not None]


def _check_original(c: _Checker, rel: str, data: dict[str, Any]) -> None:
    """The page an article was extracted from, kept beside its text, must be there."""
    name = _text(data, "original")
    if name is None:
        return
    if "/" in name or "\\" in name or name.startswith(".") or any(ch < " " or ch == "\x7f" for ch in name):
        c.add(rel, ("original",), f"original must be a file name in {ARTICLES_DIR}/, not a path")
        return
    try:
        c.read(f"{ARTICLES_DIR}/{name}")
    except Unreadable as exc:
        c.add(rel, ("original",), f"original page {ARTICLES_DIR}/{name} {exc}")


def _check_review(c: _Checker, ids: _Ids, article_id: str, rel: str, data: dict[str, Any],
                  text: ArticleText | None, appearances: dict[str, Any]) -> None:
    """What a draft leaves to review points at real things, and only a draft may leave anything."""
    review = data.get("review")
    if not isinstance(review, dict):
        return
    left = 0
    for path, item in c.records(rel, "review", "sentences"):
        left += 1
        start, end, quote = item.get("start"), item.get("end"), _text(item, "quote")
        if text is None or not (isinstance(start, int) and isinstance(end, int)) or quote is None:
            continue
        if not 0 <= start < end <= len(text.text):
            c.add(rel, path, f"offsets {start}-{end} lie outside the archived text ({len(text.text)} characters)")
        elif normalise(text.text[start:end]) != normalise(quote):
            c.add(rel, (*path, "quote"), f"the archived text at {start}-{end} is not this quote")
    for path, item in c.records(rel, "review", "claims"):
        left += 1
        claim = _text(item, "claim")
        if claim is not None and claim not in ids.claims:
            c.add(rel, (*path, "claim"), f"unknown claim '{claim}'")
        for spath, suggested in c.records(rel, *path, "suggested"):
            other = _text(suggested, "claim")
            if other is not None and other not in ids.claims:
                c.add(rel, (*spath, "claim"), f"unknown claim '{other}'")
    for path, item in c.records(rel, "review", "citations"):
        left += 1
        appearance, source = _text(item, "appearance"), _text(item, "source")
        if appearance is not None and appearance not in appearances:
            c.add(rel, (*path, "appearance"), f"unknown appearance '{appearance}'")
        if source is not None and source not in ids.sources:
            c.add(rel, (*path, "source"), f"unknown source '{source}'")
    if left and data.get("draft") is not True:
        c.add(rel, ("review",), f"not a draft, but {left} item{'s' if left > 1 else ''} left to review "
              f"(lbpgraph review {article_id} lists them): review them, or keep 'draft: true'")


def _check_citation(c: _Checker, ids: _Ids, rel: str, path: tuple[Any, ...], cite: dict[str, Any],
                    draft: bool = False) -> None:
    mode = cite.get("mode", "in-text-marker")
    if mode == "consulted":
        c.add(rel, (*path, "mode"), "mode 'consulted' belongs in the article's consulted list")
    source = _text(cite, "source")
    if source is None:
        if "source" not in cite and mode not in vocab.VAGUE_MODES:
            c.add(rel, path, "missing field 'source' (only a vague or named-venue attribution may name no work)")
        return
    if source not in ids.sources:
        c.add(rel, (*path, "source"), f"unknown source '{source}'")
        return
    if source in ids.curator_added and not draft:
        c.add(rel, (*path, "source"),
              f"source '{source}' is curator-added evidence; an article citing it makes it a cited source "
              "(set curator_added: false in the bibliography)")


def _locate(c: _Checker, rel: str, path: tuple[Any, ...], text: ArticleText | None, text_file: str,
            record: dict[str, Any], found: dict[str, list[Span]] | None = None) -> Span | None:
    quote = _text(record, "quote")
    if text is None or quote is None:
        return None
    occurrence = record.get("occurrence", 1)
    if not isinstance(occurrence, int) or occurrence < 1:
        return None
    spans = found[quote] if found is not None and quote in found else text.find(quote)
    if not spans:
        short = quote if len(quote) <= 60 else quote[:57] + "..."
        c.add(rel, (*path, "quote"), f"quote not found in {text_file}: {short!r}")
        return None
    if len(spans) > 1 and "occurrence" not in record:
        c.add(rel, (*path, "quote"),
              f"quote occurs {len(spans)} times in {text_file}; add 'occurrence: 1..{len(spans)}'")
        return None
    if occurrence > len(spans):
        c.add(rel, (*path, "occurrence"), f"occurrence {occurrence} but the quote occurs {len(spans)} time(s)")
        return None
    return spans[occurrence - 1]


def _check_assessments(c: _Checker, ids: _Ids) -> None:
    for path, a in c.records("context.yaml", "assessments"):
        claim, source = _text(a, "claim"), _text(a, "source")
        if claim is not None and claim not in ids.claims:
            c.add("context.yaml", (*path, "claim"), f"unknown claim '{claim}'")
        if source is not None and source not in ids.sources:  # curator-added, or cited by an article too
            c.add("context.yaml", (*path, "source"), f"unknown source '{source}'")


def _assemble(c: _Checker, root: Path, shared_files: list[str], article_files: dict[str, str],
              located: dict[str, Any]) -> Corpus:
    """Build the Corpus from validated models; called only when there was no issue."""
    def model(name: str, default: BaseModel) -> Any:
        return c.models.get(name, default)
    concepts_file = model("concepts.yaml", schema.ConceptsFile())
    concepts = {kind: {x.id: x for x in getattr(concepts_file, kind)} for kind in schema.CONCEPT_KINDS}
    sources = {s.id: s for s in model("bibliography.yaml", schema.BibliographyFile()).sources}
    for rel in article_files.values():
        sources.update({s.id: s for s in c.models[rel].sources})
    claims: dict[str, schema.Claim] = {}
    claim_files: dict[str, str] = {}
    for file in ["claims.yaml", *article_files.values()]:
        default = schema.ClaimsFile() if file == "claims.yaml" else None
        for claim in getattr(c.models.get(file, default), "claims", []):
            claims[claim.id] = claim
            claim_files[claim.id] = file
    articles = _articles(c, article_files, located)
    assessments = list(model("context.yaml", schema.ContextFile()).assessments)
    return Corpus(root, articles, claims, claim_files, sources, concepts, assessments, shared_files)


def _articles(c: _Checker, article_files: dict[str, str], located: dict[str, Any]) -> dict[str, Article]:
    articles = {}
    for article_id, rel in article_files.items():
        text, raw, spans, not_claim_spans = located[article_id]
        annotation = c.models[rel]
        articles[article_id] = Article(article_id, annotation, text, f"{ARTICLES_DIR}/{annotation.text}", rel,
                                       hashlib.sha256(raw).hexdigest(), len(raw), spans, not_claim_spans)
    return articles


# --- validating one changed article against the rest -------------------------------------------
#
# A build that changes a few articles validates only those files, against a summary of every
# other file: what it defines (claims, sources, concepts) and what it refers to. The summaries of
# a valid corpus (:func:`summarise`) are kept with its build. :func:`load_changed` answers only
# when the changed files and the references of every other file all hold; on any problem it
# answers None, and the caller validates the whole corpus, whose report is the one a full build
# gives.

Summary = dict[str, Any]  # JSON: "claims", "sources", "curator_added", "concepts", "refers" {...}, "texts"


def summarise(corpus: Corpus) -> dict[str, Summary]:
    """Per file of a valid corpus: the ids it defines and the ids it refers to."""
    local = {s.id for a in corpus.articles.values() for s in a.annotation.sources}
    summaries: dict[str, Summary] = {name: _summary() for name in corpus.shared_files}
    bibliography = summaries.setdefault("bibliography.yaml", _summary())
    _add_sources(bibliography, [s for s in corpus.sources.values() if s.id not in local])
    for claim_id, file in corpus.claim_files.items():
        if file == "claims.yaml":
            summaries.setdefault(file, _summary())["claims"].append(claim_id)
    concepts = summaries.setdefault("concepts.yaml", _summary())
    concepts["concepts"] = {cid: kind for kind, ids in corpus.concepts.items() for cid in ids}
    context = summaries.setdefault("context.yaml", _summary())
    for a in corpus.assessments:
        context["refers"]["claims"].append(a.claim)
        context["refers"]["sources"].append(a.source)
    summaries.update(summarise_articles(corpus.articles))
    for summary in summaries.values():
        for key, values in summary["refers"].items():
            summary["refers"][key] = sorted(set(values))
    return summaries


def summarise_articles(articles: dict[str, Article]) -> dict[str, Summary]:
    """:func:`summarise` for some articles only (their annotation files)."""
    return {a.annotation_file: _article_summary(a.annotation) for a in articles.values()}


def _summary() -> Summary:
    return {"claims": [], "sources": [], "curator_added": [], "concepts": {}, "texts": [],
            "refers": {"claims": [], "sources": [], "not_curator_added": []}}


def _add_sources(summary: Summary, sources: list[schema.Source]) -> None:
    refers = summary["refers"]
    for s in sources:
        summary["sources"].append(s.id)
        if s.curator_added:
            summary["curator_added"].append(s.id)
        for cite in s.cites:
            refers["sources"].append(cite.source)
            refers["claims"].extend(cite.claims)


def _article_summary(a: schema.ArticleFile) -> Summary:
    summary = _summary()
    _article_refers(summary, a)
    for key, values in summary["refers"].items():
        summary["refers"][key] = sorted(set(values))
    return summary


def _article_refers(summary: Summary, a: schema.ArticleFile) -> None:
    refers = summary["refers"]
    summary["claims"] = [claim.id for claim in a.claims]
    summary["texts"] = [name for name in (a.text, a.original) if name]
    _add_sources(summary, a.sources)
    for app in a.appearances:
        refers["claims"].append(app.claim)
        for cite in app.citations:
            if cite.source is not None:
                refers["sources"].append(cite.source)
                if not a.draft:
                    refers["not_curator_added"].append(cite.source)
    refers["sources"].extend(c.source for c in a.consulted)
    for left in a.review.claims:
        refers["claims"].extend([left.claim, *(s.claim for s in left.suggested)])
    refers["sources"].extend(left.source for left in a.review.citations if left.source is not None)


def load_changed(root: Path | str, changed: list[str], removed: list[str],
                 summaries: dict[str, Summary]) -> dict[str, Article] | None:
    """The articles of the annotation files ``changed`` (relative paths that exist now),
    validated against the ``summaries`` of every file that is neither changed nor ``removed``
    (taken as they are); None when anything does not hold, or when only a validation of the
    whole corpus can say (:func:`load_corpus` then gives the report)."""
    root = Path(root)
    c = _Checker(root, {})
    stems = {rel: Path(rel).name.removesuffix(".yaml") for rel in changed}
    if not all(vocab.ID_PATTERN.fullmatch(stem) and rel == f"{ANNOTATIONS_DIR}/{stem}.yaml"
               for rel, stem in stems.items()):
        return None
    for rel in changed:
        c.parse(rel, schema.ArticleFile)
    others = {rel: s for rel, s in summaries.items() if rel not in stems and rel not in removed}
    if not any(rel.startswith(ANNOTATIONS_DIR + "/") for rel in [*others, *changed]):
        return None  # "no article annotations found"
    if c.issues or not (others.keys() & {"bibliography.yaml", "concepts.yaml"}):
        return None
    ids = _known_ids(others)
    _register_files(c, ids, changed, changed)
    _check_claims(c, ids, changed)
    _check_sources(c, ids, changed)
    located = {stem: _check_article(c, ids, stem, rel) for rel, stem in stems.items()}
    if c.issues or not _references_hold(others, ids):
        return None
    return _articles(c, {stem: rel for rel, stem in stems.items()}, located)


def _known_ids(summaries: dict[str, Summary]) -> _Ids:
    """The ids the summarised files define, as :func:`_collect_ids` registers them."""
    ids = _Ids()
    ids.concepts = {kind: {} for kind in schema.CONCEPT_KINDS}
    for file, summary in summaries.items():
        for cid, kind in summary["concepts"].items():
            ids.concepts[kind][cid] = (file, ())
        ids.sources.update((sid, (file, ())) for sid in summary["sources"])
        ids.claims.update((cid, (file, ())) for cid in summary["claims"])
        ids.curator_added.update(summary["curator_added"])
    return ids


def _references_hold(summaries: dict[str, Summary], ids: _Ids) -> bool:
    """Whether every summarised file's references still hold once the changed files are in
    ``ids``: a changed file may have removed a claim or source they use, or changed whether it is
    curator-added. (A changed file that defines what another defines was reported when it was
    registered.)"""
    for s in summaries.values():
        refers = s["refers"]
        if not (set(refers["claims"]) <= ids.claims.keys() and set(refers["sources"]) <= ids.sources.keys()):
            return False
        if ids.curator_added & set(refers["not_curator_added"]):
            return False
    return True
