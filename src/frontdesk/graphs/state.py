"""The support graph's state: small on purpose, because every turn checkpoints it."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.graph.message import add_messages


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


HandoffCause = Literal["agent_transfer", "agent_stuck", "model_unavailable", "grader_failed", "guardrail", "operator_kept"]
"""Why a thread went to a person, as a category dashboards can count (the reason text is free-form)."""


class SupportState(TypedDict, total=False):
    """State of one conversation thread.

    ``handoff_priority`` is set by whoever hands off (``high`` when the bot failed: a stuck
    agent, replies that kept failing review), so the ticket's priority never depends on
    how a reason is worded; ``handoff_cause`` says which kind of handoff it was. ``customer_id`` is written only by the tools node from an authentication tool's
    result — never from free text — so every ownership check downstream can trust it.
    """

    messages: Annotated[list[AnyMessage], add_messages]
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


def last_ai_message(state: SupportState) -> Any:
    """The most recent assistant message (the draft or the tool-calling turn)."""
    for message in reversed(state.get("messages", [])):
        if isinstance(message, AIMessage):
            return message
    return None
