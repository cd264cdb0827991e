"""The graph page in a real browser: Debian's Chromium driven by Playwright.

Loads with no console error and no network request, node and edge counts equal the view's,
search, filters, selection and focus work, no two labels overlap where the page draws them and
nothing is cut off by the side panel, nothing from the payload corpus runs, and a 10,000-node
page opens and responds. Screenshots go to tests/artifacts/ for review.

Label boxes are measured on what the canvas really draws: before the page's scripts run, the
test wraps ``CanvasRenderingContext2D.fillText`` and records, for every text drawn, its ink box
(``measureText``'s actual bounding box, through the context's transform, in page pixels).
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


# Installed before the page's scripts (a CDP script, which the page's CSP does not govern).
RECORD_TEXT = """(() => {
  const fill = CanvasRenderingContext2D.prototype.fillText;
  window.__texts = null;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    if (window.__texts) {
      const m = this.measureText(text), t = this.getTransform(), c = this.canvas, r = c.getBoundingClientRect();
      const k = c.width / c.clientWidth;
      const at = (u, v) => [(t.a * u + t.c * v + t.e) / k + r.left, (t.b * u + t.d * v + t.f) / k + r.top];
      const [left, top] = at(x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent);
      const [right, bottom] = at(x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent);
      window.__texts.push({text: String(text), left, top, right, bottom, turned: t.b !== 0 || t.c !== 0});
    }
    return fill.call(this, text, x, y, ...rest);
  };
})();"""


def open_page(browser: Browser, view: View, path: Path, size: tuple[int, int] = (1400, 900)) -> Opened:
    atomic_write(path, view.to_html().encode("utf-8"))
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.add_init_script(RECORD_TEXT)
    opened = Opened(page, path.resolve().as_uri())
    page.goto(opened.url)
    # Polled from outside: the page's CSP forbids eval, which wait_for_function relies on.
    deadline = time.monotonic() + 120
    while not page.evaluate("() => Boolean(window.lbpgraphView && window.lbpgraphView.ready)"):
        assert time.monotonic() < deadline, "the page did not finish drawing"
        page.wait_for_timeout(50)
    return opened


def drawn_text(opened: Opened) -> list[dict[str, Any]]:
    """Every text the canvas draws in one frame, with its ink box in page pixels: one evaluation,
    since vis-network redraws synchronously, so no other frame (a hover, an animation) slips in."""
    return opened.js("() => { window.__texts = []; lbpgraphView.redraw(); const t = window.__texts;"
                     " window.__texts = null; return t; }")


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes share more than half a pixel each way."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if (min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
                    and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5):
                found.append((a["text"], b["text"]))
    return found


def outside(opened: Opened, boxes: list[dict[str, Any]]) -> list[str]:
    """Texts not wholly inside the graph's canvas (cut off by its edge or the panel)."""
    canvas = opened.js("(() => { const r = document.querySelector('#graph canvas').getBoundingClientRect();"
                       " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })()")
    return [b["text"] for b in boxes if b["left"] < canvas["left"] or b["top"] < canvas["top"]
            or b["right"] > canvas["right"] or b["bottom"] > canvas["bottom"]]


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

LABELS = ARTIFACTS / "view-labels.json"


def record_labels(name: str, numbers: dict[str, Any]) -> None:
    """Keep the measured numbers beside the screenshots, one entry per page."""
    ARTIFACTS.mkdir(exist_ok=True)
    kept = json.loads(LABELS.read_text()) if LABELS.exists() else {}
    kept[name] = numbers
    LABELS.write_text(json.dumps(kept, indent=2, sort_keys=True))


def assert_labels_apart(opened: Opened, at_least: int) -> list[dict[str, Any]]:
    boxes = drawn_text(opened)
    assert len(boxes) >= at_least
    assert not any(b["turned"] for b in boxes)
    assert overlapping(boxes) == []
    assert outside(opened, boxes) == []
    assert sorted(b["text"] for b in boxes) == sorted(b["text"] for b in opened.js("lbpgraphView.labels()"))
    return boxes


def synthetic(root: Path) -> Project:
    from lbpgraph.devtools.synth import generate
    generate(root / "data", 20_000)
    project = Project(root / "data", root / "build")
    project.build()
    return project


@pytest.mark.parametrize("corpus", ["data", "synthetic"])
def test_no_two_labels_overlap_at_the_starting_view_nor_zoomed_in(browser: Browser, built: Project,
                                                                  tmp_path: Path, corpus: str) -> None:
    project = built if corpus == "data" else synthetic(tmp_path)
    view = build_view(project.projection())
    opened = open_page(browser, view, tmp_path / "all.html")
    articles = [n["label"] for n in view.nodes if n["kind"] == "article"]
    start = assert_labels_apart(opened, at_least=40)
    assert set(articles) <= {b["text"] for b in start}  # every article is named at the start
    screenshot(opened, f"view-labels-{corpus}.png")
    graph = opened.page.locator("#graph").bounding_box()
    opened.page.mouse.move(graph["x"] + graph["width"] / 2, graph["y"] + graph["height"] / 2)
    for _ in range(3):
        opened.page.mouse.wheel(0, -240)
        opened.page.wait_for_timeout(100)
    zoomed = assert_labels_apart(opened, at_least=10)
    visible = opened.js("lbpgraphView.visibleCount()")
    record_labels(corpus, {"nodes": len(view.nodes), "visible": visible, "labels_at_start": len(start),
                           "labels_zoomed_in": len(zoomed),
                           "scale_zoomed_in": opened.js("lbpgraphView.scale()")})
    screenshot(opened, f"view-labels-{corpus}-zoomed.png")
    assert opened.errors == [] and opened.requests == [opened.url]
    opened.page.close()


def test_labels_apart_on_a_claim_page_with_its_edge_labels(browser: Browser, built: Project, tmp_path: Path) -> None:
    view = build_view(built.projection(), "walking-relieves-lbp")
    opened = open_page(browser, view, tmp_path / "claim.html")
    boxes = assert_labels_apart(opened, at_least=len(view.nodes) - 2)
    assert any(b["text"].startswith("cites · ") for b in boxes)  # the fidelity of the citations
    record_labels("claim walking-relieves-lbp", {"nodes": len(view.nodes), "labels_at_start": len(boxes)})
    opened.page.close()


def test_the_measure_sees_an_overlap(browser: Browser, built: Project, tmp_path: Path) -> None:
    """The measure itself can fail: two texts drawn over each other on the page's canvas are found."""
    opened = open_page(browser, build_view(built.projection(), "bw-unloads-discs"), tmp_path / "claim.html")
    opened.js("""() => { window.__texts = [];
        const ctx = document.querySelector('#graph canvas').getContext('2d');
        ctx.fillText('first words', 40, 40); ctx.fillText('second words', 52, 44); }""")
    boxes = opened.js("() => window.__texts")
    assert overlapping(boxes) == [("first words", "second words")]
    opened.page.close()


PANEL_FITS = """() => {
  const canvas = document.querySelector('#graph canvas').getBoundingClientRect();
  const aside = document.querySelector('aside'), panel = aside.getBoundingClientRect();
  const sticking = Array.from(aside.querySelectorAll('*')).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.left < panel.left - 0.5 || r.right > panel.right + 0.5 || e.scrollWidth > e.clientWidth + 1);
  }).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40));
  return {apart: canvas.right <= panel.left + 0.5, page: document.documentElement.scrollWidth <= innerWidth,
          panel: aside.scrollWidth <= aside.clientWidth, sticking: sticking};
}"""


@pytest.mark.parametrize("size", [(1400, 900), (1024, 700)])
def test_nothing_is_cut_off_by_the_side_panel(browser: Browser, built: Project, tmp_path: Path,
                                              size: tuple[int, int]) -> None:
    view = build_view(built.projection())
    opened = open_page(browser, view, tmp_path / "all.html", size)
    fits = {"apart": True, "page": True, "panel": True, "sticking": []}
    assert opened.js(PANEL_FITS) == fits
    opened.js("id => lbpgraphView.select(id)", node_id(view, claim="walking-relieves-lbp"))  # five long quotes
    assert opened.js(PANEL_FITS) == fits
    opened.page.fill("#search", "walking")
    opened.page.click("#search-form button")
    assert opened.page.locator("#results button").count() == 30
    assert opened.js(PANEL_FITS) == fits
    assert outside(opened, drawn_text(opened)) == []
    screenshot(opened, f"view-panel-{size[0]}.png")
    opened.page.close()


def test_search_finds_claims_quotes_sources_and_authors(browser: Browser, built: Project, tmp_path: Path) -> None:
    view = build_view(built.projection())
    opened = open_page(browser, view, tmp_path / "all.html")
    page = opened.page
    label = {n["id"]: n["label"] for n in view.nodes}

    def found(text: str) -> list[dict[str, Any]]:
        return opened.js("t => lbpgraphView.matches(t)", text)
    dufek = found("Dufek")
    assert label[dufek[0]["id"]] == "Dufek JS et al. 2011" and dufek[0]["kind"] == "source"
    cites = {label[h["id"]] for h in dufek if h["why"] == "cites a matching source"}
    assert label[node_id(view, claim="bw-unloads-discs")] in cites and len(cites) >= 3
    assert label[found("Mercer JA")[0]["id"]] == "Dufek JS et al. 2011"  # an author, not the first one
    assert label[found("possible active exercise")[0]["id"]] == "Dufek JS et al. 2011"  # a word of its title
    [quote] = [h for h in found("concomitant extension") if h["kind"] == "claim"]  # words of a quote only
    assert (quote["id"], quote["why"]) == (node_id(view, claim="bw-unloads-discs"), "in a quote")
    assert found("FUNCTIONAL   disc rehydration")[0]["kind"] in ("claim", "intervention", "mechanism")
    assert found("zzz no such words") == []
    page.fill("#search", "Dufek")
    page.click("#search-form button")
    assert page.locator("#results button").count() == len(dufek)
    assert opened.js("lbpgraphView.selected()") == [dufek[0]["id"]]  # the clear best is selected
    assert len(opened.js("lbpgraphView.highlighted()")) > 3  # with the claims and articles leaning on it
    page.locator("#results button", has_text="Backward walking opens the disc space").click()
    assert opened.js("lbpgraphView.selected()") == [node_id(view, claim="bw-unloads-discs")]
    assert opened.errors == [] and opened.requests == [opened.url]
    page.close()


def test_focus_on_a_claim_hides_the_rest(browser: Browser, built: Project, tmp_path: Path) -> None:
    view = build_view(built.projection())
    opened = open_page(browser, view, tmp_path / "all.html")
    page = opened.page
    for claim in ("walking-relieves-lbp", "bw-unloads-discs"):
        opened.js("id => lbpgraphView.select(id)", node_id(view, claim=claim))
        page.locator("#actions button", has_text="Focus on this claim").click()
        alone = {n["label"] for n in build_view(built.projection(), claim).nodes}
        shown = {n["label"] for n in view.nodes if not opened.js("id => lbpgraphView.node(id).hidden", n["id"])}
        assert shown == alone  # exactly what the claim's own page holds
        assert opened.js("lbpgraphView.visibleCount()") == len(alone)
        assert_labels_apart(opened, at_least=len(alone) - 3)
        screenshot(opened, f"view-focus-{claim}.png")
        page.locator("#actions button", has_text="Show the whole graph").click()
        assert opened.js("lbpgraphView.visibleCount()") == len(view.nodes)
    opened.js("id => lbpgraphView.focus(id)", node_id(view, claim="bw-unloads-discs"))
    page.uncheck("input[data-kind=source]")  # filters still apply inside a focus
    sources = [n for n in build_view(built.projection(), "bw-unloads-discs").nodes if n["kind"] == "source"]
    assert opened.js("lbpgraphView.visibleCount()") == 14 - len(sources)
    assert opened.errors == [] and opened.requests == [opened.url]
    page.close()


def test_the_panel_shows_the_quotes_and_links_each_to_its_article(browser: Browser, tmp_path: Path) -> None:
    data = factory.corpus()
    data["annotations"]["a"]["url"] = "https://blog.example.org/a?q=\"><script>window.__pwned=1</script>"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    view = build_view(project.projection())
    opened = open_page(browser, view, tmp_path / "page.html")
    opened.js("id => lbpgraphView.select(id)", node_id(view, claim="bw-helps"))
    details = opened.page.locator("#details")
    assert details.locator("blockquote").all_inner_texts() == ["\u201cWalking backwards helps\u00a0back pain\u201d"]  # the exact words
    links = opened.js("Array.from(document.querySelectorAll('#details a')).map(a => [a.getAttribute('href'), a.textContent, a.rel])")
    assert links == [["https://blog.example.org/a?q=%22%3E%3Cscript%3Ewindow.__pwned=1%3C/script%3E",
                      "Walking Backwards", "noopener noreferrer"]]
    source = node_id(view, kind="source")
    opened.js("id => lbpgraphView.select(id)", source)
    assert opened.js("window.__pwned") is None and opened.errors == [] and opened.requests == [opened.url]
    opened.page.close()


def delta_e(one: str, other: str) -> float:
    """CIE76 colour difference of two #rrggbb colours (sRGB, D65)."""
    def lab(colour: str) -> tuple[float, float, float]:
        linear = [(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
                  for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
        xyz = [sum(m * c for m, c in zip(row, linear)) / w for row, w in zip(
            ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505)), (0.9505, 1.0, 1.089))]
        f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
        return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])
    return sum((a - b) ** 2 for a, b in zip(lab(one), lab(other))) ** 0.5


def test_articles_and_curator_evidence_look_different(browser: Browser, built: Project, tmp_path: Path) -> None:
    view = build_view(built.projection(), "walking-relieves-lbp")
    opened = open_page(browser, view, tmp_path / "claim.html")

    def drawn(n: dict[str, Any]) -> str:  # what a reader sees: the fill, or the border of a hollow node
        c = opened.js("id => lbpgraphView.node(id).color", n["id"])
        return c["border"] if c["background"] == "#ffffff" else c["background"]
    article = {drawn(n) for n in view.nodes if n["kind"] == "article"}
    curator = {drawn(n) for n in view.nodes if n["kind"] == "source" and "added by the curators" in n["title"]}
    others = {drawn(n) for n in view.nodes if n["kind"] != "article"}
    assert len(article) == 1 and len(curator) == 1
    far = min(delta_e(a, o) for a in article for o in others)
    assert far > 25, far  # CIE76: 2.3 is just noticeable; 25 is another colour
    assert min(delta_e(a, c) for a in article for c in curator) > 50
    assert "#0969da" not in article  # no longer the curators' blue family
    opened.page.close()


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
        for text in ["claim", "smith", *PAYLOADS]:  # search for the payloads, and open every result
            page.fill("#search", text)
            page.click("#search-form button")
            for button in page.locator("#results button").all():
                button.click()
        assert opened.js("() => lbpgraphView.search('window.__pwned')")  # the payloads are found, as text
        claim_node = node_id(view, claim="bw-helps")
        opened.js("id => lbpgraphView.select(id)", claim_node)
        page.locator("#actions button", has_text="Focus on this claim").click()  # focus, then back
        assert claim_node in opened.js("lbpgraphView.focused()")
        page.locator("#actions button", has_text="Show the whole graph").click()
        assert opened.js("lbpgraphView.focused()") is None
        assert overlapping(drawn_text(opened)) == []
        assert PAYLOADS[0] in opened.js("document.getElementById('details').textContent")  # the claim, as text
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
