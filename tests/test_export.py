"""Where each article lives, and every export format read back by a reader of its own.

Each export is written through the command line or the library, then read by a library other
than the one that wrote it (rdflib or Oxigraph for RDF, NetworkX for GraphML and GEXF,
citeproc-py and bibtexparser for the bibliography, rocrate for the crate); every read-back
checks content against the built dataset, not just that the file parses.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef

from lbpgraph.core import vocab
from lbpgraph.project import Project

from . import factory
from .conftest import ROOT, run

SCHEMA = vocab.PREFIXES["schema"]
ARTICLE = vocab.PREFIXES["article"]


# --- where articles live --------------------------------------------------------------------

def located(tmp_path: Path, url: str = "https://blog.example.org/2014/02/walking-backwards?x=1&y=2") -> Project:
    """The factory corpus with a second article: one whose page gives its address, site, author
    and dates, and one (the first) whose author is not named."""
    data = factory.corpus()
    data["annotations"]["a"]["speakers"][0]["anonymous"] = True
    data["articles"]["b.txt"] = factory.TEXT
    data["annotations"]["b"] = {
        **data["annotations"]["a"], "text": "b.txt", "url": url, "site": "Walkers' <Blog>",
        "publisher": "Example & Co", "published": "2014-02", "accessed": "2026-11-30",
        "speakers": [{"id": "author", "name": "Jo Walker", "role": "author"}]}
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    project.build()
    return project


def test_an_article_carries_where_it_lives_in_the_graph(tmp_path: Path) -> None:
    project = located(tmp_path)
    ds = project.dataset()
    a, b = URIRef(ARTICLE + "a"), URIRef(ARTICLE + "b")

    def one(s: URIRef, p: str) -> Any:
        [o] = list(ds.objects(s, URIRef(SCHEMA + p)))
        return o
    assert one(b, "url") == URIRef("https://blog.example.org/2014/02/walking-backwards?x=1&y=2")
    assert one(b, "datePublished") == Literal("2014-02", datatype=URIRef(vocab.PREFIXES["xsd"] + "gYearMonth"))
    assert one(b, "dateRead") == Literal("2026-11-30", datatype=URIRef(vocab.PREFIXES["xsd"] + "date"))
    assert str(one(b, "publisher")) == "Example & Co"
    site = one(b, "isPartOf")
    assert (site, URIRef(vocab.expand("rdf:type")), URIRef(SCHEMA + "WebSite")) in ds
    assert str(one(site, "name")) == "Walkers' <Blog>"
    assert str(one(one(b, "author"), "name")) == "Jo Walker"
    # what the page does not give stays absent: no address, site, access date or author for a
    for p in ("url", "isPartOf", "dateRead", "author", "publisher"):
        assert list(ds.objects(a, URIRef(SCHEMA + p))) == [], p
    unnamed = URIRef(vocab.PREFIXES["speaker"] + "a.author")  # has a display label, not a name
    assert list(ds.objects(unnamed, URIRef(SCHEMA + "name"))) == []
    assert [str(x) for x in ds.objects(unnamed, URIRef(vocab.expand("rdfs:label")))] == ["Jo"]
    speakers = {a["article"]["id"]: a["speaker"] for a in project.trace("bw-helps").appearances}
    assert (speakers["a"]["name"], speakers["a"]["anonymous"]) == ("Jo", True)
    assert (speakers["b"]["name"], speakers["b"]["anonymous"]) == ("Jo Walker", False)


def test_every_view_of_an_appearance_links_to_its_article(tmp_path: Path) -> None:
    url = "https://blog.example.org/a(1)|b"
    project = located(tmp_path, url)
    iri = "https://blog.example.org/a(1)%7Cb"  # as the graph holds it (| percent-encoded)
    t = project.trace("bw-helps")
    articles = {a["article"]["id"]: a["article"] for a in t.appearances}
    assert articles["b"] == {"id": "b", "title": "Walking Backwards", "kind": "personal-blog", "url": iri,
                             "site": "Walkers' <Blog>", "publisher": "Example & Co", "authors": ["Jo Walker"],
                             "published": "2014-02", "accessed": "2026-11-30"}
    assert articles["a"] == {"id": "a", "title": "Walking Backwards", "kind": "personal-blog", "url": None,
                             "site": None, "publisher": None, "authors": [], "published": "2014-02-08",
                             "accessed": None}
    from lbpgraph.presentation.render import trace_markdown, trace_text
    from lbpgraph.presentation.report import build_report, render_html, render_markdown
    text = trace_text(t)
    assert f"b · Walking Backwards · {iri}" in text and "a · Walking Backwards\n" in text
    assert f"*[Walking Backwards](<{iri}>)*" in trace_markdown(t)
    report = build_report(project.projection(), project.traces())
    assert f'<a href="{iri}" rel="noopener noreferrer">Walking Backwards</a>' in render_html(report)
    assert f"| b [Walking Backwards](<{iri}>) |" in render_markdown(report)
    page = project.view("bw-helps")
    [node] = [n for n in page.nodes if n["kind"] == "article" and "url" in n]
    assert node["url"] == iri and node["title"].endswith(f"\n{iri}")
    html = page.to_html()
    assert 'a.setAttribute("href", url)' in html and "a.textContent = text" in html  # an attribute, never markup
    assert "innerHTML" not in html.split("<script>")[-1]  # the page's own script writes no markup


def test_plain_views_of_an_appearance_say_site_author_and_dates_where_known(tmp_path: Path) -> None:
    """The text and Markdown traces and the report's CSV articles table give each article's site,
    publisher, authors and dates where the page gives them, and nothing where it does not."""
    import csv
    import io
    from lbpgraph.presentation.render import trace_markdown, trace_text
    from lbpgraph.presentation.report import build_report, render_csv
    project = located(tmp_path)
    t = project.trace("bw-helps")
    lines = trace_text(t).splitlines()
    b = next(i for i, line in enumerate(lines) if " b · Walking Backwards · https://" in line)
    assert lines[b + 1].endswith("Walkers' <Blog> · Example & Co · by Jo Walker · published 2014-02 · "
                                 "accessed 2026-11-30")
    a = next(i for i, line in enumerate(lines) if line.endswith(" a · Walking Backwards"))
    assert lines[a + 1].endswith(" published 2014-02-08") and lines[a + 2].lstrip("│ ").startswith("“")
    assert all(len(line) <= 100 for line in lines[b:b + 2] + lines[a:a + 2])
    markdown = trace_markdown(t)
    assert ("Walkers' \\<Blog\\>, Example \\& Co, by Jo Walker, published 2014-02, accessed 2026-11-30"
            in markdown)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        render_csv(build_report(project.projection(), project.traces()), "articles"), newline=""))}
    assert {k: rows["b"][k] for k in ("url", "site", "publisher", "authors", "published", "accessed")} == {
        "url": "https://blog.example.org/2014/02/walking-backwards?x=1&y=2", "site": "Walkers' <Blog>",
        "publisher": "Example & Co", "authors": "Jo Walker", "published": "2014-02", "accessed": "2026-11-30"}
    assert {k: rows["a"][k] for k in ("url", "site", "publisher", "authors", "published", "accessed")} == {
        "url": "", "site": "", "publisher": "", "authors": "", "published": "2014-02-08", "accessed": ""}


def test_the_page_panel_links_to_the_article_in_a_browser(tmp_path: Path, browser: Any) -> None:
    """In Chromium, selecting an article shows its address as a link set as an attribute: the
    quotes and brackets of the address are percent-encoded, nothing runs, nothing is requested.
    (``browser`` is the session's one Chromium: Playwright's sync API takes one per thread.)"""
    from .test_view_browser import open_page
    project = located(tmp_path, "https://blog.example.org/x?q=\"><script>window.__pwned=1</script>'")
    view = project.view("bw-helps")
    [article] = [n["id"] for n in view.nodes if n["kind"] == "article" and "url" in n]
    opened = open_page(browser, view, tmp_path / "page.html")
    try:
        opened.js("id => lbpgraphView.select(id)", article)
        links = opened.js("Array.from(document.querySelectorAll('#details a'))"
                          ".map(a => [a.getAttribute('href'), a.textContent, a.rel])")
        assert links == [["https://blog.example.org/x?q=%22%3E%3Cscript%3Ewindow.__pwned=1%3C/script%3E'",
                          "open the article", "noopener noreferrer"]]
        assert opened.js("window.__pwned") is None and opened.errors == [] and opened.requests == [opened.url]
    finally:
        opened.page.close()


def test_the_same_trace_from_the_oxigraph_store(tmp_path: Path) -> None:
    """A store that projects only the claim's neighbourhood still knows the article's site and author."""
    memory = located(tmp_path)
    oxigraph = Project(memory.data_dir, tmp_path / "build2", f"oxigraph:{tmp_path / 'ox'}")
    oxigraph.build()
    try:
        assert oxigraph.trace("bw-helps").to_json() == memory.trace("bw-helps").to_json()
    finally:
        oxigraph.close()


def test_the_seed_articles_know_only_what_their_texts_show(built: Project) -> None:
    """No seed text shows its own address or an access date, so none has one; 001 names its
    blog and its author; 000, 003 and 004 name no author."""
    articles = {d["id"]: d for _, d in built.projection().nodes(data=True) if d["kind"] == "article"}
    assert {a: (d["url"], d["accessed"]) for a, d in articles.items()} == {a: (None, None) for a in articles}
    assert articles["001"]["site"] == "The Ultimate Back Pain Relief Tips Blog"
    assert "The Ultimate Back Pain Relief Tips Blog" in (ROOT / "data" / "articles" / "001_97e0ff875c19001c.txt").read_text()
    assert {a: d["authors"] for a, d in articles.items()} == {
        "000": [], "001": ["Dr. Jeff Winternheimer"], "002": ["Dr. Michael C Remy"], "003": [], "004": []}
    assert {a: d["site"] for a, d in articles.items() if a != "001"} == {a: None for a in ("000", "002", "003", "004")}


# --- exports: every format read back by a reader of its own ------------------------------------

from lbpgraph.export import FORMATS, ExportSettings  # noqa: E402

SETTINGS = ExportSettings(review_author="Example Checks", review_author_url="https://checks.example.org/",
                          review_url="https://checks.example.org/claims/{claim}#{appearance}", date="2026-12-07")
CONFIG = """[export]
review_author = "Example Checks"
review_author_url = "https://checks.example.org/"
review_url = "https://checks.example.org/claims/{claim}#{appearance}"
date = "2026-12-07"
"""


@pytest.fixture(scope="module")
def exported(built: Project) -> dict[str, bytes]:
    """Every format of the real corpus, once."""
    return {name: built.export(name, settings=SETTINGS) for name in FORMATS}


def _reference_graphs(built: Project) -> dict[str, Any]:
    """The built dataset (rdflib's reading of the build's own TriG), named graph IRI -> Graph."""
    ds = built.dataset()
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def _union(graphs: dict[str, Any]) -> Any:
    from rdflib import Graph
    union = Graph()
    for g in graphs.values():
        for t in g:
            union.add(t)
    return union


def _assert_same_dataset(read: dict[str, Any], reference: dict[str, Any]) -> None:
    from rdflib.compare import isomorphic
    assert set(read) == set(reference)
    for name, graph in reference.items():
        assert len(read[name]) == len(graph) and isomorphic(read[name], graph), name


@pytest.mark.parametrize("fmt,rdflib_format", [("trig", "trig"), ("nquads", "nquads")])
def test_quad_formats_read_back_by_rdflib_hold_every_named_graph(built: Project, exported: dict[str, bytes],
                                                                 fmt: str, rdflib_format: str) -> None:
    """Oxigraph writes them; rdflib reads them back: the same named graphs, each isomorphic."""
    from rdflib import Dataset
    ds = Dataset()
    ds.parse(data=exported[fmt], format=rdflib_format)
    assert len(ds.default_graph) == 0
    _assert_same_dataset({str(g.identifier): g for g in ds.graphs() if len(g)}, _reference_graphs(built))


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("ntriples", "nt")])
def test_triple_formats_read_back_by_rdflib_hold_the_union(built: Project, exported: dict[str, bytes],
                                                           fmt: str, rdflib_format: str) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic
    read = Graph()
    read.parse(data=exported[fmt], format=rdflib_format)
    union = _union(_reference_graphs(built))
    assert len(read) == len(union) and isomorphic(read, union)


def test_jsonld_is_compacted_with_the_shipped_context_and_read_back_by_oxigraph(built: Project,
                                                                                exported: dict[str, bytes]) -> None:
    """rdflib writes it; Oxigraph's JSON-LD parser reads it back, with the context inline (no
    document is fetched): every named graph isomorphic to the dataset."""
    from importlib import resources

    import pyoxigraph as ox
    from rdflib import Graph

    from lbpgraph.rdf.terms import oxigraph_to_rdflib
    shipped = json.loads((resources.files("lbpgraph.export") / "context.jsonld").read_text(encoding="utf-8"))
    assert shipped == {"@context": vocab.PREFIXES}  # the shipped file cannot drift from the prefixes
    document = json.loads(exported["jsonld"])
    assert document["@context"] == shipped["@context"]  # inline: a reader needs nothing else
    ids = {n["@id"] for g in document["@graph"] for n in g["@graph"]}
    assert "claim:bw-unloads-discs" in ids and not any(i.startswith("https://w3id.org/lbpgraph/id/claim/") for i in ids)
    read: dict[str, Graph] = {}
    for q in ox.parse(exported["jsonld"], format=ox.RdfFormat.JSON_LD):
        read.setdefault(q.graph_name.value, Graph()).add(
            (oxigraph_to_rdflib(q.subject), oxigraph_to_rdflib(q.predicate), oxigraph_to_rdflib(q.object)))
    _assert_same_dataset(read, _reference_graphs(built))


# --- the command line and light imports ----------------------------------------------------

@pytest.mark.parametrize("config,message", [
    ('[export]\nreview_url = "ftp://x/{claim}"\n', "[export]: review_url: not an http(s) address: 'ftp://x/{claim}'"),
    ('[export]\nreview_url = "https://x/{nope}"\n', "[export]: review_url: placeholders are {claim}, {article} and {appearance} ('nope')"),
    ('[export]\nreviewer = "x"\n', "[export]: unknown setting 'reviewer'"),
    ('[export]\ndate = "2026-02-30"\n', "[export]: date: no such day '2026-02-30'"),
    ('export = 3\n', "config: unknown settings: export"),
])
def test_bad_export_settings_are_one_line_naming_the_file(built: Project, tmp_path: Path, config: str,
                                                           message: str) -> None:
    path = tmp_path / "lbpgraph.toml"
    path.write_text(config, encoding="utf-8")
    result = run("--config", str(path), "export", "--format", "trig", "--out", str(tmp_path / "x"), build=built.build_dir)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0].startswith(f"{path}:1: {message}")
    assert not (tmp_path / "x").exists()


def _subprocess(code: str, env: dict[str, str] | None = None) -> Any:
    import os
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


HEAVY = {"rdflib", "networkx", "pyvis", "pydantic", "yaml", "pyoxigraph", "rocrate", "citeproc", "bibtexparser",
         "pylatexenc", "lxml", "pyld", "requests"}


def test_help_and_trace_import_no_export_library(built: Project) -> None:
    """No export library for --help, export --help or --list, or trace; and the export package
    itself only for the export command."""
    for args in (["--help"], ["export", "--help"], ["export", "--list"],
                 ["--data", str(built.data_dir), "--build-dir", str(built.build_dir), "trace", "bw-unloads-discs"]):
        code = ("import sys\nfrom lbpgraph.cli import cli\ntry:\n"
                f"    cli({args!r}, prog_name='lbpgraph')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
                "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} | {m for m in sys.modules"
                " if m.startswith('lbpgraph.export')})))")
        result = _subprocess(code)
        assert result.returncode == 0, result.stderr
        loaded = set(result.stdout.splitlines()[-1].split())  # the last line: the modules, after the command's output
        assert "click" in loaded and not loaded & HEAVY, (args, loaded & HEAVY)
        exports = {m for m in loaded if m.startswith("lbpgraph.export")}
        assert exports == ({"lbpgraph.export"} if args[-1] == "--list" else set()), (args, exports)


def _claimreview_store(data: bytes) -> Any:
    """The ClaimReview document read by Oxigraph's JSON-LD parser. Its context is schema.org's
    address, which no test fetches: it is replaced by the equivalent local vocabulary mapping."""
    import pyoxigraph as ox
    document = json.loads(data)
    assert document["@context"] == "https://schema.org"
    document["@context"] = {"@vocab": SCHEMA}
    store = ox.Store()
    store.load(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD)
    return store


def _rows(store: Any, query: str) -> list[dict[str, str]]:
    solutions = store.query(f"PREFIX schema: <{SCHEMA}> " + query)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def test_claimreview_has_one_review_per_appearance_with_every_required_property(
        built: Project, exported: dict[str, bytes]) -> None:
    """Google's fact-check documentation requires claimReviewed, reviewRating (with
    alternateName) and url; recommends author (name, url), datePublished, itemReviewed (a Claim
    with author, datePublished, appearance) and the rating's ratingValue, bestRating, worstRating
    and name. Read back as RDF, every review has each one that lbpgraph knows, with the values of
    the traces."""
    from lbpgraph.export.claimreview import RESTS_ON, SCALE
    store = _claimreview_store(exported["claimreview"])
    rows = _rows(store, """
        SELECT ?review ?quote ?url ?date ?author ?authorUrl ?value ?best ?worst ?words ?name ?claim ?work ?title
        WHERE { ?review a schema:ClaimReview ; schema:claimReviewed ?quote ; schema:url ?url ;
                        schema:datePublished ?date ; schema:author [ a schema:Organization ; schema:name ?author ;
                        schema:url ?authorUrl ] ;
                        schema:reviewRating [ a schema:Rating ; schema:ratingValue ?value ; schema:bestRating ?best ;
                                              schema:worstRating ?worst ; schema:alternateName ?words ; schema:name ?name ] ;
                        schema:itemReviewed ?claim .
                ?claim a schema:Claim ; schema:appearance ?work . ?work schema:name ?title }""")
    [total] = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?r a schema:ClaimReview }")
    expected = {}
    for claim_id, t in built.traces().items():
        for a in t["appearances"]:
            if not a["draft"]:
                value = SCALE[t["verdict"]["certainty"]] if t["verdict"]["peer_reviewed_support"] else 1
                expected[f"https://checks.example.org/claims/{claim_id}#{a['id']}"] = (a["quote"], value, a)
    assert int(total["n"]) == len(rows) == len(expected) > 100
    for r in rows:
        quote, value, a = expected[r["url"]]
        assert (r["quote"], int(r["value"]), r["best"], r["worst"]) == (quote, value, "5", "1")
        assert (r["author"], r["authorUrl"], r["date"]) == ("Example Checks", "https://checks.example.org/", "2026-12-07")
        assert r["words"] == r["name"] and r["title"] == a["article"]["title"]
        assert r["words"].split("; ")[0] == (RESTS_ON[a["basis"]] if value == 1 else r["words"].split("; ")[0])
    words = {r["words"] for r in rows}
    supported = {t["verdict"]["certainty"].replace("-", " ") for t in built.traces().values()
                 if t["verdict"]["peer_reviewed_support"]}
    assert supported and {"rests on anecdote", "rests on expert opinion"} | {
        f"peer-reviewed support, {c} certainty" for c in supported} <= words
    # the claim's author and date only where the page gives them
    authors = _rows(store, """SELECT ?url ?name ?date WHERE { ?r schema:url ?url ; schema:itemReviewed ?c .
                              OPTIONAL { ?c schema:author/schema:name ?name } OPTIONAL { ?c schema:datePublished ?date } }""")
    by_article = {}
    for r in authors:
        by_article.setdefault(r["url"].split("#")[1].split(".")[0], set()).add((r["name"], r["date"]))
    assert ("Dr. Jeff Winternheimer", "2014-04-14") in by_article["001"]
    assert by_article["003"] == {(None, None)} and by_article["004"] == {(None, None)}  # nobody named, no date
    assert (None, None) in by_article["000"]  # the blog's author is unnamed; its commenter is named
    assert ("ivan fedyaev", None) in by_article["000"]


def test_claimreview_words_say_what_this_quote_itself_rests_on_and_whether_it_overstates(
        built: Project, exported: dict[str, bytes]) -> None:
    """claimReviewed is the appearance's own quote: a quote flagged overstated, or one that offers
    no peer-reviewed data itself, is never rated in words as plain "peer-reviewed support, X
    certainty" (the value stays the claim's certainty), and the explanation names the quote's own
    basis and flags beside the claim's. A quoted researcher is not given as the Claim's author: the
    words are the article's report of them (Dufek's could not be checked)."""
    from lbpgraph.export.claimreview import OVERSTATED, RATING_WORDS, RESTS_ON
    traces = built.traces()
    appearances = {a["id"]: (t, a) for t in traces.values() for a in t["appearances"]}
    reviews = json.loads(exported["claimreview"])["@graph"]
    seen = set()
    for review in reviews:
        t, a = appearances[review["url"].split("#")[1]]
        words, explanation = review["reviewRating"]["alternateName"], review["reviewRating"]["ratingExplanation"]
        plain = words in RATING_WORDS.values()
        assert ("overstated" in a["flags"]) == (OVERSTATED in words), a["id"]
        if a["basis"] != "peer-reviewed" and t["verdict"]["peer_reviewed_support"]:
            assert not plain and f"this quote {RESTS_ON[a['basis']]}" in words, a["id"]
            seen.add("other basis")
        if "overstated" in a["flags"] and t["verdict"]["peer_reviewed_support"]:
            seen.add("overstated")
        assert f"flags on this quote: {', '.join(a['flags']) or 'none'}." in explanation, a["id"]
        assert f"flags on the claim: {', '.join(t['verdict']['flags']) or 'none'}." in explanation
        assert ", ".join(t["verdict"]["basis"]) in explanation
        unchecked = [o["label"] for o in t["verdict"]["certainty_from"] if o["verification"] != "verified"]
        assert ("records not fully verified" in explanation) == bool(unchecked), a["id"]
        assert all(label in explanation for label in unchecked), a["id"]
        seen.update(["unchecked record"] if unchecked else [])
    assert seen == {"other basis", "overstated", "unchecked record"}
    by_id = {r["url"].split("#")[1]: r for r in reviews}
    dufek = by_id["000.dufek-disc-unloading"]
    assert "author" not in dufek["itemReviewed"]
    assert dufek["reviewRating"]["ratingExplanation"].startswith("The article attributes these words to Janet Dufek")
    assert "(quoted researcher)" in dufek["reviewRating"]["ratingExplanation"]


def test_claimreview_names_the_articles_address_site_and_author(tmp_path: Path) -> None:
    project = located(tmp_path)
    store = _claimreview_store(project.export("claimreview", settings=SETTINGS))
    rows = _rows(store, """SELECT ?url ?site ?publisher ?author ?date WHERE {
        ?r schema:itemReviewed/schema:appearance ?w . ?w schema:url ?url ; schema:isPartOf/schema:name ?site ;
           schema:publisher/schema:name ?publisher ; schema:author/schema:name ?author ; schema:datePublished ?date }""")
    assert {tuple(r.values()) for r in rows} == {
        ("https://blog.example.org/2014/02/walking-backwards?x=1&y=2", "Walkers' <Blog>", "Example & Co", "Jo Walker",
         "2014-02")}
    [unnamed] = _rows(store, """SELECT (COUNT(?w) AS ?n) WHERE { ?r schema:itemReviewed/schema:appearance ?w .
                                FILTER NOT EXISTS { ?w schema:url ?u } FILTER NOT EXISTS { ?w schema:author ?a } }""")
    assert int(unnamed["n"]) == 2  # article a: no address, no named author


def test_claimreview_needs_its_publisher_and_address_from_the_config(built: Project, tmp_path: Path) -> None:
    result = run("export", "--format", "claimreview", "--out", str(tmp_path / "x.jsonld"), build=built.build_dir)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: export --format claimreview needs review_author and review_url in the [export] table of "
        "lbpgraph.toml (who publishes the reviews, and the address of each review's page)"]
    assert not (tmp_path / "x.jsonld").exists()


NP = "http://www.nanopub.org/nschema#"


def test_nanopublications_are_well_formed_one_per_appearance(built: Project, exported: dict[str, bytes]) -> None:
    """Read back by rdflib, every nanopublication follows the nanopub rules: one head typing it
    np:Nanopublication and naming exactly one assertion, provenance and publication info graph;
    the four graphs distinct and non-empty; provenance about the assertion; pubinfo about the
    nanopublication; every graph belongs to one nanopublication. The assertion holds only facts
    of the dataset, the quote among them; the provenance names the annotation file and curator."""
    from rdflib import Dataset, Namespace
    from rdflib.namespace import RDF
    np_ = Namespace(NP)
    ds = Dataset()
    ds.parse(data=exported["nanopub"], format="trig")
    assert len(ds.default_graph) == 0
    graphs = {g.identifier: g for g in ds.graphs() if len(g)}
    heads = {g: pubs for g, graph in graphs.items() if (pubs := list(graph.subjects(RDF.type, np_.Nanopublication)))}
    owned: list[Any] = []
    reference = _reference_graphs(built)
    union = _union(reference)
    appearances = {s for s in union.subjects(RDF.type, URIRef(vocab.expand("lbp:Appearance")))}
    assert len(heads) == len(appearances) > 100
    lbp = Namespace(vocab.LBP)
    for head, pubs in heads.items():
        [np_iri] = pubs
        h = graphs[head]
        [assertion] = list(h.objects(np_iri, np_.hasAssertion))
        [provenance] = list(h.objects(np_iri, np_.hasProvenance))
        [pubinfo] = list(h.objects(np_iri, np_.hasPublicationInfo))
        assert len({head, assertion, provenance, pubinfo}) == 4 and len(h) == 4
        assert all(len(graphs.get(g, ())) > 0 for g in (assertion, provenance, pubinfo))
        assert list(graphs[provenance].predicate_objects(assertion))
        assert list(graphs[pubinfo].predicate_objects(np_iri))
        owned += [head, assertion, provenance, pubinfo]
        a = graphs[assertion]
        assert all(t in union for t in a)  # nothing the dataset does not hold
        [app] = list(a.subjects(RDF.type, URIRef(vocab.expand("lbp:Appearance"))))
        article = str(app)[len(vocab.PREFIXES["appearance"]):].split(".")[0]
        quote = URIRef(f"{app}#quote")
        assert list(a.objects(quote, URIRef(vocab.expand("oa:exact")))) == list(union.objects(quote, URIRef(vocab.expand("oa:exact"))))
        p = graphs[provenance]
        assert [str(x) for x in p.objects(assertion, lbp.sourceFile)] == [f"annotations/{article}.yaml"]
        assert list(p.objects(assertion, URIRef(vocab.expand("prov:wasAttributedTo")))) == [URIRef(vocab.expand("lbp:curators"))]
        assert list(graphs[pubinfo].objects(np_iri, URIRef(vocab.expand("dcterms:license")))) == [URIRef(SETTINGS.license)]
    assert sorted(owned) == sorted(graphs)  # every graph belongs to exactly one nanopublication


def test_graphml_and_gexf_hold_the_projection_read_back_by_networkx(built: Project, exported: dict[str, bytes],
                                                                    tmp_path: Path) -> None:
    """The raw projection cannot be written (dict and None attributes); the flattened one is,
    and NetworkX reads back the same nodes, edges and attribute values, one type per key."""
    import networkx as nx
    from lbpgraph.export.network import flat_graph
    g = built.projection()
    with pytest.raises(Exception):
        nx.write_graphml_xml(g, tmp_path / "raw.graphml")
    flat = flat_graph(g)
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", lambda p: nx.read_gexf(p, node_type=str))):
        path = tmp_path / f"x.{fmt}"
        path.write_bytes(exported[fmt])
        back = read(path)
        assert set(back.nodes) == set(g.nodes) and set(back.edges) == set(g.edges), fmt
        assert {(u, v): d["rel"] for u, v, d in back.edges(data=True)} == {(u, v): d["rel"] for u, v, d in g.edges(data=True)}
        for n, d in flat.nodes(data=True):
            assert back.nodes[n] == d, (fmt, n)
        types: dict[str, set[type]] = {}
        for _, d in back.nodes(data=True):
            for k, v in d.items():
                types.setdefault(k, set()).add(type(v))
        assert all(len(t) == 1 for t in types.values()), {k: t for k, t in types.items() if len(t) > 1}
    claim = vocab.PREFIXES["claim"] + "bw-unloads-discs"
    assert (flat.nodes[claim]["certainty"], flat.nodes[claim]["lbp_id"]) == ("none", "bw-unloads-discs")
    assert flat.nodes[claim]["label"] == g.nodes[claim]["statement"]
    app = next(n for n, d in g.nodes(data=True) if d["kind"] == "appearance" and d["article"] == "002")
    assert flat.nodes[app]["speaker_name"] == "Dr. Michael C Remy" and flat.nodes[app]["quote_start"] == g.nodes[app]["start"]


def test_flattening_gives_one_scalar_type_per_key(tmp_path: Path) -> None:
    """Mixed types, None, dicts, lists of dicts, dates and the names GEXF reserves, through both writers."""
    import datetime
    import networkx as nx
    from lbpgraph.export.network import flat_graph
    g = nx.DiGraph()
    g.add_node("n1", kind="x", id="one", n=1, mixed=1, flag=True, when=datetime.date(2014, 4, 14), start=3,
               speaker={"name": "Jo", "offers": [{"name": "a device"}]}, tags=["a", "b"], why=[{"rule": "r"}], gone=None)
    g.add_node("n2", kind="x", id="two", n=2.5, mixed="many", flag=2, tags=[])
    g.add_edge("n1", "n2", rel="cites", weight={"w": 1})
    flat = flat_graph(g)
    assert flat.nodes["n1"] == {"kind": "x", "lbp_id": "one", "label": "x one", "n": 1.0, "mixed": "1", "flag": "true",
                                "when": "2014-04-14", "quote_start": 3, "speaker_name": "Jo",
                                "speaker_offers": '[{"name": "a device"}]', "tags": "a; b", "why": '[{"rule": "r"}]'}
    assert flat.nodes["n2"] == {"kind": "x", "lbp_id": "two", "label": "x two", "n": 2.5, "mixed": "many", "flag": "2",
                                "tags": ""}
    assert flat.edges["n1", "n2"] == {"rel": "cites", "label": "cites", "lbp_weight_w": 1}
    with pytest.raises(Exception):
        nx.write_graphml_xml(g, tmp_path / "raw.graphml")
    for path, write, read in ((tmp_path / "f.graphml", nx.write_graphml_xml, nx.read_graphml),
                              (tmp_path / "f.gexf", nx.write_gexf, lambda p: nx.read_gexf(p, node_type=str))):
        write(flat, path)
        back = read(path)
        assert dict(back.nodes(data=True)) == dict(flat.nodes(data=True)), path.suffix
        assert {(u, v): d for u, v, d in back.edges(data=True)} == {("n1", "n2"): {**flat.edges["n1", "n2"], **(
            {"id": "0"} if path.suffix == ".gexf" else {})}}


def _sources(built: Project) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for _, d in built.projection().nodes(data=True) if d["kind"] == "source" and d["identified"]}


def test_csl_json_is_rendered_by_citeproc_py(built: Project, exported: dict[str, bytes]) -> None:
    """citeproc-py renders every identified source (a CSL style from its package), with each
    one's title, first author and year; identifiers are the graph's."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    items = json.loads(exported["csl-json"])
    sources = _sources(built)
    assert [i["id"] for i in items] == sorted(sources)
    bibliography = CitationStylesBibliography(CitationStylesStyle("harvard-cite-them-right", validate=False),
                                              CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(x) for x in bibliography.bibliography()]
    assert len(rendered) == len(sources)
    text = "\n".join(rendered)
    for source in sources.values():
        if source["title"]:
            assert source["title"].removesuffix(" (as cited)") in text, source["id"]
        if source["authors"]:
            assert source["authors"].split(" ")[0] in text
    by_id = {i["id"]: i for i in items}
    for source in sources.values():
        item = by_id[source["id"]]
        assert (item.get("DOI"), item.get("PMID")) == (source["doi"], source["pmid"])
        assert item.get("URL") == (f"https://doi.org/{source['doi']}" if source["doi"] else
                                   f"https://pubmed.ncbi.nlm.nih.gov/{source['pmid']}/" if source["pmid"] else item.get("URL"))
    assert by_id["dufek2011"]["author"][0] == {"family": "Dufek", "given": "J. S."}
    assert "Dufek, J.S. et al. (2011)" in text or "Dufek, J. S. et al. (2011)" in text


def _bibtex(data: bytes) -> Any:
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware
    library = bibtexparser.parse_string(data.decode("utf-8"), append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return library


def test_bibtex_is_read_back_by_bibtexparser(built: Project, exported: dict[str, bytes]) -> None:
    library = _bibtex(exported["bibtex"])
    sources = _sources(built)
    entries = {e.key: e for e in library.entries}
    assert sorted(entries) == sorted(sources)
    for source in sources.values():
        fields = entries[source["id"]].fields_dict
        assert fields["title"].value == source["title"].removesuffix(" (as cited)")
        for name, value in (("doi", source["doi"]), ("pmid", source["pmid"]), ("year", source["year"] and str(source["year"]))):
            assert (fields[name].value if name in fields else None) == value, (source["id"], name)
        if source["authors"]:
            assert len(fields["author"].value.split(" and ")) == len(source["authors"].split(", "))
    assert entries["dufek2011"].entry_type == "article" and entries["bates1986"].entry_type == "inproceedings"
    assert entries["ansari2018_jcm"].fields_dict["url"].value == "https://doi.org/10.1016/j.jcm.2018.03.008"
    assert "url" not in entries["dufek2011"].fields_dict  # no identifier, no address


def test_the_bibliography_marks_unverified_records_and_exports_only_fields_as_seen(
        built: Project, exported: dict[str, bytes]) -> None:
    """A record that is not verified is marked in CSL-JSON's and BibTeX's note; a volume, issue or
    pages the curators did not see ("inferred from DOI string; not seen") is not exported as one,
    and every curator remark on a field is in the note, never in the field."""
    items = {i["id"]: i for i in json.loads(exported["csl-json"])}
    entries = {e.key: e.fields_dict for e in _bibtex(exported["bibtex"]).entries}
    for source in _sources(built).values():
        item, fields = items[source["id"]], entries[source["id"]]
        status = {"verified": None, "unverified": "unverified: ",
                  "partially-verified": "partially verified: "}[source["verification"]]
        assert status is None or item["note"].startswith(status), source["id"]
        assert status is None or fields["note"].value == item["note"]
        for key in ("volume", "issue", "page"):
            assert not re.search(r"[();]|seen|cited|inferred", item.get(key, "")), (source["id"], key, item[key])
    assert {i for i in items if items[i].get("note", "").startswith("unverified")} >= {"gordon1991", "callaghan1999"}
    dutta = items["dutta2022_apjhs"]
    assert "volume" not in dutta and "issue" not in dutta
    assert "volume: 9 (inferred from DOI string; not seen)" in dutta["note"]
    assert "volume" not in entries["dutta2022_apjhs"] and "number" not in entries["dutta2022_apjhs"]
    assert (items["dufek2011"]["issue"], items["scannell2009"]["page"]) == ("2", "344-350")  # seen, remark in the note
    assert items["gordon1991"]["title"] == "Mechanism of disc rupture: a preliminary report"
    assert "title as cited by an article, not seen" in items["gordon1991"]["note"]
    assert "note" not in items["krein2013"] and "note" not in entries["krein2013"]


HOSTILE = "50% {unbalanced \\input{/etc/passwd} & $x$ #1 a_b ~c d^2 } “quoted” Łódź @misc{x,"


def test_strings_from_articles_are_data_in_bibtex_and_csl(tmp_path: Path) -> None:
    """A title with braces, LaTeX commands and BibTeX syntax is escaped: bibtexparser reads one
    entry whose decoded title is the original text, and CSL-JSON holds it as is."""
    data = factory.corpus()
    data["bibliography.yaml"]["sources"][0].update(title=HOSTILE, authors=["O'Brien-Łukasz JK", "van der Berg A",
                                                                             "World Health Organization"],
                                                   venue="J {Spine} & Back", doi="10.1000/a_b(c)")
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    library = _bibtex(project.export("bibtex"))
    [entry] = library.entries
    # pylatexenc decodes \textasciicircum as U+02C6 (modifier letter circumflex): its reading, not the file's
    assert entry.fields_dict["title"].value.replace("\u02c6", "^") == HOSTILE
    assert entry.fields_dict["journal"].value == "J {Spine} & Back"
    assert entry.fields_dict["doi"].value == "10.1000/a_b(c)"
    [item] = json.loads(project.export("csl-json"))
    assert item["title"] == HOSTILE and item["URL"] == "https://doi.org/10.1000/a_b(c)"
    assert item["author"] == [{"family": "O'Brien-Łukasz", "given": "J. K."}, {"family": "van der Berg", "given": "A."},
                              {"literal": "World Health Organization"}]


def test_rocrate_is_read_back_by_rocrate(built: Project, exported: dict[str, bytes], tmp_path: Path) -> None:
    """rocrate reads the zip: the root dataset with its licence and date, the graph and every
    file under data/ with its size and SHA-256 (checked against the bytes in the zip), the
    articles under their publishers' rights, lbpgraph as the tool and the build as an action."""
    import hashlib
    import zipfile
    from rocrate.rocrate import ROCrate
    path = tmp_path / "crate.zip"
    path.write_bytes(exported["rocrate"])
    crate = ROCrate(path)
    root = crate.root_dataset
    assert root["license"].id == SETTINGS.license and root["datePublished"] == "2026-12-07T00:00:00Z"
    data_files = sorted(p.relative_to(built.data_dir).as_posix() for p in Path(built.data_dir).rglob("*") if p.is_file())
    files = {e.id: e for e in crate.get_by_type("File")}
    assert set(files) == {"graph.trig", *(f"data/{f}" for f in data_files)}
    with zipfile.ZipFile(path) as archive:
        for name, entity in files.items():
            content = archive.read(name)
            assert (entity["sha256"], entity["contentSize"]) == (hashlib.sha256(content).hexdigest(), str(len(content)))
        assert archive.read("graph.trig") == exported["trig"]
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 7, 0, 0, 0)}
    assert files["data/articles/000_ef38060b39aacdf7.txt"]["license"].id == "#article-rights"
    assert "license" not in files["data/annotations/000.yaml"]  # the crate's licence covers it
    [tool] = crate.get_by_type("SoftwareApplication")
    from lbpgraph import __version__
    assert (tool["name"], tool["version"]) == ("lbpgraph", __version__)
    [action] = crate.get_by_type("CreateAction")
    assert action["result"].id == "graph.trig" and action["instrument"].id == tool.id
    assert {e.id for e in action["object"]} == {f"data/{f}" for f in data_files}


def test_the_rocrate_conforms_to_the_version_the_docs_name(exported: dict[str, bytes]) -> None:
    """The metadata file declares the RO-Crate version (conformsTo and context) that
    docs/reference/export.md and the crate module say, and no other version is named."""
    import io
    import zipfile
    metadata = json.loads(zipfile.ZipFile(io.BytesIO(exported["rocrate"])).read("ro-crate-metadata.json"))
    [descriptor] = [e for e in metadata["@graph"] if e["@id"] == "ro-crate-metadata.json"]
    version = descriptor["conformsTo"]["@id"].removeprefix("https://w3id.org/ro/crate/")
    assert metadata["@context"] == f"https://w3id.org/ro/crate/{version}/context"
    for text in ((ROOT / "docs" / "reference" / "export.md").read_text(encoding="utf-8"),
                 (ROOT / "src" / "lbpgraph" / "export" / "crate.py").read_text(encoding="utf-8")):
        assert set(re.findall(r"RO-Crate ([0-9.]+[0-9])", text)) == {version}


# --- every format: the same bytes, written where asked, the library named --------------------

def test_export_writes_the_given_path_stdout_or_the_build_folder(built: Project, tmp_path: Path) -> None:
    (tmp_path / "lbpgraph.toml").write_text(CONFIG, encoding="utf-8")
    config = ["--config", str(tmp_path / "lbpgraph.toml")]
    out = tmp_path / "sub" / "reviews.jsonld"
    result = run(*config, "export", "--format", "claimreview", "--out", str(out), build=built.build_dir)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == built.export("claimreview", settings=SETTINGS)
    assert sorted(p.name for p in out.parent.iterdir()) == ["reviews.jsonld"]  # no temporary file left
    result = run("export", "--format", "ntriples", "--out", "-", build=built.build_dir)
    assert result.stdout_bytes == built.export("ntriples")
    result = run("export", "--format", "gexf", build=built.build_dir)
    assert result.exit_code == 0 and (built.build_dir / "export" / "lbpgraph.gexf").is_file()
    listing = run("export", "--list", build=built.build_dir).output
    assert all(name in listing for name in FORMATS) and "Gephi" in listing
    assert run("export", build=built.build_dir).exit_code == 2


def test_same_data_same_bytes_in_every_format(built: Project) -> None:
    """Two processes with different hash seeds export every format to the same bytes (the date
    comes from the data's content, not the clock)."""
    code = ("import hashlib\nfrom lbpgraph.project import Project\nfrom lbpgraph.export import FORMATS, ExportSettings\n"
            f"p = Project({str(built.data_dir)!r}, {str(built.build_dir)!r})\n"
            "s = ExportSettings(review_author='A', review_url='https://a.example/{claim}')\n"
            "for f in FORMATS: print(f, hashlib.sha256(p.export(f, settings=s)).hexdigest())")
    runs = [_subprocess(code, {"PYTHONHASHSEED": seed}) for seed in ("1", "2")]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr[-2000:]
    assert runs[0].stdout == runs[1].stdout and len(runs[0].stdout.splitlines()) == len(FORMATS)


@pytest.mark.parametrize("fmt,library", [("rocrate", "rocrate"), ("bibtex", "bibtexparser")])
def test_a_missing_library_names_the_extra(built: Project, fmt: str, library: str) -> None:
    """Without the export extra's library (blocked from importing), one line says what to install."""
    code = (f"import sys\nsys.modules[{library!r}] = None\nfrom lbpgraph.cli import main\n"
            f"sys.argv = ['lbpgraph', '--data', {str(built.data_dir)!r}, '--build-dir', {str(built.build_dir)!r}, "
            f"'export', '--format', {fmt!r}, '--out', '-']\nmain()")
    result = _subprocess(code)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"Error: export --format {fmt} needs the {library} library, which is not installed",
        "Hint: install the export extra: pip install 'lbpgraph[export]'"]
    assert result.stdout == ""


def test_the_reference_has_a_section_and_a_command_for_every_format() -> None:
    """docs/reference/export.md has a command for every format and the ClaimReview scale; the
    README links the page and has a short section per format (or family of formats), each with
    the command of every format it names, in a shell block."""
    from lbpgraph.export.claimreview import OVERSTATED, OWN_BASIS, RATING_WORDS, RESTS_ON
    section = (ROOT / "docs" / "reference" / "export.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert f"lbpgraph export --format {name} " in section, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Exports\n")[1].split("\n## ")[0]
    assert "(docs/reference/export.md)" in readme
    parts = readme.split("\n### ")[1:]
    assert len(parts) == 6, [p.splitlines()[0] for p in parts]
    covered = []
    for part in parts:
        heading, body = part.split("\n", 1)
        commands = re.findall(r"^lbpgraph export --format (\S+) --out \S+$", body.split("```sh\n")[1].split("```")[0],
                              re.M)
        assert commands and 2 <= len(body.split("```sh")[0].strip().splitlines()) <= 5, heading  # a few lines
        assert all(FORMATS[c].name for c in commands)
        covered += commands
    assert sorted(covered) == sorted(FORMATS)
    for value in (2, 3, 4, 5):
        assert f"| {value} | {RATING_WORDS[value]} |" in section
    assert all(f'"{RESTS_ON[b]}"' in section for b in ("anecdote", "expert-opinion", "vague-attribution", "unsupported"))
    words = " ".join(section.split())
    assert f'"{OVERSTATED}"' in words and f'"{RATING_WORDS[3]}; {OWN_BASIS.format(rests_on=RESTS_ON["unsupported"])}"' in words


def test_the_export_date_is_the_setting_else_source_date_epoch_else_the_latest_date_in_the_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a setting, the latest date the graph records (an article's accessed 2026-11-30,
    later than its published 2014-02 and its sources' years), never a file's time."""
    from lbpgraph.export import Export
    project = located(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert Export(project, ExportSettings()).date.isoformat() == "2026-11-30T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    assert Export(project, ExportSettings()).date.isoformat() == "2001-09-09T01:46:40+00:00"
    assert Export(project, ExportSettings(date="2026-01-02")).date.isoformat() == "2026-01-02T00:00:00+00:00"


def test_a_corpus_without_dates_exports_the_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus that records no date at all: the exports carry 1970-01-01, not a file's time."""
    from lbpgraph.export import Export
    data = factory.corpus()
    del data["annotations"]["a"]["published"]
    for source in data["bibliography.yaml"]["sources"]:
        source.pop("year", None)
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    project.build()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert Export(project, ExportSettings()).date.isoformat() == "1970-01-01T00:00:00+00:00"


@pytest.mark.parametrize("fmt", ["nanopub", "rocrate", "claimreview", "gexf"])
def test_touching_a_data_file_changes_no_exported_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        fmt: str) -> None:
    """Two clones of one commit have files of different times: the exports must not differ."""
    import os
    project = located(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    settings = ExportSettings(review_author="A", review_url="https://a.example/{claim}")
    before = project.export(fmt, settings=settings)
    for seconds in (1_600_000_000, 4_000_000_000):
        for f in project.data_dir.rglob("*"):
            os.utime(f, (seconds, seconds))
        assert project.export(fmt, settings=settings) == before, seconds


def test_the_oxigraph_store_exports_the_same_bytes(tmp_path: Path) -> None:
    """The quads come from the build's TriG (memory) or a SPARQL SELECT (other stores): the same files."""
    memory = located(tmp_path)
    oxigraph = Project(memory.data_dir, tmp_path / "build2", f"oxigraph:{tmp_path / 'ox'}")
    oxigraph.build()
    try:
        for fmt in ("nquads", "graphml", "claimreview", "csl-json"):
            assert oxigraph.export(fmt, settings=SETTINGS) == memory.export(fmt, settings=SETTINGS), fmt
    finally:
        oxigraph.close()


def test_json_exports_stay_data_inside_a_page_script_element(tmp_path: Path) -> None:
    """ClaimReview is published inside <script type="application/ld+json">: no string of an
    article may close that element or open markup there, in any JSON export. The escapes leave the
    JSON value as it was."""
    from lbpgraph.export import ExportSettings
    payload = "</script><img src=x onerror=alert(1)> & 'it'"
    data = factory.corpus()
    data["annotations"]["a"]["title"] = payload
    data["claims.yaml"]["claims"][1]["statement"] = payload
    data["bibliography.yaml"]["sources"][0]["title"] = payload
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    project.build()
    settings = ExportSettings(review_author="Checks", review_url="https://checks.example.org/{claim}#{appearance}")
    for fmt in ("claimreview", "jsonld", "csl-json"):
        out = project.export(fmt, settings=settings)
        assert not set(out.decode("utf-8")) & set("<>&'"), fmt
        assert payload in json.dumps(json.loads(out), ensure_ascii=False), fmt
