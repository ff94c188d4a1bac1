"""``frontdesk mcp serve``: the exported tools over stdio (one customer per process) or streamable HTTP.

Over HTTP each request carries a bearer token, checked by the SDK's bearer-auth middleware
against the issued tokens (``mcp.tokens``); a request without a valid token gets 401 before
any MCP handling. A session stays with the customer it started with: a request on that
session with another customer's token is refused, so a session id that leaks does not
let one customer's client speak as another.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import anyio
from mcp import types
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser, BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import AccessToken
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from frontdesk.mcp import tokens
from frontdesk.mcp.exported import ExportedTools

SERVER_NAME = "frontdesk"


class IssuedTokens:
    """The SDK's token verifier, answered from the issued-token table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def verify_token(self, token: str) -> AccessToken | None:
        found = await anyio.to_thread.run_sync(tokens.customer_for, self.engine, token)
        if found is None:
            return None
        customer, expires = found
        return AccessToken(
            token=token, client_id="frontdesk-mcp", scopes=[], subject=customer, expires_at=_epoch(expires)
        )


def build_server(exported: ExportedTools, customer: Callable[[Server[Any, Any]], str | None]) -> Server[Any, Any]:
    """An MCP server offering ``exported``; ``customer`` says whom the current request acts for (None: refuse)."""
    server: Server[Any, Any] = Server(
        SERVER_NAME, instructions="Customer-service tools; every call acts for the customer your token names."
    )

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return exported.listings()

    @server.call_tool(validate_input=False)  # the tool pipeline validates, naming the field
    async def call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        who = customer(server)
        if who is None:
            return types.CallToolResult(
                content=[types.TextContent(type="text", text="Error: this session belongs to another customer")],
                isError=True,
            )
        return await anyio.to_thread.run_sync(exported.call, who, name, arguments)

    return server


async def serve_stdio(exported: ExportedTools, customer_id: str) -> None:
    """Serve on stdin/stdout for one customer (the token was checked before starting)."""
    server = build_server(exported, lambda _server: customer_id)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def http_app(exported: ExportedTools, engine: Engine, *, path: str = "/mcp") -> Starlette:
    """The streamable HTTP app: bearer tokens required, one customer per session."""
    owners: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()

    def customer(server: Server[Any, Any]) -> str | None:
        context = server.request_context
        user = context.request.scope.get("user") if context.request is not None else None
        if not isinstance(user, AuthenticatedUser) or not user.access_token.subject:
            return None
        who = user.access_token.subject
        first = owners.setdefault(context.session, who)
        return who if first == who else None

    manager = StreamableHTTPSessionManager(app=build_server(exported, customer))

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        await manager.handle_request(scope, receive, send)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with manager.run():
            yield

    return Starlette(
        routes=[Route(path, endpoint=RequireAuthMiddleware(handle, required_scopes=[]))],
        middleware=[
            Middleware(AuthenticationMiddleware, backend=BearerAuthBackend(IssuedTokens(engine))),
            Middleware(AuthContextMiddleware),
        ],
        lifespan=lifespan,
    )


def _epoch(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None
