"""Bare LangGraph: the smallest graph a LangGraph user would write for the same job.

One agent node (the model with the tools bound) and one tool-executing node, looping
until the model answers in text or a tool hands the conversation to a person;
``InMemorySaver`` keeps the thread between turns. No router, researcher, grader,
approvals, tickets, tracing or durable checkpoints — which is the point: it is the
baseline every other framework's overhead is divided by.

The tools are frontdesk's, called through :class:`~frontdesk.interop.ToolSession` (the
same validation, ownership checks and transactions the other single-agent frameworks
get); the authenticated customer lives in graph state, as it would in any LangGraph app.
"""

from __future__ import annotations

import uuid
from contextlib import nullcontext
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, MessagesState, StateGraph

from frontdesk.benchmarks.model import ModelClock
from frontdesk.benchmarks.tasks import (
    INSTRUCTIONS,
    BenchTask,
    TaskRun,
    TurnOutcome,
    TurnTimer,
    bench_tools,
    run_single_agent,
)
from frontdesk.interop.session import ToolSession
from frontdesk.llm.scripted import Script
from frontdesk.persistence.checkpoint import DURABILITY, open_checkpointer
from frontdesk.replay.environment import ReplayEnvironment

NAME = "langgraph"


class BareState(MessagesState):
    """Messages, the authenticated customer, and whether this turn went to a person."""

    customer_id: str | None
    handoff: str | None


def build_bare_graph(model: Any, session: ToolSession, checkpointer: BaseCheckpointSaver | None = None) -> Any:
    """agent ⇄ tools, END on a text reply or a handoff to a person (``InMemorySaver`` unless given one)."""
    tools = {t.name: t for t in bench_tools()}
    bound = model.bind_tools([t.openai_schema() for t in tools.values()])

    def agent(state: BareState) -> dict[str, Any]:
        return {"messages": [bound.invoke([SystemMessage(INSTRUCTIONS), *state["messages"]])]}

    def run_tools(state: BareState, config: RunnableConfig) -> dict[str, Any]:
        message = state["messages"][-1]
        assert isinstance(message, AIMessage), "the tools node runs after an agent message"
        session.begin_turn(customer_id=state.get("customer_id"), thread_id=str(config["configurable"]["thread_id"]))
        replies = []
        for call in message.tool_calls:
            tool = tools.get(call["name"])
            if tool is None:
                replies.append(
                    ToolMessage(
                        content=f"Error: unknown tool {call['name']!r}", tool_call_id=call["id"], status="error"
                    )
                )
                continue
            outcome = session.run(tool, call["args"], call["id"])
            replies.append(
                ToolMessage(
                    content=outcome.content,
                    tool_call_id=call["id"],
                    name=tool.name,
                    status="success" if outcome.ok else "error",
                )
            )
        update: dict[str, Any] = {"messages": replies, "customer_id": session.customer_id}
        if session.handoff is not None and session.handoff.to_human:
            update["handoff"] = session.handoff.reason
        return update

    def after_agent(state: BareState) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else END

    def after_tools(state: BareState) -> str:
        return END if state.get("handoff") else "agent"

    graph = StateGraph(BareState)
    graph.add_node("agent", agent)
    graph.add_node("tools", run_tools)
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", after_agent, ["tools", END])
    graph.add_conditional_edges("tools", after_tools, ["agent", END])
    return graph.compile(checkpointer=checkpointer or InMemorySaver())


def _reply(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            break
        if isinstance(message, AIMessage) and message.content and not message.tool_calls:
            return str(message.content)
    return ""


def run_task(
    task: BenchTask, env: ReplayEnvironment, latency_s: float, clock: ModelClock, *, durable: bool = False
) -> TaskRun:
    """Run ``task`` turn by turn through the bare graph and judge its end state.

    ``durable`` gives the bare graph what frontdesk's checkpoints cost: the same SQLite saver
    (a file, WAL) and ``durability="sync"``. Not the baseline the bench divides by — it shows
    how much of frontdesk's time over bare LangGraph is the durable checkpointer alone.
    """

    def converse(
        script: Script, session: ToolSession, model: Any, timer: TurnTimer, outcomes: list[TurnOutcome]
    ) -> None:
        thread_id = f"bench-{uuid.uuid4().hex[:8]}"
        with (
            open_checkpointer(f"sqlite:///{env.workdir / f'{thread_id}.sqlite'}") if durable else nullcontext() as saver
        ):
            graph = build_bare_graph(model, session, saver)
            config = {"configurable": {"thread_id": thread_id}}
            for index, turn in enumerate(task.scenario.turns):
                script.turn = index
                with timer.turn():
                    values = graph.invoke(
                        {"messages": [HumanMessage(turn.user)], "handoff": None},
                        config,
                        durability=DURABILITY if durable else None,
                    )
                outcomes.append(TurnOutcome(reply=_reply(values["messages"]), handoff=bool(values.get("handoff"))))

    return run_single_agent(NAME, task, env, latency_s, clock, converse)
