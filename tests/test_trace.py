"""Traces of real claims with their verdicts, claim matching, and the three output formats."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.errors import AmbiguousClaim, ClaimNotFound
from lbpgraph.project import Project
from lbpgraph.trace import Trace

from . import factory
from .conftest import run


def sources_in_chain(citation: dict[str, Any]) -> list[str]:
    """Ids of every source a citation chain reaches."""
    source = citation["source"]
    if source is None:
        return []
    return [source["id"], *(s for c in source["citations"] for s in sources_in_chain(c))]


def chain_sources(t: Trace) -> set[str]:
    return {s for a in t.appearances for c in a["citations"] for s in sources_in_chain(c)}


def by_article(t: Trace, article: str) -> list[dict[str, Any]]:
    return [a for a in t.appearances if a["article"]["id"] == article]


def test_disc_unloading_rests_on_an_unidentified_source(built: Project) -> None:
    t = built.trace("bw-unloads-discs")
    v = t.verdict
    assert v["peer_reviewed_support"] is True
    assert v["basis"] == ["peer-reviewed", "vague-attribution"]
    assert v["strength"] == {"design": "case-series-or-uncontrolled-pilot",
                             "label": "case series / uncontrolled pilot", "cebm_level": 4}
    assert {"dead-end", "second-hand", "overstated", "mechanism-only", "unresolved-attribution"} <= set(v["flags"])
    # both appearances end at Dufek's unidentified reference (9)
    for appearance in t.appearances:
        [citation] = appearance["citations"]
        assert citation["source"]["id"] == "dufek2011"
        [onward] = citation["source"]["citations"]
        assert (onward["marker"], onward["source"]["id"], onward["source"]["identified"]) == ("(9)", "dufek2011_ref09", False)
        assert onward["dead_end"] == "unidentified source"
    # 000 quotes Dufek's hypothesis; 001 turns it into "researchers have found"
    [quoted] = by_article(t, "000")
    [retold] = by_article(t, "001")
    assert "overstated" not in quoted["flags"] and "overstated" in retold["flags"]
    assert retold["citations"][0]["mode"] == "named-venue"
    assert retold["citations"][0]["confidence"] == "high"


def test_dufek_is_a_ten_person_uncontrolled_pilot(built: Project) -> None:
    dufek = built.trace("bw-unloads-discs").appearances[0]["citations"][0]["source"]
    assert dufek["sample_size"] == 10
    assert dufek["design"] == "case-series-or-uncontrolled-pilot"
    assert dufek["cebm_level"] == 4
    assert dufek["peer_reviewed"] == "yes"
    # the article printed 14(1); the verified record says issue 2: both stay visible
    assert "14(1)" in built.trace("bw-unloads-discs").appearances[0]["citations"][0]["as_printed"]
    assert any("issue 2" in c for c in dufek["corrections"])


def test_device_testimonial_is_anecdote_with_commercial_interest(built: Project) -> None:
    t = built.trace("adc-device-effective-for-lbp")
    assert t.verdict["peer_reviewed_support"] is False
    assert t.verdict["basis"] == ["anecdote"]
    assert "commercial-interest" in t.verdict["flags"]
    assert {a["speaker"]["role"] for a in t.appearances} == {"commenter"}


def test_walking_rests_on_trials_with_distortions(built: Project) -> None:
    t = built.trace("walking-relieves-lbp")
    assert t.verdict["peer_reviewed_support"] is True
    assert t.verdict["strength"]["design"] == "randomised-controlled-trial"
    assert t.verdict["strength"]["cebm_level"] == 2
    assert {"commercial-interest", "overstated", "indirect"} <= set(t.verdict["flags"])
    # Kim 2017 is an association offered as treatment evidence
    kim = [a for a in by_article(t, "002") if "kim2017" in {c["source"]["id"] for c in a["citations"] if c["source"]}]
    assert kim and all("overstated" in a["flags"] for a in kim)
    assert all(c["stance"] == "association" for a in kim for c in a["citations"] if c["source"]["id"] == "kim2017")
    # curator-added evidence is shown beside the articles' own and never counted
    assert {e["source"]["id"] for e in t.curator_evidence} == {"pocovi2024_walkback", "hendrick2010"}
    assert not chain_sources(t) & {"pocovi2024_walkback", "hendrick2010"}


def test_backward_walking_shows_articles_and_current_evidence_separately(built: Project) -> None:
    t = built.trace("backward walking reduces low back pain")
    assert t.claim["id"] == "bw-reduces-lbp"
    assert t.verdict["peer_reviewed_support"] is False
    assert "anecdote" in t.verdict["basis"] and "vague-attribution" in t.verdict["basis"]
    evidence = {e["source"]["id"] for e in t.curator_evidence}
    assert {"raza2023_irj", "ansari2020_ssh", "bw_scoping_sjph2022"} <= evidence
    assert all(e["source"]["curator_added"] for e in t.curator_evidence)
    assert not chain_sources(t) & evidence
    text = t.to_text()
    assert text.index("Appearances") < text.index("Current evidence added by the curators")


def test_tradition_is_a_basis_of_its_own(built: Project) -> None:
    t = built.trace("bw-traditional-remedy")
    assert t.verdict["basis"] == ["tradition"]
    assert {a["article"]["id"] for a in t.appearances} == {"000", "003"}


def test_a_journal_named_without_a_paper(built: Project) -> None:
    t = built.trace("backward-locomotion-causes-weight-loss")
    assert t.verdict["basis"] == ["vague-attribution"]
    assert {"indirect", "unresolved-attribution"} <= set(t.verdict["flags"])
    [citation] = t.appearances[0]["citations"]
    assert (citation["mode"], citation["source"]["id"], citation["confidence"]) == ("named-venue", "terblanche2005", "high")


def test_back_walking_never_reaches_backward_walking_evidence(built: Project) -> None:
    graph = built.projection()
    claims_of_004 = {graph.nodes[c]["id"] for c, a in graph.edges() if graph.edges[c, a]["rel"] == "appearance"
                     and graph.nodes[a]["article"] == "004"}
    assert len(claims_of_004) > 10
    backward = {"backward walking", "treadmill backward walking", "backward locomotion (walking or running backwards)",
                "backward running"}
    for claim in sorted(claims_of_004):
        t = built.trace(claim)
        assert {a["article"]["id"] for a in t.appearances} == {"004"}, claim
        assert not set(t.claim["interventions"]) & backward, claim
        assert not chain_sources(t) and not t.curator_evidence, claim
    pregnancy = built.trace("back-walking-contraindicated-in-pregnancy")
    assert pregnancy.verdict["basis"] == ["unsupported"]
    assert pregnancy.contraindications == [{"intervention": "back walking (massage)", "condition": "pregnancy",
                                            "severity": "absolute"}]


def test_every_basis_but_grey_literature_and_every_flag_occur_in_the_corpus(built: Project) -> None:
    """The real articles cite no grey literature for a claim; the fixture test below covers it."""
    graph = built.projection()
    bases = {d["basis"] for _, d in graph.nodes(data=True) if d["kind"] == "appearance"}
    flags = {f for _, d in graph.nodes(data=True) if d["kind"] == "claim" for f in d["flags"]}
    from lbpgraph import vocab
    assert bases == set(vocab.BASES.notations) - {"grey-literature"}
    assert flags == set(vocab.FLAGS.notations)


def test_every_claim_appears_somewhere(built: Project) -> None:
    graph = built.projection()
    lonely = [d["id"] for n, d in graph.nodes(data=True) if d["kind"] == "claim"
              and not any(graph.edges[n, a]["rel"] == "appearance" for a in graph.successors(n))]
    assert lonely == []


def test_cached_traces_equal_networkx_traces_of_the_projection(built: Project) -> None:
    """The build's trace cache is exactly what NetworkX computes over the projection."""
    from lbpgraph.trace import trace
    graph = built.projection()
    for claim_id in sorted(built.traces()):
        assert built.trace(claim_id).to_json() == trace(graph, claim_id).to_json(), claim_id


# --- matching ---------------------------------------------------------------------------------

def test_matching_by_id_statement_and_quote(built: Project) -> None:
    assert built.trace("BW-UNLOADS-DISCS").claim["id"] == "bw-unloads-discs"
    assert built.trace("  Backward walking reduces\n low back PAIN.  ").claim["id"] == "bw-reduces-lbp"
    # text of a quote, with curly apostrophes typed straight
    assert built.trace("it's simple, without risk if done in your own apartment").claim["id"] == "bw-safe-at-home"


def test_several_matches_are_listed_with_a_non_zero_exit(built: Project) -> None:
    with pytest.raises(AmbiguousClaim) as info:
        built.trace("back walking")
    assert len(info.value.matches) > 2
    result = run("trace", "back walking", build=built.build_dir)
    assert result.exit_code == 1
    assert "claims match 'back walking'; give one of their ids" in result.stderr
    assert "back-walking-contraindicated-in-pregnancy" in result.stderr


def test_no_match_gives_the_closest_candidates(built: Project) -> None:
    with pytest.raises(ClaimNotFound) as info:
        built.trace("walking backwards heals disc hernias")
    assert 1 <= len(info.value.candidates) <= 5
    result = run("trace", "zzzz qqqq", build=built.build_dir)
    assert result.exit_code == 1
    assert "Closest claims:" in result.stderr


def test_a_long_text_is_not_echoed_back(built: Project) -> None:
    """A pasted page of text gets the closest claims and a message of one short line."""
    text = " ".join(["lumbar walking backwards study shows muscles improve"] * 200)[:10_240]
    with pytest.raises(ClaimNotFound) as info:
        built.trace(text)
    assert len(info.value.candidates) == 5
    assert str(info.value) == f"no claim matches {text[:60]!r}"[:-1] + "\u2026' (10240 characters)"
    ambiguous = AmbiguousClaim("walking " * 20, [("a", "A."), ("b", "B.")])
    assert str(ambiguous).endswith("\u2026' (160 characters); give one of their ids")


def test_query_like_input_is_only_text(built: Project) -> None:
    result = run("trace", "bw-reduces-lbp> } ; DELETE { ?s ?p ?o } #", build=built.build_dir)
    assert result.exit_code == 1
    assert "no claim matches" in result.stderr


# --- formats --------------------------------------------------------------------------------

def test_json_format(built: Project) -> None:
    result = run("trace", "bw-unloads-discs", "--format", "json", build=built.build_dir)
    doc = json.loads(result.stdout)
    assert doc["claim"]["id"] == "bw-unloads-discs" and doc["claim"]["statement"]
    assert set(doc["verdict"]) == {"peer_reviewed_support", "basis", "strength", "flags"}
    appearance = doc["appearances"][0]
    assert {"article", "quote", "basis", "citations"} <= set(appearance)
    assert appearance["citations"][0]["source"]["citations"][0]["source"]["id"] == "dufek2011_ref09"


def test_text_and_markdown_formats(built: Project) -> None:
    text = run("trace", "bw-unloads-discs", build=built.build_dir).stdout
    assert "✗ dead end: reference (9) of Dufek et al. 2011 (unidentified source)" in text
    assert "peer-reviewed support: yes" in text
    markdown = run("trace", "bw-unloads-discs", "--format", "markdown", build=built.build_dir).stdout
    assert markdown.startswith("## Claim `bw-unloads-discs`")
    assert "| strength | case series / uncontrolled pilot (OCEBM 2011 level 4) |" in markdown


def test_article_strings_stay_data_in_every_format(tmp_path: Path) -> None:
    data = factory.corpus()
    payload = '<script>alert(1)</script> [x](javascript:alert(1)) \x1b[31mred'
    data["claims.yaml"]["claims"][0]["statement"] = payload
    data["annotations"]["a"]["speakers"][0]["name"] = "<img src=x onerror=alert(1)>"
    folder = factory.write(tmp_path, data)
    build = tmp_path / "build"
    text = run("trace", "bw-helps", data=folder, build=build).stdout
    assert "\x1b" not in text and "\\u001B[31mred" in text
    markdown = run("trace", "bw-helps", "--format", "markdown", data=folder, build=build).stdout
    article_lines = [line for line in markdown.splitlines() if "alert" in line]
    assert article_lines
    for line in article_lines:  # every markup character from the data is backslash-escaped
        data_part = line.removeprefix("> ")  # a leading "> " is the page's own blockquote
        assert not re.search(r"(?<!\\)[<>\[\]]", data_part), line
    assert "\\<script\\>" in markdown
    doc = json.loads(run("trace", "bw-helps", "--format", "json", data=folder, build=build).stdout)
    assert doc["claim"]["statement"] == payload


def test_fixture_exercises_grey_literature(tmp_path: Path) -> None:
    """No real article cites grey literature for a claim, so a fixture shows the basis works."""
    data = factory.corpus()
    data["bibliography.yaml"]["sources"][0]["peer_reviewed"] = "unclear"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    t = project.trace("bw-unloads")
    assert t.verdict["basis"] == ["grey-literature"]
    assert t.verdict["peer_reviewed_support"] is False
    assert t.verdict["strength"] is None
