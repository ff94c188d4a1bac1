"""Running a turn in one worker thread and streaming its events to the client asynchronously.

A sync generator handed to ``StreamingResponse`` is advanced by Starlette in whichever
thread-pool thread is free, one ``next()`` at a time. A turn is not made for that: its
root span is attached to the context of the thread that opened it and must be detached in
that same thread (otherwise it leaks into the next request that thread serves, and turns
end up inside each other's traces), and every blocked ``next()`` holds one of the pool's
few threads, so a few dozen slow turns starve every other request. Here the whole turn
runs in one thread of the server's turn pool, started as soon as the message is accepted,
and the response is an async generator that waits on a queue without holding any thread.
A client that goes away does not stop the turn half-way: it runs to its end and is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import anyio.from_thread

logger = logging.getLogger("frontdesk.server")

TURN_WORKERS = 256
"""Turns a server process runs at once; more wait their turn in the pool's queue."""


def turn_pool(workers: int = TURN_WORKERS) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="frontdesk-turn")


def start_turn(events: Callable[[], Iterator[str]], pool: ThreadPoolExecutor, *, finally_: Callable[[], object]) -> AsyncIterator[str]:
    """Start ``events()`` in a pool thread now (from a sync endpoint's thread); return its chunks as they come.

    ``finally_`` runs in that thread when the turn ends, however it ends (it releases the thread's lock).
    """
    loop = anyio.from_thread.run_sync(asyncio.get_running_loop)
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def deliver(chunk: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the server is shutting down: nobody is listening any more
            loop.call_soon_threadsafe(queue.put_nowait, chunk)

    def run() -> None:
        try:
            for chunk in events():
                deliver(chunk)
        except Exception:  # events() reports failures in-band; anything escaping is a bug, logged
            logger.exception("a turn's event stream failed")
        finally:
            finally_()
            deliver(None)

    pool.submit(run)

    async def chunks() -> AsyncIterator[str]:
        while (chunk := await queue.get()) is not None:
            yield chunk

    return chunks()
