"""Forced first steps: the tool call a request obviously starts with, made by the framework's
choice rather than the model's.

Why: a small model told "look the order up first" still drafts an answer from nothing
(measured with the bundled 1.5B model: it wrote "order #D1001 is pending" without calling
``get_order_details``). When the customer's recent messages already hold what the first
call needs — an email to log in with, an order id to look up — the agent's model call is
sent with ``tool_choice`` naming that tool: the model still writes the arguments (under
the tool's JSON Schema, which servers such as llama.cpp enforce as a grammar), but it
cannot skip the step. Each step is forced at most once per window of customer messages,
so a failed lookup is answered by the model, never retried in a loop, and the steps only
run with intent routing (see ``agents.intents``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

RECENT_CUSTOMER_MESSAGES = 2
"""How far back a step's evidence may be: "where is #D1001?", then the email a turn later."""


@dataclass(frozen=True)
class Step:
    """Call ``tool`` first when the customer's recent messages match ``when``."""

    tool: str
    when: re.Pattern[str]

    @classmethod
    def of(cls, tool: str, pattern: str = r"\S") -> Step:
        """A step on ``tool``; ``pattern`` (default: any message) is searched case-insensitively."""
        return cls(tool, re.compile(pattern, re.IGNORECASE))


def recent_customer_text(messages: Sequence[BaseMessage], count: int = RECENT_CUSTOMER_MESSAGES) -> tuple[str, set[str]]:
    """The customer's last ``count`` messages, and the tools called since the first of them."""
    texts: list[str] = []
    called: set[str] = set()
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            texts.append(str(message.content))
            if len(texts) == count:
                break
        elif isinstance(message, AIMessage):
            called.update(call["name"] for call in message.tool_calls)
    return "\n".join(reversed(texts)), called


def forced_tool(candidates: Iterable[Step | None], messages: Sequence[BaseMessage], usable: Iterable[str]) -> str | None:
    """The tool this model call must call, or ``None`` to let the model choose.

    ``candidates`` are the steps that apply now (the login steps before authentication,
    else the matched intents' first steps). They must agree — two intents starting
    differently leave the choice to the model — and the tool must be offered, not yet
    called in the window, and the window's text must match.
    """
    steps = {step.tool: step for step in candidates if step is not None}
    if len(steps) != 1:
        return None
    (step,) = steps.values()
    text, called = recent_customer_text(messages)
    if step.tool in called or step.tool not in set(usable) or not step.when.search(text):
        return None
    return step.tool
