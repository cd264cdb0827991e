"""Every store gives the same answers: query, trace, stats, report and view, on the real corpus.

The memory store is the reference; each other store is built (or pushed) from the same data/
and compared with it. The read-only guard and the time limit hold on every store.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from typing import Any

from lbpgraph.core.errors import QueryRefused, QueryTimeout
from lbpgraph.rdf.results import materialise
from lbpgraph.rdf.terms import from_rdflib
from lbpgraph.stores.base import Capabilities, Row, Store
from lbpgraph.project import Project
from lbpgraph.analysis.query import named_queries
from lbpgraph.presentation.report import build_report
from lbpgraph.presentation.view import build_view

from .conftest import DATA, run
from .virtuoso import USER

STORES = ["oxigraph", "sparql"]


@pytest.fixture(scope="module")
def reference(built: Project) -> Project:
    return built


@pytest.fixture(scope="module", params=STORES)
def other(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    if request.param == "oxigraph":
        return request.getfixturevalue("built_oxigraph")  # type: ignore[no-any-return]
    root = tmp_path_factory.mktemp(request.param)
    server = request.getfixturevalue("virtuoso")
    project = Project(DATA, root / "build", f"sparql:{server.query_url}", update_url=server.update_url,
                      graph_store_url=server.graph_store_url, user=USER, password=server.password)
    project.push()
    return project


def _bag(result: dict) -> Counter:
    rows = result.get("results", {}).get("bindings", [])
    return Counter(json.dumps(r, sort_keys=True) for r in rows)


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_agree(reference: Project, other: Project, name: str) -> None:
    text = named_queries()[name][1]
    expected, got = reference.query(text).to_json(), other.query(text).to_json()
    assert got["head"] == expected["head"]
    if "ORDER BY" in text.upper():
        assert got == expected
    assert _bag(got) == _bag(expected)
    assert _bag(expected), f"{name} returned no rows on the reference store"


def test_counts_agree(reference: Project, other: Project) -> None:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert other.query(text).rows == reference.query(text).rows
    total = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert other.query(total).rows == reference.query(total).rows


def test_every_trace_agrees(reference: Project, other: Project) -> None:
    traces = reference.traces()
    assert len(traces) > 100
    for claim_id, expected in sorted(traces.items()):
        assert other.trace(claim_id).to_json() == expected, claim_id


def test_trace_finds_claims_by_text_on_every_store(reference: Project, other: Project) -> None:
    quote = "opens the disc space"
    assert other.trace(quote).to_json() == reference.trace(quote).to_json()


def test_stats_report_and_view_agree(reference: Project, other: Project) -> None:
    assert other.stats() == reference.stats()
    assert build_report(other.projection(), other.traces()) == build_report(reference.projection(), reference.traces())
    for claim in (None, "bw-unloads-discs"):
        mine, theirs = build_view(other.projection(), claim), build_view(reference.projection(), claim)
        assert (mine.nodes, mine.edges) == (theirs.nodes, theirs.edges)


@pytest.mark.parametrize("text", ["INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                  "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                                  "SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }"])
def test_the_guard_holds_on_every_store(other: Project, text: str) -> None:
    with pytest.raises(QueryRefused):
        other.query(text)


def test_the_time_limit_holds_on_every_store(other: Project) -> None:
    explosive = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout):
        other.query(explosive, timeout=1.0)


class RdflibStore(Store):
    """The built dataset in rdflib's own store and SPARQL engine: the reference the Oxigraph
    stores are compared with."""

    capabilities = Capabilities(local=True, needs_push=False, persistent=False, keeps_analysis=False)
    spec = location = "rdflib"

    def __init__(self, trig: Path) -> None:
        from lbpgraph.rdf.namespaces import new_dataset
        self.ds = new_dataset()
        self.ds.parse(trig, format="trig")

    @classmethod
    def from_spec(cls, location: str, build_dir: Path, **settings: Any) -> Store:
        raise NotImplementedError

    def staging(self) -> Any:
        raise NotImplementedError

    def select(self, sparql: str) -> list[Row]:
        return [tuple(None if x is None else from_rdflib(x) for x in row) for row in self.ds.query(sparql)]

    def run(self, sparql: str, timeout: float) -> Any:
        result = self.ds.query(sparql)
        return materialise("SELECT", [str(v) for v in result.vars],
                           ([None if x is None else from_rdflib(x) for x in row] for row in result))


def test_the_build_projects_in_oxigraph_what_rdflib_projects(built: Project) -> None:
    """The build reads its projection from Oxigraph, and the memory store answers with Oxigraph
    (several times faster than rdflib): the same nodes and edges as rdflib's engine reads from
    the same TriG, and the same answers to the named queries."""
    from lbpgraph.analysis.projection import project
    from lbpgraph.analysis.query import check_query
    fast, reference = built.store(), RdflibStore(built.build_dir / "graph.trig")
    by_oxigraph, by_rdflib = project(fast), project(reference)
    assert sorted(by_oxigraph.nodes(data=True)) == sorted(by_rdflib.nodes(data=True))
    assert sorted(by_oxigraph.edges(data=True)) == sorted(by_rdflib.edges(data=True))
    assert by_oxigraph.graph == by_rdflib.graph and by_rdflib.number_of_nodes() > 100
    for name, (_, text) in sorted(named_queries().items()):
        checked = check_query(text)
        assert _bag(fast.run(checked, 30).to_json()) == _bag(reference.run(checked, 30).to_json()), name


def test_a_claims_neighbourhood_is_projected_as_the_whole_graph_projects_it(built: Project) -> None:
    """A trace on a store that keeps no analysis projects the claim's neighbourhood alone: every
    node it holds carries what the whole projection gives that node (a concept the
    neighbourhood reaches twice, as a premise and as a concept, lists its other names once)."""
    from lbpgraph.analysis.projection import neighbourhood, project
    store = built.store()
    whole = project(store)
    claims = sorted(n for n, d in whole.nodes(data=True) if d["kind"] == "claim")
    repeated = 0
    for claim in claims:
        part = project(store, neighbourhood(store, claim))
        for node, data in part.nodes(data=True):
            assert data == whole.nodes[node], (claim, node)
            repeated += data["kind"] == "concept" and node in neighbourhood(store, claim) and bool(data["alt_labels"])
        assert set(part.edges()) <= set(whole.edges()), claim
    assert len(claims) > 100 and repeated > 0


def test_cli_selects_the_store_by_option_environment_or_config(tmp_path: Path) -> None:
    db = tmp_path / "db"
    result = run("--store", f"oxigraph:{db}", "build", build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    assert f"Built {db}" in result.stdout
    assert (db / "current" / "manifest.json").is_file()
    config = tmp_path / "lbpgraph.toml"
    config.write_text(f'store = "oxigraph:{db}"\n', encoding="utf-8")
    by_config = run("--config", str(config), "trace", "--format", "json", "bw-unloads-discs", build=tmp_path / "b")
    assert by_config.exit_code == 0, by_config.stderr
    assert json.loads(by_config.stdout)["claim"]["id"] == "bw-unloads-discs"
    os.environ["LBPGRAPH_STORE"] = "nonsense"
    try:
        assert run("stats", build=tmp_path / "b").exit_code == 2
    finally:
        del os.environ["LBPGRAPH_STORE"]
    config.write_text('stroe = "memory"\n', encoding="utf-8")
    bad = run("--config", str(config), "stats", build=tmp_path / "b")
    assert bad.exit_code == 3 and "unknown settings: stroe" in bad.stderr


@pytest.mark.parametrize("setting, message", [
    ("bogus = 1", "[sparql]: unknown setting 'bogus' (known: dedicated, graph_store_url, password, timeout, "
                  "update_url, user)"),
    ('timeout = "soon"', "[sparql]: timeout: a number of seconds above 0, not 'soon'"),
    ("timeout = 0", "[sparql]: timeout: a number of seconds above 0, not 0"),
    ("user = 7", "[sparql]: user: text, not 7"),
    ('dedicated = "yes"', "[sparql]: dedicated: true or false, not 'yes'"),
])
def test_a_bad_sparql_setting_is_one_line_naming_the_file(tmp_path: Path, setting: str, message: str) -> None:
    """Not an internal error (exit 70) from deep inside the store: the file, the table, the setting."""
    config = tmp_path / "lbpgraph.toml"
    config.write_text(f'store = "sparql:http://127.0.0.1:9/sparql"\n[sparql]\n{setting}\n', encoding="utf-8")
    result = run("--config", str(config), "trace", "bw-unloads-discs", build=tmp_path / "b")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [f"{config}:1: {message}", "Error: 1 problem in the settings; nothing was written"]


def test_a_failed_oxigraph_build_keeps_the_published_version(tmp_path: Path, data_copy: Path) -> None:
    db = tmp_path / "db"
    project = Project(data_copy, tmp_path / "b", f"oxigraph:{db}")
    project.build()
    before = (db / "current").resolve()
    (data_copy / "claims.yaml").write_text("claims: [oops\n", encoding="utf-8")
    from lbpgraph.core.errors import InvalidInput
    with pytest.raises(InvalidInput):
        Project(data_copy, tmp_path / "b", f"oxigraph:{db}").build()
    assert (db / "current").resolve() == before
    assert sorted(p.name for p in db.iterdir() if p.name.startswith("version-")) == [before.name]


def test_the_background_loader_loads_every_chunk_in_order_and_reports_failures(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from lbpgraph.stores.oxigraph import BackgroundLoader
    graph = ox.NamedNode("urn:g:derived")
    disk = ox.Store(str(tmp_path / "db"))
    with BackgroundLoader(disk) as loader:
        loader.put(b'<urn:a> <urn:p> "1" <urn:g:curated> .\n', ox.RdfFormat.N_QUADS, None)
        for n in range(50):
            loader.put(f'<urn:s{n}> <urn:p> "{n}" .\n'.encode(), ox.RdfFormat.N_TRIPLES, graph)
    assert loader.store is None  # else the store stays open below, compacting while it is read
    assert len(disk) == 51
    assert sum(1 for _ in disk.quads_for_pattern(None, None, None, graph)) == 50
    del disk
    read_only = ox.Store.read_only(str(tmp_path / "db"))
    with pytest.raises(RuntimeError, match="read-write"):  # the loading thread's error reaches the builder
        with BackgroundLoader(read_only) as loader:
            loader.put(b'<urn:b> <urn:p> "2" .\n', ox.RdfFormat.N_TRIPLES, graph)
    assert len(read_only) == 51


def test_the_loading_thread_compacts_after_the_last_chunk_while_the_builder_goes_on(tmp_path: Path,
                                                                                   data_copy: Path) -> None:
    """load() returns once the last chunk is queued; the thread then loads it and runs its
    ``then`` (the version's flush and compaction), after everything and only without an error;
    publish waits for it, and a build that fails after load() leaves the published version."""
    import pyoxigraph as ox

    from lbpgraph.stores.oxigraph import BackgroundLoader
    done: list[int] = []
    disk = ox.Store(str(tmp_path / "db"))
    loader = BackgroundLoader(disk, then=lambda: done.append(len(disk))).start()
    for n in range(20):
        loader.put(f'<urn:s{n}> <urn:p> "{n}" <urn:g> .\n'.encode(), ox.RdfFormat.N_QUADS, None)
    loader.close()
    loader.finish()
    assert done == [20]
    failing = BackgroundLoader(disk, then=lambda: 1 / 0).start()
    with pytest.raises(ZeroDivisionError):
        failing.finish()

    project = Project(data_copy, tmp_path / "build", f"oxigraph:{tmp_path / 'store'}")
    project.build()
    before = (tmp_path / "store" / "current").resolve()
    with pytest.raises(RuntimeError, match="after load"):
        with project.store().staging() as staging:
            staging.load(iter([b'<urn:a> <urn:p> "1" <urn:g> .\n']))
            raise RuntimeError("the analysis failed after load")
    assert (tmp_path / "store" / "current").resolve() == before
    assert sorted(p.name for p in (tmp_path / "store").iterdir() if p.name.startswith("version-")) == [before.name]


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_a_query_that_slips_past_the_guard_still_reaches_no_server(kind: str, built: Project, tmp_path: Path) -> None:
    """The second layer under the guard: the query process has no network. Oxigraph's SERVICE
    client is Rust, out of reach of Python's audit hook; the process's own network namespace
    stops it (without it, the listener below receives Oxigraph's POST)."""
    import socket
    import threading

    from lbpgraph.core.errors import QueryFailed
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(3)
    received: list[bytes] = []

    def serve() -> None:
        try:
            connection, _ = listener.accept()
            received.append(connection.recv(100))
            connection.close()
        except OSError:
            pass

    server = threading.Thread(target=serve)
    server.start()
    project = built if kind == "memory" else Project(DATA, tmp_path / "b", f"oxigraph:{tmp_path / 'db'}")
    port = listener.getsockname()[1]
    with pytest.raises(QueryFailed):
        project.store().run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}", 10)
    server.join()
    listener.close()
    assert received == []


@pytest.mark.parametrize("fixture", ["built", "built_oxigraph"])
def test_a_trace_by_id_reads_its_own_bytes_of_the_kept_traces(fixture: str, request: pytest.FixtureRequest,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept traces come with an index of where each lies: a trace by id reads those bytes,
    not the whole file (30 MB at 1M triples); a wrong index is noticed and the file read whole."""
    from lbpgraph.project import TRACE_INDEX_FILE, TRACES_FILE
    built: Project = request.getfixturevalue(fixture)
    kept = built.traces()
    assert built.store().attachment(TRACES_FILE) == json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()
    store_class = type(built.store())
    reads: list[tuple[str, Any]] = []
    attachment = store_class.attachment

    def recorded(self: Any, name: str, part: Any = None) -> Any:
        reads.append((name, part))
        return attachment(self, name, part)
    monkeypatch.setattr(store_class, "attachment", recorded)
    claim, other = sorted(kept)[len(kept) // 2], sorted(kept)[0]
    reader = Project(built.data_dir, built.build_dir, built.store_spec)
    assert reader.trace(claim).to_json() == kept[claim]
    assert (TRACES_FILE, None) not in reads and any(name == TRACES_FILE and part for name, part in reads)
    # a project that traces again (a notebook, serve) reads them all, once: then each trace is a lookup
    assert reader.trace(other).to_json() == kept[other] and reads[-1] == (TRACES_FILE, None)
    count = len(reads)
    assert reader.trace(claim).to_json() == kept[claim] and len(reads) == count

    def shifted(self: Any, name: str, part: Any = None) -> Any:  # an index that points one claim further
        data = attachment(self, name, part)
        if name == TRACE_INDEX_FILE and data is not None:
            index = json.loads(data)
            ids = sorted(index)
            data = json.dumps({c: index[ids[(i + 1) % len(ids)]] for i, c in enumerate(ids)}).encode()
        return data
    monkeypatch.setattr(store_class, "attachment", shifted)
    assert Project(built.data_dir, built.build_dir, built.store_spec).trace(claim).to_json() == kept[claim]


@pytest.mark.parametrize("kind", ["memory", "oxigraph", "sparql"])
def test_a_projection_let_go_is_freed_at_once_and_kept_without_networkx_views(
        kind: str, tmp_path: Path, data_copy: Path, request: pytest.FixtureRequest) -> None:
    """NetworkX caches a graph's views on it, each pointing back at the graph: a cycle that only
    a full collection frees (hundreds of MB at 1M). A project lets go of its projection at
    once when closed or rebuilt, and keeps none of those views in what it pickles."""
    import gc
    import pickle
    import weakref

    from lbpgraph.core.runtime import gc_paused
    if kind == "sparql":
        server = request.getfixturevalue("virtuoso")
        project = Project(data_copy, tmp_path / "build", f"sparql:{server.query_url}", update_url=server.update_url,
                          graph_store_url=server.graph_store_url, user=USER, password=server.password)
        project.push()
    else:
        project = Project(data_copy, tmp_path / "build", "memory" if kind == "memory" else f"oxigraph:{tmp_path / 'db'}")
        project.build()
    with gc_paused():  # so that only reference counting frees anything
        gc.collect()
        g = project.projection()
        assert len(g.nodes) and len(g.edges) and g.succ  # the views NetworkX caches on the graph
        assert {"nodes", "edges", "succ"} <= set(vars(g))
        first = weakref.ref(g)
        del g
        project.close()
        assert first() is None, "closing the project frees its projection"
        g = project.projection()  # read again: kept by the build, or by the project in its build folder
        kept = [pickle.loads(p.read_bytes())[1] for p in (tmp_path / "build").glob("projection-*.pickle")]
        assert len(kept) == (kind == "sparql")
        for graph in [g, *kept]:
            assert not {"nodes", "edges", "succ"} & set(vars(graph)), "no view was pickled"
        assert len(g.nodes) and len(g.edges)
        second = weakref.ref(g)
        del g, kept, graph
        if kind != "sparql":  # a change in data/: the next read rebuilds, and the old projection goes
            annotation = sorted((data_copy / "annotations").glob("*.yaml"))[0]
            annotation.write_text(annotation.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
            project.projection()
        else:
            project.push()
        assert second() is None
    project.close()
