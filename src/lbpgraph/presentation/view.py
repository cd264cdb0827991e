"""The interactive graph page: one claim's neighbourhood, or the whole graph.

Nodes and edges are assembled as vis-network data; the page is written by
:mod:`lbpgraph.presentation.page` from lbpgraph's own templates, never by pyvis's (which links
Bootstrap from a CDN and, in some modes, vis-network too): vis-network's script and style are
inlined from the installed pyvis package, so the file works offline and requests nothing from
any host. Its two scripts are allowed by their SHA-256 in the page's CSP, no other. Every
string from an article is data: labels are drawn on a canvas, tooltips are plain text, the side
panel uses textContent, node ids are opaque and the data are JSON escaped for a script element.

vis-network draws the shapes; the page draws the labels itself, most important first (``rank``:
articles, then what is most repeated or most relied on), each where it overlaps no other label
and fits in the canvas, so zooming in shows more. Search looks at claims, quotes, sources,
authors and concepts (``find``); a claim shows its quotes and their articles, and can be focused
on. Colour says the certainty of a claim's evidence (GRADE; its basis is a filter) or the kind of
support (sources); shape says the kind of node. Positions come from
:mod:`lbpgraph.presentation.layout`; physics is off unless asked for (``physics_threshold``).
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..analysis.records import (AppearanceNode, ArticleNode, CitationNode, ClaimNode, ConceptNode,
                                ContraindicationNode, NodeKind, Rel, SourceNode, node, nodes_of, predecessor,
                                successors)
from ..core import vocab
from .links import doi_url, pmid_url, web_url
from .page import render_page
from .palette import (ARTICLE_COLOUR, CERTAINTY_COLOURS, CONCEPT_COLOUR, CURATOR_COLOUR, DRAFT, KINDS, SHAPES,
                      SOURCE_COLOURS)

if TYPE_CHECKING:
    import networkx as nx

    from ..analysis.frozen import FrozenGraph

PHYSICS_THRESHOLD = 0  # the computed layout stays; vis-network's physics only when asked for
KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def _short(text: str, width: int = 48) -> str:
    collapsed = " ".join(text.split())
    return collapsed if len(collapsed) <= width else textwrap.shorten(collapsed, width=width, placeholder="…")


def _fold(text: str) -> str:
    """Text as the page's search compares it: no accents, lower case, single spaces."""
    if text.isascii():  # nothing to decompose (most text; the page of a large corpus folds millions of characters)
        return " ".join(text.lower().split())
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(plain.lower().split())


def _find(*fields: tuple[str, str | None]) -> list[list[str]]:
    """What search reads of a node: (field, folded text) pairs, empty ones left out."""
    return [[name, _fold(text)] for name, text in fields if text and text.strip()]


class _Builder:
    """Collects view nodes and edges from the projection, keyed by projection node."""

    def __init__(self, g: nx.DiGraph | FrozenGraph) -> None:
        self.g = g
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, key: str, kind: str, label: str, title: str, colour: str, **extra: Any) -> str:
        if key not in self.nodes:
            self.nodes[key] = {"kind": kind, "label": label, "title": title, "colour": colour, **extra}
        return key

    def edge(self, u: str, v: str, kind: str, label: str, title: str, dashed: bool = False) -> None:
        existing = self.edges.get((u, v, kind))
        if existing:
            if label not in existing["labels"]:
                existing["labels"].append(label)
            existing["titles"].append(title)
        else:
            self.edges[(u, v, kind)] = {"labels": [label], "titles": [title], "dashed": dashed}

    def claim(self, c: str) -> str:
        d = node(self.g, c, ClaimNode)
        basis = d["basis"][0] if d["basis"] else "unsupported"
        strength = vocab.DESIGNS.term(d["strength"]).label if d["strength"] else "none"
        certainty = vocab.CERTAINTY.term(d["certainty"]).label
        title = "\n".join([f"claim {d['id']}", d["statement"], f"certainty: {certainty} (GRADE)",
                           f"peer-reviewed support: {'yes' if d['peer_reviewed_support'] else 'no'}",
                           f"basis: {', '.join(d['basis']) or 'none'}",
                           f"strength: {strength}", f"flags: {', '.join(d['flags']) or 'none'}"])
        find = _find(("claim", d["statement"]), ("id", d["id"]),
                     *(("quote", self.g.nodes[a]["quote"]) for a in successors(self.g, c, Rel.APPEARANCE)))
        return self.node(c, "claim", _short(d["statement"]), title, CERTAINTY_COLOURS[d["certainty"]], basis=basis,
                         certainty=d["certainty"], find=find, claim=d["id"], quotes=[])

    def source(self, s: str, curator: bool = False) -> str:
        d = node(self.g, s, SourceNode)
        lines = [d["label"]]
        if d["title"]:
            lines.append(d["title"])
        lines += [f"design: {d['design_label'] or 'unknown'}" + (f" (OCEBM {d['cebm_level']})" if d["cebm_level"] else ""),
                  f"n: {d['sample_size'] or d['sample_description'] or 'not known'}",
                  f"population: {d['population'] or 'not known'}", f"peer review: {d['peer_reviewed']}",
                  f"verification: {d['verification']}"]
        if curator:
            lines.append("added by the curators: never counted in a verdict")
        colour = CURATOR_COLOUR if curator else SOURCE_COLOURS[d["peer_reviewed"]]
        links = [{"text": f"DOI {d['doi']}", "url": doi_url(d["doi"])}, {"text": f"PMID {d['pmid']}", "url": pmid_url(d["pmid"])}]
        find = _find(("label", d["label"]), ("title", d["title"]), ("author", d["authors"]),
                     ("venue", " ".join(str(x) for x in (d["venue"], d["year"]) if x)), ("id", d["doi"]), ("id", d["pmid"]))
        return self.node(s, "source", _short(d["label"], 40), "\n".join(lines), colour,
                         dashed=curator or not d["identified"], find=find, links=[x for x in links if x["url"]])

    def concept(self, c: str) -> str:
        d = node(self.g, c, ConceptNode)
        kind = d["scheme"]
        title = "\n".join(x for x in (f"{kind}: {d['label']}", d["definition"] or "") if x)
        return self.node(c, kind, _short(d["label"], 40), title, CONCEPT_COLOUR, find=_find(("label", d["label"])))

    def add_claim(self, c: str) -> None:
        g = self.g
        claim_id = g.nodes[c]["id"]
        self.claim(c)
        drawn: set[str] = set()
        for app in successors(g, c, Rel.APPEARANCE):
            self._appearance(c, app)
            for cit in successors(g, app, Rel.CITES):
                self._citation(c, cit, claim_id, "cites", drawn)
        for assessment in successors(g, c, Rel.ASSESSED):
            for s in successors(g, assessment, Rel.EVIDENCE):
                self.source(s, curator=True)
                fidelity = g.nodes[assessment]["fidelity"]
                self.edge(c, s, "evidence", f"curator evidence · {fidelity}", g.nodes[assessment]["note"], dashed=True)
        for x in successors(g, c, Rel.ABOUT):
            self.edge(c, self.concept(x), "about", "about", "the claim is about this intervention")
        for m in successors(g, c, Rel.INVOKES):
            self.edge(c, self.concept(m), "invokes", "invokes", "the claim invokes this mechanism")
            for s in successors(g, m, Rel.ACTS_ON):
                direction = g.nodes[m]["direction"] or "acts on"
                self.edge(m, self.concept(s), "acts-on", direction, f"the mechanism {direction} this structure")
        for ci in successors(g, c, Rel.STATES):
            self.add_contraindication(ci)

    def _appearance(self, c: str, app: str) -> None:
        """The article that makes claim ``c`` at ``app``; the quote goes to the claim's panel."""
        a = node(self.g, app, AppearanceNode)
        article = predecessor(self.g, app, Rel.CONTAINS)
        ad = node(self.g, article, ArticleNode)
        url = web_url(ad.get("url"))
        draft = DRAFT if ad["draft"] else None
        self.node(article, "article", f"{ad['id']}{' (draft)' if draft else ''}: {_short(ad['title'], 34)}",
                  "\n".join(x for x in (f"article {ad['id']}", ad["title"], ad["article_kind"], url, draft) if x),
                  ARTICLE_COLOUR, find=_find(("label", f"{ad['id']} {ad['title']}"), ("author", ", ".join(ad["authors"])),
                                             ("title", " ".join(x for x in (ad["site"], ad["publisher"]) if x))),
                  **({"url": url} if url else {}))
        self.nodes[c]["quotes"].append({"quote": a["quote"], "article": ad["id"], "title": ad["title"], "url": url})
        self.edge(article, c, "makes", "makes (draft)" if a["draft"] else "makes",
                  f"“{a['quote']}”\nbasis: {a['basis']}; {a['hedging']}" + (f"\n{DRAFT}" if a["draft"] else ""))

    def searchable_links(self) -> None:
        """A claim is found by the sources down its citation chains and the concepts it is about."""
        out: dict[str, list[tuple[str, str]]] = {}
        for u, v, kind in self.edges:
            out.setdefault(u, []).append((v, kind))
        for key, n in self.nodes.items():
            if n["kind"] != "claim":
                continue
            seen, queue = set(), [key]
            while queue:
                for v, kind in out.get(queue.pop(), []):
                    if kind in ("cites", "chain", "evidence") and v not in seen:
                        seen.add(v)
                        queue.append(v)
            cited = [f for v in sorted(seen) for name, f in self.nodes[v].get("find", []) if name in ("label", "author")]
            about = [self.nodes[v]["find"][0][1] for v, kind in out.get(key, []) if kind in ("about", "invokes")]
            n["find"] += [["cites", f] for f in cited] + [["about", f] for f in about]

    def _citation(self, owner: str, cit: str, claim_id: str, kind: str, drawn: set[str]) -> None:
        """Citation ``cit`` as an edge from ``owner`` to the source it cites, then the chain on from
        that source; ``drawn``: the citations already drawn for the claim, each drawn once, so a
        cycle ends with an edge back to a source already on the page."""
        g = self.g
        drawn.add(cit)
        d = node(g, cit, CitationNode)
        title = "\n".join(x for x in (f"{d['marker'] or d['mode']} · {d['mode']} · {d['relation']}",
                                      f"fidelity: {d['fidelity']}", f"stance: {d['stance'] or 'not recorded'}",
                                      f"as printed: {d['as_printed']}" if d["as_printed"] else "",
                                      d["note"] or "") if x)
        cited = successors(g, cit, Rel.CITED)
        if not cited:
            target = self.node(cit, "source", "no work named", f"{d['marker'] or 'vague attribution'}\nno work named: "
                               "a dead end", SOURCE_COLOURS["unknown"], dashed=True)
        else:
            target = self.source(cited[0])
        self.edge(owner, target, kind, f"cites · {d['fidelity']}", title)
        for s in cited:
            for onward in successors(g, s, Rel.CITES):
                if claim_id in g.nodes[onward]["for_claims"] and onward not in drawn:
                    self._citation(s, onward, claim_id, "chain", drawn)

    def add_contraindication(self, ci: str) -> None:
        g = self.g
        d = node(g, ci, ContraindicationNode)
        scheme = {g.nodes[v]["scheme"]: v for v in g.successors(ci)}
        intervention, condition = scheme["intervention"], scheme["condition"]
        label = "caution (inferred)" if d["inferred"] else f"contraindicated ({d['severity']})"
        why = (f"inferred: {d['mechanism']} loads the {d['structure']}" if d["inferred"]
               else f"stated contraindication, severity {d['severity']}")
        self.edge(self.concept(intervention), self.concept(condition), "contraindication", label, why,
                  dashed=d["inferred"])
        for s in successors(g, condition, Rel.AFFECTS):
            self.edge(condition, self.concept(s), "affects", "affects", "the condition affects this structure")


@dataclass
class View:
    """A rendered graph page: vis-network nodes and edges with positions, and page options."""

    title: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    physics: bool
    focus: str | None
    claim: str | None = None  # the id of the claim whose neighbourhood it shows (None: the whole graph)

    def to_html(self) -> str:
        """The page: one self-contained HTML file."""
        return render_page(self.title, self.nodes, self.edges, self.focus, self.physics)

    def _repr_html_(self) -> str:
        """Inline display in Jupyter, VS Code and Colab: the page in a sandboxed iframe srcdoc."""
        import html
        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" sandbox="allow-scripts" '
                'style="width: 100%; height: 680px; border: 1px solid #d0d7de"></iframe>')


def _ranks(b: _Builder, keys: list[str]) -> dict[str, int]:
    """The order in which labels are given room: articles, then what is most made, cited or linked."""
    made: dict[str, int] = {}
    degree: dict[str, int] = {}
    for u, v, kind in b.edges:
        made[v] = made.get(v, 0) + (kind in ("makes", "cites", "chain", "evidence"))
        degree[u] = degree.get(u, 0) + 1
        degree[v] = degree.get(v, 0) + 1

    def weight(k: str) -> int:
        kind = b.nodes[k]["kind"]
        if kind == "article":
            return 10 ** 9
        if kind in ("claim", "source"):
            return 10 * made.get(k, 0) + (kind == "claim" and b.nodes[k].get("certainty") != "none") * 5
        return 3 * degree.get(k, 0)
    ordered = sorted(keys, key=lambda k: (-weight(k), KIND_ORDER[b.nodes[k]["kind"]], b.nodes[k]["label"], k))
    return {k: i for i, k in enumerate(ordered)}


def build_view(g: nx.DiGraph | FrozenGraph, claim_id: str | None = None, seed: int = 0,
               physics_threshold: int = PHYSICS_THRESHOLD) -> View:
    """The view of one claim's neighbourhood (``claim_id``) or of the whole graph (None)."""
    from .layout import clustered, layered
    b = _Builder(g)
    root = None
    if claim_id is not None:
        root = vocab.PREFIXES["claim"] + claim_id
        b.add_claim(root)
    else:
        for c in nodes_of(g, NodeKind.CLAIM):
            b.add_claim(c)
        for n in nodes_of(g, NodeKind.CONTRAINDICATION):  # inferred cautions and concepts of every claim
            b.add_contraindication(n)
    b.searchable_links()
    keys = sorted(b.nodes)
    ranks = _ranks(b, keys)
    ids = {k: f"n{i + 1}" for i, k in enumerate(keys)}
    kinds = {ids[k]: b.nodes[k]["kind"] for k in keys}
    order = {ids[k]: f"{b.nodes[k]['kind']} {b.nodes[k]['label']} {k}" for k in keys}
    edge_list = [(ids[u], ids[v], kind) for (u, v, kind) in sorted(b.edges)]
    if root is not None:
        positions = layered(kinds, edge_list, ids[root], order, seed)
    else:
        positions = clustered(kinds, edge_list, order, seed)
    data_nodes = [_vis_node(b.nodes[k], ids[k], positions[ids[k]], ranks[k]) for k in keys]
    data_edges = _vis_edges(b, ids)  # what a pyvis Network filled with them gives back (fill_network)
    return View(title=f"claim {claim_id}" if claim_id else "all claims", nodes=data_nodes, edges=data_edges,
                physics=root is None and len(keys) <= physics_threshold,
                focus=ids[root] if root is not None else None, claim=claim_id)


def _vis_node(n: dict[str, Any], vis_id: str, position: tuple[int, int], rank: int) -> dict[str, Any]:
    """A vis-network node: shape by kind, colour by certainty or support, dashed where unidentified."""
    x, y = position
    border = "#24292f" if n["kind"] == "claim" else n["colour"]
    fill = "#ffffff" if n.get("dashed") else n["colour"]
    keep = {"background": fill, "border": "#000000"}  # selection keeps the certainty colour
    vis = {"id": vis_id, "label": n["label"], "title": n["title"], "shape": SHAPES[n["kind"]],
           "color": {"background": fill, "border": border, "highlight": keep, "hover": keep},
           "x": x, "y": y, "kind": n["kind"], "size": 14 if n["kind"] == "claim" else 11, "rank": rank}
    if n.get("dashed"):
        vis["shapeProperties"] = {"borderDashes": [4, 3]}
    for extra in ("basis", "certainty", "find", "claim", "url", "quotes", "links"):
        if extra in n:
            vis[extra] = n[extra]
    if n["kind"] == "article":  # a box with no text in it: the page writes the title beside it
        vis["widthConstraint"] = {"minimum": 36}
        vis["heightConstraint"] = {"minimum": 22}
    return vis


def _vis_edges(b: _Builder, ids: dict[str, str]) -> list[dict[str, Any]]:
    edges = []
    for i, (u, v, kind) in enumerate(sorted(b.edges)):
        e = b.edges[(u, v, kind)]
        edge = {"id": f"e{i + 1}", "from": ids[u], "to": ids[v], "label": " / ".join(e["labels"]),
                "title": "\n\n".join(e["titles"]), "kind": kind, "color": {"color": "#8c959f"}, "arrows": "to"}
        if e["dashed"]:
            edge["dashes"] = True
        edges.append(edge)
    return edges


def fill_network(net: Any, nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    """Load nodes and edges into a pyvis Network in linear time.

    pyvis's add_node and add_edge check membership in a list, which is quadratic (about 3 s at
    10,000 nodes); this sets the same four fields they maintain. A test checks the result
    against add_node/add_edge on a small graph.
    """
    net.nodes = nodes
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.edges = edges
