"""Every conversion of an RDF term, in one place.

lbpgraph meets terms in five forms: rdflib's (the memory store, TriG, rules' parameters),
pyoxigraph's (the build and the oxigraph store), SPARQL 1.1 JSON (:data:`Term`: what every store
answers, and what a SPARQL server sends), N-Triples and Turtle text (what the build writes and a
push uploads), and plain Python values (what the projection holds). Each conversion is a
function here, so that two stores can never disagree on how a literal looks.

Heavy libraries are imported inside the functions that need them: the fast commands import this
module without loading rdflib or pyoxigraph.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..core import vocab

Term = dict[str, str]  # a SPARQL 1.1 JSON term: {"type": "uri" | "literal" | "bnode", "value", ...}
XSD = vocab.PREFIXES["xsd"]
XSD_STRING = XSD + "string"
RDF_LANG_STRING = vocab.PREFIXES["rdf"] + "langString"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}


# --- to SPARQL 1.1 JSON ---------------------------------------------------------------------------

def from_rdflib(node: Any) -> Term:
    """An rdflib term as a SPARQL 1.1 JSON term."""
    from rdflib import BNode, Literal, URIRef
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    term = {"type": "literal", "value": str(node)}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype is not None and str(node.datatype) != XSD_STRING:
        term["datatype"] = str(node.datatype)
    return term


def from_oxigraph(node: Any) -> Term:
    """A pyoxigraph term as a SPARQL 1.1 JSON term."""
    import pyoxigraph as ox
    if isinstance(node, ox.NamedNode):
        return {"type": "uri", "value": node.value}
    if isinstance(node, ox.BlankNode):
        return {"type": "bnode", "value": node.value}
    term = {"type": "literal", "value": node.value}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype.value != XSD_STRING:
        term["datatype"] = node.datatype.value
    return term


def from_sparql_json(term: dict[str, Any]) -> Term:
    """A SPARQL JSON term from a server, as the memory store writes it (Virtuoso writes
    ``typed-literal`` and booleans as 1/0)."""
    kind = "literal" if term["type"] == "typed-literal" else term["type"]
    out = {"type": kind, "value": term["value"]}
    if "xml:lang" in term:
        out["xml:lang"] = term["xml:lang"]
    elif (datatype := term.get("datatype")) and datatype != XSD_STRING:
        out["datatype"] = datatype
        if datatype == XSD + "boolean":
            out["value"] = {"1": "true", "0": "false"}.get(term["value"], term["value"])
    return out


# --- from SPARQL 1.1 JSON -------------------------------------------------------------------------

def to_python(term: Term) -> Any:
    """A term as a plain Python value: IRIs and strings as str, numbers, booleans and dates typed."""
    value, datatype = term["value"], term.get("datatype")
    if term["type"] != "literal" or datatype is None:
        return value
    if datatype in _INTEGERS:
        return int(value)
    if datatype == XSD + "boolean":
        return value in ("true", "1")
    if datatype == XSD + "date":
        import datetime
        return datetime.date.fromisoformat(value)
    return value


def oxigraph_to_python(node: Any) -> Any:
    """A pyoxigraph term as a plain Python value, as :func:`to_python` gives it from JSON."""
    import pyoxigraph as ox
    if type(node) is not ox.Literal or node.language:
        return node.value
    datatype = node.datatype.value
    if datatype in _INTEGERS:
        return int(node.value)
    if datatype == XSD + "boolean":
        return node.value in ("true", "1")
    if datatype == XSD + "date":
        import datetime
        return datetime.date.fromisoformat(node.value)
    return node.value


def to_rdflib(term: Term, as_written: bool = False) -> Any:
    """A SPARQL 1.1 JSON term as an rdflib term; with ``as_written``, a literal keeps its
    lexical form as it came (rdflib would write ``"01"^^xsd:integer`` as ``"1"``)."""
    from rdflib import BNode, Literal, URIRef
    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    return Literal(term["value"], lang=term.get("xml:lang"), datatype=term.get("datatype"),
                   normalize=False if as_written else None)


def to_oxigraph(term: Term) -> Any:
    """A SPARQL 1.1 JSON term as a pyoxigraph term."""
    import pyoxigraph as ox
    if term["type"] == "uri":
        return ox.NamedNode(term["value"])
    if term["type"] == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


def compact(term: Term | None) -> str:
    """A term as a table shows it: an IRI as a prefixed name where one fits, else ``<iri>``."""
    if term is None:
        return ""
    if term["type"] == "uri":
        value = term["value"]
        for prefix, ns in _LONGEST_FIRST:
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
        return f"<{value}>"
    return f"_:{term['value']}" if term["type"] == "bnode" else term["value"]


_LONGEST_FIRST = sorted(vocab.PREFIXES.items(), key=lambda x: -len(x[1]))


def csv_text(term: Term | None) -> str:
    """A term in SPARQL 1.1 CSV: the plain value (``_:label`` for a blank node)."""
    if term is None:
        return ""
    return f"_:{term['value']}" if term["type"] == "bnode" else term["value"]


#: String escapes of SPARQL TSV: Turtle's ECHAR where one exists (SPARQL-grammar readers such as
#: rdflib's take no \\u escape in a string), \\u for the other control characters.
_TSV_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
                             "\f": "\\f", **{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]
                                               if chr(c) not in "\n\r\t\b\f"}})


def tsv_text(term: Term | None) -> str:
    """A term in SPARQL 1.1 TSV: Turtle syntax without prefixes, tabs and line ends escaped."""
    if term is None:
        return ""
    if term["type"] != "literal":
        return nt_json(term)
    lexical = '"' + term["value"].translate(_TSV_STRING) + '"'
    if "xml:lang" in term:
        return f"{lexical}@{term['xml:lang']}"
    return f"{lexical}^^{nt_iri(term['datatype'])}" if "datatype" in term else lexical


def local_id(iri: str, prefix: str) -> str:
    """``claim:bw-helps`` -> ``bw-helps`` (the id part of an lbpgraph IRI)."""
    ns = vocab.PREFIXES[prefix]
    return iri[len(ns):] if iri.startswith(ns) else iri


# --- between the two libraries --------------------------------------------------------------------

def oxigraph_to_rdflib(node: Any) -> Any:
    """A pyoxigraph IRI or literal as the rdflib term with the same value."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    return Literal(node.value, datatype=None if node.datatype.value == XSD_STRING else node.datatype.value)


# --- N-Triples ------------------------------------------------------------------------------------

_NT_STRING = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
                            **{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in "\n\r"}})
_NT_IRI = str.maketrans({c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ ' + "".join(map(chr, range(0x21)))})
_NT_STRING_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')
_NT_IRI_SPECIAL = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_XSD_INTEGER = f"^^<{XSD}integer>"
_XSD_BOOLEAN = f"^^<{XSD}boolean>"


def nt_string(text: str) -> str:
    """A string literal in N-Triples syntax (escaping only when there is something to escape)."""
    return f'"{text.translate(_NT_STRING) if _NT_STRING_SPECIAL.search(text) else text}"'


def nt_iri(iri: str) -> str:
    """An IRI in N-Triples syntax, characters it cannot hold written as ``\\uXXXX``."""
    return f"<{iri.translate(_NT_IRI) if _NT_IRI_SPECIAL.search(iri) else iri}>"


def nt_term(node: Any) -> str:
    """An rdflib term in N-Triples syntax."""
    from rdflib import Literal, URIRef
    if isinstance(node, URIRef):
        return nt_iri(node)
    if isinstance(node, Literal):
        lexical = nt_string(str(node))
        if node.language:
            return f"{lexical}@{node.language}"
        dt = node.datatype  # an rdflib URIRef never equals a str: a typed xsd:string keeps its type
        return lexical if dt is None or dt == XSD_STRING else f"{lexical}^^<{dt}>"
    raise ValueError(f"lbpgraph graphs hold no blank nodes; found {node!r}")


def nt_json(term: Term) -> str:
    """A SPARQL 1.1 JSON term in N-Triples syntax (a blank node as ``_:label``)."""
    if term["type"] == "uri":
        return nt_iri(term["value"])
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    lexical = nt_string(term["value"])
    if "xml:lang" in term:
        return f"{lexical}@{term['xml:lang']}"
    return f"{lexical}^^{nt_iri(term['datatype'])}" if "datatype" in term else lexical


def nt_value(value: Any) -> str:
    """A term, or a Python value as the literal ``rdflib.Literal(value)`` would make, in N-Triples syntax."""
    if type(value) is str:
        return nt_string(value)
    if type(value) is bool:
        return f'"{"true" if value else "false"}"{_XSD_BOOLEAN}'
    if type(value) is int:
        return f'"{value}"{_XSD_INTEGER}'
    return nt_term(value)


def nt_oxigraph(node: Any, iri: Any = nt_iri) -> str:
    """A pyoxigraph IRI or literal in N-Triples syntax; ``iri`` writes each IRI (the IRI of the
    term or the datatype), so that a caller can check them on the way."""
    import pyoxigraph as ox
    if isinstance(node, ox.NamedNode):
        return iri(node.value)
    text = nt_string(node.value)
    if node.language:
        return f"{text}@{node.language}"
    if node.datatype.value == XSD_STRING:
        return text
    return f"{text}^^{iri(node.datatype.value)}"


# --- Turtle and TriG ------------------------------------------------------------------------------

_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_NAMESPACES = sorted(((ns, p) for p, ns in vocab.PREFIXES.items()), key=lambda x: -len(x[0]))
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def turtle(node: Any) -> str:
    """An rdflib IRI or literal in Turtle/TriG syntax, with lbpgraph's prefixes."""
    from rdflib import Literal, URIRef
    if isinstance(node, URIRef):
        return _turtle_iri(node)
    if isinstance(node, Literal):
        return _turtle_literal(node)
    raise ValueError(f"lbpgraph graphs hold no blank nodes; found {node!r}")


def turtle_oxigraph(node: Any) -> str:
    """A pyoxigraph IRI or literal (or an IRI as a string) in Turtle/TriG syntax, as
    :func:`turtle` writes the same rdflib term."""
    if isinstance(node, str):
        return _turtle_iri(node)
    if node.__class__.__name__ == "NamedNode":
        return _turtle_iri(node.value)
    if node.__class__.__name__ != "Literal":
        raise ValueError(f"lbpgraph graphs hold no blank nodes; found {node!r}")
    if node.language:
        return f"{_turtle_string(node.value)}@{node.language}"
    return _typed_literal(node.value, node.datatype.value)


def _turtle_iri(node: Any) -> str:
    return _turtle_iri_text(str(node))


@functools.lru_cache(maxsize=1 << 16)
def _turtle_iri_text(s: str) -> str:
    for ns, prefix in _NAMESPACES:
        if s.startswith(ns) and _LOCAL.match(s[len(ns):]):
            return f"{prefix}:{s[len(ns):]}"
    return "<" + "".join(c if c > " " and c not in '<>"{}|^`\\' else f"\\u{ord(c):04X}" for c in s) + ">"


_TURTLE_STRING = str.maketrans({**{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]}, **_ESCAPES})
_TURTLE_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')


def _turtle_string(lexical: str) -> str:
    return '"' + (lexical.translate(_TURTLE_STRING) if _TURTLE_SPECIAL.search(lexical) else lexical) + '"'


def _turtle_literal(node: Any) -> str:
    lexical = str(node)
    if node.language:
        return f"{_turtle_string(lexical)}@{node.language}"
    return _typed_literal(lexical, None if node.datatype is None else str(node.datatype))


def _typed_literal(lexical: str, dt: str | None) -> str:
    if dt is None or dt == XSD_STRING:
        return _turtle_string(lexical)
    if dt == XSD + "integer" and re.fullmatch(r"[+-]?\d+", lexical):
        return lexical
    if dt == XSD + "boolean" and lexical in ("true", "false"):
        return lexical
    return f"{_turtle_string(lexical)}^^{_turtle_iri(dt)}"


# --- derivation keys ------------------------------------------------------------------------------

def derivation_key(node: Any) -> str:
    """How an rdflib term enters the hash that names a derivation: ``<iri>`` or
    ``"lexical"^^<datatype>`` (see :func:`derivation_key_sparql`, its twin in SPARQL)."""
    from rdflib import Literal
    if isinstance(node, Literal):
        datatype = node.datatype or (RDF_LANG_STRING if node.language else XSD_STRING)
        return f'"{node}"^^<{datatype}>'
    return f"<{node}>"


def derivation_key_sparql(x: str) -> str:
    """The SPARQL expression of :func:`derivation_key` for a variable (``?x``) or an IRI
    (``<iri>``, ``prefix:name``) of a rule's template, so that a derivation has the same name
    whether a rule derived it in SPARQL or lbpgraph in Python."""
    if x[0] in "?$":
        return (f'IF(isIRI({x}), CONCAT("<", STR({x}), ">"), '
                f'CONCAT("\\"", STR({x}), "\\"^^<", STR(DATATYPE({x})), ">"))')
    return f'CONCAT("<", STR({x}), ">")'
