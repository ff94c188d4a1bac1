"""Reading and managing conversation threads through LangGraph's checkpointer API.

Listing, history, forking (time travel into a new thread) and deleting all go through
the saver and the compiled graph — never through the saver's tables — so they work the
same on SQLite and Postgres.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START


def run_unfinished(snapshot: Any) -> bool:
    """True while a thread's run has steps left: running, paused for a person, or stopped by a crash.

    The snapshot's ``tasks``, not its ``next``: a step whose task has finished has its writes
    saved and leaves ``next`` at once, but the checkpoint naming the following step comes only
    when the step ends. In between (``next`` empty, the finished task still listed) a poll took
    a running thread for an ended one, and a kill there left a thread that looked finished: a
    new message started on top of it and dropped those writes (a tool's result, a login).
    ``next`` and ``interrupts`` are both drawn from ``tasks``.
    """
    return bool(snapshot.tasks)


def thread_status(snapshot: Any) -> str:
    """Where the thread's run stands, in words for an operator.

    Waiting for a person (what it waits for), steps left without a pause (a run under way, or
    one a crash stopped: the customer's next message finishes it first) or finished. Read
    from ``tasks`` (see :func:`run_unfinished`): ``next`` alone called a run stopped between a
    finished task and its step's checkpoint finished.
    """
    if snapshot.interrupts:
        values = [getattr(item, "value", None) for item in snapshot.interrupts]
        kinds = sorted(
            {str(value.get("type", "a person")) if isinstance(value, dict) else "a person" for value in values}
        )
        return "waiting for " + ", ".join(kinds)
    if run_unfinished(snapshot):
        return (
            "steps left ("
            + ", ".join(sorted({task.name for task in snapshot.tasks}))
            + "): running, or stopped part-way; the next message finishes it"
        )
    return "finished"


@dataclass
class ThreadSummary:
    thread_id: str
    checkpoints: int
    updated_at: str
    last_step: int


@dataclass
class HistoryEntry:
    checkpoint_id: str
    step: int
    source: str
    created_at: str
    next_nodes: tuple[str, ...]
    messages: int
    last_message: str


def list_threads(saver: BaseCheckpointSaver) -> list[ThreadSummary]:
    """Every thread with its checkpoint count and latest update, newest first."""
    threads: dict[str, ThreadSummary] = {}
    for item in saver.list(None):
        thread_id = str(item.config["configurable"]["thread_id"])
        ts = str(item.checkpoint.get("ts", ""))
        step = int((item.metadata or {}).get("step", -1))
        current = threads.get(thread_id)
        if current is None:
            threads[thread_id] = ThreadSummary(thread_id, 1, ts, step)
        else:
            current.checkpoints += 1
            if ts > current.updated_at:
                current.updated_at, current.last_step = ts, step
    return sorted(threads.values(), key=lambda t: t.updated_at, reverse=True)


def history(graph: Any, thread_id: str, *, shown: Callable[[Any], bool] | None = None) -> list[HistoryEntry]:
    """The thread's checkpoints, newest first (what ``fork --checkpoint`` takes).

    ``shown`` picks the messages ``last_message`` may quote (a customer's view leaves out tool calls and results)."""
    entries = []
    for snapshot in graph.get_state_history({"configurable": {"thread_id": thread_id}}):
        messages = snapshot.values.get("messages", [])
        quotable = [m for m in messages if shown(m)] if shown is not None else messages
        last = quotable[-1] if quotable else None
        entries.append(
            HistoryEntry(
                checkpoint_id=snapshot.config["configurable"]["checkpoint_id"],
                step=int(snapshot.metadata.get("step", -1)),
                source=str(snapshot.metadata.get("source", "")),
                created_at=snapshot.created_at or "",
                next_nodes=tuple(snapshot.next),
                messages=len(messages),
                last_message=f"{getattr(last, 'name', None) or last.type}: {last.content}" if last is not None else "",
            )
        )
    return entries


def fork(graph: Any, thread_id: str, checkpoint_id: str, new_thread_id: str | None = None) -> str:
    """Copy the thread's state at ``checkpoint_id`` into a new thread; return its id.

    The original thread is untouched; the new one continues from that point in time.
    """
    source = graph.get_state({"configurable": {"thread_id": thread_id, "checkpoint_id": checkpoint_id}})
    if not source.values:
        raise KeyError(f"thread {thread_id!r} has no checkpoint {checkpoint_id!r}")
    target = new_thread_id or f"{thread_id}-fork-{uuid.uuid4().hex[:6]}"
    values = dict(source.values)
    messages = values.pop("messages", [])
    first = next(end for start, end in graph.builder.edges if start == START)  # the node every turn starts at
    graph.update_state({"configurable": {"thread_id": target}}, {**values, "messages": messages}, as_node=first)
    return target


def format_time(ts: str) -> str:
    try:
        return datetime.fromisoformat(ts).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return ts
