"""frontdesk tools and the scripted model inside CrewAI (crewai 1.15)."""

from __future__ import annotations

import pytest

pytest.importorskip("crewai")

from crewai import Agent, Crew, Process, Task
from crewai.utilities.agent_utils import convert_tools_to_openai_schema
from langchain_core.messages import ToolMessage

from frontdesk.domains.retail.tools import RETAIL_TOOLS, TOOLS_BY_NAME
from frontdesk.interop import ToolSession
from frontdesk.interop.crewai_model import LangChainCrewLLM, scripted_llm
from frontdesk.interop.crewai_tools import FrontdeskCrewTool, crewai_tools
from frontdesk.tools.base import ToolContext
from tests.interop.conftest import (
    AGREED,
    AVA,
    AVA_EMAIL,
    AVA_PENDING,
    BEN_PENDING,
    RecordingScriptedModel,
    call,
    db_hash,
    order_status,
    script,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MISSING_ORDER_ID = "Error: Invalid arguments for get_order_details: order_id: Field required"


def exported(session: ToolSession, name: str) -> FrontdeskCrewTool:
    return next(t for t in crewai_tools(session) if t.name == name)


def support_crew(llm: LangChainCrewLLM, session: ToolSession, *, cache: bool = False) -> Crew:
    agent = Agent(
        role="Support",
        goal="Answer retail customers",
        backstory="A careful support agent.",
        llm=llm,
        tools=crewai_tools(session),
        allow_delegation=False,
        verbose=False,
    )
    task = Task(
        description="Earlier conversation:\n{history}\n\nThe customer says: {message}",
        expected_output="A reply to the customer",
        agent=agent,
    )
    return Crew(agents=[agent], tasks=[task], process=Process.sequential, cache=cache, verbose=False)


def test_schemas_crewai_sends_are_frontdesks() -> None:
    tools = crewai_tools(ToolSession())
    assert [t.name for t in tools] == [t.name for t in RETAIL_TOOLS]
    assert all(t.args_schema is TOOLS_BY_NAME[t.name].args_model for t in tools)
    schemas, _, _ = convert_tools_to_openai_schema(tools)
    for schema in schemas:
        parameters = {k: v for k, v in schema["function"]["parameters"].items() if v != []}
        assert parameters == TOOLS_BY_NAME[schema["function"]["name"]].openai_schema()["function"]["parameters"]


def test_write_tool_changes_the_db_exactly_like_the_frontdesk_tool(shop, twin_shop) -> None:
    args = {"order_id": AVA_PENDING, "reason": "no longer needed"}
    content = exported(ToolSession(engine=shop, customer_id=AVA, **AGREED), "cancel_pending_order").run(**args)
    plain = TOOLS_BY_NAME["cancel_pending_order"].invoke(ToolContext(customer_id=AVA, engine=twin_shop), args)
    assert plain.ok and content == plain.content
    assert order_status(shop, AVA_PENDING) == "cancelled"
    assert db_hash(shop) == db_hash(twin_shop)


def test_invalid_arguments_give_the_field_naming_error_on_both_calling_paths(shop) -> None:
    before = db_hash(shop)
    tool = exported(ToolSession(engine=shop, customer_id=AVA, **AGREED), "cancel_pending_order")
    expected = "Error: Invalid arguments for cancel_pending_order: reason: Field required"
    assert tool.run(order_id=AVA_PENDING) == expected
    assert tool.to_structured_tool().invoke({"order_id": AVA_PENDING}) == expected
    assert tool.to_structured_tool().invoke('{"order_id": 7, "reason": "no longer needed"}') == (
        "Error: Invalid arguments for cancel_pending_order: order_id: Input should be a valid string (got 7)"
    )
    assert db_hash(shop) == before


def test_another_customers_order_is_refused(shop) -> None:
    before = db_hash(shop)
    session = ToolSession(engine=shop, customer_id=AVA, **AGREED)
    refusal = "Error: Order not found"
    assert exported(session, "get_order_details").run(order_id=BEN_PENDING) == refusal
    assert exported(session, "cancel_pending_order").run(order_id=BEN_PENDING, reason="no longer needed") == refusal
    assert db_hash(shop) == before


def test_scripted_crew_authenticates_looks_up_the_order_and_replies(shop) -> None:
    steps = script(
        "crewai-lookup",
        {
            "support": [
                call("get_order_details", order_id=AVA_PENDING),
                call("find_user_id_by_email", email=AVA_EMAIL),
                call("get_order_details"),
                call("get_order_details", order_id=AVA_PENDING),
                "Your order #D1001 is pending and has not shipped yet.",
            ]
        },
    )
    model = RecordingScriptedModel(script=steps, agent="support")
    session = ToolSession(engine=shop, **AGREED)
    # cache=True on purpose: CrewAI's tool cache must not replay the first (refused) call.
    output = support_crew(LangChainCrewLLM(model="scripted", chat_model=model), session, cache=True).kickoff(
        inputs={"message": f"I'm {AVA_EMAIL}, where is {AVA_PENDING}?", "history": "(none)"}
    )
    assert output.raw == "Your order #D1001 is pending and has not shipped yet."
    assert steps.leftovers(0) == {}
    assert session.customer_id == AVA
    outcomes = [o.content for o in session.outcomes]
    assert "not authenticated" in outcomes[0] and outcomes[1] == AVA and outcomes[2] == MISSING_ORDER_ID
    # The same call as the first one ran again (no cached refusal) and found the order.
    assert '"status": "pending"' in outcomes[3]
    tool_replies = [m.content for m in model.prompts[-1] if isinstance(m, ToolMessage)]
    assert MISSING_ORDER_ID in tool_replies


def test_crew_llm_speaks_crewai_message_dicts() -> None:
    steps = script("crewai-llm", {"support": ["Plain text answer."]})
    llm = scripted_llm(steps, "support")
    assert llm.supports_function_calling() and llm.call("Hello") == "Plain text answer."
