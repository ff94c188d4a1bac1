"""Bounded state: fold old turns into ``summary`` so prompts and checkpoints stay small.

When a thread holds more than ``max_messages`` messages at the start of a turn, the
summarizer model rewrites the running summary to cover the oldest turns, and those
messages are removed from state. The cut always falls on a customer message, so a tool
call is never separated from its result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage, RemoveMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig

from frontdesk.gateway.errors import ModelUnavailable
from frontdesk.graphs.state import SupportState
from frontdesk.guardrails.withheld import model_view
from frontdesk.llm.factory import ModelProvider
from frontdesk.runtime import RunContext
from frontdesk.tracing import instrument

NAME = "summarizer"

INSTRUCTIONS = """Summarise this customer-service conversation for the colleague who takes it over.
Keep: who the customer is (ids, authentication), each request and its outcome (order ids,
amounts, what was changed), promises made, open questions and the customer's mood.
Merge the previous summary in; write at most 200 words of plain prose."""


def cut_index(messages: list[AnyMessage], keep: int) -> int:
    """Index of the first message to keep: a customer message, with at most ``keep`` from it on."""
    starts = [i for i, m in enumerate(messages) if isinstance(m, HumanMessage)]
    fitting = [i for i in starts if len(messages) - i <= keep]
    if fitting:
        return fitting[0]
    return starts[-1] if starts else 0


def transcript(messages: Sequence[BaseMessage]) -> str:
    lines = []
    for message in messages:
        if isinstance(message, HumanMessage):
            lines.append(f"Customer: {message.content}")
        elif isinstance(message, ToolMessage):
            lines.append(f"Tool {message.name}: {str(message.content)[:300]}")
        elif message.content:
            lines.append(f"{getattr(message, 'name', None) or 'Agent'}: {message.content}")
        for call in getattr(message, "tool_calls", None) or []:
            lines.append(f"{getattr(message, 'name', None) or 'Agent'} called {call['name']}({call['args']})")
    return "\n".join(lines)


def needs_summary(state: SupportState, max_messages: int | None) -> bool:
    return max_messages is not None and len(state.get("messages", [])) > max_messages


def make_summarize_node(
    models: ModelProvider, *, keep: int
) -> Callable[[SupportState, RunnableConfig, RunContext], dict[str, Any]]:
    """Build the node that folds the oldest turns into the summary."""

    def summarize(state: SupportState, config: RunnableConfig, context: RunContext) -> dict[str, Any]:
        messages = state.get("messages", [])
        cut = cut_index(messages, keep)
        if cut == 0:
            return {}
        previous = state.get("summary") or "(none)"
        prompt = [
            SystemMessage(INSTRUCTIONS),
            HumanMessage(
                f"Previous summary: {previous}\n\nConversation to fold in:\n{transcript(model_view(messages[:cut]))}"
            ),
        ]
        model = models.for_agent(NAME)
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        try:
            with instrument.agent_call(context, NAME, thread_id, model) as record:
                reply = model.invoke(prompt, config)
                record(reply)
        except ModelUnavailable:  # summarising can wait for the next turn; the customer's turn goes on
            instrument.event("frontdesk.model.unavailable", **{"frontdesk.agent": NAME})
            return {}
        return {"summary": str(reply.content), "messages": [RemoveMessage(id=m.id) for m in messages[:cut] if m.id]}

    return summarize
