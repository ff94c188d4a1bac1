"""Forced first steps and a cache-friendly prompt: what a small model cannot skip, and what it need not read twice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.store.memory import InMemoryStore

from frontdesk import Settings, build_graph, open_domain_db
from frontdesk.agents.steps import Step, Window, forced_tool
from frontdesk.domains import get_domain
from frontdesk.domains.retail import DEMO_PAGES
from frontdesk.domains.retail.intents import RETAIL_INTENTS
from frontdesk.graphs.support import ENTRY_AGENT, default_agent_specs
from frontdesk.graphs.warmup import warm_prompt_cache
from frontdesk.knowledge.embeddings import default_embedder
from frontdesk.knowledge.ingest import default_knowledge_base
from frontdesk.llm.factory import openai_compatible_model
from frontdesk.llm.openai_test_server import OpenAITestServer

needs_embedder = pytest.mark.skipif(
    default_embedder() is None, reason="intent routing needs the bundled embedding model (Linux x86-64)"
)

LOGIN = {"tool_calls": [{"name": "find_user_id_by_email", "args": {"email": "ava.chen@example.com"}}]}


def lookup(order_id: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "get_order_details", "args": {"order_id": order_id}}]}


def run(
    tmp_path: Path,
    script: list[Any],
    messages: list[str],
    *,
    routing: bool = True,
    confirm_writes: bool = True,
    pages: bool = False,
    direct: bool = False,
) -> list[dict[str, Any]]:
    """Every request the agents' model got for ``messages``, in one thread (``pages``: with the shipped policy pages;
    ``direct``: direct steps on)."""
    engine = open_domain_db(f"sqlite:///{tmp_path / 'shop.sqlite'}", "retail", seed_demo=True)
    knowledge = default_knowledge_base(tmp_path / "knowledge.duckdb", demo_pages=DEMO_PAGES) if pages else None
    settings = Settings(
        data_dir=tmp_path,
        model="m",
        api_key="k",
        grade_replies=False,
        intent_routing=routing,
        confirm_writes=confirm_writes,
        direct_steps=direct,
    )
    with OpenAITestServer(script) as server:
        settings = settings.model_copy(update={"base_url": server.base_url})
        parts = {"checkpointer": InMemorySaver(), "engine": engine, "store": InMemoryStore(), "knowledge": knowledge}
        graph = build_graph(settings, model=openai_compatible_model(settings), **parts)
        for text in messages:
            graph.invoke({"messages": [HumanMessage(text)]}, {"configurable": {"thread_id": "t"}})
        return list(server.requests)


def forced(request: dict[str, Any]) -> str | None:
    choice = request.get("tool_choice")
    return choice["function"]["name"] if isinstance(choice, dict) else None


def tool_names(request: dict[str, Any]) -> list[str]:
    return [tool["function"]["name"] for tool in request.get("tools", [])]


@needs_embedder
def test_login_and_the_order_lookup_are_forced_when_the_message_names_both(tmp_path: Path) -> None:
    requests = run(
        tmp_path,
        [LOGIN, lookup("#D1002"), "Your order #D1002 was delivered."],
        ["I'm ava.chen@example.com, has my order #D1002 arrived?"],
    )
    assert [forced(r) for r in requests] == ["find_user_id_by_email", "get_order_details", None], (
        "the reply itself is the model's choice"
    )
    forced_context = requests[1]["messages"][-1]["content"]
    assert "Reply to the customer" not in forced_context and "Next step" not in forced_context, (
        "a forced call is told no plan and no answer (fewer tokens)"
    )
    assert "Reply to the customer" in requests[2]["messages"][-1]["content"]


@needs_embedder
def test_a_change_is_forced_after_the_lookup_and_still_waits_for_the_customers_yes(tmp_path: Path) -> None:
    cancel = {
        "tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]
    }
    message = ["I'm ava.chen@example.com, please cancel order #D1001, I don't need it anymore."]
    requests = run(tmp_path, [LOGIN, lookup("#D1001"), cancel, "Cancelled."], message)
    assert [forced(r) for r in requests] == ["find_user_id_by_email", "get_order_details", "cancel_pending_order"], (
        "then the thread waits for the yes"
    )
    (tmp_path / "unconfirmed").mkdir()
    unconfirmed = run(
        tmp_path / "unconfirmed", [LOGIN, lookup("#D1001"), "Shall I cancel it?"], message, confirm_writes=False
    )
    assert [forced(r) for r in unconfirmed] == ["find_user_id_by_email", "get_order_details", None], (
        "no write is forced that nobody confirms"
    )


@needs_embedder
def test_nothing_is_forced_without_the_words_a_step_needs(tmp_path: Path) -> None:
    requests = run(
        tmp_path,
        ["What is your email address?", LOGIN, "Which order do you mean?"],
        ["Where is my order?", "ava.chen@example.com"],
    )
    assert [forced(r) for r in requests] == [None, "find_user_id_by_email", None], (
        "no email in the first message, no order id in either"
    )


@needs_embedder
def test_an_order_id_given_before_logging_in_is_looked_up_right_after(tmp_path: Path) -> None:
    script = ["Happy to help: what is your email?", LOGIN, lookup("#D1001"), "It is pending."]
    requests = run(tmp_path, script, ["Where is my order #D1001?", "ava.chen@example.com"])
    assert [forced(r) for r in requests] == [None, "find_user_id_by_email", "get_order_details", None]


@needs_embedder
def test_a_failed_forced_lookup_is_left_to_the_model_not_repeated(tmp_path: Path) -> None:
    script = [LOGIN, lookup("#D9999"), "I could not find order #D9999: could you check the number?"]
    requests = run(tmp_path, script, ["I'm ava.chen@example.com, where is order #D9999?"])
    assert "not found" in requests[2]["messages"][-2]["content"].lower(), "the lookup failed"
    assert forced(requests[2]) is None
    assert 'The last tool call failed: "Order not found".' in requests[2]["messages"][-1]["content"], (
        "the model is told what failed, to say it in words"
    )


@needs_embedder
def test_without_intent_routing_nothing_is_forced(tmp_path: Path) -> None:
    requests = run(
        tmp_path,
        [LOGIN, lookup("#D1002"), "Delivered."],
        ["I'm ava.chen@example.com, has my order #D1002 arrived?"],
        routing=False,
    )
    assert [forced(r) for r in requests] == [None, None, None]


@needs_embedder
def test_logging_in_appends_tools_instead_of_rewriting_the_prompt(tmp_path: Path) -> None:
    """A prompt cache reuses the longest shared prefix: the tools before login stay first, in order."""
    requests = run(
        tmp_path, [LOGIN, lookup("#D1002"), "Delivered."], ["I'm ava.chen@example.com, has my order #D1002 arrived?"]
    )
    before, after = tool_names(requests[0]), tool_names(requests[1])
    assert "get_order_details" not in before and "get_order_details" in after
    assert after[: len(before)] == before
    assert requests[0]["messages"][0] == requests[1]["messages"][0], "the instructions never change"
    assert "plain sentence" in requests[2]["messages"][-1]["content"], (
        "after a tool result the model is told to answer in words, not JSON"
    )


@needs_embedder
def test_the_warm_up_sends_the_prefix_every_first_prompt_starts_with(tmp_path: Path) -> None:
    retail = get_domain("retail")
    with OpenAITestServer(["."]) as server:
        settings = Settings(data_dir=tmp_path, model="m", api_key="k", base_url=server.base_url)
        warmup = warm_prompt_cache(
            openai_compatible_model(settings), default_agent_specs(retail)[ENTRY_AGENT], retail.intents
        )
        assert warmup.wait(30) and warmup.error is None
        [warm] = server.requests
    assert warm.get("max_completion_tokens", warm.get("max_tokens")) == 1 and len(warm["messages"]) == 1
    requests = run(
        tmp_path, [LOGIN, lookup("#D1002"), "Delivered."], ["I'm ava.chen@example.com, has my order #D1002 arrived?"]
    )
    for request in requests:
        assert request["messages"][0] == warm["messages"][0]
        assert tool_names(request)[: len(tool_names(warm))] == tool_names(warm)


def test_a_warm_up_that_fails_is_reported_not_raised(tmp_path: Path) -> None:
    retail = get_domain("retail")
    settings = Settings(data_dir=tmp_path, model="m", api_key="k", base_url="http://127.0.0.1:9/v1", request_timeout=2)
    warmup = warm_prompt_cache(
        openai_compatible_model(settings), default_agent_specs(retail)[ENTRY_AGENT], retail.intents
    )
    assert warmup.wait(30)
    assert warmup.error and "Connection" in warmup.error


def steps_of(*names: str) -> list[tuple[Step, ...]]:
    by_name = {intent.name: intent for intent in RETAIL_INTENTS}
    return [by_name[name].steps for name in names]


def window(text: str, *, called: frozenset[str] = frozenset(), failed: frozenset[str] = frozenset()) -> Window:
    return Window(text, called, failed)


OFFERED = ["get_order_details", "transfer_to_researcher", "list_all_product_types", "cancel_pending_order"]


def test_a_request_with_nothing_to_do_yet_does_not_block_another_ones_step() -> None:
    """ "Do you ship to Mars?" reads as order status and policy; with no order named only the policy question has a
    step."""
    assert (
        forced_tool(steps_of("order_status", "policy"), window("Do you ship to Mars?"), OFFERED)
        == "transfer_to_researcher"
    )
    both = window("Can I return order #D1002, and how long do refunds take?")
    assert forced_tool(steps_of("return", "policy"), both, OFFERED) is None, (
        "two requests with different next steps: the model chooses"
    )
    looked_up = window("Cancel #D1001 please", called=frozenset({"get_order_details"}))
    assert forced_tool(steps_of("order_status", "cancel"), looked_up, OFFERED) == "cancel_pending_order", (
        "the status request is done, the cancel goes on"
    )
    failed = window(
        "Do you ship to Mars? And where is #D1001?",
        called=frozenset({"get_order_details"}),
        failed=frozenset({"get_order_details"}),
    )
    assert forced_tool(steps_of("order_status", "policy"), failed, OFFERED) is None, (
        "after any failed call the model explains; nothing is forced"
    )


@needs_embedder
def test_a_shop_question_is_answered_without_logging_in_and_the_question_comes_last(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "list_all_product_types", "args": {}}]},
        {"tool_calls": [{"name": "get_product_details", "args": {"product_id": "1000000008"}}]},
        "The gold smart watch is out of stock.",
    ]
    requests = run(tmp_path, script, ["Do you have the smart watch in gold?"])
    assert [forced(r) for r in requests] == ["list_all_product_types", "get_product_details", None]
    context = requests[2]["messages"][-1]["content"]
    assert 'The customer asked: "Do you have the smart watch in gold?"' in context and context.endswith(
        "if you need more."
    ), "the question comes last"
    assert "find_user_id_by_email" not in context, "a product question is not told to log in first"
    assert "before looking at their account or orders, call" in requests[0]["messages"][-1]["content"], (
        "before any lookup it is"
    )


@needs_embedder
def test_the_researcher_searches_before_it_answers(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "transfer_to_researcher", "args": {"reason": "returns policy"}}]},
        {"tool_calls": [{"name": "search_knowledge_base", "args": {"query": "return window"}}]},
        "Delivered orders can be returned within 30 days [returns#return-window].",
    ]
    requests = run(tmp_path, script, ["I got my shoes three weeks ago. Can I still return them?"], pages=True)
    assert [forced(r) for r in requests] == ["transfer_to_researcher", "search_knowledge_base", None]
    context = requests[2]["messages"][-1]["content"]
    assert "logged in" not in context, "no login nag while answering"
    best = re.search(r'<passage cite="(\[[^\]]+\])"', requests[2]["messages"][-2]["content"])
    assert best is not None and context.endswith(f"e.g. {best.group(1)}."), (
        "shown how to cite, with the search's best passage"
    )


@needs_embedder
def test_a_contact_preference_is_remembered_once_the_customer_is_known(tmp_path: Path) -> None:
    remember = {
        "tool_calls": [{"name": "remember_customer_fact", "args": {"kind": "preferred_contact", "value": "email only"}}]
    }
    script = [LOGIN, remember, "Noted: we'll only contact you by email."]
    requests = run(
        tmp_path, script, ["I'm ava.chen@example.com. Please only ever contact me by email, never by phone."]
    )
    assert [forced(r) for r in requests] == ["find_user_id_by_email", "remember_customer_fact", None]
    assert "The call remember_customer_fact just succeeded" in requests[2]["messages"][-1]["content"], (
        "a change is said to have happened"
    )
