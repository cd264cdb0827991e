"""Bad inputs through the real command line: a documented exit code and a one-line message, never
a Python traceback or a hang.

Each case runs the installed ``lbpgraph`` entry point in a subprocess, as a user would, so a
traceback, a second message or a hang is seen exactly as a user sees it. To add a case (for any
command), append a :class:`Case` to ``CASES``: its arguments, the exit code, a pattern the
``Error:`` line must match and, if it needs files, a ``setup`` that makes them in its own
temporary folder.

The shape of stderr on failure: exactly one line ``Error: ...``; before it, one line per
problem in the input (``file:line: record: message``) or click's usage lines; after it, optional ``Hint: ...`` lines
and lists of claims (``Closest claims:`` and indented ``  id  statement`` lines).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lbpgraph.project import Project

from .bad_inputs import CASES as BAD_ANNOTATIONS
from .bad_inputs import BadInput
from .conftest import DATA

LBPGRAPH = Path(sys.executable).with_name("lbpgraph")  # the entry point installed beside this Python

BEFORE_ERROR = re.compile(r"\S+:\d+: |Usage: |Try '.+' for help\.$|$")  # problems in the input; click's usage
AFTER_ERROR = re.compile(r"Hint: \S|Closest claims:$|  \S+  \S|      matched \S|        \S|  \.\.\. and \d+ more ")
# a hint, or a list of claims (each with why it matched, wrapped under it)
LONGEST_LINE = 400  # no message echoes a whole input back


@dataclass(frozen=True)
class Case:
    """One bad input and what the command line must answer.

    ``args`` and ``options`` may name ``{data}`` (the real corpus), ``{build}`` (its build
    folder, built once), ``{oxigraph}`` (the corpus built into an Oxigraph store, once) and
    ``{tmp}`` (a temporary folder of the case's own, filled by ``setup``). ``stdin`` is a path
    (filled in the same way) opened as standard input.
    """

    id: str
    args: tuple[str, ...]
    exit_code: int
    message: str  # a regular expression the Error line must contain
    setup: Callable[[Path], None] | None = None
    options: tuple[str, ...] = ("--data", "{data}", "--build-dir", "{build}")
    stdin: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    seconds: float = 20.0  # the command must end within this (a hang fails the case)
    hint: str | None = None  # a regular expression a Hint line must contain


# --- what the cases need ------------------------------------------------------------------------

def _fifo(tmp: Path) -> None:
    os.mkfifo(tmp / "q.rq")
    os.mkfifo(tmp / "fifo")


def _file_in_the_way(tmp: Path) -> None:
    (tmp / "afile").write_text("not a folder\n", encoding="utf-8")


def _folder(tmp: Path) -> None:
    (tmp / "folder.rq").mkdir()


def _dev_zero_link(tmp: Path) -> None:
    (tmp / "zero.rq").symlink_to("/dev/zero")


def _not_utf8(tmp: Path) -> None:
    (tmp / "latin1.rq").write_bytes("SELECT * WHERE { ?s ?p \"caf\u00e9\" }".encode("latin-1"))


def _huge(tmp: Path) -> None:
    (tmp / "huge.rq").write_text("# " + "x" * 2_000_000 + "\nSELECT * WHERE { ?s ?p ?o }", encoding="utf-8")


def _empty(tmp: Path) -> None:
    (tmp / "empty.rq").write_text("", encoding="utf-8")


def _nul(tmp: Path) -> None:
    (tmp / "nul.rq").write_text("SELECT * WHERE { ?s ?p ?o \0 }", encoding="utf-8")


def _nested(tmp: Path) -> None:
    depth = 5000
    (tmp / "parens.rq").write_text(
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") }", encoding="utf-8")
    (tmp / "braces.rq").write_text("SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth, encoding="utf-8")
    (tmp / "fifty.rq").write_text(
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 50 + "?o" + ")" * 50 + ") }", encoding="utf-8")


def _values(tmp: Path) -> None:
    """About 600 KB of VALUES: rdflib takes about 25 s to parse and evaluate it."""
    values = " ".join(f'"value number {i}"' for i in range(32_000))
    (tmp / "values.rq").write_text(f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}", encoding="utf-8")


def _doubling(tmp: Path) -> None:
    """A string that doubles 25 times (512 MB at the end, about 1 GB in all)."""
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(25))
    (tmp / "doubling.rq").write_text(
        f'SELECT (STRLEN(?a25) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?a0) {binds} }}', encoding="utf-8")


TEN_KB = " ".join(["lumbar walking backwards study shows muscles improve"] * 200)[:10_240]

CASES = [
    # query files that cannot be used: exit 3, saying what is wrong with the file
    Case("query-file-missing", ("query", "{tmp}/nope.rq"), 3, r"query file '.*nope\.rq': no such file"),
    Case("query-path-missing", ("query", "{tmp}/no/such/query"), 3, r"query file '.*no/such/query': no such file"),
    Case("query-file-folder", ("query", "{tmp}/folder.rq"), 3, r"'.*folder\.rq' is a folder", _folder),
    Case("query-file-fifo", ("query", "{tmp}/q.rq"), 3, r"'.*q\.rq' is not a regular file", _fifo, seconds=10),
    Case("query-fifo-no-suffix", ("query", "{tmp}/fifo"), 3, r"'.*fifo' is not a regular file", _fifo, seconds=10),
    Case("query-dev-zero", ("query", "/dev/zero"), 3, r"'/dev/zero' is not a regular file", seconds=10),
    Case("query-link-to-dev-zero", ("query", "{tmp}/zero.rq"), 3, r"'.*zero\.rq' is not a regular file",
         _dev_zero_link, seconds=10),
    Case("query-stdin-dev-zero", ("query", "-"), 3, r"standard input: larger than 1 MB", stdin="/dev/zero",
         seconds=10),
    Case("query-file-too-large", ("query", "{tmp}/huge.rq"), 3, r"'.*huge\.rq': larger than 1 MB", _huge),
    Case("query-file-not-utf8", ("query", "{tmp}/latin1.rq"), 3, r"'.*latin1\.rq': not UTF-8", _not_utf8),
    # queries refused before anything runs: exit 4
    Case("query-file-empty", ("query", "{tmp}/empty.rq"), 4, r"empty query", _empty),
    Case("query-nul-byte", ("query", "{tmp}/nul.rq"), 4, r"not valid SPARQL", _nul),
    Case("query-5000-parentheses", ("query", "{tmp}/parens.rq"), 4, r"nested too deeply", _nested),
    Case("query-5000-braces", ("query", "{tmp}/braces.rq"), 4, r"nested too deeply", _nested),
    Case("query-50-parentheses", ("query", "{tmp}/fifty.rq"), 4, r"nested too deeply", _nested),
    Case("query-prefixed-service", ("query", "PREFIX ex: <http://x/> SELECT * { SERVICE ex:s { ?a ?b ?c } }"), 4,
         r"SERVICE ex:s refused"),
    Case("query-service-variable", ("query", "SELECT * { SERVICE ?where { ?a ?b ?c } }"), 4,
         r"SERVICE \?where refused"),
    Case("query-prefixed-from", ("query", "PREFIX ex: <http://x/> SELECT * FROM ex:g { ?a ?b ?c }"), 4,
         r"FROM ex:g refused"),
    Case("query-update", ("query", "DELETE WHERE { ?s ?p ?o }"), 4, r"DeleteWhere refused"),
    Case("query-bad-syntax", ("query", "SELECT * WHERE { ?s ?p }"), 4, r"not valid SPARQL \(line 1"),
    # resource limits: exit 5, within the limit
    Case("query-timeout-covers-parsing", ("query", "--timeout", "2", "{tmp}/values.rq"), 5,
         r"time limit of 2 s", _values, seconds=10),
    Case("query-table-too-long", ("query", "SELECT * WHERE { ?s ?p ?o }"), 5,
         r"more than 10000 rows, the most --format table shows", hint=r"use --format csv"),
    Case("query-table-too-long-oxigraph", ("--store", "oxigraph:{oxigraph}", "query", "SELECT * WHERE { ?s ?p ?o }"),
         5, r"more than 10000 rows, the most --format table shows", hint=r"use --format csv"),
    Case("query-memory-limit", ("query", "--timeout", "60", "{tmp}/doubling.rq"), 5,
         r"aborted, most likely at its memory limit of 300 MB", _doubling, env={"LBPGRAPH_QUERY_MEMORY": "300"},
         hint="raise LBPGRAPH_QUERY_MEMORY"),
    Case("query-memory-limit-oxigraph", ("--store", "oxigraph:{oxigraph}", "query", "--timeout", "60",
                                         "{tmp}/doubling.rq"), 5,
         r"aborted, most likely at its memory limit of 300 MB", _doubling, env={"LBPGRAPH_QUERY_MEMORY": "300"}),
    Case("query-memory-not-a-number", ("query", "ASK {}"), 2, r"LBPGRAPH_QUERY_MEMORY must be a whole number of MB",
         env={"LBPGRAPH_QUERY_MEMORY": "lots"}),
    # usage errors: exit 2
    Case("query-timeout-zero", ("query", "--timeout", "0", "ASK {}"), 2, r"Invalid value for '--timeout'"),
    Case("query-unknown-store", ("--store", "nosuch", "query", "ASK {}"), 2, r"unknown store 'nosuch'"),
    # trace: no answer is exit 1, and the message never echoes a long text back
    Case("trace-10-kb", ("trace", TEN_KB), 1, r"claims match 'lumbar walking .{0,80}…' \(10240 characters\)",
         seconds=5),
    Case("trace-empty", ("trace", ""), 1, r"no claim matches ''"),
    Case("trace-punctuation-only", ("trace", "("), 1, r"no claim matches '\('"),
    Case("query-timeout-nan", ("query", "--timeout", "nan", "ASK {}"), 2, r"'nan' is not a number of seconds"),
    Case("query-timeout-infinite", ("query", "--timeout", "inf", "ASK {}"), 2, r"'inf' is not a number of seconds"),
    Case("build-dir-under-a-file", ("build",), 7, r"cannot write .*afile/sub/\.lock: a file stands where its folder should be",
         _file_in_the_way, options=("--data", "{data}", "--build-dir", "{tmp}/afile/sub")),
    Case("build-dir-is-a-file", ("trace", "bw-reduces-lbp"), 7, r"cannot write .*afile/\.lock: a file stands where",
         _file_in_the_way, options=("--data", "{data}", "--build-dir", "{tmp}/afile")),
    Case("trace-blank", ("trace", " \t "), 1, r"no claim matches"),
    Case("trace-newline-and-controls", ("trace", "zz\nqq\x1b[31m"), 1, r"no claim matches 'zz\\nqq\\x1b\[31m'"),
    Case("trace-ambiguous", ("trace", "back walking"), 1, r"claims match 'back walking'; give one of their ids"),
    Case("trace-not-utf8", ("trace", os.fsdecode(b"walking \xff\xfe")), 1, r"claims match 'walking \\udcff"),
]


# --- running them -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def places(built: Project, built_oxigraph: Project) -> dict[str, str]:
    return {"data": str(DATA), "build": str(built.build_dir), "oxigraph": str(built_oxigraph.graph_path)}


def lbpgraph(argv: list[str], stdin: str | None = None, env: dict[str, str] | None = None,
             seconds: float = 20.0) -> tuple[subprocess.CompletedProcess[bytes], float]:
    """Run the installed command line; fail (never hang) when it runs longer than ``seconds``."""
    start = time.monotonic()
    with open(stdin or os.devnull, "rb") as source:
        process = subprocess.Popen([str(LBPGRAPH), *argv], stdin=source, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "100", **(env or {})},
                                   start_new_session=True)  # a group of its own: a hang ends with its children
        try:
            stdout, stderr = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"lbpgraph {' '.join(argv)[:200]} ran longer than {seconds} s", pytrace=False)
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done, time.monotonic() - start


def assert_one_error_line(stderr: str, message: str) -> None:
    """Exactly one ``Error:`` line, matching ``message``, and only documented lines around it."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("Error: ")]
    assert len(errors) == 1, stderr
    [at] = errors
    assert re.search(message, lines[at]), lines[at]
    for line in lines[:at]:
        assert BEFORE_ERROR.match(line), line
    for line in lines[at + 1:]:
        assert AFTER_ERROR.match(line), line
    assert max(len(line) for line in lines) <= LONGEST_LINE, max(lines, key=len)[:200]


def fill(text: str, where: dict[str, str]) -> str:
    """``text`` with ``{data}``, ``{build}`` and ``{tmp}`` replaced (SPARQL's own braces stay)."""
    for name, value in where.items():
        text = text.replace("{" + name + "}", value)
    return text


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, places: dict[str, str], tmp_path: Path) -> None:
    if case.setup:
        case.setup(tmp_path)
    where = {**places, "tmp": str(tmp_path)}
    argv = [fill(a, where) for a in (*case.options, *case.args)]
    done, _ = lbpgraph(argv, case.stdin and fill(case.stdin, where), case.env, case.seconds)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == case.exit_code, stderr[-2000:]
    assert_one_error_line(stderr, case.message)
    if case.hint:
        assert any(line.startswith("Hint: ") and re.search(case.hint, line) for line in stderr.splitlines()), stderr


def test_case_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


def copy_data(tmp: Path) -> Path:
    """A private copy of the real corpus under ``tmp`` (for cases that change it: build, ingest)."""
    return Path(shutil.copytree(DATA, tmp / "data"))


# --- build and ingest: the annotation inputs of tests/bad_inputs.py, through the real command -----

def _corpus(bad: BadInput) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        bad.write(tmp)
    return setup


def _other_article(tmp: Path) -> None:
    copy_data(tmp)
    (tmp / "other.txt").write_text("Walking backwards cures everything (1).\n", encoding="utf-8")


BUILD_CASES = [
    Case(f"build-{bad.name}", ("build",), bad.exit_code, re.escape(bad.fragment) if bad.exit_code != 3 else
         r"problems? in the annotations; nothing was written", _corpus(bad),
         options=("--data", "{tmp}/data", "--build-dir", "{tmp}/build"))
    for bad in BAD_ANNOTATIONS
] + [
    Case("ingest-force-over-reviewed", ("ingest", "--id", "001", "--force", "{tmp}/other.txt"), 2,
         r"reviewed", _other_article, options=("--data", "{tmp}/data", "--build-dir", "{tmp}/build")),
]


@pytest.mark.parametrize("case", BUILD_CASES, ids=[c.id for c in BUILD_CASES])
def test_bad_annotation_input(case: Case, tmp_path: Path) -> None:
    """Every bad annotation input of the validation table, through the installed command: the
    documented exit code, one line per problem naming its file, and one Error line."""
    test_bad_input(case, {}, tmp_path)
