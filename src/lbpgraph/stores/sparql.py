"""The ``sparql:URL`` store: the built dataset on a SPARQL 1.1 server, over standard protocols.

* Reads use the SPARQL 1.1 Protocol (a form-encoded POST) naming exactly the graphs of the last
  push, so a query sees the dataset the memory store sees (default graph = their union) and
  never the server's own graphs: users' queries with ``default-graph-uri`` and
  ``named-graph-uri``, lbpgraph's own as FROM clauses in their text, and as named graphs only
  where they use ``GRAPH`` (:meth:`SparqlStore.select`). The queries of one trace read the
  control graph once (:meth:`SparqlStore.reading`), and its list of graphs once per push.
* A trace's queries read the whole server, each triple pattern in a ``GRAPH ?gN`` whose value
  comes back, and rows matched in graphs other than the pushed ones are dropped
  (:meth:`SparqlStore.select_graphed`): naming hundreds of graphs made Virtuoso plan them badly.
* :meth:`SparqlStore.push_dataset` uploads each graph as N-Triples with the SPARQL 1.1 Graph
  Store HTTP Protocol, several at once, into new staging graphs; only when every upload
  succeeded do SPARQL Update requests MOVE them over the live graphs. The live graphs, the fingerprint and
  pending uploads are recorded in a control graph (:data:`CONTROL`) that queries never name.
* Credentials (``LBPGRAPH_SPARQL_USER`` / ``LBPGRAPH_SPARQL_PASSWORD``) answer Digest challenges
  (and Basic ones over HTTPS only); messages name the URL, never the password.

Virtuoso 7.2, as found against a real server (tests/test_remote.py):

* literals come back as ``typed-literal``, booleans as ``"1"``/``"0"`` (normalised here) and
  language tags lower-cased (lbpgraph writes them lower-case);
* a query stopped by the ``timeout`` parameter (ms) answers 200 with partial rows and
  ``X-SQL-State: S1TAT``; an answer cut at ``ResultSetMaxRows`` carries ``X-SPARQL-MaxRows``:
  both are errors here, never results;
* a request whose transaction log outgrows ``TransactionAfterImageLimit`` (50 MB by default) is
  aborted, as a swap moving a million triples at once was: see :func:`swap_requests`;
* every ``default-graph-uri`` and ``named-graph-uri`` comes back as a response header, beyond
  http.client's limit of 100 from about 47 articles on: see :func:`_allow_headers`;
* ``<bif:...>`` and ``<sql:...>`` IRIs run server procedures: :meth:`SparqlStore.run` refuses them
  and any non-XSD function;
* the operations of one update request are applied one by one (a failing one leaves the earlier
  ones done), so the swap marks the control graph "swapping" first and records the fingerprint
  last; until then queries refuse to answer and :meth:`SparqlStore.fingerprint` is None;
* a second DROP of a graph within one request is ignored, and after a crash its roll-forward was
  seen to lose a triple deleted and inserted again within one request: the control graph
  therefore changes by deltas only;
* urllib's Digest handler sends every request unauthenticated first, and Virtuoso closes the
  connection on a large unauthenticated upload: see :class:`_Digest`.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Any

from ..core.errors import (DatasetChanged, LbpgraphError, QueryFailed, QueryRefused, QueryTimeout, RemoteStoreError,
                           UsageError)
from ..rdf.results import QueryResult, materialise
from ..rdf.sparql import walk
from ..rdf.terms import XSD, from_rdflib, from_sparql_json
from .base import Capabilities, Manifest, Row, Staging, Store, rows_in_graphs
from .registry import parse_spec

USER_ENV, PASSWORD_ENV = "LBPGRAPH_SPARQL_USER", "LBPGRAPH_SPARQL_PASSWORD"
CONTROL = "urn:x-lbpgraph:control"            # the graph recording what the current dataset is
STAGING = "urn:x-lbpgraph:staging:"           # prefix of the graphs a push uploads into
_DATASET = "<urn:x-lbpgraph:dataset>"
_ATTEMPT, _FINGERPRINT, _GRAPH, _PENDING, _STATE, _VERSION = (
    f"urn:x-lbpgraph:{p}" for p in ("attempt", "fingerprint", "graph", "staging", "state", "version"))
_LITERALS = (_ATTEMPT, _FINGERPRINT, _STATE, _VERSION)  # the control graph's objects that are not IRIs
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")
_FINGERPRINT_TEXT = re.compile(r"[A-Za-z0-9._:+/=-]{1,256}")
_WHERE = re.compile(r"\bWHERE\s*\{")
_FORM = "application/x-www-form-urlencoded"
_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


@dataclass
class _Control:
    """What the control graph says: the live graphs, their fingerprint, the push that made them
    (its version), pending uploads and the last push begun (its attempt)."""

    graphs: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    staging: list[str] = field(default_factory=list)
    swapping: bool = False
    version: str | None = None
    attempt: str | None = None

    @property
    def state(self) -> tuple[Any, ...]:
        """What changes whenever a push begins, fails or ends."""
        return self.fingerprint, self.version, self.attempt, self.swapping, sorted(self.staging)

    @property
    def live(self) -> frozenset[str]:
        """The pushed graphs, the only ones a query may read (see :meth:`SparqlStore.select_graphed`)."""
        return frozenset(self.graphs)


class SparqlStore(Store):
    """lbpgraph's dataset on a SPARQL 1.1 server: ``SparqlStore("sparql:http://host:8890/sparql")``."""

    capabilities = Capabilities(local=False, needs_push=True, persistent=True, keeps_analysis=False, shared=True)

    def __init__(self, spec: str, *, update_url: str | None = None, graph_store_url: str | None = None,
                 user: str | None = None, password: str | None = None, timeout: float = 60.0,
                 dedicated: bool = False) -> None:  # dedicated: from older settings, no longer needed
        kind, url = parse_spec(spec)
        if kind != "sparql":
            raise UsageError(f"not a SPARQL store: '{spec}' (use sparql:URL)")
        self.url = _check_url(url)
        self.update_url = _check_url(update_url or url)
        self.graph_store_url = _check_url(graph_store_url) if graph_store_url else None
        self.spec = f"sparql:{self.url}"
        self.timeout = timeout
        user = user if user is not None else (os.environ.get(USER_ENV) or None)
        password = password if password is not None else os.environ.get(PASSWORD_ENV, "")
        self._user = user
        urls = [u for u in (self.url, self.update_url, self.graph_store_url) if u]
        self._new_opener = lambda: _opener(user, password, urls)  # one per thread that uploads
        self._opener = self._new_opener()
        self._local = threading.local()
        self._pinned: _Control | None = None  # within reading(): the control graph as read then
        self._unrestricted = False  # within reading(): whether a query read the whole server
        self._graphs: tuple[tuple[str, str | None], list[str]] | None = None  # (version, fingerprint) -> live graphs

    @classmethod
    def from_spec(cls, location: str, build_dir: Path, **settings: Any) -> SparqlStore:
        return cls(f"sparql:{location}", **settings)

    def __repr__(self) -> str:
        return f"SparqlStore({self.spec!r}, user={self._user!r})"

    @property
    def location(self) -> str:
        return self.url

    def staging(self) -> SparqlStaging:
        return SparqlStaging(self)

    # --- reading ------------------------------------------------------------------------------

    def select(self, sparql: str) -> list[Row]:
        """Rows of a trusted lbpgraph SELECT. These write the keyword GRAPH in capitals (the
        prologue's ``graph:`` prefix is lower case), so a query without it is sent naming the
        graphs once, as its default graph, not also as named graphs: Virtuoso takes longer the
        more graphs a request names, and echoes each back as a response header."""
        data = self._query(sparql, _RESULTS_JSON, time.monotonic() + self.timeout, self.timeout,
                           named="GRAPH" in sparql, inline=True)
        return _rows(data)

    def select_graphed(self, sparql: str, graph_columns: int) -> list[Row]:
        """:meth:`Store.select_graphed` over everything the server holds, the rows matched in any
        graph but the pushed ones dropped: another graph speaking of lbpgraph's resources (an old
        export loaded by hand, a staging graph of a push under way) never reaches a trace. Naming
        the graphs instead made Virtuoso plan a trace's queries over 460 graphs in up to seconds.
        Within :meth:`reading`, the control graph is read again at the end, and
        :class:`DatasetChanged` raised if a push began or ended meanwhile (a swap moves graphs)."""
        with self.reading():
            control = self._current(self._pinned)
            self._unrestricted = True
            rows = _rows(self._read_query(sparql, [], _RESULTS_JSON, time.monotonic() + self.timeout, self.timeout))
            return rows_in_graphs(rows, graph_columns, control.live)

    def run(self, sparql: str, timeout: float) -> QueryResult:
        kind = _remote_guard(sparql)
        deadline = time.monotonic() + timeout
        if kind == "ASK":
            data = self._query(sparql, _RESULTS_JSON, deadline, timeout)
            return materialise("ASK", boolean=bool(json.loads(data)["boolean"]))
        if kind == "SELECT":
            variables, bindings = _bindings(self._query(sparql, _RESULTS_JSON, deadline, timeout))
            return materialise("SELECT", variables, ([from_sparql_json(b[v]) if v in b else None for v in variables]
                                                     for b in bindings))
        from rdflib import Graph
        graph = Graph()
        graph.parse(data=self._query(sparql, _NTRIPLES, deadline, timeout), format="nt")
        return materialise("CONSTRUCT", triples=([from_sparql_json(from_rdflib(x)) for x in t] for t in graph))

    def fingerprint(self) -> str | None:
        """The fingerprint of the pushed dataset; None when nothing (complete) was pushed."""
        control = self._control(time.monotonic() + self.timeout, self.timeout, RemoteStoreError, cached=True)
        return None if control.swapping else control.fingerprint

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Queries within see the graphs current when it began, read from the control graph once
        (the list of graphs only when another push made them). When a query read the whole server
        (:meth:`select_graphed`), the control graph is read again at the end: a push that began or
        ended meanwhile raises :class:`DatasetChanged`, so that the caller reads again."""
        if self._pinned is not None:
            yield
            return
        self._pinned = self._control(time.monotonic() + self.timeout, self.timeout, QueryFailed, cached=True)
        try:
            yield
            if self._unrestricted and self._control(time.monotonic() + self.timeout, self.timeout, QueryFailed,
                                                    cached=True).state != self._pinned.state:
                raise DatasetChanged(f"a push to {self.url} began or ended during the read; read again")
        finally:
            self._pinned, self._unrestricted = None, False

    def _query(self, sparql: str, accept: str, deadline: float, limit: float, named: bool = True,
               inline: bool = False) -> bytes:
        """POST a query over the current dataset's graphs (``named``: as named graphs too; ``inline``:
        see :meth:`_read_query`); the server is asked to stop at ``limit``."""
        control = self._current(self._pinned or self._control(deadline, limit, QueryFailed, cached=True))
        return self._read_query(sparql, control.graphs, accept, deadline, limit, named=named, inline=inline)

    def _current(self, control: _Control) -> _Control:
        """``control``, when it describes a complete push; else the error saying why there is none."""
        if control.swapping:
            raise RemoteStoreError(f"the last push to {self.url} was interrupted and left its dataset "
                                   "incomplete; push again")
        if not control.graphs:
            raise RemoteStoreError(f"nothing has been pushed to {self.url} yet; run lbpgraph push first")
        return control

    def _read_query(self, sparql: str, graphs: list[str], accept: str, deadline: float, limit: float,
                    failed: type[LbpgraphError] = QueryFailed, named: bool = True, inline: bool = False) -> bytes:
        """POST ``sparql`` over ``graphs`` (none: everything the server holds). With ``inline`` (a
        trusted query), the graphs go into its text as FROM clauses: Virtuoso spent 40 to 80 ms on
        the same 462 graphs given as protocol parameters, which it also echoes back as headers."""
        where = _WHERE.search(sparql) if inline and graphs else None
        if where:
            clauses = "".join(f"FROM {checked_iri(g)}\n" for g in graphs) + \
                "".join(f"FROM NAMED {checked_iri(g)}\n" for g in graphs if named)
            sparql, graphs = sparql[:where.start()] + clauses + sparql[where.start():], []
        params = [("query", sparql), *(("default-graph-uri", g) for g in graphs),
                  *(("named-graph-uri", g) for g in graphs if named), ("timeout", str(max(1, int(limit * 1000))))]
        _allow_headers((1 + named) * len(graphs) + 100)
        headers, body = self._request("POST", self.url, urllib.parse.urlencode(params).encode(), _FORM, accept,
                                      deadline, failed, limit)
        if headers.get("X-SQL-State") == "S1TAT":  # Virtuoso's "anytime" answer: incomplete results
            raise _timeout(limit)
        if cap := headers.get("X-SPARQL-MaxRows"):  # Virtuoso cut the answer at ResultSetMaxRows
            raise failed(f"the SPARQL server at {self.url} cut the answer at {cap} rows (its result limit)")
        return body

    def _control(self, deadline: float, limit: float, failed: type[LbpgraphError], cached: bool = False) -> _Control:
        """What the control graph says. ``cached``: the live graphs are read only when the push that
        made them (its version) is not the one last read (a few rows, where hundreds of graphs took
        Virtuoso 20 to 40 ms)."""
        def read(skip: str) -> _Control:
            query = f"SELECT ?p ?o WHERE {{ {_DATASET} ?p ?o {skip}}}"
            _, bindings = _bindings(self._read_query(query, [CONTROL], _RESULTS_JSON, deadline, limit, failed,
                                                     named=False))
            control = _Control()
            for b in bindings:
                p, o = b["p"]["value"], b["o"]["value"]
                if p in (_GRAPH, _PENDING):
                    (control.graphs if p == _GRAPH else control.staging).append(o)
                elif p in (_ATTEMPT, _FINGERPRINT, _VERSION):
                    setattr(control, p.rpartition(":")[2], o)
                elif p == _STATE:
                    control.swapping = o == "swapping"
            control.graphs.sort()
            return control

        known = self._graphs
        if cached and known is not None:
            control = read(f"FILTER (?p != <{_GRAPH}>) ")
            if control.version is not None and (control.version, control.fingerprint) == known[0]:
                control.graphs = known[1]
                return control
        control = read("")
        if control.version is not None and not control.swapping:
            self._graphs = (control.version, control.fingerprint), control.graphs
        return control

    # --- writing ------------------------------------------------------------------------------

    def push(self, nquads: bytes, fingerprint: str) -> None:
        """Replace the server's lbpgraph dataset with ``nquads`` (see :meth:`push_dataset`)."""
        import pyoxigraph as ox
        dataset = ox.Store()
        try:
            dataset.load(nquads, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise RemoteStoreError(f"cannot push: not N-Quads ({_first_line(str(exc).encode())})") from None
        self.push_dataset(dataset, fingerprint)

    def push_dataset(self, dataset: Any, fingerprint: str) -> None:
        """Replace the server's lbpgraph dataset with ``dataset`` (a pyoxigraph Store): all of it, or nothing.

        Every graph goes into a new staging graph first; updates then swap them in. When an
        upload fails, the staging graphs are dropped and the live dataset is untouched.
        """
        if not _FINGERPRINT_TEXT.fullmatch(fingerprint):
            raise ValueError(f"a fingerprint is letters, digits and ._:+/=-, not {fingerprint!r}")
        if not self.graph_store_url:
            raise UsageError(f"pushing to {self.url} needs the server's Graph Store Protocol endpoint "
                             "(graph_store_url)")
        graphs = _graphs(dataset)
        if not graphs:
            raise ValueError("no quads to push")
        old = self._control(time.monotonic() + self.timeout, self.timeout, RemoteStoreError)
        token = uuid.uuid4().hex
        targets = {g: f"{STAGING}{token}:{i}" for i, g in enumerate(graphs)}
        # forget the leftovers of interrupted pushes; record ours (and that one began) before uploading anything
        self._update([*(f"DROP SILENT GRAPH {checked_iri(s)}" for s in old.staging),
                      _delete(_PENDING, old.staging), _delete(_ATTEMPT, [old.attempt] if old.attempt else []),
                      _insert([(_ATTEMPT, token), *((_PENDING, s) for s in targets.values())])])
        try:
            triples = self._upload(dataset, targets)
        except BaseException:
            self._discard(list(targets.values()))
            raise
        self._swap(old, targets, triples, fingerprint, token)

    def _upload(self, dataset: Any, targets: dict[str, str]) -> dict[str, int]:
        """PUT every graph of ``dataset`` into its target as N-Triples, :data:`UPLOADS` at a time
        (Virtuoso loads each upload on one thread), a large graph in pieces of :data:`UPLOAD_LINES`;
        the triples of each. The lines go sorted:
        Virtuoso took over 300 s to load 670,000 triples in Oxigraph's order (subjects
        scattered), 5 s sorted. A thread's first request is bodiless: it learns the Digest
        challenge (see :class:`_Digest`), and fails early on bad credentials."""
        import pyoxigraph as ox

        def put(graph: str) -> int:
            url = _with_graph(self.graph_store_url or "", targets[graph])
            if not hasattr(self._local, "opener"):
                self._local.opener = self._new_opener()
                self._request("GET", url, b"", _NTRIPLES, "*/*", time.monotonic() + self.timeout, RemoteStoreError,
                              self.timeout, "upload", (404,))
            lines = sorted(dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)).splitlines(True))
            for start in range(0, max(1, len(lines)), UPLOAD_LINES):  # PUT the first piece, POST (add) the rest
                body = b"".join(lines[start:start + UPLOAD_LINES])
                for attempt in range(UPLOAD_RETRIES + 1):
                    try:
                        self._request("PUT" if start == 0 else "POST", url, body, _NTRIPLES, "*/*",
                                      time.monotonic() + self.timeout, RemoteStoreError, self.timeout,
                                      f"upload of <{graph}>")
                        break
                    except RemoteStoreError as exc:
                        if attempt == UPLOAD_RETRIES or not _REGISTRY_RACE.search(str(exc)):
                            raise
                        time.sleep(0.05 * (attempt + 1))  # another upload registers the same tag: it is there now
            return len(lines)

        with ThreadPoolExecutor(UPLOADS) as pool:
            return dict(zip(targets, pool.map(put, targets)))

    def _swap(self, old: _Control, targets: dict[str, str], triples: dict[str, int], fingerprint: str,
              version: str) -> None:
        """Make the staging graphs the dataset: mark it as being swapped (queries refuse it until
        the last request has ended), move them over the live graphs, drop the graphs gone, and
        record the new graphs, fingerprint and version."""
        new, gone = [g for g in targets if g not in old.graphs], [g for g in old.graphs if g not in targets]
        self._update([_insert([(_STATE, "swapping"), *((_GRAPH, g) for g in new)]),
                      _delete(_FINGERPRINT, [old.fingerprint] if old.fingerprint else []),
                      _delete(_VERSION, [old.version] if old.version else [])], "swap")
        try:
            moves = [(staged, g, triples[g]) for g, staged in targets.items()]
            for operations in swap_requests(gone, moves):
                self._update(operations, "swap")
            self._update([_delete(_STATE, ["swapping"]), _delete(_GRAPH, gone),
                          _delete(_PENDING, list(targets.values())),
                          _insert([(_FINGERPRINT, fingerprint), (_VERSION, version)])], "swap")
        except LbpgraphError as exc:
            raise RemoteStoreError(f"{exc} (the dataset on {self.url} is unusable until the next push)") from None

    def _discard(self, staging: list[str]) -> None:
        """Drop staging graphs, best effort (the control graph lists them for the next push)."""
        try:
            self._update([*(f"DROP SILENT GRAPH {checked_iri(s)}" for s in staging), _delete(_PENDING, staging)])
        except LbpgraphError:
            pass

    def _update(self, operations: Iterable[str], action: str = "update") -> None:
        text = " ;\n".join(op for op in operations if op)
        if text:
            self._request("POST", self.update_url, urllib.parse.urlencode({"update": text}).encode(), _FORM, "*/*",
                          time.monotonic() + self.timeout, RemoteStoreError, self.timeout, action)

    # --- HTTP ---------------------------------------------------------------------------------

    def _request(self, method: str, url: str, body: bytes, content_type: str, accept: str, deadline: float,
                 failed: type[LbpgraphError], limit: float, action: str = "query",
                 expected: tuple[int, ...] = ()) -> tuple[Any, bytes]:
        """One HTTP exchange; every failure becomes a one-line lbpgraph error naming ``url``."""
        request = urllib.request.Request(url, data=body or None, method=method,
                                         headers={"Content-Type": content_type, "Accept": accept})
        url = url.partition("?")[0]  # messages name the endpoint
        timed_out = _timeout(limit) if failed is QueryFailed else RemoteStoreError(  # a query, or a push
            f"{action}: the SPARQL server at {url} did not answer within {limit:g} s")
        try:
            opener = getattr(self._local, "opener", self._opener)  # an uploading thread's own
            with opener.open(request, timeout=max(0.1, deadline - time.monotonic())) as response:
                chunks = []
                while chunk := response.read(1 << 16):
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise TimeoutError
                return response.headers, b"".join(chunks)
        except urllib.error.HTTPError as exc:
            if exc.code in expected:
                return exc.headers, b""
            detail = _first_line(exc.read())
            if exc.code in (401, 403):
                said = "refused the credentials" if self._user else "asks for credentials"
                raise RemoteStoreError(f"{action}: the SPARQL server at {url} {said} (HTTP {exc.code}); set "
                                       f"{USER_ENV} and {PASSWORD_ENV}") from None
            if exc.code in (408, 504) or "S1T00" in detail or "S1TAT" in detail:
                raise timed_out from None
            raise failed(f"{action}: the SPARQL server at {url} answered HTTP {exc.code}: {detail}") from None
        except (TimeoutError, urllib.error.URLError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise timed_out from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise RemoteStoreError(f"{action}: cannot reach the SPARQL server at {url}: {text}") from None
        except (HTTPException, OSError, ValueError) as exc:  # reset, unexpected auth scheme, ...
            raise RemoteStoreError(f"{action}: the SPARQL server at {url} failed: "
                                   f"{type(exc).__name__}: {_first_line(str(exc).encode())}") from None


# --- helpers ----------------------------------------------------------------------------------

SWAP_TRIPLES = 250_000  # triples moved per swap request
UPLOADS = 4  # graphs uploaded at once
# Virtuoso registers a language tag or datatype the first time it sees one; two uploads that bring
# the same new one at once collide there ("SR197: Non unique primary key on DB.DBA.RDF_LANGUAGE"), and
# the loser's request fails whole. Sent again, it finds the tag registered; PUT and POST of the same
# triples are idempotent.
_REGISTRY_RACE = re.compile(r"SR197\b.*\bDB\.DBA\.RDF_(?:LANGUAGE|DATATYPE)\b")
UPLOAD_RETRIES = 5
UPLOAD_LINES = 50_000  # triples per upload request: a whole 670,000-triple graph in one took Virtuoso over 60 s
# while three other uploads ran


def swap_requests(gone: list[str], moves: list[tuple[str, str, int]]) -> Iterator[list[str]]:
    """The swap's operations, in requests that each move at most :data:`SWAP_TRIPLES` triples (a
    larger graph alone): Virtuoso aborts a request whose transaction log outgrows its
    ``TransactionAfterImageLimit`` (50 MB by default), which a million triples moved at once did.
    ``moves`` holds (staging graph, live graph, triples)."""
    batch, size = [f"DROP SILENT GRAPH {checked_iri(g)}" for g in gone], 0
    for staging, live, triples in moves:
        if size and size + triples > SWAP_TRIPLES:
            yield batch
            batch, size = [], 0
        batch.append(f"MOVE SILENT {checked_iri(staging)} TO {checked_iri(live)}")
        size += triples
    if batch:
        yield batch


def _allow_headers(count: int) -> None:
    """Let responses carry ``count`` headers. Virtuoso echoes every ``default-graph-uri`` and
    ``named-graph-uri`` back as a header, and http.client refuses more than 100 (its module
    constant, the only setting there is): without this, a dataset of about 47 articles or more
    could not be read."""
    import http.client
    http.client._MAXHEADERS = max(http.client._MAXHEADERS, count)  # type: ignore[attr-defined]


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise UsageError(f"give the SPARQL user and password in {USER_ENV} and {PASSWORD_ENV}, not in the URL")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: '{url}'")
    return url


def _opener(user: str | None, password: str, urls: list[str]) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user:
        digest = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        digest.add_password(None, urls, user, password)
        handlers.append(_Digest(digest))
        basic = urllib.request.HTTPPasswordMgrWithDefaultRealm()  # Basic sends the password itself
        basic.add_password(None, [u for u in urls if u.startswith("https:")], user, password)
        handlers.append(urllib.request.HTTPBasicAuthHandler(basic))
    return urllib.request.build_opener(*handlers)


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """Digest auth that answers an endpoint's last challenge up front.

    urllib's handler sends every request unauthenticated first; Virtuoso answers 401 and closes
    the connection while a large upload is still being sent (a broken pipe). Virtuoso accepts a
    nonce again with a higher nonce count, so later requests carry the header from the start.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.challenges: dict[str, dict[str, str]] = {}

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        challenge = self.challenges.get(req.full_url.partition("?")[0])
        if challenge and not req.has_header(self.auth_header) and (auth := self.get_authorization(req, challenge)):
            req.add_unredirected_header(self.auth_header, f"Digest {auth}")
        return req

    https_request = http_request

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        challenge = urllib.request.parse_http_list(auth.partition(" ")[2])
        self.challenges[req.full_url.partition("?")[0]] = urllib.request.parse_keqv_list(filter(None, challenge))
        return super().retry_http_digest_auth(req, auth)


def _timeout(limit: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran longer than the time limit of {limit:g} s and was stopped")


def _first_line(body: bytes) -> str:
    """The server's message in one line (the text of an HTML error page)."""
    text = body.decode("utf-8", "replace")
    if re.match(r"\s*<(!doctype html|html)", text, re.IGNORECASE):
        text = " ".join(re.sub(r"<!doctype[^>]*>|<title>.*?</title>|<[^>]*>", " ", text,
                               flags=re.DOTALL | re.IGNORECASE).split())
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "(no message)")
    return line if len(line) <= 300 else line[:299] + "…"


def checked_iri(value: str) -> str:
    """``<value>`` for splicing into update text, after checking it cannot break out."""
    if not _IRI.fullmatch(value):
        raise RemoteStoreError(f"cannot push {value!r}: not an absolute IRI that SPARQL can name")
    return f"<{value}>"


def _insert(pairs: list[tuple[str, str]]) -> str:
    """INSERT DATA into the control graph; objects are IRIs, except the (checked) :data:`_LITERALS`."""
    if not pairs:
        return ""
    body = " ".join(f"{_DATASET} <{p}> {_literal(o) if p in _LITERALS else checked_iri(o)} ." for p, o in pairs)
    return f"INSERT DATA {{ GRAPH <{CONTROL}> {{ {body} }} }}"


def _literal(value: str) -> str:
    if not _FINGERPRINT_TEXT.fullmatch(value):
        raise RemoteStoreError(f"cannot write {value!r} into the control graph: only letters, digits and ._:+/=-")
    return f'"{value}"'


def _delete(predicate: str, objects: list[str]) -> str:
    """DELETE DATA from the control graph, like :func:`_insert`."""
    return _insert([(predicate, o) for o in objects]).replace("INSERT DATA", "DELETE DATA", 1)


def _with_graph(endpoint: str, graph: str) -> str:
    return endpoint + ("&" if "?" in endpoint else "?") + urllib.parse.urlencode({"graph": graph})


def _graphs(dataset: Any) -> list[str]:
    """The names of the graphs of a dataset to push, checked: every quad in a named graph, no blank nodes."""
    import pyoxigraph as ox
    if next(iter(dataset.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        raise RemoteStoreError("cannot push quads without a named graph: lbpgraph puts every triple in one")
    names = list(dataset.named_graphs())
    if not all(isinstance(g, ox.NamedNode) for g in names) or \
            bool(dataset.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER (isBlank(?s) || isBlank(?o)) }")):
        raise RemoteStoreError("cannot push blank nodes: lbpgraph graphs hold none")
    return sorted(checked_iri(g.value)[1:-1] for g in names)


def _rows(data: bytes) -> list[Row]:
    variables, bindings = _bindings(data)
    return [tuple(from_sparql_json(b[v]) if v in b else None for v in variables) for b in bindings]


def _bindings(data: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    results = json.loads(data)
    return results["head"].get("vars", []), results.get("results", {}).get("bindings", [])


def _remote_guard(sparql: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT); refuse calls a SPARQL server would run as procedures.

    Virtuoso runs ``<bif:...>`` and ``<sql:...>`` IRIs as built-in or stored procedures (files,
    HTTP, ...), so on a server only XSD casts and SPARQL's own functions are allowed.
    """
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception as exc:  # noqa: BLE001 - check_query accepted it; rdflib's algebra did not
        raise QueryRefused(f"not valid SPARQL: {exc}") from None
    for node in walk(algebra, reverse=True):
        if isinstance(node, CompValue):
            if node.name == "Function" and not str(node.get("iri", "")).startswith(XSD):
                raise QueryRefused(f"function <{node['iri']}> refused: a SPARQL server runs only standard functions")
        elif isinstance(node, URIRef) and node.lower().startswith(("bif:", "sql:")):
            raise QueryRefused(f"<{node}> refused: it names a procedure of the SPARQL server")
    return {"SelectQuery": "SELECT", "AskQuery": "ASK"}.get(algebra.name, "CONSTRUCT")


class SparqlStaging(Staging):
    """A push on its way: the built dataset, uploaded and swapped in at :meth:`publish` (see
    :meth:`SparqlStore.push_dataset`: all of it, or nothing)."""

    takes_store = True

    def __init__(self, store: SparqlStore) -> None:
        import pyoxigraph as ox
        self.store = store
        self.dataset = ox.Store()

    def load(self, chunks: Iterable[bytes]) -> None:
        import pyoxigraph as ox
        for chunk in chunks:
            self.dataset.load(chunk, format=ox.RdfFormat.N_QUADS)

    def adopt(self, dataset: Any) -> None:
        self.dataset = dataset

    def publish(self, manifest: Manifest, attachments: dict[str, bytes]) -> None:
        if attachments:
            raise ValueError(f"{self.store.spec} keeps no analysis beside its graph")
        self.store.push_dataset(self.dataset, manifest["fingerprint"])
        self.published = True
