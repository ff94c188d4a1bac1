"""What a model can make a tool do on purpose: the framework holds, whatever the arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import HumanMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import (
    Script,
    ScriptedModels,
    ScriptedStep,
    Settings,
    ToolContext,
    ToolKind,
    build_graph,
    open_domain_db,
    tool,
)
from frontdesk.domains import get_domain
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer

calculate = get_domain("retail").tools_by_name["calculate"]


def test_arithmetic_that_would_hang_or_overflow_is_refused_in_one_line() -> None:
    for expression in ("9**9**9", "10**400", "(" * 300 + "1" + ")" * 300, "9" * 400 + "*" + "9" * 400, "1/0"):
        outcome = calculate.invoke(ToolContext(), {"expression": expression})
        assert not outcome.ok and outcome.content.startswith("Error: ") and "\n" not in outcome.content, expression
    assert calculate.invoke(ToolContext(), {"expression": "(129 - 30) * 0.5"}).content == "49.5"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789+-*/(). ", max_size=60))
def test_any_expression_gives_a_result_or_an_error_never_an_exception(expression: str) -> None:
    outcome = calculate.invoke(ToolContext(), {"expression": expression})
    assert outcome.content.startswith("Error: ") or float(outcome.content) == float(outcome.content)


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=12),
        st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=3)),
        max_size=4,
    )
)
def test_arbitrary_arguments_to_every_retail_tool_never_raise(args: dict) -> None:
    for retail_tool in get_domain("retail").tools:
        outcome = retail_tool.invoke(ToolContext(customer_id="ava_chen_1001"), args)
        assert isinstance(outcome.content, str)


@tool(kind=ToolKind.READ)
def broken_lookup(order_id: str) -> str:
    """Look something up (and crash, as a buggy integration would)."""
    raise RuntimeError("connection reset by peer")


def test_a_crashing_tool_still_answers_the_model_and_the_turn_goes_on() -> None:
    script = Script(
        "crash",
        [
            {
                "customer_service": [
                    ScriptedStep.model_validate(
                        {"tool_calls": [{"name": "broken_lookup", "args": {"order_id": "#D1"}}]}
                    ),
                    ScriptedStep(text="Sorry, I couldn't look that up right now; let me get a person."),
                ],
                "grader": [ScriptedStep.model_validate({"verdict": "pass"})],
            }
        ],
    )
    graph = build_graph(model=ScriptedModels(script), checkpointer=InMemorySaver(), tools=[broken_lookup])
    result = graph.invoke({"messages": [("user", "where is #D1?")]}, {"configurable": {"thread_id": "crash-1"}})
    tool_results = [m for m in result["messages"] if m.type == "tool"]
    assert len(tool_results) == 1 and tool_results[0].status == "error"
    assert (
        "broken_lookup failed (RuntimeError)" in tool_results[0].content
        and "connection reset" not in tool_results[0].content
    )
    assert result["messages"][-1].content.startswith("Sorry")


def test_a_tool_the_model_invents_is_answered_with_the_real_ones() -> None:
    from frontdesk.tools.execution import ToolCallRequest, ToolPipeline

    pipeline = ToolPipeline(get_domain("retail").tools)
    outcome = pipeline.run(
        ToolCallRequest(id="c1", name="issue_refund", args={"amount": 500}), ToolContext(customer_id="ava_chen_1001")
    )
    assert (
        not outcome.ok
        and outcome.content.startswith("Error: Unknown tool 'issue_refund'")
        and "cancel_pending_order" in outcome.content
    )


def test_a_model_cannot_log_in_with_details_the_customer_never_gave(tmp_path: Path) -> None:
    guess = {
        "tool_calls": [
            {"name": "find_user_id_by_name_zip", "args": {"first_name": "Ava", "last_name": "Chen", "zip": "94110"}}
        ]
    }
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
    with OpenAITestServer(
        [guess, "Could you tell me your name and zip code?", guess, "Thanks Ava, you're logged in."]
    ) as server:
        settings = Settings(
            data_dir=tmp_path,
            model="m",
            api_key="k",
            base_url=server.base_url,
            grade_replies=False,
            identity_from_customer=True,
        )
        graph = build_graph(
            settings, model=openai_compatible_model(settings), checkpointer=InMemorySaver(), engine=engine
        )
        config: Any = {"configurable": {"thread_id": "t"}}
        first = graph.invoke({"messages": [HumanMessage("Can I still return my shoes?")]}, config)
        [refused] = [m for m in first["messages"] if isinstance(m, ToolMessage)]
        assert (
            refused.status == "error"
            and "has not given first_name='Ava'" in refused.content
            and "zip='94110'" in refused.content
        )
        assert first.get("customer_id") is None, "a guessed identity never authenticates the thread"
        second = graph.invoke({"messages": [HumanMessage("I'm Ava  chen, zip 94110.")]}, config)
    assert second["customer_id"] == "ava_chen_1001", "the same details, once the customer wrote them, log in"
    assert Settings(model="local").checks_identity and not Settings(model="gpt-4o").checks_identity
