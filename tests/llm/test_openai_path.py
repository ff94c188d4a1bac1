"""The real-model path over HTTP: ChatOpenAI against the local OpenAI-compatible test server."""

from __future__ import annotations

import time

import pytest
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from langgraph.checkpoint.memory import InMemorySaver

from frontdesk import build_graph
from frontdesk.agents.grader import GradeVerdict
from frontdesk.config.settings import Settings
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer
from tests.support_app import agents


def model_for(server: OpenAITestServer, streaming: bool = False) -> ChatOpenAI:
    settings = Settings(
        model="scripted-http", base_url=server.base_url, api_key="test", max_retries=0, request_timeout=10
    )
    return openai_compatible_model(settings, streaming=streaming)  # type: ignore[return-value]


def test_text_tool_calls_and_structured_output_round_trip() -> None:
    with OpenAITestServer(
        [
            "Hello there.",
            {"tool_calls": [{"name": "login", "args": {"email": "a@b.c"}}]},
            {"verdict": "pass", "score": 0.8},
        ]
    ) as server:
        model = model_for(server)
        assert model.invoke([HumanMessage("hi")]).content == "Hello there."
        call = model.invoke([HumanMessage("log me in")]).tool_calls[0]
        assert (call["name"], call["args"]) == ("login", {"email": "a@b.c"})
        verdict = model.with_structured_output(GradeVerdict, method="function_calling").invoke([HumanMessage("grade")])
        assert verdict == GradeVerdict(verdict="pass", score=0.8)
        assert server.requests[2]["tools"][0]["function"]["name"] == "GradeVerdict"


def test_streaming_delivers_tokens_and_usage() -> None:
    with OpenAITestServer(["one two three four"]) as server:
        chunks = list(model_for(server, streaming=True).stream([HumanMessage("count")]))
    text_chunks = [c.content for c in chunks if c.content]
    assert len(text_chunks) == 4
    assert "".join(text_chunks) == "one two three four"
    assert any(c.usage_metadata and c.usage_metadata["output_tokens"] == 4 for c in chunks)


def test_the_graph_runs_on_a_model_over_http() -> None:
    script = [
        {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]},
        "Welcome back, Ava.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        graph = build_graph(model=model_for(server), checkpointer=InMemorySaver(), agents=agents())
        result = graph.invoke({"messages": [("user", "I'm ava@example.com")]}, {"configurable": {"thread_id": "http"}})
        assert server.remaining == 0
        before_login = {t["function"]["name"] for t in server.requests[0]["tools"]}
        after_login = {t["function"]["name"] for t in server.requests[1]["tools"]}
    assert result["customer_id"] == "ava"
    assert result["messages"][-1].content == "Welcome back, Ava."
    assert result["grade"]["verdict"] == "pass"
    # Tools that need a customer are offered only once there is one.
    assert {"login", "ask_a_person", "slow_check"} <= before_login
    assert not before_login & {"whoami", "remember_customer_fact", "add_credit"}
    assert {"login", "whoami", "ask_a_person", "remember_customer_fact", "add_credit"} <= after_login


def test_a_broken_tool_call_goes_back_to_the_model_and_the_turn_continues() -> None:
    script = [
        {"tool_calls": [{"name": "login", "raw_arguments": '{"email": "ava@exa'}]},
        {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]},
        "Signed in.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        graph = build_graph(model=model_for(server), checkpointer=InMemorySaver(), agents=agents())
        result = graph.invoke(
            {"messages": [("user", "I'm ava@example.com")]}, {"configurable": {"thread_id": "broken"}}
        )
        second_request = server.requests[1]["messages"]
    tool_replies = [m for m in result["messages"] if m.type == "tool"]
    assert tool_replies[0].status == "error"
    assert "Could not parse the arguments of login" in tool_replies[0].content
    assert any(m.get("role") == "tool" and "Could not parse" in m.get("content", "") for m in second_request)
    assert result["customer_id"] == "ava"
    assert result["messages"][-1].content == "Signed in."


@pytest.mark.parametrize("raw", ['["ava@example.com"]', '"ava@example.com"', "5"])
def test_arguments_that_are_json_but_not_an_object_go_back_to_the_model_on_the_non_streaming_path(raw: str) -> None:
    """The local model and operator-continued threads call without streaming: a list or a string is an error for the
    model, not for the turn."""
    login = {"tool_calls": [{"name": "login", "args": {"email": "ava@example.com"}}]}
    script = [{"tool_calls": [{"name": "login", "raw_arguments": raw}]}, login, "Signed in.", {"verdict": "pass"}]
    with OpenAITestServer(script) as server:
        graph = build_graph(model=model_for(server, streaming=False), checkpointer=InMemorySaver(), agents=agents())
        result = graph.invoke(
            {"messages": [("user", "I'm ava@example.com")]}, {"configurable": {"thread_id": "not-an-object"}}
        )
    tool_replies = [m for m in result["messages"] if m.type == "tool"]
    assert tool_replies[0].status == "error" and "the arguments must be a JSON object" in tool_replies[0].content
    assert result["customer_id"] == "ava" and result["messages"][-1].content == "Signed in."


def test_a_model_timeout_gives_the_fallback_reply_and_loses_nothing() -> None:
    from frontdesk.config.gateway import DEFAULT_FALLBACK_REPLY

    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "slow"}}
    with OpenAITestServer(["too late"], delay_s=2.0) as server:
        settings = Settings(
            model="scripted-http", base_url=server.base_url, api_key="test", max_retries=0, request_timeout=0.3
        )
        graph = build_graph(settings, model=openai_compatible_model(settings), checkpointer=saver, agents=agents())
        started = time.monotonic()
        result = graph.invoke({"messages": [("user", "are you there?")]}, config)
        assert time.monotonic() - started < 1.5, "one attempt of 0.3 s, not the endpoint's 2 s"
    assert [m.content for m in graph.get_state(config).values["messages"]] == ["are you there?", DEFAULT_FALLBACK_REPLY]
    assert (
        result["__interrupt__"][0].value["type"] == "handoff"
        and "timeout" in result["__interrupt__"][0].value["reason"]
    )


def test_a_tool_call_the_model_wrote_as_text_is_run_not_sent_to_the_customer() -> None:
    script = [
        '```json\n{"name": "login", "arguments": {"email": "ava@example.com"}}\n```',
        "Welcome back, Ava.",
        {"verdict": "pass"},
    ]
    with OpenAITestServer(script) as server:
        graph = build_graph(model=model_for(server), checkpointer=InMemorySaver(), agents=agents())
        result = graph.invoke(
            {"messages": [("user", "I'm ava@example.com")]}, {"configurable": {"thread_id": "text-call"}}
        )
        assert server.remaining == 0
    assert result["customer_id"] == "ava"
    assert [m.content for m in result["messages"] if m.type == "ai" and m.content] == ["Welcome back, Ava."]
