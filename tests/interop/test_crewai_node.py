"""A CrewAI crew as a node of a LangGraph graph on SupportState: reply, auth, handoff."""

from __future__ import annotations

import pytest

pytest.importorskip("crewai")

from crewai import Agent, Crew, Process, Task
from langchain_core.messages import AIMessage, HumanMessage

from frontdesk.interop import ToolSession
from frontdesk.interop.crewai_model import LangChainCrewLLM
from frontdesk.interop.crewai_tools import crewai_tools
from frontdesk.interop.nodes import crewai_crew_node
from frontdesk.operators import tickets
from tests.interop.conftest import AVA, AVA_EMAIL, AVA_PENDING, RecordingScriptedModel, call, script
from tests.interop.graph_helpers import team_graph

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_crew_node_replies_then_hands_off_to_a_person(shop) -> None:
    steps = script(
        "crewai-node",
        {
            "support": [
                call("find_user_id_by_email", email=AVA_EMAIL),
                call("get_order_details", order_id=AVA_PENDING),
                "Order #D1001 is pending.",
            ]
        },
        {
            "support": [
                call("transfer_to_human_agents", summary="Customer disputes a charge on #D1001"),
                "A colleague will take over from here.",
            ]
        },
    )
    model = RecordingScriptedModel(script=steps, agent="support")
    session = ToolSession(engine=shop)
    agent = Agent(
        role="Support",
        goal="Answer retail customers",
        backstory="A careful support agent.",
        llm=LangChainCrewLLM(model="scripted", chat_model=model),
        tools=crewai_tools(session),
    )
    task = Task(
        description="Conversation so far:\n{history}\n\nCustomer ({customer_id}) says: {message}",
        expected_output="A reply to the customer",
        agent=agent,
    )
    crew = Crew(agents=[agent], tasks=[task], process=Process.sequential, verbose=False)
    graph = team_graph(crewai_crew_node(crew, session, name="crew"), session.services, "crew")
    config = {"configurable": {"thread_id": "crew-thread"}}

    first = graph.invoke({"messages": [HumanMessage(f"Hi, I'm {AVA_EMAIL}. Where is {AVA_PENDING}?")]}, config)
    assert first["messages"][-1] == AIMessage(
        content="Order #D1001 is pending.", name="crew", id=first["messages"][-1].id
    )
    assert first["customer_id"] == AVA and not first.get("handoff_reason")

    steps.turn = 1
    second = graph.invoke({"messages": [HumanMessage("That charge is wrong, I want a person.")]}, config)
    assert "__interrupt__" in second
    assert second["messages"][-1].content == "A colleague will take over from here."
    assert second["handoff_reason"] == "Customer disputes a charge on #D1001"
    [ticket] = tickets.open_tickets(shop)
    assert ticket.reason == "Customer disputes a charge on #D1001" and ticket.customer_id == AVA
    # The crew has no memory across kickoffs: the node handed it the thread's history and customer.
    prompt = "\n".join(str(m.content) for m in model.prompts[-2])
    assert "assistant: Order #D1001 is pending." in prompt and f"Customer ({AVA})" in prompt
    assert steps.leftovers(0) == {} and steps.leftovers(1) == {}
