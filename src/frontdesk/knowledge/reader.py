"""One read-only DuckDB handle per knowledge base, shared by searches and let go when idle.

Opening the file costs ~20 ms (more than the search query itself), and every
``search_knowledge_base`` call used to pay it. Searches now take a cursor on one shared
read-only handle (a DuckDB connection is not safe across threads; its cursors are).

Why let go: a read-only handle holds DuckDB's shared file lock, which keeps a writer in
another process (``frontdesk kb ingest`` while the server runs) waiting. The handle is
closed once no search has used it for ``idle_s`` seconds, and before this process opens
the file for writing (DuckDB refuses a read-only and a read-write handle on one file in
one process).
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from frontdesk.persistence.duckdb_files import connect_duckdb

READER_IDLE_S = 2.0


class SharedReader:
    """A lazily opened read-only handle with a user count, closed when idle or on request."""

    def __init__(self, open_handle: Callable[[], duckdb.DuckDBPyConnection], idle_s: float = READER_IDLE_S) -> None:
        self._open_handle = open_handle
        self._idle_s = idle_s
        self._handle: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._last_use = 0.0
        self._changed = threading.Condition()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the shared handle (opened now if it is closed) for one search."""
        with self._changed:
            if self._handle is None:
                self._handle = self._open_handle()
                threading.Thread(target=self._close_when_idle, name="knowledge-reader-idle", daemon=True).start()
            self._users += 1
            cursor = self._handle.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
            with self._changed:
                self._users -= 1
                self._last_use = time.monotonic()
                self._changed.notify_all()

    @contextmanager
    def closed(self) -> Iterator[None]:
        """Hold the handle closed (waiting for searches in flight) while this process writes the file."""
        with self._changed:
            self._changed.wait_for(lambda: self._users == 0)
            self._close()
            yield

    def close(self, timeout_s: float | None = None) -> None:
        """Close the handle once no search uses it (waiting at most ``timeout_s``)."""
        with self._changed:
            if self._changed.wait_for(lambda: self._users == 0, timeout=timeout_s):
                self._close()

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._changed.notify_all()

    def _close_when_idle(self) -> None:
        with self._changed:
            handle = self._handle
            while self._handle is handle and handle is not None:
                idle_for = time.monotonic() - self._last_use
                if self._users == 0 and idle_for >= self._idle_s:
                    self._close()
                    return
                self._changed.wait(timeout=self._idle_s - idle_for if self._users == 0 else self._idle_s)


_READERS: dict[str, SharedReader] = {}
_READERS_GUARD = threading.Lock()


def shared_reader(path: Path) -> SharedReader:
    """The one reader of ``path`` in this process (every ``KnowledgeBase`` on it shares it,
    so one instance's writer never meets another instance's open read-only handle)."""
    key = str(Path(path).resolve())
    with _READERS_GUARD:
        reader = _READERS.get(key)
        if reader is None:
            reader = _READERS[key] = SharedReader(lambda: connect_duckdb(Path(key), read_only=True))
        return reader


@atexit.register
def _close_all() -> None:
    """Close every open handle before the interpreter tears down: DuckDB's database object
    destroyed during finalization, beside the idle-closing thread, aborted the process."""
    with _READERS_GUARD:
        readers = list(_READERS.values())
    for reader in readers:
        reader.close(timeout_s=5.0)
