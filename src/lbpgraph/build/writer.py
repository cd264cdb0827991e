"""Write a validated :class:`~lbpgraph.model.corpus.Corpus` as N-Quads: the curated graphs.

Named graphs: one per article annotation (``graph:article-<id>``), one for the shared files
(bibliography, concepts, shared claims, curator evidence and the lbp: vocabulary:
``graph:bibliography``) and one for derived facts (``graph:derived``, filled by
:mod:`lbpgraph.build.rules`). IRIs are minted from ids, so there are no blank nodes and the same
input always gives the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import Literal

from ..core import vocab
from ..core.text import Span
from ..model import schema
from ..model.corpus import Article, Corpus
from ..rdf.namespaces import CURATORS, GRAPH_BIBLIOGRAPHY, GRAPH_DERIVED, article_graph, vocabulary_triples
from ..rdf.terms import XSD, nt_iri, nt_string, nt_term, nt_value
from .rules import coverage_triples, parameter_triples, python_derived


class _Nt(str):
    """A term in N-Triples form (``<iri>``, ``"text"@en``): the writer appends it as it is."""


class _NtNamespace:
    """The IRIs of one namespace in N-Triples form: ``LBP.rank`` (made once, then read as a
    plain attribute) and ``NS["claim"][claim_id]``. The writer works on N-Triples text, not on
    rdflib terms: minting and checking a URIRef costs more than writing its quad."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def __getattr__(self, name: str) -> _Nt:
        if name.startswith("_"):
            raise AttributeError(name)
        iri = self[name]
        setattr(self, name, iri)
        return iri

    def __getitem__(self, name: str) -> _Nt:
        return _Nt(nt_iri(self.namespace + name))


NS = {prefix: _NtNamespace(iri) for prefix, iri in vocab.PREFIXES.items()}
LBP, RDF, RDFS = NS["lbp"], NS["rdf"], NS["rdfs"]
SCHEMA, OA, CITO, FABIO, PRISM = NS["schema"], NS["oa"], NS["cito"], NS["fabio"], NS["prism"]
PROV, SKOS, DCTERMS = NS["prov"], NS["skos"], NS["dcterms"]

_ARTICLE_TYPES = {
    "personal-blog": SCHEMA.BlogPosting, "clinic-marketing": SCHEMA.WebPage,
    "product-marketing": SCHEMA.WebPage, "qa-page": SCHEMA.QAPage,
    "health-info": SCHEMA.MedicalWebPage,
}
_SOURCE_TYPES = {
    "journal-article": (FABIO.JournalArticle, SCHEMA.ScholarlyArticle),
    "review-article": (FABIO.ReviewArticle, SCHEMA.ScholarlyArticle),
    "conference-paper": (FABIO.ConferencePaper, SCHEMA.ScholarlyArticle),
    "book-chapter": (FABIO.BookChapter, SCHEMA.ScholarlyArticle),
    "book": (FABIO.Book,),
    "web-page": (FABIO.WebPage,),
    "unidentified": (LBP.UnidentifiedSource,),
}
_CONCEPT_CLASSES = {
    "interventions": SCHEMA.MedicalTherapy, "mechanisms": LBP.Mechanism,
    "structures": SCHEMA.AnatomicalStructure, "conditions": SCHEMA.MedicalCondition,
    "populations": LBP.Population, "outcomes": LBP.Outcome,
}


# --- terms ---------------------------------------------------------------------------------
# Ids contain no '.', so '.' separates the parts of compound ids without ambiguity.

def article_iri(article_id: str) -> _Nt:
    return NS["article"][article_id]


def claim_iri(claim_id: str) -> _Nt:
    return NS["claim"][claim_id]


def source_iri(source_id: str) -> _Nt:
    return NS["source"][source_id]


def concept_iri(concept_id: str) -> _Nt:
    return NS["concept"][concept_id]


def appearance_iri(article_id: str, appearance_id: str) -> _Nt:
    return NS["appearance"][f"{article_id}.{appearance_id}"]


def scheme_iri(kind: str) -> _Nt:
    return LBP[f"{kind.rstrip('s').capitalize()}Scheme"]


def _fragment(node: _Nt, name: str) -> _Nt:
    """The IRI ``node#name``."""
    return _Nt(f"{node[:-1]}#{name}>")


def _rdflib(term: Any) -> _Nt:
    """An rdflib term in N-Triples form."""
    return _Nt(nt_term(term))


_BIBLIOGRAPHY, _DERIVED = _rdflib(GRAPH_BIBLIOGRAPHY), _rdflib(GRAPH_DERIVED)
_CURATORS = _rdflib(CURATORS)


def _value(value_set: vocab.ValueSet, notation: str) -> _Nt:
    """IRI of a controlled value, e.g. ``_value(vocab.BASES, "peer-reviewed")``."""
    return _Nt(nt_iri(value_set.iri(notation)))


def _url(url: str) -> _Nt:
    """The IRI of a URL from the annotations (``|``, ``{``, ... percent-encoded; see data/README.md)."""
    return _Nt(nt_iri(schema.url_iri(url)))


def _english(text: str) -> _Nt:
    return _Nt(f"{nt_string(text)}@en")


def _date(value: str) -> Literal:
    """A date, year-month or year as an rdflib literal (which writes a valid value in canonical form)."""
    datatype = {4: "gYear", 7: "gYearMonth"}.get(len(value), "date")
    return Literal(value, datatype=XSD + datatype)


def source_label(source: schema.Source) -> str:
    """'Dufek JS et al. 2011': the source's display label."""
    if source.label:
        return source.label
    if not source.authors:
        return source.id
    first = source.authors[0]
    names = first if len(source.authors) == 1 else (
        f"{first} & {source.authors[1]}" if len(source.authors) == 2 else f"{first} et al.")
    return f"{names} {source.year}" if source.year else names


class _Writer:
    """Writes the triples of one named graph as N-Quads lines, skipping absent values."""

    def __init__(self, graph: _Nt, lines: list[str]) -> None:
        self.lines = lines
        self.suffix = f" {graph} .\n"
        self.contraindications: set[str] = set()

    def add(self, s: _Nt, p: _Nt, o: _Nt | Literal | str | int | bool | None) -> None:
        if o is not None:
            self.lines.append(f"{s} {p} {o if type(o) is _Nt else nt_value(o)}{self.suffix}")

    def many(self, s: _Nt, p: _Nt, objects: list[_Nt]) -> None:
        for o in objects:
            self.add(s, p, o)

    def add_rdflib(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Add triples of rdflib terms."""
        for s, p, o in triples:
            self.add(_rdflib(s), _rdflib(p), _rdflib(o))


def nquads_chunks(corpus: Corpus, lines: int = 50_000) -> Iterator[bytes]:
    """Every named graph of ``corpus`` before the SPARQL rules run, as N-Quads (the curated
    graphs, and in ``graph:derived`` the rule descriptions and the facts derived in Python), in
    pieces of about ``lines`` quads (whole articles), so that a store can load the first while
    the next are written."""
    out: list[str] = []  # every writer appends here
    shared = _Writer(_BIBLIOGRAPHY, out)
    _graph_metadata(shared, _BIBLIOGRAPHY, "Bibliography, concepts, shared claims and vocabulary",
                    corpus.shared_files)
    shared.add_rdflib([*vocabulary_triples(), *parameter_triples()])
    for kind, concepts in corpus.concepts.items():
        _concepts(shared, kind, concepts)
    local = {s.id for a in corpus.articles.values() for s in a.annotation.sources}
    for source in corpus.sources.values():
        if source.id not in local:
            _source(shared, source)
    for claim_id, claim in corpus.claims.items():
        if corpus.claim_files[claim_id] == "claims.yaml":
            _claim(shared, claim, shared)
    for assessment in corpus.assessments:
        _assessment(shared, assessment)
    for article in corpus.articles.values():
        if len(out) >= lines:
            yield "".join(out).encode("utf-8")
            out.clear()
        _article_graph(out, article, shared)
    _Writer(_DERIVED, out).add_rdflib(python_derived(corpus))
    yield "".join(out).encode("utf-8")


def _article_graph(lines: list[str], article: Article, shared: _Writer) -> None:
    """The named graph of one article annotation, appended to ``lines``: the article, its claims
    and its sources."""
    graph = _rdflib(article_graph(article.id))
    w = _Writer(graph, lines)
    _graph_metadata(w, graph, f"Annotation of article {article.id}", [article.annotation_file, article.text_file])
    _article(w, article)
    for claim in article.annotation.claims:
        _claim(w, claim, shared)
    for source in article.annotation.sources:
        _source(w, source)


def article_nquads(article: Article) -> tuple[bytes, bytes, bytes]:
    """What one article adds to a build, as N-Quads: its named graph; the defining triples of
    every contraindication its claims state (in ``graph:bibliography``, where they are written
    once for the whole corpus); and its sentence coverage with the derivation records (in
    ``graph:derived``)."""
    own: list[str] = []
    contraindications: list[str] = []
    _article_graph(own, article, _Writer(_BIBLIOGRAPHY, contraindications))
    coverage: list[str] = []
    _Writer(_DERIVED, coverage).add_rdflib(coverage_triples(article))
    return tuple("".join(x).encode("utf-8") for x in (own, contraindications, coverage))  # type: ignore[return-value]


def _graph_metadata(w: _Writer, graph: _Nt, label: str, files: list[str]) -> None:
    w.add(graph, RDFS.label, label)
    for f in files:
        w.add(graph, LBP.sourceFile, f)


def _concepts(w: _Writer, kind: str, concepts: dict[str, schema.Concept]) -> None:
    scheme = scheme_iri(kind)
    w.add(scheme, RDF.type, SKOS.ConceptScheme)
    w.add(scheme, SKOS.prefLabel, _english(kind.capitalize()))
    for c in concepts.values():
        node = concept_iri(c.id)
        w.add(node, RDF.type, SKOS.Concept)
        w.add(node, RDF.type, _CONCEPT_CLASSES[kind])
        w.add(node, SKOS.inScheme, scheme)
        w.add(node, SKOS.prefLabel, _english(c.label))
        for predicate, labels in ((SKOS.altLabel, c.alt_labels), (SKOS.hiddenLabel, c.hidden_labels)):
            for label in labels:
                w.add(node, predicate, _english(label))
        w.add(node, SKOS.definition, _english(c.definition) if c.definition else None)
        w.many(node, SKOS.broader, [concept_iri(b) for b in c.broader])
        for predicate, matches in ((SKOS.exactMatch, c.exact_match), (SKOS.broadMatch, c.broad_match)):
            for match in matches:
                w.add(node, predicate, _url(match.iri))
                w.add(_url(match.iri), RDFS.label, match.label)
        if isinstance(c, schema.Mechanism):
            w.many(node, LBP.actsOn, [concept_iri(s) for s in c.acts_on])
            w.add(node, LBP.direction, _value(vocab.DIRECTIONS, c.direction))
        if isinstance(c, schema.Condition):
            w.many(node, LBP.affects, [concept_iri(s) for s in c.affects])
        if isinstance(c, schema.Outcome):
            w.add(node, LBP.outcomeKind, _value(vocab.OUTCOME_KINDS, c.outcome_kind))


def _source(w: _Writer, s: schema.Source) -> None:
    node = source_iri(s.id)
    for t in _SOURCE_TYPES[s.kind]:
        w.add(node, RDF.type, t)
    if s.curator_added:
        w.add(node, RDF.type, LBP.CuratorEvidence)
        w.add(node, PROV.wasAttributedTo, _CURATORS)
    w.add(node, RDFS.label, source_label(s))
    w.add(node, DCTERMS.title, s.title)
    for author in s.authors:
        w.add(node, DCTERMS.creator, author)
    w.add(node, LBP.authorList, ", ".join(s.authors) if s.authors else None)
    w.add(node, FABIO.hasPublicationYear, Literal(f"{s.year:04d}", datatype=XSD + "gYear") if s.year else None)
    w.add(node, PRISM.publicationName, s.venue)
    w.add(node, PRISM.volume, s.volume)
    w.add(node, PRISM.number, s.issue)
    w.add(node, PRISM.pageRange, s.pages)
    w.add(node, PRISM.doi, s.doi)
    w.add(node, FABIO.hasPubMedId, s.pmid)
    w.add(node, FABIO.hasPubMedCentralId, s.pmcid)
    w.add(node, LBP.peerReview, _value(vocab.PEER_REVIEW, s.peer_reviewed))
    w.add(node, LBP.studyDesign, _value(vocab.DESIGNS, s.design) if s.design else None)
    w.add(node, LBP.designDescription, s.design_description)
    w.add(node, LBP.sampleSize, s.sample_size)
    w.add(node, LBP.sampleDescription, s.sample_description)
    w.add(node, LBP.population, concept_iri(s.population) if s.population else None)
    w.add(node, LBP.populationDescription, s.population_description)
    w.many(node, LBP.studiedIntervention, [concept_iri(x) for x in s.interventions])
    w.many(node, LBP.studiedOutcome, [concept_iri(x) for x in s.outcomes])
    w.many(node, LBP.reviewedDesign, [_value(vocab.DESIGNS, x) for x in s.reviewed_designs])
    w.many(node, LBP.riskOfBias, [_value(vocab.RISKS_OF_BIAS, x) for x in s.risk_of_bias])
    w.add(node, LBP.finding, s.finding)
    w.add(node, LBP.verification, _value(vocab.VERIFICATION, s.verification))
    w.many(node, LBP.verifiedAt, [_url(u) for u in s.verified_at])
    for correction in s.corrections:
        w.add(node, LBP.correction, correction)
    w.add(node, RDFS.comment, s.note)
    for n, cite in enumerate(s.cites, start=1):
        cit = NS["citation"][f"s.{s.id}.{n}"]
        _citation(w, cit, node, cite.source, "in-text-marker", cite.marker, None, cite.relation,
                  cite.fidelity, cite.stance, "certain", cite.note, n, cite.indirect)
        w.many(cit, LBP.forClaim, [claim_iri(c) for c in cite.claims])


def _citation(w: _Writer, cit: _Nt, citing: _Nt, source_id: str | None, mode: str,
              marker: str | None, as_printed: str | None, relation: str, fidelity: str | None,
              stance: str | None, confidence: str, note: str | None, position: int,
              indirect: tuple[str, ...] | list[str] = ()) -> None:
    w.add(cit, RDF.type, CITO.Citation)
    w.add(citing, LBP.hasCitation, cit)
    w.add(cit, CITO.hasCitingEntity, citing)
    w.add(cit, CITO.hasCitationCharacterization, CITO[relation])
    w.add(cit, LBP.citationMode, _value(vocab.CITATION_MODES, mode))
    w.add(cit, LBP.position, position)
    w.add(cit, LBP.marker, marker)
    w.add(cit, DCTERMS.bibliographicCitation, as_printed)
    w.add(cit, LBP.fidelity, _value(vocab.FIDELITY, fidelity) if fidelity else None)
    w.add(cit, LBP.stance, _value(vocab.STANCES, stance) if stance else None)
    w.many(cit, LBP.indirectness, [_value(vocab.INDIRECTNESS, x) for x in indirect])
    w.add(cit, LBP.identificationConfidence, _value(vocab.CONFIDENCE, confidence))
    w.add(cit, RDFS.comment, note)
    if source_id is not None:
        cited = source_iri(source_id)
        w.add(cit, CITO.hasCitedEntity, cited)
        w.add(citing, CITO.cites, cited)
        w.add(citing, CITO[relation], cited)


def _claim(w: _Writer, c: schema.Claim, shared: _Writer) -> None:
    """A claim in its article's graph. A contraindication is one node per intervention x
    condition x severity, stated by many claims: its defining triples go to the shared graph, so
    that no triple is in two graphs (the union default graph then holds each triple once)."""
    node = claim_iri(c.id)
    w.add(node, RDF.type, SCHEMA.Claim)
    w.add(node, SCHEMA.text, c.statement)
    w.add(node, LBP.claimKind, _value(vocab.CLAIM_KINDS, c.kind))
    if c.kind == "efficacy":
        w.add(node, LBP.claimedEffect, _value(vocab.EFFECTS, c.effect))
    w.many(node, SCHEMA.about, [concept_iri(x) for x in c.interventions])
    w.add(node, LBP.outcome, concept_iri(c.outcome) if c.outcome else None)
    w.add(node, LBP.population, concept_iri(c.population) if c.population else None)
    w.many(node, LBP.aboutCondition, [concept_iri(x) for x in c.conditions])
    w.many(node, LBP.invokesMechanism, [concept_iri(x) for x in c.mechanisms])
    w.add(node, RDFS.comment, c.note)
    for ci in c.contraindications:
        ct = NS["contraindication"][f"{ci.intervention}.{ci.condition}.{ci.severity}"]
        if ct not in shared.contraindications:
            shared.contraindications.add(ct)
            shared.add(ct, RDF.type, SCHEMA.MedicalContraindication)
            shared.add(ct, LBP.intervention, concept_iri(ci.intervention))
            shared.add(ct, LBP.condition, concept_iri(ci.condition))
            shared.add(ct, LBP.severity, _value(vocab.SEVERITIES, ci.severity))
        w.add(ct, LBP.statedBy, node)


def _assessment(w: _Writer, a: schema.Assessment) -> None:
    node = NS["assessment"][f"{a.claim}.{a.source}"]
    w.add(node, RDF.type, LBP.CuratorAssessment)
    w.add(node, LBP.assessesClaim, claim_iri(a.claim))
    w.add(node, LBP.evidenceSource, source_iri(a.source))
    w.add(node, LBP.fidelity, _value(vocab.FIDELITY, a.fidelity))
    w.add(node, RDFS.comment, a.note)
    w.add(node, PROV.wasAttributedTo, _CURATORS)


def _target(w: _Writer, annotation: _Nt, article: Article, span: Span) -> None:
    """W3C Web Annotation target with a quote selector and a position selector."""
    target, quote, position = (_fragment(annotation, name) for name in ("target", "quote", "position"))
    prefix, suffix = article.text.context(span)
    w.add(annotation, OA.hasTarget, target)
    w.add(target, RDF.type, OA.SpecificResource)
    w.add(target, OA.hasSource, article_iri(article.id))
    w.add(target, OA.hasSelector, quote)
    w.add(target, OA.hasSelector, position)
    w.add(quote, RDF.type, OA.TextQuoteSelector)
    w.add(quote, OA.exact, article.text.text[span.start:span.end])
    w.add(quote, OA.prefix, prefix)
    w.add(quote, OA.suffix, suffix)
    w.add(position, RDF.type, OA.TextPositionSelector)
    w.add(position, OA.start, span.start)
    w.add(position, OA.end, span.end)
    w.add(annotation, DCTERMS.isPartOf, article_iri(article.id))


def _offer(w: _Writer, article_id: str, owner: _Nt, o: schema.Offer) -> None:
    node = NS["offer"][f"{article_id}.{o.id}"]
    w.add(owner, LBP.commercialInterest, node)
    w.add(node, RDF.type, SCHEMA.Offer)
    w.add(node, SCHEMA.name, o.name)
    w.add(node, SCHEMA.url, _url(o.url) if o.url else None)
    w.many(node, LBP.relatedIntervention, [concept_iri(x) for x in o.interventions])


def _article(w: _Writer, article: Article) -> None:
    a = article.annotation
    node = article_iri(article.id)
    w.add(node, RDF.type, _ARTICLE_TYPES[a.kind])
    w.add(node, LBP.articleKind, _value(vocab.ARTICLE_KINDS, a.kind))
    if a.draft:
        w.add(node, LBP.draft, True)
    w.add(node, SCHEMA.name, a.title)
    w.add(node, SCHEMA.url, _url(a.url) if a.url else None)
    w.add(node, SCHEMA.datePublished, _date(a.published) if a.published else None)
    w.add(node, SCHEMA.dateRead, _date(a.accessed) if a.accessed else None)
    w.add(node, SCHEMA.publisher, a.publisher)
    if a.site:
        site = _fragment(node, "site")
        w.add(node, SCHEMA.isPartOf, site)
        w.add(site, RDF.type, SCHEMA.WebSite)
        w.add(site, SCHEMA.name, a.site)
    w.add(node, RDFS.comment, a.note)
    archive = _fragment(node, "text")
    w.add(node, SCHEMA.archivedAt, archive)
    w.add(archive, RDF.type, SCHEMA.MediaObject)
    w.add(archive, SCHEMA.sha256, article.sha256)
    w.add(archive, SCHEMA.contentSize, article.size)
    w.add(archive, SCHEMA.encodingFormat, "text/plain; charset=utf-8")
    w.add(archive, LBP.archivePath, article.text_file)
    for offer in a.commercial_interest:
        _offer(w, article.id, node, offer)
    for sp in a.speakers:
        sp_node = NS["speaker"][f"{article.id}.{sp.id}"]
        w.add(sp_node, RDF.type, SCHEMA.Person)
        w.add(sp_node, RDFS.label if sp.anonymous else SCHEMA.name, sp.name)  # an unnamed speaker has no name
        w.add(sp_node, LBP.speakerRole, _value(vocab.SPEAKER_ROLES, sp.role))
        w.add(sp_node, LBP.credentials, sp.credentials)
        w.add(sp_node, LBP.speakerIn, node)
        if sp.role == "author" and not sp.anonymous:  # an author the page does not name stays absent
            w.add(node, SCHEMA.author, sp_node)
        for offer in sp.commercial_interest:
            _offer(w, article.id, sp_node, offer)
    for app in a.appearances:
        _appearance(w, article, app)
    for n, consulted in enumerate(a.consulted, start=1):
        cit = NS["citation"][f"k.{article.id}.{n}"]
        _citation(w, cit, node, consulted.source, "consulted", consulted.marker, consulted.as_printed,
                  "citesForInformation", None, None, "certain", None, n)
    for n, (nc, span) in enumerate(zip(a.not_claims, article.not_claim_spans), start=1):
        span_node = NS["span"][f"{article.id}.{n}"]
        w.add(span_node, RDF.type, OA.Annotation)
        w.add(span_node, RDF.type, LBP.NotAClaim)
        w.add(span_node, LBP.notClaimReason, _value(vocab.NOT_CLAIM_REASONS, nc.reason))
        w.add(span_node, RDFS.comment, nc.note)
        _target(w, span_node, article, span)


def _appearance(w: _Writer, article: Article, app: schema.Appearance) -> None:
    node = appearance_iri(article.id, app.id)
    claim = claim_iri(app.claim)
    w.add(node, RDF.type, LBP.Appearance)
    w.add(node, RDF.type, OA.Annotation)
    w.add(node, OA.hasBody, claim)
    w.add(claim, SCHEMA.appearance, node)
    w.add(node, LBP.speaker, NS["speaker"][f"{article.id}.{app.speaker}"])
    w.add(node, LBP.hedging, _value(vocab.HEDGING, app.hedging))
    if article.annotation.draft:
        w.add(node, LBP.draft, True)
    w.many(node, LBP.appeal, [_value(vocab.BASES, x) for x in app.appeal])
    w.add(node, RDFS.comment, app.note)
    _target(w, node, article, article.appearance_spans[app.id])
    for n, cite in enumerate(app.citations, start=1):
        cit = NS["citation"][f"a.{article.id}.{app.id}.{n}"]
        _citation(w, cit, node, cite.source, cite.mode, cite.marker, cite.as_printed, cite.relation,
                  cite.fidelity, cite.stance, cite.confidence, cite.note, n, cite.indirect)
        w.add(cit, LBP.forClaim, claim)
