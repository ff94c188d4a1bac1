"""Servers that share only a Postgres database still run one turn of a thread at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from frontdesk.persistence.thread_locks import ThreadBusy, ThreadLocks


def test_two_servers_on_one_database_take_turns_on_a_thread(postgres_url: str) -> None:
    first, second = ThreadLocks(postgres_url=postgres_url), ThreadLocks(postgres_url=postgres_url)  # no shared data dir
    with first.hold("t-shared"):
        started = time.monotonic()
        with pytest.raises(ThreadBusy, match="on another server"), second.hold("t-shared", wait_s=0.3):
            pass
        assert time.monotonic() - started >= 0.3
        with second.hold("t-other"):
            pass  # another thread is not held up
    with second.hold("t-shared", wait_s=0.3):
        pass


def test_more_turns_in_flight_than_the_database_takes_connections(postgres_url: str) -> None:
    from contextlib import ExitStack

    locks, other = ThreadLocks(postgres_url=postgres_url), ThreadLocks(postgres_url=postgres_url)
    with ExitStack() as held:
        for n in range(150):  # Postgres takes 100 connections by default: one per lock would fail here
            held.enter_context(locks.hold(f"t-{n}"))
        with pytest.raises(ThreadBusy), other.hold("t-77", wait_s=0.2):
            pass
    with other.hold("t-77"):
        pass  # released with the block


def test_a_killed_servers_lock_is_released_with_its_connection(postgres_url: str) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from frontdesk.persistence.thread_locks import ThreadLocks\n"
            f"with ThreadLocks(postgres_url={postgres_url!r}).hold('t-crash'):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    locks = ThreadLocks(postgres_url=postgres_url)
    with pytest.raises(ThreadBusy), locks.hold("t-crash", wait_s=0.2):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    with locks.hold("t-crash", wait_s=10):
        pass


def test_two_serve_processes_with_their_own_data_dirs_never_run_one_thread_twice(postgres_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading

    import httpx

    from frontdesk.llm.openai_test_server import OpenAITestServer
    from tests.server.test_server import running_server, sse

    shared = {"FRONTDESK_DATABASE_URL": postgres_url, "FRONTDESK_SECRET": "one-secret-for-both"}
    script = [step for n in range(2) for step in (f"Answer {n}.", {"verdict": "pass"})]
    # Each model call takes 3 s, so a turn outlasts the 2 s a second message waits for the lock
    # however loaded the machine is: one of the two messages must be refused.
    with (
        OpenAITestServer(script, delay_s=3.0) as model,
        running_server(tmp_path / "a", model, **shared) as first,
        running_server(tmp_path / "b", model, **shared) as second,
    ):
        created = httpx.post(f"{first}/threads").json()
        thread, headers = created["thread_id"], {"X-Customer-Token": created["customer_token"]}
        outcomes: dict[str, str] = {}

        def post(base: str, text: str) -> None:
            with httpx.stream(
                "POST", f"{base}/threads/{thread}/messages", json={"text": text}, headers=headers, timeout=120
            ) as response:
                if response.status_code == 409:
                    response.read()
                    outcomes[text] = "refused"
                else:
                    outcomes[text] = sse(response)[-1][0]

        workers = [
            threading.Thread(target=post, args=(base, text)) for base, text in ((first, "via a"), (second, "via b"))
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        stored = [
            m["content"]
            for m in httpx.get(f"{second}/threads/{thread}", headers=headers).json()["messages"]
            if m["role"] == "human"
        ]
    assert sorted(outcomes.values()) == ["done", "refused"], outcomes
    assert stored == [text for text, outcome in outcomes.items() if outcome == "done"], (
        "the refused message is not stored, the taken one is"
    )
