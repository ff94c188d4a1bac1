"""What the agent reads from the long-term store before a model call, bounded in time.

The customer's memory (``frontdesk.memory``) is context that makes a reply better, never a
condition for giving one. A store that waits — a Postgres table locked by a migration, a
slow disk, a dropped connection — must not hold the customer's reply, and in the server it
must not hold the event loop that every other conversation runs on. So the read runs on a
worker thread; past ``MEMORY_WAIT_S``, or on a store error, the turn goes on without the
memory, and an event and a log line say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from frontdesk.graphs.state import SupportState
from frontdesk.memory.customer_memory import MemoryEntry, recall
from frontdesk.runtime import RunContext
from frontdesk.tools.time_limit import WORKERS
from frontdesk.tracing import instrument

MEMORY_WAIT_S = 2.0
"""How long a turn waits for the long-term store before it answers without the customer's memory."""

MAX_WAITING_READS = 16
"""Reads of the store left waiting at once: past that, turns skip the read without a thread
(a store locked for minutes would otherwise collect a waiting thread per turn)."""

logger = logging.getLogger("frontdesk")


class _WaitingReads:
    """How many memory reads are on a worker now (finished or not, the turn may have moved on)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.count >= self.limit:
                return False
            self.count += 1
            return True

    def release(self) -> None:
        with self._lock:
            self.count -= 1


WAITING_READS = _WaitingReads(MAX_WAITING_READS)


def _read(state: SupportState, context: RunContext) -> list[MemoryEntry] | BaseException | None:
    """The customer's memory, the store's error, or None when there is nothing to read."""
    customer = state.get("customer_id")
    if not customer or context.store is None:
        return None
    try:
        return recall(context.store, customer)
    except Exception as exc:  # any store failure: the turn goes on without memory
        return exc


def _counted_read(state: SupportState, context: RunContext) -> list[MemoryEntry] | BaseException | None:
    try:
        return _read(state, context)
    finally:
        WAITING_READS.release()


def _started(job: Callable[[], None], done: threading.Event) -> bool:
    """``job`` handed to a worker (its ``_counted_read`` releases the count), or False when no
    thread could be started (the count released here)."""
    try:
        WORKERS.run(job, done)
    except RuntimeError:  # can't start new thread
        WAITING_READS.release()
        return False
    return True


def _went_without(why: str) -> list[MemoryEntry]:
    logger.warning("answering without the customer's memory: %s", why)
    instrument.event("frontdesk.memory.unavailable", **{"frontdesk.memory.reason": why})
    return []


def remembered(state: SupportState, context: RunContext, wait_s: float = MEMORY_WAIT_S) -> list[MemoryEntry]:
    """What the store knows about the thread's customer (nothing before authentication)."""
    if not state.get("customer_id") or context.store is None:
        return []
    if not WAITING_READS.take():
        return _went_without(f"{WAITING_READS.limit} earlier reads of the store are still waiting")
    outcome: list[list[MemoryEntry] | BaseException | None] = []
    done = threading.Event()
    if not _started(lambda: outcome.append(_counted_read(state, context)), done):
        return _went_without("no thread could be started to read the store")
    if not done.wait(wait_s) or not outcome:
        return _went_without(f"the store did not answer within {wait_s:g} s")
    return _known(outcome[0])


async def aremembered(state: SupportState, context: RunContext, wait_s: float = MEMORY_WAIT_S) -> list[MemoryEntry]:
    """``remembered`` for the async path: the loop awaits the worker and never blocks on the store.

    The read runs on its own daemon worker, not the loop's default executor: that pool is
    small (6 threads on 2 cores) and runs every sync graph node, so a handful of reads stuck
    on a lock there would stall every conversation of the server.
    """
    if not state.get("customer_id") or context.store is None:
        return []
    if not WAITING_READS.take():
        return _went_without(f"{WAITING_READS.limit} earlier reads of the store are still waiting")
    loop = asyncio.get_running_loop()
    found: asyncio.Future[list[MemoryEntry] | BaseException | None] = loop.create_future()

    def settle(outcome: list[MemoryEntry] | BaseException | None) -> None:
        if not found.done():  # the turn may have stopped waiting
            found.set_result(outcome)

    def read() -> None:
        outcome = _counted_read(state, context)
        with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(settle, outcome)

    if not _started(read, threading.Event()):
        return _went_without("no thread could be started to read the store")
    try:
        return _known(await asyncio.wait_for(found, wait_s))
    except TimeoutError:
        return _went_without(f"the store did not answer within {wait_s:g} s")


def _known(found: list[MemoryEntry] | BaseException | None) -> list[MemoryEntry]:
    if isinstance(found, BaseException):
        return _went_without(f"the store failed: {type(found).__name__}: {str(found).splitlines()[0] if str(found) else ''}")
    return found or []
