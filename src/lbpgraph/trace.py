"""Trace a claim: where it is made, on what it rests, and where each citation chain ends.

The verdict comes from the derived facts of the graph (the rules of evidence); citation chains
are depth-first trees that NetworkX computes over the projection, restricted to the citations
each source makes for the claim being traced.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from . import vocab
from .errors import AmbiguousClaim, ClaimNotFound
from .projection import claims as claim_nodes

_BROKEN_LINK = {"does-not-support": "the source does not support the claim",
                "contradicts": "the source contradicts the claim"}
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def fold(text: str) -> str:
    """Case-, whitespace- and quote-style-insensitive form used to match claims."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().casefold()


def find_claim(g: nx.DiGraph, query: str) -> str:
    """IRI of the one claim ``query`` designates (an id, or text of a statement or quote).

    Raises :class:`AmbiguousClaim` when several claims match and :class:`ClaimNotFound`
    (with the closest candidates) when none does.
    """
    wanted = fold(query)
    nodes = claim_nodes(g)
    for n in nodes:
        if g.nodes[n]["id"] == wanted:
            return n
    if not wanted:
        raise ClaimNotFound(query, [])
    exact = [n for n in nodes if fold(g.nodes[n]["statement"]).rstrip(".") == wanted.rstrip(".")]
    if len(exact) == 1:
        return exact[0]
    matches = [n for n in nodes if wanted in _haystack(g, n)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousClaim(query, [(g.nodes[n]["id"], g.nodes[n]["statement"]) for n in matches])
    scored = sorted(((_similarity(wanted, g, n), g.nodes[n]["id"]) for n in nodes), reverse=True)
    raise ClaimNotFound(query, [(cid, g.nodes[f"{vocab.PREFIXES['claim']}{cid}"]["statement"])
                                for _, cid in scored[:5]])


def _haystack(g: nx.DiGraph, claim: str) -> str:
    texts = [g.nodes[claim]["statement"]]
    texts += [g.nodes[a]["quote"] for a in _successors(g, claim, "appearance")]
    return "\n".join(fold(t) for t in texts)


def _similarity(wanted: str, g: nx.DiGraph, claim: str) -> float:
    words = set(wanted.split())
    best = 0.0
    for text in _haystack(g, claim).split("\n"):
        overlap = len(words & set(text.split())) / max(len(words), 1)
        ratio = difflib.SequenceMatcher(None, wanted, text).ratio()
        best = max(best, 0.6 * overlap + 0.4 * ratio)
    return best


def _successors(g: nx.DiGraph, node: str, rel: str) -> list[str]:
    return [v for v in g.successors(node) if g.edges[node, v]["rel"] == rel]


@dataclass
class Trace:
    """A traced claim, ready to render as text, Markdown or JSON."""

    claim: dict[str, Any]
    verdict: dict[str, Any]
    appearances: list[dict[str, Any]]
    curator_evidence: list[dict[str, Any]] = field(default_factory=list)
    contraindications: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.claim, "verdict": self.verdict, "appearances": self.appearances,
                "curator_evidence": self.curator_evidence,
                "contraindications": self.contraindications}

    def to_text(self) -> str:
        from .render import trace_text
        return trace_text(self)

    def to_markdown(self) -> str:
        from .render import trace_markdown
        return trace_markdown(self)


def _source(g: nx.DiGraph, source: str) -> dict[str, Any]:
    s = g.nodes[source]
    return {key: s[key] for key in (
        "id", "label", "title", "authors", "year", "venue", "doi", "pmid", "peer_reviewed", "design",
        "design_label", "cebm_level", "design_description", "sample_size", "sample_description",
        "population", "finding", "verification", "corrections", "identified", "curator_added")}


def chain_tree(g: nx.DiGraph, citation: str, claim_id: str) -> nx.DiGraph:
    """The citation chain from ``citation``: a DFS tree over links made for ``claim_id``."""
    def keep(u: str, v: str) -> bool:
        rel = g.edges[u, v]["rel"]
        return rel == "cited" or (rel == "cites" and g.nodes[u]["kind"] == "source"
                                  and claim_id in g.nodes[v]["for_claims"])
    view = nx.subgraph_view(g, filter_edge=keep)
    return nx.dfs_tree(view, citation)


def _citation(g: nx.DiGraph, tree: nx.DiGraph, citation: str) -> dict[str, Any]:
    c = g.nodes[citation]
    item = {key: c[key] for key in ("id", "position", "marker", "mode", "relation", "fidelity",
                                    "stance", "confidence", "as_printed", "note")}
    cited = list(tree.successors(citation))
    if not cited:
        item["source"] = None
        item["dead_end"] = "the attribution names no work"
        return item
    source = cited[0]
    item["source"] = _source(g, source)
    onward = sorted(tree.successors(source), key=lambda n: g.nodes[n]["position"])
    item["source"]["citations"] = [_citation(g, tree, n) for n in onward]
    if not g.nodes[source]["identified"]:
        item["dead_end"] = "unidentified source"
    elif c["fidelity"] in _BROKEN_LINK:
        item["dead_end"] = _BROKEN_LINK[c["fidelity"]]
    return item


def trace(g: nx.DiGraph, query: str) -> Trace:
    """Trace the claim ``query`` designates (see :func:`find_claim`)."""
    claim = find_claim(g, query)
    c = g.nodes[claim]
    strength = None
    if c["strength"]:
        term = vocab.DESIGNS.term(c["strength"])
        strength = {"design": term.notation, "label": term.label, "cebm_level": term.cebm_level}
    verdict = {"peer_reviewed_support": c["peer_reviewed_support"], "basis": c["basis"],
               "strength": strength, "flags": c["flags"]}
    appearances = []
    for app in sorted(_successors(g, claim, "appearance"),
                      key=lambda a: (g.nodes[a]["article"], g.nodes[a]["start"])):
        a = g.nodes[app]
        article = next(u for u in g.predecessors(app) if g.edges[u, app]["rel"] == "contains")
        citations = []
        for cit in sorted(_successors(g, app, "cites"), key=lambda n: g.nodes[n]["position"]):
            citations.append(_citation(g, chain_tree(g, cit, c["id"]), cit))
        appearances.append({
            "id": a["id"], "article": {"id": a["article"], "title": g.nodes[article]["title"],
                                       "kind": g.nodes[article]["article_kind"]},
            "quote": a["quote"], "start": a["start"], "end": a["end"], "speaker": a["speaker"],
            "hedging": a["hedging"], "basis": a["basis"], "appeal": a["appeal"], "flags": a["flags"],
            "citations": citations, "note": a["note"]})
    evidence = []
    for assessment in _successors(g, claim, "assessed"):
        source = _successors(g, assessment, "evidence")[0]
        evidence.append({"source": _source(g, source), "fidelity": g.nodes[assessment]["fidelity"],
                         "note": g.nodes[assessment]["note"]})
    rank = {d: i for i, d in enumerate(vocab.DESIGNS.notations)}
    evidence.sort(key=lambda e: (rank.get(e["source"]["design"], 99), -(e["source"]["year"] or 0),
                                 e["source"]["id"]))
    contraindications = [
        {k: g.nodes[n][k] for k in ("intervention", "condition", "severity")}
        for n in sorted(_successors(g, claim, "states"))]
    return Trace(
        claim={"id": c["id"], "statement": c["statement"], "kind": c["claim_kind"],
               "interventions": c["interventions"], "conditions": c["conditions"],
               "mechanisms": c["mechanisms"],
               "outcome": c["outcome"], "population": c["population"], "note": c["note"]},
        verdict=verdict, appearances=appearances, curator_evidence=evidence,
        contraindications=contraindications)

