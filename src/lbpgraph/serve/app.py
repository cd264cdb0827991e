"""The ASGI application: the SPARQL endpoint at /sparql and the pages a person reads.

Evaluation never runs on the event loop. Each query goes through
:func:`lbpgraph.analysis.query.stream_query` (the guard, the time limit, a forked child per local
query) in a worker thread, at most ``max_queries`` at once; the answer streams back as the child
writes it. The response starts when the first bytes arrive, so a query refused, out of time or out of
memory before that gets its own status and message; one stopped after its answer began is cut
off (the connection closes without the end of the chunked body, which clients report as an
incomplete read). A client that goes away stops its query at the next rows it writes.
"""

from __future__ import annotations

import functools
import logging
import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..analysis.query import stream_query
from ..core.errors import (LbpgraphError, QueryFailed, QueryRefused, RemoteStoreError, ResourceLimit, TooManyRows,
                           one_line)
from . import protocol
from .pages import Page, Pages

if TYPE_CHECKING:
    from anyio.abc import ObjectReceiveStream

    from ..project import Project
    from ..stores.base import Store

log = logging.getLogger("lbpgraph.serve")

#: Headers every response carries unless it sets its own.
DEFAULT_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer",
                   "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox"}


def error_response(status: int, message: str, hint: str | None = None, headers: dict[str, str] | None = None
                   ) -> Response:
    """A plain-text error: one line of message, maybe a hint."""
    return PlainTextResponse(protocol.error_text(message, hint), status_code=status, headers=headers)


def _status(exc: BaseException) -> tuple[int, str, str | None]:
    """HTTP status, message and hint for an error a query ended with."""
    if isinstance(exc, protocol.NotAcceptable):
        return 406, str(exc), None
    if isinstance(exc, QueryRefused):
        return 400, str(exc), exc.hint
    if isinstance(exc, TooManyRows):
        return 406, str(exc).replace("--format table", "a text/plain table"), (
            "ask for CSV, TSV, JSON or XML (Accept header), which stream any number of rows, or add LIMIT")
    if isinstance(exc, ResourceLimit):
        return 503, str(exc), exc.hint
    if isinstance(exc, RemoteStoreError):
        return 502, str(exc), exc.hint
    if isinstance(exc, (QueryFailed, LbpgraphError)):
        return 500, str(exc), exc.hint
    return 500, "internal error: the query could not be answered (the server log has the details)", None


class _Relay:
    """Copies an answer from the worker to the client: the first line is its media type."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False
        self.sent = 0
        self.gone = False  # the client went away

    async def run(self, chunks: ObjectReceiveStream[bytes]) -> None:
        head = b""
        async for data in chunks:
            if not self.started:
                head += data
                if b"\n" not in head:
                    continue
                media_type, _, data = head.partition(b"\n")
                content_type = protocol.content_type(media_type.decode("ascii"))
                await self.send({"type": "http.response.start", "status": 200,
                                 "headers": [(b"content-type", content_type.encode("ascii")), (b"vary", b"accept")]})
                self.started = True
            if data:
                self.sent += len(data)
                await self.send({"type": "http.response.body", "body": data, "more_body": True})


class SparqlEndpoint:
    """The SPARQL 1.1 Protocol endpoint (a raw ASGI app, so that answers stream as they come)."""

    def __init__(self, store: Store, timeout: float, max_queries: int) -> None:
        self.store = store
        self.timeout = timeout
        self.limiter = anyio.CapacityLimiter(max_queries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        accept = request.headers.get("accept")
        try:
            url_query = _url_query(scope)
            if request.method in ("GET", "HEAD") and not _names(url_query) & {"query", "update"}:
                response = await run_in_threadpool(self._description, request, accept)
                await response(scope, receive, send)
                return
            body = await _body(request) if request.method == "POST" else b""
            text = protocol.query_of(request.method, url_query, request.headers.get("content-type"), body)
            if not protocol.acceptable(accept):
                raise protocol.Problem(406, f"no format in the Accept header is served: {protocol.supported()}")
        except protocol.Problem as problem:
            extra = {"allow": "GET, HEAD, POST, OPTIONS"} if problem.status == 405 else None
            await error_response(problem.status, str(problem), headers=extra)(scope, receive, send)
            return
        await self._answer(scope, text, accept, receive, send)

    def _description(self, request: Request, accept: str | None) -> Response:
        """The service description, or for a browser a page about the endpoint."""
        endpoint = str(request.url.replace(query="", fragment=""))
        chosen = protocol.negotiate(accept, [*protocol.DESCRIPTION_FORMATS, "text/html"])
        if chosen is None:
            return error_response(406, "the service description is served as "
                                  f"{', '.join(protocol.DESCRIPTION_FORMATS)} or text/html")
        if chosen == "text/html":
            page = Pages.endpoint_page(endpoint, protocol.described(endpoint, self.timeout, "text/turtle"))
            return _page_response(page)
        return Response(protocol.described(endpoint, self.timeout, chosen), media_type=chosen,
                        headers={"vary": "accept"})

    async def _answer(self, scope: Scope, text: str, accept: str | None, receive: Receive, send: Send) -> None:
        token = anyio.lowlevel.current_token()
        writer, chunks = anyio.create_memory_object_stream[bytes](max_buffer_size=8)
        outcome: list[BaseException | None] = []
        render = protocol.renderer(accept)
        relay = _Relay(send)

        def write(data: bytes) -> None:  # in the thread that copies from the evaluating child
            anyio.from_thread.run(writer.send, data, token=token)

        def work() -> None:
            try:
                if relay.gone:  # the client left while the query waited for its turn
                    raise ConnectionResetError("the client went away")
                stream_query(self.store, text, render, write, timeout=self.timeout)
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - answered to the client below
                outcome.append(exc)
            finally:
                try:
                    anyio.from_thread.run_sync(writer.close, token=token)
                except Exception:  # noqa: BLE001 - the server is shutting down
                    pass

        async with anyio.create_task_group() as workers:
            workers.start_soon(functools.partial(anyio.to_thread.run_sync, work, limiter=self.limiter))
            with chunks:  # once closed, the next rows written fail, and the query stops
                async with anyio.create_task_group() as client:
                    client.start_soon(_watch_disconnect, receive, relay, client.cancel_scope)
                    await relay.run(chunks)
                    client.cancel_scope.cancel()
        error = outcome[0] if outcome else None
        if relay.gone:
            log.info("client went away after %d bytes; its query stopped", relay.sent)
        elif error is None and relay.started:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        elif not relay.started:
            status, message, hint = _status(error) if error is not None else (500, "no answer", None)
            if status == 500 and not isinstance(error, LbpgraphError):
                log.error("query failed", exc_info=error)
            await error_response(status, message, hint)(scope, receive, send)
        else:  # the answer began: it can only be cut off (the client sees an incomplete body)
            log.warning("answer cut off after %d bytes: %s", relay.sent, one_line(str(error) or type(error).__name__))


async def _watch_disconnect(receive: Receive, relay: _Relay, scope: anyio.CancelScope) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    relay.gone = True
    scope.cancel()


def _url_query(scope: Scope) -> str:
    try:
        return bytes(scope.get("query_string", b"")).decode("utf-8")
    except UnicodeDecodeError:
        raise protocol.Problem(400, "the query string is not UTF-8") from None


def _names(url_query: str) -> set[str]:
    return {name for name, _ in urllib.parse.parse_qsl(url_query, keep_blank_values=True)}


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > protocol.MAX_BODY:
        raise protocol.Problem(413, f"the request body is larger than {protocol.MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > protocol.MAX_BODY:
            raise protocol.Problem(413, f"the request body is larger than {protocol.MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


# --- pages ------------------------------------------------------------------------------------

def _page_response(page: Page) -> Response:
    if page.redirect:
        return RedirectResponse(page.redirect, status_code=303, headers={"content-security-policy": page.csp})
    return Response(page.body, status_code=page.status, media_type=page.media_type,
                    headers={"content-security-policy": page.csp})


def _page_routes(pages: Pages) -> list[Route]:
    async def index(request: Request) -> Response:
        return _page_response(await run_in_threadpool(pages.index, request.query_params.get("q")))

    async def claim(request: Request) -> Response:
        fmt = request.query_params.get("format", "html")
        page = await run_in_threadpool(pages.claim, request.path_params["claim_id"], fmt)
        if page.data is not None:
            return JSONResponse(page.data, headers={"content-security-policy": page.csp})
        return _page_response(page)

    async def claim_graph(request: Request) -> Response:
        return _page_response(await run_in_threadpool(pages.claim_graph, request.path_params["claim_id"]))

    async def graph(request: Request) -> Response:
        return _page_response(await run_in_threadpool(pages.graph))

    async def report(request: Request) -> Response:
        return _page_response(await run_in_threadpool(pages.report))

    return [Route("/", index), Route("/claim/{claim_id}", claim), Route("/claim/{claim_id}/graph", claim_graph),
            Route("/graph", graph), Route("/report", report)]


class _DefaultHeaders:
    """Adds :data:`DEFAULT_HEADERS` to every response that does not set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in DEFAULT_HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)
        await self.app(scope, receive, sending)


def build_app(project: Project, store: Store, *, timeout: float, max_queries: int, cors_origins: Sequence[str],
              allowed_hosts: Sequence[str]) -> Starlette:
    """The application over ``store`` (a snapshot of ``project``)."""
    endpoint: ASGIApp = SparqlEndpoint(store, timeout, max_queries)
    if cors_origins:
        endpoint = CORSMiddleware(endpoint, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                                  allow_headers=["*"], allow_private_network=True,  # no credentials are ever used
                                  max_age=600)
    pages = Pages(project)
    app = Starlette(routes=[Route("/sparql", endpoint), *_page_routes(pages)],
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)),
                                Middleware(_DefaultHeaders)])
    app.state.project = project
    app.state.pages = pages
    app.state.store = store
    return app
