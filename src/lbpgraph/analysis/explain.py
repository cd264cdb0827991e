"""Why a verdict is what it is: the rule behind each part of it and the facts that rule used.

Every derived fact carries its derivation (:class:`~.records.Why`: the rule and the premises,
as IRIs); :func:`explanation` turns those of a claim and its appearances into one entry per part
of the verdict, and :func:`premise` says in words what each premise is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core import vocab
from .records import (CertaintyOrigin, CertaintyReason, ClaimNode, Explanation, NodeKind, Premise, RuleRecord, Why,
                      node)

if TYPE_CHECKING:
    import networkx as nx

PARTS = ("peer_reviewed_support", "certainty", "strength", "basis", "flag")  # the order of an explanation
_SUPPORT_RULE = "claim-peer-reviewed-support"


def _rules(g: nx.DiGraph) -> dict[str, RuleRecord]:
    return g.graph.get("rules", {})  # type: ignore[no-any-return]


def certainty_reasons(g: nx.DiGraph, claim: str) -> tuple[list[CertaintyOrigin], list[CertaintyReason]]:
    """The ratings (one per peer-reviewed source) the claim's certainty comes from, with where
    each starts; and each downgrade of those ratings, with the rule that made it and its premises."""
    rules = _rules(g)
    origin: list[CertaintyOrigin] = []
    reasons: list[CertaintyReason] = []
    for r in sorted(node(g, claim, ClaimNode)["certainty_from"], key=lambda r: r["source"]):
        source = g.nodes[r["source"]] if r["source"] in g else {"id": r["source"], "label": r["source"]}
        origin.append({"source": source["id"], "label": source["label"], "design": source.get("design"),
                       "verification": source.get("verification"), "start": r["start"], "certainty": r["certainty"]})
        for step in r["downgrades"]:
            for why in step["reasons"]:
                rule = rules.get(why["rule"] or "", {})
                reasons.append({"source": source["id"], "concern": step["concern"], "levels": step["levels"],
                                "reason": why["reason"], "rule": why["rule"], "rule_file": rule.get("file"),
                                "premises": [premise(g, p) for p in why["premises"] if p != claim]})
    return origin, reasons


def downgrades(reasons: list[CertaintyReason]) -> list[tuple[str, str, int, list[str]]]:
    """The downgrades of :func:`certainty_reasons` as a reader counts them: one per rated source
    and concern, with its levels and every reason for it (GRADE rates a concern down once,
    however many reasons it has)."""
    steps: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for r in reasons:
        steps.setdefault((r["source"], r["concern"] or ""), (r["levels"], []))[1].append(r["reason"])
    return [(source, concern, levels, why) for (source, concern), (levels, why) in steps.items()]


def _citation_text(d: Any) -> str:
    parts = [d["marker"] or d["mode"], f"mode {d['mode']}", f"fidelity {d['fidelity']}" if d["fidelity"] else "",
             f"stance {d['stance']}" if d["stance"] else "",
             f"identified with {d['confidence']} confidence" if d["confidence"] != "certain" else ""]
    return "; ".join(p for p in parts if p)


def _source_text(d: Any) -> str:
    return " · ".join(p for p in (d["label"], d["design_label"], f"n={d['sample_size']}" if d["sample_size"] else "",
                                  f"peer review {d['peer_reviewed']}", d["population"] or "") if p)


#: What a premise of each kind is, in words: the facts about it that the rules read.
_PREMISE_TEXT: dict[str, Callable[[Any], str]] = {
    NodeKind.CITATION: _citation_text,
    NodeKind.SOURCE: _source_text,
    NodeKind.CLAIM: lambda d: d["statement"],
    NodeKind.APPEARANCE: lambda d: f"{d['hedging']}: {d['quote']}",
    NodeKind.CONCEPT: lambda d: f"{d['scheme']} {d['label']}",
    NodeKind.ARTICLE: lambda d: d["title"],
    NodeKind.OFFER: lambda d: f"sells {d['name']}",
}


def premise(g: nx.DiGraph, iri: str) -> Premise:
    """A premise of a derivation: its kind, id and the facts about it that rules read."""
    if iri not in g:
        return _outside(iri)
    d = g.nodes[iri]
    text = _PREMISE_TEXT.get(d["kind"], lambda d: d.get("id", iri))(d)
    return {"kind": d["kind"], "id": d.get("id", iri), "text": text}


def _outside(iri: str) -> Premise:
    """A premise the projection does not hold (a rating, a downgrade): named by its IRI."""
    prefix = next((p for p, ns in vocab.PREFIXES.items() if iri.startswith(ns) and p != "lbp"), None)
    if prefix == "rating":  # claim.source: ids hold no '.'
        claim_id, _, source_id = iri[len(vocab.PREFIXES[prefix]):].partition(".")
        return {"kind": "rating", "id": f"{claim_id}.{source_id}",
                "text": f"the rating of {source_id}'s data for claim {claim_id}"}
    local = iri[len(vocab.PREFIXES[prefix]):] if prefix else iri
    return {"kind": prefix or "resource", "id": local, "text": local}


def explanation(g: nx.DiGraph, claim: str, app_nodes: list[str]) -> list[Explanation]:
    """For each part of the verdict, the rule that decided it and the facts it used."""
    c = node(g, claim, ClaimNode)
    out = [_support(g, app_nodes)]
    out += [_entry(g, claim, "strength", vocab.DESIGNS.notation_of(d["value"]), None, d)
            for d in c["why"] if d["property"] == "strength"]
    for a in app_nodes:
        out += _appearance_entries(g, claim, a)
    out += [_entry(g, claim, "certainty", vocab.CERTAINTY.notation_of(d["value"]), None, d)
            for d in c["why"] if d["property"] == "certainty"]
    rules = _rules(g)
    out += [{"part": "certainty", "value": f"{r['concern']} -{r['levels']}: {r['reason']}", "appearance": None,
             "rule": r["rule"], "rule_file": r["rule_file"],
             "because": rules.get(r["rule"] or "", {}).get("description"), "premises": r["premises"]}
            for r in certainty_reasons(g, claim)[1]]
    overall = set(vocab.CERTAINTY.notations)  # the certainty itself before its reasons
    return sorted(out, key=lambda e: (PARTS.index(e["part"]), e["appearance"] or "", e["value"] not in overall,
                                      e["value"], e["rule"] or ""))


def _entry(g: nx.DiGraph, claim: str, part: str, value: str, appearance: str | None, d: Why) -> Explanation:
    rule = _rules(g).get(d["rule"], {})
    return {"part": part, "value": value, "appearance": appearance, "rule": d["rule"],
            "rule_file": rule.get("file"), "because": rule.get("description"),
            "premises": [premise(g, p) for p in d["premises"] if p != claim]}


def _support(g: nx.DiGraph, app_nodes: list[str]) -> Explanation:
    """Peer-reviewed support: yes when an appearance has basis peer-reviewed (those are its premises)."""
    supporting = [a for a in app_nodes if g.nodes[a]["basis"] == "peer-reviewed"]
    rule = _rules(g).get(_SUPPORT_RULE, {})
    return {"part": "peer_reviewed_support", "value": "yes" if supporting else "no", "appearance": None,
            "rule": _SUPPORT_RULE, "rule_file": rule.get("file"), "because": rule.get("description"),
            "premises": [premise(g, a) for a in supporting]}


def _appearance_entries(g: nx.DiGraph, claim: str, a: str) -> list[Explanation]:
    """The basis of one appearance (the rule that chose it) and each of its flags."""
    d = g.nodes[a]
    out = []
    for why in d["why"]:
        value = why["value"]
        if why["property"] == "candidateBasis" and vocab.BASES.notation_of(value) == d["basis"]:
            out.append(_entry(g, claim, "basis", d["basis"], d["id"], why))
        elif why["property"] == "peerReviewedSupportFrom":
            out.append(_entry(g, claim, "basis", "peer-reviewed", d["id"], why))
        elif why["property"] == "basis" and d["basis"] == "unsupported":
            cited: Why = {**why, "premises": [n for n in g.successors(a) if g.nodes[n]["kind"] == NodeKind.CITATION]}
            out.append(_entry(g, claim, "basis", "unsupported", d["id"], cited))
        elif why["property"] == "flag":
            out.append(_entry(g, claim, "flag", vocab.FLAGS.notation_of(value), d["id"], why))
    return out
