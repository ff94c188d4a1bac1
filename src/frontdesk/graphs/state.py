"""The support graph's state: small on purpose, because every turn checkpoints it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, convert_to_messages
from langgraph.channels import DeltaChannel
from langgraph.graph.message import add_messages

MESSAGES_SNAPSHOT_EVERY = 50
"""Updates to ``messages`` between full copies of the list in a checkpoint.

Between them a checkpoint stores only that step's new messages (LangGraph's
``DeltaChannel``); reading a thread replays at most this many updates onto the last full
copy. Summarisation keeps the list itself bounded, so a copy stays small too.
"""


_MESSAGE_IDS = uuid.UUID("6f1d3c8e-5b0a-4f5e-9a43-2a6b1f0c7d21")


def with_stable_ids(current: Sequence[BaseMessage], update: Any) -> Any:
    """``update``'s messages, each without an id given one derived from where it lands.

    ``add_messages`` gives such messages random ids, but a ``DeltaChannel`` rebuilds the
    list by replaying the stored writes — in another process, after a crash — so a random
    id would change between the run that wrote a message and every later read (and a
    handoff ticket keyed by the customer's message id would be opened twice). The id is a
    hash of the previous message's id, the position in the update and the message itself:
    the same on every replay, and different for the same text said again later.
    """
    items = update if isinstance(update, list) else [update]
    messages = convert_to_messages(items)
    previous = str(current[-1].id) if current else ""
    for position, message in enumerate(messages):
        if message.id is None:
            call_id = getattr(message, "tool_call_id", "")
            seed = f"{previous}|{position}|{message.type}|{message.name}|{message.content!r}|{call_id}"
            message.id = str(uuid.uuid5(_MESSAGE_IDS, seed))
    return messages


def add_message_batches(current: Any, updates: Sequence[Any]) -> list[BaseMessage]:
    """``add_messages`` over a batch of updates, oldest first (the reducer ``DeltaChannel``
    needs: deterministic, and folding two batches equals folding their concatenation)."""
    merged: Any = list(current) if isinstance(current, list) else convert_to_messages([current])
    for update in updates:
        merged = add_messages(merged, with_stable_ids(merged, update))
    return list(merged)


class Grade(TypedDict, total=False):
    """The grader's verdict on the latest draft reply."""

    verdict: Literal["pass", "fail"]
    score: float
    reasons: list[str]
    draft: str
    agent: str
    checked_by: str
    """``model`` (the grader model) or the name of the output guardrail that failed the draft."""


class TicketRef(TypedDict, total=False):
    """The human-handoff ticket this thread is waiting on (or was resolved by)."""

    id: str
    reason: str
    status: str


HandoffCause = Literal[
    "agent_transfer", "agent_stuck", "model_unavailable", "grader_failed", "guardrail", "operator_kept"
]
"""Why a thread went to a person, as a category dashboards can count (the reason text is free-form)."""


class SupportState(TypedDict, total=False):
    """State of one conversation thread.

    ``handoff_priority`` is set by whoever hands off (``high`` when the bot failed: a stuck
    agent, replies that kept failing review), so the ticket's priority never depends on
    how a reason is worded; ``handoff_cause`` says which kind of handoff it was. ``customer_id`` is written only by the
    tools node from an authentication tool's
    result — never from free text — so every ownership check downstream can trust it.
    """

    messages: Annotated[list[AnyMessage], DeltaChannel(add_message_batches, snapshot_frequency=MESSAGES_SNAPSHOT_EVERY)]
    customer_id: str | None
    active_agent: str
    ticket: TicketRef | None
    grade: Grade | None
    revisions: int
    agent_steps: int
    handoff_reason: str | None
    handoff_priority: Literal["normal", "high"] | None
    handoff_cause: HandoffCause | None
    held_by: str | None
    summary: str
    intents: list[str]
    """What the latest customer message asks for (intent routing); empty: every tool is offered."""
    turn_of: str | None
    """The id of the customer message the open turn answers (see ``graphs.router``)."""


def with_update(state: SupportState, update: dict[str, Any]) -> SupportState:
    """``state`` as a node sees it after ``update`` (writes made earlier in the same step:
    a turn's opening, an agent's draft), messages merged by the channel's own reducer."""
    view: dict[str, Any] = {**state, **{key: value for key, value in update.items() if key != "messages"}}
    if update.get("messages"):
        view["messages"] = add_message_batches(state.get("messages", []), [list(update["messages"])])
    return view  # type: ignore[return-value]  # the same keys as SupportState


def writes_of(command: Any) -> dict[str, Any]:
    """A ``Command``'s state update as a new dict (empty when it has none)."""
    return dict(command.update) if isinstance(command.update, dict) else {}


def last_ai_message(state: SupportState) -> Any:
    """The most recent assistant message (the draft or the tool-calling turn)."""
    for message in reversed(state.get("messages", [])):
        if isinstance(message, AIMessage):
            return message
    return None
