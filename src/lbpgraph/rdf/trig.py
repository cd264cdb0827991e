"""A canonical TriG writer: the same dataset always serialises to the same bytes.

rdflib's own TriG serializer orders named graphs by hash, so its output changes between
processes. :func:`to_trig` writes graphs, subjects, predicates and objects in sorted order.
"""

from __future__ import annotations

from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .namespaces import NS
from .terms import turtle


def _sort_key(node: Any) -> tuple[int, str, str, str]:
    if isinstance(node, URIRef):
        return (0, str(node), "", "")
    assert isinstance(node, Literal)
    return (1, str(node), str(node.datatype or ""), node.language or "")


def _graph_body(graph: Graph) -> list[str]:
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
    out = [f"@prefix {p}: <{ns}> .\n" for p, ns in NS.items()]
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
