"""Answers to SPARQL queries: collected as a :class:`QueryResult`, or streamed as they come.

Every store hands its answer to :func:`materialise`, cells as SPARQL 1.1 JSON terms. Outside
:func:`streaming` the answer is collected into a :class:`QueryResult`; inside it, the answer is
written out while its rows arrive, in one of three formats or by a :data:`Renderer` of the
caller's own (``lbpgraph serve`` brings its formats), from whichever process evaluates it (a
forked child for local stores), so that a time limit covers writing too: SPARQL 1.1 CSV and JSON
stream any number of rows, an aligned table shows at most :data:`TABLE_ROWS`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..core.console import table
from ..core.errors import TooManyRows
from .terms import Term, compact, csv_text

TABLE_ROWS = 10_000          # the most rows --format table shows; CSV and JSON stream any number
TRIPLE_VARIABLES = ["subject", "predicate", "object"]  # the columns of a CONSTRUCT answer


@dataclass
class QueryResult:
    """Materialised results: variables and rows (SELECT), a boolean (ASK) or triples.

    An answer that was written out as it came (see :func:`streaming`) holds only its kind and
    variables.
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
        variables, rows = self.tabular()
        return {"head": {"vars": variables}, "results": {"bindings": list(rows)}}

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: plain values, CRLF line ends."""
        return "".join(csv_chunks(self.kind, *self.tabular(), self.boolean))

    def to_table(self, limit: int | None = None) -> str:
        """An aligned table; :class:`TooManyRows` past ``limit`` rows (no limit by default)."""
        return table_text(self.kind, *self.tabular(), self.boolean, limit)

    def _repr_html_(self) -> str:
        """An HTML table for notebooks; every value is escaped."""
        from html import escape
        if self.kind == "ASK":
            return f"<p>{'true' if self.boolean else 'false'}</p>"
        variables, rows = self.tabular()
        head = "".join(f"<th>{escape(v)}</th>" for v in variables)
        body = "".join("<tr>" + "".join(f"<td>{escape(compact(row.get(v)))}</td>" for v in variables) + "</tr>"
                       for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def tabular(self) -> tuple[list[str], Iterable[dict[str, Term]]]:
        """Columns and rows: a SELECT's own, or a CONSTRUCT's triples as subject, predicate, object."""
        if self.kind == "SELECT":
            return self.variables, self.rows
        return TRIPLE_VARIABLES, (dict(zip(TRIPLE_VARIABLES, t)) for t in self.triples)


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
        writer.writerow([csv_text(row.get(v)) for v in variables])
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
    if kind == "ASK":
        return "true\n" if boolean else "false\n"
    body: list[list[str]] = []
    for row in rows:
        if limit is not None and len(body) == limit:
            raise TooManyRows(f"the answer has more than {limit} rows, the most --format table shows")
        body.append([compact(row.get(v)) for v in variables])
    noun = "row" if len(body) == 1 else "rows"
    return table(variables, body) + f"({len(body)} {noun})\n"


def _table_chunks(kind: str, variables: list[str], rows: Iterable[dict[str, Term]],
                  boolean: bool | None) -> Iterator[str]:
    yield table_text(kind, variables, rows, boolean)


FORMATS: dict[str, Renderer] = {"csv": csv_chunks, "json": json_chunks, "table": _table_chunks}


# --- answers: collected, or written out as they come -----------------------------------------

class _Output:
    """Where an answer being streamed goes: the write end of a pipe, written by one renderer.

    Made in the process that enters :func:`streaming`; used by whichever process evaluates (a
    forked child for local stores), which first closes the inherited read end, so that a reader
    that went away (``| head``) makes its writes fail instead of filling the pipe.
    """

    def __init__(self, reader: int, writer: int, render: Renderer) -> None:
        self.reader, self.writer, self.render = reader, writer, render
        self.owner = os.getpid()

    def answer(self, kind: str, variables: list[str], rows: Iterable[dict[str, Term]], boolean: bool | None) -> None:
        if os.getpid() != self.owner:
            os.close(self.reader)
        pending: list[str] = []
        size = 0
        for chunk in self.render(kind, variables, rows, boolean):
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

    While :func:`streaming`, the answer is written out as the rows come instead, and the result
    holds only its kind and variables.
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
        output.answer(result.kind, *result.tabular(), result.boolean)
        return QueryResult(result.kind, result.variables)
    return result


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
        except BaseException as exc:  # noqa: BLE001 - re-raised by streaming
            self.error = exc
        finally:
            os.close(self.reader)  # a writer still at work now fails instead of waiting


@contextmanager
def streaming(fmt: str | Renderer, write: Callable[[bytes], None]) -> Iterator[None]:
    """While inside, :func:`materialise` writes answers in ``fmt`` (csv, json or table, or a
    :data:`Renderer` of one's own) to ``write`` instead of collecting them."""
    render = FORMATS[fmt] if isinstance(fmt, str) else fmt
    reader, writer = os.pipe()
    copier = _Copier(reader, write)
    copier.start()  # before the evaluating child is forked; it waits in os.read, holding no lock
    token = _OUTPUT.set(_Output(reader, writer, render))
    try:
        yield
    finally:
        _OUTPUT.reset(token)
        os.close(writer)
        copier.join()
        if copier.error is not None:
            raise copier.error
