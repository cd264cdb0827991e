"""Project the RDF dataset onto a NetworkX graph for paths, traces and metrics.

Nodes are keyed by IRI and carry a ``kind`` (claim, appearance, citation, source, article,
assessment, contraindication, concept) plus plain-Python attributes read from the graph,
derived facts included. Edges carry a ``rel``:

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

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

import networkx as nx

from . import vocab

if TYPE_CHECKING:
    from .store import Row, Store, Term

Props = dict[str, list[Any]]

_P = vocab.PREFIXES


def local(iri: str, prefix: str) -> str:
    """``claim:bw-helps`` -> ``bw-helps`` (the id part of an lbpgraph IRI)."""
    ns = _P[prefix]
    return iri[len(ns):] if iri.startswith(ns) else iri


def _notation(value_set: vocab.ValueSet, iri: str | None) -> str | None:
    return value_set.notation_of(iri) if iri else None


def _first(props: Props, curie: str) -> Any:
    values = props.get(vocab.expand(curie), [])
    return sorted(values, key=str)[0] if values else None


def _all(props: Props, curie: str) -> list[Any]:
    return sorted(props.get(vocab.expand(curie), []), key=str)


_XSD = vocab.PREFIXES["xsd"]
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}


def python_value(term: Term) -> Any:
    """A term as a plain Python value: IRIs and strings as str, numbers, booleans and dates typed."""
    value, datatype = term["value"], term.get("datatype")
    if term["type"] != "literal" or datatype is None:
        return value
    if datatype in _INTEGERS:
        return int(value)
    if datatype == _XSD + "boolean":
        return value in ("true", "1")
    if datatype == _XSD + "date":
        import datetime
        return datetime.date.fromisoformat(value)
    return value


def _rows(store: Store, query: str) -> list[Row]:
    from .rules import sparql_prologue
    return store.select(sparql_prologue() + query)


def _restrict(variable: str, focus: list[str] | None) -> str:
    """A VALUES clause limiting ``variable`` to the IRIs in ``focus`` (nothing when None)."""
    if focus is None:
        return ""
    return f"VALUES {variable} {{ {' '.join(f'<{iri}>' for iri in focus)} }} "


class _Resources:
    """Every property of the projected resources, read in two queries: the resources in
    ``focus`` (all but derivation records when None), and every concept and rule."""

    def __init__(self, store: Store, focus: list[str] | None) -> None:
        self.props: dict[str, Props] = defaultdict(lambda: defaultdict(list))
        selected = (_restrict("?s", focus) if focus is not None else
                    f"FILTER (!STRSTARTS(STR(?s), {json.dumps(vocab.PREFIXES['derivation'])})) ")
        self._read(_rows(store, f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o . {selected}}}"))
        if focus is not None:  # the same for every focus, so read once per store
            if "concepts and rules" not in store.memo:
                store.memo["concepts and rules"] = _rows(
                    store, "SELECT ?s ?p ?o WHERE { VALUES ?type { skos:Concept lbp:Rule } ?s a ?type ; ?p ?o . }")
            self._read(store.memo["concepts and rules"])

    def _read(self, rows: list[Row]) -> None:
        seen = set()
        for s, p, o in rows:
            key = (s["value"], p["value"], o["type"], o["value"], o.get("datatype"), o.get("xml:lang"))
            if key not in seen:  # the second query may repeat what the first read
                seen.add(key)
                self.props[s["value"]][p["value"]].append(python_value(o))

    def typed(self, curie: str) -> dict[str, Props]:
        """The resources of one rdf:type."""
        iri, rdf_type = vocab.expand(curie), vocab.expand("rdf:type")
        return {s: p for s, p in sorted(self.props.items()) if iri in p.get(rdf_type, ())}

    def having(self, curie: str) -> dict[str, Props]:
        """The resources with a value for one property."""
        iri = vocab.expand(curie)
        return {s: p for s, p in sorted(self.props.items()) if iri in p}


def _ordered(value_set: vocab.ValueSet, iris: list[str]) -> list[str]:
    """Notations of ``iris`` in the value set's order (strongest first for ranked sets)."""
    notations = {value_set.notation_of(i) for i in iris}
    return [n for n in value_set.notations if n in notations]


_EXPLAINED = ("lbp:candidateBasis", "lbp:basis", "lbp:flag", "lbp:strength", "lbp:peerReviewedSupportFrom",
              "lbp:certainty", "lbp:reason")


def _derivations(store: Store, focus: list[str] | None) -> dict[str, list[dict[str, Any]]]:
    """subject IRI -> how each of its explained derived facts was derived (rule and premises)."""
    values = ", ".join(_EXPLAINED)
    query = f"""
        SELECT ?s ?p ?o ?rule ?premise WHERE {{
          {_restrict('?s', focus)}?d lbp:derivedSubject ?s ; lbp:derivedPredicate ?p ; lbp:derivedObject ?o ;
             prov:wasGeneratedBy ?rule .
          FILTER (?p IN ({values}))
          OPTIONAL {{ ?d prov:used ?premise }}
        }}"""
    grouped: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for s, p, o, rule, premise in _rows(store, query):
        key = (s["value"], p["value"][len(vocab.LBP):], o["value"], local(rule["value"], "rule"))
        if premise is not None:
            grouped[key].add(premise["value"])
        else:
            grouped.setdefault(key, set())
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (s, p, o, rule), premises in sorted(grouped.items()):
        result[s].append({"property": p, "value": o, "rule": rule, "premises": sorted(premises)})
    return result


def project(store: Store, focus: list[str] | None = None) -> nx.DiGraph:
    """The NetworkX projection of a built dataset (derived facts included).

    With ``focus`` (IRIs, see :func:`neighbourhood`), only those resources are projected, plus
    every concept and rule: enough to trace a claim without reading the whole graph.
    """
    g = nx.DiGraph()
    resources = _Resources(store, focus)
    g.graph["rules"] = {
        local(iri, "rule"): {"description": _first(p, "rdfs:comment"), "file": _first(p, "lbp:ruleFile"),
                             "order": _first(p, "lbp:ruleOrder")}
        for iri, p in resources.typed("lbp:Rule").items()}
    why = _derivations(store, focus)
    lbp = vocab.PREFIXES["lbp"]
    concepts = {iri: p for iri, p in resources.typed("skos:Concept").items()
                if vocab.expand("skos:inScheme") in p and not iri.startswith(lbp)}
    labels = {iri: _first(p, "skos:prefLabel") for iri, p in concepts.items()}
    for iri, props in concepts.items():
        scheme = _first(props, "skos:inScheme") or ""
        g.add_node(iri, kind="concept", id=local(iri, "concept"), label=labels[iri],
                   scheme=scheme[len(vocab.LBP):].removesuffix("Scheme").lower(),
                   definition=_first(props, "skos:definition"),
                   direction=_notation(vocab.DIRECTIONS, _first(props, "lbp:direction")),
                   outcome_kind=_notation(vocab.OUTCOME_KINDS, _first(props, "lbp:outcomeKind")),
                   exact_match=_all(props, "skos:exactMatch"),
                   broader=[local(b, "concept") for b in _all(props, "skos:broader")])
    for iri, props in concepts.items():
        for target in _all(props, "lbp:actsOn"):
            g.add_edge(iri, target, rel="acts-on")
        for target in _all(props, "lbp:affects"):
            g.add_edge(iri, target, rel="affects")

    articles = resources.having("lbp:articleKind")
    speakers = resources.typed("schema:Person")
    offers = resources.typed("schema:Offer")
    for iri, props in articles.items():
        g.add_node(iri, kind="article", id=local(iri, "article"), title=_first(props, "schema:name"),
                   article_kind=_notation(vocab.ARTICLE_KINDS, _first(props, "lbp:articleKind")),
                   published=_first(props, "schema:datePublished"),
                   url=_first(props, "schema:url"), publisher=_first(props, "schema:publisher"),
                   site=_first(resources.props.get(_first(props, "schema:isPartOf"), {}), "schema:name"),
                   authors=sorted(_first(speakers.get(a, {}), "schema:name") or "" for a in _all(props, "schema:author")),
                   accessed=_first(props, "schema:dateRead"),
                   sentences=_first(props, "lbp:sentenceCount") or 0,
                   accounted=_first(props, "lbp:accountedSentenceCount") or 0,
                   commercial_interest=[_offer(offers, o, labels) for o in _all(props, "lbp:commercialInterest")])

    for iri, props in offers.items():
        g.add_node(iri, kind="offer", id=local(iri, "offer"), name=_first(props, "schema:name"),
                   interventions=[labels.get(x, x) for x in _all(props, "lbp:relatedIntervention")])
    sources = resources.having("lbp:peerReview")
    for iri, props in sources.items():
        design = _notation(vocab.DESIGNS, _first(props, "lbp:studyDesign"))
        g.add_node(iri, kind="source", id=local(iri, "source"), label=_first(props, "rdfs:label"),
                   title=_first(props, "dcterms:title"), authors=_first(props, "lbp:authorList"),
                   year=_year(_first(props, "fabio:hasPublicationYear")),
                   venue=_first(props, "prism:publicationName"),
                   volume=_first(props, "prism:volume"), issue=_first(props, "prism:number"),
                   pages=_first(props, "prism:pageRange"), doi=_first(props, "prism:doi"),
                   pmid=_first(props, "fabio:hasPubMedId"),
                   peer_reviewed=_notation(vocab.PEER_REVIEW, _first(props, "lbp:peerReview")),
                   design=design,
                   design_label=vocab.DESIGNS.term(design).label if design else None,
                   cebm_level=vocab.DESIGNS.term(design).cebm_level if design else None,
                   design_description=_first(props, "lbp:designDescription"),
                   sample_size=_first(props, "lbp:sampleSize"),
                   sample_description=_first(props, "lbp:sampleDescription"),
                   population=_first(props, "lbp:populationDescription"),
                   finding=_first(props, "lbp:finding"),
                   verification=_notation(vocab.VERIFICATION, _first(props, "lbp:verification")),
                   verified_at=_all(props, "lbp:verifiedAt"),
                   corrections=_all(props, "lbp:correction"),
                   identified=vocab.expand("lbp:UnidentifiedSource") not in _all(props, "rdf:type"),
                   curator_added=vocab.expand("lbp:CuratorEvidence") in _all(props, "rdf:type"),
                   note=_first(props, "rdfs:comment"))

    ratings = _ratings(resources, why)
    claims = resources.typed("schema:Claim")
    for iri, props in claims.items():
        strength = _notation(vocab.DESIGNS, _first(props, "lbp:strength"))
        g.add_node(iri, kind="claim", id=local(iri, "claim"), statement=_first(props, "schema:text"),
                   claim_kind=_notation(vocab.CLAIM_KINDS, _first(props, "lbp:claimKind")),
                   interventions=[labels.get(x, x) for x in _all(props, "schema:about")],
                   mechanisms=[labels.get(x, x) for x in _all(props, "lbp:invokesMechanism")],
                   conditions=[labels.get(x, x) for x in _all(props, "lbp:aboutCondition")],
                   outcome=labels.get(_first(props, "lbp:outcome")),
                   population=labels.get(_first(props, "lbp:population")),
                   peer_reviewed_support=bool(_first(props, "lbp:peerReviewedSupport")),
                   basis=_ordered(vocab.BASES, _all(props, "lbp:basis")),
                   strength=strength,
                   flags=_ordered(vocab.FLAGS, _all(props, "lbp:flag")),
                   certainty=_notation(vocab.CERTAINTY, _first(props, "lbp:certainty")) or "none",
                   certainty_from=[ratings[r] for r in _all(props, "lbp:certaintyFrom") if r in ratings],
                   note=_first(props, "rdfs:comment"), why=why.get(iri, []))
        for x in _all(props, "schema:about"):
            g.add_edge(iri, x, rel="about")
        for x in _all(props, "lbp:invokesMechanism"):
            g.add_edge(iri, x, rel="invokes")

    selectors = _selectors(store, focus)
    appearances = resources.typed("lbp:Appearance")
    for iri, props in appearances.items():
        article = _first(props, "dcterms:isPartOf")
        speaker = speakers.get(_first(props, "lbp:speaker"), {})
        quote, start, end = selectors.get(iri, ("", 0, 0))
        g.add_node(iri, kind="appearance", id=local(iri, "appearance"),
                   article=local(article, "article"), quote=quote, start=start, end=end,
                   speaker={"name": _first(speaker, "schema:name") or _first(speaker, "rdfs:label"),
                            "anonymous": _first(speaker, "schema:name") is None,
                            "role": _notation(vocab.SPEAKER_ROLES, _first(speaker, "lbp:speakerRole")),
                            "credentials": _first(speaker, "lbp:credentials"),
                            "commercial_interest": [_offer(offers, o, labels)
                                                    for o in _all(speaker, "lbp:commercialInterest")]},
                   hedging=_notation(vocab.HEDGING, _first(props, "lbp:hedging")),
                   appeal=_ordered(vocab.BASES, _all(props, "lbp:appeal")),
                   basis=_notation(vocab.BASES, _first(props, "lbp:basis")),
                   flags=_ordered(vocab.FLAGS, _all(props, "lbp:flag")),
                   note=_first(props, "rdfs:comment"), why=why.get(iri, []),
                   draft=bool(_first(props, "lbp:draft")))
        g.add_edge(_first(props, "oa:hasBody"), iri, rel="appearance")
        g.add_edge(article, iri, rel="contains")
        for source in _all(props, "lbp:peerReviewedSupportFrom"):
            g.add_edge(iri, source, rel="supported-by")

    citations = resources.typed("cito:Citation")
    for iri, props in citations.items():
        relation = _first(props, "cito:hasCitationCharacterization")
        g.add_node(iri, kind="citation", id=local(iri, "citation"),
                   position=_first(props, "lbp:position") or 0, marker=_first(props, "lbp:marker"),
                   mode=_notation(vocab.CITATION_MODES, _first(props, "lbp:citationMode")),
                   relation=local(relation, "cito") if relation else None,
                   fidelity=_notation(vocab.FIDELITY, _first(props, "lbp:fidelity")),
                   stance=_notation(vocab.STANCES, _first(props, "lbp:stance")),
                   confidence=_notation(vocab.CONFIDENCE, _first(props, "lbp:identificationConfidence")),
                   as_printed=_first(props, "dcterms:bibliographicCitation"),
                   for_claims=[local(c, "claim") for c in _all(props, "lbp:forClaim")],
                   data_on=[local(c, "claim") for c in _all(props, "lbp:dataBearsOn")],
                   note=_first(props, "rdfs:comment"))
        citing = _first(props, "cito:hasCitingEntity")
        g.add_edge(citing, iri, rel="lists" if citing in articles else "cites")
        cited = _first(props, "cito:hasCitedEntity")
        if cited:
            g.add_edge(iri, cited, rel="cited")

    for iri, props in resources.typed("lbp:CuratorAssessment").items():
        g.add_node(iri, kind="assessment", id=local(iri, "assessment"),
                   fidelity=_notation(vocab.FIDELITY, _first(props, "lbp:fidelity")),
                   note=_first(props, "rdfs:comment"))
        g.add_edge(_first(props, "lbp:assessesClaim"), iri, rel="assessed")
        g.add_edge(iri, _first(props, "lbp:evidenceSource"), rel="evidence")

    for iri, props in resources.typed("schema:MedicalContraindication").items():
        intervention, condition = _first(props, "lbp:intervention"), _first(props, "lbp:condition")
        mechanism, structure = _first(props, "lbp:viaMechanism"), _first(props, "lbp:loadedStructure")
        g.add_node(iri, kind="contraindication", id=local(iri, "contraindication"),
                   intervention=labels.get(intervention), condition=labels.get(condition),
                   severity=_notation(vocab.SEVERITIES, _first(props, "lbp:severity")),
                   inferred=vocab.expand("lbp:InferredCaution") in _all(props, "rdf:type"),
                   mechanism=labels.get(mechanism), structure=labels.get(structure),
                   why=why.get(iri, []))
        g.add_edge(iri, intervention, rel="contraindicates")
        g.add_edge(iri, condition, rel="contraindicates")
        for claim in _all(props, "lbp:statedBy"):
            g.add_edge(claim, iri, rel="states")
    for iri, props in resources.typed("lbp:MissingWarning").items():
        article = _first(props, "dcterms:isPartOf")
        g.add_node(iri, kind="missing-warning", id=local(iri, "warning"), article=local(article, "article"),
                   intervention=labels.get(_first(props, "lbp:intervention")),
                   condition=labels.get(_first(props, "lbp:condition")),
                   severity=_notation(vocab.SEVERITIES, _first(props, "lbp:severity")))
        g.add_edge(article, iri, rel="omits")
        for known in _all(props, "lbp:knownFrom"):
            g.add_edge(iri, known, rel="known-from")
    if focus is not None:  # ends of edges that lead out of the focus
        g.remove_nodes_from([n for n, d in g.nodes(data=True) if "kind" not in d])
    return g


def _ratings(resources: _Resources, why: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Each evidence rating (GRADE: one claim, one source): where it starts, where it ends, and
    every downgrade with its reasons, each reason with the rule and premises that derived it."""
    concerns = vocab.CONCERNS.notations
    downgrades = resources.typed("lbp:Downgrade")
    out = {}
    for iri, props in resources.typed("lbp:EvidenceRating").items():
        steps = []
        for d in _all(props, "lbp:downgrade"):
            dp = downgrades.get(d, {})
            reasons = [{"reason": w["value"], "rule": w["rule"], "premises": w["premises"]}
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


def _offer(offers: dict[str, Props], iri: str, labels: dict[str, str]) -> dict[str, Any]:
    props = offers.get(iri, {})
    return {"name": _first(props, "schema:name"),
            "interventions": [labels.get(x, x) for x in _all(props, "lbp:relatedIntervention")]}


def _selectors(store: Store, focus: list[str] | None) -> dict[str, tuple[str, int, int]]:
    query = f"""
        SELECT ?annotation ?exact ?start ?end WHERE {{
          {_restrict('?annotation', focus)}?annotation a lbp:Appearance ; oa:hasTarget ?target .
          ?target oa:hasSelector ?quote, ?position .
          ?quote oa:exact ?exact .
          ?position oa:start ?start ; oa:end ?end .
        }}"""
    return {a["value"]: (x["value"], int(s["value"]), int(e["value"])) for a, x, s, e in _rows(store, query)}


def neighbourhood(store: Store, claim_iri: str) -> list[str]:
    """The IRIs a claim's trace and view read, in one query: the claim, its appearances, their
    articles (with their site and authors), speakers and what these sell, the citations made for the claim (by its appearances
    and along the chains) with the works they cite, curator evidence, stated contraindications,
    and the premises of the derived facts about the claim, its appearances and contraindications."""
    c = f"<{claim_iri}>"
    # flat branches, no property-path alternatives, derivation records looked up in the graph
    # that holds them, contraindications reached through their type: Virtuoso took 1.3 s per claim
    # over the nested form at 200k triples, 0.1 s over this
    query = f"""
        SELECT DISTINCT ?n WHERE {{
          {{ BIND ({c} AS ?n) }}
          UNION {{ ?n oa:hasBody {c} }}
          UNION {{ ?app oa:hasBody {c} ; dcterms:isPartOf ?n }}
          UNION {{ ?app oa:hasBody {c} ; lbp:speaker ?n }}
          UNION {{ ?app oa:hasBody {c} ; dcterms:isPartOf ?article . ?article schema:isPartOf ?n }}
          UNION {{ ?app oa:hasBody {c} ; dcterms:isPartOf ?article . ?article schema:author ?n }}
          UNION {{ ?app oa:hasBody {c} ; dcterms:isPartOf ?seller . ?seller lbp:commercialInterest ?n }}
          UNION {{ ?app oa:hasBody {c} ; lbp:speaker ?seller . ?seller lbp:commercialInterest ?n }}
          UNION {{ ?n lbp:forClaim {c} }}
          UNION {{ ?cit lbp:forClaim {c} ; cito:hasCitedEntity ?n }}
          UNION {{ ?n lbp:assessesClaim {c} }}
          UNION {{ ?x lbp:assessesClaim {c} ; lbp:evidenceSource ?n }}
          UNION {{ ?n lbp:statedBy {c} }}
          UNION {{ ?n lbp:ratesClaim {c} }}
          UNION {{ ?rating lbp:ratesClaim {c} ; lbp:downgrade ?n }}
          UNION {{ ?rating lbp:ratesClaim {c} ; lbp:downgrade ?down .
                   GRAPH graph:derived {{ ?d lbp:derivedSubject ?down ; prov:used ?n }} }}
          UNION {{ GRAPH graph:derived {{ ?d lbp:derivedSubject {c} ; prov:used ?n }} }}
          UNION {{ ?s oa:hasBody {c} . GRAPH graph:derived {{ ?d lbp:derivedSubject ?s ; prov:used ?n }} }}
          UNION {{ ?s a schema:MedicalContraindication ; lbp:statedBy {c} .
                   GRAPH graph:derived {{ ?d lbp:derivedSubject ?s ; prov:used ?n }} }}
        }}"""
    return sorted(row[0]["value"] for row in _rows(store, query))
