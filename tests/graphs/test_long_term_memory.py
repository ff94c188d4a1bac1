"""Long-term memory where people use frontdesk: a fact remembered in one thread reaches the
prompt of the next, through `frontdesk chat` in a terminal and through the HTTP server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pexpect

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.cli.test_chat_terminal import chat_env
from tests.server.test_server import running_server, sse

REMEMBERED = "preferred_contact: email"


def prompt_text(body: dict) -> str:
    return "\n".join(str(m.get("content") or "") for m in body.get("messages", []))


def tool_results(body: dict) -> list[str]:
    return [str(m.get("content")) for m in body.get("messages", []) if m.get("role") == "tool"]


def test_a_fact_remembered_in_one_chat_is_recalled_in_the_next(tmp_path: Path) -> None:
    first = [
        {"tool_calls": [{"name": "remember_customer_fact", "args": {"kind": "preferred_contact", "value": "email"}}]},
        "Noted: we'll write to you by email.",
        {"verdict": "pass"},
    ]
    second = ["Hello again, Ava — we'll keep to email.", {"verdict": "pass"}]
    env = chat_env(tmp_path)
    for thread, script, message in (
        ("mem-1", first, "Please contact me by email from now on."),
        ("mem-2", second, "Hi, it's me again."),
    ):
        with OpenAITestServer(script) as model:
            chat = pexpect.spawn(
                sys.executable,
                ["-m", "frontdesk.cli.app", "chat", "--customer", "ava.chen@example.com", "--thread", thread],
                env={**env, "OPENAI_BASE_URL": model.base_url},
                encoding="utf-8",
                timeout=60,
                dimensions=(40, 160),
            )
            try:
                chat.expect("authenticated as ava_chen_1001")
                chat.expect("you")
                chat.sendline(message)
                chat.expect("customer_service")
                chat.expect("you")
                chat.sendline("/quit")
                chat.expect(pexpect.EOF)
            finally:
                chat.close(force=True)
            requests = list(model.requests)
        if thread == "mem-1":
            assert any("Remembered preferred_contact: email" in r for body in requests for r in tool_results(body)), (
                requests
            )
        else:
            assert REMEMBERED in prompt_text(requests[0]), "the new thread's first prompt carries what was remembered"


def test_a_fact_remembered_over_http_is_recalled_in_a_new_thread(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
        {"tool_calls": [{"name": "remember_customer_fact", "args": {"kind": "preferred_contact", "value": "email"}}]},
        "Noted: email it is.",
        {"verdict": "pass"},
        {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
        "Welcome back, Ava.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as model, running_server(tmp_path, model) as base:
        for text in ("I'm ava.chen@example.com; email me from now on.", "I'm ava.chen@example.com again."):
            thread = httpx.post(f"{base}/threads").json()
            headers = {"X-Customer-Token": thread["customer_token"]}
            with httpx.stream(
                "POST",
                f"{base}/threads/{thread['thread_id']}/messages",
                json={"text": text},
                headers=headers,
                timeout=60,
            ) as response:
                events = sse(response)
            assert events[-1][0] == "done", events
        bodies = list(model.requests)
    remembered = [r for body in bodies for r in tool_results(body) if r.startswith("Remembered")]
    assert remembered == ["Remembered preferred_contact: email"], json.dumps(bodies)[-2000:]
    second_thread_after_login = bodies[5]
    assert REMEMBERED in prompt_text(second_thread_after_login)
