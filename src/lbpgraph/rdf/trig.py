"""A canonical TriG writer: the same dataset always serialises to the same bytes.

rdflib's own TriG serializer orders named graphs by hash, so its output changes between
processes. :func:`to_trig` writes graphs, subjects, predicates and objects in sorted order;
:func:`quads_to_trig` writes the same bytes from pyoxigraph quads, without rdflib (a build
holds its dataset in Oxigraph: at a million triples this is many times faster than filling an
rdflib Dataset to serialise it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..core import vocab
from .terms import XSD_STRING, turtle, turtle_oxigraph

if TYPE_CHECKING:
    from rdflib import Dataset, Graph


def _sort_key(node: Any) -> tuple[int, str, str, str]:
    from rdflib import Literal, URIRef
    if isinstance(node, URIRef):
        return (0, str(node), "", "")
    assert isinstance(node, Literal)
    return (1, str(node), str(node.datatype or ""), node.language or "")


def _graph_body(graph: Graph) -> list[str]:
    from rdflib.namespace import RDF
    lines: list[str] = []
    subjects = sorted(set(graph.subjects()), key=_sort_key)
    for s in subjects:
        preds = sorted(set(graph.predicates(s)), key=lambda p: (p != RDF.type, str(p)))
        parts = []
        for p in preds:
            objs = sorted(graph.objects(s, p), key=_sort_key)
            pname = "a" if p == RDF.type else turtle(p)
            parts.append(f"{pname} " + (" ,\n            ".join(turtle(o) for o in objs)))
        lines.append(f"    {turtle(s)} " + " ;\n        ".join(parts) + " .\n")
    return lines


def to_trig(ds: Dataset) -> str:
    """Serialise every named graph of ``ds`` in a canonical, byte-stable TriG."""
    from rdflib import URIRef
    out = _prefixes()
    graphs = sorted((g for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)
                     and g.identifier != URIRef("urn:x-rdflib:default")),
                    key=lambda g: str(g.identifier))
    for g in graphs:
        out.append(f"\n{turtle(g.identifier)} {{\n")
        out.append("\n".join(_graph_body(g)))
        out.append("}\n")
    default = ds.default_graph if hasattr(ds, "default_graph") else None
    if default is not None and len(default):
        raise ValueError("lbpgraph writes every triple into a named graph; the default graph is not empty")
    return "".join(out)


def _prefixes() -> list[str]:
    return [f"@prefix {p}: <{ns}> .\n" for p, ns in vocab.PREFIXES.items()]


_RDF_TYPE = vocab.PREFIXES["rdf"] + "type"


def _oxigraph_key(node: Any) -> tuple[int, str, str, str]:
    """:func:`_sort_key` for a pyoxigraph term (a language-tagged or xsd:string literal has no
    datatype in rdflib)."""
    if node.__class__.__name__ == "NamedNode":
        return (0, node.value, "", "")
    datatype = "" if node.language or node.datatype.value == XSD_STRING else node.datatype.value
    return (1, node.value, datatype, node.language or "")


def quads_to_trig(quads: Iterable[Any]) -> str:
    """The bytes :func:`to_trig` writes for the same dataset, from pyoxigraph quads (every quad
    in a named graph; duplicates are written once)."""
    graphs: dict[str, dict[str, dict[str, dict[Any, None]]]] = {}
    for q in quads:
        if q.graph_name.__class__.__name__ != "NamedNode":
            raise ValueError("lbpgraph writes every triple into a named graph; the default graph is not empty")
        graph = graphs.setdefault(q.graph_name.value, {})
        graph.setdefault(q.subject.value, {}).setdefault(q.predicate.value, {})[q.object] = None
    out = _prefixes()
    for name in sorted(graphs):
        out.append(f"\n{turtle_oxigraph(name)} {{\n")
        out.append("\n".join(_oxigraph_body(graphs[name])))
        out.append("}\n")
    return "".join(out)


def _oxigraph_body(graph: dict[str, dict[str, dict[Any, None]]]) -> list[str]:
    lines = []
    for s in sorted(graph):
        parts = []
        for p in sorted(graph[s], key=lambda p: (p != _RDF_TYPE, p)):
            objs = sorted(graph[s][p], key=_oxigraph_key)
            pname = "a" if p == _RDF_TYPE else turtle_oxigraph(p)
            parts.append(f"{pname} " + (" ,\n            ".join(turtle_oxigraph(o) for o in objs)))
        lines.append(f"    {turtle_oxigraph(s)} " + " ;\n        ".join(parts) + " .\n")
    return lines
