"""The ``lbpgraph`` command line: a thin layer over :class:`lbpgraph.project.Project`.

Each command parses its options, makes one library call and formats the result. Heavy
libraries are imported inside the commands that need them, so ``lbpgraph --help`` and
``lbpgraph trace`` stay fast.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .core.console import clip, fit_lines, safe, terminal_width, use_color
from .core.errors import (AmbiguousClaim, ClaimNotFound, DiskFull, InternalError, InvalidInput, Issue, LbpgraphError,
                     is_disk_full, one_line)
from .core.files import atomic_write
from .project import Project


def _fail(ctx: click.Context, exc: LbpgraphError) -> NoReturn:
    lines = exc.lines() if isinstance(exc, InvalidInput) else []
    lines.append(f"Error: {exc}")
    if isinstance(exc, AmbiguousClaim):
        for claim_id, statement in exc.matches[:LISTED]:
            lines.append(f"  {claim_id}  {statement}")
            if claim_id in exc.why:
                lines.append(f"      matched {exc.why[claim_id]}")
        if len(exc.matches) > LISTED:
            lines.append(f"  ... and {len(exc.matches) - LISTED} more (lbpgraph search WORDS --limit N lists them)")
    if isinstance(exc, ClaimNotFound) and exc.candidates:
        lines += ["Closest claims:", *(f"  {claim_id}  {statement}" for claim_id, statement in exc.candidates)]
    if exc.hint:
        lines.append(f"Hint: {exc.hint}")
    width = terminal_width(sys.stderr)
    for line in lines:
        line = safe(one_line(line))
        if width and line.startswith("      matched "):  # why a claim matched: wrapped, all of it
            line = fit_lines(line, width)
        elif width and not line.startswith(("Error:", "Hint:")):
            line = clip(line, width)
        click.echo(line, err=True)
    ctx.exit(exc.exit_code)


LISTED = 10  # the most claims an ambiguous trace lists


def _show(text: str) -> None:
    """Print ``text`` to stdout; on a terminal, through a pager when it is taller than the terminal."""
    import shutil
    if sys.stdout.isatty() and text.count("\n") >= shutil.get_terminal_size().lines:
        click.echo_via_pager(text, color=use_color(sys.stdout))
    else:
        click.echo(text, nl=False)


class _Group(click.Group):
    """Maps lbpgraph's errors, and a full disk, to a one-line message and their documented exit code,
    and anything unexpected to exit 70 with one line too (``LBPGRAPH_DEBUG=1`` shows the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LbpgraphError as exc:
            _fail(ctx, exc)
        except Exception as exc:
            if _click_handles(exc) or os.environ.get("LBPGRAPH_DEBUG"):
                raise
            if isinstance(exc, (OSError, RuntimeError)) and is_disk_full(exc):
                _fail(ctx, DiskFull(exc))
            error = InternalError(f"unexpected {type(exc).__name__}: {exc}")
            if isinstance(exc, OSError):
                error.hint = None  # the system's refusal (permissions, ...), not a bug
            _fail(ctx, error)


def _click_handles(exc: Exception) -> bool:
    """Exceptions click turns into its own message or exit: usage errors, exits, and a closed stdout."""
    return (isinstance(exc, (click.ClickException, click.exceptions.Exit, click.Abort))
            or (isinstance(exc, OSError) and exc.errno == errno.EPIPE))


class _Seconds(click.FloatRange):
    """A number of seconds, at least ``min``: finite (``nan`` and ``inf`` are no time)."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds or seconds in (float("inf"), float("-inf")):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


def _json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default="data",
              envvar="LBPGRAPH_DATA", show_default=True, help="Annotated corpus (env LBPGRAPH_DATA).")
@click.option("--build-dir", type=click.Path(path_type=Path), metavar="DIRECTORY", default="build",
              envvar="LBPGRAPH_BUILD", show_default=True, help="Where builds are written (env LBPGRAPH_BUILD).")
@click.option("--store", default=None, envvar="LBPGRAPH_STORE",
              help="memory (default), oxigraph:DIR or sparql:URL (env LBPGRAPH_STORE; or store = ... in the config).")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path), default="lbpgraph.toml",
              show_default=True, help="Settings file (read when it exists): store, and [sparql] and [export] tables.")
@click.version_option(__version__, prog_name="lbpgraph")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path, build_dir: Path, store: str | None, config: Path) -> None:
    """Claims and citations of web articles about low back pain, as a graph you can query.

    Exit codes: 0 ok; 1 claim not found or ambiguous; 2 usage error; 3 invalid input (data, a
    query file or the settings); 4 query refused or failed; 5 query limit (time, memory, table
    rows); 6 store unavailable (server down, slow or refusing the credentials); 7 cannot write
    (disk full, a folder that cannot be made or written to; nothing replaced); 70 internal error
    (a bug).
    """
    settings = _settings(ctx, config)
    ctx.meta["lbpgraph.export"] = (settings.get("export", {}), str(config))
    try:
        if remote := settings.get("sparql", {}):
            from .stores.registry import check_settings
            check_settings("sparql", remote, str(config))
        ctx.obj = Project(data_dir, build_dir, store or settings.get("store", "memory"), **remote)
    except LbpgraphError as exc:
        _fail(ctx, exc)


def _settings(ctx: click.Context, path: Path) -> dict[str, Any]:
    """The config file's settings (none when it does not exist)."""
    if not path.is_file():
        return {}
    import tomllib
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        _fail(ctx, InvalidInput([Issue(str(path), 1, "config", f"cannot read settings: {exc}")],
                                subject="the settings"))
    unknown = sorted(set(settings) - {"store", "sparql", "export"})
    tables = [t for t in ("sparql", "export") if not isinstance(settings.get(t, {}), dict)]
    if unknown or tables:
        _fail(ctx, InvalidInput([Issue(str(path), 1, "config", f"unknown settings: {', '.join(unknown + tables)}"
                                       " (known: store, and [sparql] and [export] tables)")],
                                subject="the settings"))
    return settings


@cli.command()
@click.option("--check", is_flag=True, help="Validate the annotations only; write nothing.")
@click.option("--force", is_flag=True, help="Rebuild even if data/ has not changed.")
@click.pass_obj
def build(project: Project, check: bool, force: bool) -> None:
    """Validate data/ and write the RDF dataset to BUILD_DIR/graph.trig.

    Every problem in the annotations is reported on its own line (file:line: record: message)
    and nothing is written.
    """
    if check:
        corpus = project.corpus()
        click.echo(f"OK: {len(corpus.articles)} articles, {len(corpus.claims)} claims, "
                   f"{len(corpus.sources)} sources; no problems found.")
        return
    result = project.build(force=force)
    state = "Built" if result.rebuilt else "Up to date:"
    click.echo(f"{state} {result.graph_path}: {result.articles} articles, {result.claims} claims, "
               f"{result.triples} triples ({result.derived_triples} derived) in {result.seconds:.2f} s")


@cli.command()
@click.argument("sparql", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="csv and json stream any number of rows; table shows at most 10000.")
@click.option("--timeout", type=_Seconds(min=0.1), default=30.0, show_default=True,
              help="Stop the query after this many seconds, from parsing to the last row written (exit code 5).")
@click.pass_obj
def query(project: Project, sparql: str | None, list_queries: bool, fmt: str, timeout: float) -> None:
    """Run a read-only SPARQL query: SPARQL text, a named query, a .rq file, or - for stdin.

    lbpgraph's prefixes (lbp:, claim:, source:, schema:, cito:, ...) are predeclared and the
    default graph is the union of all named graphs. UPDATE, LOAD, SERVICE, FROM and FROM NAMED
    are refused before anything runs.

    Limits: a query file is a regular UTF-8 file of at most 1 MB (exit 3). A query stops with
    exit 5 at --timeout, when it needs more memory than LBPGRAPH_QUERY_MEMORY MB (default 4096)
    beyond lbpgraph's own, or when a table would have more than 10000 rows; csv and json rows
    written before that stay written.
    """
    from .analysis.query import named_queries, resolve, stream_query
    if list_queries:
        from .core.console import table
        click.echo(table(["name", "description"], [[n, d] for n, (d, _) in named_queries().items()],
                         terminal_width(sys.stdout), use_color(sys.stdout)), nl=False)
        return
    if not sparql:
        raise click.UsageError("give a query (SPARQL text, a name from --list, a file, or -)")
    text = resolve(sparql)
    if fmt == "table" and sys.stdout.isatty():  # a table comes whole: page it when it is long
        pieces: list[bytes] = []
        stream_query(project.store(), text, fmt, pieces.append, timeout=timeout,
                     width=terminal_width(sys.stdout), color=use_color(sys.stdout))
        _show(b"".join(pieces).decode("utf-8"))
        return

    out = sys.stdout.buffer
    to_terminal = sys.stdout.isatty()  # what could drive a terminal is shown, not sent; piped output is whole
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def write(data: bytes) -> None:
        out.write(safe(decoder.decode(data), keep="\r\n").encode("utf-8") if to_terminal else data)
        out.flush()
    stream_query(project.store(), text, fmt, write, timeout=timeout, width=terminal_width(sys.stdout))


@cli.command()
@click.argument("claim")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--explain", is_flag=True, help="Show the rule behind each part of the verdict and the facts it used.")
@click.pass_obj
def trace(project: Project, claim: str, fmt: str, explain: bool) -> None:
    """Trace a claim to its sources: CLAIM is a claim id, text from a statement or quote, or any
    words (as lbpgraph search takes them).

    One clear match is traced, stderr saying why it matched; several are listed best first with
    their ids and why each matched (exit 1); none lists the closest claims (exit 1). The trace ends with the claim's citation
    distortions.
    """
    from .presentation.render import trace_markdown, trace_text
    result = project.trace(claim)
    _found_by_words(project, claim, result.claim["id"])
    if fmt == "json":
        _json(result.to_json(explain=explain))
    elif fmt == "markdown":
        click.echo(trace_markdown(result, explain), nl=False)
    else:
        _show(trace_text(result, explain, terminal_width(sys.stdout), use_color(sys.stdout)))


def _found_by_words(project: Project, claim: str, found: str) -> None:
    """Say on stderr why words that are not the claim's id found it (stdout stays the trace)."""
    if claim.strip() == found:
        return
    hits = project.search(claim, 1)
    if hits and hits[0].claim == found:
        note = safe(one_line(f"Found {found} by your words: matched {hits[0].why()}"))
        click.echo(fit_lines(note, terminal_width(sys.stderr)), err=True)


@cli.command()
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="List at most this many claims.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def search(project: Project, words: tuple[str, ...], limit: int, fmt: str) -> None:
    """Find claims by any words: their statements and quotes, their concepts and the other names
    of these ("LBP", "retro walking", "relieves"), the authors and titles of the sources they
    rest on, the articles they appear in.

    Claims are ranked by relevance (BM25), best first, each with the fields and words it matched;
    exit 1 when no claim matches. lbpgraph trace takes the same words and traces one clear match.
    """
    hits = project.search(" ".join(words), limit)
    if not hits:
        raise ClaimNotFound(" ".join(words), [])
    if fmt == "json":
        _json([h.to_json() for h in hits])
    else:
        from .presentation.render import search_text
        _show(search_text(hits, terminal_width(sys.stdout), use_color(sys.stdout)))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def stats(project: Project, fmt: str) -> None:
    """Counts of articles, claims, sources, citations, ... and per-article sentence coverage."""
    result = project.stats()
    if fmt == "json":
        _json(result)
    else:
        from .presentation.render import stats_text
        click.echo(stats_text(result, terminal_width(sys.stdout), use_color(sys.stdout)), nl=False)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["html", "md", "csv"]), default="html", show_default=True)
@click.option("--table", type=click.Choice(["claims", "articles", "sources"]), default="claims", show_default=True,
              help="Which table --format csv writes.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.pass_obj
def report(project: Project, fmt: str, table: str, out: Path | None) -> None:
    """The evidence report: per claim, per article and per source, with metrics and charts.

    HTML is one self-contained page (inline charts, no script, no external resource). CSV is one
    table for a spreadsheet: a cell that would start a formula (=, +, -, @) begins with an apostrophe.
    """
    from .presentation.report import build_report, render_csv, render_html, render_markdown
    data = build_report(project.projection(), project.traces())
    text = {"html": render_html, "md": render_markdown}[fmt](data) if fmt != "csv" else render_csv(data, table)
    if out is None:
        click.echo(text, nl=False)
    else:
        atomic_write(out, text.encode("utf-8"))
        click.echo(f"Wrote {out}", err=True)


@cli.command()
@click.argument("claim", required=False)
@click.option("--all", "whole", is_flag=True, help="The whole graph instead of one claim's neighbourhood.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default: BUILD_DIR/view-<claim>.html or view-all.html).")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the layout.")
@click.option("--physics-threshold", type=click.IntRange(min=0), default=0, show_default=True,
              help="Let vis-network's physics move whole-graph views of up to this many nodes (0: never).")
@click.pass_obj
def view(project: Project, claim: str | None, whole: bool, out: Path | None, open_page: bool, seed: int,
         physics_threshold: int) -> None:
    """Write the interactive graph page of a claim's neighbourhood, or of everything with --all.

    One self-contained HTML file that works offline: a claim's colour says the GRADE certainty of
    its evidence (its basis is a filter), shape the kind of node; search, filters (certainty,
    basis, kind), and selecting a claim highlights its chain to the sources.
    """
    if claim is None and not whole:
        raise click.UsageError("give a CLAIM (an id or words of it) for its neighbourhood, or --all for the whole graph")
    if claim is not None and whole:
        raise click.UsageError("give a CLAIM or --all, not both")
    page = project.view(claim, seed=seed, physics_threshold=physics_threshold)
    if claim is not None and page.claim is not None:
        _found_by_words(project, claim, page.claim)
    target = out or project.build_dir / f"view-{page.claim or 'all'}.html"
    atomic_write(target, page.to_html().encode("utf-8"))
    click.echo(f"Wrote {target}: {len(page.nodes)} nodes, {len(page.edges)} edges")
    if open_page:
        import webbrowser
        webbrowser.open(target.resolve().as_uri())


def _accessed(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--accessed: a real date, YYYY-MM-DD (or YYYY-MM, YYYY)."""
    if value is None:
        return None
    import datetime
    parts = value.split("-")
    try:
        if not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts) > 3 \
                or any(len(p) != 2 for p in parts[1:]):
            raise ValueError
        datetime.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines query it.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0 picks a free port.")
@click.option("--timeout", type=_Seconds(min=0.1), default=30.0, show_default=True,
              help="Stop each query after this many seconds, as lbpgraph query does.")
@click.option("--max-queries", type=click.IntRange(min=1), default=8, show_default=True,
              help="Queries evaluated at once; more wait for a turn.")
@click.option("--cors", default="*", show_default=True,
              help="Web origins whose pages may query /sparql (comma-separated; * any; none: no other origin).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log each request on stderr.")
@click.pass_obj
def serve(project: Project, host: str, port: int, timeout: float, max_queries: int, cors: str,
          access_log: bool) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint at /sparql and pages to read.

    /sparql answers GET and POST (form-encoded or application/sparql-query) with SPARQL JSON,
    XML, CSV or TSV (SELECT, ASK) and Turtle, N-Triples, JSON-LD or RDF/XML (CONSTRUCT,
    DESCRIBE), by the Accept header; without a query, its service description. Queries pass
    the guard, time limit and memory cap of lbpgraph query; updates are refused: 403 for an
    update request, 400 for an update sent as a query. Pages: / (find a claim), /claim/ID (its
    trace and graph), /graph, /report. Needs the serve extra.
    """
    from .serve import serve as run_server
    origins = [] if cors.strip().lower() == "none" else [o.strip() for o in cors.split(",") if o.strip()]
    run_server(project, host, port, timeout=timeout, max_queries=max_queries, cors_origins=origins,
               access_log=access_log, announce=lambda line: click.echo(line, err=True))


@cli.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "article_id", help="Article id (default: from the file name). One article only.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the draft (yaml, one article) or the JSON document here instead.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True,
              help="yaml: archive and write the draft annotation; json: print the analysis, write nothing.")
@click.option("--url", help="Where the article was read (default: the canonical address a page gives). One article only.")
@click.option("--accessed", callback=_accessed, help="When the article was read, YYYY-MM-DD.")
@click.option("--encoding", help="Decode the files with this encoding instead of UTF-8 (texts are archived as UTF-8).")
@click.option("--force", is_flag=True, help="Replace an existing draft and its text (never a reviewed annotation).")
@click.pass_obj
def ingest(project: Project, articles: tuple[Path, ...], article_id: str | None, out: Path | None, fmt: str,
           url: str | None, accessed: str | None, encoding: str | None, force: bool) -> None:
    """Archive articles (text or saved web pages) under data/ and draft their annotations.

    A web page's main text, title, author, site, date and address are extracted; the text is
    archived as data/articles/ID.txt with the page beside it as ID.html. The draft (marked draft:
    true) holds the references found by their shape and matched to the bibliography with the
    evidence, every citation linked to its sentence and reference, and every sentence either as
    a drafted appearance (kind guessed, existing claims suggested) or listed as not yet reviewed;
    `lbpgraph review ID` lists what is left. All or nothing: files are written only when every
    article ingests and data/ still validates. --format json writes nothing: it prints one JSON
    document, an object for one file and a list of objects for several, each naming its file.
    """
    if len(articles) > 1 and (article_id or url or (out and fmt == "yaml")):
        raise click.UsageError("--id, --url and --out (with yaml) take one article")
    from .ingest.archive import analyse_files, check_url, ingest_files
    if url and (problem := check_url(url)):
        raise click.BadParameter(problem, param_hint="--url")
    progress = (click.progressbar(articles, label="Ingesting", file=sys.stderr, show_pos=True,
                                  item_show_func=lambda p: p.name if p else None)
                if sys.stderr.isatty() else contextlib.nullcontext(articles))  # a log gets no bar
    if fmt == "json":
        with progress as bar:
            results = analyse_files(project.data_dir, bar, encoding, url, article_id)
        docs = [r.to_json() for r in results]
        text = json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, ensure_ascii=False) + "\n"
        if out:
            atomic_write(out, text.encode("utf-8"))
        else:
            click.echo(text, nl=False)
        return
    with progress as bar:
        results = ingest_files(project.data_dir, bar, article_id, out, encoding, force, url, accessed)
    for r in results:
        a = r.analysis
        click.echo(f"{r.article_id}: {len(a.references)} references, {len(a.citations)} citations, "
                   f"{len(a.drafted)} drafted appearances, {len(a.left)} left for review -> {r.annotation_path}",
                   err=True)


@cli.command()
@click.argument("article")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def review(project: Project, article: str, fmt: str) -> None:
    """List what is left to review in an article's draft: sentences, drafted claims with their
    suggested links, and citations with the evidence for the work each names.

    An annotation may lose 'draft: true' only when nothing is left (build --check refuses it otherwise).
    """
    from .ingest.review import left_to_review, render
    left = left_to_review(project.data_dir, article)
    if fmt == "json":
        _json(left)
    else:
        click.echo(render(left))


@cli.command()
@click.option("--format", "fmt", metavar="FORMAT", help="The format to write (one of those --list shows).")
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write here (atomically); - for stdout. Default: BUILD_DIR/export/ and the format's file name.")
@click.option("--list", "list_formats", is_flag=True, help="List the formats, their files and who reads them.")
@click.pass_context
def export(ctx: click.Context, fmt: str | None, out: Path | None, list_formats: bool) -> None:
    """Write the graph in a format other tools read: RDF (trig, nquads, turtle, ntriples, jsonld),
    schema.org ClaimReview, nanopublications, GraphML and GEXF, CSL-JSON and BibTeX, an RO-Crate.

    Settings come from the [export] table of the config file: review_author, review_author_url
    and review_url (needed by claimreview), license, license_name, curator and date. The same data
    gives the same bytes. bibtex and rocrate need the export extra (pip install 'lbpgraph[export]').
    """
    from .export import FORMATS, ExportSettings
    if list_formats:
        from .core.console import table
        click.echo(table(["format", "file", "holds", "read by"],
                         [[f.name, f.filename, f.holds, f.read_by] for f in FORMATS.values()],
                         terminal_width(sys.stdout), use_color(sys.stdout)), nl=False)
        return
    if fmt is None:
        raise click.UsageError("give --format (one of: " + ", ".join(FORMATS) + ") or --list")
    if fmt not in FORMATS:
        raise click.BadParameter(f"{fmt!r} is not one of: {', '.join(FORMATS)}", param_hint="'--format'")
    table_, where = ctx.meta.get("lbpgraph.export", ({}, "lbpgraph.toml"))
    project: Project = ctx.obj
    data = project.export(fmt, settings=ExportSettings.from_table(table_, where))
    if out is not None and str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = out or project.build_dir / "export" / FORMATS[fmt].filename
    atomic_write(target, data)
    click.echo(f"Wrote {target}: {fmt}, {len(data)} bytes")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of every annotation file (generated from the one schema)."""
    from .model.schema import json_schema
    _json(json_schema())


@cli.command()
@click.option("--triples", type=click.IntRange(min=1000), default=1_000_000, show_default=True,
              help="Size of the synthetic corpus.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--claims", type=click.IntRange(min=2), default=200, show_default=True,
              help="How many claims to trace for the p50 and p95.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the temporary corpus and stores go (made when missing; default: the system's temp folder).")
@click.option("--stores", default="oxigraph", show_default=True,
              help="Comma-separated stores to run: memory, oxigraph, sparql:URL (loaded by push; "
                   "credentials as for push).")
@click.pass_obj
def bench(project: Project, triples: int, fmt: str, seed: int, claims: int, work_dir: Path | None,
          stores: str) -> None:
    """Benchmark lbpgraph's stores against doing it by hand (plain rdflib), in one run.

    Tasks: build, one trace (p50, p95), verdicts for the whole corpus, a named query, the view
    of one claim, a build after one article is edited, added and removed (against the full
    build), and the first stats, report and view --all after a build (against projecting the
    whole graph from the store); plus peak memory (each store's tasks run in a process of their
    own, as commands do), and whether the stores give the same answers. Progress goes to stderr;
    seconds and ratios to stdout.
    """
    from .devtools.bench import run as run_bench
    from .devtools.bench import to_text
    if work_dir is not None:
        try:
            work_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise click.BadParameter(f"cannot make {str(work_dir)!r}: {exc.strerror}", param_hint="'--work-dir'") from None
    result = run_bench(triples, work_dir, seed, claims, tuple(s.strip() for s in stores.split(",") if s.strip()),
                       project.remote)
    if fmt == "json":
        _json(result)
    else:
        click.echo(to_text(result, terminal_width(sys.stdout)), nl=False)


@cli.command()
@click.pass_obj
def push(project: Project) -> None:
    """Build data/ in memory and replace the dataset on the SPARQL server given by --store sparql:URL.

    Every named graph is uploaded beside the live ones first and swapped in only when all have
    arrived, so a failed push leaves the server as it was. Credentials come from
    LBPGRAPH_SPARQL_USER and LBPGRAPH_SPARQL_PASSWORD or the config file's [sparql] table.
    """
    result = project.push()
    click.echo(f"Pushed {result.articles} articles, {result.claims} claims, {result.triples} triples "
               f"to {project.store_spec}")


@cli.command()
@click.option("--triples", type=click.IntRange(min=1), required=True,
              help="About how many triples the built corpus should hold (derived facts included).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The data folder to write; it must not exist or be empty.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: the same seed gives the same files.")
def synth(triples: int, out: Path, seed: int) -> None:
    """Write a seeded synthetic corpus of about N triples, in the format of data/, for scale tests.

    Articles of about ten claims cite a shared pool of clearly synthetic sources (Zipf-like
    popularity, citation chains up to five deep); every basis and flag occurs. Build it with
    lbpgraph --data OUT build.
    """
    import time

    from .devtools.synth import generate
    start = time.perf_counter()
    s = generate(out, triples, seed)
    click.echo(f"Wrote {out}: {s.articles} articles, {s.claims} claims, {s.sources} sources, "
               f"{s.citations} citations; about {s.estimated_triples} triples when built "
               f"({time.perf_counter() - start:.2f} s)")


def main() -> None:
    cli(prog_name="lbpgraph")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
