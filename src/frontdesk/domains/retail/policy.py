"""Retail's money rule: how much a cancellation or return would refund.

The approval gate asks the domain; retail answers from the customer's own order. An id
written without its ``#`` is read the same way the tools read it, so the gate and the tool
always look at the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from frontdesk.domains.retail.models import Order, User, Variant
from frontdesk.domains.retail.tools.common import find_order

MONEY_TOOLS = frozenset(
    {
        "cancel_pending_order",
        "return_delivered_order_items",
        "exchange_delivered_order_items",
        "modify_pending_order_items",
    }
)
"""Every retail WRITE that can refund: cancellations, returns, and swaps to cheaper items."""


def refund_amount(session: Session, customer_id: str | None, tool: str, args: Mapping[str, Any]) -> float | None:
    """What the call would refund, when it can be told from the customer's own order."""
    order_id = args.get("order_id")
    if not isinstance(order_id, str):
        return None
    order = find_order(session, order_id)
    if order is None or order.user_id != customer_id:
        return None
    if tool == "cancel_pending_order":
        return round(sum(p["amount"] for p in order.payment_history if p["transaction_type"] == "payment"), 2)
    if tool == "return_delivered_order_items" and isinstance(args.get("item_ids"), list):
        remaining = Counter(args["item_ids"])
        total = 0.0
        for item in order.items:
            if remaining[item["item_id"]] > 0:
                remaining[item["item_id"]] -= 1
                total += item["price"]
        return round(total, 2)
    if tool in {"exchange_delivered_order_items", "modify_pending_order_items"}:
        return _swap_refund(session, order, args)
    return None


def _swap_refund(session: Session, order: Order, args: Mapping[str, Any]) -> float | None:
    """What swapping items for cheaper variants would refund (0 when the customer pays the difference)."""
    old_ids, new_ids = args.get("item_ids"), args.get("new_item_ids")
    if not isinstance(old_ids, list) or not isinstance(new_ids, list) or len(old_ids) != len(new_ids):
        return None
    difference = 0.0
    for old_id, new_id in zip(old_ids, new_ids, strict=True):
        item = next((i for i in order.items if i["item_id"] == old_id), None)
        variant = session.exec(select(Variant).where(Variant.item_id == new_id)).first()
        if item is None or variant is None:
            return None
        difference += variant.price - item["price"]
    return round(max(0.0, -difference), 2)


def not_the_customers(session: Session, customer_id: str, tool: str, args: Mapping[str, Any]) -> str | None:
    """The tools' own "not found" when a call names another customer's order or account (or none)."""
    order_id = args.get("order_id")
    if isinstance(order_id, str):
        order = find_order(session, order_id)
        if order is None or order.user_id != customer_id:
            return "Order not found"
    user_id = args.get("user_id")
    if isinstance(user_id, str) and user_id != customer_id:
        return "User not found"
    return None


def describe_action(tool: str, args: Mapping[str, Any]) -> str | None:
    """A retail WRITE in the customer's words, for the confirmation question (None: generic wording)."""
    order = args.get("order_id")
    items, new_items, method = args.get("item_ids"), args.get("new_item_ids"), args.get("payment_method_id")
    where = ", ".join(str(args[k]) for k in ("address1", "address2", "city", "state", "zip", "country") if args.get(k))
    wording = {
        "cancel_pending_order": f"cancel order {order} (reason: {args.get('reason')})",
        "modify_pending_order_address": f"ship order {order} to {where}",
        "modify_user_address": f"change the address on your account to {where}",
        "modify_pending_order_items": f"in order {order}, swap {items} for {new_items}, settling the price difference "
        f"on {method}",
        "modify_pending_order_payment": f"pay order {order} with {method} instead",
        "return_delivered_order_items": f"return {items} from order {order}, refunded to {method}",
        "exchange_delivered_order_items": f"exchange {items} from order {order} for {new_items}, settling the price "
        f"difference on {method}",
    }
    return wording.get(tool)


def customer_exists(engine: Engine, customer_id: str) -> bool:
    """Whether ``customer_id`` is a user of the shop."""
    with Session(engine) as session:
        return session.get(User, customer_id) is not None


def owner_of(engine: Engine, arguments: Mapping[str, Any]) -> str | None:
    """The owner of the order or account an action names."""
    with Session(engine) as session:
        order_id = arguments.get("order_id")
        if isinstance(order_id, str) and (order := find_order(session, order_id)) is not None:
            return order.user_id
        user_id = arguments.get("user_id")
        if isinstance(user_id, str) and session.get(User, user_id) is not None:
            return user_id
    return None
