"""`frontdesk mcp serve` driven by the official MCP client, over stdio and streamable HTTP."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.net import free_port, listening

FRONTDESK = str(Path(sys.executable).with_name("frontdesk"))


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    env.update(FRONTDESK_DEMO="1", FRONTDESK_DATA_DIR=str(data_dir), **extra)
    return env


def issue_token(data_dir: Path, customer: str) -> str:
    done = subprocess.run(
        [FRONTDESK, "mcp", "token", "issue", customer],
        env=environment(data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))


def order_status(data_dir: Path, order_id: str) -> str:
    with sqlite3.connect(data_dir / "frontdesk.sqlite") as db:
        return str(db.execute("SELECT status FROM retail_orders WHERE order_id = ?", (order_id,)).fetchone()[0])


def count_rows(data_dir: Path, table: str, where: str = "1=1") -> int:
    with sqlite3.connect(data_dir / "frontdesk.sqlite") as db:
        return int(db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])


def over_stdio(
    data_dir: Path, token: str, calls: list[tuple[str, dict[str, Any]]], **env: str
) -> tuple[list[types.Tool], list[types.CallToolResult]]:
    """List the tools and make ``calls`` in one stdio session of `frontdesk mcp serve`."""

    async def session() -> tuple[list[types.Tool], list[types.CallToolResult]]:
        params = StdioServerParameters(
            command=FRONTDESK, args=["mcp", "serve"], env=environment(data_dir, FRONTDESK_MCP_TOKEN=token, **env)
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            tools = (await client.list_tools()).tools
            return tools, [await client.call_tool(name, args) for name, args in calls]

    return anyio.run(session)


def test_stdio_lists_typed_tools_with_their_kind_and_acts_only_for_the_tokens_customer(tmp_path: Path) -> None:
    token = issue_token(tmp_path, "ava_chen_1001")
    tools, (own, others, argument_error) = over_stdio(
        tmp_path,
        token,
        [
            ("get_order_details", {"order_id": "#D1001"}),
            ("get_order_details", {"order_id": "#D2001"}),  # Ben's order
            ("get_order_details", {"order_id": 1001}),
        ],
    )
    by_name = {tool.name: tool for tool in tools}
    assert (
        "find_user_id_by_email" not in by_name and "transfer_to_human_agents" not in by_name
    )  # the token says who; no handoffs
    read, write = by_name["get_order_details"], by_name["cancel_pending_order"]
    assert (
        read.annotations is not None
        and read.annotations.readOnlyHint is True
        and read.annotations.destructiveHint is False
    )
    assert (
        write.annotations is not None
        and write.annotations.readOnlyHint is False
        and write.annotations.destructiveHint is True
    )
    assert (read.meta or {}).get("frontdesk/kind") == "READ" and (write.meta or {}).get("frontdesk/kind") == "WRITE"
    assert (
        "idempotency_key" in write.inputSchema["properties"] and "idempotency_key" not in read.inputSchema["properties"]
    )
    assert not own.isError and "#D1001" in text_of(own)
    assert (
        others.isError and text_of(others) == "Error: Order not found"
    )  # reads like a missing order: nothing of Ben's leaks
    assert argument_error.isError and "order_id" in text_of(argument_error)


def test_a_write_called_twice_with_one_key_is_applied_once(tmp_path: Path) -> None:
    token = issue_token(tmp_path, "ava_chen_1001")
    cancel = (
        "cancel_pending_order",
        {"order_id": "#D1001", "reason": "no longer needed", "idempotency_key": "ava-cancel-1"},
    )
    _tools, (first, again) = over_stdio(tmp_path, token, [cancel, cancel], FRONTDESK_APPROVAL_LIMIT="1000")
    assert not first.isError and "cancelled" in text_of(first)
    # A second real cancellation would fail ("non-pending order"); the repeat returns the first result instead.
    assert not again.isError and text_of(again) == text_of(first)
    assert order_status(tmp_path, "#D1001") == "cancelled"
    assert count_rows(tmp_path, "frontdesk_tool_runs", "thread_id = 'mcp:ava_chen_1001'") == 1
    assert count_rows(tmp_path, "frontdesk_refunds") == 1
    _tools, (fresh_key,) = over_stdio(
        tmp_path,
        token,
        [(cancel[0], {**cancel[1], "idempotency_key": "ava-cancel-2"})],
        FRONTDESK_APPROVAL_LIMIT="1000",
    )
    assert (
        fresh_key.isError and "pending" in text_of(fresh_key).lower()
    )  # a new key really acts again, and the order is no longer pending


def test_a_key_reused_for_other_arguments_or_another_tool_is_an_error_not_the_first_result(tmp_path: Path) -> None:
    token = issue_token(tmp_path, "ava_chen_1001")
    address = {
        "address1": "5 Elm Street",
        "address2": "",
        "city": "Springfield",
        "state": "IL",
        "country": "USA",
        "zip": "62701",
    }
    first = ("modify_pending_order_address", {"order_id": "#D1001", **address, "idempotency_key": "k-1"})
    other_arguments = (
        "modify_pending_order_address",
        {"order_id": "#D1001", **address, "address1": "9 Oak Road", "idempotency_key": "k-1"},
    )
    other_tool = (
        "cancel_pending_order",
        {"order_id": "#D1001", "reason": "no longer needed", "idempotency_key": "k-1"},
    )
    _tools, results = over_stdio(
        tmp_path, token, [first, other_arguments, other_tool, first], FRONTDESK_APPROVAL_LIMIT="1000"
    )
    done, moved, cancelled, repeated = results
    assert not done.isError and "5 Elm Street" in text_of(done)
    for refused in (moved, cancelled):
        assert (
            refused.isError
            and "'idempotency_key=k-1' was already used for another action (modify_pending_order_address"
            in text_of(refused)
        )
    assert not repeated.isError and text_of(repeated) == text_of(done)
    assert order_status(tmp_path, "#D1001") == "pending"
    assert count_rows(tmp_path, "frontdesk_tool_runs", "thread_id = 'mcp:ava_chen_1001'") == 1


def test_a_write_that_needs_an_operator_is_refused_with_the_reason(tmp_path: Path) -> None:
    token = issue_token(tmp_path, "ava_chen_1001")
    _tools, (refused,) = over_stdio(
        tmp_path,
        token,
        [("cancel_pending_order", {"order_id": "#D1001", "reason": "no longer needed", "idempotency_key": "k"})],
    )
    assert refused.isError and "approval" in text_of(refused) and "129" in text_of(refused)
    assert order_status(tmp_path, "#D1001") == "pending"


def test_stdio_without_a_valid_token_is_one_line(tmp_path: Path) -> None:
    issue_token(tmp_path, "ava_chen_1001")  # the database exists
    done = subprocess.run(
        [FRONTDESK, "mcp", "serve"],
        env=environment(tmp_path, FRONTDESK_MCP_TOKEN="fdmcp_forged"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.strip() == "error: the session token is unknown, expired or revoked"
    assert done.stdout == ""


@contextmanager
def http_server(data_dir: Path) -> Iterator[str]:
    port = free_port()
    with listening([FRONTDESK, "mcp", "serve", "--http", "--port", str(port)], port, env=environment(data_dir)):
        yield f"http://127.0.0.1:{port}/mcp"


def over_http(url: str, token: str, calls: list[tuple[str, dict[str, Any]]]) -> list[types.CallToolResult]:
    async def session() -> list[types.CallToolResult]:
        async with (
            httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http,
            streamable_http_client(url, http_client=http) as (read, write, _id),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            return [await client.call_tool(name, args) for name, args in calls]

    return anyio.run(session)


def rpc(method: str, params: dict[str, Any], ident: int) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC answer in a streamable HTTP response (plain JSON or one SSE event)."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
        return dict(json.loads(data[-1]))
    return dict(response.json())


def test_http_sessions_need_a_token_and_stay_with_their_customer(tmp_path: Path) -> None:
    ava, ben = issue_token(tmp_path, "ava_chen_1001"), issue_token(tmp_path, "ben_ortiz_1002")
    with http_server(tmp_path) as url:
        (own, others) = over_http(
            url, ava, [("get_order_details", {"order_id": "#D1002"}), ("get_order_details", {"order_id": "#D2002"})]
        )
        assert not own.isError and "#D1002" in text_of(own)
        assert others.isError and text_of(others) == "Error: Order not found"
        (bens,) = over_http(url, ben, [("get_order_details", {"order_id": "#D2002"})])
        assert not bens.isError and "#D2002" in text_of(bens)

        headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
        init = rpc(
            "initialize",
            {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
            1,
        )
        assert httpx.post(url, json=init, headers=headers).status_code == 401
        assert (
            httpx.post(url, json=init, headers={**headers, "Authorization": "Bearer fdmcp_forged"}).status_code == 401
        )

        started = httpx.post(url, json=init, headers={**headers, "Authorization": f"Bearer {ava}"})
        session = {**headers, "mcp-session-id": started.headers["mcp-session-id"], "mcp-protocol-version": "2025-06-18"}
        httpx.post(
            url,
            json={"jsonrpc": "2.0", "method": "notifications/initialized"},
            headers={**session, "Authorization": f"Bearer {ava}"},
        )
        call = rpc("tools/call", {"name": "get_order_details", "arguments": {"order_id": "#D1002"}}, 2)
        as_ava = answer_of(
            httpx.post(url, json=call, headers={**session, "Authorization": f"Bearer {ava}"}, timeout=30)
        )
        assert as_ava["result"]["isError"] is False
        hijack = rpc("tools/call", {"name": "get_order_details", "arguments": {"order_id": "#D2002"}}, 3)
        as_ben = answer_of(
            httpx.post(url, json=hijack, headers={**session, "Authorization": f"Bearer {ben}"}, timeout=30)
        )
        # Refused whoever notices first (the SDK binds a session to its principal; frontdesk checks the customer too).
        assert "error" in as_ben or as_ben["result"]["isError"] is True
        assert "delivered" not in json.dumps(as_ben) and "items" not in json.dumps(as_ben)


def test_a_revoked_token_is_refused(tmp_path: Path) -> None:
    token = issue_token(tmp_path, "ava_chen_1001")
    done = subprocess.run(
        [FRONTDESK, "mcp", "token", "revoke", token],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    with http_server(tmp_path) as url:
        headers = {"Accept": "application/json, text/event-stream", "Authorization": f"Bearer {token}"}
        assert httpx.post(url, json=rpc("tools/list", {}, 1), headers=headers).status_code == 401


@pytest.mark.parametrize("customer", ["nobody_0000"])
def test_a_token_is_only_issued_for_a_known_customer(tmp_path: Path, customer: str) -> None:
    done = subprocess.run(
        [FRONTDESK, "mcp", "token", "issue", customer],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        done.returncode == 2
        and done.stderr.strip() == f"error: no customer {customer!r} in the retail domain's database"
    )
