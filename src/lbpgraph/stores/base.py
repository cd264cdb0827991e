"""The interface every store offers, and the capabilities each declares.

A store is where one project's built dataset lives: it publishes a build it is given as N-Quads
chunks, says which build it holds (its manifest and fingerprint), answers lbpgraph's own SELECT
queries (:meth:`Store.select`, cells as SPARQL 1.1 JSON terms), gives every quad it holds
(:meth:`Store.quads`, what the exports read) and answers users' read-only queries
(:meth:`Store.run`: already checked by :func:`lbpgraph.analysis.query.check_query`, evaluated
with a time limit, never reaching the network), and lets go of files and connections on
:meth:`Store.close`. What a kind of store can do is declared in :class:`Capabilities`, so that
callers ask, as rdflib's stores declare ``context_aware`` or ``transaction_aware``, instead of
testing what class a store is.

Stores open lazily: making one reads nothing, so that a command that never queries (``trace``
on the memory store) loads no RDF library.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Container, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..rdf.terms import Term

if TYPE_CHECKING:
    from rdflib import Dataset

    from ..rdf.results import QueryResult

Row = tuple[Term | None, ...]
Quad = tuple[Term, Term, Term, Term]  # graph, subject, predicate, object
Manifest = dict[str, Any]  # what a build was made from and holds: fingerprint, counts, ...


@dataclass(frozen=True)
class Capabilities:
    """What a kind of store can do, declared as data."""

    #: The data sits in a folder on this machine, built in place under that folder's build lock;
    #: every read first checks it against ``data/`` and rebuilds when something changed.
    local: bool
    #: Filled by ``lbpgraph push`` from a build made in memory, never built in place.
    needs_push: bool
    #: The data outlives the process that built it.
    persistent: bool
    #: A build also publishes the projection, every claim's trace and the stats beside the graph,
    #: and reads use them where it did (a trace then needs neither a query nor NetworkX, and a
    #: whole-graph read projects nothing).
    keeps_analysis: bool
    #: May hold graphs that are not lbpgraph's (a server shared with other data): queries that
    #: read it whole keep only the rows matched in lbpgraph's graphs (:meth:`Store.select_graphed`).
    shared: bool = False


class Staging(ABC):
    """A build being published: load its chunks, then publish it, or discard it.

    Used as a context manager, it is discarded unless it was published.
    """

    published = False
    base: Any = None  # an update's published dataset (see Store.update_staging)
    #: Takes the whole built dataset as one in-memory pyoxigraph Store (:meth:`adopt`) rather
    #: than its chunks as they are made (:meth:`load`).
    takes_store = False
    #: Publishes, with the kept analysis, the answer of every named query (a store that would
    #: otherwise parse the whole graph to answer one); a store that answers from an index does not.
    keeps_answers = False

    @abstractmethod
    def load(self, chunks: Iterable[bytes]) -> None:
        """Load the build's N-Quads chunks, in order, as they are made; a store may go on
        loading after this returns (:meth:`publish` and :meth:`discard` wait for it). The build
        has parsed every chunk already: a store need not check their syntax again."""

    def adopt(self, dataset: Any) -> None:
        """Take the whole built dataset, an in-memory pyoxigraph Store (only where :attr:`takes_store`)."""
        raise NotImplementedError(f"{type(self).__name__} loads chunks")

    @abstractmethod
    def publish(self, manifest: Manifest, attachments: dict[str, bytes]) -> None:
        """Make the loaded build the one readers see, all at once, with ``manifest`` and (for a
        store that keeps analysis) ``attachments``: files published beside the graph."""

    def discard(self) -> None:
        """Throw the unpublished build away (a no-op where nothing was written)."""

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if not self.published:
            self.discard()


class Store(ABC):
    """A queryable copy of the built dataset."""

    capabilities: ClassVar[Capabilities]
    spec: str

    @classmethod
    @abstractmethod
    def from_spec(cls, location: str, build_dir: Path, **settings: Any) -> Store:
        """The store a spec names (``location`` is what follows ``kind:``) for a project whose
        build folder is ``build_dir``; ``settings`` are a SPARQL server's, ignored by the others."""

    @property
    def memo(self) -> dict[str, Any]:
        """Values computed from this store's content, kept until the store is closed."""
        if "_memo" not in self.__dict__:
            self._memo: dict[str, Any] = {}
        return self._memo

    # --- what the store holds --------------------------------------------------------------

    @property
    @abstractmethod
    def location(self) -> Path | str:
        """Where the graph is: a file, a folder or a server's URL."""

    def manifest(self) -> Manifest | None:
        """The manifest of the published build, or None when there is none (or it is incomplete)."""
        return None

    def fingerprint(self) -> str | None:
        """The fingerprint of the data the published build was made from; None if there is none."""
        manifest = self.manifest()
        return None if manifest is None else manifest.get("fingerprint")

    def attachment(self, name: str, part: tuple[int, int] | None = None) -> bytes | None:
        """A file the published build carries beside its graph (see :class:`Capabilities`), or
        the bytes from ``part[0]`` up to ``part[1]`` of it."""
        return None

    def opens(self) -> bool:
        """Whether the published build can be read (a damaged one is rebuilt, not reported current)."""
        return True

    # --- building ------------------------------------------------------------------------------

    def lock(self) -> Any:
        """A context manager holding the store's build lock (none for a store that is not local)."""
        return nullcontext()

    def remove_leftovers(self) -> None:
        """Remove what a killed build left; only the holder of :meth:`lock` calls this."""

    @abstractmethod
    def staging(self) -> Staging:
        """A new, empty build to load and publish."""

    def update_staging(self) -> Staging | None:
        """A new build that starts as a copy of the published one, to change in place and
        publish: its ``base`` is the published dataset and its ``dataset`` the writable copy
        (pyoxigraph Stores). None where the store cannot make one; raises
        :class:`~lbpgraph.core.errors.QueryFailed` when the published build does not open."""
        return None

    # --- reading -------------------------------------------------------------------------------

    @abstractmethod
    def select(self, sparql: str) -> list[Row]:
        """Rows of a trusted lbpgraph SELECT (full text), cells in the order of its variables."""

    def select_values(self, sparql: str) -> list[tuple[Any, ...]]:
        """Rows of a trusted lbpgraph SELECT with cells as plain Python values
        (:func:`~lbpgraph.rdf.terms.to_python`): what the projection reads."""
        from ..rdf.terms import to_python
        return [tuple(None if c is None else to_python(c) for c in row) for row in self.select(sparql)]

    def select_graphed(self, sparql: str, graph_columns: int) -> list[Row]:
        """Rows of a trusted SELECT DISTINCT whose triple patterns come from :meth:`triple_patterns`
        and whose last ``graph_columns`` variables are their graphs (``?g1 ?g2 ...``): the rows
        whose graphs are all lbpgraph's, without those columns, each once. So a ``shared`` store
        may answer it over everything it holds (no graph named in the request, which Virtuoso
        plans many times faster) and still give what lbpgraph's graphs alone give. Here every
        graph is lbpgraph's and the graph variables are unbound."""
        return [row[:len(row) - graph_columns] for row in self.select(sparql)]

    def triple_patterns(self, *patterns: str) -> str:
        """Triple patterns for :meth:`select_graphed`: on a ``shared`` store each in a ``GRAPH ?gN``
        of its own (N from 1), whose graph the answer names; elsewhere joined plainly, their graph
        variables left unbound (every graph is lbpgraph's, and naming them made Oxigraph slower)."""
        if self.capabilities.shared:
            return " ".join(f"GRAPH ?g{n} {{ {pattern} }}" for n, pattern in enumerate(patterns, 1))
        return " . ".join(patterns) + " ."

    @abstractmethod
    def run(self, sparql: str, timeout: float) -> QueryResult:
        """A user query that :func:`~lbpgraph.analysis.query.check_query` accepted, with a time limit."""

    def reading(self) -> Any:
        """A context manager within which every read sees one published dataset, checked once
        (a server's: one look at which graphs are current for all the queries of a trace)."""
        return nullcontext()

    def quads(self) -> Iterable[Quad]:
        """Every quad of every named graph (graph, subject, predicate, object), in no set order."""
        return self.select("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")  # type: ignore[return-value]

    def quad_values(self, exclude_graph: str | None = None) -> Iterable[tuple[Any, Any, Any, Any]]:
        """Every quad of every named graph but ``exclude_graph`` (an IRI) as plain Python values
        (see :meth:`select_values`), in no set order."""
        skip = f"FILTER (?g != <{exclude_graph}>) " if exclude_graph else ""
        return self.select_values(f"SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {skip}}}")  # type: ignore[return-value]

    def dataset(self) -> Dataset:
        """Every named graph as an rdflib Dataset (lbpgraph's prefixes bound)."""
        from ..rdf.namespaces import new_dataset
        from ..rdf.terms import to_rdflib
        ds = new_dataset()
        for g, s, p, o in self.quads():
            ds.graph(to_rdflib(g)).add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))  # type: ignore[arg-type]
        return ds

    def close(self) -> None:
        """Release files or connections, and forget what was computed from the content."""
        self.__dict__.pop("_memo", None)


def rows_in_graphs(rows: Iterable[Row], graph_columns: int, graphs: Container[str]) -> list[Row]:
    """``rows`` whose last ``graph_columns`` cells are unbound or name one of ``graphs``, cut before
    those cells, each distinct row once in the order first met."""
    kept: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        width = len(row) - graph_columns
        if all(g is None or g["value"] in graphs for g in row[width:]):
            cells = row[:width]
            kept.setdefault(tuple(None if c is None else tuple(sorted(c.items())) for c in cells), cells)
    return list(kept.values())
