"""The evidence report: a summary, then per claim, per article and per source, with metrics and charts.

:func:`build_report` assembles plain data from the build (the cached traces and the NetworkX
projection); :func:`render_html`, :func:`render_markdown` and :func:`render_csv` format it. The
HTML is one self-contained file: contents, a summary box, sortable tables, every claim with its
quotes, articles and sources (DOI and PMID linked), print styles; inline CSS and SVG charts, no
external resource, every string escaped by an autoescaping template. Its one script sorts the
tables; the page's Content-Security-Policy allows that script by its hash and nothing else
(:func:`content_security_policy`), and the page reads the same without it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from importlib import resources
from typing import TYPE_CHECKING, Any, TypedDict

from ..analysis.chains import article_ref
from ..analysis.explain import downgrades
from ..analysis.metrics import Metrics, metrics
from ..analysis.records import (AppearanceNode, AppearanceRecord, CitationRecord, NodeKind, SourceRecord,
                                TraceJSON, node)
from ..core import vocab
from ..core.runtime import gc_paused
from .links import doi_url, pmid_url, web_url
from .palette import BASIS_COLOURS, CERTAINTY_COLOURS, DRAFT
from .policy import inline_only

if TYPE_CHECKING:
    import networkx as nx

TABLES = ("claims", "articles", "sources")


class CitedWork(TypedDict):
    """One step of a citation chain, as the report shows it."""

    depth: int  # 0: cited by the article (or added by curators); 1: cited by that source; ...
    marker: str | None
    fidelity: str | None
    source: str | None  # the source's id; None where no work is named
    label: str
    doi: str | None
    doi_url: str | None
    pmid: str | None
    pmid_url: str | None
    dead_end: str | None
    repeat: str | None  # a source met before on this chain (a cycle): its citations are listed there


class Quote(TypedDict):
    """One appearance of a claim: the exact words, where, and what they cite."""

    article: str
    article_title: str
    article_url: str | None
    quote: str
    speaker: str | None
    hedging: str | None
    basis: str | None
    draft: bool  # not reviewed: shown, marked, never counted
    citations: list[CitedWork]


class ClaimRow(TypedDict):
    id: str
    statement: str
    kind: str | None
    articles: list[str]  # the reviewed (non-draft) articles that make it
    quotes: list[Quote]
    curator_evidence: list[CitedWork]
    basis: list[str]
    peer_reviewed_support: bool
    certainty: str
    certainty_reasons: list[str]
    strength: str | None
    cebm_level: int | None
    flags: list[str]
    amplification: str
    transmutations: int
    dead_ends: int
    diversions: int
    consulted_not_cited: int


class MissingWarning(TypedDict):
    intervention: str | None
    condition: str | None
    severity: str | None
    known_from: list[str]  # "stated" or "inferred", per contraindication it is known from


class ArticleRow(TypedDict):
    id: str
    title: str
    kind: str | None
    claims: int  # reviewed claims: 0 for a draft
    url: str | None  # the article's address, an http(s) one only
    by_basis: dict[str, int]  # claims by their strongest basis in this article (reviewed appearances only)
    peer_reviewed_share: float | None  # None for a draft, which never counts
    draft: bool
    commercial_interest: list[str]
    missing_warnings: list[MissingWarning]
    site: str | None  # where and when it appeared, as the page gives it (None: not given)
    publisher: str | None
    authors: list[str]
    published: str | None
    accessed: str | None


class SourceRow(TypedDict):
    id: str
    label: str
    title: str | None
    authors: str | None
    year: int | None
    venue: str | None
    doi: str | None
    doi_url: str | None
    pmid: str | None
    pmid_url: str | None
    design: str | None
    sample_size: int | None
    peer_reviewed: str
    verification: str
    curator_added: bool
    claims: int
    articles: int


class Repeated(TypedDict):
    id: str
    statement: str
    appearances: int
    articles: int
    basis: str


class OmittedWarnings(TypedDict):
    """Warnings about one intervention that the same articles leave out, of one severity and origin."""

    intervention: str | None
    conditions: list[str]
    severity: str | None
    known_from: list[str]
    articles: list[str]  # the articles that omit them


class Summary(TypedDict):
    by_certainty: list[dict[str, Any]]  # {certainty, claims}
    by_basis: list[dict[str, Any]]  # {basis, claims}: claims by their strongest basis
    repeated_without_support: list[Repeated]
    missing_warnings: list[OmittedWarnings]


class Report(TypedDict):
    summary: Summary
    claims: list[ClaimRow]
    articles: list[ArticleRow]
    sources: list[SourceRow]
    metrics: Metrics
    charts: dict[str, list[dict[str, Any]]]
    totals: dict[str, Any]


def _strongest(bases: list[str]) -> str:
    return min(bases, key=vocab.BASES.notations.index)


#: The strength chart's bar for peer-reviewed support from sources no design on record ranks.
STRENGTH_NOT_KNOWN = "peer-reviewed support, design not known"


@gc_paused()
def build_report(graph: nx.DiGraph, traces: dict[str, TraceJSON]) -> Report:
    """Report data from a projection and the build's traces (both from one build)."""
    claims = _claim_rows(traces)
    articles = _article_rows(graph, traces)
    m = metrics(graph)
    sources = _source_rows(graph, m)
    certainty = Counter(c["certainty"] for c in claims)
    # a claim without peer-reviewed support has only expert opinion behind it at best: not a strength of support
    strength = Counter((c["strength"] or STRENGTH_NOT_KNOWN) if c["peer_reviewed_support"] else "no peer-reviewed support"
                       for c in claims)
    strength_order = [t.label for t in vocab.DESIGNS.terms] + [STRENGTH_NOT_KNOWN, "no peer-reviewed support"]
    by_certainty = [{"certainty": c, "claims": certainty[c]} for c in vocab.CERTAINTY.notations]
    return {
        "summary": _summary(claims, articles, by_certainty),
        "claims": claims, "articles": articles, "sources": sources, "metrics": m,
        "charts": {
            "claims_by_certainty": by_certainty,
            "claims_by_article_and_basis": [{"article": a["id"], "by_basis": a["by_basis"]} for a in articles],
            "claims_by_strength": [{"strength": s, "claims": strength[s]} for s in strength_order if strength[s]],
        },
        "totals": {"claims": len(claims), "articles": len(articles), "sources": len(sources),
                   "drafts": [a["id"] for a in articles if a["draft"]],
                   "peer_reviewed_support": sum(1 for c in claims if c["peer_reviewed_support"]),
                   "by_certainty": {c: certainty[c] for c in vocab.CERTAINTY.notations},
                   "missing_warnings": sum(len(a["missing_warnings"]) for a in articles)},
    }


REPEATED = 8  # how many repeated claims without peer-reviewed support the summary lists


def _summary(claims: list[ClaimRow], articles: list[ArticleRow], by_certainty: list[dict[str, Any]]) -> Summary:
    """What a reader should see first: certainty and basis, the most repeated claims no study
    supports, and the warnings the articles leave out."""
    strongest = Counter(_strongest(c["basis"]) if c["basis"] else "unsupported" for c in claims)
    made = {c["id"]: sum(1 for q in c["quotes"] if not q["draft"]) for c in claims}
    repeated = sorted((c for c in claims if not c["peer_reviewed_support"] and made[c["id"]] > 1),
                      key=lambda c: (-made[c["id"]], -len(c["articles"]), c["id"]))
    return {
        "by_certainty": by_certainty,
        "by_basis": [{"basis": b, "claims": strongest[b]} for b in vocab.BASES.notations],
        "repeated_without_support": [
            {"id": c["id"], "statement": c["statement"], "appearances": made[c["id"]],
             "articles": len(c["articles"]), "basis": _strongest(c["basis"]) if c["basis"] else "unsupported"}
            for c in repeated[:REPEATED]],
        "missing_warnings": _omitted(articles),
    }


def _omitted(articles: list[ArticleRow]) -> list[OmittedWarnings]:
    """Missing warnings grouped: one line per intervention, severity, origin and set of articles
    that leave them out; the most severe first."""
    left_out_by: dict[tuple[str, str, str, str], list[str]] = {}
    for a in articles:
        for w in a["missing_warnings"]:
            key = (w["intervention"] or "", w["severity"] or "", ", ".join(w["known_from"]), w["condition"] or "")
            left_out_by.setdefault(key, []).append(a["id"])
    grouped: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = {}
    for (intervention, severity, known, condition), ids in sorted(left_out_by.items()):
        grouped.setdefault((intervention, severity, known, tuple(ids)), []).append(condition)
    rank = {s: i for i, s in enumerate(vocab.SEVERITIES.notations)}
    order = sorted(grouped, key=lambda k: (rank.get(k[1], len(rank)), k[0].lower(), -len(k[3]), k))
    return [{"intervention": k[0] or None, "conditions": grouped[k], "severity": k[1] or None,
             "known_from": k[2].split(", "), "articles": list(k[3])} for k in order]


def _claim_rows(traces: dict[str, TraceJSON]) -> list[ClaimRow]:
    """One row per claim, most certain first, then most repeated."""
    claims: list[ClaimRow] = []
    for claim_id in sorted(traces):
        t = traces[claim_id]
        v, d = t["verdict"], t["distortions"]
        labels = {o["source"]: o["label"] for o in v["certainty_from"]}  # a rating is a source's: name it
        claims.append({
            "id": claim_id, "statement": t["claim"]["statement"], "kind": t["claim"]["kind"],
            "articles": sorted({a["article"]["id"] for a in t["appearances"] if not a["draft"]}),
            "quotes": [_quote(a) for a in t["appearances"]],
            "curator_evidence": [_work(e["source"], 0, None, e["fidelity"]) for e in t.get("curator_evidence", [])],
            "basis": v["basis"], "peer_reviewed_support": v["peer_reviewed_support"],
            "certainty": v["certainty"],
            "certainty_reasons": [f"{labels.get(source, source)}: {concern.replace('-', ' ')} -{levels}: {'; '.join(why)}"
                                  for source, concern, levels, why in downgrades(v["certainty_reasons"])],
            "strength": v["strength"]["label"] if v["strength"] else None,
            "cebm_level": v["strength"]["cebm_level"] if v["strength"] else None,
            "flags": v["flags"], "amplification": d["amplification"]["summary"],
            "transmutations": len(d["transmutation"]), "dead_ends": len(d["dead_ends"]),
            "diversions": len(d["diversion"]), "consulted_not_cited": len(d["consulted_as_evidence"]),
        })
    certainty_rank = vocab.CERTAINTY.notations.index
    claims.sort(key=lambda c: (certainty_rank(c["certainty"]), -len(c["articles"]), c["id"]))
    return claims


def _quote(a: AppearanceRecord) -> Quote:
    cited: list[CitedWork] = []
    for c in a["citations"]:
        _chain(c, 0, cited)
    return {"article": a["article"]["id"], "article_title": a["article"]["title"],
            "article_url": web_url(a["article"]["url"]), "quote": a["quote"], "speaker": a["speaker"]["name"],
            "hedging": a["hedging"], "basis": a["basis"], "draft": a["draft"], "citations": cited}


def _chain(c: CitationRecord, depth: int, out: list[CitedWork]) -> None:
    """A citation and, depth first, the citations its source makes for the claim."""
    source = c.get("source")
    out.append(_work(source, depth, c.get("marker"), c.get("fidelity"), c.get("dead_end"), c.get("repeat")))
    for onward in (source or {}).get("citations", []):
        _chain(onward, depth + 1, out)


def _work(source: SourceRecord | None, depth: int, marker: str | None, fidelity: str | None,
          dead_end: str | None = None, repeat: str | None = None) -> CitedWork:
    s = source or {}
    return {"depth": depth, "marker": marker, "fidelity": fidelity, "source": s.get("id"),
            "label": s.get("label") or "no work named", "doi": s.get("doi"), "doi_url": doi_url(s.get("doi")),
            "pmid": s.get("pmid"), "pmid_url": pmid_url(s.get("pmid")), "dead_end": dead_end,
            "repeat": repeat}


def _missing_warnings(graph: nx.DiGraph) -> dict[str, list[MissingWarning]]:
    """Article id -> the warnings it omits though the graph knows them."""
    missing: dict[str, list[MissingWarning]] = {}
    for n, d in graph.nodes(data=True):
        if d["kind"] == NodeKind.MISSING_WARNING:
            known = [graph.nodes[k] for k in graph.successors(n)]
            missing.setdefault(d["article"], []).append({
                "intervention": d["intervention"], "condition": d["condition"], "severity": d["severity"],
                "known_from": sorted("inferred" if k["inferred"] else "stated" for k in known)})
    return missing


def _article_rows(graph: nx.DiGraph, traces: dict[str, TraceJSON]) -> list[ArticleRow]:
    """One row per article: its claims by strongest basis, what it sells, what warnings it omits.
    A draft's appearances are not reviewed, so they count nowhere (its row says it is a draft)."""
    by_article: dict[str, dict[str, list[str | None]]] = {}
    for claim_id in sorted(traces):
        for a in traces[claim_id]["appearances"]:
            if not a["draft"]:
                by_article.setdefault(a["article"]["id"], {}).setdefault(claim_id, []).append(a["basis"])
    missing = _missing_warnings(graph)
    rows: list[ArticleRow] = []
    for n, d in sorted(graph.nodes(data=True), key=lambda x: x[1].get("id", "")):
        if d["kind"] != NodeKind.ARTICLE:
            continue
        made = by_article.get(d["id"], {})
        counts = Counter(_strongest(bases) for bases in made.values())  # type: ignore[arg-type]
        ref = article_ref(d)  # type: ignore[arg-type]
        sellers = [node(graph, a, AppearanceNode)["speaker"] for a in graph.successors(n)
                   if graph.nodes[a]["kind"] == NodeKind.APPEARANCE]
        rows.append({
            "id": d["id"], "title": d["title"], "kind": d["article_kind"], "claims": len(made),
            "url": web_url(d.get("url")),
            "by_basis": {b: counts.get(b, 0) for b in vocab.BASES.notations},
            "peer_reviewed_share": None if d["draft"] else
            round(counts.get("peer-reviewed", 0) / len(made), 4) if made else 0.0, "draft": d["draft"],
            "commercial_interest": sorted({o["name"] for o in d["commercial_interest"]}
                                          | {o["name"] for s in sellers for o in s["commercial_interest"]}),
            "missing_warnings": sorted(missing.get(d["id"], []), key=lambda m: (m["intervention"], m["condition"])),
            "site": ref["site"], "publisher": ref["publisher"], "authors": ref["authors"],
            "published": ref["published"], "accessed": ref["accessed"],
        })
    return rows


def _source_rows(graph: nx.DiGraph, m: Metrics) -> list[SourceRow]:
    """One row per source, the most relied on first."""
    reliance = {r["source"]: r for r in m["sources"]}
    rows: list[SourceRow] = []
    for _, d in sorted(graph.nodes(data=True), key=lambda x: x[1].get("id", "")):
        if d["kind"] != NodeKind.SOURCE:
            continue
        r = reliance.get(d["id"], {"claims": [], "articles": []})
        rows.append({"id": d["id"], "label": d["label"], "title": d["title"], "authors": d["authors"], "year": d["year"],
                     "venue": d["venue"], "doi": d["doi"], "doi_url": doi_url(d["doi"]), "pmid": d["pmid"],
                     "pmid_url": pmid_url(d["pmid"]), "design": d["design_label"], "sample_size": d["sample_size"],
                     "peer_reviewed": d["peer_reviewed"], "verification": d["verification"],
                     "curator_added": d["curator_added"], "claims": len(r["claims"]), "articles": len(r["articles"])})
    rows.sort(key=lambda s: (-s["claims"], -s["articles"], s["id"]))
    return rows


# --- CSV ------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell: Any) -> Any:
    """A cell a spreadsheet reads as text: one that would start a formula (=, +, -, @, a tab or a
    carriage return) gets a leading apostrophe, as OWASP advises against CSV injection."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(_FORMULA_START) else cell


class _SheetWriter:
    """A CSV writer for tables made to open in a spreadsheet (see :func:`_as_text`)."""

    def __init__(self, buf: io.StringIO) -> None:
        self.writer = csv.writer(buf, lineterminator="\r\n")

    def writerow(self, row: list[Any]) -> None:
        self.writer.writerow([_as_text(cell) for cell in row])


@gc_paused()
def render_csv(report: Report, table: str = "claims") -> str:
    """One table of the report as CSV (claims, articles or sources), for a spreadsheet: a cell
    that would start a formula begins with an apostrophe."""
    buf = io.StringIO()
    w = _SheetWriter(buf)
    if table == "claims":
        w.writerow(["id", "statement", "certainty", "certainty_reasons", "articles", "basis", "peer_reviewed_support",
                    "strength", "cebm_level", "flags", "amplification"])
        for c in report["claims"]:
            w.writerow([c["id"], c["statement"], c["certainty"], " | ".join(c["certainty_reasons"]),
                        " ".join(c["articles"]), " ".join(c["basis"]),
                        "true" if c["peer_reviewed_support"] else "false", c["strength"] or "",
                        c["cebm_level"] or "", " ".join(c["flags"]), c["amplification"]])
    elif table == "articles":
        w.writerow(["id", "title", "url", "site", "publisher", "authors", "published", "accessed", "claims",
                    *vocab.BASES.notations, "peer_reviewed_share", "commercial_interest", "missing_warnings", "draft"])
        for a in report["articles"]:
            w.writerow([a["id"], a["title"], a["url"] or "", a["site"] or "", a["publisher"] or "",
                        "; ".join(a["authors"]), a["published"] or "", a["accessed"] or "", a["claims"],
                        *a["by_basis"].values(), "" if a["peer_reviewed_share"] is None else a["peer_reviewed_share"],
                        "; ".join(a["commercial_interest"]), len(a["missing_warnings"]), "true" if a["draft"] else "false"])
    elif table == "sources":
        w.writerow(["id", "label", "design", "sample_size", "peer_reviewed", "verification", "curator_added",
                    "claims", "articles"])
        for s in report["sources"]:
            w.writerow([s["id"], s["label"], s["design"] or "", s["sample_size"] or "", s["peer_reviewed"],
                        s["verification"], "true" if s["curator_added"] else "false", s["claims"], s["articles"]])
    else:
        raise ValueError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    return buf.getvalue()


# --- Markdown -------------------------------------------------------------------------------

@gc_paused()
def render_markdown(report: Report) -> str:
    from .render import md, md_link
    t = report["totals"]
    out = ["# lbpgraph evidence report", "",
           f"{t['claims']} claims in {t['articles']} articles; {t['peer_reviewed_support']} have peer-reviewed "
           f"support; {t['sources']} sources; {t['missing_warnings']} missing warnings."
           + (f" Drafts ({DRAFT}): {', '.join(t['drafts'])}." if t["drafts"] else ""), "",
           "Claims by certainty of their evidence (GRADE): "
           + ", ".join(f"{name.replace('-', ' ')} {n}" for name, n in t["by_certainty"].items()) + ".", "",
           "## Articles", "",
           "| article | claims | " + " | ".join(vocab.BASES.notations) + " | peer-reviewed share | sells | missing warnings |",
           "|---|---:|" + "---:|" * len(vocab.BASES.notations) + "---:|---|---:|"]
    for a in report["articles"]:
        share = "draft" if a["peer_reviewed_share"] is None else f"{a['peer_reviewed_share']:.0%}"
        out.append(f"| {md(a['id'])} {md_link(md(a['title']), a['url'])}{' (**draft**)' if a['draft'] else ''} | "
                   f"{a['claims']} | " + " | ".join(str(n) for n in a["by_basis"].values())
                   + f" | {share} | {md('; '.join(a['commercial_interest']))} "
                     f"| {len(a['missing_warnings'])} |")
    out += ["", "## Claims", "", "Most certain first, then most repeated.", "",
            "| certainty | claim | articles | basis | peer-reviewed | strength | flags | amplification |",
            "|---|---|---|---|---|---|---|---|"]
    for c in report["claims"]:
        strength = f"{c['strength']} (level {c['cebm_level']})" if c["strength"] else ""
        why = f" ({md(' | '.join(c['certainty_reasons']))})" if c["certainty_reasons"] else ""
        out.append(f"| **{c['certainty']}**{why} | `{c['id']}` {md(c['statement'])} | {' '.join(c['articles'])} | "
                   f"{', '.join(c['basis'])} | "
                   f"{'yes' if c['peer_reviewed_support'] else 'no'} | {md(strength)} | {', '.join(c['flags'])} | "
                   f"{md(c['amplification'])} |")
    out += ["", "## Sources", "", "| source | design | n | peer review | verification | claims | articles |",
            "|---|---|---:|---|---|---:|---:|"]
    for s in report["sources"]:
        added = " (added by curators)" if s["curator_added"] else ""
        out.append(f"| {md(s['label'])}{added} | {md(s['design'] or '')} | {s['sample_size'] or ''} | "
                   f"{s['peer_reviewed']} | {s['verification']} | {s['claims']} | {s['articles']} |")
    m = report["metrics"]
    out += ["", "## Metrics", "", "Claims whose peer-reviewed support rests on a single source:", ""]
    out += [f"- `{f['claim']}`: {md(f['source_label'])}" for f in m["fragile_claims"]] or ["- none"]
    out += ["", "Longest citation chains:", ""]
    out += [f"- `{c['claim']}` ({c['appearance']}): {md(' -> '.join(c['path']))}" for c in m["longest_chains"][:5]]
    out += ["", "## Missing warnings", ""]
    for a in report["articles"]:
        for w in a["missing_warnings"]:
            out.append(f"- {md(a['id'])}: {md(w['intervention'])} × {md(w['condition'])} ({w['severity']}, "
                       f"known from {', '.join(w['known_from'])})")
    return "\n".join(out) + "\n"


# --- HTML -----------------------------------------------------------------------------------

def _bars(report: Report) -> dict[str, Any]:
    """Geometry of the two SVG charts (all numbers, no markup)."""
    rows = report["charts"]["claims_by_article_and_basis"]
    widest = max((sum(r["by_basis"].values()) for r in rows), default=1) or 1
    scale = 520 / widest
    stacked = []
    for i, r in enumerate(rows):
        x = 0.0
        segments = []
        for basis, n in r["by_basis"].items():
            if n:
                segments.append({"basis": basis, "n": n, "x": 70 + x, "width": n * scale, "colour": BASIS_COLOURS[basis]})
                x += n * scale
        stacked.append({"article": r["article"], "y": 10 + i * 30, "total": sum(r["by_basis"].values()),
                        "end": 70 + x, "segments": segments})
    certainty = report["charts"]["claims_by_certainty"]
    fullest = max((c["claims"] for c in certainty), default=1) or 1
    levels = [{"label": c["certainty"], "n": c["claims"], "y": 10 + i * 26, "width": c["claims"] * 360 / fullest,
               "colour": CERTAINTY_COLOURS[c["certainty"]]} for i, c in enumerate(certainty)]
    strength = report["charts"]["claims_by_strength"]
    most = max((s["claims"] for s in strength), default=1) or 1
    bars = [{"label": s["strength"], "n": s["claims"], "y": 10 + i * 26, "width": s["claims"] * 360 / most}
            for i, s in enumerate(strength)]
    return {"certainty": levels, "certainty_height": 20 + 26 * len(levels), "certainty_colours": CERTAINTY_COLOURS,
            "stacked": stacked, "stacked_height": 20 + 30 * len(rows), "strength": bars,
            "strength_height": 20 + 26 * len(bars), "colours": BASIS_COLOURS}


def _sort_script() -> str:
    return (resources.files("lbpgraph.presentation") / "templates" / "report-sort.js").read_text(encoding="utf-8")


def content_security_policy() -> str:
    """The report's policy: inline styles, and its one script, allowed by its SHA-256; nothing else."""
    return inline_only(_sort_script())


@gc_paused()
def render_html(report: Report) -> str:
    """The report as one self-contained HTML page."""
    from .templating import environment
    env = environment()
    template = env.from_string((resources.files("lbpgraph.presentation") / "templates" / "report.html.j2").read_text(encoding="utf-8"))
    return template.render(report=report, chart=_bars(report), bases=vocab.BASES.notations,
                           certainty_rank={c: i for i, c in enumerate(vocab.CERTAINTY.notations)},
                           csp=content_security_policy(), sort_script=_sort_script(), draft=DRAFT)
