"""The README tells the truth: generated sections are current, the two commands exist, CI runs tests."""

from __future__ import annotations

import re

from lbpgraph import docs
from lbpgraph.project import Project

from .conftest import ROOT


def test_readme_reference_sections_are_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.render(readme) == readme, "README is out of date: run `make readme`"


def test_readme_documents_every_command_and_term() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from lbpgraph.cli import cli
    for command in cli.commands:
        assert f"### `lbpgraph {command}`" in readme
    from lbpgraph.core import vocab
    for term in vocab.TERMS:
        assert f"`{term.curie}`" in readme and term.iri in readme


def test_every_exit_code_is_documented() -> None:
    from lbpgraph.core import errors
    from lbpgraph.cli import cli
    codes = {0, 2} | {c.exit_code for c in vars(errors).values()
                      if isinstance(c, type) and issubclass(c, errors.LbpgraphError)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Exit codes\n")[1].split("\n## ")[0]
    assert {int(c) for c in re.findall(r"^\| (\d+) \|", section, re.M)} == codes
    assert {int(c) for c in re.findall(r"^(\d+) +\S", errors.__doc__ or "", re.M)} == codes
    assert {int(c) for c in re.findall(r"[:;]\s+(\d+) ", (cli.help or "").split("Exit codes")[1])} == codes


def test_the_two_commands_and_ci() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run " in readme and "make test " in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrun: " in makefile and "\ntest: " in makefile
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_readme_sparql_examples_run_and_return_rows(built: Project) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```sparql\n(.*?)```", readme, re.S)
    assert len(examples) >= 3
    for example in examples:
        result = built.query(example)
        assert result.rows, example
        keys = [tuple(sorted((k, v["value"]) for k, v in row.items())) for row in result.rows]
        assert len(keys) == len(set(keys)), f"duplicate rows from: {example}"
