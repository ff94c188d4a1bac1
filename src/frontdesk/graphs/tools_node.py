"""The tools node: runs the tool calls of the latest agent message through the tool pipeline.

It is the only place that writes ``customer_id`` into state (from an authentication
tool's result, reported by the pipeline) and the only place a handoff turns into a
``Command(goto=...)``. Each agent gets a pipeline over its own tools, so an agent can only
run tools it was given; unknown names and unparsable arguments come back to the model as
error tool messages, so one bad call never ends the conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from frontdesk.agents.base import AgentSpec
from frontdesk.graphs.state import SupportState, last_ai_message
from frontdesk.runtime import RunContext
from frontdesk.tools.base import ToolContext
from frontdesk.tools.execution import Check, ToolCallRequest, ToolPipeline
from frontdesk.tools.handoff import HUMAN
from frontdesk.tracing import instrument


def requests_of(message: Any) -> list[ToolCallRequest]:
    """A model message's calls, the unparsable ones included (they become error results)."""
    calls = [
        ToolCallRequest(
            id=bad.get("id") or "", name=bad.get("name") or "?", parse_error=str(bad.get("error") or bad.get("args"))
        )
        for bad in message.invalid_tool_calls
    ]
    calls += [ToolCallRequest(id=call["id"] or "", name=call["name"], args=call["args"]) for call in message.tool_calls]
    return calls


def make_tools_node(
    agents: Mapping[str, AgentSpec], policies: Sequence[Check] = (), *, time_limit: float | None = None
) -> Callable[[SupportState, RunnableConfig, RunContext], Command[Any]]:
    """Build the node that executes tool calls for whichever agent made them, under ``policies``."""
    pipelines = {name: ToolPipeline(spec.tools, policies, time_limit=time_limit) for name, spec in agents.items()}

    def run_tools(state: SupportState, config: RunnableConfig, context: RunContext) -> Command[Any]:
        message = last_ai_message(state)
        agent = agents[message.name]
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        said = "\n".join(
            [
                state.get("summary") or "",
                *(str(m.content) for m in state.get("messages", []) if isinstance(m, HumanMessage)),
            ]
        )
        # the turn and the model message scope the model's call ids: a model reusing an id later makes a new call
        scope = f"{state.get('turn_of') or ''}|{message.id or ''}"
        ctx = ToolContext(
            customer_id=state.get("customer_id"), thread_id=thread_id, run=context, customer_said=said, call_scope=scope
        )
        batch = pipelines[agent.name].run_all(requests_of(message), ctx)
        update: dict[str, Any] = {
            "messages": [
                ToolMessage(
                    content=r.outcome.content,
                    tool_call_id=r.call_id,
                    name=r.outcome.name,
                    status="success" if r.outcome.ok else "error",
                )
                for r in batch.results
            ]
        }
        if batch.authenticated:
            update["customer_id"] = batch.customer_id
        if batch.handoff is None:
            return Command(goto=agent.name, update=update)
        target = batch.handoff.target
        instrument.event("frontdesk.handoff", **{"frontdesk.handoff.from": agent.name, "frontdesk.handoff.to": target})
        if target == HUMAN:
            update["handoff_reason"] = batch.handoff.reason or f"{agent.name} asked for a human"
            update["handoff_priority"] = "high" if batch.handoff.priority == "high" else "normal"
            update["handoff_cause"] = "guardrail" if batch.handoff.priority == "high" else "agent_transfer"
            return Command(goto="human_handoff", update=update)
        update["active_agent"] = target
        return Command(goto=target, update=update)

    return run_tools
