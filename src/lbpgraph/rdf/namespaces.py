"""The namespaces and named graphs lbpgraph binds, and its vocabulary as triples (rdflib terms).

:mod:`lbpgraph.core.vocab` defines the prefixes, terms and value sets as plain Python; this
module turns them into rdflib namespaces (``NS["claim"]``, :data:`LBP`, ...), the IRIs of the
named graphs, controlled values (:func:`value`) and the triples that publish the vocabulary.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from ..core import vocab


class _Namespace(Namespace):
    """A Namespace that mints each recently used term once (rdflib mints and validates a new
    URIRef on every attribute access, which dominates building a million triples)."""

    def term(self, name: str) -> URIRef:
        return _term(str(self), name)


@functools.lru_cache(maxsize=16384)
def _term(namespace: str, name: str) -> URIRef:
    return Namespace(namespace).term(name)


NS = {prefix: _Namespace(iri) for prefix, iri in vocab.PREFIXES.items()}
LBP = NS["lbp"]
SCHEMA, OA, CITO, FABIO, PRISM = NS["schema"], NS["oa"], NS["cito"], NS["fabio"], NS["prism"]
PROV, SKOS, DCTERMS, RDFS = NS["prov"], NS["skos"], NS["dcterms"], NS["rdfs"]

GRAPH_BIBLIOGRAPHY = NS["graph"]["bibliography"]
GRAPH_DERIVED = NS["graph"]["derived"]
CURATORS = LBP["curators"]


def article_graph(article_id: str) -> URIRef:
    return NS["graph"][f"article-{article_id}"]


def value(value_set: vocab.ValueSet, notation: str) -> URIRef:
    """IRI of a controlled value, e.g. ``value(vocab.BASES, "peer-reviewed")``."""
    return URIRef(value_set.iri(notation))


def term(curie: str) -> URIRef:
    return URIRef(vocab.expand(curie))


def new_dataset() -> Dataset:
    """An empty in-memory dataset with exactly lbpgraph's prefixes bound."""
    ds = Dataset(default_union=True)
    ds.namespace_manager = NamespaceManager(ds, bind_namespaces="none")
    for prefix, ns in NS.items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds


def vocabulary_triples() -> Iterable[tuple[Node, Node, Node]]:
    """The lbp: terms and every controlled value set as SKOS concept schemes."""
    for t in vocab.TERMS:
        if t.curie.startswith("lbp:"):
            yield term(t.curie), RDF.type, RDFS.Class if t.kind == "class" else RDF.Property
            yield term(t.curie), RDFS.comment, Literal(t.comment)
    yield CURATORS, RDF.type, PROV.Agent
    yield CURATORS, RDFS.label, Literal("lbpgraph curators")
    for vs in vocab.VALUE_SETS:
        scheme = LBP[vs.scheme]
        yield scheme, RDF.type, SKOS.ConceptScheme
        yield scheme, SKOS.prefLabel, Literal(vs.label, lang="en")
        for t in vs.terms:
            node = value(vs, t.notation)
            yield node, RDF.type, SKOS.Concept
            yield node, SKOS.inScheme, scheme
            yield node, SKOS.notation, Literal(t.notation)
            yield node, SKOS.prefLabel, Literal(t.label, lang="en")
            yield node, SKOS.definition, Literal(t.definition, lang="en")
            if t.rank is not None:
                yield node, LBP.rank, Literal(t.rank)
            if t.cebm_level is not None:
                yield node, LBP.cebmLevel, Literal(t.cebm_level)
