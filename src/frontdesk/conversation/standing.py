"""Where a thread stands when a customer's message arrives: the rules :class:`Conversation` reads.

A thread may be mid-run (a crash or a kill stopped it part-way: finish that first, or its
pending steps — a confirmed cancel, tool calls without results — are lost), waiting for a
confirmation the customer already answered before a crash (finish it with the kept answer,
never ask again), waiting for a yes or no, or waiting for a person. These read a thread's
snapshot; only the conversation acts on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig

from frontdesk.persistence import confirmations
from frontdesk.persistence.threads import run_unfinished
from frontdesk.runtime import RunContext


def confirmation_pause(pauses: Sequence[Any]) -> Any:
    """Among a thread's pauses (``snapshot.interrupts``), the one waiting for the customer to confirm a write."""
    return next((p for p in pauses if (p.value or {}).get("type") == "confirmation"), None)


def answered_pause(pauses: Sequence[Any], config: RunnableConfig, context: RunContext | None) -> Any:
    """Among a thread's pauses, a confirmation the customer already answered (the process died
    before the run went on), with the kept answer; or None."""
    pause = confirmation_pause(pauses)
    engine = context.engine if context is not None else None
    if pause is None or engine is None:
        return None
    thread_id = str(config.get("configurable", {}).get("thread_id", ""))
    answer = confirmations.recorded(engine, thread_id, str((pause.value or {}).get("tool_call_id") or ""))
    return None if answer is None else (pause, answer)


def stopped_part_way(snapshot: Any) -> bool:
    """True when a thread's last run stopped part-way (a crash or a kill) rather than pausing for a person."""
    return run_unfinished(snapshot) and not snapshot.interrupts
