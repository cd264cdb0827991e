"""Generate the reference pages' sections from the code, so they cannot drift.

Sections sit between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` markers in the pages of
``docs/reference/`` (:data:`PAGES`): ``cli`` (every command's ``--help``), ``vocabulary``
(classes and properties with IRIs), ``values`` (controlled values), ``rules`` (the rules of
evidence) and ``queries`` (named queries). ``python -m lbpgraph.docs`` (``make docs``) rewrites
them; ``--check`` fails on drift. Links are relative to ``docs/reference/``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .core import vocab


def cli_reference() -> str:
    from click.testing import CliRunner

    from .cli import cli
    runner = CliRunner()
    parts = []
    for args in [[], *([name] for name in sorted(cli.commands))]:
        result = runner.invoke(cli, [*args, "--help"], prog_name="lbpgraph", terminal_width=100)
        title = " ".join(["lbpgraph", *args])
        parts.append(f"### `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


def vocabulary_table() -> str:
    rows = ["| term | kind | IRI | meaning |", "|---|---|---|---|"]
    for t in vocab.TERMS:
        rows.append(f"| `{t.curie}` | {t.kind} | <{t.iri}> | {t.comment} |")
    prefixes = ", ".join(f"`{p}:` <{ns}>" for p, ns in vocab.PREFIXES.items())
    return "\n".join(rows) + f"\n\nPrefixes: {prefixes}.\n"


def values_table() -> str:
    rows = ["| value set | values (IRI `lbp:<set>-<value>`) |", "|---|---|"]
    for vs in vocab.VALUE_SETS:
        rows.append(f"| {vs.label} (`lbp:{vs.name}-*`) | {', '.join(f'`{n}`' for n in vs.notations)} |")
    return "\n".join(rows) + "\n"


def rules_table() -> str:
    from .build.rules import COVERAGE_RULE, load_rules
    rows = ["| order | rule | what it derives |", "|---|---|---|"]
    for r in [*load_rules(), COVERAGE_RULE]:
        rows.append(f"| {r.order:03d} | [`{r.name}`](../../src/lbpgraph/build/{r.file}) | {r.description} |"
                    if r.file.startswith("rules/") else f"| {r.order:03d} | `{r.name}` | {r.description} |")
    return "\n".join(rows) + "\n"


def queries_table() -> str:
    from .analysis.query import named_queries
    rows = ["| name | what it lists |", "|---|---|"]
    for name, (description, _) in named_queries().items():
        rows.append(f"| [`{name}`](../../src/lbpgraph/analysis/queries/{name}.rq) | {description} |")
    return "\n".join(rows) + "\n"


SECTIONS = {"cli": cli_reference, "vocabulary": vocabulary_table, "values": values_table,
            "rules": rules_table, "queries": queries_table}
#: The pages that hold generated sections, relative to the repository.
PAGES = ("docs/reference/cli.md", "docs/reference/vocabulary.md", "docs/reference/rules.md",
         "docs/reference/queries.md")


def render(page: str) -> str:
    """``page`` with every generated section it holds replaced by its current content."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        page = pattern.sub(lambda m, make=make: m.group(1) + make() + m.group(2), page)
    return page


def main(argv: list[str]) -> int:
    """Rewrite the generated sections of every page (``--check``: only say which are out of date)."""
    check = "--check" in argv
    root = Path(next((a for a in argv if not a.startswith("--")), "."))
    stale = []
    for name in PAGES:
        path = root / name
        current = path.read_text(encoding="utf-8")
        updated = render(current)
        if updated == current:
            continue
        stale.append(name)
        if not check:
            from .core.files import atomic_write
            atomic_write(path, updated.encode("utf-8"))
    if check and stale:
        print(f"{', '.join(stale)}: out of date; run: make docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
