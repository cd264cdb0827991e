"""Traces of real claims with their verdicts, claim matching, and the three output formats."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.core import vocab
from lbpgraph.core.errors import AmbiguousClaim, ClaimNotFound
from lbpgraph.project import Project
from lbpgraph.analysis.trace import Trace
from lbpgraph.presentation.render import trace_text

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


def test_disc_unloading_rests_on_a_hypothesis_and_unidentified_sources(built: Project) -> None:
    """000 quotes Dufek's discussion: a hypothesis, no data on disc load. It is expert opinion
    (OCEBM level 5), never the pilot's design, and it ends at unidentified references (9), (22)."""
    t = built.trace("bw-unloads-discs")
    v = t.verdict
    assert v["peer_reviewed_support"] is False
    assert (v["certainty"], v["certainty_from"], v["certainty_reasons"]) == ("none", [], [])
    assert v["basis"] == ["expert-opinion"]
    assert v["strength"] == {"design": "narrative-review-or-expert-opinion",
                             "label": "narrative review / expert opinion", "cebm_level": 5}
    assert {"dead-end", "second-hand", "mechanism-only"} <= set(v["flags"])
    [quoted] = t.appearances  # 001's "opens the discs" is a claim of its own (bw-opens-discs)
    assert quoted["article"]["id"] == "000"
    [citation] = quoted["citations"]
    assert (citation["source"]["id"], citation["stance"], citation["data_on_claim"]) == ("dufek2011", "hypothesis", False)
    onward = {c["marker"]: c for c in citation["source"]["citations"]}
    assert set(onward) == {"(9)", "(22)"}
    assert all(c["source"]["identified"] is False and c["dead_end"] == "unidentified source" for c in onward.values())


def test_opening_the_discs_is_001s_own_narrower_claim(built: Project) -> None:
    """001 writes only "opens the discs": no facet loading, so no inferred caution rests on 001's words."""
    t = built.trace("bw-opens-discs")
    assert [a["article"]["id"] for a in t.appearances] == ["001"]
    assert t.claim["mechanisms"] == []
    assert (t.verdict["peer_reviewed_support"], t.verdict["certainty"], t.verdict["basis"]) == (False, "none", ["vague-attribution"])
    [retold] = t.appearances  # "researchers have found" turns the hypothesis into a finding
    assert "overstated" in retold["flags"]
    assert (retold["citations"][0]["mode"], retold["citations"][0]["confidence"]) == ("named-venue", "high")
    rows = built.query("""SELECT DISTINCT ?premise WHERE {
        ?caution a lbp:InferredCaution . ?d lbp:derivedSubject ?caution ; prov:used ?premise }""").rows
    premises = {row["premise"]["value"] for row in rows}
    assert vocab.PREFIXES["claim"] + "bw-unloads-discs" in premises
    assert not any(p.startswith(vocab.PREFIXES["appearance"] + "001.") or p.endswith("/bw-opens-discs") for p in premises)


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


def test_walking_rests_on_indirect_small_trials_with_distortions(built: Project) -> None:
    t = built.trace("walking-relieves-lbp")
    v = t.verdict
    assert v["peer_reviewed_support"] is True
    assert v["strength"]["design"] == "randomised-controlled-trial" and v["strength"]["cebm_level"] == 2
    # two randomised trials, each rated down to very low: neither tested walking against no walking
    assert v["certainty"] == "very-low"
    assert {(o["source"], o["start"], o["certainty"]) for o in v["certainty_from"]} == {
        ("krein2013", "high", "very-low"), ("lee_kang2016", "high", "very-low")}
    krein = {(r["concern"], r["levels"]) for r in v["certainty_reasons"] if r["source"] == "krein2013"}
    assert krein == {("risk-of-bias", 1), ("indirectness", 1), ("imprecision", 1)}
    assert all(r["rule"] and r["rule_file"].startswith("rules/07") and r["premises"] for r in v["certainty_reasons"])
    assert {"commercial-interest", "dead-end"} <= set(v["flags"])
    # Kim 2017 measured the prevalence of current LBP: offered for relief, it studied another outcome
    kim = [c for a in by_article(t, "002") for c in a["citations"] if c["source"] and c["source"]["id"] == "kim2017"]
    assert kim and all((c["stance"], c["fidelity"], c["data_on_claim"]) == ("association", "does-not-support", False)
                       for c in kim)
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
    text = trace_text(t)
    assert text.index("Appearances") < text.index("Current evidence added by the curators")


def test_tradition_is_a_basis_of_its_own(built: Project) -> None:
    t = built.trace("bw-traditional-remedy")
    assert t.verdict["basis"] == ["tradition"]
    assert {a["article"]["id"] for a in t.appearances} == {"000", "003"}


def test_a_journal_named_without_a_paper(built: Project) -> None:
    t = built.trace("backward-locomotion-causes-weight-loss")
    assert t.verdict["basis"] == ["vague-attribution"]
    assert (t.verdict["peer_reviewed_support"], t.verdict["certainty"]) == (False, "none")
    assert set(t.verdict["flags"]) == {"dead-end", "unresolved-attribution"}
    [citation] = t.appearances[0]["citations"]
    assert (citation["mode"], citation["source"]["id"], citation["confidence"]) == ("named-venue", "terblanche2005", "high")
    # Terblanche reports body fat and skinfolds, not weight: it does not support weight loss
    assert (citation["fidelity"], citation["stance"]) == ("does-not-support", "not-addressed")


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
    assert bases == set(vocab.BASES.notations) - {"grey-literature"}
    assert flags == set(vocab.FLAGS.notations)


def test_every_claim_appears_somewhere(built: Project) -> None:
    graph = built.projection()
    lonely = [d["id"] for n, d in graph.nodes(data=True) if d["kind"] == "claim"
              and not any(graph.edges[n, a]["rel"] == "appearance" for a in graph.successors(n))]
    assert lonely == []


def test_cached_traces_equal_networkx_traces_of_the_projection(built: Project) -> None:
    """The build's trace cache is exactly what NetworkX computes over the projection."""
    from lbpgraph.analysis.chains import compute
    graph = built.projection()
    for claim_id in sorted(built.traces()):
        assert built.trace(claim_id).to_json() == compute(graph, claim_id).to_json(), claim_id


# --- matching ---------------------------------------------------------------------------------

def test_matching_by_id_statement_and_quote(built: Project) -> None:
    assert built.trace("BW-UNLOADS-DISCS").claim["id"] == "bw-unloads-discs"
    assert built.trace("  Backward walking reduces\n low back PAIN.  ").claim["id"] == "bw-reduces-lbp"
    # text of a quote, with curly apostrophes typed straight
    assert built.trace("it's simple, without risk if done in your own apartment").claim["id"] == "bw-safe-at-home"


def test_several_matches_are_listed_with_a_non_zero_exit(built: Project) -> None:
    """Text found in several claims lists them all, best ranked first, the first ten shown with why."""
    with pytest.raises(AmbiguousClaim) as info:
        built.trace("back walking")
    assert len(info.value.matches) > 10
    assert "back-walking-contraindicated-in-pregnancy" in dict(info.value.matches)
    assert all(cid.startswith("back-walking") for cid, _ in info.value.matches[:10])
    result = run("trace", "back walking", build=built.build_dir)
    assert result.exit_code == 1
    assert f"{len(info.value.matches)} claims match 'back walking'; give one of their ids" in result.stderr
    assert f"... and {len(info.value.matches) - 10} more (lbpgraph search WORDS --limit N lists them)" in result.stderr
    assert "      matched statement: back, walking" in result.stderr


def test_words_found_in_no_text_are_ranked(built: Project) -> None:
    """Words that are no claim's text: several claims near the best are listed, best first, with
    why; naming backward walking ranks no claim about back walking (the massage) first."""
    with pytest.raises(AmbiguousClaim) as info:
        built.trace("walking backwards heals disc hernias")
    first = built.trace(info.value.matches[0][0])
    assert "back walking (massage)" not in first.claim["interventions"]
    assert 1 < len(info.value.matches) <= 10 and set(info.value.why) >= {c for c, _ in info.value.matches}


def test_no_match_gives_the_closest_candidates(built: Project) -> None:
    with pytest.raises(ClaimNotFound) as info:
        built.trace("zzzz qqqq")
    assert len(info.value.candidates) == 5
    result = run("trace", "zzzz qqqq", build=built.build_dir)
    assert result.exit_code == 1
    assert "Closest claims:" in result.stderr


def test_a_long_text_is_not_echoed_back(built: Project) -> None:
    """A pasted page of text gets the closest claims and a message of one short line."""
    text = " ".join(["lumbar walking backwards study shows muscles improve"] * 200)[:10_240]
    with pytest.raises(AmbiguousClaim) as info:
        built.trace(text)
    assert str(info.value).endswith("\u2026' (10240 characters); give one of their ids")
    gibberish = " ".join(["zzzz qqqq"] * 1200)[:10_240]
    with pytest.raises(ClaimNotFound) as missing:
        built.trace(gibberish)
    assert len(missing.value.candidates) == 5
    assert str(missing.value) == f"no claim matches {gibberish[:60]!r}"[:-1] + "\u2026' (10240 characters)"
    ambiguous = AmbiguousClaim("walking " * 20, [("a", "A."), ("b", "B.")])
    assert str(ambiguous).endswith("\u2026' (160 characters); give one of their ids")


def test_query_like_input_is_only_text(built: Project) -> None:
    result = run("trace", "bw-reduces-lbp> } ; DELETE { ?s ?p ?o } #", build=built.build_dir)
    assert result.exit_code == 1  # its words are searched for, as words
    assert "claims match 'bw-reduces-lbp> } ; DELETE" in result.stderr
    assert built.trace("bw-reduces-lbp").appearances  # the graph is as it was


# --- formats --------------------------------------------------------------------------------

def test_json_format(built: Project) -> None:
    result = run("trace", "bw-unloads-discs", "--format", "json", build=built.build_dir)
    doc = json.loads(result.stdout)
    assert doc["claim"]["id"] == "bw-unloads-discs" and doc["claim"]["statement"]
    assert set(doc["verdict"]) == {"peer_reviewed_support", "certainty", "certainty_from", "certainty_reasons",
                                   "basis", "strength", "flags"}
    appearance = doc["appearances"][0]
    assert {"article", "quote", "basis", "citations"} <= set(appearance)
    onward = {c["source"]["id"] for c in appearance["citations"][0]["source"]["citations"]}
    assert onward == {"dufek2011_ref09", "dufek2011_ref22"}
    walking = json.loads(run("trace", "walking-relieves-lbp", "--format", "json", build=built.build_dir).stdout)
    assert walking["verdict"]["certainty"] == "very-low"
    assert {"source", "concern", "levels", "reason", "rule", "rule_file", "premises"} <= set(
        walking["verdict"]["certainty_reasons"][0])


def test_text_and_markdown_formats(built: Project) -> None:
    text = run("trace", "bw-unloads-discs", build=built.build_dir).stdout
    assert "✗ dead end: reference (9) of Dufek et al. 2011 (unidentified source)" in text
    verdict = text[text.index("Verdict"):].splitlines()
    assert verdict[1] == "  certainty: none (GRADE) · peer-reviewed support: no"  # certainty comes first
    markdown = run("trace", "bw-unloads-discs", "--format", "markdown", build=built.build_dir).stdout
    assert markdown.startswith("## Claim `bw-unloads-discs`")
    # Dufek's hypothesis is expert opinion, level 5: never read as if Dufek were a narrative review
    assert ("| strength | expert opinion only (OCEBM 2011 level 5): a source's hypothesis, background or advice |"
            in markdown)
    assert "narrative review" not in text[text.index("Verdict"):text.index("Appearances")]
    walking = run("trace", "walking-relieves-lbp", build=built.build_dir).stdout
    lines = walking[walking.index("Verdict"):].splitlines()
    assert lines[1] == "  certainty: very low (GRADE) · peer-reviewed support: yes"
    assert "from Krein SL et al. 2013 (randomised controlled trial): starts high, ends very-low" in walking
    assert "-1 risk of bias: primary endpoint not reported" in walking
    walking_md = run("trace", "walking-relieves-lbp", "--format", "markdown", build=built.build_dir).stdout
    assert "**Certainty: very low (GRADE) · peer-reviewed support: yes**" in walking_md
    assert "| certainty | very-low |" in walking_md


def test_article_strings_stay_data_in_every_format(tmp_path: Path) -> None:
    data = factory.corpus()
    payload = '<script>alert(1)</script> [x](javascript:alert(1)) \x1b[31mred'
    data["claims.yaml"]["claims"][0]["statement"] = payload
    data["annotations"]["a"]["speakers"][0]["name"] = "<img src=x onerror=alert(1)>"
    data["annotations"]["a"]["title"] = "Walking\u2028Claim bw-helps (efficacy)\u2029 Backwards"  # a line it never had
    folder = factory.write(tmp_path, data)
    build = tmp_path / "build"
    text = run("trace", "bw-helps", data=folder, build=build).stdout
    assert "\x1b" not in text and "\\u001B[31mred" in text
    assert not set(text) & {"\u2028", "\u2029"} and "Walking\\u2028Claim bw-helps (efficacy)\\u2029 Backwards" in text
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
    """No real article cites grey literature for a claim, so a fixture shows the basis works:
    proceedings whose own data (a finding on the claim's intervention and outcome) support it."""
    data = factory.corpus()
    data["bibliography.yaml"]["sources"][0].update(peer_reviewed="unclear", outcomes=["disc-load"])
    data["annotations"]["a"]["appearances"][1]["citations"][0]["stance"] = "finding"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    t = project.trace("bw-unloads")
    assert t.verdict["basis"] == ["grey-literature"]
    assert t.verdict["peer_reviewed_support"] is False
    assert t.verdict["strength"] is None
    assert t.verdict["certainty"] == "none"


def test_support_from_a_review_of_unrecorded_designs_gives_no_strength_and_says_so(tmp_path: Path) -> None:
    """A systematic review is level 1 only as a review of randomised trials; with its reviewed
    designs not recorded it ranks nothing, and the trace says the strength is not known rather
    than 'none' beside peer-reviewed support."""
    data = factory.corpus()
    data["bibliography.yaml"]["sources"][0].update(design="systematic-review", outcomes=["disc-load"])
    data["annotations"]["a"]["appearances"][1]["citations"][0]["stance"] = "finding"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    t = project.trace("bw-unloads")
    assert t.verdict["peer_reviewed_support"] is True
    assert t.verdict["strength"] is None
    assert "strength: not known" in trace_text(t)


def test_the_certainty_says_when_the_record_it_rests_on_was_not_verified(tmp_path: Path) -> None:
    """A rating resting on a record nobody could check says so where the certainty is shown."""
    data = factory.corpus()
    project = Project(factory.write(tmp_path / "a", data), tmp_path / "a" / "build")
    t = project.trace("bw-unloads")
    [origin] = t.verdict["certainty_from"]
    assert origin["verification"] == "unverified"
    assert "record unverified): starts" in trace_text(t)
    data["bibliography.yaml"]["sources"][0].update(verification="verified", verified_at=["https://example.org/s"])
    t = Project(factory.write(tmp_path / "b", data), tmp_path / "b" / "build").trace("bw-unloads")
    assert t.verdict["certainty_from"][0]["verification"] == "verified"
    assert "record" not in trace_text(t).split("Appearances")[0]


def test_a_citation_cycle_is_shown_as_one_not_as_a_dead_end(tmp_path: Path) -> None:
    """Smith cites Jones, which cites Smith back: the link back names Smith, with no citations
    of its own and a note that it closes a cycle; it is no dead end, in no format nor the report."""
    folder, build = factory.write(tmp_path, factory.citation_cycle()), tmp_path / "build"
    doc = json.loads(run("trace", "bw-unloads", "--format", "json", data=folder, build=build).stdout)
    (first,) = doc["appearances"][0]["citations"]
    (onward,) = first["source"]["citations"]
    (back,) = onward["source"]["citations"]
    assert (first["source"]["id"], onward["source"]["id"], back["source"]["id"]) == ("smith2010", "jones2012",
                                                                                      "smith2010")
    assert (back["source"]["citations"], back["repeat"]) == ([], "cycle: cites a source already on this chain")
    assert '"dead_end"' not in json.dumps(doc) and doc["distortions"]["dead_ends"] == []
    assert doc["verdict"]["flags"] == ["overstated", "mechanism-only"]  # as before: the rules follow cycles
    for fmt in ("text", "markdown"):
        out = run("trace", "bw-unloads", "--format", fmt, "--explain", data=folder, build=build).stdout
        assert "cycle: cites a source already on this chain" in out and "dead end" not in out, fmt
    run("report", "--out", str(tmp_path / "report.html"), data=folder, build=build)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<i>cycle: cites a source already on this chain</i>" in report and "dead end" not in report


def test_curators_may_assess_a_source_an_article_also_cites(tmp_path: Path) -> None:
    """Evidence the curators added and an article later cited keeps its assessment: it is shown
    beside the verdict (and never changes it) as well as in the appearance's chain."""
    data = factory.corpus()
    data["context.yaml"] = {"assessments": [{"claim": "bw-unloads", "source": "smith2010", "fidelity": "supports",
                                             "note": "The curators' own reading of the lab study."}]}
    without = Project(factory.write(tmp_path / "a", factory.corpus()), tmp_path / "a" / "build").trace("bw-unloads")
    t = Project(factory.write(tmp_path / "b", data), tmp_path / "b" / "build").trace("bw-unloads")
    assert [e["source"]["id"] for e in t.curator_evidence] == ["smith2010"]
    assert t.verdict == without.verdict
