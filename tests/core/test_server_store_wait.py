"""A conversation waiting on the long-term store must not stall the server's other conversations.

The server runs every turn on one event loop; the agent reads what the store remembers about
an authenticated customer before each model call. A store that waits (a Postgres lock held
by a migration, a slow disk) must hold only that conversation.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import psycopg

from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.core.test_server import running_server, sse
from tests.core.test_server_under_pressure import new_thread

SCRIPT = [
    {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]},
    "Welcome back, Ava.",
    "Hello, how can I help?",
    "You're welcome.",
]


def waiting_on_a_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").fetchone()
    return bool(row and row[0])


def post(base: str, thread: str, headers: dict[str, str], text: str, timeout: float) -> str:
    with httpx.stream("POST", f"{base}/threads/{thread}/messages", json={"text": text}, headers=headers, timeout=timeout) as response:
        return str(sse(response)[-1][1].get("reply", ""))


def test_a_turn_waiting_on_a_locked_store_leaves_other_conversations_running(postgres_url: str, tmp_path: Path) -> None:
    with OpenAITestServer(SCRIPT) as model, running_server(tmp_path, model, FRONTDESK_DATABASE_URL=postgres_url, FRONTDESK_GRADE_REPLIES="0") as base:
        ava, ava_headers = new_thread(base)
        other, other_headers = new_thread(base)
        assert post(base, ava, ava_headers, "I'm ava.chen@example.com", 60) == "Welcome back, Ava."
        locker = psycopg.connect(postgres_url)
        watcher = psycopg.connect(postgres_url, autocommit=True)
        released = threading.Event()
        try:
            locker.execute("LOCK TABLE store IN ACCESS EXCLUSIVE MODE")  # held until rollback
            ava_turn: list[str] = []
            waiting = threading.Thread(target=lambda: ava_turn.append(post(base, ava, ava_headers, "thanks", 120)))
            waiting.start()
            deadline = time.monotonic() + 30
            while not waiting_on_a_lock(watcher) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert waiting_on_a_lock(watcher), "Ava's turn reads the store (and waits for the lock)"
            # a safety valve: without it a stalled server would hang this test until its timeout
            valve = threading.Timer(20, lambda: (released.set(), locker.rollback()))
            valve.start()
            started = time.monotonic()
            try:
                reply = post(base, other, other_headers, "hello", 60)
            except httpx.HTTPError as exc:
                reply = f"failed: {exc!r}"
            answered_in = time.monotonic() - started
            assert not released.is_set(), f"the other conversation was answered only once the store's lock was released ({answered_in:.1f} s)"
            assert reply == "Hello, how can I help?"
            valve.cancel()
            assert not ava_turn, "Ava's turn still waits for the store"
            locker.rollback()
            waiting.join(60)
            assert ava_turn == ["You're welcome."], "Ava's turn finishes once the lock is gone"
        finally:
            if not released.is_set():
                locker.rollback()
            locker.close()
            watcher.close()
