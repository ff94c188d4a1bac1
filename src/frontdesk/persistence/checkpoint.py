"""Thread checkpointers chosen by URL, using LangGraph's own savers.

``sqlite:///path`` (default), ``postgresql://...`` (extra ``postgres``), ``memory://``.
frontdesk never writes a checkpointer itself: the savers kept by LangGraph's team handle
serialisation, pending writes and migrations.

Durability: frontdesk's own entry points (chat, replay, the server) run turns with
``durability="sync"`` (see ``DURABILITY``): each step's checkpoint is stored before the next
step starts. A turn that hands off, waits for approval or runs a WRITE tool must survive a
crash at any point, and together with the per-tool-call idempotency keys of WRITE tools this
gives "resume from the last step, never act twice". The cost is measured in bench/.

A SQLite saver's file runs in WAL mode with ``synchronous=NORMAL``, as does a SQLite domain
database (``persistence.engine``): a commit is a write to the log, not an fsync (which was
the largest single cost of a step). A killed process loses nothing committed in either
file, and a WRITE and its once-per-call record commit together, so a step re-run on resume
never acts twice. A power cut never corrupts either file but may lose each file's last
commits independently — a step's checkpoint can outlive the write it reported. A
deployment that must survive power loss keeps both on Postgres, which syncs every commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Final

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver

from frontdesk.persistence.sqlite_async import open_one_thread_sqlite_saver, prepare_sqlite_saver
from frontdesk.persistence.urls import backend, sqlite_file

DURABILITY: Final = "sync"
SQLITE_PRAGMAS: Final = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


@contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver]:
    """Open the saver for ``url`` for the duration of the ``with`` block."""
    kind = backend(url)
    if kind == "memory":
        yield InMemorySaver()
    elif kind == "sqlite":
        with SqliteSaver.from_conn_string(sqlite_file(url)) as saver:
            prepare_sqlite_saver(saver, SQLITE_PRAGMAS)
            yield saver
    else:
        from langgraph.checkpoint.postgres import PostgresSaver  # noqa: PLC0415 — optional (extra postgres)

        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
            yield saver


@asynccontextmanager
async def open_async_checkpointer(url: str) -> AsyncIterator[BaseCheckpointSaver]:
    """The async saver for ``url`` (for ``ainvoke``/``astream``: the server, concurrent replays)."""
    kind = backend(url)
    if kind == "memory":
        yield InMemorySaver()
    elif kind == "sqlite":  # LangGraph's SqliteSaver on one thread of its own (see persistence.sqlite_async)
        async with open_one_thread_sqlite_saver(sqlite_file(url), SQLITE_PRAGMAS) as saver:
            yield saver
    else:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver  # noqa: PLC0415 — optional (extra postgres)

        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await saver.setup()
            yield saver
