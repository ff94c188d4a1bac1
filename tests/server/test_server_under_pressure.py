"""The HTTP server when customers and models misbehave: concurrent posts to one thread,
drafts the grader rejects, failures mid-turn. Real server, real HTTP on 127.0.0.1."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import httpx

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.server.test_server import running_server, sse

POSTS = 12


def new_thread(base: str) -> tuple[str, dict[str, str]]:
    created = httpx.post(f"{base}/threads").json()
    return created["thread_id"], {"X-Customer-Token": created["customer_token"]}


def test_concurrent_posts_to_one_thread_are_each_stored_or_refused_never_lost(tmp_path: Path) -> None:
    script = [step for n in range(POSTS) for step in (f"Answer {n}.", {"verdict": "pass"})]
    with OpenAITestServer(script, delay_s=0.3) as model, running_server(tmp_path, model) as base:
        thread, headers = new_thread(base)
        outcomes: dict[str, str] = {}

        def post(n: int) -> None:
            text = f"question {n}"
            with httpx.stream(
                "POST", f"{base}/threads/{thread}/messages", json={"text": text}, headers=headers, timeout=120
            ) as response:
                if response.status_code == 409:
                    response.read()
                    outcomes[text] = "refused"
                    return
                events = sse(response)
                outcomes[text] = "done" if events and events[-1][0] == "done" else f"other: {events[-1:]}"

        workers = [threading.Thread(target=post, args=(n,)) for n in range(POSTS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=180)
        stored = [
            m["content"]
            for m in httpx.get(f"{base}/threads/{thread}", headers=headers).json()["messages"]
            if m["role"] == "human"
        ]
    accepted = sorted(text for text, outcome in outcomes.items() if outcome == "done")
    assert len(outcomes) == POSTS and set(outcomes.values()) <= {"done", "refused"}, outcomes
    assert sorted(stored) == accepted, "every accepted message is stored, and nothing refused is"
    assert len(stored) == len(set(stored)) and accepted


def test_a_draft_the_grader_rejects_never_reaches_the_customer(tmp_path: Path) -> None:
    script = [
        "Good news: use code FREE100 for 100% off your next order!",
        {"verdict": "fail", "reasons": ["Invents a discount code"]},
        "Your order #D1002 was delivered on Monday.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as model, running_server(tmp_path, model) as base:
        thread, headers = new_thread(base)
        with httpx.stream(
            "POST", f"{base}/threads/{thread}/messages", json={"text": "Where is #D1002?"}, headers=headers, timeout=60
        ) as response:
            raw = response.read().decode()
        state = httpx.get(f"{base}/threads/{thread}", headers=headers).json()
    assert "FREE100" not in raw and "Your order #D1002 was delivered on Monday." in raw
    assert "FREE100" not in str(state["messages"])


def test_a_model_down_mid_turn_gives_the_fallback_reply_never_internals(tmp_path: Path) -> None:
    from frontdesk.config.gateway import DEFAULT_FALLBACK_REPLY

    with OpenAITestServer([]) as model, running_server(tmp_path, model, FRONTDESK_MAX_RETRIES="1") as base:
        thread, headers = new_thread(base)
        with httpx.stream(
            "POST", f"{base}/threads/{thread}/messages", json={"text": "hello"}, headers=headers, timeout=120
        ) as response:
            events = sse(response)
    assert events[-1][0] == "done" and {**events[-1][1], "run_id": None} == {
        "reply": DEFAULT_FALLBACK_REPLY,
        "by": "customer_service",
        "run_id": None,
    }
    assert ("waiting", "handoff") in [(kind, data.get("type")) for kind, data in events]
    assert not any("500" in str(data) or "openai" in str(data).lower() for _kind, data in events)


def test_a_failure_inside_the_turn_is_a_stable_code_and_a_sentence_never_internals(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from langchain_core.language_models import BaseChatModel

    from frontdesk.config.settings import Settings
    from frontdesk.server.app import create_app

    class Broken(BaseChatModel):
        """A model integration with a bug (not an endpoint failure: nothing to fall back on)."""

        @property
        def _llm_type(self) -> str:
            return "broken"

        def _generate(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("KeyError in secret_internal_module at line 42")

        def bind_tools(self, tools: object, **kwargs: object) -> object:
            return self

    settings = Settings(data_dir=tmp_path, demo=True)
    with TestClient(create_app(settings, model=Broken())) as client:
        created = client.post("/threads").json()
        headers = {"X-Customer-Token": created["customer_token"]}
        with client.stream(
            "POST", f"/threads/{created['thread_id']}/messages", json={"text": "hello"}, headers=headers
        ) as response:
            events = sse(response)
    kind, data = events[-1]
    assert kind == "error" and data["code"] == "turn_failed"
    assert "secret_internal" not in data["message"] and "Error" not in data["message"]


def test_concurrent_turns_each_get_their_own_trace_and_a_client_that_leaves_does_not_stop_a_turn(
    tmp_path: Path,
) -> None:
    import duckdb

    conversations = 40
    with (
        OpenAITestServer(["Noted."] * (conversations + 1), delay_s=0.5) as model,
        running_server(tmp_path, model, FRONTDESK_GRADE_REPLIES="0") as base,
    ):
        threads = [new_thread(base) for _ in range(conversations + 1)]
        done: list[str] = []

        def post(thread: str, headers: dict[str, str]) -> None:
            with httpx.stream(
                "POST", f"{base}/threads/{thread}/messages", json={"text": "hello"}, headers=headers, timeout=120
            ) as response:
                done.append(sse(response)[-1][0])

        workers = [threading.Thread(target=post, args=pair) for pair in threads[:conversations]]
        for worker in workers:
            worker.start()
        leaving_thread, leaving_headers = threads[-1]
        with httpx.stream(
            "POST",
            f"{base}/threads/{leaving_thread}/messages",
            json={"text": "bye"},
            headers=leaving_headers,
            timeout=120,
        ):
            pass  # the customer closes the app before the reply
        for worker in workers:
            worker.join()
        stored = httpx.get(f"{base}/threads/{leaving_thread}", headers=leaving_headers).json()["messages"]
        for _ in range(50):
            if [m["role"] for m in stored] == ["human", "ai"]:
                break
            threading.Event().wait(0.2)
            stored = httpx.get(f"{base}/threads/{leaving_thread}", headers=leaving_headers).json()["messages"]
    assert done == ["done"] * conversations
    assert [m["role"] for m in stored] == ["human", "ai"], "the turn of a client that left ran to its end"
    with duckdb.connect(str(tmp_path / "traces.duckdb"), read_only=True) as db:
        roots = db.execute(
            "SELECT count(*), count(DISTINCT trace_id), count(*) FILTER (WHERE parent_span_id IS NULL) FROM spans "
            "WHERE name = 'frontdesk.turn'"
        ).fetchone()
        nested = db.execute(
            "SELECT count(*) FROM spans AS child JOIN spans AS parent ON child.parent_span_id = parent.span_id "
            "WHERE child.name = 'frontdesk.turn' OR (parent.name = 'frontdesk.turn' AND parent.thread_id <> "
            "child.thread_id)"
        ).fetchone()
    assert roots == (conversations + 1,) * 3, "one root span and one trace per turn"
    assert nested == (0,), "no turn inside another's trace"


def server_threads(base: str) -> int:
    """Threads of the ``frontdesk serve`` process listening at ``base`` (from /proc)."""
    port = base.rsplit(":", 1)[1].encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
            status = (cmdline.parent / "status").read_text()
        except OSError:
            continue
        if b"serve" in args and port in args and (found := re.search(r"^Threads:\s+(\d+)", status, re.MULTILINE)):
            return int(found.group(1))
    raise AssertionError(f"no serve process on port {port!r}")


def test_conversations_waiting_on_the_model_hold_no_thread_each(tmp_path: Path) -> None:
    """A server with many conversations waiting on a slow model must not run a thread per conversation."""
    conversations = 120
    with (
        OpenAITestServer(["Noted."] * conversations, delay_s=3.0) as model,
        running_server(tmp_path, model, FRONTDESK_GRADE_REPLIES="0") as base,
    ):
        threads = [new_thread(base) for _ in range(conversations)]
        idle = server_threads(base)
        done: list[str] = []

        def post(thread: str, headers: dict[str, str]) -> None:
            with httpx.stream(
                "POST", f"{base}/threads/{thread}/messages", json={"text": "hello"}, headers=headers, timeout=120
            ) as response:
                done.append(sse(response)[-1][0])

        workers = [threading.Thread(target=post, args=pair) for pair in threads]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 60
        while len(model.requests) < conversations and time.monotonic() < deadline:
            time.sleep(0.05)
        waiting = len(model.requests)
        busiest = server_threads(base)
        for worker in workers:
            worker.join()
    assert waiting == conversations, "every conversation reached the model while the others were still waiting"
    assert done == ["done"] * conversations
    assert busiest - idle < conversations // 2, (
        f"{busiest - idle} more threads with {conversations} conversations waiting on the model"
    )
