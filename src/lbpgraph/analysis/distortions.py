"""Citation distortions after Greenberg (BMJ 2009), over the chains of one claim's trace (its
reviewed appearances: drafts are left out).

- amplification: how many appearances rest on how few data-bearing primary sources;
- transmutation: a hedged finding or a hypothesis stated as certain;
- dead ends: chains that end at an unidentified source, no work, or a source that does not say it;
- diversion: a cited source that studied another population, intervention or outcome;
- consulted as evidence: works the article only lists, on the claim's intervention.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..core import vocab
from .records import (Amplification, AppearanceRecord, CitationNode, CitationRecord, ConsultedAsEvidence, DeadEnd,
                      Distortions, Diversion, NodeKind, Transmutation, Why)

if TYPE_CHECKING:
    import networkx as nx

#: The rules that flag a diverted citation, and what the source studied instead.
INDIRECT_RULES = {"flag-indirect-intervention": "intervention", "flag-indirect-population": "population",
                  "flag-indirect-outcome": "outcome"}

Link = tuple[str, tuple[str, ...], CitationRecord]  # appearance, labels of the sources on the way, citation


def chain_links(citations: list[CitationRecord], appearance: str, path: tuple[str, ...] = ()) -> Iterable[Link]:
    """(appearance, path of source labels, citation) for every citation along the chains."""
    for cit in citations:
        yield appearance, path, cit
        source = cit["source"]
        if source is not None:
            yield from chain_links(source["citations"], appearance, (*path, source["label"]))


def distortions(g: nx.DiGraph, app_nodes: list[str], appearances: list[AppearanceRecord]) -> Distortions:
    """Every distortion of one claim: its appearances (IRIs and trace records) and their chains,
    drafts left out (they are not reviewed, and never count toward a verdict)."""
    appearances = [a for a in appearances if not a["draft"]]
    links = [link for a in appearances for link in chain_links(a["citations"], a["id"])]
    by_rule: dict[str, list[tuple[str, Why]]] = {}
    for a in app_nodes:
        if g.nodes[a]["draft"]:
            continue
        for d in g.nodes[a]["why"]:
            by_rule.setdefault(d["rule"], []).append((g.nodes[a]["id"], d))
    certain = {a["id"] for a in appearances if a["hedging"] == "certain"}
    return {"amplification": amplification(appearances), "transmutation": transmutation(g, by_rule, certain),
            "dead_ends": dead_ends(links), "diversion": diversion(g, by_rule),
            "consulted_as_evidence": consulted_as_evidence(g, by_rule)}


def amplification(appearances: list[AppearanceRecord]) -> Amplification:
    """How many appearances and citations rest on how many primary sources with data on the claim."""
    links = [link for a in appearances for link in chain_links(a["citations"], a["id"])]
    primary = sorted({cit["source"]["id"] for _, _, cit in links if cit["source"]
                      and cit["fidelity"] in vocab.SUPPORTING_FIDELITY and cit["data_on_claim"]})
    n = len(appearances)
    return {"appearances": n, "citing_appearances": sum(1 for a in appearances if a["citations"]),
            "citations": len(links), "primary_sources": primary,
            "summary": f"{n} appearance{'s rest' if n != 1 else ' rests'} on "
                       f"{len(primary) or 'no'} data-bearing primary source{'s' * (len(primary) != 1)}"}


def dead_ends(links: list[Link]) -> list[DeadEnd]:
    """Every chain that stops before data that support the claim, and why."""
    return [{"appearance": a, "path": [*path, cit["source"]["label"] if cit["source"] else "no work named"],
             "reason": cit["dead_end"]} for a, path, cit in links if cit.get("dead_end")]


def _sources_in(g: nx.DiGraph, d: Why) -> list[str]:
    return [g.nodes[p]["label"] for p in d["premises"] if p in g and g.nodes[p]["kind"] == NodeKind.SOURCE]


def _citations_in(g: nx.DiGraph, d: Why) -> list[CitationNode]:
    return [g.nodes[p] for p in d["premises"] if p in g and g.nodes[p]["kind"] == NodeKind.CITATION]


#: How a source states what an appearance states as certain, for the overstatement to be a transmutation.
TRANSMUTED_STANCES = ("hypothesis", "hedged-finding")


def transmutation(g: nx.DiGraph, by_rule: dict[str, list[tuple[str, Why]]],
                  certain: set[str]) -> list[Transmutation]:
    """Appearances flagged overstated because they state as certain (ids in ``certain``) what a
    cited source states as a hypothesis or a hedged finding: not those overstated by breadth
    or by a source that says less."""
    return [{"appearance": a, "source_stance": cit["stance"], "citation": cit["marker"] or cit["mode"]}
            for a, d in by_rule.get("flag-overstated", []) if a in certain
            for cit in _citations_in(g, d) if cit["stance"] in TRANSMUTED_STANCES]


def diversion(g: nx.DiGraph, by_rule: dict[str, list[tuple[str, Why]]]) -> list[Diversion]:
    """Appearances flagged indirect, with the sources that studied something else."""
    return [{"appearance": a, "dimension": dim, "sources": _sources_in(g, d)}
            for rule, dim in INDIRECT_RULES.items() for a, d in by_rule.get(rule, [])]


def consulted_as_evidence(g: nx.DiGraph, by_rule: dict[str, list[tuple[str, Why]]]) -> list[ConsultedAsEvidence]:
    """Appearances flagged consulted-not-cited, with the works the article only lists."""
    return [{"appearance": a, "sources": _sources_in(g, d)} for a, d in by_rule.get("flag-consulted-not-cited", [])]
