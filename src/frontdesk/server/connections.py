"""Connections that cannot hold the server hostage: a deadline for each request head, and a cap.

uvicorn closes a keep-alive connection only after it has answered a request on it: a
connection that never sends a request, sends half a head, or trickles bytes after a
response stays open for ever. 1,100 such sockets used up the process's descriptors and
every real customer's request failed. These protocols close a connection whose request
head is not complete within ``FRONTDESK_HEADER_TIMEOUT`` seconds (default 10), and close a
new connection at once while ``FRONTDESK_MAX_CONNECTIONS`` are open (default: the
descriptor limit less a reserve for the databases, files and the model's connections).
Served requests — an SSE stream of a long turn included — are not timed here.
"""

from __future__ import annotations

import asyncio
import functools
import resource
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from frontdesk.config import environment

DESCRIPTOR_RESERVE = 128
"""Descriptors kept for what a server opens besides customer connections."""


@functools.cache  # read once per process: every connection asks
def header_timeout_s() -> float:
    """Seconds a connection may take to send a complete request head (``FRONTDESK_HEADER_TIMEOUT``)."""
    return float(environment.read("FRONTDESK_HEADER_TIMEOUT") or 10.0)


@functools.cache
def max_connections() -> int:
    """Connections served at once (``FRONTDESK_MAX_CONNECTIONS``); above it a new one is closed at once."""
    configured = environment.read("FRONTDESK_MAX_CONNECTIONS")
    if configured:
        return int(configured)
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(256, soft - DESCRIPTOR_RESERVE) if soft != resource.RLIM_INFINITY else 10_000


def check_limits() -> None:
    """Raise ``ValueError`` naming the variable when one is not a positive number (called before serving)."""
    for name, read in (("FRONTDESK_HEADER_TIMEOUT", header_timeout_s), ("FRONTDESK_MAX_CONNECTIONS", max_connections)):
        try:
            value = read()
        except ValueError:
            raise ValueError(f"{name}={environment.read(name)!r} is not a number") from None
        if value <= 0:
            raise ValueError(f"{name}={environment.read(name)!r} must be positive")


class _HeadDeadline:
    """Mixed into a uvicorn protocol: the head deadline and the connection cap."""

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    connections: set[Any]
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[misc]  # the protocol's own
        if len(self.connections) > max_connections():
            self.transport.close()  # over the cap: the descriptor is freed now, not when the client gives up
            return
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(header_timeout_s(), self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


class GuardedHttpToolsProtocol(_HeadDeadline, HttpToolsProtocol):
    """uvicorn's httptools protocol with a request-head deadline and a connection cap."""

    _head_pending = False

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_pending:
            self._arm_head_timer()

    def on_message_begin(self) -> None:
        self._head_pending = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._head_pending = False
        self._cancel_head_timer()
        super().on_headers_complete()


class GuardedH11Protocol(_HeadDeadline, H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a connection cap."""

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm_head_timer()  # part of a head, not a whole one yet
        else:
            self._cancel_head_timer()


def guarded_protocol() -> str:
    """The protocol for ``uvicorn.run(http=...)``, as an import path (the ``--workers`` processes import it)."""
    try:
        import httptools  # noqa: F401, PLC0415  # uvicorn's faster parser, when installed
    except ImportError:
        return "frontdesk.server.connections:GuardedH11Protocol"
    return "frontdesk.server.connections:GuardedHttpToolsProtocol"
