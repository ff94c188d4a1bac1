"""How the HTTP server says no: short, stable, and never an echo of what was sent.

FastAPI's default 422 repeats the whole request body back (5 MB in, 5 MB out) and an
unexpected exception becomes a bare 500. Here a validation error names the field and the
problem only, an oversized body is refused before it is read, and anything unexpected is
a logged 500 with a stable code and a sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

logger = logging.getLogger("frontdesk.server")


def install_error_handlers(app: FastAPI, *, max_body_bytes: int) -> None:
    """Register the handlers and the body-size limit on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))[:200]} for error in exc.errors()[:5]]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"code": "internal_error", "detail": "Something went wrong on our side; please try again."})

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body_bytes):
            return JSONResponse(status_code=413, content={"detail": f"request body too large (at most {max_body_bytes} bytes)"})
        return await call_next(request)
