"""Intent routing: the agent is offered the tools the customer's request needs, not all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import Settings, build_graph, open_domain_db
from frontdesk.agents.intents import Intent, next_intents
from frontdesk.knowledge.embeddings import default_embedder
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer

needs_embedder = pytest.mark.skipif(
    default_embedder() is None, reason="intent routing needs the bundled embedding model (Linux x86-64)"
)

AUTHENTICATION = {"find_user_id_by_email", "find_user_id_by_name_zip"}
ALWAYS = AUTHENTICATION | {"transfer_to_human_agents", "transfer_to_researcher", "remember_customer_fact"}


LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}


def offered(tmp_path: Path, routing: bool, messages: list[str]) -> list[set[str]]:
    """The tools the customer-service agent was offered for each message, once Ava is authenticated."""
    engine = open_domain_db(f"sqlite:///{tmp_path / f'shop-{routing}.sqlite'}", "retail", seed_demo=True)
    settings = Settings(data_dir=tmp_path, model="m", api_key="k", grade_replies=False, intent_routing=routing)
    with OpenAITestServer([LOGIN, "Hello Ava!"] + ["Let me check."] * len(messages)) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        config: Any = {"configurable": {"thread_id": "t"}}
        for text in ["Hi, I'm ava.chen@example.com", *messages]:
            graph.invoke({"messages": [HumanMessage(text)]}, config)
        return [{tool["function"]["name"] for tool in request.get("tools", [])} for request in server.requests[2:]]


@needs_embedder
def test_an_order_question_is_offered_the_order_tools_only(tmp_path: Path) -> None:
    [everything] = offered(tmp_path, False, ["Has my order #D1002 arrived yet?"])
    [routed] = offered(tmp_path, True, ["Has my order #D1002 arrived yet?"])
    assert routed < everything
    assert "cancel_pending_order" not in routed and "modify_user_address" not in routed
    assert routed >= ALWAYS, "authentication, handoffs and tools no intent names are always offered"
    assert {"get_order_details", "get_user_details"} <= routed


@needs_embedder
def test_each_message_is_routed_again_and_a_short_reply_keeps_the_request(tmp_path: Path) -> None:
    calls = offered(
        tmp_path,
        True,
        [
            "Please cancel my order #D1001, I don't need it anymore.",
            "yes please",
            "Do you have the smart watch in gold?",
        ],
    )
    cancel, yes, product = calls
    assert "cancel_pending_order" in cancel and "get_product_details" not in cancel
    assert "cancel_pending_order" in yes, "'yes please' goes on with the cancellation"
    assert "get_product_details" in product and "cancel_pending_order" not in product


@needs_embedder
def test_a_message_about_nothing_the_shop_does_gets_every_tool(tmp_path: Path) -> None:
    [everything] = offered(tmp_path, False, ["Who won the football game yesterday?"])
    [routed] = offered(tmp_path, True, ["Who won the football game yesterday?"])
    assert routed == everything


def test_a_short_reply_that_matches_nothing_keeps_the_current_intents() -> None:
    cancel = Intent("cancel", ("cancel my order",), frozenset({"cancel_pending_order"}))
    assert next_intents(lambda text: [], "yes", ["cancel"]) == ["cancel"]
    assert next_intents(lambda text: [], "I have a completely different question now", ["cancel"]) == []
    assert next_intents(lambda text: [cancel], "cancel it", []) == ["cancel"]


def test_agents_read_tool_results_compactly_while_the_thread_keeps_them_whole() -> None:
    from langchain_core.messages import ToolMessage

    from frontdesk.graphs.compact import compact_tool_results

    stored = ToolMessage(
        content='{"order_id": "#D1002", "status": "delivered", "note": null, "history": []}', tool_call_id="c1"
    )
    [seen] = compact_tool_results([stored])
    assert seen.content == '{"order_id":"#D1002","status":"delivered"}'
    assert stored.content.startswith('{"order_id": "#D1002"'), "the stored result is untouched"
    [text] = compact_tool_results([ToolMessage(content="Error: Order not found", tool_call_id="c2")])
    assert text.content == "Error: Order not found"


@needs_embedder
def test_once_authenticated_the_agent_is_told_the_next_step_of_the_request(tmp_path: Path) -> None:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
    settings = Settings(data_dir=tmp_path, model="m", api_key="k", grade_replies=False, intent_routing=True)
    with OpenAITestServer([LOGIN, "Let me look."]) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        # no order id: the lookup is the model's to make (a forced call is told no plan)
        graph.invoke(
            {"messages": [HumanMessage("I'm ava.chen@example.com, has my order arrived?")]},
            {"configurable": {"thread_id": "t"}},
        )
        before, after = (request["messages"][-1]["content"] for request in server.requests)
    assert "Next step" not in before, "no step is said before the customer is known"
    assert "Next step: Look the order up with get_order_details" in after
