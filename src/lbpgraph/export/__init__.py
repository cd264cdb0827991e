"""Export: the graph in the formats other tools read (RDF serialisations, JSON-LD, schema.org
ClaimReview, nanopublications, GraphML and GEXF, CSL-JSON and BibTeX, RO-Crate), each written by
a library made for it, through a registry of writers imported when first used.

:data:`FORMATS` maps each format name to where its writer lives, so this module stays as light
as the command line (standard library only). A writer takes an :class:`Export` (what a build
holds, the settings, and what is read once: the quads, the projection, the traces, the date) and
returns the file's bytes, the same bytes for the same input.

From a notebook::

    from lbpgraph import Project
    from lbpgraph.export import ExportSettings
    Project("data", "build").export("claimreview", "reviews.jsonld",
                                    ExportSettings(review_author="Example Checks",
                                                   review_url="https://checks.example/{claim}#{appearance}"))

The ``[export]`` table of ``lbpgraph.toml`` gives the settings on the command line.

May import: :mod:`lbpgraph.core`, :mod:`lbpgraph.rdf`, :mod:`lbpgraph.analysis` and the package's
``__version__`` (what a build holds is handed in by :class:`lbpgraph.project.Project`, as a
:class:`Built`). Independent of the presentation and of ingest.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.errors import InvalidInput, Issue, UsageError
from ..core.files import is_hidden

if TYPE_CHECKING:
    from collections.abc import Iterable

    import networkx as nx
    import pyoxigraph as ox

    from ..analysis.records import TraceJSON

EXTRA_HINT = "install the export extra: pip install 'lbpgraph[export]'"


class MissingLibrary(UsageError):
    """A format's library is not installed (it comes with the ``export`` extra)."""

    hint = EXTRA_HINT


@dataclass(frozen=True)
class Format:
    """One export format: its file, media type, what it holds, who reads it and its writer."""

    name: str
    filename: str  # default file name under BUILD_DIR/export/
    media_type: str
    holds: str
    read_by: str
    writer: str  # "module:function" under lbpgraph.export
    libraries: tuple[str, ...] = ()  # optional libraries it needs (the export extra)

    def write(self, export: Export) -> bytes:
        for library in self.libraries:
            try:
                importlib.import_module(library)
            except ImportError:
                raise MissingLibrary(f"export --format {self.name} needs the {library} library, "
                                     "which is not installed") from None
        module, function = self.writer.split(":")
        writer: Callable[[Export], bytes] = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return writer(export)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("trig", "lbpgraph.trig", "application/trig", "every named graph",
           "any RDF 1.1 store or library (rdflib, Jena, Oxigraph, GraphDB, Virtuoso)", "rdf:trig"),
    Format("nquads", "lbpgraph.nq", "application/n-quads", "every named graph, one quad a line",
           "any RDF 1.1 store; line tools (sort, grep, diff)", "rdf:nquads"),
    Format("turtle", "lbpgraph.ttl", "text/turtle", "the union of the named graphs",
           "any RDF library, Protégé, most triple stores", "rdf:turtle"),
    Format("ntriples", "lbpgraph.nt", "application/n-triples", "the union of the named graphs, one triple a line",
           "any RDF library or store; line tools", "rdf:ntriples"),
    Format("jsonld", "lbpgraph.jsonld", "application/ld+json",
           "every named graph, compacted with lbpgraph's context (inline, shipped as lbpgraph/export/context.jsonld)",
           "JSON-LD processors (pyld, jsonld.js, rdflib, Oxigraph), plain JSON tools", "rdf:jsonld"),
    Format("claimreview", "lbpgraph-claimreview.jsonld", "application/ld+json",
           "one schema.org ClaimReview per reviewed claim appearance",
           "fact-check aggregators (Google Fact Check Explorer and its markup tool, ClaimsKG)", "claimreview:write"),
    Format("nanopub", "lbpgraph-nanopubs.trig", "application/trig",
           "one nanopublication per reviewed claim appearance (head, assertion, provenance, pubinfo)",
           "nanopub tools and servers (nanopub-py, nanopub-java), any TriG reader", "nanopub:write"),
    Format("graphml", "lbpgraph.graphml", "application/graphml+xml",
           "the NetworkX projection, attributes flattened to scalars", "Cytoscape, yEd, Gephi, NetworkX, igraph",
           "network:graphml"),
    Format("gexf", "lbpgraph.gexf", "application/gexf+xml",
           "the NetworkX projection, attributes flattened to scalars", "Gephi, NetworkX", "network:gexf"),
    Format("csl-json", "lbpgraph.csl.json", "application/vnd.citationstyles.csl+json",
           "the bibliography: every identified source", "Zotero, Pandoc, citeproc-js, citeproc-py",
           "bibliography:csl_json"),
    Format("bibtex", "lbpgraph.bib", "application/x-bibtex", "the bibliography: every identified source",
           "BibTeX, biber, Zotero, JabRef, bibtexparser", "bibliography:bibtex", ("bibtexparser",)),
    Format("rocrate", "lbpgraph-crate.zip", "application/zip",
           "an RO-Crate: the graph (TriG), the articles, the annotations, the licence and the tool",
           "RO-Crate tools (rocrate, Describo, WorkflowHub, Zenodo)", "crate:write", ("rocrate",)),
)}


# --- settings ---------------------------------------------------------------------------------

MIT = "https://spdx.org/licenses/MIT"


@dataclass(frozen=True)
class ExportSettings:
    """Settings of the exports, from the ``[export]`` table of ``lbpgraph.toml``.

    ``review_author`` (and ``review_author_url``) publish the ClaimReviews; ``review_url`` is
    the address of each review's page, with ``{claim}``, ``{article}`` and ``{appearance}``
    filled in. ``license`` (an IRI, with ``license_name``) covers the graph and annotations,
    never the archived articles. ``curator`` names who annotated (default: lbpgraph curators).
    ``date`` (YYYY-MM-DD) is the date the exports carry; without it, ``SOURCE_DATE_EPOCH``, else
    the latest date the data record (:func:`latest_date`). Bad values raise ValueError.
    """

    review_author: str | None = None
    review_author_url: str | None = None
    review_url: str | None = None
    license: str = MIT
    license_name: str = "MIT License"
    curator: str | None = None
    date: str | None = None

    def __post_init__(self) -> None:
        problems = []
        for name in ("review_author_url", "license"):
            value = getattr(self, name)
            if value is not None and not _http(value):
                problems.append(f"{name}: not an http(s) address: {value!r}")
        if self.review_url is not None:
            try:
                sample = self.review_url.format(claim="c", article="a", appearance="x")
            except (KeyError, IndexError, ValueError) as exc:
                problems.append(f"review_url: placeholders are {{claim}}, {{article}} and {{appearance}} ({exc})")
            else:
                if not _http(sample):
                    problems.append(f"review_url: not an http(s) address: {self.review_url!r}")
        if self.date is not None and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", self.date):
            problems.append(f"date: {self.date!r} is not YYYY-MM-DD")
        elif self.date is not None:
            try:
                date.fromisoformat(self.date)
            except ValueError:
                problems.append(f"date: no such day {self.date!r}")
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def from_table(cls, table: Any, where: str = "lbpgraph.toml") -> ExportSettings:
        """Settings from a config table; every problem names the file (exit code 3)."""
        if not isinstance(table, dict):
            raise InvalidInput([Issue(where, 1, "config", "[export] must be a table")], subject="the settings")
        known = {f.name for f in fields(cls)}
        problems = [f"unknown setting {k!r} (known: {', '.join(sorted(known))})" for k in sorted(set(table) - known)]
        problems += [f"{k} must be a string" for k, v in sorted(table.items()) if k in known and not isinstance(v, str)]
        if problems:
            raise InvalidInput([Issue(where, 1, "[export]", p) for p in problems], subject="the settings")
        try:
            return cls(**table)
        except ValueError as exc:
            raise InvalidInput([Issue(where, 1, "[export]", p) for p in str(exc).split("; ")],
                               subject="the settings") from None


def _http(value: str) -> bool:
    return re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value, re.IGNORECASE) is not None


# --- what a writer reads ----------------------------------------------------------------------

class Built(Protocol):
    """What the exports read of a build; :class:`lbpgraph.project.Project` is one."""

    @property
    def data_dir(self) -> Path:
        """The annotated corpus the build was made from."""

    def graph_quads(self) -> Iterable[ox.Quad]:
        """Every quad of the built dataset, in any order."""

    def projection(self) -> nx.DiGraph:
        """The NetworkX projection of the build."""

    def traces(self) -> dict[str, TraceJSON]:
        """Every claim's trace as JSON, by claim id."""


class Export:
    """What the writers share: the build, the settings, and what is read once (lazily)."""

    def __init__(self, built: Built, settings: ExportSettings) -> None:
        self.built = built
        self.settings = settings

    @functools.cached_property
    def quads(self) -> list[ox.Quad]:
        """Every quad of the built dataset, sorted (so every writer gets them in one order)."""
        return sorted(self.built.graph_quads(), key=quad_key)

    @functools.cached_property
    def union(self) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
        """subject IRI -> predicate IRI -> objects, over every named graph."""
        out: dict[str, dict[str, list[Any]]] = {}
        for q in self.quads:
            objects = out.setdefault(q.subject.value, {}).setdefault(q.predicate.value, [])
            if q.object not in objects:
                objects.append(q.object)
        return out

    def projection(self) -> nx.DiGraph:
        return self.built.projection()

    def traces(self) -> dict[str, TraceJSON]:
        return self.built.traces()

    @functools.cached_property
    def date(self) -> datetime:
        """The date the exports carry (UTC): the ``date`` setting, else ``SOURCE_DATE_EPOCH``,
        else the latest date the graph records (see :func:`latest_date`), so that the same data
        export to the same bytes wherever and whenever they are checked out."""
        if self.settings.date:
            return datetime.fromisoformat(self.settings.date).replace(tzinfo=timezone.utc)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return datetime.fromtimestamp(int(epoch), timezone.utc)
        return latest_date(self.quads)


_DATE_TYPES = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("date", "dateTime", "gYearMonth", "gYear")}


def latest_date(quads: Iterable[ox.Quad]) -> datetime:
    """The latest day any literal of ``quads`` records (an article's published or accessed date, a
    source's year; a partial date counts from its first day), midnight UTC: the data were curated
    on or after it. The Unix epoch when they record no date at all."""
    days = [q.object.value[:10] for q in quads
            if getattr(q.object, "datatype", None) is not None and q.object.datatype.value in _DATE_TYPES]
    full = [(d + "-01-01")[:10] for d in days if re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", d)]
    return datetime.fromisoformat(max(full, default="1970-01-01")).replace(tzinfo=timezone.utc)


def export(built: Built, name: str, settings: ExportSettings | None = None) -> bytes:
    """The built graph in format ``name`` (a key of :data:`FORMATS`)."""
    if name not in FORMATS:
        raise UsageError(f"unknown export format {name!r}; choose one of: {', '.join(FORMATS)}")
    return FORMATS[name].write(Export(built, settings or ExportSettings()))


def data_files(data_dir: Path | str) -> list[Path]:
    """Every file under ``data_dir``, in name order, but hidden ones and those in hidden folders
    or ``__pycache__`` below it (a hidden folder above ``data_dir`` does not count)."""
    root = Path(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(
        is_hidden(part) or part == "__pycache__" for part in p.relative_to(root).parts))


def quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    """The order quads are written in: graph, subject, predicate, object (N-Triples forms)."""
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
