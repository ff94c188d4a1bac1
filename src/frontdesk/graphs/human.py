"""Human handoff: write a ticket, then pause the thread until an operator answers.

``interrupt()`` suspends the run and persists it through the checkpointer; the operator's
answer comes back as ``Command(resume={"reply": ..., "operator": ...})``. The node re-runs
from the top on resume, which is why the ticket write is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command, interrupt

from frontdesk.graphs.state import SupportState
from frontdesk.memory import tickets
from frontdesk.runtime import Services
from frontdesk.tracing import instrument

OPERATOR = "operator"


def _trigger_id(state: SupportState) -> str:
    for message in reversed(state.get("messages", [])):
        if isinstance(message, HumanMessage):
            return str(message.id)
    return "start"


def _summary(state: SupportState, limit: int = 6) -> str:
    recent = state.get("messages", [])[-limit:]
    return " | ".join(f"{getattr(m, 'name', None) or m.type}: {str(m.content)[:160]}" for m in recent if m.content)


def make_human_node(services: Services) -> Callable[[SupportState, RunnableConfig], Command[Any]]:
    """Build the node that hands the thread to a person."""

    def human_handoff(state: SupportState, config: RunnableConfig) -> Command[Any]:
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        reason = state.get("handoff_reason") or "handoff requested"
        ticket_id = tickets.ticket_id(thread_id, _trigger_id(state))
        if services.engine is not None:
            tickets.open_ticket(services.engine, ticket_id=ticket_id, thread_id=thread_id, customer_id=state.get("customer_id"), reason=reason, summary=_summary(state))
        instrument.event("frontdesk.handoff", **{"frontdesk.handoff.to": "human", "frontdesk.ticket.id": ticket_id})
        answer = interrupt({"type": "handoff", "ticket_id": ticket_id, "reason": reason, "customer_id": state.get("customer_id")})
        reply, operator = _parse_answer(answer)
        if services.engine is not None:
            tickets.resolve_ticket(services.engine, ticket_id, operator=operator, resolution=reply)
        ticket = {"id": ticket_id, "reason": reason, "status": "resolved"}
        return Command(goto=END, update={"messages": [AIMessage(content=reply, name=OPERATOR)], "ticket": ticket, "handoff_reason": None})

    return human_handoff


def _parse_answer(answer: Any) -> tuple[str, str]:
    """Accept ``"text"`` or ``{"reply": "text", "operator": "name"}`` as the operator's answer."""
    if isinstance(answer, dict):
        return str(answer.get("reply", "")), str(answer.get("operator", OPERATOR))
    return str(answer), OPERATOR
