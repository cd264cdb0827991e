"""Trace a claim: where it is made, on what it rests, and where each citation chain ends.

The verdict comes from the derived facts of the graph (the rules of evidence); citation chains
are depth-first trees that NetworkX computes over the projection, restricted to the citations
each source makes for the claim being traced (:func:`chain_tree`). Why the verdict is what it is
comes from :mod:`.explain`, the citation distortions from :mod:`.distortions`. The memory
store's build computes every claim's trace once and keeps it, so finding a trace (this module
without :func:`compute`) needs neither NetworkX nor rdflib.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..core import vocab
from ..core.errors import AmbiguousClaim, ClaimNotFound
from .records import (AppearanceNode, AppearanceRecord, ArticleNode, AssessmentNode, ChainSource, CitationNode,
                      CitationRecord, ClaimNode, ClaimRecord, ContraindicationNode, CuratorEvidence, Distortions,
                      Explanation, NodeKind, Rel, SourceNode, SourceRecord, StatedContraindication, Strength,
                      TraceJSON, Verdict, node, predecessor, successors)

if TYPE_CHECKING:
    import networkx as nx

    from ..stores.base import Store

_BROKEN_LINK = {"does-not-support": "the source does not support the claim",
                "contradicts": "the source contradicts the claim"}
_COMPARED = 200  # characters of a query compared letter by letter (SequenceMatcher is quadratic)
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def fold(text: str) -> str:
    """Case-, whitespace- and quote-style-insensitive form used to match claims."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().casefold()


class ClaimIndex:
    """Claim ids with the text they can be found by: the statement and every quote."""

    def __init__(self, entries: Iterable[tuple[str, str, list[str]]]) -> None:
        self.entries = sorted(entries)
        self._folded = {cid: [fold(statement), *(fold(q) for q in quotes)]
                        for cid, statement, quotes in self.entries}
        self._statement = {cid: statement for cid, statement, _ in self.entries}

    def find(self, query: str) -> str:
        """Id of the one claim ``query`` designates (an id, or text of a statement or quote).

        Raises :class:`AmbiguousClaim` when several claims match and :class:`ClaimNotFound`
        (with the closest candidates) when none does.
        """
        wanted = fold(query)
        if wanted in self._statement:
            return wanted
        if not wanted:
            raise ClaimNotFound(query, [])
        exact = [cid for cid, texts in self._folded.items() if texts[0].rstrip(".") == wanted.rstrip(".")]
        if len(exact) == 1:
            return exact[0]
        matches = [cid for cid, texts in self._folded.items() if any(wanted in t for t in texts)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousClaim(query, [(cid, self._statement[cid]) for cid in matches])
        words = set(wanted.split())
        scored = sorted(((self._similarity(wanted[:_COMPARED], words, cid), cid) for cid in self._folded),
                        reverse=True)
        raise ClaimNotFound(query, [(cid, self._statement[cid]) for _, cid in scored[:5]])

    def _similarity(self, head: str, words: set[str], claim_id: str) -> float:
        """How close a query is to a claim's texts: the share of its ``words`` they hold, and the
        letters its ``head`` (first characters) shares with them."""
        best = 0.0
        for text in self._folded[claim_id]:
            overlap = len(words & set(text.split())) / max(len(words), 1)
            ratio = difflib.SequenceMatcher(None, head, text).ratio()
            best = max(best, 0.6 * overlap + 0.4 * ratio)
        return best


@dataclass
class Trace:
    """A traced claim; :mod:`lbpgraph.presentation.render` renders it as text or Markdown."""

    claim: ClaimRecord
    verdict: Verdict
    appearances: list[AppearanceRecord]
    curator_evidence: list[CuratorEvidence] = field(default_factory=list)
    contraindications: list[StatedContraindication] = field(default_factory=list)
    distortions: Distortions = field(default_factory=lambda: cast(Distortions, {}))
    explanation: list[Explanation] = field(default_factory=list)

    def to_json(self, explain: bool = True) -> TraceJSON:
        data: TraceJSON = {"claim": self.claim, "verdict": self.verdict, "appearances": self.appearances,
                           "curator_evidence": self.curator_evidence, "contraindications": self.contraindications,
                           "distortions": self.distortions}
        if explain:
            data["explanation"] = self.explanation
        return data

    @classmethod
    def from_json(cls, data: TraceJSON | dict[str, Any]) -> Trace:
        return cls(**data)


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
    """The citation chain from ``citation``: a DFS tree over links made for ``claim_id``."""
    import networkx as nx

    def keep(u: str, v: str) -> bool:
        rel = g.edges[u, v]["rel"]
        return rel == Rel.CITED or (rel == Rel.CITES and g.nodes[u]["kind"] == NodeKind.SOURCE
                                    and claim_id in g.nodes[v]["for_claims"])
    view = nx.subgraph_view(g, filter_edge=keep)
    # an explicit depth limit: without one NetworkX counts the view's nodes through the filter
    return nx.dfs_tree(view, citation, depth_limit=g.number_of_nodes())


def citation_record(g: nx.DiGraph, tree: nx.DiGraph, citation: str, claim_id: str) -> CitationRecord:
    """One citation of a chain, with the source it cites and, recursively, that source's own
    citations for the claim; ``dead_end`` says why the chain stops here, where it does."""
    c = node(g, citation, CitationNode)
    item = cast(CitationRecord, {key: c[key] for key in _CITATION_FIELDS})  # type: ignore[literal-required]
    item["data_on_claim"] = claim_id in c["data_on"]
    cited = list(tree.successors(citation))
    if not cited:
        item["source"] = None
        item["dead_end"] = "the attribution names no work"
        return item
    source = cited[0]
    onward = sorted(tree.successors(source), key=lambda n: g.nodes[n]["position"])
    item["source"] = cast(ChainSource, {**source_record(g, source),
                                        "citations": [citation_record(g, tree, n, claim_id) for n in onward]})
    if not node(g, source, SourceNode)["identified"]:
        item["dead_end"] = "unidentified source"
    elif c["fidelity"] in _BROKEN_LINK:
        item["dead_end"] = _BROKEN_LINK[c["fidelity"]]
    return item


def find_claim(store: Store, query: str) -> str:
    """The id of the claim ``query`` designates (see :meth:`ClaimIndex.find`), asking ``store``."""
    from ..rdf.sparql import sparql_prologue
    claim_ns = vocab.PREFIXES["claim"]
    wanted = fold(query)
    if vocab.ID_PATTERN.match(wanted) and store.select(  # an id: one cheap lookup (ids need no escaping)
            sparql_prologue() + f"SELECT ?t WHERE {{ <{claim_ns}{wanted}> a ?t . FILTER (?t = schema:Claim) }}"):
        return wanted
    rows = store.select(sparql_prologue() + """
        SELECT ?claim ?statement ?quote WHERE {
          ?claim a schema:Claim ; schema:text ?statement .
          OPTIONAL { ?claim schema:appearance/oa:hasTarget/oa:hasSelector/oa:exact ?quote }
        }""")
    entries: dict[str, tuple[str, list[str]]] = {}
    for claim, statement, quote in rows:
        entry = entries.setdefault(claim["value"][len(claim_ns):], (statement["value"], []))
        if quote is not None:
            entry[1].append(quote["value"])
    return ClaimIndex((cid, st, sorted(quotes)) for cid, (st, quotes) in entries.items()).find(query)


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
    return {"id": a["id"], "article": {"id": a["article"], "title": article["title"], "kind": article["article_kind"]},
            "quote": a["quote"], "start": a["start"], "end": a["end"], "speaker": a["speaker"],
            "hedging": a["hedging"], "basis": a["basis"], "appeal": a["appeal"], "flags": a["flags"],
            "draft": a["draft"], "citations": citations, "note": a["note"]}


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
