"""``lbpgraph bench``: lbpgraph's stores against doing it by hand with plain rdflib, in one run.

A synthetic corpus (:mod:`lbpgraph.synth`) of about N triples is written as YAML; then, in this
one process, each task runs on lbpgraph's Oxigraph store (and, when asked, the memory store)
and the plain way (an rdflib ``Dataset`` on the Memory store, the same questions as SPARQL
with property paths). Times are wall-clock seconds from one run; ratios are baseline / ours.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import vocab

# Whole-corpus verdict written by hand from the curated triples, as a user would: a claim has
# peer-reviewed support when a published appearance cites, by marker or quotation, a work that
# is identified and peer reviewed, and the citation supports the claim (design.md, rule 020).
PLAIN_VERDICTS = """
SELECT ?claim ?supported WHERE {
  ?claim a schema:Claim .
  BIND (EXISTS {
    ?claim schema:appearance/lbp:hasCitation ?cit .
    ?cit lbp:fidelity ?fidelity ; lbp:citationMode ?mode .
    FILTER (?fidelity IN (lbp:fidelity-supports, lbp:fidelity-partially-supports))
    FILTER (?mode IN (lbp:mode-in-text-marker, lbp:mode-quotation))
    FILTER EXISTS { ?cit cito:hasCitedEntity/lbp:peerReview lbp:peer-review-yes }
    FILTER NOT EXISTS { ?cit cito:hasCitedEntity/a lbp:UnidentifiedSource }
    FILTER NOT EXISTS { ?claim schema:appearance ?app . ?app lbp:hasCitation ?cit ; lbp:draft true }
  } AS ?supported)
}"""
VERDICTS = "SELECT ?claim ?supported WHERE { ?claim a schema:Claim ; lbp:peerReviewedSupport ?supported . }"
PLAIN_TRACE = """
SELECT DISTINCT ?source ?review WHERE {
  <%s> schema:appearance/lbp:hasCitation/(cito:hasCitedEntity/lbp:hasCitation)*/cito:hasCitedEntity ?source .
  ?source lbp:peerReview ?review .
}"""
PLAIN_NEIGHBOURHOOD = """
SELECT DISTINCT ?a ?b WHERE {
  { <%s> schema:appearance ?b . BIND (<%s> AS ?a) }
  UNION { <%s> schema:appearance/lbp:hasCitation ?a . ?a cito:hasCitedEntity ?b }
  UNION { <%s> (schema:about|lbp:invokesMechanism) ?b . BIND (<%s> AS ?a) }
}"""
NAMED_QUERY = "supported-claims"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Clock:
    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress

    def time(self, label: str, work: Callable[[], Any]) -> tuple[float, Any]:
        self.progress(f"{label} ...")
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
        self.progress(f"{label}: {seconds:.3f} s")
        return seconds, result


def run(triples: int, work_dir: Path | None = None, seed: int = 0, claims: int = 200,
        progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr)) -> dict[str, Any]:
    """Run every task once; return ``{"triples", "rows": [...], "peak_rss_mb", ...}``."""
    with tempfile.TemporaryDirectory(prefix="lbpgraph-bench-", dir=work_dir) as tmp:
        return _run(Path(tmp), triples, seed, claims, _Clock(progress))


def _run(root: Path, triples: int, seed: int, claims: int, clock: _Clock) -> dict[str, Any]:
    import pyoxigraph as ox

    from .project import Project
    from .projection import neighbourhood, project
    from .rules import sparql_prologue
    from .synth import generate
    from .view import build_view

    prologue = sparql_prologue()
    clock.time(f"synthetic corpus of about {triples:,} triples (not timed)", lambda: generate(root / "data", triples, seed))
    ours = Project(root / "data", root / "build", f"oxigraph:{root / 'db'}")
    build_s, built = clock.time("build on oxigraph (YAML -> store)", ours.build)
    store = ours.store()
    nquads = root / "graph.nq"
    store.store.dump(output=str(nquads), format=ox.RdfFormat.N_QUADS)  # type: ignore[attr-defined]

    ids = sorted(t["value"][len(vocab.PREFIXES["claim"]):] for (t,) in
                 store.select(prologue + "SELECT ?c WHERE { ?c a schema:Claim }"))
    sample = random.Random(seed).sample(ids, min(claims, len(ids)))
    clock.time("first trace (reads the concepts and rules once per store)", lambda: ours.trace(sample[0]))
    trace_times = [_seconds(lambda cid=cid: ours.trace(cid)) for cid in sample]
    clock.progress(f"{len(sample)} traces done")
    verdict_s, verdicts = clock.time("verdicts for the whole corpus", lambda: store.select(prologue + VERDICTS))
    from .query import named_queries
    query_text = named_queries()[NAMED_QUERY][1]
    query_s, query_result = clock.time(f"named query {NAMED_QUERY}", lambda: ours.query(query_text))
    focus_claim = vocab.PREFIXES["claim"] + sample[0]
    view_s, _ = clock.time("view of one claim's neighbourhood",
                           lambda: build_view(project(store, neighbourhood(store, focus_claim)), sample[0]).to_html())
    ours_peak = _peak_mb()
    ours.close()

    bare_s, _ = clock.time("baseline: bare pyoxigraph bulk load of the same quads",
                           lambda: ox.Store(str(root / "bare")).bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    from .rdf import new_dataset
    ds = new_dataset()
    plain_load_s, _ = clock.time("baseline: plain rdflib load of the same quads",
                                 lambda: ds.parse(str(nquads), format="nquads"))
    plain_trace = [_seconds(lambda cid=cid: list(ds.query(prologue + PLAIN_TRACE % (vocab.PREFIXES["claim"] + cid))))
                   for cid in sample]
    clock.progress(f"baseline: {len(sample)} traces done")
    plain_verdict_s, plain_verdicts = clock.time("baseline: verdicts, one SPARQL query with property paths",
                                                 lambda: list(ds.query(prologue + PLAIN_VERDICTS)))
    plain_query_s, _ = clock.time(f"baseline: named query {NAMED_QUERY}", lambda: list(ds.query(prologue + query_text)))
    plain_view_s, _ = clock.time("baseline: neighbourhood query + pyvis page",
                                 lambda: _plain_view(ds, prologue, focus_claim, root / "plain.html"))
    ours_verdicts = {(c["value"], s["value"] == "true") for c, s in verdicts}
    plain = {(str(c), bool(s.toPython())) for c, s in plain_verdicts}
    rows = [_row("build (YAML -> queryable store)", "oxigraph", build_s, plain_load_s),
            _row("build vs bare pyoxigraph bulk load", "oxigraph", build_s, bare_s),
            _row("trace p50", "oxigraph", statistics.median(trace_times), statistics.median(plain_trace)),
            _row("trace p95", "oxigraph", _p95(trace_times), _p95(plain_trace)),
            _row("verdicts, whole corpus", "oxigraph", verdict_s, plain_verdict_s),
            _row(f"named query {NAMED_QUERY}", "oxigraph", query_s, plain_query_s),
            _row("view of one claim", "oxigraph", view_s, plain_view_s)]
    return {"triples": built.triples, "requested_triples": triples, "claims": built.claims, "articles": built.articles,
            "rows": rows, "peak_rss_mb": round(ours_peak, 1), "baseline_peak_rss_mb": round(_peak_mb(), 1),
            "verdicts_identical": ours_verdicts == plain, "supported_claims": sum(1 for _, s in ours_verdicts if s),
            "named_query_rows": len(query_result.rows), "traced_claims": len(sample)}


def _plain_view(ds: Any, prologue: str, claim: str, out: Path) -> None:
    from pyvis.network import Network
    net = Network(directed=True, cdn_resources="in_line")
    for a, b in ds.query(prologue + PLAIN_NEIGHBOURHOOD % ((claim,) * 5)):
        for node in (a, b):
            net.add_node(str(node), label=str(node).rsplit("/", 1)[-1])
        net.add_edge(str(a), str(b))
    out.write_text(net.generate_html(), encoding="utf-8")


def _seconds(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def _row(task: str, store: str, seconds: float, baseline: float) -> dict[str, Any]:
    return {"task": task, "store": store, "seconds": round(seconds, 6), "baseline_seconds": round(baseline, 6),
            "speedup": round(baseline / seconds, 2) if seconds else None}


def to_text(result: dict[str, Any]) -> str:
    """The result as an aligned table with the headline checks."""
    from .render import table
    body = [[r["task"], r["store"], f"{r['seconds']:.4f}", f"{r['baseline_seconds']:.4f}", f"{r['speedup']:.2f}x"]
            for r in result["rows"]]
    lines = [f"{result['triples']:,} triples ({result['articles']:,} articles, {result['claims']:,} claims)",
             table(["task", "store", "seconds", "baseline s", "speedup"], body),
             f"verdicts identical to the plain query: {'yes' if result['verdicts_identical'] else 'NO'} "
             f"({result['supported_claims']:,} claims supported)",
             f"peak RSS: {result['peak_rss_mb']:.0f} MB for lbpgraph's tasks, "
             f"{result['baseline_peak_rss_mb']:.0f} MB after the baseline too"]
    return "\n".join(lines) + "\n"
