"""The report in a real browser, read as a reader reads it: Debian's Chromium driven by Playwright.

The contents and every in-page link lead somewhere, the tables sort by a click (the one script
runs because the CSP allows it by its hash, and a changed script does not), claims show their
quotes, articles and linked DOIs and PMIDs, print hides what paper cannot use, and nothing from
the payload corpus runs. Screenshots go to tests/artifacts/ for review.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from lbpgraph.core.files import atomic_write
from lbpgraph.presentation.report import build_report, render_html
from lbpgraph.project import Project

from . import factory
from .test_view_browser import ARTIFACTS, PAYLOADS, Opened, payload_corpus


def open_report(browser: Browser, html: str, path: Path, width: int = 1300) -> Opened:
    atomic_write(path, html.encode("utf-8"))
    page = browser.new_page(viewport={"width": width, "height": 900})
    opened = Opened(page, path.resolve().as_uri())
    page.goto(opened.url)
    return opened


def column(opened: Opened, table: str, index: int) -> list[str]:
    return opened.js("([t, i]) => Array.from(document.querySelectorAll(`#${t} tbody tr`))"
                     ".map(r => r.cells[i].getAttribute('data-sort') ?? r.cells[i].textContent.trim())", [table, index])


def test_contents_links_and_sorting(browser: Browser, built: Project, tmp_path: Path) -> None:
    report = build_report(built.projection(), built.traces())
    opened = open_report(browser, render_html(report), tmp_path / "report.html")
    page = opened.page
    assert opened.errors == [] and opened.requests == [opened.url]
    # every in-page link has its target, and the contents lead to each section
    dangling = opened.js("Array.from(document.querySelectorAll('a[href^=\"#\"]'))"
                         ".map(a => a.getAttribute('href').slice(1)).filter(id => !document.getElementById(id))")
    assert dangling == []
    assert page.locator("nav.contents a").count() == 8
    page.click("nav.contents a[href='#sources']")
    assert abs(opened.js("document.getElementById('sources').getBoundingClientRect().top")) < 60
    # sort the claims by how often they are made, both ways, then by certainty
    times = page.locator("#claims-table thead th", has_text="times made")
    times.locator("button").click()
    made = [int(n) for n in column(opened, "claims-table", 3)]
    assert made == sorted(made) and made[0] < made[-1]
    assert times.get_attribute("aria-sort") == "ascending"
    times.locator("button").click()
    assert [int(n) for n in column(opened, "claims-table", 3)] == sorted(made, reverse=True)
    assert times.get_attribute("aria-sort") == "descending"
    page.locator("#claims-table thead th", has_text="certainty").locator("button").click()
    ranks = [int(n) for n in column(opened, "claims-table", 0)]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    # the sources by the claims leaning on them, most first: Dufek et al. 2011 among the first
    leaning = page.locator("#sources-table thead th", has_text="claims leaning on it").locator("button")
    leaning.click()
    leaning.click()
    counts = [int(n) for n in column(opened, "sources-table", 7)]
    assert counts == sorted(counts, reverse=True)
    assert page.locator("#sources-table tbody tr").count() == len(report["sources"])
    # a claim in the table leads to its quotes, its article and its sources
    page.click("#claims-table a[href='#claim-bw-unloads-discs']")
    card = page.locator("#claim-bw-unloads-discs")
    assert abs(opened.js("document.getElementById('claim-bw-unloads-discs').getBoundingClientRect().top")) < 60
    assert "opening up the disc space" in " ".join(card.locator("blockquote").first.inner_text().split())
    assert "Does Backward Walking Help Low Back Pain?" in card.inner_text()
    assert card.locator("a[href='#source-dufek2011']").count() == 1
    assert opened.errors == [] and opened.requests == [opened.url]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-claim.png"))
    page.close()


def test_doi_and_pmid_links_and_print(browser: Browser, built: Project, tmp_path: Path) -> None:
    report = build_report(built.projection(), built.traces())
    opened = open_report(browser, render_html(report), tmp_path / "report.html")
    page = opened.page
    links = opened.js("Array.from(document.querySelectorAll('#claim-walking-relieves-lbp a.doi, "
                      "#claim-walking-relieves-lbp a.pmid')).map(a => [a.className, a.textContent, a.href, a.rel])")
    assert ["doi", "10.1097/MD.0000000000016173", "https://doi.org/10.1097/MD.0000000000016173",
            "noopener noreferrer"] in links
    assert ["pmid", "31261549", "https://pubmed.ncbi.nlm.nih.gov/31261549/", "noopener noreferrer"] in links
    sources = {s["id"]: s for s in report["sources"]}
    shown = opened.js("Array.from(document.querySelectorAll('#sources-table tbody tr')).map(r => "
                      "[r.id.slice(7), r.cells[1].textContent.trim(), r.cells[2].textContent.trim()])")
    assert {s: (doi, pmid) for s, doi, pmid in shown} == {k: (s["doi"] or "", s["pmid"] or "") for k, s in sources.items()}
    assert sum(1 for _, doi, _ in shown if doi) >= 20
    # print: no contents or sort arrows, headings not sticky, the summary and the charts kept
    page.emulate_media(media="print")
    assert page.locator("nav.contents").is_hidden()
    assert opened.js("getComputedStyle(document.querySelector('#claims-table th')).position") == "static"
    assert page.locator(".summary").is_visible() and page.locator("#claim-walking-relieves-lbp").is_visible()
    page.screenshot(path=str(ARTIFACTS / "report-print.png"))
    assert page.pdf(format="A4")[:5] == b"%PDF-"
    assert opened.errors == [] and opened.requests == [opened.url]
    page.close()


def test_a_changed_script_does_not_run(browser: Browser, built: Project, tmp_path: Path) -> None:
    """The CSP allows the report's script by its hash, not any inline script: change one character
    and the browser refuses it (the tables stay as they are, unsorted but complete)."""
    html = render_html(build_report(built.projection(), built.traces()))
    assert html.count('"use strict";') == 1
    opened = open_report(browser, html, tmp_path / "ok.html")
    assert opened.js("document.querySelectorAll('th button.sort').length") > 20
    opened.page.close()
    opened = open_report(browser, html.replace('"use strict";', '"use strict"; '), tmp_path / "changed.html")
    assert opened.js("document.querySelectorAll('th button.sort').length") == 0
    assert any("Content Security Policy" in e for e in opened.errors)
    assert opened.page.locator("#claims-table tbody tr").count() > 100
    opened.page.close()


def test_payload_report_runs_nothing(browser: Browser, tmp_path: Path) -> None:
    project = Project(payload_corpus(tmp_path), tmp_path / "build")
    opened = open_report(browser, render_html(build_report(project.projection(), project.traces())),
                         tmp_path / "payload.html")
    page = opened.page
    for button in page.locator("th button.sort").all():
        button.click()
    for link in page.locator("a[href^='#']").all():
        link.click()
    assert opened.js("window.__pwned") is None and opened.dialogs == []
    assert opened.js("document.querySelectorAll('img, svg image, iframe, a[href^=javascript]').length") == 0
    assert opened.js("document.scripts.length") == 1
    assert PAYLOADS[0] in page.locator("body").inner_text()  # shown as text
    assert opened.errors == [] and opened.requests == [opened.url]
    page.close()


def test_a_claim_links_to_its_article_where_the_address_is_known(browser: Browser, tmp_path: Path) -> None:
    """The seeds know no article's address; a small corpus that knows one (with a hostile query
    string) links the claim's quote and the articles table to it, as an attribute and nothing more."""
    data = factory.corpus()
    data["annotations"]["a"]["url"] = "https://blog.example.org/a?q=\"><script>window.__pwned=1</script>"
    url = "https://blog.example.org/a?q=%22%3E%3Cscript%3Ewindow.__pwned=1%3C/script%3E"  # as ingest keeps it
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    opened = open_report(browser, render_html(build_report(project.projection(), project.traces())),
                         tmp_path / "report.html")
    outside = opened.js("Array.from(document.querySelectorAll('a[href^=\"http\"]'))"
                        ".map(a => [a.closest('[id]').id, a.getAttribute('href'), a.rel])")
    assert {(where, href) for where, href, _ in outside} == {("claim-bw-helps", url), ("claim-bw-unloads", url),
                                                              ("article-a", url)}
    assert {rel for _, _, rel in outside} == {"noopener noreferrer"}
    opened.page.click("#claims-table a[href='#claim-bw-helps']")
    assert opened.page.locator("#claim-bw-helps blockquote").count() == 1
    assert opened.js("window.__pwned") is None and opened.js("document.scripts.length") == 1
    assert opened.errors == [] and opened.requests == [opened.url]
    opened.page.close()
