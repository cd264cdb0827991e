"""The report's numbers agree with the graph; the HTML is self-contained and inert."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from lbpgraph.core import vocab
from lbpgraph.analysis.metrics import metrics
from lbpgraph.project import Project
from lbpgraph.presentation.links import doi_url, pmid_url, web_url
from lbpgraph.presentation.report import build_report, content_security_policy, render_csv, render_html

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
    assert not re.search(r"\ssrc\s*=|<link|<iframe|<img|url\(", html, re.I)  # no resource from anywhere
    assert html.count("<svg") == 3
    assert html.index("Claims by certainty of their evidence (GRADE)") < html.index("Claims per article, by the strongest")
    assert "Claims per article, by the strongest basis the article offers" in html
    claims_table = html.split('id="claims-table"', 1)[1].split("</table>", 1)[0]
    assert claims_table.count('<span class="certainty ') == len(built.traces())
    assert html.count('<article class="claim" id="claim-') == len(built.traces())
    assert render_html(build_report(built.projection(), built.traces())) == html  # the same bytes every time


def test_the_one_script_is_allowed_by_its_hash_and_nothing_else(built: Project) -> None:
    html = render_html(build_report(built.projection(), built.traces()))
    [script] = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert html.count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert policy == content_security_policy()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "script-src 'unsafe" not in policy and "eval" not in script and "innerHTML" not in script


def test_every_link_is_in_the_page_or_a_doi_pubmed_or_article_address(built: Project) -> None:
    html = render_html(build_report(built.projection(), built.traces()))
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    hrefs = re.findall(r'\shref="([^"]*)"', html)
    assert [h for h in hrefs if h.startswith("#") and h[1:] not in ids] == []
    outside = {h for h in hrefs if not h.startswith("#")}
    assert outside and all(h.startswith(("https://doi.org/10.", "https://pubmed.ncbi.nlm.nih.gov/")) for h in outside)
    sources = [s for s in built.projection().nodes.values() if s.get("kind") == "source"]
    for s in sources:  # every DOI and PMID the bibliography knows is a link
        if s["doi"]:
            assert f'href="https://doi.org/{s["doi"]}"' in html, s["id"]
        if s["pmid"]:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{s["pmid"]}/"' in html, s["id"]
    nav = html.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', nav) == ["summary", "charts", "articles", "claims", "claim-details",
                                                     "sources", "metrics", "missing-warnings"]


def test_each_claim_shows_its_quotes_articles_and_sources(built: Project, report: dict) -> None:
    claims = {c["id"]: c for c in report["claims"]}
    traces = built.traces()
    for claim_id, c in claims.items():
        assert [q["quote"] for q in c["quotes"]] == [a["quote"] for a in traces[claim_id]["appearances"]]
    unloads = claims["bw-unloads-discs"]
    [quote] = unloads["quotes"]
    assert (quote["article"], quote["article_title"]) == ("000", "Does Backward Walking Help Low Back Pain?")
    assert [(w["depth"], w["label"]) for w in quote["citations"]] == [
        (0, "Dufek JS et al. 2011"), (1, "reference (22) of Dufek et al. 2011"), (1, "reference (9) of Dufek et al. 2011")]
    walking = claims["walking-relieves-lbp"]
    suh = next(w for q in walking["quotes"] for w in q["citations"] if w["source"] == "suh2019")
    assert (suh["doi_url"], suh["pmid_url"]) == ("https://doi.org/10.1097/MD.0000000000016173",
                                                 "https://pubmed.ncbi.nlm.nih.gov/31261549/")
    assert {w["source"] for w in walking["curator_evidence"]} == {"hendrick2010", "pocovi2024_walkback"}


def test_the_summary_box(report: dict) -> None:
    s = report["summary"]
    assert sum(r["claims"] for r in s["by_certainty"]) == sum(r["claims"] for r in s["by_basis"]) == len(report["claims"])
    assert [r["basis"] for r in s["by_basis"]] == list(vocab.BASES.notations)
    repeated = s["repeated_without_support"]
    claims = {c["id"]: c for c in report["claims"]}
    assert repeated[0]["id"] == "bw-reduces-lbp" and repeated[0]["appearances"] == 5
    assert all(not claims[r["id"]]["peer_reviewed_support"] and r["appearances"] == len(claims[r["id"]]["quotes"])
               for r in repeated)
    assert [r["appearances"] for r in repeated] == sorted((r["appearances"] for r in repeated), reverse=True)
    missing = s["missing_warnings"]
    assert sum(len(w["conditions"]) * len(w["articles"]) for w in missing) == report["totals"]["missing_warnings"]
    assert missing[0]["severity"] == "absolute"  # the most severe first
    assert {"001", "003"} == set(missing[0]["articles"])


def test_links_only_to_web_doi_and_pubmed_addresses() -> None:
    assert web_url("javascript:alert(1)") is None and web_url("https://a.example/x y") is None
    assert web_url("HTTPS://a.example/x") == "HTTPS://a.example/x"
    assert doi_url("10.1000/a#b?c<d>") == "https://doi.org/10.1000/a%23b%3Fc%3Cd%3E"
    assert doi_url("javascript:alert(1)") is None and doi_url("11.1000/x") is None
    assert pmid_url("123") == "https://pubmed.ncbi.nlm.nih.gov/123/" and pmid_url("12a") is None


def test_html_escapes_article_strings(tmp_path: Path) -> None:
    data = factory.corpus()
    data["claims.yaml"]["claims"][0]["statement"] = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    data["annotations"]["a"]["title"] = "</table><script>bad()</script>"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    html = render_html(build_report(project.projection(), project.traces()))
    assert html.count("<script") == 1 and "<img" not in html  # the report's own script only
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


def test_report_csv_cells_never_start_a_formula_and_query_csv_never_drives_a_terminal(tmp_path: Path) -> None:
    """A statement that reads as a spreadsheet formula stays text in the report's CSV (a leading
    apostrophe); query CSV is whole when piped and shows control characters as escapes on a terminal."""
    import os
    import pty
    import subprocess
    import sys
    formula = '=HYPERLINK("http://127.0.0.1:9/x","click") \x1b[2J\x07'
    data = factory.corpus()
    data["claims.yaml"]["claims"][1]["statement"] = formula
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    project.build()
    rows = list(csv.reader(io.StringIO(render_csv(build_report(project.projection(), project.traces()), "claims"))))
    [cell] = [r[1] for r in rows if r[0] == "bw-unloads"]
    assert cell == "'" + formula
    argv = [sys.executable, "-m", "lbpgraph", "--data", str(project.data_dir), "--build-dir", str(project.build_dir),
            "query", "--format", "csv", "SELECT ?s WHERE { ?c schema:text ?s FILTER (STRSTARTS(?s, '=')) }"]
    piped = subprocess.run(argv, capture_output=True, check=True).stdout.decode("utf-8")
    assert list(csv.reader(io.StringIO(piped, newline=""))) == [["s"], [formula]]  # SPARQL CSV: the value as it is
    main, child = pty.openpty()
    with subprocess.Popen(argv, stdout=child, stderr=subprocess.DEVNULL) as process:
        os.close(child)
        shown = b""
        while chunk := _read(main):
            shown += chunk
        process.wait()
    os.close(main)
    assert b"\x1b" not in shown and b"\x07" not in shown and b"\\u001B[2J\\u0007" in shown
    assert b'"=HYPERLINK(""http://127.0.0.1:9/x"",""click"") \\u001B[2J\\u0007"' in shown


def _read(fd: int) -> bytes:
    import os
    try:
        return os.read(fd, 65536)
    except OSError:  # the child closed the terminal
        return b""


def test_report_names_the_source_of_each_downgrade_once_per_concern(built: Project) -> None:
    """The report lists a claim's downgrades as the trace does: each source's concern once, named
    with its source, so that no reader adds one source's levels to another's."""
    rows = {r[0]: r for r in csv.reader(io.StringIO(render_csv(build_report(built.projection(), built.traces()), "claims")))}
    reasons = rows["walking-relieves-lbp"][3].split(" | ")
    heads = [r.split(": ", 1)[0] + ": " + r.split(": ", 2)[1].split(" -")[0] for r in reasons]
    assert len(heads) == len(set(heads))  # one line per source and concern
    verdict = built.trace("walking-relieves-lbp").verdict
    assert {r.split(": ", 1)[0] for r in reasons} == {o["label"] for o in verdict["certainty_from"] if any(
        x["source"] == o["source"] for x in verdict["certainty_reasons"])}


def test_the_strength_chart_counts_claims_without_peer_reviewed_support_as_such(report: dict) -> None:
    """A claim with only expert opinion behind it (strength level 5, no peer-reviewed support) is
    not a bar of peer-reviewed strength: it counts under "no peer-reviewed support", as the summary says."""
    bars = {b["strength"]: b["claims"] for b in report["charts"]["claims_by_strength"]}
    unsupported = [c for c in report["claims"] if not c["peer_reviewed_support"]]
    assert any(c["strength"] for c in unsupported)  # e.g. bw-unloads-discs: expert opinion, level 5
    assert bars["no peer-reviewed support"] == len(unsupported)
    assert sum(bars.values()) - bars["no peer-reviewed support"] == report["totals"]["peer_reviewed_support"]


def test_support_from_sources_no_design_ranks_is_a_bar_of_its_own(tmp_path: Path) -> None:
    """A systematic review whose reviewed designs are not recorded gives support but no strength:
    its claim is counted in the chart, under a bar that says so, and every claim is counted once."""
    from lbpgraph.presentation.report import STRENGTH_NOT_KNOWN
    data = factory.corpus()
    data["bibliography.yaml"]["sources"][0].update(design="systematic-review")
    data["annotations"]["a"]["appearances"][1]["citations"][0]["stance"] = "finding"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    report = build_report(project.projection(), project.traces())
    bars = {b["strength"]: b["claims"] for b in report["charts"]["claims_by_strength"]}
    assert bars[STRENGTH_NOT_KNOWN] == 1
    assert sum(bars.values()) == len(report["claims"])


def test_the_markdown_sources_table_says_how_far_each_record_was_verified(built: Project, report: dict) -> None:
    markdown = run("report", "--format", "md", build=built.build_dir).stdout
    table = markdown.split("\n## Sources\n")[1].split("\n## ")[0]
    assert "| source | design | n | peer review | verification | claims | articles |" in table
    gordon = next(line for line in table.splitlines() if line.startswith("| Gordon SJ et al. 1991 "))
    assert "| unverified |" in gordon
    assert len([s for s in report["sources"] if s["verification"] != "verified"]) == sum(
        "| unverified |" in line or "| partially-verified |" in line for line in table.splitlines())


def test_a_draft_article_is_marked_and_counts_nowhere(data_copy: Path, tmp_path: Path) -> None:
    """A draft is not reviewed and never counts toward a verdict: its row says "draft", with no
    claims, no basis counts and no peer-reviewed share, in every format; its quotes are marked."""
    from lbpgraph.presentation.palette import DRAFT
    from lbpgraph.presentation.report import render_markdown
    annotation = data_copy / "annotations" / "002.yaml"
    annotation.write_text(annotation.read_text(encoding="utf-8").replace(
        "kind: product-marketing\n", "kind: product-marketing\ndraft: true\n", 1), encoding="utf-8")
    project = Project(data_copy, tmp_path / "build")
    project.build()
    data = build_report(project.projection(), project.traces())
    row = next(a for a in data["articles"] if a["id"] == "002")
    assert row["draft"] and row["peer_reviewed_share"] is None and row["claims"] == 0
    assert not any(row["by_basis"].values()) and data["totals"]["drafts"] == ["002"]
    assert all("002" not in c["articles"] for c in data["claims"])
    assert all(q["draft"] == (q["article"] == "002") for c in data["claims"] for q in c["quotes"])
    markdown = render_markdown(data)
    assert "(**draft**)" in next(line for line in markdown.splitlines() if line.startswith("| 002 "))
    assert f"Drafts ({DRAFT}): 002." in markdown
    html = render_html(data)
    assert html.count(DRAFT) == 2 + sum(q["draft"] for c in data["claims"] for q in c["quotes"])  # lede, row, quotes
    articles = {r["id"]: r for r in csv.DictReader(io.StringIO(render_csv(data, "articles"), newline=""))}
    assert (articles["002"]["draft"], articles["002"]["peer_reviewed_share"]) == ("true", "")
    assert articles["000"]["draft"] == "false"
