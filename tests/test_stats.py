"""stats counts agree with the graph; coverage is computed from sentences and held at 100%."""

from __future__ import annotations

import json
from pathlib import Path

from lbpgraph.project import Project

from . import factory
from .conftest import run


def _count(project: Project, pattern: str) -> int:
    rows = project.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}").rows
    return int(rows[0]["n"]["value"])


def test_counts_match_the_graph(built: Project) -> None:
    counts = json.loads(run("stats", "--format", "json", build=built.build_dir).stdout)["counts"]
    assert counts["articles"] == _count(built, "?x lbp:articleKind ?k")
    assert counts["claims"] == _count(built, "?x a schema:Claim")
    assert counts["appearances"] == _count(built, "?x a lbp:Appearance")
    assert counts["sources"] == _count(built, "?x lbp:peerReview ?r")
    assert counts["sources_curator_added"] == _count(built, "?x a lbp:CuratorEvidence")
    assert counts["sources_unidentified"] == _count(built, "?x a lbp:UnidentifiedSource")
    assert counts["citations"] == _count(built, "?x a cito:Citation")
    assert counts["mechanisms"] == _count(built, "?x a lbp:Mechanism")
    assert counts["contraindications"] == _count(built, "?x a schema:MedicalContraindication ; lbp:statedBy ?c")
    assert counts["inferred_cautions"] == _count(built, "?x a lbp:InferredCaution")
    assert counts["missing_warnings"] == _count(built, "?x a lbp:MissingWarning")
    assert counts["articles"] == 5 and counts["claims"] > 100


def test_every_sentence_of_every_article_is_accounted_for(built: Project) -> None:
    articles = built.stats()["articles"]
    assert [a["id"] for a in articles] == ["000", "001", "002", "003", "004"]
    for a in articles:
        assert a["sentences"] > 40
        assert (a["accounted"], a["coverage"]) == (a["sentences"], 1.0), a
    text = run("stats", build=built.build_dir).stdout
    assert "100.0%" in text


def test_coverage_counts_what_is_not_annotated(tmp_path: Path) -> None:
    data = factory.corpus()
    assert Project(factory.write(tmp_path / "full", data), tmp_path / "b1").stats()["articles"][0]["coverage"] == 1.0
    data["annotations"]["a"]["not_claims"].pop()  # the reference line is no longer accounted for
    article = Project(factory.write(tmp_path / "gap", data), tmp_path / "b2").stats()["articles"][0]
    assert (article["sentences"], article["accounted"], article["coverage"]) == (4, 3, 0.75)
