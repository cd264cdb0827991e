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

from lbpgraph import vocab
from lbpgraph.project import Project

from . import factory
from .conftest import ROOT, run

SCHEMA = vocab.PREFIXES["schema"]
ARTICLE = vocab.PREFIXES["article"]


# --- where articles live --------------------------------------------------------------------

def _located(tmp_path: Path, url: str = "https://blog.example.org/2014/02/walking-backwards?x=1&y=2") -> Project:
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
    project = _located(tmp_path)
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
    project = _located(tmp_path, url)
    iri = "https://blog.example.org/a(1)%7Cb"  # as the graph holds it (| percent-encoded)
    t = project.trace("bw-helps")
    articles = {a["article"]["id"]: a["article"] for a in t.appearances}
    assert articles["b"] == {"id": "b", "title": "Walking Backwards", "kind": "personal-blog", "url": iri,
                             "site": "Walkers' <Blog>", "publisher": "Example & Co", "authors": ["Jo Walker"],
                             "published": "2014-02", "accessed": "2026-11-30"}
    assert articles["a"] == {"id": "a", "title": "Walking Backwards", "kind": "personal-blog", "url": None,
                             "site": None, "publisher": None, "authors": [], "published": "2014-02-08",
                             "accessed": None}
    text = t.to_text()
    assert f"b · Walking Backwards · {iri}" in text and "a · Walking Backwards\n" in text
    assert f"*[Walking Backwards](<{iri}>)*" in t.to_markdown()
    from lbpgraph.report import build_report, render_html, render_markdown
    report = build_report(project.projection(), project.traces())
    assert f'<a href="{iri}" rel="noopener noreferrer">Walking Backwards</a>' in render_html(report)
    assert f"| b [Walking Backwards](<{iri}>) |" in render_markdown(report)
    page = project.view("bw-helps")
    [node] = [n for n in page.nodes if n["kind"] == "article" and "url" in n]
    assert node["url"] == iri and node["title"].endswith(f"\n{iri}")
    html = page.to_html()
    assert 'link.setAttribute("href", node.url)' in html and "link.textContent" in html


def test_the_same_trace_from_the_oxigraph_store(tmp_path: Path) -> None:
    """A store that projects only the claim's neighbourhood still knows the article's site and author."""
    memory = _located(tmp_path)
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
