"""A project: a data folder, a build folder, and the cached build made from them.

:class:`Project` is the library entry point a notebook or the command line uses::

    from lbpgraph import Project
    project = Project("data", "build")
    project.build()                       # validate, build, write build/graph.trig
    trace = project.trace("bw-unloads-discs")

Every command reuses the build while nothing under ``data/`` (and nothing in lbpgraph itself)
has changed, and rebuilds by itself when something did. Outputs are written atomically and
the manifest last, so an interrupted build is never mistaken for a complete one.
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

from . import __version__, vocab
from .files import Unreadable, is_hidden, read_regular

if TYPE_CHECKING:  # heavy imports stay out of fast commands
    import networkx as nx
    from rdflib import Dataset

    from .query import QueryResult
    from .store import Store
    from .trace import Trace
    from .view import View

GRAPH_FILE = "graph.trig"
PROJECTION_FILE = "projection.pickle"
TRACES_FILE = "traces.json"
MANIFEST_FILE = "manifest.json"
_PACKAGE_DIR = Path(__file__).resolve().parent


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    atomic_write_all({path: data})


def atomic_write_all(files: dict[Path, bytes]) -> None:
    """Write several files, each atomically, and none of them if any fails: every file is
    written in full beside its target (where a full disk or a refused folder shows) before
    the first is renamed into place."""
    import tempfile
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs follow the umask
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _tree_digest(root: Path, pattern: str = "**/*") -> hashlib._Hash:
    """Digest of every entry under ``root``: a file's bytes, or what else it is (a folder, a
    dangling link, a FIFO), so that a build is current only for exactly what was validated."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root)
            if any(is_hidden(part) or part == "__pycache__" for part in rel.parts):
                continue
            try:
                content = read_regular(path)
            except Unreadable as exc:
                content = str(exc).encode()
            digest.update(str(rel).encode() + b"\0")
            digest.update(content + b"\0")
    return digest


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


class Project:
    """The data folder, the build folder and the store of one lbpgraph project.

    ``store`` is ``memory`` (rdflib, from ``build_dir/graph.trig``), ``oxigraph:DIR`` or
    ``sparql:URL`` (see :mod:`lbpgraph.store`); ``remote`` holds a SPARQL server's settings.

    With ``watch`` (the default) every read first looks for changed files under ``data/`` (one
    ``stat`` per file) and rebuilds; ``watch=False`` checks once, when the store is first
    opened, which suits a long-running reader answering many traces.
    """

    def __init__(self, data_dir: Path | str = "data", build_dir: Path | str = "build",
                 store: str = "memory", *, watch: bool = True, **remote: Any) -> None:
        from .store import parse_spec
        self.data_dir = Path(data_dir)
        self.build_dir = Path(build_dir)
        self.store_spec = store
        self.store_kind, self.store_location = parse_spec(store)
        self.remote = remote
        self.watch = watch
        self._checked = False  # whether data/ was checked against the build (once is enough without watch)
        self._projection: nx.DiGraph | None = None
        self._dataset: Dataset | None = None
        self._traces: dict[str, Any] | None = None
        self._store: Store | None = None
        self._fingerprint: tuple[Any, str] | None = None

    def __repr__(self) -> str:
        return (f"Project(data_dir={str(self.data_dir)!r}, build_dir={str(self.build_dir)!r}, "
                f"store={self.store_spec!r})")

    @property
    def graph_path(self) -> Path:
        return self.build_dir / GRAPH_FILE

    def fingerprint(self) -> str:
        """Digest of every file under ``data/`` and of lbpgraph's own code and rules.

        Reused within this object while no file's size or modification time changed.
        """
        stamp = _tree_stamp(self.data_dir), _tree_stamp(_PACKAGE_DIR)
        if self._fingerprint is None or self._fingerprint[0] != stamp:
            digest = _tree_digest(self.data_dir)
            digest.update(_tree_digest(_PACKAGE_DIR).digest())
            digest.update(__version__.encode())
            self._fingerprint = (stamp, digest.hexdigest())
        return self._fingerprint[1]

    def _manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def is_current(self, fingerprint: str | None = None) -> bool:
        """True when the store holds a complete build of the current data (a SPARQL server
        always counts as current: it holds what was last pushed)."""
        if self.store_kind == "sparql":
            return True
        if self.store_kind == "oxigraph":
            from .store import OxigraphStore
            manifest = OxigraphStore.manifest(self.store_location)
            return manifest is not None and manifest.get("fingerprint") == (fingerprint or self.fingerprint())
        manifest = self._manifest()
        return (manifest is not None
                and manifest.get("fingerprint") == (fingerprint or self.fingerprint())
                and all((self.build_dir / f).is_file() for f in (GRAPH_FILE, PROJECTION_FILE, TRACES_FILE)))

    def build(self, force: bool = False) -> BuildResult:
        """Validate ``data/``, build the dataset and write ``build/``; skip if already current.

        Raises :class:`~lbpgraph.errors.InvalidInput` (and writes nothing) on bad input.
        """
        start = time.perf_counter()
        fingerprint = self.fingerprint()
        if not force and self.is_current(fingerprint):
            manifest = self._manifest() or {}
            return BuildResult(self.graph_path, manifest.get("articles", 0), manifest.get("claims", 0),
                               manifest.get("triples", 0), manifest.get("derived_triples", 0),
                               time.perf_counter() - start, rebuilt=False)
        corpus = self.corpus()
        if self.store_kind != "memory":
            return self._build_store(corpus, fingerprint, start)
        from .build import build_store, derived_count, to_dataset
        from .projection import project
        from .rdf import to_trig
        from .store import OxigraphMemoryStore
        from .trace import compute

        built = build_store(corpus)
        ds = to_dataset(built)
        trig = to_trig(ds).encode("utf-8")
        projection = project(OxigraphMemoryStore(built))  # the same rows as rdflib's, many times faster
        traces = {d["id"]: compute(projection, d["id"]).to_json()
                  for _, d in projection.nodes(data=True) if d["kind"] == "claim"}
        triples, derived = len(built), derived_count(built)
        manifest = {
            "fingerprint": fingerprint, "lbpgraph": __version__,
            "graph_sha256": hashlib.sha256(trig).hexdigest(),
            "articles": len(corpus.articles), "claims": len(corpus.claims),
            "triples": triples, "derived_triples": derived,
        }
        (self.build_dir / MANIFEST_FILE).unlink(missing_ok=True)  # invalidate first
        atomic_write(self.graph_path, trig)
        atomic_write(self.build_dir / PROJECTION_FILE, pickle.dumps(projection, protocol=5))
        atomic_write(self.build_dir / TRACES_FILE,
                     json.dumps(traces, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        atomic_write(self.build_dir / MANIFEST_FILE,
                     (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
        self._projection, self._dataset, self._traces = projection, ds, traces
        return BuildResult(self.graph_path, len(corpus.articles), len(corpus.claims), triples, derived,
                           time.perf_counter() - start, rebuilt=True)

    def corpus(self) -> Any:
        """Load and validate data/ (raises :class:`~lbpgraph.errors.InvalidInput`)."""
        from .corpus import load_corpus
        from .errors import InvalidInput
        try:
            return load_corpus(self.data_dir)
        except InvalidInput as exc:
            exc.data_dir = str(self.data_dir)
            raise

    def _build_store(self, corpus: Any, fingerprint: str, start: float) -> BuildResult:
        """Build into a new Oxigraph version and publish it (a SPARQL server is filled by push)."""
        from .errors import UsageError
        from .store import OxigraphStore
        if self.store_kind == "sparql":
            raise UsageError(f"{self.store_spec} is filled by lbpgraph push, not built in place")
        self.close()
        version = OxigraphStore.create(self.store_location)
        try:
            triples, derived = version.build(corpus)
            manifest = {"fingerprint": fingerprint, "lbpgraph": __version__, "articles": len(corpus.articles),
                        "claims": len(corpus.claims), "triples": triples, "derived_triples": derived}
            version.publish(manifest)
        except BaseException:
            version.discard()
            raise
        self._store = version
        return BuildResult(Path(self.store_location), len(corpus.articles), len(corpus.claims), triples, derived,
                           time.perf_counter() - start, rebuilt=True)

    def store(self) -> Store:
        """The store the project reads, rebuilt first if ``data/`` changed (local stores)."""
        if self._store is None or (self.watch and not self.is_current()):
            self._ensure_built()
            if self.store_kind == "memory":
                from .store import MemoryStore
                self._store = MemoryStore(self.dataset())
            elif self.store_kind == "oxigraph":
                from .store import OxigraphStore
                self._store = self._store or OxigraphStore(self.store_location)
            else:
                from .remote import SparqlStore
                self._store = SparqlStore(self.store_spec, **self.remote)
        return self._store

    def close(self) -> None:
        """Release the store (files, connections)."""
        if self._store is not None:
            self._store.close()
        self._store = None

    def _ensure_built(self) -> None:
        if self._checked and not self.watch:
            return
        if not self.is_current():
            self._projection = self._dataset = self._traces = None
            self._store = None
            self.build(force=True)  # also refreshes the in-memory copies
        self._checked = True

    def projection(self) -> nx.DiGraph:
        """The NetworkX projection of the graph, rebuilding first if ``data/`` changed.

        The memory store's build writes it; other stores project on first use and keep it,
        with the fingerprint it was made from, in the build folder.
        """
        self._ensure_built()
        if self._projection is None:
            if self.store_kind == "memory":
                with open(self.build_dir / PROJECTION_FILE, "rb") as f:
                    self._projection = pickle.load(f)
            else:
                self._projection = self._store_projection()
        return self._projection

    def _store_projection(self) -> nx.DiGraph:
        from .projection import project
        store = self.store()
        version = self._store_version(store)
        cache = self.build_dir / f"projection-{hashlib.sha256(self.store_spec.encode()).hexdigest()[:12]}.pickle"
        try:
            with open(cache, "rb") as f:
                cached_version, graph = pickle.load(f)
            if cached_version == version and version is not None:
                return graph
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            pass
        graph = project(store)
        atomic_write(cache, pickle.dumps((version, graph), protocol=5))
        return graph

    def _store_version(self, store: Store) -> str | None:
        if self.store_kind == "oxigraph":
            from .store import OxigraphStore
            return (OxigraphStore.manifest(self.store_location) or {}).get("fingerprint")
        return store.fingerprint()  # type: ignore[attr-defined]

    def dataset(self) -> Dataset:
        """The built RDF dataset (all named graphs), rebuilding first if needed."""
        self._ensure_built()
        if self._dataset is None:
            from .rdf import new_dataset
            ds = new_dataset()
            ds.parse(self.graph_path, format="trig")
            self._dataset = ds
        return self._dataset

    def traces(self) -> dict[str, Any]:
        """Every claim's trace as JSON: claim id -> trace (computed at build time for memory)."""
        self._ensure_built()
        if self._traces is None:
            if self.store_kind == "memory":
                self._traces = json.loads((self.build_dir / TRACES_FILE).read_text(encoding="utf-8"))
            else:
                from .trace import compute
                g = self.projection()
                self._traces = {d["id"]: compute(g, d["id"]).to_json()
                                for _, d in g.nodes(data=True) if d["kind"] == "claim"}
        return self._traces

    def push(self) -> BuildResult:
        """Build ``data/`` in memory and replace the SPARQL server's dataset with it; nothing
        changes on the server unless every graph arrived."""
        import pyoxigraph as ox

        from .build import build_store, derived_count
        from .errors import UsageError
        if self.store_kind != "sparql":
            raise UsageError(f"push sends the build to a SPARQL server; the store is {self.store_spec}")
        start = time.perf_counter()
        corpus = self.corpus()
        built = build_store(corpus)
        self.store().push(built.dump(format=ox.RdfFormat.N_QUADS), self.fingerprint())  # type: ignore[attr-defined]
        self._projection = self._traces = None
        return BuildResult(self.store_location, len(corpus.articles), len(corpus.claims), len(built),
                           derived_count(built), time.perf_counter() - start, rebuilt=True)

    def trace(self, claim: str) -> Trace:
        """Trace one claim, given by id or by text of its statement or a quote.

        Reads the traces the build computed, so it needs neither NetworkX nor rdflib; raises
        :class:`~lbpgraph.errors.AmbiguousClaim` or :class:`~lbpgraph.errors.ClaimNotFound`.
        """
        from .trace import ClaimIndex, Trace
        if self.store_kind != "memory":
            return self._store_trace(claim)
        traces = self.traces()
        index = ClaimIndex((cid, t["claim"]["statement"], [a["quote"] for a in t["appearances"]])
                           for cid, t in traces.items())
        return Trace.from_json(traces[index.find(claim)])

    def _store_trace(self, claim: str) -> Trace:
        """Trace from the store itself: find the claim, project its neighbourhood, compute."""
        from .projection import neighbourhood, project
        from .trace import compute, find_claim
        store = self.store()
        claim_id = find_claim(store, claim)
        focus = neighbourhood(store, vocab.PREFIXES["claim"] + claim_id)
        return compute(project(store, focus), claim_id)

    def view(self, claim_id: str | None = None, seed: int = 0, physics_threshold: int = 300) -> View:
        """The graph page of one claim's neighbourhood, or of everything (``claim_id=None``).

        Other stores than memory project only the claim's neighbourhood for a one-claim view.
        """
        from .view import build_view
        if claim_id is None or self.store_kind == "memory":
            g = self.projection()
        else:
            from .projection import neighbourhood, project
            store = self.store()
            g = project(store, neighbourhood(store, vocab.PREFIXES["claim"] + claim_id))
        return build_view(g, claim_id, seed=seed, physics_threshold=physics_threshold)

    def query(self, sparql: str, timeout: float | None = None) -> QueryResult:
        """Run a read-only SPARQL query on the project's store; see :func:`lbpgraph.query.run_query`."""
        from .query import DEFAULT_TIMEOUT, run_query
        return run_query(self.store(), sparql, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)

    def stats(self) -> dict[str, Any]:
        """Counts and per-article coverage; see :func:`lbpgraph.stats.stats`."""
        from .stats import stats
        return stats(self.projection())
