"""WRITE tools on delivered orders (return, exchange) and on the customer's account."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from frontdesk.domains.retail.dataset import user_as_tau2
from frontdesk.domains.retail.models import PaymentMethod
from frontdesk.domains.retail.tools.common import (
    ItemIds,
    OrderId,
    PaymentMethodId,
    address,
    is_gift_card,
    owned_order,
    owned_user,
    owner_payment_method,
    price_difference,
    too_many,
)
from frontdesk.tools.base import ToolContext, ToolError, ToolKind, tool


@tool(kind=ToolKind.WRITE, requires_auth=True)
def return_delivered_order_items(
    ctx: ToolContext, order_id: OrderId, item_ids: ItemIds, payment_method_id: PaymentMethodId
) -> dict[str, Any]:
    """Request a return of delivered items; the refund goes to the original payment method or a gift card."""
    order = owned_order(ctx, order_id)
    if order.status != "delivered":
        raise ToolError("Non-delivered order cannot be returned")
    method = owner_payment_method(ctx, order, payment_method_id)
    if not is_gift_card(method) and payment_method_id != order.payment_history[0]["payment_method_id"]:
        raise ToolError("Payment method should be the original payment method")
    if too_many(item_ids, order) is not None:
        raise ToolError("Some item not found")
    order.status = "return requested"
    order.return_items = sorted(item_ids)
    order.return_payment_method_id = payment_method_id
    ctx.db.add(order)
    return order.as_tau2()


@tool(kind=ToolKind.WRITE, requires_auth=True)
def exchange_delivered_order_items(
    ctx: ToolContext, order_id: OrderId, item_ids: ItemIds, new_item_ids: ItemIds, payment_method_id: PaymentMethodId
) -> dict[str, Any]:
    """Request an exchange of delivered items for other variants of the same products (once per order)."""
    order = owned_order(ctx, order_id)
    if order.status != "delivered":
        raise ToolError("Non-delivered order cannot be exchanged")
    missing = too_many(item_ids, order)
    if missing is not None:
        raise ToolError(f"Number of {missing} not found.")
    if len(item_ids) != len(new_item_ids):
        raise ToolError("The number of items to be exchanged should match.")
    diff_price, _variant = price_difference(ctx, order, item_ids, new_item_ids, reject_unchanged=False)
    diff_price = round(diff_price, 2)
    method = owner_payment_method(ctx, order, payment_method_id)
    if is_gift_card(method) and (method.balance or 0.0) < diff_price:
        raise ToolError("Insufficient gift card balance to pay for the price difference")
    order.status = "exchange requested"
    order.exchange_items = sorted(item_ids)
    order.exchange_new_items = sorted(new_item_ids)
    order.exchange_payment_method_id = payment_method_id
    order.exchange_price_difference = diff_price
    ctx.db.add(order)
    return order.as_tau2()


@tool(kind=ToolKind.WRITE, requires_auth=True)
def modify_user_address(
    ctx: ToolContext, user_id: str, address1: str, address2: str, city: str, state: str, country: str, zip: str
) -> dict[str, Any]:
    """Change the authenticated customer's default address (order addresses stay as they are)."""

    user = owned_user(ctx, user_id)
    user.address = address(address1, address2, city, state, country, zip)
    ctx.db.add(user)
    methods = ctx.db.exec(
        select(PaymentMethod).where(PaymentMethod.user_id == user.user_id).order_by(col(PaymentMethod.position))
    ).all()
    return user_as_tau2(user, list(methods))
