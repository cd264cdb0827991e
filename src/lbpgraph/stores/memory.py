"""The ``memory`` store: the dataset of ``BUILD_DIR/graph.trig``, answered in this process's memory.

A build writes the canonical TriG of the dataset, and beside it the attachments it is given (the
projection, every claim's trace and the counts, :class:`~lbpgraph.stores.base.Capabilities`),
then ``manifest.json`` last: every file is first written in full beside its target, then renamed
over it, so that a build that fails or is killed leaves the previous one readable. The
manifest records the size and time of each output, so an old manifest does not match outputs
that a build killed between two renames already replaced: such a build folder is rebuilt,
never read.

Queries are answered by Oxigraph in memory: the TriG is parsed (by Oxigraph's parser, about a
million triples a second) only when a query needs it, and a command that reads the kept
analysis (``trace``, ``stats``) parses nothing. rdflib is used only when someone asks for an
rdflib :meth:`~lbpgraph.stores.base.Store.dataset`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.files import build_lock, read_part, stamp, write_temp
from ..core.sandbox import in_child
from ..rdf.terms import from_oxigraph
from .base import Capabilities, Manifest, Quad, Row, Staging, Store
from .oxigraph import oxigraph_answer, oxigraph_quad_values, oxigraph_select, oxigraph_values

if TYPE_CHECKING:
    from ..rdf.results import QueryResult

GRAPH_FILE = "graph.trig"
MANIFEST_FILE = "manifest.json"


class MemoryStore(Store):
    """The build folder's dataset, loaded into an in-memory Oxigraph store on first query; the
    union of all named graphs is the default graph."""

    capabilities = Capabilities(local=True, needs_push=False, persistent=True, keeps_analysis=True)
    spec = "memory"

    def __init__(self, build_dir: Path | str) -> None:
        self.build_dir = Path(build_dir)
        self._store: Any = None  # a pyoxigraph Store

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

    def attachment(self, name: str, part: tuple[int, int] | None = None) -> bytes | None:
        try:
            return read_part(self.build_dir / name, part)
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

    def update_staging(self) -> MemoryStaging:
        import pyoxigraph as ox
        staging = MemoryStaging(self)
        staging.base = self.oxigraph()
        staging.dataset.load(path=str(self.location), format=ox.RdfFormat.TRIG)
        return staging

    def oxigraph(self) -> Any:
        """The dataset in an in-memory pyoxigraph Store, parsed from ``graph.trig`` on first use."""
        if self._store is None:
            import pyoxigraph as ox
            store = ox.Store()
            store.load(path=str(self.location), format=ox.RdfFormat.TRIG)
            self._store = store
        return self._store

    def adopt(self, store: Any) -> None:
        """Read ``store`` (a pyoxigraph Store) from now on: the one a build just published, so it
        is not parsed again."""
        self.close()
        self._store = store

    def select(self, sparql: str) -> list[Row]:
        return oxigraph_select(self.oxigraph(), sparql)

    def select_values(self, sparql: str) -> list[tuple[Any, ...]]:
        return oxigraph_values(self.oxigraph(), sparql)

    def quad_values(self, exclude_graph: str | None = None) -> Iterator[tuple[Any, Any, Any, Any]]:
        return oxigraph_quad_values(self.oxigraph(), exclude_graph)

    def quads(self) -> Iterator[Quad]:
        for q in self.oxigraph():
            yield (from_oxigraph(q.graph_name), from_oxigraph(q.subject), from_oxigraph(q.predicate),
                   from_oxigraph(q.object))

    def run(self, sparql: str, timeout: float) -> QueryResult:
        kept = self._kept(sparql)
        if kept is not None:
            return kept
        store = self.oxigraph()  # parsed here, so that the child inherits it
        return in_child(lambda: oxigraph_answer(store, sparql), timeout)

    def close(self) -> None:
        self._store = None
        super().close()

    def _kept(self, sparql: str) -> QueryResult | None:
        """The answer the build kept for ``sparql`` (a named query; see :func:`kept_answers`),
        when the published build lists it: no parse of the graph, no child."""
        if self._store is not None or not (self.build_dir / ANSWERS_FILE).exists():
            return None
        manifest = self.manifest()
        kept = self.attachment(ANSWERS_FILE) if manifest is not None and ANSWERS_FILE in manifest.get("outputs", {}) else None
        a = json.loads(kept).get(_answer_key(sparql)) if kept is not None else None
        if a is None:
            return None
        from ..rdf.results import materialise
        return materialise(a["kind"], a["variables"], a["rows"], a["boolean"], a["triples"])


class MemoryStaging(Staging):
    """A build on its way into the build folder: the dataset in an in-memory Oxigraph store
    until it is published."""

    takes_store = True
    keeps_answers = True

    def __init__(self, store: MemoryStore) -> None:
        import pyoxigraph as ox
        self.store = store
        self.dataset: Any = ox.Store()

    def load(self, chunks: Iterable[bytes]) -> None:
        import pyoxigraph as ox
        for chunk in chunks:
            self.dataset.load(chunk, format=ox.RdfFormat.N_QUADS)

    def adopt(self, dataset: Any) -> None:
        self.dataset = dataset

    def publish(self, manifest: Manifest, attachments: dict[str, bytes]) -> None:
        import hashlib

        from ..rdf.trig import quads_to_trig
        trig = quads_to_trig(self.dataset).encode("utf-8")
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


ANSWERS_FILE = "answers.json"


def _answer_key(sparql: str) -> str:
    import hashlib
    return hashlib.sha256(sparql.encode("utf-8")).hexdigest()


def kept_answers(answers: dict[str, QueryResult]) -> dict[str, bytes]:
    """The attachment that keeps the answers of some queries (by their whole text), read back by
    :meth:`MemoryStore.run`."""
    kept = {_answer_key(sparql): {"kind": r.kind, "variables": r.variables, "boolean": r.boolean,
                                  "rows": [[row.get(v) for v in r.variables] for row in r.rows],
                                  "triples": [list(t) for t in r.triples]}
            for sparql, r in sorted(answers.items())}
    return {ANSWERS_FILE: json.dumps(kept, ensure_ascii=False).encode("utf-8")}  # terms keep their key order
