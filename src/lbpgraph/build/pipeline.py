"""A build: every N-Quads chunk of a corpus, curated then derived, for a store to load.

The rules of evidence run in an in-memory Oxigraph store, whichever store the build is for:
Oxigraph runs them several times faster there than on disk. :meth:`Build.chunks` loads each
curated chunk into that store and hands it on, then runs the rules and hands on what each one
derived, so that a store can load the first chunks while the next are made. Afterwards
:attr:`Build.store` holds the whole dataset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .rules import apply_rules
from .writer import nquads_chunks

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..model.corpus import Corpus


class Build:
    """The build of one corpus; iterate :meth:`chunks` once, then read the counts."""

    def __init__(self, corpus: Corpus) -> None:
        import pyoxigraph as ox
        self.corpus = corpus
        self.store: ox.Store = ox.Store()

    def chunks(self) -> Iterator[bytes]:
        """N-Quads: the curated graphs in pieces of whole articles, then each rule's output."""
        import pyoxigraph as ox
        for chunk in nquads_chunks(self.corpus):
            self.store.load(chunk, format=ox.RdfFormat.N_QUADS)
            yield chunk
        yield from apply_rules(self.store)

    def run(self) -> None:
        """Build everything into :attr:`store`, without handing on the chunks."""
        for _ in self.chunks():
            pass

    @property
    def triples(self) -> int:
        """Quads in the built dataset, derived facts included."""
        return len(self.store)

    @property
    def derived(self) -> int:
        """How many triples the rules derived into ``graph:derived``."""
        from ..rdf.namespaces import GRAPH_DERIVED
        [row] = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_DERIVED}> {{ ?s ?p ?o }} }}")
        return int(row[0].value)


def build_store(corpus: Corpus) -> ox.Store:
    """The whole built dataset, rules applied, in an in-memory Oxigraph store."""
    build = Build(corpus)
    build.run()
    return build.store
