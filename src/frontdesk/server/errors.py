"""How the HTTP server says no: short, stable, and never an echo of what was sent.

FastAPI's default 422 repeats the whole request body back (5 MB in, 5 MB out) and an
unexpected exception becomes a bare 500. Here a validation error names the field and the
problem only, an oversized body is refused before it is read, and anything unexpected is
a logged 500 with a stable code and a sentence.

The size limit is a plain ASGI middleware, not ``@app.middleware("http")``: that one
(Starlette's ``BaseHTTPMiddleware``) relays every response through a memory stream and an
extra task — for a streamed turn, every event — and was a measurable part of the server's
CPU per turn.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("frontdesk.server")


def install_error_handlers(app: FastAPI, *, max_body_bytes: int) -> None:
    """Register the handlers and the body-size limit on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))[:200]}
            for error in exc.errors()[:5]
        ]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            status_code=500,
            content={"code": "internal_error", "detail": "Something went wrong on our side; please try again."},
        )

    app.add_middleware(BodyLimit, max_body_bytes=max_body_bytes)


class BodyLimit:
    """Refuse a request body over ``max_body_bytes`` with a 413 before the app reads any of it.

    By its ``Content-Length``; a body sent chunked, with none, is read first up to the
    limit (a few KB: a message's text) and handed on only when it fits, so no size of
    upload reaches the JSON parser.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_body_bytes:
                await self.refuse(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        received: list[Message] = []
        size = 0
        while True:
            message = await receive()
            received.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body_bytes:
                await self.refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return received.pop(0) if received else await receive()

        await self.app(scope, replay, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            status_code=413, content={"detail": f"request body too large (at most {self.max_body_bytes} bytes)"}
        )
        await response(scope, receive, send)
