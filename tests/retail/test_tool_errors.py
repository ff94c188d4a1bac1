"""Each retail tool's refusals, with the reference's exact messages, and no partial writes."""

from __future__ import annotations

from typing import Any

import pytest

from frontdesk.domains.retail.tools import TOOLS_BY_NAME
from tests.retail.conftest import as_owner, db_hash, first_order

ADDRESS = {"address1": "1 Main St", "address2": "", "city": "Austin", "state": "TX", "country": "USA", "zip": "73301"}


def call(ctx: Any, tool: str, **args: Any) -> str:
    outcome = TOOLS_BY_NAME[tool].invoke(ctx, args)
    assert not outcome.ok, f"{tool} unexpectedly succeeded: {outcome.content[:200]}"
    return outcome.content.removeprefix("Error: ")


def other_method(data: dict, order: dict, source: str | None = None) -> str | None:
    used = order["payment_history"][0]["payment_method_id"]
    methods = data["users"][order["user_id"]]["payment_methods"].values()
    return next((m["id"] for m in methods if m["id"] != used and (source is None or m["source"] == source)), None)


def variant_of(data: dict, item: dict, *, available: bool, exclude: str) -> str | None:
    variants = data["products"][item["product_id"]]["variants"].values()
    return next((v["item_id"] for v in variants if v["available"] is available and v["item_id"] != exclude), None)


def test_cancel_pending_order_refusals(engine, tau2_data) -> None:
    before = db_hash(engine)
    delivered = first_order(tau2_data, "delivered")
    pending = first_order(tau2_data, "pending")
    assert (
        call(
            as_owner(engine, tau2_data, delivered),
            "cancel_pending_order",
            order_id=delivered,
            reason="no longer needed",
        )
        == "Non-pending order cannot be cancelled"
    )
    assert (
        call(as_owner(engine, tau2_data, pending), "cancel_pending_order", order_id=pending, reason="too expensive")
        == "Invalid reason"
    )
    assert (
        call(
            as_owner(engine, tau2_data, pending),
            "cancel_pending_order",
            order_id="#W0000000",
            reason="no longer needed",
        )
        == "Order not found"
    )
    assert db_hash(engine) == before


def test_modify_pending_order_items_refusals(engine, tau2_data) -> None:
    before = db_hash(engine)
    oid = first_order(
        tau2_data,
        "pending",
        lambda o: any(variant_of(tau2_data, i, available=False, exclude=i["item_id"]) for i in o["items"]),
    )
    order = tau2_data["orders"][oid]
    ctx = as_owner(engine, tau2_data, oid)
    item = next(i for i in order["items"] if variant_of(tau2_data, i, available=False, exclude=i["item_id"]))
    method = order["payment_history"][0]["payment_method_id"]
    same = call(
        ctx,
        "modify_pending_order_items",
        order_id=oid,
        item_ids=[item["item_id"]],
        new_item_ids=[item["item_id"]],
        payment_method_id=method,
    )
    assert same == "The new item id should be different from the old item id"
    unavailable = variant_of(tau2_data, item, available=False, exclude=item["item_id"])
    assert (
        call(
            ctx,
            "modify_pending_order_items",
            order_id=oid,
            item_ids=[item["item_id"]],
            new_item_ids=[unavailable],
            payment_method_id=method,
        )
        == f"New item {unavailable} not found or available"
    )
    assert (
        call(
            ctx,
            "modify_pending_order_items",
            order_id=oid,
            item_ids=["0000000000"],
            new_item_ids=["1"],
            payment_method_id=method,
        )
        == "0000000000 not found"
    )
    assert (
        call(
            ctx,
            "modify_pending_order_items",
            order_id=oid,
            item_ids=[item["item_id"]],
            new_item_ids=[],
            payment_method_id=method,
        )
        == "The number of items to be exchanged should match"
    )
    foreign = next(
        v
        for p in tau2_data["products"].values()
        if p["product_id"] != item["product_id"]
        for v in p["variants"].values()
        if v["available"]
    )
    assert (
        call(
            ctx,
            "modify_pending_order_items",
            order_id=oid,
            item_ids=[item["item_id"]],
            new_item_ids=[foreign["item_id"]],
            payment_method_id=method,
        )
        == "Variant not found"
    )
    available = variant_of(tau2_data, item, available=True, exclude=item["item_id"])
    if available:
        assert (
            call(
                ctx,
                "modify_pending_order_items",
                order_id=oid,
                item_ids=[item["item_id"]],
                new_item_ids=[available],
                payment_method_id="credit_card_0000000",
            )
            == "Payment method not found"
        )
    assert db_hash(engine) == before


def test_gift_card_balance_is_checked(engine, tau2_data) -> None:
    before = db_hash(engine)

    def poor_gift_card(order: dict) -> bool:
        methods = tau2_data["users"][order["user_id"]]["payment_methods"].values()
        amount = order["payment_history"][0]["amount"]
        return len(order["payment_history"]) == 1 and any(
            m["source"] == "gift_card" and m["balance"] < amount for m in methods
        )

    oid = first_order(tau2_data, "pending", poor_gift_card)
    order = tau2_data["orders"][oid]
    gift = next(
        m["id"]
        for m in tau2_data["users"][order["user_id"]]["payment_methods"].values()
        if m["source"] == "gift_card" and m["balance"] < order["payment_history"][0]["amount"]
    )
    message = call(
        as_owner(engine, tau2_data, oid), "modify_pending_order_payment", order_id=oid, payment_method_id=gift
    )
    assert message in {
        "Insufficient gift card balance to pay for the order",
        "The new payment method should be different from the current one",
    }
    assert db_hash(engine) == before


def test_payment_switch_refusals(engine, tau2_data) -> None:
    oid = first_order(tau2_data, "pending", lambda o: len(o["payment_history"]) == 1)
    order = tau2_data["orders"][oid]
    ctx = as_owner(engine, tau2_data, oid)
    current = order["payment_history"][0]["payment_method_id"]
    assert (
        call(ctx, "modify_pending_order_payment", order_id=oid, payment_method_id=current)
        == "The new payment method should be different from the current one"
    )
    delivered = first_order(tau2_data, "delivered")
    assert (
        call(
            as_owner(engine, tau2_data, delivered),
            "modify_pending_order_payment",
            order_id=delivered,
            payment_method_id=current,
        )
        == "Non-pending order cannot be modified"
    )
    assert (
        call(as_owner(engine, tau2_data, delivered), "modify_pending_order_address", order_id=delivered, **ADDRESS)
        == "Non-pending order cannot be modified"
    )


def test_return_and_exchange_refusals(engine, tau2_data) -> None:
    before = db_hash(engine)
    pending = first_order(tau2_data, "pending")
    pending_item = tau2_data["orders"][pending]["items"][0]["item_id"]
    pm = tau2_data["orders"][pending]["payment_history"][0]["payment_method_id"]
    ctx = as_owner(engine, tau2_data, pending)
    assert (
        call(ctx, "return_delivered_order_items", order_id=pending, item_ids=[pending_item], payment_method_id=pm)
        == "Non-delivered order cannot be returned"
    )
    assert (
        call(
            ctx,
            "exchange_delivered_order_items",
            order_id=pending,
            item_ids=[pending_item],
            new_item_ids=[pending_item],
            payment_method_id=pm,
        )
        == "Non-delivered order cannot be exchanged"
    )
    oid = first_order(
        tau2_data,
        "delivered",
        lambda o: other_method(tau2_data, o, "credit_card") or other_method(tau2_data, o, "paypal"),
    )
    order = tau2_data["orders"][oid]
    ctx = as_owner(engine, tau2_data, oid)
    item = order["items"][0]["item_id"]
    original = order["payment_history"][0]["payment_method_id"]
    not_original = other_method(tau2_data, order, "credit_card") or other_method(tau2_data, order, "paypal")
    assert (
        call(ctx, "return_delivered_order_items", order_id=oid, item_ids=[item], payment_method_id=not_original)
        == "Payment method should be the original payment method"
    )
    assert (
        call(ctx, "return_delivered_order_items", order_id=oid, item_ids=["0000000000"], payment_method_id=original)
        == "Some item not found"
    )
    assert (
        call(
            ctx,
            "exchange_delivered_order_items",
            order_id=oid,
            item_ids=["0000000000"],
            new_item_ids=["1"],
            payment_method_id=original,
        )
        == "Number of 0000000000 not found."
    )
    assert (
        call(
            ctx,
            "exchange_delivered_order_items",
            order_id=oid,
            item_ids=[item],
            new_item_ids=[],
            payment_method_id=original,
        )
        == "The number of items to be exchanged should match."
    )
    assert db_hash(engine) == before


def test_lookups_and_calculate(engine, tau2_data) -> None:
    oid = first_order(tau2_data, "pending")
    ctx = as_owner(engine, tau2_data, oid)
    assert call(ctx, "get_product_details", product_id="nope") == "Product not found"
    assert call(ctx, "get_item_details", item_id="nope") == "Item not found"
    assert call(ctx, "get_user_details", user_id="nobody_0000") == "User not found"
    assert call(ctx, "modify_user_address", user_id="nobody_0000", **ADDRESS) == "User not found"
    assert call(ctx, "find_user_id_by_email", email="nobody@example.com") == "User not found"
    assert call(ctx, "find_user_id_by_name_zip", first_name="No", last_name="Body", zip="00000") == "User not found"
    assert call(ctx, "calculate", expression="2 ** 3; import os") == "Invalid characters in expression"
    assert call(ctx, "calculate", expression="1 / 0") == "division by zero"
    assert TOOLS_BY_NAME["calculate"].invoke(ctx, {"expression": "(10 + 5.5) * 2"}).content == "31.0"


@pytest.mark.parametrize("status", ["processed", "cancelled"])
def test_processed_and_cancelled_orders_cannot_be_changed(engine, tau2_data, status: str) -> None:
    before = db_hash(engine)
    oid = first_order(tau2_data, status)
    order = tau2_data["orders"][oid]
    ctx = as_owner(engine, tau2_data, oid)
    item = order["items"][0]["item_id"]
    pm = order["payment_history"][0]["payment_method_id"]
    for tool, args in [
        ("cancel_pending_order", {"reason": "no longer needed"}),
        ("modify_pending_order_address", ADDRESS),
        ("modify_pending_order_items", {"item_ids": [item], "new_item_ids": [item], "payment_method_id": pm}),
        ("modify_pending_order_payment", {"payment_method_id": pm}),
        ("return_delivered_order_items", {"item_ids": [item], "payment_method_id": pm}),
        ("exchange_delivered_order_items", {"item_ids": [item], "new_item_ids": [item], "payment_method_id": pm}),
    ]:
        call(ctx, tool, order_id=oid, **args)
    assert db_hash(engine) == before


def test_an_order_id_without_its_hash_is_read_with_it(engine, tau2_data) -> None:
    pending = first_order(tau2_data, "pending")
    ctx = as_owner(engine, tau2_data, pending)
    found = TOOLS_BY_NAME["get_order_details"].invoke(ctx, {"order_id": pending.removeprefix("#")})
    assert found.ok and f'"order_id": "{pending}"' in found.content
    assert call(ctx, "get_order_details", order_id="W0000000") == "Order not found"
