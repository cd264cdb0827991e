"""The ``oxigraph:DIR`` store: an Oxigraph database on disk, published atomically.

``DIR/current`` links to the published version. A build (holding the build lock of ``DIR``,
:func:`lbpgraph.core.files.build_lock`) bulk-loads a new version beside the published one, in a
background thread while the build makes the next chunks (the thread then flushes and compacts
it while the build computes what it keeps beside it), and then swaps the link, so readers
never see a half-loaded database and a failed build leaves the previous one in place.

No version is deleted under a reader: a reader holds a shared lock on its version's
``readers.lock`` for as long as it has the version open, and a build deletes a version only when
it is not the published one and it can lock that file exclusively (:meth:`OxigraphStore.remove_leftovers`,
run before each build and after each publish). A version still in use stays until a later build
finds it free.

:class:`OxigraphMemoryStore` answers queries over an in-memory pyoxigraph store: the one a build
holds, which the projection of the memory store's build is read from.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..core.errors import QueryFailed
from ..core.files import atomic_write, build_lock, read_part
from ..core.sandbox import in_child
from ..rdf.terms import from_oxigraph
from .base import Capabilities, Manifest, Row, Staging, Store

if TYPE_CHECKING:
    from ..rdf.results import QueryResult

CURRENT = "current"          # symlink to the published database inside an oxigraph:DIR
MANIFEST = "manifest.json"   # what was built into it, and from which inputs
READERS = "readers.lock"     # in each version: held shared by every reader that has the version open


def oxigraph_answer(store: Any, sparql: str) -> QueryResult:
    """A user query's whole answer from a pyoxigraph store."""
    import pyoxigraph as ox

    from ..rdf.results import materialise
    result = store.query(sparql, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return materialise("ASK", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        return materialise("SELECT", variables,
                           ([None if (x := s[i]) is None else from_oxigraph(x)
                             for i in range(len(variables))] for s in result))
    return materialise("CONSTRUCT", triples=([from_oxigraph(t.subject), from_oxigraph(t.predicate),
                                              from_oxigraph(t.object)] for t in result))


def oxigraph_select(store: Any, sparql: str) -> list[Row]:
    """Rows of a trusted SELECT over a pyoxigraph store (the union of its graphs as the default graph)."""
    solutions = store.query(sparql, use_default_graph_as_union=True)
    width = len(solutions.variables)
    return [tuple(None if (x := s[i]) is None else from_oxigraph(x) for i in range(width)) for s in solutions]


def oxigraph_values(store: Any, sparql: str) -> list[tuple[Any, ...]]:
    """:meth:`Store.select_values` over a pyoxigraph store, converted straight from its terms."""
    from ..rdf.terms import oxigraph_to_python as value
    solutions = store.query(sparql, use_default_graph_as_union=True)
    width = range(len(solutions.variables))
    return [tuple(None if (x := s[i]) is None else value(x) for i in width) for s in solutions]


def oxigraph_quad_values(store: Any, exclude_graph: str | None) -> Iterator[tuple[Any, Any, Any, Any]]:
    """:meth:`Store.quad_values` of a pyoxigraph store, read graph by graph without SPARQL."""
    import pyoxigraph as ox

    from ..rdf.terms import oxigraph_to_python as value
    for graph in sorted(store.named_graphs(), key=str):
        if graph.value != exclude_graph:
            for q in store.quads_for_pattern(None, None, None, graph):
                o = q.object
                yield graph.value, q.subject.value, q.predicate.value, o.value if type(o) is ox.NamedNode else value(o)


class OxigraphMemoryStore(Store):
    """A pyoxigraph store in this process's memory, given; it cannot be built into."""

    capabilities = Capabilities(local=True, needs_push=False, persistent=False, keeps_analysis=False)
    spec = "oxigraph-memory"

    def __init__(self, store: Any) -> None:
        self.store = store

    @classmethod
    def from_spec(cls, location: str, build_dir: Path, **settings: Any) -> Store:
        raise NotImplementedError("an in-memory Oxigraph store is made from a pyoxigraph store, not a spec")

    @property
    def location(self) -> str:
        return self.spec

    def staging(self) -> Staging:
        raise NotImplementedError("an in-memory Oxigraph store is read, never built into")

    def select(self, sparql: str) -> list[Row]:
        return oxigraph_select(self.store, sparql)

    def select_values(self, sparql: str) -> list[tuple[Any, ...]]:
        return oxigraph_values(self.store, sparql)

    def quad_values(self, exclude_graph: str | None = None) -> Iterator[tuple[Any, Any, Any, Any]]:
        return oxigraph_quad_values(self.store, exclude_graph)

    def run(self, sparql: str, timeout: float) -> QueryResult:
        return in_child(lambda: oxigraph_answer(self.store, sparql), timeout)  # the child has a copy


class OxigraphStore(Store):
    """An Oxigraph database under ``DIR``; the published version is opened on first use."""

    capabilities = Capabilities(local=True, needs_push=False, persistent=True, keeps_analysis=True)

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.spec = f"oxigraph:{self.root}"
        self.path: Path | None = None
        self.store: Any = None
        self._readers: BinaryIO | None = None

    @classmethod
    def from_spec(cls, location: str, build_dir: Path, **settings: Any) -> OxigraphStore:
        return cls(location)

    @property
    def location(self) -> Path:
        return self.root

    def manifest(self) -> Manifest | None:
        try:
            return json.loads((self.root / CURRENT / MANIFEST).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        except (OSError, ValueError):
            return None

    def opens(self) -> bool:
        self.close()
        try:
            self.open()
        except QueryFailed:
            return False
        return True

    def open(self) -> Any:
        """The published version, opened read-only (once) and pinned: no build deletes it while
        this store holds it."""
        if self.store is None:
            import pyoxigraph as ox
            self.path, self._readers = self._pin()
            try:
                self.store = ox.Store.read_only(str(self.path))
            except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged database as either
                self.close()
                raise QueryFailed(f"{self.spec}: the published build cannot be opened ({exc}); "
                                  "run lbpgraph build to rebuild it") from None
        return self.store

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

    def lock(self) -> Any:
        return build_lock(self.root)

    def remove_leftovers(self) -> None:
        """Delete what no reader uses: the versions other than the published one whose readers'
        lock is free (replaced ones, and those a killed build left), and stray temporary links.
        Only a build that holds the build lock of ``DIR`` calls this."""
        import fcntl
        published = (self.root / CURRENT).resolve().name
        for version in self.root.glob("version-*"):
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
        for link in self.root.glob(f".{CURRENT}-*.tmp"):
            link.unlink(missing_ok=True)

    def staging(self) -> OxigraphStaging:
        self.close()  # this process reads the version it is about to replace no more
        return OxigraphStaging(self)

    def update_staging(self) -> OxigraphStaging:
        """A new version made of the published one's files (hard links: RocksDB's files are
        never changed once written), opened for writing."""
        return OxigraphStaging(self, base=self.open())

    def attachment(self, name: str, part: tuple[int, int] | None = None) -> bytes | None:
        """A file of the version this store holds, opened (and pinned) first: none where the
        database does not open, so that a read goes to the database and says why it cannot."""
        try:
            self.open()
            return read_part(self.path / name, part)  # type: ignore[operator]
        except (QueryFailed, OSError):
            return None

    def select(self, sparql: str) -> list[Row]:
        return oxigraph_select(self.open(), sparql)

    def select_values(self, sparql: str) -> list[tuple[Any, ...]]:
        return oxigraph_values(self.open(), sparql)

    def quad_values(self, exclude_graph: str | None = None) -> Iterator[tuple[Any, Any, Any, Any]]:
        return oxigraph_quad_values(self.open(), exclude_graph)

    def run(self, sparql: str, timeout: float) -> QueryResult:
        self.open()
        path = str(self.path)  # the version this store holds, whatever is published meanwhile

        def work() -> QueryResult:
            import pyoxigraph as ox
            return oxigraph_answer(ox.Store.read_only(path), sparql)
        return in_child(work, timeout)

    def close(self) -> None:
        self.store = None
        if self._readers is not None:
            self._readers.close()  # lets a build delete the version once it is no longer published
            self._readers = None
        super().close()


class OxigraphStaging(Staging):
    """A new, writable version under ``DIR``, bulk-loaded and then published or thrown away."""

    def __init__(self, owner: OxigraphStore, base: Any = None) -> None:
        import tempfile

        import pyoxigraph as ox
        self.owner = owner
        owner.root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix="version-", dir=owner.root))
        if base is not None:  # a copy of the published version (its files hard-linked), then updated
            self.path.rmdir()
            base.backup(str(self.path))
            self.base = base
        (self.path / READERS).touch()  # before any reader can see the version, so readers need no write access
        self.store: Any = ox.Store(str(self.path))
        self.loader: BackgroundLoader | None = None

    @property
    def dataset(self) -> Any:
        """The version being built, as a writable pyoxigraph Store."""
        return self.store

    def load(self, chunks: Iterable[bytes]) -> None:
        """Bulk-load the chunks in a second thread, while the first makes the next ones; the
        build parsed each chunk already, so Oxigraph reads them without checking every IRI again. That
        thread then flushes and compacts the version while the first goes on (it computes the
        analysis): :meth:`publish` waits for it."""
        import pyoxigraph as ox
        self.loader = BackgroundLoader(self.store, then=self._compact, lenient=True).start()
        try:
            for chunk in chunks:
                self.loader.put(chunk, ox.RdfFormat.N_QUADS, None)
        except BaseException:
            self._stop_loading(cancel=True)
            raise
        self.loader.close()

    def _compact(self) -> None:
        self.store.flush()
        if self.base is None:  # an update adds little to a compacted version
            self.store.optimize()

    def _stop_loading(self, cancel: bool = False) -> None:
        """Wait for the loading thread (told to load nothing more with ``cancel``, else raising its error)."""
        loader, self.loader = self.loader, None
        if loader is not None:
            loader.finish(cancel)

    def publish(self, manifest: Manifest, attachments: dict[str, bytes]) -> None:
        """Make this version the current one (atomically), let the store read it, and remove the
        versions no reader uses. The temporary link is named after the version, so no two
        builds share it, and one a killed build left is removed by the next."""
        if self.loader is not None:
            self._stop_loading()  # loaded and compacted, or its error raised here
        else:  # an update, written in this thread
            self._compact()
        self.base = None
        for name, data in attachments.items():
            atomic_write(self.path / name, data)
        atomic_write(self.path / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
        self.store = None  # closes the writable database
        root = self.owner.root
        link = root / f".{CURRENT}-{self.path.name}.tmp"
        link.unlink(missing_ok=True)
        os.symlink(self.path.name, link)
        os.replace(link, root / CURRENT)
        self.published = True
        self.owner.close()
        self.owner.open()
        self.owner.remove_leftovers()

    def discard(self) -> None:
        """Close this version and throw it away, unless it got published."""
        self._stop_loading(cancel=True)
        self.store = self.base = None
        if (self.owner.root / CURRENT).resolve() != self.path.resolve():
            shutil.rmtree(self.path, ignore_errors=True)


class BackgroundLoader:
    """A thread that bulk-loads into an on-disk store the RDF it is given, in order, joining
    what piles up for the same graph into one load, and then runs ``then`` (if given). Leaving
    the ``with`` block waits for it, lets go of the store and re-raises its error."""

    def __init__(self, store: Any, then: Callable[[], None] | None = None, lenient: bool = False) -> None:
        import queue
        import threading
        self.store = store
        self.then = then  # run in the thread once everything is loaded
        self.lenient = lenient  # the data was parsed before: Oxigraph need not check every IRI again
        self.queue: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.cancelled = False  # the building thread failed: load nothing more
        self.closed = False  # the end was put on the queue
        self.thread = threading.Thread(target=self._work, name="lbpgraph-bulk-load", daemon=True)

    def start(self) -> BackgroundLoader:
        self.thread.start()
        return self

    def __enter__(self) -> BackgroundLoader:
        return self.start()

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
                    self.store.bulk_load(b"".join(chunks), format=key[0], to_graph=key[1], lenient=self.lenient)
                except BaseException as exc:  # re-raised in the building thread
                    self.error = exc
            if item == ():
                item = self.queue.get()
        if self.then is not None and self.error is None and not self.cancelled:
            try:
                self.then()
            except BaseException as exc:
                self.error = exc

    def close(self) -> None:
        """No more data: the thread loads what it was given, then runs ``then``."""
        if not self.closed:
            self.closed = True
            self.queue.put(None)

    def finish(self, cancel: bool = False) -> None:
        """Wait for the thread (told to load nothing more with ``cancel``), let go of the store,
        and re-raise the thread's error unless cancelled."""
        self.cancelled = self.cancelled or cancel
        self.close()
        self.thread.join()
        self.store = None  # the owner alone keeps the store open, so dropping it closes it
        if self.error is not None and not cancel:
            raise self.error

    def __exit__(self, *exc_info: Any) -> None:
        self.finish(cancel=exc_info[0] is not None)
