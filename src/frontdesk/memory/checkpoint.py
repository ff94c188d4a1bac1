"""Thread checkpointers chosen by URL, using LangGraph's own savers.

``sqlite:///path`` (default), ``postgresql://...`` (extra ``postgres``), ``memory://``.
frontdesk never writes a checkpointer itself: the savers kept by LangGraph's team handle
serialisation, pending writes and migrations.

Durability: frontdesk's own entry points (chat, replay, the server) run turns with
``durability="sync"`` (see ``DURABILITY``): each step's checkpoint is stored before the next
step starts. A turn that hands off, waits for approval or runs a WRITE tool must survive a
crash at any point, and together with the per-tool-call idempotency keys of WRITE tools this
gives "resume from the last step, never act twice". The cost is measured in bench/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from frontdesk.memory.urls import BadDatabaseURL, sqlite_path

DURABILITY = "sync"


@contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver]:
    """Open the saver for ``url`` for the duration of the ``with`` block."""
    if url.startswith("memory://"):
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver()
    elif url.startswith("sqlite://"):
        from langgraph.checkpoint.sqlite import SqliteSaver

        path = sqlite_path(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with SqliteSaver.from_conn_string(path) as saver:
            saver.setup()
            yield saver
    elif url.startswith(("postgresql://", "postgres://")):
        try:
            from langgraph.checkpoint.postgres import PostgresSaver
        except ImportError as exc:
            raise BadDatabaseURL(url, "Postgres support needs the extra: pip install 'frontdesk[postgres]'") from exc
        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
            yield saver
    else:
        raise BadDatabaseURL(url, "expected sqlite:///path, postgresql://... or memory://")


@asynccontextmanager
async def open_async_checkpointer(url: str) -> AsyncIterator[BaseCheckpointSaver]:
    """The async saver for ``url`` (for ``ainvoke``/``astream``: the server, concurrent replays)."""
    if url.startswith("memory://"):
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver()
    elif url.startswith("sqlite://"):
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        path = sqlite_path(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        async with AsyncSqliteSaver.from_conn_string(path) as saver:
            await saver.setup()
            yield saver
    elif url.startswith(("postgresql://", "postgres://")):
        try:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        except ImportError as exc:
            raise BadDatabaseURL(url, "Postgres support needs the extra: pip install 'frontdesk[postgres]'") from exc
        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            await saver.setup()
            yield saver
    else:
        raise BadDatabaseURL(url, "expected sqlite:///path, postgresql://... or memory://")
