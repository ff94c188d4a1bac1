"""One turn at a time per thread, in this process and across processes sharing a data dir.

Two turns of one thread running at once both read the same checkpoint and the second
write wins: a customer's message is silently lost. Every entry point (chat, the server,
the inbox) takes the thread's lock for the whole turn. A second caller waits up to
``wait_s`` and then gets :class:`ThreadBusy` (the server answers 409): refused, never
dropped. Across processes on one machine the lock is a file in the data dir
(``filelock``); processes or machines sharing a Postgres database also take a session
advisory lock there, so two servers with their own data dirs still run one turn of a
thread at a time — and a killed process's lock goes with its connection.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class ThreadBusy(RuntimeError):
    """Another turn of this thread is running; try again when it has finished."""


class ThreadLocks:
    """Per-thread locks: a ``threading.Lock`` per thread id, plus a lock file when ``folder`` is given."""

    def __init__(self, folder: Path | None = None, *, postgres_url: str | None = None) -> None:
        self.folder = folder
        self.postgres_url = postgres_url
        self._guard = threading.Lock()
        self._local: dict[str, threading.Lock] = {}
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
                    lock = FileLock(str(self.folder / f"{name}.lock"), timeout=max(0.0, deadline - time.monotonic()), thread_local=False)
                    try:
                        held.enter_context(lock)
                    except Timeout:
                        raise ThreadBusy(f"thread {thread_id} is busy with another message (in another process)") from None
                if self.postgres_url is not None:
                    held.enter_context(advisory_lock(self.postgres_url, thread_id, deadline))
                yield
        finally:
            local.release()


def advisory_key(thread_id: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock``, stable across processes and machines."""
    return int.from_bytes(hashlib.sha256(f"frontdesk-thread:{thread_id}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def advisory_lock(url: str, thread_id: str, deadline: float) -> Iterator[None]:
    """Hold the thread's session advisory lock on its own connection until the block ends."""
    import psycopg  # noqa: PLC0415 — only for Postgres deployments (extra postgres)

    key = advisory_key(thread_id)
    with psycopg.connect(url, autocommit=True) as connection:
        while not connection.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:  # type: ignore[index]
            if time.monotonic() >= deadline:
                raise ThreadBusy(f"thread {thread_id} is busy with another message (on another server)")
            time.sleep(0.05)
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (key,))
