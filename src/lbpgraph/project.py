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
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, vocab
from .files import Unreadable, is_hidden, read_regular

if TYPE_CHECKING:  # heavy imports stay out of fast commands
    import networkx as nx
    import pyoxigraph as ox
    from rdflib import Dataset

    from .export import ExportSettings
    from .query import QueryResult
    from .store import Store
    from .trace import Trace
    from .view import View

GRAPH_FILE = "graph.trig"
PROJECTION_FILE = "projection.pickle"
TRACES_FILE = "traces.json"
MANIFEST_FILE = "manifest.json"
OUTPUTS = (GRAPH_FILE, PROJECTION_FILE, TRACES_FILE)  # of the memory store, replaced together
LOCK_FILE = ".lock"  # see build_lock
_PACKAGE_DIR = Path(__file__).resolve().parent


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    atomic_write_all({path: data})


def atomic_write_all(files: dict[Path, bytes]) -> None:
    """Write several files, each atomically, and none of them if any fails: every file is
    written in full beside its target (where a full disk or a refused folder shows) before
    the first is renamed into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((write_temp(path, data), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise


def write_temp(path: Path, data: bytes) -> Path:
    """``data`` on disk in a new temporary file beside ``path`` (named ``.NAME.*.tmp``), ready
    to be renamed over it; nothing is left behind if writing fails."""
    import tempfile
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs follow the umask
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # a failed write names no file: name the one being written
        raise
    return Path(tmp)


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold the build lock of ``folder`` (a build folder, or an ``oxigraph:DIR``): an exclusive
    ``flock`` on ``folder/.lock``. A second build waits until the first is done, saying so on
    stderr; the kernel releases the lock when its holder ends, however it ends."""
    import fcntl
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_FILE, "ab") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"lbpgraph: waiting for another build of {folder} to finish", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


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
        fingerprint = fingerprint or self.fingerprint()
        if self.store_kind == "oxigraph":
            from .store import OxigraphStore
            manifest = OxigraphStore.manifest(self.store_location)
            return manifest is not None and manifest.get("fingerprint") == fingerprint
        manifest, outputs = self._manifest(), self._outputs()
        return (manifest is not None and manifest.get("fingerprint") == fingerprint
                and outputs is not None and manifest.get("outputs") == outputs)

    def _outputs(self) -> dict[str, list[int]] | None:
        """Size and modification time of each output of the memory store; None if one is missing."""
        try:
            return {name: _stamp(self.build_dir / name) for name in OUTPUTS}
        except OSError:
            return None

    def build(self, force: bool = False) -> BuildResult:
        """Validate ``data/``, build the dataset and publish it; skip if already current.

        Builds into one build folder (memory) or one ``oxigraph:DIR`` run one at a time
        (:func:`build_lock`): a second build waits for the first, then skips if that one left it
        nothing to do. Holding the lock, a build first removes what a killed build left behind,
        and it rebuilds a store whose published build is incomplete or no longer opens.

        Raises :class:`~lbpgraph.errors.InvalidInput` (and writes nothing) on bad input.
        """
        from .errors import UsageError
        if self.store_kind == "sparql":
            raise UsageError(f"{self.store_spec} is filled by lbpgraph push, not built in place")
        start = time.perf_counter()
        with build_lock(self.build_dir if self.store_kind == "memory" else Path(self.store_location)):
            self._remove_leftovers()
            fingerprint = self.fingerprint()
            if not force and self.is_current(fingerprint) and self._opens():
                return self._result(start, rebuilt=False)
            corpus = self.corpus()
            if self.store_kind == "oxigraph":
                self._build_oxigraph(corpus, fingerprint)
            else:
                self._build_memory(corpus, fingerprint)
        return self._result(start, rebuilt=True)

    def _build_memory(self, corpus: Any, fingerprint: str) -> None:
        """Build into the build folder: graph.trig, projection.pickle, traces.json, manifest.json."""
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
        manifest = {
            "fingerprint": fingerprint, "lbpgraph": __version__,
            "graph_sha256": hashlib.sha256(trig).hexdigest(),
            "articles": len(corpus.articles), "claims": len(corpus.claims),
            "triples": len(built), "derived_triples": derived_count(built),
        }
        self._replace_outputs({
            GRAPH_FILE: trig,
            PROJECTION_FILE: pickle.dumps(projection, protocol=5),
            TRACES_FILE: json.dumps(traces, sort_keys=True, ensure_ascii=False).encode("utf-8"),
        }, manifest)
        self._projection, self._dataset, self._traces = projection, ds, traces

    def _replace_outputs(self, outputs: dict[str, bytes], manifest: dict[str, Any]) -> None:
        """Replace the memory store's outputs, the manifest last, so that a build that fails or
        is killed leaves the previous one readable. Every file is first written in full beside
        its target (the only step that takes disk space: a full disk stops the build here, with
        nothing replaced), then each is renamed over its target. The manifest records the size
        and time of each output, so an old manifest does not match outputs that a build killed
        between two renames already replaced: such a build folder is rebuilt, never read."""
        temps: dict[str, Path] = {}
        try:
            for name, data in outputs.items():
                temps[name] = write_temp(self.build_dir / name, data)
            manifest["outputs"] = {name: _stamp(tmp) for name, tmp in temps.items()}  # a rename keeps both
            temps[MANIFEST_FILE] = write_temp(self.build_dir / MANIFEST_FILE,
                                              (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
            for name, tmp in temps.items():
                os.replace(tmp, self.build_dir / name)
        finally:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)

    def _build_oxigraph(self, corpus: Any, fingerprint: str) -> None:
        """Build into a new Oxigraph version and publish it."""
        from .store import OxigraphStore
        self.close()
        version = OxigraphStore.create(self.store_location)
        try:
            triples, derived = version.build(corpus)
            version.publish({"fingerprint": fingerprint, "lbpgraph": __version__, "articles": len(corpus.articles),
                             "claims": len(corpus.claims), "triples": triples, "derived_triples": derived})
        except BaseException:
            version.discard()
            raise
        self._store = version

    def _remove_leftovers(self) -> None:
        """Remove what a killed build left: temporary files in the build folder (memory), or
        versions no reader uses in an ``oxigraph:DIR``. Only the holder of the build lock may."""
        if self.store_kind == "oxigraph":
            from .store import OxigraphStore
            OxigraphStore.remove_unused(self.store_location)
            return
        for name in (*OUTPUTS, MANIFEST_FILE):
            for tmp in self.build_dir.glob(f".{name}.*.tmp"):
                tmp.unlink(missing_ok=True)

    def _opens(self) -> bool:
        """Whether the published build can be read: an Oxigraph database that fails to open
        (damaged or half deleted) is rebuilt rather than reported up to date."""
        if self.store_kind != "oxigraph":
            return True
        from .errors import QueryFailed
        from .store import OxigraphStore
        self.close()
        try:
            self._store = OxigraphStore(self.store_location)
        except QueryFailed:
            return False
        return True

    def _result(self, start: float, rebuilt: bool) -> BuildResult:
        """What the published build holds, from its manifest."""
        if self.store_kind == "oxigraph":
            from .store import OxigraphStore
            where, manifest = Path(self.store_location), OxigraphStore.manifest(self.store_location) or {}
        else:
            where, manifest = self.graph_path, self._manifest() or {}
        return BuildResult(where, manifest.get("articles", 0), manifest.get("claims", 0), manifest.get("triples", 0),
                           manifest.get("derived_triples", 0), time.perf_counter() - start, rebuilt)

    def corpus(self) -> Any:
        """Load and validate data/ (raises :class:`~lbpgraph.errors.InvalidInput`)."""
        from .corpus import load_corpus
        from .errors import InvalidInput
        try:
            return load_corpus(self.data_dir)
        except InvalidInput as exc:
            exc.data_dir = str(self.data_dir)
            raise

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
            self.close()
            self.build()  # after any build in progress, and only if that one did not bring it up to date
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
        try:
            atomic_write(cache, pickle.dumps((version, graph), protocol=5))
        except OSError:
            pass  # only a cache: a full or read-only disk does not stop a read
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

    def graph_quads(self) -> list[ox.Quad]:
        """Every quad of the built dataset as pyoxigraph quads, sorted: read from the build's
        TriG (memory) or asked of the store."""
        import pyoxigraph as ox

        from .export import ox_term, quad_key
        if self.store_kind == "memory":
            self._ensure_built()
            quads = list(ox.parse(path=self.graph_path, format=ox.RdfFormat.TRIG))
        else:
            rows = self.store().select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
            quads = [ox.Quad(ox_term(s), ox_term(p), ox_term(o), ox_term(g)) for g, s, p, o in rows]
        return sorted(quads, key=quad_key)

    def export(self, fmt: str, path: Path | str | None = None, settings: ExportSettings | None = None) -> bytes:
        """The graph in export format ``fmt`` (see :data:`lbpgraph.export.FORMATS`), written
        atomically to ``path`` when one is given; the same data gives the same bytes."""
        from .export import export
        data = export(self, fmt, settings)
        if path is not None:
            atomic_write(Path(path), data)
        return data

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
