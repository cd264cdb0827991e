"""Trace, chains and explanations on small projections built by hand, with exact answers.

As networkx tests its algorithms on five-node graphs, these pin what each function computes;
tests/test_trace.py checks the same functions on the real corpus.

The graph of most tests (``chains``)::

    article 000 ── contains ──> appearance 000.a2 (start 1) ── cites ──> x2 ── (no work named)
                └─ contains ──> appearance 000.a1 (start 5) ── cites ──> x1 ──> s1
    claim c ── appearance ──> both                        s1 ── cites ──> y1 (for c) ──> s2
                                                          s1 ── cites ──> y2 (for d) ──> s3
                                                          s2 ── cites ──> z1 (for c) ──> s4 (unidentified)
"""

from __future__ import annotations

import pytest

from lbpgraph.analysis.explain import explanation, premise
from lbpgraph.analysis.chains import chain_tree, citation_record, compute
from lbpgraph.core import vocab

from .small_graphs import Projection, iri, why


@pytest.fixture
def chains() -> Projection:
    p = Projection()
    article = p.article("000", "Walking backwards")
    c = p.claim("c")
    p.claim("d")
    a1 = p.appearance(c, article, "a1", start=5)
    a2 = p.appearance(c, article, "a2", start=1)
    s1, s2, s3 = p.source("s1"), p.source("s2"), p.source("s3")
    s4 = p.source("s4", identified=False, peer_reviewed="unknown", design=None, design_label=None, cebm_level=None)
    p.cite(a1, "x1", s1, ["c"], data_on=["c"], stance="hypothesis")
    p.cite(a2, "x2", None, ["c"], mode="vague", marker=None, fidelity="unverified", stance=None)
    p.cite(s1, "y1", s2, ["c"])
    p.cite(s1, "y2", s3, ["d"], position=2)
    p.cite(s2, "z1", s4, ["c"], fidelity="unverified", stance=None)
    return p


def test_chain_tree_follows_only_the_citations_made_for_the_claim(chains: Projection) -> None:
    tree = chain_tree(chains.g, iri("citation", "x1"), "c")
    names = {n: n.rsplit("/", 1)[1] for n in tree}
    assert sorted(names.values()) == ["s1", "s2", "s4", "x1", "y1", "z1"]  # not y2 -> s3: made for claim d
    assert sorted((names[u], names[v]) for u, v in tree.edges) == [
        ("s1", "y1"), ("s2", "z1"), ("x1", "s1"), ("y1", "s2"), ("z1", "s4")]
    assert sorted(n.rsplit("/", 1)[1] for n in chain_tree(chains.g, iri("citation", "x1"), "d")) == [
        "s1", "s3", "x1", "y2"]


def test_a_citation_record_nests_the_chain_and_says_where_it_ends(chains: Projection) -> None:
    g = chains.g
    record = citation_record(g, chain_tree(g, iri("citation", "x1"), "c"), iri("citation", "x1"), "c")
    assert (record["id"], record["stance"], record["data_on_claim"], "dead_end" in record) == (
        "x1", "hypothesis", True, False)
    s1 = record["source"]
    assert s1 is not None and s1["id"] == "s1" and [y["id"] for y in s1["citations"]] == ["y1"]
    z1 = s1["citations"][0]["source"]["citations"][0]
    assert (z1["id"], z1["source"]["id"], z1["dead_end"]) == ("z1", "s4", "unidentified source")
    nothing = citation_record(g, chain_tree(g, iri("citation", "x2"), "c"), iri("citation", "x2"), "c")
    assert (nothing["source"], nothing["dead_end"]) == (None, "the attribution names no work")


@pytest.mark.parametrize(("fidelity", "dead_end"), [("does-not-support", "the source does not support the claim"),
                                                     ("contradicts", "the source contradicts the claim"),
                                                     ("partially-supports", None), ("unverified", None)])
def test_a_link_the_source_does_not_hold_is_a_dead_end(fidelity: str, dead_end: str | None) -> None:
    p = Projection()
    article, c = p.article("000"), p.claim("c")
    cit = p.cite(p.appearance(c, article, "a"), "x", p.source("s"), ["c"], fidelity=fidelity)
    assert citation_record(p.g, chain_tree(p.g, cit, "c"), cit, "c").get("dead_end") == dead_end


def test_a_source_met_again_on_a_chain_is_no_dead_end() -> None:
    """s1 cites s2 and s3; s2 cites s1 back (a cycle) and s3 (met twice): each link names its
    source, whose citations are traced once; the others say why they stop, and none is a dead end."""
    p = Projection()
    article, c = p.article("000"), p.claim("c")
    s1, s2, s3 = p.source("s1"), p.source("s2"), p.source("s3")
    x = p.cite(p.appearance(c, article, "a"), "x", s1, ["c"])
    p.cite(s1, "y1", s2, ["c"])
    p.cite(s1, "y2", s3, ["c"], position=2)
    p.cite(s2, "z1", s1, ["c"])
    p.cite(s2, "z2", s3, ["c"], position=2)
    p.cite(s3, "w1", p.source("s4"), ["c"])
    record = citation_record(p.g, chain_tree(p.g, x, "c"), x, "c")
    y1, y2 = record["source"]["citations"]
    z1, z2 = y1["source"]["citations"]
    assert [(r["id"], r["source"]["id"], len(r["source"]["citations"]), r.get("repeat")) for r in (z1, z2, y2)] == [
        ("z1", "s1", 0, "cycle: cites a source already on this chain"), ("z2", "s3", 1, None),
        ("y2", "s3", 0, "cites a source traced elsewhere in this chain")]
    assert compute(p.g, "c").distortions["dead_ends"] == []


def test_compute_orders_appearances_by_article_and_place_and_evidence_by_strength(chains: Projection) -> None:
    p = chains
    c = iri("claim", "c")
    p.assess(c, p.source("rct2010", year=2010, curator_added=True))
    p.assess(c, p.source("review2000", year=2000, design="systematic-review", design_label="systematic review",
                         cebm_level=1, curator_added=True))
    p.assess(c, p.source("rct2020", year=2020, curator_added=True))
    t = compute(p.g, "c")
    assert [a["id"] for a in t.appearances] == ["000.a2", "000.a1"]
    assert t.appearances[0]["article"] == {"id": "000", "title": "Walking backwards", "kind": "personal-blog",
                                           "url": None, "site": None, "publisher": None, "authors": [],
                                           "published": None, "accessed": None}  # unknown stays None
    assert [e["source"]["id"] for e in t.curator_evidence] == ["review2000", "rct2020", "rct2010"]
    assert t.verdict == {"peer_reviewed_support": False, "certainty": "none", "certainty_from": [],
                         "certainty_reasons": [], "basis": [], "strength": None, "flags": []}
    assert t.claim["id"] == "c" and t.contraindications == []


def test_premises_say_what_each_kind_of_node_is(chains: Projection) -> None:
    g = chains.g
    assert premise(g, iri("citation", "x1")) == {"kind": "citation", "id": "x1",
                                                 "text": "(1); mode in-text-marker; fidelity supports; stance hypothesis"}
    assert premise(g, iri("source", "s1")) == {
        "kind": "source", "id": "s1", "text": "Source s1 · randomised controlled trial · peer review yes"}
    assert premise(g, iri("claim", "c")) == {"kind": "claim", "id": "c", "text": "Claim c."}
    assert premise(g, iri("appearance", "000.a1")) == {"kind": "appearance", "id": "000.a1",
                                                       "text": "certain: quote a1"}
    assert premise(g, iri("rating", "c.s1")) == {"kind": "rating", "id": "c.s1",
                                                 "text": "the rating of s1's data for claim c"}
    assert premise(g, "urn:x:elsewhere") == {"kind": "resource", "id": "urn:x:elsewhere", "text": "urn:x:elsewhere"}


def test_the_explanation_lists_support_then_basis_then_flags_with_their_premises(chains: Projection) -> None:
    p = chains
    g = p.g
    for rule in ("claim-peer-reviewed-support", "basis-peer-reviewed", "flag-overstated"):
        p.rule(rule)
    a1, a2 = iri("appearance", "000.a1"), iri("appearance", "000.a2")
    g.nodes[a1]["basis"] = "peer-reviewed"
    g.nodes[a1]["why"] = [
        why("flag", vocab.FLAGS.iri("overstated"), "flag-overstated", [iri("citation", "x1"), iri("claim", "c")]),
        why("peerReviewedSupportFrom", iri("source", "s1"), "basis-peer-reviewed", [iri("citation", "x1")])]
    entries = explanation(g, iri("claim", "c"), [a1, a2])
    assert [(e["part"], e["value"], e["appearance"], e["rule"]) for e in entries] == [
        ("peer_reviewed_support", "yes", None, "claim-peer-reviewed-support"),
        ("basis", "peer-reviewed", "000.a1", "basis-peer-reviewed"),
        ("flag", "overstated", "000.a1", "flag-overstated")]
    assert [pr["id"] for pr in entries[0]["premises"]] == ["000.a1"]
    assert [pr["id"] for pr in entries[2]["premises"]] == ["x1"]  # the claim itself is no premise
    assert entries[2]["rule_file"] == "rules/0-flag-overstated.rq"
