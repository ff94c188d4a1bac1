"""LangGraph's SQLite saver for async callers, one thread hop per operation.

The async path (the server, concurrent replays) needs a saver with coroutine methods.
LangGraph's ``AsyncSqliteSaver`` runs every statement, fetch and commit of an operation
as its own round trip to aiosqlite's thread: storing one step took several hand-offs of
the interpreter lock between that thread and the event loop, and with 1,000 conversations
at once the checkpointer cost about a third of each turn's CPU (measured:
1,000 concurrent conversations of the concurrency bench, 43 turns/s with it against 47–52 with
this saver, the same SQLite file and durability).

This is LangGraph's own ``SqliteSaver`` — the same tables, queries, serialisation and
delta-channel reads — whose methods, called from a coroutine, run whole on one dedicated
thread: one hop per operation, and every write of the file in one thread (SQLite has one
writer at a time anyway). Called from any other thread (the server's sync endpoints), the
sync methods run there under the saver's own lock, as they always do.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import ChannelVersions, Checkpoint, CheckpointMetadata, CheckpointTuple
from langgraph.checkpoint.sqlite import SqliteSaver

T = TypeVar("T")


class OneThreadSqliteSaver(SqliteSaver):
    """``SqliteSaver`` with coroutine methods that run the sync ones on the saver's own thread."""

    def __init__(self, conn: sqlite3.Connection, **kwargs: Any) -> None:
        super().__init__(conn, **kwargs)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="frontdesk sqlite saver")

    async def _on_worker(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.worker, functools.partial(fn, *args, **kwargs))

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._on_worker(self.get_tuple, config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        found = await self._on_worker(lambda: list(self.list(config, filter=filter, before=before, limit=limit)))
        for item in found:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await self._on_worker(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        await self._on_worker(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        await self._on_worker(self.delete_thread, thread_id)

    async def aget_delta_channel_history(self, *, config: RunnableConfig, channels: Sequence[str]) -> Mapping[str, Any]:
        return await self._on_worker(self.get_delta_channel_history, config=config, channels=channels)


def prepare_sqlite_saver(saver: SqliteSaver, pragmas: Sequence[str] = ()) -> None:
    """Run ``pragmas`` on the saver's connection (under its lock), then create its tables."""
    with saver.lock:
        for pragma in pragmas:
            saver.conn.execute(pragma)
    saver.setup()


@asynccontextmanager
async def open_one_thread_sqlite_saver(path: str, pragmas: Sequence[str] = ()) -> AsyncIterator[OneThreadSqliteSaver]:
    """The saver over the SQLite file at ``path`` (``pragmas`` run first), closed on exit."""
    conn = sqlite3.connect(path, check_same_thread=False)
    saver = OneThreadSqliteSaver(conn)
    try:
        await saver._on_worker(prepare_sqlite_saver, saver, pragmas)
        yield saver
    finally:
        saver.worker.shutdown(wait=True)
        conn.close()
