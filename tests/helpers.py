"""Helpers only tests need: a dataset built in memory, and a store over a dataset a test made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Literal, URIRef

from lbpgraph.build.pipeline import build_store
from lbpgraph.model.corpus import Corpus
from lbpgraph.rdf.namespaces import new_dataset
from lbpgraph.rdf.terms import from_oxigraph
from lbpgraph.stores.memory import MemoryStore


def build_dataset(corpus: Corpus) -> Dataset:
    """The whole built dataset of ``corpus``, rules applied, as an rdflib Dataset (written nowhere)."""
    ds = new_dataset()
    for q in build_store(corpus):
        ds.add((*(_rdflib(from_oxigraph(t)) for t in (q.subject, q.predicate, q.object)),
                URIRef(q.graph_name.value)))
    return ds


def _rdflib(term: Any) -> Any:
    """An rdflib term from the JSON term :func:`from_oxigraph` gives."""
    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    return Literal(term["value"], lang=term.get("xml:lang"),
                   datatype=None if "xml:lang" in term else URIRef(term["datatype"]) if "datatype" in term else None)


def _oxigraph(term: Any) -> Any:
    import pyoxigraph as ox
    if term is None:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


class DatasetStore(MemoryStore):
    """The memory store over a dataset a test made (an rdflib Dataset), instead of a build
    folder's graph.trig."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(Path("unused"))
        self.given = dataset

    def oxigraph(self) -> Any:
        if self._store is None:
            import pyoxigraph as ox
            self._store = ox.Store()
            self._store.extend(ox.Quad(*(_oxigraph(t) for t in q)) for q in self.given.quads((None, None, None, None)))
        return self._store
