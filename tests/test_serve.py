"""``lbpgraph serve``: the SPARQL 1.1 Protocol with real clients against the running server.

The server runs as a user runs it (the installed command, a process of its own, a free loopback
port) over the memory and the Oxigraph store. SPARQLWrapper and rdflib's SPARQLStore query it;
every answer format is read back by rdflib and compared with what ``lbpgraph query`` answers;
updates, network clauses and malformed requests are refused with a status and one line; a slow
query does not hold up others; browsers get CORS headers on /sparql only.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from lbpgraph.analysis.query import run_query
from lbpgraph.presentation.policy import script_hash
from lbpgraph.project import Project
from lbpgraph.rdf.results import QueryResult
from lbpgraph.rdf.terms import XSD_STRING, to_rdflib
from lbpgraph.serve import protocol

from .conftest import DATA, ROOT, run
from .serving import Server, request
from .test_bad_inputs import LBPGRAPH, assert_one_error_line
from .test_query import Listener

TIMEOUT = 10  # the servers' time limit per query, in seconds

SELECT = """SELECT ?claim ?statement ?support ?odd ?lang WHERE {
  ?claim a schema:Claim ; schema:text ?statement .
  OPTIONAL { ?claim lbp:peerReviewedSupport ?support }
  BIND (IF(?claim = claim:bw-unloads-discs, "tab\\tnew\\nline \\"quoted\\" \\u2028 <b>&amp;", ?nothing) AS ?odd)
  BIND ("walk"@en AS ?lang)
} ORDER BY DESC(BOUND(?odd)) ?claim LIMIT 40"""
ASK = "ASK { claim:bw-unloads-discs a schema:Claim }"
CONSTRUCT = """CONSTRUCT { ?claim schema:text ?statement ; lbp:peerReviewedSupport ?support ; rdfs:comment ?odd }
WHERE { ?claim a schema:Claim ; schema:text ?statement ; lbp:peerReviewedSupport ?support .
        BIND ("tab\\tnew\\nline \\"quoted\\""@en AS ?odd) }"""
DESCRIBE = "DESCRIBE claim:bw-unloads-discs"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends in 10 s
ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 26788 squared rows


@pytest.fixture(scope="module", params=["memory", "oxigraph"])
def served(request: pytest.FixtureRequest, built: Project, built_oxigraph: Project
           ) -> Iterator[tuple[Server, Project]]:
    """A server over each store, with the project it serves (for the expected answers); the
    server opens the session's Oxigraph build read-only, as the tests' own reads do."""
    project = built if request.param == "memory" else built_oxigraph
    server = Server(DATA, project.build_dir, "--timeout", str(TIMEOUT),
                    store=None if request.param == "memory" else project.store_spec)
    yield server, project
    server.stop()


@pytest.fixture(scope="module")
def memory_server(built: Project) -> Iterator[Server]:
    server = Server(DATA, built.build_dir, "--timeout", str(TIMEOUT))
    yield server
    server.stop()


def get(server: Server, query: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
    url = server.sparql + "?" + urllib.parse.urlencode({"query": query, **params})
    return request(url, headers={"Accept": accept} if accept else {})


def post_form(server: Server, query: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": protocol.FORM, **({"Accept": accept} if accept else {})}
    return request(server.sparql, urllib.parse.urlencode({"query": query}).encode(), headers)


def post_direct(server: Server, query: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": protocol.SPARQL_QUERY, **({"Accept": accept} if accept else {})}
    return request(server.sparql, query.encode("utf-8"), headers)


def term(node: Any) -> tuple[str, str, str | None, str | None] | None:
    """An rdflib term, or a SPARQL JSON term, as one comparable tuple."""
    if node is None:
        return None
    if isinstance(node, dict):
        return (node["type"], node["value"], node.get("xml:lang"), node.get("datatype"))
    if isinstance(node, URIRef):
        return ("uri", str(node), None, None)
    if isinstance(node, BNode):
        return ("bnode", str(node), None, None)
    assert isinstance(node, Literal)
    datatype = str(node.datatype) if node.datatype and not node.language else None
    return ("literal", str(node), node.language, None if datatype == XSD_STRING else datatype)


def expected_rows(result: QueryResult) -> list[dict[str, Any]]:
    return [{v: term(row.get(v)) for v in result.variables} for row in result.rows]


def graph_of(result: QueryResult) -> Graph:
    graph = Graph()
    for triple in result.triples:
        graph.add(tuple(to_rdflib(t, as_written=True) for t in triple))  # type: ignore[arg-type]
    return graph


# --- the protocol without a server -------------------------------------------------------------

@pytest.mark.parametrize("accept, chosen", [
    (None, "application/sparql-results+json"),
    ("", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv", "text/csv"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("text/*;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*;q=0.1, application/sparql-results+json;q=0", "application/sparql-results+xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ("image/png", None),
    ("garbage, ;;;", "application/sparql-results+json"),  # nothing readable: as if no header
    ("text/csv;q=abc, text/plain", "text/plain"),  # an unreadable weight drops its range
])
def test_negotiation_of_results(accept: str | None, chosen: str | None) -> None:
    fmt = protocol.choose(accept, "SELECT")
    assert (fmt.media_type if fmt else None) == chosen


@pytest.mark.parametrize("accept, chosen", [
    (None, "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/x-json+ld", "application/ld+json"), ("application/rdf+xml, application/sparql-results+xml",
                                                       "application/rdf+xml"),
    ("text/plain", "application/n-triples"), ("application/sparql-results+json", None),
])
def test_negotiation_of_graphs(accept: str | None, chosen: str | None) -> None:
    fmt = protocol.choose(accept, "CONSTRUCT")
    assert (fmt.media_type if fmt else None) == chosen


@pytest.mark.parametrize("method, url_query, content_type, body, status, message", [
    ("GET", "", None, b"", 400, "no query"),
    ("GET", "query=ASK%7B%7D&query=ASK%7B%7D", None, b"", 400, "more than one query"),
    ("GET", "query=ASK%7B%7D&default-graph-uri=http%3A%2F%2Fx", None, b"", 400, "default-graph-uri refused"),
    ("POST", "", protocol.FORM, b"query=ASK%7B%7D&named-graph-uri=x", 400, "named-graph-uri refused"),
    ("GET", "update=CLEAR%20ALL", None, b"", 403, "read-only"),
    ("POST", "", protocol.FORM, b"update=CLEAR+ALL", 403, "read-only"),
    ("POST", "", "application/sparql-update", b"CLEAR ALL", 403, "read-only"),
    ("POST", "", "text/plain", b"ASK {}", 415, "not 'text/plain'"),
    ("POST", "", None, b"ASK {}", 415, "no Content-Type"),
    ("POST", "", "application/sparql-query; charset=latin-1", b"ASK {}", 415, "UTF-8"),
    ("POST", "", protocol.SPARQL_QUERY, b"ASK { \xff }", 400, "not UTF-8"),
    ("POST", "", protocol.FORM, b"query=%FF", 400, "not UTF-8"),
    ("POST", "", protocol.SPARQL_QUERY, b"#" * (protocol.MAX_QUERY_BYTES + 1), 413, "larger than 1 MB"),
    ("PUT", "query=ASK%7B%7D", None, b"", 405, "GET or POST"),
])
def test_requests_outside_the_protocol_are_refused(method: str, url_query: str, content_type: str | None,
                                                   body: bytes, status: int, message: str) -> None:
    with pytest.raises(protocol.Problem, match=message) as refused:
        protocol.query_of(method, url_query, content_type, body)
    assert refused.value.status == status


def test_the_three_ways_of_asking() -> None:
    text = "SELECT * WHERE { ?s ?p 'é' }"
    assert protocol.query_of("GET", urllib.parse.urlencode({"query": text, "format": "json"}), None, b"") == text
    assert protocol.query_of("POST", "", "application/x-www-form-urlencoded; charset=UTF-8",
                             urllib.parse.urlencode({"query": text}).encode()) == text
    assert protocol.query_of("POST", "", protocol.SPARQL_QUERY, text.encode()) == text


# --- every format, read back -------------------------------------------------------------------

def read_results(body: bytes, fmt: str) -> Result:
    """rdflib's reading of an answer. TSV is handed over as text: given bytes, rdflib reads its
    lines with codecs' readline, which also ends a line at U+2028 inside a literal."""
    return Result.parse(io.StringIO(body.decode("utf-8")) if fmt == "tsv" else io.BytesIO(body), format=fmt)


RESULT_PARSERS = {"application/sparql-results+json": "json", "application/sparql-results+xml": "xml",
                  "text/tab-separated-values": "tsv"}


@pytest.mark.parametrize("accept", sorted(RESULT_PARSERS))
def test_select_in_each_results_format(served: tuple[Server, Project], accept: str) -> None:
    server, project = served
    expected = run_query(project.store(), SELECT)
    for ask in (get, post_form, post_direct):
        status, headers, body = ask(server, SELECT, accept)
        assert status == 200, body
        assert headers["content-type"] == f"{accept}; charset=utf-8"
        parsed = read_results(body, RESULT_PARSERS[accept])
        assert [str(v) for v in parsed.vars] == expected.variables
        rows = [{str(v): term(b.get(v)) for v in parsed.vars} for b in parsed.bindings]
        assert rows == expected_rows(expected)
    odd = next(r["odd"] for r in rows if r["odd"])
    assert odd[1] == 'tab\tnew\nline "quoted" \u2028 <b>&amp;'


def test_select_as_csv_and_as_a_table(served: tuple[Server, Project]) -> None:
    server, project = served
    expected = run_query(project.store(), SELECT)
    status, headers, body = get(server, SELECT, "text/csv")
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    assert body.decode() == expected.to_csv()
    parsed = Result.parse(io.BytesIO(body), format="csv")
    assert [str(v) for v in parsed.vars] == expected.variables
    assert [[str(b[v]) if b.get(v) is not None else "" for v in parsed.vars] for b in parsed.bindings] == \
        [[row[v]["value"] if v in row else "" for v in expected.variables] for row in expected.rows]
    status, headers, body = get(server, SELECT, "text/plain")
    assert status == 200 and headers["content-type"] == "text/plain; charset=utf-8"
    assert body.decode() == expected.to_table()


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml",
                                    "text/csv", "text/tab-separated-values"])
def test_ask_in_each_results_format(served: tuple[Server, Project], accept: str) -> None:
    server, _ = served
    for query, answer in ((ASK, True), ("ASK { claim:no-such-claim a schema:Claim }", False)):
        status, headers, body = post_form(server, query, accept)
        assert status == 200 and headers["content-type"].startswith(accept)
        if accept == "text/csv":
            assert list(csv.reader(io.StringIO(body.decode(), newline=""))) == [["boolean"], [str(answer).lower()]]
        elif accept == "text/tab-separated-values":
            parsed = read_results(body, "tsv")
            assert [b[parsed.vars[0]].toPython() for b in parsed.bindings] == [answer]
        else:
            assert Result.parse(io.BytesIO(body), format=RESULT_PARSERS[accept]).askAnswer is answer


GRAPH_PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml"}


@pytest.mark.parametrize("accept", sorted(GRAPH_PARSERS))
def test_construct_and_describe_in_each_graph_format(served: tuple[Server, Project], accept: str) -> None:
    server, project = served
    for query in (CONSTRUCT, DESCRIBE):
        expected = graph_of(run_query(project.store(), query))
        assert len(expected) > 10
        status, headers, body = post_direct(server, query, accept)
        assert status == 200, body
        assert headers["content-type"] == f"{accept}; charset=utf-8"
        parsed = Graph().parse(data=body, format=GRAPH_PARSERS[accept])
        assert isomorphic(parsed, expected), query
    if accept == "application/n-triples":  # one triple per line, sorted: the same answer, the same bytes
        assert body.decode().splitlines() == sorted(body.decode().splitlines())


def test_a_format_that_does_not_fit_the_query_form_is_406(memory_server: Server) -> None:
    status, _, body = get(memory_server, SELECT, "text/turtle")
    assert status == 406
    assert body.decode().startswith("Error: no format in the Accept header fits SELECT and ASK")
    status, _, body = get(memory_server, CONSTRUCT, "application/sparql-results+json")
    assert status == 406 and b"CONSTRUCT and DESCRIBE" in body
    status, _, body = get(memory_server, ASK, "image/png")
    assert status == 406 and b"no format in the Accept header is served" in body


# --- real clients ------------------------------------------------------------------------------

def test_sparqlwrapper(served: tuple[Server, Project]) -> None:
    from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, RDFXML, TURTLE, XML, SPARQLWrapper
    server, project = served
    expected = run_query(project.store(), SELECT)

    def client(query: str, fmt: str, method: str = "GET", direct: bool = False) -> Any:
        wrapper = SPARQLWrapper(server.sparql)
        wrapper.setQuery(query)
        wrapper.setReturnFormat(fmt)
        wrapper.setMethod(method)
        if direct:
            wrapper.setRequestMethod(POSTDIRECTLY)
        return wrapper.query().convert()

    for method, direct in (("GET", False), (POST, False), (POST, True)):
        doc = client(SELECT, JSON, method, direct)
        assert doc["head"]["vars"] == expected.variables
        assert doc["results"]["bindings"] == expected.rows
    dom = client(SELECT, XML, POST)
    assert len(dom.getElementsByTagName("result")) == len(expected.rows)
    assert client(SELECT, CSV).decode() == expected.to_csv()
    assert client(ASK, JSON)["boolean"] is True
    want = graph_of(run_query(project.store(), CONSTRUCT))
    for fmt in (RDFXML, JSONLD):
        assert isomorphic(Graph() + client(CONSTRUCT, fmt, POST), want)
    assert isomorphic(Graph().parse(data=client(CONSTRUCT, TURTLE), format="turtle"), want)


def test_rdflib_sparqlstore(served: tuple[Server, Project]) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    server, project = served
    expected = run_query(project.store(), SELECT)
    for method in ("GET", "POST", "POST_FORM"):
        remote = Graph(store=SPARQLStore(server.sparql, method=method))
        rows = [{str(v): term(row[v]) for v in row.labels} for row in remote.query(SELECT)]
        assert rows == expected_rows(expected), method
        assert remote.query(ASK).askAnswer is True
        constructed = Graph() + remote.query(CONSTRUCT).graph
        assert isomorphic(constructed, graph_of(run_query(project.store(), CONSTRUCT)))


def test_service_description(memory_server: Server) -> None:
    from rdflib.namespace import RDF
    sd = URIRef(protocol.SD + "Service")
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                        ("application/n-triples", "nt"), (None, "turtle")):
        status, headers, body = request(memory_server.sparql, headers={"Accept": accept} if accept else {})
        assert status == 200 and headers["content-type"] == f"{accept or 'text/turtle'}; charset=utf-8"
        graph = Graph().parse(data=body, format=fmt)
        [service] = graph.subjects(RDF.type, sd)
        assert graph.value(service, URIRef(protocol.SD + "endpoint")) == URIRef(memory_server.sparql)
        formats = set(graph.objects(service, URIRef(protocol.SD + "resultFormat")))
        assert URIRef(protocol.FORMATS_NS + "SPARQL_Results_TSV") in formats and len(formats) == 8
    status, headers, body = request(memory_server.sparql, headers={"Accept": "text/html,*/*;q=0.8"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert memory_server.sparql.encode() in body


def test_pages_over_each_store(served: tuple[Server, Project]) -> None:
    """The pages read the store being served: the trace is the one the project gives; every page
    has a Content-Security-Policy header; no page may run inline script it does not name: the graph
    pages name their own scripts and the report its one sorting script, each by its SHA-256."""
    server, project = served
    status, _, body = request(f"{server.url}/claim/bw-unloads-discs?format=json")
    assert status == 200 and json.loads(body) == project.trace("bw-unloads-discs").to_json(explain=True)
    for path in ("/", "/?q=back+walking", "/claim/bw-unloads-discs", "/claim/bw-unloads-discs/graph", "/graph",
                 "/report"):
        status, headers, body = request(server.url + path)
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8", path
        policy = headers["content-security-policy"]
        assert policy.startswith("default-src 'none'") and headers["x-content-type-options"] == "nosniff", path
        assert "'unsafe-inline'" not in policy.partition("script-src")[2].partition(";")[0], path
        scripts = re.findall(r"<script>(.*?)</script>", body.decode("utf-8"), re.S)
        assert bool(scripts) is (path == "/report" or path.endswith("/graph")), path
        if scripts:
            assert f"script-src {' '.join(script_hash(s) for s in scripts)};" in policy, path
    connection = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(server.url).port, timeout=60)
    connection.request("GET", "/?q=opens+the+disc+space")
    response = connection.getresponse()
    assert (response.status, response.getheader("location")) == (303, "/claim/bw-unloads-discs")
    connection.close()
    assert request(server.url + "/claim/bw-unloads-discs?format=pdf")[0] == 400
    assert request(server.url + "/claim/" + urllib.parse.quote("bw-unloads-discs' OR 1"))[0] == 404


# --- refusals ----------------------------------------------------------------------------------

def assert_error(answer: tuple[int, dict[str, str], bytes], expected: int, message: str) -> None:
    status, headers, body = answer
    assert status == expected, body
    assert headers["content-type"] == "text/plain; charset=utf-8"
    lines = body.decode().splitlines()
    assert lines[0].startswith("Error: ") and message in lines[0], lines
    assert all(line.startswith("Hint: ") for line in lines[1:]), lines


def test_updates_are_refused(memory_server: Server) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper
    from urllib.error import HTTPError
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = json.loads(get(memory_server, count)[2])
    insert = "INSERT DATA { claim:x schema:text 'x' }"
    for answer in (request(memory_server.sparql, insert.encode(), {"Content-Type": protocol.SPARQL_UPDATE}),
                            request(memory_server.sparql, urllib.parse.urlencode({"update": insert}).encode(),
                                    {"Content-Type": protocol.FORM}),
                            request(memory_server.sparql + "?" + urllib.parse.urlencode({"update": insert}))):
        assert_error(answer, 403, "updates are refused: this endpoint is read-only")
    for text in (insert, "DELETE WHERE { ?s ?p ?o }", "LOAD <http://127.0.0.1:9/x.ttl>", "CLEAR ALL"):
        assert_error(post_form(memory_server, text), 400, "refused")
    wrapper = SPARQLWrapper(memory_server.sparql)
    wrapper.setMethod(POST)
    wrapper.setQuery(insert)
    with pytest.raises(HTTPError) as refused:
        wrapper.query()
    assert refused.value.code == 403
    assert json.loads(get(memory_server, count)[2]) == before


def test_serve_help_says_how_updates_are_refused() -> None:
    """An update request (update=, application/sparql-update) is 403; an update sent as a query
    is 400 (refused by the guard, as test_updates_are_refused sees): the help says both."""
    help_text = " ".join(run("serve", "--help").output.split())
    assert "updates are refused: 403 for an update request, 400 for an update sent as a query" in help_text


def test_bad_requests_are_400_with_a_message(memory_server: Server) -> None:
    s = memory_server.sparql
    assert_error(request(s, b"format=json", {"Content-Type": protocol.FORM}), 400, "no query")
    assert_error(get(memory_server, "SELECT * WHERE { ?s ?p }"), 400, "not valid SPARQL (line 1, column")
    assert_error(post_direct(memory_server, "PREFIX x: <y>\nSELECT * WHERE {\n ?s ?p ?o . FILTER( }"), 400,
                 "not valid SPARQL (line 3")
    assert_error(request(s + "?query=ASK%7B%7D&query=ASK%7B%7D"), 400, "more than one query")
    assert_error(get(memory_server, ASK, **{"default-graph-uri": "http://127.0.0.1:9/g"}), 400,
                 "default-graph-uri refused")
    assert_error(request(s, b"ASK { \xff }", {"Content-Type": protocol.SPARQL_QUERY}), 400, "not UTF-8")
    assert_error(request(s, b"ASK {}", {"Content-Type": "text/plain"}), 415, "a POST carries")
    port = urllib.parse.urlsplit(memory_server.url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", "/sparql")  # refused on its Content-Length, before the body is read
    connection.putheader("Content-Type", protocol.SPARQL_QUERY)
    connection.putheader("Content-Length", str(protocol.MAX_BODY + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert_error((response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()), 413,
                 "larger than")
    connection.close()
    assert_error(request(s + "?query=ASK%7B%7D", method="DELETE"), 405, "GET or POST")
    deep = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 3000 + "?o" + ")" * 3000 + ") }"
    assert_error(post_form(memory_server, deep), 400, "nested too deeply")


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{port}/x> {{ ?s ?q ?r }} }} }}",
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
])
def test_the_guard_refuses_network_clauses(served: tuple[Server, Project], template: str) -> None:
    server, _ = served
    listener = Listener()
    try:
        query = template.format(port=listener.port)
        for ask in (get, post_form, post_direct):
            answer = ask(server, query)
            assert_error(answer, 400, f"<http://127.0.0.1:{listener.port}/")
            assert b"refused" in answer[2]
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


def test_host_headers_other_than_loopback_are_refused(memory_server: Server) -> None:
    """A web page that rebinds its own name to 127.0.0.1 still sends its name as Host."""
    port = urllib.parse.urlsplit(memory_server.url).port
    for host, status in (("evil.example", 400), (f"evil.example:{port}", 400), (f"localhost:{port}", 200),
                         (f"127.0.0.1:{port}", 200)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/report", headers={"Host": host})
        assert connection.getresponse().status == status, host
        connection.close()


# --- CORS --------------------------------------------------------------------------------------

def test_cors_on_the_endpoint_only(memory_server: Server) -> None:
    origin = {"Origin": "https://yasgui.example"}
    status, headers, _ = request(memory_server.sparql + "?" + urllib.parse.urlencode({"query": ASK}), headers=origin)
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, headers, _ = request(memory_server.sparql, method="OPTIONS", headers={
        **origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, accept",
        "Access-Control-Request-Private-Network": "true"})
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert {"GET", "POST"} <= {m.strip() for m in headers["access-control-allow-methods"].split(",")}
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert headers["access-control-allow-private-network"] == "true"
    status, headers, _ = request(memory_server.sparql, b"query=ASK%7B%7D", {**origin, "Content-Type": protocol.FORM})
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    status, headers, _ = request(memory_server.sparql, b"query=ASK", {**origin, "Content-Type": protocol.FORM})
    assert status == 400 and headers["access-control-allow-origin"] == "*"  # a page can read the message
    for page in ("/", "/report", "/claim/bw-unloads-discs"):
        status, headers, _ = request(memory_server.url + page, headers=origin)
        assert status == 200 and "access-control-allow-origin" not in headers, page


def test_cors_can_be_narrowed_or_turned_off(built: Project) -> None:
    for option, origin, allowed in (("none", "https://yasgui.example", None),
                                    ("https://yasgui.example", "https://yasgui.example", "https://yasgui.example"),
                                    ("https://yasgui.example", "https://other.example", None)):
        server = Server(DATA, built.build_dir, "--cors", option)
        try:
            status, headers, _ = request(server.sparql + "?query=ASK%7B%7D", headers={"Origin": origin})
            assert status == 200 and headers.get("access-control-allow-origin") == allowed, (option, origin)
        finally:
            server.stop()


# --- concurrency and limits --------------------------------------------------------------------

def test_a_slow_query_does_not_hold_up_others(memory_server: Server) -> None:
    slow: dict[str, Any] = {}

    def run_slow() -> None:
        slow["answer"] = get(memory_server, EXPLOSIVE)
        slow["ended"] = time.monotonic()

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(1)  # the slow query is being evaluated (its limit is TIMEOUT seconds)
    answered = []
    for _ in range(5):
        status, _, body = get(memory_server, ASK)
        assert status == 200 and json.loads(body)["boolean"] is True
        answered.append(time.monotonic())
    assert thread.is_alive(), "the fast queries waited for the slow one"
    thread.join(TIMEOUT + 30)
    assert_error(slow["answer"], 503, f"time limit of {TIMEOUT:g} s")
    assert max(answered) < slow["ended"]


def test_an_answer_streams_and_is_cut_off_at_the_time_limit(memory_server: Server) -> None:
    """Rows come as they are found; stopped at its limit, the answer ends without its last chunk,
    which a client sees as an incomplete read, never as a complete answer."""
    port = urllib.parse.urlsplit(memory_server.url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT + 30)
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": ENDLESS}), headers={"Accept": "text/csv"})
    response = connection.getresponse()
    assert response.status == 200
    received = 0
    with pytest.raises(http.client.IncompleteRead):
        while chunk := response.read1(65_536):
            received += chunk.count(b"\n")
    assert received > 1000
    connection.close()
    status, _, body = get(memory_server, ASK)  # the server goes on
    assert status == 200
    assert any("answer cut off" in line for line in memory_server.lines)


def test_a_client_that_goes_away_stops_its_query(memory_server: Server) -> None:
    """Closing the connection stops the query at its next rows, long before its time limit."""
    port = urllib.parse.urlsplit(memory_server.url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT + 30)
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": ENDLESS}), headers={"Accept": "text/csv"})
    response = connection.getresponse()
    assert response.status == 200 and response.read1(1000)
    seen = len(memory_server.lines)
    closed = time.monotonic()
    connection.close()
    response.close()
    while not any("client went away" in line for line in memory_server.lines[seen:]):
        assert time.monotonic() - closed < TIMEOUT - 2, memory_server.lines[seen:]
        time.sleep(0.1)
    assert not any("answer cut off" in line for line in memory_server.lines[seen:])


# --- the command and the library -----------------------------------------------------------------

def test_create_app_serves_in_process_and_leaves_rdflib_alone(built: Project) -> None:
    """The notebook entry: an ASGI app for uvicorn; no process-global rdflib state is changed."""
    import rdflib.plugins.sparql as rdflib_sparql
    import uvicorn

    from lbpgraph.serve import create_app
    evals, load_graphs = dict(rdflib_sparql.CUSTOM_EVALS), rdflib_sparql.SPARQL_LOAD_GRAPHS
    app = create_app(built, timeout=TIMEOUT)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
        status, _, body = request(url + "?" + urllib.parse.urlencode({"query": ASK}))
        assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
    assert rdflib_sparql.CUSTOM_EVALS == evals and rdflib_sparql.SPARQL_LOAD_GRAPHS == load_graphs


def test_without_the_serve_extra_the_command_says_what_to_install(built: Project) -> None:
    code = ("import sys; sys.modules['starlette'] = None\n"
            "from lbpgraph.cli import main\nsys.argv = ['lbpgraph', '--build-dir', sys.argv[1], 'serve']\nmain()")
    done = subprocess.run([sys.executable, "-c", code, str(built.build_dir)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert_one_error_line(done.stderr, r"lbpgraph serve needs the serve extra \(starlette not installed\)")
    assert "Hint: install it with: pip install 'lbpgraph[serve]'" in done.stderr


def test_a_port_in_use_is_one_line(built: Project) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        done = subprocess.run([str(LBPGRAPH), "--build-dir", str(built.build_dir), "serve", "--port",
                               str(taken.getsockname()[1])], capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert done.returncode == 2
    assert_one_error_line(done.stderr, "cannot listen on 127.0.0.1:")


def test_serve_help_imports_no_web_stack() -> None:
    code = ("import sys\nfrom lbpgraph.cli import cli\ntry:\n    cli(['serve', '--help'], prog_name='lbpgraph')\n"
            "except SystemExit:\n    pass\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "Serve the graph" in done.stdout
    assert not loaded & {"starlette", "uvicorn", "anyio", "rdflib", "networkx", "pyvis", "jinja2"}


def test_stopping_the_server_leaves_no_process(built: Project, tmp_path: Path) -> None:
    server = Server(DATA, built.build_dir)
    status, _, _ = get(server, ASK)
    assert status == 200
    server.stop()
    assert server.process.returncode == 0, server.lines
    assert subprocess.run(["pgrep", "-g", str(server.process.pid)], capture_output=True).stdout == b""


def test_the_access_log_goes_to_stderr_as_the_help_says(built: Project) -> None:
    server = Server(DATA, built.build_dir, "--access-log")  # after the harness's --no-access-log: the last wins
    try:
        assert request(server.url + "/?q=walking")[0] in (200, 303)
        deadline = time.monotonic() + 20
        while not any('"GET /?q=walking HTTP/1.1"' in line for line in server.lines):
            assert time.monotonic() < deadline, server.lines
            time.sleep(0.05)
    finally:
        server.stop()
