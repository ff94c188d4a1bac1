"""Running a turn as a task on the server's event loop and streaming its events to the client.

A turn waits on its model for most of its time. Run in a thread, each waiting turn held
one: with a few hundred conversations at once the server ran a few hundred threads, and
the ones with work to do fought over the interpreter lock (measured: the same load used a
quarter less CPU per turn with 48 threads than with 256 — but 48 would cap how many
conversations a slow model can serve at once). Here a turn is a coroutine (``astream``
on the graph): waiting costs nothing, and the graph's synchronous steps (tools, the
human handoff) share the loop's small executor.

The turn is started as soon as the message is accepted and is not the response itself:
the response is an async generator reading the turn's queue, so a client that goes away
does not stop the turn half-way: it runs to its end and is stored. Its root span is
opened and closed inside the task, whose context is its own, so turns never end up in
each other's traces.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

import anyio.from_thread

logger = logging.getLogger("frontdesk.server")

DRAIN_S = 30.0
"""How long a stopping server waits for the turns still running (their clients may be gone) to be stored."""


class TurnTasks:
    """The turns running on one server's loop, kept so none is collected half-way and a stopping server can wait for
    them."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[None]] = set()

    def start(self, events: Callable[[], AsyncIterator[str]], *, finally_: Callable[[], object]) -> AsyncIterator[str]:
        """Start ``events()`` on the server's loop now (called from a sync endpoint's thread); return its chunks as they
        come.

        ``finally_`` runs when the turn ends, however it ends, in a worker thread (it
        releases the thread's lock, which may be a round trip to Postgres).
        """
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        async def run() -> None:
            try:
                async for chunk in events():
                    queue.put_nowait(chunk)
            except Exception:  # events() reports failures in-band; anything escaping is a bug, logged
                logger.exception("a turn's event stream failed")
            finally:
                try:
                    await asyncio.to_thread(finally_)
                finally:
                    queue.put_nowait(None)

        def begin() -> None:
            task = asyncio.get_running_loop().create_task(run(), name="frontdesk-turn")
            self._running.add(task)
            task.add_done_callback(self._running.discard)

        anyio.from_thread.run_sync(begin)

        async def chunks() -> AsyncIterator[str]:
            while (chunk := await queue.get()) is not None:
                yield chunk

        return chunks()

    async def drain(self, timeout_s: float = DRAIN_S) -> None:
        """Wait for the running turns to finish (at most ``timeout_s``), before the savers they write to close."""
        if self._running:
            _done, pending = await asyncio.wait(set(self._running), timeout=timeout_s)
            if pending:
                logger.warning("%d turn(s) still running at shutdown after %.0f s", len(pending), timeout_s)
