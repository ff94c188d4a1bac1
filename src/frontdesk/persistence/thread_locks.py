"""One turn at a time per thread, in this process and across processes sharing a data dir.

Two turns of one thread running at once both read the same checkpoint and the second
write wins: a customer's message is silently lost. Every entry point (chat, the server,
the inbox) takes the thread's lock for the whole turn. A second caller waits up to
``wait_s`` and then gets :class:`ThreadBusy` (the server answers 409): refused, never
dropped. Across processes on one machine the lock is a file in the data dir
(``filelock``); processes or machines sharing a Postgres database also take a session
advisory lock there, so two servers with their own data dirs still run one turn of a
thread at a time — and a killed process's lock goes with its connection. All of a
process's advisory locks live on one connection of their own (a session can hold many
keys), so a thousand turns in flight cost one connection, not a thousand.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from frontdesk.errors import FrontdeskError


class ThreadBusy(FrontdeskError, RuntimeError):
    """Another turn of this thread is running; try again when it has finished."""


class ThreadLocks:
    """Per-thread locks: a ``threading.Lock`` per thread id, plus a lock file when ``folder`` is given."""

    def __init__(self, folder: Path | None = None, *, postgres_url: str | None = None) -> None:
        self.folder = folder
        self.postgres_url = postgres_url
        self._guard = threading.Lock()
        self._local: dict[str, threading.Lock] = {}
        self._advisory = AdvisoryLocks(postgres_url) if postgres_url is not None else None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def _lock_for(self, thread_id: str) -> threading.Lock:
        with self._guard:
            return self._local.setdefault(thread_id, threading.Lock())

    @contextmanager
    def hold(self, thread_id: str, *, wait_s: float = 0.0) -> Iterator[None]:
        """Hold ``thread_id`` for the block; :class:`ThreadBusy` if it stays taken for ``wait_s`` seconds."""
        deadline = time.monotonic() + wait_s
        local = self._lock_for(thread_id)
        if not local.acquire(timeout=wait_s) if wait_s > 0 else not local.acquire(blocking=False):
            raise ThreadBusy(f"thread {thread_id} is busy with another message")
        try:
            with ExitStack() as held:
                if self.folder is not None:
                    name = hashlib.sha256(thread_id.encode()).hexdigest()[:32]
                    # thread_local=False: a streamed turn may release the lock from another worker thread.
                    lock = FileLock(
                        str(self.folder / f"{name}.lock"),
                        timeout=max(0.0, deadline - time.monotonic()),
                        thread_local=False,
                    )
                    try:
                        held.enter_context(lock)
                    except Timeout:
                        raise ThreadBusy(
                            f"thread {thread_id} is busy with another message (in another process)"
                        ) from None
                if self._advisory is not None:
                    held.enter_context(self._advisory.hold(thread_id, deadline))
                yield
        finally:
            local.release()


def advisory_key(thread_id: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock``, stable across processes and machines."""
    return int.from_bytes(hashlib.sha256(f"frontdesk-thread:{thread_id}".encode()).digest()[:8], "big", signed=True)


class AdvisoryLocks:
    """A process's Postgres session advisory locks, all on one connection opened on first use.

    If that connection breaks (the database restarted), the locks it held are gone with it;
    the next lock opens a new connection, and unlocking a lock the broken one held is skipped.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._guard = threading.Lock()
        self._connection: Any = None

    def _execute(self, sql: str, key: int) -> bool:
        import psycopg  # noqa: PLC0415 — only for Postgres deployments (extra postgres)

        with self._guard:
            if self._connection is None or self._connection.closed:
                self._connection = psycopg.connect(self.url, autocommit=True)
            try:
                row = self._connection.execute(sql, (key,)).fetchone()
            except psycopg.OperationalError:
                self._connection.close()
                raise
            return bool(row and row[0])

    @contextmanager
    def hold(self, thread_id: str, deadline: float) -> Iterator[None]:
        """Hold the thread's advisory lock until the block ends; :class:`ThreadBusy` past ``deadline``."""
        key = advisory_key(thread_id)
        connection_before = None
        while True:
            if self._execute("SELECT pg_try_advisory_lock(%s)", key):
                connection_before = self._connection
                break
            if time.monotonic() >= deadline:
                raise ThreadBusy(f"thread {thread_id} is busy with another message (on another server)")
            time.sleep(0.05)
        try:
            yield
        finally:
            if self._connection is connection_before and not getattr(connection_before, "closed", True):
                with contextlib.suppress(Exception):  # a lost connection took the lock with it
                    self._execute("SELECT pg_advisory_unlock(%s)", key)
