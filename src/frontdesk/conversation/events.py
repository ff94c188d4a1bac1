"""What a conversation's turn reports besides the graph's own events, and what a thread waits for."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.messages import HumanMessage

from frontdesk.graphs.events import TurnEvent, is_reply

MAX_STEPS = 20
"""Runs one message may take: unfinished runs and kept answers first, then the message (a bound, not a budget)."""
WAITING_FOR_A_PERSON = "This conversation is waiting for a person; your message can be sent once they answer."


@dataclass(frozen=True)
class Confirmation:
    """The thread waits for the customer's yes or no to this exact action."""

    question: str
    tool: str
    args: dict[str, Any]
    call_id: str | None = None
    """The id of the tool call the confirmation is for (what its result will carry)."""


@dataclass(frozen=True)
class OperatorWait:
    """The thread waits for a person: ``kind`` is ``approval`` (a refund above the limit) or ``handoff``."""

    kind: str
    details: dict[str, Any] = field(default_factory=dict)


Pending = Confirmation | OperatorWait


@dataclass(frozen=True)
class NotTaken:
    """The message was not taken (nothing ran): ``reason`` is ``awaiting_confirmation`` (it was not a
    clear yes or no to the waiting question) or ``awaiting_operator`` (a person has the thread);
    ``message`` is what to tell the customer. ``answer`` raises :class:`MessageNotTaken` instead,
    with ``nothing_to_answer`` when no confirmation waits."""

    reason: Literal["awaiting_confirmation", "awaiting_operator", "nothing_to_answer"]
    message: str


@dataclass(frozen=True)
class TurnDone:
    """The last event of a turn: the reply this turn produced (None when it ended waiting), who wrote it,
    the trace id, and what the thread waits for now. ``replies`` are all the replies it produced, in
    order (a run a crash left unfinished is finished first, and its reply comes before this one's)."""

    reply: str | None
    by: str | None
    run_id: str
    pending: Pending | None = None
    replies: tuple[Said, ...] = ()


ConversationEvent = TurnEvent | NotTaken | TurnDone


@dataclass(frozen=True)
class Said:
    """One line of the conversation as the customer saw it."""

    role: Literal["customer", "agent", "operator"]
    name: str | None
    text: str


def said_by(message: Any) -> Said | None:
    """``message`` as the customer saw it: their own words or a reply sent to them; None for the agents' working."""
    if isinstance(message, HumanMessage):
        return Said("customer", None, str(message.content))
    if is_reply(message):
        return Said("operator" if message.name == "operator" else "agent", message.name, str(message.content))
    return None


def message_ids(snapshot: Any) -> set[str]:
    """The ids of a thread snapshot's messages (what a turn's new messages are told apart from)."""
    return {str(m.id) for m in snapshot.values.get("messages", [])}


def turn_done(run_id: str, seen: set[str], messages: list[Any], pauses: list[Any]) -> TurnDone:
    """The :class:`TurnDone` of a turn that ended with ``messages`` and ``pauses`` (their values), ``seen`` being the
    message ids before it."""
    replies = tuple(
        said for m in messages if str(m.id) not in seen and (said := said_by(m)) is not None and said.role != "customer"
    )
    last = replies[-1] if replies else None
    return TurnDone(
        reply=last.text if last else None,
        by=last.name if last else None,
        run_id=run_id,
        pending=pending_of(pauses),
        replies=replies,
    )


def pending_of(pauses: list[Any]) -> Pending | None:
    """What a thread paused with ``pauses`` (the interrupts' values) waits for."""
    values = [dict(value or {}) for value in pauses]
    for value in values:
        if value.get("type") == "confirmation":
            call_id = value.get("call_id") or value.get("tool_call_id")
            return Confirmation(
                question=str(value.get("question")),
                tool=str(value.get("tool")),
                args=dict(value.get("args") or {}),
                call_id=str(call_id) if call_id else None,
            )
    return OperatorWait(kind=str(values[0].get("type", "handoff")), details=values[0]) if values else None
