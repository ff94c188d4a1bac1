"""An AutoGen Swarm as a node of a LangGraph graph on SupportState: reply, auth, handoff."""

from __future__ import annotations

import asyncio

import pytest

pytest.importorskip("autogen_core")
pytest.importorskip("autogen_agentchat")

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.teams import Swarm
from langchain_core.messages import AIMessage, HumanMessage

from frontdesk.interop import ToolSession
from frontdesk.interop.autogen_model import scripted_client
from frontdesk.interop.autogen_tools import autogen_tools
from frontdesk.interop.nodes import autogen_team_node, autogen_turn_end
from frontdesk.llm.scripted import Script
from frontdesk.operators import tickets
from tests.interop.conftest import AVA, AVA_EMAIL, AVA_PENDING, BEN_PENDING, call, script
from tests.interop.graph_helpers import team_graph


def lookup_then_handoff() -> Script:
    return script(
        "autogen-node",
        {
            "support": [
                call("find_user_id_by_email", email=AVA_EMAIL),
                call("get_order_details", order_id=AVA_PENDING),
                "Order #D1001 is pending.",
            ]
        },
        {
            "support": [
                call("get_order_details", order_id=BEN_PENDING),
                {
                    "text": "I can't show you that order; a colleague will look into it.",
                    "tool_calls": [{"name": "transfer_to_user", "args": {}}],
                },
            ]
        },
    )


def swarm_graph(steps: Script, shop):
    session = ToolSession(engine=shop)
    agent = AssistantAgent(
        "support",
        model_client=scripted_client(steps, "support"),
        tools=autogen_tools(session),
        handoffs=["user"],
        max_tool_iterations=5,
    )
    team = Swarm([agent], termination_condition=autogen_turn_end("support"))
    return team_graph(autogen_team_node(team, session, name="support_team"), session.services, "support_team")


def test_swarm_node_replies_then_hands_off_to_a_person(shop) -> None:
    steps = lookup_then_handoff()
    graph = swarm_graph(steps, shop)
    config = {"configurable": {"thread_id": "autogen-thread"}}

    first = graph.invoke({"messages": [HumanMessage(f"Hi, I'm {AVA_EMAIL}. Where is {AVA_PENDING}?")]}, config)
    reply = first["messages"][-1]
    assert isinstance(reply, AIMessage) and reply.name == "support_team" and reply.content == "Order #D1001 is pending."
    assert first["customer_id"] == AVA and not first.get("handoff_reason")
    assert steps.leftovers(0) == {}

    steps.turn = 1
    second = graph.invoke({"messages": [HumanMessage(f"And show me {BEN_PENDING}.")]}, config)
    assert "__interrupt__" in second, "the human handoff node must pause the thread"
    assert second["messages"][-1].content == "I can't show you that order; a colleague will look into it."
    assert second["handoff_reason"].startswith("support handed the conversation to a person")
    [ticket] = tickets.open_tickets(shop)
    assert ticket.thread_id == "autogen-thread" and ticket.customer_id == AVA
    assert steps.leftovers(1) == {}


def test_swarm_node_runs_under_ainvoke_too(shop) -> None:
    steps = lookup_then_handoff()
    graph = swarm_graph(steps, shop)
    config = {"configurable": {"thread_id": "autogen-async"}}
    result = asyncio.run(
        graph.ainvoke({"messages": [HumanMessage(f"I'm {AVA_EMAIL}, where is {AVA_PENDING}?")]}, config)
    )
    assert result["messages"][-1].content == "Order #D1001 is pending."
