"""A draft reply is reviewed in the step of the agent that wrote it.

The grader's checks (``graphs.grader_node``) used to be a node of their own: one more
LangGraph superstep — a task, a checkpoint — on every reply of every conversation. Run in
the agent's step instead, the draft and its verdict are written together: a passing draft
enters the thread with its grade; a failing one never enters it (only the grade, which
keeps the rejected text for the agent's next try), so the customer cannot see it and no
checkpoint holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import RemoveMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from frontdesk.graphs.nodes import SyncAndAsync
from frontdesk.graphs.state import SupportState, with_update, writes_of
from frontdesk.runtime import RunContext


@dataclass(frozen=True)
class Draft:
    """An agent's reply draft bound for review in the same step: ``update`` is the step's writes
    (the draft last). Not a graph destination — nothing routes to a node named for the grader."""

    update: dict[str, Any]


def folded(update: dict[str, Any], verdict: Command[Any]) -> Command[Any]:
    """The agent's ``update`` and the grader's ``verdict`` as one step's writes.

    A draft the verdict withdraws (``RemoveMessage``) is simply not written; the verdict's
    other writes (grade, revision count, handoff) win over the agent's.
    """
    theirs = writes_of(verdict)
    own = list(update.get("messages") or [])
    withdrawn = {m.id for m in theirs.get("messages") or [] if isinstance(m, RemoveMessage)}
    own_ids = {m.id for m in own}
    messages = [m for m in own if m.id not in withdrawn]
    messages += [m for m in theirs.get("messages") or [] if not (isinstance(m, RemoveMessage) and m.id in own_ids)]
    return Command(goto=verdict.goto, update={**update, **theirs, "messages": messages})


def review_in_step(
    review: SyncAndAsync, state: SupportState, update: dict[str, Any], config: RunnableConfig, context: RunContext
) -> Command[Any]:
    """An agent's draft step (``update``: its writes, the draft last) with the review done and folded in."""
    return folded(update, review.sync(with_update(state, update), config, context))


async def areview_in_step(
    review: SyncAndAsync, state: SupportState, update: dict[str, Any], config: RunnableConfig, context: RunContext
) -> Command[Any]:
    """``review_in_step`` awaiting the grader model."""
    return folded(update, await review.asynchronous(with_update(state, update), config, context))
