"""The router: where each new customer message goes first.

frontdesk routes like a front desk: every message starts at the entry agent (customer
service), which keeps the conversation and consults specialists through handoff tools.
The router also resets per-turn bookkeeping (grade, revision count), so a verdict from an
earlier turn never leaks into this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from frontdesk.graphs.state import SupportState
from frontdesk.graphs.summarize import needs_summary
from frontdesk.runtime import RunContext


def make_router(entry_agent: str, *, summarize_after: int | None = None) -> Callable[[SupportState, RunnableConfig, RunContext], Command[Any]]:
    """Build the router node that starts every turn at ``entry_agent``.

    A thread longer than ``summarize_after`` messages first passes through the summarizer;
    a thread an operator kept goes straight back to that operator.
    """

    def route(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        update = {"revisions": 0, "agent_steps": 0, "grade": None, "handoff_reason": None, "handoff_priority": None}
        if state.get("held_by"):
            return Command(goto="human_handoff", update=update)
        if needs_summary(state, summarize_after):
            return Command(goto="summarize", update=update)
        return Command(goto=entry_agent, update=update)

    return route
