"""Citation distortions, graph metrics and counts on small projections built by hand, with exact answers.

The corpus-wide checks of the same functions are in tests/test_reasoning.py (distortions),
tests/test_report.py (metrics) and tests/test_stats.py (counts).
"""

from __future__ import annotations

from lbpgraph.analysis.distortions import distortions
from lbpgraph.analysis.metrics import fragile_claims, longest_chains, source_reliance
from lbpgraph.analysis.stats import stats
from lbpgraph.analysis.chains import compute
from lbpgraph.core import vocab

from .small_graphs import Projection, iri, why


def _two_appearances() -> Projection:
    """Claim c in article 000: a1 cites s1 (data on c), which cites s2, which cites an unidentified
    s3; a2 names no work. Claim d in article 001 cites s1 and s4."""
    p = Projection()
    first, second = p.article("000"), p.article("001")
    c, d = p.claim("c", peer_reviewed_support=True), p.claim("d", peer_reviewed_support=True)
    s1, s2, s4 = p.source("s1"), p.source("s2"), p.source("s4")
    s3 = p.source("s3", identified=False)
    a1, a2 = p.appearance(c, first, "a1", start=1), p.appearance(c, first, "a2", start=9)
    p.cite(a1, "x1", s1, ["c"], data_on=["c"])
    p.cite(s1, "y1", s2, ["c", "d"])
    p.cite(s2, "z1", s3, ["c"], fidelity="unverified", stance=None)
    p.cite(a2, "x2", None, ["c"], mode="vague", marker=None, fidelity="unverified", stance=None)
    b1 = p.appearance(d, second, "b1")
    p.cite(b1, "w1", s1, ["d"], data_on=["d"])
    p.cite(b1, "w2", s4, ["d"], position=2, data_on=["d"])
    p.supported_by(a1, s1)
    p.supported_by(b1, s1)
    p.supported_by(b1, s4)
    return p


def test_amplification_and_dead_ends_follow_every_chain() -> None:
    p = _two_appearances()
    t = compute(p.g, "c")
    found = t.distortions
    assert found["amplification"] == {"appearances": 2, "citing_appearances": 2, "citations": 4,
                                      "primary_sources": ["s1"],
                                      "summary": "2 appearances rest on 1 data-bearing primary source"}
    assert found["dead_ends"] == [
        {"appearance": "000.a1", "path": ["Source s1", "Source s2", "Source s3"], "reason": "unidentified source"},
        {"appearance": "000.a2", "path": ["no work named"], "reason": "the attribution names no work"}]
    assert (found["transmutation"], found["diversion"], found["consulted_as_evidence"]) == ([], [], [])


def test_flags_become_transmutation_diversion_and_consulted_works() -> None:
    p = _two_appearances()
    a1, a2 = iri("appearance", "000.a1"), iri("appearance", "000.a2")
    p.g.nodes[iri("citation", "x1")]["stance"] = "hypothesis"
    p.g.nodes[a1]["why"] = [
        why("flag", vocab.FLAGS.iri("overstated"), "flag-overstated", [iri("citation", "x1"), iri("claim", "c")]),
        why("flag", vocab.FLAGS.iri("indirect"), "flag-indirect-population", [iri("source", "s1"), "urn:x:gone"])]
    p.g.nodes[a2]["why"] = [why("flag", vocab.FLAGS.iri("consulted-not-cited"), "flag-consulted-not-cited",
                                [iri("source", "s4")])]
    t = compute(p.g, "c")
    found = distortions(p.g, [a1, a2], t.appearances)
    assert found["transmutation"] == [{"appearance": "000.a1", "source_stance": "hypothesis", "citation": "(1)"}]
    assert found["diversion"] == [{"appearance": "000.a1", "dimension": "population", "sources": ["Source s1"]}]
    assert found["consulted_as_evidence"] == [{"appearance": "000.a2", "sources": ["Source s4"]}]
    assert found == t.distortions


def test_only_certain_wording_over_a_hypothesis_or_hedged_finding_is_a_transmutation() -> None:
    """An appearance overstated by breadth, or by a source that says less, transmutes nothing; a
    hedged appearance states nothing as certain."""
    for stance, hedging, expected in (("hedged-finding", "certain", 1), ("finding", "certain", 0),
                                      ("association", "certain", 0), ("hypothesis", "hedged", 0)):
        p = _two_appearances()
        a1 = iri("appearance", "000.a1")
        p.g.nodes[iri("citation", "x1")]["stance"] = stance
        p.g.nodes[a1]["hedging"] = hedging
        p.g.nodes[a1]["why"] = [why("flag", vocab.FLAGS.iri("overstated"), "flag-overstated", [iri("citation", "x1")])]
        t = compute(p.g, "c")
        assert len(t.distortions["transmutation"]) == expected, (stance, hedging)


def test_drafts_are_left_out_of_every_distortion() -> None:
    p = _two_appearances()
    a1 = iri("appearance", "000.a1")
    p.g.nodes[a1]["draft"] = True
    p.g.nodes[a1]["why"] = [why("flag", vocab.FLAGS.iri("indirect"), "flag-indirect-population", [iri("source", "s1")])]
    found = compute(p.g, "c").distortions
    assert (found["amplification"]["appearances"], found["amplification"]["primary_sources"]) == (1, [])
    assert found["amplification"]["summary"] == "1 appearance rests on no data-bearing primary sources"
    assert {d["appearance"] for d in found["dead_ends"]} == {"000.a2"}  # not a1's chain to s3, unidentified
    assert found["diversion"] == []


def test_one_appearance_resting_on_nothing() -> None:
    p = Projection()
    c = p.claim("c")
    p.appearance(c, p.article("000"), "a")
    assert compute(p.g, "c").distortions["amplification"] == {
        "appearances": 1, "citing_appearances": 0, "citations": 0, "primary_sources": [],
        "summary": "1 appearance rests on no data-bearing primary sources"}


def test_a_claim_is_fragile_when_one_source_alone_supports_it() -> None:
    p = _two_appearances()
    assert fragile_claims(p.g) == [{"claim": "c", "statement": "Claim c.", "source": "s1", "source_label": "Source s1"}]
    p.g.nodes[iri("claim", "c")]["peer_reviewed_support"] = False
    assert fragile_claims(p.g) == []


def test_sources_are_ranked_by_the_claims_and_articles_whose_chains_reach_them() -> None:
    assert source_reliance(_two_appearances().g) == [
        {"source": "s1", "label": "Source s1", "claims": ["c", "d"], "articles": ["000", "001"]},
        {"source": "s2", "label": "Source s2", "claims": ["c", "d"], "articles": ["000", "001"]},  # y1 is for d too
        {"source": "s3", "label": "Source s3", "claims": ["c"], "articles": ["000"]},  # z1 is for c only
        {"source": "s4", "label": "Source s4", "claims": ["d"], "articles": ["001"]}]


def test_the_longest_chains_come_first() -> None:
    g = _two_appearances().g
    assert longest_chains(g) == [
        {"claim": "c", "appearance": "000.a1", "length": 3, "path": ["Source s1", "Source s2", "Source s3"]},
        {"claim": "d", "appearance": "001.b1", "length": 2, "path": ["Source s1", "Source s2"]},
        {"claim": "d", "appearance": "001.b1", "length": 1, "path": ["Source s4"]},
        {"claim": "c", "appearance": "000.a2", "length": 0, "path": []}]
    assert len(longest_chains(g, limit=2)) == 2


def test_counts_and_coverage() -> None:
    p = _two_appearances()
    p.g.nodes[iri("article", "001")].update(sentences=8, accounted=6)
    result = stats(p.g)
    assert result["counts"] == {"articles": 2, "claims": 2, "appearances": 3, "sources": 4, "sources_cited": 4,
                                "sources_curator_added": 0, "sources_unidentified": 1, "citations": 6,
                                "mechanisms": 0, "contraindications": 0, "inferred_cautions": 0,
                                "missing_warnings": 0}
    assert result["articles"] == [
        {"id": "000", "title": "Article 000", "sentences": 10, "accounted": 10, "coverage": 1.0},
        {"id": "001", "title": "Article 001", "sentences": 8, "accounted": 6, "coverage": 0.75}]
