"""The graph page in a real browser: Debian's Chromium driven by Playwright.

Loads with no console error and no network request, node and edge counts equal the view's,
search, filters and selection work, nothing from the payload corpus runs, and a 10,000-node
page opens and responds. Screenshots go to tests/artifacts/ for review.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from lbpgraph.core.files import atomic_write
from lbpgraph.project import Project
from lbpgraph.presentation.palette import CERTAINTY_COLOURS
from lbpgraph.devtools.synth import tiled_projection
from lbpgraph.presentation.view import View, build_view

from . import factory
from .conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
class Opened:
    """A page with what it logged, requested and tried to pop up."""

    def __init__(self, page: Page, url: str) -> None:
        self.page, self.url = page, url
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


def open_page(browser: Browser, view: View, path: Path) -> Opened:
    atomic_write(path, view.to_html().encode("utf-8"))
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = Opened(page, path.resolve().as_uri())
    page.goto(opened.url)
    # Polled from outside: the page's CSP forbids eval, which wait_for_function relies on.
    deadline = time.monotonic() + 120
    while not page.evaluate("() => Boolean(window.lbpgraphView && window.lbpgraphView.ready)"):
        assert time.monotonic() < deadline, "the page did not finish drawing"
        page.wait_for_timeout(50)
    return opened


def screenshot(opened: Opened, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / name))


def node_id(view: View, **match: str) -> str:
    return next(n["id"] for n in view.nodes if all(n.get(k) == v for k, v in match.items()))


def test_claim_page_offline_counts_and_selection(browser: Browser, built: Project, tmp_path: Path) -> None:
    view = build_view(built.projection(), "bw-unloads-discs")
    opened = open_page(browser, view, tmp_path / "claim.html")
    assert opened.errors == []
    assert opened.requests == [opened.url]
    assert opened.js("lbpgraphView.nodeCount()") == len(view.nodes)
    assert opened.js("lbpgraphView.edgeCount()") == len(view.edges)
    claim = node_id(view, kind="claim")
    assert opened.js("lbpgraphView.selected()") == [claim]
    opened.js("id => lbpgraphView.select(id)", claim)
    chain = {opened.js("id => lbpgraphView.node(id).label", n) for n in opened.js("lbpgraphView.highlighted()")}
    assert {"Dufek JS et al. 2011", "reference (9) of Dufek et al. 2011"} <= chain
    assert any(label.startswith("000:") for label in chain)  # 001's "opens the discs" is another claim
    assert not any(label.startswith("001:") for label in chain)
    assert "backward walking" not in chain  # concepts are not part of the citation chain
    # the claim is drawn in the colour of its certainty, and the panel says it first
    assert opened.js("id => lbpgraphView.node(id).color.background", claim) == CERTAINTY_COLOURS["none"]
    assert opened.page.locator("#details").inner_text().splitlines()[2] == "certainty: none (GRADE)"
    legend = opened.page.locator("aside .legend-list").inner_text()
    assert "claim, certainty very-low" in legend and "claim: peer-reviewed" not in legend
    screenshot(opened, "view-claim-bw-unloads-discs.png")
    opened.page.close()


def test_whole_graph_search_and_filters(browser: Browser, built: Project, tmp_path: Path) -> None:
    view = build_view(built.projection())
    opened = open_page(browser, view, tmp_path / "all.html")
    assert opened.errors == [] and opened.requests == [opened.url]
    assert opened.js("lbpgraphView.nodeCount()") == len(view.nodes)
    assert opened.js("lbpgraphView.edgeCount()") == len(view.edges)
    page = opened.page
    page.fill("#search", "  OPENS the disc   space ")
    page.click("#search-form button")
    target = node_id(view, claim="bw-unloads-discs")
    assert opened.js("lbpgraphView.selected()") == [target]
    page.fill("#search", "back walking")
    page.click("#search-form button")
    buttons = page.locator("#results button")
    assert buttons.count() > 2
    buttons.first.click()
    assert opened.js("lbpgraphView.selected()")[0] in opened.js("() => lbpgraphView.search('back walking')")
    unsupported = sum(1 for n in view.nodes if n.get("basis") == "unsupported")
    before = opened.js("lbpgraphView.visibleCount()")
    page.uncheck("input[data-basis=unsupported]")
    assert opened.js("lbpgraphView.visibleCount()") == before - unsupported
    page.uncheck("input[data-kind=source]")
    sources = sum(1 for n in view.nodes if n["kind"] == "source")
    assert opened.js("lbpgraphView.visibleCount()") == before - unsupported - sources
    page.check("input[data-basis=unsupported]")
    page.check("input[data-kind=source]")
    assert opened.js("lbpgraphView.visibleCount()") == before
    uncertain = sum(1 for n in view.nodes if n.get("certainty") == "very-low")
    assert uncertain > 5
    page.uncheck("input[data-certainty=very-low]")
    assert opened.js("lbpgraphView.visibleCount()") == before - uncertain
    page.check("input[data-certainty=very-low]")
    assert opened.errors == []
    screenshot(opened, "view-all.png")
    page.close()


PAYLOADS = ['<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=2">',
            "javascript:window.__pwned=3", "</script><script>window.__pwned=4</script>",
            '<a href="javascript:window.__pwned=5">href</a>', "<svg onload=window.__pwned=6>"]


def payload_corpus(root: Path) -> Path:
    data = factory.corpus()
    hostile = " ".join(PAYLOADS)
    data["articles"]["a.txt"] = factory.TEXT + hostile + "\n"
    ann = data["annotations"]["a"]
    ann["title"] = "Title " + PAYLOADS[4]
    ann["speakers"][0]["name"] = PAYLOADS[1]
    ann["appearances"].append({"id": "payload", "claim": "bw-helps", "quote": hostile, "speaker": "author",
                               "hedging": "certain", "citations": [{"mode": "vague", "fidelity": "unverified",
                                                                    "marker": PAYLOADS[3], "note": PAYLOADS[5]}]})
    ann["commercial_interest"] = [{"id": "offer", "name": PAYLOADS[0], "interventions": ["backward-walking"]}]
    data["claims.yaml"]["claims"][0]["statement"] = "Claim " + PAYLOADS[0] + " " + PAYLOADS[2]
    source = data["bibliography.yaml"]["sources"][0]
    source.update(title=PAYLOADS[4], label="Smith " + PAYLOADS[1], population_description=PAYLOADS[5])
    data["concepts.yaml"]["interventions"][1]["label"] = "backward walking " + PAYLOADS[3]
    return factory.write(root, data)


def test_payload_corpus_never_runs(browser: Browser, tmp_path: Path) -> None:
    project = Project(payload_corpus(tmp_path), tmp_path / "build")
    for claim in (None, "bw-helps"):
        view = build_view(project.projection(), claim)
        opened = open_page(browser, view, tmp_path / f"payload-{claim}.html")
        page = opened.page
        hovered = 0
        titles = {m["title"] for m in view.nodes}
        for n in view.nodes:  # hover every node: vis-network shows its tooltip
            x, y = opened.js("""id => { const r = document.getElementById('graph').getBoundingClientRect();
                                        const p = lbpgraphView.position(id); return [r.left + p.x, r.top + p.y]; }""", n["id"])
            page.mouse.move(x, y)
            page.wait_for_timeout(150)
            tooltip = page.locator("div.vis-tooltip")
            if tooltip.count() and tooltip.first.is_visible():
                # vis-network sets the title as text: its only elements are <br> for the newlines
                assert set(tooltip.first.evaluate("t => Array.from(t.children).map(c => c.tagName)")) <= {"BR"}
                assert tooltip.first.evaluate("t => t.innerText") in titles  # a node's title, as text
                hovered += 1
            opened.js("id => lbpgraphView.select(id)", n["id"])
        assert hovered >= len(view.nodes) // 2  # the tooltips really were shown
        page.fill("#search", "claim")
        page.click("#search-form button")
        assert opened.js("window.__pwned") is None
        assert opened.dialogs == []
        assert opened.js("document.querySelectorAll('img, svg image, iframe, a[href^=javascript]').length") == 0
        assert opened.js("document.scripts.length") == 2
        assert opened.errors == []
        assert opened.requests == [opened.url]
        assert PAYLOADS[0] in opened.js("document.getElementById('details').textContent + ' ' + "
                                        "Array.from(document.querySelectorAll('#results button')).map(b => b.textContent).join(' ')") \
            or claim is not None
        screenshot(opened, f"view-payload-{claim or 'all'}.png")
        page.close()


def test_ten_thousand_nodes_open_and_respond(browser: Browser, built: Project, tmp_path: Path) -> None:
    base = build_view(built.projection())
    copies = -(-10_000 // len(base.nodes))
    started = time.perf_counter()
    view = build_view(tiled_projection(built.projection(), copies))
    built_in = time.perf_counter() - started
    assert len(view.nodes) >= 10_000
    assert not view.physics
    started = time.perf_counter()
    opened = open_page(browser, view, tmp_path / "big.html")
    opened_in = time.perf_counter() - started
    assert opened.js("lbpgraphView.physics()") is False
    assert opened.js("lbpgraphView.nodeCount()") == len(view.nodes)
    assert opened.js("lbpgraphView.edgeCount()") == len(view.edges)
    started = time.perf_counter()
    found = opened.js("() => lbpgraphView.search('opens the disc space')")
    assert len(found) == copies
    opened.js("id => lbpgraphView.select(id)", found[0])
    assert len(opened.js("lbpgraphView.highlighted()")) >= 5
    responded_in = time.perf_counter() - started
    assert opened.errors == [] and opened.requests == [opened.url]
    screenshot(opened, "view-10k.png")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "view-10k.json").write_text(json.dumps(
        {"nodes": len(view.nodes), "edges": len(view.edges), "build_seconds": round(built_in, 2),
         "open_seconds": round(opened_in, 2), "search_and_select_seconds": round(responded_in, 2)}, indent=2))
    opened.page.close()
