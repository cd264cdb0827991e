"""Corpus statistics: counts of every kind of record and per-article sentence coverage."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx


def stats(g: nx.DiGraph) -> dict[str, Any]:
    """Counts and, per article, the share of sentences accounted for by the annotation.

    A sentence is accounted for when it overlaps a claim appearance or a span marked as not a
    claim; ``coverage`` is accounted / sentences.
    """
    kinds = Counter(d["kind"] for _, d in g.nodes(data=True))
    schemes = Counter(d["scheme"] for _, d in g.nodes(data=True) if d["kind"] == "concept")
    sources = [d for _, d in g.nodes(data=True) if d["kind"] == "source"]
    counts = {
        "articles": kinds["article"],
        "claims": kinds["claim"],
        "appearances": kinds["appearance"],
        "sources": len(sources),
        "sources_cited": sum(1 for s in sources if not s["curator_added"]),
        "sources_curator_added": sum(1 for s in sources if s["curator_added"]),
        "sources_unidentified": sum(1 for s in sources if not s["identified"]),
        "citations": kinds["citation"],
        "mechanisms": schemes["mechanism"],
        "contraindications": sum(1 for _, d in g.nodes(data=True) if d["kind"] == "contraindication" and not d["inferred"]),
        "inferred_cautions": sum(1 for _, d in g.nodes(data=True) if d["kind"] == "contraindication" and d["inferred"]),
        "missing_warnings": kinds["missing-warning"],
    }
    articles = []
    for _, d in sorted(((n, d) for n, d in g.nodes(data=True) if d["kind"] == "article"),
                       key=lambda x: x[1]["id"]):
        share = d["accounted"] / d["sentences"] if d["sentences"] else 0.0
        articles.append({"id": d["id"], "title": d["title"], "sentences": d["sentences"],
                         "accounted": d["accounted"], "coverage": round(share, 4)})
    return {"counts": counts, "articles": articles}

