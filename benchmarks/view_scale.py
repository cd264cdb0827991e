"""Time the graph page at about 1,000 and 10,000 nodes: build in Python, open in headless Chromium.

Run after `make test` (which installs chromium):  .venv/bin/python benchmarks/view_scale.py
The graphs are copies of the real corpus projection side by side (lbpgraph.devtools.synth.tiled_projection),
so every node carries attributes from the real pipeline. Prints one table measured in this run.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from lbpgraph.core.files import atomic_write
from lbpgraph.project import Project
from lbpgraph.devtools.synth import tiled_projection
from lbpgraph.presentation.view import build_view

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="lbpgraph-view-bench-"))
    project = Project(ROOT / "data", work / "build")
    project.build()
    graph = project.projection()
    per_copy = len(build_view(graph).nodes)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        for target in (1_000, 10_000):
            copies = -(-target // per_copy)
            started = time.perf_counter()
            view = build_view(tiled_projection(graph, copies))
            html = view.to_html()
            built = time.perf_counter() - started
            path = work / f"view-{target}.html"
            atomic_write(path, html.encode("utf-8"))
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(path.as_uri())
            while not page.evaluate("() => Boolean(window.lbpgraphView && window.lbpgraphView.ready)"):
                page.wait_for_timeout(20)
            opened = time.perf_counter() - started
            started = time.perf_counter()
            found = page.evaluate("() => lbpgraphView.search('opens the disc space')")
            page.evaluate("id => lbpgraphView.select(id)", found[0])
            responded = time.perf_counter() - started
            rows.append((len(view.nodes), len(view.edges), built, opened, responded, len(html) / 1e6, view.physics))
            page.close()
        browser.close()
    print(f"{'nodes':>7} {'edges':>7} {'build (s)':>10} {'open (s)':>9} {'search+select (s)':>18} {'page (MB)':>10} physics")
    for nodes, edges, built, opened, responded, size, physics in rows:
        print(f"{nodes:>7} {edges:>7} {built:>10.2f} {opened:>9.2f} {responded:>18.2f} {size:>10.1f} {'on' if physics else 'off'}")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
