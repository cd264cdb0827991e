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

from . import __version__

if TYPE_CHECKING:  # heavy imports stay out of fast commands
    import networkx as nx
    from rdflib import Dataset

    from .trace import Trace

GRAPH_FILE = "graph.trig"
PROJECTION_FILE = "projection.pickle"
TRACES_FILE = "traces.json"
MANIFEST_FILE = "manifest.json"
_PACKAGE_DIR = Path(__file__).resolve().parent


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    import tempfile
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs follow the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _tree_digest(root: Path, pattern: str = "**/*") -> hashlib._Hash:
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(p for p in root.glob(pattern) if p.is_file()):
            rel = path.relative_to(root)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            digest.update(str(rel).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` did: where the graph is and how big it is."""

    graph_path: Path
    articles: int
    claims: int
    triples: int
    derived_triples: int
    seconds: float
    rebuilt: bool


class Project:
    """The data folder and the build folder of one lbpgraph project."""

    def __init__(self, data_dir: Path | str = "data", build_dir: Path | str = "build") -> None:
        self.data_dir = Path(data_dir)
        self.build_dir = Path(build_dir)
        self._projection: nx.DiGraph | None = None
        self._dataset: Dataset | None = None
        self._traces: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"Project(data_dir={str(self.data_dir)!r}, build_dir={str(self.build_dir)!r})"

    @property
    def graph_path(self) -> Path:
        return self.build_dir / GRAPH_FILE

    def fingerprint(self) -> str:
        """Digest of every file under ``data/`` and of lbpgraph's own code and rules."""
        digest = _tree_digest(self.data_dir)
        digest.update(_tree_digest(_PACKAGE_DIR).digest())
        digest.update(__version__.encode())
        return digest.hexdigest()

    def _manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def is_current(self, fingerprint: str | None = None) -> bool:
        """True when the build folder holds a complete build of the current data."""
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
        from .build import build_dataset
        from .corpus import load_corpus
        from .errors import InvalidInput
        from .projection import project
        from .rdf import GRAPH_DERIVED, to_trig
        from .rules import apply_rules
        from .trace import compute

        try:
            corpus = load_corpus(self.data_dir)
        except InvalidInput as exc:
            exc.data_dir = str(self.data_dir)
            raise
        ds = build_dataset(corpus)
        apply_rules(ds, corpus)
        trig = to_trig(ds).encode("utf-8")
        projection = project(ds)
        traces = {d["id"]: compute(projection, d["id"]).to_json()
                  for _, d in projection.nodes(data=True) if d["kind"] == "claim"}
        triples = sum(len(g) for g in ds.graphs())
        derived = len(ds.graph(GRAPH_DERIVED))
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

    def _ensure_built(self) -> None:
        if not self.is_current():
            self._projection = self._dataset = self._traces = None
            self.build(force=True)  # also refreshes the in-memory copies

    def projection(self) -> nx.DiGraph:
        """The NetworkX projection of the graph, rebuilding first if ``data/`` changed."""
        self._ensure_built()
        if self._projection is None:
            with open(self.build_dir / PROJECTION_FILE, "rb") as f:
                self._projection = pickle.load(f)
        return self._projection

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
        """Every claim's trace as JSON, computed at build time: claim id -> trace."""
        self._ensure_built()
        if self._traces is None:
            self._traces = json.loads((self.build_dir / TRACES_FILE).read_text(encoding="utf-8"))
        return self._traces

    def trace(self, claim: str) -> Trace:
        """Trace one claim, given by id or by text of its statement or a quote.

        Reads the traces the build computed, so it needs neither NetworkX nor rdflib; raises
        :class:`~lbpgraph.errors.AmbiguousClaim` or :class:`~lbpgraph.errors.ClaimNotFound`.
        """
        from .trace import ClaimIndex, Trace
        traces = self.traces()
        index = ClaimIndex((cid, t["claim"]["statement"], [a["quote"] for a in t["appearances"]])
                           for cid, t in traces.items())
        return Trace.from_json(traces[index.find(claim)])

    def query(self, sparql: str, timeout: float | None = None) -> Any:
        """Run a read-only SPARQL query; see :func:`lbpgraph.query.run_query`."""
        from .query import DEFAULT_TIMEOUT, run_query
        return run_query(self.dataset(), sparql, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)

    def stats(self) -> dict[str, Any]:
        """Counts and per-article coverage; see :func:`lbpgraph.stats.stats`."""
        from .stats import stats
        return stats(self.projection())
