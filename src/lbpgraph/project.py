"""A project: a data folder, a build folder, and the store that holds the build made from them.

:class:`Project` is the library entry point a notebook or the command line uses::

    from lbpgraph import Project
    project = Project("data", "build")
    project.build()                       # validate, build, publish to the store
    trace = project.trace("bw-unloads-discs")

Here the build (:mod:`lbpgraph.build`) and the store (:mod:`lbpgraph.stores`) meet: the build
makes N-Quads chunks, the store publishes them, and what a kind of store can do is asked of its
:class:`~lbpgraph.stores.base.Capabilities`, never of its class. Every command reuses the build
while nothing under ``data/`` (and nothing in lbpgraph itself) has changed, and rebuilds by
itself when something did.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .core import vocab
from .core.errors import InvalidInput, UsageError
from .core.errors import LbpgraphError
from .core.files import ChangeWatch, Unreadable, atomic_write, is_hidden, read_regular
from .core.runtime import drop_cached_views, gc_paused
from .stores.registry import parse_spec, store_class

if TYPE_CHECKING:  # heavy imports stay out of fast commands
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Dataset

    from .analysis.projection import Facts
    from .analysis.search import Hit, Search
    from .analysis.trace import Trace
    from .export import ExportSettings
    from .model.corpus import Corpus
    from .presentation.view import View
    from .rdf.results import QueryResult
    from .stores.base import Capabilities, Manifest, Store

PROJECTION_FILE = "projection.pickle"  # attachments of a store that keeps analysis
TRACES_FILE = "traces.json"
TRACE_INDEX_FILE = "traces-index.json"  # claim id -> where its trace lies in traces.json (bytes from, to)
SEARCH_FILE = "search.json"
STATS_FILE = "stats.json"
INPUTS_FILE = "inputs.json"  # published with every local build: what it was made from (see Project._update)
FACTS_FILE = "facts.pickle"  # beside an Oxigraph build: what the projection was made from, kept by its updates
TOUCHED_FILE = "touched.json"  # beside an updated Oxigraph build: the resources changed since the facts were read
UPDATE_SHARE = 4  # a build updates the last one in place when at most 1 article in UPDATE_SHARE changed
_PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` or ``push`` did: where the graph is (a file, an Oxigraph folder or the
    server's URL) and how big it is."""

    graph_path: Path | str
    articles: int
    claims: int
    triples: int
    derived_triples: int
    seconds: float
    rebuilt: bool
    updated: bool = False  # the last build was updated in place (only some articles changed)


class Project:
    """The data folder, the build folder and the store of one lbpgraph project.

    ``store`` is ``memory`` (rdflib, from ``build_dir/graph.trig``), ``oxigraph:DIR`` or
    ``sparql:URL`` (see :mod:`lbpgraph.stores.registry`); ``remote`` holds a SPARQL server's settings.

    With ``watch`` (the default) every read first looks for changed files under ``data/`` (one
    ``stat`` per file) and rebuilds; ``watch=False`` checks once, when the store is first
    opened, which suits a long-running reader answering many traces.
    """

    def __init__(self, data_dir: Path | str = "data", build_dir: Path | str = "build",
                 store: str = "memory", *, watch: bool = True, **remote: Any) -> None:
        self.data_dir = Path(data_dir)
        self.build_dir = Path(build_dir)
        self.store_spec = store
        kind, self._location = parse_spec(store)
        self._store_class = store_class(kind)
        self.remote = remote
        self.watch = watch
        self._checked = False  # whether data/ was checked against the build (once is enough without watch)
        self._store: Store | None = None  # made on first use: a server's settings are checked then
        self._projection: nx.DiGraph | None = None
        self._traces: dict[str, Any] | None = None
        self._traced = False  # whether this project traced a claim yet (see trace)
        self._search: Search | None = None
        self._fingerprint: tuple[Any, str] | None = None
        self._digests: dict[str, tuple[int, int, str]] = {}  # data file -> size, time, SHA-256 (see file_digests)
        self._watch: ChangeWatch | None = None

    def __repr__(self) -> str:
        return (f"Project(data_dir={str(self.data_dir)!r}, build_dir={str(self.build_dir)!r}, "
                f"store={self.store_spec!r})")

    @property
    def capabilities(self) -> Capabilities:
        """What the project's kind of store can do."""
        return self._store_class.capabilities

    @property
    def graph_path(self) -> Path | str:
        """Where the graph is: ``build_dir/graph.trig``, an Oxigraph folder or a server's URL."""
        return self._open().location

    def _open(self) -> Store:
        if self._store is None:
            self._store = self._store_class.from_spec(self._location, self.build_dir, **self.remote)
        return self._store

    def fingerprint(self) -> str:
        """Digest of every file under ``data/`` and of lbpgraph's own code and rules.

        Reused within this object while nothing changed: no event from the folders' watch
        (:class:`~lbpgraph.core.files.ChangeWatch`), or else no file's size or modification time.
        """
        if self._watch is None:
            self._watch = ChangeWatch([self.data_dir, _PACKAGE_DIR])
        if self._fingerprint is not None and not self._watch.changed():
            return self._fingerprint[1]
        stamp = _tree_stamp(self.data_dir), _tree_stamp(_PACKAGE_DIR)
        if self._fingerprint is None or self._fingerprint[0] != stamp:
            digest = hashlib.sha256(json.dumps(sorted(self.file_digests().items())).encode())
            digest.update(_code_digest(stamp[1]).encode())
            digest.update(__version__.encode())
            self._fingerprint = (stamp, digest.hexdigest())
        return self._fingerprint[1]

    def file_digests(self) -> dict[str, str]:
        """SHA-256 of every entry under ``data/`` by relative path (a folder, a dangling link or a
        FIFO by what it is), so that a build is current only for exactly what was validated; a
        file is read again only when its size or modification time changed."""
        digests: dict[str, str] = {}
        kept: dict[str, tuple[int, int, str]] = {}
        for path, rel in _tree_entries(self.data_dir):
            try:
                st = path.stat()
                key = (st.st_size, st.st_mtime_ns)
            except (OSError, ValueError):
                key = (-1, -1)
            known = self._digests.get(rel)
            if known is None or known[:2] != key or key == (-1, -1):
                try:
                    content = read_regular(path)
                except Unreadable as exc:
                    content = f"\0{exc}".encode()
                known = (*key, hashlib.sha256(content).hexdigest())
            kept[rel] = known
            digests[rel] = known[2]
        self._digests = kept
        return digests

    def is_current(self, fingerprint: str | None = None) -> bool:
        """True when the store holds a complete build of the current data (a store filled by
        push always counts as current: it holds what was last pushed)."""
        if not self.capabilities.local:
            return True
        return self._open().fingerprint() == (fingerprint or self.fingerprint())

    # --- building ------------------------------------------------------------------------------

    @gc_paused()
    def build(self, force: bool = False) -> BuildResult:
        """Validate ``data/``, build the dataset and publish it; skip if already current.

        Builds into one store run one at a time (the store's build lock): a second build waits
        for the first, then skips if that one left it nothing to do. Holding the lock, a build
        first removes what a killed build left behind, and it rebuilds a store whose published
        build is incomplete or no longer opens.

        Raises :class:`~lbpgraph.core.errors.InvalidInput` (and writes nothing) on bad input.
        """
        if self.capabilities.needs_push:
            raise UsageError(f"{self.store_spec} is filled by lbpgraph push, not built in place")
        start = time.perf_counter()
        store = self._open()
        with store.lock():
            store.remove_leftovers()
            fingerprint = self.fingerprint()
            if not force and self.is_current(fingerprint) and store.opens():
                return self._result(start, store.manifest() or {}, rebuilt=False)
            updated = not force and self._update(fingerprint)
            if not updated:
                self._publish(self.corpus(), fingerprint)
        return self._result(start, store.manifest() or {}, rebuilt=True, updated=updated)

    @gc_paused()
    def push(self) -> BuildResult:
        """Build ``data/`` in memory and replace the SPARQL server's dataset with it; nothing
        changes on the server unless every graph arrived."""
        if not self.capabilities.needs_push:
            raise UsageError(f"push sends the build to a SPARQL server; the store is {self.store_spec}")
        start = time.perf_counter()
        manifest = self._publish(self.corpus(), self.fingerprint())
        self._keep_analysis(None, None)
        return self._result(start, manifest, rebuilt=True)

    def _publish(self, corpus: Corpus, fingerprint: str) -> Manifest:
        """Build ``corpus`` and publish it to the store: the one place where builds and stores meet."""
        from .build.pipeline import Build
        build = Build(corpus)
        with self._open().staging() as staging:
            if staging.takes_store:
                build.run()
                staging.adopt(build.store)
            else:  # a store may go on loading (and compacting) in another thread: publish waits for it
                staging.load(build.chunks())
            manifest = {"fingerprint": fingerprint, "lbpgraph": __version__, "articles": len(corpus.articles),
                        "claims": len(corpus.claims), "triples": build.triples, "derived_triples": build.derived}
            dataset = build.store
            del build  # a store on disk holds the dataset: its copy in memory can go once analysed
            attachments: dict[str, bytes] = {}
            analysis = None
            if self.capabilities.keeps_analysis:
                projection, traces, facts = self._analysis(dataset)
                analysis = projection, traces
                dataset = dataset if staging.keeps_answers else None  # freed before the files are made
                if not staging.takes_store:  # updated on disk without analysis: see _refreshed_projection
                    from .analysis.projection import dump_facts
                    attachments[FACTS_FILE] = dump_facts(facts)
                del facts
                attachments.update(_attachments(projection, traces, dataset))
            if self.capabilities.local:
                from .model.corpus import summarise
                attachments[INPUTS_FILE] = self._inputs(summarise(corpus))
            staging.publish(manifest, attachments)
        if analysis:
            self._keep_analysis(*analysis)
        return manifest

    def _inputs(self, summaries: dict[str, Any]) -> bytes:
        """What a build was made from: the digest of every data file and of the code, and a
        summary of every annotation file (what it defines and refers to)."""
        inputs = {"files": self.file_digests(), "code": _code_digest(_tree_stamp(_PACKAGE_DIR)),
                  "summaries": summaries}
        return json.dumps(inputs, sort_keys=True).encode("utf-8")

    def _update(self, fingerprint: str) -> bool:
        """Update the published build in place when only a few articles (annotations or their
        texts) changed since it was made (:mod:`lbpgraph.build.incremental`); False (and nothing
        done) when a full build is needed: other files or lbpgraph itself changed, many
        articles did, a changed article does not validate against the rest, or the store
        cannot update in place."""
        store = self._open()
        kept, manifest = store.attachment(INPUTS_FILE), store.manifest()
        if kept is None or manifest is None:
            return False
        inputs = json.loads(kept)
        plan = _changed_articles(inputs, self.file_digests(), _code_digest(_tree_stamp(_PACKAGE_DIR)))
        if plan is None or len(plan[0]) + len(plan[1]) > max(1, len(inputs["summaries"]) // UPDATE_SHARE):
            return False
        from .model.corpus import load_changed, summarise_articles
        changed, removed = plan
        articles = load_changed(self.data_dir, changed, removed, inputs["summaries"])
        try:
            staging = store.update_staging() if articles is not None else None
        except LbpgraphError:  # the published build does not open: build it anew
            return False
        if staging is None or articles is None:
            return False
        with staging:
            self._publish_update(staging, fingerprint, manifest, inputs, removed, articles)
        return True

    def _publish_update(self, staging: Any, fingerprint: str, manifest: Manifest, inputs: dict[str, Any],
                        removed: list[str], articles: dict[str, Any]) -> None:
        from .build.incremental import update
        from .model.corpus import summarise_articles
        done = update(staging.base, staging.dataset, [Path(rel).stem for rel in removed], articles)
        summaries = {rel: s for rel, s in inputs["summaries"].items() if rel not in removed}
        summaries.update(summarise_articles(articles))
        manifest = {"fingerprint": fingerprint, "lbpgraph": __version__,
                    "articles": sum(1 for rel in summaries if rel.startswith("annotations/")),
                    "claims": sum(len(s["claims"]) for s in summaries.values()),
                    "triples": manifest["triples"] + done.added - done.removed,
                    "derived_triples": manifest["derived_triples"] + done.derived_added - done.derived_removed}
        # analysed only where the updated dataset is in memory: projecting one on disk (about 10 s
        # at 1M) would cost many times the update, so there the update carries the facts of the last
        # full build and the resources changed since, which the first whole-graph read projects
        # (_refreshed_projection), and traces are read from the store
        in_memory = self.capabilities.keeps_analysis and staging.takes_store
        projection, traces = self._analysis(staging.dataset)[:2] if in_memory else (None, None)
        attachments = _attachments(projection, traces, staging.dataset if staging.keeps_answers else None) \
            if projection is not None else {}
        published = self._open()
        if not in_memory and (facts := published.attachment(FACTS_FILE)) is not None:
            attachments.update(_facts_carried(facts, published.attachment(TOUCHED_FILE), done.subjects, staging))
        attachments[INPUTS_FILE] = self._inputs(summaries)
        staging.publish(manifest, attachments)
        self._keep_analysis(projection, traces)

    @staticmethod
    def _analysis(dataset: ox.Store) -> tuple[nx.DiGraph, dict[str, Any], Facts]:
        """The projection and every trace of a built dataset, and the facts projected, read from
        its in-memory Oxigraph store (the same rows as rdflib's, many times faster)."""
        from .analysis.projection import project_facts, read_facts
        from .analysis.chains import compute_all
        from .stores.oxigraph import OxigraphMemoryStore
        facts = read_facts(OxigraphMemoryStore(dataset))
        projection = project_facts(facts)
        return projection, compute_all(projection), facts

    def _result(self, start: float, manifest: Manifest, rebuilt: bool, updated: bool = False) -> BuildResult:
        """What a published build holds, from its manifest."""
        return BuildResult(self._open().location, manifest.get("articles", 0), manifest.get("claims", 0),
                           manifest.get("triples", 0), manifest.get("derived_triples", 0),
                           time.perf_counter() - start, rebuilt, updated)

    def corpus(self) -> Corpus:
        """Load and validate data/ (raises :class:`~lbpgraph.core.errors.InvalidInput`)."""
        from .model.corpus import load_corpus
        try:
            return load_corpus(self.data_dir)
        except InvalidInput as exc:
            exc.data_dir = str(self.data_dir)
            raise

    # --- reading -------------------------------------------------------------------------------

    def store(self) -> Store:
        """The store the project reads, rebuilt first if ``data/`` changed (local stores)."""
        self._ensure_built()
        return self._open()

    def close(self) -> None:
        """Release the store (files, connections) and let go of the projection and traces
        read (a later read reads them again)."""
        self._keep_analysis(None, None)
        if self._store is not None:
            self._store.close()

    def _keep_analysis(self, projection: nx.DiGraph | None, traces: dict[str, Any] | None) -> None:
        """Hold these instead of the projection and traces held so far, which go at once
        (see :func:`~lbpgraph.core.runtime.drop_cached_views`)."""
        if self._projection is not None and self._projection is not projection:
            drop_cached_views(self._projection)
        self._projection, self._traces, self._search = projection, traces, None

    def _ensure_built(self) -> None:
        if self._checked and not self.watch:
            return
        if not self.is_current():
            self.close()
            self.build()  # after any build in progress, and only if that one did not bring it up to date
        self._checked = True

    @gc_paused()
    def projection(self) -> nx.DiGraph:
        """The NetworkX projection of the graph, rebuilding first if ``data/`` changed.

        A store that keeps analysis has it from the build; others are projected on first use,
        and the projection kept, with the fingerprint it was made from, in the build folder.
        """
        self._ensure_built()
        if self._projection is None:
            kept = self._open().attachment(PROJECTION_FILE)
            self._projection = pickle.loads(kept) if kept is not None else self._cached_projection()
        return self._projection

    def _cached_projection(self) -> nx.DiGraph:
        store = self.store()
        version = store.fingerprint()
        cache = self.build_dir / f"projection-{hashlib.sha256(self.store_spec.encode()).hexdigest()[:12]}.pickle"
        try:
            with open(cache, "rb") as f:
                cached_version, graph = pickle.load(f)
            if cached_version == version and version is not None:
                return graph  # type: ignore[no-any-return]
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass
        graph = self._refreshed_projection(store)
        drop_cached_views(graph)  # not pickled: they would bring a cycle back with every load
        try:
            atomic_write(cache, pickle.dumps((version, graph), protocol=5))
        except OSError:
            pass  # only a cache: a full or read-only disk does not stop a read
        return graph

    @staticmethod
    def _refreshed_projection(store: Store) -> nx.DiGraph:
        """The projection of the whole store: after an update on disk, from the facts the last
        full build kept with the resources changed since read again (about 2 s at 1M triples,
        where reading the whole store takes about 10 s); else read whole."""
        from .analysis.projection import load_facts, project, project_facts, refresh
        kept, touched = store.attachment(FACTS_FILE), store.attachment(TOUCHED_FILE)
        try:
            facts = load_facts(kept) if kept is not None else None
            changed = json.loads(touched) if touched is not None else []
        except (ValueError, TypeError, EOFError, pickle.UnpicklingError):  # damaged: what they stand for is in the store
            facts = None
        if facts is None:
            return project(store)
        refresh(facts, store, changed)
        return project_facts(facts)

    def dataset(self) -> Dataset:
        """The built RDF dataset (all named graphs), rebuilding first if needed."""
        return self.store().dataset()

    @gc_paused()
    def traces(self) -> dict[str, Any]:
        """Every claim's trace as JSON: claim id -> trace (kept by the build where the store keeps analysis)."""
        self._ensure_built()
        if self._traces is None:
            kept = self._open().attachment(TRACES_FILE)
            if kept is not None:
                self._traces = json.loads(kept)
            else:
                from .analysis.chains import compute_all
                self._traces = compute_all(self.projection())
        return self._traces

    def trace(self, claim: str) -> Trace:
        """Trace one claim, given by id or by text of its statement or a quote.

        Where the store keeps analysis, this reads the traces the build computed, so it needs
        neither NetworkX nor rdflib; raises :class:`~lbpgraph.core.errors.AmbiguousClaim` or
        :class:`~lbpgraph.core.errors.ClaimNotFound`.
        """
        from .analysis.trace import ClaimIndex, Trace
        first, self._traced = not self._traced, True
        if first and self._traces is None and (one := self._kept_trace(claim)) is not None:
            return Trace.from_json(one)  # one trace (a command) reads its own bytes; more read them all
        traces = self._kept_traces()
        if traces is None:
            return self._store_trace(claim)
        if claim in traces:  # an id (ids fold to themselves): no index of every claim's text needed
            return Trace.from_json(traces[claim])
        index = ClaimIndex((cid, t["claim"]["statement"], [a["quote"] for a in t["appearances"]])
                           for cid, t in traces.items())
        return Trace.from_json(traces[index.find(claim, self.search)])

    def _kept_trace(self, claim: str) -> dict[str, Any] | None:
        """The kept trace of the claim whose id is ``claim``, read alone (where its index says it
        lies in the kept traces, so a trace at 1M reads kilobytes, not 30 MB); None where there is
        no such id or index, or what is read there is not that claim's trace."""
        if not self.capabilities.keeps_analysis:
            return None
        self._ensure_built()
        store = self._open()
        index = store.attachment(TRACE_INDEX_FILE)
        try:
            where = json.loads(index).get(claim) if index is not None else None
            part = store.attachment(TRACES_FILE, part=(where[0], where[1])) if where else None
            trace = json.loads(part) if part else None
            return trace if trace is not None and trace["claim"]["id"] == claim else None  # type: ignore[no-any-return]
        except (ValueError, TypeError, KeyError, IndexError):  # a damaged index: the whole file is read
            return None

    @gc_paused()
    def _kept_traces(self) -> dict[str, Any] | None:
        """Every claim's trace where the build kept them (or they were computed already), else None."""
        if self.capabilities.keeps_analysis:
            self._ensure_built()
            if self._traces is None and (kept := self._open().attachment(TRACES_FILE)) is not None:
                self._traces = json.loads(kept)
        return self._traces

    def _store_trace(self, claim: str) -> Trace:
        """Trace from the store itself: find the claim, project its neighbourhood, compute; read
        again once if a server's dataset changed during the read."""
        from .core.errors import DatasetChanged
        store = self.store()
        try:
            with store.reading():  # one dataset for all the trace's queries (a server's checked once)
                return self._read_trace(store, claim)
        except DatasetChanged:  # a push began or ended during the read: once more
            with store.reading():
                return self._read_trace(store, claim)

    def _read_trace(self, store: Store, claim: str) -> Trace:
        """A claim given by its id is projected straight away: the projection holds it exactly
        when it is a claim, so no lookup is needed; any other text is looked for first."""
        from .analysis.chains import compute
        from .analysis.trace import as_id, find_claim
        claim_id = as_id(claim)
        if claim_id is not None:
            g = self._neighbourhood(store, claim_id)
            if _is_claim_id(g, claim_id):
                return compute(g, claim_id)
        claim_id = find_claim(store, claim, self.search)
        return compute(self._neighbourhood(store, claim_id), claim_id)

    def search(self, words: str, limit: int | None = None) -> list[Hit]:
        """Claims found by ``words`` (statements, quotes, concepts and their other names, sources,
        articles), best first by BM25, each with why it matched; see :mod:`lbpgraph.analysis.search`.

        Where the store keeps analysis, this reads what the build prepared (no NetworkX, no rdflib).
        """
        from .analysis.search import Search, documents
        self._ensure_built()
        if self._search is None:
            kept = self._open().attachment(SEARCH_FILE) if self.capabilities.keeps_analysis else None
            self._search = Search(json.loads(kept) if kept is not None else documents(self.projection(), self.traces()))
        return self._search.rank(words, limit)

    @staticmethod
    def _neighbourhood(store: Store, claim_id: str) -> nx.DiGraph:
        from .analysis.projection import neighbourhood, project
        return project(store, neighbourhood(store, vocab.PREFIXES["claim"] + claim_id))

    @gc_paused()
    def view(self, claim: str | None = None, seed: int = 0, physics_threshold: int = 0) -> View:
        """The graph page of one claim's neighbourhood, or of everything (``claim=None``); the
        claim is given by id or by text, as :meth:`trace` takes it.

        Where the store keeps analysis, the page of one claim reads the kept projection without
        NetworkX, and a claim given by id is found there (no trace is read); a store that keeps
        no analysis projects only the claim's neighbourhood.
        """
        from .presentation.view import build_view
        g: Any = self.projection() if claim is None or self._projection is not None else None
        if g is None and self.capabilities.keeps_analysis:
            g = self._frozen_projection()  # None where the build kept none
        if claim is not None and (g is None or not _is_claim_id(g, claim)):
            claim = self.trace(claim).claim["id"]
        if g is None:  # no projection kept or made: the claim's neighbourhood alone
            store = self.store()
            with store.reading():
                g = self._neighbourhood(store, claim)  # type: ignore[arg-type]
        return build_view(g, claim, seed=seed, physics_threshold=physics_threshold)

    def _frozen_projection(self) -> Any:
        """The kept projection read without NetworkX (:mod:`lbpgraph.analysis.frozen`), or with it
        where that does not read it; None where the build kept none."""
        from .analysis.frozen import load_frozen
        self._ensure_built()
        kept = self._open().attachment(PROJECTION_FILE)
        try:
            return load_frozen(kept) if kept is not None else None
        except ValueError:
            return self.projection()

    def query(self, sparql: str, timeout: float | None = None) -> QueryResult:
        """Run a read-only SPARQL query on the project's store: SPARQL text, a named query
        (``project.query("supported-claims")``) or a ``.rq`` file, as ``lbpgraph query`` takes
        them; see :func:`lbpgraph.analysis.query.run_query`."""
        from .analysis.query import DEFAULT_TIMEOUT, resolve, run_query
        text = resolve(sparql) if sparql != "-" else sparql
        return run_query(self.store(), text, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)

    def stats(self) -> dict[str, Any]:
        """Counts and per-article coverage; see :func:`lbpgraph.analysis.stats.stats` (kept by the
        build where the store keeps analysis, so that reading them needs no NetworkX)."""
        if self.capabilities.keeps_analysis:
            self._ensure_built()
            kept = self._open().attachment(STATS_FILE)
            if kept is not None:
                return json.loads(kept)  # type: ignore[no-any-return]
        from .analysis.stats import stats
        return stats(self.projection())  # type: ignore[return-value]

    # --- exporting -----------------------------------------------------------------------------

    def graph_quads(self) -> list[ox.Quad]:
        """Every quad of the built dataset as pyoxigraph quads, in no set order (what the exports read)."""
        import pyoxigraph as ox

        from .rdf.terms import to_oxigraph
        return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), to_oxigraph(g))
                for g, s, p, o in self.store().quads()]

    @gc_paused()
    def export(self, fmt: str, path: Path | str | None = None, settings: ExportSettings | None = None) -> bytes:
        """The graph in export format ``fmt`` (see :data:`lbpgraph.export.FORMATS`), written
        atomically to ``path`` when one is given; the same data gives the same bytes."""
        from .export import export
        data = export(self, fmt, settings)
        if path is not None:
            atomic_write(Path(path), data)
        return data


def _facts_carried(facts: bytes, touched: bytes | None, subjects: set[str], staging: Any) -> dict[str, bytes]:
    """What an update on disk publishes so that the first whole-graph read need not project the
    whole store: the facts of the last full build as they were, and every resource changed since
    then (this update's and the earlier ones'), which the read reads again."""
    from .analysis.projection import affected
    from .stores.oxigraph import OxigraphMemoryStore
    changed = affected(subjects, [OxigraphMemoryStore(staging.base), OxigraphMemoryStore(staging.dataset)])
    earlier = set(json.loads(touched)) if touched is not None else set()
    return {FACTS_FILE: facts, TOUCHED_FILE: json.dumps(sorted(earlier | changed)).encode("utf-8")}


def _traces_with_index(traces: dict[str, Any]) -> dict[str, bytes]:
    """The traces as ``json.dumps(traces, sort_keys=True, ensure_ascii=False)`` writes them, and
    where each claim's trace lies in those bytes (:meth:`Project._kept_trace`)."""
    pieces, index, at = [b"{"], {}, 1
    for n, (claim, trace) in enumerate(sorted(traces.items())):
        head = ((", " if n else "") + json.dumps(claim, ensure_ascii=False) + ": ").encode("utf-8")
        body = json.dumps(trace, sort_keys=True, ensure_ascii=False).encode("utf-8")
        index[claim] = [at + len(head), at + len(head) + len(body)]
        pieces += [head, body]
        at += len(head) + len(body)
    pieces.append(b"}")
    return {TRACES_FILE: b"".join(pieces), TRACE_INDEX_FILE: json.dumps(index, sort_keys=True).encode("utf-8")}


def _attachments(projection: nx.DiGraph, traces: dict[str, Any], dataset: ox.Store | None) -> dict[str, bytes]:
    """What a store that keeps analysis publishes beside the graph: the projection, the traces,
    the stats and, given the ``dataset``, the answer of every named query (so that ``lbpgraph
    query NAME`` reads a file instead of parsing the graph)."""
    from .analysis.query import checked, named_queries
    from .analysis.search import documents
    from .analysis.stats import stats
    from .stores.memory import kept_answers
    from .stores.oxigraph import oxigraph_answer
    answers = {} if dataset is None else kept_answers(
        {full: oxigraph_answer(dataset, full) for full in (checked(text, 0) for _, text in named_queries().values())})
    drop_cached_views(projection)  # not pickled: they would bring a cycle back with every load
    return {PROJECTION_FILE: pickle.dumps(projection, protocol=5),
            **_traces_with_index(traces),
            STATS_FILE: json.dumps(stats(projection), sort_keys=True, ensure_ascii=False).encode("utf-8"),
            SEARCH_FILE: json.dumps(documents(projection, traces), ensure_ascii=False).encode("utf-8"),
            **answers}


def _is_claim_id(g: Any, claim: str) -> bool:
    """Whether ``claim`` is the id of a claim in projection ``g`` (a kept one or a neighbourhood)."""
    from .analysis.records import NodeKind
    d = g.nodes[key] if (key := vocab.PREFIXES["claim"] + claim) in g.nodes else {}
    return d.get("kind") == NodeKind.CLAIM and d.get("id") == claim


def _tree_entries(root: Path) -> list[tuple[Path, str]]:
    """Every entry under ``root`` with its relative path, in order; not what is hidden or in
    ``__pycache__``."""
    if not root.is_dir():
        return []
    entries = []
    for path in sorted(root.glob("**/*")):
        rel = path.relative_to(root)
        if not any(is_hidden(part) or part == "__pycache__" for part in rel.parts):
            entries.append((path, rel.as_posix()))
    return entries


_CODE: dict[str, Any] = {}


def _code_digest(stamp: list[tuple[str, int, int]]) -> str:
    """Digest of lbpgraph's own files (code, rules, templates), kept while their stamp holds."""
    if _CODE.get("stamp") != stamp:
        digest = hashlib.sha256()
        for path, rel in _tree_entries(_PACKAGE_DIR):
            try:
                content = read_regular(path)
            except Unreadable as exc:
                content = str(exc).encode()
            digest.update(rel.encode() + b"\0" + content + b"\0")
        _CODE.update(stamp=stamp, digest=digest.hexdigest())
    return _CODE["digest"]  # type: ignore[no-any-return]


def _changed_articles(inputs: dict[str, Any], files: dict[str, str], code: str) -> tuple[list[str], list[str]] | None:
    """The annotation files to validate again (changed or added, or whose text changed) and
    those removed, from what the last build was made from; None when anything else changed."""
    if inputs.get("code") != code:
        return None
    before: dict[str, str] = inputs["files"]
    changed = {rel for rel in before.keys() | files.keys() if before.get(rel) != files.get(rel)}
    annotations = {rel for rel in changed if rel.startswith("annotations/") and rel.endswith(".yaml")}
    texts = {rel.removeprefix("articles/") for rel in changed if rel.startswith("articles/")}
    if changed - annotations - {f"articles/{t}" for t in texts} or any("/" in t for t in texts):
        return None
    annotations |= {rel for rel, s in inputs["summaries"].items() if texts & set(s["texts"])}
    return sorted(rel for rel in annotations if rel in files), sorted(rel for rel in annotations if rel not in files)


def _tree_stamp(root: Path | str) -> list[tuple[str, int, int]]:
    """Path, size and modification time of every file under ``root``, and the path of every
    other entry: a cheap change detector (one ``stat`` per file; what is inside hidden folders,
    ``__pycache__`` and linked folders is skipped)."""
    stamp: list[tuple[str, int, int]] = []
    try:
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return stamp
    for entry in entries:
        if entry.is_dir():
            stamp.append((entry.path, -1, -1))  # even an empty folder named like a data file
            if not (entry.name.startswith(".") or entry.name == "__pycache__" or entry.is_symlink()):
                stamp.extend(_tree_stamp(entry.path))
        elif entry.is_file():
            st = entry.stat()
            stamp.append((entry.path, st.st_size, st.st_mtime_ns))
        else:  # a dangling link, a FIFO: validation reports it
            stamp.append((entry.path, -1, -1))
    return stamp
