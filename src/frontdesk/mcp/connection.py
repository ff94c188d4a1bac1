"""A blocking handle on one MCP server, for frontdesk's synchronous tool pipeline.

The ``mcp`` SDK is asynchronous and its sessions live inside async context managers; the
tool pipeline calls tools from graph nodes running in worker threads. So each server gets
one event loop in a daemon thread, and one task there holds the session open for as long
as the connection lives; calls from any thread are handed to that loop and waited for
with a deadline. A call that fails because the server went away (it died, hung past the
deadline, or the network dropped) closes the session, so the next call starts the server
(or reconnects) afresh instead of talking to a corpse.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO, TypeVar

import anyio
import httpx
from mcp import ClientSession, McpError, StdioServerParameters, types
from mcp.client.stdio import get_default_environment, stdio_client
from mcp.client.streamable_http import streamable_http_client

from frontdesk.config.mcp import McpServerConfig
from frontdesk.errors import FrontdeskError

logger = logging.getLogger("frontdesk.mcp")
T = TypeVar("T")


class McpUnavailable(FrontdeskError):
    """The server could not be reached or stopped answering; the message is one line for the model and the log."""


def describe(exc: BaseException) -> str:
    """One line for an exception, looking inside the exception groups anyio wraps errors in."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class McpConnection:
    """One server's session, opened on first use and reopened after it breaks."""

    def __init__(self, config: McpServerConfig, *, errlog: Path | None = None) -> None:
        self.config = config
        self.errlog = errlog
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: ClientSession | None = None
        self._closing: asyncio.Event | None = None
        self._holder: concurrent.futures.Future[None] | None = None

    # -- public, blocking -------------------------------------------------------------------

    def list_tools(self) -> list[types.Tool]:
        """Every tool the server lists (all pages)."""
        session = self._connected()
        tools: list[types.Tool] = []
        cursor: str | None = None
        while True:
            page = self._call(session.list_tools(cursor=cursor) if cursor else session.list_tools())
            tools += page.tools
            cursor = page.nextCursor
            if not cursor:
                return tools

    def call_tool(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        """Call ``name``; ``McpUnavailable`` when the server is gone, ``McpError`` when it refused the request."""
        session = self._connected()
        deadline = timedelta(seconds=self.config.timeout_s)
        return self._call(session.call_tool(name, arguments, read_timeout_seconds=deadline))

    def close(self) -> None:
        """End the session (a stdio server process is stopped) and the loop thread."""
        with self._lock:
            self._disconnect()
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._loop = None

    # -- internals --------------------------------------------------------------------------

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            return future.result(self.config.timeout_s + 1)
        except concurrent.futures.TimeoutError:
            future.cancel()
            self._reset()
            raise McpUnavailable(f"no answer within {self.config.timeout_s:g} s") from None
        except McpError as exc:
            if exc.error.code == types.CONNECTION_CLOSED or "timed out" in exc.error.message.lower():
                self._reset()
                raise McpUnavailable(exc.error.message) from None
            raise
        except (
            OSError,
            httpx.HTTPError,
            anyio.ClosedResourceError,
            anyio.BrokenResourceError,
            anyio.EndOfStream,
        ) as exc:
            self._reset()
            raise McpUnavailable(describe(exc)) from None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name=f"mcp {self.config.name}", daemon=True).start()
            self._loop = loop
        return self._loop

    def _connected(self) -> ClientSession:
        with self._lock:
            if self._session is not None and self._holder is not None and not self._holder.done():
                return self._session
            self._disconnect()
            loop = self._ensure_loop()
            ready: concurrent.futures.Future[tuple[ClientSession, asyncio.Event]] = concurrent.futures.Future()
            self._holder = asyncio.run_coroutine_threadsafe(self._hold(ready), loop)
            try:
                self._session, self._closing = ready.result(self.config.timeout_s)
            except concurrent.futures.TimeoutError:
                self._disconnect()
                raise McpUnavailable(f"could not connect within {self.config.timeout_s:g} s") from None
            except Exception as exc:
                self._disconnect()
                raise McpUnavailable(f"could not connect ({describe(exc)})") from None
            return self._session

    async def _hold(self, ready: concurrent.futures.Future[tuple[ClientSession, asyncio.Event]]) -> None:
        """Open the transport and session, report them, and keep them open until told to close."""
        closing = asyncio.Event()
        try:
            async with AsyncExitStack() as stack:
                if self.config.command is not None:
                    params = StdioServerParameters(
                        command=self.config.program(),
                        args=self.config.args,
                        env={**get_default_environment(), **self.config.resolved_env()},
                        cwd=self.config.cwd,
                    )
                    read, write = await stack.enter_async_context(stdio_client(params, errlog=self._errlog(stack)))
                else:
                    assert self.config.url is not None
                    timeout = httpx.Timeout(self.config.timeout_s, read=self.config.timeout_s + 1)
                    client = await stack.enter_async_context(
                        httpx.AsyncClient(headers=self.config.resolved_headers(), timeout=timeout)
                    )
                    read, write, _session_id = await stack.enter_async_context(
                        streamable_http_client(self.config.url, http_client=client)
                    )
                session = await stack.enter_async_context(
                    ClientSession(read, write, read_timeout_seconds=timedelta(seconds=self.config.timeout_s))
                )
                await session.initialize()
                ready.set_result((session, closing))
                await closing.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else McpUnavailable(describe(exc)))
            elif not isinstance(exc, asyncio.CancelledError):
                logger.warning("MCP server %s: session ended: %s", self.config.name, describe(exc))

    def _errlog(self, stack: AsyncExitStack) -> TextIO:
        """Where a stdio server's stderr goes: its log file, so it never lands in a chat terminal."""
        if self.errlog is None:
            return stack.enter_context(open("/dev/null", "w", encoding="utf-8"))  # closed by the stack
        self.errlog.parent.mkdir(parents=True, exist_ok=True)
        return stack.enter_context(self.errlog.open("a", encoding="utf-8"))

    def _reset(self) -> None:
        with self._lock:
            self._disconnect()

    def _disconnect(self) -> None:
        """Ask the holder task to close the session (called with the lock held)."""
        closing, holder, loop = self._closing, self._holder, self._loop
        self._session = self._closing = self._holder = None
        if loop is None or holder is None:
            return
        if closing is not None:
            loop.call_soon_threadsafe(closing.set)
        else:
            holder.cancel()
        try:
            holder.result(5)
        except (concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
            holder.cancel()
        except Exception as exc:
            logger.debug("MCP server %s: closing: %s", self.config.name, describe(exc))
