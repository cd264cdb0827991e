"""Every command through CliRunner, usage errors, and what the fast commands import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lbpgraph.cli import cli
from lbpgraph.project import Project

from .conftest import DATA, ROOT, run


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: cli {command}") or result.stdout.startswith("Usage:")
    assert len(cli.commands[command].help or "") > 20


def test_version_and_group_help() -> None:
    assert run("--version").stdout.strip() == "lbpgraph, version 0.1.0"
    assert "Exit codes:" in run("--help").stdout


def test_build_check_writes_nothing(tmp_path) -> None:  # noqa: ANN001
    result = run("build", "--check", build=tmp_path / "build")
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: 5 articles,")
    assert not (tmp_path / "build").exists()


def test_schema_is_json_schema() -> None:
    doc = json.loads(run("schema").stdout)
    assert set(doc) == {"annotations/<article>.yaml", "claims.yaml", "bibliography.yaml", "concepts.yaml", "context.yaml"}
    assert doc["annotations/<article>.yaml"]["additionalProperties"] is False


@pytest.mark.parametrize("args", [["query"], ["trace"], ["trace", "x", "--format", "html"], ["nosuch"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def _modules_after(code: str) -> set[str]:
    script = ("import sys\n" + code + "\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_help_imports_no_heavy_library() -> None:
    loaded = _modules_after("from lbpgraph.cli import cli\n"
                            "try:\n    cli(['--help'], prog_name='lbpgraph')\nexcept SystemExit:\n    pass")
    assert not loaded & {"rdflib", "networkx", "pyvis", "pyshacl", "pydantic", "yaml", "pyoxigraph", "trafilatura"}


def _cli_modules(built: Project, *args: str, code: int = 0) -> set[str]:
    return _modules_after(
        "from lbpgraph.cli import cli\n"
        f"try:\n    cli(['--data', {str(DATA)!r}, '--build-dir', {str(built.build_dir)!r}, *{list(args)!r}],"
        f" prog_name='lbpgraph')\nexcept SystemExit as e:\n    assert e.code == {code}, e.code")


def test_trace_reads_the_cached_traces_without_heavy_libraries(built: Project) -> None:
    """A trace by id needs neither the graph libraries nor the search's (BM25, NumPy, the stemmer)."""
    loaded = _cli_modules(built, "trace", "bw-unloads-discs")
    assert not loaded & {"rdflib", "networkx", "pyvis", "pyshacl", "pydantic", "yaml", "trafilatura",
                         "bm25s", "numpy", "Stemmer"}


def test_trace_and_search_by_words_read_what_the_build_prepared(built: Project) -> None:
    """Words are ranked with bm25s (and NumPy) over the kept search documents: no graph library."""
    for args, code in ((["trace", "does walking backwards open the disc space"], 0), (["search", "Dufek"], 0),
                       (["trace", "backward walking helps back pain"], 1)):
        loaded = _cli_modules(built, *args, code=code)
        assert "bm25s" in loaded, args
        assert not loaded & {"rdflib", "networkx", "pyvis", "pydantic", "yaml", "trafilatura"}, args


def test_an_unexpected_error_is_one_line_with_exit_70(built: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug anywhere reaches the user as one line and exit 70, not a traceback;
    LBPGRAPH_DEBUG=1 shows the traceback."""
    def broken(self: Project) -> None:
        raise KeyError("boom")
    monkeypatch.setattr(Project, "stats", broken)
    result = run("stats", build=built.build_dir)
    assert result.exit_code == 70
    assert result.stderr.splitlines() == [
        "Error: unexpected KeyError: 'boom'",
        "Hint: this is a bug in lbpgraph; run again with LBPGRAPH_DEBUG=1 to see the traceback"]
    monkeypatch.setenv("LBPGRAPH_DEBUG", "1")
    with pytest.raises(KeyError):
        run("stats", build=built.build_dir)


def test_view_says_which_argument_to_give(built: Project) -> None:
    neither = run("view", build=built.build_dir)
    assert neither.exit_code == 2
    assert "give a CLAIM (an id or words of it) for its neighbourhood, or --all for the whole graph" in neither.stderr
    both = run("view", "bw-reduces-lbp", "--all", build=built.build_dir)
    assert both.exit_code == 2 and "give a CLAIM or --all, not both" in both.stderr


def test_bench_makes_a_missing_work_dir_or_says_why_it_cannot(tmp_path) -> None:  # noqa: ANN001
    work = tmp_path / "not" / "yet"
    result = run("bench", "--triples", "1000", "--claims", "2", "--format", "json", "--work-dir", str(work),
                 build=tmp_path / "build")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["traced_claims"] == 2 and work.is_dir() and not list(work.iterdir())
    from lbpgraph.devtools.bench import to_text
    text = to_text(json.loads(result.stdout), width=80)  # the text format of the same result, at 80 columns
    assert "trace p95" in text and max(len(line) for line in text.splitlines()) <= 80
    (tmp_path / "file").write_text("x")
    refused = run("bench", "--triples", "1000", "--work-dir", str(tmp_path / "file" / "sub"), build=tmp_path / "build")
    assert refused.exit_code == 2
    assert refused.stderr.splitlines()[-1].startswith("Error: Invalid value for '--work-dir': cannot make")
    assert "Traceback" not in refused.stderr
