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

from langgraph.store.base import BaseStore

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

WAITING_READS = threading.BoundedSemaphore(MAX_WAITING_READS)
"""Taken for each read handed to a worker, given back when the read ends (the turn may have moved on)."""

logger = logging.getLogger("frontdesk")

Outcome = list[MemoryEntry] | BaseException
"""A read's memory, or the store's error."""


def _read(store: BaseStore, customer: str) -> Outcome:
    try:
        return recall(store, customer)
    except Exception as exc:  # any store failure: the turn goes on without memory
        return exc
    finally:
        WAITING_READS.release()


def _start(
    state: SupportState, context: RunContext, deliver: Callable[[Outcome], None], done: threading.Event
) -> list[MemoryEntry] | None:
    """Hand the read to a worker (``deliver`` gets its outcome, then ``done`` is set); or, when
    there is none to wait for, the memory the turn goes on with: nothing before authentication
    or without a store, nothing when too many reads wait or no thread can be started."""
    customer, store = state.get("customer_id"), context.store
    if not customer or store is None:
        return []
    if not WAITING_READS.acquire(blocking=False):
        return _went_without(f"{MAX_WAITING_READS} earlier reads of the store are still waiting")
    try:
        WORKERS.run(lambda: deliver(_read(store, customer)), done)
    except RuntimeError:  # can't start new thread
        WAITING_READS.release()
        return _went_without("no thread could be started to read the store")
    return None


def _went_without(why: str) -> list[MemoryEntry]:
    logger.warning("answering without the customer's memory: %s", why)
    instrument.event("frontdesk.memory.unavailable", **{"frontdesk.memory.reason": why})
    return []


def remembered(state: SupportState, context: RunContext, wait_s: float = MEMORY_WAIT_S) -> list[MemoryEntry]:
    """What the store knows about the thread's customer (nothing before authentication)."""
    outcome: list[Outcome] = []
    done = threading.Event()
    if (at_once := _start(state, context, outcome.append, done)) is not None:
        return at_once
    if not done.wait(wait_s) or not outcome:
        return _went_without(f"the store did not answer within {wait_s:g} s")
    return _known(outcome[0])


async def aremembered(state: SupportState, context: RunContext, wait_s: float = MEMORY_WAIT_S) -> list[MemoryEntry]:
    """``remembered`` for the async path: the loop awaits the worker and never blocks on the store.

    The read runs on its own daemon worker, not the loop's default executor: that pool is
    small (6 threads on 2 cores) and runs every sync graph node, so a handful of reads stuck
    on a lock there would stall every conversation of the server.
    """
    loop = asyncio.get_running_loop()
    found: asyncio.Future[Outcome] = loop.create_future()

    def settle(outcome: Outcome) -> None:
        if not found.done():  # the turn may have stopped waiting
            found.set_result(outcome)

    def deliver(outcome: Outcome) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile: nobody is waiting
            loop.call_soon_threadsafe(settle, outcome)

    if (at_once := _start(state, context, deliver, threading.Event())) is not None:
        return at_once
    try:
        return _known(await asyncio.wait_for(found, wait_s))
    except TimeoutError:
        return _went_without(f"the store did not answer within {wait_s:g} s")


def _known(found: Outcome) -> list[MemoryEntry]:
    if isinstance(found, BaseException):
        return _went_without(
            f"the store failed: {type(found).__name__}: {str(found).splitlines()[0] if str(found) else ''}"
        )
    return found
