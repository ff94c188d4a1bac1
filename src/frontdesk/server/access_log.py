"""What ``frontdesk serve`` prints while it runs: one line per request, and why it stopped.

Why our own line and not uvicorn's access log: uvicorn's prints the query string, where a
client may have put a token; this one prints the method, the path without its query, the
status and the milliseconds — never a body, a header or a query. A streamed reply (SSE)
is logged when its stream ends, so its milliseconds are the whole turn. Only the server
process installs it (``create_served_app``); an app that mounts frontdesk keeps its own logging.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access = logging.getLogger("frontdesk.access")
server_log = logging.getLogger("frontdesk.server")


class AccessLog:
    """ASGI middleware: ``GET /threads/t-1/messages 200 1234 ms`` per request (streams included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts a response: an exception is a 500 to the client

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            if not (scope["path"] == "/healthz" and status == 200):  # a balancer's probe every second is noise
                access.info("%s %s %d %.0f ms", scope["method"], scope["path"], status, elapsed_ms)


def print_to_stderr() -> None:
    """Send the access lines and the server's own messages to stderr, one timestamped line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    for logger in (access, server_log):
        if not any(getattr(h, "frontdesk_serve", False) for h in logger.handlers):
            handler.frontdesk_serve = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


@contextmanager
def stop_reason() -> Iterator[dict[str, Any]]:
    """Note the signal that stops the server (uvicorn hands it on once it has shut down) and
    say why it stopped: ``stopped: SIGTERM`` or ``stopped: Ctrl-C``; the process then exits 0.
    A signal that comes while the server is still starting stops it as well."""
    seen: dict[str, Any] = {"signal": None}

    def remember(signum: int, _frame: Any) -> None:
        # called before uvicorn has taken the signals over (still starting) or when it hands the
        # signal on after shutting down: either way the process ends here
        seen["signal"] = signum
        raise SystemExit(0)

    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    started = time.monotonic()
    try:
        yield seen
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        names = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}
        why = names.get(seen["signal"], "the server ended") if seen["signal"] is not None else "the server ended"
        server_log.info("stopped: %s, after %.0f s", why, time.monotonic() - started)
