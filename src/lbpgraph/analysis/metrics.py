"""Graph metrics over the projection, computed with NetworkX.

- fragile claims: peer-reviewed support that rests on a single source;
- sources ranked by how many claims (and articles) lean on them, through any citation chain;
- the longest citation chains.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypedDict

import networkx as nx

from .records import AppearanceNode, ClaimNode, NodeKind, Rel, SourceNode, node, successors
from .chains import chain_tree


class FragileClaim(TypedDict):
    claim: str
    statement: str
    source: str
    source_label: str


class SourceReliance(TypedDict):
    source: str
    label: str
    claims: list[str]
    articles: list[str]


class Chain(TypedDict):
    claim: str
    appearance: str
    length: int  # sources on the chain
    path: list[str]  # their labels, from the appearance on


class Metrics(TypedDict):
    fragile_claims: list[FragileClaim]
    sources: list[SourceReliance]
    longest_chains: list[Chain]


Chains = list[tuple[str, str, nx.DiGraph]]


def _claims(g: nx.DiGraph) -> list[tuple[str, ClaimNode]]:
    nodes = g.nodes
    return [(n, nodes[n]) for n in sorted(n for n, d in nodes(data=True) if d["kind"] == NodeKind.CLAIM)]


def _chains(g: nx.DiGraph) -> Chains:
    """(claim, appearance, chain tree) for every citation an appearance makes."""
    return [(claim, app, chain_tree(g, cit, d["id"]))
            for claim, d in _claims(g)
            for app in successors(g, claim, Rel.APPEARANCE)
            for cit in successors(g, app, Rel.CITES)]


def fragile_claims(g: nx.DiGraph) -> list[FragileClaim]:
    """Claims with peer-reviewed support whose supporting peer-reviewed sources number one."""
    out: list[FragileClaim] = []
    for claim, d in _claims(g):
        if not d["peer_reviewed_support"]:
            continue
        sources = {s for app in successors(g, claim, Rel.APPEARANCE) for s in successors(g, app, Rel.SUPPORTED_BY)}
        if len(sources) == 1:
            (source,) = sources
            s = node(g, source, SourceNode)
            out.append({"claim": d["id"], "statement": d["statement"], "source": s["id"], "source_label": s["label"]})
    return out


def source_reliance(g: nx.DiGraph, chains: Chains | None = None) -> list[SourceReliance]:
    """Every cited source with the claims and articles whose citation chains reach it
    (``chains``: :func:`_chains` of ``g``, when already made)."""
    claims: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, set[str]] = defaultdict(set)
    for claim, app, tree in _chains(g) if chains is None else chains:
        for n in tree:
            if g.nodes[n]["kind"] == NodeKind.SOURCE:
                claims[n].add(g.nodes[claim]["id"])
                articles[n].add(node(g, app, AppearanceNode)["article"])
    rows: list[SourceReliance] = [{"source": g.nodes[s]["id"], "label": g.nodes[s]["label"], "claims": sorted(claims[s]),
                                   "articles": sorted(articles[s])} for s in claims]
    return sorted(rows, key=lambda r: (-len(r["claims"]), -len(r["articles"]), r["source"]))


def longest_chains(g: nx.DiGraph, limit: int = 10, chains: Chains | None = None) -> list[Chain]:
    """The longest citation chains (counted in sources), longest first."""
    rows: list[Chain] = []
    for claim, app, tree in _chains(g) if chains is None else chains:
        path = nx.dag_longest_path(tree)
        sources = [g.nodes[n]["label"] for n in path if g.nodes[n]["kind"] == NodeKind.SOURCE]
        rows.append({"claim": g.nodes[claim]["id"], "appearance": g.nodes[app]["id"],
                     "length": len(sources), "path": sources})
    rows.sort(key=lambda r: (-r["length"], r["claim"], r["appearance"], r["path"]))
    return rows[:limit]


def metrics(g: nx.DiGraph) -> Metrics:
    """All metrics of a projection."""
    chains = _chains(g)  # made once for both
    return {"fragile_claims": fragile_claims(g), "sources": source_reliance(g, chains),
            "longest_chains": longest_chains(g, chains=chains)}
