"""Read-only SPARQL: refusals before anything runs, no network, a time limit, standard formats."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.core.errors import QueryFailed, QueryRefused, QueryTimeout, TooManyRows
from lbpgraph.project import Project
from lbpgraph.analysis.query import check_query, named_queries, run_query, stream_query
from lbpgraph.rdf.results import TABLE_ROWS

from . import factory
from .conftest import DATA, run
from .test_bad_inputs import LBPGRAPH, assert_one_error_line, lbpgraph


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("mini")
    project = Project(factory.write(root, factory.corpus()), root / "build")
    project.build()
    return project


class Listener:
    """A loopback TCP listener that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def test_listener_counts_a_real_connection(listener: Listener) -> None:
    """The listener itself works, so a zero count below means no request was made."""
    socket.create_connection(("127.0.0.1", listener.port)).close()
    for _ in range(50):
        if listener.connections:
            break
        threading.Event().wait(0.02)
    assert listener.connections == 1


@pytest.mark.parametrize("query, refused", [
    ("INSERT DATA { claim:x schema:text 'x' }", "InsertData refused: lbpgraph query is read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "DeleteWhere refused"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", "Load refused"),
    ("CLEAR ALL", "Clear refused"),
    ("DROP GRAPH graph:derived", "Drop refused"),
    ("SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", "FROM <http://127.0.0.1:9/x.ttl> refused"),
    ("SELECT * FROM NAMED <http://127.0.0.1:9/x.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM NAMED <http://127.0.0.1:9/x.ttl> refused"),
    ("SELECT * WHERE { ?s ?p ?o . OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?x } } }", "SERVICE <http://127.0.0.1:9/sparql> refused"),
    ("SELECT * WHERE { ?s ?p }", "not valid SPARQL (line 1"),
    ("   ", "empty query"),
    # shown as written: a prefixed name, a variable
    ("PREFIX ex: <http://x/> SELECT * { SERVICE ex:s { ?a ?b ?c } }", "SERVICE ex:s refused"),
    ("PREFIX : <http://x/> SELECT * { SERVICE SILENT :s { ?a ?b ?c } }", "SERVICE :s refused"),
    ("SELECT * { SERVICE ?where { ?a ?b ?c } }", "SERVICE ?where refused"),
    ("PREFIX ex: <http://x/> SELECT * FROM NAMED ex:g { ?a ?b ?c }", "FROM NAMED ex:g refused"),
    # rdflib's parser recurses about 35 frames per bracket
    ("SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }", "nested too deeply"),
    ("SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000, "nested too deeply"),
])
def test_guard_refuses_before_running(query: str, refused: str) -> None:
    with pytest.raises(QueryRefused, match=refused.replace("(", r"\(").replace("?", r"\?")):
        check_query(query)


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
])
def test_network_clauses_reach_no_listener(mini: Project, listener: Listener, template: str) -> None:
    query = template.format(port=listener.port)
    result = run("query", query, data=mini.data_dir, build=mini.build_dir)
    assert result.exit_code == 4
    assert "refused" in result.stderr
    assert listener.connections == 0


def test_the_query_process_cannot_connect_even_past_the_guard(mini: Project, listener: Listener) -> None:
    """Defence in depth: evaluation runs where every connection is refused (by the audit hook for
    Python code, by the process's own network namespace for Oxigraph's Rust client)."""
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryFailed, match="network access refused|Network is unreachable"):
        mini.store().run(text, timeout=20)  # the store evaluates without the guard
    assert listener.connections == 0


def test_time_limit(mini: Project) -> None:
    explosive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="time limit of 0.5 s"):
        run_query(mini.store(), explosive, timeout=0.5)
    result = run("query", "--timeout", "0.5", explosive, data=mini.data_dir, build=mini.build_dir)
    assert result.exit_code == 5
    assert "time limit" in result.stderr


def test_json_is_sparql_results_json(mini: Project) -> None:
    result = run("query", "--format", "json",
                 "SELECT ?claim ?text WHERE { ?claim schema:text ?text } ORDER BY ?claim",
                 data=mini.data_dir, build=mini.build_dir)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"] == ["claim", "text"]
    first = doc["results"]["bindings"][0]
    assert first["claim"] == {"type": "uri", "value": "https://w3id.org/lbpgraph/id/claim/bw-helps"}
    assert first["text"] == {"type": "literal", "value": "Backward walking reduces back pain."}
    ask = json.loads(run("query", "--format", "json", "ASK { ?s lbp:basis lbp:basis-tradition }",
                         data=mini.data_dir, build=mini.build_dir).stdout)
    assert ask == {"head": {}, "boolean": True}


def test_csv_and_table(mini: Project) -> None:
    query = "SELECT ?claim ?support WHERE { ?claim lbp:peerReviewedSupport ?support } ORDER BY ?claim"
    out = run("query", "--format", "csv", query, data=mini.data_dir, build=mini.build_dir).stdout_bytes.decode()
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows == [["claim", "support"],
                    ["https://w3id.org/lbpgraph/id/claim/bw-helps", "false"],
                    ["https://w3id.org/lbpgraph/id/claim/bw-unloads", "true"]]
    assert out.endswith("\r\n")
    table = run("query", query, data=mini.data_dir, build=mini.build_dir).stdout
    assert table.splitlines()[2].split() == ["claim:bw-helps", "false"]
    assert table.rstrip().endswith("(2 rows)")


def test_named_queries_ship_and_run(built: Project) -> None:
    names = named_queries()
    assert {"supported-claims", "anecdotal-claims", "contraindications", "mechanisms", "sources"} <= set(names)
    listing = run("query", "--list", build=built.build_dir).stdout
    for name in names:
        assert name in listing
        result = run("query", name, "--format", "json", build=built.build_dir)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["results"]["bindings"], f"{name} returned no rows"


def test_an_unknown_name_is_said_so_with_the_closest_names(mini: Project) -> None:
    result = run("query", "supported-claim", data=mini.data_dir, build=mini.build_dir)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: no named query 'supported-claim'",
        "Hint: did you mean supported-claims, unsupported-claims, anecdotal-claims? lbpgraph query --list lists them all"]
    far = run("query", "zzz", data=mini.data_dir, build=mini.build_dir)
    assert (far.exit_code, far.stderr.splitlines()[-1]) == (2, "Hint: lbpgraph query --list lists them all")
    assert "invalid SPARQL" not in result.stderr + far.stderr


def test_the_library_takes_a_named_query_as_the_command_line_does(mini: Project) -> None:
    by_name = mini.query("sources")
    assert by_name.rows and by_name.to_csv() == mini.query(named_queries()["sources"][1]).to_csv()
    cli_csv = run("query", "sources", "--format", "csv", data=mini.data_dir, build=mini.build_dir).stdout
    assert by_name.to_csv().splitlines() == cli_csv.splitlines()


def test_query_from_file_and_stdin(mini: Project, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?c WHERE { ?c a schema:Claim } ORDER BY ?c", encoding="utf-8")
    from_file = run("query", str(path), data=mini.data_dir, build=mini.build_dir).stdout
    from_stdin = run("query", "-", data=mini.data_dir, build=mini.build_dir, input=path.read_text()).stdout
    assert from_file == from_stdin
    assert "claim:bw-unloads" in from_file
    missing = run("query", str(tmp_path / "nope.rq"), data=mini.data_dir, build=mini.build_dir)
    assert missing.exit_code == 3


def test_query_output_is_deterministic(mini: Project) -> None:
    first = run("query", "sources", "--format", "csv", data=mini.data_dir, build=mini.build_dir).stdout
    assert first == run("query", "sources", "--format", "csv", data=mini.data_dir, build=mini.build_dir).stdout


# --- limits: time from parsing to the last row, rows written as they come ----------------------

def test_the_time_limit_covers_parsing(mini: Project) -> None:
    """rdflib takes about 9 s to parse this query (and as long again to evaluate it)."""
    values = " ".join(f'"value number {i}"' for i in range(32_000))
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit of 1 s"):
        run_query(mini.store(), f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}", timeout=1)
    assert time.monotonic() - start < 6


STREAMED = {
    "csv": lambda r: r.to_csv(),
    "json": lambda r: json.dumps(r.to_json(), indent=2, ensure_ascii=False) + "\n",
    "table": lambda r: r.to_table(),
}


@pytest.mark.parametrize("fmt", sorted(STREAMED))
def test_streamed_answers_are_the_collected_ones(built: Project, fmt: str) -> None:
    queries = [text for _, text in named_queries().values()] + [
        "ASK { ?s ?p ?o }", "SELECT ?x WHERE { ?x a schema:Nothing }",
        'SELECT ?x ?y WHERE { BIND("line\\u2028separator\\u0085next \\"quoted\\"\\n" AS ?x) }',
        "CONSTRUCT { ?c schema:text ?t } WHERE { ?c a schema:Claim ; schema:text ?t } ORDER BY ?c LIMIT 7"]
    for text in queries:
        chunks: list[bytes] = []
        stream_query(built.store(), text, fmt, chunks.append, timeout=30)
        assert b"".join(chunks).decode("utf-8") == STREAMED[fmt](run_query(built.store(), text)), text


def test_a_renderer_of_ones_own_streams_through_the_same_guard(built: Project) -> None:
    """What ``lbpgraph serve`` passes: a renderer that sees the query form and every row, run
    where the store evaluates; refused queries never reach it."""
    def tsv(kind: str, variables: list[str], rows: Any, boolean: bool | None) -> Iterator[str]:
        yield f"{kind}\t{boolean}\n" if kind == "ASK" else "\t".join(variables) + "\n"
        for row in rows:
            yield "\t".join(row[v]["value"] if v in row else "" for v in variables) + "\n"

    chunks: list[bytes] = []
    stream_query(built.store(), "ASK { ?s ?p ?o }", tsv, chunks.append, timeout=30)
    assert chunks == [b"ASK\tTrue\n"]
    chunks.clear()
    text = "SELECT ?c ?t WHERE { ?c a schema:Claim ; schema:text ?t } ORDER BY ?c"
    stream_query(built.store(), text, tsv, chunks.append, timeout=30)
    expected = run_query(built.store(), text)
    assert b"".join(chunks).decode().splitlines() == ["c\tt"] + [
        f"{r['c']['value']}\t{r['t']['value']}" for r in expected.rows]
    with pytest.raises(QueryRefused):
        stream_query(built.store(), "CLEAR ALL", tsv, chunks.append, timeout=30)


def test_the_table_stops_at_its_row_limit(built: Project) -> None:
    chunks: list[bytes] = []
    with pytest.raises(TooManyRows, match=f"more than {TABLE_ROWS} rows"):
        stream_query(built.store(), "SELECT * WHERE { ?s ?p ?o }", "table", chunks.append, timeout=30)
    assert chunks == []
    csv_rows: list[bytes] = []
    stream_query(built.store(), "SELECT * WHERE { ?s ?p ?o }", "csv", csv_rows.append, timeout=30)
    assert b"".join(csv_rows).count(b"\r\n") == 1 + len(built.dataset())


ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # 23439 squared rows


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_rows_are_written_as_they_come(built: Project, fmt: str) -> None:
    """Stopped at its time limit, a query has already written the rows it found."""
    done, seconds = lbpgraph(["--data", str(DATA), "--build-dir", str(built.build_dir), "query", "--format", fmt,
                              "--timeout", "3", ENDLESS], seconds=20)
    assert done.returncode == 5
    assert_one_error_line(done.stderr.decode(), "time limit of 3 s")
    assert done.stdout.count(b"\n") > 1000
    assert seconds < 15


def test_a_closed_stdout_stops_the_query(built: Project) -> None:
    """``lbpgraph query ... | head``: the query stops when the reader goes, without a traceback."""
    process = subprocess.Popen([str(LBPGRAPH), "--data", str(DATA), "--build-dir", str(built.build_dir), "query",
                                "--format", "csv", "--timeout", "60", ENDLESS],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None and process.stderr is not None
    try:
        assert sorted(process.stdout.readline().strip().split(b",")) == [b"a", b"b", b"c", b"d", b"e", b"f"]
        process.stdout.close()
        start = time.monotonic()
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert time.monotonic() - start < 20
    assert process.returncode == 1  # click's code for a closed stdout
    assert process.stderr.read() == b""


def test_the_memory_store_answers_named_queries_from_the_build_as_it_would_compute_them(tmp_path: Path) -> None:
    """The build keeps every named query's answer; reading it parses no graph, and it is the
    answer the query gives when computed (the same text with a comment is not a named query)."""
    project = Project(DATA, tmp_path / "build", "memory")
    project.build()
    project.store().close()  # the build's own dataset answers while it is open; a new process has none
    for name, (_, text) in sorted(named_queries().items()):
        kept = project.query(text)
        assert project.store()._store is None, f"{name} parsed the graph"  # type: ignore[attr-defined]
        computed = project.query(text + "\n# computed, not kept\n")
        assert (kept.kind, kept.variables, kept.rows) == (computed.kind, computed.variables, computed.rows), name
        assert kept.to_csv() == computed.to_csv()
        project.store().close()


def test_a_query_child_leaves_what_it_inherited_out_of_the_garbage_collectors_reach() -> None:
    """The child freezes the parent's objects (gc.freeze, Python's advice for a fork): its
    collections walk only what the query makes."""
    import gc

    from lbpgraph.core.sandbox import in_child
    inherited = [object() for _ in range(1000)]
    frozen, enabled = in_child(lambda: (gc.get_freeze_count(), gc.isenabled()), 10)
    assert frozen >= len(inherited) and enabled
    assert gc.get_freeze_count() == 0  # the parent's collector is untouched


def test_every_lbpgraph_error_crosses_from_a_query_process_as_it_was() -> None:
    """A query runs in a child process, which sends back the lbpgraph error it raised: every
    kind arrives with its class, message, exit code and fields, whatever its ``__init__`` takes."""
    from lbpgraph.core import errors
    from lbpgraph.core.sandbox import in_child
    made = {errors.InvalidInput: lambda: errors.InvalidInput([errors.Issue("a.yaml", 3, "claim x", "bad")], "data",
                                                            subject="the settings"),
            errors.ClaimNotFound: lambda: errors.ClaimNotFound("backward walk", [("c1", "Backward walking helps")]),
            errors.AmbiguousClaim: lambda: errors.AmbiguousClaim("walk", [("c1", "a"), ("c2", "b")], {"c1": "text"}),
            errors.DiskFull: lambda: errors.DiskFull(OSError(28, "No space left on device")),
            errors.CannotWrite: lambda: errors.CannotWrite("/proc/x.html", "Permission denied")}
    kinds = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.LbpgraphError)]
    assert len(kinds) > 15
    for kind in kinds:
        sent = made.get(kind, lambda: kind("what went wrong"))()  # noqa: B023 - called at once

        def fail() -> None:
            raise sent  # noqa: B023 - called at once

        with pytest.raises(kind) as raised:
            in_child(fail, 30)
        assert type(raised.value) is kind and str(raised.value) == str(sent), kind
        assert vars(raised.value) == vars(sent) and raised.value.exit_code == sent.exit_code
