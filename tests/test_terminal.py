"""Output that fits an 80-column terminal, while CSV and JSON keep every character."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lbpgraph.analysis.query import named_queries
from lbpgraph.cli import cli
from lbpgraph.core.console import table, terminal_width, use_color
from lbpgraph.presentation.render import trace_text
from lbpgraph.project import Project

from .conftest import DATA, run

NAMES = sorted(named_queries())


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def _query(project: Project, *args: str) -> Result:
    """``lbpgraph query`` on ``project``'s store (Oxigraph answers in milliseconds)."""
    options = ["--data", str(DATA), "--build-dir", str(project.build_dir), "--store", project.store_spec]
    return CliRunner().invoke(cli, [*options, "query", *args], catch_exceptions=False)


@pytest.fixture
def columns_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.parametrize("name", NAMES)
def test_named_query_tables_fit_80_columns_and_csv_json_keep_the_full_text(
        built_oxigraph: Project, name: str, columns_80: None) -> None:
    table_out = _query(built_oxigraph, name)
    assert table_out.exit_code == 0 and "\x1b" not in table_out.stdout
    assert _widest(table_out.stdout) <= 80
    csv_rows = list(csv.reader(io.StringIO(_query(built_oxigraph, name, "--format", "csv").stdout)))
    longest = max((cell for row in csv_rows[1:] for cell in row), key=len)
    assert len(longest) > 40 and longest not in table_out.stdout  # cut or wrapped in the table ...
    bindings = json.loads(_query(built_oxigraph, name, "--format", "json").stdout)["results"]["bindings"]
    assert longest in {t["value"] for row in bindings for t in row.values()}  # ... whole in CSV and JSON
    assert len(bindings) == len(csv_rows) - 1 and f"({len(bindings)} rows)" in table_out.stdout


def test_a_wide_terminal_gets_one_line_per_row_with_free_text_cut(
        built_oxigraph: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    out = _query(built_oxigraph, "flags").stdout.splitlines()
    assert out[0].split() == ["flag", "claim", "statement"] and _widest("\n".join(out)) <= 120
    assert any(line.endswith("\u2026") for line in out)
    assert "claim:adc-device-corrects-spinal-curvature" in out[2]  # identifiers are never cut


def test_piped_output_is_whole(built_oxigraph: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out = _query(built_oxigraph, "flags").stdout
    assert "\u2026" not in out and _widest(out) > 120


def test_articles_show_as_titles_and_rows_differ_by_their_quote(built_oxigraph: Project) -> None:
    rows = built_oxigraph.query("anecdotal-claims").rows
    assert {r["article"]["type"] for r in rows} == {"literal"}
    assert "Does Backward Walking Help Low Back Pain?" in {r["article"]["value"] for r in rows}
    for name in ("anecdotal-claims", "unsupported-claims", "contraindications", "missing-warnings"):
        assert "article:0" not in _query(built_oxigraph, name).stdout, name
    shown = [tuple(sorted((k, v["value"]) for k, v in r.items())) for r in rows]
    assert len(shown) == len(set(shown))


def test_every_trace_fits_80_columns(built: Project, columns_80: None) -> None:
    for claim, data in sorted(built.traces().items()):
        from lbpgraph.analysis.trace import Trace
        text = trace_text(Trace.from_json(data), explain=True, width=80)
        assert _widest(text) <= 80, claim
    out = run("trace", "walking-relieves-lbp", "--explain", build=built.build_dir).stdout
    assert _widest(out) <= 80 and "Krein SL et al. 2013" in out
    whole = run("trace", "walking-relieves-lbp", "--format", "json", build=built.build_dir).stdout
    assert max(len(a["quote"]) for a in json.loads(whole)["appearances"]) > 80


def test_search_and_lists_of_claims_fit_80_columns(built: Project, columns_80: None) -> None:
    assert _widest(run("search", "walking", "backwards", "relieves", "LBP", build=built.build_dir).stdout) <= 80
    listed = run("trace", "back walking", build=built.build_dir)
    assert listed.exit_code == 1 and _widest(listed.stderr.split("\n", 1)[1]) <= 80
    why = built.search("back walking", 1)[0].why()  # wrapped under its claim, never cut
    assert " ".join(listed.stderr.split()).find(" ".join(f"matched {why}".split())) > 0
    found = run("trace", "does walking backwards open the disc space", build=built.build_dir)
    assert found.exit_code == 0 and _widest(found.stderr) <= 80 and _widest(found.stdout) <= 80
    assert _widest(run("query", "--list", build=built.build_dir).stdout) <= 80
    stats = run("stats", build=built.build_dir).stdout
    assert _widest(stats) <= 80 and "What the Research Says About" in stats
    assert _widest(run("export", "--list", build=built.build_dir).stdout) <= 80


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Terminal()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Terminal())
    assert table(["a"], [["x"]], color=True).startswith("\x1b[1ma\x1b[0m\n")
    assert "\x1b" not in table(["a"], [["\x1b[31mx"]], color=False)


def test_the_width_comes_from_columns_or_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    assert terminal_width(io.StringIO()) == 72
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(io.StringIO()) is None  # a file or a pipe: no limit


def _in_terminal(built: Project, *args: str, **env: str) -> str:
    """``lbpgraph ARGS`` in a pseudo-terminal of 80 columns and 24 lines, as a person runs it
    (no COLUMNS or LINES: the width and height are the terminal's); what it shows, CRs removed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "PAGER")}
    lbpgraph = str(Path(sys.executable).parent / "lbpgraph")
    child = subprocess.Popen([lbpgraph, "--data", str(DATA), "--build-dir", str(built.build_dir), *args],
                             stdin=follower, stdout=follower, stderr=follower,
                             env={**environ, "TERM": "xterm", **env}, close_fds=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child and its pager closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert child.wait(timeout=60) == 0
    return shown.decode("utf-8").replace("\r\n", "\n")


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_in_a_terminal_output_is_coloured_paged_when_long_and_fits_its_width(built: Project) -> None:
    pager = "sed -e 1s/^/PAGED:/"  # a pager that marks what went through it
    long = _in_terminal(built, "trace", "walking-relieves-lbp", PAGER=pager)
    assert long.startswith("PAGED:") and "\x1b[1m" in long
    assert _widest(_plain(long)) <= 80 and "Krein SL et al. 2013" in long
    table_out = _in_terminal(built, "query", "flags", PAGER=pager)
    # too wide for 80 columns with its statements: one record per row, its first value in bold
    assert table_out.startswith("PAGED:\x1b[1mcommercial-interest\x1b[0m\n  claim:") and _widest(_plain(table_out)) <= 80
    short = _in_terminal(built, "search", "Dufek", "--limit", "1", PAGER=pager)
    assert "PAGED:" not in short and short.startswith("\x1b[1m1. ")  # shorter than the screen: no pager
    plain = _in_terminal(built, "trace", "walking-relieves-lbp", PAGER=pager, NO_COLOR="1")
    assert plain.startswith("PAGED:") and "\x1b[" not in plain and plain == _plain(long)


def test_piped_output_has_no_colour_no_pager_and_whole_lines(built: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("PAGER", "sed -e 1s/^/PAGED:/")
    out = run("trace", "walking-relieves-lbp", build=built.build_dir).stdout
    assert "\x1b[" not in out and "PAGED:" not in out and _widest(out) > 80
