"""The tools node: runs the tool calls of the latest agent message.

It is the only place that writes ``customer_id`` (from an authentication tool's result)
and the only place a handoff tool turns into a ``Command(goto=...)``. An agent may only run
tools it was given; anything else — unknown names, unparsable arguments — goes back to
the model as an error tool message, so one bad call never ends the conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.messages import ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from sqlmodel import Session

from frontdesk.agents.base import AgentSpec
from frontdesk.graphs.approvals import NO_APPROVALS, ApprovalPolicy, approval_gate
from frontdesk.graphs.state import SupportState, last_ai_message
from frontdesk.memory import tool_runs
from frontdesk.runtime import Services
from frontdesk.tools.base import Tool, ToolContext, ToolKind, ToolOutcome
from frontdesk.tools.handoff import HUMAN
from frontdesk.tracing import instrument


def make_tools_node(agents: Mapping[str, AgentSpec], services: Services, policy: ApprovalPolicy = NO_APPROVALS) -> Callable[[SupportState, RunnableConfig], Command[Any]]:
    """Build the node that executes tool calls for whichever agent made them.

    Calls the approval ``policy`` marks as sensitive wait for an operator first.
    """

    def run_tools(state: SupportState, config: RunnableConfig) -> Command[Any]:
        message = last_ai_message(state)
        agent = agents[message.name]
        thread_id = str(config.get("configurable", {}).get("thread_id", ""))
        ctx = ToolContext(customer_id=state.get("customer_id"), thread_id=thread_id, engine=services.engine, services=services)
        replies: list[ToolMessage] = []
        update: dict[str, Any] = {}
        handoff: tuple[str, str] | None = None
        for bad in message.invalid_tool_calls:
            replies.append(_error_reply(bad.get("id") or "", bad.get("name") or "?", f"Could not parse the arguments of {bad.get('name')}: {bad.get('error') or bad.get('args')}"))
        for call in message.tool_calls:
            tool = agent.tool_named(call["name"])
            if tool is None:
                allowed = ", ".join(t.name for t in agent.tools)
                replies.append(_error_reply(call["id"], call["name"], f"Unknown tool {call['name']!r}. Available tools: {allowed}"))
                continue
            ctx.tool_call_id = call["id"] or ""
            args, refusal = approval_gate(policy, services, tool, call["args"], ctx)
            if refusal is not None or args is None:
                refused = refusal or "The action was not approved."
                replies.append(ToolMessage(content=refused, tool_call_id=call["id"], name=tool.name, status="error"))
                continue
            with instrument.tool_call(services, tool.name, ctx.tool_call_id, tool.kind.value, thread_id, args) as record:
                outcome = invoke_once(tool, ctx, args)
                record(outcome.ok, outcome.content)
            replies.append(_reply(call["id"], outcome))
            if outcome.authenticated_customer:
                ctx.customer_id = outcome.authenticated_customer
                update["customer_id"] = outcome.authenticated_customer
            if outcome.ok and outcome.handoff_to:
                reason = str(call["args"].get("summary") or call["args"].get("reason") or "")
                handoff = (outcome.handoff_to, reason)
        update["messages"] = replies
        if handoff is None:
            return Command(goto=agent.name, update=update)
        target, reason = handoff
        instrument.event("frontdesk.handoff", **{"frontdesk.handoff.from": agent.name, "frontdesk.handoff.to": target})
        if target == HUMAN:
            update["handoff_reason"] = reason or f"{agent.name} asked for a human"
            return Command(goto="human_handoff", update=update)
        update["active_agent"] = target
        return Command(goto=target, update=update)

    return run_tools


def invoke_once(tool: Tool, ctx: ToolContext, args: dict[str, Any]) -> ToolOutcome:
    """Run a tool as the graph does: a WRITE tool with a domain DB runs exactly once per tool call id.

    Public so other hosts of frontdesk tools (the AutoGen and CrewAI adapters) share this path.

    The tool's changes and its idempotency row commit in one transaction: either both
    exist (a re-run returns the stored result) or neither does (the re-run acts).
    """
    if tool.kind is not ToolKind.WRITE or ctx.engine is None or not ctx.tool_call_id:
        return tool.invoke(ctx, args)
    with Session(ctx.engine, expire_on_commit=False) as session:
        earlier = tool_runs.previous_run(session, ctx.thread_id, ctx.tool_call_id)
        if earlier is not None:
            return ToolOutcome(name=tool.name, content=earlier.content, ok=True, handoff_to=tool.handoff_to)
        ctx._session = session
        try:
            outcome = tool.invoke(ctx, args)
            if outcome.ok:
                tool_runs.record_run(session, ctx.thread_id, ctx.tool_call_id, tool.name, outcome.content)
                session.commit()
            else:
                session.rollback()
        finally:
            ctx._session = None
    return outcome


def _reply(call_id: str, outcome: ToolOutcome) -> ToolMessage:
    return ToolMessage(content=outcome.content, tool_call_id=call_id, name=outcome.name, status="success" if outcome.ok else "error")


def _error_reply(call_id: str, name: str, text: str) -> ToolMessage:
    return ToolMessage(content=f"Error: {text}", tool_call_id=call_id, name=name, status="error")
