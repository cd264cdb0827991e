"""Read-only SPARQL over the built dataset, guarded and limited in time, memory and rows.

One path for every query, named or typed by a user:

1. read: a query file must be a regular file (not a FIFO, device or folder) of at most 1 MB of
   UTF-8 text; standard input is read up to the same size;
2. parse only (rdflib's parser); anything that is not a query (an UPDATE, LOAD, CLEAR, ...)
   is refused, as are ``SERVICE`` (federation: it would make lbpgraph fetch a URL), dataset
   clauses ``FROM`` / ``FROM NAMED`` (rdflib would download them) and expressions nested too
   deeply for the parser, all before anything runs. Parsing runs in a forked child within the
   time limit: rdflib takes seconds over a large query;
3. evaluation by the store (:mod:`lbpgraph.store`) over the union of all named graphs: local
   stores evaluate in a forked child process with an audit hook that refuses every network
   connection and a cap on its memory, killed when it exceeds what is left of the time limit;
   a SPARQL server gets the same time limit;
4. results as SPARQL 1.1 JSON, SPARQL 1.1 CSV, or an aligned table. :func:`stream_query`
   renders them where the store evaluates, as rows arrive, so the time limit covers writing
   too: CSV and JSON stream any number of rows, a table shows at most :data:`TABLE_ROWS`.
"""

from __future__ import annotations

import csv
import errno
import functools
import io
import json
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, BinaryIO

from ..core import vocab
from ..core.errors import QueryFileError, QueryRefused, QueryTimeout, TooManyRows

if TYPE_CHECKING:
    from ..stores.oxigraph import Store

DEFAULT_TIMEOUT = 30.0
MAX_QUERY_BYTES = 1_000_000  # of a query file or standard input
TABLE_ROWS = 10_000          # the most rows --format table shows; CSV and JSON stream any number
Term = dict[str, str]


# --- named queries ---------------------------------------------------------------------------

def named_queries() -> dict[str, tuple[str, str]]:
    """Shipped queries: name -> (one-line description, SPARQL text)."""
    folder = resources.files("lbpgraph.analysis") / "queries"
    result = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            first = next((ln[1:].strip() for ln in text.splitlines() if ln.startswith("#")), "")
            result[entry.name.removesuffix(".rq")] = (first, text)
    return result


def resolve(argument: str, stdin: BinaryIO | None = None) -> str:
    """SPARQL text for a query argument: ``-`` (stdin), a named query, a file, or SPARQL itself.

    Raises :class:`QueryFileError` for a file (or stdin) that cannot be used.
    """
    if argument == "-":
        stream = stdin or getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise QueryFileError("standard input is closed")
        return _decode(_read_capped(stream, "standard input"), "standard input")
    named = named_queries()
    if argument in named:
        return named[argument][1]
    if _names_a_file(argument):
        return read_query_file(argument)
    return argument


def _names_a_file(argument: str) -> bool:
    """Whether ``argument`` names a file: a .rq/.sparql name, something that exists, or a path
    (a slash, and nothing SPARQL needs: no space, brace or angle bracket)."""
    if argument.endswith((".rq", ".sparql")) or os.path.lexists(argument):
        return True
    return "/" in argument and not any(c.isspace() or c in "{}<>" for c in argument)


def read_query_file(path: str) -> str:
    """The text of a query file: a regular file of at most :data:`MAX_QUERY_BYTES` of UTF-8.

    Never blocks on a FIFO nor reads a device without end; raises :class:`QueryFileError`.
    """
    shown = f"query file {path!r}"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO must not wait for a writer
    except OSError as exc:
        raise QueryFileError(f"{shown}: {_reason(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise QueryFileError(f"{path!r} is a folder, not a query file")
        if not stat.S_ISREG(mode):
            raise QueryFileError(f"{path!r} is not a regular file (a FIFO, device or socket); "
                                 "give a query file, or - to read standard input")
        with open(fd, "rb", closefd=False) as file:
            data = _read_capped(file, shown)
    finally:
        os.close(fd)
    return _decode(data, shown)


def _read_capped(stream: BinaryIO, shown: str) -> bytes:
    """At most one byte more than :data:`MAX_QUERY_BYTES` from ``stream``."""
    try:
        return stream.read(MAX_QUERY_BYTES + 1)
    except OSError as exc:
        raise QueryFileError(f"{shown}: {_reason(exc)}") from None


def _decode(data: bytes, shown: str) -> str:
    """Query text from bytes read by :func:`_read_capped` (a UTF-8 byte order mark is dropped)."""
    if len(data) > MAX_QUERY_BYTES:
        raise QueryFileError(f"{shown}: larger than {MAX_QUERY_BYTES // 1_000_000} MB, the most a query may be")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryFileError(f"{shown}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def _reason(exc: OSError) -> str:
    reasons = {errno.ENOENT: "no such file", errno.EACCES: "permission denied",
               errno.ENOTDIR: "a part of the path is not a folder", errno.EISDIR: "is a folder"}
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


# --- the guard --------------------------------------------------------------------------------

def _prologue() -> tuple[str, int]:
    from ..build.rules import sparql_prologue
    text = sparql_prologue()
    return text, text.count("\n")


def _walk(node: Any) -> Any:
    """Every CompValue in an rdflib parse tree."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for item in node:
            yield from _walk(item)


def check_query(text: str) -> str:
    """Refuse anything but a read-only, local query; return the text with lbpgraph's prefixes.

    Raises :class:`QueryRefused` naming the clause, before anything is evaluated.
    """
    if not text.strip():
        raise QueryRefused("empty query")
    prologue, offset = _prologue()
    full = prologue + text
    try:
        parsed = _parse(full, offset)
    except RecursionError:  # rdflib's parser recurses about 35 frames per bracket
        raise QueryRefused("the query is nested too deeply to parse (rdflib's parser takes about 20 "
                           "levels of brackets); flatten its expressions or split it") from None
    for node in _walk(parsed):
        # CompValue.get returns the key's name for a missing key, so test membership first
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(f"SERVICE {_as_written(node['term'])} refused: queries never reach the network")
        if node.name == "DatasetClause":
            clause, key = ("FROM NAMED", "named") if "named" in node else ("FROM", "default")
            raise QueryRefused(f"{clause} {_as_written(node[key])} refused: queries run on the built graph only")
    return full


def _parse(full: str, offset: int) -> Any:
    """rdflib's parse tree of a query; :class:`QueryRefused` for an update or invalid SPARQL."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(full)
    except ParseException as exc:
        error = exc
    try:
        update = parseUpdate(full)
    except ParseException:
        line = max(1, error.lineno - offset)
        raise QueryRefused(f"not valid SPARQL (line {line}, column {error.col}): {error.msg}") from None
    ops = sorted({op.name for op in update.get("request", [])})
    raise QueryRefused(f"{'/'.join(ops) or 'UPDATE'} refused: lbpgraph query is read-only")


def _as_written(term: Any) -> str:
    """A SERVICE or FROM target as a user writes it: ``<iri>``, ``prefix:name`` or ``?var``."""
    from rdflib import URIRef, Variable
    from rdflib.plugins.sparql.parserutils import CompValue
    if isinstance(term, CompValue) and term.name == "pname":
        return "".join([term["prefix"] if "prefix" in term else "", ":",
                        term["localname"] if "localname" in term else ""])
    if isinstance(term, Variable):
        return f"?{term}"
    return f"<{term}>" if isinstance(term, URIRef) else str(term)


# --- results ----------------------------------------------------------------------------------

TRIPLE_VARIABLES = ["subject", "predicate", "object"]  # the columns of a CONSTRUCT answer


@dataclass
class QueryResult:
    """Materialised results: variables and rows (SELECT), a boolean (ASK) or triples.

    An answer that :func:`stream_query` wrote out as it came holds only its kind and variables.
    """

    kind: str  # "SELECT", "ASK" or "CONSTRUCT"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """SPARQL 1.1 Query Results JSON (for SELECT and ASK)."""
        if self.kind == "ASK":
            return {"head": {}, "boolean": bool(self.boolean)}
        variables, rows = self._tabular()
        return {"head": {"vars": variables}, "results": {"bindings": list(rows)}}

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
        return "".join(csv_chunks(self.kind, *self._tabular(), self.boolean))

    def to_table(self, limit: int | None = None) -> str:
        """An aligned table; :class:`TooManyRows` past ``limit`` rows (no limit by default)."""
        return table_text(self.kind, *self._tabular(), self.boolean, limit)

    def _repr_html_(self) -> str:
        """An HTML table for notebooks; every value is escaped."""
        from html import escape
        if self.kind == "ASK":
            return f"<p>{'true' if self.boolean else 'false'}</p>"
        variables, rows = self._tabular()
        head = "".join(f"<th>{escape(v)}</th>" for v in variables)
        body = "".join("<tr>" + "".join(f"<td>{escape(_compact(row.get(v)))}</td>" for v in variables) + "</tr>"
                       for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def _tabular(self) -> tuple[list[str], Iterable[dict[str, Term]]]:
        if self.kind == "SELECT":
            return self.variables, self.rows
        return TRIPLE_VARIABLES, (dict(zip(TRIPLE_VARIABLES, t)) for t in self.triples)


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term['value']}" if term["type"] == "bnode" else term["value"]


def _compact(term: Term | None) -> str:
    if term is None:
        return ""
    if term["type"] == "uri":
        value = term["value"]
        for prefix, ns in sorted(vocab.PREFIXES.items(), key=lambda x: -len(x[1])):
            if value.startswith(ns) and len(value) > len(ns):
                return f"{prefix}:{value[len(ns):]}"
        return f"<{value}>"
    return f"_:{term['value']}" if term["type"] == "bnode" else term["value"]


# --- the three formats, row by row ------------------------------------------------------------

Renderer = Callable[[str, list[str], Iterable[dict[str, Term]], "bool | None"], Iterator[str]]


def csv_chunks(kind: str, variables: list[str], rows: Iterable[dict[str, Term]],
               boolean: bool | None) -> Iterator[str]:
    """SPARQL 1.1 CSV in pieces of about 64 KB, as rows arrive."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if kind == "ASK":
        writer.writerows([["boolean"], ["true" if boolean else "false"]])
        yield buf.getvalue()
        return
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row.get(v)) for v in variables])
        if buf.tell() > 65_536:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def json_chunks(kind: str, variables: list[str], rows: Iterable[dict[str, Term]],
                boolean: bool | None) -> Iterator[str]:
    """SPARQL 1.1 JSON as rows arrive: the same text as ``json.dumps(result.to_json(), indent=2)``
    and a newline."""
    def dumps(data: Any) -> str:
        return json.dumps(data, indent=2, ensure_ascii=False)
    if kind == "ASK":
        yield dumps({"head": {}, "boolean": bool(boolean)}) + "\n"
        return
    before, after = dumps({"head": {"vars": variables}, "results": {"bindings": []}}).split('"bindings": []')
    yield before + '"bindings": ['
    separator = "\n"
    for row in rows:
        yield separator + "\n".join("      " + line for line in dumps(row).split("\n"))
        separator = ",\n"
    yield ("]" if separator == "\n" else "\n    ]") + after + "\n"


def table_text(kind: str, variables: list[str], rows: Iterable[dict[str, Term]], boolean: bool | None,
               limit: int | None = TABLE_ROWS) -> str:
    """An aligned table with a row count; :class:`TooManyRows` as soon as a row past ``limit`` comes."""
    from ..presentation.render import table
    if kind == "ASK":
        return "true\n" if boolean else "false\n"
    body: list[list[str]] = []
    for row in rows:
        if limit is not None and len(body) == limit:
            raise TooManyRows(f"the answer has more than {limit} rows, the most --format table shows")
        body.append([_compact(row.get(v)) for v in variables])
    noun = "row" if len(body) == 1 else "rows"
    return table(variables, body) + f"({len(body)} {noun})\n"


def _table_chunks(kind: str, variables: list[str], rows: Iterable[dict[str, Term]],
                  boolean: bool | None) -> Iterator[str]:
    yield table_text(kind, variables, rows, boolean)


FORMATS: dict[str, Renderer] = {"csv": csv_chunks, "json": json_chunks, "table": _table_chunks}


# --- answers: collected, or written out as they come -----------------------------------------

class _Output:
    """Where an answer being streamed goes: the write end of a pipe, in one format.

    Made in the process that runs :func:`stream_query`; used by whichever process evaluates
    (a forked child for local stores), which first closes the inherited read end, so that a
    reader that went away (``| head``) makes its writes fail instead of filling the pipe.
    """

    def __init__(self, reader: int, writer: int, fmt: str) -> None:
        self.reader, self.writer, self.fmt = reader, writer, fmt
        self.owner = os.getpid()

    def answer(self, kind: str, variables: list[str], rows: Iterable[dict[str, Term]], boolean: bool | None) -> None:
        if os.getpid() != self.owner:
            os.close(self.reader)
        pending: list[str] = []
        size = 0
        for chunk in FORMATS[self.fmt](kind, variables, rows, boolean):
            pending.append(chunk)
            size += len(chunk)
            if size > 65_536:
                self._write("".join(pending))
                pending, size = [], 0
        self._write("".join(pending))

    def _write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(self.writer, data):]


_OUTPUT: ContextVar[_Output | None] = ContextVar("lbpgraph_query_output", default=None)


def materialise(kind: str, variables: list[str] | None = None, rows: Iterable[list[Term | None]] = (),
                boolean: bool | None = None, triples: Iterable[list[Term]] = ()) -> QueryResult:
    """A :class:`QueryResult` from any store's answer (cells as SPARQL 1.1 JSON terms).

    While :func:`stream_query` runs, the answer is written out as the rows come instead, and
    the result holds only its kind and variables.
    """
    names = variables or []
    if kind == "ASK":
        result = QueryResult("ASK", boolean=boolean)
    elif kind == "SELECT":
        bindings = ({v: t for v, t in zip(names, row) if t is not None} for row in rows)
        if (output := _OUTPUT.get()) is not None:
            output.answer(kind, names, bindings, None)
            return QueryResult(kind, names)
        return QueryResult("SELECT", names, list(bindings))
    else:
        ordered = sorted((tuple(t) for t in triples), key=lambda t: tuple((x["type"], x["value"]) for x in t))
        result = QueryResult("CONSTRUCT", triples=ordered)  # type: ignore[arg-type]
    if (output := _OUTPUT.get()) is not None:
        output.answer(result.kind, *result._tabular(), result.boolean)
        return QueryResult(result.kind, result.variables)
    return result


class _Deadline:
    """One time limit over the steps of a query (parsing, evaluating, writing)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; :class:`QueryTimeout` when none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise QueryTimeout()
        return left

    @contextmanager
    def enforced(self) -> Iterator[None]:
        """Report any step's timeout with the whole limit (a step only knows what was left)."""
        try:
            yield
        except QueryTimeout:
            raise QueryTimeout(f"the query ran longer than the time limit of {self.seconds:g} s "
                               "and was stopped") from None


def checked(text: str, timeout: float) -> str:
    """:func:`check_query` in a forked child, stopped after ``timeout`` seconds."""
    from ..stores.oxigraph import in_child
    _warm_parser()
    return in_child(lambda: check_query(text), timeout)  # type: ignore[no-any-return]


@functools.cache
def _warm_parser() -> None:
    """Import rdflib's parser and parse a tiny query here once, so that every forked child
    inherits a prepared grammar (the import and pyparsing's preparation on a first parse cost
    each child about 0.1 s otherwise)."""
    from rdflib.plugins.sparql.parser import parseQuery
    parseQuery(_prologue()[0] + "ASK {}")


def run_query(store: Store, text: str, timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Check ``text`` (see :func:`check_query`), then evaluate it on ``store``: both within
    ``timeout`` seconds."""
    deadline = _Deadline(timeout)
    with deadline.enforced():
        return store.run(checked(text, deadline.left()), deadline.left())


def stream_query(store: Store, text: str, fmt: str, write: Callable[[bytes], None],
                 timeout: float = DEFAULT_TIMEOUT) -> None:
    """Like :func:`run_query`, writing the answer in ``fmt`` (csv, json or table) through
    ``write`` as its rows arrive; ``timeout`` covers parsing, evaluating and writing.

    Rows written before a limit stopped the query stay written (the exception says so).
    """
    deadline = _Deadline(timeout)
    with deadline.enforced():
        full = checked(text, deadline.left())
        with _streaming(fmt, write):
            store.run(full, deadline.left())


class _Copier(threading.Thread):
    """Copies what arrives on a pipe to ``write`` until the pipe closes; keeps the error of ``write``."""

    def __init__(self, reader: int, write: Callable[[bytes], None]) -> None:
        super().__init__(name="lbpgraph-query-output", daemon=True)
        self.reader, self.write = reader, write
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while data := os.read(self.reader, 65_536):
                self.write(data)
        except BaseException as exc:  # noqa: BLE001 - re-raised by _streaming
            self.error = exc
        finally:
            os.close(self.reader)  # a writer still at work now fails instead of waiting


@contextmanager
def _streaming(fmt: str, write: Callable[[bytes], None]) -> Iterator[None]:
    """While inside, :func:`materialise` writes answers in ``fmt`` to ``write`` instead of collecting them."""
    reader, writer = os.pipe()
    copier = _Copier(reader, write)
    copier.start()  # before the evaluating child is forked; it waits in os.read, holding no lock
    token = _OUTPUT.set(_Output(reader, writer, fmt))
    try:
        yield
    finally:
        _OUTPUT.reset(token)
        os.close(writer)
        copier.join()
        if copier.error is not None:
            raise copier.error
