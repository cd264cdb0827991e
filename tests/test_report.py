"""The report's numbers agree with the graph; the HTML is self-contained and inert."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from lbpgraph.core import vocab
from lbpgraph.analysis.metrics import metrics
from lbpgraph.project import Project
from lbpgraph.presentation.report import build_report, render_html

from . import factory
from .conftest import run


@pytest.fixture(scope="module")
def report(built: Project) -> dict:
    return build_report(built.projection(), built.traces())


def rows(project: Project, sparql: str) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in r.items()} for r in project.query(sparql).rows]


def test_totals_match_the_graph(built: Project, report: dict) -> None:
    t = report["totals"]
    count = lambda q: int(rows(built, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {q} }}")[0]["n"])  # noqa: E731
    assert t["claims"] == count("?x a schema:Claim")
    assert t["peer_reviewed_support"] == count("?x lbp:peerReviewedSupport true")
    assert t["missing_warnings"] == count("?x a lbp:MissingWarning")
    assert t["sources"] == count("?x lbp:peerReview ?r")


def test_claims_per_article_by_basis_match_the_graph(built: Project, report: dict) -> None:
    strongest = rows(built, """
        SELECT ?article ?claim (MIN(?rank) AS ?best) WHERE {
          ?claim schema:appearance ?app . ?app dcterms:isPartOf ?article ; lbp:basis/lbp:rank ?rank .
        } GROUP BY ?article ?claim""")
    expected: dict[str, Counter] = {}
    for r in strongest:
        article = r["article"].rsplit("/", 1)[1]
        expected.setdefault(article, Counter())[vocab.BASES.notations[int(r["best"]) - 1]] += 1
    for a in report["articles"]:
        assert {b: n for b, n in a["by_basis"].items() if n} == dict(expected[a["id"]]), a["id"]
        assert a["claims"] == sum(expected[a["id"]].values())
    assert sum(a["claims"] for a in report["articles"]) >= report["totals"]["claims"]


def test_sources_reliance_matches_citation_chains_in_sparql(built: Project, report: dict) -> None:
    leaning = rows(built, """
        SELECT ?source (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
          ?claim schema:appearance/lbp:hasCitation ?first . ?first lbp:leadsTo* ?c . ?c cito:hasCitedEntity ?source .
        } GROUP BY ?source""")
    expected = {r["source"].rsplit("/", 1)[1]: int(r["claims"]) for r in leaning}
    got = {s["id"]: s["claims"] for s in report["sources"] if s["claims"]}
    assert got == expected
    dufek = next(s for s in report["sources"] if s["id"] == "dufek2011")
    assert dufek["claims"] >= 3 and dufek["articles"] == 2


def test_fragile_claims_match_the_graph(built: Project) -> None:
    fragile = rows(built, """
        SELECT ?claim WHERE { ?claim lbp:peerReviewedSupport true ; schema:appearance/lbp:peerReviewedSupportFrom ?s . }
        GROUP BY ?claim HAVING (COUNT(DISTINCT ?s) = 1)""")
    expected = sorted(r["claim"].rsplit("/", 1)[1] for r in fragile)
    assert [f["claim"] for f in metrics(built.projection())["fragile_claims"]] == expected
    assert "device-relieves-chronic-lbp" in expected  # all of it rests on Barzilay et al. 2016


def test_longest_chains_reach_the_unidentified_references(built: Project) -> None:
    chains = metrics(built.projection())["longest_chains"]
    assert chains[0]["length"] == 2
    assert chains[0]["path"][0] == "Dufek JS et al. 2011"
    assert chains[0]["path"][1].startswith("reference (")


def test_html_is_self_contained_and_has_the_charts(built: Project, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run("report", "--out", str(out), build=built.build_dir)
    assert result.exit_code == 0 and result.stdout == ""
    html = out.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<script|\s(src|href)\s*=", html, re.I)
    assert html.count("<svg") == 3
    assert html.index("Claims by certainty of their evidence (GRADE)") < html.index("Claims per article, by the strongest")
    assert "Claims per article, by the strongest basis the article offers" in html
    assert html.count('<tr><td><span class="certainty ') == len(built.traces())


def test_html_escapes_article_strings(tmp_path: Path) -> None:
    data = factory.corpus()
    data["claims.yaml"]["claims"][0]["statement"] = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    data["annotations"]["a"]["title"] = "</table><script>bad()</script>"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    html = render_html(build_report(project.projection(), project.traces()))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_csv_tables_and_markdown(built: Project, report: dict) -> None:
    for table, key in (("claims", "claims"), ("articles", "articles"), ("sources", "sources")):
        out = run("report", "--format", "csv", "--table", table, build=built.build_dir).stdout_bytes.decode()
        parsed = list(csv.DictReader(io.StringIO(out, newline="")))
        assert len(parsed) == len(report[key])
    claims = {r["id"]: r for r in csv.DictReader(io.StringIO(
        run("report", "--format", "csv", build=built.build_dir).stdout_bytes.decode(), newline=""))}
    assert claims["bw-unloads-discs"]["peer_reviewed_support"] == "false"
    assert (claims["bw-unloads-discs"]["certainty"], claims["bw-unloads-discs"]["cebm_level"]) == ("none", "5")
    assert claims["walking-relieves-lbp"]["certainty"] == "very-low"
    assert "primary endpoint not reported" in claims["walking-relieves-lbp"]["certainty_reasons"]
    # most certain first, then the claims most articles make
    rank = {c: i for i, c in enumerate(vocab.CERTAINTY.notations)}
    order = [(rank[c["certainty"]], -len(c["articles"].split())) for c in claims.values()]
    assert order == sorted(order)
    markdown = run("report", "--format", "md", build=built.build_dir).stdout
    for heading in ("## Articles", "## Claims", "## Sources", "## Metrics", "## Missing warnings"):
        assert heading in markdown
