"""The ``lbpgraph`` command line: a thin layer over :class:`lbpgraph.project.Project`.

Each command parses its options, makes one library call and formats the result. Heavy
libraries are imported inside the commands that need them, so ``lbpgraph --help`` and
``lbpgraph trace`` stay fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .errors import AmbiguousClaim, ClaimNotFound, InvalidInput, LbpgraphError
from .project import Project
from .render import safe


def _fail(ctx: click.Context, exc: LbpgraphError) -> NoReturn:
    lines = exc.lines() if isinstance(exc, InvalidInput) else []
    lines.append(f"Error: {exc}")
    if isinstance(exc, AmbiguousClaim):
        lines += [f"  {claim_id}  {statement}" for claim_id, statement in exc.matches]
    if isinstance(exc, ClaimNotFound) and exc.candidates:
        lines += ["Closest claims:", *(f"  {claim_id}  {statement}" for claim_id, statement in exc.candidates)]
    if exc.hint:
        lines.append(f"Hint: {exc.hint}")
    for line in lines:
        click.echo(safe(line), err=True)
    ctx.exit(exc.exit_code)


class _Group(click.Group):
    """Maps lbpgraph's errors to a one-line message and their documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LbpgraphError as exc:
            _fail(ctx, exc)


def _json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default="data",
              envvar="LBPGRAPH_DATA", show_default=True, help="Annotated corpus (env LBPGRAPH_DATA).")
@click.option("--build-dir", type=click.Path(file_okay=False, path_type=Path), default="build",
              envvar="LBPGRAPH_BUILD", show_default=True, help="Where builds are written (env LBPGRAPH_BUILD).")
@click.version_option(__version__, prog_name="lbpgraph")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path, build_dir: Path) -> None:
    """Claims and citations of web articles about low back pain, as a graph you can query.

    Exit codes: 0 ok; 1 claim not found or ambiguous; 2 usage error; 3 invalid input;
    4 query refused or failed; 5 query time limit.
    """
    ctx.obj = Project(data_dir, build_dir)


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
        from .corpus import load_corpus
        try:
            corpus = load_corpus(project.data_dir)
        except InvalidInput as exc:
            exc.data_dir = str(project.data_dir)
            raise
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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Stop the query after this many seconds (exit code 5).")
@click.pass_obj
def query(project: Project, sparql: str | None, list_queries: bool, fmt: str, timeout: float) -> None:
    """Run a read-only SPARQL query: SPARQL text, a named query, a .rq file, or - for stdin.

    lbpgraph's prefixes (lbp:, claim:, source:, schema:, cito:, ...) are predeclared and the
    default graph is the union of all named graphs. UPDATE, LOAD, SERVICE, FROM and FROM NAMED
    are refused before anything runs.
    """
    from .query import named_queries, resolve
    if list_queries:
        from .render import table
        click.echo(table(["name", "description"], [[n, d] for n, (d, _) in named_queries().items()]), nl=False)
        return
    if not sparql:
        raise click.UsageError("give a query (SPARQL text, a name from --list, a file, or -)")
    result = project.query(resolve(sparql), timeout=timeout)
    if fmt == "json":
        _json(result.to_json())
    elif fmt == "csv":
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(result.to_table(), nl=False)


@cli.command()
@click.argument("claim")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@click.option("--explain", is_flag=True, help="Show the rule behind each part of the verdict and the facts it used.")
@click.pass_obj
def trace(project: Project, claim: str, fmt: str, explain: bool) -> None:
    """Trace a claim to its sources: CLAIM is a claim id or text from a statement or quote.

    One clear match is traced; several are listed with their ids (exit 1); none lists the
    closest claims (exit 1). The trace ends with the claim's citation distortions.
    """
    result = project.trace(claim)
    if fmt == "json":
        _json(result.to_json(explain=explain))
    elif fmt == "markdown":
        click.echo(result.to_markdown(explain), nl=False)
    else:
        click.echo(result.to_text(explain), nl=False)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def stats(project: Project, fmt: str) -> None:
    """Counts of articles, claims, sources, citations, ... and per-article sentence coverage."""
    result = project.stats()
    if fmt == "json":
        _json(result)
    else:
        from .stats import stats_text
        click.echo(stats_text(result), nl=False)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["html", "md", "csv"]), default="html", show_default=True)
@click.option("--table", type=click.Choice(["claims", "articles", "sources"]), default="claims", show_default=True,
              help="Which table --format csv writes.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (atomically) instead of stdout.")
@click.pass_obj
def report(project: Project, fmt: str, table: str, out: Path | None) -> None:
    """The evidence report: per claim, per article and per source, with metrics and charts.

    HTML is one self-contained page (inline charts, no script, no external resource).
    """
    from .report import build_report, render_csv, render_html, render_markdown
    data = build_report(project.projection(), project.traces())
    text = {"html": render_html, "md": render_markdown}[fmt](data) if fmt != "csv" else render_csv(data, table)
    if out is None:
        click.echo(text, nl=False)
    else:
        from .project import atomic_write
        atomic_write(out, text.encode("utf-8"))
        click.echo(f"Wrote {out}", err=True)


@cli.command()
@click.argument("claim", required=False)
@click.option("--all", "whole", is_flag=True, help="The whole graph instead of one claim's neighbourhood.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default: BUILD_DIR/view-<claim>.html or view-all.html).")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the layout.")
@click.option("--physics-threshold", type=click.IntRange(min=0), default=300, show_default=True,
              help="Turn physics off for views with more nodes than this.")
@click.pass_obj
def view(project: Project, claim: str | None, whole: bool, out: Path | None, open_page: bool, seed: int,
         physics_threshold: int) -> None:
    """Write the interactive graph page of a claim's neighbourhood, or of everything with --all.

    One self-contained HTML file that works offline: colour says the evidence basis, shape the
    kind of node; search, filters, and selecting a claim highlights its chain to the sources.
    """
    if (claim is None) == (not whole):
        raise click.UsageError("give a CLAIM (id or text) or --all, not both")
    from .project import atomic_write
    from .view import build_view
    claim_id = project.trace(claim).claim["id"] if claim else None
    page = build_view(project.projection(), claim_id, seed=seed, physics_threshold=physics_threshold)
    target = out or project.build_dir / f"view-{claim_id or 'all'}.html"
    atomic_write(target, page.to_html().encode("utf-8"))
    click.echo(f"Wrote {target}: {len(page.nodes)} nodes, {len(page.edges)} edges")
    if open_page:
        import webbrowser
        webbrowser.open(target.resolve().as_uri())


@cli.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "article_id", help="Article id (default: from the file name). One article only.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the draft (yaml) or the analysis (json) here. One article only.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True,
              help="yaml: write the draft annotation; json: print references, citations and cues.")
@click.option("--encoding", help="Decode the texts with this encoding instead of UTF-8 (archived as UTF-8).")
@click.option("--force", is_flag=True, help="Overwrite an existing draft or archived text.")
@click.pass_obj
def ingest(project: Project, articles: tuple[Path, ...], article_id: str | None, out: Path | None, fmt: str,
           encoding: str | None, force: bool) -> None:
    """Archive article texts under data/ and draft their annotations for review.

    The draft (marked draft: true) holds the parsed references, every in-text citation linked to
    its sentence and reference, and cue sentences (anecdote, commercial, vague attribution,
    hedging). Drafts validate, are drawn and traced, and never count toward a verdict.
    """
    if len(articles) > 1 and (article_id or out):
        raise click.UsageError("--id and --out take one article")
    from .ingest import ingest_file
    results = []
    with click.progressbar(articles, label="Ingesting", file=sys.stderr, show_pos=True,
                           item_show_func=lambda p: p.name if p else None) as bar:
        for path in bar:
            results.append(ingest_file(project.data_dir, path, article_id, out if fmt == "yaml" else None,
                                       encoding, force, write_draft=fmt == "yaml"))
    for r in results:
        if fmt == "json":
            text = json.dumps(r.analysis.to_json(), indent=2, ensure_ascii=False) + "\n"
            if out:
                from .project import atomic_write
                atomic_write(out, text.encode("utf-8"))
            else:
                click.echo(text, nl=False)
        else:
            a = r.analysis
            click.echo(f"{r.article_id}: {len(a.references)} references, {len(a.citations)} citations, "
                       f"{sum(len(v) for v in a.cues.values())} cue sentences -> {r.annotation_path}", err=True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of every annotation file (generated from the one schema)."""
    from .schema import json_schema
    _json(json_schema())


def main() -> None:
    cli(prog_name="lbpgraph")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
