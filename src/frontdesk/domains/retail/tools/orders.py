"""WRITE tools on pending orders: cancel, change address, swap items, switch payment.

Every check runs before the first change, and the tool base commits only when the
function returns, so a refusal leaves the database exactly as it was.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from frontdesk.domains.retail.tools.common import (
    ItemIds,
    OrderId,
    PaymentMethodId,
    address,
    adjust_gift_card,
    is_gift_card,
    owned_order,
    owner_payment_method,
    price_difference,
    too_many,
)
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool

CANCEL_REASONS = ("no longer needed", "ordered by mistake")
CancelReason = Annotated[
    str,
    Field(
        description="Exactly 'no longer needed' or 'ordered by mistake'",
        json_schema_extra={"enum": list(CANCEL_REASONS)},
    ),
]


@tool(kind=ToolKind.WRITE, requires_auth=True)
def cancel_pending_order(ctx: ToolContext, order_id: OrderId, reason: CancelReason) -> dict[str, Any]:
    """Cancel a pending order; every payment is refunded to its original payment method.

    Only after the customer explicitly confirmed the cancellation."""
    order = owned_order(ctx, order_id)
    if order.status != "pending":
        raise ToolError("Non-pending order cannot be cancelled")
    if reason not in CANCEL_REASONS:
        raise ToolError("Invalid reason")
    refunds = []
    for payment in order.payment_history:
        method = owner_payment_method(ctx, order, payment["payment_method_id"])
        refunds.append(
            {
                "transaction_type": "refund",
                "amount": payment["amount"],
                "payment_method_id": payment["payment_method_id"],
            }
        )
        if is_gift_card(method):
            adjust_gift_card(method, payment["amount"])
            ctx.db.add(method)
    order.payment_history = [*order.payment_history, *refunds]
    order.status = "cancelled"
    order.cancel_reason = reason
    ctx.db.add(order)
    return order.as_tau2()


@tool(kind=ToolKind.WRITE, requires_auth=True)
def modify_pending_order_address(
    ctx: ToolContext, order_id: OrderId, address1: str, address2: str, city: str, state: str, country: str, zip: str
) -> dict[str, Any]:
    """Change the shipping address of a pending order."""
    order = owned_order(ctx, order_id)
    if "pending" not in order.status:
        raise ToolError("Non-pending order cannot be modified")
    order.address = address(address1, address2, city, state, country, zip)
    ctx.db.add(order)
    return order.as_tau2()


@tool(kind=ToolKind.WRITE, requires_auth=True)
def modify_pending_order_items(
    ctx: ToolContext, order_id: OrderId, item_ids: ItemIds, new_item_ids: ItemIds, payment_method_id: PaymentMethodId
) -> dict[str, Any]:
    """Swap items of a pending order for other variants of the same products (once per order).

    The price difference is charged to, or refunded to, the given payment method."""
    order = owned_order(ctx, order_id)
    if order.status != "pending":
        raise ToolError("Non-pending order cannot be modified")
    missing = too_many(item_ids, order)
    if missing is not None:
        raise ToolError(f"{missing} not found")
    if len(item_ids) != len(new_item_ids):
        raise ToolError("The number of items to be exchanged should match")
    diff_price, variant = price_difference(ctx, order, item_ids, new_item_ids, reject_unchanged=True)
    method = owner_payment_method(ctx, order, payment_method_id)
    if is_gift_card(method) and (method.balance or 0.0) < diff_price:
        raise ToolError("Insufficient gift card balance to pay for the new item")
    history = {
        "transaction_type": "payment" if diff_price > 0 else "refund",
        "amount": abs(diff_price),
        "payment_method_id": payment_method_id,
    }
    order.payment_history = [*order.payment_history, history]
    if is_gift_card(method):
        adjust_gift_card(method, -diff_price)
        ctx.db.add(method)
    items = [dict(item) for item in order.items]
    for old_id, new_id in zip(item_ids, new_item_ids, strict=True):
        target = next(i for i in items if i["item_id"] == old_id)
        target.update(item_id=new_id, price=variant.price, options=variant.options)  # type: ignore[union-attr]
    order.items = items
    order.status = "pending (item modified)"
    ctx.db.add(order)
    return order.as_tau2()


@tool(kind=ToolKind.WRITE, requires_auth=True)
def modify_pending_order_payment(
    ctx: ToolContext, order_id: OrderId, payment_method_id: PaymentMethodId
) -> dict[str, Any]:
    """Pay a pending order with another of the customer's payment methods; the old one is refunded."""
    order = owned_order(ctx, order_id)
    if "pending" not in order.status:
        raise ToolError("Non-pending order cannot be modified")
    new_method = owner_payment_method(ctx, order, payment_method_id)
    history = order.payment_history
    if len(history) != 1 or history[0]["transaction_type"] != "payment":
        raise ToolError("There should be exactly one payment for a pending order")
    old_id, amount = history[0]["payment_method_id"], history[0]["amount"]
    if old_id == payment_method_id:
        raise ToolError("The new payment method should be different from the current one")
    if is_gift_card(new_method) and (new_method.balance or 0.0) < amount:
        raise ToolError("Insufficient gift card balance to pay for the order")
    order.payment_history = [
        *history,
        {"transaction_type": "payment", "amount": amount, "payment_method_id": payment_method_id},
        {"transaction_type": "refund", "amount": amount, "payment_method_id": old_id},
    ]
    if is_gift_card(new_method):
        adjust_gift_card(new_method, -amount)
        ctx.db.add(new_method)
    old_method = owner_payment_method(ctx, order, old_id)
    if is_gift_card(old_method):
        adjust_gift_card(old_method, amount)
        ctx.db.add(old_method)
    ctx.db.add(order)
    return order.as_tau2()
