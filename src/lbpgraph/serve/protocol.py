"""The SPARQL 1.1 Protocol without the web server: what a request asks, and the answer's formats.

* :func:`query_of` reads a request's parameters and body the way the protocol defines them
  (GET ``?query=``, a form-encoded POST, a POST of ``application/sparql-query``) and refuses
  anything else with a :class:`Problem` that carries the HTTP status and a one-line message:
  updates, dataset parameters (like ``FROM``, they would name graphs outside the build), a
  missing or repeated query.
* :func:`negotiate` picks a media type from an ``Accept`` header (RFC 9110, section 12.5.1).
* :func:`renderer` makes the :data:`~lbpgraph.rdf.results.Renderer` that
  :func:`lbpgraph.analysis.query.stream_query` runs where the store evaluates: it chooses the
  format once it knows the query form (SELECT and ASK: SPARQL JSON, XML, CSV, TSV or an aligned
  table; CONSTRUCT and DESCRIBE: Turtle, N-Triples, JSON-LD or RDF/XML) and writes that media
  type on a first line of its own, which the server takes off as the response's ``Content-Type``.
* :func:`service_description` describes the endpoint (SPARQL 1.1 Service Description).

Everything here is plain Python and rdflib, so it is tested without a server. Terms are written
by :mod:`lbpgraph.rdf.terms`, SPARQL JSON and CSV by :mod:`lbpgraph.rdf.results`, as ``lbpgraph
query`` writes them.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..analysis.query import MAX_QUERY_BYTES
from ..core import vocab
from ..core.errors import LbpgraphError, QueryFailed, one_line
from ..rdf.results import TABLE_ROWS, Renderer, csv_chunks, json_chunks, table_text
from ..rdf.terms import Term, nt_json, to_rdflib, tsv_text

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
MAX_BODY = 3 * MAX_QUERY_BYTES + 4096  # a form-encoded query of MAX_QUERY_BYTES, every byte percent-encoded
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")


class Problem(Exception):
    """A request the endpoint answers with an HTTP error before anything runs."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class NotAcceptable(LbpgraphError):
    """No format the client accepts fits the query form (raised where the store evaluates)."""

    exit_code = 2


# --- what a request asks ---------------------------------------------------------------------

def _parameters(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, errors="strict", max_num_fields=1000)
    except UnicodeDecodeError:
        raise Problem(400, f"the {where} is not UTF-8 once percent-decoded") from None
    except ValueError as exc:  # too many fields
        raise Problem(400, f"the {where} cannot be read: {exc}") from None


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``"text/x; charset=UTF-8"`` -> ``("text/x", {"charset": "utf-8"})``."""
    kind, *params = (content_type or "").split(";")
    values = {}
    for param in params:
        name, _, value = param.partition("=")
        values[name.strip().lower()] = value.strip().strip('"').lower()
    return kind.strip().lower(), values


def query_of(method: str, url_query: str, content_type: str | None, body: bytes) -> str:
    """The query text of a SPARQL 1.1 Protocol request; :class:`Problem` for anything else.

    ``url_query`` is the raw query string of the URL; ``body`` the request body (POST).
    """
    params = _parameters(url_query, "query string")
    if method == "POST":
        kind, options = _media_type(content_type)
        if options.get("charset", "utf-8") not in ("utf-8", "utf8"):
            raise Problem(415, f"a request body must be UTF-8, not {options['charset']}")
        if kind == FORM:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise Problem(400, "the form body is not UTF-8") from None
            params += _parameters(text, "form body")
        elif kind == SPARQL_QUERY:
            try:
                params.append(("query", body.decode("utf-8")))
            except UnicodeDecodeError as exc:
                raise Problem(400, f"the query is not UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})") from None
        elif kind == SPARQL_UPDATE:
            raise Problem(403, "updates are refused: this endpoint is read-only")
        else:
            raise Problem(415, f"a POST carries {FORM} (query=...) or {SPARQL_QUERY}, "
                               f"not {one_line(kind or 'no Content-Type')!r}")
    elif method not in ("GET", "HEAD"):
        raise Problem(405, f"{method} is not part of the SPARQL protocol: use GET or POST")
    names = [name for name, _ in params]
    if "update" in names:
        raise Problem(403, "updates are refused: this endpoint is read-only")
    for name in DATASET_PARAMETERS:
        if name in names:
            raise Problem(400, f"{name} refused: queries run on the built graph only "
                               "(its default graph is the union of all named graphs)")
    queries = [value for name, value in params if name == "query"]
    if not queries:
        raise Problem(400, "no query: give one as ?query=..., a form field query=..., "
                           f"or a POST body of {SPARQL_QUERY}")
    if len(queries) > 1:
        raise Problem(400, "more than one query in the request: give exactly one")
    if len(queries[0].encode("utf-8")) > MAX_QUERY_BYTES:
        raise Problem(413, f"the query is larger than {MAX_QUERY_BYTES // 1_000_000} MB, the most a query may be")
    return queries[0]


# --- content negotiation ---------------------------------------------------------------------

def _ranges(accept: str) -> list[tuple[str, str, float]]:
    ranges = []
    for part in accept.split(","):
        kind, *params = part.split(";")
        main, slash, sub = kind.strip().lower().partition("/")
        if not slash or not main or not sub:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = math.nan
        if math.isnan(q):
            continue  # a range with an unreadable weight is ignored
        ranges.append((main, sub, min(max(q, 0.0), 1.0)))
    return ranges


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer an ``Accept`` header prefers: each offer is weighed by the most specific range
    that matches it; the highest weight wins, ties go to the earlier offer. The first offer
    when the header is missing or holds no readable range; None when it refuses every offer."""
    ranges = _ranges(accept or "")
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        main, _, sub = offer.partition("/")
        q, specificity = 0.0, -1
        for r_main, r_sub, r_q in ranges:
            if (r_main, r_sub) == (main, sub):
                level = 2
            elif r_main == main and r_sub == "*":
                level = 1
            elif (r_main, r_sub) == ("*", "*"):
                level = 0
            else:
                continue
            if level > specificity:
                specificity, q = level, r_q
        if q > best_q:
            best, best_q = offer, q
    return best


# --- formats -----------------------------------------------------------------------------------

Rows = Iterable[dict[str, Term]]


@dataclass(frozen=True)
class Format:
    """One format of answers: the media type it is sent as and what writes it."""

    name: str
    media_type: str
    chunks: Renderer


def tsv_chunks(kind: str, variables: list[str], rows: Rows, boolean: bool | None) -> Iterator[str]:
    """SPARQL 1.1 TSV: ``?name`` headers, terms in Turtle syntax (tabs and line ends escaped)."""
    if kind == "ASK":
        yield "?boolean\n" + ("true" if boolean else "false") + "\n"
        return
    out = ["\t".join(f"?{v}" for v in variables) + "\n"]
    size = 0
    for row in rows:
        line = "\t".join(tsv_text(row.get(v)) for v in variables) + "\n"
        out.append(line)
        size += len(line)
        if size > 65_536:
            yield "".join(out)
            out, size = [], 0
    yield "".join(out)


SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """``text`` as XML character data (a carriage return as a reference, so that it survives)."""
    if found := _XML_FORBIDDEN.search(text):
        raise QueryFailed(f"a value holds U+{ord(found.group()):04X}, which XML 1.0 cannot carry: "
                          "ask for SPARQL JSON, CSV or TSV instead")
    return escape(text, {"\r": "&#13;"})


def _attribute(text: str) -> str:
    _xml(text)
    return quoteattr(text)


def xml_chunks(kind: str, variables: list[str], rows: Rows, boolean: bool | None) -> Iterator[str]:
    """SPARQL 1.1 Query Results XML as the rows come, escaped by the standard library.

    (Not rdflib 7.6's writer: it drops the text of literals Python takes as false, such as
    ``"false"^^xsd:boolean`` and ``"0"^^xsd:integer``.)
    """
    out = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sparql xmlns="{SPARQL_RESULTS_NS}">\n  <head>']
    out += [f"<variable name={_attribute(v)}/>" for v in (variables if kind != "ASK" else [])]
    out.append("</head>\n")
    if kind == "ASK":
        yield "".join(out) + f"  <boolean>{'true' if boolean else 'false'}</boolean>\n</sparql>\n"
        return
    out.append("  <results>\n")
    size = 0
    for row in rows:
        cells = []
        for name in variables:
            if name not in row:
                continue
            t = row[name]
            if t["type"] == "literal":
                extra = (f" xml:lang={_attribute(t['xml:lang'])}" if "xml:lang" in t
                         else f" datatype={_attribute(t['datatype'])}" if "datatype" in t else "")
                value = f"<literal{extra}>{_xml(t['value'])}</literal>"
            else:  # uri or bnode
                value = f"<{t['type']}>{_xml(t['value'])}</{t['type']}>"
            cells.append(f"<binding name={_attribute(name)}>{value}</binding>")
        line = f"    <result>{''.join(cells)}</result>\n"
        out.append(line)
        size += len(line)
        if size > 65_536:
            yield "".join(out)
            out, size = [], 0
    yield "".join(out) + "  </results>\n</sparql>\n"


def table_chunks(kind: str, variables: list[str], rows: Rows, boolean: bool | None) -> Iterator[str]:
    """The aligned table of ``lbpgraph query`` (at most TABLE_ROWS rows, as there)."""
    yield table_text(kind, variables, rows, boolean, TABLE_ROWS)


def nt_chunks(kind: str, variables: list[str], rows: Rows, boolean: bool | None) -> Iterator[str]:
    """N-Triples, one line per triple, sorted (the same answer gives the same bytes)."""
    yield "".join(sorted(f"{nt_json(r['subject'])} {nt_json(r['predicate'])} {nt_json(r['object'])} .\n"
                         for r in rows))


def _graph(rows: Rows) -> object:
    from rdflib import Graph
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in vocab.PREFIXES.items():
        graph.bind(prefix, namespace)
    for r in rows:  # literals as the store wrote them: rdflib would normalise "01"^^xsd:integer
        triple = (to_rdflib(r["subject"]), to_rdflib(r["predicate"]), to_rdflib(r["object"], as_written=True))
        graph.add(triple)
    return graph


def _serialised(fmt: str) -> Renderer:
    def chunks(kind: str, variables: list[str], rows: Rows, boolean: bool | None) -> Iterator[str]:
        graph = _graph(rows)
        options = {"context": dict(vocab.PREFIXES), "auto_compact": True} if fmt == "json-ld" else {}
        text = graph.serialize(format=fmt, encoding=None, **options)  # type: ignore[attr-defined]
        yield text if text.endswith("\n") else text + "\n"
    return chunks


RESULT_FORMATS = {f.media_type: f for f in (
    Format("json", "application/sparql-results+json", json_chunks),
    Format("xml", "application/sparql-results+xml", xml_chunks),
    Format("csv", "text/csv", csv_chunks),
    Format("tsv", "text/tab-separated-values", tsv_chunks),
    Format("table", "text/plain", table_chunks),
)}
GRAPH_FORMATS = {f.media_type: f for f in (
    Format("turtle", "text/turtle", _serialised("turtle")),
    Format("nt", "application/n-triples", nt_chunks),
    Format("json-ld", "application/ld+json", _serialised("json-ld")),
    Format("rdfxml", "application/rdf+xml", _serialised("xml")),
)}
#: Other names clients use for the same formats (sent back under the registered name).
ALIASES = {
    "results": {"application/json": "application/sparql-results+json",
                "application/xml": "application/sparql-results+xml", "text/xml": "application/sparql-results+xml"},
    "graph": {"application/turtle": "text/turtle", "application/x-turtle": "text/turtle",
              "text/plain": "application/n-triples", "application/x-json+ld": "application/ld+json",
              "application/xml": "application/rdf+xml", "text/xml": "application/rdf+xml"},
}


def choose(accept: str | None, kind: str) -> Format | None:
    """The format of the answer to a query of ``kind`` (SELECT, ASK or CONSTRUCT) that ``accept`` prefers."""
    formats, aliases = (GRAPH_FORMATS, ALIASES["graph"]) if kind == "CONSTRUCT" else (RESULT_FORMATS, ALIASES["results"])
    chosen = negotiate(accept, [*formats, *aliases])
    return None if chosen is None else formats[aliases.get(chosen, chosen)]


def acceptable(accept: str | None) -> bool:
    """Whether ``accept`` takes some format of some query form (checked before a query runs)."""
    return choose(accept, "SELECT") is not None or choose(accept, "CONSTRUCT") is not None


def supported() -> str:
    """The media types served, for messages."""
    return (f"results of SELECT and ASK: {', '.join(RESULT_FORMATS)}; "
            f"of CONSTRUCT and DESCRIBE: {', '.join(GRAPH_FORMATS)}")


def renderer(accept: str | None) -> Renderer:
    """The renderer of one request's answer: it writes the chosen media type on a line of its
    own, then the answer; :class:`NotAcceptable` when ``accept`` takes no format of the query's form."""
    def render(kind: str, variables: list[str], rows: Rows, boolean: bool | None) -> Iterator[str]:
        fmt = choose(accept, kind)
        if fmt is None:
            form = "CONSTRUCT and DESCRIBE" if kind == "CONSTRUCT" else "SELECT and ASK"
            formats = GRAPH_FORMATS if kind == "CONSTRUCT" else RESULT_FORMATS
            raise NotAcceptable(f"no format in the Accept header fits {form}: ask for one of {', '.join(formats)}")
        yield fmt.media_type + "\n"
        yield from fmt.chunks(kind, variables, rows, boolean)
    return render


def content_type(media_type: str) -> str:
    """The Content-Type header of an answer in ``media_type``."""
    return f"{media_type}; charset=utf-8"


# --- the service description -----------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD",
                "rdfxml": "RDF_XML"}
DESCRIPTION_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                       "application/rdf+xml": "xml"}


def service_description(endpoint: str, timeout: float) -> object:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` (an rdflib Graph)."""
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF
    sd, formats = Namespace(SD), Namespace(FORMATS_NS)
    graph = Graph(bind_namespaces="none")
    graph.bind("sd", sd)
    graph.bind("formats", formats)
    graph.bind("dcterms", DCTERMS)
    service, dataset, default = (URIRef(f"{endpoint}#{x}") for x in ("service", "dataset", "default-graph"))
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, URIRef(endpoint)))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    graph.add((service, sd.feature, sd.UnionDefaultGraph))
    for fmt in [*RESULT_FORMATS.values(), *GRAPH_FORMATS.values()]:
        if fmt.name in _FORMAT_IRIS:
            graph.add((service, sd.resultFormat, formats[_FORMAT_IRIS[fmt.name]]))
    graph.add((service, DCTERMS.title, Literal("lbpgraph: claims and citations of web articles about low back pain")))
    graph.add((service, DCTERMS.description, Literal(
        "Read-only: updates, SERVICE, FROM and FROM NAMED are refused; a query stops after "
        f"{timeout:g} s. lbpgraph's prefixes (lbp:, claim:, schema:, cito:, ...) are predeclared.")))
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, RDF.type, sd.Graph))
    graph.add((default, DCTERMS.description, Literal("the union of every named graph of the build")))
    return graph


def described(endpoint: str, timeout: float, media_type: str) -> str:
    """The service description serialised as ``media_type`` (one of :data:`DESCRIPTION_FORMATS`)."""
    graph = service_description(endpoint, timeout)
    return graph.serialize(format=DESCRIPTION_FORMATS[media_type], encoding=None)  # type: ignore[attr-defined]


def error_text(message: str, hint: str | None = None) -> str:
    """The body of an error response: one line, and a hint on a second line."""
    return "".join(f"{label}: {one_line(text)}\n" for label, text in (("Error", message), ("Hint", hint)) if text)

