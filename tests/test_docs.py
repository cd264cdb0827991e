"""The docs tell the truth: generated reference sections are current, the README keeps what a user
needs first, every command, term and exit code is documented, and every SPARQL example runs."""

from __future__ import annotations

import re

from lbpgraph import docs
from lbpgraph.project import Project

from .conftest import ROOT

REFERENCE = ROOT / "docs" / "reference"


def _read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_reference_sections_are_current() -> None:
    for path in docs.PAGES:
        text = (ROOT / path).read_text(encoding="utf-8")
        assert docs.render(text) == text, f"{path} is out of date: run `make docs`"


def test_every_generated_section_has_one_page() -> None:
    found = {name: [p for p in docs.PAGES if f"<!-- BEGIN {name} -->" in _read(p)] for name in docs.SECTIONS}
    assert all(len(pages) == 1 for pages in found.values()), found


def test_reference_documents_every_command_and_term() -> None:
    from lbpgraph.cli import cli
    from lbpgraph.core import vocab
    cli_page, vocabulary = _read("docs/reference/cli.md"), _read("docs/reference/vocabulary.md")
    for command in cli.commands:
        assert f"### `lbpgraph {command}`" in cli_page
    for term in vocab.TERMS:
        assert f"`{term.curie}`" in vocabulary and term.iri in vocabulary


def test_every_exit_code_is_documented() -> None:
    from lbpgraph.cli import cli
    from lbpgraph.core import errors
    codes = {0, 2} | {c.exit_code for c in vars(errors).values()
                      if isinstance(c, type) and issubclass(c, errors.LbpgraphError)}
    page = _read("docs/reference/exit-codes.md")
    assert {int(c) for c in re.findall(r"^\| (\d+) \|", page, re.M)} == codes
    assert {int(c) for c in re.findall(r"^(\d+) +\S", errors.__doc__ or "", re.M)} == codes
    assert {int(c) for c in re.findall(r"[:;]\s+(\d+) ", (cli.help or "").split("Exit codes")[1])} == codes


def test_the_readme_is_for_users_first() -> None:
    readme = _read("README.md")
    assert "make run " in readme and "make test " in readme
    assert "Not medical advice" in readme and "notebooks/explore.ipynb" in readme
    for reader in ("physiotherapist", "journalist", "researcher"):
        assert re.search(rf"^## For an? {reader}", readme, re.M), reader
    assert "<!-- BEGIN" not in readme, "the generated reference lives in docs/reference/"
    for link in re.findall(r"\]\(((?:docs|data|notebooks)/[^)#]+)\)", readme):
        assert (ROOT / link).exists(), link
    makefile = _read("Makefile")
    assert "\nrun: " in makefile and "\ntest: " in makefile
    assert "make test" in _read(".ci/run")


def test_every_command_the_readme_suggests_exists() -> None:
    from lbpgraph.analysis.query import named_queries
    from lbpgraph.cli import cli
    readme = _read("README.md")
    for line in re.findall(r"`lbpgraph ([^`]+)`", readme):
        words = [w for w in line.split() if not w.startswith("-")]
        command = next(w for w in words if not w.startswith(("oxigraph:", "db")))
        if command.isupper():  # a placeholder: `lbpgraph COMMAND --help`
            continue
        assert command in cli.commands, line
        if command == "query" and len(words) > 1 and not words[1].endswith(".rq"):
            assert words[1] in named_queries(), line


def test_sparql_examples_run_and_return_rows(built: Project) -> None:
    examples = [e for page in ("README.md", *sorted(str(p.relative_to(ROOT)) for p in REFERENCE.glob("*.md")))
                for e in re.findall(r"```sparql\n(.*?)```", _read(page), re.S)]
    assert len(examples) >= 3
    for example in examples:
        result = built.query(example)
        assert result.rows, example
        keys = [tuple(sorted((k, v["value"]) for k, v in row.items())) for row in result.rows]
        assert len(keys) == len(set(keys)), f"duplicate rows from: {example}"


def test_claims_the_readme_traces_exist(built: Project) -> None:
    for claim in re.findall(r"`lbpgraph (?:trace|view) ((?:\"[^\"]+\")|[\w-]+)", _read("README.md")):
        built.trace(claim.strip('"'))  # raises when no claim or several match
