"""A draft reply is reviewed in the step of the agent that wrote it.

The grader's checks (``graphs.grader_node``) used to be a node of their own: one more
LangGraph superstep — a task, a checkpoint — on every reply of every conversation. Run in
the agent's step instead, the draft and its verdict are written together: a passing draft
enters the thread with its grade; a failing one never enters it (only the grade, which
keeps the rejected text for the agent's next try), so the customer cannot see it and no
checkpoint holds it.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import RemoveMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from frontdesk.graphs.state import SupportState, add_message_batches
from frontdesk.runtime import RunContext
from frontdesk.tracing.instrument import SyncAndAsync

REVIEW = "grader"
"""Where an agent's ``route`` sends a draft that needs review (the grader's name)."""


def with_draft(state: SupportState, update: dict[str, Any]) -> SupportState:
    """``state`` as the grader sees it: the agent's ``update`` applied, the draft last."""
    view: dict[str, Any] = {**state, **{key: value for key, value in update.items() if key != "messages"}}
    view["messages"] = add_message_batches(state.get("messages", []), [list(update.get("messages") or [])])
    return view  # type: ignore[return-value]  # the same keys as SupportState


def folded(update: dict[str, Any], verdict: Command[Any]) -> Command[Any]:
    """The agent's ``update`` and the grader's ``verdict`` as one step's writes.

    A draft the verdict withdraws (``RemoveMessage``) is simply not written; the verdict's
    other writes (grade, revision count, handoff) win over the agent's.
    """
    theirs = dict(verdict.update or {}) if isinstance(verdict.update, dict) else {}
    own = list(update.get("messages") or [])
    withdrawn = {m.id for m in theirs.get("messages") or [] if isinstance(m, RemoveMessage)}
    own_ids = {m.id for m in own}
    messages = [m for m in own if m.id not in withdrawn]
    messages += [m for m in theirs.get("messages") or [] if not (isinstance(m, RemoveMessage) and m.id in own_ids)]
    return Command(goto=verdict.goto, update={**update, **theirs, "messages": messages})


def review_in_step(review: SyncAndAsync, state: SupportState, command: Command[Any], config: RunnableConfig, context: RunContext) -> Command[Any]:
    """``command`` (an agent's draft bound for review) with the review done and folded in."""
    update = dict(command.update or {}) if isinstance(command.update, dict) else {}
    return folded(update, review.sync(with_draft(state, update), config, context))


async def areview_in_step(review: SyncAndAsync, state: SupportState, command: Command[Any], config: RunnableConfig, context: RunContext) -> Command[Any]:
    """``review_in_step`` awaiting the grader model."""
    update = dict(command.update or {}) if isinstance(command.update, dict) else {}
    return folded(update, await review.asynchronous(with_draft(state, update), config, context))
