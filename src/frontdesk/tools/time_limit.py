"""Time limits for tool calls that may be abandoned: READ and GENERIC ones, never WRITEs.

A lookup against a hung service must not hold the customer's turn (and the thread's
lock) for ever, so such a call runs in a daemon worker thread (kept for the next call) and the turn moves on when
its time is up: the model reads an error and can apologise or hand off. The worker keeps
the caller's context variables (the trace span, LangGraph's run config), so its spans and
logs still belong to the turn, and gets its own copy of the tool context, so a late
finish cannot disturb the calls after it. A WRITE is never abandoned: walking away from an
open transaction, or from a payment call half-sent, is how a write happens twice or half.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from frontdesk.tools.base import ToolContext, ToolKind, ToolOutcome

if TYPE_CHECKING:
    from pydantic import BaseModel

    from frontdesk.tools.base import Tool

DEFAULT_TOOL_TIME_LIMIT_S = 30.0
logger = logging.getLogger("frontdesk")


def may_be_abandoned(tool: Tool) -> bool:
    return tool.kind is not ToolKind.WRITE


class DaemonWorkers:
    """Daemon threads that run abandonable calls, kept between calls.

    Starting a thread per call cost a measurable share of a turn; a thread pool from
    ``concurrent.futures`` would block interpreter exit on a hung tool. So: idle daemon
    workers wait for jobs, every job gets a worker of its own (a waiting one, else a new
    one, so a hung call never delays another), and at most ``keep`` idle workers stay.
    """

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._start_empty()
        # A forked child (a process pool's worker) inherits the count of idle workers but
        # not their threads: a job handed to them would never run.
        os.register_at_fork(after_in_child=self._start_empty)

    def _start_empty(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], None], threading.Event]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        """Workers waiting for a job and not yet promised one."""

    def run(self, job: Callable[[], None], done: threading.Event) -> None:
        """Run ``job`` on a worker; ``done`` is set when it has finished (the worker is then already free)."""
        with self._lock:
            if self._idle:
                self._idle -= 1
                self._jobs.put((job, done))
                return
        threading.Thread(target=self._work, args=((job, done),), name="frontdesk tool worker", daemon=True).start()

    def _work(self, item: tuple[Callable[[], None], threading.Event]) -> None:
        while True:
            job, done = item
            try:
                job()
            # tool.execute reports a tool's own errors; anything here is a bug, and the worker stays
            # usable
            except Exception:
                logger.exception("a time-limited tool call failed outside the tool")
            finally:
                with self._lock:  # free before the caller hears of it, so its next call finds this worker
                    staying = self._idle < self.keep
                    if staying:
                        self._idle += 1
                done.set()
            if not staying:
                return
            item = self._jobs.get()


WORKERS = DaemonWorkers()


def execute_within(tool: Tool, ctx: ToolContext, args: BaseModel, seconds: float) -> ToolOutcome:
    """``tool.execute`` with at most ``seconds`` of waiting; past that, an error outcome for the model."""
    own_ctx = dataclasses.replace(ctx, session=None)
    result: list[ToolOutcome] = []
    finished = threading.Event()
    context = contextvars.copy_context()
    WORKERS.run(lambda: result.append(context.run(tool.execute, own_ctx, args)), finished)
    if finished.wait(seconds) and result:
        return result[0]
    return tool.error(
        f"{tool.name} did not answer within {seconds:g} s; it may be down. Do not retry it now; tell the customer and "
        "offer a person."
    )
