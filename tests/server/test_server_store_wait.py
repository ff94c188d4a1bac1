"""A long-term store that waits holds neither the server's other conversations nor the reply.

The server runs every turn on one event loop; the agent reads what the store remembers about
an authenticated customer before each model call. A store that waits (a Postgres lock held
by a migration, a slow disk) must not stall the loop, and the customer is answered without
the memory after a short wait (``frontdesk.graphs.memory_read``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from frontdesk.graphs.memory_read import MAX_WAITING_READS, remembered
from frontdesk.llm.openai_test_server import OpenAITestServer
from frontdesk.memory.customer_memory import remember
from frontdesk.persistence.store import open_store
from frontdesk.runtime import RunContext
from tests.server.test_server import running_server, sse
from tests.server.test_server_under_pressure import new_thread

WAITING = 8
"""Turns waiting on the locked store at once: more than the loop's default executor has threads (6 on 2 cores)."""
LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
SCRIPT = [step for _ in range(WAITING) for step in (LOGIN, "Welcome back, Ava.")] + ["Fine."] * (WAITING + 1)


def waiting_on_a_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
    ).fetchone()
    return bool(row and row[0])


def post(base: str, thread: str, headers: dict[str, str], text: str, timeout: float) -> str:
    with httpx.stream(
        "POST", f"{base}/threads/{thread}/messages", json={"text": text}, headers=headers, timeout=timeout
    ) as response:
        return str(sse(response)[-1][1].get("reply", ""))


def test_a_locked_store_holds_neither_the_other_conversations_nor_the_customers_reply(
    postgres_url: str, tmp_path: Path
) -> None:
    with (
        OpenAITestServer(SCRIPT) as model,
        running_server(tmp_path, model, FRONTDESK_DATABASE_URL=postgres_url, FRONTDESK_GRADE_REPLIES="0") as base,
    ):
        customers = [new_thread(base) for _ in range(WAITING)]
        other, other_headers = new_thread(base)
        for thread, headers in customers:
            assert post(base, thread, headers, "I'm ava.chen@example.com", 60) == "Welcome back, Ava."
        locker = psycopg.connect(postgres_url)
        watcher = psycopg.connect(postgres_url, autocommit=True)
        released = threading.Event()
        # a safety valve: without it a stalled server would hang this test until its timeouts
        valve = threading.Timer(40, lambda: (released.set(), locker.rollback()))
        try:
            locker.execute("LOCK TABLE store IN ACCESS EXCLUSIVE MODE")  # held until rollback
            valve.start()
            replies: list[str] = []
            waiting = [
                threading.Thread(target=lambda t=thread, h=headers: replies.append(post(base, t, h, "thanks", 120)))
                for thread, headers in customers
            ]
            for worker in waiting:
                worker.start()
            deadline = time.monotonic() + 20
            while not waiting_on_a_lock(watcher) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert waiting_on_a_lock(watcher), (
                "the customers' turns read their memory from the store (and wait for the lock)"
            )
            time.sleep(1)  # every turn reaches the store
            try:
                reply = post(base, other, other_headers, "hello", 60)
            except httpx.HTTPError as exc:
                reply = f"failed: {exc!r}"
            assert not released.is_set(), "the other conversation was answered only once the store's lock was released"
            assert reply == "Fine."
            for worker in waiting:
                worker.join(60)
            assert not released.is_set(), "the customers were answered only once the store's lock was released"
            assert replies == ["Fine."] * WAITING, (
                "every customer answered (without their memory) while the store is locked"
            )
        finally:
            valve.cancel()
            if not released.is_set():
                locker.rollback()
            locker.close()
            watcher.close()


def test_a_store_locked_for_long_keeps_a_bounded_number_of_threads_waiting_and_memory_returns(
    postgres_url: str,
) -> None:
    with open_store(postgres_url) as store:
        context = RunContext(store=store)
        remember(store, "ava", "preferred_contact", "email")
        state: Any = {"customer_id": "ava"}
        assert [e.value for e in remembered(state, context)] == ["email"]
        turns = MAX_WAITING_READS * 3
        locker = psycopg.connect(postgres_url)
        try:
            locker.execute("LOCK TABLE store IN ACCESS EXCLUSIVE MODE")
            before = threading.active_count()
            outcomes = [remembered(state, context, wait_s=0.05) for _ in range(turns)]
            grown = threading.active_count() - before
        finally:
            locker.rollback()
            locker.close()
        assert outcomes == [[]] * turns, "every turn went on without the memory"
        assert grown <= MAX_WAITING_READS, f"{grown} threads left waiting on the store for {turns} turns"
        deadline = time.monotonic() + 30
        known = remembered(state, context)
        while not known and time.monotonic() < deadline:  # the reads left waiting finish once the lock goes
            time.sleep(0.05)
            known = remembered(state, context)
        assert [e.value for e in known] == ["email"], "the memory is back once the store answers"
