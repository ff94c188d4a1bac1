"""The rules grader: a draft's amounts, ids and emails must come from what the thread has seen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import Settings, build_graph, open_domain_db
from frontdesk.agents.grounding import ungrounded_facts
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer

ORDER = (
    '{"order_id": "#D1002", "status": "delivered", "items": [{"item_id": "2000100003", "price": 80.0}], '
    '"tracking": "940011112222"}'
)
THREAD = [
    HumanMessage("I'm ava.chen@example.com, has my order D1002 arrived?"),
    AIMessage("", tool_calls=[{"name": "get_order_details", "args": {"order_id": "#D1002"}, "id": "c1"}]),
    ToolMessage(ORDER, tool_call_id="c1", name="get_order_details"),
]


def test_facts_the_thread_has_seen_pass_in_any_usual_spelling() -> None:
    draft = (
        "Hi ava.chen@example.com! Order #D1002 (item 2000100003, $80.00) was delivered, tracking 940011112222. It "
        "took 2 days."
    )
    assert ungrounded_facts(THREAD, draft) == []
    assert ungrounded_facts(THREAD, "Your order d1002 cost 80 dollars, i.e. $80.") == []


def test_invented_amounts_ids_and_emails_are_named() -> None:
    missing = ungrounded_facts(THREAD, "Order #D1003 was refunded $45.50 to ben@example.com.")
    assert missing == ["the email ben@example.com", "the amount 45.50", "'d1003'"]


@given(st.decimals(min_value=1, max_value=99999, places=2).filter(lambda d: d != 80))
def test_any_amount_no_tool_returned_fails(amount: Any) -> None:
    assert ungrounded_facts(THREAD, f"Your refund of ${amount} is on its way.") == [f"the amount {float(amount):.2f}"]


def test_the_local_model_is_graded_by_rules_and_others_by_the_model() -> None:
    assert Settings(model="local").grading_mode == "rules"
    assert Settings(model="gpt-4o-mini").grading_mode == "model"
    assert Settings(model="local", grade_with="model").grading_mode == "model"


def test_rules_grading_withdraws_an_invented_amount_without_asking_a_model(tmp_path: Path) -> None:
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
    settings = Settings(data_dir=tmp_path, model="m", api_key="k", grade_with="rules")
    login = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}
    lookup = {"tool_calls": [{"name": "get_order_details", "args": {"order_id": "#D1002"}}]}
    script = [login, lookup, "Order #D1002 was delivered and you paid $12.34.", "Order #D1002 was delivered."]
    with OpenAITestServer(script) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        config: Any = {"configurable": {"thread_id": "t"}}
        result = graph.invoke(
            {"messages": [HumanMessage("I'm ava.chen@example.com, has my order #D1002 arrived?")]}, config
        )
        requests = list(server.requests)
    replies = [m.content for m in result["messages"] if isinstance(m, AIMessage) and m.content]
    assert replies == ["Order #D1002 was delivered."], "the invented amount never reached the customer"
    assert len(requests) == 4, "no grader model call: four agent calls, the last a revision"
    assert "the amount 12.34" in requests[3]["messages"][-1]["content"], "the agent is told which fact had no source"
