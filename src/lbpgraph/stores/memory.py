"""The ``memory`` store: rdflib's in-memory Dataset of ``BUILD_DIR/graph.trig``.

A build writes the canonical TriG of the dataset, and beside it the attachments it is given (the
projection and every claim's trace, :class:`~lbpgraph.stores.base.Capabilities`), then
``manifest.json`` last: every file is first written in full beside its target, then renamed
over it, so that a build that fails or is killed leaves the previous one readable. The
manifest records the size and time of each output, so an old manifest does not match outputs
that a build killed between two renames already replaced: such a build folder is rebuilt,
never read. The graph is parsed only when a query needs it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.files import build_lock, stamp, write_temp
from ..core.sandbox import in_child
from ..rdf.terms import from_oxigraph, from_rdflib
from .base import Capabilities, Manifest, Quad, Row, Staging, Store

if TYPE_CHECKING:
    from rdflib import Dataset

    from ..rdf.results import QueryResult

GRAPH_FILE = "graph.trig"
MANIFEST_FILE = "manifest.json"


class MemoryStore(Store):
    """rdflib's Dataset in this process; the union of all named graphs is the default graph."""

    capabilities = Capabilities(local=True, needs_push=False, persistent=True, keeps_analysis=True)
    spec = "memory"

    def __init__(self, build_dir: Path | str) -> None:
        self.build_dir = Path(build_dir)
        self._dataset: Dataset | None = None

    @classmethod
    def from_spec(cls, location: str, build_dir: Path, **settings: Any) -> MemoryStore:
        return cls(build_dir)

    @property
    def location(self) -> Path:
        return self.build_dir / GRAPH_FILE

    def manifest(self) -> Manifest | None:
        """The manifest, when every output it lists is the one the build wrote."""
        try:
            manifest = json.loads((self.build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
            outputs = {name: stamp(self.build_dir / name) for name in manifest.get("outputs", {})}
        except (OSError, ValueError, AttributeError):
            return None
        return manifest if outputs and manifest.get("outputs") == outputs else None

    def attachment(self, name: str) -> bytes | None:
        try:
            return (self.build_dir / name).read_bytes()
        except FileNotFoundError:
            return None

    def lock(self) -> Any:
        return build_lock(self.build_dir)

    def remove_leftovers(self) -> None:
        """Remove the temporary files of a killed build: those of the graph, the manifest and
        what the last manifest lists (never another writer's, such as a view being written)."""
        try:
            listed = json.loads((self.build_dir / MANIFEST_FILE).read_text(encoding="utf-8")).get("outputs", {})
        except (OSError, ValueError, AttributeError):
            listed = {}
        for name in {GRAPH_FILE, MANIFEST_FILE, *listed}:
            for tmp in self.build_dir.glob(f".{name}.*.tmp"):
                tmp.unlink(missing_ok=True)

    def staging(self) -> MemoryStaging:
        return MemoryStaging(self)

    def dataset(self) -> Dataset:
        """The dataset, parsed from ``graph.trig`` on first use."""
        if self._dataset is None:
            from ..rdf.namespaces import new_dataset
            ds = new_dataset()
            ds.parse(self.location, format="trig")
            self._dataset = ds
        return self._dataset

    def adopt(self, dataset: Dataset) -> None:
        """Read ``dataset`` from now on: the one a build just published (so it is not parsed again)."""
        self.close()
        self._dataset = dataset

    def select(self, sparql: str) -> list[Row]:
        return [tuple(None if x is None else from_rdflib(x) for x in row)
                for row in self.dataset().query(sparql)]

    def quads(self) -> Iterator[Quad]:
        """Read from ``graph.trig`` by Oxigraph's parser: twenty times faster than asking rdflib's
        dataset for every quad."""
        import pyoxigraph as ox
        for q in ox.parse(path=self.location, format=ox.RdfFormat.TRIG):
            yield (from_oxigraph(q.graph_name), from_oxigraph(q.subject), from_oxigraph(q.predicate),
                   from_oxigraph(q.object))

    def run(self, sparql: str, timeout: float) -> QueryResult:
        dataset = self.dataset()  # parsed here, so that the child inherits it

        def work() -> QueryResult:
            import rdflib.plugins.sparql as rdflib_sparql

            from ..rdf.results import materialise
            rdflib_sparql.SPARQL_LOAD_GRAPHS = False
            result = dataset.query(sparql)
            if result.type == "ASK":
                return materialise("ASK", boolean=bool(result.askAnswer))
            if result.type == "SELECT":
                return materialise("SELECT", [str(v) for v in result.vars],
                                   ([None if x is None else from_rdflib(x) for x in row] for row in result))
            return materialise("CONSTRUCT", triples=([from_rdflib(x) for x in t] for t in result))
        return in_child(work, timeout)

    def close(self) -> None:
        self._dataset = None
        super().close()


class MemoryStaging(Staging):
    """A build on its way into the build folder: the dataset in memory until it is published."""

    def __init__(self, store: MemoryStore) -> None:
        from ..rdf.namespaces import new_dataset
        self.store = store
        self.dataset = new_dataset()

    def load(self, chunks: Iterable[bytes]) -> None:
        import pyoxigraph as ox

        from ..rdf.terms import oxigraph_to_rdflib
        terms: dict[Any, Any] = {}

        def term(x: Any) -> Any:
            found = terms.get(x)
            if found is None:
                found = terms[x] = oxigraph_to_rdflib(x)
            return found

        graphs: dict[Any, Any] = {}
        for chunk in chunks:
            for q in ox.parse(chunk, format=ox.RdfFormat.N_QUADS):
                graph = graphs.get(q.graph_name)
                if graph is None:
                    graph = graphs[q.graph_name] = self.dataset.graph(term(q.graph_name))
                graph.add((term(q.subject), term(q.predicate), term(q.object)))

    def publish(self, manifest: Manifest, attachments: dict[str, bytes]) -> None:
        import hashlib

        from ..rdf.trig import to_trig
        trig = to_trig(self.dataset).encode("utf-8")
        manifest = {**manifest, "graph_sha256": hashlib.sha256(trig).hexdigest()}
        self._replace({GRAPH_FILE: trig, **attachments}, manifest)
        self.store.adopt(self.dataset)
        self.published = True

    def _replace(self, outputs: dict[str, bytes], manifest: Manifest) -> None:
        """Write every output beside its target (the only step that takes disk space: a full
        disk stops the build here, with nothing replaced), the manifest last, then rename each
        over its target."""
        folder = self.store.build_dir
        temps: dict[str, Path] = {}
        try:
            for name, data in outputs.items():
                temps[name] = write_temp(folder / name, data)
            manifest["outputs"] = {name: stamp(tmp) for name, tmp in temps.items()}  # a rename keeps both
            temps[MANIFEST_FILE] = write_temp(folder / MANIFEST_FILE,
                                              (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
            for name, tmp in temps.items():
                os.replace(tmp, folder / name)
        finally:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
