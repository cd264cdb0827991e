"""Trace a claim: where it is made, on what it rests, and where each citation chain ends.

The verdict comes from the derived facts of the graph (the rules of evidence); citation chains
are depth-first trees that NetworkX computes over the projection, restricted to the citations
each source makes for the claim being traced. The build computes every claim's trace once and
caches it, so finding and rendering a trace (this module without :func:`compute`) needs neither
NetworkX nor rdflib.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import vocab
from .errors import AmbiguousClaim, ClaimNotFound

if TYPE_CHECKING:
    import networkx as nx

    from .store import Store

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
    """A traced claim, ready to render as text, Markdown or JSON."""

    claim: dict[str, Any]
    verdict: dict[str, Any]
    appearances: list[dict[str, Any]]
    curator_evidence: list[dict[str, Any]] = field(default_factory=list)
    contraindications: list[dict[str, Any]] = field(default_factory=list)
    distortions: dict[str, Any] = field(default_factory=dict)
    explanation: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, explain: bool = True) -> dict[str, Any]:
        data = {"claim": self.claim, "verdict": self.verdict, "appearances": self.appearances,
                "curator_evidence": self.curator_evidence, "contraindications": self.contraindications,
                "distortions": self.distortions}
        if explain:
            data["explanation"] = self.explanation
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trace:
        return cls(**data)

    def to_text(self, explain: bool = False) -> str:
        from .render import trace_text
        return trace_text(self, explain)

    def to_markdown(self, explain: bool = False) -> str:
        from .render import trace_markdown
        return trace_markdown(self, explain)


def _successors(g: nx.DiGraph, node: str, rel: str) -> list[str]:
    return [v for v in g.successors(node) if g.edges[node, v]["rel"] == rel]


def claim_index(g: nx.DiGraph) -> ClaimIndex:
    """The index of every claim in a projection."""
    return ClaimIndex((d["id"], d["statement"], [g.nodes[a]["quote"] for a in _successors(g, n, "appearance")])
                      for n, d in g.nodes(data=True) if d["kind"] == "claim")


def _source(g: nx.DiGraph, source: str) -> dict[str, Any]:
    s = g.nodes[source]
    return {key: s[key] for key in (
        "id", "label", "title", "authors", "year", "venue", "doi", "pmid", "peer_reviewed", "design",
        "design_label", "cebm_level", "design_description", "sample_size", "sample_description",
        "population", "finding", "verification", "corrections", "identified", "curator_added")}


def chain_tree(g: nx.DiGraph, citation: str, claim_id: str) -> nx.DiGraph:
    """The citation chain from ``citation``: a DFS tree over links made for ``claim_id``."""
    import networkx as nx

    def keep(u: str, v: str) -> bool:
        rel = g.edges[u, v]["rel"]
        return rel == "cited" or (rel == "cites" and g.nodes[u]["kind"] == "source"
                                  and claim_id in g.nodes[v]["for_claims"])
    view = nx.subgraph_view(g, filter_edge=keep)
    # an explicit depth limit: without one NetworkX counts the view's nodes through the filter
    return nx.dfs_tree(view, citation, depth_limit=g.number_of_nodes())


def _citation(g: nx.DiGraph, tree: nx.DiGraph, citation: str, claim_id: str) -> dict[str, Any]:
    c = g.nodes[citation]
    item = {key: c[key] for key in ("id", "position", "marker", "mode", "relation", "fidelity",
                                    "stance", "confidence", "as_printed", "note")}
    item["data_on_claim"] = claim_id in c["data_on"]
    cited = list(tree.successors(citation))
    if not cited:
        item["source"] = None
        item["dead_end"] = "the attribution names no work"
        return item
    source = cited[0]
    item["source"] = _source(g, source)
    onward = sorted(tree.successors(source), key=lambda n: g.nodes[n]["position"])
    item["source"]["citations"] = [_citation(g, tree, n, claim_id) for n in onward]
    if not g.nodes[source]["identified"]:
        item["dead_end"] = "unidentified source"
    elif c["fidelity"] in _BROKEN_LINK:
        item["dead_end"] = _BROKEN_LINK[c["fidelity"]]
    return item


def find_claim(store: Store, query: str) -> str:
    """The id of the claim ``query`` designates (see :meth:`ClaimIndex.find`), asking ``store``."""
    from .rules import sparql_prologue
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


def trace(g: nx.DiGraph, query: str) -> Trace:
    """Trace the claim ``query`` designates (see :meth:`ClaimIndex.find`) in a projection."""
    return compute(g, claim_index(g).find(query))


def article_json(d: dict[str, Any]) -> dict[str, Any]:
    """Where an article lives, as its projection node knows it: absent values are None."""
    def text(value: Any) -> str | None:
        return None if value is None else str(value)  # an xsd:date is a datetime.date
    return {"id": d["id"], "title": d["title"], "kind": d["article_kind"], "url": d.get("url"),
            "site": d.get("site"), "publisher": d.get("publisher"), "authors": d.get("authors", []),
            "published": text(d.get("published")), "accessed": text(d.get("accessed"))}


def compute(g: nx.DiGraph, claim_id: str) -> Trace:
    """The trace of one claim, computed with NetworkX over the projection ``g``."""
    claim = vocab.PREFIXES["claim"] + claim_id
    c = g.nodes[claim]
    strength = None
    if c["strength"]:
        term = vocab.DESIGNS.term(c["strength"])
        strength = {"design": term.notation, "label": term.label, "cebm_level": term.cebm_level}
    verdict = {"peer_reviewed_support": c["peer_reviewed_support"], "certainty": c["certainty"],
               **certainty_reasons(g, claim), "basis": c["basis"], "strength": strength, "flags": c["flags"]}
    appearances = []
    for app in sorted(_successors(g, claim, "appearance"),
                      key=lambda a: (g.nodes[a]["article"], g.nodes[a]["start"])):
        a = g.nodes[app]
        article = next(u for u in g.predecessors(app) if g.edges[u, app]["rel"] == "contains")
        citations = []
        for cit in sorted(_successors(g, app, "cites"), key=lambda n: g.nodes[n]["position"]):
            citations.append(_citation(g, chain_tree(g, cit, c["id"]), cit, c["id"]))
        appearances.append({
            "id": a["id"], "article": article_json(g.nodes[article]),
            "quote": a["quote"], "start": a["start"], "end": a["end"], "speaker": a["speaker"],
            "hedging": a["hedging"], "basis": a["basis"], "appeal": a["appeal"], "flags": a["flags"],
            "draft": a["draft"], "citations": citations, "note": a["note"]})
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
    app_nodes = sorted(_successors(g, claim, "appearance"))
    return Trace(
        claim={"id": c["id"], "statement": c["statement"], "kind": c["claim_kind"],
               "interventions": c["interventions"], "conditions": c["conditions"],
               "mechanisms": c["mechanisms"],
               "outcome": c["outcome"], "population": c["population"], "note": c["note"]},
        verdict=verdict, appearances=appearances, curator_evidence=evidence,
        contraindications=contraindications,
        distortions=distortions(g, app_nodes, appearances),
        explanation=explanation(g, claim, app_nodes))


# --- why: the rules and premises behind a verdict ---------------------------------------------

def certainty_reasons(g: nx.DiGraph, claim: str) -> dict[str, list[dict[str, Any]]]:
    """``certainty_from``: the ratings (one per peer-reviewed source) the claim's certainty comes
    from, with where each starts; ``certainty_reasons``: each downgrade of those ratings, with
    the rule that made it and its premises."""
    rules = g.graph.get("rules", {})
    ratings = sorted(g.nodes[claim]["certainty_from"], key=lambda r: r["source"])
    origin, reasons = [], []
    for r in ratings:
        source = g.nodes[r["source"]] if r["source"] in g else {"id": r["source"], "label": r["source"]}
        origin.append({"source": source["id"], "label": source["label"], "design": source.get("design"),
                       "start": r["start"], "certainty": r["certainty"]})
        for step in r["downgrades"]:
            for why in step["reasons"]:
                rule = rules.get(why["rule"], {})
                reasons.append({"source": source["id"], "concern": step["concern"], "levels": step["levels"],
                                "reason": why["reason"], "rule": why["rule"], "rule_file": rule.get("file"),
                                "premises": [premise(g, p) for p in why["premises"] if p != claim]})
    return {"certainty_from": origin, "certainty_reasons": reasons}


_INDIRECT_RULES = {"flag-indirect-intervention": "intervention", "flag-indirect-population": "population",
                   "flag-indirect-outcome": "outcome"}


def premise(g: nx.DiGraph, iri: str) -> dict[str, str]:
    """A premise of a derivation: its kind, id and the facts about it that rules read."""
    if iri not in g:
        prefix = next((p for p, ns in vocab.PREFIXES.items() if iri.startswith(ns) and p != "lbp"), None)
        if prefix == "rating":  # claim.source: ids hold no '.'
            claim_id, _, source_id = iri[len(vocab.PREFIXES[prefix]):].partition(".")
            return {"kind": "rating", "id": f"{claim_id}.{source_id}",
                    "text": f"the rating of {source_id}'s data for claim {claim_id}"}
        return {"kind": prefix or "resource", "id": iri[len(vocab.PREFIXES[prefix]):] if prefix else iri,
                "text": iri[len(vocab.PREFIXES[prefix]):] if prefix else iri}
    d = g.nodes[iri]
    kind = d["kind"]
    if kind == "citation":
        parts = [d["marker"] or d["mode"], f"mode {d['mode']}", f"fidelity {d['fidelity']}" if d["fidelity"] else "",
                 f"stance {d['stance']}" if d["stance"] else "",
                 f"identified with {d['confidence']} confidence" if d["confidence"] != "certain" else ""]
        text = "; ".join(p for p in parts if p)
    elif kind == "source":
        text = " · ".join(p for p in (d["label"], d["design_label"], f"n={d['sample_size']}" if d["sample_size"] else "",
                                      f"peer review {d['peer_reviewed']}", d["population"] or "") if p)
    elif kind == "claim":
        text = d["statement"]
    elif kind == "appearance":
        text = f"{d['hedging']}: {d['quote']}"
    elif kind == "concept":
        text = f"{d['scheme']} {d['label']}"
    elif kind == "article":
        text = d["title"]
    elif kind == "offer":
        text = f"sells {d['name']}"
    else:
        text = d.get("id", iri)
    return {"kind": kind, "id": d.get("id", iri), "text": text}


def explanation(g: nx.DiGraph, claim: str, app_nodes: list[str]) -> list[dict[str, Any]]:
    """For each part of the verdict, the rule that decided it and the facts it used."""
    rules = g.graph.get("rules", {})

    def entry(part: str, value: str, appearance: str | None, d: dict[str, Any]) -> dict[str, Any]:
        rule = rules.get(d["rule"], {})
        return {"part": part, "value": value, "appearance": appearance, "rule": d["rule"],
                "rule_file": rule.get("file"), "because": rule.get("description"),
                "premises": [premise(g, p) for p in d["premises"] if p != claim]}

    out = []
    c = g.nodes[claim]
    supporting = [g.nodes[a]["id"] for a in app_nodes if g.nodes[a]["basis"] == "peer-reviewed"]
    out.append({"part": "peer_reviewed_support", "value": "yes" if supporting else "no", "appearance": None,
                "rule": "claim-peer-reviewed-support",
                "rule_file": rules.get("claim-peer-reviewed-support", {}).get("file"),
                "because": rules.get("claim-peer-reviewed-support", {}).get("description"),
                "premises": [premise(g, a) for a in app_nodes if g.nodes[a]["basis"] == "peer-reviewed"]})
    for d in c["why"]:
        if d["property"] == "strength":
            out.append(entry("strength", vocab.DESIGNS.notation_of(d["value"]), None, d))
    for a in app_nodes:
        node = g.nodes[a]
        for d in node["why"]:
            value = d["value"]
            if d["property"] == "candidateBasis" and vocab.BASES.notation_of(value) == node["basis"]:
                out.append(entry("basis", node["basis"], node["id"], d))
            elif d["property"] == "peerReviewedSupportFrom":
                out.append(entry("basis", "peer-reviewed", node["id"], d))
            elif d["property"] == "basis" and node["basis"] == "unsupported":
                d = {**d, "premises": [n for n in g.successors(a) if g.nodes[n]["kind"] == "citation"]}
                out.append(entry("basis", "unsupported", node["id"], d))
            elif d["property"] == "flag":
                out.append(entry("flag", vocab.FLAGS.notation_of(value), node["id"], d))
    for d in c["why"]:
        if d["property"] == "certainty":
            out.append(entry("certainty", vocab.CERTAINTY.notation_of(d["value"]), None, d))
    for r in certainty_reasons(g, claim)["certainty_reasons"]:
        rule = rules.get(r["rule"], {})
        out.append({"part": "certainty", "value": f"{r['concern']} -{r['levels']}: {r['reason']}",
                    "appearance": None, "rule": r["rule"], "rule_file": r["rule_file"],
                    "because": rule.get("description"), "premises": r["premises"]})
    parts = ("peer_reviewed_support", "certainty", "strength", "basis", "flag")
    overall = set(vocab.CERTAINTY.notations)  # the certainty itself before its reasons
    return sorted(out, key=lambda e: (parts.index(e["part"]), e["appearance"] or "", e["value"] not in overall,
                                      e["value"], e["rule"] or ""))


def _chain_links(citations: list[dict[str, Any]], appearance: str, path: tuple[str, ...] = ()
                 ) -> Iterable[tuple[str, tuple[str, ...], dict[str, Any]]]:
    """(appearance, path of source labels, citation) for every citation along the chains."""
    for cit in citations:
        yield appearance, path, cit
        if cit["source"] is not None:
            yield from _chain_links(cit["source"]["citations"], appearance, (*path, cit["source"]["label"]))


def distortions(g: nx.DiGraph, app_nodes: list[str], appearances: list[dict[str, Any]]) -> dict[str, Any]:
    """Citation distortions after Greenberg (BMJ 2009): amplification, transmutation, dead ends,
    diversion, and works the article only consulted offered as if they were its evidence."""
    links = [link for a in appearances for link in _chain_links(a["citations"], a["id"])]
    primary = sorted({cit["source"]["id"] for _, _, cit in links
                      if cit["source"] and cit["fidelity"] in vocab.SUPPORTING_FIDELITY and cit["data_on_claim"]})
    dead_ends = [{"appearance": a, "path": [*path, (cit["source"] or {}).get("label", "no work named")],
                  "reason": cit["dead_end"]} for a, path, cit in links if cit.get("dead_end")]
    by_rule: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for a in app_nodes:
        for d in g.nodes[a]["why"]:
            by_rule.setdefault(d["rule"], []).append((g.nodes[a]["id"], d))

    def sources_in(d: dict[str, Any]) -> list[str]:
        return [g.nodes[p]["label"] for p in d["premises"] if p in g and g.nodes[p]["kind"] == "source"]

    def citations_in(d: dict[str, Any]) -> list[dict[str, Any]]:
        return [g.nodes[p] for p in d["premises"] if p in g and g.nodes[p]["kind"] == "citation"]

    transmutation = [{"appearance": a, "source_stance": cit["stance"], "citation": cit["marker"] or cit["mode"]}
                     for a, d in by_rule.get("flag-overstated", []) for cit in citations_in(d)]
    diversion = [{"appearance": a, "dimension": dim, "sources": sources_in(d)}
                 for rule, dim in _INDIRECT_RULES.items() for a, d in by_rule.get(rule, [])]
    consulted = [{"appearance": a, "sources": sources_in(d)} for a, d in by_rule.get("flag-consulted-not-cited", [])]
    n = len(appearances)
    return {
        "amplification": {"appearances": n, "citing_appearances": sum(1 for a in appearances if a["citations"]),
                          "citations": len(links), "primary_sources": primary,
                          "summary": f"{n} appearance{'s rest' if n != 1 else ' rests'} on "
                                     f"{len(primary) or 'no'} data-bearing primary source{'s' * (len(primary) != 1)}"},
        "transmutation": transmutation, "dead_ends": dead_ends, "diversion": diversion,
        "consulted_as_evidence": consulted,
    }

