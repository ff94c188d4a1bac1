"""Direct steps: a forced lookup whose arguments the customer wrote is made without a model call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from frontdesk import Settings
from frontdesk.agents.steps import Step, Window, direct_arguments
from frontdesk.domains.retail.intents import EMAIL, LOOK_UP_ORDER, ORDER_ID
from tests.graphs.test_forced_steps import LOGIN, forced, lookup, needs_embedder, run


def tool_results(request: dict[str, Any]) -> list[str]:
    return [str(message["content"]) for message in request["messages"] if message["role"] == "tool"]


def tool_calls(request: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    calls = [
        call
        for message in request["messages"]
        if message["role"] == "assistant"
        for call in message.get("tool_calls") or []
    ]
    return [(call["function"]["name"], json.loads(call["function"]["arguments"])) for call in calls]


@needs_embedder
def test_login_and_lookup_named_by_the_customer_need_one_model_call(tmp_path: Path) -> None:
    requests = run(
        tmp_path,
        ["Your order #D1001 is pending."],
        ["I'm ava.chen@example.com, where is my order #D1001?"],
        direct=True,
    )
    [answer] = requests
    assert forced(answer) is None, "the reply is the model's"
    assert tool_calls(answer) == [
        ("find_user_id_by_email", {"email": "ava.chen@example.com"}),
        ("get_order_details", {"order_id": "#D1001"}),
    ]
    login, order = tool_results(answer)
    assert login == "ava_chen_1001", "the real tool ran and logged the customer in"
    assert json.loads(order)["user_id"] == "ava_chen_1001", "the order was really read, after the login it needed"


@needs_embedder
def test_two_emails_or_two_orders_are_the_models_to_read(tmp_path: Path) -> None:
    script = [LOGIN, lookup("#D1002"), "Your order #D1002 was delivered."]
    message = "I'm ava.chen@example.com (my old one was ava@old.example.com): has #D1001 or #D1002 arrived?"
    requests = run(tmp_path, script, [message], direct=True)
    assert [forced(r) for r in requests] == ["find_user_id_by_email", None, None], (
        "which email, which order: the model's call"
    )


@needs_embedder
def test_a_direct_lookup_of_another_customers_order_is_refused_like_any_call(tmp_path: Path) -> None:
    """The customer's words choose the order; the tool pipeline still checks whose it is."""
    requests = run(
        tmp_path,
        ["I can't find that order on your account."],
        ["I'm ava.chen@example.com, where is order #D2001?"],
        direct=True,
    )
    [answer] = requests
    login, order = tool_results(answer)
    assert login == "ava_chen_1001"
    assert "paypal" not in order and "pending" not in order.lower(), f"Ben's order was shown to Ava: {order}"
    assert order.startswith("Error"), order


@needs_embedder
def test_an_unknown_email_fails_once_and_the_model_explains(tmp_path: Path) -> None:
    requests = run(
        tmp_path,
        ["I couldn't find that email: could you check it?"],
        ["I'm nobody@example.com, where is #D1001?"],
        direct=True,
    )
    [answer] = requests
    assert tool_calls(answer) == [("find_user_id_by_email", {"email": "nobody@example.com"})], (
        "no lookup without a login"
    )
    assert "not found" in tool_results(answer)[0].lower()
    assert forced(answer) is None


@needs_embedder
def test_a_change_stays_the_models_call(tmp_path: Path) -> None:
    cancel = {
        "tool_calls": [{"name": "cancel_pending_order", "args": {"order_id": "#D1001", "reason": "no longer needed"}}]
    }
    requests = run(
        tmp_path,
        [cancel, "Shall I cancel it?"],
        ["I'm ava.chen@example.com, please cancel order #D1001, I don't need it anymore."],
        direct=True,
    )
    assert forced(requests[0]) == "cancel_pending_order", (
        "login and lookup were direct; the cancel is the model's, forced"
    )
    assert [name for name, _ in tool_calls(requests[0])] == ["find_user_id_by_email", "get_order_details"]


@needs_embedder
def test_a_step_with_no_arguments_is_direct_too(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [{"name": "get_product_details", "args": {"product_id": "1000000008"}}]},
        "The gold smart watch is out of stock.",
    ]
    requests = run(tmp_path, script, ["Do you have the smart watch in gold?"], direct=True)
    assert [forced(r) for r in requests] == ["get_product_details", None]
    assert tool_calls(requests[0]) == [("list_all_product_types", {})]


def test_arguments_come_only_from_one_clear_value() -> None:
    login = Step.of("find_user_id_by_email", EMAIL, argument="email")
    assert direct_arguments(
        login, Window("I'm Ava@Example.com, AVA@example.com", frozenset(), frozenset()), ["email"]
    ) == {"email": "Ava@Example.com"}
    assert (
        direct_arguments(login, Window("a@example.com or b@example.com", frozenset(), frozenset()), ["email"]) is None
    )
    ends_a_sentence = Window("A person, please. I'm ben.ortiz@example.co.uk.", frozenset(), frozenset())
    assert direct_arguments(login, ends_a_sentence, ["email"]) == {"email": "ben.ortiz@example.co.uk"}, (
        "the full stop is not part of it"
    )
    assert (
        direct_arguments(LOOK_UP_ORDER, Window("where is #D1001?", frozenset(), frozenset()), ["order_id", "detail"])
        is None
    ), "a missing argument"
    assert (
        direct_arguments(Step.of("lookup", ORDER_ID), Window("#D1001", frozenset(), frozenset()), ["order_id"]) is None
    ), "no argument named"


def test_direct_steps_are_on_for_the_local_model_only_unless_set() -> None:
    assert Settings(model="local").calls_steps_directly
    assert not Settings(model="gpt-4o-mini", api_key="k").calls_steps_directly
    assert Settings(model="gpt-4o-mini", api_key="k", direct_steps=True).calls_steps_directly
    assert not Settings(model="local", direct_steps=False).calls_steps_directly
