"""Load ``data/`` into a validated :class:`Corpus`, or report every problem in it.

Each problem is an :class:`Issue` naming file, line and the id of the record it is in. All
problems are collected before anything is raised, so a curator sees the full list at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import schema, vocab
from .errors import InvalidInput, Issue
from .text import ArticleText, Span
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

    def concept_kind(self, concept_id: str) -> str | None:
        for kind, items in self.concepts.items():
            if concept_id in items:
                return kind
        return None


class _Collector:
    """Collects issues; knows each file's line map and how to name the enclosing record."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.docs: dict[str, Document] = {}

    def add(self, file: str, path: tuple[Any, ...], message: str, record: str | None = None) -> None:
        doc = self.docs.get(file)
        line = doc.line(path) if doc else 1
        if record is None:
            record = _record_name(doc.data if doc else None, path) or file_record(file)
        self.issues.append(Issue(file, line, record, message))


def file_record(file: str) -> str:
    """Record name used for problems that belong to a whole file."""
    stem = Path(file).stem
    return f"article {stem}" if file.startswith(ANNOTATIONS_DIR + "/") else stem


def _record_name(data: Any, path: tuple[Any, ...]) -> str | None:
    """'appearance dufek-quote' for the innermost record on ``path`` that has an id."""
    best = None
    node = data
    section = None
    for step in path:
        if isinstance(node, dict):
            section = step if isinstance(step, str) else section
            node = node.get(step) if isinstance(step, str) else None
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            word = _RECORD_WORDS.get(str(section), str(section))
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                best = f"{word} {node['id']}"
            elif isinstance(node, dict) and isinstance(node.get("source"), str):
                best = f"{word} {node['source']}"
            else:
                best = f"{word} #{step + 1}"
        else:
            break
    return best


def _pydantic_issues(collector: _Collector, file: str, exc: ValidationError) -> None:
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            collector.add(file, loc, f"unknown key '{loc[-1]}'")
        elif kind == "missing":
            collector.add(file, loc[:-1], f"missing field '{loc[-1]}'")
        else:
            where = ".".join(str(p) for p in loc if isinstance(p, str))
            msg = err["msg"]
            collector.add(file, loc, f"{where}: {msg}" if where else msg)


def _parse(collector: _Collector, root: Path, rel: str, model: type[BaseModel]) -> Any:
    path = root / rel
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        collector.issues.append(Issue(rel, 1, file_record(rel), f"not UTF-8 text ({exc.reason})"))
        return None
    try:
        doc = loads(raw)
    except YamlProblem as exc:
        collector.issues.append(Issue(rel, exc.line, file_record(rel), str(exc)))
        return None
    collector.docs[rel] = doc
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        collector.add(rel, (), "the file must hold a mapping of keys")
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        _pydantic_issues(collector, rel, exc)
        return None


def load_corpus(root: Path | str) -> Corpus:
    """Read and validate ``root`` (a data folder); raise :class:`InvalidInput` on any problem."""
    root = Path(root)
    c = _Collector()
    if not root.is_dir():
        raise InvalidInput([Issue(str(root), 1, "data", "data folder not found")])

    shared: dict[str, Any] = {}
    shared_files = []
    for name, model in schema.SHARED_FILES.items():
        if (root / name).is_file():
            shared[name] = _parse(c, root, name, model)
            shared_files.append(name)
        elif name in ("bibliography.yaml", "concepts.yaml"):
            c.issues.append(Issue(name, 1, name.removesuffix(".yaml"), "required file is missing"))
    for extra in sorted(p.name for p in root.glob("*.yaml")):
        if extra not in schema.SHARED_FILES:
            c.issues.append(Issue(extra, 1, Path(extra).stem,
                                  f"unknown file; expected {', '.join(schema.SHARED_FILES)}"))

    annotation_files = sorted((root / ANNOTATIONS_DIR).glob("*.yaml"))
    parsed_articles: dict[str, tuple[str, schema.ArticleFile | None]] = {}
    for path in annotation_files:
        rel = f"{ANNOTATIONS_DIR}/{path.name}"
        article_id = path.stem
        if not schema._ID.match(article_id):
            c.issues.append(Issue(rel, 1, f"article {article_id}",
                                  "bad article id in file name (lower-case letters, digits, '-' or '_')"))
            continue
        parsed_articles[article_id] = (rel, _parse(c, root, rel, schema.ArticleFile))
    if not annotation_files:
        c.issues.append(Issue(ANNOTATIONS_DIR, 1, "annotations", "no article annotations found"))

    concepts_file: schema.ConceptsFile = shared.get("concepts.yaml") or schema.ConceptsFile()
    bibliography: schema.BibliographyFile = shared.get("bibliography.yaml") or schema.BibliographyFile()
    claims_file: schema.ClaimsFile = shared.get("claims.yaml") or schema.ClaimsFile()
    context: schema.ContextFile = shared.get("context.yaml") or schema.ContextFile()

    concepts = _index_concepts(c, concepts_file)
    sources = _index(c, "bibliography.yaml", "sources", bibliography.sources, "source")
    claims: dict[str, schema.Claim] = {}
    claim_files: dict[str, str] = {}
    _collect_claims(c, "claims.yaml", claims_file.claims, claims, claim_files)
    for article_id, (rel, ann) in parsed_articles.items():
        if ann is not None:
            _collect_claims(c, rel, ann.claims, claims, claim_files)

    corpus = Corpus(root, {}, claims, claim_files, sources, concepts, list(context.assessments),
                    shared_files)
    _check_concepts(c, concepts_file, concepts)
    _check_claims(c, corpus)
    _check_sources(c, corpus, bibliography)
    for article_id, (rel, ann) in parsed_articles.items():
        if ann is not None:
            article = _check_article(c, corpus, article_id, rel, ann)
            if article is not None:
                corpus.articles[article_id] = article
    for i, assessment in enumerate(context.assessments):
        _check_assessment(c, corpus, i, assessment)
    if c.issues:
        raise InvalidInput(sorted(set(c.issues)))
    return corpus


def _position(c: _Collector, file: str, section: str, record_id: str) -> int:
    doc = c.docs.get(file)
    items = doc.data.get(section, []) if doc and isinstance(doc.data, dict) else []
    for i, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == record_id:
            return i
    return 0


def _index(c: _Collector, file: str, section: str, items: list[Any], word: str) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for i, item in enumerate(items):
        if item.id in index:
            c.add(file, (section, i, "id"), f"duplicate {word} id '{item.id}'")
        else:
            index[item.id] = item
    return index


def _index_concepts(c: _Collector, concepts: schema.ConceptsFile) -> dict[str, dict[str, schema.Concept]]:
    result: dict[str, dict[str, schema.Concept]] = {}
    seen: set[str] = set()
    for kind in schema.CONCEPT_KINDS:
        result[kind] = {}
        for i, concept in enumerate(getattr(concepts, kind)):
            if concept.id in seen:
                c.add("concepts.yaml", (kind, i, "id"), f"duplicate concept id '{concept.id}'")
                continue
            seen.add(concept.id)
            result[kind][concept.id] = concept
    return result


def _collect_claims(c: _Collector, file: str, items: list[schema.Claim],
                    claims: dict[str, schema.Claim], claim_files: dict[str, str]) -> None:
    for i, claim in enumerate(items):
        if claim.id in claims:
            c.add(file, ("claims", i, "id"),
                  f"duplicate claim id '{claim.id}' (also defined in {claim_files[claim.id]})")
        else:
            claims[claim.id] = claim
            claim_files[claim.id] = file


def _ref(c: _Collector, corpus: Corpus, file: str, path: tuple[Any, ...], value: str | None,
         kind: str) -> None:
    """Report a reference to a concept of ``kind`` that does not exist."""
    if value is None:
        return
    if value not in corpus.concepts.get(kind, {}):
        other = corpus.concept_kind(value)
        hint = f" (it is one of the {other})" if other else ""
        c.add(file, path, f"unknown {kind.rstrip('s')} '{value}'{hint}")


def _check_concepts(c: _Collector, concepts_file: schema.ConceptsFile,
                    concepts: dict[str, dict[str, schema.Concept]]) -> None:
    corpus_like = Corpus(Path("."), {}, {}, {}, {}, concepts, [], [])
    for kind in schema.CONCEPT_KINDS:
        items = getattr(concepts_file, kind)
        for i, concept in enumerate(items):
            for j, broader in enumerate(concept.broader):
                _ref(c, corpus_like, "concepts.yaml", (kind, i, "broader", j), broader, kind)
            if isinstance(concept, schema.Mechanism):
                for j, s in enumerate(concept.acts_on):
                    _ref(c, corpus_like, "concepts.yaml", (kind, i, "acts_on", j), s, "structures")
            if isinstance(concept, schema.Condition):
                for j, s in enumerate(concept.affects):
                    _ref(c, corpus_like, "concepts.yaml", (kind, i, "affects", j), s, "structures")
        # cycles in skos:broader make every hierarchy query loop
        graph = {x.id: list(x.broader) for x in items}
        for i, concept in enumerate(items):
            if _reaches(graph, concept.id, concept.id):
                c.add("concepts.yaml", (kind, i, "broader"), f"'{concept.id}' is broader than itself (cycle)")


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


def _check_claims(c: _Collector, corpus: Corpus) -> None:
    for claim_id, claim in corpus.claims.items():
        file = corpus.claim_files[claim_id]
        i = _position(c, file, "claims", claim_id)
        for j, x in enumerate(claim.interventions):
            _ref(c, corpus, file, ("claims", i, "interventions", j), x, "interventions")
        _ref(c, corpus, file, ("claims", i, "outcome"), claim.outcome, "outcomes")
        _ref(c, corpus, file, ("claims", i, "population"), claim.population, "populations")
        for j, x in enumerate(claim.mechanisms):
            _ref(c, corpus, file, ("claims", i, "mechanisms", j), x, "mechanisms")
        for j, ci in enumerate(claim.contraindications):
            base = ("claims", i, "contraindications", j)
            _ref(c, corpus, file, base + ("intervention",), ci.intervention, "interventions")
            _ref(c, corpus, file, base + ("condition",), ci.condition, "conditions")


def _check_sources(c: _Collector, corpus: Corpus, bibliography: schema.BibliographyFile) -> None:
    file = "bibliography.yaml"
    for i, source in enumerate(bibliography.sources):
        base = ("sources", i)
        _ref(c, corpus, file, base + ("population",), source.population, "populations")
        for j, x in enumerate(source.interventions):
            _ref(c, corpus, file, base + ("interventions", j), x, "interventions")
        for j, x in enumerate(source.outcomes):
            _ref(c, corpus, file, base + ("outcomes", j), x, "outcomes")
        if source.kind == "unidentified" and (source.title or source.peer_reviewed != "unknown"):
            c.add(file, base + ("kind",), "an unidentified source has no title and peer_reviewed: unknown")
        for j, cite in enumerate(source.cites):
            path = base + ("cites", j)
            if cite.source not in corpus.sources:
                c.add(file, path + ("source",), f"cites unknown source '{cite.source}'")
            elif cite.source == source.id:
                c.add(file, path + ("source",), "a source cannot cite itself")
            for k, claim_id in enumerate(cite.claims):
                if claim_id not in corpus.claims:
                    c.add(file, path + ("claims", k), f"unknown claim '{claim_id}'")


def _check_article(c: _Collector, corpus: Corpus, article_id: str, rel: str,
                   ann: schema.ArticleFile) -> Article | None:
    text_name = ann.text
    text_path = corpus.root / ARTICLES_DIR / text_name
    if "/" in text_name or "\\" in text_name or text_name.startswith("."):
        c.add(rel, ("text",), f"text must be a file name in {ARTICLES_DIR}/, not a path")
        return None
    try:
        raw = text_path.read_bytes()
    except OSError:
        c.add(rel, ("text",), f"archived text {ARTICLES_DIR}/{text_name} not found")
        return None
    try:
        text = ArticleText(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        c.add(rel, ("text",), f"{ARTICLES_DIR}/{text_name} is not UTF-8 ({exc.reason} at byte {exc.start})")
        return None
    article = Article(article_id, ann, text, f"{ARTICLES_DIR}/{text_name}", rel,
                      hashlib.sha256(raw).hexdigest(), len(raw))

    speakers = _index(c, rel, "speakers", ann.speakers, "speaker")
    offers: dict[str, schema.Offer] = {}
    for i, offer in enumerate(ann.commercial_interest):
        _check_offer(c, corpus, rel, ("commercial_interest", i), offer, offers)
    for i, speaker in enumerate(ann.speakers):
        for j, offer in enumerate(speaker.commercial_interest):
            _check_offer(c, corpus, rel, ("speakers", i, "commercial_interest", j), offer, offers)

    seen_appearances: set[str] = set()
    for i, app in enumerate(ann.appearances):
        base = ("appearances", i)
        if app.id in seen_appearances:
            c.add(rel, base + ("id",), f"duplicate appearance id '{app.id}'")
        seen_appearances.add(app.id)
        if app.claim not in corpus.claims:
            c.add(rel, base + ("claim",), f"unknown claim '{app.claim}'")
        if app.speaker not in speakers:
            c.add(rel, base + ("speaker",), f"unknown speaker '{app.speaker}'")
        span = _locate(c, rel, base, article, app.quote, app.occurrence, "occurrence" in app.model_fields_set)
        if span is not None:
            article.appearance_spans[app.id] = span
        for j, cite in enumerate(app.citations):
            _check_citation(c, corpus, rel, base + ("citations", j), cite)
    for i, nc in enumerate(ann.not_claims):
        span = _locate(c, rel, ("not_claims", i), article, nc.quote, nc.occurrence,
                       "occurrence" in nc.model_fields_set)
        if span is not None:
            article.not_claim_spans.append(span)
    for i, consulted in enumerate(ann.consulted):
        if consulted.source not in corpus.sources:
            c.add(rel, ("consulted", i, "source"), f"unknown source '{consulted.source}'")
    return article


def _check_offer(c: _Collector, corpus: Corpus, rel: str, path: tuple[Any, ...],
                 offer: schema.Offer, offers: dict[str, schema.Offer]) -> None:
    if offer.id in offers:
        c.add(rel, path + ("id",), f"duplicate offer id '{offer.id}'")
    offers[offer.id] = offer
    for j, x in enumerate(offer.interventions):
        _ref(c, corpus, rel, path + ("interventions", j), x, "interventions")


def _check_citation(c: _Collector, corpus: Corpus, rel: str, path: tuple[Any, ...],
                    cite: schema.Citation) -> None:
    if cite.mode == "consulted":
        c.add(rel, path + ("mode",), "mode 'consulted' belongs in the article's consulted list")
    if cite.source is None:
        if cite.mode not in vocab.VAGUE_MODES:
            c.add(rel, path, "missing field 'source' (only a vague or named-venue attribution may name no work)")
        return
    source = corpus.sources.get(cite.source)
    if source is None:
        c.add(rel, path + ("source",), f"unknown source '{cite.source}'")
    elif source.curator_added:
        c.add(rel, path + ("source",),
              f"source '{cite.source}' is curator-added evidence; an article citing it makes it a cited source")


def _locate(c: _Collector, rel: str, path: tuple[Any, ...], article: Article, quote: str,
            occurrence: int, explicit: bool) -> Span | None:
    spans = article.text.find(quote)
    if not spans:
        short = quote if len(quote) <= 60 else quote[:57] + "..."
        c.add(rel, path + ("quote",), f"quote not found in {article.text_file}: {short!r}")
        return None
    if len(spans) > 1 and not explicit:
        c.add(rel, path + ("quote",),
              f"quote occurs {len(spans)} times in {article.text_file}; add 'occurrence: 1..{len(spans)}'")
        return None
    if occurrence > len(spans):
        c.add(rel, path + ("occurrence",), f"occurrence {occurrence} but the quote occurs {len(spans)} time(s)")
        return None
    return spans[occurrence - 1]


def _check_assessment(c: _Collector, corpus: Corpus, i: int, a: schema.Assessment) -> None:
    path = ("assessments", i)
    if a.claim not in corpus.claims:
        c.add("context.yaml", path + ("claim",), f"unknown claim '{a.claim}'")
    source = corpus.sources.get(a.source)
    if source is None:
        c.add("context.yaml", path + ("source",), f"unknown source '{a.source}'")
    elif not source.curator_added:
        c.add("context.yaml", path + ("source",),
              f"source '{a.source}' is not marked curator_added: true")
