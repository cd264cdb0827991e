"""Errors lbpgraph raises, each with the exit code the command line maps it to.

Exit codes (documented in the README):

== ==========================================================================
0  success
1  no answer: the claim was not found or matched several claims; also a closed
   stdout (``lbpgraph query ... | head``: the query stops, nothing is printed)
2  usage error (wrong option or argument; click's own code); an export whose
   library is not installed or that lacks a setting it needs
3  invalid input: annotations, article texts, a query file or the settings could
   not be used (a query file: missing, unreadable, not a regular file, over 1 MB
   or not UTF-8)
4  query refused: not read-only, reaches the network, not valid SPARQL or nested
   too deeply to parse; or the query failed while it ran
5  resource limit: the query ran longer than --timeout, needed more memory than
   its limit (LBPGRAPH_QUERY_MEMORY), or its answer has more rows than
   --format table shows (CSV and JSON stream any number)
6  SPARQL server: unreachable, too slow, refused the credentials or an upload
7  cannot write: the disk is full, or an output's folder cannot be made or
   written to; nothing was replaced, the previous build still serves
70 internal error: a bug in lbpgraph, or a system error nothing else reports:
   one line; LBPGRAPH_DEBUG=1 shows the traceback
== ==========================================================================
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from typing import Any

EXCERPT = 60  # characters of a user's text that a message repeats


def excerpt(text: str) -> str:
    """``text`` quoted on one line for a message, cut to its first characters when long."""
    if len(text) <= EXCERPT:
        return repr(text)
    quoted = repr(text[:EXCERPT])
    return f"{quoted[:-1]}\u2026{quoted[-1]} ({len(text)} characters)"


_LINE_BREAKS = {c: f"\\u{c:04X}" for c in map(ord, "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")}


def one_line(text: str) -> str:
    """``text`` with its line breaks written as ``\\uXXXX``, so that a message stays on one line
    (a value or a file name may hold a newline)."""
    return text.translate(_LINE_BREAKS)


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in the input: file (relative to the data folder), line, record, message."""

    file: str
    line: int
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.record}: {self.message}"


class LbpgraphError(Exception):
    """Base of every error lbpgraph reports to users."""

    exit_code = 1
    hint: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as its class, message and fields, not as a call of its __init__ (which takes
        # other arguments in some subclasses), so that it crosses to another process as it was:
        # a query's child (core.sandbox) and the bench's store processes raise it again there
        return _unpickled, (type(self), self.args, self.__dict__)


def _unpickled(cls: type[LbpgraphError], args: tuple[Any, ...], fields: dict[str, Any]) -> LbpgraphError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(fields)
    return error


class InvalidInput(LbpgraphError):
    """The annotations (or the settings, ``subject``) could not be loaded; ``issues`` lists every problem."""

    exit_code = 3

    def __init__(self, issues: list[Issue], data_dir: str | None = None, subject: str = "the annotations") -> None:
        self.issues = issues
        self.data_dir = data_dir
        noun = "problem" if len(issues) == 1 else "problems"
        super().__init__(f"{len(issues)} {noun} in {subject}; nothing was written")

    def lines(self) -> list[str]:
        """One line per issue, with paths relative to the working folder."""
        folder = (self.data_dir or ".").rstrip("/")
        return [str(issue) if issue.file.startswith("/") else f"{folder}/{issue}" if issue.file  # an absolute path as is
                else f"{folder}:{issue.line}: {issue.record}: {issue.message}" for issue in self.issues]


class ClaimNotFound(LbpgraphError):
    """No claim matches; ``candidates`` holds the closest ones (id, statement)."""

    exit_code = 1

    def __init__(self, query: str, candidates: list[tuple[str, str]]) -> None:
        self.query = query
        self.candidates = candidates
        super().__init__(f"no claim matches {excerpt(query)}")


class AmbiguousClaim(LbpgraphError):
    """Several claims match; ``matches`` holds them (id, statement), best first, and ``why``
    says, where it is known, why each matched."""

    exit_code = 1

    def __init__(self, query: str, matches: list[tuple[str, str]], why: dict[str, str] | None = None) -> None:
        self.query = query
        self.matches = matches
        self.why = why or {}
        super().__init__(f"{len(matches)} claims match {excerpt(query)}; give one of their ids")


class QueryFileError(LbpgraphError):
    """A query file (or standard input) could not be used: missing, unreadable, not a regular
    file, too large or not UTF-8."""

    exit_code = 3


class QueryRefused(LbpgraphError):
    """A query was refused before anything ran (not read-only, network, bad syntax, too deep)."""

    exit_code = 4


class ResourceLimit(LbpgraphError):
    """A query was stopped at one of its limits: time, memory or the rows a table shows."""

    exit_code = 5


class QueryTimeout(ResourceLimit):
    """A query ran longer than its time limit and was stopped."""


class QueryOutOfMemory(ResourceLimit):
    """A query needed more memory than its process may use and was stopped."""

    hint = "narrow the query (LIMIT, fewer variables) or raise LBPGRAPH_QUERY_MEMORY (MB)"


class TooManyRows(ResourceLimit):
    """An answer has more rows than the table format shows."""

    hint = "use --format csv or --format json, which stream any number of rows, or add LIMIT"


class QueryFailed(LbpgraphError):
    """A query was accepted but failed while running."""

    exit_code = 4


class DatasetChanged(QueryFailed):
    """A SPARQL server's dataset changed while a read was under way (a push began or ended): read again."""


class UsageError(LbpgraphError):
    """An option names something lbpgraph cannot use (e.g. an unknown store spec)."""

    exit_code = 2


class RemoteStoreError(LbpgraphError):
    """A SPARQL server (``sparql:URL``) could not be used: unreachable, too slow, refused the
    credentials or an upload. The message names the URL, never the password."""

    exit_code = 6


class DiskFull(LbpgraphError):
    """The disk filled up (or a quota was reached) while a command wrote. Files are replaced
    only once written in full, so nothing was replaced and the previous build still serves."""

    exit_code = 7

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"the disk is full ({cause}); nothing was replaced: free some space and run it again")


class CannotWrite(LbpgraphError):
    """An output could not be written where it goes (its folder cannot be made or written to, or
    the system refused the file). Files are replaced only once written in full, so nothing was."""

    exit_code = 7

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}; nothing was replaced")


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk is full: an OSError with that errno, or Oxigraph's
    (RocksDB's) error, which carries only the system's text (an OSError or a RuntimeError)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.errno in _DISK_FULL
    return isinstance(exc, (OSError, RuntimeError)) and any(os.strerror(e) in str(exc) for e in _DISK_FULL)


class InternalError(LbpgraphError):
    """Anything lbpgraph did not expect: a bug, reported on one line instead of a traceback."""

    exit_code = 70
    hint = "this is a bug in lbpgraph; run again with LBPGRAPH_DEBUG=1 to see the traceback"
