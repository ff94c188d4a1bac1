"""`frontdesk serve --workers 2` on one Postgres: both processes answer, a thread's turns never interleave."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import httpx

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.net import free_port, listening
from tests.server.test_server import sse


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_two_workers_share_the_port_and_one_thread_runs_one_turn_at_a_time(postgres_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "FRONTDESK_", "OTEL_"))}
    with OpenAITestServer([f"Answer {n}." for n in range(8)], delay_s=3.0) as model:
        env.update(
            FRONTDESK_DATA_DIR=str(tmp_path),
            FRONTDESK_DATABASE_URL=postgres_url,
            FRONTDESK_MODEL="m",
            OPENAI_BASE_URL=model.base_url,
            OPENAI_API_KEY="k",
            FRONTDESK_GRADE_REPLIES="0",
        )
        command = [sys.executable, "-m", "frontdesk.cli.app", "serve", "--demo", "--workers", "2", "--port", str(port)]
        with listening(command, port, env=env, text=True) as server:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while len(children(server.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(children(server.pid)) >= 2, "two worker processes"
            threads = [httpx.post(f"{base}/threads").json() for _ in range(2)]
            outcomes: dict[str, str] = {}

            def post(thread: dict[str, str], text: str) -> None:
                headers = {"X-Customer-Token": thread["customer_token"]}
                url = f"{base}/threads/{thread['thread_id']}/messages"
                with httpx.stream("POST", url, json={"text": text}, headers=headers, timeout=120) as response:
                    if response.status_code == 409:
                        response.read()
                        outcomes[text] = "refused"
                    else:
                        outcomes[text] = sse(response)[-1][0]

            started = time.monotonic()
            posts = [threading.Thread(target=post, args=(threads[0], text)) for text in ("first", "second")]
            posts.append(threading.Thread(target=post, args=(threads[1], "other thread")))
            for worker in posts:
                worker.start()
            for worker in posts:
                worker.join()
            took = time.monotonic() - started
            stored = {}
            for thread in threads:
                reply = httpx.get(
                    f"{base}/threads/{thread['thread_id']}", headers={"X-Customer-Token": thread["customer_token"]}
                ).json()
                stored[thread["thread_id"]] = [m["content"] for m in reply["messages"] if m["role"] == "human"]
    assert sorted(outcomes[text] for text in ("first", "second")) == ["done", "refused"], outcomes
    taken = next(text for text in ("first", "second") if outcomes[text] == "done")
    assert stored[threads[0]["thread_id"]] == [taken], "one turn ran on the thread, the refused message is not stored"
    assert outcomes["other thread"] == "done" and stored[threads[1]["thread_id"]] == ["other thread"]
    assert took < 9, f"the two threads' turns ran side by side ({took:.1f} s for two 3 s model calls)"
