"""The graph page without a browser: pyvis data, determinism, self-containment, exact output path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from pyvis.network import Network

from lbpgraph.project import Project
from lbpgraph.presentation.palette import CERTAINTY_COLOURS
from lbpgraph.presentation.view import fill_network, build_view

from . import factory
from .conftest import DATA, ROOT, run


def test_bulk_fill_equals_pyvis_add_node_and_add_edge(built: Project) -> None:
    page = build_view(built.projection(), "bw-unloads-discs")
    by_pyvis = Network(directed=True)
    for n in page.nodes:
        by_pyvis.add_node(n["id"], **{k: v for k, v in n.items() if k != "id"})
    for e in page.edges:
        by_pyvis.add_edge(e["from"], e["to"], **{k: v for k, v in e.items() if k not in ("from", "to")})
    filled = Network(directed=True)
    fill_network(filled, page.nodes, page.edges)
    assert filled.get_network_data()[:2] == by_pyvis.get_network_data()[:2]
    assert filled.node_ids == by_pyvis.node_ids and filled.node_map == by_pyvis.node_map


def test_neighbourhood_holds_the_chain_and_the_concepts(built: Project) -> None:
    page = build_view(built.projection(), "bw-unloads-discs")
    labels = {n["label"]: n for n in page.nodes}
    assert {"Dufek JS et al. 2011", "reference (9) of Dufek et al. 2011", "backward walking",
            "facet joint loading"} <= set(labels)
    assert labels["reference (9) of Dufek et al. 2011"]["shapeProperties"] == {"borderDashes": [4, 3]}
    kinds = {n["kind"] for n in page.nodes}
    assert kinds == {"article", "claim", "source", "intervention", "mechanism", "structure"}
    cites = [e for e in page.edges if e["kind"] in ("cites", "chain")]
    assert {e["label"] for e in cites} == {"cites · partially-supports", "cites · unverified"}
    assert all(re.fullmatch(r"n\d+", n["id"]) for n in page.nodes)  # opaque ids
    claim = next(n for n in page.nodes if n["kind"] == "claim")
    assert (claim["certainty"], claim["basis"]) == ("none", "expert-opinion")  # colour: certainty; basis: a filter
    assert claim["color"]["background"] == CERTAINTY_COLOURS["none"]
    assert claim["title"].splitlines()[2] == "certainty: none (GRADE)"
    walking = next(n for n in build_view(built.projection(), "walking-relieves-lbp").nodes if n["kind"] == "claim")
    assert walking["color"]["background"] == CERTAINTY_COLOURS["very-low"] != CERTAINTY_COLOURS["none"]
    assert not page.physics


def test_whole_graph_counts_every_claim(built: Project) -> None:
    page = build_view(built.projection())
    claims = [n for n in page.nodes if n["kind"] == "claim"]
    assert len(claims) == len(built.traces())
    assert len({n["id"] for n in page.nodes}) == len(page.nodes)


def test_page_is_deterministic_and_self_contained(built: Project, tmp_path: Path) -> None:
    first = build_view(built.projection(), "walking-relieves-lbp").to_html()
    assert first == build_view(built.projection(), "walking-relieves-lbp").to_html()
    assert "Content-Security-Policy" in first and "default-src 'none'" in first
    assert not re.search(r"""\s(src|href)\s*=\s*["']?(https?:|//)""", first, re.I)
    assert not re.search(r"cdn\.|bootstrap|jsdelivr|cdnjs|unpkg", first, re.I)
    assert first.count("</script>") == 2  # the inlined vis-network and the page's own script
    assert "sourceMappingURL" not in first
    from importlib import resources
    bundled = (resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(encoding="utf-8")
    code = bundled[:bundled.rindex("//# sourceMappingURL")]
    assert code in first  # the library itself is inlined byte for byte


def _view_in_subprocess(build: Path, out: Path, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "lbpgraph", "--data", str(DATA), "--build-dir", str(build), "view", "--all",
                    "--out", str(out)], check=True, env=env, cwd=ROOT, capture_output=True)
    return out.read_bytes()


def test_byte_identical_page_under_different_hash_seeds(built: Project, tmp_path: Path) -> None:
    assert _view_in_subprocess(built.build_dir, tmp_path / "a.html", "7") == \
        _view_in_subprocess(built.build_dir, tmp_path / "b.html", "4242")


def test_writes_exactly_the_given_path_and_nothing_else(built: Project, tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    target = workdir / "pages" / "claim.html"
    result = subprocess.run([sys.executable, "-m", "lbpgraph", "--data", str(DATA), "--build-dir", str(built.build_dir),
                             "view", "bw-reduces-lbp", "--out", str(target)], cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(str(p.relative_to(workdir)) for p in workdir.rglob("*")) == ["pages", "pages/claim.html"]
    assert result.stdout.startswith(f"Wrote {target}: ")


def test_view_needs_a_claim_or_all(built: Project) -> None:
    assert run("view", build=built.build_dir).exit_code == 2
    assert run("view", "bw-reduces-lbp", "--all", build=built.build_dir).exit_code == 2
    assert run("view", "zzzz unknown qqqq", build=built.build_dir).exit_code == 1
    assert run("view", "", build=built.build_dir).exit_code == 1  # as trace '': not the whole graph


def test_data_block_cannot_close_the_script(tmp_path: Path) -> None:
    data = factory.corpus()
    data["claims.yaml"]["claims"][0]["statement"] = "</script><script>window.__pwned=1</script>"
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    page = build_view(project.projection()).to_html()
    assert "</script><script>window.__pwned" not in page
    assert page.count("</script>") == 2
    assert "\\u003c/script\\u003e" in page


def test_notebook_display_is_an_iframe_srcdoc(built: Project) -> None:
    shown = build_view(built.projection(), "bw-unloads-discs")._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in shown
    assert "<script" not in shown  # the page is escaped inside the attribute


def _plain(value: object) -> bool:
    """Only JSON's own types, exactly: no tuple, no enum member, no str subclass."""
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return type(value) in (str, int, float, bool, type(None))


def test_the_page_data_are_plain_json_values(built: Project) -> None:
    page = build_view(built.projection(), "bw-unloads-discs")
    assert _plain(page.nodes) and _plain(page.edges)
    assert {n["kind"] for n in page.nodes} <= {"article", "claim", "source", "intervention", "mechanism",
                                                "structure", "condition"}


def test_the_page_of_one_claim_needs_no_networkx_and_is_the_same(built: Project, tmp_path: Path) -> None:
    """On the memory store the page of one claim reads the kept projection without NetworkX
    (a tenth of a second of imports), finds a claim given by id there without reading the kept
    traces, and is written without Jinja: the page is the one the NetworkX projection gives."""
    script = ("import sys; from lbpgraph.project import Project; "
              f"p = Project({str(built.data_dir)!r}, {str(built.build_dir)!r}, 'memory'); "
              "p.trace = p.traces = None; "  # an id is found without them
              "sys.stdout.write(p.view('bw-unloads-discs').to_html()); "
              "assert 'networkx' not in sys.modules, 'networkx was imported'; "
              "assert 'jinja2' not in sys.modules, 'jinja2 was imported'")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == build_view(built.projection(), "bw-unloads-discs").to_html()


def test_the_page_of_a_claim_given_by_text_is_the_page_of_its_id(built: Project) -> None:
    fresh = Project(built.data_dir, built.build_dir)
    by_text = fresh.view("Backward walking opens the disc space and unloads the intervertebral discs")
    assert by_text.claim == "bw-unloads-discs"
    assert by_text.to_html() == build_view(built.projection(), "bw-unloads-discs").to_html()
    assert fresh.view("bw-unloads-discs").to_html() == by_text.to_html()


def test_the_templates_hold_holes_only() -> None:
    """The page is filled in without a template engine: any other markup would reach the page as it is."""
    from lbpgraph.presentation.page import HOLE, TEMPLATES
    for name in ("view.html", "view.js"):
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        found = re.findall(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", text)
        assert found and all(HOLE.fullmatch(x) for x in found), (name, found)


def test_the_page_escapes_text_and_data_as_jinja_did() -> None:
    """The page was Jinja's (autoescape, tojson) before it was filled in without it: the same bytes."""
    import markupsafe
    from jinja2.utils import htmlsafe_json_dumps
    from lbpgraph.presentation.page import escape, to_json
    hostile = "</script><script>x='1' & \"2\"</script> <!-- é \u2028 \U0001f600 -->"
    assert escape(hostile) == str(markupsafe.escape(hostile))
    data = {"b": [hostile, None, True, 1.5], "a": {"z": hostile}}
    assert to_json(data) == str(htmlsafe_json_dumps(data, sort_keys=True))


def test_a_draft_article_and_its_appearances_are_marked(data_copy: Path, tmp_path: Path) -> None:
    """A draft is never counted in a verdict: the page says so on its article and on each claim it makes."""
    from lbpgraph.presentation.palette import DRAFT
    annotation = data_copy / "annotations" / "002.yaml"
    annotation.write_text(annotation.read_text(encoding="utf-8").replace(
        "kind: product-marketing\n", "kind: product-marketing\ndraft: true\n", 1), encoding="utf-8")
    project = Project(data_copy, tmp_path / "build")
    project.build()
    page = build_view(project.projection(), "walking-relieves-lbp")
    articles = {n["label"].split(":")[0]: n for n in page.nodes if n["kind"] == "article"}
    assert "002 (draft)" in articles and DRAFT in articles["002 (draft)"]["title"]
    assert "003" in articles and DRAFT not in articles["003"]["title"]
    by_id = {n["id"]: n for n in page.nodes}
    makes = {by_id[e["from"]]["label"].split(":")[0]: e for e in page.edges if e["kind"] == "makes"}
    assert makes["002 (draft)"]["label"] == "makes (draft)" and DRAFT in makes["002 (draft)"]["title"]
    assert makes["003"]["label"] == "makes"


def test_view_help_says_what_the_page_says_colour_means() -> None:
    """The page colours a claim by its GRADE certainty and filters by basis (legend, graph-page.md):
    --help says the same."""
    text = " ".join(run("view", "--help").stdout.split())
    assert "colour says the GRADE certainty of its evidence (its basis is a filter)" in text
    assert "colour says the evidence basis" not in text
    page = " ".join((ROOT / "docs" / "reference" / "graph-page.md").read_text(encoding="utf-8").split())
    assert "Colour says the GRADE certainty of a claim's evidence" in page


def test_a_citation_cycle_draws_each_source_once_with_the_edge_back(tmp_path: Path) -> None:
    """Smith cites Jones, which cites Smith back: the page of the claim, and of the whole graph,
    holds each source once and draws the link back as an edge to Smith's node."""
    project = Project(factory.write(tmp_path, factory.citation_cycle()), tmp_path / "build")
    for page in (build_view(project.projection(), "bw-unloads"), build_view(project.projection())):
        sources = {n["id"]: n["label"] for n in page.nodes if n["kind"] == "source"}
        assert sorted(sources.values()) == ["Jones K 2012", "Smith J 2010"]
        chain = sorted((sources[e["from"]], sources[e["to"]], e["title"].count("fidelity"))
                       for e in page.edges if e["kind"] == "chain")
        assert chain == [("Jones K 2012", "Smith J 2010", 1), ("Smith J 2010", "Jones K 2012", 1)]
