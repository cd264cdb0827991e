"""The pages of ``lbpgraph serve`` in Debian's Chromium, driven by Playwright, and a browser
client of the SPARQL endpoint from another origin (what YASGUI does).

Every page loads with no console error and requests nothing from any other host; a search
finds a claim and its page shows the trace and the graph; nothing from the payload corpus runs
on any page. Screenshots go to tests/artifacts/ for review.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page

from lbpgraph.core import vocab
from lbpgraph.project import Project
from lbpgraph.presentation.view import build_view

from .conftest import DATA
from .serving import Server
from .test_view_browser import PAYLOADS, Opened, payload_corpus, screenshot

CLAIM = "bw-unloads-discs"


@pytest.fixture(scope="module")
def server(built: Project) -> Iterator[Server]:
    running = Server(DATA, built.build_dir)
    yield running
    running.stop()


def visit(browser: Browser, url: str, **context: Any) -> Opened:
    page = browser.new_context(viewport={"width": 1400, "height": 900}, **context).new_page()
    opened = Opened(page, url)
    page.goto(url)
    return opened


def ready(frame: Page | Frame) -> None:
    """Wait until a graph page has drawn (polled from outside: the page's CSP forbids eval)."""
    deadline = time.monotonic() + 120
    while not frame.evaluate("() => Boolean(window.lbpgraphView && window.lbpgraphView.ready)"):
        assert time.monotonic() < deadline, "the graph did not finish drawing"
        time.sleep(0.05)


def graph_frame(page: Page, claim: str) -> Frame:
    deadline = time.monotonic() + 60
    while True:
        found = [f for f in page.frames if f.url.endswith(f"/claim/{claim}/graph")]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "the graph frame did not load"
        time.sleep(0.05)


def only_from(opened: Opened, server: Server) -> None:
    assert opened.errors == []
    assert opened.requests and all(r.startswith(server.url + "/") for r in opened.requests), opened.requests


def test_find_a_claim_then_read_its_trace_and_graph(browser: Browser, server: Server, built: Project) -> None:
    opened = visit(browser, server.url + "/")
    page = opened.page
    claims = [d for _, d in built.projection().nodes(data=True) if d["kind"] == "claim"]
    assert page.locator("#claims li").count() == len(claims)
    best = min((t["verdict"]["certainty"] for t in built.traces().values()), key=vocab.CERTAINTY.notations.index)
    assert best != "none" and page.locator("#claims li .certainty").first.inner_text().replace(" ", "-") == best
    page.fill("#q", "  OPENS the disc   space ")
    page.click("form button")
    page.wait_for_url(f"{server.url}/claim/{CLAIM}")
    assert page.locator("#claim-id").inner_text() == CLAIM
    assert page.locator("#verdict").inner_text() == "certainty none (GRADE) peer-reviewed support: no"  # once
    trace = page.locator("#trace").inner_text()
    assert trace.startswith(f"Claim {CLAIM}") and "Dufek JS et al. 2011" in trace and "dead end" in trace
    frame = graph_frame(page, CLAIM)
    ready(frame)
    view = build_view(built.projection(), CLAIM)
    assert frame.evaluate("lbpgraphView.nodeCount()") == len(view.nodes)
    assert frame.evaluate("lbpgraphView.edgeCount()") == len(view.edges)
    claim_node = next(n["id"] for n in view.nodes if n["kind"] == "claim")
    assert frame.evaluate("lbpgraphView.selected()") == [claim_node]
    only_from(opened, server)
    screenshot(opened, "serve-claim.png")
    page.context.close()


def test_several_or_no_matches_are_listed(browser: Browser, server: Server) -> None:
    opened = visit(browser, server.url + "/?" + urllib.parse.urlencode({"q": "back walking"}))
    page = opened.page
    assert page.locator("#message").inner_text().endswith("claims match; choose one:")
    assert page.locator("#claims li").count() > 2
    why = page.locator("#claims li .why").first.inner_text()  # why each matched, as trace says it
    assert why.startswith("matched statement: back, walking") and "concept 'back walking (massage)'" in why
    first = page.locator("#claims li a").first
    target = first.get_attribute("href")
    first.click()
    page.wait_for_url(server.url + str(target))
    assert page.locator("#claim-id").inner_text() == str(target).rsplit("/", 1)[1]
    page.goto(server.url + "/?" + urllib.parse.urlencode({"q": "zebra quantum violin"}))
    assert page.locator("#message").inner_text() == "No claim matches. The closest:"
    assert page.locator("#claims li").count() == 5
    only_from(opened, server)
    page.goto(server.url + "/claim/no-such-claim")
    assert "No claim has the id 'no-such-claim'" in page.locator("#message").inner_text()
    assert opened.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    page.context.close()


def test_graph_report_and_endpoint_pages(browser: Browser, server: Server, built: Project) -> None:
    opened = visit(browser, server.url + "/graph")
    ready(opened.page)
    view = build_view(built.projection())
    assert opened.js("lbpgraphView.nodeCount()") == len(view.nodes)
    assert opened.js("lbpgraphView.physics()") is view.physics
    found = opened.js("() => lbpgraphView.search('opens the disc space')")
    assert len(found) == 1
    only_from(opened, server)
    screenshot(opened, "serve-graph.png")
    opened.page.context.close()

    opened = visit(browser, server.url + "/report")
    assert opened.page.locator("h1").inner_text() == "lbpgraph evidence report"
    assert opened.js("document.scripts.length") == 1  # the sorting, allowed by its hash in the header too
    times = opened.page.locator("#claims-table thead th", has_text="times made")
    times.locator("button").click()
    assert times.get_attribute("aria-sort") == "ascending"
    opened.page.click("nav.contents a[href='#sources']")
    assert abs(opened.js("document.getElementById('sources').getBoundingClientRect().top")) < 60
    only_from(opened, server)
    opened.page.context.close()

    opened = visit(browser, server.sparql)
    page = opened.page
    assert page.locator("#endpoint").inner_text() == server.sparql
    assert "sd:Service" in page.locator("#description").inner_text()
    assert f"--data-urlencode 'query=SELECT" in page.locator("body").inner_text()
    only_from(opened, server)
    page.context.close()


def test_a_page_of_another_origin_queries_the_endpoint(browser: Browser, server: Server) -> None:
    """What YASGUI does from its own origin: a simple POST, and one that needs a preflight.
    The page comes from http://localhost:PORT, another origin than http://127.0.0.1:PORT."""
    other = server.url.replace("127.0.0.1", "localhost")
    opened = visit(browser, other + "/report", bypass_csp=True)  # the report's CSP allows no fetch at all
    ask = "ASK { claim:bw-unloads-discs a schema:Claim }"
    answers = opened.js("""async ([endpoint, ask]) => {
        const form = await fetch(endpoint, {method: "POST", body: new URLSearchParams({query: ask}),
                                            headers: {"Accept": "application/sparql-results+json"}});
        const direct = await fetch(endpoint, {method: "POST", body: ask,
                                              headers: {"Content-Type": "application/sparql-query",
                                                        "Accept": "application/sparql-results+json"}});
        const refused = await fetch(endpoint + "?query=" + encodeURIComponent("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"));
        let page = "read";
        try { await (await fetch(endpoint.replace("/sparql", "/report"))).text(); } catch (e) { page = "blocked"; }
        return [await form.json(), await direct.json(), refused.status, await refused.text(), page];
    }""", [server.sparql, ask])
    assert answers[0] == answers[1] == {"head": {}, "boolean": True}
    assert answers[2] == 400 and answers[3].startswith("Error: SERVICE <http://127.0.0.1:9/> refused")
    assert answers[4] == "blocked"  # pages carry no CORS headers: other origins cannot read them
    opened.page.context.close()


def test_payload_corpus_never_runs_on_any_page(browser: Browser, tmp_path: Path) -> None:
    data = payload_corpus(tmp_path)
    running = Server(data, tmp_path / "build")
    try:
        for path in ("/", "/?q=claim", "/?q=" + urllib.parse.quote(PAYLOADS[1]), "/claim/bw-helps",
                     "/claim/bw-helps/graph", "/graph", "/report", "/sparql"):
            opened = visit(browser, running.url + path)
            page = opened.page
            landed = urllib.parse.urlsplit(page.url).path
            graphs = [page] if landed.endswith("/graph") else []
            if landed.startswith("/claim/") and not landed.endswith("/graph"):
                graphs.append(graph_frame(page, landed.rsplit("/", 1)[1]))
            for frame in graphs:
                ready(frame)
                for text in ("claim", "walking", "script"):  # select what a search finds: the panel shows it
                    for n in frame.evaluate("t => lbpgraphView.search(t)", text):
                        frame.evaluate("id => lbpgraphView.select(id)", n)
            for frame in [page, *graphs]:
                assert frame.evaluate("window.__pwned") is None, path
                assert frame.evaluate("document.querySelectorAll('img, svg image, a[href^=javascript]').length") == 0
            scripts = 2 if landed.endswith("/graph") else (1 if landed == "/report" else 0)
            assert opened.js("document.scripts.length") == scripts, path
            frames = opened.js("document.querySelectorAll('iframe').length")
            assert frames == (1 if landed.startswith("/claim/") and not landed.endswith("/graph") else 0), path
            assert opened.dialogs == [], path
            only_from(opened, running)
            if path in ("/", "/claim/bw-helps"):
                assert PAYLOADS[0] in page.inner_text("body"), path  # shown as text
                screenshot(opened, f"serve-payload{path.replace('/', '-')}.png")
            page.context.close()
    finally:
        running.stop()


def test_the_claim_page_links_to_each_article_outside_the_frame(browser: Browser, tmp_path: Path) -> None:
    """An article with an address (a hostile one: quotes and a script in its query) is a real
    link on the claim page, beside its site, author and dates, and in the graph's panel: each
    opens a new tab (the address percent-encoded, nothing run), never the frame, whose CSP would
    refuse it. The article's host is answered in the browser: nothing leaves the machine."""
    from .test_export import located
    project = located(tmp_path / "corpus", "https://blog.example.org/x?q=\"><script>window.__pwned=1</script>'")
    href = "https://blog.example.org/x?q=%22%3E%3Cscript%3Ewindow.__pwned=1%3C/script%3E'"
    landed = href.replace("'", "%27")  # as Chromium sends it
    running = Server(project.data_dir, tmp_path / "build")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route("https://blog.example.org/**", lambda route: route.fulfill(body="the article", content_type="text/plain"))
    try:
        page = context.new_page()
        opened = Opened(page, running.url + "/claim/bw-helps")
        page.goto(opened.url)
        items = page.locator("#articles li")
        assert items.count() == 2
        link = page.locator("#articles a")
        assert link.count() == 1  # article a has no address: its title is plain text
        assert [link.get_attribute(n) for n in ("href", "target", "rel")] == [href, "_blank", "noopener noreferrer"]
        assert link.inner_text() == "Walking Backwards"
        assert items.nth(1).inner_text().endswith(
            "Walkers' <Blog> · Example & Co · by Jo Walker · published 2014-02 · accessed 2026-11-30")
        with context.expect_page() as popup:
            link.click()
        popup.value.wait_for_load_state()
        assert popup.value.url == landed and popup.value.inner_text("body") == "the article"
        popup.value.close()
        frame = graph_frame(page, "bw-helps")
        ready(frame)
        [article] = [n["id"] for n in build_view(project.projection(), "bw-helps").nodes
                     if n["kind"] == "article" and "url" in n]
        frame.evaluate("id => lbpgraphView.select(id)", article)
        inside = frame.locator("#details a")
        assert [inside.get_attribute(n) for n in ("href", "target", "rel")] == [href, "_blank", "noopener noreferrer"]
        with context.expect_page() as popup:
            inside.click()
        popup.value.wait_for_load_state()
        assert popup.value.url == landed
        assert frame.url.endswith("/claim/bw-helps/graph") and page.url == opened.url
        for where in (page, frame, popup.value):
            assert where.evaluate("window.__pwned") is None
        assert opened.errors == [] and opened.dialogs == []  # no CSP report of a framed article
        assert all(r.startswith(running.url + "/") for r in opened.requests), opened.requests
    finally:
        context.close()
        running.stop()
