"""Corpus statistics: counts of every kind of record and per-article sentence coverage."""

from __future__ import annotations

from collections import Counter
from typing import TypedDict

import networkx as nx

from .records import ArticleNode, NodeKind, SourceNode


class ArticleCoverage(TypedDict):
    id: str
    title: str
    sentences: int
    accounted: int
    coverage: float  # accounted / sentences, rounded to 4 places


class Stats(TypedDict):
    counts: dict[str, int]
    articles: list[ArticleCoverage]


def stats(g: nx.DiGraph) -> Stats:
    """Counts and, per article, the share of sentences accounted for by the annotation.

    A sentence is accounted for when it overlaps a claim appearance or a span marked as not a
    claim; ``coverage`` is accounted / sentences.
    """
    return {"counts": counts(g), "articles": coverage(g)}


def counts(g: nx.DiGraph) -> dict[str, int]:
    """How many of each kind of record the graph holds."""
    nodes = [d for _, d in g.nodes(data=True)]
    kinds = Counter(d["kind"] for d in nodes)
    schemes = Counter(d["scheme"] for d in nodes if d["kind"] == NodeKind.CONCEPT)
    sources: list[SourceNode] = [d for d in nodes if d["kind"] == NodeKind.SOURCE]
    contraindications = [d for d in nodes if d["kind"] == NodeKind.CONTRAINDICATION]
    return {
        "articles": kinds[NodeKind.ARTICLE],
        "claims": kinds[NodeKind.CLAIM],
        "appearances": kinds[NodeKind.APPEARANCE],
        "sources": len(sources),
        "sources_cited": sum(1 for s in sources if not s["curator_added"]),
        "sources_curator_added": sum(1 for s in sources if s["curator_added"]),
        "sources_unidentified": sum(1 for s in sources if not s["identified"]),
        "citations": kinds[NodeKind.CITATION],
        "mechanisms": schemes["mechanism"],
        "contraindications": sum(1 for d in contraindications if not d["inferred"]),
        "inferred_cautions": sum(1 for d in contraindications if d["inferred"]),
        "missing_warnings": kinds[NodeKind.MISSING_WARNING],
    }


def coverage(g: nx.DiGraph) -> list[ArticleCoverage]:
    """Per article (by id): its sentences, how many the annotation accounts for, and the share."""
    articles: list[ArticleNode] = sorted((d for _, d in g.nodes(data=True) if d["kind"] == NodeKind.ARTICLE),
                                         key=lambda d: d["id"])
    return [{"id": d["id"], "title": d["title"], "sentences": d["sentences"], "accounted": d["accounted"],
             "coverage": round(d["accounted"] / d["sentences"] if d["sentences"] else 0.0, 4)} for d in articles]
