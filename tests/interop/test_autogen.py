"""frontdesk tools and the scripted model inside AutoGen (autogen-agentchat 0.7)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

pytest.importorskip("autogen_core")
pytest.importorskip("autogen_agentchat")

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.messages import HandoffMessage, TextMessage, ToolCallExecutionEvent
from autogen_agentchat.teams import Swarm
from autogen_core.tools import StaticWorkbench

from frontdesk.domains.retail.tools import RETAIL_TOOLS, TOOLS_BY_NAME
from frontdesk.interop import ToolSession
from frontdesk.interop.autogen_model import scripted_client
from frontdesk.interop.autogen_tools import FrontdeskToolError, autogen_tools
from frontdesk.interop.nodes import autogen_turn_end
from frontdesk.tools.base import ToolContext
from tests.interop.conftest import AGREED, AVA, AVA_EMAIL, AVA_PENDING, BEN_PENDING, call, db_hash, order_status, script


def call_tool(session: ToolSession, name: str, args: dict[str, Any], call_id: str = "call_1") -> Any:
    """Call an exported tool the way AssistantAgent does: through AutoGen's workbench."""
    workbench = StaticWorkbench(autogen_tools(session))
    return asyncio.run(workbench.call_tool(name, args, call_id=call_id))


def test_every_retail_tool_keeps_its_name_description_and_schema() -> None:
    exported = autogen_tools(ToolSession())
    assert [t.name for t in exported] == [t.name for t in RETAIL_TOOLS]
    for ours, theirs in zip(RETAIL_TOOLS, exported, strict=True):
        function = ours.openai_schema()["function"]
        assert theirs.schema == {
            "name": function["name"],
            "description": function["description"],
            "parameters": function["parameters"],
            "strict": False,
        }


def test_write_tool_changes_the_db_exactly_like_the_frontdesk_tool(shop, twin_shop) -> None:
    args = {"order_id": AVA_PENDING, "reason": "ordered by mistake"}
    result = call_tool(ToolSession(engine=shop, customer_id=AVA, **AGREED), "cancel_pending_order", args)
    plain = TOOLS_BY_NAME["cancel_pending_order"].invoke(ToolContext(customer_id=AVA, engine=twin_shop), args)
    assert not result.is_error and plain.ok
    assert result.result[0].content == plain.content
    assert order_status(shop, AVA_PENDING) == "cancelled"
    assert db_hash(shop) == db_hash(twin_shop)


def test_read_tool_returns_what_the_frontdesk_tool_returns(shop) -> None:
    result = call_tool(
        ToolSession(engine=shop, customer_id=AVA, **AGREED), "get_order_details", {"order_id": AVA_PENDING}
    )
    plain = TOOLS_BY_NAME["get_order_details"].invoke(
        ToolContext(customer_id=AVA, engine=shop), {"order_id": AVA_PENDING}
    )
    assert result.result[0].content == plain.content


def test_invalid_arguments_give_the_field_naming_error_and_change_nothing(shop) -> None:
    before = db_hash(shop)
    session = ToolSession(engine=shop, customer_id=AVA, **AGREED)
    missing = call_tool(session, "cancel_pending_order", {"order_id": AVA_PENDING})
    assert missing.is_error
    assert missing.result[0].content == "Error: Invalid arguments for cancel_pending_order: reason: Field required"
    extra = call_tool(session, "get_order_details", {"order_id": AVA_PENDING, "user_id": "ben_ortiz_1002"})
    assert extra.result[0].content.startswith(
        "Error: Invalid arguments for get_order_details: user_id: Extra inputs are not permitted"
    )
    wrong_type = call_tool(session, "cancel_pending_order", {"order_id": 1001, "reason": "no longer needed"})
    assert (
        wrong_type.result[0].content
        == "Error: Invalid arguments for cancel_pending_order: order_id: Input should be a valid string (got 1001)"
    )
    assert db_hash(shop) == before


def test_direct_run_json_raises_the_frontdesk_message(shop) -> None:
    from autogen_core import CancellationToken

    tool = autogen_tools(ToolSession(engine=shop, **AGREED))[0]
    with pytest.raises(
        FrontdeskToolError, match=r"^Error: Invalid arguments for calculate: expression: Field required$"
    ):
        asyncio.run(tool.run_json({}, CancellationToken()))


def test_another_customers_order_is_refused(shop) -> None:
    before = db_hash(shop)
    session = ToolSession(engine=shop, customer_id=AVA, **AGREED)
    for name, args in [
        ("get_order_details", {"order_id": BEN_PENDING}),
        ("cancel_pending_order", {"order_id": BEN_PENDING, "reason": "no longer needed"}),
    ]:
        result = call_tool(session, name, args)
        assert result.is_error
        assert result.result[0].content == "Error: Order not found"
    assert db_hash(shop) == before


def test_scripted_agent_authenticates_looks_up_the_order_and_replies(shop) -> None:
    steps = script(
        "autogen-lookup",
        {
            "support": [
                call("find_user_id_by_email", email=AVA_EMAIL),
                call("get_order_details"),
                call("get_order_details", order_id=AVA_PENDING),
                "Your order #D1001 is pending: wireless headphones and a water bottle.",
            ]
        },
    )
    session = ToolSession(engine=shop, **AGREED)
    agent = AssistantAgent(
        "support", model_client=scripted_client(steps, "support"), tools=autogen_tools(session), max_tool_iterations=5
    )
    result = asyncio.run(agent.run(task=f"Hi, this is {AVA_EMAIL}. Where is my order {AVA_PENDING}?"))
    executed = [r for m in result.messages if isinstance(m, ToolCallExecutionEvent) for r in m.content]
    assert [r.is_error for r in executed] == [False, True, False]
    assert executed[1].content == "Error: Invalid arguments for get_order_details: order_id: Field required"
    assert '"status": "pending"' in executed[2].content
    final = result.messages[-1]
    assert isinstance(final, TextMessage) and final.content.startswith("Your order #D1001 is pending")
    assert session.customer_id == AVA
    assert steps.leftovers(0) == {}


def test_swarm_handoff_to_user_ends_the_run(shop) -> None:
    steps = script(
        "autogen-handoff",
        {
            "support": [
                {"text": "Let me find a colleague for you.", "tool_calls": [{"name": "transfer_to_user", "args": {}}]}
            ]
        },
    )
    session = ToolSession(engine=shop, **AGREED)
    agent = AssistantAgent(
        "support", model_client=scripted_client(steps, "support"), tools=autogen_tools(session), handoffs=["user"]
    )
    team = Swarm([agent], termination_condition=autogen_turn_end("support"))
    result = asyncio.run(team.run(task="I want to talk to a person."))
    assert isinstance(result.messages[-1], HandoffMessage) and result.messages[-1].target == "user"
    assert steps.leftovers(0) == {}


def test_tool_calls_of_one_message_run_in_order_like_the_tools_node(shop) -> None:
    both = {
        "tool_calls": [
            {"name": "find_user_id_by_email", "args": {"email": AVA_EMAIL}},
            {"name": "get_order_details", "args": {"order_id": AVA_PENDING}},
        ]
    }
    steps = script("autogen-parallel", {"support": [both, "Found it."]})
    session = ToolSession(engine=shop, **AGREED)
    agent = AssistantAgent(
        "support", model_client=scripted_client(steps, "support"), tools=autogen_tools(session), max_tool_iterations=3
    )
    result = asyncio.run(agent.run(task=f"I'm {AVA_EMAIL}; status of {AVA_PENDING}?"))
    [execution] = [m for m in result.messages if isinstance(m, ToolCallExecutionEvent)]
    assert [r.is_error for r in execution.content] == [False, False]
    assert [o.name for o in session.outcomes] == ["find_user_id_by_email", "get_order_details"]
