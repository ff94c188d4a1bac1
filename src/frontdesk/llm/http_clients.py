"""The async HTTP client model calls go through: keep-alive connections, one pool per event loop.

Two things the default client gets wrong for a framework whose graphs run on more than one
event loop and hold many conversations at once:

- A pooled connection belongs to the event loop that opened it. A caller that runs each
  turn in its own ``asyncio.run`` (a script, a worker thread, a test) took the previous
  loop's idle connection from the shared pool, and the call failed with a connection error
  before anything was sent. Here each loop has its own pool, dropped with the loop.
- The default keeps 100 idle connections, and its pool closes *every* idle connection
  while more than that many are open at all. A server with a few hundred conversations
  waiting on the model then opened a new connection for most calls. Here as many
  connections stay open as may be open.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

import httpx

MODEL_CONNECTIONS = 1000
"""Connections to one model endpoint a process may hold open at once (per event loop)."""


class PerLoopTransport(httpx.AsyncBaseTransport):
    """An async transport with a connection pool for each running event loop."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._guard = threading.Lock()
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncHTTPTransport] = (
            weakref.WeakKeyDictionary()
        )

    def _pool(self) -> httpx.AsyncHTTPTransport:
        loop = asyncio.get_running_loop()
        with self._guard:  # loops in several threads may ask at once
            pool = self._pools.get(loop)
            if pool is None:
                pool = self._pools[loop] = httpx.AsyncHTTPTransport(limits=self._limits)
            return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._pool().handle_async_request(request)

    async def aclose(self) -> None:
        with self._guard:
            pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.aclose()


def model_async_client(timeout: float | None) -> httpx.AsyncClient:
    """The async client for one chat model (redirects followed, as the OpenAI client's own does)."""
    limits = httpx.Limits(max_connections=MODEL_CONNECTIONS, max_keepalive_connections=MODEL_CONNECTIONS)
    return httpx.AsyncClient(transport=PerLoopTransport(limits), timeout=timeout, follow_redirects=True)
