"""Serve: a local, read-only SPARQL 1.1 Protocol endpoint over a project's store, and the pages
a person reads (find a claim, its trace and graph, the whole graph, the report), on an ASGI
server (Starlette on uvicorn): ``lbpgraph serve``.

May import: :mod:`lbpgraph.project` and everything below it.

:mod:`.protocol` is the SPARQL 1.1 Protocol without a web server (requests, content
negotiation, the answer formats, the service description); :mod:`.app` the ASGI application;
:mod:`.pages` the pages, from the templates of :mod:`lbpgraph.presentation` and the three of
``serve/templates/`` (the finder, the claim page and the endpoint's page, which only a server has).

Routes:

==========================  ====================================================================
``/sparql``                 SPARQL 1.1 Protocol (GET, POST form-encoded or application/sparql-query);
                            without a query: the service description (sd:Service)
``/``                       find a claim by its words (``?q=``)
``/claim/ID``               the trace of a claim with its graph (``?format=json|markdown|text``)
``/claim/ID/graph``         the graph page of the claim
``/graph``, ``/report``     the graph page of every claim, the evidence report
==========================  ====================================================================

Queries go through the same guard, time limit and memory cap as ``lbpgraph query``
(:func:`lbpgraph.analysis.query.stream_query`), off the event loop. From a notebook::

    import uvicorn
    from lbpgraph import Project
    from lbpgraph.serve import create_app
    app = create_app(Project("data", "build"))
    uvicorn.run(app, host="127.0.0.1", port=8000)   # or: lbpgraph.serve.serve(project)

The web stack (Starlette, uvicorn) is the ``serve`` extra; this module imports it only when
called, and says which extra to install when it is missing.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..analysis.query import DEFAULT_TIMEOUT
from ..core.errors import UsageError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from ..project import Project

MAX_QUERIES = 8  # queries evaluated at once; more wait for a turn
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_EXTRA = ("starlette", "uvicorn", "anyio", "jinja2", "pyvis")


class MissingExtra(UsageError):
    """The web stack is not installed."""

    hint = "install it with: pip install 'lbpgraph[serve]'"


def require() -> None:
    """Raise :class:`MissingExtra` unless the ``serve`` extra is installed."""
    missing = [name for name in _EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtra(f"lbpgraph serve needs the serve extra ({', '.join(missing)} not installed)")


def allowed_hosts(host: str) -> list[str]:
    """Host headers the server answers: its loopback names and ``host``; any for a wildcard address
    (checking the Host header keeps web pages from reaching the server by DNS rebinding)."""
    if host in ("", "0.0.0.0", "::"):
        return ["*"]
    return [*LOOPBACK, f"[{host}]" if ":" in host else host]


def create_app(project: Project, *, timeout: float = DEFAULT_TIMEOUT, max_queries: int = MAX_QUERIES,
               cors_origins: Sequence[str] = ("*",), hosts: Sequence[str] = LOOPBACK) -> Starlette:
    """The ASGI application serving ``project``: the build current when it is called (built
    first if ``data/`` changed), kept until the application ends. The store is opened and the
    projection the pages read is loaded here, so that a later build changes neither.

    ``timeout`` is each query's time limit in seconds; ``max_queries`` how many queries are
    evaluated at once; ``cors_origins`` the web origins whose pages may query /sparql
    (``"*"``: any; empty: none); ``hosts`` the Host headers answered (``"*"``: any).
    """
    require()
    from ..project import Project as _Project
    from .app import build_app
    snapshot = _Project(project.data_dir, project.build_dir, project.store_spec, watch=False, **project.remote)
    store = snapshot.store()
    snapshot.projection()
    if snapshot.capabilities.keeps_analysis:
        snapshot.traces()  # kept by the build (other stores compute each trace from the store)
    return build_app(snapshot, store, timeout=timeout, max_queries=max_queries, cors_origins=list(cors_origins),
                     allowed_hosts=list(hosts))


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, *, timeout: float = DEFAULT_TIMEOUT,
          max_queries: int = MAX_QUERIES, cors_origins: Sequence[str] = ("*",), access_log: bool = True,
          announce: Callable[[str], None] | None = None) -> None:
    """Serve ``project`` on ``host:port`` (``port`` 0: a free one) until interrupted.

    ``announce`` receives one line with the address once the server listens (default: stderr).
    """
    require()
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG
    sock = _bind(host, port)
    try:
        app = create_app(project, timeout=timeout, max_queries=max_queries, cors_origins=cors_origins,
                         hosts=allowed_hosts(host))
        access = {**LOGGING_CONFIG["handlers"]["access"], "stream": "ext://sys.stderr"}  # uvicorn's: stdout
        logging_config = {**LOGGING_CONFIG, "handlers": {**LOGGING_CONFIG["handlers"], "access": access}, "loggers": {
            "uvicorn.error": {"handlers": ["default"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": ["access"], "level": "INFO" if access_log else "WARNING",
                               "propagate": False},
            "lbpgraph.serve": {"handlers": ["default"], "level": "INFO", "propagate": False}}}
        config = uvicorn.Config(app, log_config=logging_config, access_log=access_log, server_header=False,
                                timeout_graceful_shutdown=int(timeout) + 5, lifespan="off")
        server = uvicorn.Server(config)
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        store = app.state.store.spec
        (announce or _stderr)(f"Serving {store} at http://{shown}:{bound_port}/ "
                              f"(SPARQL endpoint: http://{shown}:{bound_port}/sparql); Ctrl+C stops")
        if not _loopback(bound_host):
            (announce or _stderr)(f"Warning: {host} is not loopback: other machines can query this server")
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn stops on Ctrl+C, then passes the signal on
            pass
        (announce or _stderr)("Stopped")
        app.state.project.close()
    finally:
        sock.close()


def _loopback(host: str) -> bool:
    import ipaddress
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; :class:`UsageError` when the address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


__all__ = ["create_app", "serve", "allowed_hosts", "MissingExtra", "require", "MAX_QUERIES"]
