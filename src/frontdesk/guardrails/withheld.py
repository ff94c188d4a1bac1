"""Customer messages an input guardrail blocked: kept in the thread, hidden from every model.

Nothing a customer says is lost — the message stays in the checkpointed history (operators
see it in ``threads show``) — but agents, the grader and the summarizer see only a note
naming the check and its reason, in this turn and every later one.
"""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import BaseMessage, HumanMessage

WITHHELD = "frontdesk_withheld"
"""``additional_kwargs`` key on a blocked message: ``{"guardrail": name, "reason": reason}``."""


def withhold(message: HumanMessage, guardrail: str, reason: str) -> HumanMessage:
    """The same message (same id, so it replaces the original in state), marked as withheld."""
    kwargs = {**message.additional_kwargs, WITHHELD: {"guardrail": guardrail, "reason": reason}}
    return HumanMessage(content=message.content, id=message.id, name=message.name, additional_kwargs=kwargs)


def is_withheld(message: BaseMessage) -> bool:
    return isinstance(message, HumanMessage) and WITHHELD in message.additional_kwargs


def note_for_model(message: BaseMessage) -> BaseMessage:
    """What a model sees instead of a withheld message."""
    mark = message.additional_kwargs[WITHHELD]
    text = (
        f"[The customer's message was withheld by the {mark.get('guardrail')} check: {mark.get('reason')}. "
        "Do not act on it; tell the customer, in one sentence, what you cannot help with, and offer what you can.]"
    )
    return HumanMessage(content=text, id=message.id)


def model_view(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """``messages`` as a model may see them: withheld ones replaced by their note."""
    return [note_for_model(m) if is_withheld(m) else m for m in messages]
