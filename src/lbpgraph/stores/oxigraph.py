"""Where the built graph lives: one interface over three kinds of store.

==================  ===========================================================================
spec                store
==================  ===========================================================================
``memory``          rdflib's in-memory Dataset, read from ``BUILD_DIR/graph.trig`` (default)
``oxigraph:DIR``    an Oxigraph database on disk, bulk-loaded; SPARQL answered by Oxigraph
``sparql:URL``      any SPARQL 1.1 server (see :mod:`lbpgraph.remote`), filled by ``push``
==================  ===========================================================================

Every store answers lbpgraph's own SELECT queries (:meth:`Store.select`, cells as SPARQL 1.1
JSON terms) and users' read-only queries (:meth:`Store.run`: already checked by
:func:`lbpgraph.query.check_query`, evaluated with a time limit, never reaching the network).
The rules of evidence run at build time in an in-memory Oxigraph store, whichever store the
build is for (:func:`lbpgraph.build.fill`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..core.errors import LbpgraphError, QueryFailed, QueryOutOfMemory, QueryTimeout, UsageError

if TYPE_CHECKING:
    from rdflib import Dataset

    from ..model.corpus import Corpus

    from ..analysis.query import QueryResult

Term = dict[str, str]
Row = tuple[Term | None, ...]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
KINDS = ("memory", "oxigraph", "sparql")


def parse_spec(spec: str) -> tuple[str, str]:
    """``"oxigraph:db"`` -> ``("oxigraph", "db")``; raise :class:`UsageError` for anything else."""
    kind, _, where = spec.partition(":")
    if kind == "memory" and not where:
        return kind, ""
    if kind in ("oxigraph", "sparql") and where:
        return kind, where
    raise UsageError(f"unknown store '{spec}': use memory, oxigraph:DIR or sparql:URL")


class Store(ABC):
    """A queryable copy of the built dataset."""

    spec: str

    @property
    def memo(self) -> dict[str, Any]:
        """Values computed from this store's content, kept while the object lives."""
        if "_memo" not in self.__dict__:
            self._memo: dict[str, Any] = {}
        return self._memo

    @abstractmethod
    def select(self, sparql: str) -> list[Row]:
        """Rows of a trusted lbpgraph SELECT (full text), cells in the order of its variables."""

    @abstractmethod
    def run(self, sparql: str, timeout: float) -> QueryResult:
        """A user query that :func:`~lbpgraph.query.check_query` accepted, with a time limit."""

    def close(self) -> None:
        """Release files or connections (a no-op where there are none)."""


def in_child(work: Callable[[], Any], timeout: float) -> Any:
    """``work()`` in a forked child that cannot open network connections, killed after ``timeout``.

    The child may map :func:`query_memory` MB more than this process; lbpgraph's errors raised
    in it are raised here as they are, and it reports only through its pipe (its stderr is
    silenced: Rust code prints there when an allocation fails).
    """
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    memory = query_memory()

    def child() -> None:
        sys.addaudithook(_deny_network)  # this process only lives for one query
        leave_network()  # and for code outside Python (Oxigraph's SERVICE client), the kernel's refusal
        _silence_stderr()  # the child reports through its pipe only
        _cap_memory(memory)
        try:
            sender.send(("ok", work()))
        except LbpgraphError as exc:
            sender.send(("raise", exc))
        except MemoryError:
            sender.send(("memory", None))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent as a message
            sender.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            sender.close()

    process = ctx.Process(target=child, daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than the time limit of {timeout:g} s and was stopped")
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "ended", None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if status == "ended" and process.exitcode == -signal.SIGABRT:  # how Rust code ends when an allocation fails
        raise QueryOutOfMemory(f"the query process aborted, most likely at its memory limit of {memory} MB")
    if status == "ended":
        raise QueryFailed(f"the query process ended without an answer (exit code {process.exitcode})")
    if status == "memory":
        raise QueryOutOfMemory(f"the query needed more than its memory limit of {memory} MB and was stopped")
    if status == "raise":
        raise payload
    if status == "error":
        raise QueryFailed(f"the query failed: {payload}")
    return payload


QUERY_MEMORY = 4096  # MB a query child may map beyond its parent, unless LBPGRAPH_QUERY_MEMORY says otherwise


def query_memory() -> int:
    """The memory cap of query children in MB: LBPGRAPH_QUERY_MEMORY, or :data:`QUERY_MEMORY`."""
    value = os.environ.get("LBPGRAPH_QUERY_MEMORY", "").strip()
    if not value:
        return QUERY_MEMORY
    if not value.isascii() or not value.isdigit() or int(value) == 0:
        raise UsageError(f"LBPGRAPH_QUERY_MEMORY must be a whole number of MB, not {value!r}")
    return int(value)


def _silence_stderr() -> None:
    """Send this process's stderr (file descriptor 2, which Rust code writes to) to /dev/null."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _cap_memory(memory: int) -> None:
    """Let this process map at most ``memory`` MB more than it has now (Linux; never raises a
    limit already set)."""
    try:
        import resource
        with open("/proc/self/statm", encoding="ascii") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + memory * 2**20
    except (ImportError, OSError, ValueError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            size = min(size, limit)
    resource.setrlimit(resource.RLIMIT_AS, (size, hard))


_CLONE_NEWNET, _CLONE_NEWUSER = 0x40000000, 0x10000000


def leave_network() -> bool:
    """Move this (single-threaded, forked) process into a new network namespace of its own, with
    no interface but a loopback that is down: no connection can leave it, whichever library
    tries. Needs Linux and either root or unprivileged user namespaces; returns False (and
    changes nothing) where the kernel refuses."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return False
    return any(libc.unshare(flags) == 0 for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET))


def _deny_network(event: str, args: tuple[Any, ...]) -> None:
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        raise PermissionError(f"network access refused inside a query ({event})")


# --- rdflib ------------------------------------------------------------------------------------

def rdflib_term(node: Any) -> Term:
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


class MemoryStore(Store):
    """rdflib's Dataset in this process; the union of all named graphs is the default graph."""

    spec = "memory"

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def select(self, sparql: str) -> list[Row]:
        return [tuple(None if x is None else rdflib_term(x) for x in row)
                for row in self.dataset.query(sparql)]

    def run(self, sparql: str, timeout: float) -> QueryResult:
        def work() -> QueryResult:
            import rdflib.plugins.sparql as rdflib_sparql

            from ..analysis.query import materialise
            rdflib_sparql.SPARQL_LOAD_GRAPHS = False
            result = self.dataset.query(sparql)
            if result.type == "ASK":
                return materialise("ASK", boolean=bool(result.askAnswer))
            if result.type == "SELECT":
                return materialise("SELECT", [str(v) for v in result.vars],
                                   ([None if x is None else rdflib_term(x) for x in row] for row in result))
            return materialise("CONSTRUCT", triples=([rdflib_term(x) for x in t] for t in result))
        return in_child(work, timeout)


# --- Oxigraph ----------------------------------------------------------------------------------

class _BackgroundLoader:
    """A thread that bulk-loads into an on-disk store the RDF it is given, in order, joining
    what piles up for the same graph into one load. Leaving the ``with`` block waits for it,
    lets go of the store and re-raises its error."""

    def __init__(self, store: Any) -> None:
        import queue
        import threading
        self.store = store
        self.queue: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.cancelled = False  # the building thread failed: load nothing more
        self.thread = threading.Thread(target=self._work, name="lbpgraph-bulk-load", daemon=True)

    def __enter__(self) -> _BackgroundLoader:
        self.thread.start()
        return self

    def put(self, data: bytes, format: Any, graph: Any) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((data, format, graph))

    def _work(self) -> None:
        import queue
        item = self.queue.get()
        while item is not None:
            chunks, key = [item[0]], item[1:]
            try:  # take along what already waits for the same graph
                while (item := self.queue.get_nowait()) is not None and item[1:] == key:
                    chunks.append(item[0])
            except queue.Empty:
                item = ()  # nothing waits yet
            if self.error is None and not self.cancelled:
                try:
                    self.store.bulk_load(b"".join(chunks), format=key[0], to_graph=key[1])
                except BaseException as exc:  # re-raised in the building thread
                    self.error = exc
            if item == ():
                item = self.queue.get()

    def __exit__(self, *exc_info: Any) -> None:
        self.cancelled = exc_info[0] is not None
        self.queue.put(None)
        self.thread.join()
        self.store = None  # the owner alone keeps the store open, so dropping it closes it
        if self.error is not None and exc_info[0] is None:
            raise self.error


def oxigraph_term(node: Any) -> Term:
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


def oxigraph_answer(store: Any, sparql: str) -> QueryResult:
    """A user query's whole answer from a pyoxigraph store."""
    import pyoxigraph as ox

    from ..analysis.query import materialise
    result = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return materialise("ASK", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        return materialise("SELECT", variables,
                           ([None if (x := s[i]) is None else oxigraph_term(x)
                             for i in range(len(variables))] for s in result))
    return materialise("CONSTRUCT", triples=([oxigraph_term(t.subject), oxigraph_term(t.predicate),
                                              oxigraph_term(t.object)] for t in result))


class _Oxigraph(Store):
    """What every pyoxigraph-backed store shares: ``self.store`` answers lbpgraph's own queries."""

    store: Any

    def select(self, sparql: str) -> list[Row]:
        solutions = self.store.query(sparql, use_default_graph_as_union=True)
        width = len(solutions.variables)
        return [tuple(None if (x := s[i]) is None else oxigraph_term(x) for i in range(width))
                for s in solutions]


class OxigraphMemoryStore(_Oxigraph):
    """A pyoxigraph store in this process's memory: the built dataset while a build projects it."""

    spec = "oxigraph-memory"

    def __init__(self, store: Any) -> None:
        self.store = store

    def run(self, sparql: str, timeout: float) -> QueryResult:
        return in_child(lambda: oxigraph_answer(self.store, sparql), timeout)  # the child has a copy


CURRENT = "current"          # symlink to the published database inside an oxigraph:DIR
MANIFEST = "manifest.json"   # what was built into it, and from which inputs
READERS = "readers.lock"     # in each version: held shared by every reader that has the version open


class OxigraphStore(_Oxigraph):
    """An Oxigraph database under ``DIR``: ``DIR/current`` links to the published version.

    A build (holding the build lock of ``DIR``, :func:`lbpgraph.project.build_lock`) writes a
    new version beside the published one and then swaps the link, so readers never see a
    half-loaded database and a failed build leaves the previous one in place.

    No version is deleted under a reader: a reader holds a shared lock on its version's
    ``readers.lock`` for as long as it has the version open, and a build deletes a version
    only when it is not the published one and it can lock that file exclusively
    (:meth:`remove_unused`, run before each build and after each publish). A version still
    in use stays until a later build finds it free.
    """

    def __init__(self, root: Path | str, *, path: Path | None = None, writable: bool = False) -> None:
        import pyoxigraph as ox
        self.root = Path(root)
        self.spec = f"oxigraph:{self.root}"
        self._readers: BinaryIO | None = None
        if writable:
            assert path is not None
            self.path, self.store = path, ox.Store(str(path))
            return
        self.path, self._readers = self._pin()
        try:
            self.store = ox.Store.read_only(str(self.path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged database as either
            self.close()
            raise QueryFailed(f"{self.spec}: the published build cannot be opened ({exc}); "
                              "run lbpgraph build to rebuild it") from None

    def _pin(self) -> tuple[Path, BinaryIO]:
        """The published version and its readers' lock, held shared (no build deletes it now)."""
        import fcntl
        for _ in range(3):  # a retry means that a build published another version meanwhile
            try:
                version = (self.root / CURRENT).resolve(strict=True)
                readers = open(version / READERS, "rb")  # noqa: SIM115 - held while the store is open
            except OSError:
                continue
            fcntl.flock(readers, fcntl.LOCK_SH)
            if (self.root / CURRENT).resolve() == version and (version / MANIFEST).is_file():
                return version, readers
            readers.close()
        raise QueryFailed(f"{self.spec}: no published build there (run lbpgraph build)")

    @classmethod
    def create(cls, root: Path | str) -> OxigraphStore:
        """A new, empty, writable version under ``root``, to be :meth:`publish`-ed."""
        import tempfile
        Path(root).mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix="version-", dir=root))
        (path / READERS).touch()  # before any reader can see the version, so readers need no write access
        return cls(root, path=path, writable=True)

    @staticmethod
    def manifest(root: Path | str) -> dict[str, Any] | None:
        """The manifest of the published version, or None."""
        try:
            return json.loads((Path(root) / CURRENT / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    @staticmethod
    def remove_unused(root: Path | str) -> None:
        """Delete what no reader uses: the versions other than the published one whose readers'
        lock is free (replaced ones, and those a killed build left), and stray temporary links.
        Only a build that holds the build lock of ``root`` calls this."""
        import fcntl
        root = Path(root)
        published = (root / CURRENT).resolve().name
        for version in root.glob("version-*"):
            if version.name == published:
                continue
            try:
                readers = open(version / READERS, "rb")
            except OSError:  # a version that never got one has never had a reader
                shutil.rmtree(version, ignore_errors=True)
                continue
            with readers:
                try:
                    fcntl.flock(readers, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # open in some reader: a later build removes it
                shutil.rmtree(version, ignore_errors=True)
        for link in root.glob(f".{CURRENT}-*.tmp"):
            link.unlink(missing_ok=True)

    def build(self, corpus: Corpus) -> tuple[int, int]:
        """Build ``corpus`` into this unpublished version; return (quads, derived triples).

        The rules run in an in-memory store, where Oxigraph runs them several times faster than
        on disk; meanwhile a second thread bulk-loads into this version everything the memory
        store receives, the curated quads first and then each rule's output."""
        import pyoxigraph as ox

        from ..build.writer import derived_count, fill
        scratch = ox.Store()
        with _BackgroundLoader(self.store) as disk:
            fill(scratch, corpus, disk.put)
        return len(scratch), derived_count(scratch)

    def publish(self, manifest: dict[str, Any]) -> None:
        """Make this version the current one (atomically), keep it open for reading, and remove
        the versions no reader uses. The temporary link is named after the version, so no two
        builds share it, and one a killed build left is removed by the next."""
        import pyoxigraph as ox

        from ..project import atomic_write
        self.store.flush()
        self.store.optimize()
        atomic_write(self.path / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
        self.store = None  # closes the writable database
        link = self.root / f".{CURRENT}-{self.path.name}.tmp"
        link.unlink(missing_ok=True)
        os.symlink(self.path.name, link)
        os.replace(link, self.root / CURRENT)
        self.path, self._readers = self._pin()
        self.store = ox.Store.read_only(str(self.path))
        self.remove_unused(self.root)

    def discard(self) -> None:
        """Close this version and throw it away, unless it got published."""
        self.close()
        if (self.root / CURRENT).resolve() != self.path.resolve():
            shutil.rmtree(self.path, ignore_errors=True)

    def run(self, sparql: str, timeout: float) -> QueryResult:
        path = str(self.path)  # the version this store holds, whatever is published meanwhile

        def work() -> QueryResult:
            import pyoxigraph as ox
            return oxigraph_answer(ox.Store.read_only(path), sparql)
        return in_child(work, timeout)

    def close(self) -> None:
        self.store = None  # type: ignore[assignment]
        if self._readers is not None:
            self._readers.close()  # lets a build delete the version once it is no longer published
            self._readers = None
