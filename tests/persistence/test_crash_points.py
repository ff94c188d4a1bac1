"""`frontdesk chat` and `frontdesk serve` SIGKILLed at four points of a confirmed cancellation.

The points: during a model call, inside the write's transaction, after its commit (before
the graph's checkpoint), and after the checkpoint. Each time the customer comes back the
way a user would — `chat --thread` again, or the next HTTP message to a restarted server —
and the order is cancelled exactly once, no customer message is lost, and every tool call
in the thread has its result.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pexpect
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from sqlmodel import Session, select

from frontdesk.app import open_app
from frontdesk.config.settings import Settings
from frontdesk.domains.retail.models import Order
from frontdesk.llm.factory import NoModel
from frontdesk.llm.openai_test_server import Delayed, OpenAITestServer
from frontdesk.persistence.tool_runs import ToolRun
from tests.net import free_port, logged
from tests.server.test_server import sse

ASK = "I'm ava.chen@example.com. Please cancel #D1001, I no longer need it."
LOGIN = {
    "tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}, "id": "call-login"}]
}
CANCEL = {
    "tool_calls": [
        {
            "name": "cancel_pending_order",
            "args": {"order_id": "#D1001", "reason": "no longer needed"},
            "id": "call-cancel",
        }
    ]
}
DONE, PASS = "Order #D1001 is cancelled.", {"verdict": "pass"}
WELCOME = "You're welcome!"
POINTS = ["model_call", "write.in_transaction", "write.committed", "checkpointed"]
HANG = 120.0


def first_script(point: str) -> list[Any]:
    """The model before the kill: it hangs in the first call, or in the call after the write."""
    if point == "model_call":
        return [Delayed(LOGIN, HANG)]
    if point == "checkpointed":
        return [LOGIN, CANCEL, Delayed(DONE, HANG)]
    return [LOGIN, CANCEL, DONE, PASS]


def second_script(point: str) -> list[Any]:
    """The model after the restart: killed before the write, the turn is redone (and confirmed again)."""
    redo = [LOGIN, CANCEL] if point == "model_call" else []
    return [*redo, DONE, PASS, WELCOME, PASS]


def environment(data_dir: Path, model: OpenAITestServer, point: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    env.update(
        FRONTDESK_DEMO="1",
        FRONTDESK_DATA_DIR=str(data_dir),
        FRONTDESK_MODEL="m",
        OPENAI_BASE_URL=model.base_url,
        OPENAI_API_KEY="k",
        FRONTDESK_API_KEY="operator-key",
        # 129.00 is under the limit, and twice it is not: a resumed turn must not count its own committed refund again
        FRONTDESK_APPROVAL_LIMIT="200",
        FRONTDESK_REQUEST_TIMEOUT="300",
        NO_COLOR="1",
        TERM="xterm",
    )
    if point and point.startswith("write."):
        env.update(FRONTDESK_FAILPOINTS=point, FRONTDESK_FAILPOINT_DIR=str(data_dir))
    return env


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def reached(point: str, data_dir: Path, model: OpenAITestServer) -> Callable[[], bool]:
    """True once the process stands at ``point`` (a failpoint's mark, or the hanging model call)."""
    if point.startswith("write."):
        return lambda: (data_dir / f"{point}.hit").exists()
    calls = 1 if point == "model_call" else 3
    return lambda: len(model.requests) >= calls


def check_thread(data_dir: Path, thread_id: str, said: list[str]) -> None:
    """Cancelled once, every customer message stored once, every tool call answered."""
    settings = Settings(data_dir=data_dir, demo=True)
    with open_app(settings, model=NoModel(), streaming=False) as opened:
        messages = opened.graph.get_state({"configurable": {"thread_id": thread_id}}).values["messages"]
        with Session(opened.engine) as session:
            order = session.exec(select(Order).where(Order.order_id == "#D1001")).one()
            runs = session.exec(
                select(ToolRun).where(ToolRun.thread_id == thread_id, ToolRun.tool == "cancel_pending_order")
            ).all()
    refunds = [p for p in order.payment_history if p["transaction_type"] == "refund"]
    assert order.status == "cancelled" and len(refunds) == 1 and len(runs) == 1
    customer = [str(m.content) for m in messages if isinstance(m, HumanMessage)]
    assert all(customer.count(text) == 1 for text in said), customer
    called = [c["id"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls]
    answered = [m.tool_call_id for m in messages if isinstance(m, ToolMessage)]
    assert sorted(called) == sorted(answered), (called, answered)
    assert str(messages[-1].content) == WELCOME


@pytest.mark.parametrize("point", POINTS)
def test_chat_killed_at_each_point_and_reopened(point: str, tmp_path: Path) -> None:
    command = ["-m", "frontdesk.cli.app", "chat", "--thread", "k"]
    with OpenAITestServer(first_script(point)) as model:
        chat = pexpect.spawn(
            sys.executable,
            command,
            env=environment(tmp_path, model, point),
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 200),
        )
        try:
            chat.expect("you")
            chat.sendline(ASK)
            if point != "model_call":
                chat.expect("Shall I go ahead")
                chat.expect("you")
                chat.sendline("yes")
            wait_for(reached(point, tmp_path, model), point)
            os.kill(chat.pid, signal.SIGKILL)
        finally:
            chat.close(force=True)
    with OpenAITestServer(second_script(point)) as model:
        back = pexpect.spawn(
            sys.executable,
            command,
            env=environment(tmp_path, model),
            encoding="utf-8",
            timeout=60,
            dimensions=(40, 200),
        )
        try:
            back.expect("you")
            if point == "model_call":  # the turn is redone first, and the write asks again
                back.sendline("hello?")
                back.expect("Shall I go ahead")
                back.expect("your message was not sent")
                back.expect("you")
                back.sendline("yes")
                back.expect(DONE)
                back.expect("you")
                back.sendline("thanks")
            else:  # the killed turn finishes first, then the new message is answered
                back.sendline("thanks")
                back.expect(DONE)
            back.expect(WELCOME)
            back.expect("you")
            back.sendline("/quit")
            back.expect(pexpect.EOF)
        finally:
            back.close(force=True)
        assert model.remaining == 0
    check_thread(tmp_path, "k", [ASK, "thanks"])


def start_server(data_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    # a file: a pipe nobody reads fills with request lines; it lives as long as the process
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "frontdesk.cli.app", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(logged(log))
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, "the server to start")
    return process, base


def post(base: str, thread: str, token: str, text: str) -> list[tuple[str, dict[str, Any]]]:
    with httpx.stream(
        "POST",
        f"{base}/threads/{thread}/messages",
        json={"text": text},
        headers={"X-Customer-Token": token},
        timeout=120,
    ) as response:
        assert response.status_code == 200, response.read()
        return sse(response)


def post_in_background(base: str, thread: str, token: str, text: str) -> None:
    def send() -> None:
        with contextlib.suppress(httpx.HTTPError, AssertionError):  # the server is killed mid-answer: that is the point
            post(base, thread, token, text)

    threading.Thread(target=send, daemon=True).start()


@pytest.mark.parametrize("point", POINTS)
def test_serve_killed_at_each_point_and_the_next_message_finishes_the_turn(point: str, tmp_path: Path) -> None:
    with OpenAITestServer(first_script(point)) as model:
        process, base = start_server(tmp_path, environment(tmp_path, model, point))
        try:
            created = httpx.post(f"{base}/threads").json()
            thread, token = created["thread_id"], created["customer_token"]
            if point == "model_call":
                post_in_background(base, thread, token, ASK)
            else:
                asked = [data for kind, data in post(base, thread, token, ASK) if kind == "waiting"]
                assert asked and asked[0]["type"] == "confirmation"
                post_in_background(base, thread, token, "yes")
            wait_for(reached(point, tmp_path, model), point)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    with OpenAITestServer(second_script(point)) as model:
        process, base = start_server(tmp_path, environment(tmp_path, model))
        try:
            said = [ASK, "thanks"]
            if point == "model_call":
                events = post(base, thread, token, "hello?")
                assert [d["type"] for k, d in events if k == "waiting"] == ["confirmation"]
                assert ("error", "not_taken") in [(k, d.get("code")) for k, d in events]
                post(base, thread, token, "yes")
            events = post(base, thread, token, "thanks")
            assert (
                events[-1][0] == "done"
                and events[-1][1]["reply"] == WELCOME
                and events[-1][1]["by"] == "customer_service"
            ), json.dumps(events)
        finally:
            process.terminate()
            process.wait(timeout=30)
        assert model.remaining == 0
    check_thread(tmp_path, thread, said)
