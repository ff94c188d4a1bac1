"""Retail's money rule: how much a cancellation or return would refund.

The approval gate asks the domain; retail answers from the customer's own order. An id
written without its ``#`` is read the same way the tools read it, so the gate and the tool
always look at the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from frontdesk.domains.retail.tools.common import find_order

MONEY_TOOLS = frozenset({"cancel_pending_order", "return_delivered_order_items"})


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
    return None
