"""The graph node that runs one agent for one model call.

It opens the turn on its first step (``router``), calls the agent's model with the tools
offered now bound (``offered_tools``) on the prompt ``agent_prompt`` writes, recovers tool
calls a model wrote as text (small local models do), names the reply after the agent (so
transcripts and traces show who spoke), and routes with ``Command``: to the tools node when
the model called tools; a drafted reply is reviewed in the same step (``review``) and either
ends the turn or goes back to the agent with the reviewer's reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command

from frontdesk.agents.base import AgentSpec
from frontdesk.agents.intents import Intent
from frontdesk.agents.steps import Step
from frontdesk.gateway.errors import ModelUnavailable
from frontdesk.gateway.model import GatewayChatModel
from frontdesk.graphs.agent_prompt import instructions_message, turn_context
from frontdesk.graphs.cancellation import cancelled
from frontdesk.graphs.compact import compact_tool_results
from frontdesk.graphs.memory_read import aremembered, remembered
from frontdesk.graphs.nodes import SyncAndAsync
from frontdesk.graphs.offered_tools import direct_call, forced_step, schemas_of, usable_tools
from frontdesk.graphs.review import Draft, areview_in_step, review_in_step
from frontdesk.graphs.router import TurnOpener, TurnStart
from frontdesk.graphs.state import SupportState
from frontdesk.guardrails.withheld import model_view
from frontdesk.llm.factory import ModelProvider
from frontdesk.llm.toolcall_recovery import recover_tool_calls
from frontdesk.memory.customer_memory import MemoryEntry
from frontdesk.runtime import RunContext
from frontdesk.tools.base import Tool
from frontdesk.tracing import instrument


def escalated(model: Any, revisions: int) -> Any:
    """For a cascading agent whose draft failed review, the same chain from a stronger model on."""
    if revisions and isinstance(model, GatewayChatModel) and model.cascade:
        instrument.event(
            "frontdesk.gateway.escalated",
            **{"frontdesk.gateway.reason": "draft_failed_review", "frontdesk.gateway.tier": revisions},
        )
        return model.at_tier(revisions)
    return model


@dataclass(frozen=True)
class _Call:
    """One agent step's model call: the model (for its span), the model with tools bound, the prompt."""

    model: Any
    bound: Any
    prompt: list[BaseMessage]
    thread_id: str
    steps: int


def make_agent_node(
    spec: AgentSpec,
    models: ModelProvider,
    *,
    review: SyncAndAsync | None = None,
    max_steps: int = 12,
    intents: Sequence[Intent] = (),
    login_steps: Sequence[Step] = (),
    force_writes: bool = True,
    own_steps: Sequence[Step] = (),
    direct_steps: bool = False,
    open_turn: TurnOpener | None = None,
) -> SyncAndAsync:
    """Build the graph node that runs ``spec`` for one model call.

    An agent that keeps calling tools past ``max_steps`` model calls in one turn is
    stuck; the thread goes to a person instead of looping. With ``intents`` (intent
    routing) the agent sees only the request's tools and its first step is forced when
    the customer's words allow it (``login_steps`` before authentication; WRITE steps only
    with ``force_writes``, which the graph sets when every WRITE waits for the customer's yes);
    ``own_steps`` are the agent's own (``AgentSpec.steps``), forced the same way. With
    ``direct_steps`` a forced read whose arguments the customer wrote is called without the
    model (``direct_call``). ``review`` (the grader's checks) reviews each draft of a graded
    agent in this node's step (see ``graphs.review``). ``open_turn`` (the entry agent's) opens each new customer
    message's turn in this node's step (see ``graphs.router``).
    """

    bound_models: dict[tuple[int, tuple[int, ...], str | None], tuple[Any, tuple[Tool, ...], Any]] = {}

    def with_tools(model: Any, usable: tuple[Tool, ...], forced: str | None = None) -> Any:
        """``model`` with ``usable`` bound (and made to call ``forced``), kept per model, tools and
        choice (binding converts every schema again, and a new binding is serialised again by
        LangChain's callbacks)."""
        if not usable:
            return model
        key = (id(model), tuple(id(tool) for tool in usable), forced)
        known = bound_models.get(key)
        if known is not None and known[0] is model and all(a is b for a, b in zip(known[1], usable, strict=True)):
            return known[2]
        bound = (
            model.bind_tools(schemas_of(usable), tool_choice=forced) if forced else model.bind_tools(schemas_of(usable))
        )
        if len(bound_models) >= 64:  # models chosen per conversation (a provider) or per tier: start over
            bound_models.clear()
        bound_models[key] = (model, usable, bound)
        return bound

    def prepare(state: SupportState, config: RunnableConfig, known: Sequence[MemoryEntry]) -> Command[Any] | _Call:
        """The model call this step makes (``known``: the customer's long-term memory), or the
        handoff when the agent is stuck."""
        steps = state.get("agent_steps", 0) + 1
        if steps > max_steps:
            reason = f"The agent is stuck: {max_steps} model calls in this turn without a reply"
            return Command(
                goto="human_handoff",
                update={
                    "handoff_reason": reason,
                    "handoff_priority": "high",
                    "handoff_cause": "agent_stuck",
                    "agent_steps": steps,
                },
            )
        model = escalated(models.for_agent(spec.name), state.get("revisions", 0))
        usable = usable_tools(spec, state, intents)
        step = (
            forced_step(state, usable, intents, login_steps, writes=force_writes, own=own_steps)
            if intents or own_steps
            else None
        )
        forced = step.tool if step is not None else None
        direct = direct_call(step, usable, state) if step is not None and direct_steps else None
        if direct is not None:
            instrument.event(
                "frontdesk.agent.direct_step", **{"frontdesk.agent": spec.name, "frontdesk.tool": direct["name"]}
            )
            message = AIMessage(content="", tool_calls=[direct], name=spec.name)
            return Command(goto="tools", update=writes(message, steps, state.get("active_agent")))
        if forced:
            instrument.event("frontdesk.agent.forced_step", **{"frontdesk.agent": spec.name, "frontdesk.tool": forced})
        prompt: list[BaseMessage] = [
            instructions_message(spec),
            *compact_tool_results(model_view(state.get("messages", []))),
            SystemMessage(turn_context(spec, state, known, intents, forced=forced)),
        ]
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        return _Call(model, with_tools(model, usable, forced), prompt, thread_id, steps)

    def unavailable(exc: ModelUnavailable, steps: int) -> Command[Any]:
        """Every model down, or the budget spent: a fixed reply and a person, never silence."""
        instrument.event("frontdesk.model.unavailable", **{"frontdesk.agent": spec.name})
        fallback = AIMessage(content=exc.fallback_reply, name=spec.name)
        handoff = {
            "messages": [fallback],
            "handoff_reason": str(exc),
            "handoff_priority": "high",
            "handoff_cause": "model_unavailable",
            "agent_steps": steps,
        }
        return Command(goto="human_handoff", update=handoff)

    def writes(message: AIMessage, steps: int, active: str | None) -> dict[str, Any]:
        """This step's message and step count, and the agent's name when the thread moves to it
        (written only when it changes: each written key is one more checkpoint write)."""
        update: dict[str, Any] = {"messages": [message], "agent_steps": steps}
        if active != spec.name:
            update["active_agent"] = spec.name
        return update

    def route(reply: Any, steps: int, active: str | None) -> Command[Any] | Draft:
        reply = recover_tool_calls(reply, {t.name for t in spec.tools})
        message = AIMessage(
            content=reply.content,
            tool_calls=reply.tool_calls,
            invalid_tool_calls=reply.invalid_tool_calls,
            name=spec.name,
            id=reply.id,
            usage_metadata=reply.usage_metadata,
            response_metadata=reply.response_metadata,
        )
        update = writes(message, steps, active)
        if message.tool_calls or message.invalid_tool_calls:
            return Command(goto="tools", update=update)
        if review is not None and spec.graded:
            return Draft(update)
        return Command(goto=END, update=update)

    def opening(
        state: SupportState, config: RunnableConfig, context: RunContext
    ) -> tuple[TurnStart | None, SupportState]:
        """The turn this step opens (if any) and the state the agent works from."""
        start = open_turn(state, config, context) if open_turn is not None else None
        return start, (start.applied(state) if start is not None else state)

    def step(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        call = prepare(state, config, remembered(state, context))
        if isinstance(call, Command):
            return call
        if cancelled(config):
            return Command(goto=END)
        try:  # an incomplete or failed reply is retried, and other models tried, by the model gateway
            with instrument.agent_call(context, spec.name, call.thread_id, call.model, call.prompt) as record:
                reply = call.bound.invoke(call.prompt, config)
                record(reply)
        except ModelUnavailable as exc:
            return unavailable(exc, call.steps)
        routed = route(reply, call.steps, state.get("active_agent"))
        if cancelled(config):  # the review would be one more model call, for a reply nobody reads
            return Command(goto=END)
        return (
            review_in_step(review, state, routed.update, config, context)
            if isinstance(routed, Draft) and review is not None
            else _command(routed)
        )

    async def astep(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        call = prepare(state, config, await aremembered(state, context))
        if isinstance(call, Command):
            return call
        try:
            with instrument.agent_call(context, spec.name, call.thread_id, call.model, call.prompt) as record:
                reply = await call.bound.ainvoke(call.prompt, config)
                record(reply)
        except ModelUnavailable as exc:
            return unavailable(exc, call.steps)
        routed = route(reply, call.steps, state.get("active_agent"))
        if isinstance(routed, Draft) and review is not None:
            return await areview_in_step(review, state, routed.update, config, context)
        return _command(routed)

    def run_agent(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        start, state = opening(state, config, context)
        if start is None:
            return step(state, config, context)
        return start.joined(Command(goto=start.goto)) if start.goto else start.joined(step(state, config, context))

    async def arun_agent(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        start, state = opening(state, config, context)
        if start is None:
            return await astep(state, config, context)
        return (
            start.joined(Command(goto=start.goto)) if start.goto else start.joined(await astep(state, config, context))
        )

    run_agent.__name__ = arun_agent.__name__ = spec.name
    return SyncAndAsync(run_agent, arun_agent)


def _command(routed: Command[Any] | Draft) -> Command[Any]:
    """A routed step as the node's result (a draft with no review to run ends the turn)."""
    return Command(goto=END, update=routed.update) if isinstance(routed, Draft) else routed
