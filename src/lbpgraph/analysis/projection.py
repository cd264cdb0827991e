"""Project the RDF dataset onto a NetworkX graph for paths, traces and metrics.

Nodes are keyed by IRI and carry a ``kind`` (:class:`~.records.NodeKind`) and the record of that
kind (:class:`~.records.ClaimNode`, ...): plain-Python attributes read from the graph, derived
facts included. Edges carry a ``rel`` (:class:`~.records.Rel`):

==================  ======================================  ==============================
rel                 from -> to                              meaning
==================  ======================================  ==============================
appearance          claim -> appearance                     the claim is made there
contains            article -> appearance                   the appearance is in the article
cites               appearance or source -> citation        it makes this citation
lists               article -> citation                     works consulted, linked to no claim
cited               citation -> source                      the citation points to this work
assessed            claim -> assessment                     curator-added evidence
evidence            assessment -> source
about / invokes     claim -> intervention / mechanism
acts-on / affects   mechanism / condition -> structure
contraindicates     contraindication -> intervention, condition; claim -> contraindication
==================  ======================================  ==============================

The projection is built once per build (from SPARQL SELECT queries, so any store can feed it)
and stored in the build folder; reading it needs NetworkX but not rdflib.
"""

from __future__ import annotations

import functools
import itertools
import json
import pickle
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..core import vocab
from ..rdf.sparql import sparql_prologue
from ..rdf.terms import local_id
from .records import (AppearanceNode, ArticleNode, AssessmentNode, CitationNode, ClaimNode, ConceptNode,
                      ContraindicationNode, Downgrade, MissingWarningNode, NodeKind, Offer, OfferNode, Rating, Reason,
                      Rel, RuleRecord, SourceNode, Speaker, Why)

if TYPE_CHECKING:
    from ..stores.base import Row, Store

Props = dict[str, list[Any]]



def _notation(value_set: vocab.ValueSet, iri: str | None) -> str | None:
    return value_set.notation_of(iri) if iri else None


def _first(props: Props, curie: str) -> Any:
    values = props.get(vocab.expand(curie), [])
    return sorted(values, key=str)[0] if values else None


def _all(props: Props, curie: str) -> list[Any]:
    return sorted(props.get(vocab.expand(curie), []), key=str)


def _rows(store: Store, query: str) -> list[Row]:
    return store.select(sparql_prologue() + query)


def _values(store: Store, query: str) -> list[tuple[Any, ...]]:
    return store.select_values(sparql_prologue() + query)


def _graphed_values(store: Store, query: str, columns: int) -> list[tuple[Any, ...]]:
    """:meth:`~lbpgraph.stores.base.Store.select_graphed` with cells as plain Python values."""
    from ..rdf.terms import to_python
    return [tuple(None if c is None else to_python(c) for c in row)
            for row in store.select_graphed(sparql_prologue() + query, columns)]


def _restrict(variable: str, focus: list[str]) -> str:
    """A VALUES clause limiting ``variable`` to the IRIs in ``focus``."""
    return f"VALUES {variable} {{ {' '.join(f'<{iri}>' for iri in focus)} }} "


_EXPLAINED = ("lbp:candidateBasis", "lbp:basis", "lbp:flag", "lbp:strength", "lbp:peerReviewedSupportFrom",
              "lbp:certainty", "lbp:reason")
# how each explained derived fact about ?s was derived: the record (rule and property) and its premises
_RECORD = ["?d lbp:derivedSubject ?s", "?d lbp:derivedPredicate ?dp", "?d lbp:derivedObject ?do",
           "?d prov:wasGeneratedBy ?rule"]
_EXPLAINED_ONLY = f"FILTER (?dp IN ({', '.join(_EXPLAINED)}))"
_PREMISE = "?d prov:used ?premise"
_DERIVATION = f"{' . '.join(_RECORD)} . {_EXPLAINED_ONLY} OPTIONAL {{ {_PREMISE} }}"
# the quotation and position an appearance ?s selects
_SELECTOR = ["?s a lbp:Appearance", "?s oa:hasTarget ?target", "?target oa:hasSelector ?quote",
             "?target oa:hasSelector ?position", "?quote oa:exact ?exact", "?position oa:start ?start",
             "?position oa:end ?end"]


def _graph_columns(count: int) -> str:
    """The graph variables of :meth:`~lbpgraph.stores.base.Store.triple_patterns` for ``count`` patterns."""
    return " ".join(f"?g{n}" for n in range(1, count + 1))


Selectors = dict[str, tuple[str, int, int]]  # appearance IRI -> quotation, start, end


def _new_props() -> dict[str, Props]:
    return defaultdict(lambda: defaultdict(list))


@dataclass
class Facts:
    """What a projection is made from: every resource's properties (derived facts included, the
    derivation records left out), how each explained derived fact was derived, and the quotation
    each appearance selects. An Oxigraph build keeps them, so that after an update only the
    resources it changed are read again (:func:`refresh`)."""

    props: dict[str, Props]
    why: dict[str, list[Why]]
    selectors: Selectors


def read_facts(store: Store) -> Facts:
    """The facts of the whole graph: the quads in one pass, the derived facts, the derivations
    and the selectors in one query each. A triple held by two graphs counts once."""
    return Facts(_whole(store), _derivations(store, ""), _selectors(store, ""))


def _derivations(store: Store, values: str) -> dict[str, list[Why]]:
    """How the explained derived facts about every subject (or those a VALUES clause names) were derived."""
    return _whys(_values(store, f"SELECT ?s ?dp (STR(?do) AS ?value) ?rule ?premise WHERE {{ {values}{_DERIVATION} }}"))


def _selectors(store: Store, values: str) -> Selectors:
    """The quotation and position of every appearance (or of those a VALUES clause names)."""
    rows = _values(store, f"SELECT ?s ?exact ?start ?end WHERE {{ {values}{' . '.join(_SELECTOR)} }}")
    return {a: (x, int(s), int(e)) for a, x, s, e in rows}


def refresh(facts: Facts, store: Store, subjects: Iterable[str]) -> None:
    """Read again from ``store`` the facts of ``subjects`` (see :func:`affected`): their
    properties, their derivations, their selectors; what no longer exists is dropped."""
    record = vocab.PREFIXES["derivation"]
    wanted = sorted({s for s in subjects if not s.startswith(record)})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        values = _restrict("?s", chunk)
        props: dict[str, Props] = defaultdict(dict)
        for s, p, o in _values(store, f"SELECT ?s ?p ?o WHERE {{ {values}?s ?p ?o }}"):
            found = props[s].setdefault(p, [])
            if o not in found:
                found.append(o)
        why, selectors = _derivations(store, values), _selectors(store, values)
        for s in chunk:
            for table, fresh in ((facts.props, props), (facts.why, why), (facts.selectors, selectors)):
                if s in fresh:
                    table[s] = fresh[s]  # type: ignore[index]
                else:
                    table.pop(s, None)


def affected(subjects: Iterable[str], stores: list[Store]) -> set[str]:
    """The resources whose facts can change when quads about ``subjects`` change, looked up in
    ``stores`` (the dataset before and after): each subject itself, the subject of a changed
    derivation record, and the appearance whose quotation a changed target or selector gives."""
    record = vocab.PREFIXES["derivation"]
    subjects = sorted(set(subjects))
    out = {s for s in subjects if not s.startswith(record)}
    for start in range(0, len(subjects), 500):
        values = _restrict("?n", subjects[start:start + 500])  # in each branch: Oxigraph joins it last otherwise
        query = "SELECT DISTINCT ?x WHERE { " + " UNION ".join(f"{{ {values}{b} }}" for b in _STANDS_FOR) + " }"
        for store in stores:
            out.update(x for (x,) in _values(store, query))
    return out


# what a changed ?n stands for (see affected): the subject of its record, the appearance of its target or selector
_STANDS_FOR = ("?n lbp:derivedSubject ?x", "?x oa:hasTarget ?n", "?target oa:hasSelector ?n . ?x oa:hasTarget ?target")


def dump_facts(facts: Facts) -> bytes:
    """The facts as bytes to keep, the same bytes for the same facts: resources, properties and
    values in order (the store gives them in an order of its own, which can differ from one
    build to the next); property names shared, so they take less room."""
    props = {s: {sys.intern(p): _in_order(values) for p, values in sorted(ps.items())}
             for s, ps in sorted(facts.props.items())}
    return pickle.dumps((props, dict(sorted(facts.why.items())), dict(sorted(facts.selectors.items()))), protocol=5)


def _in_order(values: list[Any]) -> list[Any]:
    return values if len(values) < 2 else sorted(values, key=lambda v: (type(v).__name__, v))


def load_facts(data: bytes) -> Facts:
    return Facts(*pickle.loads(data))


def _read(store: Store, focus: list[str] | None) -> Facts:
    """The facts for a focus (and every concept and rule) in one query that starts from its IRIs
    (:meth:`~lbpgraph.stores.base.Store.select_graphed`), or of the whole graph."""
    return read_facts(store) if focus is None else _read_focus(store, focus)


def _read_focus(store: Store, focus: list[str]) -> Facts:
    from ..rdf.terms import to_python
    on = store.triple_patterns
    if "concepts and rules" not in store.memo:  # the same for every focus: read once per store
        rows = _graphed_values(store, f"SELECT DISTINCT ?s ?p ?o {_graph_columns(2)} WHERE {{ "
                                      f"VALUES ?type {{ skos:Concept lbp:Rule }} {on('?s a ?type', '?s ?p ?o')} }}", 2)
        store.memo["concepts and rules"] = rows, {row[0] for row in rows}
    shared, known = store.memo["concepts and rules"]
    rest = [iri for iri in focus if iri not in known]  # so that no resource is read twice
    values = _restrict("?s", focus)
    if store.capabilities.shared:  # a premise in another graph, dropped, would take an OPTIONAL's row along
        derivations = " UNION ".join(f"{{ {values}{on(*patterns)} {_EXPLAINED_ONLY} }}"
                                     for patterns in (_RECORD, [*_RECORD, _PREMISE]))
    else:
        derivations = f"{{ {values}{_DERIVATION} }}"
    rows = store.select_graphed(sparql_prologue() + f"""
        SELECT DISTINCT ?s ?p ?o ?dp ?do ?rule ?premise ?exact ?start ?end {_graph_columns(len(_SELECTOR))} WHERE {{
          {{ {_restrict("?s", rest)}{on("?s ?p ?o")} }} UNION {derivations} UNION {{ {values}{on(*_SELECTOR)} }}
        }}""", len(_SELECTOR))
    props = _new_props()
    for s, p, o in (*((s["value"], p["value"], to_python(o)) for s, p, o, *_ in rows if p is not None), *shared):
        props[s][p].append(o)
    why = _whys((s["value"], dp["value"], do["value"], rule["value"], premise and premise["value"])
                for s, _, _, dp, do, rule, premise, *_ in rows if dp is not None)
    selectors = {s["value"]: (x["value"], int(b["value"]), int(e["value"]))
                 for s, *_, x, b, e in rows if x is not None}
    return Facts(props, why, selectors)


class _Resources:
    """Every property of the projected resources, by subject IRI."""

    def __init__(self, props: dict[str, Props]) -> None:
        self.props = props

    @functools.cached_property
    def _by_type(self) -> dict[str, dict[str, Props]]:
        rdf_type = vocab.expand("rdf:type")
        index: dict[str, dict[str, Props]] = defaultdict(dict)
        for s, props in self._sorted:
            for t in props.get(rdf_type, ()):
                index[t][s] = props
        return index

    @functools.cached_property
    def _sorted(self) -> list[tuple[str, Props]]:
        return sorted(self.props.items())

    def typed(self, curie: str) -> dict[str, Props]:
        """The resources of one rdf:type."""
        return self._by_type.get(vocab.expand(curie), {})

    def having(self, curie: str) -> dict[str, Props]:
        """The resources with a value for one property."""
        iri = vocab.expand(curie)
        return {s: p for s, p in self._sorted if iri in p}


def _ordered(value_set: vocab.ValueSet, iris: list[str]) -> list[str]:
    """Notations of ``iris`` in the value set's order (strongest first for ranked sets)."""
    notations = {value_set.notation_of(i) for i in iris}
    return [n for n in value_set.notations if n in notations]


def _whys(rows: Iterable[tuple[str, str, str, str, str | None]]) -> dict[str, list[Why]]:
    """subject IRI -> how each of its explained derived facts was derived (rule and premises),
    from derivation rows (subject, property, value, rule, premise or None)."""
    grouped: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for s, p, o, rule, premise in rows:
        premises = grouped[(s, p[len(vocab.LBP):], o, local_id(rule, "rule"))]
        if premise is not None:
            premises.add(premise)
    result: dict[str, list[Why]] = defaultdict(list)
    for (s, p, o, rule), premises in sorted(grouped.items()):
        result[s].append({"property": p, "value": o, "rule": rule, "premises": sorted(premises)})
    return result


def _whole(store: Store) -> dict[str, Props]:
    """Every resource of the dataset but the derivation records, the same as the focused
    queries give for every subject (a triple in two graphs counts once): the curated graphs
    read quad by quad, the derived facts by one query that leaves the records out."""
    props = _new_props()
    derived = vocab.PREFIXES["graph"] + "derived"
    facts = _values(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{derived}> {{ ?s ?p ?o . "
                           f"FILTER (!STRSTARTS(STR(?s), {json.dumps(vocab.PREFIXES['derivation'])})) }} }}")
    for s, p, o in itertools.chain(((s, p, o) for _, s, p, o in store.quad_values(exclude_graph=derived)), facts):
        values = props[s][p]
        if o not in values:
            values.append(o)
    return props


class _Context:
    """What every part of the projection reads: the resources, the derivations, concept labels,
    offers and speakers."""

    def __init__(self, facts: Facts) -> None:
        self.resources, self.why, self.selectors = _Resources(facts.props), facts.why, facts.selectors
        lbp = vocab.PREFIXES["lbp"]
        self.concepts = {iri: p for iri, p in self.resources.typed("skos:Concept").items()
                         if vocab.expand("skos:inScheme") in p and not iri.startswith(lbp)}
        self.labels: dict[str, str] = {iri: _first(p, "skos:prefLabel") for iri, p in self.concepts.items()}
        self.articles = self.resources.having("lbp:articleKind")
        self.speakers = self.resources.typed("schema:Person")
        self.offers = self.resources.typed("schema:Offer")

    def label(self, iri: str | None) -> str | None:
        return self.labels.get(iri)  # type: ignore[arg-type]

    def labelled(self, props: Props, curie: str) -> list[str]:
        return [self.labels.get(x, x) for x in _all(props, curie)]

    def offer(self, iri: str) -> Offer:
        props = self.offers.get(iri, {})
        return {"name": _first(props, "schema:name"), "interventions": self.labelled(props, "lbp:relatedIntervention")}


def project(store: Store, focus: list[str] | None = None) -> nx.DiGraph:
    """The NetworkX projection of a built dataset (derived facts included).

    With ``focus`` (IRIs, see :func:`neighbourhood`), only those resources are projected, plus
    every concept and rule: enough to trace a claim without reading the whole graph.
    """
    return project_facts(_read(store, focus), partial=focus is not None)


def project_facts(facts: Facts, partial: bool = False) -> nx.DiGraph:
    """The projection of ``facts``; ``partial``: those of a focus, whose edges may lead out of it."""
    g = nx.DiGraph()
    c = _Context(facts)
    g.graph["rules"] = {local_id(iri, "rule"): _rule(p) for iri, p in c.resources.typed("lbp:Rule").items()}
    for add in (_add_concepts, _add_articles, _add_offers, _add_sources, _add_claims, _add_appearances,
                _add_citations, _add_assessments, _add_contraindications, _add_missing_warnings):
        add(g, c)
    if partial:  # ends of edges that lead out of the focus
        g.remove_nodes_from([n for n, d in g.nodes(data=True) if "kind" not in d])
    return g


def _rule(props: Props) -> RuleRecord:
    return {"description": _first(props, "rdfs:comment"), "file": _first(props, "lbp:ruleFile"),
            "order": _first(props, "lbp:ruleOrder")}


def _add_concepts(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.concepts.items():
        scheme = _first(props, "skos:inScheme") or ""
        node: ConceptNode = {
            "kind": NodeKind.CONCEPT, "id": local_id(iri, "concept"), "label": c.labels[iri],
            "alt_labels": _all(props, "skos:altLabel"), "hidden_labels": _all(props, "skos:hiddenLabel"),
            "scheme": scheme[len(vocab.LBP):].removesuffix("Scheme").lower(),
            "definition": _first(props, "skos:definition"),
            "direction": _notation(vocab.DIRECTIONS, _first(props, "lbp:direction")),
            "outcome_kind": _notation(vocab.OUTCOME_KINDS, _first(props, "lbp:outcomeKind")),
            "exact_match": _all(props, "skos:exactMatch"),
            "broader": [local_id(b, "concept") for b in _all(props, "skos:broader")]}
        g.add_node(iri, **node)
    for iri, props in c.concepts.items():
        for target in _all(props, "lbp:actsOn"):
            g.add_edge(iri, target, rel=Rel.ACTS_ON)
        for target in _all(props, "lbp:affects"):
            g.add_edge(iri, target, rel=Rel.AFFECTS)


def _add_articles(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.articles.items():
        node: ArticleNode = {
            "kind": NodeKind.ARTICLE, "id": local_id(iri, "article"), "title": _first(props, "schema:name"),
            "article_kind": _notation(vocab.ARTICLE_KINDS, _first(props, "lbp:articleKind")),
            "published": _first(props, "schema:datePublished"),
            "url": _first(props, "schema:url"), "publisher": _first(props, "schema:publisher"),
            "site": _first(c.resources.props.get(_first(props, "schema:isPartOf"), {}), "schema:name"),
            "authors": sorted(_first(c.speakers.get(a, {}), "schema:name") or "" for a in _all(props, "schema:author")),
            "accessed": _first(props, "schema:dateRead"),
            "sentences": _first(props, "lbp:sentenceCount") or 0,
            "accounted": _first(props, "lbp:accountedSentenceCount") or 0,
            "commercial_interest": [c.offer(o) for o in _all(props, "lbp:commercialInterest")],
            "draft": bool(_first(props, "lbp:draft"))}
        g.add_node(iri, **node)


def _add_offers(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.offers.items():
        node: OfferNode = {"kind": NodeKind.OFFER, "id": local_id(iri, "offer"), "name": _first(props, "schema:name"),
                           "interventions": c.labelled(props, "lbp:relatedIntervention")}
        g.add_node(iri, **node)


def _add_sources(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.resources.having("lbp:peerReview").items():
        g.add_node(iri, **_source(iri, props))


def _source(iri: str, props: Props) -> SourceNode:
    design = _notation(vocab.DESIGNS, _first(props, "lbp:studyDesign"))
    types = _all(props, "rdf:type")
    return {
        "kind": NodeKind.SOURCE, "id": local_id(iri, "source"), "label": _first(props, "rdfs:label"),
        "title": _first(props, "dcterms:title"), "authors": _first(props, "lbp:authorList"),
        "year": _year(_first(props, "fabio:hasPublicationYear")), "venue": _first(props, "prism:publicationName"),
        "volume": _first(props, "prism:volume"), "issue": _first(props, "prism:number"),
        "pages": _first(props, "prism:pageRange"), "doi": _first(props, "prism:doi"),
        "pmid": _first(props, "fabio:hasPubMedId"),
        "peer_reviewed": _notation(vocab.PEER_REVIEW, _first(props, "lbp:peerReview")),  # type: ignore[typeddict-item]
        "design": design,
        "design_label": vocab.DESIGNS.term(design).label if design else None,
        "cebm_level": vocab.DESIGNS.term(design).cebm_level if design else None,
        "design_description": _first(props, "lbp:designDescription"),
        "sample_size": _first(props, "lbp:sampleSize"), "sample_description": _first(props, "lbp:sampleDescription"),
        "population": _first(props, "lbp:populationDescription"), "finding": _first(props, "lbp:finding"),
        "verification": _notation(vocab.VERIFICATION, _first(props, "lbp:verification")),  # type: ignore[typeddict-item]
        "verified_at": _all(props, "lbp:verifiedAt"), "corrections": _all(props, "lbp:correction"),
        "identified": vocab.expand("lbp:UnidentifiedSource") not in types,
        "curator_added": vocab.expand("lbp:CuratorEvidence") in types,
        "note": _first(props, "rdfs:comment")}


def _add_claims(g: nx.DiGraph, c: _Context) -> None:
    ratings = _ratings(c.resources, c.why)
    for iri, props in c.resources.typed("schema:Claim").items():
        node: ClaimNode = {
            "kind": NodeKind.CLAIM, "id": local_id(iri, "claim"), "statement": _first(props, "schema:text"),
            "claim_kind": _notation(vocab.CLAIM_KINDS, _first(props, "lbp:claimKind")),
            "interventions": c.labelled(props, "schema:about"),
            "mechanisms": c.labelled(props, "lbp:invokesMechanism"),
            "conditions": c.labelled(props, "lbp:aboutCondition"),
            "outcome": c.label(_first(props, "lbp:outcome")), "population": c.label(_first(props, "lbp:population")),
            "peer_reviewed_support": bool(_first(props, "lbp:peerReviewedSupport")),
            "basis": _ordered(vocab.BASES, _all(props, "lbp:basis")),
            "strength": _notation(vocab.DESIGNS, _first(props, "lbp:strength")),
            "flags": _ordered(vocab.FLAGS, _all(props, "lbp:flag")),
            "certainty": _notation(vocab.CERTAINTY, _first(props, "lbp:certainty")) or "none",
            "certainty_from": [ratings[r] for r in _all(props, "lbp:certaintyFrom") if r in ratings],
            "note": _first(props, "rdfs:comment"), "why": c.why.get(iri, [])}
        g.add_node(iri, **node)
        for x in _all(props, "schema:about"):
            g.add_edge(iri, x, rel=Rel.ABOUT)
        for x in _all(props, "lbp:invokesMechanism"):
            g.add_edge(iri, x, rel=Rel.INVOKES)


def _add_appearances(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.resources.typed("lbp:Appearance").items():
        article = _first(props, "dcterms:isPartOf")
        quote, start, end = c.selectors.get(iri, ("", 0, 0))
        node: AppearanceNode = {
            "kind": NodeKind.APPEARANCE, "id": local_id(iri, "appearance"), "article": local_id(article, "article"),
            "quote": quote, "start": start, "end": end,
            "speaker": _speaker(c, c.speakers.get(_first(props, "lbp:speaker"), {})),
            "hedging": _notation(vocab.HEDGING, _first(props, "lbp:hedging")),
            "appeal": _ordered(vocab.BASES, _all(props, "lbp:appeal")),
            "basis": _notation(vocab.BASES, _first(props, "lbp:basis")),
            "flags": _ordered(vocab.FLAGS, _all(props, "lbp:flag")),
            "note": _first(props, "rdfs:comment"), "why": c.why.get(iri, []),
            "draft": bool(_first(props, "lbp:draft"))}
        g.add_node(iri, **node)
        g.add_edge(_first(props, "oa:hasBody"), iri, rel=Rel.APPEARANCE)
        g.add_edge(article, iri, rel=Rel.CONTAINS)
        for source in _all(props, "lbp:peerReviewedSupportFrom"):
            g.add_edge(iri, source, rel=Rel.SUPPORTED_BY)


def _speaker(c: _Context, props: Props) -> Speaker:
    """A speaker the page does not name has no schema:name: its display label stands in."""
    return {"name": _first(props, "schema:name") or _first(props, "rdfs:label"),
            "anonymous": _first(props, "schema:name") is None,
            "role": _notation(vocab.SPEAKER_ROLES, _first(props, "lbp:speakerRole")),
            "credentials": _first(props, "lbp:credentials"),
            "commercial_interest": [c.offer(o) for o in _all(props, "lbp:commercialInterest")]}


def _add_citations(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.resources.typed("cito:Citation").items():
        relation = _first(props, "cito:hasCitationCharacterization")
        node: CitationNode = {
            "kind": NodeKind.CITATION, "id": local_id(iri, "citation"),
            "position": _first(props, "lbp:position") or 0, "marker": _first(props, "lbp:marker"),
            "mode": _notation(vocab.CITATION_MODES, _first(props, "lbp:citationMode")),
            "relation": local_id(relation, "cito") if relation else None,
            "fidelity": _notation(vocab.FIDELITY, _first(props, "lbp:fidelity")),
            "stance": _notation(vocab.STANCES, _first(props, "lbp:stance")),
            "confidence": _notation(vocab.CONFIDENCE, _first(props, "lbp:identificationConfidence")),
            "as_printed": _first(props, "dcterms:bibliographicCitation"),
            "for_claims": [local_id(x, "claim") for x in _all(props, "lbp:forClaim")],
            "data_on": [local_id(x, "claim") for x in _all(props, "lbp:dataBearsOn")],
            "note": _first(props, "rdfs:comment")}
        g.add_node(iri, **node)
        citing = _first(props, "cito:hasCitingEntity")
        g.add_edge(citing, iri, rel=Rel.LISTS if citing in c.articles else Rel.CITES)
        cited = _first(props, "cito:hasCitedEntity")
        if cited:
            g.add_edge(iri, cited, rel=Rel.CITED)


def _add_assessments(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.resources.typed("lbp:CuratorAssessment").items():
        node: AssessmentNode = {"kind": NodeKind.ASSESSMENT, "id": local_id(iri, "assessment"),
                                "fidelity": _notation(vocab.FIDELITY, _first(props, "lbp:fidelity")),
                                "note": _first(props, "rdfs:comment")}
        g.add_node(iri, **node)
        g.add_edge(_first(props, "lbp:assessesClaim"), iri, rel=Rel.ASSESSED)
        g.add_edge(iri, _first(props, "lbp:evidenceSource"), rel=Rel.EVIDENCE)


def _caution_origin(c: _Context, props: Props, condition: str) -> dict[str, str | None]:
    """The mechanism and structure an inferred caution comes from, as a pair that belongs together:
    the first mechanism that acts on a structure the condition affects. (A caution inferred from
    two mechanisms holds both mechanisms and both structures, unpaired.)"""
    affected = set(_all(c.concepts.get(condition, {}), "lbp:affects"))
    pairs = [(m, s) for m in _all(props, "lbp:viaMechanism") for s in _all(props, "lbp:loadedStructure")
             if s in affected and s in _all(c.concepts.get(m, {}), "lbp:actsOn")]
    mechanism, structure = pairs[0] if pairs else (_first(props, "lbp:viaMechanism"), _first(props, "lbp:loadedStructure"))
    return {"mechanism": c.label(mechanism), "structure": c.label(structure)}


def _add_contraindications(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.resources.typed("schema:MedicalContraindication").items():
        intervention, condition = _first(props, "lbp:intervention"), _first(props, "lbp:condition")
        node: ContraindicationNode = {
            "kind": NodeKind.CONTRAINDICATION, "id": local_id(iri, "contraindication"),
            "intervention": c.label(intervention), "condition": c.label(condition),
            "severity": _notation(vocab.SEVERITIES, _first(props, "lbp:severity")),
            "inferred": vocab.expand("lbp:InferredCaution") in _all(props, "rdf:type"),
            **_caution_origin(c, props, condition), "why": c.why.get(iri, [])}
        g.add_node(iri, **node)
        g.add_edge(iri, intervention, rel=Rel.CONTRAINDICATES)
        g.add_edge(iri, condition, rel=Rel.CONTRAINDICATES)
        for claim in _all(props, "lbp:statedBy"):
            g.add_edge(claim, iri, rel=Rel.STATES)


def _add_missing_warnings(g: nx.DiGraph, c: _Context) -> None:
    for iri, props in c.resources.typed("lbp:MissingWarning").items():
        article = _first(props, "dcterms:isPartOf")
        node: MissingWarningNode = {
            "kind": NodeKind.MISSING_WARNING, "id": local_id(iri, "warning"), "article": local_id(article, "article"),
            "intervention": c.label(_first(props, "lbp:intervention")),
            "condition": c.label(_first(props, "lbp:condition")),
            "severity": _notation(vocab.SEVERITIES, _first(props, "lbp:severity"))}
        g.add_node(iri, **node)
        g.add_edge(article, iri, rel=Rel.OMITS)
        for known in _all(props, "lbp:knownFrom"):
            g.add_edge(iri, known, rel=Rel.KNOWN_FROM)


def _ratings(resources: _Resources, why: dict[str, list[Why]]) -> dict[str, Rating]:
    """Each evidence rating (GRADE: one claim, one source): where it starts, where it ends, and
    every downgrade with its reasons, each reason with the rule and premises that derived it."""
    concerns = vocab.CONCERNS.notations
    downgrades = resources.typed("lbp:Downgrade")
    out: dict[str, Rating] = {}
    for iri, props in resources.typed("lbp:EvidenceRating").items():
        steps: list[Downgrade] = []
        for d in _all(props, "lbp:downgrade"):
            dp = downgrades.get(d, {})
            reasons: list[Reason] = [{"reason": w["value"], "rule": w["rule"], "premises": w["premises"]}
                                     for w in why.get(d, []) if w["property"] == "reason"]
            steps.append({"concern": _notation(vocab.CONCERNS, _first(dp, "lbp:concern")),
                          "levels": _first(dp, "lbp:levels") or 0,
                          "reasons": reasons or [{"reason": r, "rule": None, "premises": []}
                                                 for r in _all(dp, "lbp:reason")]})
        steps.sort(key=lambda x: (concerns.index(x["concern"]) if x["concern"] in concerns else 99))
        out[iri] = {"source": _first(props, "lbp:ratedSource"),
                    "start": _notation(vocab.CERTAINTY, _first(props, "lbp:startCertainty")),
                    "certainty": _notation(vocab.CERTAINTY, _first(props, "lbp:certainty")),
                    "downgrades": steps}
    return out


def _year(value: Any) -> int | None:
    if value is None:
        return None
    return value.year if hasattr(value, "year") else int(str(value)[:4])


def neighbourhood(store: Store, claim_iri: str) -> list[str]:
    """The IRIs a claim's trace and view read, in one query: the claim, its appearances, their
    articles (with their site and authors), speakers and what these sell, the citations made for
    the claim (by its appearances and along the chains) with the works they cite, curator
    evidence, stated contraindications, and the premises of the derived facts about the claim,
    its appearances and contraindications."""
    c, on = f"<{claim_iri}>", store.triple_patterns

    def premises_of(subject: str) -> str:
        return f"GRAPH graph:derived {{ ?d lbp:derivedSubject {subject} ; prov:used ?n }}"

    # flat branches, no property-path alternatives, derivation records looked up in the graph
    # that holds them, contraindications reached through their type: Virtuoso took 1.3 s per claim
    # over the nested form at 200k triples, 0.1 s over this
    branches = [
        on(f"?n oa:hasBody {c}"),
        on(f"?app oa:hasBody {c}", "?app dcterms:isPartOf ?n"),
        on(f"?app oa:hasBody {c}", "?app lbp:speaker ?n"),
        on(f"?app oa:hasBody {c}", "?app dcterms:isPartOf ?article", "?article schema:isPartOf ?n"),
        on(f"?app oa:hasBody {c}", "?app dcterms:isPartOf ?article", "?article schema:author ?n"),
        on(f"?app oa:hasBody {c}", "?app dcterms:isPartOf ?seller", "?seller lbp:commercialInterest ?n"),
        on(f"?app oa:hasBody {c}", "?app lbp:speaker ?seller", "?seller lbp:commercialInterest ?n"),
        on(f"?n lbp:forClaim {c}"),
        on(f"?cit lbp:forClaim {c}", "?cit cito:hasCitedEntity ?n"),
        on(f"?n lbp:assessesClaim {c}"),
        on(f"?x lbp:assessesClaim {c}", "?x lbp:evidenceSource ?n"),
        on(f"?n lbp:statedBy {c}"),
        on(f"?n lbp:ratesClaim {c}"),
        on(f"?rating lbp:ratesClaim {c}", "?rating lbp:downgrade ?n"),
        on(f"?rating lbp:ratesClaim {c}", "?rating lbp:downgrade ?down") + premises_of("?down"),
        premises_of(c),
        on(f"?s oa:hasBody {c}") + premises_of("?s"),
        on("?s a schema:MedicalContraindication", f"?s lbp:statedBy {c}") + premises_of("?s"),
    ]
    query = f"SELECT DISTINCT ?n {_graph_columns(3)} WHERE {{ {{ BIND ({c} AS ?n) }}\n" + \
        "".join(f"  UNION {{ {branch} }}\n" for branch in branches) + "}"
    return sorted(row[0]["value"] for row in store.select_graphed(sparql_prologue() + query, 3))
