"""The dataset as RDF: TriG and N-Quads (every named graph), Turtle and N-Triples (their union),
written by Oxigraph's serializers from the sorted quads; and JSON-LD, compacted by rdflib with
the context that ships beside this module (``context.jsonld``).

Oxigraph writes quads in the order it is given them, so sorted quads give the same bytes every
time. rdflib's JSON-LD writer orders nodes by hash, so its output is put in a canonical order
(nodes by ``@id``, values sorted, keys sorted) before it is written: the same graph, the same bytes.
"""

from __future__ import annotations

import json
import warnings
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..core import safejson, vocab

if TYPE_CHECKING:
    import pyoxigraph as ox

    from . import Export


def _serialize(items: list[Any], fmt: str) -> bytes:
    import pyoxigraph as ox
    return ox.serialize(items, format=getattr(ox.RdfFormat, fmt), prefixes=dict(vocab.PREFIXES))


def _union(export: Export) -> list[ox.Triple]:
    """The triples of every named graph, each once, sorted."""
    import pyoxigraph as ox
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in export.quads},
                  key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def trig(export: Export) -> bytes:
    return _serialize(export.quads, "TRIG")


def nquads(export: Export) -> bytes:
    return _serialize(export.quads, "N_QUADS")


def turtle(export: Export) -> bytes:
    return _serialize(_union(export), "TURTLE")


def ntriples(export: Export) -> bytes:
    return _serialize(_union(export), "N_TRIPLES")


def context() -> dict[str, Any]:
    """lbpgraph's JSON-LD context (the file shipped with the package)."""
    text = (resources.files(__package__) / "context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)


def jsonld(export: Export) -> bytes:
    """Every named graph as JSON-LD, compacted with lbpgraph's context, which is inlined: a
    reader needs no network and no other file."""
    from rdflib import Dataset
    ds = Dataset()
    ds.parse(data=nquads(export), format="nquads")
    ctx = context()["@context"]
    with warnings.catch_warnings():  # rdflib 7's JSON-LD writer calls its own deprecated Dataset.contexts
        warnings.simplefilter("ignore", DeprecationWarning)
        document = json.loads(ds.serialize(format="json-ld", context=ctx, auto_compact=True))
    document["@context"] = ctx
    return (safejson.dumps(canonical(document), ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def canonical(value: Any) -> Any:
    """A JSON-LD document in one order: every array sorted (RDF values are unordered; lbpgraph's
    graphs hold no ``@list``), objects written with sorted keys by the caller."""
    if isinstance(value, dict):
        return {k: (v if k == "@list" else canonical(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: (v.get("@id", "") if isinstance(v, dict) else "",
                                            json.dumps(v, ensure_ascii=False, sort_keys=True)))
    return value
