"""The tool layer enforces ownership: whatever ids the model passes, only the customer's own data."""

from __future__ import annotations

import pytest

from frontdesk.domains.retail.tools import TOOLS_BY_NAME
from frontdesk.tools.base import ToolContext
from tests.retail.conftest import db_hash, first_order

ADDRESS = {"address1": "1 Main St", "address2": "", "city": "Austin", "state": "TX", "country": "USA", "zip": "73301"}


def test_another_customers_orders_and_account_are_refused(engine, tau2_data) -> None:
    before = db_hash(engine)
    pending = first_order(tau2_data, "pending")
    delivered = first_order(tau2_data, "delivered")
    owner = tau2_data["orders"][pending]["user_id"]
    intruder = next(uid for uid in tau2_data["users"] if uid not in {owner, tau2_data["orders"][delivered]["user_id"]})
    ctx = ToolContext(customer_id=intruder, engine=engine)
    item = tau2_data["orders"][pending]["items"][0]["item_id"]
    pm = tau2_data["orders"][pending]["payment_history"][0]["payment_method_id"]
    attempts = [
        ("get_order_details", {"order_id": pending}),
        ("cancel_pending_order", {"order_id": pending, "reason": "no longer needed"}),
        ("modify_pending_order_address", {"order_id": pending, **ADDRESS}),
        (
            "modify_pending_order_items",
            {"order_id": pending, "item_ids": [item], "new_item_ids": [item], "payment_method_id": pm},
        ),
        ("modify_pending_order_payment", {"order_id": pending, "payment_method_id": pm}),
        ("return_delivered_order_items", {"order_id": delivered, "item_ids": [], "payment_method_id": pm}),
        (
            "exchange_delivered_order_items",
            {"order_id": delivered, "item_ids": [], "new_item_ids": [], "payment_method_id": pm},
        ),
        ("get_user_details", {"user_id": owner}),
        ("modify_user_address", {"user_id": owner, **ADDRESS}),
    ]
    for tool, args in attempts:
        outcome = TOOLS_BY_NAME[tool].invoke(ctx, args)
        missing = TOOLS_BY_NAME[tool].invoke(
            ctx, {**args, **({"order_id": "#W0000000"} if "order_id" in args else {"user_id": "nobody_0000"})}
        )
        assert not outcome.ok and outcome.content in {"Error: Order not found", "Error: User not found"}, (
            tool,
            outcome.content,
        )
        assert outcome.content == missing.content, (
            "another customer's order or account reads exactly like a missing one"
        )
    assert db_hash(engine) == before


def test_nothing_is_readable_before_authentication(engine, tau2_data) -> None:
    pending = first_order(tau2_data, "pending")
    outcome = TOOLS_BY_NAME["get_order_details"].invoke(ToolContext(engine=engine), {"order_id": pending})
    assert not outcome.ok and "not authenticated" in outcome.content


def test_authentication_tools_report_the_customer(engine, tau2_data) -> None:
    user = next(iter(tau2_data["users"].values()))
    by_email = TOOLS_BY_NAME["find_user_id_by_email"].invoke(
        ToolContext(engine=engine), {"email": user["email"].upper()}
    )
    assert by_email.authenticated_customer == user["user_id"]
    by_zip = TOOLS_BY_NAME["find_user_id_by_name_zip"].invoke(
        ToolContext(engine=engine),
        {
            "first_name": user["name"]["first_name"].lower(),
            "last_name": user["name"]["last_name"],
            "zip": user["address"]["zip"],
        },
    )
    assert by_zip.authenticated_customer == user["user_id"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"order_id": "#W1"}, "reason: Field required"),
        ({"order_id": 7, "reason": "no longer needed"}, "order_id: Input should be a valid string"),
        ({"order_id": "#W1", "reason": "no longer needed", "refund": True}, "refund: Extra inputs are not permitted"),
    ],
)
def test_invalid_arguments_name_the_field(engine, args, fragment: str) -> None:
    outcome = TOOLS_BY_NAME["cancel_pending_order"].invoke(ToolContext(customer_id="x", engine=engine), args)
    assert (
        not outcome.ok
        and outcome.content.startswith("Error: Invalid arguments for cancel_pending_order")
        and fragment in outcome.content
    )
