"""Synthetic scale for tests and benchmarks.

:func:`tiled_projection` copies a real projection side by side with renamed ids, so a view or
metric can be exercised at 10,000 nodes with attributes produced by the real pipeline.
"""

from __future__ import annotations

import networkx as nx


def tiled_projection(g: nx.DiGraph, copies: int) -> nx.DiGraph:
    """``copies`` disjoint copies of the projection ``g``; every id gets a ``-t<n>`` suffix."""
    out = nx.DiGraph()
    out.graph.update(g.graph)
    for k in range(copies):
        suffix = f"-t{k}"
        rename = {n: f"{n}{suffix}" for n in g}
        for n, d in g.nodes(data=True):
            attrs = dict(d)
            if "id" in attrs:
                attrs["id"] = f"{attrs['id']}{suffix}"
            if d["kind"] == "citation":
                attrs["for_claims"] = [f"{c}{suffix}" for c in d["for_claims"]]
            if d["kind"] == "appearance":
                attrs["article"] = f"{d['article']}{suffix}"
            out.add_node(rename[n], **attrs)
        for u, v, d in g.edges(data=True):
            out.add_edge(rename[u], rename[v], **d)
    return out
