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
from frontdesk.operators import tickets
from frontdesk.runtime import RunContext
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


def make_human_node(
    *, return_to_bot: bool = True
) -> Callable[[SupportState, RunnableConfig, RunContext], Command[Any]]:
    """Build the node that hands the thread to a person.

    After the operator answers, the bot takes the thread back (``return_to_bot``) unless
    the operator keeps it: then every new customer message comes straight back here.
    """

    def human_handoff(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        reason = state.get("handoff_reason") or (
            f"conversation held by {state['held_by']}" if state.get("held_by") else "handoff requested"
        )
        ticket_id = tickets.ticket_id(thread_id, _trigger_id(state))
        if context.engine is not None:
            priority = state.get("handoff_priority") or "normal"
            tickets.open_ticket(
                context.engine,
                ticket_id=ticket_id,
                thread_id=thread_id,
                customer_id=state.get("customer_id"),
                reason=reason,
                summary=_summary(state),
                priority=priority,
            )
        cause = state.get("handoff_cause") or ("operator_kept" if state.get("held_by") else "agent_transfer")
        instrument.event(
            "frontdesk.handoff",
            **{"frontdesk.handoff.to": "human", "frontdesk.ticket.id": ticket_id, "frontdesk.handoff.cause": cause},
        )
        answer = interrupt(
            {"type": "handoff", "ticket_id": ticket_id, "reason": reason, "customer_id": state.get("customer_id")}
        )
        reply, operator, back = _parse_answer(answer, return_to_bot)
        if context.engine is not None:
            tickets.resolve_ticket(context.engine, ticket_id, operator=operator, resolution=reply)
        instrument.event(
            "frontdesk.operator.reply",
            **{"frontdesk.ticket.id": ticket_id, "frontdesk.operator": operator, "frontdesk.return_to_bot": back},
        )
        ticket = {"id": ticket_id, "reason": reason, "status": "resolved"}
        update = {
            "messages": [AIMessage(content=reply, name=OPERATOR)],
            "ticket": ticket,
            "handoff_reason": None,
            "handoff_priority": None,
            "handoff_cause": None,
            "held_by": None if back else operator,
        }
        return Command(goto=END, update=update)

    return human_handoff


def _parse_answer(answer: Any, default_return: bool) -> tuple[str, str, bool]:
    """Accept ``"text"`` or ``{"reply": ..., "operator": ..., "return_to_bot": ...}``."""
    if isinstance(answer, dict):
        return (
            str(answer.get("reply", "")),
            str(answer.get("operator", OPERATOR)),
            bool(answer.get("return_to_bot", default_return)),
        )
    return str(answer), OPERATOR, default_return
