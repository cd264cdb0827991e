"""The pages a person reads: find a claim, a claim's trace with its graph, the graph, the report.

The graph pages are :meth:`lbpgraph.presentation.view.View.to_html` and the report
:func:`lbpgraph.presentation.report.render_html`, exactly as ``lbpgraph view`` and ``lbpgraph
report`` write them; the finder, the claim page and the endpoint's page are autoescaping
templates in ``serve/templates/``, in the manner of theirs and with their colours, with no script
at all. Every string from an article is data. Each page is sent with a Content-Security-Policy
header as strict as the one its markup declares.

A :class:`~lbpgraph.project.Project` is not made for threads: every call into it holds one lock
(the pages are computed from the build the server started with, so they are cached).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..core.errors import AmbiguousClaim, ClaimNotFound
from ..presentation.palette import CERTAINTY_COLOURS
from ..presentation.render import article_details, trace_markdown, trace_text
from ..presentation.report import content_security_policy

if TYPE_CHECKING:
    from jinja2 import Template

    from ..project import Project

PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")
_DECLARED = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
# the report's own policy (its one sorting script, by its SHA-256), and no framing
REPORT_CSP = content_security_policy() + "; frame-ancestors 'none'"
MAX_SEARCH = 2_000  # characters of a search: more is not a claim's words
CLAIM_FORMATS = ("html", "json", "markdown", "text")


def articles_of(trace: Any) -> list[dict[str, str | None]]:
    """Each article the claim appears in, once, in trace order: id, title, its http(s) address
    (None otherwise: nothing else becomes a link) and what else is known of it, as plain text."""
    seen: dict[str, dict[str, str | None]] = {}
    for a in trace.appearances:
        article = a["article"]
        url = article.get("url")
        seen.setdefault(article["id"], {
            "id": article["id"], "title": article["title"], "details": article_details(article),
            "url": url if url and re.match(r"https?://", url, re.I) else None})
    return list(seen.values())


@dataclass
class Page:
    """What a page request gets: an HTML (or text) body, a redirect, or JSON data."""

    body: str = ""
    status: int = 200
    media_type: str = "text/html; charset=utf-8"
    csp: str = PAGE_CSP
    redirect: str | None = None
    data: Any = None


def _graph_page(html: str) -> Page:
    """A graph page, sent with the policy its markup declares (its own scripts by their SHA-256)
    and framed only by the claim page."""
    return Page(html, csp=_DECLARED.search(html)[1] + "; frame-ancestors 'self'")  # type: ignore[index]


@functools.cache
def _template(name: str) -> Template:
    from ..presentation.templating import environment
    env = environment()
    return env.from_string((resources.files("lbpgraph.serve") / "templates" / name).read_text(encoding="utf-8"))


def _render(name: str, **values: Any) -> str:
    return _template(name).render(colours=CERTAINTY_COLOURS, **values)


class Pages:
    """The pages of one project's build."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._lock = threading.Lock()
        self._claims: dict[str, dict[str, str]] | None = None
        self._graph: str | None = None
        self._report: str | None = None

    def claims(self) -> dict[str, dict[str, str]]:
        """id -> {id, statement, certainty} of every claim, most certain first."""
        with self._lock:
            if self._claims is None:
                g = self.project.projection()
                rank = vocab.CERTAINTY.notations.index
                found = sorted(({"id": d["id"], "statement": d["statement"], "certainty": d["certainty"]}
                                for _, d in g.nodes(data=True) if d["kind"] == "claim"),
                               key=lambda c: (rank(c["certainty"]), c["statement"].casefold(), c["id"]))
                self._claims = {c["id"]: c for c in found}
            return self._claims

    def index(self, q: str | None) -> Page:
        """All claims, or those a search finds; one clear match goes straight to its page."""
        claims = self.claims()
        q = (q or "").strip()
        if not q:
            return Page(_render("index.html.j2", q="", message=f"{len(claims)} claims, most certain first.",
                                claims=list(claims.values())))
        if len(q) > MAX_SEARCH:
            return Page(_render("index.html.j2", q="", claims=[],
                                message=f"A search is at most {MAX_SEARCH} characters; this one has {len(q)}."),
                        status=400)
        try:
            with self._lock:
                found = self.project.trace(q).claim["id"]
            return Page(redirect=f"/claim/{found}")
        except AmbiguousClaim as exc:
            message, listed, why = f"{len(exc.matches)} claims match; choose one:", exc.matches, exc.why
        except ClaimNotFound as exc:
            message, listed, why = "No claim matches. The closest:", exc.candidates, {}
        return Page(_render("index.html.j2", q=q, message=message,
                            claims=[{**claims[cid], "why": why.get(cid, "")} for cid, _ in listed if cid in claims]))

    def claim(self, claim_id: str, fmt: str = "html") -> Page:
        """A claim's trace: HTML with its graph, or JSON, Markdown or text as ``lbpgraph trace`` gives."""
        if fmt not in CLAIM_FORMATS:
            return Page(f"format is one of {', '.join(CLAIM_FORMATS)}\n", status=400,
                        media_type="text/plain; charset=utf-8")
        trace = self._trace(claim_id)
        if trace is None:
            return self._not_found(claim_id)
        if fmt == "json":
            return Page(data=trace.to_json(explain=True))
        if fmt == "markdown":
            return Page(trace_markdown(trace), media_type="text/markdown; charset=utf-8")
        if fmt == "text":
            return Page(trace_text(trace), media_type="text/plain; charset=utf-8")
        verdict = trace.verdict
        return Page(_render("claim.html.j2", claim=trace.claim, certainty=verdict["certainty"],
                            support="yes" if verdict["peer_reviewed_support"] else "no", trace=trace_text(trace),
                            articles=articles_of(trace)))

    def claim_graph(self, claim_id: str) -> Page:
        """The graph page of a claim's neighbourhood (what ``lbpgraph view CLAIM`` writes)."""
        if self._trace(claim_id) is None:
            return self._not_found(claim_id)
        with self._lock:
            return _graph_page(self.project.view(claim_id).to_html())

    def graph(self) -> Page:
        """The graph page of every claim (what ``lbpgraph view --all`` writes)."""
        with self._lock:
            if self._graph is None:
                self._graph = self.project.view(None).to_html()
            return _graph_page(self._graph)

    def report(self) -> Page:
        """The evidence report (what ``lbpgraph report`` writes)."""
        from ..presentation.report import build_report, render_html
        with self._lock:
            if self._report is None:
                self._report = render_html(build_report(self.project.projection(), self.project.traces()))
            return Page(self._report, csp=REPORT_CSP)

    def _trace(self, claim_id: str) -> Any:
        """The trace of the claim with exactly this id, or None."""
        if not vocab.ID_PATTERN.match(claim_id) or claim_id not in self.claims():
            return None
        with self._lock:
            return self.project.trace(claim_id)

    @staticmethod
    def _not_found(claim_id: str) -> Page:
        return Page(_render("index.html.j2", q="", claims=[],
                            message=f"No claim has the id {claim_id[:80]!r}: find it by its words."), status=404)

    @staticmethod
    def endpoint_page(endpoint: str, description: str) -> Page:
        """What a browser gets at /sparql without a query: how to use the endpoint."""
        return Page(_render("sparql.html.j2", endpoint=endpoint, description=description))
