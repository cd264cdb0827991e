"""Compute a claim's trace over the projection, with NetworkX.

Citation chains are depth-first trees over the citations each source makes for the claim being
traced (:func:`chain_tree`); each citation becomes a record that nests the source it cites and
says where the chain ends (:func:`citation_record`); a source met again on a chain (a cycle back
to a source on the way, or a source two sources on the chain cite) is named each time but traced
once. :func:`compute` adds the verdict (the derived facts of the graph), the appearances, the
curator evidence, the rules behind the verdict (:mod:`.explain`) and the citation distortions
(:mod:`.distortions`).
"""

from __future__ import annotations

from typing import Any, cast

import networkx as nx

from ..core import vocab
from .records import (AppearanceNode, AppearanceRecord, ArticleNode, ArticleRef, AssessmentNode, ChainSource,
                      CitationNode, CitationRecord, ClaimNode, ContraindicationNode, CuratorEvidence, NodeKind, Rel,
                      SourceNode, SourceRecord, Strength, TraceJSON, Verdict, node, predecessor, successors)
from .trace import Trace

_BROKEN_LINK = {"does-not-support": "the source does not support the claim",
                "contradicts": "the source contradicts the claim"}

_CYCLE = "cycle: cites a source already on this chain"
_TRACED_ELSEWHERE = "cites a source traced elsewhere in this chain"

_SOURCE_FIELDS = ("id", "label", "title", "authors", "year", "venue", "doi", "pmid", "peer_reviewed", "design",
                  "design_label", "cebm_level", "design_description", "sample_size", "sample_description",
                  "population", "finding", "verification", "corrections", "identified", "curator_added")
_CITATION_FIELDS = ("id", "position", "marker", "mode", "relation", "fidelity", "stance", "confidence",
                    "as_printed", "note")


def source_record(g: nx.DiGraph, source: str) -> SourceRecord:
    """What a trace says about a source (its projection record, without what only the graph needs)."""
    s = node(g, source, SourceNode)
    return cast(SourceRecord, {key: s[key] for key in _SOURCE_FIELDS})  # type: ignore[literal-required]


def chain_tree(g: nx.DiGraph, citation: str, claim_id: str) -> nx.DiGraph:
    """The citation chain from ``citation``: a DFS tree over links made for ``claim_id``, the
    tree ``nx.dfs_tree`` gives over the view of those links (same nodes and edges, in the same
    order), without the cost of a filtered view per citation."""
    nodes, succ = g.nodes, g.succ

    def keep(u: str, v: str) -> bool:
        rel = succ[u][v]["rel"]
        return rel == Rel.CITED or (rel == Rel.CITES and nodes[u]["kind"] == NodeKind.SOURCE
                                    and claim_id in nodes[v]["for_claims"])
    tree = nx.DiGraph()
    tree.add_node(citation)
    visited, stack = {citation}, [(citation, iter(succ[citation]))]
    while stack:
        parent, children = stack[-1]
        for child in children:
            if child not in visited and keep(parent, child):
                tree.add_edge(parent, child)
                visited.add(child)
                stack.append((child, iter(succ[child])))
                break
        else:
            stack.pop()
    return tree


def citation_record(g: nx.DiGraph, tree: nx.DiGraph, citation: str, claim_id: str,
                    path: tuple[str, ...] = ()) -> CitationRecord:
    """One citation of a chain, with the source it cites and, recursively, that source's own
    citations for the claim (``path``: the sources on the way here); ``dead_end`` says why the
    chain stops here, where it does, and ``repeat`` why a source met again is not traced again."""
    c = node(g, citation, CitationNode)
    item = cast(CitationRecord, {key: c[key] for key in _CITATION_FIELDS})  # type: ignore[literal-required]
    item["data_on_claim"] = claim_id in c["data_on"]
    cited = successors(g, citation, Rel.CITED)
    if not cited:
        item["source"] = None
        item["dead_end"] = "the attribution names no work"
        return item
    source = cited[0]
    onward: list[CitationRecord] = []
    if tree.has_edge(citation, source):
        onward = [citation_record(g, tree, n, claim_id, (*path, source))
                  for n in sorted(tree.successors(source), key=lambda n: g.nodes[n]["position"])]
    else:  # the tree reached the source first by another way
        item["repeat"] = _CYCLE if source in path else _TRACED_ELSEWHERE
    item["source"] = cast(ChainSource, {**source_record(g, source), "citations": onward})
    if not node(g, source, SourceNode)["identified"]:
        item["dead_end"] = "unidentified source"
    elif c["fidelity"] in _BROKEN_LINK:
        item["dead_end"] = _BROKEN_LINK[c["fidelity"]]
    return item


def compute_all(g: nx.DiGraph) -> dict[str, TraceJSON]:
    """Every claim's trace in a projection, as JSON: claim id -> trace."""
    return {d["id"]: compute(g, d["id"]).to_json() for _, d in g.nodes(data=True) if d["kind"] == NodeKind.CLAIM}


def compute(g: nx.DiGraph, claim_id: str) -> Trace:
    """The trace of one claim, computed with NetworkX over the projection ``g``."""
    from .distortions import distortions
    from .explain import explanation
    claim = vocab.PREFIXES["claim"] + claim_id
    c = node(g, claim, ClaimNode)
    app_nodes = successors(g, claim, Rel.APPEARANCE)
    appearances = [_appearance(g, app, c["id"]) for app in sorted(
        app_nodes, key=lambda a: (g.nodes[a]["article"], g.nodes[a]["start"]))]
    return Trace(
        claim={"id": c["id"], "statement": c["statement"], "kind": c["claim_kind"],
               "interventions": c["interventions"], "conditions": c["conditions"], "mechanisms": c["mechanisms"],
               "outcome": c["outcome"], "population": c["population"], "note": c["note"]},
        verdict=_verdict(g, claim), appearances=appearances, curator_evidence=_curator_evidence(g, claim),
        contraindications=[{"intervention": ci["intervention"], "condition": ci["condition"],
                            "severity": ci["severity"]}
                           for ci in (node(g, n, ContraindicationNode) for n in successors(g, claim, Rel.STATES))],
        distortions=distortions(g, app_nodes, appearances),
        explanation=explanation(g, claim, app_nodes))


def _verdict(g: nx.DiGraph, claim: str) -> Verdict:
    from .explain import certainty_reasons
    c = node(g, claim, ClaimNode)
    strength: Strength | None = None
    if c["strength"]:
        term = vocab.DESIGNS.term(c["strength"])
        strength = {"design": term.notation, "label": term.label, "cebm_level": term.cebm_level}
    origin, reasons = certainty_reasons(g, claim)
    return {"peer_reviewed_support": c["peer_reviewed_support"], "certainty": c["certainty"],
            "certainty_from": origin, "certainty_reasons": reasons, "basis": c["basis"], "strength": strength,
            "flags": c["flags"]}


def _appearance(g: nx.DiGraph, app: str, claim_id: str) -> AppearanceRecord:
    a = node(g, app, AppearanceNode)
    article = node(g, predecessor(g, app, Rel.CONTAINS), ArticleNode)
    citations = [citation_record(g, chain_tree(g, cit, claim_id), cit, claim_id)
                 for cit in sorted(successors(g, app, Rel.CITES), key=lambda n: g.nodes[n]["position"])]
    return {"id": a["id"], "article": article_ref(article),
            "quote": a["quote"], "start": a["start"], "end": a["end"], "speaker": a["speaker"],
            "hedging": a["hedging"], "basis": a["basis"], "appeal": a["appeal"], "flags": a["flags"],
            "draft": a["draft"], "citations": citations, "note": a["note"]}


def article_ref(d: ArticleNode) -> ArticleRef:
    """Where an article lives, as its projection node knows it: absent values are None."""
    def text(value: Any) -> str | None:
        return None if value is None else str(value)  # an xsd:date is a datetime.date
    return {"id": d["id"], "title": d["title"], "kind": d["article_kind"], "url": d["url"], "site": d["site"],
            "publisher": d["publisher"], "authors": d["authors"], "published": text(d["published"]),
            "accessed": text(d["accessed"])}


def _curator_evidence(g: nx.DiGraph, claim: str) -> list[CuratorEvidence]:
    """Sources the curators added for the claim, strongest design first, then newest."""
    evidence: list[CuratorEvidence] = []
    for assessment in successors(g, claim, Rel.ASSESSED):
        a = node(g, assessment, AssessmentNode)
        source = successors(g, assessment, Rel.EVIDENCE)[0]
        evidence.append({"source": source_record(g, source), "fidelity": a["fidelity"], "note": a["note"]})
    rank = {d: i for i, d in enumerate(vocab.DESIGNS.notations)}
    evidence.sort(key=lambda e: (rank.get(e["source"]["design"], 99), -(e["source"]["year"] or 0),  # type: ignore[arg-type]
                                 e["source"]["id"]))
    return evidence
