"""One turn at a time per thread, in this process and across processes sharing a data dir.

Two turns of one thread running at once both read the same checkpoint and the second
write wins: a customer's message is silently lost. Every entry point (chat, the server,
the inbox) takes the thread's lock for the whole turn. A second caller waits up to
``wait_s`` and then gets :class:`ThreadBusy` (the server answers 409): refused, never
dropped. Across processes the lock is a file in the data dir (``filelock``); several
servers on one Postgres need a database lock instead (not provided here).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout


class ThreadBusy(RuntimeError):
    """Another turn of this thread is running; try again when it has finished."""


class ThreadLocks:
    """Per-thread locks: a ``threading.Lock`` per thread id, plus a lock file when ``folder`` is given."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
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
            if self.folder is None:
                yield
                return
            name = hashlib.sha256(thread_id.encode()).hexdigest()[:32]
            try:
                # thread_local=False: a streamed turn may release the lock from another worker thread.
                with FileLock(str(self.folder / f"{name}.lock"), timeout=max(0.0, deadline - time.monotonic()), thread_local=False):
                    yield
            except Timeout:
                raise ThreadBusy(f"thread {thread_id} is busy with another message (in another process)") from None
        finally:
            local.release()
