"""The grader: its instructions, verdict schema and evidence (the node is ``graphs.grader_node``).

It checks each draft reply before it reaches the customer.

Citations are checked first, without a model: a draft citing a passage no search returned
this turn fails outright. A failing draft is removed from the conversation (the customer
never sees it) and goes back to its agent once with the reasons; failing again hands the thread to a person
rather than sending a reply nobody trusts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, Field

NAME = "grader"
MAX_REVISIONS = 1

INSTRUCTIONS = """You review a customer-service agent's draft reply before it is sent.
Pass it only if it (1) answers the customer's latest message, (2) states only facts found in
the tool results or cited knowledge-base passages shown to you, and (3) respects policy:
no refund, cancellation or change is promised unless a tool call actually succeeded, and no
other customer's data is revealed. Give a verdict (pass or fail), a score from 0 to 1, and
short reasons a colleague can act on."""


class GradeVerdict(BaseModel):
    """The grader's structured verdict on a draft reply."""

    verdict: Literal["pass", "fail"] = Field(description="pass: send the draft; fail: revise it")
    score: float = Field(default=1.0, ge=0.0, le=1.0, description="Confidence that the draft is good")
    reasons: list[str] = Field(default_factory=list, description="Why, in short sentences")


def evidence(messages: Sequence[BaseMessage], draft: AIMessage) -> str:
    """The customer's latest message, this turn's tool results and the draft, as review text."""
    turn: list[BaseMessage] = []
    for message in reversed(messages):
        turn.append(message)
        if isinstance(message, HumanMessage):
            break
    lines = []
    for message in reversed(turn):
        if isinstance(message, HumanMessage):
            lines.append(f"Customer: {message.content}")
        elif isinstance(message, ToolMessage):
            lines.append(f"Tool {message.name} returned: {message.content}")
    lines.append(f"Draft reply by {draft.name}: {draft.content}")
    return "\n".join(lines)
