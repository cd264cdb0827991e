"""Projections built by hand, node by node, for tests with exact expected answers.

Each node gets the full record of its kind (lbpgraph.analysis.records) with neutral defaults;
a test names only what it is about. Ids are short (``c``, ``a1``, ``s2``) and the IRIs follow
lbpgraph's namespaces, as the real projection's do.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from lbpgraph.analysis.records import NodeKind, Rel
from lbpgraph.core import vocab

ID = vocab.PREFIXES


def iri(prefix: str, local: str) -> str:
    return ID[prefix] + local


class Projection:
    """A small projection: add nodes and edges by id; ``g`` is the NetworkX graph."""

    def __init__(self) -> None:
        self.g = nx.DiGraph()
        self.g.graph["rules"] = {}

    def rule(self, name: str, description: str = "") -> None:
        self.g.graph["rules"][name] = {"description": description or f"rule {name}", "file": f"rules/0-{name}.rq",
                                       "order": 0}

    def article(self, aid: str, title: str = "", **record: Any) -> str:
        node = iri("article", aid)
        self.g.add_node(node, **{"kind": NodeKind.ARTICLE, "id": aid, "title": title or f"Article {aid}",
                                 "article_kind": "personal-blog", "published": None, "url": None, "publisher": None,
                                 "site": None, "authors": [], "accessed": None, "sentences": 10,
                                 "accounted": 10, "commercial_interest": [], **record})
        return node

    def claim(self, cid: str, **record: Any) -> str:
        node = iri("claim", cid)
        self.g.add_node(node, **{"kind": NodeKind.CLAIM, "id": cid, "statement": f"Claim {cid}.",
                                 "claim_kind": "efficacy", "interventions": [], "mechanisms": [], "conditions": [],
                                 "outcome": None, "population": None, "peer_reviewed_support": False, "basis": [],
                                 "strength": None, "flags": [], "certainty": "none", "certainty_from": [],
                                 "note": None, "why": [], **record})
        return node

    def appearance(self, claim: str, article: str, local: str, start: int = 0, **record: Any) -> str:
        node = iri("appearance", f"{self.g.nodes[article]['id']}.{local}")
        self.g.add_node(node, **{"kind": NodeKind.APPEARANCE, "id": f"{self.g.nodes[article]['id']}.{local}",
                                 "article": self.g.nodes[article]["id"], "quote": f"quote {local}", "start": start,
                                 "end": start + 10,
                                 "speaker": {"name": None, "anonymous": True, "role": "author", "credentials": None,
                                             "commercial_interest": []},
                                 "hedging": "certain", "appeal": [], "basis": "unsupported", "flags": [],
                                 "note": None, "why": [], "draft": False, **record})
        self.g.add_edge(claim, node, rel=Rel.APPEARANCE)
        self.g.add_edge(article, node, rel=Rel.CONTAINS)
        return node

    def source(self, sid: str, **record: Any) -> str:
        node = iri("source", sid)
        self.g.add_node(node, **{"kind": NodeKind.SOURCE, "id": sid, "label": f"Source {sid}", "title": None,
                                 "authors": None, "year": None, "venue": None, "volume": None, "issue": None,
                                 "pages": None, "doi": None, "pmid": None, "peer_reviewed": "yes",
                                 "design": "randomised-controlled-trial",
                                 "design_label": "randomised controlled trial", "cebm_level": 2,
                                 "design_description": None, "sample_size": None, "sample_description": None,
                                 "population": None, "finding": None, "verification": "verified", "verified_at": [],
                                 "corrections": [], "identified": True, "curator_added": False, "note": None,
                                 **record})
        return node

    def cite(self, citing: str, local: str, cited: str | None, claims: list[str], position: int = 1,
             **record: Any) -> str:
        """A citation ``local`` that ``citing`` (an appearance or a source) makes for ``claims`` (ids)."""
        node = iri("citation", local)
        self.g.add_node(node, **{"kind": NodeKind.CITATION, "id": local, "position": position,
                                 "marker": f"({position})", "mode": "in-text-marker", "relation": "citesAsEvidence",
                                 "fidelity": "supports", "stance": "finding", "confidence": "certain",
                                 "as_printed": None, "for_claims": claims, "data_on": [], "note": None, **record})
        self.g.add_edge(citing, node, rel=Rel.CITES)
        if cited is not None:
            self.g.add_edge(node, cited, rel=Rel.CITED)
        return node

    def supported_by(self, appearance: str, source: str) -> None:
        self.g.add_edge(appearance, source, rel=Rel.SUPPORTED_BY)

    def assess(self, claim: str, source: str, fidelity: str = "supports", note: str = "a note") -> str:
        node = iri("assessment", f"{self.g.nodes[claim]['id']}.{self.g.nodes[source]['id']}")
        self.g.add_node(node, kind=NodeKind.ASSESSMENT, id=node.rsplit("/", 1)[1], fidelity=fidelity, note=note)
        self.g.add_edge(claim, node, rel=Rel.ASSESSED)
        self.g.add_edge(node, source, rel=Rel.EVIDENCE)
        return node


def why(prop: str, value: str, rule: str, premises: list[str]) -> dict[str, Any]:
    """A derivation record, as the projection keeps them on a node."""
    return {"property": prop, "value": value, "rule": rule, "premises": premises}
