"""Finding a claim in a reader's own words: the twenty questions, synonyms, sources, and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from lbpgraph.core.errors import AmbiguousClaim
from lbpgraph.project import Project

from .conftest import ROOT, run

QUESTIONS = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))["questions"]


def test_the_right_claim_comes_first_for_at_least_18_of_the_20_questions(built: Project) -> None:
    firsts = {q["ask"]: [h.claim for h in built.search(q["ask"], limit=1)] for q in QUESTIONS}
    missed = {q["ask"]: firsts[q["ask"]] for q in QUESTIONS if firsts[q["ask"]] != [q["claim"]]}
    assert len(QUESTIONS) == 20 and len(missed) <= 2, missed


UNSEEN = yaml.safe_load((ROOT / "tests" / "data" / "questions-unseen.yaml").read_text(encoding="utf-8"))["questions"]


def test_questions_the_search_was_not_made_on_find_their_claim_first_three_times_in_four(built: Project) -> None:
    """The twenty above could have been learnt by heart; these sixteen were written afterwards."""
    firsts = {q["ask"]: [h.claim for h in built.search(q["ask"], limit=1)] for q in UNSEEN}
    missed = {q["ask"]: firsts[q["ask"]] for q in UNSEEN if firsts[q["ask"]] != [q["claim"]]}
    assert len(UNSEEN) == 16 and len(missed) <= 4, missed


def test_one_clear_match_is_traced_and_several_are_listed_best_first(built: Project) -> None:
    assert built.trace("does walking backwards open the disc space").claim["id"] == "bw-unloads-discs"
    assert built.trace("backwards walking burns more calories").claim["id"] == "bw-burns-more-calories"
    with pytest.raises(AmbiguousClaim) as info:  # the example: found, first, but not clearly ahead
        built.trace("backward walking helps back pain")
    assert info.value.matches[0][0] == "bw-reduces-lbp"
    why = info.value.why["bw-reduces-lbp"]
    assert "statement: backward, walking" in why and "concept 'backward walking'" in why
    assert "concept 'relief of low back pain (pain and disability)': helps" in why
    result = run("trace", "backward walking helps back pain", build=built.build_dir)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:3] == ["  bw-reduces-lbp  Backward walking reduces low back pain.",
                                               f"      matched {why}"]


def test_a_claim_found_by_words_says_on_stderr_why_and_one_found_by_id_says_nothing(built: Project) -> None:
    words = run("trace", "does walking backwards open the disc space", build=built.build_dir)
    assert words.exit_code == 0 and words.stdout.startswith("Claim bw-unloads-discs (mechanism)")
    why = built.search("does walking backwards open the disc space", 1)[0].why()
    assert words.stderr == f"Found bw-unloads-discs by your words: matched {why}\n"
    assert "concept 'disc unloading (opening the disc space)': open, disc, space" in why
    assert why.endswith("; read open disc space = disc unloading")  # the other name, said once
    by_id = run("trace", "bw-unloads-discs", build=built.build_dir)
    assert by_id.stderr == "" and by_id.stdout == words.stdout
    page = run("view", "does walking backwards open the disc space", "--out", str(built.build_dir / "found.html"),
               build=built.build_dir)  # the page of a claim found by words says so too
    assert page.exit_code == 0 and page.stderr == f"Found bw-unloads-discs by your words: matched {why}\n"
    assert run("view", "bw-unloads-discs", "--out", str(built.build_dir / "by-id.html"), build=built.build_dir).stderr == ""


def _interventions(built: Project, claim: str) -> list[str]:
    return built.traces()[claim]["claim"]["interventions"]


@pytest.mark.parametrize("words", ["retro walking", "walking backwards", "reverse walking", "backwards walking for LBP"])
def test_other_names_of_backward_walking_never_find_back_walking(built: Project, words: str) -> None:
    hits = built.search(words, limit=10)
    assert len(hits) == 10
    assert not [h.claim for h in hits if "back walking (massage)" in _interventions(built, h.claim)]
    assert any("backward walking" in _interventions(built, h.claim) for h in hits[:3])


def test_back_walking_finds_the_massage_first(built: Project) -> None:
    hits = built.search("back walking", limit=10)
    assert all(_interventions(built, h.claim) == ["back walking (massage)"] for h in hits)


def test_synonyms_are_skos_labels_in_the_graph(built: Project) -> None:
    rows = built.query("""SELECT ?concept ?p ?label WHERE {
        VALUES ?p { skos:altLabel skos:hiddenLabel } ?concept ?p ?label }""").rows
    labels: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        key = (r["concept"]["value"].rsplit("/", 1)[1], r["p"]["value"].rsplit("#", 1)[1])
        labels.setdefault(key, set()).add(r["label"]["value"])
        assert r["label"]["xml:lang"] == "en"
    assert {"walking backwards", "retro walking", "reverse walking", "backwards walking"} <= labels[
        ("backward-walking", "altLabel")]
    assert {"back pain", "LBP", "lower back pain"} <= labels[("low-back-pain", "altLabel")]
    assert {"helps", "relieves", "reduces", "eases"} <= labels[("lbp-relief", "hiddenLabel")]
    backward = {x.casefold() for (c, _), xs in labels.items() if c.startswith("backward") for x in xs}
    assert "back walking" in labels[("back-walking-massage", "altLabel")] and "back walking" not in backward


def test_no_other_name_may_name_two_concepts(data_copy: Path) -> None:
    """'back walking' is the massage: as another name of backward walking, the data do not validate."""
    path = data_copy / "concepts.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'alt_labels: [walking backwards, walking backward, backwards walking'
    assert old in text
    path.write_text(text.replace(old, old.replace("[", "[back walking, ")), encoding="utf-8")
    result = run("build", "--check", data=data_copy)
    assert result.exit_code == 3
    assert "intervention backward-walking: 'back walking' also names concept 'back-walking-massage'" in result.stderr
    assert "intervention back-walking-massage: 'back walking' also names concept 'backward-walking'" in result.stderr


def _chain(citations: list[dict[str, Any]]) -> set[str]:
    found = set()
    for c in citations:
        if c["source"]:
            found |= {c["source"]["id"], *_chain(c["source"]["citations"])}
    return found


def test_a_source_author_finds_the_claims_that_rest_on_the_source(built: Project) -> None:
    citing = {cid for cid, t in built.traces().items()
              if "dufek2011" in {s for a in t["appearances"] for s in _chain(a["citations"])}}
    hits = built.search("Dufek")
    assert citing and {h.claim for h in hits} == citing
    assert all(h.matches == [h.matches[0]] and h.matches[0].field == "source" for h in hits)
    assert {h.matches[0].text for h in hits} == {"Dufek JS et al. 2011"}
    with pytest.raises(AmbiguousClaim) as info:
        built.trace("Dufek")
    assert {c for c, _ in info.value.matches} == citing


def test_the_same_words_find_the_same_claims_in_a_store_that_keeps_no_analysis(
        built: Project, built_oxigraph: Project) -> None:
    for q in QUESTIONS[:5]:
        assert [h.to_json() for h in built_oxigraph.search(q["ask"], 5)] == [h.to_json() for h in built.search(q["ask"], 5)]


def test_search_command(built: Project) -> None:
    result = run("search", "walking", "backwards", "relieves", "LBP", "--limit", "3", build=built.build_dir)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"1\. bw-reduces-lbp  \(score \d+\.\d\d\)", lines[0]) and lines[1] == "   Backward walking reduces low back pain."
    assert "     statement: walking, backwards, lbp = low back pain" in lines
    doc = json.loads(run("search", "Dufek", "--format", "json", build=built.build_dir).stdout)
    assert {"id", "statement", "score", "matched"} <= set(doc[0])
    assert doc[0]["matched"] == [{"field": "source", "text": "Dufek JS et al. 2011", "words": ["dufek"]}]
    missing = run("search", "zzzz", build=built.build_dir)
    assert (missing.exit_code, missing.stderr) == (1, "Error: no claim matches 'zzzz'\n")


def test_search_words_are_data(built: Project) -> None:
    result = run("search", "walking \x1b[31m backwards", "--limit", "1", build=built.build_dir)
    assert result.exit_code == 0 and "\x1b" not in result.stdout


def test_the_search_documents_are_kept_beside_the_traces(built: Project) -> None:
    docs = json.loads((built.build_dir / "search.json").read_text(encoding="utf-8"))
    assert set(docs) == {"claims", "fields", "synonyms"}
    assert set(docs["claims"]) == set(built.traces())
    assert {"statement", "quote", "concept", "source", "article", "basis"} == set(docs["fields"])
    assert any(i["text"] == "backward walking" and ["retro", "walk"] in i["names"] for i in docs["fields"]["concept"])
