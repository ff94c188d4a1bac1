"""The HTTP server over real HTTP on 127.0.0.1: threads, SSE streaming, operator approval, auth."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.net import frontdesk_serve

SCRIPT = [
    {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
    {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]},
    "Your order #D1002 was delivered.",
    {"verdict": "pass"},
    {"tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]},
    "Order #D1001 is cancelled and refunded.",
    {"verdict": "pass"},
]


@contextmanager
def running_server(data_dir: Path, model: OpenAITestServer, **extra: str) -> Iterator[str]:
    """`frontdesk serve --demo` as a real process on a free 127.0.0.1 port; yields its base URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    env.update(
        FRONTDESK_DATA_DIR=str(data_dir),
        FRONTDESK_MODEL="m",
        OPENAI_BASE_URL=model.base_url,
        OPENAI_API_KEY="k",
        FRONTDESK_API_KEY="operator-key",
        **extra,
    )
    with frontdesk_serve(env) as served:
        yield served.base


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, OpenAITestServer]]:
    with OpenAITestServer(SCRIPT) as model, running_server(tmp_path_factory.mktemp("server"), model) as base:
        yield base, model


def sse(response: httpx.Response) -> list[tuple[str, dict]]:
    events, kind = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind:
            events.append((kind, json.loads(line[6:])))
    return events


def test_a_conversation_streams_over_sse_and_an_operator_approves_a_refund(server) -> None:
    base, model = server
    with httpx.Client(base_url=base, timeout=60) as client:
        created = client.post("/threads").json()
        headers = {"X-Customer-Token": created["customer_token"]}
        thread = created["thread_id"]
        with client.stream(
            "POST",
            f"/threads/{thread}/messages",
            json={"text": "I'm ava.chen@example.com — has #D1002 arrived?"},
            headers=headers,
        ) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            events = sse(response)
        kinds = [k for k, _ in events]
        assert "token" not in kinds and ("thinking", {"agent": "customer_service"}) in events, (
            "drafts are never streamed before grading"
        )
        assert ("tool", {"name": "get_order_details", "ok": True}) in events
        kind, done = events[-1]
        assert (
            kind == "done" and done["reply"] == "Your order #D1002 was delivered." and done["by"] == "customer_service"
        )
        assert len(done["run_id"]) == 32  # the reply's trace: what a rating names
        assert model.requests[0]["stream"] is True

        with client.stream(
            "POST", f"/threads/{thread}/messages", json={"text": "Cancel #D1001 please, yes."}, headers=headers
        ) as response:
            events = sse(response)
        [asked] = [data for kind, data in events if kind == "waiting"]
        assert (
            asked["type"] == "confirmation"
            and asked["question"]
            == "Please confirm: cancel order #D1001 (reason: no longer needed). Shall I go ahead? (yes/no)"
        )
        unclear = client.post(f"/threads/{thread}/messages", json={"text": "hmm, what will that do?"}, headers=headers)
        assert unclear.status_code == 409 and unclear.json()["detail"].startswith(
            'You wrote "hmm, what will that do?". I need a clear yes or no'
        )
        with client.stream("POST", f"/threads/{thread}/messages", json={"text": "yes"}, headers=headers) as response:
            events = sse(response)
        waiting = [data for kind, data in events if kind == "waiting"]
        assert waiting and waiting[0]["type"] == "approval" and waiting[0]["amount"] == 129.0
        blocked = client.post(f"/threads/{thread}/messages", json={"text": "hello?"}, headers=headers)
        assert blocked.status_code == 409

        operator = {"X-API-Key": "operator-key"}
        [item] = client.get("/inbox", headers=operator).json()
        assert item["id"] == waiting[0]["approval_id"] and item["details"]["tool"] == "cancel_pending_order"
        decided = client.post(f"/inbox/{item['id']}/approve", json={"operator": "maya"}, headers=operator)
        assert (
            decided.status_code == 200
            and decided.json()["messages"][-1]["content"] == "Order #D1001 is cancelled and refunded."
        )
        again = client.post(f"/inbox/{item['id']}/approve", json={}, headers=operator)
        assert again.status_code == 409 and "already approved by maya" in again.json()["detail"]

        state = client.get(f"/threads/{thread}", headers=headers).json()
        assert state["customer_id"] == "ava_chen_1001" and state["waiting_for"] == []
        assert state["messages"][-1]["content"] == "Order #D1001 is cancelled and refunded."
        assert len(client.get(f"/threads/{thread}/history", headers=headers).json()) > 5

        switch = {"customer_id": "ben_ortiz_1002", "reason": "verified by phone", "operator": "maya"}
        assert client.post(f"/threads/{thread}/customer", json=switch, headers=headers).status_code in {401, 403}
        assert (
            client.post(
                f"/threads/{thread}/customer", json={**switch, "customer_id": "nobody"}, headers=operator
            ).status_code
            == 409
        )
        moved = client.post(f"/threads/{thread}/customer", json=switch, headers=operator)
        assert moved.status_code == 200 and moved.json()["customer_id"] == "ben_ortiz_1002"
        assert client.get(f"/threads/{thread}", headers=headers).json()["customer_id"] == "ben_ortiz_1002"


def test_unauthorised_requests_are_refused(server) -> None:
    base, _model = server
    with httpx.Client(base_url=base, timeout=30) as client:
        mine = client.post("/threads").json()
        other = client.post("/threads").json()
        assert client.get(f"/threads/{mine['thread_id']}").status_code == 401
        wrong = client.get(f"/threads/{mine['thread_id']}", headers={"X-Customer-Token": other["customer_token"]})
        assert wrong.status_code == 403 and "does not give access" in wrong.json()["detail"]
        assert client.get("/inbox").status_code == 401
        assert client.get("/inbox", headers={"X-API-Key": "guess"}).status_code == 403
        assert client.post("/inbox/A-x/reject", json={}, headers={"X-API-Key": "operator-key"}).status_code == 422
        schema = client.get("/openapi.json").json()
        assert {"/threads", "/threads/{thread_id}/messages", "/inbox", "/inbox/{item_id}/approve"} <= set(
            schema["paths"]
        )


def test_a_signed_identity_is_refused_where_none_is_configured(server: tuple[str, OpenAITestServer]) -> None:
    """A server without FRONTDESK_IDENTITY_SECRET takes no identity from a page: 403 naming why, never a thread."""
    base, _model = server
    identity = {"customer_id": "ava_chen_1001", "expires_at": int(time.time()) + 60, "signature": "0" * 64}
    refused = httpx.post(f"{base}/threads", json={"identity": identity})
    assert refused.status_code == 403 and "FRONTDESK_IDENTITY_SECRET" in refused.json()["detail"]
    assert httpx.post(f"{base}/threads", json={}).status_code == 201  # without one: a thread as before
