"""``lbpgraph bench``: lbpgraph's stores against doing it by hand with plain rdflib, in one run.

A synthetic corpus (:mod:`lbpgraph.devtools.synth`) of about N triples is written as YAML; then
each task runs on each chosen store (``oxigraph`` by default; ``memory`` and ``sparql:URL`` on
request; each store's tasks in a process of their own, as commands run) and the plain way (an
rdflib ``Dataset`` on the Memory store, the same questions as SPARQL with property paths).
Times are wall-clock seconds from one run; ratios are baseline / ours. The stores' answers are
compared with each other: verdicts, the named query's rows and every sampled trace must be the
same on all of them.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import vocab

# Whole-corpus verdict written by hand from the curated triples, as a user would: a claim has
# peer-reviewed support when a published appearance cites, by marker or quotation, a work that
# is identified and peer reviewed, and the citation supports the claim (design.md, rule 020).
PLAIN_VERDICTS = """
SELECT ?claim ?supported WHERE {
  ?claim a schema:Claim .
  BIND (EXISTS {
    ?claim schema:appearance ?app .
    ?app lbp:hasCitation ?cit .
    FILTER NOT EXISTS { ?app lbp:draft true }
    ?cit lbp:fidelity ?fidelity ; lbp:citationMode ?mode ; lbp:stance ?stance ; cito:hasCitedEntity ?source .
    FILTER (?fidelity IN (lbp:fidelity-supports, lbp:fidelity-partially-supports))
    FILTER (?mode IN (lbp:mode-in-text-marker, lbp:mode-quotation))
    FILTER (?stance IN (lbp:stance-finding, lbp:stance-hedged-finding, lbp:stance-association))
    ?source lbp:peerReview lbp:peer-review-yes .
    FILTER NOT EXISTS { ?source a lbp:UnidentifiedSource }
    FILTER NOT EXISTS { ?source lbp:studyDesign lbp:design-narrative-review-or-expert-opinion }
    FILTER (NOT EXISTS { ?claim schema:about ?anyIntervention }
            || EXISTS { ?claim schema:about ?i . ?source lbp:studiedIntervention/skos:broader* ?i })
    FILTER (NOT EXISTS { ?claim lbp:outcome ?anyOutcome }
            || EXISTS { ?claim lbp:outcome ?o . ?source lbp:studiedOutcome/skos:broader* ?o })
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


def _in_own_process(clock: _Clock, *args: Any) -> tuple[Any, float]:
    """:func:`_our_tasks` for one store (``args``: all its arguments before the clock) in a new
    process of its own, as separate commands would run them: the heap one store's tasks leave behind (memory
    freed but kept by the allocator, about 400 MB after a build at 1M) does not count in the next
    store's peak. Started afresh, not forked: a fork of a process that used Oxigraph's on-disk
    store can hang in it. Progress comes back as it goes; returns the result and the process's
    peak RSS in MB, or raises its error."""
    import multiprocessing

    from ..core.errors import LbpgraphError
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_store_process, args=(sender, *args))
    process.start()
    sender.close()
    try:
        while (message := receiver.recv())[0] == "progress":
            clock.progress(message[1])
    except EOFError:
        message = ("ended", None)
    finally:
        process.join()
        receiver.close()
    if message[0] == "raise":
        raise message[1]
    if message[0] == "ended":
        raise LbpgraphError(f"a store's tasks ended without a result (exit code {process.exitcode})")
    return message[1]  # type: ignore[no-any-return]


def _store_process(sender: Any, root: Path, index: int, spec: str, remote: dict[str, Any], sample: list[str],
                   seed: int, claims: int) -> None:
    """The body of :func:`_in_own_process`: the tasks' result (with the sample of claims they
    traced) and peak, their progress, or their error, sent to the parent."""
    import pickle

    from ..core.errors import LbpgraphError
    from ..rdf.sparql import sparql_prologue
    try:
        clock = _Clock(lambda message: sender.send(("progress", message)))
        result = _our_tasks(root, index, spec, remote, sample, seed, claims, clock, sparql_prologue())
        sender.send(("done", ((*result, sample), _peak_mb())))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - an error that cannot cross keeps its message
            exc = LbpgraphError(f"{type(exc).__name__}: {exc}")
        sender.send(("raise", exc))
    finally:
        sender.close()


def run(triples: int, work_dir: Path | None = None, seed: int = 0, claims: int = 200,
        stores: tuple[str, ...] = ("oxigraph",), remote: dict[str, Any] | None = None,
        progress: Callable[[str], None] = lambda message: print(message, file=sys.stderr)) -> dict[str, Any]:
    """Run every task once on each store in ``stores`` (``memory``, ``oxigraph``, ``sparql:URL``
    with ``remote`` settings) and the plain way; return ``{"triples", "rows": [...], "peak_rss_mb", ...}``."""
    from ..core.errors import UsageError
    from ..stores.registry import parse_spec
    kinds = [parse_spec(spec if spec != "oxigraph" else "oxigraph:db")[0]  # a bad spec fails before any work;
             for spec in stores]                                         # plain "oxigraph" is in the work folder
    if len(set(kinds)) < len(kinds) or not kinds:
        raise UsageError(f"--stores {','.join(stores)}: name each kind of store once (memory, oxigraph, sparql:URL)")
    with tempfile.TemporaryDirectory(prefix="lbpgraph-bench-", dir=work_dir) as tmp:
        return _run(Path(tmp), triples, seed, claims, stores, remote or {}, _Clock(progress))


def _run(root: Path, triples: int, seed: int, claims: int, stores: tuple[str, ...], remote: dict[str, Any],
         clock: _Clock) -> dict[str, Any]:
    from ..rdf.sparql import sparql_prologue
    from .synth import generate

    prologue = sparql_prologue()
    clock.time(f"synthetic corpus of about {triples:,} triples (not timed)", lambda: generate(root / "data", triples, seed))
    rows: list[dict[str, Any]] = []
    answers: dict[str, dict[str, Any]] = {}
    sample: list[str] = []
    built: Any = None
    nquads = root / "graph.nq"
    timings: dict[str, dict[str, Any]] = {}
    peaks: dict[str, float] = {}
    for i, spec in enumerate(stores):
        kind = spec.partition(":")[0]
        location = f"oxigraph:{root / 'db'}" if spec == "oxigraph" else spec
        (timings[kind], answers[kind], built, sample[:]), peak = _in_own_process(
            clock, root, i, location, remote, sample, seed, claims)
        peaks[kind] = round(peak, 1)
        if kind == "oxigraph" and not nquads.exists():
            import pyoxigraph as ox
            ox.Store.read_only(str(root / "db" / "current")).dump(output=str(nquads), format=ox.RdfFormat.N_QUADS)
    freshness_ms = _freshness_ms(root)
    if not nquads.exists():  # the baseline loads the same quads
        _dump_built(root / "data", nquads)
    baseline = _plain_tasks(root, nquads, sample, prologue, clock)
    for kind, t in timings.items():
        rows += [_row("build (YAML -> queryable store)", kind, t["build"], baseline["load"]),
                 *([_row("build vs bare pyoxigraph bulk load to disk", kind, t["build"], baseline["bare"]),
                    _row("build vs bare pyoxigraph bulk load in memory", kind, t["build"], baseline["bare_memory"]),
                    # the floor under the last row: a build to disk loads the same quads to disk
                    _row("bare pyoxigraph bulk load to disk vs in memory", kind, baseline["bare"], baseline["bare_memory"])]
                   if kind == "oxigraph" else []),
                 _row("trace p50", kind, statistics.median(t["traces"]), statistics.median(baseline["traces"])),
                 _row("trace p95", kind, _p95(t["traces"]), _p95(baseline["traces"])),
                 _row("verdicts, whole corpus", kind, t["verdicts"], baseline["verdicts"]),
                 _row(f"named query {NAMED_QUERY}", kind, t["query"], baseline["query"]),
                 _row("view of one claim", kind, t["view"], baseline["view"]),
                 *(_row(f"build after one article {what} vs a full build"
                        + ("" if incremental else " (fell back to a full build)"), kind, seconds, t["build"])
                   for what, (seconds, incremental) in t["incremental"].items()),
                 *(_row(f"first {what} on a fresh build vs projecting the whole graph", kind, seconds,
                        t["whole"]["projecting"]) for what, seconds in t["whole"].items() if what != "projecting"),
                 *(_row(f"first {what} after an update vs projecting the whole graph", kind, seconds,
                        t["whole"]["projecting"]) for what, seconds in t["after_update"].items())]
    first = next(iter(answers.values()))
    disagreements = [f"{kind} differs from {next(iter(answers))} on {what}"
                     for kind, a in answers.items() for what in ("verdicts", "named query", "traces") if a[what] != first[what]]
    return {"triples": built.triples, "requested_triples": triples, "claims": built.claims, "articles": built.articles,
            "rows": rows, "peak_rss_mb": max(peaks.values()), "peak_rss_mb_by_store": peaks,
            "baseline_peak_rss_mb": round(_peak_mb(), 1),
            "stores": list(answers), "stores_agree": not disagreements, "disagreements": disagreements,
            "verdicts_identical": first["verdicts"] == baseline["verdicts_set"],
            "supported_claims": sum(1 for _, s in first["verdicts"] if s),
            "named_query_rows": sum(first["named query"].values()), "traced_claims": len(sample),
            "freshness_check_ms": round(freshness_ms, 2)}


def _our_tasks(root: Path, index: int, spec: str, remote: dict[str, Any], sample: list[str], seed: int, claims: int,
               clock: _Clock, prologue: str) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Time each task on one store; return the times, the answers (to compare stores) and the build result."""
    from ..project import Project
    from ..analysis.query import named_queries

    kind = spec.partition(":")[0]
    ours = Project(root / "data", root / f"build-{index}", spec, watch=False, **remote)  # settings only a server reads
    pushed = ours.capabilities.needs_push
    build_label = "push (local build + upload)" if pushed else "build (YAML -> store)"
    build_s, built = clock.time(f"{kind}: {build_label}", ours.push if pushed else ours.build)
    whole = {} if pushed else _whole_graph_reads(ours, clock)
    store = ours.store()
    if not sample:
        ids = sorted(t["value"][len(vocab.PREFIXES["claim"]):] for (t,) in
                     store.select(prologue + "SELECT ?c WHERE { ?c a schema:Claim }"))
        sample.extend(random.Random(seed).sample(ids, min(claims, len(ids))))
    clock.time(f"{kind}: first trace (reads the concepts and rules once per store; not timed)",
               lambda: ours.trace(sample[0]))
    traces, trace_times = {}, []
    for n, cid in enumerate(sample, start=1):
        start = time.perf_counter()
        traces[cid] = ours.trace(cid).to_json()
        trace_times.append(time.perf_counter() - start)
        if n % 50 == 0 or n == len(sample):
            clock.progress(f"{kind}: {n}/{len(sample)} traces")
    verdict_s, verdicts = clock.time(f"{kind}: verdicts for the whole corpus", lambda: store.select(prologue + VERDICTS))
    query_text = named_queries()[NAMED_QUERY][1]
    query_s, query_result = clock.time(f"{kind}: named query {NAMED_QUERY}", lambda: ours.query(query_text))
    view_s, _ = clock.time(f"{kind}: view of one claim's neighbourhood", lambda: ours.view(sample[0]).to_html())
    incremental, after_update = ({}, {}) if pushed else _incremental(ours, root / "data", clock)
    ours.close()
    times = {"build": build_s, "traces": trace_times, "verdicts": verdict_s, "query": query_s, "view": view_s,
             "incremental": incremental, "whole": whole, "after_update": after_update}
    answers = {"verdicts": {(c["value"], s["value"] == "true") for c, s in verdicts},
               "named query": Counter(json.dumps(r, sort_keys=True) for r in query_result.rows),
               "traces": traces}
    return times, answers, built


def _whole_graph_reads(ours: Any, clock: _Clock, after: str = "the build") -> dict[str, float]:
    """The first ``stats``, ``report`` and ``view --all`` after a build, each by a Project of its
    own (as separate commands would be) and with no projection cached in the build folder (each
    is the first read), and, after a full build, to compare, projecting the whole graph from the
    store (what such a first read did before builds kept the analysis)."""
    from ..analysis.projection import project
    from ..presentation.report import build_report, render_html
    from ..project import Project
    kind = ours.store_spec.partition(":")[0]

    def fresh() -> Any:
        return Project(ours.data_dir, ours.build_dir, ours.store_spec, watch=False, **ours.remote)
    reads = {"stats": lambda p: p.stats(),
             "report": lambda p: render_html(build_report(p.projection(), p.traces())),
             "view --all": lambda p: p.view(None).to_html()}
    times = {}
    for what, read in reads.items():
        for cached in ours.build_dir.glob("projection-*.pickle"):
            cached.unlink()
        reader = fresh()
        times[what], _ = clock.time(f"{kind}: first {what} after {after}", lambda: read(reader))  # noqa: B023
        reader.close()
    if after == "the build":
        store = fresh().store()
        times["projecting"], _ = clock.time(f"{kind}: projecting the whole graph from the store", lambda: project(store))
        store.close()
    return times


def _incremental(ours: Any, data: Path, clock: _Clock) -> tuple[dict[str, tuple[float, bool]], dict[str, float]]:
    """Builds after one article changes: its first appearance's hedging turned over, then a copy
    of it added (its own claims and sources renamed), then that copy removed; each time, and
    whether the build was incremental; and the first whole-graph reads after the first of these
    updates. Then the article is put back as it was and built again (not timed), so the data and
    the store are as before for the rest of the run."""
    from ..model.yamlio import dumps, loads
    article = sorted((data / "annotations").glob("*.yaml"))[0]
    before = article.read_bytes()
    doc = loads(before.decode("utf-8")).data
    for app in doc.get("appearances") or []:
        app["hedging"] = "certain" if app.get("hedging") == "hedged" else "hedged"
        break
    else:
        doc["title"] = f"{doc['title']} (revised)"
    article.write_text(dumps(doc), encoding="utf-8")
    times = {"edited": _timed_build(ours, clock, "one article edited")}
    reads = _whole_graph_reads(ours, clock, after="that update")
    copy = _copy_article(data, article, doc)
    times["added"] = _timed_build(ours, clock, "one article added")
    for path in copy:
        path.unlink()
    times["removed"] = _timed_build(ours, clock, "one article removed")
    article.write_bytes(before)
    clock.time(f"{ours.store_spec.partition(':')[0]}: the edited article put back (not timed)", ours.build)
    return times, reads


def _timed_build(ours: Any, clock: _Clock, what: str) -> tuple[float, bool]:
    kind = ours.store_spec.partition(":")[0]
    seconds, result = clock.time(f"{kind}: build after {what}", ours.build)
    if not result.updated:
        clock.progress(f"{kind}: that build was a full one, not an incremental one")
    return seconds, bool(result.updated)


def _copy_article(data: Path, article: Path, doc: dict[str, Any]) -> list[Path]:
    """A copy of an article under a new id, with its text; its own claims and sources renamed."""
    import re
    new_id = f"{article.stem}-bench-copy"
    text = article.read_text(encoding="utf-8").replace(doc["text"], f"{new_id}.txt")
    for local in [x["id"] for kind in ("claims", "sources") for x in doc.get(kind) or []]:
        text = re.sub(rf"(?<![A-Za-z0-9_-]){re.escape(local)}(?![A-Za-z0-9_-])", f"{local}-bench-copy", text)
    paths = [data / "annotations" / f"{new_id}.yaml", data / "articles" / f"{new_id}.txt"]
    paths[0].write_text(text, encoding="utf-8")
    paths[1].write_bytes((data / "articles" / doc["text"]).read_bytes())
    return paths


def _freshness_ms(root: Path) -> float:
    """What a watching Project pays before each read: looking for changed files under data/."""
    import gc

    from ..project import Project
    watching = Project(root / "data", root / "build-freshness")
    watching.fingerprint()
    gc.collect()  # else the first full collection after a build (0.2-0.7 s at 1M) can land in the loop
    start = time.perf_counter()
    for _ in range(20):
        watching.fingerprint()
    return (time.perf_counter() - start) / 20 * 1000


def _dump_built(data: Path, out: Path) -> None:
    """The built dataset as N-Quads, for the baseline (not timed)."""
    import pyoxigraph as ox

    from ..build.pipeline import build_store
    from ..model.corpus import load_corpus
    build_store(load_corpus(data)).dump(output=str(out), format=ox.RdfFormat.N_QUADS)


def _plain_tasks(root: Path, nquads: Path, sample: list[str], prologue: str, clock: _Clock) -> dict[str, Any]:
    """The same tasks done by hand: pyoxigraph's bare bulk loads (to disk, as the build's store, and
    in memory), and rdflib with property paths."""
    import pyoxigraph as ox

    from ..analysis.query import named_queries
    from ..rdf.namespaces import new_dataset
    bare_s, _ = clock.time("baseline: bare pyoxigraph bulk load of the same quads to disk",
                           lambda: ox.Store(str(root / "bare")).bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    bare_memory_s, _ = clock.time("baseline: bare pyoxigraph bulk load of the same quads in memory",
                                  lambda: ox.Store().bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    ds = new_dataset()
    load_s, _ = clock.time("baseline: plain rdflib load of the same quads", lambda: ds.parse(str(nquads), format="nquads"))
    traces = []
    for n, cid in enumerate(sample, start=1):
        start = time.perf_counter()
        list(ds.query(prologue + PLAIN_TRACE % (vocab.PREFIXES["claim"] + cid)))
        traces.append(time.perf_counter() - start)
        if n % 50 == 0 or n == len(sample):
            clock.progress(f"baseline: {n}/{len(sample)} traces")
    verdict_s, plain_verdicts = clock.time("baseline: verdicts, one SPARQL query with property paths",
                                           lambda: list(ds.query(prologue + PLAIN_VERDICTS)))
    query_text = named_queries()[NAMED_QUERY][1]
    query_s, _ = clock.time(f"baseline: named query {NAMED_QUERY}", lambda: list(ds.query(prologue + query_text)))
    view_s, _ = clock.time("baseline: neighbourhood query + pyvis page",
                           lambda: _plain_view(ds, prologue, vocab.PREFIXES["claim"] + sample[0], root / "plain.html"))
    return {"bare": bare_s, "bare_memory": bare_memory_s, "load": load_s, "traces": traces, "verdicts": verdict_s, "query": query_s, "view": view_s,
            "verdicts_set": {(str(c), bool(s.toPython())) for c, s in plain_verdicts}}


def _plain_view(ds: Any, prologue: str, claim: str, out: Path) -> None:
    from pyvis.network import Network
    net = Network(directed=True, cdn_resources="in_line")
    for a, b in ds.query(prologue + PLAIN_NEIGHBOURHOOD % ((claim,) * 5)):
        for node in (a, b):
            net.add_node(str(node), label=str(node).rsplit("/", 1)[-1])
        net.add_edge(str(a), str(b))
    out.write_text(net.generate_html(), encoding="utf-8")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def _row(task: str, store: str, seconds: float, baseline: float) -> dict[str, Any]:
    # six significant digits, not six decimals: a task of microseconds keeps its speedup checkable
    return {"task": task, "store": store, "seconds": float(f"{seconds:.6g}"), "baseline_seconds": float(f"{baseline:.6g}"),
            "speedup": round(baseline / seconds, 2) if seconds else None}


def to_text(result: dict[str, Any], width: int | None = None) -> str:
    """The result as an aligned table with the headline checks, fitting ``width`` when given."""
    from ..core.console import fit_lines, table
    body = [[r["task"], r["store"], f"{r['seconds']:.4g}", f"{r['baseline_seconds']:.4g}", f"{r['speedup']:.2f}x"]
            for r in result["rows"]]
    agree = ("yes" if result["stores_agree"] else "NO: " + "; ".join(result["disagreements"]))
    lines = [f"{result['triples']:,} triples ({result['articles']:,} articles, {result['claims']:,} claims)",
             table(["task", "store", "seconds", "baseline s", "speedup"], body, width),
             f"verdicts identical to the plain query: {'yes' if result['verdicts_identical'] else 'NO'} "
             f"({result['supported_claims']:,} claims supported)",
             f"stores agree ({', '.join(result['stores'])}: verdicts, named query, {result['traced_claims']} traces): {agree}",
             f"traces are timed on an open store; a Project watching data/ adds "
             f"{result['freshness_check_ms']:.1f} ms per read to look for changed files",
             f"peak RSS: {result['peak_rss_mb']:.0f} MB for lbpgraph's tasks (each store's in a process "
             f"of its own: {', '.join(f'{k} {v:.0f} MB' for k, v in result['peak_rss_mb_by_store'].items())}), "
             f"{result['baseline_peak_rss_mb']:.0f} MB for the baseline's"]
    return fit_lines("\n".join(lines), width) + "\n"
