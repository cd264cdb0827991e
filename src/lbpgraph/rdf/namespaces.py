"""RDF plumbing: IRIs, prefixes, the vocabulary as triples, and a canonical TriG writer.

rdflib's own TriG serializer orders named graphs by hash, so its output changes between
processes. :func:`to_trig` writes graphs, subjects, predicates and objects in sorted order,
which makes the same dataset always serialise to the same bytes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD, NamespaceManager
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


# --- canonical TriG ------------------------------------------------------------------------

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_NAMESPACES = sorted(((str(ns), p) for p, ns in NS.items()), key=lambda x: -len(x[0]))
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _iri(node: URIRef) -> str:
    s = str(node)
    for ns, prefix in _NAMESPACES:
        if s.startswith(ns) and _LOCAL.match(s[len(ns):]):
            return f"{prefix}:{s[len(ns):]}"
    return "<" + "".join(c if c > " " and c not in '<>"{}|^`\\' else f"\\u{ord(c):04X}" for c in s) + ">"


def _string(lexical: str) -> str:
    out = []
    for ch in lexical:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _literal(node: Literal) -> str:
    lexical = str(node)
    if node.language:
        return f"{_string(lexical)}@{node.language}"
    dt = node.datatype
    if dt is None or dt == XSD.string:
        return _string(lexical)
    if dt == XSD.integer and re.fullmatch(r"[+-]?\d+", lexical):
        return lexical
    if dt == XSD.boolean and lexical in ("true", "false"):
        return lexical
    return f"{_string(lexical)}^^{_iri(dt)}"


def render(node: Node) -> str:
    """A term in TriG/Turtle syntax, with lbpgraph's prefixes."""
    if isinstance(node, URIRef):
        return _iri(node)
    if isinstance(node, Literal):
        return _literal(node)
    raise ValueError(f"lbpgraph graphs hold no blank nodes; found {node!r}")


def _sort_key(node: Node) -> tuple[int, str, str, str]:
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
            pname = "a" if p == RDF.type else render(p)
            parts.append(f"{pname} " + (" ,\n            ".join(render(o) for o in objs)))
        lines.append(f"    {render(s)} " + " ;\n        ".join(parts) + " .\n")
    return lines


def to_trig(ds: Dataset) -> str:
    """Serialise every named graph of ``ds`` in a canonical, byte-stable TriG."""
    out = [f"@prefix {p}: <{ns}> .\n" for p, ns in NS.items()]
    graphs = sorted((g for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)
                     and g.identifier != URIRef("urn:x-rdflib:default")),
                    key=lambda g: str(g.identifier))
    for g in graphs:
        out.append(f"\n{render(g.identifier)} {{\n")
        out.append("\n".join(_graph_body(g)))
        out.append("}\n")
    default = ds.default_graph if hasattr(ds, "default_graph") else None
    if default is not None and len(default):
        raise ValueError("lbpgraph writes every triple into a named graph; the default graph is not empty")
    return "".join(out)


# --- N-Quads (bulk loading) -----------------------------------------------------------------

_NT_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
                            **{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in "\n\r"}})
_NT_IRI = str.maketrans({c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ ' + "".join(map(chr, range(0x21)))})
_NT_STRING_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')
_NT_IRI_SPECIAL = re.compile(r'[<>"{}|^`\\\x00-\x20]')
XSD_STRING = str(XSD.string)
_XSD_INTEGER = f"^^<{XSD.integer}>"
_XSD_BOOLEAN = f"^^<{XSD.boolean}>"


def nt_string(text: str) -> str:
    """A string literal in N-Triples syntax (escaping only when there is something to escape)."""
    return f'"{text.translate(_NT_STRING) if _NT_STRING_SPECIAL.search(text) else text}"'


def nt_term(node: Node) -> str:
    """A term in N-Triples syntax."""
    if isinstance(node, URIRef):
        return f"<{node.translate(_NT_IRI) if _NT_IRI_SPECIAL.search(node) else node}>"
    if isinstance(node, Literal):
        lexical = nt_string(str(node))
        if node.language:
            return f"{lexical}@{node.language}"
        dt = node.datatype
        return lexical if dt is None or dt == XSD_STRING else f"{lexical}^^<{dt}>"
    raise ValueError(f"lbpgraph graphs hold no blank nodes; found {node!r}")


def nt_value(value: Node | str | int | bool) -> str:
    """A term, or a Python value as the literal ``rdflib.Literal(value)`` would make, in N-Triples syntax."""
    if type(value) is str:
        return nt_string(value)
    if type(value) is bool:
        return f'"{"true" if value else "false"}"{_XSD_BOOLEAN}'
    if type(value) is int:
        return f'"{value}"{_XSD_INTEGER}'
    return nt_term(value)  # type: ignore[arg-type]
