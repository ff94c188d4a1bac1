"""The router: what every new customer message passes first, inside the entry agent's step.

frontdesk routes like a front desk: every message starts at the entry agent (customer
service), which keeps the conversation and consults specialists through handoff tools.
Opening a turn resets its bookkeeping (grade, revision count, step count), so a verdict
from an earlier turn never leaks into this one, runs the app's input guardrails on the new
message before any model sees it, and notes its intents.

Why it is not a node of its own: a node is a LangGraph superstep, with its own checkpoint
and task, on every turn of every conversation. The turn is opened by the entry agent's
node, in the same step as its first model call; only a thread that must go elsewhere (to
the summarizer, or to a person) leaves the agent there. ``turn_of`` records which customer
message the open turn answers, so a revision, a summary or a specialist's return to the
entry agent does not open the turn again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from opentelemetry import trace

from frontdesk.agents.intents import Intent, next_intents
from frontdesk.graphs.state import SupportState, with_update, writes_of
from frontdesk.graphs.summarize import needs_summary
from frontdesk.guardrails.base import GuardrailContext, InputGuardrail, first_trip, record_trip
from frontdesk.guardrails.withheld import withhold
from frontdesk.runtime import RunContext

TURN_RESET: dict[str, Any] = {
    "revisions": 0,
    "agent_steps": 0,
    "grade": None,
    "handoff_reason": None,
    "handoff_priority": None,
    "handoff_cause": None,
}
"""What a new turn starts from: nothing of the last turn's review, steps or handoff."""


@dataclass(frozen=True)
class TurnStart:
    """A new turn's opening: the state it writes, and where it goes when not to the entry agent."""

    update: dict[str, Any] = field(default_factory=dict)
    goto: str | None = None
    """``summarize`` or ``human_handoff``; ``None``: the entry agent answers in this step."""

    def applied(self, state: SupportState) -> SupportState:
        """``state`` as the entry agent sees it once the turn is open (a withheld message replaced)."""
        return with_update(state, self.update)

    def joined(self, command: Command[Any]) -> Command[Any]:
        """The agent's ``command`` with the opening's writes before its own (the agent's win)."""
        own = writes_of(command)
        update = {**self.update, **own}
        if self.update.get("messages") and own.get("messages"):
            update["messages"] = [*self.update["messages"], *own["messages"]]
        return Command(goto=command.goto, update=update)


def customer_message_id(messages: Sequence[BaseMessage]) -> str | None:
    """The id of the thread's latest customer message: the turn it is on."""
    return next((str(message.id) for message in reversed(messages) if isinstance(message, HumanMessage)), None)


TurnOpener = Callable[[SupportState, RunnableConfig, RunContext], TurnStart | None]


def make_turn_opener(
    *,
    summarize_after: int | None = None,
    input_guardrails: Sequence[InputGuardrail] = (),
    classify: Callable[[str], list[Intent]] | None = None,
) -> TurnOpener:
    """Build what opens a turn at the entry agent: ``None`` while the turn is already open.

    A thread longer than ``summarize_after`` messages first passes through the summarizer;
    a thread an operator kept goes straight back to that operator. ``input_guardrails``
    check the new customer message first: a block withholds it from every model (it stays
    in the thread), a handoff sends the thread to a person. With ``classify`` (intent
    routing) the message's intents are noted for the agents (see ``agents.intents``).
    """

    def open_turn(state: SupportState, config: RunnableConfig, context: RunContext) -> TurnStart | None:
        messages = state.get("messages", [])
        turn = customer_message_id(messages)
        if turn is None or turn == state.get("turn_of"):
            return None
        # only what differs is written: each written key is one more row in the checkpointer's writes
        update: dict[str, Any] = {key: value for key, value in TURN_RESET.items() if state.get(key) != value} | {
            "turn_of": turn
        }
        if state.get("held_by"):
            return TurnStart({**update, "handoff_cause": "operator_kept"}, goto="human_handoff")
        if input_guardrails and isinstance(messages[-1], HumanMessage):
            latest = messages[-1]
            ctx = GuardrailContext(
                str(config.get("configurable", {}).get("thread_id", "")), state.get("customer_id"), messages, context
            )
            trip = first_trip((g.name, g.check_input(str(latest.content), ctx)) for g in input_guardrails)
            if trip is not None:
                name, result = trip
                record_trip(name, "input", result, context)
                if result.action == "handoff":
                    update.update(
                        handoff_reason=f"{name}: {result.reason}", handoff_priority="high", handoff_cause="guardrail"
                    )
                    return TurnStart(update, goto="human_handoff")
                update["messages"] = [withhold(latest, name, result.reason)]
        if classify is not None and isinstance(messages[-1], HumanMessage):
            update["intents"] = next_intents(classify, str(messages[-1].content), state.get("intents"))
            trace.get_current_span().set_attribute("frontdesk.intents", update["intents"])
        return TurnStart(update, goto="summarize" if needs_summary(state, summarize_after) else None)

    return open_turn
