"""Read-only SPARQL over the built dataset, guarded and limited in time, memory and rows.

One path for every query, named or typed by a user:

1. read: a query file must be a regular file (not a FIFO, device or folder) of at most 1 MB of
   UTF-8 text; standard input is read up to the same size;
2. parse only (rdflib's parser); anything that is not a query (an UPDATE, LOAD, CLEAR, ...)
   is refused, as are ``SERVICE`` (federation: it would make lbpgraph fetch a URL), dataset
   clauses ``FROM`` / ``FROM NAMED`` (rdflib would download them) and expressions nested too
   deeply for the parser, all before anything runs. Parsing runs in a forked child within the
   time limit (:func:`lbpgraph.core.sandbox.in_child`): rdflib takes seconds over a large query;
3. evaluation by the store (:meth:`lbpgraph.stores.base.Store.run`) over the union of all named
   graphs: local stores evaluate in a forked child process with an audit hook that refuses every
   network connection and a cap on its memory, killed when it exceeds what is left of the time
   limit; a SPARQL server gets the same time limit;
4. results as SPARQL 1.1 JSON, SPARQL 1.1 CSV, or an aligned table (:mod:`lbpgraph.rdf.results`).
   :func:`stream_query` renders them where the store evaluates, as rows arrive, so the time
   limit covers writing too: CSV and JSON stream any number of rows, a table shows at most
   :data:`~lbpgraph.rdf.results.TABLE_ROWS`.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO

from ..core.errors import QueryFileError, QueryRefused, QueryTimeout, UsageError
from ..core.sandbox import in_child
from ..rdf.results import QueryResult, Renderer, streaming
from ..rdf.sparql import query_files, sparql_prologue, walk

if TYPE_CHECKING:
    from ..stores.base import Store

DEFAULT_TIMEOUT = 30.0
MAX_QUERY_BYTES = 1_000_000  # of a query file or standard input


# --- named queries ---------------------------------------------------------------------------

def named_queries() -> dict[str, tuple[str, str]]:
    """Shipped queries: name -> (one-line description, SPARQL text)."""
    return {q.name: (q.comment[0] if q.comment else "", q.text) for q in query_files("lbpgraph.analysis", "queries")}


def resolve(argument: str, stdin: BinaryIO | None = None) -> str:
    """SPARQL text for a query argument: ``-`` (stdin), a named query, a file, or SPARQL itself.

    Raises :class:`QueryFileError` for a file (or stdin) that cannot be used, and
    :class:`UsageError` for one word that names no shipped query.
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
    if argument.replace("-", "").replace("_", "").isalnum():  # one word is no SPARQL: a mistyped name
        raise unknown_query(argument, list(named))
    return argument


def unknown_query(name: str, names: list[str]) -> UsageError:
    """The error for a query name that is not shipped, suggesting the closest names."""
    import difflib
    error = UsageError(f"no named query {name!r}")
    closest = difflib.get_close_matches(name, names, n=3, cutoff=0.4)
    error.hint = (f"did you mean {', '.join(closest)}? " if closest else "") + "lbpgraph query --list lists them all"
    return error


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
    text = sparql_prologue()
    return text, text.count("\n")


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
    from rdflib.plugins.sparql.parserutils import CompValue
    for node in walk(parsed):
        # CompValue.get returns the key's name for a missing key, so test membership first
        if not isinstance(node, CompValue):
            continue
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


# --- running, within one time limit ---------------------------------------------------------

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
    """:func:`check_query` in a forked child, stopped after ``timeout`` seconds. A named query is
    lbpgraph's own text, which needs no check: only its prefixes are added (so answering it
    needs neither rdflib nor a child to parse it)."""
    if text in _named_texts():
        return sparql_prologue() + text
    _warm_parser()
    return in_child(lambda: check_query(text), timeout)  # type: ignore[no-any-return]


@functools.cache
def _named_texts() -> frozenset[str]:
    return frozenset(text for _, text in named_queries().values())


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


def stream_query(store: Store, text: str, fmt: str | Renderer, write: Callable[[bytes], None],
                 timeout: float = DEFAULT_TIMEOUT, **options: Any) -> None:
    """Like :func:`run_query`, writing the answer in ``fmt`` (csv, json or table) through
    ``write`` as its rows arrive; ``timeout`` covers parsing, evaluating and writing. A table
    takes ``width`` and ``color`` options (see :func:`lbpgraph.rdf.results.table_text`).
    ``fmt`` may also be a :data:`~lbpgraph.rdf.results.Renderer` of one's own (``lbpgraph
    serve`` passes its formats), which runs where the store evaluates, within the same guard and
    limits.

    Rows written before a limit stopped the query stay written (the exception says so).
    """
    deadline = _Deadline(timeout)
    with deadline.enforced():
        full = checked(text, deadline.left())
        with streaming(fmt, write, **(options if fmt == "table" else {})):
            store.run(full, deadline.left())
