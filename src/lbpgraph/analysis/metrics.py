"""Graph metrics over the projection, computed with NetworkX.

- fragile claims: peer-reviewed support that rests on a single source;
- sources ranked by how many claims (and articles) lean on them, through any citation chain;
- the longest citation chains.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

from .trace import chain_tree


def _rel(g: nx.DiGraph, node: str, rel: str) -> list[str]:
    return sorted(v for v in g.successors(node) if g.edges[node, v]["rel"] == rel)


def _chains(g: nx.DiGraph) -> list[tuple[str, str, nx.DiGraph]]:
    """(claim, appearance, chain tree) for every citation an appearance makes."""
    out = []
    for claim, d in sorted(g.nodes(data=True)):
        if d["kind"] != "claim":
            continue
        for app in _rel(g, claim, "appearance"):
            for cit in _rel(g, app, "cites"):
                out.append((claim, app, chain_tree(g, cit, d["id"])))
    return out


def fragile_claims(g: nx.DiGraph) -> list[dict[str, Any]]:
    """Claims with peer-reviewed support whose supporting peer-reviewed sources number one."""
    out = []
    for claim, d in sorted(g.nodes(data=True)):
        if d["kind"] != "claim" or not d["peer_reviewed_support"]:
            continue
        sources = {s for app in _rel(g, claim, "appearance") for s in _rel(g, app, "supported-by")}
        if len(sources) == 1:
            (source,) = sources
            out.append({"claim": d["id"], "statement": d["statement"], "source": g.nodes[source]["id"],
                        "source_label": g.nodes[source]["label"]})
    return out


def source_reliance(g: nx.DiGraph) -> list[dict[str, Any]]:
    """Every cited source with the claims and articles whose citation chains reach it."""
    claims: dict[str, set[str]] = defaultdict(set)
    articles: dict[str, set[str]] = defaultdict(set)
    for claim, app, tree in _chains(g):
        for node in tree:
            if g.nodes[node]["kind"] == "source":
                claims[node].add(g.nodes[claim]["id"])
                articles[node].add(g.nodes[app]["article"])
    rows = [{"source": g.nodes[s]["id"], "label": g.nodes[s]["label"], "claims": sorted(claims[s]),
             "articles": sorted(articles[s])} for s in claims]
    return sorted(rows, key=lambda r: (-len(r["claims"]), -len(r["articles"]), r["source"]))


def longest_chains(g: nx.DiGraph, limit: int = 10) -> list[dict[str, Any]]:
    """The longest citation chains (counted in sources), longest first."""
    rows = []
    for claim, app, tree in _chains(g):
        path = nx.dag_longest_path(tree)
        sources = [g.nodes[n]["label"] for n in path if g.nodes[n]["kind"] == "source"]
        rows.append({"claim": g.nodes[claim]["id"], "appearance": g.nodes[app]["id"],
                     "length": len(sources), "path": sources})
    rows.sort(key=lambda r: (-r["length"], r["claim"], r["appearance"], r["path"]))
    return rows[:limit]


def metrics(g: nx.DiGraph) -> dict[str, Any]:
    """All metrics of a projection."""
    return {"fragile_claims": fragile_claims(g), "sources": source_reliance(g),
            "longest_chains": longest_chains(g)}
