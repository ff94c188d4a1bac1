"""The router: where each new customer message goes first.

frontdesk routes like a front desk: every message starts at the entry agent (customer
service), which keeps the conversation and consults specialists through handoff tools.
The router also resets per-turn bookkeeping (grade, revision count), so a verdict from an
earlier turn never leaks into this one, and runs the app's input guardrails on the new
message before any agent sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from opentelemetry import trace

from frontdesk.agents.intents import Intent, next_intents
from frontdesk.graphs.state import SupportState
from frontdesk.graphs.summarize import needs_summary
from frontdesk.guardrails.base import GuardrailContext, InputGuardrail, first_trip, record_trip
from frontdesk.guardrails.withheld import withhold
from frontdesk.runtime import RunContext


def make_router(
    entry_agent: str,
    *,
    summarize_after: int | None = None,
    input_guardrails: Sequence[InputGuardrail] = (),
    classify: Callable[[str], list[Intent]] | None = None,
) -> Callable[[SupportState, RunnableConfig, RunContext], Command[Any]]:
    """Build the router node that starts every turn at ``entry_agent``.

    A thread longer than ``summarize_after`` messages first passes through the summarizer;
    a thread an operator kept goes straight back to that operator. ``input_guardrails``
    check the new customer message first: a block withholds it from every model (it stays
    in the thread), a handoff sends the thread to a person. With ``classify`` (intent
    routing) the message's intents are noted for the agents (see ``agents.intents``).
    """

    def route(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        update: dict[str, Any] = {"revisions": 0, "agent_steps": 0, "grade": None, "handoff_reason": None, "handoff_priority": None, "handoff_cause": None}
        if state.get("held_by"):
            return Command(goto="human_handoff", update={**update, "handoff_cause": "operator_kept"})
        messages = state.get("messages", [])
        if input_guardrails and messages and isinstance(messages[-1], HumanMessage):
            latest = messages[-1]
            ctx = GuardrailContext(str(config.get("configurable", {}).get("thread_id", "")), state.get("customer_id"), messages, context)
            trip = first_trip((g.name, g.check_input(str(latest.content), ctx)) for g in input_guardrails)
            if trip is not None:
                name, result = trip
                record_trip(name, "input", result, context)
                if result.action == "handoff":
                    update.update(handoff_reason=f"{name}: {result.reason}", handoff_priority="high", handoff_cause="guardrail")
                    return Command(goto="human_handoff", update=update)
                update["messages"] = [withhold(latest, name, result.reason)]
        if classify is not None and messages and isinstance(messages[-1], HumanMessage):
            update["intents"] = next_intents(classify, str(messages[-1].content), state.get("intents"))
            trace.get_current_span().set_attribute("frontdesk.intents", update["intents"])
        if needs_summary(state, summarize_after):
            return Command(goto="summarize", update=update)
        return Command(goto=entry_agent, update=update)

    return route
