"""The ``sparql:URL`` store against a real, private Virtuoso server on loopback (tests/virtuoso.py)."""

from __future__ import annotations

import http.server
import json
import re
import secrets
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Literal, URIRef

from lbpgraph.build.pipeline import build_store
from lbpgraph.core.errors import DatasetChanged, QueryRefused, QueryTimeout, RemoteStoreError
from lbpgraph.project import Project
from lbpgraph.analysis.query import check_query, named_queries, run_query
from lbpgraph.rdf.results import QueryResult
from lbpgraph.stores import sparql as remote
from lbpgraph.stores.sparql import STAGING, SparqlStore, checked_iri, swap_requests
from lbpgraph.stores.memory import MemoryStore

from .conftest import DATA, run
from .helpers import DatasetStore
from .virtuoso import USER, Virtuoso, free_port

G = "https://w3id.org/lbpgraph/id/graph/"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def make_store(server: Virtuoso, **settings: Any) -> SparqlStore:
    options: dict[str, Any] = {"update_url": server.update_url, "graph_store_url": server.graph_store_url,
                               "user": USER, "password": server.password, "timeout": 60.0}
    return SparqlStore(f"sparql:{server.query_url}", **{**options, **settings})


def raw_ask(server: Virtuoso, ask: str) -> bool:
    """ASK over everything on the server (no dataset given): what the store's queries do not see."""
    body = urllib.parse.urlencode({"query": ask}).encode()
    request = urllib.request.Request(server.query_url, data=body,
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return bool(json.load(response)["boolean"])


def staging_left(server: Virtuoso) -> bool:
    return raw_ask(server, f'ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{STAGING}")) }}')


def quads(graphs: dict[str, list[tuple[str, str]]]) -> bytes:
    """Small N-Quads: graph name -> (subject name, literal) pairs."""
    return "".join(f'<urn:s:{s}> <urn:p> "{o}" <{G}{g}> .\n'
                   for g, pairs in graphs.items() for s, o in pairs).encode()


def contents(store: SparqlStore) -> Counter[str]:
    return Counter(json.dumps(row) for row in store.select(ALL_QUADS))


def canonical(result: QueryResult) -> Counter[str]:
    return Counter(json.dumps(row, sort_keys=True) for row in result.rows)


# --- the real corpus: the same answers as the memory store -------------------------------------

@pytest.fixture(scope="module")
def corpus(built: Project) -> tuple[bytes, str]:
    """The built corpus as N-Quads, as ``Project.push`` sends it, and its fingerprint."""
    import pyoxigraph as ox
    return build_store(built.corpus()).dump(format=ox.RdfFormat.N_QUADS), built.fingerprint()


@pytest.fixture
def store(virtuoso: Virtuoso, corpus: tuple[bytes, str]) -> SparqlStore:
    """A store on the private server holding the corpus (pushed again when a test replaced it)."""
    remote = make_store(virtuoso)
    if remote.fingerprint() != corpus[1]:
        remote.push(*corpus)
    return remote


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_same_result_set(store: SparqlStore, built: Project, name: str) -> None:
    text = named_queries()[name][1]
    remote, memory = store.run(check_query(text), 60), built.query(text, 60)
    assert memory.rows, "the corpus should answer every named query"
    assert remote.variables == memory.variables
    assert canonical(remote) == canonical(memory)


ORDERED = sorted(n for n, (_, text) in named_queries().items() if "ORDER BY" in text.upper())


@pytest.mark.parametrize("name", ORDERED)
def test_named_query_same_order(store: SparqlStore, built: Project, name: str) -> None:
    """Rows come in the same order of their ORDER BY keys (ties may come in any order)."""
    text = named_queries()[name][1]
    remote, memory = store.run(check_query(text), 60), built.query(text, 60)
    keys = [v for v in re.findall(r"\?(\w+)", text[text.upper().rindex("ORDER BY"):]) if v in memory.variables]
    assert keys
    sequence = [[json.dumps(row.get(k), sort_keys=True) for k in keys] for row in memory.rows]
    assert [[json.dumps(row.get(k), sort_keys=True) for k in keys] for row in remote.rows] == sequence


@pytest.mark.parametrize("text", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?claim ?support WHERE { ?claim lbp:peerReviewedSupport ?support }",
    "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label FILTER (lang(?label) = 'en') }",
    "ASK { ?claim a schema:Claim }",
    "ASK { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
    "CONSTRUCT { ?claim lbp:peerReviewedSupport ?v } WHERE { ?claim lbp:peerReviewedSupport ?v }",
])
def test_dataset_is_exactly_the_pushed_graphs(store: SparqlStore, built: Project,
                                              text: str) -> None:
    remote, memory = store.run(check_query(text), 60), built.query(text, 60)
    assert (remote.kind, remote.boolean, remote.triples) == (memory.kind, memory.boolean, memory.triples)
    assert remote.variables == memory.variables and canonical(remote) == canonical(memory)


def test_count_and_graphs_match_the_pushed_quads(store: SparqlStore, corpus: tuple[bytes, str],
                                                 virtuoso: Virtuoso) -> None:
    nquads = corpus[0]
    [(count,)] = store.select(check_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    lines = [line for line in nquads.splitlines() if line.strip()]
    assert count is not None and int(count["value"]) == len(lines) > 20000
    graphs = {row[0]["value"] for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert graphs == {line.rsplit(b" ", 2)[-2][1:-1].decode() for line in lines}
    # the server holds more (its own graphs, the control graph); queries through the store never see it
    assert raw_ask(virtuoso, "ASK { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }")


def test_select_cells_in_variable_order_unbound_none(store: SparqlStore,
                                                     built: Project) -> None:
    text = check_query(named_queries()["claims"][1])
    rows = store.select(text)
    assert any(None in row for row in rows) and all(len(row) == 9 for row in rows)
    assert Counter(map(json.dumps, rows)) == Counter(map(json.dumps, MemoryStore(built.build_dir).select(text)))


def test_server_procedures_refused(store: SparqlStore, virtuoso: Virtuoso) -> None:
    assert raw_ask(virtuoso, "ASK { FILTER (<bif:sprintf>('%s', 'x') = 'x') }")  # Virtuoso would run it
    for text in ["SELECT (<bif:sprintf>('%s', 'x') AS ?x) WHERE {}",
                 "PREFIX b: <bif:> SELECT ?x WHERE { BIND (b:sprintf('%s', 'x') AS ?x) }",
                 "SELECT ?s WHERE { ?s <bif:contains> 'walking' }",
                 "SELECT ?x WHERE { BIND (<sql:anything>(1) AS ?x) }",
                 "SELECT ?x WHERE { BIND (<urn:my:function>(1) AS ?x) }"]:
        with pytest.raises(QueryRefused):
            store.run(check_query(text), 10)
    cast = store.run(check_query("SELECT (<http://www.w3.org/2001/XMLSchema#integer>('7') AS ?x) WHERE {}"), 10)
    assert cast.rows == [{"x": {"type": "literal", "value": "7",
                                "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


# --- traces: few requests, exact while a push is under way ------------------------------------

CLAIM = "bw-unloads-discs"


def reading_project(server: Virtuoso, root: Path, **settings: Any) -> Project:
    return Project(DATA, root, f"sparql:{server.query_url}", update_url=server.update_url,
                   graph_store_url=server.graph_store_url, user=USER, password=server.password, **settings)


UNCERTAIN = "stiffness-limits-mobility-and-daily-activity"  # its certainty was derived from no premise
OA, PROV, SCHEMA = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#", "https://schema.org/"


def _foreign_statements(store: SparqlStore) -> dict[str, str]:
    """Statements another graph might make of lbpgraph's resources, by what each would change."""
    claim = f"<https://w3id.org/lbpgraph/id/claim/{UNCERTAIN}>"
    [(record,)] = store.select("PREFIX lbp: <https://w3id.org/lbpgraph/vocab#> SELECT ?d WHERE { "
                               f"?d lbp:derivedSubject {claim} ; lbp:derivedPredicate lbp:certainty }}")
    appearance = "<urn:x-test:appearance>"
    return {
        # "0 ..." sorts before the statement, so the projection would show it
        "a property of the claim": f'{claim} <{SCHEMA}text> "0 tampered"',
        "an appearance of the claim": f"{appearance} <{OA}hasBody> {claim} . {appearance} a "
                                      "<https://w3id.org/lbpgraph/vocab#Appearance>",
        "a premise of a derivation that has none": f"<{record['value']}> <{PROV}used> <urn:x-test:premise>",
    }


@pytest.mark.parametrize("what", ["a property of the claim", "an appearance of the claim",
                                  "a premise of a derivation that has none"])
def test_a_graph_lbpgraph_did_not_push_never_reaches_a_trace(store: SparqlStore, built: Project, virtuoso: Virtuoso,
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            what: str) -> None:
    """Another graph on the server that speaks of lbpgraph's resources (an old export loaded by
    hand, say) never reaches a trace, though a trace's queries read the whole server: the rows
    matched in it are dropped. Kept, each of these statements would change the trace."""
    other = "urn:x-test:other"
    store._update([f"INSERT DATA {{ GRAPH <{other}> {{ {_foreign_statements(store)[what]} }} }}"])
    try:
        expected = built.traces()[UNCERTAIN]
        assert reading_project(virtuoso, tmp_path / "shared").trace(UNCERTAIN).to_json() == expected
        # an older setting, accepted and no longer needed
        assert reading_project(virtuoso, tmp_path / "dedicated", dedicated=True).trace(UNCERTAIN).to_json() == expected
        monkeypatch.setattr(remote, "rows_in_graphs", lambda rows, columns, graphs: [r[:len(r) - columns] for r in rows])
        try:  # the rows kept: a different trace, or none (an appearance in no article breaks the projection)
            leaked = reading_project(virtuoso, tmp_path / "kept").trace(UNCERTAIN).to_json()
        except AttributeError:
            leaked = None
        assert leaked != expected
    finally:
        store._update([f"DROP SILENT GRAPH <{other}>"])


def test_every_trace_read_from_the_server_is_the_kept_one(store: SparqlStore, built: Project, virtuoso: Virtuoso,
                                                          tmp_path: Path) -> None:
    """The server's answers, each triple pattern in a graph of its own and filtered by graph,
    give every claim the trace the build computed from the whole graph."""
    project = reading_project(virtuoso, tmp_path)
    traces = built.traces()
    assert len(traces) > 100
    for claim, expected in sorted(traces.items()):
        assert project.trace(claim).to_json() == expected, claim


def test_a_trace_by_id_takes_four_requests(store: SparqlStore, built: Project, virtuoso: Virtuoso, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The control graph's state, the neighbourhood, everything about it in one query, and the
    state again (the list of graphs is read once per push, the concepts and rules once per store)."""
    project = reading_project(virtuoso, tmp_path)
    project.trace(CLAIM)
    sent: list[str] = []
    request = SparqlStore._request
    monkeypatch.setattr(SparqlStore, "_request",
                        lambda self, method, *a, **k: (sent.append(method), request(self, method, *a, **k))[1])
    for claim in sorted(built.traces())[:5]:
        sent.clear()
        assert project.trace(claim).to_json() == built.traces()[claim]
        assert len(sent) == 4, claim


def test_a_large_graph_goes_up_in_pieces(built: Project, virtuoso: Virtuoso, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A graph of more than UPLOAD_LINES triples is PUT in its first piece and POSTed (added) in
    the rest: the server then holds what one upload would have given it."""
    monkeypatch.setattr(remote, "UPLOAD_LINES", 40)
    pieces: list[str] = []
    request = SparqlStore._request
    monkeypatch.setattr(SparqlStore, "_request", lambda self, method, url, *a, **k: (
        pieces.append(method) if "graph=" in url and method in ("PUT", "POST") else None,
        request(self, method, url, *a, **k))[1])
    project = reading_project(virtuoso, tmp_path)
    project.push()
    assert pieces.count("POST") > 10 and pieces.count("PUT") == len({g["value"] for g, *_ in built.store().quads()})
    assert project.stats() == built.stats()
    assert project.trace(CLAIM).to_json() == built.traces()[CLAIM]


def test_while_a_push_is_pending_a_trace_reads_only_the_pushed_graphs(store: SparqlStore, built: Project,
                                                                     virtuoso: Virtuoso, tmp_path: Path) -> None:
    """Staging graphs hold lbpgraph's resources too: while the control graph lists one, a trace
    keeps only the rows matched in the pushed graphs."""
    staged = f"{STAGING}test:0"
    claim = f"<https://w3id.org/lbpgraph/id/claim/{CLAIM}>"
    store._update([f'INSERT DATA {{ GRAPH <{staged}> {{ {claim} <https://schema.org/text> "tampered" }} }}',
                   remote._insert([(remote._PENDING, staged)])])
    try:
        assert reading_project(virtuoso, tmp_path).trace(CLAIM).to_json() == built.traces()[CLAIM]
    finally:
        store._discard([staged])
    assert not staging_left(virtuoso)


def test_a_push_beginning_during_a_read_is_noticed(store: SparqlStore, built: Project, virtuoso: Virtuoso,
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staged = f"{STAGING}test:1"
    with pytest.raises(DatasetChanged):
        with store.reading():
            store.select_graphed("SELECT DISTINCT ?t ?g1 WHERE { "
                                 f"{store.triple_patterns(f'<https://w3id.org/lbpgraph/id/claim/{CLAIM}> a ?t')} }}", 1)
            store._update([remote._insert([(remote._PENDING, staged)])])
    store._discard([staged])
    # a trace reads again once: here the push began during its first read
    project = reading_project(virtuoso, tmp_path)
    project.trace(CLAIM)
    select = SparqlStore.select_graphed
    calls = 0

    def begins_once(self: SparqlStore, sparql: str, graph_columns: int) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:  # a push begins ...
            self._update([remote._insert([(remote._ATTEMPT, "test"), (remote._PENDING, staged)])])
        elif calls == 2:  # ... and fails, within the first read
            self._discard([staged])
        return select(self, sparql, graph_columns)

    monkeypatch.setattr(SparqlStore, "select_graphed", begins_once)
    assert project.trace(CLAIM).to_json() == built.traces()[CLAIM] and calls > 2
    store._update([remote._delete(remote._ATTEMPT, ["test"])])


# --- time limits -----------------------------------------------------------------------------

def test_slow_query_times_out(store: SparqlStore) -> None:
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        store.run(check_query(SLOW), 1.0)
    assert time.monotonic() - start < 3.0
    [(n,)] = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")  # the server is free again
    assert n is not None and int(n["value"]) > 20000


def test_incomplete_answer_is_a_timeout_not_a_result(store: SparqlStore) -> None:
    """Virtuoso stopped by its own ``timeout`` answers 200 with partial rows (X-SQL-State: S1TAT)."""
    graphs = store._control(time.monotonic() + 30, 30, RemoteStoreError).graphs
    with pytest.raises(QueryTimeout):
        store._read_query(SLOW, graphs, "application/sparql-results+json", time.monotonic() + 60, 0.5)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    stop.set()
    thread.join()
    for s in held:
        s.close()
    listener.close()


def test_silent_server_times_out_on_the_client(silent_server: str) -> None:
    store = SparqlStore(f"sparql:{silent_server}", graph_store_url=silent_server, timeout=1.0)
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        store.run(check_query("ASK {}"), 1.0)
    assert time.monotonic() - start < 3.0
    with pytest.raises(RemoteStoreError, match=f"at {re.escape(silent_server)} did not answer within 1 s"):
        store.push(quads({"t1": [("a", "x")]}), "fp")


def test_answer_cut_by_the_server_fails() -> None:
    """Virtuoso cuts answers at ResultSetMaxRows (10000 by default) and says so in X-SPARQL-MaxRows."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())["query"][0]
            control = "urn:x-lbpgraph:dataset" in query
            rows = ([{"p": {"type": "uri", "value": "urn:x-lbpgraph:graph"}, "o": {"type": "uri", "value": "urn:g"}}]
                    if control else [{"s": {"type": "uri", "value": f"urn:s{i}"}} for i in range(10)])
            body = json.dumps({"head": {"vars": ["p", "o"] if control else ["s"]},
                               "results": {"bindings": rows}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            if not control:
                self.send_header("X-SPARQL-MaxRows", "10")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        store = SparqlStore(f"sparql:http://127.0.0.1:{server.server_port}/sparql")
        with pytest.raises(Exception, match="cut the answer at 10 rows"):
            store.run(check_query("SELECT ?s WHERE { ?s ?p ?o }"), 5)
    finally:
        server.shutdown()
        server.server_close()


# --- errors: down, credentials ----------------------------------------------------------------

def test_server_down_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LBPGRAPH_SPARQL_USER", "someone")
    monkeypatch.setenv("LBPGRAPH_SPARQL_PASSWORD", "hunter2-secret")
    url = f"http://127.0.0.1:{free_port()}/sparql"
    store = SparqlStore(f"sparql:{url}", graph_store_url=url)
    for call in (lambda: store.run(check_query("ASK {}"), 5), lambda: store.select("SELECT * {}"),
                 store.fingerprint, lambda: store.push(quads({"t": [("a", "x")]}), "fp")):
        with pytest.raises(RemoteStoreError) as caught:
            call()
        message = str(caught.value)
        assert f"cannot reach the SPARQL server at {url}: Connection refused" in message
        assert "\n" not in message and "hunter2" not in message and caught.value.exit_code == 6
    assert "hunter2" not in repr(store)


def test_cli_push_query_and_exit_code(virtuoso: Virtuoso, built: Project, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``lbpgraph push`` and ``lbpgraph query`` with the store in lbpgraph.toml, credentials in the env."""
    config = tmp_path / "lbpgraph.toml"
    config.write_text(f'store = "sparql:{virtuoso.query_url}"\n[sparql]\nupdate_url = "{virtuoso.update_url}"\n'
                      f'graph_store_url = "{virtuoso.graph_store_url}"\n')
    monkeypatch.setenv("LBPGRAPH_SPARQL_USER", USER)
    monkeypatch.setenv("LBPGRAPH_SPARQL_PASSWORD", virtuoso.password)
    pushed = run("--config", str(config), "push", build=built.build_dir)
    assert pushed.exit_code == 0 and f"to sparql:{virtuoso.query_url}" in pushed.output
    assert make_store(virtuoso).fingerprint() == built.fingerprint()
    answer = run("--config", str(config), "query", "claims", "--format", "json", build=built.build_dir)
    assert answer.exit_code == 0
    assert json.loads(answer.output) == built.query(named_queries()["claims"][1]).to_json()
    monkeypatch.setenv("LBPGRAPH_SPARQL_PASSWORD", "wrong-hunter2")
    refused = run("--config", str(config), "push", build=built.build_dir)
    assert refused.exit_code == 6 and "refused the credentials" in refused.output
    assert "hunter2" not in refused.output
    down = f"http://127.0.0.1:{free_port()}/sparql"
    failed = run("--store", f"sparql:{down}", "query", "claims", build=built.build_dir)
    assert failed.exit_code == 6
    expected = f"Error: query: cannot reach the SPARQL server at {down}: Connection refused"
    assert failed.output.strip().splitlines() == [expected]


def test_credentials_in_the_url_refused() -> None:
    with pytest.raises(Exception, match="LBPGRAPH_SPARQL_USER") as caught:
        SparqlStore("sparql:http://dba:hunter2@127.0.0.1:8890/sparql")
    assert "hunter2" not in str(caught.value)


def test_wrong_credentials(virtuoso: Virtuoso, store: SparqlStore, corpus: tuple[bytes, str]) -> None:
    wrong = make_store(virtuoso, password="wrong-" + virtuoso.password)
    with pytest.raises(RemoteStoreError) as caught:
        wrong.push(quads({"t1": [("a", "x")]}), "other")
    message = str(caught.value)
    assert f"the SPARQL server at {virtuoso.base}/" in message and "refused the credentials (HTTP 401)" in message
    assert virtuoso.password not in message and caught.value.exit_code == 6
    with pytest.raises(RemoteStoreError, match="asks for credentials"):
        make_store(virtuoso, user="", password="").push(quads({"t1": [("a", "x")]}), "other")
    # a query endpoint behind authentication refuses them too
    auth_only = SparqlStore(f"sparql:{virtuoso.update_url}", user=USER, password="wrong")
    with pytest.raises(RemoteStoreError, match="refused the credentials"):
        auth_only.run(check_query("ASK {}"), 10)
    assert store.fingerprint() == corpus[1]
    assert staging_left(virtuoso) is False


# --- pushing: replace, all or nothing ---------------------------------------------------------

def test_second_push_replaces(virtuoso: Virtuoso) -> None:
    store = make_store(virtuoso)
    store.push(quads({"t1": [("a", "one"), ("b", "two")], "t2": [("c", "three")]}), "fp-a")
    second = {"t2": [("d", "four")], "t3": [("e", "five")]}
    store.push(quads(second), "fp-b")
    assert store.fingerprint() == "fp-b"
    expected = Counter(json.dumps(({"type": "uri", "value": f"{G}{g}"}, {"type": "uri", "value": f"urn:s:{s}"},
                                   {"type": "uri", "value": "urn:p"}, {"type": "literal", "value": o}))
                       for g, pairs in second.items() for s, o in pairs)
    assert contents(store) == expected
    assert not raw_ask(virtuoso, f"ASK {{ GRAPH <{G}t1> {{ ?s ?p ?o }} }}")  # dropped from the server
    assert not staging_left(virtuoso)


def test_a_dataset_of_hundreds_of_graphs_is_read(virtuoso: Virtuoso) -> None:
    """Virtuoso echoes each graph the request names as a response header: 300 graphs, 600 headers."""
    store = make_store(virtuoso)
    store.push(quads({f"t{i:03d}": [(f"s{i}", f"o{i}")] for i in range(300)}), "fp-many")
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [
        ({"type": "literal", "value": "300", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},)]
    answer = store.run(check_query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"), 30)
    assert answer.rows == [{"n": {"type": "literal", "value": "300",
                                  "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


def test_the_swap_moves_a_bounded_number_of_triples_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    moves = [("urn:s:1", "urn:l:1", 3), ("urn:s:2", "urn:l:2", 3), ("urn:s:3", "urn:l:3", 9), ("urn:s:4", "urn:l:4", 1)]
    monkeypatch.setattr(remote, "SWAP_TRIPLES", 6)
    requests = list(swap_requests(["urn:old"], moves))
    assert requests == [["DROP SILENT GRAPH <urn:old>", "MOVE SILENT <urn:s:1> TO <urn:l:1>",
                         "MOVE SILENT <urn:s:2> TO <urn:l:2>"],
                        ["MOVE SILENT <urn:s:3> TO <urn:l:3>"],  # larger than the bound: alone
                        ["MOVE SILENT <urn:s:4> TO <urn:l:4>"]]
    assert list(swap_requests(["urn:old"], [])) == [["DROP SILENT GRAPH <urn:old>"]]


def test_a_swap_in_several_requests_replaces_everything(virtuoso: Virtuoso, monkeypatch: pytest.MonkeyPatch) -> None:
    store = make_store(virtuoso)
    store.push(quads({"t1": [("a", "one")], "t2": [("b", "two")], "gone": [("c", "three")]}), "fp-a")
    sent: list[list[str]] = []
    update = store._update
    monkeypatch.setattr(remote, "SWAP_TRIPLES", 2)
    monkeypatch.setattr(store, "_update", lambda ops, action="update": (sent.append(list(ops)), update(ops, action)))
    second = {"t1": [("d", "four"), ("e", "five")], "t2": [("f", "six")], "t3": [("g", "seven")]}
    store.push(quads(second), "fp-b")
    assert sum(1 for ops in sent if any(op.startswith("MOVE") for op in ops)) == 2
    expected = Counter(json.dumps(({"type": "uri", "value": f"{G}{g}"}, {"type": "uri", "value": f"urn:s:{s}"},
                                   {"type": "uri", "value": "urn:p"}, {"type": "literal", "value": o}))
                       for g, pairs in second.items() for s, o in pairs)
    assert store.fingerprint() == "fp-b" and contents(store) == expected
    assert not raw_ask(virtuoso, f"ASK {{ GRAPH <{G}gone> {{ ?s ?p ?o }} }}") and not staging_left(virtuoso)


def test_rejected_upload_leaves_previous_data(virtuoso: Virtuoso) -> None:
    store = make_store(virtuoso)
    store.push(quads({"t1": [("a", "one")]}), "fp-a")
    before = contents(store)
    # a well-formed language tag, too long for Virtuoso; its graph is uploaded last, after the others
    bad = quads({"t1": [("z", "replaced")], "t2": [("y", "new")]}) + \
        f'<urn:s:x> <urn:p> "x"@{"-".join(["abcdefgh"] * 9)} <{G}t9> .\n'.encode()
    with pytest.raises(RemoteStoreError, match=f"upload of <{G}t9>: the SPARQL server at .* answered HTTP 500"):
        store.push(bad, "fp-bad")
    assert store.fingerprint() == "fp-a" and contents(store) == before
    assert not staging_left(virtuoso)


def test_server_dying_mid_push_leaves_previous_data(virtuoso: Virtuoso, monkeypatch: pytest.MonkeyPatch) -> None:
    store = make_store(virtuoso)
    store.push(quads({"t1": [("a", "one")]}), "fp-a")
    before = contents(store)
    puts = 0
    request = store._request

    def dying(method: str, *args: Any, **kwargs: Any) -> Any:
        nonlocal puts
        if method == "PUT":
            puts += 1
            if puts == 2:
                virtuoso.kill()
        return request(method, *args, **kwargs)

    monkeypatch.setattr(store, "_request", dying)
    monkeypatch.setattr(remote, "UPLOADS", 1)  # one at a time: the first upload ends before the crash
    with pytest.raises(RemoteStoreError, match="cannot reach the SPARQL server"):
        store.push(quads({"t1": [("b", "x")], "t2": [("c", "y")], "t3": [("d", "z")]}), "fp-b")
    virtuoso.start()
    fresh = make_store(virtuoso)
    assert fresh.fingerprint() == "fp-a" and contents(fresh) == before
    assert staging_left(virtuoso)  # the first upload outlived the crash ...
    fresh.push(quads({"t4": [("e", "w")]}), "fp-c")
    assert not staging_left(virtuoso)  # ... and the next push removed it
    assert fresh.fingerprint() == "fp-c"


def test_interrupted_swap_is_never_served(virtuoso: Virtuoso, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server dying in the middle of the swap request leaves operations half applied (Virtuoso
    commits them one by one): the store then refuses to answer until the next push."""
    store = make_store(virtuoso)
    store.push(quads({"t1": [("a", "one")], "t2": [("b", "two")]}), "fp-a")
    update = store._update

    def dies_after_first_move(operations: Any, action: str = "update") -> None:
        ops = list(operations)
        moves = [i for i, op in enumerate(ops) if op.startswith("MOVE")]
        update(ops[:moves[0] + 1] if moves else ops, action)
        if moves:
            raise RemoteStoreError("simulated: the server died during the swap")

    monkeypatch.setattr(store, "_update", dies_after_first_move)
    with pytest.raises(RemoteStoreError, match="unusable until the next push"):
        store.push(quads({"t1": [("c", "three")], "t2": [("d", "four")]}), "fp-b")
    monkeypatch.undo()
    assert store.fingerprint() is None
    with pytest.raises(RemoteStoreError, match="interrupted"):
        store.select(ALL_QUADS)
    with pytest.raises(RemoteStoreError, match="interrupted"):
        store.run(check_query("ASK {}"), 10)
    store.push(quads({"t1": [("e", "five")]}), "fp-c")
    assert store.fingerprint() == "fp-c" and len(contents(store)) == 1
    assert not staging_left(virtuoso)


# --- strings are data -------------------------------------------------------------------------

NASTY = [
    '"} } ; DROP ALL ; INSERT DATA { GRAPH <urn:evil> { <urn:a> <urn:b> <urn:c> } } #',
    "back\\slash \\u0022 \\\" ''' \"\"\" ",
    "line\nbreak\r\ttab \x00 \x07 \x7f end",
    "emoji \U0001F600 RTL \u202e \u05d0\u05d1 caf\u00e9",
    "<script>alert(1)</script> &amp; %22 %00",
]


def test_strings_and_graph_names_are_data(virtuoso: Virtuoso) -> None:
    ds = Dataset(default_union=True)
    for i, text in enumerate(NASTY):
        graph = ds.graph(URIRef(f"{G}article-x'y;z%22{i}"))
        graph.add((URIRef(f"urn:s:{i}"), URIRef("urn:p"), Literal(text)))
        graph.add((URIRef(f"urn:s:{i}"), URIRef("urn:q"), Literal(text, lang="en-gb")))  # Virtuoso lower-cases tags
    store = make_store(virtuoso)
    store.push(ds.serialize(format="nquads", encoding="utf-8"), "fp-nasty")
    text = check_query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert canonical(store.run(text, 30)) == canonical(run_query(DatasetStore(ds), text))
    assert len(store.run(text, 30).rows) == 2 * len(NASTY)
    assert not raw_ask(virtuoso, "ASK { GRAPH <urn:evil> { ?s ?p ?o } }")
    found = store.run(check_query(f"SELECT ?s WHERE {{ ?s <urn:p> {json.dumps(NASTY[3], ensure_ascii=False)} }}"), 30)
    assert found.rows == [{"s": {"type": "uri", "value": "urn:s:3"}}]  # non-ASCII goes out and back intact


def test_spliced_names_are_checked() -> None:
    for bad in ["urn:a> ; DROP ALL ; <urn:b", "urn:a b", "no-scheme", 'urn:a"', "urn:a\n"]:
        with pytest.raises(RemoteStoreError):
            checked_iri(bad)
    store = SparqlStore(f"sparql:http://127.0.0.1:{free_port()}/sparql", graph_store_url="http://127.0.0.1:1/")
    with pytest.raises(ValueError, match="fingerprint"):  # refused before any request
        store.push(quads({"t1": [("a", "x")]}), 'x" } ; DROP ALL ; #')
    with pytest.raises(RemoteStoreError, match=r"not N-Quads \(Parser error .*line 1"):
        store.push(b'<urn:s> <urn:p> "o <urn:g> .\n', "fp")
    with pytest.raises(RemoteStoreError, match="without a named graph"):
        SparqlStore("sparql:http://127.0.0.1:1/sparql", graph_store_url="http://127.0.0.1:1/").push(
            b'<urn:s> <urn:p> "o" .\n', "fp")


def test_graphs_that_bring_the_same_new_language_tags_and_datatypes_at_once_all_arrive(virtuoso: Virtuoso) -> None:
    """Virtuoso registers a language tag or datatype on first sight; uploads that bring the same new
    ones at once can collide there (HTTP 500 'SR197: Non unique primary key on
    DB.DBA.RDF_LANGUAGE', seen in CI). A push still delivers every graph."""
    fresh = secrets.token_hex(4)
    ds = Dataset(default_union=True)
    for g in range(24):
        graph = ds.graph(URIRef(f"{G}lang-{fresh}-{g}"))
        for k in range(40):
            graph.add((URIRef(f"urn:s:{g}"), URIRef(f"urn:p{k}"), Literal(f"t{k}", lang=f"x-{fresh[:4]}{k:02d}")))
            graph.add((URIRef(f"urn:s:{g}"), URIRef(f"urn:q{k}"), Literal(f"v{k}", datatype=URIRef(f"urn:dt:{fresh}:{k}"))))
    store = make_store(virtuoso)
    store.push(ds.serialize(format="nquads", encoding="utf-8"), f"fp-lang-{fresh}")
    rows = store.run(check_query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"), 30).rows
    assert int(rows[0]["n"]["value"]) == 24 * 80
